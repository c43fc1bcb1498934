/* The OpenMetrics renderer: label values (fixed cases, and a property test over random
 * hostile bytes), content negotiation, and a whole document from a made-up snapshot: its
 * shape in both formats, groups (alike keys merged, the rest summed, sums preserved),
 * per-process series, the machine's parts adding up. */
#include <stdlib.h>
#include <string.h>

#include "openmetrics.h"
#include "sysmem.h"
#include "tap.h"
#include "utf8.h"

#define MIB (1024ull * 1024)

static const char *label(const char *s, size_t n)
{
	static char buf[OPENMETRICS_LABEL_MAX(64)];

	openmetrics_label(buf, sizeof buf, s, n);
	return buf;
}

static void test_label_cases(void)
{
	char small[8];

	is_str(label("bash", 4), "bash", "label: plain text kept");
	is_str(label("a\"b\\c", 5), "a\\\"b\\\\c", "label: quote and backslash escaped for the exposition");
	is_str(label("a\nb\r", 4), "a^Jb^M", "label: newline and CR in caret notation, never raw");
	is_str(label("\x1b[31m\x7f", 6), "^[[31m^?", "label: ESC and DEL in caret notation");
	is_str(label("\xff" "x", 2), "\\\\xffx", "label: an invalid byte as \\xff (its backslash escaped)");
	is_str(label("\xc2\x9b" "2J", 4), "\\\\u{009B}2J", "label: C1 CSI as \\u{009B}");
	is_str(label("evil\xe2\x80\xaetxt", 10), "evil\\\\u{202E}txt", "label: bidi override as \\u{202E}");
	is_str(label("\xf3\xa0\x80\x81", 4), "\\\\u{E0001}", "label: tag characters as \\u{E0001}");
	is_str(label("\xef\xbf\xbe", 3), "\\\\u{FFFE}", "label: a noncharacter escaped");
	is_str(label("caf\xc3\xa9 \xe6\x97\xa5", 9), "caf\xc3\xa9 \xe6\x97\xa5", "label: printable UTF-8 kept");
	is_str(label("a\0b", 3), "a^@b", "label: NUL in caret notation");
	is_str(label("\x1c", 1), "^\\\\", "label: 0x1c is ^\\, its backslash escaped");
	openmetrics_label(small, sizeof small, "abc\xff", 4);
	is_str(small, "abc", "label: a unit that does not fit is left out whole");
	openmetrics_label(small, sizeof small, "\xe2\x80\xae", 3);
	is_str(small, "", "label: ... an escape too");
}

/* The exposition must hold: valid UTF-8, no control byte, every backslash starting \\ or \"
 * (memtop never writes \n), every quote escaped; decoded, no C1, invisible or bidi code point. */
static bool label_safe(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(u + i, len - i, &cp);

		if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || utf8_is_invisible(cp))
			return false;
		if (cp == '"')
			return false;	/* a quote outside an escape would end the value */
		if (cp == '\\') {
			if (i + 1 >= len || (s[i + 1] != '\\' && s[i + 1] != '"'))
				return false;
			n = 2;
		}
		i += n;
	}
	return true;
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* Random names made of hostile pieces and random bytes. */
static size_t hostile_name(char *buf, size_t cap)
{
	static const char *const pieces[] = { "\x1b]0;x\a", "\xc2\x9b", "\x9b", "\xe2\x80\xae", "\xe2\x80\x8b",
					      "\xef\xbb\xbf", "\"", "\\", "\n", "\r", "\x7f", "\xff", "\xc3",
					      "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\xf3\xa0\x80\x81",
					      "a", "Z", "_", " ", "/", "\xc3\xa9", "\xe6\x97\xa5", "\xef\xbf\xbf" };
	size_t n = 0, parts = rnd() % 12;

	for (size_t i = 0; i < parts; i++) {
		const char *p;
		char b;
		size_t len;

		if (rnd() % 3 == 0) {
			b = (char)(rnd() & 0xff);
			p = &b;
			len = 1;
		} else {
			p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
			len = strlen(p);
			if (len == 0)
				len = 1;
		}
		if (n + len > cap)
			break;
		memcpy(buf + n, p, len);
		n += len;
	}
	return n;
}

