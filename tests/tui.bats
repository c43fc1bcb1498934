#!/usr/bin/env bats
# The interactive view, driven in tmux: a private tmux server per test (-L), keys with
# send-keys, the screen with capture-pane. memtop runs under `sh -c` so that the pane stays
# after it exits and shows its exit status.

load lib
load tui

setup() {
	tui_setup
}

teardown() {
	tui_teardown
}

alt_screen() {
	tx display -p '#{alternate_on}'
}

# The Rss of a process's [heap] mapping in KiB, from /proc directly; 0 when it has none.
heap_rss_kib() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { heap = ($NF == "[heap]") } heap && $1 == "Rss:" { print $2; found = 1 }
		END { if (!found) print 0 }' "/proc/$1/smaps"
}

# help_find ERE: opens the help and pages down until it shows a match
help_find() {
	local i
	keys '?'
	tui_wait '^Everywhere'
	for ((i = 0; i < 8; i++)); do
		screen | grep -Eq -- "$1" && return 0
		keys NPage
		sleep 0.2
	done
	tui_wait "$1" 1
}

@test "starts: header, memory bar and column titles, sort column marked" {
	tui_start
	screen | grep -q '^memtop '
	screen | grep -Eq '^Mem +\[.*\] .* total, .* used, .* available'
	screen | grep -q 'anon'
	screen | grep -Eq '^Swap +(none|\[.*\] .* of .* used)'
	screen | grep -Eq 'Commit .*, CommitLimit .* \((heuristic|always|strict)'
	screen | grep -Eq 'major faults .*OOM kills'
	screen | grep -Eq '^ +PID USER +RSS +▼PSS +USS .*COMMAND'
	[ "$(alt_screen)" = 1 ]
}

@test "the filter narrows the list to a known process" {
	start_hog comm "tuif$$"
	tui_start
	[ "$(rows | wc -l)" -gt 3 ]
	keys / "tuif$$" Enter
	tui_wait ' 1 shown'
	[ "$(rows | wc -l)" -eq 1 ]
	rows | grep -Eq "^ *$HOG_PID "
	screen | grep -q "filter: tuif$$"
}

@test "the filter never matches memtop itself, as pgrep" {
	start_hog comm memtop	# a process of that name that is not the view
	tui_start
	keys / '^memtop$' Enter
	tui_wait "^ *$HOG_PID "
	me=$(memtop_pid)
	[ -n "$me" ]
	# still not after a few refreshes
	for _ in 1 2 3; do
		! rows | grep -Eq "^ *$me " || { screen; false; }
		sleep 0.5
	done
}

@test "a bad pattern shows PCRE2's message and keeps the old filter" {
	start_hog comm "tuib$$"
	tui_start
	keys / "tuib$$" Enter
	tui_wait ' 1 shown'
	keys / C-u '(' Enter
	tui_wait 'bad pattern: missing closing parenthesis'
	screen | grep -q ' 1 shown'
	rows | grep -Eq "^ *$HOG_PID "
	keys / Escape
	tui_wait 'filter: tuib'
}

@test "Enter shows the process's heap in the detail screen" {
	start_hog small 21
	tui_start -p "$HOG_PID"
	keys Enter
	tui_wait "^PID $HOG_PID +memhog"
	tui_wait '^SEG +text +data +bss +heap'
	shown=$(to_kib "$(screen | awk '$1 == "rss" { print $5 }')")
	want=$(heap_rss_kib "$HOG_PID")
	echo "heap rss shown ${shown} KiB, smaps ${want} KiB"
	[ $((shown - want)) -le $((want / 100 + 4)) ] && [ $((want - shown)) -le $((want / 100 + 4)) ]
	# 21 MiB of 100 KiB mallocs, unless a sanitizer's allocator took them out of [heap]
	grep -q __asan "$HELPERS/memhog" || [ "$want" -ge $((20 * 1024)) ]
	screen | grep -Eq 'ADDRESS +PERM +SEGMENT .*PATH'
	[ "$want" -eq 0 ] || screen | grep -q '\[heap\]'	# sorted by RSS: the biggest mapping
	screen | grep -Eq 'oom_score [0-9]+'
	keys Escape
	tui_wait '^ +PID USER'
}

@test "the detail screen says when its process exited" {
	start_hog comm "tuix$$"
	tui_start -p "$HOG_PID"
	keys Enter
	tui_wait "^PID $HOG_PID"
	kill "$HOG_PID"
	tui_wait 'has exited'
}

