//! sea-orm entities, one per table (see `migrations/`).
pub mod audit_event;
pub mod consent_event;
pub mod delivery;
pub mod employer;
pub mod graduate;
pub mod invitation;
pub mod reminder;
pub mod response;
pub mod staff;
pub mod survey_version;
pub mod wave;
