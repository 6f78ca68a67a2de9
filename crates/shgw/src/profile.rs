//! Profiles: defaults merged under the Gateway file, the level of every review rule, and the
//! parameters the rules read; `extends:` folds another profile in underneath.
//!
//! `dev`, `production` and `openshift` live in the repository's top-level `profiles/` folder
//! and are embedded in the library; a user's own file in the same format works the same way.
//! The library reads no files: a profile that extends a path gets that file's text from a
//! loader the caller hands in ([`Profile::load`]).

use crate::diag::Diagnostic;
use crate::error::Error;
use crate::file::{parse_documents, typed};
use crate::review::{Level, RULES};
use crate::spec::GatewaySpec;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The only `apiVersion` a profile file may have.
pub const API_VERSION: &str = "shgw.dev/v1alpha1";

/// The profiles compiled into the library: `(name, YAML text)`.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("dev", include_str!("../profiles/dev.yaml")),
    ("production", include_str!("../profiles/production.yaml")),
    ("openshift", include_str!("../profiles/openshift.yaml")),
];

/// The profile used when none is named.
pub const DEFAULT: &str = "production";

/// The keys of a profile file.
const KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "description",
    "platform",
    "extends",
    "rules",
    "parameters",
    "defaults",
];

/// A resolved profile: everything it extends folded in, every rule's level, every parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The file the profile was read from (`profiles/production.yaml` for embedded ones).
    pub source: String,
    /// The profile's name.
    pub metadata: ProfileMetadata,
    /// One line on what the profile is for.
    pub description: String,
    /// The platform the gateway runs on: `kubernetes` (default) or `openshift`.
    pub platform: Platform,
    /// What the rules read.
    pub parameters: Parameters,
    /// Values used where the Gateway file says nothing.
    pub defaults: ProfileDefaults,
    /// The level of every rule of [`RULES`], by id.
    rules: BTreeMap<&'static str, Level>,
}

/// A profile's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileMetadata {
    /// Name, as given to `--profile`.
    pub name: String,
}

/// Defaults for `metadata` and `spec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileDefaults {
    /// Namespace, labels and annotations.
    #[serde(default)]
    pub metadata: DefaultMetadata,
    /// Any part of a Gateway's `spec`.
    #[serde(default)]
    pub spec: GatewaySpec,
}

/// Metadata defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefaultMetadata {
    /// Namespace when the Gateway names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Labels added under the Gateway's own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations added under the Gateway's own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Where the gateway runs, as far as it changes what is rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Any Kubernetes: shgw fixes the gateway's UID, GID and fsGroup to 1001.
    #[default]
    Kubernetes,
    /// OpenShift: the restricted-v2 SCC assigns UID, GID and fsGroup from the namespace's
    /// range, so none is set unless the Gateway file asks for one.
    Openshift,
}

impl Platform {
    fn as_str(self) -> &'static str {
        match self {
            Platform::Kubernetes => "kubernetes",
            Platform::Openshift => "openshift",
        }
    }
}

/// The thresholds the review rules read, each written once, in the profile
/// (`parameters:`). A profile that extends nothing starts from [`Parameters::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameters {
    /// Fewer replicas (or autoscaler minimum) than this is SHGW001.
    pub min_replicas: i64,
    /// Fewer replicas than this is SHGW002.
    pub recommended_replicas: i64,
    /// A token in the stream with fewer days left than this is SHGW062.
    pub min_token_days: i64,
    /// A startup probe that gives up sooner than this many seconds is SHGW034.
    pub min_startup_seconds: i64,
    /// Zones a cluster is expected to spread over: `externalTrafficPolicy: Local` with fewer
    /// replicas than this is SHGW048.
    pub zones: i64,
}

