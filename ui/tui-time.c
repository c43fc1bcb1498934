/* Time travel in a recording (memtop -r): [ and ] one sample back and forward, b to go to
 * a time (as atop's b). On the machine these keys say what they are for; the actions that
 * act on live processes (k, a) say why they do not act on recorded ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errtext.h"
#include "tui.h"
#include "when.h"

static unsigned time_not_recording(struct tui *t)
{
	tui_message(t, true, "[ ] and b travel in time in a recording: memtop -r FILE (memtop -w FILE records one)");
	return TR_REDRAW;
}

static unsigned time_moved(struct tui *t, int rc, const char *edge)
{
	if (rc == -ENOTSUP)
		return time_not_recording(t);
	if (rc == -ENOENT) {
		tui_message(t, false, "%s", edge);
		return TR_REDRAW;
	}
	if (rc < 0) {
		tui_message(t, true, "cannot read the recording: %s", errtext(-rc));
		return TR_REDRAW;
	}
	return TR_SAMPLE;	/* presents the new moment */
}

unsigned tui_time_step(struct tui *t, int key)
{
	bool back = key == '[';

	return time_moved(t, source_step(t->source, back ? -1 : 1),
			  back ? "this is the first sample recorded" : "this is the last sample recorded so far");
}

/* Relative times are from the moment shown; a time of day is the latest one recorded. */
static unsigned time_go(struct tui *t, const char *text)
{
	struct replay_pos pos;
	char a[32], b[32];
	double target;

	if (!*text || !source_position(t->source, &pos))
		return TR_REDRAW;
	if (when_parse(text, text[0] == '-' || text[0] == '+' ? pos.time : pos.last, &target) < 0) {
		tui_message(t, true, "not a time: YYYY-MM-DD HH:MM:SS, HH:MM, -10m or +1h");
		return TR_REDRAW;
	}
	if (target < pos.first || target > pos.last + 3600)
		tui_message(t, false, "recorded from %s to %s", when_format(a, sizeof a, pos.first),
			    when_format(b, sizeof b, pos.last));
	return time_moved(t, source_seek(t->source, target), "nothing recorded");
}

unsigned tui_time_prompt(struct tui *t, int key)
{
	struct replay_pos pos;
	char cur[32];

	if (!source_position(t->source, &pos))
		return time_not_recording(t);
	when_format(cur, sizeof cur, pos.time);
	tui_prompt_open(t, "Go to (YYYY-MM-DD HH:MM:SS, HH:MM, -10m, +1h): ", cur, time_go);
	return TR_REDRAW;
}

bool tui_time_live_only(struct tui *t, const char *what)
{
	if (source_is_live(t->source))
		return true;
	tui_message(t, true, "this is a recording: %s live processes only", what);
	return false;
}
