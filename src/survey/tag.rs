//! The indicator tag vocabulary, defined once: what an answer means to the indicators, which
//! kind of question (and which choice list) each tag may sit on, and which tags are unique.
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::def::Kind;

/// Options of the `destination_type` list, exactly (the indicators read them).
pub const DESTINATION_TYPES: [&str; 7] = [
    "employed",
    "flexible",
    "self_employed",
    "further_study",
    "study_abroad",
    "slow_employment",
    "unemployed",
];

/// Options of the `job_level` list, exactly (employer ratings are read per level).
pub const JOB_LEVELS: [&str; 3] = ["junior", "middle", "senior"];

/// Shared lists whose options the code relies on, with those options.
pub const REQUIRED_LISTS: [(&str, &[&str]); 2] = [
    ("destination_type", &DESTINATION_TYPES),
    ("job_level", &JOB_LEVELS),
];

/// Job level of an employer's per-level rating.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Junior,
    Middle,
    Senior,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Junior => "junior",
            Qualifier::Middle => "middle",
            Qualifier::Senior => "senior",
        }
    }
}

/// An indicator tag. Serialised in snake_case (`destination_type`, `startup_active`, …).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    // Graduate surveys.
    DestinationType,
    EmploymentStatusDate,
    AgreementSigned,
    JobSearchMonths,
    JobOffers,
    EmployerName,
    EmployerType,
    Industry,
    Region,
    JobTitle,
    MonthlySalary,
    MajorMatch,
    InterestMatch,
    JobSatisfaction,
    SkillsUse,
    JobChanges,
    LeaveReasons,
    IndustryChanged,
    Promoted,
    YearsToPromotion,
    ManagementRole,
    TechnicalAchievements,
    FurtherDegree,
    Certificates,
    Training,
    StartupActive,
    StartupFunding,
    StartupEmployees,
    Patents,
    ImprovementProposals,
    SlowEmploymentCauses,
    Influence,
    // Employer survey.
    EmployerGraduatesHired,
    JobLevel,
    EmployerSatisfactionEthics,
    EmployerSatisfactionSkill,
    EmployerSatisfactionTeamwork,
    EmployerSatisfactionLearning,
    EmployerSatisfactionOverall,
    EmployerJobFit,
    SkillGaps,
    RehireWillingness,
}

/// What a tag requires of the options of its (choice) question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionsRule {
    /// Any options.
    Any,
    /// The options must include these (e.g. `yes` and `no`).
    Include(&'static [&'static str]),
}

impl Tag {
    pub const ALL: [Tag; 42] = [
        Tag::DestinationType,
        Tag::EmploymentStatusDate,
        Tag::AgreementSigned,
        Tag::JobSearchMonths,
        Tag::JobOffers,
        Tag::EmployerName,
        Tag::EmployerType,
        Tag::Industry,
        Tag::Region,
        Tag::JobTitle,
        Tag::MonthlySalary,
        Tag::MajorMatch,
        Tag::InterestMatch,
        Tag::JobSatisfaction,
        Tag::SkillsUse,
        Tag::JobChanges,
        Tag::LeaveReasons,
        Tag::IndustryChanged,
        Tag::Promoted,
        Tag::YearsToPromotion,
        Tag::ManagementRole,
        Tag::TechnicalAchievements,
        Tag::FurtherDegree,
        Tag::Certificates,
        Tag::Training,
        Tag::StartupActive,
        Tag::StartupFunding,
        Tag::StartupEmployees,
        Tag::Patents,
        Tag::ImprovementProposals,
        Tag::SlowEmploymentCauses,
        Tag::Influence,
        Tag::EmployerGraduatesHired,
        Tag::JobLevel,
        Tag::EmployerSatisfactionEthics,
        Tag::EmployerSatisfactionSkill,
        Tag::EmployerSatisfactionTeamwork,
        Tag::EmployerSatisfactionLearning,
        Tag::EmployerSatisfactionOverall,
        Tag::EmployerJobFit,
        Tag::SkillGaps,
        Tag::RehireWillingness,
    ];

