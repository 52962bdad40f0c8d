//! Made-up but plausible answers: what one demo respondent says to each question the engine asks
//! next. Answers follow the question's meaning (its indicator tag, or its id for the few untagged
//! ones): destinations by degree level, salaries log-normal by degree, department, region and
//! years since graduation, ratings skewed to 3–5, months between graduation and "today",
//! regions weighted to the east and to big cities, and earlier stages' answers carried on. Any
//! other question gets an answer that only respects its own bounds. The engine still judges
//! every answer: one it refuses is simply not saved.
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::people::{EmployerRow, weighted};
use crate::survey::{
    Answer, Answers, Context, Engine, MonthBound, Question, QuestionKind, Scale, Stage, Tag,
    YearMonth,
};

/// One respondent's answering habits and what they have settled on so far.
pub struct Respondent<'a> {
    rng: StdRng,
    stage: Stage,
    /// The demo's employers: some graduates work for one of them.
    employers: &'a [EmployerRow],
    /// Showcase respondents are made to take a given branch.
    force_destination: Option<&'static str>,
    /// The job decided when the employer's name was asked, so type, industry and place agree.
    job: Option<Job>,
}

/// Where a graduate works, decided once.
#[derive(Clone, Debug)]
struct Job {
    employer_type: &'static str,
    industry: &'static str,
    /// Province and city codes, when the employer is one of the demo's.
    place: Option<(String, String)>,
}

/// Ratings on the 5-point scale: mostly 4, rarely 1 or 2.
const LIKERT_GRADUATE: [(u32, f64); 5] = [(1, 3.0), (2, 7.0), (3, 22.0), (4, 40.0), (5, 28.0)];
const LIKERT_EMPLOYER: [(u32, f64); 5] = [(1, 1.0), (2, 4.0), (3, 18.0), (4, 45.0), (5, 32.0)];

