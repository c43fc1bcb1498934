/* --listen: GET /metrics over HTTP (libmicrohttpd, driven from memtop's one thread: an
 * epoll loop that also waits for the signals that stop it). A scrape takes a snapshot at most
 * once per -d seconds: scrapes closer together share it and its rendered documents. The
 * sampler is not thread-safe and libproc2 keeps per-thread buffers: one thread touches them,
 * so no lock is needed, and connections are served in turn without blocking (sockets are
 * non-blocking; a scrape waiting for a snapshot waits for the one everybody shares).
 *
 * What a scrape costs (the sampler's rules, as in the interactive view): stat and the oom files
 * of every process; status and smaps_rollup of a process only when it moved since they were
 * last read, or after a minute; smaps_rollup of the top N afresh at every snapshot, except a
 * process whose page tables take long to walk, which is read at most 1% of the time (its
 * figures then carry their age). So a process that sits idle has its page tables walked once a
 * minute, or every snapshot while it is among the top N.
 *
 * Bounds: at most METRICS_CONNECTIONS connections (more wait to be accepted), each dropped
 * after METRICS_TIMEOUT seconds without progress; request headers of at most 32 KiB
 * (libmicrohttpd's memory limit per connection). SIGTERM, SIGINT and SIGHUP stop the server
 * cleanly: connections are closed, the sampler freed, exit status 0. */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errtext.h"
#include "metrics-mhd.h"
#include "metrics.h"
#include "xalloc.h"

#define METRICS_CONNECTIONS 128
#define METRICS_TIMEOUT 10		/* seconds */
#define METRICS_BACKLOG 1024		/* connections waiting to be accepted (net.core.somaxconn caps it) */
/* An idle process's status and PSS may be this old in the group sums and the ranking: every
 * re-read is a walk of its page tables. The top N are read afresh for each snapshot. */
#define METRICS_REUSE_MAX_AGE 60.0

struct metrics_server {
	const struct run_config *rc;
	struct sampler *sampler;
	struct sample_request req;
	struct openmetrics_opts opts;
	const struct snapshot *snap;		/* NULL when the last refresh failed */
	double taken;				/* monotonic seconds */
	int err;				/* why there is no snapshot */
	const struct proc **rows;
	size_t nrows, caprows;
	struct MHD_Response *doc[2];		/* per format, rendered when first asked for */
};

static double metrics_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void metrics_drop_docs(struct metrics_server *m)
{
	for (int f = 0; f < 2; f++) {
		if (m->doc[f])
			mhd.destroy_response(m->doc[f]);	/* connections sending it keep a reference */
		m->doc[f] = NULL;
	}
}

/* A fresh snapshot: every process ranked by PSS (reused figures allowed), then the top N
 * read afresh and ranked again. */
static void metrics_refresh(struct metrics_server *m)
{
	const struct snapshot *snap;
	int err = sampler_refresh(m->sampler, &m->req, &snap);

	metrics_drop_docs(m);
	m->taken = metrics_now();
	m->snap = NULL;
	m->err = -err;
	if (err < 0)
		return;
	if (m->caprows < snap->nprocs) {
		m->caprows = snap->nprocs;
		m->rows = xreallocarray(m->rows, m->caprows, sizeof *m->rows);
	}
	m->nrows = openmetrics_top(snap, m->opts.top, m->rows);
	for (size_t i = 0; i < m->nrows; i++)	/* their trends: status at every scrape */
		sampler_fill(m->sampler, m->rows[i], m->req.need | SRC_TREND | SRC_TREND_ETA);
	proc_sort(m->rows, m->nrows, FLD_PSS, false);
	m->snap = snap;
}

static struct MHD_Response *metrics_render(struct metrics_server *m, enum openmetrics_format f)
{
	struct openmetrics_opts o = m->opts;
	struct MHD_Response *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return NULL;
	o.format = f;
	if (openmetrics_write(out, m->snap, m->rows, m->nrows, &o) < 0 || fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	r = mhd.create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return NULL;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, openmetrics_content_type(f));
	return r;
}

/* The document for a scrape: the shared one when the snapshot is recent enough. */
static struct MHD_Response *metrics_document(struct metrics_server *m, enum openmetrics_format f, int *err)
{
	if (!m->snap || metrics_now() - m->taken >= m->rc->delay)
		metrics_refresh(m);
	if (m->snap && !m->doc[f])
		m->doc[f] = metrics_render(m, f);
	*err = m->snap ? ENOMEM : m->err;
	return m->doc[f];
}

static enum MHD_Result metrics_reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result metrics_answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				      const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct metrics_server *m = cls;
	struct MHD_Response *doc;
	const char *accept;
	char msg[160];
	int err;

	(void)version;
	(void)upload;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return metrics_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	/* Answered once the whole request is in (a second call): an answer queued on the
	 * first call closes the connection, and Prometheus keeps its connection open. A body
	 * sent with a GET is read and ignored. */
	if (!*state) {
		*state = m;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") != 0)
		return metrics_reply(c, MHD_HTTP_NOT_FOUND, "not found: memtop serves /metrics\n");
	accept = mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	doc = metrics_document(m, openmetrics_negotiate(accept), &err);
	if (!doc) {
		snprintf(msg, sizeof msg, "cannot read processes: %s\n", errtext(err));
		return metrics_reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, msg);
	}
	return mhd.queue_response(c, MHD_HTTP_OK, doc);
}

