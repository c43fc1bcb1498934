#!/usr/bin/env bats
# Totals and groups (-g) in -b and -bJ: every sum is the sum of the processes' own figures
# (what is known; a figure that could not be read is left out and counted), groups partition
# the processes, and the figures agree with /proc read directly.

load lib

teardown() {
	stop_hogs
}

# The JSON document of memtop -bJ ARGS in $BATS_TEST_TMPDIR/j
json() {
	memtop -bJ "$@" >"$BATS_TEST_TMPDIR/j"
}

jqj() {
	$JQ -e "$@" "$BATS_TEST_TMPDIR/j" >/dev/null
}

@test "-bJ totals: each sum is the processes' figures added up, count and unknown members apart" {
	json
	jqj '.totals.count == (.processes | length) and .totals.count > 0'
	# every summed key, in bytes: the sum of what is known (null when none is)
	jqj '. as $d | all(.totals.mem | keys[]; . as $k |
		([$d.processes[].mem[$k] | select(. != null)] | if length == 0 then null else add end) == $d.totals.mem[$k])'
	jqj '. as $d | all(.totals.faults | keys[] | select(endswith("_rate") | not); . as $k |
		([$d.processes[].faults[$k] | select(. != null)] | if length == 0 then null else add end) == $d.totals.faults[$k])'
	# a PSS that could not be read, of a process that has memory (not a kernel thread's,
	# which does not apply), is counted apart
	jqj '([.processes[] | select(.mem.rss != null and .mem.pss == null)] | length) == (.totals.unknown.pss // 0)'
	jqj '.totals.age >= 0'
}

@test "-bJ -g user: groups partition the processes; each group's sums are its members'" {
	json -g user
	jqj '([.groups[].count] | add) == (.processes | length)'
	jqj 'all(.groups[]; .by == "user")'
	jqj '. as $d | all(.groups[]; . as $g |
		([$d.processes[] | select(.user == $g.key)] | length) == $g.count and
		([$d.processes[] | select(.user == $g.key) | .mem.rss | select(. != null)] | add) == $g.mem.rss and
		([$d.processes[] | select(.user == $g.key) | .mem.pss | select(. != null)] | add) == $g.mem.pss)'
	# the groups add up to the totals
	jqj '([.groups[].mem.rss | select(. != null)] | add) == .totals.mem.rss'
	# sorted by PSS, the default sort: the largest first
	jqj '[.groups[].mem.pss // 0] as $p | $p == ($p | sort | reverse)'
	# a plain -bJ has totals but no groups
	json -p $$
	jqj 'has("totals") and (has("groups") | not)'
}

@test "-g comm: two processes of one name are one row, their RSS the sum of /proc's VmRSS" {
	start_hog touched 24
	a=$HOG_PID
	start_hog touched 40
	b=$HOG_PID
	stop_proc "$a"
	stop_proc "$b"	# their figures hold still
	want=$(($(status_bytes "$a" VmRSS) + $(status_bytes "$b" VmRSS)))
	json -g comm -p "$a,$b"
	jqj '.groups | length == 1'
	jqj ".groups[0] | .key == \"memhog\" and .count == 2 and .mem.rss == $want"
	jqj ".groups[0].mem.anon >= $(((24 + 40) * MIB))"
	# the text report: one row, its count, the totals line below it
	run memtop -b -g comm -p "$a,$b" -o rss
	[ "$status" -eq 0 ]
	grep -Eq '^ *PROCS +RSS COMM *$' <<<"$output"
	grep -Eq '^ +2 +[0-9.]+M memhog$' <<<"$output"
	grep -Eq '^ +2 +[0-9.]+M total: 1 group$' <<<"$output"
}

@test "PSS adds up to physical use: two processes sharing 64 MiB total 64 MiB of PSS, twice that of RSS" {
	start_hog quiet forkshare 64
	child=$(pgrep -P "$HOG_PID" | head -1)
	[ -n "$child" ]
	json -p "$HOG_PID,$child"
	jqj '.totals.count == 2 and .totals.unknown.pss == null and .totals.unknown.rss == null'
	pss=$($JQ '.totals.mem.pss' "$BATS_TEST_TMPDIR/j")
	rss=$($JQ '.totals.mem.rss' "$BATS_TEST_TMPDIR/j")
	echo "pss $pss rss $rss"
	# the 64 MiB are counted once in PSS (plus the processes' own few MiB), twice in RSS
	[ "$pss" -ge $((64 * MIB)) ] && [ "$pss" -le $((72 * MIB)) ]
	[ "$rss" -ge $((128 * MIB)) ]
	# and agree with smaps_rollup read directly (libraries' PSS moves as processes come
	# and go: a MiB of slack)
	direct=$(($(rollup_bytes "$HOG_PID" Pss) + $(rollup_bytes "$child" Pss)))
	[ $((pss - direct)) -le $MIB ] && [ $((direct - pss)) -le $MIB ]
}

