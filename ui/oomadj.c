/* Placeholder until --set-oom-adj (issue 5) lands. */
#include "run.h"

int oomadj_run(const struct run_config *rc)
{
	(void)rc;
	run_error("--set-oom-adj (issue 5) is not built yet");
	return RUN_EXIT_RUNTIME;
}
