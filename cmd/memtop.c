/* memtop: where does the memory go, and who pays for it?
 * Parses options, builds the request, picks a face, runs. Only this file picks exit codes. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "field.h"
#include "filter.h"
#include "group.h"
#include "cells.h"
#include "metrics.h"
#include "oomadj.h"
#include "procdir.h"
#include "record.h"
#include "reports.h"
#include "run.h"
#include "uid.h"
#include "units.h"
#include "when.h"
#include "xalloc.h"

#define EXIT_USAGE 2

struct options {
	struct run_config rc;
	bool batch, maps, system, oom, set_oom_adj, max_size_set, top_set;
	int *pids;
	size_t npids;
	enum field_id cols[FLD_COUNT];
};

static _Noreturn __attribute__((format(printf, 1, 2))) void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("memtop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

/* --help and --version: a closed pipe is quiet, a full disk is an error. */
static _Noreturn void exit_after_output(void)
{
	int st = run_output_check(stdout);

	exit(st < 0 ? 0 : st);
}

static void usage(void)
{
	printf("Usage: memtop [OPTION]...\n"
	       "Show where a Linux machine's memory goes, and who pays for it.\n"
	       "Interactive on a terminal; a text report when output is not a terminal.\n"
	       "\n"
	       "  -b, --batch              text report, no terminal control\n"
	       "  -n, --iterations=N       number of samples (batch default 1)\n"
	       "  -d, --delay=SECONDS      time between samples (default 1; fractions allowed)\n"
	       "  -p, --pid=PID[,PID...]   only these processes\n"
	       "  -u, --user=USER          only this user's processes (name or uid)\n"
	       "  -f, --filter=REGEX       PCRE2 match on command name or command line\n"
	       "                           (caseless unless REGEX has an upper-case letter;\n"
	       "                           a command line's first 4 KiB, 0.2 s a refresh)\n"
	       "  -s, --sort=FIELD         sort key, highest first (default pss)\n"
	       "  -o, --fields=LIST        columns, comma separated; '-o help' lists every field\n"
	       "  -g, --group=BY           one row per user, comm or cgroup: process count and\n"
	       "                           summed sizes (every table ends with its totals)\n"
	       "  -m, --maps               per-process detail: segments and the mapping table\n"
	       "  -S, --system             system memory report\n"
	       "  -O, --oom                OOM report: badness breakdown, kill order, headroom\n"
	       "  -J, --json               JSON instead of text; JSON Lines when -n > 1\n"
	       "      --trend-window=SECONDS\n"
	       "                           history growth, leak and oom_eta are fitted over\n"
	       "                           (default 300, 10 to 86400)\n"
	       "      --trend-min-span=SECONDS\n"
	       "                           how long anon + swap must rise steadily to be a leak\n"
	       "                           (default 20, 1 to the window)\n"
	       "      --set-oom-adj=VALUE  write oom_score_adj (-1000..1000) of the -p processes\n"
	       "  -w, --write=FILE         record to FILE (SQLite) every -d seconds (default 10);\n"
	       "                           with -b, -J, -S, -O or -m print too\n"
	       "      --max-size=SIZE      recording cap, oldest samples go first (default 256M)\n"
	       "  -r, --read=FILE          replay a recording in any face\n"
	       "      --at=TIME            the sample recorded at TIME (or just before)\n"
	       "      --from=TIME, --to=TIME  the samples recorded from, to TIME\n"
	       "                           TIME: 'YYYY-MM-DD HH:MM:SS' (local), RFC 3339,\n"
	       "                           HH:MM, or relative to now: -10m, -2h, -1d\n"
	       "      --openmetrics        OpenMetrics 1.0 text instead of a report\n"
	       "      --output=FILE        write it to FILE atomically (temp file + rename); a\n"
	       "                           FILE ending in .prom gets the Prometheus text format\n"
	       "                           (node_exporter's textfile collector)\n"
	       "      --listen=[ADDR:]PORT serve /metrics over HTTP (ADDR default 127.0.0.1); a\n"
	       "                           scrape takes a snapshot at most once per -d seconds\n"
	       "      --top=N              per-process series for the N largest by PSS, and N\n"
	       "                           groups of each kind (default %d)\n"
	       "      --color=WHEN         colour the interactive view: auto, always, never\n"
	       "      --no-config          ignore the saved settings (memtoprc)\n"
	       "      --no-mouse           the interactive view leaves the mouse to the terminal\n"
	       "  -h, --help               show this help and exit\n"
	       "  -V, --version            show the version and exit\n"
	       "\n"
	       "Sizes are bytes in JSON, binary units (K = KiB) in text; '-' (null) means unknown.\n"
	       "Exit status: 0 success, 1 runtime failure, 2 usage error.\n"
	       "Report bugs to: %s\n", OPENMETRICS_TOP_DEFAULT, PACKAGE_BUGREPORT);
}

