//! The drills the launcher knows: the three Qingshi drills embedded in the
//! binary (so the window works from any folder), the `.ron` files of a
//! `scenarios/` folder beside the working directory, and a file named by
//! path. Each is loaded and checked the same way `firstline validate` does.
//!
//! Owns: `Entry`, `Source`, the embedded drills. May not touch: the sim.

use crate::scenario::{self, Loaded};
use std::path::{Path, PathBuf};

/// Where a drill comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Built into the binary: (file name, text).
    Embedded(&'static str, &'static str),
    File(PathBuf),
}

impl Source {
    /// The name shown and written in logs' reports.
    pub fn name(&self) -> String {
        match self {
            Source::Embedded(name, _) => (*name).to_owned(),
            Source::File(p) => p.display().to_string(),
        }
    }

    /// Loads and checks the drill; the rendered diagnostics when it is not
    /// valid.
    pub fn load(&self) -> Result<Loaded, String> {
        match self {
            Source::Embedded(name, text) => {
                scenario::load_bytes(name, text.as_bytes(), Path::new(".")).map_err(|r| r.render())
            }
            Source::File(p) => scenario::load(p).map_err(|r| r.render()),
        }
    }
}

/// The embedded drills (the same bytes as `scenarios/qingshi_*.ron`, so a
/// log of one replays against that file).
pub const EMBEDDED: [(&str, &str); 3] = [
    ("qingshi_flood.ron", include_str!("../../scenarios/qingshi_flood.ron")),
    ("qingshi_landslide.ron", include_str!("../../scenarios/qingshi_landslide.ron")),
    ("qingshi_fire.ron", include_str!("../../scenarios/qingshi_fire.ron")),
];

/// One drill in the launcher's list.
pub struct Entry {
    pub source: Source,
    /// The loaded drill, or why it cannot be played.
    pub loaded: Result<Loaded, String>,
}

/// The embedded drills, then `dir`'s `.ron` files in name order (files with
/// the same bytes as an embedded drill are left out).
pub fn list(dir: Option<&Path>) -> Vec<Entry> {
    let mut out: Vec<Entry> = EMBEDDED
        .iter()
        .map(|(n, t)| {
            let source = Source::Embedded(n, t);
            Entry { loaded: source.load(), source }
        })
        .collect();
    if let Some(dir) = dir
        && let Ok(rd) = std::fs::read_dir(dir)
    {
        let mut files: Vec<PathBuf> =
            rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "ron")).collect();
        files.sort();
        for p in files {
            let same = std::fs::read(&p).is_ok_and(|b| EMBEDDED.iter().any(|(_, t)| t.as_bytes() == b.as_slice()));
            if !same {
                let source = Source::File(p);
                out.push(Entry { loaded: source.load(), source });
            }
        }
    }
    out
}
