//! `shgw argocd discover|generate`: the two steps of the Argo CD Config Management Plugin
//! (`deploy/argocd/plugin.yaml`), run by `argocd-cmp-server` in the application's directory.
//!
//! The plugin's image is the renewer's (a static shgw on `scratch`, no shell), so both steps
//! read the Argo CD environment themselves:
//!
//! - the profile: the parameter `profile` (`PARAM_PROFILE`), else the app's plugin env
//!   `PROFILE` (`ARGOCD_ENV_PROFILE`), else production;
//! - `ARGOCD_APP_NAMESPACE`: the namespace of Gateways that name none (directory apps);
//! - the review level that refuses the manifests, as `--fail-on` (`error`, `warning`,
//!   `never`): the parameter `fail-on` (`PARAM_FAIL_ON`), else the plugin env `FAIL_ON`
//!   (`ARGOCD_ENV_FAIL_ON`), else `error`;
//! - `KUBE_VERSION`: the destination cluster's version, which Argo CD sets for every plugin
//!   (`1.29`, or `1.29+` from versions that pass the server's minor version as is): the objects
//!   are rendered for it as `shgw render --kube-version` renders them. Empty (Argo CD sends the
//!   variable empty when it does not know) means current Kubernetes.
//!
//! `discover` prints the files that make the directory an shgw app (a Gateway file, or a
//! kustomization whose build meets a Gateway) and nothing otherwise; it exits 0 in both cases
//! (argocd-cmp-server takes a failing find command for an error, not for "no match").
//!
//! `generate` builds the kustomization (`shgw build`, its review included: findings at the
//! fail-on level fail it) or, without one, renders every Gateway file of the directory (as
//! `shgw render`, its review included at the same level) and passes the other objects there
//! through. Any failure, and an empty result, exits 1 with nothing on stdout: an empty render
//! with auto-prune would delete the application's objects.

use crate::args::FailOn;
use crate::{Failure, Output};
use serde_json::Value;
use shgw::{Placed, Profile, RenderOptions, kube_version::KubeVersion};
use shgw_yaml::node::Node;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The file names kustomize accepts for a kustomization, in its order.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The environment variables the profile is read from, first found wins.
const PROFILE_VARS: [&str; 2] = ["PARAM_PROFILE", "ARGOCD_ENV_PROFILE"];

/// The environment variables the review level is read from, first found wins.
const FAIL_ON_VARS: [&str; 2] = ["PARAM_FAIL_ON", "ARGOCD_ENV_FAIL_ON"];

/// The review level the app asks for (`error` when it asks for none).
fn fail_on() -> Result<FailOn, Failure> {
    for var in FAIL_ON_VARS {
        if let Some(value) = env(var) {
            return match value.trim() {
                "error" => Ok(FailOn::Error),
                "warning" => Ok(FailOn::Warning),
                "never" => Ok(FailOn::Never),
                other => Err(Failure::invalid(format!(
                    "${var}: unknown fail-on level {other:?}; use error, warning or never"
                ))),
            };
        }
    }
    Ok(FailOn::Error)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The profile the app asks for, and where that was read.
fn profile() -> Result<Profile, Failure> {
    for var in PROFILE_VARS {
        if let Some(name) = env(var) {
            return crate::commands::load_profile(name.trim()).map_err(|f| Failure {
                code: 1,
                message: format!("${var}: {}", f.message),
                report: String::new(),
            });
        }
    }
    crate::commands::load_profile(shgw::profile::DEFAULT)
}

/// The destination cluster's version (`KUBE_VERSION`), when Argo CD knows it.
fn kube_version() -> Result<Option<KubeVersion>, Failure> {
    env("KUBE_VERSION")
        .map(|v| KubeVersion::supported(&v, "$KUBE_VERSION"))
        .transpose()
        .map_err(Failure::from)
}

fn kustomization(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// The manifest files at the top of `dir` (not hidden), in name order.
fn manifest_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::invalid(format!("{}: cannot read: {e}", dir.display())))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| Failure::invalid(format!("{}: cannot read: {e}", dir.display())))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let manifest = [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e));
        if manifest && !name.starts_with('.') && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn is_shgw(doc: &Placed) -> bool {
    is_shgw_api(doc.node["apiVersion"].as_str())
}

/// Whether an `apiVersion` is shgw's.
fn is_shgw_api(api_version: Option<&str>) -> bool {
    api_version.is_some_and(|a| a.starts_with("shgw.dev/"))
}

/// A profile file (`kind: Profile`) kept next to the Gateways for `PARAM_PROFILE`: it configures
/// the render and is no object to apply.
fn is_profile(doc: &Placed) -> bool {
    is_shgw(doc) && doc.node["kind"].as_str() == Some("Profile")
}

