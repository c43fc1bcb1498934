/* Unit tests for the segment classifier and totals: hand-made layouts for every rule, and
 * real captures from this machine whose segment sums must equal the mapping sums and the
 * smaps_rollup the kernel wrote at the same moment (the process was stopped). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"
#include "segment.h"

#define KB(x) ((uint64_t)(x) * 1024)
#define MAXMAPS 4096

/* Each mapping as the classifier saw it, with its figures taken straight from the fields. */
struct walk {
	struct segment_classifier c;
	struct segment_totals t;
	size_t n;
	enum segment seg[MAXMAPS];
	uint64_t fig[MAXMAPS][SEGF_COUNT];
	uint64_t rollup[SMAPS_NFIELDS];	/* the pseudo-VMA when a rollup is parsed */
};

static int walk_cb(const struct smaps_vma *v, void *ctx)
{
	struct walk *wk = ctx;
	enum segment s = segment_classify(&wk->c, v);
	uint64_t *f;

	if (wk->n == MAXMAPS)
		return 1;
	segment_totals_add(&wk->t, s, v);
	wk->seg[wk->n] = s;
	f = wk->fig[wk->n++];
	/* independent of segment_figure_of(): the definitions written out again */
	f[SEGF_VIRT] = v->val[SMAPS_SIZE];
	f[SEGF_RSS] = v->val[SMAPS_RSS];
	f[SEGF_PSS] = v->val[SMAPS_PSS];
	f[SEGF_USS] = v->val[SMAPS_PRIVATE_CLEAN] + v->val[SMAPS_PRIVATE_DIRTY];
	f[SEGF_SWAP] = v->val[SMAPS_SWAP];
	f[SEGF_DIRTY] = v->val[SMAPS_SHARED_DIRTY] + v->val[SMAPS_PRIVATE_DIRTY];
	memcpy(wk->rollup, v->val, sizeof(wk->rollup));
	return 0;
}

static int walk_text(struct walk *wk, const char *exe, const char *text, size_t len)
{
	struct smaps_parser *p = smaps_parser_create(walk_cb, wk);
	int rc, rc2;

	if (!p)
		abort();
	memset(wk, 0, sizeof(*wk));
	segment_classifier_init(&wk->c, exe, NULL, 0);
	rc = smaps_parser_feed(p, text, len);
	rc2 = smaps_parser_finish(p);
	smaps_parser_free(p);
	return rc ? rc : rc2;
}

/* Compares the classification with a space-separated list of segment names. */
static void is_segments(const struct walk *wk, const char *want, const char *what)
{
	char got[4096] = "";
	size_t i;

	for (i = 0; i < wk->n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, segment_name(wk->seg[i]));
	}
	is_str(got, want, "%s", what);
}

static struct walk w;

#define WALK(exe, lit) walk_text(&w, exe, lit, sizeof(lit) - 1)

static void test_names(void)
{
	char all[256] = "";
	int i;

	for (i = 0; i < SEG_COUNT; i++) {
		strcat(all, segment_name(i));
		strcat(all, " ");
	}
	is_str(all, "text data bss heap stack libs anon_mmap file_mmap shmem kernel ",
	       "segment names in enum order");
	all[0] = '\0';
	for (i = 0; i < SEGF_COUNT; i++) {
		strcat(all, segment_figure_name(i));
		strcat(all, " ");
	}
	is_str(all, "virt rss pss uss swap dirty ", "figure names in enum order");
	ok(segment_name(SEG_COUNT) == NULL && segment_figure_name(SEGF_COUNT) == NULL,
	   "names outside the enums are NULL");
}

