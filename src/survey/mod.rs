//! The survey language: definition types, loading a folder of definitions, the indicator tag
//! vocabulary, the pure answer engine shared by the web form and the bot, and the checker.
pub mod answer;
pub mod check;
pub mod choices;
pub mod condition;
pub mod def;
pub mod engine;
pub mod load;
pub mod tag;

pub use answer::{Answer, Answers};
pub use choices::{ChoiceFile, ChoiceList, ChoiceOption, City, CityTier, Province, Regions, Zone};
pub use condition::{Condition, ContextRef, Operand, Test};
pub use def::{
    Audience, ChoiceSource, Kind, MonthBound, Page, PrivacyNotice, Question, QuestionKind, Rule,
    Scale, Stage, Survey, YearMonth,
};
pub use engine::{Context, Engine, Invalid, PageErrors, PipeValue};
pub use load::{Catalog, LoadError, Problem};
pub use tag::{Qualifier, Tag};
