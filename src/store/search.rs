//! The search index behind `docket search`, `similar` and `kb search`: a tantivy index in
//! `.git/docket/search/`, never committed.
//!
//! Next to it, `manifest.bin` says which file (path, stat data, blob id) each indexed
//! document came from. Every search first lists the case and article files: a file whose
//! stat data differs is read again; when its blob id is unchanged (a fresh clone with a
//! copied `.git/docket/`, a `touch`) only the manifest changes, otherwise its document is
//! replaced. Documents of files that are gone or no longer parse are deleted, so an answer
//! never comes from a file's old text. A missing, damaged or other-version index (or a
//! change of `search.language`) is rebuilt from the files. Updates serialise on a lock.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

use super::cases::{BadCase, Stamp};
use super::{Casebook, Result, StoreError};
use crate::core::case::{Case, State, Visibility, value_text};
use crate::core::kb::Article;
use crate::core::search::query::{Clause, Term as QTerm};
use crate::core::search::{self as text, Grams, Hit, Prose};

/// The manifest's version stamp; a new one rebuilds every index.
const MAGIC: &[u8; 8] = b"DKTSRCH5";
const PROSE: &str = "docket_prose";
const GRAMS: &str = "docket_grams";
const KEYWORD: &str = "docket_keyword";

/// Common words left out of likeness (English and Spanish), with their stems.
const STOP: &str = "a an and are as at be been but by can could do does for from has have he her \
    his how i if in into is it its me my no not of on or our please so that the their them then \
    there they this to us was we were what when which who why will with would you your hi hello \
    thanks thank regards dear el la los las un una unos unas y o de del al en por para con sin \
    que se su sus es son fue mi mis me lo le les no si ya muy hola gracias saludos buenos dias \
    estoy tengo hay pero como cuando esta este esto";

#[derive(Clone, Copy)]
struct Fields {
    path: Field,
    doc: Field,
    id: Field,
    title: Field,
    body: Field,
    internal: Field,
    about: Field,
    grams: Field,
    state: Field,
    kind: Field,
    priority: Field,
    account: Field,
    contact: Field,
    assignee: Field,
    team: Field,
    tag: Field,
    channel: Field,
    article: Field,
    field: Field,
    status: Field,
    audience: Field,
    updated: Field,
    resolve_secs: Field,
    resolution: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let prose = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PROSE)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored();
    let grams = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(GRAMS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let f = Fields {
        path: b.add_text_field("path", STRING | STORED),
        doc: b.add_text_field("doc", STRING),
        id: b.add_text_field("id", keyword.clone()),
        title: b.add_text_field("title", prose(true)),
        body: b.add_text_field("body", prose(true)),
        internal: b.add_text_field("internal", prose(true)),
        about: b.add_text_field("about", prose(false)),
        grams: b.add_text_field("grams", grams),
        state: b.add_text_field("state", keyword.clone()),
        kind: b.add_text_field("type", keyword.clone()),
        priority: b.add_text_field("priority", keyword.clone()),
        account: b.add_text_field("account", keyword.clone()),
        contact: b.add_text_field("contact", keyword.clone()),
        assignee: b.add_text_field("assignee", keyword.clone()),
        team: b.add_text_field("team", keyword.clone()),
        tag: b.add_text_field("tag", keyword.clone()),
        channel: b.add_text_field("channel", keyword.clone()),
        article: b.add_text_field("article", keyword.clone()),
        field: b.add_text_field("field", keyword.clone()),
        status: b.add_text_field("status", keyword.clone()),
        audience: b.add_text_field("audience", keyword),
        updated: b.add_i64_field("updated", STORED),
        resolve_secs: b.add_i64_field("resolve_secs", STORED | INDEXED),
        resolution: b.add_text_field("resolution", STORED),
    };
    (b.build(), f)
}

#[derive(Serialize, Deserialize, Clone)]
struct Entry {
    path: String,
    size: u64,
    mtime_ns: i128,
    ino: u64,
    ctime_ns: i128,
    blob: [u8; 20],
}

/// Files in path order, each with its stat data (or why it has none).
type Files = Vec<(String, std::io::Result<Stamp>)>;

#[derive(Serialize, Deserialize, Default)]
struct Manifest {
    langs: Vec<String>,
    entries: Vec<Entry>,
    /// The watcher's token the index was brought up to date as of (see
    /// [`super::watch`]), all zeros without one.
    token: [u8; super::watch::Token::LEN],
    /// Case files that could not be read then (a watcher's answer does not name them).
    unreadable: Vec<String>,
}

