//! What the bot says, and how each platform shows it: the numbered list of choices always in the
//! text (so typing "2" works everywhere), plus buttons where the platform has them, split to each
//! platform's length limit.
use serde_json::{Value, json};

/// WeChat text limit, in bytes of UTF-8 (CJK characters are 3 bytes).
pub const WECHAT_TEXT_MAX_BYTES: usize = 2048;
/// WeChat menu message: at most this many items, each this many bytes.
pub const WECHAT_MENU_MAX_ITEMS: usize = 10;
pub const WECHAT_MENU_ITEM_MAX_BYTES: usize = 128;
/// Telegram message text, in characters.
pub const TELEGRAM_TEXT_MAX_CHARS: usize = 4096;
/// Telegram `callback_data`, in bytes.
pub const TELEGRAM_CALLBACK_MAX_BYTES: usize = 64;
/// WhatsApp: plain text body, interactive body, buttons, list rows and their field limits.
pub const WHATSAPP_TEXT_MAX_CHARS: usize = 4096;
pub const WHATSAPP_INTERACTIVE_BODY_MAX_CHARS: usize = 1024;
pub const WHATSAPP_MAX_BUTTONS: usize = 3;
pub const WHATSAPP_BUTTON_TITLE_MAX_CHARS: usize = 20;
pub const WHATSAPP_MAX_LIST_ROWS: usize = 10;
pub const WHATSAPP_ROW_TITLE_MAX_CHARS: usize = 24;
pub const WHATSAPP_ROW_DESCRIPTION_MAX_CHARS: usize = 72;
pub const WHATSAPP_LIST_BUTTON_MAX_CHARS: usize = 20;

/// One option the user can pick: its id (sent back as a button payload) and its label in the
/// user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

impl Choice {
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            id: id.into(),
            label: label.into(),
        }
    }
}

/// A pre-approved WhatsApp template, the only message allowed outside the 24-hour window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    /// Template language code, e.g. `zh_CN`, `en`.
    pub language: String,
    /// Body parameters, in order.
    pub parameters: Vec<String>,
}

/// A message from the bot: text, the choices to offer, and hints for the platforms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutboundMessage {
    pub text: String,
    pub choices: Vec<Choice>,
    /// Several picks allowed: buttons cannot say that, so only the numbered list is shown.
    pub multiple: bool,
    /// Label of WhatsApp's list-opening button (in the user's language).
    pub list_button: Option<String>,
    /// WhatsApp: the template to send when the 24-hour window is closed.
    pub template: Option<Template>,
    /// When the user last wrote to us (Unix seconds), to know whether the window is open.
    pub user_last_message_at: Option<i64>,
}

impl OutboundMessage {
    /// A message with text only.
    pub fn text(text: impl Into<String>) -> OutboundMessage {
        OutboundMessage {
            text: text.into(),
            ..OutboundMessage::default()
        }
    }

    /// A question with choices.
    pub fn with_choices(text: impl Into<String>, choices: Vec<Choice>) -> OutboundMessage {
        OutboundMessage {
            text: text.into(),
            choices,
            ..OutboundMessage::default()
        }
    }

    /// The text with the choices as a numbered list under it.
    pub fn rendered_text(&self) -> String {
        if self.choices.is_empty() {
            return self.text.clone();
        }
        let mut s = self.text.trim_end().to_string();
        s.push('\n');
        for (i, c) in self.choices.iter().enumerate() {
            s.push('\n');
            s.push_str(&format!("{}. {}", i + 1, c.label));
        }
        s
    }

    /// Whether platforms may show the choices as single-tap buttons.
    fn buttons_allowed(&self) -> bool {
        !self.multiple && !self.choices.is_empty()
    }
}

/// Splits text into parts of at most `max` units as measured by `measure` (bytes or chars),
/// breaking at line ends where possible, then at spaces, then anywhere between characters.
/// Blank text gives no part.
pub fn split_text(text: &str, max: usize, measure: fn(&str) -> usize) -> Vec<String> {
    let max = max.max(4);
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if measure(&current) + measure(line) <= max {
            current.push_str(line);
            continue;
        }
        if !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        if measure(line) <= max {
            current.push_str(line);
            continue;
        }
        // A single line longer than the limit: cut it, preferring spaces.
        let mut rest = line;
        while measure(rest) > max {
            let mut cut = 0;
            let mut last_space = None;
            for (i, ch) in rest.char_indices() {
                let end = i + ch.len_utf8();
                if measure(&rest[..end]) > max {
                    break;
                }
                cut = end;
                if ch == ' ' {
                    last_space = Some(end);
                }
            }
            let at = match last_space {
                Some(s) if s > cut / 2 => s,
                _ => cut,
            };
            parts.push(rest[..at].to_string());
            rest = &rest[at..];
        }
        current.push_str(rest);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    // Blank parts are dropped: platforms refuse empty messages (WeChat shows an error).
    parts
        .into_iter()
        .map(|p| p.trim_end_matches('\n').to_string())
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// Length in UTF-8 bytes.
pub fn bytes_len(s: &str) -> usize {
    s.len()
}

/// Length in characters.
pub fn chars_len(s: &str) -> usize {
    s.chars().count()
}

/// Shortens to `max` characters, marking the cut with an ellipsis.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Shortens to at most `max` bytes on a character boundary.
pub fn truncate_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = 0;
    for (i, ch) in s.char_indices() {
        if i + ch.len_utf8() > max {
            break;
        }
        end = i + ch.len_utf8();
    }
    s[..end].to_string()
}

