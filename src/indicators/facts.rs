//! From tagged answers to a compact per-person fact record. The indicators never read question
//! ids: each survey version's questions are mapped once to their tags (`Extractor`), and a
//! response's answers become a `Facts` (graduate stages) or `EmployerFacts` (employer survey).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::survey::{
    Answer, Answers, CityTier, Qualifier, QuestionKind, Regions, Scale, Stage, Survey, Tag,
    YearMonth, Zone,
};

/// The destination options of the `destination_type` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    Employed,
    Flexible,
    SelfEmployed,
    FurtherStudy,
    StudyAbroad,
    SlowEmployment,
    Unemployed,
}

impl Destination {
    pub const ALL: [Destination; 7] = [
        Destination::Employed,
        Destination::Flexible,
        Destination::SelfEmployed,
        Destination::FurtherStudy,
        Destination::StudyAbroad,
        Destination::SlowEmployment,
        Destination::Unemployed,
    ];

    pub fn as_str(self) -> &'static str {
        crate::survey::tag::DESTINATION_TYPES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Destination> {
        Destination::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Placed in the broad sense: every destination except slow employment and unemployment.
    pub fn placed(self) -> bool {
        !matches!(self, Destination::SlowEmployment | Destination::Unemployed)
    }

    /// Working (employed, flexible, self-employed): the people job questions are asked of.
    pub fn working(self) -> bool {
        matches!(
            self,
            Destination::Employed | Destination::Flexible | Destination::SelfEmployed
        )
    }
}

/// What one graduate's response at one stage says, in the indicators' terms. Every field is
/// optional: a skipped or hidden question leaves it empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub destination: Option<Destination>,
    /// Month the destination began (`employment_status_date`).
    pub start: Option<YearMonth>,
    pub employer_type: Option<String>,
    pub industry: Option<String>,
    pub zone: Option<Zone>,
    pub tier: Option<CityTier>,
    /// Province code of the work region (for the price index).
    pub province: Option<String>,
    pub salary: Option<f64>,
    /// Ratings on the common 0–100 scale.
    pub major_match: Option<f64>,
    pub interest_match: Option<f64>,
    pub job_satisfaction: Option<f64>,
    pub job_changes: Option<f64>,
    pub leave_reasons: Vec<String>,
    pub industry_changed: Option<bool>,
    pub promoted: Option<bool>,
    pub years_to_promotion: Option<f64>,
    pub management_role: Option<String>,
    pub further_degree: Option<String>,
    pub certificates: Option<f64>,
    pub training: Option<bool>,
    pub startup_active: Option<bool>,
    pub startup_funding: Option<String>,
    pub patents: Option<f64>,
    pub improvement_proposals: Option<f64>,
    pub slow_causes: Vec<String>,
}

/// Employer-rated dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Ethics,
    Skill,
    Teamwork,
    Learning,
    Overall,
    JobFit,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::Ethics,
        Dimension::Skill,
        Dimension::Teamwork,
        Dimension::Learning,
        Dimension::Overall,
        Dimension::JobFit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Ethics => "ethics",
            Dimension::Skill => "skill",
            Dimension::Teamwork => "teamwork",
            Dimension::Learning => "learning",
            Dimension::Overall => "overall",
            Dimension::JobFit => "job_fit",
        }
    }

    fn of(tag: Tag) -> Option<Dimension> {
        Some(match tag {
            Tag::EmployerSatisfactionEthics => Dimension::Ethics,
            Tag::EmployerSatisfactionSkill => Dimension::Skill,
            Tag::EmployerSatisfactionTeamwork => Dimension::Teamwork,
            Tag::EmployerSatisfactionLearning => Dimension::Learning,
            Tag::EmployerSatisfactionOverall => Dimension::Overall,
            Tag::EmployerJobFit => Dimension::JobFit,
            _ => return None,
        })
    }
}

/// What one employer's response says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmployerFacts {
    /// Ratings on the common 0–100 scale, by dimension and job level (`None`: no level).
    pub ratings: BTreeMap<(Dimension, Option<Qualifier>), f64>,
    /// `yes`, `no` or `unsure`.
    pub rehire: Option<String>,
}

/// A rating on the common 0–100 scale: the scale's range mapped linearly (5-point: 1 → 0,
/// 3 → 50, 5 → 100; 100-point as given).
pub fn to_common_scale(rating: f64, scale: Scale) -> f64 {
    let (lo, hi) = scale.range();
    let (lo, hi) = (f64::from(lo), f64::from(hi));
    ((rating - lo) / (hi - lo) * 100.0).clamp(0.0, 100.0)
}

/// One tagged question of a survey version.
#[derive(Debug, Clone)]
struct Tagged {
    question: String,
    tag: Tag,
    qualifier: Option<Qualifier>,
    scale: Option<Scale>,
}

/// The tagged questions of one survey version, found once and applied to many responses.
#[derive(Debug, Clone)]
pub struct Extractor {
    pub stage: Stage,
    tagged: Vec<Tagged>,
}

