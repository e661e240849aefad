/*
 * rmap-demo - show what the anonymous reverse map holds for a fork tree.
 *
 * The reverse map leads from an anonymous page back to every page table
 * mapping it: anon_vma + anon_vma_chain upstream, "cow_context" in this tree.
 * A tree of processes (default depth 3, fanout 2 = 15) shares a 16 MiB
 * private anonymous region through fork; each non-root process COWs its own
 * 1 MiB slice before forking its children, some move a chunk with mremap
 * (MAYMOVE|FIXED), one or two with MREMAP_DONTUNMAP (the old range must then
 * read as zeros), some MADV_PAGEOUT half the region.  The root prints the
 * reverse-map slab caches and cow_context debugfs counters before, with the
 * tree alive and after exit; in between every process verifies every page,
 * so COW, mremap, swap-out and swap-in are exercised.
 * usage: rmap-demo [depth] [fanout]; exit status 0 if all went well.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif

#define DEPTH		3
#define FANOUT		2
#define MAX_PROCS	200		/* 4 pipe fds per process */
#define TIMEOUT		300		/* seconds before the root gives up */
#define REGION		(16UL << 20)
#define CHUNK		(1UL << 20)	/* slices, moves, pageout: 1 MiB */
#define UNIT		4096UL		/* pattern granularity ("page") */
#define NCHUNKS		((int)(REGION / CHUNK))
#define UPC		((int)(CHUNK / UNIT))	/* units per chunk */
#define NUNITS		(NCHUNKS * UPC)
#define WORDS		((int)(UNIT / sizeof(uint64_t)))
#define MAX_GHOSTS	8
#define MAX_VALS	64
/* every 8-byte word of unit u as written by process w (root is 0) */
#define PATTERN(w, u)	(0xc0de000000000000ULL | (uint64_t)(w) << 32 | (uint64_t)(u))

/* the work of process id > 0 follows from its id (the root only fills) */
#define DO_MOVE(id)	((id) % 3 == 1)
#define DO_DONTUNMAP(id) ((id) == 2 || (id) == nprocs - 1)
#define DO_PAGEOUT(id)	((id) % 2 == 0)
#define OWN_CHUNK(id)	((id) % NCHUNKS)
#define MOVE_CHUNK(id)	(((id) * 5 + 3) % NCHUNKS)
#define DU_CHUNK(id)	(((id) * 3 + 9) % NCHUNKS)
#define PO_HALF(id)	(OWN_CHUNK(id) >= NCHUNKS / 2)	/* half with own slice */

struct msg {			/* child -> root, < PIPE_BUF so atomic */
	int pid, errors;
	long bad;		/* mismatching pages, after verification */
};

struct val {			/* one figure of a snapshot */
	char name[64], what[64];
	long long v;
};

struct snap {
	int n, stats;		/* stats: debugfs cow_context/stats exists */
	struct val v[MAX_VALS];
};

static int depth = DEPTH, fanout = FANOUT, nprocs;
static int me, errors;			/* tree id, failed syscalls */
static char *base[NCHUNKS];		/* where each chunk lives now */
static char *ghost[MAX_GHOSTS];		/* DONTUNMAP leftovers: read 0 */
static int nghost;
static int *expect;			/* expected writer of every unit */
static int rep[MAX_PROCS][2], cmd[MAX_PROCS][2];  /* up / down pipes */
static pid_t pids[MAX_PROCS];

static void fail(const char *what)
{
	fprintf(stderr, "rmap-demo[%d] (pid %d): %s: %s\n",
		me, (int)getpid(), what, strerror(errno));
	errors++;
}

