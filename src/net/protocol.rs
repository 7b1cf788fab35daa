//! The classroom's wire: the messages a host and its seats exchange over
//! bevy_replicon, how their bodies are packed, and the join codes.
//!
//! A seat proves it holds a join code without sending it: the host sends
//! each new connection a random challenge, the seat answers with
//! HMAC-SHA-256(code, challenge), and the host tries its seats' codes. The
//! code never crosses the network and an answer is good for one challenge
//! only. Bodies (the welcome, updates, order requests) are JSON, deflated:
//! the drill's types are tagged enums that a binary format cannot carry.
//!
//! Owns: the messages, packing, join codes and their proof. May not touch:
//! the drill (the host and the seat do).

use crate::roles::view::RoleView;
use crate::scenario::schema::{Inject, Scenario};
use crate::scenario::terrain::TerrainGrid;
use crate::sim::events::Event;
use crate::sim::ids::HouseholdId;
use crate::sim::view::{HouseState, HouseView, PersonState, PersonView, SimView};
use bevy::prelude::*;
use bevy_replicon::prelude::*;
use hmac::{Hmac, KeyInit, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::io::{Read, Write};

/// The netcode protocol id: a seat of another version of the wire is
/// refused at the transport.
pub const PROTOCOL_ID: u64 = 0x4649_5253_544c_0001;

/// The host's challenge to a new connection.
#[derive(Message, Serialize, Deserialize, Debug, Clone)]
pub struct Challenge {
    pub nonce: [u8; 32],
}

/// A seat's answer: HMAC-SHA-256 of the challenge under its join code.
#[derive(Message, Serialize, Deserialize, Debug, Clone)]
pub struct Hello {
    pub proof: [u8; 32],
}

/// Why the host turned a connection away (it disconnects it after).
#[derive(Message, Serialize, Deserialize, Debug, Clone)]
pub struct Refused {
    pub reason: String,
}

/// The seat's drill: packed `WelcomeBody`.
#[derive(Message, Serialize, Deserialize, Debug, Clone)]
pub struct Welcome(pub Vec<u8>);

/// What changed for the seat: packed `UpdateBody`.
#[derive(Message, Serialize, Deserialize, Debug, Clone)]
pub struct SeatUpdate(pub Vec<u8>);

/// One piece of the situation at `tick` (`pack_sim`, cut by `pieces`),
/// sent unreliably: a lost or late one is superseded by the next, and a
/// seat that reads slowly is sent fewer rather than falling behind. A
/// situation larger than a frame's budget would never be sent whole
/// (renet drops an unreliable message larger than what the frame has
/// left), so it goes in pieces the host spreads over frames; the seat puts
/// a situation together once all its pieces are in.
#[derive(Message, Serialize, Deserialize, Debug, Clone)]
pub struct SimSnapshot {
    pub tick: u64,
    pub index: u16,
    pub count: u16,
    pub bytes: Vec<u8>,
}

/// The most bytes in one piece of a situation.
pub const PIECE_BYTES: usize = 16_000;

/// `packed` (the situation at `tick`) in pieces of at most `PIECE_BYTES`.
pub fn pieces(tick: u64, packed: &[u8]) -> Vec<SimSnapshot> {
    let chunks: Vec<&[u8]> = packed.chunks(PIECE_BYTES).collect();
    let count = chunks.len().min(u16::MAX as usize) as u16;
    chunks
        .into_iter()
        .take(count as usize)
        .enumerate()
        .map(|(i, c)| SimSnapshot { tick, index: i as u16, count, bytes: c.to_vec() })
        .collect()
}

/// A situation being put together from its pieces (`pieces`).
#[derive(Debug, Default, Clone)]
pub struct Assembly {
    tick: u64,
    parts: Vec<Option<Vec<u8>>>,
    got: usize,
}

impl Assembly {
    /// Takes a piece in; the whole packed situation once its last piece is
    /// in. A piece of a newer situation drops an unfinished older one; a
    /// piece of an older one is ignored.
    pub fn add(&mut self, p: &SimSnapshot) -> Option<Vec<u8>> {
        if p.count == 0 || p.index >= p.count {
            return None;
        }
        if self.parts.is_empty() || p.tick > self.tick || (p.tick == self.tick && self.parts.len() != p.count as usize)
        {
            *self = Assembly { tick: p.tick, parts: vec![None; p.count as usize], got: 0 };
        } else if p.tick < self.tick {
            return None;
        }
        let slot = &mut self.parts[p.index as usize];
        if slot.is_none() {
            *slot = Some(p.bytes.clone());
            self.got += 1;
        }
        (self.got == self.parts.len()).then(|| {
            let whole = self.parts.iter().flatten().flatten().copied().collect();
            self.parts.clear();
            whole
        })
    }
}

/// An order the seat asks for: a packed `Action`. It names no role and no
/// source: the host stamps both from the seat the connection proved.
#[derive(Message, Serialize, Deserialize, Debug, Clone)]
pub struct OrderRequest(pub Vec<u8>);

/// Which seat a connection holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatKind {
    /// A trainee playing this role.
    Role(String),
    /// The projector screen: the situation, no role's messages.
    Screen,
}

