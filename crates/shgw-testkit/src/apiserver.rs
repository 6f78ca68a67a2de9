//! A real kube-apiserver (v1.20, from `install-validators.sh` with `WITH_APISERVER=1`) on
//! loopback, for server-side dry runs and RBAC checks; stopped when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A running API server.
pub struct ApiServer {
    tool: PathBuf,
    kubectl: PathBuf,
    dir: PathBuf,
    port: u16,
}

/// A port `p` with `p + 1` free too (etcd's client and peer ports).
fn free_port_pair() -> Option<u16> {
    (0..200).find_map(|_| {
        let l = TcpListener::bind("127.0.0.1:0").ok()?;
        let p = l.local_addr().ok()?.port();
        (p < 65_000 && TcpListener::bind(("127.0.0.1", p + 1)).is_ok()).then_some(p)
    })
}

impl ApiServer {
    /// Starts one in a fresh folder named after `tag`, with extra environment for
    /// `local-apiserver` (`AUTHZ`, `EXTRA_TOKENS`). `None`, after a SKIPPED message, when the
    /// tool or kubectl is missing (a failure under `SHGW_REQUIRE_TOOLS=1`).
    ///
    /// # Panics
    /// When the server does not start: a test cannot go on without it.
    pub fn start(tag: &str, env: &[(&str, &str)]) -> Option<ApiServer> {
        let tool = crate::tool("local-apiserver")?;
        let kubectl = crate::tool("kubectl")?;
        let dir = crate::scratch(tag).join("kas");
        let (port, etcd) = (free_port_pair()?, free_port_pair()?);
        let mut cmd = Command::new(&tool);
        cmd.arg("start")
            .arg(&dir)
            .env("PORT", port.to_string())
            .env("ETCD_PORT", etcd.to_string());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().ok()?;
        let server = ApiServer {
            tool,
            kubectl,
            dir,
            port,
        };
        assert!(
            out.status.success(),
            "local-apiserver start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Some(server)
    }

    /// Its state folder (`certs/apiserver.crt` is its serving certificate).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Its HTTPS port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The admin's kubeconfig.
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.join("kubeconfig")
    }

    /// The pinned kubectl.
    pub fn kubectl_path(&self) -> &Path {
        &self.kubectl
    }

    /// Runs kubectl as the admin, with `stdin` piped in.
    pub fn kubectl(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(&self.kubectl);
        cmd.arg("--kubeconfig").arg(self.kubeconfig()).args(args);
        crate::run_with_stdin(&mut cmd, stdin)
    }
}

impl Drop for ApiServer {
    /// Stops the API server first and waits for it (it stops in well under a second while
    /// etcd still runs), then etcd, and removes its folder (etcd's data is some 60 MB a
    /// server; `SHGW_KEEP_SCRATCH=1` keeps it for a look after a failure).
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(self.dir.join("apiserver.pid")).unwrap_or_default();
        let pid = pid.trim();
        if !pid.is_empty() {
            let _ = Command::new("kill").args(["-TERM", pid]).status();
            let proc_dir = PathBuf::from(format!("/proc/{pid}"));
            for _ in 0..100 {
                if !proc_dir.exists() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            if proc_dir.exists() {
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
        }
        let _ = Command::new(&self.tool).arg("stop").arg(&self.dir).status();
        if std::env::var("SHGW_KEEP_SCRATCH").is_ok_and(|v| v == "1") {
            eprintln!("kept: {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
