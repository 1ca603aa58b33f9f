/*
 * mdman.h - the markdown of docs/ as man(7) source: headings as .SH/.SS,
 * paragraphs, lists, code blocks (fenced or indented) in no-fill mode,
 * and tables as tagged paragraphs (first cell the tag).
 */
#ifndef FM_GEN_MDMAN_H
#define FM_GEN_MDMAN_H

#include "roff.h"

struct mdman_opts {
	/* Sections (## headings, compared without case) left out. */
	const char *const *skip_sections;
	/*
	 * Called for a line `<!-- NAME -->` with NAME; other HTML comments
	 * are dropped.  May be NULL.
	 */
	void (*directive)(void *ctx, struct roff *r, const char *name);
	void *ctx;
	/* Stop before the first ## heading (the prelude only), or start
	 * after it (everything but the prelude). */
	int prelude_only, skip_prelude;
};

/*
 * Write the markdown text as man source to r.  The first # heading (the
 * page title) is left out; ## becomes .SH (in upper case), ### .SS.
 */
void mdman_write(struct roff *r, const char *text, const struct mdman_opts *o);

#endif
