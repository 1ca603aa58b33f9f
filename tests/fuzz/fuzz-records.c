/*
 * fuzz-records.c - libFuzzer target for the csv_flow and pipe parsers.
 * The first byte picks the format; the rest is the file's content, fed
 * through a memory file descriptor.  Every input must end in records or a
 * clean error, never a crash, hang or sanitizer report.  Each line of a
 * csv_flow input is also parsed by both csv_flow line parsers (fast and
 * simple, fm_csv_parse_record), which must agree on result, values and
 * message.
 *
 * The sources are opened with small buffers (struct fm_text_opts): a
 * 256-byte read buffer that grows for longer lines, batches of 16 records,
 * and two parsing threads for csv_flow batches of 8 lines or more - the
 * production code paths, set up in microseconds instead of allocating
 * 5 MiB per input (which held this target at ~200 executions a second).
 * One memory file serves every input (emptied with ftruncate), not one
 * created and destroyed per input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Both line parsers on each line of [p, end), as fm_textin splits it. */
static void compare_parsers(const char *p, const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t l = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
		/* exactly l + 1 bytes, so that ASan sees any read past the
		 * byte after the line */
		char *line = malloc(l + 1);
		int64_t v1[FM_NFIELDS], v0[FM_NFIELDS];
		struct fm_error e1, e0;
		int r1, r0;

		if (!line)
			return;
		memcpy(line, p, l);
		line[l] = l < len ? '\r' : nl ? '\n' : '\0';
		memset(&e1, 0, sizeof(e1));
		memset(&e0, 0, sizeof(e0));
		r1 = fm_csv_parse_record("fuzz", line, l, 1, v1, 1, &e1);
		r0 = fm_csv_parse_record("fuzz", line, l, 1, v0, 0, &e0);
		if (r1 != r0 || (r0 == 0 && memcmp(v1, v0, sizeof(v0)) != 0) ||
		    (r0 < 0 && strcmp(e1.msg, e0.msg) != 0))
			abort();
		free(line);
		p += len + (nl != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fm_text_opts small = {
	    .chunk = 256, .batch_cap = 16, .parallel_min = 8};
	struct fm_source *src;
	struct fm_error err;
	struct fm_batch b;
	static int memfd = -1;
	int fd, r;

	if (size < 1)
		return 0;
	if (!(data[0] & 1))
		compare_parsers((const char *)data + 1,
				(const char *)data + size);
	/* one memory file for all inputs, emptied and refilled; the source
	 * takes over a duplicate (which shares the offset) */
	if (memfd < 0 && (memfd = memfd_create("fuzz", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(memfd, 0) < 0 || lseek(memfd, 0, SEEK_SET) < 0 ||
	    fm_write_all(memfd, data + 1, size - 1) < 0 ||
	    lseek(memfd, 0, SEEK_SET) < 0 || (fd = dup(memfd)) < 0)
		abort();
	if (data[0] & 1)
		r = fm_pipe_source_from_fd(&src, fd, "fuzz", FM_ALL_FIELDS,
					   &small, &err);
	else
		r = fm_csv_source_from_fd(&src, fd, "fuzz", FM_ALL_FIELDS,
					  &small, &err);
	if (r < 0) {
		close(fd);
		return 0;
	}
	if (data[0] & 2) {
		int64_t k = src->ops->skip(src, data[0] >> 2, &err);
		(void)k;
	}
	while (src->ops->next(src, &b, FM_BATCH_CAP, &err) > 0)
		for (size_t i = 0; i < b.n; i++)
			if (b.col[FM_PACKETS][i] == 0x7fffffff)
				abort(); /* unreachable: reads every value */
	src->ops->close(src);
	return 0;
}