static void test_label_property(void)
{
	char in[64], out[OPENMETRICS_LABEL_MAX(64)];
	int bad = 0, longer = 0, changed = 0;

	for (int i = 0; i < 200000; i++) {
		size_t n = hostile_name(in, sizeof in), len = openmetrics_label(out, sizeof out, in, n);
		bool plain = true;

		if (len != strlen(out) || !label_safe(out, len))
			bad++;
		if (len > 5 * n)
			longer++;
		for (size_t k = 0; k < n; k++)
			plain = plain && in[k] >= 0x20 && in[k] < 0x7f && in[k] != '"' && in[k] != '\\';
		if (plain && (len != n || memcmp(in, out, n) != 0))
			changed++;
	}
	is_int(bad, 0, "property: 200,000 hostile names give safe, valid label values");
	is_int(longer, 0, "property: a value is at most 5 bytes per byte (OPENMETRICS_LABEL_MAX)");
	is_int(changed, 0, "property: printable ASCII without quote or backslash is kept as it is");
}

static void test_negotiate(void)
{
	const char *prom = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
			   "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

	is_int(openmetrics_negotiate(NULL), OPENMETRICS_OM, "negotiate: no Accept: OpenMetrics");
	is_int(openmetrics_negotiate("  "), OPENMETRICS_OM, "negotiate: an empty Accept: OpenMetrics");
	is_int(openmetrics_negotiate(prom), OPENMETRICS_OM, "negotiate: Prometheus 2.42's header: OpenMetrics");
	is_int(openmetrics_negotiate("*/*"), OPENMETRICS_OM, "negotiate: */* (curl): OpenMetrics");
	is_int(openmetrics_negotiate("text/plain;version=0.0.4;q=1,*/*;q=0.1"), OPENMETRICS_TEXT,
	       "negotiate: text/plain 0.0.4 asked for: text");
	is_int(openmetrics_negotiate("text/plain"), OPENMETRICS_TEXT, "negotiate: text/plain alone: text");
	is_int(openmetrics_negotiate("application/openmetrics-text;version=0.0.1"), OPENMETRICS_TEXT,
	       "negotiate: another OpenMetrics version only: text");
	is_int(openmetrics_negotiate("application/openmetrics-text; q=0.5, text/plain; q=0.9"), OPENMETRICS_TEXT,
	       "negotiate: text preferred by q: text");
	is_int(openmetrics_negotiate("Application/OpenMetrics-Text; Version=\"1.0.0\"; q=0.8, text/plain; q=0.8"),
	       OPENMETRICS_OM, "negotiate: a tie (quoted version, any case): OpenMetrics");
	is_int(openmetrics_negotiate("application/openmetrics-text;q=0, */*"), OPENMETRICS_TEXT,
	       "negotiate: OpenMetrics refused (q=0): text");
	is_int(openmetrics_negotiate("text/plain;q=0, */*"), OPENMETRICS_OM, "negotiate: text refused: OpenMetrics");
	is_int(openmetrics_negotiate("application/*;q=0.3, text/*;q=0.2"), OPENMETRICS_OM,
	       "negotiate: by major type wildcards");
	is_int(openmetrics_negotiate("text/plain;q=2, application/openmetrics-text;q=0.1"), OPENMETRICS_OM,
	       "negotiate: a malformed q leaves its range out");
	is_int(openmetrics_negotiate(";;;,,,=;q=;"), OPENMETRICS_TEXT, "negotiate: garbage accepts no OpenMetrics: text");
}

/* ---- a whole document ---- */

static struct proc *mkproc(int pid, const char *user, const char *comm, uint64_t pss_mib, enum vstate pss_st)
{
	struct proc *p = calloc(1, sizeof *p);

	p->pid = pid;
	p->user = (char *)user;
	p->comm = (char *)comm;
	p->selected = true;
	p->cgroup = -1;
	p->state = 'S';
	for (int f = FLD_VIRT; f <= FLD_SWAP; f++)
		p->f[f] = (struct fval){ .u = (pss_mib + 1) * MIB, .st = V_KNOWN };
	p->f[FLD_PSS] = (struct fval){ .u = pss_mib * MIB, .st = pss_st };
	p->f[FLD_USS] = (struct fval){ .u = pss_mib * MIB / 2, .st = pss_st };
	p->f[FLD_OOM] = (struct fval){ .i = 666, .st = V_KNOWN };
	return p;
}