@test "? shows the help, generated from the key table; Esc goes back" {
	tui_start
	keys '?'
	tui_wait '^Everywhere'
	screen | grep -Eq '^  q F10 +quit'
	screen | grep -Eq '^  / F4 +filter'
	keys Escape
	tui_wait '^ +PID USER'
}

@test "resize to 12x4 and back keeps it running; 1x1 too" {
	tui_start
	tx resize-window -x 12 -y 4
	tui_wait '^Too small$'
	tx resize-window -x 1 -y 1
	sleep 0.5
	tx resize-window -x 2 -y 1
	sleep 0.5
	tx resize-window -x 120 -y 40
	tui_wait '^ +PID USER'
	screen | grep -Eq '^Mem +\['
	memtop_pid
}

# too_small COLSxLINES NOTICE: resized to that, the notice is the first line, whole and
# alone: never wrapped onto the next
too_small() {
	tx resize-window -x "${1%x*}" -y "${1#*x}"
	tui_wait "^$2\$"
	[ "$(screen | sed -n 1p)" = "$2" ]
	[ -z "$(screen | sed -n '2,$p' | tr -d ' \n')" ]
}

@test "below 40x8 the notice fits on one line, or is cut, at any size" {
	tui_start
	too_small 39x7 'Terminal too small: need 40x8, q quits'
	too_small 39x40 'Terminal too small: need 40x8, q quits'
	too_small 120x7 'Terminal too small: enlarge it to 40x8 or press q'
	too_small 20x3 'Too small: need 40x8'
	too_small 12x4 'Too small'
	too_small 5x2 'Too s'
	too_small 2x2 'To'
	tx resize-window -x 40 -y 8
	tui_wait '^ +PID .*COMMAND'
	keys q
	tui_wait 'memtop-exit=0'
}

@test "an unknown key says so, and where help is" {
	tui_start
	keys x
	tui_wait "unknown key 'x' — \? for help"
	keys F12
	tui_wait "unknown key KEY_F\(12\) — \? for help"
	# the message goes, the hints come back; the view still answers
	tui_wait 'F1 help' 10
	keys '?'
	tui_wait '^Everywhere'
}

@test "the footer names O and S, and the header counts one process as one" {
	tui_start
	tui_wait 'O OOM  S system'
	unshare -pf --mount-proc true 2>/dev/null || skip "cannot create a PID namespace here"
	tui_next
	TUI_WRAP="unshare -pf --mount-proc" tui_start
	tui_wait ' 1 process, 1 shown '
}

@test "80x24: the command keeps 15 characters at least; columns give way in the documented order" {
	start_hog comm tui80
	cmdline=$(tr '\0' ' ' <"/proc/$HOG_PID/cmdline")
	TUI_COLS=80 TUI_LINES=24 tui_start -p "$HOG_PID"
	tui_wait "^ *$HOG_PID "
	title=$(screen | grep -E '^ +PID ')
	[ "$(echo $title)" = "PID USER RSS ▼PSS USS ANON SWAP MAJ/s COMMAND" ]
	pre=${title%%COMMAND*}
	row=$(rows | grep -E "^ *$HOG_PID ")
	[ "${row:${#pre}:15}" = "${cmdline:0:15}" ] || { echo "row: $row"; false; }
	# wider, they come back
	tx resize-window -x 120 -y 24
	tui_wait '^ +PID USER +RSS +▼PSS +USS +ANON +FILE +SHMEM +SWAP +MAJ/s +OOM +ADJ COMMAND'
}

# unit_cell UNIT: the RSS cell of HOG_PID's row (the view shows -o pid,rss,cmd)
unit_cell() {
	rows | awk -v p="$HOG_PID" '$1 == p { print $2 }'
}

