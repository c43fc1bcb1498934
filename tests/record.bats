#!/usr/bin/env bats
# Record and replay (issue 14): a replayed sample is the document memtop printed live for
# it; the recorder writes only what changed, survives kill -9 (losing at most the sample it
# was writing), ends cleanly on SIGTERM, keeps under --max-size, says when the disk is full
# and goes on; files it must not write are refused; --at, --from and --to choose samples;
# the view travels in time; the queries of doc/recording.md run and find what happened
# (a grower, a real OOM kill in a memory cgroup, a user's PSS); the systemd unit verifies.

load lib

setup() {
	: >"$BATS_TEST_TMPDIR/hogs"
	: >"$BATS_TEST_TMPDIR/recorders"
	DB=$BATS_TEST_TMPDIR/rec.db
	src=${top_srcdir:-$TESTS_DIR/..}
	SOCK=
}

teardown() {
	local pid start
	while read -r pid start; do
		still_ours "$pid" "$start" || continue
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/recorders"
	stop_hogs
	[ -z "$SOCK" ] || tmux -L "$SOCK" kill-server 2>/dev/null || true
	if [ -n "${MEMCG:-}" ] && [ -d "$MEMCG" ]; then rmdir "$MEMCG" 2>/dev/null || true; fi
	if [ -n "${FULL_DIR:-}" ]; then umount "$FULL_DIR" 2>/dev/null || true; fi
	if [ -n "${RO_DIR:-}" ]; then rm -rf "$RO_DIR"; fi
}

count() {
	sqlite3 "${2:-$DB}" "$1"
}

# wait_samples N [DB]: up to 30 s for the recording to hold N samples.
wait_samples() {
	local i
	for i in $(seq 300); do
		[ "$(count 'SELECT count(*) FROM samples' "${2:-$DB}" 2>/dev/null || echo 0)" -ge "$1" ] && return 0
		sleep 0.1
	done
	echo "the recording never held $1 samples" >&2
	return 1
}

# start_recorder ARGS...: memtop -w $DB ARGS in the background, stderr in $REC_ERR; REC_PID.
start_recorder() {
	REC_ERR=$BATS_TEST_TMPDIR/rec.err
	"$MEMTOP" -w "$DB" "$@" 2>>"$REC_ERR" &
	REC_PID=$!
	remember_pid "$BATS_TEST_TMPDIR/recorders" "$REC_PID"
}

# Prints memtop's JSON documents sorted key by key, one a line: documents compare as text.
canon() {
	jq -S -c . "$@"
}

