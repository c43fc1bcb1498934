#!/usr/bin/env bash
# memtop's benchmark: starts its own workload, runs memtop and the yardsticks side by side
# in one run and prints ratios against the targets of issue 6. It prints and compares; it
# does not fail on a missed target (the machine is shared and noisy: read the ratios).
#
#   bench/compare.sh [path/to/memtop]        (default: ./memtop, then ../memtop)
#
# Environment: N=1000 processes for the main case, RUNS=7 (medians), STEADY=20 seconds and
# STEADY_RUNS=5 (medians) for the interactive cost,
# SCALE=10000 processes, BIG_MAPS=60000 mappings, BIG_MIB=4096 resident,
# PHASES="main steady big scale" (any subset, in that order), ISOLATE=1 (see below).
# Needs cc, ps and top; htop, smem and tmux are used when present.
#
# ISOLATE=1 (the default, as root): everything runs in a PID namespace of its own, so every
# tool sees exactly the benchmark's processes, not whatever else the machine runs (a busy
# neighbour with a 400 MiB working set costs a PSS monitor a page-table walk each second),
# and leaving the namespace ends every process started in it. ISOLATE=0: the whole machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
memtop=${1:-}
if [ -z "$memtop" ]; then
	for m in ./memtop "$here/../memtop"; do [ -x "$m" ] && memtop=$m && break; done
fi
[ -n "$memtop" ] && [ -x "$memtop" ] || { echo "usage: $0 path/to/memtop" >&2; exit 2; }
memtop=$(cd "$(dirname "$memtop")" && pwd)/$(basename "$memtop")
if [ "${ISOLATE:-1}" = 1 ] && [ -z "${MEMTOP_BENCH_NS:-}" ] && [ "$(id -u)" = 0 ] &&
	unshare --pid --fork --mount-proc true 2>/dev/null; then
	MEMTOP_BENCH_NS=1 exec unshare --pid --fork --mount-proc "$0" "$memtop"
fi
n=${N:-1000} runs=${RUNS:-7} steady_secs=${STEADY:-20} steady_runs=${STEADY_RUNS:-5} scale=${SCALE:-10000}
big_maps=${BIG_MAPS:-60000} big_mib=${BIG_MIB:-4096}
phases=" ${PHASES:-main steady big scale} "

work=$(mktemp -d "${TMPDIR:-/tmp}/memtop-bench.XXXXXX")
spawners=()
sessions=()
cleanup() {
	for s in "${sessions[@]}"; do tmux -L "$s" kill-server 2>/dev/null; done
	for p in "${spawners[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${spawners[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for t in cc ps top; do
	command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }
done
for f in spawn cpurun procfloor; do
	cc -O2 -o "$work/$f" "$here/$f.c" || exit 2
done

# ---- workload: bench/spawn forks children and kills exactly them when told ----
# start NAME SPAWN-ARGS... : runs spawn in the background, waits until its children are ready
start() {
	local name=$1 i
	shift
	rm -f "$work/$name.pids"	# a ready from an earlier run under the same name must not count
	"$work/spawn" "$@" >"$work/$name.pids" &
	spawners+=($!)
	eval "spawner_$name=$!"
	for ((i = 0; i < 1200; i++)); do
		[ "$(head -c 5 "$work/$name.pids" 2>/dev/null)" = ready ] && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.1
	done
	echo "workload $name did not start" >&2
	exit 1
}
stop() {
	local var=spawner_$1
	kill -TERM "${!var}" 2>/dev/null
	wait "${!var}" 2>/dev/null
}
first_pid() { sed -n 2p "$work/$1.pids"; }
nprocs() { local all=(/proc/[0-9]*); echo "${#all[@]}"; }
mem_avail_mib() { awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo; }
# top up the machine to TOTAL processes with spawn's children
fill_to() {
	local name=$1 total=$2 have
	shift 2
	have=$(nprocs)
	start "$name" "$@" $((total > have + 1 ? total - have - 1 : 0))
}

