#!/usr/bin/env bats
# The OpenMetrics export (issue 15): --openmetrics, --output, --listen. The documents are
# checked by three parsers that are not memtop's: tests/check-openmetrics.py (the
# specification's rules, strictly), promtool (Prometheus' own text-format linter, and its
# OpenMetrics parser through a backfill), and a real Prometheus server scraping memtop;
# figures against smaps_rollup and status of processes with known memory, and against
# node_exporter on the same host.

load lib
load hardening

CHECK_OM="$TESTS_DIR/check-openmetrics.py"

teardown() {
	stop_helpers
	stop_hogs
}

# om_check om|text FILE: the strict checker
om_check() {
	"$PY" "$CHECK_OM" "$1" "$2"
}

# om_samples FILE: the samples of an OpenMetrics document as JSON lines (checked first)
om_samples() {
	"$PY" "$CHECK_OM" om "$1" --json
}

# om_value FILE NAME [LABEL=VALUE...]: the value of the one sample with those labels
om_value() {
	local file=$1 name=$2 sel=".name == \"$2\"" kv
	shift 2
	for kv in "$@"; do
		sel="$sel and .labels.${kv%%=*} == \"${kv#*=}\""
	done
	om_samples "$file" | $JQ -r "select($sel) | .value" | head -1
}

# promtool_om FILE: Prometheus' own OpenMetrics parser reads the document (its backfill needs
# a timestamp on every sample: appended).
promtool_om() {
	command -v promtool >/dev/null || skip "no promtool (Debian package prometheus)"
	awk '/^#/ {print; next} {print $0 " 1700000000"}' "$1" >"$BATS_TEST_TMPDIR/om-ts"
	rm -rf "$BATS_TEST_TMPDIR/blocks"
	promtool tsdb create-blocks-from openmetrics "$BATS_TEST_TMPDIR/om-ts" "$BATS_TEST_TMPDIR/blocks" >/dev/null
}

# start_server ARGS...: memtop --listen 127.0.0.1:0 ARGS in the background; waits for its
# "serving" line; sets SERVER_PID, PORT and URL.
start_server() {
	local err="$BATS_TEST_TMPDIR/server.err" i
	: >"$err"
	"$MEMTOP" --listen 127.0.0.1:0 "$@" 2>"$err" &
	SERVER_PID=$!
	track_pid "$SERVER_PID"
	for ((i = 0; i < 300; i++)); do
		PORT=$(sed -n 's|^memtop: serving http://127.0.0.1:\([0-9]*\)/metrics$|\1|p' "$err")
		[ -n "$PORT" ] && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$PORT" ] || { echo "memtop --listen did not start:" >&2; cat "$err" >&2; return 1; }
	URL="http://127.0.0.1:$PORT/metrics"
}

# stop_server: SIGTERM; memtop must end with status 0 within 5 s.
stop_server() {
	local i
	kill -TERM "$SERVER_PID"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$SERVER_PID" 2>/dev/null || { echo "memtop did not stop on SIGTERM" >&2; return 1; }
	wait "$SERVER_PID"
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_hostile: processes whose names are terminal escapes, C1, bidi, invalid UTF-8, quotes
# and backslashes (as in hostile.bats); HOSTILE holds their pids.
start_hostile() {
	HOSTILE=()
	start_argv x --comm $'\e]0;x\a\e[2Jz'
	HOSTILE+=("$ARGV_PID")
	start_argv x --comm $'\xc2\x9b31m\x9b2J'
	HOSTILE+=("$ARGV_PID")
	start_argv x --comm $'a\nb"c\\d\x1c\x7f'
	HOSTILE+=("$ARGV_PID")
	start_argv x --comm $'\xe2\x80\xaegpj.exe'
	HOSTILE+=("$ARGV_PID")
	start_argv x --comm $'\xff\xc3(\xed\xa0\x80\xe2\x80'
	HOSTILE+=("$ARGV_PID")
	start_argv x --comm '(other processes)'
	HOSTILE+=("$ARGV_PID")
}

# ---- the command line ----

@test "usage errors: one line, status 2" {
	local args
	for args in "--output $BATS_TEST_TMPDIR/x" "--top 5" "--listen 9101 -n 2" "--openmetrics -J" \
		"--listen 9101 --openmetrics" "--openmetrics -S" "--openmetrics -o pid" "--openmetrics -s rss" \
		"--listen abc" "--listen ::1:80" "--listen [::1]" "--listen :80" "--listen 65536" \
		"--listen 127.0.0.1:-1" "--openmetrics --top -1" "--openmetrics --top 100001" \
		"--openmetrics --output $BATS_TEST_TMPDIR/" "--openmetrics --output="; do
		# shellcheck disable=SC2086
		run "$MEMTOP" $args
		[ "$status" -eq 2 ] || { echo "memtop $args: status $status" >&2; return 1; }
		[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == memtop:* ]] || { echo "memtop $args: $output" >&2; return 1; }
	done
}

