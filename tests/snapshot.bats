#!/usr/bin/env bats
# One snapshot, every face (issue 11): figures stay fresh on later samples even when the
# process itself does not move (a sharer exits, mlock, mprotect); -m carries the OOM
# figures; files on any tmpfs are shmem; the reports combine; the registry's new fields
# agree with the kernel (THP, hugetlb, KSM); no face and no analysis reads /proc itself.

load lib

setup() {
	: >"$BATS_TEST_TMPDIR/hogs"
}

teardown() {
	stop_hogs
	[ -z "${HUGE_BEFORE:-}" ] || echo "$HUGE_BEFORE" >/proc/sys/vm/nr_hugepages
	[ -z "${KSM_BEFORE:-}" ] || echo "$KSM_BEFORE" >/sys/kernel/mm/ksm/run
	if [ -n "${TMPFS_DIR:-}" ]; then umount "$TMPFS_DIR" 2>/dev/null || true; fi
}

# start_quiet KIND MIB: memhog quiet KIND MIB, its output in a file ($QUIET_OUT), HOG_PID
# set once it said "ready".
start_quiet() {
	QUIET_OUT="$BATS_TEST_TMPDIR/quiet.$RANDOM"
	"$HELPERS/memhog" quiet "$1" "$2" >"$QUIET_OUT" &
	HOG_PID=$!
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$HOG_PID"
	wait_line "$QUIET_OUT" '^ready$'
}

# samples_changed MEMTOP_ARGS...: memtop -bJ -n 5 -d 1 ARGS in the background; after its first
# sample, SIGUSR1 to the hog and its "changed" awaited; the samples in $BATS_TEST_TMPDIR/s.
samples_changed() {
	local out="$BATS_TEST_TMPDIR/s" pid i
	"$MEMTOP" -bJ -n 5 -d 1 "$@" >"$out" &
	pid=$!
	for i in $(seq 300); do [ -s "$out" ] && break; sleep 0.05; done
	kill -USR1 "$HOG_PID"
	wait_line "$QUIET_OUT" '^changed$'
	wait "$pid"
	[ "$(wc -l <"$out")" -eq 5 ]
}

@test "PSS and USS are read at every sample: a sharer's exit shows at once (no fault of its own)" {
	start_quiet forkshare 128
	samples_changed -p "$HOG_PID"
	uss=$(($(rollup_bytes "$HOG_PID" Private_Clean) + $(rollup_bytes "$HOG_PID" Private_Dirty)))
	pss=$(rollup_bytes "$HOG_PID" Pss)
	assert_ge "$uss" $((128 * MIB))
	# before: about half of it is the parent's PSS, almost none its USS
	assert_le "$(sed -n 1p "$BATS_TEST_TMPDIR/s" | jq '.processes[0].mem.uss')" $((16 * MIB))
	# samples taken 2 s and more after the change: read for the sample (age 0), the kernel's
	# figures within 1 %. A read slower than 2 ms (a sanitizer build on a busy machine) is
	# reused for 100 times as long, with its age: such a sample is not fresh but says so.
	fresh=0
	for n in 3 4 5; do
		got=$(sed -n "${n}p" "$BATS_TEST_TMPDIR/s" | jq '.processes[0].mem.uss')
		age=$(sed -n "${n}p" "$BATS_TEST_TMPDIR/s" | jq '.processes[0].age')
		echo "sample $n: uss $got (age $age), smaps_rollup $uss"
		[ "$age" != 0 ] && [ "$age" != null ] && continue
		fresh=$((fresh + 1))
		assert_ge "$got" $((uss - uss / 100))
		assert_le "$got" $((uss + uss / 100))
		got=$(sed -n "${n}p" "$BATS_TEST_TMPDIR/s" | jq '.processes[0].mem.pss')
		assert_ge "$got" $((pss - pss / 100))
	done
	[ "$fresh" -ge 1 ]
}

