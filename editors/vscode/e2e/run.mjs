// The extension in a real VS Code: code-server (VS Code 1.100 in a browser) in Debian's Chromium,
// driven by Playwright. Installs the packaged .vsix, opens a folder with a convox.yml and checks
// what a user sees: the Problems count and squiggles, a hover, completion while typing, a quick
// fix, a rename, the rendered manifests, the deploy plan of the rename against the committed
// manifest (the workspace copy is a git repository). Saves a PNG of each step in the output directory.
//
//   node e2e/run.mjs FILE.vsix [OUT_DIR]
//
// Needs what e2e/setup.sh installs (code-server and playwright-core under $CONVOX_E2E_HOME,
// default ~/.cache/convox-lsp-e2e; chromium). code-server listens on 127.0.0.1 only, without
// authentication, with telemetry and update checks off.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vsix = resolve(process.argv[2] ?? '');
const out = resolve(process.argv[3] ?? join(here, 'screenshots'));
const home = process.env.CONVOX_E2E_HOME || join(homedir(), '.cache', 'convox-lsp-e2e');
const entry = join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const browserPath = process.env.CONVOX_E2E_CHROMIUM || '/usr/bin/chromium';
const { chromium } = createRequire(join(home, 'package.json'))('playwright-core');
const WAIT = 30_000;

if (!process.argv[2]) {
  console.error('usage: node e2e/run.mjs FILE.vsix [OUT_DIR]');
  process.exit(2);
}