/// WeChat: the text parts of a message, each within the 2048-byte limit.
pub fn wechat_texts(msg: &OutboundMessage) -> Vec<String> {
    split_text(&msg.rendered_text(), WECHAT_TEXT_MAX_BYTES, bytes_len)
}

/// WeChat customer-service API bodies for one message. With `menu`, a single-pick question of
/// at most ten options becomes a menu message (tappable options, verified service accounts only).
pub fn wechat_custom_bodies(touser: &str, msg: &OutboundMessage, menu: bool) -> Vec<Value> {
    if menu
        && msg.buttons_allowed()
        && msg.choices.len() <= WECHAT_MENU_MAX_ITEMS
        && msg.text.len() <= WECHAT_TEXT_MAX_BYTES / 2
    {
        let list: Vec<Value> = msg
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                json!({
                    "id": c.id,
                    "content": truncate_bytes(&format!("{}. {}", i + 1, c.label), WECHAT_MENU_ITEM_MAX_BYTES),
                })
            })
            .collect();
        return vec![json!({
            "touser": touser,
            "msgtype": "msgmenu",
            "msgmenu": {"head_content": msg.text, "list": list, "tail_content": ""},
        })];
    }
    wechat_texts(msg)
        .into_iter()
        .map(|content| json!({"touser": touser, "msgtype": "text", "text": {"content": content}}))
        .collect()
}

/// The `callback_data` of a choice's button: its id, or its number when the id is too long
/// (the reply parser reads numbers too).
pub fn telegram_callback_data(index: usize, choice: &Choice) -> String {
    if !choice.id.is_empty() && choice.id.len() <= TELEGRAM_CALLBACK_MAX_BYTES {
        choice.id.clone()
    } else {
        (index + 1).to_string()
    }
}

/// Telegram `sendMessage` bodies; the last part carries the inline keyboard, one button a row.
pub fn telegram_bodies(chat_id: &str, msg: &OutboundMessage) -> Vec<Value> {
    let chat: Value = chat_id
        .parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::from(chat_id));
    let parts = split_text(&msg.rendered_text(), TELEGRAM_TEXT_MAX_CHARS, chars_len);
    let last = parts.len().saturating_sub(1);
    parts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let mut body = json!({"chat_id": chat, "text": text});
            if i == last && msg.buttons_allowed() {
                let rows: Vec<Value> = msg
                    .choices
                    .iter()
                    .enumerate()
                    .map(|(n, c)| {
                        json!([{
                            "text": format!("{}. {}", n + 1, c.label),
                            "callback_data": telegram_callback_data(n, c),
                        }])
                    })
                    .collect();
                body["reply_markup"] = json!({"inline_keyboard": rows});
            }
            body
        })
        .collect()
}

/// WhatsApp message bodies: reply buttons for up to 3 choices, a list for up to 10, plain text
/// otherwise (or when the text is too long for an interactive body).
pub fn whatsapp_bodies(to: &str, msg: &OutboundMessage) -> Vec<Value> {
    let text = msg.rendered_text();
    let fits = chars_len(&text) <= WHATSAPP_INTERACTIVE_BODY_MAX_CHARS;
    let n = msg.choices.len();
    if msg.buttons_allowed() && fits && n <= WHATSAPP_MAX_LIST_ROWS {
        let interactive = if n <= WHATSAPP_MAX_BUTTONS {
            let buttons: Vec<Value> = msg
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    json!({"type": "reply", "reply": {
                        "id": c.id,
                        "title": truncate_chars(&format!("{}. {}", i + 1, c.label), WHATSAPP_BUTTON_TITLE_MAX_CHARS),
                    }})
                })
                .collect();
            json!({"type": "button", "body": {"text": text}, "action": {"buttons": buttons}})
        } else {
            let rows: Vec<Value> = msg
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let title = format!("{}. {}", i + 1, c.label);
                    let mut row = json!({
                        "id": c.id,
                        "title": truncate_chars(&title, WHATSAPP_ROW_TITLE_MAX_CHARS),
                    });
                    if chars_len(&title) > WHATSAPP_ROW_TITLE_MAX_CHARS {
                        row["description"] = Value::from(truncate_chars(
                            &c.label,
                            WHATSAPP_ROW_DESCRIPTION_MAX_CHARS,
                        ));
                    }
                    row
                })
                .collect();
            let button = msg.list_button.as_deref().unwrap_or("Choose / 选择");
            json!({"type": "list", "body": {"text": text}, "action": {
                "button": truncate_chars(button, WHATSAPP_LIST_BUTTON_MAX_CHARS),
                "sections": [{"rows": rows}],
            }})
        };
        return vec![json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "interactive",
            "interactive": interactive,
        })];
    }
    split_text(&text, WHATSAPP_TEXT_MAX_CHARS, chars_len)
        .into_iter()
        .map(|body| {
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": {"body": body, "preview_url": body.contains("http://") || body.contains("https://")},
            })
        })
        .collect()
}

/// A WhatsApp template message body.
pub fn whatsapp_template_body(to: &str, template: &Template) -> Value {
    let parameters: Vec<Value> = template
        .parameters
        .iter()
        .map(|p| json!({"type": "text", "text": p}))
        .collect();
    let mut t = json!({"name": template.name, "language": {"code": template.language}});
    if !parameters.is_empty() {
        t["components"] = json!([{"type": "body", "parameters": parameters}]);
    }
    json!({"messaging_product": "whatsapp", "to": to, "type": "template", "template": t})
}