static void version(void)
{
	printf("memtop %s\n"
	       "built with libproc2 %s, ncursesw, PCRE2, SQLite %s\n"
	       "This is free software: you are free to change and redistribute it.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n", PACKAGE_VERSION, PROC2_VERSION,
	       record_library_version());
}

static void fields_help(void)
{
	printf("Fields for -o and -s (sizes in bytes; JSON key in brackets):\n");
	for (int i = 0; i < FLD_COUNT; i++) {
		char key[64];

		if (fields[i].json_group)
			snprintf(key, sizeof key, "%s.%s", fields[i].json_group, fields[i].json_key);
		else
			snprintf(key, sizeof key, "%s", fields[i].json_key);
		printf("  %-14s %-8s %s [%s]\n", fields[i].name, fields[i].header, fields[i].desc, key);
	}
	printf("Default columns:");
	for (int i = 0; i < field_default_ncolumns; i++)
		printf("%s%s", i ? "," : " ", fields[field_default_columns[i]].name);
	printf("\nA text report of one sample leaves out the rates:");
	for (int i = 0, n = 0; i < field_default_ncolumns; i++) {
		if (fields[field_default_columns[i]].type == FT_RATE)
			printf("%s%s", n++ ? "," : " ", fields[field_default_columns[i]].name);
	}
	printf(" (they need two samples).\n");
}

static long parse_long(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		usage_error("%s wants a whole number from %ld to %ld, not '%s'", opt, lo, hi, s);
	return v;
}

/* "0.5" whatever LC_NUMERIC says: in a comma locale plain strtod() stops at the '.', and
 * scripts write the same command line everywhere. */
static double parse_seconds(const char *opt, const char *s, double lo, double hi)
{
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	char *end;
	double v;

	errno = 0;
	v = c ? strtod_l(s, &end, c) : strtod(s, &end);
	if (c)
		freelocale(c);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
		usage_error("%s wants seconds from %g to %g, not '%s'", opt, lo, hi, s);
	return v;
}

static double parse_delay(const char *s)
{
	return parse_seconds("--delay", s, 0.01, 86400);
}

static void parse_pids(struct options *o, const char *s)
{
	const char *p = s;

	for (;;) {
		char num[16];
		size_t len = strcspn(p, ",");

		if (len == 0 || len >= sizeof num)
			usage_error("--pid wants process ids separated by commas, not '%s'", s);
		memcpy(num, p, len);
		num[len] = '\0';
		o->pids = xreallocarray(o->pids, o->npids + 1, sizeof *o->pids);
		o->pids[o->npids++] = parse_long("--pid", num, 1, INT_MAX);
		if (!p[len])
			break;
		p += len + 1;
	}
}

static void parse_user(struct options *o, const char *s)
{
	struct passwd *pw = getpwnam(s);
	int rc;

	o->rc.by_uid = true;
	if (pw) {
		o->rc.uid = pw->pw_uid;
		return;
	}
	rc = uid_parse(s, &o->rc.uid);
	if (rc == -ERANGE)
		usage_error("--user wants a user name or a uid from 0 to %u, not '%s'", UID_MAX_VALID, s);
	if (rc < 0)
		usage_error("no user named '%s'", s);
}

static void parse_fields(struct options *o, const char *s)
{
	const char *bad;
	size_t badlen;
	int n;

	if (strcmp(s, "help") == 0) {
		fields_help();
		exit_after_output();
	}
	n = field_parse_list(s, o->cols, FLD_COUNT, &bad, &badlen);
	if (n == -E2BIG)
		usage_error("too many fields: at most %d columns", FLD_COUNT);
	if (n < 0)
		usage_error("unknown field '%.*s' (memtop -o help lists them)", (int)badlen, bad);
	o->rc.ncols = n;
	o->rc.cols_set = true;
}

static void parse_sort(struct options *o, const char *s)
{
	int id = field_lookup(s);

	if (id < 0)
		usage_error("unknown sort field '%s' (memtop -o help lists them)", s);
	o->rc.sort = id;
	o->rc.sort_set = true;
}

static void parse_filter(struct options *o, const char *s)
{
	char err[256];

	filter_free(o->rc.filter);
	o->rc.filter = filter_create(s, err, sizeof err);
	o->rc.filter_pattern = s;
	if (!o->rc.filter)
		usage_error("bad --filter pattern '%s': %s", s, err);
}

