/* Sizes and counts as the report and the interactive view print them. */
#include "tap.h"
#include "units.h"

static void compact(uint64_t bytes, enum unit u, const char *want)
{
	char buf[32];

	is_str(units_compact(buf, sizeof buf, bytes, u), want, "compact %llu in %s", (unsigned long long)bytes, unit_name(u));
}

static void longform(uint64_t bytes, const char *want)
{
	char buf[32];

	is_str(units_long(buf, sizeof buf, bytes), want, "long %llu", (unsigned long long)bytes);
}

static void count(double v, const char *want)
{
	char buf[32];

	is_str(units_count(buf, sizeof buf, v), want, "count %g", v);
}

int main(void)
{
	enum unit u;

	compact(0, UNIT_AUTO, "0");
	compact(1023, UNIT_AUTO, "1023");
	compact(4096, UNIT_AUTO, "4K");
	compact(999 * 1024ull, UNIT_AUTO, "999K");
	compact(1000 * 1024ull, UNIT_AUTO, "0.98M");	/* 1000 KiB would not fit: scale up */
	compact(1536 * 1024ull, UNIT_AUTO, "1.50M");
	compact(100ull << 20, UNIT_AUTO, "100M");
	compact(24ull << 30, UNIT_AUTO, "24.0G");
	compact(UINT64_MAX, UNIT_AUTO, "16.0E");
	compact(1536 * 1024ull, UNIT_KIB, "1536");
	compact(1536 * 1024ull, UNIT_MIB, "1.5");
	compact(3ull << 29, UNIT_GIB, "1.50");
	longform(0, "0 B");
	longform(1024, "1.00 KiB");
	longform(354ull << 20, "354 MiB");
	longform(25276063744ull, "23.5 GiB");
	count(0, "0");
	count(2.5, "2.5");
	count(999, "999");
	count(12345, "12.3k");
	count(4560000, "4.56M");
	count(-3, "0");
	ok(unit_parse("MiB", &u) == 0 && u == UNIT_MIB, "unit_parse MiB");
	ok(unit_parse("gib", &u) == 0 && u == UNIT_GIB, "unit_parse is caseless");
	ok(unit_parse("TiB", &u) < 0, "unit_parse rejects unknown units");
	return tap_done();
}