const started = Date.now();
const step = (msg) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** A fresh user data dir, extensions dir and workspace (a copy of e2e/workspace). */
function prepare() {
  const root = mkdtempSync(join(tmpdir(), 'convox-e2e-'));
  const dirs = { root, data: join(root, 'data'), ext: join(root, 'extensions'), ws: join(root, 'shop') };
  cpSync(join(here, 'workspace'), dirs.ws, { recursive: true });
  mkdirSync(join(dirs.data, 'User'), { recursive: true });
  const settings = {
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'editor.minimap.enabled': false,
    'editor.fontSize': 14,
    'editor.hover.delay': 200,
    'files.autoSave': 'off',
  };
  writeFileSync(join(dirs.data, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(join(root, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  // Committed as found: the deploy plan and the data-loss warning compare the buffer with HEAD.
  for (const args of [['init', '-q'], ['add', '.'], ['commit', '-q', '-m', 'as deployed']]) {
    const id = ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', '-c', 'commit.gpgsign=false'];
    const r = spawnSync('git', [...id, ...args], { cwd: dirs.ws, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} in the workspace failed: ${r.stderr}`);
  }
  return dirs;
}

function codeServerArgs(dirs) {
  return [entry, '--config', join(dirs.root, 'config.yaml'), '--user-data-dir', dirs.data, '--extensions-dir', dirs.ext];
}

function installExtension(dirs) {
  const r = spawnSync(process.execPath, [...codeServerArgs(dirs), '--install-extension', vsix], { encoding: 'utf8' });
  if (r.status !== 0 || !/was successfully installed/.test(r.stdout)) {
    throw new Error(`code-server --install-extension ${vsix} failed:\n${r.stdout}${r.stderr}`);
  }
  step(r.stdout.trim().split('\n').pop());
}

async function startCodeServer(dirs) {
  const port = await freePort();
  const args = [
    ...codeServerArgs(dirs),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    dirs.ws,
  ];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + WAIT;
  while (!log.includes('HTTP server listening')) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`code-server did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.ws)}`, log: () => log };
}

/** The text of the "Convox LSP" output channel's log files under the user data dir. */
function outputLog(dir) {
  let text = '';
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('Convox LSP.log')) text += readFileSync(join(e.parentPath ?? e.path, e.name), 'utf8');
  }
  return text;
}

/** The steps: each one waits for what the user would see, then takes its picture. */
function userSteps(page, dirs) {
  const manifest = join(dirs.ws, 'convox.yml');
  const shot = (name) => page.screenshot({ path: join(out, `${name}.png`) });
  const onDisk = () => readFileSync(manifest, 'utf8');
  const lineOf = (needle) => {
    const i = onDisk().split('\n').findIndex((l) => l.includes(needle));
    if (i < 0) throw new Error(`no line with ${JSON.stringify(needle)} in convox.yml:\n${onDisk()}`);
    return { line: i + 1, column: onDisk().split('\n')[i].indexOf(needle) + 1 };
  };
  const runCommand = async (title) => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type(title);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await page.keyboard.press('Enter');
  };
  const goTo = async (needle, offset = 0) => {
    const { line, column } = lineOf(needle);
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type(`${line}:${column + offset}`);
    await page.keyboard.press('Enter');
  };
  // Saves, then reads the file until `pred` holds (the editor may be half-way through writing it).
  const saved = async (what, pred) => {
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + WAIT;
    while (!pred(onDisk())) {
      if (Date.now() > deadline) throw new Error(`${what}: not in the saved file:\n${onDisk()}`);
      await page.waitForTimeout(100);
    }
    return onDisk();
  };
  // The visible lines of the active editor (VS Code draws spaces as no-break spaces).
  const editorText = async () =>
    (await page.locator('.editor-group-container.active .view-lines').innerText()).replace(/\u00a0/g, ' ');
  const waitText = async (what, read, pred) => {
    const deadline = Date.now() + WAIT;
    let last = '';
    while (Date.now() < deadline) {
      last = await read();
      if (pred(last)) return last;
      await page.waitForTimeout(200);
    }
    throw new Error(`${what}: not seen; last was:\n${last}`);
  };

  return {
    async open() {
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
      await page.keyboard.type('convox.yml');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'convox.yml' }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.monaco-editor .view-lines').first().waitFor();
      await runCommand('View: Close Primary Side Bar'); // more room for the editor in the pictures
      step('convox.yml opened');
    },
    async problems() {
      const status = page.locator('[id="status.problems"]');
      const label = await waitText('Problems count in the status bar', async () => (await status.getAttribute('aria-label')) ?? '', (t) =>
        /Errors: 1, Warnings: 1/.test(t),
      );
      await page.locator('.view-overlays .squiggly-error').first().waitFor();
      await page.locator('.view-overlays .squiggly-warning').first().waitFor();
      // The code lens above `web:` with its kubectl command in the app's namespace.
      await page.locator('.codelens-decoration', { hasText: 'kubectl get deploy,svc,ing,hpa -n acme-shop -l service=web' }).first().waitFor();
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await waitText('the error in the Problems panel', () => panel.innerText(), (t) => t.includes('references a resource that does not exist: cashe'));
      step(`Problems: ${label}; squiggles under the error and the warning; the kubectl lens above web`);
      await shot('problems');
      await page.keyboard.press('Control+J'); // hide the panel again
    },
    async hover() {
      await goTo('web:');
      await runCommand('Show or Focus Hover');
      const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents').first();
      const text = await waitText('hover on services.web', () => hover.innerText().catch(() => ''), (t) => t.includes('Deployment web'));
      if (!text.includes('acme-shop')) throw new Error(`hover without the namespace acme-shop:\n${text}`);
      step('hover on web names Deployment web in namespace acme-shop');
      await shot('hover');
      await page.keyboard.press('Escape');
    },
    async completion() {
      await goTo('port: 3000');
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('termi', { delay: 50 });
      const row = page.locator('.suggest-widget.visible .monaco-list-row', { hasText: 'termination' }).first();
      await row.waitFor({ timeout: WAIT });
      step('completion offers termination while typing');
      await shot('completion');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      await saved('completion applied', (t) => /^ {4}termination:/m.test(t));
      step('completion applied: termination: in the file');
    },
    async quickFix() {
      await goTo('helth:');
      await page.keyboard.press('Control+.');
      const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Rename to `health`' }).first();
      await item.waitFor({ timeout: WAIT });
      await shot('quick-fix');
      // The menu takes keys, not clicks (a pointer block covers it): move to the fix, then Enter.
      for (let i = 0; i < 10 && (await item.getAttribute('class'))?.includes('focused') !== true; i++) {
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
      await saved('quick fix applied', (t) => /^ {4}health:/m.test(t) && !t.includes('helth'));
      step('quick fix applied: helth -> health');
    },
    async rename() {
      await goTo('database:');
      await page.keyboard.press('F2');
      const input = page.locator('.rename-box input.rename-input');
      await input.waitFor({ state: 'visible' });
      await waitText('the rename box', () => input.inputValue(), (v) => v === 'database');
      await input.fill('postgres');
      await shot('rename');
      await input.press('Enter');
      await waitText('rename in the editor', editorText, (t) => !t.includes('database'));
      await saved(
        'rename applied to the declaration and both uses',
        (t) => /^ {2}postgres:$/m.test(t) && (t.match(/^ {6}- postgres$/gm) ?? []).length === 2 && !t.includes('database'),
      );
      step('rename applied: database -> postgres, the declaration and 2 uses, saved to disk');
    },
    async bundledServer() {
      // The extension's own log (the "Convox LSP" output channel, written under the user data dir).
      const log = await waitText('the extension log', async () => outputLog(dirs.data), (t) => t.includes('Using '));
      const used = /Using (.*) \(bundled with the extension\)/.exec(log);
      if (!used || !used[1].startsWith(dirs.ext)) throw new Error(`not the bundled server:\n${log}`);
      step(`the extension started the server bundled in the .vsix: ${used[1].slice(dirs.ext.length + 1)}`);
    },
    async troubleshoot() {
      // The "troubleshoot" lens above web: the ladder opens rendered in the Markdown preview.
      await goTo('web:');
      const lens = page.locator('.codelens-decoration', { hasText: 'service=web' }).first();
      await lens.locator('a', { hasText: /^troubleshoot$/ }).click();
      const tab = page.locator('.tab', { hasText: 'Preview troubleshoot web.md' });
      await tab.waitFor({ timeout: WAIT });
      // The preview is a webview: its content is in nested frames.
      const read = async () => {
        for (const f of page.frames().filter((f) => f !== page.mainFrame())) {
          const text = await f.locator('body').innerText({ timeout: 500 }).catch(() => '');
          if (text.includes('kubectl')) return { text, code: await f.locator('pre code').count().catch(() => 0) };
        }
        return { text: '', code: 0 };
      };
      const seen = await waitText('the rendered ladder', async () => JSON.stringify(await read()), (t) => JSON.parse(t).code > 0);
      const { text } = JSON.parse(seen);
      if (text.includes('```') || !text.includes('kubectl get pods')) throw new Error(`not rendered Markdown:\n${text}`);
      step('troubleshoot lens: the ladder of web opened as a rendered Markdown preview, kubectl commands in code blocks');
      await shot('troubleshoot');
      await page.keyboard.press('Control+1'); // back to the group of convox.yml (the preview stays beside it)
    },
    async render() {
      // The manifest's own tab first: the command is offered for a convox.yml editor.
      await page.locator('.tab', { hasText: 'convox.yml' }).first().click();
      await runCommand('Convox: Show Rendered Kubernetes Manifests');
      await waitText('rendered manifests', editorText, (t) => t.includes('kind: Deployment'));
      step('rendered manifests opened beside the manifest');
      await shot('render');
    },
    async plan() {
      // After the rename step: database -> postgres, saved; HEAD still has database.
      await page.keyboard.press('Control+1'); // back to the manifest
      await runCommand('Convox: Show Deploy Plan');
      const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe').locator('body');
      const text = await waitText('the deploy plan preview', () => preview.innerText().catch(() => ''), (t) =>
        t.includes('Deploy plan') && t.includes('resources.database -> resources.postgres'),
      );
      if (!text.includes('PersistentVolumeClaim resource-database')) throw new Error(`no deleted claim in the plan:\n${text}`);
      step('deploy plan beside the manifest: the rename prunes PersistentVolumeClaim resource-database');
      await shot('plan');
    },
  };
}

async function main() {
  mkdirSync(out, { recursive: true });
  const dirs = prepare();
  let server;
  let browser;
  try {
    installExtension(dirs);
    server = await startCodeServer(dirs);
    step(`code-server on ${server.url}`);
    browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(WAIT);
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor();
    step('workbench loaded');
    const steps = userSteps(page, dirs);
    const names = Object.keys(steps);
    try {
      for (const name of names) {
        await steps[name]();
      }
    } catch (e) {
      await page.screenshot({ path: join(out, 'failure.png') }).catch(() => {});
      throw e;
    }
    step(`done; screenshots in ${out}`);
    console.log(`e2e: ${names.length} passed, 0 failed`);
  } catch (e) {
    if (server) console.error(`--- code-server log\n${server.log()}`);
    throw e;
  } finally {
    await browser?.close();
    server?.proc.kill();
    rmSync(dirs.root, { recursive: true, force: true });
  }
}

await main();
