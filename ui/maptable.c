#include <stdlib.h>
#include <string.h>

#include "maptable.h"
#include "sanitize.h"
#include "segment.h"
#include "smaps.h"

const struct maptable_colinfo maptable_cols[MT_COUNT] = {
	[MT_ADDR] = { "ADDRESS", 25, false }, [MT_START] = { "ADDRESS", 12, false },
	[MT_PERMS] = { "PERM", 4, false },
	[MT_OFFSET] = { "OFFSET", 8, false }, [MT_DEV] = { "DEV", 5, false },
	[MT_INODE] = { "INODE", 8, true }, [MT_SIZE] = { "SIZE", 6, true },
	[MT_RSS] = { "RSS", 6, true }, [MT_PSS] = { "PSS", 6, true },
	[MT_SH_CLN] = { "SH_CLN", 6, true }, [MT_SH_DRT] = { "SH_DRT", 6, true },
	[MT_PR_CLN] = { "PR_CLN", 6, true }, [MT_PR_DRT] = { "PR_DRT", 6, true },
	[MT_PRIV] = { "PRIV", 6, true }, [MT_SWAP] = { "SWAP", 6, true },
	[MT_SWAP_PSS] = { "SWPPSS", 6, true }, [MT_LOCKED] = { "LOCKED", 6, true },
	[MT_SEG] = { "SEGMENT", 9, false }, [MT_PATH] = { "PATH", 0, false },
};

const enum maptable_col maptable_full[] = {
	MT_ADDR, MT_PERMS, MT_OFFSET, MT_DEV, MT_INODE, MT_SIZE, MT_RSS, MT_PSS, MT_SH_CLN,
	MT_SH_DRT, MT_PR_CLN, MT_PR_DRT, MT_SWAP, MT_SWAP_PSS, MT_LOCKED, MT_SEG, MT_PATH,
};
const int maptable_nfull = sizeof maptable_full / sizeof maptable_full[0];

/* what fits in 80 columns with a path */
const enum maptable_col maptable_short[] = {
	MT_START, MT_PERMS, MT_SEG, MT_SIZE, MT_RSS, MT_PSS, MT_PRIV, MT_SWAP, MT_PATH,
};
const int maptable_nshort = sizeof maptable_short / sizeof maptable_short[0];

/* The smaps figures a numeric column adds up: a + b (b == a: just a). */
static bool maptable_pair(enum maptable_col c, enum smaps_field *a, enum smaps_field *b)
{
	static const struct { enum maptable_col c; enum smaps_field a, b; } pairs[] = {
		{ MT_SIZE, SMAPS_SIZE, SMAPS_SIZE }, { MT_RSS, SMAPS_RSS, SMAPS_RSS },
		{ MT_PSS, SMAPS_PSS, SMAPS_PSS }, { MT_SH_CLN, SMAPS_SHARED_CLEAN, SMAPS_SHARED_CLEAN },
		{ MT_SH_DRT, SMAPS_SHARED_DIRTY, SMAPS_SHARED_DIRTY },
		{ MT_PR_CLN, SMAPS_PRIVATE_CLEAN, SMAPS_PRIVATE_CLEAN },
		{ MT_PR_DRT, SMAPS_PRIVATE_DIRTY, SMAPS_PRIVATE_DIRTY },
		{ MT_PRIV, SMAPS_PRIVATE_CLEAN, SMAPS_PRIVATE_DIRTY }, { MT_SWAP, SMAPS_SWAP, SMAPS_SWAP },
		{ MT_SWAP_PSS, SMAPS_SWAP_PSS, SMAPS_SWAP_PSS }, { MT_LOCKED, SMAPS_LOCKED, SMAPS_LOCKED },
	};

	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		if (pairs[i].c == c) {
			*a = pairs[i].a;
			*b = pairs[i].b;
			return true;
		}
	}
	return false;
}

bool maptable_value(const struct mapping *m, enum maptable_col c, uint64_t *v)
{
	enum smaps_field a, b;
	uint64_t need;

	if (c == MT_INODE) {
		*v = m->inode;
		return true;
	}
	if (!maptable_pair(c, &a, &b))
		return false;
	if (c == MT_SIZE && !(m->known & (1ull << SMAPS_SIZE))) {
		*v = m->end - m->start;	/* maps alone: the size is the range */
		return true;
	}
	need = (1ull << a) | (1ull << b);
	*v = m->val[a] + (a != b ? m->val[b] : 0);
	return (m->known & need) == need;
}

