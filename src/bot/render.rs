//! What the bot says, in the user's language: a question with its progress, choices and a hint
//! of what to type; the privacy notice with its consent choices; a province's cities. Texts
//! come from the survey's Fluent messages (the same the web form shows) and `bot.ftl`.
use crate::i18n::{Lang, Localizer};
use crate::respond::Session;
use crate::survey::{Catalog, Engine, Question, QuestionKind, Scale};

use super::outbound::{Choice, OutboundMessage};
use super::parse::LabelledOption;

/// Payloads of the consent and stop-confirmation buttons.
pub const ACCEPT: &str = "accept";
pub const DECLINE: &str = "decline";
pub const STOP_YES: &str = "stop_yes";
pub const STOP_NO: &str = "stop_no";

/// The other language, typed replies may come in either.
pub fn other_lang(lang: Lang) -> Lang {
    match lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    }
}

/// A question as one message.
pub fn question(
    i18n: &Localizer,
    lang: Lang,
    catalog: &Catalog,
    s: &Session,
    q: &Question,
) -> OutboundMessage {
    let engine = Engine::new(catalog, &s.survey);
    let args = engine.message_args(&s.context, &s.answers);
    let visible = engine.visible_questions(&s.context, &s.answers);
    let n = visible
        .iter()
        .position(|v| v.id == q.id)
        .map_or(1, |i| i + 1);
    let mut text = i18n.format_with(
        lang,
        "bot-progress",
        &[
            ("n".into(), n.to_string()),
            ("total".into(), visible.len().max(n).to_string()),
        ],
    );
    text.push(' ');
    text.push_str(&i18n.format_piped(lang, &engine.survey.question_key(q), &args));
    if q.help {
        text.push('\n');
        text.push_str(&i18n.format_piped(lang, &engine.survey.help_key(q), &args));
    }
    let t = |key: &str| i18n.format(lang, key, None);
    let mut msg = OutboundMessage::default();
    let hint = match &q.kind {
        QuestionKind::SingleChoice { .. } => None,
        QuestionKind::MultipleChoice { .. } => {
            msg.multiple = true;
            Some(t("bot-hint-multiple"))
        }
        QuestionKind::Rating {
            scale: Scale::Likert5,
        } => None,
        QuestionKind::Rating {
            scale: Scale::Score100,
        } => Some(t("bot-hint-score")),
        QuestionKind::Number { unit, .. } => {
            let unit = unit
                .as_ref()
                .map(|u| t(&format!("unit-{u}")))
                .unwrap_or_else(|| "none".to_string());
            Some(i18n.format_with(lang, "bot-hint-number", &[("unit".into(), unit)]))
        }
        QuestionKind::Text { .. } => Some(t("bot-hint-text")),
        QuestionKind::YearMonth { .. } => Some(t("bot-hint-year-month")),
        QuestionKind::Region => Some(t("bot-hint-region")),
    };
    msg.choices = match &q.kind {
        QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. } => engine
            .options(q)
            .into_iter()
            .map(|o| Choice::new(o.id, t(&o.label_key)))
            .collect(),
        QuestionKind::Rating {
            scale: Scale::Likert5,
        } => (1..=5)
            .map(|n| Choice::new(n.to_string(), t(&format!("scale-likert5-{n}"))))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(h) = hint {
        text.push('\n');
        text.push_str(&h);
    }
    if !q.required {
        text.push('\n');
        text.push_str(&t("bot-hint-optional"));
    }
    msg.text = text;
    msg.list_button = Some(t("bot-list-button"));
    msg
}

/// The options of a choice question, labelled in both languages (the user's first).
pub fn labelled_options(
    i18n: &Localizer,
    lang: Lang,
    catalog: &Catalog,
    s: &Session,
    q: &Question,
) -> Vec<LabelledOption> {
    let engine = Engine::new(catalog, &s.survey);
    LabelledOption::from_survey(
        &engine.options(q),
        i18n,
        &[lang, other_lang(lang)],
        catalog.other_option(q),
    )
}

/// The privacy notice's summary, a link to the full text, and the consent choices.
pub fn consent(i18n: &Localizer, lang: Lang, s: &Session, link: &str) -> OutboundMessage {
    let notice = &s.survey.privacy_notice.message;
    let summary = i18n
        .format_attribute(lang, notice, "summary")
        .unwrap_or_else(|| i18n.format(lang, notice, None));
    let text = format!(
        "{}\n{}\n{}\n\n{}",
        i18n.format(lang, "bot-consent", None),
        summary,
        i18n.format_with(
            lang,
            "bot-consent-full",
            &[("link".into(), link.to_string())]
        ),
        i18n.format(lang, "bot-consent-ask", None),
    );
    OutboundMessage::with_choices(
        text,
        vec![
            Choice::new(ACCEPT, i18n.format(lang, "bot-consent-accept", None)),
            Choice::new(DECLINE, i18n.format(lang, "bot-consent-decline", None)),
        ],
    )
}

/// "Do you really want to leave?" with yes/no.
pub fn stop_confirm(i18n: &Localizer, lang: Lang) -> OutboundMessage {
    OutboundMessage::with_choices(
        i18n.format(lang, "bot-stop-confirm", None),
        vec![
            Choice::new(STOP_YES, i18n.format(lang, "bot-stop-yes", None)),
            Choice::new(STOP_NO, i18n.format(lang, "bot-stop-no", None)),
        ],
    )
}

/// The cities of a province as options (ids are city codes), labelled in both languages.
pub fn cities(catalog: &Catalog, province: &str) -> Option<(String, String, Vec<LabelledOption>)> {
    let p = catalog
        .regions()
        .provinces
        .iter()
        .find(|p| p.code == province)?;
    let options = p
        .cities
        .iter()
        .map(|c| LabelledOption::new(&c.code, &[&c.zh, &c.en]))
        .collect();
    Some((p.zh.clone(), p.en.clone(), options))
}

/// "Which city in Guangdong?" with the province's cities.
pub fn city_question(
    i18n: &Localizer,
    lang: Lang,
    catalog: &Catalog,
    province: &str,
) -> OutboundMessage {
    let Some((zh, en, options)) = cities(catalog, province) else {
        return OutboundMessage::text(i18n.format(lang, "bot-hint-region", None));
    };
    let name = match lang {
        Lang::ZhCn => zh,
        Lang::En => en,
    };
    let idx = match lang {
        Lang::ZhCn => 0,
        Lang::En => 1,
    };
    let mut msg = OutboundMessage::with_choices(
        i18n.format_with(lang, "bot-city", &[("province".into(), name)]),
        options
            .iter()
            .map(|o| Choice::new(o.id.clone(), o.labels.get(idx).cloned().unwrap_or_default()))
            .collect(),
    );
    msg.list_button = Some(i18n.format(lang, "bot-list-button", None));
    msg
}
