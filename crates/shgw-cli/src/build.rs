//! `shgw build DIR`: a kustomize build in which every `kind: Gateway` resource is rendered into
//! the manifests shgw makes for it, and what was built is reviewed.
//!
//! # Where a Gateway is expanded
//!
//! A Gateway takes part in the build twice over, so that each kind of change lands where a
//! user means it:
//!
//! - **Its rendered objects** take the Gateway's place in the layer that lists it, and then go
//!   through every transformer of that layer and of every layer above, like objects written in
//!   that file: names are prefixed, namespaces set, `images:`, `replicas:`, labels and patches
//!   that target the Deployment, the Services or the ConfigMap apply to them.
//! - **The Gateway itself** stays in the build next to them (it is never printed): every patch
//!   of every layer that targets it (`kind: Gateway`, by name, label or regular expression,
//!   strategic merge or JSON 6902) applies to it in kustomize's order, and so do replacements
//!   and transformer configs. When they changed its `spec`, the tree is built a second time
//!   with the Gateway rendered from that final `spec` (its metadata, name included, stays as
//!   written in its file: the transformers name and place the rendered objects, and the API
//!   Management gateway keeps its name). A patch never silently does nothing: one that changes
//!   anything of the Gateway but its `spec` is refused, naming the patch; so is a target that
//!   names kind `Gateway` and selects none (a misspelt name), and a patched Gateway that no
//!   longer renders (its problems and the patches that reached it are named). A patch that
//!   deletes the Gateway (`$patch: delete`) deletes everything it renders.
//!
//! After the build, the references the renderer writes into places kustomize's name references
//! do not follow are set to the final names of the objects they name: `neighborhood.host` in
//! the settings ConfigMap (the discovery Service), the token renewer's `--secret` and
//! `--deployment`, the renewer Role's and admission policy's `resourceNames`, the admission
//! policy's ServiceAccount and its binding's `policyName`. A value a layer changed itself is
//! left as that layer wrote it. Alerting rules name their objects in PromQL text: when the build
//! moved or renamed what a Gateway's rule watches (the Deployment, the renewer CronJob, the
//! PodMonitor), the rule's groups are made again from the final names by the renderer's own
//! code ([`shgw::alerts::rules`]), again leaving what a layer wrote as written. A rule that cannot
//! follow is refused, saying why: its objects ended in different namespaces, an expression a
//! layer wrote still selects a changed name, or it was not rendered from a Gateway of this
//! build (rendered objects listed as plain files) and was moved.
//!
//! The gateway's pod template carries `shgw.dev/config-hash`, a digest of its settings. When
//! the build leaves what the pods read (the ConfigMaps and Secrets of their `env`, `envFrom` and
//! volumes: the settings ConfigMap, the token Secret) different from what was rendered, the
//! annotation is recomputed from the final data, so that applying the build rolls the pods.
//!
//! Then every gateway workload of the result, rendered or written as plain objects, is
//! reviewed under the profile ([`review`]); findings at `--fail-on` refuse the build (exit 1,
//! nothing on stdout). `--fail-on never` skips only that review: a Gateway is still rendered
//! under the profile, whose own checks refuse what `render` refuses (a dev overlay builds with
//! `--profile dev`).

use crate::Failure;
use crate::args::FailOn;
use serde_json::Value;
use shgw::{Profile, kube_version::KubeVersion};
use shgw_kustomize::{BuildOptions, ExpandError, Expander, Expansion, Kept, Output};
use shgw_yaml::node::Node;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

fn is_gateway(doc: &Value) -> bool {
    doc.get("kind").and_then(Value::as_str) == Some(shgw::spec::KIND)
        && doc.get("apiVersion").and_then(Value::as_str) == Some(shgw::spec::API_VERSION)
}

/// The API group of shgw's own documents (`shgw.dev/<version>`).
const GROUP_PREFIX: &str = "shgw.dev/";

/// The pod-template annotation that rolls the pods when what they read changes.
const CONFIG_HASH: &str = "shgw.dev/config-hash";

fn str_field<'a>(doc: &'a Value, key: &str) -> &'a str {
    doc.get(key).and_then(Value::as_str).unwrap_or("")
}

fn str_at<'a>(doc: &'a Value, pointer: &str) -> &'a str {
    doc.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Why a document that is not a Gateway shgw can expand must not pass through silently: a
