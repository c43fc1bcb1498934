#!/usr/bin/env bats
# Hostile names: any local user sets comm (15 bytes), argv (up to ~2 MiB) and the names of
# the files it maps to terminal escape sequences, C1 controls, bidi overrides and invalid
# UTF-8 (htop GHSA-q64m-h5hc-c4qq, btop #1846). None of it may reach a terminal raw, and the
# JSON must stay strictly valid UTF-8 that gives back exactly what /proc holds, each invalid
# byte replaced by U+FFFD.

load lib
load hardening

# Map file name: OSC title, BEL, newline (maps shows it as \012), C1 CSI as UTF-8 and raw,
# an invalid byte, RLO, CR and TAB.
HOSTILE_FILE=$'map-\e]0;owned\a\n\xc2\x9b\x9b31m\xff\xe2\x80\xaetxt.exe\r\t'
# memfd and /dev/shm names reach the shared memory report (-S)
HOSTILE_MEMFD=$'shm\e]52;c;eA==\a\xc2\x9b\x9bK\xff\xe2\x80\xae\x7f'

setup() {
	export LC_ALL=C.UTF-8
	PIDS=()
	printf 'x%.0s' {1..9000} >"$BATS_TEST_TMPDIR/$HOSTILE_FILE"
	# ESC / CSI / OSC (title and clipboard) / BEL
	start_argv $'\e]0;pwned\a\e[2J\e[H' --comm $'\e]0;x\a\e[2Jz' \
		--map "$BATS_TEST_TMPDIR/$HOSTILE_FILE" --memfd "$HOSTILE_MEMFD" \
		-- $'\e[31mred\e[0m' $'\e]52;c;ZXZpbA==\a' $'\eP+q\e\\'
	PIDS+=("$ARGV_PID")
	# C1 CSI U+009B spelled in UTF-8 and as the raw 8-bit byte, NEL U+0085
	SHM_FILE=
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		SHM_FILE="/dev/shm/memtop-test-$$-$HOSTILE_MEMFD"
		printf 'y%.0s' {1..5000} >"$SHM_FILE"
	fi
	start_argv $'\xc2\x9b31mc1' ${SHM_FILE:+--map "$SHM_FILE"} --comm $'\xc2\x9b31m\x9b2J' -- $'raw\x9b2J' $'utf8\xc2\x9b2J' $'\xc2\x85nel'
	PIDS+=("$ARGV_PID")
	# newline, CR, backspace, TAB, DEL
	start_argv $'line1\nline2' --comm $'a\nb\rc\bd\te\x7f' -- $'x\ny' $'\r\b\t\x7f'
	PIDS+=("$ARGV_PID")
	# bidi override and zero-width characters: "evil<RLO>txt.exe" shows as "evilexe.txt"
	start_argv $'evil\xe2\x80\xaetxt.exe' --comm $'\xe2\x80\xaegpj.exe' -- $'\xe2\x80\x8bzero\xe2\x81\xa6iso\xef\xbb\xbf'
	PIDS+=("$ARGV_PID")
	# invalid UTF-8: stray bytes, truncated, overlong, surrogate, beyond U+10FFFF
	start_argv $'\xff\xfe' --comm $'\xff\xc3(\xed\xa0\x80\xe2\x80' -- $'\xf4\x90\x80\x80' $'\xc0\xaf' $'\xe2\x80'
	PIDS+=("$ARGV_PID")
	# a 2 MiB command line of all of the above
	start_argv $'big\e[5m' --comm big-cmdline --pad 2097152 -- tail
	PIDS+=("$ARGV_PID")
	BIG_PID=$ARGV_PID
}

teardown() {
	stop_helpers
	[ -z "${SHM_FILE:-}" ] || rm -f "$SHM_FILE"
}

@test "the report (-b) holds no raw control byte, whatever the names" {
	"$MEMTOP" -b >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out"
	for pid in "${PIDS[@]}"; do
		grep -Eq "^ *$pid " "$BATS_TEST_TMPDIR/out"
	done
}

@test "-o pid,comm,cmd shows every hostile name escaped, none raw" {
	"$MEMTOP" -b -o pid,comm,cmd >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out"
	run grep -F "${PIDS[0]} " "$BATS_TEST_TMPDIR/out"
	[[ "$output" == *'^[]0;x^G^[[2Jz'* ]]
	[[ "$output" == *'^[]0;pwned^G^[[2J^[[H'* ]]
	run grep -F "${PIDS[1]} " "$BATS_TEST_TMPDIR/out"
	[[ "$output" == *'\u{009B}31m\x9b2J'* ]]
	run grep -F "${PIDS[2]} " "$BATS_TEST_TMPDIR/out"
	[[ "$output" == *'a^Jb^Mc^Hd^Ie^?'* ]]
	run grep -F "${PIDS[3]} " "$BATS_TEST_TMPDIR/out"
	[[ "$output" == *'\u{202E}gpj.exe'* ]]
	[[ "$output" == *'\u{200B}zero\u{2066}iso\u{FEFF}'* ]]
	run grep -F "${PIDS[4]} " "$BATS_TEST_TMPDIR/out"
	[[ "$output" == *'\xff\xc3(\xed\xa0\x80\xe2\x80'* ]]
}

@test "-p with several hostile processes and -n 2: still no raw control byte" {
	local IFS=,
	"$MEMTOP" -b -n 2 -d 0.05 -p "${PIDS[*]}" -o pid,comm,cmd,rss,pss >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c big-cmdline "$BATS_TEST_TMPDIR/out")" -eq 2 ]
}

