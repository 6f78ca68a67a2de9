#!/usr/bin/env bash
# Benchmark `shgw build` against `kubectl kustomize` on generated kustomize trees.
#
#   bench/build-vs-kubectl.sh [N ...]        # default sizes: 10 100 1000 4000
#
# For every size N, bench/gen-tree.py writes a base + overlay tree that builds to about N
# resources; both tools build the same overlay, their outputs must be byte-identical, then
# each is timed several times and the median wall-clock time goes into a Markdown table.
#
# Environment:
#   KUBECTL=path        kubectl to compare with (default: /opt/validators/bin/kubectl, where the
#                       project's validators put kubectl with kustomize v5.8.1, else kubectl on PATH)
#   SHGW=path           skip `cargo build` and use this shgw binary
#   KUBECTL_RUNS=k      runs per size for kubectl (default 5 for N<=100, 3 for N<=1000, 1 above)
#   SHGW_RUNS=k         runs per size for shgw   (default 10 for N<=1000, 5 above)
#   BENCH_KEEP=1        keep the generated trees and outputs (their directory is printed)
#   BENCH_STRICT=1      also exit 1 when a speed-up target (10x everywhere, 100x at N>=4000) is missed
#   LAYOUT=per-file     one ConfigMap/Deployment/Service triple per base file (default: chunked,
#                       200 documents per file; see bench/gen-tree.py)
#
# Peak memory (maximum resident set size) of each tool's last run is measured with
# /usr/bin/time when it is installed.
#
# Exit status: 0 when every build succeeded with identical outputs, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

if [ "$#" -gt 0 ]; then sizes=("$@"); else sizes=(10 100 1000 4000); fi
for n in "${sizes[@]}"; do
    if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
        echo "usage: $0 [N ...]   (N a positive integer; got '$n')" >&2
        exit 2
    fi
done

log() { printf '%s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------------------------
if [ -z "${KUBECTL:-}" ]; then
    if [ -x /opt/validators/bin/kubectl ]; then KUBECTL=/opt/validators/bin/kubectl
    elif command -v kubectl >/dev/null 2>&1; then KUBECTL=$(command -v kubectl)
    else log "kubectl not found (set KUBECTL=...)"; exit 2
    fi
fi
if [ -z "${SHGW:-}" ]; then
    log "building: cargo build --release -p shgw-cli"
    (cd "$root" && cargo build --release -p shgw-cli >&2)
    SHGW="${CARGO_TARGET_DIR:-$root/target}/release/shgw"
fi
[ -x "$SHGW" ] || { log "shgw binary not found at $SHGW"; exit 2; }
command -v python3 >/dev/null 2>&1 || { log "python3 is required for gen-tree.py"; exit 2; }

# --- helpers ----------------------------------------------------------------------------------
# Wall-clock now in seconds with microseconds: bash 5's EPOCHREALTIME (no fork), else date.
now() {
    if [ -n "${EPOCHREALTIME:-}" ]; then printf '%s\n' "${EPOCHREALTIME/,/.}"
    else date +%s.%N; fi
}

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
minimum() { printf '%s\n' "$@" | sort -g | head -n1; }

# documents in a YAML stream as kubectl prints it (documents separated by a `---` line)
count_docs() { awk 'NF {any=1} /^---$/ {n++} END {print any ? n+1 : 0}' "$1"; }

# time_runs RUNS OUT ERR CMD...: runs CMD RUNS times (stdout to OUT, stderr to ERR) and sets
# TIMES to the wall-clock seconds of each run; returns 1 (after the first run) if CMD fails.
time_runs() {
    local runs=$1 out=$2 err=$3 i t0 t1
    shift 3
    TIMES=()
    for ((i = 1; i <= runs; i++)); do
        t0=$(now)
        if [ -x /usr/bin/time ]; then
            if ! /usr/bin/time -f %M -o "$out.rss" "$@" >"$out" 2>"$err"; then return 1; fi
        elif ! "$@" >"$out" 2>"$err"; then return 1; fi
        t1=$(now)
        TIMES+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}')")
    done
}

kubectl_runs() {
    if [ -n "${KUBECTL_RUNS:-}" ]; then echo "$KUBECTL_RUNS"
    elif [ "$1" -le 100 ]; then echo 5
    elif [ "$1" -le 1000 ]; then echo 3
    else echo 1; fi
}
shgw_runs() {
    if [ -n "${SHGW_RUNS:-}" ]; then echo "$SHGW_RUNS"
    elif [ "$1" -le 1000 ]; then echo 10
    else echo 5; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/shgw-bench.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then log "trees and outputs kept in $work"
else trap 'rm -rf "$work"' EXIT; fi
# measure a private copy, so a concurrent `cargo build` cannot swap the binary mid-run
cp "$SHGW" "$work/shgw"
shgw_path=$SHGW
SHGW="$work/shgw"

# --- machine ----------------------------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
kubectl_version=$("$KUBECTL" version --client 2>/dev/null | tr '\n' ' ' | sed 's/ *$//')
shgw_version=$("$SHGW" --version 2>/dev/null || echo unknown)
case $kubectl_version in
    *"Kustomize Version: v5.8.1"*) ;;
    *) log "warning: shgw build follows kustomize v5.8.1; $KUBECTL reports: $kubectl_version" ;;
