//! From a Gateway and a profile to a checked [`Resolved`]: merge the profile's defaults under
//! the file, fill in the rest, check everything, and say whose problem each finding is.

use crate::diag::{Diagnostic, Severity};
use crate::error::Error;
use crate::file::{merge_under, typed};
use crate::profile::{Profile, defaults_value};
use crate::resolve::{Plan, fill};
use crate::spec::Gateway;
use crate::validate;
use serde_json::Value;

/// Fields of which only one may be set: a profile's choice never joins the user's.
const ONE_OF: &[(&str, &[&str])] = &[
    ("/spec/auth", &["token", "entraApp", "workloadIdentity"]),
    (
        "/spec/highAvailability/podDisruptionBudget",
        &["maxUnavailable", "minAvailable"],
    ),
];

/// `over` merged onto `under` (a Gateway or a profile's `defaults` onto defaults): where
/// `over` picked one member of an either-or group, the pick of `under` gives way.
pub(crate) fn layer_defaults(under: &Value, over: &Value) -> Value {
    let mut under = under.clone();
    for (at, group) in ONE_OF {
        let chosen = over
            .pointer(at)
            .and_then(Value::as_object)
            .is_some_and(|m| group.iter().any(|k| m.contains_key(*k)));
        if let Some(m) = under.pointer_mut(at).and_then(Value::as_object_mut)
            && chosen
        {
            m.retain(|k, _| !group.contains(&k.as_str()));
        }
    }
    merge_under(&under, over)
}

/// The Gateway with the profile's defaults merged under it.
// One problem, built once on the way out of a failed read: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn apply_profile(g: &Gateway, p: &Profile) -> Result<Gateway, Diagnostic> {
    let user = serde_json::to_value(g).map_err(|e| Diagnostic::error("", e.to_string()))?;
    typed(&layer_defaults(&defaults_value(&p.defaults), &user))
}

/// Whether `doc` has a value at the dotted `path` (`spec.settings.a.b`, `spec.x[2].y`); a key
/// may itself hold dots.
fn has_path(doc: &Value, path: &str) -> bool {
    fn walk(v: &Value, segments: &[&str]) -> bool {
        let Some((first, _)) = segments.split_first() else {
            return !v.is_null();
        };
        let (key, index) = match first.split_once('[') {
            Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (*first, None),
        };
        // The longest run of segments that names one key wins (keys such as `a.b.c`).
        (1..=segments.len()).rev().any(|n| {
            let joined = if n == 1 {
                key.to_owned()
            } else {
                std::iter::once(key)
                    .chain(segments[1..n].iter().copied())
                    .collect::<Vec<_>>()
                    .join(".")
            };
            let Some(child) = v.get(&joined) else {
                return false;
            };
            let child = match index {
                Some(i) if n == 1 => match child.get(i) {
                    Some(c) => c,
                    None => return false,
                },
                _ => child,
            };
            walk(child, &segments[n..])
        })
    }
    let segments: Vec<&str> = path.split('.').collect();
    walk(doc, &segments)
}

/// A problem at a field the user did not write but the profile did is the profile's, unless
/// it relates that field to one the user wrote (a request above the user's limit).
fn attribute(d: Diagnostic, user: &Value, defaults: &Value, p: &Profile) -> Diagnostic {
    if d.path.is_empty() || has_path(user, &d.path) || !has_path(defaults, &d.path) {
        return d;
    }
    let mentions_users_field = d
        .message
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';'))
        .filter(|w| w.starts_with("spec.") || w.starts_with("metadata."))
        .any(|w| has_path(user, w));
    if mentions_users_field {
        return d;
    }
    d.in_profile(&p.source)
}

/// A Gateway resolved under a profile: the profile's defaults merged under the file, every
/// other default filled in, every check of the spec passed. What it holds is private; it is
/// what [`crate::render`] takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// What the renderer reads.
    pub(crate) plan: Plan,
    /// The profile it was resolved under (its rules judge what is rendered).
    pub(crate) profile: Profile,
    /// Warnings found on the way.
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Resolved {
    /// The Gateway's `metadata.name`.
    pub fn name(&self) -> &str {
        &self.plan.name
    }

    /// The namespace its objects go to, when it names one.
    pub fn namespace(&self) -> Option<&str> {
        self.plan.namespace.as_deref()
    }

    /// The gateway's name in API Management (`spec.gatewayName`, else `metadata.name`): the
    /// gateway a token is issued for.
    pub fn gateway_name(&self) -> &str {
        &self.plan.gateway_name
    }

    /// The profile it was resolved under.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The spec's warnings (a setting shgw does not know, say), each with its field path.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// Merges the profile's defaults under the Gateway, fills in the rest, and checks the result
/// against the spec: the one step between a Gateway file and the objects rendered from it.
/// (What the profile's review rules say about those objects is [`crate::render`]'s, which
/// reviews what it renders.)
///
/// # Error
/// [`Error`] naming `Gateway NAME`, with every problem found (errors first, warnings after),
/// and with the profile file when a profile's default is at fault.
///
/// ```
/// let text = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw, namespace: apim}\nspec: {endpoint: gw.configuration.azure-api.net, backup: {storageClassName: azurefile-csi}}\n";
/// let gw = &shgw::parse_gateways("gw.yaml", text)?[0];
/// let r = shgw::resolve(gw, &shgw::Profile::embedded("production")?)?;
/// assert_eq!((r.name(), r.gateway_name(), r.namespace()), ("gw", "gw", Some("apim")));
/// let bad = "apiVersion: shgw.dev/v1alpha1\nkind: Gateway\nmetadata: {name: gw}\nspec: {}\n";
/// let gw = &shgw::parse_gateways("gw.yaml", bad)?[0];
/// let e = shgw::resolve(gw, &shgw::Profile::embedded("dev")?).unwrap_err();
/// assert_eq!(e.problems()[0].path, "spec.endpoint");
/// # Ok::<(), shgw::Error>(())
/// ```
pub fn resolve(g: &Gateway, p: &Profile) -> Result<Resolved, Error> {
    resolve_in(g, p).map_err(|found| Error::invalid(format!("Gateway {}", g.metadata.name), found))
}

/// [`resolve`], with the problems left bare (a fleet gathers those of every gateway).
pub(crate) fn resolve_in(g: &Gateway, p: &Profile) -> Result<Resolved, Vec<Diagnostic>> {
    let (plan, found) = evaluate(g, p);
    match plan {
        Some(plan) if !found.iter().any(|d| d.severity == Severity::Error) => Ok(Resolved {
            plan,
            profile: p.clone(),
            warnings: found,
        }),
        _ => Err(found),
    }
}

/// The spec's findings for one Gateway with the profile's defaults merged under it, without
/// rendering (so without the review rules: `shgw validate` renders and reports both).
pub fn check(g: &Gateway, p: &Profile) -> Vec<Diagnostic> {
    evaluate(g, p).1
}

fn evaluate(g: &Gateway, p: &Profile) -> (Option<Plan>, Vec<Diagnostic>) {
    let name = &g.metadata.name;
    let merged = match apply_profile(g, p) {
        Ok(m) => m,
        Err(d) => return (None, vec![d.for_gateway(name)]),
    };
    let r = fill(&merged, p.platform);
    let mut found = validate::validate(&merged, &r);
    found.sort_by_key(|d| d.severity);
    let user = serde_json::to_value(g).unwrap_or_default();
    let defaults = defaults_value(&p.defaults);
    let found = found
        .into_iter()
        .map(|d| attribute(d, &user, &defaults, p).for_gateway(name))
        .collect();
    (Some(r), found)
}
