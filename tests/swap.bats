#!/usr/bin/env bats
# Swap, for real: a swap file turned on for this file's tests, and a process whose memory
# the kernel has written to it (memhog swapped: MADV_PAGEOUT). Every swap figure memtop
# shows is checked against /proc.
#
# Turning swap on changes the machine for every other test running at the same time
# (totalpages, SwapTotal): this file runs only with MEMTOP_TEST_SWAP=1, alone (.ci/run does
# that after the suite). Otherwise its tests skip, saying so.

load lib

SWAPSIZE_MIB=256
HOG_MIB=64

setup_file() {
	[ "${MEMTOP_TEST_SWAP:-}" = 1 ] || return 0
	[ "$(id -u)" -eq 0 ] || return 0
	command -v swapon >/dev/null && command -v mkswap >/dev/null || return 0
	if [ "$(awk '$1 == "SwapTotal:" { print $2 }' /proc/meminfo)" != 0 ]; then
		export SWAP_READY=theirs	# the machine has swap of its own: use it, leave it
		return 0
	fi
	# next to the build, not in /tmp: tmpfs cannot hold a swap file
	SWAPFILE="$PWD/memtop-test.swap"
	export SWAPFILE
	rm -f "$SWAPFILE"
	dd if=/dev/zero of="$SWAPFILE" bs=1M count="$SWAPSIZE_MIB" status=none &&
		chmod 600 "$SWAPFILE" && mkswap "$SWAPFILE" >/dev/null &&
		swapon "$SWAPFILE" 2>/dev/null && export SWAP_READY=ours
	[ -n "${SWAP_READY:-}" ] || rm -f "$SWAPFILE"
}

teardown_file() {
	if [ "${SWAP_READY:-}" = ours ]; then
		swapoff "$SWAPFILE"
		rm -f "$SWAPFILE"
	fi
}

setup() {
	[ "${MEMTOP_TEST_SWAP:-}" = 1 ] ||
		skip "turns swap on for the whole machine: run alone with MEMTOP_TEST_SWAP=1 (.ci/run does)"
	[ -n "${SWAP_READY:-}" ] || skip "no swap could be turned on here (root, swapon, a disk file)"
	start_hog swapped "$HOG_MIB"
	# what the kernel wrote out; the test needs most of it
	assert_ge "$(status_bytes "$HOG_PID" VmSwap)" $((HOG_MIB * MIB * 9 / 10))
}

teardown() {
	stop_hogs
}

# near GOT WANT SLACK: |GOT - WANT| <= SLACK
near() {
	local d=$(($1 - $2))
	if [ "${d#-}" -gt "$3" ]; then
		echo "got $1, want $2 (+- $3)" >&2
		return 1
	fi
}

@test "a swapped-out process: swap, swap_pss and its anon segment's swap are /proc's" {
	local j swap
	steady "$HOG_PID" proc_json "$HOG_PID" -o pid,rss,swap,swap_pss,seg_anon_mmap
	j=$out
	swap=$(saved_bytes "$HOG_PID" VmSwap)
	[ "$($JQ .mem.swap <<<"$j")" -eq "$swap" ]
	[ "$($JQ .mem.swap_pss <<<"$j")" -eq "$(rollup_bytes "$HOG_PID" SwapPss)" ]
	# the hog's one mapping is anonymous: the segment holds all of its swap
	[ "$($JQ .segments.anon_mmap.swap <<<"$j")" -ge $((HOG_MIB * MIB * 9 / 10)) ]
	# swapped out is not resident
	[ "$($JQ .mem.rss <<<"$j")" -lt $((HOG_MIB * MIB / 10)) ]
}

@test "the text report: the process's SWAP column and the machine's Swap line" {
	local line total
	run memtop -b -p "$HOG_PID" -o pid,swap,comm
	[ "$status" -eq 0 ]
	line=$(awk -v p="$HOG_PID" '$1 == p' <<<"$output")
	# 64 MiB, as the report writes it (to three figures)
	[[ "$line" =~ ^\ *$HOG_PID\ +6[0-4]\.?[0-9]*M\  ]] || {
		echo "row: $line" >&2
		false
	}
	total=$(meminfo_bytes SwapTotal)
	[[ "$output" == *"Swap:   "*" total, "*" used, "*" cached"* ]]
	[ "$total" -gt 0 ]
}

@test "JSON system swap: total, free and cached are /proc/meminfo's" {
	local j
	j=$(memtop -bJ -p "$HOG_PID")
	[ "$($JQ .system.swap.total <<<"$j")" -eq "$(meminfo_bytes SwapTotal)" ]
	near "$($JQ .system.swap.free <<<"$j")" "$(meminfo_bytes SwapFree)" $((8 * MIB))
	near "$($JQ .system.swap.cached <<<"$j")" "$(meminfo_bytes SwapCached)" $((8 * MIB))
}

@test "-O counts swap in badness and in totalpages (RAM + swap)" {
	local j e page
	page=$(getconf PAGESIZE)
	steady "$HOG_PID" memtop -bJ -O
	j=$out
	[ "$($JQ .oom.totalpages <<<"$j")" -eq $((($(meminfo_bytes MemTotal) + $(meminfo_bytes SwapTotal)) / page)) ]
	e=$($JQ -c ".oom.kill_order[] | select(.pid == $HOG_PID)" <<<"$j")
	[ "$($JQ .badness.swap <<<"$e")" -eq "$(saved_bytes "$HOG_PID" VmSwap)" ]
	near "$($JQ .oom.headroom.swap_free <<<"$j")" "$(meminfo_bytes SwapFree)" $((8 * MIB))
}

@test "-S: swap used and swap cache" {
	run memtop -b -S
	[ "$status" -eq 0 ]
	[[ "$output" == *[Ss]wap* ]]
	run memtop -bJ -S
	[ "$status" -eq 0 ]
	[ "$($JQ .system.swap.total <<<"$output")" -eq "$(meminfo_bytes SwapTotal)" ]
}

@test "the interactive view draws the swap bar with used and total" {
	command -v tmux >/dev/null || skip "tmux not installed"
	local sock="memtop-swap-$$" i
	tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 30 \
		"env LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$BATS_TEST_TMPDIR '$MEMTOP' --no-config; sleep 60"
	for ((i = 0; i < 100; i++)); do
		tmux -L "$sock" capture-pane -p | grep -Eq '^Swap +\[.*\] .* of .* used, .* cached' && break
		sleep 0.1
	done
	tmux -L "$sock" capture-pane -p >"$BATS_TEST_TMPDIR/screen"
	tmux -L "$sock" kill-server 2>/dev/null || true
	grep -E '^Swap +\[.*\] .* of .* used, .* cached' "$BATS_TEST_TMPDIR/screen" || {
		cat "$BATS_TEST_TMPDIR/screen" >&2
		false
	}
	# the bar holds used swap: the hog's 64 MiB of 256 MiB fill at least one cell of 20
	grep -E '^Swap +\[#' "$BATS_TEST_TMPDIR/screen"
}
