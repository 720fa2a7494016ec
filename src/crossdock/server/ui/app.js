// crossdock web UI: a single page over the /v1 REST API, no framework and no build step.
// Views (hash routes): #/token, #/connections, #/connections/new, #/connections/{id},
// #/syncs, #/syncs/{id}, #/identity. The API token is kept in sessionStorage only (gone when
// the tab closes).
// Forms check what the API checks before sending, and show the API's field errors next to
// the field they name.
'use strict';

const TOKEN_KEY = 'crossdock.token';
const main = () => document.getElementById('main');
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
    sessionStorage.removeItem(TOKEN_KEY);
    location.hash = '#/token';
    throw new ApiError(401, await res.json().catch(() => null));
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
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

async function download(path, fallbackName) {
  const res = await api('GET', path, undefined, true);
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="([^"]+)"/.exec(cd);
  const blob = await res.blob();
  const a = h('a', {href: URL.createObjectURL(blob), download: m ? m[1] : fallbackName});
  document.body.append(a); a.click(); a.remove();
}

// ---------- validation, as the API does it (connect/validation.cc) ----------
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/([\w+=,.@\-/]*\/)?[\w+=,.@-]{1,64}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

function partitionOf(region) {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function bucketProblem(bucket) {
  if (!bucket) return 'is required; enter the bucket name';
  if (bucket.length < 3 || bucket.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket))
    return 'may contain only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit';
  if (bucket.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return 'must not look like an IP address';
  return '';
}

function validateConnection(c) {
  const errors = [];
  const add = (field, message) => errors.push({field, message});
  if (!c.name) add('name', 'name is required; choose a name for this connection');
  else if (c.name.length > 100) add('name', 'name must be at most 100 characters');
  if (!c.region) add('region', 'region is required; enter the bucket region, e.g. us-west-1');
  else if (!REGION.test(c.region)) add('region', `region "${c.region}" is not an AWS region name like us-west-1`);
  if (c.auth_method === 'iam-role') {
    const m = ROLE_ARN.exec(c.role_arn || '');
    if (!c.role_arn) add('role_arn', 'role_arn is required for IAM role authentication; enter the IAM Role ARN');
    else if (!m) add('role_arn', `role_arn "${c.role_arn}" is not an IAM role ARN; expected arn:aws:iam::123456789012:role/NAME`);
    else if (c.region && REGION.test(c.region) && m[1] !== partitionOf(c.region))
      add('role_arn', `role_arn is in partition ${m[1]} but region ${c.region} is in ${partitionOf(c.region)}`);
  } else {
    if (!c.access_key_id) add('access_key_id', 'access_key_id is required; enter the AWS Access Key ID');
    else if (!/^[A-Z0-9]{16,128}$/.test(c.access_key_id)) add('access_key_id', 'access_key_id must be 16 to 128 upper-case letters and digits');
    if (!c.secret_access_key && !c._secret_stored) add('secret_access_key', 'secret_access_key is required; enter the AWS Secret Access Key');
  }
  const needsBucket = c.type !== 'redshift-serverless' || c.bucket;
  if (needsBucket) {
    const [bucket, ...rest] = (c.bucket || '').split('/');
    const p = bucketProblem(bucket);
    if (p) add('bucket', `bucket ${p}`);
    if (rest.some((s) => s === '..' || s === '.')) add('path', 'path must not contain "." or ".." segments');
  }
  if (c.type === 'databricks') {
    const d = c.databricks;
    if (!d.workspace_url) add('databricks.workspace_url', 'databricks.workspace_url is required; enter the workspace URL (https://...)');
    else if (!/^https:\/\/[^\s/]+/.test(d.workspace_url)) add('databricks.workspace_url', 'databricks.workspace_url must start with https://');
    if (!d.warehouse_id) add('databricks.warehouse_id', 'databricks.warehouse_id is required; enter the SQL warehouse id');
  }
  if (c.type === 'redshift-serverless') {
    const r = c.redshift;
    if (!r.workgroup) add('redshift.workgroup', 'redshift.workgroup is required; enter the workgroup name');
    if (!r.database) add('redshift.database', 'redshift.database is required; enter the database name, e.g. dev');
    if (r.access === 'vpc-endpoint' && !(r.vpc_endpoint && r.vpc_endpoint.host))
      add('redshift.vpc_endpoint.host', 'redshift.vpc_endpoint.host is required with a VPC endpoint');
    if (r.unload && r.unload.enabled) {
      const p = bucketProblem((r.unload.bucket || '').split('/')[0]);
      if (p) add('redshift.unload.bucket', `redshift.unload.bucket ${p}`);
      if (!r.unload.region) add('redshift.unload.region', 'redshift.unload.region is required when unloading to S3');
    }
  }
  return errors;
}

function showFieldErrors(form, errors) {
  form.querySelectorAll('.field').forEach((f) => {
    f.classList.remove('invalid');
    const e = f.querySelector('.field-error'); if (e) e.remove();
  });
  const general = form.querySelector('.form-error');
  general.textContent = '';
  let unplaced = [];
  for (const err of errors) {
    // A path is typed into the bucket field ("output/customers"): show its errors there.
    const name = {'path': 'bucket', 'redshift.unload.path': 'redshift.unload.bucket'}[err.field] || err.field;
    const field = name && form.querySelector(`.field[data-field="${name}"]`);
    if (field && !field.hidden) {
      if (field.querySelector('.field-error')) continue;
      field.classList.add('invalid');
      field.append(h('div', {class: 'field-error', 'data-testid': 'error-' + err.field}, err.message));
    } else {
      unplaced.push(err.message);
    }
  }
  if (unplaced.length) general.textContent = unplaced.join(' ');
  const first = form.querySelector('.field.invalid input, .field.invalid select');
  if (first) first.focus();
}

// ---------- views ----------
function viewToken() {
  const input = h('input', {type: 'password', id: 'token-input', autocomplete: 'off',
    placeholder: 'cdx_...'});
  const err = h('div', {class: 'form-error', id: 'token-error'});
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
  h('div', {class: 'row'}, h('button', {type: 'submit', id: 'token-submit'}, 'Continue')));
  main().replaceChildren(form);
  input.focus();
}

