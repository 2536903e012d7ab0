#!/bin/sh
# The dashboard against the real plumb-collector: two agents deliver
# scans of the xccdf fixture (agent02 has role historian in its
# certificate), agent01 scans again after /etc/app.conf changed (a
# regression of xccdf_org.plumb_rule_pass, which breaks A.8.9 of
# tests/collector/fixtures/controls-e2e.ini); then
# tests/dashboard/screenshot.sh loads every view over HTTPS (the test
# PKI's self-signed chain) with a bearer token from "plumb-collector
# token add" and checks the hosts and controls appear.
# Environment: PLUMB, top_srcdir, top_builddir.  Skips (77) without
# Chromium (or the tools tests/collector/lib.sh needs).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
browser=
for b in chromium chromium-browser google-chrome-stable google-chrome; do
	command -v "$b" >/dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ]; then
	echo "no chromium installed: skipping"
	exit 77
fi

. "$top_srcdir/tests/collector/lib.sh"

start_collector "[controls]
file = $top_srcdir/tests/collector/fixtures/controls-e2e.ini" || finish
api_port=$(sed -n 's/.*api listening on .* port \([0-9]*\)$/\1/p' \
    "$tmp/collector.err" | tail -n 1)
check "api listener started" test -n "$api_port"
tok=$("$COLLECTOR" -c "$tmp/collector.conf" token add dashboard \
    2>"$tmp/tok.err")
check "token added" test -n "$tok"

cp -R "$FIXTURE/root1" "$tmp/root"
PLUMB_SCAN_ROOT=$tmp/root
export PLUMB_SCAN_ROOT
scan agent agent01.plant.test "$url"
check "agent01: first scan stored" test -n "$uuid"
scan agent-b agent02.plant.test "$url"
check "agent02: scan stored" test -n "$uuid"
sleep 1
sed 's/^mode=strict$/mode=lax/' "$FIXTURE/root1/etc/app.conf" \
    >"$tmp/root/etc/app.conf"
scan agent agent01.plant.test "$url"
check "agent01: second scan stored" test -n "$uuid"
# agent02 also scans texts.xml (a second baseline, no control mapped):
# the rule view's rationale and fix text.
scan agent-b agent02.plant.test "$url" "$FIXTURE/texts.xml"
tuuid=$uuid
check "agent02: scan of texts.xml stored" test -n "$tuuid"

# The dashboard itself is served by the api listener.
code=$(curl -sS -o "$tmp/index.html" -w '%{http_code}' --max-time 20 \
    --cacert "$pki/ca.pem" "https://localhost:$api_port/dashboard/" \
    2>"$tmp/curl.err")
check "GET /dashboard/: 200" test "$code" = 200
check "GET /dashboard/ is index.html" cmp -s "$tmp/index.html" \
    "$top_srcdir/collector/dashboard/index.html"
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 \
    --cacert "$pki/ca.pem" \
    "https://localhost:$api_port/dashboard/nope.js" 2>"$tmp/curl.err")
check "GET /dashboard/nope.js: 404" test "$code" = 404

DASHBOARD_URL="https://localhost:$api_port/dashboard/" \
DASHBOARD_TOKEN=$tok \
DASHBOARD_HOSTS="agent01.plant.test agent02.plant.test" \
DASHBOARD_HOST=agent01.plant.test \
DASHBOARD_ROLE=historian \
DASHBOARD_ROLE_HOSTS=agent02.plant.test \
DASHBOARD_ROLE_NOT=agent01.plant.test \
DASHBOARD_CONTROLS="A.8.9 A.8.5 A.8.15" \
DASHBOARD_CONTROL=iso27001-2022/A.8.9 \
DASHBOARD_CONTROL_HOSTS=agent01.plant.test \
DASHBOARD_HOSTILE= \
DASHBOARD_SEARCH=AGENT02 \
DASHBOARD_SEARCH_HOSTS=agent02.plant.test \
DASHBOARD_SEARCH_NOT=agent01.plant.test \
DASHBOARD_FAILING="agent01.plant.test agent02.plant.test" \
DASHBOARD_SITES=plant-north \
DASHBOARD_RULE="$tuuid/xccdf_org.plumb.txt_rule_texts_fail" \
DASHBOARD_RATIONALE="Without /etc/missing.conf the service starts" \
DASHBOARD_FIXTEXT="    install -m 0644 /dev/null /etc/missing.conf" \
DASHBOARD_ARTIFACTS="$top_builddir/tests/dashboard/artifacts-collector" \
    sh "$top_srcdir/tests/dashboard/screenshot.sh" >"$tmp/shots.out" 2>&1
rc=$?
sed 's/^/  /' "$tmp/shots.out"
check "screenshot.sh against the collector" test "$rc" -eq 0

# What the second scan changed, as the pages show it: agent01's
# timeline has the regression of rule_pass (pass -> fail), A.8.9 lists
# agent01 failing and agent02 passing (1 and 1 host), A.8.5 (rule_fail,
# failing everywhere) 2 failing hosts.
art=$top_builddir/tests/dashboard/artifacts-collector
check "host: regression of rule_pass in the timeline" grep -q \
    '<li class="k-regression" data-rule="xccdf_org.plumb_rule_pass">' \
    "$art/host.html"
check "host: Pass -> Fail shown" grep -q 'Pass → Fail' "$art/host.html"
row() {
	tr -d '\n' <"$art/fleet-iso27001.html" |
	    sed -n "s/.*<tr data-control=\"$1\">\(.*\)/\1/p" |
	    sed 's,</tr>.*,,; s/<[^>]*>/|/g; s/||*/|/g'
}
check "fleet: A.8.9 fail, 1 passing, 1 failing host" \
    test "$(row A.8.9 | cut -d'|' -f2-7)" = \
    "A.8.9|Configuration management|Fail|1|1|0"
check "fleet: A.8.5 fail, 0 passing, 2 failing hosts" \
    test "$(row A.8.5 | cut -d'|' -f2-7)" = \
    "A.8.5|Secure authentication|Fail|0|2|0"
check "control: agent01 failing rule_pass" grep -q \
    'data-host="agent01.plant.test">.*Fail.*xccdf_org.plumb_rule_pass' \
    "$art/control.html"
# The scans read a copy of root1 (PLUMB_SCAN_ROOT): one baseline, shown
# as a scan of that tree, and the control says which baseline it is.
troot=$(cd "$tmp/root" && pwd -P)
check "host: one baseline, marked as a tree scan of $troot" test "$(tr -d \
    '\n' <"$art/host.html" | grep -o '<tr [^>]*class="tree-scan"[^>]*>' |
    grep -c 'data-benchmark="xccdf_org.plumb_benchmark_fixture"')" = 1
check "host: the tree named" grep -qF "tree <code>$troot</code>" \
    "$art/host.html"
check "control: the failing baseline named" grep -q \
    '<div class="baseline">.*Fail.*xccdf_org.plumb_benchmark_fixture' \
    "$art/control.html"
finish
