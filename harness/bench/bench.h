/*
 * bench.h - helpers shared by the cow_context benchmark workloads (w*.c).
 *
 * Each workload is one static program that includes this file and does
 * one run (the runner repeats runs across reboots and takes medians).
 * It takes "-s SCALE" (default 1.0), which multiplies its iteration counts
 * and sizes but never the parameters that define the points of a curve,
 * and prints on stdout, for the runner:
 *
 *	BENCH <workload> <metric> <param> <value> <unit>
 *	BENCH_SKIP <workload> <metric> <reason>	(this machine cannot)
 *	BENCH_DONE <workload>			(at the end of a good run)
 *	BENCH_ERROR <workload> <message>	(then exit status 1)
 *
 * <param> is "key=value[,key=value]" or "-", <unit> one of bytes, us, ns,
 * pages_per_s, count.  Only the main process prints on stdout.  Every
 * descendant dies with its parent (PR_SET_PDEATHSIG), the main process is
 * a child subreaper, so that orphans come back to it, and a descendant
 * that fails leaves its message in a shared page and signals the main
 * process, which prints the BENCH_ERROR line and exits: the run ends at
 * once, whichever process failed.  A watchdog (SIGALRM) ends a hung run.
 * Notes for humans go to stderr, never with "WARNING:" or "BUG:" in them
 * (the runner takes those for kernel splats).
 *
 * Reverse-map memory: "anon_vma_bytes" is active_objs * objsize of the
 * anon_vma and anon_vma_chain slab caches (/proc/slabinfo, the kernel is
 * booted with slab_nomerge), "cow_bytes" the "bytes" line of the series'
 * /sys/kernel/debug/cow_context/stats (all COW contexts and remap tables,
 * 0 on a kernel without the file), "cow_page_ext_bytes" one unsigned long
 * of page_ext per page of RAM when that file exists and the mode is not
 * "only" (CONFIG_COW_CONTEXT_ANON_RMAP_ONLY keeps the owner in
 * folio->mapping), "rmap_bytes" their sum.  The first two are deltas
 * against a baseline.
 */
#ifndef BENCH_H
#define BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE		(1 << 1)
#endif
#ifndef MPOL_MF_MOVE_ALL
#define MPOL_MF_MOVE_ALL	(1 << 2)
#endif
#ifndef __NR_move_pages
#define __NR_move_pages		279	/* x86_64 */
#endif

#define PG			4096UL
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BENCH_TIMEOUT		300	/* seconds at scale <= 1 */
#define BENCH_MAX_NODES		64
#define COW_STATS		"/sys/kernel/debug/cow_context/stats"
#define PM_PRESENT		(1ULL << 63)	/* /proc/<pid>/pagemap bits */
#define PM_SWAP			(1ULL << 62)

/* what the failing descendant says, for the main process to print */
struct bench_shared {
	int claimed;			/* the first failure claims msg */
	int ready;			/* msg is complete */
	char msg[240];
};

static const char *bench_wl = "W?";
static double bench_scale = 1.0;
static pid_t bench_main_pid;
static struct bench_shared *bench_sh;
static struct timespec bench_t0;	/* bench_init() */

static inline void bench_write_str(const char *s)
{
	size_t n = strlen(s);

	while (n) {			/* async-signal-safe */
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= w;
	}
}

/* SIGUSR2: a descendant failed; SIGALRM: the watchdog */
static inline void bench_on_signal(int sig)
{
	const char *why = "a child process failed";

	if (sig == SIGALRM)
		why = "timeout: the run took too long";
	else if (bench_sh &&
		 __atomic_load_n(&bench_sh->ready, __ATOMIC_ACQUIRE))
		why = bench_sh->msg;
	bench_write_str("BENCH_ERROR ");
	bench_write_str(bench_wl);
	bench_write_str(" ");
	bench_write_str(why);
	bench_write_str("\n");
	_exit(1);
}

