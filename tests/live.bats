#!/usr/bin/env bats
# Live tests: processes with known memory, checked against what memtop reports and against
# /proc read directly.

load lib

teardown() {
	stop_hogs
}

@test "untouched malloc: 512 MiB virtual, little resident" {
	start_hog untouched 512
	j=$(proc_json "$HOG_PID")
	virt=$(jq .mem.virt <<<"$j")
	rss=$(jq .mem.rss <<<"$j")
	assert_ge "$virt" $((512 * MIB))
	assert_le "$rss" $((32 * MIB))
	data=$(jq .mem.data <<<"$j")
	assert_ge "$data" $((512 * MIB))
}

@test "touched malloc: 256 MiB resident, anonymous and unique; uss <= pss <= rss" {
	start_hog touched 256
	j=$(proc_json "$HOG_PID")
	for k in rss anon uss pss; do
		assert_ge "$(jq .mem.$k <<<"$j")" $((256 * MIB))
	done
	uss=$(jq .mem.uss <<<"$j")
	pss=$(jq .mem.pss <<<"$j")
	rss=$(jq .mem.rss <<<"$j")
	assert_le "$uss" "$pss"
	assert_le "$pss" "$rss"
	# one minor fault per page touched at least
	assert_ge "$(jq .faults.minor <<<"$j")" $((256 * MIB / $(getconf PAGESIZE)))
}

@test "shared anonymous memory counts as shmem" {
	start_hog shared 64
	j=$(proc_json "$HOG_PID")
	assert_ge "$(jq .mem.shmem <<<"$j")" $((64 * MIB))
	assert_le "$(jq .mem.anon <<<"$j")" $((16 * MIB))
}

@test "rss, pss and oom_score equal /proc for an idle process" {
	start_hog touched 32
	stop_proc "$HOG_PID"
	steady "$HOG_PID" proc_json "$HOG_PID"
	j=$out
	want_rss=$(saved_bytes "$HOG_PID" VmRSS)
	want_pss=$(rollup_bytes "$HOG_PID" Pss)
	want_uss=$(($(rollup_bytes "$HOG_PID" Private_Clean) + $(rollup_bytes "$HOG_PID" Private_Dirty)))
	want_oom=$(saved_score "$HOG_PID")
	want_minflt=$(awk '{print $10}' "/proc/$HOG_PID/stat")	# before CONT: running, it may fault
	kill -CONT "$HOG_PID"
	[ "$(jq .mem.rss <<<"$j")" -eq "$want_rss" ]
	# PSS and USS of shared pages move as other processes (memtop itself, other tests'
	# memhogs sharing the executable) map and unmap them, even while this one is stopped
	pss=$(jq .mem.pss <<<"$j")
	uss=$(jq .mem.uss <<<"$j")
	assert_le $((pss > want_pss ? pss - want_pss : want_pss - pss)) $((512 * 1024))
	assert_le $((uss > want_uss ? uss - want_uss : want_uss - uss)) $((512 * 1024))
	assert_ge "$uss" $((32 * MIB))
	[ "$(jq .oom.score <<<"$j")" -eq "$want_oom" ]
	[ "$(jq .faults.minor <<<"$j")" -eq "$want_minflt" ]
}

@test "a raised oom_score_adj shows at once" {
	start_hog touched 8
	echo 500 >"/proc/$HOG_PID/oom_score_adj"
	steady "$HOG_PID" proc_json "$HOG_PID"
	j=$out
	[ "$(jq .oom.score_adj <<<"$j")" -eq 500 ]
	[ "$(jq .oom.score <<<"$j")" -eq "$(saved_score "$HOG_PID")" ]
	[ "$(jq .oom.score <<<"$j")" -gt 666 ]
}

@test "fault rates: null on the first sample, measured on the next" {
	start_hog touched 8
	run bash -c "\"$MEMTOP\" -bJ -n 2 -d 0.2 -p $HOG_PID | jq -c '.processes[0].faults'"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq .minor_rate <<<"${lines[0]}")" = null ]
	[ "$(jq .minor_rate <<<"${lines[1]}")" != null ]
	[ "$(jq .major_rate <<<"${lines[1]}")" = 0 ]
}

