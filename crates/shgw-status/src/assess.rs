//! From what was read to a report: the deployment guide's checks, with no I/O and no clock
//! (the caller passes `now`).

use crate::plan::{Key, Origin, Plan, Section, Wanted, renewer_secret};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::Value;
use shgw::defaults::{RENEWER_LAST_SUCCESS_ANNOTATION, TOKEN_EXPIRY_ANNOTATION};
use std::collections::BTreeMap;

/// What reading one object gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// The live object as JSON (of a Secret, only `apiVersion`, `kind` and `metadata`).
    Found(Value),
    /// No such object.
    Missing,
    /// The server serves no version of the object's kind (a CRD that is not installed).
    NotServed,
    /// The credentials may not read it (HTTP 403); the server's message.
    Denied(String),
    /// Another failure; what it was.
    Failed(String),
}

/// Everything read from the cluster for a [`Plan`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observation {
    /// Each object of the plan.
    pub objects: BTreeMap<Key, Observed>,
    /// Per namespace, its `Warning` events, or why they could not be read.
    pub events: BTreeMap<String, Events>,
}

/// The `Warning` events of one namespace, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Events {
    /// The events listed.
    Listed(Vec<Value>),
    /// They could not be read; why (the server's message, with what to grant when forbidden).
    Unread(String),
}

/// The thresholds of the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// A token with fewer days left is a warning (the profile's `minTokenDays`).
    pub min_token_days: i64,
    /// Events older than this are not shown.
    pub event_window: SignedDuration,
    /// At most this many events are shown per object.
    pub events_per_object: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            min_token_days: shgw::profile::Parameters::default().min_token_days,
            event_window: SignedDuration::from_hours(1),
            events_per_object: 3,
        }
    }
}

/// How an object is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Present and as it should be.
    Ok,
    /// Present and working, with something to look at (a token expiring soon).
    Warning,
    /// Present and not working (not available, address pending, claim not bound, ...).
    Unhealthy,
    /// Not in the cluster.
    Missing,
    /// Could not be read (forbidden, or another error).
    Unknown,
}

impl State {
    /// Whether the object counts against health.
    pub fn is_problem(self) -> bool {
        !matches!(self, State::Ok | State::Warning)
    }

    /// The word used in text output.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Warning => "warning",
            State::Unhealthy => "unhealthy",
            State::Missing => "missing",
            State::Unknown => "unknown",
        }
    }
}

/// Replica counts and rollout of a Deployment (or StatefulSet, DaemonSet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadStatus {
    /// Replicas asked for (`spec.replicas` as the server holds it, set by an autoscaler when
    /// there is one).
    pub desired: i64,
    /// Ready replicas.
    pub ready: i64,
    /// Available replicas.
    pub available: i64,
    /// Replicas running the current template.
    pub updated: i64,
    /// `complete`, `progressing`, `stalled`, `pending` (the controller has not seen the
    /// latest spec) or `paused`.
    pub rollout: String,
}

/// The external address of a Service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    /// `spec.type`.
    #[serde(rename = "type")]
    pub service_type: String,
    /// Load balancer IPs and host names, in the server's order.
    pub external_addresses: Vec<String>,
    /// A LoadBalancer without an address yet.
    pub pending: bool,
}

/// A PersistentVolumeClaim's phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimStatus {
    /// `status.phase`.
    pub phase: Option<String>,
    /// The bound volume.
    pub volume: Option<String>,
}

/// The token's expiry, from the Secret's annotation (the token itself is never read).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenStatus {
    /// RFC 3339.
    pub expiry: Option<String>,
    /// Days left, one decimal.
    pub days_left: Option<f64>,
}

/// The token renewer's last success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewerStatus {
    /// The CronJob's schedule.
    pub schedule: Option<String>,
    /// The longest time between two scheduled runs.
    pub longest_gap: Option<String>,
    /// Last successful run (RFC 3339), the newer of the Secret's stamp and the CronJob's
    /// `status.lastSuccessfulTime`.
    pub last_success: Option<String>,
    /// Where it was read: `secret-annotation` or `cronjob-status`.
    pub last_success_from: Option<String>,
    /// Whether `spec.suspend` is set.
    pub suspended: bool,
}

