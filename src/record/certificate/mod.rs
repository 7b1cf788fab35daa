//! Certificates (培训合格证书) anyone can check without trusting the PC that
//! printed them. A certificate is canonical JSON — the claims (person,
//! role, organisation, scenario id and SHA-256 with the scenario's text,
//! build, seed, the software players, every order the people gave, the
//! event log's SHA-256, score, level, date) — signed with the issuing
//! office's ed25519 key. Canonical means: keys sorted, no spaces, UTF-8,
//! numbers in their shortest round-trip form (serde_json's), so the signed
//! bytes are the same on any machine.
//!
//! Checking one (`check_signature`, then `compare_rerun` with a re-run the
//! caller makes from `Claims::orders`) says exactly what fails: the wrong
//! key, a field altered after signing, an event log or score the drill does
//! not give, another build.
//!
//! Owns: the certificate format, signing and checking. May not touch: the
//! sim (the re-run is the caller's).

pub mod keys;
pub mod pdf;

use crate::record::report::ScenarioRef;
use crate::scenario::schema::Action;
use crate::sim::events::BranchOf;
use crate::sim::ids::RoleId;
use crate::sim::orders::{Command, Competence, Seat, Source};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The certificate format this build writes and reads.
pub const CERTIFICATE_VERSION: u32 = 1;

/// The person certified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonClaim {
    pub code: String,
    pub name: String,
    /// The store's salted hash of the identity number, if it has one.
    pub id_hash: Option<String>,
}

/// Their organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationClaim {
    pub code: String,
    pub name: String,
    pub kind: crate::record::store::OrgKind,
}

/// One order a person (or the instructor) gave in the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub tick: u64,
    pub role: RoleId,
    pub source: Source,
    pub action: Action,
}

impl Order {
    pub fn of(c: &Command) -> Order {
        Order { tick: c.tick(), role: c.role().clone(), source: c.source(), action: c.action().clone() }
    }
    pub fn command(&self) -> Command {
        Seat::recorded(self.role.clone(), self.source).order(self.tick, self.action.clone())
    }
}

/// What a certificate says; the signed part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub firstline_certificate: u32,
    /// `FL-` and 16 hexadecimal digits of the claims' hash (with `id` empty).
    pub id: String,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued: String,
    /// Date the run was recorded.
    pub drilled: String,
    /// The issuing office, as its key names it.
    pub issuer: String,
    pub person: PersonClaim,
    pub organisation: Option<OrganisationClaim>,
    /// The role the person played (its id and its name).
    pub role: String,
    pub role_title: String,
    pub scenario: ScenarioRef,
    /// The scenario file's text, so the drill can be re-run from this file alone.
    pub scenario_source: String,
    pub build: String,
    pub seed: u64,
    /// Drill seconds run.
    pub until_s: Option<u64>,
    /// The roles the software played, and how well.
    pub plan_followers: Vec<RoleId>,
    pub competence: Competence,
    pub branch: Option<BranchOf>,
    /// Every order not given by the software, in log order.
    pub orders: Vec<Order>,
    pub event_log_sha256: String,
    /// The overall score and the role's own.
    pub score: f64,
    pub role_score: Option<f64>,
    pub level: String,
    /// The run's number in the issuing office's records.
    pub run: i64,
}

/// A signed certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub claims: Claims,
    /// ed25519 signature of the canonical claims, hexadecimal.
    pub signature: String,
    /// The signer's public key (32 bytes, hexadecimal) and its fingerprint.
    pub public_key: String,
    pub key_fingerprint: String,
}

/// The canonical bytes of any value: keys sorted, no spaces.
pub fn canonical<T: Serialize>(v: &T) -> Vec<u8> {
    // serde_json's Map is a BTreeMap (no `preserve_order` in this tree),
    // so going through a Value sorts every object's keys.
    let value = serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
    serde_json::to_vec(&value).unwrap_or_default()
}

/// The certificate id of some claims (computed with `id` empty).
pub fn id_of(claims: &Claims) -> String {
    let mut c = claims.clone();
    c.id = String::new();
    let h = crate::scenario::load::sha256_hex(&canonical(&c));
    format!("FL-{}", h[..16].to_uppercase())
}

impl Certificate {
    /// Signs the claims (their id is set first).
    pub fn sign(mut claims: Claims, key: &SigningKey) -> Certificate {
        claims.id = id_of(&claims);
        let sig = key.sign(&canonical(&claims));
        let public = key.verifying_key();
        Certificate {
            claims,
            signature: crate::record::store::hex(&sig.to_bytes()),
            public_key: crate::record::store::hex(public.as_bytes()),
            key_fingerprint: keys::fingerprint(&public),
        }
    }

