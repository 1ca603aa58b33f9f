/*
 * roles.h - the workbench's colour roles.
 *
 * Everything the workbench draws is tagged with a role ("chart.flows",
 * "status", "msg.error", ...), never with a colour; a theme
 * (theme.h, themes/NAME.theme) maps each role to colours and attributes.
 * This header is pure (no ncurses) so the chart renderer and its tests
 * can use it.
 */
#ifndef FM_TUI_ROLES_H
#define FM_TUI_ROLES_H

enum tui_role {
	ROLE_DEFAULT,	      /* "default": plain text */
	ROLE_STATUS,	      /* "status": the status line */
	ROLE_STATUS_ACCENT,   /* "status.accent": session/object names */
	ROLE_STATUS_PROGRESS, /* "status.progress": progress bar, done part */
	ROLE_PANEL_BORDER,    /* "panel.border" */
	ROLE_PANEL_FOCUS,     /* "panel.focus": border of the focused panel */
	ROLE_PANEL_TITLE,     /* "panel.title" */
	ROLE_PANEL_TEXT,      /* "panel.text" */
	ROLE_PANEL_SELECT,    /* "panel.select": the selected line */
	ROLE_PANEL_DIM,	      /* "panel.dim": hints, placeholders */
	ROLE_PROMPT,	      /* "prompt": the command line */
	ROLE_PROMPT_SIGN,     /* "prompt.sign": the "fm>" sign */
	ROLE_MSG_ERROR,	      /* "msg.error" */
	ROLE_MSG_WARN,	      /* "msg.warn" */
	ROLE_MSG_INFO,	      /* "msg.info": notes, command output */
	ROLE_MSG_CMD,	      /* "msg.cmd": an echoed command line */
	ROLE_CHART_AXIS,      /* "chart.axis": axis lines and tick labels */
	ROLE_CHART_GRID,      /* "chart.grid" */
	ROLE_CHART_TEXT,      /* "chart.text": titles, legend text */
	ROLE_CHART_FLOWS,     /* "chart.flows" */
	ROLE_CHART_PACKETS,   /* "chart.packets" */
	ROLE_CHART_OCTETS,    /* "chart.octets" */
	ROLE_CHART_MODEL,     /* "chart.model": a mixture */
	ROLE_CHART_COMP,      /* "chart.comp": mixture components */
	ROLE_CHART_OVERLAY1,  /* "chart.overlay1": the first object of an
			       * overlay (`show A B ...`) */
	ROLE_CHART_OVERLAY8 = ROLE_CHART_OVERLAY1 + 7, /* ... the eighth */
	ROLE_COUNT
};

/* The role's theme name ("chart.flows"), or NULL when out of range. */
const char *tui_role_name(int role);
/* The role named name, or -1. */
int tui_role_lookup(const char *name);

#endif
