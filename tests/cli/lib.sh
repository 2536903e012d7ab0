# lib.sh - what the tests/cli scripts share, sourced after top_srcdir and
# PLUMB are set: tap.sh, C (the content directory), L (for XPath),
# $tmp (removed on exit), an absolute PLUMB that must exist (a missing
# binary or xmllint is a failure), have_oscap, x and quiet.
# shellcheck shell=sh

. "$top_srcdir/tests/tap.sh"
LC_ALL=C
export LC_ALL
unset OSCAP_PROBE_ROOT

C="$top_srcdir/tests/cli/content"
L='local-name()'
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
case $PLUMB in /*) ;; *) PLUMB=$(pwd)/$PLUMB ;; esac
if [ ! -x "$PLUMB" ]; then
	not_ok "plumb binary $PLUMB missing"
	finish
fi
if ! command -v xmllint >/dev/null 2>&1; then
	not_ok "xmllint missing (libxml2-utils)"
	finish
fi
have_oscap=no
command -v oscap >/dev/null 2>&1 && have_oscap=yes

# x FILE XPATH: the string value of an XPath 1.0 expression.
x() { xmllint --xpath "$2" "$1" 2>/dev/null; }

# quiet COMMAND...: COMMAND's status, its output shown only on failure.
quiet() {
	if "$@" >"$tmp/quiet.out" 2>&1; then
		return 0
	fi
	head -n 8 "$tmp/quiet.out"
	return 1
}