int maptable_addr_width(const struct mapping *maps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (maps[i].end >> 48 && maps[i].seg != SEG_KERNEL)
			return 16;
	}
	return 12;
}

/* v in hex, lower case, zero-padded to at least width digits. */
static char *maptable_hex(char *o, uint64_t v, int width)
{
	int n = 1;

	while (n < 16 && v >> (n * 4))
		n++;
	if (n < width)
		n = width;
	for (int i = n - 1; i >= 0; i--, v >>= 4)
		o[i] = "0123456789abcdef"[v & 15];
	return o + n;
}

static char *maptable_str(char *o, const char *s)
{
	size_t n = strlen(s);

	memcpy(o, s, n);
	return o + n;
}

/* Written by hand, not through printf: a big process has 60,000 rows of 17 cells, and
 * printf was a fifth of -m's time. */
char *maptable_cell(char *out, const struct mapping *m, enum maptable_col c, enum unit u, int addr_width,
		    size_t path_room)
{
	char num[32];
	uint64_t v;

	switch (c) {
	case MT_ADDR:
		out = maptable_hex(out, m->start, addr_width);
		*out++ = '-';
		return maptable_hex(out, m->end, addr_width);
	case MT_START:
		return maptable_hex(out, m->start, addr_width);
	case MT_PERMS:
		memcpy(out, m->perms, strnlen(m->perms, sizeof m->perms));
		return out + strnlen(m->perms, sizeof m->perms);
	case MT_OFFSET:
		return maptable_hex(out, m->offset, 8);
	case MT_DEV:
		out = maptable_hex(out, m->dev_major, 2);
		*out++ = ':';
		return maptable_hex(out, m->dev_minor, 2);
	case MT_INODE:
		return out + units_dec(out, m->inode);
	case MT_SEG:
		return maptable_str(out, segment_name(m->seg));
	case MT_PATH:
		if (!m->path)
			return maptable_str(out, "[anon]");
		sanitize_term(out, path_room, m->path, strlen(m->path), path_room / 4);
		out += strlen(out);
		return m->deleted ? maptable_str(out, " (deleted)") : out;
	default:
		if (!maptable_value(m, c, &v))
			return maptable_str(out, "-");
		return maptable_str(out, units_compact(num, sizeof num, v, u));
	}
}

struct maptable_sort_ctx {
	const struct mapping *maps;
	enum maptable_col c;
};

static int maptable_cmp_text(const struct mapping *a, const struct mapping *b, enum maptable_col c)
{
	switch (c) {
	case MT_PERMS:
		return strcmp(a->perms, b->perms);
	case MT_SEG:
		return strcmp(segment_name(a->seg), segment_name(b->seg));
	case MT_PATH:
		if (!a->path || !b->path)
			return (a->path == NULL) - (b->path == NULL);	/* anonymous last */
		return strcmp(a->path, b->path);
	default:
		return 0;	/* by address, below */
	}
}

static int maptable_cmp(const void *x, const void *y, void *arg)
{
	const struct maptable_sort_ctx *ctx = arg;
	const struct mapping *a = &ctx->maps[*(const size_t *)x], *b = &ctx->maps[*(const size_t *)y];
	int r;

	if (maptable_cols[ctx->c].numeric) {
		uint64_t va, vb;
		bool ka = maptable_value(a, ctx->c, &va), kb = maptable_value(b, ctx->c, &vb);

		if (ka != kb)
			return ka ? -1 : 1;	/* unknown last */
		r = ka ? (va < vb) - (va > vb) : 0;	/* biggest first */
	} else {
		r = maptable_cmp_text(a, b, ctx->c);
	}
	return r ? r : (a->start > b->start) - (a->start < b->start);
}

void maptable_sort(size_t *order, const struct mapping *maps, size_t n, enum maptable_col c)
{
	struct maptable_sort_ctx ctx = { maps, c };

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	if (n > 1)
		qsort_r(order, n, sizeof *order, maptable_cmp, &ctx);
}

int maptable_col_of(enum field_id id)
{
	switch (id) {
	case FLD_VIRT: return MT_SIZE;
	case FLD_RSS: return MT_RSS;
	case FLD_PSS: return MT_PSS;
	case FLD_USS: return MT_PRIV;
	case FLD_SWAP: return MT_SWAP;
	case FLD_SWAP_PSS: return MT_SWAP_PSS;
	case FLD_LOCKED: return MT_LOCKED;
	default: return -1;
	}
}
