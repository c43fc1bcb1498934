#include <errno.h>

#include "uid.h"

int uid_parse(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UID_MAX_VALID) {
			for (s++; *s >= '0' && *s <= '9'; s++)
				;
			return *s ? -EINVAL : -ERANGE;
		}
	}
	*out = (uint32_t)v;
	return 0;
}
