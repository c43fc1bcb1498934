#!/usr/bin/env bats
# Trends against real processes (tests/helpers/memhog leak, sawtooth, step, touched): who
# grows and how fast, leaks told from sawtooths, steps and idle processes, the time to OOM in
# a memory cgroup against the kernel's kill and for the machine (tests/trend-live.py), and
# every face: -o, -s, -bJ, the text report, the view. The machine's check skips, saying so,
# when other processes move MemAvailable too much for the eater's rate to be told apart.

load lib

teardown() {
	[ -z "${SOCK:-}" ] || tmux -L "$SOCK" kill-server 2>/dev/null || true
	stop_hogs
}

# anon + swap of PID in bytes, from its status
anon_swap() {
	awk '$1 == "RssAnon:" || $1 == "VmSwap:" { s += $2 } END { printf "%.0f\n", s * 1024 }' "/proc/$1/status"
}

mono() {
	awk '{ print $1 }' /proc/uptime
}

# jq over the JSON Lines in $BATS_TEST_TMPDIR/t.jsonl, read as one array
docs() {
	$JQ -s "$@" "$BATS_TEST_TMPDIR/t.jsonl"
}

@test "a 1 MiB/s leak is flagged within 30 s, its growth within 5 %; a sawtooth, a step and an idle process never are" {
	start_hog leak 1024 4096
	leak=$HOG_PID
	start_hog sawtooth 50 8		# 50 MiB over 8 s, freed, again
	saw=$HOG_PID
	start_hog step 200 10		# 200 MiB at once, 10 s in
	step=$HOG_PID
	start_hog touched 64
	idle=$HOG_PID
	a0=$(anon_swap "$leak") t0=$(mono)
	memtop -bJ -n 32 -d 1 -p "$leak,$saw,$step,$idle" -o pid,anon,swap,growth,leak,oom_eta >"$BATS_TEST_TMPDIR/t.jsonl"
	a1=$(anon_swap "$leak") t1=$(mono)
	truth=$(awk -v a0="$a0" -v a1="$a1" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f\n", (a1 - a0) / (t1 - t0) }')
	echo "the leak grew $truth B/s (status, before and after memtop's run)"
	# the truth is the rate asked for: memhog paces itself by the clock
	[ "$truth" -gt 1000000 ] && [ "$truth" -lt 1100000 ]

	# too few samples: unknown, never 0
	[ "$(docs '[.[:3][] | .processes[] | .trend | .growth, .leak, .r2, .window] | map(select(. != null)) | length')" = 0 ]
	[ "$(docs '.[3].processes[0].trend.growth != null')" = true ]

	# flagged within 30 s of the first sample, not before the minimum span (20 s)
	first=$(docs --argjson pid "$leak" '[foreach .[] as $d (0; . + ($d.interval // 0);
		[., ($d.processes[] | select(.pid == $pid) | .trend.leak)])] | map(select(.[1] == true)) | .[0][0]')
	echo "flagged $first s after the first sample"
	[ "$first" != null ]
	awk -v f="$first" 'BEGIN { exit !(f >= 20 && f <= 30) }'
	growth=$(docs --argjson pid "$leak" '.[-1].processes[] | select(.pid == $pid) | .trend.growth')
	echo "memtop: $growth B/s"
	awk -v g="$growth" -v t="$truth" 'BEGIN { d = g - t; if (d < 0) d = -d; exit !(d <= 0.05 * t) }'
	[ "$(docs --argjson pid "$leak" '.[-1].processes[] | select(.pid == $pid) | .trend.limit')" = '"machine"' ]

	# the others moved as they should, and none was ever a leak
	for pid in "$saw" "$step" "$idle"; do
		[ "$(docs --argjson pid "$pid" '[.[].processes[] | select(.pid == $pid) | .trend.leak] | any')" = false ]
	done
	[ "$(docs --argjson pid "$saw" '[.[].processes[] | select(.pid == $pid) | .mem.anon] | max - min > 30 * 1048576')" = true ]
	[ "$(anon_swap "$step")" -ge $((200 * MIB)) ]
	[ "$(docs --argjson pid "$idle" '.[-1].processes[] | select(.pid == $pid) | .trend | .growth == 0 and .r2 == 1 and .oom_eta == null')" = true ]
}

