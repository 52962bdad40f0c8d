//! Indicators for a signed-in staff member: what their scope lets them see, deny by default.
//! Department officers see their department, alumni liaisons their cohort and/or major, the
//! employment office everything (including the employer evaluation); class liaisons see no
//! answers and so no indicators.
use serde::Deserialize;

use super::scope::Viewer;
use crate::error::{Error, Result};
use crate::indicators::By;
use crate::roster::staff::Scope;
use crate::store::indicators::{Output, Selection, build};
use crate::survey::Stage;
use crate::web::AppState;

/// What is asked for (query string of `/api/indicators`).
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// Graduation year of the cohort.
    pub cohort: i32,
    /// `graduation`, `year1`, `year3` or `year5` (default: all four).
    pub stage: Option<String>,
    /// `school` (default), `department`, `major` or `degree_level`.
    pub by: Option<String>,
    pub department: Option<String>,
    pub major: Option<String>,
}

fn parse_by(s: Option<&str>) -> Result<By> {
    Ok(match s.unwrap_or("school") {
        "school" => By::School,
        "department" => By::Department,
        "major" => By::Major,
        "degree_level" => By::DegreeLevel,
        other => {
            return Err(Error::Invalid(format!(
                "unknown grouping '{other}' (school, department, major or degree_level)"
            )));
        }
    })
}

/// Narrows `want` to `viewer`'s scope; asking for something outside it is `Forbidden`.
pub fn scoped(viewer: &Viewer, want: &IndicatorQuery) -> Result<Selection> {
    let stage = match want.stage.as_deref() {
        None => None,
        Some(s) => match s.parse::<Stage>() {
            Ok(Stage::Employer) | Err(_) => {
                return Err(Error::Invalid(format!(
                    "unknown stage '{s}' (graduation, year1, year3 or year5)"
                )));
            }
            Ok(st) => Some(st),
        },
    };
    let mut sel = Selection {
        cohort: want.cohort,
        stages: stage.into_iter().collect(),
        department: want.department.clone(),
        major: want.major.clone(),
    };
    let force = |slot: &mut Option<String>, mine: &str| -> Result<()> {
        match slot {
            Some(asked) if asked != mine => Err(Error::Forbidden),
            _ => {
                *slot = Some(mine.to_string());
                Ok(())
            }
        }
    };
    match &viewer.scope {
        Scope::All => {}
        Scope::Department(d) => force(&mut sel.department, d)?,
        Scope::Alumni { cohort, major } => {
            if cohort.is_some_and(|c| c != want.cohort) {
                return Err(Error::Forbidden);
            }
            if let Some(m) = major {
                force(&mut sel.major, m)?;
            }
        }
        Scope::Class(_) => return Err(Error::Forbidden),
    }
    Ok(sel)
}

/// The indicators `viewer` may see.
pub async fn for_viewer(
    state: &AppState,
    viewer: &Viewer,
    want: &IndicatorQuery,
) -> Result<Output> {
    let sel = scoped(viewer, want)?;
    let by = parse_by(want.by.as_deref())?;
    let mut out = build(
        &state.db,
        state.catalog.regions(),
        &state.config.indicators,
        &sel,
        by,
    )
    .await?;
    if !viewer.sees_employers() {
        out.employer = None;
    }
    Ok(out)
}
