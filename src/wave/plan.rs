//! A wave's reminder plan, stored as JSON in `wave.reminder_plan` and read by the scheduler:
//! when to remind non-respondents (offsets after opening), how often at most, when never to
//! disturb them (quiet hours in their time zone), and which channels to try in which order.
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The plan used when `wave create` is given no reminder options.
pub const DEFAULT_OFFSETS: &str = "3d,7d,14d";
pub const DEFAULT_QUIET_HOURS: &str = "21:00-08:00";
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";
pub const DEFAULT_CHANNELS: &str = "bot,sms,email";

/// A delay after the wave opens, written `30m`, `12h`, `3d` (or `90s`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Offset(Duration);

impl Offset {
    pub fn duration(self) -> Duration {
        self.0
    }
}

impl FromStr for Offset {
    type Err = Error;
    fn from_str(s: &str) -> Result<Offset> {
        let s = s.trim();
        let bad = || {
            Error::Invalid(format!(
                "reminder offset '{s}' should be a number and a unit: 90s, 30m, 12h or 3d"
            ))
        };
        let unit = s.chars().last().ok_or_else(bad)?;
        let n: i64 = s[..s.len() - unit.len_utf8()].parse().map_err(|_| bad())?;
        if n <= 0 {
            return Err(Error::Invalid(format!(
                "reminder offset '{s}' must be after the opening"
            )));
        }
        // A year is plenty for any wave; the bound keeps the arithmetic far from overflow.
        let secs = match unit.to_ascii_lowercase() {
            's' => Some(n),
            'm' => n.checked_mul(60),
            'h' => n.checked_mul(3600),
            'd' => n.checked_mul(86_400),
            _ => None,
        }
        .filter(|secs| *secs <= 366 * 86_400)
        .ok_or_else(bad)?;
        Ok(Offset(Duration::seconds(secs)))
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.num_seconds();
        match s {
            _ if s % 86_400 == 0 => write!(f, "{}d", s / 86_400),
            _ if s % 3600 == 0 => write!(f, "{}h", s / 3600),
            _ if s % 60 == 0 => write!(f, "{}m", s / 60),
            _ => write!(f, "{s}s"),
        }
    }
}

/// Parses `3d,7d,14d`: positive, strictly increasing offsets.
pub fn parse_offsets(s: &str) -> Result<Vec<Offset>> {
    let offsets = s
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(Offset::from_str)
        .collect::<Result<Vec<_>>>()?;
    if offsets.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::Invalid(format!(
            "reminder offsets '{s}' must be in increasing order, e.g. 3d,7d,14d"
        )));
    }
    Ok(offsets)
}

/// The daily span in which no reminder is sent, in local time; may wrap midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// Whether the local time `t` falls inside the quiet span (start inclusive, end exclusive).
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

impl FromStr for QuietHours {
    type Err = Error;
    fn from_str(s: &str) -> Result<QuietHours> {
        let bad = || {
            Error::Invalid(format!(
                "quiet hours '{s}' should look like 21:00-08:00 (or be 'none')"
            ))
        };
        let (a, b) = s.trim().split_once('-').ok_or_else(bad)?;
        let start = NaiveTime::parse_from_str(a.trim(), "%H:%M").map_err(|_| bad())?;
        let end = NaiveTime::parse_from_str(b.trim(), "%H:%M").map_err(|_| bad())?;
        if start == end {
            return Err(Error::Invalid(format!(
                "quiet hours '{s}' start and end at the same time; use 'none' for no quiet hours"
            )));
        }
        Ok(QuietHours { start, end })
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// `21:00-08:00` or `none`.
pub fn parse_quiet_hours(s: &str) -> Result<Option<QuietHours>> {
    if s.trim().eq_ignore_ascii_case("none") {
        Ok(None)
    } else {
        s.parse().map(Some)
    }
}

/// A way a reminder reaches a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReminderChannel {
    /// The messaging bot the person bound (WeChat, Telegram, WhatsApp).
    Bot,
    Sms,
    Email,
}

impl ReminderChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderChannel::Bot => "bot",
            ReminderChannel::Sms => "sms",
            ReminderChannel::Email => "email",
        }
    }
}

impl FromStr for ReminderChannel {
    type Err = Error;
    fn from_str(s: &str) -> Result<ReminderChannel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bot" => Ok(ReminderChannel::Bot),
            "sms" => Ok(ReminderChannel::Sms),
            "email" | "e-mail" => Ok(ReminderChannel::Email),
            other => Err(Error::Invalid(format!(
                "unknown reminder channel '{other}' (bot, sms, email)"
            ))),
        }
    }
}

