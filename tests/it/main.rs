//! Integration tests: one binary, one module per area (mirrors `src/`).
#[macro_use]
pub mod common;

mod store;
mod survey;
mod wave;
