#!/usr/bin/env bats
# The command line contract: options, errors, exit status, output hygiene.

load lib

teardown() {
	stop_hogs
}

@test "--help and --version go to stdout and exit 0" {
	run "$MEMTOP" --help
	[ "$status" -eq 0 ]
	[[ "$output" == Usage:* ]]
	for o in batch iterations delay pid user filter sort fields maps system oom json set-oom-adj color no-config; do
		[[ "$output" == *"--$o"* ]] || { echo "--help lacks --$o"; false; }
	done
	run "$MEMTOP" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^memtop\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "usage errors: one line on stderr, exit 2" {
	for args in "--bogus" "-x" "-n" "-n 0" "-n abc" "-d 0" "-d -1" "-d nan" "-d 1e9" "-p abc" "-p 1,,2" \
		"-p 0" "-o nope" "-o pid,,rss" "-s nope" "-u no-such-user-xyz" "--color=sometimes" \
		"--set-oom-adj=5" "-m" "stray"; do
		run bash -c "\"$MEMTOP\" -b $args 2>&1 >/dev/null"
		[ "$status" -eq 2 ] || { echo "'$args' exited $status"; false; }
		[ "${#lines[@]}" -eq 1 ] || { echo "'$args' printed ${#lines[@]} lines: $output"; false; }
		[[ "$output" == memtop:* ]]
	done
}

@test "-u takes a name or the digits of a uid, nothing strtoul would wrap or trim" {
	for u in -18446744073709551615 ' +1' +1 -1 '1 ' 0x1 4294967295 18446744073709551617; do
		run bash -c "\"$MEMTOP\" -b -u '$u' 2>&1 >/dev/null"
		[ "$status" -eq 2 ] || { echo "-u '$u' exited $status"; false; }
		[ "${#lines[@]}" -eq 1 ] || { echo "-u '$u' printed: $output"; false; }
		[[ "$output" == "memtop: "*"'$u'"* ]]
	done
	run bash -c "\"$MEMTOP\" -b -u 4294967295 2>&1"
	[[ "$output" == *"uid from 0 to 4294967294"* ]]
	run bash -c "\"$MEMTOP\" -bJ -u 4294967294 | jq '.processes | length'"
	[ "$status" -eq 0 ]
	[ "$output" -eq 0 ]
}

@test "too many -o fields says so, not that a known field is unknown" {
	local list=pid i
	for ((i = 0; i < 200; i++)); do list+=,pid; done
	run bash -c "\"$MEMTOP\" -b -o $list 2>&1 >/dev/null"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "memtop: too many fields"* ]]
	[[ "$output" != *unknown* ]]
	run "$MEMTOP" -b -p $$ -o pid,pid,rss
	[ "$status" -eq 0 ]
	grep -Eq '^ +PID +PID +RSS' <<<"$output"
}

@test "the error names what was wrong" {
	run bash -c "\"$MEMTOP\" -o pid,nope 2>&1"
	[[ "$output" == *"'nope'"* ]]
	run bash -c "\"$MEMTOP\" -d 0 2>&1"
	[[ "$output" == *"--delay"* ]]
}

@test "a bad --filter pattern exits 2 with PCRE2's message and the offset" {
	run bash -c "\"$MEMTOP\" -b -f 'ab(c' 2>&1"
	[ "$status" -eq 2 ]
	[[ "$output" == *"missing closing parenthesis"* ]]
	[[ "$output" == *"offset 4"* ]]
}

@test "-p naming no live process exits 1" {
	pid=$(bash -c 'echo $$')	# has exited by now
	run "$MEMTOP" -b -p "$pid"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no process with pid $pid"* ]]
}

# start_threads: a process with a second thread; sets THR_PID and THR_TID
start_threads() {
	local fifo="$BATS_TEST_TMPDIR/thr.$$.$RANDOM"
	mkfifo "$fifo"
	/usr/bin/python3 -c 'import os, threading, time
t = threading.Thread(target=time.sleep, args=(600,), daemon=True)
t.start()
print(os.getpid(), t.native_id, flush=True)
time.sleep(600)' >"$fifo" &
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$!"
	read -r -t 30 THR_PID THR_TID <"$fifo"
	rm -f "$fifo"
	[ "$THR_PID" = "$!" ] && [ -n "$THR_TID" ] && [ "$THR_TID" != "$THR_PID" ]
}

