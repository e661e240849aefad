/*
 * W2, fork + exit latency against the number of faulted anonymous VMAs.
 *
 * The process maps faulted one-page anonymous VMAs that cannot merge
 * (bench.h: make_vmas(), each with an anon_vma of its own), 10, 100, 1000
 * and then 10000 of them, growing the set between the points.  At each
 * point, after one untimed warm-up, it repeats K times: fork(), the child
 * _exit(0)s at once, waitpid().  Fork copies every VMA and, with it, its
 * reverse-map links (anon_vma_fork() upstream); the exit tears them down.
 *
 *	fork_us		vmas=N	median time of the fork() call in the parent
 *	fork_exit_us	vmas=N	median time from fork() until waitpid()
 *				has reaped the child
 *
 * K = 50 (20 at 10000 VMAs) times the scale, at least 3.  Under TCG a
 * fork + exit with 10000 VMAs took 50-100 ms, with 1000 6-15 ms (kernels
 * without debug options; 0.5 s and 50-85 ms with lockdep and DEBUG_VM):
 * a run takes 2-4 s (10-12 s with the debug options).
 */
#include "bench.h"

static const long points[] = { 10, 100, 1000, 10000 };

#define REPS		50
#define REPS_BIG	20	/* at 10000 VMAs */

/* one fork + exit: ns of the fork() call and until the child is reaped */
static void fork_exit(uint64_t *fork_ns, uint64_t *total_ns)
{
	uint64_t t0 = now_ns();
	pid_t pid = timed_fork_exit(fork_ns);
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			bench_die("waitpid");
	*total_ns = now_ns() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		bench_fail("child ended with status 0x%x", st);
}

int main(int argc, char **argv)
{
	double *fork_us, *total_us;
	uint64_t f, tot;
	long maps, have = 0, reps, r;
	char param[64];
	unsigned int k;

	bench_init("W2", argc, argv);
	fork_us = calloc(scaled(REPS, 3), sizeof(double));
	total_us = calloc(scaled(REPS, 3), sizeof(double));
	if (!fork_us || !total_us)
		bench_die("calloc");
	maps = maps_count();
	for (k = 0; k < ARRAY_SIZE(points); k++) {
		make_vmas(points[k] - have);	/* a new batch, kept mapped */
		have = points[k];
		if (maps_count() - maps != have)
			bench_fail("%ld VMAs mapped, %ld more in maps",
				   have, maps_count() - maps);
		reps = scaled(have >= 10000 ? REPS_BIG : REPS, 3);
		fork_exit(&f, &tot);		/* warm-up */
		for (r = 0; r < reps; r++) {
			fork_exit(&f, &tot);
			fork_us[r] = f / 1e3;
			total_us[r] = tot / 1e3;
		}
		snprintf(param, sizeof(param), "vmas=%ld", have);
		bench_out("fork_us", param, median(fork_us, reps), "us");
		bench_out("fork_exit_us", param, median(total_us, reps), "us");
		bench_note("%s done", param);
	}
	bench_done();
	return 0;
}
