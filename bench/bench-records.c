/*
 * bench-records.c - throughput of the record tools: merge, sort and
 * anonymize (issue 3 targets: merge 1M < 0.15 s, sort 6.5M by
 * `first first_ms` < 0.6 s and by `octets` < 0.8 s, anonymize 1M < 0.5 s).
 *
 *   bench-records [-d DIR] [-n RECORDS] [-s SORT_RECORDS] [-k]
 *
 * Generates two synthetic binary datasets in DIR (default: a new
 * directory under /tmp, removed at the end unless -k): N records for merge
 * and anonymize (default 1000000; flows cut by a 300 s active timeout
 * into 2-6 pieces for 2% of keys) and S records for sort (default
 * 6500000; one hour of traffic in rough export order, heavy-tailed sizes,
 * 200000 hosts).  Each measurement runs in a child process so that its
 * peak RSS is its own; the time covers the library call from opening the
 * input to committing the output (files in the page cache).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/anonymize.h"
#include "flowmodels/io.h"
#include "flowmodels/merge.h"
#include "flowmodels/sort.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void die(const struct fm_error *err)
{
	fprintf(stderr, "bench-records: %s\n", err->msg);
	exit(1);
}

/* Heavy-tailed packet count: mostly small, some huge. */
static int64_t packets_of(uint64_t *s)
{
	double u = (double)(rnd(s) >> 11) / 9007199254740992.0;
	double p = 1.0 / pow(1.0 - u * 0.999999, 0.9);
	return (int64_t)p;
}

static void fill(struct fm_batch *b, size_t i, uint64_t *s, int64_t first,
		 int64_t first_ms, int64_t dur_ms, uint32_t hosts)
{
	int64_t *c[FM_NFIELDS];
	for (int f = 0; f < FM_NFIELDS; f++)
		c[f] = fm_batch_mut(b, f);
	c[FM_AF][i] = 2;
	c[FM_PROT][i] = rnd(s) % 4 ? 6 : 17;
	c[FM_INIF][i] = (int64_t)(rnd(s) % 8);
	c[FM_OUTIF][i] = (int64_t)(rnd(s) % 8);
	c[FM_SA0][i] = c[FM_SA1][i] = c[FM_SA2][i] = 0;
	c[FM_DA0][i] = c[FM_DA1][i] = c[FM_DA2][i] = 0;
	c[FM_SA3][i] = (int64_t)(0x0a000000u + (uint32_t)(rnd(s) % hosts) * 7u);
	c[FM_DA3][i] =
	    (int64_t)(uint32_t)(0x9d000000u + (uint32_t)(rnd(s) % hosts) * 13u);
	c[FM_SP][i] = (int64_t)(1024 + rnd(s) % 64000);
	c[FM_DP][i] = (int64_t)(rnd(s) % 3 ? 443 : rnd(s) % 65536);
	c[FM_FIRST][i] = first;
	c[FM_FIRST_MS][i] = first_ms;
	int64_t end = first * 1000 + first_ms + dur_ms;
	c[FM_LAST][i] = end / 1000;
	c[FM_LAST_MS][i] = end % 1000;
	c[FM_PACKETS][i] = packets_of(s);
	c[FM_OCTETS][i] = c[FM_PACKETS][i] * (int64_t)(40 + rnd(s) % 1461);
	c[FM_AGGS][i] = 1;
}

static void gen(const char *dir, uint64_t n, int split)
{
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY, .log = NULL};
	struct fm_writer *w;
	struct fm_error err = {0};
	struct fm_batch b;
	uint64_t s = 42 + n;
	const int64_t t0 = 1433962800;

	if (fm_writer_open(&w, &wo, dir, &err) < 0)
		die(&err);
	int64_t prev[FM_NFIELDS];

	fm_batch_alloc(&b, FM_ALL_FIELDS, FM_BATCH_CAP);
	for (uint64_t i = 0; i < n;) {
		int64_t t = t0 * 1000 + (int64_t)(i * 3600000 / n) +
			    (int64_t)(rnd(&s) % 30000);
		int pieces =
		    split && rnd(&s) % 50 == 0 ? 2 + (int)(rnd(&s) % 5) : 1;
		for (int p = 0; p < pieces && i < n; p++, i++) {
			int64_t dur = p + 1 < pieces
					  ? 299000 + (int64_t)(rnd(&s) % 1000)
					  : (int64_t)(rnd(&s) % 60000);
			if (p == 0) {
				fill(&b, b.n, &s, t / 1000, t % 1000, dur,
				     200000);
			} else {
				/* the same key, starting 0.5 s after the
				 * previous piece */
				for (int f = 0; f < FM_NFIELDS; f++)
					fm_batch_mut(&b, f)[b.n] = prev[f];
				int64_t st = b.col[FM_LAST][b.n] * 1000 +
					     b.col[FM_LAST_MS][b.n] + 500;
				int64_t *c = fm_batch_mut(&b, FM_FIRST);
				c[b.n] = st / 1000;
				fm_batch_mut(&b, FM_FIRST_MS)[b.n] = st % 1000;
				fm_batch_mut(&b, FM_LAST)[b.n] =
				    (st + dur) / 1000;
				fm_batch_mut(&b, FM_LAST_MS)[b.n] =
				    (st + dur) % 1000;
			}
			for (int f = 0; f < FM_NFIELDS; f++)
				prev[f] = b.col[f][b.n];
			if (++b.n == FM_BATCH_CAP) {
				if (fm_writer_write(w, &b, &err) < 0)
					die(&err);
				b.n = 0;
			}
		}
	}
	if ((b.n && fm_writer_write(w, &b, &err) < 0) ||
	    fm_writer_commit(w, &err) < 0)
		die(&err);
	fm_writer_free(w);
	fm_batch_release(&b);
}

