/*
 * W3, reverse-map walk cost: time per page of MADV_PAGEOUT and of
 * move_pages() to the other NUMA node, for pages with three histories.
 *
 *   exclusive	pages only this process ever mapped;
 *   tree64	pages of a tree of 64 processes: the root maps and faults
 *		them, forks 7 children, each of which forks 8 (1 + 7 + 56);
 *		nobody writes after fork, so all 64 map the pages while
 *		they migrate (for pageout, see below);
 *   chain1000	pages of the leaf of a 1000-generation fork-then-exit
 *		chain: a child of ours faults them, forks and exits, its
 *		child forks and exits, ... 1000 times; each generation forks
 *		only once its parent is gone (PR_SET_PDEATHSIG with SIGUSR1),
 *		so the chain is the same every run; the leaf, which alone
 *		maps the pages now, measures.
 *
 * Migration: the pages start on the first node (faulted on its CPUs,
 * moved there if need be), then move_pages(MPOL_MF_MOVE_ALL) moves all of
 * them in one call, 3 times, alternating directions; per page, the median.
 * MOVE_ALL because plain MPOL_MF_MOVE skips pages mapped more than once.
 *
 * Pageout: one untimed MADV_PAGEOUT puts the pages in swap; then 3 rounds
 * of: read every page back (swap-in, which checks the contents) and time
 * MADV_PAGEOUT of the range: the reverse-map walk unmaps each page and it
 * is written to swap again.  MADV_PAGEOUT leaves alone a page mapped more
 * than once, so in tree64 the 63 other processes first drop the pages
 * with MADV_DONTNEED, keeping their VMAs: the root alone maps them, but
 * their reverse map still spans the 64 processes (upstream: the root's
 * anon_vma, every process's VMA in its interval tree; the series: the
 * root's COW context, the owner, and its 63 descendants).  After each
 * MADV_PAGEOUT the pages swapped out are counted from /proc/self/pagemap
 * (bit 62).  (Holding them as swap entries instead would share each slot
 * 64 ways, past SWAP_MAP_MAX, and the exits would take most of the run.)
 *
 *	migrate_ns_per_page	case=C	median of the moves, per page
 *	pageout_ns_per_page	case=C	median of the rounds, per page of
 *					the range
 *	pageout_swapped		case=C	pages swapped out (median of rounds)
 *	chain_build_us		case=chain1000	the 1000 generations
 *	anon_vma_bytes, cow_bytes case=chain1000  reverse-map memory left by
 *					the chain, with the leaf alive (delta)
 * One NUMA node: "BENCH_SKIP W3 migrate_ns_per_page one NUMA node";
 * no swap: the same for the pageout metrics.
 *
 * Size: 2048 pages (8 MiB) times the scale, at least 64; 5 moves and 5
 * pageout rounds.  Under TCG (kernels without debug options) a page moved
 * in 13-30 us alone, 115-290 us with 64 mappers and up to 0.5 ms through
 * the series' walk of the chain's 1000 dead contexts, paged out in
 * 13-27 us; a chain generation took 1.3-5 ms.  A run took 4-9 s on the
 * stock kernel, 7-16 s on the series'; 18-45 s with lockdep and DEBUG_VM.
 */
#include "bench.h"

#define NPAGES		2048
#define TREE_DEPTH	2
#define CHAIN		1000
#define MIGRATE_ROUNDS	5
#define PAGEOUT_ROUNDS	5
#define TAG		0x5eed0000L

static const int tree_fanout[TREE_DEPTH] = { 7, 8 };	/* 1 + 7 + 56 */

struct result {
	double migrate_ns;	/* per page, median */
	double pageout_ns;	/* per page, median */
	double swapped;		/* pages, median */
};

static long npages;
static struct node_list nodes;
static int can_migrate, can_pageout;

