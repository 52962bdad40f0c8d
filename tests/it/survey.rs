//! The survey language: loading definitions, the answer engine, translations and the checker.
mod check;
mod engine;
mod i18n;
mod props;

use std::path::{Path, PathBuf};

use gradtrace::survey::{
    Answer, Answers, Catalog, ChoiceSource, CityTier, Kind, QuestionKind, Stage, Tag, Zone,
};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn catalog() -> Catalog {
    match Catalog::load(&fixtures().join("surveys")) {
        Ok(catalog) => catalog,
        Err(e) => panic!("fixture surveys do not load:\n{e}"),
    }
}

#[test]
fn fixture_folder_loads_with_lists_regions_and_surveys() {
    let catalog = catalog();
    let graduation = catalog.survey("graduation").expect("graduation survey");
    assert_eq!(graduation.stage, Stage::Graduation);
    assert_eq!(graduation.pages.len(), 4);
    assert_eq!(graduation.questions().count(), 12);
    let salary = graduation.question("monthly_salary").expect("salary");
    assert_eq!(
        salary.kind,
        QuestionKind::Number {
            unit: Some("cny_per_month".into()),
            min: Some(500.0),
            max: Some(300000.0),
            integer: true
        }
    );
    assert_eq!(
        graduation
            .question_by_tag(Tag::DestinationType, None)
            .map(|q| q.id.as_str()),
        Some("destination_type")
    );
    let employer_type = graduation.question("employer_type").expect("employer type");
    assert!(matches!(
        employer_type.kind.choices(),
        Some((ChoiceSource::List(list), None)) if list == "employer_type"
    ));
    assert_eq!(catalog.other_option(employer_type), Some("other"));
    let options = catalog.options(graduation, employer_type);
    assert_eq!(options[0].id, "government");
    assert_eq!(options[0].label_key, "choice-employer_type-government");
    let agreement = graduation.question("agreement").expect("agreement");
    assert_eq!(
        catalog.options(graduation, agreement)[1].label_key,
        "graduation-agreement-opt-no"
    );
    assert_eq!(
        catalog.survey_for_stage(Stage::Year1).map(|s| s.version),
        Some(2)
    );
    assert_eq!(
        catalog
            .survey("year1")
            .and_then(|s| s.question("left_first_job"))
            .map(|q| q.kind()),
        Some(Kind::YearMonth)
    );
}

#[test]
fn region_answers_carry_zone_and_city_tier() {
    let catalog = catalog();
    let region = |province: &str, city: Option<&str>, county: bool| Answer::Region {
        province: province.into(),
        city: city.map(String::from),
        county,
    };
    assert_eq!(
        catalog.region_class(&region("44", Some("4403"), false)),
        Some((Zone::East, CityTier::First))
    );
    assert_eq!(
        catalog.region_class(&region("44", Some("4419"), false)),
        Some((Zone::East, CityTier::NewFirst))
    );
    assert_eq!(
        catalog.region_class(&region("51", Some("5107"), true)),
        Some((Zone::West, CityTier::County))
    );
    assert_eq!(
        catalog.region_class(&region("81", None, false)),
        Some((Zone::Other, CityTier::Other))
    );
    // A city of another province is not a place.
    assert_eq!(
        catalog.region_class(&region("51", Some("4403"), false)),
        None
    );
    assert_eq!(catalog.region_class(&Answer::text("Shenzhen")), None);
}

#[test]
fn definition_round_trips_through_its_json_snapshot() {
    let catalog = catalog();
    for survey in catalog.surveys() {
        let json = serde_json::to_string(survey).expect("serialise");
        let back: gradtrace::survey::Survey = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(&back, survey);
        assert_eq!(back.content_hash(), survey.content_hash());
        assert_eq!(survey.content_hash().len(), 64);
        // The same hash the store computes over the stored snapshot.
        let snapshot = serde_json::to_value(survey).expect("snapshot");
        assert_eq!(
            gradtrace::store::survey_versions::content_hash(&snapshot),
            survey.content_hash()
        );
    }
    let mut changed = catalog.survey("year1").expect("year1").clone();
    let before = changed.content_hash();
    changed.pages[0].questions[0].required = false;
    assert_ne!(changed.content_hash(), before);
}

#[test]
fn answers_have_the_documented_json_form() {
    let answers = Answers::new()
        .with("a", Answer::choice("employed"))
        .with(
            "b",
            Answer::Choice {
                choice: "other".into(),
                other: Some("NGO".into()),
            },
        )
        .with("c", Answer::choices(&["x", "y"]))
        .with("d", Answer::Rating(4))
        .with("e", Answer::Number(8000.0))
        .with("f", Answer::Number(2.5))
        .with("g", Answer::text("ACME"))
        .with("h", Answer::YearMonth("2025-07".parse().expect("month")))
        .with(
            "i",
            Answer::Region {
                province: "44".into(),
                city: Some("4403".into()),
                county: false,
            },
        )
        .with("j", Answer::Skipped);
    let json = serde_json::to_value(&answers).expect("serialise");
    assert_eq!(
        json,
        serde_json::json!({
            "a": {"choice": "employed"},
            "b": {"choice": "other", "other": "NGO"},
            "c": {"choices": ["x", "y"]},
            "d": {"rating": 4},
            "e": {"number": 8000},
            "f": {"number": 2.5},
            "g": {"text": "ACME"},
            "h": {"year_month": "2025-07"},
            "i": {"province": "44", "city": "4403", "county": false},
            "j": {"skipped": true},
        })
    );
    let back: Answers = serde_json::from_value(json).expect("deserialise");
    assert_eq!(back, answers);
    // Mixed shapes and stray fields are refused, not guessed at.
    assert!(serde_json::from_str::<Answer>(r#"{"choice": "a", "rating": 3}"#).is_err());
    assert!(serde_json::from_str::<Answer>(r#"{"number": 3, "colour": "red"}"#).is_err());
    assert!(serde_json::from_str::<Answer>(r#"{"year_month": "2025-13"}"#).is_err());
}
