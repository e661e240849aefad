# shellcheck shell=bash
# Common settings for the harness scripts.  Sourced, never run.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
H="$TOP/harness"
B="$TOP/build"
TREE="$B/linux"
# shellcheck source=../base.conf
. "$H/base.conf"

export ARCH=x86_64
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
# Compilers are wrapped in ccache; CC must reach kbuild as a make variable.
KCC="ccache gcc"
PY=/usr/bin/python3

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
loud() {
	printf '\n%s\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
	printf '!!! %s\n' "$@" >&2
	printf '%s\n\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
}

# Patches of the series, in order, without the cover letter.
series_files() {
	find "$TOP/patches" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-cover-letter.patch' | LC_ALL=C sort
}

# Commands for git that must give the same ids everywhere.
fixed_git() {
	GIT_AUTHOR_NAME="$BASE_IDENT_NAME" GIT_AUTHOR_EMAIL="$BASE_IDENT_EMAIL" \
	GIT_COMMITTER_NAME="$BASE_IDENT_NAME" GIT_COMMITTER_EMAIL="$BASE_IDENT_EMAIL" \
	GIT_AUTHOR_DATE="$BASE_DATE" GIT_COMMITTER_DATE="$BASE_DATE" \
		git -C "$TREE" -c core.autocrlf=false -c core.fileMode=true \
		-c advice.detachedHead=false "$@"
}

# Did the series add a Kconfig symbol?  Lets the harness enable options that
# only exist once the series provides them.
# tree_has_symbol SYMBOL [TREE]: does the kernel tree (build/linux) define it?
tree_has_symbol() {
	grep -rqs --include='Kconfig*' -E "^[[:space:]]*(menu)?config[[:space:]]+$1\$" "${2:-$TREE}"
}

# The KUnit configs the harness runs, one path a line: its own suites
# (harness/kunit/.kunitconfig) and every .kunitconfig the series adds.
# kunit.sh gives them to kunit.py; kernel.sh builds them into the guest.
kunit_configs() {
	echo "$H/kunit/.kunitconfig"
	git -C "$TREE" diff --name-only --diff-filter=AM base HEAD -- \
		'*.kunitconfig' '*/.kunitconfig' | sed "s|^|$TREE/|"
}

# ktap_parse CONSOLE: the KTAP lines of a KUnit console (ktap_lines.py says
# why only those) into build/kunit/ktap.log, and the kernel's own
# `kunit.py parse` of them into build/kunit/results.json; its report on
# standard output.
ktap_parse() {
	$PY "$H/scripts/ktap_lines.py" "$1" "$B/kunit/ktap.log"
	(cd "$TREE" && $PY tools/testing/kunit/kunit.py parse \
		--json="$B/kunit/results.json" "$B/kunit/ktap.log") 2>&1
}
