// In-page measurements shared by the bench: bytes on the wire from the
// DevTools protocol, JS heap after a full GC, the wasm memory, and the time
// from a dispatched event to the DOM change it causes.

/** Sums `encodedDataLength` of every finished response (headers and body as
 * they crossed the wire); `matching()` only those whose URL contains `part`. */
export async function meter(context, page, part) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  let total = 0;
  let matching = 0;
  let requests = 0;
  // Per matching request: sent, first byte and last byte, in seconds.
  const times = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    urls.set(e.requestId, e.request.url);
    if (e.request.url.includes(part)) times.set(e.requestId, { sent: e.timestamp });
  });
  cdp.on('Network.responseReceived', (e) => {
    const t = times.get(e.requestId);
    if (t) t.first = e.timestamp;
  });
  cdp.on('Network.loadingFinished', (e) => {
    total += e.encodedDataLength;
    if ((urls.get(e.requestId) ?? '').includes(part)) {
      matching += e.encodedDataLength;
      requests += 1;
      const t = times.get(e.requestId);
      if (t) t.done = e.timestamp;
    }
  });
  return {
    cdp,
    bytes: () => total,
    matching: () => matching,
    requests: () => requests,
    timeline: () => timeline([...times.values()].filter((t) => t.done)),
    reset: () => { total = 0; matching = 0; requests = 0; times.clear(); },
  };
}

/** Where a run of requests spent its time, in ms: waiting for the answer's
 * first byte, receiving it, and between one answer and the next request
 * (the page's own work). */
function timeline(requests) {
  requests.sort((a, b) => a.sent - b.sent);
  for (const t of requests) t.first = Math.min(t.first ?? t.done, t.done);
  const sum = (f) => Math.round(requests.reduce((n, t, i) => n + f(t, i), 0) * 1000);
  return {
    requests: requests.length,
    waiting_ms: sum((t) => t.first - t.sent),
    receiving_ms: sum((t) => t.done - t.first),
    between_ms: sum((t, i) => (i > 0 ? Math.max(0, t.sent - requests[i - 1].done) : 0)),
  };
}

/** The page's JS heap in use after a full garbage collection, in bytes. */
export async function heap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

/** The size of the app's WebAssembly memory (not part of the JS heap): the
 * wasm-bindgen glue's init returns the instance it already made. */
export async function wasmMemory(page) {
  return page.evaluate(async () => {
    const href = document.querySelector('link[rel=modulepreload]')?.getAttribute('href');
    if (!href) return null;
    const glue = await import(href);
    const wasm = await glue.default();
    return wasm?.memory?.buffer?.byteLength ?? null;
  });
}

/** In the page: how many records the app's IndexedDB holds. */
export async function idbRecordCount() {
  const dbs = await indexedDB.databases();
  if (!dbs.some((d) => d.name === 'outpost')) return 0;
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
}

/** In the page: sets a control's value, dispatches `event`, and times until
 * the list's count changes (a MutationObserver sees the DOM update). */
export function dispatchAndTime({ selector, value, event }) {
  return new Promise((resolve, reject) => {
    const text = () => document.querySelector('.list-count')?.textContent ?? '';
    const before = text();
    const el = document.querySelector(selector);
    if (!el) { reject(new Error(`no ${selector} on the page`)); return; }
    if (el.value === value) { resolve({ ms: 0, text: before, unchanged: true }); return; }
    const observer = new MutationObserver(() => {
      if (text() !== before) {
        observer.disconnect();
        resolve({ ms: performance.now() - t0, text: text() });
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    setTimeout(() => { observer.disconnect(); reject(new Error(`the list did not change after ${selector} = "${value}"`)); }, 10_000);
    const t0 = performance.now();
    el.value = value;
    el.dispatchEvent(new Event(event, { bubbles: true }));
  });
}
