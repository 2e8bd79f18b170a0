// The tenant Settings page against the real server: the ScaiGrid credential is stored in the
// server's secret store and shown masked.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  assert.equal(await server?.stop(), 0);
});

test('an admin sets the tenant ScaiGrid credential and sees it masked', async () => {
  const { page, errors } = browser;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.waitForSelector('.home-main[data-ready="true"]', { timeout: 60_000 });
  await page.click('#settings-link');
  await page.waitForSelector('.settings[data-ready="true"]');
  await page.waitForSelector('#grid-status:has-text("Not configured")');

  await page.fill('#grid-api-key', 'sgk_abcdefghijklmnop1234');
  await page.fill('#grid-base-url', 'https://grid.example.test/');
  await page.click('#grid-save');
  await page.waitForSelector('#grid-outcome:has-text("Saved.")');
  await page.waitForSelector('#grid-status:has-text("https://grid.example.test with key sgk_…1234")');
  assert.equal(await page.inputValue('#grid-api-key'), '', 'the key is not kept in the page');

  // It stays after a reload, and the API never returns the key itself.
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#grid-status:has-text("sgk_…1234")');
  const res = await fetch(`${server.url}/api/v1/tenants/me/scaigrid_credentials`);
  const text = await res.text();
  assert.ok(!text.includes('abcdefgh'), text);
  assert.deepEqual(errors, []);
});

test('the admin page lists the user mirror and runs the ScaiKey sync', async () => {
  const { page, errors } = browser;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.waitForSelector('.home-main[data-ready="true"]');
  await page.click('#admin-link');
  await page.waitForSelector('.admin[data-ready="true"]');
  await page.waitForSelector('#admin-users tr[data-user="usr_local"]');
  assert.match(await page.textContent('#admin-users tr[data-user="usr_local"] .role'), /super_admin/);
  assert.equal(await page.textContent('#users-title'), 'Users of every tenant');
  // Without ScaiKey the sync has nothing to ask and says so.
  await page.click('#sync-now');
  await page.waitForSelector('#sync-stats');
  const stats = await page.textContent('#sync-stats');
  assert.match(stats, /skipped reason\s*credentials_missing/);
  assert.match(stats, /users seen\s*0/);
  assert.deepEqual(errors, []);
});