static const char classic[] =
	"55d0e20df000-55d0e20e1000 r--p 00000000 fe:00 100 /usr/bin/prog\n"
	"55d0e20e1000-55d0e20e6000 r-xp 00002000 fe:00 100 /usr/bin/prog\n"
	"55d0e20e6000-55d0e20e9000 r--p 00007000 fe:00 100 /usr/bin/prog\n"
	"55d0e20e9000-55d0e20ea000 rw-p 00009000 fe:00 100 /usr/bin/prog\n"
	"55d0e20ea000-55d0e20ec000 rw-p 00000000 00:00 0 \n"
	"55d0f2cc1000-55d0f2ce2000 rw-p 00000000 00:00 0 [heap]\n"
	"7f6329896000-7f63298b8000 rw-p 00000000 00:00 0 \n"
	"7f63298b8000-7f632990f000 r--p 00000000 fe:00 200 /usr/lib/locale/C.utf8/LC_CTYPE\n"
	"7f6329919000-7f632993f000 r--p 00000000 fe:00 300 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"7f632993f000-7f6329a95000 r-xp 00026000 fe:00 300 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"7f6329aec000-7f6329aee000 rw-p 001d3000 fe:00 300 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"7f6329aee000-7f6329afb000 rw-p 00000000 00:00 0 \n"
	"7f6329afb000-7f6329afc000 rw-p 00000000 00:00 0 \n"
	"7f6329afe000-7f6329b05000 r--s 00000000 fe:00 400 /usr/lib/gconv/gconv-modules.cache\n"
	"7f6329b08000-7f6329b0c000 r--p 00000000 00:00 0 [vvar]\n"
	"7f6329b0c000-7f6329b0e000 r--p 00000000 00:00 0 [vvar_vclock]\n"
	"7f6329b0e000-7f6329b10000 r-xp 00000000 00:00 0 [vdso]\n"
	"7f6329b10000-7f6329b11000 r--p 00000000 fe:00 500 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n"
	"7f6329b43000-7f6329b45000 rw-p 00033000 fe:00 500 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n"
	"7f6329b45000-7f6329b46000 rw-p 00000000 00:00 0 \n"
	"7fff73b4d000-7fff73b6e000 rw-p 00000000 00:00 0 [stack]\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n";

static void test_classic(void)
{
	static const char want[] =
		"text text text data bss heap anon_mmap file_mmap libs libs libs libs anon_mmap "
		"file_mmap kernel kernel kernel libs libs libs stack kernel";

	WALK(NULL, classic);
	is_segments(&w, want, "classic layout, executable found as the first file");
	WALK("/usr/bin/prog", classic);
	is_segments(&w, want, "classic layout, executable given");
	WALK("/usr/bin/prog (deleted)", classic);
	is_segments(&w, want, "exe_path with \" (deleted)\" still matches");
	WALK("/usr/bin/other", classic);
	is_segments(&w, "file_mmap file_mmap file_mmap file_mmap anon_mmap heap anon_mmap file_mmap "
		    "libs libs libs libs anon_mmap file_mmap kernel kernel kernel libs libs libs "
		    "stack kernel", "executable not mapped: no text, data or bss");
}

static void test_exe_rules(void)
{
	WALK(NULL, "1000-2000 rw-p 00000000 00:00 0 [heap]\n"
		   "2000-3000 r-xp 00000000 fe:00 1 /usr/bin/late\n");
	is_segments(&w, "heap file_mmap", "no file before [heap]: no executable guessed");

	WALK("/usr/bin/prog (deleted)",
	     "1000-2000 r--p 00000000 fe:00 9 /usr/lib/locale/x\n"
	     "2000-3000 r-xp 00000000 fe:00 1 /usr/bin/prog (deleted)\n"
	     "3000-4000 rw-p 00001000 fe:00 1 /usr/bin/prog (deleted)\n"
	     "4000-5000 rw-p 00000000 00:00 0 \n");
	is_segments(&w, "file_mmap text data bss", "deleted executable given: found by path");

	WALK(NULL, "1000-2000 r-xp 00000000 fe:00 1 /bin/p\n"
		   "2000-3000 rw-p 00001000 fe:00 1 /bin/p\n"
		   "4000-5000 rw-p 00000000 00:00 0 \n");
	is_segments(&w, "text data anon_mmap", "bss must be adjacent to the data");

	WALK(NULL, "1000-2000 r-xp 00000000 fe:00 1 /bin/p\n"
		   "2000-3000 rw-p 00001000 fe:00 1 /bin/p\n"
		   "3000-4000 rw-p 00000000 00:00 0 \n"
		   "4000-5000 rw-p 00002000 fe:00 1 /bin/p\n"
		   "5000-6000 rw-p 00000000 00:00 0 \n");
	is_segments(&w, "text data bss data anon_mmap", "at most one bss");

	WALK(NULL, "1000-2000 r-xp 00000000 fe:00 1 /bin/p\n"
		   "2000-3000 rw-s 00000000 00:00 0 \n");
	is_segments(&w, "text shmem", "a shared anonymous map after the text is not bss");

	WALK(NULL, "1000-2000 r-xp 00000000 fe:00 1 /bin/p\n"
		   "2000-3000 r-xp 00000000 fe:00 2 /bin/p\n"
		   "3000-4000 r-xp 00000000 fe:01 1 /bin/p\n"
		   "4000-5000 r-xp 00000000 fd:00 1 /bin/p\n");
	is_segments(&w, "text file_mmap file_mmap file_mmap",
		    "same path, other inode or device: not the executable");
}

