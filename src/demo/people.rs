//! The demo's people, made up deterministically: graduates of each cohort over five departments
//! and ten majors (classes of about thirty, every degree level), employers with valid credit
//! codes, and staff at every level of the liaison chain. Written out as roster CSV files so the
//! real roster import reads and stores them.
use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::roster::uscc;

/// Every demo RNG starts from this (mixed with what it is for), so every run makes the same
/// people and answers.
pub const SEED: u64 = 0x6772_6164_7472_6163; // "gradtrac"

/// A seeded RNG for one purpose (`"cohort:2025"`, `"answers:year1:2024:20211010105"`): the
/// same purpose always draws the same numbers, whatever else was drawn before.
pub fn rng_for(purpose: &str) -> StdRng {
    // FNV-1a over the purpose, then mixed with the seed (splitmix64 finaliser).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in purpose.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = h ^ SEED;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    StdRng::seed_from_u64(z ^ (z >> 31))
}

/// Picks an item by weight (weights need not sum to 1; a zero weight is never picked). Callers
/// pass a non-empty list.
pub fn weighted<T: Copy>(rng: &mut impl Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w.max(0.0)).sum();
    let mut x = rng.random::<f64>() * total;
    for (item, w) in items {
        let w = w.max(0.0);
        if x < w {
            return *item;
        }
        x -= w;
    }
    // Rounding left x at the very top: the last item with weight.
    items
        .iter()
        .rev()
        .find(|(_, w)| *w > 0.0)
        .unwrap_or(&items[items.len() - 1])
        .0
}

/// A degree level with how the school names and numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Degree {
    Associate,
    Bachelor,
    Master,
    Doctor,
}

impl Degree {
    pub fn as_str(self) -> &'static str {
        match self {
            Degree::Associate => "associate",
            Degree::Bachelor => "bachelor",
            Degree::Master => "master",
            Degree::Doctor => "doctor",
        }
    }

    /// The digit after the entry year in a student id.
    fn id_digit(self) -> u32 {
        match self {
            Degree::Bachelor => 1,
            Degree::Master => 2,
            Degree::Associate => 3,
            Degree::Doctor => 4,
        }
    }

    /// How a class name marks the level (bachelor classes carry no mark).
    fn class_mark(self) -> &'static str {
        match self {
            Degree::Associate => "专",
            Degree::Bachelor => "",
            Degree::Master => "硕",
            Degree::Doctor => "博",
        }
    }

    /// How a class liaison's username marks the level.
    fn username_mark(self) -> &'static str {
        match self {
            Degree::Associate => "a",
            Degree::Bachelor => "",
            Degree::Master => "m",
            Degree::Doctor => "d",
        }
    }
}

/// A department with the ASCII code its officer's username uses.
pub struct Department {
    pub name: &'static str,
    pub code: &'static str,
}

pub const DEPARTMENTS: [Department; 5] = [
    Department {
        name: "计算机学院",
        code: "cs",
    },
    Department {
        name: "机械工程学院",
        code: "me",
    },
    Department {
        name: "经济管理学院",
        code: "em",
    },
    Department {
        name: "外国语学院",
        code: "fl",
    },
    Department {
        name: "医学院",
        code: "med",
    },
];

/// A major and the programmes (degree level, years of study, usual class size) that lead to it.
pub struct Major {
    pub department: &'static str,
    pub name: &'static str,
    /// The short name classes are called by (`计科2201`).
    pub short: &'static str,
    /// ASCII, for usernames.
    pub slug: &'static str,
    pub programmes: &'static [(Degree, i32, u32)],
    pub female_share: f64,
}

