# Shared shell functions of the lab scripts: progress lines, background processes
# tracked by PID, and bounded waits. Sourced by lab/attack, lab/netns and lab/replay.

# say prints a progress line with the wall-clock time.
say() {
	printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "${LAB_STEP:-lab}" "$*"
}

# fail prints an error and exits with status 1 (the EXIT trap cleans up).
fail() {
	say "error: $*" >&2
	exit 1
}

# start_bg NAME LOGFILE CMD... starts CMD in the background with its output in LOGFILE and
# records its PID in the variable pid_NAME and in $LAB_PIDS (a file) for the final check.
start_bg() {
	local name=$1 logfile=$2
	shift 2
	"$@" >"$logfile" 2>&1 &
	local pid=$!
	printf -v "pid_$name" '%s' "$pid"
	if [[ -n "${LAB_PIDS:-}" ]]; then
		echo "$pid $name" >>"$LAB_PIDS"
	fi
	say "started $name (pid $pid, log $logfile)"
}

# stop_bg NAME [SECONDS] sends SIGTERM to the process started as NAME and waits up to
# SECONDS (default 5) for it to exit, then sends SIGKILL. It returns the process's status.
stop_bg() {
	local name=$1 grace=${2:-5}
	local var="pid_$name"
	local pid=${!var:-}
	[[ -n "$pid" ]] || return 0
	printf -v "$var" '%s' ""

	kill -TERM "$pid" 2>/dev/null || true
	local waited=0
	while kill -0 "$pid" 2>/dev/null && ((waited < grace * 10)); do
		sleep 0.1
		waited=$((waited + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "$name (pid $pid) did not stop in ${grace}s: killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	local status=0
	wait "$pid" 2>/dev/null || status=$?
	return "$status"
}

# wait_until SECONDS DESCRIPTION CMD... runs CMD every 0.2 s until it succeeds, and fails
# after SECONDS.
wait_until() {
	local limit=$1 what=$2
	shift 2
	local deadline=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			say "timed out after ${limit}s waiting for $what" >&2
			return 1
		fi
		sleep 0.2
	done
}