async function loadApiInfo() {
  if (apiInfo) return apiInfo;
  const doc = await (await fetch('/openapi.json')).json();
  const paths = doc.paths || {};
  apiInfo = {canTest: !!paths['/v1/connections/{id}/test'], demo: null,
    canApply: !!paths['/v1/connections/{id}/demo-apply']};
  if (paths['/v1/demo']) {
    try { apiInfo.demo = await api('GET', '/v1/demo'); } catch (_) { apiInfo.demo = null; }
  }
  document.getElementById('demo-badge').hidden = !apiInfo.demo;
  return apiInfo;
}

async function viewConnections() {
  const [list, identity] = await Promise.all([api('GET', '/v1/connections'),
    api('GET', '/v1/identity')]);
  const rows = list.connections.map((c) => h('tr', {'data-testid': 'connection-row'},
    h('td', {}, h('a', {href: `#/connections/${c.id}`}, c.name)),
    h('td', {}, typeLabel(c.type)),
    h('td', {}, c.auth_method === 'iam-role' ? 'IAM role' : 'Access key'),
    h('td', {}, c.bucket ? c.bucket + (c.path ? '/' + c.path : '') : ''),
    h('td', {}, c.region)));
  main().replaceChildren(
    h('div', {class: 'row'}, h('h1', {}, 'Connections'), h('span', {class: 'spacer'}),
      h('a', {class: 'button', href: '#/connections/new', id: 'add-connection'}, 'Add connection')),
    h('p', {class: 'hint'}, 'Organization ', h('b', {}, identity.organization.name),
      '. Your External ID: ', h('code', {class: 'value'}, identity.external_id)),
    rows.length ? h('table', {id: 'connections-table'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'),
        h('th', {}, 'Authentication'), h('th', {}, 'Bucket'), h('th', {}, 'Region'))),
      h('tbody', {}, rows))
      : h('div', {class: 'card empty'}, 'No connections yet. Add one to connect an S3 bucket, ' +
        'a Databricks workspace or a Redshift Serverless workgroup.'));
}

function typeLabel(t) {
  return {'s3': 'S3', 'databricks': 'Databricks', 'redshift-serverless': 'Redshift Serverless'}[t] || t;
}

function field(name, label, input, hint) {
  return h('div', {class: 'field', 'data-field': name},
    h('label', {for: input.id}, label), input, hint ? h('div', {class: 'hint'}, hint) : null);
}

