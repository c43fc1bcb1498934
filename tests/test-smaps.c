/* Unit tests for the maps/smaps/smaps_rollup parser: hand-made oddities, every chunk
 * boundary, a generated 60,000-mapping smaps, and real captures from this machine checked
 * against sums computed here in a different way (sscanf over lines). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "fixture.h"
#include "tap.h"
#include "smaps.h"

#define KB(x) ((uint64_t)(x) * 1024)
#define BIT(f) ((uint64_t)1 << (f))

/* A copy of every VMA the parser delivered. */
struct rec {
	struct smaps_vma v;
	char *path;
};

struct recs {
	struct rec *r;
	size_t n, cap;
	size_t stop_at;		/* the callback returns 7 at this many VMAs; 0 never */
};

static int recs_cb(const struct smaps_vma *v, void *ctx)
{
	struct recs *rs = ctx;
	struct rec *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		if (!rs->r)
			abort();
	}
	r = &rs->r[rs->n++];
	r->v = *v;
	r->path = malloc(v->path_len + 1);
	if (!r->path)
		abort();
	memcpy(r->path, v->path, v->path_len + 1);
	r->v.path = r->path;
	return rs->stop_at && rs->n == rs->stop_at ? 7 : 0;
}

/* The i-th VMA, or an empty one when the parser delivered fewer: a broken parser fails
 * the checks instead of crashing the test. */
static const struct smaps_vma *nth(const struct recs *rs, size_t i)
{
	static const struct smaps_vma none = { .path = "" };

	return i < rs->n ? &rs->r[i].v : &none;
}

static void recs_clear(struct recs *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->r[i].path);
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

static bool rec_same(const struct rec *a, const struct rec *b)
{
	const struct smaps_vma *x = &a->v, *y = &b->v;

	return x->start == y->start && x->end == y->end && x->offset == y->offset &&
	       x->inode == y->inode && x->dev_major == y->dev_major &&
	       x->dev_minor == y->dev_minor && strcmp(x->perms, y->perms) == 0 &&
	       x->path_len == y->path_len && memcmp(x->path, y->path, x->path_len) == 0 &&
	       x->deleted == y->deleted && x->path_truncated == y->path_truncated &&
	       memcmp(x->val, y->val, sizeof(x->val)) == 0 && x->known == y->known &&
	       x->invalid == y->invalid && strcmp(x->vmflags, y->vmflags) == 0;
}

static bool recs_same(const struct recs *a, const struct recs *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!rec_same(&a->r[i], &b->r[i]))
			return false;
	return true;
}

/* What one parse returned: the last non-zero feed result and finish's. */
struct outcome {
	int feed_rc, finish_rc;
	unsigned long errors;
};

/* Parses buf in pieces of chunk bytes (0: one piece) into rs. */
static struct outcome parse_chunks(const char *buf, size_t len, size_t chunk, struct recs *rs)
{
	struct smaps_parser *p = smaps_parser_create(recs_cb, rs);
	struct outcome o = { 0, 0, 0 };
	size_t off, n;
	int rc;

	if (!p)
		abort();
	for (off = 0; off < len; off += n) {
		/* each piece in a heap block of its own size: ASan then sees a read past it */
		char *piece;

		n = chunk && len - off > chunk ? chunk : len - off;
		piece = malloc(n);
		if (!piece)
			abort();
		memcpy(piece, buf + off, n);
		rc = smaps_parser_feed(p, piece, n);
		free(piece);
		if (rc)
			o.feed_rc = rc;
	}
	o.finish_rc = smaps_parser_finish(p);
	o.errors = smaps_parser_errors(p);
	smaps_parser_free(p);
	return o;
}

/* Parses a string literal (embedded NULs count) in one piece. */
#define PARSE(lit, rs) parse_chunks(lit, sizeof(lit) - 1, 0, rs)

/* A fixture under tests/fixtures/smaps/, whole, as a malloc'd string. */
static char *fixture(const char *name, size_t *len)
{
	char path[256];

	if (snprintf(path, sizeof path, "smaps/%s", name) >= (int)sizeof path)
		return NULL;
	return fixture_dup(path, len);
}

static void test_field_names(void)
{
	static const char *const json =
		"size kernel_page_size mmu_page_size rss pss pss_dirty pss_anon pss_file "
		"pss_shmem shared_clean shared_dirty private_clean private_dirty referenced "
		"anonymous ksm lazy_free anon_huge_pages shmem_pmd_mapped file_pmd_mapped "
		"shared_hugetlb private_hugetlb swap swap_pss locked";
	char joined[1024] = "";
	int f;

	for (f = 0; f < SMAPS_NFIELDS; f++) {
		if (f)
			strcat(joined, " ");
		strcat(joined, smaps_field_json_name(f));
	}
	is_str(joined, json, "JSON names of every field, in enum order");
	is_str(smaps_field_kernel_name(SMAPS_SHARED_CLEAN), "Shared_Clean", "kernel name Shared_Clean");
	is_str(smaps_field_kernel_name(SMAPS_SWAP_PSS), "SwapPss", "kernel name SwapPss");
	is_str(smaps_field_kernel_name(SMAPS_MMU_PAGE_SIZE), "MMUPageSize", "kernel name MMUPageSize");
	is_str(smaps_field_kernel_name(SMAPS_KSM), "KSM", "kernel name KSM");
	ok(smaps_field_kernel_name(SMAPS_NFIELDS) == NULL && smaps_field_json_name(SMAPS_NFIELDS) == NULL,
	   "names outside the enum are NULL");
}

static void test_empty(void)
{
	struct recs rs = { 0 };
	struct outcome o = parse_chunks("", 0, 0, &rs);

	ok(rs.n == 0 && o.feed_rc == 0 && o.finish_rc == 0, "empty input: no callback, no error");
	o = PARSE("\n\n  \n", &rs);
	ok(rs.n == 0 && o.feed_rc == 0 && o.finish_rc == 0, "blank lines only: nothing");
	recs_clear(&rs);
}

static void test_plain_maps(void)
{
	struct recs rs = { 0 };
	struct outcome o = PARSE(
		"55d0e20df000-55d0e20e1000 r--p 00000000 fe:00 247134                     /usr/bin/cat\n"
		"7f6329896000-7f63298b8000 rw-p 00000000 00:00 0 \n"
		"7f6329afe000-7f6329b05000 r--s 0001a000 103:0a 18446744073709551615      /usr/lib/g.cache\n",
		&rs);
	const struct smaps_vma *v = nth(&rs, 0);

	is_int(rs.n, 3, "maps: three mappings");
	ok(o.feed_rc == 0 && o.finish_rc == 0, "maps: no error");
	is_u64(v->start, 0x55d0e20df000, "maps: start");
	is_u64(v->end, 0x55d0e20e1000, "maps: end");
	is_str(v->perms, "r--p", "maps: perms");
	ok(v->dev_major == 0xfe && v->dev_minor == 0 && v->inode == 247134, "maps: dev and inode");
	is_str(v->path, "/usr/bin/cat", "maps: path after the padding");
	ok(v->known == 0 && v->invalid == 0 && v->val[SMAPS_RSS] == 0, "maps: no field known");
	is_str(nth(&rs, 1)->path, "", "maps: anonymous path is empty");
	is_u64(nth(&rs, 1)->path_len, 0, "maps: anonymous path_len 0");
	v = nth(&rs, 2);
	ok(v->offset == 0x1a000 && v->dev_major == 0x103 && v->dev_minor == 0x0a &&
	   v->inode == UINT64_MAX, "maps: wide dev numbers, 20-digit inode");
	is_str(v->perms, "r--s", "maps: shared perms");
	recs_clear(&rs);
}

