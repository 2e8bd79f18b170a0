// What a new user meets in the editor, in headless Chromium against the real server: refused
// values never stored, readable controls at the panel's width, a preview that is never empty,
// a new flow that starts without an error, diagnostics that name nodes by label and go where
// they are fixed, back edges that can be seen and clicked, labels that follow typing, pastes
// clear of the cards, notices and dialogs that stay out of the way, and the flows page's
// rename, duplicate and delete.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { apiClient, openBrowser, startServer } from './harness.mjs';
import { dragBetween, draftFlow, selectNode, showFlowProperties, waitForCounts } from './canvas.mjs';

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  api = apiClient(server.url);
  browser = await openBrowser({ viewport: { width: 1400, height: 860 } });
});

after(async () => {
  await browser?.close();
  assert.equal(await server?.stop(), 0);
});

beforeEach(async () => {
  browser.errors.length = 0;
  await browser.page.setViewportSize({ width: 1400, height: 860 });
});

async function openEditor(path) {
  const { page } = browser;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.evaluate(() => localStorage.clear());
  await page.goto(server.url + path, { waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  return page;
}

/** Adds a node of `kind` after the selected one; its id. */
async function addAfter(page, from, kind, count) {
  await selectNode(page, from);
  await page.click(`.palette-item[data-kind="${kind}"]`);
  const flow = await draftFlow(page, (f) => f.nodes.length === count);
  return flow.nodes[count - 1].id;
}

/** A flow document from nodes and edges (positions in a row unless given). */
function flowDoc(nodes, edges, config) {
  return {
    id: 'flow_doc', name: 'Doc', version: '1.0.0', scaicore_target: '0.2',
    nodes: nodes.map((n, i) => ({
      label: n.id.toUpperCase(), position: { x: 80 + 320 * i, y: 160 }, config: {}, inputs: [{ id: 'in' }], outputs: [{ id: 'out' }], ...n,
    })),
    edges: edges.map(([id, from, to]) => ({ id, type: 'sequential', source: { node: from, port: 'out' }, target: { node: to, port: 'in' } })),
    config: config ?? { core_identity: { name: 'Doc', models: [{ role: 'primary', ref: 'scaigrid', model: 'openai/gpt-4o-mini' }] } },
  };
}

async function saved(doc) {
  const created = await api('POST', '/api/v1/flows', { name: doc.name, content: doc });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

/**
 * Types `keys` into the control one key at a time (after selecting what it holds), waits for
 * the draft, and returns the stored config value `read(flow)` then.
 */
async function typeAndRead(page, selector, keys, read) {
  await page.click(selector);
  await page.keyboard.press('Control+a');
  await page.keyboard.type(keys, { delay: 30 });
  await page.waitForTimeout(800); // the draft is written 500 ms after the last change
  return read(await draftFlow(page));
}

/** The refused field is marked, its reason beside it; on blur it shows the stored value. */
async function assertRefusedThenRestored(page, selector, container, stored) {
  assert.equal(await page.getAttribute(selector, 'aria-invalid'), 'true', `${selector} is marked invalid`);
  const reason = page.locator(`${container} .field-error`);
  assert.ok(await reason.count() > 0 && (await reason.first().textContent()).length > 5, `a reason beside ${selector}`);
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue(selector), stored, `${selector} shows the stored value again`);
  assert.equal(await page.getAttribute(selector, 'aria-invalid'), 'false');
}

test('a refused number or JSON never changes what is stored, in any kind and in the topology', async () => {
  const page = await openEditor('/examples/hello-world');
  const { errors } = browser;
  const config = (id, key) => (f) => f.nodes.find((n) => n.id === id).config[key];

  // A loop's max iterations: 9 digits fit a u32, the tenth does not.
  const loop = await addAfter(page, 'node_echo', 'logic_loop', 3);
  let stored = await typeAndRead(page, '#cfg-max_iterations', '9999999999', config(loop, 'max_iterations'));
  assert.equal(stored, undefined, 'the refused tenth digit took the first nine back too');
  await assertRefusedThenRestored(page, '#cfg-max_iterations', '.field[data-field="max_iterations"]', '');

  // An HTTP call's timeout (30 by default).
  const http = await addAfter(page, loop, 'tool_http', 4);
  stored = await typeAndRead(page, '#cfg-timeout_s', '5000000000', config(http, 'timeout_s'));
  assert.equal(stored, 30);
  await assertRefusedThenRestored(page, '#cfg-timeout_s', '.field[data-field="timeout_s"]', '30');

  // A flexible prompt's budget is JSON: a valid prefix is not kept once the text breaks.
  const prompt = await addAfter(page, http, 'llm_flexible', 5);
  stored = await typeAndRead(page, '#cfg-budget', '{"max_tokens": 80}x', config(prompt, 'budget'));
  assert.equal(stored, undefined, 'the JSON that was valid for a moment is not kept');
  assert.equal(await page.getAttribute('#cfg-budget', 'aria-invalid'), 'true');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('#cfg-budget'), '');

  // A valid edit still goes through.
  await selectNode(page, http);
  stored = await typeAndRead(page, '#cfg-timeout_s', '45', config(http, 'timeout_s'));
  assert.equal(stored, 45);
  assert.equal(await page.getAttribute('#cfg-timeout_s', 'aria-invalid'), 'false');

  // The topology's retries (0 to 100): typing 500 stores neither 5 nor 50.
  await showFlowProperties(page);
  await page.click('#add-queue');
  await page.waitForSelector('#queue-0-retries');
  const retries = (f) => f.config.scaiqueue.queues[0].max_retries;
  stored = await typeAndRead(page, '#queue-0-retries', '500', retries);
  assert.equal(stored, 5, 'the default, not the last accepted prefix');
  await assertRefusedThenRestored(page, '#queue-0-retries', '.queue-row[data-index="0"]', '5');
  // The registry's temperature (0 to 2).
  await page.click('.model-row[data-index="0"] .model-advanced summary');
  stored = await typeAndRead(page, '#model-0-temperature', '25', (f) => f.config.core_identity.models[0].temperature);
  assert.equal(stored, undefined);
  await assertRefusedThenRestored(page, '#model-0-temperature', '.model-row[data-index="0"]', '');
  assert.deepEqual(errors, []);
});

/** What in the properties panel cannot be read at its width: text cut off, slivers, overflow. */
async function unreadable(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('#properties');
    const box = panel.getBoundingClientRect();
    const ctx = document.createElement('canvas').getContext('2d');
    const width = (text, el) => {
      const cs = getComputedStyle(el);
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      return ctx.measureText(text).width;
    };
    const name = (el) => el.id || el.getAttribute('aria-label') || el.className || el.tagName;
    const problems = [];
    for (const el of panel.querySelectorAll('input, select, textarea, .queue-row, .model-row, .form-section')) {
      if (el.type === 'checkbox' || el.type === 'hidden' || !el.offsetParent) continue;
      const r = el.getBoundingClientRect();
      if (r.right > box.right + 0.5 || r.left < box.left - 0.5) problems.push(`${name(el)} overflows the panel`);
      if (!['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) continue;
      const cs = getComputedStyle(el);
      const inner = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      if (inner < 48) problems.push(`${name(el)} is ${Math.round(inner)} px wide`);
      if (el.tagName === 'SELECT') {
        const text = el.options[el.selectedIndex]?.text ?? '';
        if (width(text, el) + 22 > el.clientWidth) problems.push(`${name(el)} cuts off "${text}"`);
      } else if (el.type === 'number') {
        const text = el.max || el.value || '0000';
        if (width(text, el) + 18 > inner) problems.push(`${name(el)} cannot show ${text}`);
      } else if (el.placeholder && width(el.placeholder, el) > inner + 1) {
        problems.push(`${name(el)} cuts off its placeholder "${el.placeholder}"`);
      }
    }
    return problems;
  });
}

test('every control of the properties panel is readable at its default width', async () => {
  for (const width of [1400, 1920]) {
    await browser.page.setViewportSize({ width, height: 900 });
    const page = await openEditor('/examples/customer-support');
    const { errors } = browser;
    assert.equal(Math.round((await page.locator('#properties').boundingBox()).width), 300);
    // The flow panel with a queue, two models (one opened) and the sandbox declared.
    await showFlowProperties(page);
    await page.click('#add-queue');
    await page.click('#add-model');
    await page.click('.model-row[data-index="1"] .model-advanced summary');
    await page.check('#bunker-enabled');
    await page.waitForSelector('#bunker-cpu');
    assert.deepEqual(await unreadable(page), [], `flow properties at ${width} px`);
    // Node forms: a prompt (model role dropdown), the review (Form Builder), a plugin call.
    for (const id of ['node_classify', 'node_review', 'node_kb']) {
      await selectNode(page, id);
      assert.deepEqual(await unreadable(page), [], `${id} at ${width} px`);
    }
    assert.deepEqual(errors, []);
  }
});

test('the preview is never empty: a first node without an entry drafts, errors on top', async () => {
  const page = await openEditor('/flows/new');
  const { errors } = browser;
  await page.click('#toggle-preview');
  // The newcomer's first node: a flexible prompt, before any entry point.
  await page.click('.palette-item[data-kind="llm_flexible"]');
  await waitForCounts(page, 1, 0);
  await page.waitForSelector('#preview .preview-text');
  assert.equal(await page.getAttribute('#preview-state', 'data-state'), 'draft');
  const text = await page.textContent('#preview .preview-text');
  assert.match(text, /^# Draft: \d errors? keeps? this flow from compiling/);
  assert.match(text, /no entry-point node/);
  assert.match(text, /core:/);
  // Each tab has something to show.
  for (const tab of ['ir', 'scai', 'yaml']) {
    await page.click(`.preview-tab[data-tab="${tab}"]`);
    await page.waitForFunction(() => (document.querySelector('#preview .preview-text')?.textContent ?? '').length > 20);
  }
  // An entry and a goal make it compile: no longer a draft.
  await page.click('.palette-item[data-kind="entry_api"]');
  await waitForCounts(page, 2, 0);
  const flow = await draftFlow(page, (f) => f.nodes.length === 2);
  const [prompt, entry] = [flow.nodes[0].id, flow.nodes[1].id];
  await page.click('#toggle-preview');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Shift+Digit1');
  await dragBetween(page, `.node[data-node-id="${entry}"] .port-out`, `.node[data-node-id="${prompt}"] .port-in`);
  await waitForCounts(page, 2, 1);
  await selectNode(page, prompt);
  await page.fill('#cfg-goal', 'Greet the caller');
  await page.click('#toggle-preview');
  await page.waitForSelector('#preview .preview-text');
  await page.waitForFunction(() => !document.querySelector('#preview-state'));
  assert.match(await page.textContent('#preview .preview-text'), /llm_turn: Greet the caller/);
  assert.deepEqual(errors, []);
});

test('a new flow starts with a default model; diagnostics name nodes by label and go where they are fixed', async () => {
  const page = await openEditor('/flows/new');
  const { errors } = browser;
  await page.click('.palette-item[data-kind="llm_flexible"]');
  const flow = await draftFlow(page, (f) => f.nodes.length === 1);
  const id = flow.nodes[0].id;
  assert.deepEqual(flow.config.core_identity.models.map((m) => [m.role, m.ref, m.model]), [['primary', 'scaigrid', 'openai/gpt-4o-mini']]);
  await page.click('#toggle-preview');
  await page.click('.preview-tab[data-tab="diagnostics"]');
  await page.waitForSelector('#diagnostics');
  const messages = await page.$$eval('#diagnostics .diagnostic', (rows) => rows.map((r) => r.dataset.message));
  assert.ok(!messages.some((m) => m.includes('llm_role')), `no model error: ${messages}`);
  // The goal error reads with the label; the id is on hover.
  const row = page.locator(`#diagnostics .diagnostic[data-target="${id}"]`).first();
  const shown = await row.locator('.diagnostic-message').textContent();
  assert.ok(!shown.includes(id), `the id is not in the text: ${shown}`);
  assert.match(shown, /Flexible Prompt/);
  assert.equal(await row.locator(`.node-ref[title="${id}"]`).count(), 1);
  assert.equal(await row.locator('.diagnostic-fix').textContent(), 'Fix in Flexible Prompt › Goal');
  await row.click();
  await page.waitForFunction(() => document.activeElement?.id === 'cfg-goal');

  // A flow saved without any model: fixed in the flow's Models section, one click away.
  const doc = flowDoc([{ id: 'node_entry', type: 'entry_api', inputs: [], outputs: [{ id: 'out' }], config: { method: 'POST', path: '/' } },
    { id: 'node_ask', type: 'llm_flexible', label: 'Ask', config: { goal: 'Answer' } }], [['e1', 'node_entry', 'node_ask']], {});
  const saved_id = await saved(doc);
  await page.goto(`${server.url}/flows/${saved_id}`, { waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]');
  await page.click('#toggle-preview');
  await page.click('.preview-tab[data-tab="diagnostics"]');
  const missing = page.locator('#diagnostics .diagnostic[data-target="node_ask"]', { hasText: 'no model is declared' });
  await missing.waitFor();
  const missingText = await missing.locator('.diagnostic-message').textContent();
  assert.ok(missingText.includes('Ask') && !missingText.includes('node_ask'), missingText);
  assert.equal(await missing.locator('.diagnostic-fix').textContent(), 'Fix in Flow properties › Models');
  await missing.click();
  await page.waitForSelector('#models.flash');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('#models') !== null), true, 'focus is in Models');
  assert.deepEqual(errors.filter((e) => !e.includes('404')), []);
});

/** Points along an edge's drawn path, in client coordinates. */
async function pathPoints(page, edgeId, step = 6) {
  return page.$eval(`.edge[data-edge-id="${edgeId}"] .edge-line`, (path, step) => {
    const m = path.getScreenCTM();
    const out = [];
    for (let d = 0; d <= path.getTotalLength(); d += step) {
      const p = path.getPointAtLength(d);
      out.push({ x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f });
    }
    return out;
  }, step);
}

test('an edge back to an earlier node goes around the cards, visible and clickable', async () => {
  const doc = flowDoc(
    [{ id: 'a', type: 'llm_rigid', label: 'A' }, { id: 'b', type: 'llm_rigid', label: 'B' }, { id: 'c', type: 'llm_rigid', label: 'C' }],
    [['ab', 'a', 'b'], ['bc', 'b', 'c'], ['back', 'c', 'a']],
  );
  const id = await saved(doc);
  const page = await openEditor(`/flows/${id}`);
  const { errors } = browser;
  const back = await pathPoints(page, 'back');
  const forward = [...await pathPoints(page, 'ab', 3), ...await pathPoints(page, 'bc', 3)];
  const cards = await page.$$eval('.node .node-card', (rs) => rs.map((r) => r.getBoundingClientRect().toJSON()));
  const clear = back.filter((p) =>
    forward.every((q) => Math.hypot(p.x - q.x, p.y - q.y) > 10)
    && cards.every((c) => p.x < c.left - 4 || p.x > c.right + 4 || p.y < c.top - 4 || p.y > c.bottom + 4));
  assert.ok(clear.length > back.length * 0.6, `most of the back edge is apart from the rest: ${clear.length} of ${back.length}`);
  // Clicked where it runs alone, it is the one selected.
  const spot = clear[Math.floor(clear.length / 2)];
  await page.mouse.click(spot.x, spot.y);
  await page.waitForSelector('.edge.selected[data-edge-id="back"]');
  assert.equal(await page.locator('.edge.selected').count(), 1);
  assert.deepEqual(errors, []);
});

test('the card follows a label as it is typed, and the whole edit undoes at once', async () => {
  const page = await openEditor('/examples/hello-world');
  const { errors } = browser;
  await selectNode(page, 'node_echo');
  await page.click('#prop-label');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Tri', { delay: 40 });
  await page.waitForSelector('.node[data-node-id="node_echo"] .node-label:text-is("Tri")');
  await page.keyboard.type('age', { delay: 40 });
  await page.waitForSelector('.node[data-node-id="node_echo"] .node-label:text-is("Triage")');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'prop-label', 'the focus stays');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Control+z');
  await page.waitForSelector('.node[data-node-id="node_echo"] .node-label:text-is("Echo")');
  assert.deepEqual(errors, []);
});

