// Browser test of the crossdock web UI: headless system Chromium driven by playwright-core.
//
// Starts `crossdock serve --demo --demo-peers-from-env` (the peers the test command started:
// Ceph RGW behind the External ID front, PostgreSQL; the demo seeds its sample data there and
// runs two sync workers in-process) and walks what a newcomer does: sign in with the token it
// prints; add the pre-filled S3 connection (vendor principal and External ID shown first)
// with Save & test; edit it to a path the role does not allow and re-test (fixes only for
// failures, grouped, timed), then back; create the sample sync from the page and run it to
// success; a failing run's error wraps; rotate the External ID, with the pre-check blocking
// Confirm until the role accepts the new ID; create and revoke an API token; an expired
// token's message; connections and syncs listed a page at a time with Load more while more
// are created, and searched by name prefix, none skipped or repeated; signing out hides the
// navigation. Every page is checked with axe-core (no
// serious or critical violation) and for horizontal overflow at 390 px, and saved as
// full-page screenshots at 1280 and 390 px in the directory given as the second argument.
//
// usage: node ui_test.mjs CROSSDOCK_BINARY ARTIFACT_DIR
// Exit codes: 0 pass, 1 fail, 77 skipped (peers not configured and not required).
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import {chromium} from 'playwright-core';

const [binary, shotsDir = path.join(process.cwd(), 'ui-artifacts')] = process.argv.slice(2);
const needed = ['CROSSDOCK_STS_ENDPOINT', 'RGW_CUSTOMER_ACCESS_KEY', 'RGW_VENDOR_ACCESS_KEY',
  'RGW_BUCKET', 'RGW_VENDOR_ACCOUNT'];
const missing = needed.filter((n) => !process.env[n]);
if (missing.length) {
  const msg = `peer not configured: ${missing.join(', ')} unset`;
  if (process.env.CROSSDOCK_REQUIRE_PEERS === '1') { console.error(msg); process.exit(1); }
  console.log(`SKIP: ${msg}`);
  process.exit(77);
}
if (!binary || !fs.existsSync(binary)) { console.error(`no crossdock binary at ${binary}`); process.exit(1); }
fs.mkdirSync(shotsDir, {recursive: true});
const chromiumPath = process.env.CROSSDOCK_CHROMIUM || '/usr/bin/chromium';

function startServe(dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--demo', '--demo-peers-from-env', '--port', '0',
      '--data-dir', dataDir], {stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    let err = '';
    let token = null;
    let port = null;
    const check = () => {
      if (token && port) resolve({child, token, base: `http://127.0.0.1:${port}`, logs: () => err});
    };
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(cdx_[A-Za-z0-9_-]{43})/.exec(out);
      if (m) { token = m[1]; check(); }
    });
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) { port = m[1]; check(); }
    });
    child.on('exit', (code) => reject(new Error(`crossdock serve exited with ${code}:\n${err}`)));
    setTimeout(() => reject(new Error(`crossdock serve did not start in 90 s:\n${err}`)), 90000);
  });
}

