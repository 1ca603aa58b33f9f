/*
 * follow.c - following a collector's directory (follow.h).
 *
 * State: the paths already taken (a sorted array, so a file is handed out
 * once), the pending files sorted by (stamp, path), the files in the
 * window in the order added, and the drops due.  A scan lists the tree
 * through fm_inputs_expand (the library's one directory walk) and takes
 * the new closed files: all of them on the first scan, later ones once a
 * second scan saw the same size and time (a file still being copied in
 * under its final name is not taken half-written).  inotify events name
 * the files nfcapd closed or renamed in, which are taken at once.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flowmodels/buf.h"
#include "flowmodels/follow.h"
#include "flowmodels/io.h"
#include "num-int.h"

#define RESCAN_INOTIFY_MS 5000 /* safety rescans while inotify watches */

struct pending {
	char *path;
	int64_t stamp;
};

struct seen {
	char *path;
	int64_t size;
	int64_t mtime_ns;
};

struct winfile {
	uint64_t id;
	int64_t stamp;
	char *path;
};

struct watch {
	int wd;
	char *dir;
};

struct fm_follow {
	char *dir;
	int64_t window;
	int poll_ms;
	const struct fm_log *log;

	char **taken; /* sorted (strcmp) */
	size_t ntaken, captaken;
	struct seen *cand; /* found by the last scan, not yet stable */
	size_t ncand;
	struct pending *queue; /* sorted by stamp, then path */
	size_t nqueue, capqueue;
	struct winfile *win; /* in the window, in the order added */
	size_t nwin, capwin;
	struct winfile *drops; /* due to be handed out */
	size_t ndrops, capdrops;

	uint64_t next_id;
	int64_t newest;
	int have_newest;
	char *evpath; /* the path of the last event handed out */

