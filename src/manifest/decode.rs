//! Decoding one file's node tree into manifest types, reporting every problem on its node.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::model::{AlbumEntry, AlbumState, Membership, PhotoRule, Selector, SelectorKind};
use super::normalize::normalize_album_title;
use super::problem::Problem;
use super::source::{Loc, SourceFile};
use super::validate::{
    self, ALBUM_ORDERS, COUNTRIES, UNKNOWN_COUNTRY, did_you_mean, is_sha1, is_time_zone, is_uid,
    list, parse_rfc3339, path_problem, zone_suggestion,
};
use super::yaml::{self, Node, Tree, Value};

mod labels;

const TOP_FIELDS: &[&str] = &["version", "settings", "albums", "photos"];
const SETTINGS_FIELDS: &[&str] = &[
    "prune",
    "max_destroy",
    "max_remove_percent",
    "max_remove_photos",
    "max_archive",
    "max_link_deletes",
    "allow_empty_query",
];
const ALBUM_FIELDS: &[&str] = &[
    "uid",
    "title",
    "description",
    "caption",
    "notes",
    "category",
    "location",
    "country",
    "order",
    "favorite",
    "private",
    "photos",
    "except",
    "membership",
    "state",
    "cover",
    "links",
    "manage_links",
];
/// Album fields that an entry with `state: absent` may have.
const ABSENT_FIELDS: &[&str] = &["uid", "title", "state"];
const RULE_FIELDS: &[&str] = &[
    "match",
    "except",
    "title",
    "caption",
    "description",
    "favorite",
    "private",
    "archived",
    "taken_at",
    "time_zone",
    "lat",
    "lng",
    "altitude",
    "keywords",
    "notes",
    "subject",
    "artist",
    "copyright",
    "license",
    "labels",
    "approved",
];
const SELECTOR_KEYS: &[&str] = &["uid", "hash", "path", "query", "album"];
/// Photo rule fields that set nothing (they say which photos).
const RULE_SELECTING_FIELDS: &[&str] = &["match", "except"];
const MEMBERSHIPS: &[&str] = &["exact", "additive"];
const STATES: &[&str] = &["present", "absent"];

/// What one file declares, before files are merged.
pub(crate) struct FileManifest {
    /// `settings.prune` and where it is.
    pub prune: Option<(bool, Loc)>,
    /// `settings.max_destroy` and where it is.
    pub max_destroy: Option<(u32, Loc)>,
    /// The budget settings (`max_remove_percent`, `max_remove_photos`, `max_archive`,
    /// `max_link_deletes`) and where they are.
    pub budgets: Vec<(&'static str, u32, Loc)>,
    /// `settings.allow_empty_query` and where it is.
    pub allow_empty_query: Option<(bool, Loc)>,
    /// Albums in file order.
    pub albums: Vec<AlbumEntry>,
    /// Photo rules in file order (indexes are set when merging).
    pub photos: Vec<PhotoRule>,
}

/// Reads one file, adding every problem found to `problems`.
pub(crate) fn decode_file(source: &Arc<SourceFile>, problems: &mut Vec<Problem>) -> FileManifest {
    let mut out = FileManifest {
        prune: None,
        max_destroy: None,
        budgets: Vec::new(),
        allow_empty_query: None,
        albums: Vec::new(),
        photos: Vec::new(),
    };
    let parsed = yaml::parse(source);
    let unreadable = parsed.docs.is_empty() && !parsed.problems.is_empty();
    problems.extend(parsed.problems);
    if unreadable {
        return out;
    }
    let tree = parsed.tree;
    let mut ctx = Ctx {
        source,
        problems,
        tree: &tree,
    };
    let root = parsed.docs.first().copied();
    let root = match root {
        Some(node) if !matches!(node.value, Value::Null) => node,
        _ => {
            let loc = Loc::new(source.clone(), 0, 0);
            ctx.report(
                Problem::at(
                    "empty_file",
                    "the manifest file is empty",
                    &loc,
                    "nothing here",
                )
                .with_help("start the file with `version: 1`, or remove it"),
            );
            return out;
        }
    };
    if !matches!(root.value, Value::Map(_)) {
        let problem = Problem::at(
            "not_a_mapping",
            format!("the manifest must be a mapping, not {}", root.kind()),
            &ctx.loc(&root),
            "expected `key: value` pairs",
        )
        .with_help("a manifest is a mapping with `version`, and optionally `settings`, `albums` and `photos`");
        ctx.report(problem);
        return out;
    }
    let Some(fields) = ctx.fields(&root, "the manifest", TOP_FIELDS) else {
        return out;
    };
    if fields.get("version").is_some() || !fields.was_suggested("version") {
        ctx.version(&root, fields.get("version"));
    }
    if let Some(f) = fields.get("settings") {
        ctx.settings(f.value, &mut out);
    }
    if let Some(f) = fields.get("albums") {
        ctx.albums(f.value, &mut out);
    }
    if let Some(f) = fields.get("photos") {
        ctx.photo_rules(f.value, &mut out);
    }
    out
}

/// A known field of a mapping: its key node and value node.
#[derive(Clone, Copy)]
struct Field<'n> {
    key: &'n Node,
    value: &'n Node,
}

/// The known fields of a mapping, by name (first occurrence only).
#[derive(Default)]
struct Fields<'n> {
    entries: Vec<(&'n str, Field<'n>)>,
    /// Known names that an unknown key was suggested as (`titel` -> `title`): a missing
    /// required field with such a suggestion is not reported again.
    suggested: Vec<String>,
}

