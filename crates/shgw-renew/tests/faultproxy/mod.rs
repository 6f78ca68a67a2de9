//! A fault-injecting proxy in front of a test API server: plain HTTP on loopback towards the
//! renewer, TLS (trusting the server's CA) towards the API server. Each request is forwarded
//! as it is (the renewer's own bearer token and User-Agent included) unless a rule matches it;
//! a rule can answer an error without forwarding, forward and then lose the answer, or run
//! something (another writer) before forwarding. Every request is recorded.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use http_body_util::BodyExt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

/// What to do with a matching request.
#[derive(Clone)]
pub enum Action {
    /// Answer a Kubernetes `Status` with this code, without forwarding.
    Status(u16),
    /// Answer a Kubernetes `Status` with this code whose message quotes the request's body
    /// (as an admission webhook that echoes the object it refuses), without forwarding.
    EchoStatus(u16),
    /// Close the connection without an answer, without forwarding.
    Drop,
    /// Forward (so the change is made), then close the connection without the answer.
    ForwardThenDrop,
    /// Forward, then answer this `Status` code instead of the real answer.
    ForwardThenStatus(u16),
    /// Wait this long, then forward (a slow or hung API server).
    Delay(std::time::Duration),
    /// Run this first (another writer), then forward.
    Before(Arc<dyn Fn() + Send + Sync>),
}

/// Which requests a rule applies to, and how many times.
pub struct Rule {
    pub method: &'static str,
    /// A part of the path (`/secrets/`, `/deployments/`).
    pub path: &'static str,
    /// `Some(true)`: only server-side dry runs; `Some(false)`: only real writes.
    pub dry_run: Option<bool>,
    pub times: usize,
    pub action: Action,
}

/// One request the proxy got.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub user_agent: Option<String>,
    /// What the proxy did: `forwarded`, or the rule's action.
    pub outcome: String,
}

pub struct FaultProxy {
    pub addr: std::net::SocketAddr,
    rules: Arc<Mutex<Vec<Rule>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Seconds added to the `Date` of every forwarded answer (a server clock ahead).
    date_shift: Arc<AtomicI64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Request {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_request(conn: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(conn.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.trim_end().splitn(3, ' ');
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn write_answer(mut conn: &TcpStream, status: u16, headers: &[(String, String)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status} Fault\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body);
    let _ = conn.flush();
}

fn status_body(code: u16, message: &str) -> Vec<u8> {
    serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": if code == 503 { "ServiceUnavailable" } else { "InternalError" }, "code": code,
    })
    .to_string()
    .into_bytes()
}

/// The DER certificates of a PEM file.
fn pem_certificates(path: &Path) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut b64 = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("-----BEGIN CERTIFICATE") {
            inside = true;
            b64.clear();
        } else if line.starts_with("-----END CERTIFICATE") {
            inside = false;
            out.push(
                base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .unwrap(),
            );
        } else if inside {
            b64.push_str(line.trim());
        }
    }
    out
}

