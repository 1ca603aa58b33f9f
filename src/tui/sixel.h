/*
 * sixel.h - asking the terminal whether it draws sixel images (sixel.c).
 */
#ifndef FM_TUI_SIXEL_H
#define FM_TUI_SIXEL_H

#include <stddef.h>

/*
 * Find a Primary Device Attributes reply (ESC [ ? Pn ; ... c) in
 * buf[0..len): 1 when it lists attribute 4 (sixel graphics), 0 when it
 * does not, -1 when there is no complete reply; [*start, *end) is the
 * reply's place.
 */
int tui_sixel_parse_da(const char *buf, size_t len, size_t *start, size_t *end);
/*
 * Send ESC [ c on out_fd and wait up to timeout_ms for the reply on
 * in_fd: 1 sixel, 0 no sixel, -1 no reply.  Other bytes read meanwhile
 * (keys typed) go to other[0..*nother) (at most osize), in order.
 */
int tui_sixel_query(int in_fd, int out_fd, int timeout_ms, char *other,
		    size_t osize, size_t *nother);

#endif