/* a region of npages faulted on the CPUs of the first node */
static char *region_on_first_node(void)
{
	cpu_set_t old;
	char *p;

	if (!can_migrate)
		return map_filled(npages, TAG);
	pin_to_node(nodes.node[0], &old);
	p = map_filled(npages, TAG);
	unpin(&old);
	return p;
}

static double migrate(char *region)
{
	void **pages = calloc(npages, sizeof(*pages));
	int *nd = calloc(npages, sizeof(*nd));
	int *status = calloc(npages, sizeof(*status));
	double ns[MIGRATE_ROUNDS];
	int a = nodes.node[0], b = nodes.node[1], to;
	uint64_t t0;
	long i, on;

	if (!pages || !nd || !status)
		bench_die("calloc");
	for (i = 0; i < npages; i++)
		pages[i] = region + i * PG;
	if (move_pages_to(pages, nd, status, npages, -a - 1) < npages &&
	    move_pages_to(pages, nd, status, npages, a) < npages)
		bench_fail("cannot gather the pages on node %d", a);
	for (i = 0; i < MIGRATE_ROUNDS; i++) {
		to = i % 2 ? a : b;
		t0 = now_ns();
		on = move_pages_to(pages, nd, status, npages, to);
		ns[i] = (double)(now_ns() - t0) / npages;
		if (on < npages / 2)
			bench_fail("move_pages: %ld of %ld pages on node %d",
				   on, npages, to);
		if (on < npages)
			bench_note("move_pages: %ld of %ld pages on node %d",
				   on, npages, to);
	}
	free(pages);
	free(nd);
	free(status);
	return median(ns, MIGRATE_ROUNDS);
}

/* rounds of read back + MADV_PAGEOUT; warm: page out once first */
static void pageout(char *region, int warm, struct result *r)
{
	if (warm && madvise(region, npages * PG, MADV_PAGEOUT))
		bench_die("madvise(MADV_PAGEOUT)");
	timed_pageouts(region, npages, TAG, PAGEOUT_ROUNDS, &r->pageout_ns,
		       &r->swapped);
}

static void report(const char *c, const struct result *r)
{
	char param[64];

	snprintf(param, sizeof(param), "case=%s", c);
	if (can_migrate)
		bench_out("migrate_ns_per_page", param, r->migrate_ns, "ns");
	if (can_pageout) {
		bench_out("pageout_ns_per_page", param, r->pageout_ns, "ns");
		bench_out("pageout_swapped", param, r->swapped, "count");
	}
}

static void case_exclusive(void)
{
	struct result r = { 0, 0, 0 };
	char *region = region_on_first_node();

	if (can_migrate)
		r.migrate_ns = migrate(region);
	if (can_pageout)
		pageout(region, 1, &r);
	if (munmap(region, npages * PG))
		bench_die("munmap");
	bench_note("exclusive done");
	report("exclusive", &r);
}

/* in each process of the tree but the root: drop the pages, keep the VMA */
static void drop_pages(void *arg, int level, int index)
{
	(void)level;
	(void)index;
	if (madvise(arg, npages * PG, MADV_DONTNEED))
		bench_die("madvise(MADV_DONTNEED)");
}

static void case_tree64(void)
{
	struct result r = { 0, 0, 0 };
	char *region = region_on_first_node();
	struct tree t;

	tree_build(&t, tree_fanout, TREE_DEPTH, drop_pages, region);
	tree_ready(&t);			/* all 64 map the pages */
	bench_note("tree64: tree built");
	if (can_migrate) {
		r.migrate_ns = migrate(region);
		bench_note("tree64: migration done");
	}
	if (can_pageout) {
		tree_go(&t);
		tree_ready(&t);		/* the root alone maps them */
		pageout(region, 1, &r);
		bench_note("tree64: pageout done");
	}
	tree_destroy(&t);
	if (munmap(region, npages * PG))
		bench_die("munmap");
	report("tree64", &r);
}

/* chain: shared between the leaf and us */
struct chain_shared {
	struct result r;
	pid_t leaf;
};

