//! Guide files: `guides/<name>.toml` in the casebook, with their version (the Git blob id
//! of the file's content, so a run records exactly which tree was walked).

use super::Casebook;
use super::{Result, StoreError};

pub const GUIDES_DIR: &str = "guides";

/// A guide file as read: name, path inside the casebook, text and blob id.
pub struct GuideFile {
    pub name: String,
    pub path: String,
    pub text: String,
    pub version: String,
}

impl Casebook {
    /// The guide names in `guides/`, sorted.
    pub fn guide_names(&self) -> Result<Vec<String>> {
        let dir = self.dir.join(GUIDES_DIR);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(super::fsutil::io_error(&dir, e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let n = e.file_name().into_string().ok()?;
                n.strip_suffix(".toml")
                    .filter(|s| !s.starts_with('.'))
                    .map(String::from)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// Reads `guides/<name>.toml`.
    pub fn read_guide(&self, name: &str) -> Result<GuideFile> {
        let path = format!("{GUIDES_DIR}/{name}.toml");
        let text = std::fs::read_to_string(self.dir.join(&path)).map_err(|source| {
            StoreError::NoGuide {
                path: path.clone(),
                source,
                known: self.guide_names().unwrap_or_default(),
            }
        })?;
        Ok(GuideFile {
            name: name.to_string(),
            version: blob_id(text.as_bytes()),
            path,
            text,
        })
    }
}

/// The Git blob id of some content (what `git hash-object` prints).
pub fn blob_id(content: &[u8]) -> String {
    git2::Oid::hash_object(git2::ObjectType::Blob, content)
        .map(|o| o.to_string())
        .unwrap_or_default()
}

/// Reads a guide file given by path (`guide check FILE`, inside a casebook or not).
pub fn read_guide_file(path: &std::path::Path) -> Result<GuideFile> {
    let text = std::fs::read_to_string(path).map_err(|e| StoreError::io(path, e))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    Ok(GuideFile {
        name,
        path: path.display().to_string(),
        version: blob_id(text.as_bytes()),
        text,
    })
}
