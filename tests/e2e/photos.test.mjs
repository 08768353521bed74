// Photos between two tablets: tablet A, offline, logs an incident with a
// photo on the quick log and adds a second on the incident page; both are
// shrunk to JPEGs whose longest side is 1600 px and wait to upload. A file
// that is not an image, or is too large, is refused in words and stores
// nothing. Online, A syncs and the bytes reach the server. Tablet B syncs,
// opens the incident offline and reads "Photo not downloaded yet", then
// online sees both thumbnails load, and opens one full screen. Screenshots
// at both sizes.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  BASE_URL,
  control,
  eventually,
  launch,
  openIncident,
  pressSyncNow,
  SCREENSHOT_DIR,
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
let incidentId;

const step = (name, body) => runStep('photos', name, () => [a, b], body);

const button = (page, name) => page.getByRole('button', { name, exact: true });
const statusArea = (page) => page.getByRole('status').first();
const photosSection = (page) => page.locator('section[aria-labelledby="photos-heading"]');

/** A PNG of `width` × `height` drawn in the page (gradient and blocks, so it
 * compresses like a picture rather than a flat colour), as bytes. */
async function pngOf(page, width, height) {
  const base64 = await page.evaluate(async ([w, h]) => {
    const canvas = new OffscreenCanvas(w, h);
    const g = canvas.getContext('2d');
    const gradient = g.createLinearGradient(0, 0, w, h);
    gradient.addColorStop(0, '#2a6f97');
    gradient.addColorStop(1, '#f4a261');
    g.fillStyle = gradient;
    g.fillRect(0, 0, w, h);
    for (let i = 0; i < 600; i++) {
      g.fillStyle = `hsl(${(i * 37) % 360} 55% ${30 + (i % 5) * 10}%)`;
      g.fillRect((i * 97) % w, (i * 53) % h, 40 + (i % 7) * 30, 30 + (i % 5) * 35);
    }
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, [width, height]);
  return Buffer.from(base64, 'base64');
}

/** Every blob in the tablet's IndexedDB, with its decoded size, and the
 * uploads still queued. */
async function storedPhotos(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('outpost');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = (store) =>
      new Promise((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const blobs = [];
    for (const b of await all('blobs')) {
      const bitmap = await createImageBitmap(new Blob([b.bytes], { type: b.mime }));
      blobs.push({ sha256: b.sha256, mime: b.mime, size: b.bytes.length, width: bitmap.width, height: bitmap.height });
    }
    const uploads = await all('uploads');
    const session = await new Promise((resolve) => {
      const r = db.transaction('meta').objectStore('meta').get('session');
      r.onsuccess = () => resolve(r.result);
    });
    db.close();
    return { blobs, uploads, token: session?.token };
  });
}

/** Thumbnails whose image has decoded (naturalWidth > 0). */
const loadedThumbs = (page) =>
  page.locator('.photo-thumb img').evaluateAll((imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);

describe('photos: taken offline, uploaded, seen on another tablet', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    const [ana, ben] = users();
    browser = await launch();
    a = await tablet(browser, 'A');
    b = await tablet(browser, 'B');
    await signIn(a, ana);
    await signIn(b, ben);
  });

  after(async () => {
    await browser?.close();
  });

  test('a photo taken offline is shrunk, kept, uploaded and shown on another tablet', async () => {
    const landscape = await pngOf(a.page, 3200, 2400);
    const portrait = await pngOf(a.page, 2400, 3200);
    console.log(`input PNGs: ${landscape.length} bytes (3200×2400), ${portrait.length} bytes (2400×3200)`);

    await step('quick-log', async () => {
      const { page, context } = a;
      await context.setOffline(true);
      await control(page, 'New incident').click();
      await setField(page, 'Title', `Cracked weld on tank 4 ${run}`);
      await setField(page, 'Category', { text: /equipment/i, value: 'equipment_failure' });
      await setField(page, 'Site', `Photo yard ${run}`);
      // The camera control is a labelled file input; a test hands it a file.
      const input = page.locator('input[type=file][accept="image/*"]');
      assert.equal(await input.getAttribute('capture'), 'environment');
      await input.setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: landscape });
      await page.getByText('Photo IMG_0001.jpg added').waitFor();
      await page.getByRole('img', { name: 'Photo IMG_0001.jpg' }).waitFor();
      for (const [w, h] of [[768, 1024], [1024, 768]]) {
        await page.setViewportSize({ width: w, height: h });
        await screenshot(page, `photos-quick-log-${w}x${h}`);
      }
      await page.setViewportSize({ width: 768, height: 1024 });
      await button(page, 'Save').click();
      await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
      incidentId = page.url().split('/').pop();
      await page.locator('.timeline').getByText('Photo added').first().waitFor();
      await eventually('the quick-log photo shows on the incident', async () => (await loadedThumbs(page)) === 1);
    });

    await step('incident-page', async () => {
      const { page } = a;
      const input = page.locator('#photo-input');
      await input.setInputFiles({ name: 'tank-side.png', mimeType: 'image/png', buffer: portrait });
      await page.getByText('Photo tank-side.jpg saved on this tablet').waitFor();
      await eventually('both photos show on tablet A', async () => (await loadedThumbs(page)) === 2);
      await statusArea(page).getByText('2 photos waiting to upload').waitFor();

      // Not an image: a sentence, and nothing stored.
      const before = await storedPhotos(page);
      await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
      const alert = page.getByRole('alert').filter({ hasText: '“notes.txt” is not a photo' });
      await alert.waitFor();
      assert.match(await alert.innerText(), /Nothing was saved/);
      // Larger than any camera photo: refused before it is even decoded.
      const huge = Buffer.alloc(41 * 1024 * 1024, 0xff);
      await input.setInputFiles({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: huge });
      const tooLarge = page.getByRole('alert').filter({ hasText: '“huge.jpg” is too large (41.0 MB)' });
      await tooLarge.waitFor();
      assert.match(await tooLarge.innerText(), /the largest photo this tablet takes is 40\.0 MB\. Nothing was saved\./);
      const afterRefusal = await storedPhotos(page);
      assert.equal(afterRefusal.blobs.length, before.blobs.length, 'no bytes stored for a refused file');
      assert.equal(afterRefusal.uploads.length, before.uploads.length, 'no upload queued for a refused file');
      assert.equal(await page.locator('.photo-grid .photo-item').count(), 2);

      const { blobs, uploads } = afterRefusal;
      assert.equal(blobs.length, 2);
      assert.equal(uploads.length, 2);
      for (const blob of blobs) {
        assert.equal(blob.mime, 'image/jpeg');
        assert.equal(Math.max(blob.width, blob.height), 1600, `longest side of ${JSON.stringify(blob)}`);
        assert.equal(Math.min(blob.width, blob.height), 1200);
        console.log(`stored JPEG: ${blob.width}×${blob.height}, ${blob.size} bytes`);
      }
      for (const [w, h] of [[768, 1024], [1024, 768]]) {
        await page.setViewportSize({ width: w, height: h });
        await screenshot(page, `photos-offline-${w}x${h}`);
        await photosSection(page).screenshot({ path: join(SCREENSHOT_DIR, `photos-section-offline-${w}x${h}.png`) });
      }
      await page.setViewportSize({ width: 768, height: 1024 });
    });

    await step('upload', async () => {
      const { page, context } = a;
      await context.setOffline(false);
      await syncAllSent(a);
      await eventually('no photo waits to upload on A', async () => {
        const text = await statusArea(page).innerText();
        return !/photos? waiting to upload/.test(text);
      }, { between: () => pressSyncNow(page) });
      const { blobs, uploads, token } = await storedPhotos(page);
      assert.equal(uploads.length, 0, 'every upload done');
      for (const blob of blobs) {
        const answer = await fetch(`${BASE_URL}/api/v1/blobs/${blob.sha256}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        assert.equal(answer.status, 200, `server has ${blob.sha256}`);
        assert.equal((await answer.arrayBuffer()).byteLength, blob.size);
      }
    });

    await step('other-tablet', async () => {
      const { page, context } = b;
      await syncAllSent(b);
      await eventually('B has the incident', async () => {
        await pressSyncNow(page);
        return (await page.locator(`a[href$="/incidents/${incidentId}"]`).count()) > 0;
      });
      // Offline, the records are here but the bytes are not: words, no broken image.
      await context.setOffline(true);
      await openIncident(page, incidentId);
      await page.getByText('Photo not downloaded yet').first().waitFor();
      assert.equal(await page.locator('.photo-thumb img').count(), 0);
      await screenshot(page, 'photos-not-downloaded-768x1024');
      await photosSection(page).screenshot({ path: join(SCREENSHOT_DIR, 'photos-section-not-downloaded.png') });

      await context.setOffline(false);
      await eventually('both photos load on tablet B', async () => (await loadedThumbs(page)) === 2);
      const names = await page.locator('.photo-thumb img').evaluateAll((imgs) => imgs.map((i) => i.alt));
      assert.ok(names.some((n) => n.startsWith('Photo IMG_0001.jpg, added')), names.join(', '));

      await page.getByRole('button', { name: /^Open Photo tank-side\.jpg/ }).click();
      const viewer = page.getByRole('dialog');
      await viewer.waitFor();
      assert.ok(await viewer.locator('img').evaluate((i) => i.naturalHeight === 1600));
      // The view is fixed to the screen: a picture of the screen, not the page.
      for (const [w, h] of [[768, 1024], [1024, 768]]) {
        await page.setViewportSize({ width: w, height: h });
        await page.screenshot({ path: join(SCREENSHOT_DIR, `photos-viewer-${w}x${h}.png`) });
      }
      await button(page, 'Close').click();
      await viewer.waitFor({ state: 'detached' });
      for (const [w, h] of [[768, 1024], [1024, 768]]) {
        await page.setViewportSize({ width: w, height: h });
        await screenshot(page, `photos-incident-${w}x${h}`);
        await photosSection(page).screenshot({ path: join(SCREENSHOT_DIR, `photos-section-${w}x${h}.png`) });
      }
      await page.setViewportSize({ width: 768, height: 1024 });
      // A reporter may not change a manager's incident, so B has no Add photo.
      assert.equal(await page.locator('#photo-input').count(), 0);
    });

    // Offline fetches log network errors; a panic or page error would be a bug.
    for (const t of [a, b]) {
      assert.deepEqual(t.problems.filter((p) => p.startsWith('page error') || /panicked/.test(p)), []);
    }
  });
});
