// Drives headless Chromium over the WASM build of the compiler and prints the timings.

import { fileURLToPath } from 'node:url';
import { openBrowser, serveStatic } from '../../end2end/tests/harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const site = await serveStatic(here);
const browser = await openBrowser();
try {
  await browser.page.goto(`${site.url}/index.html`);
  await browser.page.waitForFunction(() => window.ready === true, null, { timeout: 60_000 });
  for (const size of [100, 1000, 10000]) {
    for (const what of ['analyze', 'yaml', 'ir', 'scai']) {
      const reps = size >= 10000 ? 10 : 30;
      const r = await browser.page.evaluate(([s, w, n]) => window.measure(s, w, n), [size, what, reps]);
      console.log(`${String(r.nodes).padStart(6)} nodes  ${what.padEnd(8)} best ${r.best.toFixed(2).padStart(8)} ms  median ${r.median.toFixed(2).padStart(8)} ms${what === 'analyze' ? '' : `  (${r.bytes} bytes)`}`);
    }
  }
  if (browser.errors.length) throw new Error(browser.errors.join('\n'));
} finally {
  await browser.close();
  await site.stop();
}