/// What a seat gets once, when it joins: its drill, cut to what it may
/// know (other roles' plans and the injects removed: a seat gets an
/// inject's text with the update that delivers it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WelcomeBody {
    pub seat: SeatKind,
    pub scenario: Scenario,
    /// SHA-256 of the host's scenario file.
    pub scenario_sha256: String,
    pub terrain: TerrainGrid,
    pub seed: u64,
}

/// What a seat gets as the drill goes on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UpdateBody {
    /// The role's picture (absent for the screen).
    pub role_view: Option<RoleView>,
    /// The situation, when it changed since the last update sent
    /// (`pack_sim`).
    pub sim: Option<Vec<u8>>,
    /// Events the seat hears of that it has not been sent, in log order.
    /// A seat that joins (or comes back) gets all of them from the start.
    pub events: Vec<Event>,
    /// The injects delivered to the seat's role among `events` (their
    /// texts: a seat is never sent an inject before it arrives).
    pub injects: Vec<Inject>,
    /// The first update after (re)joining: `events` starts the drill.
    pub from_start: bool,
    /// Drill seconds per second at the host; 0 while it waits or pauses.
    pub speed: u32,
    /// The houses' ids and places: sent once a seat is in (and again after
    /// a rejoin); the situation snapshots carry only their states.
    pub houses: Option<Houses>,
    /// The gauges' series, sent with `sim`.
    pub series: Option<Vec<crate::sim::gauges::GaugeSeries>>,
    /// The host's drill has ended.
    pub ended: bool,
    /// The drill's scorecard, once it has ended (the seat's role is among
    /// its roles; the host keeps the report).
    pub card: Option<crate::scoring::Scorecard>,
}

/// Registers the messages (the host's and the seats' apps alike, in the
/// same order, or the channels disagree).
pub fn register(app: &mut App) {
    app.add_server_message::<Challenge>(Channel::Ordered)
        .make_message_independent::<Challenge>()
        .add_server_message::<Refused>(Channel::Ordered)
        .make_message_independent::<Refused>()
        .add_server_message::<Welcome>(Channel::Ordered)
        .make_message_independent::<Welcome>()
        .add_server_message::<SeatUpdate>(Channel::Ordered)
        .make_message_independent::<SeatUpdate>()
        .add_server_message::<SimSnapshot>(Channel::Unreliable)
        .make_message_independent::<SimSnapshot>()
        .add_client_message::<Hello>(Channel::Ordered)
        .add_client_message::<OrderRequest>(Channel::Ordered);
}

/// Packs a body: JSON, deflated.
pub fn pack<T: Serialize>(body: &T) -> Vec<u8> {
    let json = serde_json::to_vec(body).unwrap_or_default();
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(&json);
    z.finish().unwrap_or_default()
}

/// Bodies bigger than this once inflated are refused (a welcome with a
/// 1,024 × 1,024 terrain is about 60 MB of JSON).
const MAX_BODY: u64 = 256 << 20;

/// Unpacks a body; the error says what was wrong with it.
pub fn unpack<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(MAX_BODY)
        .read_to_end(&mut json)
        .map_err(|e| format!("a message that does not inflate: {e}"))?;
    serde_json::from_slice(&json).map_err(|e| format!("a message that does not parse: {e}"))
}

/// The houses of the drill, in the situation's order: they never move, so
/// a seat is sent them once (`UpdateBody::houses`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Houses {
    pub households: Vec<HouseholdId>,
    pub at: Vec<(f64, f64)>,
}

