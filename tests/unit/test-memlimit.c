/*
 * test-memlimit.c - the memory budget (memlimit.h): LIMIT parsing, and
 * the default from a fake /proc (meminfo, self/cgroup, self/mountinfo)
 * and fake cgroup v1 and v2 trees: the cgroup's own limit, an ancestor's
 * smaller one, v1's "unlimited", a container whose mount root is its own
 * cgroup, escaped mount points, and nothing to read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowmodels/fileops.h"
#include "flowmodels/memlimit.h"
#include "testutil.h"
#include "cmd/cmd.h"

static void test_parse(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
	    {"65536", 65536},
	    {"1", 1},
	    {"2K", 2048},
	    {"2k", 2048},
	    {"512M", 512ull << 20},
	    {"16MiB", 16ull << 20},
	    {"16mb", 16ull << 20},
	    {"1g", 1ull << 30},
	    {"3T", 3ull << 40},
	    {"100B", 100},
	    {"18446744073709551615", UINT64_MAX},
	};
	static const struct {
		const char *s;
		int code;
		const char *msg;
	} bad[] = {
	    {"", FM_EINVAL, "expected a count of bytes"},
	    {"-1", FM_EINVAL, "expected a count of bytes"},
	    {"M", FM_EINVAL, "expected a count of bytes"},
	    {" 5M", FM_EINVAL, "expected a count of bytes"},
	    {"1.5G", FM_EINVAL, "unknown suffix '.5G'"},
	    {"12X", FM_EINVAL, "unknown suffix 'X'"},
	    {"12MM", FM_EINVAL, "unknown suffix 'M'"},
	    {"12M ", FM_EINVAL, "unknown suffix ' '"},
	    {"0", FM_EINVAL, "must be positive"},
	    {"0K", FM_EINVAL, "must be positive"},
	    {"18446744073709551616", FM_ERANGE, "too large"},
	    {"16777216T", FM_ERANGE, "too large"},
	    {"1\x1b[2J", FM_EINVAL, "'1\\x1b[2J'"},
	};
	struct fm_error err = {0};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 0;
		assert_int_equal(fm_memlimit_parse(good[i].s, &v, &err), 0);
		assert_true(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		assert_int_equal(fm_memlimit_parse(bad[i].s, &v, &err),
				 bad[i].code);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].s,
				 err.msg, bad[i].msg);
		assert_true(v == 7); /* untouched */
	}
	assert_int_equal(fm_memlimit_parse(NULL, &v, &err), FM_EINVAL);
}

/* A fake system under tu_path(name): proc/ and the cgroup tree. */
static const char *fake(const char *name, const char *meminfo,
			const char *cgroup, const char *mountinfo,
			struct fm_memsys *sys)
{
	static char root[2][512];
	static int turn;
	char *r = root[turn++ % 2], p[700];
	struct fm_error err = {0};

	snprintf(r, sizeof(root[0]), "%s", tu_path(name));
	fm_rm_rf(r);
	snprintf(p, sizeof(p), "%s/proc/self", r);
	assert_int_equal(fm_mkdir_p(p, &err), 0);
	if (meminfo) {
		snprintf(p, sizeof(p), "%s/proc/meminfo", r);
		tu_write_file(p, meminfo);
	}
	if (cgroup) {
		snprintf(p, sizeof(p), "%s/proc/self/cgroup", r);
		tu_write_file(p, cgroup);
	}
	if (mountinfo) {
		snprintf(p, sizeof(p), "%s/proc/self/mountinfo", r);
		tu_write_file(p, mountinfo);
	}
	static char proc[2][600];
	char *pr = proc[turn % 2];
	snprintf(pr, sizeof(proc[0]), "%s/proc", r);
	sys->proc = pr;
	sys->root = r;
	return r;
}

/* Write text to root + rel, making its directories. */
static void put(const char *root, const char *rel, const char *text)
{
	char p[700];
	struct fm_error err = {0};

	snprintf(p, sizeof(p), "%s%s", root, rel);
	assert_int_equal(fm_mkdir_parents(p, &err), 0);
	tu_write_file(p, text);
}

#define MEMINFO_8G "MemTotal:        8388608 kB\nMemFree:         1000000 kB\n"
#define MOUNT_V2                                                               \
	"22 1 0:21 / /proc rw,nosuid - proc proc rw\n"                         \
	"30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev shared:9 - cgroup2 "      \
	"cgroup2 rw,nsdelegate,memory_recursiveprot\n"

