/* memtop: where does the memory go, and who pays for it?
 * Parses options, builds the request, picks a face, runs. Only this file picks exit codes. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "field.h"
#include "filter.h"
#include "jsonout.h"
#include "jsonw.h"
#include "report.h"
#include "sample.h"
#include "xalloc.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define REUSE_MAX_AGE 10.0	/* seconds an idle process's PSS may be reused */

enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct options {
	bool batch, json, maps, system, oom, no_config;
	long iterations;		/* 0: the face's default */
	double delay;
	int *pids;
	size_t npids;
	bool by_uid;
	uint32_t uid;
	struct filter *filter;
	enum field_id sort;
	bool sort_set;
	enum field_id cols[FLD_COUNT];
	int ncols;
	bool cols_set;
	enum color_when color;
	bool set_oom_adj;
	int oom_adj;
};

static _Noreturn __attribute__((format(printf, 1, 2))) void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("memtop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see memtop --help)\n", stderr);
	exit(EXIT_USAGE);
}

static _Noreturn __attribute__((format(printf, 1, 2))) void fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("memtop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_RUNTIME);
}

/* A closed pipe ends memtop quietly (`memtop -bJ | head -1`); any other write error is one. */
static void output_check(void)
{
	if (!ferror(stdout) && fflush(stdout) == 0)
		return;
	if (errno == EPIPE)
		exit(0);
	fatal("write error: %s", strerror(errno));
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
	       "                           (caseless unless REGEX has an upper-case letter)\n"
	       "  -s, --sort=FIELD         sort key, highest first (default pss)\n"
	       "  -o, --fields=LIST        columns, comma separated; '-o help' lists every field\n"
	       "  -m, --maps               per-process detail: segments and the mapping table\n"
	       "  -S, --system             system memory report\n"
	       "  -O, --oom                OOM report: badness breakdown, kill order, headroom\n"
	       "  -J, --json               JSON instead of text; JSON Lines when -n > 1\n"
	       "      --set-oom-adj=VALUE  write oom_score_adj (-1000..1000) of the -p processes\n"
	       "      --color=WHEN         colour the interactive view: auto, always, never\n"
	       "      --no-config          ignore the saved settings (memtoprc)\n"
	       "  -h, --help               show this help and exit\n"
	       "  -V, --version            show the version and exit\n"
	       "\n"
	       "Sizes are bytes in JSON, binary units (K = KiB) in text; '-' (null) means unknown.\n"
	       "Exit status: 0 success, 1 runtime failure, 2 usage error.\n"
	       "Report bugs to: %s\n", PACKAGE_BUGREPORT);
}

static void version(void)
{
	printf("memtop %s\n"
	       "built with libproc2 %s, ncursesw, PCRE2\n"
	       "This is free software: you are free to change and redistribute it.\n"
	       "There is NO WARRANTY, to the extent permitted by law.\n", PACKAGE_VERSION, PROC2_VERSION);
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
	printf("\n");
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

static double parse_delay(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0.01 || v > 86400)
		usage_error("--delay wants seconds from 0.01 to 86400, not '%s'", s);
	return v;
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
	char *end;

	o->by_uid = true;
	if (pw) {
		o->uid = pw->pw_uid;
		return;
	}
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);

	if (errno || end == s || *end || v > UINT32_MAX - 1)
		usage_error("no user named '%s'", s);
	o->uid = v;
}

static void parse_fields(struct options *o, const char *s)
{
	const char *bad;
	size_t badlen;
	int n;

	if (strcmp(s, "help") == 0) {
		fields_help();
		output_check();
		exit(0);
	}
	n = field_parse_list(s, o->cols, FLD_COUNT, &bad, &badlen);
	if (n < 0)
		usage_error("unknown field '%.*s' (memtop -o help lists them)", (int)badlen, bad);
	o->ncols = n;
	o->cols_set = true;
}

static void parse_sort(struct options *o, const char *s)
{
	int id = field_lookup(s);

	if (id < 0)
		usage_error("unknown sort field '%s' (memtop -o help lists them)", s);
	o->sort = id;
	o->sort_set = true;
}