@test "status figures are read at every sample: mlock and mprotect show at once (no fault)" {
	start_quiet mlock 64
	data_before=$(status_bytes "$HOG_PID" VmData)
	samples_changed -p "$HOG_PID"
	locked=$(status_bytes "$HOG_PID" VmLck)
	data=$(status_bytes "$HOG_PID" VmData)
	[ "$locked" -ge $((64 * MIB)) ]
	[ "$data" -le $((data_before - 32 * MIB)) ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/s" | jq '.processes[0].mem.locked')" -eq 0 ]
	for n in 3 4 5; do
		[ "$(sed -n "${n}p" "$BATS_TEST_TMPDIR/s" | jq '.processes[0].mem.locked')" -eq "$locked" ]
		[ "$(sed -n "${n}p" "$BATS_TEST_TMPDIR/s" | jq '.processes[0].mem.data')" -eq "$data" ]
	done
}

@test "-bJ -m carries oom.score and score_adj, as -bJ does" {
	start_hog adj 300
	j=$("$MEMTOP" -bJ -m -p "$HOG_PID")
	[ "$(jq '.processes[0].oom.score_adj' <<<"$j")" -eq 300 ]
	score=$(jq '.processes[0].oom.score' <<<"$j")
	[ "$score" != null ]
	[ "$score" -ge 800 ] && [ "$score" -le 2000 ]	# 666 + 300 x 2/3 and its own few pages
	run "$MEMTOP" -m -p "$HOG_PID"
	grep -Eq 'oom_score_adj +300$' <<<"$output"
}