/// `shgw.dev` document of another version or kind, or a `List` holding `shgw.dev` items
/// (which kustomize would flatten without expanding).
fn refusal(doc: &Value) -> Option<String> {
    let (api, kind) = (str_field(doc, "apiVersion"), str_field(doc, "kind"));
    if api.starts_with(GROUP_PREFIX) {
        return Some(format!(
            "unknown shgw.dev document: kind '{kind}' in apiVersion '{api}' (shgw knows kind '{}' in apiVersion '{}')",
            shgw::spec::KIND,
            shgw::spec::API_VERSION
        ));
    }
    let items = doc.get("items").and_then(Value::as_array)?;
    if kind.ends_with("List")
        && let Some(i) = items
            .iter()
            .position(|item| str_field(item, "apiVersion").starts_with(GROUP_PREFIX))
    {
        return Some(format!(
            "{kind} item {i} is a shgw.dev document: Gateways inside a List are not expanded; write each Gateway as a document of its own"
        ));
    }
    None
}

/// What the expander of one pass records, expansion by expansion (in load order).
#[derive(Default)]
struct Pass {
    /// In the second pass: the final `spec` of each Gateway, from the first (none for one a
    /// patch deleted).
    specs: Option<Vec<Option<Value>>>,
    /// How many Gateways were expanded so far.
    count: usize,
    /// The `spec` of each Gateway as its file writes it.
    loaded: Vec<Value>,
    /// The objects rendered for each expansion.
    rendered: Vec<Vec<Value>>,
    /// What each expansion was rendered from (none for one that did not render).
    resolved: Vec<Option<shgw::Resolved>>,
    /// Gateways that did not render, with why (the first pass goes on without their objects).
    failed: Vec<String>,
}

/// The Gateway to render for expansion `n`: as loaded, with the final `spec` of the first pass
/// in the second.
fn to_render(doc: &Value, pass: &Pass, n: usize) -> Value {
    let mut doc = doc.clone();
    let spec = pass
        .specs
        .as_ref()
        .and_then(|s| s.get(n))
        .and_then(Option::as_ref);
    if let (Some(spec), Value::Object(m)) = (spec, &mut doc) {
        m.insert("spec".into(), spec.clone());
    }
    doc
}

/// The expander handed to the kustomize engine: a Gateway becomes the manifests shgw renders
/// for it (with the render's warnings) and is kept in the build; any other `shgw.dev` document
/// is refused. A Gateway that does not render fails the second pass; in the first (where a
/// later patch may still mend it), and for a Gateway a patch deletes, it is recorded instead.
fn expander(profile: Profile, version: Option<KubeVersion>, state: Arc<Mutex<Pass>>) -> Expander {
    Box::new(move |node: &Node, file: &Path| {
        let doc = &node.to_value();
        if !is_gateway(doc) {
            return refusal(doc).map(|why| Err(why.into()));
        }
        let mut pass = state.lock().unwrap_or_else(PoisonError::into_inner);
        let n = pass.count;
        pass.count += 1;
        pass.loaded
            .push(doc.get("spec").cloned().unwrap_or(Value::Null));
        let source = file.display().to_string();
        // The first pass reads the Gateway from its nodes, so settings keep the text they were
        // written with; the second reads the final spec patches left.
        let gateway = if pass.specs.is_some() {
            shgw::file::gateway_from_value(&to_render(doc, &pass, n))
        } else {
            shgw::file::gateway_from_placed(&shgw::Placed {
                node: node.clone(),
                places: shgw_yaml::Places::default(),
            })
        };
        let rendered = gateway
            .map_err(|problems| shgw::Error::invalid(&source, problems))
            .and_then(|g| {
                let in_source = |e: shgw::Error| e.in_input(&source);
                // Kept: what the alerting rule is made again from once the final names are known.
                let resolved = shgw::resolve(&g, &profile).map_err(in_source)?;
                let m = shgw::render(&resolved).map_err(in_source)?;
                let m = crate::commands::for_version(&source, m, version)?;
                Ok((m, Some(resolved)))
            });
        match rendered {
            Ok((m, resolved)) => {
                let docs = m.to_values();
                pass.rendered.push(docs.clone());
                pass.resolved.push(resolved);
                Some(Ok(Expansion {
                    warnings: m.warnings.iter().map(ToString::to_string).collect(),
                    docs,
                    keep: true,
                }))
            }
            Err(e)
                if pass
                    .specs
                    .as_ref()
                    .is_some_and(|s| s.get(n).is_some_and(Option::is_some)) =>
            {
                let e: ExpandError = Box::new(e);
                Some(Err(e))
            }
            Err(e) => {
                pass.rendered.push(Vec::new());
                pass.resolved.push(None);
                pass.failed.push(e.to_string());
                Some(Ok(Expansion {
                    keep: true,
                    ..Expansion::default()
                }))
            }
        }
    })
}