impl Houses {
    /// The houses of `v`.
    pub fn of(v: &SimView) -> Houses {
        Houses {
            households: v.houses.iter().map(|h| h.household.clone()).collect(),
            at: v.houses.iter().map(|h| h.at).collect(),
        }
    }
}

/// The situation on the wire: the view without its per-cell depths, houses
/// and residents; the depths in millimetres (a 150 × 150 flood map is 90 KB
/// of f32 and does not compress; in millimetres it does, and the map draws
/// centimetres); houses and residents by columns (`Dots`).
#[derive(Serialize, Deserialize)]
struct SimWire {
    view: SimView,
    water_mm: Option<Vec<u16>>,
    debris_mm: Option<Vec<u16>>,
    /// Each house's state, in `Houses`' order.
    house_states: Vec<u8>,
    residents: Dots,
}

/// Residents by columns: each position in decimetres as the step from the
/// one before (a household's members stand together, so the steps are
/// short and deflate well), and a state byte. With the houses sent once,
/// a 20,000-resident township's situation packs to 73 kB against 344 kB as
/// one record per thing (half an hour into its flood).
#[derive(Serialize, Deserialize, Default)]
struct Dots {
    dx: Vec<i32>,
    dy: Vec<i32>,
    state: Vec<u8>,
}

impl Dots {
    fn pack(places: impl Iterator<Item = Dot>) -> Dots {
        let mut d = Dots::default();
        let (mut px, mut py) = (0i64, 0i64);
        for ((x, y), state) in places {
            let (qx, qy) = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
            d.dx.push((qx - px).clamp(i32::MIN as i64, i32::MAX as i64) as i32);
            d.dy.push((qy - py).clamp(i32::MIN as i64, i32::MAX as i64) as i32);
            (px, py) = (qx, qy);
            d.state.push(state);
        }
        d
    }

    fn unpack(&self) -> Result<Vec<Dot>, String> {
        if self.dx.len() != self.dy.len() || self.dx.len() != self.state.len() {
            return Err("a situation whose columns differ in length".to_owned());
        }
        let (mut x, mut y) = (0i64, 0i64);
        Ok(self
            .dx
            .iter()
            .zip(&self.dy)
            .zip(&self.state)
            .map(|((&dx, &dy), &s)| {
                (x, y) = (x + dx as i64, y + dy as i64);
                ((x as f64 / 10.0, y as f64 / 10.0), s)
            })
            .collect())
    }
}

fn to_mm(v: &[f32]) -> Vec<u16> {
    v.iter().map(|d| (d * 1000.0).round().clamp(0.0, u16::MAX as f32) as u16).collect()
}

fn from_mm(v: &[u16]) -> Vec<f32> {
    v.iter().map(|&d| d as f32 / 1000.0).collect()
}

/// A place and a state byte.
type Dot = ((f64, f64), u8);

/// The states in declaration order: a state's byte is its discriminant
/// (`state as u8`), read back by index here.
const HOUSE_STATES: [HouseState; 5] =
    [HouseState::Normal, HouseState::Warned, HouseState::Left, HouseState::Flooded, HouseState::Struck];
const PERSON_STATES: [PersonState; 5] =
    [PersonState::Unaware, PersonState::Warned, PersonState::Moving, PersonState::Safe, PersonState::Harmed];

fn state_of<T: Copy>(all: &[T], b: u8) -> Result<T, String> {
    all.get(b as usize).copied().ok_or_else(|| format!("a situation with an unknown state {b}"))
}

/// Packs the situation for a seat: binary (postcard), depths in whole
/// millimetres (to 65.5 m), places to the decimetre, deflated.
pub fn pack_sim(v: &SimView) -> Vec<u8> {
    let mut view = v.clone();
    let water_mm = view.water_depth.take().map(|d| to_mm(&d));
    let debris_mm = view.debris_depth.take().map(|d| to_mm(&d));
    let houses = std::mem::take(&mut view.houses);
    let residents = std::mem::take(&mut view.residents);
    let wire = SimWire {
        view,
        water_mm,
        debris_mm,
        house_states: houses.iter().map(|h| h.state as u8).collect(),
        residents: Dots::pack(residents.iter().map(|p| (p.at, p.state as u8))),
    };
    let bytes = postcard::to_allocvec(&wire).unwrap_or_default();
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = z.write_all(&bytes);
    z.finish().unwrap_or_default()
}

