//! Loading a folder of survey definitions into a `Catalog`: the surveys, the shared choice lists
//! and the regions, with every problem reported as `FILE:LINE: message`.
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::answer::Answer;
use super::choices::{ChoiceFile, ChoiceList, ChoiceOption, CityTier, Regions, Zone};
use super::def::{ChoiceSource, Question, Stage, Survey};

/// The file of shared choice lists inside the surveys folder.
pub const CHOICES_FILE: &str = "choices.toml";
/// The file of provinces and cities inside the surveys folder.
pub const REGIONS_FILE: &str = "regions.toml";

/// One problem found in a definition or translation file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn new(file: &Path, line: Option<usize>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// The survey folder could not be loaded; every problem found, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// A file as read, kept by the checker to find lines.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Everything loaded from a surveys folder.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Shared, so a respondent's session holds the definition without copying it.
    surveys: BTreeMap<String, Arc<Survey>>,
    lists: BTreeMap<String, ChoiceList>,
    regions: Regions,
}

impl Catalog {
    /// Loads and checks a folder: `choices.toml`, `regions.toml` and one `<id>.toml` per survey.
    /// Fails with every problem of the definitions (translations are checked by
    /// `check::check_dir`, which also needs the locales).
    pub fn load(dir: &Path) -> Result<Catalog, LoadError> {
        let (catalog, files, mut problems) = read_dir(dir);
        if problems.is_empty() {
            problems = super::check::structure(&catalog, &files);
        }
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(LoadError { problems })
        }
    }

    /// A catalog from definitions already in memory (tests, snapshots). Not checked.
    pub fn from_parts(surveys: Vec<Survey>, choices: ChoiceFile, regions: Regions) -> Catalog {
        Catalog {
            surveys: surveys
                .into_iter()
                .map(|s| (s.id.clone(), Arc::new(s)))
                .collect(),
            lists: choices.lists,
            regions,
        }
    }

    pub fn survey(&self, id: &str) -> Option<&Survey> {
        self.surveys.get(id).map(|s| &**s)
    }

    /// The survey `id`, shared.
    pub fn survey_shared(&self, id: &str) -> Option<Arc<Survey>> {
        self.surveys.get(id).cloned()
    }

    /// Every survey, by id.
    pub fn surveys(&self) -> impl Iterator<Item = &Survey> {
        self.surveys.values().map(|s| &**s)
    }

    /// The survey of a stage (the first by id, should there be several).
    pub fn survey_for_stage(&self, stage: Stage) -> Option<&Survey> {
        self.surveys
            .values()
            .map(|s| &**s)
            .find(|s| s.stage == stage)
    }

    pub fn list(&self, id: &str) -> Option<&ChoiceList> {
        self.lists.get(id)
    }

    pub fn lists(&self) -> &BTreeMap<String, ChoiceList> {
        &self.lists
    }

    pub fn regions(&self) -> &Regions {
        &self.regions
    }

    /// Zone and city tier of a region answer.
    pub fn region_class(&self, answer: &Answer) -> Option<(Zone, CityTier)> {
        self.regions.class(answer)
    }

    /// The options of a choice question, inline or from its shared list, with their label
    /// messages. Empty for other kinds (and for an unknown list, which the checker reports).
    pub fn options(&self, survey: &Survey, question: &Question) -> Vec<ChoiceOption> {
        match question.kind.choices() {
            Some((ChoiceSource::Inline(options), _)) => options
                .iter()
                .map(|o| ChoiceOption {
                    id: o.clone(),
                    label_key: format!("{}-{}-opt-{}", survey.id, question.id, o),
                })
                .collect(),
            Some((ChoiceSource::List(list), _)) => self
                .lists
                .get(list)
                .map(|l| {
                    l.options
                        .iter()
                        .map(|o| ChoiceOption {
                            id: o.clone(),
                            label_key: format!("choice-{list}-{o}"),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// The option of a choice question that asks "please specify": the question's own, else its
    /// shared list's.
    pub fn other_option<'a>(&'a self, question: &'a Question) -> Option<&'a str> {
        match question.kind.choices()? {
            (_, Some(other)) => Some(other),
            (ChoiceSource::List(list), None) => self.lists.get(list)?.other.as_deref(),
            (ChoiceSource::Inline(_), None) => None,
        }
    }

    /// The label message of one option of a choice question.
    pub fn option_label_key(&self, survey: &Survey, question: &Question, option: &str) -> String {
        match question.kind.choices() {
            Some((ChoiceSource::List(list), _)) => format!("choice-{list}-{option}"),
            _ => format!("{}-{}-opt-{}", survey.id, question.id, option),
        }
    }
}

/// Parses one TOML file, reporting a syntax error or a structure error with its line.
pub fn parse_toml<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Problem> {
    if let Err(e) = file.text.parse::<toml::Table>() {
        let line = e.span().map(|s| line_of(&file.text, s.start));
        return Err(Problem::new(
            &file.path,
            line,
            format!("TOML syntax error: {}", e.message().trim()),
        ));
    }
    toml::from_str(&file.text).map_err(|e| {
        let line = e.span().map(|s| line_of(&file.text, s.start));
        Problem::new(&file.path, line, e.message().trim().to_string())
    })
}

/// Reads a folder without checking it beyond parsing: the catalog of what parsed, the files as
/// read, and the problems met.
pub fn read_dir(dir: &Path) -> (Catalog, Vec<SourceFile>, Vec<Problem>) {
    let mut catalog = Catalog::default();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Problem::new(dir, None, format!("cannot read folder: {e}")));
            return (catalog, files, problems);
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(Problem::new(&path, None, format!("cannot read file: {e}")));
                continue;
            }
        };
        let file = SourceFile { path, text };
        let name = file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match name.as_str() {
            CHOICES_FILE => match parse_toml::<ChoiceFile>(&file) {
                Ok(choices) => catalog.lists = choices.lists,
                Err(p) => problems.push(p),
            },
            REGIONS_FILE => match parse_toml::<Regions>(&file) {
                Ok(regions) => catalog.regions = regions,
                Err(p) => problems.push(p),
            },
            _ => match parse_toml::<Survey>(&file) {
                Ok(survey) => {
                    let stem = name.trim_end_matches(".toml");
                    if survey.id != stem {
                        let line = find_key_line(&file.text, "id", &survey.id, 0);
                        problems.push(Problem::new(
                            &file.path,
                            line,
                            format!(
                                "survey id `{}` differs from the file name `{name}` (expected `{stem}`)",
                                survey.id
                            ),
                        ));
                    }
                    catalog.surveys.insert(survey.id.clone(), Arc::new(survey));
                }
                Err(mut p) => {
                    // Settings checked as a whole question point at the whole array of
                    // questions; find the question (and the setting) named in the message.
                    if let Some(line) =
                        super::check::locate_question_message(&file.text, &p.message)
                    {
                        p.line = Some(line);
                    }
                    problems.push(p)
                }
            },
        }
        files.push(file);
    }
    (catalog, files, problems)
}

/// Line of the `nth` (0-based) line reading `key = "value"` (spaces optional), if any.
pub fn find_key_line(text: &str, key: &str, value: &str, nth: usize) -> Option<usize> {
    let quoted = format!("\"{value}\"");
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::trim_start)
                .is_some_and(|rest| rest.starts_with(&quoted))
        })
        .nth(nth)
        .map(|(i, _)| i + 1)
}
