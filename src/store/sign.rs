//! Signing docket's commits the way `git commit` does when `commit.gpgSign` is on:
//! `gpg.format` `openpgp` (the program of `gpg.program`, `gpg -bsau KEY`) or `ssh`
//! (`gpg.ssh.program`, `ssh-keygen -Y sign -n git -f KEY`), with `user.signingKey`.
//! libgit2 signs nothing by itself; the commit is built as a buffer, signed by the
//! user's program, and written with the signature in its `gpgsig` header, so
//! `git verify-commit` checks it like any other.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::Repository;

use super::{Result, StoreError};

/// How this repository wants commits signed.
pub enum Signer {
    OpenPgp {
        program: String,
        key: Option<String>,
    },
    Ssh {
        program: String,
        key: String,
    },
}

/// Whether this clone asks for signed commits (`commit.gpgSign`).
pub fn wanted(repo: &Repository) -> bool {
    repo.config()
        .and_then(|c| c.get_bool("commit.gpgsign"))
        .unwrap_or(false)
}

/// The signer `commit.gpgSign` asks for, or `None` when commits are not signed.
pub fn signer(repo: &Repository) -> Result<Option<Signer>> {
    if !wanted(repo) {
        return Ok(None);
    }
    let config = repo.config()?;
    let key = config
        .get_string("user.signingkey")
        .ok()
        .filter(|k| !k.trim().is_empty());
    let format = config
        .get_string("gpg.format")
        .unwrap_or_else(|_| "openpgp".into());
    match format.as_str() {
        "openpgp" => Ok(Some(Signer::OpenPgp {
            program: config
                .get_string("gpg.openpgp.program")
                .or_else(|_| config.get_string("gpg.program"))
                .unwrap_or_else(|_| "gpg".into()),
            key,
        })),
        "ssh" => {
            let Some(key) = key else {
                return Err(StoreError::Signing {
                    program: "ssh-keygen".into(),
                    message: "commit.gpgSign is on with gpg.format = ssh, but user.signingKey is not set (set it to your SSH key file, e.g. ~/.ssh/id_ed25519.pub)".into(),
                });
            };
            Ok(Some(Signer::Ssh {
                program: config
                    .get_string("gpg.ssh.program")
                    .unwrap_or_else(|_| "ssh-keygen".into()),
                key,
            }))
        }
        other => Err(StoreError::Signing {
            program: other.into(),
            message: format!(
                "gpg.format = {other:?} is not supported by docket (openpgp or ssh); turn commit.gpgSign off for this repository or use one of those"
            ),
        }),
    }
}

impl Signer {
    /// Signs the commit buffer `payload`; `tmp` is a private folder for the SSH
    /// program's files. Returns the armored signature.
    pub fn sign(&self, payload: &str, committer: &str, tmp: &Path) -> Result<String> {
        match self {
            Signer::OpenPgp { program, key } => {
                let key = key.clone().unwrap_or_else(|| committer.to_string());
                let out = run(
                    program,
                    &["--status-fd=2", "-bsau", &key],
                    Some(payload.as_bytes()),
                )?;
                let status = String::from_utf8_lossy(&out.stderr);
                if !out.status.success() || !status.contains("[GNUPG:] SIG_CREATED ") {
                    return Err(StoreError::Signing {
                        program: program.clone(),
                        message: first_line(&status, "gpg failed to sign the commit"),
                    });
                }
                Ok(String::from_utf8_lossy(&out.stdout).into_owned())
            }
            Signer::Ssh { program, key } => {
                std::fs::create_dir_all(tmp).map_err(|e| StoreError::io(tmp, e))?;
                let stem = format!("sign-{}", std::process::id());
                let buffer = tmp.join(&stem);
                let sig = tmp.join(format!("{stem}.sig"));
                let mut literal = None;
                let key_file: PathBuf = if let Some(k) = key.strip_prefix("key::") {
                    let p = tmp.join(format!("{stem}.pub"));
                    super::fsutil::atomic_write(&p, k.as_bytes())?;
                    literal = Some(p.clone());
                    p
                } else {
                    expand_home(key)
                };
                super::fsutil::atomic_write(&buffer, payload.as_bytes())?;
                let mut args = vec!["-Y", "sign", "-n", "git", "-f"];
                let key_arg = key_file.to_string_lossy().to_string();
                args.push(&key_arg);
                if literal.is_some() {
                    args.push("-U");
                }
                let buffer_arg = buffer.to_string_lossy().to_string();
                args.push(&buffer_arg);
                let out = run(program, &args, None);
                let signature = std::fs::read_to_string(&sig);
                for p in [Some(&buffer), Some(&sig), literal.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    let _ = std::fs::remove_file(p);
                }
                let out = out?;
                match signature {
                    Ok(s) if out.status.success() => Ok(s),
                    _ => Err(StoreError::Signing {
                        program: program.clone(),
                        message: first_line(
                            &String::from_utf8_lossy(&out.stderr),
                            "ssh-keygen failed to sign the commit",
                        ),
                    }),
                }
            }
        }
    }
}

fn run(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Result<std::process::Output> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| StoreError::Signing {
            program: program.into(),
            message: format!("cannot run it: {e}"),
        })?;
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        let _ = pipe.write_all(input);
    }
    child.wait_with_output().map_err(|e| StoreError::Signing {
        program: program.into(),
        message: e.to_string(),
    })
}

fn first_line(text: &str, default: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("[GNUPG:]"))
        .unwrap_or(default)
        .to_string()
}

fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => crate::vars::get_os("HOME")
            .map_or_else(|| PathBuf::from(path), |h| PathBuf::from(h).join(rest)),
        None => PathBuf::from(path),
    }
}
