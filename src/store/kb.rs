//! The knowledge base on disk: `kb/<slug>.md`, read and listed here, written as one commit.

use chrono::{DateTime, Utc};

use super::cases::{BadCase, Stamp};
use super::git::{Commit, FileWrite};
use super::{Casebook, Result, StoreError};
use crate::core::kb::{self, Article};

pub const KB_DIR: &str = "kb";

/// The largest article docket reads.
const MAX_ARTICLE: u64 = 2 * 1024 * 1024;

impl Casebook {
    /// Every `kb/*.md` file (path inside the casebook, in name order) with its stat data.
    pub fn kb_files(&self) -> Result<Vec<(String, std::io::Result<Stamp>)>> {
        let dir = self.dir.join(KB_DIR);
        if self.check_inside(&format!("{KB_DIR}/x.md")).is_err() {
            return Ok(Vec::new());
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io(&dir, e)),
        };
        let mut out: Vec<(String, std::io::Result<Stamp>)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                if !name.ends_with(".md") || name.starts_with('.') {
                    return None;
                }
                let path = format!("{KB_DIR}/{name}");
                Some((
                    path,
                    std::fs::symlink_metadata(e.path()).map(|m| Stamp::of(&m)),
                ))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Reads and parses the article at `path` (`kb/<slug>.md`).
    pub fn read_article_file(&self, path: &str) -> std::result::Result<Article, BadCase> {
        let bad = |problem: String| BadCase {
            path: path.to_string(),
            problem,
        };
        self.check_inside(path).map_err(|e| bad(e.to_string()))?;
        let text = super::fsutil::read_regular(&self.abs(path), MAX_ARTICLE)
            .map_err(|e| bad(e.to_string()))?;
        let slug = slug_of(path);
        kb::parse(slug, &text).map_err(|problems| {
            bad(problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; "))
        })
    }

    /// Every article, and the files that could not be read.
    pub fn articles(&self) -> Result<(Vec<Article>, Vec<BadCase>)> {
        let mut good = Vec::new();
        let mut bad = Vec::new();
        for (path, stamp) in self.kb_files()? {
            if let Err(e) = stamp {
                bad.push(BadCase {
                    path,
                    problem: e.to_string(),
                });
                continue;
            }
            match self.read_article_file(&path) {
                Ok(a) => good.push(a),
                Err(b) => bad.push(b),
            }
        }
        Ok((good, bad))
    }

    /// The slugs of `kb/` (readable or not).
    pub fn article_slugs(&self) -> Result<Vec<String>> {
        Ok(self
            .kb_files()?
            .into_iter()
            .map(|(p, _)| slug_of(&p).to_string())
            .collect())
    }

    /// The article `slug`: an error naming the known ones when there is none.
    pub fn article(&self, slug: &str) -> Result<Article> {
        let slug = slug.trim().trim_end_matches(".md");
        let slug = slug.strip_prefix("kb/").unwrap_or(slug);
        let known = self.article_slugs()?;
        if !kb::valid_slug(slug) || !known.iter().any(|k| k == slug) {
            return Err(StoreError::NoArticle {
                slug: slug.to_string(),
                known,
            });
        }
        self.read_article_file(&format!("{KB_DIR}/{slug}.md"))
            .map_err(StoreError::BadArticle)
    }

    /// Writes a new article as one commit; refuses to replace an existing one.
    pub fn add_article(&self, slug: &str, text: &str, now: DateTime<Utc>) -> Result<Commit> {
        let session = self.begin_write()?;
        let path = format!("{KB_DIR}/{slug}.md");
        if std::fs::symlink_metadata(self.abs(&path)).is_ok() {
            return Err(StoreError::ArticleExists(slug.to_string()));
        }
        let article = kb::parse(slug, text).map_err(|p| {
            StoreError::BadArticle(BadCase {
                path: path.clone(),
                problem: p
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            })
        })?;
        let title = super::git::one_line(&article.header.title, 60);
        session.commit(
            &[FileWrite {
                path: path.clone(),
                content: text.as_bytes().to_vec(),
            }],
            &format!("kb {slug}: {title}\n\nDocket-Action: kb-new\n"),
            now,
        )
    }
}

/// `kb/reset-password.md` → `reset-password`.
pub fn slug_of(path: &str) -> &str {
    path.rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".md")
}
