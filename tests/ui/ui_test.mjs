// Browser test of the crossdock web UI: headless system Chromium driven by playwright-core.
//
// Starts `crossdock serve --demo --demo-peers-from-env` (the peers the test command started:
// Ceph RGW behind the External ID front), signs in with the admin token it prints, creates an
// S3 IAM-role connection, reads the External ID from the page, applies the generated policies
// to the pretend account, runs the connection test (when the server offers it) and expects
// every check to pass; then enters a bad role ARN and a duplicate name and expects the field
// errors. Screenshots of the main pages go to the directory given as the second argument.
//
// usage: node ui_test.mjs CROSSDOCK_BINARY SCREENSHOT_DIR
// Exit codes: 0 pass, 1 fail, 77 skipped (peers not configured and not required).
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import {chromium} from 'playwright-core';

const [binary, shotsDir = path.join(process.cwd(), 'ui-screenshots')] = process.argv.slice(2);
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
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push(`FAIL ${name}: ${e.message}`);
    throw e;
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossdock-ui-'));
const serve = await startServe(dataDir);
const browser = await chromium.launch({executablePath: chromiumPath, headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage']});
let failed = false;
try {
  const page = await browser.newPage({viewport: {width: 1200, height: 900}});
  const shot = (name) => page.screenshot({path: path.join(shotsDir, `${name}.png`), fullPage: true});
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const uniq = Date.now().toString(36);

  await step('sign in with the admin token', async () => {
    await page.goto(serve.base + '/');
    await page.waitForSelector('#token-input');
    await shot('01-sign-in');
    await page.fill('#token-input', serve.token);
    await page.click('#token-submit');
    await page.waitForSelector('#add-connection');
    await shot('02-connections-empty');
  });

  let externalId = '';
  await step('create an S3 IAM-role connection against the local RGW', async () => {
    await page.click('#add-connection');
    await page.click('#type-s3');
    await page.waitForSelector('#role_arn');
    // Demo mode pre-fills the prepared role, bucket and region of the pretend account.
    assert.match(await page.inputValue('#role_arn'), /^arn:aws:iam::\d{12}:role\/crossdock-demo$/);
    assert.equal(await page.inputValue('#auth_method'), 'iam-role');
    await page.fill('#name', `ui-s3-${uniq}`);
    await shot('03-add-connection');
    await page.click('#save-connection');
    await page.waitForSelector('#external-id');
    externalId = (await page.textContent('#external-id')).trim();
    assert.match(externalId, /^cdx-[a-z2-7]{26}$/);
    const trust = await page.textContent('[data-testid=trust-policy]');
    assert.ok(trust.includes(externalId), 'the trust policy on the page names the External ID');
    assert.ok(trust.includes('sts:ExternalId'));
    const identity = await (await fetch(serve.base + '/v1/identity',
      {headers: {Authorization: 'Bearer ' + serve.token}})).json();
    assert.equal(externalId, identity.external_id, 'the page shows the organization\'s External ID');
    await shot('04-connection-policies');
  });

  await step('apply the generated policies to the pretend account', async () => {
    await page.click('#apply-demo');
    // A selector, not waitForFunction: the page's Content-Security-Policy forbids eval.
    await page.waitForSelector('#apply-status:has-text("Applied")', {timeout: 60000});
  });

  const canTest = await page.$('#test-connection');
  if (canTest) {
    await step('run the connection test: every check passes', async () => {
      await page.click('#test-connection');
      await page.waitForSelector('#test-summary', {timeout: 120000});
      const rows = await page.$$eval('[data-testid=check-row]',
        (els) => els.map((e) => ({id: e.dataset.check, status: e.dataset.status})));
      assert.ok(rows.length >= 5, `expected the checks, got ${JSON.stringify(rows)}`);
      const failedChecks = rows.filter((r) => r.status === 'fail');
      assert.deepEqual(failedChecks, [], 'no check fails');
      assert.equal((await page.textContent('#test-summary')).trim(), 'Every check passed.');
      await shot('05-connection-test');
    });
  } else {
    results.push('skip connection test: the server does not offer POST /v1/connections/{id}/test');
  }

  await step('a bad role ARN shows the field error', async () => {
    await page.goto(serve.base + '/#/connections/new');
    await page.click('#type-s3');
    await page.fill('#name', `ui-bad-${uniq}`);
    await page.fill('#role_arn', 'arn:aws:iam:::123456789012:role/demo-role');
    await page.click('#save-connection');
    const err = await page.waitForSelector('[data-testid="error-role_arn"]');
    assert.match(await err.textContent(), /role_arn/);
    await shot('06-bad-role-arn');
  });

  await step('the API\'s field errors are shown next to the field', async () => {
    await page.fill('#role_arn', 'arn:aws:iam::111122223333:role/crossdock-demo');
    await page.fill('#name', `ui-s3-${uniq}`); // taken: the API answers 409 naming "name"
    await page.click('#save-connection');
    const err = await page.waitForSelector('[data-testid="error-name"]');
    assert.ok((await err.textContent()).length > 0);
    await shot('07-duplicate-name');
  });

  await step('the connections list shows the new connection', async () => {
    await page.goto(serve.base + '/#/connections');
    await page.waitForSelector('#connections-table');
    const names = await page.$$eval('[data-testid=connection-row] td:first-child', (t) => t.map((x) => x.textContent));
    assert.ok(names.includes(`ui-s3-${uniq}`));
    await shot('08-connections');
  });

  await step('a sync: listed, run from the page, the queued run cancelled', async () => {
    // Created through the API on the new connection (a copy sync of an empty prefix); this
    // server runs no workers, so the run stays queued until the page cancels it.
    const res = await fetch(serve.base + '/v1/syncs', {method: 'POST',
      headers: {Authorization: 'Bearer ' + serve.token, 'Content-Type': 'application/json'},
      body: JSON.stringify({name: `ui-sync-${uniq}`, copy: true,
        source: {type: 's3', connection: `ui-s3-${uniq}`, prefix: `incoming-${uniq}/`},
        destination: {type: 's3', connection: `ui-s3-${uniq}`, path: 'copies'}})});
    assert.equal(res.status, 201, await res.text());
    await page.goto(serve.base + '/#/syncs');
    await page.waitForSelector('#syncs-table');
    const names = await page.$$eval('[data-testid=sync-row] td:first-child', (t) => t.map((x) => x.textContent));
    assert.ok(names.includes(`ui-sync-${uniq}`), `syncs listed: ${names}`);
    await page.click(`text=ui-sync-${uniq}`);
    await page.waitForSelector('#run-now');
    assert.match(await page.textContent('[data-testid=sync-spec]'), /"copy": true/);
    await page.click('#run-now');
    await page.waitForSelector('[data-testid=run-row][data-status=queued]');
    assert.ok(await page.isDisabled('#run-now'), 'no second run while one is queued');
    await shot('09-sync-queued');
    await page.click('[data-testid=cancel-run]');
    await page.waitForSelector('[data-testid=run-row][data-status=cancelled]');
    assert.ok(!(await page.isDisabled('#run-now')), 'a new run can start once it ended');
    await shot('10-sync-cancelled');
  });

  await step('no script errors and no secrets in the logs', async () => {
    assert.deepEqual(pageErrors, []);
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
process.exit(failed ? 1 : 0);
