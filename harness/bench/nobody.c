// SPDX-License-Identifier: GPL-2.0
/*
 * nobody PROG ARGS: run PROG as uid/gid 65534, without root's capabilities.
 *
 * W6 runs stress-ng's madvise stressor through it: as root the stressor
 * also calls MADV_HWPOISON, which poisons pages for good (memory failure
 * then kills the stressor and the run reports failure), and that is
 * neither a reverse-map cost nor anything a benchmark should do.
 */
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: nobody PROG ARGS\n");
		return 2;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("nobody: dropping root");
		return 2;
	}
	execv(argv[1], argv + 1);
	perror("nobody: exec");
	return 2;
}