/// A recent Warning event on an object (or its ReplicaSets, Jobs and Pods).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventNote {
    /// `Kind name` of the object the event is about.
    pub object: String,
    /// Reason (`FailedScheduling`).
    pub reason: String,
    /// Message, as the cluster wrote it.
    pub message: String,
    /// How many times it happened.
    pub count: i64,
    /// When it last happened (RFC 3339).
    pub last_seen: String,
}

/// One object's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReport {
    /// As rendered.
    pub api_version: String,
    /// Kind.
    pub kind: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// How it is doing.
    pub state: State,
    /// One line on it.
    pub message: String,
    /// Not in the manifests: `Deployment NAME` references it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referenced_by: Option<String>,
    /// For a workload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadStatus>,
    /// For a Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceStatus>,
    /// For a PersistentVolumeClaim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<ClaimStatus>,
    /// For the token Secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenStatus>,
    /// For the renewer CronJob.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewer: Option<RenewerStatus>,
    /// Recent Warning events, when the object is not ok.
    pub events: Vec<EventNote>,
}

/// One gateway's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayReport {
    /// `Gateway`, `Deployment` or `Objects` (see [`Section::kind`]).
    pub kind: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// No object is missing, unhealthy or unreadable.
    pub healthy: bool,
    /// How many objects are.
    pub problems: usize,
    /// Each object.
    pub objects: Vec<ObjectReport>,
    /// What could not be looked at (events not readable).
    pub notes: Vec<String>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Every gateway is healthy.
    pub healthy: bool,
    /// When the objects were read (RFC 3339).
    pub checked_at: String,
    /// Each gateway, in input order.
    pub gateways: Vec<GatewayReport>,
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn int_at(v: &Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer).and_then(Value::as_i64)
}

fn time_at(v: &Value, pointer: &str) -> Option<Timestamp> {
    str_at(v, pointer).and_then(|s| s.parse().ok())
}

fn annotation<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.pointer("/metadata/annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
}

/// A duration as `3d4h`, `5h12m`, `42m` or `30s` (two units at most).
pub fn human(d: SignedDuration) -> String {
    let secs = d.as_secs();
    let (sign, s) = if secs < 0 {
        ("-", secs.unsigned_abs())
    } else {
        ("", secs.unsigned_abs())
    };
    let (days, hours, mins) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    let text = if days > 0 {
        if hours > 0 {
            format!("{days}d{hours}h")
        } else {
            format!("{days}d")
        }
    } else if hours > 0 {
        if mins > 0 {
            format!("{hours}h{mins}m")
        } else {
            format!("{hours}h")
        }
    } else if mins > 0 {
        format!("{mins}m")
    } else {
        format!("{s}s")
    };
    format!("{sign}{text}")
}

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What one check found.
struct Finding {
    state: State,
    message: String,
}

fn finding(state: State, message: impl Into<String>) -> Finding {
    Finding {
        state,
        message: message.into(),
    }
}

/// Judges every object of `plan` by what `seen` holds, at `now`.
pub fn assess(plan: &Plan, seen: &Observation, now: Timestamp, settings: &Settings) -> Report {
    let gateways: Vec<GatewayReport> = plan
        .sections
        .iter()
        .map(|s| assess_section(s, seen, now, settings))
        .collect();
    Report {
        healthy: gateways.iter().all(|g| g.healthy),
        checked_at: rfc3339(now),
        gateways,
    }
}