/** Whether two client rectangles overlap. */
const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

test('a paste lands clear of the cards, at the pointer when it is over the canvas', async () => {
  const page = await openEditor('/examples/customer-support');
  const { errors } = browser;
  await page.click('.node[data-node-id="node_kb"] .node-kind');
  await page.keyboard.press('Control+c');
  // The pointer off the canvas: beside the original, overlapping nothing.
  await page.mouse.move(100, 300);
  await page.locator('#flow-canvas').focus();
  await page.keyboard.press('Control+v');
  await waitForCounts(page, 8, 6);
  const pasted = async () => {
    const ids = await page.$$eval('.node.selected', (ns) => ns.map((n) => n.dataset.nodeId));
    assert.equal(ids.length, 1);
    const rects = await page.$$eval('.node .node-card', (rs) => rs.map((r) => ({ id: r.closest('.node').dataset.nodeId, ...r.getBoundingClientRect().toJSON() })));
    const mine = rects.find((r) => r.id === ids[0]);
    for (const other of rects.filter((r) => r.id !== ids[0])) assert.ok(!overlap(mine, other), `the paste covers ${other.id}`);
    return mine;
  };
  await pasted();
  // The pointer over an empty part of the canvas: the paste goes there. Zoomed out a little,
  // the emptiest spot of the canvas (furthest from every card and the overlays) is picked.
  await page.click('#zoom-out');
  await page.click('#zoom-out');
  const at = await page.evaluate(() => {
    const rect = (el) => el.getBoundingClientRect();
    const box = rect(document.querySelector('#flow-canvas'));
    const cards = [...document.querySelectorAll('.node .node-card')].map(rect);
    const overlays = ['#minimap', '.zoom-controls'].map((s) => rect(document.querySelector(s)));
    const gap = (p, r) => Math.hypot(Math.max(r.left - p.x, 0, p.x - r.right), Math.max(r.top - p.y, 0, p.y - r.bottom));
    let best = null;
    for (let y = box.top + 60; y < box.bottom - 60; y += 20) {
      for (let x = box.left + 140; x < box.right - 140; x += 20) {
        const p = { x, y };
        if (overlays.some((o) => gap(p, o) < 60)) continue;
        const clearance = Math.min(...cards.map((c) => gap(p, c)));
        if (!best || clearance > best.clearance) best = { ...p, clearance, card: cards[0].width };
      }
    }
    return best;
  });
  assert.ok(at.clearance > at.card, `room for a card at the pointer: ${JSON.stringify(at)}`);
  await page.mouse.move(at.x, at.y);
  await page.keyboard.press('Control+v');
  await waitForCounts(page, 9, 6);
  const mine = await pasted();
  const middle = { x: (mine.left + mine.right) / 2, y: (mine.top + mine.bottom) / 2 };
  assert.ok(Math.hypot(middle.x - at.x, middle.y - at.y) < 40, `at the pointer: ${JSON.stringify([middle, at])}`);
  assert.deepEqual(errors, []);
});

