#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
# Seeds come from the repository's own files (examples, test inputs, kustomize cases), copied
# into a scratch corpus; nothing found is kept in git unless a developer adds it as a
# regression test. A crash fails the script and leaves its input under fuzz/artifacts/.
# The instrumented build needs a nightly compiler: `cargo +nightly fuzz` where rustup has one,
# else the stable compiler with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd .. && pwd)"
seconds="${1:-30}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(yaml_parse token gateway_file review_load strategic_merge kustomize_build)

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi

corpus="${SHGW_FUZZ_CORPUS:-$(mktemp -d)}"
seed() { # seed TARGET FILE...
  mkdir -p "$corpus/$1"
  local t="$1"; shift
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$corpus/$t/$(echo "$f" | tr '/' '_')"; done
}
yamls=("$root"/examples/*.yaml "$root"/examples/*/*.y*ml "$root"/crates/shgw-review/tests/inputs/*.yaml
       "$root"/crates/shgw/tests/invalid/*.yaml)
seed yaml_parse "${yamls[@]}"
seed gateway_file "$root"/examples/*.yaml "$root"/crates/shgw/tests/invalid/*.yaml
seed review_load "$root"/examples/portal/*.yml "$root"/crates/shgw-review/tests/inputs/*.yaml
seed strategic_merge "$root"/examples/portal/*.yml
mkdir -p "$corpus/token"
printf 'GatewayKey contoso-west&202612312359&U2lnbmF0dXJlU2lnbmF0dXJl' > "$corpus/token/portal"
printf 'GatewayKey gw&999912312359&AAAA==' > "$corpus/token/far"
# kustomize: each case folder's kustomization and up to three of its files, joined as the target
# splits them.
mkdir -p "$corpus/kustomize_build"
n=0
for k in "$root"/crates/shgw-cli/tests/kustomize/*/kustomization.yaml \
         "$root"/crates/shgw-kustomize/tests/fixtures/*/*/kustomization.yaml; do
  [ -f "$k" ] || continue
  d="$(dirname "$k")"
  {
    cat "$k"
    for f in $(ls "$d" | grep -v '^kustomization.yaml$' | grep -E '\.ya?ml$' | head -3); do
      printf '\n#---FILE---\n'; cat "$d/$f"
    done
  } > "$corpus/kustomize_build/case$n"
  n=$((n + 1))
done

"${fuzz[@]}" build --release --debug-assertions
status=0
printf '%-18s %8s %10s %8s\n' target seconds execs corpus
for t in "${targets[@]}"; do
  mkdir -p "$corpus/$t"
  log="$(mktemp)"
  if ! "${fuzz[@]}" run --release --debug-assertions "$t" "$corpus/$t" -- \
      -max_total_time="$seconds" -print_final_stats=1 -max_len=65536 -rss_limit_mb=2048 -timeout=20 >"$log" 2>&1; then
    echo "== $t FAILED; its input is under fuzz/artifacts/$t/" >&2
    tail -n 40 "$log" >&2
    status=1
  fi
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  [ -n "$execs" ] || execs="$(grep -oE '#[0-9]+' "$log" | tail -n 1 | tr -d '#')"
  printf '%-18s %8s %10s %8s\n' "$t" "$seconds" "${execs:-?}" "$(ls "$corpus/$t" | wc -l)"
  rm -f "$log"
done
exit "$status"
