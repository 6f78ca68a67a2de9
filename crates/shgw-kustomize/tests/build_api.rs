//! End-to-end tests of `build` on small kustomizations held in memory (`MemoryFs`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use serde_json::json;
use shgw_kustomize::{
    BuildOptions, Error, Expansion, MemoryFs, build, build_output, build_resources,
};
use shgw_yaml::node::Node;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A kustomization tree held in memory (the engine reads it through its `MemoryFs`).
struct Scratch(PathBuf, RefCell<MemoryFs>);

impl Scratch {
    fn new() -> Self {
        Scratch(PathBuf::from("/tree"), RefCell::new(MemoryFs::new()))
    }
    fn write(&self, rel: &str, text: &str) -> &Self {
        self.1.borrow_mut().insert(self.0.join(rel), text);
        self
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
    /// Options that read this tree.
    fn opts(&self) -> BuildOptions {
        BuildOptions {
            fs: Some(Arc::new(self.1.borrow().clone())),
            ..BuildOptions::default()
        }
    }
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.0\n        envFrom:\n        - configMapRef:\n            name: cfg\n";

fn err_text(s: &Scratch, dir: &Path) -> String {
    build(dir, &s.opts()).unwrap_err().to_string()
}

#[test]
fn overlay_with_generator_prefix_namespace_and_nameref() {
    let s = Scratch::new();
    s.write("base/kustomization.yaml", "resources: [deploy.yaml]\nnamePrefix: b-\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1, B=2]\n")
        .write("base/deploy.yaml", DEPLOY)
        .write(
            "overlay/kustomization.yaml",
            "resources: [../base]\nnamespace: prod\nnamePrefix: o-\nlabels:\n- pairs: {team: x}\n  includeSelectors: true\nimages:\n- name: nginx\n  newTag: \"1.25\"\nreplicas:\n- name: web\n  count: 2\n",
        );
    // The expected text is the output of `kubectl kustomize` v1.37.1 on the same files.
    let yaml = build(&s.path("overlay"), &s.opts()).unwrap();
    let expected = "apiVersion: v1\ndata:\n  A: \"1\"\n  B: \"2\"\nkind: ConfigMap\nmetadata:\n  labels:\n    team: x\n  name: o-b-cfg-66h9cbh964\n  namespace: prod\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    team: x\n  name: o-b-web\n  namespace: prod\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      team: x\n  template:\n    metadata:\n      labels:\n        team: x\n    spec:\n      containers:\n      - envFrom:\n        - configMapRef:\n            name: o-b-cfg-66h9cbh964\n        image: nginx:1.25\n        name: app\n";
    assert_eq!(yaml, expected);
}

#[test]
fn expander_replaces_documents() {
    let s = Scratch::new();
    s.write("kustomization.yaml", "resources: [gw.yaml]\nnamespace: ns1\n")
        .write("gw.yaml", "apiVersion: example.dev/v1\nkind: Gateway\nmetadata:\n  name: g\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n");
    let opts = BuildOptions {
        expander: Some(Box::new(|doc: &Node, file: &Path| {
            assert!(file.ends_with("gw.yaml"));
            if doc["kind"] == "Gateway" {
                let name = doc["metadata"]["name"].as_str().unwrap_or("").to_string();
                Some(Ok(Expansion {
                    docs: vec![
                        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("{name}-svc")}}),
                        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": format!("{name}-dep")}}),
                    ],
                    warnings: vec![format!("{name} expanded")],
                    ..Expansion::default()
                }))
            } else {
                None
            }
        })),
        ..s.opts()
    };
    let out = build_output(&s.path(""), &opts).unwrap();
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].file.ends_with("gw.yaml") && out.warnings[0].message == "g expanded");
    let docs = out.resources;
    let names: Vec<&str> = docs
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["keep", "g-svc", "g-dep"]);
    assert!(docs.iter().all(|d| d["metadata"]["namespace"] == "ns1"));

    let failing = BuildOptions {
        expander: Some(Box::new(|_: &Node, _: &Path| {
            Some(Err(std::io::Error::other("boom").into()))
        })),
        ..s.opts()
    };
    let e = build(&s.path(""), &failing).unwrap_err();
    assert_eq!(e.kind(), shgw_kustomize::ErrorKind::Expand);
    // The hook's own error is in the source chain, for the caller to downcast.
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    let mut found = false;
    while let Some(c) = cause {
        found |= c.downcast_ref::<std::io::Error>().is_some();
        cause = c.source();
    }
    assert!(found, "{e:?}");
    let e = e.to_string();
    assert!(e.contains("boom") && e.contains("gw.yaml"), "{e}");
}