pub const MAJORS: [Major; 10] = [
    Major {
        department: "计算机学院",
        name: "计算机科学与技术",
        short: "计科",
        slug: "cs",
        programmes: &[
            (Degree::Bachelor, 4, 28),
            (Degree::Master, 3, 14),
            (Degree::Doctor, 4, 4),
        ],
        female_share: 0.3,
    },
    Major {
        department: "计算机学院",
        name: "软件工程",
        short: "软工",
        slug: "se",
        programmes: &[(Degree::Bachelor, 4, 28), (Degree::Associate, 3, 20)],
        female_share: 0.3,
    },
    Major {
        department: "机械工程学院",
        name: "机械设计制造及其自动化",
        short: "机制",
        slug: "mech",
        programmes: &[(Degree::Bachelor, 4, 28), (Degree::Master, 3, 10)],
        female_share: 0.12,
    },
    Major {
        department: "机械工程学院",
        name: "车辆工程",
        short: "车辆",
        slug: "veh",
        programmes: &[(Degree::Bachelor, 4, 24)],
        female_share: 0.1,
    },
    Major {
        department: "经济管理学院",
        name: "会计学",
        short: "会计",
        slug: "acc",
        programmes: &[(Degree::Bachelor, 4, 28), (Degree::Associate, 3, 16)],
        female_share: 0.75,
    },
    Major {
        department: "经济管理学院",
        name: "市场营销",
        short: "营销",
        slug: "mkt",
        programmes: &[(Degree::Bachelor, 4, 22)],
        female_share: 0.6,
    },
    Major {
        department: "外国语学院",
        name: "英语",
        short: "英语",
        slug: "eng",
        programmes: &[(Degree::Bachelor, 4, 22), (Degree::Master, 2, 5)],
        female_share: 0.82,
    },
    Major {
        department: "外国语学院",
        name: "日语",
        short: "日语",
        slug: "jpn",
        programmes: &[(Degree::Bachelor, 4, 16)],
        female_share: 0.78,
    },
    Major {
        department: "医学院",
        name: "临床医学",
        short: "临床",
        slug: "med",
        programmes: &[
            (Degree::Bachelor, 5, 26),
            (Degree::Master, 3, 9),
            (Degree::Doctor, 3, 3),
        ],
        female_share: 0.55,
    },
    Major {
        department: "医学院",
        name: "护理学",
        short: "护理",
        slug: "nur",
        programmes: &[(Degree::Associate, 3, 18)],
        female_share: 0.9,
    },
];

/// The major of a name, if it is one of the demo's.
pub fn major(name: &str) -> Option<&'static Major> {
    MAJORS.iter().find(|m| m.name == name)
}

/// Common surnames, roughly by frequency (a few two-character ones among them).
const SURNAMES: [(&str, f64); 60] = [
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.7),
    ("刘", 5.4),
    ("陈", 4.5),
    ("杨", 3.1),
    ("黄", 2.2),
    ("赵", 2.0),
    ("吴", 1.9),
    ("周", 1.9),
    ("徐", 1.4),
    ("孙", 1.4),
    ("马", 1.3),
    ("朱", 1.2),
    ("胡", 1.1),
    ("郭", 1.1),
    ("何", 1.1),
    ("林", 1.0),
    ("罗", 0.9),
    ("高", 0.9),
    ("郑", 0.8),
    ("梁", 0.8),
    ("谢", 0.7),
    ("宋", 0.6),
    ("唐", 0.6),
    ("许", 0.6),
    ("韩", 0.6),
    ("冯", 0.5),
    ("邓", 0.5),
    ("曹", 0.5),
    ("彭", 0.5),
    ("曾", 0.5),
    ("肖", 0.5),
    ("田", 0.4),
    ("董", 0.4),
    ("潘", 0.4),
    ("袁", 0.4),
    ("蔡", 0.4),
    ("蒋", 0.4),
    ("余", 0.4),
    ("于", 0.4),
    ("杜", 0.4),
    ("叶", 0.4),
    ("程", 0.3),
    ("魏", 0.3),
    ("苏", 0.3),
    ("吕", 0.3),
    ("丁", 0.3),
    ("沈", 0.3),
    ("钟", 0.3),
    ("姜", 0.3),
    ("崔", 0.3),
    ("陆", 0.3),
    ("范", 0.3),
    ("汪", 0.3),
    ("金", 0.3),
    ("夏", 0.2),
    ("方", 0.2),
    ("欧阳", 0.1),
    ("司马", 0.05),
];

const MALE_CHARS: [&str; 40] = [
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "辉", "鹏", "华", "飞", "鑫", "波",
    "斌", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "博", "晨", "轩", "然", "航",
    "铭", "哲", "睿", "泽", "文", "志", "嘉", "毅",
];