static void set_mem(struct system *sys, enum sys_id id, uint64_t mib)
{
	sys->mem[id] = (struct fval){ .u = mib * MIB, .st = V_KNOWN };
}

static char *render(const struct snapshot *snap, enum openmetrics_format f, size_t top)
{
	const struct proc **rows = calloc(snap->nprocs, sizeof *rows);
	size_t n = openmetrics_top(snap, top, rows), len;
	char *buf;
	FILE *out = open_memstream(&buf, &len);

	ok(openmetrics_write(out, snap, rows, n, &(struct openmetrics_opts){ f, top }) == 0, "document: written");
	fclose(out);
	free(rows);
	return buf;
}

/* The sum of the samples of a family whose line starts with prefix. */
static double sum_of(const char *doc, const char *prefix)
{
	double s = 0;
	size_t n = strlen(prefix);

	for (const char *l = doc; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *end = strchr(l, '\n'), *v = end;

		if (strncmp(l, prefix, n) != 0 || !end)
			continue;
		while (v > l && v[-1] != ' ')	/* the value: after the last space (a key may hold one) */
			v--;
		s += strtod(v, NULL);
	}
	return s;
}

static int count_of(const char *doc, const char *prefix)
{
	int c = 0;
	size_t n = strlen(prefix);

	for (const char *l = doc; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		c += strncmp(l, prefix, n) == 0;
	return c;
}

static void test_document(void)
{
	struct proc *p[7] = {
		mkproc(10, "root", "postgres", 300, V_KNOWN),
		mkproc(11, "root", "a\x01", 10, V_KNOWN),
		mkproc(12, "alice", "a^A", 20, V_KNOWN),	/* encodes like pid 11's name */
		mkproc(13, "alice", "vim\xe2\x80\xae", 50, V_KNOWN),
		mkproc(14, "bob", "secret", 0, V_UNKNOWN),	/* another user's: PSS unreadable */
		mkproc(15, "root", "kworker/0:1", 0, V_NA),
		mkproc(16, "root", "(other processes)", 1, V_KNOWN),	/* can never be a comm; still */
	};
	struct snapshot snap = { .procs = (const struct proc **)p, .nprocs = 7, .all = (const struct proc **)p,
				 .ntotal = 7, .complete = true, .wall = { 1700000000, 250000000 } };
	struct sysmem sm;
	char *doc, *text;

	p[5]->kernel_thread = true;
	for (int f = FLD_VIRT; f < FLD_COUNT; f++)
		p[5]->f[f].st = V_NA;
	set_mem(&snap.sys, SYS_MEM_TOTAL, 1024);
	set_mem(&snap.sys, SYS_MEM_FREE, 500);
	set_mem(&snap.sys, SYS_MEM_AVAILABLE, 700);
	set_mem(&snap.sys, SYS_CACHED, 200);
	set_mem(&snap.sys, SYS_SHMEM, 20);
	set_mem(&snap.sys, SYS_ANON_PAGES, 150);
	set_mem(&snap.sys, SYS_MAPPED, 30);
	for (enum sys_id id = SYS_BUFFERS; id <= SYS_VMALLOC_USED; id++) {
		if (snap.sys.mem[id].st != V_KNOWN)
			set_mem(&snap.sys, id, id == SYS_HUGE_SIZE ? 2 : 0);
	}
	snap.sys.pressure = (struct psi){ .known = true, .has_full = true, .some = { .total_us = 1500000 },
					  .full = { .total_us = 42 } };
	snap.sys.count[SYSC_OOM_KILL] = (struct fval){ .u = 3, .st = V_KNOWN };
	sysmem_compute(&snap, &sm);
	snap.mem = &sm;

	doc = render(&snap, OPENMETRICS_OM, 2);
	ok(strlen(doc) > 7 && strcmp(doc + strlen(doc) - 6, "# EOF\n") == 0, "om: ends with # EOF");
	ok(strstr(doc, "# TYPE memtop_process_pss_bytes gauge\n# UNIT memtop_process_pss_bytes bytes\n"
		       "# HELP memtop_process_pss_bytes ") != NULL, "om: TYPE, UNIT, HELP in that order");
	ok(strstr(doc, "# TYPE memtop_oom_kills counter\n") && strstr(doc, "\nmemtop_oom_kills_total 3\n"),
	   "om: a counter's family without _total, its sample with");
	ok(strstr(doc, "\nmemtop_pressure_some_seconds_total 1.5\n") &&
	   strstr(doc, "\nmemtop_pressure_full_seconds_total 0.000042\n"), "om: pressure in seconds, exactly");
	ok(strstr(doc, "\nmemtop_snapshot_timestamp_seconds 1700000000.25\n") != NULL, "om: the snapshot's time");
	is_int(sum_of(doc, "memtop_memory_bytes{"), 1024.0 * MIB, "om: the machine's parts add up to MemTotal");
	is_int(count_of(doc, "memtop_process_pss_bytes{"), 2, "top: per-process series for the top 2 only");
	ok(strstr(doc, "memtop_process_pss_bytes{pid=\"10\",comm=\"postgres\",user=\"root\"} 314572800\n") &&
	   strstr(doc, "memtop_process_pss_bytes{pid=\"13\",comm=\"vim\\\\u{202E}\",user=\"alice\"} 52428800\n"),
	   "top: the largest by PSS, hostile name encoded");
	ok(!strstr(doc, "kworker"), "kernel threads are in no series");
	is_int(sum_of(doc, "memtop_group_pss_bytes{by=\"user\""), 381.0 * MIB, "groups: user PSS sums to the total known");
	is_int(sum_of(doc, "memtop_group_pss_bytes{by=\"comm\""), 381.0 * MIB, "groups: comm PSS too, the rest included");
	is_int(sum_of(doc, "memtop_group_processes{by=\"comm\""), 6, "groups: every process counted once per kind");
	is_int(count_of(doc, "memtop_group_processes{by=\"comm\""), 3, "groups: top 2 comm groups and the rest");
	ok(strstr(doc, "memtop_group_processes{by=\"comm\",key=\"(other processes)\"} 4\n") != NULL,
	   "groups: the rest summed, the made-up '(other processes)' comm with it");
	ok(strstr(doc, "memtop_group_unreadable_processes{by=\"user\",key=\"(other processes)\"} 1\n") != NULL,
	   "groups: an unreadable PSS counted, in the rest too");
	ok(!strstr(doc, "by=\"cgroup\""), "groups: no cgroup kind without memory cgroups");
	free(doc);

	doc = render(&snap, OPENMETRICS_OM, 10);
	ok(strstr(doc, "memtop_group_processes{by=\"comm\",key=\"a^A\"} 2\n") != NULL,
	   "groups: names that encode alike are one group");
	ok(strstr(doc, "memtop_group_pss_bytes{by=\"comm\",key=\"a^A\"} 31457280\n") != NULL, "groups: ... summed");
	is_int(count_of(doc, "memtop_process_oom_score{"), 6, "top 10: every process with memory");
	ok(!strstr(doc, "memtop_process_pss_bytes{pid=\"14\""), "an unknown PSS has no sample");
	ok(strstr(doc, "memtop_group_unreadable_processes{by=\"user\",key=\"bob\"} 1\n") != NULL,
	   "groups: bob's unreadable PSS counted");
	ok(strstr(doc, "memtop_process_rss_bytes{pid=\"14\"") != NULL, "... its RSS has");
	free(doc);

	text = render(&snap, OPENMETRICS_TEXT, 2);
	ok(!strstr(text, "# EOF") && !strstr(text, "# UNIT"), "text: no EOF, no UNIT");
	ok(strstr(text, "# HELP memtop_oom_kills_total ") && strstr(text, "\n# TYPE memtop_oom_kills_total counter\n"),
	   "text: HELP then TYPE, the counter named with _total");
	free(text);
	for (int i = 0; i < 7; i++)
		free(p[i]);
}

int main(void)
{
	test_label_cases();
	test_label_property();
	test_negotiate();
	test_document();
	return tap_done();
}
