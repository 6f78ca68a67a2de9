//! Why a renewal failed, and what to fix. Messages never contain a token, an access token or
//! the federated assertion: text from a remote service reaches them only through
//! `redact::remote_text`.

use std::path::PathBuf;

/// The Azure service a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// The Entra ID token endpoint.
    Entra,
    /// Azure Resource Manager.
    Arm,
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Service::Entra => "Entra ID token endpoint",
            Service::Arm => "Azure Resource Manager",
        })
    }
}

/// The ARM permission `generateToken` needs.
pub const GENERATE_TOKEN_ACTION: &str =
    "Microsoft.ApiManagement/service/gateways/generateToken/action";

/// Why a renewal failed. Every variant but [`RenewError::RolloutAfterStore`],
/// [`RenewError::Stamp`] and the unknowns ([`RenewError::StoreUnknown`],
/// [`RenewError::WriteUnknown`]) leaves the Secret's token as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenewError {
    /// A command-line value is out of range or malformed.
    #[error("{flag}: {reason}")]
    Option {
        /// The flag at fault.
        flag: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// An endpoint is not an absolute `scheme://host[:port][/path]` URL.
    #[error("{what} {url:?} is not an absolute URL such as https://management.azure.com")]
    EndpointMalformed {
        /// Which endpoint (`--arm-endpoint`, `AZURE_AUTHORITY_HOST`).
        what: &'static str,
        /// The text given.
        url: String,
    },
    /// An endpoint with a scheme other than `https`, or `http` to a host that is not loopback.
    #[error(
        "{what} {url:?}: only https:// is accepted (plain http:// only on loopback addresses: 127.0.0.0/8, ::1, localhost)"
    )]
    EndpointInsecure {
        /// Which endpoint.
        what: &'static str,
        /// The text given.
        url: String,
    },
    /// A workload identity variable is missing or malformed.
    #[error(
        "{var}: {reason} (the Azure workload identity webhook sets it in pods labelled azure.workload.identity/use: \"true\" whose ServiceAccount has azure.workload.identity/client-id)"
    )]
    Env {
        /// The variable.
        var: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The federated token file cannot be read.
    #[error("cannot read the federated token file {} (AZURE_FEDERATED_TOKEN_FILE): {source}", path.display())]
    AssertionFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No usable Kubernetes configuration.
    #[error("Kubernetes configuration: {detail}")]
    KubeConfig {
        /// Where it was looked for and what failed.
        detail: String,
    },
    /// A Kubernetes API call failed.
    #[error("Kubernetes: cannot {action} {object}: {detail}{hint}")]
    Kube {
        /// `get` or `patch`.
        action: &'static str,
        /// `Secret ns/name` or `Deployment ns/name`.
        object: String,
        /// The HTTP status, when the API server answered.
        status: Option<u16>,
        /// The API server's message or the transport error.
        detail: String,
        /// What to fix (starts with `; ` when present).
        hint: String,
    },
    /// The stored token is for another gateway than `--gateway`.
    #[error(
        "{object} holds a token for gateway {found:?}, not --gateway {expected:?}: check --gateway and --secret (or pass --force to replace it)"
    )]
    OtherGateway {
        /// The Secret.
        object: String,
        /// The gateway id in the stored token.
        found: String,
        /// `--gateway`.
        expected: String,
    },
    /// A request to Azure did not get an answer.
    #[error("{service}: no answer from {url}: {detail}")]
    Transport {
        /// Which service.
        service: Service,
        /// The URL (no secrets in it).
        url: String,
        /// The transport error chain.
        detail: String,
    },
    /// Entra ID refused the client-credentials request.
    #[error(
        "Entra ID refused a token for client id {client_id} (HTTP {status}, {error}{}): {description}{}",
        code.as_ref().map(|c| format!(", {c}")).unwrap_or_default(),
        hint.map(|h| format!("; {h}")).unwrap_or_default()
    )]
    Entra {
        /// HTTP status.
        status: u16,
        /// The OAuth `error` (`invalid_client`, ...).
        error: String,
        /// Entra's `AADSTS...` code, when given.
        code: Option<String>,
        /// The first line of `error_description`, without the assertion.
        description: String,
        /// `AZURE_CLIENT_ID`.
        client_id: String,
        /// What to fix, for the common codes.
        hint: Option<&'static str>,
    },
    /// ARM answered 401 or 403.
    #[error(
        "Azure Resource Manager refused generateToken (HTTP {status}{}): the identity with client id {client_id} needs {GENERATE_TOKEN_ACTION} on {path} (a role assignment with that action, such as a custom role with gateways/read and gateways/generateToken/action){}",
        code.as_ref().map(|c| format!(" {c}")).unwrap_or_default(),
        message.as_ref().map(|m| format!("; ARM said: {m}")).unwrap_or_default()
    )]
    ArmDenied {
        /// 401 or 403.
        status: u16,
        /// ARM's error code.
        code: Option<String>,
        /// ARM's message.
        message: Option<String>,
        /// `AZURE_CLIENT_ID`.
        client_id: String,
        /// The gateway's resource path.
        path: String,
    },
    /// ARM answered 404.
    #[error(
        "Azure Resource Manager: no gateway at {path} (HTTP 404{}): check --subscription, --resource-group, --service and --gateway{}",
        code.as_ref().map(|c| format!(" {c}")).unwrap_or_default(),
        message.as_ref().map(|m| format!("; ARM said: {m}")).unwrap_or_default()
    )]
    ArmNotFound {
        /// ARM's error code.
        code: Option<String>,
        /// ARM's message.
        message: Option<String>,
        /// The gateway's resource path.
        path: String,
    },
    /// ARM answered another error.
    #[error(
        "Azure Resource Manager: generateToken on {path} failed (HTTP {status}{}){}",
        code.as_ref().map(|c| format!(" {c}")).unwrap_or_default(),
        message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
    )]
    Arm {
        /// HTTP status.
        status: u16,
        /// ARM's error code.
        code: Option<String>,
        /// ARM's message.
        message: Option<String>,
        /// The gateway's resource path.
        path: String,
    },
    /// An answer that is not what the service documents.
    #[error("{service}: unexpected answer: {detail}")]
    BadResponse {
        /// Which service.
        service: Service,
        /// What is wrong (never the token).
        detail: String,
    },
    /// The token ARM issued fails the checks made before storing it.
    #[error("the token Azure issued was not stored: {detail}")]
    IssuedToken {
        /// What is wrong (never the token).
        detail: String,
    },
    /// The Secret write failed, and the Secret does not hold the new token.
    #[error("the new token was not stored ({how}): {source}")]
    Store {
        /// How that is known: the API server refused the write, or the Secret was read back.
        how: &'static str,
        /// The Kubernetes error.
        source: Box<RenewError>,
    },
    /// The Secret write's answer was lost or an error, and the Secret could not be read back.
    #[error(
        "it is not known whether the new token was stored: the write failed ({cause}) and reading the Secret back failed too ({read}); the next run reads the Secret and rolls the pods if the new token is there"
    )]
    StoreUnknown {
        /// The write's error.
        cause: Box<RenewError>,
        /// The read's error.
        read: Box<RenewError>,
    },
    /// Another write's answer was lost or an error, and the object could not be read back.
    #[error(
        "it is not known whether {object} was changed: the write failed ({cause}) and reading it back failed too ({read})"
    )]
    WriteUnknown {
        /// The object.
        object: String,
        /// The write's error.
        cause: Box<RenewError>,
        /// The read's error.
        read: Box<RenewError>,
    },
    /// A server-side dry run of the writes a renewal makes was refused: a new token could not
    /// be stored or rolled out, so Azure was not asked for one.
    #[error(
        "a renewal is due ({reason}), but a server-side dry run of the write to {object} failed, so Azure was not asked for a token that could not be stored: {source}"
    )]
    Preflight {
        /// Why a renewal is due.
        reason: String,
        /// The object.
        object: String,
        /// The Kubernetes error.
        source: Box<RenewError>,
    },
    /// The Secret kept changing while the renewer rolled the pods to what it holds.
    #[error(
        "{object} changed {rounds} times while the renewer rolled the pods to the token it holds (other runs?): run it again"
    )]
    Unsettled {
        /// The Secret.
        object: String,
        /// How many times it was read.
        rounds: u32,
    },
    /// The Secret holds no token that can be rolled out (it was changed under the renewer).
    #[error(
        "{object} no longer holds a gateway token for --gateway {gateway} to roll the pods to: run the renewer again"
    )]
    NothingToRoll {
        /// The Secret.
        object: String,
        /// `--gateway`.
        gateway: String,
    },
    /// A request kept failing in a way worth retrying until the budget or the attempts ran out.
    #[error(
        "{source} (gave up after {attempts} attempt(s), within --deadline {deadline}s; each retry is logged)"
    )]
    GaveUp {
        /// Attempts made.
        attempts: u32,
        /// `--deadline` in seconds.
        deadline: u64,
        /// The last attempt's error.
        source: Box<RenewError>,
    },
    /// The token is stored but the Deployment could not be patched.
    #[error(
        "the new token is stored in Secret {namespace}/{secret} (expires {expiry}), but the gateway pods still run with the old one and need a restart: kubectl rollout restart deployment/{deployment} -n {namespace}; cause: {source}"
    )]
    RolloutAfterStore {
        /// Namespace.
        namespace: String,
        /// The Secret.
        secret: String,
        /// The Deployment.
        deployment: String,
        /// The new token's expiry (RFC 3339).
        expiry: String,
        /// The Kubernetes error.
        source: Box<RenewError>,
    },
    /// Everything else succeeded, but the run could not record its success on the Secret.
    #[error(
        "{done}, but annotation shgw.dev/renewer-last-success could not be set, so monitors will see the renewer as failing: {source}"
    )]
    Stamp {
        /// What the run did before.
        done: String,
        /// The Kubernetes error.
        source: Box<RenewError>,
    },
    /// The async runtime could not start.
    #[error("cannot start the I/O runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// What kind of failure a [`RenewError`] is; the CLI maps it to an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A flag's value is out of range or malformed.
    Usage,
    /// An endpoint, a workload identity variable, the federated token file or the Kubernetes
    /// configuration is not usable.
    Input,
    /// The Kubernetes API refused, failed or changed under the renewer.
    Kubernetes,
    /// Azure (Entra ID or ARM) refused, failed, did not answer or answered something
    /// undocumented.
    Azure,
    /// The stored token is for another gateway.
    OtherGateway,
    /// The deadline or the retries ran out.
    GaveUp,
    /// The async runtime could not start.
    Runtime,
}

