//! The rule catalogue: every rule's id, name, title, explanation and guidance link, as Rust
//! data (nothing is parsed at run time). How severe a rule is belongs to the profile
//! (`rules:`), not to the catalogue.

use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Wrong: fails the review (and refuses a render) by default.
    Error,
    /// Should be fixed.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A rule's level in a profile: a severity, or `off` (not reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported.
    Off,
    /// Reported as information.
    Info,
    /// Reported as a warning.
    Warning,
    /// Reported as an error.
    Error,
}

impl Level {
    /// Every level, as a profile writes them.
    pub const ALL: [Level; 4] = [Level::Off, Level::Info, Level::Warning, Level::Error];

    /// The severity, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }

    /// `off`, `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        self.severity().map_or("off", Severity::as_str)
    }

    /// The level a profile writes as `text`.
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

/// One rule as users read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, `SHGW001`.
    pub id: &'static str,
    /// Short kebab-case name, `replicas-below-minimum`.
    pub name: &'static str,
    /// One line.
    pub title: &'static str,
    /// Link to the guidance.
    pub help: &'static str,
    /// Why it matters and how to fix it (ends with `Fix: ...`).
    pub explanation: &'static str,
}

/// A rule by id (`SHGW001`).
///
/// ```
/// let r = shgw::review::rule("SHGW001").unwrap();
/// assert_eq!(r.name, "replicas-below-minimum");
/// assert!(shgw::review::rule("SHGW999").is_none());
/// ```
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES
        .binary_search_by(|r| r.id.cmp(id))
        .ok()
        .map(|i| &RULES[i])
}

