// The properties panel against the real server in headless Chromium: every kind's form, the
// flow's properties (model registry, ScaiQueue topology, sandbox, publishing), the Form Builder,
// diagnostics in the panel, and edits surviving save and reload.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { apiClient, openBrowser, startServer } from './harness.mjs';
import { draftFlow, selectNode, showFlowProperties, waitForCounts } from './canvas.mjs';

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  api = apiClient(server.url);
  // Wide enough for the canvas beside both side panes.
  browser = await openBrowser({ viewport: { width: 1920, height: 1080 } });
});

after(async () => {
  await browser?.close();
  assert.equal(await server?.stop(), 0);
});

beforeEach(() => {
  browser.errors.length = 0;
});

/** Opens the hello-world example as a fresh draft, with the preview showing YAML. */
async function openExample(key = 'hello-world') {
  const { page } = browser;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${server.url}/examples/${key}`, { waitUntil: 'load' });
  await page.waitForSelector('.editor[data-ready="true"]', { timeout: 60_000 });
  await page.click('#toggle-preview');
  await page.waitForSelector('#preview .preview-text');
  // Fit the flow into the canvas the panes left.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Shift+Digit1');
  return page;
}

/** Waits until the preview's YAML contains every one of `texts`; fails with the YAML shown. */
async function yamlHas(page, texts) {
  try {
    await page.waitForFunction(
      (want) => {
        const text = document.querySelector('#preview .preview-text')?.textContent ?? '';
        return want.every((t) => text.includes(t));
      },
      texts,
      { timeout: 10_000 },
    );
  } catch {
    const shown = await page.textContent('#preview .preview-body');
    assert.fail(`the YAML lacks one of ${JSON.stringify(texts)}:\n${shown}`);
  }
}

/** The value a pairs editor row is typed as (strings as they are, other JSON as JSON). */
const pairText = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Sets one config field of the selected node through its control. */
async function setField(page, key, value) {
  const control = page.locator(`#cfg-${key}`);
  const { tag, type, cls } = await control.evaluate((e) => ({ tag: e.tagName.toLowerCase(), type: e.type, cls: e.className }));
  if (type === 'checkbox') {
    await control.setChecked(value);
  } else if (tag === 'select') {
    await control.selectOption(value);
  } else if (key === 'sections') {
    await fillFormBuilder(page, value);
  } else if (tag === 'div') {
    for (const [name, v] of Object.entries(value)) {
      await control.locator('.pair-add').click();
      const row = control.locator('.pair').last();
      await row.locator('.pair-key').fill(name);
      await row.locator('.pair-key').press('Tab');
      await control.locator(`.pair[data-key="${name}"] .pair-value`).fill(pairText(v));
    }
  } else if (Array.isArray(value) && cls.includes('lines')) {
    await control.fill(value.join('\n'));
  } else if (typeof value === 'object') {
    await control.fill(JSON.stringify(value));
  } else {
    await control.fill(String(value));
  }
}

/**
 * Builds the review form as ScaiQueue's list of sections (`hitl_spec.sections`): starts from an
 * empty form, adds each section and fills in its controls.
 */
async function fillFormBuilder(page, sections) {
  while (await page.locator('#cfg-sections .form-section').count() > 0) {
    await page.locator('#cfg-sections .form-section .form-remove').first().click();
  }
  for (const [i, section] of sections.entries()) {
    await page.click(`#cfg-sections .form-add[data-add="${section.type}"]`);
    const block = page.locator(`#cfg-sections .form-section[data-index="${i}"]`);
    await block.waitFor();
    if (section.type === 'context') {
      await block.locator('.form-title').fill(section.title);
      await block.locator('.form-content').fill(section.content);
    } else if (section.type === 'input') {
      await block.locator('.form-field').fill(section.field);
      await block.locator('.form-label').fill(section.label ?? '');
      await block.locator('.form-kind').selectOption(section.kind);
      await block.locator('.form-required').setChecked(section.required);
    } else {
      await block.locator('.form-field').fill(section.field);
      while (await block.locator('.form-option').count() > 0) {
        await block.locator('.form-option .pair-remove').first().click();
      }
      for (const [j, option] of section.options.entries()) {
        await block.locator('.form-add-option').click();
        const row = block.locator(`.form-option[data-index="${j}"]`);
        await row.locator('.form-option-id').fill(option.id);
        await row.locator('.form-option-label').fill(option.label);
      }
    }
  }
}

