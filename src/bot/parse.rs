//! The forgiving reply parser: what a person types in a chat ("2", "2、5", "B", the option's
//! text, "8k", "八千", "1.2万", "2025年7月", "是") turned into a typed answer, or the reason it
//! could not be. Pure: no I/O, no clock; the survey engine validates bounds afterwards.
use super::commands::{Command, parse_command};
use super::region::{RegionIndex, RegionReply, parse_region};
use crate::i18n::{Lang, Localizer};
use crate::survey::def::{Question, QuestionKind, YearMonth};
use crate::survey::{Answer, ChoiceOption};

/// One option of a choice question: its id and its labels (in every language the user may
/// type in, so "Employed" and "已就业" both match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledOption {
    pub id: String,
    pub labels: Vec<String>,
    /// The "other" option, which asks "please specify" ("其他：律师事务所" gives both).
    pub other: bool,
}

impl LabelledOption {
    pub fn new(id: &str, labels: &[&str]) -> LabelledOption {
        LabelledOption {
            id: id.to_string(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            other: false,
        }
    }

    /// Marks this option as the "please specify" one.
    pub fn as_other(self) -> LabelledOption {
        LabelledOption {
            other: true,
            ..self
        }
    }

    /// The engine's options with their labels in `langs` (the user's language first);
    /// `other` is the question's "please specify" option (`Catalog::other_option`).
    pub fn from_survey(
        options: &[ChoiceOption],
        localizer: &Localizer,
        langs: &[Lang],
        other: Option<&str>,
    ) -> Vec<LabelledOption> {
        options
            .iter()
            .map(|o| LabelledOption {
                id: o.id.clone(),
                labels: langs
                    .iter()
                    .map(|l| localizer.format(*l, &o.label_key, None))
                    .collect(),
                other: other == Some(o.id.as_str()),
            })
            .collect()
    }
}

/// What the current question expects.
#[derive(Debug, Clone, Copy)]
pub enum Expect<'a> {
    Single(&'a [LabelledOption]),
    Multiple(&'a [LabelledOption]),
    /// An integer scale: likert5 (1–5), score100 (0–100).
    Rating {
        min: i64,
        max: i64,
    },
    Number,
    YearMonth,
    /// A place, read against the provinces and cities of `regions.toml`.
    Region(&'a RegionIndex),
    YesNo,
    Text,
}

impl<'a> Expect<'a> {
    /// What a survey question expects; `options` are its labelled options (choice kinds),
    /// `regions` the catalog's regions indexed once (`RegionIndex::new(catalog.regions())`).
    pub fn for_question(
        q: &Question,
        options: &'a [LabelledOption],
        regions: &'a RegionIndex,
    ) -> Expect<'a> {
        match &q.kind {
            QuestionKind::SingleChoice { .. } => Expect::Single(options),
            QuestionKind::MultipleChoice { .. } => Expect::Multiple(options),
            QuestionKind::Rating { scale } => {
                let (min, max) = scale.range();
                Expect::Rating {
                    min: i64::from(min),
                    max: i64::from(max),
                }
            }
            QuestionKind::Number { .. } => Expect::Number,
            QuestionKind::Text { .. } => Expect::Text,
            QuestionKind::YearMonth { .. } => Expect::YearMonth,
            QuestionKind::Region => Expect::Region(regions),
        }
    }
}

/// A typed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// One pick; `other` is the "please specify" text typed with the other option.
    Choice {
        choice: String,
        other: Option<String>,
    },
    Choices {
        choices: Vec<String>,
        other: Option<String>,
    },
    Rating(i64),
    Number(f64),
    YearMonth(YearMonth),
    /// A place; possibly only a province, for which the city is asked next.
    Region(RegionReply),
    YesNo(bool),
    Text(String),
}

impl Reply {
    /// One pick without text.
    pub fn choice(id: &str) -> Reply {
        Reply::Choice {
            choice: id.to_string(),
            other: None,
        }
    }

    /// Several picks without text.
    pub fn choices(ids: &[&str]) -> Reply {
        Reply::Choices {
            choices: ids.iter().map(|s| s.to_string()).collect(),
            other: None,
        }
    }

