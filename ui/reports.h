/* The analysis reports: -S (the machine's memory), -O (the OOM kill order), -m (inside a
 * process). Each is built from a snapshot into a document (ui/doc.h) and into JSON members;
 * one run prints every report asked for, in this fixed order, as text or in one JSON
 * document; the interactive view shows the same documents as its S and O screens. */
#ifndef MEMTOP_REPORTS_H
#define MEMTOP_REPORTS_H

#include <stdbool.h>

#include "doc.h"
#include "jsonw.h"
#include "run.h"

struct report_kind {
	const char *option;		/* "-S" */
	unsigned parts;			/* SNAP_* it is computed from */
	unsigned need;			/* SRC_* of the selected processes */
	bool maps;			/* JSON: the selected processes' mapping tables */
	/* The text. filtered: a selection (-p, -u, -f, the view's filter, u, K) chooses
	 * which processes are listed; the analysis still covers every process. */
	void (*text)(struct doc *d, const struct snapshot *snap, bool filtered);
	/* Members added to the JSON document's "system" object, and to the document. */
	void (*json_system)(struct jsonw *w, const struct snapshot *snap);
	void (*json_top)(struct jsonw *w, const struct snapshot *snap);
	/* Says on stderr what could not be reported of the processes -p named; returns the
	 * exit status that makes (0 when all were). NULL: -p only chooses rows. */
	int (*check)(const struct run_config *rc, const struct snapshot *snap);
};

extern const struct report_kind sysview_report, oomview_report, mapsview_report;

/* Runs the reports given (in that order): -n samples, text or JSON. */
int reports_run(const struct run_config *rc, const struct report_kind *const *kinds, int n);

/* Whether the run selects processes (-p, -u, -f). */
bool reports_filtered(const struct run_config *rc);

#endif
