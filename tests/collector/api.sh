#!/bin/sh
# The api listener over real HTTPS with curl: credentials (none: 401; a
# bearer token from "plumb-collector token add"; a revoked one: 401; an
# admin certificate of [api] admin_ca; an agent certificate sees only
# its own host), path checks (400), 404/405, the core routes against
# the scans' own summary.json (read with openssl cms, tar and jq), the
# CSV export row by row, and /metrics counting refused uploads by
# reason (oversize body, tampered bundle, unknown CA, expired and
# missing certificate) while nothing more is stored.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

# ---- an admin CA and an admin client certificate (not in make-pki.sh)
admin_cert admin "/O=plumb tests/CN=alice" || finish

start_collector "[api]
admin_ca = $pki/admin-ca.pem
[controls]
file = $top_srcdir/tests/collector/fixtures/controls-e2e.ini
[limits]
max_upload_bytes = 256K" || finish
api_port=$(sed -n 's/.*api listening on .* port \([0-9]*\)$/\1/p' \
    "$tmp/collector.err" | tail -n 1)
check "api listener started on its own port" \
    test -n "$api_port" -a "$api_port" != "$port"
A=https://localhost:$api_port
I=https://localhost:$port

# get URL [curl options]: $code, body in $tmp/out.
get() {
	gu=$1
	shift
	code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --max-time 20 \
	    --cacert "$pki/ca.pem" "$@" "$gu" 2>"$tmp/curl.err")
}
as_agent() { get "$1" --cert "$pki/agent.pem" --key "$pki/agent.key"; }
as_admin() { get "$1" --cert "$pki/admin.pem" --key "$pki/admin.key"; }

# ---- two agents deliver one scan each
scan agent agent01.plant.test "$url"
ua=$uuid
scan agent-b agent02.plant.test "$url"
ub=$uuid
check "two scans stored" test -n "$ua" -a -n "$ub" -a \
    "$(rows 'SELECT count(*) FROM bundles')" = 2

# Each bundle's summary.json and manifest.json as an auditor reads them.
for u in "$ua" "$ub"; do
	sha=$(rows "SELECT evidence_sha256 FROM bundles WHERE uuid = '$u'")
	f=$evid/$(printf '%s' "$sha" | cut -c1-2)/$sha.p7m
	openssl cms -verify -inform DER -in "$f" -CAfile "$pki/ca.pem" \
	    -binary -out "$tmp/$u.tgz" 2>/dev/null
	tar -xzf "$tmp/$u.tgz" -O summary.json >"$tmp/$u.summary"
	tar -xzf "$tmp/$u.tgz" -O manifest.json >"$tmp/$u.manifest"
	cp "$f" "$tmp/$u.p7m"
done
check "summaries read back" test -s "$tmp/$ua.summary" -a \
    -s "$tmp/$ub.summary"

# ---- tokens
tok=$("$COLLECTOR" -c "$tmp/collector.conf" token add ci 2>"$tmp/tok.err")
check "token add prints 64 hex digits" sh -c \
    "printf '%s' '$tok' | grep -Eqx '[0-9a-f]{64}'"
check "only the SHA-256 is stored" test "$(rows \
    "SELECT sha256 FROM api_tokens WHERE name = 'ci'")" = \
    "$(printf '%s' "$tok" | sha256sum | cut -d' ' -f1)"
"$COLLECTOR" -c "$tmp/collector.conf" token add ci >/dev/null 2>&1
check "a second active token of the same name is refused" test $? -eq 1
B="Authorization: Bearer $tok"

# ---- credentials
get "$A/api/v1/hosts"
check "no credentials: 401" test "$code" = 401
check "401 body is {\"error\": ...}" test -n "$(jq -r .error "$tmp/out")"
get "$A/api/v1/hosts" -H "$B"
check "bearer token: 200" test "$code" = 200
check "bearer token: both hosts, by id" test "$(jq -r \
    '[.hosts[].id] | join(" ")' "$tmp/out")" = \
    "agent01.plant.test agent02.plant.test"
