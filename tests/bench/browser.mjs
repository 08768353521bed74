// `cargo xtask bench`, browser part: first sync of a year of incidents into
// a fresh Chromium profile, Outpost against PouchDB on the same machine, the
// two alternating run by run; then the app opened again with that year in
// IndexedDB. Prints progress, writes every run's numbers to $BENCH_OUT.
//
// Environment: OUTPOST_URL, POUCH_URL (pouchdb-server), BENCH_USER,
// BENCH_PASSWORD, BENCH_RUNS, BENCH_OUT.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, exportOutpost, loadPouch } from './records.mjs';
import { dispatchAndTime, heap, meter, idbRecordCount, wasmMemory } from './page.mjs';
import { startProfile, stopProfile } from './profile.mjs';

const OUTPOST = process.env.OUTPOST_URL.replace(/\/$/, '');
const POUCH = process.env.POUCH_URL.replace(/\/$/, '');
const USER = { name: process.env.BENCH_USER, password: process.env.BENCH_PASSWORD };
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TIMEOUT = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);
const DB = `${POUCH}/outpost`;
/** `BENCH_PROFILE=1`: a CPU profile of the first Outpost sync, summarised. */
const PROFILE = process.env.BENCH_PROFILE === '1';
/** `OUTPOST_BENCH_POUCH=0`: Outpost's runs alone, while working on them. */
const POUCH_RUNS = process.env.OUTPOST_BENCH_POUCH !== '0';

const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 768, height: 1024 },
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

const require = createRequire(import.meta.url);
const POUCH_JS = readFileSync(require.resolve('pouchdb/dist/pouchdb.min.js'));
const POUCH_HTML = '<!doctype html><meta charset="utf-8"><title>PouchDB bench</title>'
  + '<script src="/_bench/pouchdb.min.js"></script><p>PouchDB</p>';

/** A fresh on-disk profile (not an off-the-record context, whose IndexedDB
 * lives in memory), removed afterwards. */
async function withProfile(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, CHROMIUM);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    return await fn(context, page);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function outpostRun(data, profile) {
  return withProfile(async (context, page) => {
    const m = await meter(context, page, '/api/');
    await page.goto(`${OUTPOST}/login`);
    await page.getByLabel('Username').fill(USER.name);
    await page.getByLabel('Password').fill(USER.password);
    const appBytes = m.bytes();
    m.reset();
    if (profile) await startProfile(m.cdp);
    await page.evaluate(() => { window.__benchT0 = performance.now(); });
    await page.getByRole('button', { name: 'Sign in' }).click();
    const done = await page.evaluate(waitForFirstSync, {
      incidents: data.by_collection.incidents,
      records: data.records,
      timeout: TIMEOUT,
    });
    const sync = { ...done, bytes: m.bytes(), api_bytes: m.matching(), requests: m.requests(), app_bytes: appBytes };
    if (profile) sync.profile = { ...(await stopProfile(m.cdp)), network: m.timeline() };
    sync.heap = await heap(m.cdp);
    sync.wasm = await wasmMemory(page);
    sync.idb_records = await page.evaluate(idbRecordCount);

    // A year of data already on the tablet: open the app again.
    if (profile) await startProfile(m.cdp);
    await page.goto(`${OUTPOST}/`, { waitUntil: 'commit' });
    const open = await page.waitForFunction((n) => {
      const el = document.querySelector('.list-count');
      return el && el.textContent.trim() === `${n} incidents` ? performance.now() : null;
    }, data.by_collection.incidents, { polling: 'raf', timeout: TIMEOUT });
    const year = { open_ms: await open.jsonValue() };
    if (profile) year.profile = await stopProfile(m.cdp);
    const keys = [];
    for (const letter of data.letters) {
      keys.push((await page.evaluate(dispatchAndTime, { selector: '#search', value: letter, event: 'input' })).ms);
      await page.evaluate(dispatchAndTime, { selector: '#search', value: '', event: 'input' });
    }
    keys.sort((a, b) => a - b);
    year.keystroke_ms = keys[Math.floor(keys.length / 2)];
    year.keystrokes = keys;
    const rows = await page.evaluate(dispatchAndTime, {
      selector: '#filter-category', value: data.thousand.category, event: 'change',
    });
    year.rows_ms = rows.ms;
    year.rows_text = rows.text;
    await page.evaluate(dispatchAndTime, { selector: '#filter-category', value: '', event: 'change' });
    year.jump_ms = (await page.evaluate(jumpToRow, 1000)).ms;
    year.heap = await heap(m.cdp);
    year.wasm = await wasmMemory(page);
    return { sync, year };
  });
}

/** In the page: polls until the list says every incident is there and
 * IndexedDB holds every record; both times from the click on Sign in. */
