#!/usr/bin/env bash
# tools/testing/vma: the kernel's userland tests of mm/vma.c (VMA merge,
# split, expand, mremap's copy_vma), built from the patched tree on the
# host in seconds, in three configurations: as the stock kernel builds
# mm/vma.c; with CONFIG_COW_CONTEXT_ANON_RMAP, where the VMA carries its
# own anon rmap mark and every check that it equals !!anon_vma (the
# kernel's CONFIG_DEBUG_VM assertion) aborts the tests on a mismatch; and
# with CONFIG_COW_CONTEXT_ANON_RMAP_ONLY too, where there is no anon_vma,
# the mark alone says that a VMA joined, the same checks abort if a VMA
# has an anon_vma at all, and the tests expect the merges that anon_vma
# used to refuse, with the mark carried over (only once the tree has the
# option).
# Output: build/logs/vma-tests.log, one "== config: NAME" line before each
# run's output, whose last line is the tests' own "N tests run, N passed,
# N failed".  The objects are cleaned out of the tree afterwards.
. "$(dirname "$0")/lib.sh"

log="$B/logs/vma-tests.log"
mkdir -p "$B/logs"
dir="$TREE/tools/testing/vma"
[ -d "$dir" ] || die "no $dir"
rc=0
: >"$log"
configs="off CONFIG_COW_CONTEXT_ANON_RMAP"
tree_has_symbol COW_CONTEXT_ANON_RMAP_ONLY &&
	configs+=" CONFIG_COW_CONTEXT_ANON_RMAP_ONLY"
# verdict.py wants a result for each of these
echo "== configs: $configs" >>"$log"
for config in $configs; do
	cflags=
	case $config in
	off) ;;
	CONFIG_COW_CONTEXT_ANON_RMAP_ONLY)
		cflags="-DCONFIG_COW_CONTEXT_ANON_RMAP -D$config" ;;
	*) cflags=-D$config ;;
	esac
	{
		echo "== config: $config"
		make -s -C "$dir" clean
		CFLAGS="$cflags" make -C "$dir" -j"$JOBS" vma && (cd "$dir" && ./vma)
	} >>"$log" 2>&1 || { rc=1; echo "vma-tests ($config) exited $?" >>"$log"; }
	say "vma-tests ($config): $(tail -1 "$log")"
done
make -s -C "$dir" clean >/dev/null 2>&1 || true
exit $rc