# ---- the document ----

@test "a full machine: valid OpenMetrics (strict checker, promtool's parser), valid text format (promtool check metrics)" {
	"$MEMTOP" --openmetrics >"$BATS_TEST_TMPDIR/om"
	om_check om "$BATS_TEST_TMPDIR/om"
	promtool_om "$BATS_TEST_TMPDIR/om"
	"$MEMTOP" --openmetrics --output "$BATS_TEST_TMPDIR/m.prom"
	om_check text "$BATS_TEST_TMPDIR/m.prom"
	promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	# the families design.md names
	for f in memtop_process_{rss,pss,uss,anon,file,shmem,swap}_bytes memtop_process_oom_score \
		memtop_group_{pss,rss,uss,swap}_bytes memtop_group_processes memtop_memory_bytes \
		memtop_memory_total_bytes memtop_memory_available_bytes memtop_swap_{total,free}_bytes \
		memtop_commit_{limit,committed}_bytes memtop_oom_kills memtop_oom_next_victim_badness_bytes; do
		grep -q "^# TYPE $f " "$BATS_TEST_TMPDIR/om" || { echo "no family $f" >&2; return 1; }
	done
	if [ -r /proc/pressure/memory ]; then
		grep -q '^memtop_pressure_some_seconds_total [0-9]' "$BATS_TEST_TMPDIR/om"
	fi
}

@test "hostile process names: every parser accepts the document, labels are safe and present" {
	start_hostile
	"$MEMTOP" --openmetrics --top 100000 >"$BATS_TEST_TMPDIR/om"
	om_check om "$BATS_TEST_TMPDIR/om"
	promtool_om "$BATS_TEST_TMPDIR/om"
	"$MEMTOP" --openmetrics --top 100000 --output "$BATS_TEST_TMPDIR/m.prom"
	om_check text "$BATS_TEST_TMPDIR/m.prom"
	promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	for pid in "${HOSTILE[@]}"; do
		[ -n "$(om_value "$BATS_TEST_TMPDIR/om" memtop_process_rss_bytes pid="$pid")" ] ||
			{ echo "no series for $pid" >&2; return 1; }
	done
	# as the terminal shows them: caret notation, \xHH, \u{XXXX}; quote and backslash escaped
	grep -qF 'comm="^[]0;x^G^[[2Jz"' "$BATS_TEST_TMPDIR/om"
	grep -qF 'comm="\\u{009B}31m\\x9b2J"' "$BATS_TEST_TMPDIR/om"
	grep -qF 'comm="a^Jb\"c\\d^\\^?"' "$BATS_TEST_TMPDIR/om"
	grep -qF 'comm="\\u{202E}gpj.exe"' "$BATS_TEST_TMPDIR/om"
}

