//! [`Page`]: one page of a search answer with its paging headers.

/// One page of search results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// `X-Count`: rows fetched by the server (file rows for photos, before merging).
    pub count: usize,
    /// `X-Limit`: the page size asked for.
    pub limit: usize,
    /// `X-Offset`: the offset asked for.
    pub offset: usize,
}

impl<T> Page<T> {
    /// True when a further page may hold more rows (`X-Count` reached the limit).
    pub fn has_more(&self) -> bool {
        self.limit > 0 && self.count >= self.limit
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            items: Vec::new(),
            count: 0,
            limit: 0,
            offset: 0,
        }
    }
}

use std::collections::HashSet;

use futures::{Stream, TryStreamExt, stream};
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::transport::{Request, Response};

/// A search whose results come in pages (`count`/`offset` parameters and
/// `X-Count`/`X-Limit`/`X-Offset` headers).
pub(crate) trait PagedQuery: Clone {
    /// The endpoint below `/api/v1/`.
    const PATH: &'static str;
    /// What the rows are, for messages ("album", "photo").
    const WHAT: &'static str;
    /// The page size.
    fn count(&self) -> usize;
    /// The offset of the page.
    fn offset(&self) -> usize;
    /// Moves to the next page.
    fn advance(&mut self);
    /// The URL parameters.
    fn params(&self) -> Vec<(String, String)>;
}

/// A search row with a unique identity, for de-duplication across pages.
pub(crate) trait Row {
    /// The row's UID.
    fn uid(&self) -> &str;
}

impl Client {
    /// One page of a search.
    pub(crate) async fn search_page<Q: PagedQuery, T: DeserializeOwned>(
        &self,
        query: &Q,
    ) -> Result<Page<T>, Error> {
        if query.count() == 0 {
            return Err(Error::invalid_input(format!(
                "the {} page size (count) must be above 0",
                Q::WHAT
            )));
        }
        let response = self
            .send(Request::get(Q::PATH).query(query.params()))
            .await?;
        let items: Option<Vec<T>> = response.json()?;
        let items = items.unwrap_or_default();
        Ok(Page {
            count: response.header_usize("X-Count").unwrap_or(items.len()),
            limit: response.header_usize("X-Limit").unwrap_or(query.count()),
            offset: response.header_usize("X-Offset").unwrap_or(query.offset()),
            items,
        })
    }

    /// One page of a search, kept as the server sent it: its rows can then be read into types
    /// that borrow their text from the body ([`RawPage::rows`]) instead of copying it.
    pub(crate) async fn search_page_raw<Q: PagedQuery>(&self, query: &Q) -> Result<RawPage, Error> {
        if query.count() == 0 {
            return Err(Error::invalid_input(format!(
                "the {} page size (count) must be above 0",
                Q::WHAT
            )));
        }
        let response = self
            .send(Request::get(Q::PATH).query(query.params()))
            .await?;
        Ok(RawPage {
            count: response.header_usize("X-Count"),
            response,
        })
    }

    /// Every row of a search, page by page, until a page comes back short
    /// (`X-Count` below `count`); a row seen on an earlier page is skipped.
    pub(crate) fn paged_stream<Q, T>(&self, query: Q) -> impl Stream<Item = Result<T, Error>> + '_
    where
        Q: PagedQuery + 'static,
        T: DeserializeOwned + Row + 'static,
    {
        let state = (query, false, HashSet::<String>::new());
        stream::try_unfold(state, move |(mut query, done, mut seen)| async move {
            if done {
                return Ok(None);
            }
            let page: Page<T> = self.search_page(&query).await?;
            let finished = page.count == 0 || page.count < query.count();
            query.advance();
            let items: Vec<T> = page
                .items
                .into_iter()
                .filter(|row| seen.insert(row.uid().to_owned()))
                .collect();
            Ok(Some((items, (query, finished, seen))))
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
    }
}

/// One page of a search as the server sent it (see [`Client::search_page_raw`]).
pub(crate) struct RawPage {
    response: Response,
    /// `X-Count`, when the server sent it.
    pub(crate) count: Option<usize>,
}

impl RawPage {
    /// The rows, borrowing their text from the body where it has no escapes.
    pub(crate) fn rows<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<Vec<T>, Error> {
        let decode = |message: String| Error::Decode {
            method: self.response.method.clone(),
            path: self.response.path.clone(),
            message,
        };
        // One check of the whole body, instead of one per string.
        let text = std::str::from_utf8(&self.response.body).map_err(|e| decode(e.to_string()))?;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let rows: Option<Vec<T>> = serde_json::from_str(text).map_err(|e| decode(e.to_string()))?;
        Ok(rows.unwrap_or_default())
    }
}
