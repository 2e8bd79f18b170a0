// ScaiKey sign-in in the browser against a real OpenID provider on loopback: the
// authorization-code + PKCE flow through the server's exchange, API calls with the issued
// token, silent and on-demand refresh, tenants kept apart, sign-out, and a forged callback.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startProvider, loginForm } from '../oidc/provider.mjs';
import { freePort, openBrowser, repoRoot, startServer } from './harness.mjs';

const example = JSON.parse(
  readFileSync(join(repoRoot, 'crates', 'flow-model', 'flows', 'hello-world.flow.json'), 'utf8'));

const CLIENT_ID = 'scaiflow-e2e';
const CLIENT_SECRET = 'e2e-client-secret';
// Short-lived access tokens, so the browser's refresh (a minute before expiry) comes quickly.
const ACCESS_TOKEN_TTL = 66;

let provider;
let server;
// The server's database, which the admin command-line opens too.
const dataDir = mkdtempSync(join(tmpdir(), 'scaiflow-auth-'));
const dbUrl = `sqlite://${join(dataDir, 'scaiflow.db')}`;

before(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  provider = await startProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${origin}/auth/callback`],
    postLogoutRedirectUris: [`${origin}/`],
    accessTokenTtl: ACCESS_TOKEN_TTL,
  });
  server = await startServer({
    env: {
      SCAIFLOW_API_PORT: String(port),
      SCAIFLOW_PUBLIC_URL: origin,
      SCAIKEY_BASE_URL: provider.issuer,
      SCAIFLOW_SCAIKEY_CLIENT_ID: CLIENT_ID,
      SCAIFLOW_SCAIKEY_CLIENT_SECRET: CLIENT_SECRET,
      SCAIFLOW_SCAIKEY_SCOPES: 'openid profile email offline_access scaicore:view scaicore:manage',
      SCAIFLOW_DB_URL: dbUrl,
    },
  });
});

after(async () => {
  assert.equal(await server?.stop(), 0);
  await provider?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `scaiflow-server admin ...` on the server's database. */
function adminCommand(...args) {
  const binary = process.env.SCAIFLOW_SERVER_BIN;
  return execFileSync(binary, ['admin', ...args], {
    env: { PATH: process.env.PATH, SCAIFLOW_DB_URL: dbUrl, SCAIFLOW_LOG: 'warn' },
    cwd: dataDir,
    encoding: 'utf8',
  });
}

/** The tab's stored tokens. */
async function session(page) {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem('scaiflow_session') ?? 'null'));
}

/** Signs `login` in from the flows page; resolves once the toolbar shows the account. */
async function signIn(page, login) {
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.waitForSelector('.home-main[data-ready="true"]', { timeout: 60_000 });
  await page.click('#sign-in');
  await page.waitForURL((url) => url.href.startsWith(provider.issuer));
  await page.fill(loginForm.login, login);
  await page.fill(loginForm.password, 'any password');
  await page.click(loginForm.submit);
  await page.waitForURL(server.url + '/');
  await page.waitForSelector('#account');
}

/** An API call from the page with its stored token. */
async function call(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const { access_token } = JSON.parse(sessionStorage.getItem('scaiflow_session'));
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  }, { method, path, body });
}

test('signing in goes through ScaiKey and the server, and the token opens the API', async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    // Signed out, the API refuses and the toolbar offers to sign in.
    const anonymous = await fetch(`${server.url}/api/v1/flows`);
    assert.equal(anonymous.status, 401);
    const config = await (await fetch(`${server.url}/api/v1/auth/config`)).json();
    assert.equal(config.auth_mode, 'scaikey');
    assert.ok(!JSON.stringify(config).includes(CLIENT_SECRET), 'the secret stays on the server');

    await page.goto(server.url + '/', { waitUntil: 'load' });
    await page.waitForSelector('#flows-signed-out');
    await signIn(page, 'alice@acme.example');
    assert.equal(await page.locator('#flows-signed-out').count(), 0);
    assert.equal(await page.textContent('#account .account-name'), 'alice');
    assert.equal(await page.textContent('#account .account-tenant'), 'acme');
    assert.ok(!page.url().includes('code='), 'the code is gone from the address bar');
    const stored = await session(page);
    assert.ok(stored.access_token && stored.refresh_token, 'tokens are kept in the tab');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('scaiflow_pkce')), null, 'the verifier is used once');

    const me = await call(page, 'GET', '/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.sub, 'alice@acme.example');
    assert.equal(me.json.tenant_id, 'tnt_acme');
    assert.equal(me.json.email, 'alice@acme.example');
    assert.deepEqual(me.json.permissions, ['scaicore:view', 'scaicore:manage']);

    // A flow saved with the token is alice's, listed on her flows page.
    const created = await call(page, 'POST', '/api/v1/flows', { name: 'Alice support flow', content: example });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('text=Alice support flow');

    // The page reaches the API through the editor too: open the flow and save a change.
    await page.click('text=Alice support flow');
    await page.waitForSelector('.editor[data-ready="true"]');
    await page.waitForSelector('#account');
    await page.fill('#flow-name', 'Alice support flow v2');
    await page.press('#flow-name', 'Enter');
    await page.click('#save');
    await page.waitForFunction(() => document.querySelector('#flow-version')?.textContent === 'v1.0.1');
    const saved = await call(page, 'GET', `/api/v1/flows/${created.json.id}`);
    assert.equal(saved.json.name, 'Alice support flow v2');
  } finally {
    await browser.close();
  }
});

test('a flow shared with view access opens read-only', async () => {
  const owner = await openBrowser();
  const viewer = await openBrowser();
  try {
    await signIn(owner.page, 'grace@acme.example');
    await signIn(viewer.page, 'heidi@acme.example');
    const created = await call(owner.page, 'POST', '/api/v1/flows', { name: 'Grace shared flow', content: example });
    assert.equal(created.status, 201);
    const id = created.json.id;
    assert.equal((await call(viewer.page, 'GET', `/api/v1/flows/${id}`)).status, 404, 'not shared yet');
    // The owner shares it from the editor's Share dialog.
    const o = owner.page;
    await o.goto(`${server.url}/flows/${id}`, { waitUntil: 'load' });
    await o.waitForSelector('.editor[data-ready="true"]');
    await o.click('#share');
    await o.waitForSelector('#share-empty');
    // People are found by name as it is typed, from the server's mirror of ScaiKey.
    await o.type('#share-principal', 'nobody here', { delay: 20 });
    await o.waitForSelector('#share-suggestions .share-none');
    await o.click('#share-add');
    await o.waitForSelector('#share-error:has-text("Pick a person or group")');
    // A word that is no one's name is taken for a group id; the server says it knows none.
    await o.fill('#share-principal', 'grp_unknown');
    await o.click('#share-add');
    await o.waitForSelector('#share-error:has-text("not found")');
    await o.fill('#share-principal', '');
    await o.type('#share-principal', 'hei', { delay: 20 });
    const option = o.locator('#share-suggestions .share-option[data-principal="heidi@acme.example"]');
    await option.waitFor();
    assert.match(await option.textContent(), /heidi[\s\S]*heidi@acme\.example/);
    await option.click();
    assert.equal(await o.inputValue('#share-principal'), 'heidi', 'the pick shows the name');
    await o.selectOption('#share-level', 'edit');
    await o.click('#share-add');
    await o.waitForSelector('#share-grants tr[data-principal="heidi@acme.example"]');
    assert.match(await o.textContent('#share-grants tr[data-principal="heidi@acme.example"] td'), /heidi/);
    // Then lowers it to view.
    await o.selectOption('#share-grants tr[data-principal="heidi@acme.example"] select', 'view');
    await o.waitForFunction(async (flowId) => {
      const { access_token } = JSON.parse(sessionStorage.getItem('scaiflow_session'));
      const res = await fetch(`/api/v1/flows/${flowId}/acls`, { headers: { authorization: `Bearer ${access_token}` } });
      return (await res.json())[0]?.level === 'view';
    }, id);
    await o.click('#share-close');

    const { page } = viewer;
    await page.goto(`${server.url}/flows/${id}`, { waitUntil: 'load' });
    await page.waitForSelector('.editor[data-ready="true"]');
    await page.waitForSelector('#read-only-notice');
    assert.ok(await page.isDisabled('#save'), 'Save is disabled');
    assert.ok(await page.getAttribute('#flow-name', 'readonly') !== null, 'the name is read-only');
    assert.ok(await page.getAttribute('#properties fieldset', 'disabled') !== null, 'the properties take no input');
    assert.ok(await page.isDisabled('#properties input >> nth=0'), 'their fields are disabled');
    // An edit through the keyboard is refused with the same notice, and nothing changes.
    const before = await page.locator('.node').count();
    await page.click('.node >> nth=0');
    await page.keyboard.press('Delete');
    await page.waitForSelector('#notice:has-text("view access")');
    assert.equal(await page.locator('.node').count(), before);
    const save = await call(page, 'PUT', `/api/v1/flows/${id}`, { name: 'x', content: example });
    assert.equal(save.status, 403, 'the server refuses too');
    const acls = await call(owner.page, 'GET', `/api/v1/flows/${id}/acls`);
    assert.deepEqual(acls.json.map((g) => [g.principal_id, g.level]), [['heidi@acme.example', 'view']]);
    assert.equal(await page.locator('#share').count(), 0, 'a viewer cannot share');
  } finally {
    await owner.close();
    await viewer.close();
  }
});

test('tokens are refreshed before they expire, and after a 401', async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await signIn(page, 'carol@acme.example');
    const first = await session(page);
    // Scheduled refresh: a minute before expiry, i.e. a few seconds after sign-in here.
    await page.waitForFunction(
      (token) => JSON.parse(sessionStorage.getItem('scaiflow_session') ?? '{}').access_token !== token,
      first.access_token,
      { timeout: (ACCESS_TOKEN_TTL - 55) * 1000 + 10_000 },
    );
    const second = await session(page);
    assert.notEqual(second.refresh_token, first.refresh_token, 'the provider rotated the refresh token');
    assert.equal((await call(page, 'GET', '/api/v1/me')).status, 200);
    // The rotated-out refresh token is refused by the provider, through the server.
    const stale = await fetch(`${server.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: first.refresh_token }),
    });
    assert.equal(stale.status, 400);
    assert.equal((await stale.json()).detail.error, 'invalid_grant');
  } finally {
    await browser.close();
  }
});