@test "as nobody: root's PSS is unknown (null), never 0; own figures stay known" {
	command -v setpriv >/dev/null || skip "no setpriv"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
	start_hog touched 16
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$MEMTOP" -bJ -p "$HOG_PID")
	[ "$(jq '.processes[0].mem.pss' <<<"$out")" = null ]
	[ "$(jq '.processes[0].mem.uss' <<<"$out")" = null ]
	[ "$(jq -r '.processes[0].errors.smaps_rollup' <<<"$out")" = EACCES ]
	# what nobody may read is still known
	assert_ge "$(jq '.processes[0].mem.rss' <<<"$out")" $((16 * MIB))
	# the text report shows its upper bound, marked: the RSS
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$MEMTOP" -b -p "$HOG_PID" -o pid,pss,rss >"$BATS_TEST_TMPDIR/r"
	rss=$(awk -v p="$HOG_PID" '$1 == p {print $3}' "$BATS_TEST_TMPDIR/r")
	grep -Eq "^ *$HOG_PID +(<=|≤)$rss +$rss\$" "$BATS_TEST_TMPDIR/r"
	# and its own process is fully known
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$HELPERS/memhog" touched 4 | { read -r _; pid=$(pgrep -n -u nobody memhog); setpriv --reuid=nobody --regid=nogroup --clear-groups "$MEMTOP" -bJ -p "$pid"; kill "$pid"; })
	assert_ge "$(jq '.processes[0].mem.pss' <<<"$out")" $((4 * MIB))
}

@test "kernel threads: memory not applicable (null), oom figures known" {
	kthreadd_visible || skip "no kernel thread is visible here (a PID namespace)"
	j=$(proc_json 2)
	[ "$(jq .mem.rss <<<"$j")" = null ]
	[ "$(jq .mem.pss <<<"$j")" = null ]
	[ "$(jq -r .cmdline <<<"$j")" = "[kthreadd]" ]
	[ "$(jq .oom.score <<<"$j")" = 0 ]
}

@test "every process's JSON passes jq; sums are consistent" {
	run bash -c "\"$MEMTOP\" -bJ | jq -e '.schema == \"memtop/1\" and (.processes | length) > 10'"
	[ "$status" -eq 0 ]
	# for every process with known figures: uss <= pss <= rss (±64 KiB of drift). PSS comes
	# from smaps_rollup and RSS from status, two reads: a process growing between them may
	# pass its RSS for a moment, so a process fails only when it does in both of two samples.
	"$MEMTOP" -bJ -n 2 -d 0.2 >"$BATS_TEST_TMPDIR/two"
	bad=$(jq -sc '[.[] | [.processes[] | select(.mem.pss != null and .mem.anon != null)
		| select(.mem.uss > .mem.pss or .mem.pss > .mem.rss + 65536) | .pid]]
		| .[0] - (.[0] - .[1])' "$BATS_TEST_TMPDIR/two")
	if [ "$bad" != "[]" ]; then
		echo "uss <= pss <= rss broken in both samples for pids $bad:" >&2
		jq -sc --argjson bad "$bad" '.[1].processes[] | select(.pid as $p | $bad | index($p))
			| {pid, comm, mem}' "$BATS_TEST_TMPDIR/two" >&2
		false
	fi
}

@test "system figures equal /proc/meminfo and /proc/sys/vm" {
	j=$("$MEMTOP" -bJ -p $$)
	total=$(meminfo_bytes MemTotal)
	[ "$(jq .system.mem.total <<<"$j")" -eq "$total" ]
	[ "$(jq .system.commit.overcommit_memory <<<"$j")" -eq "$(cat /proc/sys/vm/overcommit_memory)" ]
	[ "$(jq .system.vm.swappiness <<<"$j")" -eq "$(cat /proc/sys/vm/swappiness)" ]
	limit=$(meminfo_bytes CommitLimit)
	[ "$(jq .system.commit.limit <<<"$j")" -eq "$limit" ]
	# the reclaimable cache is Cached - Shmem of the same read; with buffers it is -S's
	# file_cache; Cached is /proc's, give or take what moved since (1 % of RAM)
	[ "$(jq '.system.mem | .reclaimable_cache == ([.cached - .shmem, 0] | max)' <<<"$j")" = true ]
	[ "$("$MEMTOP" -bJ -S -p $$ | jq '.system | .mem.reclaimable_cache + .mem.buffers == .breakdown.parts.file_cache')" = true ]
	cached=$(meminfo_bytes Cached)
	d=$(($(jq .system.mem.cached <<<"$j") - cached))
	[ "${d#-}" -le $((total / 100)) ]
	if [ -r /proc/pressure/memory ]; then
		[ "$(jq '.system.pressure.some | has("avg10")' <<<"$j")" = true ]
	fi
}

@test "sorting: -s rss orders by rss, unknown last" {
	out=$("$MEMTOP" -bJ -s rss | jq '[.processes[].mem.rss]')
	[ "$(jq '[.[] | select(. != null)] as $k | $k == ($k | sort | reverse)' <<<"$out")" = true ]
	[ "$(jq 'map(. == null) as $n | ($n | index(true)) as $i | $i == null or ($n[$i:] | all)' <<<"$out")" = true ]
}
