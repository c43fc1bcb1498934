#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "units.h"

static const char *const unit_names[UNIT_COUNT] = { "auto", "KiB", "MiB", "GiB" };

const char *unit_name(enum unit u)
{
	return u < UNIT_COUNT ? unit_names[u] : "?";
}

int unit_parse(const char *s, enum unit *u)
{
	for (int i = 0; i < UNIT_COUNT; i++) {
		if (strcasecmp(s, unit_names[i]) == 0) {
			*u = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Prints v with 3 significant digits at most, never rounding past the column width. */
static void units_sig3(char *buf, size_t n, double v, const char *suffix)
{
	if (v < 9.995)
		snprintf(buf, n, "%.2f%s", v, suffix);
	else if (v < 99.95)
		snprintf(buf, n, "%.1f%s", v, suffix);
	else
		snprintf(buf, n, "%.0f%s", v, suffix);
}

char *units_compact(char *buf, size_t n, uint64_t bytes, enum unit u)
{
	static const char sfx[] = "KMGTPE";
	double v;
	int i;

	switch (u) {
	case UNIT_KIB:
		snprintf(buf, n, "%llu", (unsigned long long)(bytes >> 10));
		return buf;
	case UNIT_MIB:
		snprintf(buf, n, "%.1f", bytes / 1048576.0);
		return buf;
	case UNIT_GIB:
		snprintf(buf, n, "%.2f", bytes / 1073741824.0);
		return buf;
	default:
		break;
	}
	if (bytes < 1024) {
		snprintf(buf, n, "%llu", (unsigned long long)bytes);
		return buf;
	}
	v = bytes / 1024.0;
	for (i = 0; v >= 999.5 && sfx[i + 1]; i++)
		v /= 1024.0;
	if (i == 0) {
		snprintf(buf, n, "%.0fK", v);	/* whole KiB: the kernel counts in kB anyway */
		return buf;
	}
	units_sig3(buf, n, v, (char[]){ sfx[i], '\0' });
	return buf;
}

char *units_long(char *buf, size_t n, uint64_t bytes)
{
	static const char *const names[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v;
	int i;

	if (bytes < 1024) {
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	v = bytes / 1024.0;
	for (i = 0; v >= 999.5 && i < 5; i++)
		v /= 1024.0;
	units_sig3(buf, n, v, "");
	snprintf(buf + strlen(buf), n - strlen(buf), " %s", names[i]);
	return buf;
}

char *units_count(char *buf, size_t n, double v)
{
	if (v < 0)
		v = 0;
	if (v < 999.5) {
		if (v != (double)(long long)v && v < 9.95)
			snprintf(buf, n, "%.1f", v);
		else
			snprintf(buf, n, "%.0f", v);
	} else if (v < 999500) {
		units_sig3(buf, n, v / 1e3, "k");
	} else if (v < 999500000) {
		units_sig3(buf, n, v / 1e6, "M");
	} else {
		units_sig3(buf, n, v / 1e9, "G");
	}
	return buf;
}