impl Default for Parameters {
    /// The values of Microsoft's production guidance: 2 replicas at least, 3 recommended,
    /// 7 days of token left, a minute for the gateway to start, 3 zones.
    fn default() -> Self {
        Parameters {
            min_replicas: 2,
            recommended_replicas: 3,
            min_token_days: 7,
            min_startup_seconds: 60,
            zones: 3,
        }
    }
}

impl Parameters {
    /// Every parameter's name as a profile writes it, and the rules that read it.
    pub const NAMES: &[(&'static str, &'static str)] = &[
        ("minReplicas", "SHGW001"),
        ("recommendedReplicas", "SHGW002"),
        ("minTokenDays", "SHGW062"),
        ("minStartupSeconds", "SHGW034"),
        ("zones", "SHGW048"),
    ];

    fn slot(&mut self, name: &str) -> Option<&mut i64> {
        match name {
            "minReplicas" => Some(&mut self.min_replicas),
            "recommendedReplicas" => Some(&mut self.recommended_replicas),
            "minTokenDays" => Some(&mut self.min_token_days),
            "minStartupSeconds" => Some(&mut self.min_startup_seconds),
            "zones" => Some(&mut self.zones),
            _ => None,
        }
    }
}

/// What each key of the old `policy:` section became.
const POLICY_KEYS: &[(&str, &str)] = &[
    ("minReplicas", "parameters.minReplicas"),
    ("recommendedReplicas", "parameters.recommendedReplicas"),
    ("minTokenDays", "parameters.minTokenDays"),
    ("rollingTags", "SHGW010"),
    ("missingRequests", "SHGW020"),
    ("missingLimits", "SHGW021"),
    ("defaultNamespace", "SHGW042"),
    ("backupDisabled", "SHGW070"),
    ("backupWithoutStorageClass", "SHGW075"),
    ("missingDisruptionBudget", "SHGW004"),
    ("missingNetworkPolicy", "SHGW044"),
    ("clusterTrafficPolicy", "SHGW049"),
    ("expiringToken", "SHGW062"),
    ("tokenWithoutRenewal", "SHGW063"),
];

/// One profile file as written, before what it extends is folded in.
struct Layer {
    source: String,
    name: String,
    description: Option<String>,
    platform: Option<Platform>,
    extends: Option<String>,
    rules: BTreeMap<&'static str, Level>,
    parameters: Vec<(String, i64)>,
    defaults: Value,
}

impl Profile {
    /// One of the embedded profiles by name.
    ///
    /// # Error
    /// [`Error`] when no embedded profile has that name.
    ///
    /// ```
    /// let p = shgw::Profile::embedded("production").unwrap();
    /// assert_eq!(p.parameters.min_replicas, 2);
    /// assert_eq!(p.level("SHGW004"), shgw::review::Level::Error);
    /// assert!(shgw::Profile::embedded("staging").is_err());
    /// ```
    pub fn embedded(name: &str) -> Result<Profile, Error> {
        Profile::load(name, |path: &Path| {
            Err(std::io::Error::other(format!(
                "{} is not an embedded profile",
                path.display()
            )))
        })
    }

    /// Reads a profile file and resolves it. `extends:` may name an embedded profile; a
    /// profile that extends a file needs [`Profile::load`] (or [`Profile::from_yaml_with`]).
    ///
    /// # Error
    /// [`Error`] for text that is not one profile document, fields that are wrong, unknown
    /// rule ids, levels or parameters, and a file it extends.
    pub fn from_yaml(source: &str, text: &str) -> Result<Profile, Error> {
        Profile::from_yaml_with(source, text, |path: &Path| {
            Err(std::io::Error::other(format!(
                "cannot read {}: no loader was given for files (Profile::load)",
                path.display()
            )))
        })
    }

    /// Reads a profile file named `source` and resolves it; files it extends are read with
    /// `read`, their paths taken relative to the folder of the file that names them.
    ///
    /// # Error
    /// As [`Profile::load`].
    pub fn from_yaml_with(
        source: &str,
        text: &str,
        mut read: impl FnMut(&Path) -> std::io::Result<String>,
    ) -> Result<Profile, Error> {
        let layer = Layer::parse(source, text)?;
        resolve(layer, vec![source.to_owned()], &mut read)
    }