/// One pass of the build.
fn run_pass(
    dir: &Path,
    profile: &Profile,
    version: Option<KubeVersion>,
    specs: Option<Vec<Option<Value>>>,
) -> (Result<Output, shgw_kustomize::Error>, Pass) {
    let state = Arc::new(Mutex::new(Pass {
        specs,
        ..Pass::default()
    }));
    let opts = BuildOptions {
        expander: Some(expander(profile.clone(), version, Arc::clone(&state))),
        ..BuildOptions::default()
    };
    let out = shgw_kustomize::build_output(dir, &opts);
    drop(opts);
    let pass = Arc::try_unwrap(state)
        .map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner))
        .unwrap_or_default();
    (out, pass)
}

/// What a build made: the objects in output order and the notes for stderr.
pub(crate) struct Built {
    /// The objects, as `kubectl kustomize` prints them.
    pub resources: Vec<Value>,
    /// Warnings and notes.
    pub notes: Vec<String>,
    /// Where each object came from, index for index with `resources` (the engine's record).
    pub provenance: Vec<shgw_kustomize::Provenance>,
}

impl Built {
    /// The objects as YAML, laid out as `kubectl kustomize` prints them.
    pub(crate) fn to_yaml(&self) -> String {
        shgw_kustomize::to_yaml(&self.resources)
    }
}

/// The names of the top-level keys two documents differ in, but `spec`.
fn changed_outside_spec(before: &Value, after: &Value) -> Vec<String> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return vec!["the document".into()];
    };
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).filter(|k| *k != "spec").collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .cloned()
        .collect()
}

