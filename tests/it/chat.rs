//! The messaging bot end to end: the real server's `/webhooks/*` routes with the platforms'
//! real payloads (signed, and encrypted for WeChat safe mode), the conversation over the shared
//! survey session, the binding table, and outbound calls recorded by a local server speaking
//! each platform's API. Every storage test runs on SQLite and PostgreSQL.
pub(crate) mod support;
mod telegram;
mod wechat;
mod whatsapp;
