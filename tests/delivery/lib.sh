# lib.sh - shared helpers for the delivery tests (sourced, not run).
# Expects top_srcdir, top_builddir and PLUMB from "make check"; falls
# back to a build in the current directory.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${PLUMB:=$top_builddir/plumb}"
TOOL=$top_builddir/tests/delivery/delivery-tool
fails=0
checks=0

if ! command -v openssl >/dev/null 2>&1; then
	echo "SKIP: openssl(1) not installed"
	exit 77
fi
if [ ! -x "$TOOL" ] || [ ! -x "$PLUMB" ]; then
	echo "FAIL: $TOOL or $PLUMB not built"
	exit 1
fi

W=$(mktemp -d /tmp/plumb-delivery.XXXXXX)
cleanup_hook=:
trap 'eval "$cleanup_hook"; rm -rf "$W"' EXIT

ok() {
	checks=$((checks + 1))
}

bad() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $*"
}

keep_last() {
	case $1 in
	grep|test|cmp|sh) ;;
	*) cp "$W/out" "$W/last" ;;
	esac
}

# check DESCRIPTION COMMAND...: COMMAND must succeed.
check() {
	d=$1
	shift
	if "$@" >"$W/out" 2>&1; then ok; else bad "$d"; sed 's/^/  | /' "$W/out"; fi
	keep_last "$1"
}

# refuse DESCRIPTION COMMAND...: COMMAND must fail.
# Both keep the command's output in $W/last for the assertions that
# follow; assertions themselves (grep, test, cmp, sh) leave it alone.
refuse() {
	d=$1
	shift
	if "$@" >"$W/out" 2>&1; then bad "$d (unexpectedly succeeded)"; else ok; fi
	keep_last "$1"
}

# The throw-away PKI; make-pki.sh must print nothing on success.
make_pki() {
	out=$(sh "$top_srcdir/tests/pki/make-pki.sh" "$W/pki" 2>&1) ||
	    { echo "FAIL: make-pki.sh: $out"; exit 1; }
	[ -z "$out" ] || bad "make-pki.sh printed: $out"
	PKI=$W/pki
	HOST=$(cat "$PKI/host-id")
}

finish() {
	echo "$checks checks, $fails failed"
	[ "$fails" -eq 0 ]
}