/// Refuses patches that changed a Gateway anywhere but in its `spec`: only the `spec` is
/// rendered, so such a change would silently do nothing.
fn check_patches(kept: &[Kept]) -> Result<(), Failure> {
    let mut problems = Vec::new();
    for k in kept {
        for p in &k.patches {
            let keys = changed_outside_spec(&p.before, &p.after);
            if !keys.is_empty() {
                problems.push(format!(
                    "{}: changes {} of Gateway {} ({}): a Gateway is rendered from its spec; patch spec (spec.pod.labels, spec.pod.annotations, ...), or patch the rendered objects, or use labels/commonAnnotations",
                    p.entry,
                    keys.join(", "),
                    str_at(&p.before, "/metadata/name"),
                    k.file.display()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::invalid(problems.join("\n")))
    }
}

/// The patches that changed a Gateway's `spec`, for messages.
fn patched_by(k: &Kept) -> String {
    let entries: Vec<&str> = k.patches.iter().map(|p| p.entry.as_str()).collect();
    entries.join("; ")
}

/// Builds `dir` (its Gateways rendered for Kubernetes `version` when one is given): the objects
/// and the warnings. Nothing is reviewed here ([`review`] is).
pub(crate) fn build(
    dir: &Path,
    profile: &Profile,
    version: Option<KubeVersion>,
) -> Result<Built, Failure> {
    let (first, pass) = run_pass(dir, profile, version, None);
    let out = match first {
        Ok(out) => out,
        // A Gateway that does not render is the likelier cause (its objects were missing).
        Err(_) if !pass.failed.is_empty() => {
            return Err(Failure::invalid(pass.failed.join("\n")));
        }
        Err(e) => return Err(Failure::invalid(crate::chain(&e))),
    };
    check_patches(&out.kept)?;
    // Patches, replacements or transformer configs that changed a Gateway's spec: render again.
    let respec = !pass.failed.is_empty()
        || out.kept.iter().any(|k| {
            k.value.get("spec").unwrap_or(&Value::Null)
                != pass.loaded.get(k.expansion).unwrap_or(&Value::Null)
        });
    let (out, pass) = if respec {
        second_pass(dir, profile, version, &out, pass.count)?
    } else {
        (out, pass)
    };
    finish(dir, out, &pass)
}

/// Builds the tree again with every Gateway rendered from the `spec` the first pass left it
/// with; the Gateways must end the same way (nothing they render may feed back into them).
fn second_pass(
    dir: &Path,
    profile: &Profile,
    version: Option<KubeVersion>,
    first: &Output,
    count: usize,
) -> Result<(Output, Pass), Failure> {
    let mut specs = vec![None; count];
    for k in &first.kept {
        if let Some(slot) = specs.get_mut(k.expansion) {
            *slot = Some(k.value.get("spec").cloned().unwrap_or(Value::Null));
        }
    }
    let (second, pass) = run_pass(dir, profile, version, Some(specs));
    let out = second.map_err(|e| {
        let mut message = e.to_string();
        for k in first.kept.iter().filter(|k| !k.patches.is_empty()) {
            message.push_str(&format!(
                "\n  Gateway {} ({}) was rendered as patched by: {}",
                str_at(&k.value, "/metadata/name"),
                k.file.display(),
                patched_by(k)
            ));
        }
        Failure::invalid(message)
    })?;
    if out.kept != first.kept {
        return Err(Failure::invalid(format!(
            "{}: the Gateways' final state depends on the objects they render (a replacement or patch reads them); set the Gateway's fields directly",
            dir.display()
        )));
    }
    Ok((out, pass))
}

/// The last steps: objects of deleted Gateways dropped, references rewired, the config hash
/// brought up to date, alert scopes checked.
fn finish(dir: &Path, out: Output, pass: &Pass) -> Result<Built, Failure> {
    let notes = out.warnings.iter().map(ToString::to_string).collect();
    let Output {
        mut resources,
        kept,
        products,
        mut provenance,
        ..
    } = out;
    let mut by_expansion: BTreeMap<usize, Vec<(usize, &shgw_kustomize::ResId)>> = BTreeMap::new();
    for p in &products {
        by_expansion
            .entry(p.expansion)
            .or_default()
            .push((p.index, &p.original));
    }
    // Rewiring and rerolling change data and annotations, never names: the index holds.
    let by_id = if by_expansion.is_empty() {
        Index::new()
    } else {
        index(&resources)
    };
    let mut unfollowed = Vec::new();
    for (n, mine) in &by_expansion {
        let rendered = pass.rendered.get(*n).map(Vec::as_slice).unwrap_or_default();
        rewire(&mut resources, mine);
        reroll(&mut resources, &by_id, mine, rendered);
        let resolved = pass.resolved.get(*n).and_then(Option::as_ref);
        if alive(&kept, *n)
            && let Err(why) = realert(&mut resources, mine, rendered, resolved)
        {
            unfollowed.push(why);
        }
    }
    if !unfollowed.is_empty() {
        return Err(Failure::invalid(format!(
            "{}: {}",
            dir.display(),
            unfollowed.join(&format!("\n{}: ", dir.display()))
        )));
    }
    // A Gateway deleted by a patch takes what it renders along.
    let alive: BTreeSet<usize> = kept.iter().map(|k| k.expansion).collect();
    let gone: BTreeSet<usize> = products
        .iter()
        .filter(|p| !alive.contains(&p.expansion))
        .map(|p| p.index)
        .collect();
    if !gone.is_empty() {
        let mut i = 0;
        resources.retain(|_| {
            i += 1;
            !gone.contains(&(i - 1))
        });
        let mut i = 0;
        provenance.retain(|_| {
            i += 1;
            !gone.contains(&(i - 1))
        });
    }
    // A rule no Gateway of this build rendered names its objects in PromQL text that no
    // transformer rewrites.
    let moved = shgw::alerts::scope_problems(&resources);
    if !moved.is_empty() {
        let source = dir.display().to_string();
        return Err(Failure::invalid(
            shgw::Error::invalid(&source, moved).to_string(),
        ));
    }
    Ok(Built {
        resources,
        notes,
        provenance,
    })
}

/// Whether expansion `n`'s Gateway is still in the build (a patch did not delete it).
fn alive(kept: &[Kept], n: usize) -> bool {
    kept.iter().any(|k| k.expansion == n)
}

/// Makes the alerting rule of an expansion again ([`shgw::alerts::rules`], the one source of its
/// expressions) from the final namespace and names of the objects it watches, when the build
/// moved or renamed them. A value a layer changed itself is left as that layer wrote it; the
/// refusals say why a rule cannot follow: its objects ended in different namespaces (a rule
/// selects one), or an expression a layer wrote still selects a name the build changed.
fn realert(
    resources: &mut [Value],
    mine: &[(usize, &shgw_kustomize::ResId)],
    rendered: &[Value],
    resolved: Option<&shgw::Resolved>,
) -> Result<(), String> {
    let Some(r) = resolved else {
        return Ok(());
    };
    let Some(was) = shgw::alerts::AlertTargets::rendered(r) else {
        return Ok(());
    };
    let Some(rule_at) = mine
        .iter()
        .find(|(_, id)| id.kind == "PrometheusRule")
        .map(|(i, _)| *i)
    else {
        return Ok(());
    };
    let Some(before) = rendered
        .iter()
        .find(|o| str_at(o, "/kind") == "PrometheusRule")
    else {
        return Ok(());
    };
    let built: &[Value] = resources;
    let final_of = |kind: &str, name: &str| {
        mine.iter()
            .find(|(_, id)| id.kind == kind && id.name == name)
            .map(|(i, _)| {
                (
                    str_at(&built[*i], "/metadata/namespace").to_owned(),
                    str_at(&built[*i], "/metadata/name").to_owned(),
                )
            })
    };
    // A deleted Deployment leaves nothing to follow: the scope check refuses the rule.
    let Some((namespace, deployment)) = final_of("Deployment", &was.deployment) else {
        return Ok(());
    };
    let rule = str_at(&built[rule_at], "/metadata/name").to_owned();
    let mut now = was.clone();
    let mut apart = Vec::new();
    let mut follow_in = |kind: &str, slot: &mut Option<String>| {
        if let Some(name) = slot.as_mut()
            && let Some((ns, new)) = final_of(kind, name)
        {
            if ns != namespace {
                apart.push(format!("{kind} {ns}/{new}"));
            }
            *name = new;
        }
    };
    follow_in("CronJob", &mut now.cron_job);
    follow_in("PodMonitor", &mut now.pod_monitor);
    if !apart.is_empty() {
        return Err(format!(
            "PrometheusRule {rule}: its alerts select one namespace for every object they watch, but this build put Deployment {namespace}/{deployment} and {} in different namespaces, so they cannot follow; keep the gateway's objects in one namespace, or turn spec.telemetry.alerts off",
            apart.join(" and ")
        ));
    }
    now.namespace = namespace;
    now.deployment = deployment;
    now.rule = rule.clone();
    if now == was {
        return Ok(());
    }
    let spec = shgw::alerts::rules(r, &now)
        .map(serde_json::to_value)
        .and_then(Result::ok)
        .ok_or_else(|| format!("PrometheusRule {rule}: its rule groups could not be made again"))?;
    let obj = &mut resources[rule_at];
    let mut kept = Vec::new();
    if let (Some(slot), Some(old)) = (obj.pointer_mut("/spec"), before.get("spec")) {
        carry(slot, old, &spec, "spec", &mut kept);
    }
    let key = shgw::defaults::ALERT_SCOPE_ANNOTATION;
    let scope_of = |o: &Value| {
        o.pointer("/metadata/annotations")
            .and_then(|a| a.get(key))
            .cloned()
    };
    let old_scope = scope_of(before);
    if let Some(slot) = obj
        .pointer_mut("/metadata/annotations")
        .and_then(|a| a.get_mut(key))
        && old_scope.as_ref() == Some(&*slot)
    {
        *slot = Value::String(now.scope());
    }
    // Quoted as the expressions quote them: `"name"`, `"job-[0-9]+"`, `"namespace/podmonitor"`.
    let mut old_names = Vec::new();
    let pairs = [
        (Some(&was.namespace), Some(&now.namespace), ""),
        (Some(&was.deployment), Some(&now.deployment), ""),
        (was.cron_job.as_ref(), now.cron_job.as_ref(), ""),
        (was.cron_job.as_ref(), now.cron_job.as_ref(), "-[0-9]+"),
    ];
    for (old, new, tail) in pairs {
        if let (Some(old), Some(new)) = (old, new)
            && old != new
        {
            old_names.push(format!("\"{old}{tail}\""));
        }
    }
    if let (Some(old), Some(new)) = (&was.pod_monitor, &now.pod_monitor)
        && (old != new || was.namespace != now.namespace)
    {
        old_names.push(format!("\"{}/{old}\"", was.namespace));
    }
    let stale: Vec<String> = kept
        .iter()
        .filter_map(|(at, text)| {
            let hit = old_names.iter().find(|n| text.contains(n.as_str()))?;
            Some(format!("{at} selects {hit}"))
        })
        .collect();
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "PrometheusRule {rule}: a layer of this build wrote {}, a name the build changed (its objects are now Deployment {}/{}); shgw makes its alerts again from the final names but leaves what a layer wrote as written, so this alert would never fire; write it with the final names, or change spec.telemetry.alerts in the Gateway instead",
            stale.join(", "),
            now.namespace,
            now.deployment
        ))
    }
}

