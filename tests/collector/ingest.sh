#!/bin/sh
# plumb scan -> plumb-collector -> SQLite and the evidence store: the
# bundle is stored once, its evidence file is the bundle byte for byte
# under its SHA-256, the rows match the bundle's summary.json (read with
# openssl cms, tar and jq, not with the collector's code), a re-send and
# concurrent re-sends answer 409 and store nothing more, host
# role/site/zone come from the certificate subject, and a postgresql://
# database nothing listens on is refused by --check-config.
# Environment: PLUMB, top_srcdir, top_builddir; PLUMB_TEST_PG (see
# lib.sh, tests/collector/pg.sh) runs it against PostgreSQL.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

start_collector || finish

# ---- one scan delivered
scan agent agent01.plant.test "$url"
u1=$uuid
check "plumb scan exits 0 and names its bundle" \
    test "$scan_rc" -eq 0 -a -n "$u1"
check "spool empty afterwards (collector acknowledged)" \
    test -z "$(ls "$tmp/spool-agent" 2>/dev/null | grep p7m)"
check "one bundle row for the UUID" \
    test "$(rows "SELECT count(*) FROM bundles WHERE uuid = '$u1'")" = 1
if [ -z "${PLUMB_TEST_PG:-}" ]; then
	check "WAL journal" test "$(rows 'PRAGMA journal_mode')" = wal
fi
check "core migrations 1 and 2 recorded" test "$(rows \
    "SELECT max(version) FROM schema_migrations WHERE component = 'core'")" = 2

sha=$(rows "SELECT evidence_sha256 FROM bundles WHERE uuid = '$u1'")
ef=$evid/$(printf '%s' "$sha" | cut -c1-2)/$sha.p7m
check "evidence file at DIR/ab/<sha256>.p7m" test -f "$ef"
check "evidence file hash = recorded sha256 = its name" \
    test "$(sha256sum <"$ef" | cut -d' ' -f1)" = "$sha" -a ${#sha} -eq 64
check "evidence bytes recorded" test "$(rows \
    "SELECT evidence_bytes FROM bundles WHERE uuid = '$u1'")" = \
    "$(wc -c <"$ef" | tr -d ' ')"
check "exactly one evidence file" test "$(evidence_files | wc -l)" -eq 1

# The summary as an auditor reads it.
if openssl cms -verify -inform DER -in "$ef" -CAfile "$pki/ca.pem" \
    -binary -out "$tmp/b.tgz" 2>/dev/null &&
    tar -xzf "$tmp/b.tgz" -O summary.json >"$tmp/summary.json" 2>/dev/null &&
    tar -xzf "$tmp/b.tgz" -O manifest.json >"$tmp/manifest.json" 2>/dev/null
then
	ok "evidence verifies with openssl cms and holds summary.json"
else
	not_ok "evidence verifies with openssl cms and holds summary.json"
fi
S=$tmp/summary.json
check "manifest uuid is the stored uuid" \
    test "$(jq -r .uuid "$tmp/manifest.json")" = "$u1"
check "host row from the manifest host" test "$(rows \
    "SELECT host FROM bundles WHERE uuid = '$u1'")" = agent01.plant.test
check "site from the certificate O (make-pki: 'plumb tests')" \
    test "$(rows "SELECT site || '|' || role || '|' || zone FROM hosts \
    WHERE id = 'agent01.plant.test'")" = "plumb tests||"
rows "SELECT signer FROM bundles WHERE uuid = '$u1'" >"$tmp/signer"
check "signer subject names the agent" \
    grep -q 'CN *= *agent01.plant.test' "$tmp/signer"
check "signer sha256 = client certificate fingerprint" test "$(rows \
    "SELECT upper(signer_sha256) FROM bundles WHERE uuid = '$u1'")" = \
    "$(openssl x509 -in "$pki/agent.pem" -noout -fingerprint -sha256 |
    sed 's/.*=//; s/://g')"
check "rule_results rows = summary rules" test "$(rows \
    "SELECT count(*) FROM rule_results r JOIN bundles b ON \
    r.bundle_id = b.id WHERE b.uuid = '$u1'")" = "$(jq '.rules | length' "$S")"
check "summary has rules at all" test "$(jq '.rules | length' "$S")" -gt 0
jq -r '.rules[] | [.id, .result, .severity, (.items_digest // "NULL"),
    (.references | tostring)] | join("|")' "$S" >"$tmp/want.rules"
rows "SELECT r.rule_id || '|' || r.result || '|' || r.severity ||
    '|' || coalesce(r.items_digest, 'NULL') || '|' || r.refs
    FROM rule_results r JOIN bundles b ON r.bundle_id = b.id
    WHERE b.uuid = '$u1' ORDER BY r.seq" >"$tmp/got.rules"