    /// The profile `reference` names: an embedded profile's name, or the path of a profile
    /// file, whose text (and that of the files it extends) `read` returns. Paths in `extends:`
    /// are relative to the folder of the file that names them; a cycle is an error naming the
    /// chain.
    ///
    /// # Error
    /// [`Error`] naming the file and field path of every problem: an unknown profile name,
    /// rule id, level or parameter, a key of the old `policy:` section (with the rule id that
    /// replaces it), a cycle of `extends:`, or a file `read` cannot read.
    ///
    /// ```
    /// let team = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: team}\nextends: production\nrules: {SHGW004: off}\nparameters: {minReplicas: 3}\n";
    /// let p = shgw::Profile::load("team.yaml", |_: &std::path::Path| Ok(team.to_owned())).unwrap();
    /// assert_eq!(p.level("SHGW004"), shgw::review::Level::Off);
    /// assert_eq!(p.level("SHGW001"), shgw::review::Level::Error);
    /// assert_eq!(p.parameters.min_replicas, 3);
    /// ```
    pub fn load(
        reference: &str,
        mut read: impl FnMut(&Path) -> std::io::Result<String>,
    ) -> Result<Profile, Error> {
        let layer = fetch(reference, None, &mut read)?;
        let key = layer.source.clone();
        resolve(layer, vec![key], &mut read)
    }

    /// The level of rule `id`; `off` for an id no rule has.
    pub fn level(&self, id: &str) -> Level {
        self.rules.get(id).copied().unwrap_or(Level::Off)
    }