test('notices cover no control; dialogs fit the window, take the focus and close on Escape', async () => {
  const page = await openEditor('/examples/hello-world');
  const { errors } = browser;
  await page.click('#save');
  await page.waitForSelector('#notice');
  const asRect = (b) => ({ left: b.x, right: b.x + b.width, top: b.y, bottom: b.y + b.height });
  const coversNothing = async (what) => {
    const toast = await page.locator('#notice').boundingBox();
    for (const control of ['.zoom-controls', '#minimap', '#properties', '.palette', '.topbar', '.statusbar']) {
      const b = await page.locator(control).first().boundingBox();
      assert.ok(!overlap(asRect(toast), asRect(b)), `${what} covers ${control}`);
    }
  };
  await coversNothing('the save notice');
  // A long notice (a refused paste names all 24 kinds) wraps, still covering nothing.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/plain', JSON.stringify({ id: 'n', type: 'nope', label: 'x', position: { x: 0, y: 0 } }));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  });
  await page.waitForSelector('#notice.error');
  assert.ok((await page.locator('#notice').boundingBox()).height > 40, 'the notice is several lines');
  await coversNothing('a long notice');

  // The shortcuts at a 1000 px window: Close is in view and works.
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.keyboard.press('?');
  await page.waitForSelector('#help-overlay');
  assert.ok(await page.evaluate(() => document.querySelector('#help-overlay').contains(document.activeElement)), 'focus moved in');
  const close = await page.locator('#help-close').boundingBox();
  assert.ok(close.y + close.height <= 1000 && close.y >= 0, `Close is in view: ${JSON.stringify(close)}`);
  await page.mouse.click(close.x + close.width / 2, close.y + close.height / 2);
  await page.waitForSelector('#help-overlay', { state: 'detached' });
  await page.setViewportSize({ width: 1400, height: 560 });
  await page.keyboard.press('?');
  const small = await page.locator('#help-close').boundingBox();
  assert.ok(small.y + small.height <= 560, 'still in view in a short window');

  // Escape closes every dialog, each taking the focus when it opens.
  for (const [open, dialog] of [
    [async () => page.keyboard.press('?'), '#help-overlay'],
    [async () => page.click('#share'), '#share-dialog'],
    [async () => page.click('#deploy'), '#deploy-dialog'],
  ]) {
    if (await page.locator(dialog).count() === 0) await open();
    await page.waitForSelector(dialog);
    assert.ok(await page.evaluate((d) => document.querySelector(d).contains(document.activeElement), dialog), `${dialog} has the focus`);
    await page.keyboard.press('Escape');
    await page.waitForSelector(dialog, { state: 'detached' });
  }
  // The conflict dialog: someone else saves first.
  await page.setViewportSize({ width: 1400, height: 860 });
  const id = page.url().split('/').at(-1);
  const theirs = await api('GET', `/api/v1/flows/${id}`);
  assert.equal((await api('PUT', `/api/v1/flows/${id}`, { content: { ...theirs.body.content, name: 'Theirs' } }, { 'if-match': `"${theirs.body.version}"` })).status, 200);
  await page.click('.palette-item[data-kind="checkpoint"]');
  await page.click('#save');
  await page.waitForSelector('#conflict');
  assert.ok(await page.evaluate(() => document.querySelector('#conflict').contains(document.activeElement)));
  await page.keyboard.press('Escape');
  await page.waitForSelector('#conflict', { state: 'detached' });
  assert.deepEqual(errors.filter((e) => !e.includes('409')), []);
});

