#!/usr/bin/env bats
# The process list's ways of htop and smem users (issue 12): the tree with each subtree's
# sums, groups, the totals line, search beside the filter, the filter live as it is typed,
# pause, sideways scrolling, the sort menu and the mouse; each driven in tmux and checked
# against /proc or memtop's own JSON.

load lib
load tui

setup() {
	tui_setup
}

teardown() {
	tui_teardown
}

# forkshare: a parent and its child sharing 64 MiB (memhog quiet forkshare): HOG_PID, CHILD
forkshare() {
	start_hog quiet forkshare 64
	CHILD=$(pgrep -P "$HOG_PID" | head -1)
	[ -n "$CHILD" ]
}

# The cells of the row of PID (fields split on blanks)
row_of() {
	rows | awk -v p="$1" '$1 == p'
}

@test "t shows the tree: the child under its parent, the parent's sizes its subtree's sums" {
	forkshare
	tui_start -p "$HOG_PID,$CHILD" -o pid,rss,pss,cmd
	keys t
	tui_wait '^memtop .* tree '
	tui_wait '^ +PID +ΣRSS +▼ΣPSS COMMAND'
	# the parent first, the child below it with a branch
	[ "$(rows | awk '{ print $1 }' | paste -sd' ')" = "$HOG_PID $CHILD" ]
	row_of "$CHILD" | grep -Eq ' └─ .*memhog quiet forkshare'
	# the parent's PSS is both processes': the 64 MiB counted once
	pss=$(to_kib "$(row_of "$HOG_PID" | awk '{ print $3 }')")
	child=$(to_kib "$(row_of "$CHILD" | awk '{ print $3 }')")
	want=$(memtop -bJ -p "$HOG_PID,$CHILD" | $JQ '.totals.mem.pss / 1024 | floor')
	echo "parent's ΣPSS $pss KiB, child's $child KiB, both by -bJ $want KiB"
	[ $((pss - want)) -le $((want / 50)) ] && [ $((want - pss)) -le $((want / 50)) ]
	[ "$pss" -gt "$child" ]
	# and the RSS sum is twice the region
	[ "$(to_kib "$(row_of "$HOG_PID" | awk '{ print $2 }')")" -ge $((128 * 1024)) ]
	keys F5
	tui_wait '^ +PID +RSS +▼PSS COMMAND'
	tui_gone '└─'
}

@test "- folds a subtree into its row, + unfolds it" {
	forkshare
	tui_start -p "$HOG_PID,$CHILD" -o pid,rss,pss,cmd
	keys t
	tui_wait "└─ "
	keys Home -
	tui_wait "^ *$HOG_PID .* \\+ "
	[ "$(rows | wc -l)" -eq 1 ]
	# folded, its row still sums the subtree
	totals | grep -q 'total: 2 processes'
	keys +
	tui_wait "^ *$CHILD .*└─ "
	[ "$(rows | wc -l)" -eq 2 ]
	# outside the tree, the keys say what they are for
	keys t
	tui_gone '└─'
	keys -
	tui_wait 'folds a subtree of the tree view'
}

@test "g: one row per user, per command name, per cgroup, then none; counts and sums" {
	start_hog comm "tuig$$"
	a=$HOG_PID
	start_hog comm "tuig$$"
	b=$HOG_PID
	tui_start -p "$a,$b,$$" -o pid,rss,cmd
	keys g
	tui_wait '^ +PROCS +▼?RSS +USER *$'
	tui_wait '^memtop .* by user '
	rows | grep -Eq '^ +3 +[0-9.]+[KMG]? root$'
	totals | grep -Eq '^ +3 +[0-9.]+[KMG]? total: 1 group'
	keys g
	tui_wait '^ +PROCS +▼?RSS +COMM *$'
	rows | grep -Eq "^ +2 +[0-9.]+[KMG]? tuig$$\$"
	rows | grep -Eq '^ +1 +[0-9.]+[KMG]? bash$'
	# the two's RSS is theirs added up, as -bJ sums it
	shown=$(to_kib "$(rows | awk -v k="tuig$$" '$3 == k { print $2 }')")
	want=$(memtop -bJ -p "$a,$b" | $JQ '.totals.mem.rss / 1024 | floor')
	echo "shown $shown KiB, -bJ $want KiB"
	[ $((shown - want)) -le $((want / 20 + 64)) ] && [ $((want - shown)) -le $((want / 20 + 64)) ]
	keys g
	tui_wait '^ +PROCS .* CGROUP *$'
	keys g
	tui_wait '^ +PID +USER|^ +PID +RSS'
	tui_wait 'groups off'
	# -g starts grouped
	tui_next
	tui_start -g comm -p "$a,$b" -o pid,rss,cmd
	tui_wait "^ +2 .* tuig$$\$"
}