check "rule id/result/severity/items_digest/references match, in order" \
    cmp -s "$tmp/want.rules" "$tmp/got.rules"
for k in pass fail error unknown notapplicable notchecked notselected \
    informational fixed; do
	check "count $k matches" test "$(rows "SELECT n_$k FROM bundles \
	    WHERE uuid = '$u1'")" = "$(jq ".counts.$k" "$S")"
done
check "profile id matches" test "$(rows "SELECT profile_id FROM bundles \
    WHERE uuid = '$u1'")" = "$(jq -r '.profile.id // ""' "$S")"
check "content sha256 matches" test "$(rows "SELECT content_sha256 FROM \
    bundles WHERE uuid = '$u1'")" = "$(jq -r .content.sha256 "$S")"
check "default and flat scores match" test "$(rows "SELECT \
    score_default || ' ' || score_default_max || ' ' || score_flat || ' ' \
    || score_flat_max FROM bundles WHERE uuid = '$u1'" |
    awk '{ printf "%g %g %g %g", $1, $2, $3, $4 }')" = "$(jq -r \
    '[.scores[0].score, .scores[0].max, .scores[1].score, .scores[1].max]
    | map(tostring) | join(" ")' "$S" |
    awk '{ printf "%g %g %g %g", $1, $2, $3, $4 }')"

# ---- re-send: 409, nothing more stored
post "$ef" "$u1"
check "re-send answered 409" test "$code" = 409
check "re-send: still one row" test "$(rows \
    "SELECT count(*) FROM bundles WHERE uuid = '$u1'")" = 1
check "re-send: still one evidence file" test "$(evidence_files | wc -l)" -eq 1

# ---- concurrent re-sends of a new bundle: one 201, the rest 409
spare agent agent01.plant.test
u2=$uuid
check "spare bundle made" test -s "$bundle"
pids=
for i in 1 2 3 4 5 6; do
	curl -sS -o /dev/null -w '%{http_code}\n' --max-time 20 \
	    --cacert "$pki/ca.pem" --cert "$pki/agent.pem" \
	    --key "$pki/agent.key" -H "X-Plumb-Bundle: $u2" \
	    --data-binary "@$bundle" "$url" >"$tmp/par.$i" 2>/dev/null &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
cat "$tmp"/par.* | sort >"$tmp/par"
check "concurrent sends: exactly one 201" test "$(grep -c '^201$' "$tmp/par")" = 1
check "concurrent sends: the other five 409" test "$(grep -c '^409$' "$tmp/par")" = 5
check "concurrent sends: one row" test "$(rows \
    "SELECT count(*) FROM bundles WHERE uuid = '$u2'")" = 1
check "concurrent sends: one more evidence file" \
    test "$(evidence_files | wc -l)" -eq 2
check "two bundles, one host" test "$(rows \
    "SELECT count(*) || ' ' || count(DISTINCT host) FROM bundles")" = "2 1"

# ---- a second agent: role/site/zone from OU/O/L
scan agent-b agent02.plant.test "$url"
check "agent B stored" test "$scan_rc" -eq 0 -a "$(rows \
    "SELECT count(*) FROM bundles WHERE uuid = '$uuid'")" = 1
check "agent B host: role historian, site plant-north, zone zone-3" \
    test "$(rows "SELECT role || '|' || site || '|' || zone FROM hosts \
    WHERE id = 'agent02.plant.test'")" = "historian|plant-north|zone-3"
stop_collector

# ---- health; a PostgreSQL server that is not there
start_collector || finish
code=$(curl -sS -o "$tmp/resp" -w '%{http_code}' --cacert "$pki/ca.pem" \
    --cert "$pki/agent.pem" --key "$pki/agent.key" \
    "https://localhost:$port/api/v1/health" 2>/dev/null)
check "restart keeps the data; GET /api/v1/health 200" test "$code" = 200 \
    -a "$(rows 'SELECT count(*) FROM bundles')" = 3
stop_collector
# Port 1 of loopback: nothing listens there.
sed -i "s|^database = .*|database = postgresql://u:pw@127.0.0.1:1/plumb|" \
    "$tmp/collector.conf"
"$COLLECTOR" -c "$tmp/collector.conf" --check-config >/dev/null \
    2>"$tmp/pg.err"
rc=$?
check "postgresql:// nothing listens on: exit 1, 'cannot connect'" \
    test "$rc" -eq 1 -a -n "$(grep 'cannot connect' "$tmp/pg.err")"
check "... and the password is not shown" \
    test -z "$(grep 'pw' "$tmp/pg.err")"
finish