@test "-p TID of a thread is not a process: every face says whose thread it is, exit 1" {
	start_threads
	[ "$(awk '$1 == "Tgid:" { print $2 }' "/proc/$THR_TID/status")" = "$THR_PID" ]
	for args in "-b -p $THR_TID" "-bJ -p $THR_TID" "-m -p $THR_TID" "-O -p $THR_TID" "-b -p 1,$THR_TID" \
		"-p $THR_TID --set-oom-adj=7"; do
		run bash -c "\"$MEMTOP\" $args 2>&1 >/dev/null"
		[ "$status" -eq 1 ] || { echo "'$args' exited $status: $output"; false; }
		[ "$output" = "memtop: pid $THR_TID is a thread of process $THR_PID, not a process (-p $THR_PID names the process)" ]
	done
	[ "$(cat "/proc/$THR_PID/oom_score_adj")" -eq 0 ]
	run "$MEMTOP" -bJ -p "$THR_PID"
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.processes[] | [.pid, .threads]]' <<<"$output")" = "[[$THR_PID,2]]" ]
}

@test "-p selects exactly the processes named" {
	start_hog touched 4
	a=$HOG_PID
	start_hog touched 4
	b=$HOG_PID
	run bash -c "\"$MEMTOP\" -bJ -p $a,$b | jq -c '[.processes[].pid] | sort'"
	[ "$output" = "[$(printf '%s\n' "$a" "$b" | sort -n | paste -sd,)]" ]
}

@test "-u and -f narrow the list" {
	start_hog comm filtertarget
	run bash -c "\"$MEMTOP\" -bJ -f 'filterTARGET' | jq -r '.processes[].pid'"
	# an upper-case letter makes the pattern case-sensitive (memtop's own command line matches)
	! grep -qx "$HOG_PID" <<<"$output" || false
	run bash -c "\"$MEMTOP\" -bJ -f '^filterta[r]get$' | jq -r '[.processes[].pid] | join(\",\")'"
	[ "$output" = "$HOG_PID" ]
	run bash -c "\"$MEMTOP\" -bJ -u root | jq '[.processes[].uid] | unique'"
	[ "$(jq -c . <<<"$output")" = "[0]" ]
	run bash -c "\"$MEMTOP\" -bJ -u 0 | jq '.processes | length'"
	[ "$output" -gt 0 ]
}

@test "-f never matches memtop itself, as pgrep; -p naming it still does" {
	# the pattern is on memtop's own command line and nowhere else
	run "$MEMTOP" -bJ -f "selfmatch$$"
	[ "$status" -eq 0 ]
	[ "$(jq '.processes | length' <<<"$output")" -eq 0 ]
	run "$MEMTOP" -b -f "selfmatch$$"
	[ "$status" -eq 0 ]
	[ "$(awk '/^ +PID /{t=1; next} t && !/ total: /' <<<"$output" | wc -l)" -eq 0 ]
	grep -Eq ' total: 0 processes$' <<<"$output"
	# -p names it: an explicit pid is kept whatever the filter
	run sh -c 'exec "$0" -bJ -p $$ -f selfmatch' "$MEMTOP"
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.processes[].comm]' <<<"$output")" = '["memtop"]' ]
}

@test "-o help lists every field with its meaning" {
	run "$MEMTOP" -o help
	[ "$status" -eq 0 ]
	for f in pid user rss pss uss anon file shmem swap swap_pss minflt majflt minflt_rate majflt_rate \
		oom oom_adj seg_heap seg_stack cmd; do
		grep -Eq "^  $f +" <<<"$output" || { echo "missing $f"; false; }
	done
}

