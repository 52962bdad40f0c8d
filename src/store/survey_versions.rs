//! Snapshots of survey definitions, one per (survey, version), registered when a wave is
//! created, so answers keep the definition they were given under and an edited definition
//! whose version was not bumped is caught before it can reinterpret stored answers.
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::entities::survey_version;
use crate::survey::Survey;

/// SHA-256 (hex) of a stored definition snapshot; equals `Survey::content_hash` of the survey
/// it was made from (both hash the JSON value), so a stored row can be checked on its own.
pub fn content_hash(definition: &serde_json::Value) -> String {
    let bytes = serde_json::to_vec(definition).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stores the definition of `survey` at its version, or finds it already stored. The same
/// version with another content is refused: "survey X changed but its version was not bumped".
pub async fn register<C: ConnectionTrait>(
    db: &C,
    survey: &Survey,
    now: DateTime<Utc>,
) -> Result<survey_version::Model> {
    let id = &survey.id;
    let version = i32::try_from(survey.version)
        .map_err(|_| Error::Invalid(format!("survey {id} has an impossible version number")))?;
    let hash = survey.content_hash();
    if let Some(existing) = find(db, id, version).await? {
        if existing.content_hash == hash {
            return Ok(existing);
        }
        return Err(Error::Conflict(format!(
            "survey {id} changed but its version was not bumped (version {version} is already \
             stored with other content; raise `version` in {id}.toml)"
        )));
    }
    let definition = serde_json::to_value(survey)
        .map_err(|e| Error::Other(format!("cannot snapshot survey {id}: {e}")))?;
    let model = survey_version::ActiveModel {
        survey_id: Set(id.clone()),
        version: Set(version),
        content_hash: Set(hash),
        definition: Set(definition),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(survey_version::Entity::insert(model)
        .exec_with_returning(db)
        .await?)
}

/// The definition a wave's answers were given under, from its stored snapshot.
pub async fn load<C: ConnectionTrait>(db: &C, survey_id: &str, version: i32) -> Result<Survey> {
    let stored = find(db, survey_id, version).await?.ok_or_else(|| {
        Error::NotFound(format!(
            "survey {survey_id} version {version} is not stored"
        ))
    })?;
    serde_json::from_value(stored.definition).map_err(|e| {
        Error::Other(format!(
            "stored survey {survey_id} version {version} is unreadable: {e}"
        ))
    })
}

/// The stored snapshot of `survey_id` at `version`, if any.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    survey_id: &str,
    version: i32,
) -> Result<Option<survey_version::Model>> {
    Ok(survey_version::Entity::find()
        .filter(survey_version::Column::SurveyId.eq(survey_id))
        .filter(survey_version::Column::Version.eq(version))
        .one(db)
        .await?)
}