impl<'a> Respondent<'a> {
    pub fn new(
        rng: StdRng,
        stage: Stage,
        employers: &'a [EmployerRow],
        force_destination: Option<&'static str>,
    ) -> Respondent<'a> {
        Respondent {
            rng,
            stage,
            employers,
            force_destination,
            job: None,
        }
    }

    /// How long the respondent takes over one question, in seconds.
    pub fn think_seconds(&mut self) -> i64 {
        self.rng.random_range(8..=75)
    }

    /// The answer this respondent gives to `q`, knowing their roster, earlier stages and
    /// answers so far.
    pub fn answer(
        &mut self,
        engine: &Engine<'_>,
        q: &Question,
        ctx: &Context,
        answers: &Answers,
    ) -> Answer {
        if !q.required && self.passes_over(q) {
            return Answer::Skipped;
        }
        if let Some(a) = self.confirm_suggestion(engine, q, ctx, answers) {
            return a;
        }
        let answer = match self.by_meaning(engine, q, ctx, answers) {
            Some(a) => a,
            None => return self.any_valid(engine, q, ctx),
        };
        self.with_other_text(engine, q, answer)
    }

    /// Whether an optional question is left blank: free texts mostly are.
    fn passes_over(&mut self, q: &Question) -> bool {
        let p = match &q.kind {
            QuestionKind::Text {
                multiline: true, ..
            } => 0.75,
            QuestionKind::Text { .. } => 0.25,
            _ => 0.2,
        };
        self.rng.random_bool(p)
    }

    /// Most people accept a suggested answer (last stage's employer, say) when it still holds.
    fn confirm_suggestion(
        &mut self,
        engine: &Engine<'_>,
        q: &Question,
        ctx: &Context,
        answers: &Answers,
    ) -> Option<Answer> {
        q.prefill.as_ref()?;
        let suggestion = engine.prefill(q, ctx)?;
        let still_there = match answers.get("still_at_year1_employer") {
            Some(Answer::Choice { choice, .. }) => Some(choice == "yes"),
            _ => None,
        };
        let accept = match (q.tag, still_there) {
            (Some(Tag::EmployerName), Some(still)) => still,
            _ => self.rng.random_bool(0.75),
        };
        accept.then_some(suggestion)
    }

    /// An answer chosen for what the question means; `None` for questions it does not know.
    fn by_meaning(
        &mut self,
        engine: &Engine<'_>,
        q: &Question,
        ctx: &Context,
        answers: &Answers,
    ) -> Option<Answer> {
        use Tag::*;
        let years_out = self.years_out();
        let answer = match q.tag {
            Some(DestinationType) => Answer::choice(self.destination(ctx)),
            Some(EmploymentStatusDate) => Answer::YearMonth(self.status_month(q, ctx, answers)?),
            Some(EmployerName) => Answer::Text(self.employer_name(ctx)),
            Some(EmployerType) => {
                let job = self.job(ctx);
                Answer::choice(job.employer_type)
            }
            Some(Industry) => Answer::choice(self.industry(ctx)),
            Some(Region) => self.region(engine, ctx),
            Some(JobTitle) => Answer::Text(self.job_title(ctx)),
            Some(MonthlySalary) => Answer::Number(self.salary(q, ctx, answers, engine)),
            Some(MajorMatch) | Some(InterestMatch) | Some(SkillsUse) | Some(JobSatisfaction) => {
                self.rating(q, &LIKERT_GRADUATE)
            }
            Some(AgreementSigned) => self.yes_no(0.75),
            Some(StartupActive) => self.yes_no(0.7),
            Some(Training) => self.yes_no(0.6),
            Some(IndustryChanged) => self.yes_no(0.3),
            Some(Promoted) => self.yes_no(if self.stage >= Stage::Year5 { 0.6 } else { 0.4 }),
            Some(YearsToPromotion) => {
                let halves = self.rng.random_range(1..=(years_out.max(1) * 2).min(8));
                self.number(q, f64::from(halves) / 2.0)
            }
            Some(ManagementRole) => self.choice(
                engine,
                q,
                &[
                    ("none", 45.0),
                    ("junior_manager", 32.0),
                    ("middle_manager", 18.0),
                    ("senior_manager", 5.0),
                ],
            )?,
            Some(FurtherDegree) => self.further_degree(engine, q, ctx)?,
            Some(JobSearchMonths) => {
                let m = weighted(
                    &mut self.rng,
                    &[
                        (0, 15.0),
                        (1, 20.0),
                        (2, 22.0),
                        (3, 18.0),
                        (4, 10.0),
                        (6, 10.0),
                        (9, 5.0),
                    ],
                );
                self.number(q, f64::from(m))
            }
            Some(JobOffers) => {
                let n = weighted(
                    &mut self.rng,
                    &[
                        (0, 10.0),
                        (1, 30.0),
                        (2, 28.0),
                        (3, 18.0),
                        (4, 8.0),
                        (6, 6.0),
                    ],
                );
                // Whoever took a job had at least that one offer.
                let employed = matches!(
                    answers.get("destination_type"),
                    Some(Answer::Choice { choice, .. }) if choice == "employed"
                );
                self.number(q, f64::from(if employed { n.max(1) } else { n }))
            }
            Some(JobChanges) => {
                let n = match self.stage {
                    Stage::Year1 => weighted(&mut self.rng, &[(0, 72.0), (1, 23.0), (2, 5.0)]),
                    Stage::Year3 => {
                        weighted(&mut self.rng, &[(0, 45.0), (1, 35.0), (2, 15.0), (3, 5.0)])
                    }
                    _ => weighted(
                        &mut self.rng,
                        &[(0, 35.0), (1, 33.0), (2, 20.0), (3, 9.0), (4, 3.0)],
                    ),
                };
                self.number(q, f64::from(n))
            }
            Some(Certificates) => {
                let n = weighted(
                    &mut self.rng,
                    &[(0, 30.0), (1, 35.0), (2, 20.0), (3, 10.0), (4, 5.0)],
                );
                self.number(q, f64::from(n))
            }
            Some(Patents) => {
                let n = weighted(&mut self.rng, &[(0, 78.0), (1, 12.0), (2, 6.0), (5, 4.0)]);
                self.number(q, f64::from(n))
            }
            Some(ImprovementProposals) => {
                let n = self.rng.random_range(0..=8);
                self.number(q, f64::from(n))
            }
            Some(StartupEmployees) => {
                let n = weighted(
                    &mut self.rng,
                    &[(1, 30.0), (3, 30.0), (8, 25.0), (20, 15.0)],
                );
                self.number(q, f64::from(n))
            }
            Some(EmployerGraduatesHired) => {
                // Zero in the industry-wide round; otherwise a handful, now and then many.
                let n = if self.rng.random_bool(0.08) {
                    0
                } else {
                    weighted(
                        &mut self.rng,
                        &[
                            (1, 25.0),
                            (2, 25.0),
                            (3, 18.0),
                            (5, 14.0),
                            (8, 10.0),
                            (15, 8.0),
                        ],
                    )
                };
                self.number(q, f64::from(n))
            }
            Some(JobLevel) => {
                let mut levels = Vec::new();
                for (level, p) in [("junior", 0.9), ("middle", 0.4), ("senior", 0.1)] {
                    if self.rng.random_bool(p) {
                        levels.push(level);
                    }
                }
                if levels.is_empty() {
                    levels.push("junior");
                }
                Answer::choices(&levels)
            }
            Some(RehireWillingness) => {
                self.choice(engine, q, &[("yes", 72.0), ("unsure", 20.0), ("no", 8.0)])?
            }
            Some(EmployerSatisfactionEthics)
            | Some(EmployerSatisfactionSkill)
            | Some(EmployerSatisfactionTeamwork)
            | Some(EmployerSatisfactionLearning)
            | Some(EmployerSatisfactionOverall)
            | Some(EmployerJobFit) => self.rating(q, &LIKERT_EMPLOYER),
            _ => return self.by_id(engine, q, ctx, answers),
        };
        Some(answer)
    }

    /// Untagged questions of the five questionnaires whose answers should look real.
    fn by_id(
        &mut self,
        engine: &Engine<'_>,
        q: &Question,
        ctx: &Context,
        answers: &Answers,
    ) -> Option<Answer> {
        let answer = match q.id.as_str() {
            "study_institution" => Answer::Text(self.institution(answers)),
            "study_country" => {
                let country = match answers.get("study_institution") {
                    Some(Answer::Text(name)) => {
                        ABROAD.iter().find(|(n, _)| n == name).map(|(_, c)| *c)
                    }
                    _ => None,
                };
                match country {
                    Some(c) => Answer::choice(c),
                    None => self.choice(
                        engine,
                        q,
                        &[
                            ("uk", 30.0),
                            ("us", 20.0),
                            ("hong_kong", 25.0),
                            ("australia", 25.0),
                        ],
                    )?,
                }
            }
            "study_level" => self.study_level(engine, q, ctx)?,
            "grassroots_programme" => self.choice(
                engine,
                q,
                &[
                    ("none", 88.0),
                    ("selected_graduate", 3.0),
                    ("western_plan", 2.0),
                    ("three_supports", 2.0),
                    ("special_post_teacher", 2.0),
                    ("enlisted", 2.0),
                    ("other", 1.0),
                ],
            )?,
            "job_channel" => self.choice(
                engine,
                q,
                &[
                    ("campus_fair", 25.0),
                    ("school_platform", 15.0),
                    ("job_sites", 25.0),
                    ("internship", 15.0),
                    ("public_exam", 8.0),
                    ("referral", 8.0),
                    ("direct", 3.0),
                    ("other", 1.0),
                ],
            )?,
            "still_at_year1_employer" => self.yes_no(0.6),
            "respondent_role" => self.choice(
                engine,
                q,
                &[
                    ("hr", 60.0),
                    ("supervisor", 25.0),
                    ("leader", 12.0),
                    ("other", 3.0),
                ],
            )?,
            "planned_hires" => {
                let n = self.rng.random_range(1..=15);
                self.number(q, f64::from(n))
            }
            "suggestions" => Answer::text(pick(&mut self.rng, &SUGGESTIONS)),
            "comments" => Answer::text(pick(&mut self.rng, &EMPLOYER_COMMENTS)),
            _ => match &q.kind {
                QuestionKind::Rating { .. } => self.rating(q, &LIKERT_GRADUATE),
                _ => return None,
            },
        };
        Some(answer)
    }

    /// An answer that respects only the question's own settings: any option (but rarely the
    /// "please specify" one), a small number within bounds, a month within bounds, a region.
    pub fn any_valid(&mut self, engine: &Engine<'_>, q: &Question, ctx: &Context) -> Answer {
        let other = engine.catalog.other_option(q);
        let options: Vec<String> = engine.options(q).into_iter().map(|o| o.id).collect();
        let answer = match &q.kind {
            QuestionKind::SingleChoice { .. } => {
                let weights: Vec<(&str, f64)> = options
                    .iter()
                    .map(|o| {
                        (
                            o.as_str(),
                            if Some(o.as_str()) == other { 0.3 } else { 1.0 },
                        )
                    })
                    .collect();
                match weights.is_empty() {
                    true => Answer::Skipped,
                    false => Answer::choice(weighted(&mut self.rng, &weights)),
                }
            }
            QuestionKind::MultipleChoice {
                min_picks,
                max_picks,
                exclusive,
                ..
            } => {
                let min = min_picks.unwrap_or(1).max(1) as usize;
                if !exclusive.is_empty() && min <= 1 && self.rng.random_bool(0.2) {
                    Answer::Choices {
                        choices: vec![exclusive[0].clone()],
                        other: None,
                    }
                } else {
                    let mut pool: Vec<&String> = options
                        .iter()
                        .filter(|o| !exclusive.contains(o))
                        .filter(|o| Some(o.as_str()) != other || self.rng.random_bool(0.3))
                        .collect();
                    pool.shuffle(&mut self.rng);
                    let max = (max_picks.unwrap_or(3) as usize).min(pool.len()).max(min);
                    let n = self.rng.random_range(min..=max).min(pool.len());
                    let mut picks: Vec<String> = pool.into_iter().take(n).cloned().collect();
                    // Keep the definition's order, as a form would send them.
                    picks.sort_by_key(|p| options.iter().position(|o| o == p));
                    Answer::Choices {
                        choices: picks,
                        other: None,
                    }
                }
            }
            QuestionKind::Rating { .. } => self.rating(q, &LIKERT_GRADUATE),
            QuestionKind::Number { min, max, .. } => {
                let lo = min.unwrap_or(0.0);
                let hi = max.unwrap_or(lo + 10.0).min(lo + 10.0);
                let x = lo + self.rng.random::<f64>() * (hi - lo).max(0.0);
                self.number(q, x)
            }
            QuestionKind::Text {
                min_length,
                max_length,
                ..
            } => {
                let mut text = String::from("示例回答");
                while (text.chars().count() as u32) < min_length.unwrap_or(0) {
                    text.push('。');
                }
                if let Some(max) = max_length {
                    text = text.chars().take(*max as usize).collect();
                }
                Answer::Text(text)
            }
            QuestionKind::YearMonth { .. } => {
                let (lo, hi) = month_bounds(q, ctx);
                Answer::YearMonth(self.month_between(lo, hi, 1.0))
            }
            QuestionKind::Region => self.region(engine, ctx),
        };
        self.with_other_text(engine, q, answer)
    }

    /// Adds a "please specify" text when the "other" option was picked.
    fn with_other_text(&mut self, engine: &Engine<'_>, q: &Question, answer: Answer) -> Answer {
        let Some(other) = engine.catalog.other_option(q) else {
            return answer;
        };
        let text = OTHER_TEXTS
            .iter()
            .find(|(id, _)| *id == q.id)
            .map_or("其他情况", |(_, t)| *t)
            .to_string();
        match answer {
            Answer::Choice { choice, .. } if choice == other => Answer::Choice {
                choice,
                other: Some(text),
            },
            Answer::Choices { choices, .. } if choices.iter().any(|c| c == other) => {
                Answer::Choices {
                    choices,
                    other: Some(text),
                }
            }
            a => a,
        }
    }

    /// Years between graduation and this stage.
    fn years_out(&self) -> u32 {
        match self.stage {
            Stage::Graduation | Stage::Employer => 0,
            Stage::Year1 => 1,
            Stage::Year3 => 3,
            Stage::Year5 => 5,
        }
    }

    fn yes_no(&mut self, p_yes: f64) -> Answer {
        Answer::choice(if self.rng.random_bool(p_yes) {
            "yes"
        } else {
            "no"
        })
    }

    /// A weighted pick among the options the question really offers (`None` if none of them).
    fn choice(
        &mut self,
        engine: &Engine<'_>,
        q: &Question,
        weights: &[(&'static str, f64)],
    ) -> Option<Answer> {
        let offered: Vec<String> = engine.options(q).into_iter().map(|o| o.id).collect();
        let usable: Vec<(&str, f64)> = weights
            .iter()
            .filter(|(o, _)| offered.iter().any(|x| x == o))
            .copied()
            .collect();
        (!usable.is_empty()).then(|| Answer::choice(weighted(&mut self.rng, &usable)))
    }

    fn rating(&mut self, q: &Question, likert: &[(u32, f64)]) -> Answer {
        match &q.kind {
            QuestionKind::Rating {
                scale: Scale::Score100,
            } => {
                let x = 80.0 + 9.0 * normal(&mut self.rng);
                Answer::Rating(x.round().clamp(40.0, 100.0) as u32)
            }
            _ => Answer::Rating(weighted(&mut self.rng, likert)),
        }
    }

    /// `x` made a valid number for `q`: rounded when whole numbers are asked, within bounds.
    fn number(&self, q: &Question, x: f64) -> Answer {
        let QuestionKind::Number {
            min, max, integer, ..
        } = &q.kind
        else {
            return Answer::Number(x);
        };
        let mut x = if *integer {
            x.round()
        } else {
            (x * 10.0).round() / 10.0
        };
        if let Some(lo) = min {
            x = x.max(*lo);
        }
        if let Some(hi) = max {
            x = x.min(*hi);
        }
        Answer::Number(x)
    }

    /// What the graduate is doing: by degree level and stage, and mostly what they did before.
    fn destination(&mut self, ctx: &Context) -> &'static str {
        if let Some(d) = self.force_destination {
            return d;
        }
        let before = ctx
            .previous
            .values()
            .rev()
            .find_map(|a| match a.get("destination_type") {
                Some(Answer::Choice { choice, .. }) => Some(choice.clone()),
                _ => None,
            });
        if let Some(before) = before {
            let keep = match (before.as_str(), self.stage) {
                ("slow_employment" | "unemployed", _) => 0.3,
                ("further_study" | "study_abroad", Stage::Year1) => 0.8,
                ("further_study" | "study_abroad", Stage::Year3) => 0.3,
                ("further_study" | "study_abroad", _) => 0.1,
                _ => 0.7,
            };
            if self.rng.random_bool(keep)
                && let Some(d) = crate::survey::tag::DESTINATION_TYPES
                    .iter()
                    .find(|d| **d == before)
            {
                return d;
            }
        }
        let degree = ctx.roster.get("degree_level").map(String::as_str);
        let weights: &[(&'static str, f64)] = match (self.stage, degree) {
            (Stage::Graduation, Some("associate")) => &[
                ("employed", 52.0),
                ("flexible", 8.0),
                ("self_employed", 2.0),
                ("further_study", 24.0),
                ("study_abroad", 1.0),
                ("slow_employment", 9.0),
                ("unemployed", 4.0),
            ],
            (Stage::Graduation, Some("master")) => &[
                ("employed", 80.0),
                ("flexible", 4.0),
                ("self_employed", 1.0),
                ("further_study", 6.0),
                ("study_abroad", 3.0),
                ("slow_employment", 4.0),
                ("unemployed", 2.0),
            ],
            (Stage::Graduation, Some("doctor")) => &[
                ("employed", 92.0),
                ("further_study", 5.0),
                ("study_abroad", 2.0),
                ("slow_employment", 1.0),
            ],
            (Stage::Graduation, _) => &[
                ("employed", 55.0),
                ("flexible", 6.0),
                ("self_employed", 2.0),
                ("further_study", 17.0),
                ("study_abroad", 6.0),
                ("slow_employment", 10.0),
                ("unemployed", 4.0),
            ],
            (Stage::Year1, _) => &[
                ("employed", 76.0),
                ("flexible", 6.0),
                ("self_employed", 3.0),
                ("further_study", 7.0),
                ("study_abroad", 2.0),
                ("slow_employment", 4.0),
                ("unemployed", 2.0),
            ],
            (Stage::Year3, _) => &[
                ("employed", 82.0),
                ("flexible", 5.0),
                ("self_employed", 4.0),
                ("further_study", 4.0),
                ("study_abroad", 1.0),
                ("slow_employment", 2.0),
                ("unemployed", 2.0),
            ],
            _ => &[
                ("employed", 84.0),
                ("flexible", 4.0),
                ("self_employed", 5.0),
                ("further_study", 3.0),
                ("study_abroad", 1.0),
                ("slow_employment", 1.0),
                ("unemployed", 2.0),
            ],
        };
        weighted(&mut self.rng, weights)
    }

    /// The month the current situation began: offers and admissions come before graduation;
    /// later stages' status dates lean towards the early months after it.
    fn status_month(
        &mut self,
        q: &Question,
        ctx: &Context,
        answers: &Answers,
    ) -> Option<YearMonth> {
        let (lo, hi) = month_bounds(q, ctx);
        let (grad, _) = ctx.graduation_months()?;
        let destination = match answers.get("destination_type") {
            Some(Answer::Choice { choice, .. }) => choice.as_str(),
            _ => "",
        };
        let (from, to, skew) = if self.stage == Stage::Graduation {
            match destination {
                "further_study" | "study_abroad" => {
                    (add_months(grad, -5), add_months(grad, -1), 1.0)
                }
                "employed" => (add_months(grad, -6), add_months(grad, 2), 1.0),
                _ => (add_months(grad, -2), add_months(grad, 4), 1.0),
            }
        } else {
            // Someone still doing what they did at the last survey started soon after leaving.
            let unchanged = ctx
                .previous
                .values()
                .next_back()
                .and_then(|a| a.get("destination_type"))
                == answers.get("destination_type");
            if unchanged {
                (grad, add_months(grad, 3), 1.0)
            } else {
                (grad, hi, 1.5)
            }
        };
        let from = from.max(lo);
        let to = to.min(hi).max(from);
        Some(self.month_between(from, to, skew))
    }

    /// A month from `lo` to `hi`; `skew` > 1 leans towards `lo`.
    fn month_between(&mut self, lo: YearMonth, hi: YearMonth, skew: f64) -> YearMonth {
        let span = (month_index(hi) - month_index(lo)).max(0);
        let u: f64 = self.rng.random::<f64>().powf(skew);
        add_months(
            lo,
            (u * (span as f64 + 1.0)).floor().min(span as f64) as i32,
        )
    }

    /// The job is settled the first time something about it is asked.
    fn job(&mut self, ctx: &Context) -> Job {
        if let Some(job) = &self.job {
            return job.clone();
        }
        let department = ctx.roster.get("department").map(String::as_str);
        let industry = self.preferred_industry(ctx);
        let known: Vec<&EmployerRow> = self
            .employers
            .iter()
            .filter(|e| e.industry == industry)
            .collect();
        let job = if !known.is_empty() && self.rng.random_bool(0.4) {
            let e = known[self.rng.random_range(0..known.len())];
            Job {
                employer_type: e.employer_type,
                industry: e.industry,
                place: Some((e.city_code[..2].to_string(), e.city_code.to_string())),
            }
        } else {
            let degree = ctx.roster.get("degree_level").map(String::as_str);
            let employer_type = match (department, degree, industry) {
                (_, _, "q") => weighted(
                    &mut self.rng,
                    &[
                        ("public_institution", 80.0),
                        ("private", 15.0),
                        ("other", 5.0),
                    ],
                ),
                (_, _, "s") => weighted(
                    &mut self.rng,
                    &[
                        ("government", 70.0),
                        ("social_org", 20.0),
                        ("grassroots", 10.0),
                    ],
                ),
                (_, _, "p") => weighted(
                    &mut self.rng,
                    &[
                        ("public_institution", 60.0),
                        ("private", 35.0),
                        ("other", 5.0),
                    ],
                ),
                (_, Some("doctor"), _) => weighted(
                    &mut self.rng,
                    &[
                        ("public_institution", 40.0),
                        ("research_institute", 30.0),
                        ("state_owned", 20.0),
                        ("private", 10.0),
                    ],
                ),
                _ => weighted(
                    &mut self.rng,
                    &[
                        ("private", 45.0),
                        ("state_owned", 22.0),
                        ("foreign", 8.0),
                        ("public_institution", 6.0),
                        ("government", 5.0),
                        ("research_institute", 3.0),
                        ("grassroots", 3.0),
                        ("military", 1.0),
                        ("social_org", 2.0),
                        ("other", 2.0),
                    ],
                ),
            };
            Job {
                employer_type,
                industry,
                place: None,
            }
        };
        self.job = Some(job.clone());
        job
    }

    /// Industry: what the graduate's field leads to, or what they reported before.
    fn preferred_industry(&mut self, ctx: &Context) -> &'static str {
        let before = ctx
            .previous
            .values()
            .rev()
            .find_map(|a| match a.get("industry") {
                Some(Answer::Choice { choice, .. }) => Some(choice.clone()),
                _ => None,
            });
        if let Some(before) = before
            && self.rng.random_bool(0.7)
            && let Some(i) = INDUSTRIES.iter().find(|i| **i == before)
        {
            return i;
        }
        let weights: &[(&'static str, f64)] = match ctx.roster.get("department").map(String::as_str)
        {
            Some("计算机学院") => &[
                ("i", 50.0),
                ("c", 12.0),
                ("j", 8.0),
                ("l", 6.0),
                ("m", 6.0),
                ("p", 5.0),
                ("f", 5.0),
                ("s", 3.0),
                ("g", 3.0),
                ("r", 2.0),
            ],
            Some("机械工程学院") => &[
                ("c", 55.0),
                ("m", 10.0),
                ("i", 8.0),
                ("e", 8.0),
                ("d", 5.0),
                ("g", 5.0),
                ("f", 4.0),
                ("s", 2.0),
            ],
            Some("经济管理学院") => &[
                ("j", 28.0),
                ("l", 18.0),
                ("f", 18.0),
                ("i", 10.0),
                ("c", 8.0),
                ("s", 6.0),
                ("k", 4.0),
                ("g", 4.0),
                ("p", 4.0),
            ],
            Some("外国语学院") => &[
                ("p", 35.0),
                ("l", 15.0),
                ("f", 15.0),
                ("i", 10.0),
                ("r", 8.0),
                ("s", 6.0),
                ("h", 5.0),
                ("j", 4.0),
            ],
            Some("医学院") => &[
                ("q", 75.0),
                ("c", 6.0),
                ("f", 6.0),
                ("m", 5.0),
                ("p", 4.0),
                ("s", 4.0),
            ],
            _ => &[
                ("i", 1.0),
                ("c", 1.0),
                ("f", 1.0),
                ("j", 1.0),
                ("l", 1.0),
                ("p", 1.0),
            ],
        };
        weighted(&mut self.rng, weights)
    }

    fn industry(&mut self, ctx: &Context) -> &'static str {
        self.job(ctx).industry
    }

    /// An employer's name: one of the demo's employers, or an invented one of the right kind.
    fn employer_name(&mut self, ctx: &Context) -> String {
        let job = self.job(ctx);
        if let Some((_, city)) = &job.place {
            let same: Vec<&EmployerRow> = self
                .employers
                .iter()
                .filter(|e| e.industry == job.industry && e.city_code == city)
                .collect();
            if !same.is_empty() {
                return same[self.rng.random_range(0..same.len())].name.to_string();
            }
        }
        let city = pick(&mut self.rng, &CITIES);
        let brand = pick(&mut self.rng, &BRANDS);
        match (job.employer_type, job.industry) {
            ("government", _) => format!("{city}市{}", pick(&mut self.rng, &GOVERNMENT_OFFICES)),
            ("grassroots", _) => format!("{city}市{brand}街道办事处"),
            ("social_org", _) => format!("{city}市{brand}公益服务中心"),
            ("military", _) => "中国人民解放军某部".to_string(),
            (_, "q") => format!("{city}市{brand}医院"),
            ("public_institution", "p") => format!("{city}市{brand}中学"),
            ("research_institute", _) => format!("{city}{brand}技术研究院"),
            ("foreign", _) => format!("{}（中国）有限公司", pick(&mut self.rng, &FOREIGN_BRANDS)),
            ("state_owned", industry) => {
                format!("{city}{brand}{}集团有限公司", industry_noun(industry))
            }
            (_, industry) => format!("{city}{brand}{}有限公司", industry_noun(industry)),
        }
    }

    fn job_title(&mut self, ctx: &Context) -> String {
        let titles: &[&str] = match ctx.roster.get("department").map(String::as_str) {
            Some("计算机学院") => &[
                "软件开发工程师",
                "后端开发工程师",
                "前端开发工程师",
                "测试工程师",
                "算法工程师",
                "数据分析师",
                "运维工程师",
                "产品经理",
            ],
            Some("机械工程学院") => &[
                "机械设计工程师",
                "工艺工程师",
                "质量工程师",
                "设备工程师",
                "生产主管",
                "技术支持工程师",
            ],
            Some("经济管理学院") => &[
                "会计",
                "审计助理",
                "财务专员",
                "市场专员",
                "客户经理",
                "人力资源专员",
            ],
            Some("外国语学院") => {
                &["英语教师", "日语翻译", "外贸业务员", "海外市场专员", "编辑"]
            }
            Some("医学院") => &["住院医师", "护士", "临床研究协调员", "医药代表"],
            _ => &["职员"],
        };
        pick(&mut self.rng, titles).to_string()
    }

    /// Where the graduate works: the employer's city when it is one of the demo's; else mostly
    /// the east and big cities, the school's own province first.
    fn region(&mut self, engine: &Engine<'_>, ctx: &Context) -> Answer {
        let regions = engine.catalog.regions();
        let county = self.rng.random_bool(0.08);
        if let Job {
            place: Some((province, city)),
            ..
        } = self.job(ctx)
            && regions.city(&province, &city).is_some()
        {
            return Answer::Region {
                province,
                city: Some(city),
                county: false,
            };
        }
        let weights: Vec<(&str, f64)> = regions
            .provinces
            .iter()
            .map(|p| {
                let w = PROVINCE_WEIGHTS
                    .iter()
                    .find(|(code, _)| *code == p.code)
                    .map_or(0.4, |(_, w)| *w);
                (p.code.as_str(), if p.code == "99" { 0.3 } else { w })
            })
            .collect();
        if weights.is_empty() {
            return Answer::Skipped;
        }
        let province = weighted(&mut self.rng, &weights).to_string();
        let city = regions.province(&province).and_then(|p| {
            let cities: Vec<(&str, f64)> = p
                .cities
                .iter()
                .map(|c| {
                    let w = match c.tier {
                        crate::survey::CityTier::First => 8.0,
                        crate::survey::CityTier::NewFirst => 5.0,
                        _ => 1.0,
                    };
                    (c.code.as_str(), w)
                })
                .collect();
            (!cities.is_empty()).then(|| weighted(&mut self.rng, &cities).to_string())
        });
        Answer::Region {
            county: county && city.is_some(),
            province,
            city,
        }
    }

    /// Monthly salary in CNY: log-normal around a median set by degree level, department,
    /// city tier and years since graduation; later stages grow from the last figure given.
    fn salary(
        &mut self,
        q: &Question,
        ctx: &Context,
        answers: &Answers,
        engine: &Engine<'_>,
    ) -> f64 {
        let before = ctx.previous.iter().rev().find_map(|(stage, a)| {
            a.get("monthly_salary")
                .and_then(Answer::as_number)
                .map(|n| (*stage, n))
        });
        let noise = |rng: &mut StdRng, sigma: f64| (sigma * normal(rng)).exp();
        let years = f64::from(self.years_out());
        let amount = match before {
            Some((stage, last)) => {
                let last_years = match stage {
                    Stage::Year1 => 1.0,
                    Stage::Year3 => 3.0,
                    Stage::Year5 => 5.0,
                    _ => 0.0,
                };
                last * 1.1f64.powf(years - last_years) * noise(&mut self.rng, 0.12)
            }
            None => {
                let degree = match ctx.roster.get("degree_level").map(String::as_str) {
                    Some("associate") => 4800.0,
                    Some("master") => 9500.0,
                    Some("doctor") => 12500.0,
                    _ => 6500.0,
                };
                let field = match ctx.roster.get("department").map(String::as_str) {
                    Some("计算机学院") => 1.35,
                    Some("机械工程学院") => 1.05,
                    Some("外国语学院") => 0.95,
                    Some("医学院") => 0.9,
                    _ => 1.0,
                };
                let tier = answers
                    .get("work_region")
                    .and_then(|a| engine.catalog.region_class(a))
                    .map_or(1.0, |(_, tier)| match tier {
                        crate::survey::CityTier::First => 1.25,
                        crate::survey::CityTier::NewFirst => 1.1,
                        crate::survey::CityTier::County => 0.85,
                        crate::survey::CityTier::Other => 0.95,
                    });
                let kind = match answers.get("destination_type") {
                    Some(Answer::Choice { choice, .. }) if choice == "flexible" => 0.8,
                    Some(Answer::Choice { choice, .. }) if choice == "self_employed" => 1.1,
                    _ => 1.0,
                };
                degree * field * tier * kind * 1.1f64.powf(years) * noise(&mut self.rng, 0.28)
            }
        };
        // People round their pay to the hundred.
        let rounded = (amount / 100.0).round() * 100.0;
        match self.number(q, rounded) {
            Answer::Number(n) => n,
            _ => rounded,
        }
    }

    fn institution(&mut self, answers: &Answers) -> String {
        let abroad = matches!(
            answers.get("destination_type"),
            Some(Answer::Choice { choice, .. }) if choice == "study_abroad"
        );
        if abroad {
            ABROAD[self.rng.random_range(0..ABROAD.len())].0.to_string()
        } else {
            pick(&mut self.rng, &DOMESTIC).to_string()
        }
    }

    /// The next degree up from the one the graduate holds (a postdoc after a doctorate).
    fn study_level(&mut self, engine: &Engine<'_>, q: &Question, ctx: &Context) -> Option<Answer> {
        let next = match ctx.roster.get("degree_level").map(String::as_str) {
            Some("associate") => "bachelor",
            Some("master") => "doctor",
            Some("doctor") => "other",
            _ => "master",
        };
        let a = self.choice(engine, q, &[(next, 1.0)])?;
        Some(match a {
            Answer::Choice { choice, .. } if choice == "other" => Answer::Choice {
                choice,
                other: Some("博士后".into()),
            },
            a => a,
        })
    }

    fn further_degree(
        &mut self,
        engine: &Engine<'_>,
        q: &Question,
        ctx: &Context,
    ) -> Option<Answer> {
        let weights: &[(&'static str, f64)] =
            match ctx.roster.get("degree_level").map(String::as_str) {
                Some("associate") => &[("none", 60.0), ("studying", 15.0), ("bachelor", 25.0)],
                Some("bachelor") => &[("none", 72.0), ("studying", 10.0), ("master", 18.0)],
                Some("master") => &[("none", 85.0), ("studying", 7.0), ("doctor", 8.0)],
                _ => &[("none", 100.0)],
            };
        self.choice(engine, q, weights)
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn pick<'s>(rng: &mut impl Rng, items: &[&'s str]) -> &'s str {
    items[rng.random_range(0..items.len())]
}

fn month_index(m: YearMonth) -> i32 {
    m.year * 12 + m.month as i32 - 1
}

fn add_months(m: YearMonth, n: i32) -> YearMonth {
    let i = month_index(m) + n;
    YearMonth {
        year: i.div_euclid(12),
        month: (i.rem_euclid(12) + 1) as u32,
    }
}

/// The months a year-month question accepts, as the engine reads its bounds; an open end is
/// taken as two years before graduation or today.
fn month_bounds(q: &Question, ctx: &Context) -> (YearMonth, YearMonth) {
    let today = YearMonth::of(ctx.today);
    let grad = ctx.graduation_months();
    let (min, max) = match &q.kind {
        QuestionKind::YearMonth { min, max } => (*min, *max),
        _ => (None, None),
    };
    let resolve = |b: Option<MonthBound>, lower: bool| match b? {
        MonthBound::Month(m) => Some(m),
        MonthBound::Today => Some(today),
        MonthBound::Graduation => grad.map(|(lo, hi)| if lower { lo } else { hi }),
    };
    let hi = resolve(max, false).unwrap_or(today);
    let lo = resolve(min, true)
        .unwrap_or_else(|| add_months(grad.map_or(today, |(lo, _)| lo), -24))
        .min(hi);
    (lo, hi)
}

/// Option ids of the `industry` list (GB/T 4754 sections).
const INDUSTRIES: [&str; 20] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t",
];

fn industry_noun(industry: &str) -> &'static str {
    match industry {
        "i" => "信息技术",
        "c" => "精密制造",
        "d" => "能源",
        "e" => "建设工程",
        "f" => "商贸",
        "g" => "物流",
        "h" => "酒店管理",
        "j" => "投资管理",
        "k" => "置业",
        "l" => "企业管理咨询",
        "m" => "科技服务",
        "p" => "教育科技",
        "r" => "文化传媒",
        _ => "科技",
    }
}

