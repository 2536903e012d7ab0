#!/bin/sh
# The collector's dashboard in headless Chromium: each view (fleet per
# framework with its trend chart, hosts, hosts filtered by role, host
# search, site and zone roll-ups, host detail with drift, rule view with
# rationale and fix text, control detail with history, waivers, sign-in
# form) is loaded with
# --dump-dom and --screenshot; the DOM after the script ran must say the
# view is ready and hold the expected host and control ids, and hostile
# titles from the data must appear as text, never as markup.
#
# By default it runs against tests/dashboard/fake-api (a test-only
# plain-HTTP server: the embedded dashboard plus the canned JSON of
# tests/dashboard/fake-api.json).  Against a real collector set
#   DASHBOARD_URL    e.g. https://127.0.0.1:8444/dashboard/ (self-signed
#                    test PKI is accepted: --ignore-certificate-errors,
#                    in this test only)
#   DASHBOARD_TOKEN  a bearer token (plumb-collector token add NAME)
# and what its data holds:
#   DASHBOARD_HOSTS      host ids the hosts view must list (space separated)
#   DASHBOARD_HOST       a host for the detail view
#   DASHBOARD_ROLE       a role to filter on, DASHBOARD_ROLE_HOSTS the
#                        hosts it must keep, DASHBOARD_ROLE_NOT one it drops
#   DASHBOARD_CONTROLS   ISO 27001:2022 control ids the fleet view must list
#   DASHBOARD_CONTROL    "FRAMEWORK/ID" for the control view (ID may hold
#                        spaces), DASHBOARD_CONTROL_HOSTS its failing hosts
#   DASHBOARD_STALE      hosts the hosts view must badge as stale
#   DASHBOARD_SEARCH     a search term for the hosts view (q=),
#                        DASHBOARD_SEARCH_HOSTS the hosts it must list,
#                        DASHBOARD_SEARCH_NOT hosts it must not
#   DASHBOARD_FAILING, DASHBOARD_WAIVED  hosts the hosts view must
#                        badge failing / waived only (waiver-aware)
#   DASHBOARD_SITES      sites the roll-up view must list
#   DASHBOARD_RULE       "SCAN/RULE_ID" for the rule view,
#                        DASHBOARD_RATIONALE and DASHBOARD_FIXTEXT text
#                        its rationale and fix text blocks must hold
#   DASHBOARD_HOSTILE    text in a rule title that must show as text
#                        (empty: not checked)
# Screenshots and DOM dumps stay in DASHBOARD_ARTIFACTS (default
# $top_builddir/tests/dashboard/artifacts).  Skips (77) without Chromium.
# Ends with "N passed, N failed"; exits 1 on any failure.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
LC_ALL=C
export LC_ALL

browser=
for b in chromium chromium-browser google-chrome-stable google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "no chromium installed: skipping"
	exit 77
fi