@test "the totals line sums every row, and agrees with /proc" {
	start_hog touched 32
	stop_proc "$HOG_PID"
	tui_start -p "$HOG_PID,$$" -o pid,anon,cmd
	tui_wait ' total: 2 processes'
	shown=$(to_kib "$(totals | awk '{ print $1 }')")
	want=$((($(status_bytes "$HOG_PID" RssAnon) + $(status_bytes $$ RssAnon)) / 1024))
	echo "totals line $shown KiB, /proc $want KiB"
	[ $((shown - want)) -le $((want / 100 + 1)) ] && [ $((want - shown)) -le $((want / 100 + 1)) ]
	# a PSS the view did not read (sorted on a cheap column, the row off screen) makes its
	# sum a lower bound, said so
	tui_next
	TUI_LINES=12 tui_start -s rss -o pid,rss,pss,cmd
	tui_wait ' total: [0-9]+ processes'
	totals | grep -Eq '(≥|>=)[0-9.]+[KMG]? .*total: [0-9]+ processes \((≥|>=): [0-9]+ not read\)|^ +[0-9.]+[KMG] +- +total'
}

@test "F3 searches without filtering: n and N go from match to match, Esc ends it" {
	start_hog comm "tuisa$$"
	a=$HOG_PID
	start_hog comm "tuisb$$"
	b=$HOG_PID
	tui_start -p "$a,$b,$$" -o pid,comm
	n=$(rows | wc -l)
	keys F3
	tui_wait '^Search'
	keys -l "tuis"
	tui_wait '^Search.*: tuis$'
	first=$(selected | awk '{ print $1 }')
	[ "$first" = "$a" ] || [ "$first" = "$b" ]
	keys Enter
	tui_wait 'search: tuis'
	[ "$(rows | wc -l)" -eq "$n" ]	# every row stays
	keys n
	for _ in $(seq 20); do [ "$(selected | awk '{ print $1 }')" != "$first" ] && break; sleep 0.1; done
	second=$(selected | awk '{ print $1 }')
	[ "$second" != "$first" ] && { [ "$second" = "$a" ] || [ "$second" = "$b" ]; }
	keys N
	for _ in $(seq 20); do [ "$(selected | awk '{ print $1 }')" = "$first" ] && break; sleep 0.1; done
	[ "$(selected | awk '{ print $1 }')" = "$first" ]
	keys F3 C-u
	keys -l "nosuch$$"
	tui_wait "^Search \\(no match\\)"
	keys Enter
	tui_wait "no row matches 'nosuch$$'"
	keys Escape
	tui_gone 'search: '
	keys n
	tui_wait 'nothing searched for yet: F3 searches'
}

@test "the filter applies as it is typed; Esc gives the rows back, Enter keeps it" {
	start_hog comm "tuilive$$"
	tui_start
	n=$(rows | wc -l)
	[ "$n" -gt 3 ]
	keys /
	keys -l "tuilive$$"
	# before Enter: one row, and the header counts it
	tui_wait ' 1 shown '
	rows_are 1
	rows | grep -Eq "^ *$HOG_PID "
	keys Escape
	tui_gone ' 1 shown '
	[ "$(rows | wc -l)" -gt 3 ]
	keys /
	keys -l "tuilive$$"
	keys Enter
	tui_wait "filter: tuilive$$"
	rows_are 1
	# a pattern not complete yet keeps the last rows
	keys / C-u
	keys -l "tuilive${$}("
	sleep 0.5
	rows | grep -Eq "^ *$HOG_PID "
	keys Escape
}

@test "Z pauses: the figures and the time stay, the header says so; Space refreshes once; Z resumes" {
	tui_start -d 0.2
	keys Z
	tui_wait '^memtop  PAUSED '
	t1=$(screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}')
	sleep 2.2
	[ "$(screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}')" = "$t1" ]
	keys Space
	tui_wait "^memtop  PAUSED .* ([0-9:]{8})" 
	for _ in $(seq 30); do
		t2=$(screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}')
		[ "$t2" != "$t1" ] && break
		sleep 0.1
	done
	[ "$t2" != "$t1" ]
	sleep 1.2
	[ "$(screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}')" = "$t2" ]
	keys Z
	tui_gone 'PAUSED'
	sleep 1.2
	[ "$(screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}')" != "$t2" ]
}

@test "Left and Right scroll the command line by 8 columns" {
	start_hog comm "tuiscroll"
	cmdline=$(tr '\0' ' ' <"/proc/$HOG_PID/cmdline")
	tui_start -p "$HOG_PID" -o pid,cmd
	tui_wait "^ *$HOG_PID ${cmdline:0:20}"
	keys Right
	tui_wait "^ *$HOG_PID ${cmdline:8:20}"
	tui_wait 'command \+8'
	keys Right
	tui_wait "^ *$HOG_PID ${cmdline:16:10}"
	keys Left Left Left
	tui_wait "^ *$HOG_PID ${cmdline:0:20}"
	tui_gone 'command \+'
}

@test "F6: the sort menu sorts by the field chosen" {
	tui_start -o pid,rss,pss,cmd
	keys F6
	tui_wait '^Sort the process list by'
	tui_wait '^▼ pss '
	keys Home
	for _ in $(seq 5); do selected | grep -q '^ *rss ' && break; keys Down; sleep 0.1; done
	selected | grep -q '^ *rss '
	keys Enter
	tui_wait '^ +PID +▼RSS +PSS'
	tui_wait 'sorted by rss, highest first'
}

