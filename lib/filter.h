/* -f/--filter and the interactive '/' prompt: a PCRE2 pattern over command names. */
#ifndef MEMTOP_FILTER_H
#define MEMTOP_FILTER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#define FILTER_SUBJECT_MAX 4096		/* bytes of a subject matched: a command line's first 4 KiB */
#define FILTER_BURST_SECONDS 0.2	/* matching done at once, at most (a refresh's worth) */

struct filter;

/* Compiles pattern in UTF mode, tolerant of invalid UTF-8 in subjects. Smart case: caseless
 * unless the pattern holds an upper-case letter. On error returns NULL and writes PCRE2's
 * message with the offset into err ("missing closing parenthesis at offset 3"). */
struct filter *filter_create(const char *pattern, char *err, size_t errsz);
void filter_free(struct filter *f);

/* Whether the subject's first FILTER_SUBJECT_MAX bytes match. The work is bounded whatever
 * the pattern and the subject (any user writes command lines): a match that hits PCRE2's
 * limits counts as no match; matching takes at most FILTER_BURST_SECONDS at once, and earns
 * a fifth of the time that passes (a refresh a second, with a filter that backtracks
 * without end over thousands of hostile command lines, spends 0.2 s matching). A subject
 * the time did not allow to finish counts as no match this time, adds to filter_skipped(),
 * and is taken up where it was left at the next call with it; the verdicts of subjects
 * costly to match are kept (a copy of the subject with each), so an unchanged command line
 * costs its work once. */
bool filter_match(struct filter *f, const char *subject, size_t len);

/* Subjects filter_match() had no time to finish, since the filter was made. */
size_t filter_skipped(const struct filter *f);

/* While *stop is set (a quit signal came), filter_match() answers no at once. */
void filter_set_stop(struct filter *f, const volatile sig_atomic_t *stop);

const char *filter_pattern(const struct filter *f);	/* borrowed */

#endif