static const char one_vma[] =
	"7f6329919000-7f632993f000 r--p 00000000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"Size:                152 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                 148 kB\n"
	"Pss:                   9 kB\n"
	"Pss_Dirty:             0 kB\n"
	"Shared_Clean:        148 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:          148 kB\n"
	"Anonymous:             0 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  3 kB\n"
	"SwapPss:               1 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"ProtectionKey:         0\n"
	"VmFlags: rd mr mw me sd \n";

static void test_full_vma(void)
{
	struct recs rs = { 0 };
	struct outcome o = parse_chunks(one_vma, sizeof(one_vma) - 1, 0, &rs);
	const struct smaps_vma *v = nth(&rs, 0);
	uint64_t all_but_rollup = (BIT(SMAPS_NFIELDS) - 1) &
		~(BIT(SMAPS_PSS_ANON) | BIT(SMAPS_PSS_FILE) | BIT(SMAPS_PSS_SHMEM));

	ok(rs.n == 1 && o.feed_rc == 0 && o.finish_rc == 0, "smaps: one VMA, delivered at finish");
	is_u64(v->val[SMAPS_SIZE], KB(152), "smaps: Size in bytes");
	is_u64(v->val[SMAPS_RSS], KB(148), "smaps: Rss in bytes");
	is_u64(v->val[SMAPS_PSS], KB(9), "smaps: Pss in bytes");
	is_u64(v->val[SMAPS_SWAP], KB(3), "smaps: Swap");
	is_u64(v->val[SMAPS_SWAP_PSS], KB(1), "smaps: SwapPss");
	is_u64(v->known, all_but_rollup, "smaps: every per-VMA field known, rollup-only ones not");
	is_u64(v->invalid, 0, "smaps: nothing invalid");
	is_str(v->vmflags, "rd mr mw me sd", "smaps: VmFlags without the trailing space");
	is_str(v->path, "/usr/lib/x86_64-linux-gnu/libc.so.6", "smaps: path");
	recs_clear(&rs);

	o = parse_chunks(one_vma, sizeof(one_vma) - 2, 0, &rs);
	ok(rs.n == 1 && o.finish_rc == 0 && strcmp(nth(&rs, 0)->vmflags, "rd mr mw me sd") == 0,
	   "last line without newline is parsed at finish");
	recs_clear(&rs);
	o = PARSE("00400000-00401000 r-xp 00000000 08:01 5 /bin/x", &rs);
	ok(rs.n == 1 && strcmp(nth(&rs, 0)->path, "/bin/x") == 0 && o.finish_rc == 0,
	   "header without newline at the end");
	recs_clear(&rs);
}

static void test_addresses(void)
{
	struct recs rs = { 0 };
	struct outcome o;

	o = PARSE("08048000-08049000 r-xp 00000000 08:01 1234 /bin32\n"
		  "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n",
		  &rs);
	ok(rs.n == 2 && o.feed_rc == 0, "8- and 16-digit addresses");
	is_u64(nth(&rs, 0)->start, 0x08048000, "8-digit start");
	is_u64(nth(&rs, 1)->end, 0xffffffffff601000, "16-digit end");
	is_str(nth(&rs, 1)->perms, "--xp", "--xp perms");
	recs_clear(&rs);

	o = PARSE("1ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [x]\n"
		  "Rss: 4 kB\n", &rs);
	ok(rs.n == 0 && o.feed_rc == -EINVAL && o.errors == 1, "17 hex digits: rejected");
	recs_clear(&rs);
	o = PARSE("2000-1000 r--p 00000000 00:00 0\n", &rs);
	ok(rs.n == 0 && o.feed_rc == -EINVAL, "start > end: rejected");
	recs_clear(&rs);
	o = PARSE("1000-1000 r--p 00000000 00:00 0\n", &rs);
	ok(rs.n == 1 && o.feed_rc == 0, "start == end: accepted");
	recs_clear(&rs);
	o = PARSE("ABCDEF000-ABCDF0000 r--p 0000000A FE:0a 1 /x\n", &rs);
	ok(o.feed_rc == 0 && nth(&rs, 0)->start == 0xabcdef000 && nth(&rs, 0)->offset == 10 &&
	   nth(&rs, 0)->dev_major == 0xfe, "upper-case hex accepted");
	recs_clear(&rs);
	o = PARSE("1000-2000 rwxq 00000000 00:00 0\n"
		  "1000-2000 r--p 0000000g 00:00 0\n"
		  "1000-2000 r--p 00000000 00-00 0\n"
		  "1000-2000 r--p 00000000 00:00\n"
		  "1000-2000 r--p 00000000 00:00 x\n"
		  "1000-2000 r--p 00000000 00:00 0x /a\n"
		  "1000-2000r--p 00000000 00:00 0\n"
		  "1000 r--p 00000000 00:00 0\n"
		  "-2000 r--p 00000000 00:00 0\n"
		  "1000-2000 r--p 00000000 123456789:00 0\n"
		  "1000-2000 r--p 00000000 00:00 99999999999999999999999\n", &rs);
	ok(rs.n == 0 && o.feed_rc == -EINVAL && o.errors == 11, "11 malformed headers, 11 errors");
	recs_clear(&rs);
	o = PARSE("1000-2000   r--p  00000000   00:00   7   /a\n", &rs);
	ok(rs.n == 1 && o.feed_rc == 0 && nth(&rs, 0)->inode == 7 &&
	   strcmp(nth(&rs, 0)->path, "/a") == 0, "extra spaces between header fields");
	recs_clear(&rs);
}