/// Sets each value of `built` that is still what the render wrote (`was`) to `now`, the same
/// value made from the final names. Rules are matched by their `alert` name, other array
/// items by position; a string a layer changed is left as written and listed in `kept`
/// (with its path) when the final names would have changed it.
fn carry(built: &mut Value, was: &Value, now: &Value, at: &str, kept: &mut Vec<(String, String)>) {
    if built == was {
        *built = now.clone();
        return;
    }
    if was == now {
        return;
    }
    match (built, was, now) {
        (Value::Object(b), Value::Object(w), Value::Object(n)) => {
            for (k, bv) in b.iter_mut() {
                if let (Some(wv), Some(nv)) = (w.get(k), n.get(k)) {
                    carry(bv, wv, nv, &format!("{at}.{k}"), kept);
                }
            }
        }
        (Value::Array(b), Value::Array(w), Value::Array(n)) => {
            let same_len = b.len() == w.len();
            for (i, bv) in b.iter_mut().enumerate() {
                let j = match bv.get("alert") {
                    Some(a) => w.iter().position(|x| x.get("alert") == Some(a)),
                    None => same_len.then_some(i),
                };
                if let Some(j) = j
                    && let (Some(wv), Some(nv)) = (w.get(j), n.get(j))
                {
                    carry(bv, wv, nv, &format!("{at}[{i}]"), kept);
                }
            }
        }
        (Value::String(b), _, _) => kept.push((at.to_owned(), b.clone())),
        _ => {}
    }
}

