/* The small /proc parsers: key/value lines, status, PSI. Fixtures are real captures. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "kv.h"
#include "procfs.h"
#include "procstatus.h"
#include "psi.h"
#include "tap.h"

static const char *fixture(const char *name, struct buf *b)
{
	char path[4096];
	const char *dir = getenv("FIXTURES");
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/fixtures", name);
	n = procfs_read(AT_FDCWD, path, b);
	if (n < 0) {
		printf("# cannot read %s\n", path);
		exit(99);
	}
	return b->data;
}

static void test_kv(void)
{
	const char text[] = "Name:\tbash\nno colon here\nVmRSS:\t    3608 kB\nLast: 7";
	const char *cur = text;
	struct kv kv;
	uint64_t v;

	ok(kv_next(&cur, text + sizeof text - 1, &kv) && kv_is(&kv, "Name"), "first key");
	is_int(kv.vallen, 4, "value without leading tab");
	ok(kv_next(&cur, text + sizeof text - 1, &kv) && kv_is(&kv, "VmRSS"), "line without colon skipped");
	ok(kv_parse_u64(kv.val, kv.vallen, &v) == 0, "kB value parses");
	is_u64(v, 3608 * 1024, "kB multiplied by 1024");
	ok(kv_next(&cur, text + sizeof text - 1, &kv) && kv_is(&kv, "Last"), "last line without newline");
	ok(!kv_next(&cur, text + sizeof text - 1, &kv), "end of buffer");
	is_int(kv_parse_u64("18446744073709551615", 20, &v), 0, "UINT64_MAX parses");
	is_u64(v, UINT64_MAX, "UINT64_MAX value");
	is_int(kv_parse_u64("18446744073709551616", 20, &v), -ERANGE, "overflow is ERANGE");
	is_int(kv_parse_u64("18014398509481984 kB", 20, &v), -ERANGE, "kB overflow is ERANGE");
	is_int(kv_parse_u64("-5", 2, &v), -EINVAL, "negative rejected");
	is_int(kv_parse_u64("", 0, &v), -EINVAL, "empty rejected");
	is_int(kv_parse_u64("12 MB", 5, &v), -EINVAL, "unknown suffix rejected");
}

static void test_status(void)
{
	struct proc_status st;
	struct buf b = { 0 };
	const char *text = fixture("status/bash", &b);

	is_int(procstatus_parse(text, b.len, &st), STATUS_COUNT, "bash status: every memory field");
	is_u64(st.v[STATUS_VMRSS], st.v[STATUS_RSSANON] + st.v[STATUS_RSSFILE] + st.v[STATUS_RSSSHMEM],
	       "VmRSS = RssAnon + RssFile + RssShmem");
	ok(st.v[STATUS_VMHWM] >= st.v[STATUS_VMRSS], "VmHWM >= VmRSS");
	ok(st.v[STATUS_VMPEAK] >= st.v[STATUS_VMSIZE], "VmPeak >= VmSize");
	text = fixture("status/kthread", &b);
	is_int(procstatus_parse(text, b.len, &st), 0, "kernel thread: no memory fields");
	is_int(st.known, 0, "kernel thread: nothing known");
	text = "VmRSS:\t12 kB\nVmSwap:\tgarbage\nVmHWM: 20 kB";
	is_int(procstatus_parse(text, strlen(text), &st), 2, "bad value skipped, last line without newline read");
	ok(!(st.known & (1u << STATUS_VMSWAP)), "bad value stays unknown");
	is_u64(st.v[STATUS_VMHWM], 20 * 1024, "last line value");
	text = fixture("status/bash", &b);
	ok(procstatus_tgid(text, b.len) > 0, "bash status: a Tgid");
	text = "Name:\tworker\nTgid:\t1234\nNgid:\t0\nPid:\t1240\n";
	is_int(procstatus_tgid(text, strlen(text)), 1234, "a thread's Tgid is its process's pid");
	text = "Name:\tx\nPid:\t5";
	is_int(procstatus_tgid(text, strlen(text)), -EINVAL, "no Tgid line: -EINVAL");
	text = "Tgid:\t-1\n";
	is_int(procstatus_tgid(text, strlen(text)), -EINVAL, "a bad Tgid: -EINVAL");
	text = "Tgid:\t0";
	is_int(procstatus_tgid(text, strlen(text)), -EINVAL, "Tgid 0: -EINVAL");
	buf_free(&b);
}

static void test_psi(void)
{
	struct psi psi;
	struct buf b = { 0 };
	const char *text = fixture("pressure/memory", &b);
	const char *odd = "some avg10=1.50 avg60=0.25 avg300=0.00 total=123456 extra=9\n";

	is_int(psi_parse(text, b.len, &psi), 0, "real capture parses");
	ok(psi.known && psi.has_full, "some and full lines");
	is_int(psi_parse(odd, strlen(odd), &psi), 0, "unknown key tolerated");
	ok(psi.some.avg10 == 1.5 && psi.some.avg60 == 0.25, "averages");
	is_u64(psi.some.total_us, 123456, "total");
	ok(!psi.has_full, "no full line (older kernels)");
	is_int(psi_parse("some avg10=x", 12, &psi), -EINVAL, "garbage rejected");
	ok(!psi.known, "garbage leaves it unknown");
	is_int(psi_parse("", 0, &psi), -EINVAL, "empty rejected");
	buf_free(&b);
}

int main(void)
{
	test_kv();
	test_status();
	test_psi();
	return tap_done();
}
