/* Placeholder until the interactive view (issue 4) lands. */
#include "run.h"

int tui_run(const struct run_config *rc)
{
	(void)rc;
	run_error("the interactive view (issue 4) is not built yet");
	return RUN_EXIT_RUNTIME;
}
