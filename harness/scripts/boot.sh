#!/usr/bin/env bash
# Boot a guest kernel with an initramfs in QEMU (TCG) and save the console.
#
#   boot.sh KERNEL INITRAMFS CONSOLE_LOG TIMEOUT_SECONDS
#
# 4 vCPUs in 2 sockets, one NUMA node of 2 GiB per socket: the migration
# selftest needs >= 3 CPUs and two nodes, and a node must own whole sockets.
# A panic reboots, -no-reboot turns that into an exit, and a host-side
# timeout ends a hung guest.  KERNEL_ARGS is appended to the command line;
# QUIET=1 shows only progress lines, the log keeps everything.
. "$(dirname "$0")/lib.sh"

kernel=$1 initrd=$2 log=$3 limit=$4
cmdline="console=ttyS0 loglevel=7 panic=-1 oops=panic slab_nomerge ${KERNEL_ARGS:-}"
say "booting ${kernel#"$TOP"/} (timeout ${limit}s) cmdline: $cmdline"
# Watchdog: a guest that prints nothing for IDLE seconds is hung; end it
# rather than waiting for the overall limit.
idle=${IDLE:-900}
: >"$log"
(
	last=-1 still=0
	while sleep 15; do
		size=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [ "$size" = "$last" ]; then
			still=$((still + 15))
			if [ $still -ge "$idle" ]; then
				echo "HARNESS: guest printed nothing for ${idle}s, killing it" >>"$log"
				pkill -f -- "-initrd $initrd" || true
				exit 0
			fi
		else
			still=0 last=$size
		fi
	done
) &
watchdog=$!
trap 'kill $watchdog 2>/dev/null || true' EXIT
set +e
timeout --foreground -k 10 "$limit" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -machine q35 \
	-smp 4,sockets=2,cores=2,threads=1 -m 4G \
	-object memory-backend-ram,id=m0,size=2G \
	-object memory-backend-ram,id=m1,size=2G \
	-numa node,nodeid=0,cpus=0-1,memdev=m0 \
	-numa node,nodeid=1,cpus=2-3,memdev=m1 \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	-nodefaults -nographic -serial stdio -no-reboot </dev/null 2>&1 |
	stdbuf -oL tr -d '\r' | tee -a "$log" | {
		# QUIET=1: show progress (results, splats) rather than the whole console
		if [ -n "${QUIET:-}" ]; then
			grep --line-buffered -E '^(not )?ok [0-9]|^# \[(RUN|FLAKY|FLAKY-MISMATCH)\]|^harness:|WARNING:|BUG:|Kernel panic|HARNESS' || true
		else
			cat
		fi
	}
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 124 ] && echo "HARNESS: guest did not finish within ${limit}s" | tee -a "$log"
# QUIET hides test output; for a failed test show why it failed, so that
# a CI log that keeps only part of the terminal says which case failed:
# first each failed subcase with its own output (from its "[RUN]" line,
# at most CASE_LINES lines), then the totals; if no subcase failed (a
# crash, a timeout), the last FAIL_LINES lines.
if [ -n "${QUIET:-}" ]; then
	awk -v keep="${FAIL_LINES:-40}" -v ckeep="${CASE_LINES:-25}" '
	/^# \[RUN\] / { name = $3; sub(/:$/, "", name); n = 0; next }
	/^# \[END\] / { next }
	/^# / && name != "" { line[n++] = $0; next }
	/^not ok [0-9]+ / && $4 == name {
		print "==> failed test " name ": failed subcases"
		start = 0; shown = 0; totals = ""
		for (i = 0; i < n; i++) {
			# a case begins: "[RUN]" (selftests) or the
			# kselftest harness, "#  RUN"
			if (line[i] ~ /^# # \[RUN\] / || line[i] ~ /^# #  RUN /)
				start = i
			if (line[i] ~ /^# not ok /) {
				from = (i - start >= ckeep ? i - ckeep + 1 : start)
				for (j = from; j <= i; j++)
					print line[j]
				shown++
			}
			if (line[i] ~ /^# (# )?Totals:/)
				totals = line[i]
		}
		if (shown && totals != "")
			print totals
		if (!shown) {
			print "==> no failed subcase; last " keep " lines of " name ":"
			for (i = (n > keep ? n - keep : 0); i < n; i++)
				print line[i]
		}
		print "==> end of " name
	}' "$log"
fi
exit 0
