//! Checks of DNS, Services, NetworkPolicy, proxy and telemetry.

use super::Check;
use crate::names::*;
use crate::resolve::Plan;
use crate::spec::*;

pub(super) fn networking(c: &mut Check, s: &GatewaySpec, r: &Plan) {
    let dns = &r.dns;
    if dns.policy == Some(DnsPolicy::None) && dns.nameservers.is_empty() {
        c.err(
            "spec.dns.nameservers",
            "required when spec.dns.policy is None",
        );
    }
    if dns.nameservers.len() > 3 {
        c.err("spec.dns.nameservers", "at most 3 name servers");
    }
    for (i, ns) in dns.nameservers.iter().enumerate() {
        if !is_ip(ns) {
            c.err(
                format!("spec.dns.nameservers[{i}]"),
                format!("{ns:?} is not an IP address"),
            );
        }
    }
    if dns.searches.len() > 32 {
        c.err("spec.dns.searches", "at most 32 search domains");
    }
    for (i, sd) in dns.searches.iter().enumerate() {
        if !is_hostname(sd.trim_end_matches('.')) {
            c.err(
                format!("spec.dns.searches[{i}]"),
                format!("{sd:?} is not a domain name"),
            );
        }
    }
    for k in dns.options.keys() {
        if k.is_empty() || k.contains(char::is_whitespace) {
            c.err(
                "spec.dns.options",
                format!("{k:?} is not a resolver option name"),
            );
        }
    }
    for (i, h) in dns.host_aliases.iter().enumerate() {
        if !is_ip(&h.ip) {
            c.err(
                format!("spec.dns.hostAliases[{i}].ip"),
                format!("{:?} is not an IP address", h.ip),
            );
        }
        if h.hostnames.is_empty() {
            c.err(
                format!("spec.dns.hostAliases[{i}].hostnames"),
                "list at least one host name",
            );
        }
        for (j, n) in h.hostnames.iter().enumerate() {
            if !is_hostname(n) {
                c.err(
                    format!("spec.dns.hostAliases[{i}].hostnames[{j}]"),
                    format!("{n:?} is not a host name"),
                );
            }
        }
    }
    for (p, v) in [("httpPort", r.http_port), ("httpsPort", r.https_port)] {
        if !(1..=65535).contains(&v) {
            c.err(
                format!("spec.service.{p}"),
                format!("{v} is not a port (1 to 65535)"),
            );
        }
    }
    if r.http_port == r.https_port {
        c.err(
            "spec.service.httpsPort",
            format!("clashes with spec.service.httpPort ({})", r.http_port),
        );
    }
    if let Some(svc) = &s.service {
        c.labels("spec.service.annotations", &svc.annotations, false);
        if !svc.load_balancer_source_ranges.is_empty()
            && r.service_type != ServiceType::LoadBalancer
        {
            c.err(
                "spec.service.loadBalancerSourceRanges",
                "only applies to type LoadBalancer",
            );
        }
    }
    for (i, cidr) in r.source_ranges.iter().enumerate() {
        if !is_cidr(cidr) {
            c.err(
                format!("spec.service.loadBalancerSourceRanges[{i}]"),
                format!("{cidr:?} is not a CIDR block"),
            );
        }
    }
    for (i, cidr) in r.network_policy.iter().flatten().enumerate() {
        if !is_cidr(cidr) {
            c.err(
                format!("spec.networkPolicy.allowedCidrs[{i}]"),
                format!("{cidr:?} is not a CIDR block"),
            );
        }
    }
    let p = &r.proxy;
    for (f, v) in [("http", &p.http), ("https", &p.https)] {
        if let Some(v) = v.as_ref().filter(|v| !is_http_url(v, &["http", "https"])) {
            c.err(
                format!("spec.proxy.{f}"),
                format!("{v:?} must be an http:// or https:// URL"),
            );
        }
    }
    for (i, n) in p.no_proxy.iter().enumerate() {
        if n.is_empty() || n.contains([',', ' ']) {
            c.err(
                format!("spec.proxy.noProxy[{i}]"),
                "one host, domain or CIDR per entry",
            );
        }
    }
}

pub(super) fn telemetry(c: &mut Check, s: &GatewaySpec) {
    let Some(m) = s.telemetry.as_ref().and_then(|t| t.metrics.as_ref()) else {
        return;
    };
    if let Some(sd) = &m.statsd {
        match &sd.endpoint {
            None => c.err(
                "spec.telemetry.metrics.statsd.endpoint",
                "required: host:port of the StatsD server",
            ),
            Some(e) if !is_host_port(e, true) => c.err(
                "spec.telemetry.metrics.statsd.endpoint",
                format!("{e:?} must be host:port, e.g. statsd.monitoring:8125"),
            ),
            _ => {}
        }
        if sd.sampling.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
            c.err(
                "spec.telemetry.metrics.statsd.sampling",
                "must be between 0 and 1",
            );
        }
    }
    if let Some(o) = &m.open_telemetry {
        match &o.collector_uri {
            None => c.err(
                "spec.telemetry.metrics.openTelemetry.collectorUri",
                "required, e.g. http://otel-collector:4317",
            ),
            Some(u) if !is_http_url(u, &["http", "https"]) => c.err(
                "spec.telemetry.metrics.openTelemetry.collectorUri",
                format!("{u:?} must be an http:// or https:// URL"),
            ),
            _ => {}
        }
    }
}
