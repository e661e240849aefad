/*
 * W5, mremap-heavy: the cost of moving a faulted anonymous region many
 * times, and of a reverse-map walk of it afterwards (the series keeps a
 * remap table of where the pages of a COW context went).
 *
 * The process faults a region of 16 pages and moves it 10000 times with
 * mremap(MREMAP_MAYMOVE | MREMAP_FIXED), each time to a fresh, never used
 * address: the next 16 pages of a large PROT_NONE reservation (the old
 * place becomes a hole, so the VMA count stays the same); it writes one
 * page after each move.  Every mremap() is timed.  Then it forks a child
 * and drops its own copy of the pages (MADV_DONTNEED: the VMA stays),
 * so that the child alone maps them (MADV_PAGEOUT leaves pages mapped
 * twice alone); the child times MADV_PAGEOUT of the region, after an
 * untimed one, in rounds of read back (swap-in) + pageout.  With the
 * child alive, after its rounds, the process reads the series' counters.
 *
 *	mremap_ns	count=N	median of the 100 mremaps up to the N-th, for
 *				N = 100, 1000, 2000, 5000, 10000
 *	pageout_ns_per_page	-	median of the child's rounds, per page
 *	pageout_swapped		-	pages swapped out (median of rounds)
 *	cow_bytes, remap_entries -	series' debugfs stats at the end, delta
 *				from before the mremaps (0 without the series)
 *	anon_vma_bytes		-	the same for anon_vma + anon_vma_chain
 *
 * Size: the 10000 mremaps define the curve and do not scale; -s scales
 * the pageout rounds (9, at least 3).  Under TCG an mremap() of 16 pages
 * took 20-30 us on the stock kernel, 35 us growing to 225-325 us at the
 * 10000th on the series' (80-400 us with lockdep and DEBUG_VM): a run
 * takes 0.5-2.6 s (8 s with the debug options), so P stays at 16.
 */
#include "bench.h"

#define PAGES		16
#define MREMAPS		10000
#define WINDOW		100
#define PAGEOUT_ROUNDS	9
#define TAG		0x3e3a0000L

static const long points[] = { 100, 1000, 2000, 5000, 10000 };

struct child_result {
	double pageout_ns;	/* per page, median */
	double swapped;		/* median */
};

static void child_pageout(char *region, int rounds, struct child_result *r)
{
	if (madvise(region, PAGES * PG, MADV_PAGEOUT))
		bench_die("madvise(MADV_PAGEOUT)");
	timed_pageouts(region, PAGES, TAG, rounds, &r->pageout_ns,
		       &r->swapped);
}

int main(int argc, char **argv)
{
	long long remaps0, remaps1;
	struct rmap_mem before, after;
	struct child_result *res;
	int ready[2], go[2], quit[2], rounds, can_pageout;
	double *ns, win[WINDOW];
	char *resv, *region, *dst, param[64];
	uint64_t t0;
	unsigned int k;
	pid_t pid;
	long i, j;

	bench_init("W5", argc, argv);
	rounds = (int)scaled(PAGEOUT_ROUNDS, 3);
	can_pageout = swap_enabled();
	if (!can_pageout) {
		bench_skip("pageout_ns_per_page", "no swap");
		bench_skip("pageout_swapped", "no swap");
	}
	ns = calloc(MREMAPS, sizeof(*ns));
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!ns || res == MAP_FAILED)
		bench_die("calloc/mmap");
	resv = map_anon((size_t)MREMAPS * PAGES * PG, PROT_NONE);
	region = map_filled(PAGES, TAG);

	rmap_mem_read(&before);
	cow_stat("remap_entries", &remaps0);
	for (i = 0; i < MREMAPS; i++) {
		dst = resv + i * PAGES * PG;
		t0 = now_ns();
		region = mremap(region, PAGES * PG, PAGES * PG,
				MREMAP_MAYMOVE | MREMAP_FIXED, dst);
		ns[i] = (double)(now_ns() - t0);
		if (region == MAP_FAILED)
			bench_die("mremap");
		if (region != dst)
			bench_fail("mremap moved to %p, not %p", (void *)region,
				   (void *)dst);
		/* write one page: word 1, word 0 holds the check tag */
		*(volatile long *)(region + (i % PAGES) * PG + 8) = i;
	}
	bench_note("%d mremaps done", MREMAPS);
	for (k = 0; k < ARRAY_SIZE(points); k++) {
		for (j = 0; j < WINDOW; j++)
			win[j] = ns[points[k] - WINDOW + j];
		snprintf(param, sizeof(param), "count=%ld", points[k]);
		bench_out("mremap_ns", param, median(win, WINDOW), "ns");
	}

	bench_pipe(ready);
	bench_pipe(go);
	bench_pipe(quit);
	pid = bench_fork();
	if (!pid) {
		close_fd(&ready[0]);
		close_fd(&go[1]);
		close_fd(&quit[1]);
		latch_wait(go[0]);
		if (can_pageout)
			child_pageout(region, rounds, res);
		post(ready[1]);
		latch_wait(quit[0]);
		_exit(0);
	}
	close_fd(&ready[1]);
	close_fd(&go[0]);
	close_fd(&quit[0]);
	/* the child alone maps the pages now; the parent keeps its VMA */
	if (madvise(region, PAGES * PG, MADV_DONTNEED))
		bench_die("madvise(MADV_DONTNEED)");
	close_fd(&go[1]);
	collect(ready[0], 1);
	rmap_mem_read(&after);
	cow_stat("remap_entries", &remaps1);
	close_fd(&quit[1]);
	bench_reap(pid);
	close_fd(&ready[0]);

	if (can_pageout) {
		bench_out("pageout_ns_per_page", "-", res->pageout_ns, "ns");
		bench_out("pageout_swapped", "-", res->swapped, "count");
	}
	bench_out("cow_bytes", "-", (double)(after.cow - before.cow), "bytes");
	bench_out("remap_entries", "-", (double)(remaps1 - remaps0), "count");
	bench_out("anon_vma_bytes", "-",
		  (double)(after.anon_vma - before.anon_vma), "bytes");
	bench_done();
	return 0;
}
