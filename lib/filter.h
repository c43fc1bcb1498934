/* -f/--filter and the interactive '/' prompt: a PCRE2 pattern over command names. */
#ifndef MEMTOP_FILTER_H
#define MEMTOP_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct filter;

/* Compiles pattern in UTF mode, tolerant of invalid UTF-8 in subjects. Smart case: caseless
 * unless the pattern holds an upper-case letter. On error returns NULL and writes PCRE2's
 * message with the offset into err ("missing closing parenthesis at offset 3"). */
struct filter *filter_create(const char *pattern, char *err, size_t errsz);
void filter_free(struct filter *f);

/* Whether the subject matches. A match that hits the match limit (a pathological pattern)
 * counts as no match, so a refresh can never stall. */
bool filter_match(struct filter *f, const char *subject, size_t len);

const char *filter_pattern(const struct filter *f);	/* borrowed */

#endif
