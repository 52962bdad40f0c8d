//! What the staff pages show, prepared for the templates: the frame (language, navigation,
//! sign-out), translated labels, and the response-rate chart as SVG coordinates.
use crate::i18n::{Lang, Localizer};

use super::rates::{Counts, DayPoint};

/// Translations for a template: `{{ tr.t("staff-…") }}`.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    pub i18n: &'a Localizer,
    pub lang: Lang,
}

impl<'a> Tr<'a> {
    pub fn t(&self, key: &str) -> String {
        self.i18n.format(self.lang, key, None)
    }

    /// A message with one argument.
    pub fn with(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.i18n
            .format_with(self.lang, key, &[(name.to_string(), value.to_string())])
    }

    /// A message with several arguments.
    pub fn args(&self, key: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(String, String)> = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        self.i18n.format_with(self.lang, key, &args)
    }

    /// A date-time in the school's time zone.
    pub fn when(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        t.with_timezone(&crate::clock::SCHOOL_TZ)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

pub struct NavLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// The frame of every staff page.
pub struct StaffLayout {
    pub lang: &'static str,
    pub title: String,
    pub brand: String,
    pub languages: Vec<LangLink>,
    pub language_label: String,
    pub asset_version: &'static str,
    pub nav: Vec<NavLink>,
    /// Who is signed in (display name); none on the sign-in pages.
    pub user: Option<String>,
    pub csrf: String,
    pub sign_out: String,
}

impl StaffLayout {
    /// `path` is the page's own path (language links), `current` the nav entry to highlight.
    pub fn new(
        tr: Tr<'_>,
        title: String,
        path: &str,
        user: Option<String>,
        csrf: String,
    ) -> StaffLayout {
        let sep = if path.contains('?') { '&' } else { '?' };
        let languages = tr
            .i18n
            .langs()
            .into_iter()
            .map(|l| LangLink {
                code: l.as_str(),
                name: match l {
                    Lang::ZhCn => "中文",
                    Lang::En => "English",
                },
                href: format!("{path}{sep}lang={}", l.as_str()),
                current: l == tr.lang,
            })
            .collect();
        let nav = if user.is_some() {
            [
                ("/staff", "staff-nav-waves"),
                ("/staff/plans", "staff-nav-plans"),
            ]
            .into_iter()
            .map(|(href, key)| NavLink {
                href: href.to_string(),
                label: tr.t(key),
                current: if href == "/staff" {
                    path == "/staff"
                        || path.starts_with("/staff/waves")
                        || path.starts_with("/staff/invitations")
                } else {
                    path.starts_with(href)
                },
            })
            .collect()
        } else {
            Vec::new()
        };
        StaffLayout {
            lang: tr.lang.as_str(),
            title,
            brand: tr.t("staff-brand"),
            languages,
            language_label: tr.t("web-language"),
            asset_version: crate::web::assets::VERSION.as_str(),
            nav,
            user,
            csrf,
            sign_out: tr.t("staff-sign-out"),
        }
    }
}

/// A row of a rates table, its figures formatted.
pub struct RateRow {
    pub label: String,
    /// Drill-down link, when there is a level below.
    pub href: Option<String>,
    pub c: Counts,
    pub rate: String,
    /// Width of the rate bar, 0–100.
    pub bar: u32,
    pub low: bool,
}

/// A rate shown as a percentage with one decimal.
pub fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

impl RateRow {
    pub fn new(label: String, href: Option<String>, c: Counts) -> RateRow {
        RateRow {
            label,
            href,
            c,
            rate: percent(c.rate),
            bar: (c.rate * 100.0).round().clamp(0.0, 100.0) as u32,
            // Below half, a row deserves a look.
            low: c.invited > 0 && c.rate < 0.5,
        }
    }
}

/// The cumulative-rate chart, in SVG user units.
pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub left: u32,
    pub bottom: u32,
    pub top: u32,
    pub right: u32,
    pub this_year: String,
    pub last_year: Option<String>,
    /// x of each day reminders were sent, with how many.
    pub reminders: Vec<(f64, i64)>,
    /// x of planned reminder days with no sends recorded (yet).
    pub planned: Vec<f64>,
    pub y_ticks: Vec<(f64, String)>,
    pub x_ticks: Vec<(f64, String)>,
    pub label: String,
}

impl Chart {
    pub fn new(
        daily: &[DayPoint],
        last_year: Option<&[DayPoint]>,
        reminder_days: &[i64],
        label: String,
    ) -> Chart {
        let (width, height, left, right, top, bottom) =
            (640u32, 260u32, 44u32, 12u32, 12u32, 28u32);
        let max_day = daily
            .last()
            .map(|p| p.day)
            .unwrap_or(0)
            .max(last_year.and_then(|d| d.last()).map(|p| p.day).unwrap_or(0))
            .max(14);
        let plot_w = f64::from(width - left - right);
        let plot_h = f64::from(height - top - bottom);
        let x = |day: i64| f64::from(left) + plot_w * day as f64 / max_day as f64;
        let y = |rate: f64| f64::from(top) + plot_h * (1.0 - rate.clamp(0.0, 1.0));
        let line = |pts: &[DayPoint]| {
            pts.iter()
                .map(|p| format!("{:.1},{:.1}", x(p.day), y(p.cumulative_rate)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let step = ((max_day as f64 / 7.0).ceil() as i64).max(1);
        Chart {
            width,
            height,
            left,
            bottom,
            top,
            right,
            this_year: line(daily),
            last_year: last_year.map(line),
            reminders: daily
                .iter()
                .filter(|p| p.reminders > 0)
                .map(|p| (x(p.day), p.reminders))
                .collect(),
            planned: reminder_days
                .iter()
                .filter(|d| {
                    **d <= max_day && !daily.iter().any(|p| p.day == **d && p.reminders > 0)
                })
                .map(|d| x(*d))
                .collect(),
            y_ticks: (0..=4)
                .map(|i| (y(f64::from(i) * 0.25), format!("{}%", i * 25)))
                .collect(),
            x_ticks: (0..=max_day)
                .step_by(step as usize)
                .map(|d| (x(d), d.to_string()))
                .collect(),
            label,
        }
    }

    pub fn plot_bottom(&self) -> u32 {
        self.height - self.bottom
    }

    pub fn plot_right(&self) -> u32 {
        self.width - self.right
    }
}
