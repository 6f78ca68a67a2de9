//! A real kube-apiserver accepts every rendered example under every profile
//! (`kubectl apply --dry-run=server`). The server is v1.20: the test lowers the three kinds it
//! serves only as beta (HorizontalPodAutoscaler, PodDisruptionBudget, CronJob) and drops the
//! three fields added after it (`topologySpreadConstraints[].matchLabelKeys`, CronJob
//! `timeZone`, PodDisruptionBudget `unhealthyPodEvictionPolicy`);
//! the PodMonitor and the PrometheusRule have no CRD there (promtool judges the rules, in
//! `alerts.rs`). Everything else is sent as rendered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;
use std::collections::BTreeSet;

#[test]
fn a_real_api_server_accepts_every_example_under_every_profile() {
    let Some(api) = shgw_testkit::ApiServer::start("dry-run", &[]) else {
        return;
    };
    let mut renders = Vec::new();
    for (name, text) in common::examples() {
        for profile in common::PROFILES {
            renders.push((
                format!("{name}/{profile}"),
                common::render(&name, &text, profile),
            ));
        }
    }
    let namespaces: BTreeSet<String> = renders
        .iter()
        .flat_map(|(_, m)| {
            m.objects
                .iter()
                .filter_map(|o| o.metadata().namespace.clone())
        })
        .collect();
    for ns in &namespaces {
        let out = api.kubectl(&["create", "namespace", ns], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut checked = 0;
    for (what, m) in &renders {
        let docs: Vec<Value> = m
            .to_values()
            .into_iter()
            .filter_map(shgw_testkit::lowered_for_v1_20)
            .collect();
        checked += docs.len();
        let stream = shgw_yaml::to_multi_doc(&docs);
        let out = api.kubectl(&["apply", "--dry-run=server", "-f", "-"], Some(&stream));
        assert!(
            out.status.success(),
            "{what}: the API server refused it:\n{}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            said.matches("(server dry run)").count(),
            docs.len(),
            "{what}: {said}"
        );
    }
    assert!(checked > 100, "only {checked} objects checked");
}