@test "e: in every unit the RSS of a 1 GiB process is whole, and the header says the unit" {
	start_hog touched 1000
	stop_proc "$HOG_PID"	# its figures hold still
	kib=$(($(status_bytes "$HOG_PID" VmRSS) / 1024))
	[ "$kib" -ge 1000000 ]	# seven digits in KiB
	tui_start -p "$HOG_PID" -o pid,rss,cmd
	tui_wait "^ *$HOG_PID "
	! screen | grep -q 'sizes in' || false
	[ "$(unit_cell)" = "$(awk -v k="$kib" 'BEGIN { printf "%.2fG", k / 1048576 }')" ]
	keys e
	tui_wait 'sizes in KiB'
	tui_wait "^ *$HOG_PID +$kib "
	keys e
	tui_wait 'sizes in MiB'
	[ "$(unit_cell)" = "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')" ]
	keys e
	tui_wait 'sizes in GiB'
	[ "$(unit_cell)" = "$(awk -v k="$kib" 'BEGIN { printf "%.2f", k / 1048576 }')" ]
	keys e
	tui_gone 'sizes in'
	# the titles stay over their columns: RSS right-aligned over the widest cell
	keys e
	tui_wait "^ *$HOG_PID +$kib "
	title=$(screen | grep -E '^ +PID ')
	row=$(rows | grep -E "^ *$HOG_PID ")
	pre=${title%%RSS*}
	[ "${row:$((${#pre} + 3 - ${#kib})):${#kib}}" = "$kib" ] || { echo "$title"; echo "$row"; false; }
}

@test "a storm of 60 resizes, then 500x200: still running, the whole list drawn" {
	local i w h
	tui_start
	for ((i = 0; i < 60; i++)); do
		w=$((1 + RANDOM % 200))
		h=$((1 + RANDOM % 60))
		tx resize-window -x "$w" -y "$h"
		((i % 10)) || sleep 0.05
	done
	tx resize-window -x 500 -y 200
	tui_wait '^ +PID USER'
	memtop_pid
	# 200 lines: the header, the titles and a row for every process shown (up to ~190),
	# in the same frame as the header's count; the first frames may still be of the storm
	local frame shown n=0 tries
	for ((tries = 0; tries < 50; tries++)); do
		frame=$(screen)
		shown=$(sed -nE 's/.* ([0-9]+) shown .*/\1/p' <<<"$frame" | head -1)
		n=$(rows_in <<<"$frame" | wc -l)
		[ -n "$shown" ] && [ "$n" -ge $((shown > 150 ? 150 : shown)) ] && break
		sleep 0.2
	done
	echo "rows $n, shown ${shown:-?}" >&2
	[ -n "$shown" ] && [ "$n" -ge $((shown > 150 ? 150 : shown)) ]
	screen | grep -Eq '^Mem +\[.* total'
	keys q
	tui_wait 'memtop-exit=0'
}

@test "q exits with status 0 and leaves the alternate screen" {
	tui_start
	keys q
	tui_wait 'memtop-exit=0'
	[ "$(alt_screen)" = 0 ]
}

@test "Ctrl-C and SIGTERM restore the terminal" {
	tui_start
	keys C-c
	tui_wait 'memtop-exit=130'
	[ "$(alt_screen)" = 0 ]
	tui_next
	tui_start
	kill -TERM "$(memtop_pid)"
	tui_wait 'memtop-exit=143'
	[ "$(alt_screen)" = 0 ]
}

@test "a crash restores the terminal before dying of its signal" {
	# (an ASan build hands the signal on to the sanitizer, whose report would be noise)
	tui_launch "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" --
	tui_wait 'PID +USER'
	kill -SEGV "$(memtop_pid)"
	tui_wait 'memtop-exit=[1-9]'
	[ "$(alt_screen)" = 0 ]
}

@test "colours: --color=always has them, NO_COLOR and --color=never do not; monochrome works" {
	sgr=$'\e\\[([0-9]+;)*(3[0-7]|4[0-7])(;[0-9]+)*m'
	tui_launch NO_COLOR=1 -- --color=always
	tui_wait '^ +PID USER'
	screen -e | grep -Eq "$sgr"
	tui_next
	tui_launch NO_COLOR=1 --
	tui_wait '^ +PID USER'
	! screen -e | grep -Eq "$sgr" || false
	tui_next
	tui_start --color=never
	! screen -e | grep -Eq "$sgr" || false
	screen -e | grep -q $'\e\\[7m'	# the column titles in reverse video
	tui_next
	tui_launch TERM=vt100 -- -p "$$"	# Enter opens a process that stays: the top row may exit
	tui_wait '^ +PID USER'
	keys Enter
	tui_wait '^SEG +text'
	keys Escape q
	tui_wait 'memtop-exit=0'
}

