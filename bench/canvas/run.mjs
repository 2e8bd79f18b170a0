// Opens generated flows in the editor (the release playground build, served as static files)
// in headless Chromium and measures time to first render and frame times while panning,
// zooming and dragging. Usage: node run.mjs <playground dir> <flow.json>...
//
// Frames: Chromium runs without its 60 Hz frame cap, and the page feeds exactly one input
// event per animation frame, so the time between two frames is what that frame cost (script,
// style, layout, paint), not a vsync interval.

import { readFileSync } from 'node:fs';
import { openBrowser, serveStatic } from '../../end2end/tests/harness.mjs';

const [dist, ...flowFiles] = process.argv.slice(2);
if (!dist || flowFiles.length === 0) {
  console.error('usage: node run.mjs <playground dir> <flow.json>...');
  process.exit(2);
}
const OPENS = 3;
const FRAMES = 120;

const site = await serveStatic(dist);
// 1700 px wide: beside the palette and the properties panel the canvas is 1168 px wide, the
// size every run has measured.
const browser = await openBrowser({
  args: ['--disable-frame-rate-limit', '--disable-gpu-vsync'],
  viewport: { width: 1700, height: 860 },
});
const { page } = browser;
const results = [];
try {
  for (const file of flowFiles) {
    const flow = JSON.parse(readFileSync(file, 'utf8'));
    results.push(await measureFlow(flow));
  }
  if (browser.errors.length) throw new Error(browser.errors.join('\n'));
} finally {
  await browser.close();
  await site.stop();
}
printTable(results);

async function measureFlow(flow) {
  const row = { nodes: flow.nodes.length, edges: flow.edges.length, opens: [], frames: {} };
  for (let i = 0; i < OPENS; i++) row.opens.push(await open(flow));
  row.rendered = await page.locator('#flow-canvas .node').count();
  await installDriver();

  // At the opening view: the whole flow fitted, or as much as the minimum zoom shows.
  row.zoomAtOpen = await zoom();
  row.frames['pan (fit)'] = await pan();
  await fit();
  row.frames['zoom (fit)'] = await zoomInOut();
  row.settle = await settle();
  await fit();
  row.frames['drag 1 node (fit)'] = await dragNode(await middleNode());
  await fit();
  row.frames['drag 50 nodes (fit)'] = await dragFifty(await middleNode());

  // At 100 %, around the first card.
  await page.keyboard.press('Escape');
  const middle = await middleNode();
  await clickNode(middle);
  await page.keyboard.press('Shift+Digit2');
  await page.waitForFunction(() => /100\s*%/.test(document.querySelector('#zoom-level')?.textContent ?? ''));
  row.frames['pan (100%)'] = await pan();
  row.frames['zoom (100%)'] = await zoomInOut();
  row.frames['drag 1 node (100%)'] = await dragNode(middle);
  row.preview = await previewLatency(middle);
  row.heapMb = await page.evaluate(() => (performance.memory?.usedJSHeapSize ?? 0) / 1048576);
  return row;
}

