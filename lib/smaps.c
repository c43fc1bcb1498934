/* Streaming parser for maps/smaps/smaps_rollup text (see smaps.h).
 *
 * Complete lines are parsed straight from the caller's buffer; only a line split across
 * two feeds is gathered, in a buffer that grows up to SMAPS_LINE_MAX. Past that the line
 * is cut but still consumed to its '\n', so one hostile line never shifts the rest. */
#include "smaps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SMAPS_BUF_INITIAL 4096

#define F(id, kname, jname) [id] = { kname, jname, sizeof(kname) - 1 }
static const struct {
	const char *kernel, *json;
	size_t len;
} smaps_fields[SMAPS_NFIELDS] = {
	F(SMAPS_SIZE, "Size", "size"),
	F(SMAPS_KERNEL_PAGE_SIZE, "KernelPageSize", "kernel_page_size"),
	F(SMAPS_MMU_PAGE_SIZE, "MMUPageSize", "mmu_page_size"),
	F(SMAPS_RSS, "Rss", "rss"),
	F(SMAPS_PSS, "Pss", "pss"),
	F(SMAPS_PSS_DIRTY, "Pss_Dirty", "pss_dirty"),
	F(SMAPS_PSS_ANON, "Pss_Anon", "pss_anon"),
	F(SMAPS_PSS_FILE, "Pss_File", "pss_file"),
	F(SMAPS_PSS_SHMEM, "Pss_Shmem", "pss_shmem"),
	F(SMAPS_SHARED_CLEAN, "Shared_Clean", "shared_clean"),
	F(SMAPS_SHARED_DIRTY, "Shared_Dirty", "shared_dirty"),
	F(SMAPS_PRIVATE_CLEAN, "Private_Clean", "private_clean"),
	F(SMAPS_PRIVATE_DIRTY, "Private_Dirty", "private_dirty"),
	F(SMAPS_REFERENCED, "Referenced", "referenced"),
	F(SMAPS_ANONYMOUS, "Anonymous", "anonymous"),
	F(SMAPS_KSM, "KSM", "ksm"),
	F(SMAPS_LAZY_FREE, "LazyFree", "lazy_free"),
	F(SMAPS_ANON_HUGE_PAGES, "AnonHugePages", "anon_huge_pages"),
	F(SMAPS_SHMEM_PMD_MAPPED, "ShmemPmdMapped", "shmem_pmd_mapped"),
	F(SMAPS_FILE_PMD_MAPPED, "FilePmdMapped", "file_pmd_mapped"),
	F(SMAPS_SHARED_HUGETLB, "Shared_Hugetlb", "shared_hugetlb"),
	F(SMAPS_PRIVATE_HUGETLB, "Private_Hugetlb", "private_hugetlb"),
	F(SMAPS_SWAP, "Swap", "swap"),
	F(SMAPS_SWAP_PSS, "SwapPss", "swap_pss"),
	F(SMAPS_LOCKED, "Locked", "locked"),
};
#undef F

struct smaps_parser {
	smaps_vma_cb cb;
	void *ctx;
	char *line;		/* a line split across feeds, gathered */
	size_t line_len, line_cap;
	bool line_cut;		/* the gathered line went past SMAPS_LINE_MAX */
	char *path;		/* the current VMA's path, decoded; lives until the next header */
	size_t path_cap;
	struct smaps_vma vma;
	bool have_vma;		/* vma holds a header whose fields may still come */
	bool skipping;		/* after a bad line, fields wait for the next valid header */
	unsigned next_field;	/* fields come in kernel order: look here first */
	int stopped;		/* the callback's non-zero value */
	unsigned long errors;
	unsigned char by_hash[64];	/* smaps_name_hash slot -> field + 1 (0: none) */
	struct {
		uint64_t word[2], mask[2];	/* "Name:" padded to 16 bytes, and which count */
	} name16[SMAPS_NFIELDS];
};

/* Slot of a field name in by_hash. No two kernel names share length, first and last
 * byte, and this mix of the three sends each to a slot of its own (test_fields_reversed
 * finds every name), so a name off the kernel order, or unknown, costs one memcmp. */
static unsigned smaps_name_hash(const char *s, size_t len)
{
	return (unsigned)(len + (unsigned char)s[0] * 12u + (unsigned char)s[len - 1] * 7u) & 63;
}

const char *smaps_field_kernel_name(enum smaps_field f)
{
	return (unsigned)f < SMAPS_NFIELDS ? smaps_fields[f].kernel : NULL;
}