@test "a process with known memory: pss, uss, rss, anon, swap, oom score as smaps_rollup, status and oom_score say" {
	start_hog touched 64
	stop_proc "$HOG_PID"
	steady "$HOG_PID" "$MEMTOP" --openmetrics -p "$HOG_PID"
	printf '%s\n' "$out" >"$BATS_TEST_TMPDIR/om"
	om_check om "$BATS_TEST_TMPDIR/om"
	local pss uss want_pss want_uss om="$BATS_TEST_TMPDIR/om"
	want_pss=$(rollup_bytes "$HOG_PID" Pss)
	want_uss=$(($(rollup_bytes "$HOG_PID" Private_Clean) + $(rollup_bytes "$HOG_PID" Private_Dirty)))
	pss=$(om_value "$om" memtop_process_pss_bytes pid="$HOG_PID" comm=memhog)
	uss=$(om_value "$om" memtop_process_uss_bytes pid="$HOG_PID")
	# PSS and USS of shared pages move as other processes map the same files (live.bats)
	assert_le $((pss > want_pss ? pss - want_pss : want_pss - pss)) $((512 * 1024))
	assert_le $((uss > want_uss ? uss - want_uss : want_uss - uss)) $((512 * 1024))
	assert_ge "$uss" $((64 * MIB))
	[ "$(om_value "$om" memtop_process_rss_bytes pid="$HOG_PID")" -eq "$(saved_bytes "$HOG_PID" VmRSS)" ]
	[ "$(om_value "$om" memtop_process_anon_bytes pid="$HOG_PID")" -eq "$(saved_bytes "$HOG_PID" RssAnon)" ]
	[ "$(om_value "$om" memtop_process_swap_bytes pid="$HOG_PID")" -eq "$(saved_bytes "$HOG_PID" VmSwap)" ]
	[ "$(om_value "$om" memtop_process_oom_score pid="$HOG_PID")" -eq "$(saved_score "$HOG_PID")" ]
	[ "$(om_value "$om" memtop_process_pss_age_seconds pid="$HOG_PID")" = 0 ]
	[ "$(om_samples "$om" | $JQ -s '[.[] | select(.name == "memtop_process_rss_bytes")] | length')" -eq 1 ]
	kill -CONT "$HOG_PID"
}

@test "growth: a leaking process's series once there are 4 samples (-n, and a server's scrapes), its rate as memhog paces it" {
	start_hog leak 2048 4096	# 2 MiB/s of anon, paced by the clock
	local om=$BATS_TEST_TMPDIR/om g
	# one sample: no trend, no series (unknown is not 0)
	"$MEMTOP" --openmetrics -p "$HOG_PID" >"$om"
	om_check om "$om"
	[ -z "$(om_value "$om" memtop_process_growth_bytes_per_second pid="$HOG_PID")" ]
	grep -q '^# TYPE memtop_process_growth_bytes_per_second gauge$' "$om"
	# six documents half a second apart: the last has the growth, the leak flag and the time to OOM
	"$MEMTOP" --openmetrics -n 6 -d 0.5 -p "$HOG_PID" | awk '/^# EOF$/ {n++} n == 5 && !/^# EOF$/ {print} END {print "# EOF"}' >"$om"
	om_check om "$om"
	promtool_om "$om"
	g=$(om_value "$om" memtop_process_growth_bytes_per_second pid="$HOG_PID")
	echo "growth $g B/s"
	awk -v g="$g" 'BEGIN { exit !(g > 0.8 * 2097152 && g < 1.2 * 2097152) }'
	[[ "$(om_value "$om" memtop_process_leak pid="$HOG_PID")" =~ ^[01]$ ]]
	[ -n "$(om_value "$om" memtop_process_oom_eta_seconds pid="$HOG_PID")" ]
	[ -n "$(om_value "$om" memtop_headroom_growth_bytes_per_second)" ]
	# a server keeps the history between scrapes
	command -v curl >/dev/null || skip "no curl"
	start_server -d 0.3 -p "$HOG_PID"
	for _ in 1 2 3 4 5 6; do
		curl -sS -o "$om" "$URL"
		sleep 0.4
	done
	g=$(om_value "$om" memtop_process_growth_bytes_per_second pid="$HOG_PID")
	echo "served growth $g B/s"
	awk -v g="$g" 'BEGIN { exit !(g > 0.8 * 2097152 && g < 1.2 * 2097152) }'
	stop_server
}