    /// The survey answer (bounds, picks and lengths are checked by the engine); None for a
    /// yes/no, which confirms a bot step rather than answering a question, and for a region
    /// that names only a province (the conversation then offers that province's cities).
    pub fn into_answer(self) -> Option<Answer> {
        Some(match self {
            Reply::Choice { choice, other } => Answer::Choice { choice, other },
            Reply::Choices { choices, other } => Answer::Choices { choices, other },
            Reply::Rating(r) => Answer::Rating(u32::try_from(r).ok()?),
            Reply::Number(n) => Answer::Number(n),
            Reply::YearMonth(m) => Answer::YearMonth(m),
            Reply::Region(RegionReply::Answer(a)) => a,
            Reply::Region(RegionReply::Province { .. }) => return None,
            Reply::Text(t) => Answer::Text(t),
            Reply::YesNo(_) => return None,
        })
    }
}

/// Why a reply is not an answer; the conversation answers with the matching message and asks
/// the question again.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    Empty,
    /// A number or letter past the end of the list.
    NoSuchOption {
        given: usize,
        count: usize,
    },
    /// Nothing in the list looks like the reply.
    NoMatch,
    /// The reply fits several options (their ids).
    Ambiguous(Vec<String>),
    /// Several picks for a one-pick question.
    OnlyOne,
    NotANumber,
    /// A range ("8000-10000") where one number is wanted.
    Range,
    /// A rating outside the scale, or not a whole number.
    OutOfScale {
        min: i64,
        max: i64,
    },
    NotAYearMonth,
    NotYesNo,
    /// No province or city of the list in a place reply.
    NoPlace,
    /// A place reply that fits several places (their province or city codes).
    AmbiguousPlace(Vec<String>),
}

