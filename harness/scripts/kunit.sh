#!/usr/bin/env bash
# Run KUnit with the kernel's own tools/testing/kunit/kunit.py under QEMU.
# Config: harness/kunit/.kunitconfig plus every .kunitconfig the series adds.
# Results: build/kunit/results.json, the parsed summary in build/logs/kunit.log
# and the raw console in build/kunit/test.log.  results.json comes from
# kunit.py parse over the console's KTAP lines alone (ktap_lines.py says why);
# the run's own parse, made while the kernel printed, is kept beside it as
# results-run.json.
. "$(dirname "$0")/lib.sh"

mkdir -p "$B/logs" "$B/kunit"
cfgs=()
while read -r f; do
	cfgs+=(--kunitconfig "$f")
done < <(kunit_configs)

say "kunit.py run --arch=x86_64 ${cfgs[*]##*/}"
rm -f "$B/kunit/results.json" "$B/kunit/results-run.json" "$B/kunit/ktap.log" \
	"$B/kunit/test.log"
set +e
(cd "$TREE" && $PY tools/testing/kunit/kunit.py run --arch=x86_64 \
	--qemu_config "$H/kunit/qemu_x86_64_tcg.py" --build_dir "$B/kunit" \
	--make_options "CC=$KCC" --jobs "$JOBS" --timeout 600 \
	--json="$B/kunit/results-run.json" "${cfgs[@]}") 2>&1 | tee "$B/logs/kunit.log"
rc=${PIPESTATUS[0]}
if [ -f "$B/kunit/test.log" ]; then
	say "kunit.py parse of the KTAP lines of build/kunit/test.log"
	ktap_parse "$B/kunit/test.log" | tee -a "$B/logs/kunit.log"
fi
set -e
say "kunit.py exit status $rc"
exit 0
