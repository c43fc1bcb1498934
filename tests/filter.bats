#!/usr/bin/env bats
# A hostile command line never stalls a filtered refresh. Any user can make a command line of
# 1.8 MiB: runs of 'a' past which 'a{1,65535}b' scans, from every start position, 65,535
# characters that PCRE2's match limit does not count (50 s a refresh, before). Matching is
# bounded whatever the pattern: the first 4 KiB of a command line, PCRE2's limits, and a
# time budget.

load lib
load hardening

setup() {
	export LC_ALL=C.UTF-8
	HOSTILE=()
	for i in 1 2; do
		start_argv "hostile$i-$$" --pad 1800000 --fill a -- xb
		HOSTILE+=("$ARGV_PID")
	done
	[ "$(wc -c <"/proc/${HOSTILE[0]}/cmdline")" -ge 1800000 ]
}

teardown() {
	stop_helpers
}

# timed SECONDS CMD...: runs CMD (its output in $output, its status in $status) and fails
# when it takes longer than SECONDS
timed() {
	local limit=$1 t0 t1
	shift
	t0=$(date +%s%N)
	run timeout 120 "$@"
	t1=$(date +%s%N)
	echo "$* took $(((t1 - t0) / 1000000)) ms" >&2
	[ $(((t1 - t0) / 1000000000)) -lt "$limit" ]
}

@test "-b -f over hostile command lines ends in seconds and still matches the first 4 KiB" {
	local pat
	for pat in 'a{1,65535}b' 'a.{0,1000}c' '(*NO_JIT)a{1,65535}b' '(*NO_JIT)a.{0,1000}c' '(a|aa)+b'; do
		timed 10 "$MEMTOP" -b -o pid,cmd -f "$pat"
		[ "$status" -eq 0 ]
	done
	# what the first 4 KiB of their command lines hold is matched
	timed 10 "$MEMTOP" -bJ -o pid -f "^hostile[12]-$$ --fill a -- xb aaaa"
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.processes[].pid] | sort' <<<"$output")" = "[$(printf '%s\n' "${HOSTILE[@]}" | sort -n | paste -sd,)]" ]
	# what lies past them is not
	timed 10 "$MEMTOP" -bJ -o pid -f "hostile1-$$ .*a{5000}"
	[ "$(jq '.processes | length' <<<"$output")" -eq 0 ]
}

@test "-O and -n 3 with a hostile filter end in seconds" {
	timed 10 "$MEMTOP" -b -O -f 'a{1,65535}b'
	[ "$status" -eq 0 ]
	timed 15 "$MEMTOP" -bJ -n 3 -d 0.1 -f 'a{1,65535}b'
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 3 ]
}

@test "a filter slow on every subject: the refresh is bounded, the report says what it left out" {
	# every start position backtracks 90,000 times, under PCRE2's limit: about a second for
	# the first 4 KiB of each hostile command line, more than the budget of a refresh
	timed 10 "$MEMTOP" -b -o pid -f '(?s).{0,300}.{0,300}(?!)'
	[ "$status" -eq 0 ]
	[[ "$output" == *"memtop: warning: the filter had no time for "*" names or command lines, left out (matching is bounded: at most 0.2 s a refresh)"* ]]
	timed 10 "$MEMTOP" -b -o pid -f '(*NO_JIT)(?s).{0,300}.{0,300}(?!)'
	[ "$status" -eq 0 ]
	[[ "$output" == *"memtop: warning: the filter had no time for "* ]]
}

@test "the view draws its first frame and quits at once on q with a hostile filter" {
	command -v tmux >/dev/null || skip "no tmux"
	local t0 t1
	tui_start filter "env TERM=xterm-256color '$MEMTOP' --no-config -f 'a{1,65535}b'"
	t0=$(date +%s%N)
	tui_wait filter 'PID USER'
	t1=$(date +%s%N)
	echo "first frame after $(((t1 - t0) / 1000000)) ms" >&2
	[ $(((t1 - t0) / 1000000000)) -lt 10 ]
	sleep 1	# a refresh or two
	t0=$(date +%s%N)
	[ "$(tui_quit filter)" = 0 ]
	t1=$(date +%s%N)
	echo "q took $(((t1 - t0) / 1000000)) ms" >&2
	[ $(((t1 - t0) / 1000000000)) -lt 5 ]
}

@test "the view says when the filter had no time for some command lines" {
	command -v tmux >/dev/null || skip "no tmux"
	tui_start slow "env TERM=xterm-256color '$MEMTOP' --no-config -f '(?s).{0,300}.{0,300}(?!)'"
	tui_wait slow 'names or command lines not matched yet (matching is bounded: 0.2 s a refresh)'
	[ "$(tui_quit slow)" = 0 ]
}

# issue 12: the filter prompt matches as it is typed, over every process
@test "typing a filter over hostile command lines: each key shows at once, the rows follow, q quits" {
	command -v tmux >/dev/null || skip "no tmux"
	local t0 t1 pat='(?s).{0,300}.{0,300}(?!)' i
	tui_start live "env TERM=xterm-256color '$MEMTOP' --no-config"
	tui_wait live 'PID USER'
	tmux -L "memtop-live-$$" send-keys /
	tui_wait live 'Filter (PCRE2'
	# one key at a time, the prompt showing each before the next: a slow pattern is
	# matched over the hostile command lines once a frame, within the filter's budget
	t0=$(date +%s%N)
	for ((i = 0; i < ${#pat}; i++)); do
		tmux -L "memtop-live-$$" send-keys -l -- "${pat:i:1}"
	done
	tui_wait live "Filter (PCRE2, empty shows all): $pat"
	t1=$(date +%s%N)
	echo "${#pat} keys shown after $(((t1 - t0) / 1000000)) ms" >&2
	[ $(((t1 - t0) / 1000000000)) -lt 5 ]
	# a name the hostile processes have: the rows follow before Enter
	tmux -L "memtop-live-$$" send-keys C-u
	tmux -L "memtop-live-$$" send-keys -l -- "^hostile1-$$"
	tui_wait live " 1 shown "
	t0=$(date +%s%N)
	tmux -L "memtop-live-$$" send-keys Escape
	[ "$(tui_quit live)" = 0 ]
	t1=$(date +%s%N)
	echo "Escape and q took $(((t1 - t0) / 1000000)) ms" >&2
	[ $(((t1 - t0) / 1000000000)) -lt 5 ]
}