const char *smaps_field_json_name(enum smaps_field f)
{
	return (unsigned)f < SMAPS_NFIELDS ? smaps_fields[f].json : NULL;
}

int smaps_field_lookup(const char *name, size_t len)
{
	for (int i = 0; i < SMAPS_NFIELDS; i++) {
		if (strlen(smaps_fields[i].kernel) == len && memcmp(smaps_fields[i].kernel, name, len) == 0)
			return i;
	}
	return -1;
}

struct smaps_parser *smaps_parser_create(smaps_vma_cb cb, void *ctx)
{
	struct smaps_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->line = malloc(SMAPS_BUF_INITIAL);
	p->path = malloc(SMAPS_BUF_INITIAL);
	if (!p->line || !p->path) {
		smaps_parser_free(p);
		return NULL;
	}
	p->line_cap = p->path_cap = SMAPS_BUF_INITIAL;
	for (unsigned f = 0; f < SMAPS_NFIELDS; f++) {
		char word[16] = "", mask[16] = "";

		p->by_hash[smaps_name_hash(smaps_fields[f].kernel, smaps_fields[f].len)] =
			(unsigned char)(f + 1);
		/* the longest name, Private_Hugetlb, and its ':' just fill the 16 bytes */
		memcpy(word, smaps_fields[f].kernel, smaps_fields[f].len);
		word[smaps_fields[f].len] = ':';
		memset(mask, 0xff, smaps_fields[f].len + 1);
		memcpy(p->name16[f].word, word, sizeof(word));
		memcpy(p->name16[f].mask, mask, sizeof(mask));
	}
	p->path[0] = '\0';
	p->vma.path = p->path;
	p->cb = cb;
	p->ctx = ctx;
	return p;
}

void smaps_parser_free(struct smaps_parser *p)
{
	if (!p)
		return;
	free(p->line);
	free(p->path);
	free(p);
}

void smaps_parser_reset(struct smaps_parser *p)
{
	p->line_len = 0;
	p->line_cut = false;
	p->have_vma = false;
	p->skipping = false;
	p->next_field = 0;
	p->stopped = 0;
	p->errors = 0;
}

unsigned long smaps_parser_errors(const struct smaps_parser *p)
{
	return p->errors;
}

size_t smaps_parser_footprint(const struct smaps_parser *p)
{
	return sizeof(*p) + p->line_cap + p->path_cap;
}

/* Makes *buf hold at least want bytes (doubling, at most max). False when it could not
 * reach want: the caller then cuts its data to *cap. */
static bool smaps_grow(char **buf, size_t *cap, size_t want, size_t max)
{
	size_t n = *cap;
	char *nb;

	if (want <= n)
		return true;
	while (n < want && n < max)
		n = n * 2 < max ? n * 2 : max;
	if (n > *cap) {
		nb = realloc(*buf, n);
		if (!nb)
			return false;
		*buf = nb;
		*cap = n;
	}
	return want <= n;
}

static int smaps_error(struct smaps_parser *p)
{
	p->errors++;
	return -EINVAL;
}

/* Hands the finished VMA to the callback. */
static void smaps_flush(struct smaps_parser *p)
{
	int rc;

	if (!p->have_vma)
		return;
	p->have_vma = false;
	rc = p->cb(&p->vma, p->ctx);
	if (rc)
		p->stopped = rc;
}

