#!/usr/bin/env bash
# Install, with apt, everything the harness needs ("deps.sh bench": and
# what make bench needs).  Quiet and quick when everything is there.
. "$(dirname "$0")/lib.sh"

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils rsync
	kmod pkg-config python3 python3-ply python3-git git ccache perl gawk
	qemu-system-x86 qemu-system-data
	busybox-static bash-static
	libnuma-dev liburing-dev libcap-dev
	liburcu-dev
)
# make bench (deps.sh bench): the real-program workload and the plots
[ "${1:-}" = bench ] && pkgs+=(stress-ng gnuplot-nox)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

have_src=$(dpkg-query -W -f='${Status} ${Version}' "$LINUX_SOURCE_PKG" 2>/dev/null || true)
want_src=1
case "$have_src" in
"install ok installed $LINUX_SOURCE_VERSION") want_src=0 ;;
esac

[ ${#missing[@]} -eq 0 ] && [ $want_src -eq 0 ] && exit 0
[ "$(id -u)" -eq 0 ] || die "need root to apt-get install: ${missing[*]} $LINUX_SOURCE_PKG"

export DEBIAN_FRONTEND=noninteractive
APT="apt-get -y -q -o Dpkg::Use-Pty=0 --no-install-recommends"
say "apt-get update"
apt-get -q update >/dev/null
if [ ${#missing[@]} -gt 0 ]; then
	say "apt-get install ${missing[*]}"
	$APT install "${missing[@]}" >/dev/null
fi

if [ $want_src -eq 1 ]; then
	if $APT install "$LINUX_SOURCE_PKG=$LINUX_SOURCE_VERSION" >/dev/null 2>&1; then
		say "installed $LINUX_SOURCE_PKG $LINUX_SOURCE_VERSION"
	else
		$APT install "$LINUX_SOURCE_PKG" >/dev/null
		got=$(dpkg-query -W -f='${Version}' "$LINUX_SOURCE_PKG")
		loud "$LINUX_SOURCE_PKG $LINUX_SOURCE_VERSION (pinned in harness/base.conf) is not in the archive." \
		     "Using $LINUX_SOURCE_PKG $got instead: the base is NOT the pinned one." \
		     "Results are not comparable with the recorded baseline until base.conf is updated."
	fi
fi
