// End-to-end harness: a real VS Code (code-server) with this extension loaded for development,
// driven by Playwright through Debian's Chromium. Used by test/e2e/*.test.ts, scripts/run-vscode-tests.mjs
// and scripts/demo.mjs.
//
//   const vsc = await startVSCode({ folder });      // code-server + Chromium + workbench ready
//   await vsc.workbench.runCommand('Predict with a Model: ...');
//   await vsc.close();                               // always, in after()/finally
//
// Everything it starts (code-server's process group, Chromium, temporary directories) is torn down by
// close(), and by a process 'exit' hook if a test dies before calling it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';

// (__filename, not __dirname: tsx's tsImport gives modules a wrong __dirname)
export const repoRoot = resolve(dirname(__filename), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const resultsDir = join(repoRoot, 'test-results');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The installed code-server's directory (holding out/node/entry.js), or an error saying what to run. */
export function locateCodeServer(): string {
  const dir = process.env.CODE_SERVER_DIR ?? join(repoRoot, '.cache', 'code-server', CODE_SERVER_VERSION, 'node_modules', 'code-server');
  if (!existsSync(join(dir, 'out', 'node', 'entry.js')) || (!process.env.CODE_SERVER_DIR && !existsSync(join(dir, '..', '..', '.installed')))) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${dir}. Run: bash scripts/install-code-server.sh`);
  }
  return dir;
}

/** Checks what a run needs before starting anything, with the command that fixes each missing piece. */
export function checkPrerequisites(opts: { development?: boolean } = {}): void {
  locateCodeServer();
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is not installed at ${chromiumPath}. Run: bash scripts/install-system-deps.sh`);
  }
  if (opts.development !== false && !existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error(`The extension is not built (${join(repoRoot, 'dist', 'extension.js')} is missing). Run: npm run build`);
  }
}

export interface CodeServerOptions {
  /** The folder the workbench opens. Default: a fresh empty temporary folder. */
  folder?: string;
  /** User settings (settings.json) written into the fresh user-data-dir before start. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and, through it, the extension host. */
  env?: Record<string, string>;
  /** Port to listen on; 0 (default) lets the system pick a free one. */
  port?: number;
  /** Print code-server's output as it comes (the demo does; tests keep it in `output()`). */
  echo?: boolean;
  /**
   * The extensions folder (e.g. one `installExtension` filled); it is the caller's and stays after close().
   * Default: a fresh empty one, removed by close().
   */
  extensionsDir?: string;
}

export interface CodeServer {
  readonly host: string;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly folder: string;
  readonly userDataDir: string;
  /** code-server's output so far (both streams). */
  output(): string;
  /** Settles when code-server's process exits, with its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Stops code-server and everything it started (its process group), then removes its temporary directories. */
  close(): Promise<void>;
}

// What close() would do, done synchronously when the process ends without it: at exit, and on SIGINT or
// SIGTERM when nothing else handles them (the demo handles them itself and calls close()).
const cleanups = new Set<() => void>();
const runCleanups = (): void => {
  for (const c of cleanups) c();
  cleanups.clear();
};
process.once('exit', runCleanups);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  const onSignal = (): void => {
    if (process.listenerCount(signal) > 1) return;
    runCleanups();
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  };
  process.on(signal, onSignal);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Starts code-server on a loopback port with a fresh user-data-dir and extensions-dir. */
