//! The review: gateways found, rules run, levels from the profile, suppressions applied,
//! findings sorted.

use crate::profile::Profile;
use crate::review::catalog;
use crate::review::document::{Document, Stream};
use crate::review::finding::{Finding, GatewayInfo, Location, ObjectRef, Report};
use crate::review::inventory::{self, Gateway};
use crate::review::objects::{field_path, kind, name, namespace, str_at};
use crate::review::rules::{self, Ctx, Hit};
use crate::review::suppress;
use jiff::Timestamp;

/// Reviews every gateway workload of `stream` under `profile` as of `now` (token expiry,
/// suppression end dates): each rule at the level the profile gives it (rules at `off` are
/// not reported), reading the profile's parameters.
///
/// ```
/// use shgw::review::{Document, Stream};
/// let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gw}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: gw}}\n  template:\n    metadata: {labels: {app: gw}}\n    spec:\n      containers:\n      - name: gw\n        image: mcr.microsoft.com/azure-api-management/gateway:v2\n";
/// let value = shgw::file::parse_documents("gw.yaml", text)?.remove(0).node.to_value();
/// let stream = Stream { documents: vec![Document::new("gw.yaml", value)] };
/// let dev = shgw::Profile::embedded("dev")?;
/// let report = shgw::review(&stream, &dev, jiff::Timestamp::UNIX_EPOCH);
/// assert!(report.findings.iter().all(|f| f.rule != "SHGW001"), "dev allows one replica");
/// let f = report.findings.iter().find(|f| f.rule == "SHGW010").unwrap();
/// assert_eq!(f.severity, shgw::review::Severity::Warning);
/// # Ok::<(), shgw::Error>(())
/// ```
pub fn review(stream: &Stream, profile: &Profile, now: Timestamp) -> Report {
    let docs = &stream.documents;
    let lookup = inventory::Lookup::new(docs);
    let gateways = inventory::gateways_in(&lookup);
    let pods = crate::review::objects::pod_labels(docs);
    let services = crate::review::objects::service_selectors(docs);
    let service_owners = rules::service_owners(docs, &gateways, &services);
    let cx = Ctx {
        docs,
        gateways: &gateways,
        now,
        profile,
        lookup: &lookup,
        pods,
        services,
        service_owners,
    };
    let mut hits = rules::run(&cx);
    let suppressions: Vec<suppress::Suppressions> =
        docs.iter().map(|d| suppress::read(d, now)).collect();
    for (i, s) in suppressions.iter().enumerate() {
        if s.problems.is_empty() {
            continue;
        }
        let owner = gateways.iter().position(|g| g.doc == i);
        for p in &s.problems {
            hits.push(Hit {
                rule: p.rule,
                doc: i,
                pointer: p.pointer.clone(),
                message: p.message.clone(),
                gateway: owner,
            });
        }
    }
    let mut keyed: Vec<(usize, Finding)> = Vec::new();
    for h in hits {
        let Some(severity) = profile.level(h.rule).severity() else {
            continue;
        };
        let Some(rule) = catalog::rule(h.rule) else {
            continue;
        };
        let d = &docs[h.doc];
        let suppression = if suppress::RULES.contains(&h.rule) {
            None
        } else {
            suppressions[h.doc].covering(h.rule).cloned()
        };
        let finding = Finding {
            rule: rule.id.to_owned(),
            name: rule.name.to_owned(),
            severity,
            gateway: h.gateway.map(|g| gateways[g].name.clone()),
            object: object_ref(d),
            path: field_path(&d.value, &h.pointer),
            location: location(d, &h.pointer),
            message: h.message,
            suppression,
        };
        keyed.push((h.gateway.unwrap_or(usize::MAX), finding));
    }
    keyed.sort_by(|(ga, a), (gb, b)| {
        ga.cmp(gb)
            .then(a.severity.cmp(&b.severity))
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
    keyed.dedup_by(|(_, a), (_, b)| a == b);
    Report {
        profile: profile.metadata.name.clone(),
        gateways: gateways.iter().map(|g| info(&docs[g.doc], g)).collect(),
        findings: keyed.into_iter().map(|(_, f)| f).collect(),
        levels: profile.rules().collect(),
    }
}

/// Reviews the objects [`crate::render`] built for one gateway (as JSON values, never
/// printed): the same rules as [`review`], located in `<rendered>`.
pub(crate) fn review_rendered(
    objects: Vec<serde_json::Value>,
    profile: &Profile,
    now: Timestamp,
) -> Report {
    let stream = Stream {
        documents: objects
            .into_iter()
            .map(|v| Document::new(RENDERED, v))
            .collect(),
    };
    review(&stream, profile, now)
}

/// The file name of rendered objects in findings.
pub(crate) const RENDERED: &str = "<rendered>";

fn object_ref(d: &Document) -> ObjectRef {
    let v = &d.value;
    let ns = namespace(v);
    ObjectRef {
        api_version: str_at(v, "/apiVersion").unwrap_or_default().to_owned(),
        kind: kind(v).to_owned(),
        namespace: (!ns.is_empty()).then(|| ns.to_owned()),
        name: name(v).to_owned(),
    }
}

fn location(d: &Document, pointer: &str) -> Location {
    let p = d.position(pointer);
    Location {
        file: d.file.clone(),
        line: p.line,
        column: p.column,
    }
}

fn info(d: &Document, g: &Gateway) -> GatewayInfo {
    GatewayInfo {
        name: g.name.clone(),
        object: object_ref(d),
        location: location(d, ""),
    }
}
