#!/bin/sh
# Render the HTML report of the XCCDF fixture (tests/fixtures/xccdf,
# profile "(all)" on root1) in headless Chromium:
# - a screenshot (1280x2000) must be a PNG of some size (the page drew);
# - the DOM after the script ran (--dump-dom) must hold one rule row per
#   result of all.expected, the script's "N of N rules shown" counter,
#   and the details rows hidden by the script.
# Chromium runs offline from a file:// URL with a throw-away profile.
# Skips (exit 77) when no Chromium is installed.  Environment: PLUMB,
# top_srcdir; SCREENSHOT_KEEP=FILE keeps the PNG for a look.  Ends with
# "N passed, N failed"; exits 1 on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PLUMB:=./plumb}"
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

dir="$top_srcdir/tests/fixtures/xccdf"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumb-screenshot.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
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

to=
command -v timeout >/dev/null 2>&1 && to="timeout 120"

# chrome ARGS...: headless, no GPU, no sandbox (CI runs as root), its
# own profile and home, no first-run or network side work.
chrome() {
	HOME="$tmp/home" $to "$browser" --headless --disable-gpu --no-sandbox \
	    --user-data-dir="$tmp/profile" --no-first-run \
	    --disable-extensions --disable-background-networking \
	    --disable-sync --hide-scrollbars "$@"
}

"$PLUMB" xccdf eval --progress --root "$dir/root1" \
    --report "$tmp/report.html" "$dir/fixture-ds.xml" >"$tmp/out" \
    2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && [ -s "$tmp/report.html" ]; then
	ok "report written"
else
	bad "report written (exit $rc)"
	head -n 3 "$tmp/err"
	echo "$passed passed, $failed failed"
	exit 1
fi
mkdir -p "$tmp/home"

chrome --screenshot="$tmp/shot.png" --window-size=1280,2000 \
    "file://$tmp/report.html" >"$tmp/chrome.out" 2>&1
size=$(wc -c <"$tmp/shot.png" 2>/dev/null || echo 0)
magic=$(od -An -tx1 -N8 "$tmp/shot.png" 2>/dev/null | tr -d ' \n')
if [ "$magic" = 89504e470d0a1a0a ] && [ "$size" -gt 30000 ]; then
	ok "screenshot is a PNG of $size bytes"
else
	bad "screenshot (magic '$magic', $size bytes)"
	tail -n 5 "$tmp/chrome.out"
fi
[ -n "${SCREENSHOT_KEEP:-}" ] && cp "$tmp/shot.png" "$SCREENSHOT_KEEP"

chrome --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" \
    2>"$tmp/chrome.err"
want=$(wc -l <"$dir/all.expected")
rows=$(grep -o '<tbody class="rule"' "$tmp/dom.html" | wc -l)
if [ "$rows" -eq "$want" ]; then
	ok "DOM has $rows rule rows"
else
	bad "DOM has $rows rule rows, want $want"
	tail -n 5 "$tmp/chrome.err"
fi
if grep -q "id=\"shown\"[^>]*>$want of $want rules shown<" "$tmp/dom.html"
then
	ok "script ran (rule counter)"
else
	bad "script ran (rule counter)"
fi
hidden=$(grep -o '<tr class="det" hidden=""' "$tmp/dom.html" | wc -l)
if [ "$hidden" -eq "$want" ]; then
	ok "details collapsed by the script"
else
	bad "details collapsed by the script ($hidden of $want)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