/* in our child: fault the pages, then fork-and-exit CHAIN times */
static void chain(struct chain_shared *sh, int ready_fd, int go_fd)
	__attribute__((noreturn));

static void chain(struct chain_shared *sh, int ready_fd, int go_fd)
{
	char *region = region_on_first_node();
	sigset_t usr1;
	pid_t me, pid;
	int gen, sig;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL))
		bench_die("sigprocmask");
	for (gen = 0; gen < CHAIN; gen++) {
		me = getpid();
		pid = fork();
		if (pid < 0)
			bench_die("fork");
		if (pid > 0)
			_exit(0);
		/* the new generation: wait until the parent is gone */
		if (prctl(PR_SET_PDEATHSIG, SIGUSR1))
			bench_die("prctl(PR_SET_PDEATHSIG)");
		while (getppid() == me) {
			sig = sigwaitinfo(&usr1, NULL);
			if (sig < 0 && errno != EINTR)
				bench_die("sigwaitinfo");
		}
	}
	/* the leaf, now a child of the main process (child subreaper) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		bench_die("prctl(PR_SET_PDEATHSIG)");
	if (getppid() != bench_main_pid)
		_exit(3);
	sh->leaf = getpid();
	post(ready_fd);
	latch_wait(go_fd);
	if (can_migrate)
		sh->r.migrate_ns = migrate(region);
	if (can_pageout)
		pageout(region, 1, &sh->r);
	post(ready_fd);
	_exit(0);
}

static void case_chain(void)
{
	struct chain_shared *sh;
	struct rmap_mem before, with_chain;
	int ready[2], go[2], st, reaped;
	uint64_t t0, build_ns;
	pid_t pid;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		bench_die("mmap(shared)");
	bench_pipe(ready);
	bench_pipe(go);
	rmap_mem_read(&before);
	bench_note("chain1000: start");
	t0 = now_ns();
	pid = bench_fork();
	if (!pid) {
		close_fd(&ready[0]);
		close_fd(&go[1]);
		chain(sh, ready[1], go[0]);
	}
	close_fd(&ready[1]);
	close_fd(&go[0]);
	collect(ready[0], 1);		/* the leaf exists */
	build_ns = now_ns() - t0;
	bench_note("chain1000: built");
	/* the 1000 dead generations are our zombies now */
	for (reaped = 0; reaped < CHAIN; reaped++) {
		pid = wait(&st);
		if (pid < 0 && errno == EINTR) {
			reaped--;
			continue;
		}
		if (pid < 0)
			bench_die("wait");
		if (pid == sh->leaf || !WIFEXITED(st) || WEXITSTATUS(st))
			bench_fail("chain: process %d ended with status 0x%x",
				   (int)pid, st);
	}
	rmap_mem_read(&with_chain);
	close_fd(&go[1]);		/* measure */
	collect(ready[0], 1);
	bench_reap(sh->leaf);
	bench_note("chain1000: measured");
	close_fd(&ready[0]);
	report("chain1000", &sh->r);
	bench_out("chain_build_us", "case=chain1000", build_ns / 1e3, "us");
	bench_out("anon_vma_bytes", "case=chain1000",
		  (double)(with_chain.anon_vma - before.anon_vma), "bytes");
	bench_out("cow_bytes", "case=chain1000",
		  (double)(with_chain.cow - before.cow), "bytes");
	if (munmap(sh, sizeof(*sh)))
		bench_die("munmap");
}

int main(int argc, char **argv)
{
	bench_init("W3", argc, argv);
	npages = scaled(NPAGES, 64);
	numa_nodes(&nodes);
	can_migrate = nodes.n >= 2;
	can_pageout = swap_enabled();
	if (!can_migrate)
		bench_skip("migrate_ns_per_page", "one NUMA node");
	if (!can_pageout) {
		bench_skip("pageout_ns_per_page", "no swap");
		bench_skip("pageout_swapped", "no swap");
	}
	case_exclusive();
	case_tree64();
	case_chain();
	bench_done();
	return 0;
}
