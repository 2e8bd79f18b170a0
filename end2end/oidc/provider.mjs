// The OpenID provider the browser tests sign in against, standing in for ScaiKey.
//
// A real OpenID Connect provider (the `oidc-provider` package) on 127.0.0.1 over plain http,
// with one confidential client, an in-memory store and a signing key made at start:
//
// - authorization code flow with PKCE (S256 only), client_secret_basic at the token endpoint;
// - any login and password are accepted on the sign-in page (see `loginForm`), and there is
//   no consent page: authorize -> sign-in form -> redirect_uri?code=…&state=…;
// - access tokens are RS256 JWTs for ScaiCore: `aud` is the client id, `sub` the login,
//   `scope` the granted scopes, `tenant_id` the user's tenant;
// - a refresh token comes with every code exchange and is rotated on each use;
// - ID tokens carry `email` and `name` (with the `email` and `profile` scopes).
//
// In the tests:
//
//   import { startProvider, loginForm } from '../oidc/provider.mjs';
//   const op = await startProvider({ clientId, clientSecret, redirectUris: [callbackUrl] });
//   …                      // point the server at op.issuer, sign in through loginForm
//   await op.stop();
//
// Run on its own (prints {"issuer":"http://127.0.0.1:PORT"} once it listens, stops on SIGTERM):
//
//   OIDC_CLIENT_ID=… OIDC_CLIENT_SECRET=… OIDC_REDIRECT_URIS=http://127.0.0.1:3000/cb[,…] \
//   [OIDC_PORT=…] node end2end/oidc/provider.mjs

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

// oidc-provider announces on load and on construction that it runs with its development
// conveniences (sign-in pages, in-memory store) and, on Node 20, that it prefers Node 22.
// Those are exactly what the tests want, so these notices (and only those) are dropped.
const { default: Provider, errors } = await withoutProviderNotices(() => import('oidc-provider'));

/** CSS selectors of the provider's sign-in page (any login and password are accepted). */
export const loginForm = Object.freeze({
  login: 'input[name="login"]',
  password: 'input[name="password"]',
  submit: 'button[type="submit"]',
});

/** The resource indicator of the ScaiCore API; it is the default, so requests need not send it. */
export const scaicoreResource = 'urn:scaicore:api';

/** The scopes the provider knows; ScaiCore access tokens list those granted. */
export const supportedScopes = Object.freeze([
  'openid', 'profile', 'email', 'offline_access', 'scaicore:view', 'scaicore:manage',
]);

/**
 * The tenant of a login when the test does not say: `alice@globex.example` -> `tnt_globex`,
 * a login without '@' -> `tnt_acme`.
 */
export function defaultTenantFor(accountId) {
  const at = accountId.indexOf('@');
  if (at < 0) return 'tnt_acme';
  const domain = accountId.slice(at + 1);
  return `tnt_${domain.split('.')[0]}`;
}

/**
 * Starts the provider.
 *
 * @param {object} options
 * @param {string} options.clientId
 * @param {string} options.clientSecret
 * @param {string[]} options.redirectUris
 * @param {string[]} [options.postLogoutRedirectUris] where RP-initiated logout may return to
 * @param {(accountId: string) => string | Promise<string>} [options.tenantFor] the `tenant_id`
 *   claim of a login (default: `defaultTenantFor`)
 * @param {number} [options.port] 127.0.0.1 port to listen on (default: a free one)
 * @param {number} [options.accessTokenTtl] access token lifetime in seconds (default 3600)
 * @returns {Promise<{ issuer: string, stop: () => Promise<void> }>}
 */
export async function startProvider({
  clientId,
  clientSecret,
  redirectUris,
  postLogoutRedirectUris = [],
  tenantFor = defaultTenantFor,
  port = 0,
  accessTokenTtl = 3600,
}) {
  if (!clientId || !clientSecret || !redirectUris?.length) {
    throw new TypeError('startProvider needs clientId, clientSecret and at least one redirect URI');
  }

  // Listen first: the issuer names the port, and the provider needs the issuer.
  let handle = (_req, res) => { res.statusCode = 503; res.end(); };
  const server = createServer((req, res) => handle(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const provider = withoutProviderNotices(() => new Provider(issuer, configuration({
    clientId, clientSecret, redirectUris, postLogoutRedirectUris, tenantFor, accessTokenTtl,
  })));
  provider.on('server_error', (_ctx, error) => {
    console.error('[oidc provider] server error:', error);
  });
  // The sign-in page imports a web font from the internet and the browser asks for a favicon;
  // the tests run offline and count the browser's console errors, so neither is left to fail.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/favicon.ico') {
      ctx.status = 204;
      return;
    }
    await next();
    if (typeof ctx.body === 'string' && ctx.response.is('html')) {
      ctx.body = ctx.body.replace(/@import url\(https?:[^)]*\);?/g, '');
    }
  });
  handle = provider.callback();

  return {
    issuer,
    async stop() {
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the browser keeps connections alive
      });
    },
  };
}

