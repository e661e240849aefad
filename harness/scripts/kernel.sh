#!/usr/bin/env bash
# Configure and build a guest kernel out of tree.
#
#   kernel.sh guest      build/out-guest/arch/x86/boot/bzImage (make check, make run)
#                        with CONFIG_COW_CONTEXT_ANON_RMAP=y, and KUnit built
#                        in, run only when booted with kunit.enable=1
#   kernel.sh guest-off  build/out-guest-off/...  the same with the option off
#   kernel.sh guest-only build/out-guest-only/... the checks of guest, with
#                        CONFIG_COW_CONTEXT_ANON_RMAP_ONLY=y: no anon_vma, the
#                        COW contexts are the only anonymous reverse map
#   kernel.sh debug      build/out-debug/...  guest + KASAN, option on (make check-debug)
#   kernel.sh debug-off  build/out-debug-off/...  the same with the option off
#   kernel.sh debug-only build/out-debug-only/... debug without anon_vma
#                        (CONFIG_COW_CONTEXT_ANON_RMAP_ONLY=y)
#   kernel.sh bench      build/out-bench/...  production-like (make bench): the
#                        guest config without checks.config (no DEBUG_VM,
#                        lockdep or fault injection), option on
#   kernel.sh bench-off  build/out-bench-off/...  the same with the option off:
#                        the stock kernel
#   kernel.sh bench-only build/out-bench-only/... the bench kernel with
#                        CONFIG_COW_CONTEXT_ANON_RMAP_ONLY=y (no anon_vma)
#
# The config is allnoconfig + kernel/configs/tiny-base.config + fragments,
# merged by the kernel's scripts/kconfig/merge_config.sh.  A value that does
# not survive (a dependency is missing) is an error.  The option is set only
# once the series defines it; COWCTX=y|n overrides it for guest and debug.
# Each variant has its own object directory, so switching costs nothing.
. "$(dirname "$0")/lib.sh"

variant=${1:-guest}
obj="$B/out-$variant"
frags=("$TREE/kernel/configs/tiny-base.config" "$H/configs/guest.config")
checks=("$H/configs/checks.config" "$H/configs/hmm.config")
cowctx=${COWCTX:-y}
only=n
case "$variant" in
guest) frags+=("${checks[@]}" "$H/configs/kunit.config" "$B/kunit-suites.config") ;;
guest-off) frags+=("${checks[@]}"); cowctx=n ;;
guest-only) frags+=("${checks[@]}"); cowctx=y only=y ;;
debug) frags+=("${checks[@]}" "$H/configs/debug.config") ;;
debug-off) frags+=("${checks[@]}" "$H/configs/debug.config"); cowctx=n ;;
debug-only) frags+=("${checks[@]}" "$H/configs/debug.config"); cowctx=y only=y ;;
bench) ;;
bench-off) cowctx=n ;;
bench-only) cowctx=y only=y ;;
*) die "unknown variant $variant" ;;
esac
# The KUnit suites of the guest kernel, those kunit.sh gives kunit.py.
if [ "$variant" = guest ]; then
	kunit_configs | xargs cat | awk '!seen[$0]++' >"$B/kunit-suites.config"
fi
extra="$B/cowctx-$variant.config"
: >"$extra"
if tree_has_symbol COW_CONTEXT_ANON_RMAP; then
	if [ "$cowctx" = y ]; then
		echo CONFIG_COW_CONTEXT_ANON_RMAP=y >"$extra"
		if [ "$only" = y ]; then
			tree_has_symbol COW_CONTEXT_ANON_RMAP_ONLY ||
				die "$variant: the tree has no COW_CONTEXT_ANON_RMAP_ONLY"
			echo CONFIG_COW_CONTEXT_ANON_RMAP_ONLY=y >>"$extra"
		elif tree_has_symbol COW_CONTEXT_ANON_RMAP_ONLY; then
			echo "# CONFIG_COW_CONTEXT_ANON_RMAP_ONLY is not set" >>"$extra"
		fi
	else
		echo "# CONFIG_COW_CONTEXT_ANON_RMAP is not set" >"$extra"
	fi
fi
frags+=("$extra")

mkdir -p "$obj"
# Re-merge only when a fragment changed, so a warm build reuses .config.
stamp="$obj/.harness-config-sum"
sum=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$obj/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
	say "merging config for $variant: ${frags[*]##*/}"
	(cd "$TREE" && scripts/kconfig/merge_config.sh -n -O "$obj" "${frags[@]}") \
		>"$obj/merge_config.log" 2>&1 || { cat "$obj/merge_config.log"; die "merge_config failed"; }
	if grep -A3 -E '^Value requested for' "$obj/merge_config.log" | grep -q .; then
		grep -A3 -E '^Value requested for' "$obj/merge_config.log" >&2
		die "config values above were requested but not taken (see $obj/merge_config.log)"
	fi
	echo "$sum" >"$stamp"
fi

say "building $variant kernel in ${obj#"$TOP"/}"
make -s -C "$TREE" O="$obj" CC="$KCC" -j"$JOBS" bzImage
ls -l "$obj/arch/x86/boot/bzImage" | awk '{print "==> bzImage " $5 " bytes"}' >&2
