# launch.sh - start plumb-collector and wait until it listens: the one
# copy of that loop for tests/collector/lib.sh and tests/load/lib.sh
# (sourced, not a test).  Expects $COLLECTOR and $tmp.
# shellcheck shell=sh

# collector_launch CONF TRIES PORT_FILE... [-- ARGS...]: start
# "$COLLECTOR -c CONF" with --port-file for the first PORT_FILE and
# --api-port-file for a second one (plus ARGS), errors appended to
# $tmp/collector.err; wait until every PORT_FILE is written, polling
# every 50 ms at most TRIES times.  Sets $collector_pid; 1 (with the
# collector's last errors printed) when it exits or does not listen in
# time.
collector_launch() {
	cl_conf=$1
	cl_tries=$2
	shift 2
	cl_files=
	cl_opts=
	cl_opt=--port-file
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		rm -f "$1"
		cl_files="$cl_files $1"
		cl_opts="$cl_opts $cl_opt $1"
		cl_opt=--api-port-file
		shift
	done
	[ $# -gt 0 ] && shift
	# shellcheck disable=SC2086 # the port options are word lists
	"$COLLECTOR" -c "$cl_conf" $cl_opts "$@" 2>>"$tmp/collector.err" &
	collector_pid=$!
	cl_i=0
	for cl_f in $cl_files; do
		while [ ! -s "$cl_f" ]; do
			cl_i=$((cl_i + 1))
			if [ "$cl_i" -gt "$cl_tries" ] ||
			    ! kill -0 "$collector_pid" 2>/dev/null
			then
				echo "plumb-collector did not start:"
				tail -n 20 "$tmp/collector.err"
				collector_pid=
				return 1
			fi
			sleep 0.05
		done
	done
	return 0
}
