// Accounts end to end, on a server of its own that starts with no accounts:
// the sign-in page offers First-time setup, the code the server logged
// creates the first admin, who lands on the incident list and then, on the
// Users page, adds a reporter and disables them — and the server agrees.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { eventually, launch, listHeading, screenshot, tablet } from './support.mjs';

// The same binary and bundle as xtask's e2e step (it builds both first).
const SERVER_BIN =
  process.env.OUTPOST_SERVER_BIN ?? join(process.env.CARGO_TARGET_DIR || 'target', 'debug', 'outpost-server');
const DIST = process.env.OUTPOST_DIST ?? 'dist';
const ADMIN = { name: 'admin-e2e', password: 'correct horse battery' };
const REPORTER = { name: 'rita-e2e', password: 'reporter password 1' };

let server;
let log = '';
let dataDir;
let baseUrl;
let browser;
let t;

/** A loopback port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The one-time code from the server's log line "… First-time setup with the code XXXX-XXXX-XXXX …". */
const setupCode = () => log.match(/with the code ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/)?.[1];

async function signInOverApi({ name, password }) {
  const answer = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, password, device_id: crypto.randomUUID() }),
  });
  return answer.status;
}

/** Runs a step; on failure keeps a screenshot, the console and the server log. */
async function step(name, body) {
  try {
    await body();
  } catch (e) {
    if (t) {
      await screenshot(t.page, `FAILED-accounts-${name}`).catch(() => {});
      if (t.problems.length) console.log(`accounts tablet console:\n  ${t.problems.join('\n  ')}`);
    }
    console.log(`accounts server log:\n${log}`);
    throw e;
  }
}

/** A whole-page screenshot from the top, so the sticky bar stays at the top. */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

const row = (page, name) => page.locator('li.account').filter({ hasText: name });

describe('accounts: first-time setup and the Users page', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'outpost-accounts-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(SERVER_BIN, ['serve', '--addr', `127.0.0.1:${port}`, '--data', dataDir, '--static', DIST], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout.on('data', (d) => (log += d));
    server.stderr.on('data', (d) => (log += d));
    server.once('exit', (code) => (log += `\n[server exited with ${code}]`));
    await eventually('the new server logs its setup code', () => setupCode());
    await eventually('the new server answers /healthz', async () => (await fetch(`${baseUrl}/healthz`)).ok);
    browser = await launch();
    t = await tablet(browser, 'accounts');
  });

  after(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the first admin is created with the logged setup code and lands on the incidents', async () => {
    const { page } = t;
    await step('offer', async () => {
      await page.goto(`${baseUrl}/login`);
      const offer = page.getByRole('link', { name: 'First-time setup', exact: true });
      await offer.waitFor();
      await shot(page, 'login-setup-offer-768x1024');
      await offer.click();
      await page.waitForURL('**/setup');
      await page.getByRole('heading', { name: 'First-time setup' }).waitFor();
      await page.getByText('printed by the server when it started').waitFor();
    });
    await step('wrong-code', async () => {
      await page.getByLabel('Setup code').fill('AAAA-BBBB-CCCC');
      await page.getByLabel('Username', { exact: true }).fill(ADMIN.name);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByLabel('Confirm password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Create admin and sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /not the setup code/);
    });
    await step('setup', async () => {
      await page.getByLabel('Setup code').fill(setupCode().toLowerCase());
      await shot(page, 'setup-768x1024');
      await page.getByRole('button', { name: 'Create admin and sign in' }).click();
      await listHeading(page).waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      assert.match(log, /first admin created with the setup code/);
    });
    await step('used-up', async () => {
      const status = await (await fetch(`${baseUrl}/api/v1/setup`)).json();
      assert.deepEqual(status, { needed: false });
    });
  });

  test('the admin adds a reporter on the Users page and disables them', async () => {
    const { page } = t;
    await step('open-users', async () => {
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
      await row(page, ADMIN.name).waitFor();
    });
    await step('add', async () => {
      await page.getByLabel('Username', { exact: true }).fill(REPORTER.name);
      await page.getByLabel('Role', { exact: true }).selectOption('reporter');
      await page.getByLabel('Password', { exact: true }).fill(REPORTER.password);
      await page.getByRole('button', { name: 'Add user', exact: true }).click();
      await page.getByText(`Added ${REPORTER.name} as a reporter.`).waitFor();
      await row(page, REPORTER.name).waitFor();
      assert.match(await row(page, REPORTER.name).innerText(), /Reporter/);
      assert.equal(await signInOverApi(REPORTER), 200, 'the new reporter can sign in');
    });
    await step('disable', async () => {
      await page.getByRole('button', { name: `Disable ${REPORTER.name}`, exact: true }).click();
      await page.getByText(`${REPORTER.name} is disabled`).waitFor();
      await page.getByRole('button', { name: `Enable ${REPORTER.name}`, exact: true }).waitFor();
      await eventually('the row says Disabled', async () =>
        (await row(page, REPORTER.name).innerText()).includes('Disabled'));
      assert.equal(await signInOverApi(REPORTER), 401, 'a disabled account cannot sign in');
      await shot(page, 'users-768x1024');
    });
    await step('last-admin', async () => {
      await page.getByLabel(`Role of ${ADMIN.name}`).selectOption('manager');
      await page.getByRole('button', { name: `Save role of ${ADMIN.name}`, exact: true }).click();
      const alert = row(page, ADMIN.name).getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /last admin/);
    });
    await step('offline', async () => {
      await t.context.setOffline(true);
      await page.getByText('Managing accounts needs the network.').waitFor();
      await t.context.setOffline(false);
      await row(page, REPORTER.name).waitFor();
    });
    // Refused requests and offline fetches are logged by Chromium on purpose
    // here; a panic or an uncaught error is not.
    assert.deepEqual(t.problems.filter((p) => p.startsWith('page error') || /panicked/.test(p)), []);
  });
});
