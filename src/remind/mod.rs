//! Invitations and reminders: each wave's reminder plan expanded into planned sends (`reminder`
//! rows, the truth), scheduled through Redis (or in process from the database when no Redis is
//! configured), sent by e-mail, SMS or bot message, and logged per attempt (`delivery`).
//!
//! - `plan`: the sends of a wave (the invitation at opening, then reminders at offsets, out of
//!   quiet hours), one after the other per person.
//! - `queue`: the scheduler — a Redis sorted set with atomic, leased claims, token buckets and
//!   a dead-letter list; or the embedded database scheduler.
//! - `worker`: claims due sends, checks they are still wanted, picks the channel, sends, logs.
//! - `sender`: e-mail (SMTP), SMS (HTTP gateway), bot (the `bot` adapters).
//! - `log`: the delivery log, dead letters and a liaison's "remind now".
//! - `unsubscribe`: the signed one-click opt-out link of every e-mail.
//! - `stages`: year1/year3/year5 waves planned from the cohort's graduation date.
pub mod config;
pub mod log;
pub mod message;
pub mod plan;
pub mod queue;
pub mod sender;
pub mod stages;
pub mod unsubscribe;
pub mod worker;

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

pub use log::{DeadLetter, DeliveryEntry, dead_letters, deliveries_of, remind_now};
pub use queue::Scheduler;
pub use worker::Worker;

/// What a planned send is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The first message, when the wave opens.
    Invitation,
    /// One of the plan's reminders.
    Reminder,
    /// A liaison's "remind now".
    Manual,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Invitation => "invitation",
            Kind::Reminder => "reminder",
            Kind::Manual => "manual",
        }
    }
}

impl FromStr for Kind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Kind> {
        match s {
            "invitation" => Ok(Kind::Invitation),
            "reminder" => Ok(Kind::Reminder),
            "manual" => Ok(Kind::Manual),
            _ => Err(Error::Invalid(format!("unknown reminder kind '{s}'"))),
        }
    }
}

/// Where a planned send stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Waiting for its time (or for a retry).
    Pending,
    /// Claimed by a worker, which holds a lease on it.
    Sending,
    Sent,
    /// Not sent because it was no longer wanted (answered, opted out, declined).
    Skipped,
    /// Not sent because the wave closed.
    Cancelled,
    /// Refused for good (no channel reaches the person, address rejected).
    Failed,
    /// Failed on every attempt: in the dead-letter list for liaisons.
    Dead,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Pending,
        State::Sending,
        State::Sent,
        State::Skipped,
        State::Cancelled,
        State::Failed,
        State::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sending => "sending",
            State::Sent => "sent",
            State::Skipped => "skipped",
            State::Cancelled => "cancelled",
            State::Failed => "failed",
            State::Dead => "dead",
        }
    }

    /// Whether the send may still go out (and so belongs in the scheduler).
    pub fn is_open(self) -> bool {
        matches!(self, State::Pending | State::Sending)
    }
}

impl FromStr for State {
    type Err = Error;
    fn from_str(s: &str) -> Result<State> {
        State::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| Error::Invalid(format!("unknown reminder state '{s}'")))
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Cuts a provider reply or error text to what the log keeps (on a character boundary).
pub(crate) fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max_chars.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_kinds_read_back() {
        for s in State::ALL {
            assert_eq!(s.as_str().parse::<State>().unwrap(), s);
        }
        assert!(State::Pending.is_open() && !State::Sent.is_open());
        assert!("nope".parse::<State>().is_err());
        for k in [Kind::Invitation, Kind::Reminder, Kind::Manual] {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
        }
    }

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("毕业生就业", 3), "毕业…");
    }
}
