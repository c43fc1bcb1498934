/* The field registry: the one table every column, sort key and JSON key comes from. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "model.h"
#include "segment.h"
#include "tap.h"

static void test_table(void)
{
	int bad_names = 0, bad_keys = 0, bad_desc = 0, bad_width = 0;

	for (int i = 0; i < FLD_COUNT; i++) {
		const struct field *f = &fields[i];

		if (!f->name || !f->header || !f->json_key)
			bad_names++;
		if (!f->desc || strlen(f->desc) < 10)
			bad_desc++;
		if (f->width < 0 || (f->width > 0 && (int)strlen(f->header) > f->width))
			bad_width++;
		for (int j = 0; j < i; j++) {
			if (strcmp(fields[j].name, f->name) == 0)
				bad_names++;
			if (strcmp(fields[j].json_key, f->json_key) == 0 &&
			    (fields[j].json_group == f->json_group ||
			     (fields[j].json_group && f->json_group && strcmp(fields[j].json_group, f->json_group) == 0)))
				bad_keys++;
		}
	}
	is_int(bad_names, 0, "every field has a name, header and key, names unique");
	is_int(bad_keys, 0, "JSON keys unique within their object");
	is_int(bad_desc, 0, "every field is described");
	is_int(bad_width, 0, "headers fit their columns");
	for (int s = 0; s < SEG_COUNT; s++) {
		char name[32];

		snprintf(name, sizeof name, "seg_%s", segment_name(s));
		is_int(field_lookup(name), FLD_SEG_TEXT + s, "registry name %s", name);
		is_str(fields[FLD_SEG_TEXT + s].json_key, segment_name(s), "seg field %d keyed by segment name", s);
	}
}

static void test_parse(void)
{
	enum field_id ids[FLD_COUNT];
	const char *bad = NULL;
	size_t badlen = 0;

	is_int(field_parse_list("pid,rss,pss", ids, FLD_COUNT, &bad, &badlen), 3, "three fields");
	ok(ids[0] == FLD_PID && ids[1] == FLD_RSS && ids[2] == FLD_PSS, "in order");
	is_int(field_parse_list("pid,nope,rss", ids, FLD_COUNT, &bad, &badlen), -EINVAL, "unknown field");
	ok(badlen == 4 && strncmp(bad, "nope", 4) == 0, "names the unknown field");
	is_int(field_parse_list("pid,", ids, FLD_COUNT, &bad, &badlen), -EINVAL, "empty name rejected");
	is_int(field_parse_list("pid,pid,pid", ids, 2, &bad, &badlen), -E2BIG, "too many: -E2BIG, not unknown");
	ok(bad && strcmp(bad, "pid") == 0, "points at the one too many");
	is_int(field_parse_list("pid,pid,nope", ids, 2, &bad, &badlen), -EINVAL, "unknown said before too many");
	is_int(field_parse_list("rss,rss", ids, 2, &bad, &badlen), 2, "a name may come twice");
	is_int(field_lookup("PSS"), -1, "names are lower case");
}

static void test_sources(void)
{
	enum field_id cheap[] = { FLD_PID, FLD_VIRT, FLD_MINFLT, FLD_COMM };
	enum field_id heap[] = { FLD_SEG_HEAP };
	enum field_id split[] = { FLD_PSS, FLD_PSS_ANON };

	is_int(field_sources(cheap, 4), SRC_STAT, "pid, virt, faults, comm need only stat");
	is_int(field_sources((enum field_id[]){ FLD_OOM, FLD_OOM_ADJ }, 2), SRC_OOM, "oom needs its own two files");
	is_int(field_sources((enum field_id[]){ FLD_PSS, FLD_USS }, 2), SRC_PSS,
	       "pss, uss need smaps_rollup (or smaps when read anyway)");
	is_int(field_sources(split, 2), SRC_PSS | SRC_ROLLUP, "pss_anon needs smaps_rollup itself");
	is_int(field_sources((enum field_id[]){ FLD_ANON }, 1), SRC_STATUS, "anon needs status");
	is_int(field_sources(heap, 1), SRC_SMAPS, "segments need smaps");
	is_int(field_sources((enum field_id[]){ FLD_CMD }, 1), SRC_CMDLINE, "cmd needs cmdline");
	ok(!(field_sources(field_default_columns, field_default_ncolumns) & SRC_SMAPS),
	   "default columns never read full smaps");
	ok(field_is_numeric(FLD_PSS) && !field_is_numeric(FLD_CMD), "numeric vs text");
	ok(field_is_numeric(FIELD_DEFAULT_SORT), "default sort is a number");
}

int main(void)
{
	test_table();
	test_parse();
	test_sources();
	return tap_done();
}