export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const dir = locateCodeServer();
  const tmp = mkdtempSync(join(tmpdir(), 'predict-e2e-'));
  const userDataDir = join(tmp, 'user-data');
  const extensionsDir = opts.extensionsDir ?? join(tmp, 'extensions');
  const folder = opts.folder ?? join(tmp, 'workspace');
  for (const d of [userDataDir, extensionsDir, folder, join(userDataDir, 'User')]) mkdirSync(d, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'chat.disableAIFeatures': true,
    ...opts.settings,
  };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const configFile = join(tmp, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');

  const host = '127.0.0.1';
  const args = [
    join(dir, 'out', 'node', 'entry.js'),
    '--config',
    configFile,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${opts.port ?? 0}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    folder,
  ];
  const child = spawn(process.execPath, args, {
    cwd: folder,
    detached: true, // its own process group: close() kills the extension host and terminals with it
    stdio: ['ignore', 'pipe', 'pipe'],
    // No extension gallery: this machine reaches no marketplace, and the tests install nothing from one.
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...opts.env },
  });
  let out = '';
  const onData = (b: Buffer): void => {
    const s = b.toString();
    out += s;
    if (opts.echo) process.stderr.write(s);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  const exitedPromise = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      exited = true;
      res(code);
    }),
  );
  const hardCleanup = (): void => {
    killGroup(child, 'SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  };
  cleanups.add(hardCleanup);

  const close = async (): Promise<void> => {
    cleanups.delete(hardCleanup);
    if (!exited) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // anything of the group still left (extension host, pty host)
    }
    rmSync(tmp, { recursive: true, force: true });
  };

  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`code-server did not start within 60 s. Its output:\n${out}`)), 60_000);
    const check = (): void => {
      const m = /HTTP server listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`code-server exited with code ${code} before listening. Its output:\n${out}`));
    });
  }).catch(async (e: unknown) => {
    await close();
    throw e;
  });

  return { host, port, origin: `http://${host}:${port}`, folder, userDataDir, output: () => out, exited: exitedPromise, close };
}

/**
 * Installs a VSIX as a user does (`code-server --install-extension <vsix> --extensions-dir <dir>`) and
 * returns the installed extension's folder. Start the workbench with `{ extensionsDir, extensionDevelopmentPath: null }`.
 */
