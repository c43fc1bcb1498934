#!/usr/bin/env bash
# memtop's recording budgets (issue 14), as ratios side by side. It prints and compares; it
# does not fail on a missed target (the machine is shared and noisy: read the ratios).
#
#   bench/record.sh [path/to/memtop]       (run from a built tree; default ./memtop)
#
#   size  memtop -w and atop -w record the same workload at the same time, the same number of
#         samples: bytes per process per sample (target memtop <= 0.5 x atop), on an idle
#         workload and on one where ACTIVE of the processes change their memory every second
#   cpu   CPU seconds of the recorder (memtop -w, nothing printed) against the interactive
#         view's steady cost (memtop in a tmux pane) at the same 1 s interval, over CPU_SECS
#         (default 130: two keyframes), interleaved, median of CPU_RUNS (target <= 1.0)
#   seek  bench/simrec.c simulates a recording of SIM_HOURS (24) of SIM_PROCS (1000)
#         processes at SIM_INTERVAL (10) s through memtop's recorder, SIM_ACTIVE (10) % of
#         them changing at each sample, then times seeks to 50 random moments (target
#         < 100 ms); and memtop -r FILE -b --at TIME, the whole command
#
# Environment: N=1000 processes (the machine topped up with bench/spawn's idle children),
# ACTIVE=100 of them bench/busy's, SIZE_INTERVAL=1 and SIZE_SAMPLES=240 (two keyframes) for the size run,
# WARMUP=30 seconds for the busy children to settle, CPU_SECS=130 CPU_RUNS=3,
# PHASES="size cpu seek", ISOLATE=1 (a PID namespace of its own, as
# root: every tool sees only the benchmark's processes). Needs cc, sqlite3; atop for size,
# tmux for cpu.
set -u
here=$(cd "$(dirname "$0")" && pwd)
memtop=${1:-./memtop}
[ -x "$memtop" ] || { echo "usage: $0 path/to/memtop (in a built tree)" >&2; exit 2; }
memtop=$(cd "$(dirname "$memtop")" && pwd)/$(basename "$memtop")
build=$(dirname "$memtop")
if [ "${ISOLATE:-1}" = 1 ] && [ -z "${MEMTOP_BENCH_NS:-}" ] && [ "$(id -u)" = 0 ] &&
	unshare --pid --fork --mount-proc true 2>/dev/null; then
	MEMTOP_BENCH_NS=1 exec unshare --pid --fork --mount-proc "$0" "$memtop"
fi
n=${N:-1000} active=${ACTIVE:-100}
size_interval=${SIZE_INTERVAL:-1} size_samples=${SIZE_SAMPLES:-240}
cpu_secs=${CPU_SECS:-130} cpu_runs=${CPU_RUNS:-3}
phases=" ${PHASES:-size cpu seek} "

work=$(mktemp -d "${TMPDIR:-/tmp}/memtop-bench-record.XXXXXX")
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

for f in spawn busy; do
	cc -O2 -o "$work/$f" "$here/$f.c" || exit 2