art=${DASHBOARD_ARTIFACTS:-$top_builddir/tests/dashboard/artifacts}
mkdir -p "$art" || exit 99
art=$(cd "$art" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-dashboard.XXXXXX") || exit 99
fakepid=
cleanup() {
	if [ -n "$fakepid" ]; then
		kill "$fakepid" 2>/dev/null
		wait "$fakepid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

passed=0
failed=0
ok() {
	echo "ok $1"
	passed=$((passed + 1))
}
bad() {
	echo "FAIL $1"
	failed=$((failed + 1))
}

# start_fake LOG [fake-api options]: the fake API on the canned data,
# its requests logged to LOG; $fakepid, and its URL in $fakeurl.
# Exits 99 (a hard error) when it does not start.
start_fake() {
	flog=$1
	shift
	rm -f "$tmp/port"
	"$fake" -j "$top_srcdir/tests/dashboard/fake-api.json" \
	    -t "$DASHBOARD_TOKEN" -p "$tmp/port" -l "$flog" "$@" \
	    2>"$tmp/fake.err" &
	fakepid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -s "$tmp/port" ]; then
		echo "fake-api did not start:"
		cat "$tmp/fake.err"
		exit 99
	fi
	fakeurl="http://127.0.0.1:$(cat "$tmp/port")/dashboard/"
}

if [ -z "${DASHBOARD_URL:-}" ]; then
	# The fake API and the canned data's expectations.
	fake=$top_builddir/tests/dashboard/fake-api
	if [ ! -x "$fake" ]; then
		echo "no $fake (make tests/dashboard/fake-api)"
		exit 99
	fi
	DASHBOARD_TOKEN="test-token-$$-dashboard"
	start_fake "$tmp/requests.log"
	DASHBOARD_URL=$fakeurl
	: "${DASHBOARD_HOSTS:=scada-01.plant1 hist-02.plant1 mes-03.plant2}"
	: "${DASHBOARD_HOST:=scada-01.plant1}"
	: "${DASHBOARD_ROLE:=SCADA}"
	: "${DASHBOARD_ROLE_HOSTS:=scada-01.plant1}"
	: "${DASHBOARD_ROLE_NOT:=hist-02.plant1}"
	: "${DASHBOARD_CONTROLS:=A.8.9 A.8.5 A.7.10 A.8.15}"
	: "${DASHBOARD_CONTROL:=iso27001-2022/A.8.9}"
	: "${DASHBOARD_CONTROL_HOSTS:=scada-01.plant1 hist-02.plant1}"
	: "${DASHBOARD_HOSTILE=<img src=x onerror=}"
	: "${DASHBOARD_STALE:=mes-03.plant2}"
	: "${DASHBOARD_SEARCH:=plant2}"
	: "${DASHBOARD_SEARCH_HOSTS:=mes-03.plant2}"
	: "${DASHBOARD_SEARCH_NOT:=scada-01.plant1 hist-02.plant1}"
	: "${DASHBOARD_FAILING:=scada-01.plant1}"
	: "${DASHBOARD_WAIVED:=hist-02.plant1}"
	: "${DASHBOARD_SITES:=plant1 plant2}"
	: "${DASHBOARD_RULE:=5b0d3c1e-0001-4a00-8000-000000000001/xccdf_com.example.plumb_rule_sshd_disable_root_login}"
	: "${DASHBOARD_RATIONALE:=A root login over SSH leaves no trace}"
	: "${DASHBOARD_FIXTEXT:=PermitRootLogin no}"
	fakeapi=1
else
	fakeapi=0
	if [ -z "${DASHBOARD_TOKEN:-}" ]; then
		echo "DASHBOARD_URL is set: DASHBOARD_TOKEN is needed too"
		exit 99
	fi
fi
: "${DASHBOARD_HOSTS:=}" "${DASHBOARD_HOST:=}" "${DASHBOARD_ROLE:=}"
: "${DASHBOARD_ROLE_HOSTS:=}" "${DASHBOARD_ROLE_NOT:=}"
: "${DASHBOARD_CONTROLS:=}" "${DASHBOARD_CONTROL:=}"
: "${DASHBOARD_CONTROL_HOSTS:=}" "${DASHBOARD_HOSTILE:=}"
: "${DASHBOARD_STALE:=}" "${DASHBOARD_SEARCH:=}" "${DASHBOARD_SEARCH_HOSTS:=}"
: "${DASHBOARD_SEARCH_NOT:=}" "${DASHBOARD_FAILING:=}" "${DASHBOARD_WAIVED:=}"
: "${DASHBOARD_SITES:=}" "${DASHBOARD_RULE:=}" "${DASHBOARD_RATIONALE:=}"
: "${DASHBOARD_FIXTEXT:=}"
base=${DASHBOARD_URL%%#*}
case $base in
*/) ;;
*) base=$base/ ;;
esac
echo "dashboard at $base; artifacts in $art"