static void parse_filter(struct options *o, const char *s)
{
	char err[256];

	filter_free(o->filter);
	o->filter = filter_create(s, err, sizeof err);
	if (!o->filter)
		usage_error("bad --filter pattern '%s': %s", s, err);
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

enum { OPT_SET_OOM_ADJ = 256, OPT_COLOR, OPT_NO_CONFIG };

static const struct option long_options[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "pid", required_argument, NULL, 'p' },
	{ "user", required_argument, NULL, 'u' },
	{ "filter", required_argument, NULL, 'f' },
	{ "sort", required_argument, NULL, 's' },
	{ "fields", required_argument, NULL, 'o' },
	{ "maps", no_argument, NULL, 'm' },
	{ "system", no_argument, NULL, 'S' },
	{ "oom", no_argument, NULL, 'O' },
	{ "json", no_argument, NULL, 'J' },
	{ "set-oom-adj", required_argument, NULL, OPT_SET_OOM_ADJ },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_options(struct options *o, int argc, char **argv)
{
	int c;

	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":bn:d:p:u:f:s:o:mSOJhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'b': o->batch = true; break;
		case 'n': o->iterations = parse_long("--iterations", optarg, 1, LONG_MAX); break;
		case 'd': o->delay = parse_delay(optarg); break;
		case 'p': parse_pids(o, optarg); break;
		case 'u': parse_user(o, optarg); break;
		case 'f': parse_filter(o, optarg); break;
		case 's': parse_sort(o, optarg); break;
		case 'o': parse_fields(o, optarg); break;
		case 'm': o->maps = true; break;
		case 'S': o->system = true; break;
		case 'O': o->oom = true; break;
		case 'J': o->json = true; break;
		case OPT_SET_OOM_ADJ:
			o->set_oom_adj = true;
			o->oom_adj = parse_long("--set-oom-adj", optarg, -1000, 1000);
			break;
		case OPT_COLOR: o->color = parse_color(optarg); break;
		case OPT_NO_CONFIG: o->no_config = true; break;
		case 'h': usage(); output_check(); exit(0);
		case 'V': version(); output_check(); exit(0);
		case ':':
			usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (o->set_oom_adj && !o->npids)
		usage_error("--set-oom-adj needs the processes named with -p");
	if (o->maps && !o->npids)
		usage_error("--maps needs the processes named with -p");
}

/* Which sources every selected process needs for what this run shows. */
static unsigned options_needs(const struct options *o, const bool *jsonf)
{
	unsigned need = field_sources(o->cols, o->ncols) | fields[o->sort].src;

	if (o->json) {
		for (int i = 0; i < FLD_COUNT; i++)
			need |= jsonf[i] ? fields[i].src : 0;
	}
	if (o->maps)
		need |= SRC_STATUS | SRC_ROLLUP | SRC_SMAPS | SRC_MAPS_LIST | SRC_CMDLINE;
	return need;
}

static void options_json_fields(const struct options *o, bool *jsonf)
{
	for (int i = 0; i < FLD_COUNT; i++)	/* segments only when asked for: smaps is costly */
		jsonf[i] = !o->cols_set && fields[i].src != SRC_SMAPS;
	for (int i = 0; i < o->ncols && o->cols_set; i++)
		jsonf[o->cols[i]] = true;
	jsonf[FLD_PID] = true;
}

static size_t terminal_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int run_samples(struct options *o)
{
	struct sample_request req = { 0 };
	struct sampler *s = sampler_create();
	struct report_opts ro = { 0 };
	bool jsonf[FLD_COUNT];
	struct jsonw *w = NULL;
	long n = o->iterations ? o->iterations : 1;

	if (!s)
		fatal("cannot read /proc: %s", strerror(errno));
	options_json_fields(o, jsonf);
	req.need = options_needs(o, jsonf);
	req.sel = (struct selection){ o->pids, o->npids, o->by_uid, o->uid, o->filter };
	req.reuse_max_age = REUSE_MAX_AGE;
	ro = (struct report_opts){ o->cols, o->ncols, o->sort, UNIT_AUTO, terminal_width() };
	if (o->json)
		w = jsonw_create(stdout, false);
	for (long i = 0; i < n; i++) {
		struct snapshot *snap;
		int rc = sampler_refresh(s, &req, &snap);

		if (rc < 0)
			fatal("cannot read processes: %s", strerror(-rc));
		if (i == 0 && o->npids && snap->nprocs == 0)
			fatal("no process with pid %d%s", o->pids[0], o->npids > 1 ? " (nor the others given)" : "");
		snapshot_sort(snap, o->sort, false);
		if (o->json) {
			jsonout_snapshot(w, snap, &(struct jsonout_opts){ jsonf, o->maps });
		} else {
			if (i)
				fputc('\n', stdout);
			report_write(stdout, snap, &ro);
		}
		output_check();
		if (i + 1 < n)
			sleep_seconds(o->delay);
	}
	jsonw_free(w);
	sampler_free(s);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .delay = 1.0, .sort = FIELD_DEFAULT_SORT, .color = COLOR_AUTO };

	setlocale(LC_ALL, "");	/* before libproc2 caches its escaping choice */
	signal(SIGPIPE, SIG_IGN);	/* EPIPE is handled: a closed pipe ends quietly */
	parse_options(&o, argc, argv);
	if (!o.cols_set) {
		memcpy(o.cols, field_default_columns, field_default_ncolumns * sizeof *o.cols);
		o.ncols = field_default_ncolumns;
	}
	run_samples(&o);
	filter_free(o.filter);
	free(o.pids);
	if (fclose(stdout) != 0 && errno != EPIPE)
		fatal("write error: %s", strerror(errno));
	return 0;
}