/** Declares the `finance` scope with a `review` queue in the flow panel. */
async function declareTopology(page) {
  await showFlowProperties(page);
  await page.fill('#topology-scope', 'finance');
  await page.click('#add-queue');
  const slug = page.locator('.queue-row .queue-slug').last();
  await slug.fill('review');
  await slug.press('Tab');
  await page.waitForSelector('.queue-row[data-slug="review"]');
  await page.selectOption('.queue-row[data-slug="review"] select[id$="-purpose"]', 'review');
  await page.waitForSelector('.queue-group[data-purpose="review"] .queue-row[data-slug="review"]');
}

// Every kind with a value for each of its fields (as stored in the config) and text the
// YAML manifest then shows. `topology` kinds need the flow's ScaiQueue topology first.
const KINDS = {
  entry_api: { set: { method: 'PUT', path: '/orders' }, yaml: ['entry_api', 'type: api'] },
  entry_webhook: { set: { method: 'POST', path: '/hooks/stripe', auth: { scheme: 'hmac' } }, yaml: ['type: webhook'] },
  entry_schedule: { set: { cron: '*/5 * * * *', timezone: 'Europe/Amsterdam' }, yaml: ['*/5 * * * *'] },
  llm_rigid: { set: { template: 'Hi {{message.text}}', result_binding: 'greeting', breakpoint: true }, yaml: ['Hi {{message.text}}', 'debug_breakpoint'] },
  llm_guarded: {
    set: {
      goal: 'Answer the question', llm_role: 'primary', guard: 'message.text != ""', validate: 'answer.text != ""',
      output_schema: { text: 'string', tags: 'array[string]' }, input_bindings: { question: '{{message.text}}' },
      context_bindings: { history: '{{message.history}}' }, guidance: 'Be brief.', constraints: ['No speculation'],
      on_validation_failure: { retry: 1 }, result_binding: 'answer', breakpoint: true,
    },
    yaml: ['Answer the question', 'guarded: true'],
  },
  llm_flexible: {
    set: {
      goal: 'Classify the intent', llm_role: 'primary', output_schema: { intent: 'enum[question, complaint]' },
      input_bindings: { text: '{{message.text}}' }, context_bindings: { tone: 'formal' }, guidance: 'Pick one.',
      identity_ref: true, constraints: ['One label'], examples: [{ input: 'hi', output: 'question' }],
      on_failure: { fallback: 'question' }, budget: { max_tokens: 200 }, result_binding: 'intent', breakpoint: true,
    },
    yaml: ['Classify the intent'],
  },
  logic_decision: { set: { style: 'match', subject: 'intent', breakpoint: true }, yaml: ['debug_breakpoint'] },
  logic_loop: {
    set: { style: 'while', items: 'message.rows', item_var: 'row', condition: 'count < 3', max_iterations: 10, breakpoint: true },
    yaml: ['count < 3'],
  },
  logic_parallel: { set: { max_concurrent: 2, fail_fast: false, breakpoint: true }, yaml: ['debug_breakpoint'] },
  tool_plugin: {
    set: { plugin: 'scaidrive', method: 'search', args: { path: '/kb/', query: '{{message.text}}', limit: 5 }, result_binding: 'kb', breakpoint: true },
    yaml: ['scaidrive', '/kb/'],
  },
  tool_http: {
    set: {
      method: 'POST', url: 'https://api.example.com/orders', headers: { Accept: 'application/json' }, body: { id: 1 },
      timeout_s: 12, result_binding: 'order', breakpoint: true,
    },
    yaml: ['https://api.example.com/orders'],
  },
  data_variable_set: { set: { assignments: { total: '{{message.amount}}' }, breakpoint: true }, yaml: ['total'] },
  checkpoint: {
    set: { type: 'choice', prompt: 'Continue?', options: ['yes', 'no'], timeout: '1h', on_timeout: 'no', assignee: 'group:approvers', breakpoint: true },
    yaml: ['Continue?', 'debug_breakpoint'],
  },
  queue_publish: {
    topology: true,
    set: { scope: 'finance', queue: 'review', message_type: 'decision-made', payload: { amount: '{{message.amount}}' }, breakpoint: true },
    yaml: ['decision-made'],
  },
  queue_consume: {
    topology: true,
    set: { scope: 'finance', queue: 'review', consumer_id: 'approver-bot', result_binding: 'msg', breakpoint: true },
    yaml: ['approver-bot'],
  },
  hitl_review: {
    topology: true,
    set: {
      scope: 'finance', queue: 'review',
      sections: [
        { type: 'context', title: 'Message', content: '{{message}}' },
        { type: 'input', field: 'comment', kind: 'textarea', label: 'Comment', required: true },
        { type: 'decision', field: 'decision', options: [{ id: 'approve', label: 'Approve' }, { id: 'reject', label: 'Reject' }] },
      ],
      prompt: 'Please review', assignee: 'group:approvers', priority: 'high', timeout: '2d', on_timeout: 'reject', breakpoint: true,
    },
    yaml: ['type: hitl_review', 'queue: review'],
  },
  hitl_decision: {
    set: { type: 'approval', prompt: 'Ship it?', options: ['ship', 'hold'], timeout: '30m', on_timeout: 'hold', breakpoint: true },
    yaml: ['Ship it?'],
  },
  queue_escalation: {
    topology: true,
    set: { scope: 'finance', escalation_queue: 'review', reason: 'timeout-exceeded', breakpoint: true },
    yaml: ['timeout-exceeded'],
  },
  compute_provision: {
    set: {
      image: 'python-3.11', lifecycle: 'session', cpu_millicores: 500, memory_mb: 256, disk_mb: 1024,
      network_profile: 'isolated', result_binding: 'box', breakpoint: true,
    },
    yaml: ['python-3.11'],
  },
  compute_exec: { set: { command: ['python', 'run.py', '--fast'], timeout_s: 45, result_binding: 'run', breakpoint: true }, yaml: ['run.py'] },
  compute_file_upload: { set: { path: '/work/in.txt', content: 'hello', breakpoint: true }, yaml: ['/work/in.txt'] },
  compute_file_download: { set: { path: '/work/out.txt', result_binding: 'out', breakpoint: true }, yaml: ['/work/out.txt'] },
  compute_destroy: { set: { breakpoint: true }, yaml: ['debug_breakpoint'] },
  subflow_call: {
    set: {
      target: 'core://local/hello-world', flow_name: 'Main', input_bindings: { id: '{{message.id}}' },
      instance_key: '{{message.id}}', version: '1.0.0', timeout: '45s', is_async: true, result_binding: 'sub', breakpoint: true,
    },
    yaml: ['core://local/hello-world'],
  },
};

