// Deploying from the editor, against the server with its in-process ScaiGrid stand-in
// (SCAIFLOW_SCAIGRID_SIM=true, as the README's run command starts it): the toolbar shows the
// credential; the Deploy dialog checks the version first, walks through its stages and shows
// the result until it is closed; the toast names the Core and links to the flow panel's
// history, where a redeploy of the same version says so.

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
    const el = document.querySelector('#notice .toast-text');
    return el && new RegExp(source).test(el.textContent) ? el.textContent : null;
  }, pattern.source);
  return handle.jsonValue();
}

async function openSavedExample(page) {
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.evaluate(() => localStorage.clear());
  await page.goto(server.url + '/examples/customer-support', { waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  await page.click('#save');
  await noticeMatching(page, /Saved version/);
  return new URL(page.url()).pathname.split('/').pop();
}

/** The stage states of the dialog, as `stage:state`. */
async function steps(page) {
  return page.locator('#deploy-steps li').evaluateAll((els) => els.map((e) => `${e.dataset.stage}:${e.dataset.state}`));
}

test('an example is deployed; every stage shows done, the result stays until closed, the toast links to the history', async () => {
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
  assert.equal(await page.locator('#deploy-problems').count(), 0, 'the saved version compiles');
  assert.deepEqual(await steps(page), ['compiling:waiting', 'provisioning:waiting', 'creating:waiting']);
  await page.click('#deploy-start');
  const toast = await noticeMatching(page, /^Deployed core_id=/);
  assert.match(toast, /^Deployed core_id=core_[0-9a-f]+$/, 'not published: no suffix');
  // The dialog stays, every stage done, with the result.
  await page.waitForSelector('#deploy-result');
  assert.deepEqual(await steps(page), ['compiling:done', 'provisioning:done', 'creating:done']);
  assert.match(await page.textContent('#deploy-result'), new RegExp(toast));
  await page.waitForTimeout(600);
  assert.equal(await page.locator('#deploy-dialog').count(), 1, 'it does not close by itself');
  await page.click('#deploy-cancel');
  await page.waitForSelector('#deploy-dialog', { state: 'detached' });

  // The toast's link opens the flow panel at the deployment.
  await page.click('#notice .toast-link');
  const entry = page.locator('#deployment-history li[data-status="succeeded"]');
  await entry.first().waitFor();
  const coreId = toast.replace('Deployed core_id=', '');
  assert.match(await entry.first().textContent(), new RegExp(`v1\\.0\\.0[\\s\\S]*core_id=${coreId}`));
  assert.ok(await entry.first().isVisible(), 'the entry is in view');

  // Redeploy the same version, publishing this time: the same Core, now a chat model; the
  // history tells the two apart.
  await page.click('#deploy');
  await page.check('#deploy-publish');
  assert.deepEqual((await steps(page)).map((s) => s.split(':')[0]), ['compiling', 'provisioning', 'creating', 'publishing']);
  await page.click('#deploy-start');
  const published = await noticeMatching(page, /published as/);
  assert.equal(published, `Deployed core_id=${coreId} — published as scaicore/demo/customer-support`);
  await page.waitForSelector('#deploy-result:has-text("Redeployed version 1.0.0")');
  assert.deepEqual(await steps(page), ['compiling:done', 'provisioning:done', 'creating:done', 'publishing:done']);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#deploy-dialog', { state: 'detached' });
  await page.waitForFunction(() => document.querySelectorAll('#deployment-history li').length === 2);
  const rows = await page.locator('#deployment-history li .deployment-head').allTextContents();
  assert.match(rows[0], /redeployed v1\.0\.0 · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  assert.doesNotMatch(rows[1], /redeployed/);
  assert.match(await page.locator('#deployment-history li').first().textContent(), /published as scaicore\/demo\/customer-support/);

  // The server recorded both, newest first.
  const flowId = new URL(page.url()).pathname.split('/').pop();
  const body = await (await fetch(`${server.url}/api/v1/flows/${flowId}/deployments`)).json();
  assert.deepEqual(body.items.map((d) => d.status), ['succeeded', 'succeeded']);
  assert.deepEqual(errors, []);
});

test('a version with errors is stopped before deploying, with its errors one click away', async () => {
  const { page, errors } = browser;
  const flowId = await openSavedExample(page);
  // A flow naming an undeclared model role saves (work in progress may be incomplete) but
  // does not compile.
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
  await page.waitForSelector('#deploy-problems');
  assert.match(await page.textContent('#deploy-problems'), /1 error and cannot be deployed/);
  assert.match(await page.textContent('#deploy-problems .diagnostic'), /llm_role='fastt' is not declared/);
  assert.ok(await page.isDisabled('#deploy-start'), 'nothing is started');
  await page.click('#deploy-open-diagnostics');
  await page.waitForSelector('#deploy-dialog', { state: 'detached' });
  await page.waitForSelector('#preview .preview-tab[data-tab="diagnostics"][aria-selected="true"]');
  await page.waitForSelector('#diagnostics .diagnostic[data-target="node_classify"]');
  const listed = await (await fetch(`${server.url}/api/v1/flows/${flowId}/deployments`)).json();
  assert.equal(listed.items.length, 0, 'no deploy was attempted');
  assert.deepEqual(errors, []);
});

test('a deploy ScaiGrid refuses shows the failed stage and the error in the dialog', async () => {
  const { page, errors } = browser;
  await openSavedExample(page);
  // ScaiQueue refuses the provisioning (answered here in the server's documented shape).
  await page.route('**/api/v1/flows/*/deploy', (route) => route.fulfill({
    status: 502,
    contentType: 'application/json',
    body: JSON.stringify({ detail: { error: 'scaiqueue_provision_failed', message: 'slug taken', scope: 'support', queue: 'review' } }),
  }));
  await page.click('#deploy');
  await page.click('#deploy-start');
  await page.waitForSelector('#deploy-error');
  assert.match(await page.textContent('#deploy-error'), /slug taken/);
  assert.equal(await page.getAttribute('#deploy-steps li[data-stage="provisioning"]', 'data-state'), 'failed');
  assert.equal(await page.getAttribute('#deploy-steps li[data-stage="compiling"]', 'data-state'), 'done');
  assert.equal(await page.textContent('#deploy-start'), 'Try again');
  await page.unroute('**/api/v1/flows/*/deploy');
  await page.click('#deploy-cancel');
  // The refused request itself is the one failed request the browser logs.
  assert.deepEqual(errors.filter((e) => !e.includes('502')), []);
});