certflag=
case $base in
https:*) certflag=--ignore-certificate-errors ;;
esac

to=
command -v timeout >/dev/null 2>&1 && to="timeout 120"
mkdir -p "$tmp/home"

# chrome ARGS...: headless, no GPU, no sandbox (CI runs as root), a
# throw-away profile per call (so sessionStorage starts empty), time
# for the page's fetches to finish.
chrome() {
	rm -rf "$tmp/profile"
	HOME="$tmp/home" $to "$browser" --headless --disable-gpu --no-sandbox \
	    --user-data-dir="$tmp/profile" --no-first-run \
	    --disable-extensions --disable-background-networking \
	    --disable-sync --hide-scrollbars $certflag \
	    --virtual-time-budget=15000 "$@"
}

# urlenc TEXT: percent-encoding of everything but unreserved bytes.
urlenc() {
	printf '%s' "$1" | od -An -v -tx1 | tr -s ' \n' '  ' |
	    awk 'BEGIN { x = "0123456789abcdef" } {
		for (i = 1; i <= NF; i++) {
			h = $i
			n = index(x, substr(h, 1, 1)) * 16 - 16
			n = n + index(x, substr(h, 2, 1)) - 1
			if ((n >= 48 && n <= 57) || (n >= 65 && n <= 90) ||
			    (n >= 97 && n <= 122) || n == 45 || n == 46 ||
			    n == 95 || n == 126)
				printf "%c", n
			else
				printf "%%%s", toupper(h)
		}
	}'
}

# htmlenc TEXT: TEXT as a DOM dump serialises it in text and attributes.
htmlenc() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' \
	    -e 's/>/\&gt;/g'
}

tok=$(urlenc "$DASHBOARD_TOKEN")

# view NAME FRAGMENT VIEW [notoken]: dump the DOM and take a screenshot
# of base#FRAGMENT (the token rides in the fragment, never sent to the
# server; not at all for the login view or with notoken); checks the
# page ended in view VIEW with data-state="ready".
view() {
	name=$1
	frag=$2
	want=$3
	sep='?'
	case $frag in
	*\?*) sep='&' ;;
	esac
	if [ "$want" = login ] || [ "${4:-}" = notoken ]; then
		url="$base#$frag"
	else
		url="$base#$frag${sep}token=$tok"
	fi
	# One run does both (Chromium's start-up is the slow part).
	chrome --window-size=1280,1400 --screenshot="$art/$name.png" \
	    --dump-dom "$url" >"$art/$name.html" 2>"$tmp/$name.err"
	dom="$art/$name.html"
	size=$(wc -c <"$art/$name.png" 2>/dev/null || echo 0)
	magic=$(od -An -tx1 -N8 "$art/$name.png" 2>/dev/null | tr -d ' \n')
	if [ "$magic" = 89504e470d0a1a0a ] && [ "$size" -gt 20000 ]; then
		ok "$name: screenshot $art/$name.png ($size bytes)"
	else
		bad "$name: screenshot (magic '$magic', $size bytes)"
		grep -v dbus "$tmp/$name.err" | tail -n 3
	fi
	mainel=$(grep -o '<main id="main"[^>]*>' "$dom")
	if echo "$mainel" | grep -q "data-view=\"$want\"" &&
	    echo "$mainel" | grep -q 'data-state="ready"'; then
		ok "$name: view $want rendered"
	else
		bad "$name: view $want rendered ($mainel)"
		grep -o '<p class="error"[^<]*<' "$dom" | head -n 3
		grep -v dbus "$tmp/$name.err" | tail -n 3
	fi
	# No element came from the data: the dashboard's own markup has no
	# img or script besides app.js; no javascript: link was made.
	if grep -q '<img\|<script>\|href="javascript:' "$dom"; then
		bad "$name: markup from the data in the DOM"
		grep -o '<img[^>]*>\|<script>[^<]*\|href="javascript:[^"]*"' \
		    "$dom" | head -n 3
	fi
	if grep -q '<title>pwned' "$dom"; then
		bad "$name: a script from the data ran (title pwned)"
	fi
}

