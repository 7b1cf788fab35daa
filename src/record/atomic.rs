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
    let f = File::create(&tmp)?;
    finish(f, &tmp, path, bytes)
}

/// `write` for a secret (join codes, keys): on Unix the file is created
/// readable by its owner only (mode 0600), so no other user can read it at
/// any moment, not even under its partial name.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = partial_path(path);
    // A partial file left by a crash keeps its own mode: start afresh.
    match fs::remove_file(&tmp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let f = opts.open(&tmp)?;
    finish(f, &tmp, path, bytes)
}

fn finish(mut f: File, tmp: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(tmp, path)
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

    /// A secret is never readable by others: the partial file is created
    /// 0600 (even over a stale partial with a wider mode), and so is the
    /// file moved into place, also when it replaces a readable one.
    #[cfg(unix)]
    #[test]
    fn a_private_file_is_owner_only_from_its_creation() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seats.json");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        fs::write(partial_path(&path), b"stale").unwrap();
        fs::set_permissions(partial_path(&path), fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"codes").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"codes");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(!partial_path(&path).exists());
    }

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
