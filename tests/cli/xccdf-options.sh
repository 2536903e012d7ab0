#!/bin/sh
# The oscap options scripts use, on tests/cli/content (README there has
# the expected results, worked out by hand and checked against oscap
# 1.3.7): profile selection by id suffix, a tailoring profile extending
# a benchmark profile, OSCAP_PROBE_ROOT, --skip-validation,
# --export-variables, --stig-viewer, --without-syschar, --thin-results,
# and oval eval --directives.  Where oscap is installed the rule results
# are also compared with its own.
# Environment: PLUMB (the built binary), top_srcdir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
. "$top_srcdir/tests/cli/lib.sh"

T="$C/cli-tailoring.xml"
X="$C/cli-xccdf.xml"
P=xccdf_org.plumb.cli_

# run NAME WANT_RC ARGS...: plumb xccdf eval --progress, stdout sorted
# into $tmp/NAME.out, stderr in $tmp/NAME.err.
run() {
	n=$1 w=$2
	shift 2
	"$PLUMB" xccdf eval --progress "$@" >"$tmp/$n.raw" 2>"$tmp/$n.err"
	rc=$?
	sort "$tmp/$n.raw" >"$tmp/$n.out"
	if [ "$rc" -eq "$w" ]; then
		ok "$n: exit status $w"
	else
		not_ok "$n: exit status $rc, want $w"
		head -n 3 "$tmp/$n.err"
	fi
}

# lines NAME WANT...: the sorted progress lines are exactly WANT.
lines() {
	n=$1
	shift
	printf '%s\n' "$@" | sort >"$tmp/want"
	if cmp -s "$tmp/want" "$tmp/$n.out"; then
		ok "$n: results"
	else
		not_ok "$n: results"
		diff "$tmp/want" "$tmp/$n.out"
	fi
}

# same_as_oscap NAME ARGS...: oscap's progress lines for ARGS (with
# OSCAP_PROBE_ROOT=root) equal plumb's in $tmp/NAME.out.
same_as_oscap() {
	n=$1
	shift
	[ "$have_oscap" = yes ] || return 0
	OSCAP_PROBE_ROOT="$C/root" oscap xccdf eval --progress "$@" \
	    2>/dev/null | sort >"$tmp/$n.oscap"
	if cmp -s "$tmp/$n.oscap" "$tmp/$n.out"; then
		ok "$n: same results as oscap"
	else
		not_ok "$n: oscap differs"
		diff "$tmp/$n.oscap" "$tmp/$n.out"
	fi
}

# ------------------------------------------------ profile by suffix
run base 0 --root "$C/root" --profile "${P}profile_base" "$X"
lines base "${P}rule_mode:pass" "${P}rule_present:pass"
run suffix 2 --root "$C/root" --profile cis_level2_server "$X"
lines suffix "${P}rule_absent:fail"
same_as_oscap suffix --profile cis_level2_server "$X"
run suffix-short 0 --root "$C/root" --profile _base "$X"
lines suffix-short "${P}rule_mode:pass" "${P}rule_present:pass"
# "level2_server" ends both level2_server and cis_level2_server: an
# error naming both, nothing evaluated (oscap: the same, exit 1).
run ambiguous 1 --root "$C/root" --profile level2_server "$X"
check "ambiguous: both candidates listed" \
    grep -q "^  ${P}profile_level2_server\$" "$tmp/ambiguous.err"
check "ambiguous: cis_level2_server listed" \
    grep -q "^  ${P}profile_cis_level2_server\$" "$tmp/ambiguous.err"
check "ambiguous: nothing evaluated" test ! -s "$tmp/ambiguous.out"
run unknown 1 --root "$C/root" --profile nope "$X"
check "unknown suffix: named" grep -q "no Profile 'nope'" "$tmp/unknown.err"

# ------------------------------------- tailoring extends a profile
run tailored 2 --root "$C/root" --tailoring-file "$T" --profile \
    "${P}profile_tailored" --results "$tmp/tailored.xml" "$X"
lines tailored "${P}rule_mode:fail" "${P}rule_present:pass" \
    "${P}rule_absent:fail"
same_as_oscap tailored --tailoring-file "$T" --profile "${P}profile_tailored" \
    "$X"
