//! The Azure half of a renewal (Entra ID client credentials with the federated assertion,
//! then ARM generateToken) against a loopback stand-in that checks every request field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod standin;

use jiff::{SignedDuration, Timestamp};
use shgw_renew::{
    Endpoint, GatewayRef, KeyType, KubeAccess, Proxy, RenewError, Request, Target,
    WorkloadIdentity, issue_token,
};
use standin::{ArmMode, ConnectProxy, EntraMode, Expect, Fault, StandIn};
use std::cell::RefCell;
use std::path::PathBuf;

const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
const TENANT: &str = "contoso.onmicrosoft.com";

struct Fixture {
    standin: StandIn,
    assertion_file: PathBuf,
    assertion: String,
}

fn fixture(tag: &str) -> Fixture {
    let dir = shgw_testkit::scratch(&format!("renew-azure-{tag}"));
    let assertion_file = dir.join("azure-identity-token");
    let assertion = format!("eyJhbGciOiJSUzI1NiJ9.assertion-{tag}.c2lnbmVk");
    std::fs::write(&assertion_file, format!("{assertion}\n")).unwrap();
    let standin = StandIn::start(Expect {
        tenant: TENANT.into(),
        client_id: CLIENT_ID.into(),
        assertion_file: assertion_file.clone(),
        arm_base: String::new(),
        subscription: "0000-sub".into(),
        resource_group: "rg-gw".into(),
        service: "contoso-apim".into(),
        gateway: "contoso-west".into(),
        key_type: "primary",
        entra: EntraMode::Issue,
        arm: ArmMode::Issue,
        entra_faults: Vec::new(),
        arm_faults: Vec::new(),
    });
    let url = standin.url();
    standin.set(|e| e.arm_base = url);
    Fixture {
        standin,
        assertion_file,
        assertion,
    }
}

impl Fixture {
    fn request(&self) -> Request {
        Request {
            target: Target {
                namespace: "apim".into(),
                secret: "contoso-west-token".into(),
                secret_key: "value".into(),
                deployment: Some("contoso-west".into()),
            },
            gateway: GatewayRef {
                subscription: "0000-sub".into(),
                resource_group: "rg-gw".into(),
                service: "contoso-apim".into(),
                gateway: "contoso-west".into(),
            },
            renew_before: SignedDuration::from_hours(240),
            validity: SignedDuration::from_hours(29 * 24),
            key: KeyType::Primary,
            arm: Endpoint::parse("--arm-endpoint", &self.standin.url()).unwrap(),
            kube: KubeAccess::Infer,
            force: false,
            dry_run: false,
            now: Timestamp::now(),
            deadline: std::time::Duration::from_secs(600),
        }
    }

    fn identity(&self) -> WorkloadIdentity {
        let url = format!("{}/", self.standin.url());
        let file = self.assertion_file.display().to_string();
        WorkloadIdentity::from_env(|k| match k {
            "AZURE_CLIENT_ID" => Some(CLIENT_ID.into()),
            "AZURE_TENANT_ID" => Some(TENANT.into()),
            "AZURE_FEDERATED_TOKEN_FILE" => Some(file.clone()),
            "AZURE_AUTHORITY_HOST" => Some(url.clone()),
            _ => None,
        })
        .unwrap()
    }

    /// The message of `e` contains none of the secrets, nor any 20 characters of one, nor of
    /// the assertion or its base64.
    fn assert_clean(&self, text: &str) {
        use base64::Engine as _;
        let mut secrets = self.standin.secrets();
        secrets.push(self.assertion.clone());
        secrets.push(base64::engine::general_purpose::STANDARD.encode(&self.assertion));
        for s in secrets {
            assert_no_fragment(text, &s);
        }
        assert!(
            !text.chars().any(char::is_control),
            "control characters: {text:?}"
        );
    }
}

/// No 20 characters in a row of `secret` appear in `text`.
fn assert_no_fragment(text: &str, secret: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(20) {
        let piece: String = w.iter().collect();
        assert!(!text.contains(&piece), "{piece:?} of a secret in: {text}");
    }
}

