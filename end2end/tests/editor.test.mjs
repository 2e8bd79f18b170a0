// The editor against the real `scaiflow-server` binary, in headless Chromium: the flows page,
// editing gestures, undo/redo, clipboard, layout, saving, drafts, import and the keyboard.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiClient, openBrowser, outputDir, parseTransform, startServer } from './harness.mjs';
import {
  EXAMPLE_NODES, assertDragPans, assertExampleRendered, assertScrollPans, assertWheelZoomsAroundCursor,
  centre, counts, dragBetween, draftFlow, nodePosition, waitForCounts,
} from './canvas.mjs';

const KINDS = [
  'entry_api', 'entry_webhook', 'entry_schedule', 'llm_rigid', 'llm_guarded', 'llm_flexible',
  'logic_decision', 'logic_loop', 'logic_parallel', 'tool_plugin', 'tool_http', 'data_variable_set',
  'checkpoint', 'queue_publish', 'queue_consume', 'hitl_review', 'hitl_decision', 'queue_escalation',
  'compute_provision', 'compute_exec', 'compute_file_upload', 'compute_file_download', 'compute_destroy',
  'subflow_call',
];

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  api = apiClient(server.url);
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  const code = await server?.stop();
  assert.equal(code, 0, 'the server exits cleanly on SIGTERM');
  assert.ok(server.logs.some((l) => l.includes('shutting down')), 'the shutdown is logged');
});

beforeEach(() => {
  browser.errors.length = 0;
});

