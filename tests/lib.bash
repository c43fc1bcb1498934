# Shared helpers for memtop's bats tests: `load lib` at the top of a .bats file.
# Environment (set by `make check`): MEMTOP (binary), HELPERS (built test helpers),
# FIXTURES (fixture tree), TESTS_DIR (this directory).

: "${MEMTOP:=$PWD/memtop}"
: "${HELPERS:=$PWD/tests/helpers}"
: "${FIXTURES:=$TESTS_DIR/fixtures}"
JQ=${JQ:-jq}
MIB=1048576
# A width from the caller's shell would cut reports and size ncurses' screen: tests that
# want one set it themselves.
unset COLUMNS LINES

# Runs memtop; under MEMTOP_WRAPPER (valgrind, ...) when set.
memtop() {
	${MEMTOP_WRAPPER:-} "$MEMTOP" "$@"
}

# kthreadd_visible: pid 2 is the kernel's thread creator, as on a host. In a PID namespace
# (a container) no kernel thread is visible, and tests about them skip or leave that part.
kthreadd_visible() {
	[ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]
}

# A started process is recorded as "PID START" (its start time, stat field 22) and signalled
# only while that PID still has that start time: once reaped, a PID may be anyone's (the
# churn tests go round the whole PID space in a test), and must not be signalled.
# proc_start PID: the start time, empty when there is no such process.
# (bytewise: a name may hold newlines, ") " and invalid UTF-8; everything after the
# last ") " is numbers and the state letter)
proc_start() {
	local LC_ALL=C s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo "${20:-}"
}

# remember_pid FILE PID: records PID and its start time in FILE.
remember_pid() {
	echo "$2 $(proc_start "$2")" >>"$1"
}

# still_ours PID START: PID is still the process recorded (a zombie not yet reaped counts).
still_ours() {
	[ -n "$2" ] && [ "$(proc_start "$1")" = "$2" ]
}

# start_hog MODE ARG...: starts tests/helpers/memhog, waits for its "ready" line and sets
# HOG_PID. Every hog started is ended by stop_hogs (call it from teardown).
start_hog() {
	local fifo="$BATS_TEST_TMPDIR/hog.$$.$RANDOM"
	mkfifo "$fifo"
	"$HELPERS/memhog" "$@" >"$fifo" &
	HOG_PID=$!
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$HOG_PID"
	await_ready "$fifo" "memhog $*"
}

# await_ready FIFO WHAT: a started helper's first line, read from FIFO within 30 s, must be
# "ready"; the FIFO is removed.
await_ready() {
	local line
	if ! read -r -t 30 line <"$1" || [ "$line" != ready ]; then
		echo "$2 did not become ready" >&2
		return 1
	fi
	rm -f "$1"
}

# wait_line FILE ERE [SECONDS]: waits (30 s by default) until a line of FILE matches.
wait_line() {
	local i
	for ((i = 0; i < ${3:-30} * 10; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no line matching '$2' in $1" >&2
	return 1
}

stop_hogs() {
	local pid start
	[ -f "$BATS_TEST_TMPDIR/hogs" ] || return 0
	while read -r pid start; do
		still_ours "$pid" "$start" || continue
		kill "$pid" 2>/dev/null || true
		kill -CONT "$pid" 2>/dev/null || true	# a test that failed while it was stopped
		wait "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/hogs"
	rm -f "$BATS_TEST_TMPDIR/hogs"
}

# stop_proc PID: SIGSTOP, then wait until the kernel shows it stopped (signals are async).
stop_proc() {
	local i
	kill -STOP "$1"
	for i in $(seq 100); do
		[ "$(awk '{print $3}' "/proc/$1/stat")" = T ] && return 0
		sleep 0.01
	done
	echo "process $1 did not stop" >&2
	return 1
}

# A /proc/PID/status value in bytes: status_bytes PID VmRSS
status_bytes() {
	kib_bytes "$2" "/proc/$1/status"
}

# kib_bytes KEY FILE: the "KEY: N kB" line of FILE (status, smaps_rollup, meminfo) in bytes
kib_bytes() {
	awk -v k="$1:" '$1 == k { printf "%.0f\n", $2 * 1024 }' "$2"
}

# meminfo_bytes KEY [FILE]: a /proc/meminfo figure (or one of a copy of it) in bytes
meminfo_bytes() {
	kib_bytes "$1" "${2:-/proc/meminfo}"
}

# steady [-s] PID CMD...: runs CMD (its output in $out) between two copies of PID's figures,
# again (up to 5 times) until the two agree, and keeps that copy in
# $BATS_TEST_TMPDIR/steady.PID for saved_bytes and saved_score. Reclaim moves even a stopped
# process's figures at any moment (this machine runs DAMON, paging out cold pages): against
# that copy, what CMD read is what the kernel said for the whole of its run.
# The copy: the memory lines of status and oom_score; with -s, the lines of smaps the
# process alone decides (the mapping lines, Size, Rss, Private_Dirty, Swap, Locked: PSS and
# the shared/private split move as other processes, CMD among them, map the same files).
steady_copy() {
	if [ "$1" = -s ]; then
		grep -E '^([0-9a-f]+-[0-9a-f]+ |(Size|Rss|Private_Dirty|Swap|Locked):)' "/proc/$2/smaps"
	else
		grep -E '^(Vm|Rss)' "/proc/$2/status" && cat "/proc/$2/oom_score"
	fi
}
steady() {
	local what=- i
	[ "$1" = -s ] && { what=-s; shift; }
	local pid=$1 f="$BATS_TEST_TMPDIR/steady.$1"
	shift
	for ((i = 0; i < 5; i++)); do
		steady_copy "$what" "$pid" >"$f.before"
		out=$("$@") || return 1
		steady_copy "$what" "$pid" >"$f"
		cmp -s "$f.before" "$f" && return 0
		echo "the figures of $pid moved during the run, again:" >&2
		diff "$f.before" "$f" >&2
	done
	return 1
}

# What steady kept: saved_bytes PID VmRSS (bytes), saved_score PID (oom_score)
saved_bytes() {
	kib_bytes "$2" "$BATS_TEST_TMPDIR/steady.$1"
}
saved_score() {
	tail -n 1 "$BATS_TEST_TMPDIR/steady.$1"
}

# A /proc/PID/smaps_rollup value in bytes: rollup_bytes PID Pss
rollup_bytes() {
	kib_bytes "$2" "/proc/$1/smaps_rollup"
}

# memtop's JSON for one process: proc_json PID [memtop options...]
proc_json() {
	local pid=$1
	shift
	memtop -bJ -p "$pid" "$@" | $JQ -c ".processes[] | select(.pid == $pid)"
}

# Asserts $1 >= $2 (integers), printing both when not.
assert_ge() {
	if ! [ "$1" -ge "$2" ]; then
		echo "expected $1 >= $2" >&2
		return 1
	fi
}

assert_le() {
	if ! [ "$1" -le "$2" ]; then
		echo "expected $1 <= $2" >&2
		return 1
	fi
}
