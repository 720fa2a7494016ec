// crossdock web UI: a single page over the /v1 REST API, no framework and no build step.
// Views (hash routes): #/token, #/connections, #/connections/new, #/connections/{id},
// #/syncs, #/syncs/new, #/syncs/{id}, #/syncs/{id}/edit, #/tokens, #/identity. The API token
// is kept in sessionStorage only (gone when the tab closes).
// Forms show the API's field errors next to the field they name, in the field's own words
// (FIELD_LABELS), with aria-invalid and aria-describedby; status changes are announced in the
// aria-live region #status. The last connection test of each connection is kept in
// localStorage with the connection's updated_at, so a change clears it. Lists (connections,
// syncs, runs, tokens) load a page at a time through the API's `limit` and `next_cursor`,
// with "Load more" for the next page; connections and syncs have a name-prefix search.
'use strict';

const TOKEN_KEY = 'crossdock.token';
const EXPIRED_KEY = 'crossdock.expired';
const TEST_KEY = 'crossdock.test.';
const mainEl = () => document.getElementById('main');
// The page's content; null and false children are left out.
const main = () => ({replaceChildren: (...nodes) =>
  mainEl().replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false))});
let apiInfo = null; // {demo: {...}|null, canTest: bool}

// ---------- small helpers ----------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 2500);
}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

// Announces a status change to screen readers (and shows it in the status line).
function announce(text) {
  const s = document.getElementById('status');
  if (s) s.textContent = text;
}

function timeAgo(iso) {
  if (!iso) return 'never';
  const t = new Date(iso);
  const s = Math.round((Date.now() - t.getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return t.toLocaleString();
}

// The words a person reads for each API field name.
const FIELD_LABELS = {
  'name': 'Name', 'type': 'Type', 'auth_method': 'Authentication method',
  'role_arn': 'IAM Role ARN', 'region': 'Bucket region', 'bucket': 'Bucket', 'path': 'Path',
  'access_key_id': 'AWS Access Key ID', 'secret_access_key': 'AWS Secret Access Key',
  'databricks.workspace_url': 'Workspace URL', 'databricks.warehouse_id': 'SQL warehouse ID',
  'databricks.token': 'Access token', 'redshift.workgroup': 'Workgroup',
  'redshift.database': 'Database', 'redshift.vpc_endpoint.host': 'VPC endpoint host',
  'redshift.unload.bucket': 'Unload bucket', 'redshift.unload.region': 'Unload bucket region',
  'kinesis.stream_arn': 'Stream ARN', 'kinesis.kms_key_arn': 'KMS key ARN',
  'kms_key_arn': 'SSE-KMS key ARN', 'databricks.unity_catalog': 'Databricks deployment',
  'postgres.host': 'Host', 'postgres.port': 'Port', 'postgres.database': 'Database',
  'postgres.user': 'User', 'postgres.password': 'Password', 'postgres.sslmode': 'TLS (sslmode)',
  'source': 'Source', 'source.connection': 'Source connection', 'source.prefix': 'Source prefix',
  'source.url': 'PostgreSQL URL', 'source.table': 'Table', 'source.query': 'Query',
  'destination': 'Destination', 'destination.connection': 'Destination connection',
  'destination.path': 'Destination path', 'format': 'File format', 'compression': 'Compression',
};

// An API message that starts with the field's API name, in human words: "role_arn is
// required" -> "IAM Role ARN is required".
function humanize(message, fieldName) {
  if (!message) return '';
  let out = message;
  for (const [api, label] of Object.entries(FIELD_LABELS)) {
    if (api === fieldName || out.startsWith(api + ' ')) {
      if (out.startsWith(api + ' ')) out = label + out.slice(api.length);
    }
  }
  return out.charAt(0).toUpperCase() + out.slice(1);
}

class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || null;
    this.details = e.details || (e.field ? [{field: e.field, message: e.message}] : []);
  }
}

async function api(method, path, body, raw) {
  const headers = {'Authorization': 'Bearer ' + token()};
  const init = {method, headers};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401) {
    // The token expired or was revoked: say so on the sign-in page.
    if (token()) sessionStorage.setItem(EXPIRED_KEY, '1');
    sessionStorage.removeItem(TOKEN_KEY);
    location.hash = '#/token';
    throw new ApiError(401, await res.json().catch(() => null));
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
}

// ---------- paged lists ----------
const PAGE_SIZE = 25;

// The query string of one page: `limit`, the cursor when given, and the non-empty filters.
function pageQuery(filters, cursor, limit) {
  const q = new URLSearchParams({limit: String(limit || PAGE_SIZE)});
  for (const [k, v] of Object.entries(filters || {})) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

// Every page of a list (for pickers that need all of it, e.g. the sync form's connections).
async function allPages(path, key, filters) {
  const items = [];
  let cursor = null;
  do {
    const page = await api('GET', `${path}?${pageQuery(filters, cursor, 1000)}`);
    items.push(...page[key]);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

// A table filled a page at a time. opts: path and key of the API list, filters() (the query
// filters now), table (its id), head (the header cells), row(item) (a <tr>), noun (plural,
// for the count), more (the Load more button's id) and empty(filtered) (what to show when
// nothing matches). Returns {el, reload}: reload() starts again from the first page (a new
// search); an answer to an older search that arrives late is dropped.
function pagedTable(opts) {
  const el = h('div', {});
  let generation = 0;
  let shown = 0;
  let tbody = null;
  let footer = null;
  async function load(cursor) {
    const mine = cursor ? generation : ++generation;
    const filters = opts.filters ? opts.filters() : {};
    const page = await api('GET', `${opts.path}?${pageQuery(filters, cursor)}`);
    if (mine !== generation) return;
    if (!cursor) {
      shown = 0;
      if (!page[opts.key].length) {
        el.replaceChildren(opts.empty(Object.values(filters).some((v) => v)));
        return;
      }
      tbody = h('tbody', {});
      footer = h('div', {class: 'row list-footer'});
      el.replaceChildren(h('div', {class: 'table-wrap'}, h('table', {id: opts.table},
        h('thead', {}, h('tr', {}, opts.head)), tbody)), footer);
    }
    for (const item of page[opts.key]) tbody.append(opts.row(item));
    shown += page[opts.key].length;
    const count = `Showing ${shown} ${opts.noun}${page.next_cursor ? '' : ' (all)'}.`;
    footer.replaceChildren(h('span', {class: 'hint', 'data-testid': 'list-count'}, count),
      page.next_cursor ? h('button', {class: 'secondary', type: 'button', id: opts.more, onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          await load(page.next_cursor);
          announce(`Showing ${shown} ${opts.noun}.`);
          const rows = tbody.querySelectorAll('tr');
          const next = rows[rows.length - page[opts.key].length] || rows[rows.length - 1];
          const focusable = next && next.querySelector('a, button');
          if (focusable) focusable.focus();
        } catch (e) { ev.target.disabled = false; toast(e.message); }
      }}, 'Load more') : null);
  }
  return {el, reload: () => load(null)};
}

// A name-prefix search box that reloads `list` as the user types (a short pause first).
function searchBox(id, label, list) {
  const input = h('input', {type: 'search', id, name: id, autocomplete: 'off', placeholder: 'Name starts with...'});
  let timer = null;
  const run = () => list.reload().catch((e) => toast(e.message));
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  const form = h('form', {class: 'row search', role: 'search', onsubmit: (ev) => { ev.preventDefault(); clearTimeout(timer); run(); }},
    h('label', {for: id}, label), input);
  return {form, value: () => input.value};
}

function copyButton(getText, testid) {
  return h('button', {class: 'secondary', 'data-testid': testid, type: 'button',
    onclick: async () => {
      const text = getText();
      try { await navigator.clipboard.writeText(text); } catch (_) {
        const ta = h('textarea', {}, text); document.body.append(ta); ta.select();
        document.execCommand('copy'); ta.remove();
      }
      toast('Copied');
    }}, 'Copy');
}

async function download(path, fallbackName, body) {
  const res = await api(body ? 'POST' : 'GET', path, body, true);
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="([^"]+)"/.exec(cd);
  const blob = await res.blob();
  const a = h('a', {href: URL.createObjectURL(blob), download: m ? m[1] : fallbackName});
  document.body.append(a); a.click(); a.remove();
}

// ---------- validation: the server's rules, never a copy of them ----------
// The form asks the API itself: POST /v1/connections?dry_run=true (or PATCH ...?dry_run=true
// for an edit) runs every rule the save would and stores nothing. A rule changed on the
// server is therefore the form's rule at once; the answer's field errors are shown in place.
async function serverProblems(method, path, body) {
  try {
    await api(method, path + '?dry_run=true', body);
    return [];
  } catch (e) {
    if (e.status === 401) throw e;
    return e.details.length ? e.details : [{field: e.field, message: e.message}];
  }
}

