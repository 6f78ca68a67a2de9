//! Taking a running gateway over in place: what the deployment is called (written to
//! `spec.adoption`), and the takeover plan that says what stays, what changes on the first
//! apply under `dev` and `production`, and the steps.

use serde_json::Value;
use shgw::spec::{Adoption, Gateway, GatewaySpec};
use std::collections::{BTreeMap, BTreeSet};

/// What the running deployment is called and what it runs with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Existing {
    /// Its namespace (the input's, or `--namespace`); empty when neither names one.
    pub namespace: String,
    /// The Deployment.
    pub deployment: String,
    /// Its `spec.selector.matchLabels`.
    pub selector: BTreeMap<String, String>,
    /// The labels its pods carry.
    pub pod_labels: BTreeMap<String, String>,
    /// The gateway container.
    pub container: String,
    /// The ConfigMap the settings are read from.
    pub config_map: Option<String>,
    /// The live-traffic Service and its type.
    pub live_traffic: Option<(String, String)>,
    /// The headless discovery Service (or the host `neighborhood.host` names).
    pub discovery: Option<String>,
    /// The backup volume and its claim.
    pub backup: Option<(String, String)>,
    /// The token Secret and key.
    pub token: Option<(String, String)>,
    /// The ServiceAccount the pods run as.
    pub service_account: Option<String>,
    /// Every object of the deployment: kind and name.
    pub objects: BTreeSet<(String, String)>,
    /// The Helm release that owns the objects.
    pub helm_release: Option<String>,
    /// The Deployment had a fixed replica count.
    pub replicas: Option<i64>,
    /// The gateway container had resource requests or limits.
    pub resources: bool,
}

/// Writes `spec.adoption`: every name that differs from the one shgw would choose, and the
/// selector.
pub(crate) fn write_adoption(spec: &mut GatewaySpec, name: &str, e: &Existing) {
    let differs = |value: Option<&str>, default: String| {
        value
            .filter(|v| !v.is_empty() && *v != default)
            .map(str::to_owned)
    };
    let shgw_selector = BTreeMap::from([
        (
            shgw::defaults::LABEL_NAME.to_owned(),
            shgw::defaults::LABEL_NAME_VALUE.to_owned(),
        ),
        (shgw::defaults::LABEL_INSTANCE.to_owned(), name.to_owned()),
    ]);
    let adoption = Adoption {
        deployment: differs(Some(&e.deployment), name.to_owned()),
        container: differs(Some(&e.container), "gateway".to_owned()),
        config_map: differs(e.config_map.as_deref(), format!("{name}-env")),
        live_traffic_service: differs(
            e.live_traffic.as_ref().map(|(n, _)| n.as_str()),
            format!("{name}-live-traffic"),
        ),
        discovery_service: differs(e.discovery.as_deref(), format!("{name}-instance-discovery")),
        backup_volume: differs(
            e.backup.as_ref().map(|(v, _)| v.as_str()),
            "config-backup".to_owned(),
        ),
        selector: if e.selector == shgw_selector {
            BTreeMap::new()
        } else {
            e.selector.clone()
        },
    };
    if adoption != Adoption::default() {
        spec.adoption = Some(adoption);
    }
}

/// How one imported gateway is taken over.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Takeover {
    /// The Gateway's `metadata.name`.
    pub gateway: String,
    /// What stays as it is.
    pub kept: Vec<String>,
    /// What the first apply changes, per profile.
    pub changes: Vec<String>,
    /// The steps, in order.
    pub steps: Vec<String>,
    /// For a Helm release: the `kubectl` commands (one line each) that end Helm's ownership
    /// without deleting anything; the steps quote them.
    pub helm_handover: Vec<String>,
}

impl Takeover {
    /// The plan as text lines (without comment markers), input text escaped.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "shgw import: takeover plan for Gateway {}",
            escape(&self.gateway)
        )];
        for (title, items) in [
            ("kept (updated in place)", &self.kept),
            ("changes on the first apply", &self.changes),
        ] {
            out.push(format!("  {title}:"));
            out.extend(items.iter().map(|i| format!("  - {}", escape(i))));
        }
        out.push("  steps:".to_owned());
        out.extend(
            self.steps
                .iter()
                .enumerate()
                .map(|(n, s)| format!("  {}. {}", n + 1, escape(s))),
        );
        out
    }
}

/// Text from the input made safe for one comment line: control characters and the Unicode
/// line and paragraph separators become `\n`, `\r`, `\t` or `\u{...}`, so nothing breaks out
/// of the line.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