fn choice(a: &Answer) -> Option<&str> {
    match a {
        Answer::Choice { choice, .. } => Some(choice),
        _ => None,
    }
}

fn choices(a: &Answer) -> Vec<String> {
    match a {
        Answer::Choices { choices, .. } => choices.clone(),
        Answer::Choice { choice, .. } => vec![choice.clone()],
        _ => vec![],
    }
}

fn yes_no(a: &Answer) -> Option<bool> {
    match choice(a)? {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn number(a: &Answer) -> Option<f64> {
    a.as_number().filter(|n| n.is_finite())
}

fn union(into: &mut Vec<String>, more: Vec<String>) {
    for m in more {
        if !into.contains(&m) {
            into.push(m);
        }
    }
}

impl Extractor {
    pub fn new(survey: &Survey) -> Extractor {
        let tagged = survey
            .questions()
            .filter_map(|q| {
                let tag = q.tag?;
                let scale = match &q.kind {
                    QuestionKind::Rating { scale } => Some(*scale),
                    _ => None,
                };
                Some(Tagged {
                    question: q.id.clone(),
                    tag,
                    qualifier: q.qualifier,
                    scale,
                })
            })
            .collect();
        Extractor {
            stage: survey.stage,
            tagged,
        }
    }

    /// The tagged answers, skipping absent and skipped ones.
    fn answered<'a>(
        &'a self,
        answers: &'a Answers,
    ) -> impl Iterator<Item = (&'a Tagged, &'a Answer)> + 'a {
        self.tagged.iter().filter_map(|t| {
            let a = answers.get(&t.question)?;
            (!a.is_skipped()).then_some((t, a))
        })
    }

    fn rating(t: &Tagged, a: &Answer) -> Option<f64> {
        Some(to_common_scale(
            number(a)?,
            t.scale.unwrap_or(Scale::Likert5),
        ))
    }

    /// A graduate's facts.
    pub fn facts(&self, answers: &Answers, regions: &Regions) -> Facts {
        let mut f = Facts::default();
        for (t, a) in self.answered(answers) {
            match t.tag {
                Tag::DestinationType => f.destination = choice(a).and_then(Destination::parse),
                Tag::EmploymentStatusDate => f.start = a.as_year_month(),
                Tag::EmployerType => f.employer_type = choice(a).map(str::to_string),
                Tag::Industry => f.industry = choice(a).map(str::to_string),
                Tag::Region => {
                    if let Some((zone, tier)) = regions.class(a) {
                        f.zone = Some(zone);
                        f.tier = Some(tier);
                    }
                    if let Answer::Region { province, .. } = a {
                        f.province = Some(province.clone());
                    }
                }
                Tag::MonthlySalary => f.salary = number(a).filter(|s| *s > 0.0),
                Tag::MajorMatch => f.major_match = Self::rating(t, a),
                Tag::InterestMatch => f.interest_match = Self::rating(t, a),
                Tag::JobSatisfaction => f.job_satisfaction = Self::rating(t, a),
                Tag::JobChanges => f.job_changes = number(a),
                Tag::LeaveReasons => union(&mut f.leave_reasons, choices(a)),
                Tag::IndustryChanged => f.industry_changed = yes_no(a),
                Tag::Promoted => f.promoted = yes_no(a),
                Tag::YearsToPromotion => f.years_to_promotion = number(a),
                Tag::ManagementRole => f.management_role = choice(a).map(str::to_string),
                Tag::FurtherDegree => f.further_degree = choice(a).map(str::to_string),
                Tag::Certificates => f.certificates = number(a),
                Tag::Training => f.training = yes_no(a),
                Tag::StartupActive => f.startup_active = yes_no(a),
                Tag::StartupFunding => f.startup_funding = choice(a).map(str::to_string),
                Tag::Patents => f.patents = number(a),
                Tag::ImprovementProposals => f.improvement_proposals = number(a),
                Tag::SlowEmploymentCauses => union(&mut f.slow_causes, choices(a)),
                _ => {}
            }
        }
        f
    }

    /// The answer to the work-region question, if given (kept raw in the fact table, so zone
    /// and city tier follow the current regions file).
    pub fn region<'a>(&'a self, answers: &'a Answers) -> Option<&'a Answer> {
        self.answered(answers)
            .find(|(t, _)| t.tag == Tag::Region)
            .map(|(_, a)| a)
    }

    /// An employer's facts.
    pub fn employer_facts(&self, answers: &Answers) -> EmployerFacts {
        let mut f = EmployerFacts::default();
        for (t, a) in self.answered(answers) {
            if let Some(d) = Dimension::of(t.tag) {
                if let Some(r) = Self::rating(t, a) {
                    f.ratings.insert((d, t.qualifier), r);
                }
            } else if t.tag == Tag::RehireWillingness {
                f.rehire = choice(a).map(str::to_string);
            }
        }
        f
    }
}
