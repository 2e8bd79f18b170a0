// Shared helpers for the browser tests: free ports, the real server binary with throwaway
// storage, a static file server for the playground, and headless Debian Chromium.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR
  ? resolve(process.env.CARGO_TARGET_DIR)
  : join(repoRoot, 'target');

/** Where screenshots and other artefacts of a run go. */
export const outputDir = join(repoRoot, 'end2end', 'output');
mkdirSync(outputDir, { recursive: true });

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts the real `scaiflow-server` on a free loopback port with a temporary database and
 * object store; resolves once it logs that it is running.
 */
export async function startServer({ env = {} } = {}) {
  const binary = process.env.SCAIFLOW_SERVER_BIN ?? join(targetDir, 'debug', 'scaiflow-server');
  const siteRoot = process.env.SCAIFLOW_SITE_ROOT ?? join(repoRoot, 'target', 'site');
  if (!existsSync(binary)) throw new Error(`server binary not found: ${binary} (run cargo leptos build)`);
  const dir = mkdtempSync(join(tmpdir(), 'scaiflow-e2e-'));
  // A caller that must know the address first (a sign-in redirect URI) picks the port.
  const port = env.SCAIFLOW_API_PORT ? Number(env.SCAIFLOW_API_PORT) : await freePort();
  const child = spawn(binary, [], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SCAIFLOW_API_HOST: '127.0.0.1',
      SCAIFLOW_API_PORT: String(port),
      SCAIFLOW_DB_URL: `sqlite://${join(dir, 'scaiflow.db')}`,
      SCAIFLOW_OBJECT_STORE: `file://${join(dir, 'data')}`,
      SCAIFLOW_SECRET_KEY_FILE: join(dir, 'secret.key'),
      SCAIFLOW_SITE_ROOT: siteRoot,
      SCAIFLOW_LOG_FORMAT: 'json',
      SCAIFLOW_LOG: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  const running = new Promise((resolveRunning, rejectRunning) => {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        logs.push(line);
        if (line.includes('ScaiFlow is running')) resolveRunning();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => logs.push(chunk));
    child.once('exit', (code) =>
      rejectRunning(new Error(`server exited with ${code} before it was ready:\n${logs.join('\n')}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await running;
  } finally {
    clearTimeout(timer);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    /** Sends SIGTERM and resolves with the exit code; removes the temporary storage. */
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Serves a directory of static files on a free loopback port (the playground has no server). */
export async function serveStatic(root) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    let file = join(base, path);
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    // Client-side routes (no file extension) all load the app.
    if (!existsSync(file) && extname(path) === '') file = join(base, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  const port = await freePort();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(r)) };
}

/**
 * Headless Debian Chromium with a fresh profile. Collects page errors (a broken WASM still
 * shows correct server-rendered HTML, so these are what reveal it) and console errors.
 */
export async function openBrowser({ args = [], viewport = { width: 1400, height: 860 } } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...args,
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return {
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Parses `translate(x y) scale(k)` into numbers. */
export function parseTransform(transform) {
  const m = /translate\(([-\d.e]+)[ ,]+([-\d.e]+)\)\s*scale\(([-\d.e]+)\)/.exec(transform ?? '');
  if (!m) throw new Error(`not a viewport transform: ${transform}`);
  return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) };
}

/** A JSON client of the API at `url`: `(method, path, body?, headers?) → {status, body}`. */
export function apiClient(url) {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
}
