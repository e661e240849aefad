#!/usr/bin/env bash
# Run KUnit with the kernel's own tools/testing/kunit/kunit.py under QEMU.
# Config: harness/kunit/.kunitconfig plus every .kunitconfig the series adds.
# Results: build/kunit/results.json (kunit.py --json), the parsed summary in
# build/logs/kunit.log and the raw KTAP console in build/kunit/test.log.
. "$(dirname "$0")/lib.sh"

mkdir -p "$B/logs" "$B/kunit"
cfgs=(--kunitconfig "$H/kunit/.kunitconfig")
while read -r f; do
	[ -n "$f" ] && cfgs+=(--kunitconfig "$TREE/$f")
done < <(git -C "$TREE" diff --name-only --diff-filter=AM base HEAD -- '*.kunitconfig' '*/.kunitconfig')

say "kunit.py run --arch=x86_64 ${cfgs[*]##*/}"
rm -f "$B/kunit/results.json"
set +e
(cd "$TREE" && $PY tools/testing/kunit/kunit.py run --arch=x86_64 \
	--qemu_config "$H/kunit/qemu_x86_64_tcg.py" --build_dir "$B/kunit" \
	--make_options "CC=$KCC" --jobs "$JOBS" --timeout 600 \
	--json="$B/kunit/results.json" "${cfgs[@]}") 2>&1 | tee "$B/logs/kunit.log"
rc=${PIPESTATUS[0]}
set -e
say "kunit.py exit status $rc"
exit 0
