#!/bin/sh
# Drift, controls, waivers and the exports over real HTTPS: one agent
# scans a copy of the fixture root, /etc/app.conf changes, it scans
# again; the API must show the regression with the second scan's time,
# the control it breaks (tests/collector/fixtures/controls-e2e.ini), its
# history, a waiver's effect, an evidence archive whose bundles verify
# with sha256sum and openssl cms against the agent CA, and an OSCAL
# document.  Expected values follow from tests/fixtures/xccdf/README
# (root1: rule_pass pass, rule_fail fail, rule_multi pass + fail).
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

start_collector "[controls]
file = $top_srcdir/tests/collector/fixtures/controls-e2e.ini" || finish
api_port=$(sed -n 's/.*api listening on .* port \([0-9]*\)$/\1/p' \
    "$tmp/collector.err" | tail -n 1)
check "api listener started" test -n "$api_port"
A=https://localhost:$api_port/api/v1
tok=$("$COLLECTOR" -c "$tmp/collector.conf" token add drift 2>/dev/null)
B="Authorization: Bearer $tok"
H=agent01.plant.test

# get PATH [curl options]: $code, body in $tmp/out.
get() {
	gp=$1
	shift
	code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --max-time 20 \
	    --cacert "$pki/ca.pem" "$@" "$A/$gp" 2>"$tmp/curl.err")
}
admin() { get "$@" -H "$B"; }
# jqo EXPR: EXPR over the last answer, raw.
jqo() { jq -r "$1" "$tmp/out"; }

# ---- first scan: root1 as it is
cp -R "$FIXTURE/root1" "$tmp/root"
PLUMB_SCAN_ROOT=$tmp/root
export PLUMB_SCAN_ROOT
scan agent "$H" "$url"
u1=$uuid
t1=$(rows "SELECT created FROM bundles WHERE uuid = '$u1'")
check "first scan stored" test -n "$u1" -a -n "$t1"

admin controls
check "controls: 200" test "$code" = 200
check "A.8.9 passes on the one host" test "$(jqo '.controls[] |
    select(.id == "A.8.9") | [.status, .pass_hosts, .fail_hosts] |
    join(" ")')" = "pass 1 0"
check "A.8.5 fails since the first scan" test "$(jqo '.controls[] |
    select(.id == "A.8.5") | [.status, .fail_hosts, .failing_since] |
    join(" ")')" = "fail 1 $t1"
check "A.8.15: the multi-check rule's failing check fails it" \
    test "$(jqo '.controls[] | select(.id == "A.8.15") | .status')" = fail

# ---- the configuration changes; second scan a second later
sleep 1
sed 's/^mode=strict$/mode=lax/' "$FIXTURE/root1/etc/app.conf" \
    >"$tmp/root/etc/app.conf"
check "fixture changed" grep -q '^mode=lax$' "$tmp/root/etc/app.conf"
scan agent "$H" "$url"
u2=$uuid
t2=$(rows "SELECT created FROM bundles WHERE uuid = '$u2'")
check "second scan stored, later" test -n "$u2" -a "${t2:-0}" -gt "$t1"

admin "hosts/$H/drift"
check "drift: 200" test "$code" = 200
check "rule_pass regressed pass -> fail in the second scan, at its time" \
    test "$(jqo '.changes[] | select(.rule_id ==
    "xccdf_org.plumb_rule_pass") | [.kind, .from, .to, .scan, .time,
    .first_seen] | join(" ")')" = "regression pass fail $u2 $t2 $t2"
check "rule_fail did not change" test -z "$(jqo '.changes[] |
    select(.rule_id == "xccdf_org.plumb_rule_fail") | .kind')"
admin "hosts/$H/drift?since=$((t2 + 1))"
check "nothing since after the second scan" test "$(jqo '.changes |
    length')" = 0

admin controls/iso27001-2022/A.8.9
check "A.8.9 now fails on the host since the second scan" test "$(jqo \
    '[.status, .failing_since, .hosts[0].host, .hosts[0].since,
    .hosts[0].failing_rules[0]] | join(" ")')" = \
    "fail $t2 $H $t2 xccdf_org.plumb_rule_pass"
admin controls/iso27001-2022/A.8.9/history
check "A.8.9 history: pass at the first scan, fail at the second" \
    test "$(jqo '[.points[] | "\(.time):\(.status)"] | join(" ")')" = \
    "$t1:pass $t2:fail"