static inline void bench_fail(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* fail the run: see the top of the file */
static inline void bench_fail(const char *fmt, ...)
{
	char msg[sizeof(bench_sh->msg)], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (p = msg; *p; p++)		/* one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (getpid() != bench_main_pid) {
		fprintf(stderr, "%s[%d]: %s\n", bench_wl, (int)getpid(), msg);
		if (bench_sh && !__atomic_exchange_n(&bench_sh->claimed, 1,
						     __ATOMIC_ACQ_REL)) {
			memcpy(bench_sh->msg, msg, sizeof(msg));
			__atomic_store_n(&bench_sh->ready, 1, __ATOMIC_RELEASE);
		}
		kill(bench_main_pid, SIGUSR2);
		_exit(2);
	}
	if (bench_sh && __atomic_load_n(&bench_sh->ready, __ATOMIC_ACQUIRE))
		printf("BENCH_ERROR %s %s (%s)\n", bench_wl, msg,
		       bench_sh->msg);
	else
		printf("BENCH_ERROR %s %s\n", bench_wl, msg);
	fflush(stdout);
	exit(1);			/* descendants follow: PDEATHSIG */
}

/* a failed system call, with errno */
#define bench_die(what)	bench_fail("%s: %s", (what), strerror(errno))

static inline void bench_init(const char *wl, int argc, char **argv)
{
	struct sigaction sa;
	char *end;
	int c;

	bench_wl = wl;
	bench_main_pid = getpid();
	clock_gettime(CLOCK_MONOTONIC, &bench_t0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's')
			bench_fail("usage: %s [-s SCALE]", argv[0]);
		errno = 0;
		bench_scale = strtod(optarg, &end);
		if (errno || end == optarg || *end || !(bench_scale > 0) ||
		    bench_scale > 1000)
			bench_fail("bad scale '%s': want a number in (0, 1000]",
				   optarg);
	}
	if (optind != argc)
		bench_fail("usage: %s [-s SCALE]", argv[0]);
	if (sysconf(_SC_PAGESIZE) != (long)PG)
		bench_fail("page size %ld, want %lu", sysconf(_SC_PAGESIZE),
			   PG);
	bench_sh = mmap(NULL, sizeof(*bench_sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bench_sh == MAP_FAILED) {
		bench_sh = NULL;
		bench_die("mmap(shared)");
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_on_signal;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL) || sigaction(SIGALRM, &sa, NULL))
		bench_die("sigaction");
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		bench_die("signal(SIGPIPE)");
	/* orphaned descendants are reparented to us, not to init */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		bench_die("prctl(PR_SET_CHILD_SUBREAPER)");
	alarm((unsigned int)(BENCH_TIMEOUT *
			     (bench_scale > 1 ? bench_scale : 1)));
}

/* a note for humans on stderr, with the seconds since the start */
static inline void bench_note(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static inline void bench_note(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "%s: %.3f: ", bench_wl,
		ts.tv_sec - bench_t0.tv_sec +
		(ts.tv_nsec - bench_t0.tv_nsec) / 1e9);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static inline void bench_done(void)
{
	printf("BENCH_DONE %s\n", bench_wl);
	fflush(stdout);
}

/* n times the scale, rounded, at least min */
static inline long scaled(long n, long min)
{
	long v = (long)(n * bench_scale + 0.5);

	return v < min ? min : v;
}

/*
 * fork() for a descendant that lives a while: it dies with its parent.
 * The child compares against the parent's pid taken before fork(), so
 * that a parent gone before PR_SET_PDEATHSIG is seen.
 */
static inline pid_t bench_fork(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		signal(SIGUSR2, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL))
			bench_die("prctl(PR_SET_PDEATHSIG)");
		if (getppid() != parent)
			_exit(3);
	}
	return pid;
}

/* reap one child, which must have exited with status 0 */
static inline void bench_reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			bench_die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		bench_fail("child %d ended with status 0x%x", (int)pid, st);
}