@test "the machine: parts add up to MemTotal, each split to its part; meminfo's figures" {
	local i om="$BATS_TEST_TMPDIR/om"
	for i in 1 2 3 4 5; do
		"$MEMTOP" --openmetrics >"$om"
		om_samples "$om" >"$BATS_TEST_TMPDIR/s"
		# MemTotal and SwapTotal do not move; the others are read in the same instant
		[ "$(om_value "$om" memtop_memory_total_bytes)" = "$(meminfo_bytes MemTotal)" ]
		[ "$(om_value "$om" memtop_swap_total_bytes)" = "$(meminfo_bytes SwapTotal)" ]
		$JQ -s -e '
			def v(n): [.[] | select(.name == n) | .value] | add;
			def part(p): [.[] | select(.name == "memtop_memory_bytes" and .labels.part == p) | .value] | add;
			(v("memtop_memory_bytes") == v("memtop_memory_total_bytes")) and
			(v("memtop_memory_file_cache_bytes") == part("file_cache")) and
			(([.[] | select(.name == "memtop_memory_shmem_bytes")] | length) == 0 or
			 v("memtop_memory_shmem_bytes") == part("shmem"))' "$BATS_TEST_TMPDIR/s" >/dev/null && return 0
	done
	echo "the parts never added up:" >&2
	grep '^memtop_memory' "$om" >&2
	return 1
}

@test "groups: by user, comm and cgroup each sum the same PSS; --top bounds them, the rest is summed" {
	"$MEMTOP" --openmetrics --top 3 >"$BATS_TEST_TMPDIR/om"
	om_samples "$BATS_TEST_TMPDIR/om" >"$BATS_TEST_TMPDIR/s"
	$JQ -s -e '
		def by(k): [.[] | select(.name == "memtop_group_pss_bytes" and .labels.by == k) | .value] | add;
		def n(k): [.[] | select(.name == "memtop_group_processes" and .labels.by == k)] | length;
		by("user") == by("comm") and (n("comm") <= 4) and (n("user") <= 4) and
		([.[] | select(.name == "memtop_process_rss_bytes")] | length) == 3' "$BATS_TEST_TMPDIR/s" >/dev/null
	if grep -q 'by="cgroup"' "$BATS_TEST_TMPDIR/om"; then
		$JQ -s -e 'def by(k): [.[] | select(.name == "memtop_group_pss_bytes" and .labels.by == k) | .value] | add;
			by("cgroup") == by("user")' "$BATS_TEST_TMPDIR/s" >/dev/null
	fi
	"$MEMTOP" --openmetrics --top 0 >"$BATS_TEST_TMPDIR/om0"
	! grep -q '^memtop_process_' "$BATS_TEST_TMPDIR/om0" || false
	grep -q '^memtop_group_processes{by="user",key="(other processes)"}' "$BATS_TEST_TMPDIR/om0"
}

@test "-p: that process's series only; -p of no process: status 1" {
	"$MEMTOP" --openmetrics -p $$ >"$BATS_TEST_TMPDIR/om"
	[ "$(grep -c '^memtop_process_rss_bytes' "$BATS_TEST_TMPDIR/om")" -eq 1 ]
	grep -q "^memtop_process_rss_bytes{pid=\"$$\"" "$BATS_TEST_TMPDIR/om"
	run "$MEMTOP" --openmetrics -p 2147483647
	[ "$status" -eq 1 ]
	[ "$output" = "memtop: no process with pid 2147483647" ]
}

@test "as nobody: other users' PSS is unknown, counted per group, never a 0" {
	require_root
	as_nobody "$MEMTOP" --openmetrics --top 100000 >"$BATS_TEST_TMPDIR/om"
	om_check om "$BATS_TEST_TMPDIR/om"
	[ "$(om_value "$BATS_TEST_TMPDIR/om" memtop_group_unreadable_processes by=user key=root)" -gt 0 ]
	# root's processes have their RSS (status is readable) and no PSS sample
	om_samples "$BATS_TEST_TMPDIR/om" | $JQ -s -e '
		[.[] | select(.name == "memtop_process_rss_bytes" and .labels.user == "root")] | length > 0' >/dev/null
	om_samples "$BATS_TEST_TMPDIR/om" | $JQ -s -e '
		[.[] | select(.name == "memtop_process_pss_bytes" and .labels.user == "root")] | length == 0' >/dev/null
}