@test "Ctrl-Z stops it and gives the terminal back; fg brings it back" {
	tx -f /dev/null new-session -d -x 120 -y 40 "env -i PATH=$PATH TERM=screen PS1='tui-shell\$ ' bash --norc --noprofile -i"
	tui_wait 'tui-shell'
	keys "XDG_CONFIG_HOME=$(printf %q "$CONF") LC_ALL=C.UTF-8 $(printf %q "$MEMTOP")" Enter
	tui_wait '^ +PID USER'
	keys C-z
	tui_wait 'Stopped'
	[ "$(alt_screen)" = 0 ]
	keys fg Enter
	tui_wait '^ +PID USER'
	[ "$(alt_screen)" = 1 ]
	keys q
	tui_gone '^ +PID USER'
	keys 'echo status=$?' Enter
	tui_wait '^status=0'
}

@test "names holding escape sequences, C1 and bidi controls are drawn sanitized everywhere" {
	start_hog comm $'\e[31mred'
	esc=$HOG_PID
	start_hog comm $'\xc2\x9b31m\xe2\x80\xaeevil'
	c1=$HOG_PID
	# wide enough for the whole command line, however long the helpers' path is
	TUI_COLS=$(($(wc -c <"/proc/$c1/cmdline") + 60))
	tui_start --color=never -p "$esc,$c1" -o pid,comm,cmd
	tui_wait '\^\[\[31mred'
	tui_wait '\\u\{009B\}31m\\u\{202E\}evil'
	# with colours off, an SGR 31 could only come from a name; C1 and U+202E never pass
	! screen -e | grep -q $'\e\\[31m' || false
	! screen -e | grep -q $'\xc2\x9b\\|\xe2\x80\xae' || false
	keys Enter
	tui_wait "^PID $esc +\\^\\[\\[31mred|^PID $c1 +.u.009B"
	! screen -e | grep -q $'\e\\[31m\\|\xc2\x9b\\|\xe2\x80\xae' || false
	keys k
	tui_wait 'Signal for .*(\^\[\[31mred|u.202E.evil)'
	! screen -e | grep -q $'\e\\[31m\\|\xc2\x9b\\|\xe2\x80\xae' || false
	keys Escape Escape
	tui_wait '^ +PID COMM'
}

@test "an unknown TERM is a one-line error and status 1" {
	tui_launch TERM=nonexistent-term --
	tui_wait 'memtop-exit=1'
	screen | grep -q "memtop: unknown terminal type 'nonexistent-term'"
	tui_next
	tui_launch TERM=dumb --
	tui_wait 'memtop-exit=1'
	screen | grep -q "cannot move the cursor"
}

@test "k sends a signal only after confirmation" {
	start_hog comm "tuik$$"
	tui_start -p "$HOG_PID"
	keys k
	tui_wait 'Signal for '
	keys Enter
	tui_wait "Send SIGTERM to $HOG_PID tuik$$\\? \\(y/N\\)"
	keys n
	tui_wait 'SIGTERM not sent'
	kill -0 "$HOG_PID"
	keys k Enter
	tui_wait 'Send SIGTERM'
	keys y
	tui_wait "sent SIGTERM to $HOG_PID"
	for _ in $(seq 50); do kill -0 "$HOG_PID" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$HOG_PID" 2>/dev/null || false
}

# oom_adj_view: a child named tuiadjPID, the view filtered to it, its OOM screen open with
# the child's kill-order row selected (the first process line is selected on opening).
oom_adj_view() {
	start_hog comm "tuiadj$$"
	[ "$(cat "/proc/$HOG_PID/oom_score_adj")" -eq 0 ]
	tui_start
	keys / "tuiadj$$" Enter
	tui_wait "^ *$HOG_PID "
	keys O
	# ranks are among all processes, whatever the filter shows
	tui_wait "^ +[0-9]+ +$HOG_PID +[0-9]+ +0 "
	tui_wait 'a set oom_score_adj'
}

# oom_adj_ask VALUE: a, the value, Enter
oom_adj_ask() {
	keys a
	tui_wait "oom_score_adj for $HOG_PID tuiadj$$, -1000\.\.1000 \(now -?[0-9]+\):"
	[ -z "$1" ] || keys -l -- "$1"	# literally: "-1000" is no flag, " 5" no key name
	keys Enter
}

