/* Allocation that cannot fail: on exhaustion memtop restores the terminal and exits. */
#ifndef MEMTOP_XALLOC_H
#define MEMTOP_XALLOC_H

#include <stddef.h>

/* Called once before exiting on allocation failure (the TUI restores the terminal here). */
void xalloc_set_fatal_hook(void (*hook)(void));
_Noreturn void xalloc_die(void);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