/// Runs `issue_token` and returns its result with the lines it logged.
fn issue_logged(f: &Fixture, request: &Request) -> (Result<shgw::Token, RenewError>, Vec<String>) {
    let lines = RefCell::new(Vec::new());
    let result = issue_token(request, &f.identity(), &Proxy::none(), |l| {
        lines.borrow_mut().push(l.to_owned())
    });
    (result, lines.into_inner())
}

#[test]
fn busy_or_failing_services_are_retried_with_backoff_honouring_retry_after() {
    let f = fixture("retry");
    f.standin.set(|e| {
        e.entra_faults = vec![Fault::Status(503, None), Fault::Drop];
        e.arm_faults = vec![Fault::Status(429, Some("1")), Fault::Status(500, None)];
    });
    let (token, lines) = issue_logged(&f, &f.request());
    let token = token.unwrap();
    assert_eq!(token.gateway_id(), "contoso-west");
    // Every attempt, the failed ones included, carried a correct request and User-Agent.
    f.standin.assert_all_valid();
    assert_eq!((f.standin.count("entra"), f.standin.count("arm")), (3, 3));
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].starts_with("Entra ID token request: attempt 1 failed (HTTP 503); retrying in 1s"),
        "{lines:#?}"
    );
    assert!(
        lines[1].starts_with("Entra ID token request: attempt 2 failed (no answer: "),
        "{lines:#?}"
    );
    assert!(lines[1].contains("retrying in 2s"), "{lines:#?}");
    assert!(lines[2].starts_with("ARM generateToken: attempt 1 failed (HTTP 429); retrying in 1s as the server's Retry-After asks"), "{lines:#?}");
    assert!(
        lines[3].starts_with("ARM generateToken: attempt 2 failed (HTTP 500); retrying in 2s"),
        "{lines:#?}"
    );
    for l in &lines {
        assert!(l.contains("s left of --deadline 600s"), "{l}");
        f.assert_clean(l);
    }
}

#[test]
fn retries_stop_within_the_deadline() {
    let f = fixture("deadline");
    f.standin
        .set(|e| e.arm_faults = vec![Fault::Status(503, Some("5")); 10]);
    let mut request = f.request();
    request.deadline = std::time::Duration::from_secs(12);
    let (result, lines) = issue_logged(&f, &request);
    let e = result.unwrap_err();
    let text = e.to_string();
    // 12 s with a reserve of 2.4 s: one pause of 5 s fits, a second does not.
    assert!(
        matches!(
            e,
            RenewError::GaveUp {
                attempts: 2,
                deadline: 12,
                ..
            }
        ),
        "{text}"
    );
    assert!(text.contains("HTTP 503"), "{text}");
    assert!(
        text.contains("gave up after 2 attempt(s), within --deadline 12s"),
        "{text}"
    );
    assert_eq!(f.standin.count("arm"), 2);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[1].contains("not retrying: waiting 5s as the server's Retry-After asks would leave less than 2s of --deadline 12s"), "{lines:#?}");
}

#[test]
fn remote_messages_never_carry_a_secret_or_a_piece_of_one() {
    let f = fixture("echo");
    f.standin.set(|e| e.entra = EntraMode::Echo);
    let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, RenewError::Entra { status: 400, .. }), "{text}");
    assert!(text.contains("AADSTS50027"), "{text}");
    assert!(
        text.contains("an OAuth error code that is not one (not shown)"),
        "{text}"
    );
    assert!(text.contains("<redacted>"), "{text}");
    f.assert_clean(&text);

    f.standin.set(|e| {
        e.entra = EntraMode::Issue;
        e.arm = ArmMode::Echo;
    });
    let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, RenewError::ArmDenied { status: 401, .. }),
        "{text}"
    );
    assert!(text.contains("<redacted>"), "{text}");
    f.assert_clean(&text);
    f.standin.assert_all_valid();
}

