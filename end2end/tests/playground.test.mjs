// The server-less playground (Trunk's CSR build of the same app), served as static files.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openBrowser, outputDir, repoRoot, serveStatic } from './harness.mjs';
import { assertDragPans, assertExampleRendered, assertWheelZoomsAroundCursor } from './canvas.mjs';

const dist = process.env.SCAIFLOW_PLAYGROUND_DIR ?? join(repoRoot, 'target', 'playground');
let site;
let browser;

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `playground not built in ${dist} (run trunk build)`);
  site = await serveStatic(dist);
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await site?.stop();
});

test('the playground renders and edits the example flow without any server', async () => {
  const { page, errors } = browser;
  await page.goto(site.url, { waitUntil: 'load' });
  await page.waitForSelector('.editor[data-hydrated="true"]', { timeout: 60_000 });
  await assertExampleRendered(page);
  await assertDragPans(page);
  await assertWheelZoomsAroundCursor(page);
  await page.screenshot({ path: join(outputDir, 'playground.png') });
  assert.deepEqual(errors, []);
});
