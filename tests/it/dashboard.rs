//! The liaison dashboards over HTTP, on both back-ends: who sees what (the scope matrix over
//! every page, export and API route), sign-in and sessions, password reset by e-mail, the chase
//! list's actions and assistance plans.
mod auth;
mod indicator_pages;
mod indicators;
mod outreach;
mod plans;
mod rollup;
mod scope;
mod world;