/* "PORT", "ADDR:PORT", "[IPV6]:PORT" (cmd/memtop.c checked the form): host and port. */
static void metrics_split(const char *spec, char *host, size_t hostsz, const char **port)
{
	const char *colon = strrchr(spec, ':');

	snprintf(host, hostsz, "127.0.0.1");
	*port = spec;
	if (!colon)
		return;
	*port = colon + 1;
	if (spec[0] == '[')
		snprintf(host, hostsz, "%.*s", (int)(colon - spec - 2), spec + 1);
	else
		snprintf(host, hostsz, "%.*s", (int)(colon - spec), spec);
}

/* The listening socket, or -1 after saying why. *where gets "ADDR:PORT" as bound. */
static int metrics_socket(const char *spec, char *where, size_t wheresz)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | AI_PASSIVE }, *ai;
	struct sockaddr_storage sa;
	socklen_t salen = sizeof sa;
	char host[256], hbuf[NI_MAXHOST], pbuf[NI_MAXSERV];
	const char *port;
	int fd, one = 1, rc;

	metrics_split(spec, host, sizeof host, &port);
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		run_error("cannot listen on %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, METRICS_BACKLOG) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen) != 0) {
		run_error("cannot listen on %s: %s", spec, errtext(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	if (getnameinfo((struct sockaddr *)&sa, salen, hbuf, sizeof hbuf, pbuf, sizeof pbuf,
			NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(where, wheresz, sa.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", hbuf, pbuf);
	else
		snprintf(where, wheresz, "%s", spec);
	return fd;
}

/* Serves until SIGTERM, SIGINT or SIGHUP (blocked, read from sigfd). At its connection
 * limit libmicrohttpd stops watching the listening socket and takes it back only when called
 * after connections closed, which nothing in its epoll set would then wake it for: below the
 * limit the loop watches the socket itself, so that a connection waiting there wakes it. */
static void metrics_loop(struct MHD_Daemon *d, int sigfd, int listenfd)
{
	const union MHD_DaemonInfo *info = mhd.get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	struct pollfd pfd[3] = { { .fd = sigfd, .events = POLLIN },
				 { .fd = info ? info->epoll_fd : -1, .events = POLLIN },
				 { .fd = listenfd, .events = POLLIN } };

	for (;;) {
		MHD_UNSIGNED_LONG_LONG ms;
		int timeout = -1;

		info = mhd.get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		pfd[2].fd = info && info->num_connections >= METRICS_CONNECTIONS ? -1 : listenfd;
		if (mhd.get_timeout(d, &ms) == MHD_YES)
			timeout = ms > INT_MAX ? INT_MAX : (int)ms;
		if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		mhd.run(d);
	}
	/* taken, so that unblocking does not deliver it */
	for (struct signalfd_siginfo si; read(sigfd, &si, sizeof si) == sizeof si;)
		;
}

int metrics_serve(const struct run_config *rc)
{
	struct metrics_server m = { .rc = rc, .opts = { .top = (size_t)rc->top } };
	struct MHD_Daemon *d = NULL;
	char where[300];
	sigset_t stop, old;
	int fd, sigfd;

	char err[512];

	if (mhd_load(err, sizeof err) < 0) {
		run_error("%s", err);
		return RUN_EXIT_RUNTIME;
	}
	metrics_request(rc, &m.req);
	m.req.reuse_max_age = METRICS_REUSE_MAX_AGE;
	m.sampler = run_sampler();
	if (!m.sampler)
		return RUN_EXIT_RUNTIME;
	metrics_refresh(&m);	/* the first scrape then reads only what moved */
	if (!m.snap) {
		run_error("cannot read processes: %s", errtext(m.err));
		sampler_free(m.sampler);
		return RUN_EXIT_RUNTIME;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	sigfd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	fd = sigfd < 0 ? -1 : metrics_socket(rc->listen, where, sizeof where);
	if (sigfd < 0)
		run_error("cannot wait for signals: %s", errtext(errno));
	if (fd >= 0) {
		d = mhd.start_daemon(MHD_USE_EPOLL, 0, NULL, NULL, metrics_answer, &m,
				     MHD_OPTION_LISTEN_SOCKET, fd,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONNECTIONS,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT,
				     MHD_OPTION_END);
		if (!d) {
			run_error("cannot serve on %s: %s", where, errtext(errno ? errno : EIO));
			close(fd);
		}
	}
	if (d) {
		/* libmicrohttpd's start-up sets the signal mask of the thread it runs in anew */
		sigprocmask(SIG_BLOCK, &stop, NULL);
		run_error("serving http://%s/metrics", where);
		metrics_loop(d, sigfd, fd);
		mhd.stop_daemon(d);	/* closes the listening socket too */
	}
	if (sigfd >= 0)
		close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	metrics_drop_docs(&m);
	sampler_free(m.sampler);
	free(m.rows);
	return d ? 0 : RUN_EXIT_RUNTIME;
}