# has NAME ATTR VALUE...: each VALUE appears as ATTR="VALUE" in the DOM.
has() {
	name=$1
	attr=$2
	shift 2
	for v in "$@"; do
		if grep -qF "$attr=\"$(htmlenc "$v")\"" "$art/$name.html"; then
			ok "$name: $attr $v shown"
		else
			bad "$name: $attr $v missing"
		fi
	done
}

# hostile NAME: the hostile text shows as text in NAME's DOM.
hostile() {
	[ -n "$DASHBOARD_HOSTILE" ] || return 0
	if grep -qF "$(htmlenc "$DASHBOARD_HOSTILE")" "$art/$1.html"; then
		ok "$1: hostile title shown as text"
	else
		bad "$1: hostile title not shown as text"
	fi
}

# The sign-in form when no token is stored.
view login /fleet login
if grep -q '<form class="card login" id="login"' "$art/login.html" &&
    grep -q 'type="password" id="token"' "$art/login.html"; then
	ok "login: token form shown"
else
	bad "login: token form shown"
fi

# The trend on its own: another period.
view trend "/fleet?framework=iso27001-2022&days=30" fleet
has trend id trend-chart
has trend data-series fail waived pass unknown
view fleet-iso27001 "/fleet?framework=iso27001-2022" fleet
# shellcheck disable=SC2086
has fleet-iso27001 data-control $DASHBOARD_CONTROLS
# The trend chart: four stacked series on a time axis.
has fleet-iso27001 id trend-chart
has fleet-iso27001 data-series fail waived pass unknown
if [ "$fakeapi" = 1 ]; then
	# fake-api.json's trend: five days, 2026-11-19 .. 2026-11-23, the
	# last one 1 failing, 1 waived, 1 passing, 1 without data.
	for t in '>2026-11-19</text>' '>2026-11-23</text>' \
	    'On 2026-11-23 00:00 UTC: 1 failing, 1 waived, 1 passing, 1 without data.'; do
		if grep -qF "$t" "$art/fleet-iso27001.html"; then
			ok "fleet-iso27001: trend shows $t"
		else
			bad "fleet-iso27001: trend lacks $t"
		fi
	done
	# Hand-counted from fake-api.json: 4 controls, one of each status.
	for t in 'controls failing' 'controls passing' 'controls waived' \
	    'no data'; do
		if grep -q "<b>1</b>$t<" "$art/fleet-iso27001.html"; then
			ok "fleet-iso27001: 1 $t"
		else
			bad "fleet-iso27001: 1 $t"
		fi
	done
	grep -q '4 of 4 controls shown' "$art/fleet-iso27001.html" &&
	    ok "fleet-iso27001: 4 of 4 controls shown" ||
	    bad "fleet-iso27001: 4 of 4 controls shown"
	grep -qF '&lt;script&gt;document.title' "$art/fleet-iso27001.html" &&
	    ok "fleet-iso27001: hostile control title shown as text" ||
	    bad "fleet-iso27001: hostile control title shown as text"
	view fleet-iec62443 "/fleet?framework=iec62443-3-3" fleet
	has fleet-iec62443 data-control 'SR 7.6' 'SR 1.1'
	grep -qF 'href="#/control/iec62443-3-3/SR%207.6"' \
	    "$art/fleet-iec62443.html" && ok "fleet-iec62443: link encoded" ||
	    bad "fleet-iec62443: link to SR 7.6 encoded"
	view fleet-only-failing "/fleet?framework=iso27001-2022&status=fail" \
	    fleet
	has fleet-only-failing data-control A.8.9
	if grep -q 'data-control="A.8.5"' "$art/fleet-only-failing.html"; then
		bad "fleet-only-failing: passing A.8.5 listed"
	else
		ok "fleet-only-failing: passing A.8.5 filtered out"
	fi
