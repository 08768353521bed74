// The incident manager's workflow on one tablet, as a manager: log an
// incident, acknowledge it, add an internal note and a requestor update, add
// an action that shows on My actions, resolve it, and see a refused close
// explained in words; three alike incidents bring a problem suggestion that
// becomes a problem; then screenshots of the workflow pages at both sizes.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  BASE_URL,
  control,
  eventually,
  launch,
  openList,
  pressSyncNow,
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
let m;
let incidentUrl;

const step = (name, body) => runStep('workflow', name, () => [m], body);

const button = (page, name) => page.getByRole('button', { name, exact: true });
const statusLine = (page) => page.locator('#status-heading + .status-line');

describe('workflow: acknowledge, note, resolve', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    const [manager] = users(); // ana is the manager
    browser = await launch();
    m = await tablet(browser, 'M');
    await signIn(m, manager);
  });

  after(async () => {
    await browser?.close();
  });

  test('a manager takes an incident from New to Resolved, every step on the timeline', async () => {
    await step('lifecycle', async () => {
      const { page } = m;
      await control(page, 'New incident').click();
      await setField(page, 'Title', `Generator alarm ${run}`);
      await setField(page, 'Category', { text: /equipment/i, value: 'equipment_failure' });
      await setField(page, 'Site', `Workflow yard ${run}`);
      await setField(page, 'Impact', { text: /high/i, value: 1 });
      await setField(page, 'Urgency', { text: /medium/i, value: 2 });
      await button(page, 'Save').click();
      await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
      incidentUrl = page.url();

      const timeline = page.locator('.timeline');
      await timeline.getByText('Incident logged').waitFor();
      await page.locator('.sla-chips').getByText(/Response: due in/).waitFor();
      await statusLine(page).getByText('New').waitFor();

      await button(page, 'Acknowledge').click();
      await statusLine(page).getByText('Acknowledged').waitFor();
      await timeline.getByText('Status: New → Acknowledged').waitFor();
      await page.locator('.sla-chips').getByText('Response: met').waitFor();
      assert.equal(await button(page, 'Acknowledge').count(), 0, 'Acknowledge is gone once acknowledged');

      await button(page, 'Assign to me').click();
      await timeline.getByText(/^Assigned to /).waitFor();

      const note = `Checked the fuel line (${run})`;
      await page.getByLabel('Note or requestor update', { exact: true }).fill(note);
      await button(page, 'Add note').click();
      const noteEntry = timeline.locator('.entry-note').filter({ hasText: note });
      await noteEntry.waitFor();
      assert.match(await noteEntry.innerText(), /Internal note/);

      const update = `A crew is on site (${run})`;
      await page.getByLabel('Note or requestor update', { exact: true }).fill(update);
      await button(page, 'Send requestor update').click();
      const updateEntry = timeline.locator('.entry-update').filter({ hasText: update });
      await updateEntry.waitFor();
      assert.match(await updateEntry.innerText(), /Requestor update/);

      const action = `Service the generator (${run})`;
      await page.getByLabel('What needs doing', { exact: true }).fill(action);
      await button(page, 'Add action').click();
      await page.locator('.action-item').filter({ hasText: action }).waitFor();

      await button(page, 'Resolve').click();
      await button(page, 'Resolve').click(); // submitting the empty form is refused
      await page.getByRole('alert').filter({ hasText: /resolution is needed/ }).waitFor();
      await page.getByLabel('Resolution: what was done', { exact: true }).fill('Replaced the fuel filter');
      await button(page, 'Resolve').click();
      await statusLine(page).getByText('Resolved').waitFor();
      await timeline.getByText('Status: Acknowledged → Resolved').waitFor();
      await timeline.getByText('Replaced the fuel filter').waitFor();
      await screenshot(page, 'workflow-resolved-768x1024');

      await page.getByRole('link', { name: 'My actions', exact: true }).click();
      await page.getByRole('link', { name: action }).waitFor();
      await page.goBack();
      await page.locator('.timeline').waitFor();
    });
  });

  test('closing a P2 before its review is complete is refused with the reason', async (t) => {
    if (!incidentUrl) return t.skip('needs the incident from the first test');
    await step('refused-close', async () => {
      const { page } = m;
      await button(page, 'Close').click();
      await page
        .getByRole('alert')
        .filter({ hasText: 'Cannot close: a P2 incident cannot be closed until its post-incident review is complete.' })
        .waitFor();
      await statusLine(page).getByText('Resolved').waitFor();
    });
  });

  test('with its review complete the incident closes with a note, reopens with a reason, and a second tablet sees it all', async (t) => {
    if (!incidentUrl) return t.skip('needs the incident from the first test');
    await step('review-close-reopen', async () => {
      const { page } = m;
      await page.getByLabel('Root cause', { exact: true }).fill('Fuel filter clogged by sediment');
      await page.getByLabel('Contributing factors', { exact: true }).fill('Tank not drained since spring');
      await page.getByLabel('Lessons learned', { exact: true }).fill('Drain tanks monthly');
      await setField(page, 'Review status', { text: /complete/i, value: 'complete' });
      await button(page, 'Save review').click();
      const timeline = page.locator('.timeline');

      await button(page, 'Close').click();
      await page.getByLabel('Closing note (optional)', { exact: true }).fill('Requestor confirmed power is back');
      await page.locator('form.inline-form').getByRole('button', { name: 'Close', exact: true }).click();
      await statusLine(page).getByText('Closed').waitFor();
      await timeline.getByText('Status: Resolved → Closed').waitFor();
      await timeline.getByText('Requestor confirmed power is back').waitFor();

      await button(page, 'Reopen').click();
      await page.getByLabel('Reason for reopening (optional)', { exact: true }).fill('Alarm sounded again');
      await page.locator('form.inline-form').getByRole('button', { name: 'Reopen', exact: true }).click();
      await statusLine(page).getByText('In progress').waitFor();
      await statusLine(page).getByText('Alarm sounded again').waitFor();
      await timeline.getByText('Status: Closed → In progress').waitFor();

      // A second tablet, signed in as the reporter, syncs and sees the same
      // life: every status step, the note, the requestor update and the action.
      await syncAllSent(m);
      const other = await tablet(browser, 'R');
      try {
        await signIn(other, users()[1]);
        await other.page.goto(incidentUrl);
        const seen = other.page.locator('.timeline');
        await eventually('the second tablet shows the reopened incident', () =>
          seen.getByText('Status: Closed → In progress').isVisible(),
          { between: () => pressSyncNow(other.page) },
        );
        for (const text of [
          'Status: New → Acknowledged',
          'Status: Acknowledged → Resolved',
          'Status: Resolved → Closed',
          `Checked the fuel line (${run})`,
          `A crew is on site (${run})`,
        ]) {
          await seen.getByText(text).first().waitFor();
        }
        await other.page.locator('.action-item').filter({ hasText: `Service the generator (${run})` }).waitFor();
        assert.equal(await other.page.getByLabel('Root cause', { exact: true }).inputValue(), 'Fuel filter clogged by sediment');
      } finally {
        await other.context.close();
      }
    });
  });

  test('Use my location fills the position, shown in words and numbers', async (t) => {
    if (!incidentUrl) return t.skip('needs the incident from the first test');
    await step('location', async () => {
      const { page, context } = m;
      await context.grantPermissions(['geolocation'], { origin: BASE_URL });
      await context.setGeolocation({ latitude: 54.5, longitude: -1.25, accuracy: 12 });
      await button(page, 'Use my location').click();
      const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Location' }) });
      await section.getByText('54.50000° N, 1.25000° W, within about 12 m').waitFor();
      await section.getByText('Latitude 54.5, longitude -1.25, accuracy 12 m').waitFor();
    });
  });

  test('the quick log takes the position with the incident, offline', async () => {
    await step('quick-log-location', async () => {
      const { page, context } = m;
      await context.grantPermissions(['geolocation'], { origin: BASE_URL });
      await context.setGeolocation({ latitude: -33.8688, longitude: 151.2093, accuracy: 8 });
      await openList(page);
      await context.setOffline(true);
      try {
        await control(page, 'New incident').click();
        await setField(page, 'Title', `Slip on wet ramp ${run}`);
        await setField(page, 'Category', { text: /near miss/i, value: 'near_miss' });
        await setField(page, 'Site', `Harbour ramp ${run}`);
        const form = page.locator('fieldset.quick-location');
        await form.getByRole('button', { name: 'Use my location', exact: true }).click();
        await form.getByText('33.86880° S, 151.20930° E, within about 8 m').waitFor();
        await button(page, 'Save').click();
        await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
        const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Location' }) });
        await section.getByText('33.86880° S, 151.20930° E, within about 8 m').waitFor();
      } finally {
        await context.setOffline(false);
      }
    });
  });

  test('three alike incidents within 30 days suggest a problem that links them', async () => {
    await step('problem-suggestion', async () => {
      const { page } = m;
      const site = `Gate house ${run}`;
      for (const n of [1, 2, 3]) {
        await openList(page);
        await control(page, 'New incident').click();
        await setField(page, 'Title', `Gate forced ${n} ${run}`);
        await setField(page, 'Category', { text: /security/i, value: 'security' });
        await setField(page, 'Site', site);
        await button(page, 'Save').click();
        await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
      }
      await page.getByRole('link', { name: 'Problems', exact: true }).click();
      const suggestion = page.locator('.suggestion').filter({ hasText: `3 security incidents at ${site}` });
      await suggestion.waitFor();
      await suggestion.getByRole('button', { name: 'Create problem' }).click();
      await page.waitForURL(/\/problems\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: `3 security incidents at ${site}` }).waitFor();
      for (const n of [1, 2, 3]) await page.getByRole('link', { name: `Gate forced ${n} ${run}` }).waitFor();
    });
  });

  test('a double tap on Save after changing impact writes one priority event', async () => {
    await step('double-tap-save', async () => {
      const { page } = m;
      await openList(page);
      await control(page, 'New incident').click();
      await setField(page, 'Title', `Leaking hydrant ${run}`);
      await setField(page, 'Category', { text: /equipment/i, value: 'equipment_failure' });
      await setField(page, 'Site', `Hydrant row ${run}`);
      await setField(page, 'Impact', { text: /medium/i, value: 2 });
      await setField(page, 'Urgency', { text: /medium/i, value: 2 });
      await button(page, 'Save').click();
      await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
      const timeline = page.locator('.timeline');
      await timeline.getByText('Incident logged').waitFor();

      await setField(page, 'Impact', { text: /high/i, value: 1 });
      // Two taps in one task: both land before the page can redraw, so only
      // the save's own guard stands between them and a second write.
      await button(page, 'Save').evaluate((b) => {
        b.click();
        b.click();
      });
      await page.locator('.actions').getByText('Saved on this tablet').waitFor();
      await syncAllSent(m);
      const priority = timeline.locator('.timeline-entry').filter({ hasText: /Priority: .+ → / });
      await priority.first().waitFor();
      assert.equal(await priority.count(), 1, 'one impact change, one priority event');
    });
  });

  test('screenshots of the workflow pages, portrait and landscape', async (t) => {
    if (!incidentUrl) return t.skip('needs the incident from the first test');
    await step('screenshots', async () => {
      const { page } = m;
      for (const [width, height] of [[768, 1024], [1024, 768]]) {
        const size = `${width}x${height}`;
        await page.setViewportSize({ width, height });
        await openList(page);
        await screenshot(page, `wf-list-${size}`);
        await page.getByRole('link', { name: `Generator alarm ${run}` }).first().click();
        await page.locator('.timeline').waitFor();
        await screenshot(page, `wf-incident-${size}`);
        await page.getByRole('link', { name: 'My actions', exact: true }).click();
        await page.getByRole('heading', { name: 'My actions' }).waitFor();
        await screenshot(page, `wf-my-actions-${size}`);
        await page.getByRole('link', { name: 'Problems', exact: true }).click();
        await page.getByRole('heading', { name: 'Problems', exact: true }).waitFor();
        await screenshot(page, `wf-problems-${size}`);
      }
    });
  });
});