static void test_libs(void)
{
	WALK("/bin/p",
	     "1000-2000 r-xp 00000000 fe:00 1 /lib/libfoo.so\n"
	     "2000-3000 r-xp 00000000 fe:00 2 /lib/libc.so.6\n"
	     "3000-4000 r--p 00000000 fe:00 3 /py/_ssl.cpython-311-x86_64-linux-gnu.so\n"
	     "4000-5000 r--p 00000000 fe:00 4 /lib/libsomething.soap\n"
	     "5000-6000 r--p 00000000 fe:00 5 /x.so/data.bin\n"
	     "6000-7000 r--p 00000000 fe:00 6 /lib/libgone.so.1 (deleted)\n"
	     "7000-8000 r--p 00000000 fe:00 7 /lib/so\n"
	     "8000-9000 r--p 00000000 fe:00 8 /lib/a.so.x.so\n"
	     "9000-a000 r--p 00000000 fe:00 9 /opt/x.so.d/data.bin\n");
	is_segments(&w, "libs libs libs file_mmap file_mmap libs file_mmap libs file_mmap",
		    ".so at the end of the base name or followed by a dot");

	WALK("/bin/p",
	     "1000-2000 r-xp 00000000 fe:00 2 /lib/libc.so.6\n"
	     "2000-3000 rw-p 00000000 00:00 0 \n"
	     "3000-4000 rw-p 00001000 fe:00 2 /lib/libc.so.6\n"
	     "4000-5000 rw-p 00000000 00:00 0 \n"
	     "5000-6000 rw-p 00000000 00:00 0 \n"
	     "7000-8000 rw-p 00002000 fe:00 2 /lib/libc.so.6\n"
	     "9000-a000 rw-p 00000000 00:00 0 \n");
	is_segments(&w, "libs anon_mmap libs libs anon_mmap libs anon_mmap",
		    "library bss: anonymous, right after the library's writable mapping");
}

static void test_shmem_anon_kernel(void)
{
	WALK("/bin/p",
	     "1000-2000 rw-s 00000000 00:01 1025 /dev/zero (deleted)\n"
	     "2000-3000 rw-p 00000000 00:05 6 /dev/zero\n"
	     "3000-4000 rw-s 00000000 00:00 0 \n"
	     "4000-5000 rw-s 00000000 00:1b 2 /dev/shm/pool\n"
	     "5000-6000 r--p 00000000 00:1b 3 /dev/shm/ro\n"
	     "6000-7000 rw-s 00000000 00:01 32768 /SYSV0000abcd (deleted)\n"
	     "7000-8000 rw-s 00000000 00:01 4 /memfd:wayland-shm (deleted)\n"
	     "8000-9000 rw-s 00000000 00:01 5 [anon_shmem:pool]\n"
	     "9000-a000 rw-p 00000000 00:00 0 [anon:x]\n"
	     "a000-b000 rw-p 00000000 00:00 0 [anon: glibc: malloc arena]\n"
	     "b000-c000 rw-p 00000000 00:00 0 [stack:4321]\n"
	     "c000-d000 rw-p 00000000 00:00 0 \n"
	     "d000-e000 r--p 00000000 00:00 0 [vvar]\n"
	     "e000-f000 r--p 00000000 00:00 0 [vvar_vclock]\n"
	     "f000-10000 r-xp 00000000 00:00 0 [vdso]\n"
	     "10000-11000 r-xp 00000000 00:00 0 [uprobes]\n"
	     "11000-12000 r--p 00000000 00:00 0 [something_new]\n"
	     "12000-13000 rw-s 00000000 fe:00 9 /data/shared.db\n"
	     "13000-14000 r--p 00000000 fe:00 10 /usr/share/fonts/a.ttf\n"
	     "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n");
	is_segments(&w, "shmem anon_mmap shmem shmem shmem shmem shmem shmem anon_mmap anon_mmap "
		    "anon_mmap anon_mmap kernel kernel kernel kernel kernel file_mmap file_mmap kernel",
		    "shmem, anonymous, kernel and file mappings");
}