static struct fm_scan *scan(const char *dir)
{
	struct fm_scan_opts so;
	struct fm_scan *s;
	struct fm_error err = {0};

	memset(&so, 0, sizeof(so));
	so.reader.format = FM_FORMAT_BINARY;
	so.reader.fields = FM_ALL_FIELDS;
	fm_cut_init(&so.cut);
	if (fm_scan_open(&s, &so, &dir, 1, &err) < 0)
		die(&err);
	return s;
}

static struct fm_writer *writer(const char *dir)
{
	struct fm_writer_opts wo = {.format = FM_FORMAT_BINARY, .log = NULL};
	struct fm_writer *w;
	struct fm_error err = {0};

	if (fm_writer_open(&w, &wo, dir, &err) < 0)
		die(&err);
	return w;
}

/* Run job in a child; print time, records/s and the child's peak RSS. */
static void measure(const char *name, uint64_t n, double target,
		    void (*job)(const char *, const char *), const char *a,
		    const char *b)
{
	int pfd[2];
	double t = 0;
	struct rusage ru;
	int st;

	if (pipe(pfd) < 0)
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		double t0 = now();
		job(a, b);
		t = now() - t0;
		if (write(pfd[1], &t, sizeof(t)) != sizeof(t))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &t, sizeof(t)) != sizeof(t))
		t = -1;
	close(pfd[0]);
	if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench-records: %s failed\n", name);
		exit(1);
	}
	double cpu =
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
	printf("%-24s %8llu rec  wall %6.3f s (%10.0f rec/s)  cpu %6.3f s "
	       "(user %.3f)  peak RSS %6.1f MiB  target %.2f s: %s\n",
	       name, (unsigned long long)n, t, (double)n / t, cpu,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6,
	       (double)ru.ru_maxrss / 1024.0, target,
	       t < target ? "met" : "MISSED");
	fflush(stdout);
}

static void job_merge(const char *in, const char *out)
{
	struct fm_error err = {0};
	struct fm_merge_opts mo;
	struct fm_merge_stats st;
	struct fm_scan *s = scan(in);
	struct fm_writer *w = writer(out);

	fm_merge_opts_init(&mo);
	if (fm_merge_run(s, w, &mo, &st, &err) < 0 ||
	    fm_writer_commit(w, &err) < 0)
		die(&err);
	fm_writer_free(w);
	fm_scan_free(s);
}

static void job_anon(const char *in, const char *out)
{
	struct fm_error err = {0};
	struct fm_anon_stats st;
	struct fm_scan *s = scan(in);
	struct fm_writer *w = writer(out);
	const unsigned char *key =
	    (const unsigned char *)"boojahyoo3vaeToong0Eijee7Ahz3yee";

	if (fm_anonymize_run(s, w, key, FM_ANON_V6_CRYPTOPAN, &st, &err) < 0 ||
	    fm_writer_commit(w, &err) < 0)
		die(&err);
	fm_writer_free(w);
	fm_scan_free(s);
}

static void job_sort(const char *in, const char *out, const int *keys,
		     size_t nk)
{
	struct fm_error err = {0};
	struct fm_sort_opts so;

	fm_sort_opts_init(&so);
	so.keys = keys;
	so.nkeys = nk;
	if (fm_sort_binary(in, out, &so, NULL, &err) < 0)
		die(&err);
}

static void job_sort_first(const char *in, const char *out)
{
	static const int k[] = {FM_FIRST, FM_FIRST_MS};
	job_sort(in, out, k, 2);
}

static void job_sort_octets(const char *in, const char *out)
{
	static const int k[] = {FM_OCTETS};
	job_sort(in, out, k, 1);
}

int main(int argc, char **argv)
{
	uint64_t n = 1000000, ns = 6500000;
	char dir[4096] = "";
	int keep = 0, opt;
	char p1[4200], p2[4200], o[4200];

	while ((opt = getopt(argc, argv, "d:n:s:k")) != -1) {
		switch (opt) {
		case 'd':
			snprintf(dir, sizeof(dir), "%s", optarg);
			break;
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 's':
			ns = strtoull(optarg, NULL, 10);
			break;
		case 'k':
			keep = 1;
			break;
		default:
			fprintf(stderr, "usage: bench-records [-d DIR] [-n "
					"RECORDS] [-s SORT_RECORDS] [-k]\n");
			return 2;
		}
	}
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/bench-records.XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 1;
		}
	}
	snprintf(p1, sizeof(p1), "%s/records-%llu", dir, (unsigned long long)n);
	snprintf(p2, sizeof(p2), "%s/records-%llu", dir,
		 (unsigned long long)ns);
	if (access(p1, F_OK) != 0)
		gen(p1, n, 1);
	if (access(p2, F_OK) != 0)
		gen(p2, ns, 0);
	printf("data in %s\n", dir);

	snprintf(o, sizeof(o), "%s/out-merge", dir);
	measure("merge -I 15 -A 300", n, 0.15, job_merge, p1, o);
	snprintf(o, sizeof(o), "%s/out-anon", dir);
	measure("anonymize", n, 0.5, job_anon, p1, o);
	snprintf(o, sizeof(o), "%s/out-sort-first", dir);
	measure("sort -k first first_ms", ns, 0.6, job_sort_first, p2, o);
	snprintf(o, sizeof(o), "%s/out-sort-octets", dir);
	measure("sort -k octets", ns, 0.8, job_sort_octets, p2, o);
	if (!keep) {
		char cmd[4300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
}