/* ---- time and statistics ---- */

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		bench_die("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* fork() a child that exits at once; @ns: the time the fork() took */
static inline pid_t timed_fork_exit(uint64_t *ns)
{
	uint64_t t0 = now_ns();
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	*ns = now_ns() - t0;
	if (pid < 0)
		bench_die("fork");
	return pid;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* the p-th percentile (nearest rank) of v[n]; sorts v */
static inline double percentile(double *v, long n, double p)
{
	double rank = p / 100.0 * n;
	long k = (long)rank;

	if (n <= 0)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	if ((double)k < rank)
		k++;
	k = k < 1 ? 1 : k > n ? n : k;
	return v[k - 1];
}

/* the median of v[n]; sorts v */
static inline double median(double *v, long n)
{
	if (n <= 0)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- output ---- */

static inline void bench_out(const char *metric, const char *param,
			     double v, const char *unit)
{
	double a = v < 0 ? -v : v;
	char num[64];

	/* plain decimals, never an exponent */
	if (a < 1e15 && v == (double)(long long)v)
		snprintf(num, sizeof(num), "%lld", (long long)v);
	else if (a >= 1e-4 && a < 999999.5)
		snprintf(num, sizeof(num), "%.6g", v);
	else if (a >= 999999.5)
		snprintf(num, sizeof(num), "%.1f", v);
	else
		snprintf(num, sizeof(num), "%.10f", v);
	printf("BENCH %s %s %s %s %s\n", bench_wl, metric,
	       param && *param ? param : "-", num, unit);
}

static inline void bench_skip(const char *metric, const char *why)
{
	printf("BENCH_SKIP %s %s %s\n", bench_wl, metric, why);
}

/* ---- /proc and /sys readers ---- */

/* the whole of a small file, NUL-terminated, or NULL if it cannot open */
static inline char *read_file(const char *path)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	if (!buf)
		bench_die("malloc");
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				bench_die("realloc");
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			bench_fail("read %s: %s", path, strerror(errno));
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

/* lines of /proc/self/maps: our VMAs (no allocation: it would map) */
static inline long maps_count(void)
{
	static char buf[65536];
	long n = 0;
	ssize_t r, i;
	int fd = open("/proc/self/maps", O_RDONLY);

	if (fd < 0)
		bench_die("open /proc/self/maps");
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			bench_die("read /proc/self/maps");
		for (i = 0; i < r; i++)
			n += buf[i] == '\n';
	}
	close(fd);
	return n;
}

/* a "Key: value kB" line of /proc/meminfo, in kB */
static inline long long meminfo_kb(const char *key)
{
	char *buf = read_file("/proc/meminfo"), *p;
	size_t kl = strlen(key);
	long long v = -1;

	if (!buf)
		bench_die("open /proc/meminfo");
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			v = strtoll(p + kl + 1, NULL, 10);
			break;
		}
	free(buf);
	if (v < 0)
		bench_fail("/proc/meminfo has no %s", key);
	return v;
}

/* flush the per-cpu slabs so that active_objs is exact (SLUB, best effort) */
static inline void slab_shrink(const char *cache)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		fprintf(stderr, "%s: note: %s: %s\n", bench_wl, path,
			strerror(errno));
	close(fd);
}

/* active_objs * objsize of a slab cache, -1 if there is no such cache */
static inline long long slab_bytes(const char *cache)
{
	char *buf = read_file("/proc/slabinfo"), *p, name[64];
	unsigned long active, num, size;
	long long v = -1;

	if (!buf)
		bench_die("open /proc/slabinfo");
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "%63s %lu %lu %lu", name, &active, &num,
			   &size) == 4 && !strcmp(name, cache)) {
			v = (long long)active * size;
			break;
		}
	free(buf);
	return v;
}

