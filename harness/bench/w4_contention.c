/*
 * W4, contention between reclaim and fork in one fork tree, the case that
 * stalls Android apps: the reverse-map walks of reclaim hold the tree's
 * rmap lock (upstream: the root anon_vma's rwsem, one for the whole tree)
 * while the tree's processes fork, exit and change their VMAs, which take
 * it for write.
 *
 * The parent faults a 16 MiB region and forks 8 siblings.  MADV_PAGEOUT
 * leaves alone a page mapped more than once, so the parent and siblings
 * 1-7 then drop the pages (MADV_DONTNEED), keeping the VMA and its place
 * in the reverse map: sibling 0, the reclaimer, alone maps the pages,
 * whose reverse map spans the 9 processes and their children (upstream:
 * the parent's anon_vma, with every VMA of the region in its interval
 * tree; the series: the parent's COW context, the owner, and its subtree).
 * The reclaimer loops: read the region back (swap-in; it checks the
 * contents), time MADV_PAGEOUT of it (the walk unmaps each page, which is
 * written to swap), count the pages swapped out from /proc/self/pagemap.
 * Siblings 1-7 loop: time a fork() whose child _exit(0)s at once (the
 * fork links the child's copy of the region into the reverse map under
 * the lock: anon_vma_fork() upstream), waitpid(), mprotect() part of their
 * own scratch mapping and back (a split and a merge), munmap() + mmap() +
 * write another part.  All run for D seconds; the fork latencies go to
 * shared memory.  (Holding the pages as shared swap entries instead makes
 * every fork and exit copy and free 4096 swap entries, and the swap locks,
 * not the reverse map, then decide the latencies.)
 *
 *	fork_p50_us, fork_p99_us  -  latency of the siblings' fork() calls
 *	forks			-  their number
 *	reclaim_pages_per_s	-  pages swapped out by the reclaimer per
 *				   second spent in MADV_PAGEOUT
 *	reclaim_rounds		-  read-back + pageout rounds of the reclaimer
 * No swap: the reclaim metrics print BENCH_SKIP, the forks still run.
 *
 * D = 10 s times the scale (at least 1 s); the setup takes ~0.1 s under
 * TCG (4096 faults, 8 forks), a reclaim round 0.4-1 s: a run takes 10.5 s
 * (3000-10000 forks, 9-23 reclaim rounds).
 */
#include "bench.h"

#define REGION_PAGES	4096	/* 16 MiB */
#define SIBLINGS	8	/* sibling 0 reclaims, the others fork */
#define DURATION_S	10.0
#define SCRATCH_PAGES	64
#define MAX_LAT		32768	/* fork latencies kept per sibling */
#define TAG		0x4c0c0000L

struct sibling {
	long forks;		/* forks done */
	long rounds;		/* reclaimer: read-back + pageout rounds */
	long swapped;		/* reclaimer: pages swapped out */
	uint64_t pageout_ns;	/* reclaimer: time in MADV_PAGEOUT */
	float lat_us[MAX_LAT];	/* the first MAX_LAT fork latencies */
};

struct shared {
	int stop;
	struct sibling sib[SIBLINGS];
};

static struct shared *sh;
static char *region;

