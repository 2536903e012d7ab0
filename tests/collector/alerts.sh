#!/bin/sh
# Stale hosts, notifications and the /metrics gauges (collector/alerts.h)
# over real HTTPS, against a loopback receiver (alerts-recv.py: a webhook
# that answers 503 once, then 200, and a unix socket standing in for
# /dev/log).
#  - agent02 (OU historian, [stale] roles historian=2, grace 1.5: stale
#    once its newest upload is more than 3 s old) scans once, goes
#    stale, scans again and is fresh;
#  - agent01 (no role: interval_s 3600) scans root1, then with
#    /etc/app.conf changed: rule_pass regresses pass -> fail (as
#    tests/collector/drift.sh shows), and so do the other rules whose
#    checks read that file; how many is counted with SQL on the two
#    scans' stored results (a rule failing or erring in the second scan,
#    present in the first without failing or erring there: drift.h);
#  - a waiver expiring in 2 days (reminder window 14 days).
# Gauges worked out by hand from tests/collector/fixtures/controls-e2e.ini
# and tests/fixtures/xccdf/README (root1: rule_pass pass, rule_fail fail,
# rule_multi pass + fail):
#  both hosts on root1: A.8.9 pass, A.8.5 fail, A.8.15 fail -> 1/2/0/0
#  (pass/fail/waived/unknown); agent01 after the change: A.8.9 fails
#  there -> 0/3/0/0; rule_pass waived on agent01: A.8.9 is waived there
#  and passes on agent02, fleet waived -> 0/2/1/0.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