/* a "name value" line of the series' debugfs stats: 0 if absent */
static inline int cow_stat(const char *key, long long *val)
{
	char *buf = read_file(COW_STATS), *p, name[64];
	long long v;
	int found = 0;

	*val = 0;
	if (!buf)
		return 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "%63s %lld", name, &v) == 2 &&
		    !strcmp(name, key)) {
			*val = v;
			found = 1;
			break;
		}
	free(buf);
	return found;
}

struct rmap_mem {
	long long anon_vma;	/* anon_vma + anon_vma_chain slab bytes */
	long long cow;		/* cow_context stats "bytes", 0 if absent */
	int has_cow;		/* the stats file exists */
	int page_ext;		/* and the owners live in page_ext */
};

/* Is the series' stats file's "mode" line @mode? */
static inline int cow_mode_is(const char *mode)
{
	char *buf = read_file(COW_STATS), *p, name[64], val[64];
	int found = 0;

	if (!buf)
		return 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "%63s %63s", name, val) == 2 &&
		    !strcmp(name, "mode")) {
			found = !strcmp(val, mode);
			break;
		}
	free(buf);
	return found;
}

static inline void rmap_mem_read(struct rmap_mem *m)
{
	static const char * const caches[] = { "anon_vma", "anon_vma_chain" };
	long long b;
	unsigned int i;

	m->anon_vma = 0;
	for (i = 0; i < ARRAY_SIZE(caches); i++) {
		slab_shrink(caches[i]);
		b = slab_bytes(caches[i]);
		if (b < 0)
			bench_fail("no %s in /proc/slabinfo (slab_nomerge?)",
				   caches[i]);
		m->anon_vma += b;
	}
	m->has_cow = access(COW_STATS, R_OK) == 0;
	if (m->has_cow && !cow_stat("bytes", &m->cow))
		bench_fail("%s has no bytes line", COW_STATS);
	if (!m->has_cow)
		m->cow = 0;
	m->page_ext = m->has_cow && !cow_mode_is("only");
}

/* one unsigned long of page_ext per page of RAM, beside anon_vma */
static inline long long cow_page_ext_bytes(int page_ext)
{
	return page_ext ? 8 * (meminfo_kb("MemTotal") * 1024 / (long long)PG)
			: 0;
}

/* the four memory metrics, as deltas of now against base */
static inline void rmap_mem_report(const char *param,
				   const struct rmap_mem *base,
				   const struct rmap_mem *now)
{
	long long av = now->anon_vma - base->anon_vma;
	long long cow = now->cow - base->cow;
	long long ext = cow_page_ext_bytes(now->page_ext);

	bench_out("anon_vma_bytes", param, (double)av, "bytes");
	bench_out("cow_bytes", param, (double)cow, "bytes");
	bench_out("cow_page_ext_bytes", param, (double)ext, "bytes");
	bench_out("rmap_bytes", param, (double)(av + cow + ext), "bytes");
}

static inline int swap_enabled(void)
{
	return meminfo_kb("SwapTotal") > 0;
}

/* ---- anonymous memory ---- */

static inline void *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS |
		       (prot == PROT_NONE ? MAP_NORESERVE : 0), -1, 0);

	if (p == MAP_FAILED)
		bench_die("mmap");
	return p;
}

/*
 * A region of n pages, word 0 of page i holding tag + i; small pages only
 * (MADV_NOHUGEPAGE): the workloads count 4 KiB pages, whatever the THP
 * setting of the kernel.
 */
static inline char *map_filled(long n, long tag)
{
	char *p = map_anon(n * PG, PROT_READ | PROT_WRITE);
	long i;

	if (madvise(p, n * PG, MADV_NOHUGEPAGE))
		bench_die("madvise(MADV_NOHUGEPAGE)");
	for (i = 0; i < n; i++)
		*(volatile long *)(p + i * PG) = tag + i;
	return p;
}

/* read every page back (swapping in what was paged out) and check it */
static inline void check_filled(const char *p, long n, long tag)
{
	long i, v;

	for (i = 0; i < n; i++) {
		v = *(const volatile long *)(p + i * PG);
		if (v != tag + i)
			bench_fail("page %ld of %p holds %ld, want %ld", i,
				   (const void *)p, v, tag + i);
	}
}