const FEMALE_CHARS: [&str; 40] = [
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "婷", "雪", "琳", "晶", "颖", "欣", "怡",
    "佳", "倩", "梦", "璐", "瑶", "雨", "萱", "涵", "诗", "思", "悦", "玥", "妍", "晴", "蕾", "薇",
    "文", "嘉", "宁", "琪", "彤", "洁", "月", "岚",
];

/// A plausible Chinese name: a surname and one or two given characters.
pub fn chinese_name(rng: &mut impl Rng, female: bool) -> String {
    let surname = weighted(rng, &SURNAMES);
    let pool: &[&str] = if female { &FEMALE_CHARS } else { &MALE_CHARS };
    let mut name = surname.to_string();
    let given = if rng.random_bool(0.7) { 2 } else { 1 };
    for _ in 0..given {
        name.push_str(pool[rng.random_range(0..pool.len())]);
    }
    name
}

/// One generated graduate, as a roster row.
#[derive(Debug, Clone)]
pub struct GraduateRow {
    pub student_id: String,
    pub name: String,
    pub degree: Degree,
    pub department: &'static str,
    pub major: &'static str,
    pub class_name: String,
    pub graduation_date: chrono::NaiveDate,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub gender: &'static str,
    pub wechat_openid: Option<String>,
}

/// A class of a cohort, with the username of its liaison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub name: String,
    pub major: &'static str,
    pub degree: Degree,
    pub liaison: String,
}

/// Where a cohort's people start in the fake phone range (1380000xxxx): 1,000 numbers a
/// cohort, by graduation year, so cohorts never share a number.
fn phone_block(cohort: i32) -> u32 {
    u32::try_from(cohort.rem_euclid(10)).unwrap_or(0) * 1000
}

/// The classes of a cohort: one per programme, named by entry year (`计科2201`, `软工专2301`).
pub fn classes(cohort: i32) -> Vec<Class> {
    let mut out = Vec::new();
    for major in &MAJORS {
        for (degree, years, _) in major.programmes {
            let entry = cohort - years;
            let yy = entry.rem_euclid(100);
            out.push(Class {
                name: format!("{}{}{yy:02}01", major.short, degree.class_mark()),
                major: major.name,
                degree: *degree,
                liaison: format!(
                    "class-{}{}{yy:02}01",
                    major.slug,
                    match degree.username_mark() {
                        "" => String::new(),
                        mark => format!("-{mark}"),
                    }
                ),
            });
        }
    }
    out
}

/// Everyone graduating in `cohort`; the same cohort year always gives the same people.
pub fn graduates(cohort: i32) -> Vec<GraduateRow> {
    let mut rng = rng_for(&format!("cohort:{cohort}"));
    let mut out = Vec::new();
    let block = phone_block(cohort);
    let classes = classes(cohort);
    let mut class_iter = classes.iter();
    for (major_index, major) in MAJORS.iter().enumerate() {
        for (degree, years, size) in major.programmes {
            let Some(class) = class_iter.next() else {
                break;
            };
            let entry = cohort - years;
            // Class sizes vary a little from year to year.
            let jitter = rng.random_range(0..=4) as i64 - 2;
            let n = (i64::from(*size) + jitter).max(2) as u32;
            let day = match degree {
                Degree::Associate | Degree::Bachelor => 30,
                Degree::Master => 25,
                Degree::Doctor => 12,
            };
            let graduation_date =
                chrono::NaiveDate::from_ymd_opt(cohort, 6, day).unwrap_or_default();
            for seq in 1..=n {
                let student_id = format!(
                    "{entry}{}{:02}01{seq:02}",
                    degree.id_digit(),
                    major_index + 1
                );
                let female = rng.random_bool(major.female_share);
                let name = chinese_name(&mut rng, female);
                let index = block + u32::try_from(out.len()).unwrap_or(0);
                let email = rng
                    .random_bool(0.97)
                    .then(|| format!("{}@example.edu.cn", student_id.to_lowercase()));
                let phone = rng.random_bool(0.95).then(|| format!("1380000{index:04}"));
                // Younger cohorts have bound the school's WeChat account more often.
                let openid_share = if cohort >= 2024 { 0.45 } else { 0.3 };
                let wechat_openid = rng.random_bool(openid_share).then(|| fake_openid(&mut rng));
                out.push(GraduateRow {
                    student_id,
                    name,
                    degree: *degree,
                    department: major.department,
                    major: major.name,
                    class_name: class.name.clone(),
                    graduation_date,
                    email,
                    phone,
                    gender: if female { "female" } else { "male" },
                    wechat_openid,
                });
            }
        }
    }
    out
}

