//! The one error type commands return: a kind (which sets the exit code), a message, the
//! causes that led to it, and hints.
//!
//! Exit codes: 0 success, 1 a check found something, 2 an error (bad input, unknown case,
//! invalid file, Git failure), 130 interrupted. `main` prints the message and its causes
//! once, on one line (`error: what: why`), then the hints.
//!
//! Errors start typed where they happen (`core::error`, `store::StoreError`, …); any
//! `std::error::Error` converts into a `CmdError` of kind [`Kind::User`] with its source
//! chain as causes. There is no conversion from a bare string: a command that refuses
//! something says so with [`CmdError::user`].

use std::error::Error;
use std::fmt;

/// What kind of failure: decides the exit code and whether anything is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad input, an unknown case, an invalid file, a Git failure: exit 2.
    User,
    /// A check found something (breaches with `--fail-on`, guide problems): exit 1.
    Found,
    /// The user stopped the command (Ctrl-C or Esc at a prompt): exit 130.
    Interrupted,
    /// docket broke one of its own rules (a bug): exit 2, with a request to report it.
    Internal,
    /// The reader of our output went away (`docket list | head`): stop quietly, exit 0.
    Closed,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::User | Kind::Internal => 2,
            Kind::Found => 1,
            Kind::Interrupted => 130,
            Kind::Closed => 0,
        }
    }
}

#[derive(Debug)]
pub struct CmdError {
    pub kind: Kind,
    /// What failed; empty when the problems were already reported.
    pub message: String,
    /// Why, outermost first (the source chain of the error it came from).
    pub causes: Vec<String>,
    pub hints: Vec<String>,
}

pub type Result<T> = std::result::Result<T, CmdError>;

impl CmdError {
    pub fn new(kind: Kind, message: impl Into<String>) -> CmdError {
        CmdError {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// A user-facing error (exit 2).
    pub fn user(message: impl Into<String>) -> CmdError {
        CmdError::new(Kind::User, message)
    }

    /// A bug in docket (exit 2).
    pub fn internal(message: impl Into<String>) -> CmdError {
        CmdError::new(Kind::Internal, message)
            .hint("this is a bug in docket; please report it with the command you ran")
    }

    /// The problems were already reported (as rows or lines); exit by `kind`, print nothing.
    pub fn reported(kind: Kind) -> CmdError {
        CmdError::new(kind, "")
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CmdError {
        self.hints.push(hint.into());
        self
    }

    /// Says what was being done: the message becomes `what`, the old one its first cause
    /// (printed `what: message`).
    pub fn context(mut self, what: impl fmt::Display) -> CmdError {
        if !self.message.is_empty() {
            self.causes.insert(0, std::mem::take(&mut self.message));
        }
        self.message = what.to_string();
        self
    }

    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

/// One line: the message, then each cause not already part of it.
impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        let mut shown = self.message.clone();
        for cause in &self.causes {
            if cause.is_empty() || shown.ends_with(cause.as_str()) {
                continue;
            }
            if shown.is_empty() {
                f.write_str(cause)?;
            } else {
                write!(f, ": {cause}")?;
            }
            shown = cause.clone();
        }
        Ok(())
    }
}

impl<E: Error + Send + Sync + 'static> From<E> for CmdError {
    fn from(e: E) -> CmdError {
        let any: &(dyn Error + 'static) = &e;
        if let Some(io) = any.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return CmdError::reported(Kind::Closed);
        }
        let mut err = CmdError::user(e.to_string());
        let mut source = e.source();
        while let Some(s) = source {
            err.causes.push(s.to_string());
            source = s.source();
        }
        if let Some(store) = any.downcast_ref::<crate::store::StoreError>() {
            err.hints.extend(store.hints());
        }
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("could not read the case")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn causes_print_on_one_line_after_the_message() {
        let e = CmdError::from(Outer(std::io::Error::other("disk on fire")));
        assert_eq!(e.kind, Kind::User);
        assert_eq!(e.to_string(), "could not read the case: disk on fire");
        let e = CmdError::user("no such case").context("DK-4F");
        assert_eq!(e.to_string(), "DK-4F: no such case");
    }

    #[test]
    fn a_closed_pipe_exits_quietly() {
        let e = CmdError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert_eq!(e.exit_code(), 0);
        assert!(e.to_string().is_empty());
    }

    #[test]
    fn kinds_set_exit_codes() {
        assert_eq!(CmdError::user("x").exit_code(), 2);
        assert_eq!(CmdError::reported(Kind::Found).exit_code(), 1);
        assert_eq!(CmdError::new(Kind::Interrupted, "aborted").exit_code(), 130);
        assert_eq!(CmdError::internal("x").exit_code(), 2);
    }
}
