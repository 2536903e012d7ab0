#!/bin/sh
# The fleet views' API over real HTTPS (docs/api.md): waiver-aware host
# status (a host whose only failures are waived is "waived", not
# "fail"), GET hosts?q=&status=, GET rollups?by=site|zone and its cap,
# and the rule view GET scans/{uuid}/rules/{rule_id} with the rationale
# and fix text of tests/fixtures/xccdf/texts.xml (cut to [limits]
# max_rule_text_bytes), next to a scan whose content has no texts.
# agent01 (site "plumb tests") scans texts.xml: one failing rule;
# agent02 (site plant-north, zone zone-3, role historian, expected
# every second: stale) scans fixture-ds.xml: many failing rules.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

H1=agent01.plant.test
H2=agent02.plant.test
RT=xccdf_org.plumb.txt_rule_texts
start_collector "[limits]
max_rule_text_bytes = 120
[stale]
roles = historian=1
grace_factor = 1" || finish
api_client fleet
check "api listener started" test -n "$api_port"

scan agent "$H1" "$url" "$FIXTURE/texts.xml"
u1=$uuid
check "agent01: scan of texts.xml stored" test -n "$u1"
scan agent-b "$H2" "$url"
u2=$uuid
check "agent02: scan of fixture-ds.xml stored" test -n "$u2"
jqo() { jq -r "$1" "$tmp/out"; }
# as_agent02 PATH: GET PATH with agent02's certificate; $code, $tmp/out.
as_agent02() {
	code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
	    --cert "$pki/agent-b.pem" --key "$pki/agent-b.key" "$A/$1")
}
# names FILTER: the host ids of GET hosts?FILTER, space separated.
names() {
	api_get "hosts?$1"
	jq -r '[.hosts[].id] | join(" ")' "$tmp/out"
}

# ---- status before any waiver: both failing
api_get "hosts/$H1"
check "agent01: status fail, 1 failing rule, 0 waived" test \
    "$(jqo '[.status, .failing_rules, .waived_rules] | join("|")')" = \
    "fail|1|0"
check "GET hosts?status=fail: both" test "$(names status=fail)" = "$H1 $H2"

# ---- an approved waiver of agent01's one failing rule
tok() { "$COLLECTOR" -c "$tmp/collector.conf" token add "$@" 2>/dev/null; }
req=$(tok --role approver requester)
app=$(tok --role approver approver)
exp=$(($(date +%s) + 3600))
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "Authorization: Bearer $req" -H 'Content-Type: application/json' \
    --data "{\"rule_id\":\"${RT}_fail\",\"host\":\"$H1\",
\"justification\":\"ticket 17\",\"expires\":$exp}" "$A/waivers")
wid=$(jqo .id)
check "waiver requested (201)" test "$code" = 201 -a -n "$wid"
check "a requested waiver does not count yet" test \
    "$(names status=fail)" = "$H1 $H2"
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "Authorization: Bearer $app" -X POST "$A/waivers/$wid/approve")
check "waiver approved by another identity (200)" test "$code" = 200

api_get "hosts/$H1"
check "agent01: status waived, 0 failing, 1 waived" test \
    "$(jqo '[.status, .failing_rules, .waived_rules] | join("|")')" = \
    "waived|0|1"
check "agent01: fail counts unchanged (1)" test "$(jqo .counts.fail)" = 1
check "GET hosts?status=fail: agent02 only" test "$(names status=fail)" = "$H2"
check "GET hosts?status=waived: agent01 only" \
    test "$(names status=waived)" = "$H1"
check "GET hosts?status=pass: none" test -z "$(names status=pass)"
api_get "hosts?status=failing"
check "GET hosts?status=failing: 400" test "$code" = 400

# ---- search
check "q=AGENT02 (any case): agent02" test "$(names q=AGENT02)" = "$H2"
check "q=zone-3 (its zone): agent02" test "$(names q=zone-3)" = "$H2"
check "q=plumb+tests (a site with a space): agent01" \
    test "$(names 'q=plumb+tests')" = "$H1"
check "q=plant.test: both" test "$(names q=plant.test)" = "$H1 $H2"
check "q=nothing-matches: none" test -z "$(names q=nothing-matches)"
check "q= and status= together" test "$(names 'q=agent&status=waived')" = "$H1"

