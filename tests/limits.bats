#!/usr/bin/env bats
# Out of descriptors or memory is an error, said in those words (exit 1, one line), never a
# report of no processes, of a pid that does not exist or of an "Invalid argument".

load lib

# Whether memtop is a sanitizer build: ASan reserves terabytes of address space and opens
# files of its own at start, so ulimit -v and a tiny descriptor limit stop it before main.
sanitized() {
	grep -q __asan "$MEMTOP"
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