    /// Every rule's level, in id order.
    pub fn rules(&self) -> impl Iterator<Item = (&'static str, Level)> + '_ {
        self.rules.iter().map(|(id, l)| (*id, *l))
    }

    /// Sets the level of rule `id`; `false` (and nothing changed) when no rule has that id.
    pub fn set_level(&mut self, id: &str, level: Level) -> bool {
        match RULES.iter().find(|r| r.id == id) {
            Some(r) => {
                self.rules.insert(r.id, level);
                true
            }
            None => false,
        }
    }

    /// The resolved profile as a profile file that extends nothing (`shgw profiles show`):
    /// every rule's level, every parameter and the defaults.
    pub fn to_value(&self) -> Value {
        let rules: Map<String, Value> = self
            .rules
            .iter()
            .map(|(id, l)| ((*id).to_owned(), Value::from(l.as_str())))
            .collect();
        serde_json::json!({
            "apiVersion": API_VERSION,
            "kind": "Profile",
            "metadata": {"name": self.metadata.name},
            "description": self.description,
            "platform": self.platform.as_str(),
            "rules": rules,
            "parameters": serde_json::to_value(self.parameters).unwrap_or_default(),
            "defaults": defaults_value(&self.defaults),
        })
    }

    /// [`Profile::to_value`] as YAML.
    ///
    /// ```
    /// let yaml = shgw::Profile::embedded("dev").unwrap().to_yaml();
    /// assert!(yaml.contains("  SHGW004: \"off\"\n"), "quoted: YAML 1.1 reads a bare off as false");
    /// assert!(yaml.contains("  minReplicas: 1\n"));
    /// ```
    pub fn to_yaml(&self) -> String {
        shgw_yaml::to_string(&self.to_value())
    }
}

/// `defaults` as JSON, without empty sections.
pub(crate) fn defaults_value(d: &ProfileDefaults) -> Value {
    serde_json::json!({
        "metadata": serde_json::to_value(&d.metadata).unwrap_or_default(),
        "spec": serde_json::to_value(&d.spec).unwrap_or_default(),
    })
}

/// Reads the layer `reference` names, relative to the file `from` when given.
fn fetch(
    reference: &str,
    from: Option<&str>,
    read: &mut impl FnMut(&Path) -> std::io::Result<String>,
) -> Result<Layer, Error> {
    if let Some((name, text)) = EMBEDDED.iter().find(|(n, _)| *n == reference) {
        return Layer::parse(&format!("profiles/{name}.yaml"), text);
    }
    let (origin, field) = match from {
        Some(f) => (f.to_owned(), "extends"),
        None => ("--profile".to_owned(), ""),
    };
    let names: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
    if !reference.contains(['/', '.', '\\']) {
        return Err(Error::single(
            origin,
            field,
            format!(
                "no embedded profile named {reference:?}; choose one of {} or give a file path",
                names.join(", ")
            ),
        ));
    }
    if from.is_some_and(|f| {
        EMBEDDED
            .iter()
            .any(|(n, _)| f == format!("profiles/{n}.yaml"))
    }) {
        return Err(Error::single(
            origin,
            field,
            "an embedded profile extends only embedded profiles",
        ));
    }
    let path = match from.and_then(|f| Path::new(f).parent()) {
        Some(dir) => normalize(&dir.join(reference)),
        None => normalize(Path::new(reference)),
    };
    let shown = path.display().to_string();
    let text = read(&path)
        .map_err(|e| Error::single(origin, field, format!("cannot read profile {shown}: {e}")))?;
    Layer::parse(&shown, &text)
}

/// `a/./b/../c` as `a/c`, without asking the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Folds what `layer` extends under it; `chain` holds the files on the way (for cycles).
fn resolve(
    layer: Layer,
    mut chain: Vec<String>,
    read: &mut impl FnMut(&Path) -> std::io::Result<String>,
) -> Result<Profile, Error> {
    let base = match &layer.extends {
        None => None,
        Some(reference) => {
            let parent = fetch(reference, Some(&layer.source), read)?;
            if chain.contains(&parent.source) {
                chain.push(parent.source);
                return Err(Error::single(
                    &layer.source,
                    "extends",
                    format!(
                        "profiles extend each other in a cycle: {}",
                        chain.join(" -> ")
                    ),
                ));
            }
            chain.push(parent.source.clone());
            Some(resolve(parent, chain, read)?)
        }
    };
    layer.onto(base)
}

impl Layer {
    /// Reads one profile file, checking every field; all problems at once.
    fn parse(source: &str, text: &str) -> Result<Layer, Error> {
        let docs = parse_documents(source, text)?;
        let [doc] = docs.as_slice() else {
            return Err(Error::single(
                source,
                "",
                format!("a profile file holds one document, found {}", docs.len()),
            ));
        };
        let value = doc.node.to_value();
        let Some(obj) = value.as_object() else {
            return Err(Error::single(source, "", "a profile must be a mapping"));
        };
        let mut problems = Vec::new();
        let mut layer = Layer {
            source: source.to_owned(),
            name: String::new(),
            description: None,
            platform: None,
            extends: None,
            rules: BTreeMap::new(),
            parameters: Vec::new(),
            defaults: Value::Null,
        };
        for (key, value) in obj {
            match key.as_str() {
                "apiVersion" if value.as_str() == Some(API_VERSION) => {}
                "apiVersion" => problems.push(Diagnostic::error(
                    "apiVersion",
                    format!("must be {API_VERSION}"),
                )),
                "kind" if value.as_str() == Some("Profile") => {}
                "kind" => problems.push(Diagnostic::error("kind", "must be Profile")),
                "metadata" => match typed::<ProfileMetadata>(value) {
                    Ok(m) => layer.name = m.name,
                    Err(d) => problems.push(under("metadata", d)),
                },
                "description" => match value.as_str() {
                    Some(s) => layer.description = Some(s.to_owned()),
                    None => problems.push(Diagnostic::error("description", "must be a string")),
                },
                "platform" => match typed::<Platform>(value) {
                    Ok(p) => layer.platform = Some(p),
                    Err(d) => problems.push(under("platform", d)),
                },
                "extends" => match value.as_str() {
                    Some(s) if !s.is_empty() => layer.extends = Some(s.to_owned()),
                    _ => problems.push(Diagnostic::error(
                        "extends",
                        "must name an embedded profile or a file path",
                    )),
                },
                "rules" => layer.read_rules(value, &mut problems),
                "parameters" => layer.read_parameters(value, &mut problems),
                "defaults" => {
                    if let Err(d) = typed::<ProfileDefaults>(value) {
                        problems.push(under("defaults", d));
                    }
                    layer.defaults = value.clone();
                }
                "policy" => policy_problems(value, &mut problems),
                other => problems.push(Diagnostic::error(
                    other,
                    format!("unknown field; expected one of {}", KEYS.join(", ")),
                )),
            }
        }
        for required in ["apiVersion", "kind"] {
            if !obj.contains_key(required) {
                problems.push(Diagnostic::error(required, "required"));
            }
        }
        if layer.name.is_empty() && !problems.iter().any(|d| d.path.starts_with("metadata")) {
            problems.push(Diagnostic::error("metadata.name", "required"));
        }
        if problems.is_empty() {
            Ok(layer)
        } else {
            Err(Error::invalid(source, problems).placed_in(&docs))
        }
    }

