#!/bin/sh
# plumb info on a data stream whose component-refs name another file
# (tests/fixtures/xccdf/ext-ds.xml: xlink:href="file:fixture-ds.xml#id"):
# they are followed as xccdf eval follows them.  Expected, as oscap 1.3.7
# "oscap info ext-ds.xml" shows it: the benchmark of fixture-ds.xml with
# its profiles base and strict beside the tailoring's strict2, and the
# OVAL check component; the profile ids are also compared with oscap's
# own listing when it is installed.  A reference leaving the directory
# ("..") or a remote one is not followed and says why.
# Environment: PLUMB (the built binary), top_srcdir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
. "$top_srcdir/tests/cli/lib.sh"

X="$top_srcdir/tests/fixtures/xccdf"

# has NAME FILE TEXT: FILE holds the line fragment TEXT.
has() {
	if grep -qF -- "$3" "$2"; then ok "$1: '$3'"
	else not_ok "$1: no '$3' in: $(tr '\n' '|' <"$2")"; fi
}

check "info ext-ds.xml" quiet "$PLUMB" info "$X/ext-ds.xml"
"$PLUMB" info "$X/ext-ds.xml" >"$tmp/ext.out" 2>&1
has ext "$tmp/ext.out" "scap_org.plumb_cref_ext-benchmark (XCCDF Benchmark)"
has ext "$tmp/ext.out" "Benchmark: xccdf_org.plumb_benchmark_fixture"
has ext "$tmp/ext.out" "scap_org.plumb_cref_ext-oval (OVAL definitions)"
if grep -q "missing\|not loaded" "$tmp/ext.out"; then
	not_ok "ext: a component is missing: $(grep "missing\|not loaded" "$tmp/ext.out")"
else
	ok "ext: every component-ref followed"
fi
sed -n 's/^[[:space:]]*Id: //p' "$tmp/ext.out" | sort >"$tmp/ids"
printf '%s\n' xccdf_org.plumb_profile_base xccdf_org.plumb_profile_strict \
    xccdf_org.plumb_profile_strict2 >"$tmp/want"
check "ext: profiles base, strict (benchmark) and strict2 (tailoring)" \
    cmp -s "$tmp/want" "$tmp/ids"
if [ "$have_oscap" = yes ]; then
	(cd "$X" && oscap info ext-ds.xml) 2>/dev/null |
	    sed -n 's/^[[:space:]]*Id: //p' | sort >"$tmp/oscap-ids"
	check "ext: the profile ids oscap info lists" \
	    cmp -s "$tmp/oscap-ids" "$tmp/ids"
fi

# Refused as xccdf eval refuses them (run-xccdf-fixtures.sh ext-up and
# ext-remote): shown with the reason, not followed.
mkdir "$tmp/sub"
sed 's|file:fixture-ds.xml|file:../fixture-ds.xml|' "$X/ext-ds.xml" \
    >"$tmp/sub/up.xml"
"$PLUMB" info "$tmp/sub/up.xml" >"$tmp/up.out" 2>&1
has up "$tmp/up.out" "scap_org.plumb_cref_ext-benchmark (not loaded: "
has up "$tmp/up.out" "component reference leaves the data stream's directory '../fixture-ds.xml'"
sed 's|file:fixture-ds.xml|https://example.invalid/fixture-ds.xml|' \
    "$X/ext-ds.xml" >"$tmp/sub/remote.xml"
"$PLUMB" info "$tmp/sub/remote.xml" >"$tmp/remote.out" 2>&1
has remote "$tmp/remote.out" "remote component reference not fetched"
if grep -q "Benchmark: " "$tmp/remote.out"; then
	not_ok "remote: a benchmark was shown"
else
	ok "remote: nothing fetched"
fi

[ "$passed" -ge 10 ] || not_ok "only $passed assertions passed, want 10"
finish