check "HOST: role/site/zone from the certificate" test "$(jq -r \
    '.hosts[1] | [.role, .site, .zone] | join("|")' "$tmp/out")" = \
    "historian|plant-north|zone-3"
check "HOST: last_scan is the host's scan" test "$(jq -r \
    '.hosts[0].last_scan' "$tmp/out")" = "$ua"
check "HOST: counts.fail = summary counts.fail" test "$(jq \
    '.hosts[0].counts.fail' "$tmp/out")" = \
    "$(jq .counts.fail "$tmp/$ua.summary")"
get "$A/api/v1/hosts?role=historian" -H "$B"
check "role filter: only agent02" test "$(jq -r \
    '[.hosts[].id] | join(" ")' "$tmp/out")" = "agent02.plant.test"
get "$A/api/v1/hosts?site=plumb%20tests&zone=" -H "$B"
check "site + zone filter (percent-decoded): only agent01" test "$(jq -r \
    '[.hosts[].id] | join(" ")' "$tmp/out")" = "agent01.plant.test"
as_admin "$A/api/v1/hosts"
check "admin certificate: 200, both hosts" test "$code" = 200 -a \
    "$(jq '.hosts | length' "$tmp/out")" = 2
get "$A/api/v1/hosts" -H "Authorization: Bearer 0123456789abcdef"
check "unknown token: 401" test "$code" = 401
as_agent "$A/api/v1/hosts"
check "agent certificate: its own host only" test "$code" = 200 -a \
    "$(jq -r '[.hosts[].id] | join(" ")' "$tmp/out")" = \
    "agent01.plant.test"
get "$A/api/v1/hosts" --cert "$pki/agent-other.pem" \
    --key "$pki/agent-other.key"
check "certificate of an unknown CA: refused in the handshake" \
    test "$code" = 000

# ---- scope: agent A cannot read host B
as_agent "$A/api/v1/hosts/agent02.plant.test"
check "agent A asks for host B: 404" test "$code" = 404
as_agent "$A/api/v1/scans/$ub"
check "agent A asks for B's scan: 404" test "$code" = 404
as_agent "$A/api/v1/scans/$ub/evidence"
check "agent A asks for B's evidence: 404" test "$code" = 404
as_agent "$A/api/v1/hosts/agent01.plant.test"
check "agent A reads its own host: 200, latest = its scan" \
    test "$code" = 200 -a "$(jq -r .latest.uuid "$tmp/out")" = "$ua"
check "host detail: rules = summary rules, in order" test "$(jq -r \
    '[.rules[] | .rule_id + "=" + .result] | join(" ")' "$tmp/out")" = \
    "$(jq -r '[.rules[] | .id + "=" + .result] | join(" ")' \
    "$tmp/$ua.summary")"
as_agent "$I/api/v1/hosts/agent01.plant.test"
check "agent A on the ingest listener reads its own host" \
    test "$code" = 200 -a "$(jq -r .id "$tmp/out")" = agent01.plant.test
as_agent "$I/api/v1/hosts/agent02.plant.test"
check "agent A on the ingest listener, host B: 404" test "$code" = 404
as_agent "$A/api/v1/export/results.csv"
check "agent: CSV export is admin only (403)" test "$code" = 403
as_agent "$A/metrics"
check "agent: /metrics 403" test "$code" = 403

# ---- scans, evidence
get "$A/api/v1/scans/$ub" -H "$B"
check "scan detail: host, counts and rule count match the summary" \
    test "$code" = 200 -a "$(jq -r '[.host, .counts.pass, .counts.fail,
    (.rules | length)] | map(tostring) | join(" ")' "$tmp/out")" = \
    "agent02.plant.test $(jq -r '[.counts.pass, .counts.fail,
    (.rules | length)] | map(tostring) | join(" ")' "$tmp/$ub.summary")"
