//! The unified social credit code (统一社会信用代码, GB 32100-2015) that identifies an employer:
//! 18 characters whose last one is a check character over the first 17.
use std::fmt;

use super::Reason;

/// The 31 characters a code may use (no I, O, S, V, Z), in the order of their values 0–30.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17: 3^(i) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A code whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uscc(String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters of a code.
pub fn check_character(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[check as usize]))
}

impl Uscc {
    /// Accepts the code in any case, with spaces around or inside (as printed on licences).
    pub fn parse(s: &str) -> Result<Uscc, Reason> {
        let code: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.chars().count() != 18 {
            return Err(Reason::UsccLength);
        }
        let bytes = code.as_bytes();
        if bytes.iter().any(|b| value_of(*b).is_none()) {
            return Err(Reason::UsccCharacter);
        }
        match check_character(&bytes[..17]) {
            Some(c) if c as u8 == bytes[17] => Ok(Uscc(code)),
            _ => Err(Reason::UsccCheck),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn case_and_spaces_do_not_matter() {
        let code = Uscc::parse(" 91330100 799655058b ").unwrap();
        assert_eq!(code.as_str(), "91330100799655058B");
    }

    #[test]
    fn letters_never_used_in_codes_are_refused() {
        assert_eq!(
            Uscc::parse("91330100799655058O"),
            Err(Reason::UsccCharacter)
        );
        assert_eq!(Uscc::parse("9133010079965505"), Err(Reason::UsccLength));
    }
}
