/* --set-oom-adj=VALUE -p PID[,PID...]: writes oom_score_adj of each process named, through
 * lib/oomadj (a pinned /proc/PID handle, the value read back), and says what happened: one
 * line per process, on stdout when done, on stderr when not. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "oomadj.h"
#include "run.h"
#include "sanitize.h"

static void oomadj_report(const struct oomadj_result *r)
{
	char comm[PROCDIR_COMM_MAX * 8], why[256];
	const char *text = oomadj_explain(r, why, sizeof why);

	if (r->why == OOMADJ_GONE && !r->written) {
		run_error("pid %d: %s", r->pid, text);
		return;
	}
	sanitize_term(comm, sizeof comm, r->comm, strlen(r->comm), 64);
	if (r->why == OOMADJ_DONE)
		printf("pid %d (%s): %s\n", r->pid, comm, text);
	else
		run_error("pid %d (%s): %s", r->pid, comm, text);
}

int oomadj_run(const struct run_config *rc)
{
	int status = 0, out;

	for (size_t i = 0; i < rc->npids; i++) {
		struct oomadj_result r;

		if (oomadj_write_pid(rc->pids[i], NULL, rc->oom_adj, &r) < 0)
			status = RUN_EXIT_RUNTIME;
		oomadj_report(&r);
	}
	out = run_output_check(stdout);
	return out > 0 ? out : status;
}