/// Sets `slot` to the final name of the `kind` object it names when it still names it by its
/// rendered name (a value a layer changed stays as that layer wrote it).
fn follow(slot: &mut Value, kind: &str, names: &dyn Fn(&str, &str) -> Option<String>) {
    if let Some(s) = slot.as_str()
        && let Some(new) = names(kind, s)
        && new != s
    {
        *slot = Value::String(new);
    }
}

/// The kind a `resources` entry of an RBAC or admission rule names objects of.
fn rule_kind(rule: &Value) -> Option<&'static str> {
    let resources = rule.get("resources")?.as_array()?;
    resources.iter().find_map(|r| match r.as_str() {
        Some("deployments") => Some("Deployment"),
        Some("secrets") => Some("Secret"),
        _ => None,
    })
}

/// Points the references the renderer writes outside kustomize's name references at the final
/// names of the objects of the same expansion.
fn rewire(resources: &mut [Value], mine: &[(usize, &shgw_kustomize::ResId)]) {
    let finals: Vec<(String, String, String)> = mine
        .iter()
        .map(|(i, id)| {
            (
                id.kind.clone(),
                id.name.clone(),
                str_at(&resources[*i], "/metadata/name").to_owned(),
            )
        })
        .collect();
    if finals.iter().all(|(_, old, new)| old == new) {
        return;
    }
    let names = |kind: &str, original: &str| {
        finals
            .iter()
            .find(|(k, o, _)| k == kind && o == original)
            .map(|(_, _, n)| n.clone())
    };
    for (index, id) in mine {
        let obj = &mut resources[*index];
        match id.kind.as_str() {
            "ConfigMap" => {
                if let Some(slot) = obj.pointer_mut("/data/neighborhood.host") {
                    follow(slot, "Service", &names);
                }
            }
            "CronJob" => {
                let pointer = "/spec/jobTemplate/spec/template/spec/containers";
                for c in array_mut(obj, pointer) {
                    let Some(args) = c.get_mut("args").and_then(Value::as_array_mut) else {
                        continue;
                    };
                    // The value of `--secret NAME` and `--deployment NAME`, wherever they stand.
                    for i in 1..args.len() {
                        let kind = match args[i - 1].as_str() {
                            Some("--secret") => "Secret",
                            Some("--deployment") => "Deployment",
                            _ => continue,
                        };
                        follow(&mut args[i], kind, &names);
                    }
                }
            }
            "Role" => {
                for rule in array_mut(obj, "/rules") {
                    let Some(kind) = rule_kind(rule) else {
                        continue;
                    };
                    for slot in array_mut(rule, "/resourceNames") {
                        follow(slot, kind, &names);
                    }
                }
            }
            "ValidatingAdmissionPolicy" => {
                for rule in array_mut(obj, "/spec/matchConstraints/resourceRules") {
                    let Some(kind) = rule_kind(rule) else {
                        continue;
                    };
                    for slot in array_mut(rule, "/resourceNames") {
                        follow(slot, kind, &names);
                    }
                }
                for cond in array_mut(obj, "/spec/matchConditions") {
                    if let Some(Value::String(expr)) = cond.get_mut("expression") {
                        for (kind, old, new) in &finals {
                            let quoted = format!(":{old}'");
                            if kind == "ServiceAccount" && old != new && expr.ends_with(&quoted) {
                                let keep = expr.len() - quoted.len();
                                expr.truncate(keep);
                                expr.push_str(&format!(":{new}'"));
                            }
                        }
                    }
                }
            }
            "ValidatingAdmissionPolicyBinding" => {
                if let Some(slot) = obj.pointer_mut("/spec/policyName") {
                    follow(slot, "ValidatingAdmissionPolicy", &names);
                }
            }
            _ => {}
        }
    }
}

