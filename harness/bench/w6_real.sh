#!/bin/sh
# W6, real programs: stress-ng's fork, vm, mremap and madvise stressors,
# each for a fixed number of bogo operations (bogo-ops per second, real
# time, from its YAML report), and the slab totals after a shell script
# that starts 2 000 short processes in pipelines.  Run by the guest's
# busybox sh; the argument scales the operation counts (default 1).
#
# Prints "BENCH W6 <metric> <param> <value> <unit>" lines (see bench.h).

scale=${1:-1}
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/lib64
sng=/bench/stress-ng

ops() { awk -v n="$1" -v s="$scale" 'BEGIN { v = int(n * s); print v < 1 ? 1 : v }'; }

fail() {
	echo "BENCH_ERROR W6 $*"
	exit 1
}

# stressor, its options; 2 instances each, the guest has 4 vCPUs.  As
# nobody (see nobody.c), in a directory nobody may write.
mkdir -p /tmp/w6 && chmod 1777 /tmp/w6
stress() {
	local s=$1 yaml=/tmp/w6/stress-$1.yaml v
	shift
	rm -f "$yaml"
	if ! (cd /tmp/w6 && /bench/nobody $sng --"$s" 2 "$@" --metrics-brief \
	      --yaml "$yaml") >/tmp/stress-$s.out 2>&1; then
		sed 's/^/stress-ng: /' /tmp/stress-$s.out
		fail "stress-ng --$s failed"
	fi
	v=$(awk '$1 == "bogo-ops-per-second-real-time:" { print $2; exit }' "$yaml")
	if [ -z "$v" ]; then
		sed 's/^/stress-ng: /' /tmp/stress-$s.out "$yaml"
		fail "stress-ng --$s: no bogo-ops-per-second-real-time in $yaml"
	fi
	echo "BENCH W6 bogo_ops_per_s stressor=$s $v ops_per_s"
}

[ -x $sng ] || fail "no $sng"
stress fork --fork-ops "$(ops 1000)"
stress vm --vm-ops "$(ops 200)" --vm-bytes 16M
stress mremap --mremap-ops "$(ops 200)" --mremap-bytes 4M
stress madvise --madvise-ops "$(ops 10)"

# slab_nomerge: each cache its own line; active objects x object size
slab_bytes() {
	awk -v re="$1" 'NR > 2 && $1 ~ re { s += $2 * $4 } END { print s + 0 }' /proc/slabinfo
}
meminfo_slab() {
	awk '$1 == "Slab:" { print $2 * 1024 }' /proc/meminfo
}

# 1 000 pipelines of two processes each: 2 000 short processes
n=$(ops 1000)
i=0
t0=$(cut -d' ' -f1 /proc/uptime)
while [ $i -lt "$n" ]; do
	echo "$i" | cat >/dev/null
	i=$((i + 1))
done
t1=$(cut -d' ' -f1 /proc/uptime)
echo "BENCH W6 pipelines_us procs=$((2 * n)) $(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.6g", (b - a) * 1e6 / n }') us"
echo "BENCH W6 slab_total_bytes procs=$((2 * n)) $(meminfo_slab) bytes"
echo "BENCH W6 rmap_slab_bytes procs=$((2 * n)) $(slab_bytes '^(anon_vma|anon_vma_chain|cow_context)$') bytes"
# Remap ranges of a dynamically linked process that never called mremap
# (stress-ng, with one sleep stressor): the exec stack and the private
# file mappings where the loader wrote (relocations, .data), from the
# series' debugfs task file ("remaps R"); nothing without the series.
task=/sys/kernel/debug/cow_context/task
if [ -w $task ]; then
	(cd /tmp/w6 && exec $sng --sleep 1 --timeout 5 >/dev/null 2>&1) &
	pid=$!
	sleep 2
	r=
	{ echo "$pid" >&4 && read -r _ <&4 && read -r _ r <&4; } 4<>$task 2>/dev/null
	wait $pid
	[ -n "$r" ] || fail "no remaps line for stress-ng (pid $pid) in $task"
	echo "BENCH W6 remap_ranges process=stress-ng $r count"
fi
echo "BENCH_DONE W6"