# ---- --output ----

@test "--output: written atomically: readers only ever see whole documents; no temporary file left; mode from umask" {
	local f="$BATS_TEST_TMPDIR/out/memtop.prom" om="$BATS_TEST_TMPDIR/out/memtop.om" n=0
	mkdir "$BATS_TEST_TMPDIR/out"
	(umask 027 && "$MEMTOP" --openmetrics --output "$om")
	[ "$(stat -c %a "$om")" = 640 ]
	tail -1 "$om" | grep -qx '# EOF'
	(umask 022 && "$MEMTOP" --openmetrics --output "$f" -n 15 -d 0.05) &
	local writer=$!
	while kill -0 "$writer" 2>/dev/null; do
		if [ -e "$f" ]; then
			cat "$f" >"$BATS_TEST_TMPDIR/copy" 2>/dev/null || continue	# renamed between the test and the open
			grep -q '^memtop_snapshot_timestamp_seconds ' "$BATS_TEST_TMPDIR/copy" ||
				{ echo "a reader saw half a document" >&2; return 1; }
			n=$((n + 1))
		fi
	done
	wait "$writer"
	[ "$n" -gt 0 ]
	[ "$(stat -c %a "$f")" = 644 ]
	om_check text "$f"
	! grep -q '^# EOF' "$f" || false
	[ "$(ls -A "$BATS_TEST_TMPDIR/out" | sort | tr '\n' ' ')" = "memtop.om memtop.prom " ]
}

@test "--output into a missing or unwritable directory: one line, status 1, nothing left" {
	run "$MEMTOP" --openmetrics --output "$BATS_TEST_TMPDIR/none/m.prom"
	[ "$status" -eq 1 ]
	[ "$output" = "memtop: cannot write $BATS_TEST_TMPDIR/none/m.prom: No such file or directory" ]
	[ "$(id -u)" -eq 0 ] || skip "the rest runs as nobody, through setpriv"
	mkdir -m 755 "$BATS_TEST_TMPDIR/ro"
	run as_nobody "$MEMTOP" --openmetrics --output "$BATS_TEST_TMPDIR/ro/m.prom"
	[ "$status" -eq 1 ]
	[[ "$output" == "memtop: cannot write $BATS_TEST_TMPDIR/ro/m.prom: Permission denied" ]]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/ro")" ]
}

@test "a closed pipe ends --openmetrics quietly" {
	run bash -c "'$MEMTOP' --openmetrics -n 100 -d 0.01 | head -1"
	[ "$status" -eq 0 ]
	[ "$output" = "# TYPE memtop_memory_total_bytes gauge" ]
}

# ---- --listen ----

@test "--listen: /metrics in OpenMetrics, Prometheus text when asked; 404, 405, HEAD; SIGTERM ends it with status 0" {
	command -v curl >/dev/null || skip "no curl"
	start_server
	curl -sS -D "$BATS_TEST_TMPDIR/h" -o "$BATS_TEST_TMPDIR/om" "$URL"
	grep -qi '^content-type: application/openmetrics-text; version=1.0.0; charset=utf-8' "$BATS_TEST_TMPDIR/h"
	om_check om "$BATS_TEST_TMPDIR/om"
	curl -sS -D "$BATS_TEST_TMPDIR/h" -o "$BATS_TEST_TMPDIR/text" -H 'Accept: text/plain;version=0.0.4' "$URL"
	grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$BATS_TEST_TMPDIR/h"
	om_check text "$BATS_TEST_TMPDIR/text"
	command -v promtool >/dev/null && promtool check metrics <"$BATS_TEST_TMPDIR/text"
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")" = 404 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics/x")" = 404 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL")" = 405 ]
	[ "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$URL")" = 405 ]
	curl -sS -I "$URL" >"$BATS_TEST_TMPDIR/head"
	grep -q '^HTTP/1.1 200' "$BATS_TEST_TMPDIR/head"
	# the connection is kept for the next scrape, as Prometheus keeps it
	curl -sSv -o /dev/null -o /dev/null "$URL" "$URL" 2>&1 | grep -q 'Re-using existing connection'
	stop_server
}