    fn read_rules(&mut self, value: &Value, problems: &mut Vec<Diagnostic>) {
        let Some(map) = value.as_object() else {
            problems.push(Diagnostic::error(
                "rules",
                "must map rule ids to off, info, warning or error",
            ));
            return;
        };
        for (id, level) in map {
            let path = format!("rules.{id}");
            let Some(rule) = RULES.iter().find(|r| r.id == id) else {
                problems.push(Diagnostic::error(
                    path,
                    format!(
                        "unknown rule {id:?}; rules are {} to {} (shgw review --list-rules)",
                        RULES.first().map_or("", |r| r.id),
                        RULES.last().map_or("", |r| r.id)
                    ),
                ));
                continue;
            };
            // YAML 1.1 (as kubectl reads it) takes an unquoted `off` for false.
            let read = match level {
                Value::Bool(false) => Some(Level::Off),
                other => other.as_str().and_then(Level::parse),
            };
            match read {
                Some(l) => {
                    self.rules.insert(rule.id, l);
                }
                None => problems.push(Diagnostic::error(
                    path,
                    format!(
                        "unknown level {}; one of off, info, warning, error",
                        shown(level)
                    ),
                )),
            }
        }
    }

    fn read_parameters(&mut self, value: &Value, problems: &mut Vec<Diagnostic>) {
        let Some(map) = value.as_object() else {
            problems.push(Diagnostic::error(
                "parameters",
                "must map parameter names to numbers",
            ));
            return;
        };
        let known: Vec<&str> = Parameters::NAMES.iter().map(|(n, _)| *n).collect();
        for (name, v) in map {
            let path = format!("parameters.{name}");
            if !known.contains(&name.as_str()) {
                problems.push(Diagnostic::error(
                    path,
                    format!(
                        "unknown parameter {name:?}; parameters are {}",
                        known.join(", ")
                    ),
                ));
                continue;
            }
            match v.as_i64() {
                Some(n) if n >= 0 => self.parameters.push((name.clone(), n)),
                _ => problems.push(Diagnostic::error(
                    path,
                    format!("must be a whole number, 0 or more, not {}", shown(v)),
                )),
            }
        }
    }

