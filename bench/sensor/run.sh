#!/usr/bin/env bash
# Measures an otsensor replay of a large Modbus-heavy capture on one core.
#
# Generates the capture into /tmp (never into the repository) by repeating the corpus
# captures with shifted timestamps and new client ports, then replays it with the lab
# policy under GOMAXPROCS=1 and taskset, reporting packets per second (by wall clock and
# by CPU time) and peak memory from /usr/bin/time -v.
#
# Usage: bench/sensor/run.sh [CORPUS_PCAP_DIR]   (env PACKETS, CAPTURE, CPU override)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${1:-${OTLAKE_CORPUS:-$repo/../shared/corpus}/pcap}
packets=${PACKETS:-2500000}
capture=${CAPTURE:-/tmp/otsensor-bench.pcap}
cpu=${CPU:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$repo/sensor"
CGO_ENABLED=0 go build -o "$work/otsensor" ./cmd/otsensor
CGO_ENABLED=0 go build -o "$work/otpcapgen" ./cmd/otpcapgen

if [[ ! -f $capture ]]; then
	# The deliberately malformed bro-fuzz captures are left out of the load.
	mapfile -t sources < <(ls "$corpus"/*.pcap | grep -v /bro-fuzz-)
	"$work/otpcapgen" -out "$capture" -packets "$packets" "${sources[@]}"
fi

# Read the file once so that the measured run reads from the page cache.
cat "$capture" >/dev/null

taskset -c "$cpu" env GOMAXPROCS=1 /usr/bin/time -v "$work/otsensor" --sensor bench \
	--policy examples/lab-policy.yaml --alerts "$work/alerts.ndjson" --drops "$work/firewall.log" \
	--stats-json --pcap "$capture" >"$work/stats.json" 2>"$work/time.txt"

frames=$(grep -m1 '"packets"' "$work/stats.json" | tr -dc '0-9')
wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}')
user=$(grep 'User time' "$work/time.txt" | awk '{print $NF}')
sys=$(grep 'System time' "$work/time.txt" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
wall_seconds=$(awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }' <<<"$wall")

echo "frames:             $frames"
echo "wall clock:         ${wall_seconds}s -> $(awk -v n="$frames" -v s="$wall_seconds" 'BEGIN { printf "%.0f", n / s }') packets/s"
echo "cpu (user+sys):     $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')s -> $(awk -v n="$frames" -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", n / (u + s) }') packets/s"
echo "peak memory (RSS):  $((rss / 1024)) MiB"
echo "alerts written:     $(wc -l <"$work/alerts.ndjson"), drop lines: $(wc -l <"$work/firewall.log")"