@test "a on the O screen sets oom_score_adj of the selected row's process, only after y" {
	oom_adj_view
	# a line that is not a kill-order row: nothing to act on
	keys Up
	keys a
	tui_wait 'select a process in the kill order first'
	keys Down
	oom_adj_ask 500
	tui_wait "Set oom_score_adj of $HOG_PID tuiadj$$ to 500\? \(y/N\)"
	keys n
	tui_wait 'oom_score_adj not changed'
	[ "$(cat "/proc/$HOG_PID/oom_score_adj")" -eq 0 ]
	oom_adj_ask 500
	tui_wait 'to 500\? \(y/N\)'
	keys y
	tui_wait "$HOG_PID tuiadj$$: oom_score_adj 0 -> 500"
	[ "$(cat "/proc/$HOG_PID/oom_score_adj")" -eq 500 ]
	# the kill order is read again: the row shows the value the kernel has now
	tui_wait "^ +1 +$HOG_PID +[0-9]+ +500 "
	oom_adj_ask 0
	keys y
	tui_wait "oom_score_adj 500 -> 0"
	[ "$(cat "/proc/$HOG_PID/oom_score_adj")" -eq 0 ]
	# the help lists the key, from the key table
	help_find '^OOM \(O\)'
	screen | grep -E '^  a +set oom_score_adj of the selected process, after asking'
}

@test "a refuses what the kernel would misread or reject, before asking; nothing written" {
	oom_adj_view
	for v in 010 abc 1001 -1001 +5 ' 5' 0x10 ''; do
		oom_adj_ask "$v"
		# the prompt was on the bottom line: any message there now is this value's
		tui_wait "is not (within -1000\.\.1000|a decimal number from -1000 to 1000).*nothing written"
		screen | grep -F "'$v' is not"
		! screen | grep -q '(y/N)' || false
		[ "$(cat "/proc/$HOG_PID/oom_score_adj")" -eq 0 ]
	done
}

@test "a: lowering to -1000 without CAP_SYS_RESOURCE is explained, /proc unchanged" {
	oom_adj_view
	oom_adj_ask -1000
	tui_wait 'to -1000\? \(y/N\)'
	keys y
	tui_wait "$HOG_PID tuiadj$$: (oom_score_adj 0 -> -1000|permission denied)"
	if screen | grep -q 'oom_score_adj 0 -> -1000'; then
		[ "$(cat "/proc/$HOG_PID/oom_score_adj")" -eq -1000 ]
		echo "1" >"/proc/$HOG_PID/oom_score_adj"	# raising back is always allowed
		skip "this machine lets memtop lower oom_score_adj: the refusal was not seen"
	fi
	screen | grep -q 'lowering oom_score_adj needs CAP_SYS_RESOURCE'
	[ "$(cat "/proc/$HOG_PID/oom_score_adj")" -eq 0 ]
}

@test "W writes the settings; the next start reads them; --no-config ignores them" {
	tui_start
	keys '>'
	tui_wait '▼USS'
	keys e
	tui_wait 'sizes in KiB'
	keys W
	tui_wait 'settings written to'
	keys q
	tui_wait 'memtop-exit=0'
	rc="$CONF/memtop/memtoprc"
	grep -qx 'sort = uss' "$rc"
	grep -qx 'units = KiB' "$rc"
	[ "$(stat -c %a "$rc")" = 600 ]
	tui_next
	tui_start
	screen | grep -q '▼USS'
	tui_next
	tui_start --no-config
	screen | grep -q '▼PSS'
	tui_next
	tui_start -s rss
	screen | grep -q '▼RSS'
}

@test "K hides kernel threads and shows them again; W keeps the choice" {
	# kthreadd (pid 2) with this shell where it is visible; the shell alone in a PID namespace
	local kt=
	! kthreadd_visible || kt=2
	tui_start -p "${kt:+$kt,}$$" -o pid,comm,rss
	[ -z "$kt" ] || tui_wait '^ +2 kthreadd'
	keys K
	tui_wait '^memtop .*kernel threads hidden'
	[ -z "$kt" ] || tui_gone '^ +2 kthreadd'
	screen | grep -Eq "^ +$$ "
	screen | grep -q ', 1 shown'
	keys W
	tui_wait 'settings written to'
	grep -qx 'kernel_threads = hide' "$CONF/memtop/memtoprc"
	keys q
	tui_wait 'memtop-exit=0'
	tui_next
	tui_start -p "${kt:+$kt,}$$" -o pid,comm,rss
	tui_wait '^memtop .*kernel threads hidden'
	[ -z "$kt" ] || { ! screen | grep -Eq '^ +2 kthreadd' || false; }
	keys K
	tui_wait 'kernel threads shown'
	[ -z "$kt" ] || tui_wait '^ +2 kthreadd'
	! screen | grep -q '^memtop .*kernel threads hidden' || false
	tui_next
	tui_start --no-config -p "${kt:+$kt,}$$" -o pid,comm,rss
	! screen | grep -q '^memtop .*kernel threads hidden' || false
	[ -z "$kt" ] || tui_wait '^ +2 kthreadd'
}

