/* libmicrohttpd, loaded when --listen asks for it (dlopen): linked in, it and the TLS
 * libraries it needs (gnutls, p11-kit, nettle, gmp...) were mapped and relocated by every
 * memtop run, 2.5 MiB more peak RSS for a one-shot report that never serves anything. */
#ifndef MEMTOP_METRICS_MHD_H
#define MEMTOP_METRICS_MHD_H

#include <stddef.h>

#include <microhttpd.h>

/* The functions memtop calls, typed by the header's own prototypes. */
struct mhd {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_run) *run;
	__typeof__(MHD_get_timeout) *get_timeout;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
};

extern struct mhd mhd;

/* Loads the library (MHD_SONAME, found by configure) and fills mhd. Returns 0, or -1 with
 * why in err. */
int mhd_load(char *err, size_t errsz);

#endif
