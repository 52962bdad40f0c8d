//! What a page of the form shows, built from the engine and the translations; the templates only
//! lay it out. Texts are formatted here, in the respondent's language, with piped values.
use askama::Template;

use crate::i18n::{Lang, Localizer};
use crate::survey::{
    Answer, Answers, Engine, Invalid, MonthBound, Page, PipeValue, Question, QuestionKind, Scale,
};

use super::input::InputErrors;

/// The frame around every page: language, title, language switch.
pub struct Layout {
    pub lang: &'static str,
    pub title: String,
    pub brand: String,
    pub language_label: String,
    pub languages: Vec<LangLink>,
    pub script: bool,
    pub asset_version: &'static str,
}

pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

impl Layout {
    /// `path` is the current page's path, for the language links (`?lang=`).
    pub fn new(i18n: &Localizer, lang: Lang, title: String, path: &str, script: bool) -> Layout {
        let languages = i18n
            .langs()
            .into_iter()
            .map(|l| LangLink {
                code: l.as_str(),
                name: match l {
                    Lang::ZhCn => "中文",
                    Lang::En => "English",
                },
                href: format!("{path}?lang={}", l.as_str()),
                current: l == lang,
            })
            .collect();
        Layout {
            lang: lang.as_str(),
            title,
            brand: i18n.format(lang, "web-brand", None),
            language_label: i18n.format(lang, "web-language", None),
            languages,
            script,
            asset_version: super::super::assets::VERSION.as_str(),
        }
    }
}

/// A page of questions.
#[derive(Template)]
#[template(path = "page.html")]
pub struct PageView {
    pub layout: Layout,
    pub page_title: String,
    pub progress_text: String,
    pub page_number: usize,
    pub page_count: usize,
    pub summary_title: String,
    pub summary: Vec<(String, String)>,
    pub action: String,
    pub csrf: String,
    pub revision: i32,
    pub conditions_json: String,
    pub questions: Vec<QuestionView>,
    pub has_back: bool,
    pub back_label: String,
    pub next_label: String,
    pub saved_note: String,
}

pub struct QuestionView {
    pub id: String,
    pub label: String,
    pub help: Option<String>,
    pub required: bool,
    pub error: Option<String>,
    pub control: Control,
}

pub enum Control {
    Choice {
        multiple: bool,
        options: Vec<Opt>,
        other: Option<OtherBox>,
    },
    Scale {
        options: Vec<Opt>,
        low: String,
        high: String,
    },
    Number {
        value: String,
        unit: String,
        min: String,
        max: String,
        integer: bool,
    },
    Text {
        value: String,
        multiline: bool,
        maxlength: Option<u32>,
    },
    YearMonth {
        years: Vec<Opt>,
        months: Vec<Opt>,
        year_label: String,
        month_label: String,
    },
    Region {
        provinces: Vec<Opt>,
        groups: Vec<CityGroup>,
        county: bool,
        province_label: String,
        city_label: String,
        county_label: String,
    },
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct OtherBox {
    pub option: String,
    pub value: String,
    pub label: String,
}

pub struct CityGroup {
    pub code: String,
    pub label: String,
    pub cities: Vec<Opt>,
}

/// Everything needed to show one page.
pub struct PageInput<'a> {
    pub i18n: &'a Localizer,
    pub lang: Lang,
    pub engine: Engine<'a>,
    pub ctx: &'a crate::survey::Context,
    /// Stored answers merged with what was just submitted (when re-showing a refused page).
    pub answers: &'a Answers,
    pub page: &'a Page,
    pub page_number: usize,
    pub page_count: usize,
    pub errors: Option<&'a crate::survey::PageErrors>,
    pub input_errors: Option<&'a InputErrors>,
}