/** Opens `flow` as a draft of this browser; milliseconds from navigation to its first frame. */
async function open(flow) {
  await page.goto(`${site.url}/`, { waitUntil: 'load' });
  await page.evaluate((f) => {
    localStorage.clear();
    const draft = { saved_at: new Date().toISOString(), flow: f, base_version: null };
    localStorage.setItem(`scaiflow_draft_${f.id}`, JSON.stringify(draft));
  }, flow);
  await page.goto(`${site.url}/drafts/${flow.id}`, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => {
      if (!document.querySelector('#flow-canvas .node')) return null;
      // The frame that paints them.
      return new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
    },
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  return handle.jsonValue();
}

/** Page helpers: dispatch pointer and wheel events, one per frame, timing every frame. */
async function installDriver() {
  await page.evaluate(() => {
    const dispatch = ([type, x, y, extra = {}]) => {
      const target = document.elementFromPoint(x, y) ?? document.querySelector('#flow-canvas');
      const init = { bubbles: true, cancelable: true, clientX: x, clientY: y, ...extra };
      const event = type === 'wheel'
        ? new WheelEvent('wheel', init)
        : new PointerEvent(type, { pointerId: 1, isPrimary: true, pointerType: 'mouse', ...init });
      target.dispatchEvent(event);
    };
    window.benchDrive = (steps) => new Promise((resolve) => {
      const stamps = [];
      let next = 0;
      const tick = (t) => {
        stamps.push(t);
        if (next < steps.length) {
          dispatch(steps[next++]);
          requestAnimationFrame(tick);
        } else {
          resolve(stamps.slice(1).map((s, i) => s - stamps[i]));
        }
      };
      requestAnimationFrame(tick);
    });
  });
}

async function drive(steps) {
  const frames = await page.evaluate((s) => window.benchDrive(s), steps);
  // The first two frames start the gesture; the rest is the gesture itself.
  return summarise(frames.slice(2));
}

function gesture(from, dx, dy, extra = {}) {
  const down = { button: 0, buttons: 1, ...extra };
  const steps = [['pointerdown', from.x, from.y, down]];
  for (let i = 1; i <= FRAMES; i++) {
    steps.push(['pointermove', from.x + (dx * i) / FRAMES, from.y + (dy * i) / FRAMES, { buttons: 1, ...extra }]);
  }
  steps.push(['pointerup', from.x + dx, from.y + dy, { button: 0, buttons: 0, ...extra }]);
  return steps;
}

async function pan() {
  const spot = await emptySpot();
  return drive(gesture(spot, 240, 160));
}

async function zoomInOut() {
  const box = await page.locator('#flow-canvas').boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const steps = [];
  for (let i = 0; i < FRAMES; i++) {
    steps.push(['wheel', x, y, { ctrlKey: true, deltaY: i < FRAMES / 2 ? -10 : 10, deltaMode: 0 }]);
  }
  return drive(steps);
}

// Drags hold Alt (no snapping to the grid), so that every frame moves the cards: snapped, most
// frames of a slow drag change nothing.
/**
 * The longest frame in the half second after a wheel zoom: when the wheel rests, the scene is
 * drawn again at its new scale (during the gesture the compositor only scales it).
 */
async function settle() {
  const box = await page.locator('#flow-canvas').boundingBox();
  const at = [box.x + box.width / 2, box.y + box.height / 2];
  return page.evaluate(([x, y]) => new Promise((resolve) => {
    const init = { bubbles: true, cancelable: true, clientX: x, clientY: y, ctrlKey: true, deltaY: -10 };
    document.elementFromPoint(x, y).dispatchEvent(new WheelEvent('wheel', init));
    const stamps = [];
    const tick = (t) => {
      stamps.push(t);
      if (t - stamps[0] < 500) requestAnimationFrame(tick);
      else resolve(Math.max(...stamps.slice(1).map((s, i) => s - stamps[i])));
    };
    requestAnimationFrame(tick);
  }), at);
}

async function dragNode(id) {
  const card = await cardBox(id);
  const frames = await drive(gesture({ x: card.x + card.width / 2, y: card.y + card.height / 2 }, 200, 120, { altKey: true }));
  await page.keyboard.press('Control+z');
  return frames;
}

/**
 * Band-selects 50 cards, ten columns by five rows of the generated layout (40 cards to a row,
 * ids in layout order) from card `id`, and drags them.
 */
async function dragFifty(id) {
  await page.keyboard.press('Escape');
  const n = Number(id.slice(1));
  const start = n - Math.max(0, (n % 40) - 30);
  const first = await cardBox(`n${start}`);
  const last = await cardBox(`n${start + 4 * 40 + 9}`);
  // One pixel around them: at the opening zoom the gap to the next column is only a few.
  const band = gesture({ x: first.x - 1, y: first.y - 1 }, last.x + last.width - first.x + 2,
    last.y + last.height - first.y + 2, { shiftKey: true });
  await page.evaluate((s) => window.benchDrive(s), band);
  const selected = await page.textContent('.statusbar .flow-selected');
  if (!/^50 selected/.test(selected.trim())) throw new Error(`band selected: ${selected}`);
  const frames = await drive(gesture({ x: first.x + first.width / 2, y: first.y + first.height / 2 }, 200, 120, { altKey: true }));
  await page.keyboard.press('Control+z');
  return frames;
}

/** Back to the opening view, nothing selected. */
async function fit() {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Digit1');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Change-to-preview latency with the YAML tab open: from a key press that nudges card `id` to
 * the frame that paints the recompiled manifest; median and worst of 10.
 */
async function previewLatency(id) {
  await page.keyboard.press('Escape');
  await clickNode(id);
  await page.keyboard.press('Shift+KeyP');
  await page.waitForSelector('#preview .preview-text', { timeout: 60_000 });
  const times = [];
  for (let i = 0; i < 10; i++) {
    times.push(await page.evaluate(() => new Promise((resolve) => {
      const pre = () => document.querySelector('#preview .preview-text');
      const before = pre()?.dataset.revision;
      const start = performance.now();
      document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {
        key: 'ArrowRight', code: 'ArrowRight', bubbles: true, cancelable: true,
      }));
      const check = () => {
        if (pre()?.dataset.revision !== before) {
          requestAnimationFrame(() => resolve(performance.now() - start));
        } else {
          requestAnimationFrame(check);
        }
      };
      requestAnimationFrame(check);
    })));
  }
  await page.keyboard.press('Shift+KeyP');
  times.sort((a, b) => a - b);
  return { median: times[5], worst: times[9] };
}