static void test_figures(void)
{
	struct smaps_vma v = { .start = 0x1000, .end = 0x5000, .path = "" };
	struct segment_totals t;
	unsigned f;

	v.val[SMAPS_RSS] = KB(8);
	v.val[SMAPS_PSS] = KB(3);
	v.val[SMAPS_PRIVATE_CLEAN] = KB(1);
	v.val[SMAPS_PRIVATE_DIRTY] = KB(2);
	v.val[SMAPS_SHARED_DIRTY] = KB(4);
	v.val[SMAPS_SWAP] = KB(5);
	is_u64(segment_figure_of(&v, SEGF_VIRT), 0x4000, "virt without Size: end - start");
	v.val[SMAPS_SIZE] = KB(20);
	v.known = 1u << SMAPS_SIZE;
	is_u64(segment_figure_of(&v, SEGF_VIRT), KB(20), "virt: Size when known");
	is_u64(segment_figure_of(&v, SEGF_RSS), KB(8), "rss");
	is_u64(segment_figure_of(&v, SEGF_PSS), KB(3), "pss");
	is_u64(segment_figure_of(&v, SEGF_USS), KB(3), "uss = Private_Clean + Private_Dirty");
	is_u64(segment_figure_of(&v, SEGF_SWAP), KB(5), "swap");
	is_u64(segment_figure_of(&v, SEGF_DIRTY), KB(6), "dirty = Shared_Dirty + Private_Dirty");
	is_u64(segment_figure_of(&v, SEGF_COUNT), 0, "figure outside the enum: 0");

	memset(&t, 0, sizeof(t));
	segment_totals_add(&t, SEG_HEAP, &v);
	segment_totals_add(&t, SEG_HEAP, &v);
	segment_totals_add(&t, SEG_COUNT, &v);
	is_u64(t.v[SEG_HEAP][SEGF_USS], KB(6), "totals add up");
	is_u64(t.v[SEG_STACK][SEGF_RSS], 0, "other segments untouched");
	v.val[SMAPS_RSS] = UINT64_MAX;
	v.val[SMAPS_PRIVATE_DIRTY] = UINT64_MAX;
	segment_totals_add(&t, SEG_HEAP, &v);
	ok(t.v[SEG_HEAP][SEGF_RSS] == UINT64_MAX && t.v[SEG_HEAP][SEGF_USS] == UINT64_MAX &&
	   t.v[SEG_HEAP][SEGF_DIRTY] == UINT64_MAX, "saturated values saturate the sums");
	for (f = 0; f < SEGF_COUNT; f++)
		if (t.v[SEG_COUNT - 1][f])
			break;
	is_int(f, SEGF_COUNT, "an invalid segment adds nothing");
}

/* A fixture under tests/fixtures/smaps/, whole, as a malloc'd string. */
static char *fixture(const char *name, size_t *len)
{
	char path[256];

	if (snprintf(path, sizeof path, "smaps/%s", name) >= (int)sizeof path)
		return NULL;
	return fixture_dup(path, len);
}

static void test_odd_names(void)
{
	size_t len;
	char *in = fixture("odd-names.smaps", &len);

	if (!in)
		return;
	walk_text(&w, NULL, in, len);
	is_segments(&w, "text data bss file_mmap file_mmap file_mmap file_mmap file_mmap file_mmap "
		    "file_mmap file_mmap heap shmem shmem shmem shmem anon_mmap anon_mmap anon_mmap "
		    "anon_mmap kernel kernel kernel kernel kernel stack kernel",
		    "odd-names fixture: every mapping classified");
	free(in);
}

/* Segment sums equal mapping sums, figure by figure. */
static bool sums_match(const struct walk *wk, uint64_t out[SEGF_COUNT])
{
	uint64_t seg;
	unsigned f, s;
	size_t i;
	bool same = true;

	for (f = 0; f < SEGF_COUNT; f++) {
		out[f] = 0;
		for (i = 0; i < wk->n; i++)
			out[f] += wk->fig[i][f];
		for (seg = 0, s = 0; s < SEG_COUNT; s++)
			seg += wk->t.v[s][f];
		same = same && seg == out[f];
	}
	return same;
}

/* smaps_rollup rounds PSS once over the whole process, smaps once per mapping: the rollup
 * may exceed the sum by less than 1 kB per mapping. Page counts agree exactly. */