test('opening and closing a pane keeps the whole flow in view; the minimap frame is whole', async () => {
  const page = await openEditor('/examples/customer-support');
  const { errors } = browser;
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Shift+Digit1');
  const allInView = async () => {
    const canvas = await page.locator('#flow-canvas').boundingBox();
    const cards = await page.$$eval('.node .node-card', (rs) => rs.map((r) => r.getBoundingClientRect().toJSON()));
    return cards.every((c) => c.left >= canvas.x - 1 && c.right <= canvas.x + canvas.width + 1
      && c.top >= canvas.y - 1 && c.bottom <= canvas.y + canvas.height + 1);
  };
  assert.ok(await allInView(), 'fitted');
  for (const pane of ['#toggle-preview', '#toggle-properties', '#toggle-properties', '#toggle-preview']) {
    await page.click(pane);
    await page.waitForTimeout(150);
    assert.ok(await allInView(), `every card in view after ${pane}`);
  }
  const frame = await page.locator('#minimap .minimap-view').boundingBox();
  const map = await page.locator('#minimap').boundingBox();
  assert.ok(frame.x >= map.x - 0.5 && frame.y >= map.y - 0.5, `${JSON.stringify([frame, map])}`);
  assert.ok(frame.x + frame.width <= map.x + map.width + 0.5 && frame.y + frame.height <= map.y + map.height + 0.5,
    `the view frame is whole inside the minimap: ${JSON.stringify([frame, map])}`);
  assert.deepEqual(errors, []);
});

