/*
 * app.js - the plumb collector dashboard: one page, hash routing, no
 * framework, no external assets.  It reads the collector's JSON API
 * (docs/api.md) with a bearer token kept in this tab's sessionStorage.
 *
 * Everything that comes from the API is put into the page as text
 * (textContent, text nodes, setAttribute of plain values): never
 * innerHTML, so a hostile rule title is shown, not run.
 *
 * Routes:
 *   #/fleet?framework=F&days=N   per-framework control compliance and
 *                                its trend over N days (default 90)
 *   #/hosts?role=&site=&zone=&q=&status=   hosts: filters, search
 *   #/host/ID?result=R&q=TEXT    one host: rule results, drift timeline
 *   #/rule/SCAN/RULE_ID          one rule of a scan: rationale, fix text
 *   #/rollups?by=site|zone       hosts per site or zone, by status
 *   #/control/F/ID               one control: hosts failing it, history
 *   #/waivers?all=1              waivers: list, create, revoke
 * A "token" parameter in the fragment (e.g. #/hosts?token=T, used by
 * scripts) is moved into sessionStorage and removed from the address.
 */
(function () {
	'use strict';

	var API = '/api/v1/';
	var TOKEN_KEY = 'plumb.collector.token';

	var FRAMEWORKS = [
		{ id: 'iso27001-2022', title: 'ISO/IEC 27001:2022 Annex A' },
		{ id: 'csf2', title: 'NIST CSF 2.0' },
		{ id: 'iec62443-3-3', title: 'IEC 62443-3-3' }
	];

	var RESULTS = ['pass', 'fail', 'error', 'unknown', 'notapplicable',
	    'notchecked', 'notselected', 'informational', 'fixed'];

	var RESULT_LABEL = {
		pass: 'Pass', fail: 'Fail', error: 'Error', unknown: 'Unknown',
		notapplicable: 'Not applicable', notchecked: 'Not checked',
		notselected: 'Not selected', informational: 'Informational',
		fixed: 'Fixed', waived: 'Waived'
	};

	/* A host's waiver-aware status (docs/api.md HOST "status"). */
	var STATUS_LABEL = {
		fail: 'Failing', waived: 'Waived only', pass: 'Passing',
		unknown: 'No data', stale: 'Stale'
	};
	var STATUS_CLASS = {
		fail: 'r-fail', waived: 'r-waived', pass: 'r-pass',
		unknown: 'r-unknown', stale: 'r-stale'
	};

	var KIND_LABEL = {
		regression: 'Regression', improvement: 'Improvement',
		config: 'Configuration changed', 'new': 'New rule',
		removed: 'Rule removed'
	};

	var main = document.getElementById('main');
	var generation = 0;	/* bumps on each render: late answers dropped */
	var flash = '';		/* a notice for the next waivers view */

	/* ------------------------------------------------------ helpers */

	/*
	 * el('tag', {class: 'x', href: '#/y'}, child...) builds an element;
	 * string and number children become text nodes, arrays are
	 * flattened, null/undefined/false are skipped.  Attributes go
	 * through setAttribute, event handlers through "on" + function.
	 */
	function el(tag, attrs) {
		var e = document.createElement(tag);
		var k, i;

		if (attrs) {
			for (k in attrs) {
				if (!Object.prototype.hasOwnProperty.call(attrs, k))
					continue;
				var v = attrs[k];
				if (v === null || v === undefined || v === false)
					continue;
				if (k.indexOf('on') === 0 && typeof v === 'function')
					e.addEventListener(k.substring(2), v);
				else if (k === 'text')
					e.textContent = String(v);
				else
					e.setAttribute(k, v === true ? '' : String(v));
			}
		}
		for (i = 2; i < arguments.length; i++)
			append(e, arguments[i]);
		return e;
	}

	/* append(parent, child...): children as el() takes them. */
	function append(parent) {
		var i;

		for (i = 1; i < arguments.length; i++)
			appendOne(parent, arguments[i]);
	}

	function appendOne(parent, c) {
		var i;

		if (c === null || c === undefined || c === false)
			return;
		if (Array.isArray(c)) {
			for (i = 0; i < c.length; i++)
				appendOne(parent, c[i]);
		} else if (typeof c === 'object' && c.nodeType)
			parent.appendChild(c);
		else
			parent.appendChild(document.createTextNode(String(c)));
	}

	function clear(node) {
		while (node.firstChild)
			node.removeChild(node.firstChild);
	}

	/* A link inside the dashboard: route segments are URI-encoded. */
	function route(segs, params) {
		var h = '#/' + segs.map(encodeURIComponent).join('/');
		var q = query(params);
		return q ? h + '?' + q : h;
	}

	/* key=value&... of the non-empty params. */
	function query(params) {
		var out = [];
		var k;

		if (!params)
			return '';
		for (k in params) {
			if (Object.prototype.hasOwnProperty.call(params, k) &&
			    params[k] !== undefined && params[k] !== null &&
			    params[k] !== '')
				out.push(encodeURIComponent(k) + '=' +
				    encodeURIComponent(params[k]));
		}
		return out.join('&');
	}

	/* Only http(s) links from the data become hrefs. */
	function safeHref(href) {
		return typeof href === 'string' && /^https?:\/\//i.test(href) ?
		    href : null;
	}

	function fmtTime(secs, iso) {
		var d;

		if (typeof secs !== 'number' || !isFinite(secs) || secs <= 0) {
			if (typeof iso === 'string' && iso)
				return iso;
			return '\u2014';
		}
		d = new Date(secs * 1000);
		if (isNaN(d.getTime()))
			return '\u2014';
		return d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/,
		    ' UTC');
	}

	/* "3 h ago" style age, for last-seen columns. */
	function fmtAge(secs) {
		var s;

		if (typeof secs !== 'number' || secs <= 0)
			return '';
		s = Math.floor(Date.now() / 1000 - secs);
		if (s < 0)
			return '';
		if (s < 120)
			return s + ' s ago';
		if (s < 7200)
			return Math.floor(s / 60) + ' min ago';
		if (s < 172800)
			return Math.floor(s / 3600) + ' h ago';
		return Math.floor(s / 86400) + ' days ago';
	}

	function fmtNum(n, digits) {
		if (typeof n !== 'number' || !isFinite(n))
			return '\u2014';
		return n.toFixed(digits === undefined ? 0 : digits);
	}

	function num(n) {
		return typeof n === 'number' && isFinite(n) ? n : 0;
	}

	/* A result (or status, or drift kind) as coloured text. */
	function badge(value, labels, prefix) {
		var v = typeof value === 'string' && value ? value : 'unknown';
		var label = (labels || RESULT_LABEL)[v] || v;

		return el('span', { 'class': 'badge ' + (prefix || 'r-') +
		    v.replace(/[^a-z0-9-]/gi, '') }, label);
	}

	function tile(label, value, cls) {
		return el('div', { 'class': 'tile ' + (cls || '') },
		    el('b', null, String(value)), label);
	}

	function th(text, cls) {
		return el('th', cls ? { 'class': cls } : null, text);
	}

	function td(content, cls) {
		return el('td', cls ? { 'class': cls } : null, content);
	}

	function errorBox(msg) {
		return el('p', { 'class': 'error', role: 'alert' }, msg);
	}

	/* ------------------------------------------------------ token */

	function token() {
		try {
			return sessionStorage.getItem(TOKEN_KEY) || '';
		} catch (e) {
			return '';
		}
	}

	function setToken(t) {
		try {
			if (t)
				sessionStorage.setItem(TOKEN_KEY, t);
			else
				sessionStorage.removeItem(TOKEN_KEY);
		} catch (e) {
			/* storage disabled: the token lasts this page only */
		}
		memoryToken = t;
	}
	var memoryToken = '';

	function currentToken() {
		return token() || memoryToken;
	}

	/* ------------------------------------------------------ API */

	function ApiError(status, message) {
		this.status = status;
		this.message = message;
	}

	/*
	 * Calls the API; resolves to the parsed JSON.  401 forgets the
	 * token and shows the sign-in form; other failures reject with
	 * an ApiError saying what the collector answered.
	 */
	/* fetch() options carrying the credentials, accepting type. */
	function requestOpts(method, type) {
		var opts = {
			method: method,
			headers: { 'Accept': type },
			cache: 'no-store',
			credentials: 'same-origin'
		};

		/* Without a token the browser's client certificate (TLS)
		 * is the only credential; an empty Bearer header would be
		 * refused even with a certificate. */
		if (currentToken())
			opts.headers['Authorization'] = 'Bearer ' +
			    currentToken();
		return opts;
	}

	function api(method, path, body) {
		var opts = requestOpts(method, 'application/json');

		if (body !== undefined) {
			opts.headers['Content-Type'] = 'application/json';
			opts.body = JSON.stringify(body);
		}
		return fetch(API + path, opts).then(function (res) {
			return res.text().then(function (text) {
				var data = null;

				try {
					data = text ? JSON.parse(text) : null;
				} catch (e) {
					data = null;
				}
				if (res.status === 401) {
					var had = currentToken();

					setToken('');
					identity = null;
					showLogin(had ? 'The collector did not ' +
					    'accept the token (401). Enter a valid ' +
					    'token.' : '');
					throw new ApiError(401, 'not signed in');
				}
				if (!res.ok) {
					throw new ApiError(res.status, 'The collector ' +
					    'answered ' + res.status + ' for ' + method +
					    ' ' + API + path + (data && data.error ?
					    ': ' + data.error : ''));
				}
				if (data === null)
					throw new ApiError(res.status, 'The collector ' +
					    'sent no JSON for ' + API + path);
				return data;
			});
		}, function (e) {
			throw new ApiError(0, 'Cannot reach the collector (' +
			    API + path + '): ' + e.message);
		});
	}

	function get(path, params) {
		var q = query(params);
		return api('GET', q ? path + '?' + q : path);
	}

	/*
	 * A download button: GET path?params with the credentials (a
	 * plain link cannot carry the token), saved as file.  Failures
	 * show in msg.
	 */
	function downloadButton(label, path, params, file, msg) {
		return el('button', { type: 'button', 'class': 'download',
		    'data-export': path, onclick: function () {
			var q = query(params);

			fetch(API + (q ? path + '?' + q : path),
			    requestOpts('GET', '*/*')).then(function (res) {
				if (!res.ok)
					throw new ApiError(res.status, 'The ' +
					    'collector answered ' + res.status +
					    ' for ' + API + path);
				return res.blob();
			}).then(function (b) {
				var a = el('a', { href: URL.createObjectURL(b),
				    download: file });

				document.body.appendChild(a);
				a.click();
				document.body.removeChild(a);
				URL.revokeObjectURL(a.href);
			}).catch(function (e) {
				clear(msg);
				append(msg, errorBox(e.message || String(e)));
			});
		} }, label);
	}

	/* ------------------------------------------------------ routing */

	function parseHash() {
		var h = location.hash.replace(/^#\/?/, '');
		var qi = h.indexOf('?');
		var path = qi >= 0 ? h.substring(0, qi) : h;
		var params = new URLSearchParams(qi >= 0 ? h.substring(qi + 1) :
		    '');
		var segs = path.split('/').filter(function (s) {
			return s !== '';
		}).map(function (s) {
			try {
				return decodeURIComponent(s);
			} catch (e) {
				return s;
			}
		});

		return { segs: segs, params: params };
	}

	/* A token in the fragment goes to storage and off the address. */
	function takeFragmentToken() {
		var r = parseHash();
		var t = r.params.get('token');
		var rest = {};

		if (t === null)
			return;
		setToken(t);
		r.params.forEach(function (v, k) {
			if (k !== 'token')
				rest[k] = v;
		});
		history.replaceState(null, '', location.pathname +
		    location.search + route(r.segs.length ? r.segs : ['fleet'],
		    rest));
	}

	function setNav(view) {
		var links = document.querySelectorAll('#nav a');
		var i;

		for (i = 0; i < links.length; i++) {
			if (links[i].getAttribute('data-view') === view)
				links[i].className = 'active';
			else
				links[i].className = '';
		}
		document.getElementById('signout').hidden = !currentToken();
	}

	/* Start a view: clears main, returns a token to check later. */
	function begin(view, title) {
		generation++;
		clear(main);
		main.setAttribute('data-view', view);
		main.setAttribute('data-state', 'loading');
		setNav(view);
		document.title = title + ' \u2014 plumb collector';
		return generation;
	}

	function done(gen) {
		if (gen === generation)
			main.setAttribute('data-state', 'ready');
	}

	function failed(gen, where, e) {
		if (gen !== generation)
			return;
		if (e && e.status === 401)
			return;		/* showLogin() took over */
		append(where, errorBox(e && e.message ? e.message :
		    String(e)));
		main.setAttribute('data-state', 'error');
	}

	/*
	 * Who the collector takes us for: with a token, its name and
	 * role; without one, the admin client certificate the browser
	 * presented, if any (docs/api.md, "Roles").  Shown in the header.
	 */
	var identity = null;

	function signIn() {
		var gen = ++generation;

		get('whoami').then(function (d) {
			if (gen !== generation)
				return;
			identity = d;
			showIdentity();
			render();
		}).catch(function (e) {
			if (gen !== generation || (e && e.status === 401))
				return;		/* showLogin() took over */
			showLogin(e && e.message ? e.message : String(e));
		});
	}

	function showIdentity() {
		var who = document.getElementById('whoami');
		var out = document.getElementById('signout');

		if (who) {
			who.textContent = identity ? identity.principal +
			    ' (' + identity.role + ')' : '';
			who.hidden = !identity;
		}
		/* A certificate stays with the browser: only a token can
		 * be signed out of. */
		out.hidden = !(identity && currentToken());
	}

	function render() {
		var r;

		takeFragmentToken();
		if (!identity) {
			signIn();
			return;
		}
		r = parseHash();
		switch (r.segs[0] || 'fleet') {
		case 'fleet':
			viewFleet(r.params);
			break;
		case 'hosts':
			viewHosts(r.params);
			break;
		case 'host':
			viewHost(r.segs[1] || '', r.params);
			break;
		case 'control':
			viewControl(r.segs[1] || '', r.segs[2] || '', r.params);
			break;
		case 'waivers':
			viewWaivers(r.params);
			break;
		case 'drift':
			viewDrift(r.params);
			break;
		case 'rule':
			viewRule(r.segs[1] || '', r.segs[2] || '');
			break;
		case 'rollups':
			viewRollups(r.params);
			break;
		default:
			var gen = begin('none', 'Not found');
			append(main, el('h1', null, 'No such page'),
			    el('p', null, 'Go to ', el('a', { href: '#/fleet' },
			    'fleet compliance'), '.'));
			done(gen);
		}
	}

	/* ------------------------------------------------------ sign in */

	function showLogin(message) {
		var input, form;

		generation++;
		clear(main);
		main.setAttribute('data-view', 'login');
		main.setAttribute('data-state', 'ready');
		setNav('');
		identity = null;
		showIdentity();
		document.title = 'Sign in \u2014 plumb collector';
		input = el('input', { type: 'password', id: 'token',
		    name: 'token', autocomplete: 'off', required: true,
		    spellcheck: 'false' });
		form = el('form', { 'class': 'card login', id: 'login',
		    onsubmit: function (ev) {
			ev.preventDefault();
			if (!input.value.trim())
				return;
			setToken(input.value.trim());
			render();
		} },
		    el('h1', null, 'Sign in'),
		    el('p', { 'class': 'muted' }, 'The dashboard reads the ' +
		    'collector\u2019s API with a bearer token (created with ' +
		    '\u201cplumb-collector token add NAME [--role ROLE]\u201d)' +
		    '. It is kept in this browser tab only and forgotten ' +
		    'when the tab closes. With an admin client certificate ' +
		    'in the browser (plumb-pki admin), no token is needed: ' +
		    'reload the page, or choose the button below.'),
		    message ? errorBox(message) : null,
		    el('label', { 'for': 'token' }, 'API token'),
		    input,
		    el('button', { type: 'submit' }, 'Sign in'),
		    el('button', { type: 'button', id: 'cert-signin',
		    onclick: function () {
			setToken('');
			signIn();
		} }, 'Use my client certificate'));
		append(main, form);
		input.focus();
	}

	/* ------------------------------------------------------ fleet */

	function viewFleet(params) {
		var fw = params.get('framework') || FRAMEWORKS[0].id;
		var status = params.get('status') || '';
		var gen = begin('fleet', 'Fleet compliance');
		var fwTitle = fw;
		var tabs = el('div', { 'class': 'tabs', role: 'tablist' });
		var body = el('div');
		var trend = el('section', { id: 'trend' });

		FRAMEWORKS.forEach(function (f) {
			if (f.id === fw)
				fwTitle = f.title;
			append(tabs, el('a', { href: route(['fleet'],
			    { framework: f.id }), role: 'tab',
			    'class': f.id === fw ? 'active' : null,
			    'aria-selected': f.id === fw ? 'true' : 'false' },
			    f.title));
		});
		var emsg = el('div');
		var hostTiles = el('div', { id: 'fleet-hosts' });

		append(main, el('h1', null, 'Fleet compliance: ' + fwTitle),
		    hostTiles, tabs, el('div', { 'class': 'exports' },
		    downloadButton('Results (CSV)', 'export/results.csv', {},
		    'plumb-results.csv', emsg),
		    downloadButton('Assessment results (OSCAL)', 'export/oscal',
		    { framework: fw }, 'plumb-oscal-' + fw + '.json', emsg)),
		    emsg, trend, body);
		append(body, el('p', { 'class': 'muted' }, 'Loading controls\u2026'));
		var p2 = fleetTrend(trend, gen, fw, params.get('days') || '90');

		var pHosts = get('rollups', { by: 'site' }).then(function (d) {
			if (gen !== generation)
				return;
			fleetHostTiles(hostTiles, d.total || {});
		}).catch(function (e) {
			failed(gen, hostTiles, e);
			throw e;
		});
		var pControls = get('controls', { framework: fw }).then(
		    function (data) {
			var controls = Array.isArray(data.controls) ?
			    data.controls : [];
			var count = { pass: 0, fail: 0, waived: 0, unknown: 0 };
			var filter, table, tbody, shown = 0;

			if (gen !== generation)
				return;
			clear(body);
			controls.forEach(function (c) {
				var s = count.hasOwnProperty(c.status) ?
				    c.status : 'unknown';
				count[s]++;
			});
			append(body, el('div', { 'class': 'summary' },
			    tile('controls failing', count.fail, 'r-fail'),
			    tile('controls passing', count.pass, 'r-pass'),
			    tile('controls waived', count.waived, 'r-waived'),
			    tile('no data', count.unknown, 'r-unknown')));

			filter = el('select', { id: 'status-filter',
			    onchange: function () {
				location.hash = route(['fleet'], { framework: fw,
				    status: filter.value });
			} },
			    el('option', { value: '' }, 'All statuses'),
			    ['fail', 'pass', 'waived', 'unknown'].map(function (s) {
				return el('option', { value: s,
				    selected: s === status }, 'Only ' +
				    (RESULT_LABEL[s] || s).toLowerCase());
			}));
			append(body, el('form', { 'class': 'filters' },
			    el('label', null, 'Show', filter)));

			tbody = el('tbody');
			table = el('table', { id: 'controls' },
			    el('thead', null, el('tr', null, th('Control'),
			    th('Title'), th('Status'), th('Hosts passing', 'num'),
			    th('Hosts failing', 'num'), th('Hosts waived', 'num'),
			    th('Failing since'), th('Rules'))), tbody);
			/* Failing controls first, else the API's order. */
			controls = controls.map(function (c, i) {
				return { c: c, i: i };
			}).sort(function (a, b) {
				return (a.c.status === 'fail' ? 0 : 1) -
				    (b.c.status === 'fail' ? 0 : 1) || a.i - b.i;
			}).map(function (x) {
				return x.c;
			});
			controls.forEach(function (c) {
				if (status && c.status !== status)
					return;
				shown++;
				append(tbody, el('tr', { 'data-control': c.id },
				    td(el('a', { href: route(['control',
				    c.framework || fw, c.id]) }, c.id)),
				    td(c.title || ''),
				    td(badge(c.status)),
				    td(fmtNum(c.pass_hosts), 'num'),
				    td(fmtNum(c.fail_hosts), 'num'),
				    td(fmtNum(c.waived_hosts), 'num'),
				    td(c.status === 'fail' ?
				    fmtTime(c.failing_since, c.failing_since_iso) :
				    '\u2014'),
				    td(fmtNum(Array.isArray(c.rules) ?
				    c.rules.length : 0), 'num')));
			});
			append(body, table, el('p', { 'class': 'muted',
			    id: 'shown' }, shown + ' of ' + controls.length +
			    ' controls shown'));
		}).catch(function (e) {
			clear(body);
			failed(gen, body, e);
			throw e;
		});
		Promise.all([pHosts, pControls, p2]).then(function () {
			done(gen);
		}, function () { /* shown in place */ });
	}

	/*
	 * The fleet's hosts by waiver-aware status (GET rollups total): a
	 * host whose only failures are waived is not counted as failing.
	 * Each tile links to the host list with that status.
	 */
	function fleetHostTiles(where, t) {
		clear(where);
		append(where, el('div', { 'class': 'summary' },
		    ['fail', 'waived', 'pass', 'unknown', 'stale'].map(function (k) {
			return el('a', { href: route(['hosts'], { status: k }),
			    'class': 'tile ' + STATUS_CLASS[k],
			    'data-hosts': k }, el('b', null,
			    String(num(t[k + '_hosts']))), 'hosts ' +
			    STATUS_LABEL[k].toLowerCase());
		}), el('a', { href: '#/rollups', 'class': 'tile' },
		    el('b', null, String(num(t.hosts))), 'hosts in all')));
	}

	/* A host's status as a badge (data-status for scripts). */
	function statusBadge(h) {
		var st = STATUS_LABEL[h.status] ? h.status : 'unknown';

		return el('span', { 'class': 'badge ' + STATUS_CLASS[st],
		    'data-status': st, title: st === 'waived' ?
		    fmtNum(num(h.waived_rules)) + ' failing results, all ' +
		    'waived' : st === 'fail' ? fmtNum(num(h.failing_rules)) +
		    ' failing results without a waiver' : null },
		    STATUS_LABEL[st]);
	}

	/* ------------------------------------------------------ hosts */

	/*
	 * A link to the host list: every key of filters whose value is a
	 * string is kept, even "" (site= lists the hosts without a site,
	 * as the API does); route() would drop the empty ones.
	 */
	function hostsLink(filters) {
		var out = [];

		['role', 'site', 'zone', 'q', 'status'].forEach(function (k) {
			if (typeof filters[k] === 'string')
				out.push(encodeURIComponent(k) + '=' +
				    encodeURIComponent(filters[k]));
		});
		return '#/hosts' + (out.length ? '?' + out.join('&') : '');
	}

	function viewHosts(params) {
		var gen = begin('hosts', 'Hosts');
		var filt = {};
		var body = el('div');
		var inputs = {};
		var q = params.get('q') || '';
		var status = params.get('status') || '';
		var apiq = [];
		var form = el('form', { 'class': 'filters', id: 'host-filters',
		    onsubmit: function (ev) {
			ev.preventDefault();
			location.hash = route(['hosts'], {
			    q: inputs.q.value.trim(),
			    status: inputs.status.value,
			    role: inputs.role.value.trim(),
			    site: inputs.site.value.trim(),
			    zone: inputs.zone.value.trim() });
		} });

		/* A filter present but empty ("site=") means "without one". */
		['role', 'site', 'zone'].forEach(function (k) {
			filt[k] = params.has(k) ? params.get(k) : null;
			if (filt[k] !== null)
				apiq.push(encodeURIComponent(k) + '=' +
				    encodeURIComponent(filt[k]));
		});
		if (q)
			apiq.push('q=' + encodeURIComponent(q));
		if (status)
			apiq.push('status=' + encodeURIComponent(status));
		inputs.q = el('input', { name: 'q', id: 'host-search', value: q,
		    type: 'search', size: 24,
		    placeholder: 'host, role, site or zone' });
		inputs.status = el('select', { name: 'status', id: 'host-status' },
		    el('option', { value: '' }, 'Any status'),
		    ['fail', 'waived', 'pass', 'unknown', 'stale'].map(
		    function (k) {
			return el('option', { value: k, selected: k === status },
			    STATUS_LABEL[k]);
		}));
		append(form, el('label', null, 'Search', inputs.q),
		    el('label', null, 'Status', inputs.status));
		['role', 'site', 'zone'].forEach(function (k) {
			inputs[k] = el('input', { name: k, value: filt[k] || '',
			    list: 'list-' + k, size: 14,
			    placeholder: filt[k] === '' ? '(none)' : 'any' });
			append(form, el('label', null, k.charAt(0).toUpperCase() +
			    k.substring(1), inputs[k]),
			    el('datalist', { id: 'list-' + k }));
		});
		append(form, el('button', { type: 'submit' }, 'Filter'),
		    el('a', { href: '#/hosts' }, 'Clear filters'));
		append(main, el('h1', null, q ? ['Hosts matching ', el('q',
		    { id: 'search-term' }, q)] : 'Hosts'), form, body);
		append(body, el('p', { 'class': 'muted' }, 'Loading hosts\u2026'));

		api('GET', apiq.length ? 'hosts?' + apiq.join('&') : 'hosts').then(
		    function (data) {
			var hosts = Array.isArray(data.hosts) ? data.hosts : [];
			var tbody = el('tbody');
			var seen = { role: {}, site: {}, zone: {} };
			var worst = 0, waived = 0, stale = 0;

			if (gen !== generation)
				return;
			clear(body);
			hosts.forEach(function (h) {
				var c = h.counts || {};

				['role', 'site', 'zone'].forEach(function (k) {
					if (h[k])
						seen[k][h[k]] = true;
				});
				/* Waiver-aware: a host whose failures are all
				 * waived is not failing. */
				if (h.status === 'fail')
					worst++;
				else if (h.status === 'waived')
					waived++;
				if (h.stale)
					stale++;
				append(tbody, el('tr', { 'data-host': h.id },
				    td(el('a', { href: route(['host', h.id]) },
				    h.id)),
				    td(statusBadge(h)),
				    td(h.role || '\u2014'), td(h.site || '\u2014'),
				    td(h.zone || '\u2014'),
				    td(fmtNum(h.score, 1), 'num'),
				    td(el('span', { 'class': num(c.pass) ?
				    'badge r-pass' : null }, fmtNum(num(c.pass))),
				    'num'),
				    td(el('span', { 'class': num(h.failing_rules) ?
				    'badge r-fail' : null },
				    fmtNum(num(h.failing_rules))), 'num'),
				    td(el('span', { 'class': num(h.waived_rules) ?
				    'badge r-waived' : null },
				    fmtNum(num(h.waived_rules))), 'num'),
				    td(fmtNum(num(c.error) + num(c.unknown)), 'num'),
				    td([fmtTime(h.last_seen, h.last_seen_iso),
				    el('br'), el('span', { 'class': 'muted' },
				    fmtAge(h.last_seen)), staleBadge(h)])));
			});
			['role', 'site', 'zone'].forEach(function (k) {
				var dl = document.getElementById('list-' + k);
				Object.keys(seen[k]).sort().forEach(function (v) {
					append(dl, el('option', { value: v }));
				});
			});
			append(body, el('div', { 'class': 'summary' },
			    tile('hosts', hosts.length, ''),
			    tile('hosts failing', worst, 'r-fail'),
			    tile('hosts waived only', waived, 'r-waived'),
			    tile('stale hosts', stale, 'r-stale')),
			    el('table', { id: 'hosts' }, el('thead', null,
			    el('tr', null, th('Host'), th('Status'), th('Role'),
			    th('Site'), th('Zone'), th('Score', 'num'),
			    th('Pass', 'num'), th('Failing', 'num'),
			    th('Waived', 'num'), th('Error / unknown', 'num'),
			    th('Last seen'))), tbody),
			    el('p', { 'class': 'muted', id: 'shown' },
			    hosts.length + (hosts.length === 1 ? ' host' :
			    ' hosts') + (apiq.length ? ' match' +
			    (hosts.length === 1 ? 'es' : '') : '')));
			if (!hosts.length)
				append(body, el('p', { 'class': 'muted' },
				    'No host matches these filters.'));
			done(gen);
		}).catch(function (e) {
			clear(body);
			failed(gen, body, e);
		});
	}

	/* A "stale" badge when the host missed its expected interval
	 * (docs/api.md HOST: stale, expected_interval_s), else nothing. */
	function staleBadge(h) {
		if (!h.stale)
			return null;
		return [' ', el('span', { 'class': 'badge r-stale',
		    'data-stale': h.id, title: 'no upload for ' +
		    fmtNum(num(h.last_scan_age_s)) + ' s, expected every ' +
		    fmtNum(num(h.expected_interval_s)) + ' s' }, 'stale')];
	}

	/* ------------------------------------------------------ host */

	function viewHost(id, params) {
		var gen = begin('host', 'Host ' + id);
		var want = params.get('result') || '';
		var q = params.get('q') || '';
		var top = el('div');
		var rules = el('div');
		var drift = el('div');

		var bases = el('div');

		append(main, el('p', null, el('a', { href: '#/hosts' },
		    '\u2190 All hosts')), el('h1', null, 'Host ', el('code',
		    null, id)), top, el('h2', null, 'Baselines'), bases,
		    el('h2', null, 'Rule results of the newest scan'), rules,
		    el('h2', null, 'Drift timeline (newest first)'), drift);
		append(top, el('p', { 'class': 'muted' }, 'Loading\u2026'));

		var pHost = get('hosts/' + encodeURIComponent(id)).then(
		    function (h) {
			if (gen !== generation)
				return;
			clear(top);
			clear(rules);
			clear(bases);
			hostFacts(top, h);
			hostBaselines(bases, h);
			hostRules(rules, h, id, want, q);
		}).catch(function (e) {
			clear(top);
			failed(gen, top, e);
			throw e;
		});
		var pDrift = get('hosts/' + encodeURIComponent(id) +
		    '/drift').then(function (d) {
			if (gen !== generation)
				return;
			clear(drift);
			driftTimeline(drift, Array.isArray(d.changes) ?
			    d.changes : []);
		}).catch(function (e) {
			clear(drift);
			failed(gen, drift, e);
			throw e;
		});
		Promise.all([pHost, pDrift]).then(function () {
			done(gen);
		}, function () { /* shown in place */ });
	}

	function hostFacts(where, h) {
		var s = h.latest || {};
		var c = h.counts || s.counts || {};
		var facts = el('dl', { 'class': 'facts' });

		function fact(k, v) {
			append(facts, el('dt', null, k), el('dd', null, v));
		}
		fact('Role', h.role || '\u2014');
		fact('Site', h.site || '\u2014');
		fact('Zone', h.zone || '\u2014');
		fact('Score', fmtNum(h.score, 1));
		fact('Status', statusBadge(h));
		fact('First seen', fmtTime(h.first_seen, h.first_seen_iso));
		fact('Last seen', [fmtTime(h.last_seen, h.last_seen_iso) + ' ' +
		    fmtAge(h.last_seen), staleBadge(h)]);
		if (h.expected_interval_s)
			fact('Expected every', fmtNum(num(h.expected_interval_s)) +
			    ' s');
		fact('Newest scan', s.uuid ? el('span', { 'class': 'id' },
		    s.uuid) : '\u2014');
		fact('Scanned', fmtTime(s.created, s.created_iso));
		fact('Benchmark', [s.benchmark_id || '\u2014',
		    s.benchmark_version ? ' ' + s.benchmark_version : '']);
		fact('Profile', s.profile_title || s.profile_id || '\u2014');
		fact('Target', scannedWhat(s.target_root));
		append(where, el('div', { 'class': 'summary' },
		    tile('pass', num(c.pass), 'r-pass'),
		    tile('fail', num(c.fail), 'r-fail'),
		    tile('error', num(c.error), 'r-error'),
		    tile('unknown', num(c.unknown), 'r-unknown'),
		    tile('not applicable', num(c.notapplicable), '')),
		    el('div', { 'class': 'card' }, facts));
	}

	/* What a scan probed: this host, or a tree (plumb scan --root),
	 * which is marked so that it never reads as the host. */
	function scannedWhat(root) {
		if (!root)
			return 'this host';
		return el('span', { 'class': 'tree', title: 'a scan of the ' +
		    'tree under ' + root + ', not of the host' }, 'tree ',
		    el('code', null, root));
	}

	/* The host's baselines: each benchmark, profile and tree with its
	 * own newest scan. */
	function hostBaselines(where, h) {
		var list = Array.isArray(h.baselines) ? h.baselines : [];
		var tbody = el('tbody');

		if (!list.length) {
			append(where, el('p', { 'class': 'muted' },
			    'No scan yet.'));
			return;
		}
		list.forEach(function (b) {
			var c = b.counts || {};

			append(tbody, el('tr', { 'data-benchmark':
			    b.benchmark_id, 'data-profile': b.profile_id,
			    'class': b.target_root ? 'tree-scan' : null },
			    td(el('span', { 'class': 'id' }, b.benchmark_id ||
			    '\u2014')),
			    td(b.profile_title || b.profile_id || '(all)'),
			    td(scannedWhat(b.target_root)),
			    td([fmtTime(b.created, b.created_iso), el('div',
			    { 'class': 'id' }, b.scan)]),
			    td(fmtNum(b.score, 1), 'num'),
			    td(num(c.pass), 'num'), td(num(c.fail), 'num'),
			    td(num(c.notapplicable), 'num')));
		});
		append(where, el('table', { id: 'baselines' }, el('thead', null,
		    el('tr', null, th('Benchmark'), th('Profile'),
		    th('Scanned'), th('Newest scan'), th('Score', 'num'),
		    th('Pass', 'num'), th('Fail', 'num'),
		    th('N/A', 'num'))), tbody));
	}

	function hostRules(where, h, id, want, q) {
		var list = Array.isArray(h.rules) ? h.rules : [];
		var scan = h.latest && h.latest.uuid ? h.latest.uuid : '';
		var sel = el('select', { name: 'result', id: 'result-filter' },
		    el('option', { value: '' }, 'All results'),
		    RESULTS.concat(['waived']).map(function (r) {
			return el('option', { value: r, selected: r === want },
			    RESULT_LABEL[r]);
		}));
		var search = el('input', { name: 'q', value: q, size: 24,
		    placeholder: 'rule id or title' });
		var tbody = el('tbody');
		var shown = 0;
		var needle = q.toLowerCase();

		append(where, el('form', { 'class': 'filters',
		    onsubmit: function (ev) {
			ev.preventDefault();
			location.hash = route(['host', id], {
			    result: sel.value, q: search.value.trim() });
		} },
		    el('label', null, 'Result', sel),
		    el('label', null, 'Search', search),
		    el('button', { type: 'submit' }, 'Filter')));
		sel.addEventListener('change', function () {
			location.hash = route(['host', id], { result: sel.value,
			    q: search.value.trim() });
		});

		list.forEach(function (r) {
			var refs = Array.isArray(r.references) ? r.references : [];
			var shownResult = r.waived ? 'waived' : r.result;

			/* A waived failure is listed as waived, not fail. */
			if (want && shownResult !== want)
				return;
			if (needle && String(r.rule_id || '').toLowerCase()
			    .indexOf(needle) < 0 && String(r.title || '')
			    .toLowerCase().indexOf(needle) < 0)
				return;
			shown++;
			append(tbody, el('tr', { 'data-rule': r.rule_id },
			    td([badge(shownResult), r.waived ? el('div',
			    { 'class': 'muted' }, 'result: ' +
			    (RESULT_LABEL[r.result] || r.result)) : null]),
			    td(r.severity || '\u2014'),
			    td([el('div', { 'class': 'title' }, scan ?
			    el('a', { href: route(['rule', scan, r.rule_id]) },
			    r.title || r.rule_id) : r.title || r.rule_id),
			    el('div', { 'class': 'id' }, r.rule_id)]),
			    td(refs.slice(0, 6).map(function (ref, i) {
				var href = safeHref(ref && ref.href);
				var text = ref && ref.text ? ref.text :
				    (ref && ref.href) || '';
				return [i ? ', ' : '', href ? el('a',
				    { href: href, rel: 'noopener noreferrer',
				    target: '_blank', title: href }, text) :
				    el('span', null, text)];
			}).concat(refs.length > 6 ? [' \u2026'] : []))));
		});
		append(where, el('table', { id: 'rules' }, el('thead', null,
		    el('tr', null, th('Result'), th('Severity'), th('Rule'),
		    th('References'))), tbody), el('p', { 'class': 'muted',
		    id: 'shown' }, shown + ' of ' + list.length +
		    ' rules shown'));
	}

	function driftTimeline(where, changes) {
		var ol;

		if (!changes.length) {
			append(where, el('p', { 'class': 'muted' },
			    'No changes between scans yet.'));
			return;
		}
		ol = el('ol', { 'class': 'timeline', id: 'drift' });
		changes.slice().reverse().forEach(function (c) {
			var what;

			if (c.kind === 'config')
				what = 'still ' + (RESULT_LABEL[c.to] || c.to) +
				    ', collected configuration changed';
			else if (c.from || c.to)
				what = (RESULT_LABEL[c.from] || c.from || 'none') +
				    ' \u2192 ' + (RESULT_LABEL[c.to] || c.to ||
				    'none');
			else
				what = '';
			append(ol, el('li', { 'class': 'k-' + String(c.kind)
			    .replace(/[^a-z0-9-]/gi, ''), 'data-rule':
			    c.rule_id },
			    el('span', { 'class': 'when' }, fmtTime(c.time,
			    c.time_iso)),
			    badge(c.kind, KIND_LABEL, 'k-'), ' ',
			    el('b', null, c.title || c.rule_id), ' ',
			    el('span', { 'class': 'id' }, c.rule_id),
			    el('div', null, what, c.first_seen ? el('span',
			    { 'class': 'muted' }, ' \u00b7 first seen ' +
			    fmtTime(c.first_seen, c.first_seen_iso)) : null)));
		});
		append(where, ol);
	}

	/* ------------------------------------------------------ control */

	function viewControl(fw, id, params) {
		var gen = begin('control', 'Control ' + id);
		var top = el('div');
		var hosts = el('div');
		var hist = el('div');
		var base = 'controls/' + encodeURIComponent(fw) + '/' +
		    encodeURIComponent(id);

		var emsg = el('div');

		append(main, el('p', null, el('a', { href: route(['fleet'],
		    { framework: fw }) }, '\u2190 Fleet compliance')),
		    el('h1', null, 'Control ', el('code', null, id),
		    el('span', { 'class': 'muted' }, ' (' + fw + ')')),
		    el('div', { 'class': 'exports' },
		    downloadButton('Evidence archive (signed bundles)',
		    'export/evidence', { framework: fw, control: id },
		    'plumb-evidence-' + fw + '-' + id.replace(/[^A-Za-z0-9.-]/g,
		    '_') + '.tar', emsg)), emsg, top,
		    el('h2', null, 'Hosts'), hosts,
		    el('h2', null, 'History'), hist);
		append(top, el('p', { 'class': 'muted' }, 'Loading\u2026'));

		var p1 = get(base).then(function (c) {
			var list = Array.isArray(c.hosts) ? c.hosts : [];
			var tbody = el('tbody');

			if (gen !== generation)
				return;
			clear(top);
			append(top, el('div', { 'class': 'card' },
			    el('p', null, el('b', null, c.title || id), ' ',
			    badge(c.status)),
			    el('dl', { 'class': 'facts' },
			    el('dt', null, 'Failing since'),
			    el('dd', null, c.status === 'fail' ?
			    fmtTime(c.failing_since, c.failing_since_iso) :
			    '\u2014'),
			    el('dt', null, 'Mapped rules'),
			    el('dd', null, Array.isArray(c.rules) &&
			    c.rules.length ? c.rules.map(function (r, i) {
				return [i ? ', ' : '', el('span',
				    { 'class': 'id' }, r)];
			}) : 'none'))),
			    el('div', { 'class': 'summary' },
			    tile('hosts failing', num(c.fail_hosts), 'r-fail'),
			    tile('hosts passing', num(c.pass_hosts), 'r-pass'),
			    tile('hosts waived', num(c.waived_hosts),
			    'r-waived')));
			list.slice().sort(function (a, b) {
				return (a.status === 'fail' ? 0 : 1) -
				    (b.status === 'fail' ? 0 : 1);
			}).forEach(function (h) {
				var fr = Array.isArray(h.failing_rules) ?
				    h.failing_rules : [];
				append(tbody, el('tr', { 'data-host': h.host },
				    td(el('a', { href: route(['host', h.host],
				    { result: 'fail' }) }, h.host)),
				    td(badge(h.status)),
				    td(fr.length ? fr.map(function (r) {
					return el('div', { 'class': 'id' }, r);
				}) : '\u2014'),
				    td(h.status === 'fail' ? fmtTime(h.since,
				    h.since_iso) : '\u2014'),
				    td((Array.isArray(h.baselines) ?
				    h.baselines : []).map(function (b) {
					return el('div', { 'class': 'baseline' },
					    badge(b.status), ' ', el('span',
					    { 'class': 'id' }, b.benchmark_id),
					    ' ', b.profile_id || '(all)',
					    b.target_root ? [' ',
					    scannedWhat(b.target_root)] : null);
				}))));
			});
			clear(hosts);
			append(hosts, el('table', { id: 'control-hosts' },
			    el('thead', null, el('tr', null, th('Host'),
			    th('Status'), th('Failing rules'),
			    th('Failing since'), th('From baselines'))),
			    tbody));
			if (!list.length)
				append(hosts, el('p', { 'class': 'muted' },
				    'No host has results for this control.'));
		}).catch(function (e) {
			clear(top);
			failed(gen, top, e);
			throw e;
		});
		var p2 = get(base + '/history').then(function (d) {
			var pts = Array.isArray(d.points) ? d.points : [];

			if (gen !== generation)
				return;
			clear(hist);
			historyView(hist, pts);
		}).catch(function (e) {
			clear(hist);
			failed(gen, hist, e);
			throw e;
		});
		Promise.all([p1, p2]).then(function () {
			done(gen);
		}, function () { /* shown in place */ });
	}

	var SVGNS = 'http://www.w3.org/2000/svg';

	function svg(tag, attrs) {
		var e = document.createElementNS(SVGNS, tag);
		var k;

		for (k in attrs) {
			if (Object.prototype.hasOwnProperty.call(attrs, k))
				e.setAttribute(k, String(attrs[k]));
		}
		return e;
	}

	/* Stacked bars (fail, waived, pass hosts) per point, then a table. */
	function historyView(where, pts) {
		var W = 720, H = 160, pad = 24;
		var max = 1, bw, chart, tbody;

		if (!pts.length) {
			append(where, el('p', { 'class': 'muted' },
			    'No history yet.'));
			return;
		}
		pts.forEach(function (p) {
			max = Math.max(max, num(p.pass_hosts) + num(p.fail_hosts) +
			    num(p.waived_hosts));
		});
		bw = Math.max(2, Math.min(40, (W - 2 * pad) / pts.length - 4));
		chart = svg('svg', { 'class': 'chart', width: W, height: H,
		    viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
		chart.appendChild(svg('title', {})).textContent =
		    'Hosts failing (red), waived (purple) and passing (green)' +
		    ' at each change';
		pts.forEach(function (p, i) {
			var x = pad + i * ((W - 2 * pad) / pts.length);
			var y = H - pad;
			[['fail_hosts', '#b42318'], ['waived_hosts', '#5b3ea8'],
			    ['pass_hosts', '#1a7f37']].forEach(function (s) {
				var h = num(p[s[0]]) / max * (H - 2 * pad);
				if (h <= 0)
					return;
				y -= h;
				chart.appendChild(svg('rect', { x: x, y: y,
				    width: bw, height: h, fill: s[1] }));
			});
		});
		append(where, chart, el('div', { 'class': 'legend' },
		    el('span', null, el('i', { 'class': 'sw-fail' }),
		    'hosts failing'),
		    el('span', null, el('i', { 'class': 'sw-waived' }),
		    'hosts waived'),
		    el('span', null, el('i', { 'class': 'sw-pass' }),
		    'hosts passing')));
		tbody = el('tbody');
		pts.slice().reverse().forEach(function (p) {
			append(tbody, el('tr', null,
			    td(fmtTime(p.time, p.time_iso)),
			    td(fmtNum(num(p.pass_hosts)), 'num'),
			    td(fmtNum(num(p.fail_hosts)), 'num'),
			    td(fmtNum(num(p.waived_hosts)), 'num')));
		});
		append(where, el('table', { id: 'history' }, el('thead', null,
		    el('tr', null, th('Time'), th('Hosts passing', 'num'),
		    th('Hosts failing', 'num'), th('Hosts waived', 'num'))),
		    tbody));
	}

	/*
	 * The framework's compliance over time (GET controls/trend): how
	 * many of its controls were failing, waived, passing or without
	 * data at the end of each day, as stacked areas on a time axis.
	 * It loads beside the control table; a failure shows in place.
	 */
	function fleetTrend(where, gen, fw, days) {
		append(where, el('h2', null, 'Compliance over time'),
		    el('p', { 'class': 'muted' }, 'Loading the trend\u2026'));
		return get('controls/trend', { framework: fw, days: days })
		    .then(function (d) {
			if (gen !== generation)
				return;
			clear(where);
			append(where, el('h2', null, 'Compliance over time'));
			trendView(where, Array.isArray(d.points) ? d.points : []);
		}).catch(function (e) {
			clear(where);
			append(where, el('h2', null, 'Compliance over time'));
			failed(gen, where, e);
			throw e;
		});
	}

	var TREND_SERIES = [['fail', '#b42318', 'controls failing'],
	    ['waived', '#5b3ea8', 'controls waived'],
	    ['pass', '#1a7f37', 'controls passing'],
	    ['unknown', '#9a5b00', 'no data']];

	function trendView(where, pts) {
		var W = 720, H = 200, L = 40, R = 12, T = 10, B = 28;
		var max = 1, t0, t1, chart, x, y, base, ticks, i, t, lab;

		if (!pts.length) {
			append(where, el('p', { 'class': 'muted' },
			    'No scans in this period.'));
			return;
		}
		pts.forEach(function (p) {
			var n = 0;

			TREND_SERIES.forEach(function (s) {
				n += num(p[s[0]]);
			});
			max = Math.max(max, n);
		});
		t0 = num(pts[0].time);
		t1 = Math.max(t0 + 1, num(pts[pts.length - 1].time));
		x = function (tm) {
			return L + (tm - t0) / (t1 - t0) * (W - L - R);
		};
		y = function (n) {
			return H - B - n / max * (H - T - B);
		};
		chart = svg('svg', { 'class': 'chart', id: 'trend-chart',
		    width: W, height: H, viewBox: '0 0 ' + W + ' ' + H,
		    role: 'img' });
		chart.appendChild(svg('title', {})).textContent =
		    'Controls failing (red), waived (purple), passing (green) ' +
		    'and without data (amber) at the end of each day';
		/* Stacked areas: each series on top of the ones before. */
		base = pts.map(function () { return 0; });
		TREND_SERIES.forEach(function (s) {
			var top = [], d = '', k;

			pts.forEach(function (p, k) {
				top.push(base[k] + num(p[s[0]]));
			});
			pts.forEach(function (p, k) {
				d += (k ? 'L' : 'M') + x(num(p.time)).toFixed(1) +
				    ',' + y(top[k]).toFixed(1);
			});
			for (k = pts.length - 1; k >= 0; k--)
				d += 'L' + x(num(pts[k].time)).toFixed(1) + ',' +
				    y(base[k]).toFixed(1);
			chart.appendChild(svg('path', { d: d + 'Z', fill: s[1],
			    'data-series': s[0] }));
			base = top;
		});
		/* Axes: counts on the left, dates below (about six ticks). */
		chart.appendChild(svg('line', { x1: L, y1: H - B, x2: W - R,
		    y2: H - B, stroke: '#555' }));
		chart.appendChild(svg('line', { x1: L, y1: T, x2: L, y2: H - B,
		    stroke: '#555' }));
		[0, max].forEach(function (n) {
			var nl = svg('text', { x: L - 4, y: y(n) + 4,
			    'text-anchor': 'end', 'font-size': 11 });
			nl.textContent = String(n);
			chart.appendChild(nl);
		});
		ticks = Math.min(6, pts.length);
		for (i = 0; i < ticks; i++) {
			t = ticks > 1 ? t0 + (t1 - t0) * i / (ticks - 1) : t0;
			lab = svg('text', { x: x(t), y: H - B + 16,
			    'text-anchor': i === 0 ? 'start' :
			    i === ticks - 1 ? 'end' : 'middle',
			    'font-size': 11, 'class': 'tick' });
			lab.textContent = new Date(t * 1000).toISOString()
			    .substring(0, 10);
			chart.appendChild(lab);
		}
		append(where, chart, el('div', { 'class': 'legend' },
		    TREND_SERIES.map(function (s) {
			return el('span', null, el('i', { 'class': 'sw-' +
			    s[0] }), s[2]);
		})), el('p', { 'class': 'muted', id: 'trend-last' },
		    'On ' + fmtTime(num(pts[pts.length - 1].time)) + ': ' +
		    num(pts[pts.length - 1].fail) + ' failing, ' +
		    num(pts[pts.length - 1].waived) + ' waived, ' +
		    num(pts[pts.length - 1].pass) + ' passing, ' +
		    num(pts[pts.length - 1].unknown) + ' without data.'));
	}

	/* ------------------------------------------------------ drift */

	/*
	 * Fleet drift: every change between consecutive scans of the same
	 * baseline on every host (GET drift), newest first, filtered by
	 * kind and period; regressions first in the summary.
	 */
	function viewDrift(params) {
		var days = params.get('days') || '7';
		var kind = params.get('kind') || '';
		var gen = begin('drift', 'Fleet drift');
		var body = el('div');
		var q = {};
		var since = days === 'all' ? 0 :
		    Math.floor(Date.now() / 1000) - Number(days) * 86400;
		var pSel = el('select', { id: 'drift-days', onchange: go },
		    [['1', 'Last day'], ['7', 'Last 7 days'],
		    ['30', 'Last 30 days'], ['all', 'Since the first scan']]
		    .map(function (o) {
			return el('option', { value: o[0],
			    selected: o[0] === days }, o[1]);
		}));
		var kSel = el('select', { id: 'drift-kind', onchange: go },
		    el('option', { value: '' }, 'Every kind'),
		    Object.keys(KIND_LABEL).map(function (k) {
			return el('option', { value: k, selected: k === kind },
			    KIND_LABEL[k]);
		}));

		function go() {
			location.hash = route(['drift'], { days: pSel.value,
			    kind: kSel.value });
		}

		append(main, el('h1', null, 'Fleet drift'),
		    el('form', { 'class': 'filters' },
		    el('label', null, 'Period', pSel),
		    el('label', null, 'Kind', kSel)), body);
		append(body, el('p', { 'class': 'muted' }, 'Loading\u2026'));
		/* The collector filters by kind and answers the newest
		 * changes (its limit) with the counts of every kind; an
		 * answer without counts is counted here. */
		if (since)
			q.since = String(since);
		if (kind)
			q.kind = kind;
		get('drift', q).then(
		    function (d) {
			var all = Array.isArray(d.changes) ? d.changes : [];
			var list = all.filter(function (c) {
				return !kind || c.kind === kind;
			});
			var count = {};
			var tbody = el('tbody');
			var hosts, every;

			if (gen !== generation)
				return;
			clear(body);
			if (d.counts && typeof d.counts === 'object') {
				count = d.counts;
				hosts = num(d.hosts_changed);
			} else {
				all.forEach(function (c) {
					count[c.kind] = (count[c.kind] || 0) + 1;
				});
				hosts = Object.keys(all.reduce(function (h, c) {
					h[c.host] = 1;
					return h;
				}, {})).length;
			}
			every = Object.keys(count).reduce(function (n, k) {
				return n + num(count[k]);
			}, 0);
			append(body, el('div', { 'class': 'summary' },
			    tile('regressions', count.regression || 0, 'r-fail'),
			    tile('improvements', count.improvement || 0,
			    'r-pass'),
			    tile('configuration changes', count.config || 0,
			    'r-unknown'),
			    tile('hosts changed', hosts, 'r-waived')));
			list.slice().reverse().forEach(function (c) {
				append(tbody, el('tr', { 'data-change': c.host +
				    ' ' + c.rule_id },
				    td(fmtTime(c.time, c.time_iso)),
				    td(el('a', { href: route(['host', c.host]) },
				    c.host)),
				    td([c.title || c.rule_id, el('div',
				    { 'class': 'id' }, c.rule_id)]),
				    td(badge(c.kind, KIND_LABEL, 'k-')),
				    td((RESULT_LABEL[c.from] || c.from ||
				    '\u2014') + ' \u2192 ' + (RESULT_LABEL[c.to] ||
				    c.to || '\u2014'))));
			});
			append(body, el('table', { id: 'fleet-drift' },
			    el('thead', null, el('tr', null, th('When'),
			    th('Host'), th('Rule'), th('Kind'),
			    th('Result'))), tbody),
			    el('p', { 'class': 'muted', id: 'shown' },
			    list.length + ' of ' + every + ' changes shown' +
			    (d.truncated ? ' (the newest; narrow the period ' +
			    'for older ones)' : '')));
			done(gen);
		}).catch(function (e) {
			clear(body);
			failed(gen, body, e);
		});
	}

	/* ------------------------------------------------------ rule */

	/*
	 * One rule of one scan (GET scans/{uuid}/rules/{rule_id}): its
	 * result, why it matters (rationale) and how to fix it (fix
	 * text).  The texts are shown as text: textContent in a block
	 * that keeps their line breaks, never parsed as HTML.
	 */
	function viewRule(scan, ruleId) {
		var gen = begin('rule', 'Rule ' + ruleId);
		var body = el('div');

		append(main, body);
		append(body, el('p', { 'class': 'muted' }, 'Loading\u2026'));
		get('scans/' + encodeURIComponent(scan) + '/rules/' +
		    encodeURIComponent(ruleId)).then(function (r) {
			var facts = el('dl', { 'class': 'facts' });
			var refs = Array.isArray(r.references) ? r.references : [];
			var ids = Array.isArray(r.idents) ? r.idents : [];
			var checks = Array.isArray(r.checks) ? r.checks : [];
			var shown = r.waived ? 'waived' : r.result;

			if (gen !== generation)
				return;
			clear(body);
			function fact(k, v) {
				append(facts, el('dt', null, k), el('dd', null, v));
			}
			fact('Host', el('a', { href: route(['host', r.host]) },
			    r.host));
			fact('Scan', [fmtTime(r.created, r.created_iso), ' ',
			    el('span', { 'class': 'id' }, r.scan)]);
			fact('Benchmark', [el('span', { 'class': 'id' },
			    r.benchmark_id || '\u2014'), r.benchmark_version ?
			    ' ' + r.benchmark_version : '']);
			fact('Profile', r.profile_id || '(all)');
			fact('Target', scannedWhat(r.target_root));
			fact('Severity', r.severity || '\u2014');
			if (ids.length)
				fact('Identifiers', ids.map(function (x, i) {
					return [i ? ', ' : '', el('span',
					    { 'class': 'id' }, x && x.text ?
					    x.text : '')];
				}));
			if (refs.length)
				fact('References', refs.map(function (ref, i) {
					var href = safeHref(ref && ref.href);
					var text = ref && ref.text ? ref.text :
					    (ref && ref.href) || '';
					return [i ? ', ' : '', href ? el('a',
					    { href: href, rel: 'noopener noreferrer',
					    target: '_blank' }, text) : text];
				}));
			append(body, el('p', null, el('a', { href: route(['host',
			    r.host]) }, '\u2190 Host ' + r.host)),
			    el('h1', null, r.title || r.rule_id),
			    el('p', null, badge(shown), r.waived ? el('span',
			    { 'class': 'muted' }, ' result: ' +
			    (RESULT_LABEL[r.result] || r.result) +
			    ', covered by a waiver') : null, ' ',
			    el('span', { 'class': 'id' }, r.rule_id)),
			    el('div', { 'class': 'card' }, facts),
			    el('h2', null, 'Rationale'),
			    r.rationale ? el('div', { 'class': 'prose',
			    id: 'rationale' }, r.rationale) : el('p',
			    { 'class': 'muted', id: 'rationale' },
			    'The content gives no rationale for this rule.'),
			    el('h2', null, 'How to fix'),
			    r.fixtext ? el('div', { 'class': 'prose',
			    id: 'fixtext' }, r.fixtext) : el('p',
			    { 'class': 'muted', id: 'fixtext' },
			    'The content gives no fix text for this rule.'));
			if (checks.length > 1)
				append(body, el('h2', null, 'Checks'),
				    el('table', { id: 'checks' }, el('thead', null,
				    el('tr', null, th('Result'), th('Message'),
				    th('Items digest'))), el('tbody', null,
				    checks.map(function (c) {
					return el('tr', null, td(badge(c.result)),
					    td(c.message || '\u2014'),
					    td(el('span', { 'class': 'id' },
					    c.items_digest || '\u2014')));
				}))));
			done(gen);
		}).catch(function (e) {
			clear(body);
			failed(gen, body, e);
		});
	}

	/* ------------------------------------------------------ roll-ups */

	/*
	 * Sites or zones (GET rollups?by=) with their hosts by waiver-aware
	 * status; every count links to the host list filtered on it.
	 */
	function viewRollups(params) {
		var by = params.get('by') === 'zone' ? 'zone' : 'site';
		var gen = begin('rollups', by === 'zone' ? 'Zones' : 'Sites');
		var tabs = el('div', { 'class': 'tabs', role: 'tablist' },
		    [['site', 'By site'], ['zone', 'By zone']].map(function (t) {
			return el('a', { href: route(['rollups'], { by: t[0] }),
			    role: 'tab', 'class': t[0] === by ? 'active' : null,
			    'aria-selected': t[0] === by ? 'true' : 'false' },
			    t[1]);
		}));
		var body = el('div');

		append(main, el('h1', null, by === 'zone' ? 'Hosts by zone' :
		    'Hosts by site'), tabs, body);
		append(body, el('p', { 'class': 'muted' }, 'Loading\u2026'));
		get('rollups', { by: by }).then(function (d) {
			var groups = Array.isArray(d.groups) ? d.groups : [];
			var tbody = el('tbody');

			if (gen !== generation)
				return;
			clear(body);
			function cell(g, k, filt) {
				var n = num(g[k + '_hosts']);
				var f = {};

				f[by] = g.name;
				if (filt)
					f.status = filt;
				return td(n ? el('a', { href: hostsLink(f),
				    'class': 'badge ' + STATUS_CLASS[k] },
				    fmtNum(n)) : '0', 'num');
			}
			fleetHostTiles(body, d.total || {});
			groups.forEach(function (g) {
				var f = {};

				f[by] = g.name;
				append(tbody, el('tr', { 'data-group': g.name },
				    td(el('a', { href: hostsLink(f) }, g.name ||
				    '(none)')),
				    td(fmtNum(num(g.hosts)), 'num'),
				    cell(g, 'fail', 'fail'), cell(g, 'waived', 'waived'),
				    cell(g, 'pass', 'pass'),
				    cell(g, 'unknown', 'unknown'),
				    cell(g, 'stale', 'stale')));
			});
			append(body, el('table', { id: 'rollups' }, el('thead', null,
			    el('tr', null, th(by === 'zone' ? 'Zone' : 'Site'),
			    th('Hosts', 'num'), th('Failing', 'num'),
			    th('Waived only', 'num'), th('Passing', 'num'),
			    th('No data', 'num'), th('Stale', 'num'))), tbody));
			if (d.truncated)
				append(body, el('p', { 'class': 'notice',
				    id: 'truncated' }, 'Only the first ' +
				    groups.length + ' of ' + num(d.groups_total) +
				    ' ' + by + 's are listed (collector limit ' +
				    'max_rollup_groups).'));
			if (!groups.length)
				append(body, el('p', { 'class': 'muted' },
				    'No host yet.'));
			done(gen);
		}).catch(function (e) {
			clear(body);
			failed(gen, body, e);
		});
	}

	/* ------------------------------------------------------ waivers */

	function viewWaivers(params) {
		var gen = begin('waivers', 'Waivers');
		var all = params.get('all') === '1';
		var msg = el('div');
		var list = el('div');

		append(main, el('h1', null, 'Waivers (risk acceptance)'), msg,
		    el('h2', null, 'New waiver'), waiverForm(msg),
		    el('h2', null, all ? 'All waivers' :
		    'Waivers in force or awaiting approval'),
		    el('p', null, all ? el('a', { href: '#/waivers' },
		    'Show current waivers only') : el('a',
		    { href: '#/waivers?all=1' },
		    'Show rejected, expired and revoked waivers too')), list);
		append(list, el('p', { 'class': 'muted' }, 'Loading\u2026'));
		if (flash) {
			append(msg, el('p', { 'class': 'notice', role: 'status' },
			    flash));
			flash = '';
		}
		loadWaivers(gen, list, msg, all);
	}

	function loadWaivers(gen, list, msg, all) {
		get('waivers', {}).then(function (d) {
			var ws = Array.isArray(d.waivers) ? d.waivers : [];
			var tbody = el('tbody');

			if (gen !== generation)
				return;
			clear(list);
			/* Current: in force, or requested and waiting for an
			 * approver (the API's status; see docs/api.md). */
			if (!all)
				ws = ws.filter(function (w) {
					return w.active || w.status === 'requested';
				});
			ws.forEach(function (w) {
				var names = { requested: 'Awaiting approval',
				    approved: 'Active', rejected: 'Rejected',
				    revoked: 'Revoked', expired: 'Expired' };
				var state = names[w.status] || (w.active ?
				    'Active' : 'Expired');
				var cls = w.active ? 'r-waived' :
				    (w.status === 'requested' ? 'r-unknown' :
				    'r-notapplicable');
				var acts = [];

				if (w.status === 'requested')
					acts.push(el('button', { type: 'button',
					    onclick: function () {
						approveWaiver(w, msg, list, all);
					} }, 'Approve'));
				if (w.status === 'requested' ||
				    (w.active && !w.revoked_time))
					acts.push(el('button', { type: 'button',
					    'class': 'danger', onclick: function () {
						revokeWaiver(w, msg, list, all);
					} }, w.status === 'requested' ?
					    'Reject' : 'Revoke'));

				append(tbody, el('tr', { 'data-waiver': w.id },
				    td(String(w.id)),
				    td(el('span', { 'class': 'id' }, w.rule_id)),
				    td(w.host ? ['host ', el('a', { href:
				    route(['host', w.host]) }, w.host)] :
				    (w.role ? 'every ' + w.role + ' host' :
				    '\u2014')),
				    td(w.justification || ''),
				    td(w.created_by || ''),
				    td(w.approved_by ? [w.approved_by, el('div',
				    { 'class': 'muted' }, fmtTime(w.approved_time,
				    w.approved_time_iso))] : (w.approver ?
				    ['proposed: ' + w.approver] : '\u2014')),
				    td(fmtTime(w.created, w.created_iso)),
				    td(fmtTime(w.expires, w.expires_iso)),
				    td([el('span', { 'class': 'badge ' + cls },
				    state), w.revoked_time ? el('div',
				    { 'class': 'muted' }, fmtTime(w.revoked_time,
				    w.revoked_time_iso)) : null]),
				    td(acts)));
			});
			append(list, el('table', { id: 'waivers' }, el('thead',
			    null, el('tr', null, th('#'), th('Rule'),
			    th('Applies to'), th('Justification'),
			    th('Requested by'), th('Approved by'),
			    th('Created'), th('Expires'), th('State'),
			    th(''))), tbody));
			if (!ws.length)
				append(list, el('p', { 'class': 'muted' },
				    'No waivers.'));
			done(gen);
		}).catch(function (e) {
			clear(list);
			failed(gen, list, e);
		});
	}

	/* Approve as the signed-in identity; the API refuses an approver
	 * approving their own request and callers without the role. */
	function approveWaiver(w, msg, list, all) {
		if (!window.confirm('Approve waiver ' + w.id + ' for rule ' +
		    w.rule_id + '? Its failures stop counting from now.'))
			return;
		api('POST', 'waivers/' + encodeURIComponent(w.id) +
		    '/approve').then(function () {
			clear(msg);
			append(msg, el('p', { 'class': 'notice', role: 'status' },
			    'Waiver ' + w.id + ' approved.'));
			loadWaivers(generation, list, msg, all);
		}).catch(function (e) {
			clear(msg);
			if (e.status !== 401)
				append(msg, errorBox(e.message));
		});
	}

	function revokeWaiver(w, msg, list, all) {
		if (!window.confirm('Revoke waiver ' + w.id + ' for rule ' +
		    w.rule_id + '? The rule\u2019s failures count again.'))
			return;
		api('DELETE', 'waivers/' + encodeURIComponent(w.id)).then(
		    function () {
			clear(msg);
			append(msg, el('p', { 'class': 'notice', role: 'status' },
			    'Waiver ' + w.id + ' revoked.'));
			loadWaivers(generation, list, msg, all);
		}).catch(function (e) {
			clear(msg);
			if (e.status !== 401)
				append(msg, errorBox(e.message));
		});
	}

	function waiverForm(msg) {
		var f = {
			rule_id: el('input', { name: 'rule_id', required: true,
			    placeholder: 'xccdf_..._rule_...' }),
			scope: el('select', { name: 'scope' },
			    el('option', { value: 'host' }, 'One host'),
			    el('option', { value: 'role' }, 'Every host of a role')),
			target: el('input', { name: 'target', required: true,
			    placeholder: 'host id or role' }),
			approver: el('input', { name: 'approver',
			    placeholder: 'optional when approval is required' }),
			expires: el('input', { name: 'expires', type: 'date',
			    required: true }),
			justification: el('textarea', { name: 'justification',
			    required: true })
		};
		var form = el('form', { 'class': 'card stack', id: 'waiver-form',
		    onsubmit: function (ev) {
			var body, exp;

			ev.preventDefault();
			exp = Date.parse(f.expires.value + 'T23:59:59Z');
			if (isNaN(exp)) {
				clear(msg);
				append(msg, errorBox('Give an expiry date.'));
				return;
			}
			body = { rule_id: f.rule_id.value.trim(),
			    justification: f.justification.value.trim(),
			    approver: f.approver.value.trim(),
			    expires: Math.floor(exp / 1000) };
			body[f.scope.value] = f.target.value.trim();
			api('POST', 'waivers', body).then(function (w) {
				flash = 'Waiver ' + w.id + ' for ' + w.rule_id +
				    (w.status === 'requested' ? ' requested: ' +
				    'it applies once an approver approves it.' :
				    ' created.');
				render();
			}).catch(function (e) {
				clear(msg);
				if (e.status !== 401)
					append(msg, errorBox(e.message));
			});
		} },
		    el('label', null, 'Rule id', f.rule_id),
		    el('label', null, 'Applies to', f.scope),
		    el('label', null, 'Host id or role', f.target),
		    el('label', null, 'Proposed approver', f.approver),
		    el('label', null, 'Expires (end of day, UTC)', f.expires),
		    el('label', { 'class': 'wide' }, 'Justification ' +
		    '(the accepted risk and compensating measures)',
		    f.justification),
		    el('div', { 'class': 'wide' }, el('button',
		    { type: 'submit' }, 'Request waiver')));
		return form;
	}

	/* ------------------------------------------------------ start */

	document.getElementById('signout').addEventListener('click',
	    function () {
		setToken('');
		identity = null;
		showLogin('Signed out.');
	});
	window.addEventListener('hashchange', render);
	render();
})();
