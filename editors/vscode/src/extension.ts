// The VS Code glue: starts convox-lsp over stdio for Convox manifests and adds the commands the
// server cannot do alone. The decisions live in small modules without `vscode` (serverPath,
// settings, kubectl, render) so they are unit-tested under plain Node.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  type DocumentSelector,
  type Executable,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

import { documentSelector } from './files';
import { KUBECTL_COMMAND, commandLineFromArgs, copiedMessage, kubectlActions, kubectlPlaceholder, TERMINAL_NAME } from './kubectl';
import { RENDER_COMMAND, RENDER_METHOD, RENDER_NOT_SUPPORTED, isMethodNotFound, renderParamsFromArgs, renderedText, type RenderParams } from './render';
import { bundledPath, findServer } from './serverPath';
import { PLAN_METHOD, PLAN_NOT_SUPPORTED, PLAN_SCHEME, planMarkdown, planPath } from './plan';
import { ladderPath, ladderText, troubleshootArgs, TROUBLESHOOT_COMMAND, TROUBLESHOOT_SCHEME } from './troubleshoot';
import { buildSettings, type ServerSettings } from './settings';

const SECTION = 'convox';

/** See files.ts: the `convox` language, and manifests associated with `yaml` again. */
export const DOCUMENT_SELECTOR: DocumentSelector = documentSelector();

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

function readSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const { settings, problems } = buildSettings((key) => config.get(key));
  for (const p of problems) {
    output.appendLine(`[settings] ${p}`);
  }
  return settings;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Why `p` cannot serve: `p --version` must exit 0 and name convox-lsp (within 10 s). */
function checkServer(p: string): string | undefined {
  const r = spawnSync(p, ['--version'], { encoding: 'utf8', timeout: 10_000, windowsHide: true });
  if (r.error) return r.error.message;
  if (r.status !== 0 || !r.stdout.startsWith('convox-lsp ')) {
    return `--version exited with ${r.status ?? r.signal}: ${(r.stdout + r.stderr).trim().slice(0, 200)}`;
  }
  return undefined;
}

function serverCommand(context: vscode.ExtensionContext): string | undefined {
  const bundled = bundledPath(context.extensionPath, process.platform);
  if (process.platform !== 'win32' && isFile(bundled)) {
    // A .vsix may not keep the executable bit.
    try {
      fs.chmodSync(bundled, 0o755);
    } catch {
      // Read-only install: the check below reports the real problem.
    }
  }
  const lookup = findServer({
    setting: vscode.workspace.getConfiguration(SECTION).get<string>('server.path'),
    extensionPath: context.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    platform: process.platform,
    env: process.env,
    homedir: os.homedir(),
    isFile,
    check: checkServer,
  });
  if (!lookup.found) {
    output.appendLine(lookup.message);
    void vscode.window.showErrorMessage(lookup.message, 'Open Settings').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'convox.server.path');
      }
    });
    return undefined;
  }
  for (const s of lookup.skipped) {
    output.appendLine(`Skipped ${s}`);
  }
  if (lookup.skipped.some((s) => s.startsWith('convox.server.path'))) {
    void vscode.window.showWarningMessage(`${lookup.skipped[0]}; using ${lookup.command} instead.`);
  }
  output.appendLine(`Using ${lookup.command} (${lookup.source === 'path' ? 'found on PATH' : lookup.source === 'bundled' ? 'bundled with the extension' : 'convox.server.path'})`);
  return lookup.command;
}

