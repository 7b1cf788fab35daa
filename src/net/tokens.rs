//! The join exchange: before a seat opens its UDP connection, it proves
//! its join code to the host over TCP on the same port number and is
//! given a netcode connect token, sealed so that only the code's holder
//! can open it. With the token the connection runs netcode's secure mode:
//! every packet is encrypted and authenticated under keys only that seat
//! and the host hold, so another machine on the LAN can neither read a
//! seat's inbox off the wire nor put an order in its name, and a
//! connection without a token is never admitted.
//!
//! The exchange (all lengths fixed):
//! 1. host → seat: `MAGIC`, the host's nonce (32 bytes);
//! 2. seat → host: the seat's nonce (32), HMAC-SHA-256 under the code of
//!    both nonces (32);
//! 3. host → seat: `0` and the sealed token (its length as u32 LE, then
//!    ChaCha20-Poly1305 under HMAC-SHA-256(code, both nonces) with a
//!    label of its own), or `1` when no seat has that code.
//!
//! The code never crosses the wire; a proof or a sealed token is good for
//! its two nonces only, and a token for one address (netcode refuses a
//! token's second use from another). Which seat a code holds is settled
//! afterwards by the in-band challenge (`protocol::prove`), as before.
//!
//! Owns: the exchange, the service's thread and the host's netcode key.
//! May not touch: the drill, the host's or the seat's state.

use super::protocol::{self, PROTOCOL_ID};
use bevy::prelude::Resource;
use bevy_replicon_renet::netcode::{ConnectToken, NETCODE_KEY_BYTES};
use chacha20poly1305::aead::{Aead, KeyInit as _};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// The exchange's first bytes (and its version).
pub const MAGIC: [u8; 8] = *b"FLJOIN01";
/// A token must be used within this long of being given.
pub const TOKEN_EXPIRES_S: u64 = 30;
/// Netcode drops a connection silent for this long.
pub const TIMEOUT_S: i32 = 15;
/// How long either side waits for the other's next bytes.
const WAIT: Duration = Duration::from_secs(3);
/// How long a wrong code keeps the service busy (guessing codes over the
/// LAN goes at a few a second at most).
const WRONG_CODE_PAUSE: Duration = Duration::from_millis(250);
/// The sealed token's largest length (a token is 2,048 bytes).
const MAX_SEALED: usize = 4096;

/// Why a seat got no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinError {
    /// The host has no seat with this code (said as the seat shows it).
    Refused(String),
    /// The host could not be reached, or the exchange broke off.
    Failed(String),
}

fn mac(code: &str, label: &[u8], host_nonce: &[u8; 32], seat_nonce: &[u8; 32]) -> Hmac<Sha256> {
    let mut m =
        <Hmac<Sha256> as KeyInit>::new_from_slice(protocol::normalise(code).as_bytes()).expect("HMAC takes any key");
    m.update(label);
    m.update(host_nonce);
    m.update(seat_nonce);
    m
}

fn proof(code: &str, host_nonce: &[u8; 32], seat_nonce: &[u8; 32]) -> [u8; 32] {
    mac(code, b"firstline-join-proof\0", host_nonce, seat_nonce).finalize().into_bytes().into()
}

fn seal_key(code: &str, host_nonce: &[u8; 32], seat_nonce: &[u8; 32]) -> ChaCha20Poly1305 {
    let k: [u8; 32] = mac(code, b"firstline-join-seal\0", host_nonce, seat_nonce).finalize().into_bytes().into();
    ChaCha20Poly1305::new(Key::from_slice(&k))
}

/// The token, sealed under the code and both nonces (the key is new for
/// every exchange, so a zero AEAD nonce is used once).
pub fn seal(code: &str, host_nonce: &[u8; 32], seat_nonce: &[u8; 32], token: &ConnectToken) -> Result<Vec<u8>, String> {
    let mut plain = Vec::with_capacity(2048);
    token.write(&mut plain).map_err(|e| e.to_string())?;
    seal_key(code, host_nonce, seat_nonce)
        .encrypt(Nonce::from_slice(&[0; 12]), plain.as_slice())
        .map_err(|_| "the token could not be sealed".to_owned())
}