static void test_v2(void **state)
{
	struct fm_memsys sys;
	struct fm_memlimit m;
	const char *r;

	(void)state;
	/* the cgroup's own limit; the parent has none */
	r = fake("v2", MEMINFO_8G, "0::/user.slice/fm test\n", MOUNT_V2, &sys);
	put(r, "/sys/fs/cgroup/user.slice/fm test/memory.max", "33554432\n");
	put(r, "/sys/fs/cgroup/user.slice/memory.max", "max\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.ram == 8ull << 30);
	assert_true(m.cgroup == 32ull << 20);
	assert_int_equal(m.cgroup_version, 2);
	assert_non_null(strstr(m.cgroup_file, "user.slice/fm test/memory.max"));
	assert_true(m.budget == (32ull << 20) / FM_MEMLIMIT_DIVISOR);

	/* an ancestor's smaller limit binds the cgroup too */
	put(r, "/sys/fs/cgroup/user.slice/fm test/memory.max", "max\n");
	put(r, "/sys/fs/cgroup/user.slice/memory.max", "16777216\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.cgroup == 16ull << 20);
	assert_non_null(strstr(m.cgroup_file, "user.slice/memory.max"));
	assert_null(strstr(m.cgroup_file, "fm test"));

	/* above the mount point does not count */
	put(r, "/sys/fs/memory.max", "1024\n");
	put(r, "/sys/fs/cgroup/user.slice/memory.max", "max\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.cgroup == 0);
	assert_int_equal(m.cgroup_version, 0);
	assert_string_equal(m.cgroup_file, "");
	assert_true(m.budget == (8ull << 30) / FM_MEMLIMIT_DIVISOR);

	/* a limit above the RAM: the RAM binds */
	put(r, "/sys/fs/cgroup/user.slice/memory.max", "17179869184\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.cgroup == 16ull << 30);
	assert_true(m.budget == (8ull << 30) / FM_MEMLIMIT_DIVISOR);
}

static void test_v2_namespace(void **state)
{
	struct fm_memsys sys;
	struct fm_memlimit m;
	const char *r;

	(void)state;
	/* in a cgroup namespace the process is at "/", the mount point is
	 * its cgroup; a mount point with a space comes escaped */
	r = fake("v2ns", MEMINFO_8G, "0::/\n",
		 "30 22 0:26 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw\n",
		 &sys);
	put(r, "/sys/fs/my cgroup/memory.max", "268435456\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.cgroup == 256ull << 20);
	assert_true(m.budget == (128ull << 20));
}

static void test_v1(void **state)
{
	struct fm_memsys sys;
	struct fm_memlimit m;
	const char *r;

	(void)state;
	/* a container: the memory hierarchy is mounted from its own cgroup */
	r = fake(
	    "v1", MEMINFO_8G,
	    "12:pids:/docker/abc\n4:memory:/docker/abc\n"
	    "3:cpu,cpuacct:/docker/abc\n0::/\n",
	    "40 30 0:35 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup "
	    "cgroup rw,cpu,cpuacct\n"
	    "41 30 0:36 /docker/abc /sys/fs/cgroup/memory ro,nosuid - "
	    "cgroup cgroup rw,memory\n",
	    &sys);
	put(r, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "536870912\n");
	put(r, "/sys/fs/cgroup/cpu,cpuacct/memory.limit_in_bytes", "4096\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.cgroup == 512ull << 20);
	assert_int_equal(m.cgroup_version, 1);
	assert_non_null(
	    strstr(m.cgroup_file, "/cgroup/memory/memory.limit_in_bytes"));
	assert_true(m.budget == (256ull << 20));

	/* v1 says "unlimited" with a page-rounded LONG_MAX */
	put(r, "/sys/fs/cgroup/memory/memory.limit_in_bytes",
	    "9223372036854771712\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.cgroup == 0);
	assert_true(m.budget == (4ull << 30));

	/* a memory cgroup path outside the mount's root is not this mount's */
	r = fake("v1b", MEMINFO_8G, "4:memory:/other\n",
		 "41 30 0:36 /docker/abc /sys/fs/cgroup/memory ro - cgroup "
		 "cgroup rw,memory\n",
		 &sys);
	put(r, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "4096\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.cgroup == 0);

	/* the host's view: /sys/fs/cgroup/memory/a/b/memory.limit_in_bytes */
	r = fake("v1c", MEMINFO_8G, "4:memory:/a/b\n",
		 "41 30 0:36 / /sys/fs/cgroup/memory rw - cgroup cgroup "
		 "rw,memory\n",
		 &sys);
	put(r, "/sys/fs/cgroup/memory/a/b/memory.limit_in_bytes",
	    "1073741824\n");
	put(r, "/sys/fs/cgroup/memory/a/memory.limit_in_bytes", "garbage\n");
	fm_memlimit_detect(&sys, &m);
	assert_true(m.cgroup == 1ull << 30);
	assert_true(m.budget == (512ull << 20));
}

static void test_nothing_to_read(void **state)
{
	struct fm_memsys sys;
	struct fm_memlimit m;

	(void)state;
	/* no meminfo, no cgroup: the RAM from sysconf, no cgroup limit */
	fake("none", NULL, NULL, NULL, &sys);
	fm_memlimit_detect(&sys, &m);
	assert_true(m.ram > 0);
	assert_true(m.cgroup == 0);
	assert_true(m.budget == m.ram / FM_MEMLIMIT_DIVISOR);
	/* a cgroup file but no mountinfo */
	fake("none2", MEMINFO_8G, "0::/x\n", NULL, &sys);
	fm_memlimit_detect(&sys, &m);
	assert_true(m.ram == 8ull << 30);
	assert_true(m.cgroup == 0);
	/* the real system answers something sane */
	fm_memlimit_detect(NULL, &m);
	assert_true(m.ram > 0);
	assert_true(m.budget > 0 && m.budget <= m.ram);
	assert_true(fm_memlimit_default() == m.budget);
}

/* The command layer's --memory: the option named in errors, else the
 * default budget. */
static void test_cmd_option(void **state)
{
	struct cmd_args a;
	struct fm_error err = {0};
	uint64_t v = 0;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(cmd_get_memory(&a, &v, &err), 0);
	assert_true(v == fm_memlimit_default());
	a.v[OPT_MEMORY].set = 1;
	a.v[OPT_MEMORY].s = "16M";
	assert_int_equal(cmd_get_memory(&a, &v, &err), 0);
	assert_true(v == 16ull << 20);
	a.v[OPT_MEMORY].s = "16Q";
	assert_int_equal(cmd_get_memory(&a, &v, &err), FM_EINVAL);
	assert_non_null(strstr(err.msg, "option --memory: '16Q': unknown"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_v2),
	    cmocka_unit_test(test_v2_namespace),
	    cmocka_unit_test(test_v1),
	    cmocka_unit_test(test_nothing_to_read),
	    cmocka_unit_test(test_cmd_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
