//! A run's outputs, settled before the drill starts and committed together.
//! `Outputs::open` refuses an output that is a directory, that names the
//! same file as another output or as an input (the scenario, a replayed
//! log), or whose folder cannot be written — by creating both partial files
//! at once, so nothing is simulated for a result that could not be kept.
//! `commit` moves the pair into place so that a kill at any moment never
//! leaves a log beside a report of another run: the old report is removed
//! first, then the new log and the new report are renamed in that order
//! (at worst a log without its report, never a mismatched pair; the report
//! also carries the log's SHA-256).
//!
//! May not touch: sim state.

use super::atomic::{PartialFile, partial_path};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The files of one run, opened under their partial names.
pub struct Outputs {
    log: Option<PartialFile>,
    report: Option<PartialFile>,
}

/// The file a path names, resolved as far as it exists (the folder, and the
/// file itself when it is there, through links).
fn identity(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_owned());
    dir.join(p.file_name().unwrap_or_default())
}

impl Outputs {
    /// Checks and opens the outputs; `inputs` are files they must not replace.
    pub fn open(log: Option<&Path>, report: Option<&Path>, inputs: &[&Path]) -> Result<Self, String> {
        let named: Vec<(&str, &Path)> =
            [("--log", log), ("--report", report)].into_iter().filter_map(|(n, p)| p.map(|p| (n, p))).collect();
        for (k, (flag, p)) in named.iter().enumerate() {
            if p.is_dir() {
                return Err(format!("{flag} {} is a folder; name a file in it", p.display()));
            }
            let id = identity(p);
            for input in inputs {
                if identity(input) == id {
                    return Err(format!("{flag} {} is an input of this run; it would be overwritten", p.display()));
                }
            }
            for (other, q) in &named[..k] {
                if identity(q) == id {
                    return Err(format!("{flag} and {other} name the same file {}", p.display()));
                }
            }
        }
        let create = |flag: &str, p: &Path| {
            PartialFile::create(p).map_err(|e| format!("{flag}: cannot write {}: {e}", partial_path(p).display()))
        };
        let log_file = log.map(|p| create("--log", p)).transpose()?;
        let report_file = match report.map(|p| create("--report", p)).transpose() {
            Ok(r) => r,
            Err(e) => {
                if let Some(l) = log_file {
                    l.discard();
                }
                return Err(e);
            }
        };
        Ok(Outputs { log: log_file, report: report_file })
    }

    /// A writer for the event log, if there is one.
    pub fn log_writer(&self) -> io::Result<Option<std::fs::File>> {
        self.log.as_ref().map(|l| l.writer()).transpose()
    }

    /// Writes the report and moves log and report into place (see the module doc).
    pub fn commit(self, report: &[u8]) -> io::Result<()> {
        if let Some(r) = &self.report {
            let mut w = r.writer()?;
            w.write_all(report)?;
            w.flush()?;
            let old = r.target();
            if old.exists() {
                std::fs::remove_file(old)?;
            }
        }
        if let Some(l) = self.log {
            l.commit()?;
        }
        if let Some(r) = self.report {
            r.commit()?;
        }
        Ok(())
    }

    /// Removes the partial files (a run that failed).
    pub fn discard(self) {
        for f in [self.log, self.report].into_iter().flatten() {
            f.discard();
        }
    }
}

/// The log and report paths of a session a person started (the window's,
/// a classroom host's): `runs/<drill>-<seat>-seed<N>-<unix time>.{log.jsonl,report.json}`.
/// The wall clock names the files only; nothing of the drill reads it.
pub fn default_outputs(drill: &str, seat: &str, seed: u64) -> (PathBuf, PathBuf) {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let stem = format!("runs/{drill}-{seat}-seed{seed}-{t}");
    (PathBuf::from(format!("{stem}.log.jsonl")), PathBuf::from(format!("{stem}.report.json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collisions_and_folders_are_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let scenario = d.join("s.ron");
        std::fs::write(&scenario, "x").unwrap();
        let e = Outputs::open(Some(&scenario), None, &[&scenario]).err().unwrap();
        assert!(e.contains("is an input"), "{e}");
        // The same file by another spelling.
        let again = d.join(".").join("s.ron");
        assert!(Outputs::open(None, Some(&again), &[&scenario]).err().unwrap().contains("is an input"));
        let x = d.join("x.json");
        assert!(Outputs::open(Some(&x), Some(&x), &[]).err().unwrap().contains("name the same file"));
        assert!(Outputs::open(Some(d), None, &[]).err().unwrap().contains("is a folder"));
        let e = Outputs::open(Some(&d.join("missing/l.log")), None, &[]).err().unwrap();
        assert!(e.contains("cannot write"), "{e}");
        // A refused report leaves no partial log behind.
        let log = d.join("l.log");
        assert!(Outputs::open(Some(&log), Some(&d.join("missing/r.json")), &[]).is_err());
        assert!(!partial_path(&log).exists());
        assert_eq!(std::fs::read_to_string(&scenario).unwrap(), "x");
    }

    #[test]
    fn commit_moves_the_pair_into_place_and_replaces_the_old_pair() {
        let dir = tempfile::tempdir().unwrap();
        let (log, report) = (dir.path().join("l.log"), dir.path().join("r.json"));
        std::fs::write(&log, "old log").unwrap();
        std::fs::write(&report, "old report").unwrap();
        let o = Outputs::open(Some(&log), Some(&report), &[]).unwrap();
        writeln!(o.log_writer().unwrap().unwrap(), "new log").unwrap();
        // Until the commit, the old pair stands.
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "old report");
        o.commit(b"new report").unwrap();
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "new log\n");
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "new report");
        assert!(!partial_path(&log).exists() && !partial_path(&report).exists());
    }
}
