//! A loopback stand-in for the Entra ID token endpoint and Azure Resource Manager.
//!
//! It checks every field of every request as `shared/reference/token-renewal.md` documents
//! them, answers like the real services when all are right, answers a documented error
//! otherwise, and records each call with its verdict so tests can assert that nothing was
//! rejected and how many calls were made.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How ARM answers a valid generateToken request.
#[derive(Clone, Debug, PartialEq)]
pub enum ArmMode {
    /// 200 with a token for the gateway, expiring as asked.
    Issue,
    /// This status with an ARM error body.
    Fail(u16, &'static str, String),
    /// 200 with a token for another gateway.
    WrongGateway,
    /// 200 with a token expiring a day earlier than asked.
    WrongExpiry,
    /// 401 whose code and message quote the bearer token, whole and in pieces.
    Echo,
}

/// A fault answered before a request is looked at (the next one, then the one after, ...).
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// This status, with this `Retry-After` header if any.
    Status(u16, Option<&'static str>),
    /// Close the connection without an answer.
    Drop,
}

/// How Entra answers a valid token request.
#[derive(Clone, Debug, PartialEq)]
pub enum EntraMode {
    /// 200 with a bearer token.
    Issue,
    /// This status, OAuth error and description.
    Fail(u16, &'static str, String),
    /// 400 whose `error` and `error_description` quote the assertion, in pieces and in base64.
    Echo,
}

/// What the stand-in expects and how it answers.
#[derive(Clone, Debug)]
pub struct Expect {
    pub tenant: String,
    pub client_id: String,
    /// The federated token file; its contents at request time must be the assertion.
    pub assertion_file: PathBuf,
    /// The ARM base URL the scope must name (`<arm>/.default`).
    pub arm_base: String,
    pub subscription: String,
    pub resource_group: String,
    pub service: String,
    pub gateway: String,
    pub key_type: &'static str,
    pub entra: EntraMode,
    pub arm: ArmMode,
    /// Faults answered to the next Entra requests, first first.
    pub entra_faults: Vec<Fault>,
    /// Faults answered to the next ARM requests.
    pub arm_faults: Vec<Fault>,
}

/// One request and the stand-in's verdict.
#[derive(Clone, Debug)]
pub struct Call {
    /// `entra`, `arm` or `unknown`.
    pub service: &'static str,
    pub path: String,
    /// `Err(reason)` when the request broke the documented contract.
    pub verdict: Result<(), String>,
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    /// Access tokens issued by the Entra side, in order.
    access_tokens: Vec<String>,
    /// Gateway tokens issued by the ARM side (without the `GatewayKey ` prefix).
    gateway_tokens: Vec<String>,
}

/// A running stand-in; stops when dropped.
pub struct StandIn {
    pub addr: std::net::SocketAddr,
    expect: Arc<Mutex<Expect>>,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// Random-looking bytes, unique per call (no secret quality needed).
fn unique_bytes(n: usize) -> Vec<u8> {
    use std::hash::{BuildHasher, Hasher};
    let mut out = Vec::with_capacity(n);
    let seed = COUNTER.fetch_add(1, Ordering::Relaxed);
    while out.len() < n {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(seed);
        h.write_usize(out.len());
        out.extend_from_slice(&h.finish().to_le_bytes());
    }
    out.truncate(n);
    out
}

impl StandIn {
    pub fn start(expect: Expect) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let expect = Arc::new(Mutex::new(expect));
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (expect, state, stop) = (expect.clone(), state.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(conn) = conn {
                        serve(conn, addr, &expect, &state);
                    }
                }
            })
        };
        StandIn {
            addr,
            expect,
            state,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set(&self, change: impl FnOnce(&mut Expect)) {
        change(&mut self.expect.lock().unwrap());
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    pub fn clear_calls(&self) {
        self.state.lock().unwrap().calls.clear();
    }

    /// Every secret the stand-in handed out: access tokens and gateway tokens, and each gateway
    /// token's signature.
    pub fn secrets(&self) -> Vec<String> {
        let s = self.state.lock().unwrap();
        let mut out = s.access_tokens.clone();
        for t in &s.gateway_tokens {
            out.push(t.clone());
            out.push(t.rsplit('&').next().unwrap().to_owned());
        }
        out
    }

    /// The last gateway token issued, without the prefix.
    pub fn last_gateway_token(&self) -> Option<String> {
        self.state.lock().unwrap().gateway_tokens.last().cloned()
    }

    /// Panics unless every recorded call was accepted.
    pub fn assert_all_valid(&self) {
        for c in self.calls() {
            assert!(
                c.verdict.is_ok(),
                "the stand-in rejected a {} call to {}: {:?}",
                c.service,
                c.path,
                c.verdict
            );
        }
    }

    pub fn count(&self, service: &str) -> usize {
        self.calls().iter().filter(|c| c.service == service).count()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct HttpRequest {
    method: String,
    path: String,
    query: Option<String>,
    /// Lower-case names; each name once (a repeated header is a rejection).
    headers: BTreeMap<String, String>,
    repeated_header: Option<String>,
    body: Vec<u8>,
}

fn read_request(conn: &TcpStream) -> Option<HttpRequest> {
    let mut reader = BufReader::new(conn.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.trim_end().splitn(3, ' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if version != "HTTP/1.1" {
        return None;
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.to_owned(), None),
    };
    let mut headers = BTreeMap::new();
    let mut repeated_header = None;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        if headers
            .insert(name.clone(), value.trim().to_owned())
            .is_some()
        {
            repeated_header = Some(name);
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(HttpRequest {
        method: method.to_owned(),
        path,
        query,
        headers,
        repeated_header,
        body,
    })
}

fn respond(conn: &TcpStream, status: u16, body: &serde_json::Value) {
    respond_with(conn, status, body, "");
}

/// Answers with `extra` header lines (each ending in CRLF).
fn respond_with(mut conn: &TcpStream, status: u16, body: &serde_json::Value, extra: &str) {
    let text = body.to_string();
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let _ = write!(
        conn,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = conn.flush();
}

fn serve(
    conn: TcpStream,
    addr: std::net::SocketAddr,
    expect: &Mutex<Expect>,
    state: &Mutex<State>,
) {
    let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(10)));
    let Some(req) = read_request(&conn) else {
        return;
    };
    let entra_path = {
        let e = expect.lock().unwrap();
        format!("/{}/oauth2/v2.0/token", e.tenant)
    };
    let arm_call = req.path.starts_with("/subscriptions/") && req.path.ends_with("/generateToken");
    let fault = {
        let mut e = expect.lock().unwrap();
        let queue = if req.path == entra_path {
            &mut e.entra_faults
        } else {
            &mut e.arm_faults
        };
        (!queue.is_empty()).then(|| queue.remove(0))
    };
    if let Some(fault) = fault {
        let service = if arm_call { "arm" } else { "entra" };
        record(state, service, &req.path, check_common(&req, addr));
        match fault {
            Fault::Drop => drop(conn),
            Fault::Status(status, retry_after) => {
                let extra = retry_after
                    .map(|r| format!("retry-after: {r}\r\n"))
                    .unwrap_or_default();
                respond_with(
                    &conn,
                    status,
                    &serde_json::json!({"error": {"code": "ServerBusy", "message": "try again"}}),
                    &extra,
                );
            }
        }
        return;
    }
    let expect = expect.lock().unwrap().clone();
    let common = check_common(&req, addr);
    if req.path == entra_path {
        let verdict = common.and_then(|()| check_entra(&req, &expect));
        let answer = match (&verdict, &expect.entra) {
            (Err(reason), _) => (
                400,
                serde_json::json!({
                    "error": "invalid_request",
                    "error_description": format!("AADSTS900144: stand-in rejected the request: {reason}"),
                    "error_codes": [900144],
                }),
            ),
            (Ok(()), EntraMode::Fail(status, error, description)) => (
                *status,
                serde_json::json!({"error": error, "error_description": description}),
            ),
            (Ok(()), EntraMode::Echo) => {
                let assertion = std::fs::read_to_string(&expect.assertion_file).unwrap();
                let assertion = assertion.trim();
                let b64 = base64::engine::general_purpose::STANDARD.encode(assertion);
                (
                    400,
                    serde_json::json!({
                        "error": &assertion[..30],
                        "error_description": format!(
                            "AADSTS50027: JWT token is invalid or malformed: {} (base64 {b64})\u{1b}[2J",
                            &assertion[7..]
                        ),
                    }),
                )
            }
            (Ok(()), EntraMode::Issue) => {
                let token = format!(
                    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.{}",
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(unique_bytes(48))
                );
                state.lock().unwrap().access_tokens.push(token.clone());
                (
                    200,
                    serde_json::json!({
                        "token_type": "Bearer",
                        "expires_in": 3599,
                        "ext_expires_in": 3599,
                        "access_token": token,
                    }),
                )
            }
        };
        record(state, "entra", &req.path, verdict);
        respond(&conn, answer.0, &answer.1);
        return;
    }
    let arm_path = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ApiManagement/service/{}/gateways/{}/generateToken",
        expect.subscription, expect.resource_group, expect.service, expect.gateway
    );
    if arm_call {
        let issued = state.lock().unwrap().access_tokens.last().cloned();
        let verdict = common.and_then(|()| check_arm(&req, &expect, &arm_path, issued));
        let answer = match (&verdict, &expect.arm) {
            (Err(reason), _) => {
                let status = if reason.starts_with("authorization") {
                    401
                } else if reason.starts_with("path") {
                    404
                } else {
                    400
                };
                arm_error(status, "StandInRejected", reason)
            }
            (Ok(()), ArmMode::Fail(status, code, message)) => arm_error(*status, code, message),
            (Ok(()), ArmMode::Echo) => {
                let bearer = req.headers["authorization"].trim_start_matches("Bearer ");
                arm_error(
                    401,
                    &format!("InvalidAuthenticationToken{}", &bearer[10..40]),
                    &format!(
                        "The access token {} is invalid.\r\nRequest header: Bearer {bearer}",
                        &bearer[3..]
                    ),
                )
            }
            (Ok(()), mode) => {
                let asked: Timestamp = serde_json::from_slice::<serde_json::Value>(&req.body)
                    .unwrap()["expiry"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                let (gateway, expiry) = match mode {
                    ArmMode::WrongGateway => (format!("{}-other", expect.gateway), asked),
                    ArmMode::WrongExpiry => (
                        expect.gateway.clone(),
                        asked - SignedDuration::from_hours(24),
                    ),
                    _ => (expect.gateway.clone(), asked),
                };
                let signature = base64::engine::general_purpose::STANDARD.encode(unique_bytes(64));
                let value = format!("{gateway}&{}&{signature}", expiry.strftime("%Y%m%d%H%M"));
                state.lock().unwrap().gateway_tokens.push(value.clone());
                (200, serde_json::json!({"value": value}))
            }
        };
        record(state, "arm", &req.path, verdict);
        respond(&conn, answer.0, &answer.1);
        return;
    }
    record(
        state,
        "unknown",
        &req.path,
        Err(format!("no such endpoint: {} {}", req.method, req.path)),
    );
    respond(&conn, 404, &serde_json::json!({"error": "not found"}));
}

fn arm_error(status: u16, code: &str, message: &str) -> (u16, serde_json::Value) {
    (
        status,
        serde_json::json!({"error": {"code": code, "message": message}}),
    )
}

fn record(state: &Mutex<State>, service: &'static str, path: &str, verdict: Result<(), String>) {
    state.lock().unwrap().calls.push(Call {
        service,
        path: path.to_owned(),
        verdict,
    });
}

/// The media type of a Content-Type value, without parameters such as charset.
fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn check_common(req: &HttpRequest, addr: std::net::SocketAddr) -> Result<(), String> {
    if let Some(name) = &req.repeated_header {
        return Err(format!("header {name} sent twice"));
    }
    // Audit logs tell the renewer's requests apart by it.
    let agent = req.headers.get("user-agent").cloned().unwrap_or_default();
    if !agent.starts_with("shgw-token-renew/") {
        return Err(format!(
            "user-agent {agent:?}, expected shgw-token-renew/<version>"
        ));
    }
    if req.method != "POST" {
        return Err(format!("method {} (POST expected)", req.method));
    }
    let host = req.headers.get("host").cloned().unwrap_or_default();
    if host != addr.to_string() && host != format!("localhost:{}", addr.port()) {
        return Err(format!("host header {host:?}, expected {addr}"));
    }
    if req.headers.contains_key("transfer-encoding") {
        return Err("chunked body (Content-Length expected)".into());
    }
    let len = req.headers.get("content-length");
    if len.and_then(|l| l.parse::<usize>().ok()) != Some(req.body.len()) {
        return Err("content-length missing or wrong".into());
    }
    Ok(())
}

fn check_entra(req: &HttpRequest, expect: &Expect) -> Result<(), String> {
    if req.query.is_some() {
        return Err("the token endpoint takes no query string".into());
    }
    if req.headers.contains_key("authorization") {
        return Err("the token request must not carry an Authorization header".into());
    }
    let ct = req.headers.get("content-type").map(|v| media_type(v));
    if ct.as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(format!(
            "content-type {ct:?}, expected application/x-www-form-urlencoded"
        ));
    }
    let mut fields = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(&req.body) {
        if fields.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("form field {k} sent twice"));
        }
    }
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    let wanted = [
        "client_assertion",
        "client_assertion_type",
        "client_id",
        "grant_type",
        "scope",
    ];
    if names != wanted {
        return Err(format!(
            "form fields {names:?}, expected exactly {wanted:?}"
        ));
    }
    let assertion = std::fs::read_to_string(&expect.assertion_file)
        .map_err(|e| format!("stand-in cannot read the assertion file: {e}"))?;
    let checks = [
        ("grant_type", "client_credentials".to_owned()),
        ("client_id", expect.client_id.clone()),
        ("scope", format!("{}/.default", expect.arm_base)),
        ("client_assertion_type", ASSERTION_TYPE.to_owned()),
        ("client_assertion", assertion.trim().to_owned()),
    ];
    for (name, want) in checks {
        if fields[name] != want {
            // Never echo the assertion.
            return Err(format!("form field {name} is not the expected value"));
        }
    }
    Ok(())
}

fn check_arm(
    req: &HttpRequest,
    expect: &Expect,
    arm_path: &str,
    issued: Option<String>,
) -> Result<(), String> {
    let bearer = req.headers.get("authorization");
    match (&issued, bearer) {
        (Some(t), Some(b)) if *b == format!("Bearer {t}") => {}
        _ => return Err("authorization: not the bearer token Entra issued last".into()),
    }
    if req.path != arm_path {
        return Err(format!("path {}, expected {arm_path}", req.path));
    }
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    if pairs != [("api-version".to_owned(), "2024-05-01".to_owned())] {
        return Err(format!(
            "query {:?}, expected api-version=2024-05-01",
            req.query
        ));
    }
    let ct = req.headers.get("content-type").map(|v| media_type(v));
    if ct.as_deref() != Some("application/json") {
        return Err(format!("content-type {ct:?}, expected application/json"));
    }
    let body: serde_json::Value =
        serde_json::from_slice(&req.body).map_err(|e| format!("body is not JSON: {e}"))?;
    let obj = body.as_object().ok_or("body is not a JSON object")?;
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    if sorted != ["expiry", "keyType"] {
        return Err(format!(
            "body keys {keys:?}, expected exactly keyType and expiry"
        ));
    }
    let key_type = obj["keyType"].as_str().ok_or("keyType is not a string")?;
    if !["primary", "secondary"].contains(&key_type) {
        return Err(format!("keyType {key_type:?} is not primary or secondary"));
    }
    if key_type != expect.key_type {
        return Err(format!(
            "keyType {key_type:?}, expected {:?}",
            expect.key_type
        ));
    }
    let expiry_text = obj["expiry"].as_str().ok_or("expiry is not a string")?;
    if !expiry_text.ends_with('Z') {
        return Err(format!("expiry {expiry_text:?} is not in UTC (Z)"));
    }
    let expiry: Timestamp = expiry_text
        .parse()
        .map_err(|e| format!("expiry {expiry_text:?} is not RFC 3339: {e}"))?;
    let now = Timestamp::now();
    if expiry <= now {
        return Err(format!("expiry {expiry_text} is not in the future"));
    }
    if expiry > now + SignedDuration::from_hours(30 * 24) {
        return Err(format!("expiry {expiry_text} is more than 30 days ahead"));
    }
    if expiry.as_second() % 60 != 0 || expiry.subsec_nanosecond() != 0 {
        return Err(format!("expiry {expiry_text} is not a whole minute"));
    }
    Ok(())
}

/// A loopback HTTP proxy that records each `CONNECT` and either refuses it (403) or tunnels it
/// to one fixed loopback address, whatever host was asked for (so nothing leaves the machine).
/// `(request line, Proxy-Authorization header)` of one proxy request.
pub type ProxyRequest = (String, Option<String>);

pub struct ConnectProxy {
    pub addr: std::net::SocketAddr,
    /// Each request the proxy got.
    pub connects: Arc<Mutex<Vec<ProxyRequest>>>,
}

impl ConnectProxy {
    /// `tunnel_to: None` refuses every CONNECT with 403.
    pub fn start(tunnel_to: Option<std::net::SocketAddr>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connects = Arc::new(Mutex::new(Vec::new()));
        let log = connects.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                let Some(req) = read_request(&conn) else {
                    continue;
                };
                log.lock().unwrap().push((
                    format!("{} {}", req.method, req.path),
                    req.headers.get("proxy-authorization").cloned(),
                ));
                let mut client = &conn;
                let target = tunnel_to.and_then(|t| TcpStream::connect(t).ok());
                let (Some(target), "CONNECT") = (target, req.method.as_str()) else {
                    let _ =
                        client.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
                    continue;
                };
                let _ = client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n");
                let (mut up_r, mut up_w) = (conn.try_clone().unwrap(), target.try_clone().unwrap());
                let (mut down_r, mut down_w) = (target, conn);
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut up_r, &mut up_w);
                    let _ = up_w.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut down_r, &mut down_w);
                    let _ = down_w.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        ConnectProxy { addr, connects }
    }

    pub fn connects(&self) -> Vec<ProxyRequest> {
        self.connects.lock().unwrap().clone()
    }
}
