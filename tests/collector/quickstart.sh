#!/bin/sh
# quickstart.sh - docs/quickstart-collector.md, run as a new user would:
# its ```sh blocks, in order, as one script in an empty directory, with
# the programs of this build on PATH, the source tree's control set and
# the built plant baseline (what the packages install), and two free
# ports.  Then checks what the page promises: the collector runs, two
# agents enrolled and delivered a scan each, the token and the auditor
# certificate read the fleet, and the dashboard is served.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

doc=$top_srcdir/docs/quickstart-collector.md
content=$top_builddir/benchmarks/plant/plumb-plant-ds.xml
check "the quick-start page exists" test -f "$doc"
check "the plant baseline is built" test -f "$content"

# The blocks, one script; count them so a page that lost its blocks
# fails here rather than passing with nothing run.
awk '/^```sh$/ { on = 1; n++; next } /^```$/ { on = 0; next }
    on { print } END { print "# blocks: " n }' "$doc" >"$tmp/qs.sh"
nb=$(sed -n 's/^# blocks: //p' "$tmp/qs.sh")
check "the page has its 7 shell blocks ($nb)" test "$nb" = 7

# Two free ports on loopback (bound, read, released).
ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
qport=${ports% *}
qapi=${ports#* }
mkdir -p "$tmp/qs/bin"
ln -s "$(cd "$top_builddir" && pwd)/plumb" "$tmp/qs/bin/plumb"
ln -s "$(cd "$top_builddir" && pwd)/plumb-collector" \
    "$tmp/qs/bin/plumb-collector"
printf '#!/bin/sh\nexec sh %s "$@"\n' \
    "$top_srcdir/packaging/plumb-pki" >"$tmp/qs/bin/plumb-pki"
chmod +x "$tmp/qs/bin/plumb-pki"
(
	cd "$tmp/qs" &&
	PATH=$tmp/qs/bin:$PATH \
	CONTROLS=$top_srcdir/benchmarks/controls/isms-controls.ini \
	CONTENT=$content PORT=$qport API_PORT=$qapi \
	    sh -e "$tmp/qs.sh" >"$tmp/qs.out" 2>"$tmp/qs.err"
)
rc=$?
demo=$tmp/qs/plumb-demo
[ -s "$demo/collector.pid" ] && collector_pid=$(cat "$demo/collector.pid")
check "the page's commands all succeed (exit $rc)" test "$rc" -eq 0
if [ "$rc" -ne 0 ]; then
	tail -n 20 "$tmp/qs.err"
	tail -n 20 "$demo/collector.log" 2>/dev/null
fi
check "the collector runs" kill -0 "${collector_pid:-0}"

A=https://localhost:$qapi/api/v1
api() {
	curl -sS --max-time 20 --cacert "$demo/pki/agents/ca.pem" "$@" \
	    2>>"$tmp/curl.err"
}
tok=$(cat "$demo/ops.token" 2>/dev/null)
api -H "Authorization: Bearer $tok" "$A/hosts" >"$tmp/hosts.json"
check "both agents are hosts, with role and zone from enrollment" test \
    "$(jq -r '[.hosts[] | .id + ":" + .role + ":" + .zone] | join(" ")' \
    "$tmp/hosts.json")" = \
    "hist01.plant.example:historian:cell-2 mes01.plant.example:mes:cell-1"
check "each delivered its first scan" test "$(jq -r \
    '[.hosts[] | select(.last_scan != null)] | length' \
    "$tmp/hosts.json")" = 2
api --cert "$demo/pki/people/admins/dave.pem" \
    --key "$demo/pki/people/admins/dave.key" \
    "$A/controls?framework=iso27001-2022" >"$tmp/controls.json"
check "the auditor's certificate reads the controls" test "$(jq \
    '.controls | length' "$tmp/controls.json")" -gt 0
api --cert "$demo/pki/people/admins/dave.pem" \
    --key "$demo/pki/people/admins/dave.key" -X POST \
    -H 'Content-Type: application/json' --data '{}' "$A/waivers" \
    -o /dev/null -w '%{http_code}' >"$tmp/code"
check "the auditor changes nothing (403)" test "$(cat "$tmp/code")" = 403
api -H "Authorization: Bearer $(cat "$demo/ciso.token")" "$A/whoami" \
    >"$tmp/who.json"
check "the approver token has its role" test "$(jq -r .role \
    "$tmp/who.json")" = approver
api -o "$tmp/index.html" "https://localhost:$qapi/dashboard/"
check "the dashboard is served" grep -q 'plumb collector' "$tmp/index.html"
check "the page's API calls printed both hosts" grep -q \
    'hist01.plant.example' "$tmp/qs.out"

stop_collector
[ $((passed + failed)) -ge 12 ] ||
    not_ok "ran $((passed + failed)) checks, expected 12"
finish
