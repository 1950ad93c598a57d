// The extension's contract with the real server, without VS Code: the settings object this
// extension builds (initializationOptions and didChangeConfiguration), the code lens command and
// its argument, `convox/render`. Runs the binary from $CONVOX_LSP_BIN or the repository's
// target/{debug,release}; skipped when there is none.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  createProtocolConnection,
  type Hover,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

import { commandLineFromArgs, kubectlActions, KUBECTL_COMMAND } from '../kubectl';
import { isMethodNotFound, renderedText, RENDER_COMMAND, RENDER_METHOD } from '../render';
import { buildSettings } from '../settings';
import { ladderText, troubleshootArgs, TROUBLESHOOT_COMMAND } from '../troubleshoot';

const repo = join(__dirname, '..', '..', '..', '..');
const exe = process.platform === 'win32' ? 'convox-lsp.exe' : 'convox-lsp';
const binary = [process.env.CONVOX_LSP_BIN, join(repo, 'target', 'debug', exe), join(repo, 'target', 'release', exe)].find(
  (p): p is string => p !== undefined && p !== '' && existsSync(p),
);

const manifestPath = join(repo, 'examples', 'convox.yml');
const text = existsSync(manifestPath) ? readFileSync(manifestPath, 'utf8') : '';
// A path that exists nowhere: no `.convox/` beside it, so only the settings name rack and app.
const uri = pathToFileURL(join('/nonexistent-convox-lsp-test', 'shop', 'convox.yml')).href;

function positionOf(needle: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.startsWith(needle));
  assert.ok(line >= 0, needle);
  return { line, character: needle.search(/\S/) };
}

function hoverText(h: Hover | null): string {
  const c = h?.contents;
  if (c === undefined) {
    return '';
  }
  if (typeof c === 'string') {
    return c;
  }
  if (Array.isArray(c)) {
    return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  }
  return c.value;
}

