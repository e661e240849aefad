#!/usr/bin/env bash
# Print the mm selftest binaries the series adds: files added in
# base..HEAD as tools/testing/selftests/mm/<name>.c that the mm Makefile
# builds (TEST_GEN_FILES/TEST_GEN_PROGS += <name>).
. "$(dirname "$0")/lib.sh"
d=tools/testing/selftests/mm
git -C "$TREE" diff --name-only --diff-filter=A base HEAD -- "$d/*.c" |
while read -r f; do
	n=$(basename "$f" .c)
	grep -qE "^TEST_GEN_(FILES|PROGS)[[:space:]]*\+?=[[:space:]]*$n\$" "$TREE/$d/Makefile" && echo "$n"
done
exit 0
