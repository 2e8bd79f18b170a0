// Canvas checks shared by the server-rendered editor and the server-less playground.

import assert from 'node:assert/strict';
import { parseTransform } from './harness.mjs';

/** Node ids of the bundled Customer Support example, in document order. */
export const EXAMPLE_NODES = [
  'node_entry', 'node_classify', 'node_kb', 'node_respond', 'node_decide', 'node_reply', 'node_review',
];

async function viewport(page) {
  return parseTransform(await page.getAttribute('#flow-canvas', 'data-view'));
}

/** The example flow is drawn: every node card with its label and category colour, every edge. */
export async function assertExampleRendered(page) {
  const ids = await page.$$eval('#flow-canvas .node', (nodes) => nodes.map((n) => n.dataset.nodeId));
  assert.deepEqual(ids, EXAMPLE_NODES);
  const labels = await page.$$eval('#flow-canvas .node-label', (t) => t.map((e) => e.textContent));
  assert.ok(labels.includes('Classify Intent'), `labels: ${labels}`);
  assert.ok(labels.includes('HITL Review'), `labels: ${labels}`);
  const kinds = await page.$$eval('#flow-canvas .node-kind', (t) => t.map((e) => e.textContent));
  assert.equal(kinds[1], 'Flexible Prompt');
  // Category colours reach the rendered band: LLM blue, entry green, queue/HITL amber.
  const band = (id) => page.$eval(`.node[data-node-id="${id}"] .node-band`, (e) => getComputedStyle(e).fill);
  assert.equal(await band('node_classify'), 'rgb(37, 99, 235)');
  assert.equal(await band('node_entry'), 'rgb(22, 163, 74)');
  assert.equal(await band('node_review'), 'rgb(180, 83, 9)');
  assert.equal(await page.locator('#flow-canvas .edge .edge-line').count(), 6);
  assert.equal(await page.locator('#flow-canvas .edge-label').count(), 2);
}

/** A background point of the canvas: inside it, away from every node card. */
async function emptySpot(page) {
  const box = await page.locator('#flow-canvas').boundingBox();
  const cards = await page.$$eval('#flow-canvas .node-card', (rects) =>
    rects.map((r) => r.getBoundingClientRect().toJSON()));
  for (let y = box.y + 20; y < box.y + box.height - 20; y += 20) {
    for (let x = box.x + 20; x < box.x + box.width - 200; x += 20) {
      const clear = cards.every((c) => x < c.left - 10 || x > c.right + 10 || y < c.top - 10 || y > c.bottom + 10);
      if (clear) return { x, y };
    }
  }
  throw new Error('no empty spot on the canvas');
}

/** A background drag moves the view by exactly the drag distance, at the same scale. */
export async function assertDragPans(page) {
  const before = await viewport(page);
  const start = await emptySpot(page);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 60, start.y + 20, { steps: 4 });
  await page.mouse.move(start.x + 120, start.y + 80, { steps: 4 });
  await page.mouse.up();
  const after = await viewport(page);
  assert.ok(Math.abs(after.x - before.x - 120) < 0.5, `x ${before.x} -> ${after.x}`);
  assert.ok(Math.abs(after.y - before.y - 80) < 0.5, `y ${before.y} -> ${after.y}`);
  assert.equal(after.k, before.k);
}