function configuration({
  clientId, clientSecret, redirectUris, postLogoutRedirectUris, tenantFor, accessTokenTtl,
}) {
  return {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
    }],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: supportedScopes,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // ID tokens carry the claims of the granted scopes (not only via the userinfo endpoint).
    conformIdTokenClaims: false,
    pkce: { required: () => true },

    // Every login is an account: the login is its id (`sub`).
    async findAccount(_ctx, accountId) {
      return {
        accountId,
        async claims() {
          return {
            sub: accountId,
            email: accountId.includes('@') ? accountId : `${accountId}@acme.example`,
            email_verified: true,
            name: accountId.split('@')[0],
          };
        },
      };
    },

    // No consent page: whatever the client asks for (within the supported scopes) is granted.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
      const grant = (grantId && await oidc.provider.Grant.find(grantId))
        || new oidc.provider.Grant({ accountId: oidc.session.accountId, clientId: oidc.client.clientId });
      const oidcScopes = [...oidc.requestParamOIDCScopes];
      if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
      const claims = [...oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      for (const [indicator, resourceServer] of Object.entries(oidc.resourceServers)) {
        const scopes = [...oidc.requestParamScopes].filter((scope) => resourceServer.scopes.has(scope));
        if (scopes.length) grant.addResourceScope(indicator, scopes.join(' '));
      }
      await grant.save();
      return grant;
    },

    // Access tokens are ScaiCore's: a request without `resource` gets the ScaiCore API, so the
    // code and refresh grants both return a JWT whose audience is the client id.
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? scaicoreResource,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, indicator) {
          if (indicator !== scaicoreResource) throw new errors.InvalidTarget();
          return {
            audience: clientId,
            scope: supportedScopes.join(' '),
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        // Sign out at once, without asking.
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signing out</title></head>
<body>${form}<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<script>document.getElementById('op.logoutForm').submit();</script></body></html>`;
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed out</title></head><body><h1>Signed out</h1></body></html>';
        },
      },
    },
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      return { tenant_id: await tenantFor(token.accountId) };
    },

    // Refresh tokens: one with every code exchange (the client need not send `prompt=consent`
    // for `offline_access` to stick), not tied to the browser session, new one on every use.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: () => true,

    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },

    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign-in error</title></head>
<body><h1>Sign-in error</h1>${Object.entries(out)
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
    .join('')}</body></html>`;
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
  };
}

// An RS256 key made for this run, its `kid` the JWK thumbprint (RFC 7638).
function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Runs `fn` with oidc-provider's start-up notices ("oidc-provider WARNING: …" on stderr,
// "oidc-provider NOTICE: …" on stdout) left out; everything else still gets through.
function withoutProviderNotices(fn) {
  const { warn, info } = console;
  const filtered = (write) => (...args) => {
    if (typeof args[0] === 'string' && /^(\x1b\[[\d;]*m)?oidc-provider (WARNING|NOTICE): /.test(args[0])) return;
    write.apply(console, args);
  };
  console.warn = filtered(warn);
  console.info = filtered(info);
  const restore = () => { console.warn = warn; console.info = info; };
  try {
    const result = fn();
    if (typeof result?.then === 'function') return result.finally(restore);
    restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
}

// `node end2end/oidc/provider.mjs`: configured from the environment, see the top of this file.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = (name) => {
    const value = process.env[name]?.trim();
    if (!value) {
      console.error(`[oidc provider] ${name} is required`);
      process.exit(2);
    }
    return value;
  };
  const { issuer, stop } = await startProvider({
    clientId: env('OIDC_CLIENT_ID'),
    clientSecret: env('OIDC_CLIENT_SECRET'),
    redirectUris: env('OIDC_REDIRECT_URIS').split(',').map((uri) => uri.trim()).filter(Boolean),
    port: process.env.OIDC_PORT ? Number(process.env.OIDC_PORT) : 0,
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  const shutdown = () => { stop().then(() => process.exit(0)); };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
