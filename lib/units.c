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

int units_parse_size(const char *s, uint64_t *bytes)
{
	static const char suffix[] = "KMGT";
	uint64_t v = 0, mul = 1;
	const char *u;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (!digits)
		return -EINVAL;
	if (*s && (u = strchr(suffix, *s))) {
		mul = 1ull << (10 * (u - suffix + 1));
		s++;
		if (strcmp(s, "iB") == 0)
			s += 2;
	} else if (*s == 'B') {
		s++;
	}
	if (*s)
		return -EINVAL;
	if (v > UINT64_MAX / mul)
		return -ERANGE;
	*bytes = v * mul;
	return 0;
}

size_t units_dec(char *o, uint64_t v)
{
	char t[20];
	size_t n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		o[i] = t[n - 1 - i];
	return n;
}

/* units_compact's auto text for a whole number of KiB below 999.5 MiB (nearly every figure
 * the kernel gives: it counts in kB) with integers only, as the printf path would write it:
 * below 1000 KiB the number of KiB; above, v = KiB / 1024 with 2, 1 or 0 decimals as v is
 * below 9.995, 99.95 or not (units_sig3's double comparisons), rounded as printf rounds the
 * exact value, ties to even. -m writes 10 of these for each of 60,000 mappings. Returns the
 * length, or 0 when the figure is not such a number or buf (n) is too small. */
static size_t units_compact_kib(char *buf, size_t n, uint64_t bytes)
{
	uint64_t kib = bytes >> 10, q, scale;
	size_t k;
	int dec;
	double v;

	if ((bytes & 1023) || n < 16)
		return 0;
	if (kib < 1000) {
		k = kib ? units_dec(buf, kib) : 0;
		buf[k++] = kib ? 'K' : '0';
		buf[k] = '\0';
		return k;
	}
	v = kib / 1024.0;
	if (v >= 999.5)
		return 0;
	dec = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
	scale = dec == 2 ? 100 : dec == 1 ? 10 : 1;
	q = kib * scale;
	q = (q >> 10) + ((q & 1023) > 512 || ((q & 1023) == 512 && ((q >> 10) & 1)));
	k = units_dec(buf, q / scale);
	if (dec) {
		buf[k++] = '.';
		if (dec == 2)
			buf[k++] = (char)('0' + q % 100 / 10);
		buf[k++] = (char)('0' + q % 10);
	}
	buf[k++] = 'M';
	buf[k] = '\0';
	return k;
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
		if (n > 20)
			buf[units_dec(buf, bytes >> 10)] = '\0';
		else
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
	if (units_compact_kib(buf, n, bytes))
		return buf;
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
