#!/usr/bin/env bash
# The verdict on the series: checkpatch, KUnit, and the mm selftests in a
# QEMU guest, judged together against harness/baseline.
#
#   check.sh            checkpatch + tools/testing/vma (userland tests of
#                       mm/vma.c, on the host) + the selftests on three
#                       guest kernels + KUnit, run at boot of the "guest"
#                       one (all with lockdep, DEBUG_VM):
#                       CONFIG_COW_CONTEXT_ANON_RMAP=y booted with
#                       cow_context=shadow ("guest": beside anon_vma, every
#                       walk cross-checked), CONFIG_COW_CONTEXT_ANON_RMAP_ONLY
#                       ("guest-only": no anon_vma, the audit is the
#                       oracle), and the option off ("guest-off").
#                       "guest-primary" (the guest kernel booted with
#                       cow_context=primary) is left to VARIANTS: what it
#                       adds to shadow, the COW walk serving the walks, the
#                       guest-only run tests without anon_vma to hide a
#                       miss.  KUnit runs in the "guest" boot
#                       (kunit.enable=1): without that variant in VARIANTS,
#                       kunit.py runs it on a kernel of its own
#   check.sh debug      the option-on guest plus KASAN: selftests only,
#                       beside anon_vma ("debug", shadow) and without it
#                       ("debug-only"); VARIANTS="debug-primary" or
#                       "debug-off" adds those
#   check.sh selftests  all guest variants: selftests only
#
# VARIANTS="guest" (or "guest-primary", "guest-off") limits the guests for a
# quick run; VARIANTS=guest-only tests the kernel without anon_vma
# (CONFIG_COW_CONTEXT_ANON_RMAP_ONLY), whose oracle is the page-table audit.  Until the series defines the option there is only one kernel
# to test: "guest".
#
# A step that cannot be built is a failed item, never a silent skip.
# Ends with "N passed, N failed"; exit status 1 on any failure.
. "$(dirname "$0")/lib.sh"

what=${1:-all}
S="$H/scripts"
L="$B/logs"
mkdir -p "$L"
has_cowctx=0
tree_has_symbol COW_CONTEXT_ANON_RMAP && has_cowctx=1
if [ "$what" = debug ]; then
	variants=debug
	[ $has_cowctx = 1 ] && variants=${VARIANTS:-debug debug-primary}
	tree_has_symbol COW_CONTEXT_ANON_RMAP_ONLY && variants=${VARIANTS:-debug debug-only}
elif [ $has_cowctx = 1 ]; then
	variants=${VARIANTS:-guest guest-primary guest-off}
	tree_has_symbol COW_CONTEXT_ANON_RMAP_ONLY &&
		variants=${VARIANTS:-guest guest-only guest-off}
else
	variants=guest
fi
args=(--baseline "$H/baseline")
step_fail=()
kunit_console=
start=$(date +%s)

step() { # step NAME CMD...: run, log, remember a failure
	local name=$1 t0=$(date +%s)
	shift
	if "$@"; then
		say "$name done in $(($(date +%s) - t0))s"
	else
		say "$name FAILED after $(($(date +%s) - t0))s"
		step_fail+=("$name")
		return 1
	fi
}

if [ "$what" = all ]; then
	step checkpatch "$S/checkpatch.sh" && args+=(--checkpatch "$L/checkpatch.txt")
	step vma-tests "$S/vma-tests.sh"
	args+=(--vma-tests "$L/vma-tests.log")
fi

# X-primary boots kernel X (out-X) in the other mode.
kdir() { echo "${1%-primary}"; }
built=()
done_k=" "
for variant in $variants; do
	k=$(kdir "$variant")
	case "$done_k" in
	*" $k "*) built+=("$variant"); continue ;;
	esac
	step "build:$k-kernel" "$S/kernel.sh" "$k" || continue
	done_k+="$k "
	built+=("$variant")
done
if [ ${#built[@]} -gt 0 ] &&
   step build:selftests "$S/selftests-build.sh" &&
   step build:initramfs "$S/initramfs.sh" tests "$B/initramfs-tests.cpio"; then
	for variant in "${built[@]}"; do
		# 16 tests take ~8 min under TCG; KASAN roughly triples it.
		limit=2400
		case $(kdir "$variant") in debug*) limit=5400 ;; esac
		mode=
		# -only kernels have no mode: there is no anon_vma
		case $variant in *-off|*-only) ;; *)
			[ $has_cowctx = 1 ] && mode=cow_context=shadow ;;
		esac
		[ "$variant" != "$(kdir "$variant")" ] && mode=cow_context=primary
		# the KUnit suites built into the guest kernel run in this boot
		if [ "$what" = all ] && [ "$variant" = guest ]; then
			mode+=" kunit.enable=1"
			kunit_console="$L/selftests-$variant.console"
		fi
		KERNEL_ARGS="$mode ${KERNEL_ARGS:-}" \
		QUIET=$([ -n "${V:-}" ] || echo 1) step "boot:selftests-$variant" "$S/boot.sh" \
			"$B/out-$(kdir "$variant")/arch/x86/boot/bzImage" "$B/initramfs-tests.cpio" \
			"$L/selftests-$variant.console" "$limit"
		args+=(--console "selftests-$variant=$L/selftests-$variant.console")
	done
fi

if [ "$what" = all ] && [ -n "$kunit_console" ]; then
	step kunit "$S/kunit-guest.sh" "$kunit_console"
	args+=(--kunit-json "$B/kunit/results.json")
elif [ "$what" = all ]; then
	step kunit "$S/kunit.sh"
	args+=(--kunit-json "$B/kunit/results.json" --console "kunit=$B/kunit/test.log")
fi

for f in "${step_fail[@]}"; do args+=(--failed-step "$f"); done
echo
echo "==================== verdict ($what, $(( ($(date +%s) - start) / 60 )) min) ===================="
$PY "$S/verdict.py" "${args[@]}"
