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
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    total += e.encodedDataLength;
    if ((urls.get(e.requestId) ?? '').includes(part)) {
      matching += e.encodedDataLength;
      requests += 1;
    }
  });
  return {
    cdp,
    bytes: () => total,
    matching: () => matching,
    requests: () => requests,
    reset: () => { total = 0; matching = 0; requests = 0; },
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
