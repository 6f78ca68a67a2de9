//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Production-grade Kubernetes manifests for the Azure API Management self-hosted gateway.
#[derive(Parser)]
#[command(name = "shgw", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Render a Gateway file into Kubernetes manifests on stdout.
    #[command(
        after_help = "Examples:\n  shgw render                                  # the embedded example, production profile\n  shgw render -f gateway.yaml --profile production --token-file token.txt | kubectl apply -f -\n  shgw render -f gateway.yaml --profile dev --set spec.replicas=2 -o json\n  shgw render -f gateway.yaml -o arc-extension > extension-properties.json"
    )]
    Render(RenderArgs),
    /// Check a Gateway file against the spec and the profile's review rules; renders nothing.
    #[command(
        after_help = "Examples:\n  shgw validate -f gateway.yaml --profile production\n  shgw validate -f fleet.yaml --format json"
    )]
    Validate(ValidateArgs),
    /// Build a kustomization directory like `kubectl kustomize`, expanding Gateway resources.
    #[command(
        after_help = "Examples:\n  shgw build overlays/prod | kubectl apply -f -\n  shgw build overlays/dev --profile dev --fail-on never\n\nEvery gateway workload built (rendered from a Gateway or written as plain objects) is reviewed\nwith the profile's rules; error findings refuse the build (exit 1, nothing on stdout)."
    )]
    Build(BuildArgs),
    /// Gateway token helpers.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print the JSON Schema of the Gateway file.
    #[command(after_help = "Example:\n  shgw schema > gateway.schema.json")]
    Schema,
    /// List the embedded profiles, or print one resolved (`show`).
    #[command(
        after_help = "Examples:\n  shgw profiles\n  shgw profiles show production\n  shgw profiles show team-profile.yaml   # with everything it extends folded in"
    )]
    Profiles(ProfilesArgs),
    /// Review any gateway deployment (portal YAML, Helm output, a kustomization) against the rules.
    #[command(
        after_help = "Examples:\n  shgw review contoso-west.yml\n  helm template gw azure-apim-gateway/azure-api-management-gateway -f values.yaml | shgw review - --format sarif > review.sarif\n  shgw review overlays/prod --profile production --fail-on warning\n  shgw review --explain SHGW055\n\nSuppress a finding on the object or its pod template:\n  metadata.annotations: {shgw.dev/ignore: \"SHGW070=stateless edge gateway until 2027-03-31\"}\n\nExit codes: 0 nothing reaches --fail-on, 1 findings at that level or bad input, 2 usage error."
    )]
    Review(ReviewArgs),
    /// Gateway file(s) from an existing deployment (portal YAML, `helm template` output) or the
    /// Azure chart's values.
    #[command(
        after_help = "Examples:\n  shgw import contoso-west.yml > gateway.yaml\n  helm template gw azure-apim-gateway/azure-api-management-gateway -f values.yaml | shgw import -\n  shgw import --helm-values values.yaml --release contoso-east --namespace apim-east\n  az k8s-extension show -g RG -c CLUSTER -t connectedClusters -n contoso-west | shgw import -\n\nAn Azure Arc extension (Microsoft.ApiManagement.Gateway) is recognised as JSON: an ARM resource\nor template, `az k8s-extension show` output, or the properties object alone.\n\nWhat cannot be carried over is listed on stderr and as a comment at the top of the output.\nSecret values are never carried over, only the names of the Secrets."
    )]
    Import(ImportArgs),
    /// Read the live objects a Gateway renders from the cluster and report their health.
    #[command(
        after_help = "Checks: every object present; the Deployment's available/desired replicas and rollout; the\nService's external address; the backup claim's phase; the token's expiry (annotation\nshgw.dev/token-expiry, read from the Secret's metadata only: never the token); the renewer's last\nsuccess (annotation shgw.dev/renewer-last-success, or the CronJob's status.lastSuccessfulTime),\nstale beyond twice the longest gap between its runs; recent Warning events of what is not ok.\nA Role that is enough: examples/rbac/status-role.yaml.\n\nExamples:\n  shgw status -f gateway.yaml\n  shgw status -f fleet.yaml --context prod-westeurope --format json\n  shgw build overlays/prod | shgw status -f - --wait 5m\n\nExit codes: 0 healthy, 1 not healthy (or bad input), 2 usage error, 3 the cluster cannot be\nreached (no configuration, no connection, TLS failure, credentials refused)."
    )]
    Status(StatusArgs),
    /// KRM function (kustomize/kpt): a ResourceList on stdin whose functionConfig is a Gateway;
    /// its objects are added to the items, review findings become results.
    #[command(
        name = "fn",
        after_help = "The profile is the Gateway's annotation shgw.dev/profile (production by default).\nExit 1 when a result is an error; the ResourceList is printed all the same.\n\nExamples:\n  kustomize build --enable-alpha-plugins --enable-exec overlays/prod   # a generators: entry running `shgw fn`\n  kpt fn eval . --exec \"shgw fn\" --fn-config gateway.yaml\n\n(`kubectl kustomize` does not run exec functions.)"
    )]
    Fn,
    /// The Argo CD Config Management Plugin's steps (deploy/argocd/plugin.yaml).
    #[command(subcommand)]
    Argocd(ArgocdCommand),
    /// Print a shell completion script, generated from the command definitions.
    #[command(
        after_help = "Examples:\n  shgw completions bash > ~/.local/share/bash-completion/completions/shgw\n  shgw completions zsh > \"${fpath[1]}/_shgw\"\n  shgw completions fish > ~/.config/fish/completions/shgw.fish\n  shgw completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), generated from the command definitions.
    #[command(
        after_help = "Examples:\n  shgw man > shgw.1 && man ./shgw.1\n  shgw man token renew | man -l -"
    )]
    Man(ManArgs),
}

