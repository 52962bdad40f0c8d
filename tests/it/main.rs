//! Integration tests: one binary, one module per area (mirrors `src/`).
#[macro_use]
pub mod common;

mod bot;
mod store;
mod survey;
