/* Drawing helpers. Every string reaches the screen through sanitize_term(), memtop's own
 * included, so no output site can forget it; every write is clipped to the screen. */
#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"
#include "tui.h"
#include "xalloc.h"

#define DRAW_BUF 8192		/* bytes for one line: about 2,000 columns */

static int draw_attrs[STY_COUNT];

/* Monochrome attributes, used as they are without colour and under the colours with it. */
static const int draw_mono[STY_COUNT] = {
	[STY_TITLE] = A_BOLD,
	[STY_COLHEAD] = A_REVERSE,
	[STY_SORTHEAD] = A_BOLD | A_UNDERLINE,
	[STY_SELECTED] = A_REVERSE,
	[STY_VALUE] = A_BOLD,
	[STY_DIM] = A_DIM,
	[STY_ERROR] = A_BOLD,
	[STY_BAR_SWAP] = A_BOLD,
	[STY_LEAK] = A_BOLD,
};

static const struct {
	short fg, bg;
	int attr;
} draw_colors[STY_COUNT] = {
	[STY_NORMAL] = { -1, -1, 0 },
	[STY_TITLE] = { -1, -1, A_BOLD },
	[STY_COLHEAD] = { COLOR_BLACK, COLOR_GREEN, 0 },
	[STY_SORTHEAD] = { COLOR_BLACK, COLOR_CYAN, A_BOLD },
	[STY_SELECTED] = { COLOR_BLACK, COLOR_CYAN, 0 },
	[STY_LABEL] = { COLOR_CYAN, -1, 0 },
	[STY_VALUE] = { -1, -1, A_BOLD },
	[STY_DIM] = { -1, -1, A_DIM },
	[STY_ERROR] = { COLOR_RED, -1, A_BOLD },
	[STY_OK] = { COLOR_GREEN, -1, 0 },
	[STY_BAR_ANON] = { COLOR_GREEN, -1, 0 },
	[STY_BAR_CACHE] = { COLOR_BLUE, -1, A_BOLD },
	[STY_BAR_SHMEM] = { COLOR_MAGENTA, -1, 0 },
	[STY_BAR_SLAB] = { COLOR_YELLOW, -1, 0 },
	[STY_BAR_KERNEL] = { COLOR_WHITE, -1, A_DIM },
	[STY_BAR_SWAP] = { COLOR_RED, -1, 0 },
	[STY_LEAK] = { COLOR_RED, -1, A_BOLD },
};

void tui_styles_init(bool color)
{
	for (int i = 0; i < STY_COUNT; i++)
		draw_attrs[i] = draw_mono[i];
	if (!color || start_color() == ERR)
		return;
	use_default_colors();
	for (int i = 1; i < STY_COUNT && i < COLOR_PAIRS; i++) {
		if (init_pair(i, draw_colors[i].fg, draw_colors[i].bg) == OK)
			draw_attrs[i] = COLOR_PAIR(i) | draw_colors[i].attr;
	}
}

static int draw_attr(enum tui_style s)
{
	return s < STY_COUNT ? draw_attrs[s] : 0;
}

int tui_put_raw(int y, int x, int maxx, const char *s, size_t len, enum tui_style st)
{
	char buf[DRAW_BUF];
	size_t cols;

	if (maxx > COLS)
		maxx = COLS;
	if (y < 0 || y >= LINES || x < 0 || x >= maxx)
		return x;
	cols = sanitize_term(buf, sizeof buf, s, len, (size_t)(maxx - x));
	attrset(draw_attr(st));
	mvaddstr(y, x, buf);	/* ERR in the bottom-right corner only means "cursor stayed" */
	attrset(A_NORMAL);
	return x + (int)cols;
}

/* Display columns of the first char of s (sanitized text: printable, valid UTF-8), and its
 * length in *len. */