impl FaultProxy {
    /// A proxy to the API server on 127.0.0.1:`port`, trusting the CA in `ca`.
    pub fn start(port: u16, ca: &Path) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let rules: Arc<Mutex<Vec<Rule>>> = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let date_shift = Arc::new(AtomicI64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let mut config = kube::Config::new(format!("https://127.0.0.1:{port}").parse().unwrap());
        config.root_cert = Some(pem_certificates(ca));
        config.default_retry = false;
        let thread = {
            let (rules, seen, date_shift, stop) = (
                rules.clone(),
                seen.clone(),
                date_shift.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let client = runtime
                    .block_on(async { kube::Client::try_from(config) })
                    .unwrap();
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                    let Some(req) = read_request(&conn) else {
                        continue;
                    };
                    let dry = req.query.contains("dryRun=All");
                    let action = {
                        let mut rules = rules.lock().unwrap();
                        let hit = rules.iter().position(|r| {
                            r.method == req.method
                                && req.path.contains(r.path)
                                && r.dry_run.is_none_or(|d| d == dry)
                        });
                        hit.map(|i| {
                            let action = rules[i].action.clone();
                            rules[i].times -= 1;
                            if rules[i].times == 0 {
                                rules.remove(i);
                            }
                            action
                        })
                    };
                    let outcome = match &action {
                        None => "forwarded".to_owned(),
                        Some(Action::Status(c)) => format!("status {c}"),
                        Some(Action::EchoStatus(c)) => format!("echo status {c}"),
                        Some(Action::Drop) => "dropped".to_owned(),
                        Some(Action::ForwardThenDrop) => "forwarded, answer dropped".to_owned(),
                        Some(Action::ForwardThenStatus(c)) => {
                            format!("forwarded, answered status {c}")
                        }
                        Some(Action::Before(_)) => "forwarded after another writer".to_owned(),
                        Some(Action::Delay(d)) => format!("forwarded after {}s", d.as_secs()),
                    };
                    seen.lock().unwrap().push(Seen {
                        method: req.method.clone(),
                        path: req.path.clone(),
                        query: req.query.clone(),
                        user_agent: req
                            .headers
                            .iter()
                            .find(|(n, _)| n == "user-agent")
                            .map(|(_, v)| v.clone()),
                        outcome,
                    });
                    let json = || vec![("content-type".to_owned(), "application/json".to_owned())];
                    match &action {
                        Some(Action::Status(code)) => {
                            let code = *code;
                            write_answer(
                                &conn,
                                code,
                                &json(),
                                &status_body(code, "injected fault"),
                            );
                            continue;
                        }
                        Some(Action::EchoStatus(code)) => {
                            let code = *code;
                            let echoed = format!(
                                "admission webhook \"deny.example\" denied the request: {}",
                                String::from_utf8_lossy(&req.body)
                            );
                            write_answer(&conn, code, &json(), &status_body(code, &echoed));
                            continue;
                        }
                        Some(Action::Drop) => {
                            drop(conn);
                            continue;
                        }
                        Some(Action::Before(hook)) => hook(),
                        Some(Action::Delay(d)) => std::thread::sleep(*d),
                        _ => {}
                    }
                    let answer = runtime.block_on(forward(&client, &req));
                    match (action, answer) {
                        (Some(Action::ForwardThenDrop), _) => drop(conn),
                        (Some(Action::ForwardThenStatus(code)), _) => {
                            write_answer(&conn, code, &json(), &status_body(code, "injected fault"))
                        }
                        (_, Ok((status, mut headers, body))) => {
                            let shift = date_shift.load(Ordering::SeqCst);
                            if shift != 0 {
                                let at =
                                    jiff::Timestamp::now() + jiff::SignedDuration::from_secs(shift);
                                let date = at.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string();
                                headers.retain(|(n, _)| n != "date");
                                headers.push(("date".to_owned(), date));
                            }
                            write_answer(&conn, status, &headers, &body);
                        }
                        (_, Err(e)) => write_answer(
                            &conn,
                            502,
                            &json(),
                            &status_body(502, &format!("proxy: {e}")),
                        ),
                    }
                }
            })
        };
        FaultProxy {
            addr,
            rules,
            seen,
            date_shift,
            stop,
            thread: Some(thread),
        }
    }

    pub fn add(&self, rule: Rule) {
        self.rules.lock().unwrap().push(rule);
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap().clear();
        self.seen.lock().unwrap().clear();
        self.date_shift.store(0, Ordering::SeqCst);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Rules not used up.
    pub fn pending(&self) -> usize {
        self.rules.lock().unwrap().len()
    }

    pub fn shift_date(&self, secs: i64) {
        self.date_shift.store(secs, Ordering::SeqCst);
    }
}

type Answer = (u16, Vec<(String, String)>, Vec<u8>);

async fn forward(client: &kube::Client, req: &Request) -> Result<Answer, String> {
    let uri = if req.query.is_empty() {
        req.path.clone()
    } else {
        format!("{}?{}", req.path, req.query)
    };
    let mut builder = http::Request::builder()
        .method(req.method.as_str())
        .uri(uri);
    for (n, v) in &req.headers {
        if ["authorization", "content-type", "accept", "user-agent"].contains(&n.as_str()) {
            builder = builder.header(n.as_str(), v.as_str());
        }
    }
    let request = builder
        .body(kube::client::Body::from(req.body.clone()))
        .map_err(|e| e.to_string())?;
    let response = client.send(request).await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter(|(n, _)| ["content-type", "date", "retry-after"].contains(&n.as_str()))
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes()
        .to_vec();
    Ok((status, headers, body))
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
