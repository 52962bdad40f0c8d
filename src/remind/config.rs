//! Settings of the reminder scheduler and its senders, as environment variables with matching
//! flags; flattened into the main `Config`.
use clap::Args;

#[derive(Clone, Args)]
pub struct RemindConfig {
    /// Prefix of every Redis key the service writes (several deployments or tests may share
    /// one Redis).
    #[arg(
        long,
        env = "GRADTRACE_REDIS_PREFIX",
        default_value = "gradtrace",
        global = true
    )]
    pub redis_prefix: String,

    /// Connections kept open to the SMTP server.
    #[arg(long, env = "SMTP_POOL_SIZE", default_value_t = 8, global = true)]
    pub smtp_pool_size: u32,

    /// SMS gateway: reminders are POSTed here as JSON (template id, sign name, phone, variables).
    #[arg(long, env = "SMS_API_BASE", global = true)]
    pub sms_api_base: Option<String>,

    /// Bearer token of the SMS gateway.
    #[arg(long, env = "SMS_API_KEY", hide_env_values = true, global = true)]
    pub sms_api_key: Option<String>,

    /// The provider-approved template of reminder texts (mainland SMS is template-only).
    #[arg(long, env = "SMS_TEMPLATE_ID", default_value = "", global = true)]
    pub sms_template_id: String,

    /// The approved signature (签名) shown as 【…】.
    #[arg(long, env = "SMS_SIGN_NAME", default_value = "", global = true)]
    pub sms_sign_name: String,

    /// Variables sent with the template, from `code` (the invitation code) and `link` (the
    /// personal link). Mainland providers refuse links in variables: use `code` there.
    #[arg(
        long,
        env = "SMS_VARIABLES",
        default_value = "code,link",
        global = true
    )]
    pub sms_variables: String,

    /// Attempts of one send before it goes to the dead-letter list.
    #[arg(
        long,
        env = "GRADTRACE_REMIND_MAX_ATTEMPTS",
        default_value_t = 5,
        global = true
    )]
    pub remind_max_attempts: u32,

    /// Wait before the first retry, in seconds; doubled on each further failure (capped at 6 h).
    #[arg(
        long,
        env = "GRADTRACE_REMIND_RETRY_SECS",
        default_value_t = 60,
        global = true
    )]
    pub remind_retry_secs: u64,

    /// How long a liaison waits between two "remind now" of the same person, in hours.
    #[arg(
        long,
        env = "GRADTRACE_REMIND_COOLDOWN_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub remind_cooldown_hours: u32,

    /// Sends claimed by a worker at once.
    #[arg(
        long,
        env = "GRADTRACE_REMIND_BATCH",
        default_value_t = 100,
        global = true
    )]
    pub remind_batch: u32,

    /// Sends a worker has in flight at once.
    #[arg(
        long,
        env = "GRADTRACE_REMIND_CONCURRENCY",
        default_value_t = 16,
        global = true
    )]
    pub remind_concurrency: u32,

    /// How long a claim is held before another worker may take the send over, in seconds
    /// (longer than any send takes; a killed worker's sends come back after it).
    #[arg(
        long,
        env = "GRADTRACE_REMIND_LEASE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub remind_lease_secs: u64,

    /// Provider limits, sends per second per channel (token buckets shared through Redis).
    #[arg(
        long,
        env = "GRADTRACE_RATE_EMAIL",
        default_value_t = 200,
        global = true
    )]
    pub rate_email: u32,
    #[arg(long, env = "GRADTRACE_RATE_SMS", default_value_t = 20, global = true)]
    pub rate_sms: u32,
    #[arg(long, env = "GRADTRACE_RATE_BOT", default_value_t = 20, global = true)]
    pub rate_bot: u32,
}

impl Default for RemindConfig {
    fn default() -> RemindConfig {
        RemindConfig {
            redis_prefix: "gradtrace".into(),
            smtp_pool_size: 8,
            sms_api_base: None,
            sms_api_key: None,
            sms_template_id: String::new(),
            sms_sign_name: String::new(),
            sms_variables: "code,link".into(),
            remind_max_attempts: 5,
            remind_retry_secs: 60,
            remind_cooldown_hours: 24,
            remind_batch: 100,
            remind_concurrency: 16,
            remind_lease_secs: 300,
            rate_email: 200,
            rate_sms: 20,
            rate_bot: 20,
        }
    }
}

/// The SMS key is shown only as set or unset.
impl std::fmt::Debug for RemindConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemindConfig")
            .field("redis_prefix", &self.redis_prefix)
            .field("smtp_pool_size", &self.smtp_pool_size)
            .field("sms_api_base", &self.sms_api_base)
            .field(
                "sms_api_key",
                &if self.sms_api_key.is_some() {
                    "<set>"
                } else {
                    "<unset>"
                },
            )
            .field("sms_template_id", &self.sms_template_id)
            .field("sms_sign_name", &self.sms_sign_name)
            .field("sms_variables", &self.sms_variables)
            .field("remind_max_attempts", &self.remind_max_attempts)
            .field("remind_retry_secs", &self.remind_retry_secs)
            .field("remind_cooldown_hours", &self.remind_cooldown_hours)
            .field("remind_batch", &self.remind_batch)
            .field("remind_concurrency", &self.remind_concurrency)
            .field("remind_lease_secs", &self.remind_lease_secs)
            .field("rate_email", &self.rate_email)
            .field("rate_sms", &self.rate_sms)
            .field("rate_bot", &self.rate_bot)
            .finish()
    }
}