/** Opens `path` and waits for the editor to be ready. */
async function openEditor(path) {
  const { page } = browser;
  await page.goto(server.url + path, { waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  return page;
}

/** Opens a new, empty flow with no drafts left from earlier tests. */
async function freshFlow() {
  const { page } = browser;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.evaluate(() => localStorage.clear());
  return openEditor('/flows/new');
}

/** The text of the file the preview's Download button saves. */
async function downloaded(page) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#preview-download')]);
  return readFileSync(await file.path(), 'utf8');
}

/**
 * The text of the newest notice, waiting for one newer than the last one read on this page
 * (the page remembers which it was, so a reload starts afresh).
 */
async function notice(page) {
  const handle = await page.waitForFunction(() => {
    const el = document.querySelector('#notice');
    const serial = Number(el?.dataset.serial);
    if (!el || !(serial > (window.__seenNotice ?? 0))) return null;
    window.__seenNotice = serial;
    return el.textContent;
  });
  return handle.jsonValue();
}

test('the flows page is server-rendered, hydrates and offers the examples', async () => {
  const { page, errors } = browser;
  const response = await page.goto(server.url, { waitUntil: 'load' });
  assert.equal(response.status(), 200);
  const html = await response.text();
  assert.ok(html.includes('data-example="expense-approver"'), 'the examples are in the HTML');
  assert.ok(html.includes('data-ready="false"'));
  await page.waitForSelector('.home-main[data-ready="true"]', { timeout: 60_000 });
  assert.equal(await page.locator('.example-card').count(), 3);
  await page.waitForSelector('text=No saved flows yet');
  assert.deepEqual(errors, []);
});

test('an example opens in the editor with a fresh flow id and renders', async () => {
  const { page, errors } = browser;
  await page.click('a[data-example="customer-support"]');
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  await page.waitForURL(/\/drafts\/flow_[0-9a-z]{8}$/);
  await assertExampleRendered(page);
  assert.equal(await page.textContent('#flow-version'), 'unsaved');
  assert.deepEqual(await counts(page), { nodes: 7, edges: 6 });
  assert.deepEqual(errors, []);
});

test('the view pans by drag and scroll, zooms with Ctrl+wheel and the buttons', async () => {
  const { page, errors } = browser;
  const level = async () => Number((await page.textContent('#zoom-level')).replace('%', ''));
  const k = parseTransform(await page.getAttribute('#flow-canvas', 'data-view')).k;
  assert.equal(await level(), Math.round(k * 100));
  await page.click('#zoom-in');
  await page.waitForFunction((b) => document.querySelector('#zoom-level').textContent !== b, `${Math.round(k * 100)}%`);
  assert.equal(await level(), Math.round(k * 1.2 * 100));
  await page.click('#zoom-fit');
  await assertDragPans(page);
  await assertScrollPans(page);
  await assertWheelZoomsAroundCursor(page);
  // Far out, cards lose their labels (level of detail) and come back when zooming in.
  await page.click('#zoom-fit');
  for (let i = 0; i < 8; i += 1) await page.click('#zoom-out');
  await page.waitForFunction(() => document.querySelector('#flow-canvas').classList.contains('far'));
  assert.equal(await page.locator('#flow-canvas .node-label').count(), 0);
  await page.click('#zoom-fit');
  await page.waitForSelector('#flow-canvas .node-label');
  await page.screenshot({ path: join(outputDir, 'editor.png') });
  assert.deepEqual(errors, []);
});

test('the minimap shows the flow and moves the view', async () => {
  const { page, errors } = browser;
  assert.equal(await page.locator('#minimap .minimap-cards').count() > 0, true);
  const before = parseTransform(await page.getAttribute('#flow-canvas', 'data-view'));
  const box = await page.locator('#minimap').boundingBox();
  await page.mouse.click(box.x + 10, box.y + 10);
  const after = parseTransform(await page.getAttribute('#flow-canvas', 'data-view'));
  assert.notDeepEqual(after, before);
  assert.equal(after.k, before.k, 'the minimap pans, it does not zoom');
  // Dragging in it moves the view along: 40 map pixels right means the view's centre goes
  // right too, so the flow moves left on screen.
  await page.mouse.move(box.x + 60, box.y + 60);
  await page.mouse.down();
  const start = parseTransform(await page.getAttribute('#flow-canvas', 'data-view'));
  await page.mouse.move(box.x + 100, box.y + 60, { steps: 5 });
  await page.mouse.up();
  const dragged = parseTransform(await page.getAttribute('#flow-canvas', 'data-view'));
  assert.ok(dragged.x < start.x - 20, `x ${start.x} -> ${dragged.x}`);
  assert.ok(Math.abs(dragged.y - start.y) < 0.5, `y ${start.y} -> ${dragged.y}`);
  assert.deepEqual(errors, []);
});

test('zoom to the selection and to fit from the keyboard', async () => {
  const { page, errors } = browser;
  await page.click('#zoom-fit');
  const fitted = await page.textContent('#zoom-level');
  // One card selected, Shift+2: it is centred at 100 %.
  await page.click('.node[data-node-id="node_review"] .node-card');
  await page.keyboard.press('Shift+Digit2');
  await page.waitForFunction(() => document.querySelector('#zoom-level').textContent === '100%');
  const card = await page.locator('.node[data-node-id="node_review"] .node-card').boundingBox();
  const canvas = await page.locator('#flow-canvas').boundingBox();
  assert.ok(Math.abs(card.x + card.width / 2 - (canvas.x + canvas.width / 2)) < 2, 'centred across');
  assert.ok(Math.abs(card.y + card.height / 2 - (canvas.y + canvas.height / 2)) < 2, 'centred down');
  // Shift+1: the whole flow again.
  await page.keyboard.press('Shift+Digit1');
  await page.waitForFunction((f) => document.querySelector('#zoom-level').textContent === f, fitted);
  assert.equal((await page.locator('#flow-canvas .node').count()), 7);
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
});

test('every kind can be created from the palette, by click and by drag and drop', async () => {
  const page = await freshFlow();
  const { errors } = browser;
  assert.equal(await page.locator('.palette-item').count(), 24);
  for (const [i, kind] of KINDS.entries()) {
    await page.click(`.palette-item[data-kind="${kind}"]`);
    await waitForCounts(page, i + 1, (await counts(page)).edges);
  }
  const flow = await draftFlow(page, (f) => f.nodes.length === 24);
  assert.deepEqual(flow.nodes.map((n) => n.type).sort(), [...KINDS].sort());
  // Each kind got its default ports and config, and a palette click after a selected node
  // connects it (entries have no input, so they start new chains).
  const loop = flow.nodes.find((n) => n.type === 'logic_loop');
  assert.deepEqual(loop.outputs.map((p) => p.id), ['out_body', 'out']);
  assert.equal(flow.nodes.find((n) => n.type === 'entry_api').config.method, 'POST');
  assert.equal(flow.edges.length, 21);

  // Drag and drop lands the card where it was dropped.
  await page.keyboard.press('Escape');
  const box = await page.locator('#flow-canvas').boundingBox();
  await page.dragAndDrop('.palette-item[data-kind="tool_http"]', '#flow-canvas', {
    targetPosition: { x: 200, y: 150 },
  });
  await waitForCounts(page, 25, 21);
  const dropped = await draftFlow(page, (f) => f.nodes.length === 25);
  const created = dropped.nodes.at(-1);
  assert.equal(created.type, 'tool_http');
  const vp = parseTransform(await page.getAttribute('#flow-canvas', 'data-view'));
  const flowX = (200 - vp.x) / vp.k;
  assert.ok(Math.abs(created.position.x - (flowX - 40)) <= 16, `dropped at ${created.position.x}, wanted ~${flowX - 40}`);
  assert.equal(created.position.x % 16, 0, 'snapped to the grid');
  assert.ok(box.width > 0);
  assert.deepEqual(errors, []);
});

test('edges connect port to port, refuse bad drops with a reason, reconnect and delete', async () => {
  await freshFlow();
  const page = await openEditor('/examples/hello-world');
  const { errors } = browser;
  // A third node to connect to, dropped below the chain.
  await page.dragAndDrop('.palette-item[data-kind="llm_guarded"]', '#flow-canvas', {
    targetPosition: { x: 520, y: 560 },
  });
  await waitForCounts(page, 3, 1);
  const third = (await draftFlow(page, (f) => f.nodes.length === 3)).nodes[2].id;
  await page.click('#zoom-fit');

  // Entry → third node.
  await dragBetween(page, '.node[data-node-id="node_entry"] .port-out', `.node[data-node-id="${third}"] .port-in`);
  await waitForCounts(page, 3, 2);
  let flow = await draftFlow(page, (f) => f.edges.length === 2);
  const added = flow.edges.find((e) => e.target.node === third);
  assert.equal(added.source.node, 'node_entry');
  assert.equal(added.type, 'sequential');

  // The same connection again, and a connection into an entry, are refused with a reason.
  await dragBetween(page, '.node[data-node-id="node_entry"] .port-out', `.node[data-node-id="${third}"] .port-in`);
  assert.match(await notice(page), /already connected/);
  await dragBetween(page, '.node[data-node-id="node_echo"] .port-out', '.node[data-node-id="node_entry"] .node-card');
  assert.match(await notice(page), /start a flow and have no input/);
  assert.deepEqual(await counts(page), { nodes: 3, edges: 2 });

  // Select the new edge, drag its target end onto the Echo node: it now goes there.
  await page.click('#zoom-fit');
  const edge = `.edge[data-edge-id="${added.id}"]`;
  const mid = await page.$eval(`${edge} .edge-line`, (p) => {
    const pt = p.getPointAtLength(p.getTotalLength() / 2);
    const m = p.getScreenCTM();
    return { x: pt.x * m.a + m.e, y: pt.y * m.d + m.f };
  });
  await page.mouse.click(mid.x, mid.y);
  await page.waitForSelector(`${edge}.selected`);
  // Its end handles are drawn above the cards, over the ports they join.
  const ends = `.edge-handles[data-edge-id="${added.id}"]`;
  await dragBetween(page, `${ends} [data-edge-end="target"]`, '.node[data-node-id="node_echo"] .port-in');
  // Entry → Echo already exists, so that is refused...
  assert.match(await notice(page), /already connected/);
  // ...but moving the source end to Echo's output works.
  await dragBetween(page, `${ends} [data-edge-end="source"]`, '.node[data-node-id="node_echo"] .port-out');
  flow = await draftFlow(page, (f) => f.edges.some((e) => e.id === added.id && e.source.node === 'node_echo'));
  assert.equal(flow.edges.find((e) => e.id === added.id).target.node, third);

  // Delete the selected edge; undo brings it back.
  await page.keyboard.press('Delete');
  await waitForCounts(page, 3, 1);
  await page.keyboard.press('Control+z');
  await waitForCounts(page, 3, 2);
  assert.deepEqual(errors, []);
});

test('a decision makes conditional edges whose condition is edited in place', async () => {
  const page = await freshFlow();
  const { errors } = browser;
  await page.keyboard.press('/');
  await page.keyboard.type('decision');
  await page.keyboard.press('Enter');
  await page.keyboard.press('/');
  await page.keyboard.type('rigid');
  await page.keyboard.press('Enter');
  await waitForCounts(page, 2, 1);
  let flow = await draftFlow(page, (f) => f.edges.length === 1);
  const edge = flow.edges[0];
  assert.equal(edge.type, 'conditional');
  assert.equal(edge.condition, 'true');
  await page.dblclick(`.edge[data-edge-id="${edge.id}"] .edge-label`);
  await page.fill('#condition-input', 'score > 0.5');
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.edge[data-edge-id="${edge.id}"] .edge-label:text("score > 0.5")`);
  flow = await draftFlow(page, (f) => f.edges[0].condition === 'score > 0.5');
  assert.equal(flow.edges[0].condition, 'score > 0.5');
  assert.deepEqual(errors, []);
});

test('box select, move, undo and redo', async () => {
  await freshFlow();
  const page = await openEditor('/examples/customer-support');
  const { errors } = browser;
  const a = await page.locator('.node[data-node-id="node_classify"] .node-card').boundingBox();
  const b = await page.locator('.node[data-node-id="node_kb"] .node-card').boundingBox();
  const start0 = { classify: await nodePosition(page, 'node_classify'), kb: await nodePosition(page, 'node_kb') };
  // Shift-drag a band over the two cards.
  await page.keyboard.down('Shift');
  await dragBetween(page, { x: a.x - 10, y: a.y - 30 }, { x: b.x + b.width / 2, y: b.y + b.height + 10 });
  await page.keyboard.up('Shift');
  assert.deepEqual(
    await page.$$eval('.node.selected', (n) => n.map((e) => e.dataset.nodeId).sort()),
    ['node_classify', 'node_kb'],
  );
  // Drag one of them: both move by the same (snapped) amount, as one step.
  const k = parseTransform(await page.getAttribute('#flow-canvas', 'data-view')).k;
  const grab = await centre(page, '.node[data-node-id="node_kb"] .node-kind');
  await dragBetween(page, grab, { x: grab.x + 160 * k, y: grab.y + 96 * k }, { steps: 12 });
  const moved = { classify: await nodePosition(page, 'node_classify'), kb: await nodePosition(page, 'node_kb') };
  const dx = moved.kb.x - start0.kb.x;
  const dy = moved.kb.y - start0.kb.y;
  assert.ok(Math.abs(dx - 160) <= 16 && Math.abs(dy - 96) <= 16, `moved by ${dx}, ${dy}`);
  assert.deepEqual([moved.classify.x - start0.classify.x, moved.classify.y - start0.classify.y], [dx, dy]);
  assert.equal(moved.kb.x % 16, 0, 'the dragged card lands on the grid');

  await page.keyboard.press('Control+z');
  assert.deepEqual(await nodePosition(page, 'node_kb'), start0.kb);
  assert.deepEqual(await nodePosition(page, 'node_classify'), start0.classify);
  await page.keyboard.press('Control+Shift+z');
  assert.deepEqual(await nodePosition(page, 'node_kb'), moved.kb);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+y');
  assert.deepEqual(await nodePosition(page, 'node_classify'), moved.classify);
  // Arrow keys nudge the selection, and a burst of nudges is one step.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal((await nodePosition(page, 'node_kb')).x, moved.kb.x + 32);
  await page.click('#undo');
  assert.equal((await nodePosition(page, 'node_kb')).x, moved.kb.x);
  assert.deepEqual(errors, []);
});

test('copy and paste between two flows through the system clipboard', async () => {
  await freshFlow();
  let page = await openEditor('/examples/customer-support');
  const { errors } = browser;
  await page.click('.node[data-node-id="node_kb"] .node-kind');
  await page.click('.node[data-node-id="node_respond"] .node-kind', { modifiers: ['Shift'] });
  await page.keyboard.press('Control+c');
  page = await openEditor('/flows/new');
  await page.locator('#flow-canvas').focus();
  await page.keyboard.press('Control+v');
  await waitForCounts(page, 2, 1);
  let flow = await draftFlow(page, (f) => f.nodes.length === 2);
  assert.deepEqual(flow.nodes.map((n) => n.label).sort(), ['Generate Response', 'KB Search']);
  assert.ok(flow.nodes.every((n) => n.id !== 'node_kb' && n.id !== 'node_respond'), 'fresh ids');
  assert.equal(flow.edges[0].source.node, flow.nodes.find((n) => n.label === 'KB Search').id);
  // JSON pasted from elsewhere (here: a node written by hand) is accepted too.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', JSON.stringify({
      id: 'n', type: 'tool_http', label: 'Fetch', position: { x: 0, y: 0 }, config: { method: 'GET' },
    }));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  });
  await waitForCounts(page, 3, 1);
  // Text that is not a flow is refused with a reason and changes nothing.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', 'hello');
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  });
  assert.match(await notice(page), /does not hold JSON/);
  // Cut removes what it copies.
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+x');
  await waitForCounts(page, 0, 0);
  await page.keyboard.press('Control+v');
  await waitForCounts(page, 3, 1);
  flow = await draftFlow(page, (f) => f.nodes.length === 3);
  assert.equal(flow.nodes.length, 3);
  assert.deepEqual(errors, []);
});

test('a node is renamed in place and the rename undoes', async () => {
  await freshFlow();
  const page = await openEditor('/examples/customer-support');
  const { errors } = browser;
  await page.dblclick('.node[data-node-id="node_classify"] .node-label');
  await page.waitForSelector('#rename-input');
  await page.fill('#rename-input', 'Triage');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.node[data-node-id="node_classify"] .node-label:text("Triage")');
  // Escape cancels.
  await page.keyboard.press('F2');
  await page.fill('#rename-input', 'Nope');
  await page.keyboard.press('Escape');
  assert.equal(await page.textContent('.node[data-node-id="node_classify"] .node-label'), 'Triage');
  await page.keyboard.press('Control+z');
  await page.waitForSelector('.node[data-node-id="node_classify"] .node-label:text("Classify Intent")');
  assert.deepEqual(errors, []);
});

test('tidy up lays the flow out left to right as one undo step', async () => {
  await freshFlow();
  const page = await openEditor('/examples/customer-support');
  const { errors } = browser;
  const before = {};
  for (const id of EXAMPLE_NODES) before[id] = await nodePosition(page, id);
  // Move the HITL node far to the left first: tidy-up must put it back after the decision.
  await page.click('.node[data-node-id="node_review"] .node-kind');
  for (let i = 0; i < 10; i += 1) await page.keyboard.press('Shift+ArrowLeft');
  await page.click('#tidy');
  const flow = await draftFlow(page, (f) => {
    const x = Object.fromEntries(f.nodes.map((n) => [n.id, n.position.x]));
    return x.node_review > x.node_decide;
  });
  const x = Object.fromEntries(flow.nodes.map((n) => [n.id, n.position.x]));
  for (const e of flow.edges) assert.ok(x[e.source.node] < x[e.target.node], `${e.id} points left`);
  await page.keyboard.press('Control+z');
  const review = await nodePosition(page, 'node_review');
  assert.equal(review.x, before.node_review.x - 640, 'one undo step undoes the whole layout');
  assert.deepEqual(errors, []);
});

test('save, reload and see the saved flow; a later save makes a new version', async () => {
  await freshFlow();
  const page = await openEditor('/examples/hello-world');
  const { errors } = browser;
  await page.fill('#flow-name', 'Greeter');
  await page.keyboard.press('Enter');
  await page.click('#save');
  assert.match(await notice(page), /Saved version 1\.0\.0/);
  await page.waitForURL(/\/flows\/flow_[0-9a-z]+$/);
  const id = page.url().split('/').at(-1);
  assert.equal(await page.textContent('#flow-version'), 'v1.0.0');
  const stored = await api('GET', `/api/v1/flows/${id}`);
  assert.equal(stored.status, 200);
  assert.equal(stored.body.name, 'Greeter');
  assert.equal(stored.body.description, 'Echo Agent: answers every request with its own message.');
  assert.equal(stored.body.content.nodes.length, 2);

  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]');
  assert.equal(await page.inputValue('#flow-name'), 'Greeter');
  assert.equal(await page.locator('#draft-notice').count(), 0, 'nothing unsaved to restore');
  assert.deepEqual(await counts(page), { nodes: 2, edges: 1 });

  await page.dblclick('.node[data-node-id="node_echo"] .node-label');
  await page.fill('#rename-input', 'Echo twice');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+s');
  assert.match(await notice(page), /Saved version 1\.0\.1/);
  assert.equal(await page.textContent('#flow-version'), 'v1.0.1');

  // It is listed on the flows page, and found by search.
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.waitForSelector(`.flow-row[data-flow-id="${id}"]`);
  await page.fill('#flow-search', 'greet');
  await page.waitForSelector(`.flow-row[data-flow-id="${id}"]`);
  await page.fill('#flow-search', 'nothing like it');
  await page.waitForSelector('text=No flow name matches.');
  assert.deepEqual(errors, []);
});

test('a change not saved is restored as a draft after a reload, and can be discarded', async () => {
  await freshFlow();
  let page = await openEditor('/examples/hello-world');
  await page.click('#save');
  await notice(page);
  await page.waitForURL(/\/flows\/flow_/);
  const { errors } = browser;
  await page.click('.palette-item[data-kind="checkpoint"]');
  await waitForCounts(page, 3, 1);
  await draftFlow(page, (f) => f.nodes.length === 3);
  page = await openEditor(new URL(page.url()).pathname);
  await page.waitForSelector('#draft-notice');
  assert.deepEqual(await counts(page), { nodes: 3, edges: 1 });
  assert.equal(await page.locator('#undo').isDisabled(), true, 'a restored draft has no undo history');
  await page.click('#discard-draft');
  await waitForCounts(page, 2, 1);
  await page.waitForSelector('#draft-notice', { state: 'detached' });
  // The flows page offers unsaved work too.
  await page.click('.palette-item[data-kind="checkpoint"]');
  await draftFlow(page, (f) => f.nodes.length === 3);
  const flowPath = new URL(page.url()).pathname;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.waitForSelector('#draft-list .draft-row');
  // Coming back in a new tab lands in that unsaved work, restored.
  const tab = await page.context().newPage();
  try {
    await tab.goto(server.url + '/', { waitUntil: 'load' });
    await tab.waitForURL((url) => url.pathname === flowPath);
    await tab.waitForSelector('#draft-notice');
    assert.deepEqual(await counts(tab), { nodes: 3, edges: 1 });
  } finally {
    await tab.close();
  }
  assert.deepEqual(errors, []);
});

test('a save over a newer version is refused and offers reload or a copy', async () => {
  await freshFlow();
  const page = await openEditor('/examples/hello-world');
  const { errors } = browser;
  await page.click('#save');
  await notice(page);
  await page.waitForURL(/\/flows\/flow_/);
  const id = page.url().split('/').at(-1);
  // Someone else saves version 1.0.1.
  const theirs = await api('GET', `/api/v1/flows/${id}`);
  theirs.body.content.name = 'Theirs';
  const put = await api('PUT', `/api/v1/flows/${id}`, { name: 'Theirs', content: theirs.body.content }, { 'if-match': '"1.0.0"' });
  assert.equal(put.status, 200);
  // Our edit, saved on 1.0.0, conflicts.
  await page.click('.palette-item[data-kind="checkpoint"]');
  await page.click('#save');
  await page.waitForSelector('#conflict');
  assert.match(await page.textContent('#conflict'), /1\.0\.1/);
  await page.click('#conflict-copy');
  assert.match(await notice(page), /Saved version/);
  await page.waitForURL((url) => !url.pathname.endsWith(id));
  const copy = await api('GET', `/api/v1/flows/${page.url().split('/').at(-1)}`);
  assert.equal(copy.body.content.nodes.length, 3);
  assert.match(copy.body.name, /\(copy\)$/);
  const original = await api('GET', `/api/v1/flows/${id}`);
  assert.equal(original.body.name, 'Theirs', 'their version was not overwritten');
  // The browser logs the refused request itself; nothing else may go wrong.
  assert.deepEqual(errors.filter((e) => !e.includes('409 (Conflict)')), []);
});

test('a YAML manifest produced by the compiler imports as the same graph', async () => {
  const page = await freshFlow();
  const { errors } = browser;
  // Compile the bundled example with the server's compiler, then import the YAML in the editor.
  const customer = await readExample('customer-support');
  const compiled = await api('POST', '/api/v1/flows/compile', { content: customer, format: 'yaml' });
  assert.equal(compiled.status, 200);
  assert.deepEqual(compiled.body.errors, []);
  await page.setInputFiles('#import-file', {
    name: 'customer-support.yaml', mimeType: 'application/yaml', buffer: Buffer.from(compiled.body.body),
  });
  assert.match(await notice(page), /Imported customer-support\.yaml/);
  await waitForCounts(page, 7, 6);
  const imported = await draftFlow(page, (f) => f.nodes.length === 7);
  assert.deepEqual(imported.nodes.map((n) => [n.id, n.type, n.label]), customer.nodes.map((n) => [n.id, n.type, n.label]));
  assert.deepEqual(
    imported.edges.map((e) => [e.source.node, e.source.port, e.target.node, e.target.port, e.type, e.condition ?? null]),
    customer.edges.map((e) => [e.source.node, e.source.port, e.target.node, e.target.port, e.type, e.condition ?? null]),
  );
  assert.notEqual(imported.id, customer.id, 'an import is a new flow');
  assert.equal(await page.textContent('#flow-version'), 'unsaved');
  // A file that is neither says so.
  await page.setInputFiles('#import-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"id": 1}') });
  assert.match(await notice(page), /Could not import bad\.json: not a FlowGraph document/);
  await waitForCounts(page, 7, 6);
  assert.deepEqual(errors, []);
});

test('a two-node flow is built with the keyboard alone', async () => {
  const page = await freshFlow();
  const { errors } = browser;
  await page.keyboard.press('/');
  await page.keyboard.type('api entry');
  await page.keyboard.press('Enter');
  await page.keyboard.press('/');
  await page.keyboard.type('guarded');
  await page.keyboard.press('Enter');
  await waitForCounts(page, 2, 1);
  // Tab reaches the cards; Space selects the focused one; F2 renames it.
  await page.keyboard.press('Escape');
  await page.locator('#flow-canvas').focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.dataset?.nodeId);
  assert.ok(focused, 'a node card takes the focus');
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), /node$/);
  await page.keyboard.press('Space');
  await page.waitForSelector(`.node.selected[data-node-id="${focused}"]`);
  await page.keyboard.press('F2');
  await page.keyboard.type('Start here');
  await page.keyboard.press('Enter');
  const flow = await draftFlow(page, (f) => f.nodes.some((n) => n.label === 'Start here'));
  assert.deepEqual(flow.nodes.map((n) => n.type).sort(), ['entry_api', 'llm_guarded']);
  assert.equal(flow.edges[0].source.port, 'out_request');
  await page.keyboard.press('Control+s');
  assert.match(await notice(page), /Saved version 1\.0\.0|Saved version 0\.1\.0/);
  assert.deepEqual(errors, []);
});

test('the live preview compiles in the browser and marks problems on the canvas', async () => {
  await freshFlow();
  const page = await openEditor('/examples/hello-world');
  const { errors } = browser;
  assert.equal(await page.isVisible('#preview'), false, 'closed until asked for');
  await page.keyboard.press('Shift+KeyP');
  await page.waitForSelector('#preview .preview-text');
  assert.match(await page.textContent('#preview .preview-text'), /persona: Echo Agent/);
  // Coloured: keys and strings are marked.
  assert.equal(await page.textContent('#preview .preview-text .tok-key >> nth=0'), 'core:');
  assert.ok(await page.locator('#preview .preview-text .tok-string').count() > 0);

  // A rename shows in the YAML at once, with no request to the server.
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.dblclick('.node[data-node-id="node_echo"] .node-label');
  await page.fill('#rename-input', 'Parrot');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /node_label: Parrot/.test(document.querySelector('#preview .preview-text')?.textContent ?? ''));
  assert.deepEqual(requests.filter((u) => u.includes('/api/')), []);
  // The server's compile endpoint gives the same bytes for the same flow.
  const flow = await draftFlow(page, (f) => f.nodes.some((n) => n.label === 'Parrot'));
  const served = await api('POST', '/api/v1/flows/compile', { content: flow, format: 'yaml' });
  assert.equal(served.status, 200);
  assert.equal(served.body.body, await page.textContent('#preview .preview-text'));
  assert.equal(served.body.body, await downloaded(page), 'the downloaded manifest too');

  // IR reads as JSON and downloads as MessagePack; .scai is text.
  await page.click('.preview-tab[data-tab="ir"]');
  await page.waitForFunction(() => document.querySelector('#preview .preview-text')?.textContent.trim().startsWith('{'));
  JSON.parse(await page.textContent('#preview .preview-text'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#preview-download')]);
  assert.equal(download.suggestedFilename(), 'flow.scir');
  const ir = await api('POST', '/api/v1/flows/compile', { content: flow, format: 'ir' });
  assert.equal(readFileSync(await download.path()).toString('base64'), ir.body.body, 'the same IR bytes');
  await page.click('.preview-tab[data-tab="scai"]');
  await page.waitForFunction(() => !document.querySelector('#preview .preview-text')?.textContent.trim().startsWith('{'));
  const scai = await api('POST', '/api/v1/flows/compile', { content: flow, format: 'scai' });
  assert.equal(scai.body.body, await downloaded(page), 'the same .scai text');

  // A guarded prompt without a goal is an error: a draft marked as such, a red card, the
  // message listed; clicking the message selects the card.
  await page.click('.node[data-node-id="node_echo"] .node-card');
  await page.click('.palette-item[data-kind="llm_guarded"]');
  await waitForCounts(page, 3, 2);
  const added = (await draftFlow(page, (f) => f.nodes.length === 3)).nodes[2].id;
  await page.waitForSelector(`.node.has-error[data-node-id="${added}"]`);
  assert.match(await page.textContent('#preview-state[data-state="draft"]'), /Draft: 1 error keeps/);
  assert.match(await page.textContent('#preview .preview-text'), /^(#|\/\/) Draft: 1 error/);
  // The status bar counts the problems; a click opens them.
  assert.equal((await page.textContent('#problems')).trim(), '1 error');
  await page.click('#toggle-preview');
  await page.click('#problems');
  await page.waitForSelector('#preview .preview-tab[data-tab="diagnostics"][aria-selected="true"]');
  const row = page.locator(`#diagnostics .diagnostic.error[data-target="${added}"]`);
  assert.match(await row.textContent(), /llm_guarded needs a goal/);
  // The server's validate endpoint finds the same problems.
  const broken = await draftFlow(page, (f) => f.nodes.length === 3);
  const checked = await api('POST', '/api/v1/flows/validate', { content: broken });
  const listed = await page.$$eval('#diagnostics .diagnostic', (els) => els.map((e) => e.dataset.message));
  assert.deepEqual(checked.body.diagnostics.map((d) => d.message).sort(), [...listed].sort());
  assert.equal(checked.body.valid, false);
  await page.keyboard.press('Escape');
  await row.click();
  await page.waitForSelector(`.node.selected[data-node-id="${added}"]`);

  // Undo: the flow compiles again and the badge goes.
  await page.click('#undo');
  await page.waitForSelector('#no-diagnostics');
  assert.equal(await page.locator('.node.has-error').count(), 0);
  assert.equal(await page.locator('#problems').count(), 0);
  await page.click('#toggle-preview');
  assert.equal(await page.isVisible('#preview'), false);
  assert.deepEqual(errors, []);
});

test('a long manifest is shown a window of lines at a time, following the scroll', async () => {
  await freshFlow();
  const page = await openEditor('/examples/customer-support');
  const { errors } = browser;
  await page.click('#toggle-preview');
  await page.waitForSelector('#preview .preview-text');
  const whole = await downloaded(page);
  const lines = whole.replace(/\n$/, '').split('\n').length;
  assert.ok(lines > 250, `${lines} lines`);
  assert.equal(Number(await page.getAttribute('#preview .preview-text', 'data-lines')), lines);
  const shown = await page.textContent('#preview .preview-text');
  assert.ok(whole.startsWith(shown) && shown.length < whole.length, 'the first lines only');
  await page.$eval('#preview .preview-body', (el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction((end) => document.querySelector('#preview .preview-text').textContent.endsWith(end), whole.slice(-40));
  await page.click('#toggle-preview');
  assert.deepEqual(errors, []);
});

test('the help overlay lists the shortcuts', async () => {
  const page = await freshFlow();
  const { errors } = browser;
  await page.keyboard.press('?');
  await page.waitForSelector('#help-overlay');
  const text = await page.textContent('#help-overlay');
  for (const what of ['Undo', 'Redo', 'Duplicate', 'Tidy up', 'Box select', 'Zoom to fit']) {
    assert.ok(text.includes(what), `${what} is listed`);
  }
  await page.keyboard.press('Escape');
  await page.waitForSelector('#help-overlay', { state: 'detached' });
  assert.deepEqual(errors, []);
});

test('health is reported by the running server', async () => {
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.equal(body.checks.database.backend, 'sqlite');
  assert.equal(body.checks.object_store.backend, 'file');
});

async function readExample(key) {
  const { readFile } = await import('node:fs/promises');
  const { repoRoot } = await import('./harness.mjs');
  return JSON.parse(await readFile(join(repoRoot, 'crates', 'flow-model', 'flows', `${key}.flow.json`), 'utf8'));
}