// Checks a form with the server as the user leaves each field; errors show only for the
// fields already visited, so a half-filled form is not covered in red. Returns a function
// that a submit calls so that a check still on its way cannot cover the save's own answer.
function validateAsYouGo(form, method, path, bodyOf) {
  const visited = new Set();
  let pending = 0;
  // focusout bubbles (blur does not); a form rebuilt for another type keeps one listener.
  if (form.checkOnLeave) form.removeEventListener('focusout', form.checkOnLeave);
  form.checkOnLeave = async (ev) => {
    const f = ev.target.closest && ev.target.closest('.field');
    if (!f || !f.dataset.field) return;
    visited.add(f.dataset.field);
    const mine = ++pending;
    const errors = await serverProblems(method, path, bodyOf()).catch(() => []);
    if (mine !== pending) return;  // a later check is on its way
    const shown = (err) => visited.has({'path': 'bucket', 'redshift.unload.path': 'redshift.unload.bucket'}[err.field] || err.field);
    // Checks made while the user types never move the focus: only Save does.
    showFieldErrors(form, errors.filter(shown), {focus: false});
  };
  form.addEventListener('focusout', form.checkOnLeave);
  return () => { ++pending; };
}

function showFieldErrors(form, errors, {focus = true} = {}) {
  form.querySelectorAll('.field').forEach((f) => {
    f.classList.remove('invalid');
    const e = f.querySelector('.field-error'); if (e) e.remove();
    const input = f.querySelector('input, select, textarea');
    if (input) {
      input.removeAttribute('aria-invalid');
      const hint = f.querySelector('.hint');
      if (hint) input.setAttribute('aria-describedby', hint.id); else input.removeAttribute('aria-describedby');
    }
  });
  const general = form.querySelector('.form-error');
  general.textContent = '';
  const unplaced = [];
  for (const err of errors) {
    // A path is typed into the bucket field ("output/customers"): show its errors there.
    const name = {'path': 'bucket', 'redshift.unload.path': 'redshift.unload.bucket'}[err.field] || err.field;
    // The visible one, when two fields share a name (the sync form's S3 and PostgreSQL
    // source connections).
    const field = name && ([...form.querySelectorAll(`.field[data-field="${name}"]`)]
      .find((f) => !f.hidden) || form.querySelector(`.field[data-field="${name}"]`));
    const message = humanize(err.message, err.field);
    if (field && !field.hidden) {
      if (field.querySelector('.field-error')) continue;
      field.classList.add('invalid');
      const input = field.querySelector('input, select, textarea');
      const id = (input ? input.id : name) + '-error';
      field.append(h('div', {class: 'field-error', id, 'data-testid': 'error-' + err.field}, message));
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        const hint = field.querySelector('.hint');
        input.setAttribute('aria-describedby', hint ? `${id} ${hint.id}` : id);
      }
    } else {
      unplaced.push(message);
    }
  }
  if (unplaced.length) general.textContent = unplaced.join(' ');
  if (errors.length) announce(`${errors.length === 1 ? 'One field needs' : errors.length + ' fields need'} attention.`);
  const first = form.querySelector('.field.invalid input, .field.invalid select');
  if (first && focus) first.focus();
}

// ---------- views ----------
function viewToken() {
  const input = h('input', {type: 'password', id: 'token-input', autocomplete: 'off',
    placeholder: 'cdx_...'});
  const expired = sessionStorage.getItem(EXPIRED_KEY) === '1';
  sessionStorage.removeItem(EXPIRED_KEY);
  const err = h('div', {class: 'form-error', id: 'token-error', role: 'alert'},
    expired ? 'Your session ended: the API token expired or was revoked. Sign in again with a valid token.' : '');
  const form = h('form', {class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    try {
      await api('GET', '/v1/identity');
      apiInfo = null;
      location.hash = '#/connections';
    } catch (e) {
      sessionStorage.removeItem(TOKEN_KEY);
      err.textContent = e.message;
    }
  }},
  h('h1', {}, 'Sign in'),
  h('p', {}, 'Enter an API token of your organization. ',
    h('code', {}, 'crossdock serve'), ' prints the admin token once, when it first starts.'),
  h('label', {for: 'token-input'}, 'API token'), input, err,
  h('p', {class: 'hint'}, 'Trying the demo? ', h('code', {}, 'crossdock serve --demo'),
    ' prints a token at every start.'),
  h('div', {class: 'row'}, h('button', {type: 'submit', id: 'token-submit'}, 'Continue')));
  main().replaceChildren(form);
  input.focus();
}

async function loadApiInfo() {
  if (apiInfo) return apiInfo;
  const doc = await (await fetch('/openapi.json')).json();
  const paths = doc.paths || {};
  apiInfo = {canTest: !!paths['/v1/connections/{id}/test'], demo: null,
    canApply: !!paths['/v1/connections/{id}/demo-apply'],
    canPrecheck: !!paths['/v1/organization/external-id/precheck']};
  if (paths['/v1/demo']) {
    try { apiInfo.demo = await api('GET', '/v1/demo'); } catch (_) { apiInfo.demo = null; }
  }
  // The connection types are the server's one table (GET /v1/connection-types): names,
  // titles, what the bucket field means, and which types take IAM roles only.
  apiInfo.types = (await api('GET', '/v1/connection-types')).types;
  document.getElementById('demo-badge').hidden = !apiInfo.demo;
  return apiInfo;
}

function typeInfo(name) {
  return ((apiInfo && apiInfo.types) || []).find((t) => t.name === name) || null;
}

// The last test of a connection, while the connection is unchanged since: {ok, at, failed}.
function lastTest(c) {
  if (c.last_test) return c.last_test; // when the server keeps it
  try {
    const t = JSON.parse(localStorage.getItem(TEST_KEY + c.id) || 'null');
    return t && t.updated_at === c.updated_at ? t : null;
  } catch (_) { return null; }
}

function rememberTest(c, report, at) {
  const failed = report.checks.filter((k) => k.status === 'fail').length;
  localStorage.setItem(TEST_KEY + c.id,
    JSON.stringify({ok: !!report.ok, at, failed, updated_at: c.updated_at}));
}

// The drift mark: the scheduled re-test of the connection fails (GET /v1/connections "drift").
function driftBadge(d) {
  if (!d || d.state !== 'failing') return null;
  return h('span', {class: 'status fail', 'data-testid': 'connection-drift',
    title: 'Failing drift checks: ' + (d.failing_checks || []).join(', ')},
  'Drifted ' + (d.failing_since ? timeAgo(d.failing_since) : ''));
}

function statusBadge(t) {
  if (!t) return h('span', {class: 'status skip', 'data-testid': 'connection-status'}, 'Not tested');
  return h('span', {class: 'status ' + (t.ok ? 'pass' : 'fail'), 'data-testid': 'connection-status'},
    t.ok ? 'Passed' : `Failed (${t.failed})`);
}

async function viewConnections() {
  const here = location.hash;
  const identity = await api('GET', '/v1/identity');
  let search = null;
  const list = pagedTable({path: '/v1/connections', key: 'connections', table: 'connections-table',
    more: 'load-more-connections', noun: 'connections',
    filters: () => ({name_prefix: search ? search.value() : ''}),
    head: [h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Type'),
      h('th', {scope: 'col'}, 'Bucket'), h('th', {scope: 'col'}, 'Region'),
      h('th', {scope: 'col'}, 'Status'), h('th', {scope: 'col'}, 'Last tested')],
    row: (c) => {
      const t = lastTest(c);
      return h('tr', {'data-testid': 'connection-row'},
        h('td', {}, h('a', {href: `#/connections/${c.id}`}, c.name)),
        h('td', {}, typeLabel(c.type)),
        h('td', {class: 'wrap'}, c.bucket ? c.bucket + (c.path ? '/' + c.path : '') : ''),
        h('td', {}, c.region),
        h('td', {}, statusBadge(t), driftBadge(c.drift)),
        h('td', {}, t ? h('time', {datetime: t.at, title: new Date(t.at).toLocaleString()}, timeAgo(t.at)) : 'never'));
    },
    empty: (filtered) => h('div', {class: 'card empty', id: 'connections-empty'}, filtered
      ? 'No connection name starts with that text.'
      : 'No connections yet. Add one to connect an S3 bucket, a Databricks workspace or a ' +
        'Redshift Serverless workgroup.')});
  search = searchBox('connection-search', 'Search connections', list);
  await list.reload();
  if (location.hash !== here) return;  // the user moved on while the page loaded
  main().replaceChildren(
    h('div', {class: 'row'}, h('h1', {}, 'Connections'), h('span', {class: 'spacer'}),
      h('a', {class: 'button', href: '#/connections/new', id: 'add-connection'}, 'Add connection')),
    h('p', {class: 'hint'}, 'Organization ', h('b', {}, identity.organization.name),
      '. Your External ID: ', h('code', {class: 'value'}, identity.external_id)),
    search.form, list.el);
}

function typeLabel(t) {
  const info = typeInfo(t);
  return info ? info.title : t;
}

function field(name, label, input, hint) {
  const hintId = hint ? input.id + '-hint' : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', {class: 'field', 'data-field': name},
    h('label', {for: input.id}, label), input, hint ? h('div', {class: 'hint', id: hintId}, hint) : null);
}

function text(id, attrs) {
  return h('input', Object.assign({type: 'text', id, name: id, autocomplete: 'off'}, attrs || {}));
}