static void xclose(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* node k's parent is (k - 1) / fanout: ids are in breadth-first order */
static int in_subtree(int k, int id)
{
	while (k > id)
		k = (k - 1) / fanout;
	return k == id;
}

static uint64_t *unit_addr(int u)
{
	return (uint64_t *)(base[u / UPC] + (unsigned long)(u % UPC) * UNIT);
}

static void write_chunk(int c, int writer)
{
	int u, w;

	for (u = c * UPC; u < (c + 1) * UPC; u++) {
		for (w = 0; w < WORDS; w++)
			unit_addr(u)[w] = PATTERN(writer, u);
		expect[u] = writer;
	}
}

/*
 * Always move to a fresh reserved address: a 6.18 host returned EINVAL for
 * MAYMOVE|DONTUNMAP when the kernel was left to pick the target.
 */
static void move_chunk(int c, int dontunmap)
{
	void *dst, *res = mmap(NULL, CHUNK, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (res == MAP_FAILED) {
		fail("mmap(reserve)");
		return;
	}
	dst = mremap(base[c], CHUNK, CHUNK, MREMAP_MAYMOVE | MREMAP_FIXED |
		     (dontunmap ? MREMAP_DONTUNMAP : 0), res);
	if (dst == MAP_FAILED) {
		fail(dontunmap ? "mremap(DONTUNMAP)" : "mremap(MAYMOVE|FIXED)");
		munmap(res, CHUNK);
		return;
	}
	if (dontunmap && nghost < MAX_GHOSTS)
		ghost[nghost++] = base[c];	/* still mapped, now empty */
	base[c] = dst;
}

static void pageout(int id)
{
	int c = PO_HALF(id) * NCHUNKS / 2, end = c + NCHUNKS / 2;

	for (; c < end; c++)		/* EINVAL: kernel too old; advisory */
		if (madvise(base[c], CHUNK, MADV_PAGEOUT) && errno != EINVAL)
			fail("madvise(MADV_PAGEOUT)");
}

/* read every page (swapping in what was paged out), count bad pages */
static long verify(void)
{
	long bad = 0;
	int u, w;

	for (u = 0; u < NUNITS + nghost * UPC; u++) {	/* region, ghosts */
		const uint64_t *p = u < NUNITS ? unit_addr(u) : (uint64_t *)
			(ghost[(u - NUNITS) / UPC] + (u % UPC) * UNIT);
		uint64_t want = u < NUNITS ? PATTERN(expect[u], u) : 0;

		for (w = 0; w < WORDS && p[w] == want; w++)
			;
		bad += w < WORDS;
	}
	return bad;
}

static void node(int id) __attribute__((noreturn));

static int fork_children(int id, pid_t *kids)
{
	int k, n = 0;
	pid_t pid;

	for (k = id * fanout + 1; k <= id * fanout + fanout && k < nprocs; k++) {
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			fail("fork");
		else if (pid == 0)
			node(k);	/* never returns */
		else
			pids[k] = kids[n++] = pid;
	}
	return n;
}

/* a non-root process: work, fork, report ready, verify on request, exit */
static void node(int id)
{
	struct msg m = { (int)getpid(), 0, 0 };
	pid_t kids[MAX_PROCS];
	int k, st, nkids;
	char op;

	me = id;
	errors = 0;
	pids[id] = m.pid;
	/* die with the parent, so a dead root takes the whole tree along */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
	    getppid() != pids[(id - 1) / fanout])
		_exit(1);
	/* keep only the pipe ends of our own subtree: EOF must mean death */
	for (k = 1; k < nprocs; k++) {
		xclose(&rep[k][0]);
		xclose(&cmd[k][1]);
		if (!in_subtree(k, id)) {
			xclose(&rep[k][1]);
			xclose(&cmd[k][0]);
		}
	}
	write_chunk(OWN_CHUNK(id), id);
	if (DO_MOVE(id))
		move_chunk(MOVE_CHUNK(id), 0);
	if (DO_DONTUNMAP(id))
		move_chunk(DU_CHUNK(id), 1);
	nkids = fork_children(id, kids);
	for (k = id + 1; k < nprocs; k++)
		if (in_subtree(k, id)) {
			xclose(&rep[k][1]);
			xclose(&cmd[k][0]);
		}
	if (DO_PAGEOUT(id))
		pageout(id);
	m.errors = errors;
	if (write(rep[id][1], &m, sizeof(m)) != (ssize_t)sizeof(m))
		fail("write(ready)");
	while (read(cmd[id][0], &op, 1) == 1) {	/* EOF: time to exit */
		m.bad = verify();
		m.errors = errors;
		if (write(rep[id][1], &m, sizeof(m)) != (ssize_t)sizeof(m))
			fail("write(result)");
	}
	xclose(&rep[id][1]);
	xclose(&cmd[id][0]);
	for (k = 0; k < nkids; k++)
		if (waitpid(kids[k], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			errors++;
	_exit(errors || m.bad ? 1 : 0);
}

/* the tree follows through PR_SET_PDEATHSIG */
static void on_alarm(int sig)
{
	static const char msg[] = "rmap-demo: timeout, giving up\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static int wanted(const char *name)
{
	return !strcmp(name, "anon_vma") || !strcmp(name, "anon_vma_chain") ||
	       !strncmp(name, "cow_context", 11);
}

static void add_val(struct snap *s, const char *name, const char *what,
		    long long v)
{
	if (s->n == MAX_VALS)
		return;
	snprintf(s->v[s->n].name, sizeof(s->v[0].name), "%s", name);
	snprintf(s->v[s->n].what, sizeof(s->v[0].what), "%s", what);
	s->v[s->n++].v = v;
}

static long long *find_val(struct snap *s, const char *name, const char *what)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name) && !strcmp(s->v[i].what, what))
			return &s->v[i].v;
	return NULL;
}

static void snapshot(struct snap *s, int verbose)
{
	unsigned long a, n, sz, per, pps, act, slabs;
	char line[512], name[64], what[64];
	struct dirent *e;
	long long v;
	DIR *d;
	FILE *f;
	int fd;

	memset(s, 0, sizeof(*s));
	/* best effort: flush per-cpu slabs so active_objs is exact (SLUB) */
	for (d = opendir("/sys/kernel/slab"); d && (e = readdir(d)); ) {
		snprintf(line, sizeof(line), "/sys/kernel/slab/%s/shrink", e->d_name);
		if (wanted(e->d_name) && (fd = open(line, O_WRONLY)) >= 0) {
			(void)!write(fd, "1", 1);
			close(fd);
		}
	}
	if (d)
		closedir(d);
	if (!(f = fopen("/proc/slabinfo", "r"))) {
		fail("/proc/slabinfo");
	} else {
		while (fgets(line, sizeof(line), f)) {
			/* slabinfo 2.1: name active num objsize objperslab
			 * pagesperslab : tunables .. : slabdata active num */
			if (sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables "
				   "%*u %*u %*u : slabdata %lu %lu", name, &a, &n,
				   &sz, &per, &pps, &act, &slabs) != 8 ||
			    !wanted(name))
				continue;
			add_val(s, name, "objs", a);
			add_val(s, name, "bytes", (long long)a * sz);
			add_val(s, name, "slab bytes", (long long)slabs * pps *
				sysconf(_SC_PAGESIZE));
			if (verbose)
				printf("%-20s %8lu objs x %4lu B, %4lu slabs of "
				       "%lu pages\n", name, a, sz, slabs, pps);
		}
		fclose(f);
	}
	if (!(f = fopen("/sys/kernel/debug/cow_context/stats", "r")))
		return;
	s->stats = 1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", what, &v) == 2)
			add_val(s, "cow_context stats", what, v);
	fclose(f);
}

