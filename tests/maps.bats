#!/usr/bin/env bats
# -m: segments and mappings of processes whose memory layout the test knows, checked
# against pmap -X and /proc/PID/smaps_rollup.

load lib

teardown() {
	stop_hogs
}

# seg PID SEGMENT FIGURE: a segment figure from memtop -bJ -m
seg() {
	jq ".processes[0].segments.$2.$3" "$BATS_TEST_TMPDIR/m.json"
}

maps_json() {
	stop_proc "$1"
	"$MEMTOP" -bJ -m -p "$1" >"$BATS_TEST_TMPDIR/m.json"
	pmap -X "$1" >"$BATS_TEST_TMPDIR/pmap" 2>/dev/null || true
	cat "/proc/$1/smaps_rollup" >"$BATS_TEST_TMPDIR/rollup"
	kill -CONT "$1"
}

# The invariants of every -m output: segments' sums == mappings' sums == smaps_rollup,
# and size/rss over the mappings == pmap -X totals.
check_sums() {
	local j=$BATS_TEST_TMPDIR/m.json f segsum mapsum rollup_rss psize prss
	for f in rss pss swap; do
		segsum=$(jq "[.processes[0].segments[].$f] | add" "$j")
		mapsum=$(jq "[.processes[0].maps[].$f] | add" "$j")
		[ "$segsum" -eq "$mapsum" ] || { echo "$f: segments $segsum, maps $mapsum"; return 1; }
	done
	rollup_rss=$(awk '$1 == "Rss:" { printf "%.0f", $2 * 1024 }' "$BATS_TEST_TMPDIR/rollup")
	[ "$(jq '[.processes[0].maps[].rss] | add' "$j")" -eq "$rollup_rss" ]
	if command -v pmap >/dev/null && [ -s "$BATS_TEST_TMPDIR/pmap" ]; then
		read -r psize prss < <(awk '/^ +=+/ { getline; print $1 * 1024, $2 * 1024 }' "$BATS_TEST_TMPDIR/pmap")
		[ "$(jq '[.processes[0].maps[].size] | add' "$j")" -eq "$psize" ]
		[ "$(jq '[.processes[0].maps[].rss] | add' "$j")" -eq "$prss" ]
		[ "$(jq '.processes[0].maps | length' "$j")" -eq "$(awk '/^ *[0-9a-f]+ [r-][w-][x-][ps-] / {n++} END {print n}' "$BATS_TEST_TMPDIR/pmap")" ]
	fi
}

@test "500 small mallocs grow the heap, not anonymous maps" {
	start_hog small 50
	maps_json "$HOG_PID"
	assert_ge "$(seg "$HOG_PID" heap rss)" $((48 * MIB))
	assert_le "$(seg "$HOG_PID" anon_mmap rss)" $((4 * MIB))
	check_sums
}

@test "100 large mallocs are anonymous maps, not heap" {
	start_hog large 100
	maps_json "$HOG_PID"
	assert_ge "$(seg "$HOG_PID" anon_mmap rss)" $((100 * MIB))
	assert_le "$(seg "$HOG_PID" heap rss)" $((4 * MIB))
	[ "$(jq '[.processes[0].maps[] | select(.segment == "anon_mmap" and .rss >= 1048576)] | length' "$BATS_TEST_TMPDIR/m.json")" -ge 1 ]
	check_sums
}

@test "deep recursion touching 4 MiB of stack shows in stack" {
	start_hog stack 4
	maps_json "$HOG_PID"
	assert_ge "$(seg "$HOG_PID" stack rss)" $((3 * MIB))
	check_sums
}

@test "64 MiB of shared anonymous memory is shmem" {
	start_hog shared 64
	maps_json "$HOG_PID"
	assert_ge "$(seg "$HOG_PID" shmem rss)" $((64 * MIB))
	check_sums
}