test('an access token the server refuses is refreshed once and the call retried', async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await signIn(page, 'dave@acme.example');
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('scaiflow_session'));
      s.access_token = 'not-a-token';
      sessionStorage.setItem('scaiflow_session', JSON.stringify(s));
    });
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('#account');
    assert.notEqual((await session(page)).access_token, 'not-a-token');
  } finally {
    await browser.close();
  }
});

test('another tenant sees none of the first tenant\'s flows', async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await signIn(page, 'bob@globex.example');
    assert.equal(await page.textContent('#account .account-tenant'), 'globex');
    const listed = await call(page, 'GET', '/api/v1/flows');
    assert.equal(listed.status, 200);
    assert.equal(listed.json.total, 0);
    assert.equal(await page.locator('text=Alice support flow').count(), 0);
  } finally {
    await browser.close();
  }
});

test('signing out forgets the tokens and ends the provider session', async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await signIn(page, 'erin@acme.example');
    await page.click('#sign-out');
    await page.waitForURL(server.url + '/');
    await page.waitForSelector('#sign-in');
    assert.equal(await session(page), null);
    // The provider asks for the login again.
    await page.click('#sign-in');
    await page.waitForSelector(loginForm.login);
  } finally {
    await browser.close();
  }
});

test('the first super admin is made on the command line and manages roles on the admin page', async () => {
  const admin = await openBrowser();
  const other = await openBrowser();
  try {
    await signIn(other.page, 'judy@acme.example');
    const { page } = admin;
    await signIn(page, 'ivan@acme.example');
    await page.goto(`${server.url}/admin`, { waitUntil: 'load' });
    await page.waitForSelector('#admin-refused');

    adminCommand('grant', 'ivan@acme.example', '--role', 'super_admin');
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('#admin-users tr[data-user="judy@acme.example"]');
    assert.match(await page.textContent('#admin-users tr[data-user="ivan@acme.example"] .role'), /super_admin \(manual\)/);
    await page.click('#admin-users tr[data-user="judy@acme.example"] .grant-tenant-admin');
    await page.waitForSelector('#admin-users tr[data-user="judy@acme.example"] .revoke-role');
    assert.match(await page.textContent('#admin-users tr[data-user="judy@acme.example"] .role'), /tenant_admin \(manual\)/);
    // Judy's next request carries the role: she sees the admin page's tenant view.
    await other.page.goto(`${server.url}/admin`, { waitUntil: 'load' });
    await other.page.waitForSelector('#admin-users');
    assert.equal(await other.page.textContent('#users-title'), 'Users of your tenant');
    assert.equal(await other.page.locator('#sync-now').count(), 0, 'the sync is for super admins');
    // The tenant's flows, whoever owns them (alice's from the first test).
    await other.page.waitForSelector('#admin-flows tr:has-text("Alice support flow")');

    await page.click('#admin-users tr[data-user="judy@acme.example"] .revoke-role');
    await page.waitForSelector('#admin-users tr[data-user="judy@acme.example"] .grant-tenant-admin');

    // Ivan is the only super admin: he cannot take the role from himself, here or by the API.
    const own = page.locator('#admin-users tr[data-user="ivan@acme.example"] .revoke-role');
    assert.ok(await own.isDisabled(), 'the last super admin keeps the role');
    assert.match(await page.textContent('#admin-users tr[data-user="ivan@acme.example"]'), /the only super admin/);
    const refused = await call(page, 'DELETE', '/api/v1/admin/users/ivan@acme.example/role');
    assert.equal(refused.status, 409);
    assert.match(refused.json.detail.message, /only super admin/);
    // With Judy a super admin too, Ivan may, after saying yes to the question.
    await page.click('#admin-users tr[data-user="judy@acme.example"] .grant-super-admin');
    await page.waitForSelector('#admin-users tr[data-user="judy@acme.example"] .revoke-role');
    await page.waitForFunction(() => !document.querySelector('#admin-users tr[data-user="ivan@acme.example"] .revoke-role').disabled);
    await own.click();
    await page.waitForSelector('#confirm-revoke');
    assert.match(await page.textContent('#confirm-revoke'), /your own super_admin role/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#confirm-revoke', { state: 'detached' });
    assert.match(await page.textContent('#admin-users tr[data-user="ivan@acme.example"] .role'), /super_admin/, 'Escape kept it');
    await own.click();
    await page.click('#confirm-revoke-no');
    await page.waitForSelector('#confirm-revoke', { state: 'detached' });
    // Judy now takes hers back; Ivan stays the last one.
    await page.click('#admin-users tr[data-user="judy@acme.example"] .revoke-role');
    await page.waitForSelector('#admin-users tr[data-user="judy@acme.example"] .grant-tenant-admin');
    await page.waitForFunction(() => document.querySelector('#admin-users tr[data-user="ivan@acme.example"] .revoke-role').disabled);
  } finally {
    await admin.close();
    await other.close();
  }
});

test('a callback that does not match the sign-in started here is refused clearly', async () => {
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(`${server.url}/auth/callback?code=stolen&state=forged`, { waitUntil: 'load' });
    await page.waitForSelector('#sign-in-error');
    assert.match(await page.textContent('#sign-in-error'), /PKCE state mismatch — login flow is invalid or expired/);
    assert.equal(new URL(page.url()).search, '', 'the code is cleared from the address bar');
    assert.equal(await session(page), null);
  } finally {
    await browser.close();
  }
});