/// Weights of provinces for places of work; the rest get a small weight.
const PROVINCE_WEIGHTS: [(&str, f64); 16] = [
    ("33", 16.0),
    ("31", 10.0),
    ("44", 10.0),
    ("32", 10.0),
    ("11", 6.0),
    ("37", 4.0),
    ("35", 3.0),
    ("34", 3.0),
    ("42", 3.0),
    ("51", 3.0),
    ("43", 2.0),
    ("41", 2.0),
    ("36", 2.0),
    ("50", 2.0),
    ("61", 2.0),
    ("12", 2.0),
];

const CITIES: [&str; 10] = [
    "杭州", "上海", "深圳", "宁波", "苏州", "南京", "北京", "广州", "成都", "武汉",
];

const BRANDS: [&str; 20] = [
    "启明", "瑞联", "恒信", "博远", "卓越", "华创", "金桥", "鼎盛", "安和", "德润", "云帆", "星辰",
    "明达", "天成", "汇智", "东方", "锦程", "新元", "嘉禾", "同创",
];

const FOREIGN_BRANDS: [&str; 6] = ["艾森", "博思", "诺维", "凯思", "泰朗", "欧德"];

const GOVERNMENT_OFFICES: [&str; 5] = [
    "人力资源和社会保障局",
    "市场监督管理局",
    "发展和改革委员会",
    "税务局",
    "教育局",
];

