#!/bin/sh
# Entry of the lab gateway container: load the firewall on the interfaces that hold the
# gateway's addresses, then run ulogd (firewall log) and otsensor on both interfaces,
# writing to /lab/out. Stops both on SIGTERM.
set -eu

iface_of() {
	ip -o -4 addr show | awk -v addr="$1" '{ split($4, a, "/"); if (a[1] == addr) print $2 }'
}
it_if=$(iface_of 172.24.0.2)
ctl_if=$(iface_of 172.21.0.2)
[ -n "$it_if" ] && [ -n "$ctl_if" ] || { echo "gateway: lab addresses 172.24.0.2 and 172.21.0.2 not found" >&2; exit 1; }

nft -D IT_IF="$it_if" -D CTL_IF="$ctl_if" -f /lab/gateway.nft
mkdir -p /lab/out
plugins=/usr/lib/x86_64-linux-gnu/ulogd
[ -d "$plugins" ] || plugins=$(dirname "$(find /usr/lib -name ulogd_inppkt_NFLOG.so | head -n 1)")
cat >/lab/ulogd.conf <<CONF
[global]
logfile="stdout"
plugin="$plugins/ulogd_inppkt_NFLOG.so"
plugin="$plugins/ulogd_raw2packet_BASE.so"
plugin="$plugins/ulogd_filter_IFINDEX.so"
plugin="$plugins/ulogd_filter_IP2STR.so"
plugin="$plugins/ulogd_filter_PRINTPKT.so"
plugin="$plugins/ulogd_output_LOGEMU.so"
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU
[log1]
group=1
[emu1]
file="/lab/out/firewall.log"
sync=1
CONF

ulogd -c /lab/ulogd.conf &
ulogd_pid=$!
otsensor --iface "$it_if" --iface "$ctl_if" --policy /lab/policy.yaml --sensor otlab-gateway \
	--alerts /lab/out/alerts.ndjson --drops "" --stats-interval 0 &
sensor_pid=$!
trap 'kill -TERM $sensor_pid $ulogd_pid 2>/dev/null' TERM INT
wait $sensor_pid || true
kill -TERM $ulogd_pid 2>/dev/null || true
wait $ulogd_pid || true