done
results=$work/results
: >"$results"
note() { echo "$1 $2" >>"$results"; }
get() { awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$results"; }
nprocs() { local all=(/proc/[0-9]*); echo "${#all[@]}"; }

# start NAME PROGRAM ARGS...: a workload in the background, until it says ready
start() {
	local name=$1 prog=$2 i
	shift 2
	"$work/$prog" "$@" >"$work/$name.pids" &
	spawners+=($!)
	for ((i = 0; i < 1200; i++)); do
		[ "$(head -c 5 "$work/$name.pids" 2>/dev/null)" = ready ] && return 0
		sleep 0.1
	done
	echo "workload $name did not start" >&2
	exit 1
}

echo "memtop recording benchmark: $memtop"
echo "machine: $(nproc) cpus, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "${MEMTOP_BENCH_NS:-}" ] && echo "processes seen: only the benchmark's (a PID namespace of its own)"

have=$(nprocs)
start idle spawn -m 40 -t 16 -a 1024 $((n > have + active + 1 ? n - have - active - 1 : 0))
echo "== $(nprocs) processes: bench/spawn's idle children (40 mappings, 1.6 MiB resident each)"

# size_run NAME: atop and memtop record the same samples of the workload as it is now
size_run() {
	local name=$1 a=$work/$1.atop m=$work/$1.db procs asize msize mprocs
	if ! command -v atop >/dev/null; then
		echo "  $name: atop not installed"
		return
	fi
	procs=$(nprocs)
	atop -w "$a" "$size_interval" "$size_samples" >/dev/null 2>&1 &
	local apid=$!
	"$memtop" -w "$m" -d "$size_interval" -n "$size_samples" 2>/dev/null
	wait "$apid"
	asize=$(stat -c %s "$a") msize=$(stat -c %s "$m")
	mprocs=$(sqlite3 "$m" "SELECT avg(processes) FROM samples")
	awk -v n="$name" -v as="$asize" -v ms="$msize" -v s="$size_samples" -v p="$procs" -v mp="$mprocs" \
		-v r="$results" 'BEGIN {
		a = as / (s * p); m = ms / (s * mp)
		printf "  %-8s %d samples of %d processes: atop %d bytes (%.1f a process-sample), memtop %d bytes (%.1f)\n",
			n, s, p, as, a, ms, m
		printf "size-atop-%s %.2f\nsize-memtop-%s %.2f\n", n, a, n, m >> r }'
	sqlite3 "$m" "SELECT '    memtop: ' || (SELECT sum(keyframe) FROM samples) || ' keyframes; by table (rows, KiB): ' ||
		(SELECT group_concat(name || ' ' || n || ' ' || k, ', ') FROM (SELECT name, sum(ncell) AS n,
		 sum(pgsize) / 1024 AS k FROM dbstat WHERE name NOT LIKE 'sqlite%' GROUP BY name ORDER BY k DESC LIMIT 6))" 2>/dev/null
}

if [[ $phases == *" size "* ]]; then
	echo "size: atop -w and memtop -w, $size_samples samples $size_interval s apart, side by side"
	size_run idle
	start busy busy -p 1000 "$active"
	sleep "${WARMUP:-30}"	# their peaks and page tables settle: the steady state
	size_run active
	kill -TERM "${spawners[-1]}"
	wait "${spawners[-1]}" 2>/dev/null
	unset 'spawners[-1]'
fi