static void parse_group(struct options *o, const char *s)
{
	int by = group_by_parse(s);

	if (by < 0)
		usage_error("--group wants user, comm or cgroup, not '%s'", s);
	o->rc.grouped = true;
	o->rc.group_by = by;
}

static enum color_when parse_color(const char *s)
{
	if (!s || strcmp(s, "always") == 0)
		return COLOR_ALWAYS;
	if (strcmp(s, "auto") == 0)
		return COLOR_AUTO;
	if (strcmp(s, "never") == 0)
		return COLOR_NEVER;
	usage_error("--color wants auto, always or never, not '%s'", s);
}

/* Checked here, never passed on as typed: the kernel would read "010" as 8. */
static void parse_oom_adj(struct options *o, const char *s)
{
	if (oomadj_parse(s, &o->rc.oom_adj) < 0)
		usage_error("--set-oom-adj wants a plain decimal number from -1000 to 1000 "
			    "(no leading zero, '+' or blank), not '%s'", s);
	o->set_oom_adj = true;
}

/* A time of --at, --from or --to; relative ones from now. */
static double parse_time(const char *opt, const char *s)
{
	double t;

	if (when_parse(s, when_now(), &t) < 0)
		usage_error("%s wants a time: 'YYYY-MM-DD HH:MM:SS' (local), RFC 3339, HH:MM[:SS], or relative "
			    "to now as -10m, -2h, -1d; not '%s'", opt, s);
	return t;
}

static void parse_max_size(struct options *o, const char *s)
{
	int rc = units_parse_size(s, &o->rc.max_size);

	if (rc < 0 || o->rc.max_size < RECORD_MIN_MAX_SIZE)
		usage_error("--max-size wants a size of 1M or more (bytes, or with K, M, G, T), not '%s'", s);
	o->max_size_set = true;
}


/* [ADDR:]PORT: an address or host name (an IPv6 address in brackets), PORT 0 to 65535. */
static void parse_listen(struct options *o, const char *s)
{
	const char *colon = strrchr(s, ':'), *port = colon ? colon + 1 : s;
	bool ok = *port && strspn(port, "0123456789") == strlen(port) && strlen(port) <= 5 && atol(port) <= 65535;

	if (s[0] == '[')
		ok = ok && colon > s + 2 && colon[-1] == ']' && !memchr(s + 1, ']', colon - s - 2);
	else if (colon)
		ok = ok && colon > s && !memchr(s, ':', colon - s);
	if (!ok)
		usage_error("--listen wants [ADDR:]PORT (PORT 0 to 65535; an IPv6 ADDR in brackets), not '%s'", s);
	o->rc.listen = s;
}

static void parse_output(struct options *o, const char *s)
{
	if (!*s || s[strlen(s) - 1] == '/')
		usage_error("--output wants a file name, not '%s'", s);
	o->rc.output = s;
}

enum {
	OPT_SET_OOM_ADJ = 256, OPT_COLOR, OPT_NO_CONFIG, OPT_NO_MOUSE, OPT_TREND_WINDOW, OPT_TREND_MIN_SPAN,
	OPT_AT, OPT_FROM, OPT_TO, OPT_MAX_SIZE, OPT_OPENMETRICS, OPT_OUTPUT, OPT_LISTEN, OPT_TOP
};

static const struct option long_options[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "pid", required_argument, NULL, 'p' },
	{ "user", required_argument, NULL, 'u' },
	{ "filter", required_argument, NULL, 'f' },
	{ "sort", required_argument, NULL, 's' },
	{ "fields", required_argument, NULL, 'o' },
	{ "group", required_argument, NULL, 'g' },
	{ "maps", no_argument, NULL, 'm' },
	{ "system", no_argument, NULL, 'S' },
	{ "oom", no_argument, NULL, 'O' },
	{ "json", no_argument, NULL, 'J' },
	{ "set-oom-adj", required_argument, NULL, OPT_SET_OOM_ADJ },
	{ "trend-window", required_argument, NULL, OPT_TREND_WINDOW },
	{ "trend-min-span", required_argument, NULL, OPT_TREND_MIN_SPAN },
	{ "write", required_argument, NULL, 'w' },
	{ "read", required_argument, NULL, 'r' },
	{ "at", required_argument, NULL, OPT_AT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "openmetrics", no_argument, NULL, OPT_OPENMETRICS },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A leak must be able to span its minimum within the history. */
