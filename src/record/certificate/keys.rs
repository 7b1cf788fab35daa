//! The issuing office's signing key: made once (`firstline keys init`) from
//! the operating system's generator, kept as a PKCS#8 PEM file readable by
//! its owner only (mode 0600) and never in the records database; its public
//! half written beside it (`….pub.pem`) for county and provincial offices,
//! with the office's name (`….office.txt`). A key is named by its
//! fingerprint: the first 16 bytes of the SHA-256 of the public key, in
//! groups of four hexadecimal digits.
//!
//! Owns: key files. May not touch: the sim, the store.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The default key file: the platform's config directory
/// (`~/.config/firstline/issuer.pem` on Linux), or `$FIRSTLINE_KEY`.
pub fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("FIRSTLINE_KEY") {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("cn", "Firstline", "firstline")
        .map(|d| d.config_dir().join("issuer.pem"))
        .unwrap_or_else(|| PathBuf::from("issuer.pem"))
}

/// The public key's file beside a private key's.
pub fn public_path(key: &Path) -> PathBuf {
    key.with_extension("pub.pem")
}

fn office_path(key: &Path) -> PathBuf {
    key.with_extension("office.txt")
}

/// A key's fingerprint.
pub fn fingerprint(k: &VerifyingKey) -> String {
    let h = crate::scenario::load::sha256_hex(k.as_bytes());
    h.as_bytes()[..32].chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(":")
}

/// Makes the office's key at `path` (never over an existing one) and its
/// public half beside it; returns the public key.
pub fn init(path: &Path, office: &str) -> Result<VerifyingKey, String> {
    if path.exists() {
        return Err(format!(
            "{} exists: an office keeps one key (certificates it signed are checked against it); remove it first only if it is lost or leaked",
            path.display()
        ));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    let seed = crate::record::store::random_bytes::<32>().map_err(|e| e.to_string())?;
    let key = SigningKey::from_bytes(&seed);
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| format!("cannot encode the key: {e}"))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    f.write_all(pem.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let public = key.verifying_key();
    let pub_pem = public.to_public_key_pem(LineEnding::LF).map_err(|e| format!("cannot encode the public key: {e}"))?;
    crate::record::atomic::write(&public_path(path), pub_pem.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", public_path(path).display()))?;
    crate::record::atomic::write(&office_path(path), format!("{}\n", office.trim()).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", office_path(path).display()))?;
    Ok(public)
}

/// Reads the office's signing key and its name.
pub fn load_signing(path: &Path) -> Result<(SigningKey, String), String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!("cannot read the signing key {}: {e} (make one with `firstline keys init`)", path.display())
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            return Err(format!(
                "{}: the signing key is readable by others (mode {:o}); `chmod 600` it",
                path.display(),
                m.permissions().mode() & 0o777
            ));
        }
    }
    let key = SigningKey::from_pkcs8_pem(&text)
        .map_err(|e| format!("{}: not an ed25519 PKCS#8 PEM key: {e}", path.display()))?;
    let office = std::fs::read_to_string(office_path(path)).map(|s| s.trim().to_owned()).unwrap_or_default();
    Ok((key, office))
}

/// Reads a public key (a `.pub.pem` file, or the private key's file).
pub fn load_public(path: &Path) -> Result<VerifyingKey, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    VerifyingKey::from_public_key_pem(&text)
        .or_else(|_| SigningKey::from_pkcs8_pem(&text).map(|k| k.verifying_key()))
        .map_err(|e| format!("{}: not an ed25519 public key in PEM: {e}", path.display()))
}