/*
 * "Faulted anonymous VMAs that cannot merge": n one-page private
 * anonymous mappings, each written to, at pages 1, 3, 5, ... of a free
 * range of 2n + 1 pages, so that every one of them has holes on both
 * sides: no two of them merge, nor with a neighbour, and each gets an
 * anon_vma of its own at its first fault (anon_vmas are reused only from
 * adjacent VMAs).  Mapping i is at VMA_PAGE(base, i).
 */
#define VMA_PAGE(base, i)	((base) + (2 * (i) + 1) * PG)

static inline char *make_vmas(long n)
{
	size_t len = (2 * n + 1) * PG;
	char *base = map_anon(len, PROT_NONE), *p;
	long i;

	if (munmap(base, len))		/* keep the range, not the mapping */
		bench_die("munmap");
	for (i = 0; i < n; i++) {
		p = mmap(VMA_PAGE(base, i), PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		if (p == MAP_FAILED)
			bench_die("mmap(MAP_FIXED_NOREPLACE)");
		if (p != VMA_PAGE(base, i))
			bench_fail("mmap(MAP_FIXED_NOREPLACE) ignored");
		*(volatile long *)p = i + 1;
	}
	return base;
}

/* pages of [p, p + n pages) present and swapped out, from pagemap */
static inline void pagemap_count(const void *p, long n, long *present,
				 long *swapped)
{
	uint64_t ent[512];
	off_t off = (off_t)((uintptr_t)p / PG) * 8;
	long i, k, chunk;
	ssize_t r;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		bench_die("open /proc/self/pagemap");
	*present = *swapped = 0;
	for (i = 0; i < n; i += chunk) {
		chunk = n - i < 512 ? n - i : 512;
		r = pread(fd, ent, chunk * 8, off + i * 8);
		if (r != chunk * 8)
			bench_fail("pread pagemap: %s",
				   r < 0 ? strerror(errno) : "short read");
		for (k = 0; k < chunk; k++) {
			*present += !!(ent[k] & PM_PRESENT);
			*swapped += !!(ent[k] & PM_SWAP);
		}
	}
	close(fd);
}

/*
 * @rounds rounds of: read the @n pages at @p back (swapping them in and
 * checking them, see check_filled()), then MADV_PAGEOUT them, timed.
 * Sets the medians of the time per page and of the pages swapped out.
 */
static inline void timed_pageouts(char *p, long n, long tag, int rounds,
				  double *ns_per_page, double *swapped_pages)
{
	double *ns = calloc(rounds, sizeof(double));
	double *sw = calloc(rounds, sizeof(double));
	long present, swapped;
	uint64_t t0;
	int i;

	if (!ns || !sw)
		bench_die("calloc");
	for (i = 0; i < rounds; i++) {
		check_filled(p, n, tag);
		t0 = now_ns();
		if (madvise(p, n * PG, MADV_PAGEOUT))
			bench_die("madvise(MADV_PAGEOUT)");
		ns[i] = (double)(now_ns() - t0) / n;
		pagemap_count(p, n, &present, &swapped);
		sw[i] = swapped;
	}
	*ns_per_page = median(ns, rounds);
	*swapped_pages = median(sw, rounds);
	free(ns);
	free(sw);
}

/* ---- NUMA ---- */

/* parse a cpulist/nodelist ("0-1,4"); calls fn(arg, i) for each member */
static inline int parse_list(const char *s, void (*fn)(void *, int), void *arg)
{
	long a, b;
	char *end;
	int n = 0;

	while (*s && *s != '\n') {
		a = strtol(s, &end, 10);
		if (end == s || a < 0)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a)
				return -1;
		}
		for (; a <= b; a++, n++)
			fn(arg, (int)a);
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

struct node_list {
	int n;
	int node[BENCH_MAX_NODES];
};

static inline void node_list_add(void *arg, int node)
{
	struct node_list *l = arg;

	if (l->n < BENCH_MAX_NODES)
		l->node[l->n++] = node;
}

/* the nodes with memory (one, node 0, on a kernel without NUMA) */
static inline void numa_nodes(struct node_list *l)
{
	char *buf = read_file("/sys/devices/system/node/has_memory");

	l->n = 0;
	if (!buf || parse_list(buf, node_list_add, l) < 1) {
		l->n = 1;
		l->node[0] = 0;
	}
	free(buf);
}

static inline void cpu_set_add(void *arg, int cpu)
{
	if (cpu < CPU_SETSIZE)
		CPU_SET(cpu, (cpu_set_t *)arg);
}

/* run on the CPUs of a node from now on; old gets the previous mask */
static inline void pin_to_node(int node, cpu_set_t *old)
{
	char path[96], *buf;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(*old), old))
		bench_die("sched_getaffinity");
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist",
		 node);
	buf = read_file(path);
	if (!buf)
		bench_fail("open %s: %s", path, strerror(errno));
	CPU_ZERO(&set);
	if (parse_list(buf, cpu_set_add, &set) < 1)
		bench_fail("%s: no CPUs", path);
	free(buf);
	if (sched_setaffinity(0, sizeof(set), &set))
		bench_die("sched_setaffinity");
}

