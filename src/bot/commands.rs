//! The chat commands, in Chinese and English: help, back, skip, language, web link, stop
//! (which the conversation confirms before acting) and restart.
use crate::i18n::Lang;

/// What the user asked the bot to do instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Help,
    /// Go back to the previous question.
    Back,
    /// Pass over an optional question.
    Skip,
    /// Switch language; None = toggle between the two.
    Language(Option<Lang>),
    /// Send the personal web link to finish on the web form.
    Web,
    /// Opt out of the survey and its reminders (to be confirmed).
    Stop,
    /// Start the current survey again.
    Restart,
}

/// A recognized command. A weak one (the one-letter SMS opt-outs T/N/R) could also be an
/// answer ("n" for no, "R" as a choice letter), so it counts only when the reply is not a
/// valid answer to the current question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandMatch {
    pub command: Command,
    pub weak: bool,
}

const WORDS: &[(&str, Command)] = &[
    ("help", Command::Help),
    ("?", Command::Help),
    ("commands", Command::Help),
    ("menu", Command::Help),
    ("帮助", Command::Help),
    ("求助", Command::Help),
    ("帮忙", Command::Help),
    ("说明", Command::Help),
    ("菜单", Command::Help),
    ("指令", Command::Help),
    ("back", Command::Back),
    ("previous", Command::Back),
    ("prev", Command::Back),
    ("go back", Command::Back),
    ("返回", Command::Back),
    ("上一题", Command::Back),
    ("上一步", Command::Back),
    ("上一个", Command::Back),
    ("后退", Command::Back),
    ("回退", Command::Back),
    ("skip", Command::Skip),
    ("跳过", Command::Skip),
    ("跳过此题", Command::Skip),
    ("略过", Command::Skip),
    ("language", Command::Language(None)),
    ("lang", Command::Language(None)),
    ("语言", Command::Language(None)),
    ("切换语言", Command::Language(None)),
    ("english", Command::Language(Some(Lang::En))),
    ("en", Command::Language(Some(Lang::En))),
    ("英文", Command::Language(Some(Lang::En))),
    ("英语", Command::Language(Some(Lang::En))),
    ("中文", Command::Language(Some(Lang::ZhCn))),
    ("chinese", Command::Language(Some(Lang::ZhCn))),
    ("简体中文", Command::Language(Some(Lang::ZhCn))),
    ("汉语", Command::Language(Some(Lang::ZhCn))),
    ("zh", Command::Language(Some(Lang::ZhCn))),
    ("web", Command::Web),
    ("link", Command::Web),
    ("web link", Command::Web),
    ("网页", Command::Web),
    ("网页版", Command::Web),
    ("链接", Command::Web),
    ("网址", Command::Web),
    ("stop", Command::Stop),
    ("stopall", Command::Stop),
    ("unsubscribe", Command::Stop),
    ("optout", Command::Stop),
    ("opt out", Command::Stop),
    ("quit", Command::Stop),
    ("td", Command::Stop),
    ("退订", Command::Stop),
    ("取消订阅", Command::Stop),
    ("退出", Command::Stop),
    ("停止", Command::Stop),
    ("不再接收", Command::Stop),
    ("restart", Command::Restart),
    ("start over", Command::Restart),
    ("reset", Command::Restart),
    ("重新开始", Command::Restart),
    ("重来", Command::Restart),
    ("重新填写", Command::Restart),
];

/// One-letter opt-out keywords of SMS practice (TD 退订, T, N, R 拒收).
const WEAK_STOP: &[&str] = &["t", "n", "r"];

/// Recognizes a command: the whole reply, any case, with or without a leading `/` (Telegram
/// `/help@OurBot`), surrounding spaces and trailing punctuation.
pub fn parse_command(text: &str) -> Option<CommandMatch> {
    let mut t = crate::bot::parse::normalize(text);
    if let Some(rest) = t.strip_prefix('/') {
        t = rest.split('@').next().unwrap_or(rest).to_string();
    }
    let t = t
        .trim_end_matches(['!', '.', '。', '！', '~'])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if t == "?" || t == "？" {
        return Some(CommandMatch {
            command: Command::Help,
            weak: false,
        });
    }
    let t = t.trim_end_matches(['?', '？']);
    if let Some((_, c)) = WORDS.iter().find(|(w, _)| *w == t) {
        return Some(CommandMatch {
            command: *c,
            weak: false,
        });
    }
    if WEAK_STOP.contains(&t) {
        return Some(CommandMatch {
            command: Command::Stop,
            weak: true,
        });
    }
    None
}