fn assess_section(
    section: &Section,
    seen: &Observation,
    now: Timestamp,
    settings: &Settings,
) -> GatewayReport {
    let live = |w: &Wanted| match seen.objects.get(&w.key()) {
        Some(Observed::Found(v)) => Some(v),
        _ => None,
    };
    let mut notes = Vec::new();
    let mut objects = Vec::new();
    for w in &section.objects {
        let mut report = ObjectReport {
            api_version: w.api_version.clone(),
            kind: w.kind.clone(),
            namespace: w.namespace.clone(),
            name: w.name.clone(),
            state: State::Ok,
            message: String::new(),
            referenced_by: match &w.origin {
                Origin::Manifest => None,
                Origin::Referenced(by) => Some(by.clone()),
            },
            workload: None,
            service: None,
            claim: None,
            token: None,
            renewer: None,
            events: Vec::new(),
        };
        let f = match seen.objects.get(&w.key()) {
            None => finding(State::Unknown, "not read"),
            Some(Observed::Missing) => finding(
                State::Missing,
                match &w.origin {
                    Origin::Manifest => "not found".to_owned(),
                    Origin::Referenced(by) => format!("not found; {by} needs it"),
                },
            ),
            Some(Observed::NotServed) => finding(
                State::Missing,
                format!(
                    "the cluster serves no {} {} (is its CRD installed?)",
                    if w.group().is_empty() {
                        "core"
                    } else {
                        w.group()
                    },
                    w.kind
                ),
            ),
            Some(Observed::Denied(m)) => finding(
                State::Unknown,
                format!("cannot read it (forbidden: grant get on it): {m}"),
            ),
            Some(Observed::Failed(m)) => finding(State::Unknown, format!("cannot read it: {m}")),
            Some(Observed::Found(v)) => match w.kind.as_str() {
                "Deployment" | "StatefulSet" | "DaemonSet" => {
                    let (status, f) = workload(&w.kind, v);
                    report.workload = Some(status);
                    f
                }
                "Service" => {
                    let (status, f) = service(v);
                    report.service = Some(status);
                    f
                }
                "PersistentVolumeClaim" => {
                    let (status, f) = claim(v);
                    report.claim = Some(status);
                    f
                }
                "Secret" if w.token => {
                    let (status, f) = token(v, now, settings);
                    report.token = Some(status);
                    f
                }
                "CronJob" => {
                    let stamp = renewer_secret(v)
                        .and_then(|name| {
                            section.objects.iter().find(|o| {
                                o.kind == "Secret" && o.name == name && o.namespace == w.namespace
                            })
                        })
                        .and_then(live)
                        .and_then(|s| annotation(s, RENEWER_LAST_SUCCESS_ANNOTATION));
                    let (status, f) = renewer(v, stamp, now);
                    report.renewer = Some(status);
                    f
                }
                "HorizontalPodAutoscaler" => autoscaler(v),
                _ => finding(State::Ok, "present"),
            },
        };
        report.state = f.state;
        report.message = f.message;
        if report.state != State::Ok
            && let Some(ns) = &w.namespace
        {
            match seen.events.get(ns) {
                Some(Events::Listed(events)) => {
                    report.events = events_of(w, events, now, settings);
                }
                Some(Events::Unread(why)) => {
                    let note = format!("events of namespace {ns} not read: {why}");
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                None => {}
            }
        }
        objects.push(report);
    }
    let problems = objects.iter().filter(|o| o.state.is_problem()).count();
    GatewayReport {
        kind: section.kind.clone(),
        namespace: section.namespace.clone(),
        name: section.name.clone(),
        healthy: problems == 0,
        problems,
        objects,
        notes,
    }
}

fn condition<'a>(v: &'a Value, kind: &str) -> Option<&'a Value> {
    v.pointer("/status/conditions")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| str_at(c, "/type") == Some(kind))
}