# query NAME: the SQL of doc/recording.md's query NAME.
query() {
	awk -v n="<!-- query: $1 -->" '$0 == n {f = 1; next} f && /^```sql/ {q = 1; next}
		q && /^```/ {exit} q' "$src/doc/recording.md"
}

@test "replay equals live: every sample recorded while -bJ printed it is the same document" {
	start_hog touched 24
	"$MEMTOP" -w "$DB" -bJ -n 5 -d 0.3 >"$BATS_TEST_TMPDIR/live"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/live")" -eq 5 ]
	"$MEMTOP" -r "$DB" -bJ >"$BATS_TEST_TMPDIR/replay"
	diff <(canon "$BATS_TEST_TMPDIR/live") <(canon "$BATS_TEST_TMPDIR/replay")
	# and what was recorded is what the kernel said of a process with known memory
	anon=$(tail -1 "$BATS_TEST_TMPDIR/replay" | jq ".processes[] | select(.pid == $HOG_PID) | .mem.anon")
	[ "$anon" -ge $((24 * MIB)) ]
	[ "$anon" -eq "$(status_bytes "$HOG_PID" RssAnon)" ]
	# one sample: --at; a selection (the filter leaves out the memtop that recorded, as it
	# left itself out)
	t=$(count "SELECT time FROM samples WHERE id = 3")
	at=$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%S.%3NZ)
	diff <(sed -n 3p "$BATS_TEST_TMPDIR/live" | canon) <("$MEMTOP" -r "$DB" -bJ --at "$at" | canon)
	"$MEMTOP" -w "$BATS_TEST_TMPDIR/f.db" -bJ -n 3 -d 0.3 -f 'memhog|memtop' >"$BATS_TEST_TMPDIR/live"
	diff <(canon "$BATS_TEST_TMPDIR/live") <("$MEMTOP" -r "$BATS_TEST_TMPDIR/f.db" -bJ -f 'memhog|memtop' | canon)
	[ "$(jq "[.processes[] | select(.pid == $HOG_PID)] | length" <"$BATS_TEST_TMPDIR/live" | sort -u)" = 1 ]
}

@test "replay equals live: a process that ended and is not yet reaped (a zombie) has no trend, as live" {
	# a child that exits after 1 s under a parent that never reaps it
	bash -c 'sleep 1 & exec sleep 60' &
	parent=$!
	remember_pid "$BATS_TEST_TMPDIR/recorders" "$parent"
	child=
	for _ in $(seq 50); do
		child=$(pgrep -P "$parent" -x sleep) && break
		sleep 0.02
	done
	[ -n "$child" ]
	"$MEMTOP" -w "$DB" -bJ -n 8 -d 0.3 -p "$parent,$child" >"$BATS_TEST_TMPDIR/live"
	states=$(jq -r ".processes[] | select(.pid == $child) | .state" "$BATS_TEST_TMPDIR/live" | sort -u | tr -d '\n')
	[[ "$states" == *Z* && "$states" != Z ]] ||
		skip "the child was not seen both alive and a zombie (states: $states): the machine too slow"
	diff <(canon "$BATS_TEST_TMPDIR/live") <("$MEMTOP" -r "$DB" -bJ -p "$parent,$child" | canon)
	# a zombie has no memory: no trend live, none replayed
	[ "$(jq -c "select(.processes[] | .pid == $child and .state == \"Z\") | .processes[] | select(.pid == $child) | [.trend.samples, .trend.growth, .mem.rss]" \
		"$BATS_TEST_TMPDIR/live" | sort -u)" = "[0,null,null]" ]
}

@test "trends over a recording: a leak flagged in the replay as it was live, at any moment, in the text report too" {
	start_hog leak 4096 4096	# 4 MiB/s, paced by the clock
	trend=(--trend-window 30 --trend-min-span 3)
	"$MEMTOP" -w "$DB" -bJ -n 12 -d 0.5 "${trend[@]}" -p "$HOG_PID" >"$BATS_TEST_TMPDIR/live"
	# live: a steady rise of the memory memhog was told to take
	[ "$(tail -1 "$BATS_TEST_TMPDIR/live" | jq '.processes[0].trend.leak')" = true ]
	growth=$(tail -1 "$BATS_TEST_TMPDIR/live" | jq '.processes[0].trend.growth')
	awk -v g="$growth" 'BEGIN { exit !(g > 0.8 * 4194304 && g < 1.2 * 4194304) }'
	# the replay fits the same history on the recorder's clock: the same documents
	diff <(canon "$BATS_TEST_TMPDIR/live") <("$MEMTOP" -r "$DB" -bJ "${trend[@]}" -p "$HOG_PID" | canon)
	# one moment alone: the samples of the window before it are applied too
	t=$(count "SELECT time FROM samples WHERE id = 10")
	diff <(sed -n 10p "$BATS_TEST_TMPDIR/live" | canon) \
		<("$MEMTOP" -r "$DB" -bJ "${trend[@]}" -p "$HOG_PID" --at "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%S.%3NZ)" | canon)
	# the text report names the leak at that moment
	run "$MEMTOP" -r "$DB" -b "${trend[@]}" -p "$HOG_PID" --at "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%S.%3NZ)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Leaks:  $HOG_PID memhog +"* ]]
	# the first samples of a recording have too few before them: unknown, never 0
	[ "$("$MEMTOP" -r "$DB" -bJ -p "$HOG_PID" --at "$(date -u -d "@$(count 'SELECT time FROM samples WHERE id = 2')" +%Y-%m-%dT%H:%M:%S.%3NZ)" |
		jq '.processes[0].trend.growth')" = null ]
}

@test "replay equals live: -O and -S in JSON, the text report, and -m but for the mapping table" {
	start_hog touched 16
	"$MEMTOP" -w "$DB" -bJ -O -S -n 3 -d 0.3 >"$BATS_TEST_TMPDIR/live"
	diff <(canon "$BATS_TEST_TMPDIR/live") <("$MEMTOP" -r "$DB" -bJ -O -S | canon)
	jq -e '.oom.kill_order | length > 0' <"$BATS_TEST_TMPDIR/live" >/dev/null
	"$MEMTOP" -w "$BATS_TEST_TMPDIR/t.db" -b -n 3 -d 0.3 -o pid,user,rss,pss,uss,majflt_rate,oom,cmd >"$BATS_TEST_TMPDIR/live"
	diff "$BATS_TEST_TMPDIR/live" <("$MEMTOP" -r "$BATS_TEST_TMPDIR/t.db" -b -o pid,user,rss,pss,uss,majflt_rate,oom,cmd)
	# -m: its status figures and segments as recorded; the mapping table is not recorded
	"$MEMTOP" -w "$BATS_TEST_TMPDIR/m.db" -m -J -p "$HOG_PID" -n 2 -d 0.3 >"$BATS_TEST_TMPDIR/live"
	diff <(jq -S -c 'del(.processes[].maps)' "$BATS_TEST_TMPDIR/live") \
		<("$MEMTOP" -r "$BATS_TEST_TMPDIR/m.db" -m -J -p "$HOG_PID" | canon)
	run "$MEMTOP" -r "$BATS_TEST_TMPDIR/m.db" -m -p "$HOG_PID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"heap"* ]]
	[[ "$output" == *"Mappings: not recorded"* ]]
}

@test "a recording holds only what changed: an idle process has its keyframe row and no other" {
	start_hog touched 8
	stop_proc "$HOG_PID"
	"$MEMTOP" -w "$DB" -d 0.2 -n 8
	id=$(count "SELECT id FROM procs WHERE pid = $HOG_PID")
	count "SELECT * FROM proc_figures WHERE proc = $id"
	[ "$(count "SELECT count(*) FROM proc_figures WHERE proc = $id")" -eq 1 ]
	[ "$(count "SELECT count(*) FROM proc_info WHERE proc = $id")" -eq 1 ]
	[ "$(count "SELECT count(*) FROM samples")" -eq 8 ]
	[ "$(count "SELECT sum(keyframe) FROM samples")" -eq 1 ]
	# a keyframe holds every process: the rest hold much less
	all=$(count "SELECT count(*) FROM proc_figures WHERE sample = 1")
	[ "$all" -eq "$(count "SELECT processes FROM samples WHERE id = 1")" ]
	[ "$(count "SELECT max(n) FROM (SELECT count(*) AS n FROM proc_figures WHERE sample > 1 GROUP BY sample)")" -lt $((all / 2)) ]
	# replayed, it is there at every sample, its PSS as read at the keyframe, with its age
	"$MEMTOP" -r "$DB" -bJ -p "$HOG_PID" >"$BATS_TEST_TMPDIR/replay"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/replay")" -eq 8 ]
	[ "$(jq -s '[.[].processes[0].mem.pss] | unique | length' "$BATS_TEST_TMPDIR/replay")" -eq 1 ]
	[ "$(jq -s '.[7].processes[0].age > 1 and .[0].processes[0].age == 0' "$BATS_TEST_TMPDIR/replay")" = true ]
}

@test "--at, --from and --to choose the samples; times local, RFC 3339, relative; a span with nothing" {
	"$MEMTOP" -w "$DB" -bJ -n 4 -d 1 -p $$ >/dev/null
	for i in 1 2 3 4; do t[$i]=$(count "SELECT time FROM samples WHERE id = $i"); done
	local_t() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
	# whole seconds: the sample at or before, the ones from, to
	n=$("$MEMTOP" -r "$DB" -bJ --from "$(local_t "$(echo "${t[2]} + 1" | bc)")" | wc -l)
	[ "$n" -eq 2 ]
	n=$("$MEMTOP" -r "$DB" -bJ --to "$(date -u -d "@${t[2]}" +%Y-%m-%dT%H:%M:%S.%3NZ)" | wc -l)
	[ "$n" -eq 2 ]
	[ "$("$MEMTOP" -r "$DB" -bJ --at "$(date -d "@${t[3]}" +%Y-%m-%dT%H:%M:%S.%3N%:z)" | jq -r .time)" = \
		"$(date -u -d "@${t[3]}" +%Y-%m-%dT%H:%M:%SZ)" ]
	[ "$("$MEMTOP" -r "$DB" -bJ --from -1h | wc -l)" -eq 4 ]
	[ "$("$MEMTOP" -r "$DB" -bJ --from -1h -n 2 | wc -l)" -eq 2 ]
	[ "$("$MEMTOP" -r "$DB" -bJ -d 2 | wc -l)" -ge 2 ]
	[ "$("$MEMTOP" -r "$DB" -bJ -d 2 | wc -l)" -le 3 ]
	run "$MEMTOP" -r "$DB" -b --to -1h
	[ "$status" -eq 1 ]
	[[ "$output" == "memtop: no sample of $DB was recorded in that time (it holds "*" to "*")" ]]
	run "$MEMTOP" -r "$DB" -b --at '2001-01-01 00:00'
	[ "$status" -eq 1 ]
	[[ "$output" == *"no sample of $DB was recorded at or before 2001-01-01 00:00:00"* ]]
	run "$MEMTOP" -r "$DB" -b --at 'yesterday'
	[ "$status" -eq 2 ]
	[[ "$output" == "memtop: --at wants a time: 'YYYY-MM-DD HH:MM:SS' (local), RFC 3339, "* ]]
}

@test "-w, -r and their options: what goes together and what does not" {
	for bad in "-w $DB -r $DB" "--at now" "--from -1h" "--max-size 10M" "-r $DB --at now --from -1h" \
		"-r $DB --from -1m --to -2m" "-w $DB --max-size 100K" "-w $DB --max-size 1.5G" \
		"-w $DB -p $$ --set-oom-adj=0" "-w" "-r"; do
		# shellcheck disable=SC2086
		run "$MEMTOP" $bad
		echo "memtop $bad: $status $output"
		[ "$status" -eq 2 ]
		[[ "$output" == "memtop: "* ]]
		[ "${#lines[@]}" -eq 1 ]
	done
	[ ! -e "$DB" ]
	run "$MEMTOP" -r "$BATS_TEST_TMPDIR/none.db" -b
	[ "$status" -eq 1 ]
	[ "$output" = "memtop: cannot read $BATS_TEST_TMPDIR/none.db: No such file or directory" ]
}

@test "kill -9 of the recorder loses at most the sample it was writing; the file opens and replays" {
	start_recorder -d 0.05
	wait_samples 3
	for round in 1 2 3 4 5; do
		sleep "0.$((RANDOM % 10))"
		before=$(count "SELECT count(*) FROM samples")
		kill -9 "$REC_PID"
		wait "$REC_PID" 2>/dev/null || true
		[ "$(count "PRAGMA integrity_check")" = ok ]
		after=$(count "SELECT count(*) FROM samples")
		echo "round $round: $before samples seen before the kill, $after after"
		[ "$after" -ge "$before" ]
		[ "$("$MEMTOP" -r "$DB" -bJ | wc -l)" -eq "$after" ]
		start_recorder -d 0.05
		wait_samples $((after + 2))
	done
	kill -TERM "$REC_PID"
	wait "$REC_PID"
	[ "$(count "SELECT count(*) FROM sessions")" -eq 6 ]
	# the processes of a session killed end with its last sample
	[ "$(count "SELECT count(*) FROM procs WHERE last_sample IS NULL")" -eq 0 ]
	[ ! -s "$REC_ERR" ]
}

@test "SIGTERM, SIGINT and SIGHUP end a recorder cleanly: status 0, the WAL folded in, the file checks" {
	for sig in TERM INT HUP; do
		rm -f "$DB"
		start_recorder -d 0.1
		wait_samples 3
		kill "-$sig" "$REC_PID"
		st=0
		wait "$REC_PID" || st=$?
		[ "$st" -eq 0 ]
		[ ! -s "$DB-wal" ]
		[ "$(count "PRAGMA integrity_check")" = ok ]
		n=$(count "SELECT count(*) FROM samples")
		[ "$("$MEMTOP" -r "$DB" -b -o pid | grep -c '^ *PID')" -eq "$n" ]
	done
}

@test "a recording is read while it is being recorded" {
	start_recorder -d 0.1
	wait_samples 3
	n=$("$MEMTOP" -r "$DB" -bJ | wc -l)
	[ "$n" -ge 3 ]
	kill -0 "$REC_PID"
	wait_samples $((n + 2))
	[ "$("$MEMTOP" -r "$DB" -bJ | wc -l)" -gt "$n" ]
	kill -TERM "$REC_PID"
	wait "$REC_PID"
}

@test "files a recorder must not write are refused, and left as they were" {
	echo "my notes" >"$BATS_TEST_TMPDIR/notes"
	run "$MEMTOP" -w "$BATS_TEST_TMPDIR/notes" -n 1
	[ "$status" -eq 1 ]
	[ "$output" = "memtop: $BATS_TEST_TMPDIR/notes is not a memtop recording" ]
	[ "$(cat "$BATS_TEST_TMPDIR/notes")" = "my notes" ]
	run "$MEMTOP" -r "$BATS_TEST_TMPDIR/notes" -b
	[ "$status" -eq 1 ]
	[ "$output" = "memtop: $BATS_TEST_TMPDIR/notes is not a memtop recording" ]
	sqlite3 "$BATS_TEST_TMPDIR/other.db" "CREATE TABLE t (x)"
	run "$MEMTOP" -w "$BATS_TEST_TMPDIR/other.db" -n 1
	[ "$status" -eq 1 ]
	[ "$(count "SELECT name FROM sqlite_master" "$BATS_TEST_TMPDIR/other.db")" = t ]
	ln -s "$BATS_TEST_TMPDIR/notes" "$BATS_TEST_TMPDIR/link.db"
	run "$MEMTOP" -w "$BATS_TEST_TMPDIR/link.db" -n 1
	[ "$status" -eq 1 ]
	[ "$output" = "memtop: $BATS_TEST_TMPDIR/link.db is a symbolic link: memtop does not record through one" ]
	start_recorder -d 0.2
	wait_samples 1
	run "$MEMTOP" -w "$DB" -n 1
	[ "$status" -eq 1 ]
	[ "$output" = "memtop: $DB is being recorded by another memtop" ]
	kill -TERM "$REC_PID"
	wait "$REC_PID"
	# another schema version: said which, refused for reading and for writing
	sqlite3 "$DB" "PRAGMA user_version = 7"
	run "$MEMTOP" -r "$DB" -b
	[ "$status" -eq 1 ]
	[[ "$output" == "memtop: $DB was recorded by a newer memtop (recording schema 7; this memtop reads schema 1)"* ]]
	run "$MEMTOP" -w "$DB" -n 1
	[ "$status" -eq 1 ]
	[[ "$output" == *"(recording schema 7; this memtop writes schema 1)"* ]]
	# created readable by its owner and group only: it holds every command line
	rm -f "$DB"
	"$MEMTOP" -w "$DB" -n 1
	[ "$(stat -c %a "$DB")" = 640 ]
}

# keyframe_bytes: what one sample of this machine takes in a new recording (its processes
# vary with what else runs: other tests' hundreds of processes).
keyframe_bytes() {
	"$MEMTOP" -w "$BATS_TEST_TMPDIR/one.db" -n 1
	stat -c %s "$BATS_TEST_TMPDIR/one.db"
	rm -f "$BATS_TEST_TMPDIR/one.db"
}

@test "--max-size: the oldest samples go, the file stays under the cap, the replay starts at a keyframe" {
	# room for six keyframes, at least 1 MiB
	mib=$((($(keyframe_bytes) * 6 + MIB - 1) / MIB))
	[ "$mib" -ge 1 ] || mib=1
	start_recorder --max-size "${mib}M" -d 0.01
	for i in $(seq 1200); do
		[ "$(count "SELECT min(id) FROM samples" 2>/dev/null || echo 1)" -gt 1 ] && break
		sleep 0.1
	done
	wait_samples 1
	n=$(count "SELECT max(id) FROM samples")
	wait_samples 1 && for i in $(seq 300); do [ "$(count "SELECT max(id) FROM samples")" -ge $((n + 130)) ] && break; sleep 0.1; done
	kill -TERM "$REC_PID"
	wait "$REC_PID"
	size=$(stat -c %s "$DB")
	echo "cap ${mib} MiB; file: $size bytes; samples $(count "SELECT min(id), max(id), count(*) FROM samples")"
	cat "$REC_ERR"
	[ "$size" -le $((mib * MIB)) ]
	[ "$(count "SELECT min(id) FROM samples")" -gt 1 ]
	[ "$(count "SELECT keyframe FROM samples WHERE id = (SELECT min(id) FROM samples)")" -eq 1 ]
	[ "$(count "SELECT count(*) FROM proc_figures WHERE sample < (SELECT min(id) FROM samples)")" -eq 0 ]
	[ "$(count "SELECT count(*) FROM cmdlines WHERE id NOT IN (SELECT cmdline FROM proc_info)")" -eq 0 ]
	[ "$(count "PRAGMA integrity_check")" = ok ]
	n=$(count "SELECT count(*) FROM samples")
	[ "$("$MEMTOP" -r "$DB" -bJ | wc -l)" -eq "$n" ]
	# the first sample kept has no rates (its sample before is gone), the next ones do
	"$MEMTOP" -r "$DB" -bJ -n 2 >"$BATS_TEST_TMPDIR/replay"
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/replay" | jq '.system.faults.pgfault_rate')" = null ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/replay" | jq '.system.faults.pgfault_rate != null')" = true ]
	[ ! -s "$REC_ERR" ]
}

@test "a full disk: said once, the recording goes on when there is room again, the file stays readable" {
	[ "$(id -u)" -eq 0 ] || skip "mounting a small tmpfs needs root"
	# room for about three samples of this machine once the filler is in
	kf=$(keyframe_bytes)
	FULL_DIR=$BATS_TEST_TMPDIR/full
	mkdir -p "$FULL_DIR"
	mount -t tmpfs -o size=$((kf * 8 / 1024 + 1024))k tmpfs "$FULL_DIR" || skip "cannot mount a tmpfs here"
	DB=$FULL_DIR/rec.db
	dd if=/dev/zero of="$FULL_DIR/filler" bs=1k count=$((kf * 5 / 1024)) 2>/dev/null
	start_recorder -d 0.02
	for i in $(seq 600); do grep -q "disk is full" "$REC_ERR" 2>/dev/null && break; sleep 0.05; done
	grep -q "disk is full" "$REC_ERR"
	kill -0 "$REC_PID"
	full=$(count "SELECT count(*) FROM samples")
	[ "$(count "PRAGMA integrity_check")" = ok ]
	[ "$("$MEMTOP" -r "$DB" -bJ | wc -l)" -eq "$full" ]
	rm "$FULL_DIR/filler"
	for i in $(seq 600); do grep -q "recording again" "$REC_ERR" && break; sleep 0.05; done
	cat "$REC_ERR"
	[ "$(grep -c "disk is full" "$REC_ERR")" -eq 1 ]
	grep -Eq "^memtop: recording again: [0-9]+ samples? could not be written$" "$REC_ERR"
	grep -q "^memtop: cannot write to $DB: the disk is full: samples are not recorded until it works again (the recording so far is intact)$" "$REC_ERR"
	wait_samples $((full + 3))
	kill -TERM "$REC_PID"
	wait "$REC_PID"
	[ "$(count "PRAGMA integrity_check")" = ok ]
	[ "$(count "SELECT count(*) FROM sessions")" -ge 2 ]
	[ "$("$MEMTOP" -r "$DB" -bJ | wc -l)" -eq "$(count "SELECT count(*) FROM samples")" ]
}

@test "a reader who may not write beside a finished recording reads it" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
	# (the test's own directory is not nobody's to enter)
	RO_DIR=$(mktemp -d /tmp/memtop-record-ro.XXXXXX)
	dir=$RO_DIR
	chmod 755 "$dir"
	"$MEMTOP" -w "$dir/rec.db" -n 3 -d 0.1
	chmod 644 "$dir/rec.db"
	[ ! -e "$dir/rec.db-wal" ]
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$MEMTOP" -r "$dir/rec.db" -bJ
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ ! -e "$dir/rec.db-shm" ]
}

@test "the query for the top growers of the last hour finds the one that grew" {
	QUIET_OUT=$BATS_TEST_TMPDIR/quiet
	"$HELPERS/memhog" quiet forkshare 64 >"$QUIET_OUT" &
	HOG_PID=$!
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$HOG_PID"
	for i in $(seq 300); do grep -qx ready "$QUIET_OUT" && break; sleep 0.1; done
	start_recorder -bJ -d 0.3 -n 8 -p "$HOG_PID"
	wait_samples 3
	kill -USR1 "$HOG_PID"
	wait "$REC_PID"
	query growers | sqlite3 -separator ' ' "$DB" >"$BATS_TEST_TMPDIR/out"
	cat "$BATS_TEST_TMPDIR/out"
	growth=$(awk -v p="$HOG_PID" '$1 == p {print $NF}' "$BATS_TEST_TMPDIR/out")
	# its PSS went from half of the 64 MiB it shares with a child to all of them
	assert_ge "$growth" $((28 * MIB))
	assert_le "$growth" $((36 * MIB))
}

# make_memcg MIB: a memory cgroup of our own under this test's, limited to MIB without swap;
# its directory in MEMCG. False when this machine does not let us make one.
make_memcg() {
	local line path
	[ "$(id -u)" -eq 0 ] || return 1
	if line=$(grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/self/cgroup); then
		path=${line#*:*:}
		MEMCG=/sys/fs/cgroup/memory${path%/}/memtop-test-$$
		mkdir "$MEMCG" 2>/dev/null || return 1
		echo $(($1 * MIB)) >"$MEMCG/memory.limit_in_bytes" || return 1
		if [ -e "$MEMCG/memory.memsw.limit_in_bytes" ]; then
			echo $(($1 * MIB)) >"$MEMCG/memory.memsw.limit_in_bytes" || return 1
		fi
	else
		path=$(sed -n 's/^0:://p' /proc/self/cgroup)
		MEMCG=/sys/fs/cgroup${path%/}/memtop-test-$$
		mkdir "$MEMCG" 2>/dev/null || return 1
		echo $(($1 * MIB)) >"$MEMCG/memory.max" 2>/dev/null || return 1
		echo 0 >"$MEMCG/memory.swap.max" 2>/dev/null || true
	fi
}

# memcg_hog MIB: memhog touched MIB, in $MEMCG from its first byte; HOG_PID.
memcg_hog() {
	local fifo="$BATS_TEST_TMPDIR/hog.$RANDOM"
	mkfifo "$fifo"
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" touched "$3"' _ "$MEMCG" "$HELPERS/memhog" "$1" >"$fifo" &
	HOG_PID=$!
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$HOG_PID"
	exec 7<"$fifo"
}

@test "the query for who was biggest before each OOM kill finds a real one (a memory cgroup's)" {
	make_memcg 64 || skip "cannot make a memory cgroup with a limit here"
	start_recorder -d 0.2
	wait_samples 2
	memcg_hog 40
	read -r -t 30 line <&7
	[ "$line" = ready ]
	first=$HOG_PID
	n=$(count "SELECT count(*) FROM samples")
	wait_samples $((n + 3))
	[ "$(count "SELECT count(*) FROM procs WHERE pid = $first")" -eq 1 ]
	kills=$(awk '$1 == "oom_kill" {print $2}' /proc/vmstat)
	# a second one: 80 MiB do not fit in 64; the kernel kills the biggest there, the first
	memcg_hog 40
	for i in $(seq 100); do [ "$(awk '$1 == "oom_kill" {print $2}' /proc/vmstat)" -gt "$kills" ] && break; sleep 0.1; done
	[ "$(awk '$1 == "oom_kill" {print $2}' /proc/vmstat)" -gt "$kills" ] || skip "no OOM kill came"
	n=$(count "SELECT count(*) FROM samples")
	wait_samples $((n + 3))
	kill -TERM "$REC_PID"
	wait "$REC_PID"
	query oom | sqlite3 -separator '|' "$DB" >"$BATS_TEST_TMPDIR/out"
	cat "$BATS_TEST_TMPDIR/out"
	grep -Eq "^[0-9-]+ [0-9:]+\|[0-9]+\|([^|]*, )?$first memhog(, [^|]*)?\|[0-9]+\|[^|]+\|[0-9]+$" "$BATS_TEST_TMPDIR/out"
	# the cgroup counted it too
	[ "$(count "SELECT max(f.oom_kills) FROM cgroup_figures f JOIN cgroup_paths c ON c.id = f.cgroup
		WHERE c.path LIKE '%/memtop-test-$$'")" -ge 1 ]
}

@test "the queries for a user's PSS over time: at keyframes, and at each sample as memtop sums it" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run a process as nobody"
	local fifo="$BATS_TEST_TMPDIR/nobody"
	mkfifo "$fifo"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$HELPERS/memhog" touched 16 >"$fifo" &
	HOG_PID=$!
	remember_pid "$BATS_TEST_TMPDIR/hogs" "$HOG_PID"
	await_ready "$fifo" "memhog as nobody"
	"$MEMTOP" -w "$DB" -bJ -n 4 -d 0.3 -u nobody >/dev/null
	query user-keyframes | sed "s/'root'/'nobody'/" | sqlite3 -separator ' ' "$DB" >"$BATS_TEST_TMPDIR/out"
	cat "$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 1 ]
	assert_ge "$(awk '{print $3}' "$BATS_TEST_TMPDIR/out")" $((16 * MIB))
	query user-samples | sed "s/'root'/'nobody'/" | sqlite3 -separator ' ' "$DB" | awk '{print $3}' >"$BATS_TEST_TMPDIR/sql"
	"$MEMTOP" -r "$DB" -bJ -u nobody | jq '[.processes[].mem.pss // 0] | add' >"$BATS_TEST_TMPDIR/memtop"
	paste "$BATS_TEST_TMPDIR/sql" "$BATS_TEST_TMPDIR/memtop"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/sql")" -eq 4 ]
	diff "$BATS_TEST_TMPDIR/sql" "$BATS_TEST_TMPDIR/memtop"
}

tx() {
	tmux -L "$SOCK" "$@"
}

# screen_wait ERE: up to 10 s for the pane to show a match.
screen_wait() {
	local i
	for i in $(seq 100); do
		tx capture-pane -p | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	echo "the screen never showed '$1':" >&2
	tx capture-pane -p >&2
	return 1
}

@test "the view replays: the recorded time in the header, [ and ] step, b goes to a time, k refused" {
	command -v tmux >/dev/null || skip "tmux not installed"
	start_hog touched 12
	"$MEMTOP" -w "$DB" -bJ -n 4 -d 0.4 >/dev/null
	for i in 1 2 3 4; do t[$i]=$(date -d "@$(count "SELECT time FROM samples WHERE id = $i")" '+%Y-%m-%d %H:%M:%S'); done
	at2=$(date -d "@$(count "SELECT time FROM samples WHERE id = 2")" '+%Y-%m-%d %H:%M:%S.%3N')
	SOCK=memtop-rec-$$-$BATS_TEST_NUMBER
	tx -f /dev/null new-session -d -x 160 -y 40 "env LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$BATS_TEST_TMPDIR $MEMTOP -r $DB; sleep 30"
	screen_wait "recorded ${t[1]} .*sample 1 of 4"
	screen_wait "memhog touched 12"
	tx send-keys ']'
	screen_wait "recorded ${t[2]} .*sample 2 of 4"
	tx send-keys ']' ']' ']'
	screen_wait "sample 4 of 4"
	screen_wait "last sample recorded"
	tx send-keys 'b' C-u "$at2" Enter
	screen_wait "recorded ${t[2]} .*sample 2 of 4"
	tx send-keys '['
	screen_wait "sample 1 of 4"
	tx send-keys 'k'
	screen_wait "this is a recording: k signals live processes only"
	tx send-keys 'O'
	screen_wait "OOM kill order"
	tx send-keys Escape '?'
	screen_wait "a recording \(-r\): one sample back, forward"
	tx send-keys q q
	tx kill-server
	# on the machine, the keys say what they are for
	tx -f /dev/null new-session -d -x 160 -y 40 "env LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$BATS_TEST_TMPDIR $MEMTOP; sleep 30"
	screen_wait "every 1s"
	tx send-keys '['
	screen_wait "travel in time in a recording: memtop -r FILE"
}

@test "the example systemd unit verifies" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed"
	unit=$BATS_TEST_TMPDIR/memtop-record.service
	sed "s|/usr/local/bin/memtop|$MEMTOP|" "$src/contrib/memtop-record.service" >"$unit"
	run systemd-analyze verify --man=no "$unit"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q -- "--write=/var/lib/memtop/memtop.db" "$unit"
}
