//! The write journal: what a docket write is doing, kept in `.git/docket/journal` from
//! before its first object until its last step, so that a write killed at any point is
//! finished or undone by the next docket command (all or nothing), and a work-tree file
//! that differs from HEAD because docket died is told apart from a person's hand edit.
//!
//! A write records the branch, the commit it started from, and for each file the blob it
//! held and the blob it will hold; then the new commit; then that it holds `index.lock`.
//! A write that prepares the work tree and index while it writes its objects (no hooks,
//! no signing) says from the start that it may hold `index.lock`, and records its commit
//! in `.git/docket/journal-commit` instead (before the branch moves): the journal is not
//! written again after the lock is taken, so the lock stays newer than the journal.
//! Recovery (under the repository lock) looks at where the branch points: if it moved to
//! the new commit (or past it), the files and index entries are made to match it;
//! otherwise they are put back as they were. Docket's own stale locks (`index.lock`, the
//! branch's `.lock` holding the journal's commit) are removed, and temporary files swept.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use super::cases::Stamp;
use super::{Result, StoreError};

/// One file of a write: its path in the repository, the blob before, the blob after.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalFile {
    pub path: String,
    pub old: Option<Oid>,
    pub new: Oid,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Journal {
    pub branch: String,
    pub head: Option<Oid>,
    pub commit: Option<Oid>,
    /// docket holds (or held) `index.lock` for this write.
    pub index_locked: bool,
    pub files: Vec<JournalFile>,
}

fn oid_text(o: Option<Oid>) -> String {
    o.map_or("-".into(), |o| o.to_string())
}

fn parse_oid(t: &str) -> Option<Option<Oid>> {
    if t == "-" {
        Some(None)
    } else {
        Oid::from_str(t).ok().map(Some)
    }
}

impl Journal {
    pub fn path(git_dir: &Path) -> PathBuf {
        git_dir.join("docket").join("journal")
    }

    fn encode(&self) -> String {
        let mut out = format!(
            "branch {}\nhead {}\ncommit {}\nindex-locked {}\n",
            self.branch,
            oid_text(self.head),
            oid_text(self.commit),
            self.index_locked
        );
        for f in &self.files {
            out.push_str(&format!(
                "file {}\t{}\t{}\n",
                oid_text(f.old),
                f.new,
                f.path
            ));
        }
        out
    }

    fn decode(text: &str) -> Option<Journal> {
        let mut j = Journal {
            branch: String::new(),
            head: None,
            commit: None,
            index_locked: false,
            files: Vec::new(),
        };
        for line in text.lines() {
            let (key, rest) = line.split_once(' ')?;
            match key {
                "branch" => j.branch = rest.to_string(),
                "head" => j.head = parse_oid(rest)?,
                "commit" => j.commit = parse_oid(rest)?,
                "index-locked" => j.index_locked = rest == "true",
                "file" => {
                    let mut parts = rest.splitn(3, '\t');
                    let old = parse_oid(parts.next()?)?;
                    let new = parse_oid(parts.next()?)??;
                    let path = parts.next()?.to_string();
                    j.files.push(JournalFile { path, old, new });
                }
                _ => return None,
            }
        }
        (!j.branch.is_empty()).then_some(j)
    }

    /// Where a write that took `index.lock` before its commit was made records that
    /// commit (see [`Journal::save_commit`]).
    fn commit_path(git_dir: &Path) -> PathBuf {
        git_dir.join("docket").join("journal-commit")
    }

    /// Writes the journal (atomically: a reader sees the old or the new one).
    pub fn save(&self, git_dir: &Path) -> Result<()> {
        if self.commit.is_none() {
            // A commit recorded beside an earlier journal is no part of this one.
            let _ = std::fs::remove_file(Journal::commit_path(git_dir));
        }
        super::fsutil::atomic_write(&Journal::path(git_dir), self.encode().as_bytes())
    }

