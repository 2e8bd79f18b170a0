// The server-rendered editor, hydrated by the WASM bundle, in headless Chromium against the real
// `scaiflow-server` binary.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { openBrowser, outputDir, parseTransform, startServer } from './harness.mjs';
import { assertDragPans, assertExampleRendered, assertWheelZoomsAroundCursor } from './canvas.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  const code = await server?.stop();
  assert.equal(code, 0, 'the server exits cleanly on SIGTERM');
  assert.ok(server.logs.some((l) => l.includes('shutting down')), 'the shutdown is logged');
});

test('the editor renders the example flow and hydrates', async () => {
  const { page, errors } = browser;
  const response = await page.goto(server.url, { waitUntil: 'load' });
  assert.equal(response.status(), 200);
  // Server-rendered first: the cards are in the HTML before any WASM runs.
  const html = await response.text();
  assert.ok(html.includes('data-node-id="node_classify"'));
  assert.ok(html.includes('data-hydrated="false"'));

  // Effects only run in the browser, after hydration.
  await page.waitForSelector('.editor[data-hydrated="true"]', { timeout: 60_000 });
  await assertExampleRendered(page);
  assert.deepEqual(errors, []);
});

test('clicking a node selects it and the zoom buttons work (only WASM handles these)', async () => {
  const { page, errors } = browser;
  await page.click('.node[data-node-id="node_kb"] .node-card');
  await page.waitForSelector('.node.selected[data-node-id="node_kb"]');

  const level = async () => Number((await page.textContent('#zoom-level')).replace('%', ''));
  const k = parseTransform(await page.getAttribute('#flow-canvas g.viewport', 'transform')).k;
  assert.equal(await level(), Math.round(k * 100));
  await page.click('#zoom-in');
  await page.waitForFunction((before) => document.querySelector('#zoom-level').textContent !== before, `${Math.round(k * 100)}%`);
  assert.equal(await level(), Math.round(k * 1.2 * 100));
  await page.click('#zoom-fit');
  await page.waitForFunction((before) => document.querySelector('#zoom-level').textContent === before, `${Math.round(k * 100)}%`);
  assert.deepEqual(errors, []);
});

test('a background drag pans and clears the selection', async () => {
  const { page, errors } = browser;
  await assertDragPans(page);
  assert.equal(await page.locator('.node.selected').count(), 0);
  assert.deepEqual(errors, []);
});

test('the wheel zooms around the cursor', async () => {
  const { page, errors } = browser;
  await assertWheelZoomsAroundCursor(page);
  await page.click('#zoom-fit');
  await page.screenshot({ path: join(outputDir, 'editor.png') });
  assert.deepEqual(errors, []);
});

test('health is reported by the running server', async () => {
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.equal(body.checks.database.backend, 'sqlite');
  assert.equal(body.checks.object_store.backend, 'file');
});