    /// This layer over `base` (or over nothing).
    fn onto(self, base: Option<Profile>) -> Result<Profile, Error> {
        let source = self.source;
        let mut problems = Vec::new();
        let (mut rules, mut parameters, defaults, platform, description) = match base {
            Some(b) => (
                b.rules,
                b.parameters,
                match &self.defaults {
                    Value::Null => defaults_value(&b.defaults),
                    over => crate::pipeline::layer_defaults(&defaults_value(&b.defaults), over),
                },
                b.platform,
                b.description,
            ),
            None => (
                BTreeMap::new(),
                Parameters::default(),
                self.defaults.clone(),
                Platform::default(),
                String::new(),
            ),
        };
        rules.extend(self.rules);
        let missing: Vec<&str> = RULES
            .iter()
            .map(|r| r.id)
            .filter(|id| !rules.contains_key(id))
            .collect();
        if !missing.is_empty() {
            problems.push(Diagnostic::error(
                "rules",
                format!(
                    "no level for {}; a profile that extends nothing names every rule (or write extends: production)",
                    missing.join(", ")
                ),
            ));
        }
        for (name, n) in self.parameters {
            if let Some(slot) = parameters.slot(&name) {
                *slot = n;
            }
        }
        if parameters.recommended_replicas < parameters.min_replicas {
            problems.push(Diagnostic::error(
                "parameters.recommendedReplicas",
                format!(
                    "{} is below minReplicas {}",
                    parameters.recommended_replicas, parameters.min_replicas
                ),
            ));
        }
        let defaults = if defaults.is_null() {
            ProfileDefaults::default()
        } else {
            match typed::<ProfileDefaults>(&defaults) {
                Ok(d) => d,
                Err(d) => {
                    problems.push(under("defaults", d));
                    ProfileDefaults::default()
                }
            }
        };
        if !problems.is_empty() {
            return Err(Error::invalid(source, problems));
        }
        Ok(Profile {
            source,
            metadata: ProfileMetadata { name: self.name },
            description: self.description.unwrap_or(description),
            platform: self.platform.unwrap_or(platform),
            parameters,
            defaults,
            rules,
        })
    }
}

/// `d` with its path put under `section`.
fn under(section: &str, d: Diagnostic) -> Diagnostic {
    let path = if d.path.is_empty() {
        section.to_owned()
    } else {
        format!("{section}.{}", d.path)
    };
    Diagnostic { path, ..d }
}

/// A value as the message shows it.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// The old `policy:` section: each key refused, naming what replaces it.
fn policy_problems(value: &Value, problems: &mut Vec<Diagnostic>) {
    let Some(map) = value.as_object().filter(|m| !m.is_empty()) else {
        problems.push(Diagnostic::error(
            "policy",
            "policy: is replaced by rules: (rule id -> off, info, warning, error) and parameters:",
        ));
        return;
    };
    for (key, v) in map {
        let path = format!("policy.{key}");
        let message = match POLICY_KEYS.iter().find(|(k, _)| k == key) {
            Some((_, to)) if to.starts_with("parameters.") => {
                format!("policy: is gone; write {to}: {}", shown(v))
            }
            Some((_, id)) => {
                let level = match v.as_str() {
                    Some("allow") => "off",
                    Some("warn") => "warning",
                    _ => "error",
                };
                format!("policy: is gone; write rules: {{{id}: {level}}}")
            }
            None => "policy: is replaced by rules: (rule id -> off, info, warning, error) and parameters:".to_owned(),
        };
        problems.push(Diagnostic::error(path, message));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn no_files(_: &Path) -> std::io::Result<String> {
        Err(std::io::Error::other("no files here"))
    }

    #[test]
    fn embedded_profiles_load_and_name_every_rule_themselves() {
        for (name, text) in EMBEDDED {
            let p = Profile::embedded(name).unwrap();
            assert_eq!(&p.metadata.name, name);
            assert_eq!(p.rules().count(), RULES.len());
            // every rule's level and every parameter is written in the file itself
            for r in RULES {
                assert!(
                    text.contains(&format!("\n  {}: ", r.id)),
                    "{name}: {}",
                    r.id
                );
            }
            for (param, _) in Parameters::NAMES {
                assert!(text.contains(&format!("\n  {param}: ")), "{name}: {param}");
            }
        }
    }

    #[test]
    fn bad_profile_names_the_field() {
        let text = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: x}\nextends: production\nparameters: {minReplica: 2}\nrules: {SHGW999: error, SHGW004: warn}\n";
        let e = Profile::from_yaml("p.yaml", text).unwrap_err();
        let paths: Vec<&str> = e.problems().iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            ["parameters.minReplica", "rules.SHGW999", "rules.SHGW004"],
            "{e}"
        );
        assert!(e.problems()[0].message.contains("minReplicas"), "{e}");
        assert!(e.problems()[2].message.contains("\"warn\""), "{e}");
    }