static inline void unpin(const cpu_set_t *old)
{
	if (sched_setaffinity(0, sizeof(*old), old))
		bench_die("sched_setaffinity");
}

/*
 * move_pages(2) of our own pages[n] to node (node < 0: only query where
 * they are), MPOL_MF_MOVE_ALL so that pages other processes map move too
 * (we run as root).  Returns how many pages are on node afterwards
 * (node < 0: how many on node -node - 1).
 */
static inline long move_pages_to(void **pages, int *nodes, int *status,
				 long n, int node)
{
	int want = node < 0 ? -node - 1 : node;
	long i, on = 0, r;

	for (i = 0; i < n; i++) {
		nodes[i] = want;
		status[i] = -1;
	}
	r = syscall(__NR_move_pages, 0, (unsigned long)n, pages,
		    node < 0 ? NULL : nodes, status, MPOL_MF_MOVE_ALL);
	if (r < 0)
		bench_die("move_pages");
	for (i = 0; i < n; i++)
		on += status[i] == want;
	return on;
}

/* ---- synchronisation through pipes ---- */

static inline void bench_pipe(int fd[2])
{
	if (pipe(fd))
		bench_die("pipe");
}

static inline void close_fd(int *fd)
{
	if (*fd >= 0 && close(*fd))
		bench_die("close");
	*fd = -1;
}

/* one byte to the other end: "I am ready" */
static inline void post(int fd)
{
	while (write(fd, "r", 1) != 1) {
		if (errno == EPIPE && getpid() != bench_main_pid)
			_exit(2);	/* the main process is gone */
		if (errno != EINTR)
			bench_die("write(pipe)");
	}
}

