// The KPI pages end to end: a small data set for a past month is pushed
// through the sync API, a tablet signs in and pulls it, and the dashboard,
// the monthly report, its PDF, the CSV exports and the regulator log must
// show the numbers counted by hand below.
//
// The month is two months back, so incidents other tests log today do not
// count in it. By hand, for that month:
//   I1  P1 injury    Quarry: logged 3rd 08:00, acknowledged 08:30, work 09:00,
//                    resolved 12:00   → response 30 min, resolution 4 h
//   I2  P3 equipment Quarry: logged 10th 10:00, acknowledged 11:00,
//                    resolved 11th 10:00 → response 1 h, resolution 24 h
//   I3  P4 equipment Quarry: logged 20th 14:00, still new (backlog, 8–30 days)
//   opened 3, resolved 2, backlog 1; MTTA 45 min (median 45 min);
//   MTTR 14 h (median 14 h); SLA met: response 1 of 3 (only I2 within its
//   target), updates 1 of 3 (I2), resolution 2 of 3 (I1 at exactly 4 h, I2);
//   equipment failure at Quarry recurs (2);
//   one action on I1, due the 15th and open: 1 open, 1 overdue;
//   I1 is recordable: 1 case on the year's regulator log, with its name.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  BASE_URL,
  SCREENSHOT_DIR,
  eventually,
  launch,
  pressSyncNow,
  screenshot,
  signIn,
  tablet,
  users,
  step as runStep,
} from './support.mjs';

const run = Date.now().toString(36);
const now = new Date();
const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
const Y = month.getUTCFullYear();
const M = month.getUTCMonth() + 1;
const monthParam = `${Y}-${String(M).padStart(2, '0')}`;
const at = (day, hh, mm = 0) => Date.UTC(Y, M - 1, day, hh, mm);
const iso = (ms) => new Date(ms).toISOString();
const site = `Quarry ${run}`;
const titles = {
  i1: `Saw guard missing ${run}`,
  i2: `Crusher stopped ${run}`,
  i3: `Conveyor slipping ${run}`,
};

/** A UUIDv7 whose time is `ms`, so records date from the seeded month. */
function uuid7(ms) {
  const hex = ms.toString(16).padStart(12, '0');
  const rand = Array.from({ length: 20 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rand.slice(0, 3)}-${'89ab'[Math.floor(Math.random() * 4)]}${rand.slice(3, 6)}-${rand.slice(6, 18)}`;
}

/** Pushes the month's records as manager through the sync API. */
async function seed(manager) {
  const device = `seed-${run}`;
  const login = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: manager.name, password: manager.password, device_id: device }),
  });
  assert.equal(login.status, 200, 'the seeding user signs in');
  const { token, user } = await login.json();
  let counter = 0;
  const wall = Date.now();
  const changes = [];
  const put = (collection, id, fields) => {
    for (const [field, value] of Object.entries(fields)) {
      const hlc = `${String(wall).padStart(15, '0')}-${String(counter++).padStart(5, '0')}-${device}`;
      changes.push({ collection, id, field, value, hlc });
    }
  };
  const siteId = uuid7(at(1, 0));
  put('sites', siteId, { name: site });
  const incident = (title, created, fields, timeline) => {
    const id = uuid7(created);
    put('incidents', id, {
      kind: 'incident', title, site: siteId, reported_by: user.id, status: 'new', ...fields,
    });
    const event = (kind, ms, data = {}, body = '') =>
      put('events', uuid7(ms), { incident_id: id, kind, body, data, author: user.id, at: iso(ms) });
    event('created', created);
    let from = 'new';
    for (const [to, ms] of timeline) {
      event('status', ms, { from, to, reason: null }, to === 'resolved' ? 'Fixed' : '');
      from = to;
    }
    if (timeline.length) put('incidents', id, { status: from, ...(from === 'resolved' ? { resolution: 'Fixed' } : {}) });
    return id;
  };
  const i1 = incident(titles.i1, at(3, 8), {
    category: 'injury', impact: 1, urgency: 1, occurred_at: iso(at(3, 7, 50)),
    root_cause: 'Guard removed for cleaning and not refitted',
    lessons_learned: 'Check guards at every shift start',
    recordable: true, case_number: `${Y}-901`, person_name: 'Zoë Fitter', job_title: 'Fitter',
    outcome: 'days_away', days_away: 3, injury_type: 'injury',
  }, [['acknowledged', at(3, 8, 30)], ['in_progress', at(3, 9)], ['resolved', at(3, 12)]]);
  incident(titles.i2, at(10, 10), { category: 'equipment_failure', impact: 2, urgency: 2 },
    [['acknowledged', at(10, 11)], ['resolved', at(11, 10)]]);
  incident(titles.i3, at(20, 14), { category: 'equipment_failure', impact: 3, urgency: 2 }, []);
  put('actions', uuid7(at(3, 13)), {
    incident_id: i1, title: `Fit guard to saw 2 ${run}`, owner: user.id,
    due: iso(at(15, 0)), status: 'open',
  });

  const sync = await fetch(`${BASE_URL}/api/v1/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ device_id: device, cursor: null, changes, limit: 1 }),
  });
  const answer = await sync.json();
  assert.equal(sync.status, 200, JSON.stringify(answer));
  assert.equal(answer.accepted, changes.length, `every seeded change is accepted: ${JSON.stringify(answer)}`);
}

