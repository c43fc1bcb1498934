#!/usr/bin/env bats
# Permissions and containers: what memtop may not read stays unknown (null in JSON, "-" in
# text), never 0, and nothing it cannot see makes it crash. libproc2 reports an unreadable
# smaps_rollup as 0 and a hidepid=noaccess /proc answers EPERM, not EACCES; a non-dumpable
# process's files belong to root whatever its uid; a PID namespace shows its own /proc.

load lib
load hardening

setup() {
	require_root
	export LC_ALL=C.UTF-8
	command -v setpriv >/dev/null || skip "no setpriv"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	# nobody must reach the binary and the helpers
	as_nobody test -x "$MEMTOP" || skip "nobody cannot run $MEMTOP (build under a private directory?)"
}

teardown() {
	stop_helpers
}

# jq over the last JSON document of FILE, exit status from -e
jqe() {
	tail -1 "$2" | $JQ -e "$1" >/dev/null
}

@test "as nobody: other users' pss, uss and segments are null, its own are known" {
	local own old
	start_argv own-helper --as nobody --comm own-helper
	own=$ARGV_PID
	as_nobody "$MEMTOP" -bJ -o pid,uid,comm,rss,pss,uss,swap_pss,seg_heap,seg_libs >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	check_rows "$BATS_TEST_TMPDIR/j"
	# every process of another uid: rollup and smaps figures unknown, not 0. Only those
	# older than a few seconds: one caught between setpriv's setuid and its exec (another
	# test's) may be listed as root and read as nobody a moment later.
	old=$(ps -eo pid=,euid=,etimes= | awk '$2 != 65534 && $3 >= 5 { print $1 }' | paste -sd,)
	jqe '[.processes[] | select(.uid != 65534 and .mem.rss != null)] | length > 0' "$BATS_TEST_TMPDIR/j"
	tail -1 "$BATS_TEST_TMPDIR/j" | $JQ -e --argjson old "[$old]" 'all(.processes[] |
		select(.uid != 65534) | select(.pid as $p | any($old[]; . == $p));
		.mem.pss == null and .mem.uss == null and .mem.swap_pss == null and
		(.segments == null or (.segments | all(.[]; .rss == null))))' >/dev/null
	# status figures of others stay readable
	jqe 'any(.processes[] | select(.uid != 65534); .mem.rss > 0)' "$BATS_TEST_TMPDIR/j"
	# its own helper: everything known
	jqe ".processes[] | select(.pid == $own) |
		.mem.pss > 0 and .mem.uss > 0 and .mem.rss >= .mem.pss and .segments.libs.rss > 0" \
		"$BATS_TEST_TMPDIR/j"
}

@test "as nobody the report shows other users' PSS as its bound (<=RSS), never 0 or a PSS" {
	as_nobody "$MEMTOP" -b -p "1,$$" -o pid,user,rss,pss,uss >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out"
	# the RSS stands in, marked as an upper bound, not as a PSS
	grep -Eq "^ *$$ +root +([0-9.]+[KMG]?) +(<=|≤)[0-9.]+[KMG]? +(<=|≤)[0-9.]+[KMG]? *$" "$BATS_TEST_TMPDIR/out"
	! grep -Eq "^ *$$ +root +[0-9.]+[KMG]? +0 " "$BATS_TEST_TMPDIR/out" || false
	# and the header says how many, in words that agree with the number
	grep -Eqx 'Note: *PSS/USS of 2 processes could not be read \(permission\): shown as (<=|≤)RSS, their upper bound, and ranked by it' "$BATS_TEST_TMPDIR/out"
	as_nobody "$MEMTOP" -b -p "$$" -o pid,pss | grep -Eqx 'Note: *PSS/USS of 1 process could not be read \(permission\): shown as (<=|≤)RSS, their upper bound, and ranked by it'
	"$MEMTOP" -b -p "$$" -o pid,pss >"$BATS_TEST_TMPDIR/root"
	! grep -q '^Note:' "$BATS_TEST_TMPDIR/root" || false
}

@test "-m on a process nobody may not read says so and exits 1" {
	run as_nobody "$MEMTOP" -m -p "$$"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ermission denied"* ]] || [[ "$output" == *EACCES* ]]
	[ "${#lines[@]}" -le 2 ]
	run as_nobody "$MEMTOP" -bJ -m -p "$$"
	[ "$status" -eq 1 ]
	# one line on stderr, nothing half-written on stdout
	[[ "${lines[0]}" == memtop:* ]]
}

@test "a non-dumpable process: root reads it, the same uid does not, and knows it does not" {
	start_argv nodump-helper --as nobody --comm nodump-helper --nodump
	local pid=$ARGV_PID
	[ "$(stat -c %u "/proc/$pid/smaps_rollup")" -eq 0 ]
	! as_nobody cat "/proc/$pid/smaps_rollup" >/dev/null 2>&1 || false
	"$MEMTOP" -bJ -p "$pid" >"$BATS_TEST_TMPDIR/root.j"
	jqe '.processes[0] | .uid == 65534 and .mem.pss > 0 and .mem.uss > 0' "$BATS_TEST_TMPDIR/root.j"
	as_nobody "$MEMTOP" -bJ -p "$pid" -o pid,uid,rss,pss,uss,seg_heap >"$BATS_TEST_TMPDIR/nobody.j"
	check_json "$BATS_TEST_TMPDIR/nobody.j"
	jqe '.processes[0] | .uid == 65534 and .mem.pss == null and .mem.uss == null' "$BATS_TEST_TMPDIR/nobody.j"
	run as_nobody "$MEMTOP" -m -p "$pid"
	[ "$status" -eq 1 ]
}

