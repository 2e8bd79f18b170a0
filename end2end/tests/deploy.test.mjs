// Deploying from the editor, against the server with its in-process ScaiGrid stand-in
// (SCAIFLOW_SCAIGRID_SIM=true, as the README's run command starts it): the toolbar shows the
// credential, the Deploy dialog walks through its stages, the toast names the Core and the
// flow panel lists the deployment; a redeploy with publishing names the published model.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { openBrowser, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ env: { SCAIFLOW_SCAIGRID_SIM: 'true' } });
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  assert.equal(await server?.stop(), 0);
});

beforeEach(() => {
  browser.errors.length = 0;
});

async function noticeMatching(page, pattern) {
  const handle = await page.waitForFunction((source) => {
    const el = document.querySelector('#notice');
    return el && new RegExp(source).test(el.textContent) ? el.textContent : null;
  }, pattern.source);
  return handle.jsonValue();
}

test('an example is saved, deployed with progress, and shows in the toast and the history', async () => {
  const { page, errors } = browser;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.evaluate(() => localStorage.clear());
  await page.goto(server.url + '/examples/customer-support', { waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  await page.waitForSelector('#grid-indicator.ok:has-text("sgk_")');
  assert.equal(await page.locator('#deploy').count(), 0, 'an unsaved flow cannot be deployed yet');

  await page.click('#save');
  await noticeMatching(page, /Saved version 1\.0\.0/);
  await page.click('#deploy');
  await page.waitForSelector('#deploy-dialog');
  const stages = await page.locator('#deploy-steps li').evaluateAll((els) => els.map((e) => e.dataset.stage));
  assert.deepEqual(stages, ['compiling', 'provisioning', 'creating'], 'the flow declares a ScaiQueue scope');
  await page.click('#deploy-start');
  const toast = await noticeMatching(page, /^Deployed core_id=/);
  assert.match(toast, /^Deployed core_id=core_[0-9a-f]+$/, 'not published: no suffix');
  assert.equal(await page.locator('#deploy-dialog').count(), 0, 'the dialog closes on success');

  // Nothing selected: the flow panel lists the deployment.
  await page.keyboard.press('Escape');
  const entry = page.locator('#deployment-history li[data-status="succeeded"]');
  await entry.first().waitFor();
  const coreId = toast.replace('Deployed core_id=', '');
  assert.match(await entry.first().textContent(), new RegExp(`v1\\.0\\.0[\\s\\S]*core_id=${coreId}`));

  // Redeploy, publishing this time: the same Core, now a chat model.
  await page.click('#deploy');
  await page.check('#deploy-publish');
  const withPublish = await page.locator('#deploy-steps li').evaluateAll((els) => els.map((e) => e.dataset.stage));
  assert.deepEqual(withPublish, ['compiling', 'provisioning', 'creating', 'publishing']);
  await page.click('#deploy-start');
  const published = await noticeMatching(page, /published as/);
  assert.equal(published, `Deployed core_id=${coreId} — published as scaicore/demo/customer-support`);
  await page.waitForFunction(() => document.querySelectorAll('#deployment-history li').length === 2);
  assert.match(await page.locator('#deployment-history li').first().textContent(), /published as scaicore\/demo\/customer-support/);

  // The server recorded both, newest first.
  const flowId = new URL(page.url()).pathname.split('/').pop();
  const res = await fetch(`${server.url}/api/v1/flows/${flowId}/deployments`);
  const body = await res.json();
  assert.deepEqual(body.items.map((d) => d.status), ['succeeded', 'succeeded']);
  assert.deepEqual(errors, []);
});

test('a deploy ScaiGrid refuses shows the failed stage and the error in the dialog', async () => {
  const { page, errors } = browser;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.evaluate(() => localStorage.clear());
  await page.goto(server.url + '/examples/customer-support', { waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  // A flow naming an undeclared model role saves (work in progress may be incomplete) but
  // does not compile.
  await page.click('#save');
  await noticeMatching(page, /Saved version/);
  const flowId = new URL(page.url()).pathname.split('/').pop();
  const flow = await (await fetch(`${server.url}/api/v1/flows/${flowId}`)).json();
  flow.content.nodes.find((n) => n.id === 'node_classify').config.llm_role = 'fastt';
  const put = await fetch(`${server.url}/api/v1/flows/${flowId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-match': `"${flow.version}"` },
    body: JSON.stringify({ content: flow.content }),
  });
  assert.equal(put.status, 200, await put.text());
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]');
  await page.click('#deploy');
  await page.click('#deploy-start');
  await page.waitForSelector('#deploy-error');
  assert.match(await page.textContent('#deploy-error'), /does not compile/);
  assert.equal(await page.getAttribute('#deploy-steps li[data-stage="compiling"]', 'data-state'), 'failed');
  assert.equal(await page.textContent('#deploy-start'), 'Try again');
  await page.click('#deploy-cancel');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#deployment-history li[data-status="failed"]:has-text("compile_error")');
  // The refused deploy itself is the one failed request the browser logs.
  assert.deepEqual(errors.filter((e) => !e.includes('status of 400')), []);
});
