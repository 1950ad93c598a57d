// Finding the convox-lsp binary: the `convox.server.path` setting, else the binary shipped in
// the extension (`server/convox-lsp[.exe]`), else `convox-lsp` on PATH. No `vscode` import:
// unit-tested under plain Node.

import * as path from 'path';

export type ServerSource = 'setting' | 'bundled' | 'path';

export type ServerLookup =
  | { found: true; command: string; source: ServerSource }
  | { found: false; message: string };

export interface LookupInput {
  /** The `convox.server.path` setting (empty or undefined when unset). */
  setting?: string | null;
  /** The extension's own directory (`context.extensionPath`). */
  extensionPath: string;
  /** The first workspace folder, for a relative `convox.server.path`. */
  workspaceFolder?: string;
  platform: NodeJS.Platform;
  /** The environment: PATH (Path on Windows) and PATHEXT. */
  env: Record<string, string | undefined>;
  homedir: string;
  /** True when `p` is an existing file. */
  isFile: (p: string) => boolean;
}

export const BINARY = 'convox-lsp';

export function binaryName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${BINARY}.exe` : BINARY;
}

/** The bundled binary's path inside the extension. */
export function bundledPath(extensionPath: string, platform: NodeJS.Platform): string {
  return pathFor(platform).join(extensionPath, 'server', binaryName(platform));
}

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** `~`, `${userHome}` and `${workspaceFolder}` expanded; a relative path is taken from the workspace folder. */
export function expandSetting(
  setting: string,
  opts: { homedir: string; workspaceFolder?: string; platform: NodeJS.Platform },
): string {
  const p = pathFor(opts.platform);
  let s = setting.trim();
  s = s.replace(/\$\{userHome\}/g, opts.homedir);
  if (opts.workspaceFolder !== undefined) {
    s = s.replace(/\$\{workspaceFolder\}/g, opts.workspaceFolder);
  }
  if (s === '~') {
    s = opts.homedir;
  } else if (s.startsWith('~/') || (opts.platform === 'win32' && s.startsWith('~\\'))) {
    s = p.join(opts.homedir, s.slice(2));
  }
  if (!p.isAbsolute(s) && opts.workspaceFolder !== undefined && /[\\/]/.test(s)) {
    s = p.join(opts.workspaceFolder, s);
  }
  return s;
}

/** Every candidate for `name` on PATH, in order (with PATHEXT on Windows). */
export function pathCandidates(name: string, env: Record<string, string | undefined>, platform: NodeJS.Platform): string[] {
  const p = pathFor(platform);
  const win = platform === 'win32';
  const pathVar = win ? (env.Path ?? env.PATH ?? env.path ?? '') : (env.PATH ?? '');
  const dirs = pathVar.split(win ? ';' : ':').filter((d) => d.length > 0);
  const exts = win
    ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM')
        .split(';')
        .filter((e) => e.length > 0)
        .map((e) => e.toLowerCase())
    : [''];
  const out: string[] = [];
  for (const dir of dirs) {
    const base = p.join(dir.replace(/^"(.*)"$/, '$1'), name);
    if (win) {
      for (const ext of exts) {
        out.push(base + ext);
      }
    } else {
      out.push(base);
    }
  }
  return out;
}

export function findServer(input: LookupInput): ServerLookup {
  const setting = input.setting?.trim();
  if (setting) {
    const command = expandSetting(setting, input);
    // A bare name (`convox-lsp-nightly`) is looked up on PATH.
    if (!/[\\/]/.test(command)) {
      const hit = pathCandidates(command, input.env, input.platform).find(input.isFile);
      if (hit !== undefined) {
        return { found: true, command: hit, source: 'setting' };
      }
    } else if (input.isFile(command)) {
      return { found: true, command, source: 'setting' };
    }
    return {
      found: false,
      message: `convox.server.path is set to "${setting}", but ${command} is not a file. Fix the setting or clear it to use the bundled binary or ${BINARY} on PATH.`,
    };
  }
  const bundled = bundledPath(input.extensionPath, input.platform);
  if (input.isFile(bundled)) {
    return { found: true, command: bundled, source: 'bundled' };
  }
  const onPath = pathCandidates(BINARY, input.env, input.platform).find(input.isFile);
  if (onPath !== undefined) {
    return { found: true, command: onPath, source: 'path' };
  }
  return { found: false, message: notFoundMessage(bundled, input) };
}

/** What was tried, in order, and the ways to get a server. */
function notFoundMessage(bundled: string, input: LookupInput): string {
  const dirs = pathCandidates(BINARY, input.env, input.platform).map((c) => pathFor(input.platform).dirname(c));
  const onPath = dirs.length === 0 ? 'PATH is empty' : [...new Set(dirs)].join(input.platform === 'win32' ? ';' : ':');
  return (
    `${BINARY} was not found. Tried: convox.server.path (not set); the bundled server ${bundled} ` +
    `(not in this package: the platform packages of a release carry it); ${binaryName(input.platform)} on PATH (${onPath}). ` +
    `Install it from a release archive or with cargo binstall convox-lsp (or cargo install convox-lsp), ` +
    `or set convox.server.path to the binary.`
  );
}
