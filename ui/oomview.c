/* Placeholder until -O (issue 5) lands. */
#include "run.h"

int oomview_run(const struct run_config *rc)
{
	(void)rc;
	run_error("-O (issue 5) is not built yet");
	return RUN_EXIT_RUNTIME;
}
