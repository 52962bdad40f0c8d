//! Snapshots of survey definitions, one per (survey, version), registered when a wave is
//! created, so answers keep the definition they were given under and an edited definition
//! whose version was not bumped is caught before it can reinterpret stored answers.
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::entities::survey_version;

/// SHA-256 (hex) of the definition's JSON. serde_json writes a given value the same way every
/// time, so the same definition always gives the same hash.
pub fn content_hash(definition: &serde_json::Value) -> String {
    let bytes = serde_json::to_vec(definition).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stores `definition` as `survey_id` version `version`, or finds it already stored. The same
/// version with another content is refused: "survey X changed but its version was not bumped".
pub async fn register<C: ConnectionTrait>(
    db: &C,
    survey_id: &str,
    version: i32,
    definition: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<survey_version::Model> {
    let hash = content_hash(definition);
    if let Some(existing) = find(db, survey_id, version).await? {
        if existing.content_hash == hash {
            return Ok(existing);
        }
        return Err(Error::Conflict(format!(
            "survey {survey_id} changed but its version was not bumped (version {version} is \
             already stored with other content; raise `version` in {survey_id}.toml)"
        )));
    }
    let model = survey_version::ActiveModel {
        survey_id: Set(survey_id.to_string()),
        version: Set(version),
        content_hash: Set(hash),
        definition: Set(definition.clone()),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(survey_version::Entity::insert(model)
        .exec_with_returning(db)
        .await?)
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