static void compare(const char *la, struct snap *a, const char *lb,
		    struct snap *b)
{
	static const char * const fixed[] = {
		"anon_vma", "anon_vma_chain", "cow_context"
	};
	const char *last = "";
	char sa[24];
	long long *va;
	int i;

	printf("%-20s %-14s %12s %12s %10s\n", "", "", la, lb, "delta");
	for (i = 0; i < b->n; i++) {	/* caches and counters never vanish */
		struct val *p = &b->v[i];

		va = find_val(a, p->name, p->what);
		snprintf(sa, sizeof(sa), va ? "%lld" : "-", va ? *va : 0);
		printf("%-20s %-14s %12s %12lld %+10lld\n",
		       strcmp(last, p->name) ? p->name : "", p->what, sa, p->v,
		       p->v - (va ? *va : 0));
		last = p->name;
	}
	for (i = 0; i < 3; i++)
		if (!find_val(a, fixed[i], "objs") && !find_val(b, fixed[i], "objs"))
			printf("%-20s (no such slab cache)\n", fixed[i]);
	if (!a->stats && !b->stats)
		printf("cow_context: not in this kernel\n");
}

/* VMAs (all, anonymous incl. [heap]) from maps, VmRSS/VmSwap from status */
static void proc_info(int pid, int *vmas, int *anon, long *rss, long *swap)
{
	char path[64], line[4200], *p;
	FILE *f;
	int off;

	*vmas = *anon = *rss = *swap = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	for (f = fopen(path, "r"); f && fgets(line, sizeof(line), f); ) {
		off = 0;
		sscanf(line, "%*s %*s %*s %*s %*s %n", &off);
		p = line + off;
		p[strcspn(p, "\n")] = 0;
		++*vmas;
		if (!*p || !strcmp(p, "[heap]") || !strncmp(p, "[anon:", 6))
			++*anon;
	}
	if (!f || fclose(f))
		fail(path);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	for (f = fopen(path, "r"); f && fgets(line, sizeof(line), f); )
		if (sscanf(line, "VmRSS: %ld", rss) != 1)
			sscanf(line, "VmSwap: %ld", swap);
	if (!f || fclose(f))
		fail(path);
}