@test "--listen: scrapes less than -d apart share a snapshot; later ones get a new one" {
	command -v curl >/dev/null || skip "no curl"
	start_server -d 3
	curl -sS -o "$BATS_TEST_TMPDIR/a" "$URL"
	curl -sS -o "$BATS_TEST_TMPDIR/b" -H 'Accept: text/plain' "$URL"
	local ta tb tc
	ta=$(grep '^memtop_snapshot_timestamp_seconds ' "$BATS_TEST_TMPDIR/a")
	tb=$(grep '^memtop_snapshot_timestamp_seconds ' "$BATS_TEST_TMPDIR/b")
	[ "$ta" = "$tb" ]
	sleep 3.2
	curl -sS -o "$BATS_TEST_TMPDIR/c" "$URL"
	tc=$(grep '^memtop_snapshot_timestamp_seconds ' "$BATS_TEST_TMPDIR/c")
	[ "$ta" != "$tc" ]
	stop_server
}

@test "--listen survives 1,000 connections at once and malformed requests, and serves on" {
	start_server
	run "$PY" "$TESTS_DIR/http-client.py" flood "$PORT" 1000
	echo "$output"
	[ "$status" -eq 0 ]
	# every connection answered with a whole document (over the limit they wait), none refused
	[[ "$output" =~ ^ok\ ([0-9]+)\ closed\ ([0-9]+)\ other\ 0$ ]]
	[ "${BASH_REMATCH[1]}" -ge 128 ]
	run "$PY" "$TESTS_DIR/http-client.py" malformed "$PORT"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -E ' 5[0-9][0-9]$' <<<"$output" | grep -v '^http-2.0 505$' || false
	grep -qx 'long-header 431' <<<"$output"
	grep -qx 'dot-path 404' <<<"$output"
	grep -qx 'post-body 405' <<<"$output"
	kill -0 "$SERVER_PID"
	curl -sS -o "$BATS_TEST_TMPDIR/om" "$URL"
	om_check om "$BATS_TEST_TMPDIR/om"
	# its memory stays small: no connection left behind
	assert_le "$(status_bytes "$SERVER_PID" VmRSS)" $((64 * MIB))
	stop_server
}

@test "--listen: a client that stalls is dropped after 10 s; others are served meanwhile" {
	command -v curl >/dev/null || skip "no curl"
	start_server
	"$PY" "$TESTS_DIR/http-client.py" slow "$PORT" 30 >"$BATS_TEST_TMPDIR/slow" &
	local slow=$!
	sleep 1
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL")" = 200 ]
	wait "$slow"
	local t
	t=$(cat "$BATS_TEST_TMPDIR/slow")
	[ "$t" != open ]
	[ "${t%.*}" -ge 9 ] && [ "${t%.*}" -le 20 ]
	stop_server
}

@test "--listen on a port in use, or an address that is not here: one line, status 1" {
	start_server
	run "$MEMTOP" --listen "127.0.0.1:$PORT"
	[ "$status" -eq 1 ]
	[ "$output" = "memtop: cannot listen on 127.0.0.1:$PORT: Address in use" ] ||
		[[ "$output" == "memtop: cannot listen on 127.0.0.1:$PORT: "* ]]
	run "$MEMTOP" --listen 192.0.2.1:0
	[ "$status" -eq 1 ]
	[[ "$output" == "memtop: cannot listen on 192.0.2.1:0: "* ]]
	stop_server
}

