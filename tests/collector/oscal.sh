#!/bin/sh
# The OSCAL assessment-results export checked against the OSCAL 1.1.2
# assessment-results model (tests/collector/oscal-model.jq): required
# fields, allowed keys of every object the export writes (the model's
# JSON schema forbids others), uuid, date-time and token formats, the
# allowed values of enumerated fields, and that every reference (import-ap
# to back-matter, subjects to inventory items, findings to observations
# and risks) resolves inside the document.  One agent scans the fixture
# root twice (the second time with /etc/app.conf changed), a waiver of
# the failing rule is requested and approved, then the export is read.
# The checker is first run on broken copies of the document, each of
# which it must refuse, so that it cannot pass by checking nothing.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed".

. "$(dirname "$0")/lib.sh"

model=$top_srcdir/tests/collector/oscal-model.jq
start_collector "[controls]
file = $top_srcdir/tests/collector/fixtures/controls-e2e.ini" || finish
check "api listener started" api_client oscal
H=agent01.plant.test
jqo() { jq -r "$1" "$tmp/out"; }

cp -R "$FIXTURE/root1" "$tmp/root"
PLUMB_SCAN_ROOT=$tmp/root
export PLUMB_SCAN_ROOT
scan agent "$H" "$url"
t1=$(rows "SELECT created FROM bundles WHERE uuid = '$uuid'")
sed 's/^mode=strict$/mode=lax/' "$FIXTURE/root1/etc/app.conf" \
    >"$tmp/root/etc/app.conf"
while [ "$(date +%s)" -le "${t1:-0}" ]; do sleep 0.2; done
scan agent "$H" "$url"
check "two scans stored" test "$(rows 'SELECT count(*) FROM bundles')" = 2

# A waiver of rule_pass (failing since the second scan), approved by a
# second identity: the export must carry it as a risk.
while [ "$(date +%s)" -le "$(rows 'SELECT max(created) FROM bundles')" ]
do
	sleep 0.2
done
api_get waivers -H 'Content-Type: application/json' --data \
    "{\"rule_id\":\"xccdf_org.plumb_rule_pass\",\"host\":\"$H\",
    \"justification\":\"change ticket 42\",\"approver\":\"ciso\",
    \"expires\":$(($(date +%s) + 3600))}"
check "waiver requested: 201" test "$code" = 201
wid=$(jqo .id)
atok=$("$COLLECTOR" -c "$tmp/collector.conf" token add --role approver \
    ciso 2>/dev/null)
code=$(curl -sS -o "$tmp/out" -w '%{http_code}' --cacert "$pki/ca.pem" \
    -X POST -H "Authorization: Bearer $atok" "$A/waivers/$wid/approve")
check "waiver approved: 200" test "$code" = 200

api_get export/oscal
check "export/oscal: 200" test "$code" = 200
cp "$tmp/out" "$tmp/ar.json"

# model DOC: the model's complaints about DOC, one a line.
model() { jq -r -f "$model" "$1" 2>&1; }

# The export has what this test relies on below, so that the broken
# copies break something present.
check "the export has a finding, an observation, a risk, a subject" \
    test "$(jq -r '."assessment-results".results[0] | [(.findings |
    length) > 0, (.observations | length) > 0, (.risks | length) > 0,
    (.observations[0].subjects | length) > 0] | all' "$tmp/ar.json")" = \
    true

# broken NAME JQ-EDIT: the checker must refuse the export with JQ-EDIT
# applied.
broken() {
	jq "$2" "$tmp/ar.json" >"$tmp/broken.json" ||
	    { not_ok "broken copy: $1 (jq failed)"; return; }
	check "the model check refuses $1" test -n "$(model \
	    "$tmp/broken.json")"
}
broken "a missing metadata title" \
    'del(."assessment-results".metadata.title)'
broken "an unknown key in a finding" \
    '."assessment-results".results[0].findings[0].extra = 1'
broken "a malformed result uuid" \
    '."assessment-results".results[0].uuid = "not-a-uuid"'
broken "a time without a zone" \
    '."assessment-results".results[0].start = "2026-12-04T10:00:00"'
broken "a finding state outside the model" \
    '."assessment-results".results[0].findings[0].target.status.state =
    "passed"'
broken "a subject naming no inventory item" \
    '."assessment-results".results[0].observations[0].subjects[0]
    ."subject-uuid" = "00000000-0000-4000-8000-000000000000"'
broken "a risk status outside the model" \
    '."assessment-results".results[0].risks[0].status = "waived"'
broken "an import-ap naming no back-matter resource" \
    '."assessment-results"."import-ap".href = "#00000000-0000-4000-8000-000000000000"'
broken "an observation without methods" \
    'del(."assessment-results".results[0].observations[0].methods)'

out=$(model "$tmp/ar.json")
[ -n "$out" ] && printf '# %s\n' "$out" | head -n 20
check "the export satisfies the OSCAL 1.1.2 assessment-results model" \
    test -z "$out"

stop_collector
[ "$passed" -ge 15 ] || not_ok "fewer checks ran than the 15 expected"
finish
