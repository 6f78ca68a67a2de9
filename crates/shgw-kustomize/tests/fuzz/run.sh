#!/usr/bin/env bash
# Differential fuzzing: `shgw build` vs `kubectl kustomize` on random trees from gen.py.
# Usage: run.sh N [FIRST]   (seeds FIRST..FIRST+N-1, FIRST defaults to 1)
# Env: KUBECTL (default: /opt/validators/bin/kubectl, v1.37.1; /usr/bin/kubectl is older),
#      FUZZ_DIR (default: a temp dir; mismatching trees are kept under it), NO_BUILD=1.
# Not part of `cargo test`: it is a tool.
set -u
N=${1:-200}
FIRST=${2:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
KUBECTL=${KUBECTL:-/opt/validators/bin/kubectl}
if [ -z "${NO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --locked --release -q -p shgw-cli) || exit 2
fi
SHGW="$ROOT/target/release/shgw"
WORK=${FUZZ_DIR:-$(mktemp -d /tmp/kfuzz.XXXXXX)}
mkdir -p "$WORK"
bad=0; both_err=0; ok=0
for ((s = FIRST; s < FIRST + N; s++)); do
  d="$WORK/$s"
  rm -rf "$d"
  top=$(python3 "$HERE/gen.py" "$s" "$d") || { echo "seed $s: generator failed"; continue; }
  "$SHGW" build "$top" >"$d/shgw.out" 2>"$d/shgw.err"; rs=$?
  "$KUBECTL" kustomize "$top" >"$d/kubectl.out" 2>"$d/kubectl.err"; rk=$?
  if [ $rs -ne 0 ] && [ $rk -ne 0 ]; then
    both_err=$((both_err + 1)); rm -rf "$d"
  elif [ $rs -eq $rk ] && cmp -s "$d/shgw.out" "$d/kubectl.out"; then
    ok=$((ok + 1)); rm -rf "$d"
  else
    bad=$((bad + 1))
    echo "MISMATCH seed $s (shgw exit $rs, kubectl exit $rk): $top"
  fi
done
echo "seeds $FIRST..$((FIRST + N - 1)): $ok identical, $both_err both failed, $bad mismatching (kept in $WORK)"
[ $bad -eq 0 ]