/// The items of the array at `pointer`, none when there is none.
fn array_mut<'a>(v: &'a mut Value, pointer: &str) -> impl Iterator<Item = &'a mut Value> {
    v.pointer_mut(pointer)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// Where a pod template reads ConfigMaps and Secrets: `(place, kind, name)` in template order.
fn reads(template_spec: &Value) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    let mut push = |place: String, kind: &'static str, name: &str| {
        if !name.is_empty() {
            out.push((place, kind, name.to_owned()));
        }
    };
    for list in ["initContainers", "containers"] {
        let containers = template_spec.get(list).and_then(Value::as_array);
        for (ci, c) in containers.into_iter().flatten().enumerate() {
            let env_from = c.get("envFrom").and_then(Value::as_array);
            for (ei, e) in env_from.into_iter().flatten().enumerate() {
                let at = format!("{list}[{ci}].envFrom[{ei}]");
                push(at.clone(), "ConfigMap", str_at(e, "/configMapRef/name"));
                push(at, "Secret", str_at(e, "/secretRef/name"));
            }
            let env = c.get("env").and_then(Value::as_array);
            for (ei, e) in env.into_iter().flatten().enumerate() {
                let at = format!("{list}[{ci}].env[{ei}]");
                push(
                    at.clone(),
                    "ConfigMap",
                    str_at(e, "/valueFrom/configMapKeyRef/name"),
                );
                push(at, "Secret", str_at(e, "/valueFrom/secretKeyRef/name"));
            }
        }
    }
    let volumes = template_spec.get("volumes").and_then(Value::as_array);
    for (vi, v) in volumes.into_iter().flatten().enumerate() {
        let at = format!("volumes[{vi}]");
        push(at.clone(), "ConfigMap", str_at(v, "/configMap/name"));
        push(at.clone(), "Secret", str_at(v, "/secret/secretName"));
        let sources = v.pointer("/projected/sources").and_then(Value::as_array);
        for (si, s) in sources.into_iter().flatten().enumerate() {
            let at = format!("{at}.projected.sources[{si}]");
            push(at.clone(), "ConfigMap", str_at(s, "/configMap/name"));
            push(at, "Secret", str_at(s, "/secret/name"));
        }
    }
    out
}

/// A digest of what a pod template of `workload` reads among `objects`: for each place it
/// reads, the content hash of the object there (`absent` when it is not among them). Names are
/// left out: a renamed object already changes the template.
fn read_digest<'a>(
    workload: &Value,
    lookup: &dyn Fn(&str, &str, &str) -> Option<&'a Value>,
) -> serde_json::Map<String, Value> {
    let namespace = str_at(workload, "/metadata/namespace");
    let spec = workload
        .pointer("/spec/template/spec")
        .cloned()
        .unwrap_or(Value::Null);
    let mut out = serde_json::Map::new();
    for (place, kind, name) in reads(&spec) {
        let hash = lookup(kind, namespace, &name)
            .map_or_else(|| "absent".to_owned(), shgw_kustomize::content_hash);
        out.insert(place, Value::String(hash));
    }
    out
}

/// The objects of a build by kind, namespace and name.
type Index = HashMap<(String, String, String), usize>;

