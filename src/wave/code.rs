//! Invitation codes: 8 characters a person can read aloud and type on a phone to bind the
//! chat-bot, shown as `ABCD-EFGH`, accepted in any case with or without the dash or spaces.
use std::collections::HashSet;
use std::fmt;

use rand::Rng;

use crate::error::{Error, Result};

/// Digits and capitals without the look-alikes 0/O, 1/I/L, and U (avoids accidental words).
pub const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a code (without the dash). 30^8 ≈ 6.6 × 10^11 codes: guessing one of even
/// 100,000 live codes takes millions of tries, far beyond what `limit` lets through.
pub const LEN: usize = 8;

/// A well-formed invitation code, stored and compared in its normal form (8 capitals, no dash).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(String);

impl Code {
    /// Reads a code as a person typed it: case-insensitive, dashes and spaces ignored.
    pub fn parse(input: &str) -> Result<Code> {
        let normal: String = input
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}' | '\t'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if normal.chars().count() != LEN {
            return Err(Error::Invalid(format!(
                "an invitation code has {LEN} characters, like ABCD-EFGH"
            )));
        }
        if let Some(bad) = normal.chars().find(|c| !is_code_char(*c)) {
            return Err(Error::Invalid(format!(
                "an invitation code never contains '{bad}' (codes use 2-9 and letters without I, L, O, U)"
            )));
        }
        Ok(Code(normal))
    }

    /// A fresh random code (thread-local CSPRNG).
    pub fn random() -> Code {
        let mut rng = rand::rng();
        let s = (0..LEN)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        Code(s)
    }

    /// `count` distinct random codes, none of them in `taken`.
    pub fn random_distinct(count: usize, taken: &HashSet<String>) -> Vec<Code> {
        let mut seen = HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let code = Code::random();
            if !taken.contains(code.as_str()) && seen.insert(code.0.clone()) {
                out.push(code);
            }
        }
        out
    }

    /// The normal form, as stored in `invitation.code`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_code_char(c: char) -> bool {
    c.is_ascii() && ALPHABET.contains(&(c as u8))
}

/// For reading: `ABCD-EFGH`.
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.0.split_at(LEN / 2);
        write!(f, "{a}-{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_codes_use_only_the_alphabet_and_print_with_a_dash() {
        for _ in 0..1000 {
            let code = Code::random();
            assert_eq!(code.as_str().len(), LEN);
            assert!(code.as_str().bytes().all(|b| ALPHABET.contains(&b)));
            let shown = code.to_string();
            assert_eq!(shown.len(), LEN + 1);
            assert_eq!(&shown[4..5], "-");
            assert_eq!(Code::parse(&shown).unwrap(), code);
        }
    }

    #[test]
    fn alphabet_has_no_look_alikes() {
        for c in ['0', 'O', '1', 'I', 'L', 'U'] {
            assert!(!ALPHABET.contains(&(c as u8)), "{c} must not be in codes");
        }
        let distinct: HashSet<u8> = ALPHABET.iter().copied().collect();
        assert_eq!(distinct.len(), ALPHABET.len());
    }

    #[test]
    fn typed_codes_are_normalised() {
        let want = Code::parse("ABCD-EFGH").unwrap();
        for typed in [
            "abcd-efgh",
            "ABCDEFGH",
            " abcd efgh ",
            "Abcd - Efgh",
            "ABCD\u{3000}EFGH",
        ] {
            assert_eq!(Code::parse(typed).unwrap(), want, "{typed:?}");
        }
        assert_eq!(want.as_str(), "ABCDEFGH");
    }

    #[test]
    fn malformed_codes_are_refused_with_a_reason() {
        let short = Code::parse("ABC-EFG").unwrap_err().to_string();
        assert!(short.contains("8 characters"), "{short}");
        let ambiguous = Code::parse("ABCD-EFG0").unwrap_err().to_string();
        assert!(ambiguous.contains("'0'"), "{ambiguous}");
        assert!(Code::parse("ABCD-EFGÉ").is_err());
        assert!(Code::parse("").is_err());
    }
}