/// Unpacks `pack_sim`'s bytes; the houses are those of `houses` (none
/// while a seat has not been sent them, or when they do not match).
pub fn unpack_sim(bytes: &[u8], houses: Option<&Houses>) -> Result<SimView, String> {
    let mut raw = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .take(MAX_BODY)
        .read_to_end(&mut raw)
        .map_err(|e| format!("a situation that does not inflate: {e}"))?;
    let w: SimWire = postcard::from_bytes(&raw).map_err(|e| format!("a situation that does not parse: {e}"))?;
    let mut v = w.view;
    v.water_depth = w.water_mm.as_deref().map(from_mm);
    v.debris_depth = w.debris_mm.as_deref().map(from_mm);
    if let Some(h) = houses.filter(|h| h.households.len() == w.house_states.len() && h.at.len() == h.households.len()) {
        v.houses = h
            .households
            .iter()
            .zip(&h.at)
            .zip(&w.house_states)
            .map(|((id, &at), &s)| Ok(HouseView { household: id.clone(), at, state: state_of(&HOUSE_STATES, s)? }))
            .collect::<Result<_, String>>()?;
    }
    v.residents = w
        .residents
        .unpack()?
        .into_iter()
        .map(|(at, s)| Ok(PersonView { at, state: state_of(&PERSON_STATES, s)? }))
        .collect::<Result<_, String>>()?;
    Ok(v)
}

/// The alphabet of join codes: Crockford's base 32 (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new join code: 10 characters (50 random bits), shown as `XXXXX-XXXXX`.
pub fn new_code() -> Result<String, String> {
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a join code: {e}"))?;
    let s: String = bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char).collect();
    Ok(format!("{}-{}", &s[..5], &s[5..]))
}

/// A code as typed (any case, with or without the dash, O for 0, I and L
/// for 1), in its canonical form without the dash.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// A new challenge.
pub fn new_nonce() -> Result<[u8; 32], String> {
    let mut n = [0u8; 32];
    getrandom::fill(&mut n).map_err(|e| format!("no randomness for a challenge: {e}"))?;
    Ok(n)
}

/// The answer to `nonce` under `code`.
pub fn prove(code: &str, nonce: &[u8; 32]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(normalise(code).as_bytes()).expect("HMAC takes any key");
    mac.update(b"firstline-seat\0");
    mac.update(nonce);
    mac.finalize().into_bytes().into()
}

/// Whether `proof` answers `nonce` under `code` (in constant time).
pub fn verify(code: &str, nonce: &[u8; 32], proof: &[u8; 32]) -> bool {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(normalise(code).as_bytes()).expect("HMAC takes any key");
    mac.update(b"firstline-seat\0");
    mac.update(nonce);
    mac.verify_slice(proof).is_ok()
}