static void check_trend(struct trend_params *t)
{
	double window = t->window > 0 ? t->window : TREND_WINDOW_DEFAULT;
	double span = t->min_span > 0 ? t->min_span : TREND_MIN_SPAN_DEFAULT;

	if (span > window)
		usage_error("--trend-min-span (%g s) is longer than the trend window (%g s)", span, window);
	t->window = window;
	t->min_span = span;
}

/* -w and -r and what goes with them. */
static void check_recording(struct options *o)
{
	struct run_config *rc = &o->rc;
	bool range = !isnan(rc->from) || !isnan(rc->to);

	if (rc->write_path && rc->read_path)
		usage_error("-w records and -r replays: not both at once");
	if ((range || !isnan(rc->at)) && !rc->read_path)
		usage_error("%s chooses samples of a recording: it needs -r FILE", isnan(rc->at) ? "--from/--to" : "--at");
	if (range && !isnan(rc->at))
		usage_error("--at is one moment, --from and --to a span: not both");
	if (!isnan(rc->from) && !isnan(rc->to) && rc->from > rc->to)
		usage_error("--from is after --to");
	if (o->max_size_set && !rc->write_path)
		usage_error("--max-size caps a recording: it needs -w FILE");
	if (o->set_oom_adj && (rc->write_path || rc->read_path))
		usage_error("--set-oom-adj acts on live processes: not with -w or -r");
	if (rc->write_path && !rc->delay_set)
		rc->delay = RECORD_DEFAULT_DELAY;
}

/* The metrics faces export fixed families: the report options have nothing to change there. */
static void check_metrics_options(const struct options *o)
{
	const struct run_config *rc = &o->rc;
	const char *face = rc->listen ? "--listen" : "--openmetrics";
	const char *other = rc->json ? "-J" : o->maps ? "-m" : o->system ? "-S" : o->oom ? "-O" :
			    rc->cols_set ? "-o" : rc->sort_set ? "-s" : o->set_oom_adj ? "--set-oom-adj" :
			    rc->grouped ? "-g" : rc->write_path ? "-w" : rc->read_path ? "-r" : NULL;

	if (rc->output && !rc->openmetrics)
		usage_error("--output goes with --openmetrics");
	if (o->top_set && !rc->openmetrics && !rc->listen)
		usage_error("--top goes with --openmetrics or --listen");
	if (rc->listen && (rc->openmetrics || rc->iterations))
		usage_error("--listen serves until stopped: %s does not go with it",
			    rc->openmetrics ? "--openmetrics" : "-n");
	if ((rc->openmetrics || rc->listen) && other)
		usage_error("%s exports fixed families: %s does not go with it", face, other);
}