fn kv(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The takeover plan of the imported Gateway `gateway` over `e`.
pub(crate) fn plan(gateway: &Gateway, e: &Existing) -> Takeover {
    let name = gateway.metadata.name.clone();
    let ns = if e.namespace.is_empty() {
        "<namespace>".to_owned()
    } else {
        e.namespace.clone()
    };
    let mut t = Takeover {
        gateway: name.clone(),
        ..Takeover::default()
    };
    t.kept.push(format!(
        "namespace {ns}: an adoption stays where the objects are (moving to another namespace is a migration: a second gateway, then a DNS switch, not this plan)"
    ));
    t.kept.push(format!(
        "Deployment {}: its name, its selector {} (immutable), its gateway container {}; every pod keeps these labels, so old and new pods serve during the rollout",
        e.deployment,
        kv(&e.selector),
        e.container
    ));
    if let Some((live, kind)) = &e.live_traffic {
        t.kept.push(format!(
            "Service {live} ({kind}): its name, so its address{}; it selects {}, which old and new pods carry",
            if kind == "LoadBalancer" { " and load-balancer IP" } else { "" },
            kv(&e.selector)
        ));
    }
    if let Some(d) = &e.discovery {
        t.kept.push(format!(
            "headless Service {d}: neighborhood.host names it, as before"
        ));
    }
    if let Some(cm) = &e.config_map {
        t.kept.push(format!(
            "ConfigMap {cm}: rewritten with shgw's settings (the same endpoint and auth)"
        ));
    }
    match &e.backup {
        Some((volume, claim)) => t.kept.push(format!(
            "PersistentVolumeClaim {claim}, mounted as volume {volume} at /apim/config: the saved configuration stays (spec.backup.existingClaim; shgw does not manage the claim itself)"
        )),
        None => t.kept.push(
            "no configuration backup, as before (spec.backup.enabled false)".to_owned(),
        ),
    }
    if let Some((secret, key)) = &e.token {
        t.kept.push(format!(
            "token Secret {secret} key {key}: read as before; shgw never rewrites it"
        ));
    }
    if let Some(sa) = &e.service_account {
        t.kept.push(format!(
            "ServiceAccount {sa}: the pods keep running as it (shgw writes it only with workload identity, then with the same client id)"
        ));
    }
    profile_changes(gateway, e, &mut t);
    t.changes.push(
        "the pod template changes (shgw's labels app.kubernetes.io/*, probes, hardened security context, config-hash annotation): the Deployment rolls its pods once, adding one before removing one (maxUnavailable 0)"
            .to_owned(),
    );
    t.changes.push(
        "kubectl apply (client-side) removes only fields its last-applied annotation lists: over objects made without one (Helm, kubectl create) it removes nothing, so what shgw does not write stays (Helm's env entries such as neighborhood.host, helm.sh/chart labels, serviceAccountName), naming the same objects as shgw's; over objects of an earlier kubectl apply (the portal's file) it drops what that file wrote and shgw does not"
            .to_owned(),
    );
    steps(&ns, e, &mut t);
    t
}

/// What rendering under `dev` and `production` adds or refuses.
fn profile_changes(gateway: &Gateway, e: &Existing, t: &mut Takeover) {
    for profile in ["dev", "production"] {
        let Ok(p) = shgw::Profile::embedded(profile) else {
            continue;
        };
        match shgw::resolve(gateway, &p).and_then(|r| shgw::render(&r)) {
            Ok(m) => {
                let new = new_objects(&m, e);
                if new.is_empty() {
                    t.changes.push(format!("under {profile}: no new object"));
                } else {
                    t.changes
                        .push(format!("under {profile}: new objects {}", new.join(", ")));
                }
                if profile == "dev" {
                    pod_label_changes(&m, e, t);
                }
                if !e.resources {
                    resource_changes(profile, &m, t);
                }
                for w in m
                    .warnings
                    .iter()
                    .filter(|w| w.severity == shgw::Severity::Warning)
                {
                    t.changes.push(format!(
                        "under {profile}: warning: {}: {}",
                        w.path, w.message
                    ));
                }
                if let Some(ns) = m
                    .objects
                    .first()
                    .and_then(|o| o.metadata().namespace.clone())
                    && e.namespace.is_empty()
                {
                    t.changes.push(format!(
                        "under {profile}: the input names no namespace, so the objects go to {ns}: set metadata.namespace to the one they live in, or this is a second gateway"
                    ));
                }
            }
            Err(errors) => {
                for d in errors
                    .problems()
                    .iter()
                    .filter(|d| d.severity == shgw::Severity::Error)
                {
                    let how = if d.path == "metadata.namespace" {
                        "refused until metadata.namespace names the namespace the objects live in (import with --namespace)"
                    } else {
                        "refused until changed in place"
                    };
                    t.changes
                        .push(format!("under {profile}: {how}: {}: {}", d.path, d.message));
                }
                // What it adds once accepted: the same render with the policy only warning.
                let relaxed = relax(p);
                if let Ok(m) = shgw::resolve(gateway, &relaxed).and_then(|r| shgw::render(&r)) {
                    if !e.resources {
                        resource_changes(profile, &m, t);
                    }
                    let new = new_objects(&m, e);
                    if !new.is_empty() {
                        t.changes.push(format!(
                            "under {profile}, once accepted: new objects {}",
                            new.join(", ")
                        ));
                    }
                }
            }
        }
    }
}

/// The rendered objects the deployment does not have, as `Kind name`.
fn new_objects(m: &shgw::Manifests, e: &Existing) -> Vec<String> {
    m.objects
        .iter()
        .map(|o| {
            (
                o.kind().to_owned(),
                o.metadata().name.clone().unwrap_or_default(),
            )
        })
        .filter(|id| !e.objects.contains(id))
        .map(|(k, n)| format!("{k} {n}"))
        .collect()
}

/// `p` with every rule at level error turned into a warning.
fn relax(mut p: shgw::Profile) -> shgw::Profile {
    use shgw::review::Level;
    let errors: Vec<&str> = p
        .rules()
        .filter(|(_, l)| *l == Level::Error)
        .map(|(id, _)| id)
        .collect();
    for id in errors {
        p.set_level(id, Level::Warning);
    }
    p
}

/// The requests and limits a profile gives a container that had none.
fn resource_changes(profile: &str, m: &shgw::Manifests, t: &mut Takeover) {
    let Some(dep) = m
        .objects
        .iter()
        .map(shgw::Object::to_value)
        .find(|v| v["kind"] == "Deployment")
    else {
        return;
    };
    let r = &dep["spec"]["template"]["spec"]["containers"][0]["resources"];
    let list = |section: &str| {
        r[section]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    t.changes.push(format!(
        "under {profile}: the gateway had no requests or limits; it gets requests {} and limits {} (the nodes need that room; set spec.resources to change it)",
        list("requests"),
        list("limits")
    ));
}

/// The labels the rendered pods carry that the running ones do not.
fn pod_label_changes(m: &shgw::Manifests, e: &Existing, t: &mut Takeover) {
    let labels = m.objects.iter().find_map(|o| match o.to_value() {
        v if v["kind"] == "Deployment" => Some(v),
        _ => None,
    });
    let Some(dep) = labels else { return };
    let new: BTreeMap<String, String> = dep
        .pointer("/spec/template/metadata/labels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .filter(|(k, v)| e.pod_labels.get(k) != Some(v))
        .collect();
    if !new.is_empty() {
        t.changes.push(format!(
            "pods gain the labels {} (not part of the selector)",
            kv(&new)
        ));
    }
}

/// The commands that make Helm forget a release and let go of its objects.
fn helm_handover(release: &str, ns: &str) -> Vec<String> {
    vec![
        format!("kubectl delete secret -n {ns} -l owner=helm,name={release}"),
        format!(
            "kubectl annotate -n {ns} deployment,service,configmap,secret,serviceaccount,persistentvolumeclaim,poddisruptionbudget -l app.kubernetes.io/instance={release} meta.helm.sh/release-name- meta.helm.sh/release-namespace-"
        ),
    ]
}

fn steps(ns: &str, e: &Existing, t: &mut Takeover) {
    if let Some(release) = &e.helm_release {
        t.helm_handover = helm_handover(release, ns);
        t.steps.push(format!(
            "stop Helm from owning the objects, without deleting them: a later `helm upgrade` would undo shgw's changes and `helm uninstall` would delete the gateway (annotating the objects helm.sh/resource-policy=keep does not help: Helm reads that from the chart it stored, not from the live objects). Delete only the release record Helm keeps in the namespace (ConfigMaps instead of Secrets under HELM_DRIVER=configmap): {}",
            t.helm_handover[0]
        ));
        t.steps.push(format!(
            "remove Helm's ownership annotations, so that a later `helm install {release}` cannot take the objects back: {}",
            t.helm_handover[1]
        ));
        t.steps.push(format!(
            "check: `helm list -n {ns}` no longer shows {release}, and `kubectl get deployment,service -n {ns}` still does"
        ));
    }
    t.steps.push(format!(
        "review this file; change in place what the profile refuses (replicas, image tag, resources), never the names under spec.adoption; keep metadata.namespace {ns}"
    ));
    t.steps.push(format!(
        "see the difference first: shgw render gateway.yaml --profile production | kubectl diff -n {ns} -f -"
    ));
    t.steps.push(
        "apply: shgw render gateway.yaml --profile production | kubectl apply -f -   (or server-side: kubectl apply --server-side --force-conflicts --field-manager=shgw -f -; --force-conflicts takes over the fields Helm or kubectl create set)"
            .to_owned(),
    );
    t.steps.push(format!(
        "watch the rollout: kubectl rollout status -n {ns} deployment/{}",
        e.deployment
    ));
    let from_replicas = e.replicas.is_some();
    t.steps.push(format!(
        "moving from spec.replicas to spec.autoscaling later{}: a client-side apply that drops `replicas` from a Deployment whose last-applied annotation has it sets it to 1, and the Deployment falls to 1 pod until the autoscaler reacts. First take replicas out of that annotation: kubectl apply edit-last-applied -n {ns} deployment/{} (delete spec.replicas, save), or kubectl apply set-last-applied -f with the new render's Deployment document alone; then apply. Server-side: first apply the current Deployment document (still with replicas) with kubectl apply --server-side --field-manager=handover-to-hpa, so that another manager keeps replicas, then apply the new render with --field-manager=shgw",
        if from_replicas { "" } else { " (not needed now)" },
        e.deployment
    ));
}
