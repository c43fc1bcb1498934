#!/usr/bin/env bats
# Output edge cases of the non-interactive faces: locales, terminals memtop does not know,
# write errors and closed pipes (the procps fileutils_full.sh model: a full disk is an
# error with its reason and status 1; a reader that went away is a quiet status 0).
# The interactive view's own terminal tests live in tui.bats.

load lib
load hardening

teardown() {
	stop_helpers
}

@test "LANG=C: the report is printable ASCII, the JSON valid UTF-8" {
	run env -u LC_ALL LANG=C "$MEMTOP" -b
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out" --ascii
	env -u LC_ALL LANG=C "$MEMTOP" -bJ >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	LC_ALL=POSIX "$MEMTOP" -b -o help >"$BATS_TEST_TMPDIR/help"
	check_term "$BATS_TEST_TMPDIR/help" --ascii
}

@test "LC_ALL=C.UTF-8 and an unknown locale: valid output" {
	LC_ALL=C.UTF-8 "$MEMTOP" -b >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out"
	LC_ALL=C.UTF-8 "$MEMTOP" -bJ -n 2 -d 0.05 >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	run env LC_ALL=xx_XX.UTF-8 "$MEMTOP" -b -p $$
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == Mem:* ]]
}

@test "a comma-decimal locale: JSON keeps '.', pressure figures still parse" {
	command -v localedef >/dev/null || skip "no localedef"
	[ -r /proc/pressure/memory ] || skip "no PSI on this kernel"
	local loc="$BATS_TEST_TMPDIR/locale"
	mkdir -p "$loc"
	localedef -i de_DE -f UTF-8 "$loc/de_DE.UTF-8" >/dev/null 2>&1 || skip "cannot build de_DE.UTF-8"
	LOCPATH=$loc LC_ALL=de_DE.UTF-8 "$MEMTOP" -bJ -n 2 -d 0.05 -p $$ >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	tail -1 "$BATS_TEST_TMPDIR/j" | $JQ -e '(.interval | type) == "number" and
		(.system.pressure.some.avg10 | type) == "number"' >/dev/null
	! grep -Eq '":[0-9]+,[0-9]+[,}]' "$BATS_TEST_TMPDIR/j" || false
	LOCPATH=$loc LC_ALL=de_DE.UTF-8 "$MEMTOP" -b -p $$ >"$BATS_TEST_TMPDIR/out"
	grep -Eq 'pressure some [0-9]+[.,][0-9]+%' "$BATS_TEST_TMPDIR/out"
}

@test "TERM=dumb, an unknown TERM and no TERM: -b and -bJ work the same" {
	local t
	# the table only: the header holds the time
	"$MEMTOP" -b -p $$ -o pid,comm | tail -2 >"$BATS_TEST_TMPDIR/ref"
	for t in dumb no-such-term ""; do
		run env TERM="$t" "$MEMTOP" -b -p $$ -o pid,comm
		[ "$status" -eq 0 ]
		[ "$(printf '%s\n' "$output" | tail -2)" = "$(cat "$BATS_TEST_TMPDIR/ref")" ]
		run env TERM="$t" "$MEMTOP" -bJ -p $$
		[ "$status" -eq 0 ]
		$JQ -e ".processes[0].pid == $$" <<<"$output" >/dev/null
	done
	run env -u TERM "$MEMTOP" -b -p $$ -o pid,comm
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | tail -2)" = "$(cat "$BATS_TEST_TMPDIR/ref")" ]
}

@test "output to /dev/full: exit 1 with the reason, for every face" {
	[ -w /dev/full ] || skip "no /dev/full"
	local args
	for args in "-b" "-bJ" "-bJ -n 2 -d 0.05" "-o help" "--help" "--version" "-b -m -p $$" \
		"-bJ -m -p $$" "-b -S" "-b -O"; do
		# shellcheck disable=SC2086
		run bash -c "'$MEMTOP' $args >/dev/full"
		echo "memtop $args: status $status: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"write error: No space left on device"* ]]
	done
}

@test "stdout closed: exit 1 with the reason" {
	run bash -c "'$MEMTOP' -b >&-"
	[ "$status" -eq 1 ]
	[[ "$output" == *"write error: Bad file descriptor"* ]]
	run bash -c "'$MEMTOP' --help >&-"
	[ "$status" -eq 1 ]
}

@test "| head -1: quiet, status 0, for every face" {
	local args
	for args in "-b" "-b -n 3 -d 0.05" "-bJ -n 5 -d 0.05" "-o help" "--help" "-b -m -p $$" \
		"-bJ -m -p $$" "-b -S" "-b -O" "-b -o pid,comm,cmd,rss,pss,uss,seg_libs"; do
		# shellcheck disable=SC2086
		run bash -c "'$MEMTOP' $args 2>'$BATS_TEST_TMPDIR/err' | head -1 >/dev/null; echo \${PIPESTATUS[0]}"
		echo "memtop $args: $output / $(cat "$BATS_TEST_TMPDIR/err")"
		[ "$output" = 0 ]
		[ ! -s "$BATS_TEST_TMPDIR/err" ]
	done
}

@test "| head -c 1 on a report larger than a pipe (64 KiB): quiet, status 0" {
	start_argv $'big' --comm big-report --pad 262144 -- tail
	run bash -c "'$MEMTOP' -bJ -n 3 -d 0.05 2>'$BATS_TEST_TMPDIR/err' | head -c 1 >/dev/null; echo \${PIPESTATUS[0]}"
	[ "$output" = 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "stdin closed or /dev/null: the batch faces do not care" {
	run bash -c "'$MEMTOP' -b -p $$ <&-"
	[ "$status" -eq 0 ]
	run bash -c "'$MEMTOP' -bJ -p $$ </dev/null"
	[ "$status" -eq 0 ]
}

@test "COLUMNS very wide and very narrow: the report stays whole and safe" {
	local c
	for c in 1 10 10000; do
		run env COLUMNS=$c LC_ALL=C.UTF-8 "$MEMTOP" -b -o pid,user,comm,rss,pss,cmd
		[ "$status" -eq 0 ]
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
		check_term "$BATS_TEST_TMPDIR/out"
		grep -Eq "^ *$$ " "$BATS_TEST_TMPDIR/out"
	done
}