static int num_arg(const char *s, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v >= 0 && v <= max ? (int)v : -1;
}

int main(int argc, char **argv)
{
	static struct snap before, now, after;
	int k, st, vm, an, ok = 1, ready = 1, verified = 0, nbad = 0;
	int vmas = 0, anon = 0;
	long rss, swap, rss_sum = 0, swap_sum = 0, lvl;
	pid_t kids[MAX_PROCS], pid;
	char *region, par[16];
	struct msg m;
	FILE *f;

	if (argc > 1)
		depth = num_arg(argv[1], 16);
	if (argc > 2)
		fanout = num_arg(argv[2], MAX_PROCS);
	for (k = 0, lvl = 1; k <= depth && nprocs <= MAX_PROCS; k++, lvl *= fanout)
		nprocs += lvl;
	if (argc > 3 || depth < 0 || fanout < 1 || nprocs > MAX_PROCS) {
		fprintf(stderr, "usage: rmap-demo [depth] [fanout] (at most %d "
			"processes)\n", MAX_PROCS);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);	/* a dead child gives EPIPE, not death */
	signal(SIGALRM, on_alarm);
	alarm(TIMEOUT);
	/* orphans of a dying subtree get reparented to us and reaped */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		fail("prctl(PR_SET_CHILD_SUBREAPER)");

	printf("== rmap-demo: reverse map of a fork tree (depth %d, fanout %d) ==\n",
	       depth, fanout);
	printf("\n== phase 1: snapshot before ==\n");
	snapshot(&before, 1);
	printf("cow_context stats    %s\n", before.stats ?
	       "/sys/kernel/debug/cow_context/stats" : "not in this kernel");
	for (k = -1, f = fopen("/proc/swaps", "r"); f && fgets(par, sizeof(par), f); )
		k += !!strchr(par, '\n');	/* lines, minus the header */
	if (f)
		fclose(f);
	printf("swap devices         %d%s\n", k < 0 ? 0 : k,
	       k > 0 ? "" : " (MADV_PAGEOUT will not swap anything)");

	printf("\n== phase 2: fork tree sharing %lu MiB of anonymous memory ==\n",
	       REGION >> 20);
	region = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect = malloc(NUNITS * sizeof(*expect));
	if (region == MAP_FAILED || !expect) {
		fail("mmap/malloc");
		return 1;
	}
	for (k = 0; k < NCHUNKS; k++) {
		base[k] = region + k * CHUNK;
		write_chunk(k, 0);
	}
	for (k = 1; k < nprocs; k++)
		if (pipe(rep[k]) || pipe(cmd[k])) {
			fail("pipe");
			return 1;
		}
	pids[0] = getpid();
	fork_children(0, kids);
	for (k = 1; k < nprocs; k++) {	/* our children hold these now */
		xclose(&rep[k][1]);
		xclose(&cmd[k][0]);
	}
	printf("region %p, %d pages filled by root, forked %d processes\n",
	       (void *)region, NUNITS, nprocs - 1);

	printf("\n== phase 3: COW slices, mremap, DONTUNMAP, pageout ==\n");
	for (k = 1; k < nprocs; k++) {
		if (read(rep[k][0], &m, sizeof(m)) != (ssize_t)sizeof(m)) {
			printf("process %d: died before reporting ready\n", k);
			pids[k] = 0;
			ok = 0;
			continue;
		}
		pids[k] = m.pid;
		ok &= !m.errors;
		ready++;
	}
	printf("ready                %d of %d processes\n", ready, nprocs);

	printf("\n== phase 4: with the tree alive ==\n");
	printf("%3s %7s %6s %5s %5s %8s %8s  %s\n", "id", "pid", "parent",
	       "VMAs", "anon", "RSS kB", "swap kB", "work");
	for (k = 0; k < nprocs; k++) {
		if (!pids[k])
			continue;
		proc_info(pids[k], &vm, &an, &rss, &swap);
		vmas += vm;
		anon += an;
		rss_sum += rss;
		swap_sum += swap;
		snprintf(par, sizeof(par), k ? "%d" : "-", (k - 1) / fanout);
		printf("%3d %7d %6s %5d %5d %8ld %8ld  %s %d", k, (int)pids[k],
		       par, vm, an, rss, swap, k ? "COW chunk" : "fill chunks 0 -",
		       k ? OWN_CHUNK(k) : NCHUNKS - 1);
		if (k && DO_MOVE(k))
			printf(", move %d", MOVE_CHUNK(k));
		if (k && DO_DONTUNMAP(k))
			printf(", DONTUNMAP %d", DU_CHUNK(k));
		if (k && DO_PAGEOUT(k))
			printf(", pageout half %d", PO_HALF(k));
		printf("\n");
	}
	printf("\nprocesses                      %d\n", ready);
	printf("VMAs (all / anon incl. heap)   %d / %d\n", vmas, anon);
	printf("RSS / swap (summed)            %ld kB / %ld kB\n\n",
	       rss_sum, swap_sum);
	snapshot(&now, 0);
	compare("before", &before, "with-tree", &now);

	printf("\n== phase 5: verify memory in every process ==\n");
	for (k = 1; k < nprocs; k++)	/* failure shows up as EOF below */
		if (pids[k] && write(cmd[k][1], "V", 1) != 1)
			fail("write(verify)");
	for (k = 0; k < nprocs; k++) {
		if (!pids[k])
			continue;
		if (!k) {
			m.bad = verify();
			m.errors = 0;
		} else if (read(rep[k][0], &m, sizeof(m)) != (ssize_t)sizeof(m)) {
			printf("process %d: died during verification\n", k);
			ok = 0;
			continue;
		}
		verified++;
		ok &= !m.errors;
		if (m.bad) {
			printf("process %2d (pid %d): %ld pages MISMATCH\n",
			       k, (int)pids[k], m.bad);
			nbad++;
		}
	}
	printf("data verified in %d processes: ", verified);
	printf(nbad ? "%d MISMATCHES\n" : "OK\n", nbad);
	if (nbad || verified != nprocs)
		ok = 0;

	printf("\n== phase 6: after exit ==\n");
	for (k = 1; k < nprocs; k++)
		xclose(&cmd[k][1]);	/* EOF tells everybody to exit */
	while ((pid = wait(&st)) > 0 || errno == EINTR)
		if (pid > 0 && (!WIFEXITED(st) || WEXITSTATUS(st))) {
			printf("pid %d exited with status 0x%x\n", (int)pid, st);
			ok = 0;
		}
	if (errno != ECHILD)
		fail("wait");
	for (k = 1; k < nprocs; k++)
		xclose(&rep[k][0]);
	if (munmap(region, REGION))
		fail("munmap");
	free(expect);
	printf("all processes reaped, root unmapped its region\n\n");
	snapshot(&after, 0);
	compare("before", &before, "after", &after);

	ok &= !errors;
	printf("\nrmap-demo: %s\n", ok ? "PASSED" : "FAILED");
	return ok ? 0 : 1;
}