const results = [];
let describePage = null;  // what a failed step left on the page: where, and its error messages
const pageErrors = [];  // uncaught errors in the page, reported with a failed step
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push(`FAIL ${name}: ${e.message}`);
    if (pageErrors.length) results.push(`     page errors: ${pageErrors.join(' | ')}`);
    if (describePage) results.push(`     the page: ${await describePage().catch((d) => d.message)}`);
    throw e;
  }
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossdock-ui-'));
const serve = await startServe(dataDir);
const browser = await chromium.launch({executablePath: chromiumPath, headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run']});
const authed = (method, p, body) => fetch(serve.base + p, {method,
  headers: {Authorization: 'Bearer ' + serve.token, 'Content-Type': 'application/json'},
  body: body === undefined ? undefined : JSON.stringify(body)});
let failed = false;
try {
  // bypassCSP: only so that axe-core can be injected; the app itself runs under its CSP.
  const context = await browser.newContext({viewport: {width: 1280, height: 900}, bypassCSP: true});
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  describePage = () => page.evaluate(() => [location.hash,
    ...[...document.querySelectorAll('.form-error, .field-error')].map((e) => e.textContent.trim())
      .filter(Boolean)].join(' | '));
  const uniq = Date.now().toString(36);
  const axeFindings = [];

  // Full-page screenshots at 1280 and 390 px, the 390 px layout without horizontal overflow,
  // and axe-core's serious and critical violations.
  async function audit(name) {
    await page.waitForTimeout(150);
    await page.screenshot({path: path.join(shotsDir, `${name}-1280.png`), fullPage: true});
    await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    for (const f of found) axeFindings.push(`${name}: ${f}`);
    await page.setViewportSize({width: 390, height: 844});
    await page.waitForTimeout(150);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.screenshot({path: path.join(shotsDir, `${name}-390.png`), fullPage: true});
    await page.setViewportSize({width: 1280, height: 900});
    assert.ok(width <= 390, `${name}: the page is ${width} px wide at 390 px`);
  }

  await step('sign in with the token the demo printed', async () => {
    await page.goto(serve.base + '/');
    await page.waitForSelector('#token-input');
    assert.ok(await page.isHidden('#nav'), 'no navigation before signing in');
    await audit('01-sign-in');
    await page.fill('#token-input', serve.token);
    await page.click('#token-submit');
    await page.waitForSelector('#add-connection');
    assert.ok(await page.isVisible('#nav'));
    await audit('02-connections-empty');
  });

  const connName = `ui-s3-${uniq}`;
  await step('add the pre-filled connection: principal and External ID first, Save & test', async () => {
    await page.click('#add-connection');
    await page.waitForSelector('#new-external-id');
    const identity = await (await authed('GET', '/v1/identity')).json();
    assert.equal((await page.textContent('#new-external-id')).trim(), identity.external_id);
    assert.match(await page.textContent('#vendor-principal'), /^arn:aws:iam::\d{12}:/);
    assert.ok(await page.isVisible('#download-cloudformation'));
    assert.ok(await page.isVisible('#download-terraform'));
    // The identity comes before the role and bucket fields.
    const order = await page.evaluate(() => {
      const a = document.getElementById('new-external-id');
      const b = document.getElementById('role_arn');
      return !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(order, 'External ID shown before the role ARN field');
    assert.match(await page.inputValue('#role_arn'), /^arn:aws:iam::\d{12}:role\/crossdock-demo$/);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-terraform')]);
    assert.match(fs.readFileSync(await dl.path(), 'utf8'), /sts:ExternalId/);
    await page.fill('#name', connName);
    await audit('03-add-connection');
    await page.click('#save-connection');
    await page.waitForSelector('#test-summary', {timeout: 120000});
    assert.equal((await page.textContent('#test-summary')).trim(), 'Every check passed.');
    assert.equal(await page.locator('[data-testid=fix]').count(), 0, 'no fix when nothing failed');
    assert.ok(await page.isVisible('#test-time time'));
    await audit('04-connection-tested');
  });

  await step('edit the connection to a path the role does not allow, re-test, edit back', async () => {
    await page.click('#edit-connection');
    const demo = await (await authed('GET', '/v1/demo')).json();
    const bucketName = demo.bucket.split('/')[0];
    await page.fill('#edit-bucket', `${bucketName}/elsewhere`);
    // The first test's summary must go before the re-test's is read (a slow PATCH left it
    // on the page long enough to be read as the new result).
    const previous = await page.$('#test-summary');
    await page.click('#save-and-test');
    if (previous) await page.waitForFunction((el) => !el.isConnected, previous, {timeout: 120000});
    await page.waitForSelector('#test-summary', {timeout: 120000});
    assert.equal((await page.textContent('#test-summary')).trim(), 'Some checks failed: see the fixes below.');
    const failedChecks = await page.locator('[data-testid=check-row][data-status=fail]').count();
    const fixes = await page.locator('[data-testid=fix]').count();
    assert.ok(fixes >= 1 && fixes <= failedChecks, `${fixes} fixes for ${failedChecks} failed checks`);
    const passFix = await page.locator('[data-testid=check-row][data-status=pass] .check-fix').count();
    assert.equal(passFix, 0, 'no fix on a passed check');
    await audit('05-connection-retest-failed');
    await page.click('#edit-connection');
    await page.fill('#edit-bucket', demo.bucket);
    await page.click('#save-and-test');
    await page.waitForSelector('#test-summary:has-text("Every check passed.")', {timeout: 120000});
    await page.goto(serve.base + '/#/connections');
    await page.waitForSelector('#connections-table');
    const row = page.locator('[data-testid=connection-row]', {hasText: connName});
    assert.equal((await row.locator('[data-testid=connection-status]').textContent()).trim(), 'Passed');
    await audit('06-connections');
  });

  await step('the field errors speak the form\'s words', async () => {
    await page.goto(serve.base + '/#/connections/new');
    await page.waitForSelector('#role_arn');
    await page.fill('#name', `ui-bad-${uniq}`);
    await page.fill('#role_arn', 'arn:aws:iam:::123456789012:role/demo-role');
    await page.click('#save-connection');
    const err = await page.waitForSelector('[data-testid="error-role_arn"]');
    assert.match(await err.textContent(), /^IAM Role ARN/);
    assert.equal(await page.getAttribute('#role_arn', 'aria-invalid'), 'true');
    assert.match(await page.getAttribute('#role_arn', 'aria-describedby'), /role_arn-error/);
    await audit('07-field-errors');
  });

  await step('the form checks each field with the server\'s own rules as it is left', async () => {
    // The previous step leaves this very page: leave it first so that the form is new.
    await page.goto(serve.base + '/#/connections');
    await page.waitForSelector('#connections-table');
    await page.goto(serve.base + '/#/connections/new');
    await page.waitForSelector('#region');
    const before = await (await authed('GET', '/v1/connections?limit=200')).json();
    await page.fill('#name', `ui-live-${uniq}`);
    await page.fill('#region', 'mars-north-1');
    await page.fill('#bucket', 'Not_A_Bucket');
    await page.focus('#name');  // leaving the bucket field asks the server
    const regionErr = await page.waitForSelector('[data-testid="error-region"]');
    await page.waitForSelector('[data-testid="error-bucket"]');
    // The message is the server's, word for word after the field's label.
    const server = await authed('POST', '/v1/connections?dry_run=true', {name: `ui-live-${uniq}`,
      type: 's3', auth_method: 'iam-role', region: 'mars-north-1', bucket: 'Not_A_Bucket',
      role_arn: await page.inputValue('#role_arn')});
    assert.equal(server.status, 422);
    const detail = (await server.json()).error.details.find((d) => d.field === 'region');
    assert.ok(detail, 'the server names the region');
    assert.ok((await regionErr.textContent()).endsWith(detail.message.replace(/^region/, '')),
      'the form shows the server\'s message');
    // Nothing was stored by checking.
    const after = await (await authed('GET', '/v1/connections?limit=200')).json();
    assert.equal(after.connections.length, before.connections.length);
    await page.fill('#region', 'us-east-1');
    await page.fill('#bucket', 'fine-bucket');
    await page.focus('#name');
    await page.waitForSelector('[data-testid="error-region"]', {state: 'detached'});
    await page.waitForSelector('[data-testid="error-bucket"]', {state: 'detached'});
  });

  await step('the connection types are the server\'s: a Kinesis stream, role only, no bucket', async () => {
    const types = (await (await authed('GET', '/v1/connection-types')).json()).types;
    await page.goto(serve.base + '/#/connections/new');
    await page.waitForSelector('.type-card');
    assert.deepEqual(await page.$$eval('.type-card', (cards) => cards.map((c) => c.dataset.type)),
      types.map((t) => t.name));
    await page.click('#type-kinesis');
    await page.waitForSelector('[id="kinesis.stream_arn"]');
    assert.equal(await page.isVisible('#auth_method'), false, 'a role-only type offers no access keys');
    assert.equal(await page.$('#bucket'), null, 'a stream has no bucket');
    await page.fill('#name', `ui-stream-${uniq}`);
    await page.fill('#role_arn', 'arn:aws:iam::111122223333:role/polaris-kinesis');
    await page.fill('[id="kinesis.stream_arn"]', 'arn:aws:s3:::not-a-stream');
    await page.click('#save-connection');
    await page.waitForSelector('#save-connection:not([disabled])');
    const err = await page.waitForSelector('[data-testid="error-kinesis.stream_arn"]');
    assert.match(await err.textContent(), /^Stream ARN/);
    await page.fill('[id="kinesis.stream_arn"]', 'arn:aws:kinesis:us-east-1:111122223333:stream/clicks');
    if (await page.$('#apply-first')) await page.uncheck('#apply-first');
    await page.click('#save-connection');
    await page.waitForSelector('#connection-name');
    assert.match(await page.textContent('main'), /arn:aws:kinesis:us-east-1:111122223333:stream\/clicks/);
  });

  await step('create the sample sync on the page and run it to success', async () => {
    await page.goto(serve.base + '/#/syncs');
    await page.click('#new-sync');
    await page.waitForSelector('#sync-form');
    await page.fill('#sync-name', `ui-sample-${uniq}`);
    await page.selectOption('#source-connection', connName);
    await page.selectOption('#destination-connection', connName);
    assert.ok((await page.inputValue('#source-prefix')).length > 0, 'the sample prefix is pre-filled');
    await page.fill('#destination-path', `exports/ui-${uniq}`);
    await audit('08-new-sync');
    await page.click('#save-sync');
    await page.waitForSelector('#run-now');
    await page.click('#run-now');
    await page.waitForSelector('[data-testid=run-row][data-status=succeeded]', {timeout: 120000});
    await audit('09-sync-succeeded');
    await page.click('#edit-sync');
    await page.waitForSelector('#sync-form');
    await page.fill('#destination-path', `exports/ui-${uniq}-2`);
    await page.click('#save-sync');
    await page.waitForSelector('#run-now');
    assert.match(await page.textContent('[data-testid=sync-spec]'), new RegExp(`ui-${uniq}-2`));
  });

  await step('a PostgreSQL connection: its own fields, Save & test logs in, a sync reads through it', async () => {
    const demo = await (await authed('GET', '/v1/demo')).json();
    const sample = demo.samples && demo.samples.postgres;
    assert.ok(sample, 'the demo seeds a sample PostgreSQL table');
    const u = new URL(sample.url.replace(/^postgres(ql)?:/, 'http:'));
    await page.goto(serve.base + '/#/connections/new');
    await page.click('#type-postgres');
    await page.waitForSelector('[id="postgres.host"]');
    assert.equal(await page.isVisible('#who-title'), false, 'no IAM role steps for a database login');
    assert.equal(await page.$('#role_arn'), null, 'no role');
    assert.equal(await page.$('#bucket'), null, 'no bucket');
    const pgName = `ui-pg-${uniq}`;
    await page.fill('#name', pgName);
    await page.fill('[id="postgres.host"]', `${u.hostname}:${u.port}`);
    await page.fill('[id="postgres.database"]', u.pathname.slice(1));
    await page.fill('[id="postgres.user"]', decodeURIComponent(u.username));
    await page.selectOption('[id="postgres.sslmode"]', 'disable');
    await page.click('#save-connection');
    await page.waitForSelector('#save-connection:not([disabled])');  // the server answered
    const hostErr = await page.waitForSelector('[data-testid="error-postgres.host"]');
    assert.match(await hostErr.textContent(), /^Host/);
    const focused = () => page.evaluate(() => document.activeElement && document.activeElement.id);
    assert.equal(await focused(), 'postgres.host', 'Save moves the focus to the field to fix');
    await page.fill('[id="postgres.host"]', u.hostname);
    // Leaving the fixed field checks it again: its error goes, and the focus stays where the
    // user went (a check that answers late must not pull the cursor back).
    await page.focus('[id="postgres.port"]');
    await page.waitForSelector('[data-testid="error-postgres.host"]', {state: 'detached'});
    assert.equal(await focused(), 'postgres.port', 'a check as a field is left keeps the focus');
    await page.fill('[id="postgres.port"]', u.port);
    await page.click('#save-connection');
    await page.waitForSelector('#connection-name');
    await audit('10b-postgres-connection');
    // The demo's sample database trusts its reader without a password: login passes; the
    // session is not encrypted (sslmode disable), which the test reports as a warning.
    await page.waitForSelector('[data-testid=check-row]', {timeout: 60000});
    const report = await (await authed('POST', `/v1/connections/${pgName}/test`)).json();
    assert.deepEqual(report.checks.map((c) => [c.id, c.status]),
      [['address', 'pass'], ['login', 'pass'], ['tls', 'warn']], JSON.stringify(report));
    await page.goto(serve.base + '/#/syncs');
    await page.click('#new-sync');
    await page.waitForSelector('#sync-form');
    await page.fill('#sync-name', `ui-pg-sync-${uniq}`);
    await page.selectOption('#source-type', 'postgres');
    await page.selectOption('#source-postgres-connection', pgName);
    assert.equal(await page.isVisible('#source-url'), false, 'a connection needs no URL');
    await page.fill('#source-table', sample.table);
    await page.selectOption('#destination-connection', connName);
    await page.fill('#destination-path', `exports/ui-pg-${uniq}`);
    await page.click('#save-sync');
    await page.waitForSelector('#run-now');
    assert.match(await page.textContent('[data-testid=sync-spec]'), new RegExp(pgName));
    await page.click('#run-now');
    await page.waitForSelector('[data-testid=run-row][data-status=succeeded]', {timeout: 120000});
  });

  await step('a failing run\'s error wraps; a queued run can be cancelled', async () => {
    const res = await authed('POST', '/v1/syncs', {name: `ui-missing-${uniq}`, copy: true,
      source: {type: 's3', connection: connName, prefix: `missing-${uniq}-${'x'.repeat(120)}/`},
      destination: {type: 's3', connection: connName, path: 'copies'}});
    const created = await res.text();
    assert.equal(res.status, 201, created);
    const sync = JSON.parse(created);
    await page.goto(serve.base + `/#/syncs/${sync.id}`);
    await page.click('#run-now');
    await page.waitForSelector('[data-testid=run-row][data-status=failed]', {timeout: 120000});
    assert.ok((await page.textContent('[data-testid=run-error]')).length > 0);
    await audit('10-run-failed');
    // Cancelling: a run queued through the API is cancelled on the page if still queued.
    const run = await (await authed('POST', `/v1/syncs/${sync.id}/runs`)).json();
    await page.goto(serve.base + `/#/syncs/${sync.id}`);
    await page.waitForSelector('[data-testid=run-row]');
    const cancel = page.locator('[data-testid=cancel-run]');
    if (await cancel.count()) {
      await cancel.first().click();
      await page.waitForSelector(`[data-testid=run-row]:not([data-status=queued]):not([data-status=running])`);
    }
    let final = null;
    for (let i = 0; i < 300; i++) {
      final = await (await authed('GET', `/v1/syncs/${sync.id}/runs/${run.id}`)).json();
      if (['cancelled', 'failed', 'succeeded'].includes(final.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(['cancelled', 'failed'].includes(final.status), final.status);
  });

  await step('rotation: confirmation, and Confirm only once the role accepts the new ID', async () => {
    await page.goto(serve.base + '/#/identity');
    await page.click('#rotate');
    await page.waitForSelector('#rotate-yes');
    await audit('11-rotate-confirmation');
    await page.click('#rotate-yes');
    await page.waitForSelector('#rotation-state:has-text("in progress")');
    await page.click('#confirm-rotation');
    await page.waitForSelector('#precheck', {timeout: 120000});
    const blocked = await page.locator('[data-testid=precheck-blocked-connection]').allTextContents();
    assert.ok(blocked.some((t) => t.includes(connName)), `blocked: ${blocked}`);
    assert.ok(await page.isDisabled('#confirm-yes'), 'Confirm is not allowed yet');
    await audit('12-rotation-precheck-blocked');
    // The demo's Apply puts both IDs in the role's trust policy.
    const conns = (await (await authed('GET', '/v1/connections')).json()).connections;
    for (const c of conns.filter((x) => x.auth_method === 'iam-role')) {
      const r = await authed('POST', `/v1/connections/${c.id}/demo-apply`);
      assert.equal(r.status, 200, await r.text());
    }
    await page.click('#precheck-again');
    await page.waitForSelector('#precheck-ok', {timeout: 120000});
    assert.ok(!(await page.isDisabled('#confirm-yes')));
    await page.click('#confirm-yes');
    await page.waitForSelector('#rotation-state:has-text("none")');
    await audit('13-identity');
  });

  await step('API tokens: create (shown once), last used, revoke', async () => {
    await page.goto(serve.base + '/#/tokens');
    await page.waitForSelector('#tokens-table');
    await page.fill('#token-name', `ui-token-${uniq}`);
    await page.click('#create-token');
    await page.waitForSelector('#new-token');
    const newToken = (await page.textContent('#new-token')).trim();
    assert.match(newToken, /^cdx_/);
    const r = await fetch(serve.base + '/v1/identity', {headers: {Authorization: 'Bearer ' + newToken}});
    assert.equal(r.status, 200);
    await audit('14-tokens');
    // Away and back, each page rendered before the next (else the first tokens table, from
    // before the token was used, can still be on the page when the row is read).
    await page.goto(serve.base + '/#/connections');
    await page.waitForSelector('#connections-table');
    await page.goto(serve.base + '/#/tokens');
    const row = page.locator(`[data-testid=token-row][data-name="ui-token-${uniq}"]`);
    await row.waitFor();
    assert.notEqual((await row.locator('td').nth(3).textContent()).trim(), 'never');
    page.once('dialog', (d) => d.accept());
    await row.locator('[data-testid=revoke-token]').click();
    await page.waitForSelector(`[data-testid=token-row][data-name="ui-token-${uniq}"]`, {state: 'detached'});
    const after = await fetch(serve.base + '/v1/identity', {headers: {Authorization: 'Bearer ' + newToken}});
    assert.equal(after.status, 401);
  });

  // Clicks Load more under `table` until it is gone, calling `between(i)` before each click;
  // returns the names of the rows in order.
  async function pageThrough(table, more, between) {
    for (let i = 0; i < 100 && await page.$(more); ++i) {
      const before = await page.locator(`${table} tbody tr`).count();
      if (between) await between(i);
      await page.click(more);
      await page.waitForFunction(([t, n]) => document.querySelectorAll(`${t} tbody tr`).length > n,
        [table, before]);
    }
    return page.$$eval(`${table} tbody tr td:first-child a`, (els) => els.map((e) => e.textContent));
  }
  function assertNoRepeats(names, what) {
    const seen = new Set();
    for (const n of names) { assert.ok(!seen.has(n), `${what}: ${n} shown twice`); seen.add(n); }
  }

  await step('connections and syncs a page at a time, and searched by name prefix: none skipped or repeated', async () => {
    const prefix = `page-${uniq}-`;
    for (let i = 0; i < 60; ++i) {
      const r = await authed('POST', '/v1/connections', {type: 's3', name: prefix + String(i).padStart(2, '0'),
        auth_method: 'iam-role', role_arn: 'arn:aws:iam::111122223333:role/crossdock',
        region: 'us-east-1', bucket: 'output'});
      assert.equal(r.status, 201, await r.text());
    }
    const every = [];
    for (let cursor = null, first = true; first || cursor; first = false) {
      const body = await (await authed('GET', `/v1/connections?limit=1000${cursor ? '&cursor=' + cursor : ''}`)).json();
      every.push(...body.connections.map((c) => c.name));
      cursor = body.next_cursor;
    }
    await page.goto(serve.base + '/#/connections');
    await page.waitForSelector('#connections-table');
    assert.equal(await page.locator('#connections-table tbody tr').count(), 25, 'one page of 25 first');
    assert.ok(await page.$('#load-more-connections'), 'more than one page');
    // Connections created while paging (one sorting before every page, one after) change
    // nothing already listed and leave nothing out.
    const shown = await pageThrough('#connections-table', '#load-more-connections', async (i) => {
      await authed('POST', '/v1/connections', {type: 's3', name: `${i % 2 ? 'zz' : 'aa'}-late-${uniq}-${i}`,
        auth_method: 'iam-role', role_arn: 'arn:aws:iam::111122223333:role/crossdock',
        region: 'us-east-1', bucket: 'output'});
    });
    assertNoRepeats(shown, 'connections');
    for (const n of every) assert.ok(shown.includes(n), `connection ${n} was skipped`);
    assert.deepEqual(shown, [...shown].sort(), 'by name');
    await audit('15-connections-paged');

    await page.fill('#connection-search', prefix);
    await page.waitForFunction((p) => {
      const names = [...document.querySelectorAll('#connections-table tbody tr td:first-child a')].map((a) => a.textContent);
      return names.length === 25 && names.every((n) => n.startsWith(p));
    }, prefix);
    const found = await pageThrough('#connections-table', '#load-more-connections');
    assert.deepEqual(found, Array.from({length: 60}, (_, i) => prefix + String(i).padStart(2, '0')));
    assert.match(await page.textContent('[data-testid=list-count]'), /Showing 60 connections \(all\)/);
    await audit('16-connections-searched');
    await page.fill('#connection-search', `nothing-${uniq}`);
    await page.waitForSelector('#connections-empty');

    const syncPrefix = `paged-${uniq}-`;
    for (let i = 0; i < 30; ++i) {
      const r = await authed('POST', '/v1/syncs', {name: syncPrefix + String(i).padStart(2, '0'), copy: true,
        source: {type: 's3', connection: connName, prefix: 'in/'},
        destination: {type: 's3', connection: connName, path: 'copies'}});
      assert.equal(r.status, 201, await r.text());
    }
    await page.goto(serve.base + '/#/syncs');
    await page.waitForSelector('#syncs-table');
    const syncsShown = await pageThrough('#syncs-table', '#load-more-syncs');
    assertNoRepeats(syncsShown, 'syncs');
    for (let i = 0; i < 30; ++i) assert.ok(syncsShown.includes(syncPrefix + String(i).padStart(2, '0')));
    await page.fill('#sync-search', syncPrefix + '1');
    await page.waitForFunction((p) => {
      const names = [...document.querySelectorAll('#syncs-table tbody tr td:first-child a')].map((a) => a.textContent);
      return names.length === 10 && names.every((n) => n.startsWith(p));
    }, syncPrefix + '1');
    assert.ok(!(await page.$('#load-more-syncs')), 'ten matches: one page');
    await audit('17-syncs-searched');
  });

  await step('an expired token says so; signing out hides the navigation', async () => {
    const t = await (await authed('POST', '/v1/tokens', {name: `ui-expiring-${uniq}`})).json();
    const other = await context.newPage();
    await other.goto(serve.base + '/');
    await other.fill('#token-input', t.token);
    await other.click('#token-submit');
    await other.waitForSelector('#add-connection');
    await authed('DELETE', `/v1/tokens/${t.id}`);
    await other.goto(serve.base + '/#/syncs');
    await other.waitForSelector('#token-error:has-text("expired or was revoked")');
    assert.ok(await other.isHidden('#nav'));
    await other.close();
    await page.click('#sign-out');
    await page.waitForSelector('#token-input');
    assert.ok(await page.isHidden('#nav'), 'navigation hidden after signing out');
    assert.ok(await page.isHidden('#sign-out'));
  });

  await step('no script errors, no serious accessibility violations, no secrets in the logs', async () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(axeFindings, []);
    assert.ok(!serve.logs().includes(serve.token), 'the token is not logged');
    assert.ok(!serve.logs().includes(process.env.RGW_VENDOR_SECRET_KEY));
    assert.ok(!serve.logs().includes(process.env.RGW_CUSTOMER_SECRET_KEY));
  });
} catch (e) {
  failed = true;
  console.error(e.stack || e.message);
} finally {
  await browser.close();
  serve.child.kill('SIGTERM');
  await new Promise((r) => serve.child.once('exit', r));
  fs.rmSync(dataDir, {recursive: true, force: true});
}
console.log(results.join('\n'));
console.log(`screenshots: ${shotsDir}`);
if (failed) console.log(results.join('\n'));
process.exit(failed ? 1 : 0);