const DOMESTIC: [&str; 12] = [
    "浙江大学",
    "复旦大学",
    "上海交通大学",
    "南京大学",
    "华中科技大学",
    "中山大学",
    "武汉大学",
    "四川大学",
    "同济大学",
    "浙江工业大学",
    "宁波大学",
    "杭州师范大学",
];

/// Universities abroad and the `study_country` option each is in.
const ABROAD: [(&str, &str); 14] = [
    ("香港大学", "hong_kong"),
    ("澳门大学", "macao"),
    ("University of Manchester", "uk"),
    ("King's College London", "uk"),
    ("Columbia University", "us"),
    ("University of Sydney", "australia"),
    ("University of Melbourne", "australia"),
    ("National University of Singapore", "singapore"),
    ("早稻田大学", "japan"),
    ("Korea University", "korea"),
    ("Technische Universität München", "germany"),
    ("Université Paris-Saclay", "france"),
    ("University of Toronto", "canada"),
    ("University of Malaya", "malaysia"),
];

/// "Please specify" texts by question id.
const OTHER_TEXTS: [(&str, &str); 17] = [
    ("employer_type", "民办非企业单位"),
    ("flexible_form", "自由撰稿"),
    ("grassroots_programme", "社区工作者"),
    ("startup_form", "合伙经营"),
    ("startup_funding", "亲友借款"),
    ("startup_difficulties", "供应链不稳定"),
    ("study_country", "新西兰"),
    ("study_level", "博士后"),
    ("study_reasons", "导师推荐"),
    ("job_channel", "家人朋友介绍"),
    ("leave_reasons", "工作调动"),
    ("further_degree", "在职工商管理硕士"),
    ("slow_employment_causes", "准备出国"),
    ("skills_to_improve", "行业标准与规范"),
    ("skill_gaps", "行业标准与规范"),
    ("respondent_role", "部门主管助理"),
    ("dissatisfaction_reasons", "通勤时间长"),
];