test('every kind has a form; each field edits the config, shows in the YAML and survives save and reload', async () => {
  for (const [kind, { set, yaml, topology }] of Object.entries(KINDS)) {
    const page = await openExample();
    const { errors } = browser;
    if (topology) await declareTopology(page);
    await selectNode(page, 'node_echo');
    await page.click(`.palette-item[data-kind="${kind}"]`);
    await waitForCounts(page, 3, kind.startsWith('entry_') ? 1 : 2);
    const id = (await draftFlow(page, (f) => f.nodes.length === 3)).nodes[2].id;
    await page.waitForSelector(`#properties .node-form[data-kind="${kind}"]`);

    // The form has exactly the kind's fields, each with help text.
    const shown = await page.$$eval('#properties .node-form > .field', (rows) => rows.map((r) => r.dataset.field));
    assert.deepEqual(shown.sort(), Object.keys(set).sort(), `${kind}: the fields of its form`);
    const helpless = await page.$$eval('#properties .node-form > .field', (rows) =>
      rows.filter((r) => !(r.querySelector('.help')?.textContent.trim().length > 8)).map((r) => r.dataset.field));
    assert.deepEqual(helpless, [], `${kind}: every field has help`);

    for (const [key, value] of Object.entries(set)) await setField(page, key, value);
    const draft = await draftFlow(page, (f) => Object.keys(set).every((k) => JSON.stringify(f.nodes[2].config[k]) === JSON.stringify(set[k])));
    for (const [key, value] of Object.entries(set)) {
      assert.deepEqual(draft.nodes[2].config[key], value, `${kind}.${key}`);
    }
    assert.equal(await page.locator('#properties .field-error').count(), 0, `${kind}: no field refused its value`);
    await yamlHas(page, yaml);

    // Saved and reloaded, the node keeps every value and the form shows them.
    await page.click('#save');
    await page.waitForURL(/\/flows\/flow_[0-9a-z]+$/);
    const flowId = page.url().split('/').at(-1);
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('.editor[data-ready="true"]');
    const stored = await api('GET', `/api/v1/flows/${flowId}`);
    const node = stored.body.content.nodes.find((n) => n.id === id);
    for (const [key, value] of Object.entries(set)) {
      assert.deepEqual(node.config[key], value, `${kind}.${key} after save`);
    }
    await selectNode(page, id);
    for (const [key, value] of Object.entries(set)) {
      if (typeof value !== 'string') continue;
      const control = page.locator(`#cfg-${key}`);
      if ((await control.evaluate((e) => e.tagName)) === 'DIV') continue;
      assert.equal(await control.inputValue(), value, `${kind}.${key} in the reloaded form`);
    }
    assert.deepEqual(errors, [], kind);
  }
});