    /// Records the new commit of a write whose journal already says it holds
    /// `index.lock`, in a file of its own: the journal itself is not written again, so
    /// its time stays older than the lock's, which is how recovery knows that lock for
    /// docket's own. Written before the branch moves.
    pub fn save_commit(&self, git_dir: &Path, commit: Oid) -> Result<()> {
        let text = format!("head {}\ncommit {commit}\n", oid_text(self.head));
        super::fsutil::atomic_write(&Journal::commit_path(git_dir), text.as_bytes())
    }

    /// Removes the journal, then the commit recorded beside it: never the other way
    /// round, or a kill in between would leave a journal of a write whose branch moved
    /// without the commit that says so, and recovery would undo a landed write. A record
    /// left alone is ignored (it names another starting commit than any later journal, or
    /// is cleared by it).
    pub fn remove(git_dir: &Path) {
        let _ = std::fs::remove_file(Journal::path(git_dir));
        let _ = std::fs::remove_file(Journal::commit_path(git_dir));
    }

    /// The journal, with the commit recorded beside it (for the same starting commit)
    /// when the journal itself names none.
    pub fn load(git_dir: &Path) -> Option<Journal> {
        let text = std::fs::read_to_string(Journal::path(git_dir)).ok()?;
        let mut j = Journal::decode(&text)?;
        if j.commit.is_none()
            && let Ok(beside) = std::fs::read_to_string(Journal::commit_path(git_dir))
        {
            let mut lines = beside.lines();
            let head = lines
                .next()
                .and_then(|l| parse_oid(l.strip_prefix("head ")?));
            let commit = lines
                .next()
                .and_then(|l| parse_oid(l.strip_prefix("commit ")?));
            if let (Some(head), Some(Some(commit))) = (head, commit)
                && head == j.head
            {
                j.commit = Some(commit);
            }
        }
        Some(j)
    }
}

/// [`recover`] when a journal or temporary files are left (one `stat` otherwise).
pub fn recover_if_needed(repo: &Repository) -> Result<()> {
    let git_dir = repo.path();
    let tmp_left =
        std::fs::read_dir(git_dir.join("docket").join("tmp")).is_ok_and(|mut d| d.next().is_some());
    if Journal::path(git_dir).exists() || tmp_left {
        recover(repo)?;
    }
    Ok(())
}

/// Finishes or undoes the write a journal describes. Call with the repository lock held.
pub fn recover(repo: &Repository) -> Result<()> {
    let git_dir = repo.path().to_path_buf();
    let Some(j) = Journal::load(&git_dir) else {
        // No journal (or an unreadable one, from a kill while it was first written, when
        // nothing else had happened yet): only temporary files may be left.
        Journal::remove(&git_dir);
        sweep(&git_dir);
        return Ok(());
    };
    let workdir = repo.workdir().ok_or(StoreError::Bare)?.to_path_buf();
    let tip = repo.refname_to_id(&j.branch).ok();
    let landed = match (j.commit, tip) {
        (Some(c), Some(t)) if t == c => true,
        (Some(c), Some(t)) if Some(t) != j.head => repo.graph_descendant_of(t, c).unwrap_or(false),
        _ => false,
    };
    // docket's own stale locks: the branch's lock holding our commit, our index.lock.
    let ref_lock = git_dir.join(format!("{}.lock", j.branch));
    // (Empty: killed between creating the lock and writing the new value into it.)
    if let (Some(c), Ok(text)) = (j.commit, std::fs::read_to_string(&ref_lock))
        && (text.trim() == c.to_string() || text.is_empty())
    {
        let _ = std::fs::remove_file(&ref_lock);
    }
    // index.lock is docket's if it is not older than the journal's last write (which
    // said it was about to be taken); an older one belongs to someone else. Its change
    // time, not its modification time: a kill just after the new index was exchanged
    // into place leaves the old index under the lock's name, with its old contents'
    // time but a new change time.
    let journal_time = std::fs::metadata(Journal::path(&git_dir)).map(|m| Stamp::of(&m).mtime_ns);
    let index_lock = git_dir.join("index.lock");
    if j.index_locked
        && let (Ok(written), Ok(locked)) = (
            journal_time,
            std::fs::symlink_metadata(&index_lock).map(|m| {
                let s = Stamp::of(&m);
                if cfg!(unix) { s.ctime_ns } else { s.mtime_ns }
            }),
        )
        && locked >= written
    {
        let _ = std::fs::remove_file(&index_lock);
    }
    let mut entries = Vec::new();
    for f in &j.files {
        let want = if landed { Some(f.new) } else { f.old };
        let file = workdir.join(&f.path);
        match want {
            Some(blob) => {
                let content = repo.find_blob(blob)?.content().to_vec();
                if std::fs::read(&file).ok().as_deref() != Some(content.as_slice()) {
                    // Through `.git/docket/tmp`: a kill during recovery leaves its
                    // temporary file there (swept next time), not beside the case file.
                    let tmp = git_dir.join("docket").join("tmp");
                    super::fsutil::atomic_write_via(&tmp, &file, &content)?;
                }
            }
            None => {
                let _ = std::fs::remove_file(&file);
            }
        }
        entries.push((f.path.clone(), want));
    }
    // The index is about to be locked by this recovery: say so first, so that a kill
    // during it leaves a lock the next recovery knows for docket's own.
    if !j.index_locked {
        Journal {
            index_locked: true,
            ..j.clone()
        }
        .save(&git_dir)?;
    }
    super::git::set_index_entries(repo, &entries)?;
    Journal::remove(&git_dir);
    sweep(&git_dir);
    Ok(())
}

