#!/usr/bin/env bash
# Builds each Lambda as <out>/<function>/bootstrap for the provided.al2023 runtime and zips it
# next to the binary as <out>/<function>/<function>.zip, then prints each zip's size.
#   ARCH     arm64 (default) or amd64
#   OUT      output folder, build/lambdas by default (the CDK app reads this one)
# The build is reproducible: no VCS stamp, no build ID, paths trimmed, and the zip entry has a
# fixed time and no extra fields, so the same source gives the same zip bytes.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
arch="${ARCH:-arm64}"
out="${OUT:-$root/build/lambdas}"
go="${GO:-go}"

case "$arch" in
arm64 | amd64) ;;
*)
	echo "build-lambdas: invalid ARCH \"$arch\": want arm64 or amd64" >&2
	exit 2
	;;
esac

# function name -> main package
functions=("ot-log-parser:lambdas/parser" "ot-incident-aggregator:lambdas/aggregator")

for entry in "${functions[@]}"; do
	fn="${entry%%:*}"
	pkg="${entry#*:}"
	dir="$out/$fn"
	mkdir -p "$dir"

	(cd "$root" && GOOS=linux GOARCH="$arch" CGO_ENABLED=0 "$go" build \
		-tags lambda.norpc -trimpath -buildvcs=false -ldflags='-s -w -buildid=' \
		-o "$dir/bootstrap" "./$pkg")

	# 1980-01-01 is the earliest time a zip entry can hold.
	chmod 0755 "$dir/bootstrap"
	TZ=UTC touch -d '1980-01-01 00:00:00' "$dir/bootstrap"
	rm -f "$dir/$fn.zip"
	(cd "$dir" && TZ=UTC zip -q -X -9 "$fn.zip" bootstrap)

	size=$(stat -c %s "$dir/$fn.zip")
	awk -v fn="$fn" -v path="${dir#"$root"/}/$fn.zip" -v size="$size" -v arch="$arch" \
		'BEGIN { printf "%-24s %s %d bytes (%.1f MB, %s)\n", fn, path, size, size / 1e6, arch }'
done