@test "-o chooses the columns of the report and the keys of the JSON" {
	run "$MEMTOP" -b -o pid,rss,comm -p $$
	[ "$status" -eq 0 ]
	grep -Eq '^ +PID +RSS COMM *$' <<<"$output"
	run bash -c "\"$MEMTOP\" -bJ -o pid,rss -p $$ | jq -c '.processes[0] | [keys, (.mem | keys)]'"
	[ "$output" = '[["mem","pid"],["rss"]]' ]
}

# narrow_report OUTPUT CMDLINE: the table of a -b report made for 80 columns: no line longer,
# the COMMAND title at most at column 65, the row of HOG_PID showing at least the first 15
# characters of CMDLINE; the columns shown go to $BATS_TEST_TMPDIR/titles.
narrow_report() {
	local header pre row
	header=$(grep -E '^ +PID ' <<<"$1")
	echo "$header" | tr -s ' ' '\n' | sed '/^$/d' >"$BATS_TEST_TMPDIR/titles"
	pre=${header%%COMMAND*}
	[ "${#pre}" -le 65 ] || { echo "COMMAND at column ${#pre}: $header"; false; }
	awk '/^ +PID /{t = 1} t && length($0) > 80 { print "too long: " $0; bad = 1 } END { exit bad }' <<<"$1"
	row=$(grep -E "^ *$HOG_PID " <<<"$1")
	[ "${row:${#pre}:15}" = "${2:0:15}" ] || { echo "row: $row"; false; }
}

@test "-b on 80 columns (COLUMNS=80, an 80-column terminal): 15 characters of command at least" {
	start_hog comm narrow80
	cmdline=$(tr '\0' ' ' <"/proc/$HOG_PID/cmdline")
	run env COLUMNS=80 "$MEMTOP" -b -p "$HOG_PID"
	[ "$status" -eq 0 ]
	narrow_report "$output" "$cmdline"
	# the documented order: oom_adj, shmem, file and oom go first
	[ "$(paste -sd' ' "$BATS_TEST_TMPDIR/titles")" = "PID USER RSS PSS USS ANON SWAP OOM COMMAND" ]
	# stdout a terminal 80 columns wide (script(1) makes one)
	command -v script >/dev/null || skip "no script(1)"
	run script -qec "stty cols 80 rows 50; exec $(printf %q "$MEMTOP") -b -p $HOG_PID" /dev/null
	[ "$status" -eq 0 ]
	narrow_report "$(tr -d '\r' <<<"$output")" "$cmdline"
}

@test "-b: no width, every default column; -o keeps every column asked for on 80" {
	start_hog comm wide80
	run "$MEMTOP" -b -p "$HOG_PID"
	grep -Eq '^ +PID USER +RSS +PSS +USS +ANON +FILE +SHMEM +SWAP +OOM +ADJ COMMAND$' <<<"$output"
	run env COLUMNS=80 "$MEMTOP" -b -p "$HOG_PID" -o pid,user,rss,pss,uss,anon,file,shmem,swap,oom,oom_adj,cmd
	grep -Eq '^ +PID USER +RSS +PSS +USS +ANON +FILE +SHMEM +SWAP +OOM +ADJ C' <<<"$output"
}

@test "one sample has no rates: -b leaves MAJ/s out of its default columns, -n 2 has it" {
	run "$MEMTOP" -b -p $$
	[ "$status" -eq 0 ]
	grep -Eq '^ +PID USER +RSS +PSS +USS +ANON +FILE +SHMEM +SWAP +OOM +ADJ COMMAND$' <<<"$output"
	run "$MEMTOP" -b -n 1 -p $$
	! grep -q 'MAJ/s' <<<"$output" || false
	# two reports: the rate reads "-" in the first, a figure in the second
	run "$MEMTOP" -b -n 2 -d 0.1 -p $$
	[ "$status" -eq 0 ]
	[ "$(grep -c 'MAJ/s' <<<"$output")" -eq 2 ]
	rates=$(awk -v p=$$ '$1 == p { print $10 }' <<<"$output" | paste -sd' ')
	[[ "$rates" =~ ^-\ [0-9.]+$ ]] || { echo "MAJ/s: $rates"; false; }
	# asked for by name, it is there
	run "$MEMTOP" -b -p $$ -o pid,majflt_rate
	grep -Eq '^ +PID +MAJ/s$' <<<"$output"
	# JSON keeps every figure: null on the first sample
	[ "$("$MEMTOP" -bJ -p $$ | jq '.processes[0].faults.major_rate')" = null ]
}

