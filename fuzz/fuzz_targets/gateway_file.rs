//! The Gateway file reader and the renderer on any text, under every embedded profile: never a
//! panic, and a render prints YAML that reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(gateways) = shgw::parse_gateways("fuzz.yaml", text) else {
        return;
    };
    for name in ["dev", "production", "openshift"] {
        let Ok(profile) = shgw::Profile::embedded(name) else {
            continue;
        };
        let opts = shgw::RenderOptions {
            now: Some(jiff::Timestamp::UNIX_EPOCH),
            ..Default::default()
        };
        if let Ok(manifests) = shgw::render_with("fuzz.yaml", &gateways, &profile, &opts) {
            let yaml = manifests.to_yaml();
            shgw_yaml::parse::parse_documents(&yaml, &Default::default())
                .unwrap_or_else(|e| panic!("rendered YAML does not read back: {e}"));
        }
    }
});