/// A WeChat openid of the usual shape: `o` and 27 URL-safe characters.
fn fake_openid(rng: &mut impl Rng) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut s = String::from("o");
    for _ in 0..27 {
        s.push(char::from(CHARS[rng.random_range(0..CHARS.len())]));
    }
    s
}

/// One employer of the demo (names are invented; places are real cities).
#[derive(Debug, Clone)]
pub struct EmployerRow {
    pub uscc: String,
    pub name: &'static str,
    pub employer_type: &'static str,
    pub industry: &'static str,
    pub province: &'static str,
    pub city: &'static str,
    /// GB/T 2260 code of the city (as region answers use it).
    pub city_code: &'static str,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
}

/// (name, mail domain, employer type, industry (GB/T 4754 section), province, city, city code).
type EmployerSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const EMPLOYERS: [EmployerSpec; 40] = [
    (
        "杭州云栖数智科技有限公司",
        "yunqi",
        "private",
        "i",
        "浙江省",
        "杭州市",
        "3301",
    ),
    (
        "深圳市前海星图软件有限公司",
        "xingtu",
        "private",
        "i",
        "广东省",
        "深圳市",
        "4403",
    ),
    (
        "上海浦源信息技术有限公司",
        "puyuan",
        "private",
        "i",
        "上海市",
        "上海市",
        "3101",
    ),
    (
        "北京智联网络科技有限公司",
        "zhilian",
        "private",
        "i",
        "北京市",
        "北京市",
        "1101",
    ),
    (
        "南京紫金数据服务有限公司",
        "zijin",
        "state_owned",
        "i",
        "江苏省",
        "南京市",
        "3201",
    ),
    (
        "成都天府软件开发有限公司",
        "tianfu",
        "state_owned",
        "i",
        "四川省",
        "成都市",
        "5101",
    ),
    (
        "安策软件（上海）有限公司",
        "ancer",
        "foreign",
        "i",
        "上海市",
        "上海市",
        "3101",
    ),
    (
        "苏州博讯电子科技有限公司",
        "boxun",
        "private",
        "c",
        "江苏省",
        "苏州市",
        "3205",
    ),
    (
        "武汉光谷芯联半导体有限公司",
        "xinlian",
        "private",
        "c",
        "湖北省",
        "武汉市",
        "4201",
    ),
    (
        "浙江恒锐精密机械股份有限公司",
        "hengrui",
        "private",
        "c",
        "浙江省",
        "宁波市",
        "3302",
    ),
    (
        "合肥远航汽车零部件有限公司",
        "yuanhang",
        "state_owned",
        "c",
        "安徽省",
        "合肥市",
        "3401",
    ),
    (
        "广州穗达智能装备有限公司",
        "suida",
        "private",
        "c",
        "广东省",
        "广州市",
        "4401",
    ),
    (
        "德森工业自动化（苏州）有限公司",
        "desen",
        "foreign",
        "c",
        "江苏省",
        "苏州市",
        "3205",
    ),
    (
        "洛阳中原重型机械集团有限公司",
        "zhongyuan",
        "state_owned",
        "c",
        "河南省",
        "洛阳市",
        "4103",
    ),
    (
        "青岛海岳电器有限公司",
        "haiyue",
        "private",
        "c",
        "山东省",
        "青岛市",
        "3702",
    ),
    (
        "长沙湘江工程机械有限公司",
        "xiangjiang",
        "state_owned",
        "c",
        "湖南省",
        "长沙市",
        "4301",
    ),
    (
        "上海瑞康医疗器械有限公司",
        "ruikang",
        "private",
        "c",
        "上海市",
        "上海市",
        "3101",
    ),
    (
        "杭州钱塘农村商业银行股份有限公司",
        "qtbank",
        "state_owned",
        "j",
        "浙江省",
        "杭州市",
        "3301",
    ),
    (
        "华东证券股份有限公司",
        "hdsec",
        "state_owned",
        "j",
        "上海市",
        "上海市",
        "3101",
    ),
    (
        "南京兴和保险代理有限公司",
        "xinghe",
        "private",
        "j",
        "江苏省",
        "南京市",
        "3201",
    ),
    (
        "众诚会计师事务所（特殊普通合伙）",
        "zhongcheng",
        "private",
        "l",
        "浙江省",
        "杭州市",
        "3301",
    ),
    (
        "联合管理咨询（上海）有限公司",
        "unionmc",
        "foreign",
        "l",
        "上海市",
        "上海市",
        "3101",
    ),
    (
        "环球译通翻译服务有限公司",
        "yitong",
        "private",
        "l",
        "上海市",
        "上海市",
        "3101",
    ),
    (
        "宁波甬商国际贸易有限公司",
        "yongshang",
        "private",
        "f",
        "浙江省",
        "宁波市",
        "3302",
    ),
    (
        "义乌环球商贸有限公司",
        "huanqiu",
        "private",
        "f",
        "浙江省",
        "金华市",
        "3307",
    ),
    (
        "樱川商事（上海）有限公司",
        "sakuragawa",
        "foreign",
        "f",
        "上海市",
        "上海市",
        "3101",
    ),
    (
        "嘉和医药连锁有限公司",
        "jiahe",
        "private",
        "f",
        "浙江省",
        "嘉兴市",
        "3304",
    ),
    (
        "杭州市文澜中学",
        "wenlan",
        "public_institution",
        "p",
        "浙江省",
        "杭州市",
        "3301",
    ),
    (
        "温州市瓯江实验学校",
        "oujiang",
        "public_institution",
        "p",
        "浙江省",
        "温州市",
        "3303",
    ),
    (
        "东海职业技术学院",
        "donghai",
        "public_institution",
        "p",
        "浙江省",
        "宁波市",
        "3302",
    ),
    (
        "新桥外语培训学校有限公司",
        "xinqiao",
        "private",
        "p",
        "上海市",
        "上海市",
        "3101",
    ),
    (
        "浙江省东湖人民医院",
        "donghu",
        "public_institution",
        "q",
        "浙江省",
        "杭州市",
        "3301",
    ),
    (
        "绍兴市越城中心医院",
        "yuecheng",
        "public_institution",
        "q",
        "浙江省",
        "绍兴市",
        "3306",
    ),
    (
        "杭州市滨江区人民政府办公室",
        "binjiang",
        "government",
        "s",
        "浙江省",
        "杭州市",
        "3301",
    ),
    (
        "东阳市行政审批服务中心",
        "dongyang",
        "government",
        "s",
        "浙江省",
        "金华市",
        "3307",
    ),
    (
        "东海海洋工程研究院",
        "ocean",
        "research_institute",
        "m",
        "浙江省",
        "舟山市",
        "3309",
    ),
    (
        "江南智能制造研究院",
        "jnimi",
        "research_institute",
        "m",
        "江苏省",
        "无锡市",
        "3202",
    ),
    (
        "浙江省青年创业促进会",
        "youth",
        "social_org",
        "s",
        "浙江省",
        "杭州市",
        "3301",
    ),
    (
        "华浙建设集团有限公司",
        "huazhe",
        "state_owned",
        "e",
        "浙江省",
        "杭州市",
        "3301",
    ),
    (
        "环海物流股份有限公司",
        "huanhai",
        "private",
        "g",
        "浙江省",
        "宁波市",
        "3302",
    ),
];

