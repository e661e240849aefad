#!/usr/bin/env bash
# Write base..HEAD of build/linux to patches/, one file per commit, with the
# cover letter's subject and text carried over from the previous export.
# Files whose content did not change are not rewritten, so running it twice
# changes nothing.
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no build/linux: run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	loud "build/linux has uncommitted changes; they are NOT exported (commit them first)"

out="$TOP/patches"
cover="$out/0000-cover-letter.patch"
mkdir -p "$out"
n=$(git -C "$TREE" rev-list --count base..HEAD)

# Subject and text of the current cover letter.
title="cow_context: a per-mm anonymous reverse map"
blurb=""
if [ -f "$cover" ]; then
	title=$(sed -n 's/^Subject: \[[^]]*\] *//p' "$cover" | head -n1)
	blurb=$(awk '
		!body && /^$/ { body = 1; next }
		!body { next }
		/^.+ \([0-9]+\):$/ { exit }
		{ print }' "$cover")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$n" -gt 0 ]; then
	desc=$(printf '%s\n\n%s\n' "$title" "$blurb")
	an=$(git -C "$TREE" log -1 --format=%an HEAD)
	ae=$(git -C "$TREE" log -1 --format=%ae HEAD)
	cd=$(git -C "$TREE" log -1 --format=%aI HEAD)
	GIT_COMMITTER_NAME="$an" GIT_COMMITTER_EMAIL="$ae" GIT_COMMITTER_DATE="$cd" \
	git -C "$TREE" -c branch.series.description="$desc" format-patch -q \
		--cover-letter --cover-from-description=subject --zero-commit \
		--no-signature --base=base --subject-prefix="$SERIES_PREFIX" \
		-o "$tmp" base..HEAD
else
	# No commits: the cover letter stays as it is.
	[ -f "$cover" ] && cp "$cover" "$tmp/"
fi

changed=0
for f in "$tmp"/*.patch; do
	[ -f "$f" ] || continue
	dst="$out/$(basename "$f")"
	cmp -s "$f" "$dst" || { cp "$f" "$dst"; changed=$((changed + 1)); say "wrote patches/$(basename "$f")"; }
done
for f in "$out"/*.patch; do
	[ -f "$f" ] || continue
	[ -f "$tmp/$(basename "$f")" ] || { rm -f "$f"; changed=$((changed + 1)); say "removed patches/$(basename "$f")"; }
done
say "exported $n patches; $changed file(s) changed"