/// The token inside `sealed`, if `code` and the nonces are the ones it
/// was sealed under.
pub fn open(code: &str, host_nonce: &[u8; 32], seat_nonce: &[u8; 32], sealed: &[u8]) -> Result<ConnectToken, String> {
    let plain = seal_key(code, host_nonce, seat_nonce)
        .decrypt(Nonce::from_slice(&[0; 12]), sealed)
        .map_err(|_| "the host's token does not open with this code".to_owned())?;
    ConnectToken::read(&mut plain.as_slice()).map_err(|e| format!("the host's token cannot be read: {e}"))
}

/// The host's side: its netcode key and the codes it seats.
pub struct Issuer {
    key: [u8; NETCODE_KEY_BYTES],
    codes: Vec<String>,
    /// The UDP address the netcode server was given as its public one.
    public: SocketAddr,
    /// Tokens given and codes refused so far (counted before the answer
    /// is sent).
    given: Arc<AtomicU64>,
    refused: Arc<AtomicU64>,
}

impl Issuer {
    /// A new random key for the host's server at `public`, for `codes`.
    pub fn new(codes: Vec<String>, public: SocketAddr) -> Result<Issuer, String> {
        let mut key = [0u8; NETCODE_KEY_BYTES];
        getrandom::fill(&mut key).map_err(|e| format!("no randomness for the host's key: {e}"))?;
        Ok(Issuer { key, codes, public, given: Default::default(), refused: Default::default() })
    }

    /// The key the netcode server checks tokens with.
    pub fn key(&self) -> [u8; NETCODE_KEY_BYTES] {
        self.key
    }

    /// A token for a seat that dialled `dialled` (the host's address as
    /// the seat reached it; the server's public address follows, so the
    /// server finds itself in the token's list whichever it is).
    fn token(&self, dialled: SocketAddr) -> Result<ConnectToken, String> {
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| e.to_string())?;
        let mut addrs = vec![dialled];
        if self.public != dialled {
            addrs.push(self.public);
        }
        ConnectToken::generate(
            unix_now(),
            PROTOCOL_ID,
            TOKEN_EXPIRES_S,
            u64::from_le_bytes(id),
            TIMEOUT_S,
            addrs,
            None,
            &self.key,
        )
        .map_err(|e| format!("no token: {e}"))
    }

    /// Answers one seat on `stream`, which reached the host at
    /// `dialled` (its UDP port the netcode server's). Returns whether a
    /// token was given.
    pub fn answer(&self, stream: &mut (impl Read + Write), dialled: SocketAddr) -> Result<bool, String> {
        let host_nonce = protocol::new_nonce()?;
        stream.write_all(&MAGIC).and_then(|_| stream.write_all(&host_nonce)).map_err(|e| e.to_string())?;
        let mut reply = [0u8; 64];
        stream.read_exact(&mut reply).map_err(|e| format!("the seat broke off: {e}"))?;
        let seat_nonce: [u8; 32] = reply[..32].try_into().expect("32 bytes");
        let given = &reply[32..];
        let code = self
            .codes
            .iter()
            .find(|c| mac(c, b"firstline-join-proof\0", &host_nonce, &seat_nonce).verify_slice(given).is_ok());
        let Some(code) = code else {
            std::thread::sleep(WRONG_CODE_PAUSE);
            self.refused.fetch_add(1, Ordering::Relaxed);
            stream.write_all(&[1]).map_err(|e| e.to_string())?;
            return Ok(false);
        };
        let sealed = seal(code, &host_nonce, &seat_nonce, &self.token(dialled)?)?;
        self.given.fetch_add(1, Ordering::Relaxed);
        let mut out = Vec::with_capacity(5 + sealed.len());
        out.push(0);
        out.extend_from_slice(&(sealed.len() as u32).to_le_bytes());
        out.extend_from_slice(&sealed);
        stream.write_all(&out).map_err(|e| e.to_string())?;
        Ok(true)
    }
}

/// The wall clock as netcode reads it (tokens' times, the transports').
pub(super) fn unix_now() -> Duration {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
}

