//! What each gateway image version can do and what is known to go wrong with it.
//!
//! The one table of version facts: validation of Gateway files and `shgw review` of existing
//! manifests both read it. Sources: the settings reference (its "availability" column), the
//! workload identity article, the chart's `index.yaml`, and the gateway repository's issues.

use std::fmt;

/// A gateway image version `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
}

impl Version {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// The version an exact image tag names (`2.12.1`, `2.12.1-rc1`); `None` for moving tags
    /// such as `v2` or `latest` and for `2.12`.
    ///
    /// ```
    /// use shgw::versions::Version;
    /// assert_eq!(Version::from_tag("2.12.1"), Some(Version::new(2, 12, 1)));
    /// assert_eq!(Version::from_tag("v2"), None);
    /// ```
    pub fn from_tag(tag: &str) -> Option<Version> {
        let core = tag.split(['-', '+']).next()?;
        let mut it = core.split('.').map(|p| {
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        });
        let v = Version::new(it.next()??, it.next()??, it.next()??);
        it.next().is_none().then_some(v)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A released image and the Helm chart that ships it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    /// Image version.
    pub image: Version,
    /// Chart version.
    pub chart: &'static str,
}

/// Recent releases, newest first (the chart's `index.yaml`).
pub const RELEASES: &[Release] = &[
    Release {
        image: Version::new(2, 12, 1),
        chart: "1.16.1",
    },
    Release {
        image: Version::new(2, 12, 0),
        chart: "1.16.0",
    },
    Release {
        image: Version::new(2, 11, 2),
        chart: "1.15.2",
    },
    Release {
        image: Version::new(2, 11, 1),
        chart: "1.15.1",
    },
    Release {
        image: Version::new(2, 11, 0),
        chart: "1.15.0",
    },
];

/// The newest image version: what production and the examples pin by default.
pub const NEWEST: Version = Version::new(2, 12, 1);

/// Something the gateway can do only from some version on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Feature {
    /// `config.service.auth: azureAdApp` with a client secret or certificate.
    EntraApp,
    /// `config.service.auth: workloadIdentity`.
    WorkloadIdentity,
    /// `config.service.integration.timeout`.
    IntegrationTimeout,
    /// `security.certificate-revocation.validation.enabled`.
    CertificateRevocation,
    /// `net.server.http.forwarded.proto.enabled`.
    ForwardedProto,
    /// `observability.opentelemetry.system-metrics.enabled`.
    OpenTelemetrySystemMetrics,
}

/// The first version that has a feature, and where it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    /// The feature.
    pub feature: Feature,
    /// The feature in a few words, for messages.
    pub title: &'static str,
    /// First image version that has it.
    pub since: Version,
    /// The gateway setting that turns it on (and its value, when one value means the feature).
    pub setting: &'static str,
    /// That value, when only one value of the setting means the feature.
    pub value: Option<&'static str>,
    /// The Gateway file field that asks for it.
    pub field: &'static str,
}

/// Every feature with a minimum version.
pub const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        feature: Feature::EntraApp,
        title: "Entra application authentication",
        since: Version::new(2, 3, 0),
        setting: "config.service.auth",
        value: Some("azureAdApp"),
        field: "spec.auth.entraApp",
    },
    Requirement {
        feature: Feature::WorkloadIdentity,
        title: "workload identity",
        since: Version::new(2, 11, 0),
        setting: "config.service.auth",
        value: Some("workloadIdentity"),
        field: "spec.auth.workloadIdentity",
    },
    Requirement {
        feature: Feature::IntegrationTimeout,
        title: "config.service.integration.timeout",
        since: Version::new(2, 3, 5),
        setting: "config.service.integration.timeout",
        value: None,
        field: "spec.settings",
    },
    Requirement {
        feature: Feature::CertificateRevocation,
        title: "certificate revocation checks",
        since: Version::new(2, 3, 6),
        setting: "security.certificate-revocation.validation.enabled",
        value: None,
        field: "spec.settings",
    },
    Requirement {
        feature: Feature::ForwardedProto,
        title: "X-Forwarded-Proto routing",
        since: Version::new(2, 5, 0),
        setting: "net.server.http.forwarded.proto.enabled",
        value: None,
        field: "spec.settings",
    },
    Requirement {
        feature: Feature::OpenTelemetrySystemMetrics,
        title: "OpenTelemetry system metrics",
        since: Version::new(2, 3, 0),
        setting: "observability.opentelemetry.system-metrics.enabled",
        value: None,
        field: "spec.telemetry.metrics.openTelemetry.systemMetrics",
    },
];

