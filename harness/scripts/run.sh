#!/usr/bin/env bash
# make run: build the patched kernel, boot it in QEMU, run the demonstration
# workload (harness/demo/rmap-demo.c: a fork tree sharing anonymous memory,
# COW, mremap, MREMAP_DONTUNMAP, MADV_PAGEOUT with data checks) and print what
# the reverse map holds.
. "$(dirname "$0")/lib.sh"

S="$H/scripts"
mkdir -p "$B/logs"
log="$B/logs/run.console"
"$S/kernel.sh" guest
"$S/initramfs.sh" demo "$B/initramfs-demo.cpio"
QUIET=1 "$S/boot.sh" "$B/out-guest/arch/x86/boot/bzImage" "$B/initramfs-demo.cpio" "$log" 900
echo
sed -n '/=== BEGIN DEMO ===/,/=== END DEMO ===/p' "$log" | sed '1d;$d'
echo
$PY "$S/verdict.py" --baseline "$H/baseline" --console "run=$log" | grep -E '^(PASS|FAIL) '
grep -q '^rmap-demo exit=0' "$log"
