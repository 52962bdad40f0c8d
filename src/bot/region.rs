//! The region question in one chat message: "深圳", "广东深圳", "Shenzhen, Guangdong",
//! "北京朝阳", "国外", "梅州五华县" read against `regions.toml` into a province, a city and the
//! county-level tick — or just a province, when the conversation must then offer its cities.
use super::parse::{Reason, normalize};
use crate::survey::{Answer, Regions};

/// What a place reply names.
#[derive(Debug, Clone, PartialEq)]
pub enum RegionReply {
    /// A complete region answer.
    Answer(Answer),
    /// A province with several cities and no city named: ask for the city next.
    Province { province: String, county: bool },
}

/// Words that say the place is at county level or below.
const COUNTY_WORDS: &[&str] = &[
    "县城", "县级", "县", "乡镇", "乡", "镇", "农村", "村", "county", "township", "village",
];

/// Words for "abroad" (the `99` entry of `regions.toml`).
const ABROAD_WORDS: &[&str] = &[
    "国外", "境外", "海外", "外国", "abroad", "overseas", "foreign",
];
const ABROAD_CODE: &str = "99";

/// Suffixes dropped from provinces' Chinese names ("广西壮族自治区" → "广西").
const PROVINCE_SUFFIXES: &[&str] = &["特别行政区", "自治区", "壮族", "回族", "维吾尔", "省", "市"];

/// Ethnic names inside autonomous prefectures' names ("延边朝鲜族自治州" → "延边").
const ETHNIC_MARKERS: &[&str] = &[
    "朝鲜族",
    "土家族",
    "苗族",
    "藏族",
    "羌族",
    "彝族",
    "白族",
    "傣族",
    "哈尼族",
    "布依族",
    "侗族",
    "傈僳族",
    "景颇族",
    "回族",
    "壮族",
    "蒙古族",
    "蒙古",
    "哈萨克",
    "柯尔克孜",
];

/// The short Chinese name people type.
fn zh_short(name: &str, province: bool) -> String {
    // "境外（国外）" → "境外".
    let mut s = name
        .split(['（', '('])
        .next()
        .unwrap_or(name)
        .trim()
        .to_string();
    if province {
        let mut changed = true;
        while changed {
            changed = false;
            for suffix in PROVINCE_SUFFIXES {
                if let Some(rest) = s.strip_suffix(suffix)
                    && rest.chars().count() >= 2
                {
                    s = rest.to_string();
                    changed = true;
                }
            }
        }
        return s;
    }
    if let Some(rest) = s.strip_suffix("自治州") {
        let cut = ETHNIC_MARKERS
            .iter()
            .filter_map(|m| rest.find(m))
            .filter(|&i| i >= 6) // at least two characters before it
            .min()
            .unwrap_or(rest.len());
        return rest[..cut].to_string();
    }
    for suffix in ["地区", "林区", "盟", "市"] {
        if let Some(rest) = s.strip_suffix(suffix)
            && rest.chars().count() >= 2
        {
            return rest.to_string();
        }
    }
    s
}

