#!/bin/sh
# API roles over real HTTPS (docs/api.md, "Roles"): bearer tokens made
# with "token add --role", admin-CA certificates whose OU names the
# role.  An auditor reads the whole fleet and changes nothing; an
# approver reads, requests and approves waivers but never their own;
# an admin changes everything but approves nothing; a certificate whose
# OU names no role gets nothing; an agent only its own host.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

admin_cert admin "/O=plumb tests/CN=alice" &&
admin_cert auditor-cert "/O=plumb tests/OU=auditor/CN=dave" &&
admin_cert typo-cert "/O=plumb tests/OU=auditors/CN=eve" || finish

start_collector "[api]
admin_ca = $pki/admin-ca.pem
[controls]
file = $top_srcdir/tests/collector/fixtures/controls-e2e.ini" || finish
api_port=$(sed -n 's/.*api listening on .* port \([0-9]*\)$/\1/p' \
    "$tmp/collector.err" | tail -n 1)
check "api listener started" test -n "$api_port"
A=https://localhost:$api_port/api/v1
H=agent01.plant.test
scan agent "$H" "$url"
check "one scan stored" test -n "$uuid"

tok() {
	"$COLLECTOR" -c "$tmp/collector.conf" token add "$@" 2>/dev/null
}
adm=$(tok alice)
aud=$(tok --role auditor carol)
app=$(tok bob --role approver)
app2=$(tok --role approver frank)
check "tokens for each role" test -n "$adm" -a -n "$aud" -a -n "$app" \
    -a -n "$app2"
tok --role root mallory >/dev/null
check "an unknown role is refused (exit 1)" test $? -eq 1
check "token list shows each token's role" sh -c "'$COLLECTOR' -c \
    '$tmp/collector.conf' token list | grep -q '^carol	auditor	'"

# call METHOD PATH BODY [curl options]: $code, body in $tmp/out.
call() {
	cm=$1 cp=$2 cb=$3
	shift 3
	if [ -n "$cb" ]; then
		set -- "$@" -H 'Content-Type: application/json' --data "$cb"
	fi
	code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --max-time 20 \
	    --cacert "$pki/ca.pem" -X "$cm" "$@" "$A/$cp" 2>"$tmp/curl.err")
}
# as TOKEN METHOD PATH [BODY]; as_cert NAME METHOD PATH [BODY]
as() { call "$2" "$3" "${4:-}" -H "Authorization: Bearer $1"; }
as_cert() {
	call "$2" "$3" "${4:-}" --cert "$pki/$1.pem" --key "$pki/$1.key"
}
jqo() { jq -r "$1" "$tmp/out"; }
exp=$(($(date +%s) + 3600))
waiver="{\"rule_id\":\"xccdf_org.plumb_rule_fail\",\"host\":\"$H\",
\"justification\":\"ticket 7\",\"expires\":$exp}"

# ---- the auditor: every read, no change
for p in hosts "hosts/$H" "hosts/$H/scans" "scans/$uuid" controls drift \
    waivers export/results.csv "hosts/$H/drift"; do
	as "$aud" GET "$p"
	check "auditor token: GET $p 200" test "$code" = 200
done
code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "Authorization: Bearer $aud" "https://localhost:$api_port/metrics")
check "auditor token: /metrics 200" test "$code" = 200
as "$aud" POST waivers "$waiver"
check "auditor token: POST waivers 403" test "$code" = 403
as "$aud" POST "hosts/$H/baseline" "{\"scan\":\"$uuid\"}"
check "auditor token: POST baseline 403" test "$code" = 403
as "$aud" POST enroll/tokens "{\"host\":\"x.plant.test\"}"
check "auditor token: POST enroll/tokens 403" test "$code" = 403
as_cert auditor-cert GET hosts
check "OU=auditor certificate: GET hosts 200" test "$code" = 200 -a \
    "$(jqo '.hosts | length')" = 1
as_cert auditor-cert POST waivers "$waiver"
check "OU=auditor certificate: POST waivers 403" test "$code" = 403
as_cert typo-cert GET hosts
check "OU naming no role: 403" test "$code" = 403
as_cert auditor-cert GET whoami
check "whoami of the OU=auditor certificate" test "$code" = 200 -a \
    "$(jqo '[.principal, .role] | join("|")')" = \
    "cert:CN=dave,OU=auditor,O=plumb tests|auditor"
as "$app" GET whoami
check "whoami of the approver token" test "$(jqo '[.principal, .role] |
    join("|")')" = "token:bob|approver"
as_cert agent GET whoami
check "whoami of an agent: its host" test "$(jqo '[.role, .host] |
    join("|")')" = "agent|$H"

# ---- requests and approvals
as_cert admin POST waivers "$waiver"
check "admin certificate (no OU): requests a waiver, 201" \
    test "$code" = 201 -a "$(jqo .status)" = requested -a \
    "$(jqo .created_by)" = "cert:CN=alice,O=plumb tests"
w1=$(jqo .id)
as_cert admin POST "waivers/$w1/approve"
check "admin certificate: approving 403" test "$code" = 403
as "$adm" POST "waivers/$w1/approve"
check "admin token: approving 403" test "$code" = 403
as "$app" POST waivers "$waiver"
check "approver token: requests a waiver, 201" test "$code" = 201
w2=$(jqo .id)
as "$app" POST "waivers/$w2/approve"
check "approver: approving their own request 403" test "$code" = 403
as "$app2" POST "waivers/$w2/approve"
check "another approver approves it: 200" test "$code" = 200 -a \
    "$(jqo .approved_by)" = token:frank -a "$(jqo .active)" = true
as "$app" POST "waivers/$w1/approve"
check "approver approves the admin's request: 200" test "$code" = 200
as "$app2" POST "waivers/$w1/approve"
check "approving twice: 409" test "$code" = 409
as "$aud" GET "waivers?status=approved"
check "auditor sees both approved" test "$code" = 200 -a \
    "$(jqo '.waivers | length')" = 2
as "$app" DELETE "waivers/$w1"
check "approver revokes a waiver: 200" test "$code" = 200 -a \
    "$(jqo .status)" = revoked

# ---- the agent: its own host, nothing else
as_cert agent GET "hosts/$H"
check "agent certificate: its host 200" test "$code" = 200
as_cert agent GET waivers
check "agent certificate: waivers 403" test "$code" = 403
as_cert agent POST "waivers/$w2/approve"
check "agent certificate: approving 403" test "$code" = 403

stop_collector
# Every check above ran: fewer means the script stopped early.
[ $((passed + failed)) -ge 37 ] || not_ok "ran $((passed + failed)) checks, expected 37"
finish
