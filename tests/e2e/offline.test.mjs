// Offline-grade Outpost in a real browser: after one online visit the app
// opens with the network off (only the service worker can answer), it meets
// Chromium's installability criteria, and when two tablets edit the same field
// offline the one that loses is told and can keep its value.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  BASE_URL,
  control,
  eventually,
  fieldValue,
  launch,
  launchProfile,
  listHeading,
  openIncident,
  openList,
  pressSyncNow,
  saveHere,
  screenshot,
  setField,
  signIn,
  syncAllSent,
  tablet,
  users,
  step as runStep,
} from './support.mjs';

const run = Date.now().toString(36);
let browser;
let a;
let b;

const step = (name, body) => runStep('offline', name, () => [a, b], body);

/** Logs an incident on `t` with the given title and returns its id. */
async function logIncident(t, title) {
  await openList(t.page);
  await control(t.page, 'New incident').click();
  await setField(t.page, 'Title', title);
  await setField(t.page, 'Category', { text: /equipment/i, value: 'equipment_failure' });
  await t.page.getByRole('button', { name: 'Save', exact: true }).click();
  await t.page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
  return t.page.url().match(/\/incidents\/([0-9a-f-]{36})$/)[1];
}

/** Waits until the service worker has installed the app shell and is active. */
async function shellCached(page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
}