# ---- baseline: the first scan accepted; the second compared with it
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "$B" -H 'Content-Type: application/json' \
    --data "{\"scan\":\"$u1\"}" "$A/hosts/$H/baseline")
check "baseline accepted" test "$code" = 200 -a "$(jqo .scan)" = "$u1"
get "hosts/$H/baseline" --cert "$pki/agent.pem" --key "$pki/agent.key"
check "agent reads its baseline drift: rule_pass regressed" \
    test "$code" = 200 -a "$(jqo '.changes[] | select(.rule_id ==
    "xccdf_org.plumb_rule_pass") | .kind')" = regression
get controls --cert "$pki/agent.pem" --key "$pki/agent.key"
check "agent may not read the fleet's controls" test "$code" = 403

# ---- a waiver for rule_pass on the host, created after the second
# scan (times are in seconds: a waiver of the scan's own second would
# cover it, and the evidence summary below expects it not to)
while [ "$(date +%s)" -le "$t2" ]; do sleep 0.2; done
exp=$(($(date +%s) + 3600))
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "$B" -H 'Content-Type: application/json' --data "{\"rule_id\":
    \"xccdf_org.plumb_rule_pass\",\"host\":\"$H\",\"justification\":
    \"change ticket 42\",\"approver\":\"ciso\",\"expires\":$exp}" \
    "$A/waivers")
check "waiver created: 201, requested" test "$code" = 201 -a \
    "$(jqo .status)" = requested
wid=$(jqo .id)
admin controls
check "A.8.9 still failing: the waiver waits for an approver" test \
    "$(jqo '.controls[] | select(.id == "A.8.9") | .status')" = fail
# The approval step (governance): another identity, the approver role.
atok=$("$COLLECTOR" -c "$tmp/collector.conf" token add --role approver \
    ciso 2>/dev/null)
approve() {
	code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert \
	    "$pki/ca.pem" -X POST "$@" "$A/waivers/$wid/approve")
}
approve -H "$B"
check "the requesting admin cannot approve: 403" test "$code" = 403
approve -H "Authorization: Bearer $atok"
check "the approver approves: 200, approved by token:ciso" \
    test "$code" = 200 -a "$(jqo .approved_by)" = token:ciso
admin controls
check "A.8.9 waived now" test "$(jqo '.controls[] | select(.id ==
    "A.8.9") | [.status, .fail_hosts, .waived_hosts] | join(" ")')" = \
    "waived 0 1"
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "$B" -X DELETE "$A/waivers/$wid")
check "waiver revoked" test "$code" = 200 -a "$(jqo .active)" = false
admin "waivers?active=1"
check "no active waiver left" test "$(jqo '.waivers | length')" = 0

# ---- evidence archive for A.8.9, verified offline
admin "export/evidence?framework=iso27001-2022&control=A.8.9&since=$t1"
check "evidence export: 200" test "$code" = 200
mkdir "$tmp/ev"
tar -xf "$tmp/out" -C "$tmp/ev" 2>/dev/null
check "archive lists both scans" test "$(jq -r '[.scans[].uuid] |
    join(" ")' "$tmp/ev/summary.json")" = "$u1 $u2"
check "summary: pass then fail" test "$(jq -r '[.scans[].status] |
    join(" ")' "$tmp/ev/summary.json")" = "pass fail"
check "sha256sum -c SHA256SUMS" sh -c "cd '$tmp/ev' &&
    sha256sum -c --quiet SHA256SUMS"
nver=0
for f in "$tmp"/ev/bundles/*.p7m; do
	openssl cms -verify -inform DER -binary -in "$f" \
	    -CAfile "$pki/ca.pem" -out "$tmp/ev.tgz" \
	    2>/dev/null &&
	    tar -xzf "$tmp/ev.tgz" -O manifest.json >/dev/null 2>&1 &&
	    nver=$((nver + 1))
done
check "both bundles verify with openssl cms against the agent CA" \
    test "$nver" = 2

# ---- OSCAL
admin export/oscal
check "OSCAL: 200" test "$code" = 200
check "OSCAL: one finding per control on the host" test "$(jqo \
    '."assessment-results".results[0].findings | length')" = 3
check "OSCAL: A.8.9 not satisfied" test "$(jqo \
    '."assessment-results".results[0].findings[] | select(.target
    ."target-id" == "iso27001-2022_A.8.9") | .target.status.state')" = \
    not-satisfied

stop_collector
finish
