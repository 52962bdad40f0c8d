//! The bot's storage: bindings of chat users to invitations, each user's conversation state,
//! and the platform message ids already handled (de-duplication of retries, kept a day). Also
//! the reminders' view of the bindings (`ChatBindings`).
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use futures::future::BoxFuture;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QueryTrait, Set,
};

use super::Platform;
use crate::error::{Error, Result};
use crate::remind::sender::bot::Bindings;
use crate::store::commit::Write;
use crate::store::entities::{chat_binding, chat_inbound, chat_state, graduate, invitation};

/// How long handled message ids are remembered (platform retries come within minutes).
pub const DEDUP_KEEP: Duration = Duration::hours(24);

/// Records an inbound event; false when it was seen before (a platform retry).
pub async fn first_sighting<C: ConnectionTrait>(
    db: &C,
    platform: Platform,
    event_key: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let inserted = sighting(platform, event_key, now)
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

fn sighting(
    platform: Platform,
    event_key: &str,
    now: DateTime<Utc>,
) -> sea_orm::Insert<chat_inbound::ActiveModel> {
    let row = chat_inbound::ActiveModel {
        platform: Set(platform.as_str().to_string()),
        event_key: Set(event_key.to_string()),
        received_at: Set(now),
        ..Default::default()
    };
    chat_inbound::Entity::insert(row).on_conflict(
        OnConflict::columns([
            chat_inbound::Column::Platform,
            chat_inbound::Column::EventKey,
        ])
        .do_nothing()
        .to_owned(),
    )
}

/// Drops handled ids older than `DEDUP_KEEP`.
pub async fn prune_events<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64> {
    let done = chat_inbound::Entity::delete_many()
        .filter(chat_inbound::Column::ReceivedAt.lt(now - DEDUP_KEEP))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// The conversation state of a user, or a fresh one (not stored until `save_state`).
pub async fn load_state<C: ConnectionTrait>(
    db: &C,
    platform: Platform,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<chat_state::Model> {
    let found = chat_state::Entity::find()
        .filter(chat_state::Column::Platform.eq(platform.as_str()))
        .filter(chat_state::Column::UserId.eq(user_id))
        .one(db)
        .await?;
    Ok(found.unwrap_or_else(|| chat_state::Model {
        id: 0,
        platform: platform.as_str().to_string(),
        user_id: user_id.to_string(),
        invitation_id: None,
        lang: None,
        step: "start".to_string(),
        question_id: None,
        pending: None,
        review: false,
        last_message_at: None,
        updated_at: now,
        revision: 0,
    }))
}

/// What an event's first reads depend on: the state's revision, and of the invitation being
/// answered the response's revision, channels and status and the wave's window. Equal stamps:
/// what was read then is what is stored now (`stamp_now`, one small read by primary keys).
#[derive(Debug, Clone, PartialEq, sea_orm::FromQueryResult)]
pub struct Stamp {
    pub state: i32,
    pub response: Option<i32>,
    pub channels: Option<String>,
    pub status: Option<String>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

impl Stamp {
    /// The stamp of a state and the invitee read with it.
    pub fn of(
        state: &chat_state::Model,
        invitee: Option<&crate::store::responses::Invitee>,
    ) -> Stamp {
        let response = invitee.and_then(|i| i.response.as_ref());
        Stamp {
            state: state.revision,
            response: response.map(|r| r.revision),
            channels: response.map(|r| r.channels.clone()),
            status: response.map(|r| r.status.clone()),
            opens_at: invitee.map(|i| i.wave.opens_at),
            closes_at: invitee.and_then(|i| i.wave.closes_at),
        }
    }
}

/// The stamp of the stored state `state_id` (None: no such state).
pub async fn stamp_now<C: ConnectionTrait>(db: &C, state_id: i32) -> Result<Option<Stamp>> {
    use sea_orm::sea_query::{Alias, ExprTrait, Query};
    use sea_orm::{FromQueryResult, JoinType};

    use crate::store::entities::{response, wave};
    let col = |t: Alias, c: &str| Expr::col((t, Alias::new(c)));
    let (s, i, r, w) = (
        || Alias::new("s"),
        || Alias::new("i"),
        || Alias::new("r"),
        || Alias::new("w"),
    );
    let q = Query::select()
        .expr_as(col(s(), "revision"), Alias::new("state"))
        .expr_as(col(r(), "revision"), Alias::new("response"))
        .expr_as(col(r(), "channels"), Alias::new("channels"))
        .expr_as(col(r(), "status"), Alias::new("status"))
        .expr_as(col(w(), "opens_at"), Alias::new("opens_at"))
        .expr_as(col(w(), "closes_at"), Alias::new("closes_at"))
        .from_as(chat_state::Entity, s())
        .join_as(
            JoinType::LeftJoin,
            invitation::Entity,
            i(),
            col(i(), "id").equals((s(), Alias::new("invitation_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            wave::Entity,
            w(),
            col(w(), "id").equals((i(), Alias::new("wave_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            response::Entity,
            r(),
            col(r(), "invitation_id").equals((s(), Alias::new("invitation_id"))),
        )
        .and_where(col(s(), "id").eq(state_id))
        .to_owned();
    let stmt = db.get_database_backend().build(&q);
    Ok(Stamp::find_by_statement(stmt).one(db).await?)
}

/// Stores the state (inserting it the first time). A state changed since it was read (its
/// revision moved on) is not overwritten: `Error::Conflict`.
pub async fn save_state<C: ConnectionTrait>(
    db: &C,
    state: &chat_state::Model,
    now: DateTime<Utc>,
) -> Result<chat_state::Model> {
    if state.id == 0 {
        return Ok(state_row(state, now).insert(db).await?);
    }
    let (update, after) = state_update(state, now);
    if update.exec(db).await?.rows_affected != 1 {
        return Err(Error::Conflict(
            "this chat's state changed while the message was handled".into(),
        ));
    }
    Ok(after)
}

/// `save_state` planned rather than made (`store::commit`): the guarded update (or, the first
/// time, the insert, which another server's insert meanwhile makes a conflict), and the state
/// as it will be (a new one has id 0 until it is committed).
pub fn plan_state(
    backend: DbBackend,
    state: &chat_state::Model,
    now: DateTime<Utc>,
) -> (Write, chat_state::Model) {
    if state.id == 0 {
        let insert = chat_state::Entity::insert(state_row(state, now)).on_conflict(
            OnConflict::columns([chat_state::Column::Platform, chat_state::Column::UserId])
                .do_nothing()
                .to_owned(),
        );
        let after = chat_state::Model {
            updated_at: now,
            ..state.clone()
        };
        return (
            Write::new(backend, &insert.into_query()).expecting(1),
            after,
        );
    }
    let (update, after) = state_update(state, now);
    (
        Write::new(backend, &update.into_query()).expecting(1),
        after,
    )
}

fn state_update(
    state: &chat_state::Model,
    now: DateTime<Utc>,
) -> (sea_orm::UpdateMany<chat_state::Entity>, chat_state::Model) {
    let after = chat_state::Model {
        revision: state.revision + 1,
        updated_at: now,
        ..state.clone()
    };
    let mut row = state_row(&after, now);
    row.revision = Set(after.revision);
    let update = chat_state::Entity::update_many()
        .set(row)
        .filter(chat_state::Column::Id.eq(state.id))
        .filter(chat_state::Column::Revision.eq(state.revision));
    (update, after)
}

fn state_row(state: &chat_state::Model, now: DateTime<Utc>) -> chat_state::ActiveModel {
    chat_state::ActiveModel {
        platform: Set(state.platform.clone()),
        user_id: Set(state.user_id.clone()),
        invitation_id: Set(state.invitation_id),
        lang: Set(state.lang.clone()),
        step: Set(state.step.clone()),
        question_id: Set(state.question_id.clone()),
        pending: Set(state.pending.clone()),
        review: Set(state.review),
        last_message_at: Set(state.last_message_at),
        updated_at: Set(now),
        revision: Set(state.revision),
        ..Default::default()
    }
}

/// `first_sighting` planned rather than made (`store::commit`): it must insert the row, and
/// fails with a conflict when the event was seen before (a retry).
pub fn plan_sighting(
    backend: DbBackend,
    platform: Platform,
    event_key: &str,
    now: DateTime<Utc>,
) -> Write {
    Write::new(backend, &sighting(platform, event_key, now).into_query()).expecting(1)
}

/// Binds a chat user to an invitation (again: un-stops it).
pub async fn bind<C: ConnectionTrait>(
    db: &C,
    platform: Platform,
    user_id: &str,
    inv: &invitation::Model,
    bound_by: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    binding_upsert(platform, user_id, inv, bound_by, now)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// `bind` planned rather than made (`store::commit`).
pub fn plan_bind(
    backend: DbBackend,
    platform: Platform,
    user_id: &str,
    inv: &invitation::Model,
    bound_by: &str,
    now: DateTime<Utc>,
) -> Write {
    let upsert = binding_upsert(platform, user_id, inv, bound_by, now);
    Write::new(backend, &upsert.into_query())
}

/// The binding inserted, or un-stopped when it was there before.
fn binding_upsert(
    platform: Platform,
    user_id: &str,
    inv: &invitation::Model,
    bound_by: &str,
    now: DateTime<Utc>,
) -> sea_orm::Insert<chat_binding::ActiveModel> {
    chat_binding::Entity::insert(binding(platform, user_id, inv, bound_by, now)).on_conflict(
        OnConflict::columns([
            chat_binding::Column::Platform,
            chat_binding::Column::UserId,
            chat_binding::Column::InvitationId,
        ])
        .update_column(chat_binding::Column::StoppedAt)
        .to_owned(),
    )
}

fn binding(
    platform: Platform,
    user_id: &str,
    inv: &invitation::Model,
    bound_by: &str,
    now: DateTime<Utc>,
) -> chat_binding::ActiveModel {
    chat_binding::ActiveModel {
        platform: Set(platform.as_str().to_string()),
        user_id: Set(user_id.to_string()),
        invitation_id: Set(inv.id),
        graduate_id: Set(inv.graduate_id),
        bound_by: Set(bound_by.to_string()),
        created_at: Set(now),
        stopped_at: Set(None),
        ..Default::default()
    }
}

/// Marks the bindings of a user (one invitation, or all) stopped (`at`) or active (None).
pub async fn set_stopped<C: ConnectionTrait>(
    db: &C,
    platform: Platform,
    user_id: &str,
    invitation_id: Option<i32>,
    at: Option<DateTime<Utc>>,
) -> Result<()> {
    let mut q = chat_binding::Entity::update_many()
        .col_expr(chat_binding::Column::StoppedAt, Expr::value(at))
        .filter(chat_binding::Column::Platform.eq(platform.as_str()))
        .filter(chat_binding::Column::UserId.eq(user_id));
    if let Some(id) = invitation_id {
        q = q.filter(chat_binding::Column::InvitationId.eq(id));
    }
    q.exec(db).await?;
    Ok(())
}

/// The invitations a user was ever bound to, oldest binding first, each with whether its
/// binding is stopped.
pub async fn bindings<C: ConnectionTrait>(
    db: &C,
    platform: Platform,
    user_id: &str,
) -> Result<Vec<(i32, bool)>> {
    Ok(chat_binding::Entity::find()
        .filter(chat_binding::Column::Platform.eq(platform.as_str()))
        .filter(chat_binding::Column::UserId.eq(user_id))
        .order_by_asc(chat_binding::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.invitation_id, b.stopped_at.is_some()))
        .collect())
}

/// The invitations of the graduate whose roster `wechat_openid` is this user.
pub async fn roster_invitations<C: ConnectionTrait>(
    db: &C,
    openid: &str,
) -> Result<Vec<invitation::Model>> {
    let Some(g) = graduate::Entity::find()
        .filter(graduate::Column::WechatOpenid.eq(openid))
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    Ok(invitation::Entity::find()
        .filter(invitation::Column::GraduateId.eq(g.id))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await?)
}

/// Reminders through the bot go to the chat users bound to the graduate (the most recent
/// binding that is not stopped).
pub struct ChatBindings;

impl Bindings for ChatBindings {
    fn bound<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        graduate_ids: &'a [i32],
    ) -> BoxFuture<'a, Result<HashMap<i32, (Platform, String)>>> {
        Box::pin(async move {
            let mut out = HashMap::new();
            if graduate_ids.is_empty() {
                return Ok(out);
            }
            for chunk in graduate_ids.chunks(500) {
                let rows = chat_binding::Entity::find()
                    .filter(chat_binding::Column::GraduateId.is_in(chunk.iter().copied()))
                    .filter(chat_binding::Column::StoppedAt.is_null())
                    .order_by_asc(chat_binding::Column::Id)
                    .all(db)
                    .await?;
                for b in rows {
                    let (Some(gid), Some(platform)) = (b.graduate_id, Platform::parse(&b.platform))
                    else {
                        continue;
                    };
                    // Later bindings win: the person's most recent chat.
                    out.insert(gid, (platform, b.user_id));
                }
            }
            Ok(out)
        })
    }
}