/// The display name of a file of the app: relative to the app's directory.
fn shown(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::invalid(format!("{}: cannot read: {e}", shown(path))))
}

/// `shgw argocd discover`: the matching files on stdout, nothing when the app is not shgw's.
pub(crate) fn discover() -> Result<Output, Failure> {
    let dir = Path::new(".");
    let mut found = Vec::new();
    let mut notes = Vec::new();
    if let Some(k) = kustomization(dir) {
        let seen = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&seen);
        let opts = shgw_kustomize::BuildOptions {
            expander: Some(Box::new(move |doc: &Node, _: &Path| {
                if is_shgw_api(doc["apiVersion"].as_str()) {
                    flag.store(true, Ordering::Relaxed);
                }
                None
            })),
            ..shgw_kustomize::BuildOptions::default()
        };
        if let Err(e) = shgw_kustomize::build_output(dir, &opts) {
            notes.push(format!("note: {}: {e}", shown(&k)));
        }
        if seen.load(Ordering::Relaxed) {
            found.push(shown(&k));
        }
    } else {
        for file in manifest_files(dir)? {
            let text = read(&file)?;
            // A file that does not even parse but names shgw's API is still claimed, so that
            // `generate` reports what is wrong with it instead of another tool taking the app.
            let claimed = match shgw::file::parse_documents(&shown(&file), &text) {
                Ok(docs) => docs.iter().any(|d| is_shgw(d) && !is_profile(d)),
                Err(_) => text.contains("shgw.dev/"),
            };
            if claimed {
                found.push(shown(&file));
            }
        }
    }
    let stdout = found.iter().map(|f| format!("{f}\n")).collect();
    Ok(Output {
        stdout,
        stderr: notes,
    })
}

/// `shgw argocd generate`: the app's manifests on stdout, or exit 1 with nothing there.
pub(crate) fn generate() -> Result<Output, Failure> {
    let dir = Path::new(".");
    let profile = profile()?;
    let fail_on = fail_on()?;
    let version = kube_version()?;
    let (yaml, notes) = match kustomization(dir) {
        Some(_) => crate::build::run(dir, &profile, version, fail_on)?,
        None => render_directory(dir, &profile, version, fail_on)?,
    };
    if yaml.trim().is_empty() {
        return Err(Failure::invalid(
            "the application renders no objects; refusing to print an empty manifest (with auto-prune Argo CD would delete the application's objects)",
        ));
    }
    Ok(Output {
        stdout: yaml,
        stderr: notes,
    })
}

/// A directory app: each Gateway file rendered as `shgw render` renders it, other objects kept
/// (profile files left out).
fn render_directory(
    dir: &Path,
    profile: &Profile,
    version: Option<KubeVersion>,
    fail_on: FailOn,
) -> Result<(String, Vec<String>), Failure> {
    let files = manifest_files(dir)?;
    if files.is_empty() {
        return Err(Failure::invalid(format!(
            "{}: no kustomization and no YAML or JSON file in the application's directory",
            std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|_| ".".into())
        )));
    }
    let namespace = env("ARGOCD_APP_NAMESPACE");
    let opts = RenderOptions {
        now: Some(jiff::Timestamp::now()),
        ..RenderOptions::default()
    };
    let mut objects: Vec<Value> = Vec::new();
    let mut notes = Vec::new();
    for file in files {
        let source = shown(&file);
        let mut docs = shgw::file::parse_documents(&source, &read(&file)?)?;
        docs.retain(|d| !is_profile(d));
        let (mut gateways, others): (Vec<Placed>, Vec<Placed>) =
            docs.into_iter().partition(is_shgw);
        if !gateways.is_empty() {
            if let Some(ns) = &namespace {
                for g in &mut gateways {
                    if let Some(meta) = g.node.get_mut("metadata").and_then(Node::as_map_mut) {
                        meta.entry("namespace".to_owned())
                            .or_insert_with(|| Node::string(ns.clone()));
                    }
                }
            }
            let placed = gateways;
            let gateways = shgw::file::gateways_from_placed(&source, &placed)?;
            let manifests = shgw::render_with(&source, &gateways, profile, &opts)
                .map_err(|e| e.placed_in(&placed))?;
            let manifests = crate::commands::for_version(&source, manifests, version)?;
            crate::self_review::check_render_at(&source, &manifests, fail_on)?;
            notes.extend(
                manifests
                    .warnings
                    .iter()
                    .filter(|w| w.severity != shgw::Severity::Info)
                    .map(|w| format!("{source}: {w}")),
            );
            notes.extend(manifests.next_steps.iter().map(|s| format!("note: {s}")));
            objects.extend(manifests.to_values());
        }
        objects.extend(others.iter().map(|d| d.node.to_value()));
    }
    Ok((shgw_yaml::to_multi_doc(&objects), notes))
}