/// A workload's availability and rollout, judged as `kubectl rollout status` does.
fn workload(kind: &str, v: &Value) -> (WorkloadStatus, Finding) {
    let generation = int_at(v, "/metadata/generation").unwrap_or(0);
    let observed = int_at(v, "/status/observedGeneration").unwrap_or(0);
    let (desired, ready, available, updated) = if kind == "DaemonSet" {
        (
            int_at(v, "/status/desiredNumberScheduled").unwrap_or(0),
            int_at(v, "/status/numberReady").unwrap_or(0),
            int_at(v, "/status/numberAvailable").unwrap_or(0),
            int_at(v, "/status/updatedNumberScheduled").unwrap_or(0),
        )
    } else {
        let ready = int_at(v, "/status/readyReplicas").unwrap_or(0);
        (
            int_at(v, "/spec/replicas").unwrap_or(1),
            ready,
            // StatefulSets before 1.22 do not count available replicas.
            int_at(v, "/status/availableReplicas").unwrap_or(if kind == "StatefulSet" {
                ready
            } else {
                0
            }),
            int_at(v, "/status/updatedReplicas").unwrap_or(0),
        )
    };
    let total = int_at(v, "/status/replicas").unwrap_or(0);
    let paused = v.pointer("/spec/paused").and_then(Value::as_bool) == Some(true);
    let stalled = condition(v, "Progressing")
        .is_some_and(|c| str_at(c, "/reason") == Some("ProgressDeadlineExceeded"));
    let (rollout, progress) = if generation > observed {
        (
            "pending",
            format!("the controller has not yet seen generation {generation}"),
        )
    } else if stalled {
        (
            "stalled",
            "rollout stalled: it exceeded its progress deadline".to_owned(),
        )
    } else if updated < desired {
        (
            "progressing",
            format!("rollout in progress: {updated} of {desired} replicas updated"),
        )
    } else if total > updated {
        (
            "progressing",
            format!(
                "rollout in progress: {} old replicas pending termination",
                total - updated
            ),
        )
    } else if available < updated {
        (
            "progressing",
            format!("rollout in progress: {available} of {updated} updated replicas available"),
        )
    } else if paused {
        ("paused", "rollout paused".to_owned())
    } else {
        ("complete", "rollout complete".to_owned())
    };
    let status = WorkloadStatus {
        desired,
        ready,
        available,
        updated,
        rollout: rollout.to_owned(),
    };
    let counts = format!("{available}/{desired} available");
    let f = if desired == 0 {
        finding(
            State::Unhealthy,
            format!("scaled to 0 replicas: no gateway is running; {progress}"),
        )
    } else if available < desired || matches!(rollout, "pending" | "stalled" | "progressing") {
        finding(State::Unhealthy, format!("{counts}; {progress}"))
    } else if paused {
        finding(State::Warning, format!("{counts}; {progress}"))
    } else {
        finding(State::Ok, format!("{counts}; {progress}"))
    };
    (status, f)
}