#[test]
fn a_token_is_issued_for_the_gateway_and_expiry_asked() {
    let f = fixture("ok");
    let request = f.request();
    let token = issue_token(&request, &f.identity(), &Proxy::none(), |_| {}).unwrap();
    f.standin.assert_all_valid();
    assert_eq!(f.standin.count("entra"), 1);
    assert_eq!(f.standin.count("arm"), 1);
    assert_eq!(token.gateway_id(), "contoso-west");
    assert_eq!(token.expiry(), request.requested_expiry());
    let left = token.expiry().as_second() - request.now.as_second();
    assert!(left <= 29 * 86_400 && left > 29 * 86_400 - 60, "{left}");
    let issued = f.standin.last_gateway_token().unwrap();
    assert_eq!(token.reveal(), format!("GatewayKey {issued}"));
    f.assert_clean(&format!("{token} {token:?}"));
}

#[test]
fn the_assertion_is_read_again_for_every_request() {
    let f = fixture("reread");
    issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap();
    std::fs::write(
        &f.assertion_file,
        "eyJhbGciOiJSUzI1NiJ9.rotated-by-kubelet.c2ln",
    )
    .unwrap();
    issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap();
    f.standin.assert_all_valid();
    assert_eq!(f.standin.count("entra"), 2);
}

#[test]
fn the_secondary_key_and_a_sovereign_cloud_on_another_host_name() {
    let f = fixture("secondary");
    f.standin.set(|e| e.key_type = "secondary");
    let mut request = f.request();
    request.key = KeyType::Secondary;
    // The ARM endpoint on another name than the authority: the scope follows --arm-endpoint.
    let arm = format!("http://localhost:{}", f.standin.addr.port());
    f.standin.set(|e| e.arm_base = arm.clone());
    request.arm = Endpoint::parse("--arm-endpoint", &arm).unwrap();
    issue_token(&request, &f.identity(), &Proxy::none(), |_| {}).unwrap();
    f.standin.assert_all_valid();
    assert_eq!(f.standin.count("arm"), 1);
}

#[test]
fn the_stand_in_rejects_a_wrong_field() {
    // The stand-in is strict: an identity it does not expect is refused, and the failure
    // shows Entra's error code.
    let f = fixture("strict");
    f.standin.set(|e| e.client_id = "someone-else".into());
    let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, RenewError::Entra { status: 400, .. }), "{text}");
    assert!(text.contains("AADSTS900144"), "{text}");
    assert!(f.standin.calls()[0].verdict.is_err());
    assert_eq!(f.standin.count("arm"), 0);
    f.assert_clean(&text);
}

#[test]
fn entra_errors_show_the_aadsts_code_and_never_the_assertion() {
    let f = fixture("aadsts");
    let description = format!(
        "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://oidc.example'. Assertion Subject: 'system:serviceaccount:apim:contoso-west-token-renewer'. Assertion: {}\r\nTrace ID: 0",
        f.assertion
    );
    f.standin
        .set(|e| e.entra = EntraMode::Fail(401, "invalid_client", description));
    let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("AADSTS70021"), "{text}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(text.contains(CLIENT_ID), "{text}");
    assert!(
        text.contains("api://AzureADTokenExchange"),
        "a hint: {text}"
    );
    assert!(!text.contains("Trace ID"), "first line only: {text}");
    f.assert_clean(&text);
    f.standin.assert_all_valid();
    assert_eq!(
        f.standin.count("arm"),
        0,
        "ARM is not called without a token"
    );
}

#[test]
fn arm_403_names_the_permission_and_the_identity() {
    let f = fixture("403");
    f.standin.set(|e| {
        e.arm = ArmMode::Fail(
            403,
            "AuthorizationFailed",
            "The client '11111111-2222-3333-4444-555555555555' with object id 'x' does not have authorization to perform action 'Microsoft.ApiManagement/service/gateways/generateToken/action'".into(),
        )
    });
    let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, RenewError::ArmDenied { status: 403, .. }),
        "{text}"
    );
    assert!(
        text.contains("needs Microsoft.ApiManagement/service/gateways/generateToken/action"),
        "{text}"
    );
    assert!(text.contains(&format!("client id {CLIENT_ID}")), "{text}");
    assert!(text.contains("AuthorizationFailed"), "{text}");
    f.assert_clean(&text);
    f.standin.assert_all_valid();
}

