//! Assembling the running service from the config: database, definitions, translations, keys,
//! limiter; and serving it.
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::i18n::Localizer;
use crate::survey::Catalog;
use crate::wave::limit::{self, AttemptLimiter, MemoryLimiter, RedisLimiter};
use crate::wave::token::TokenKeys;
use crate::web::{AppState, Services};

/// Builds everything a server needs. The database is migrated first.
pub async fn services(config: Config, clock: Arc<dyn Clock>) -> Result<Services> {
    let secret = config.secret.clone().ok_or_else(|| {
        Error::Config(
            "GRADTRACE_SECRET is not set: set it (or --secret) to a random string of at least \
             32 characters; `gradtrace demo` makes one for you"
                .into(),
        )
    })?;
    let keys = TokenKeys::from_secret(&secret)?;
    let catalog = Catalog::load(&config.surveys_dir)?;
    let i18n = Localizer::load(&config.locales_dir)?;
    let db = crate::store::connect(&config.database_url).await?;
    crate::store::migrate(&db).await?;
    let reader = crate::store::readers(&db, &config.database_url).await?;
    let committer =
        crate::store::commit::Committer::start(db.clone(), &config.database_url).await?;
    let committer = Some(Arc::new(committer));
    let limiter: Arc<dyn AttemptLimiter> = match &config.redis_url {
        Some(url) => Arc::new(
            RedisLimiter::connect(
                url,
                "gradtrace",
                limit::DEFAULT_MAX_FAILURES,
                limit::DEFAULT_WINDOW,
            )
            .await?,
        ),
        None => Arc::new(MemoryLimiter::new(
            limit::DEFAULT_MAX_FAILURES,
            limit::DEFAULT_WINDOW,
        )?),
    };
    let csrf_key = {
        use sha2::{Digest, Sha256};
        Sha256::digest(format!("gradtrace-csrf:{secret}").as_bytes()).to_vec()
    };
    let scheduler = crate::remind::Scheduler::connect(
        config.redis_url.as_deref(),
        &config.remind,
        db.clone(),
        clock.clone(),
    )
    .await?;
    let bot = Arc::new(crate::bot::service::BotService::from_config(
        &config.bot,
        &catalog,
        clock.clone(),
    )?);
    Ok(Services {
        scheduler,
        bot,
        db,
        reader,
        committer,
        catalog,
        i18n,
        config,
        keys,
        csrf_key,
        limiter,
        clock,
    })
}

/// Runs the HTTP server until Ctrl-C.
pub async fn serve(config: Config) -> Result<()> {
    let bind = config.bind.clone();
    let services = services(config, Arc::new(SystemClock)).await?;
    let state = AppState::new(services);
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {bind}: {e}")))?;
    tracing::info!(%bind, "gradtrace listening");
    serve_on(listener, state).await
}

/// Serves the app on an already bound listener (tests bind port 0).
pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> Result<()> {
    let app =
        crate::web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
