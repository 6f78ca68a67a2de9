//! The code of the rules, one module per theme. Each theme looks at the gateways of a stream
//! and the objects around them and reports hits; the engine turns hits into findings with the
//! levels of the profile and the titles and links of the catalogue.

mod availability;
mod credentials;
pub(super) mod image;
mod network;
mod probes;
mod resources;
mod security;
mod settings;
mod wiring;

pub(crate) use wiring::service_owners;

use crate::review::document::Document;
use crate::review::inventory::Gateway;
use jiff::Timestamp;

/// What a rule sees.
pub(crate) struct Ctx<'a> {
    pub docs: &'a [Document],
    pub gateways: &'a [Gateway],
    pub now: Timestamp,
    pub profile: &'a crate::Profile,
    /// The stream's objects by kind, namespace and name.
    pub lookup: &'a crate::review::inventory::Lookup<'a>,
    /// Namespace and labels of every pod template in the stream.
    pub pods: Vec<(String, std::collections::BTreeMap<String, String>)>,
    /// Every Service: its document and its selector.
    pub services: Vec<(usize, std::collections::BTreeMap<String, String>)>,
    /// The Services (indexes into `services`) each gateway, by its document, owns.
    pub service_owners: std::collections::HashMap<usize, Vec<usize>>,
}

impl Ctx<'_> {
    /// The document of a gateway.
    pub fn doc(&self, gw: &Gateway) -> &serde_json::Value {
        &self.docs[gw.doc].value
    }
}

/// One rule breached at one field.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub rule: &'static str,
    /// The document the field is in.
    pub doc: usize,
    /// JSON pointer of the field.
    pub pointer: String,
    pub message: String,
    /// The gateway (index into the gateways) it belongs to.
    pub gateway: Option<usize>,
}

/// Collects hits for one gateway.
pub(crate) struct Hits<'a> {
    out: &'a mut Vec<Hit>,
    gateway: Option<usize>,
}

impl Hits<'_> {
    /// A hit on the gateway's own workload.
    pub fn on(
        &mut self,
        gw: &Gateway,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.at(gw.doc, rule, pointer, message);
    }

    /// A hit on another document.
    pub fn at(
        &mut self,
        doc: usize,
        rule: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.out.push(Hit {
            rule,
            doc,
            pointer: pointer.into(),
            message: message.into(),
            gateway: self.gateway,
        });
    }
}

/// A theme: the rule ids it implements and its check, run once per gateway.
pub(crate) struct Theme {
    pub name: &'static str,
    pub rules: &'static [&'static str],
    pub check: fn(&Ctx, &Gateway, &mut Hits),
}

/// Every theme.
pub(crate) const THEMES: &[Theme] = &[
    availability::THEME,
    image::THEME,
    resources::THEME,
    probes::THEME,
    wiring::THEME,
    network::THEME,
    security::THEME,
    credentials::THEME,
    settings::THEME,
];

/// The theme a rule belongs to (`availability`, `image`, ... `suppressions`).
///
/// ```
/// assert_eq!(shgw::review::theme("SHGW004"), Some("availability"));
/// ```
pub fn theme_of(id: &str) -> Option<&'static str> {
    if crate::review::suppress::RULES.contains(&id) {
        return Some("suppressions");
    }
    THEMES
        .iter()
        .find(|t| t.rules.contains(&id))
        .map(|t| t.name)
}

/// Runs every theme on every gateway.
pub(crate) fn run(cx: &Ctx) -> Vec<Hit> {
    let mut out = Vec::new();
    for (i, gw) in cx.gateways.iter().enumerate() {
        let mut hits = Hits {
            out: &mut out,
            gateway: Some(i),
        };
        for theme in THEMES {
            (theme.check)(cx, gw, &mut hits);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::catalog::RULES;

    #[test]
    fn every_rule_has_code_and_every_code_a_rule() {
        let mut implemented: Vec<&str> = THEMES
            .iter()
            .flat_map(|t| t.rules.iter().copied())
            .collect();
        implemented.extend(crate::review::suppress::RULES);
        let mut sorted = implemented.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            implemented.len(),
            "a rule is implemented twice"
        );
        let table: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(sorted, table);
        for t in THEMES {
            assert!(!t.name.is_empty());
        }
    }
}