check "scan detail: default score = summary's" test "$(jq \
    '.scores["urn:xccdf:scoring:default"].score' "$tmp/out")" = \
    "$(jq '[.scores[] | select(.system ==
    "urn:xccdf:scoring:default")][0].score' "$tmp/$ub.summary")"
get "$A/api/v1/hosts/agent02.plant.test/scans" -H "$B"
check "host scans: one, B's" test "$(jq -r '[.scans[].uuid] | join(" ")' \
    "$tmp/out")" = "$ub"
get "$A/api/v1/scans/$ua/evidence" -H "$B"
check "evidence download: the stored bundle byte for byte" \
    cmp -s "$tmp/out" "$tmp/$ua.p7m"

# ---- paths, methods
get "$A/api/v1/hosts/%2e%2e" -H "$B"
check "'..' segment (encoded): 400" test "$code" = 400
get "$A/api/v1/hosts//scans" -H "$B"
check "empty segment: 400" test "$code" = 400
get "$A/api/v1/a/b/c/d/e/f/g/h/i" -H "$B"
check "too many segments: 400" test "$code" = 400
get "$A/api/v1/nothing" -H "$B"
check "unknown route: 404" test "$code" = 404
get "$A/api/v1/hosts" -H "$B" -X DELETE
check "wrong method: 405" test "$code" = 405
get "$A/api/v1/hosts/no.such.host" -H "$B"
check "unknown host: 404" test "$code" = 404
get "$A/api/v1/hosts/agent01.plant.test/scans?limit=x" -H "$B"
check "bad limit: 400" test "$code" = 400

