//! Inviting a wave's cohort (one invitation per person, each with a unique code) and listing
//! the personal links and codes that liaisons and senders hand out.
use std::collections::HashSet;
use std::io::Write;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;

use super::code::Code;
use super::token::{self, TokenKeys};
use super::{audience, key_column, links};
use crate::error::{Error, Result};
use crate::store::entities::{employer, graduate, invitation};
use crate::survey::Audience;

/// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const BATCH: usize = 500;

/// What `wave invite` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct InviteReport {
    /// Invitations created by this run.
    pub created: usize,
    /// People of the cohort who already had one (from an earlier run).
    pub already: usize,
}

/// Invites everyone of the wave's cohort not invited yet: graduates whose graduation year is
/// the cohort year, or every employer for an employer wave. Re-running adds only new people.
/// All or nothing: a failure leaves no half-invited cohort.
pub async fn invite(
    db: &DatabaseConnection,
    wave_id: i32,
    now: DateTime<Utc>,
) -> Result<InviteReport> {
    let txn = db.begin().await?;
    let result = invite_in(&txn, wave_id, now).await;
    crate::store::finish(txn, result).await
}

async fn invite_in(
    txn: &DatabaseTransaction,
    wave_id: i32,
    now: DateTime<Utc>,
) -> Result<InviteReport> {
    let wave = super::find(txn, wave_id).await?;
    let audience = audience(&wave);
    let people: Vec<i32> = match audience {
        Audience::Graduate => {
            graduate::Entity::find()
                .select_only()
                .column(graduate::Column::Id)
                .filter(graduate::Column::GraduationYear.eq(wave.cohort_year))
                .order_by_asc(graduate::Column::Id)
                .into_tuple()
                .all(txn)
                .await?
        }
        Audience::Employer => {
            employer::Entity::find()
                .select_only()
                .column(employer::Column::Id)
                .order_by_asc(employer::Column::Id)
                .into_tuple()
                .all(txn)
                .await?
        }
    };
    let person_column = match audience {
        Audience::Graduate => invitation::Column::GraduateId,
        Audience::Employer => invitation::Column::EmployerId,
    };
    let invited: HashSet<Option<i32>> = invitation::Entity::find()
        .select_only()
        .column(person_column)
        .filter(invitation::Column::WaveId.eq(wave_id))
        .into_tuple::<Option<i32>>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let new: Vec<i32> = people
        .iter()
        .copied()
        .filter(|id| !invited.contains(&Some(*id)))
        .collect();

    for chunk in new.chunks(BATCH) {
        let codes = fresh_codes(txn, chunk.len()).await?;
        let rows = chunk.iter().zip(codes).map(|(person, code)| {
            let (graduate_id, employer_id) = match audience {
                Audience::Graduate => (Some(*person), None),
                Audience::Employer => (None, Some(*person)),
            };
            invitation::ActiveModel {
                wave_id: Set(wave_id),
                graduate_id: Set(graduate_id),
                employer_id: Set(employer_id),
                code: Set(code.as_str().to_string()),
                contact_state: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
        });
        invitation::Entity::insert_many(rows).exec(txn).await?;
    }
    Ok(InviteReport {
        created: new.len(),
        already: people.len() - new.len(),
    })
}

/// `count` random codes used by no invitation yet (collisions are rare: 30^8 codes).
async fn fresh_codes<C: ConnectionTrait>(db: &C, count: usize) -> Result<Vec<Code>> {
    let mut taken: HashSet<String> = HashSet::new();
    for _ in 0..16 {
        let codes = Code::random_distinct(count, &taken);
        let clashes: Vec<String> = invitation::Entity::find()
            .select_only()
            .column(invitation::Column::Code)
            .filter(invitation::Column::Code.is_in(codes.iter().map(|c| c.as_str())))
            .into_tuple()
            .all(db)
            .await?;
        if clashes.is_empty() {
            return Ok(codes);
        }
        taken.extend(clashes);
    }
    Err(Error::Other(
        "could not find unused invitation codes; the code space looks exhausted".into(),
    ))
}

/// One line of `wave links`: the person's roster key, their personal link and their code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvitationLink {
    pub invitation_id: i32,
    /// `student_id` for graduates, `uscc` for employers.
    pub key: String,
    pub link: String,
    /// As shown to people: `ABCD-EFGH`.
    pub code: String,
}

/// The links and codes of every invitation of a wave, in roster-key order.
pub async fn links<C: ConnectionTrait>(
    db: &C,
    keys: &TokenKeys,
    base_url: &str,
    wave_id: i32,
) -> Result<Vec<InvitationLink>> {
    let wave = super::find(db, wave_id).await?;
    let audience = audience(&wave);
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave_id))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await?;
    let person_keys = person_keys(db, audience, &invitations).await?;
    let mut out = Vec::with_capacity(invitations.len());
    for inv in &invitations {
        let token = token::issue(keys, &wave, inv)?;
        let code = Code::parse(&inv.code)?;
        out.push(InvitationLink {
            invitation_id: inv.id,
            key: person_keys.get(&inv.id).cloned().unwrap_or_default(),
            link: links::survey_link(base_url, &token),
            code: code.to_string(),
        });
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// Roster key (student id or USCC) by invitation id.
pub async fn person_keys<C: ConnectionTrait>(
    db: &C,
    audience: Audience,
    invitations: &[invitation::Model],
) -> Result<std::collections::HashMap<i32, String>> {
    let mut out = std::collections::HashMap::with_capacity(invitations.len());
    for chunk in invitations.chunks(BATCH) {
        match audience {
            Audience::Graduate => {
                let ids: Vec<i32> = chunk.iter().filter_map(|i| i.graduate_id).collect();
                let rows: Vec<(i32, String)> = graduate::Entity::find()
                    .select_only()
                    .column(graduate::Column::Id)
                    .column(graduate::Column::StudentId)
                    .filter(graduate::Column::Id.is_in(ids))
                    .into_tuple()
                    .all(db)
                    .await?;
                let by_id: std::collections::HashMap<i32, String> = rows.into_iter().collect();
                for inv in chunk {
                    if let Some(k) = inv.graduate_id.and_then(|g| by_id.get(&g)) {
                        out.insert(inv.id, k.clone());
                    }
                }
            }
            Audience::Employer => {
                let ids: Vec<i32> = chunk.iter().filter_map(|i| i.employer_id).collect();
                let rows: Vec<(i32, String)> = employer::Entity::find()
                    .select_only()
                    .column(employer::Column::Id)
                    .column(employer::Column::Uscc)
                    .filter(employer::Column::Id.is_in(ids))
                    .into_tuple()
                    .all(db)
                    .await?;
                let by_id: std::collections::HashMap<i32, String> = rows.into_iter().collect();
                for inv in chunk {
                    if let Some(k) = inv.employer_id.and_then(|e| by_id.get(&e)) {
                        out.insert(inv.id, k.clone());
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Writes `student_id,link,code` (or `uscc,link,code`) CSV.
pub fn write_links_csv<W: Write>(
    out: W,
    audience: Audience,
    rows: &[InvitationLink],
) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| Error::Other(format!("writing links CSV: {e}"));
    w.write_record([key_column(audience), "link", "code"])
        .map_err(csv_err)?;
    for r in rows {
        w.write_record([r.key.as_str(), r.link.as_str(), r.code.as_str()])
            .map_err(csv_err)?;
    }
    w.flush()?;
    Ok(())
}