/// Parses `bot,sms,email`: at least one channel, none twice.
pub fn parse_channels(s: &str) -> Result<Vec<ReminderChannel>> {
    let mut out: Vec<ReminderChannel> = Vec::new();
    for part in s.split(',').filter(|p| !p.trim().is_empty()) {
        let c: ReminderChannel = part.parse()?;
        if out.contains(&c) {
            return Err(Error::Invalid(format!(
                "reminder channel '{}' is listed twice",
                c.as_str()
            )));
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err(Error::Invalid(
            "name at least one reminder channel (bot, sms, email)".into(),
        ));
    }
    Ok(out)
}

/// The whole plan, as stored in `wave.reminder_plan`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "PlanJson", try_from = "PlanJson")]
pub struct ReminderPlan {
    pub offsets: Vec<Offset>,
    /// At most this many reminders per person (may be fewer than the offsets; 0 = none).
    pub max_reminders: u32,
    pub quiet_hours: Option<QuietHours>,
    pub time_zone: Tz,
    /// Tried in this order; the first one the person can be reached through is used.
    pub channels: Vec<ReminderChannel>,
}

impl Default for ReminderPlan {
    fn default() -> ReminderPlan {
        ReminderPlan {
            offsets: vec![
                Offset(Duration::days(3)),
                Offset(Duration::days(7)),
                Offset(Duration::days(14)),
            ],
            max_reminders: 3,
            quiet_hours: Some(QuietHours {
                start: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
                end: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            }),
            time_zone: chrono_tz::Asia::Shanghai,
            channels: vec![
                ReminderChannel::Bot,
                ReminderChannel::Sms,
                ReminderChannel::Email,
            ],
        }
    }
}

/// The options of `wave create`, as typed; `None` takes the default.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    pub offsets: Option<String>,
    pub max_reminders: Option<u32>,
    pub quiet_hours: Option<String>,
    pub time_zone: Option<String>,
    pub channels: Option<String>,
}

impl ReminderPlan {
    /// Builds a plan from command-line options; max reminders defaults to the number of offsets.
    pub fn from_options(o: &PlanOptions) -> Result<ReminderPlan> {
        let offsets = parse_offsets(o.offsets.as_deref().unwrap_or(DEFAULT_OFFSETS))?;
        let max_reminders = match o.max_reminders {
            Some(n) => n,
            None => u32::try_from(offsets.len()).unwrap_or(u32::MAX),
        };
        let quiet_hours =
            parse_quiet_hours(o.quiet_hours.as_deref().unwrap_or(DEFAULT_QUIET_HOURS))?;
        let time_zone = parse_time_zone(o.time_zone.as_deref().unwrap_or(DEFAULT_TIME_ZONE))?;
        let channels = parse_channels(o.channels.as_deref().unwrap_or(DEFAULT_CHANNELS))?;
        Ok(ReminderPlan {
            offsets,
            max_reminders,
            quiet_hours,
            time_zone,
            channels,
        })
    }

    /// Reads the stored JSON of a wave.
    pub fn from_json(v: &serde_json::Value) -> Result<ReminderPlan> {
        serde_json::from_value(v.clone())
            .map_err(|e| Error::Invalid(format!("stored reminder plan is unreadable: {e}")))
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(PlanJson::from(self.clone())).unwrap_or(serde_json::Value::Null)
    }

    /// When the reminders of a wave opened at `opens_at` go out: one per offset up to the
    /// maximum, each moved to the end of the quiet hours if it falls inside them.
    pub fn schedule(&self, opens_at: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        self.offsets
            .iter()
            .take(self.max_reminders as usize)
            .map(|o| self.out_of_quiet_hours(opens_at + o.duration()))
            .collect()
    }

    /// `at`, or the first moment after it outside the quiet hours (local time).
    pub fn out_of_quiet_hours(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let Some(q) = self.quiet_hours else {
            return at;
        };
        let local = at.with_timezone(&self.time_zone);
        let t = local.time();
        if !q.contains(t) {
            return at;
        }
        // The quiet span ends today if it has not wrapped past midnight yet, else tomorrow.
        let day = if q.start > q.end && t >= q.start {
            local.date_naive() + Duration::days(1)
        } else {
            local.date_naive()
        };
        let end = day.and_time(q.end);
        // A daylight-saving gap (not in Asia/Shanghai, but in other zones) has no such local
        // time; take the earliest valid reading or fall back to the unchanged moment.
        match self.time_zone.from_local_datetime(&end).earliest() {
            Some(dt) => dt.with_timezone(&Utc),
            None => at,
        }
    }
}

/// A time zone name from the IANA database (`Asia/Shanghai`, `Europe/London`).
pub fn parse_time_zone(s: &str) -> Result<Tz> {
    s.trim().parse::<Tz>().map_err(|_| {
        Error::Invalid(format!(
            "unknown time zone '{s}' (use an IANA name such as Asia/Shanghai)"
        ))
    })
}

/// The stored form: plain strings, readable in the database and by other tools.
#[derive(Serialize, Deserialize)]
struct PlanJson {
    offsets: Vec<String>,
    max_reminders: u32,
    quiet_hours: Option<String>,
    time_zone: String,
    channels: Vec<ReminderChannel>,
}

impl From<ReminderPlan> for PlanJson {
    fn from(p: ReminderPlan) -> PlanJson {
        PlanJson {
            offsets: p.offsets.iter().map(|o| o.to_string()).collect(),
            max_reminders: p.max_reminders,
            quiet_hours: p.quiet_hours.map(|q| q.to_string()),
            time_zone: p.time_zone.name().to_string(),
            channels: p.channels,
        }
    }
}

