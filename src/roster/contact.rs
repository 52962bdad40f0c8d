//! Contact details that reminders go out to: e-mail addresses and mobile numbers, checked and
//! brought to one canonical form so the same person is not stored two ways.
use std::fmt;

use super::Reason;

/// An e-mail address of plausible shape (`local@domain.tld`, domain in lower case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Email, Reason> {
        let s = s.trim();
        let (local, domain) = s.split_once('@').ok_or(Reason::Email)?;
        let forbidden =
            |c: char| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c);
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(forbidden)
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let domain = domain.to_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        let domain_ok = labels.len() >= 2
            && labels.iter().all(label_ok)
            && labels
                .last()
                .is_some_and(|tld| tld.chars().any(char::is_alphabetic));
        if !local_ok || !domain_ok || s.len() > 254 {
            return Err(Reason::Email);
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A mobile number: a mainland 11-digit number (`13800138000`; `+86` is dropped) or an
/// international number in E.164 form (`+85291234567`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

fn is_mainland_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

impl Phone {
    pub fn parse(s: &str) -> Result<Phone, Reason> {
        // People write numbers with spaces, dashes, dots and brackets: "138 0013 8000".
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '(' | ')' | '.'))
            .collect();
        let international = compact
            .strip_prefix('+')
            .or_else(|| compact.strip_prefix("00"));
        match international {
            Some(digits) => {
                let e164 = (8..=15).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && !digits.starts_with('0');
                if !e164 {
                    return Err(Reason::Phone);
                }
                match digits.strip_prefix("86") {
                    Some(national) if is_mainland_mobile(national) => {
                        Ok(Phone(national.to_string()))
                    }
                    _ => Ok(Phone(format!("+{digits}"))),
                }
            }
            None if is_mainland_mobile(&compact) => Ok(Phone(compact)),
            None => Err(Reason::Phone),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_of_usual_shapes_are_accepted_with_the_domain_lowered() {
        for (given, stored) in [
            ("wang.xm@example.edu.cn", "wang.xm@example.edu.cn"),
            (" Li+roster@QQ.COM ", "Li+roster@qq.com"),
            ("张三@例子.中国", "张三@例子.中国"),
        ] {
            assert_eq!(Email::parse(given).unwrap().as_str(), stored);
        }
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "wang",
            "wang@",
            "@example.com",
            "wang@example",
            "wang@@example.com",
            "wang xm@example.com",
            "wang@exa mple.com",
            ".wang@example.com",
            "wang..xm@example.com",
            "wang@-example.com",
            "wang@example.123",
            "wang@example..com",
        ] {
            assert_eq!(Email::parse(bad), Err(Reason::Email), "{bad:?}");
        }
    }

    #[test]
    fn mainland_numbers_are_stored_as_eleven_digits() {
        for given in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "008613800138000",
        ] {
            assert_eq!(
                Phone::parse(given).unwrap().as_str(),
                "13800138000",
                "{given:?}"
            );
        }
    }

    #[test]
    fn international_numbers_keep_their_plus() {
        assert_eq!(
            Phone::parse("+852 9123 4567").unwrap().as_str(),
            "+85291234567"
        );
        assert_eq!(
            Phone::parse("+1 (415) 555-0100").unwrap().as_str(),
            "+14155550100"
        );
    }

    #[test]
    fn other_numbers_are_refused() {
        for bad in [
            "",
            "12345",
            "12800138000",
            "1380013800",
            "138001380001",
            "010-12345678",
            "+0123456789",
            "+86abc",
            "+1234567",
        ] {
            assert_eq!(Phone::parse(bad), Err(Reason::Phone), "{bad:?}");
        }
    }
}