#[test]
fn a_kept_source_meets_every_layer_and_is_reported_not_printed() {
    let s = Scratch::new();
    s.write("base/kustomization.yaml", "resources: [gw.yaml]\n")
        .write(
            "base/gw.yaml",
            "apiVersion: example.dev/v1\nkind: Gateway\nmetadata:\n  name: g\nspec:\n  replicas: 3\n",
        )
        .write(
            "overlay/kustomization.yaml",
            "resources: [../base]\nnamePrefix: eu-\nnamespace: ns1\npatches:\n- target: {kind: Gateway}\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 1\n- target: {kind: Service}\n  patch: |-\n    - op: add\n      path: /spec\n      value: {}\n",
        );
    let opts = BuildOptions::with_expander(|doc, _| {
        (doc["kind"] == "Gateway").then(|| {
            let name = doc["metadata"]["name"].as_str().unwrap_or("").to_string();
            Ok(Expansion {
                docs: vec![json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("{name}-svc")}})],
                keep: true,
                ..Expansion::default()
            })
        })
    });
    let opts = BuildOptions {
        expander: opts.expander,
        ..s.opts()
    };
    let out = build_output(&s.path("overlay"), &opts).unwrap();
    // The source is not printed; its product is, transformed by the overlay.
    let names: Vec<&str> = out
        .resources
        .iter()
        .map(|d| d["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["eu-g-svc"]);
    assert_eq!(out.products.len(), 1);
    assert_eq!((out.products[0].index, out.products[0].expansion), (0, 0));
    assert_eq!(out.products[0].original.name, "g-svc");
    // The kept source went through the overlay: renamed, moved, patched, and the patch named.
    assert_eq!(out.kept.len(), 1);
    let kept = &out.kept[0];
    assert!(kept.file.ends_with("base/gw.yaml"), "{kept:?}");
    assert_eq!(kept.value["metadata"]["name"], "eu-g");
    assert_eq!(kept.value["metadata"]["namespace"], "ns1");
    assert_eq!(kept.value["spec"]["replicas"], 1);
    assert_eq!(kept.patches.len(), 1, "{kept:?}");
    assert!(
        kept.patches[0]
            .entry
            .ends_with("overlay/kustomization.yaml: patches[0]"),
        "{}",
        kept.patches[0].entry
    );
    assert_eq!(kept.patches[0].before["spec"]["replicas"], 3);
    assert_eq!(kept.patches[0].after["spec"]["replicas"], 1);
}

#[test]
fn errors_name_files_and_ids() {
    let s = Scratch::new();
    s.write("missing/kustomization.yaml", "resources: [nope.yaml]\n");
    let e = err_text(&s, &s.path("missing"));
    assert!(
        e.contains("nope.yaml") && e.contains("no such file or directory"),
        "{e}"
    );

    s.write("bad/kustomization.yaml", "resources: [bad.yaml]\n")
        .write("bad/bad.yaml", "a: [1, 2\nb: c\n");
    let e = err_text(&s, &s.path("bad"));
    assert!(
        e.contains("MalformedYAMLError") && e.contains("bad.yaml"),
        "{e}"
    );

    s.write("unknown/kustomization.yaml", "unknownField: 1\n");
    assert!(
        err_text(&s, &s.path("unknown"))
            .contains("invalid Kustomization: json: unknown field \"unknownField\"")
    );

    s.write("dup/kustomization.yaml", "resources: [d.yaml, d.yaml]\n")
        .write("dup/d.yaml", DEPLOY);
    let e = err_text(&s, &s.path("dup"));
    assert!(
        e.contains(
            "may not add resource with an already registered id: Deployment.v1.apps/web.[noNs]"
        ),
        "{e}"
    );

    s.write("nomatch/kustomization.yaml", "resources: [d.yaml]\npatches:\n- patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: nomatch}\n")
        .write("nomatch/d.yaml", DEPLOY);
    assert!(err_text(&s, &s.path("nomatch")).contains(
        "no resource matches strategic merge patch \"Deployment.v1.apps/nomatch.[noNs]\""
    ));

    s.write("json/kustomization.yaml", "resources: [d.yaml]\npatches:\n- target: {kind: Deployment}\n  patch: |\n    - op: add\n      path: /spec/missing/deeper\n      value: 1\n")
        .write("json/d.yaml", DEPLOY);
    assert!(
        err_text(&s, &s.path("json")).contains(
            "add operation does not apply: doc is missing path: \"/spec/missing/deeper\""
        )
    );

    s.write(
        "outside/common/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    )
    .write(
        "outside/a/kustomization.yaml",
        "resources: [../common/cm.yaml]\n",
    );
    assert!(err_text(&s, &s.path("outside/a")).contains("security; file"));

    assert!(matches!(
        build(&s.path("outside/common"), &s.opts()),
        Err(Error::NoKustomization(_))
    ));
}

#[test]
fn components_and_fifo_order() {
    let s = Scratch::new();
    s.write("comp/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnameSuffix: -c\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [C=3]\n")
        .write("kustomization.yaml", "resources: [d.yaml]\ncomponents: [comp]\nsortOptions: {order: fifo}\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1]\n")
        .write("d.yaml", DEPLOY);
    let docs = build_resources(&s.path(""), &s.opts()).unwrap();
    assert_eq!(docs[0]["kind"], "Deployment");
    assert_eq!(docs[1]["data"], json!({"A": "1", "C": "3"}));
    let cm_name = docs[1]["metadata"]["name"].as_str().unwrap();
    assert!(cm_name.starts_with("cfg-c-"), "{cm_name}");
    assert_eq!(
        docs[0]["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"],
        cm_name
    );
}

#[test]
fn remote_entries_are_refused_by_name_never_read_as_paths() {
    for (field, entry) in [
        ("resources", "https://github.com/org/repo//deploy?ref=v1"),
        ("resources", "git@github.com:org/repo.git//base"),
        ("resources", "ssh://git@example.com/org/repo.git"),
        ("resources", "github.com/org/repo/deploy?ref=main"),
        ("components", "https://example.com/component.tar.gz"),
    ] {
        let s = Scratch::new();
        // A local folder with the same name must not be picked up instead.
        s.write(&format!("{entry}/kustomization.yaml"), "resources: []\n");
        let k = if field == "resources" {
            format!("resources:\n- local.yaml\n- {entry:?}\n")
        } else {
            format!("resources:\n- local.yaml\n{field}:\n- {entry:?}\n")
        };
        s.write("kustomization.yaml", &k);
        s.write(
            "local.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        );
        let e = build(&s.0, &s.opts()).unwrap_err().to_string();
        let index = usize::from(field == "resources");
        assert!(
            e.contains("remote") && e.contains(&format!("{field}[{index}] '{entry}'")),
            "{entry}: {e}"
        );
    }
}

#[test]
fn errors_carry_kind_entry_and_kustomize_wording() {
    let s = Scratch::new();
    s.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    s.write(
        "kustomization.yaml",
        "resources: [cm.yaml]\npatches:\n- patch: '[{\"op\": \"add\", \"path\": \"/data\", \"value\": {}}]'\n  target: {kind: ConfigMap}\n- path: p.yaml\n",
    );
    s.write(
        "p.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-there\n",
    );
    let e = build(&s.0, &s.opts()).unwrap_err();
    assert_eq!(e.kind(), shgw_kustomize::ErrorKind::Invalid);
    assert_eq!(e.entry(), Some("patches[1] 'p.yaml'"));
    let text = e.to_string();
    assert!(
        text.starts_with(
            "no resource matches strategic merge patch \"ConfigMap.v1.[noGrp]/not-there.[noNs]\""
        ) && text.contains("kustomization.yaml at patches[1] 'p.yaml'"),
        "{text}"
    );
    let s = Scratch::new();
    s.write("kustomization.yaml", "resources: [gone.yaml]\n");
    let e = build(&s.0, &s.opts()).unwrap_err();
    assert_eq!(e.kind(), shgw_kustomize::ErrorKind::Missing);
}

/// Every resource of the output says where it was written and what changed it (as data; the
/// printed output is unchanged), with paths relative to the directory built.
#[test]
fn provenance_names_files_objects_generators_and_patches_in_order() {
    use shgw_kustomize::{Change, ChangeKind, Provenance, Source};
    let s = Scratch::new();
    s.write(
        "base/kustomization.yaml",
        "resources:\n- objects.yaml\n- deploy.yaml\n",
    )
    .write(
        "base/objects.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: c}\n",
    )
    .write("base/deploy.yaml", DEPLOY)
    .write(
        "overlay/kustomization.yaml",
        "resources:\n- ../base\npatches:\n- path: p.yaml\n- target: {kind: Deployment}\n  patch: '[{\"op\": \"add\", \"path\": \"/spec/replicas\", \"value\": 2}]'\nconfigMapGenerator:\n- name: cfg\n  literals: [a=b]\nimages:\n- name: nginx\n  newTag: '2.0'\n",
    )
    .write(
        "overlay/p.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  paused: true\n",
    );
    let out = build_output(&s.path("overlay"), &s.opts()).unwrap();
    assert_eq!(out.provenance.len(), out.resources.len());
    let of = |kind: &str, name: &str| -> &Provenance {
        let i = out
            .resources
            .iter()
            .position(|r| {
                r["kind"] == kind && r["metadata"]["name"].as_str().unwrap().starts_with(name)
            })
            .unwrap();
        &out.provenance[i]
    };
    let file = |f: &str, object| {
        Some(Source::File {
            file: f.into(),
            object,
        })
    };
    assert_eq!(of("Service", "a").source, file("../base/objects.yaml", 0));
    assert_eq!(of("Service", "b").source, file("../base/objects.yaml", 1));
    assert_eq!(
        of("ServiceAccount", "c").source,
        file("../base/objects.yaml", 2)
    );
    assert!(of("Service", "a").changes.is_empty());
    let web = of("Deployment", "web");
    assert_eq!(web.source, file("../base/deploy.yaml", 0));
    let change = |entry: &str, file: Option<&str>, kind| Change {
        kustomization: "kustomization.yaml".into(),
        entry: entry.into(),
        file: file.map(Into::into),
        document: 0,
        kind,
    };
    assert_eq!(
        web.changes,
        [
            change("patches[0]", Some("p.yaml"), ChangeKind::StrategicMerge),
            change("patches[1]", None, ChangeKind::Json6902),
            change("images[0]", None, ChangeKind::Transformer),
        ]
    );
    assert_eq!(
        of("ConfigMap", "cfg").source,
        Some(Source::Generator {
            kustomization: "kustomization.yaml".into(),
            entry: "configMapGenerator[0]".into(),
        })
    );
    // Nothing of it is printed.
    assert!(!out.to_yaml().contains("configMapGenerator"));
    assert!(!out.to_yaml().contains("config.kubernetes.io/origin"));
}