@test "in the C locale the report is plain printable ASCII" {
	LC_ALL=C "$MEMTOP" -b -o pid,comm,cmd >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out" --ascii
	grep -Fq '\xe2\x80\xaegpj.exe' "$BATS_TEST_TMPDIR/out" ||
		grep -Fq '\u{202E}gpj.exe' "$BATS_TEST_TMPDIR/out"
}

@test "JSON: strictly valid UTF-8, no raw control byte, names round-trip to /proc's" {
	"$MEMTOP" -bJ >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	check_names "$BATS_TEST_TMPDIR/j" "${PIDS[@]}"
}

@test "JSON Lines (-n 3) of the hostile processes: every line valid, names round-trip" {
	local IFS=,
	"$MEMTOP" -bJ -n 3 -d 0.05 -p "${PIDS[*]}" >"$BATS_TEST_TMPDIR/j"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/j")" -eq 3 ]
	check_json "$BATS_TEST_TMPDIR/j"
	check_names "$BATS_TEST_TMPDIR/j" "${PIDS[@]}"
}

@test "a 2 MiB command line comes back whole in JSON and cut to the line in the report" {
	[ "$(wc -c <"/proc/$BIG_PID/cmdline")" -ge 2097152 ]
	"$MEMTOP" -bJ -p "$BIG_PID" >"$BATS_TEST_TMPDIR/j"
	check_names "$BATS_TEST_TMPDIR/j" "$BIG_PID"
	"$MEMTOP" -b -p "$BIG_PID" -o pid,comm,cmd >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/out")" -lt 65536 ]
}

@test "-f matches names holding invalid UTF-8 and bidi controls" {
	run "$MEMTOP" -b -f 'gpj\.exe' -o pid,comm
	[ "$status" -eq 0 ]
	grep -Eq "^ *${PIDS[3]} " <<<"$output"
	run "$MEMTOP" -b -f 'big-cmd' -o pid,comm
	grep -Eq "^ *$BIG_PID " <<<"$output"
	run "$MEMTOP" -b -f '\xff' -o pid,comm
	[ "$status" -eq 0 ]
}

@test "-m: the hostile mapping path is escaped in the report and exact in JSON" {
	run "$MEMTOP" -m -p "${PIDS[0]}"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out"
	grep -Fq 'map-^[]0;owned^G^J\u{009B}\x9b31m\xff\u{202E}txt.exe^M^I' "$BATS_TEST_TMPDIR/out"
	"$MEMTOP" -bJ -m -p "${PIDS[0]}" >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	check_names "$BATS_TEST_TMPDIR/j" "${PIDS[0]}"
}

@test "-m on every hostile process, text and JSON" {
	local IFS=,
	"$MEMTOP" -b -m -p "${PIDS[*]}" >"$BATS_TEST_TMPDIR/out"
	check_term "$BATS_TEST_TMPDIR/out"
	"$MEMTOP" -bJ -m -p "${PIDS[*]}" >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	check_names "$BATS_TEST_TMPDIR/j" "${PIDS[@]}"
}

@test "the interactive view (tmux) shows hostile names escaped and sends none of them raw" {
	command -v tmux >/dev/null || skip "no tmux"
	command -v script >/dev/null || skip "no script(1)"
	local IFS=, raw="$BATS_TEST_TMPDIR/raw"
	# script(1) records every byte memtop sends its terminal; tmux gives it one
	tui_start hostile "env LC_ALL=C.UTF-8 TERM=xterm-256color script -qfc '$MEMTOP -d 0.2 -p ${PIDS[*]}' '$raw'"
	tui_wait hostile "${PIDS[0]}"
	sleep 1	# a few refreshes
	[ "$(tui_quit hostile)" = 0 ]
	grep -Fq '^[]0;' "$BATS_TEST_TMPDIR/screen"
	grep -Fq '\u{202E}' "$BATS_TEST_TMPDIR/screen"
	# memtop's own output is ncurses' escape sequences; none of the names' may be among them
	"$PY" - "$raw" <<-'PY'
		import re, sys
		data = open(sys.argv[1], "rb").read()
		data = re.sub(rb"^Script (started|done) on [^\n]*\n", b"", data, flags=re.M)
		text = data.decode("utf-8")  # raises on invalid UTF-8
		for bad in ("\x1b]", "\x1bP", "\x07"):
		    assert bad not in text, "raw %r in the terminal output" % bad
		for ch in text:
		    c = ord(ch)
		    assert not (0x80 <= c < 0xa0 or 0x200b <= c < 0x2010 or 0x202a <= c < 0x202f
		                or 0x2066 <= c < 0x206a or c in (0x2028, 0x2029, 0xfeff)), "raw U+%04X" % c
	PY
}

@test "-S and -O name processes and shared memory objects: escaped in text, exact in JSON" {
	local out
	for out in "-b -S" "-b -O"; do
		# shellcheck disable=SC2086
		"$MEMTOP" $out >"$BATS_TEST_TMPDIR/out"
		check_term "$BATS_TEST_TMPDIR/out"
	done
	"$MEMTOP" -b -S | grep -Fq 'memfd:shm^[]52;c;eA==^G\u{009B}\x9bK\xff\u{202E}^?'
	"$MEMTOP" -bJ -S >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	check_strings "$BATS_TEST_TMPDIR/j" "memfd:$HOSTILE_MEMFD" ${SHM_FILE:+"$SHM_FILE"}
	"$MEMTOP" -bJ -O >"$BATS_TEST_TMPDIR/j"
	check_json "$BATS_TEST_TMPDIR/j"
	check_names "$BATS_TEST_TMPDIR/j" "${PIDS[@]}"
}
