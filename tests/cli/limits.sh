#!/bin/sh
# agent.conf [limits] caps on content (plumb.conf(5)), read by
# xccdf eval and oval eval with --config FILE: each lowered cap is
# enforced with an error naming the file and the [limits] key, and a
# value out of range is refused naming the configuration line.  The
# defaults pass the same inputs (each run once without the cap).
# Expected results worked out by hand: criteria.xml has more than 100
# elements and 4096 bytes; the chain of data streams below loads two
# external files, two deep; objects 42 ("$.map['k1','K2']") and 38 (".list[0, 2]")
# of the yamlfilecontent fixture have a union of two.
# Environment: PLUMB (the built binary), top_srcdir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
. "$top_srcdir/tests/cli/lib.sh"

F="$top_srcdir/tests/fixtures"
O="$F/oval/criteria.xml"

# conf NAME LINES...: a configuration file $tmp/NAME.conf.
conf() {
	n=$1
	shift
	printf '%s\n' "[limits]" "$@" >"$tmp/$n.conf"
}

# refused NAME KEY COMMAND...: COMMAND exits 1 and its error names the
# file it read and [limits] KEY.
refused() {
	n=$1 k=$2
	shift 2
	"$@" >"$tmp/$n.out" 2>"$tmp/$n.err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q "$k" "$tmp/$n.err"; then
		ok "$n: refused: $(head -n 1 "$tmp/$n.err")"
	else
		not_ok "$n: exit $rc, want 1 and '$k': $(head -n 2 "$tmp/$n.err")"
	fi
}

# ---- content size and elements (oval eval; xccdf eval shares the loader)
check "criteria.xml evaluates under the default limits" \
    quiet "$PLUMB" oval eval "$O"
conf elements "max_content_elements = 100"
refused elements "criteria.xml.*more than 100 elements (\[limits\] max_content_elements)" \
    "$PLUMB" oval eval --config "$tmp/elements.conf" "$O"
conf bytes "max_content_bytes = 4096"
refused bytes "criteria.xml: larger than 4096 bytes (\[limits\] max_content_bytes)" \
    "$PLUMB" oval eval --config "$tmp/bytes.conf" "$O"
refused xccdf-bytes "fixture-ds.xml: larger than 4096 bytes" \
    "$PLUMB" xccdf eval --config "$tmp/bytes.conf" "$F/xccdf/fixture-ds.xml"

# ---- external component files: a chain chain.xml -> a.xml (the
# benchmark) -> b.xml (the OVAL checks, a.xml's component-ref made
# external): two files, two deep
mkdir "$tmp/ds"
cp "$F/xccdf/fixture-ds.xml" "$tmp/ds/b.xml"
sed 's|xlink:href="#scap_org.plumb_comp_fixture-oval.xml"|xlink:href="file:b.xml#scap_org.plumb_comp_fixture-oval.xml"|' \
    "$F/xccdf/fixture-ds.xml" >"$tmp/ds/a.xml"
sed 's|file:fixture-ds.xml#|file:a.xml#|' "$F/xccdf/ext-ds.xml" \
    >"$tmp/ds/chain.xml"
"$PLUMB" xccdf eval --progress --root "$F/xccdf/root1" "$tmp/ds/chain.xml" \
    >"$tmp/chain.out" 2>"$tmp/chain.err"
# The checks are reached: rule_pass passes as in all.expected.
check "a chain of two external files evaluates under the default limits" \
    grep -q '^xccdf_org.plumb_rule_pass:pass$' "$tmp/chain.out"
conf files "max_content_files = 1"
refused files "a.xml:[0-9]*: more than 1 files of external components ('b.xml'; \[limits\] max_content_files)" \
    "$PLUMB" xccdf eval --progress --config "$tmp/files.conf" \
    --root "$F/xccdf/root1" "$tmp/ds/chain.xml"
conf depth "max_content_depth = 1"
refused depth "a.xml:[0-9]*: external component references nested deeper than 1 files ('b.xml'; \[limits\] max_content_depth)" \
    "$PLUMB" xccdf eval --progress --config "$tmp/depth.conf" \
    --root "$F/xccdf/root1" "$tmp/ds/chain.xml"

# ---- YAML path unions: the object is an error naming the cap
Y="$F/linux/yamlfilecontent"
X='//*[local-name()="collected_objects"]/*'
conf union "max_yaml_union = 1"
for c in default union; do
	set --
	[ "$c" = union ] && set -- --config "$tmp/union.conf"
	check "yamlfilecontent ($c): oval eval" quiet "$PLUMB" oval eval \
	    "$@" --root "$Y/root" --results "$tmp/y-$c.xml" "$Y/yamlfilecontent.xml"
done
for o in 42 38; do
	id="oval:plumb.yamlfilecontent:obj:$o"
	d=$(x "$tmp/y-default.xml" "string($X[@id='$id']/@flag)")
	u=$(x "$tmp/y-union.xml" "string($X[@id='$id']/@flag)")
	m=$(x "$tmp/y-union.xml" "string($X[@id='$id']/*[local-name()='message'])")
	case "$d/$u/$m" in
	complete/error/*"more than 1 "*"[limits] max_yaml_union"*)
		ok "obj:$o: complete by default, error past the cap: $m" ;;
	*)	not_ok "obj:$o: flags $d/$u, message '$m'" ;;
	esac
done

# ---- out of range: refused naming the file, the line and the key
conf range "max_content_files = 0"
refused range "range.conf:2: \[limits\] max_content_files: 0 is out of range 1..256" \
    "$PLUMB" oval eval --config "$tmp/range.conf" "$O"
refused missing "nosuch.conf" \
    "$PLUMB" oval eval --config "$tmp/nosuch.conf" "$O"

[ "$passed" -ge 13 ] || not_ok "only $passed assertions passed, want 13"
finish