impl Entry {
    fn stamp(&self) -> Stamp {
        Stamp {
            size: self.size,
            mtime_ns: self.mtime_ns,
            ino: self.ino,
            ctime_ns: self.ctime_ns,
        }
    }
}

fn read_manifest(path: &std::path::Path) -> Option<Manifest> {
    let bytes = std::fs::read(path).ok()?;
    let body = super::cache::unseal(MAGIC, &bytes)?;
    postcard::from_bytes(body).ok()
}

/// Which kind of document: a case or a knowledge article.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Doc {
    Case,
    Article,
}

impl Doc {
    fn as_str(self) -> &'static str {
        match self {
            Doc::Case => "case",
            Doc::Article => "article",
        }
    }
}

/// What the last update did (for `DOCKET_TRACE=search` and the tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct Updated {
    pub rebuilt: bool,
    /// Documents (re)indexed.
    pub indexed: usize,
    /// Files read again whose content had not changed.
    pub rehashed: usize,
    pub deleted: usize,
}

/// An open, up-to-date index.
pub struct Search {
    reader: IndexReader,
    f: Fields,
    langs: Vec<frostem::Algorithm>,
    /// Case and article files that could not be read (not in the index).
    pub bad: Vec<BadCase>,
    pub updated: Updated,
}

/// A search: the parsed query, filters from flags, and what to search.
pub struct Request<'a> {
    pub clauses: &'a [Clause],
    pub doc: Doc,
    /// `(field, any of these values)` from flags such as `--state`.
    pub filters: Vec<(String, Vec<String>)>,
    pub open_only: bool,
    /// Whether internal notes are searched (and shown in snippets).
    pub internal: bool,
    pub limit: usize,
}