test('the flows page renames, duplicates and deletes flows; a new canvas says what to do first', async () => {
  const { page, errors } = browser;
  const id = await saved({ ...flowDoc([{ id: 'a', type: 'llm_rigid', config: { template: 'hi' } }], []), name: 'Expense triage' });
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.waitForSelector('.home-main[data-ready="true"]');
  assert.equal(await page.evaluate(() => document.querySelector('#new-flow').tagName), 'BUTTON');
  const row = page.locator(`.flow-row[data-flow-id="${id}"]`);
  await row.locator('.flow-rename').click();
  await page.waitForSelector('#rename-dialog');
  await page.fill('#rename-flow-name', 'Expense approval');
  await page.click('#rename-save');
  await page.waitForSelector(`.flow-row[data-flow-id="${id}"] .flow-row-name:text-is("Expense approval")`);
  const renamed = await api('GET', `/api/v1/flows/${id}`);
  assert.equal(renamed.body.content.name, 'Expense approval', 'the document is renamed too');

  await row.locator('.flow-duplicate').click();
  await page.waitForSelector('.flow-row-name:text-is("Expense approval (copy)")');
  const copyId = await page.locator('.flow-row', { hasText: 'Expense approval (copy)' }).getAttribute('data-flow-id');
  assert.notEqual(copyId, id);

  await row.locator('.flow-delete').click();
  await page.waitForSelector('#delete-dialog');
  await page.click('#delete-confirm');
  await page.waitForSelector(`.flow-row[data-flow-id="${id}"]`, { state: 'detached' });
  assert.equal((await api('GET', `/api/v1/flows/${id}`)).status, 404, 'in the trash');
  await page.click('#home-undo');
  await page.waitForSelector(`.flow-row[data-flow-id="${id}"]`);

  // A new flow's empty canvas says to start with an entry; the hint goes with the first node.
  await page.click('#new-flow');
  await page.waitForSelector('.editor[data-ready="true"]');
  assert.match(await page.textContent('#empty-canvas'), /entry/i);
  await page.click('.palette-item[data-kind="entry_api"]');
  await page.waitForSelector('#empty-canvas', { state: 'detached' });
  assert.deepEqual(errors.filter((e) => !e.includes('404')), []);
});