#[derive(Subcommand)]
pub enum ArgocdCommand {
    /// Print the files that make the current directory an shgw app (nothing when it is not one).
    Discover,
    /// Print the app's manifests: `shgw build` of its kustomization, or its Gateway files rendered.
    #[command(
        after_help = "Reads PARAM_PROFILE or ARGOCD_ENV_PROFILE (the profile; production by default),\nARGOCD_APP_NAMESPACE (the namespace of Gateways that name none) and KUBE_VERSION (the\nversion of the cluster, as render --kube-version). Any failure exits 1 with\nnothing on stdout, and so does an empty result."
    )]
    Generate,
}

/// The shells `shgw completions` writes scripts for.
#[derive(Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// The page of a subcommand (`render`, `token renew`, ...); the page of shgw without one.
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Args)]
pub struct StatusArgs {
    /// Gateway file, or manifests (such as `shgw build` output; Gateway documents in them are
    /// rendered); `-` reads stdin. Without it, the embedded example gateway.
    #[arg(short = 'f', long = "file", value_name = "FILE|-")]
    pub file: Option<String>,
    /// Profile the Gateways render with, and whose minTokenDays a token is judged by: `dev`,
    /// `production`, `openshift` or a profile file.
    #[arg(long, value_name = "PROFILE", default_value = shgw::profile::DEFAULT)]
    pub profile: String,
    /// Kubeconfig file; without it, the pod's ServiceAccount in a cluster, else KUBECONFIG or
    /// ~/.kube/config.
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context; its current context otherwise.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Poll until healthy, for at most DURATION (90s, 5m, 1h30m), then print the report;
    /// without a value (or 0) no limit, as `kubectl rollout status` waits by default.
    #[arg(
        long,
        value_name = "DURATION",
        num_args = 0..=1,
        default_missing_value = "0"
    )]
    pub wait: Option<String>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// Manifests holding gateway deployments (YAML or JSON, several documents, List kinds);
    /// `-` reads stdin.
    #[arg(
        value_name = "FILE|-",
        required_unless_present = "helm_values",
        conflicts_with = "helm_values"
    )]
    pub input: Option<String>,
    /// Read the Azure chart's values file instead.
    #[arg(long, value_name = "FILE")]
    pub helm_values: Option<String>,
    /// With --helm-values: the Helm release name (objects are named `RELEASE-azure-api-management-gateway`).
    #[arg(long, value_name = "NAME", requires = "helm_values")]
    pub release: Option<String>,
    /// The namespace the objects live in, where the input names none (`helm template`
    /// output, the portal's file) or the release is installed in (with --helm-values).
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// The Gateway's name, for an Azure Arc extension's `properties` object alone (which names
    /// none); an ARM resource or `az k8s-extension show` output gives the extension's name.
    #[arg(long, value_name = "NAME", conflicts_with = "helm_values")]
    pub name: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReviewFormat {
    Text,
    Json,
    Sarif,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Args)]
pub struct ReviewArgs {
    /// Manifests (YAML or JSON, several documents, List kinds), `-` for stdin, or a
    /// kustomization directory (built first).
    #[arg(value_name = "FILE|-|DIR", required_unless_present_any = ["explain", "list_rules"])]
    pub input: Option<String>,
    /// The profile whose rule levels and parameters apply: dev, production, openshift, or a
    /// profile file (which may extend one of them).
    #[arg(long, value_name = "NAME|PATH", default_value = shgw::profile::DEFAULT)]
    pub profile: String,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReviewFormat,
    /// Fail (exit 1) when an unsuppressed finding reaches this level.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// The name standard input (`-`) goes by in every finding and report format, such as the
    /// file it came from (default `<stdin>`).
    #[arg(long, value_name = "NAME")]
    pub source_name: Option<String>,
    /// Print the explanation of a rule (such as SHGW055) and exit.
    #[arg(long, value_name = "RULE", conflicts_with = "input")]
    pub explain: Option<String>,
    /// List every rule with its level under each embedded profile, and exit.
    #[arg(long, conflicts_with_all = ["input", "explain"])]
    pub list_rules: bool,
}

