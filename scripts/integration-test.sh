#!/usr/bin/env bash
# Runs the integration test binary inside a private network and PID namespace, so that every
# emulator it starts can only be reached on that namespace's loopback, and so that no process
# outlives the run: when this script (PID 1 there) exits, the kernel ends the rest.
#   scripts/integration-test.sh TEST_BINARY [go test flags...]
set -euo pipefail

if [ "${OTLAKE_IN_NETNS:-}" != "1" ]; then
	exec env OTLAKE_IN_NETNS=1 unshare --net --pid --fork --mount-proc "$0" "$@"
fi

ip link set lo up
binary="$1"
shift
"$binary" "$@"