/// The check digit of an 8-digit organisation code (GB 11714): weights 3 7 9 10 5 8 4 2, and
/// 11 − sum mod 11, where 10 is written X and 11 is 0.
fn organisation_check(code8: &[u8]) -> char {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = code8
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

/// A unified social credit code of the right shape: registration authority and kind (91 for a
/// company, 11 a government organ, 12 a public institution, 51 a social organisation), the
/// city's division code, an organisation code with its own check digit, and the GB 32100
/// check character computed by the roster's USCC code.
pub fn fake_uscc(rng: &mut impl Rng, employer_type: &str, city_code: &str) -> String {
    let prefix = match employer_type {
        "government" => "11",
        "public_institution" | "research_institute" => "12",
        "social_org" => "51",
        _ => "91",
    };
    let digits: String = (0..8)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    let mut code = format!("{prefix}{city_code}00{digits}");
    code.push(organisation_check(digits.as_bytes()));
    // The first 17 characters are digits or X, all in the code's alphabet.
    let check = uscc::check_character(code.as_bytes()).unwrap_or('0');
    code.push(check);
    code
}

/// The demo's employers; always the same codes and contacts.
pub fn employers() -> Vec<EmployerRow> {
    let mut rng = rng_for("employers");
    EMPLOYERS
        .iter()
        .enumerate()
        .map(
            |(i, (name, domain, employer_type, industry, province, city, city_code))| {
                let female = rng.random_bool(0.6);
                EmployerRow {
                    uscc: fake_uscc(&mut rng, employer_type, city_code),
                    name,
                    employer_type,
                    industry,
                    province,
                    city,
                    city_code,
                    contact_name: chinese_name(&mut rng, female),
                    email: format!("hr@{domain}.example.com"),
                    phone: format!("1390000{:04}", i + 1),
                }
            },
        )
        .collect()
}

/// One staff member of the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub username: String,
    pub name: String,
    pub role: &'static str,
    pub scope: String,
}

