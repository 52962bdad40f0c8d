//! Translations: one thread-safe Fluent bundle per language (zh-CN, the fallback, and en) loaded
//! from `locales/<lang>/*.ftl`, language negotiation from `Accept-Language`, and formatting that
//! never fails (missing message → zh-CN → the message id itself).
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::survey::PipeValue;

/// A language the service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese, the fallback.
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];
    pub const FALLBACK: Lang = Lang::ZhCn;

    /// The BCP 47 tag, also the folder name under `locales/`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Separator between the labels of several picks.
    pub fn list_separator(self) -> &'static str {
        match self {
            Lang::ZhCn => "、",
            Lang::En => ", ",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = Error;
    fn from_str(s: &str) -> Result<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::Invalid(format!("unsupported language `{s}` (zh-CN or en)")))
    }
}

/// A Fluent syntax error in a file: 1-based line and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtlError {
    pub line: usize,
    pub message: String,
}

/// Parses one FTL source, returning the resource (with whatever parsed) and its syntax errors.
pub fn parse_ftl(source: String) -> (FluentResource, Vec<FtlError>) {
    match FluentResource::try_new(source) {
        Ok(resource) => (resource, Vec::new()),
        Err((resource, errors)) => {
            let text = resource.source();
            let errors = errors
                .into_iter()
                .map(|e| FtlError {
                    // The start of the broken entry reads better than where parsing gave up.
                    line: crate::survey::load::line_of(
                        text,
                        e.slice.map(|s| s.start).unwrap_or(e.pos.start),
                    ),
                    message: format!("Fluent syntax error: {}", e.kind),
                })
                .collect();
            (resource, errors)
        }
    }
}

/// A message (or `-term`) defined by a resource: id, 1-based line, and the variables it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtlEntry {
    pub id: String,
    pub line: usize,
    pub variables: Vec<String>,
}

/// The messages and terms a resource defines.
pub fn entries(resource: &FluentResource) -> Vec<FtlEntry> {
    use fluent_syntax::ast::Entry;
    let text = resource.source();
    let mut out = Vec::new();
    for entry in resource.entries() {
        let (id, name, value, attributes) = match entry {
            Entry::Message(m) => (
                m.id.name.to_string(),
                m.id.name,
                m.value.as_ref(),
                &m.attributes,
            ),
            Entry::Term(t) => (
                format!("-{}", t.id.name),
                t.id.name,
                Some(&t.value),
                &t.attributes,
            ),
            _ => continue,
        };
        // Entries borrow from the source, so the id's address gives its line.
        let line = offset_of(text, name)
            .map(|o| crate::survey::load::line_of(text, o))
            .unwrap_or(0);
        let mut variables = Vec::new();
        for pattern in value.into_iter().chain(attributes.iter().map(|a| &a.value)) {
            pattern_variables(pattern, &mut variables);
        }
        variables.sort();
        variables.dedup();
        out.push(FtlEntry {
            id,
            line,
            variables,
        });
    }
    out
}

fn pattern_variables(pattern: &fluent_syntax::ast::Pattern<&str>, out: &mut Vec<String>) {
    use fluent_syntax::ast::PatternElement;
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &fluent_syntax::ast::Expression<&str>, out: &mut Vec<String>) {
    use fluent_syntax::ast::Expression;
    match expression {
        Expression::Inline(inline) => inline_variables(inline, out),
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                pattern_variables(&v.value, out);
            }
        }
    }
}

fn inline_variables(inline: &fluent_syntax::ast::InlineExpression<&str>, out: &mut Vec<String>) {
    use fluent_syntax::ast::InlineExpression;
    match inline {
        InlineExpression::VariableReference { id } => out.push(id.name.to_string()),
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_variables(a, out);
            }
            for a in &arguments.named {
                inline_variables(&a.value, out);
            }
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        // Arguments of a term reference are the term's own, not the message's.
        _ => {}
    }
}

/// Offset of a slice borrowed from `text`.
fn offset_of(text: &str, slice: &str) -> Option<usize> {
    let start = (slice.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (start <= text.len()).then_some(start)
}

/// The `.ftl` files of one language folder, sorted, with their text.
pub fn read_lang_dir(dir: &Path) -> std::io::Result<Vec<(std::path::PathBuf, String)>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ftl") && p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| std::fs::read_to_string(&p).map(|t| (p, t)))
        .collect()
}

/// All translations, one bundle per language. `Send + Sync`: share one behind an `Arc`.
pub struct Localizer {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl fmt::Debug for Localizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Localizer")
            .field("langs", &self.langs())
            .finish()
    }
}

impl Localizer {
    /// Loads `locales_dir/<lang>/*.ftl` for every language. A missing folder, a syntax error or
    /// a message defined twice in one language is an error (`gradtrace surveys check` lists
    /// them all).
    pub fn load(locales_dir: &Path) -> Result<Localizer> {
        let mut sources = Vec::new();
        for lang in Lang::ALL {
            let dir = locales_dir.join(lang.as_str());
            let files = read_lang_dir(&dir).map_err(|e| {
                Error::Locale(format!("{}: cannot read translations: {e}", dir.display()))
            })?;
            for (path, text) in files {
                sources.push((lang, path.display().to_string(), text));
            }
        }
        Localizer::from_sources(sources)
    }