static void check_rollup(const char *name, const uint64_t sum[SEGF_COUNT], size_t nmaps)
{
	static struct walk r;
	char file[256];
	size_t len;
	char *in;
	const uint64_t *v = r.rollup;

	snprintf(file, sizeof(file), "%s.rollup", name);
	if (!(in = fixture(file, &len)))
		return;
	walk_text(&r, NULL, in, len);
	ok(r.n == 1, "%s: rollup parsed", name);
	is_u64(sum[SEGF_RSS], v[SMAPS_RSS], "%s: segments' rss = rollup Rss", name);
	is_u64(sum[SEGF_USS], v[SMAPS_PRIVATE_CLEAN] + v[SMAPS_PRIVATE_DIRTY],
	       "%s: segments' uss = rollup Private_Clean + Private_Dirty", name);
	is_u64(sum[SEGF_SWAP], v[SMAPS_SWAP], "%s: segments' swap = rollup Swap", name);
	is_u64(sum[SEGF_DIRTY], v[SMAPS_SHARED_DIRTY] + v[SMAPS_PRIVATE_DIRTY],
	       "%s: segments' dirty = rollup Shared_Dirty + Private_Dirty", name);
	ok(v[SMAPS_PSS] >= sum[SEGF_PSS] && v[SMAPS_PSS] - sum[SEGF_PSS] < KB(nmaps),
	   "%s: segments' pss %" PRIu64 " kB within rounding of rollup Pss %" PRIu64 " kB",
	   name, sum[SEGF_PSS] / 1024, v[SMAPS_PSS] / 1024);
	free(in);
}

static char *exe_of(const char *name)
{
	char file[256], *exe, *nl;
	size_t len;

	snprintf(file, sizeof(file), "%s.exe", name);
	exe = fixture(file, &len);
	if (exe && (nl = strchr(exe, '\n')))
		*nl = '\0';
	return exe;
}

/* Classified with and without the executable's path: the same segments, and sums that
 * agree with the mappings and with the rollup. Returns the totals for further checks. */
static struct segment_totals check_capture(const char *name)
{
	static struct walk guessed;
	struct segment_totals none = { { { 0 } } };
	uint64_t sum[SEGF_COUNT];
	char file[256], *in, *exe;
	size_t len;
	int rc;

	snprintf(file, sizeof(file), "%s.smaps", name);
	if (!(in = fixture(file, &len)) || !(exe = exe_of(name))) {
		free(in);
		return none;
	}
	rc = walk_text(&w, exe, in, len);
	walk_text(&guessed, NULL, in, len);
	ok(rc == 0 && w.n > 0, "%s: %zu mappings parsed", name, w.n);
	ok(guessed.n == w.n && memcmp(guessed.seg, w.seg, w.n * sizeof(w.seg[0])) == 0,
	   "%s: exe path given or guessed: same classification", name);
	ok(sums_match(&w, sum), "%s: segment sums = mapping sums for every figure", name);
	check_rollup(name, sum, w.n);
	free(in);
	free(exe);
	return w.t;
}

static void test_captures(void)
{
	struct segment_totals t;
	unsigned s;
	bool all = true;

	t = check_capture("bash");
	for (s = 0; s < SEG_COUNT; s++)
		if (s == SEG_TEXT || s == SEG_DATA || s == SEG_BSS || s == SEG_HEAP ||
		    s == SEG_STACK || s == SEG_LIBS || s == SEG_KERNEL)
			all = all && t.v[s][SEGF_VIRT] > 0;
	ok(all, "bash: text, data, bss, heap, stack, libs and kernel present");
	ok(t.v[SEG_TEXT][SEGF_RSS] > 0 && t.v[SEG_HEAP][SEGF_RSS] > 0 &&
	   t.v[SEG_LIBS][SEGF_RSS] > 0 && t.v[SEG_STACK][SEGF_RSS] > 0, "bash: resident text, heap, libs, stack");
	ok(t.v[SEG_HEAP][SEGF_USS] > KB(100), "bash: its 3,000-entry array is in the heap");

	t = check_capture("tiny-c");
	ok(t.v[SEG_BSS][SEGF_RSS] >= KB(3072), "tiny-c: the 3 MiB written bss is bss");
	ok(t.v[SEG_DATA][SEGF_RSS] > 0 && t.v[SEG_TEXT][SEGF_RSS] > 0, "tiny-c: data and text");
	ok(t.v[SEG_ANON_MMAP][SEGF_RSS] >= KB(300), "tiny-c: the 300 KiB malloc is its own mmap");
	ok(t.v[SEG_HEAP][SEGF_RSS] >= KB(64), "tiny-c: the 64 KiB malloc is in the heap");

	t = check_capture("python3-libs");
	ok(t.v[SEG_LIBS][SEGF_RSS] > t.v[SEG_TEXT][SEGF_RSS], "python3-libs: libraries dominate");

	t = check_capture("memhog-maps200");
	ok(t.v[SEG_ANON_MMAP][SEGF_RSS] >= KB(800), "memhog-maps200: 200 touched pages are anon_mmap");
}

int main(void)
{
	test_names();
	test_classic();
	test_exe_rules();
	test_libs();
	test_shmem_anon_kernel();
	test_figures();
	test_odd_names();
	test_captures();
	return tap_done();
}