fn io_err(path: &std::path::Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Search {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

impl Casebook {
    fn search_dir(&self) -> PathBuf {
        self.private_dir().join("search")
    }

    /// The search index, brought up to date with the case and article files first.
    pub fn search_index(&self) -> Result<Search> {
        let langs = text::languages(&self.config.search.language).unwrap_or_default();
        let dir = self.search_dir();
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let _lock = super::fsutil::Lock::acquire(&dir.join("lock"))?;
        let manifest_path = dir.join("manifest.bin");
        let index_dir = dir.join("index");
        let written_langs = &self.config.search.language;
        let load = || {
            let m = read_manifest(&manifest_path).filter(|m| &m.langs == written_langs)?;
            open(&index_dir, &langs).ok().map(|i| (i, m))
        };
        // With a watcher running (`docket watch`), the case files it names are looked at,
        // the others taken as the manifest has them (as for the read cache).
        let watcher = super::watch::asked_for(&self.cases_dir());
        let (opened, files, token) = match watcher {
            Some(w) => {
                let opened = load();
                let since = opened.as_ref().map_or(super::watch::Token::NONE, |(_, m)| {
                    super::watch::Token::from_bytes(&m.token)
                });
                let (files, token) = self.watched_files(w, since, opened.as_ref().map(|(_, m)| m));
                (opened, files, token)
            }
            // Otherwise the manifest is read and the index opened while the files are
            // listed and stat'ed.
            None => {
                crate::vars::trace_line("cache", format_args!("cache search: watch=no"));
                let (opened, files) = std::thread::scope(|s| {
                    let loader = s.spawn(load);
                    (loader.join().unwrap_or(None), self.case_files())
                });
                (opened, files, None)
            }
        };
        let mut files = files?;
        files.extend(self.kb_files()?);
        let mut updated = Updated::default();
        let old_token = opened.as_ref().map(|(_, m)| m.token);
        let old_unreadable = opened
            .as_ref()
            .map(|(_, m)| m.unreadable.clone())
            .unwrap_or_default();
        // Without an answer the manifest keeps its token (every file was looked at after
        // it was given; see the read cache).
        let token = token
            .map(|t| t.to_bytes())
            .or(old_token)
            .unwrap_or_default();
        let (index, manifest) = match opened {
            Some(x) => x,
            None => {
                updated.rebuilt = true;
                let _ = std::fs::remove_dir_all(&index_dir);
                std::fs::create_dir_all(&index_dir).map_err(|e| StoreError::io(&index_dir, e))?;
                let (schema, _) = schema();
                let dir = super::search_dir::CacheDir::open(&index_dir)
                    .map_err(|e| io_err(&index_dir, e))?;
                let index = Index::create(dir, schema, Default::default())
                    .map_err(|e| io_err(&index_dir, e))?;
                register(&index, &langs);
                (index, Manifest::default())
            }
        };
        let (_, f) = schema();
        let mut bad = Vec::new();
        let entries = self.refresh(&index, f, files, manifest, &mut bad, &mut updated)?;
        let cases_prefix = format!("{}/", super::CASES_DIR);
        let unreadable: Vec<String> = bad
            .iter()
            .filter(|b| b.path.starts_with(&cases_prefix))
            .map(|b| b.path.clone())
            .collect();
        if updated.rebuilt
            || updated.indexed + updated.rehashed + updated.deleted > 0
            || old_token != Some(token)
            || unreadable != old_unreadable
        {
            let m = Manifest {
                langs: self.config.search.language.clone(),
                entries,
                token,
                unreadable,
            };
            let body = postcard::to_stdvec(&m).expect("the manifest serialises");
            // A manifest that cannot be written only costs speed next time.
            let _ = super::fsutil::replace_cache(&manifest_path, &super::cache::seal(MAGIC, &body));
        }
        crate::vars::trace_line(
            "search",
            format_args!(
                "search index: rebuilt={} indexed={} rehashed={} deleted={}",
                updated.rebuilt, updated.indexed, updated.rehashed, updated.deleted
            ),
        );
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| io_err(&index_dir, e))?;
        Ok(Search {
            reader,
            f,
            langs,
            bad,
            updated,
        })
    }

    /// The case files (path order) as a running watcher's answer since `since` makes them
    /// from `manifest`'s entries, or walked when it cannot say; and the token its answer
    /// gave (`None` without an answer).
    fn watched_files(
        &self,
        watcher: super::watch::Connection,
        since: super::watch::Token,
        manifest: Option<&Manifest>,
    ) -> (Result<Files>, Option<super::watch::Token>) {
        use super::watch::Answer;
        let answer = watcher.ask(since).and_then(super::watch::Asked::answer);
        let token = match &answer {
            Some(Answer::Changed { token, .. } | Answer::All(token)) => Some(*token),
            None => None,
        };
        #[cfg(target_os = "linux")]
        if let (Some(Answer::Changed { shards, files, .. }), Some(m)) = (&answer, manifest)
            && let Some(root) = super::fsutil::Folder::open(None, &self.cases_dir())
        {
            let prefix = format!("{}/", super::CASES_DIR);
            let cases: Vec<&Entry> = m
                .entries
                .iter()
                .filter(|e| e.path.starts_with(&prefix))
                .collect();
            let entries = (cases.len(), |i: usize| {
                (cases[i].path.as_str(), cases[i].stamp())
            });
            let unreadable: Vec<&str> = m.unreadable.iter().map(String::as_str).collect();
            let (found, looked) =
                self.files_as_answered(&root, entries, &unreadable, shards, files);
            crate::vars::trace_line("cache", format_args!("cache search: watch={looked}"));
            return (Ok(found.into_vec()), token);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = manifest;
        crate::vars::trace_line(
            "cache",
            format_args!(
                "cache search: watch={}",
                if answer.is_some() { "all" } else { "no" }
            ),
        );
        (self.case_files(), token)
    }

    /// Brings the index up to date with `files` (in path order); returns the new
    /// manifest entries (in path order).
    fn refresh(
        &self,
        index: &Index,
        f: Fields,
        files: Vec<(String, std::io::Result<Stamp>)>,
        manifest: Manifest,
        bad: &mut Vec<BadCase>,
        updated: &mut Updated,
    ) -> Result<Vec<Entry>> {
        let index_dir = self.search_dir().join("index");
        let mut keep: Vec<Entry> = Vec::with_capacity(files.len());
        let mut todo: Vec<(String, Stamp, Option<Entry>)> = Vec::new();
        let mut deletes: Vec<String> = Vec::new();
        // Both lists are in path order: walk them side by side.
        let mut old = manifest.entries.into_iter().peekable();
        for (path, stamp) in files {
            while let Some(gone) = old.next_if(|e| e.path < path) {
                deletes.push(gone.path);
            }
            let before = old.next_if(|e| e.path == path);
            let stamp = match stamp {
                Ok(s) => s,
                Err(e) => {
                    if before.is_some() {
                        deletes.push(path.clone());
                    }
                    bad.push(BadCase {
                        path,
                        problem: e.to_string(),
                    });
                    continue;
                }
            };
            match before {
                Some(e)
                    if e.size == stamp.size
                        && e.mtime_ns == stamp.mtime_ns
                        && e.ctime_ns == stamp.ctime_ns
                        && e.ino == stamp.ino =>
                {
                    keep.push(e)
                }
                before => todo.push((path, stamp, before)),
            }
        }
        deletes.extend(old.map(|e| e.path));
        // The writer is made only when something is to change; a rebuild reads and
        // indexes the files a slice at a time, so memory stays flat at any size.
        let mut writer: Option<tantivy::IndexWriter<TantivyDocument>> = None;
        let threads = if todo.len() > 500 { 2 } else { 1 };
        let open_writer = || {
            let options = tantivy::indexer::IndexWriterOptions::builder()
                .memory_budget_per_thread(if threads > 1 { 60_000_000 } else { 15_000_000 })
                .num_worker_threads(threads)
                .num_merge_threads(1)
                .build();
            index
                .writer_with_options(options)
                .map_err(|e| io_err(&index_dir, e))
        };
        let mut todo = todo.into_iter().peekable();
        while todo.peek().is_some() {
            let slice: Vec<_> = todo.by_ref().take(4096).collect();
            let read = read_many(self, &slice);
            for ((path, stamp, before), outcome) in slice.into_iter().zip(read) {
                let (blob, doc) = match outcome {
                    Ok(x) => x,
                    Err(Unreadable(problem)) => {
                        bad.push(BadCase {
                            path: path.clone(),
                            problem,
                        });
                        if before.is_some() {
                            deletes.push(path);
                        }
                        continue;
                    }
                };
                let unchanged = before.as_ref().is_some_and(|e| e.blob == blob);
                keep.push(Entry {
                    path: path.clone(),
                    size: stamp.size,
                    mtime_ns: stamp.mtime_ns,
                    ino: stamp.ino,
                    ctime_ns: stamp.ctime_ns,
                    blob,
                });
                if unchanged {
                    updated.rehashed += 1;
                    continue;
                }
                if writer.is_none() {
                    writer = Some(open_writer()?);
                }
                let w = writer.as_mut().expect("just made");
                let d = match doc {
                    Parsed::Case(c) => case_doc(f, &path, &c),
                    Parsed::Article(a) => article_doc(f, &path, &a),
                };
                if before.is_some() {
                    w.delete_term(Term::from_field_text(f.path, &path));
                }
                w.add_document(d).map_err(|e| io_err(&index_dir, e))?;
                updated.indexed += 1;
            }
        }
        keep.sort_by(|a, b| a.path.cmp(&b.path));
        if !deletes.is_empty() && writer.is_none() {
            writer = Some(open_writer()?);
        }
        let Some(mut writer) = writer else {
            return Ok(keep);
        };
        for p in &deletes {
            writer.delete_term(Term::from_field_text(f.path, p));
            updated.deleted += 1;
        }
        writer.commit().map_err(|e| io_err(&index_dir, e))?;
        writer
            .wait_merging_threads()
            .map_err(|e| io_err(&index_dir, e))?;
        Ok(keep)
    }
}

enum Parsed {
    Case(Box<Case>),
    Article(Box<Article>),
}

/// Why a file could not be indexed (the text of a [`BadCase`]).
struct Unreadable(String);

/// Reads and parses each file (blob id and document), split over the cores.
fn read_many(
    cb: &Casebook,
    todo: &[(String, Stamp, Option<Entry>)],
) -> Vec<std::result::Result<([u8; 20], Parsed), Unreadable>> {
    // Checked here: a Casebook (git2) does not cross threads.
    let checked: Vec<(&str, std::result::Result<PathBuf, Unreadable>)> = todo
        .iter()
        .map(|(p, _, _)| {
            (
                p.as_str(),
                cb.check_inside(p)
                    .map(|()| cb.abs(p))
                    .map_err(|e| Unreadable(e.to_string())),
            )
        })
        .collect();
    let why = |e: &dyn std::fmt::Display| Unreadable(e.to_string());
    let one = |path: &str,
               abs: &std::result::Result<PathBuf, Unreadable>|
     -> std::result::Result<([u8; 20], Parsed), Unreadable> {
        let abs = abs.as_ref().map_err(|e| Unreadable(e.0.clone()))?;
        if path.starts_with("kb/") {
            let text = super::fsutil::read_regular(abs, 2 * 1024 * 1024).map_err(|e| why(&e))?;
            let blob = super::cache::blob_of(text.as_bytes());
            let slug = super::kb::slug_of(path);
            let a = crate::core::kb::parse(slug, &text).map_err(|p| {
                Unreadable(
                    p.iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
            Ok((blob, Parsed::Article(Box::new(a))))
        } else {
            let text = super::fsutil::read_regular(abs, super::cases::MAX_CASE_FILE)
                .map_err(|e| why(&e))?;
            let blob = super::cache::blob_of(text.as_bytes());
            let case = super::casefile::parse(&text).map_err(|e| why(&e))?;
            Ok((blob, Parsed::Case(Box::new(case))))
        }
    };
    crate::core::par::on_cores(&checked, |(path, abs)| one(path, abs))
}

fn open(index_dir: &std::path::Path, langs: &[frostem::Algorithm]) -> tantivy::Result<Index> {
    let index = Index::open(super::search_dir::CacheDir::open(index_dir)?)?;
    let (schema, _) = schema();
    if index.schema() != schema {
        return Err(tantivy::TantivyError::SchemaError("another schema".into()));
    }
    register(&index, langs);
    Ok(index)
}

fn register(index: &Index, langs: &[frostem::Algorithm]) {
    let t = index.tokenizers();
    t.register(
        PROSE,
        Prose {
            langs: langs.to_vec(),
        },
    );
    t.register(GRAMS, Grams);
    t.register(KEYWORD, text::keyword_analyzer());
}

/// What a case says that likeness is judged on: its title and the customer's messages
/// (every public comment when the customer wrote none).
pub fn about(case: &Case) -> String {
    let mut out = vec![case.title.to_string()];
    let customer: Vec<&str> = case
        .timeline
        .iter()
        .filter(|e| e.is_customer_message())
        .filter_map(|e| e.body.as_deref())
        .collect();
    if customer.is_empty() {
        out.extend(
            case.timeline
                .iter()
                .filter(|e| e.visibility != Some(Visibility::Internal))
                .filter_map(|e| e.body.clone()),
        );
    } else {
        out.extend(customer.into_iter().map(|t| t.to_string()));
    }
    out.join("\n")
}

fn case_doc(f: Fields, path: &str, c: &Case) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.path, path);
    d.add_text(f.doc, Doc::Case.as_str());
    d.add_text(f.id, &c.id);
    d.add_text(f.title, &c.title);
    let mut body = Vec::new();
    let mut internal = Vec::new();
    let mut channels = std::collections::BTreeSet::new();
    let mut articles = std::collections::BTreeSet::new();
    for e in &c.timeline {
        if let Some(ch) = &e.channel {
            channels.insert(ch.clone());
        }
        if let Some(a) = e.extra.get("article").and_then(|v| v.as_str()) {
            articles.insert(a.to_string());
        }
        if let Some(b) = &e.body {
            if e.visibility == Some(Visibility::Internal) {
                internal.push(b.clone());
            } else {
                body.push(b.clone());
            }
        }
        for r in [&e.resolution, &e.reason].into_iter().flatten() {
            body.push(r.to_string());
        }
        if e.kind == "guide" {
            body.push(guide_text(&e.extra));
        }
    }
    if let Some(r) = &c.resolution
        && !body.iter().any(|b| b == r)
    {
        body.push(r.to_string());
    }
    for (k, v) in &c.fields {
        let v = value_text(v);
        body.push(v.clone());
        d.add_text(f.field, format!("{k}={v}"));
    }
    d.add_text(f.body, body.join("\n"));
    d.add_text(f.internal, internal.join("\n"));
    let about = about(c);
    d.add_text(f.about, &about);
    d.add_text(f.grams, &about);
    d.add_text(f.state, c.state.as_str());
    d.add_text(f.kind, &c.kind);
    d.add_text(f.priority, &c.priority);
    for (field, v) in [
        (f.account, &c.account),
        (f.contact, &c.contact),
        (f.assignee, &c.assignee),
        (f.team, &c.team),
    ] {
        if let Some(v) = v {
            d.add_text(field, v);
        }
    }
    for t in &c.tags {
        d.add_text(f.tag, t);
    }
    for ch in channels {
        d.add_text(f.channel, ch);
    }
    for a in articles {
        d.add_text(f.article, a);
    }
    d.add_i64(f.updated, c.updated_at.timestamp());
    if let Some(r) = c
        .timeline
        .iter()
        .find(|e| e.kind == "state" && e.to.as_deref() == Some("resolved"))
    {
        d.add_i64(f.resolve_secs, (r.at - c.created_at).num_seconds());
    }
    let resolution = c
        .resolution
        .clone()
        .or_else(|| c.timeline.iter().rev().find_map(|e| e.resolution.clone()));
    if let Some(r) = resolution {
        d.add_text(f.resolution, r);
    }
    d
}

/// A guide run's transcript: each prompt and answer, and the outcome.
fn guide_text(extra: &BTreeMap<String, toml::Value>) -> String {
    let mut out = Vec::new();
    if let Some(toml::Value::Array(steps)) = extra.get("steps") {
        for s in steps {
            for k in ["prompt", "answer"] {
                if let Some(v) = s.get(k).and_then(|v| v.as_str()) {
                    out.push(v.to_string());
                }
            }
        }
    }
    if let Some(o) = extra.get("outcome").and_then(|v| v.as_str()) {
        out.push(o.to_string());
    }
    out.join("\n")
}

fn article_doc(f: Fields, path: &str, a: &Article) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.path, path);
    d.add_text(f.doc, Doc::Article.as_str());
    d.add_text(f.id, &a.slug);
    d.add_text(f.title, &a.header.title);
    d.add_text(f.body, &a.body);
    d.add_text(f.internal, "");
    let about = format!("{}\n{}", a.header.title, a.body);
    d.add_text(f.about, &about);
    d.add_text(f.grams, &about);
    for t in &a.header.tags {
        d.add_text(f.tag, t);
    }
    for t in &a.header.applies_to {
        d.add_text(f.kind, t);
    }
    d.add_text(f.status, a.header.status.as_str());
    d.add_text(f.audience, a.header.audience.as_str());
    if let Some(o) = &a.header.owner {
        d.add_text(f.assignee, o);
    }
    d.add_i64(f.updated, 0);
    d
}

fn keyword_term(field: Field, value: &str) -> Term {
    Term::from_field_text(field, &text::keyword(value))
}

fn term_query(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries.into_iter().next().expect("one");
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

impl Search {
    fn field_named(&self, name: &str) -> Option<Field> {
        let f = self.f;
        Some(match name {
            "id" => f.id,
            "state" => f.state,
            "type" => f.kind,
            "priority" => f.priority,
            "account" => f.account,
            "contact" => f.contact,
            "assignee" => f.assignee,
            "team" => f.team,
            "tag" => f.tag,
            "channel" => f.channel,
            "article" => f.article,
            "status" => f.status,
            "audience" => f.audience,
            _ => return None,
        })
    }

    /// The text fields a word is looked for in, with their weights.
    fn text_fields(&self, internal: bool) -> Vec<(Field, f32)> {
        let mut v = vec![(self.f.title, 2.0), (self.f.body, 1.0)];
        if internal {
            v.push((self.f.internal, 1.0));
        }
        v
    }

    fn filter(&self, name: &str, value: &str, prefix: bool) -> Box<dyn Query> {
        let (field, value) = match self.field_named(name) {
            Some(field) => (field, value.to_string()),
            None => (self.f.field, format!("{name}={value}")),
        };
        if prefix {
            let pattern = format!("{}.*", regex_syntax_escape(&text::keyword(&value)));
            match RegexQuery::from_pattern(&pattern, field) {
                Ok(q) => Box::new(q),
                Err(_) => term_query(keyword_term(field, &value)),
            }
        } else {
            term_query(keyword_term(field, &value))
        }
    }

    fn word(&self, word: &str, fields: &[(Field, f32)]) -> Option<Box<dyn Query>> {
        let words = text::words(word);
        match words.len() {
            0 => None,
            1 => {
                let w = &words[0].text;
                let terms = if self.langs.is_empty() {
                    vec![w.clone()]
                } else {
                    text::stems(w, &self.langs)
                };
                let mut qs: Vec<Box<dyn Query>> = Vec::new();
                for (field, boost) in fields {
                    for t in &terms {
                        qs.push(Box::new(BoostQuery::new(
                            term_query(Term::from_field_text(*field, t)),
                            *boost,
                        )));
                    }
                }
                Some(any_of(qs))
            }
            _ => self.phrase(word, fields),
        }
    }

    fn phrase(&self, phrase: &str, fields: &[(Field, f32)]) -> Option<Box<dyn Query>> {
        let words = text::words(phrase);
        if words.is_empty() {
            return None;
        }
        let mut qs: Vec<Box<dyn Query>> = Vec::new();
        for (field, boost) in fields {
            let q: Box<dyn Query> = if words.len() == 1 {
                term_query(Term::from_field_text(*field, &words[0].text))
            } else {
                Box::new(PhraseQuery::new(
                    words
                        .iter()
                        .map(|w| Term::from_field_text(*field, &w.text))
                        .collect(),
                ))
            };
            qs.push(Box::new(BoostQuery::new(q, *boost)));
        }
        Some(any_of(qs))
    }

    fn prefix(&self, prefix: &str, fields: &[(Field, f32)]) -> Option<Box<dyn Query>> {
        let words = text::words(prefix);
        let (last, before) = words.split_last()?;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in before {
            if let Some(q) = self.word(&w.text, fields) {
                must.push((Occur::Must, q));
            }
        }
        // The words the index holds that start so (up to a bound), each a term query: they
        // score like words and are highlighted in snippets.
        let mut qs: Vec<Box<dyn Query>> = Vec::new();
        for (field, boost) in fields {
            for t in self.expand(*field, &last.text) {
                qs.push(Box::new(BoostQuery::new(
                    term_query(Term::from_field_text(*field, &t)),
                    *boost,
                )));
            }
        }
        if qs.is_empty() {
            // Nothing starts so: a query that matches nothing.
            qs.push(self.nothing());
        }
        must.push((Occur::Must, any_of(qs)));
        Some(Box::new(BooleanQuery::new(must)))
    }

    /// A query no document matches.
    fn nothing(&self) -> Box<dyn Query> {
        term_query(Term::from_field_text(self.f.doc, "\u{0}none"))
    }

    /// The words in `field` that start with `prefix` (at most 256).
    fn expand(&self, field: Field, prefix: &str) -> Vec<String> {
        let mut upper = prefix.as_bytes().to_vec();
        upper.push(0xff);
        let mut out = std::collections::BTreeSet::new();
        for seg in self.reader.searcher().segment_readers() {
            let Ok(inv) = seg.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inv
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .lt(&upper)
                .into_stream()
            else {
                continue;
            };
            while stream.advance() && out.len() < 256 {
                if let Ok(t) = std::str::from_utf8(stream.key()) {
                    out.insert(t.to_string());
                }
            }
        }
        out.into_iter().collect()
    }

    fn build(&self, req: &Request<'_>) -> Box<dyn Query> {
        let fields = self.text_fields(req.internal);
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            term_query(Term::from_field_text(self.f.doc, req.doc.as_str())),
        )];
        let mut scored = false;
        for c in req.clauses {
            let q = match &c.term {
                QTerm::Word(w) => self.word(w, &fields),
                QTerm::Phrase(p) => self.phrase(p, &fields),
                QTerm::Prefix(p) => self.prefix(p, &fields),
                QTerm::Field {
                    name,
                    value,
                    prefix,
                } => Some(self.filter(name, value, *prefix)),
            };
            let Some(q) = q else {
                // Text that leaves no word to look for (a 100,000-letter "word" is not
                // indexed): it matches nothing, rather than being dropped from the query.
                if !c.negated {
                    parts.push((Occur::Must, self.nothing()));
                }
                continue;
            };
            if c.negated {
                parts.push((Occur::MustNot, q));
            } else {
                scored |= !matches!(c.term, QTerm::Field { .. });
                parts.push((Occur::Must, q));
            }
        }
        for (name, values) in &req.filters {
            let qs = values.iter().map(|v| self.filter(name, v, false)).collect();
            parts.push((Occur::Must, any_of(qs)));
        }
        if req.open_only {
            for s in [State::Closed, State::Cancelled] {
                parts.push((Occur::MustNot, self.filter("state", s.as_str(), false)));
            }
        }
        if !scored {
            parts.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(parts))
    }

    /// The best `req.limit` matches, best first (ties: most recently updated first).
    pub fn find(&self, req: &Request<'_>) -> Result<Vec<Hit>> {
        let query = self.build(req);
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| io_err(std::path::Path::new(".git/docket/search"), e);
        let top = searcher
            .search(
                &query,
                &TopDocs::with_limit(if req.limit == 0 {
                    searcher.num_docs().max(1) as usize
                } else {
                    req.limit
                })
                .order_by_score(),
            )
            .map_err(err)?;
        let mut gens = Vec::new();
        for field in [self.f.body, self.f.internal, self.f.title] {
            if field == self.f.internal && !req.internal {
                continue;
            }
            let mut g = SnippetGenerator::create(&searcher, &*query, field).map_err(err)?;
            g.set_max_num_chars(160);
            gens.push(g);
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            let mut hit = self.hit(&doc, score);
            for g in &gens {
                let s = g.snippet_from_doc(&doc);
                if !s.highlighted().is_empty() {
                    hit.snippet = s.fragment().to_string();
                    hit.highlights = s.highlighted().iter().map(|r| (r.start, r.end)).collect();
                    break;
                }
            }
            hits.push(hit);
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.updated.cmp(&a.updated))
                .then(a.id.cmp(&b.id))
        });
        Ok(hits)
    }

    fn hit(&self, doc: &TantivyDocument, score: f32) -> Hit {
        let s = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        };
        Hit {
            id: s(self.f.id),
            path: s(self.f.path),
            title: s(self.f.title),
            score,
            snippet: String::new(),
            highlights: Vec::new(),
            state: s(self.f.state),
            priority: s(self.f.priority),
            assignee: s(self.f.assignee),
            account: s(self.f.account),
            kind: s(self.f.kind),
            resolve_secs: doc.get_first(self.f.resolve_secs).and_then(|v| v.as_i64()),
            resolution: s(self.f.resolution),
            updated: doc
                .get_first(self.f.updated)
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
        }
    }

    /// The documents of `doc` kind most like `about` (a case's title and customer
    /// messages), without `except`; `resolved_only` keeps resolved and closed cases, and
    /// published articles.
    pub fn like(&self, about: &str, doc: Doc, except: &str, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| io_err(std::path::Path::new(".git/docket/search"), e);
        let stop: std::collections::HashSet<String> = Prose {
            langs: self.langs.clone(),
        }
        .tokens(STOP)
        .into_iter()
        .map(|t| t.text)
        .collect();
        let prose: Vec<String> = Prose {
            langs: self.langs.clone(),
        }
        .tokens(about)
        .into_iter()
        .map(|t| t.text)
        .filter(|t| t.trim_start_matches(text::STEM).len() >= 2 && !stop.contains(t))
        .collect();
        let grams: Vec<String> = Grams::tokens(about).into_iter().map(|t| t.text).collect();
        let words = self
            .weighted_terms(&searcher, self.f.about, &prose, 40)
            .map_err(err)?;
        let grams = self
            .weighted_terms(&searcher, self.f.grams, &grams, 80)
            .map_err(err)?;
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Must,
                term_query(Term::from_field_text(self.f.doc, doc.as_str())),
            ),
            (
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, words),
                    (Occur::Should, Box::new(BoostQuery::new(grams, 0.5))),
                ])),
            ),
            (Occur::MustNot, self.filter("id", except, false)),
        ];
        match doc {
            Doc::Case => parts.push((
                Occur::Must,
                any_of(vec![
                    self.filter("state", "resolved", false),
                    self.filter("state", "closed", false),
                ]),
            )),
            Doc::Article => parts.push((Occur::Must, self.filter("status", "published", false))),
        }
        let query = BooleanQuery::new(parts);
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(err)?;
        let mut out = Vec::new();
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr).map_err(err)?;
            out.push(self.hit(&d, score));
        }
        Ok(out)
    }

    /// A "more like this" query: the `max` terms of `terms` that say most about the text
    /// (term frequency × inverse document frequency), each a term query boosted by that
    /// weight. (tantivy's own `MoreLikeThisQuery` counts live documents against document
    /// frequencies that include replaced ones, and panics after a few updates.)
    fn weighted_terms(
        &self,
        searcher: &tantivy::Searcher,
        field: Field,
        terms: &[String],
        max: usize,
    ) -> tantivy::Result<Box<dyn Query>> {
        let mut tf: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for t in terms {
            *tf.entry(t.as_str()).or_default() += 1;
        }
        let n: u64 = searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        let mut scored = Vec::new();
        for (t, f) in tf {
            let term = Term::from_field_text(field, t);
            let df = searcher.doc_freq(&term)?;
            if df == 0 {
                continue;
            }
            let idf = (1.0 + (n.saturating_sub(df) as f64 + 0.5) / (df as f64 + 0.5)).ln();
            scored.push((f as f64 * idf, term));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        scored.truncate(max);
        let best = scored.first().map_or(1.0, |s| s.0).max(f64::MIN_POSITIVE);
        Ok(Box::new(BooleanQuery::new(
            scored
                .into_iter()
                .map(|(w, term)| {
                    let q: Box<dyn Query> = Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                        (w / best) as f32,
                    ));
                    (Occur::Should, q)
                })
                .collect(),
        )))
    }

    /// The IDs of the cases an article was sent to.
    pub fn cases_sent(&self, slug: &str) -> Result<Vec<Hit>> {
        let req = Request {
            clauses: &[],
            doc: Doc::Case,
            filters: vec![("article".into(), vec![slug.into()])],
            open_only: false,
            internal: false,
            limit: 10_000,
        };
        let mut hits = self.find(&req)?;
        hits.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(hits)
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// Escapes regex syntax in a literal (tantivy's regex dialect).
fn regex_syntax_escape(s: &str) -> String {
    regex::escape(s)
}