@test "a bad memtoprc line is a warning, not a crash" {
	mkdir -p "$CONF/memtop"
	printf 'sort = uss\nbogus line\nfields = pid,nosuch\n' >"$CONF/memtop/memtoprc"
	tui_start
	tui_wait 'memtoprc line 2: expected'
	screen | grep -q '▼USS'
}

@test "smaps_rollup is read for the rows on screen only, unless the sort needs it" {
	command -v strace >/dev/null 2>&1 || skip "strace not installed"
	procs=$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)
	[ "$procs" -ge 60 ] || skip "too few processes ($procs) to tell"
	for sort in rss pss; do
		# LeakSanitizer cannot work under ptrace: an ASan build is traced without it
		tx -f /dev/null new-session -d -x 120 -y 20 "env XDG_CONFIG_HOME=$CONF ASAN_OPTIONS=detect_leaks=0 \
			strace -f -qq -e trace=openat,open \
			-o $BATS_TEST_TMPDIR/$sort.trace $MEMTOP -s $sort -n 2 -d 0.5; echo memtop-exit=\$?; sleep 600"
		tui_wait 'memtop-exit=0'
		tui_next
	done
	# 20 lines: 13 process rows, so 26 reads at most over two samples
	rss=$(grep -c 'smaps_rollup' "$BATS_TEST_TMPDIR/rss.trace")
	pss=$(grep -c 'smaps_rollup' "$BATS_TEST_TMPDIR/pss.trace")
	echo "smaps_rollup opened: $rss sorting by rss, $pss sorting by pss ($procs processes)"
	[ "$rss" -le 26 ]
	[ "$pss" -gt 26 ]
}

@test "the column chooser hides a column and sorts by another" {
	tui_start
	keys f
	tui_wait '^Columns of the process list'
	keys Space
	tui_wait '^\[ \] pid'
	keys Home Down Down Down s Escape
	tui_wait '^USER +RSS +PSS +▼USS'
}

@test "d changes the delay, u filters by user, I inverts, -n ends the view" {
	tui_start
	keys d C-u 0.5 Enter
	tui_wait 'every 0.5s'
	keys u nosuchuser-x Enter
	tui_wait "no user named 'nosuchuser-x'"
	keys u "$(id -un)" Enter
	tui_wait "user: $(id -un)"
	keys I
	tui_wait '▲PSS'
	tui_next
	tui_launch -- -n 2 -d 0.2
	tui_wait 'memtop-exit=0' 5
}

@test "O and S open their screens, Esc goes back to the list, q ends" {
	tui_start
	keys O
	tui_wait "^OOM: whom the kernel's OOM killer takes first"
	tui_wait '^ +RANK +PID +SCORE'
	keys Escape
	tui_wait '^ +PID USER'
	keys S
	tui_wait '^System: where the memory goes'
	tui_wait 'in parts that add up to it'
	keys Escape
	tui_wait '^ +PID USER'
	keys q
	tui_wait 'memtop-exit=0'
}

# issue 11: a row on screen is read for the frame that shows it, though the process did not
# move (mlock of pages it already has: no fault, no RSS change)
@test "the rows on screen are fresh: an mlock shows at once" {
	local out="$BATS_TEST_TMPDIR/quiet"
	"$HELPERS/memhog" quiet mlock 32 >"$out" &
	HOG_PID=$!
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$HOG_PID"
	for _ in $(seq 300); do grep -qx ready "$out" && break; sleep 0.1; done
	tui_start -d 1 -p "$HOG_PID" -o pid,locked,data,cmd
	tui_wait "^ *$HOG_PID +0 "
	kill -USR1 "$HOG_PID"
	tui_wait "^ *$HOG_PID +32\.0M " 15
	keys q
}