// Steps 1 and 2 of a new connection: who the customer lets in, and what to click in the AWS
// console, with the policies ready to deploy for the bucket typed in step 3.
function consoleSteps(identity, formValues) {
  const principal = identity.vendor ? identity.vendor.principal : '';
  const account = (/^arn:[^:]+:iam::(\d{12}):/.exec(principal) || [])[1] || '';
  const dl = (format, label, file) => h('button', {type: 'button', class: 'secondary',
    id: `download-${format}`, onclick: async () => {
      const v = formValues();
      const needs = v.type === 'kinesis' ? (v.stream_arn ? '' : 'the stream ARN') : (v.bucket ? '' : 'the bucket');
      if (needs) { announce(`Enter ${needs} in step 3 first.`); toast(`Enter ${needs} in step 3 first`); return; }
      const body = {type: v.type || 's3', format};
      if (v.bucket) body.buckets = [v.bucket];
      if (v.stream_arn) body.stream_arn = v.stream_arn;
      if (v.region) body.region = v.region;
      if (v.role_arn) body.role_arn = v.role_arn;
      try { await download('/v1/policies/generate', file, body); } catch (e) { toast(humanize(e.message, e.field)); }
    }}, label);
  return [
    h('section', {class: 'card', 'aria-labelledby': 'who-title'},
      h('h2', {id: 'who-title'}, '1. Who you let in'),
      h('p', {class: 'hint'}, 'Your role will trust this principal, and only when it presents ' +
        'your organization\'s External ID.'),
      h('dl', {class: 'kv'},
        h('dt', {}, 'Vendor principal'),
        h('dd', {}, principal ? h('span', {class: 'row'}, h('code', {class: 'value', id: 'vendor-principal'}, principal),
          copyButton(() => principal, 'copy-principal')) : 'not configured (crossdock serve --vendor-account-id)'),
        h('dt', {}, 'External ID'),
        h('dd', {}, h('span', {class: 'row'}, h('code', {class: 'value', id: 'new-external-id'}, identity.external_id),
          copyButton(() => identity.external_id, 'copy-new-external-id'))))),
    h('section', {class: 'card', 'aria-labelledby': 'console-title'},
      h('h2', {id: 'console-title'}, '2. In the AWS console'),
      h('ol', {class: 'console-steps'},
        h('li', {}, 'Open IAM, then Roles, then Create role. Choose ', h('b', {}, 'AWS account'),
          ', then ', h('b', {}, 'Another AWS account'), ', and enter account ID ',
          h('code', {}, account || 'of the vendor principal'), '.'),
        h('li', {}, 'Tick ', h('b', {}, 'Require external ID'), ' and paste the External ID above.'),
        h('li', {}, 'Attach the permission policy for your bucket. Or skip the console and deploy ' +
          'the role ready-made (enter the bucket in step 3 first): ',
        h('span', {class: 'row'}, dl('cloudformation', 'Download CloudFormation', 'crossdock.cfn.yaml'),
          dl('terraform', 'Download Terraform', 'crossdock.tf'))),
        h('li', {}, 'Name the role, create it, and copy its ARN into step 3.')))];
}