/// The requirement of one feature.
///
/// ```
/// use shgw::versions::{Feature, Version, requirement};
/// assert_eq!(requirement(Feature::WorkloadIdentity).map(|r| r.since), Some(Version::new(2, 11, 0)));
/// ```
pub fn requirement(feature: Feature) -> Option<&'static Requirement> {
    REQUIREMENTS.iter().find(|r| r.feature == feature)
}

/// The requirements that a gateway setting with this value brings: the setting is a key of
/// the gateway's environment (ConfigMap data).
///
/// ```
/// use shgw::versions::{Feature, requirements_of_setting};
/// let r: Vec<_> = requirements_of_setting("config.service.auth", "workloadIdentity").collect();
/// assert_eq!(r[0].feature, Feature::WorkloadIdentity);
/// assert_eq!(requirements_of_setting("config.service.auth", "GatewayKey x").count(), 0);
/// ```
pub fn requirements_of_setting<'a>(
    key: &'a str,
    value: &'a str,
) -> impl Iterator<Item = &'static Requirement> + 'a {
    REQUIREMENTS
        .iter()
        .filter(move |r| r.setting == key && r.value.is_none_or(|v| v == value))
}

/// When a known issue bites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Trigger {
    /// On every deployment of the affected versions.
    Always,
    /// With configuration backup (a volume at `/apim/config`) on OpenShift.
    BackupOnOpenShift,
}

/// A problem reported against some versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownIssue {
    /// Issue number in `Azure/api-management-self-hosted-gateway`.
    pub number: u32,
    /// First affected version.
    pub from: Version,
    /// Last affected version (inclusive).
    pub to: Version,
    /// When it bites.
    pub trigger: Trigger,
    /// What happens and what to do.
    pub summary: &'static str,
}

impl KnownIssue {
    /// Whether `v` is affected.
    pub fn affects(&self, v: Version) -> bool {
        self.from <= v && v <= self.to
    }

    /// The issue's address.
    pub fn url(&self) -> String {
        format!(
            "https://github.com/Azure/api-management-self-hosted-gateway/issues/{}",
            self.number
        )
    }
}

/// Known issues, by issue number.
pub const KNOWN_ISSUES: &[KnownIssue] = &[
    KnownIssue {
        number: 401,
        from: Version::new(2, 11, 1),
        to: Version::new(2, 11, 1),
        trigger: Trigger::Always,
        summary: "steady memory growth reported; keep a memory limit and consider a newer image",
    },
    KnownIssue {
        number: 418,
        from: Version::new(2, 12, 0),
        to: Version::new(2, 12, 1),
        trigger: Trigger::BackupOnOpenShift,
        summary: "configuration backup and restore fail on OpenShift (startup probe answers 503 in a loop); 2.11.x works",
    },
];

/// The known issues affecting `v` under `trigger` (those that always bite included).
///
/// ```
/// use shgw::versions::{Trigger, Version, known_issues};
/// let n: Vec<u32> = known_issues(Version::new(2, 12, 1), Trigger::BackupOnOpenShift).map(|i| i.number).collect();
/// assert_eq!(n, [418]);
/// assert_eq!(known_issues(Version::new(2, 12, 1), Trigger::Always).count(), 0);
/// ```
pub fn known_issues(v: Version, trigger: Trigger) -> impl Iterator<Item = &'static KnownIssue> {
    KNOWN_ISSUES
        .iter()
        .filter(move |i| i.affects(v) && (i.trigger == Trigger::Always || i.trigger == trigger))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(
            Version::from_tag("2.11.1-rc1"),
            Some(Version::new(2, 11, 1))
        );
        for bad in [
            "2.11", "v2", "latest", "2.x.1", "2.11.1.0", "+1.2.3", "2..1",
        ] {
            assert_eq!(Version::from_tag(bad), None, "{bad}");
        }
        assert!(Version::new(2, 12, 0) > Version::new(2, 11, 9));
    }

    #[test]
    fn table_is_consistent() {
        assert_eq!(RELEASES[0].image, NEWEST);
        assert!(RELEASES.windows(2).all(|w| w[0].image > w[1].image));
        for r in REQUIREMENTS {
            assert_eq!(requirement(r.feature), Some(r));
            assert!(r.since <= NEWEST);
        }
        assert!(KNOWN_ISSUES.iter().all(|i| i.from <= i.to));
    }
}
