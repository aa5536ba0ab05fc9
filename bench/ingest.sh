#!/usr/bin/env bash
# Runs the ingest benchmark (read -> parse -> records -> Parquet) on one core: GOMAXPROCS=1 and,
# where taskset exists, pinned to CPU 0. Extra arguments go to go test, e.g. -count=5.
set -euo pipefail
cd "$(dirname "$0")/.."

pin=()
if command -v taskset >/dev/null; then
	pin=(taskset -c 0)
fi

GOMAXPROCS=1 "${pin[@]}" go test -run='^$' -bench='StageObject|ParseObject|ReadObject' -benchtime=5x "$@" ./internal/pipeline