fn service(v: &Value) -> (ServiceStatus, Finding) {
    let service_type = str_at(v, "/spec/type").unwrap_or("ClusterIP").to_owned();
    let external_addresses: Vec<String> = v
        .pointer("/status/loadBalancer/ingress")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|i| str_at(i, "/ip").or_else(|| str_at(i, "/hostname")))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let pending = service_type == "LoadBalancer" && external_addresses.is_empty();
    let f = match service_type.as_str() {
        "LoadBalancer" if pending => {
            finding(State::Unhealthy, "LoadBalancer: external address pending")
        }
        "LoadBalancer" => finding(
            State::Ok,
            format!("LoadBalancer at {}", external_addresses.join(", ")),
        ),
        "NodePort" => {
            let ports: Vec<String> = v
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| {
                            Some(format!(
                                "{}:{}",
                                int_at(p, "/port")?,
                                int_at(p, "/nodePort")?
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            finding(State::Ok, format!("NodePort {}", ports.join(", ")))
        }
        "ClusterIP" if str_at(v, "/spec/clusterIP") == Some("None") => {
            finding(State::Ok, "headless")
        }
        other => finding(
            State::Ok,
            match str_at(v, "/spec/clusterIP") {
                Some(ip) => format!("{other} {ip}"),
                None => other.to_owned(),
            },
        ),
    };
    (
        ServiceStatus {
            service_type,
            external_addresses,
            pending,
        },
        f,
    )
}

fn claim(v: &Value) -> (ClaimStatus, Finding) {
    let phase = str_at(v, "/status/phase").map(str::to_owned);
    let volume = str_at(v, "/spec/volumeName")
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let f = match phase.as_deref() {
        Some("Bound") => finding(
            State::Ok,
            match (&volume, str_at(v, "/status/capacity/storage")) {
                (Some(vol), Some(size)) => format!("Bound to {vol} ({size})"),
                (Some(vol), None) => format!("Bound to {vol}"),
                _ => "Bound".to_owned(),
            },
        ),
        Some("Pending") => finding(
            State::Unhealthy,
            "Pending: no volume bound yet (the gateway's pods wait for it)",
        ),
        Some("Lost") => finding(State::Unhealthy, "Lost: its volume is gone"),
        Some(other) => finding(State::Unhealthy, format!("phase {other}")),
        None => finding(State::Unhealthy, "no phase yet"),
    };
    (ClaimStatus { phase, volume }, f)
}

fn token(v: &Value, now: Timestamp, settings: &Settings) -> (TokenStatus, Finding) {
    let Some(text) = annotation(v, TOKEN_EXPIRY_ANNOTATION) else {
        return (
            TokenStatus {
                expiry: None,
                days_left: None,
            },
            finding(
                State::Warning,
                format!(
                    "token expiry unknown: no {TOKEN_EXPIRY_ANNOTATION} annotation (shgw render --token-file and shgw token renew set it)"
                ),
            ),
        );
    };
    let Ok(expiry) = text.parse::<Timestamp>() else {
        return (
            TokenStatus {
                expiry: Some(text.to_owned()),
                days_left: None,
            },
            finding(
                State::Warning,
                format!("token expiry unknown: {TOKEN_EXPIRY_ANNOTATION} is not an RFC 3339 time"),
            ),
        );
    };
    let left = expiry.duration_since(now);
    let days = left.as_secs_f64() / 86_400.0;
    let rounded = (days * 10.0).round() / 10.0;
    let at = rfc3339(expiry);
    let f = if left <= SignedDuration::ZERO {
        finding(
            State::Unhealthy,
            format!(
                "the token expired at {at} ({} ago): the gateway cannot reach API Management",
                human(-left)
            ),
        )
    } else if days < settings.min_token_days as f64 {
        finding(
            State::Warning,
            format!(
                "the token expires at {at} ({rounded:.1} days left, fewer than {})",
                settings.min_token_days
            ),
        )
    } else {
        finding(
            State::Ok,
            format!("the token expires at {at} ({rounded:.1} days left)"),
        )
    };
    (
        TokenStatus {
            expiry: Some(at),
            days_left: Some(rounded),
        },
        f,
    )
}

/// The renewer: stale beyond twice the longest gap between its scheduled runs.
fn renewer(v: &Value, stamp: Option<&str>, now: Timestamp) -> (RenewerStatus, Finding) {
    let schedule = str_at(v, "/spec/schedule").map(str::to_owned);
    let gap = schedule
        .as_deref()
        .and_then(|s| shgw::spec::Schedule::parse(s).ok())
        .map(|s| s.longest_gap());
    let from_stamp = stamp.and_then(|s| s.parse::<Timestamp>().ok());
    let from_status = time_at(v, "/status/lastSuccessfulTime");
    let (last, from) = match (from_stamp, from_status) {
        (Some(a), Some(b)) if b > a => (Some(b), Some("cronjob-status")),
        (Some(a), _) => (Some(a), Some("secret-annotation")),
        (None, Some(b)) => (Some(b), Some("cronjob-status")),
        (None, None) => (None, None),
    };
    let suspended = v.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true);
    let status = RenewerStatus {
        schedule: schedule.clone(),
        longest_gap: gap.map(human),
        last_success: last.map(rfc3339),
        last_success_from: from.map(str::to_owned),
        suspended,
    };
    let Some(gap) = gap else {
        return (
            status,
            finding(
                State::Warning,
                format!(
                    "cannot judge the renewer: schedule {:?} is not a cron schedule",
                    schedule.unwrap_or_default()
                ),
            ),
        );
    };
    let stale_after = gap * 2;
    let every = format!("runs at most {} apart", human(gap));
    let f = match last {
        _ if suspended => finding(
            State::Unhealthy,
            "suspended: the token will not be renewed (kubectl patch cronjob ... -p '{\"spec\":{\"suspend\":false}}')",
        ),
        Some(t) => {
            let age = now.duration_since(t);
            if age > stale_after {
                finding(
                    State::Unhealthy,
                    format!(
                        "last success {} ({} ago), more than twice the longest gap between its runs ({every})",
                        rfc3339(t),
                        human(age)
                    ),
                )
            } else {
                finding(
                    State::Ok,
                    format!(
                        "last success {} ({} ago; {every})",
                        rfc3339(t),
                        human(age.max(SignedDuration::ZERO))
                    ),
                )
            }
        }
        None => {
            let age = time_at(v, "/metadata/creationTimestamp").map(|c| now.duration_since(c));
            match age {
                Some(age) if age <= stale_after => finding(
                    State::Warning,
                    format!(
                        "no successful run yet (created {} ago; {every})",
                        human(age.max(SignedDuration::ZERO))
                    ),
                ),
                _ => finding(
                    State::Unhealthy,
                    format!(
                        "no successful run recorded ({RENEWER_LAST_SUCCESS_ANNOTATION} on the Secret, status.lastSuccessfulTime) though it {every}"
                    ),
                ),
            }
        }
    };
    (status, f)
}

fn autoscaler(v: &Value) -> Finding {
    let current = int_at(v, "/status/currentReplicas");
    match condition(v, "ScalingActive") {
        Some(c) if str_at(c, "/status") == Some("False") => finding(
            State::Warning,
            format!(
                "not scaling: {}",
                str_at(c, "/message")
                    .or_else(|| str_at(c, "/reason"))
                    .unwrap_or("ScalingActive is False")
            ),
        ),
        _ => finding(
            State::Ok,
            match current {
                Some(n) => format!("present, {n} replicas"),
                None => "present".to_owned(),
            },
        ),
    }
}

/// Whether `name` is `prefix-` followed by `parts` dash-free parts.
fn generated_from(name: &str, prefix: &str, parts: usize) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|rest| {
            let split: Vec<&str> = rest.split('-').collect();
            split.len() == parts && split.iter().all(|p| !p.is_empty())
        })
}

