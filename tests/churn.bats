#!/usr/bin/env bats
# Churn: processes exiting between memtop's listing of /proc and its reads of their files.
# libproc2 4.0.2 hands back NULL strings there (procps #380/#390); smaps_rollup of an exiting
# process reads empty; a PID can be reused. memtop must neither crash nor print a row of
# garbage: a vanished process is dropped, a half-read one shows unknown, never a wrong number.

load lib
load hardening

setup() {
	export LC_ALL=C.UTF-8
}

teardown() {
	stop_helpers
}

# Descriptors PID holds on /proc entries of processes that no longer exist: the fewest over
# ten looks, since one refresh may still hold those of processes that just exited.
gone_fds() {
	"$PY" - "$1" <<-'PY'
		import os, re, sys, time
		fewest = None
		for _ in range(10):
		    n = 0
		    d = "/proc/%s/fd" % sys.argv[1]
		    try:
		        fds = os.listdir(d)
		    except OSError:
		        break
		    for fd in fds:
		        try:
		            m = re.match(r"/proc/(\d+)(/|$)", os.readlink(os.path.join(d, fd)))
		        except OSError:
		            continue
		        if m and not os.path.exists("/proc/" + m.group(1)):
		            n += 1
		    fewest = n if fewest is None else min(fewest, n)
		    time.sleep(0.05)
		print(fewest if fewest is not None else 0)
	PY
}

# churn_met MET WHAT: after the test's checks, whether memtop met churn: MET (WHAT: what
# was counted) must be at least 10. The generator's rate is the machine's, not memtop's:
# a busy machine (2 CPUs, other tests running) forks and reaps far fewer than an idle one,
# and that alone fails nothing. Too little churn met means the test proved nothing, and
# says so as a skip with the figures. Call stop_churn before.
churn_met() {
	echo "# churn: ${CHURN_RATE:-?} exits/s, ${CHURN_EXITS:-?} exits; $1 $2" >&3
	[ "$1" -ge 10 ] ||
		skip "too little churn met: $1 $2 (the generator reached ${CHURN_RATE:-?} exits/s: machine busy?)"
}

# churn_seen FILE: how many churn children (distinct pids) memtop's JSON Lines listed
churn_seen() {
	$JQ -r '.processes[] | select(.comm // "" | startswith("churn-")) | .pid' "$1" | sort -u | wc -l
}

@test "-bJ -n 100 -d 0.02 under churn: exit 0, every line valid JSON, no row of garbage" {
	start_churn 120
	run "$MEMTOP" -bJ -n 100 -d 0.02
	stop_churn
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/j"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/j")" -eq 100 ]
	check_json "$BATS_TEST_TMPDIR/j"
	check_rows "$BATS_TEST_TMPDIR/j"
	churn_met "$(churn_seen "$BATS_TEST_TMPDIR/j")" "churn processes listed, each exiting within 3 ms"
}

@test "command lines and segments (full smaps) of exiting processes: still no garbage" {
	start_churn 120
	run "$MEMTOP" -bJ -n 40 -d 0.02 -o pid,comm,cmd,rss,pss,uss,swap_pss,seg_heap,seg_anon_mmap,seg_libs
	stop_churn
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/j"
	[ "$status" -eq 0 ]
	check_json "$BATS_TEST_TMPDIR/j"
	check_rows "$BATS_TEST_TMPDIR/j"
	churn_met "$(churn_seen "$BATS_TEST_TMPDIR/j")" "churn processes listed, each exiting within 3 ms"
}

@test "the text report under churn: exit 0, nothing unsafe for a terminal" {
	start_churn 120
	run "$MEMTOP" -b -n 40 -d 0.02 -o pid,user,comm,rss,pss,uss,cmd
	stop_churn
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	check_term "$BATS_TEST_TMPDIR/out"
	# a size column never shows a negative or non-numeric figure
	! grep -Eq '^ +[0-9]+ +[^ ]+ +[^ ]+ +(-[0-9]|nan|inf)' "$BATS_TEST_TMPDIR/out" || false
	churn_met "$(awk '$3 ~ /^churn-/ { print $1 }' "$BATS_TEST_TMPDIR/out" | sort -u | wc -l)" \
		"churn processes listed, each exiting within 3 ms"
}

@test "-p on processes that exit mid-run: exit 0 or 1 with a message, never a crash" {
	local pids i runs=0
	start_churn 120
	for ((i = 0; i < 20; i++)); do
		pids=$(pgrep -d, -P "$CHURN_PID" | cut -d, -f1-5)
		[ -n "$pids" ] || continue
		runs=$((runs + 1))
		run "$MEMTOP" -bJ -n 3 -d 0.01 -p "$pids,$$"
		[ "$status" -le 1 ]
		[ "$status" -eq 1 ] || check_json <(printf '%s\n' "$output")
		run "$MEMTOP" -b -m -p "${pids%%,*}"
		[ "$status" -le 1 ]
	done
	stop_churn
	churn_met "$runs" "runs on churn children's pids"
}

@test "descriptors of exited processes are let go (-p and full scan)" {
	local mpid mode gone total live
	for mode in all pid; do
		start_churn 3
		if [ "$mode" = pid ]; then
			"$MEMTOP" -bJ -n 100000 -d 0.02 -p "$$,$CHURN_PID" >/dev/null &
		else
			"$MEMTOP" -bJ -n 100000 -d 0.02 -o pid,rss,pss >/dev/null &
		fi
		mpid=$!
		track_pid "$mpid"
		wait "$CHURN_PID" || true
		sleep 3	# a few refreshes after the last exit, however slow
		gone=$(gone_fds "$mpid")
		total=$(ls "/proc/$mpid/fd" | wc -l)
		live=$(find /proc -maxdepth 1 -name "[0-9]*" 2>/dev/null | wc -l)
		kill "$mpid"
		echo "# $mode: $gone descriptors of exited processes, $total in all, $live processes" >&3
		[ "$gone" -eq 0 ]
		# at most /proc/PID and its stat kept per live process, and a few more
		[ "$total" -le $((2 * live + 64)) ]
	done
}

@test "the interactive view keeps running under churn for 30 refreshes, then quits cleanly" {
	command -v tmux >/dev/null || skip "no tmux"
	start_churn 120
	tui_start churn "env LC_ALL=C.UTF-8 TERM=xterm-256color '$MEMTOP' -d 0.05"
	tui_wait churn PID
	sleep 3	# 60 refresh intervals
	tui_running churn
	tui_wait churn PID
	[ "$(tui_quit churn)" = 0 ]
	stop_churn
	# the view cannot say what it listed: the exits during its 3 s of refreshes stand for it
	churn_met "${CHURN_EXITS:-0}" "exits during 60 refreshes"
}