@test "W never writes through a symbolic link, nor into another user's directory" {
	local home="$BATS_TEST_TMPDIR/h" other="$BATS_TEST_TMPDIR/other"
	mkdir -p "$home" "$BATS_TEST_TMPDIR/elsewhere"
	ln -s ../elsewhere "$home/.config"
	tui_launch "XDG_CONFIG_HOME=$home/.config" --
	tui_wait '^ +PID USER'
	keys W
	tui_wait 'settings not written: .*/h/\.config is a symbolic link'
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
	keys q
	tui_wait 'memtop-exit=0'
	[ "$(id -u)" -eq 0 ] || skip "another user's directory needs root"
	# root with another user's environment (sudo -E): nothing of root's in that home
	tui_next
	mkdir -p "$other"
	chown nobody "$other"
	tui_launch "XDG_CONFIG_HOME=$other/.config" --
	tui_wait '^ +PID USER'
	keys W
	tui_wait "settings not written: .*/other is not yours alone"
	[ ! -e "$other/.config" ]
}

@test "installed setuid, W never writes root's memtoprc for another user" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	command -v setpriv >/dev/null && command -v unshare >/dev/null || skip "needs setpriv and unshare"
	grep -q __asan "$MEMTOP" && skip "a sanitizer build refuses to run setuid"
	# in a mount namespace of its own, on a tmpfs over /root: the real /root is never touched
	# (before the fix, memtop wrote /root/.config/memtop/memtoprc there)
	tx -f /dev/null new-session -d -x 120 -y 40 "unshare -m --propagation private sh -c '
		mount -t tmpfs -o mode=755 memtop-test /root && mkdir /root/bin &&
		cp \"$MEMTOP\" /root/bin/memtop && chmod 4755 /root/bin/memtop &&
		setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp TERM=xterm LC_ALL=C.UTF-8 /root/bin/memtop;
		echo memtop-exit=\$?; ls -A /root; ls -A /root/.config 2>&1; echo listed; sleep 600'"
	tui_wait '^ +PID USER'
	keys W
	tui_wait 'settings not written: memtop runs setuid or with file capabilities'
	keys q
	tui_wait '^listed'
	screen | grep -q 'memtop-exit=0'
	screen | grep -q 'ls: cannot access .*/root/.config.*No such file'
}

# gone PID START [SECONDS]: waits until the process recorded is no more (a zombie counts as
# gone: it has left); prints what it is still doing if not.
gone() {
	local i
	for ((i = 0; i < ${3:-5} * 10; i++)); do
		still_ours "$1" "$2" || return 0
		[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ] && return 0
		sleep 0.1
	done
	echo "memtop $1 still runs:" >&2
	grep -E '^(State|VmHWM)' "/proc/$1/status" >&2
	return 1
}

@test "huge COLUMNS and LINES, or a terminal that says it is huge: the screen is capped, memory stays small" {
	local pid start hwm
	tui_launch COLUMNS=30000 LINES=30000 --
	tui_wait '^ +PID USER'
	pid=$(memtop_pid)
	start=$(proc_start "$pid")
	sleep 2
	hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status")
	echo "VmHWM ${hwm} kB in a 120x40 pane with COLUMNS=30000 LINES=30000"
	[ "$hwm" -lt $((100 * 1024)) ]
	screen | grep -Eq '^Mem +\['
	# the terminal gone, memtop goes
	tx kill-server
	gone "$pid" "$start"
	tui_next
	tx -f /dev/null new-session -d -x 120 -y 40 \
		"stty rows 30000 cols 30000; env XDG_CONFIG_HOME=$CONF LC_ALL=C.UTF-8 '$MEMTOP'; sleep 600"
	for ((i = 0; i < 100; i++)); do
		pid=$(memtop_pid) && break
		sleep 0.1
	done
	start=$(proc_start "$pid")
	sleep 3
	hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status")
	echo "VmHWM ${hwm} kB on a terminal of 30000x30000"
	[ "$hwm" -lt $((100 * 1024)) ]
	tx kill-server
	gone "$pid" "$start"
}

@test "the terminal going away ends memtop, whatever it shows" {
	local state pid start
	for state in list filter-prompt help detail question oom fields; do
		tui_start -d 0.3
		case $state in
		filter-prompt) keys / abc ;;
		help) keys '?'; tui_wait '^Everywhere' ;;
		detail) keys Enter; tui_wait '^SEG|has exited|^Segments and mappings: ' ;;
		question) keys k Enter; tui_wait '\(y/N\)' ;;
		oom) keys O; tui_wait '^OOM' ;;
		fields) keys f; tui_wait '^Columns' ;;
		esac
		pid=$(memtop_pid)
		start=$(proc_start "$pid")
		tx kill-server
		gone "$pid" "$start" || { echo "in state $state"; false; }
		tui_next
	done
}

