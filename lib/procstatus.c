#include <errno.h>
#include <string.h>

#include "kv.h"
#include "procstatus.h"

static const char *const status_keys[STATUS_COUNT] = {
	"VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem",
	"VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap", "HugetlbPages",
};

const char *procstatus_key(enum status_field f)
{
	return f < STATUS_COUNT ? status_keys[f] : "?";
}

int procstatus_lookup(const char *key, size_t len)
{
	for (int i = 0; i < STATUS_COUNT; i++) {
		if (strlen(status_keys[i]) == len && memcmp(status_keys[i], key, len) == 0)
			return i;
	}
	return -1;
}

static int procstatus_find(const struct kv *kv)
{
	/* every memory key starts with "Vm", "Rss" or "Huge": skip the other ~45 lines fast */
	if (kv->keylen < 5 || (kv->key[0] != 'V' && kv->key[0] != 'R' && kv->key[0] != 'H'))
		return -1;
	for (int i = 0; i < STATUS_COUNT; i++) {
		if (kv_is(kv, status_keys[i]))
			return i;
	}
	return -1;
}

int procstatus_parse(const char *buf, size_t len, struct proc_status *st)
{
	const char *cur = buf, *end = buf + len;
	struct kv kv;
	int found = 0;

	memset(st, 0, sizeof *st);
	while (kv_next(&cur, end, &kv)) {
		int i = procstatus_find(&kv);

		if (i >= 0 && kv_parse_u64(kv.val, kv.vallen, &st->v[i]) == 0) {
			st->known |= 1u << i;
			found++;
		}
	}
	return found;
}

int procstatus_tgid(const char *buf, size_t len)
{
	const char *cur = buf, *end = buf + len;
	struct kv kv;
	uint64_t v;

	while (kv_next(&cur, end, &kv)) {
		if (kv_is(&kv, "Tgid"))
			return kv_parse_u64(kv.val, kv.vallen, &v) == 0 && v > 0 && v <= INT32_MAX ? (int)v : -EINVAL;
	}
	return -EINVAL;
}
