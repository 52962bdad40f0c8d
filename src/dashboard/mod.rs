//! The liaison dashboards: staff sign-in, scopes enforced in every query, response rates,
//! the chase list, one-person-one-plan assistance files, employer rates, and the JSON API.
//! Domain functions (`rates`, `chase`, `plans`) take the signed-in `Viewer`; the pages
//! (`pages`) and the API (`api`) only extract, call one of them and render.
pub mod api;
pub mod auth;
pub mod chase;
pub mod indicator_pages;
pub mod indicators;
pub mod invitee;
pub mod outreach;
pub mod pages;
pub mod plans;
pub mod rates;
pub mod scope;
pub mod view;

use axum::Router;

use crate::web::AppState;

pub use scope::Viewer;

/// The staff pages (`/staff/…`) and the API (`/api/…`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(pages::routes())
        .merge(invitee::routes())
        .merge(indicator_pages::routes())
        .merge(api::routes())
}