fi

# unlisted NAME WHY HOST...: no row of NAME's hosts table is HOST.
unlisted() {
	un=$1
	why=$2
	shift 2
	for h in "$@"; do
		if grep -qF "data-host=\"$(htmlenc "$h")\"" "$art/$un.html"; then
			bad "$un: $h listed for $why"
		else
			ok "$un: $h filtered out"
		fi
	done
}

view hosts /hosts hosts
# shellcheck disable=SC2086
has hosts data-host $DASHBOARD_HOSTS
# shellcheck disable=SC2086
has hosts data-stale $DASHBOARD_STALE

if [ -n "$DASHBOARD_ROLE" ]; then
	view hosts-role "/hosts?role=$(urlenc "$DASHBOARD_ROLE")" hosts
	# shellcheck disable=SC2086
	has hosts-role data-host $DASHBOARD_ROLE_HOSTS
	# shellcheck disable=SC2086
	unlisted hosts-role "role $DASHBOARD_ROLE" $DASHBOARD_ROLE_NOT
fi

if [ -n "$DASHBOARD_HOST" ]; then
	view host "/host/$(urlenc "$DASHBOARD_HOST")" host
	hostile host
	grep -q '<table id="rules"' "$art/host.html" &&
	    ok "host: rule results table" || bad "host: rule results table"
	grep -q '<ol class="timeline" id="drift"\|No changes between scans' \
	    "$art/host.html" && ok "host: drift timeline" ||
	    bad "host: drift timeline"
	if [ "$fakeapi" = 1 ]; then
		# fake-api.json: 5 rules, 3 changes (oldest first there,
		# newest first on the page: the two of 1795419900 first).
		grep -q '5 of 5 rules shown' "$art/host.html" &&
		    ok "host: 5 of 5 rules" || bad "host: 5 of 5 rules"
		n=$(grep -o '<li class="k-[a-z]*"' "$art/host.html" |
		    sed 's/.*k-//; s/"//' | tr '\n' ' ')
		[ "$n" = 'improvement regression config ' ] &&
		    ok "host: drift newest first" ||
		    bad "host: drift order '$n'"
		grep -q '2026-11-23 07:45 UTC' "$art/host.html" &&
		    ok "host: change time shown" || bad "host: change time"
		view host-fail "/host/$(urlenc "$DASHBOARD_HOST")?result=fail" \
		    host
		grep -q '2 of 5 rules shown' "$art/host-fail.html" &&
		    ok "host-fail: 2 of 5 rules (waived fail excluded)" ||
		    bad "host-fail: 2 of 5 rules"
	fi
fi

# status NAME HOST STATUS: the host's row in NAME's hosts table has the
# status badge STATUS (data-status, docs/api.md HOST "status").
status() {
	if tr -d '\n' <"$art/$1.html" | grep -o "<tr data-host=\"$(htmlenc \
	    "$2")\">.*" | sed 's,</tr>.*,,' |
	    grep -q "data-status=\"$3\""; then
		ok "$1: $2 badged $3"
	else
		bad "$1: $2 not badged $3"
	fi
}
for h in $DASHBOARD_FAILING; do
	status hosts "$h" fail
done
for h in $DASHBOARD_WAIVED; do
	status hosts "$h" waived
done