/// The drill a seat may know when it joins: `scenario` without other
/// roles' plans (the screen: none) and without injects.
pub fn redact(scenario: &Scenario, seat: &SeatKind) -> Scenario {
    let mut s = scenario.clone();
    match seat {
        SeatKind::Role(role) => s.plans.retain(|p| &p.role == role),
        SeatKind::Screen => s.plans.clear(),
    }
    s.injects.clear();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proof_holds_for_its_code_and_challenge_only() {
        let code = new_code().unwrap();
        let n = new_nonce().unwrap();
        let p = prove(&code, &n);
        assert!(verify(&code, &n, &p));
        assert!(verify(&code.to_lowercase().replace('-', ""), &n, &p), "case and dash do not matter");
        assert!(!verify(&new_code().unwrap(), &n, &p), "another code");
        assert!(!verify(&code, &new_nonce().unwrap(), &p), "another challenge");
    }

    #[test]
    fn bodies_pack_and_unpack() {
        let b = UpdateBody { speed: 60, ended: true, ..Default::default() };
        let back: UpdateBody = unpack(&pack(&b)).unwrap();
        assert_eq!((back.speed, back.ended), (60, true));
        assert!(unpack::<UpdateBody>(b"not deflate").is_err());
    }

    #[test]
    fn the_situation_packs_to_the_millimetre() {
        let v = SimView {
            tick: 7,
            water_depth: Some(vec![0.0, 0.0004, 0.0006, 1.23456, 70.0]),
            debris_depth: None,
            ..Default::default()
        };
        let back = unpack_sim(&pack_sim(&v), None).unwrap();
        assert_eq!(back.tick, 7);
        let d = back.water_depth.unwrap();
        for (a, b) in [0.0, 0.0004, 0.0006, 1.23456].iter().zip(&d) {
            assert!((a - b).abs() <= 0.0005 + 1e-6, "{a} → {b}");
        }
        assert_eq!(d[4], 65.535, "deeper than 65.5 m is clamped");
        assert!(back.debris_depth.is_none());
    }

    /// A situation cut in pieces comes back whole whatever order its pieces
    /// arrive in; a piece of a newer one drops an unfinished older one, and
    /// an older piece changes nothing.
    #[test]
    fn a_state_s_byte_reads_back_as_the_same_state() {
        assert!(HOUSE_STATES.iter().enumerate().all(|(i, &s)| s as usize == i));
        assert!(PERSON_STATES.iter().enumerate().all(|(i, &s)| s as usize == i));
    }

    #[test]
    fn pieces_put_a_situation_back_together() {
        let packed: Vec<u8> = (0..40_000u32).map(|k| (k * 7 % 251) as u8).collect();
        let mut ps = pieces(9, &packed);
        assert_eq!(ps.len(), 3);
        assert!(ps.iter().all(|p| p.bytes.len() <= PIECE_BYTES));
        ps.swap(0, 2);
        let mut a = Assembly::default();
        assert_eq!(a.add(&ps[0]), None);
        assert_eq!(a.add(&ps[0]), None, "a repeated piece counts once");
        assert_eq!(a.add(&ps[1]), None);
        assert_eq!(a.add(&ps[2]).as_deref(), Some(&packed[..]));
        let newer = pieces(10, &packed[..20_000]);
        assert_eq!(a.add(&pieces(8, &packed)[0]), None);
        assert_eq!(a.add(&newer[0]), None);
        assert_eq!(a.add(&ps[1]), None, "an older situation's piece is ignored");
        assert_eq!(a.add(&newer[1]).as_deref(), Some(&packed[..20_000]));
    }

    /// Residents travel to the decimetre by columns, houses as states
    /// against the list a seat was sent once: the situation comes back as
    /// it was (places within 5 cm), and a seat without the houses' list, or
    /// with another drill's, shows none rather than the wrong ones.
    #[test]
    fn residents_and_houses_come_back_in_order() {
        let houses: Vec<HouseView> = (0..300)
            .map(|k| HouseView {
                household: HouseholdId(format!("dw-{k:03}")),
                at: (1500.0 + 7.3 * (k % 20) as f64, 900.0 + 6.1 * (k / 20) as f64),
                state: HOUSE_STATES[k % 5],
            })
            .collect();
        let residents: Vec<PersonView> = (0..1000)
            .map(|k| PersonView {
                at: (10_000.0 - 3.37 * k as f64, 0.04 * k as f64 + 0.123),
                state: PERSON_STATES[(k * 7) % 5],
            })
            .collect();
        let v = SimView { tick: 3, houses: houses.clone(), residents: residents.clone(), ..Default::default() };
        let list = Houses::of(&v);
        let back = unpack_sim(&pack_sim(&v), Some(&list)).unwrap();
        assert_eq!(back.houses.len(), 300);
        for (a, b) in houses.iter().zip(&back.houses) {
            assert_eq!((&a.household, a.at, a.state), (&b.household, b.at, b.state));
        }
        assert_eq!(back.residents.len(), 1000);
        for (a, b) in residents.iter().zip(&back.residents) {
            assert_eq!(a.state, b.state);
            assert!((a.at.0 - b.at.0).abs() <= 0.05 + 1e-9 && (a.at.1 - b.at.1).abs() <= 0.05 + 1e-9, "{a:?} → {b:?}");
        }
        assert!(unpack_sim(&pack_sim(&v), None).unwrap().houses.is_empty(), "no list, no houses");
        let other = Houses { households: list.households[..10].to_vec(), at: list.at[..10].to_vec() };
        assert!(unpack_sim(&pack_sim(&v), Some(&other)).unwrap().houses.is_empty(), "another drill's list");
    }
}
