#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "when.h"

/* Exactly n digits at *s; moves past them. */
static bool when_digits(const char **s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*s)[i];

		if (c < '0' || c > '9')
			return false;
		*v = *v * 10 + (c - '0');
	}
	*s += n;
	return true;
}

static bool when_char(const char **s, char c)
{
	if (**s != c)
		return false;
	(*s)++;
	return true;
}

/* "HH:MM" or "HH:MM:SS" into tm; fractions of a second into *frac. */
static bool when_clock(const char **s, struct tm *tm, double *frac)
{
	int h, m, sec = 0;

	*frac = 0;
	if (!when_digits(s, 2, &h) || !when_char(s, ':') || !when_digits(s, 2, &m))
		return false;
	if (when_char(s, ':')) {
		if (!when_digits(s, 2, &sec))
			return false;
		if (**s == '.' && (*s)[1] >= '0' && (*s)[1] <= '9') {
			double scale = 0.1;

			for ((*s)++; **s >= '0' && **s <= '9'; (*s)++, scale /= 10)
				*frac += (**s - '0') * scale;
		}
	}
	if (h > 23 || m > 59 || sec > 60)
		return false;
	tm->tm_hour = h;
	tm->tm_min = m;
	tm->tm_sec = sec;
	return true;
}

static bool when_date(const char **s, struct tm *tm)
{
	int y, mo, d;

	if (!when_digits(s, 4, &y) || !when_char(s, '-') || !when_digits(s, 2, &mo) ||
	    !when_char(s, '-') || !when_digits(s, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	return true;
}

/* "Z", "+HH:MM" or "-HH:MM": seconds east of UTC. */
static bool when_zone(const char **s, long *east)
{
	int sign, h, m;

	if (**s == 'Z' || **s == 'z') {
		(*s)++;
		*east = 0;
		return true;
	}
	if (**s != '+' && **s != '-')
		return false;
	sign = **s == '-' ? -1 : 1;
	(*s)++;
	if (!when_digits(s, 2, &h) || !when_char(s, ':') || !when_digits(s, 2, &m) || h > 23 || m > 59)
		return false;
	*east = sign * (h * 3600L + m * 60L);
	return true;
}

/* A day of the month that does not exist ("02-30") is refused, not carried into March. */
static bool when_same_day(const struct tm *asked, const struct tm *got)
{
	return asked->tm_mday == got->tm_mday && asked->tm_mon == got->tm_mon;
}

static int when_absolute(const char *s, double *t)
{
	struct tm tm = { .tm_isdst = -1 }, got;
	bool zoned = false;
	double frac = 0;
	long east = 0;
	time_t secs;

	if (!when_date(&s, &tm))
		return -EINVAL;
	if (*s == ' ' || *s == 'T' || *s == 't') {
		s++;
		if (!when_clock(&s, &tm, &frac))
			return -EINVAL;
		if (*s && !(zoned = when_zone(&s, &east)))
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	got = tm;
	secs = zoned ? timegm(&got) - east : mktime(&got);
	if (secs == (time_t)-1 || !when_same_day(&tm, &got))
		return -EINVAL;
	*t = (double)secs + frac;
	return 0;
}

/* "HH:MM[:SS]": the latest such local moment at or before now. */
static int when_time_of_day(const char *s, double now, double *t)
{
	time_t n = (time_t)floor(now);
	struct tm tm;
	double frac;

	localtime_r(&n, &tm);
	if (!when_clock(&s, &tm, &frac) || *s)
		return -EINVAL;
	tm.tm_isdst = -1;
	for (int back = 0; back < 2; back++) {
		struct tm day = tm;
		time_t secs;

		day.tm_mday -= back;
		day.tm_isdst = -1;
		secs = mktime(&day);
		if (secs != (time_t)-1 && (double)secs + frac <= now) {
			*t = (double)secs + frac;
			return 0;
		}
	}
	return -EINVAL;
}

/* "-10m", "+1h30m", "-90": a sign, then numbers each with an optional unit. */
static int when_relative(const char *s, double now, double *t)
{
	double sign = *s == '-' ? -1 : 1, total = 0;

	s++;
	if (!*s)
		return -EINVAL;
	while (*s) {
		double v = 0, unit = 1;
		int digits = 0;

		for (; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
			v = v * 10 + (*s - '0');
		if (!digits)
			return -EINVAL;
		switch (*s) {
		case 'd': unit = 86400; s++; break;
		case 'h': unit = 3600; s++; break;
		case 'm': unit = 60; s++; break;
		case 's': s++; break;
		case '\0': break;
		default: return -EINVAL;
		}
		total += v * unit;
	}
	*t = now + sign * total;
	return 0;
}

int when_parse(const char *s, double now, double *t)
{
	size_t n = strlen(s);

	if (strcmp(s, "now") == 0) {
		*t = now;
		return 0;
	}
	if (s[0] == '-' || s[0] == '+')
		return when_relative(s, now, t);
	if (n >= 5 && s[2] == ':')
		return when_time_of_day(s, now, t);
	return when_absolute(s, t);
}

char *when_format(char *buf, size_t n, double t)
{
	time_t secs = (time_t)floor(t);
	struct tm tm;

	if (!localtime_r(&secs, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, n, "?");
	return buf;
}

double when_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