# cpu_once NAME CMD...: CPU seconds CMD burns in CPU_SECS (after 5 s), in a tmux pane of a
# tmux server of its own (the view needs a terminal; the recorder does not mind one)
cpu_once() {
	local name=$1 sess=memtop-bench-rec-$$-$1 pid t0 t1=
	shift
	sessions+=("$sess")
	tmux -L "$sess" -f /dev/null new-session -d -s "$sess" -x 200 -y 50 "exec $*" 2>/dev/null
	sleep 5
	pid=$(tmux -L "$sess" list-panes -t "$sess" -F '#{pane_pid}' 2>/dev/null)
	if [ -n "$pid" ] && read -r t0 < <(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null); then
		sleep "$cpu_secs"
		read -r t1 < <(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || t1=
	fi
	tmux -L "$sess" kill-server 2>/dev/null
	[ -n "$t1" ] && awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f\n", (b - a) / hz }' \
		>>"$work/cpu.$name"
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if [[ $phases == *" cpu "* ]] && ! command -v tmux >/dev/null; then
	echo "cpu skipped: needs tmux"
elif [[ $phases == *" cpu "* ]]; then
	start busy busy -p 1000 "$active"
	echo "cpu: $cpu_secs s at a 1 s interval, $cpu_runs runs each, interleaved ($(nprocs) processes, $active busy)"
	for ((r = 0; r < cpu_runs; r++)); do
		rm -f "$work/cpu.db"
		cpu_once record "$memtop" -w "$work/cpu.db" -d 1
		cpu_once view "$memtop" --no-config -d 1
	done
	for k in record view; do
		note "cpu-$k" "$(median "$work/cpu.$k")"
		printf "  %-8s %s cpu-s (runs: %s)\n" "$k" "$(get "cpu-$k")" "$(paste -sd' ' "$work/cpu.$k")"
	done
	kill -TERM "${spawners[-1]}"
	wait "${spawners[-1]}" 2>/dev/null
	unset 'spawners[-1]'
fi

if [[ $phases == *" seek "* ]]; then
	hours=${SIM_HOURS:-24} sprocs=${SIM_PROCS:-1000} sint=${SIM_INTERVAL:-10} sact=${SIM_ACTIVE:-10}
	srcdir=$(cd "$here/.." && pwd)
	if cc -O2 -I"$srcdir/lib" -include "$build/config.h" -o "$work/simrec" "$here/simrec.c" "$build/lib/libmemtop.a" \
		$(pkg-config --libs sqlite3 libproc2 libpcre2-8) -lm; then
		echo "seek: a simulated recording of $hours h, $sprocs processes, every $sint s, $sact % active"
		"$work/simrec" "$work/sim.db" "$hours" "$sprocs" "$sint" "$sact" | tee "$work/sim.out" | sed 's/^/  /'
		note seek-median "$(awk '$1 == "seek" {print $3}' "$work/sim.out")"
		note seek-max "$(awk '$1 == "seek" {print $5}' "$work/sim.out")"
		note sim-bytes "$(awk '$1 == "size_bytes" {print $4}' "$work/sim.out")"
		for ((i = 0; i < 20; i++)); do
			at=$(sqlite3 "$work/sim.db" "SELECT time FROM samples ORDER BY random() LIMIT 1")
			/usr/bin/time -f %e -o "$work/t" "$memtop" -r "$work/sim.db" -b -o pid \
				--at "$(date -d "@$at" '+%Y-%m-%d %H:%M:%S.%3N')" >/dev/null
			awk '{ print $1 * 1000 }' "$work/t" >>"$work/cmd.ms"
		done
		note seek-command "$(median "$work/cmd.ms")"
		printf "  memtop -r FILE -b --at TIME (the whole command): median %s ms of 20\n" "$(get seek-command)"
	else
		echo "seek skipped: simrec did not build (run from a built tree)"
	fi
fi

ratio() {	# ratio WHAT A B TARGET
	awk -v w="$1" -v a="$2" -v b="$3" -v t="$4" 'BEGIN {
		if (a == "" || b == "" || b == 0) { printf "| %s | %s | %s | not run | %s | |\n", w, a, b, t; exit }
		r = a / b
		printf "| %s | %s | %s | %.2f | %s | %s |\n", w, a, b, r, t == "-" ? "" : "<= " t,
			t == "-" ? "" : (r <= t ? "met" : "missed") }'
}
echo
echo "| what | memtop | yardstick | ratio | target | |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
ratio "bytes per process-sample, $active of $n active, vs atop -w" "$(get size-memtop-active)" "$(get size-atop-active)" 0.5
ratio "bytes per process-sample, idle, vs atop -w" "$(get size-memtop-idle)" "$(get size-atop-idle)" 0.5
ratio "recorder CPU vs the interactive view, 1 s, ${cpu_secs} s" "$(get cpu-record)" "$(get cpu-view)" 1.0
ratio "seek in a simulated ${SIM_HOURS:-24} h recording, median ms vs 100 ms" "$(get seek-median)" 100 1.0
ratio "seek, the slowest of 50, ms vs 100 ms" "$(get seek-max)" 100 1.0
ratio "memtop -r -b --at (whole command), median ms vs 100 ms" "$(get seek-command)" 100 -