/** RFC 4180 with quotes, CRLF and an optional BOM. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && s[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

let browser;
let t;

const step = (name, body) => runStep('kpi', name, () => [t], body);

const tile = (page, label) =>
  page.locator('.tile').filter({ has: page.locator('.tile-label', { hasText: new RegExp(`^${label}$`) }) }).locator('.tile-value');
const kpiCell = (page, measure) =>
  page.locator('.kpi-table tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${measure}$`) }) }).locator('td').first();

async function download(page, name) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  return parseCsv(await readFile(await file.path(), 'utf8'));
}

describe('dashboard, monthly report, exports and the regulator log', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    // Seed as whichever account the server knows as manager (ana in xtask).
    const list = users();
    browser = await launch();
    t = await tablet(browser, 'K');
    let seeded;
    for (const u of list) {
      const r = await fetch(`${BASE_URL}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: u.name, password: u.password, device_id: `probe-${run}` }),
      });
      if ((await r.json()).user?.role === 'manager') { seeded = u; break; }
    }
    assert.ok(seeded, 'one of OUTPOST_USERS is a manager');
    await seed(seeded);
    await signIn(t, seeded);
  });

  after(async () => {
    await browser?.close();
  });

  test('the dashboard shows the hand-counted month', async () => {
    await step('dashboard', async () => {
      const { page } = t;
      await eventually('the dashboard counts 3 opened', async () => {
        await page.goto(`${BASE_URL}/dashboard?period=${monthParam}`);
        return (await tile(page, 'Opened').textContent({ timeout: 5_000 })) === '3';
      }, { between: () => pressSyncNow(page) });
      assert.equal(await tile(page, 'Resolved').textContent(), '2');
      assert.equal(await tile(page, 'Backlog').textContent(), '1');
      assert.equal(await tile(page, 'MTTA').textContent(), '45 min');
      assert.equal(await tile(page, 'MTTR').textContent(), '14 h');
      await page.getByText('Medians: MTTA 45 min, MTTR 14 h. Resolution SLA met 67% (2 of 3).').waitFor();
      assert.equal(await tile(page, 'Overdue actions').textContent(), '1 of 1 open');
      assert.equal(await page.getByLabel('Period', { exact: true }).inputValue(), monthParam);
      // Charts have names, and their numbers are in tables for screen readers.
      assert.ok(await page.getByRole('img', { name: /opened and resolved each month/ }).isVisible());
      const byPriority = page.locator('table', { has: page.locator('caption', { hasText: 'By priority' }) });
      assert.deepEqual(
        await byPriority.locator('tbody tr').first().locator('th, td').allTextContents(),
        ['P1', '1', '1', '0'],
      );

      // A filter goes into the URL and narrows the numbers.
      await page.getByLabel('Priority', { exact: true }).selectOption('P1');
      await page.waitForURL(/priority=P1/);
      await eventually('the P1 filter leaves one opened', async () =>
        (await tile(page, 'Opened').textContent()) === '1');
      await page.goto(`${BASE_URL}/dashboard?period=${monthParam}`);
      await tile(page, 'Opened').filter({ hasText: /^3$/ }).waitFor();

      for (const [w, h] of [[768, 1024], [1024, 768]]) {
        await page.setViewportSize({ width: w, height: h });
        await screenshot(page, `kpi-dashboard-${w}x${h}`);
      }
      await page.setViewportSize({ width: 768, height: 1024 });
    });
  });

  test('the CSV exports parse and match', async () => {
    await step('csv', async () => {
      const { page } = t;
      await page.getByLabel('Include BOM for Excel').check();
      const kpis = await download(page, 'Download KPI table CSV');
      assert.equal(kpis[0][0], 'Measure');
      assert.deepEqual(kpis.find((r) => r[0] === 'Opened').slice(0, 2), ['Opened', '3']);
      assert.deepEqual(kpis.find((r) => r[0] === 'Mean time to resolve (MTTR)').slice(0, 2),
        ['Mean time to resolve (MTTR)', '14 h (median 14 h)']);
      const incidents = await download(page, 'Download incidents CSV');
      const header = incidents[0];
      const i1 = incidents.find((r) => r[header.indexOf('Title')] === titles.i1);
      assert.ok(i1, `incident CSV lists ${titles.i1}`);
      assert.equal(i1[header.indexOf('Priority')], 'P1');
      assert.equal(i1[header.indexOf('Site')], site);
      assert.equal(i1[header.indexOf('Root cause')], 'Guard removed for cleaning and not refitted');
      assert.equal(incidents.filter((r) => r[header.indexOf('Site')] === site).length, 3);
      const actions = await download(page, 'Download actions CSV');
      const mine = actions.find((r) => r[3] === `Fit guard to saw 2 ${run}`);
      assert.ok(mine, 'the action is exported');
      assert.equal(mine[7], 'Yes', 'and it is overdue');
    });
  });

  test('the monthly report prints the same numbers beside the month before', async () => {
    await step('report', async () => {
      const { page } = t;
      await page.getByRole('link', { name: 'Monthly report', exact: true }).click();
      await page.getByLabel('Month', { exact: true }).selectOption(monthParam);
      await page.waitForURL(new RegExp(`month=${monthParam}`));
      await kpiCell(page, 'Opened').filter({ hasText: /^3$/ }).waitFor();
      assert.equal(await kpiCell(page, 'Resolved').textContent(), '2');
      assert.equal(await kpiCell(page, 'Backlog at period end').textContent(), '1');
      assert.equal(await kpiCell(page, 'Backlog aged 8–30 days').textContent(), '1');
      assert.equal(await kpiCell(page, 'Mean time to acknowledge \\(MTTA\\)').textContent(), '45 min (median 45 min)');
      assert.equal(await kpiCell(page, 'Mean time to resolve \\(MTTR\\)').textContent(), '14 h (median 14 h)');
      assert.equal(await kpiCell(page, 'Overdue actions').textContent(), '1');
      // SLA targets (model::sla): P1 respond 15 min, resolve 4 h; P3 4 h, 3 days;
      // P4 1 day, 7 days; requestor updates every 1 h (P1) or 84 h (P3, P4).
      assert.equal(await kpiCell(page, 'Response SLA met').textContent(), '33% (1 of 3)');
      assert.equal(await kpiCell(page, 'Update SLA met').textContent(), '33% (1 of 3)');
      assert.equal(await kpiCell(page, 'Resolution SLA met').textContent(), '67% (2 of 3)');
      // The incident rate waits for the month's hours: 1 recordable ×
      // 200,000 ÷ 40,000 hours = 5.
      const rate = kpiCell(page, 'Incident rate \\(per 200,000 h\\)');
      assert.equal(await rate.textContent(), 'No hours entered');
      await page.getByLabel('Site worked at', { exact: true }).selectOption({ label: site });
      await page.getByLabel('Hours worked', { exact: true }).fill('40,000');
      await page.getByRole('button', { name: 'Save hours', exact: true }).click();
      await rate.filter({ hasText: /^5\.00$/ }).waitFor();
      const p1 = page.locator('.serious', { hasText: titles.i1 });
      await p1.getByText('Guard removed for cleaning and not refitted').waitFor();
      await p1.getByText('Check guards at every shift start').waitFor();
      assert.equal(await page.locator('.serious', { hasText: titles.i2 }).count(), 0, 'P3 is not listed');
      await page.getByText(`Equipment failure at ${site}: 2 incidents`).waitFor();
      await page.getByText(`Fit guard to saw 2 ${run}`).waitFor();
      assert.ok(await page.getByRole('button', { name: 'Print / Save as PDF' }).isVisible());

      for (const [w, h] of [[768, 1024], [1024, 768]]) {
        await page.setViewportSize({ width: w, height: h });
        await screenshot(page, `kpi-report-${w}x${h}`);
      }
      await page.emulateMedia({ media: 'print' });
      await screenshot(page, 'kpi-report-print');
      // Printed as a person would: with the print stylesheet, no controls.
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
      await page.emulateMedia({ media: 'screen' });
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      writeFileSync(join(SCREENSHOT_DIR, 'kpi-report.pdf'), pdf);
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok(pdf.length > 10_000, `the PDF has content (${pdf.length} bytes)`);
      // What management is handed must carry the hand-counted numbers.
      const text = execFileSync('pdftotext', ['-layout', join(SCREENSHOT_DIR, 'kpi-report.pdf'), '-'], {
        encoding: 'utf8',
      });
      for (const expected of ['45 min (median 45 min)', '14 h (median 14 h)', '67% (2 of 3)', '5.00']) {
        assert.ok(text.includes(expected), `the PDF says ${expected}:\n${text.slice(0, 2000)}`);
      }
      assert.ok(!text.includes('Print / Save as PDF'), 'the print stylesheet hides the controls');
    });
  });

  test('the regulator log lists the recordable case with its name for a manager', async () => {
    await step('regulator', async () => {
      const { page } = t;
      await page.getByRole('link', { name: 'Regulator log', exact: true }).click();
      await page.getByLabel('Year', { exact: true }).selectOption(String(Y));
      const row = page.locator('tr', { hasText: `${Y}-901` });
      await row.waitFor();
      assert.match(await row.textContent(), /Zoë Fitter/);
      assert.match(await row.textContent(), /Days away from work/);
      const log = await download(page, 'Download log CSV');
      const line = log.find((r) => r[0] === `${Y}-901`);
      assert.ok(line, 'the case is in the CSV');
      assert.equal(line[1], 'Zoë Fitter');
      assert.equal(line[7], '3');
      assert.deepEqual(t.problems, [], 'no errors in the console');
    });
  });
});
