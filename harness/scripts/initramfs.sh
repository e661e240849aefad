#!/usr/bin/env bash
# Pack the guest initramfs with the kernel's usr/gen_init_cpio.
#
#   initramfs.sh tests OUT   selftests (harness/selftests.list, tests the
#                            series adds, executables of $EXTRA)
#   initramfs.sh demo OUT    the make-run demonstration
#   initramfs.sh bench OUT   the workloads of make bench: build/bench/bin/*
#                            and stress-ng with its shared libraries, run as
#                            $B/bench/bench.list says (written by bench.sh)
. "$(dirname "$0")/lib.sh"

job=$1 out=$2
st="$B/selftests/mm"
gen="$B/gen_init_cpio"
[ "$gen" -nt "$TREE/usr/gen_init_cpio.c" ] ||
	gcc -O2 -o "$gen" "$TREE/usr/gen_init_cpio.c"

stage="$B/initramfs-$job"
rm -rf "$stage" && mkdir -p "$stage"
list="$stage/cpio.list"
{
	for d in /bin /sbin /dev /proc /sys /tmp /tests /demo /bench /harness /root; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /bin/busybox /bin/busybox 0755 0 0"
	echo "file /bin/bash /bin/bash-static 0755 0 0"
	echo "slink /bin/sh /bin/busybox 0777 0 0"
	echo "file /init $H/guest/init 0755 0 0"
	echo "$job" >"$stage/job"
	echo "file /harness/job $stage/job 0644 0 0"
} >"$list"

case "$job" in
tests)
	: >"$stage/tests.list"
	grep -v '^[[:space:]]*\(#\|$\)' "$H/selftests.list" >>"$stage/tests.list" || true
	for t in $("$H/scripts/series-tests.sh"); do
		# 30 min: without anon_vma the cow_context selftest runs
		# 10 000-generation chains, over 600 s under KASAN
		echo "$t 1800 $t" >>"$stage/tests.list"
	done
	awk '{print $3}' "$stage/tests.list" | sort -u | while read -r bin; do
		[ -x "$st/$bin" ] || die "selftest $bin not built"
		echo "file /tests/$bin $st/$bin 0755 0 0"
	done >>"$list"
	;;
demo)
	: >"$stage/tests.list"
	gcc -O2 -Wall -Wextra -static -o "$stage/rmap-demo" "$H/demo/rmap-demo.c"
	echo "file /demo/rmap-demo $stage/rmap-demo 0755 0 0" >>"$list"
	;;
bench)
	: >"$stage/tests.list"
	[ -s "$B/bench/bench.list" ] || die "no $B/bench/bench.list: run bench.sh"
	cp "$B/bench/bench.list" "$stage/bench.list"
	echo "file /harness/bench.list $stage/bench.list 0644 0 0" >>"$list"
	for f in "$B"/bench/bin/*; do
		echo "file /bench/$(basename "$f") $f 0755 0 0" >>"$list"
	done
	# stress-ng is dynamically linked: its loader and libraries, at the
	# paths ldd gives, in directories of their own
	sng=$(command -v stress-ng) || die "stress-ng not installed (make bench installs it)"
	echo "file /bench/stress-ng $sng 0755 0 0" >>"$list"
	ldd "$sng" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' |
		sort -u | while read -r lib; do
		d=$(dirname "$lib")
		echo "$d"
		echo "file $lib $(realpath "$lib") 0755 0 0" >"$stage/lib.$(basename "$lib")"
	done | sort -u | while read -r d; do
		p=
		for c in ${d//\// }; do
			p+="/$c"
			echo "dir $p 0755 0 0"
		done
	done | awk '!seen[$0]++' >>"$list"
	cat "$stage"/lib.* >>"$list"
	;;
*) die "unknown job $job" ;;
esac
# EXTRA=<dir>: its executables run as tests after the job's own.
if [ -n "${EXTRA:-}" ]; then
	[ -d "$EXTRA" ] || die "EXTRA=$EXTRA is not a directory"
	for f in "$EXTRA"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		n=$(basename "$f")
		echo "file /tests/extra-$n $(realpath "$f") 0755 0 0" >>"$list"
		echo "extra-$n 600 extra-$n" >>"$stage/tests.list"
	done
fi
# ONLY=<regex>: keep only the tests whose name matches (a quick run).
if [ -n "${ONLY:-}" ]; then
	awk -v re="$ONLY" '$1 ~ re' "$stage/tests.list" >"$stage/tests.only"
	mv "$stage/tests.only" "$stage/tests.list"
	[ -s "$stage/tests.list" ] || die "ONLY=$ONLY matches no test"
fi
# Flaky tests: /harness/flaky lists their names, /harness/flaky-sig/<name>
# their failure signatures (harness/baseline flaky-sig lines), one ERE a
# line for grep -E -f, each checked with the guest's busybox grep.
awk '$1 == "flaky" {print $2}' "$H/baseline" >"$stage/flaky"
mkdir "$stage/flaky-sig"
echo "dir /harness/flaky-sig 0755 0 0" >>"$list"
while read -r kind name re; do
	[ "$kind" = flaky-sig ] || continue
	case $name in */* | .* | '') die "harness/baseline: bad flaky-sig test name '$name'" ;; esac
	grep -qx -- "$name" "$stage/flaky" ||
		die "harness/baseline: flaky-sig $name, but $name is not listed flaky"
	[ -n "$re" ] || die "harness/baseline: flaky-sig $name has no regex"
	# (busybox compiles the regex on the first input line)
	rc=0; echo | /bin/busybox grep -E -e "$re" >/dev/null 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || die "harness/baseline: flaky-sig $name matches an empty line: $re"
	[ "$rc" -eq 1 ] || die "harness/baseline: flaky-sig $name: bad regex: $re"
	printf '%s\n' "$re" >>"$stage/flaky-sig/$name"
done <"$H/baseline"
while read -r name; do
	[ -s "$stage/flaky-sig/$name" ] ||
		die "harness/baseline: flaky $name has no flaky-sig line (its failures would never be rerun)"
	echo "file /harness/flaky-sig/$name $stage/flaky-sig/$name 0644 0 0" >>"$list"
done <"$stage/flaky"
# Tests run with the periodic auditor paused (harness/baseline noaudit).
awk '$1 == "noaudit" {print $2}' "$H/baseline" >"$stage/noaudit"
echo "file /harness/noaudit $stage/noaudit 0644 0 0" >>"$list"
echo "file /harness/tests.list $stage/tests.list 0644 0 0" >>"$list"
echo "file /harness/flaky $stage/flaky 0644 0 0" >>"$list"

"$gen" "$list" >"$out.tmp"
mv "$out.tmp" "$out"
say "initramfs ${out#"$TOP"/}: $(du -h "$out" | cut -f1)"