/// Whether an event about `kind`/`name` concerns the wanted object.
fn concerns(w: &Wanted, kind: &str, name: &str) -> bool {
    if kind == w.kind && name == w.name {
        return true;
    }
    match (w.kind.as_str(), kind) {
        ("Deployment", "ReplicaSet") => generated_from(name, &w.name, 1),
        ("Deployment", "Pod") => generated_from(name, &w.name, 2),
        ("StatefulSet" | "DaemonSet", "Pod") => generated_from(name, &w.name, 1),
        ("CronJob", "Job") => generated_from(name, &w.name, 1),
        ("CronJob", "Pod") => generated_from(name, &w.name, 2),
        _ => false,
    }
}

fn event_time(e: &Value) -> Option<Timestamp> {
    time_at(e, "/lastTimestamp")
        .or_else(|| time_at(e, "/eventTime"))
        .or_else(|| time_at(e, "/series/lastObservedTime"))
        .or_else(|| time_at(e, "/firstTimestamp"))
        .or_else(|| time_at(e, "/metadata/creationTimestamp"))
}

/// The newest recent Warning events about `w`, oldest first.
fn events_of(w: &Wanted, events: &[Value], now: Timestamp, settings: &Settings) -> Vec<EventNote> {
    let mut found: Vec<(Timestamp, EventNote)> = events
        .iter()
        .filter(|e| str_at(e, "/type").is_none_or(|t| t == "Warning"))
        .filter_map(|e| {
            let kind = str_at(e, "/involvedObject/kind")?;
            let name = str_at(e, "/involvedObject/name")?;
            if !concerns(w, kind, name) {
                return None;
            }
            let t = event_time(e)?;
            if now.duration_since(t) > settings.event_window {
                return None;
            }
            Some((
                t,
                EventNote {
                    object: format!("{kind} {name}"),
                    reason: str_at(e, "/reason").unwrap_or_default().to_owned(),
                    message: str_at(e, "/message").unwrap_or_default().trim().to_owned(),
                    count: int_at(e, "/count")
                        .or_else(|| int_at(e, "/series/count"))
                        .unwrap_or(1),
                    last_seen: rfc3339(t),
                },
            ))
        })
        .collect();
    found.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.object.cmp(&b.1.object))
            .then_with(|| a.1.reason.cmp(&b.1.reason))
            .then_with(|| a.1.message.cmp(&b.1.message))
    });
    let skip = found.len().saturating_sub(settings.events_per_object);
    found.into_iter().skip(skip).map(|(_, n)| n).collect()
}
