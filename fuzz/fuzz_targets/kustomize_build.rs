//! A kustomize build of any small tree held in memory: the input is split at lines
//! `#---FILE---` into `kustomization.yaml`, `a.yaml`, `b.yaml` and `c.yaml` (resources,
//! strategic-merge and JSON 6902 patches, generators' files). Never a panic; a build that
//! succeeds prints YAML that reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shgw_kustomize::{BuildOptions, MemoryFs};
use std::path::Path;
use std::sync::Arc;

const NAMES: [&str; 4] = ["kustomization.yaml", "a.yaml", "b.yaml", "c.yaml"];

fuzz_target!(|text: &str| {
    let mut fs = MemoryFs::new();
    for (name, part) in NAMES.iter().zip(text.split("\n#---FILE---\n")) {
        fs.insert(Path::new("/tree").join(name), part);
    }
    let opts = BuildOptions {
        fs: Some(Arc::new(fs)),
        ..Default::default()
    };
    if let Ok(yaml) = shgw_kustomize::build(Path::new("/tree"), &opts) {
        shgw_yaml::parse::parse_documents(&yaml, &Default::default())
            .unwrap_or_else(|e| panic!("built YAML does not read back: {e}\n{yaml}"));
    }
});