/* n bytes from the pipe: n processes are ready */
static inline void collect(int fd, long n)
{
	char buf[512];
	size_t want;
	ssize_t r;

	while (n > 0) {
		want = n < (long)sizeof(buf) ? (size_t)n : sizeof(buf);
		r = read(fd, buf, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			bench_die("read(pipe)");
		if (!r)
			bench_fail("a process died before it was ready");
		n -= r;
	}
}

/*
 * A latch: waiters block until the holder of the write end closes it;
 * every process but the holder must close its copy of the write end.
 */
static inline void latch_wait(int rfd)
{
	char c;
	ssize_t r;

	while ((r = read(rfd, &c, 1)) != 0)
		if (r < 0 && errno != EINTR)
			bench_die("read(latch)");
}

/* ---- process trees ---- */

typedef void (*tree_fn)(void *arg, int level, int index);

/*
 * A tree of processes under the caller (the root, level 0): the root forks
 * fanout[0] children, each of them fanout[1], ... down to level depth.
 * Each descendant forks its children and posts "ready"; then, if the tree
 * has a function, it waits for tree_go(), calls it and posts "ready"
 * again; then it sleeps until tree_destroy(), when it reaps its children
 * and exits.  tree_ready() waits for one "ready" of every descendant: the
 * first time, the whole tree exists; the second, all have called the
 * function.  Memory the root mapped before tree_build() is shared by all.
 */
struct tree {
	int ready[2];		/* descendants -> root, one byte each */
	int go[2];		/* latch: call fn */
	int quit[2];		/* latch: exit */
	pid_t *kids;		/* the root's children */
	int nkids;
	long total;		/* all descendants */
	uint64_t fork_ns;	/* the root's fork() loop */
};

static inline void tree_node(struct tree *t, const int *fanout, int depth,
			     int level, int index, tree_fn fn, void *arg)
	__attribute__((noreturn));

static inline void tree_node(struct tree *t, const int *fanout, int depth,
			     int level, int index, tree_fn fn, void *arg)
{
	pid_t *kids = NULL;
	int i, n = level < depth ? fanout[level] : 0;

	if (level == 1) {		/* the root's ends, once for all */
		close_fd(&t->ready[0]);
		close_fd(&t->go[1]);
		close_fd(&t->quit[1]);
	}
	if (n) {
		kids = calloc(n, sizeof(*kids));
		if (!kids)
			bench_die("calloc");
	}
	for (i = 0; i < n; i++) {
		kids[i] = bench_fork();
		if (!kids[i])
			tree_node(t, fanout, depth, level + 1, i, fn, arg);
	}
	post(t->ready[1]);
	if (fn) {
		latch_wait(t->go[0]);
		fn(arg, level, index);
		post(t->ready[1]);
	}
	latch_wait(t->quit[0]);
	for (i = 0; i < n; i++)
		bench_reap(kids[i]);
	_exit(0);
}

static inline void tree_build(struct tree *t, const int *fanout, int depth,
			      tree_fn fn, void *arg)
{
	long level_n = 1;
	uint64_t t0;
	int i;

	memset(t, 0, sizeof(*t));
	bench_pipe(t->ready);
	bench_pipe(t->go);
	bench_pipe(t->quit);
	for (i = 0; i < depth; i++) {
		level_n *= fanout[i];
		t->total += level_n;
	}
	t->nkids = depth ? fanout[0] : 0;
	t->kids = calloc(t->nkids + 1, sizeof(*t->kids));
	if (!t->kids)
		bench_die("calloc");
	t0 = now_ns();
	for (i = 0; i < t->nkids; i++) {
		t->kids[i] = bench_fork();
		if (!t->kids[i])
			tree_node(t, fanout, depth, 1, i, fn, arg);
	}
	t->fork_ns = now_ns() - t0;
	/* what only descendants use: EOF on ready if they all die */
	close_fd(&t->ready[1]);
	close_fd(&t->go[0]);
	close_fd(&t->quit[0]);
}

/* let the descendants call the tree's function */
static inline void tree_go(struct tree *t)
{
	close_fd(&t->go[1]);
}

/* wait until every descendant has posted ready (once more) */
static inline void tree_ready(struct tree *t)
{
	collect(t->ready[0], t->total);
}

/* tell the tree to exit and reap it; returns ns until all are reaped */
static inline uint64_t tree_destroy(struct tree *t)
{
	uint64_t t0 = now_ns();
	int i;

	close_fd(&t->go[1]);
	close_fd(&t->quit[1]);
	for (i = 0; i < t->nkids; i++)
		bench_reap(t->kids[i]);
	t0 = now_ns() - t0;
	close_fd(&t->ready[0]);
	free(t->kids);
	t->kids = NULL;
	return t0;
}

#endif /* BENCH_H */