async function viewNewConnection() {
  const info = await loadApiInfo();
  const identity = await api('GET', '/v1/identity');
  let type = null;
  let currentValues = () => ({});
  const typeCards = info.types.map((t) => h('button', {type: 'button', class: 'type-card',
    'data-type': t.name, id: 'type-' + t.name, onclick: () => choose(t.name)},
  h('strong', {}, t.title), h('span', {}, t.summary)));

  const form = h('form', {id: 'connection-form', hidden: true, novalidate: true});
  const steps = consoleSteps(identity, () => currentValues());
  main().replaceChildren(
    h('h1', {}, 'Add connection'),
    ...steps,
    h('section', {class: 'card', 'aria-labelledby': 'role-title'},
      h('h2', {id: 'role-title'}, '3. Role and bucket'),
      h('p', {class: 'hint'}, 'Type: ', h('b', {id: 'step-type'}, 'choose one'), '.'),
      h('div', {class: 'types', role: 'group', 'aria-label': 'Connection type'}, typeCards), form));

  function choose(value) {
    type = value;
    typeCards.forEach((c) => {
      c.classList.toggle('selected', c.dataset.type === value);
      c.setAttribute('aria-pressed', c.dataset.type === value ? 'true' : 'false');
    });
    document.getElementById('step-type').textContent = typeLabel(value);
    // Steps 1 and 2 set up an IAM role: nothing to do there for a database login.
    const aws = (typeInfo(value) || {aws: true}).aws;
    steps.forEach((s) => { s.hidden = !aws; });
    document.getElementById('role-title').textContent = aws ? '3. Role and bucket' : 'Database';
    buildForm();
  }

  function buildForm() {
    const demo = info.demo;
    const name = text('name', {value: demo ? `demo-${type}` : ''});
    const method = h('select', {id: 'auth_method', name: 'auth_method'},
      h('option', {value: 'iam-role'}, 'IAM role'),
      h('option', {value: 'access-key'}, 'Access Key and Secret'));
    const roleArn = text('role_arn', {placeholder: 'arn:aws:iam::123456789012:role/crossdock',
      value: demo ? demo.role_arn : ''});
    const t = typeInfo(type);
    currentValues = () => ({type, bucket: bucket.value.trim(), region: region.value.trim(),
      role_arn: method.value === 'iam-role' ? roleArn.value.trim() : '',
      stream_arn: ks.stream_arn ? ks.stream_arn.value.trim() : ''});
    const keyId = text('access_key_id', {placeholder: 'AKIA...'});
    const secret = h('input', {type: 'password', id: 'secret_access_key', autocomplete: 'off'});
    const region = text('region', {placeholder: 'us-west-1', value: demo ? demo.region : ''});
    const bucket = text('bucket', {placeholder: 'output/customers',
      value: demo && type === 's3' ? demo.bucket : ''});
    const fRole = field('role_arn', 'IAM Role ARN', roleArn,
      'The role you created in step 2, e.g. arn:aws:iam::123456789012:role/crossdock.');
    const fKey = field('access_key_id', 'AWS Access Key ID', keyId);
    const fSecret = field('secret_access_key', 'AWS Secret Access Key', secret,
      'Stored encrypted; never shown again.');
    const fMethod = field('auth_method', 'Authentication method', method);
    // Types that take IAM roles only (the server's table says which) offer no access keys.
    if (t.role_only) { method.value = 'iam-role'; fMethod.hidden = true; }
    // Types that are not AWS services (postgres: a database's own user and password) have no
    // authentication method, role, keys, region or bucket.
    const aws = t.aws;
    const parts = aws ? [field('name', 'Name', name), fMethod, fRole, fKey, fSecret]
      : [field('name', 'Name', name)];
    const ks = {};
    if (type === 'kinesis') {
      ks.stream_arn = text('kinesis.stream_arn', {placeholder: 'arn:aws:kinesis:us-west-2:123456789012:stream/clickstream'});
      ks.kms_key_arn = text('kinesis.kms_key_arn', {placeholder: 'arn:aws:kms:us-west-2:123456789012:key/...'});
      parts.push(field('kinesis.stream_arn', 'Stream ARN', ks.stream_arn,
        'The stream to read; its region and account come from the ARN.'),
      field('kinesis.kms_key_arn', 'KMS key ARN (if the stream uses SSE-KMS)', ks.kms_key_arn,
        'Leave empty for no encryption or the AWS-managed key.'));
    }

    const pg = {};
    if (type === 'postgres') {
      pg.host = text('postgres.host', {placeholder: 'db.example.com'});
      pg.port = h('input', {type: 'number', id: 'postgres.port', value: '5432', min: '1', max: '65535'});
      pg.database = text('postgres.database', {placeholder: 'shop'});
      pg.user = text('postgres.user', {placeholder: 'crossdock_reader'});
      pg.password = h('input', {type: 'password', id: 'postgres.password', autocomplete: 'off'});
      pg.sslmode = h('select', {id: 'postgres.sslmode'},
        ...['require', 'verify-full', 'verify-ca', 'prefer', 'disable'].map((m) => h('option', {value: m}, m)));
      parts.push(field('postgres.host', 'Host', pg.host, 'One host name or IP address; the port goes below.'),
        field('postgres.port', 'Port', pg.port),
        field('postgres.database', 'Database', pg.database),
        field('postgres.user', 'User', pg.user, 'A user that may read the tables to sync.'),
        field('postgres.password', 'Password', pg.password, 'Stored encrypted; never shown again.'),
        field('postgres.sslmode', 'TLS (sslmode)', pg.sslmode,
          'require encrypts always; verify-full also checks the server certificate and name.'));
    }

    const db = {};
    const rs = {};
    if (type === 'databricks') {
      db.workspace_url = text('databricks.workspace_url', {placeholder: 'https://dbc-1234abcd-5678.cloud.databricks.com'});
      db.warehouse_id = text('databricks.warehouse_id', {placeholder: '1234567890abcdef'});
      db.token = h('input', {type: 'password', id: 'databricks.token', autocomplete: 'off'});
      db.storage_credential = text('databricks.storage_credential', {placeholder: 'crossdock-staging-credential'});
      db.external_id = text('databricks.external_id');
      db.unity_catalog = h('select', {id: 'databricks.unity_catalog'},
        h('option', {value: ''}, 'The region\'s default'),
        h('option', {value: 'commercial'}, 'AWS commercial'),
        h('option', {value: 'govcloud'}, 'AWS GovCloud'),
        h('option', {value: 'govcloud-dod'}, 'AWS GovCloud DoD'));
      parts.push(field('databricks.workspace_url', 'Workspace URL', db.workspace_url),
        field('databricks.warehouse_id', 'SQL warehouse ID', db.warehouse_id),
        field('databricks.token', 'Access token', db.token, 'Stored encrypted; never shown again.'),
        field('databricks.storage_credential', 'Storage Credential name (if applicable)', db.storage_credential,
          'Needed when the staging bucket is not an External Location in Unity Catalog.'),
        field('databricks.external_id', 'Databricks External ID', db.external_id,
          'The External ID Databricks generated for the storage credential.'),
        field('databricks.unity_catalog', 'Databricks deployment (Unity Catalog principal)', db.unity_catalog,
          'Whose Unity Catalog role the trust policy names; GovCloud DoD workspaces have their own.'));
    }
    if (type === 'redshift-serverless') {
      rs.workgroup = text('redshift.workgroup', {placeholder: 'default-workgroup'});
      rs.database = text('redshift.database', {placeholder: 'dev'});
      rs.access = h('select', {id: 'redshift.access'}, h('option', {value: 'data-api'}, 'Redshift Data API'),
        h('option', {value: 'vpc-endpoint'}, 'VPC endpoint'));
      rs.host = text('redshift.vpc_endpoint.host');
      rs.port = h('input', {type: 'number', id: 'redshift.vpc_endpoint.port', value: '5439'});
      rs.unload = h('input', {type: 'checkbox', id: 'redshift.unload.enabled'});
      rs.unloadBucket = text('redshift.unload.bucket', {placeholder: 'unload-example'});
      rs.unloadRegion = text('redshift.unload.region', {placeholder: 'us-east-1'});
      const fHost = field('redshift.vpc_endpoint.host', 'VPC endpoint host', rs.host);
      const fPort = field('redshift.vpc_endpoint.port', 'VPC endpoint port', rs.port);
      const fUB = field('redshift.unload.bucket', 'Unload bucket', rs.unloadBucket);
      const fUR = field('redshift.unload.region', 'Unload bucket region', rs.unloadRegion);
      const sync = () => {
        fHost.hidden = fPort.hidden = rs.access.value !== 'vpc-endpoint';
        fUB.hidden = fUR.hidden = !rs.unload.checked;
      };
      rs.access.addEventListener('change', sync);
      rs.unload.addEventListener('change', sync);
      parts.push(field('redshift.workgroup', 'Workgroup', rs.workgroup),
        field('redshift.database', 'Database', rs.database),
        field('redshift.access', 'Access', rs.access), fHost, fPort,
        h('label', {class: 'checkbox'}, rs.unload, 'Unload data to S3'), fUB, fUR);
      setTimeout(sync);
    }
    const bucketLabel = type === 's3' ? 'S3 bucket name' : 'S3 staging bucket name';
    const kmsKey = text('kms_key_arn', {placeholder: 'arn:aws:kms:us-west-1:123456789012:key/...'});
    if (!aws) {
      // no region or bucket
    } else if (t.bucket_label) {
      parts.push(field('region', type === 's3' ? 'S3 bucket region' : 'S3 staging bucket region', region,
        'e.g. us-west-1'),
      field('bucket', bucketLabel, bucket,
        'May include a path, e.g. output/customers limits crossdock to customers/ in bucket output.'),
      field('kms_key_arn', 'SSE-KMS key ARN (optional)', kmsKey,
        'Files written are encrypted with this key; the generated policy allows kms:GenerateDataKey and kms:Decrypt on it.'));
    } else {
      parts.push(field('region', 'Region (optional)', region, 'Leave empty to take the stream\'s.'));
    }

    const syncAuth = () => {
      const role = method.value === 'iam-role';
      fRole.hidden = !role; fKey.hidden = fSecret.hidden = role;
    };
    method.addEventListener('change', syncAuth);
    syncAuth();

    const save = h('button', {type: 'submit', id: 'save-connection'},
      info.canTest ? 'Save & test' : 'Save');
    const applyFirst = h('input', {type: 'checkbox', id: 'apply-first', checked: true});
    const demoApply = info.canApply && aws && type !== 'redshift-serverless'
      ? h('label', {class: 'checkbox', for: 'apply-first'}, applyFirst,
        'Demo: apply the generated policies to the pretend account first') : null;
    form.replaceChildren(h('div', {}, h('h3', {}, typeLabel(type)), ...parts, demoApply,
      h('div', {class: 'form-error', role: 'alert'}),
      h('div', {class: 'row'}, save, h('a', {class: 'button secondary', href: '#/connections'}, 'Cancel'))));
    form.hidden = false;
    const bodyOf = () => {
      if (type === 'postgres') {
        const body = {name: name.value.trim(), type, postgres: {host: pg.host.value.trim(),
          port: parseInt(pg.port.value, 10) || 5432, database: pg.database.value.trim(),
          user: pg.user.value.trim(), sslmode: pg.sslmode.value}};
        if (pg.password.value) body.postgres.password = pg.password.value;
        return body;
      }
      const body = {name: name.value.trim(), type, auth_method: method.value,
        region: region.value.trim()};
      if (bucket.value.trim()) body.bucket = bucket.value.trim();
      if (type !== 'kinesis' && kmsKey.value.trim()) body.kms_key_arn = kmsKey.value.trim();
      if (method.value === 'iam-role') body.role_arn = roleArn.value.trim();
      else { body.access_key_id = keyId.value.trim(); body.secret_access_key = secret.value; }
      if (type === 'databricks') {
        body.databricks = {workspace_url: db.workspace_url.value.trim(),
          warehouse_id: db.warehouse_id.value.trim(),
          storage_credential: db.storage_credential.value.trim(),
          external_id: db.external_id.value.trim(), unity_catalog: db.unity_catalog.value};
        if (db.token.value) body.databricks.token = db.token.value;
      }
      if (type === 'kinesis') {
        body.kinesis = {stream_arn: ks.stream_arn.value.trim()};
        if (ks.kms_key_arn.value.trim()) body.kinesis.kms_key_arn = ks.kms_key_arn.value.trim();
        if (!body.region) delete body.region;
      }
      if (type === 'redshift-serverless') {
        body.redshift = {workgroup: rs.workgroup.value.trim(), database: rs.database.value.trim(),
          access: rs.access.value, unload: {enabled: rs.unload.checked}};
        if (rs.access.value === 'vpc-endpoint') {
          body.redshift.vpc_endpoint = {host: rs.host.value.trim(), port: parseInt(rs.port.value, 10) || 5439};
        }
        if (rs.unload.checked) {
          body.redshift.unload.bucket = rs.unloadBucket.value.trim();
          body.redshift.unload.region = rs.unloadRegion.value.trim();
        }
      }
      return body;
    };
    const supersede = validateAsYouGo(form, 'POST', '/v1/connections', bodyOf);
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      supersede();
      const body = bodyOf();
      save.disabled = true;
      announce('Saving...');
      try {
        const created = await api('POST', '/v1/connections', body);
        if (demoApply && applyFirst.checked && body.auth_method === 'iam-role') {
          announce('Applying the policies to the demo account...');
          try { await api('POST', `/v1/connections/${created.id}/demo-apply`); } catch (e) { toast(humanize(e.message, e.field)); }
        }
        if (info.canTest) sessionStorage.setItem('crossdock.autotest', created.id);
        location.hash = `#/connections/${created.id}`;
      } catch (e) {
        showFieldErrors(form, e.details.length ? e.details : [{field: e.field, message: e.message}]);
      } finally {
        save.disabled = false;
      }
    };
  }
  if (info.demo) choose('s3');
}

function policyBlock(title, doc, testid) {
  const textOf = () => JSON.stringify(doc, null, 2);
  return h('div', {class: 'card'},
    h('div', {class: 'row'}, h('h2', {}, title), h('span', {class: 'spacer'}),
      copyButton(textOf, 'copy-' + testid)),
    h('pre', {'data-testid': testid, tabindex: '0', 'aria-label': title}, textOf()));
}

