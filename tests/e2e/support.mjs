// Shared helpers for Outpost's browser tests: launching Debian's Chromium
// through playwright-core, signing in, filling labelled fields, syncing, and
// waiting on conditions with a deadline instead of fixed sleeps.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.OUTPOST_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? 'tests/e2e/screenshots';
/** How long any one condition may take to come true. */
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 30_000);

/** `OUTPOST_USERS='ana:pw,ben:pw'` as `[{ name, password }]`, in order. */
export function users() {
  const list = (process.env.OUTPOST_USERS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      return { name: pair.slice(0, at), password: pair.slice(at + 1) };
    });
  if (list.length < 2) throw new Error('OUTPOST_USERS must name two users: "ana:pw,ben:pw"');
  return list;
}

/** Root can only run Chromium without its sandbox; the rest keeps it off the network. */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export async function launch() {
  return chromium.launch(CHROMIUM);
}

/** A browser with a profile on disk: unlike `launch()`'s contexts it is not
 * off the record, so Chromium judges installability as a tablet's would. */
export async function launchProfile(dir) {
  return chromium.launchPersistentContext(dir, { ...CHROMIUM, viewport: { width: 768, height: 1024 } });
}

/** One tablet: its own browser context (storage, offline switch) and page. */
export async function tablet(browser, label) {
  const context = await browser.newContext({
    viewport: { width: 768, height: 1024 },
    hasTouch: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { label, context, page, problems };
}

export async function signIn({ page }, { name, password }) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await listHeading(page).waitFor();
}

export const listHeading = (page) => page.getByRole('heading', { name: 'Incidents', exact: true });

/** A control the app may render as a button or as a link. */
export const control = (page, name) =>
  page.getByRole('button', { name, exact: true }).or(page.getByRole('link', { name, exact: true }));

/** Polls `check` until it returns something truthy; `between` runs after each
 * miss (e.g. to press *Sync now*). Throws with `what` after the deadline. */
export async function eventually(what, check, { timeout = TIMEOUT, between } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeout} ms waiting until ${what}${why}`);
    }
    if (between) await between();
    // A polling interval, not synchronisation: the loop ends on the condition.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Presses *Sync now* when the button is there and enabled. */
export async function pressSyncNow(page) {
  const button = page.getByRole('button', { name: 'Sync now' });
  if ((await button.count()) > 0 && (await button.first().isEnabled())) {
    await button.first().click();
  }
}

/** Syncs until the status area says everything local has been sent. */
export async function syncAllSent({ page, label }) {
  await pressSyncNow(page);
  await eventually(`tablet ${label} says "All changes sent"`, () =>
    page.getByRole('status').filter({ hasText: 'All changes sent' }).first().isVisible(),
    { between: () => pressSyncNow(page) },
  );
}

/**
 * Sets a labelled field. For a `<select>`, `want` is `{ text: RegExp, value }`
 * and picks the matching option (or, with `{ any: true }`, the first non-empty
 * one); for inputs and text areas it is the text to type. Returns the value set.
 */
export async function setField(page, label, want) {
  const field = page.getByLabel(label, { exact: true });
  const tag = await field.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') {
    const options = await field
      .locator('option')
      .evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent.trim() })));
    const match = options.find(
      (o) => (want.text && want.text.test(o.text)) || (want.value !== undefined && o.value === String(want.value)),
    ) ?? (want.any ? options.find((o) => o.value !== '') : undefined);
    if (!match) throw new Error(`${label} has no option like ${JSON.stringify(want)}: ${JSON.stringify(options)}`);
    await field.selectOption(match.value);
    return match.value;
  }
  const text = typeof want === 'object' ? String(want.value ?? 'North yard') : String(want);
  await field.fill(text);
  return text;
}

export const fieldValue = (page, label) => page.getByLabel(label, { exact: true }).inputValue();

/** Goes to the incident list through the app's own navigation (a reload
 * would fail while offline: no service worker yet in these tests). */
export async function openList(page) {
  await page.getByRole('link', { name: 'Incidents', exact: true }).first().click();
  await listHeading(page).waitFor();
}

/** The list's link to an incident, found by its `/incidents/{id}` address. */
export const incidentLink = (page, id) => page.locator(`a[href$="/incidents/${id}"]`).first();

export async function openIncident(page, id) {
  await openList(page);
  await incidentLink(page, id).click();
  await page.waitForURL(`**/incidents/${id}`);
  await page.getByLabel('Title', { exact: true }).waitFor();
}

/** Saves the open incident page and waits for the local confirmation. */
export async function saveHere(page) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved on this tablet').first().waitFor();
}

/**
 * Runs `body`; if it fails, keeps a screenshot and the console lines of each
 * tablet `tablets()` returns (those not yet made are skipped), named
 * `FAILED-<suite>-<name>-<label>`, then fails with the same error.
 */
export async function step(suite, name, tablets, body) {
  try {
    await body();
  } catch (e) {
    for (const t of tablets().filter(Boolean)) {
      await screenshot(t.page, `FAILED-${suite}-${name}-${t.label}`).catch(() => {});
      if (t.problems.length) console.log(`tablet ${t.label} console:\n  ${t.problems.join('\n  ')}`);
    }
    throw e;
  }
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