# Runs a command in a private mount namespace whose /proc is mounted with OPTIONS:
# in_proc_mount OPTIONS COMMAND...
in_proc_mount() {
	local opts=$1
	shift
	unshare -m sh -c 'mount -t proc -o "$0" proc /proc && exec "$@"' "$opts" "$@"
}

@test "hidepid=2 (invisible): nobody sees only its own processes, system figures intact" {
	start_argv hidden-own --as nobody --comm hidden-own
	local own=$ARGV_PID
	in_proc_mount hidepid=2 true 2>/dev/null || skip "cannot mount a private /proc here"
	in_proc_mount hidepid=2 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$MEMTOP" -bJ -o pid,uid,comm,rss,pss,uss >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	check_rows "$BATS_TEST_TMPDIR/j"
	jqe 'all(.processes[]; .uid == 65534)' "$BATS_TEST_TMPDIR/j"
	jqe "any(.processes[]; .pid == $own and .mem.pss > 0)" "$BATS_TEST_TMPDIR/j"
	jqe '.system.mem.total > 0' "$BATS_TEST_TMPDIR/j"
	# a hidden process is no such process
	run in_proc_mount hidepid=2 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$MEMTOP" -b -p "$$"
	[ "$status" -eq 1 ]
	[[ "$output" == memtop:* ]]
}

@test "hidepid=1 (noaccess, EPERM) and subset=pid (no meminfo): no crash, unknown stays unknown" {
	in_proc_mount hidepid=1 true 2>/dev/null || skip "cannot mount a private /proc here"
	run in_proc_mount hidepid=1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$MEMTOP" -bJ -o pid,uid,comm,rss,pss,uss
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/j"
	check_rows "$BATS_TEST_TMPDIR/j"
	jqe 'all(.processes[] | select(.uid != 65534); .mem.pss == null)' "$BATS_TEST_TMPDIR/j"
	in_proc_mount subset=pid true 2>/dev/null || skip "this kernel has no subset=pid"
	run in_proc_mount subset=pid "$MEMTOP" -bJ
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/j"
	check_rows "$BATS_TEST_TMPDIR/j"
	# /proc/meminfo is not there: the system figures are unknown, not 0
	jqe '.system.mem.total == null and .system.mem.available == null' "$BATS_TEST_TMPDIR/j"
	run in_proc_mount subset=pid "$MEMTOP" -b
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == Mem:*-* ]]
}

@test "in a PID namespace: its own processes, numbered from 1, unknown stays unknown" {
	unshare -pf --mount-proc true 2>/dev/null || skip "cannot create a PID namespace here"
	run unshare -pf --mount-proc "$MEMTOP" -bJ
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/j"
	check_rows "$BATS_TEST_TMPDIR/j"
	jqe '.processes | length == 1 and .[0].pid == 1 and .[0].mem.pss > 0' "$BATS_TEST_TMPDIR/j"
	# a root process beside a nobody memtop: its figures unknown to nobody
	unshare -pf --mount-proc sh -c "sleep 60 & sleep 0.3; setpriv --reuid=nobody --regid=nogroup --clear-groups \
		'$MEMTOP' -bJ -o pid,uid,comm,rss,pss,uss; kill \$!" >"$BATS_TEST_TMPDIR/j"
	check_rows "$BATS_TEST_TMPDIR/j"
	jqe '.processes | length >= 2 and all(.[]; .pid < 10)' "$BATS_TEST_TMPDIR/j"
	jqe 'any(.processes[]; .comm == "sleep" and .uid == 0 and .mem.pss == null and .mem.rss > 0)' \
		"$BATS_TEST_TMPDIR/j"
	jqe 'any(.processes[]; .comm == "memtop" and .uid == 65534 and .mem.pss > 0)' "$BATS_TEST_TMPDIR/j"
}

@test "counts of one are singular: one root process beside a nobody memtop (-b, -S)" {
	unshare -pf --mount-proc true 2>/dev/null || skip "cannot create a PID namespace here"
	# sh is pid 1 (root) and waits for memtop (nobody): two processes, one unreadable
	for args in -b -S; do
		unshare -pf --mount-proc sh -c "setpriv --reuid=nobody --regid=nogroup --clear-groups \
			'$MEMTOP' $args; true" >"$BATS_TEST_TMPDIR/out"
		cat "$BATS_TEST_TMPDIR/out"
		! grep -Eq '(^|[^0-9])1 processes' "$BATS_TEST_TMPDIR/out" || false
	done
	unshare -pf --mount-proc sh -c "setpriv --reuid=nobody --regid=nogroup --clear-groups '$MEMTOP' -b; true" |
		grep -q '^Note: *PSS/USS of 1 process could not be read'
	unshare -pf --mount-proc sh -c "setpriv --reuid=nobody --regid=nogroup --clear-groups '$MEMTOP' -S; true" >"$BATS_TEST_TMPDIR/out"
	grep -q "1 process's smaps_rollup unreadable" "$BATS_TEST_TMPDIR/out"
	grep -q "(1 process's maps could not be read" "$BATS_TEST_TMPDIR/out"
}

@test "the interactive view as nobody and in a PID namespace starts and quits" {
	command -v tmux >/dev/null || skip "no tmux"
	tui_start perms "unshare -pf --mount-proc setpriv --reuid=nobody --regid=nogroup --clear-groups env LC_ALL=C.UTF-8 TERM=xterm-256color '$MEMTOP' -d 0.2"
	tui_wait perms PID
	sleep 1
	tui_running perms
	[ "$(tui_quit perms)" = 0 ]
}