async function viewConnection(id) {
  const info = await loadApiInfo();
  const c = await api('GET', `/v1/connections/${encodeURIComponent(id)}`);
  const pgc = c.type === 'postgres' ? c.postgres || {} : null;
  const kv = pgc
    ? [['Type', typeLabel(c.type)], ['Server', `${pgc.host}:${pgc.port}`], ['Database', pgc.database],
      ['User', pgc.user], ['Password', pgc.password && pgc.password.set ? 'stored (encrypted)' : 'none'],
      ['TLS (sslmode)', pgc.sslmode]]
    : [['Type', typeLabel(c.type)], ['Authentication', c.auth_method === 'iam-role' ? 'IAM role' : 'Access Key and Secret']];
  if (c.role_arn) kv.push(['IAM Role ARN', c.role_arn]);
  if (c.access_key_id) kv.push(['AWS Access Key ID', c.access_key_id]);
  if (!pgc) kv.push(['Region', c.region]);
  if (c.bucket) kv.push(['Bucket', c.bucket + (c.path ? '/' + c.path : '')]);
  if (c.kinesis && c.kinesis.stream_arn) kv.push(['Stream ARN', c.kinesis.stream_arn]);
  if (c.kinesis && c.kinesis.kms_key_arn) kv.push(['KMS key ARN', c.kinesis.kms_key_arn]);
  if (c.kms_key_arn) kv.push(['SSE-KMS key ARN', c.kms_key_arn]);
  if (c.databricks && c.databricks.unity_catalog) kv.push(['Databricks deployment', c.databricks.unity_catalog]);
  const extId = h('code', {class: 'value', id: 'external-id'}, c.external_id);
  const editArea = h('div', {id: 'edit-area'});
  const header = h('div', {class: 'card'},
    h('div', {class: 'row'}, h('h1', {id: 'connection-name'}, c.name), h('span', {class: 'spacer'}),
      statusBadge(lastTest(c)),
      h('button', {class: 'secondary', id: 'edit-connection', onclick: () =>
        editConnection(c, info, editArea, testArea)}, 'Edit'),
      h('button', {class: 'danger', id: 'delete-connection', onclick: async () => {
        if (!confirm(`Delete connection ${c.name}?`)) return;
        await api('DELETE', `/v1/connections/${c.id}`);
        location.hash = '#/connections';
      }}, 'Delete')),
    h('dl', {class: 'kv'}, kv.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    editArea,
    c.auth_method === 'iam-role' ? h('div', {},
      h('h2', {}, 'External ID'),
      h('p', {class: 'hint'}, 'Put it in the sts:ExternalId condition of the role\'s trust policy ' +
        'so that only crossdock, acting for your organization, can assume the role.'),
      h('div', {class: 'row'}, extId, copyButton(() => c.external_id, 'copy-external-id'))) : null);
  const testArea = h('div', {id: 'test-area'});
  const parts = [header];
  if (c.auth_method === 'iam-role') {
    try {
      const p = await api('GET', `/v1/connections/${c.id}/policies?format=json`);
      const actions = h('div', {class: 'row'},
        h('button', {class: 'secondary', id: 'download-cloudformation', onclick: () =>
          download(`/v1/connections/${c.id}/policies?format=cloudformation`, 'crossdock.cfn.yaml')},
        'Download CloudFormation'),
        h('button', {class: 'secondary', id: 'download-terraform', onclick: () =>
          download(`/v1/connections/${c.id}/policies?format=terraform`, 'crossdock.tf')},
        'Download Terraform'));
      if (info.canApply) {
        const status = h('span', {id: 'apply-status', class: 'hint'});
        actions.append(h('button', {id: 'apply-demo', onclick: async (ev) => {
          ev.target.disabled = true; status.textContent = 'Applying...';
          try {
            await api('POST', `/v1/connections/${c.id}/demo-apply`);
            status.textContent = 'Applied to the demo account: the role now has both policies.';
            // Earlier results describe the role before this change.
            localStorage.removeItem(TEST_KEY + c.id);
            testArea.replaceChildren(h('p', {class: 'hint'}, 'The role changed: test again.'));
          } catch (e) { status.textContent = e.message; } finally { ev.target.disabled = false; }
        }}, 'Apply to the demo account'), status);
      }
      parts.push(h('div', {class: 'card'}, h('h2', {}, 'Policies to attach to the role'),
        h('p', {class: 'hint'}, 'Attach the permission policy to the role and set its trust ' +
          'policy; or deploy the CloudFormation template or Terraform below.'),
        actions, (p.notes || []).length ? h('ul', {}, p.notes.map((n) => h('li', {}, n))) : null),
      policyBlock('Trust policy', p.trust_policy, 'trust-policy'),
      policyBlock('Permission policy', p.permission_policy, 'permission-policy'));
    } catch (e) {
      parts.push(h('div', {class: 'card form-error', id: 'policies-error'}, e.message));
    }
  }
  let testButton = null;
  if (info.canTest) {
    testButton = h('button', {id: 'test-connection', onclick: (ev) => runTest(c, ev.target, testArea)},
      'Test connection');
    // Right under the connection, before the policies: the test is what a user does next.
    parts.splice(1, 0, h('div', {class: 'card'},
      h('div', {class: 'row'}, h('h2', {}, 'Test connection'), h('span', {class: 'spacer'}), testButton),
      h('p', {class: 'hint'}, pgc
        ? 'Resolves the host, logs in as the user and runs SELECT 1, and reports whether the ' +
          'session is encrypted.'
        : 'Assumes the role with and without the External ID and tries ' +
          'every S3 operation syncs use, inside the bucket path. Nothing is left behind.'),
      testArea));
  }
  main().replaceChildren(...parts);
  if (testButton && sessionStorage.getItem('crossdock.autotest') === c.id) {
    sessionStorage.removeItem('crossdock.autotest');
    await runTest(c, testButton, testArea);
  }
}

// The connection's fields, editable in place; Save & test sends a PATCH then tests again.
// The edit form of a postgres connection: its own fields; an empty password keeps the stored one.
function postgresEditParts(c) {
  const p = c.postgres || {};
  const f = {
    host: text('edit-postgres.host', {value: p.host || ''}),
    port: h('input', {type: 'number', id: 'edit-postgres.port', value: String(p.port || 5432), min: '1', max: '65535'}),
    database: text('edit-postgres.database', {value: p.database || ''}),
    user: text('edit-postgres.user', {value: p.user || ''}),
    password: h('input', {type: 'password', id: 'edit-postgres.password', autocomplete: 'off'}),
    sslmode: h('select', {id: 'edit-postgres.sslmode'},
      ...['require', 'verify-full', 'verify-ca', 'prefer', 'disable'].map((m) =>
        h('option', {value: m, selected: m === p.sslmode}, m))),
  };
  const fields = [field('postgres.host', 'Host', f.host), field('postgres.port', 'Port', f.port),
    field('postgres.database', 'Database', f.database), field('postgres.user', 'User', f.user),
    field('postgres.password', 'Password', f.password, 'Leave empty to keep the stored one.'),
    field('postgres.sslmode', 'TLS (sslmode)', f.sslmode)];
  const changes = () => {
    const out = {};
    for (const k of ['host', 'database', 'user', 'sslmode']) {
      if (f[k].value.trim() !== (p[k] || '')) out[k] = f[k].value.trim();
    }
    const port = parseInt(f.port.value, 10);
    if (port !== p.port) out.port = Number.isNaN(port) ? 0 : port;
    if (f.password.value) out.password = f.password.value;
    return out;
  };
  return {fields, changes};
}

function editConnection(c, info, area, testArea) {
  if (area.firstChild) { area.replaceChildren(); return; }
  const pgEdit = c.type === 'postgres' ? postgresEditParts(c) : null;
  const name = text('edit-name', {value: c.name});
  const roleArn = text('edit-role_arn', {value: c.role_arn || ''});
  const keyId = text('edit-access_key_id', {value: c.access_key_id || ''});
  const secret = h('input', {type: 'password', id: 'edit-secret_access_key', autocomplete: 'off'});
  const region = text('edit-region', {value: c.region || ''});
  const bucket = text('edit-bucket', {value: c.bucket ? c.bucket + (c.path ? '/' + c.path : '') : ''});
  const kmsKey = text('edit-kms_key_arn', {value: c.kms_key_arn || ''});
  const role = c.auth_method === 'iam-role';
  const form = h('form', {id: 'edit-form', novalidate: true, class: 'edit-form'},
    h('h2', {}, 'Edit connection'),
    field('name', 'Name', name),
    ...(pgEdit ? pgEdit.fields : [
      role ? field('role_arn', 'IAM Role ARN', roleArn) : field('access_key_id', 'AWS Access Key ID', keyId),
      role ? null : field('secret_access_key', 'AWS Secret Access Key', secret, 'Leave empty to keep the stored one.'),
      field('region', c.type === 's3' ? 'S3 bucket region' : 'S3 staging bucket region', region),
      (typeInfo(c.type) || {bucket_label: 'bucket'}).bucket_label
        ? field('bucket', c.type === 's3' ? 'S3 bucket name' : 'S3 staging bucket name', bucket,
          'May include a path, e.g. output/customers.') : null,
      c.type !== 'kinesis' ? field('kms_key_arn', 'SSE-KMS key ARN (optional)', kmsKey,
        'Files written are encrypted with this key; empty: the bucket\'s default encryption.') : null]),
    h('div', {class: 'form-error', role: 'alert'}),
    h('div', {class: 'row'},
      info.canTest ? h('button', {type: 'submit', id: 'save-and-test', 'data-test': '1'}, 'Save & test') : null,
      h('button', {type: 'submit', class: info.canTest ? 'secondary' : '', id: 'save-edit'}, 'Save'),
      h('button', {type: 'button', class: 'secondary', onclick: () => area.replaceChildren()}, 'Cancel')));
  const bodyOf = () => {
    const body = {};
    if (name.value.trim() !== c.name) body.name = name.value.trim();
    if (pgEdit) {
      const changed = pgEdit.changes();
      if (Object.keys(changed).length) body.postgres = changed;
      return body;
    }
    if (role && roleArn.value.trim() !== c.role_arn) body.role_arn = roleArn.value.trim();
    if (!role && keyId.value.trim() !== c.access_key_id) body.access_key_id = keyId.value.trim();
    if (!role && secret.value) body.secret_access_key = secret.value;
    if (region.value.trim() !== c.region) body.region = region.value.trim();
    const b = bucket.value.trim();
    if (b !== (c.bucket ? c.bucket + (c.path ? '/' + c.path : '') : '')) body.bucket = b;
    if (c.type !== 'kinesis' && kmsKey.value.trim() !== (c.kms_key_arn || '')) {
      body.kms_key_arn = kmsKey.value.trim();
    }
    return body;
  };
  const supersede = validateAsYouGo(form, 'PATCH', `/v1/connections/${c.id}`, bodyOf);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    supersede();
    const andTest = ev.submitter && ev.submitter.dataset.test === '1';
    const body = bodyOf();
    // The last result describes the connection before this change: gone at once.
    if (andTest) testArea.replaceChildren(h('p', {class: 'hint'}, 'Saving...'));
    try {
      const updated = Object.keys(body).length
        ? await api('PATCH', `/v1/connections/${c.id}`, body) : c;
      // The stored test result no longer describes this connection.
      if (updated.updated_at !== c.updated_at) localStorage.removeItem(TEST_KEY + c.id);
      announce('Connection saved.');
      toast('Saved');
      if (andTest) sessionStorage.setItem('crossdock.autotest', c.id);
      testArea.replaceChildren();
      route();
    } catch (e) {
      if (andTest) testArea.replaceChildren();
      showFieldErrors(form, e.details.length ? e.details : [{field: e.field, message: e.message}]);
    }
  };
  area.replaceChildren(form);
  name.focus();
}

