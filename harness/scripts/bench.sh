#!/usr/bin/env bash
# make bench: the series against the stock kernel, side by side.
#
# Builds two production-like guest kernels from build/linux: "bench-off"
# (CONFIG_COW_CONTEXT_ANON_RMAP=n: the stock kernel), "bench" (=y) and, once
# the series has it, "bench-only" (CONFIG_COW_CONTEXT_ANON_RMAP_ONLY=y: no
# anon_vma), all without checks.config (no DEBUG_VM, lockdep, fault
# injection, and so no cross-check).  "bench" is booted once per mode it
# offers (cow_context=shadow, cow_context=primary), "bench-only" as it is
# ("only", the headline column).  Run r boots stock, then each mode, then
# run r+1 does the same, so that drift of this shared machine falls on
# every kernel alike.  Each boot runs each workload of
# harness/bench/ once, in the guest shape of the tests (4 vCPUs, 2 NUMA
# nodes, zram swap, slab_nomerge).  bench_report.py takes the medians and
# writes the table, build/bench/results.{json,csv} and the plots.
#
#   BENCH_ONLY=<regex>   workloads to run (W1..W6), e.g. BENCH_ONLY='W2|W5'
#   BENCH_RUNS=N         boots per kernel (default 5)
#   BENCH_SCALE=F        scale of the workloads' iteration counts (default 1)
#   BENCH_DEBUG=1        the test kernels (guest-off, guest, guest-only:
#                        DEBUG_VM, lockdep, cross-check) instead: what the
#                        checks cost;
#                        results in build/bench-debug/
. "$(dirname "$0")/lib.sh"

S="$H/scripts"
runs=${BENCH_RUNS:-5}
only=${BENCH_ONLY:-W[0-9]+}
scale=${BENCH_SCALE:-1}
modes=(stock shadow primary)
if [ "${BENCH_DEBUG:-0}" = 1 ]; then
	out="$B/bench-debug" kstock=guest-off kcow=guest konly=guest-only
else
	out="$B/bench" kstock=bench-off kcow=bench konly=bench-only
fi
if tree_has_symbol COW_CONTEXT_ANON_RMAP_ONLY; then
	modes+=(only)
else
	konly=
fi
case $runs in '' | *[!0-9]* | 0) die "BENCH_RUNS=$runs: want a count >= 1" ;; esac
t0=$(date +%s)

"$S/deps.sh" bench
tree_has_symbol COW_CONTEXT_ANON_RMAP || die "build/linux has no CONFIG_COW_CONTEXT_ANON_RMAP"

# Workloads: name, guest timeout (s), program and arguments.  Each prints
# "BENCH <workload> <metric> <param> <value> <unit>" lines (harness/bench/).
rm -rf "$out/bin" "$out/logs" && mkdir -p "$out/bin" "$out/logs"
list="$out/bench.list"
{
	echo "W1 600 w1_zygote -s $scale"
	echo "W2 600 w2_fork -s $scale"
	echo "W3 600 w3_walk -s $scale"
	echo "W4 600 w4_contention -s $scale"
	echo "W5 600 w5_mremap -s $scale"
	echo "W6 600 w6_real.sh $scale"
} | awk -v re="$only" '$1 ~ "^(" re ")$"' >"$list"
[ -s "$list" ] || die "BENCH_ONLY=$only matches no workload (W1..W6)"
say "workloads: $(awk '{printf "%s ", $1}' "$list")x ${#modes[@]} kernels x $runs runs"

for k in "$kstock" "$kcow" $konly; do
	"$S/kernel.sh" "$k"
done
for w in $(awk '{print $3}' "$list") nobody; do
	case $w in
	*.sh) install -m 0755 "$H/bench/$w" "$out/bin/$w" ;;
	*) gcc -O2 -static -Wall -Wextra -Werror -o "$out/bin/$w" "$H/bench/$w.c" ||
		die "cannot build $w" ;;
	esac
done
# initramfs.sh reads build/bench/bench.list and build/bench/bin
if [ "$out" != "$B/bench" ]; then
	rm -rf "$B/bench/bin" && mkdir -p "$B/bench"
	cp -r "$out/bin" "$B/bench/bin" && cp "$list" "$B/bench/bench.list"
fi
"$S/initramfs.sh" bench "$out/initramfs.cpio"

# The guest limit: every workload's own timeout, plus the boot.
limit=$(awk '{s += $2} END {print s + 300}' "$list")
total=$((runs * ${#modes[@]}))
n=0 tb=$(date +%s)
for r in $(seq 1 "$runs"); do
	for m in "${modes[@]}"; do
		n=$((n + 1))
		case $m in
		stock) k=$kstock args="" ;;
		only) k=$konly args="" ;;
		*) k=$kcow args="cow_context=$m" ;;
		esac
		log="$out/logs/run$r-$m.console"
		t=$(date +%s)
		KERNEL_ARGS="$args loglevel=4 ${KERNEL_ARGS:-}" QUIET=1 \
			"$S/boot.sh" "$B/out-$k/arch/x86/boot/bzImage" "$out/initramfs.cpio" \
			"$log" "$limit" >/dev/null
		now=$(date +%s)
		left=$(( (now - tb) * (total - n) / n ))
		ok=$(grep -c '^BENCH_DONE' "$log" || true)
		err=$(grep -c -E '^BENCH_ERROR|^BENCH_END .* rc=[1-9]|HARNESS:' "$log" || true)
		say "[$n/$total] run $r $m: $((now - t))s, $ok workloads done, $err errors; about $((left / 60)) min left"
	done
done
say "boots took $(( ($(date +%s) - tb) / 60 )) min; make bench $(( ($(date +%s) - t0) / 60 )) min in all"

$PY "$S/bench_report.py" --logs "$out/logs" --out "$out" --modes "${modes[*]}" \
	--runs "$runs" --kernels "$kstock $kcow${konly:+ $konly}" --scale "$scale"