@test "libmicrohttpd is loaded by --listen only: a report maps no HTTP or TLS library; without it, --listen says so" {
	! ldd "$MEMTOP" | grep -E 'libmicrohttpd|libgnutls' || false
	require_root
	local lib
	lib=$(ldconfig -p | awk '$1 == "libmicrohttpd.so.12" {print $NF; exit}')
	[ -n "$lib" ] || skip "libmicrohttpd.so.12 not in the loader's cache"
	run unshare -m sh -c 'mount --bind /dev/null "$1" && exec "$2" --listen 127.0.0.1:0' sh "$lib" "$MEMTOP"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "memtop: --listen needs libmicrohttpd.so.12 (Debian package libmicrohttpd12): "* ]]
	"$MEMTOP" --openmetrics -p $$ >/dev/null
}

# ---- a real Prometheus, and node_exporter ----

# start_prometheus TARGET_PORT: prometheus scraping 127.0.0.1:TARGET_PORT every second, with a
# config and data directory of its own and a free port; sets PROM.
start_prometheus() {
	command -v prometheus >/dev/null || skip "no prometheus (Debian package prometheus)"
	local port dir="$BATS_TEST_TMPDIR/prom" i
	port=$(free_port)
	mkdir -p "$dir/data"
	cat >"$dir/prometheus.yml" <<-EOF
		global:
		  scrape_interval: 1s
		  scrape_timeout: 1s
		scrape_configs:
		  - job_name: memtop
		    static_configs:
		      - targets: ['127.0.0.1:$1']
	EOF
	prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
		--web.listen-address="127.0.0.1:$port" >"$dir/log" 2>&1 &
	track_pid $!
	PROM="http://127.0.0.1:$port"
	for ((i = 0; i < 300; i++)); do
		curl -sf "$PROM/-/ready" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "prometheus did not become ready:" >&2
	tail -5 "$dir/log" >&2
	return 1
}

# prom_query PROMQL: the first result's value, once there is one (up to 30 s)
prom_query() {
	local i v
	for ((i = 0; i < 150; i++)); do
		v=$(curl -sf --get --data-urlencode "query=$1" "$PROM/api/v1/query" |
			$JQ -r '.data.result[0].value[1] // empty')
		[ -n "$v" ] && { echo "$v"; return 0; }
		sleep 0.2
	done
	echo "no answer to $1" >&2
	return 1
}

@test "a real Prometheus scrapes memtop --listen: PSS of a process with known memory is its smaps_rollup" {
	command -v curl >/dev/null || skip "no curl"
	start_hog touched 48
	start_hostile
	start_server --top 100000 -d 0.5
	start_prometheus "$PORT"
	local pss want
	pss=$(prom_query "memtop_process_pss_bytes{pid=\"$HOG_PID\",comm=\"memhog\"}")
	want=$(rollup_bytes "$HOG_PID" Pss)
	echo "prometheus: $pss, smaps_rollup: $want" >&2
	# the hog's private pages do not move: equal within a page or two (the stack, its reads)
	assert_le "$(( pss > want ? pss - want : want - pss ))" 65536
	[ "$pss" -ge $((48 * MIB)) ]
	# the scrape is healthy, hostile names and all: Prometheus' OpenMetrics parser took it
	curl -sf "$PROM/api/v1/targets" | $JQ -e '.data.activeTargets[0] | .health == "up" and .lastError == ""' >/dev/null
	[ "$(prom_query 'up{job="memtop"}')" = 1 ]
	for pid in "${HOSTILE[@]}"; do
		prom_query "memtop_process_rss_bytes{pid=\"$pid\"}" >/dev/null
	done
	prom_query 'count(memtop_process_pss_bytes{comm="\\u{202E}gpj.exe"})' >/dev/null
	[ "$(prom_query 'sum(memtop_memory_bytes) - sum(memtop_memory_total_bytes)')" = 0 ]
	stop_server
}