	int ifd; /* inotify, -1 when polling */
	struct watch *watches;
	size_t nwatches, capwatches;
	int64_t rescan_at; /* ms, monotonic */
	int quick_scans;   /* rescans due at poll_ms spacing */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Grow *v (element size sz) to hold at least n + 1 elements. */
static int grow(void *vp, size_t *cap, size_t n, size_t sz)
{
	void **v = vp;

	if (n + 1 <= *cap)
		return 0;
	size_t nc = *cap ? 2 * *cap : 16;
	void *nv = realloc(*v, nc * sz);
	if (!nv)
		return FM_ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

/* ---- names and windows ---- */

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

int fm_follow_stamp(const char *base, int64_t *stamp)
{
	size_t n = strlen(base);
	int y, mo, d, h, mi, s = 0;

	if (strncmp(base, "nfcapd.", 7) || (n != 7 + 12 && n != 7 + 14))
		return 0;
	base += 7;
	if (!digits(base, 4, &y) || !digits(base + 4, 2, &mo) ||
	    !digits(base + 6, 2, &d) || !digits(base + 8, 2, &h) ||
	    !digits(base + 10, 2, &mi) ||
	    (n == 7 + 14 && !digits(base + 12, 2, &s)))
		return 0;
	return fm_utc_seconds(y, mo, d, h, mi, s, stamp) == 0;
}

int fm_follow_parse_window(const char *text, int64_t *seconds,
			   struct fm_error *err)
{
	char *end;
	long long v;
	int64_t unit = 1;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (end != text && *end && !end[1]) {
		switch (*end) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		default:
			end = (char *)text;
		}
		if (end != text)
			end++;
	}
	if (end == text || *end || errno || v <= 0 || v > INT64_MAX / unit ||
	    text[0] == '+' || text[0] == ' ')
		return fm_error_set(err, FM_EINVAL,
				    "window '%s': expected a duration such as "
				    "90, 90s, 15m, 1h or 2d (> 0)",
				    text);
	*seconds = (int64_t)v * unit;
	return 0;
}

/* ---- taken paths ---- */

static size_t taken_pos(const struct fm_follow *f, const char *p, int *found)
{
	size_t lo = 0, hi = f->ntaken;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->taken[mid], p);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_taken(const struct fm_follow *f, const char *p)
{
	int found;

	taken_pos(f, p, &found);
	return found;
}

/* Take path p (stamp st): remember it and queue it in time order. */
static int take(struct fm_follow *f, const char *p, int64_t st)
{
	int found;
	size_t at = taken_pos(f, p, &found), q;
	char *a, *b;

	if (found)
		return 0;
	if (grow(&f->taken, &f->captaken, f->ntaken, sizeof(char *)) ||
	    grow(&f->queue, &f->capqueue, f->nqueue, sizeof(struct pending)))
		return FM_ENOMEM;
	a = strdup(p);
	b = strdup(p);
	if (!a || !b) {
		free(a);
		free(b);
		return FM_ENOMEM;
	}
	memmove(f->taken + at + 1, f->taken + at,
		(f->ntaken - at) * sizeof(char *));
	f->taken[at] = a;
	f->ntaken++;
	for (q = f->nqueue; q > 0; q--) {
		const struct pending *e = &f->queue[q - 1];
		if (e->stamp < st ||
		    (e->stamp == st && fm_path_cmp(e->path, p) < 0))
			break;
	}
	memmove(f->queue + q + 1, f->queue + q,
		(f->nqueue - q) * sizeof(*f->queue));
	f->queue[q].path = b;
	f->queue[q].stamp = st;
	f->nqueue++;
	return 0;
}

/* ---- scanning ---- */

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/*
 * List the tree and take the new closed files (all of them when first,
 * else those a previous scan saw with the same size and time).
 */
static int scan(struct fm_follow *f, int first, struct fm_error *err)
{
	const char *dir = f->dir;
	char **paths = NULL;
	size_t n = 0, nc = 0;
	struct seen *cand = NULL;
	struct stat st;
	int r;

	if (stat(f->dir, &st) < 0)
		return fm_error_set(err, FM_ENOTFOUND, "%s: %s", f->dir,
				    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fm_error_set(err, FM_ENOTFOUND, "%s: not a directory",
				    f->dir);
	r = fm_inputs_expand(FM_FORMAT_CSV_FLOW, &dir, 1, &paths, &n, err);
	if (r == FM_ENOTFOUND) { /* "no files in this directory" */
		fm_error_clear(err);
		r = 0;
		n = 0;
	}
	if (r < 0)
		return r;
	if (n && !(cand = calloc(n, sizeof(*cand))))
		r = fm_error_set(err, FM_ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < n; i++) {
		int64_t stamp;
		const char *p = paths[i];
		if (!fm_follow_stamp(base_of(p), &stamp) || is_taken(f, p))
			continue;
		if (!first) {
			if (stat(p, &st) < 0)
				continue;
			int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000 +
				     st.st_mtim.tv_nsec;
			int stable = 0;
			for (size_t k = 0; k < f->ncand && !stable; k++)
				stable = !strcmp(f->cand[k].path, p) &&
					 f->cand[k].size == st.st_size &&
					 f->cand[k].mtime_ns == mt;
			if (!stable) {
				cand[nc].path = paths[i];
				paths[i] = NULL;
				cand[nc].size = st.st_size;
				cand[nc++].mtime_ns = mt;
				continue;
			}
		}
		if (take(f, p, stamp) < 0)
			r = fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	for (size_t k = 0; k < f->ncand; k++)
		free(f->cand[k].path);
	free(f->cand);
	f->cand = cand;
	f->ncand = nc;
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return r;
}

/* ---- inotify ---- */

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)

/* Watch dir and every directory below it (new directories: their files
 * come through the rescan that follows). */
static int watch_tree(struct fm_follow *f, const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;
	int wd;

	if (depth > 64)
		return 0;
	wd = inotify_add_watch(f->ifd, dir, WATCH_MASK);
	if (wd < 0)
		return errno == ENOSPC || errno == ENOMEM ? FM_ERANGE : 0;
	size_t k;
	for (k = 0; k < f->nwatches && f->watches[k].wd != wd; k++)
		;
	if (k < f->nwatches)
		return 0; /* already watched (a link back up the tree) */
	if (grow(&f->watches, &f->capwatches, f->nwatches,
		 sizeof(struct watch)))
		return FM_ENOMEM;
	if (!(f->watches[f->nwatches].dir = strdup(dir)))
		return FM_ENOMEM;
	f->watches[f->nwatches++].wd = wd;
	if (!(d = opendir(dir)))
		return 0;
	int r = 0;
	while (r == 0 && (de = readdir(d))) {
		struct fm_buf p = FM_BUF_INIT;
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fm_buf_printf(&p, "%s/%s", dir, de->d_name))
			r = FM_ENOMEM;
		else if (stat(p.buf, &st) == 0 && S_ISDIR(st.st_mode))
			r = watch_tree(f, p.buf, depth + 1);
		fm_buf_release(&p);
	}
	closedir(d);
	return r;
}

static const char *watch_dir(const struct fm_follow *f, int wd)
{
	for (size_t k = 0; k < f->nwatches; k++)
		if (f->watches[k].wd == wd)
			return f->watches[k].dir;
	return NULL;
}

/* Fall back to polling (inotify ran out of watches or memory). */
static void stop_inotify(struct fm_follow *f, const char *why)
{
	fm_note(f->log, "%s: watching by polling every %d ms (inotify: %s)",
		f->dir, f->poll_ms, why);
	close(f->ifd);
	f->ifd = -1;
}

/* Read the pending inotify events: take the files they name. */
static int read_events(struct fm_follow *f, struct fm_error *err)
{
	char buf[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(f->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const void *)p;
			const char *dir = watch_dir(f, ev->wd);
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				f->quick_scans = 2;
				f->rescan_at = 0;
				continue;
			}
			if (!dir || !ev->len)
				continue;
			struct fm_buf path = FM_BUF_INIT;
			int64_t stamp;
			int r = 0;
			if (fm_buf_printf(&path, "%s/%s", dir, ev->name))
				r = FM_ENOMEM;
			else if (ev->mask & IN_ISDIR) {
				/* a new subdirectory: watch it, and rescan
				 * soon for what came in before the watch */
				if ((r = watch_tree(f, path.buf, 0)) ==
				    FM_ERANGE) {
					stop_inotify(f, "too many watches");
					r = 0;
				}
				f->quick_scans = 2;
				f->rescan_at = 0;
			} else if ((ev->mask &
				    (IN_CLOSE_WRITE | IN_MOVED_TO)) &&
				   fm_follow_stamp(ev->name, &stamp))
				r = take(f, path.buf, stamp);
			fm_buf_release(&path);
			if (r < 0)
				return fm_error_set(err, r, "out of memory");
			if (f->ifd < 0)
				return 0;
		}
	}
	return 0;
}