@test "the time to OOM in a memory cgroup with a limit agrees within 10 % with the kernel's kill" {
	run /usr/bin/python3 "$TESTS_DIR/trend-live.py" cgroup "$MEMTOP" "$HELPERS/memhog"
	[ "$status" -ne 77 ] || skip "$output"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the machine's projection follows a process eating MemAvailable at a known rate" {
	run /usr/bin/python3 "$TESTS_DIR/trend-live.py" machine "$MEMTOP" "$HELPERS/memhog"
	[ "$status" -ne 77 ] || skip "$output"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "one sample: every trend figure is unknown (null, -), never 0" {
	start_hog touched 16
	doc=$(memtop -bJ -p "$HOG_PID")
	[ "$($JQ -c '.processes[0].trend' <<<"$doc")" = \
		'{"window":null,"samples":1,"growth":null,"r2":null,"leak":null,"oom_eta":null,"limit":null,"pss_growth":null}' ]
	[ "$($JQ -c '.system.trend' <<<"$doc")" = \
		'{"window":null,"available_rate":null,"r2":null,"falling":null,"oom_eta":null}' ]
	memtop -b -p "$HOG_PID" -o pid,growth,leak,oom_eta | grep -Eq "^ *$HOG_PID +- +- +-$"
	# without a trend field asked, none is written
	[ "$(memtop -bJ -p "$HOG_PID" -o pid,rss | $JQ '.processes[0] | has("trend")')" = false ]
}

@test "a text report of several samples names the leaks and the machine's trend; --trend-min-span sets the span" {
	start_hog leak 4096 4096
	leak=$HOG_PID
	start_hog touched 16
	idle=$HOG_PID
	memtop -b -n 9 -d 1 --trend-min-span=5 -p "$leak,$idle" >"$BATS_TEST_TMPDIR/out"
	grep -E '^(Trend|Leaks):' "$BATS_TEST_TMPDIR/out"
	# the first three reports have no trend yet; the 4th on have the machine's
	[ "$(grep -c '^Trend:  MemAvailable + SwapFree ' "$BATS_TEST_TMPDIR/out")" -eq 6 ]
	grep -Eq "^Leaks:  $leak memhog \+[34]\.[0-9]{2} MiB/s, machine limit in [0-9.]+[smhd]$" "$BATS_TEST_TMPDIR/out"
	! grep -q "Leaks:.* $idle " "$BATS_TEST_TMPDIR/out"
	# -s growth puts it first, oom_eta the soonest first (the last report's first row: the
	# totals line follows its two rows)
	memtop -b -n 5 -d 0.5 -p "$leak,$idle" -s growth -o pid,growth | tail -3 | head -1 | grep -Eq "^ *$leak +\+[34]\.[0-9]+M$"
	memtop -b -n 5 -d 0.5 -p "$leak,$idle" -s oom_eta -o pid,oom_eta | tail -3 | head -1 | grep -Eq "^ *$leak +[0-9.]+[mhd]$"
}

@test "--trend-window and --trend-min-span: bad values are usage errors" {
	for bad in --trend-window=5 --trend-window=86401 --trend-window=x --trend-min-span=0.5 \
		"--trend-window=60 --trend-min-span=61" --trend-min-span=301; do
		# shellcheck disable=SC2086
		run memtop -b $bad
		[ "$status" -eq 2 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ $output == "memtop: --trend-"* ]]
	done
	run memtop -b -n 2 -d 0.1 --trend-window=10 --trend-min-span=10 -p $$
	[ "$status" -eq 0 ]
}

