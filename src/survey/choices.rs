//! Shared choice lists (`surveys/choices.toml`) and regions (`surveys/regions.toml`: provinces →
//! cities with zone and city tier), and how a region answer is classified for the indicators.
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::answer::Answer;

/// `choices.toml`: `[lists.<id>] options = [...]`, optional `other = "<option>"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceFile {
    #[serde(default)]
    pub lists: BTreeMap<String, ChoiceList>,
}

/// A choice list shared by surveys; option labels are messages `choice-<list>-<option>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceList {
    pub options: Vec<String>,
    /// The option that asks "please specify".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

/// One option offered to the respondent, with the Fluent message of its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceOption {
    pub id: String,
    pub label_key: String,
}

/// East/central/west (and Hong Kong, Macao, Taiwan as `other`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    East,
    Central,
    West,
    Other,
}

/// City tier: first-tier, new first-tier, other cities; `county` comes from the answer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CityTier {
    First,
    NewFirst,
    Other,
    County,
}

/// `regions.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    #[serde(default)]
    pub provinces: Vec<Province>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Province {
    /// GB/T 2260 code, two digits (`44`).
    pub code: String,
    pub zh: String,
    pub en: String,
    pub zone: Zone,
    #[serde(default)]
    pub cities: Vec<City>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// GB/T 2260 code, four digits (`4403`).
    pub code: String,
    pub zh: String,
    pub en: String,
    pub tier: CityTier,
}

impl Regions {
    pub fn province(&self, code: &str) -> Option<&Province> {
        self.provinces.iter().find(|p| p.code == code)
    }

    /// A city of a province.
    pub fn city(&self, province: &str, city: &str) -> Option<&City> {
        self.province(province)?
            .cities
            .iter()
            .find(|c| c.code == city)
    }

    /// Zone and city tier of a region answer; `None` for other answers or unknown codes. A
    /// province without cities (Hong Kong, Macao, Taiwan) counts as tier `other`.
    pub fn class(&self, answer: &Answer) -> Option<(Zone, CityTier)> {
        let Answer::Region {
            province,
            city,
            county,
        } = answer
        else {
            return None;
        };
        let p = self.province(province)?;
        let tier = match city {
            Some(code) => self.city(province, code)?.tier,
            None if p.cities.is_empty() => CityTier::Other,
            None => return None,
        };
        Some((p.zone, if *county { CityTier::County } else { tier }))
    }

    /// The region's name in Chinese and English: the city's, or the province's when no city.
    pub fn names(&self, answer: &Answer) -> Option<(String, String)> {
        let Answer::Region { province, city, .. } = answer else {
            return None;
        };
        let p = self.province(province)?;
        match city.as_deref().and_then(|c| self.city(province, c)) {
            Some(c) => Some((c.zh.clone(), c.en.clone())),
            None => Some((p.zh.clone(), p.en.clone())),
        }
    }
}
