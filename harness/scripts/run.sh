#!/usr/bin/env bash
# make run: build the kernels, boot each in QEMU, run the demonstration
# workload (harness/demo/rmap-demo.c: a fork tree sharing anonymous memory,
# COW, mremap, MREMAP_DONTUNMAP, MADV_PAGEOUT with data checks) and print what
# the reverse map holds: on the stock kernel ("guest-off"), with the COW
# contexts beside anon_vma ("guest", cow_context=shadow) and, once the series
# has CONFIG_COW_CONTEXT_ANON_RMAP_ONLY, without anon_vma ("guest-only").
# The last lines put the reverse map's slab bytes with the tree alive side
# by side.
. "$(dirname "$0")/lib.sh"

S="$H/scripts"
mkdir -p "$B/logs"
kernels="guest-off guest"
tree_has_symbol COW_CONTEXT_ANON_RMAP_ONLY && kernels+=" guest-only"
for k in $kernels; do
	"$S/kernel.sh" "$k"
done
"$S/initramfs.sh" demo "$B/initramfs-demo.cpio"
rc=0
for k in $kernels; do
	log="$B/logs/run-$k.console"
	args=
	[ "$k" = guest ] && args=cow_context=shadow
	KERNEL_ARGS="$args ${KERNEL_ARGS:-}" QUIET=1 "$S/boot.sh" \
		"$B/out-$k/arch/x86/boot/bzImage" "$B/initramfs-demo.cpio" "$log" 900
	echo
	echo "==================== rmap-demo on $k ===================="
	sed -n '/=== BEGIN DEMO ===/,/=== END DEMO ===/p' "$log" | sed '1d;$d'
	echo
	out=$($PY "$S/verdict.py" --baseline "$H/baseline" --console "run-$k=$log") || rc=1
	grep -E '^(PASS|FAIL) ' <<<"$out" || true
	grep -q '^rmap-demo exit=0' "$log" || rc=1
done
# phase 4's comparison: "NAME objs BEFORE WITH-TREE DELTA", then
# "bytes BEFORE WITH-TREE DELTA" for the same NAME
echo
echo "reverse-map objects and bytes the tree added (phase 4 against phase 1):"
printf '%-12s %24s %24s %24s %16s\n' kernel anon_vma anon_vma_chain cow_context \
	"VMAs (all/anon)"
for k in $kernels; do
	sed -n '/== phase 4/,/== phase 5/p' "$B/logs/run-$k.console" |
	awk -v k="$k" '
		$2 == "objs" { name = $1; o[name] = $5 }
		$1 == "bytes" && name != "" { b[name] = $4; name = "" }
		/^VMAs \(all/ { v = $(NF - 2) "/" $NF }
		function cell(n) { return (n in o) ? o[n] " objs, " b[n] " B" : "-" }
		END { printf "%-12s %24s %24s %24s %16s\n", k, cell("anon_vma"),
			cell("anon_vma_chain"), cell("cow_context"), v }'
done
exit $rc
