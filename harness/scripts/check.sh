#!/usr/bin/env bash
# The verdict on the series: checkpatch, KUnit, and the mm selftests in a
# QEMU guest, judged together against harness/baseline.
#
#   check.sh            guest kernel (lockdep, DEBUG_VM): checkpatch + KUnit + selftests
#   check.sh debug      the same guest plus KASAN: selftests only
#   check.sh selftests  guest kernel: selftests only
#
# A step that cannot be built is a failed item, never a silent skip.
# Ends with "N passed, N failed"; exit status 1 on any failure.
. "$(dirname "$0")/lib.sh"

what=${1:-all}
S="$H/scripts"
L="$B/logs"
mkdir -p "$L"
variant=guest
[ "$what" = debug ] && variant=debug
args=(--baseline "$H/baseline")
step_fail=()
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
fi

if step "build:$variant-kernel" "$S/kernel.sh" "$variant" &&
   step build:selftests "$S/selftests-build.sh" &&
   step build:initramfs "$S/initramfs.sh" tests "$B/initramfs-tests.cpio"; then
	# 15 tests take ~6 min under TCG; KASAN roughly triples it.
	limit=2400
	[ "$variant" = debug ] && limit=5400
	QUIET=$([ -n "${V:-}" ] || echo 1) step boot:selftests "$S/boot.sh" \
		"$B/out-$variant/arch/x86/boot/bzImage" "$B/initramfs-tests.cpio" \
		"$L/selftests-$variant.console" "$limit"
	args+=(--console "selftests-$variant=$L/selftests-$variant.console")
fi

if [ "$what" = all ]; then
	step kunit "$S/kunit.sh"
	args+=(--kunit-json "$B/kunit/results.json" --console "kunit=$B/kunit/test.log")
fi

for f in "${step_fail[@]}"; do args+=(--failed-step "$f"); done
echo
echo "==================== verdict ($what, $(( ($(date +%s) - start) / 60 )) min) ===================="
$PY "$S/verdict.py" "${args[@]}"
