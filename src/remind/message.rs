//! What an invitation or reminder says, in the person's language: the e-mail's subject, plain
//! text and HTML parts, the bot's text, and the variables of the SMS template. Texts come from
//! `locales/<lang>/remind.ftl`; the personal link from `wave::links`.
use askama::Template;
use fluent_bundle::{FluentArgs, FluentValue};

use super::Kind;
use crate::error::{Error, Result};
use crate::i18n::{Lang, Localizer};

/// Who a send goes to and what it points them to.
#[derive(Clone, Debug)]
pub struct Recipient {
    pub invitation_id: i32,
    /// The name used in the greeting (a graduate's name, an employer's contact or name).
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The chat user the person is bound to, if any: platform and user id.
    pub chat: Option<(crate::bot::Platform, String)>,
    pub lang: Lang,
    /// The invitation code as shown (`ABCD-EFGH`).
    pub code: String,
    /// The personal survey link.
    pub link: String,
    /// The one-click unsubscribe link.
    pub unsubscribe: String,
    pub survey_id: String,
    /// The wave's last day (local date), when it closes.
    pub deadline: Option<String>,
}

/// A rendered message.
#[derive(Clone, Debug)]
pub struct Content {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// One short paragraph for chat messages.
    pub chat: String,
}

#[derive(Template)]
#[template(path = "remind_email.html")]
struct EmailHtml<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    body: &'a str,
    link: &'a str,
    link_label: &'a str,
    link_text: &'a str,
    code_line: &'a str,
    deadline_line: Option<&'a str>,
    privacy: &'a str,
    signature: &'a str,
    unsubscribe_text: &'a str,
    unsubscribe: &'a str,
    unsubscribe_label: &'a str,
}

/// Renders the message of a send of `kind` to `r` (manual reminders read as reminders).
pub fn render(i18n: &Localizer, kind: Kind, r: &Recipient) -> Result<Content> {
    let lang = r.lang;
    let survey = i18n.format(lang, &format!("{}-title", r.survey_id), None);
    let mut args = FluentArgs::new();
    // Strings, never numbers: a code or name must not be reformatted as a number.
    for (k, v) in [
        ("name", r.name.as_str()),
        ("survey", survey.as_str()),
        ("code", r.code.as_str()),
        ("link", r.link.as_str()),
        ("deadline", r.deadline.as_deref().unwrap_or("")),
    ] {
        args.set(k, FluentValue::from(v.to_string()));
    }
    let f = |key: &str| i18n.format(lang, key, Some(&args));
    let invitation = kind == Kind::Invitation;
    let subject = f(if invitation {
        "remind-subject-invitation"
    } else {
        "remind-subject-reminder"
    });
    let greeting = f("remind-greeting");
    let body = f(if invitation {
        "remind-body-invitation"
    } else {
        "remind-body-reminder"
    });
    let link_text = f("remind-link-text");
    let code_line = f("remind-code");
    let deadline = r.deadline.as_ref().map(|_| f("remind-deadline"));
    let privacy = f("remind-privacy");
    let signature = f("remind-signature");
    let unsubscribe_text = f("remind-unsubscribe");

    let mut text = format!(
        "{greeting}\n\n{body}\n\n{link_text}\n{}\n\n{code_line}\n",
        r.link
    );
    if let Some(d) = &deadline {
        text.push_str(d);
        text.push('\n');
    }
    text.push_str(&format!(
        "\n{privacy}\n\n{signature}\n\n--\n{unsubscribe_text} {}\n",
        r.unsubscribe
    ));
    let html = EmailHtml {
        lang: lang.as_str(),
        subject: &subject,
        greeting: &greeting,
        body: &body,
        link: &r.link,
        link_label: &f("remind-link-label"),
        link_text: &link_text,
        code_line: &code_line,
        deadline_line: deadline.as_deref(),
        privacy: &privacy,
        signature: &signature,
        unsubscribe_text: &unsubscribe_text,
        unsubscribe: &r.unsubscribe,
        unsubscribe_label: &f("remind-unsubscribe-label"),
    }
    .render()
    .map_err(|e| Error::Other(format!("e-mail template failed: {e}")))?;
    let chat = f(if invitation {
        "remind-bot-invitation"
    } else {
        "remind-bot-reminder"
    });
    Ok(Content {
        subject,
        text,
        html,
        chat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn localizer() -> Localizer {
        Localizer::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/locales"
        )))
        .unwrap()
    }

    fn recipient(lang: Lang) -> Recipient {
        Recipient {
            invitation_id: 7,
            name: "李雷 <b>".into(),
            email: Some("li@example.edu".into()),
            phone: None,
            chat: None,
            lang,
            code: "ABCD-EFGH".into(),
            link: "https://survey.example.edu/s/tok".into(),
            unsubscribe: "https://survey.example.edu/u/7-x".into(),
            survey_id: "year1".into(),
            deadline: Some("2025-09-30".into()),
        }
    }

    #[test]
    fn reminder_in_chinese_and_english_with_link_code_and_unsubscribe() {
        let i18n = localizer();
        let zh = render(&i18n, Kind::Reminder, &recipient(Lang::ZhCn)).unwrap();
        assert_eq!(zh.subject, "提醒：毕业一年职业发展跟踪调查");
        assert!(zh.text.contains("李雷 <b>，您好！"));
        assert!(zh.text.contains("https://survey.example.edu/s/tok"));
        assert!(zh.text.contains("ABCD-EFGH"));
        assert!(zh.text.contains("2025-09-30"));
        assert!(zh.text.contains("https://survey.example.edu/u/7-x"));
        // The name is escaped in HTML.
        assert!(zh.html.contains("李雷 &#60;b&#62;") || zh.html.contains("李雷 &lt;b&gt;"));
        assert!(
            zh.html
                .contains("href=\"https://survey.example.edu/s/tok\"")
        );
        let en = render(&i18n, Kind::Invitation, &recipient(Lang::En)).unwrap();
        assert_eq!(en.subject, "Invitation: One year on: career survey");
        assert!(en.text.starts_with("Dear 李雷 <b>,"));
        assert!(en.chat.contains("https://survey.example.edu/s/tok"));
        assert!(en.html.contains("<html lang=\"en\">"));
    }
}