esac
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# --- measure ----------------------------------------------------------------------------------
status=0
rows=()
verdicts=()
loads=()
load1() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }
for n in "${sizes[@]}"; do
    dir="$work/n$n"
    load_before=$(load1)
    python3 "$here/gen-tree.py" "$n" "$dir" "${LAYOUT:-chunked}"
    kr=$(kubectl_runs "$n")
    sr=$(shgw_runs "$n")

    # kubectl first: its first run's output is the reference the shgw output is compared with
    log "N=$n: kubectl kustomize x$kr ..."
    kubectl_ok=1
    if time_runs "$kr" "$dir/kubectl.yaml" "$dir/kubectl.err" "$KUBECTL" kustomize "$dir/overlay"; then
        ktimes=("${TIMES[@]}")
    else
        kubectl_ok=0; status=1
        log "FAILED: kubectl kustomize at N=$n:"; head -n 20 "$dir/kubectl.err" >&2
    fi

    log "N=$n: shgw build x$sr ..."
    shgw_ok=1
    # first (checked, untimed-for-correctness) run keeps its output for the comparison
    if time_runs 1 "$dir/shgw.yaml" "$dir/shgw.err" "$SHGW" build "$dir/overlay"; then
        cp "$dir/shgw.yaml" "$dir/shgw.first.yaml"
        first=("${TIMES[@]}")
        if [ "$sr" -gt 1 ]; then
            time_runs $((sr - 1)) "$dir/shgw.yaml" "$dir/shgw.err" "$SHGW" build "$dir/overlay" || shgw_ok=0
            stimes=("${first[@]}" "${TIMES[@]}")
        else
            stimes=("${first[@]}")
        fi
    else
        shgw_ok=0
    fi
    if [ "$shgw_ok" = 0 ]; then
        status=1
        log "FAILED: shgw build at N=$n:"; head -n 20 "$dir/shgw.err" >&2
    fi

    match="-"
    if [ "$kubectl_ok" = 1 ] && [ "$shgw_ok" = 1 ]; then
        if cmp -s "$dir/kubectl.yaml" "$dir/shgw.first.yaml"; then
            match=identical
        else
            match=MISMATCH; status=1
            echo "MISMATCH at N=$n: shgw build output differs from kubectl kustomize (first lines of the diff):"
            diff -u "$dir/kubectl.yaml" "$dir/shgw.first.yaml" | head -n 40 || true
        fi
    fi

    if [ "$kubectl_ok" = 1 ]; then docs=$(count_docs "$dir/kubectl.yaml")
    elif [ "$shgw_ok" = 1 ]; then docs=$(count_docs "$dir/shgw.first.yaml")
    else docs="?"; fi

    kcell="failed"; scell="failed"; speed="-"; per="-"
    if [ "$kubectl_ok" = 1 ]; then
        km=$(median "${ktimes[@]}")
        kcell=$(awk -v m="$km" -v r="$kr" -v lo="$(minimum "${ktimes[@]}")" \
            'BEGIN {if (r > 1) printf "%.3f (min %.3f, n=%d)", m, lo, r; else printf "%.3f (n=1)", m}')
    fi
    if [ "$shgw_ok" = 1 ]; then
        sm=$(median "${stimes[@]}")
        scell=$(awk -v m="$sm" -v r="$sr" -v lo="$(minimum "${stimes[@]}")" \
            'BEGIN {printf "%.4f (min %.4f, n=%d)", m, lo, r}')
        if [[ $docs =~ ^[0-9]+$ ]] && [ "$docs" -gt 0 ]; then
            per=$(awk -v m="$sm" -v d="$docs" 'BEGIN {printf "%.0f", m * 1e6 / d}')
        fi
    fi
    if [ "$kubectl_ok" = 1 ] && [ "$shgw_ok" = 1 ]; then
        ratio=$(awk -v k="$km" -v s="$sm" 'BEGIN {printf "%.2f", k / s}')
        speed=$(awk -v x="$ratio" 'BEGIN {if (x >= 100) printf "%.0fx", x; else printf "%.1fx", x}')
        need=10; [ "$n" -ge 4000 ] && need=100
        if awk -v x="$ratio" -v t="$need" 'BEGIN {exit !(x >= t)}'; then
            verdicts+=("N=$n: ${speed} >= ${need}x ok")
        else
            verdicts+=("N=$n: ${speed} < ${need}x TARGET MISSED")
            [ "${BENCH_STRICT:-0}" = 1 ] && status=1
        fi
    fi
    [ "$match" = MISMATCH ] && speed="$speed MISMATCH"
    rss() { if [ -s "$1" ]; then awk '{printf "%.0f", $1 / 1024}' "$1"; else echo "?"; fi; }
    krss=$(rss "$dir/kubectl.yaml.rss"); srss=$(rss "$dir/shgw.yaml.rss")
    rows+=("| $docs | $kcell | $scell | $speed | $per | $krss | $srss |")
    loads+=("N=$n: $load_before before, $(load1) after")
    log "N=$n: $docs documents, outputs $match, kubectl $kcell s, shgw $scell s, speed-up $speed"
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# --- report -----------------------------------------------------------------------------------
echo
echo "## shgw build vs kubectl kustomize"
echo
echo "- machine: $(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"
echo "- load average (1/5/15 min): $load_start at start, $load_end at end"
echo "- 1-min load per size: $(IFS=';'; echo "${loads[*]}" | sed 's/;/; /g')"
echo "- kubectl: $kubectl_version ($KUBECTL)"
echo "- shgw: $shgw_version, commit $commit ($shgw_path)"
echo "- layout: ${LAYOUT:-chunked}"
echo "- times: wall clock in seconds, median of n runs (min in brackets); outputs checked byte-identical first"
echo "- peak RSS: maximum resident set size of the last run, MB (/usr/bin/time)"
echo
echo "| resources | kubectl kustomize (s) | shgw build (s) | speed-up | shgw µs per resource | kubectl peak RSS (MB) | shgw peak RSS (MB) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
for v in "${verdicts[@]}"; do echo "- $v"; done
if [ "$status" != 0 ]; then echo; echo "FAILED: a build failed or the outputs differ (see above)"; fi
exit "$status"
