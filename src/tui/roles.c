/*
 * roles.c - names of the colour roles (the keys of a theme file).
 */
#include <stddef.h>
#include <string.h>

#include "roles.h"

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_DEFAULT] = "default",
    [ROLE_STATUS] = "status",
    [ROLE_STATUS_ACCENT] = "status.accent",
    [ROLE_STATUS_PROGRESS] = "status.progress",
    [ROLE_PANEL_BORDER] = "panel.border",
    [ROLE_PANEL_FOCUS] = "panel.focus",
    [ROLE_PANEL_TITLE] = "panel.title",
    [ROLE_PANEL_TEXT] = "panel.text",
    [ROLE_PANEL_SELECT] = "panel.select",
    [ROLE_PANEL_DIM] = "panel.dim",
    [ROLE_PROMPT] = "prompt",
    [ROLE_PROMPT_SIGN] = "prompt.sign",
    [ROLE_MSG_ERROR] = "msg.error",
    [ROLE_MSG_WARN] = "msg.warn",
    [ROLE_MSG_INFO] = "msg.info",
    [ROLE_MSG_CMD] = "msg.cmd",
    [ROLE_CHART_AXIS] = "chart.axis",
    [ROLE_CHART_GRID] = "chart.grid",
    [ROLE_CHART_TEXT] = "chart.text",
    [ROLE_CHART_FLOWS] = "chart.flows",
    [ROLE_CHART_PACKETS] = "chart.packets",
    [ROLE_CHART_OCTETS] = "chart.octets",
    [ROLE_CHART_MODEL] = "chart.model",
    [ROLE_CHART_COMP] = "chart.comp",
    [ROLE_CHART_OVERLAY1] = "chart.overlay1",
    [ROLE_CHART_OVERLAY1 + 1] = "chart.overlay2",
    [ROLE_CHART_OVERLAY1 + 2] = "chart.overlay3",
    [ROLE_CHART_OVERLAY1 + 3] = "chart.overlay4",
    [ROLE_CHART_OVERLAY1 + 4] = "chart.overlay5",
    [ROLE_CHART_OVERLAY1 + 5] = "chart.overlay6",
    [ROLE_CHART_OVERLAY1 + 6] = "chart.overlay7",
    [ROLE_CHART_OVERLAY8] = "chart.overlay8",
};

const char *tui_role_name(int role)
{
	if (role < 0 || role >= ROLE_COUNT)
		return NULL;
	return role_names[role];
}

int tui_role_lookup(const char *name)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strcmp(role_names[r], name) == 0)
			return r;
	return -1;
}
