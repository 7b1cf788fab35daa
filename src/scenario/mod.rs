//! The scenario language: schema (serde types), loading with source spans,
//! household expansion and meaning checks. `load` is the one entry point the
//! CLI, the runner and the tests use; it never panics, whatever the bytes.

pub mod diagnostic;
pub mod expand;
pub mod fuel;
pub mod load;
pub mod locate;
pub mod names;
pub mod permissions;
pub mod schema;
pub mod terrain;
pub mod validate;
pub mod walk;

use diagnostic::{Diagnostic, Severity};
use schema::Scenario;
use std::path::{Path as FsPath, PathBuf};

use terrain::TerrainGrid;

/// Largest scenario file read (bytes).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// A scenario that passed every check, with what a run needs besides it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    /// SHA-256 of the file's bytes, as recorded in reports.
    pub sha256: String,
    pub terrain: TerrainGrid,
    /// Findings that do not stop a run.
    pub warnings: Vec<Diagnostic>,
}

/// Why a scenario cannot be used: its diagnostics (errors first) and source.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub diagnostics: Vec<Diagnostic>,
    pub source: String,
}

impl Rejected {
    /// All diagnostics rendered with snippets.
    pub fn render(&self) -> String {
        self.diagnostics.iter().map(|d| d.render(&self.source)).collect::<Vec<_>>().join("\n")
    }
}

/// Reads and checks a scenario file.
pub fn load(path: &FsPath) -> Result<Loaded, Rejected> {
    let name = path.display().to_string();
    let refuse = |message: String, hint: &str| Rejected {
        diagnostics: vec![load::diag_at(&name, "", 0, 0, message, Some(hint.into()))],
        source: String::new(),
    };
    // Read through a bounded reader: a device or a huge file is refused,
    // never read until memory runs out.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_SCENARIO_BYTES + 1), &mut bytes))
        .map_err(|e| refuse(format!("cannot read the file: {e}"), "check the path"))?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(refuse(
            format!("the file is larger than {} MiB", MAX_SCENARIO_BYTES >> 20),
            "a scenario is a text file of a few hundred kilobytes; is this the right file?",
        ));
    }
    let base = path.parent().map(PathBuf::from).unwrap_or_default();
    load_bytes(&name, &bytes, &base)
}

/// Checks scenario bytes; `name` labels messages, `base_dir` resolves
/// relative asset paths (heightmaps).
pub fn load_bytes(name: &str, bytes: &[u8], base_dir: &FsPath) -> Result<Loaded, Rejected> {
    let (scenario, source) = load::parse(name, bytes)
        .map_err(|d| Rejected { diagnostics: vec![d], source: String::from_utf8_lossy(bytes).into_owned() })?;
    let (findings, terrain) = validate::check(&scenario, base_dir);
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .map(|f| {
            let (offset, len) = locate::locate(&source, &f.path).unwrap_or((0, 1));
            let mut d = load::diag_at(name, &source, offset, len, f.message, f.hint);
            if !f.error {
                d.severity = Severity::Warning;
            }
            d
        })
        .collect();
    diagnostics.sort_by_key(|d| (!d.is_error(), d.offset));
    match terrain {
        Some(terrain) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok(Loaded { scenario, sha256: load::sha256_hex(bytes), terrain, warnings: diagnostics })
        }
        _ => Err(Rejected { diagnostics, source }),
    }
}