// Test results: every check with its status; the fixes only for failed checks, each cause
// once with the checks it explains; the time of the test.
function renderReport(report, at) {
  const rows = report.checks.map((k) => h('tr', {'data-testid': 'check-row', 'data-check': k.id,
    'data-status': k.status},
  h('td', {}, h('span', {class: `status ${k.status}`}, k.status)),
  h('td', {}, h('div', {}, k.title || k.id),
    k.status === 'fail' && k.message ? h('div', {class: 'check-detail'}, k.message + (k.aws_code ? ` (${k.aws_code})` : '')) : null)));
  const causes = new Map();
  // The probe objects' names differ per check; the cause they share does not.
  const same = (t) => (t || '').replace(/crossdock-connection-test-[0-9a-z]+(-multipart)?/g, 'crossdock-connection-test-*');
  for (const k of report.checks) {
    if (k.status !== 'fail') continue;
    const key = same(k.diagnosis) + '\n' + same(k.fix || k.message);
    if (!causes.has(key)) causes.set(key, {diagnosis: same(k.diagnosis), fix: same(k.fix || k.message), checks: []});
    causes.get(key).checks.push(k.title || k.id);
  }
  const fixes = [...causes.values()].map((c) => h('li', {'data-testid': 'fix'},
    c.diagnosis ? h('div', {}, c.diagnosis) : null,
    c.fix ? h('div', {class: 'check-fix'}, h('b', {}, 'Fix: '), c.fix) : null,
    h('div', {class: 'hint'}, c.checks.length > 1 ? `Explains ${c.checks.length} failed checks: ` : 'Failed check: ',
      c.checks.join(', '))));
  const when = new Date(at);
  return [
    h('p', {class: 'summary ' + (report.ok ? 'ok' : 'bad'), id: 'test-summary'},
      report.ok ? 'Every check passed.' : 'Some checks failed: see the fixes below.'),
    h('p', {class: 'hint', id: 'test-time'}, 'Tested ',
      h('time', {datetime: when.toISOString()}, when.toLocaleString()), '.'),
    fixes.length ? h('div', {id: 'test-fixes'}, h('h3', {}, 'What to fix'), h('ol', {}, fixes)) : null,
    h('div', {class: 'table-wrap'}, h('table', {id: 'checks-table'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Result'), h('th', {scope: 'col'}, 'Check'))),
      h('tbody', {}, rows)))];
}

async function runTest(c, button, area) {
  button.disabled = true;
  area.replaceChildren(h('p', {class: 'hint'}, 'Testing...'));
  announce('Testing the connection...');
  try {
    const report = await api('POST', `/v1/connections/${c.id}/test`, {});
    const at = new Date().toISOString();
    rememberTest(c, report, at);
    area.replaceChildren(...renderReport(report, at));
    const badge = document.querySelector('[data-testid=connection-status]');
    if (badge) badge.replaceWith(statusBadge(lastTest(c)));
    announce(report.ok ? 'Connection test passed.' : 'Connection test failed.');
  } catch (e) {
    area.replaceChildren(h('p', {class: 'form-error'}, humanize(e.message, e.field)));
  } finally {
    button.disabled = false;
  }
}

async function viewIdentity() {
  const info = await loadApiInfo();
  const id = await api('GET', '/v1/identity');
  const area = h('div', {id: 'rotation-area', 'aria-live': 'polite'});
  const rotate = h('button', {class: 'secondary', id: 'rotate', type: 'button', disabled: id.rotation_in_progress,
    onclick: () => area.replaceChildren(h('div', {class: 'notice', role: 'alertdialog', 'aria-labelledby': 'rotate-q'},
      h('p', {id: 'rotate-q'}, h('b', {}, 'Start an External ID rotation? '),
        'A new External ID becomes current; the present one stays accepted until you confirm. ' +
        'Add the new ID to every role\'s trust policy before confirming.'),
      h('div', {class: 'row'},
        h('button', {id: 'rotate-yes', type: 'button', onclick: async () => {
          try { await api('POST', '/v1/organization/external-id/rotate'); announce('Rotation started.'); } catch (e) { toast(e.message); }
          route();
        }}, 'Start rotation'),
        h('button', {class: 'secondary', type: 'button', onclick: () => area.replaceChildren()}, 'Cancel'))))},
  'Rotate External ID');
  const confirmBtn = h('button', {class: 'secondary', id: 'confirm-rotation', type: 'button',
    disabled: !id.rotation_in_progress, onclick: () => precheck()}, 'Confirm rotation...');
  async function precheck() {
    area.replaceChildren(h('p', {class: 'hint'}, 'Checking which roles accept the new External ID...'));
    if (!info.canPrecheck) {
      area.replaceChildren(confirmDialog(null));
      return;
    }
    try {
      const r = await api('POST', '/v1/organization/external-id/precheck');
      area.replaceChildren(confirmDialog(r));
    } catch (e) { area.replaceChildren(h('p', {class: 'form-error'}, e.message)); }
  }
  function confirmDialog(r) {
    const blocked = r ? r.connections.filter((c) => !c.accepts_new_id) : [];
    const yes = h('button', {id: 'confirm-yes', type: 'button', class: 'danger', disabled: blocked.length > 0,
      onclick: async () => {
        try { await api('POST', '/v1/organization/external-id/confirm'); announce('Rotation confirmed.'); } catch (e) { toast(e.message); }
        route();
      }}, 'Confirm: retire the previous External ID');
    return h('div', {class: 'notice', role: 'alertdialog', 'aria-labelledby': 'confirm-q', id: 'precheck'},
      h('p', {id: 'confirm-q'}, h('b', {}, 'Retire the previous External ID? '),
        'Roles that do not list the new ID in their trust policy stop working at once.'),
      blocked.length ? h('div', {},
        h('p', {class: 'form-error', id: 'precheck-blocked'}, `${blocked.length} connection${blocked.length > 1 ? 's' : ''} ` +
          'cannot yet be assumed with the new External ID; update their trust policies (or use the demo\'s Apply), then check again:'),
        h('ul', {}, blocked.map((c) => h('li', {'data-testid': 'precheck-blocked-connection'},
          h('a', {href: `#/connections/${c.id}`}, c.name), ': ', h('span', {class: 'wrap'}, c.message || c.role_arn)))))
        : h('p', {class: 'summary ok', id: 'precheck-ok'}, r ? 'Every IAM-role connection accepts the new External ID.' : ''),
      h('div', {class: 'row'}, yes,
        h('button', {class: 'secondary', type: 'button', id: 'precheck-again', onclick: () => precheck()}, 'Check again'),
        h('button', {class: 'secondary', type: 'button', onclick: () => area.replaceChildren()}, 'Cancel')));
  }
  const parts = [h('h1', {}, 'Identity'),
    h('div', {class: 'card'}, h('dl', {class: 'kv'},
      h('dt', {}, 'Organization'), h('dd', {}, id.organization.name),
      h('dt', {}, 'Vendor principal'), h('dd', {}, id.vendor ? id.vendor.principal : 'not configured'),
      h('dt', {}, 'External ID'), h('dd', {}, h('code', {class: 'value', id: 'identity-external-id'}, id.external_id)),
      h('dt', {}, 'Rotation'), h('dd', {id: 'rotation-state'}, id.rotation_in_progress
        ? 'in progress: trust policies should list both IDs until you confirm' : 'none')),
    h('div', {class: 'row'}, rotate, confirmBtn), area)];
  if (id.example_trust_policy) parts.push(policyBlock('Example trust policy', id.example_trust_policy, 'example-trust-policy'));
  main().replaceChildren(...parts);
}

// ---------- syncs ----------
function describeEnd(end) {
  if (!end) return '';
  const what = end.connection ? `${end.connection}` : (end.bucket || end.root || end.url || '');
  const where = end.table || end.query || end.path || end.prefix || '';
  return `${end.type}: ${what}${where ? ' / ' + where : ''}`;
}

function formatBytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

async function viewSyncs() {
  const here = location.hash;
  let search = null;
  const list = pagedTable({path: '/v1/syncs', key: 'syncs', table: 'syncs-table',
    more: 'load-more-syncs', noun: 'syncs',
    filters: () => ({name_prefix: search ? search.value() : ''}),
    head: [h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Source'),
      h('th', {scope: 'col'}, 'Destination'), h('th', {scope: 'col'}, 'Output'), h('th', {scope: 'col'}, 'Cursor')],
    row: (s) => h('tr', {'data-testid': 'sync-row'},
      h('td', {}, h('a', {href: `#/syncs/${s.id}`}, s.name)),
      h('td', {}, describeEnd(s.spec.source)),
      h('td', {}, describeEnd(s.spec.destination)),
      h('td', {}, s.spec.copy ? 'copy' : `${s.spec.format || ''} ${s.spec.compression || ''}`),
      h('td', {}, s.cursor || '')),
    empty: (filtered) => h('div', {class: 'card empty', id: 'syncs-empty'}, filtered
      ? 'No sync name starts with that text.' : 'No syncs yet. Create one with New sync.')});
  search = searchBox('sync-search', 'Search syncs', list);
  await list.reload();
  if (location.hash !== here) return;  // the user moved on while the page loaded
  main().replaceChildren(
    h('div', {class: 'row'}, h('h1', {}, 'Syncs'), h('span', {class: 'spacer'}),
      h('a', {class: 'button', href: '#/syncs/new', id: 'new-sync'}, 'New sync')),
    h('p', {class: 'hint'}, 'A sync copies rows or files from a source into a connection\'s ' +
      'bucket. Runs are executed by the server\'s workers (crossdock serve --workers N) or by ' +
      'crossdock worker processes on the same store.'),
    search.form, list.el);
}

async function viewSync(id) {
  const [s, runs] = await Promise.all([api('GET', `/v1/syncs/${encodeURIComponent(id)}`),
    api('GET', `/v1/syncs/${encodeURIComponent(id)}/runs?limit=20`)]);
  const active = runs.runs.some((r) => ['queued', 'running', 'committing'].includes(r.status));
  // A run queued for a while: no worker is free (or none runs).
  const waiting = runs.runs.some((r) => r.status === 'queued' && Date.now() - new Date(r.created_at).getTime() > 5000);
  const runRow = (r) => h('tr', {'data-testid': 'run-row', 'data-status': r.status},
    h('td', {}, h('code', {}, r.id)),
    h('td', {}, h('span', {class: `status ${r.status}`, 'data-testid': 'run-status'}, r.status)),
    h('td', {}, r.rows ?? ''), h('td', {}, formatBytes(r.bytes)), h('td', {}, r.files ?? ''),
    h('td', {}, r.duration_ms !== null && r.duration_ms !== undefined ? `${(r.duration_ms / 1000).toFixed(1)} s` : ''),
    h('td', {class: 'error-text', 'data-testid': 'run-error'}, r.error || ''),
    h('td', {}, ['queued', 'running'].includes(r.status) && !r.cancel_requested
      ? h('button', {class: 'secondary', 'data-testid': 'cancel-run', onclick: async () => {
        try {
          await api('POST', `/v1/syncs/${encodeURIComponent(s.id)}/runs/${encodeURIComponent(r.id)}/cancel`);
          toast('Cancellation requested');
        } catch (e) { toast(e.message); }
        route();
      }}, 'Cancel') : ''));
  const runRows = runs.runs.map(runRow);
  // Older runs, a page at a time after the newest 20.
  let runsCursor = runs.next_cursor;
  const moreRuns = h('div', {class: 'row list-footer'});
  const showMoreRuns = () => moreRuns.replaceChildren(runsCursor ? h('button', {class: 'secondary', type: 'button',
    id: 'load-more-runs', onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        const next = await api('GET', `/v1/syncs/${encodeURIComponent(s.id)}/runs?${pageQuery({}, runsCursor, 20)}`);
        document.querySelector('#runs-table tbody').append(...next.runs.map(runRow));
        runsCursor = next.next_cursor;
        clearTimeout(viewSync.timer);  // a refresh would go back to the newest page
        showMoreRuns();
        announce(`Showing ${document.querySelectorAll('#runs-table tbody tr').length} runs.`);
      } catch (e) { ev.target.disabled = false; toast(e.message); }
    }}, 'Load more runs') : null);
  showMoreRuns();
  main().replaceChildren(
    h('div', {class: 'row'}, h('h1', {}, s.name), h('span', {class: 'spacer'}),
      h('a', {class: 'button secondary', id: 'edit-sync', href: `#/syncs/${encodeURIComponent(s.id)}/edit`}, 'Edit'),
      h('button', {id: 'run-now', disabled: active, onclick: async () => {
        try {
          await api('POST', `/v1/syncs/${encodeURIComponent(s.id)}/runs`);
          toast('Run queued');
        } catch (e) { toast(e.message); }
        route();
      }}, 'Run now'),
      h('button', {class: 'secondary', id: 'refresh-runs', onclick: () => route()}, 'Refresh')),
    h('div', {class: 'card'}, h('dl', {class: 'kv'},
      h('dt', {}, 'Source'), h('dd', {}, describeEnd(s.spec.source)),
      h('dt', {}, 'Destination'), h('dd', {}, describeEnd(s.spec.destination)),
      h('dt', {}, 'Cursor'), h('dd', {}, s.cursor || 'none'))),
    policyBlock('Definition', s.spec, 'sync-spec'),
    h('h2', {}, 'Run history'),
    waiting ? h('p', {class: 'hint', id: 'queued-hint'},
      'Queued runs start when a worker is free: crossdock serve --workers N, or crossdock worker on the same store.') : null,
    runRows.length ? h('div', {class: 'table-wrap'}, h('table', {id: 'runs-table'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Run'), h('th', {scope: 'col'}, 'Status'),
        h('th', {scope: 'col'}, 'Rows'), h('th', {scope: 'col'}, 'Bytes'), h('th', {scope: 'col'}, 'Files'),
        h('th', {scope: 'col'}, 'Duration'), h('th', {scope: 'col'}, 'Error'),
        h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions')))),
      h('tbody', {}, runRows)))
      : h('div', {class: 'card empty'}, 'No runs yet.'), moreRuns);
  // While a run is active the history refreshes itself.
  clearTimeout(viewSync.timer);
  if (active) {
    viewSync.timer = setTimeout(() => {
      if (location.hash === `#/syncs/${encodeURIComponent(id)}` || location.hash === `#/syncs/${id}`) route();
    }, 2000);
  }
}