static int draw_char_width(const char *s, size_t *len)
{
	mbstate_t ps;
	wchar_t wc;
	size_t n;
	int w;

	memset(&ps, 0, sizeof ps);
	n = mbrtowc(&wc, s, MB_LEN_MAX, &ps);
	if (n == 0 || n > MB_LEN_MAX) {
		*len = 1;
		return 1;
	}
	*len = n;
	w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int tui_put_skip(int y, int x, int maxx, const char *s, size_t len, int skip, enum tui_style st)
{
	size_t cols, bytes, at = 0;
	char *buf;
	int done = 0;

	if (skip <= 0)
		return tui_put_raw(y, x, maxx, s, len, st);
	if (maxx > COLS)
		maxx = COLS;
	if (y < 0 || y >= LINES || x < 0 || x >= maxx)
		return x;
	/* a column of sanitized text is 4 bytes at most ("\xHH", a 4-byte character) */
	bytes = 4 * ((size_t)skip + (size_t)(maxx - x)) + 8;
	buf = xmalloc(bytes);
	cols = sanitize_term(buf, bytes, s, len, (size_t)skip + (size_t)(maxx - x));
	while (buf[at] && done < skip) {
		size_t n;

		done += draw_char_width(buf + at, &n);
		at += n;
	}
	attrset(draw_attr(st));
	if (done > skip && x < maxx)	/* a wide character cut in two */
		mvaddstr(y, x++, " ");
	if (buf[at])
		mvaddstr(y, x, buf + at);
	attrset(A_NORMAL);
	free(buf);
	return cols > (size_t)done ? x + (int)(cols - (size_t)done) : x;
}

int tui_put(int y, int x, int maxx, const char *s, enum tui_style st)
{
	return tui_put_raw(y, x, maxx, s, strlen(s), st);
}

void tui_fill(int y, int x, int maxx, enum tui_style st)
{
	if (maxx > COLS)
		maxx = COLS;
	if (y < 0 || y >= LINES || x < 0 || x >= maxx)
		return;
	attrset(draw_attr(st));
	mvhline(y, x, ' ', maxx - x);
	attrset(A_NORMAL);
}

int tui_cell(int y, int x, int width, const char *s, size_t len, bool right, enum tui_style st)
{
	int pad;

	if (width <= 0)
		return x;
	pad = right ? width - (int)sanitize_width(s, len) : 0;
	tui_fill(y, x, x + width, st);
	tui_put_raw(y, x + (pad > 0 ? pad : 0), x + width, s, len, st);
	return x + width;
}

int tui_printf(int y, int x, int maxx, enum tui_style st, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return tui_put(y, x, maxx, buf, st);
}

const char *tui_sort_glyph(const struct tui *t, bool ascending)
{
	if (t->utf8)
		return ascending ? "\xe2\x96\xb2" : "\xe2\x96\xbc";	/* ▲ ▼ */
	return ascending ? "^" : "v";
}

/* The bottom line: the prompt while one is open, else a fresh message, else key hints. */
void tui_draw_status(struct tui *t, const char *hints)
{
	int y = LINES - 1;

	if (t->prompt.active) {
		tui_prompt_draw(t, y);
		return;
	}
	curs_set(0);
	if (t->message[0] && tui_now() < t->message_until) {
		tui_fill(y, 0, COLS, STY_NORMAL);
		tui_put(y, 0, COLS, t->message, t->message_error ? STY_ERROR : STY_OK);
		return;
	}
	tui_put(y, 0, COLS, hints, STY_DIM);
}

#define DRAW_STR(x) #x
#define DRAW_XSTR(x) DRAW_STR(x)
#define DRAW_MIN_SIZE DRAW_XSTR(TUI_MIN_COLS) "x" DRAW_XSTR(TUI_MIN_LINES)

/* One line, never wrapped: the longest wording that fits, the shortest cut to the width. */
void tui_draw_too_small(void)
{
	static const char *const notices[] = {
		"Terminal too small: enlarge it to " DRAW_MIN_SIZE " or press q",
		"Terminal too small: need " DRAW_MIN_SIZE ", q quits",
		"Too small: need " DRAW_MIN_SIZE,
		"Too small",
	};
	const size_t n = sizeof notices / sizeof notices[0];
	size_t i = 0;

	while (i + 1 < n && (int)strlen(notices[i]) > COLS)
		i++;
	tui_put(0, 0, COLS, notices[i], STY_ERROR);
}
