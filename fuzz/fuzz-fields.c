/* libFuzzer target for -o / --fields lists: field_parse_list() and field_lookup(). The first
 * byte is the room the caller gives (0..FLD_COUNT+1 ids), the rest the list. Checks: the ids
 * spell the list back exactly, nothing is written past the room given, and a rejection
 * points at a whole name inside the list that is unknown or would not fit.
 *
 *   fuzz/run fields	(or by hand:)
 *   clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Ilib fuzz/fuzz-fields.c \
 *	lib/field.c -o fz-fields */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"

#define FUZZ_CANARY 0x5a5a5a5a

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The names of ids[0..n) joined with commas equal the list. */
static void fuzz_fields_spell(const char *list, const enum field_id *ids, int n)
{
	const char *p = list;

	for (int i = 0; i < n; i++) {
		size_t len;

		if ((unsigned)ids[i] >= FLD_COUNT)
			abort();
		len = strlen(fields[ids[i]].name);
		if (strncmp(p, fields[ids[i]].name, len) != 0)
			abort();
		p += len;
		if (*p != (i + 1 < n ? ',' : '\0'))
			abort();
		p += *p == ',';
	}
}

static bool fuzz_fields_known(const char *name, size_t len)
{
	char *copy = strndup(name, len);
	bool known;

	if (!copy)
		abort();
	known = field_lookup(copy) >= 0;
	free(copy);
	return known;
}

/* The k-th name was refused: it is unknown or there was no room for it, and every name
 * before it was a known one. */
static void fuzz_fields_rejected(const char *list, const char *bad, size_t badlen, int max)
{
	const char *p = list;
	int k = 0;

	while (p < bad) {
		size_t len = strcspn(p, ",");

		if (!fuzz_fields_known(p, len) || p + len >= bad)
			abort();
		p += len + 1;
		k++;
	}
	if (p != bad || (fuzz_fields_known(bad, badlen) && k < max))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		enum field_id id[FLD_COUNT + 8];
		uint32_t raw[FLD_COUNT + 8];
	} out;
	const char *bad = NULL;
	size_t badlen = 0, listlen;
	char *list;
	int max, n;

	if (size == 0)
		return 0;
	max = data[0] % (FLD_COUNT + 2);
	list = malloc(size);
	if (!list)
		abort();
	memcpy(list, data + 1, size - 1);
	list[size - 1] = '\0';
	listlen = strlen(list);
	for (size_t i = 0; i < FLD_COUNT + 8; i++)
		out.raw[i] = FUZZ_CANARY;

	n = field_parse_list(list, out.id, max, &bad, &badlen);
	for (int i = max; i < FLD_COUNT + 8; i++)
		if (out.raw[i] != FUZZ_CANARY)
			abort();
	if (n >= 0) {
		if (n == 0 || n > max)
			abort();
		fuzz_fields_spell(list, out.id, n);
	} else {
		if ((n != -EINVAL && n != -E2BIG) || bad < list || bad + badlen > list + listlen)
			abort();
		if (bad[badlen] != ',' && bad[badlen] != '\0')
			abort();
		if (bad != list && bad[-1] != ',')
			abort();
		fuzz_fields_rejected(list, bad, badlen, max);
		if ((n == -E2BIG) != fuzz_fields_known(bad, badlen))
			abort();
	}
	free(list);
	return 0;
}