@test "with SIGHUP blocked, a closed terminal still ends memtop (hang-up on the tty)" {
	local pid start i
	tx -f /dev/null new-session -d -x 120 -y 40 "env XDG_CONFIG_HOME=$CONF LC_ALL=C.UTF-8 \
		/usr/bin/python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
os.execv(sys.argv[1], sys.argv[1:])' '$MEMTOP' -d 0.3; sleep 600"
	tui_wait '^ +PID USER'
	pid=$(memtop_pid)
	start=$(proc_start "$pid")
	grep -q '^SigBlk:.*[13579bBdDfF]$' "/proc/$pid/status"	# bit 0 of the mask: SIGHUP
	tx kill-server
	gone "$pid" "$start"
}

@test "a quit signal ends memtop within seconds even in the middle of a long refresh" {
	local pid start list i
	# -p with 180,000 pids: a refresh reads a status file for each, seconds of work
	list="$BATS_TEST_TMPDIR/pids"
	printf '1%.0s,' {1..59999} >"$list"
	echo 1 >>"$list"
	tx -f /dev/null new-session -d -x 120 -y 40 "env XDG_CONFIG_HOME=$CONF LC_ALL=C.UTF-8 '$MEMTOP' \
		\$(for i in 1 2 3; do echo -p \$(cat '$list'); done); echo memtop-exit=\$?; sleep 600"
	for ((i = 0; i < 100; i++)); do
		pid=$(memtop_pid) && break
		sleep 0.1
	done
	start=$(proc_start "$pid")
	[ -n "$start" ]
	# the view is up: its first refresh runs. Slowed to a crawl (5 ms of every 200), that
	# refresh takes minutes; the quit signal must not wait for its end.
	for ((i = 0; i < 300; i++)); do
		[ "$(alt_screen)" = 1 ] && break
		sleep 0.1
	done
	(for ((i = 0; i < 100; i++)); do
		still_ours "$pid" "$start" || break
		kill -STOP "$pid" 2>/dev/null
		sleep 0.2
		kill -CONT "$pid" 2>/dev/null
		sleep 0.005
	done) &
	kill -TERM "$pid"
	gone "$pid" "$start" 8
	tui_wait 'memtop-exit=143'
	[ "$(alt_screen)" = 0 ]
}

# issue 12: in KiB the detail screen's tables and the O screen's rows keep every digit, and
# their titles stay over their columns
@test "e (KiB) on the detail and O screens: numbers whole, columns aligned" {
	start_hog touched 1000
	stop_proc "$HOG_PID"
	kib=$(($(status_bytes "$HOG_PID" RssAnon) / 1024))
	tui_start -p "$HOG_PID"
	tui_wait "^ *$HOG_PID "
	keys e
	tui_wait 'sizes in KiB'
	keys Enter
	tui_wait '^SEG +text'
	# the segment table: anon_mmap's rss (the 1000 MiB block) whole, set off by a blank
	seg=$(screen | awk '$1 == "rss"')
	echo "$seg"
	grep -Eq " [0-9]{7,} " <<<"$seg " 
	! grep -Eq '[0-9]{15,}' <<<"$seg" || false
	# the mapping table: its SIZE cell whole under SIZE, right-aligned
	title=$(screen | grep -E '^ADDRESS +PERM')
	row=$(screen | grep -E ' anon_mmap ' | head -1)
	size=$(awk '{print $4}' <<<"$row")
	[ "${#size}" -ge 7 ]
	pre=${title%%SIZE*}
	[ "${row:$((${#pre} + 4 - ${#size})):${#size}}" = "$size" ] || { echo "$title"; echo "$row"; false; }
	keys Escape
	keys O
	tui_wait "^ +[0-9]+ +$HOG_PID "
	title=$(screen | grep -E '^ +RANK +PID')
	row=$(screen | grep -E "^ +[0-9]+ +$HOG_PID ")
	rss=$(awk '{print $5}' <<<"$row")
	[ "${#rss}" -ge 7 ]
	pre=${title%%RSS*}
	[ "${row:$((${#pre} + 3 - ${#rss})):${#rss}}" = "$rss" ] || { echo "$title"; echo "$row"; false; }
	keys q
	kill -CONT "$HOG_PID"
}