static bool smaps_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static const char *smaps_skip_blanks(const char *s, const char *end)
{
	while (s < end && smaps_is_blank(*s))
		s++;
	return s;
}
/* Hex digit value + 1, 0 for other bytes: a table, as every header has about 40 digits. */
static const unsigned char smaps_hex_val[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* 1 to 16 hex digits: more cannot be a 64-bit value, so the line is not a header. */
static bool smaps_hex(const char **sp, const char *end, uint64_t *out)
{
	const char *s = *sp, *stop = end - s > 16 ? s + 16 : end;
	uint64_t v = 0;
	unsigned d;

	while (s < stop && (d = smaps_hex_val[(unsigned char)*s]) != 0) {
		v = v << 4 | (d - 1);
		s++;
	}
	if (s == *sp || (s < end && smaps_hex_val[(unsigned char)*s]))
		return false;
	*sp = s;
	*out = v;
	return true;
}

static bool smaps_hex_uint(const char **sp, const char *end, unsigned *out)
{
	uint64_t v;

	if (!smaps_hex(sp, end, &v) || v > 0xffffffffu)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool smaps_dec(const char **sp, const char *end, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;

	while (s < end && *s >= '0' && *s <= '9') {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		s++;
	}
	if (s == *sp)
		return false;
	*sp = s;
	*out = v;
	return true;
}

static bool smaps_char(const char **sp, const char *end, char c)
{
	if (*sp >= end || **sp != c)
		return false;
	(*sp)++;
	return true;
}

/* Skips spaces, eight at a time where the byte order allows: the kernel pads every value
 * to the same column, 10 to 20 spaces after the name, and a header's path likewise. */
static const char *smaps_skip_spaces(const char *s, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - s >= 8) {
		uint64_t w;

		memcpy(&w, s, sizeof(w));
		w ^= UINT64_C(0x2020202020202020);
		if (w)
			return s + (__builtin_ctzll(w) >> 3);
		s += 8;
	}
#endif
	while (s < end && *s == ' ')
		s++;
	return s;
}

/* One or more spaces between header fields. */
static bool smaps_spaces(const char **sp, const char *end)
{
	const char *s = smaps_skip_spaces(*sp, end);

	if (s == *sp)
		return false;
	*sp = s;
	return true;
}

static bool smaps_perms(const char **sp, const char *end, char perms[5])
{
	const char *s = *sp;

	if (end - s < 4 || (s[0] != 'r' && s[0] != '-') || (s[1] != 'w' && s[1] != '-') ||
	    (s[2] != 'x' && s[2] != '-') || (s[3] != 'p' && s[3] != 's'))
		return false;
	memcpy(perms, s, 4);
	perms[4] = '\0';
	*sp = s + 4;
	return true;
}

/* Copies the path, turning the kernel's only escape, "\012", back into '\n'. */
static size_t smaps_decode_path(char *out, const char *s, size_t n)
{
	const char *end = s + n, *bs;
	size_t o = 0;

	while (s < end && (bs = memchr(s, '\\', (size_t)(end - s)))) {
		memcpy(out + o, s, (size_t)(bs - s));
		o += (size_t)(bs - s);
		if (end - bs >= 4 && memcmp(bs, "\\012", 4) == 0) {
			out[o++] = '\n';
			s = bs + 4;
		} else {
			out[o++] = '\\';
			s = bs + 1;
		}
	}
	memcpy(out + o, s, (size_t)(end - s));
	return o + (size_t)(end - s);
}

static void smaps_set_path(struct smaps_parser *p, const char *s, size_t n, bool cut)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	struct smaps_vma *v = &p->vma;

	if (!smaps_grow(&p->path, &p->path_cap, n + 1, SMAPS_LINE_MAX + 1)) {
		n = p->path_cap - 1;
		cut = true;
	}
	n = smaps_decode_path(p->path, s, n);
	/* a cut line lost its real ending, so it cannot tell whether it was deleted */
	v->deleted = !cut && n >= dlen && memcmp(p->path + n - dlen, deleted, dlen) == 0;
	if (v->deleted)
		n -= dlen;
	p->path[n] = '\0';
	v->path = p->path;
	v->path_len = n;
	v->path_truncated = cut;
}

/* "start-end perms offset major:minor inode [path]". False when the line is not one. */
static bool smaps_parse_header(struct smaps_parser *p, const char *s, const char *end,
			       bool cut)
{
	struct smaps_vma *v = &p->vma;

	if (memchr(s, '\0', (size_t)(end - s)))
		return false;
	if (!smaps_hex(&s, end, &v->start) || !smaps_char(&s, end, '-') ||
	    !smaps_hex(&s, end, &v->end) || v->start > v->end ||
	    !smaps_spaces(&s, end) || !smaps_perms(&s, end, v->perms) ||
	    !smaps_spaces(&s, end) || !smaps_hex(&s, end, &v->offset) ||
	    !smaps_spaces(&s, end) || !smaps_hex_uint(&s, end, &v->dev_major) ||
	    !smaps_char(&s, end, ':') || !smaps_hex_uint(&s, end, &v->dev_minor) ||
	    !smaps_spaces(&s, end) || !smaps_dec(&s, end, &v->inode))
		return false;
	/* the kernel pads with spaces up to the path; anonymous lines end after the padding */
	if (s < end && !smaps_spaces(&s, end))
		return false;
	smaps_set_path(p, s, (size_t)(end - s), cut);
	memset(v->val, 0, sizeof(v->val));
	v->known = 0;
	v->invalid = 0;
	v->vmflags[0] = '\0';
	return true;
}

static int smaps_header_line(struct smaps_parser *p, const char *s, size_t n, bool cut)
{
	smaps_flush(p);
	if (p->stopped)
		return 0;
	if (!smaps_parse_header(p, s, s + n, cut)) {
		p->skipping = true;
		return smaps_error(p);
	}
	p->have_vma = true;
	p->skipping = false;
	p->next_field = 0;
	return 0;
}