/// The seat's side of the exchange on `stream`.
pub fn ask(stream: &mut (impl Read + Write), code: &str) -> Result<ConnectToken, JoinError> {
    let broke = |e: std::io::Error| JoinError::Failed(format!("the host broke off the join exchange: {e}"));
    let not_a_host = || JoinError::Failed("the address does not answer as a Firstline host of this version".to_owned());
    let mut magic = [0u8; 8];
    stream.read_exact(&mut magic).map_err(|_| not_a_host())?;
    if magic != MAGIC {
        return Err(not_a_host());
    }
    let mut host_nonce = [0u8; 32];
    stream.read_exact(&mut host_nonce).map_err(broke)?;
    let seat_nonce = protocol::new_nonce().map_err(JoinError::Failed)?;
    let mut reply = [0u8; 64];
    reply[..32].copy_from_slice(&seat_nonce);
    reply[32..].copy_from_slice(&proof(code, &host_nonce, &seat_nonce));
    stream.write_all(&reply).map_err(broke)?;
    let mut status = [0u8; 1];
    stream.read_exact(&mut status).map_err(broke)?;
    if status[0] != 0 {
        return Err(JoinError::Refused("wrong join code".to_owned()));
    }
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).map_err(broke)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_SEALED {
        return Err(JoinError::Failed(format!("the host sent a token of {len} bytes")));
    }
    let mut sealed = vec![0u8; len];
    stream.read_exact(&mut sealed).map_err(broke)?;
    open(code, &host_nonce, &seat_nonce, &sealed).map_err(JoinError::Failed)
}

/// Asks the host at `host` (its UDP address; the exchange is on the same
/// TCP port) for a token for `code`.
pub fn fetch(host: SocketAddr, code: &str) -> Result<ConnectToken, JoinError> {
    let mut s = TcpStream::connect_timeout(&host, WAIT)
        .map_err(|e| JoinError::Failed(format!("cannot reach the host at {host} (TCP): {e}")))?;
    s.set_read_timeout(Some(WAIT))
        .and_then(|_| s.set_write_timeout(Some(WAIT)))
        .map_err(|e| JoinError::Failed(e.to_string()))?;
    let _ = s.set_nodelay(true);
    ask(&mut s, code)
}

/// The host's token service: a thread taking seats on the TCP listener
/// (each answered on a thread of its own, `AT_ONCE` at most), until this
/// is dropped.
#[derive(Resource)]
pub struct TokenService {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Tokens given and codes refused so far.
    pub given: Arc<AtomicU64>,
    pub refused: Arc<AtomicU64>,
}

impl TokenService {
    /// Starts answering on `listener` for `issuer`, with tokens for the
    /// netcode server on `udp_port`.
    pub fn start(listener: TcpListener, issuer: Issuer, udp_port: u16) -> Result<TokenService, String> {
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let stop = Arc::new(AtomicBool::new(false));
        let (given, refused) = (issuer.given.clone(), issuer.refused.clone());
        let s = stop.clone();
        let issuer = Arc::new(issuer);
        // Seats are answered each on a thread of its own, so one that
        // stalls (or never answers) holds up nobody else; at most
        // `AT_ONCE` at a time, more are turned away until one ends.
        let busy = Arc::new(AtomicU64::new(0));
        let thread = std::thread::Builder::new()
            .name("join-tokens".into())
            .spawn(move || {
                while !s.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, peer)) => {
                            if busy.load(Ordering::Relaxed) >= AT_ONCE {
                                bevy::log::warn!("join exchange with {peer} turned away: {AT_ONCE} under way");
                                continue;
                            }
                            busy.fetch_add(1, Ordering::Relaxed);
                            let (issuer, busy) = (issuer.clone(), busy.clone());
                            let spawned = std::thread::Builder::new().name("join-exchange".into()).spawn(move || {
                                answer_one(&issuer, stream, peer, udp_port);
                                busy.fetch_sub(1, Ordering::Relaxed);
                            });
                            if let Err(e) = spawned {
                                bevy::log::warn!("the join service: {e}");
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(5))
                        }
                        Err(e) => {
                            bevy::log::warn!("the join service: {e}");
                            std::thread::sleep(Duration::from_millis(50))
                        }
                    }
                }
            })
            .map_err(|e| format!("cannot start the join service: {e}"))?;
        Ok(TokenService { stop, thread: Some(thread), given, refused })
    }
}

/// Join exchanges under way at once, at most.
const AT_ONCE: u64 = 16;

/// One seat's exchange on `stream` (from `peer`).
fn answer_one(issuer: &Issuer, mut stream: TcpStream, peer: SocketAddr, udp_port: u16) {
    let ok = stream.set_nonblocking(false).is_ok()
        && stream.set_read_timeout(Some(WAIT)).is_ok()
        && stream.set_write_timeout(Some(WAIT)).is_ok();
    let Ok(local) = stream.local_addr() else { return };
    let dialled = SocketAddr::new(local.ip(), udp_port);
    match ok.then(|| issuer.answer(&mut stream, dialled)) {
        Some(Ok(false)) => bevy::log::info!("{peer} gave a wrong join code"),
        Some(Err(e)) => bevy::log::info!("join exchange with {peer}: {e}"),
        _ => {}
    }
}

