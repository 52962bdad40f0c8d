//! The one typed configuration: every setting is an environment variable with a matching flag.
use clap::Args;

/// Settings shared by every subcommand (flags on the top-level command, or environment variables).
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://FILE` (embedded default) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://gradtrace.db",
        global = true
    )]
    pub database_url: String,

    /// Redis URL for the reminder scheduler; unset = embedded single-instance scheduler.
    #[arg(long, env = "REDIS_URL", global = true)]
    pub redis_url: Option<String>,

    /// SMTP server, e.g. `smtp://127.0.0.1:2525` or `smtps://user:pass@mail.example.edu`.
    #[arg(long, env = "SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// Sender address of e-mails.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "gradtrace <noreply@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// Address the server listens on.
    #[arg(
        long,
        env = "GRADTRACE_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// Public base URL that links are built from.
    #[arg(long, env = "GRADTRACE_BASE_URL", global = true)]
    pub base_url: Option<String>,

    /// Signing key for invitation tokens and staff sessions (at least 32 characters).
    #[arg(long, env = "GRADTRACE_SECRET", hide_env_values = true, global = true)]
    pub secret: Option<String>,

    /// Whom respondents contact with questions (shown on every error and notice page).
    #[arg(
        long,
        env = "GRADTRACE_CONTACT",
        default_value = "the graduate employment office / 毕业生就业指导中心",
        global = true
    )]
    pub contact: String,

    /// Folder of survey definitions.
    #[arg(
        long,
        env = "GRADTRACE_SURVEYS",
        default_value = "surveys",
        global = true
    )]
    pub surveys_dir: std::path::PathBuf,

    /// Folder of Fluent translations.
    #[arg(
        long,
        env = "GRADTRACE_LOCALES",
        default_value = "locales",
        global = true
    )]
    pub locales_dir: std::path::PathBuf,

    /// Destination types that open a one-person-one-plan assistance file (comma-separated).
    #[arg(
        long,
        env = "GRADTRACE_PLAN_DESTINATIONS",
        default_value = "slow_employment,unemployed",
        global = true
    )]
    pub plan_destinations: String,

    /// Job satisfaction (1–5) at or below which an assistance file is opened.
    #[arg(
        long,
        env = "GRADTRACE_PLAN_MAX_SATISFACTION",
        default_value_t = 2,
        global = true
    )]
    pub plan_max_satisfaction: u32,

    /// Monthly salary (CNY) below which an assistance file is opened; 0 turns the rule off.
    #[arg(
        long,
        env = "GRADTRACE_PLAN_MIN_SALARY",
        default_value_t = 3000.0,
        global = true
    )]
    pub plan_min_salary: f64,
    /// Reminder scheduler and senders (Redis prefix, SMTP pool, SMS gateway, retries, limits).
    #[command(flatten)]
    pub remind: crate::remind::config::RemindConfig,
    /// Messaging platforms: WECHAT_*, TELEGRAM_*, WHATSAPP_* (a platform is on when its secret is set).
    #[command(flatten)]
    pub bot: crate::bot::BotConfig,
    /// Indicators: small-cell suppression, coverage flag, price index, major warning.
    #[command(flatten)]
    pub indicators: crate::indicators::config::IndicatorConfig,
}

impl Config {
    /// The settings `gradtrace` takes with no arguments (environment variables still apply),
    /// over `database_url` and `secret`, without Redis: what tests and benches start from.
    pub fn local(database_url: &str, secret: &str) -> Config {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            config: Config,
        }
        let mut c = Cli::parse_from(["gradtrace"]).config;
        c.database_url = database_url.to_string();
        c.secret = Some(secret.to_string());
        c.redis_url = None;
        c
    }

    /// The base URL links are built from, without a trailing slash.
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }
}