/// Staff at every level of the chain: the employment office's admin, one officer per
/// department, a liaison per class of the newest cohort, and alumni liaisons for the cohorts
/// three and five years out.
pub fn staff(newest_cohort: i32) -> Vec<StaffRow> {
    let mut rng = rng_for("staff");
    let mut out = vec![StaffRow {
        username: "admin".into(),
        name: "就业指导中心".into(),
        role: "admin",
        scope: String::new(),
    }];
    for d in &DEPARTMENTS {
        let female = rng.random_bool(0.5);
        out.push(StaffRow {
            username: format!("dept-{}", d.code),
            name: chinese_name(&mut rng, female),
            role: "department",
            scope: d.name.to_string(),
        });
    }
    for class in classes(newest_cohort) {
        let female = rng.random_bool(0.5);
        out.push(StaffRow {
            username: class.liaison.clone(),
            name: chinese_name(&mut rng, female),
            role: "class",
            scope: class.name.clone(),
        });
    }
    let year5 = newest_cohort - 5;
    let female = rng.random_bool(0.5);
    out.push(StaffRow {
        username: format!("alumni-{year5}-cs"),
        name: chinese_name(&mut rng, female),
        role: "alumni",
        scope: format!("{year5}/计算机科学与技术"),
    });
    let year3 = newest_cohort - 3;
    let female = rng.random_bool(0.5);
    out.push(StaffRow {
        username: format!("alumni-{year3}"),
        name: chinese_name(&mut rng, female),
        role: "alumni",
        scope: year3.to_string(),
    });
    out
}

/// A CSV file (UTF-8, header first) from rows of cells.
fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a failure would only lose rows the import then misses.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

/// Graduates as the roster file the office would import.
pub fn graduates_csv(rows: &[GraduateRow]) -> Vec<u8> {
    csv_bytes(
        &[
            "student_id",
            "name",
            "degree_level",
            "department",
            "major",
            "class",
            "graduation_date",
            "email",
            "phone",
            "gender",
            "wechat_openid",
        ],
        rows.iter().map(|g| {
            vec![
                g.student_id.clone(),
                g.name.clone(),
                g.degree.as_str().to_string(),
                g.department.to_string(),
                g.major.to_string(),
                g.class_name.clone(),
                g.graduation_date.format("%Y-%m-%d").to_string(),
                g.email.clone().unwrap_or_default(),
                g.phone.clone().unwrap_or_default(),
                g.gender.to_string(),
                g.wechat_openid.clone().unwrap_or_default(),
            ]
        }),
    )
}

pub fn employers_csv(rows: &[EmployerRow]) -> Vec<u8> {
    csv_bytes(
        &[
            "uscc",
            "name",
            "employer_type",
            "industry",
            "province",
            "city",
            "contact_name",
            "email",
            "phone",
        ],
        rows.iter().map(|e| {
            vec![
                e.uscc.clone(),
                e.name.to_string(),
                e.employer_type.to_string(),
                e.industry.to_string(),
                e.province.to_string(),
                e.city.to_string(),
                e.contact_name.clone(),
                e.email.clone(),
                e.phone.clone(),
            ]
        }),
    )
}