async function waitForFirstSync({ incidents, records, timeout }) {
  const t0 = window.__benchT0;
  // Never opens a database the app has not made: an open without a version
  // would create an empty one and break the app's own upgrade.
  const count = async () => {
    const dbs = await indexedDB.databases();
    if (!dbs.some((d) => d.name === 'outpost' && d.version >= 2)) return 0;
    return new Promise((resolve) => {
      const open = indexedDB.open('outpost');
      open.onerror = () => resolve(0);
      open.onsuccess = () => {
        const db = open.result;
        const req = db.transaction('records').objectStore('records').count();
        req.onsuccess = () => { db.close(); resolve(req.result); };
        req.onerror = () => { db.close(); resolve(0); };
      };
    });
  };
  let listMs = null;
  let storedMs = null;
  let counted = 0;
  const deadline = performance.now() + timeout;
  while (performance.now() < deadline) {
    const el = document.querySelector('.list-count');
    if (listMs === null && el && el.textContent.trim() === `${incidents} incidents`) {
      listMs = performance.now() - t0;
    }
    // Counting 80,000 records costs the page real time: once a second.
    if (storedMs === null && performance.now() - counted >= 1000) {
      counted = performance.now();
      if ((await count()) >= records) storedMs = performance.now() - t0;
    }
    if (listMs !== null && storedMs !== null) return { list_ms: listMs, stored_ms: storedMs, ms: Math.max(listMs, storedMs) };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`first sync not done after ${timeout} ms: list says "${document.querySelector('.list-count')?.textContent}", ${await count()} of ${records} records stored`);
}

/** In the page: scrolls straight to row `n` and times until it is drawn. */
function jumpToRow(n) {
  return new Promise((resolve, reject) => {
    const list = document.querySelector('.incident-list');
    const rowHeight = list.firstElementChild?.getBoundingClientRect().height ?? 184;
    const before = list.firstElementChild?.querySelector('a')?.getAttribute('href');
    const observer = new MutationObserver(() => {
      const first = list.firstElementChild?.querySelector('a')?.getAttribute('href');
      if (first !== before) {
        observer.disconnect();
        resolve({ ms: performance.now() - t0 });
      }
    });
    observer.observe(list, { childList: true, subtree: true });
    setTimeout(() => { observer.disconnect(); reject(new Error('no rows drawn after the jump')); }, 10_000);
    const t0 = performance.now();
    window.scrollTo(0, list.offsetTop + n * rowHeight);
  });
}

async function pouchRun(data) {
  return withProfile(async (context, page) => {
    await page.route(`${POUCH}/_bench/**`, (route) => {
      const js = route.request().url().endsWith('.js');
      return route.fulfill({
        status: 200,
        contentType: js ? 'text/javascript' : 'text/html',
        body: js ? POUCH_JS : POUCH_HTML,
      });
    });
    const m = await meter(context, page, '/outpost');
    await page.goto(`${POUCH}/_bench/index.html`);
    await page.waitForFunction(() => typeof window.PouchDB === 'function');
    m.reset();
    const done = await page.evaluate(async (remote) => {
      const t0 = performance.now();
      const db = new window.PouchDB('outpost-bench');
      const result = await db.replicate.from(remote);
      const info = await db.info();
      return { ms: performance.now() - t0, docs: info.doc_count, adapter: db.adapter, written: result.docs_written };
    }, DB);
    if (done.docs !== data.records) throw new Error(`PouchDB holds ${done.docs} docs, expected ${data.records}`);
    return { ...done, bytes: m.bytes(), requests: m.requests(), heap: await heap(m.cdp), app_bytes: POUCH_JS.length };
  });
}

/** Letters whose search changes the list (some incidents match, not all),
 * and the category with the fewest incidents that still has 1,000. */
function probes(records) {
  const incidents = records.filter((r) => r.collection === 'incidents');
  const hay = incidents.map((r) => `${r.fields.title ?? ''}\n${r.fields.description ?? ''}`.toLowerCase());
  const letters = [...'zqxkjvwybgpfmh'].filter((l) => {
    const n = hay.filter((h) => h.includes(l)).length;
    return n > 0 && n < incidents.length;
  }).slice(0, 5);
  const byCategory = {};
  for (const r of incidents) byCategory[r.fields.category] = (byCategory[r.fields.category] ?? 0) + 1;
  const [category, count] = Object.entries(byCategory)
    .filter(([, n]) => n >= 1000)
    .sort((a, b) => a[1] - b[1])[0] ?? Object.entries(byCategory).sort((a, b) => b[1] - a[1])[0];
  return { letters, thousand: { category, count } };
}

const started = Date.now();
const { records, changes } = await exportOutpost(OUTPOST, USER);
const data = { ...describe(records), changes, ...probes(records) };
console.log(`bench: the server holds ${JSON.stringify(data)}`);
const loaded = POUCH_RUNS ? await loadPouch(DB, records) : 0;
console.log(`bench: loaded ${loaded} documents into pouchdb-server in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const out = { data, outpost: [], pouch: [] };
for (let run = 1; run <= RUNS; run += 1) {
  const o = await outpostRun(data, PROFILE && run === 1);
  out.outpost.push(o);
  console.log(`bench: run ${run}/${RUNS} Outpost: first sync ${o.sync.ms.toFixed(0)} ms (list ${o.sync.list_ms.toFixed(0)}, stored ${o.sync.stored_ms.toFixed(0)}), ${o.sync.bytes} bytes; open ${o.year.open_ms.toFixed(0)} ms, keystroke ${o.year.keystroke_ms.toFixed(1)} ms, ${data.thousand.count} rows ${o.year.rows_ms.toFixed(1)} ms`);
  if (!POUCH_RUNS) continue;
  const p = await pouchRun(data);
  out.pouch.push(p);
  console.log(`bench: run ${run}/${RUNS} PouchDB: replicated ${p.docs} docs in ${p.ms.toFixed(0)} ms, ${p.bytes} bytes (${p.adapter})`);
}
writeFileSync(process.env.BENCH_OUT, JSON.stringify(out, null, 1));
console.log(`bench: browser part took ${((Date.now() - started) / 1000).toFixed(0)} s`);
