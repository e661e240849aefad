#!/usr/bin/env bash
# Build the chosen mm selftests statically, out of tree, against the
# patched tree's UAPI headers.  Output: build/selftests/mm/<binary>.
# The tests to build are harness/selftests.list plus any selftest source the
# series adds (new tools/testing/selftests/mm/*.c named in TEST_GEN_FILES).
. "$(dirname "$0")/lib.sh"

out="$B/selftests/mm"
mkdir -p "$out"

say "installing UAPI headers of the patched tree"
make -s -C "$TREE" O="$B/out-headers" headers_install INSTALL_HDR_PATH="$B/headers"

mapfile -t bins < <(grep -v '^[[:space:]]*\(#\|$\)' "$H/selftests.list" | awk '{print $3}')
mapfile -t added < <("$H/scripts/series-tests.sh")
targets=()
for t in "${bins[@]}" "${added[@]}"; do targets+=("$out/$t"); done

say "building ${#targets[@]} selftests"
# 6.12.117's khugepaged.c uses KSFT_SKIP without including kselftest.h:
# define it to kselftest.h's value (an identical redefinition is legal C).
make -s -C "$TREE/tools/testing/selftests/mm" -j"$JOBS" \
	OUTPUT="$out" KHDR_INCLUDES="-isystem $B/headers/include" \
	CC=gcc EXTRA_CFLAGS="-static -DKSFT_SKIP=4" LDFLAGS=-static \
	"${targets[@]}"
