#!/bin/sh
# The controls cache (docs/collector.md, "The controls cache") on
# SQLite: one host of tests/collector/fixtures/controls-e2e.ini, whose
# control A.8.9 passes on root1 and fails once /etc/app.conf says
# mode=lax (tests/fixtures/xccdf/README).  Three bundles are made while
# no collector listens: X (root1, pass), then Y (lax, fail), a second
# later each; then S (lax, fail) is scanned and delivered:
#  - S changes GET controls' answer at once, applied without a rebuild;
#  - X, backdated (older than S), is put in its place in the history by
#    a rebuild (polled for, 20 s at most);
#  - a waiver on rule_pass waives A.8.9 at once and adds a point;
#  - restarted with rebuild_min_interval_s = 3600 and history_points =
#    2: the start-up build answers the last two points; Y, backdated,
#    counts but waits for a rebuild ("rebuilding": true, no point of
#    Y's time) that does not come within 5 s; revoking the waiver fails
#    A.8.9 again at once.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

H=agent01.plant.test
ini=$top_srcdir/tests/collector/fixtures/controls-e2e.ini
jqo() { jq -r "$1" "$tmp/out"; }
# hist: A.8.9's history as "TIME:STATUS ..." in $hs, its rebuilding
# flag in $rb.
hist() {
	api_get controls/iso27001-2022/A.8.9/history
	rb=$(jqo .rebuilding)
	hs=$(jqo '[.points[] | "\(.time):\(.status)"] | join(" ")')
}
# a89: A.8.9 of GET controls as "STATUS PASS FAIL WAIVED REBUILDING".
a89() {
	api_get controls
	jqo '(.controls[] | select(.id == "A.8.9") | [.status, .pass_hosts,
	    .fail_hosts, .waived_hosts] | map(tostring) | join(" ")) + " " +
	    (.rebuilding | tostring)'
}
# created UUID: the bundle's created time.
created() { rows "SELECT created FROM bundles WHERE uuid = '$1'"; }

cp -R "$FIXTURE/root1" "$tmp/root"
PLUMB_SCAN_ROOT=$tmp/root
export PLUMB_SCAN_ROOT
spare agent "$H"
bx=$bundle ux=$uuid
sleep 1
sed 's/^mode=strict$/mode=lax/' "$FIXTURE/root1/etc/app.conf" \
    >"$tmp/root/etc/app.conf"
spare agent "$H"
by=$bundle uy=$uuid
sleep 1
check "bundles X and Y made" test -s "$bx" -a -s "$by"

start_collector "[controls]
file = $ini
rebuild_min_interval_s = 0
[waivers]
require_approval = 0" || finish
check "api listener" api_client cache
check "before any scan: A.8.9 counts no host" test "$(a89)" = \
    "unknown 0 0 0 false"

# ---- S: applied incrementally
scan agent "$H" "$url"
us=$uuid
ts=$(created "$us")
check "S delivered" test -n "$us" -a -n "$ts"
check "S counts at once, without a rebuild" test "$(a89)" = \
    "fail 0 1 0 false"
hist
check "history: S's point" test "$hs" = "$ts:fail"

# ---- X, backdated: a rebuild puts it in the history
post "$bx" "$ux"
check "X stored" test "$code" = 201
tx=$(created "$ux")
check "X is older than S" test "${tx:-0}" -lt "$ts"
check "X asks for a rebuild" test "$(a89)" = "fail 0 1 0 true"
i=0
while hist; [ "$hs" != "$tx:pass $ts:fail" ] || [ "$rb" != false ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.2
done
check "after the rebuild: X's point before S's" test "$hs" = \
    "$tx:pass $ts:fail"
check "... and no longer rebuilding" test "$rb" = false

# ---- a waiver: applied in order, no rebuild
while [ "$(date +%s)" -le "$ts" ]; do sleep 0.2; done
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "$B" -H 'Content-Type: application/json' --data "{\"rule_id\":
    \"xccdf_org.plumb_rule_pass\",\"host\":\"$H\",\"justification\":
    \"change 7\",\"approver\":\"ciso\",\"expires\":$(($(date +%s) + 3600))}" \
    "$A/waivers")
check "waiver created" test "$code" = 201
wid=$(jqo .id)
tw=$(jqo .created)
check "the waiver waives A.8.9 at once" test "$(a89)" = \
    "waived 0 0 1 false"
hist
check "history: the waiver's point" test "$hs" = \
    "$tx:pass $ts:fail $tw:waived"

# ---- rebuild interval and history bound
stop_collector
nb=$(grep -c 'controls cache built' "$tmp/collector.err")
start_collector "[controls]
file = $ini
rebuild_min_interval_s = 3600
history_points = 2
[waivers]
require_approval = 0" || finish
check "api listener again" api_client cache2
hist
check "restarted: the newest two points" test "$hs" = \
    "$ts:fail $tw:waived"
post "$by" "$uy"
check "Y stored" test "$code" = 201
ty=$(created "$uy")
check "Y between X and S" test "$tx" -lt "${ty:-0}" -a "${ty:-0}" -lt "$ts"
sleep 5
check "Y: waiting for a rebuild, same counts" test "$(a89)" = \
    "waived 0 0 1 true"
hist
check "Y: no point of its time before the rebuild" test "$hs" = \
    "$ts:fail $tw:waived"
check "one build in 5 s (rebuild_min_interval_s = 3600)" test "$(grep -c \
    'controls cache built' "$tmp/collector.err")" = $((nb + 1))
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "$B" -X DELETE "$A/waivers/$wid")
check "waiver revoked" test "$code" = 200
check "revoked: A.8.9 fails at once" test "$(a89)" = "fail 0 1 0 true"
finish
