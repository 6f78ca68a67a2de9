//! The review's loader and rules on any manifest stream: never a panic, and every report format
//! is produced.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(stream) = shgw_review::load("fuzz.yaml", text) else {
        return;
    };
    for (name, _) in shgw::profile::EMBEDDED {
        let Ok(profile) = shgw::Profile::embedded(name) else {
            continue;
        };
        let report = shgw_review::review(&stream, &profile, jiff::Timestamp::UNIX_EPOCH);
        let _ = shgw_review::to_text(&report, false);
        let _ = shgw_review::to_json(&report);
        let _ = shgw_review::to_sarif(&report);
        let _ = shgw_review::to_markdown(&report);
    }
});
