//! Integration tests: one binary, one module per area (mirrors `src/`).
#[macro_use]
pub mod common;

mod app;
mod bot;
mod browser;
mod chat;
mod commit;
mod dashboard;
mod demo;
mod form_weight;
mod import_responses;
mod indicators;
mod questionnaires;
mod remind;
mod roster;
mod serve;
mod store;
mod survey;
mod wave;
mod web;
