#!/usr/bin/env bash
# Runs the query benchmark: otlake query all over a local lake of synthetic staged Parquet
# (5 million rows unless ROWS is set), under /usr/bin/time -v for the wall time and peak
# resident memory. The lake is written to LAKE (default /tmp/otlake-bench-query) once and
# reused by later runs; it is never part of the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

rows="${ROWS:-5000000}"
lake="${LAKE:-/tmp/otlake-bench-query}"

go build -o bin/otlake ./cmd/otlake
if [[ ! -d "$lake/staged/parsed" ]]; then
	echo "==> writing $rows staged rows to $lake"
	/usr/bin/time -f 'lake written in %e s, peak RSS %M KiB' go run ./bench/querylake -lake "$lake" -rows "$rows"
fi
echo "==> $(find "$lake/staged/parsed" -name '*.parquet' | wc -l) Parquet objects, $(du -sh "$lake/staged/parsed" | cut -f1)"

for run in 1 2 3; do
	echo "==> run $run: otlake query --lake $lake all"
	/usr/bin/time -v bin/otlake query --lake "$lake" all >/tmp/otlake-bench-query.out 2>/tmp/otlake-bench-query.time
	head -n 3 /tmp/otlake-bench-query.out
	grep -E 'Elapsed \(wall clock\)|Maximum resident set size|User time|System time' /tmp/otlake-bench-query.time
done
