# The interactive view driven in tmux, for tests of the view in files other than tui.bats
# (`load tui` after `load lib`): a private tmux server per test (-L), keys with send-keys,
# the screen with capture-pane. memtop runs under `sh -c` so that the pane stays after it
# exits and shows its exit status.

tui_setup() {
	command -v tmux >/dev/null 2>&1 || skip "tmux not installed"
	SOCKS=()
	tui_next
	CONF="$BATS_TEST_TMPDIR/xdg"
	mkdir -p "$CONF"
}

tui_teardown() {
	local s
	for s in "${SOCKS[@]}"; do
		tmux -L "$s" kill-server 2>/dev/null || true
	done
	stop_hogs
}

# tui_next: ends this test's tmux server and takes a fresh socket for the next one.
tui_next() {
	[ -z "${SOCK:-}" ] || tmux -L "$SOCK" kill-server 2>/dev/null || true
	SOCK="memtop-test-$$-${BATS_TEST_NUMBER}-${#SOCKS[@]}"
	SOCKS+=("$SOCK")
}

tx() {
	tmux -L "$SOCK" "$@"
}

screen() {
	tx capture-pane -p "$@"
}

keys() {
	tx send-keys "$@"
}

# tui_wait ERE [SECONDS]: waits until the screen shows a match; prints the screen if never.
tui_wait() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	echo "the screen never showed '$1':" >&2
	screen >&2
	return 1
}

# tui_gone ERE: waits until the screen no longer shows a match.
tui_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.1
	done
	echo "the screen still shows '$1':" >&2
	screen >&2
	return 1
}

# tui_launch [ENV=VALUE...] -- [memtop options]: runs memtop in a fresh pane of
# ${TUI_COLS:-120}x${TUI_LINES:-40}.
tui_launch() {
	local envs=() cmd
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	cmd="env XDG_CONFIG_HOME=$(printf %q "$CONF") LC_ALL=C.UTF-8"
	[ ${#envs[@]} -eq 0 ] || cmd+=" $(printf '%q ' "${envs[@]}")"
	# shellcheck disable=SC2086
	cmd+=" ${TUI_WRAP:-} $(printf '%q ' "$MEMTOP" "$@")"
	# the shell ignores SIGINT so that Ctrl-C reaches memtop alone and the pane stays
	tx -f /dev/null new-session -d -x "${TUI_COLS:-120}" -y "${TUI_LINES:-40}" "trap '' INT; ulimit -c 0; $cmd; echo memtop-exit=\$?; sleep 600"
}

# tui_start [memtop options]: launches and waits for the list's column titles.
tui_start() {
	tui_launch -- "$@"
	tui_wait '^ +[▼▲]?(PID|PROCS) |PID +USER|PID +COMM|PID '
}

# The process rows: the lines after the column titles, without the totals line and the
# bottom line.
rows() {
	screen | rows_in
}

# rows_in: the same of screen text on standard input (a frame captured earlier)
rows_in() {
	awk '/^ +(▼|▲)?(PID|PROCS) /{t=1; next} t' | sed '$d' | grep -v '^ *$' |
		grep -Ev ' total: [0-9]+ (process|group)' || true
}

# rows_are N: waits until the list shows N rows (a sample may be on its way); prints the
# screen if it never does.
rows_are() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(rows | wc -l)" -eq "$1" ] && return 0
		sleep 0.1
	done
	echo "never $1 rows:" >&2
	screen >&2
	return 1
}

# The totals line.
totals() {
	screen | grep -E ' total: [0-9]+ (process|group)'
}

# The selected row, as text: the line drawn on the selection's background (cyan).
selected() {
	screen -e | grep -E $'^(\e\\[[0-9;]*m)*\e\\[([0-9]+;)*46m' | sed 's/\x1b\[[0-9;]*m//g' |
		grep -Ev '^ +[▼▲]?(PID|PROCS) ' || true
}

# mouse_xy X Y: the two coordinate bytes of an X10 mouse report (columns and lines from 0)
mouse_xy() {
	printf '%b%b' "\\$(printf %03o $((33 + $1)))" "\\$(printf %03o $((33 + $2)))"
}

# click X Y: the left button pressed and released at column X, line Y, as a terminal
# reports it (X10 encoding) once memtop asks for mouse reports.
click() {
	keys -l "$(printf '\e[M %s\e[M#%s' "$(mouse_xy "$1" "$2")" "$(mouse_xy "$1" "$2")")"
}

# wheel up|down X Y
wheel() {
	local b='`'
	[ "$1" = down ] && b=a
	keys -l "$(printf '\e[M%s%s' "$b" "$(mouse_xy "$2" "$3")")"
}

memtop_pid() {
	pgrep -P "$(tx display -p '#{pane_pid}')" -x memtop
}

# A size as the view shows it ("0", "912K", "21.1M", "1.50G", "≥2.0M", "3.1M~") in KiB.
to_kib() {
	awk -v s="$1" 'BEGIN {
		gsub(/^(>=|≥)|~$/, "", s)
		m = 1 / 1024
		if (s ~ /K$/) m = 1; else if (s ~ /M$/) m = 1024; else if (s ~ /G$/) m = 1048576
		sub(/[KMG]$/, "", s)
		printf "%d\n", s * m
	}'
}