impl RenewError {
    /// What kind of failure it is.
    ///
    /// ```
    /// let e = shgw_renew::Endpoint::parse("--arm-endpoint", "http://management.azure.com").unwrap_err();
    /// assert_eq!(e.kind(), shgw_renew::ErrorKind::Input);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        use RenewError as E;
        match self {
            E::Option { .. } => ErrorKind::Usage,
            E::EndpointMalformed { .. }
            | E::EndpointInsecure { .. }
            | E::Env { .. }
            | E::AssertionFile { .. }
            | E::KubeConfig { .. } => ErrorKind::Input,
            E::Kube { .. }
            | E::Store { .. }
            | E::StoreUnknown { .. }
            | E::WriteUnknown { .. }
            | E::Preflight { .. }
            | E::Unsettled { .. }
            | E::NothingToRoll { .. }
            | E::RolloutAfterStore { .. }
            | E::Stamp { .. } => ErrorKind::Kubernetes,
            E::Transport { .. }
            | E::Entra { .. }
            | E::ArmDenied { .. }
            | E::ArmNotFound { .. }
            | E::Arm { .. }
            | E::BadResponse { .. }
            | E::IssuedToken { .. } => ErrorKind::Azure,
            E::OtherGateway { .. } => ErrorKind::OtherGateway,
            E::GaveUp { .. } => ErrorKind::GaveUp,
            E::Runtime(_) => ErrorKind::Runtime,
        }
    }

    /// Whether the Secret was changed before the failure (only after a successful store).
    pub fn secret_changed(&self) -> bool {
        match self {
            RenewError::RolloutAfterStore { .. } | RenewError::Stamp { .. } => true,
            RenewError::GaveUp { source, .. } => source.secret_changed(),
            _ => false,
        }
    }
}

/// An error and its sources, joined with `: `.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = s.source();
    }
    out
}
