#!/bin/sh
# Entry of the lab's client containers: usage enter.sh ROLE PROGRAM [ARGS...].
# It names the container's network namespace otlab-ROLE and writes the lab marker that
# hmisim and attacksim check, adds the attacker's route through the gateway, then runs
# PROGRAM with --lab-marker. The programs still check that their lab address is on an
# interface.
# NOTE: in Docker the container writes its own marker, so the namespace check only proves
# the program runs in this container; lab/netns, where the runner writes it, is stricter.
set -eu
role=$1
shift

mkdir -p /run/netns
ip netns attach "otlab-$role" $$
echo "$role=otlab-$role" >/lab/lab.marker
if [ "$role" = attacker ]; then
	ip route replace 172.21.0.0/24 via 172.24.0.2
fi
exec "$@" --lab-marker /lab/lab.marker
