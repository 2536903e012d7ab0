#!/bin/sh
# Result documents written as the reference writes them:
#   - indented exactly as libxml2 formats XML: xmllint --format of each
#     document (XCCDF results, ARF, OVAL results, STIG Viewer, OVAL
#     variables) gives the same bytes back;
#   - one <score> per scoring model: the default only when the
#     Benchmark names none, the default then flat for
#     tests/cli/content/cli-xccdf.xml (values worked out in its README);
#   - rule-result/message on the rules oscap gives one (the fixture
#     data stream's rule_ocil, rule_nocheck, rule_missing_def);
#   - the ARF asset's connections carry the MAC address of their
#     interface (compared with /sys/class/net);
#   - --oval-results file names equal oscap's for relative and absolute
#     content paths and an href in a subdirectory (oscap run in a
#     temporary directory; hand-written names without oscap);
#   - OVAL results pass oscap oval validate --results (XSD and
#     schematron), XCCDF results oscap xccdf validate.
# Environment: PLUMB (the built binary), top_srcdir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
. "$top_srcdir/tests/cli/lib.sh"

F="$top_srcdir/tests/fixtures/xccdf"

# formatted NAME FILE: FILE is what xmllint --format makes of it, and
# more than a handful of lines (an unindented document is one line).
formatted() {
	xmllint --format "$2" >"$tmp/fmt.xml" 2>/dev/null
	if [ "$(wc -l <"$2")" -gt 10 ] && cmp -s "$tmp/fmt.xml" "$2"; then
		ok "$1: indented as xmllint --format"
	else
		not_ok "$1: not as xmllint --format ($(wc -l <"$2") lines)"
		diff "$tmp/fmt.xml" "$2" | head -n 6
	fi
}

# --------------------------------------- the fixture data stream
mkdir "$tmp/ds"
(cd "$tmp/ds" && "$PLUMB" xccdf eval --root "$F/root1" --oval-results \
    --results r.xml --results-arf a.xml --stig-viewer s.xml \
    "$F/fixture-ds.xml" >/dev/null 2>"$tmp/ds.err")
check "data stream: exit status 2 (rules fail)" test $? -eq 2
for f in r.xml a.xml s.xml fixture-oval.xml.result.xml \
    fixture-multi-oval.xml.result.xml fixture-cpe-oval.xml.result.xml; do
	formatted "ds $f" "$tmp/ds/$f"