static void test_paths(void)
{
	static const struct {
		const char *path;
		bool deleted;
	} want[] = {
		{ "/tmp/dir with  spaces/a b", false },
		{ "/tmp/tab\there", false },
		{ "/tmp/esc\x1b[31mred", false },
		{ "/tmp/new\nline\n", false },
		{ "/tmp/back\\slash\\01\\", false },
		{ "/tmp/gone", true },
		{ "/tmp/fake (deleted)", true },
		{ "/tmp/(deleted)", false },
		{ "/dev/zero", true },
		{ "/SYSV0000abcd", true },
		{ "/memfd:wayland-shm", true },
		{ "/a b (deleted) c", false },
	};
	struct recs rs = { 0 };
	size_t i;

	PARSE("1000-2000 r--p 00000000 fe:00 1      /tmp/dir with  spaces/a b\n"
	      "2000-3000 r--p 00000000 fe:00 1      /tmp/tab\there\n"
	      "3000-4000 r--p 00000000 fe:00 1      /tmp/esc\x1b[31mred\n"
	      "4000-5000 r--p 00000000 fe:00 1      /tmp/new\\012line\\012\n"
	      "5000-6000 r--p 00000000 fe:00 1      /tmp/back\\slash\\01\\\n"
	      "6000-7000 r--p 00000000 fe:00 1      /tmp/gone (deleted)\n"
	      "7000-8000 r--p 00000000 fe:00 1      /tmp/fake (deleted) (deleted)\n"
	      "8000-9000 r--p 00000000 fe:00 1      /tmp/(deleted)\n"
	      "9000-a000 rw-s 00000000 00:01 1025   /dev/zero (deleted)\n"
	      "a000-b000 rw-s 00000000 00:01 32768  /SYSV0000abcd (deleted)\n"
	      "b000-c000 rw-s 00000000 00:01 3      /memfd:wayland-shm (deleted)\n"
	      "c000-d000 r--p 00000000 fe:00 1      /a b (deleted) c\n", &rs);
	is_int(rs.n, sizeof(want) / sizeof(want[0]), "paths: every line parsed");
	for (i = 0; i < rs.n && i < sizeof(want) / sizeof(want[0]); i++) {
		is_str(rs.r[i].v.path, want[i].path, "path %zu kept verbatim, \\012 decoded", i);
		ok(rs.r[i].v.deleted == want[i].deleted && rs.r[i].v.path_len == strlen(want[i].path),
		   "path %zu: deleted flag and length", i);
	}
	recs_clear(&rs);
}

static void test_special_names(void)
{
	static const char *const names[] = {
		"[heap]", "[stack]", "[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]", "[uprobes]",
		"[anon:x]", "[anon: glibc: malloc arena]", "[anon_shmem:pool]", "[stack:4321]",
		"[foo]",
	};
	char buf[4096];
	size_t i, len = 0;
	struct recs rs = { 0 };
	bool same = true;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"%zx000-%zx000 rw-p 00000000 00:00 0      %s\n",
					i + 1, i + 2, names[i]);
	parse_chunks(buf, len, 0, &rs);
	is_int(rs.n, sizeof(names) / sizeof(names[0]), "special names: all parsed");
	for (i = 0; i < rs.n; i++)
		same = same && strcmp(rs.r[i].v.path, names[i]) == 0 && !rs.r[i].v.deleted;
	ok(same, "special names kept as they are");
	recs_clear(&rs);
}

static void test_fields(void)
{
	struct recs rs = { 0 };
	struct outcome o;
	const struct smaps_vma *v;

	o = PARSE("1000-2000 rw-p 00000000 00:00 0\n"
		  "Rss:   8 kB\n"
		  "THPeligible:    0\n"
		  "ProtectionKey:  0\n"
		  "Foo_Future:  12 kB\n"
		  "Size:  4 kB\n"
		  "Rss:  12 kB\n"
		  "Swap:\t5 kB\n", &rs);
	v = nth(&rs, 0);
	ok(rs.n == 1 && o.feed_rc == 0, "unknown fields: no error");
	is_u64(v->known, BIT(SMAPS_RSS) | BIT(SMAPS_SIZE) | BIT(SMAPS_SWAP),
	       "only present fields are known, in any order");
	is_u64(v->val[SMAPS_RSS], KB(12), "duplicate field: the last one wins");
	is_u64(v->val[SMAPS_SWAP], KB(5), "tab before the value");
	is_u64(v->val[SMAPS_PSS], 0, "missing field: 0 and not known");
	recs_clear(&rs);
}

static void test_values(void)
{
	struct recs rs = { 0 };
	const struct smaps_vma *v;

	PARSE("1000-2000 rw-p 00000000 00:00 0\n"
	      "Size: 18014398509481983 kB\n"		/* largest that fits in bytes */
	      "Rss: 18014398509481984 kB\n"		/* * 1024 overflows */
	      "Pss: 18446744073709551615 kB\n"
	      "Pss_Dirty: 18446744073709551616 kB\n"
	      "Shared_Clean: -5 kB\n"
	      "Shared_Dirty: 12\n"
	      "Private_Clean: 12 MB\n"
	      "Private_Dirty: kB\n"
	      "Referenced: 12kB\n"
	      "Anonymous: 12 kB trailing\n"
	      "KSM: 1 2 kB\n"
	      "LazyFree: 0 kB\n"
	      "Swap:   7 kB  \n", &rs);
	v = nth(&rs, 0);
	is_u64(v->val[SMAPS_SIZE], UINT64_MAX - 1023, "largest kB value converts exactly");
	ok(v->known == (BIT(SMAPS_SIZE) | BIT(SMAPS_LAZY_FREE) | BIT(SMAPS_SWAP)),
	   "only the well-formed values are known");
	is_u64(v->invalid, BIT(SMAPS_RSS) | BIT(SMAPS_PSS) | BIT(SMAPS_PSS_DIRTY) |
	       BIT(SMAPS_SHARED_CLEAN) | BIT(SMAPS_SHARED_DIRTY) | BIT(SMAPS_PRIVATE_CLEAN) |
	       BIT(SMAPS_PRIVATE_DIRTY) | BIT(SMAPS_REFERENCED) | BIT(SMAPS_ANONYMOUS) |
	       BIT(SMAPS_KSM), "malformed values are flagged invalid");
	ok(v->val[SMAPS_RSS] == UINT64_MAX && v->val[SMAPS_PSS] == UINT64_MAX &&
	   v->val[SMAPS_PSS_DIRTY] == UINT64_MAX, "overflow saturates");
	ok(v->val[SMAPS_SHARED_CLEAN] == 0 && v->val[SMAPS_SHARED_DIRTY] == 0 &&
	   v->val[SMAPS_PRIVATE_CLEAN] == 0, "other malformed values are 0");
	is_u64(v->val[SMAPS_SWAP], KB(7), "trailing blanks after kB");
	recs_clear(&rs);

	PARSE("1000-2000 rw-p 00000000 00:00 0\nRss: 99999999999999999999 kB\nRss: 4 kB\n", &rs);
	ok(nth(&rs, 0)->known == BIT(SMAPS_RSS) && nth(&rs, 0)->invalid == 0 &&
	   nth(&rs, 0)->val[SMAPS_RSS] == KB(4), "a valid duplicate clears invalid");
	recs_clear(&rs);
}

/* Fields in kernel order take the parser's fast path; each oddity here sits on the field
 * it expects next, so the fast path meets it and must read it as the general path does. */
