#!/usr/bin/env bash
# Check that every patch of the series builds with
# CONFIG_COW_CONTEXT_ANON_RMAP on and off (make bisect-check), and, from the
# patch that adds it on, with CONFIG_COW_CONTEXT_ANON_RMAP_ONLY (the
# guest-only config).  BISECT_FROM=N starts at the Nth patch.
#
# For each commit in base..HEAD of build/linux, in a separate worktree
# (build/bisect-tree) so that build/linux is not touched, compile with -Werror
# every object the series touches anywhere (the .c files changed in
# base..HEAD that the guest config builds), against the guest config with
# the option on and off.  Headers changed by the series are covered by the
# objects that include them.  Linking is checked by the normal builds at
# HEAD (make check).
. "$(dirname "$0")/lib.sh"

wt="$B/bisect-tree"
log="$B/logs/bisect-build.log"
mkdir -p "$B/logs"
: >"$log"
for v in guest guest-off; do
	[ -f "$B/out-$v/.config" ] || die "no $B/out-$v/.config: run make check (or kernel.sh $v) first"
done

if [ ! -d "$wt/.git" ] && [ ! -f "$wt/.git" ]; then
	rm -rf "$wt"
	git -C "$TREE" worktree add -q --detach "$wt" base
fi
mapfile -t commits < <(git -C "$TREE" rev-list --reverse base..HEAD)
from=${BISECT_FROM:-1}
mapfile -t files < <(git -C "$TREE" diff --name-only base HEAD -- '*.c' |
	grep -v '^tools/' | grep -v '^Documentation/' || true)
fail=0
n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	[ "$n" -ge "$from" ] || continue
	git -C "$wt" checkout -q --detach "$c"
	subj=$(git -C "$wt" log -1 --format=%s "$c")
	variants="guest guest-off guest-nodebug"
	[ -f "$B/out-guest-only/.config" ] &&
		tree_has_symbol COW_CONTEXT_ANON_RMAP_ONLY "$wt" &&
		variants+=" guest-only"
	for v in $variants; do
		obj="$B/out-bisect-$v"
		src=${v%-nodebug}
		mkdir -p "$obj"
		cp "$B/out-$src/.config" "$obj/.config"
		# the production-like build: no VM_* checks, no lockdep
		[ "$v" = "$src" ] || "$wt/scripts/config" --file "$obj/.config" \
			--disable DEBUG_VM --disable PROVE_LOCKING \
			--disable DEBUG_ATOMIC_SLEEP
		objs=()
		# only what this config builds: the objects its full build at
		# HEAD produced (mm/cow_context.o is not built with the option off)
		for f in "${files[@]}"; do
			[ -f "$wt/$f" ] && [ -f "$B/out-$src/${f%.c}.o" ] && objs+=("${f%.c}.o")
		done
		echo "### [$n/${#commits[@]}] $subj ($v): ${objs[*]}" >>"$log"
		if (cd "$wt" && make -s O="$obj" CC="$KCC" -j"$JOBS" olddefconfig >/dev/null &&
		    make -s O="$obj" CC="$KCC" -j"$JOBS" KCFLAGS=-Werror "${objs[@]}") >>"$log" 2>&1; then
			say "[$n/${#commits[@]}] $v ok: $subj"
		else
			say "[$n/${#commits[@]}] $v FAILED: $subj (see ${log#"$TOP"/})"
			fail=1
		fi
	done
done
[ $fail -eq 0 ] && say "every patch builds with the option on and off, and on without DEBUG_VM" || exit 1