    /// Builds the bundles from (language, file name, FTL text) triples.
    pub fn from_sources(sources: Vec<(Lang, String, String)>) -> Result<Localizer> {
        let mut bundles: Vec<(Lang, FluentBundle<FluentResource>)> = Lang::ALL
            .into_iter()
            .map(|lang| {
                let id: unic_langid::LanguageIdentifier = match lang {
                    Lang::ZhCn => unic_langid::langid!("zh-CN"),
                    Lang::En => unic_langid::langid!("en"),
                };
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // No Unicode isolation marks: they show up as garbage in chat apps and forms.
                bundle.set_use_isolating(false);
                (lang, bundle)
            })
            .collect();
        let mut problems = Vec::new();
        for (lang, name, text) in sources {
            let (resource, errors) = parse_ftl(text);
            for e in errors {
                problems.push(format!("{name}:{}: {}", e.line, e.message));
            }
            let Some((_, bundle)) = bundles.iter_mut().find(|(l, _)| *l == lang) else {
                continue;
            };
            if let Err(errors) = bundle.add_resource(resource) {
                for e in errors {
                    problems.push(format!("{name}: {e}"));
                }
            }
        }
        if problems.is_empty() {
            Ok(Localizer { bundles })
        } else {
            Err(Error::Locale(problems.join("\n")))
        }
    }

    pub fn langs(&self) -> Vec<Lang> {
        self.bundles.iter().map(|(l, _)| *l).collect()
    }

    fn bundle(&self, lang: Lang) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, b)| b)
    }

    /// The best language for an `Accept-Language` header; zh-CN when nothing matches.
    pub fn negotiate(&self, accept_language: Option<&str>) -> Lang {
        use fluent_langneg::{NegotiationStrategy, negotiate_languages, parse_accepted_languages};
        let Some(header) = accept_language else {
            return Lang::FALLBACK;
        };
        let requested = parse_accepted_languages(header);
        let available: Vec<fluent_langneg::LanguageIdentifier> = self
            .langs()
            .iter()
            .filter_map(|l| l.as_str().parse().ok())
            .collect();
        let chosen =
            negotiate_languages(&requested, &available, None, NegotiationStrategy::Filtering);
        chosen
            .first()
            .and_then(|id| id.to_string().parse().ok())
            .unwrap_or(Lang::FALLBACK)
    }

    /// Whether a language has the message itself (no fallback).
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundle(lang).is_some_and(|b| b.has_message(key))
    }

    /// Formats a message in `lang`, else in zh-CN, else returns the id. Never panics; a missing
    /// variable shows as `{$name}` rather than failing.
    pub fn format(&self, lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
        for l in [lang, Lang::FALLBACK] {
            let Some(bundle) = self.bundle(l) else {
                continue;
            };
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        key.to_string()
    }

    /// Formats an attribute of a message (`.title`), when the message has it.
    pub fn format_attribute(&self, lang: Lang, key: &str, attribute: &str) -> Option<String> {
        for l in [lang, Lang::FALLBACK] {
            let Some(bundle) = self.bundle(l) else {
                continue;
            };
            if let Some(attr) = bundle
                .get_message(key)
                .and_then(|m| m.get_attribute(attribute))
            {
                let mut errors = Vec::new();
                return Some(
                    bundle
                        .format_pattern(attr.value(), None, &mut errors)
                        .into_owned(),
                );
            }
        }
        None
    }

    /// Formats with plain string arguments (validation messages' arguments).
    pub fn format_with(&self, lang: Lang, key: &str, args: &[(String, String)]) -> String {
        let mut fluent = FluentArgs::new();
        for (k, v) in args {
            // Numbers go in as numbers so plural selectors work (`{ $min -> [one] … }`).
            match v.parse::<f64>() {
                Ok(n) if !v.is_empty() => fluent.set(k.clone(), FluentValue::from(n)),
                _ => fluent.set(k.clone(), FluentValue::from(v.clone())),
            }
        }
        self.format(lang, key, Some(&fluent))
    }

    /// Fluent arguments from the engine's piped values, choice labels localised.
    pub fn piped_args(&self, lang: Lang, args: &[(String, PipeValue)]) -> FluentArgs<'static> {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            let v: FluentValue<'static> = match value {
                PipeValue::Text(t) => FluentValue::from(t.clone()),
                PipeValue::Number(n) => FluentValue::from(*n),
                PipeValue::Message(key) => FluentValue::from(self.format(lang, key, None)),
                PipeValue::Messages(keys) => FluentValue::from(
                    keys.iter()
                        .map(|k| self.format(lang, k, None))
                        .collect::<Vec<_>>()
                        .join(lang.list_separator()),
                ),
                PipeValue::Names { zh, en } => FluentValue::from(match lang {
                    Lang::ZhCn => zh.clone(),
                    Lang::En => en.clone(),
                }),
            };
            fluent.set(name.clone(), v);
        }
        fluent
    }

    /// Formats a survey text with the engine's piped values (`Engine::message_args`).
    pub fn format_piped(&self, lang: Lang, key: &str, args: &[(String, PipeValue)]) -> String {
        let fluent = self.piped_args(lang, args);
        self.format(lang, key, Some(&fluent))
    }
}
