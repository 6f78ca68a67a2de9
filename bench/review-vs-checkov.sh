#!/usr/bin/env bash
# Time `shgw review` against checkov (the Kubernetes linter this project's CI already runs) on
# streams of N portal-style gateways (4 objects each: ConfigMap, Deployment, two Services).
#
#   bench/review-vs-checkov.sh [N ...]      # default sizes: 1 10 100 500
#
# Environment: SHGW=path (skip the release build), CHECKOV=path (default
# /opt/validators/bin/checkov), RUNS=k (runs per tool and size, default 3; the median is shown).
# Both tools read the same file; shgw reports every finding as JSON, checkov its kubernetes
# checks as JSON. Peak memory (max RSS) comes from GNU time when /usr/bin/time exists.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
if [ "$#" -gt 0 ]; then sizes=("$@"); else sizes=(1 10 100 500); fi
CHECKOV=${CHECKOV:-/opt/validators/bin/checkov}
RUNS=${RUNS:-3}
if [ -z "${SHGW:-}" ]; then
    (cd "$root" && cargo build --release -q -p shgw-cli)
    SHGW="$root/target/release/shgw"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# seconds and max RSS (MiB) of one run of "$@"
run() {
    local start end rss=""
    if [ -x /usr/bin/time ]; then
        start=$(date +%s.%N)
        /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true
        end=$(date +%s.%N)
        rss=$(tail -n 1 "$work/rss" | awk '{printf "%.0f", $1/1024}')
    else
        start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
    fi
    printf '%s %s\n' "$(echo "$end - $start" | bc)" "${rss:--}"
}

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $("$SHGW" --version); checkov $("$CHECKOV" --version 2>/dev/null)"
echo
echo "| gateways | objects | shgw review (s) | shgw max RSS (MiB) | checkov (s) | checkov max RSS (MiB) | speed-up |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    file="$work/stream-$n.yaml"
    for i in $(seq 1 "$n"); do
        sed "s/contoso-west/gw-$i/g" "$root/examples/portal/contoso-west.yml"
        echo "---"
    done > "$file"
    s_times=(); c_times=(); s_rss=-; c_rss=-
    for _ in $(seq 1 "$RUNS"); do
        read -r t m < <(run "$SHGW" review "$file" --format json --fail-on never); s_times+=("$t"); s_rss=$m
        read -r t m < <(run "$CHECKOV" -f "$file" --framework kubernetes -o json --quiet); c_times+=("$t"); c_rss=$m
    done
    s=$(printf '%s\n' "${s_times[@]}" | median)
    c=$(printf '%s\n' "${c_times[@]}" | median)
    printf '| %d | %d | %.3f | %s | %.2f | %s | %.0fx |\n' "$n" "$((n * 4))" "$s" "$s_rss" "$c" "$c_rss" "$(echo "$c / $s" | bc -l)"
done
