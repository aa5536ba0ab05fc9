#!/usr/bin/env bash
# Runs the integration test binary inside a private network and PID namespace. Every
# emulator it starts can then only be reached on that namespace's loopback. No process
# outlives the run, because the kernel ends the rest when this script (PID 1 there) exits.
#   scripts/integration-test.sh TEST_BINARY [go test flags...]
set -euo pipefail

if [ "${OTLAKE_IN_NETNS:-}" != "1" ]; then
	exec env OTLAKE_IN_NETNS=1 unshare --net --pid --fork --mount-proc "$0" "$@"
fi

ip link set lo up
binary="$1"
shift
"$binary" "$@"
