//! `gradtrace surveys check`: every mistake a definition folder and its translations can hold,
//! reported as `FILE:LINE: message`.
use super::load::{Catalog, Problem, SourceFile};

/// Structural problems of a parsed folder (everything that does not need the translations).
pub fn structure(_catalog: &Catalog, _files: &[SourceFile]) -> Vec<Problem> {
    Vec::new()
}