static void parse_options(struct options *o, int argc, char **argv)
{
	int c;

	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":bn:d:p:u:f:s:o:g:mSOJw:r:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'b': o->batch = true; break;
		case 'n': o->rc.iterations = parse_long("--iterations", optarg, 1, LONG_MAX); break;
		case 'd': o->rc.delay = parse_delay(optarg); o->rc.delay_set = true; break;
		case 'p': parse_pids(o, optarg); break;
		case 'u': parse_user(o, optarg); break;
		case 'f': parse_filter(o, optarg); break;
		case 's': parse_sort(o, optarg); break;
		case 'o': parse_fields(o, optarg); break;
		case 'g': parse_group(o, optarg); break;
		case 'm': o->maps = true; break;
		case 'S': o->system = true; break;
		case 'O': o->oom = true; break;
		case 'J': o->rc.json = true; break;
		case OPT_SET_OOM_ADJ: parse_oom_adj(o, optarg); break;
		case OPT_TREND_WINDOW:
			o->rc.trend.window = parse_seconds("--trend-window", optarg, TREND_WINDOW_MIN, TREND_WINDOW_MAX);
			break;
		case OPT_TREND_MIN_SPAN:
			o->rc.trend.min_span = parse_seconds("--trend-min-span", optarg, TREND_MIN_SPAN_MIN, TREND_WINDOW_MAX);
			break;
		case 'w': o->rc.write_path = optarg; break;
		case 'r': o->rc.read_path = optarg; break;
		case OPT_AT: o->rc.at = parse_time("--at", optarg); break;
		case OPT_FROM: o->rc.from = parse_time("--from", optarg); break;
		case OPT_TO: o->rc.to = parse_time("--to", optarg); break;
		case OPT_MAX_SIZE: parse_max_size(o, optarg); break;
		case OPT_COLOR: o->rc.color = parse_color(optarg); break;
		case OPT_NO_CONFIG: o->rc.no_config = true; break;
		case OPT_NO_MOUSE: o->rc.no_mouse = true; break;
		case OPT_OPENMETRICS: o->rc.openmetrics = true; break;
		case OPT_OUTPUT: parse_output(o, optarg); break;
		case OPT_LISTEN: parse_listen(o, optarg); break;
		case OPT_TOP: o->rc.top = parse_long("--top", optarg, 0, OPENMETRICS_TOP_MAX); o->top_set = true; break;
		case 'h': usage(); exit_after_output();
		case 'V': version(); exit_after_output();
		case ':':
			usage_error("option '%s' needs a value (see memtop --help)", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%c' (see memtop --help)", optopt);
			usage_error("unknown option '%s' (see memtop --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (o->set_oom_adj && !o->npids)
		usage_error("--set-oom-adj needs the processes named with -p");
	if (o->maps && !o->npids)
		usage_error("--maps needs the processes named with -p");
	if (o->rc.grouped && (o->maps || o->system || o->oom || o->set_oom_adj))
		usage_error("--group groups the process list: not with --maps, --system, --oom or --set-oom-adj");
	check_trend(&o->rc.trend);
	check_recording(o);
	check_metrics_options(o);
}

/* -p names processes. A thread's /proc/TID reads like a process, though /proc does not list
 * it; its figures and its oom_score_adj are its process's. */
static void check_pids(const struct options *o)
{
	int tgid = 0;
	ssize_t i = procdir_first_thread(o->pids, o->npids, &tgid);

	if (i >= 0) {
		run_error("pid %d is a thread of process %d, not a process (-p %d names the process)",
			  o->pids[i], tgid, tgid);
		exit(RUN_EXIT_RUNTIME);
	}
}

static int dispatch(struct options *o)
{
	const struct run_config *rc = &o->rc;
	const struct report_kind *kinds[3];
	int n = 0;

	if (o->set_oom_adj)
		return oomadj_run(rc);
	if (rc->listen)
		return metrics_serve(rc);
	if (rc->openmetrics)
		return metrics_run(rc);
	/* every report asked for, in this order */
	if (o->system)
		kinds[n++] = &sysview_report;
	if (o->oom)
		kinds[n++] = &oomview_report;
	if (o->maps)
		kinds[n++] = &mapsview_report;
	if (n)
		return reports_run(rc, kinds, n);
	if (rc->write_path && !o->batch && !rc->json)
		return record_run(rc);
	if (!o->batch && !rc->json && isatty(STDOUT_FILENO)) {
		run_output_close();	/* curses draws on the real stdout */
		return tui_run(rc);
	}
	return batch_run(rc);
}

/* The soft limit on descriptors may be raised to the hard one without asking anyone; a
 * refresh fails with EMFILE when too few are left (the sampler would raise it too, later). */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);	/* may fail above fs.nr_open: then as it was */
	}
}

int main(int argc, char **argv)
{
	struct options o = { .rc = { .delay = 1.0, .sort = FIELD_DEFAULT_SORT, .color = COLOR_AUTO, .at = NAN,
				     .from = NAN, .to = NAN, .top = OPENMETRICS_TOP_DEFAULT } };
	int status;

	setlocale(LC_ALL, "");	/* before libproc2 caches its escaping choice */
	setlocale(LC_NUMERIC, "C");	/* "-d 0.5" and JSON numbers use '.', whatever the locale */
	cells_set_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	signal(SIGPIPE, SIG_IGN);	/* EPIPE is handled: a closed pipe ends quietly */
	run_output_open();
	parse_options(&o, argc, argv);
	raise_nofile();
	if (!o.rc.read_path)
		check_pids(&o);
	if (!o.rc.cols_set) {
		memcpy(o.cols, field_default_columns, field_default_ncolumns * sizeof *o.cols);
		o.rc.ncols = field_default_ncolumns;
	}
	o.rc.cols = o.cols;
	o.rc.pids = o.pids;
	o.rc.npids = o.npids;
	status = dispatch(&o);
	if (o.rc.filter && filter_skipped(o.rc.filter))
		run_error("warning: the filter had no time for %zu names or command lines, left out (matching is "
			  "bounded: at most %.1f s a refresh)", filter_skipped(o.rc.filter), FILTER_BURST_SECONDS);
	filter_free(o.rc.filter);
	free(o.pids);
	if (fclose(stdout) != 0 && status == 0) {
		int err = run_output_errno() ? run_output_errno() : errno;

		if (err != EPIPE) {
			run_error("write error: %s", strerror(err));
			status = RUN_EXIT_RUNTIME;
		}
	}
	return status;
}