function createClient(command: string): LanguageClient {
  const executable: Executable = { command, transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    initializationOptions: { [SECTION]: readSettings() },
    // The client sends `workspace/didChangeConfiguration` when anything under `convox` changes;
    // the middleware below puts the cleaned settings in it rather than the raw section.
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        // The server pulls `convox` after `initialized`: answer with the same cleaned object.
        configuration: (params, token, next) => {
          if (params.items.every((item) => item.section === SECTION)) {
            const settings = readSettings();
            return params.items.map(() => settings);
          }
          return next(params, token);
        },
        didChangeConfiguration: async (sections, next) => {
          if (sections?.includes(SECTION)) {
            await self.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { [SECTION]: readSettings() },
            });
            return;
          }
          await next(sections);
        },
      },
      // The server lists `convox.kubectl` and `convox.render` in `executeCommandProvider`, so the
      // client's ExecuteCommandFeature registers VS Code commands of those names while the server
      // runs (and unregisters them on stop). Registering them ourselves as well would fail with
      // "command 'convox.kubectl' already exists" (or break the client's start). So this extension
      // does not register them: it intercepts them here, in the client's own command handler, and
      // handles them in VS Code: `convox.kubectl` (the code lenses) copies the line or runs it in a
      // terminal instead of sending `workspace/executeCommand` (the server would only show it in a
      // message); `convox.render` opens the YAML beside the manifest instead of returning it;
      // `convox.troubleshoot` (the "troubleshoot" lenses) is sent to the server and its Markdown
      // opened beside the manifest in a read-only document.
      // Any other server command is forwarded as usual.
      executeCommand: async (command, args, next) => {
        if (command === KUBECTL_COMMAND) {
          await kubectl(args);
          return undefined;
        }
        if (command === TROUBLESHOOT_COMMAND && troubleshootArgs(args) !== undefined) {
          await showLadder(args, next);
          return undefined;
        }
        if (command === RENDER_COMMAND) {
          const params = renderParamsFromArgs(args);
          if (params !== undefined) {
            await showRendered(self, params);
            return undefined;
          }
        }
        const result: unknown = await next(command, args);
        return result;
      },
    },
  };
  const self = new LanguageClient(SECTION, 'Convox LSP', serverOptions, clientOptions);
  return self;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const command = serverCommand(context);
  if (command === undefined) {
    return;
  }
  const c = createClient(command);
  client = c;
  try {
    await c.start();
    const info = c.initializeResult?.serverInfo;
    output.appendLine(`Started ${info?.name ?? 'convox-lsp'} ${info?.version ?? ''}`.trimEnd());
  } catch (e) {
    const message = `${command} failed to start: ${e instanceof Error ? e.message : String(e)}. Set convox.server.path to a convox-lsp that runs here (convox-lsp --version), or reinstall the extension for this platform.`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message);
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c === undefined) {
    return;
  }
  try {
    // Stops the server (shutdown, exit) unless it never started; keeps our output channel.
    await c.dispose();
  } catch (e) {
    output.appendLine(`Stopping the server: ${e instanceof Error ? e.message : String(e)}`);
  }
}

let terminal: vscode.Terminal | undefined;

async function kubectl(args: unknown[]): Promise<void> {
  const cmd = commandLineFromArgs(args);
  if (cmd === undefined) {
    void vscode.window.showErrorMessage(`${KUBECTL_COMMAND} takes a kubectl command line as its argument`);
    return;
  }
  const trusted = vscode.workspace.isTrusted;
  const pick = await vscode.window.showQuickPick(kubectlActions(cmd, { trusted }), {
    title: cmd,
    placeHolder: kubectlPlaceholder(cmd, { trusted }),
  });
  if (pick === undefined) {
    return;
  }
  if (pick.action === 'copy') {
    await vscode.env.clipboard.writeText(cmd);
    vscode.window.setStatusBarMessage(copiedMessage(cmd), 4000);
    return;
  }
  if (terminal === undefined || terminal.exitStatus !== undefined) {
    terminal = vscode.window.createTerminal({ name: TERMINAL_NAME });
  }
  terminal.show();
  terminal.sendText(cmd, true);
}

/** The ladders shown so far, by document URI (read-only documents of TROUBLESHOOT_SCHEME). */
const ladders = new Map<string, string>();
/** Made in `activate`: nothing of `vscode` is constructed while the module loads. */
let laddersChanged: vscode.EventEmitter<vscode.Uri> | undefined;

/**
 * Runs `convox.troubleshoot` on the server and opens its Markdown beside the manifest, rendered by
 * VS Code's Markdown preview (headings, and each kubectl command in a code block to select and
 * copy). The document behind the preview is read-only (served by a TextDocumentContentProvider,
 * so it cannot be edited or saved); "Open Source" on the preview shows the Markdown text.
 */
async function showLadder(args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<void> {
  const params = troubleshootArgs(args);
  if (params === undefined) {
    return;
  }
  try {
    const text = ladderText(await next(TROUBLESHOOT_COMMAND, args));
    if (text === undefined) {
      void vscode.window.showErrorMessage(`${TROUBLESHOOT_COMMAND} returned no text.`);
      return;
    }
    const uri = vscode.Uri.from({ scheme: TROUBLESHOOT_SCHEME, path: ladderPath(params.name) });
    ladders.set(uri.toString(), text);
    laddersChanged?.fire(uri);
    await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'markdown');
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    output.appendLine(`${TROUBLESHOOT_COMMAND}: ${message}`);
    void vscode.window.showErrorMessage(`Troubleshoot: ${message}`);
  }
}

