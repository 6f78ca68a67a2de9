//! Where a problem of a Gateway file is: `validate` places each at its line and column. The
//! review of what shgw renders runs in the library (`shgw::render`), under the same profile
//! as every other command.

use shgw::Diagnostic;
use shgw_review::Stream;

/// Where a problem of a Gateway file is: the line and column of its field in the document of
/// its gateway (none for a profile's problem, a finding on a rendered object that no Gateway
/// field sets, or unparsable text).
pub(crate) fn locate(stream: Option<&Stream>, d: &Diagnostic) -> Option<(usize, usize)> {
    if d.origin.is_some() || (d.rule.is_some() && d.path.is_empty()) {
        return None;
    }
    let docs = &stream?.documents;
    let doc = match &d.gateway {
        Some(name) => docs
            .iter()
            .find(|doc| doc.value.pointer("/metadata/name").and_then(|n| n.as_str()) == Some(name)),
        None => docs.first(),
    }?;
    let p = doc.locate(&d.path);
    Some((p.line, p.column))
}
