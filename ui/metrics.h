/* The metrics faces: --openmetrics (one document per sample on stdout, or written atomically
 * to --output FILE) and --listen (GET /metrics over HTTP). Both render the snapshot with
 * lib/openmetrics.c: per-process series for the top N by PSS (--top), groups, the machine. */
#ifndef MEMTOP_METRICS_H
#define MEMTOP_METRICS_H

#include "openmetrics.h"
#include "run.h"

/* What every metrics snapshot reads: PSS of every process (to rank them and for the group
 * sums and the -S breakdown), status and oom files, the OOM order and the cgroups. */
void metrics_request(const struct run_config *rc, struct sample_request *req);

/* The format a file is written in: the Prometheus text format for a name ending in ".prom"
 * (node_exporter's textfile collector reads only those, and only that format), else
 * OpenMetrics. */
enum openmetrics_format metrics_file_format(const char *path);

int metrics_run(const struct run_config *rc);	/* --openmetrics */
int metrics_serve(const struct run_config *rc);	/* --listen */

#endif