recv_pid=
alerts_cleanup() {
	[ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null
	cleanup
}
trap alerts_cleanup EXIT

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not installed"
	exit 77
fi
R=$tmp/recv
mkdir -p "$R"
python3 "$top_srcdir/tests/collector/alerts-recv.py" "$R" 1 &
recv_pid=$!
i=0
while [ ! -s "$R/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "webhook receiver started" test -s "$R/port"
hook=http://127.0.0.1:$(cat "$R/port" 2>/dev/null)/hook
secret=s3cret-$$
printf '%s\n' "$secret" >"$tmp/secret"

conf="[controls]
file = $top_srcdir/tests/collector/fixtures/controls-e2e.ini
[stale]
interval_s = 3600
grace_factor = 1.5
roles = historian=2
[alerts]
check_interval_s = 1
waiver_reminder_days = 14
webhook_url = $hook
webhook_secret_file = $tmp/secret
webhook_timeout_s = 5
webhook_retries = 3
webhook_backoff_s = 1
webhook_backoff_max_s = 2
syslog_facility = local3
syslog_socket = $R/log.sock
[waivers]
# The waiver below applies when made (no approval step: roles.sh and
# drift.sh test that).
require_approval = 0"
if ! start_collector "$conf"; then
	not_ok "plumb-collector started"
	finish
fi
# The api listener of the collector started last.
api_urls() {
	api_port=$(sed -n 's/.*api listening on .* port \([0-9]*\)$/\1/p' \
	    "$tmp/collector.err" | tail -n 1)
	A=https://localhost:$api_port/api/v1
	M=https://localhost:$api_port/metrics
}
api_urls
tok=$("$COLLECTOR" -c "$tmp/collector.conf" token add alerts 2>/dev/null)
HA=agent01.plant.test
HB=agent02.plant.test

# get PATH: $code, body in $tmp/out (admin); "metrics": /metrics.
get() {
	gu=$A/$1
	[ "$1" = metrics ] && gu=$M
	code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --max-time 20 \
	    --cacert "$pki/ca.pem" -H "Authorization: Bearer $tok" \
	    "$gu" 2>"$tmp/curl.err")
}
jqo() { jq -r "$1" "$tmp/out"; }
# gauge NAME_AND_LABELS: its value in the last /metrics answer.
gauge() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/out"; }
# metrics_after T: /metrics once a check later than T has run.
metrics_after() {
	i=0
	while :; do
		get metrics
		[ "$(gauge plumb_alerts_last_check_seconds)" -gt "$1" ] \
		    2>/dev/null && return 0
		i=$((i + 1))
		[ $i -gt 50 ] && return 1
		sleep 0.2
	done
}
controls_gauges() {
	for s in pass fail waived unknown; do
		gauge "plumb_controls{framework=\"iso27001-2022\",status=\"$s\"}"
	done | paste -sd/ -
}
# delivered TYPE: notifications of TYPE answered 200.
delivered() {
	[ -s "$R/requests.jsonl" ] || { echo 0; return; }
	jq -r "select(.status == 200 and .kind == \"$1\") | .n" \
	    "$R/requests.jsonl" | wc -l
}
# wait_delivered TYPE N: until N of TYPE arrived (10 s at most).
wait_delivered() {
	i=0
	while [ "$(delivered "$1")" -lt "$2" ] && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

# ---- both hosts scan root1
cp -R "$FIXTURE/root1" "$tmp/root"
PLUMB_SCAN_ROOT=$tmp/root
export PLUMB_SCAN_ROOT
scan agent "$HA" "$url"
ua1=$uuid
scan agent-b "$HB" "$url"
ub1=$uuid
seen1=$(rows "SELECT last_seen FROM hosts WHERE id = '$HB'")
check "both first scans stored" test -n "$ub1" -a -n "$ua1"
t=$(date +%s)
get hosts
check "hosts: 200" test "$code" = 200
check "agent02 fresh, expected every 2 s (its role)" test "$(jqo ".hosts[] |
    select(.id == \"$HB\") | [.stale, .expected_interval_s] |
    join(\" \")")" = "false 2"
check "agent01 fresh, expected every 3600 s (the default)" \
    test "$(jqo ".hosts[] | select(.id == \"$HA\") | [.stale,
    .expected_interval_s, (.last_scan_age_s < 60)] | join(\" \")")" = \
    "false 3600 true"
metrics_after "$t"
check "gauges, both hosts on root1: 1 pass, 2 fail" \
    test "$(controls_gauges)" = "1/2/0/0"

# ---- agent01 regresses: rule_pass pass -> fail
sleep 1
sed 's/^mode=strict$/mode=lax/' "$FIXTURE/root1/etc/app.conf" \
    >"$tmp/root/etc/app.conf"
scan agent "$HA" "$url"
ua2=$uuid
check "second scan of agent01 stored" test -n "$ua2"
# worst SCAN: per rule of SCAN, 1 when a row fails or errs.
worst() {
	echo "SELECT r.rule_id, max(CASE WHEN r.result IN ('fail', 'error')
	    THEN 1 ELSE 0 END) AS bad FROM rule_results r JOIN bundles b ON
	    b.id = r.bundle_id WHERE b.uuid = '$1' GROUP BY r.rule_id"
}
nreg=$(rows "SELECT count(*) FROM ($(worst "$ua1")) o JOIN ($(worst "$ua2"))
    n ON n.rule_id = o.rule_id WHERE o.bad = 0 AND n.bad = 1")
check "regressions counted in the database (rule_pass among them)" \
    test "${nreg:-0}" -ge 1 -a "$(rows "SELECT count(*) FROM ($(worst \
    "$ua2")) n WHERE n.rule_id = 'xccdf_org.plumb_rule_pass' AND
    n.bad = 1")" = 1
t=$(date +%s)
metrics_after "$t"
check "gauges after the regression: 3 fail" \
    test "$(controls_gauges)" = "0/3/0/0"

# ---- a waiver of rule_pass on agent01, expiring in 2 days
exp=$(($(date +%s) + 2 * 86400))
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    --data "{\"rule_id\":\"xccdf_org.plumb_rule_pass\",\"host\":\"$HA\",
    \"justification\":\"ticket 7\",\"approver\":\"ciso\",\"expires\":$exp}" \
    "$A/waivers")
check "waiver created" test "$code" = 201
wid=$(jqo .id)
t=$(date +%s)
metrics_after "$t"
check "gauges with the waiver: A.8.9 waived" \
    test "$(controls_gauges)" = "0/2/1/0"
check "one waiver expiring within 14 days" \
    test "$(gauge plumb_waivers_expiring)" = 1

# ---- agent02 misses its schedule
i=0
while :; do
	get "hosts/$HB"
	[ "$(jqo .stale)" = true ] && break
	i=$((i + 1))
	[ $i -gt 40 ] && break
	sleep 0.25
done
check "agent02 stale after missing its interval" test "$(jqo '[.stale,
    .expected_interval_s, (.last_scan_age_s > 3)] | join(" ")')" = \
    "true 2 true"
get hosts
check "host list: agent02 stale, agent01 not" test "$(jqo '[.hosts[] |
    "\(.id)=\(.stale)"] | join(" ")')" = "$HA=false $HB=true"
t=$(date +%s)
metrics_after "$t"
check "plumb_hosts_stale 1" test "$(gauge plumb_hosts_stale)" = 1
wait_delivered host_stale 1

# ---- agent02 reports again (root1 as it was: no regression there)
PLUMB_SCAN_ROOT=$FIXTURE/root1 scan agent-b "$HB" "$url"
get "hosts/$HB"
check "agent02 fresh again after a new upload" \
    test "$(jqo '[.stale, (.last_scan_age_s <= 3)] | join(" ")')" = \
    "false true"
wait_delivered host_fresh 1

# ---- what the webhook received
wait_delivered regression "${nreg:-1}"
wait_delivered waiver_expiring 1
check "the first POST was answered 503, and retried" \
    test "$(jq -r 'select(.n == 1) | .status' "$R/requests.jsonl")" = 503
check "one notification per regression ($nreg)" \
    test "$(delivered regression)" = "$nreg"