static int stopped(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* keep the VMA, with its place in the reverse map, but not the pages */
static void drop_region(void)
{
	if (madvise(region, REGION_PAGES * PG, MADV_DONTNEED))
		bench_die("madvise(MADV_DONTNEED)");
}

static void reclaimer(struct sibling *me)
{
	long present, swapped;
	uint64_t t0;

	while (!stopped()) {
		check_filled(region, REGION_PAGES, TAG);	/* swap-in */
		t0 = now_ns();
		if (madvise(region, REGION_PAGES * PG, MADV_PAGEOUT))
			bench_die("madvise(MADV_PAGEOUT)");
		me->pageout_ns += now_ns() - t0;
		pagemap_count(region, REGION_PAGES, &present, &swapped);
		me->swapped += swapped;
		me->rounds++;
	}
}

static void forker(struct sibling *me, int id)
{
	char *scratch = map_filled(SCRATCH_PAGES, id), *p, *q;
	uint64_t ns;
	long i;
	pid_t pid;

	for (i = 0; !stopped(); i++) {
		pid = timed_fork_exit(&ns);
		if (me->forks < MAX_LAT)
			me->lat_us[me->forks] = ns / 1e3;
		me->forks++;
		bench_reap(pid);
		/* split the scratch VMA with mprotect() and merge it back */
		p = scratch + (i * 8 % (SCRATCH_PAGES - 8)) * PG;
		if (mprotect(p, 4 * PG, PROT_READ) ||
		    mprotect(p, 4 * PG, PROT_READ | PROT_WRITE))
			bench_die("mprotect");
		/* unmap the next 4 pages, map and fault them again */
		p += 4 * PG;
		if (munmap(p, 4 * PG))
			bench_die("munmap");
		q = mmap(p, 4 * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (q != p)
			bench_die("mmap(MAP_FIXED)");
		for (; q < p + 4 * PG; q += PG)
			*(volatile long *)q = i;
	}
}

int main(int argc, char **argv)
{
	int ready[2], go[2], i, can_reclaim;
	long present, swapped, n = 0, forks = 0, rounds, k;
	double duration, *lat, secs;
	pid_t pids[SIBLINGS];
	struct timespec ts;
	uint64_t t0;

	bench_init("W4", argc, argv);
	duration = DURATION_S * bench_scale;
	duration = duration < 1 ? 1 : duration;
	can_reclaim = swap_enabled();
	if (!can_reclaim) {
		bench_skip("reclaim_pages_per_s", "no swap");
		bench_skip("reclaim_rounds", "no swap");
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		bench_die("mmap(shared)");
	region = map_filled(REGION_PAGES, TAG);
	bench_pipe(ready);
	bench_pipe(go);
	for (i = 0; i < SIBLINGS; i++) {
		pids[i] = bench_fork();
		if (pids[i])
			continue;
		close_fd(&ready[0]);
		close_fd(&go[1]);
		if (i > 0)
			drop_region();
		post(ready[1]);
		latch_wait(go[0]);
		if (i == 0 && can_reclaim)
			reclaimer(&sh->sib[0]);
		else if (i > 0)
			forker(&sh->sib[i], i);
		_exit(0);
	}
	close_fd(&ready[1]);
	close_fd(&go[0]);
	collect(ready[0], SIBLINGS);
	drop_region();			/* the reclaimer alone maps it now */
	pagemap_count(region, REGION_PAGES, &present, &swapped);
	if (present)
		bench_fail("%ld pages still present after MADV_DONTNEED",
			   present);
	bench_note("setup done, running for %.1f s", duration);
	t0 = now_ns();
	close_fd(&go[1]);		/* go */
	ts.tv_sec = (time_t)duration;
	ts.tv_nsec = (long)((duration - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts))
		if (errno != EINTR)
			bench_die("nanosleep");
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < SIBLINGS; i++)
		bench_reap(pids[i]);
	secs = (now_ns() - t0) / 1e9;
	close_fd(&ready[0]);

	for (i = 1; i < SIBLINGS; i++)
		forks += sh->sib[i].forks;
	lat = calloc(forks + 1, sizeof(*lat));
	if (!lat)
		bench_die("calloc");
	for (i = 1; i < SIBLINGS; i++)
		for (k = 0; k < sh->sib[i].forks && k < MAX_LAT; k++)
			lat[n++] = sh->sib[i].lat_us[k];
	if (!n)
		bench_fail("no fork in %.1f s", secs);
	bench_out("fork_p50_us", "-", percentile(lat, n, 50), "us");
	bench_out("fork_p99_us", "-", percentile(lat, n, 99), "us");
	bench_out("forks", "-", forks, "count");
	if (can_reclaim) {
		rounds = sh->sib[0].rounds;
		if (!rounds || !sh->sib[0].pageout_ns)
			bench_fail("no reclaim round in %.1f s", secs);
		bench_out("reclaim_pages_per_s", "-", sh->sib[0].swapped /
			  (sh->sib[0].pageout_ns / 1e9), "pages_per_s");
		bench_out("reclaim_rounds", "-", rounds, "count");
	}
	free(lat);
	bench_done();
	return 0;
}
