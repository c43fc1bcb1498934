/* Placeholder until -m (issue 3) lands. */
#include "run.h"

int mapsview_run(const struct run_config *rc)
{
	(void)rc;
	run_error("-m (issue 3) is not built yet");
	return RUN_EXIT_RUNTIME;
}