impl Reason {
    /// The Fluent message that explains the reason (in `locales/<lang>/bot.ftl`).
    pub fn message_id(&self) -> &'static str {
        match self {
            Reason::Empty => "bot-invalid-empty",
            Reason::NoSuchOption { .. } => "bot-invalid-no-such-option",
            Reason::NoMatch => "bot-invalid-no-match",
            Reason::Ambiguous(_) => "bot-invalid-ambiguous",
            Reason::OnlyOne => "bot-invalid-only-one",
            Reason::NotANumber => "bot-invalid-number",
            Reason::Range => "bot-invalid-range",
            Reason::OutOfScale { .. } => "bot-invalid-scale",
            Reason::NotAYearMonth => "bot-invalid-year-month",
            Reason::NotYesNo => "bot-invalid-yes-no",
            Reason::NoPlace => "bot-invalid-place",
            Reason::AmbiguousPlace(_) => "bot-invalid-ambiguous-place",
        }
    }

    /// The message's arguments (`$given`, `$count`, `$min`, `$max`).
    pub fn args(&self) -> Vec<(String, String)> {
        match self {
            Reason::NoSuchOption { given, count } => vec![
                ("given".into(), given.to_string()),
                ("count".into(), count.to_string()),
            ],
            Reason::OutOfScale { min, max } => vec![
                ("min".into(), min.to_string()),
                ("max".into(), max.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

/// What a chat message means at this point of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum Interpretation {
    Command(Command),
    Answer(Reply),
    Invalid(Reason),
}

/// Commands first (except the weak one-letter opt-outs), then the answer, then weak commands.
/// Without a current question only commands are understood.
pub fn interpret(text: &str, expect: Option<Expect<'_>>) -> Interpretation {
    let command = parse_command(text);
    if let Some(c) = command.filter(|c| !c.weak) {
        return Interpretation::Command(c.command);
    }
    let answer = match expect {
        Some(e) => parse_reply(text, e),
        None => Err(Reason::NoMatch),
    };
    match (answer, command) {
        (Ok(reply), _) => Interpretation::Answer(reply),
        (Err(_), Some(c)) => Interpretation::Command(c.command),
        (Err(reason), None) => Interpretation::Invalid(reason),
    }
}

/// A tapped button's payload: the option id we sent, else read like typed text (Telegram
/// buttons of over-long ids carry the option's number).
pub fn parse_payload(payload: &str, expect: Expect<'_>) -> Result<Reply, Reason> {
    match expect {
        Expect::Single(options) => {
            if let Some(o) = options.iter().find(|o| o.id == payload) {
                return Ok(Reply::choice(&o.id));
            }
        }
        Expect::Multiple(options) => {
            if let Some(o) = options.iter().find(|o| o.id == payload) {
                return Ok(Reply::choices(&[&o.id]));
            }
        }
        _ => {}
    }
    parse_reply(payload, expect)
}

/// Parses a typed reply for the current question.
pub fn parse_reply(text: &str, expect: Expect<'_>) -> Result<Reply, Reason> {
    let n = normalize(text);
    if n.is_empty() {
        return Err(Reason::Empty);
    }
    match expect {
        Expect::Single(options) => parse_single(text, options),
        Expect::Multiple(options) => parse_multiple(text, options),
        Expect::Rating { min, max } => parse_rating(&n, min, max).map(Reply::Rating),
        Expect::Number => parse_number(&n).map(Reply::Number),
        Expect::YearMonth => parse_year_month(&n).map(Reply::YearMonth),
        Expect::Region(regions) => parse_region(text, regions).map(Reply::Region),
        Expect::YesNo => parse_yes_no(&n).map(Reply::YesNo),
        Expect::Text => Ok(Reply::Text(text.trim().to_string())),
    }
}

/// Full-width ASCII to half-width, the ideographic space to a space, lowercase, trimmed.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Punctuation and spaces dropped, for comparing a reply with a label.
fn squash(s: &str) -> String {
    normalize(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn is_separator(c: char) -> bool {
    matches!(c, ',' | '、' | ';' | '/' | '|' | '+' | '&' | '，' | '；')
}

/// "2", "2.", "(2)", "第2个", "选2", "二", "b", "B)" → the 1-based position it names.
fn position(token: &str, count: usize) -> Option<Result<usize, Reason>> {
    let t = token
        .trim_matches(|c: char| matches!(c, '(' | ')' | '.' | '。' | '）' | '（' | '[' | ']' | ':'))
        .trim();
    let t = t
        .strip_prefix("选项")
        .or_else(|| t.strip_prefix("选"))
        .or_else(|| t.strip_prefix("第"))
        .unwrap_or(t);
    let t = t
        .strip_suffix("个")
        .or_else(|| t.strip_suffix("项"))
        .or_else(|| t.strip_suffix("号"))
        .unwrap_or(t)
        .trim();
    if t.is_empty() {
        return None;
    }
    let n = if t.chars().all(|c| c.is_ascii_digit()) {
        t.parse::<usize>().ok()?
    } else if t.chars().count() == 1 && t.chars().all(|c| c.is_ascii_lowercase()) {
        (t.as_bytes()[0] - b'a' + 1) as usize
    } else if t
        .chars()
        .all(|c| chinese_digit(c).is_some() || matches!(c, '十'))
    {
        let v = parse_number(t).ok()?;
        if v.fract() != 0.0 || v < 0.0 {
            return None;
        }
        v as usize
    } else {
        return None;
    };
    if n == 0 || n > count {
        return Some(Err(Reason::NoSuchOption { given: n, count }));
    }
    Some(Ok(n))
}

/// Matches the reply against the labels: equal, then a unique prefix or part of a label, then
/// a unique label inside the reply ("我在北京工作" → 北京).
fn match_label(reply: &str, options: &[LabelledOption]) -> Result<String, Reason> {
    let r = squash(reply);
    if r.is_empty() {
        return Err(Reason::NoMatch);
    }
    let labels = |o: &LabelledOption| -> Vec<String> {
        let mut l: Vec<String> = o.labels.iter().map(|l| squash(l)).collect();
        l.push(squash(&o.id));
        l.retain(|s| !s.is_empty());
        l
    };
    type Test = fn(&str, &str) -> bool;
    let tests: [Test; 3] = [
        |r, l| r == l,
        // A prefix or a part of a label are one tier: "study" fits "Study abroad" and
        // "Further study" alike, so it is ambiguous.
        |r, l| l.starts_with(r) || (r.chars().count() >= 2 && l.contains(r)),
        |r, l| l.chars().count() >= 2 && r.contains(l),
    ];
    for test in tests {
        let hits: Vec<&LabelledOption> = options
            .iter()
            .filter(|o| labels(o).iter().any(|l| test(&r, l)))
            .collect();
        match hits.len() {
            0 => continue,
            1 => return Ok(hits[0].id.clone()),
            _ => {
                return Err(Reason::Ambiguous(
                    hits.iter().map(|o| o.id.clone()).collect(),
                ));
            }
        }
    }
    Err(Reason::NoMatch)
}

/// The whole token as a label ("已就业", also a label that is a number) or a position ("2",
/// "B", "第二个"). None: neither.
fn resolve_exact(token: &str, options: &[LabelledOption]) -> Option<Result<String, Reason>> {
    let r = squash(token);
    if let Some(o) = options
        .iter()
        .find(|o| !r.is_empty() && o.labels.iter().any(|l| squash(l) == r))
    {
        return Some(Ok(o.id.clone()));
    }
    position(token, options.len()).map(|p| p.map(|n| options[n - 1].id.clone()))
}

/// One option from a reply: a label match wins (labels may be numbers themselves), then a
/// position, then a partial label match.
fn resolve_one(token: &str, options: &[LabelledOption]) -> Result<String, Reason> {
    match resolve_exact(token, options) {
        Some(r) => r,
        None => match_label(token, options),
    }
}

/// Characters between the other option and its text ("其他：…", "Other - …", "6 …").
const OTHER_SEPARATORS: &[char] = &[
    ':', '：', '(', '（', ' ', '-', '—', ',', '，', '、', '.', '。', '\u{3000}',
];

/// The other option typed with its text: "其他：律师事务所", "其他(律所)", "Other: law firm",
/// and for one pick also its number "6 律所". Returns where the option's name starts (in
/// characters of `text`), its id and the text; the text keeps the user's own spelling.
fn find_other(
    text: &str,
    options: &[LabelledOption],
    anywhere: bool,
) -> Option<(usize, String, String)> {
    let (index, option) = options.iter().enumerate().find(|(_, o)| o.other)?;
    let original: Vec<char> = text.trim().chars().collect();
    // One normalized character per original one, so positions carry over.
    let folded: Vec<char> = original
        .iter()
        .map(|&c| normalize(&c.to_string()).chars().next().unwrap_or(c))
        .collect();
    let mut heads: Vec<(Vec<char>, bool)> = option
        .labels
        .iter()
        .map(|l| (normalize(l).chars().collect::<Vec<char>>(), false))
        .filter(|(h, _)| !h.is_empty())
        .collect();
    if !anywhere {
        heads.push(((index + 1).to_string().chars().collect(), true));
    }
    for start in 0..original.len() {
        let at_boundary = start == 0 || is_separator(folded[start - 1]) || folded[start - 1] == ' ';
        if start > 0 && (!anywhere || !at_boundary) {
            continue;
        }
        for (head, is_number) in &heads {
            let end = start + head.len();
            if end >= original.len() || folded[start..end] != head[..] {
                continue;
            }
            if !OTHER_SEPARATORS.contains(&folded[end]) {
                continue;
            }
            let rest: String = original[end..].iter().collect();
            let rest = rest
                .trim_start_matches(|c: char| OTHER_SEPARATORS.contains(&c) || c.is_whitespace())
                .trim_end_matches([')', '）'])
                .trim()
                .to_string();
            // "2 5" is two picks, not option 2 with the text "5".
            let picks = *is_number && resolve_exact(&normalize(&rest), options).is_some();
            if !rest.is_empty() && !picks {
                return Some((start, option.id.clone(), rest));
            }
        }
    }
    None
}

fn parse_single(text: &str, options: &[LabelledOption]) -> Result<Reply, Reason> {
    let n = normalize(text);
    if let Some(r) = resolve_exact(&n, options) {
        return r.map(|id| Reply::choice(&id));
    }
    if let Some((_, choice, other)) = find_other(text, options, false) {
        return Ok(Reply::Choice {
            choice,
            other: Some(other),
        });
    }
    match match_label(&n, options) {
        Ok(id) => Ok(Reply::choice(&id)),
        Err(e) => {
            // "2,5" to a one-pick question: say so rather than "no such option".
            let parts: Vec<String> = split_picks(&n)
                .iter()
                .flat_map(|p| p.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                .collect();
            if parts.len() > 1 && parts.iter().all(|p| resolve_one(p, options).is_ok()) {
                Err(Reason::OnlyOne)
            } else {
                Err(e)
            }
        }
    }
}

/// Splits a multiple-pick reply at its explicit separators (commas, 、, ;, /, 和 …); spaces
/// are tried later, since labels may contain them.
fn split_picks(n: &str) -> Vec<String> {
    n.replace(['和', '及'], ",")
        .replace(" and ", ",")
        .split(is_separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_multiple(text: &str, options: &[LabelledOption]) -> Result<Reply, Reason> {
    let n = normalize(text);
    // The whole reply may be one label that contains a separator ("Research / teaching").
    if let Some(o) = options
        .iter()
        .find(|o| o.labels.iter().any(|l| squash(l) == squash(&n)))
    {
        return Ok(Reply::choices(&[&o.id]));
    }
    // "1、3、其他：律师事务所": the picks before, the other option with its text.
    let (picks_text, other) = match find_other(text, options, true) {
        Some((start, id, other)) => {
            let before: String = text.trim().chars().take(start).collect();
            (normalize(&before), Some((id, other)))
        }
        None => (n, None),
    };
    let mut picks: Vec<String> = Vec::new();
    for chunk in split_picks(&picks_text) {
        let ids = match resolve_token(&chunk, options) {
            Ok(ids) => ids,
            Err(e) if chunk.contains(char::is_whitespace) => {
                let mut ids = Vec::new();
                for token in chunk.split_whitespace() {
                    ids.extend(resolve_token(token, options).map_err(|_| e.clone())?);
                }
                ids
            }
            Err(e) => return Err(e),
        };
        for id in ids {
            if !picks.contains(&id) {
                picks.push(id);
            }
        }
    }
    let other = other.map(|(id, text)| {
        if !picks.contains(&id) {
            picks.push(id);
        }
        text
    });
    if picks.is_empty() {
        return Err(Reason::NoMatch);
    }
    Ok(Reply::Choices {
        choices: picks,
        other,
    })
}

/// One token of a multiple-pick reply: an option, a range "2-4", or letters run together "ace".
fn resolve_token(token: &str, options: &[LabelledOption]) -> Result<Vec<String>, Reason> {
    if let Some((a, b)) = token.split_once(['-', '~', '～', '–'])
        && let (Ok(a), Ok(b)) = (a.trim().parse::<usize>(), b.trim().parse::<usize>())
    {
        if a == 0 || b > options.len() || a > b {
            return Err(Reason::NoSuchOption {
                given: a.max(b),
                count: options.len(),
            });
        }
        return Ok((a..=b).map(|i| options[i - 1].id.clone()).collect());
    }
    match resolve_one(token, options) {
        Ok(id) => Ok(vec![id]),
        Err(e) => {
            let letters = token.len() >= 2
                && token.len() <= options.len()
                && token.chars().all(|c| c.is_ascii_lowercase());
            if !letters {
                return Err(e);
            }
            token
                .chars()
                .map(|c| {
                    position(&c.to_string(), options.len())
                        .unwrap_or(Err(Reason::NoMatch))
                        .map(|n| options[n - 1].id.clone())
                })
                .collect()
        }
    }
}

fn parse_rating(n: &str, min: i64, max: i64) -> Result<i64, Reason> {
    let stars = n.chars().filter(|&c| c == '★' || c == '⭐').count();
    let value = if stars > 0 && n.chars().all(|c| matches!(c, '★' | '⭐' | '☆')) {
        stars as f64
    } else {
        let t = n
            .trim_end_matches(['分', '星', '颗'])
            .trim_end_matches("points")
            .trim_end_matches("stars")
            .trim_end_matches("star")
            .trim();
        parse_number(t).map_err(|_| Reason::OutOfScale { min, max })?
    };
    if value.fract() != 0.0 || value < min as f64 || value > max as f64 {
        return Err(Reason::OutOfScale { min, max });
    }
    Ok(value as i64)
}

fn chinese_digit(c: char) -> Option<i128> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Fixed-point scale: numbers are computed in millionths so "1.2万" is exactly 12000.
const SCALE: i128 = 1_000_000;

/// Words around an amount that do not change it: currency, "per month", "about", "more than".
const NUMBER_NOISE: &[&str] = &[
    "人民币",
    "rmb",
    "cny",
    "¥",
    "￥",
    "元/月",
    "元每月",
    "/月",
    "每月",
    "一个月",
    "月薪",
    "块钱",
    "元",
    "块",
    "/month",
    "per month",
    "a month",
    "/mo",
    "税前",
    "税后",
    "大约",
    "大概",
    "约",
    "左右",
    "上下",
    "以上",
    "多",
    "about",
    "around",
    "approx.",
    "approx",
    "~",
    "≈",
];

/// Parses an amount: "8000", "8,000", "8k", "8K", "8000元", "8千", "八千", "1.2万", "一万二",
/// "1w2", "两万三千五百", "-5".
pub fn parse_number(text: &str) -> Result<f64, Reason> {
    let mut t = normalize(text);
    if t.is_empty() {
        return Err(Reason::Empty);
    }
    // A leading "~" means "about"; between two numbers it makes a range.
    let about = t.starts_with('~') || t.starts_with('≈');
    if about {
        t = t[t.char_indices().nth(1).map_or(t.len(), |(i, _)| i)..].to_string();
    }
    let is_range = {
        let core = t.trim_start_matches('-');
        core.contains(['-', '~', '～', '–', '—']) || core.contains('到') || core.contains('至')
    };
    if is_range {
        return Err(Reason::Range);
    }
    for w in NUMBER_NOISE {
        t = t.replace(w, "");
    }
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.as_str()),
    };
    let t = remove_thousands_commas(t)?;
    let v = chinese_amount(&t)?;
    let v = v as f64 / SCALE as f64;
    Ok(if negative { -v } else { v })
}

/// "8,000" and "1,200,000" lose their commas; any other comma is not a number.
fn remove_thousands_commas(t: &str) -> Result<String, Reason> {
    if !t.contains(',') {
        return Ok(t.to_string());
    }
    let mut groups = t.split(',');
    let first = groups.next().unwrap_or("");
    let lead = first
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if lead == 0 || lead > 3 {
        return Err(Reason::NotANumber);
    }
    let mut out = first.to_string();
    for g in groups {
        let digits = g.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits != 3 {
            return Err(Reason::NotANumber);
        }
        out.push_str(g);
    }
    Ok(out)
}

/// The general amount reader over ASCII decimals, Chinese digits and the units
/// 十 百 千 (k) 万 (w) 亿, in millionths.
fn chinese_amount(t: &str) -> Result<i128, Reason> {
    let chars: Vec<char> = t.chars().collect();
    if chars.is_empty() {
        return Err(Reason::NotANumber);
    }
    let mut total: i128 = 0; // completed 万/亿 sections
    let mut section: i128 = 0; // within the current section (below 万)
    let mut pending: Option<i128> = None; // a number waiting for its unit
    let mut last_unit: i128 = 0;
    let mut zero_seen = false;
    let mut unit_seen = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '.' {
            if pending.is_some() {
                return Err(Reason::NotANumber);
            }
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            pending = Some(decimal(&s)?);
            continue;
        }
        if let Some(d) = chinese_digit(c) {
            match pending {
                // Digits without units read positionally: 八零零零 = 8000, 二〇二五 = 2025.
                Some(p) if !unit_seen && pending_is_digit_run(&chars[..i]) => {
                    pending = Some(p * 10 + d * SCALE);
                }
                Some(_) => return Err(Reason::NotANumber),
                None if d == 0 && unit_seen => zero_seen = true,
                None => {
                    pending = Some(d * SCALE);
                }
            }
            i += 1;
            continue;
        }
        let unit: i128 = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' | 'k' => 1000,
            '万' | '萬' | 'w' => 10_000,
            '亿' => 100_000_000,
            _ => return Err(Reason::NotANumber),
        };
        unit_seen = true;
        zero_seen = false;
        match unit {
            10 | 100 | 1000 => {
                // "十" alone is ten; other units need a number before them.
                let p = match pending.take() {
                    Some(p) => p,
                    None if unit == 10 => SCALE,
                    None => return Err(Reason::NotANumber),
                };
                section += p * unit;
            }
            _ => {
                let p = pending.take().unwrap_or(0);
                let value = section + p;
                // "万" alone or "八万万": a big unit needs a count of its own.
                if value == 0 {
                    return Err(Reason::NotANumber);
                }
                if unit == 100_000_000 {
                    total = (total + value) * unit;
                } else {
                    total += value * unit;
                }
                section = 0;
            }
        }
        last_unit = unit;
        i += 1;
    }
    let tail = match pending {
        None => 0,
        // "一万二" = 12000, "八千五" = 8500, "1w2" = 12000: a lone digit after a unit is the
        // next lower unit's count — unless a 零 stood between ("一百零五" = 105).
        Some(p) if last_unit >= 100 && !zero_seen && is_single_digit(p) && pending_came_last(t) => {
            p * (last_unit / 10)
        }
        Some(p) => p,
    };
    Ok(total + section + tail)
}

/// Whether the characters so far are only Chinese digits (a positional run like 二〇二五).
fn pending_is_digit_run(chars: &[char]) -> bool {
    chars.iter().all(|c| chinese_digit(*c).is_some())
}

/// A whole number from 1 to 9 (in millionths).
fn is_single_digit(p: i128) -> bool {
    p % SCALE == 0 && (SCALE..=9 * SCALE).contains(&p)
}

/// The reply ends in a single digit (not "1万20", which is 10020).
fn pending_came_last(t: &str) -> bool {
    let mut rev = t.chars().rev();
    let last = rev.next();
    let before = rev.next();
    let digit =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || chinese_digit(c).is_some());
    digit(last) && !digit(before)
}

/// An ASCII decimal in millionths ("1.25" → 1_250_000).
fn decimal(s: &str) -> Result<i128, Reason> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() || frac.contains('.') || frac.len() > 6 {
        return Err(Reason::NotANumber);
    }
    let int: i128 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| Reason::NotANumber)?
    };
    let mut f: i128 = 0;
    for (k, c) in frac.chars().enumerate() {
        let d = c.to_digit(10).ok_or(Reason::NotANumber)? as i128;
        f += d * 10i128.pow(5 - k as u32);
    }
    int.checked_mul(SCALE)
        .and_then(|v| v.checked_add(f))
        .ok_or(Reason::NotANumber)
}

