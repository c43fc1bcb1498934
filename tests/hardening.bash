# Helpers for the hardening tests (hostile.bats, churn.bats, perms.bats, output.bats):
# `load lib` then `load hardening`. Every process and tmux server started here is recorded
# and ended by stop_helpers (call it from teardown), by PID or socket name.

PY=/usr/bin/python3
CHECK="$TESTS_DIR/check-output.py"

# start_argv ARGV0 [--as USER] [argv options...] [-- ARG...]: starts tests/helpers/argv with
# argv[0] set to ARGV0 (as USER through setpriv when asked), waits for its "ready" line and
# sets ARGV_PID.
start_argv() {
	local argv0=$1 fifo="$BATS_TEST_TMPDIR/argv.$$.$RANDOM"
	local -a pre=()
	shift
	if [ "${1:-}" = --as ]; then
		pre=(setpriv --reuid="$2" --regid="$(id -gn "$2" 2>/dev/null || echo nogroup)" --clear-groups)
		shift 2
	fi
	mkfifo "$fifo"
	# setpriv execs, and exec -a keeps the PID: $! is the helper itself
	if [ ${#pre[@]} -gt 0 ]; then
		"${pre[@]}" bash -c 'exec -a "$0" "$@"' "$argv0" "$HELPERS/argv" "$@" >"$fifo" &
	else
		(exec -a "$argv0" "$HELPERS/argv" "$@") >"$fifo" &
	fi
	ARGV_PID=$!
	track_pid "$ARGV_PID"
	await_ready "$fifo" "argv helper ($argv0)"
}

# Records a PID (with its start time: lib.bash remember_pid) for stop_helpers.
track_pid() {
	remember_pid "$BATS_TEST_TMPDIR/helpers" "$1"
}

stop_helpers() {
	local pid start
	local -a ended=()
	[ -f "$BATS_TEST_TMPDIR/helpers" ] || return 0
	while read -r pid start; do
		if [[ $pid == tmux:* ]]; then
			tmux -L "${pid#tmux:}" kill-server 2>/dev/null || true
		elif still_ours "$pid" "$start"; then
			kill "$pid" 2>/dev/null || true
			ended+=("$pid")
		fi
	done <"$BATS_TEST_TMPDIR/helpers"
	for pid in "${ended[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -f "$BATS_TEST_TMPDIR/helpers"
}

# check_term FILE [--ascii], check_json FILE, check_names FILE PID..., check_rows FILE,
# check_strings FILE TEXT...
check_term() { "$PY" "$CHECK" term "$@"; }
check_json() { "$PY" "$CHECK" json "$@"; }
check_names() { "$PY" "$CHECK" names "$@"; }
check_rows() { "$PY" "$CHECK" rows "$@"; }
check_strings() { "$PY" "$CHECK" strings "$@"; }

# Runs memtop as nobody: as_nobody memtop ARGS...
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (setpriv, unshare, mount)"
}

# start_churn SECONDS [CHILDREN]: starts tests/helpers/churn, its report going to
# $BATS_TEST_TMPDIR/churn.out, waits until its children run and sets CHURN_PID.
start_churn() {
	local out="$BATS_TEST_TMPDIR/churn.out"
	"$HELPERS/churn" "$@" >"$out" &
	CHURN_PID=$!
	track_pid "$CHURN_PID"
	wait_line "$out" '^ready' 10
}

# stop_churn: ends the churn and sets CHURN_EXITS and CHURN_RATE to its exits and exits
# per second (empty if unknown).
# Not to be called in $(...): wait only works in the shell that started the churn.
stop_churn() {
	local i
	kill "$CHURN_PID" 2>/dev/null || true
	wait "$CHURN_PID" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		grep -q '^exits' "$BATS_TEST_TMPDIR/churn.out" && break
		sleep 0.1
	done
	CHURN_RATE=$(sed -n 's/^exits [0-9]* rate \([0-9]*\)\/s$/\1/p' "$BATS_TEST_TMPDIR/churn.out")
	CHURN_EXITS=$(sed -n 's/^exits \([0-9]*\) rate .*/\1/p' "$BATS_TEST_TMPDIR/churn.out")
}

# tui_start NAME COMMAND: runs the shell COMMAND in a detached 160x40 tmux session on a
# private socket; when COMMAND ends, its status goes to $BATS_TEST_TMPDIR/NAME.status.
# stop_helpers ends the session.
tui_start() {
	local name=$1 cmd=$2
	rm -f "$BATS_TEST_TMPDIR/$name.status"
	tmux -L "memtop-$name-$$" -f /dev/null new-session -d -x 160 -y 40 \
		"$cmd; echo \$? >'$BATS_TEST_TMPDIR/$name.status'; sleep 30"
	echo "tmux:memtop-$name-$$" >>"$BATS_TEST_TMPDIR/helpers"
}

# tui_wait NAME TEXT: waits up to 20 s for TEXT on the screen (a first full scan of a busy
# machine under load can take seconds); the last screen is left in $BATS_TEST_TMPDIR/screen.
tui_wait() {
	local i
	for ((i = 0; i < 200; i++)); do
		tmux -L "memtop-$1-$$" capture-pane -p >"$BATS_TEST_TMPDIR/screen" 2>/dev/null || true
		grep -qF -- "$2" "$BATS_TEST_TMPDIR/screen" && return 0
		[ -s "$BATS_TEST_TMPDIR/$1.status" ] && break
		sleep 0.1
	done
	echo "'$2' never showed; screen:" >&2
	cat "$BATS_TEST_TMPDIR/screen" >&2
	return 1
}

# tui_running NAME: the command has not ended.
tui_running() {
	[ ! -s "$BATS_TEST_TMPDIR/$1.status" ]
}

# tui_quit NAME: presses q, waits up to 5 s for the end and prints the exit status.
tui_quit() {
	local i
	tmux -L "memtop-$1-$$" send-keys q
	for ((i = 0; i < 50; i++)); do
		[ -s "$BATS_TEST_TMPDIR/$1.status" ] && break
		sleep 0.1
	done
	tmux -L "memtop-$1-$$" kill-server 2>/dev/null || true
	cat "$BATS_TEST_TMPDIR/$1.status" 2>/dev/null || echo none
}