impl TryFrom<PlanJson> for ReminderPlan {
    type Error = Error;
    fn try_from(j: PlanJson) -> Result<ReminderPlan> {
        Ok(ReminderPlan {
            offsets: parse_offsets(&j.offsets.join(","))?,
            max_reminders: j.max_reminders,
            quiet_hours: j.quiet_hours.as_deref().map(str::parse).transpose()?,
            time_zone: parse_time_zone(&j.time_zone)?,
            channels: j.channels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn shanghai(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn offsets_parse_in_every_unit_and_print_back() {
        let o = parse_offsets("90s, 30m,12h,3d").unwrap();
        let secs: Vec<i64> = o.iter().map(|o| o.duration().num_seconds()).collect();
        assert_eq!(secs, vec![90, 1800, 43_200, 259_200]);
        let shown: Vec<String> = o.iter().map(|o| o.to_string()).collect();
        assert_eq!(shown, vec!["90s", "30m", "12h", "3d"]);
    }

    #[test]
    fn bad_offsets_say_what_is_wrong() {
        assert!(parse_offsets("3w").unwrap_err().to_string().contains("3w"));
        assert!(
            parse_offsets("0d")
                .unwrap_err()
                .to_string()
                .contains("after the opening")
        );
        assert!(
            parse_offsets("7d,3d")
                .unwrap_err()
                .to_string()
                .contains("increasing")
        );
        assert!(parse_offsets("d").is_err());
        assert!(parse_offsets("999999999999d").is_err());
    }

    #[test]
    fn quiet_hours_wrap_midnight_and_none_means_none() {
        let q = parse_quiet_hours("21:00-08:00").unwrap().unwrap();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(q.contains(t(21, 0)));
        assert!(q.contains(t(23, 59)));
        assert!(q.contains(t(7, 59)));
        assert!(!q.contains(t(8, 0)));
        assert!(!q.contains(t(12, 0)));
        assert_eq!(parse_quiet_hours("none").unwrap(), None);
        assert!(parse_quiet_hours("9pm-8am").is_err());
        assert!(parse_quiet_hours("08:00-08:00").is_err());
        let day = parse_quiet_hours("12:00-14:00").unwrap().unwrap();
        assert!(day.contains(t(13, 0)) && !day.contains(t(15, 0)));
    }

    #[test]
    fn channels_keep_their_order_and_refuse_repeats() {
        assert_eq!(
            parse_channels("email,bot").unwrap(),
            vec![ReminderChannel::Email, ReminderChannel::Bot]
        );
        assert!(parse_channels("sms,sms").is_err());
        assert!(
            parse_channels("fax")
                .unwrap_err()
                .to_string()
                .contains("fax")
        );
        assert!(parse_channels("").is_err());
    }

    #[test]
    fn defaults_and_json_round_trip() {
        let plan = ReminderPlan::from_options(&PlanOptions::default()).unwrap();
        assert_eq!(plan, ReminderPlan::default());
        let json = plan.to_json();
        assert_eq!(json["offsets"], serde_json::json!(["3d", "7d", "14d"]));
        assert_eq!(json["quiet_hours"], "21:00-08:00");
        assert_eq!(json["time_zone"], "Asia/Shanghai");
        assert_eq!(json["channels"], serde_json::json!(["bot", "sms", "email"]));
        assert_eq!(ReminderPlan::from_json(&json).unwrap(), plan);
        let custom = ReminderPlan::from_options(&PlanOptions {
            offsets: Some("1d,2d".into()),
            max_reminders: Some(1),
            quiet_hours: Some("none".into()),
            time_zone: Some("Europe/London".into()),
            channels: Some("email".into()),
        })
        .unwrap();
        assert_eq!(ReminderPlan::from_json(&custom.to_json()).unwrap(), custom);
        assert!(ReminderPlan::from_json(&serde_json::json!({"offsets": ["x"]})).is_err());
    }

    #[test]
    fn schedule_moves_reminders_out_of_the_night() {
        let plan = ReminderPlan::from_options(&PlanOptions {
            offsets: Some("1h,12h,1d".into()),
            max_reminders: Some(3),
            ..Default::default()
        })
        .unwrap();
        // Opens at 19:30 Shanghai: +1h = 20:30 (fine); +12h = 07:30 next day (quiet → 08:00);
        // +1d = 19:30 next day (fine).
        let opens = shanghai(2025, 7, 1, 19, 30);
        assert_eq!(
            plan.schedule(opens),
            vec![
                shanghai(2025, 7, 1, 20, 30),
                shanghai(2025, 7, 2, 8, 0),
                shanghai(2025, 7, 2, 19, 30)
            ]
        );
        // 22:00 is quiet and the end is tomorrow morning.
        assert_eq!(
            plan.out_of_quiet_hours(shanghai(2025, 7, 1, 22, 0)),
            shanghai(2025, 7, 2, 8, 0)
        );
        let capped = ReminderPlan {
            max_reminders: 1,
            ..plan
        };
        assert_eq!(capped.schedule(opens).len(), 1);
    }
}
