/* The mouse (ncurses' mouse reports): the wheel scrolls whatever list is shown, a click is the
 * shown screen's to act on (a row selects it, a column title sorts by it). Off with
 * --no-mouse or "mouse = off" in memtoprc: the terminal then selects text as usual. */
#include <curses.h>

#include "tui.h"

#define MOUSE_WHEEL_ROWS 3

#ifdef BUTTON5_PRESSED
#define MOUSE_WHEEL_DOWN BUTTON5_PRESSED
#else
#define MOUSE_WHEEL_DOWN 0	/* an ncurses without it reports no wheel down */
#endif

void tui_mouse_enable(struct tui *t, bool on)
{
	mmask_t want = on ? BUTTON1_PRESSED | BUTTON4_PRESSED | MOUSE_WHEEL_DOWN : 0;

	mouseinterval(0);	/* a press is acted on at once: no wait to tell a click */
	t->mouse = mousemask(want, NULL) != 0;
	if (t->mouse)	/* curses turns reports off on leaving; a signal's way out must too */
		tui_term_restore_add("\033[?1000l\033[?1002l\033[?1006l");
}

static unsigned mouse_wheel(struct tui *t, bool down)
{
	const struct tui_screen *scr = tui_top(t);
	struct tui_list *l = scr->list ? scr->list(t) : NULL;
	bool moved = false;

	for (int i = 0; l && i < MOUSE_WHEEL_ROWS; i++)
		moved = tui_list_key(l, (down ? KEY_DOWN : KEY_UP) | TUI_FKEY) || moved;
	if (!moved)
		return TR_NONE;
	if (scr->moved)
		scr->moved(t, down ? KEY_DOWN : KEY_UP);
	return TR_REDRAW;
}

unsigned tui_mouse_key(struct tui *t, int key)
{
	const struct tui_screen *scr = tui_top(t);
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return TR_NONE;
	if (ev.bstate & BUTTON4_PRESSED)
		return mouse_wheel(t, false);
	if (ev.bstate & MOUSE_WHEEL_DOWN)
		return mouse_wheel(t, true);
	if ((ev.bstate & BUTTON1_PRESSED) && scr->click)
		return scr->click(t, ev.y, ev.x);
	return TR_NONE;
}