# Host search: the hosts view with q=, the term in the form and title.
if [ -n "$DASHBOARD_SEARCH" ]; then
	view hosts-search "/hosts?q=$(urlenc "$DASHBOARD_SEARCH")" hosts
	# shellcheck disable=SC2086
	has hosts-search data-host $DASHBOARD_SEARCH_HOSTS
	# shellcheck disable=SC2086
	unlisted hosts-search "'$DASHBOARD_SEARCH'" $DASHBOARD_SEARCH_NOT
	grep -qF "id=\"host-search\" value=\"$(htmlenc "$DASHBOARD_SEARCH")\"" \
	    "$art/hosts-search.html" &&
	    grep -qF "<q id=\"search-term\">$(htmlenc "$DASHBOARD_SEARCH")</q>" \
	    "$art/hosts-search.html" &&
	    ok "hosts-search: the term in the search box and the title" ||
	    bad "hosts-search: the term in the search box and the title"
	n=$(echo $DASHBOARD_SEARCH_HOSTS | wc -w)
	grep -q ">$n hosts\{0,1\} match\(es\)\{0,1\}<" "$art/hosts-search.html" &&
	    ok "hosts-search: $n matching" || bad "hosts-search: $n matching"
fi

# Roll-ups: the sites with their hosts by status, linked to the list.
view rollups "/rollups?by=site" rollups
grep -q '<table id="rollups"' "$art/rollups.html" &&
    ok "rollups: table" || bad "rollups: table"
# shellcheck disable=SC2086
has rollups data-group $DASHBOARD_SITES
for g in $DASHBOARD_SITES; do
	grep -qF "href=\"#/hosts?site=$(urlenc "$g")\"" "$art/rollups.html" &&
	    ok "rollups: $g links to its hosts" ||
	    bad "rollups: $g links to its hosts"
done

# The rule view: rationale and fix text as text.
if [ -n "$DASHBOARD_RULE" ]; then
	scan=${DASHBOARD_RULE%%/*}
	rid=${DASHBOARD_RULE#*/}
	view rule "/rule/$(urlenc "$scan")/$(urlenc "$rid")" rule
	blk() {
		tr -d '\n' <"$art/rule.html" |
		    grep -o "<div class=\"prose\" id=\"$1\">[^<]*</div>"
	}
	if [ -n "$DASHBOARD_RATIONALE" ] &&
	    blk rationale | grep -qF "$(htmlenc "$DASHBOARD_RATIONALE")"; then
		ok "rule: rationale shown"
	else
		bad "rule: rationale '$DASHBOARD_RATIONALE' not in its block"
	fi
	if [ -n "$DASHBOARD_FIXTEXT" ] &&
	    blk fixtext | grep -qF "$(htmlenc "$DASHBOARD_FIXTEXT")"; then
		ok "rule: fix text shown"
	else
		bad "rule: fix text '$DASHBOARD_FIXTEXT' not in its block"
	fi
	grep -qF "href=\"#/host/" "$art/rule.html" &&
	    ok "rule: links back to its host" || bad "rule: no host link"
fi

