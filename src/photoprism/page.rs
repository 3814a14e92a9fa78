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