# ---- measurements ----
results="$work/results"
: >"$results"
# cpurun NAME 'CMD' ... ; appends "NAME cpu_ms wall_ms rss_kib min max fails" to results
measure() {
	"$work/cpurun" -r "$runs" "$@" | tee -a "$results" |
		awk '{ printf "  %-16s cpu %8.1f ms  wall %8.1f ms  peak rss %6d KiB%s\n", $1, $2, $3, $4, $7 ? "  (" $7 " runs failed)" : "" }'
}
get() { awk -v k="$1" -v f="$2" '$1 == k { v = $f } END { print v }' "$results"; }
note() { echo "$1 $2" >>"$results"; }

# steady_once NAME CMD...: appends to $work/steady.NAME the CPU seconds the command burns
# in STEADY seconds in a 200x50 tmux pane (a tmux server of its own: other users of the
# default one cannot disturb it), or "pending" when it does not stay up
steady_once() {
	local name=$1 sess=memtop-bench-$$-$1 pid t0 t1=
	shift
	sessions+=("$sess")
	tmux -L "$sess" -f /dev/null new-session -d -s "$sess" -x 200 -y 50 "exec $*" 2>/dev/null
	sleep 1
	pid=$(tmux -L "$sess" list-panes -t "$sess" -F '#{pane_pid}' 2>/dev/null)
	if [ -n "$pid" ] && read -r t0 < <(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null); then
		sleep "$steady_secs"
		read -r t1 < <(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || t1=
	fi
	tmux -L "$sess" kill-server 2>/dev/null
	if [ -z "$t1" ]; then
		echo pending >>"$work/steady.$name"
	else
		awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f\n", (b - a) / hz }' \
			>>"$work/steady.$name"
	fi
}
# steady_note NAME: the median of its runs goes to the results
steady_note() {
	local f="$work/steady.$1" m
	if grep -q pending "$f"; then
		m=pending
	else
		m=$(sort -n "$f" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	fi
	note "$1" "$m"
	printf "  %-16s %s cpu-s in %s s (median of %s: %s)\n" "$1" "$m" "$steady_secs" \
		"$(wc -l <"$f")" "$(paste -sd' ' "$f")"
}

echo "memtop benchmark: $memtop"
echo "machine: $(nproc) cpus, $(mem_avail_mib) MiB available, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${MEMTOP_BENCH_NS:-}" ]; then
	echo "processes seen: only the benchmark's (a PID namespace of its own)"
else
	echo "processes seen: all of the machine's"
fi

if [[ $phases == *" main "* || $phases == *" steady "* ]]; then
	fill_to main "$n" -m 40 -t 16 -a 1024
	echo
	echo "== $(nprocs) processes ($(($(wc -l <"$work/main.pids") - 1)) workload children: 40 mappings, 1.6 MiB resident each)"
fi
if [[ $phases == *" main "* ]]; then
	cmds=(floor-rollup "$work/procfloor" floor-smaps "$work/procfloor smaps"
		ps-pss "ps -eo pid,rss,pss,uss,maj_flt,min_flt,oom,comm" top "top -b -n 1 -w 512"
		memtop-b "$memtop -b" memtop-bJ "$memtop -bJ"
		memtop-segs "$memtop -bJ -o pid,rss,pss,seg_heap,seg_stack,seg_anon_mmap,seg_libs"
		memtop-b-groups "$memtop -b -g comm")
	command -v smem >/dev/null && cmds+=(smem "smem -c 'pid pss uss rss'")
	measure "${cmds[@]}"
fi
if [[ $phases == *" steady "* ]] && ! command -v tmux >/dev/null; then
	echo "steady state skipped: needs tmux"
elif [[ $phases == *" steady "* ]]; then
	echo "steady state, CPU seconds in $steady_secs s at a 1 s refresh, ${steady_runs} runs each, interleaved:"
	mkdir -p "$work/htop/.config/htop"
	cp "$here/htoprc" "$work/htop/.config/htop/htoprc"
	# the tree and the groups sum PSS over every process (an idle one's reused up to 60 s)
	mkdir -p "$work/xdg-tree/memtop"
	echo 'tree = on' >"$work/xdg-tree/memtop/memtoprc"
	for ((r = 0; r < steady_runs; r++)); do
		steady_once top-steady top -d 1
		command -v htop >/dev/null && steady_once htop-steady env HOME="$work/htop" htop -d 10
		steady_once memtop-steady "$memtop" -d 1
		steady_once memtop-tree env XDG_CONFIG_HOME="$work/xdg-tree" "$memtop" -d 1
		steady_once memtop-groups "$memtop" -d 1 -g comm
		steady_once growth-steady "$memtop" -d 1 -s growth
	done
	steady_note top-steady
	command -v htop >/dev/null && steady_note htop-steady
	steady_note memtop-steady
	steady_note memtop-tree
	steady_note memtop-groups
	steady_note growth-steady
	# not the target: every row refreshed each second (the interactive view fills only the
	# visible ones), so it shows what reuse of idle processes' figures saves
	note memtop-b-steady "$("$work/cpurun" -r 1 -w 0 x "$memtop -b -n $((steady_secs + 1)) -d 1" |
		awk '{ printf "%.3f", $2 / 1000 }')"
	printf "  %-16s %s cpu-s in %s s (batch: every row, idle processes' figures reused)\n" \
		memtop-b-steady "$(get memtop-b-steady 2)" "$steady_secs"
