/* Placeholder until -S (issue 5) lands. */
#include "run.h"

int sysview_run(const struct run_config *rc)
{
	(void)rc;
	run_error("-S (issue 5) is not built yet");
	return RUN_EXIT_RUNTIME;
}
