#include <dlfcn.h>
#include <stdio.h>

#include "metrics-mhd.h"

struct mhd mhd;

static const struct {
	const char *name;
	size_t offset;
} mhd_symbols[] = {
#define MHD_SYMBOL(field, name) { name, offsetof(struct mhd, field) }
	MHD_SYMBOL(start_daemon, "MHD_start_daemon"),
	MHD_SYMBOL(stop_daemon, "MHD_stop_daemon"),
	MHD_SYMBOL(run, "MHD_run"),
	MHD_SYMBOL(get_timeout, "MHD_get_timeout"),
	MHD_SYMBOL(get_daemon_info, "MHD_get_daemon_info"),
	MHD_SYMBOL(create_response_from_buffer, "MHD_create_response_from_buffer"),
	MHD_SYMBOL(add_response_header, "MHD_add_response_header"),
	MHD_SYMBOL(queue_response, "MHD_queue_response"),
	MHD_SYMBOL(destroy_response, "MHD_destroy_response"),
	MHD_SYMBOL(lookup_connection_value, "MHD_lookup_connection_value"),
#undef MHD_SYMBOL
};

int mhd_load(char *err, size_t errsz)
{
	void *lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		snprintf(err, errsz, "--listen needs %s (Debian package libmicrohttpd12): %s", MHD_SONAME, dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof mhd_symbols / sizeof mhd_symbols[0]; i++) {
		void *f = dlsym(lib, mhd_symbols[i].name);

		if (!f) {
			snprintf(err, errsz, "%s has no %s: %s", MHD_SONAME, mhd_symbols[i].name, dlerror());
			return -1;
		}
		*(void **)((char *)&mhd + mhd_symbols[i].offset) = f;
	}
	return 0;	/* kept loaded until exit */
}
