/*
 * live.c - the workbench side of live objects (live.h).
 */
#include "cmd/live.h"
#include "live.h"
#include "workbench.h"

#define LIVE_PERIOD 0.25 /* seconds between updates: 4 redraws a second */

static double last_tick;

static void to_messages(void *ctx, enum fm_log_level level, const char *msg)
{
	tui_log(ctx, level == FM_LOG_WARN ? ROLE_MSG_WARN : ROLE_MSG_INFO, "%s",
		msg);
}

int tui_live_active(struct tui *t)
{
	return cmd_live_any(t->sess);
}

void tui_live_tick(struct tui *t)
{
	struct fm_log log = {to_messages, t};
	struct fm_error err = {0};
	double now = cmd_now();
	int changed = 0;

	/* never under a running command: it may be reading an object */
	if (t->job || tui_fit_running(t) || now - last_tick < LIVE_PERIOD)
		return;
	last_tick = now;
	if (!cmd_live_any(t->sess))
		return;
	if (cmd_live_poll(t->sess, &log, &changed, &err) < 0)
		tui_log(t, ROLE_MSG_ERROR, "%s", err.msg);
	if (changed)
		t->dirty |= DIRTY_CHART | DIRTY_OBJECTS | DIRTY_INFO;
	t->dirty |= DIRTY_STATUS;
}

void tui_live_status(struct tui *t, struct fm_buf *out)
{
	cmd_live_status(t->sess, out);
}
