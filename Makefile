# cow_context: an out-of-tree Linux 6.12 patch series and the harness that
# builds, boots and tests it.  `make help` lists the targets.

S := harness/scripts
export EXTRA KERNEL_ARGS V JOBS COWCTX VARIANTS ONLY BENCH_ONLY BENCH_RUNS \
	BENCH_SCALE BENCH_DEBUG BISECT_FROM

.PHONY: help deps tree tree-reset export kernel kernel-debug kunit \
	selftests checkpatch check check-debug bisect-check bench run clean distclean

help:
	@echo 'cow_context harness: Debian linux-source-6.12 + patches/, built and tested in QEMU (TCG)'
	@echo
	@echo '  make run          build the patched kernel, boot it, run the demo fork tree,'
	@echo '                    print what the reverse map holds (anon_vma, AVC, cow_context)'
	@echo '  make check        checkpatch --strict, tools/testing/vma, mm selftests in the guest,'
	@echo '                    KUnit at boot of the guest kernel;'
	@echo '                    ends with "N passed, N failed", non-zero exit on any failure'
	@echo '  make check-debug  the selftests on a KASAN guest kernel (slower)'
	@echo '  make bench        production-like kernels, stock and patched (each mode),'
	@echo '                    booted in turn, workloads harness/bench/: medians, ratios,'
	@echo '                    build/bench/{table.txt,results.json,results.csv,*.png}'
	@echo
	@echo '  make tree         build/linux: base commit (tag base) + git am patches/'
	@echo '  make tree-reset   drop build/linux commits and re-apply patches/'
	@echo '  make export       write base..HEAD of build/linux to patches/'
	@echo '  make kernel       guest kernel only (build/out-guest)'
	@echo '  make kunit        KUnit only, through kunit.py on a kernel of its own'
	@echo '  make selftests    guest kernel + mm selftests only'
	@echo '  make checkpatch   checkpatch --strict on every patch'
	@echo '  make bisect-check every patch compiles (-Werror) with the option on and off'
	@echo '  make clean        remove build outputs, keep build/linux'
	@echo '  make distclean    remove build/ entirely (kernel work not exported is lost)'
	@echo
	@echo 'Variables: EXTRA=<dir> (add its executables as tests), ONLY=<regex> (run only'
	@echo '  the matching selftests), VARIANTS="guest guest-off" (the guest kernels to test),'
	@echo '  KERNEL_ARGS=... (append to the guest command line), V=1 (whole guest console),'
	@echo '  JOBS=N (default: nproc).  Logs: build/logs/.'
	@echo '  make bench: BENCH_ONLY=<regex> (workloads, e.g. "W2|W5"), BENCH_RUNS=N (boots'
	@echo '  per kernel, default 5), BENCH_SCALE=F (iteration counts), BENCH_DEBUG=1 (the'
	@echo '  test kernels instead: what the checks cost; build/bench-debug/).'

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh

tree-reset: deps
	@$(S)/tree.sh --reset

export:
	@$(S)/export.sh

kernel: tree
	@$(S)/kernel.sh guest

kernel-debug: tree
	@$(S)/kernel.sh debug

kunit: tree
	@$(S)/kunit.sh
	@/usr/bin/python3 $(S)/verdict.py --baseline harness/baseline \
		--kunit-json build/kunit/results.json --console kunit=build/kunit/test.log

checkpatch: tree
	@$(S)/checkpatch.sh
	@/usr/bin/python3 $(S)/verdict.py --baseline harness/baseline --checkpatch build/logs/checkpatch.txt

selftests: tree
	@$(S)/check.sh selftests

check: tree
	@$(S)/check.sh all

check-debug: tree
	@$(S)/check.sh debug

bisect-check: tree
	@$(S)/bisect-build.sh

bench: tree
	@$(S)/bench.sh

run: tree
	@$(S)/run.sh

clean:
	rm -rf build/out-* build/kunit build/selftests build/headers build/initramfs-* build/logs build/gen_init_cpio

distclean:
	rm -rf build