impl<'n> Fields<'n> {
    fn get(&self, name: &str) -> Option<Field<'n>> {
        self.entries
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }

    fn was_suggested(&self, name: &str) -> bool {
        self.suggested.iter().any(|s| s == name)
    }

    fn names(&self) -> impl Iterator<Item = &'n str> + '_ {
        self.entries.iter().map(|(n, _)| *n)
    }
}

struct Ctx<'a> {
    source: &'a Arc<SourceFile>,
    problems: &'a mut Vec<Problem>,
    tree: &'a Tree,
}

impl<'a> Ctx<'a> {
    fn loc(&self, node: &Node) -> Loc {
        let span = node.span();
        Loc::new(self.source.clone(), span.start, span.end)
    }

    fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Reports a value of the wrong type for `what`, expecting `expected`.
    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let found = node.kind();
        let help = type_help(self.tree, node, expected);
        let problem = Problem::at(
            "wrong_type",
            format!("{what} must be {expected}, not {found}"),
            &self.loc(node),
            format!("expected {expected}"),
        )
        .with_help(help);
        self.report(problem);
    }

    /// The known fields of a mapping; reports a non-mapping, odd keys and unknown fields.
    fn fields(&mut self, node: &Node, what: &str, known: &[&str]) -> Option<Fields<'a>> {
        if !matches!(node.value, Value::Map(_)) {
            self.wrong_type(node, what, "a mapping");
            return None;
        }
        let tree = self.tree;
        let mut fields = Fields::default();
        for (key, value) in tree.entries(node) {
            if !key.is_scalar() {
                let problem = Problem::at(
                    "invalid_key",
                    format!("keys in {what} must be plain words, not {}", key.kind()),
                    &self.loc(key),
                    "not a plain key",
                );
                self.report(problem);
                continue;
            }
            let name = tree.raw(key);
            if known.contains(&name) {
                if fields.get(name).is_none() {
                    fields.entries.push((name, Field { key, value }));
                }
                continue;
            }
            if let Some(s) = validate::suggest(name, known) {
                fields.suggested.push(s.to_owned());
            }
            let problem = Problem::at(
                "unknown_field",
                format!("unknown field `{name}` in {what}"),
                &self.loc(key),
                "unknown field",
            )
            .with_help(did_you_mean(name, known));
            self.report(problem);
        }
        Some(fields)
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match self.tree.str(node) {
            Some(s) => Some(s.to_owned()),
            None => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, what, "`true` or `false`");
                None
            }
        }
    }

    fn version(&mut self, root: &Node, field: Option<Field<'_>>) {
        let Some(field) = field else {
            let at = first_key(self.tree, root).unwrap_or(root);
            let problem = Problem::at(
                "version_missing",
                "the manifest has no `version`",
                &self.loc(at),
                "`version` is missing in this file",
            )
            .with_help("add `version: 1` at the top of the file");
            self.report(problem);
            return;
        };
        match field.value.value {
            Value::Int(1) => {}
            Value::Int(n) => {
                let problem = Problem::at(
                    "version_unsupported",
                    format!("manifest version {n} is not supported"),
                    &self.loc(field.value),
                    "unsupported version",
                )
                .with_help("only `version: 1` exists");
                self.report(problem);
            }
            _ => self.wrong_type(field.value, "`version`", "the integer 1"),
        }
    }

    fn settings(&mut self, node: &Node, out: &mut FileManifest) {
        let Some(fields) = self.fields(node, "`settings`", SETTINGS_FIELDS) else {
            return;
        };
        if let Some(f) = fields.get("prune") {
            if let Some(b) = self.bool(f.value, "`prune`") {
                out.prune = Some((b, self.loc(f.value)));
            }
        }
        if let Some(f) = fields.get("max_destroy") {
            match f.value.value {
                Value::Int(n) => match u32::try_from(n) {
                    Ok(n) => out.max_destroy = Some((n, self.loc(f.value))),
                    Err(_) => {
                        let problem = Problem::at(
                            "invalid_max_destroy",
                            format!("`max_destroy` must be between 0 and {}, not {n}", u32::MAX),
                            &self.loc(f.value),
                            "out of range",
                        )
                        .with_help("the number of albums a plan may delete; 0 forbids deletes");
                        self.report(problem);
                    }
                },
                _ => self.wrong_type(f.value, "`max_destroy`", "a non-negative integer"),
            }
        }
        for (name, max, help) in [
            (
                "max_remove_percent",
                100,
                "a percentage of an album's photos, 0 to 100 (default 30)",
            ),
            (
                "max_remove_photos",
                u32::MAX,
                "how many photos may always be removed from one album (default 10)",
            ),
            (
                "max_archive",
                u32::MAX,
                "how many photos one plan may archive (default 10)",
            ),
            (
                "max_link_deletes",
                u32::MAX,
                "how many share links one plan may delete (default 0)",
            ),
        ] {
            let Some(f) = fields.get(name) else {
                continue;
            };
            match f.value.value {
                Value::Int(n) if (0..=i64::from(max)).contains(&n) => {
                    if let Ok(n) = u32::try_from(n) {
                        out.budgets.push((name, n, self.loc(f.value)));
                    }
                }
                Value::Int(n) => {
                    let problem = Problem::at(
                        "invalid_budget",
                        format!("`{name}` must be between 0 and {max}, not {n}"),
                        &self.loc(f.value),
                        "out of range",
                    )
                    .with_help(help);
                    self.report(problem);
                }
                _ => self.wrong_type(f.value, &format!("`{name}`"), "a non-negative integer"),
            }
        }
        if let Some(f) = fields.get("allow_empty_query") {
            if let Some(b) = self.bool(f.value, "`allow_empty_query`") {
                out.allow_empty_query = Some((b, self.loc(f.value)));
            }
        }
    }

    fn albums(&mut self, node: &Node, out: &mut FileManifest) {
        if !matches!(node.value, Value::Map(_)) {
            self.wrong_type(node, "`albums`", "a mapping from album key to album");
            return;
        }
        let tree = self.tree;
        let mut keys: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (key, value) in tree.entries(node) {
            if !key.is_scalar() {
                let problem = Problem::at(
                    "invalid_key",
                    format!("an album key must be a plain word, not {}", key.kind()),
                    &self.loc(key),
                    "not a plain key",
                );
                self.report(problem);
                continue;
            }
            if !keys.insert(tree.raw(key)) {
                // Reported as a duplicate key by the YAML reader.
                continue;
            }
            if let Some(album) = self.album(key, value) {
                out.albums.push(album);
            }
        }
    }

    fn album(&mut self, key_node: &Node, node: &Node) -> Option<AlbumEntry> {
        let key = self.tree.raw(key_node).to_owned();
        let key_loc = self.loc(key_node);
        if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            let problem = Problem::at(
                "invalid_album_key",
                format!("`{key}` cannot be an album key"),
                &key_loc,
                "invalid key",
            )
            .with_help("album keys are addresses like `summer-2024`: no spaces, not empty");
            self.report(problem);
        }
        let what = format!("album `{key}`");
        let fields = self.fields(node, &what, ALBUM_FIELDS)?;
        let mut album = AlbumEntry {
            key: key.clone(),
            loc: key_loc.clone(),
            uid: None,
            title: None,
            description: None,
            caption: None,
            notes: None,
            category: None,
            location: None,
            country: None,
            order: None,
            favorite: None,
            private: None,
            photos: None,
            except: Vec::new(),
            membership: Membership::Exact,
            state: AlbumState::Present,
            cover: None,
            links: None,
            manage_links: false,
            field_locs: BTreeMap::new(),
        };
        for (name, field) in &fields.entries {
            album
                .field_locs
                .insert((*name).to_owned(), self.loc(field.value));
            let label = format!("`{name}`");
            let v = field.value;
            match *name {
                "uid" => album.uid = self.album_uid(v),
                "title" => album.title = self.title(v),
                "description" => album.description = self.string(v, &label),
                "caption" => album.caption = self.string(v, &label),
                "notes" => album.notes = self.string(v, &label),
                "category" => album.category = self.string(v, &label),
                "location" => album.location = self.string(v, &label),
                "country" => album.country = self.country(v),
                "order" => album.order = self.choice(v, "order", ALBUM_ORDERS, "invalid_order"),
                "favorite" => album.favorite = self.bool(v, &label),
                "private" => album.private = self.bool(v, &label),
                "photos" => album.photos = self.selector_list(v),
                "except" => album.except = self.except_list(v).unwrap_or_default(),
                "cover" => album.cover = self.cover(v),
                "links" => album.links = self.links(v),
                "manage_links" => album.manage_links = self.bool(v, &label).unwrap_or(false),
                "membership" => {
                    if let Some(m) = self.choice(v, "membership", MEMBERSHIPS, "invalid_membership")
                    {
                        album.membership = if m == "additive" {
                            Membership::Additive
                        } else {
                            Membership::Exact
                        };
                    }
                }
                "state" => {
                    if let Some(s) = self.choice(v, "state", STATES, "invalid_state") {
                        album.state = if s == "absent" {
                            AlbumState::Absent
                        } else {
                            AlbumState::Present
                        };
                    }
                }
                _ => {}
            }
        }
        self.album_rules(&album, &fields, key_node);
        Some(album)
    }

    /// Checks that need several fields of one album.
    fn album_rules(&mut self, album: &AlbumEntry, fields: &Fields<'_>, key_node: &Node) {
        let key = &album.key;
        let state_absent = fields
            .get("state")
            .is_some_and(|f| self.tree.str(f.value) == Some("absent"));
        if state_absent {
            for name in fields.names() {
                if ABSENT_FIELDS.contains(&name) {
                    continue;
                }
                let Some(f) = fields.get(name) else { continue };
                let state_loc = fields.get("state").map(|s| self.loc(s.value));
                let mut problem = Problem::at(
                    "absent_with_fields",
                    format!("album `{key}` is `state: absent`, so `{name}` has no meaning"),
                    &self.loc(f.key),
                    format!("`{name}` on an absent album"),
                )
                .with_help(format!(
                    "an absent album is deleted; it may only have {}",
                    list(ABSENT_FIELDS)
                ));
                if let Some(state_loc) = state_loc {
                    problem = problem.also_at(&state_loc, "the album is absent here");
                }
                self.report(problem);
            }
            if fields.get("uid").is_none() && fields.get("title").is_none() {
                let problem = Problem::at(
                    "absent_without_identity",
                    format!("album `{key}` is `state: absent` but names no album"),
                    &self.loc(key_node),
                    "which album?",
                )
                .with_help("give the `uid` (or the `title`) of the album that must not exist");
                self.report(problem);
            }
        } else if fields.get("title").is_none()
            && !fields.was_suggested("title")
            && fields
                .get("state")
                .is_none_or(|f| self.tree.str(f.value) == Some("present"))
        {
            let problem = Problem::at(
                "missing_field",
                format!("album `{key}` has no `title`"),
                &self.loc(key_node),
                "`title` is missing",
            )
            .with_help("add `title: ...`; only an album with `state: absent` may leave it out");
            self.report(problem);
        }
        self.except_rules(album, fields);
        if !state_absent && fields.get("links").is_none() {
            if let Some(f) = fields.get("manage_links") {
                if matches!(f.value.value, Value::Bool(true)) {
                    let problem = Problem::at(
                        "manage_links_without_links",
                        format!("album `{key}` sets `manage_links` but has no `links`"),
                        &self.loc(f.value),
                        "manage which links?",
                    )
                    .with_help("add `links: [...]` (`links: []` deletes every share link of the album), or remove `manage_links`");
                    self.report(problem);
                }
            }
        }
        if !state_absent && fields.get("membership").is_some() && fields.get("photos").is_none() {
            if let Some(f) = fields.get("membership") {
                let problem = Problem::at(
                    "membership_without_photos",
                    format!("album `{key}` sets `membership` but has no `photos`"),
                    &self.loc(f.value),
                    "membership of what?",
                )
                .with_help("add a `photos` list, or remove `membership` (without `photos` membership is not managed)");
                self.report(problem);
            }
        }
    }

    /// An album's `cover`: one selector that names one photo.
    fn cover(&mut self, node: &Node) -> Option<Selector> {
        let selector = self.selector(node)?;
        if let Some(why) = super::albumx::cover_selector_problem(&selector.kind) {
            let problem = Problem::at(
                "invalid_cover",
                format!("`cover` must name one photo: {why}"),
                &selector.loc,
                "not one photo",
            )
            .with_help("name the cover photo with `uid`, `hash` or `path`, e.g. `cover: { path: 2024/07/IMG_0001.jpg }`");
            self.report(problem);
            return None;
        }
        Some(selector)
    }

    /// An album's `links`: a list of share links.
    fn links(&mut self, node: &Node) -> Option<Vec<super::albumx::LinkSpec>> {
        let Value::Seq(_) = node.value else {
            self.wrong_type(node, "`links`", "a list of share links");
            return None;
        };
        let mut out: Vec<super::albumx::LinkSpec> = Vec::new();
        let mut ok = true;
        for item in self.tree.items(node) {
            match self.link(item) {
                Some(link) => {
                    let slug = link.server_slug();
                    if !slug.is_empty() {
                        if let Some(first) = out.iter().find(|other| other.server_slug() == slug) {
                            let problem = Problem::at(
                                "duplicate_link",
                                format!("two links of this album have the slug `{slug}`"),
                                &link.loc,
                                "second link",
                            )
                            .also_at(&first.loc, "first link")
                            .with_help("a slug identifies one link: give each link its own slug");
                            self.report(problem);
                            ok = false;
                            continue;
                        }
                    }
                    out.push(link);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// One share link: `slug`, `expires`, `max_views`, `password: { file | env }`.
    fn link(&mut self, node: &Node) -> Option<super::albumx::LinkSpec> {
        let fields = self.fields(
            node,
            "a share link",
            &["slug", "expires", "max_views", "password"],
        )?;
        let mut link = super::albumx::LinkSpec {
            slug: None,
            expires: None,
            max_views: None,
            password: None,
            loc: self.loc(node),
        };
        let mut ok = true;
        if let Some(f) = fields.get("slug") {
            let text = self.string(f.value, "`slug`");
            match text {
                Some(text) if crate::photoprism::text::slug(&text).is_empty() => {
                    let problem = Problem::at(
                        "invalid_slug",
                        format!("`{text}` gives an empty slug"),
                        &self.loc(f.value),
                        "no letters or digits",
                    )
                    .with_help("a slug needs letters or digits (PhotoPrism keeps only those and `-`); leave `slug` out for a link without one");
                    self.report(problem);
                    ok = false;
                }
                Some(text) => link.slug = Some(text),
                None => ok = false,
            }
        }
        if let Some(f) = fields.get("expires") {
            let seconds = match f.value.value {
                Value::Int(n) if (0..=i64::from(i32::MAX)).contains(&n) => Some(n),
                _ => self
                    .tree
                    .str(f.value)
                    .and_then(super::albumx::parse_duration),
            };
            match seconds {
                Some(seconds) => link.expires = Some(seconds),
                None => {
                    let problem = Problem::at(
                        "invalid_expires",
                        format!("`expires` must be seconds or a duration, not `{}`", self.tree.raw(f.value)),
                        &self.loc(f.value),
                        "not a duration",
                    )
                    .with_help("write seconds (`3600`) or a number with a unit: `90s`, `30m`, `12h`, `7d`, `2w`; 0 never expires");
                    self.report(problem);
                    ok = false;
                }
            }
        }
        if let Some(f) = fields.get("max_views") {
            match f.value.value {
                Value::Int(n) => match u32::try_from(n) {
                    Ok(n) => link.max_views = Some(n),
                    Err(_) => {
                        let problem = Problem::at(
                            "invalid_max_views",
                            format!("`max_views` must be between 0 and {}, not {n}", u32::MAX),
                            &self.loc(f.value),
                            "out of range",
                        )
                        .with_help("how many views the link allows; 0 = unlimited");
                        self.report(problem);
                        ok = false;
                    }
                },
                _ => {
                    self.wrong_type(f.value, "`max_views`", "a non-negative integer");
                    ok = false;
                }
            }
        }
        if let Some(f) = fields.get("password") {
            match self.password(f.value) {
                Some(source) => link.password = Some(source),
                None => ok = false,
            }
        }
        ok.then_some(link)
    }

    /// A link's `password`: `{ file: PATH }` or `{ env: NAME }`, never the password itself.
    fn password(&mut self, node: &Node) -> Option<super::albumx::PasswordSource> {
        if !matches!(node.value, Value::Map(_)) {
            let problem = Problem::at(
                "inline_password",
                "a link password is never written in the manifest",
                &self.loc(node),
                "write where the password is, not the password",
            )
            .with_help("use `password: { file: PATH }` or `password: { env: NAME }`");
            self.report(problem);
            return None;
        }
        let fields = self.fields(node, "`password`", &["file", "env"])?;
        let names: Vec<&str> = fields.names().collect();
        if names.len() != 1 {
            let problem = Problem::at(
                "password_source",
                "`password` takes exactly one of `file` or `env`",
                &self.loc(node),
                "one source",
            )
            .with_help("use `password: { file: PATH }` or `password: { env: NAME }`");
            self.report(problem);
            return None;
        }
        let name = names.first().copied()?;
        let f = fields.get(name)?;
        let text = self.string(f.value, &format!("`{name}`"))?;
        if text.trim().is_empty() {
            let problem = Problem::at(
                "password_source",
                format!("the password `{name}` is empty"),
                &self.loc(f.value),
                "empty",
            )
            .with_help("name the file or the environment variable that holds the password");
            self.report(problem);
            return None;
        }
        Some(if name == "file" {
            super::albumx::PasswordSource::File(text)
        } else {
            super::albumx::PasswordSource::Env(text)
        })
    }

    fn album_uid(&mut self, node: &Node) -> Option<String> {
        let s = self.string(node, "`uid`")?;
        if is_uid(&s, 'a') {
            return Some(s);
        }
        if let Some(problem) = implausible_uid(&s, 'a', "an album", &self.loc(node)) {
            self.report(problem);
            return None;
        }
        let help = if is_uid(&s, 'p') {
            "this is a photo UID; album UIDs start with `a`".to_owned()
        } else if is_uid(&s.to_lowercase(), 'a') {
            format!("UIDs are lower case: `{}`", s.to_lowercase())
        } else {
            "album UIDs are `a` followed by 15 lower-case letters or digits, e.g. `aqz2f5h0qbkm3c1u`"
                .to_owned()
        };
        let problem = Problem::at(
            "invalid_uid",
            format!("`{s}` is not an album UID"),
            &self.loc(node),
            "not an album UID",
        )
        .with_help(help);
        self.report(problem);
        None
    }

    fn title(&mut self, node: &Node) -> Option<String> {
        let s = self.string(node, "`title`")?;
        if normalize_album_title(&s).is_empty() {
            let problem = Problem::at(
                "empty_title",
                "the album title is empty",
                &self.loc(node),
                "empty title",
            )
            .with_help(
                "PhotoPrism trims spaces and `_ & | { } < > : \\` from titles; give a title with words in it",
            );
            self.report(problem);
            return None;
        }
        Some(s)
    }

    /// A photo rule's `title`: text with something in it. PhotoPrism never keeps an empty
    /// photo title: a PUT regenerates one (`Photo.UpdateTitle` runs whenever the title is
    /// empty, whatever `TitleSrc` says), and the empty title a 2025+ batch edit stores is
    /// replaced the same way on the photo's next save.
    fn photo_title(&mut self, node: &Node) -> Option<String> {
        let s = self.string(node, "`title`")?;
        if s.trim().is_empty() {
            let problem = Problem::at(
                "empty_title",
                "PhotoPrism cannot store an empty photo title",
                &self.loc(node),
                "empty title",
            )
            .with_help(
                "it generates a title (from the place, labels or file name) whenever the title \
                 is empty, so this rule could never be met; remove the key to leave the title \
                 unmanaged, or write a title",
            );
            self.report(problem);
            return None;
        }
        Some(s)
    }

    fn country(&mut self, node: &Node) -> Option<String> {
        let s = self.string(node, "`country`")?;
        if s == UNKNOWN_COUNTRY || COUNTRIES.contains(&s.as_str()) {
            return Some(s);
        }
        let lower = s.to_lowercase();
        let help = if COUNTRIES.contains(&lower.as_str()) {
            format!("country codes are lower case: `{lower}`")
        } else {
            "use an ISO 3166-1 alpha-2 code in lower case, such as `pt`, `de` or `us` (`zz` = unknown)"
                .to_owned()
        };
        let problem = Problem::at(
            "invalid_country",
            format!("`{s}` is not an ISO 3166-1 alpha-2 country code"),
            &self.loc(node),
            "unknown country code",
        )
        .with_help(help);
        self.report(problem);
        None
    }

    /// A string that must be one of `choices`.
    fn choice(&mut self, node: &Node, field: &str, choices: &[&str], code: &str) -> Option<String> {
        let s = self.string(node, &format!("`{field}`"))?;
        if choices.contains(&s.as_str()) {
            return Some(s);
        }
        let problem = Problem::at(
            code,
            format!("`{s}` is not a valid `{field}`"),
            &self.loc(node),
            format!("unknown {field}"),
        )
        .with_help(did_you_mean(&s, choices));
        self.report(problem);
        None
    }

    /// An album's `photos`: a list of selectors.
    fn selector_list(&mut self, node: &Node) -> Option<Vec<Selector>> {
        let tree = self.tree;
        let Value::Seq(_) = node.value else {
            if let Some(text) = tree.str(node) {
                let problem = Problem::at(
                    "wrong_type",
                    "`photos` must be a list of selectors, not a string",
                    &self.loc(node),
                    "expected a list of selectors",
                )
                .with_help(format!(
                    "write a list of selectors: `[{{ {} }}]`",
                    guess_selector(text)
                ));
                self.report(problem);
            } else {
                self.wrong_type(node, "`photos`", "a list of selectors");
            }
            return None;
        };
        let items = tree.items(node);
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match self.selector(item) {
                Some(sel) => out.push(sel),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// An `except` list (of an album or a photo rule): one selector or a list of them.
    fn except_list(&mut self, node: &Node) -> Option<Vec<Selector>> {
        match &node.value {
            Value::Map(_) => self.selector(node).map(|s| vec![s]),
            Value::Seq(_) => self.selector_list(node),
            _ => {
                self.wrong_type(node, "`except`", "a list of selectors");
                None
            }
        }
    }

    /// `except` on an album needs `photos` (it takes photos out of what they select).
    fn except_rules(&mut self, album: &AlbumEntry, fields: &Fields<'_>) {
        if fields.get("photos").is_some() || album.state == AlbumState::Absent {
            return;
        }
        if let Some(f) = fields.get("except") {
            let problem = Problem::at(
                "except_without_photos",
                format!("album `{}` has `except` but no `photos`", album.key),
                &self.loc(f.key),
                "except from what?",
            )
            .with_help(
                "`except` takes photos out of what `photos` selects: add a `photos` list, or \
                 remove `except`",
            );
            self.report(problem);
        }
    }

    /// One selector mapping with exactly one of `uid`, `hash`, `path`, `query`, `album`.
    fn selector(&mut self, node: &Node) -> Option<Selector> {
        let tree = self.tree;
        let mut entries = tree.entries(node);
        let count = entries.len();
        let Value::Map(_) = node.value else {
            self.wrong_type(
                node,
                "a selector",
                "a mapping with one key (`uid`, `hash`, `path`, `query` or `album`)",
            );
            return None;
        };
        if count == 0 {
            let problem = Problem::at(
                "selector_keys",
                "this selector is empty",
                &self.loc(node),
                "no key",
            )
            .with_help("a selector has exactly one key: `uid`, `hash`, `path`, `query` or `album`");
            self.report(problem);
            return None;
        }
        let (key, value) = entries.next()?;
        if let Some((extra, _)) = entries.next() {
            let problem = Problem::at(
                "selector_keys",
                format!("a selector has exactly one key; this one has {count}"),
                &self.loc(extra),
                "second key",
            )
            .also_at(&self.loc(key), "first key")
            .with_help("split it into separate selectors; a list of selectors selects their union");
            self.report(problem);
            return None;
        }
        let name = tree.raw(key);
        let what = match name {
            "uid" => "`uid`",
            "hash" => "`hash`",
            "path" => "`path`",
            "query" => "`query`",
            "album" => "`album`",
            _ => {
                // Reports the unknown key (with a suggestion).
                self.fields(node, "a selector", SELECTOR_KEYS)?;
                return None;
            }
        };
        let text = self.string(value, what)?;
        let loc = self.loc(node);
        let value_loc = self.loc(value);
        let kind = match name {
            "uid" => {
                if let Some(problem) = implausible_uid(&text, 'p', "a photo", &value_loc) {
                    self.report(problem);
                    return None;
                }
                if !is_uid(&text, 'p') {
                    let help = if is_uid(&text, 'a') {
                        "this is an album UID; photo UIDs start with `p`".to_owned()
                    } else if is_uid(&text.to_lowercase(), 'p') {
                        format!("UIDs are lower case: `{}`", text.to_lowercase())
                    } else {
                        "photo UIDs are `p` followed by 15 lower-case letters or digits, e.g. `pt4q2mf3k9ab1cde`".to_owned()
                    };
                    self.report(
                        Problem::at(
                            "invalid_uid",
                            format!("`{text}` is not a photo UID"),
                            &value_loc,
                            "not a photo UID",
                        )
                        .with_help(help),
                    );
                    return None;
                }
                SelectorKind::Uid(text)
            }
            "hash" => {
                if is_abbreviated_hash(&text) {
                    // A placeholder such as `3cb5...` (manifest.md's own example):
                    // valid to write down, impossible to resolve.
                    self.report(
                        Problem::at(
                            "abbreviated_hash",
                            format!("`{text}` is an abbreviated hash"),
                            &value_loc,
                            "abbreviated",
                        )
                        .with_help(
                            "`prysm plan` needs the full 40-digit SHA-1 of a file of the photo \
                             (`sha1sum FILE`)",
                        )
                        .warning(),
                    );
                } else if !is_sha1(&text) {
                    let help = if is_sha1(&text.to_lowercase()) {
                        format!("write the hash in lower case: `{}`", text.to_lowercase())
                    } else {
                        format!(
                            "a SHA-1 is 40 hex digits (0-9, a-f); this has {} characters",
                            text.chars().count()
                        )
                    };
                    self.report(
                        Problem::at(
                            "invalid_hash",
                            format!("`{text}` is not a SHA-1 hash"),
                            &value_loc,
                            "not a SHA-1",
                        )
                        .with_help(help),
                    );
                    return None;
                }
                SelectorKind::Hash(text)
            }
            "path" => {
                if let Some(why) = path_problem(&text) {
                    self.report(
                        Problem::at("invalid_path", format!("`{text}` is not a usable path: {why}"), &value_loc, why)
                            .with_help("paths are relative to the originals folder, e.g. `2024/07/IMG_0001.jpg`"),
                    );
                    return None;
                }
                SelectorKind::Path(text)
            }
            "album" => {
                if text.trim().is_empty() || text.chars().any(char::is_whitespace) {
                    self.report(
                        Problem::at(
                            "invalid_album_ref",
                            format!("`{text}` cannot name an album"),
                            &value_loc,
                            "not an album key or UID",
                        )
                        .with_help(
                            "write a manifest album key (`summer-2024`) or an album UID (`a…`)",
                        ),
                    );
                    return None;
                }
                SelectorKind::Album(text)
            }
            _ => {
                if text.trim().is_empty() {
                    self.report(
                        Problem::at("empty_query", "the query is empty", &value_loc, "empty query")
                            .with_help("write a PhotoPrism search filter, e.g. `label:cat` or `year:2024 month:7`"),
                    );
                    return None;
                }
                SelectorKind::Query(text)
            }
        };
        Some(Selector { kind, loc })
    }

    fn photo_rules(&mut self, node: &Node, out: &mut FileManifest) {
        let Value::Seq(_) = node.value else {
            self.wrong_type(node, "`photos`", "a list of photo rules");
            return;
        };
        for item in self.tree.items(node) {
            if let Some(rule) = self.photo_rule(item) {
                out.photos.push(rule);
            }
        }
    }

    fn photo_rule(&mut self, node: &Node) -> Option<PhotoRule> {
        let fields = self.fields(node, "a photo rule", RULE_FIELDS)?;
        let head = fields
            .get("match")
            .map(|f| f.key)
            .or_else(|| first_key(self.tree, node))
            .unwrap_or(node);
        let mut rule = PhotoRule {
            index: 0,
            loc: self.loc(head),
            selectors: Vec::new(),
            except: Vec::new(),
            title: None,
            caption: None,
            favorite: None,
            private: None,
            archived: None,
            taken_at: None,
            time_zone: None,
            lat: None,
            lng: None,
            altitude: None,
            keywords: None,
            notes: None,
            subject: None,
            artist: None,
            copyright: None,
            license: None,
            labels: None,
            approved: None,
            field_locs: BTreeMap::new(),
        };
        let mut valid = true;
        for (name, field) in &fields.entries {
            let canonical = if *name == "description" {
                "caption"
            } else {
                name
            };
            rule.field_locs
                .entry(canonical.to_owned())
                .or_insert_with(|| self.loc(field.value));
            let label = format!("`{name}`");
            let v = field.value;
            match *name {
                "match" => match self.match_selectors(v) {
                    Some(sels) => rule.selectors = sels,
                    None => valid = false,
                },
                "except" => match self.except_list(v) {
                    Some(sels) => rule.except = sels,
                    None => valid = false,
                },
                "title" => rule.title = self.photo_title(v),
                "caption" | "description" if rule.caption.is_none() => {
                    rule.caption = self.string(v, &label);
                }
                "favorite" => rule.favorite = self.bool(v, &label),
                "private" => rule.private = self.bool(v, &label),
                "archived" => rule.archived = self.bool(v, &label),
                "taken_at" => rule.taken_at = self.taken_at(v),
                "time_zone" => rule.time_zone = self.time_zone(v),
                "lat" => rule.lat = self.coordinate(v, "lat", 90.0),
                "lng" => rule.lng = self.coordinate(v, "lng", 180.0),
                "altitude" => match v.value {
                    Value::Int(n) => rule.altitude = Some(n),
                    _ => self.wrong_type(v, "`altitude`", "an integer (metres)"),
                },
                "keywords" => rule.keywords = self.keywords(v),
                "notes" => rule.notes = self.string(v, &label),
                "subject" => rule.subject = self.string(v, &label),
                "artist" => rule.artist = self.string(v, &label),
                "copyright" => rule.copyright = self.string(v, &label),
                "license" => rule.license = self.string(v, &label),
                "labels" => rule.labels = self.labels(v),
                "approved" => rule.approved = self.approved(v),
                _ => {}
            }
        }
        if let (Some(c), Some(d)) = (fields.get("caption"), fields.get("description")) {
            let problem = Problem::at(
                "caption_and_description",
                "a photo rule sets both `caption` and `description`",
                &self.loc(d.key),
                "`description` is another name for `caption`",
            )
            .also_at(&self.loc(c.key), "`caption` is set here")
            .with_help("keep one of them");
            self.report(problem);
        }
        self.check_labels_and_review(&rule, &fields);
        match fields.get("match") {
            None if fields.was_suggested("match") => valid = false,
            None => {
                let problem = Problem::at(
                    "missing_field",
                    "this photo rule has no `match`",
                    &self.loc(head),
                    "which photos?",
                )
                .with_help(
                    "add `match: { uid: ... }` (or `hash`, `path`, `query`, or a list of them)",
                );
                self.report(problem);
                valid = false;
            }
            Some(m)
                if fields
                    .names()
                    .all(|name| RULE_SELECTING_FIELDS.contains(&name)) =>
            {
                let problem = Problem::at(
                    "rule_without_properties",
                    "this photo rule selects photos but sets nothing",
                    &self.loc(m.key),
                    "no properties",
                )
                .with_help(format!(
                    "add a property: {}",
                    list(&RULE_FIELDS[RULE_SELECTING_FIELDS.len()..])
                ));
                self.report(problem);
            }
            Some(_) => {}
        }
        valid.then_some(rule)
    }

    /// A rule's `match`: one selector mapping, or a non-empty list of them.
    fn match_selectors(&mut self, node: &Node) -> Option<Vec<Selector>> {
        match &node.value {
            Value::Map(_) => self.selector(node).map(|s| vec![s]),
            Value::Seq(_) if self.tree.items(node).is_empty() => {
                let problem = Problem::at(
                    "empty_match",
                    "`match` selects nothing",
                    &self.loc(node),
                    "empty list",
                )
                .with_help("give at least one selector, e.g. `match: { query: \"label:cat\" }`");
                self.report(problem);
                None
            }
            Value::Seq(_) => self.selector_list(node),
            _ => {
                self.wrong_type(node, "`match`", "a selector or a list of selectors");
                None
            }
        }
    }

    fn taken_at(&mut self, node: &Node) -> Option<String> {
        let s = self.string(node, "`taken_at`")?;
        if parse_rfc3339(&s).is_some() {
            return Some(s);
        }
        let problem = Problem::at(
            "invalid_taken_at",
            format!("`{s}` is not an RFC 3339 date and time"),
            &self.loc(node),
            "not RFC 3339",
        )
        .with_help("write the date, time and offset, e.g. \"2024-07-12T19:44:00Z\" or \"2024-07-12T21:44:00+02:00\"");
        self.report(problem);
        None
    }

    fn time_zone(&mut self, node: &Node) -> Option<String> {
        let s = self.string(node, "`time_zone`")?;
        if is_time_zone(&s) {
            return Some(s);
        }
        let help = match zone_suggestion(&s) {
            Some(z) => format!("did you mean `{z}`?"),
            None => "use an IANA zone name like `Europe/Lisbon`, or `UTC` or `Local`".to_owned(),
        };
        let problem = Problem::at(
            "invalid_time_zone",
            format!("`{s}` is not a time zone"),
            &self.loc(node),
            "unknown time zone",
        )
        .with_help(help);
        self.report(problem);
        None
    }

    fn coordinate(&mut self, node: &Node, field: &str, max: f64) -> Option<f64> {
        let value = match node.value {
            Value::Int(n) => n as f64,
            Value::Float(f) => f,
            _ => {
                self.wrong_type(node, &format!("`{field}`"), "a number (degrees)");
                return None;
            }
        };
        if value.is_finite() && (-max..=max).contains(&value) {
            return Some(value);
        }
        let problem = Problem::at(
            "invalid_coordinate",
            format!(
                "`{field}` must be between -{max} and {max}, not {}",
                self.tree.raw(node)
            ),
            &self.loc(node),
            "out of range",
        )
        .with_help(if field == "lat" {
            "latitude is -90 (south pole) to 90 (north pole); did you swap `lat` and `lng`?"
        } else {
            "longitude is -180 to 180 degrees"
        });
        self.report(problem);
        None
    }

    fn keywords(&mut self, node: &Node) -> Option<Vec<String>> {
        let Value::Seq(_) = node.value else {
            self.wrong_type(node, "`keywords`", "a list of strings");
            return None;
        };
        let items = self.tree.items(node);
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match self.string(item, "a keyword") {
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// The problem with a UID that has the right shape but a creation time PhotoPrism refuses
/// (characters 2-7, base 36, must lie between 2017-01-01 and now: `rnd.IsUID`). `kind` is
/// `a photo` or `an album`.
fn implausible_uid(text: &str, prefix: char, kind: &str, loc: &Loc) -> Option<Problem> {
    if validate::uid_fault(text, prefix, validate::latest_uid_time())
        != Some(validate::UidFault::Time)
    {
        return None;
    }
    let stamp = &text[1..7];
    let when = validate::uid_time(text)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_else(|| "no valid date".to_owned());
    Some(
        Problem::at(
            "invalid_uid",
            format!("`{text}` is not {kind} UID PhotoPrism accepts"),
            loc,
            "impossible creation time",
        )
        .with_help(format!(
            "characters 2-7 of a UID are its creation time in base 36 (`{stamp}` is {when}); \
             PhotoPrism accepts only times from 2017-01-01 to now and refuses a whole lookup \
             that contains such a UID. Copy the UID from PhotoPrism (`prysm export` lists them)"
        )),
    )
}

/// A selector spelled out for a bare value: `uid: p…`, `hash: …`, `path: …` or `query: "…"`.
fn guess_selector(text: &str) -> String {
    if is_uid(text, 'p') {
        format!("uid: {text}")
    } else if is_sha1(&text.to_lowercase()) {
        format!("hash: {}", text.to_lowercase())
    } else if text.contains(':') || text.contains(' ') {
        format!("query: \"{text}\"")
    } else if text.contains('/') || text.contains('.') {
        format!("path: {text}")
    } else {
        format!("query: \"{text}\"")
    }
}

/// The first key of a mapping node.
fn first_key<'t>(tree: &'t Tree, node: &'t Node) -> Option<&'t Node> {
    tree.entries(node).next().map(|(k, _)| k)
}

/// A hint for a value of the wrong type.
fn type_help(tree: &Tree, node: &Node, expected: &str) -> String {
    let raw = tree.raw(node);
    let numeric = expected.starts_with("a number")
        || expected.starts_with("an integer")
        || expected.starts_with("a non-negative")
        || expected.starts_with("the integer");
    match &node.value {
        Value::Null => {
            return "write a value, or remove the key (an absent field is not managed; `\"\"` means empty)"
                .to_owned();
        }
        Value::Str(_) if expected.contains("true") => {
            let lower = raw.to_lowercase();
            if ["yes", "no", "on", "off", "y", "n", "true", "false"].contains(&lower.as_str()) {
                return "YAML 1.2 booleans are only `true` and `false`, unquoted".to_owned();
            }
        }
        Value::Int(_) | Value::Float(_) | Value::Bool(_) if expected == "a string" => {
            return format!("quote it to make it a string: \"{raw}\"");
        }
        Value::Str(_) if numeric && raw.trim().parse::<f64>().is_ok() => {
            return format!("remove the quotes: {}", raw.trim());
        }
        _ => {}
    }
    if expected.contains("true") {
        "write `true` or `false`, unquoted".to_owned()
    } else if expected.starts_with("a list") {
        "write a list: `[a, b]`, or one `- item` per line".to_owned()
    } else if expected.starts_with("a mapping with one key") {
        "write a selector such as `uid: p...`, `hash: ...`, `path: ...` or `query: ...`".to_owned()
    } else if expected.starts_with("a mapping") {
        "write `key: value` pairs, indented under the key".to_owned()
    } else if expected.starts_with("a selector") {
        "write `{ uid: p... }` or a list of such selectors".to_owned()
    } else if expected == "a string" {
        "write text; quote it if YAML reads it as something else".to_owned()
    } else {
        format!("write {expected} here")
    }
}

/// A hex prefix followed by `...` or `…`: a hash abbreviated in prose.
fn is_abbreviated_hash(text: &str) -> bool {
    let prefix = text
        .strip_suffix("...")
        .or_else(|| text.strip_suffix('…'))
        .unwrap_or_default();
    (4..40).contains(&prefix.len())
        && prefix
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}