    /// The certificate as its file's bytes (canonical JSON and a newline).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = canonical(self);
        b.push(b'\n');
        b
    }

    /// Reads a certificate file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Certificate, String> {
        let v: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| format!("not a Firstline certificate (not JSON: {e})"))?;
        match v.pointer("/claims/firstline_certificate").and_then(|x| x.as_u64()) {
            Some(n) if n == CERTIFICATE_VERSION as u64 => {}
            Some(n) => {
                return Err(format!(
                    "certificate format {n}; this build reads format {CERTIFICATE_VERSION} (use the build that wrote it)"
                ));
            }
            None => return Err("not a Firstline certificate (no claims.firstline_certificate)".into()),
        }
        serde_json::from_value(v).map_err(|e| format!("a field of the certificate does not read: {e}"))
    }

    /// The text in the certificate's QR code: its id and the SHA-256 of its
    /// canonical claims.
    pub fn qr_text(&self) -> String {
        format!("FIRSTLINE-CERT:{}:{}", self.claims.id, crate::scenario::load::sha256_hex(&canonical(&self.claims)))
    }
}

/// Why a certificate does not hold; each names what a checker must know.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// The certificate's key is not the office's.
    WrongKey { certificate: String, expected: String },
    /// The signature does not match the claims: a field was altered after
    /// signing (or the signature or key was damaged).
    AlteredField,
    /// The id does not belong to the claims.
    WrongId { stated: String, computed: String },
    /// The embedded scenario is not the one the certificate names.
    ScenarioAltered { stated: String, computed: String },
    /// The re-run from the embedded orders gives another event log.
    LogDiffers { stated: String, rerun: String },
    /// … or another score or level.
    ScoreDiffers { stated: String, rerun: String },
    /// Written by another build (not a failure alone; the reason when the re-run differs).
    OtherBuild { certificate: String, this: String },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::WrongKey { certificate, expected } => write!(
                f,
                "wrong key: signed by the key with fingerprint {certificate}, not by the office's key {expected}"
            ),
            Finding::AlteredField => write!(
                f,
                "altered: the signature does not match the certificate's contents — a field was changed after it was signed"
            ),
            Finding::WrongId { stated, computed } => {
                write!(f, "altered: the certificate id {stated} does not belong to its contents ({computed})")
            }
            Finding::ScenarioAltered { stated, computed } => write!(
                f,
                "altered scenario: the embedded scenario's SHA-256 is {computed}, the certificate names {stated}"
            ),
            Finding::LogDiffers { stated, rerun } => write!(
                f,
                "altered log: the drill re-run from the certificate's orders writes an event log with SHA-256 {rerun}, the certificate states {stated}"
            ),
            Finding::ScoreDiffers { stated, rerun } => {
                write!(f, "altered score: the re-run scores {rerun}, the certificate states {stated}")
            }
            Finding::OtherBuild { certificate, this } => write!(
                f,
                "different build: certified with `{certificate}`, checked with `{this}`; re-run with that build to be sure"
            ),
        }
    }
}

/// Checks the signature, the key (against the office's, when given) and
/// the id. Empty when all hold.
pub fn check_signature(cert: &Certificate, office: Option<&VerifyingKey>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(k) = office {
        let expected = keys::fingerprint(k);
        if expected != cert.key_fingerprint || crate::record::store::hex(k.as_bytes()) != cert.public_key {
            out.push(Finding::WrongKey { certificate: cert.key_fingerprint.clone(), expected });
        }
    }
    let key = unhex::<32>(&cert.public_key).and_then(|b| VerifyingKey::from_bytes(&b).ok());
    let sig = unhex::<64>(&cert.signature).map(|b| Signature::from_bytes(&b));
    let good = match (key, sig) {
        (Some(k), Some(s)) => {
            keys::fingerprint(&k) == cert.key_fingerprint && k.verify_strict(&canonical(&cert.claims), &s).is_ok()
        }
        _ => false,
    };
    if !good {
        out.push(Finding::AlteredField);
    }
    let computed = id_of(&cert.claims);
    if computed != cert.claims.id {
        out.push(Finding::WrongId { stated: cert.claims.id.clone(), computed });
    }
    let sha = crate::scenario::load::sha256_hex(cert.claims.scenario_source.as_bytes());
    if sha != cert.claims.scenario.sha256 {
        out.push(Finding::ScenarioAltered { stated: cert.claims.scenario.sha256.clone(), computed: sha });
    }
    out
}

/// What a re-run gave.
#[derive(Debug, Clone)]
pub struct Rerun {
    pub event_log_sha256: String,
    pub score: f64,
    pub level: String,
}

/// Compares a re-run with the claims. Empty when the drill gives what the
/// certificate states.
pub fn compare_rerun(claims: &Claims, rerun: &Rerun, this_build: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if rerun.event_log_sha256 != claims.event_log_sha256 {
        out.push(Finding::LogDiffers {
            stated: claims.event_log_sha256.clone(),
            rerun: rerun.event_log_sha256.clone(),
        });
    }
    if rerun.score != claims.score || rerun.level != claims.level {
        out.push(Finding::ScoreDiffers {
            stated: format!("{:.1} {}", claims.score, claims.level),
            rerun: format!("{:.1} {}", rerun.score, rerun.level),
        });
    }
    if !out.is_empty() && claims.build != this_build {
        out.push(Finding::OtherBuild { certificate: claims.build.clone(), this: this_build.to_owned() });
    }
    out
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (k, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * k..2 * k + 2], 16).ok()?;
    }
    Some(out)
}
