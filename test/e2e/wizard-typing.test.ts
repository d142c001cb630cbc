// The wizard's text fields keep every keystroke when the host's state arrives while the user types:
// the built webview bundle in headless Chromium, with a stand-in host that answers each edit after a
// delay (as the extension host does on a loaded machine) and sends extra states after a radio click.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { WizardView } from '../../src/wizard/protocol.js';

const BUNDLE = process.env.WIZARD_BUNDLE ?? 'dist/webview/wizard.js';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const STORE_VIEW: WizardView = {
  page: 'store',
  title: 'CustomerTest · dbo.Customer',
  tableName: 'dbo.Customer',
  registries: [],
  registry: '',
  search: '',
  versionsStatus: 'loaded',
  versions: [],
  versionsMore: 'none',
  selectedVersion: '',
  modelStatus: 'loaded',
  sourceColumns: [],
  modelInputs: [],
  modelOutputs: [],
  inputTypes: [],
  outputTypes: [],
  inputs: [],
  outputs: [],
  mappingErrors: [],
  passThrough: [],
  preview: { status: 'idle', columns: [], rows: [] },
  scriptType: 'view',
  scriptName: { text: 'dbo.CustomerPrediction' },
  modelTableMode: 'existing',
  modelTablesStatus: 'loaded',
  modelTables: ['dbo.Models'],
  existingTable: 'dbo.Models',
  newTableName: { text: 'dbo.AMLModel' },
  replaceExisting: false,
  script: '',
  canBack: true,
  canNext: false,
  canDeploy: true,
  deploy: { status: 'idle' },
};

/**
 * The stand-in host, run in the page before the bundle (plain JavaScript: the page does not run this
 * file's compiled helpers): `acquireVsCodeApi` whose postMessage applies edits to a copy of the view and
 * posts the new state back after `hostDelay` ms; a radio choice also gets the later states its name
 * checks bring.
 */
function fakeHost(view: WizardView, hostDelay: number, selectAllEcho = -1): string {
  return `(() => {
  // VS Code's webview frame forwards each keydown that reaches the window to the workbench; Ctrl+A runs
  // the workbench's Select All, which calls execCommand('selectAll') back in the frame a round trip later.
  const selectAllEcho = ${selectAllEcho};
  if (selectAllEcho >= 0) {
    window.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.keyCode === 65) setTimeout(() => document.execCommand('selectAll'), selectAllEcho);
    });
  }
  let view = ${JSON.stringify(view)};
  const hostDelay = ${hostDelay};
  const send = () => window.postMessage({ kind: 'notification', method: 'state', params: { view: JSON.parse(JSON.stringify(view)) } }, '*');
  const later = (ms, f) => (ms <= 0 ? queueMicrotask(f) : setTimeout(f, ms));
  window.sendHostState = (patch) => { view = { ...view, ...patch }; send(); };
  window.acquireVsCodeApi = () => ({
    getState: () => undefined,
    setState: () => undefined,
    postMessage: (m) => {
      if (m.method === 'ready') send();
      if (m.method !== 'edit' || !m.params) return;
      const e = m.params;
      later(hostDelay, () => {
        // A new script type brings its own default name, as long as the user kept the previous default.
        if (e.field === 'scriptType') view = { ...view, scriptType: e.value, scriptName: { text: e.value === 'procedure' ? 'dbo.PredictCustomer' : 'dbo.CustomerPrediction' } };
        if (e.field === 'modelTableMode') view = { ...view, modelTableMode: e.value };
        if (e.field === 'scriptName') view = { ...view, scriptName: { text: e.value } };
        if (e.field === 'newTableName') view = { ...view, newTableName: { text: e.value } };
        send();
        // The name checks a choice starts answer a little later.
        if (e.field === 'scriptType' || e.field === 'modelTableMode') for (const ms of [10, 40, 120]) setTimeout(send, ms);
      });
    },
  });
})();`;
}

let server: Server;
let base = '';
let browser: Browser;

before(async () => {
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build first.`);
  const bundle = readFileSync(BUNDLE);
  server = createServer((req, res) => {
    if (req.url === '/wizard.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html lang="en"><body><predict-wizard></predict-wizard><script type="module" src="/wizard.js"></script></body></html>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function openWizard(hostDelay: number, selectAllEcho = -1): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript({ content: fakeHost(STORE_VIEW, hostDelay, selectAllEcho) });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(base);
  await page.getByTestId('script-name').waitFor();
  return page;
}

/** As test/e2e/support/workbench.ts's typeInto: select all, type, Tab; returns what the field holds. */
async function typeAfterChoice(page: Page, radio: string, testId: string, text: string, keyDelay: number): Promise<string> {
  await page.locator(`vscode-radio[value="${radio}"]`).click();
  const field = page.getByTestId(testId);
  const input = field.locator('input');
  await input.click();
  await input.press('Control+A');
  await input.pressSequentially(text, { delay: keyDelay });
  await input.press('Tab');
  return field.evaluate((e) => String((e as unknown as { value?: unknown }).value ?? ''));
}

const ROUNDS = Number(process.env.WIZARD_TYPING_ROUNDS ?? 3);

describe('wizard text fields typed into right after a choice (VS Code answers Ctrl+A with a select-all 40 ms later)', () => {
  for (const hostDelay of [0, 30, 100]) {
    for (const keyDelay of [0, 5, 25]) {
      it(`keeps every keystroke (host answers after ${hostDelay} ms, ${keyDelay} ms per key)`, async () => {
        const lost: string[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const page = await openWizard(hostDelay, 40);
          try {
            const name = 'wwi_ml.PredictCustomerRating';
            const shown = await typeAfterChoice(page, 'procedure', 'script-name', name, keyDelay);
            if (shown !== name) lost.push(`Stored procedure name: typed '${name}', shows '${shown}'`);
            const table = 'wwi_ml.Models2';
            await page.locator('vscode-radio[value="new"]').click();
            await page.getByTestId('new-table').waitFor();
            const shownTable = await typeAfterChoice(page, 'new', 'new-table', table, keyDelay);
            if (shownTable !== table) lost.push(`New table: typed '${table}', shows '${shownTable}'`);
          } finally {
            await page.close();
          }
        }
        assert.deepEqual(lost, []);
      });
    }
  }
});

it("a state that arrives after the user selected the field's text does not rewrite it", async () => {
  const page = await openWizard(0);
  try {
    await page.locator('vscode-radio[value="procedure"]').click();
    const field = page.getByTestId('script-name');
    const input = field.locator('input');
    await input.click();
    await input.press('Control+A');
    // The host answers the choice now, with another name (a default, or a name check's result).
    await page.evaluate("window.sendHostState({ scriptName: { text: 'dbo.PredictCustomerScore' } })");
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(resolve))');
    await input.pressSequentially('wwi_ml.PredictCustomerRating');
    await input.press('Tab');
    assert.equal(await field.evaluate((e) => String((e as unknown as { value?: unknown }).value ?? '')), 'wwi_ml.PredictCustomerRating');
  } finally {
    await page.close();
  }
});
