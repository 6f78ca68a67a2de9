//! Backup claim, PodDisruptionBudget and HorizontalPodAutoscaler.

use super::{meta, selector};
use crate::resolve::Plan;
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, VolumeResourceRequirements,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// PersistentVolumeClaim for the configuration backup, unless an existing claim is used.
pub(crate) fn backup_claim(r: &Plan) -> Option<PersistentVolumeClaim> {
    let plan = r.backup.as_ref()?;
    let claim = plan.create.as_ref()?;
    let mut requests = BTreeMap::new();
    requests.insert("storage".to_owned(), Quantity(claim.size.0.clone()));
    Some(PersistentVolumeClaim {
        metadata: meta(r, plan.claim_name.clone()),
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec![claim.access_mode.as_str().into()]),
            storage_class_name: claim.storage_class.clone(),
            resources: Some(VolumeResourceRequirements {
                requests: Some(requests),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// PodDisruptionBudget `<name>`.
pub(crate) fn disruption_budget(r: &Plan) -> Option<PodDisruptionBudget> {
    let pdb = r.disruption_budget.as_ref()?;
    Some(PodDisruptionBudget {
        metadata: meta(r, r.names.deployment.clone()),
        spec: Some(PodDisruptionBudgetSpec {
            selector: Some(selector(r)),
            max_unavailable: pdb.max_unavailable.as_ref().map(|v| v.to_k8s()),
            min_available: pdb.min_available.as_ref().map(|v| v.to_k8s()),
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".into()),
        }),
        ..Default::default()
    })
}

fn utilization(resource: &str, percent: i32) -> MetricSpec {
    MetricSpec {
        type_: "Resource".into(),
        resource: Some(ResourceMetricSource {
            name: resource.into(),
            target: MetricTarget {
                type_: "Utilization".into(),
                average_utilization: Some(percent),
                ..Default::default()
            },
        }),
        ..Default::default()
    }
}

/// HorizontalPodAutoscaler `<name>` (autoscaling/v2).
pub(crate) fn autoscaler(r: &Plan) -> Option<HorizontalPodAutoscaler> {
    let a = r.autoscaling?;
    let mut metrics = vec![utilization("cpu", a.cpu)];
    if let Some(m) = a.memory {
        metrics.push(utilization("memory", m));
    }
    Some(HorizontalPodAutoscaler {
        metadata: meta(r, r.names.deployment.clone()),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: "Deployment".into(),
                name: r.names.deployment.clone(),
            },
            min_replicas: Some(a.min),
            max_replicas: a.max,
            metrics: Some(metrics),
            ..Default::default()
        }),
        ..Default::default()
    })
}
