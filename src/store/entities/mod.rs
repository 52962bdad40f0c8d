//! sea-orm entities, one per table (see `migrations/`).
pub mod assistance_plan;
pub mod audit_event;
pub mod consent_event;
pub mod contact_note;
pub mod delivery;
pub mod employer;
pub mod graduate;
pub mod invitation;
pub mod plan_follow_up;
pub mod reminder;
pub mod response;
pub mod response_fact;
pub mod staff;
pub mod survey_version;
pub mod wave;