if [ "$fakeapi" = 1 ]; then
	# fake-api.json: the rationale holds a <script> element as text;
	# the fix text keeps its line breaks (pre-wrap) and indentation.
	grep -qF "&lt;script&gt;document.title='pwned'&lt;/script&gt;</div>" \
	    "$art/rule.html" && ok "rule: hostile rationale shown as text" ||
	    bad "rule: hostile rationale shown as text"
	grep -q '^    PermitRootLogin no$' "$art/rule.html" &&
	    ok "rule: fix text lines kept" || bad "rule: fix text lines kept"
	grep -qF ', hostile-ref</dd>' "$art/rule.html" &&
	    ! grep -qF 'href="javascript:' "$art/rule.html" &&
	    ok "rule: a javascript: reference is text" ||
	    bad "rule: a javascript: reference is text"
	# Waiver-aware counts, hand-counted from fake-api.json: of 3 hosts
	# one failing, one waived only (not failing), one passing, stale.
	for t in 'hosts failing' 'hosts waived only'; do
		grep -q "<b>1</b>$t<" "$art/hosts.html" &&
		    ok "hosts: 1 $t" || bad "hosts: 1 $t"
	done
	for t in 'hosts failing' 'hosts waived only' 'hosts passing' \
	    'hosts stale'; do
		grep -q "<b>1</b>$t<" "$art/fleet-iso27001.html" &&
		    ok "fleet: 1 $t" || bad "fleet: 1 $t"
	done
	grep -q '<b>3</b>hosts in all<' "$art/fleet-iso27001.html" &&
	    ok "fleet: 3 hosts in all" || bad "fleet: 3 hosts in all"
	grep -qF 'href="#/hosts?status=waived"' "$art/fleet-iso27001.html" &&
	    ok "fleet: waived-only tile links to the host list" ||
	    bad "fleet: waived-only tile links to the host list"
	grep -qF 'href="#/hosts?site=plant1&amp;status=fail"' \
	    "$art/rollups.html" &&
	    ok "rollups: failing count links to the filtered list" ||
	    bad "rollups: failing count links to the filtered list"
	view rollups-zone "/rollups?by=zone" rollups
	grep -qF 'href="#/hosts?zone=">(none)</a>' "$art/rollups-zone.html" &&
	    ok "rollups-zone: hosts without a zone link to zone=" ||
	    bad "rollups-zone: hosts without a zone link to zone="
	grep -q '<p class="notice" id="truncated">Only the first 2 of 3 ' \
	    "$art/rollups-zone.html" && ok "rollups-zone: truncation said" ||
	    bad "rollups-zone: truncation said"
	grep -q '<dt>Status</dt><dd><span class="badge r-fail" data-status="fail" title="2 failing results without a waiver">Failing</span>' \
	    "$art/host.html" && ok "host: status badge" ||
	    bad "host: status badge"
	grep -qF 'href="#/rule/5b0d3c1e-0001-4a00-8000-000000000001/xccdf_com.example.plumb_rule_sshd_disable_root_login"' \
	    "$art/host.html" && ok "host: rule links to the rule view" ||
	    bad "host: rule links to the rule view"
fi

if [ -n "$DASHBOARD_CONTROL" ]; then
	fw=${DASHBOARD_CONTROL%%/*}
	cid=${DASHBOARD_CONTROL#*/}
	view control "/control/$(urlenc "$fw")/$(urlenc "$cid")" control
	# shellcheck disable=SC2086
	has control data-host $DASHBOARD_CONTROL_HOSTS
	grep -q '<table id="history"\|No history yet' "$art/control.html" &&
	    ok "control: history" || bad "control: history"
	if [ "$fakeapi" = 1 ]; then
		n=$(grep -o '<rect ' "$art/control.html" | wc -l)
		# fake-api.json history: 5 points with 1+1+1+2+2 non-zero
		# counts, one bar each.
		[ "$n" -eq 7 ] && ok "control: 7 history bars" ||
		    bad "control: $n history bars, want 7"
	fi
fi

view drift "/drift?days=all" drift
grep -q '<table id="fleet-drift"' "$art/drift.html" &&
    ok "drift: fleet table" || bad "drift: fleet table"
if [ "$fakeapi" = 1 ]; then
	# fake-api.json: 4 changes on 2 hosts, 2 of them regressions.
	n=$(grep -o 'data-change=' "$art/drift.html" | wc -l)
	[ "$n" -eq 4 ] && ok "drift: 4 changes listed" ||
	    bad "drift: $n changes listed, want 4"
	grep -q '<b>2</b>regressions' \
	    "$art/drift.html" && ok "drift: 2 regressions counted" ||
	    bad "drift: regressions tile"
	grep -qF '&lt;img src=x onerror=' "$art/drift.html" &&
	    ok "drift: hostile title as text" ||
	    bad "drift: hostile title as text"
	view drift-regressions "/drift?days=all&kind=regression" drift
	n=$(grep -o 'data-change=' "$art/drift-regressions.html" | wc -l)
	[ "$n" -eq 2 ] && ok "drift: kind filter keeps the 2 regressions" ||
	    bad "drift: kind filter kept $n, want 2"
	for e in export/results.csv export/oscal; do
		grep -qF "data-export=\"$e\"" "$art/fleet-iso27001.html" &&
		    ok "fleet: $e download button" ||
		    bad "fleet: no $e download button"
	done
	grep -qF 'data-export="export/evidence"' "$art/control.html" &&
	    ok "control: evidence download button" ||
	    bad "control: no evidence download button"
