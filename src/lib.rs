//! convox-lsp: a language server and command-line checker for Convox's `convox.yml`.
//!
//! Data flows one way: [`text`] -> [`syntax`] -> [`model`] -> [`ide`] -> [`lsp`] (the protocol)
//! or [`cli`] (the terminal). See `docs/architecture.md`.

pub mod cli;
pub mod context;
pub mod env;
pub mod files;
pub mod git;
pub mod ide;
pub mod lsp;
pub mod model;
pub mod repo;
pub mod schema;
pub mod syntax;
pub mod text;

/// The seeded sequence of the unit tests' generated inputs.
#[cfg(test)]
mod seeded;

/// Indented raw-string fixtures for the unit tests (the integration tests' helper).
#[cfg(test)]
#[path = "../tests/fixture/mod.rs"]
mod fixture;