@test "JSON Lines when -n > 1: one valid document a line, flushed" {
	run bash -c "\"$MEMTOP\" -bJ -n 3 -d 0.05 -p $$ | jq -c '.schema'"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	run bash -c "\"$MEMTOP\" -bJ -n 2 -d 0.05 -p $$ | jq -c '.interval'"
	[ "${lines[0]}" = null ]
	[[ "${lines[1]}" =~ ^0\.[0-9]+$ ]]
}

@test "a closed pipe ends quietly with status 0" {
	run bash -c "\"$MEMTOP\" -bJ -n 5 -d 0.05 | head -c 10; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 0 ]
	[ "$output" = '{"schema":' ]
	run bash -c "\"$MEMTOP\" -b | head -1 >/dev/null; echo \${PIPESTATUS[0]}"
	[ "$output" = 0 ]
}

@test "a write error exits 1 with the reason" {
	[ -w /dev/full ] || skip "no /dev/full"
	run bash -c "\"$MEMTOP\" -b > /dev/full"
	[ "$status" -eq 1 ]
	[[ "$output" == *"write error: No space left on device"* ]]
	run bash -c "\"$MEMTOP\" -o help > /dev/full"
	[ "$status" -eq 1 ]
}

@test "hostile process names never reach the report raw; JSON stays valid UTF-8" {
	start_hog comm $'\e[31mred\a\xff'
	run "$MEMTOP" -b -p "$HOG_PID" -o pid,comm,cmd
	[ "$status" -eq 0 ]
	! grep -q $'\e' <<<"$output" || false
	! grep -q $'\a' <<<"$output" || false
	grep -q '\^\[\[31mred\^G\\xff' <<<"$output"
	"$MEMTOP" -bJ -p "$HOG_PID" >"$BATS_TEST_TMPDIR/j"
	/usr/bin/python3 -c 'import json,sys; d=json.loads(open(sys.argv[1],"rb").read().decode("utf-8")); assert d["processes"][0]["comm"] == "\x1b[31mred\x07\ufffd", repr(d["processes"][0]["comm"])' "$BATS_TEST_TMPDIR/j"
}

@test "the report header shows the machine's memory" {
	run "$MEMTOP" -b -p $$
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == Mem:* ]]
	grep -q 'file cache .*(reclaimable), shmem .*(cannot be dropped)' <<<"$output"
	grep -Eq '^Commit: .* committed, CommitLimit .* \((heuristic|always|strict)' <<<"$output"
	grep -q '^Swap:' <<<"$output"
	grep -q '^Commit:' <<<"$output"
	grep -Eq '^ +PID USER +RSS +PSS +USS' <<<"$output"
}

@test "-b at 80 columns: no line is longer, the summary lines fold after a comma" {
	COLUMNS=80 "$MEMTOP" -b >"$BATS_TEST_TMPDIR/r"
	# (characters, not bytes: the bound mark is one column; Debian's awk counts bytes)
	[ "$(LC_ALL=C.UTF-8 wc -L <"$BATS_TEST_TMPDIR/r")" -le 80 ] || { LC_ALL=C.UTF-8 grep -E '^.{81}' "$BATS_TEST_TMPDIR/r"; false; }
	# folded lines go on indented, and every figure is still there
	grep -Eq '^Mem: .* available$' "$BATS_TEST_TMPDIR/r"
	tr -s ' \n' ' ' <"$BATS_TEST_TMPDIR/r" | grep -q 'shmem [0-9.]* [KMG]iB (cannot be dropped), slab'
	tr -s ' \n' ' ' <"$BATS_TEST_TMPDIR/r" | grep -q 'OOM kills since boot [0-9]'
}