@test "node_exporter on the same host agrees: MemTotal, MemAvailable, SwapFree, Shmem" {
	command -v prometheus-node-exporter >/dev/null || skip "no node_exporter (Debian package prometheus-node-exporter)"
	command -v curl >/dev/null || skip "no curl"
	local port i ok=0 key a b lo hi m n
	port=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
		--collector.meminfo >"$BATS_TEST_TMPDIR/ne.log" 2>&1 &
	track_pid $!
	for ((i = 0; i < 100; i++)); do
		curl -sf "http://127.0.0.1:$port/metrics" >/dev/null 2>&1 && break
		sleep 0.1
	done
	for i in 1 2 3 4 5; do
		cp /proc/meminfo "$BATS_TEST_TMPDIR/before"
		"$MEMTOP" --openmetrics >"$BATS_TEST_TMPDIR/om"
		curl -sf "http://127.0.0.1:$port/metrics" >"$BATS_TEST_TMPDIR/ne"
		cp /proc/meminfo "$BATS_TEST_TMPDIR/after"
		ok=1
		for key in MemTotal:memtop_memory_total_bytes MemAvailable:memtop_memory_available_bytes \
			SwapFree:memtop_swap_free_bytes Shmem:memtop_memory_bytes; do
			if [ "${key%%:*}" = Shmem ]; then
				m=$(om_value "$BATS_TEST_TMPDIR/om" memtop_memory_bytes part=shmem)
			else
				m=$(om_value "$BATS_TEST_TMPDIR/om" "${key#*:}")
			fi
			n=$(awk -v k="node_memory_${key%%:*}_bytes" '$1 == k {printf "%.0f", $2}' "$BATS_TEST_TMPDIR/ne")
			a=$(meminfo_bytes "${key%%:*}" "$BATS_TEST_TMPDIR/before")
			b=$(meminfo_bytes "${key%%:*}" "$BATS_TEST_TMPDIR/after")
			lo=$(( a < b ? a : b )) hi=$(( a > b ? a : b ))
			# both read meminfo between the two copies: each lies within what it moved
			if [ -z "$m" ] || [ -z "$n" ] || [ "$m" -lt "$lo" ] || [ "$m" -gt "$hi" ] ||
				[ "$n" -lt "$lo" ] || [ "$n" -gt "$hi" ]; then
				echo "${key%%:*}: memtop $m, node_exporter $n, meminfo $a..$b" >&2
				ok=0
			fi
		done
		[ "$ok" -eq 1 ] && return 0
	done
	return 1
}

@test "--listen: a scrape reads smaps_rollup of the top N afresh, of idle processes not again" {
	command -v strace >/dev/null || skip "no strace"
	command -v curl >/dev/null || skip "no curl"
	local hogs=() big pid log="$BATS_TEST_TMPDIR/strace" tracer n
	for _ in 1 2 3 4 5 6; do
		start_hog touched 2
		hogs+=("$HOG_PID")
	done
	start_hog touched 32
	big=$HOG_PID
	for pid in "${hogs[@]}" "$big"; do
		stop_proc "$pid"
	done
	start_server --top 1 -d 0.2 -p "$(IFS=,; echo "${hogs[*]},$big")"
	curl -sf -o /dev/null "$URL"
	sleep 0.3
	strace -f -y -qq -e trace=openat -o "$log" -p "$SERVER_PID" &
	tracer=$!
	track_pid "$tracer"
	sleep 1	# attached to every thread
	curl -sf -o "$BATS_TEST_TMPDIR/om" "$URL"
	kill "$tracer"
	wait "$tracer" || true
	grep -q "^memtop_process_pss_bytes{pid=\"$big\"" "$BATS_TEST_TMPDIR/om"
	# the top process: read for this scrape
	grep -q "</proc/$big>, \"smaps_rollup\"" "$log" || { echo "the top process was not read:" >&2; grep rollup "$log" >&2; return 1; }
	# the stopped ones: their figures from the previous read still hold
	n=0
	for pid in "${hogs[@]}"; do
		grep -q "</proc/$pid>, \"smaps_rollup\"" "$log" && n=$((n + 1))
	done
	[ "$n" -eq 0 ] || { echo "$n idle processes walked again" >&2; return 1; }
	for pid in "${hogs[@]}" "$big"; do
		kill -CONT "$pid"
	done
	stop_server
}
