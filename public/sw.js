/* Outpost's service worker: keeps the app shell on the tablet so the app opens
   with no network. `cargo xtask dist` replaces the two placeholders below with
   the bundle's version and the list of files to precache; this file keeps its
   name (and is served no-cache) so the browser notices a new version.

   - hashed assets (and the rest of the precache list): cache first;
   - page navigations (any app route): network first, the cached index.html
     when the network does not answer;
   - /api/: never cached, always the network.

   A new version installs next to the running one and waits; the app shows
   "A new version is ready" and only when the person taps Reload does it post
   "skip-waiting", so code is never swapped under someone mid-edit. */

const VERSION = '__OUTPOST_VERSION__';
const PRECACHE = __OUTPOST_PRECACHE__;
const CACHE = `outpost-shell-${VERSION}`;
const SHELL = '/index.html';
/* A navigation that gets no answer within this long falls back to the cache,
   so a link that is up but hopeless does not leave the person staring. */
const NAVIGATION_TIMEOUT_MS = 5000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((path) => new Request(path, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(names.filter((n) => n.startsWith('outpost-shell-') && n !== CACHE).map((n) => caches.delete(n))),
    ),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function navigation(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok) return response;
    const shell = await cache.match(SHELL);
    return shell ?? response;
  } catch (_offline) {
    const shell = await cache.match(SHELL);
    if (shell) return shell;
    return new Response(
      'Outpost is not on this tablet yet: open it once with the network on.',
      { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } },
    );
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  return fetch(request);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}