export function installExtension(vsix: string, extensionsDir: string): string {
  const dir = locateCodeServer();
  mkdirSync(extensionsDir, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'predict-install-'));
  try {
    const r = spawnSync(
      process.execPath,
      [join(dir, 'out', 'node', 'entry.js'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
      {
        encoding: 'utf8',
        env: { ...process.env, EXTENSIONS_GALLERY: '{}' },
        timeout: 300_000,
      },
    );
    const output = `${r.stdout}${r.stderr}`;
    if (r.status !== 0 || !/was successfully installed/.test(output))
      throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${output}`);
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
  const { publisher, name } = extensionManifest();
  const installed = readdirSync(extensionsDir).find((d) => d.toLowerCase().startsWith(`${publisher}.${name}-`.toLowerCase()));
  if (!installed) throw new Error(`${extensionsDir} holds no ${publisher}.${name} after the install: ${readdirSync(extensionsDir).join(', ')}`);
  return join(extensionsDir, installed);
}

/** Launches Debian's Chromium headless with a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is not installed at ${chromiumPath}. Run: bash scripts/install-system-deps.sh`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export interface WorkbenchUrlOptions {
  /** Load this extension for development (default: the repository root). null: none. */
  extensionDevelopmentPath?: string | null;
  /** Compiled test runner module (exports run()) to execute in the extension host. */
  extensionTestsPath?: string;
}

/** The workbench URL for a folder, with the development extension (and tests) in the payload. */
export function workbenchUrl(server: CodeServer, folder: string, opts: WorkbenchUrlOptions = {}): string {
  const remote = (p: string): string => `vscode-remote://${server.host}:${server.port}${resolve(p)}`;
  const payload: [string, string][] = [];
  const dev = opts.extensionDevelopmentPath === undefined ? repoRoot : opts.extensionDevelopmentPath;
  if (dev !== null) payload.push(['extensionDevelopmentPath', remote(dev)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
  const q = new URLSearchParams({ folder: resolve(folder) });
  if (payload.length) q.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${q.toString()}`;
}

/** Helpers for what end-to-end tests do in the workbench. */
export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits until the workbench is laid out and its extension host is up (the status bar is shown). */
  async waitReady(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.activitybar, .part.statusbar').first().waitFor({ state: 'visible', timeout: timeoutMs });
    // The explorer shows the opened folder once the remote file system answers.
    await this.page.locator('.explorer-folders-view, .explorer-viewlet .monaco-list').first().waitFor({ state: 'attached', timeout: timeoutMs });
  }

  /**
   * Opens the command palette, types `label` and runs the entry whose label matches exactly. The palette's
   * list is fixed when it opens, so it reopens it until the command is there (an extension's commands
   * appear once the extension host has registered them) or `timeoutMs` passes. It also reopens a palette
   * that closed before the label was typed: one opened just after a click into a webview (a results
   * grid) can lose the focus to it and close.
   */
  async runCommand(label: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const input = await this.openQuickInput('>');
      const typed = await input.fill(`>${label}`, { timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (!typed) {
        if (Date.now() > deadline) throw new Error(`The command palette closed before "${label}" could be typed, for ${timeoutMs / 1000} s.`);
        continue;
      }
      const row = this.page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row', {
          has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
        })
        .first();
      if (
        await row.waitFor({ state: 'visible', timeout: 2_000 }).then(
          () => true,
          () => false,
        )
      ) {
        await row.click();
        break;
      }
      if (Date.now() > deadline) {
        await this.page.keyboard.press('Escape');
        throw new Error(`The command palette has no command "${label}" after ${timeoutMs / 1000} s.`);
      }
    }
    // The palette closes, or turns into the command's own picker (its input no longer holds `>label`).
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    for (let i = 0; i < 100; i++) {
      if (!(await widget.isVisible()) || (await input.inputValue().catch(() => '')) !== `>${label}`) break;
      await this.page.waitForTimeout(50);
    }
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) by its name. */
  async openFile(name: string): Promise<void> {
    const input = await this.openQuickInput('');
    await input.fill(name);
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: name }),
    });
    await row.first().waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ timeout: 15_000 });
  }

  /**
   * Opens the command palette ('>') or quick open. A webview that holds the focus (a results grid just
   * clicked) keeps the key to itself, so the focus is first taken back to the workbench's page; a
   * webview that takes it back a moment later is outlasted by trying again.
   */
  private async openQuickInput(prefix: string): Promise<Locator> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
      await this.page.locator('.monaco-workbench').focus();
      await this.page.keyboard.press(prefix === '>' ? 'F1' : 'Control+P');
      const shown = await input.waitFor({ state: 'visible', timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (shown) return input;
      if (attempt === 3) throw new Error(`The ${prefix === '>' ? 'command palette' : 'quick open box'} did not open after 3 tries.`);
    }
  }

  /** Shows a view container (activity bar entry) by its title, e.g. 'Explorer' or the extension's container. */
  async openViewContainer(title: string): Promise<void> {
    const item = this.page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${cssString(title)}"]`).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    const checked = await item
      .locator('xpath=..')
      .getAttribute('aria-selected')
      .catch(() => null);
    if (checked !== 'true' && (await item.getAttribute('aria-expanded')) !== 'true') await item.click();
    await this.page
      .locator(`.part.sidebar .composite.title h2`, { hasText: new RegExp(escapeRegExp(title), 'i') })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** A tree item in the side bar whose label is `label`. */
  treeItem(label: string): Locator {
    return this.page
      .locator('.part.sidebar .monaco-list-row', {
        has: this.page.locator('.monaco-highlighted-label, .label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
      })
      .first();
  }

  /** Right-clicks `target` and chooses `item` in its context menu (hover + Enter: a click right after the menu opens is ignored). */
  async contextMenu(target: Locator, item: string): Promise<void> {
    await target.waitFor({ state: 'visible', timeout: 15_000 });
    await target.click({ button: 'right' });
    const entry = this.page
      .locator('.context-view .monaco-menu .action-item .action-label', {
        hasText: new RegExp(`^${escapeRegExp(item)}$`),
      })
      .first();
    await entry.waitFor({ state: 'visible', timeout: 15_000 });
    await entry.hover();
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.context-view .monaco-menu')
      .waitFor({ state: 'hidden', timeout: 15_000 })
      .catch(() => undefined);
  }

  /** The content of the active webview (inside `iframe.webview` → `iframe#active-frame`). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
  }

  /** The full text of the active text editor (select all + copy through the clipboard). */
  async activeEditorText(): Promise<string> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 15_000 });
    await editor.locator('.view-lines').click();
    await this.page.evaluate('navigator.clipboard.writeText("")');
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+C');
    let text = '';
    for (let i = 0; i < 50 && text === ''; i++) {
      text = String(await this.page.evaluate('navigator.clipboard.readText()'));
      if (text === '') await this.page.waitForTimeout(100);
    }
    await this.page.keyboard.press('Escape');
    return text.replace(/\r\n/g, '\n');
  }

  /**
   * The text of the Output panel's channel named `channel` (shows the panel and selects the channel).
   * The channel list is fixed when the picker opens, so it reopens it until the channel exists (an
   * extension creates its channel when it activates) or `timeoutMs` passes.
   */
  async outputChannelText(channel: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.runCommand('Output: Show Output Channels...', Math.max(1_000, deadline - Date.now()));
      await this.page.locator('.quick-input-widget .quick-input-box input').fill(channel);
      const row = this.page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row', {
          has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(channel)}$`) }),
        })
        .first();
      if (
        await row.waitFor({ state: 'visible', timeout: 2_000 }).then(
          () => true,
          () => false,
        )
      ) {
        await row.click();
        break;
      }
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`The Output panel has no channel named "${channel}" after ${timeoutMs / 1000} s.`);
    }
    const lines = this.page.locator('.part.panel .output-view .view-lines');
    await lines.waitFor({ state: 'visible', timeout: 15_000 });
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** The messages of the notification toasts now shown (information, warning, error). */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((t) => t.trim());
  }

  /** Waits for a notification toast whose message matches `text`, and returns its message. */
  async waitForNotification(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
    const started = Date.now();
    const asToast = Math.min(timeoutMs, 20_000);
    try {
      await toast.waitFor({ state: 'visible', timeout: asToast });
      return (await toast.innerText()).trim();
    } catch (e) {
      if (asToast >= timeoutMs) throw e;
    }
    // VS Code may hide a toast before it is seen (several notifications at once, one of them sticky);
    // the notification center keeps every notification of the window.
    await this.runCommand('Notifications: Show Notifications');
    const listed = this.page.locator('.notifications-center .notification-list-item-message', { hasText: text }).first();
    await listed.waitFor({ state: 'visible', timeout: Math.max(1_000, timeoutMs - (Date.now() - started)) });
    const said = (await listed.innerText()).trim();
    // The center's own Hide button (its command is not in the palette).
    const center = this.page.locator('.notifications-center');
    const hide = center.locator('.notifications-center-header-toolbar .action-label[aria-label^="Hide Notifications"]');
    if (await hide.isVisible()) await hide.click();
    else await this.page.keyboard.press('Escape');
    await center.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => this.page.keyboard.press('Escape'));
    return said;
  }

  /** Saves a screenshot into test-results/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(resultsDir, { recursive: true });
    const path = join(resultsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}

export interface VSCodeSession {
  server: CodeServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  workbench: Workbench;
  /** Milliseconds from starting code-server to the workbench being ready. */
  startupMs: number;
  /** Messages the page logged (console and page errors), for diagnosing failures. */
  consoleLog: string[];
  /**
   * Closes everything. After a failure, pass `failureName`: a screenshot of that name goes into
   * test-results/ (best effort) and the page's last 20 errors are printed, to diagnose it.
   */
  close(failureName?: string): Promise<void>;
}

export interface StartVSCodeOptions extends CodeServerOptions, WorkbenchUrlOptions {
  /** Wait for the workbench to be ready (default true; the mocha runner waits for its exit instead). */
  waitReady?: boolean;
  /** Called before the page opens the workbench: expose functions, listen to events. */
  beforeOpen?: (page: Page) => Promise<void>;
}

/** code-server + Chromium + the workbench for `folder`, with this extension loaded for development. */
export async function startVSCode(opts: StartVSCodeOptions = {}): Promise<VSCodeSession> {
  checkPrerequisites({ development: opts.extensionDevelopmentPath !== null });
  const started = Date.now();
  const server = await startCodeServer(opts);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    const page = await context.newPage();
    const consoleLog: string[] = [];
    page.on('console', (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.message}`));
    if (opts.beforeOpen) await opts.beforeOpen(page);
    await page.goto(workbenchUrl(server, server.folder, opts));
    const workbench = new Workbench(page);
    if (opts.waitReady !== false) await workbench.waitReady();
    const startupMs = Date.now() - started;
    const b = browser;
    return {
      server,
      browser,
      context,
      page,
      workbench,
      startupMs,
      consoleLog,
      async close(failureName?: string): Promise<void> {
        if (failureName) {
          await workbench.screenshot(failureName).catch(() => undefined);
          console.log(
            consoleLog
              .filter((l) => l.startsWith('[error]'))
              .slice(-20)
              .join('\n'),
          );
        }
        await b.close().catch(() => undefined);
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await server.close();
    throw e;
  }
}

/** The extension's manifest (package.json), for tests that follow what it contributes. */
export function extensionManifest(): { publisher: string; name: string; contributes?: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; contributes?: Record<string, unknown> };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