/// "2025-07", "2025.7", "2025/7", "2025年7月", "2025 7", "202507", "07/2025", "25年7月",
/// "二〇二五年七月", also with a day ("2025-07-01").
pub fn parse_year_month(text: &str) -> Result<YearMonth, Reason> {
    let n = normalize(text);
    // Chinese digits to ASCII, keeping 十 for the month ("十二月").
    let mut s = String::new();
    let mut chars = n.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chinese_digit(c)) {
            ('十', _) => {
                // 十 = 10, 十一/十二 = 11/12 (months only).
                let next = chars.peek().and_then(|c| chinese_digit(*c));
                match next {
                    Some(d) => {
                        chars.next();
                        s.push_str(&(10 + d).to_string());
                    }
                    None => s.push_str("10"),
                }
            }
            (_, Some(d)) if c != '两' => s.push_str(&d.to_string()),
            _ => s.push(c),
        }
    }
    let parts: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let ok = |y: i32, m: u32| -> Result<YearMonth, Reason> {
        if (1950..=2100).contains(&y) {
            YearMonth::new(y, m).ok_or(Reason::NotAYearMonth)
        } else {
            Err(Reason::NotAYearMonth)
        }
    };
    let num = |p: &str| p.parse::<u32>().map_err(|_| Reason::NotAYearMonth);
    match parts.as_slice() {
        [ym] if ym.len() == 6 => ok(num(&ym[..4])? as i32, num(&ym[4..])?),
        [y, m] | [y, m, _] if y.len() == 4 && m.len() <= 2 => ok(num(y)? as i32, num(m)?),
        [m, y] if y.len() == 4 && m.len() <= 2 => ok(num(y)? as i32, num(m)?),
        [y, m] if y.len() == 2 && m.len() <= 2 && s.contains('年') => {
            ok(2000 + num(y)? as i32, num(m)?)
        }
        _ => Err(Reason::NotAYearMonth),
    }
}

const YES: &[&str] = &[
    "是", "是的", "对", "对的", "有", "嗯", "好", "好的", "可以", "愿意", "会", "确定", "确认",
    "同意", "yes", "y", "yeah", "yep", "ok", "okay", "sure", "true", "agree",
];
const NO: &[&str] = &[
    "否",
    "不是",
    "不",
    "不对",
    "没有",
    "没",
    "无",
    "不要",
    "不会",
    "不愿意",
    "不同意",
    "取消",
    "no",
    "n",
    "nope",
    "false",
    "disagree",
];

/// 是/否/对/不是/yes/no/y/n and their usual neighbours.
pub fn parse_yes_no(text: &str) -> Result<bool, Reason> {
    let t: String = normalize(text)
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect();
    let t = t.trim();
    if YES.contains(&t) {
        Ok(true)
    } else if NO.contains(&t) {
        Ok(false)
    } else {
        Err(Reason::NotYesNo)
    }
}
