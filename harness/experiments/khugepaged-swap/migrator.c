/* Run a command while moving it between CPUs every 2 ms. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status, cpu = 0, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t s;
	pid_t pid;

	if (argc < 2)
		return 0;
	pid = fork();
	if (!pid) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		CPU_ZERO(&s);
		CPU_SET(cpu, &s);
		sched_setaffinity(pid, sizeof(s), &s);
		cpu = (cpu + 1) % ncpu;
		usleep(2000);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
