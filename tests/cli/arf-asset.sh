#!/bin/sh
# The ARF asset (ai:computing-device) and the TestResult's MAC facts
# list every interface's MAC address, loopback and interfaces without an
# IP address included, once each, in upper case and interface order, as
# oscap 1.3.7 xccdf eval --results-arf writes them (checked on the
# development host: lo 00:00:00:00:00:00, two address-less ifb
# interfaces, eth0).  The expected list is read from /sys/class/net on
# the machine running the test (ifindex order, 6-byte addresses), not
# written here; the IP connections are counted against the addresses
# getifaddrs lists (ip -o addr when iproute2 is installed).  Where oscap
# is installed its own asset block is compared too.
# Environment: PLUMB (the built binary), top_srcdir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
. "$top_srcdir/tests/cli/lib.sh"

DS="$top_srcdir/tests/fixtures/xccdf/fixture-ds.xml"
CD='//*[local-name()="computing-device"]'
CONN="$CD/*[local-name()=\"connections\"]/*"

# macs FILE: the mac-address connections of an ARF, one a line.
macs() {
	n=$(x "$1" "count($CONN/*[local-name()='mac-address'])")
	i=1
	while [ "$i" -le "$n" ]; do
		x "$1" "string(($CONN/*[local-name()='mac-address'])[$i])"
		echo
		i=$((i + 1))
	done
}

if [ ! -d /sys/class/net ]; then
	not_ok "/sys/class/net missing: this test needs Linux"
	finish
fi
"$PLUMB" xccdf eval --results-arf "$tmp/arf.xml" "$DS" >/dev/null \
    2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ]; then ok "xccdf eval --results-arf"
else not_ok "xccdf eval --results-arf: exit $rc: $(head -n 2 "$tmp/err")"; fi

# Expected: 6-byte link-layer addresses by ifindex, upper case, first
# occurrence of each.
for d in /sys/class/net/*; do
	[ "$(cat "$d/addr_len" 2>/dev/null)" = 6 ] || continue
	echo "$(cat "$d/ifindex") $(cat "$d/address")"
done | sort -n | awk '{ print toupper($2) }' | awk '!seen[$0]++' \
    >"$tmp/want"
macs "$tmp/arf.xml" | grep . >"$tmp/got"
if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then
	ok "asset MACs are every interface's: $(tr '\n' ' ' <"$tmp/want")"
else
	not_ok "asset MACs: got '$(tr '\n' ' ' <"$tmp/got")'," \
	    "want '$(tr '\n' ' ' <"$tmp/want")'"
fi
if grep -q '^00:00:00:00:00:00$' "$tmp/want"; then
	check "loopback's MAC listed" grep -q '^00:00:00:00:00:00$' "$tmp/got"
fi
# A MAC connection carries nothing else (ai:network-interface-type:
# every child optional).
n=$(x "$tmp/arf.xml" "count($CONN[*[local-name()='mac-address']][count(*) != 1])")
check "MAC connections hold the MAC only" test "$n" = 0

# The TestResult facts: the same list, ethernet:MAC and asset:mac.
f='//*[local-name()="fact" and @name="urn:xccdf:fact:asset:identifier:mac"]'
n=$(x "$tmp/arf.xml" "count($f)")
check "a urn:xccdf:fact:asset:identifier:mac fact per MAC" \
    test "$n" = "$(wc -l <"$tmp/want" | tr -d ' ')"

# IP connections: one per address, loopback included.
n=$(x "$tmp/arf.xml" "count($CONN[*[local-name()='ip-address']])")
if command -v ip >/dev/null 2>&1; then
	want=$(ip -o addr show | wc -l | tr -d ' ')
	check "an IP connection per address of ip -o addr ($want)" \
	    test "$n" = "$want"
else
	check "IP connections" test "$n" -ge 1
fi

if [ "$have_oscap" = yes ]; then
	(cd "$tmp" && oscap xccdf eval --results-arf "$tmp/oscap.xml" "$DS" \
	    >/dev/null 2>&1)
	macs "$tmp/oscap.xml" | grep . >"$tmp/oscap-macs"
	check "the MACs oscap lists" cmp -s "$tmp/oscap-macs" "$tmp/got"
fi

[ "$passed" -ge 5 ] || not_ok "only $passed assertions passed, want 5"
finish