/// Builds the questions of a page: only the visible ones (or those whose visibility depends on
/// this page's own answers, which the script shows and hides as the respondent answers).
pub fn questions(p: &PageInput<'_>) -> (Vec<QuestionView>, Vec<(String, String)>, String) {
    let args = p.engine.message_args(p.ctx, p.answers);
    let fmt = |key: &str| p.i18n.format_piped(p.lang, key, &args);
    let invalid = |e: &Invalid| p.i18n.format_with(p.lang, &e.message, &e.args);
    let on_page: Vec<&str> = p.page.questions.iter().map(|q| q.id.as_str()).collect();
    let mut views = Vec::new();
    let mut summary = Vec::new();
    let mut conditions = serde_json::Map::new();
    let effective = p.engine.effective_answers(p.ctx, p.answers);
    for q in &p.page.questions {
        let depends_on_page = q.show_if.as_ref().is_some_and(|c| {
            let mut ops = Vec::new();
            c.operands(&mut ops);
            ops.iter().any(|o| matches!(o, crate::survey::Operand::Question(id) if on_page.contains(&id.as_str())))
        });
        let visible = p.engine.is_visible(q, p.ctx, p.answers);
        if !visible && !depends_on_page {
            continue;
        }
        if let Some(cond) = &q.show_if
            && depends_on_page
        {
            conditions.insert(
                q.id.clone(),
                client_condition(cond, p, &effective, &on_page),
            );
        }
        let error = p
            .input_errors
            .and_then(|e| e.get(&q.id))
            .map(|key| p.i18n.format(p.lang, key, None))
            .or_else(|| {
                p.errors
                    .and_then(|e| e.questions.get(&q.id))
                    .and_then(|list| list.first())
                    .map(invalid)
            });
        let label = fmt(&p.engine.survey.question_key(q));
        if let Some(e) = &error {
            let item = p.i18n.format_with(
                p.lang,
                "web-error-item",
                &[
                    ("question".into(), label.clone()),
                    ("error".into(), e.clone()),
                ],
            );
            summary.push((q.id.clone(), item));
        }
        let help = q.help.then(|| fmt(&p.engine.survey.help_key(q)));
        let current = p
            .answers
            .get(&q.id)
            .cloned()
            .or_else(|| p.engine.prefill(q, p.ctx));
        views.push(QuestionView {
            id: q.id.clone(),
            label,
            help,
            required: q.required,
            error,
            control: control(q, current.as_ref(), p),
        });
    }
    let json = serde_json::Value::Object(conditions).to_string();
    (views, summary, json)
}

/// A condition for the script: tests on this page's questions stay; everything the server
/// already knows (earlier pages, roster, earlier stages) is replaced by its value.
fn client_condition(
    c: &crate::survey::Condition,
    p: &PageInput<'_>,
    effective: &Answers,
    on_page: &[&str],
) -> serde_json::Value {
    use crate::survey::{Condition, Operand, Test};
    use serde_json::json;
    match c {
        Condition::All(cs) => {
            json!({"all": cs.iter().map(|c| client_condition(c, p, effective, on_page)).collect::<Vec<_>>()})
        }
        Condition::Any(cs) => {
            json!({"any": cs.iter().map(|c| client_condition(c, p, effective, on_page)).collect::<Vec<_>>()})
        }
        Condition::Not(c) => json!({"not": client_condition(c, p, effective, on_page)}),
        Condition::Test {
            on: Operand::Question(id),
            test,
        } if on_page.contains(&id.as_str()) => match test {
            Test::In(v) => json!({"question": id, "in": v}),
            Test::NotIn(v) => json!({"question": id, "not_in": v}),
            Test::Answered(b) => json!({"question": id, "answered": b}),
            Test::Range { min, max } => json!({"question": id, "min": min, "max": max}),
        },
        other => {
            // Evaluate the leaf alone on what the server knows.
            let probe = Condition::All(vec![other.clone()]);
            let known = probe.eval(&|op: &Operand| match op {
                Operand::Question(id) => effective
                    .get(id)
                    .map(crate::survey::condition::Value::Answer),
                Operand::Context(r) => p.ctx.lookup(r),
            });
            json!({ "known": known })
        }
    }
}