static void test_fast_path(void)
{
	static const char in[] =
		"1000-2000 rw-p 00000000 00:00 0\n"
		"Size: 12\n"					/* no unit */
		"KernelPageSize:4 kB\n"				/* no blank before the digits */
		"MMUPageSize: 1234567890123456789 kB\n"		/* 19 digits, * 1024 overflows */
		"Rss: 18014398509481983 kB\n"			/* largest that fits in bytes */
		"Pss:      00000000000000000000000042 kB\n"	/* 26 digits, leading zeros */
		"Pss_Dirty: 7 kB \n"				/* trailing blank */
		"Pss_Anon: 8 kB\r\n"
		"Pss_File:\t9 kB\n"
		"Pss_Shmem: 7 kb\n"
		"Shared_Clean: 7 kBx\n"
		"Shared_Dirty:: 7 kB\n"
		"Private_Cleanx: 7 kB\n"			/* unknown, and longer than expected */
		"Private_Clean: 5 kB\n"
		"Private_Dirty: 99999999999999999999 kB\n"	/* 20 digits: overflows uint64 */
		"Referenced: 6 kB\n"
		"Anonymous:  kB\n"
		"KSM: 1\0 kB\n"
		"LazyFree: 3 kB\n"
		"AnonHugePages: 3 kB";				/* last line, no newline */
	struct recs one = { 0 }, more = { 0 };
	const struct smaps_vma *v;
	struct outcome o;
	size_t chunk, bad = 0;

	o = PARSE(in, &one);
	v = nth(&one, 0);
	ok(one.n == 1 && o.feed_rc == 0 && o.finish_rc == 0 && o.errors == 0,
	   "fast path oddities: one VMA, no error");
	is_u64(v->known, BIT(SMAPS_KERNEL_PAGE_SIZE) | BIT(SMAPS_RSS) | BIT(SMAPS_PSS) |
	       BIT(SMAPS_PSS_DIRTY) | BIT(SMAPS_PSS_ANON) | BIT(SMAPS_PSS_FILE) |
	       BIT(SMAPS_PRIVATE_CLEAN) | BIT(SMAPS_REFERENCED) | BIT(SMAPS_LAZY_FREE) |
	       BIT(SMAPS_ANON_HUGE_PAGES), "fast path oddities: the well-formed values known");
	is_u64(v->invalid, BIT(SMAPS_SIZE) | BIT(SMAPS_MMU_PAGE_SIZE) | BIT(SMAPS_PSS_SHMEM) |
	       BIT(SMAPS_SHARED_CLEAN) | BIT(SMAPS_SHARED_DIRTY) | BIT(SMAPS_PRIVATE_DIRTY) |
	       BIT(SMAPS_ANONYMOUS) | BIT(SMAPS_KSM), "fast path oddities: the others invalid");
	ok(v->val[SMAPS_KERNEL_PAGE_SIZE] == KB(4) && v->val[SMAPS_PSS] == KB(42) &&
	   v->val[SMAPS_PSS_DIRTY] == KB(7) && v->val[SMAPS_PSS_ANON] == KB(8) &&
	   v->val[SMAPS_PSS_FILE] == KB(9) && v->val[SMAPS_PRIVATE_CLEAN] == KB(5) &&
	   v->val[SMAPS_REFERENCED] == KB(6) && v->val[SMAPS_LAZY_FREE] == KB(3) &&
	   v->val[SMAPS_ANON_HUGE_PAGES] == KB(3), "fast path oddities: values");
	is_u64(v->val[SMAPS_RSS], UINT64_MAX - 1023, "fast path: largest kB value converts exactly");
	ok(v->val[SMAPS_MMU_PAGE_SIZE] == UINT64_MAX && v->val[SMAPS_PRIVATE_DIRTY] == UINT64_MAX &&
	   v->val[SMAPS_SIZE] == 0 && v->val[SMAPS_KSM] == 0, "fast path: overflow saturates, bad is 0");
	for (chunk = 1; chunk <= 64; chunk++) {
		parse_chunks(in, sizeof(in) - 1, chunk, &more);
		if (!recs_same(&one, &more))
			bad++;
		recs_clear(&more);
	}
	ok(bad == 0, "fast path oddities: chunks of 1 to 64 bytes give the same");
	recs_clear(&one);
}

/* Every field, last first: none is where the parser expects it. */
static void test_fields_reversed(void)
{
	struct recs rs = { 0 };
	char in[2048];
	size_t len;
	int f, bad = 0;

	len = (size_t)snprintf(in, sizeof(in), "1000-2000 rw-p 00000000 00:00 0\n");
	for (f = SMAPS_NFIELDS - 1; f >= 0; f--)
		len += (size_t)snprintf(in + len, sizeof(in) - len, "%s: %d kB\n",
					smaps_field_kernel_name(f), f + 1);
	parse_chunks(in, len, 0, &rs);
	for (f = 0; f < SMAPS_NFIELDS; f++)
		if (nth(&rs, 0)->val[f] != KB(f + 1))
			bad++;
	ok(rs.n == 1 && bad == 0 && nth(&rs, 0)->known == BIT(SMAPS_NFIELDS) - 1,
	   "every field found by name, in reverse order");
	recs_clear(&rs);
}

/* A field line padded past SMAPS_LINE_MAX is cut like any other line: its value is lost. */
static void test_long_field_line(void)
{
	static const char head[] = "1000-2000 rw-p 00000000 00:00 0\nRss:";
	static const char tail[] = "4 kB\nPss: 8 kB\n";
	size_t pad = SMAPS_LINE_MAX, len = sizeof(head) - 1 + pad + sizeof(tail) - 1;
	struct recs one = { 0 }, more = { 0 };
	char *in = malloc(len);

	if (!in)
		abort();
	memcpy(in, head, sizeof(head) - 1);
	memset(in + sizeof(head) - 1, ' ', pad);
	memcpy(in + sizeof(head) - 1 + pad, tail, sizeof(tail) - 1);
	parse_chunks(in, len, 0, &one);
	ok(one.n == 1 && nth(&one, 0)->invalid == BIT(SMAPS_RSS) &&
	   nth(&one, 0)->known == BIT(SMAPS_PSS) && nth(&one, 0)->val[SMAPS_PSS] == KB(8),
	   "field line past SMAPS_LINE_MAX: cut, invalid, next field intact");
	parse_chunks(in, len, 4093, &more);
	ok(recs_same(&one, &more), "field line past SMAPS_LINE_MAX in chunks: same");
	recs_clear(&one);
	recs_clear(&more);
	free(in);
}

