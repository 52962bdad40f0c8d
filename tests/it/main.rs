//! Integration tests: one binary, one module per area (mirrors `src/`).
#[macro_use]
pub mod common;

mod app;
mod demo;
mod roster;
mod store;
mod survey;
mod web;