/* ---- the follower ---- */

int fm_follow_open(struct fm_follow **out, const struct fm_follow_opts *opts,
		   struct fm_error *err)
{
	struct fm_follow *f = calloc(1, sizeof(*f));
	int r;

	*out = NULL;
	if (!f || !(f->dir = strdup(opts->dir))) {
		free(f);
		return fm_error_set(err, FM_ENOMEM, "out of memory");
	}
	size_t dl = strlen(f->dir);
	while (dl > 1 && f->dir[dl - 1] == '/')
		f->dir[--dl] = '\0';
	f->window = opts->window > 0 ? opts->window : 0;
	f->poll_ms = opts->poll_ms > 0 ? opts->poll_ms : 250;
	f->log = opts->log;
	f->ifd = -1;
	if (opts->mode == FM_FOLLOW_AUTO) {
		f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (f->ifd >= 0 && (r = watch_tree(f, f->dir, 0)) < 0) {
			if (r == FM_ENOMEM) {
				fm_follow_free(f);
				return fm_error_set(err, r, "out of memory");
			}
			stop_inotify(f, "too many watches");
		}
	}
	/* watches first, then the scan: nothing closed in between is lost */
	if ((r = scan(f, 1, err)) < 0) {
		fm_follow_free(f);
		return r;
	}
	f->rescan_at =
	    now_ms() + (f->ifd >= 0 ? RESCAN_INOTIFY_MS : f->poll_ms);
	*out = f;
	return 0;
}

static void set_event(struct fm_follow *f, struct fm_follow_event *ev,
		      enum fm_follow_what what, const struct winfile *w)
{
	ev->what = what;
	ev->id = w->id;
	ev->stamp = w->stamp;
	ev->path = f->evpath;
}

