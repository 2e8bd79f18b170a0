// The server-less playground (Trunk's CSR build of the same app), served as static files.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openBrowser, outputDir, repoRoot, serveStatic } from './harness.mjs';
import {
  assertDragPans, assertExampleRendered, assertScrollPans, assertWheelZoomsAroundCursor, draftFlow,
  waitForCounts,
} from './canvas.mjs';

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

test('the playground opens an example and edits it without any server', async () => {
  const { page, errors } = browser;
  await page.goto(site.url, { waitUntil: 'load' });
  await page.waitForSelector('.home-main[data-ready="true"]', { timeout: 60_000 });
  assert.match(await page.textContent('#playground-notice'), /runs without a server/);
  assert.equal(await page.locator('#flow-search').count(), 0, 'nothing to search without a server');

  await page.click('a[data-example="customer-support"]');
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  await assertExampleRendered(page);
  await assertDragPans(page);
  await assertScrollPans(page);
  await assertWheelZoomsAroundCursor(page);
  await page.screenshot({ path: join(outputDir, 'playground.png') });

  // An edit is kept as a draft in this browser and survives a reload.
  await page.click('#zoom-fit');
  await page.click('.palette-item[data-kind="data_variable_set"]');
  await waitForCounts(page, 8, 6);
  // The new node's form is in the properties panel; its edits need no server either.
  await page.waitForSelector('#properties .node-form[data-kind="data_variable_set"]');
  await page.locator('#cfg-assignments .pair-add').click();
  await page.locator('#cfg-assignments .pair[data-key="name"] .pair-value').fill('{{message.text}}');
  await draftFlow(page, (f) => f.nodes[7].config.assignments?.name === '{{message.text}}');
  // With nothing selected the flow's properties show; the Model Picker explains it has no server.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Escape');
  await page.waitForSelector('#model-picker-note:has-text("without a server")');
  const edited = await draftFlow(page, (f) => f.nodes.length === 8);
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  await waitForCounts(page, 8, 6);
  assert.match(await page.textContent('#draft-notice'), /Restored/);

  // Save is Export here: the flow downloads as a FlowGraph file.
  assert.equal((await page.textContent('#save')).trim(), 'Export');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  assert.equal(download.suggestedFilename(), 'customer-support.flow.json');
  const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(saved.id, edited.id);
  assert.equal(saved.nodes.length, 8);
  assert.equal(saved.edges.length, 6);
  assert.deepEqual(errors, []);
});