@test "the mouse: a title sorts, a row selects, the wheel scrolls; --no-mouse and mouse = off leave it to the terminal" {
	tui_start -o pid,rss,pss,cmd
	[ "$(tx display -p '#{mouse_any_flag}')" = 1 ]
	# the titles are on line 5 under the header; RSS over columns 8-14
	y=$(screen | grep -nE '^ +PID ' | cut -d: -f1)
	y=$((y - 1))
	click 10 "$y"
	tui_wait '^ +PID +▼RSS +PSS'
	click 10 "$y"
	tui_wait '^ +PID +▲RSS +PSS'
	# paused, the rows hold still; the third row
	keys Z
	tui_wait 'PAUSED'
	want=$(screen | sed -n "$((y + 4))p" | awk '{ print $1 }')
	click 3 $((y + 3))
	for _ in $(seq 20); do [ "$(selected | awk '{ print $1 }')" = "$want" ] && break; sleep 0.1; done
	[ "$(selected | awk '{ print $1 }')" = "$want" ]
	# the wheel moves the selection three rows
	wheel down 3 $((y + 3))
	for _ in $(seq 20); do [ "$(selected | awk '{ print $1 }')" != "$want" ] && break; sleep 0.1; done
	[ "$(selected | awk '{ print $1 }')" != "$want" ]
	wheel up 3 $((y + 3))
	for _ in $(seq 20); do [ "$(selected | awk '{ print $1 }')" = "$want" ] && break; sleep 0.1; done
	[ "$(selected | awk '{ print $1 }')" = "$want" ]
	tui_next
	tui_start --no-mouse
	[ "$(tx display -p '#{mouse_any_flag}')" = 0 ]
	tui_next
	mkdir -p "$CONF/memtop"
	echo 'mouse = off' >"$CONF/memtop/memtoprc"
	tui_start
	[ "$(tx display -p '#{mouse_any_flag}')" = 0 ]
}

@test "W keeps the tree, the grouping and the mouse; the next start has them" {
	tui_start
	keys t
	tui_wait '^memtop .* tree '
	keys W
	tui_wait 'settings written to'
	grep -qx 'tree = on' "$CONF/memtop/memtoprc"
	grep -qx 'group = none' "$CONF/memtop/memtoprc"
	grep -qx 'mouse = on' "$CONF/memtop/memtoprc"
	keys q
	tui_wait 'memtop-exit=0'
	tui_next
	tui_start
	tui_wait '^memtop .* tree '
	keys g g
	tui_wait '^ +PROCS .* COMM'
	keys W
	tui_wait 'settings written to'
	grep -qx 'group = comm' "$CONF/memtop/memtoprc"
	tui_next
	tui_start
	tui_wait '^ +PROCS .* COMM'
	tui_next
	tui_start --no-config
	tui_wait '^ +PID USER'
	! screen | grep -q '^memtop .* tree ' || false
}

@test "the help lists every key of the list, and the marks" {
	tui_start
	keys '?'
	tui_wait '^Everywhere'
	for k in 'F3 ' 'n N ' 't F5 ' '- \+ ' 'g ' 'F6 ' 'Left Right ' 'Z ' 'Esc ' 'mouse '; do
		for _ in 1 2 3; do screen | grep -Eq "^  $k" && break; keys NPage; sleep 0.2; done
		screen | grep -Eq "^  $k" || { echo "help lacks $k"; screen; false; }
		keys Home
	done
	for _ in 1 2 3 4; do screen | grep -q '^Marks' && break; keys NPage; sleep 0.2; done
	screen | grep -q 'a sum leaving out processes not read'
}

@test "a chain 80 deep: the tree draws every row, its deepest branches cut" {
	local tag=99$$ pid i
	printf '%s\n' 'if [ "$1" -gt 0 ]; then sh "$0" $(($1 - 1)) "$2" & fi' 'exec sleep "$2"' >"$BATS_TEST_TMPDIR/chain.sh"
	sh "$BATS_TEST_TMPDIR/chain.sh" 79 "$tag" &
	for ((i = 0; i < 100; i++)); do [ "$(pgrep -fx "sleep $tag" | wc -l)" -ge 80 ] && break; sleep 0.1; done
	for pid in $(pgrep -fx "sleep $tag"); do remember_pid "$BATS_TEST_TMPDIR/hogs" "$pid"; done
	[ "$(pgrep -fx "sleep $tag" | wc -l)" -eq 80 ]
	tui_start -f "^sleep $tag\$" -o pid,rss,cmd -s pid
	tui_wait ' total: 80 processes'
	keys t
	tui_wait '^memtop .* tree '
	keys End
	# 80 levels: the branches take half the command's column, the levels nearest the root
	# are left out, said with an ellipsis; the command is still there
	tui_wait "^ *[0-9]+ +[0-9.]+[KMG]? +… +└─ sleep $tag"
	[ "$(rows | grep -c "sleep $tag")" -eq "$(rows | wc -l)" ]
	totals | grep -q 'total: 80 processes'
	keys Home
	tui_wait "^ *[0-9]+ +[0-9.]+[KMG]? +sleep $tag"
}
