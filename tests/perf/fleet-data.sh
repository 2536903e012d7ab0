# fleet-data.sh - a fleet's stored scans, generated with SQL, for the
# collector's performance scripts (sourced after tests/perf/lib.sh's
# perf_collector, inside tests/collector/pg.sh: sql() runs psql).
#
# fleet_generate: PERF_HOSTS hosts (default 1000; site s(h mod 5), zone
# z(h mod 3)), each scanned once a day for PERF_DAYS days (default 90,
# the last one today) against PERF_BASELINES baselines (default 3:
# benchmark bm, profiles p0, p1 ...), each scan with PERF_RULES rule
# results (default 40; rule ids b<baseline>_rule_<r>).  Rule r of
# baseline b on host h, on day d:
#	fails when ((7h + 13b + 3r) mod 20 = 0) differs from
#	((31h + 17r + d) mod 50 = 0), else passes;
# a stable 5% of failing rules, and on any day 2% of the rules flipped
# for that day only, so about 4% of a scan's rules differ from the
# previous scan of its baseline.  host_baselines is filled as the store
# keeps it (the newest scan of each baseline).
#
# fleet_controls FILE: a control set of PERF_CONTROLS controls (default
# 20, iso27001-2022 C0...) mapping rule r of every baseline onto
# control r mod PERF_CONTROLS.
#
# Sets fleet_hosts, fleet_days, fleet_bases, fleet_rules, fleet_ctl,
# fleet_now (the generation time, epoch seconds).

fleet_hosts=${PERF_HOSTS:-1000}
fleet_days=${PERF_DAYS:-90}
fleet_bases=${PERF_BASELINES:-3}
fleet_rules=${PERF_RULES:-40}
fleet_ctl=${PERF_CONTROLS:-20}
fleet_now=$(date +%s)

fleet_generate() {
	# Day d (1..days) starts at day0 + d * 86400; the last day is today.
	_day0=$((fleet_now - (fleet_days + 1) * 86400))
	sql "
INSERT INTO hosts (id, role, site, zone, first_seen, last_seen)
 SELECT 'h' || h, 'mes', 's' || (h % 5), 'z' || (h % 3), $_day0,
  $_day0 + $fleet_days * 86400 FROM generate_series(1, $fleet_hosts) h;
INSERT INTO bundles (uuid, host, signer, signer_sha256, created,
 signing_time, received, evidence_sha256, evidence_bytes, archive_sha256,
 benchmark_id, profile_id, n_pass, n_fail)
 SELECT substr(m, 1, 8) || '-' || substr(m, 9, 4) || '-4' ||
  substr(m, 14, 3) || '-8' || substr(m, 18, 3) || '-' || substr(m, 21, 12),
  'h' || h, 'CN = h' || h, repeat('0', 64), t, t, t + 5,
  repeat('a', 64), 1, repeat('b', 64), 'bm', 'p' || b, $fleet_rules, 0
 FROM (SELECT h, b, d, md5(h || '/' || b || '/' || d) AS m,
  $_day0 + d * 86400 + (h % 3600) * 10 + b * 600 AS t
  FROM generate_series(1, $fleet_hosts) h,
  generate_series(0, $fleet_bases - 1) b,
  generate_series(1, $fleet_days) d) x;
INSERT INTO rule_results (bundle_id, seq, rule_id, result, severity)
 SELECT x.id, r, 'b' || x.b || '_rule_' || r,
  CASE WHEN ((7 * x.h + 13 * x.b + 3 * r) % 20 = 0) <>
   ((31 * x.h + 17 * r + x.d) % 50 = 0) THEN 'fail' ELSE 'pass' END,
  'medium'
 FROM (SELECT id, substr(host, 2)::int AS h,
  substr(profile_id, 2)::int AS b,
  (created - $_day0) / 86400 AS d FROM bundles) x,
  generate_series(0, $fleet_rules - 1) r;
INSERT INTO host_baselines (host, benchmark_id, profile_id, target_root,
 bundle_id, uuid, created, received)
 SELECT DISTINCT ON (host, benchmark_id, profile_id, target_root)
  host, benchmark_id, profile_id, target_root, id, uuid, created, received
 FROM bundles ORDER BY host, benchmark_id, profile_id, target_root,
  created DESC, received DESC, uuid DESC;
ANALYZE;"
}

fleet_controls() {
	{
	printf '[framework iso27001-2022]\ntitle = t\nhref = h\nrole = target\n'
	printf '[framework rule]\ntitle = rules\nrole = source\n'
	_i=0
	while [ $_i -lt "$fleet_ctl" ]; do
		printf '[control iso27001-2022 C%d]\ntitle = c%d\n' $_i $_i
		_i=$((_i + 1))
	done
	_b=0
	while [ $_b -lt "$fleet_bases" ]; do
		_r=0
		while [ $_r -lt "$fleet_rules" ]; do
			printf '[map rule b%d_rule_%d]\niso27001-2022 = C%d\n' \
			    $_b $_r $((_r % fleet_ctl))
			_r=$((_r + 1))
		done
		_b=$((_b + 1))
	done
	} >"$1"
}