function text(id, attrs) {
  return h('input', Object.assign({type: 'text', id, name: id, autocomplete: 'off'}, attrs || {}));
}

async function viewNewConnection() {
  const info = await loadApiInfo();
  let type = null;
  const typeCards = [
    ['s3', 'S3', 'Read and write a bucket, optionally limited to a path.'],
    ['databricks', 'Databricks', 'Stage data in S3 for a Databricks SQL warehouse.'],
    ['redshift-serverless', 'Redshift Serverless', 'Read with the Data API or UNLOAD; stage writes in S3.'],
  ].map(([value, title, blurb]) => h('button', {type: 'button', class: 'type-card',
    'data-type': value, id: 'type-' + value, onclick: () => choose(value)},
  h('strong', {}, title), h('span', {}, blurb)));

  const form = h('form', {id: 'connection-form', hidden: true, novalidate: true});
  main().replaceChildren(
    h('h1', {}, 'Add connection'),
    h('div', {class: 'steps'}, 'Connections → Add connection → ', h('b', {id: 'step-type'}, 'type'),
      ' → authentication method → fields → Save'),
    h('div', {class: 'types'}, typeCards), form);

  function choose(value) {
    type = value;
    typeCards.forEach((c) => c.classList.toggle('selected', c.dataset.type === value));
    document.getElementById('step-type').textContent = typeLabel(value);
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
    const keyId = text('access_key_id', {placeholder: 'AKIA...'});
    const secret = h('input', {type: 'password', id: 'secret_access_key', autocomplete: 'off'});
    const region = text('region', {placeholder: 'us-west-1', value: demo ? demo.region : ''});
    const bucket = text('bucket', {placeholder: 'output/customers',
      value: demo && type === 's3' ? demo.bucket : ''});
    const fRole = field('role_arn', 'IAM Role ARN', roleArn,
      'The role crossdock assumes. After saving you get the External ID and the policies to attach.');
    const fKey = field('access_key_id', 'AWS Access Key ID', keyId);
    const fSecret = field('secret_access_key', 'AWS Secret Access Key', secret,
      'Stored encrypted; never shown again.');
    const parts = [field('name', 'Name', name),
      field('auth_method', 'Authentication method', method), fRole, fKey, fSecret];

    const db = {};
    const rs = {};
    if (type === 'databricks') {
      db.workspace_url = text('databricks.workspace_url', {placeholder: 'https://dbc-1234abcd-5678.cloud.databricks.com'});
      db.warehouse_id = text('databricks.warehouse_id', {placeholder: '1234567890abcdef'});
      db.token = h('input', {type: 'password', id: 'databricks.token', autocomplete: 'off'});
      db.storage_credential = text('databricks.storage_credential', {placeholder: 'crossdock-staging-credential'});
      db.external_id = text('databricks.external_id');
      parts.push(field('databricks.workspace_url', 'Workspace URL', db.workspace_url),
        field('databricks.warehouse_id', 'SQL warehouse ID', db.warehouse_id),
        field('databricks.token', 'Access token', db.token, 'Stored encrypted; never shown again.'),
        field('databricks.storage_credential', 'Storage Credential name (if applicable)', db.storage_credential,
          'Needed when the staging bucket is not an External Location in Unity Catalog.'),
        field('databricks.external_id', 'Databricks External ID', db.external_id,
          'The External ID Databricks generated for the storage credential.'));
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
    parts.push(field('region', type === 's3' ? 'S3 bucket region' : 'S3 staging bucket region', region,
      'e.g. us-west-1'),
    field('bucket', bucketLabel, bucket,
      'May include a path, e.g. output/customers limits crossdock to customers/ in bucket output.'));

    const syncAuth = () => {
      const role = method.value === 'iam-role';
      fRole.hidden = !role; fKey.hidden = fSecret.hidden = role;
    };
    method.addEventListener('change', syncAuth);
    syncAuth();

    const save = h('button', {type: 'submit', id: 'save-connection'}, 'Save');
    form.replaceChildren(h('div', {class: 'card'}, h('h2', {}, typeLabel(type)), ...parts,
      h('div', {class: 'form-error'}),
      h('div', {class: 'row'}, save, h('a', {class: 'button secondary', href: '#/connections'}, 'Cancel'))));
    form.hidden = false;
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      const body = {name: name.value.trim(), type, auth_method: method.value,
        region: region.value.trim()};
      if (bucket.value.trim()) body.bucket = bucket.value.trim();
      if (method.value === 'iam-role') body.role_arn = roleArn.value.trim();
      else { body.access_key_id = keyId.value.trim(); body.secret_access_key = secret.value; }
      if (type === 'databricks') {
        body.databricks = {workspace_url: db.workspace_url.value.trim(),
          warehouse_id: db.warehouse_id.value.trim(),
          storage_credential: db.storage_credential.value.trim(),
          external_id: db.external_id.value.trim()};
        if (db.token.value) body.databricks.token = db.token.value;
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
      const local = validateConnection(Object.assign({databricks: {}, redshift: {}}, body));
      if (local.length) { showFieldErrors(form, local); return; }
      save.disabled = true;
      try {
        const created = await api('POST', '/v1/connections', body);
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
    h('pre', {'data-testid': testid}, textOf()));
}

async function viewConnection(id) {
  const info = await loadApiInfo();
  const c = await api('GET', `/v1/connections/${encodeURIComponent(id)}`);
  const kv = [['Type', typeLabel(c.type)], ['Authentication', c.auth_method === 'iam-role' ? 'IAM role' : 'Access Key and Secret']];
  if (c.role_arn) kv.push(['IAM Role ARN', c.role_arn]);
  if (c.access_key_id) kv.push(['AWS Access Key ID', c.access_key_id]);
  kv.push(['Region', c.region], ['Bucket', c.bucket + (c.path ? '/' + c.path : '')]);
  const extId = h('code', {class: 'value', id: 'external-id'}, c.external_id);
  const header = h('div', {class: 'card'},
    h('div', {class: 'row'}, h('h1', {id: 'connection-name'}, c.name), h('span', {class: 'spacer'}),
      h('button', {class: 'danger', id: 'delete-connection', onclick: async () => {
        if (!confirm(`Delete connection ${c.name}?`)) return;
        await api('DELETE', `/v1/connections/${c.id}`);
        location.hash = '#/connections';
      }}, 'Delete')),
    h('dl', {class: 'kv'}, kv.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    c.auth_method === 'iam-role' ? h('div', {},
      h('h2', {}, 'External ID'),
      h('p', {class: 'hint'}, 'Put it in the sts:ExternalId condition of the role\'s trust policy ' +
        'so that only crossdock, acting for your organization, can assume the role.'),
      h('div', {class: 'row'}, extId, copyButton(() => c.external_id, 'copy-external-id'))) : null);
  const parts = [header];
  const testArea = h('div', {id: 'test-area'});
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
  if (info.canTest) {
    parts.push(h('div', {class: 'card'},
      h('div', {class: 'row'}, h('h2', {}, 'Test connection'), h('span', {class: 'spacer'}),
        h('button', {id: 'test-connection', onclick: (ev) => runTest(c, ev.target, testArea)},
          'Test connection')),
      h('p', {class: 'hint'}, 'Assumes the role with and without the External ID and tries ' +
        'every S3 operation syncs use, inside the bucket path. Nothing is left behind.'),
      testArea));
  }
  main().replaceChildren(...parts);
}

async function runTest(c, button, area) {
  button.disabled = true;
  area.replaceChildren(h('p', {class: 'hint'}, 'Testing...'));
  try {
    const report = await api('POST', `/v1/connections/${c.id}/test`, {});
    const rows = report.checks.map((k) => h('tr', {'data-testid': 'check-row', 'data-check': k.id,
      'data-status': k.status},
    h('td', {}, h('span', {class: `status ${k.status}`}, k.status)),
    h('td', {}, h('div', {}, k.title || k.id),
      k.message ? h('div', {class: 'check-detail'}, k.message + (k.aws_code ? ` (${k.aws_code})` : '')) : null,
      k.diagnosis ? h('div', {class: 'check-detail'}, k.diagnosis) : null,
      k.fix ? h('div', {class: 'check-fix'}, h('b', {}, 'Fix: '), k.fix) : null)));
    area.replaceChildren(
      h('p', {class: 'summary ' + (report.ok ? 'ok' : 'bad'), id: 'test-summary'},
        report.ok ? 'Every check passed.' : 'Some checks failed: see the fixes below.'),
      h('table', {id: 'checks-table'}, h('tbody', {}, rows)));
  } catch (e) {
    area.replaceChildren(h('p', {class: 'form-error'}, e.message));
  } finally {
    button.disabled = false;
  }
}

async function viewIdentity() {
  const id = await api('GET', '/v1/identity');
  const parts = [h('h1', {}, 'Identity'),
    h('div', {class: 'card'}, h('dl', {class: 'kv'},
      h('dt', {}, 'Organization'), h('dd', {}, id.organization.name),
      h('dt', {}, 'Vendor principal'), h('dd', {}, id.vendor ? id.vendor.principal : 'not configured'),
      h('dt', {}, 'External ID'), h('dd', {}, h('code', {class: 'value'}, id.external_id)),
      h('dt', {}, 'Rotation'), h('dd', {}, id.rotation_in_progress
        ? 'in progress: trust policies should list both IDs until you confirm' : 'none')),
    h('div', {class: 'row'},
      h('button', {class: 'secondary', id: 'rotate', disabled: id.rotation_in_progress,
        onclick: async () => { await api('POST', '/v1/organization/external-id/rotate'); route(); }},
      'Rotate External ID'),
      h('button', {class: 'secondary', id: 'confirm-rotation', disabled: !id.rotation_in_progress,
        onclick: async () => { await api('POST', '/v1/organization/external-id/confirm'); route(); }},
      'Confirm rotation')))];
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
  const list = await api('GET', '/v1/syncs');
  const rows = list.syncs.map((s) => h('tr', {'data-testid': 'sync-row'},
    h('td', {}, h('a', {href: `#/syncs/${s.id}`}, s.name)),
    h('td', {}, describeEnd(s.spec.source)),
    h('td', {}, describeEnd(s.spec.destination)),
    h('td', {}, s.spec.copy ? 'copy' : `${s.spec.format || ''} ${s.spec.compression || ''}`),
    h('td', {}, s.cursor || '')));
  main().replaceChildren(
    h('h1', {}, 'Syncs'),
    h('p', {class: 'hint'}, 'Create syncs with POST /v1/syncs or crossdock sync create; runs ' +
      'are executed by crossdock worker processes or crossdock serve --workers.'),
    rows.length ? h('table', {id: 'syncs-table'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Source'),
        h('th', {}, 'Destination'), h('th', {}, 'Output'), h('th', {}, 'Cursor'))),
      h('tbody', {}, rows))
      : h('div', {class: 'card empty'}, 'No syncs yet.'));
}

async function viewSync(id) {
  const [s, runs] = await Promise.all([api('GET', `/v1/syncs/${encodeURIComponent(id)}`),
    api('GET', `/v1/syncs/${encodeURIComponent(id)}/runs?limit=20`)]);
  const active = runs.runs.some((r) => ['queued', 'running', 'committing'].includes(r.status));
  const runRows = runs.runs.map((r) => h('tr', {'data-testid': 'run-row', 'data-status': r.status},
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
      }}, 'Cancel') : '')));
  main().replaceChildren(
    h('div', {class: 'row'}, h('h1', {}, s.name), h('span', {class: 'spacer'}),
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
    h('h2', {}, 'Runs'),
    runRows.length ? h('table', {id: 'runs-table'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), h('th', {}, 'Rows'),
        h('th', {}, 'Bytes'), h('th', {}, 'Files'), h('th', {}, 'Duration'), h('th', {}, 'Error'),
        h('th', {}, ''))),
      h('tbody', {}, runRows))
      : h('div', {class: 'card empty'}, 'No runs yet.'));
}

// ---------- router ----------
async function route() {
  const hash = location.hash || '#/connections';
  const signedIn = !!token();
  document.getElementById('sign-out').hidden = !signedIn;
  if (!signedIn && hash !== '#/token') { location.hash = '#/token'; return; }
  try {
    if (hash === '#/token') return viewToken();
    if (!signedIn) return;
    await loadApiInfo();
    if (hash === '#/connections') return await viewConnections();
    if (hash === '#/connections/new') return await viewNewConnection();
    if (hash === '#/identity') return await viewIdentity();
    if (hash === '#/syncs') return await viewSyncs();
    const m = /^#\/connections\/([^/]+)$/.exec(hash);
    if (m) return await viewConnection(decodeURIComponent(m[1]));
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
    location.hash = '#/token';
  });
  route();
});