fn index(resources: &[Value]) -> Index {
    resources
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let key = |p: &str| str_at(o, p).to_owned();
            (
                (
                    key("/kind"),
                    key("/metadata/namespace"),
                    key("/metadata/name"),
                ),
                i,
            )
        })
        .collect()
}

/// Recomputes the config hash of the expansion's workloads whose pods read different data than
/// the render gave them.
fn reroll(
    resources: &mut [Value],
    by_id: &Index,
    mine: &[(usize, &shgw_kustomize::ResId)],
    rendered: &[Value],
) {
    for (index, id) in mine {
        if !matches!(id.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet") {
            continue;
        }
        let Some(before) = rendered
            .iter()
            .find(|r| str_at(r, "/kind") == id.kind && str_at(r, "/metadata/name") == id.name)
        else {
            continue;
        };
        let in_render = |kind: &str, namespace: &str, name: &str| {
            rendered.iter().find(|o| {
                str_at(o, "/kind") == kind
                    && str_at(o, "/metadata/name") == name
                    && str_at(o, "/metadata/namespace") == namespace
            })
        };
        let was = read_digest(before, &in_render);
        let built: &[Value] = resources;
        let in_build = |kind: &str, namespace: &str, name: &str| {
            let key = (kind.to_owned(), namespace.to_owned(), name.to_owned());
            by_id.get(&key).and_then(|i| built.get(*i))
        };
        let now = read_digest(&built[*index], &in_build);
        if was == now {
            continue;
        }
        // A layer may have removed the annotations; the pods must roll all the same.
        let annotations = resources[*index]
            .pointer_mut("/spec/template/metadata")
            .and_then(Value::as_object_mut)
            .map(|m| {
                m.entry("annotations")
                    .or_insert_with(|| Value::Object(serde_json::Map::new()))
            })
            .and_then(Value::as_object_mut);
        if let Some(a) = annotations {
            // The render's hash (of the Gateway's settings) and what the pods now read.
            let mut data = now;
            let old = a.get(CONFIG_HASH).cloned().unwrap_or_default();
            data.insert(CONFIG_HASH.into(), old);
            let digest = serde_json::json!({"kind": "ConfigMap", "data": data});
            let new = shgw_kustomize::content_hash(&digest);
            a.insert(CONFIG_HASH.into(), Value::String(new));
        }
    }
}

/// Reviews what a build made under `profile` (the one place `build` calls the review rules):
/// the findings, or a failure when some reach `fail_on` (nothing is printed then).
pub(crate) fn review(
    dir: &Path,
    yaml: &str,
    profile: &Profile,
    fail_on: FailOn,
) -> Result<Vec<String>, Failure> {
    let rules = profile.metadata.name.as_str();
    let source = format!("{} (shgw build)", dir.display());
    let report = crate::self_review::review_text(&source, yaml, profile)?;
    let level = match fail_on {
        FailOn::Error => shgw_review::FailOn::Error,
        FailOn::Warning => shgw_review::FailOn::Warning,
        FailOn::Never => shgw_review::FailOn::Never,
    };
    let lines: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| format!("  {}", crate::self_review::finding_line(f)))
        .collect();
    let c = report.counts();
    if report.fails(level) {
        return Err(Failure::invalid(format!(
            "the review rules ({rules}) find {} error(s), {} warning(s) in what {} builds (--fail-on {}; --fail-on never builds anyway, e.g. a dev overlay):\n{}",
            c.error,
            c.warning,
            dir.display(),
            fail_on_name(fail_on),
            lines.join("\n")
        )));
    }
    Ok(if c.error + c.warning + c.info > 0 {
        vec![format!(
            "note: review of the build ({rules} rules): {} error(s), {} warning(s), {} info; see `shgw review {}`",
            c.error,
            c.warning,
            c.info,
            dir.display()
        )]
    } else {
        Vec::new()
    })
}

fn fail_on_name(f: FailOn) -> &'static str {
    match f {
        FailOn::Error => "error",
        FailOn::Warning => "warning",
        FailOn::Never => "never",
    }
}

/// `shgw build DIR`: the YAML and the notes, or a failure with nothing for stdout.
pub(crate) fn run(
    dir: &Path,
    profile: &Profile,
    version: Option<KubeVersion>,
    fail_on: FailOn,
) -> Result<(String, Vec<String>), Failure> {
    let built = build(dir, profile, version)?;
    let yaml = built.to_yaml();
    let mut notes = built.notes.clone();
    notes.extend(review(dir, &yaml, profile, fail_on)?);
    Ok((yaml, notes))
}
