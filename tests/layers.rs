//! The import structure of `src/` (DESIGN.md, "Layers"): imports point down
//! only. Read from the source text: every `crate::…` and `super::…` path, and
//! in a file that declares submodules, every `child::` path, is an edge from
//! the file's module to the module the path names. Checked:
//! - no import circle anywhere in `src/` (the crowd kernel/walker pair included);
//! - the sim (core and models) names no layer above it;
//! - a model names no sibling model, and not `sim` itself (which assembles
//!   the models), only the core's modules;
//! - the scenario language names nothing above it; roles name neither the
//!   drill nor scoring, record or faces; scoring names neither record nor faces.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const MODELS: &[&str] = &["sim::flood", "sim::landslide", "sim::fire", "sim::crowd", "sim::response"];

/// Module path (`sim::flood::kernel`) → (source without its test module, declared children).
fn modules() -> BTreeMap<String, (String, Vec<String>)> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new("src"), &mut files);
    let mut mods = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix("src").unwrap().with_extension("");
        let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
            parts.pop();
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(k) => text[..k].to_owned(),
            None => text,
        };
        let children = text
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let l = l.strip_prefix("pub ").unwrap_or(l);
                l.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')).map(str::to_owned)
            })
            .collect();
        mods.insert(parts.join("::"), (text, children));
    }
    mods
}

/// Paths following `prefix` in `text` (`crate::sim::flood::Flood` →
/// `sim::flood::Flood`); a brace group is expanded (`super::{a, b::C}` →
/// `a`, `b::C`; `self` names the path before the braces).
fn paths_after(text: &str, prefix: &str) -> Vec<String> {
    fn expand(head: &str, rest: &str, out: &mut Vec<String>) {
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
        let path = format!("{head}{}", &rest[..end]);
        if !rest[end..].starts_with('{') {
            out.push(path.trim_end_matches(':').to_owned());
            return;
        }
        // The group up to its matching brace, split at top-level commas.
        let group = &rest[end + 1..];
        let (mut depth, mut start) = (0usize, 0usize);
        for (k, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    item(&path, group[start..k].trim(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    item(&path, group[start..k].trim(), out);
                    start = k + 1;
                }
                _ => {}
            }
        }
    }
    fn item(head: &str, it: &str, out: &mut Vec<String>) {
        if it == "self" {
            out.push(head.trim_end_matches(':').to_owned());
        } else if !it.is_empty() {
            expand(head, it, out);
        }
    }
    let mut out = Vec::new();
    for (k, _) in text.match_indices(prefix) {
        // Only where a path starts: not inside a longer name or path
        // (`sim::gauges::` is no use of a child module `gauges`).
        if k > 0 && text[..k].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        expand("", &text[k + prefix.len()..], &mut out);
    }
    out
}

/// The longest module that `path` starts with.
fn resolve(mods: &BTreeMap<String, (String, Vec<String>)>, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    while !parts.is_empty() {
        let k = parts.join("::");
        if mods.contains_key(&k) {
            return Some(k);
        }
        parts.pop();
    }
    None
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, (text, children)) in &mods {
        let mut add = |t: Option<String>| {
            if let Some(t) = t.filter(|t| t != m && !t.is_empty()) {
                edges.entry(m.clone()).or_default().insert(t);
            }
        };
        for p in paths_after(text, "crate::") {
            add(resolve(&mods, &p));
        }
        // `super` from a file module is its parent; from a mod.rs, the grandparent.
        let mut parent: Vec<&str> = m.split("::").collect();
        parent.pop();
        for p in paths_after(text, "super::") {
            let full = if parent.is_empty() { p } else { format!("{}::{p}", parent.join("::")) };
            add(resolve(&mods, &full));
        }
        for c in children {
            for p in paths_after(text, &format!("{c}::")) {
                let full = if m.is_empty() { format!("{c}::{p}") } else { format!("{m}::{c}::{p}") };
                add(resolve(&mods, &full).or(Some(if m.is_empty() { c.clone() } else { format!("{m}::{c}") })));
            }
        }
        edges.entry(m.clone()).or_default();
    }
    edges
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        idx: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.idx.len();
        t.idx.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        let g = t.g;
        for w in g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.idx.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                t.low.entry(v).and_modify(|l| *l = (*l).min(lw));
            } else if t.on.contains(w) {
                let iw = t.idx[w];
                t.low.entry(v).and_modify(|l| *l = (*l).min(iw));
            }
        }
        if t.low[v] == t.idx[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t =
        T { g, idx: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), out: Vec::new() };
    for v in g.keys() {
        if !t.idx.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn under(m: &str, top: &str) -> bool {
    m == top || m.starts_with(&format!("{top}::"))
}

#[test]
fn the_checker_sees_a_circle_when_there_is_one() {
    let mut g = graph();
    assert!(g["sim::flood"].contains("sim::tick"), "flood's use of the core is an edge");
    g.get_mut("sim::tick").unwrap().insert("sim::flood".into());
    assert!(cycles(&g).iter().any(|c| c.contains(&"sim::tick".to_owned())), "an added back edge is a circle");
}

#[test]
fn there_is_no_import_circle_in_src() {
    let c = cycles(&graph());
    assert!(c.is_empty(), "import circles: {c:?}");
}

#[test]
fn imports_point_down_only() {
    let g = graph();
    let mut wrong = Vec::new();
    for (m, targets) in &g {
        for t in targets {
            let bad = |tops: &[&str]| tops.iter().any(|top| under(t, top));
            let model = MODELS.iter().find(|x| under(m, x));
            let broken = if let Some(own) = model {
                // A model: only the core, the scenario and math; never `sim` itself.
                t == "sim"
                    || MODELS.iter().any(|x| x != own && under(t, x))
                    || bad(&["roles", "drill", "scoring", "record", "headless", "gui", "net"])
            } else if under(m, "sim") && m != "sim" {
                // The core: nothing above it, no model.
                t == "sim"
                    || MODELS.iter().any(|x| under(t, x))
                    || bad(&["roles", "drill", "scoring", "record", "headless", "gui", "net"])
            } else if m == "sim" {
                bad(&["roles", "drill", "scoring", "record", "headless", "gui", "net"])
            } else if under(m, "scenario") || m == "geom" {
                bad(&["sim", "roles", "drill", "scoring", "record", "headless", "gui", "net"])
            } else if under(m, "roles") {
                bad(&["drill", "scoring", "record", "headless", "gui", "net"])
            } else if under(m, "drill") {
                bad(&["scoring", "record", "headless", "gui", "net"])
            } else if under(m, "scoring") {
                bad(&["record", "headless", "gui", "net"])
            } else if under(m, "record") {
                bad(&["headless", "gui", "net"])
            } else if ["headless", "forecast", "review", "sweep", "inspect", "certify", "assess"]
                .iter()
                .any(|x| under(m, x))
            {
                // The shared session and the library faces over it: no window or network above them.
                bad(&["gui", "net"])
            } else {
                false
            };
            if broken {
                wrong.push(format!("{m} → {t}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports that point up or sideways: {wrong:#?}");
}
