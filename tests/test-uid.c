/* -u and the view's u prompt: a uid is digits, nothing strtoul() would also take. */
#include <errno.h>

#include "tap.h"
#include "uid.h"

int main(void)
{
	static const char *const bad[] = {
		"", " 1", " +1", "+1", "-1", "-18446744073709551615", "1 ", "0x10", "1e3", "１", "1\n", "abc",
	};
	uint32_t uid = 12345;

	is_int(uid_parse("0", &uid), 0, "0 is root");
	is_int(uid, 0, "uid 0");
	is_int(uid_parse("65534", &uid), 0, "65534");
	is_int(uid, 65534, "uid 65534");
	is_int(uid_parse("4294967294", &uid), 0, "the largest valid uid");
	is_u64(uid, 4294967294u, "uid 4294967294");
	is_int(uid_parse("007", &uid), 0, "leading zeros are still decimal");
	is_int(uid, 7, "uid 7");
	uid = 12345;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(uid_parse(bad[i], &uid), -EINVAL, "'%s' is not a uid", bad[i]);
	is_int(uid, 12345, "a refused value leaves the uid alone");
	is_int(uid_parse("4294967295", &uid), -ERANGE, "(uid_t)-1 is out of range");
	is_int(uid_parse("18446744073709551617", &uid), -ERANGE, "2^64 + 1 does not wrap");
	is_int(uid_parse("99999999999999999999999999x", &uid), -EINVAL, "digits then junk: not a number");
	return tap_done();
}