enum smaps_value { SMAPS_VALUE_OK, SMAPS_VALUE_BAD, SMAPS_VALUE_OVERFLOW };

/* "   1234 kB" into bytes. */
static enum smaps_value smaps_parse_kb(const char *s, const char *end, uint64_t *bytes)
{
	const char *digits;
	uint64_t kb = 0;
	bool over = false;

	s = smaps_skip_blanks(s, end);
	for (digits = s; s < end && *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (kb > (UINT64_MAX - d) / 10)
			over = true;
		else
			kb = kb * 10 + d;
	}
	if (s == digits || s == end || *s != ' ')
		return SMAPS_VALUE_BAD;
	s = smaps_skip_blanks(s, end);
	if (end - s < 2 || s[0] != 'k' || s[1] != 'B' || smaps_skip_blanks(s + 2, end) != end)
		return SMAPS_VALUE_BAD;
	if (over || kb > UINT64_MAX / 1024) {
		*bytes = UINT64_MAX;
		return SMAPS_VALUE_OVERFLOW;
	}
	*bytes = kb * 1024;
	return SMAPS_VALUE_OK;
}

static void smaps_set_value(struct smaps_vma *v, unsigned f, const char *s, const char *end)
{
	uint64_t bit = (uint64_t)1 << f, bytes = 0;

	switch (smaps_parse_kb(s, end, &bytes)) {
	case SMAPS_VALUE_OK:
		v->known |= bit;
		v->invalid &= ~bit;
		break;
	case SMAPS_VALUE_OVERFLOW:
	case SMAPS_VALUE_BAD:
		v->known &= ~bit;
		v->invalid |= bit;
		break;
	}
	v->val[f] = bytes;
}

/* Kernel flag codes may change; keep them as text, cut at a whole code when too long. */
static void smaps_set_vmflags(struct smaps_vma *v, const char *s, const char *end)
{
	size_t n;

	s = smaps_skip_blanks(s, end);
	while (end > s && smaps_is_blank(end[-1]))
		end--;
	n = (size_t)(end - s);
	if (n >= sizeof(v->vmflags)) {
		n = sizeof(v->vmflags) - 1;
		while (n > 0 && s[n] != ' ')
			n--;
		while (n > 0 && s[n - 1] == ' ')
			n--;
	}
	memcpy(v->vmflags, s, n);
	v->vmflags[n] = '\0';
}

static int smaps_field_find(struct smaps_parser *p, const char *name, size_t len)
{
	unsigned slot = p->by_hash[smaps_name_hash(name, len)];
	unsigned f = slot - 1;

	if (!slot || smaps_fields[f].len != len || memcmp(smaps_fields[f].kernel, name, len) != 0)
		return -1;
	p->next_field = f + 1 < SMAPS_NFIELDS ? f + 1 : 0;
	return (int)f;
}

static int smaps_field_line(struct smaps_parser *p, const char *s, size_t n, size_t name_len)
{
	const char *value = s + name_len + 1, *end = s + n;
	int f;

	if (!p->have_vma) {
		if (p->skipping)
			return 0;
		/* fields without a header: report once, then wait for one */
		p->skipping = true;
		return smaps_error(p);
	}
	if (name_len == 7 && memcmp(s, "VmFlags", 7) == 0) {
		smaps_set_vmflags(&p->vma, value, end);
		return 0;
	}
	f = smaps_field_find(p, s, name_len);
	if (f >= 0)
		smaps_set_value(&p->vma, (unsigned)f, value, end);
	return 0;
}

/* Bytes a field name is made of; a table because this runs for every line. */
static const bool smaps_name_char[256] = {
	['0' ... '9'] = true, ['A' ... 'Z'] = true, ['a' ... 'z'] = true, ['_'] = true,
};

/* Length of the "Name" in "Name:", or 0 when the line does not start like a field. */
static size_t smaps_field_name_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && smaps_name_char[(unsigned char)s[i]])
		i++;
	return i < n && s[i] == ':' ? i : 0;
}

/* One line without its '\n'. Returns 0 or -EINVAL; a stop is left in p->stopped. */
static int smaps_line(struct smaps_parser *p, const char *s, size_t n, bool cut)
{
	size_t name_len;

	if (smaps_skip_blanks(s, s + n) == s + n)
		return 0;
	name_len = smaps_field_name_len(s, n);
	if (name_len)
		return smaps_field_line(p, s, n, name_len);
	/* anything else starts a new VMA, so fields never land on the wrong one */
	return smaps_header_line(p, s, n, cut);
}