/// Every rule, in id order.
pub const RULES: &[Rule] = &[
    Rule {
        id: "SHGW001",
        name: "replicas-below-minimum",
        title: "Fewer gateway replicas than the profile's minReplicas",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#minimum-number-of-replicas",
        explanation: "With a single replica every node drain, rollout or crash takes the gateway down, \
            and the portal's file ships exactly one. Microsoft's production guidance asks \
            for at least two (2021) and now three (2023) replicas. Fix: set spec.replicas to \
            3, or let a HorizontalPodAutoscaler scale from minReplicas 3 (and drop \
            spec.replicas then).",
    },
    Rule {
        id: "SHGW002",
        name: "replicas-below-recommended",
        title: "Fewer gateway replicas than the profile's recommendedReplicas",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#minimum-number-of-replicas",
        explanation: "The production guidance recommends at least three replicas, spread over zones, \
            so that one zone or node can fail during a rollout and the gateway still serves. \
            The Helm chart defaults to 3. Fix: set spec.replicas (or the autoscaler's \
            minReplicas) to 3 or more.",
    },
    Rule {
        id: "SHGW003",
        name: "autoscaler-and-fixed-replicas",
        title: "A HorizontalPodAutoscaler scales a workload that also sets replicas",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues/234",
        explanation: "When an autoscaler owns the replica count, every `kubectl apply` of a manifest \
            with spec.replicas resets the count to that number and the autoscaler scales it \
            back: the two fight (gateway issue #234; the Helm chart added replicaCount null \
            for this). Fix: remove spec.replicas from the workload and keep the minimum in \
            the autoscaler's minReplicas.",
    },
    Rule {
        id: "SHGW004",
        name: "no-disruption-budget",
        title: "No PodDisruptionBudget covers the gateway pods",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#pod-disruption-budgets",
        explanation: "Without a PodDisruptionBudget a node drain or cluster upgrade may evict every \
            replica at once. Fix: add a policy/v1 PodDisruptionBudget whose selector matches \
            the pod labels, with maxUnavailable 1 (or minAvailable below the replica count) \
            and unhealthyPodEvictionPolicy AlwaysAllow.",
    },
    Rule {
        id: "SHGW005",
        name: "disruption-budget-blocks-eviction",
        title: "The PodDisruptionBudget allows no eviction at all",
        help: "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
        explanation: "A budget with maxUnavailable 0, or minAvailable equal to (or above) the replica \
            count or 100%, never allows a voluntary eviction: node drains and cluster \
            upgrades hang until someone deletes the budget. Fix: use maxUnavailable 1, or a \
            minAvailable below the number of replicas.",
    },
    Rule {
        id: "SHGW006",
        name: "budget-at-autoscaler-minimum",
        title: "PodDisruptionBudget minAvailable is at or above the autoscaler's minReplicas",
        help: "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
        explanation: "When the autoscaler has scaled down to minReplicas, a minAvailable of that size \
            or more blocks every eviction, so drains hang exactly when the cluster is quiet. \
            Fix: set minAvailable below minReplicas, or use maxUnavailable 1.",
    },
    Rule {
        id: "SHGW007",
        name: "no-spread",
        title: "No topology spread and no pod anti-affinity",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#high-availability",
        explanation: "Without topologySpreadConstraints or podAntiAffinity the scheduler may put every \
            replica on one node or in one zone, so one failure takes all of them. Fix: add a \
            topology spread constraint on topology.kubernetes.io/zone (maxSkew 1) and a \
            preferred pod anti-affinity on kubernetes.io/hostname, both selecting the \
            gateway's pod labels.",
    },
    Rule {
        id: "SHGW008",
        name: "rollout-implicit",
        title: "The Deployment leaves maxUnavailable or maxSurge of its rolling update implicit",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production",
        explanation: "Left implicit, Kubernetes uses 25% unavailable (rounded down) and 25% surge \
            (rounded up): with 4 replicas, as the Helm chart ships, one pod is stopped \
            before its replacement is ready, so every rollout runs below the capacity the \
            gateway was sized for. The production guidance asks to set both explicitly; the \
            portal's file uses maxUnavailable 0 and maxSurge 25%. Fix: set \
            strategy.rollingUpdate.maxUnavailable to 0 and maxSurge to 25% (or 1) in the \
            Deployment (spec.rollout in a Gateway file).",
    },
    Rule {
        id: "SHGW010",
        name: "rolling-tag",
        title: "The gateway image uses a moving tag or no tag",
        help: "https://learn.microsoft.com/azure/api-management/self-hosted-gateway-overview#container-images",
        explanation: "The tags latest, v2, v2-preview and beta (and an image without a tag, which \
            means latest) move to new gateway versions without any change to the manifest: \
            pods started on different days run different versions, and a bad release reaches \
            production unreviewed. Microsoft recommends only {major}.{minor}.{patch} tags \
            for production. Fix: pin an exact version such as 2.12.1, ideally with its \
            digest.",
    },
    Rule {
        id: "SHGW011",
        name: "no-digest",
        title: "The gateway image is not pinned by digest",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues/417",
        explanation: "A tag can be pushed again; a digest cannot. Image scans report CVEs on 2.11.1, \
            2.12.0 and 2.12.1 (gateway issues #403, #411, #417), so teams pin by digest and \
            bump deliberately. Fix: append @sha256:<digest> of the tested image to the image \
            reference.",
    },
    Rule {
        id: "SHGW012",
        name: "version-below-minimum",
        title: "The image version is below the minimum for a feature it is configured to use",
        help: "https://learn.microsoft.com/azure/api-management/self-hosted-gateway-settings-reference",
        explanation: "Some settings and authentication modes exist only from a given image version on: \
            Entra application authentication from 2.3.0, workload identity from 2.11.0, and \
            several settings from the version given in the settings reference. An older \
            image ignores the setting or cannot authenticate at all; images before 2.0.0 \
            (v0/v1) are out of support since October 2023. Fix: pin an image version at or \
            above the minimum named in the finding.",
    },
    Rule {
        id: "SHGW013",
        name: "known-issue",
        title: "The image version has a known issue in this configuration",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues",
        explanation: "Issues reported against this gateway version apply to this deployment: for \
            example steady memory growth on 2.11.1 (#401), or configuration backup and \
            restore failing on OpenShift with 2.12.x (#418, the startup probe answers 503 in \
            a loop). Fix: move to a version without the issue, or apply the workaround in \
            the linked issue.",
    },
    Rule {
        id: "SHGW020",
        name: "missing-requests",
        title: "The gateway container has no CPU or memory request",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#container-resources",
        explanation: "Without requests the scheduler packs the gateway onto busy nodes and it is the \
            first to be evicted under pressure. The production guidance starts from requests \
            of 2 cores and 2 GiB, then load tests. Fix: set resources.requests.cpu and \
            resources.requests.memory on the gateway container.",
    },
    Rule {
        id: "SHGW021",
        name: "missing-limits",
        title: "The gateway container has no memory limit",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues/401",
        explanation: "Steady memory growth has been reported on several gateway versions (issues #219, \
            #310, #401 for 2.11.1); without a memory limit one pod can starve its node. Fix: \
            set resources.limits.memory (the 2026 samples set requests equal to limits, \
            2Gi).",
    },
    Rule {
        id: "SHGW022",
        name: "requests-above-limits",
        title: "A resource request is above its limit",
        help: "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        explanation: "The API server refuses a container whose request exceeds its limit, so the \
            workload never gets pods. Fix: lower the request or raise the limit.",
    },
    Rule {
        id: "SHGW030",
        name: "missing-readiness-probe",
        title: "The gateway container has no readiness probe",
        help: "https://learn.microsoft.com/azure/api-management/how-to-deploy-self-hosted-gateway-kubernetes",
        explanation: "Without a readiness probe the Service sends traffic to a pod before the gateway \
            has loaded its configuration, and keeps sending it to a pod that stopped \
            answering. Fix: add readinessProbe.httpGet on path /status-0123456789abcdef, \
            port http (8080), as the portal file and the Helm chart do.",
    },
    Rule {
        id: "SHGW031",
        name: "missing-liveness-probe",
        title: "The gateway container has no liveness probe",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues/69",
        explanation: "Without a liveness probe a hung gateway is never restarted. Fix: add \
            livenessProbe.httpGet on /status-0123456789abcdef, port http, with a \
            failureThreshold that tolerates short configuration outages (for example 6 x 10 \
            s).",
    },
    Rule {
        id: "SHGW032",
        name: "missing-startup-probe",
        title: "The gateway container has no startup probe",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/pull/325",
        explanation: "A gateway that restores its configuration backup or waits for the configuration \
            endpoint can take minutes to start; without a startup probe the liveness probe \
            kills it first. Fix: add startupProbe.httpGet on /status-0123456789abcdef, port \
            http, allowing several minutes (for example failureThreshold 60, periodSeconds \
            5).",
    },
    Rule {
        id: "SHGW033",
        name: "probe-not-gateway-endpoint",
        title: "A probe does not call the gateway's status endpoint on its HTTP port",
        help: "https://learn.microsoft.com/azure/api-management/how-to-deploy-self-hosted-gateway-kubernetes",
        explanation: "The gateway answers health checks on /status-0123456789abcdef on its HTTP port \
            8080 (named http); the v1-era path /internal-status-0123456789abcdef is also \
            served. A probe on another path, on 8081 (TLS) or on a port the container does \
            not expose always fails: the pod never becomes ready, or is restarted in a loop. \
            Fix: httpGet path /status-0123456789abcdef, port http, scheme HTTP.",
    },
    Rule {
        id: "SHGW034",
        name: "startup-probe-too-short",
        title: "The startup probe gives up sooner than the profile's minStartupSeconds",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/pull/325",
        explanation: "initialDelaySeconds + failureThreshold x periodSeconds is the time a pod has to \
            start. The Kubernetes defaults (3 x 10 s) restart gateways endlessly while they \
            load a large configuration or a backup (Helm PR #325, where the maintainers \
            agreed a longer probe is needed; issue #418). Fix: allow at least 60 s, for \
            example failureThreshold 60 with periodSeconds 5.",
    },
    Rule {
        id: "SHGW040",
        name: "selector-mismatch",
        title: "The workload's selector does not match its pod template labels",
        help: "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector",
        explanation: "The API server refuses a Deployment, StatefulSet or DaemonSet whose \
            spec.selector does not match spec.template.metadata.labels. Fix: make every \
            matchLabels entry (and matchExpressions) true for the template's labels.",
    },
    Rule {
        id: "SHGW041",
        name: "service-selects-no-pod",
        title: "A gateway Service selects no gateway pod",
        help: "https://kubernetes.io/docs/concepts/services-networking/service/",
        explanation: "A Service named after the gateway whose selector matches no pod template in the \
            stream has no endpoints: traffic or instance discovery goes nowhere. Fix: copy \
            the pod labels the workload's selector uses into the Service's spec.selector.",
    },
    Rule {
        id: "SHGW042",
        name: "default-namespace",
        title: "The gateway runs in the default namespace",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#namespace",
        explanation: "The portal's file lands in default, shared with everything else that forgot a \
            namespace: quotas, RBAC and NetworkPolicies cannot be scoped to the gateway. \
            Fix: deploy into a dedicated namespace (metadata.namespace on every object).",
    },
    Rule {
        id: "SHGW043",
        name: "no-namespace",
        title: "The gateway's objects name no namespace",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#namespace",
        explanation: "Without metadata.namespace the objects go wherever the current kubectl context \
            points, which is default unless someone set it (the portal's file lands there): \
            the same file lands in different places for different people. Objects managed by \
            Helm are not reported: helm install gives them its --namespace. Fix: set \
            metadata.namespace to the gateway's dedicated namespace.",
    },
    Rule {
        id: "SHGW044",
        name: "no-network-policy",
        title: "No NetworkPolicy selects the gateway pods",
        help: "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
        explanation: "Without a NetworkPolicy any pod in the cluster can reach the gateway's ports, \
            including the UDP rate-limit synchronisation ports meant only for its own \
            replicas. Fix: add a NetworkPolicy selecting the gateway pods that allows \
            8080/8081 from clients and UDP 4290/4291 only from the gateway's own pods.",
    },
    Rule {
        id: "SHGW045",
        name: "missing-udp-ports",
        title: "Several replicas but the UDP ports 4290/4291 are not declared",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#rate-limiting",
        explanation: "Replicas synchronise rate-limit counters over UDP 4290 and send heartbeats over \
            UDP 4291. Without these container ports (named rate-limit-dc and dc-heartbeat) \
            the discovery Service cannot target them and each replica enforces limits on its \
            own, multiplying the real limit by the replica count. Fix: declare containerPort \
            4290/UDP and 4291/UDP.",
    },
    Rule {
        id: "SHGW046",
        name: "missing-discovery-service",
        title: "Several replicas but no headless Service for instance discovery",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#rate-limiting",
        explanation: "Replicas find each other through a headless Service (clusterIP None) that \
            selects them on UDP 4290 and 4291, named by the neighborhood.host setting. \
            Without it rate limits and quotas are counted per replica. Fix: add the \
            <name>-instance-discovery Service the portal file and the Helm chart create, and \
            set neighborhood.host to its name.",
    },
    Rule {
        id: "SHGW047",
        name: "neighborhood-host-mismatch",
        title: "neighborhood.host does not name a headless Service that selects the pods",
        help: "https://learn.microsoft.com/azure/api-management/self-hosted-gateway-settings-reference#cross-instance-discovery--synchronization",
        explanation: "The gateway resolves neighborhood.host to find its peers. If no headless Service \
            of that name in the namespace selects the gateway pods, the lookup fails (issue \
            #193) and rate limits are not shared. Fix: point neighborhood.host at the \
            instance-discovery Service, and make that Service headless (clusterIP None) with \
            the pods' labels as selector.",
    },
    Rule {
        id: "SHGW048",
        name: "local-traffic-few-replicas",
        title: "externalTrafficPolicy Local with fewer replicas than the profile's zones",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#externaltrafficpolicy",
        explanation: "With externalTrafficPolicy Local the load balancer only sends traffic to nodes \
            that run a gateway pod, which keeps the client IP but concentrates traffic when \
            there are fewer pods than zones (usually 3): a zone without a pod gets no \
            traffic and one pod per node carries uneven load. Fix: run at least 3 replicas \
            spread over zones.",
    },
    Rule {
        id: "SHGW049",
        name: "cluster-traffic-policy",
        title: "An external gateway Service does not keep client IPs",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues/340",
        explanation: "A LoadBalancer or NodePort Service with the default externalTrafficPolicy \
            Cluster hides the caller's address behind a node IP, so ip-filter policies and \
            logs see the wrong address, and adds a hop. The portal file sets Local; the Helm \
            chart cannot (issue #340). Fix: set spec.externalTrafficPolicy Local.",
    },
    Rule {
        id: "SHGW050",
        name: "privilege-escalation",
        title: "The gateway container may gain privileges",
        help: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        explanation: "allowPrivilegeEscalation is true unless set to false, letting a compromised \
            process gain more privileges than its parent. The gateway needs none. Fix: set \
            securityContext.allowPrivilegeEscalation false on the container.",
    },
    Rule {
        id: "SHGW051",
        name: "may-run-as-root",
        title: "The gateway may run as root",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#security",
        explanation: "Without runAsNonRoot true (or with runAsUser 0) nothing stops the container from \
            running as root. The image's own user is UID 1001. Fix: set runAsNonRoot true \
            and runAsUser 1001 (pod or container securityContext).",
    },
    Rule {
        id: "SHGW052",
        name: "no-seccomp",
        title: "No seccomp profile",
        help: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        explanation: "Without a seccomp profile the container may call every system call (the \
            restricted Pod Security Standard requires one). Fix: set \
            securityContext.seccompProfile.type RuntimeDefault on the pod or the container.",
    },
    Rule {
        id: "SHGW053",
        name: "capabilities-kept",
        title: "The gateway container keeps its Linux capabilities",
        help: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        explanation: "The gateway listens on 8080 and 8081 and needs no capability, yet containers \
            keep the runtime's default set (NET_RAW among them) unless they drop it. Fix: \
            set securityContext.capabilities.drop [ALL] and add none.",
    },
    Rule {
        id: "SHGW054",
        name: "privileged",
        title: "The gateway container is privileged",
        help: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        explanation: "A privileged container has full access to the node. The gateway needs nothing of \
            the kind. Fix: remove securityContext.privileged or set it false.",
    },
    Rule {
        id: "SHGW055",
        name: "read-only-root-filesystem",
        title: "readOnlyRootFilesystem is true, which the v2 gateway cannot start with",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues/82",
        explanation: "The v2 image rebuilds its CA bundle under /etc/ssl/certs at start (\"Failed to \
            open temporary file /etc/ssl/certs/bundleXXXXXX\", issue #82) and, with local \
            CAs, writes /.dotnet/corefx/cryptography/x509stores/root: with a read-only root \
            filesystem it does not start. Generic linters ask for it anyway; here it is \
            wrong. Fix: set readOnlyRootFilesystem false and skip the linters' check with a \
            reason.",
    },
    Rule {
        id: "SHGW056",
        name: "local-ca-uid",
        title: "certificates.local.ca.enabled with a user other than 1001",
        help: "https://learn.microsoft.com/azure/api-management/api-management-howto-ca-certificates",
        explanation: "With certificates.local.ca.enabled true the gateway adds local CA certificates \
            to its store, which only works as root or as the image's UID 1001. Any other \
            user (including the random UID OpenShift assigns) fails at start. Fix: run as \
            UID 1001 (runAsUser 1001; on OpenShift grant an SCC that allows it), or turn \
            local CAs off.",
    },
    Rule {
        id: "SHGW057",
        name: "fixed-uid-on-openshift",
        title: "A fixed runAsUser that OpenShift's restricted SCC rejects",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues/82",
        explanation: "OpenShift assigns each pod a UID from the namespace's range; runAsUser 1001 is \
            rejected unless the ServiceAccount is granted the anyuid (or a custom) SCC \
            (issues #82, #85, #86). Fix: drop runAsUser and runAsGroup (and fsGroup) and let \
            OpenShift assign them, or bind a dedicated ServiceAccount to an SCC that allows \
            1001 when local CAs need it.",
    },
    Rule {
        id: "SHGW060",
        name: "literal-credential",
        title: "A gateway token or client secret is written in plain text",
        help: "https://learn.microsoft.com/azure/api-management/self-hosted-gateway-default-authentication",
        explanation: "config.service.auth (a GatewayKey token) or \
            config.service.auth.azureAd.clientSecret is written as a literal in a ConfigMap \
            or an env value: anyone who can read the ConfigMap or the workload can connect \
            as this gateway, and the value lands in git. The value is never repeated here. \
            Fix: keep it in a Secret and reference it with env valueFrom.secretKeyRef, then \
            rotate the leaked credential.",
    },
    Rule {
        id: "SHGW061",
        name: "token-expired",
        title: "The gateway token in the stream has expired",
        help: "https://github.com/Azure/api-management-self-hosted-gateway/issues/287",
        explanation: "A gateway with an expired token cannot load configuration, yet its pod stays \
            Running and answers 200 with an empty body (issue #287), so nothing alerts. \
            Tokens last at most 30 days. Fix: generate a new token (Gateway - Generate \
            Token), store it in the Secret and restart the pods; better, renew it \
            automatically or move to workload identity.",
    },
    Rule {
        id: "SHGW062",
        name: "token-expiring",
        title: "The gateway token in the stream expires within the profile's minTokenDays",
        help: "https://learn.microsoft.com/azure/api-management/self-hosted-gateway-default-authentication",
        explanation: "The token expires soon; when it does the gateway silently stops receiving \
            configuration. Fix: renew it now (shgw token renew, or a new token from the \
            portal) and restart the pods.",
    },
    Rule {
        id: "SHGW063",
        name: "token-not-renewed",
        title: "Token authentication with nothing that renews the token",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#access-token",
        explanation: "Gateway tokens expire after at most 30 days. No CronJob, ExternalSecret or \
            SecretProviderClass in the stream names the token Secret, so someone must \
            remember to renew it by hand every month. Fix: add a renewal CronJob (shgw's \
            spec.auth.token.renewal, or a community rotator), or authenticate with workload \
            identity (image 2.11.0 or later) instead.",
    },
    Rule {
        id: "SHGW064",
        name: "gateway-name-missing",
        title: "Entra or workload-identity authentication without gateway.name",
        help: "https://learn.microsoft.com/azure/api-management/self-hosted-gateway-enable-workload-identity",
        explanation: "With config.service.auth azureAdApp or workloadIdentity the gateway must be told \
            which gateway resource it is (gateway.name); without it the configuration \
            endpoint answers 403 (PR #371 thread). Fix: set gateway.name to the gateway's \
            name in API Management.",
    },
    Rule {
        id: "SHGW070",
        name: "no-config-backup",
        title: "No configuration backup volume at /apim/config",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#configuration-backup",
        explanation: "Without a backup a gateway pod that restarts while the configuration endpoint is \
            unreachable (an Azure outage, a network change) cannot start at all. The gateway \
            backs up to whatever persistent volume is mounted at /apim/config. Fix: mount a \
            PersistentVolumeClaim (ReadWriteMany, 50Mi) at /apim/config and set fsGroup \
            1001.",
    },
    Rule {
        id: "SHGW071",
        name: "backup-without-group",
        title: "The backup volume is mounted without fsGroup 1001",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#configuration-backup",
        explanation: "/apim/config must belong to the gateway's group 1001, or the gateway cannot \
            write its backup (MicrosoftDocs #117928) and the backup silently does nothing. \
            Fix: set the pod's securityContext.fsGroup to 1001 (on OpenShift the namespace's \
            fsGroup is applied instead).",
    },
    Rule {
        id: "SHGW072",
        name: "backup-on-emptydir",
        title: "The configuration backup is an emptyDir",
        help: "https://learn.microsoft.com/azure/api-management/how-to-self-hosted-gateway-on-kubernetes-in-production#configuration-backup",
        explanation: "An emptyDir is deleted with its pod, which is exactly when the backup is needed. \
            Fix: mount a PersistentVolumeClaim at /apim/config.",
    },
    Rule {
        id: "SHGW073",
        name: "endpoint-invalid",
        title: "config.service.endpoint is missing or malformed",
        help: "https://learn.microsoft.com/azure/api-management/self-hosted-gateway-settings-reference",
        explanation: "The gateway needs config.service.endpoint: <apim>.configuration.azure-api.net, a \
            custom host, host:port or an https:// URL. A Configuration API v1 URL \
            (...management.azure-api.net/subscriptions/...) is out of support since October \
            2023. Fix: set the setting in the gateway's ConfigMap to the v2 configuration \
            endpoint shown in the portal.",
    },
    Rule {
        id: "SHGW074",
        name: "dns-policy-default",
        title: "dnsPolicy Default cannot resolve the cluster's Service names",
        help: "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy",
        explanation: "With dnsPolicy Default the pod uses its node's resolver, which knows nothing of \
            cluster Services: neighborhood.host (the instance-discovery Service) and \
            in-cluster backends, StatsD or OpenTelemetry collectors do not resolve, so \
            replicas cannot share rate limits (issue #193 shows the symptom). The \
            configuration backup example uses it. Fix: use ClusterFirst (the default), and \
            add hostAliases or dnsConfig for names only the node's resolver knows.",
    },
    Rule {
        id: "SHGW075",
        name: "backup-claim-without-class",
        title: "The backup claim asks for ReadWriteMany with no storage class",
        help: "https://learn.microsoft.com/azure/aks/azure-files-csi",
        explanation: "A PersistentVolumeClaim with no storageClassName gets the cluster's default \
            class. The default classes of AKS (Azure Disk), EKS (EBS) and GKE (Persistent \
            Disk) offer only ReadWriteOnce, so a ReadWriteMany backup claim stays Pending, \
            and every gateway pod that mounts it stays Pending with it: the first apply \
            never starts. Fix: set storageClassName on the claim to a class that offers \
            ReadWriteMany (azurefile-csi on AKS, an EFS or Filestore class elsewhere), or \
            mount a claim that already exists.",
    },
    Rule {
        id: "SHGW090",
        name: "suppression-without-reason",
        title: "A suppression without a reason (or malformed) does nothing",
        help: "https://example.invalid/shgw#suppressions",
        explanation: "Each entry of the shgw.dev/ignore annotation must read RULE=reason, optionally \
            followed by \"until YYYY-MM-DD\". An entry without a reason, or that cannot be \
            read, suppresses nothing. Fix: write why the finding is accepted, for example \
            shgw.dev/ignore: \"SHGW070=stateless edge gateway, restarts are cheap until \
            2027-03-31\".",
    },
    Rule {
        id: "SHGW091",
        name: "suppression-expired",
        title: "A suppression has expired",
        help: "https://example.invalid/shgw#suppressions",
        explanation: "The suppression's \"until\" date has passed, so the finding it covered is reported \
            again. Fix: fix the finding, or review the reason and move the date.",
    },
    Rule {
        id: "SHGW092",
        name: "suppression-unknown-rule",
        title: "A suppression names a rule that does not exist",
        help: "https://example.invalid/shgw#suppressions",
        explanation: "The shgw.dev/ignore annotation names a rule id the reviewer does not know (a \
            typo, or a rule from another tool), so it suppresses nothing. Fix: use an id \
            listed by shgw review --list-rules.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_well_formed() {
        let mut last = "";
        for r in RULES {
            assert!(r.id.len() == 7 && r.id.starts_with("SHGW"), "{}", r.id);
            assert!(r.id > last, "ids in order, unique: {}", r.id);
            last = r.id;
            assert!(r.help.starts_with("https://"), "{}", r.id);
            assert!(r.explanation.contains("Fix:"), "{} explains no fix", r.id);
            assert!(!r.title.ends_with('.'), "{}", r.id);
            assert!(!r.explanation.contains("  "), "{}: double space", r.id);
            assert_eq!(rule(r.id), Some(r));
        }
    }

    #[test]
    fn levels_read_as_written() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        assert_eq!(Level::parse("warn"), None);
    }
}