static void test_crlf_and_nul(void)
{
	struct recs rs = { 0 };
	struct outcome o;

	o = PARSE("1000-2000 rw-p 00000000 00:00 0 \r\n"
		  "Size:   4 kB\r\n"
		  "Rss:    4 kB\r\n"
		  "VmFlags: rd wr\r\n"
		  "\r\n"
		  "2000-3000 r--p 00000000 fe:00 9 /x\r\n"
		  "Rss:    8 kB\r\n", &rs);
	ok(rs.n == 2 && o.feed_rc == 0, "CRLF: two VMAs, no error");
	ok(rs.n == 2 && nth(&rs, 0)->val[SMAPS_RSS] == KB(4) && nth(&rs, 1)->val[SMAPS_RSS] == KB(8) &&
	   nth(&rs, 0)->known == (BIT(SMAPS_SIZE) | BIT(SMAPS_RSS)), "CRLF: values parsed");
	is_str(rs.n ? nth(&rs, 0)->vmflags : "", "rd wr", "CRLF: VmFlags trimmed");
	/* a CR is a legal file name byte: paths stay verbatim */
	is_str(rs.n == 2 ? nth(&rs, 1)->path : "", "/x\r", "CRLF: the CR stays in the path");
	recs_clear(&rs);

	o = PARSE("1000-2000 rw-p 00000000 00:00 0 /a\0b\nRss: 4 kB\n"
		  "2000-3000 rw-p 00000000 00:00 0\nRss: 4\0 kB\nSize: 4 kB\n", &rs);
	ok(rs.n == 1 && o.feed_rc == -EINVAL && o.errors == 1, "NUL in a header: line rejected");
	ok(rs.n == 1 && nth(&rs, 0)->invalid == BIT(SMAPS_RSS) && nth(&rs, 0)->known == BIT(SMAPS_SIZE),
	   "NUL in a value: invalid, the next field still parsed");
	recs_clear(&rs);
}

static void test_resync(void)
{
	struct recs rs = { 0 };
	struct outcome o;

	o = PARSE("Rss: 4 kB\nPss: 4 kB\n"
		  "1000-2000 rw-p 00000000 00:00 0\nRss: 8 kB\n", &rs);
	ok(rs.n == 1 && o.feed_rc == -EINVAL && o.errors == 1,
	   "fields before any header: one error, skipped");
	is_u64(rs.n ? nth(&rs, 0)->val[SMAPS_RSS] : 0, KB(8), "the first real VMA is intact");
	recs_clear(&rs);

	o = PARSE("1000-2000 rw-p 00000000 00:00 0\nRss: 4 kB\n"
		  "this is not a header\nRss: 999 kB\nPss: 999 kB\n"
		  "zz00-3000 rw-p 00000000 00:00 0\nRss: 999 kB\n"
		  "3000-4000 rw-p 00000000 00:00 0\nRss: 12 kB\n", &rs);
	ok(o.feed_rc == -EINVAL && o.finish_rc == 0 && o.errors == 2, "two bad lines, two errors");
	is_int(rs.n, 2, "VMAs around the bad lines are delivered");
	ok(rs.n == 2 && nth(&rs, 0)->val[SMAPS_RSS] == KB(4) && nth(&rs, 0)->known == BIT(SMAPS_RSS),
	   "fields after a bad line never land on the VMA before it");
	ok(rs.n == 2 && nth(&rs, 1)->start == 0x3000 && nth(&rs, 1)->val[SMAPS_RSS] == KB(12),
	   "parsing resumes at the next valid header");
	recs_clear(&rs);

	o = PARSE("1000-2000 rw-p 00000000 00:00 0\nRss: 4 kB\nnot a header", &rs);
	ok(rs.n == 1 && o.feed_rc == 0 && o.finish_rc == -EINVAL,
	   "a bad last line without newline is reported by finish");
	recs_clear(&rs);
}

/* One header whose path decodes to n bytes (letters, a "\012" escape every 1,000),
 * then suffix, then a second VMA. */
static char *long_line_input(size_t n, size_t *len, const char *suffix)
{
	size_t cap = 4 * n + 256, i, o;
	char *buf = malloc(cap);

	if (!buf)
		abort();
	o = (size_t)snprintf(buf, cap, "1000-2000 r--p 00000000 fe:00 42      /");
	for (i = 1; i < n; i++) {
		if (i % 1000 == 0) {
			memcpy(buf + o, "\\012", 4);
			o += 4;
		} else {
			buf[o++] = (char)('a' + i % 26);
		}
	}
	o += (size_t)snprintf(buf + o, cap - o,
			      "%s\nRss: 4 kB\n2000-3000 rw-p 00000000 00:00 0\nRss: 8 kB\n", suffix);
	*len = o;
	return buf;
}

static void test_long_paths(void)
{
	struct recs whole = { 0 }, bytes = { 0 }, chunks = { 0 };
	size_t len;
	char *in = long_line_input(4096, &len, " (deleted)");
	struct outcome o = parse_chunks(in, len, 0, &whole);

	ok(whole.n == 2 && o.feed_rc == 0, "4,096-byte path: parsed");
	if (whole.n == 2) {
		is_u64(whole.r[0].v.path_len, 4096, "4,096-byte path: whole, escapes decoded");
		ok(whole.r[0].v.path[1000] == '\n' && strlen(whole.r[0].v.path) == 4096,
		   "4,096-byte path: \\012 decoded inside");
		ok(whole.r[0].v.deleted && !whole.r[0].v.path_truncated, "4,096-byte path: deleted, not cut");
		is_u64(whole.r[1].v.val[SMAPS_RSS], KB(8), "4,096-byte path: next VMA intact");
	}
	parse_chunks(in, len, 1, &bytes);
	ok(recs_same(&whole, &bytes), "4,096-byte path fed byte by byte: same result");
	free(in);
	recs_clear(&whole);
	recs_clear(&bytes);

	in = long_line_input(70000, &len, " (deleted)");
	o = parse_chunks(in, len, 0, &whole);
	ok(whole.n == 2 && o.feed_rc == 0, "70,000-byte path: parsed");
	if (whole.n == 2) {
		ok(whole.r[0].v.path_truncated && !whole.r[0].v.deleted,
		   "70,000-byte path: truncated, deletion unknown");
		ok(whole.r[0].v.path_len < SMAPS_LINE_MAX && whole.r[0].v.path_len > 60000 &&
		   strlen(whole.r[0].v.path) == whole.r[0].v.path_len, "70,000-byte path: cut near the cap");
		ok(whole.r[0].v.val[SMAPS_RSS] == KB(4) && whole.r[1].v.val[SMAPS_RSS] == KB(8),
		   "70,000-byte path: no desynchronisation");
	}
	parse_chunks(in, len, 1000, &chunks);
	ok(recs_same(&whole, &chunks), "70,000-byte path in 1,000-byte chunks: same result");
	free(in);
	recs_clear(&whole);
	recs_clear(&chunks);
}