pub fn staff_csv(rows: &[StaffRow]) -> Vec<u8> {
    csv_bytes(
        &["username", "name", "role", "scope", "email", "phone"],
        rows.iter().enumerate().map(|(i, s)| {
            vec![
                s.username.clone(),
                s.name.clone(),
                s.role.to_string(),
                s.scope.clone(),
                format!("{}@example.edu.cn", s.username),
                format!("1370000{:04}", i + 1),
            ]
        }),
    )
}

/// How many graduates of each degree level a set of rows has (for the summary and the tests).
pub fn by_degree(rows: &[GraduateRow]) -> BTreeMap<Degree, usize> {
    let mut out = BTreeMap::new();
    for g in rows {
        *out.entry(g.degree).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::graduate::StudentId;
    use crate::roster::uscc::Uscc;

    #[test]
    fn the_same_cohort_is_always_the_same_people() {
        let a = graduates(2025);
        let b = graduates(2025);
        assert_eq!(a.len(), b.len());
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.student_id == y.student_id && x.name == y.name)
        );
        assert_ne!(a[0].name, graduates(2024)[0].name);
    }

    #[test]
    fn a_cohort_has_about_three_hundred_people_at_every_level_in_classes_of_about_thirty() {
        let rows = graduates(2025);
        assert!((280..=340).contains(&rows.len()), "{}", rows.len());
        let levels = by_degree(&rows);
        assert_eq!(levels.len(), 4);
        let bachelors = levels[&Degree::Bachelor] as f64 / rows.len() as f64;
        assert!((0.55..0.8).contains(&bachelors), "{bachelors}");
        assert!(levels[&Degree::Doctor] < levels[&Degree::Master]);
        let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
        for g in &rows {
            *sizes.entry(&g.class_name).or_insert(0) += 1;
        }
        assert!(sizes.values().all(|n| *n <= 32), "{sizes:?}");
        assert!(sizes.contains_key("计科2101"), "{sizes:?}");
        let departments: std::collections::BTreeSet<&str> =
            rows.iter().map(|g| g.department).collect();
        assert_eq!(departments.len(), 5);
    }

    #[test]
    fn student_ids_are_valid_and_unique_across_cohorts() {
        let mut seen = std::collections::HashSet::new();
        for cohort in [2025, 2024, 2022, 2020] {
            for g in graduates(cohort) {
                assert!(StudentId::parse(&g.student_id).is_ok(), "{}", g.student_id);
                assert!(seen.insert(g.student_id.clone()), "{} twice", g.student_id);
                let phone = g.phone.unwrap_or_default();
                assert!(phone.is_empty() || phone.starts_with("1380000"));
            }
        }
    }

    #[test]
    fn employers_have_valid_distinct_credit_codes() {
        let rows = employers();
        assert_eq!(rows.len(), 40);
        let mut seen = std::collections::HashSet::new();
        for e in &rows {
            assert_eq!(
                Uscc::parse(&e.uscc).map(Uscc::into_string),
                Ok(e.uscc.clone())
            );
            assert!(seen.insert(e.uscc.clone()));
        }
        // The organisation code inside carries its own check digit too.
        // 7·3 + 2·7 + 6·9 + 2·10 + 0·5 + 2·8 + 0·4 + 1·2 = 127; 127 mod 11 = 6; 11 − 6 = 5.
        assert_eq!(organisation_check(b"72620201"), '5');
    }

    #[test]
    fn every_class_of_the_newest_cohort_has_a_liaison() {
        let staff = staff(2025);
        for class in classes(2025) {
            assert!(
                staff.iter().any(|s| s.role == "class"
                    && s.scope == class.name
                    && s.username == class.liaison),
                "{class:?}"
            );
        }
        assert!(staff.iter().any(|s| s.username == "admin"));
        assert_eq!(staff.iter().filter(|s| s.role == "department").count(), 5);
        assert!(staff.iter().any(|s| s.scope == "2020/计算机科学与技术"));
    }
}