# ---- CSV export: the rows worked out from the two summaries
get "$A/api/v1/export/results.csv" -H "$B"
check "CSV: 200 text/csv" test "$code" = 200
tr -d '\r' <"$tmp/out" >"$tmp/got.csv"
check "CSV header" test "$(head -n 1 "$tmp/got.csv")" = \
    "host,role,site,zone,benchmark_id,profile_id,scan,created,rule_id,\
title,result,severity,controls,waived"
# Each rule's controls, from the control set the collector loaded
# (one target each there): "[map rule R]" then "FRAMEWORK = ID".
awk '/^\[map rule /{r=$3; sub(/\]$/, "", r); next}
    /^\[/{r=""} r!="" && / = /{print r " " $1 ":" $3}' \
    "$top_srcdir/tests/collector/fixtures/controls-e2e.ini" >"$tmp/ctl"
: >"$tmp/want.csv"
for u in "$ua" "$ub"; do
	if [ "$u" = "$ua" ]; then
		attrs="agent01.plant.test,,plumb tests,"
	else
		attrs="agent02.plant.test,historian,plant-north,zone-3"
	fi
	# The manifest's creation time, whole seconds, ISO 8601 UTC.
	created=$(date -u -d "$(jq -r .created "$tmp/$u.manifest")" \
	    +%Y-%m-%dT%H:%M:%SZ)
	jq -r --arg p "$attrs" --arg u "$u" --arg c "$created" \
	    --rawfile ctl "$tmp/ctl" '
	    def q: if test("^[=+@\t\r-]") then
		"\"\u0027" + gsub("\"";"\"\"") + "\""
		elif test("[,\"\u0027\r\n\t]") then
		"\"" + gsub("\"";"\"\"") + "\""
		else . end;
	    ($ctl | split("\n") | map(select(. != "") | split(" ") |
		{(.[0]): .[1]}) | add) as $m |
	    .content.benchmark_id as $b | (.profile.id // "") as $pr |
	    .rules[] | [$p, $b, $pr, $u, $c, .id, (.title // "" | q),
		.result, .severity, ($m[.id] // ""), "no"] | join(",")' \
	    "$tmp/$u.summary" >>"$tmp/want.csv"
done
tail -n +2 "$tmp/got.csv" | sort >"$tmp/got.rows"
sort "$tmp/want.csv" >"$tmp/want.rows"
check "CSV rows = the summaries' rules ($(wc -l <"$tmp/want.rows") rows)" \
    cmp -s "$tmp/got.rows" "$tmp/want.rows"
get "$A/api/v1/export/results.csv?host=agent02.plant.test" -H "$B"
check "CSV host filter: only B's rows" test "$(tr -d '\r' <"$tmp/out" |
    tail -n +2 | cut -d, -f1 | sort -u)" = agent02.plant.test

# ---- refused uploads, counted by reason in /metrics
spare agent agent01.plant.test
good=$bundle gu=$uuid
head -c 400000 /dev/urandom >"$tmp/big"
post "$tmp/big" "$gu" agent
check "oversize body: 413" test "$code" = 413
cp "$good" "$tmp/tampered.p7m"
size=$(wc -c <"$good" | tr -d ' ')
off=$((size / 2))
b=$(od -An -tu1 -j "$off" -N1 "$good" | tr -d ' ')
printf "$(printf '\\%03o' $(((b + 1) % 256)))" |
    dd of="$tmp/tampered.p7m" bs=1 seek="$off" conv=notrunc 2>/dev/null
post "$tmp/tampered.p7m" "$gu" agent
check "tampered bundle: 400" test "$code" = 400
post "$good" "$gu" agent-other
check "unknown CA: no HTTP answer" test "$code" = 000
post "$good" "$gu" agent-expired
check "expired certificate: no HTTP answer" test "$code" = 000
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 \
    --cacert "$pki/ca.pem" -H "X-Plumb-Bundle: $gu" \
    --data-binary "@$good" "$url" 2>/dev/null)
check "no client certificate: no HTTP answer" test "$code" = 000
check "nothing stored for them" test \
    "$(rows 'SELECT count(*) FROM bundles')" = 2 -a \
    "$(evidence_files | wc -l)" -eq 2
post "$tmp/$ua.p7m" "$ua" agent
check "re-send: 409" test "$code" = 409

get "$A/metrics"
check "/metrics without credentials: 401" test "$code" = 401
get "$A/metrics" -H "$B"
check "/metrics with the token: 200" test "$code" = 200
m() {
	awk -v k="$1" '$1 == k { print $2 }' "$tmp/out"
}
check "stored 2" test "$(m 'plumb_uploads_total{result="stored"}')" = 2
check "duplicate 1" test "$(m 'plumb_uploads_total{result="duplicate"}')" = 1
for r in too_large signature tls_unknown_ca tls_expired tls_no_cert; do
	check "rejected $r = 1" test "$(m \
	    "plumb_uploads_rejected_total{reason=\"$r\"}")" = 1
done
for r in identity rate_limited storage tls_revoked; do
	check "rejected $r = 0" test "$(m \
	    "plumb_uploads_rejected_total{reason=\"$r\"}")" = 0
done
check "plumb_hosts 2" test "$(m plumb_hosts)" = 2
check "ingest histogram counts every upload handled (2+1+2)" \
    test "$(m 'plumb_ingest_seconds_count')" = 5 -a \
    "$(m 'plumb_ingest_seconds_bucket{le="+Inf"}')" = 5
check "api requests counted by status (401 seen)" \
    test "$(m 'plumb_api_requests_total{status="401"}')" -ge 3

# ---- revoke
"$COLLECTOR" -c "$tmp/collector.conf" token revoke ci 2>/dev/null
get "$A/api/v1/hosts" -H "$B"
check "revoked token: 401" test "$code" = 401
check "token list shows it revoked" sh -c "'$COLLECTOR' -c \
    '$tmp/collector.conf' token list | grep -q '^ci	.*	revoked '"
"$COLLECTOR" -c "$tmp/collector.conf" token revoke ci 2>/dev/null
check "revoking it again: exit 1" test $? -eq 1

# ---- dashboard redirect
get "$A/"
check "GET / redirects to /dashboard/" sh -c \
    "test '$code' = 302"
stop_collector
finish