test('registry edits update the role dropdowns and flag orphan roles', async () => {
  const page = await openExample('customer-support');
  const { errors } = browser;
  // Classify uses role `fast`, Generate Response `primary`.
  await selectNode(page, 'node_classify');
  assert.equal(await page.inputValue('#cfg-llm_role'), 'fast');
  const roles = async () => page.$$eval('#cfg-llm_role option', (os) => os.map((o) => o.value));
  assert.deepEqual(await roles(), ['', 'primary', 'fast']);

  // Renaming `fast` in the registry orphans the node's role: red, explained, and a compile error.
  await showFlowProperties(page);
  const fastRole = page.locator('.model-row[data-index="1"] .model-role');
  assert.equal(await fastRole.inputValue(), 'fast');
  assert.equal(await page.locator('.model-row[data-index="0"] .model-role').getAttribute('readonly'), '', 'primary is pinned');
  assert.equal(await page.locator('.model-row[data-index="0"] .model-remove').count(), 0, 'primary cannot be removed');
  await fastRole.fill('quick');
  await fastRole.press('Tab');
  await selectNode(page, 'node_classify');
  await page.waitForSelector('#cfg-llm_role.orphan');
  assert.deepEqual(await roles(), ['', 'primary', 'quick', 'fast']);
  assert.match(await page.textContent('.field[data-field="llm_role"] .orphan-note'), /'fast' is not declared/);
  assert.match(await page.textContent('#node-diagnostics'), /llm_role='fast' is not declared/);
  await page.waitForSelector('.node.has-error[data-node-id="node_classify"]');

  // Picking a declared role clears it; a model added with "+ add model" is offered at once.
  await page.selectOption('#cfg-llm_role', 'quick');
  await page.waitForSelector('#cfg-llm_role:not(.orphan)');
  await showFlowProperties(page);
  await page.click('#add-model');
  const added = page.locator('.model-row[data-index="2"]');
  assert.equal(await added.locator('.model-role').inputValue(), 'fast', 'new rows default to role fast');
  await added.locator('input[id$="-model"]').fill('openai/gpt-4o-mini');
  await added.locator('summary').click();
  await added.locator('input[id$="-temperature"]').fill('0.3');
  await added.locator('.model-modality[data-modality="vision"]').check();
  await added.locator('button:text("+ add fallback")').click();
  await added.locator('input[id$="-fallback-0-model"]').fill('gpt-3.5-turbo');
  // The Model Picker explains why it cannot list ScaiGrid's models here.
  assert.match(await page.textContent('#model-picker-note'), /not configured/);
  const flow = await draftFlow(page, (f) => f.config.core_identity.models.length === 3 && f.config.core_identity.models[2].fallback?.[0]?.model === 'gpt-3.5-turbo');
  assert.deepEqual(flow.config.core_identity.models[2], {
    role: 'fast', ref: 'scaigrid', model: 'openai/gpt-4o-mini', temperature: 0.3,
    modalities: ['text', 'vision'], fallback: [{ ref: 'scaigrid', model: 'gpt-3.5-turbo' }],
  });
  await selectNode(page, 'node_respond');
  assert.deepEqual(await roles(), ['', 'primary', 'quick', 'fast']);

  // Registry edits are undoable steps.
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < 6; i += 1) await page.click('#undo');
  await showFlowProperties(page);
  await page.waitForFunction(() => document.querySelectorAll('.model-row').length === 2);
  assert.deepEqual(errors, []);
});

