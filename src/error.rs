//! The one error type commands return: a message, hints, and the exit code it maps to.
//!
//! Exit codes: 0 success, 1 a check found something, 2 an error (bad input, unknown case,
//! invalid file, Git failure). `main` prints the message once, as `error: …`, then hints.

use std::fmt;

#[derive(Debug)]
pub struct CmdError {
    pub code: u8,
    pub message: String,
    pub hints: Vec<String>,
}

pub type Result<T> = std::result::Result<T, CmdError>;

impl CmdError {
    /// A user-facing error (exit 2).
    pub fn user(message: impl Into<String>) -> CmdError {
        CmdError {
            code: 2,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// The problems were already reported; exit with `code` and print nothing more.
    pub fn reported(code: u8) -> CmdError {
        CmdError {
            code,
            message: String::new(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CmdError {
        self.hints.push(hint.into());
        self
    }

    /// Prefixes the message with what was being done (`cases/AB/DK-AB.toml: …`).
    pub fn context(mut self, what: impl fmt::Display) -> CmdError {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CmdError {}

impl From<String> for CmdError {
    fn from(message: String) -> CmdError {
        CmdError::user(message)
    }
}

impl From<&str> for CmdError {
    fn from(message: &str) -> CmdError {
        CmdError::user(message)
    }
}

impl From<std::io::Error> for CmdError {
    fn from(e: std::io::Error) -> CmdError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader went away (`docket list | head`): stop quietly, like ripgrep.
            return CmdError::reported(0);
        }
        CmdError::user(e.to_string())
    }
}

impl From<crate::core::lifecycle::LifecycleError> for CmdError {
    fn from(e: crate::core::lifecycle::LifecycleError) -> CmdError {
        CmdError::user(e.to_string())
    }
}

impl From<git2::Error> for CmdError {
    fn from(e: git2::Error) -> CmdError {
        CmdError::user(format!("git: {}", e.message()))
    }
}
