//! The one place that builds personal survey links, so every front door and sender agrees.

/// Path prefix of the web form's personal entry point (`GET /s/{token}`).
pub const SURVEY_PATH: &str = "/s/";

/// The personal link of an invitation: `{base_url}/s/{token}`.
pub fn survey_link(base_url: &str, token: &str) -> String {
    format!("{}{SURVEY_PATH}{token}", base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_join_base_and_token_with_one_slash() {
        assert_eq!(
            survey_link("https://survey.example.edu/", "abc.def.ghi"),
            "https://survey.example.edu/s/abc.def.ghi"
        );
        assert_eq!(
            survey_link("http://127.0.0.1:8080", "t"),
            "http://127.0.0.1:8080/s/t"
        );
    }
}
