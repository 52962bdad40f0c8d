//! Integration tests: one binary, one module per area (mirrors `src/`).
#[macro_use]
pub mod common;

mod app;
mod bot;
mod dashboard;
mod questionnaires;
mod roster;
mod store;
mod survey;
mod wave;
mod web;
