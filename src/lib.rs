//! gradtrace: graduate employment-quality tracking. Survey definitions drive a web form and a
//! chat-bot over one answer store; reminders, liaison dashboards and indicators sit on top.
pub mod app;
pub mod bot;
pub mod clock;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod indicators;
pub mod remind;
pub mod respond;
pub mod roster;
pub mod store;
pub mod survey;
pub mod wave;
pub mod web;

pub use error::{Error, Result};