test('a grouped review form of an earlier flow opens as its sections and is saved as the documented list', async () => {
  const doc = flowDoc([
    { id: 'node_entry', type: 'entry_api', inputs: [], outputs: [{ id: 'out' }], config: { method: 'POST', path: '/' } },
    { id: 'node_review', type: 'hitl_review', label: 'Review', config: {
      queue: 'review',
      sections: { context: [{ field: 'claim', label: 'Claim' }], decision: [{ id: 'approve', label: 'Approve' }, { id: 'reject', label: 'Reject' }] },
    } },
  ], [['e1', 'node_entry', 'node_review']], {
    core_identity: { name: 'Doc', models: [{ role: 'primary', ref: 'scaigrid', model: 'openai/gpt-4o-mini' }] },
    scaiqueue: { scope: 'finance', queues: [{ slug: 'review' }] },
  });
  const id = await saved(doc);
  const page = await openEditor(`/flows/${id}`);
  const { errors } = browser;
  await selectNode(page, 'node_review');
  const kinds = await page.$$eval('#cfg-sections .form-section', (s) => s.map((e) => e.dataset.section));
  assert.deepEqual(kinds, ['context', 'decision']);
  assert.equal(await page.inputValue('.form-section[data-index="0"] .form-title'), 'Claim');
  assert.equal(await page.inputValue('.form-section[data-index="0"] .form-content'), '{{claim}}');
  // An input section added: the form is written in the documented list form.
  await page.click('.form-add[data-add="input"]');
  const flow = await draftFlow(page, (f) => Array.isArray(f.nodes[1].config.sections));
  assert.deepEqual(flow.nodes[1].config.sections.map((s) => s.type), ['context', 'decision', 'input']);
  assert.deepEqual(flow.nodes[1].config.sections[0], { type: 'context', title: 'Claim', content: '{{claim}}' });
  // Moved up above the decision, as a reviewer would read it.
  await page.click('.form-section[data-index="2"] .form-up');
  const moved = await draftFlow(page, (f) => f.nodes[1].config.sections[1].type === 'input');
  assert.equal(moved.nodes[1].config.sections[2].type, 'decision');
  assert.deepEqual(errors, []);
});