    /// The snake_case name, as written in survey files.
    pub fn as_str(self) -> &'static str {
        use Tag::*;
        match self {
            DestinationType => "destination_type",
            EmploymentStatusDate => "employment_status_date",
            AgreementSigned => "agreement_signed",
            JobSearchMonths => "job_search_months",
            JobOffers => "job_offers",
            EmployerName => "employer_name",
            EmployerType => "employer_type",
            Industry => "industry",
            Region => "region",
            JobTitle => "job_title",
            MonthlySalary => "monthly_salary",
            MajorMatch => "major_match",
            InterestMatch => "interest_match",
            JobSatisfaction => "job_satisfaction",
            SkillsUse => "skills_use",
            JobChanges => "job_changes",
            LeaveReasons => "leave_reasons",
            IndustryChanged => "industry_changed",
            Promoted => "promoted",
            YearsToPromotion => "years_to_promotion",
            ManagementRole => "management_role",
            TechnicalAchievements => "technical_achievements",
            FurtherDegree => "further_degree",
            Certificates => "certificates",
            Training => "training",
            StartupActive => "startup_active",
            StartupFunding => "startup_funding",
            StartupEmployees => "startup_employees",
            Patents => "patents",
            ImprovementProposals => "improvement_proposals",
            SlowEmploymentCauses => "slow_employment_causes",
            Influence => "influence",
            EmployerGraduatesHired => "employer_graduates_hired",
            JobLevel => "job_level",
            EmployerSatisfactionEthics => "employer_satisfaction_ethics",
            EmployerSatisfactionSkill => "employer_satisfaction_skill",
            EmployerSatisfactionTeamwork => "employer_satisfaction_teamwork",
            EmployerSatisfactionLearning => "employer_satisfaction_learning",
            EmployerSatisfactionOverall => "employer_satisfaction_overall",
            EmployerJobFit => "employer_job_fit",
            SkillGaps => "skill_gaps",
            RehireWillingness => "rehire_willingness",
        }
    }

    /// The question kinds the tag may sit on.
    pub fn allowed_kinds(self) -> &'static [Kind] {
        use Tag::*;
        match self {
            DestinationType | AgreementSigned | EmployerType | Industry | IndustryChanged
            | Promoted | ManagementRole | FurtherDegree | Training | StartupActive
            | StartupFunding | RehireWillingness => &[Kind::SingleChoice],
            EmploymentStatusDate => &[Kind::YearMonth],
            JobSearchMonths
            | JobOffers
            | MonthlySalary
            | JobChanges
            | YearsToPromotion
            | Certificates
            | StartupEmployees
            | Patents
            | ImprovementProposals
            | EmployerGraduatesHired => &[Kind::Number],
            EmployerName | JobTitle => &[Kind::Text],
            Region => &[Kind::Region],
            MajorMatch
            | InterestMatch
            | JobSatisfaction
            | SkillsUse
            | EmployerSatisfactionEthics
            | EmployerSatisfactionSkill
            | EmployerSatisfactionTeamwork
            | EmployerSatisfactionLearning
            | EmployerSatisfactionOverall
            | EmployerJobFit => &[Kind::Rating],
            LeaveReasons
            | TechnicalAchievements
            | SlowEmploymentCauses
            | Influence
            | JobLevel
            | SkillGaps => &[Kind::MultipleChoice],
        }
    }

    /// The shared list the question must use, when the indicators read its options.
    pub fn required_list(self) -> Option<&'static str> {
        use Tag::*;
        match self {
            DestinationType => Some("destination_type"),
            EmployerType => Some("employer_type"),
            Industry => Some("industry"),
            LeaveReasons => Some("leave_reason"),
            ManagementRole => Some("management_role"),
            FurtherDegree => Some("further_degree"),
            StartupFunding => Some("startup_funding"),
            SlowEmploymentCauses => Some("slow_cause"),
            JobLevel => Some("job_level"),
            SkillGaps => Some("skill_gap"),
            _ => None,
        }
    }

    /// Options the question must offer (yes/no questions).
    pub fn options_rule(self) -> OptionsRule {
        use Tag::*;
        match self {
            AgreementSigned | IndustryChanged | Promoted | Training | StartupActive => {
                OptionsRule::Include(&["yes", "no"])
            }
            RehireWillingness => OptionsRule::Include(&["yes", "no", "unsure"]),
            _ => OptionsRule::Any,
        }
    }

    /// At most one question per survey carries a unique tag (per qualifier for the employer's
    /// per-level ratings), so the indicators read one answer. Tags on "pick all that apply"
    /// questions and free text may repeat: the indicators take their union.
    pub fn unique(self) -> bool {
        use Tag::*;
        !matches!(
            self,
            JobTitle
                | LeaveReasons
                | TechnicalAchievements
                | SlowEmploymentCauses
                | Influence
                | SkillGaps
        )
    }

    /// Tags that are read per job level and so may (and should) carry a `qualifier`.
    pub fn takes_qualifier(self) -> bool {
        use Tag::*;
        matches!(
            self,
            EmployerSatisfactionEthics
                | EmployerSatisfactionSkill
                | EmployerSatisfactionTeamwork
                | EmployerSatisfactionLearning
                | EmployerSatisfactionOverall
                | EmployerJobFit
        )
    }

    /// Tags that only make sense in the employer survey.
    pub fn employer_only(self) -> bool {
        use Tag::*;
        matches!(
            self,
            EmployerGraduatesHired
                | JobLevel
                | EmployerSatisfactionEthics
                | EmployerSatisfactionSkill
                | EmployerSatisfactionTeamwork
                | EmployerSatisfactionLearning
                | EmployerSatisfactionOverall
                | EmployerJobFit
                | SkillGaps
                | RehireWillingness
        )
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