check "tailored: refine-value selector lax in set-value" test \
    "$(x "$tmp/tailored.xml" "string(//*[$L='set-value'][@idref='${P}value_mode'])")" = lax
run tailored-set 2 --root "$C/root" --tailoring-file "$T" --profile \
    tailored_set "$X"
lines tailored-set "${P}rule_mode:pass" "${P}rule_present:pass" \
    "${P}rule_absent:fail"
same_as_oscap tailored-set --tailoring-file "$T" --profile tailored_set "$X"

# ------------------------------------------------- OSCAP_PROBE_ROOT
# Without a root /etc/cli.conf is missing (this host is not the
# fixture): rule_mode fails, so a pass shows the root was used.
run noroot 2 --profile "${P}profile_base" "$X"
check "no root: rule_mode fails on the host" \
    grep -q "^${P}rule_mode:fail\$" "$tmp/noroot.out"
OSCAP_PROBE_ROOT="$C/root"
export OSCAP_PROBE_ROOT
run env-root 0 --profile "${P}profile_base" "$X"
lines env-root "${P}rule_mode:pass" "${P}rule_present:pass"
OSCAP_PROBE_ROOT="$tmp/nowhere"
run root-wins 0 --root "$C/root" --profile "${P}profile_base" "$X"
lines root-wins "${P}rule_mode:pass" "${P}rule_present:pass"
OSCAP_PROBE_ROOT="$C/root"
"$PLUMB" oval eval "$C/cli-oval.xml" >"$tmp/oval-env.out" 2>&1
check "oval eval: OSCAP_PROBE_ROOT read" \
    grep -q "^Definition oval:plumb.cli:def:2: true\$" "$tmp/oval-env.out"
OSCAP_PROBE_ROOT="$tmp/nowhere"
"$PLUMB" oval eval --root "$C/root" "$C/cli-oval.xml" >"$tmp/oval-env.out" \
    2>&1
check "oval eval: --root wins" \
    grep -q "^Definition oval:plumb.cli:def:2: true\$" "$tmp/oval-env.out"
unset OSCAP_PROBE_ROOT

# ------------------------------------------------ --skip-validation
run skip-valid 0 --skip-validation --skip-valid --root "$C/root" \
    --profile "${P}profile_base" "$X"

# ------------------------------- --export-variables, --stig-viewer
mkdir "$tmp/ev"
(cd "$tmp/ev" && "$PLUMB" xccdf eval --export-variables --root "$C/root" \
    --tailoring-file "$T" --profile tailored --stig-viewer stig.xml \
    "$X" >/dev/null 2>&1)
V="$tmp/ev/cli-oval.xml-0.variables-0.xml"
check "--export-variables: cli-oval.xml-0.variables-0.xml written" test -s "$V"
check "--export-variables: var:1 is the refined value lax" test \
    "$(x "$V" "string(//*[$L='variable'][@id='oval:plumb.cli:var:1']/*[$L='value'])")" = lax
check "--export-variables: datatype from the definitions" test \
    "$(x "$V" "string(//*[$L='variable']/@datatype)")" = string
if [ "$have_oscap" = yes ]; then
	check "--export-variables: oscap oval validate" \
	    quiet oscap oval validate "$V"
fi
S="$tmp/ev/stig.xml"
check "--stig-viewer: three rule-results (two ids for rule_present)" test \
    "$(x "$S" "count(/*[$L='TestResult']/*[$L='rule-result'])")" = 3
check "--stig-viewer: SV-1001r1_rule is rule_mode's fail" test \
    "$(x "$S" "string(//*[$L='rule-result'][@idref='SV-1001r1_rule']/*[$L='result'])")" = fail
check "--stig-viewer: SV-1003r1_rule is rule_present's pass" test \
    "$(x "$S" "string(//*[$L='rule-result'][@idref='SV-1003r1_rule']/*[$L='result'])")" = pass
check "--stig-viewer: no rule id left" test \
    "$(x "$S" "count(//*[$L='rule-result'][starts-with(@idref, 'xccdf_')])")" = 0

# ------------------------------ --without-syschar, --thin-results
# oval_results (files and ARF): without-syschar keeps the tests and
# their tested items, drops collected objects and items; thin keeps the
# definition results only (no criteria, no tests), as oscap writes them.
for mode in without-syschar thin-results; do
	md="$tmp/$mode"
	mkdir "$md"
	(cd "$md" && "$PLUMB" xccdf eval --"$mode" --oval-results \
	    --results-arf arf.xml --root "$C/root" --profile base "$X" \
	    >/dev/null 2>&1)
	R="$md/cli-oval.xml.result.xml"
	check "$mode: results written" test -s "$R"
	check "$mode: no collected objects" test \
	    "$(x "$R" "count(//*[$L='collected_objects'] | //*[$L='system_data'])")" = 0
	check "$mode: system_info kept" test \
	    "$(x "$R" "count(//*[$L='oval_system_characteristics']/*[$L='system_info'])")" = 1
	check "$mode: the ARF's OVAL results the same way" test \
	    "$(x "$md/arf.xml" "count(//*[$L='collected_objects'] | //*[$L='system_data'])")" = 0
	if [ "$have_oscap" = yes ]; then
		check "$mode: oscap oval validate --results" \
		    quiet oscap oval validate --results "$R"
	fi
done
R="$tmp/without-syschar/cli-oval.xml.result.xml"
check "without-syschar: tests and tested items kept" test \
    "$(x "$R" "count(//*[$L='results']//*[$L='test']/*[$L='tested_item'])")" = 2
R="$tmp/thin-results/cli-oval.xml.result.xml"
check "thin-results: no tests, no criteria" test \
    "$(x "$R" "count(//*[$L='results']//*[$L='test'] | //*[$L='results']//*[$L='criteria'])")" = 0
check "thin-results: two definition results" test \
    "$(x "$R" "count(//*[$L='results']//*[$L='definition'])")" = 2
check "thin-results: directives say thin" test \
    "$(x "$R" "count(//*[$L='directives']/*[@content='thin'])")" = 6

# ---------------------------------------------- oval eval --directives
# No variables file: def:1 is error (its external variable is unbound),
# def:2 true, def:3 false.  true is thin, false not reported.
"$PLUMB" oval eval --directives "$C/cli-directives.xml" --root "$C/root" \
    --results "$tmp/dir.xml" "$C/cli-oval.xml" >/dev/null 2>&1
check "--directives: exit status 0" test $? -eq 0
check "--directives: def:3 (false) not reported" test \
    "$(x "$tmp/dir.xml" "count(//*[$L='results']//*[$L='definition'][@definition_id='oval:plumb.cli:def:3'])")" = 0
check "--directives: def:2 (true) thin" test \
    "$(x "$tmp/dir.xml" "concat(count(//*[$L='results']//*[$L='definition'][@definition_id='oval:plumb.cli:def:2']), count(//*[$L='results']//*[$L='definition'][@definition_id='oval:plumb.cli:def:2']/*))")" = 10
check "--directives: def:1 (error) in full" test \
    "$(x "$tmp/dir.xml" "count(//*[$L='results']//*[$L='definition'][@definition_id='oval:plumb.cli:def:1']/*[$L='criteria'])")" = 1
check "--directives: only tst:1 written" test \
    "$(x "$tmp/dir.xml" "count(//*[$L='results']//*[$L='test'])"):$(x "$tmp/dir.xml" "string(//*[$L='results']//*[$L='test']/@test_id)")" = "1:oval:plumb.cli:tst:1"
check "--directives: false not reported in the directives" test \
    "$(x "$tmp/dir.xml" "string(//*[$L='directives']/*[$L='definition_false']/@reported)")" = false
if [ "$have_oscap" = yes ]; then
	check "--directives: oscap oval validate --results" \
	    quiet oscap oval validate --results "$tmp/dir.xml"
fi
"$PLUMB" oval eval --directives "$C/cli-oval.xml" "$C/cli-oval.xml" \
    >/dev/null 2>"$tmp/err"
check "--directives with a definitions file: exit 1, named" \
    grep -q "cli-oval.xml: not an OVAL directives document" "$tmp/err"

# ------------------------------------------------------------ --help
"$PLUMB" xccdf eval --help >"$tmp/help"
for o in --skip-validation --without-syschar --thin-results \
    --export-variables --stig-viewer; do
	check "xccdf eval --help: $o" grep -q -- "$o" "$tmp/help"
done
"$PLUMB" oval eval --help >"$tmp/help"
for o in --directives --without-syschar --skip-validation; do
	check "oval eval --help: $o" grep -q -- "$o" "$tmp/help"
done

if [ $((passed + failed)) -lt 60 ]; then
	not_ok "only $((passed + failed)) checks ran, want 60 at least"
fi
finish
