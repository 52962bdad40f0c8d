//! Settings of the messaging adapters, as environment variables with matching flags. The lead
//! flattens `BotConfig` into the main `Config`; a platform is enabled when its secrets are set.
use clap::Args;

/// Default API bases: the platforms' public endpoints. Tests and private gateways override them.
pub const WECHAT_API_BASE: &str = "https://api.weixin.qq.com";
pub const TELEGRAM_API_BASE: &str = "https://api.telegram.org";
pub const WHATSAPP_API_BASE: &str = "https://graph.facebook.com/v21.0";

#[derive(Clone, Args)]
pub struct BotConfig {
    /// WeChat Official Account server token (the shared secret of the SHA1 signatures).
    #[arg(long, env = "WECHAT_TOKEN", hide_env_values = true, global = true)]
    pub wechat_token: Option<String>,

    /// WeChat AppID (also the receive id checked in safe-mode messages).
    #[arg(long, env = "WECHAT_APP_ID", global = true)]
    pub wechat_app_id: Option<String>,

    /// WeChat AppSecret, used to fetch access tokens for the customer-service API.
    #[arg(long, env = "WECHAT_APP_SECRET", hide_env_values = true, global = true)]
    pub wechat_app_secret: Option<String>,

    /// WeChat EncodingAESKey (43 characters); when set, safe mode is required on every POST.
    #[arg(long, env = "WECHAT_AES_KEY", hide_env_values = true, global = true)]
    pub wechat_aes_key: Option<String>,

    /// The previous EncodingAESKey, still accepted while WeChat switches to the new one.
    #[arg(
        long,
        env = "WECHAT_AES_KEY_PREVIOUS",
        hide_env_values = true,
        global = true
    )]
    pub wechat_aes_key_previous: Option<String>,

    /// Largest accepted distance between a WeChat request's timestamp and our clock, in seconds.
    #[arg(
        long,
        env = "WECHAT_MAX_SKEW_SECS",
        default_value_t = 300,
        global = true
    )]
    pub wechat_max_skew_secs: i64,

    /// Access-token endpoint: `token` (classic) or `stable_token` (does not invalidate the
    /// tokens other instances hold).
    #[arg(
        long,
        env = "WECHAT_TOKEN_ENDPOINT",
        default_value = "token",
        global = true
    )]
    pub wechat_token_endpoint: String,

    /// Send choices as customer-service menu messages (`msgmenu`); needs a verified service
    /// account, otherwise WeChat answers 40200 and the bot falls back to plain text.
    #[arg(long, env = "WECHAT_MENU_MESSAGES", global = true)]
    pub wechat_menu_messages: bool,

    /// Base URL of the WeChat API.
    #[arg(long, env = "WECHAT_API_BASE", default_value = WECHAT_API_BASE, global = true)]
    pub wechat_api_base: String,

    /// Telegram bot token (from BotFather).
    #[arg(
        long,
        env = "TELEGRAM_BOT_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub telegram_bot_token: Option<String>,

    /// Secret that Telegram sends in `X-Telegram-Bot-Api-Secret-Token` (set with setWebhook).
    #[arg(
        long,
        env = "TELEGRAM_SECRET_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub telegram_secret_token: Option<String>,

    /// Base URL of the Telegram Bot API.
    #[arg(long, env = "TELEGRAM_API_BASE", default_value = TELEGRAM_API_BASE, global = true)]
    pub telegram_api_base: String,

    /// WhatsApp Cloud API access token (system user).
    #[arg(long, env = "WHATSAPP_TOKEN", hide_env_values = true, global = true)]
    pub whatsapp_token: Option<String>,

    /// Meta App Secret: the key of the `X-Hub-Signature-256` HMAC.
    #[arg(
        long,
        env = "WHATSAPP_APP_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub whatsapp_app_secret: Option<String>,

    /// Verify token echoed in the webhook's GET verification.
    #[arg(
        long,
        env = "WHATSAPP_VERIFY_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub whatsapp_verify_token: Option<String>,

    /// The business phone number id messages are sent from.
    #[arg(long, env = "WHATSAPP_PHONE_NUMBER_ID", global = true)]
    pub whatsapp_phone_number_id: Option<String>,

    /// Base URL of the WhatsApp Cloud API, including the Graph API version.
    #[arg(long, env = "WHATSAPP_API_BASE", default_value = WHATSAPP_API_BASE, global = true)]
    pub whatsapp_api_base: String,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            wechat_token: None,
            wechat_app_id: None,
            wechat_app_secret: None,
            wechat_aes_key: None,
            wechat_aes_key_previous: None,
            wechat_max_skew_secs: 300,
            wechat_token_endpoint: "token".to_string(),
            wechat_menu_messages: false,
            wechat_api_base: WECHAT_API_BASE.to_string(),
            telegram_bot_token: None,
            telegram_secret_token: None,
            telegram_api_base: TELEGRAM_API_BASE.to_string(),
            whatsapp_token: None,
            whatsapp_app_secret: None,
            whatsapp_verify_token: None,
            whatsapp_phone_number_id: None,
            whatsapp_api_base: WHATSAPP_API_BASE.to_string(),
        }
    }
}

impl BotConfig {
    /// WeChat is enabled when its server token is set.
    pub fn wechat_enabled(&self) -> bool {
        self.wechat_token.is_some()
    }

    /// Telegram is enabled when its secret header is set (the only proof a request is Telegram's).
    pub fn telegram_enabled(&self) -> bool {
        self.telegram_secret_token.is_some()
    }

    /// WhatsApp is enabled when its app secret is set.
    pub fn whatsapp_enabled(&self) -> bool {
        self.whatsapp_app_secret.is_some()
    }
}

/// Secrets are shown only as set or unset.
impl std::fmt::Debug for BotConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn set(v: &Option<String>) -> &'static str {
            if v.is_some() { "<set>" } else { "<unset>" }
        }
        f.debug_struct("BotConfig")
            .field("wechat_token", &set(&self.wechat_token))
            .field("wechat_app_id", &self.wechat_app_id)
            .field("wechat_app_secret", &set(&self.wechat_app_secret))
            .field("wechat_aes_key", &set(&self.wechat_aes_key))
            .field(
                "wechat_aes_key_previous",
                &set(&self.wechat_aes_key_previous),
            )
            .field("wechat_max_skew_secs", &self.wechat_max_skew_secs)
            .field("wechat_token_endpoint", &self.wechat_token_endpoint)
            .field("wechat_menu_messages", &self.wechat_menu_messages)
            .field("wechat_api_base", &self.wechat_api_base)
            .field("telegram_bot_token", &set(&self.telegram_bot_token))
            .field("telegram_secret_token", &set(&self.telegram_secret_token))
            .field("telegram_api_base", &self.telegram_api_base)
            .field("whatsapp_token", &set(&self.whatsapp_token))
            .field("whatsapp_app_secret", &set(&self.whatsapp_app_secret))
            .field("whatsapp_verify_token", &set(&self.whatsapp_verify_token))
            .field("whatsapp_phone_number_id", &self.whatsapp_phone_number_id)
            .field("whatsapp_api_base", &self.whatsapp_api_base)
            .finish()
    }
}
