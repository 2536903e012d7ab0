#!/bin/sh
# OVAL results documents against the reference (oscap 1.3.7):
# - the generators' schema_version is the content's (oscap writes the
#   definitions' version, 5.11.3 or 5.10, in the results and system
#   characteristics generators), and oscap's validator (XML Schema plus
#   schematron, picked by that version) accepts plumb's results;
# - oval eval --directives prunes the results as the directives say,
#   general directives and class directives (tests/fixtures/directives:
#   the expected lists below are what oscap 1.3.7 writes for the same
#   files, worked out by hand from the comment in defs.xml too).
# Environment: PLUMB (the built binary), top_srcdir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
. "$top_srcdir/tests/cli/lib.sh"

D="$top_srcdir/tests/fixtures/directives"
R='/*[local-name()="oval_results"]/*[local-name()="results"]/*/*'
G='//*[local-name()="generator"]/*[local-name()="schema_version"]'

# validate FILE [OPTION]: oscap's results validator, when installed.
validate() {
	[ "$have_oscap" = yes ] || return 0
	quiet oscap oval validate --results $2 "$1"
}

# defs FILE: "ID:full" or "ID:thin" per definition result, sorted.
defs() {
	x "$1" "$R"'[local-name()="definitions"]/*' >/dev/null || return 0
	n=$(x "$1" "count($R"'[local-name()="definitions"]/*)')
	i=1
	while [ "$i" -le "$n" ]; do
		e="($R"'[local-name()="definitions"]/*)'"[$i]"
		id=$(x "$1" "string($e/@definition_id)")
		if [ "$(x "$1" "count($e/*)")" -gt 0 ]; then
			echo "${id##*:}:full"
		else
			echo "${id##*:}:thin"
		fi
		i=$((i + 1))
	done | sort | tr '\n' ' '
}

# tests FILE: the test ids written, sorted.
tests() {
	n=$(x "$1" "count($R"'[local-name()="tests"]/*)')
	i=1
	while [ "$i" -le "$n" ]; do
		id=$(x "$1" "string(($R"'[local-name()="tests"]/*)'"[$i]/@test_id)")
		echo "${id##*:}"
		i=$((i + 1))
	done | sort | tr '\n' ' '
}

# directed NAME DIRECTIVES OUT WANT: oval eval --directives writes the
# definition results WANT (as defs prints them).
directed() {
	check "$1: oval eval" quiet "$PLUMB" oval eval \
	    --directives "$2" --results "$3" "$D/defs.xml"
	got=$(defs "$3")
	if [ "$got" = "$4" ]; then ok "$1: $4"
	else not_ok "$1: got '$got', want '$4'"; fi
}

# ---- schema_version: the content's, in both generators
for v in 5.11.3 5.10; do
	sed "s|<oval:schema_version>5.11.3<|<oval:schema_version>$v<|" \
	    "$D/defs.xml" >"$tmp/defs-$v.xml"
	check "$v: oval eval --results" \
	    quiet "$PLUMB" oval eval --results "$tmp/r-$v.xml" "$tmp/defs-$v.xml"
	got=$(x "$tmp/r-$v.xml" "count($G[.='$v'])")
	# results generator, the copied definitions, the system
	# characteristics generator
	if [ "$got" = 3 ]; then
		ok "$v: schema_version $v in the results (3 generators)"
	else
		not_ok "$v: schema_version $v $got times, want 3:" \
		    "$(x "$tmp/r-$v.xml" "$G")"
	fi
	check "$v: oscap oval validate --results (with schematron)" \
	    validate "$tmp/r-$v.xml"
done

# ---- general directives: true full, false thin, unknown not reported
sed '/<class_directives/,/<\/class_directives>/d' "$D/directives.xml" \
    >"$tmp/general.xml"
directed "general directives" "$tmp/general.xml" "$tmp/g.xml" \
    "1:full 2:thin 3:full 4:full 6:thin "
got=$(tests "$tmp/g.xml")
if [ "$got" = "1 " ]; then ok "general directives: only tst:1 (full defs)"
else not_ok "general directives: tests '$got', want '1 '"; fi
check "general directives: oscap validate (with schematron)" \
    validate "$tmp/g.xml"

# ---- class directives: inventory true thin, inventory false not
# reported.  The 5.11.3 schematron compares class_directives/@class
# with itself and so rejects oscap's own output here: XML Schema only.
directed "class directives" "$D/directives.xml" "$tmp/c.xml" \
    "1:full 2:thin 3:full 4:thin "
got=$(x "$tmp/c.xml" 'string(//*[local-name()="class_directives"]/@class)')
check "class directives copied into the results" test "$got" = inventory
check "class directives: oscap validate (XML Schema)" \
    validate "$tmp/c.xml" --skip-schematron

# ---- a class given twice, an unknown class: refused, naming the file
sed 's|<class_directives class="inventory">|<class_directives class="bogus">|' \
    "$D/directives.xml" >"$tmp/bad.xml"
"$PLUMB" oval eval --directives "$tmp/bad.xml" --results "$tmp/b.xml" \
    "$D/defs.xml" >/dev/null 2>"$tmp/bad.err"
rc=$?
if [ "$rc" -ne 0 ] && grep -q "bad.xml:.*class_directives" "$tmp/bad.err"
then ok "unknown class refused: $(head -n 1 "$tmp/bad.err")"
else not_ok "unknown class: exit $rc, $(head -n 1 "$tmp/bad.err")"; fi

[ "$passed" -ge 14 ] || not_ok "only $passed assertions passed, want 14"
finish