/* The cut falls right after " (deleted)" in the middle of a name: that is not a deletion. */
static void test_cut_after_deleted(void)
{
	static const char head[] = "1000-2000 r--p 00000000 fe:00 42 /";
	static const char del[] = " (deleted)";
	size_t len = SMAPS_LINE_MAX + 64, cut = SMAPS_LINE_MAX;
	char *in = malloc(len + 1);
	struct recs rs = { 0 };

	if (!in)
		abort();
	memset(in, 'p', len);
	memcpy(in, head, sizeof(head) - 1);
	memcpy(in + cut - (sizeof(del) - 1), del, sizeof(del) - 1);
	in[len - 1] = '\n';
	parse_chunks(in, len, 0, &rs);
	ok(rs.n == 1 && nth(&rs, 0)->path_truncated && !nth(&rs, 0)->deleted,
	   "cut right after \" (deleted)\": not flagged deleted");
	is_u64(nth(&rs, 0)->path_len, cut - (sizeof(head) - 2), "cut line: path keeps the cut text");
	recs_clear(&rs);
	free(in);
}

static void test_long_vmflags(void)
{
	struct recs rs = { 0 };

	PARSE("1000-2000 rw-p 00000000 00:00 0\nVmFlags: "
	      "rd wr mr mw me ac sd aa bb cc dd ee ff gg hh ii jj kk ll mm nn oo pp qq rr ss tt "
	      "uu vv ww xx yy zz a1 a2 a3 a4 a5 a6 a7 a8 a9 b1 b2 b3 b4 b5 b6 b7 b8 b9 c1 c2 c3\n",
	      &rs);
	is_str(nth(&rs, 0)->vmflags,
	       "rd wr mr mw me ac sd aa bb cc dd ee ff gg hh ii jj kk ll mm nn oo pp qq rr ss tt "
	       "uu vv ww xx yy zz a1 a2 a3 a4 a5 a6 a7 a8 a9", "VmFlags past 127 bytes: cut at a whole code");
	recs_clear(&rs);
}

static void test_huge_garbage(void)
{
	struct smaps_parser *p;
	struct recs rs = { 0 };
	char chunk[4096];
	size_t i, peak = 0;
	int rc;

	p = smaps_parser_create(recs_cb, &rs);
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 256; i++) {
		smaps_parser_feed(p, chunk, sizeof(chunk));
		if (smaps_parser_footprint(p) > peak)
			peak = smaps_parser_footprint(p);
	}
	rc = smaps_parser_feed(p, "\n1000-2000 rw-p 00000000 00:00 0\nRss: 4 kB\n", 42);
	ok(peak <= 2 * SMAPS_LINE_MAX + 1024, "1 MiB line: parser holds %zu bytes", peak);
	is_int(rc, -EINVAL, "1 MiB line: rejected as a header");
	rc = smaps_parser_finish(p);
	ok(rc == 0 && rs.n == 1 && nth(&rs, 0)->val[SMAPS_RSS] == KB(4), "1 MiB line: next VMA intact");
	smaps_parser_free(p);
	recs_clear(&rs);
}

static void test_stop_and_reset(void)
{
	static const char three[] =
		"1000-2000 rw-p 00000000 00:00 0\nRss: 4 kB\n"
		"2000-3000 rw-p 00000000 00:00 0\nRss: 8 kB\n"
		"3000-4000 rw-p 00000000 00:00 0\nRss: 12 kB\n";
	struct recs rs = { .stop_at = 1 };
	struct smaps_parser *p = smaps_parser_create(recs_cb, &rs);
	int rc;

	rc = smaps_parser_feed(p, three, sizeof(three) - 1);
	ok(rc == 7 && rs.n == 1, "callback stop: feed returns its value");
	rc = smaps_parser_feed(p, three, sizeof(three) - 1);
	ok(rc == 7 && rs.n == 1, "after a stop, feed does nothing");
	ok(smaps_parser_finish(p) == 7 && rs.n == 1, "after a stop, finish does nothing");
	recs_clear(&rs);
	smaps_parser_reset(p);
	smaps_parser_feed(p, three, 50);
	smaps_parser_reset(p);
	smaps_parser_feed(p, three, sizeof(three) - 1);
	rc = smaps_parser_finish(p);
	ok(rc == 0 && rs.n == 3 && nth(&rs, 0)->val[SMAPS_RSS] == KB(4) && nth(&rs, 0)->start == 0x1000,
	   "reset drops a half-fed file and the stop");
	ok(smaps_parser_finish(p) == 0 && rs.n == 3, "a second finish delivers nothing twice");
	smaps_parser_free(p);
	recs_clear(&rs);
}

/* Every split point of the input gives what one piece gives. */
static void test_every_split(const char *name)
{
	struct recs one = { 0 }, two = { 0 };
	struct smaps_parser *p = smaps_parser_create(recs_cb, &two);
	size_t len, i, bad = 0;
	char *in = fixture(name, &len);
	struct outcome o;

	if (!in) {
		smaps_parser_free(p);
		return;
	}
	o = parse_chunks(in, len, 0, &one);
	for (i = 0; i <= len; i++) {
		smaps_parser_reset(p);
		smaps_parser_feed(p, in, i);
		smaps_parser_feed(p, in + i, len - i);
		if (smaps_parser_finish(p) != o.finish_rc || !recs_same(&one, &two))
			bad++;
		recs_clear(&two);
	}
	ok(one.n > 0 && bad == 0, "%s: all %zu split points give the same %zu VMAs", name, len + 1, one.n);
	parse_chunks(in, len, 1, &two);
	ok(recs_same(&one, &two), "%s: byte-by-byte gives the same", name);
	recs_clear(&two);
	parse_chunks(in, len, 7, &two);
	ok(recs_same(&one, &two), "%s: 7-byte chunks give the same", name);
	recs_clear(&two);
	recs_clear(&one);
	smaps_parser_free(p);
	free(in);
}

static void test_odd_names_fixture(void)
{
	struct recs rs = { 0 };
	size_t len;
	char *in = fixture("odd-names.smaps", &len);
	struct outcome o;

	if (!in)
		return;
	o = parse_chunks(in, len, 0, &rs);
	ok(rs.n == 27 && o.feed_rc == 0 && o.finish_rc == 0, "odd-names: 27 VMAs, no error");
	if (rs.n == 27) {
		is_str(nth(&rs, 0)->path, "/opt/old/bin32", "odd-names: 8-digit maps path");
		is_str(nth(&rs, 6)->path, "/tmp/new\nline", "odd-names: \\012");
		is_str(nth(&rs, 9)->path, "/tmp/fake (deleted)", "odd-names: double (deleted)");
		is_str(rs.r[19].v.path, "", "odd-names: anonymous without trailing space");
		is_u64(rs.r[26].v.start, 0xffffffffff600000, "odd-names: [vsyscall] address");
		is_str(rs.r[26].v.vmflags, "rd wr mr mw me ac", "odd-names: last line without newline");
		is_u64(rs.r[26].v.known, BIT(SMAPS_SIZE) | BIT(SMAPS_KERNEL_PAGE_SIZE) | BIT(SMAPS_RSS) |
		       BIT(SMAPS_PSS) | BIT(SMAPS_PRIVATE_DIRTY), "odd-names: missing fields not known");
	}
	recs_clear(&rs);
	free(in);
}

