//! Reading the objects: one `get` per object (a Secret's metadata only), one `list` of
//! Warning events per namespace. Nothing is written.

use crate::assess::{Events, Observation, Observed};
use crate::error::{ErrorKind, StatusError, chain};
use crate::plan::{Plan, Wanted};
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, DynamicObject, ListParams};
use kube::discovery::{ApiCapabilities, ApiResource, Discovery, Scope};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// A connection to one cluster, with the runtime its client runs on.
pub struct Session {
    runtime: tokio::runtime::Runtime,
    client: kube::Client,
    /// How the cluster was chosen, for messages.
    place: String,
}

/// Whether a failure means the cluster was not reached (or refused who we are), as opposed
/// to a refusal of one request.
fn is_unreachable(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => s.code == 401,
        kube::Error::HyperError(_)
        | kube::Error::Service(_)
        | kube::Error::RustlsTls(_)
        | kube::Error::Auth(_)
        | kube::Error::HttpError(_) => true,
        _ => false,
    }
}

fn api_message(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        kube::Error::Api(s) => format!("HTTP {} {}", s.code, s.reason),
        other => chain(other),
    }
}

impl Session {
    /// A client from `kubeconfig` (and `context`), or the pod's ServiceAccount, or
    /// `KUBECONFIG`/`~/.kube/config`, as `shgw token renew` connects. Nothing is sent yet.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when no usable configuration is found; [`ErrorKind::Runtime`]
    /// when the I/O runtime does not start.
    pub fn connect(
        kubeconfig: Option<&Path>,
        context: Option<&str>,
    ) -> Result<Session, StatusError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StatusError {
                kind: ErrorKind::Runtime,
                detail: format!("cannot start the I/O runtime: {e}"),
                place: String::new(),
                source: Some(Box::new(e)),
            })?;
        let mut place = match kubeconfig {
            Some(p) => format!("--kubeconfig {}", p.display()),
            None => "the in-cluster ServiceAccount or KUBECONFIG".to_owned(),
        };
        if let Some(c) = context {
            place.push_str(&format!(" --context {c}"));
        }
        let client = runtime
            .block_on(shgw_renew::kube_client(kubeconfig, context))
            .map_err(|e| StatusError {
                kind: ErrorKind::Config,
                detail: e.to_string(),
                place: String::new(),
                source: Some(Box::new(e)),
            })?;
        Ok(Session {
            runtime,
            client,
            place,
        })
    }

    /// The namespace of the kubeconfig context (or the pod's), for objects that name none.
    pub fn default_namespace(&self) -> &str {
        self.client.default_namespace()
    }

    /// Reads every object of `plan` and the Warning events of its namespaces.
    ///
    /// # Errors
    /// [`ErrorKind::Unreachable`] when the API server cannot be reached or refuses the
    /// credentials (401); [`ErrorKind::Api`] when discovery fails otherwise. A refusal (403)
    /// or failure on one object is not an error: it is in the [`Observation`].
    pub fn observe(&self, plan: &Plan) -> Result<Observation, StatusError> {
        self.runtime.block_on(self.observe_async(plan))
    }

    fn fail(&self, e: kube::Error, what: &str) -> StatusError {
        let (kind, detail) = if is_unreachable(&e) {
            let detail = match &e {
                kube::Error::Api(s) => format!(
                    "cannot reach the cluster through {}: the API server refused the credentials (HTTP {} {}{})",
                    self.place,
                    s.code,
                    s.reason,
                    if s.message.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", s.message)
                    }
                ),
                other => format!(
                    "cannot reach the cluster through {}: {}",
                    self.place,
                    chain(other)
                ),
            };
            (ErrorKind::Unreachable, detail)
        } else {
            (ErrorKind::Api, format!("{what}: {}", api_message(&e)))
        };
        StatusError {
            kind,
            detail,
            place: String::new(),
            source: Some(Box::new(e)),
        }
    }

    async fn observe_async(&self, plan: &Plan) -> Result<Observation, StatusError> {
        let wanted = plan.objects();
        let groups: BTreeSet<&str> = wanted.iter().map(|w| w.group()).collect();
        let groups: Vec<&str> = groups.into_iter().collect();
        let discovery = Discovery::new(self.client.clone())
            .filter(&groups)
            .run()
            .await
            .map_err(|e| self.fail(e, "discovery of the API groups"))?;
        let mut seen = Observation::default();
        for w in &wanted {
            let observed = match resolve(&discovery, w) {
                None => Observed::NotServed,
                Some((ar, caps)) => self.get(w, &ar, &caps).await?,
            };
            seen.objects.insert(w.key(), observed);
        }
        let namespaces: BTreeSet<&str> = wanted
            .iter()
            .filter_map(|w| w.namespace.as_deref())
            .collect();
        for ns in namespaces {
            let events: Api<Event> = Api::namespaced(self.client.clone(), ns);
            let listed = match events
                .list(&ListParams::default().fields("type=Warning"))
                .await
            {
                Ok(list) => Events::Listed(
                    list.items
                        .iter()
                        .filter_map(|e| serde_json::to_value(e).ok())
                        .collect(),
                ),
                Err(e) if is_unreachable(&e) => return Err(self.fail(e, "events")),
                Err(kube::Error::Api(s)) if s.code == 403 => Events::Unread(format!(
                    "forbidden (grant list on events in namespace {ns}): {}",
                    s.message
                )),
                Err(e) => Events::Unread(api_message(&e)),
            };
            seen.events.insert(ns.to_owned(), listed);
        }
        Ok(seen)
    }

    /// One object; a Secret's metadata only (its data never leaves the API server).
    async fn get(
        &self,
        w: &Wanted,
        ar: &ApiResource,
        caps: &ApiCapabilities,
    ) -> Result<Observed, StatusError> {
        let api: Api<DynamicObject> = match (&caps.scope, &w.namespace) {
            (Scope::Cluster, _) => Api::all_with(self.client.clone(), ar),
            (Scope::Namespaced, Some(ns)) => Api::namespaced_with(self.client.clone(), ns, ar),
            (Scope::Namespaced, None) => Api::default_namespaced_with(self.client.clone(), ar),
        };
        let got = if ar.group.is_empty() && ar.kind == "Secret" {
            api.get_metadata_opt(&w.name).await.map(|m| {
                m.map(|m| {
                    serde_json::json!({
                        "apiVersion": ar.api_version,
                        "kind": ar.kind,
                        "metadata": serde_json::to_value(&m.metadata).unwrap_or(Value::Null),
                    })
                })
            })
        } else {
            api.get_opt(&w.name)
                .await
                .map(|o| o.map(|o| serde_json::to_value(&o).unwrap_or(Value::Null)))
        };
        Ok(match got {
            Ok(Some(v)) => Observed::Found(v),
            Ok(None) => Observed::Missing,
            Err(e) if is_unreachable(&e) => {
                return Err(self.fail(e, &format!("{} {}", w.kind, w.name)));
            }
            Err(kube::Error::Api(s)) if s.code == 403 => Observed::Denied(s.message.clone()),
            Err(e) => Observed::Failed(api_message(&e)),
        })
    }
}

/// The served version of the object's kind: the one it was rendered with when served, else
/// the group's preferred version, else any served version that has the kind.
fn resolve(d: &Discovery, w: &Wanted) -> Option<(ApiResource, ApiCapabilities)> {
    let group = d.get(w.group())?;
    let of_kind = |list: Vec<(ApiResource, ApiCapabilities)>| {
        list.into_iter().find(|(ar, _)| ar.kind == w.kind)
    };
    of_kind(group.versioned_resources(w.version()))
        .or_else(|| group.recommended_kind(&w.kind))
        .or_else(|| {
            group
                .versions()
                .find_map(|v| of_kind(group.versioned_resources(v)))
        })
}