test('a topology queue is offered to a review node and compiled with the back-filled scope; the Form Builder fills hitl_spec', async () => {
  const page = await openExample();
  const { errors } = browser;
  await showFlowProperties(page);
  // Importing a scope explains that ScaiGrid is not configured here.
  await page.click('#import-scope');
  await page.waitForSelector('#import-scope-status:has-text("not configured")');
  await declareTopology(page);

  await selectNode(page, 'node_echo');
  await page.click('.palette-item[data-kind="hitl_review"]');
  await waitForCounts(page, 3, 2);
  await page.waitForSelector('#properties .node-form[data-kind="hitl_review"]');
  assert.deepEqual(await page.$$eval('#cfg-queue option', (os) => os.map((o) => o.value)), ['', 'review']);
  assert.match(await page.textContent('.field[data-field="queue"] .scope-note'), /finance \(inherited from the flow\)/);
  await page.selectOption('#cfg-queue', 'review');
  await fillFormBuilder(page, [
    { type: 'context', title: 'Message', content: '{{message}}' },
    { type: 'decision', field: 'decision', options: [{ id: 'approve', label: 'Approve' }, { id: 'edit_and_approve', label: 'Edit and approve' }] },
  ]);
  await yamlHas(page, ['type: hitl_review', 'scope: finance', 'queue: review']);

  // The IR carries the form as hitl_target.hitl_spec.
  await page.click('.preview-tab[data-tab="ir"]');
  await page.waitForFunction(() => document.querySelector('#preview .preview-text')?.textContent.includes('hitl_spec'));
  const flow = await draftFlow(page, (f) => f.nodes[2].config.sections?.[1]?.options?.length === 2);
  const ir = await api('POST', '/api/v1/flows/compile', { content: flow, format: 'ir' });
  assert.equal(ir.status, 200);
  const text = await page.textContent('#preview .preview-text');
  const decoded = JSON.parse(text);
  const found = [];
  JSON.stringify(decoded, (k, v) => { if (k === 'hitl_target' && v) found.push(v); return v; });
  assert.equal(found.length, 1, text);
  assert.equal(found[0].scope, 'finance');
  assert.equal(found[0].queue, 'review');
  // ScaiQueue's documented form: typed sections in order.
  const sections = found[0].hitl_spec.sections;
  assert.deepEqual(sections.map((x) => x.type), ['context', 'decision']);
  assert.deepEqual(sections[0], { type: 'context', title: 'Message', content: '{{message}}' });
  assert.deepEqual(sections[1].options.map((d) => d.id), ['approve', 'edit_and_approve']);

  // A queue the topology lacks is shown in red.
  await showFlowProperties(page);
  const slug = page.locator('.queue-row[data-slug="review"] .queue-slug');
  await slug.fill('reviews');
  await slug.press('Tab');
  await selectNode(page, flow.nodes[2].id);
  await page.waitForSelector('#cfg-queue.orphan');
  assert.match(await page.textContent('.field[data-field="queue"] .orphan-note'), /'review' is not declared/);
  assert.deepEqual(errors, []);
});