    #[test]
    fn old_policy_keys_name_their_rule() {
        let text = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: x}\nextends: production\npolicy: {minReplicas: 2, missingDisruptionBudget: allow, rollingTags: warn}\n";
        let e = Profile::from_yaml("p.yaml", text).unwrap_err();
        let got: Vec<(&str, &str)> = e
            .problems()
            .iter()
            .map(|d| (d.path.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "policy.minReplicas",
                    "policy: is gone; write parameters.minReplicas: 2"
                ),
                (
                    "policy.missingDisruptionBudget",
                    "policy: is gone; write rules: {SHGW004: off}"
                ),
                (
                    "policy.rollingTags",
                    "policy: is gone; write rules: {SHGW010: warning}"
                ),
            ]
        );
    }

    #[test]
    fn extends_resolves_relative_paths_and_refuses_cycles() {
        let files: BTreeMap<&str, &str> = [
            ("teams/base.yaml", "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: base}\nextends: production\nrules: {SHGW004: off}\nparameters: {minTokenDays: 10}\ndefaults: {spec: {replicas: 4}}\n"),
            ("teams/web/team.yaml", "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: team}\nextends: ../base.yaml\nrules: {SHGW002: info}\n"),
            ("a.yaml", "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: a}\nextends: ./b.yaml\n"),
            ("b.yaml", "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: b}\nextends: a.yaml\n"),
        ]
        .into();
        let read = |p: &Path| {
            files
                .get(p.to_str().unwrap_or_default())
                .map(|t| (*t).to_owned())
                .ok_or_else(|| std::io::Error::other("not found"))
        };
        let p = Profile::load("teams/web/team.yaml", read).unwrap();
        assert_eq!(p.metadata.name, "team");
        assert_eq!(p.level("SHGW004"), Level::Off);
        assert_eq!(p.level("SHGW002"), Level::Info);
        assert_eq!(p.level("SHGW001"), Level::Error);
        assert_eq!(p.parameters.min_token_days, 10);
        assert_eq!(p.defaults.spec.replicas, Some(4));
        assert_eq!(
            p.defaults.metadata.namespace.as_deref(),
            Some("apim-gateway")
        );
        let e = Profile::load("a.yaml", read).unwrap_err();
        assert_eq!(e.problems()[0].path, "extends");
        assert!(
            e.problems()[0]
                .message
                .contains("a.yaml -> b.yaml -> a.yaml"),
            "{e}"
        );
        let e = Profile::load("staging", no_files).unwrap_err();
        assert!(
            e.to_string()
                .contains("no embedded profile named \"staging\""),
            "{e}"
        );
        let text =
            "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: x}\nextends: staging\n";
        let e = Profile::from_yaml("x.yaml", text).unwrap_err();
        assert_eq!(
            (e.input(), e.problems()[0].path.as_str()),
            ("x.yaml", "extends")
        );
    }

    #[test]
    fn a_profile_that_extends_nothing_names_every_rule() {
        let text = "apiVersion: shgw.dev/v1alpha1\nkind: Profile\nmetadata: {name: x}\nrules: {SHGW001: error}\n";
        let e = Profile::from_yaml("x.yaml", text).unwrap_err();
        assert_eq!(e.problems()[0].path, "rules");
        assert!(e.problems()[0].message.contains("SHGW002"), "{e}");
    }
}