#[test]
fn arm_401_is_a_permission_error_too() {
    let f = fixture("401");
    f.standin
        .set(|e| e.arm = ArmMode::Fail(401, "InvalidAuthenticationToken", "expired".into()));
    let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    assert!(
        matches!(e, RenewError::ArmDenied { status: 401, .. }),
        "{e}"
    );
}

#[test]
fn arm_404_names_the_gateway_path() {
    let f = fixture("404");
    f.standin
        .set(|e| e.arm = ArmMode::Fail(404, "ResourceNotFound", "Gateway not found.".into()));
    let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("/subscriptions/0000-sub/resourceGroups/rg-gw/providers/Microsoft.ApiManagement/service/contoso-apim/gateways/contoso-west"),
        "{text}"
    );
    assert!(text.contains("--gateway"), "{text}");
    f.assert_clean(&text);
}

#[test]
fn other_arm_errors_show_status_and_code() {
    let f = fixture("500");
    f.standin
        .set(|e| e.arm = ArmMode::Fail(500, "InternalServerError", "try later".into()));
    let mut request = f.request();
    request.deadline = std::time::Duration::from_secs(10);
    let e = issue_token(&request, &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, RenewError::GaveUp { attempts: 4, .. }),
        "{text}"
    );
    assert!(text.contains("HTTP 500 InternalServerError"), "{text}");
    f.assert_clean(&text);
}

#[test]
fn a_token_for_another_gateway_or_expiry_is_refused_without_showing_it() {
    for (mode, needle) in [
        (
            ArmMode::WrongGateway,
            "it is for gateway \"contoso-west-other\"",
        ),
        (ArmMode::WrongExpiry, "was asked for"),
    ] {
        let f = fixture("wrong");
        f.standin.set(|e| e.arm = mode.clone());
        let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, RenewError::IssuedToken { .. }), "{text}");
        assert!(text.contains(needle), "{text}");
        f.assert_clean(&text);
        f.standin.assert_all_valid();
    }
}

