#!/usr/bin/env bash
# Produce build/linux: the Debian base as one reproducible commit tagged
# 'base', then every patch of patches/ applied in order with `git am`.
#
#   tree.sh          create the tree, or bring it up to date with patches/
#   tree.sh --reset  throw away the tree's commits and re-apply patches/
. "$(dirname "$0")/lib.sh"

reset=0
[ "${1:-}" = --reset ] && reset=1

check_source() {
	local got
	got=$(dpkg-query -W -f='${Version}' "$LINUX_SOURCE_PKG" 2>/dev/null) ||
		die "$LINUX_SOURCE_PKG is not installed (run harness/scripts/deps.sh)"
	if [ "$got" != "$LINUX_SOURCE_VERSION" ]; then
		loud "base is $LINUX_SOURCE_PKG $got, not the pinned $LINUX_SOURCE_VERSION;" \
		     "sha256 not checked; the base commit id will differ from other machines."
		return
	fi
	echo "$LINUX_SOURCE_SHA256  $LINUX_SOURCE_TARBALL" | sha256sum -c --quiet - ||
		die "sha256 of $LINUX_SOURCE_TARBALL does not match harness/base.conf"
}

make_base() {
	local tmp="$B/linux.unpack"
	say "unpacking $LINUX_SOURCE_TARBALL"
	rm -rf "$tmp" && mkdir -p "$tmp"
	tar -C "$tmp" -xf "$LINUX_SOURCE_TARBALL"
	mv "$tmp"/linux-source-* "$TREE"
	rmdir "$tmp"
	say "committing the base (fixed identity and date)"
	git -C "$TREE" init -q -b series
	# -f: the tarball may hold files that the kernel's .gitignore names.
	fixed_git add -A -f .
	fixed_git commit -q --no-verify -m "base: $LINUX_SOURCE_PKG $(dpkg-query -W -f='${Version}' "$LINUX_SOURCE_PKG")"
	fixed_git tag base
	say "base is $(git -C "$TREE" rev-parse base)"
}

# patch-id of every commit in base..HEAD, and of every file in patches/.
tree_ids() {
	local c
	for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
		git -C "$TREE" show "$c" | git patch-id --stable | cut -d' ' -f1
	done
}
file_ids() {
	local p
	for p in $(series_files); do git patch-id --stable <"$p" | cut -d' ' -f1; done
}

apply_from() { # apply series_files from index $1 (0-based)
	local i=0 p
	for p in $(series_files); do
		if [ $i -ge "$1" ]; then
			if ! fixed_git am -q --committer-date-is-author-date "$p" >/dev/null 2>"$B/am.err"; then
				cat "$B/am.err" >&2
				fixed_git am --abort || true
				die "patch does not apply: patches/$(basename "$p") (tree left at the patch before it)"
			fi
			say "applied $(basename "$p")"
		fi
		i=$((i + 1))
	done
}

# Debian's tarball carries a .gitignore that ignores every top-level path
# ("/*"), so a new file the series adds could not be `git add`ed.  Drop
# that block from the working copy only: skip-worktree keeps it out of
# every commit and out of `git status`.
unignore_debian() {
	grep -qx '/\*' "$TREE/.gitignore" || return 0
	git -C "$TREE" update-index --skip-worktree .gitignore
	sed -i -e '/^# Debian packaging: ignore everything/,/^!\/debian\/$/d' "$TREE/.gitignore"
}

mkdir -p "$B"
trap '[ -d "$TREE/.git" ] && unignore_debian' EXIT
check_source
if [ ! -d "$TREE/.git" ] || ! git -C "$TREE" rev-parse -q --verify base >/dev/null; then
	rm -rf "$TREE"
	make_base
	apply_from 0
	exit 0
fi

if [ $reset -eq 1 ]; then
	say "resetting build/linux to base and re-applying patches/"
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	fixed_git checkout -q -f series 2>/dev/null || fixed_git checkout -q -f -B series base
	fixed_git reset -q --hard base
	apply_from 0
	exit 0
fi

t=$(tree_ids); f=$(file_ids)
[ "$t" = "$f" ] && { say "build/linux matches patches/ ($(echo "$f" | grep -c . || true) patches)"; exit 0; }

# patches/ grew (e.g. after a pull) and the tree holds a clean prefix of it.
nt=$(echo "$t" | grep -c . || true)
if [ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] &&
   [ "$t" = "$(echo "$f" | head -n "$nt")" ]; then
	apply_from "$nt"
	exit 0
fi

loud "build/linux (base..HEAD) differs from patches/." \
     "Testing the tree as it is.  'make export' keeps the tree's commits;" \
     "'make tree-reset' drops them and re-applies patches/."