test('removing a port leaves its edge dangling: red on the canvas and listed with the documented message', async () => {
  const page = await openExample();
  const { errors } = browser;
  await selectNode(page, 'node_entry');
  await page.click('.ports-editor summary');
  await page.click('.ports[data-side="out"] .port-row[data-port="out_request"] .pair-remove');
  await page.waitForSelector('.edge.edge-error.edge-dangling[data-edge-id="edge_1"]', { state: 'attached' });
  assert.match(await page.getAttribute('.edge[data-edge-id="edge_1"] .edge-line', 'd'), /^M /, 'still drawn');
  const message = "edge 'edge_1': source node 'node_entry' has no output port 'out_request'";
  const listed = await page.$$eval('#node-diagnostics .diagnostic', (rows) => rows.map((r) => r.dataset.message));
  assert.ok(listed.includes(message), `${listed}`);
  // Shown with the node's label.
  assert.match(await page.textContent('#node-diagnostics'), /source node API Entry has no output port 'out_request'/);
  // Adding the port back under its old id mends the edge.
  await page.click('.ports[data-side="out"] .port-add');
  const id = page.locator('.ports[data-side="out"] .port-row .port-id').last();
  await id.fill('out_request');
  await id.press('Tab');
  await page.waitForSelector('.edge[data-edge-id="edge_1"]:not(.edge-error)', { state: 'attached' });
  // Renaming a port carries its edge along.
  const renamed = page.locator('.ports[data-side="out"] .port-row[data-port="out_request"] .port-id');
  await renamed.fill('out_call');
  await renamed.press('Tab');
  const flow = await draftFlow(page, (f) => f.edges[0].source.port === 'out_call');
  assert.equal(flow.nodes[0].outputs[0].id, 'out_call');
  // A refused rename keeps the stored id in the field, with the reason.
  const call = page.locator('.ports[data-side="out"] .port-row[data-port="out_call"] .port-id');
  await call.fill('');
  await call.press('Tab');
  assert.equal(await call.inputValue(), 'out_call');
  assert.match(await page.textContent('.ports-editor'), /A port needs an id/);
  assert.equal(await page.locator('.edge.edge-error').count(), 0);
  assert.deepEqual(errors, []);
});