// Create (id null) or edit a sync: source and destination picked from the connections.
async function viewSyncForm(id) {
  const info = await loadApiInfo();
  const [s3, pgConns, existing] = await Promise.all([
    allPages('/v1/connections', 'connections', {type: 's3'}),
    allPages('/v1/connections', 'connections', {type: 'postgres'}),
    id ? api('GET', `/v1/syncs/${encodeURIComponent(id)}`) : Promise.resolve(null)]);
  const spec = existing ? existing.spec : {};
  const src = spec.source || {};
  const dst = spec.destination || {};
  const samples = info.demo && info.demo.samples;
  const options = (selected) => s3.map((c) => h('option', {value: c.name, selected: c.name === selected || c.id === selected}, c.name));
  const name = text('sync-name', {value: existing ? existing.name : ''});
  const srcType = h('select', {id: 'source-type'},
    h('option', {value: 's3', selected: src.type !== 'postgres'}, 'Files in an S3 connection (CSV, JSON Lines)'),
    h('option', {value: 'postgres', selected: src.type === 'postgres'}, 'PostgreSQL table'));
  const srcConn = h('select', {id: 'source-connection'}, options(src.connection));
  const srcPrefix = text('source-prefix', {value: src.prefix || (samples ? samples.s3_prefix : ''), placeholder: 'incoming/'});
  // A PostgreSQL source reads through a postgres connection (its own user and encrypted
  // password) or, for a database that needs no password, a URL.
  const pgConn = h('select', {id: 'source-postgres-connection'},
    ...pgConns.map((c) => h('option', {value: c.name,
      selected: src.type === 'postgres' && (c.name === src.connection || c.id === src.connection)}, c.name)),
    h('option', {value: '', selected: src.type === 'postgres' ? !src.connection : !pgConns.length},
      'None: a URL without a password'));
  const pgUrl = text('source-url', {value: src.url || (samples && samples.postgres ? samples.postgres.url : ''),
    placeholder: 'postgresql://user@host:5432/db'});
  const pgTable = text('source-table', {value: src.table || (samples && samples.postgres ? samples.postgres.table : ''),
    placeholder: 'public.orders'});
  const dstConn = h('select', {id: 'destination-connection'}, options(dst.connection));
  const dstPath = text('destination-path', {value: dst.path || 'exports', placeholder: 'exports/orders'});
  const format = h('select', {id: 'sync-format'},
    ['csv', 'jsonl'].map((f) => h('option', {value: f, selected: (spec.format || 'csv') === f}, f === 'csv' ? 'CSV' : 'JSON Lines')));
  const fConn = field('source.connection', 'Source connection', srcConn);
  const fPrefix = field('source.prefix', 'Source prefix', srcPrefix,
    samples ? `The demo's sample files are under ${samples.s3_prefix} of the demo connection.` : 'Files under this prefix of the connection\'s bucket/path.');
  const fPgConn = field('source.connection', 'PostgreSQL connection', pgConn,
    'Holds the host, database, user and encrypted password; add one under Connections.');
  const fUrl = field('source.url', 'PostgreSQL URL', pgUrl,
    'Only for a database that needs no password: a URL never carries one, and workers lend theirs to no tenant.');
  const fTable = field('source.table', 'Table', pgTable);
  const syncKind = () => {
    const pg = srcType.value === 'postgres';
    fConn.hidden = fPrefix.hidden = pg;
    fPgConn.hidden = fTable.hidden = !pg;
    fUrl.hidden = !pg || pgConn.value !== '';
  };
  srcType.addEventListener('change', syncKind);
  pgConn.addEventListener('change', syncKind);
  syncKind();
  const save = h('button', {type: 'submit', id: 'save-sync'}, existing ? 'Save' : 'Create sync');
  const form = h('form', {id: 'sync-form', class: 'card', novalidate: true},
    field('name', 'Name', name),
    h('fieldset', {}, h('legend', {}, 'Source'), field('source.type', 'Read from', srcType), fConn, fPrefix, fPgConn, fUrl, fTable),
    h('fieldset', {}, h('legend', {}, 'Destination'), field('destination.connection', 'Destination connection', dstConn),
      field('destination.path', 'Destination path', dstPath, 'Each run writes its files and a manifest under this path.')),
    field('format', 'File format', format),
    h('div', {class: 'form-error', role: 'alert'}),
    h('div', {class: 'row'}, save,
      h('a', {class: 'button secondary', href: existing ? `#/syncs/${encodeURIComponent(existing.id)}` : '#/syncs'}, 'Cancel')));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const body = {name: name.value.trim(), format: format.value,
      destination: {type: 's3', connection: dstConn.value, path: dstPath.value.trim()}};
    body.source = srcType.value !== 'postgres'
      ? {type: 's3', connection: srcConn.value, prefix: srcPrefix.value.trim()}
      : pgConn.value ? {type: 'postgres', connection: pgConn.value, table: pgTable.value.trim()}
        : {type: 'postgres', url: pgUrl.value.trim(), table: pgTable.value.trim()};
    const local = [];
    if (!body.name) local.push({field: 'name', message: 'name is required; choose a name for this sync'});
    if (!s3.length) local.push({field: 'destination.connection', message: 'Add an S3 connection first: syncs write into one'});
    if (local.length) { showFieldErrors(form, local); return; }
    save.disabled = true;
    try {
      const saved = existing ? await api('PATCH', `/v1/syncs/${encodeURIComponent(existing.id)}`, body)
        : await api('POST', '/v1/syncs', body);
      announce('Sync saved.');
      location.hash = `#/syncs/${encodeURIComponent(saved.id)}`;
    } catch (e) {
      showFieldErrors(form, e.details.length ? e.details : [{field: e.field, message: e.message}]);
    } finally {
      save.disabled = false;
    }
  };
  main().replaceChildren(h('h1', {}, existing ? `Edit sync ${existing.name}` : 'New sync'),
    s3.length ? null : h('div', {class: 'card form-error'}, 'There is no S3 connection yet: ',
      h('a', {href: '#/connections/new'}, 'add one'), ' first.'),
    form);
}

