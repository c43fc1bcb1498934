#include <errno.h>
#include <string.h>

#include "kv.h"

bool kv_next(const char **cur, const char *end, struct kv *kv)
{
	const char *p = *cur;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		const char *colon = memchr(p, ':', eol - p);

		*cur = nl ? nl + 1 : end;
		if (colon) {
			const char *v = colon + 1;

			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			kv->key = p;
			kv->keylen = colon - p;
			kv->val = v;
			kv->vallen = eol - v;
			return true;
		}
		p = *cur;
	}
	return false;
}

bool kv_is(const struct kv *kv, const char *name)
{
	size_t n = strlen(name);

	return kv->keylen == n && memcmp(kv->key, name, n) == 0;
}

int kv_parse_u64(const char *s, size_t len, uint64_t *out)
{
	const char *end = s + len;
	uint64_t v = 0;
	bool digits = false;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = *s - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		digits = true;
	}
	if (!digits)
		return -EINVAL;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (end - s >= 2 && s[0] == 'k' && s[1] == 'B') {
		if (v > UINT64_MAX / 1024)
			return -ERANGE;
		v *= 1024;
		s += 2;
	}
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	if (s != end)
		return -EINVAL;
	*out = v;
	return 0;
}
