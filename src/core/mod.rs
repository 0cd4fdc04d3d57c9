//! Pure model and rules: configuration, the case and its timeline, IDs, the lifecycle.
//!
//! Nothing here reads the clock, the environment, the terminal or the disk; "now" and
//! every policy come in as arguments, which is what makes these modules unit-testable.

pub mod access;
pub mod agents;
pub mod calendar;
pub mod case;
pub mod config;
pub mod duration;
pub mod edit;
pub mod error;
pub mod guide;
pub mod history;
pub mod id;
pub mod kb;
pub mod keys;
pub mod lifecycle;
pub mod merge;
pub mod par;
pub mod query;
pub mod report;
pub mod routing;
pub mod search;
pub mod sla;
pub mod verify;
