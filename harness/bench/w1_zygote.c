/*
 * W1, zygote fan-out: reverse-map memory and fork/exit time of a parent
 * with many anonymous VMAs that forks many children.
 *
 * The parent maps 1000 faulted anonymous one-page VMAs that cannot merge
 * (bench.h: make_vmas()), each with an anon_vma of its own, like an app
 * zygote.  For N = 10, 100, 1000 it forks N children (one tree per N);
 * each child waits until all are forked, writes one page in every 4th of
 * the VMAs (250 COW faults), reports through a pipe and sleeps until told
 * to exit.  With all of them alive and done, the parent reads the
 * reverse-map memory (bench.h: anon_vma_bytes, cow_bytes,
 * cow_page_ext_bytes, rmap_bytes, deltas against a baseline read just
 * before the forks), then closes the exit latch and reaps them.
 *
 *	vmas		-		VMAs of the parent (count)
 *	fork_us		children=N	the parent's N fork() calls
 *	exit_us		children=N	from "exit" until all N are reaped
 *	anon_vma_bytes, cow_bytes, cow_page_ext_bytes, rmap_bytes  children=N
 *
 * Size: the curve needs N = 1000 and 1000 VMAs at scale 1, so -s only
 * shrinks the VMA count, and only when it is below 1 (-s 0.1: 100 VMAs).
 * Under TCG (4 vCPUs on a 2-CPU host, kernels without debug options) the
 * 1000 forks take 6-12 s (6-12 ms each, the children alive), the 250000
 * COW faults ~4 s, the exits 2-11 s: a run took 13 s on the stock
 * kernel, 15-26 s on the series' with the host quiet, 26-42 s with it
 * busy.  It may exceed 25 s; a scale below 1 is the way to shorten it.
 * Memory with 1000 children alive: per child 1000 VMAs (~200 KB), as
 * many anon_vmas and twice as many anon_vma_chains (233 KB measured), 250
 * COW pages (1 MB), page tables and a kernel stack (~50 KB): ~1.5 GB of
 * the guest's 4 GiB.
 */
#include "bench.h"

#define VMAS		1000
#define WRITE_EVERY	4

static const int children[] = { 10, 100, 1000 };

static char *base;
static long nvmas;

/* in each child, once all are forked: COW one page in every 4th VMA */
static void child_writes(void *arg, int level, int index)
{
	long i;

	(void)arg;
	(void)level;
	for (i = 0; i < nvmas; i += WRITE_EVERY)
		*(volatile long *)(VMA_PAGE(base, i) + sizeof(long)) = index;
}

int main(int argc, char **argv)
{
	struct rmap_mem before, with_tree;
	char param[64];
	uint64_t exit_ns;
	struct tree t;
	unsigned int k;
	long maps;

	bench_init("W1", argc, argv);
	nvmas = bench_scale < 1 ? scaled(VMAS, 8) : VMAS;
	maps = maps_count();
	base = make_vmas(nvmas);
	if (maps_count() - maps != nvmas)
		bench_fail("%ld VMAs mapped, %ld more in maps",
			   nvmas, maps_count() - maps);
	bench_out("vmas", "-", nvmas, "count");

	for (k = 0; k < ARRAY_SIZE(children); k++) {
		snprintf(param, sizeof(param), "children=%d", children[k]);
		rmap_mem_read(&before);
		tree_build(&t, &children[k], 1, child_writes, NULL);
		tree_ready(&t);		/* forked */
		tree_go(&t);
		tree_ready(&t);		/* every child has written */
		rmap_mem_read(&with_tree);
		exit_ns = tree_destroy(&t);
		rmap_mem_report(param, &before, &with_tree);
		bench_out("fork_us", param, t.fork_ns / 1e3, "us");
		bench_out("exit_us", param, exit_ns / 1e3, "us");
		bench_note("%s done", param);
	}
	bench_done();
	return 0;
}