test('flow properties: name, description, sandbox and publishing reach the YAML and undo', async () => {
  const page = await openExample();
  const { errors } = browser;
  await showFlowProperties(page);
  await page.fill('#flow-prop-description', 'Says it back.');
  await page.fill('#flow-prop-name', 'Parrot');
  assert.equal(await page.inputValue('#flow-name'), 'Parrot', 'the toolbar follows');

  // No compute nodes: no default to show. With one, the compiler's default is explained.
  assert.equal(await page.locator('#bunker-default').count(), 0);
  await selectNode(page, 'node_echo');
  await page.click('.palette-item[data-kind="compute_provision"]');
  await waitForCounts(page, 3, 2);
  await showFlowProperties(page);
  assert.match(await page.textContent('#bunker-default'), /ephemeral, image python-3\.12/);
  await page.check('#bunker-enabled');
  await page.selectOption('#bunker-lifecycle', 'persistent');
  await page.fill('#bunker-image', 'node-20');
  await page.fill('#bunker-gpu', '1');
  await page.selectOption('#bunker-network', 'registry');
  await page.check('#publish-as-model');
  await page.fill('#visibility-groups', 'grp_eng, grp_ops');
  await yamlHas(page, ['publish_as_model: true', 'grp_ops', 'node-20', 'persistent']);
  const flow = await draftFlow(page, (f) => f.config.model_visibility_group_ids?.length === 2);
  assert.equal(flow.name, 'Parrot');
  assert.equal(flow.metadata.description, 'Says it back.');
  assert.deepEqual(flow.config.bunker, { lifecycle: 'persistent', image: 'node-20', gpu_count: 1, network_profile: 'registry' });
  assert.deepEqual(flow.config.model_visibility_group_ids, ['grp_eng', 'grp_ops']);

  // A bad number is refused with a message and changes nothing.
  await page.fill('#bunker-gpu', '-2');
  assert.match(await page.textContent('#properties .field-error'), /GPU count must be a number/);

  // Undo walks back through the property edits.
  await page.evaluate(() => document.activeElement?.blur());
  await page.click('#undo');
  await page.waitForFunction(() => document.querySelector('#visibility-groups').value === '');
  assert.deepEqual(errors, []);
});

test('typing in a field edits the node at once, keeps the focus and undoes as one step', async () => {
  const page = await openExample();
  const { errors } = browser;
  await selectNode(page, 'node_echo');
  await page.click('#cfg-template');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Echo: {{message.text}}', { delay: 20 });
  await yamlHas(page, ['Echo: {{message.text}}']);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cfg-template', 'the focus stays');
  // A value of the wrong type is refused in place.
  await page.click('.palette-item[data-kind="logic_loop"]');
  await waitForCounts(page, 3, 2);
  await page.fill('#cfg-max_iterations', '0');
  assert.match(await page.textContent('.field[data-field="max_iterations"] .field-error'), /from 1 to/);
  await page.selectOption('#cfg-style', 'while');
  await page.fill('#cfg-max_iterations', '');
  await page.waitForSelector('#node-diagnostics:has-text("while loop missing max_iterations")');
  await page.fill('#cfg-max_iterations', '1000');
  await page.waitForSelector('#node-diagnostics:has-text("while loop missing max_iterations")', { state: 'detached' }).catch(() => {});
  // The typed template undoes in one step.
  await selectNode(page, 'node_echo');
  await page.evaluate(() => document.activeElement?.blur());
  const before = (await draftFlow(page)).nodes[1].config.template;
  assert.equal(before, 'Echo: {{message.text}}');
  for (let i = 0; i < 4; i += 1) await page.click('#undo');
  await page.waitForFunction(() => document.querySelector('#cfg-template').value === 'You said: {{message.text}}');
  assert.deepEqual(errors, []);
});

test("the Sub-flow Target picker lists the tenant's saved flows and fills their core:// address", async () => {
  const saved = await api('POST', '/api/v1/flows', {
    name: 'Customer Lookup',
    content: { id: 'flow_lookup', name: 'Customer Lookup', version: '0.1.0', nodes: [], edges: [] },
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  const page = await openExample();
  const { errors } = browser;
  await selectNode(page, 'node_echo');
  await page.click('.palette-item[data-kind="subflow_call"]');
  await waitForCounts(page, 3, 2);
  const choice = page.locator('.target-choice[data-target="core://local/customer-lookup"]');
  await choice.waitFor();
  assert.match(await choice.textContent(), /Customer Lookup/);
  await choice.click();
  assert.equal(await page.inputValue('#cfg-target'), 'core://local/customer-lookup');
  await yamlHas(page, ['core://local/customer-lookup']);
  // Another tenant's Core is typed by hand.
  await page.fill('#cfg-target', 'core://partner/kyc-check');
  await yamlHas(page, ['core://partner/kyc-check']);
  assert.deepEqual(errors, []);
});
