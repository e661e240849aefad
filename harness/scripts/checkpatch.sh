#!/usr/bin/env bash
# scripts/checkpatch.pl --strict on every patch of the series as it stands
# in build/linux (the same as patches/ once exported).
# Writes build/logs/checkpatch.log (full output) and
# build/logs/checkpatch.txt ("patch errors warnings checks" per patch).
. "$(dirname "$0")/lib.sh"

mkdir -p "$B/logs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" format-patch -q --zero-commit --no-signature -o "$tmp" base..HEAD
: >"$B/logs/checkpatch.txt"
: >"$B/logs/checkpatch.log"
n=0
for p in "$tmp"/*.patch; do
	[ -f "$p" ] || continue
	n=$((n + 1))
	name=$(basename "$p")
	# PATH: spdxcheck.py must run under Debian's python3, which has python3-ply and python3-git.
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --no-summary-file --color=never "$p" 2>&1 || true)
	printf '### %s\n%s\n\n' "$name" "$out" >>"$B/logs/checkpatch.log"
	total=$(echo "$out" | sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks.*/\1 \2 \3/p' | tail -n1)
	[ -n "$total" ] || total="1 0 0"	# checkpatch itself failed: count as an error
	echo "$name $total" >>"$B/logs/checkpatch.txt"
	set -- $total
	if [ "$1$2$3" != 000 ]; then
		echo "$out" | grep -E '^(ERROR|WARNING|CHECK):' | sed "s/^/$name: /"
	fi
done
say "checkpatch --strict: $n patches (see build/logs/checkpatch.log)"
