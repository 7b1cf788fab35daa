//! Atomic file output: write beside the target, sync, then rename, so a
//! reader never sees half a report and a crash never destroys the old one.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The temporary name used while `path` is being written.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = partial_path(path);
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, path)
}

/// A file written progressively under its partial name and moved into place
/// by `commit`; if the run dies, the partial file keeps what was written.
pub struct PartialFile {
    target: PathBuf,
    file: File,
}

impl PartialFile {
    pub fn create(target: &Path) -> io::Result<Self> {
        let file = File::create(partial_path(target))?;
        Ok(PartialFile { target: target.to_owned(), file })
    }

    /// A second handle for the writer side.
    pub fn writer(&self) -> io::Result<File> {
        self.file.try_clone()
    }

    /// Where it goes when committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs and renames into place.
    pub fn commit(self) -> io::Result<()> {
        self.file.sync_all()?;
        fs::rename(partial_path(&self.target), &self.target)
    }

    /// Removes the partial file (nothing is moved into place).
    pub fn discard(self) {
        drop(self.file);
        let _ = fs::remove_file(partial_path(&self.target));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_partial() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert!(!partial_path(&p).exists());
        let pf = PartialFile::create(&dir.path().join("log")).unwrap();
        writeln!(pf.writer().unwrap(), "line").unwrap();
        assert!(partial_path(&dir.path().join("log")).exists());
        pf.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("log")).unwrap(), "line\n");
    }
}