# ---- staleness: agent02 (role historian) is expected every second
sleep 2
check "status=stale: agent02" test "$(names status=stale)" = "$H2"

# ---- roll-ups
api_get "rollups?by=site"
check "rollups by site: 200, 2 groups" test "$code" = 200 -a \
    "$(jqo '.groups | length')" = 2
check "site plant-north: 1 host, failing, stale" test "$(jqo '.groups[] |
    select(.name == "plant-north") | [.hosts, .fail_hosts, .waived_hosts,
    .pass_hosts, .stale_hosts] | join("|")')" = "1|1|0|0|1"
check "site plumb tests: 1 host, waived only" test "$(jqo '.groups[] |
    select(.name == "plumb tests") | [.hosts, .fail_hosts, .waived_hosts,
    .stale_hosts] | join("|")')" = "1|0|1|0"
check "total: 2 hosts, 1 failing, 1 waived, 1 stale" test "$(jqo '.total |
    [.hosts, .fail_hosts, .waived_hosts, .pass_hosts, .unknown_hosts,
    .stale_hosts] | join("|")')" = "2|1|1|0|0|1"
api_get "rollups?by=zone"
check "rollups by zone: \"\" and zone-3" test \
    "$(jqo '[.groups[].name] | join(",")')" = ",zone-3"
api_get "rollups?by=role"
check "rollups by=role: 400" test "$code" = 400
api_get "rollups"
check "rollups without by: 400" test "$code" = 400
as_agent02 "rollups?by=site"
check "an agent's roll-up counts its own host only" test "$code" = 200 -a \
    "$(jqo '[.total.hosts, (.groups | length)] | join("|")')" = "1|1"

# ---- the rule view
api_get "scans/$u1/rules/${RT}_fail"
check "rule view: 200, fail, waived" test "$code" = 200 -a \
    "$(jqo '[.result, .waived, .host, .severity] | join("|")')" = \
    "fail|true|$H1|high"
check "rule view: the rationale as text" test "$(jqo .rationale)" = \
    "Without /etc/missing.conf the service starts with defaults. Text like <img src=x onerror=alert(1)> is text."
check "rule view: the fix text, line breaks kept" test "$(jqo .fixtext)" = \
    "Create the file:
    install -m 0644 /dev/null /etc/missing.conf
then restart the service."
check "rule view: one check" test "$(jqo '.checks | length')" = 1
api_get "scans/$u1/rules/${RT}_long"
n=$(jq -j .fixtext "$tmp/out" | wc -c)
check "rule view: a long fix text cut to max_rule_text_bytes (120; got $n)" \
    test "$n" -le 120 -a "$n" -ge 117
check "... at a character boundary (valid UTF-8)" sh -c \
    "jq -j .fixtext '$tmp/out' | iconv -f UTF-8 -t UTF-8 >/dev/null"
api_get "scans/$u1/rules/${RT}_none"
check "rule view: a rule without texts: nulls" test \
    "$(jqo '[.rationale, .fixtext] | map(tostring) | join("|")')" = \
    "null|null"
api_get "scans/$u2/rules/xccdf_org.plumb_rule_fail"
check "rule view of content without texts: 200, nulls, not waived" \
    test "$code" = 200 -a "$(jqo '[.rationale, .fixtext, .waived] |
    map(tostring) | join("|")')" = "null|null|false"
check "texts stored once, for the host that sent them" test \
    "$(rows "SELECT count(*) FROM rule_texts")|$(rows "SELECT host FROM
    host_texts")" = "3|$H1"
api_get "scans/$u1/rules/xccdf_org.plumb_rule_nope"
check "rule view: a rule not in the scan: 404" test "$code" = 404
api_get "scans/00000000-0000-4000-8000-000000000000/rules/${RT}_fail"
check "rule view: unknown scan: 404" test "$code" = 404
as_agent02 "scans/$u1/rules/${RT}_fail"
check "another host's agent: 404" test "$code" = 404

stop_collector
# Every check above ran: fewer means the script stopped early.
[ $((passed + failed)) -ge 41 ] ||
    not_ok "ran $((passed + failed)) checks, expected 41"
finish