impl Drop for TokenService {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(codes: &[&str]) -> (TokenService, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let public: SocketAddr = SocketAddr::new([0, 0, 0, 0].into(), addr.port());
        let issuer = Issuer::new(codes.iter().map(|c| c.to_string()).collect(), public).unwrap();
        (TokenService::start(listener, issuer, addr.port()).unwrap(), addr)
    }

    #[test]
    fn a_code_gets_a_token_for_the_address_it_dialled_and_a_wrong_one_none() {
        let (svc, addr) = service(&["ABCDE-FGH1K", "22222-33333"]);
        // As typed: any case, O for 0, no dash.
        let t = fetch(addr, "abcdefghik").unwrap();
        assert_eq!(t.server_addresses[0], Some(addr), "the address the seat dialled first");
        assert_eq!(t.server_addresses[1], Some(SocketAddr::new([0, 0, 0, 0].into(), addr.port())));
        assert_eq!(t.protocol_id, PROTOCOL_ID);
        assert_eq!(t.expire_timestamp - t.create_timestamp, TOKEN_EXPIRES_S);
        let u = fetch(addr, "22222-33333").unwrap();
        assert_ne!(t.client_id, u.client_id, "every token has its own client id");
        assert_ne!(t.client_to_server_key, u.client_to_server_key, "and its own keys");
        assert_eq!(fetch(addr, "ABCDE-FGHJJ").unwrap_err(), JoinError::Refused("wrong join code".into()));
        assert_eq!(svc.given.load(Ordering::Relaxed), 2);
        assert_eq!(svc.refused.load(Ordering::Relaxed), 1);
    }

    /// Seats that connect and never answer (a stalled PC, a port scanner)
    /// hold up nobody: with three of them hanging on, a seat still gets
    /// its token (answered one at a time, it would wait 3 × 3 s, past its
    /// own 3 s).
    #[test]
    fn stalled_connections_do_not_hold_up_a_seat() {
        let (svc, addr) = service(&["ABCDE-FGHJK"]);
        let stalled: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(addr).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(50));
        assert!(fetch(addr, "ABCDE-FGHJK").is_ok());
        assert_eq!(svc.given.load(Ordering::Relaxed), 1);
        drop(stalled);
    }

    #[test]
    fn a_sealed_token_opens_only_with_its_code_and_nonces_and_hides_its_keys() {
        let issuer = Issuer::new(vec![], "127.0.0.1:7000".parse().unwrap()).unwrap();
        let t = issuer.token("127.0.0.1:7000".parse().unwrap()).unwrap();
        let (h, s) = (protocol::new_nonce().unwrap(), protocol::new_nonce().unwrap());
        let sealed = seal("ABCDE-FGHJK", &h, &s, &t).unwrap();
        let back = open("abcde fghjk", &h, &s, &sealed).unwrap();
        assert_eq!((back.client_id, back.client_to_server_key), (t.client_id, t.client_to_server_key));
        assert!(open("ABCDE-FGHJM", &h, &s, &sealed).is_err(), "another code");
        assert!(open("ABCDE-FGHJK", &s, &h, &sealed).is_err(), "other nonces");
        let mut bent = sealed.clone();
        bent[100] ^= 1;
        assert!(open("ABCDE-FGHJK", &h, &s, &bent).is_err(), "a changed byte");
        // Neither key is in the sealed bytes (an eavesdropper sees these).
        for key in [t.client_to_server_key, t.server_to_client_key] {
            assert!(!sealed.windows(key.len()).any(|w| w == key));
        }
    }

    #[test]
    fn something_else_at_the_address_is_said_plainly() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let t = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
        });
        match fetch(addr, "ABCDE-FGHJK") {
            Err(JoinError::Failed(m)) => assert!(m.contains("Firstline host"), "{m}"),
            other => panic!("{other:?}"),
        }
        t.join().unwrap();
        match fetch("127.0.0.1:9".parse().unwrap(), "ABCDE-FGHJK") {
            Err(JoinError::Failed(m)) => assert!(m.contains("cannot reach the host"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