fn control(q: &Question, current: Option<&Answer>, p: &PageInput<'_>) -> Control {
    let t = |key: &str| p.i18n.format(p.lang, key, None);
    match &q.kind {
        QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. } => {
            let picked: Vec<&str> = current.map(|a| a.values()).unwrap_or_default();
            let other_value = match current {
                Some(
                    Answer::Choice { other: Some(o), .. } | Answer::Choices { other: Some(o), .. },
                ) => o.clone(),
                _ => String::new(),
            };
            let options = p
                .engine
                .options(q)
                .into_iter()
                .map(|o| Opt {
                    checked: picked.contains(&o.id.as_str()),
                    label: t(&o.label_key),
                    value: o.id,
                })
                .collect();
            let other = p.engine.catalog.other_option(q).map(|o| OtherBox {
                option: o.to_string(),
                value: other_value,
                label: t("web-other-specify"),
            });
            Control::Choice {
                multiple: matches!(q.kind, QuestionKind::MultipleChoice { .. }),
                options,
                other,
            }
        }
        QuestionKind::Rating {
            scale: Scale::Likert5,
        } => {
            let value = current.and_then(Answer::as_number).map(|n| n as u32);
            Control::Scale {
                options: (1..=5)
                    .map(|n| Opt {
                        value: n.to_string(),
                        label: short_scale_label(&t(&format!("scale-likert5-{n}"))),
                        checked: value == Some(n),
                    })
                    .collect(),
                low: String::new(),
                high: String::new(),
            }
        }
        QuestionKind::Rating {
            scale: Scale::Score100,
        } => Control::Number {
            value: current
                .and_then(Answer::as_number)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            unit: String::new(),
            min: t("scale-score100-low"),
            max: t("scale-score100-high"),
            integer: true,
        },
        QuestionKind::Number {
            unit,
            min,
            max,
            integer,
        } => Control::Number {
            value: current
                .and_then(Answer::as_number)
                .map(fmt_number)
                .unwrap_or_default(),
            unit: unit
                .as_ref()
                .map(|u| t(&format!("unit-{u}")))
                .unwrap_or_default(),
            min: min.map(fmt_number).unwrap_or_default(),
            max: max.map(fmt_number).unwrap_or_default(),
            integer: *integer,
        },
        QuestionKind::Text {
            multiline,
            max_length,
            ..
        } => Control::Text {
            value: match current {
                Some(Answer::Text(s)) => s.clone(),
                _ => String::new(),
            },
            multiline: *multiline,
            maxlength: *max_length,
        },
        QuestionKind::YearMonth { min, max } => {
            let (lo, hi) = month_span(*min, *max, p);
            let picked = current.and_then(Answer::as_year_month);
            Control::YearMonth {
                years: (lo..=hi)
                    .rev()
                    .map(|y| Opt {
                        value: y.to_string(),
                        label: y.to_string(),
                        checked: picked.is_some_and(|m| m.year == y),
                    })
                    .collect(),
                months: (1..=12)
                    .map(|m| Opt {
                        value: m.to_string(),
                        label: p.i18n.format_with(
                            p.lang,
                            "web-month",
                            &[("month".into(), m.to_string())],
                        ),
                        checked: picked.is_some_and(|x| x.month == m),
                    })
                    .collect(),
                year_label: t("web-year"),
                month_label: t("web-month-label"),
            }
        }
        QuestionKind::Region => {
            let (prov, city, county) = match current {
                Some(Answer::Region {
                    province,
                    city,
                    county,
                }) => (province.as_str(), city.as_deref().unwrap_or(""), *county),
                _ => ("", "", false),
            };
            let name = |zh: &str, en: &str| match p.lang {
                Lang::ZhCn => zh.to_string(),
                Lang::En => en.to_string(),
            };
            let regions = p.engine.catalog.regions();
            Control::Region {
                provinces: regions
                    .provinces
                    .iter()
                    .map(|pr| Opt {
                        value: pr.code.clone(),
                        label: name(&pr.zh, &pr.en),
                        checked: pr.code == prov,
                    })
                    .collect(),
                groups: regions
                    .provinces
                    .iter()
                    .filter(|pr| !pr.cities.is_empty())
                    .map(|pr| CityGroup {
                        code: pr.code.clone(),
                        label: name(&pr.zh, &pr.en),
                        cities: pr
                            .cities
                            .iter()
                            .map(|c| Opt {
                                value: c.code.clone(),
                                label: name(&c.zh, &c.en),
                                checked: c.code == city,
                            })
                            .collect(),
                    })
                    .collect(),
                county,
                province_label: t("web-province"),
                city_label: t("web-city"),
                county_label: t("web-county"),
            }
        }
    }
}

/// "1 分（最低）" → "最低" under the big digit; plain "2 分" → "".
fn short_scale_label(full: &str) -> String {
    match (full.find(['（', '(']), full.rfind(['）', ')'])) {
        (Some(a), Some(b)) if b > a => {
            let open = full[a..].chars().next().map_or(1, char::len_utf8);
            full[a + open..b].to_string()
        }
        _ => String::new(),
    }
}

fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The years a year-month question offers.
fn month_span(min: Option<MonthBound>, max: Option<MonthBound>, p: &PageInput<'_>) -> (i32, i32) {
    use chrono::Datelike;
    let today = p.ctx.today.year();
    let grad = p.ctx.graduation_months();
    let resolve = |b: Option<MonthBound>, lower: bool| -> Option<i32> {
        match b? {
            MonthBound::Month(m) => Some(m.year),
            MonthBound::Today => Some(today),
            MonthBound::Graduation => grad.map(|(lo, hi)| if lower { lo.year } else { hi.year }),
        }
    };
    let hi = resolve(max, false).unwrap_or(today + 1);
    let lo = resolve(min, true).unwrap_or(hi - 15).min(hi);
    (lo, hi)
}

/// The survey's title, in the respondent's language.
pub fn survey_title(
    i18n: &Localizer,
    lang: Lang,
    engine: &Engine<'_>,
    args: &[(String, PipeValue)],
) -> String {
    i18n.format_piped(lang, &engine.survey.title_key(), args)
}