static void test_bad_lines_fixture(void)
{
	struct recs rs = { 0 };
	size_t len;
	char *in = fixture("bad-lines.smaps", &len);
	struct outcome o;
	const struct smaps_vma *v;

	if (!in)
		return;
	o = parse_chunks(in, len, 0, &rs);
	ok(rs.n == 4 && o.feed_rc == -EINVAL && o.errors == 4 && o.finish_rc == 0,
	   "bad-lines: 4 VMAs survive 4 bad lines");
	if (rs.n == 4) {
		v = nth(&rs, 0);
		ok(v->known == (BIT(SMAPS_SIZE) | BIT(SMAPS_LOCKED)) &&
		   v->invalid == (BIT(SMAPS_RSS) | BIT(SMAPS_PSS) | BIT(SMAPS_SWAP)),
		   "bad-lines: overflow, negative and unit-less values invalid");
		is_str(v->vmflags, "rd ex mr mw me dw zz yy", "bad-lines: unknown VmFlags codes kept");
		is_u64(nth(&rs, 1)->val[SMAPS_RSS], KB(8), "bad-lines: skipped fields did not leak");
		ok(nth(&rs, 2)->start == 0x500000 && nth(&rs, 2)->invalid == BIT(SMAPS_RSS),
		   "bad-lines: NUL inside a value");
		ok(strcmp(nth(&rs, 3)->path, "/tmp/x\ny") == 0 && nth(&rs, 3)->deleted,
		   "bad-lines: blank lines ignored, last VMA intact");
	}
	recs_clear(&rs);
	free(in);
}

static void test_long_lines_fixture(void)
{
	struct recs rs = { 0 }, chunked = { 0 };
	size_t len;
	char *in = fixture("long-lines.smaps", &len);
	struct outcome o;

	if (!in)
		return;
	o = parse_chunks(in, len, 0, &rs);
	ok(rs.n == 4 && o.feed_rc == 0 && o.finish_rc == 0, "long-lines: 4 VMAs, no error");
	ok(nth(&rs, 0)->path_len == 5 + 5000 + 1 + 100 && nth(&rs, 0)->deleted &&
	   !nth(&rs, 0)->path_truncated, "long-lines: 5,100-byte path whole");
	ok(nth(&rs, 1)->path_truncated && !nth(&rs, 1)->deleted, "long-lines: 66,000-byte path cut");
	ok(strlen(nth(&rs, 2)->vmflags) == 125 && strcmp(nth(&rs, 3)->path, "/tmp/last") == 0 &&
	   nth(&rs, 3)->val[SMAPS_RSS] == KB(4), "long-lines: long VmFlags cut, last VMA intact");
	parse_chunks(in, len, 4093, &chunked);
	ok(recs_same(&rs, &chunked), "long-lines: 4,093-byte chunks give the same");
	recs_clear(&rs);
	recs_clear(&chunked);
	free(in);
}

/* Independent sums for a capture: sscanf over lines, no parser code. */
struct line_sums {
	size_t headers;
	uint64_t size_kb, rss_kb;
};

static struct line_sums line_sums(const char *in, size_t len)
{
	struct line_sums s = { 0, 0, 0 };
	char *copy = malloc(len + 1), *line, *save;
	unsigned long long a, b;

	if (!copy)
		abort();
	memcpy(copy, in, len);
	copy[len] = '\0';
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%llx-%llx ", &a, &b) == 2)
			s.headers++;
		else if (sscanf(line, "Size: %llu kB", &a) == 1)
			s.size_kb += a;
		else if (sscanf(line, "Rss: %llu kB", &a) == 1)
			s.rss_kb += a;
	}
	free(copy);
	return s;
}

static void test_capture(const char *name)
{
	char file[256];
	size_t len, mlen, i;
	char *in, *maps;
	struct recs rs = { 0 }, mrs = { 0 };
	struct line_sums want;
	struct outcome o;
	uint64_t size = 0, rss = 0, rollup_only = BIT(SMAPS_PSS_ANON) | BIT(SMAPS_PSS_FILE) |
		BIT(SMAPS_PSS_SHMEM);
	bool all_known = true, same = true;

	snprintf(file, sizeof(file), "%s.smaps", name);
	if (!(in = fixture(file, &len)))
		return;
	want = line_sums(in, len);
	o = parse_chunks(in, len, 4096, &rs);
	for (i = 0; i < rs.n; i++) {
		size += rs.r[i].v.val[SMAPS_SIZE];
		rss += rs.r[i].v.val[SMAPS_RSS];
		all_known = all_known && rs.r[i].v.known == ((BIT(SMAPS_NFIELDS) - 1) & ~rollup_only) &&
			    rs.r[i].v.invalid == 0;
	}
	ok(o.feed_rc == 0 && o.finish_rc == 0 && o.errors == 0, "%s: no error", name);
	is_u64(rs.n, want.headers, "%s: one VMA per header line (%zu)", name, want.headers);
	is_u64(size, KB(want.size_kb), "%s: Size sum matches sscanf", name);
	is_u64(rss, KB(want.rss_kb), "%s: Rss sum matches sscanf", name);
	ok(all_known, "%s: every field of this kernel known and valid", name);

	snprintf(file, sizeof(file), "%s.maps", name);
	if ((maps = fixture(file, &mlen))) {
		o = parse_chunks(maps, mlen, 0, &mrs);
		for (i = 0; i < mrs.n && i < rs.n; i++)
			same = same && mrs.r[i].v.start == rs.r[i].v.start &&
			       mrs.r[i].v.end == rs.r[i].v.end && mrs.r[i].v.known == 0 &&
			       strcmp(mrs.r[i].v.path, rs.r[i].v.path) == 0;
		ok(o.feed_rc == 0 && mrs.n == rs.n && same, "%s: maps gives the same mappings", name);
		free(maps);
	}
	recs_clear(&rs);
	recs_clear(&mrs);
	free(in);
}

static void test_rollup(void)
{
	size_t len;
	char *in = fixture("bash.rollup", &len);
	struct recs rs = { 0 };
	struct outcome o;
	const struct smaps_vma *v;

	if (!in)
		return;
	o = parse_chunks(in, len, 0, &rs);
	ok(rs.n == 1 && o.feed_rc == 0 && o.finish_rc == 0, "rollup: one pseudo-VMA");
	if (rs.n == 1) {
		v = nth(&rs, 0);
		is_str(v->path, "[rollup]", "rollup: path");
		ok((v->known & (BIT(SMAPS_PSS_ANON) | BIT(SMAPS_PSS_FILE) | BIT(SMAPS_PSS_SHMEM))) ==
		   (BIT(SMAPS_PSS_ANON) | BIT(SMAPS_PSS_FILE) | BIT(SMAPS_PSS_SHMEM)),
		   "rollup: Pss_Anon, Pss_File, Pss_Shmem known");
		ok(!(v->known & BIT(SMAPS_SIZE)) && v->val[SMAPS_RSS] > 0, "rollup: no Size, Rss > 0");
	}
	recs_clear(&rs);
	free(in);
}

