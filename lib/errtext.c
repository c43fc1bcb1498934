#include <errno.h>
#include <string.h>

#include "errtext.h"

const char *errtext(int err)
{
	switch (err) {
	case EMFILE:
		return "out of file descriptors (EMFILE: the open files limit, ulimit -n, is reached)";
	case ENFILE:
		return "the system is out of file descriptors (ENFILE)";
	case ENOMEM:
		return "out of memory";
	default:
		return strerror(err);
	}
}
