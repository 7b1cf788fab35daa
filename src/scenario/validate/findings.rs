//! What the checks produce and share: a finding (error or warning, with the
//! path of the offending value), the collector, id namespaces with
//! "did you mean" hints, and the polygon check. The checks in the sibling
//! files and in `validate` use these; this file uses none of them.

use crate::scenario::locate::Path;
use crate::scenario::schema::{Point, RoleKind};
use std::collections::BTreeMap;

/// One problem found in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub error: bool,
    pub path: Path,
    pub message: String,
    pub hint: Option<String>,
}

/// Collects findings while checking.
#[derive(Default)]
pub(crate) struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn err(&mut self, path: Path, message: impl Into<String>, hint: impl Into<String>) {
        let hint: String = hint.into();
        self.0.push(Finding { error: true, path, message: message.into(), hint: (!hint.is_empty()).then_some(hint) });
    }
    pub fn warn(&mut self, path: Path, message: impl Into<String>, hint: impl Into<String>) {
        let hint: String = hint.into();
        self.0.push(Finding { error: false, path, message: message.into(), hint: (!hint.is_empty()).then_some(hint) });
    }
    pub(crate) fn has_errors(&self) -> bool {
        self.0.iter().any(|f| f.error)
    }
}

/// Longest id accepted (characters).
pub const MAX_ID_CHARS: usize = 64;

/// Ids of one kind with where each was declared; reports duplicates.
#[derive(Default)]
pub(crate) struct Ids(pub BTreeMap<String, Path>);

impl Ids {
    pub fn add(&mut self, out: &mut Findings, kind: &str, id: &str, path: Path) {
        if id.trim().is_empty() {
            out.err(path, format!("{kind} id is empty"), "give it a short unique name");
        } else if id.chars().count() > MAX_ID_CHARS {
            out.err(
                path,
                format!("{kind} id is {} characters long", id.chars().count()),
                format!("ids are at most {MAX_ID_CHARS} characters"),
            );
        } else if let Some(first) = self.0.get(id) {
            out.err(
                path,
                format!("duplicate {kind} id `{id}`"),
                format!("ids must be unique; `{id}` is first used at {first}"),
            );
        } else {
            self.0.insert(id.to_owned(), path);
        }
    }
    pub fn has(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }
    /// Checks a reference; the hint suggests the closest id.
    pub fn check(&self, out: &mut Findings, kind: &str, id: &str, path: Path) -> bool {
        if self.has(id) {
            return true;
        }
        let hint = match crate::scenario::load::closest(id, self.0.keys().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`?"),
            None if self.0.is_empty() => format!("the scenario defines no {kind}"),
            None => {
                let list: Vec<&str> = self.0.keys().map(String::as_str).take(8).collect();
                format!("known {kind} ids: {}", list.join(", "))
            }
        };
        out.err(path, format!("unknown {kind} `{id}`"), hint);
        false
    }
}

/// Every id namespace of a scenario.
#[derive(Default)]
pub(crate) struct Catalog<'a> {
    pub villages: Ids,
    pub households: Ids,
    pub shelters: Ids,
    pub nodes: Ids,
    pub edges: Ids,
    pub forces: Ids,
    pub roles: Ids,
    pub grid_areas: Ids,
    pub injects: Ids,
    pub steps: Ids,
    pub gauges: Ids,
    pub metrics: Ids,
    pub role_kind: BTreeMap<&'a str, RoleKind>,
}

/// A polygon needs three corners and a non-zero area.
pub(crate) fn polygon(out: &mut Findings, path: Path, pts: &[Point]) -> bool {
    if pts.len() < 3 {
        out.err(
            path,
            format!("a polygon needs at least 3 points, this one has {}", pts.len()),
            "list the corners in order; the polygon closes itself",
        );
        false
    } else if crate::geom::polygon_area(pts).abs() < 1e-9 {
        out.err(path, "the polygon has no area", "its corners lie on one line");
        false
    } else {
        true
    }
}
