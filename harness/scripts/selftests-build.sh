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
mm="$TREE/tools/testing/selftests/mm"
mkvars=(OUTPUT="$out" KHDR_INCLUDES="-isystem $B/headers/include"
	CC=gcc EXTRA_CFLAGS="-static -DKSFT_SKIP=4" LDFLAGS=-static)
make -s -C "$mm" -j"$JOBS" "${mkvars[@]}" "${targets[@]}"

# harness/selftest-fixes/<test>.patch: harness-side changes to a base test
# that do not change what it checks (see each patch's header).  The files
# the patch touches (the test's own source or a helper it is linked with)
# are copied and patched, and the test is rebuilt from the copies with the
# Makefile's own compile command; the kernel tree is not touched.
for fix in "$H"/selftest-fixes/*.patch; do
	[ -f "$fix" ] || continue
	t=$(basename "$fix" .patch)
	[ -e "$out/$t" ] || continue
	src="$B/selftests/src/$t"
	rm -rf "$src"
	mkdir -p "$src"
	mapfile -t files < <(sed -n 's|^+++ b/tools/testing/selftests/mm/||p' "$fix")
	[ ${#files[@]} -gt 0 ] || die "harness/selftest-fixes/$t.patch touches no file of selftests/mm"
	for f in "${files[@]}"; do cp "$mm/$f" "$src/$f"; done
	patch -s -p5 -t -d "$src" <"$fix" || die "harness/selftest-fixes/$t.patch does not apply"
	cmd=$(make -s -n -B -C "$mm" "${mkvars[@]}" "$out/$t" | grep -E "^gcc .* $t\.c ")
	for f in "${files[@]}"; do
		[[ " $cmd " == *" $f "* ]] || die "$f, patched by harness/selftest-fixes/$t.patch, is not compiled into $t"
		cmd="${cmd/ $f / $src/$f }"
	done
	(cd "$mm" && eval "${cmd/ -I / -iquote $mm -I }")
	say "built $t with harness/selftest-fixes/$t.patch"
done
