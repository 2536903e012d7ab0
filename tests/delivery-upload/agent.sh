#!/bin/sh
# "plumb agent --foreground" with two scans (the [agent] content, and a
# [scan second] section with another profile): both run at once (jitter
# 0) and both bundles reach the collector; SIGHUP with a broken configuration
# is reported and the running configuration kept; SIGHUP with a good
# one reloads; SIGTERM stops it with exit 0 and nothing partial left.
# Environment: PLUMB, top_srcdir, top_builddir.  Ends with
# "N passed, N failed"; exits 1 on any failure.

. "$(dirname "$0")/lib.sh"

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	w=$(($1 * 10))
	shift
	while [ "$w" -gt 0 ]; do
		if "$@" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		w=$((w - 1))
	done
	return 1
}

start_server || finish
conf=$tmp/agent.conf
write_conf "$conf" "https://localhost:$port/api/v1/bundles" agent \
    "[limits]
nice = 10
idle_io = yes
cpu_budget_s = 600
[scan second]
content = $FIXTURE/fixture-ds.xml
profile = xccdf_org.plumb_profile_base"
cp "$conf" "$tmp/good.conf"

"$PLUMB" agent --foreground --config "$conf" 2>"$tmp/agent.log" &
agent=$!

check "first scan of each delivered" wait_for 30 sh -c \
    "test \$(grep -c '^201 ' '$arrivals') -ge 2"
check "the scans were logged, each by name" sh -c "grep -q \
    'scan done: bundle .* (scan default)' '$tmp/agent.log' && grep -q \
    'scan done: bundle .* (scan second)' '$tmp/agent.log'"

printf '[agent]\nno_such_key = 1\n' >"$conf"
kill -HUP "$agent"
check "SIGHUP with a broken configuration: reported" \
    wait_for 10 grep -q 'keeping the running configuration' "$tmp/agent.log"
check "... and the agent keeps running" kill -0 "$agent"
check "... the message names the file" grep -q "$conf" "$tmp/agent.log"

cp "$tmp/good.conf" "$conf"
kill -HUP "$agent"
check "SIGHUP with a good configuration: reloaded" \
    wait_for 10 grep -q 'configuration reloaded' "$tmp/agent.log"

kill -TERM "$agent"
i=0
while kill -0 "$agent" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$agent"
rc=$?
check "SIGTERM: the agent exits 0" test "$rc" -eq 0
check "SIGTERM: stop logged" grep -q 'agent stopping' "$tmp/agent.log"
check "spool empty, no partial file" \
    test -z "$(ls -A "$tmp/spool" | grep -vx .lock)"
check "no scan directory left" test -z "$(ls -A "$tmp/state")"

# A running scan is abandoned at SIGTERM: no partial bundle remains.
stop_server
"$PLUMB" agent --foreground --config "$conf" 2>"$tmp/agent2.log" &
agent=$!
# Signals are handled once it says it started; the first scan is then
# running (or about to), so SIGTERM lands in the middle of it.
wait_for 30 grep -q 'agent started' "$tmp/agent2.log"
kill -TERM "$agent"
wait "$agent"
check "SIGTERM during the first scan: exit 0" test $? -eq 0
check "... only complete bundles in the spool" \
    test -z "$(ls -A "$tmp/spool" | grep -vx .lock | grep -v '^[0-9]*-[0-9a-f-]*\.p7m$')"

"$PLUMB" agent --foreground --config "$tmp/missing.conf" 2>/dev/null
check "missing configuration: exit 1" test $? -eq 1
if [ -n "${VERBOSE:-}" ]; then cat "$tmp/agent.log"; fi
finish