@test "a file on a tmpfs other than /dev/shm is shmem, private or shared, in -m and in -S" {
	[ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
	TMPFS_DIR="$BATS_TEST_TMPDIR/tmpfs"
	mkdir -p "$TMPFS_DIR"
	mount -t tmpfs -o size=32m memtop-test "$TMPFS_DIR" || skip "cannot mount a tmpfs here"
	head -c $((8 * MIB)) /dev/urandom >"$TMPFS_DIR/data"
	start_hog fileread "$TMPFS_DIR/data"
	j=$("$MEMTOP" -bJ -m -p "$HOG_PID")
	shmem=$(status_bytes "$HOG_PID" RssShmem)
	assert_ge "$shmem" $((8 * MIB))
	[ "$(jq ".processes[0].maps[] | select(.path == \"$TMPFS_DIR/data\") | .segment" <<<"$j")" = '"shmem"' ]
	[ "$(jq '.processes[0].segments.shmem.rss' <<<"$j")" -eq "$shmem" ]
	[ "$(jq '.processes[0].segments.file_mmap.rss' <<<"$j")" -lt $((8 * MIB)) ]
	j=$("$MEMTOP" -bJ -S -p "$HOG_PID")
	[ "$(jq "[.system.shmem.objects[] | select(.name == \"$TMPFS_DIR/data\") | .users[0].pid] | .[0]" <<<"$j")" -eq "$HOG_PID" ]
	[ "$(jq "[.system.shmem.mounts[] | select(.mountpoint == \"$TMPFS_DIR\")] | length" <<<"$j")" -eq 1 ]
}

@test "-S -O prints both reports, in that order; -bJ -S -O is one document holding both" {
	run "$MEMTOP" -O -S -p $$
	[ "$status" -eq 0 ]
	s=$(grep -n '^Memory .* (MemTotal)' <<<"$output" | cut -d: -f1)
	o=$(grep -n '^OOM kill order' <<<"$output" | cut -d: -f1)
	[ -n "$s" ] && [ -n "$o" ] && [ "$s" -lt "$o" ]
	j=$("$MEMTOP" -bJ -S -O -p $$)
	[ "$(wc -l <<<"$j")" -eq 1 ]
	[ "$(jq '(.system.breakdown.total > 0) and (.system.shmem.objects | type == "array") and (.oom.kill_order | length == 1)' <<<"$j")" = true ]
	run "$MEMTOP" -S -O -m -p $$
	[ "$status" -eq 0 ]
	m=$(grep -n "^PID $$ " <<<"$output" | cut -d: -f1)
	[ -n "$m" ] && [ "$o" -lt "$m" ]
	[ "$("$MEMTOP" -bJ -O -m -p $$ | jq '(.oom.kill_order[0].pid) == (.processes[0].pid) and (.processes[0].maps | length > 0)')" = true ]
}

@test "-O: a vfork child is not eligible (the kernel scores it 0), and says so" {
	start_hog vfork
	child=$(pgrep -P "$HOG_PID" | head -1)
	[ -n "$child" ]
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$child"
	[ "$(cat "/proc/$child/oom_score")" -eq 0 ] || skip "this kernel scores a vfork child $(cat "/proc/$child/oom_score")"
	j=$("$MEMTOP" -bJ -O)
	[ "$(jq "[.oom.ineligible[] | select(. == $child)] | length" <<<"$j")" -eq 1 ]
	# (through a file: grep's own command line is in the kill order)
	"$MEMTOP" -O >"$BATS_TEST_TMPDIR/o"
	grep -q "Not eligible:.*a vfork child sharing its parent's memory, or being reaped): 1" "$BATS_TEST_TMPDIR/o"
	! grep -q 'vfork parent' "$BATS_TEST_TMPDIR/o" || false
}

@test "words that match the kernel: USS, SwapPss, CommitLimit" {
	"$MEMTOP" -o help | grep -E '^  uss ' | grep -q 'file pages stay in the page cache, shmem until it is removed'
	"$MEMTOP" -o help | grep -E '^  swap_pss ' | grep -q 'swapped shmem is not in it'
	! "$MEMTOP" -o help | grep -q 'shmem included' || false
	mode=$(cat /proc/sys/vm/overcommit_memory)
	if [ "$mode" -ne 2 ]; then
		"$MEMTOP" -b -p $$ | grep -E '^Commit:' | grep -q 'CommitLimit not enforced'
	fi
}

# ---- the registry's new fields, against the kernel's own figures ----

@test "thp is smaps_rollup's AnonHugePages" {
	grep -q '\[madvise\]\|\[always\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null ||
		skip "transparent huge pages are off here"
	start_hog thp 16
	want=$(rollup_bytes "$HOG_PID" AnonHugePages)
	[ "$want" -gt 0 ] || skip "the kernel gave no huge page (fragmented memory)"
	stop_proc "$HOG_PID"
	steady "$HOG_PID" "$MEMTOP" -bJ -p "$HOG_PID" -o pid,thp
	[ "$(jq '.processes[0].mem.thp' <<<"$out")" -eq "$(rollup_bytes "$HOG_PID" AnonHugePages)" ]
	kill -CONT "$HOG_PID"
}

@test "hugetlb is status's HugetlbPages, and not in RSS" {
	[ "$(id -u)" -eq 0 ] || skip "reserving huge pages needs root"
	HUGE_BEFORE=$(cat /proc/sys/vm/nr_hugepages)
	echo $((HUGE_BEFORE + 2)) >/proc/sys/vm/nr_hugepages
	[ "$(meminfo_bytes HugePages_Free)" -ge 2 ] 2>/dev/null || [ "$(awk '/^HugePages_Free/ {print $2}' /proc/meminfo)" -ge 2 ] ||
		skip "the kernel could not reserve 2 huge pages"
	start_hog hugetlb 4
	j=$("$MEMTOP" -bJ -p "$HOG_PID" -o pid,hugetlb,rss)
	[ "$(jq '.processes[0].mem.hugetlb' <<<"$j")" -eq "$(status_bytes "$HOG_PID" HugetlbPages)" ]
	[ "$(jq '.processes[0].mem.hugetlb' <<<"$j")" -eq $((4 * MIB)) ]
	[ "$(jq '.processes[0].mem.rss' <<<"$j")" -lt $((4 * MIB)) ]
	stop_hogs
}

@test "ksm is ksm_stat's ksm_merging_pages, in bytes; unknown without ksm_stat" {
	[ -r /proc/self/ksm_stat ] || {
		[ "$("$MEMTOP" -bJ -p $$ -o pid,ksm | jq '.processes[0].mem.ksm')" = null ]
		skip "no /proc/PID/ksm_stat on this kernel: shown unknown, checked"
	}
	[ "$(id -u)" -eq 0 ] && [ -w /sys/kernel/mm/ksm/run ] || skip "starting ksmd needs root"
	KSM_BEFORE=$(cat /sys/kernel/mm/ksm/run)
	echo 1 >/sys/kernel/mm/ksm/run
	start_hog ksm 8
	for _ in $(seq 100); do
		[ "$(awk '$1 == "ksm_merging_pages" {print $2}' "/proc/$HOG_PID/ksm_stat")" -gt 0 ] && break
		sleep 0.1
	done
	pages=$(awk '$1 == "ksm_merging_pages" {print $2}' "/proc/$HOG_PID/ksm_stat")
	[ "$pages" -gt 0 ] || skip "ksmd merged nothing in 10 s"
	echo 0 >/sys/kernel/mm/ksm/run	# no more merging while memtop reads
	pages=$(awk '$1 == "ksm_merging_pages" {print $2}' "/proc/$HOG_PID/ksm_stat")
	[ "$("$MEMTOP" -bJ -p "$HOG_PID" -o pid,ksm | jq '.processes[0].mem.ksm')" -eq $((pages * $(getconf PAGESIZE))) ]
}

# ---- layers ----

@test "no face reads /proc, and in lib/ only the sampler's layer does" {
	src=${top_srcdir:-$TESTS_DIR/..}
	! grep -nE '"/proc|procfs_|openat|opendir|readlinkat|statvfs|fstatat' "$src"/ui/*.c "$src"/cmd/*.c || false
	# lib/: the sampler (sample*.c) and its readers (procfs, procdir, proc2, system, cgroup's
	# file reader), and the actions' door (oomadj, pidfd through procdir)
	! grep -lE '"/proc|procfs_(read|pread|stream)|opendir\(|readlinkat|statvfs' "$src"/lib/*.c |
		grep -vE '/(sample|sample-sys|procfs|procdir|proc2|system|cgroup|oomadj|memtoprc)\.c$' || false
	[ "$(grep -c 'open("/proc"' "$src"/lib/*.c | awk -F: '{s += $2} END {print s}')" -eq 1 ]
}

# ---- issue 16's small ones kept with the sampler ----

@test "a file literally named 'X (deleted)' is not deleted; an unlinked one is (decided by the inode)" {
	local dir="$BATS_TEST_TMPDIR/files"
	mkdir -p "$dir"
	head -c $((2 * MIB)) /dev/zero >"$dir/data (deleted)"
	start_hog fileread "$dir/data (deleted)"
	j=$("$MEMTOP" -bJ -m -p "$HOG_PID")
	[ "$(jq "[.processes[0].maps[] | select(.path == \"$dir/data (deleted)\") | .deleted] | unique" <<<"$j")" = '[
  false
]' ]
	run "$MEMTOP" -m -p "$HOG_PID"
	grep -qF "$dir/data (deleted)" <<<"$output"
	! grep -qF "$dir/data (deleted) (deleted)" <<<"$output" || false
	stop_hogs
	head -c $((2 * MIB)) /dev/zero >"$dir/gone"
	start_hog fileread "$dir/gone"
	rm "$dir/gone"
	j=$("$MEMTOP" -bJ -m -p "$HOG_PID")
	[ "$(jq "[.processes[0].maps[] | select(.path == \"$dir/gone\") | .deleted] | unique" <<<"$j")" = '[
  true
]' ]
	"$MEMTOP" -m -p "$HOG_PID" | grep -qF "$dir/gone (deleted)"
}

@test "-m on a zombie: text and JSON both say so on stderr and exit 1, and list what they could" {
	local z
	# sh reaps nothing once it has exec'd sleep: its child stays a zombie
	sh -c 'sleep 0.05 & exec sleep 30' &
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$!"
	for _ in $(seq 100); do
		z=$(pgrep -P "$!" | head -1)
		[ -n "$z" ] && [ "$(awk '{print $3}' "/proc/$z/stat" 2>/dev/null)" = Z ] && break
		sleep 0.05
	done
	[ "$(awk '{print $3}' "/proc/$z/stat")" = Z ]
	run "$MEMTOP" -m -p "$z,$$"
	[ "$status" -eq 1 ]
	grep -q "pid $z is a zombie: it has exited and has no address space" <<<"$output"
	grep -q "^PID $$ " <<<"$output"
	run "$MEMTOP" -bJ -m -p "$z,$$"
	[ "$status" -eq 1 ]
	grep -q "pid $z is a zombie" <<<"$output"
	[ "$(grep '^{' <<<"$output" | jq '[.processes[].pid]')" = "[
  $$
]" ]
}