/* ---- 60,000 generated mappings, streamed: the file never exists in memory ---- */

#define GEN_VMAS 60000

struct gen_sums {
	size_t n;
	uint64_t size, rss, swap;
	size_t peak_footprint, early_footprint;
};

static int gen_cb(const struct smaps_vma *v, void *ctx)
{
	struct gen_sums *s = ctx;

	s->n++;
	s->size += v->val[SMAPS_SIZE];
	s->rss += v->val[SMAPS_RSS];
	s->swap += v->val[SMAPS_SWAP];
	return 0;
}

/* The kernel's text for mapping i; the expected values follow from i alone. */
static size_t gen_vma(char *out, size_t cap, unsigned i)
{
	uint64_t start = 0x7f0000000000 + (uint64_t)i * 0x2000;
	unsigned rss = (i % 4) * 4, swap = i % 5 == 0 ? 4 : 0;
	int n;

	n = snprintf(out, cap,
		     "%" PRIx64 "-%" PRIx64 " %s 00000000 %s %u%*s%s%s\n"
		     "Size:                  4 kB\nKernelPageSize:        4 kB\nMMUPageSize:           4 kB\n"
		     "Rss:            %8u kB\nPss:            %8u kB\nPss_Dirty:      %8u kB\n"
		     "Shared_Clean:          0 kB\nShared_Dirty:          0 kB\nPrivate_Clean:         0 kB\n"
		     "Private_Dirty:  %8u kB\nReferenced:     %8u kB\nAnonymous:      %8u kB\n"
		     "KSM:                   0 kB\nLazyFree:              0 kB\nAnonHugePages:         0 kB\n"
		     "ShmemPmdMapped:        0 kB\nFilePmdMapped:         0 kB\nShared_Hugetlb:        0 kB\n"
		     "Private_Hugetlb:       0 kB\nSwap:           %8u kB\nSwapPss:        %8u kB\n"
		     "Locked:                0 kB\nTHPeligible:           0\nProtectionKey:         0\n"
		     "VmFlags: rd wr mr mw me ac sd \n",
		     start, start + 0x1000, i % 2 ? "r--p" : "rw-p", i % 3 ? "00:00" : "fe:00",
		     i % 3 ? 0 : i, 20, "", i % 3 ? "" : "/usr/lib/x86_64-linux-gnu/libgen", i % 3 ? "" : ".so",
		     rss, rss, rss, rss, rss, rss, swap, swap);
	return (size_t)n;
}

/* Cuts the generated text into 64 KiB chunks, so lines break anywhere. */
static size_t gen_stream(struct gen_sums *s, struct smaps_parser *p, char *all)
{
	static char chunk[64 * 1024];
	char vma[2048];
	size_t fill = 0, total = 0, vlen, off, n;
	unsigned i;

	for (i = 0; i < GEN_VMAS; i++) {
		vlen = gen_vma(vma, sizeof(vma), i);
		for (off = 0; off < vlen; off += n) {
			n = vlen - off < sizeof(chunk) - fill ? vlen - off : sizeof(chunk) - fill;
			memcpy(chunk + fill, vma + off, n);
			fill += n;
			if (fill == sizeof(chunk)) {
				if (all)
					memcpy(all + total, chunk, fill);
				else
					smaps_parser_feed(p, chunk, fill);
				total += fill;
				fill = 0;
			}
		}
		if (!all && i == 1000)
			s->early_footprint = smaps_parser_footprint(p);
		if (!all && smaps_parser_footprint(p) > s->peak_footprint)
			s->peak_footprint = smaps_parser_footprint(p);
	}
	if (all)
		memcpy(all + total, chunk, fill);
	else
		smaps_parser_feed(p, chunk, fill);
	return total + fill;
}

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_generated(void)
{
	struct gen_sums s = { 0 }, t = { 0 };
	struct smaps_parser *p = smaps_parser_create(gen_cb, &s);
	uint64_t want_rss = 0, want_swap = 0;
	long rss_before = max_rss_kb();
	size_t total, off, n;
	unsigned i;
	char *all;
	double t0;

	for (i = 0; i < GEN_VMAS; i++) {
		want_rss += KB((i % 4) * 4);
		want_swap += i % 5 == 0 ? KB(4) : 0;
	}
	total = gen_stream(&s, p, NULL);
	ok(smaps_parser_finish(p) == 0 && smaps_parser_errors(p) == 0, "60,000 VMAs: no error");
	is_u64(s.n, GEN_VMAS, "60,000 VMAs: one callback each (%.1f MB in 64 KiB chunks)",
	       (double)total / 1e6);
	is_u64(s.size, KB(4) * GEN_VMAS, "60,000 VMAs: Size sum");
	is_u64(s.rss, want_rss, "60,000 VMAs: Rss sum");
	is_u64(s.swap, want_swap, "60,000 VMAs: Swap sum");
	ok(s.peak_footprint == s.early_footprint && s.peak_footprint <= 64 * 1024,
	   "60,000 VMAs: parser memory flat at %zu bytes", s.peak_footprint);
	ok(max_rss_kb() - rss_before < 4096, "60,000 VMAs: process peak RSS grew %ld kB",
	   max_rss_kb() - rss_before);
	smaps_parser_free(p);

	/* speed, for the report only: the same text from memory */
	all = malloc(total);
	p = smaps_parser_create(gen_cb, &t);
	if (!all || !p)
		abort();
	gen_stream(&t, NULL, all);
	t0 = now();
	for (off = 0; off < total; off += n) {
		n = total - off < 65536 ? total - off : 65536;
		smaps_parser_feed(p, all + off, n);
	}
	smaps_parser_finish(p);
	printf("# parse speed: %.1f MB in %.1f ms = %.0f MB/s\n", (double)total / 1e6,
	       (now() - t0) * 1e3, (double)total / 1e6 / (now() - t0));
	ok(t.n == GEN_VMAS && t.rss == want_rss, "60,000 VMAs from memory: same sums");
	smaps_parser_free(p);
	free(all);
}

int main(void)
{
	static const char *const captures[] = { "tiny-c", "bash", "python3-libs", "memhog-maps200" };
	size_t i;

	test_field_names();
	test_empty();
	test_plain_maps();
	test_full_vma();
	test_addresses();
	test_paths();
	test_special_names();
	test_fields();
	test_values();
	test_fast_path();
	test_fields_reversed();
	test_long_field_line();
	test_crlf_and_nul();
	test_resync();
	test_long_paths();
	test_cut_after_deleted();
	test_long_vmflags();
	test_huge_garbage();
	test_stop_and_reset();
	test_odd_names_fixture();
	test_bad_lines_fixture();
	test_long_lines_fixture();
	test_every_split("odd-names.smaps");
	test_every_split("tiny-c.smaps");
	test_every_split("bad-lines.smaps");
	for (i = 0; i < sizeof(captures) / sizeof(captures[0]); i++)
		test_capture(captures[i]);
	test_rollup();
	test_generated();
	return tap_done();
}