#[test]
fn the_missing_assertion_file_is_named() {
    let f = fixture("nofile");
    std::fs::remove_file(&f.assertion_file).unwrap();
    let e = issue_token(&f.request(), &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    assert!(matches!(e, RenewError::AssertionFile { .. }), "{e}");
    assert!(e.to_string().contains("AZURE_FEDERATED_TOKEN_FILE"));
    assert!(f.standin.calls().is_empty());
}

#[test]
fn options_out_of_range_are_refused_before_any_call() {
    let f = fixture("options");
    let mut r = f.request();
    r.validity = SignedDuration::from_hours(31 * 24);
    let e = issue_token(&r, &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    assert!(e.to_string().starts_with("--validity"), "{e}");
    let mut r = f.request();
    r.renew_before = r.validity;
    assert!(issue_token(&r, &f.identity(), &Proxy::none(), |_| {}).is_err());
    let mut r = f.request();
    r.gateway.gateway = "gw/../../x".into();
    let e = issue_token(&r, &f.identity(), &Proxy::none(), |_| {}).unwrap_err();
    assert!(e.to_string().starts_with("--gateway"), "{e}");
    assert!(f.standin.calls().is_empty());
}

#[test]
fn no_answer_is_a_transport_error_naming_the_url() {
    let f = fixture("down");
    let url = f.standin.url();
    drop(f.standin);
    let file = f.assertion_file.display().to_string();
    let identity = WorkloadIdentity::from_env(|k| match k {
        "AZURE_CLIENT_ID" => Some(CLIENT_ID.into()),
        "AZURE_TENANT_ID" => Some(TENANT.into()),
        "AZURE_FEDERATED_TOKEN_FILE" => Some(file.clone()),
        "AZURE_AUTHORITY_HOST" => Some(url.clone()),
        _ => None,
    })
    .unwrap();
    let mut r = Fixture::request_for(&url);
    r.now = Timestamp::now();
    // Retried within the shortest deadline (pauses of 1, 2 and 4 s), then given up.
    r.deadline = std::time::Duration::from_secs(10);
    let e = issue_token(&r, &identity, &Proxy::none(), |_| {}).unwrap_err();
    let RenewError::GaveUp { source, .. } = &e else {
        panic!("{e}")
    };
    assert!(matches!(**source, RenewError::Transport { .. }), "{e}");
    assert!(
        e.to_string()
            .contains(&format!("{url}/{TENANT}/oauth2/v2.0/token")),
        "{e}"
    );
}

impl Fixture {
    fn request_for(arm: &str) -> Request {
        Request {
            target: Target {
                namespace: "apim".into(),
                secret: "s".into(),
                secret_key: "value".into(),
                deployment: None,
            },
            gateway: GatewayRef {
                subscription: "0000-sub".into(),
                resource_group: "rg-gw".into(),
                service: "contoso-apim".into(),
                gateway: "contoso-west".into(),
            },
            renew_before: SignedDuration::from_hours(240),
            validity: SignedDuration::from_hours(29 * 24),
            key: KeyType::Primary,
            arm: Endpoint::parse("--arm-endpoint", arm).unwrap(),
            kube: KubeAccess::Infer,
            force: false,
            dry_run: false,
            now: Timestamp::now(),
            deadline: std::time::Duration::from_secs(600),
        }
    }
}

#[test]
fn https_goes_through_the_proxy_with_its_credentials_never_shown() {
    // The real authority and ARM hosts, reached only through a loopback proxy that refuses
    // every CONNECT: nothing leaves the machine.
    let proxy = ConnectProxy::start(None);
    let url = format!("http://renewer:pr0xy-pass@{}", proxy.addr);
    let settings = Proxy::from_env(|k| (k == "HTTPS_PROXY").then(|| url.clone())).unwrap();
    let dir = shgw_testkit::scratch("renew-proxy");
    let file = dir.join("token");
    std::fs::write(&file, "eyJhbGciOiJSUzI1NiJ9.proxy.c2ln").unwrap();
    let path = file.display().to_string();
    let identity = WorkloadIdentity::from_env(|k| match k {
        "AZURE_CLIENT_ID" => Some(CLIENT_ID.into()),
        "AZURE_TENANT_ID" => Some(TENANT.into()),
        "AZURE_FEDERATED_TOKEN_FILE" => Some(path.clone()),
        _ => None,
    })
    .unwrap();
    let mut request = Fixture::request_for(Endpoint::PUBLIC_ARM);
    request.deadline = std::time::Duration::from_secs(10);
    let e = issue_token(&request, &identity, &settings, |_| {}).unwrap_err();
    let text = e.to_string();
    let RenewError::GaveUp {
        source, attempts, ..
    } = &e
    else {
        panic!("{e}")
    };
    assert!(matches!(**source, RenewError::Transport { .. }), "{text}");
    let attempts = *attempts as usize;
    assert!(
        text.contains(&format!("through proxy http://{}", proxy.addr)),
        "{text}"
    );
    assert!(!text.contains("pr0xy-pass"), "{text}");
    // Each attempt asked the proxy the same, with the credentials.
    assert_eq!(
        proxy.connects(),
        vec![
            (
                "CONNECT login.microsoftonline.com:443".to_owned(),
                // base64("renewer:pr0xy-pass")
                Some("Basic cmVuZXdlcjpwcjB4eS1wYXNz".to_owned())
            );
            attempts
        ]
    );
}

#[test]
fn loopback_endpoints_never_use_the_proxy() {
    let f = fixture("noproxy");
    let proxy = ConnectProxy::start(None);
    let url = format!("http://{}", proxy.addr);
    let settings = Proxy::from_env(|k| (k == "ALL_PROXY").then(|| url.clone())).unwrap();
    issue_token(&f.request(), &f.identity(), &settings, |_| {}).unwrap();
    f.standin.assert_all_valid();
    assert!(proxy.connects().is_empty());
}
