//! The review: gateways found, rules run, severities from the table, suppressions applied,
//! findings sorted.

use crate::catalog::{Catalog, UnknownProfile};
use crate::finding::{Finding, GatewayInfo, Location, ObjectRef, Report};
use crate::inventory::{self, Gateway};
use crate::objects::{field_path, kind, name, namespace, str_at};
use crate::rules::{self, Ctx, Hit};
use crate::source::{Document, LoadError, Stream};
use crate::suppress;
use jiff::Timestamp;

/// Reviews every gateway of `stream` under `profile` (`dev`, `production` or `openshift`)
/// as of `now` (token expiry, suppression end dates).
///
/// ```
/// let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gw}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: gw}}\n  template:\n    metadata: {labels: {app: gw}}\n    spec:\n      containers:\n      - name: gw\n        image: mcr.microsoft.com/azure-api-management/gateway:v2\n";
/// let stream = shgw_review::load("gw.yaml", text).unwrap();
/// let report = shgw_review::review(&stream, "production", jiff::Timestamp::UNIX_EPOCH).unwrap();
/// let f = report.findings.iter().find(|f| f.rule == "SHGW001").unwrap();
/// assert_eq!((f.path.as_str(), f.location.line), ("spec.replicas", 5));
/// assert!(report.findings.iter().any(|f| f.rule == "SHGW010"));
/// ```
///
/// # Errors
/// [`UnknownProfile`] when the rule table has no column for `profile`.
pub fn review(stream: &Stream, profile: &str, now: Timestamp) -> Result<Report, UnknownProfile> {
    let catalog = Catalog::get();
    catalog.check_profile(profile)?;
    let docs = &stream.documents;
    let gateways = inventory::gateways(stream);
    let pods = crate::objects::pod_labels(docs);
    let services = crate::objects::service_selectors(docs);
    let cx = Ctx {
        docs,
        gateways: &gateways,
        now,
        profile,
        pods,
        services,
    };
    let mut hits = rules::run(&cx);
    let suppressions: Vec<suppress::Suppressions> =
        docs.iter().map(|d| suppress::read(d, now)).collect();
    for (i, s) in suppressions.iter().enumerate() {
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
        let Some(severity) = catalog.severity(h.rule, profile) else {
            continue;
        };
        let Some(rule) = catalog.rule(h.rule) else {
            continue;
        };
        let d = &docs[h.doc];
        let suppression = if suppress::RULES.contains(&h.rule) {
            None
        } else {
            suppressions[h.doc].covering(h.rule).cloned()
        };
        let finding = Finding {
            rule: rule.id.clone(),
            name: rule.name.clone(),
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
    Ok(Report {
        profile: profile.to_owned(),
        gateways: gateways.iter().map(|g| info(&docs[g.doc], g)).collect(),
        findings: keyed.into_iter().map(|(_, f)| f).collect(),
    })
}

/// Why [`review_text`] could not review.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReviewError {
    /// The profile has no column in the rule table.
    #[error(transparent)]
    Profile(#[from] UnknownProfile),
    /// The text is not a manifest stream.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// Reviews manifest text named `source`, such as what `shgw render` prints
/// (`Manifests::to_yaml()`): the same rules as [`review`], with locations in that text, so a
/// render is judged by what it emits.
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: contoso, namespace: apim}\nspec: {endpoint: contoso.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";
/// let gw = &shgw::parse_gateways("gw.yaml", text).unwrap()[0];
/// let out = shgw::render(gw, &shgw::Profile::embedded("production").unwrap()).unwrap();
/// let now = jiff::Timestamp::UNIX_EPOCH;
/// let report = shgw_review::review_text("<rendered>", &out.to_yaml(), "production", now).unwrap();
/// assert_eq!(report.counts().error, 0);
/// ```
///
/// # Errors
/// [`ReviewError`] for an unknown profile or text that is no manifest stream.
pub fn review_text(
    source: &str,
    text: &str,
    profile: &str,
    now: Timestamp,
) -> Result<Report, ReviewError> {
    Catalog::get().check_profile(profile)?;
    let stream = crate::source::load(source, text)?;
    Ok(review(&stream, profile, now)?)
}

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