@test "a file mapped private and read is file_mmap; written, its pages turn anonymous" {
	f=$BATS_TEST_TMPDIR/data.bin
	head -c $((64 * MIB)) /dev/urandom >"$f"
	start_hog fileread "$f"
	maps_json "$HOG_PID"
	assert_ge "$(seg "$HOG_PID" file_mmap rss)" $((64 * MIB))
	[ "$(jq "[.processes[0].maps[] | select(.path == \"$f\") | .anonymous] | add" "$BATS_TEST_TMPDIR/m.json")" -eq 0 ]
	check_sums
	stop_hogs
	start_hog filewrite "$f"
	maps_json "$HOG_PID"
	assert_ge "$(jq "[.processes[0].maps[] | select(.path == \"$f\") | .anonymous] | add" "$BATS_TEST_TMPDIR/m.json")" $((64 * MIB))
	assert_ge "$(jq '.processes[0].mem.anon' "$BATS_TEST_TMPDIR/m.json")" $((64 * MIB))
	check_sums
}

@test "text report: status figures, segment table and mapping table" {
	start_hog small 8
	run "$MEMTOP" -m -p "$HOG_PID"
	[ "$status" -eq 0 ]
	grep -q '^Status:' <<<"$output"
	grep -Eq '^ +VmPeak +[0-9.]+[KMG]' <<<"$output"
	grep -Eq '^heap +[0-9.]+M' <<<"$output"
	grep -Eq '^[0-9]+ mappings$' <<<"$output"
	grep -Eq ' heap +\[heap\]$' <<<"$output"
	grep -Eq ' libs +/.*libc\.so' <<<"$output"
}

# check_rows PID: the text report's mapping rows against /proc/PID/smaps read at the same
# time (the process stopped, and its smaps the same just before and just after the report:
# steady -s): address, perms, offset, device, inode and the figures the process alone
# decides (SIZE, RSS, PR_DRT, SWAP, LOCKED), each formatted here as units_compact formats
# it, with awk's printf (C's) for the decimals.
check_rows() {
	stop_proc "$1"
	steady -s "$1" "$MEMTOP" -m -p "$1"
	echo "$out" >"$BATS_TEST_TMPDIR/text"
	kill -CONT "$1"
	awk '
	function z(h) { sub(/^0+/, "", h); return h == "" ? "0" : h }
	function fmt(kb,   v, i, s) {
		if (kb == 0) return "0"
		v = kb; i = 0
		while (v >= 999.5) { v /= 1024; i++ }
		s = substr("KMGTPE", i + 1, 1)
		if (i == 0) return sprintf("%.0fK", v)
		if (v < 9.995) return sprintf("%.2f%s", v, s)
		if (v < 99.95) return sprintf("%.1f%s", v, s)
		return sprintf("%.0f%s", v, s)
	}
	function out() { if (hdr != "") print hdr, fmt(f["Size:"]), fmt(f["Rss:"]), fmt(f["Private_Dirty:"]), fmt(f["Swap:"]), fmt(f["Locked:"]) }
	/^[0-9a-f]+-[0-9a-f]+ / {
		out(); split($1, a, "-")
		hdr = z(a[1]) "-" z(a[2]) " " $2 " " $3 " " $4 " " $5
		next
	}
	$3 == "kB" { f[$1] = $2 }
	END { out() }' "$BATS_TEST_TMPDIR/steady.$1" >"$BATS_TEST_TMPDIR/want"
	awk 'function z(h) { sub(/^0+/, "", h); return h == "" ? "0" : h }
	rows { split($1, a, "-"); print z(a[1]) "-" z(a[2]), $2, $3, $4, $5, $6, $7, $12, $13, $15 }
	$1 == "ADDRESS" { rows = 1 }' "$BATS_TEST_TMPDIR/text" >"$BATS_TEST_TMPDIR/got"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	grep -qx "$(wc -l <"$BATS_TEST_TMPDIR/want") mappings" "$BATS_TEST_TMPDIR/text"
	# every row has the header's widths up to the path
	awk 'rows && length($0) < w { exit 1 } $1 == "ADDRESS" { rows = 1; w = index($0, "PATH") - 1 }' "$BATS_TEST_TMPDIR/text"
}

@test "text report rows: each mapping as smaps has it, figures in compact units" {
	start_hog small 50
	check_rows "$HOG_PID"
	grep -Eq ' [0-9]+\.[0-9]M .* heap +\[heap\]$' "$BATS_TEST_TMPDIR/text"
	stop_hogs
	start_hog large 5	# the kernel merges the 5 mappings into one of 5 MiB and change
	check_rows "$HOG_PID"
	grep -Eq ' [0-9]\.[0-9][0-9]M .* anon_mmap +\[anon\]$' "$BATS_TEST_TMPDIR/text"
}

@test "-s sorts the mapping table; the address order is the default" {
	start_hog large 20
	"$MEMTOP" -bJ -m -p "$HOG_PID" | jq '[.processes[0].maps[].start | ltrimstr("") ]' >"$BATS_TEST_TMPDIR/a"
	[ "$(jq 'map(length) as $l | . == (. | sort_by(length, .))' "$BATS_TEST_TMPDIR/a")" = true ]
	"$MEMTOP" -bJ -m -s rss -p "$HOG_PID" | jq '[.processes[0].maps[].rss]' >"$BATS_TEST_TMPDIR/r"
	[ "$(jq '. == (sort | reverse)' "$BATS_TEST_TMPDIR/r")" = true ]
}

@test "seg_* fields read smaps only for the listed processes and carry segments" {
	start_hog small 16
	run bash -c "\"$MEMTOP\" -bJ -o pid,seg_heap -p $HOG_PID | jq -c '.processes[0] | [.mem, (.segments.heap.rss > 16000000)]'"
	[ "$output" = '[null,true]' ]
	run bash -c "\"$MEMTOP\" -b -o pid,seg_heap,seg_libs -p $HOG_PID"
	grep -Eq "^ +$HOG_PID +1[0-9.]+M" <<<"$output"
}

@test "-m on a kernel thread or a missing pid says so and exits 1" {
	if kthreadd_visible; then
		run "$MEMTOP" -m -p 2
		[ "$status" -eq 1 ]
		[[ "$output" == *"kernel thread"* ]]
	fi
	run "$MEMTOP" -m -p 999999999
	[ "$status" -eq 1 ]
}

@test "-m on a process the user may not read says so and exits 1" {
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null || skip "needs root and setpriv"
	start_hog touched 4
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$MEMTOP" -m -p "$HOG_PID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot read the mappings (smaps) of pid $HOG_PID: Permission denied"* ]]
}
