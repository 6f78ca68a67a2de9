//! The rule table (`rules.yaml`, embedded): ids, titles, explanations, guidance links and the
//! severity of each rule under each profile.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The table as shipped.
const RULES_YAML: &str = include_str!("../rules.yaml");

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Wrong: fails the review by default.
    Error,
    /// Should be fixed.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A rule's level under one profile: a severity, or `off` (not reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Reported as an error.
    Error,
    /// Reported as a warning.
    Warning,
    /// Reported as information.
    Info,
    /// Not reported.
    Off,
}

impl Level {
    /// The severity, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// One rule as users read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, `SHGW001`.
    pub id: String,
    /// Short kebab-case name, `replicas-below-minimum`.
    pub name: String,
    /// One line.
    pub title: String,
    /// Level per profile name.
    pub severity: BTreeMap<String, Level>,
    /// Why it matters and how to fix it.
    pub explanation: String,
    /// Link to the guidance.
    pub help: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    profiles: Vec<String>,
    rules: Vec<Rule>,
}

/// The rule table.
#[derive(Debug)]
pub struct Catalog {
    profiles: Vec<String>,
    rules: Vec<Rule>,
}

/// A profile name the table has no column for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no review profile named {name:?}; choose one of {}", known.join(", "))]
pub struct UnknownProfile {
    /// The name asked for.
    pub name: String,
    /// The names the table knows.
    pub known: Vec<String>,
}

impl Catalog {
    /// The embedded table.
    ///
    /// ```
    /// let c = shgw_review::Catalog::get();
    /// let r = c.rule("SHGW001").unwrap();
    /// assert_eq!(r.name, "replicas-below-minimum");
    /// assert!(c.profiles().contains(&"openshift".to_string()));
    /// ```
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The table is part of the source, not input: `table_is_well_formed` proves it
            // parses, so a failure here is a build that never passed its tests.
            #[allow(clippy::expect_used)]
            let table: Table = serde_saphyr::from_str(RULES_YAML).expect("rules.yaml parses");
            Catalog {
                profiles: table.profiles,
                rules: table.rules,
            }
        })
    }

    /// Every rule, in id order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The profile names the table has a column for.
    pub fn profiles(&self) -> &[String] {
        &self.profiles
    }

    /// Checks that `profile` is a column of the table.
    ///
    /// # Errors
    /// [`UnknownProfile`] naming the known profiles.
    pub fn check_profile(&self, profile: &str) -> Result<(), UnknownProfile> {
        if self.profiles.iter().any(|p| p == profile) {
            Ok(())
        } else {
            Err(UnknownProfile {
                name: profile.to_owned(),
                known: self.profiles.clone(),
            })
        }
    }

    /// The severity of `id` under `profile`; `None` when off or unknown.
    pub fn severity(&self, id: &str, profile: &str) -> Option<Severity> {
        self.rule(id)?.severity.get(profile)?.severity()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn table_is_well_formed() {
        let table: Table = serde_saphyr::from_str(RULES_YAML).unwrap();
        assert_eq!(table.profiles, ["dev", "production", "openshift"]);
        let mut last = String::new();
        for r in &table.rules {
            assert!(r.id.len() == 7 && r.id.starts_with("SHGW"), "{}", r.id);
            assert!(r.id > last, "ids in order, unique: {}", r.id);
            last = r.id.clone();
            for p in &table.profiles {
                assert!(r.severity.contains_key(p), "{} has no {p} level", r.id);
            }
            assert_eq!(r.severity.len(), table.profiles.len(), "{}", r.id);
            assert!(r.help.starts_with("https://"), "{}", r.id);
            assert!(r.explanation.contains("Fix:"), "{} explains no fix", r.id);
            assert!(!r.title.ends_with('.'), "{}", r.id);
        }
        assert_eq!(Catalog::get().rules().len(), table.rules.len());
    }
}
