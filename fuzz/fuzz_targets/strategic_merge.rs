//! Strategic merge of any patch into any resource (two YAML documents split at the first
//! `---` line): never a panic, and a merge result prints as YAML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shgw_yaml::parse::{ParseOptions, parse_documents};

fuzz_target!(|text: &str| {
    let (dest, patch) = text.split_once("\n---\n").unwrap_or((text, ""));
    let read = |t: &str| {
        parse_documents(t, &ParseOptions::default())
            .ok()
            .and_then(|d| d.first().map(|n| n.to_value()))
    };
    let (Some(dest), Some(patch)) = (read(dest), read(patch)) else {
        return;
    };
    if let Ok(merged) = shgw_kustomize::smp::merge_resource(&dest, &patch) {
        let _ = shgw_yaml::to_string(&merged);
    }
});
