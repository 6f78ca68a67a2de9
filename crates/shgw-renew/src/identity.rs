//! Azure workload identity: the environment the webhook injects, and the client-credentials
//! exchange of the federated assertion for an ARM access token.

use crate::Endpoint;
use crate::budget::Budget;
use crate::error::{RenewError, Service};
use crate::http::Https;
use crate::redact::{oauth_error, remote_text};
use std::path::PathBuf;

/// The assertion type of a federated (JWT bearer) client credential.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The workload identity settings, from `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`,
/// `AZURE_FEDERATED_TOKEN_FILE` and `AZURE_AUTHORITY_HOST`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadIdentity {
    /// The identity's client (application) id.
    pub client_id: String,
    /// The Entra tenant.
    pub tenant_id: String,
    /// The projected ServiceAccount token, re-read for every request (the kubelet refreshes it).
    pub token_file: PathBuf,
    /// The Entra authority, such as `https://login.microsoftonline.com/`.
    pub authority: Endpoint,
}

impl WorkloadIdentity {
    /// Reads the settings through `var` (the process environment in the CLI).
    /// `AZURE_AUTHORITY_HOST` defaults to the public cloud's authority.
    ///
    /// # Errors
    /// [`RenewError::Env`] for a missing or malformed variable, [`RenewError::EndpointMalformed`] or [`RenewError::EndpointInsecure`] for an
    /// authority that is not HTTPS (plain HTTP only on loopback).
    ///
    /// ```
    /// use shgw_renew::WorkloadIdentity;
    /// let env = |k: &str| match k {
    ///     "AZURE_CLIENT_ID" => Some("00000000-0000-0000-0000-000000000001".to_owned()),
    ///     "AZURE_TENANT_ID" => Some("contoso.onmicrosoft.com".to_owned()),
    ///     "AZURE_FEDERATED_TOKEN_FILE" => Some("/var/run/secrets/azure/tokens/azure-identity-token".to_owned()),
    ///     _ => None,
    /// };
    /// let id = WorkloadIdentity::from_env(env).unwrap();
    /// assert_eq!(id.token_url(), "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
    /// ```
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<WorkloadIdentity, RenewError> {
        let required = |name: &'static str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or(RenewError::Env {
                    var: name,
                    reason: "not set".into(),
                })
        };
        let client_id = required("AZURE_CLIENT_ID")?;
        let tenant_id = required("AZURE_TENANT_ID")?;
        let token_file = PathBuf::from(required("AZURE_FEDERATED_TOKEN_FILE")?);
        for (name, value) in [
            ("AZURE_CLIENT_ID", &client_id),
            ("AZURE_TENANT_ID", &tenant_id),
        ] {
            if !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
                || !value.chars().any(|c| c.is_ascii_alphanumeric())
            {
                return Err(RenewError::Env {
                    var: name,
                    reason: format!("{value:?} is not a GUID or domain name"),
                });
            }
        }
        let authority = match var("AZURE_AUTHORITY_HOST").filter(|v| !v.trim().is_empty()) {
            Some(host) => Endpoint::parse("AZURE_AUTHORITY_HOST", host.trim())?,
            None => Endpoint::parse("AZURE_AUTHORITY_HOST", Endpoint::PUBLIC_AUTHORITY)?,
        };
        Ok(WorkloadIdentity {
            client_id,
            tenant_id,
            token_file,
            authority,
        })
    }

    /// The tenant's v2 token endpoint.
    pub fn token_url(&self) -> String {
        self.authority
            .join(&format!("/{}/oauth2/v2.0/token", self.tenant_id))
    }

    /// Exchanges the federated assertion (read now from the file) for an access token for
    /// `scope`.
    pub(crate) async fn access_token(
        &self,
        http: &Https,
        scope: &str,
        budget: &Budget<'_>,
    ) -> Result<String, RenewError> {
        let assertion = std::fs::read_to_string(&self.token_file)
            .map_err(|source| RenewError::AssertionFile {
                path: self.token_file.clone(),
                source,
            })?
            .trim()
            .to_owned();
        if assertion.is_empty() {
            return Err(RenewError::AssertionFile {
                path: self.token_file.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is empty"),
            });
        }
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &self.client_id)
            .append_pair("scope", scope)
            .append_pair("client_assertion_type", ASSERTION_TYPE)
            .append_pair("client_assertion", &assertion)
            .finish();
        let url = self.token_url();
        let answer = http
            .post_retrying(
                Service::Entra,
                "Entra ID token request",
                &url,
                &[("content-type", "application/x-www-form-urlencoded")],
                form.as_bytes(),
                budget,
            )
            .await?;
        let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        let text = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        if !(200..300).contains(&answer.status) {
            return Err(answer.finish(self.refusal(answer.status, &json), budget.deadline_secs()));
        }
        let bad = |detail: &str| RenewError::BadResponse {
            service: Service::Entra,
            detail: detail.to_owned(),
        };
        let token_type = text("token_type").ok_or_else(|| bad("no token_type"))?;
        if !token_type.eq_ignore_ascii_case("bearer") {
            return Err(bad(&format!(
                "token_type {:?}, expected Bearer",
                remote_text(&token_type, 40)
            )));
        }
        text("access_token")
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| bad("no usable access_token in the answer"))
    }

    fn refusal(&self, status: u16, json: &serde_json::Value) -> RenewError {
        let text = |k: &str| json.get(k).and_then(|v| v.as_str()).unwrap_or_default();
        // Entra may quote what it was sent (the assertion): shown only redacted.
        let description = remote_text(&first_line(text("error_description")), 400);
        let code = aadsts_code(&description);
        let hint = code.as_deref().and_then(hint_for);
        let error = oauth_error(text("error"));
        RenewError::Entra {
            status,
            error,
            description: if description.is_empty() {
                "(no error_description)".into()
            } else {
                description
            },
            code,
            client_id: self.client_id.clone(),
            hint,
        }
    }
}

