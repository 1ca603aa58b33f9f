/*
 * fuzz-records.c - libFuzzer target for the csv_flow and pipe parsers.
 * The first byte picks the format; the rest is the file's content, fed
 * through a memory file descriptor.  Every input must end in records or a
 * clean error, never a crash, hang or sanitizer report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_source *src;
	struct fm_error err;
	struct fm_batch b;
	int fd, r;

	if (size < 1)
		return 0;
	fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if (fm_write_all(fd, data + 1, size - 1) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return 0;
	}
	if (data[0] & 1)
		r = fm_pipe_source_from_fd(&src, fd, "fuzz", FM_ALL_FIELDS, &err);
	else
		r = fm_csv_source_from_fd(&src, fd, "fuzz", FM_ALL_FIELDS, &err);
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
				abort();   /* unreachable: reads every value */
	src->ops->close(src);
	return 0;
}
