#!/usr/bin/env bash
# The exporter's benchmark (issue 15): CPU per scrape of memtop --listen against
# prometheus-process-exporter gathering smaps, on the same workload, side by side; and
# memtop's RSS while it serves. Prints and compares; never fails on a missed target.
#
#   bench/metrics.sh [path/to/memtop]        (default: ./memtop, then ../memtop)
#
# Environment: N=1000 processes, SCRAPES=30 scrapes of each exporter, INTERVAL=2 seconds
# between scrapes (more than memtop's -d 1: each scrape takes a new snapshot), ROUNDS=3
# (the exporters take turns, each round a fresh server; medians), ISOLATE=1 as in
# compare.sh (a PID namespace of its own: both exporters see exactly the workload).
#
# CPU is the exporter process's utime + stime (all its threads) over the scrapes, from
# /proc/PID/stat, divided by the number of scrapes. Rows:
#   memtop (default):   --listen, --top 20: every process's stat and oom files each
#                       scrape, status and smaps_rollup only of processes that moved (the
#                       workload is idle) or after a minute, the top 20 afresh
#   memtop (every row): --top 100000: a series for every process, and every smaps_rollup
#                       read afresh for each scrape: the cost when every process is busy
#   process-exporter:   -gather-smaps=true (smaps_rollup of every process each scrape),
#                       every process in a group of its comm; with -threads=false (less
#                       work for it: the conservative yardstick) and with its default
set -u
here=$(cd "$(dirname "$0")" && pwd)
memtop=${1:-}
if [ -z "$memtop" ]; then
	for m in ./memtop "$here/../memtop"; do [ -x "$m" ] && memtop=$m && break; done
fi
[ -n "$memtop" ] && [ -x "$memtop" ] || { echo "usage: $0 path/to/memtop" >&2; exit 2; }
memtop=$(cd "$(dirname "$memtop")" && pwd)/$(basename "$memtop")
pe=$(command -v prometheus-process-exporter || command -v process-exporter) ||
	{ echo "needs prometheus-process-exporter (Debian package of that name)" >&2; exit 2; }
for t in cc curl; do
	command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }
done
if [ "${ISOLATE:-1}" = 1 ] && [ -z "${MEMTOP_BENCH_NS:-}" ] && [ "$(id -u)" = 0 ] &&
	unshare --pid --fork --mount-proc true 2>/dev/null; then
	MEMTOP_BENCH_NS=1 exec unshare --pid --fork --mount-proc "$0" "$memtop"
fi
n=${N:-1000} scrapes=${SCRAPES:-30} interval=${INTERVAL:-2} rounds=${ROUNDS:-3}

work=$(mktemp -d "${TMPDIR:-/tmp}/memtop-bench-metrics.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cc -O2 -o "$work/spawn" "$here/spawn.c" || exit 2
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# the workload: the machine topped up to N processes, each 40 mappings, 1.6 MiB resident
have=$(ls -d /proc/[0-9]* | wc -l)
"$work/spawn" -m 40 -t 16 -a 1024 $((n > have + 1 ? n - have - 1 : 0)) >"$work/spawn.pids" &
pids+=($!)
for ((i = 0; i < 1200; i++)); do
	[ "$(head -c 5 "$work/spawn.pids" 2>/dev/null)" = ready ] && break
	sleep 0.1
done
[ "$(head -c 5 "$work/spawn.pids" 2>/dev/null)" = ready ] || { echo "the workload did not start" >&2; exit 1; }

cat >"$work/pe.yml" <<'EOF'
process_names:
  - name: "{{.Comm}}"
    cmdline:
      - '.+'
EOF

# serve NAME PORT CMD...: starts an exporter, waits for its /metrics, scrapes it once (its
# start-up is not measured), then SCRAPES times INTERVAL apart; appends "NAME ms/scrape
# rss_kib hwm_kib bytes" to results
serve() {
	local name=$1 port=$2 pid t0 t1 i bytes
	shift 2
	"$@" >"$work/$name.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	for ((i = 0; i < 300; i++)); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break
		sleep 0.1
	done
	sleep "$interval"
	t0=$(cpu_ticks "$pid")
	for ((i = 0; i < scrapes; i++)); do
		bytes=$(curl -sf -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/metrics")
		sleep "$interval"
	done
	t1=$(cpu_ticks "$pid")
	echo "$name $(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v s="$scrapes" \
		'BEGIN { printf "%.2f", (b - a) * 1000 / hz / s }') $(status_kib "$pid" VmRSS) \
		$(status_kib "$pid" VmHWM) ${bytes:-0}" >>"$work/results"
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
}

echo "exporter benchmark: $memtop against $pe"
echo "machine: $(nproc) cpus, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(ls -d /proc/[0-9]* | wc -l) processes; $scrapes scrapes $interval s apart per run, $rounds rounds"
: >"$work/results"
for ((r = 0; r < rounds; r++)); do
	p=$(free_port)
	serve memtop "$p" "$memtop" --listen "127.0.0.1:$p"
	p=$(free_port)
	serve memtop-all "$p" "$memtop" --listen "127.0.0.1:$p" --top 100000
	p=$(free_port)
	serve pe-nothreads "$p" "$pe" -config.path "$work/pe.yml" -gather-smaps=true -threads=false \
		-web.listen-address "127.0.0.1:$p"
	p=$(free_port)
	serve pe-default "$p" "$pe" -config.path "$work/pe.yml" -gather-smaps=true -web.listen-address "127.0.0.1:$p"
	echo "  round $((r + 1)): $(awk '{ printf "%s %s ms  ", $1, $2 }' "$work/results" | tail -c 300)"
done

med() { awk -v k="$1" -v f="$2" '$1 == k { print $f }' "$work/results" | median; }
echo
echo "| what | memtop | process-exporter | ratio | target | |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
ratio_row() {
	awk -v w="$1" -v a="$2" -v b="$3" -v t="$4" 'BEGIN {
		r = b > 0 ? a / b : 0
		if (t == "-")
			printf "| %s | %s | %s | %.2f | | |\n", w, a, b, r
		else
			printf "| %s | %s | %s | %.2f | ≤ %s | %s |\n", w, a, b, r, t, r <= t ? "met" : "missed" }'
}
ratio_row "CPU ms per scrape, memtop --listen (top 20) vs process-exporter -threads=false" \
	"$(med memtop 2)" "$(med pe-nothreads 2)" 0.5
ratio_row "CPU ms per scrape, memtop --listen --top 100000 (every rollup afresh) vs the same" \
	"$(med memtop-all 2)" "$(med pe-nothreads 2)" -
ratio_row "CPU ms per scrape, memtop (top 20) vs process-exporter with its default -threads" \
	"$(med memtop 2)" "$(med pe-default 2)" -
ratio_row "RSS KiB while serving, memtop (top 20) vs process-exporter -threads=false" \
	"$(med memtop 3)" "$(med pe-nothreads 3)" -
echo
echo "memtop's peak RSS (VmHWM) while serving: $(med memtop 4) KiB (top 20), $(med memtop-all 4) KiB (every row);" \
	"document size: $(med memtop 5) bytes (top 20), $(med memtop-all 5) bytes (every row);" \
	"process-exporter's: $(med pe-nothreads 5) bytes"