describe('the extension against convox-lsp', { skip: binary === undefined ? 'no convox-lsp binary (cargo build first)' : false }, () => {
  let proc: ChildProcessWithoutNullStreams;
  let conn: ProtocolConnection;
  const published: PublishDiagnosticsParams[] = [];
  let waiters: (() => void)[] = [];
  let firstCodes: string[] = [];

  // Resolves with the next diagnostics published for the document.
  function nextDiagnostics(): Promise<PublishDiagnosticsParams> {
    const seen = published.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no diagnostics within 10 s')), 10_000);
      const check = (): void => {
        if (published.length > seen) {
          clearTimeout(timer);
          resolve(published[published.length - 1]);
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  }

  function settings(values: Record<string, unknown>): unknown {
    return { convox: buildSettings((k) => values[k]).settings };
  }

  before(() => {
    // As vscode-languageclient 9 starts an Executable with TransportKind.stdio (lib/node/main.js:
    // `args.push('--stdio')`, then `cp.spawn(command, args, options)`), which is what extension.ts asks for.
    proc = spawn(binary as string, ['--stdio'], { stdio: 'pipe', env: { ...process.env, CONVOX_RACK: '' } });
    conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      if (p.uri === uri) {
        published.push(p);
        const w = waiters;
        waiters = [];
        w.forEach((f) => f());
      }
    });
    conn.onNotification('window/showMessage', () => undefined);
    conn.listen();
  });

  after(async () => {
    try {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
    } finally {
      conn.dispose();
      proc.kill();
    }
  });

  it('starts with the settings as initializationOptions and offers convox.kubectl', async () => {
    const result: {
      capabilities: { executeCommandProvider?: { commands: string[] }; codeLensProvider?: unknown; inlayHintProvider?: unknown };
      serverInfo?: { name: string };
    } = await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: settings({ rack: 'acme', app: 'shop', diagnostics: { 'no-effect': 'hint' } }),
    });
    assert.equal(result.serverInfo?.name, 'convox-lsp');
    assert.ok(result.capabilities.executeCommandProvider?.commands.includes(KUBECTL_COMMAND));
    assert.ok(result.capabilities.codeLensProvider);
    await conn.sendNotification('initialized', {});
    const diags = nextDiagnostics();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'convox', version: 1, text } });
    firstCodes = (await diags).diagnostics.map((d) => String(d.code)).sort();
    // examples/convox.yml has a `transitEncryption` typo (`convox-lsp check` shows it).
    assert.ok(firstCodes.includes('unknown-key'), firstCodes.join(', '));
  });

  it('hovers in the namespace <rack>-<app> of the settings', async () => {
    const h: Hover | null = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf('  web:') });
    assert.match(hoverText(h), /namespace `acme-shop`/);
  });

  it('gives code lenses whose command is convox.kubectl with one runnable kubectl line', async () => {
    const all: { command?: { command: string; arguments?: unknown[] } }[] = await conn.sendRequest('textDocument/codeLens', {
      textDocument: { uri },
    });
    const lenses = all.filter((l) => l.command?.command !== TROUBLESHOOT_COMMAND);
    assert.ok(lenses.length > 0);
    for (const lens of lenses) {
      assert.equal(lens.command?.command, KUBECTL_COMMAND);
      const cmd = commandLineFromArgs(lens.command?.arguments);
      assert.ok(cmd !== undefined, JSON.stringify(lens.command));
      assert.match(cmd, /-n acme-shop/);
      assert.deepEqual(
        kubectlActions(cmd, { trusted: true }).map((p) => p.action),
        ['copy', 'run'],
        cmd,
      );
    }
  });

  it('gives a troubleshoot lens per name whose command returns the ladder as Markdown', async () => {
    const all: { command?: { command: string; title: string; arguments?: unknown[] } }[] = await conn.sendRequest(
      'textDocument/codeLens',
      { textDocument: { uri } },
    );
    const lenses = all.filter((l) => l.command?.command === TROUBLESHOOT_COMMAND);
    assert.ok(lenses.length > 0);
    const web = lenses.find((l) => troubleshootArgs(l.command?.arguments)?.name === 'web');
    assert.ok(web?.command !== undefined);
    assert.equal(web.command.title, 'troubleshoot');
    const md = ladderText(
      await conn.sendRequest('workspace/executeCommand', { command: TROUBLESHOOT_COMMAND, arguments: web.command.arguments }),
    );
    assert.ok(md !== undefined && md.startsWith('# Troubleshooting service `web`'), md);
    assert.match(md, /kubectl get pods -n acme-shop -l service=web,type=service -o wide/);
  });

  it('applies changed settings sent the way the extension sends them', async () => {
    const diags = nextDiagnostics();
    await conn.sendNotification('workspace/didChangeConfiguration', {
      settings: settings({ rack: 'other', app: 'shop', diagnostics: { 'unknown-key': 'off' } }),
    });
    assert.deepEqual(
      (await diags).diagnostics.map((d) => String(d.code)).sort(),
      firstCodes.filter((c) => c !== 'unknown-key'),
    );
    const h: Hover | null = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf('  web:') });
    assert.match(hoverText(h), /namespace `other-shop`/);
  });

  it('answers convox/render with YAML text, or MethodNotFound before the server has it', async () => {
    let result: unknown;
    try {
      result = await conn.sendRequest(RENDER_METHOD, { uri });
    } catch (e) {
      assert.ok(isMethodNotFound(e), String(e));
      return;
    }
    const yaml = renderedText(result);
    assert.ok(yaml !== undefined, JSON.stringify(result));
    assert.match(yaml, /kind: Deployment/);
    assert.match(yaml, /namespace: other-shop/);
    // The command form (what the middleware turns into the same request) returns the text itself.
    const fromCommand: unknown = await conn.sendRequest('workspace/executeCommand', {
      command: RENDER_COMMAND,
      arguments: [uri, 'web'],
    });
    assert.equal(typeof renderedText(fromCommand), 'string');
    assert.match(renderedText(fromCommand) ?? '', /name: web/);
  });
});