done
R="$tmp/ds/r.xml"
TR="//*[$L='TestResult']"
check "ds: one score, the default (no <model>)" test \
    "$(x "$R" "count($TR/*[$L='score'])"):$(x "$R" "string($TR/*[$L='score']/@system)")" = \
    "1:urn:xccdf:scoring:default"
for r in ocil nocheck missing_def; do
	check "ds: rule_$r has a message" test \
	    "$(x "$R" "count($TR/*[$L='rule-result'][@idref='xccdf_org.plumb_rule_$r']/*[$L='message'])")" = 1
done
check "ds: three messages in all (oscap's count)" test \
    "$(x "$R" "count($TR/*[$L='rule-result']/*[$L='message'])")" = 3
check "ds: the message follows result, before check" test \
    "$(x "$R" "local-name($TR/*[$L='rule-result'][@idref='xccdf_org.plumb_rule_missing_def']/*[$L='message']/following-sibling::*[1])")" = check

# ARF asset: a connection per IP address and one per interface MAC
# address, as oscap writes them (tests/cli/arf-asset.sh checks the list).
A="$tmp/ds/a.xml"
CN="//*[$L='asset']//*[$L='connection']"
n=$(x "$A" "count($CN)")
m=$(x "$A" "count($CN/*[$L='mac-address'])")
if [ "${n:-0}" -gt 0 ]; then
	check "arf: each of $n connections has an IP or a MAC address" \
	    test "$(x "$A" "count($CN[*[$L='mac-address'] or *[$L='ip-address']])")" = "$n"
	bad=0
	i=1
	while [ "$i" -le "$m" ]; do
		mac=$(x "$A" "string(($CN/*[$L='mac-address'])[$i])")
		cat /sys/class/net/*/address 2>/dev/null | grep -qix "$mac" ||
		    bad=$((bad + 1))
		i=$((i + 1))
	done
	check "arf: the MAC addresses are this host's (/sys/class/net)" \
	    test "$bad" -eq 0
else
	echo "# no network interface with an address: no connections"
fi

# --------------------------------------- models: default then flat
mkdir "$tmp/cli"
(cd "$tmp/cli" && "$PLUMB" xccdf eval --root "$C/root" --profile base \
    --results r.xml --export-variables "$C/cli-xccdf.xml" >/dev/null 2>&1)
R="$tmp/cli/r.xml"
formatted "cli r.xml" "$R"
formatted "cli variables" "$tmp/cli/cli-oval.xml-0.variables-0.xml"
check "models: two scores, default then flat" test \
    "$(x "$R" "concat(count($TR/*[$L='score']), ' ', ($TR/*[$L='score'])[1]/@system, ' ', ($TR/*[$L='score'])[2]/@system)")" = \
    "2 urn:xccdf:scoring:default urn:xccdf:scoring:flat"
check "models: default 100 of 100" test \
    "$(x "$R" "concat(number($TR/*[$L='score'][1]), '/', number($TR/*[$L='score'][1]/@maximum))")" = 100/100
check "models: flat 2 of 2" test \
    "$(x "$R" "concat(number($TR/*[$L='score'][2]), '/', number($TR/*[$L='score'][2]/@maximum))")" = 2/2

# --------------------------------------- --oval-results file names
# names DIR: the *.result.xml files in DIR, sorted, on one line.
names() { (cd "$1" && ls -- *.result.xml 2>/dev/null | sort | tr '\n' ' '); }
mkdir -p "$tmp/n/rel/c/d 1" "$tmp/n/abs" "$tmp/n/dsrel"
cp "$F/fixture-ds.xml" "$tmp/n/dsrel/"
sed 's#href="standalone-oval.xml"#href="d 1/o+v.xml"#' "$F/standalone11.xml" \
    >"$tmp/n/rel/c/x.xml"
cp "$F/standalone-oval.xml" "$tmp/n/rel/c/d 1/o+v.xml"
# Hand-written: the href URL-escaped, then ".result.xml".
want_rel="d%201%2Fo%2Bv.xml.result.xml "
want_dsrel="fixture-cpe-oval.xml.result.xml fixture-multi-oval.xml.result.xml fixture-oval.xml.result.xml "
want_abs="standalone-oval.xml.result.xml "
for t in rel dsrel abs; do
	case $t in
	rel) set -- c/x.xml ;;
	dsrel) set -- fixture-ds.xml ;;
	abs) set -- "$F/standalone11.xml" ;;
	esac
	(cd "$tmp/n/$t" && "$PLUMB" xccdf eval --root "$F/root1" \
	    --oval-results "$@" >/dev/null 2>&1)
	got=$(names "$tmp/n/$t")
	eval "want=\$want_$t"
	check "--oval-results names ($t): $got" test "$got" = "$want"
	if [ "$have_oscap" = yes ]; then
		mkdir "$tmp/n/o$t"
		[ "$t" = rel ] && cp -r "$tmp/n/rel/c" "$tmp/n/o$t/"
		[ "$t" = dsrel ] && cp "$F/fixture-ds.xml" "$tmp/n/o$t/"
		(cd "$tmp/n/o$t" && OSCAP_PROBE_ROOT="$F/root1" oscap xccdf \
		    eval --oval-results "$@" >/dev/null 2>&1)
		check "--oval-results names ($t) = oscap's" \
		    test "$got" = "$(names "$tmp/n/o$t")"
	fi
done

# ------------------------------------------- the reference validators
if [ "$have_oscap" = yes ]; then
	for f in "$tmp/ds/fixture-oval.xml.result.xml" \
	    "$tmp/ds/fixture-multi-oval.xml.result.xml" \
	    "$tmp/ds/fixture-cpe-oval.xml.result.xml" \
	    "$tmp/n/rel/d%201%2Fo%2Bv.xml.result.xml"; do
		check "oscap oval validate --results $(basename "$f")" \
		    quiet oscap oval validate --results "$f"
	done
	check "oscap xccdf validate r.xml" \
	    quiet oscap xccdf validate "$tmp/ds/r.xml"
	check "oscap xccdf validate cli r.xml" quiet oscap xccdf validate "$R"
	check "oscap ds rds-validate a.xml" quiet oscap ds rds-validate "$A"
else
	echo "# oscap not installed: reference validation not run"
fi

if [ $((passed + failed)) -lt 20 ]; then
	not_ok "only $((passed + failed)) checks ran, want 20 at least"
fi
finish