/// The first line of `s`.
fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().trim().to_owned()
}

/// `AADSTS` and its digits, when `s` has one.
fn aadsts_code(s: &str) -> Option<String> {
    let start = s.find("AADSTS")?;
    let digits: String = s[start + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
}

/// What to fix for the codes a workload identity setup meets most.
fn hint_for(code: &str) -> Option<&'static str> {
    Some(match code {
        "AADSTS70021" => {
            "no federated identity credential matches: check its issuer (the cluster's OIDC issuer URL), subject (system:serviceaccount:<namespace>:<serviceaccount>) and audience (api://AzureADTokenExchange)"
        }
        "AADSTS700016" => {
            "no application with this client id in the tenant: check AZURE_CLIENT_ID (the ServiceAccount's azure.workload.identity/client-id) and AZURE_TENANT_ID"
        }
        "AADSTS90002" => "tenant not found: check AZURE_TENANT_ID and AZURE_AUTHORITY_HOST",
        "AADSTS700024" | "AADSTS700027" => {
            "the ServiceAccount token in AZURE_FEDERATED_TOKEN_FILE is expired or not valid: check the projected volume and the cluster's OIDC issuer"
        }
        "AADSTS500011" => "the ARM resource is not known in this cloud: check --arm-endpoint",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn aadsts_codes_are_found() {
        assert_eq!(
            aadsts_code("AADSTS70021: No matching federated identity record found").as_deref(),
            Some("AADSTS70021")
        );
        assert_eq!(aadsts_code("nothing here"), None);
        assert_eq!(aadsts_code("AADSTS: odd"), None);
    }

    #[test]
    fn environment_is_checked() {
        let full = |k: &str| {
            Some(
                match k {
                    "AZURE_CLIENT_ID" => "c1",
                    "AZURE_TENANT_ID" => "t1",
                    "AZURE_FEDERATED_TOKEN_FILE" => "/f",
                    "AZURE_AUTHORITY_HOST" => "https://login.chinacloudapi.cn/",
                    _ => return None,
                }
                .to_owned(),
            )
        };
        let id = WorkloadIdentity::from_env(full).unwrap();
        assert_eq!(
            id.token_url(),
            "https://login.chinacloudapi.cn/t1/oauth2/v2.0/token"
        );
        let missing = WorkloadIdentity::from_env(|k| {
            if k == "AZURE_TENANT_ID" {
                None
            } else {
                full(k)
            }
        });
        assert!(matches!(
            missing,
            Err(RenewError::Env {
                var: "AZURE_TENANT_ID",
                ..
            })
        ));
        let traversal = WorkloadIdentity::from_env(|k| {
            if k == "AZURE_TENANT_ID" {
                Some("../x".into())
            } else {
                full(k)
            }
        });
        assert!(matches!(traversal, Err(RenewError::Env { .. })));
        let insecure = WorkloadIdentity::from_env(|k| {
            if k == "AZURE_AUTHORITY_HOST" {
                Some("http://login.microsoftonline.com/".into())
            } else {
                full(k)
            }
        });
        assert!(matches!(insecure, Err(RenewError::EndpointInsecure { .. })));
    }
}