# memory_cgroup PID: the process's memory cgroup, as /proc/PID/cgroup names it (the v1
# memory controller's line on a hybrid layout, else the v2 line)
memory_cgroup() {
	local v1
	v1=$(sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}memory\(,[^:]*\)\{0,1\}://p' "/proc/$1/cgroup")
	if [ -n "$v1" ]; then echo "$v1"; else sed -n 's/^0:://p' "/proc/$1/cgroup"; fi
}

@test "-g cgroup: keys are the processes' memory cgroups as /proc/PID/cgroup names them" {
	path=$(memory_cgroup $$)
	[ -n "$path" ] || skip "no memory cgroup in /proc/$$/cgroup"
	start_hog touched 8
	hpath=$(memory_cgroup "$HOG_PID")
	json -g cgroup -p "$$,$HOG_PID"
	jqj "[.groups[].key] | sort == ([\"$path\", \"$hpath\"] | unique)"
	jqj '[.groups[].count] | add == 2'
	run memtop -b -g cgroup -p "$$,$HOG_PID"
	[ "$status" -eq 0 ]
	grep -Eq 'PROCS .* CGROUP *$' <<<"$output"
	grep -Fq " $path" <<<"$output"
}

@test "-n 2 -bJ -g: every document has its groups and totals" {
	memtop -bJ -n 2 -d 0.1 -g user -p $$ >"$BATS_TEST_TMPDIR/jl"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/jl")" -eq 2 ]
	$JQ -e -s 'all(.[]; .groups[0].count == 1 and .totals.count == 1)' "$BATS_TEST_TMPDIR/jl" >/dev/null
	# rates are known from the second document on, and summed
	$JQ -e -s '.[1].groups[0].faults.minor_rate != null' "$BATS_TEST_TMPDIR/jl" >/dev/null
}

@test "the text report ends with the totals line, sums of the rows" {
	start_hog touched 32
	stop_proc "$HOG_PID"
	run memtop -b -p "$$,$HOG_PID" -o pid,anon,cmd
	[ "$status" -eq 0 ]
	total=$(grep -E ' total: 2 processes$' <<<"$output")
	echo "$total"
	anon=$(awk '{ print $1 }' <<<"$total")
	# 32 MiB and the shell's few
	kib=$(awk -v s="$anon" 'BEGIN { m = 1; if (s ~ /M$/) m = 1024; else if (s ~ /G$/) m = 1048576; sub(/[KMG]$/, "", s); printf "%d", s * m }')
	want=$((($(status_bytes "$HOG_PID" RssAnon) + $(status_bytes $$ RssAnon)) / 1024))
	echo "shown $kib KiB, /proc $want KiB"
	[ $((kib - want)) -le $((want / 100 + 1)) ] && [ $((want - kib)) -le $((want / 100 + 1)) ]
	# the last table line; no note when every figure was read
	[ "$(grep -c 'lower bound' <<<"$output")" -eq 0 ]
}

@test "-g: bad values and combinations are usage errors" {
	run memtop -b -g pid
	[ "$status" -eq 2 ]
	[ "$output" = "memtop: --group wants user, comm or cgroup, not 'pid'" ]
	for o in -S -O "-m -p $$" "--set-oom-adj=0 -p $$"; do
		# shellcheck disable=SC2086
		run memtop -g user $o
		[ "$status" -eq 2 ]
		grep -q 'groups the process list' <<<"$output"
	done
	run memtop -b --group=comm -p $$
	[ "$status" -eq 0 ]
}

@test "as nobody: sums leave out what cannot be read, marked as lower bounds, counted in JSON" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	command -v setpriv >/dev/null || skip "no setpriv"
	as() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	as test -x "$MEMTOP" || skip "nobody cannot run $MEMTOP"
	setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 600 &
	own=$!
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$own"
	for _ in $(seq 50); do [ "$(stat -c %u "/proc/$own")" = 65534 ] && [ "$(cat "/proc/$own/comm")" = sleep ] && break; sleep 0.1; done
	# root's two processes cannot be read; nobody's own can
	run as "$MEMTOP" -b -p "1,$$,$own" -o pid,rss,pss
	[ "$status" -eq 0 ]
	grep -Eq '^ +[0-9.]+[KMG]? +(>=|≥)[0-9.]+[KMG]? +total: 3 processes$' <<<"$output"
	grep -Eq '^Note: +PSS: (≥|>=) is a lower bound, leaving out 2 processes that could not be read$' <<<"$output"
	as "$MEMTOP" -bJ -p "1,$$,$own" >"$BATS_TEST_TMPDIR/j"
	jqj ".totals.unknown.pss == 2 and .totals.mem.pss == (.processes[] | select(.pid == $own) | .mem.pss)"
	# none readable: no figure, not 0
	as "$MEMTOP" -bJ -p "1,$$" -g user >"$BATS_TEST_TMPDIR/j"
	jqj '.groups[0] | .key == "root" and .count == 2 and .unknown.pss == 2 and .mem.pss == null'
	run as "$MEMTOP" -b -p "1,$$" -o pid,rss,pss
	grep -Eq '^ +[0-9.]+[KMG]? +- +total: 2 processes$' <<<"$output"
}
