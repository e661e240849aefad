/* Does MADV_PAGEOUT page out folios still in another CPU's LRU-add batch? */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (sched_setaffinity(0, sizeof(s), &s)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static long swap_kb(void *addr)
{
	char line[256], pat[64];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0;
	long kb = -1;

	snprintf(pat, sizeof(pat), "%08lx-", (unsigned long)addr);
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, pat, strlen(pat)))
			in = 1;
		else if (in && sscanf(line, "Swap: %ld kB", &kb) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kb;
}

static long one(int fault_cpu, int pageout_cpu, int pages)
{
	size_t ps = getpagesize(), len = 512 * ps;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long kb;
	int i;

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	pin(fault_cpu);
	for (i = 0; i < pages; i++)
		memset(p + i * ps, 0x5a, ps);
	pin(pageout_cpu);
	if (madvise(p, pages * ps, MADV_PAGEOUT))
		perror("MADV_PAGEOUT");
	kb = swap_kb(p);
	munmap(p, len);
	return kb;
}

int main(void)
{
	int t, pages = 16, same_bad = 0, cross_bad = 0, tries = 20;
	long want = pages * getpagesize() / 1024, kb;

	for (t = 0; t < tries; t++) {
		kb = one(0, 0, pages);
		if (kb != want)
			same_bad++;
		kb = one(0, 1, pages);
		if (kb != want) {
			cross_bad++;
			if (cross_bad == 1)
				printf("faulted on cpu0, paged out from cpu1: Swap %ld kB of %ld\n",
				       kb, want);
		}
	}
	printf("lrutest: same cpu: %d of %d short; other cpu: %d of %d short\n",
	       same_bad, tries, cross_bad, tries);
	return 0;
}