/// Removes docket's temporary files and libgit2's temporary objects left by a kill.
fn sweep(git_dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(git_dir.join("docket").join("tmp")) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let objects = git_dir.join("objects");
    if let Ok(dirs) = std::fs::read_dir(&objects) {
        for d in dirs.flatten() {
            let Ok(files) = std::fs::read_dir(d.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name();
                let name = name.to_string_lossy();
                // libgit2's, and docket's own (store::loose).
                if name.starts_with("tmp_object_git2_") || name.starts_with("tmp_obj_docket_") {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_reads_back_what_was_written() {
        let j = Journal {
            branch: "refs/heads/main".into(),
            head: Some(Oid::from_str("0123456789012345678901234567890123456789").unwrap()),
            commit: None,
            index_locked: true,
            files: vec![JournalFile {
                path: "sub dir/cases/4F/DK-4F7QX2MA.toml".into(),
                old: None,
                new: Oid::from_str("abcdefabcdefabcdefabcdefabcdefabcdefabcd").unwrap(),
            }],
        };
        assert_eq!(Journal::decode(&j.encode()), Some(j));
        assert_eq!(Journal::decode("garbage"), None);
        assert_eq!(Journal::decode(""), None);
    }

    /// A commit recorded beside the journal counts for the journal that starts where it
    /// started, and for no other; a new journal clears an old record; removing the
    /// journal removes both.
    #[test]
    fn a_commit_recorded_beside_the_journal_is_read_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let git_dir = dir.path();
        std::fs::create_dir_all(git_dir.join("docket")).unwrap();
        let oid = |c: char| Oid::from_str(&c.to_string().repeat(40)).unwrap();
        let j = Journal {
            branch: "refs/heads/main".into(),
            head: Some(oid('1')),
            commit: None,
            index_locked: true,
            files: Vec::new(),
        };
        j.save(git_dir).unwrap();
        assert_eq!(Journal::load(git_dir).unwrap().commit, None);
        j.save_commit(git_dir, oid('2')).unwrap();
        assert_eq!(Journal::load(git_dir).unwrap().commit, Some(oid('2')));
        // The journal of another write (another starting commit): the record is not its.
        let other = Journal {
            head: Some(oid('3')),
            ..j.clone()
        };
        std::fs::write(Journal::path(git_dir), other.encode()).unwrap();
        assert_eq!(Journal::load(git_dir).unwrap().commit, None);
        // Saving a journal with no commit yet clears the record.
        j.save(git_dir).unwrap();
        assert!(!Journal::commit_path(git_dir).exists());
        assert_eq!(Journal::load(git_dir).unwrap().commit, None);
        j.save_commit(git_dir, oid('2')).unwrap();
        Journal::remove(git_dir);
        assert!(!Journal::commit_path(git_dir).exists());
        assert!(Journal::load(git_dir).is_none());
    }
}