/// English text as lowercase words separated by single spaces, apostrophes dropped
/// ("Xi'an" → "xian", "Shenzhen, Guangdong" → "shenzhen guangdong").
fn en_words(s: &str) -> String {
    normalize(s)
        .replace(['\'', '’'], "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The English name people type, without "City", "Prefecture" and the like.
fn en_short(name: &str) -> String {
    let words = en_words(name);
    let mut s = words.as_str();
    for suffix in [
        " autonomous prefecture",
        " prefecture",
        " league",
        " city",
        " sar",
    ] {
        s = s.strip_suffix(suffix).unwrap_or(s);
    }
    s.to_string()
}

fn squash(s: &str) -> String {
    normalize(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// One province or city with the names people type, prepared once.
#[derive(Debug, Clone)]
struct Entry {
    province: String,
    city: Option<String>,
    /// Short names: Chinese ("深圳") and English words ("shenzhen").
    names: Vec<String>,
    /// Full names, for cities ("吉林市", "jilin city").
    full: Vec<String>,
    /// A county its province administers directly (county level by itself).
    is_county: bool,
}

/// The provinces and cities of `regions.toml`, with their names ready for matching replies.
/// Build it once (at start-up, from `Catalog::regions`).
#[derive(Debug, Clone)]
pub struct RegionIndex {
    entries: Vec<Entry>,
    /// Provinces without cities (Hong Kong, Macao, Taiwan, abroad) and with one (municipalities).
    city_counts: std::collections::HashMap<String, Vec<String>>,
    abroad: bool,
}

impl RegionIndex {
    pub fn new(regions: &Regions) -> RegionIndex {
        let mut entries = Vec::new();
        let mut city_counts = std::collections::HashMap::new();
        for p in &regions.provinces {
            entries.push(Entry {
                province: p.code.clone(),
                city: None,
                names: vec![zh_short(&p.zh, true), en_short(&p.en)],
                full: Vec::new(),
                is_county: false,
            });
            city_counts.insert(
                p.code.clone(),
                p.cities.iter().map(|c| c.code.clone()).collect::<Vec<_>>(),
            );
            for c in &p.cities {
                entries.push(Entry {
                    province: p.code.clone(),
                    city: Some(c.code.clone()),
                    names: vec![zh_short(&c.zh, false), en_short(&c.en)],
                    full: vec![squash(&c.zh), en_words(&c.en)],
                    is_county: c.zh.ends_with('县'),
                });
            }
        }
        RegionIndex {
            entries,
            city_counts,
            abroad: regions.province(ABROAD_CODE).is_some(),
        }
    }
}

/// A place named in the reply: which entry, the short name that matched, and its full name
/// when that was typed too ("吉林市", not only "吉林").
struct Hit<'r> {
    entry: &'r Entry,
    name: &'r str,
    full: Option<&'r str>,
}

impl Hit<'_> {
    fn province(&self) -> &str {
        &self.entry.province
    }
}

/// Finds the place named in a free-text reply.
pub fn parse_region(text: &str, index: &RegionIndex) -> Result<RegionReply, Reason> {
    let t = normalize(text);
    if t.is_empty() {
        return Err(Reason::Empty);
    }
    let s = squash(&t);
    // English names match whole words ("Ji'an" is not inside "Jiangxi"); Chinese names match
    // anywhere (no spaces between words).
    let en = format!(" {} ", en_words(&t));
    let found = |name: &str| {
        if name.is_ascii() {
            name.len() >= 3
                && en
                    .match_indices(name)
                    .any(|(i, _)| en[..i].ends_with(' ') && en[i + name.len()..].starts_with(' '))
        } else {
            name.chars().count() >= 2 && s.contains(name)
        }
    };

    let mut provinces: Vec<Hit> = Vec::new();
    let mut cities: Vec<Hit> = Vec::new();
    for e in &index.entries {
        let Some(name) = e.names.iter().filter(|n| found(n)).max_by_key(|n| n.len()) else {
            continue;
        };
        let full = e
            .full
            .iter()
            .filter(|f| f.len() > name.len())
            .find(|f| found(f))
            .map(String::as_str);
        let hit = Hit {
            entry: e,
            name,
            full,
        };
        if e.city.is_some() {
            cities.push(hit);
        } else {
            provinces.push(hit);
        }
    }
    // "国外" only when no place of ours is named ("上海的外国公司" is Shanghai).
    if provinces.is_empty()
        && cities.is_empty()
        && index.abroad
        && ABROAD_WORDS.iter().any(|w| t.contains(w))
    {
        return Ok(RegionReply::Answer(Answer::Region {
            province: ABROAD_CODE.to_string(),
            city: None,
            county: false,
        }));
    }
    // "Xianyang" also contains "Xian": a name inside a longer matched name does not count.
    let longer: Vec<&str> = cities.iter().map(|h| h.name).collect();
    cities.retain(|h| {
        !longer
            .iter()
            .any(|l| l.len() > h.name.len() && l.contains(h.name))
    });

    // "海南藏族自治州" (in Qinghai) is not the province 海南: a province name inside a city's
    // full name, typed in full, does not count.
    provinces.retain(|p| {
        !cities
            .iter()
            .any(|c| c.province() != p.province() && c.full.is_some_and(|f| f.contains(p.name)))
    });
    // "吉林" names the province 吉林省 and the city 吉林市 alike: it is the province unless
    // the city was named in full ("吉林市"), so "吉林省长春市" is 长春.
    cities.retain(|c| {
        c.full.is_some()
            || !provinces
                .iter()
                .any(|p| p.province() == c.province() && p.name == c.name)
    });

    // The county tick: county words left once the matched names are taken out ("镇江" is a city).
    let mut rest = t.clone();
    for h in provinces.iter().chain(cities.iter()) {
        rest = rest.replace(h.name, "");
    }
    let county = COUNTY_WORDS.iter().any(|w| rest.contains(w));

    let region = |province: &str, city: Option<&str>, is_county: bool| {
        RegionReply::Answer(Answer::Region {
            province: province.to_string(),
            city: city.map(str::to_string),
            county: county || is_county,
        })
    };
    // Cities inside a named province win ("北京朝阳": Beijing, not Chaoyang in Liaoning).
    let candidates: Vec<&Hit> = cities
        .iter()
        .filter(|c| provinces.is_empty() || provinces.iter().any(|p| p.province() == c.province()))
        .collect();
    match candidates.as_slice() {
        [c] => {
            return Ok(region(
                c.province(),
                c.entry.city.as_deref(),
                c.entry.is_county,
            ));
        }
        [] => {}
        many => {
            return Err(Reason::AmbiguousPlace(
                many.iter().filter_map(|c| c.entry.city.clone()).collect(),
            ));
        }
    }
    match provinces.as_slice() {
        [p] => match index.city_counts.get(p.province()).map(Vec::as_slice) {
            None | Some([]) => Ok(region(p.province(), None, false)),
            Some([only]) => Ok(region(p.province(), Some(only), false)),
            Some(_) => Ok(RegionReply::Province {
                province: p.province().to_string(),
                county,
            }),
        },
        [] => Err(Reason::NoPlace),
        many => Err(Reason::AmbiguousPlace(
            many.iter().map(|p| p.province().to_string()).collect(),
        )),
    }
}