const SUGGESTIONS: [&str; 6] = [
    "希望学校多组织校园招聘会。",
    "建议加强实习实践环节，多和企业合作。",
    "希望增加职业规划课程和一对一咨询。",
    "希望提供更多校友交流的机会。",
    "课程内容可以更贴近行业的实际需求。",
    "就业信息发布可以更及时一些。",
];

const EMPLOYER_COMMENTS: [&str; 5] = [
    "毕业生专业基础扎实，希望加强沟通表达训练。",
    "希望学校与我单位共建实习基地。",
    "新员工学习能力强，但项目经验还需积累。",
    "建议增加数据分析和数字化工具方面的课程。",
    "欢迎贵校毕业生来我单位实习和就业。",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_add_across_years() {
        let m = YearMonth {
            year: 2025,
            month: 2,
        };
        assert_eq!(
            add_months(m, -3),
            YearMonth {
                year: 2024,
                month: 11
            }
        );
        assert_eq!(
            add_months(m, 11),
            YearMonth {
                year: 2026,
                month: 1
            }
        );
        assert_eq!(month_index(add_months(m, 7)) - month_index(m), 7);
    }

    #[test]
    fn normal_draws_centre_on_zero_with_unit_spread() {
        let mut rng = super::super::people::rng_for("normal");
        let xs: Vec<f64> = (0..20_000).map(|_| normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.03, "{mean}");
        assert!((var - 1.0).abs() < 0.05, "{var}");
    }
}
