#!/usr/bin/env bats
# Out of descriptors or memory is an error, said in those words (exit 1, one line), never a
# report of no processes, of a pid that does not exist or of an "Invalid argument".

load lib

# Whether memtop is a sanitizer build: ASan reserves terabytes of address space and opens
# files of its own at start, so ulimit -v and a tiny descriptor limit stop it before main.
sanitized() {
	grep -q __asan "$MEMTOP"
}

# nofile N CMD...: runs CMD with descriptors 0, 1 and 2 alone open (bats keeps others) and
# a limit of N descriptors
nofile() {
	local n=$1
	shift
	/usr/bin/python3 -c 'import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])' \
		prlimit --nofile="$n" "$@"
}

@test "ulimit -v: every face that runs out of memory says 'out of memory', exit 1" {
	sanitized && skip "a sanitizer build cannot run under ulimit -v"
	local v face out rc failed=0
	for face in "-b" "-bJ" "-O" "-S" "-m -p $$" "-p $$ --set-oom-adj=0"; do
		for ((v = 6000; v <= 10000; v += 250)); do
			out=$(bash -c "ulimit -v $v; exec \"\$0\" $face" "$MEMTOP" 2>&1 >/dev/null) && rc=0 || rc=$?
			# 127: the dynamic loader could not map a library, before memtop ran
			[ "$rc" -eq 0 ] || [ "$rc" -eq 127 ] && continue
			failed=$((failed + 1))
			[ "$rc" -eq 1 ] || { echo "$face under ulimit -v $v: status $rc: $out"; false; }
			[ "$(wc -l <<<"$out")" -eq 1 ] || { echo "$face under ulimit -v $v: $out"; false; }
			[[ "$out" == "memtop: "*"out of memory" ]] || { echo "$face under ulimit -v $v: $out"; false; }
		done
	done
	echo "$failed runs ran out of memory"
	[ "$failed" -gt 0 ]
}

@test "prlimit --nofile=N: every face says it is out of file descriptors, exit 1" {
	sanitized && skip "a sanitizer's runtime needs descriptors of its own before main"
	local n face out rc
	for face in "-b" "-bJ" "-O" "-S" "-m -p $$" "-b -p $$" "-bJ -n 2 -d 0.01"; do
		for n in 4 5 6 8 12 16; do
			out=$(nofile "$n" "$MEMTOP" $face 2>&1 >/dev/null) && rc=0 || rc=$?
			[ "$rc" -eq 1 ] || { echo "$face with $n descriptors: status $rc: $out"; false; }
			[ "$(wc -l <<<"$out")" -eq 1 ] || { echo "$face with $n descriptors: $out"; false; }
			[[ "$out" == "memtop: "*"out of file descriptors (EMFILE"* ]] ||
				{ echo "$face with $n descriptors: $out"; false; }
		done
	done
	# the soft limit alone is raised to the hard one
	run bash -c "ulimit -Sn 8; \"$MEMTOP\" -bJ -p $$ | jq '.processes | length'"
	[ "$status" -eq 0 ]
	[ "$output" -eq 1 ]
	run nofile 64 "$MEMTOP" -b -p $$
	[ "$status" -eq 0 ]
}

@test "the view with too few descriptors leaves with the message, status 1" {
	command -v tmux >/dev/null || skip "no tmux"
	sanitized && skip "a sanitizer's runtime needs descriptors of its own before main"
	local sock="memtop-limits-$$" i
	tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 30 \
		"env TERM=xterm LC_ALL=C.UTF-8 prlimit --nofile=12 '$MEMTOP' --no-config; echo memtop-exit=\$?; sleep 30"
	for ((i = 0; i < 100; i++)); do
		tmux -L "$sock" capture-pane -p >"$BATS_TEST_TMPDIR/screen"
		grep -q 'memtop-exit=' "$BATS_TEST_TMPDIR/screen" && break
		sleep 0.1
	done
	tmux -L "$sock" kill-server
	cat "$BATS_TEST_TMPDIR/screen"
	grep -q 'memtop: cannot read processes: out of file descriptors (EMFILE' "$BATS_TEST_TMPDIR/screen"
	grep -q 'memtop-exit=1' "$BATS_TEST_TMPDIR/screen"
}