b=$(jq -r 'select(.status == 200 and .kind == "regression") | .n' \
    "$R/requests.jsonl" | while read -r n; do
	[ "$(jq -r .rule_id "$R/body-$n")" = xccdf_org.plumb_rule_pass ] &&
	    echo "$n"
    done | head -n 1)
check "regression: agent01, rule_pass pass -> fail in its second scan" \
    test "$(jq -r '[.host, .rule_id, .from, .to, .scan] | join(" ")' \
    "$R/body-${b:-0}" 2>/dev/null)" = \
    "$HA xccdf_org.plumb_rule_pass pass fail $ua2"
# agent02 may go stale again after its second upload: count per upload.
check "one host_stale notification for agent02's first upload" \
    test "$(jq -r "select(.status == 200 and .kind == \"host_stale\" and
    .host == \"$HB\" and .last_seen == ${seen1:-0}) | .n" \
    "$R/requests.jsonl" | wc -l)" = 1
check "one host_stale notification per stale transition" test \
    "$(jq -r 'select(.status == 200 and .kind == "host_stale") |
    .last_seen' "$R/requests.jsonl" | sort | uniq -d | wc -l)" = 0
check "one host_fresh notification" test "$(delivered host_fresh)" = 1
check "one waiver reminder, for the waiver" test "$(delivered \
    waiver_expiring)" = 1
sig=$(jq -r "select(.n == ${b:-0}) | .sig" "$R/requests.jsonl")
hmac=$(openssl dgst -sha256 -hmac "$secret" -r "$R/body-${b:-0}" |
    cut -d' ' -f1)
check "X-Plumb-Signature is the HMAC-SHA256 of the body with the secret" \
    test -n "$hmac" -a "$sig" = "sha256=$hmac"
bad=$(openssl dgst -sha256 -hmac "wrong-$secret" -r "$R/body-${b:-0}" |
    cut -d' ' -f1)
check "it does not verify with another secret" test "$sig" != "sha256=$bad"
check "the id header is the body's id" test "$(jq -r "select(.n == ${b:-0})
    | .id" "$R/requests.jsonl")" = "$(jq -r .id "$R/body-${b:-0}")"
check "every notification delivered once (distinct ids)" test \
    "$(jq -r 'select(.status == 200) | .id' "$R/requests.jsonl" |
    sort | uniq -d | wc -l)" = 0

# ---- syslog (facility local3 = 19, warning = 4: <156>)
check "syslog got the regression at local3.warning" grep -q \
    "^<156>.* plumb-collector\[[0-9]*\]: notification .*\"type\":\"regression\"" \
    "$R/syslog"
check "syslog got host_fresh at local3.notice" grep -q \
    "^<157>.*\"type\":\"host_fresh\"" "$R/syslog"

# ---- restart: nothing sent again
ndel=$(rows "SELECT count(*) FROM notify_sent WHERE webhook = 'delivered'")
check "the database records the deliveries" test "${ndel:-0}" -ge 4
stop_collector
if ! start_collector "$conf"; then
	not_ok "plumb-collector restarted"
	finish
fi
api_urls
t=$(date +%s)
metrics_after "$((t + 1))"
check "after a restart: checks run" test "$code" = 200
check "after a restart: still $nreg regressions" \
    test "$(delivered regression)" = "$nreg"
check "after a restart: still one waiver reminder" \
    test "$(delivered waiver_expiring)" = 1
check "after a restart: no notification delivered twice" test \
    "$(jq -r 'select(.status == 200) | .id' "$R/requests.jsonl" |
    sort | uniq -d | wc -l)" = 0
stop_collector

# ---- bad [stale] / [alerts] values: refused, naming file and key
# refused EXTRA_LINES MESSAGE: --check-config fails saying MESSAGE.
refused() {
	sed '/^\[stale\]/,$d' "$tmp/collector.conf" >"$tmp/bad.conf"
	printf '%s\n' "$1" >>"$tmp/bad.conf"
	rn=$(printf '%s' "$1" | tr '\n' ' ')
	if "$COLLECTOR" -c "$tmp/bad.conf" --check-config >/dev/null \
	    2>"$tmp/bad.err"; then
		not_ok "refused: $rn"
	else
		check "refused: $rn" grep -qF "$tmp/bad.conf" "$tmp/bad.err" &&
		    check "message: $2" grep -qF "$2" "$tmp/bad.err"
	fi
}
refused "[stale]
roles = historian=0" "[stale] roles: bad entry at \"historian=0\""
refused "[stale]
grace_factor = 0.5" "[stale] grace_factor"
refused "[alerts]
syslog_facility = kern" "[alerts] syslog_facility: unknown \"kern\""
refused "[alerts]
webhook_url = $hook" "webhook_url needs webhook_secret_file"

[ "$passed" -ge 41 ] || not_ok "only $passed checks passed (41 expected)"
finish
