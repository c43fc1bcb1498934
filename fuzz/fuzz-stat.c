/* libFuzzer target for the /proc/PID/stat parser: pidstat_parse() (every process, every
 * refresh, and the pid-reuse checks before a write or a signal), and procdir_parse_stat(),
 * which keeps what a write through a /proc/PID handle checks. stat is where a hostile comm
 * meets a field parser: comm may hold ')', spaces, newlines and "fake) R 1 2" (Qualys 0072).
 *
 * Each input is used twice. As a whole stat text: no read past it, and the two entry
 * points accept the same texts and agree on what they share. And as the parts of a line
 * the kernel could have written (start time, state, flags from the first bytes, the rest as
 * comm): both must accept that line and give back exactly those values and that comm.
 *
 *   fuzz/run stat */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidstat.h"
#include "procdir.h"

#define FUZZ_COMM_MAX 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_stat_raw(const char *buf, size_t len)
{
	struct procdir_stat st;
	struct pidstat ps;
	int a = procdir_parse_stat(buf, len, &st), c = pidstat_parse(buf, len, &ps);

	if (a != c)
		abort();
	if (c != 0)
		return;
	if (ps.pid <= 0 || ps.ppid < 0 || ps.comm < buf || ps.comm + ps.comm_len > buf + len ||
	    ps.comm[ps.comm_len] != ')' || ps.comm[-1] != '(')
		abort();
	if (strlen(st.comm) >= PROCDIR_COMM_MAX || st.state == ' ' || st.state == '\n' ||
	    ps.state != st.state || ps.flags != st.flags || ps.start_ticks != st.start_ticks)
		abort();
}

static uint64_t fuzz_stat_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* The line the kernel prints (fs/proc/array.c do_task_stat), 52 fields. */
static int fuzz_stat_line(char *out, size_t n, const char *comm, size_t comm_len, char state,
			  unsigned long flags, uint64_t start)
{
	return snprintf(out, n,
			"4242 (%.*s) %c 1 4242 4242 0 -1 %lu 120 0 3 0 5 7 0 0 20 0 1 0 %llu "
			"4399112192 900 18446744073709551615 94000000000000 94000000100000 "
			"140730000000000 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94000000200000 "
			"94000000300000 94000000400000 140730000001000 140730000001100 "
			"140730000001100 140730000001200 0\n",
			(int)comm_len, comm, state, flags, (unsigned long long)start);
}

static void fuzz_stat_generated(const uint8_t *data, size_t size)
{
	static const char states[] = "RSDZTtXxIKWPL";
	char line[FUZZ_COMM_MAX + 1024], comm[FUZZ_COMM_MAX], want[PROCDIR_COMM_MAX];
	struct procdir_stat st;
	struct pidstat ps;
	size_t comm_len, i;
	unsigned long flags;
	uint64_t start;
	char state;
	int n;

	if (size < 13)
		return;
	/* ticks since boot: far below 2^63 */
	start = fuzz_stat_u64(data) >> 1;
	state = states[data[8] % (sizeof states - 1)];
	flags = (unsigned long)data[9] << 24 | (unsigned long)data[10] << 16 | data[11] << 8 | data[12];
	comm_len = size - 13 < sizeof comm ? size - 13 : sizeof comm;
	memcpy(comm, data + 13, comm_len);
	for (i = 0; i < comm_len; i++)	/* the kernel's comm never holds NUL */
		if (comm[i] == '\0')
			comm[i] = '@';
	n = fuzz_stat_line(line, sizeof line, comm, comm_len, state, flags, start);
	if (n < 0 || (size_t)n >= sizeof line)
		abort();
	if (procdir_parse_stat(line, n, &st) != 0 || pidstat_parse(line, n, &ps) != 0)
		abort();
	if (st.state != state || st.flags != flags || st.start_ticks != start)
		abort();
	if (ps.pid != 4242 || ps.ppid != 1 || ps.state != state || ps.flags != flags ||
	    ps.minflt != 120 || ps.majflt != 3 || ps.nlwp != 1 || ps.start_ticks != start ||
	    ps.vsize != 4399112192u || ps.rss_pages != 900 || ps.comm_len != comm_len ||
	    memcmp(ps.comm, comm, comm_len) != 0)
		abort();
	i = comm_len < sizeof want - 1 ? comm_len : sizeof want - 1;
	memcpy(want, comm, i);
	want[i] = '\0';
	if (strcmp(st.comm, want) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_stat_raw((const char *)data, size);
	fuzz_stat_generated(data, size);
	return 0;
}