/** Scrolling pans the view (Shift: sideways) without zooming. */
export async function assertScrollPans(page) {
  const box = await page.locator('#flow-canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const before = await viewport(page);
  await page.mouse.wheel(0, 100);
  await page.waitForFunction(
    (t) => document.querySelector('#flow-canvas').dataset.view !== t,
    await page.getAttribute('#flow-canvas', 'data-view'),
  ).catch(() => {});
  const after = await viewport(page);
  assert.equal(after.k, before.k);
  assert.ok(Math.abs(after.y - (before.y - 100)) < 0.5, `y ${before.y} -> ${after.y}`);
  assert.equal(after.x, before.x);
}

/** Ctrl+wheel zooms in and out around the cursor: the flow point under it stays put. */
export async function assertWheelZoomsAroundCursor(page) {
  const box = await page.locator('#flow-canvas').boundingBox();
  const cursor = { x: box.x + box.width * 0.4, y: box.y + box.height * 0.6 };
  const local = { x: cursor.x - box.x, y: cursor.y - box.y };
  const underCursor = (v) => ({ x: (local.x - v.x) / v.k, y: (local.y - v.y) / v.k });
  await page.mouse.move(cursor.x, cursor.y);
  await page.keyboard.down('Control');

  const before = await viewport(page);
  await page.mouse.wheel(0, -300);
  await page.waitForFunction(
    (k) => !document.querySelector('#flow-canvas').dataset.view.endsWith(`scale(${k})`),
    before.k,
  );
  const zoomedIn = await viewport(page);
  assert.ok(zoomedIn.k > before.k, `scale ${before.k} -> ${zoomedIn.k}`);
  const p0 = underCursor(before);
  const p1 = underCursor(zoomedIn);
  assert.ok(Math.abs(p0.x - p1.x) < 0.5 && Math.abs(p0.y - p1.y) < 0.5, `anchor moved: ${JSON.stringify([p0, p1])}`);

  await page.mouse.wheel(0, 600);
  await page.waitForFunction(
    (k) => !document.querySelector('#flow-canvas').dataset.view.endsWith(`scale(${k})`),
    zoomedIn.k,
  );
  const zoomedOut = await viewport(page);
  await page.keyboard.up('Control');
  assert.ok(zoomedOut.k < zoomedIn.k, `scale ${zoomedIn.k} -> ${zoomedOut.k}`);
  // The page itself must not scroll: the canvas took the wheel.
  assert.equal(await page.evaluate(() => window.scrollY), 0);
}

/** The "N nodes · M edges" counts of the status bar. */
export async function counts(page) {
  const text = await page.textContent('.flow-counts');
  const m = /(\d+) nodes · (\d+) edges/.exec(text);
  assert.ok(m, `status bar: ${text}`);
  return { nodes: Number(m[1]), edges: Number(m[2]) };
}

/** Waits until the status bar shows `nodes` nodes and `edges` edges. */
export async function waitForCounts(page, nodes, edges) {
  await page.waitForFunction(
    (want) => document.querySelector('.flow-counts')?.textContent === want,
    `${nodes} nodes · ${edges} edges`,
  );
}

/**
 * The flow as the editor autosaved it to localStorage (the draft), once `ready(flow)` holds.
 * Drafts are written 500 ms after the last change.
 */
export async function draftFlow(page, ready = () => true) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const flow = await page.evaluate(() => {
      const id = localStorage.getItem('scaiflow_draft_latest');
      const text = id && localStorage.getItem(`scaiflow_draft_${id}`);
      return text ? JSON.parse(text).flow : null;
    });
    if (flow && ready(flow)) return flow;
    if (Date.now() > deadline) throw new Error(`no matching draft; last: ${JSON.stringify(flow)?.slice(0, 300)}`);
    await page.waitForTimeout(100);
  }
}

/** The screen centre of an element. */
export async function centre(page, selector) {
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box, `${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Presses the mouse at one element and releases it over another, in small steps. */
export async function dragBetween(page, from, to, { steps = 8 } = {}) {
  const a = typeof from === 'string' ? await centre(page, from) : from;
  const b = typeof to === 'string' ? await centre(page, to) : to;
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps });
  await page.mouse.up();
}

/** Flow position of a node card, read from its rectangle. */
export async function nodePosition(page, id) {
  const card = page.locator(`.node[data-node-id="${id}"] .node-card`);
  const [x, y] = await Promise.all([card.getAttribute('x'), card.getAttribute('y')]);
  assert.ok(x !== null && y !== null, `position of ${id}: ${x}, ${y}`);
  return { x: Number(x), y: Number(y) };
}

/** Selects a node by clicking its card; waits for its form. */
export async function selectNode(page, id) {
  await page.click(`.node[data-node-id="${id}"] .node-card`);
  await page.waitForSelector(`#properties .panel-id:text-is("${id}")`);
}

/** Clears the selection: the panel shows the flow's properties. */
export async function showFlowProperties(page) {
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Escape');
  await page.waitForSelector('#properties #models');
}