fi
[[ $phases == *" main "* || $phases == *" steady "* ]] && stop main

if [[ $phases == *" big "* ]]; then
	echo
	start maps -m "$big_maps" -t 4 -a 0 -n bench-maps 1
	big=$(first_pid maps)
	echo "== one process with $(wc -l <"/proc/$big/maps") mappings (pid $big)"
	cmds=(cat-smaps "cat /proc/$big/smaps" memtop-m "$memtop -m -p $big"
		memtop-m-json "$memtop -m -J -p $big"
		memtop-segs-big "$memtop -bJ -p $big -o pid,rss,pss,seg_heap,seg_stack,seg_anon_mmap,seg_libs")
	measure "${cmds[@]}"
	stop maps
	if [ "$(mem_avail_mib)" -gt $((big_mib + 2048)) ]; then
		start resident -m 0 -a 0 -r "$big_mib" -n bench-resident 1
		res=$(first_pid resident)
		echo "== one process with $((big_mib / 1024)) GiB resident (pid $res; small pages)"
		measure cat-rollup-big "cat /proc/$res/smaps_rollup" memtop-b-big "$memtop -b -p $res" \
			ps-pss-big "ps -o pid,rss,pss,uss,maj_flt,min_flt,oom,comm -p $res"
		stop resident
	else
		echo "== skipped the $big_mib MiB process: only $(mem_avail_mib) MiB available"
	fi
fi

if [[ $phases == *" scale "* ]]; then
	echo
	pid_max=$(cat /proc/sys/kernel/pid_max)
	if [ "$(ulimit -u)" != unlimited ] && [ "$(ulimit -u)" -lt $((scale + 500)) ]; then
		echo "== scaling skipped: ulimit -u is $(ulimit -u), needs $((scale + 500))"
	elif [ "$pid_max" -lt $((scale * 2)) ]; then
		echo "== scaling skipped: pid_max is $pid_max, needs $((scale * 2))"
	elif [ "$(mem_avail_mib)" -lt $((scale / 2 + 1024)) ]; then
		echo "== scaling skipped: $(mem_avail_mib) MiB available, needs $((scale / 2 + 1024))"
	else
		for total in 1000 "$scale"; do
			fill_to scale "$total" -m 40 -t 4 -a 0 -n bench-tiny
			echo "== $(nprocs) small processes (40 mappings, 4 KiB touched in each)"
			measure "memtop-b-$total" "$memtop -b" "ps-pss-$total" "ps -eo pid,rss,pss,uss,maj_flt,min_flt,oom,comm"
			stop scale
		done
	fi