@test "trends read status once: the leak line of a report costs no /proc read of its own" {
	command -v strace >/dev/null || skip "strace not installed"
	start_hog touched 16
	a=$HOG_PID
	start_hog touched 16
	pids="$a,$HOG_PID"
	cols=$(memtop -o help | sed -n 's/^Default columns: //p')
	# the default columns (the report then fits trends) against the same columns named (it does
	# not): the files trends could add (smaps_rollup varies with the cost rule on a busy machine)
	# (LeakSanitizer cannot run under ptrace)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -e trace=openat -o "$BATS_TEST_TMPDIR/with" \
		"$MEMTOP" -b -n 4 -d 0.2 -p "$pids" >/dev/null
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -e trace=openat -o "$BATS_TEST_TMPDIR/without" \
		"$MEMTOP" -b -n 4 -d 0.2 -p "$pids" -o "$cols" >/dev/null
	for f in with without; do
		grep -oE 'openat\([^"]*"[^"]*"' "$BATS_TEST_TMPDIR/$f" | sed -E 's/.*"([^"]*)"$/\1/; s/.*\///' |
			grep -xE 'status|cgroup|memory\..*' | sort | uniq -c >"$BATS_TEST_TMPDIR/$f.n"
	done
	cat "$BATS_TEST_TMPDIR/with.n"
	diff "$BATS_TEST_TMPDIR/without.n" "$BATS_TEST_TMPDIR/with.n"
	awk '$2 == "status" && $1 >= 8 { found = 1 } END { exit !found }' "$BATS_TEST_TMPDIR/with.n"	# 2 processes, 4 samples
}

# The view, on 80 columns: a leaker's row marked and first when sorted on growth; its history
# drawn, with the leak and its time to OOM.
@test "the view sorts on growth, marks the leak and draws its history in the detail screen" {
	command -v tmux >/dev/null 2>&1 || skip "tmux not installed"
	start_hog leak 4096 4096
	leak=$HOG_PID
	start_hog touched 16
	SOCK="memtop-trend-$$-$BATS_TEST_NUMBER"
	tmux -L "$SOCK" new-session -d -x 80 -y 30 "env XDG_CONFIG_HOME=$BATS_TEST_TMPDIR LC_ALL=C.UTF-8 \
		$(printf %q "$MEMTOP") -d 0.5 --trend-min-span=4 -s growth -o pid,anon,growth,leak,oom_eta,cmd -p $leak,$HOG_PID; sleep 60"
	for ((i = 0; i < 200; i++)); do
		tmux -L "$SOCK" capture-pane -p | grep -Eq "^ *$leak +[0-9.]+M +\+[34]\.[0-9]+M +yes " && break
		sleep 0.1
	done
	tmux -L "$SOCK" capture-pane -p >"$BATS_TEST_TMPDIR/screen"
	cat "$BATS_TEST_TMPDIR/screen"
	# first under the title: sorted on growth; flagged
	grep -A1 'GROWTH' "$BATS_TEST_TMPDIR/screen" | tail -1 | grep -Eq "^ *$leak .* yes "
	tmux -L "$SOCK" send-keys Enter
	blocks='(▁|▂|▃|▄|▅|▆|▇|█)'
	for ((i = 0; i < 100; i++)); do
		tmux -L "$SOCK" capture-pane -p | grep -Eq "^PSS +$blocks+ " && break
		sleep 0.1
	done
	tmux -L "$SOCK" capture-pane -p >"$BATS_TEST_TMPDIR/detail"
	cat "$BATS_TEST_TMPDIR/detail"
	grep -Eq "^PID $leak " "$BATS_TEST_TMPDIR/detail"
	# a sparkline that rises from the lowest block to the highest, the growth, the mark
	grep -E "^anon\+swap ▁$blocks*█ \+[34]\.[0-9]+M/s over [0-9.]+s  LEAK  OOM in [0-9.]+[smhd] \(machine\)" "$BATS_TEST_TMPDIR/detail"
	grep -Eq "^PSS +$blocks+ " "$BATS_TEST_TMPDIR/detail"
}