/** The HTTP cache off, so that only the service worker can answer offline. */
async function withoutHttpCache(t) {
  const cdp = await t.context.newCDPSession(t.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  return cdp;
}

describe('offline: opens with no network, installable, conflicts shown', { timeout: 10 * 60_000 }, () => {
  before(async () => {
    const [ana, ben] = users();
    browser = await launch();
    a = await tablet(browser, 'A');
    b = await tablet(browser, 'B');
    await Promise.all([signIn(a, ana), signIn(b, ben)]);
  });

  after(async () => {
    await browser?.close();
  });

  test('after one online visit the app opens offline, signed in, with every stored incident', async () => {
    await step('reopen-offline', async () => {
      const titles = [`Generator won't start ${run}`, `Gate sensor dead ${run}`];
      for (const title of titles) await logIncident(a, title);
      await syncAllSent(a);
      await shellCached(a.page);

      await withoutHttpCache(a);
      await a.context.setOffline(true);
      const response = await a.page.goto(`${BASE_URL}/`);
      assert.ok(response?.fromServiceWorker(), 'the page should come from the service worker');
      await listHeading(a.page).waitFor();
      for (const title of titles) {
        await a.page.getByRole('link', { name: title }).waitFor();
      }
      await a.page.getByText('Offline', { exact: true }).first().waitFor();

      // A deep link opens offline too (any app route answers with the shell).
      await a.page.goto(`${BASE_URL}/incidents/new`);
      await a.page.getByLabel('Title', { exact: true }).waitFor();
      await screenshot(a.page, 'offline-new-incident-768x1024');
      await a.context.setOffline(false);
      await openList(a.page);
    });
  });

  test('when two tablets edit one field offline, the losing tablet is told and Keep mine restores its value on both', async () => {
    await step('conflict', async () => {
      // B's user (a reporter) logs the incident, so both users may edit it.
      const id = await logIncident(b, `Fence cut near gate 4 ${run}`);
      await syncAllSent(b);
      await eventually('tablet A has the incident', async () => {
        await openList(a.page);
        return a.page.locator(`a[href$="/incidents/${id}"]`).first().isVisible();
      }, { between: () => pressSyncNow(a.page) });

      const mine = `Cut with bolt cutters; 2 m gap (A ${run})`;
      const theirs = `Small gap, patched with wire (B ${run})`;
      await Promise.all([openIncident(a.page, id), openIncident(b.page, id)]);
      await Promise.all([a.context.setOffline(true), b.context.setOffline(true)]);
      await setField(a.page, 'Description', mine);
      await saveHere(a.page);
      // Not synchronisation: B's save must carry a later clock than A's.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await setField(b.page, 'Description', theirs);
      await saveHere(b.page);
      await Promise.all([a.context.setOffline(false), b.context.setOffline(false)]);
      for (const t of [a, b, a]) await syncAllSent(t);

      const notice = a.page.locator('.conflict').filter({ hasText: 'was replaced by a newer' });
      await eventually('tablet A shows the conflict notice', async () => {
        await openIncident(a.page, id);
        return notice.first().isVisible();
      }, { between: () => pressSyncNow(a.page) });
      const text = await notice.first().innerText();
      assert.match(text, /^Description: your “Cut with bolt cutters/);
      assert.match(text, /newer “Small gap, patched with wire/);
      assert.equal(await fieldValue(a.page, 'Description'), theirs);
      await screenshot(a.page, 'conflict-768x1024');

      await notice.first().getByRole('button', { name: 'Keep mine' }).click();
      await notice.first().waitFor({ state: 'detached' });
      assert.equal(await fieldValue(a.page, 'Description'), mine);
      for (const t of [a, b]) await syncAllSent(t);
      await eventually('tablet B shows the kept value', async () => {
        await openIncident(b.page, id);
        return (await fieldValue(b.page, 'Description')) === mine;
      }, { between: () => pressSyncNow(b.page) });

      // History, fetched when asked for: every description ever received,
      // who sent it, which is current.
      const showHistory = b.page.getByRole('button', { name: 'Show history', exact: true });
      await showHistory.click();
      const history = b.page.getByRole('table');
      await history.waitFor();
      const rows = history.locator('tbody tr').filter({ hasText: 'Description' });
      await eventually('the history shows all three descriptions', async () => (await rows.count()) === 3);
      const texts = await rows.allInnerTexts();
      assert.match(texts[0], /Cut with bolt cutters[\s\S]*ana[\s\S]*Current/);
      assert.match(texts[1], /Small gap[\s\S]*ben[\s\S]*this tablet[\s\S]*Replaced/);
      assert.match(texts[2], /Cut with bolt cutters[\s\S]*ana[\s\S]*Replaced/);
      await screenshot(b.page, 'history-768x1024');
      await b.context.setOffline(true);
      await openIncident(b.page, id);
      await showHistory.click();
      await b.page.getByText('History needs the network').waitFor();
      await b.context.setOffline(false);
    });
  });

  test('the sync centre lists what is waiting per record, then that everything was sent', async () => {
    await step('sync-centre', async () => {
      const title = `Spill kit missing ${run}`;
      await a.context.setOffline(true);
      const id = await logIncident(a, title);
      await a.page.getByRole('link', { name: 'Sync', exact: true }).click();
      await a.page.getByRole('heading', { name: 'Sync', exact: true }).waitFor();
      const row = a.page.locator('.plain-list li').filter({ hasText: title });
      await row.first().waitFor();
      assert.match(await row.first().innerText(), /Title/);
      assert.equal(await row.first().getByRole('link').getAttribute('href'), `/incidents/${id}`);
      for (const [width, height] of [[768, 1024], [1024, 768]]) {
        await a.page.setViewportSize({ width, height });
        await screenshot(a.page, `sync-${width}x${height}`);
      }
      await a.page.setViewportSize({ width: 768, height: 1024 });
      await a.context.setOffline(false);
      await syncAllSent(a);
      await a.page.getByText('Nothing is waiting').waitFor();
      await a.page.getByText(/^Last synced at \d\d:\d\d: (sent|nothing new)/).waitFor();
    });
  });

  test('unsent changes saved to a file on one tablet are imported and sent from another', async () => {
    await step('transfer', async () => {
      const title = `Ladder rung cracked ${run}`;
      await b.context.setOffline(true);
      await logIncident(b, title);
      await b.page.getByRole('link', { name: 'Settings', exact: true }).click();
      await b.page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
      await b.page.getByText(/^Storage is (not )?persistent/).waitFor();
      await b.page.getByText(/^Outpost uses .* of the .* this browser allows it\.$/).waitFor();
      for (const [width, height] of [[768, 1024], [1024, 768]]) {
        await b.page.setViewportSize({ width, height });
        await screenshot(b.page, `settings-${width}x${height}`);
      }
      await b.page.setViewportSize({ width: 768, height: 1024 });
      const [download] = await Promise.all([
        b.page.waitForEvent('download'),
        b.page.getByRole('button', { name: 'Download unsent changes' }).click(),
      ]);
      const path = join(mkdtempSync(join(tmpdir(), 'outpost-unsent-')), download.suggestedFilename());
      await download.saveAs(path);
      const saved = JSON.parse(readFileSync(path, 'utf8'));
      assert.equal(saved.format, 'outpost-changes');
      assert.ok(saved.changes.some((c) => c.field === 'title' && c.value === title), 'the file holds the new title');

      await a.page.getByRole('link', { name: 'Settings', exact: true }).click();
      await a.page.getByLabel('Import changes').setInputFiles(path);
      await a.page.getByText(/^Imported \d+ changes\. They were stamped with this tablet's clock/).waitFor();
      await syncAllSent(a);
      await openList(a.page);
      await a.page.getByRole('link', { name: title }).waitFor();
      await b.context.setOffline(false);
      await syncAllSent(b);
    });
  });

  test('a second tab shows a change made in the first without a reload', async () => {
    await step('tabs', async () => {
      const second = await a.context.newPage();
      try {
        await second.goto(`${BASE_URL}/`);
        await listHeading(second).waitFor();
        const title = `Forklift horn broken ${run}`;
        await logIncident(a, title);
        await second.getByRole('link', { name: title }).waitFor();
      } finally {
        await second.close();
      }
    });
  });

  test('Chromium finds nothing that stops installing the app', async () => {
    // Playwright's contexts are off the record, which alone blocks
    // installing; a profile on disk is judged like a tablet's browser.
    const dir = mkdtempSync(join(tmpdir(), 'outpost-install-'));
    const context = await launchProfile(dir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${BASE_URL}/login`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      const cdp = await context.newCDPSession(page);
      let last = [];
      await eventually('Chromium reports no installability errors', async () => {
        ({ installabilityErrors: last } = await cdp.send('Page.getInstallabilityErrors'));
        return last.length === 0;
      }).catch((e) => {
        throw new Error(`${e.message}: ${JSON.stringify(last)}`);
      });
      const { url, errors } = await cdp.send('Page.getAppManifest');
      assert.match(url, /manifest\.webmanifest$/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