// ---------- API tokens ----------
async function viewTokens() {
  const here = location.hash;
  const shown = h('div', {id: 'new-token-area'});
  const name = text('token-name', {placeholder: 'ci-pipeline'});
  const form = h('form', {class: 'card', id: 'token-form', novalidate: true},
    h('h2', {}, 'Create a token'),
    field('name', 'Token name', name, 'What the token is for; you see it in this list.'),
    h('div', {class: 'form-error', role: 'alert'}),
    h('div', {class: 'row'}, h('button', {type: 'submit', id: 'create-token'}, 'Create token')), shown);
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) { showFieldErrors(form, [{field: 'name', message: 'name is required; say what the token is for'}]); return; }
    try {
      const t = await api('POST', '/v1/tokens', {name: name.value.trim()});
      await viewTokens();
      document.getElementById('new-token-area').replaceChildren(h('div', {class: 'notice'},
        h('p', {}, 'Copy the token now: it is shown only once.'),
        h('div', {class: 'row'}, h('code', {class: 'value', id: 'new-token'}, t.token), copyButton(() => t.token, 'copy-token'))));
      announce('Token created. Copy it now: it is shown only once.');
    } catch (e) {
      showFieldErrors(form, e.details.length ? e.details : [{field: e.field, message: e.message}]);
    }
  };
  const tokenRow = (t) => h('tr', {'data-testid': 'token-row', 'data-name': t.name},
    h('td', {}, t.name), h('td', {}, h('code', {}, t.hint + '...')),
    h('td', {}, h('time', {datetime: t.created_at}, new Date(t.created_at).toLocaleString())),
    h('td', {}, t.last_used_at ? h('time', {datetime: t.last_used_at}, timeAgo(t.last_used_at)) : 'never'),
    h('td', {}, h('button', {class: 'danger', 'data-testid': 'revoke-token', 'aria-label': `Revoke token ${t.name}`,
      onclick: async () => {
        if (!confirm(`Revoke token ${t.name}? Programs using it stop working at once.`)) return;
        try { await api('DELETE', `/v1/tokens/${encodeURIComponent(t.id)}`); announce(`Token ${t.name} revoked.`); } catch (e) { toast(e.message); }
        route();
      }}, 'Revoke')));
  const list = pagedTable({path: '/v1/tokens', key: 'tokens', table: 'tokens-table',
    more: 'load-more-tokens', noun: 'tokens',
    head: [h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Starts with'),
      h('th', {scope: 'col'}, 'Created'), h('th', {scope: 'col'}, 'Last used'),
      h('th', {scope: 'col'}, h('span', {class: 'sr-only'}, 'Actions'))],
    row: tokenRow, empty: () => h('div', {class: 'card empty'}, 'No tokens.')});
  await list.reload();
  if (location.hash !== here) return;  // the user moved on while the page loaded
  main().replaceChildren(h('h1', {}, 'API tokens'),
    h('p', {class: 'hint'}, 'Tokens sign programs and people in to this organization. Only a hash is stored.'),
    form, list.el);
}

// ---------- router ----------
async function route() {
  const hash = location.hash || '#/connections';
  const signedIn = !!token();
  document.getElementById('sign-out').hidden = !signedIn;
  document.getElementById('nav').hidden = !signedIn;
  document.querySelectorAll('#nav a').forEach((a) => {
    const here = hash === a.getAttribute('href') || hash.startsWith(a.getAttribute('href') + '/');
    if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  if (!signedIn && hash !== '#/token') { location.hash = '#/token'; return; }
  try {
    if (hash === '#/token') return viewToken();
    if (!signedIn) return;
    await loadApiInfo();
    if (hash === '#/connections') return await viewConnections();
    if (hash === '#/connections/new') return await viewNewConnection();
    if (hash === '#/identity') return await viewIdentity();
    if (hash === '#/syncs') return await viewSyncs();
    if (hash === '#/syncs/new') return await viewSyncForm(null);
    if (hash === '#/tokens') return await viewTokens();
    const m = /^#\/connections\/([^/]+)$/.exec(hash);
    if (m) return await viewConnection(decodeURIComponent(m[1]));
    const em = /^#\/syncs\/([^/]+)\/edit$/.exec(hash);
    if (em) return await viewSyncForm(decodeURIComponent(em[1]));
    const sm = /^#\/syncs\/([^/]+)$/.exec(hash);
    if (sm) return await viewSync(decodeURIComponent(sm[1]));
    location.hash = '#/connections';
  } catch (e) {
    if (e.status !== 401) main().replaceChildren(h('div', {class: 'card form-error', id: 'page-error'}, e.message));
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', () => {
  document.getElementById('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    apiInfo = null;
    document.getElementById('demo-badge').hidden = true;
    announce('Signed out.');
    if (location.hash === '#/token') route(); else location.hash = '#/token';
  });
  route();
});