/** The card nearest the middle of the canvas, clear of the minimap. */
async function middleNode() {
  return page.evaluate(() => {
    const svg = document.querySelector('#flow-canvas').getBoundingClientRect();
    const x = svg.left + svg.width / 2;
    const y = svg.top + svg.height / 3;
    let best = null;
    for (const card of document.querySelectorAll('#flow-canvas .node-card')) {
      const r = card.getBoundingClientRect();
      const d = Math.hypot(r.left + r.width / 2 - x, r.top + r.height / 2 - y);
      if (!best || d < best.d) best = { d, id: card.closest('.node').dataset.nodeId };
    }
    return best.id;
  });
}

async function clickNode(id) {
  const card = await cardBox(id);
  await page.mouse.click(card.x + card.width / 2, card.y + card.height / 2);
}

async function cardBox(id) {
  const card = page.locator(`.node[data-node-id="${id}"] .node-card`);
  const box = (await card.count()) ? await card.boundingBox() : null;
  if (!box) {
    await page.screenshot({ path: 'bench-canvas-failure.png' });
    throw new Error(`card ${id} is not on screen (see bench-canvas-failure.png)`);
  }
  return box;
}

async function zoom() {
  return page.textContent('#zoom-level');
}

/** A background point of the canvas, away from cards and the minimap. */
async function emptySpot() {
  return page.evaluate(() => {
    const svg = document.querySelector('#flow-canvas').getBoundingClientRect();
    for (let y = svg.top + 30; y < svg.bottom - 30; y += 7) {
      for (let x = svg.left + 30; x < svg.right - 260; x += 7) {
        const hit = document.elementFromPoint(x, y);
        if (hit?.classList.contains('canvas-bg') || hit?.id === 'flow-canvas') return { x, y };
      }
    }
    throw new Error('no empty spot on the canvas');
  });
}

function summarise(frames) {
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { count: frames.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

function printTable(rows) {
  const ms = (v) => v.toFixed(1).padStart(6);
  for (const r of rows) {
    const opens = [...r.opens].sort((a, b) => a - b);
    console.log(`\n${r.nodes} nodes, ${r.edges} edges: open ${ms(opens[1])} ms median of ${opens.length} `
      + `(best ${opens[0].toFixed(1)}), ${r.rendered} cards drawn at ${r.zoomAtOpen.trim()}, `
      + `JS heap ${r.heapMb.toFixed(0)} MB; redraw after a zoom ${r.settle.toFixed(0)} ms; `
      + `change to painted YAML preview ${r.preview.median.toFixed(0)} ms median, ${r.preview.worst.toFixed(0)} ms worst`);
    for (const [name, f] of Object.entries(r.frames)) {
      console.log(`  ${name.padEnd(22)} p50 ${ms(f.p50)} ms  p95 ${ms(f.p95)} ms  max ${ms(f.max)} ms  (${f.count} frames)`);
    }
  }
}