/** Sends `convox/render` and opens the YAML in a new editor beside the manifest. */
async function showRendered(c: LanguageClient, params: RenderParams): Promise<void> {
  try {
    const result: unknown = await c.sendRequest(RENDER_METHOD, params);
    const text = renderedText(result);
    if (text === undefined) {
      void vscode.window.showErrorMessage(`${RENDER_METHOD} returned no YAML text.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  } catch (e) {
    if (isMethodNotFound(e)) {
      void vscode.window.showWarningMessage(RENDER_NOT_SUPPORTED);
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    output.appendLine(`${RENDER_METHOD}: ${message}`);
    void vscode.window.showErrorMessage(`Rendering failed: ${message}`);
  }
}

/**
 * The running client and the active manifest's URI, or undefined after telling the user why not
 * (`what`: what opening a manifest would show).
 */
function activeManifest(what: string): { c: LanguageClient; uri: string } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || vscode.languages.match(DOCUMENT_SELECTOR, editor.document) === 0) {
    void vscode.window.showInformationMessage(`Open a convox.yml to see ${what}.`);
    return undefined;
  }
  const c = client;
  if (c === undefined || !c.isRunning()) {
    void vscode.window.showErrorMessage('The Convox language server is not running (see the "Convox LSP" output).');
    return undefined;
  }
  return { c, uri: c.code2ProtocolConverter.asUri(editor.document.uri) };
}

async function showRenderedManifests(): Promise<void> {
  const active = activeManifest('the Kubernetes manifests it renders to');
  if (active !== undefined) {
    await showRendered(active.c, { uri: active.uri });
  }
}

/** The plans shown so far, by document URI (read-only documents of PLAN_SCHEME). */
const plans = new Map<string, string>();
/** Made in `activate`. */
let plansChanged: vscode.EventEmitter<vscode.Uri> | undefined;

/**
 * "Convox: Show Deploy Plan": sends `convox/plan` for the active manifest (the buffer against the
 * committed version) and opens the Markdown, rendered, beside it.
 */
async function showDeployPlan(): Promise<void> {
  const active = activeManifest('what deploying it does');
  if (active === undefined) {
    return;
  }
  const { c, uri: manifest } = active;
  try {
    const text = planMarkdown(await c.sendRequest(PLAN_METHOD, { uri: manifest }));
    if (text === undefined) {
      void vscode.window.showErrorMessage(`${PLAN_METHOD} returned no Markdown.`);
      return;
    }
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: planPath(manifest) });
    plans.set(uri.toString(), text);
    plansChanged?.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch (e) {
    if (isMethodNotFound(e)) {
      void vscode.window.showWarningMessage(PLAN_NOT_SUPPORTED);
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    output.appendLine(`${PLAN_METHOD}: ${message}`);
    void vscode.window.showErrorMessage(`Deploy plan failed: ${message}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Convox LSP');
  const changed = new vscode.EventEmitter<vscode.Uri>();
  laddersChanged = changed;
  const planChanged = new vscode.EventEmitter<vscode.Uri>();
  plansChanged = planChanged;
  context.subscriptions.push(
    output,
    { dispose: () => void stopClient() },
    vscode.commands.registerCommand('convox.restartServer', async () => {
      output.appendLine('Restarting the server');
      await stopClient();
      await startClient(context);
    }),
    vscode.commands.registerCommand('convox.showRenderedManifests', showRenderedManifests),
    vscode.commands.registerCommand('convox.showDeployPlan', showDeployPlan),
    changed,
    planChanged,
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, {
      onDidChange: planChanged.event,
      provideTextDocumentContent: (uri) => plans.get(uri.toString()) ?? '',
    }),
    vscode.workspace.registerTextDocumentContentProvider(TROUBLESHOOT_SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) => ladders.get(uri.toString()) ?? '',
    }),
    vscode.window.onDidCloseTerminal((t) => {
      if (t === terminal) {
        terminal = undefined;
      }
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // A different binary: start it. Other settings reach the running server (middleware above).
      if (e.affectsConfiguration('convox.server.path')) {
        output.appendLine('convox.server.path changed: restarting the server');
        await stopClient();
        await startClient(context);
      }
    }),
  );
  await startClient(context);
}

export function deactivate(): Promise<void> {
  return stopClient();
}