#[derive(Args)]
pub struct InputArgs {
    /// Gateway file (YAML or JSON, one or more documents); `-` reads stdin. Without it, the
    /// embedded example gateway.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<String>,
    /// `dev`, `production`, `openshift` or the path of a profile file: its defaults go under
    /// the Gateway, its rules judge the rendered objects.
    #[arg(long, value_name = "NAME|PATH", default_value = shgw::profile::DEFAULT)]
    pub profile: String,
    /// Override a field in every Gateway: `--set spec.replicas=4` (`\.` for a literal dot).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Kubernetes version of the target cluster (`1.30`, `v1.30.2`, `1.30+`): fields it lacks
    /// are left out with a warning, and an object it cannot serve (the renewer's admission
    /// policy before 1.30) refuses the render. Oldest: 1.25. Without it, the output for current
    /// Kubernetes.
    #[arg(long, value_name = "X.Y")]
    pub kube_version: Option<String>,
}

#[derive(Args)]
pub struct TokenSource {
    /// Read the gateway token from this file.
    #[arg(long, value_name = "FILE", conflicts_with = "token_env")]
    pub token_file: Option<PathBuf>,
    /// Read the gateway token from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Yaml,
    Json,
    /// The ARM `properties` of the Azure Arc cluster extension (Microsoft.ApiManagement.Gateway),
    /// an array of them for a fleet; how to pass them to `az k8s-extension create` and what the
    /// extension cannot express go to stderr.
    #[value(name = "arc-extension")]
    ArcExtension,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub token: TokenSource,
    /// Days the token must still be valid; the profile's `parameters.minTokenDays` otherwise.
    #[arg(long, value_name = "DAYS")]
    pub min_token_days: Option<u32>,
    /// Render even when the token has fewer days left than required (a warning instead).
    #[arg(long)]
    pub allow_expiring_token: bool,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "yaml")]
    pub output: OutputFormat,
}

#[derive(Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

#[derive(Args)]
pub struct BuildArgs {
    /// Directory holding a kustomization.yaml.
    pub dir: std::path::PathBuf,
    /// Profile for the Gateway resources found in the tree, and whose rules review every
    /// gateway workload built: `dev`, `production` or a file.
    #[arg(long, value_name = "PROFILE", default_value = shgw::profile::DEFAULT)]
    pub profile: String,
    /// Refuse the build (exit 1, nothing on stdout) when an unsuppressed review finding reaches
    /// this level; `never` builds anyway (a dev overlay).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Kubernetes version of the target cluster (`1.30`, `v1.30.2`, `1.30+`): fields it lacks
    /// are left out with a warning, and an object it cannot serve (the renewer's admission
    /// policy before 1.30) refuses the render. Oldest: 1.25. Without it, the output for current
    /// Kubernetes.
    #[arg(long, value_name = "X.Y")]
    pub kube_version: Option<String>,
}

#[derive(Args)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub command: Option<ProfilesCommand>,
}

#[derive(Subcommand)]
pub enum ProfilesCommand {
    /// Print a profile resolved: everything it extends folded in, every rule's level, every
    /// parameter and the defaults, as YAML.
    Show {
        /// An embedded profile's name or the path of a profile file.
        #[arg(value_name = "NAME|PATH")]
        profile: String,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Show a token's gateway, expiry and days left (never the signature).
    #[command(after_help = "Example:\n  shgw token inspect --token-file token.txt")]
    Inspect(TokenSource),
    /// Renew the token in a Secret with Azure workload identity when it nears expiry, then
    /// roll the gateway's pods (what the renewer CronJob runs).
    #[command(
        after_help = "Needs get and patch on the Secret and the Deployment, and for Azure the workload identity\nenvironment (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST)\nwith Microsoft.ApiManagement/service/gateways/generateToken/action on the gateway.\n\nExample:\n  shgw token renew --namespace apim-gateway --secret contoso-token --deployment contoso \\\n    --subscription 00000000-0000-0000-0000-000000000000 --resource-group rg \\\n    --service contoso-apim --gateway contoso --dry-run"
    )]
    Renew(Box<crate::renew::RenewArgs>),
}