/* Nearly every line is "Name:   1234 kB\n" for the field that comes next in kernel order:
 * this reads such a line in one pass, without a memchr for its '\n' first. Returns the
 * bytes it took, '\n' included, or 0 when the line is anything else, or not whole in the
 * buffer: smaps_line then takes it, and would read it the same way (smaps_set_value with
 * SMAPS_VALUE_OK). Only while a VMA is open and no line is pending. */
static size_t smaps_fast_field(struct smaps_parser *p, const char *s, size_t len)
{
	unsigned f = p->next_field;
	size_t name_len = smaps_fields[f].len, n;
	const char *end = s + len, *q, *digits, *lim;
	uint64_t kb = 0, bit = (uint64_t)1 << f;

	if (len >= 16) {
		uint64_t w[2];

		memcpy(w, s, sizeof(w));
		if (((w[0] ^ p->name16[f].word[0]) & p->name16[f].mask[0]) |
		    ((w[1] ^ p->name16[f].word[1]) & p->name16[f].mask[1]))
			return 0;
	} else if (len <= name_len || s[name_len] != ':' ||
		   memcmp(s, smaps_fields[f].kernel, name_len) != 0) {
		return 0;
	}
	q = smaps_skip_spaces(s + name_len + 1, end);
	/* 19 digits cannot overflow; a longer number goes the careful way */
	lim = end - q > 19 ? q + 19 : end;
	for (digits = q; q < lim && (unsigned char)(*q - '0') < 10; q++)
		kb = kb * 10 + (unsigned char)(*q - '0');
	if (q == digits || end - q < 4 || memcmp(q, " kB\n", 4) != 0 || kb > UINT64_MAX / 1024)
		return 0;
	n = (size_t)(q + 3 - s);	/* the line without its '\n' */
	if (n > SMAPS_LINE_MAX)
		return 0;
	p->vma.val[f] = kb * 1024;
	p->vma.known |= bit;
	p->vma.invalid &= ~bit;
	p->next_field = f + 1 < SMAPS_NFIELDS ? f + 1 : 0;
	return n + 1;
}

/* Keeps the start of a line whose end has not arrived yet. */
static void smaps_gather(struct smaps_parser *p, const char *s, size_t n)
{
	size_t room;

	smaps_grow(&p->line, &p->line_cap, p->line_len + n, SMAPS_LINE_MAX);
	room = p->line_cap - p->line_len;
	if (n > room) {
		n = room;
		p->line_cut = true;
	}
	memcpy(p->line + p->line_len, s, n);
	p->line_len += n;
}

static bool smaps_pending(const struct smaps_parser *p)
{
	return p->line_len > 0 || p->line_cut;
}

static int smaps_pending_line(struct smaps_parser *p)
{
	int rc = smaps_line(p, p->line, p->line_len, p->line_cut);

	p->line_len = 0;
	p->line_cut = false;
	return rc;
}

int smaps_parser_feed(struct smaps_parser *p, const char *buf, size_t len)
{
	int err = 0, rc;

	while (len > 0 && !p->stopped) {
		const char *nl;
		size_t n;

		if (p->have_vma && !smaps_pending(p)) {
			/* takes nothing but field lines: have_vma, pending and stopped stay */
			while (len > 0 && (n = smaps_fast_field(p, buf, len)) > 0) {
				buf += n;
				len -= n;
			}
			if (!len)
				break;
		}
		nl = memchr(buf, '\n', len);
		n = nl ? (size_t)(nl - buf) : len;
		if (!nl) {
			smaps_gather(p, buf, n);
			break;
		}
		if (smaps_pending(p)) {
			smaps_gather(p, buf, n);
			rc = smaps_pending_line(p);
		} else if (n > SMAPS_LINE_MAX) {
			rc = smaps_line(p, buf, SMAPS_LINE_MAX, true);
		} else {
			rc = smaps_line(p, buf, n, false);
		}
		if (rc)
			err = rc;
		buf += n + 1;
		len -= n + 1;
	}
	return p->stopped ? p->stopped : err;
}

int smaps_parser_finish(struct smaps_parser *p)
{
	int err = 0;

	if (!p->stopped && smaps_pending(p))
		err = smaps_pending_line(p);
	p->line_len = 0;
	p->line_cut = false;
	if (!p->stopped)
		smaps_flush(p);
	return p->stopped ? p->stopped : err;
}