fi

# ---- ratios against the targets of issue 6 ----
# row WHAT A B TARGET [FIELD]: ratio of A to B (field 2: median CPU; 4: median peak RSS)
row() {
	local what=$1 a=$2 b=$3 target=$4 field=${5:-2} va vb state
	va=$(get "$a" "$field") vb=$(get "$b" "$field")
	if [ -z "$va" ] || [ -z "$vb" ] || [ "$va" = pending ] || [ "$vb" = pending ] ||
		[ "$(get "$a" 7)" -gt 0 ] 2>/dev/null || [ "$(get "$b" 7)" -gt 0 ] 2>/dev/null; then
		[ "$target" = - ] && target= || target="≤ $target"
		state=pending
		[ -z "$va" ] && [ -z "$vb" ] && state="not run"
		printf "| %s | %s | %s | %s | %s | |\n" "$what" "${va:-—}" "${vb:-—}" "$state" "$target"
		return
	fi
	awk -v w="$what" -v a="$va" -v b="$vb" -v t="$target" 'BEGIN {
		r = b > 0 ? a / b : 0
		if (t == "-")
			printf "| %s | %s | %s | %.2f | | |\n", w, a, b, r
		else
			printf "| %s | %s | %s | %.2f | ≤ %s | %s |\n", w, a, b, r, t, r <= t ? "met" : "missed" }'
}
echo
echo "| what | memtop | yardstick | ratio | target | |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
row "memtop -b CPU ms vs ps -eo pid,rss,pss,uss,maj_flt,min_flt,oom,comm" memtop-b ps-pss 1.0
row "memtop -bJ -o pid,rss,pss,seg_* CPU ms vs procfloor smaps" memtop-segs floor-smaps 1.15
row "interactive, 1 s refresh, ${steady_secs} s, cpu-s vs top -d 1" memtop-steady top-steady 0.6
row "memtop -m -p BIG CPU ms vs cat /proc/BIG/smaps ($big_maps mappings)" memtop-m cat-smaps 1.3
row "peak RSS KiB of memtop -b vs top -b -n 1" memtop-b top 1.0 4
row "memtop -b CPU ms, $scale processes vs 1000" "memtop-b-$scale" memtop-b-1000 11
echo
echo "for comparison (not targets):"
row "memtop -bJ (all but segments) CPU ms vs procfloor (rollup)" memtop-bJ floor-rollup -
row "memtop -b CPU ms vs top -b -n 1 (which reads no PSS)" memtop-b top -
row "memtop -b -n $((steady_secs + 1)) -d 1 (every row) cpu-s vs top -d 1" memtop-b-steady top-steady -
row "interactive memtop vs htop with PSS columns, cpu-s" memtop-steady htop-steady 0.2
row "interactive tree (t) vs the flat list, cpu-s" memtop-tree memtop-steady -
row "interactive groups by comm (g) vs the flat list, cpu-s" memtop-groups memtop-steady -
row "memtop -b -g comm CPU ms vs memtop -b" memtop-b-groups memtop-b -
row "interactive memtop sorted on growth (status of every process each second) vs default, cpu-s" growth-steady memtop-steady -
row "memtop -bJ -p BIG -o seg_* CPU ms vs cat /proc/BIG/smaps" memtop-segs-big cat-smaps -
row "memtop -m -J -p BIG CPU ms vs cat /proc/BIG/smaps" memtop-m-json cat-smaps -
row "memtop -b -p RESIDENT CPU ms vs cat smaps_rollup ($big_mib MiB)" memtop-b-big cat-rollup-big -
row "ps, $scale processes vs 1000" "ps-pss-$scale" ps-pss-1000 -