int fm_follow_next(struct fm_follow *f, struct fm_follow_event *ev,
		   struct fm_error *err)
{
	free(f->evpath);
	f->evpath = NULL;
	if (f->ndrops) {
		struct winfile w = f->drops[0];
		memmove(f->drops, f->drops + 1, --f->ndrops * sizeof(w));
		f->evpath = w.path;
		set_event(f, ev, FM_FOLLOW_DROP, &w);
		return 1;
	}
	while (f->nqueue) {
		struct pending p = f->queue[0];
		memmove(f->queue, f->queue + 1, --f->nqueue * sizeof(p));
		if (f->window && f->have_newest &&
		    p.stamp <= f->newest - f->window) {
			fm_note(f->log,
				"%s: skipped: older than the window (it came "
				"after newer files)",
				p.path);
			free(p.path);
			continue;
		}
		if (!f->have_newest || p.stamp > f->newest)
			f->newest = p.stamp;
		f->have_newest = 1;
		struct winfile w = {++f->next_id, p.stamp, p.path};
		f->evpath = p.path;
		set_event(f, ev, FM_FOLLOW_ADD, &w);
		if (!f->window)
			return 1;
		if (grow(&f->win, &f->capwin, f->nwin, sizeof(w)) ||
		    !(w.path = strdup(p.path)))
			return fm_error_set(err, FM_ENOMEM, "out of memory");
		f->win[f->nwin++] = w;
		/* the files the new one pushed out of the window */
		size_t k = 0;
		for (size_t i = 0; i < f->nwin; i++) {
			if (f->win[i].stamp > f->newest - f->window) {
				f->win[k++] = f->win[i];
				continue;
			}
			if (grow(&f->drops, &f->capdrops, f->ndrops, sizeof(w)))
				return fm_error_set(err, FM_ENOMEM,
						    "out of memory");
			f->drops[f->ndrops++] = f->win[i];
		}
		f->nwin = k;
		return 1;
	}
	return 0;
}

int fm_follow_wait(struct fm_follow *f, int timeout_ms, struct fm_error *err)
{
	int64_t end = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int r;

	for (;;) {
		int64_t now = now_ms();
		if (now >= f->rescan_at) {
			if ((r = scan(f, 0, err)) < 0)
				return r;
			if (f->quick_scans > 0)
				f->quick_scans--;
			f->rescan_at = now + (f->ifd >= 0 && !f->quick_scans
						  ? RESCAN_INOTIFY_MS
						  : f->poll_ms);
		}
		if (f->nqueue)
			return 1;
		/* the events already there are read even when not waiting */
		int64_t until = f->rescan_at < end ? f->rescan_at : end;
		struct pollfd pfd = {f->ifd, POLLIN, 0};
		int n = poll(f->ifd >= 0 ? &pfd : NULL, f->ifd >= 0,
			     until > now ? (int)(until - now) : 0);
		if (n < 0 && errno == EINTR)
			return 0;
		if (n < 0)
			return fm_error_set(err, FM_EIO, "%s: poll: %s", f->dir,
					    strerror(errno));
		if (n > 0 && (r = read_events(f, err)) < 0)
			return r;
		if (f->nqueue)
			return 1;
		if (now >= end)
			return 0;
	}
}

int fm_follow_fd(const struct fm_follow *f)
{
	return f->ifd;
}

int fm_follow_period_ms(const struct fm_follow *f)
{
	return f->poll_ms;
}

int fm_follow_inotify(const struct fm_follow *f)
{
	return f->ifd >= 0;
}

uint64_t fm_follow_in_window(const struct fm_follow *f)
{
	return f->window ? f->nwin : f->next_id;
}

void fm_follow_free(struct fm_follow *f)
{
	if (!f)
		return;
	if (f->ifd >= 0)
		close(f->ifd);
	for (size_t i = 0; i < f->nwatches; i++)
		free(f->watches[i].dir);
	for (size_t i = 0; i < f->ntaken; i++)
		free(f->taken[i]);
	for (size_t i = 0; i < f->ncand; i++)
		free(f->cand[i].path);
	for (size_t i = 0; i < f->nqueue; i++)
		free(f->queue[i].path);
	for (size_t i = 0; i < f->nwin; i++)
		free(f->win[i].path);
	for (size_t i = 0; i < f->ndrops; i++)
		free(f->drops[i].path);
	free(f->watches);
	free(f->taken);
	free(f->cand);
	free(f->queue);
	free(f->win);
	free(f->drops);
	free(f->evpath);
	free(f->dir);
	free(f);
}