fi

view waivers /waivers waivers
grep -q '<table id="waivers"' "$art/waivers.html" &&
    ok "waivers: list" || bad "waivers: list"
grep -q '<form class="card stack" id="waiver-form"' "$art/waivers.html" &&
    ok "waivers: create form" || bad "waivers: create form"
if [ "$fakeapi" = 1 ]; then
	# Current waivers: the two in force and the one awaiting
	# approval (5), not the expired one (3).
	has waivers data-waiver 1 2 5
	grep -qF 'data-waiver="3"' "$art/waivers.html" &&
	    bad "waivers: the expired one shown by default" ||
	    ok "waivers: the expired one hidden by default"
	n=$(grep -o '>Revoke</button>' "$art/waivers.html" | wc -l)
	[ "$n" -eq 2 ] && ok "waivers: 2 revoke buttons" ||
	    bad "waivers: $n revoke buttons, want 2"
	n=$(grep -o '>Approve</button>' "$art/waivers.html" | wc -l)
	[ "$n" -eq 1 ] && ok "waivers: 1 approve button (the request)" ||
	    bad "waivers: $n approve buttons, want 1"
	grep -qF 'Awaiting approval' "$art/waivers.html" &&
	    ok "waivers: the request's state" ||
	    bad "waivers: no 'Awaiting approval' state"
	grep -qF 'USB until the 2027 line stop. &lt;b&gt;bold?&lt;/b&gt;' \
	    "$art/waivers.html" && ok "waivers: justification as text" ||
	    bad "waivers: justification as text"

	# Every API call carried the token; none went without, but the
	# sign-in view's question whether a client certificate signs the
	# browser in (GET whoami, no header).
	api=$(grep -c ' /api/v1/' "$tmp/requests.log")
	okc=$(grep -c ' /api/v1/.* auth=ok$' "$tmp/requests.log")
	who=$(grep -c '^GET /api/v1/whoami auth=none$' "$tmp/requests.log")
	if [ "$api" -gt 10 ] && [ "$who" -eq 1 ] &&
	    [ "$api" -eq $((okc + who)) ]; then
		ok "fake-api: $api API requests, all with the bearer token \
but the sign-in view's whoami"
	else
		bad "fake-api: $okc of $api API requests with the token \
($who whoami without one, want 1)"
	fi
	cp "$tmp/requests.log" "$art/requests.log"

	# Signed in by a client certificate: a fake API that takes a
	# request without a token as the certificate's (-c), as the
	# collector does after the TLS handshake.  No token anywhere.
	kill "$fakepid" 2>/dev/null
	wait "$fakepid" 2>/dev/null
	start_fake "$tmp/cert.log" -c "cert:CN=alice,O=plumb tests"
	base=$fakeurl
	view certificate /fleet fleet notoken
	grep -qF '<span id="whoami">cert:CN=alice,O=plumb tests (admin)</span>' \
	    "$art/certificate.html" &&
	    ok "certificate: signed in as the certificate's subject" ||
	    bad "certificate: the whoami header"
	grep -q '<button type="button" id="signout" hidden' \
	    "$art/certificate.html" &&
	    ok "certificate: no sign-out button (the browser holds it)" ||
	    bad "certificate: a sign-out button shown"
	n=$(grep -c ' /api/v1/.* auth=none$' "$tmp/cert.log")
	[ "$n" -ge 2 ] && ! grep -q 'auth=ok\|auth=bad' "$tmp/cert.log" &&
	    ok "certificate: $n API requests, none with a token" ||
	    bad "certificate: $n API requests without a token, or one with"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
