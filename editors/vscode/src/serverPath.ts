// Finding the convox-lsp binary: the `convox.server.path` setting, else the binary shipped in
// the extension (`server/convox-lsp[.exe]`), else `convox-lsp` on PATH, skipping any that is
// missing or does not run (`--version`). The setting comes first because it is the user's explicit
// choice (a local build, a newer release than the one bundled). No `vscode` import: unit-tested
// under plain Node.

import * as path from 'path';

export type ServerSource = 'setting' | 'bundled' | 'path';

export type ServerLookup =
  | {
      found: true;
      command: string;
      source: ServerSource;
      /** Candidates before it that were there but did not work (or a setting naming nothing), with why. */
      skipped: string[];
    }
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
  /** Why the file `p` cannot serve (`p --version` fails), or undefined when it works. Default: it works. */
  check?: (p: string) => string | undefined;
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

/** One place to look, in order: what it is called in messages, the file if there is one, else why not. */
interface Candidate {
  source: ServerSource;
  label: string;
  file: string | undefined;
  missing: string;
}

function candidates(input: LookupInput, bundled: string): Candidate[] {
  const out: Candidate[] = [];
  const setting = input.setting?.trim();
  if (setting) {
    const command = expandSetting(setting, input);
    // A bare name (`convox-lsp-nightly`) is looked up on PATH.
    const bare = !/[\\/]/.test(command);
    const file = bare ? pathCandidates(command, input.env, input.platform).find(input.isFile) : input.isFile(command) ? command : undefined;
    const missing = bare ? `${command} is not on PATH` : `${command} is not a file`;
    out.push({ source: 'setting', label: `convox.server.path "${setting}"`, file, missing });
  }
  out.push({ source: 'bundled', label: 'the bundled server', file: input.isFile(bundled) ? bundled : undefined, missing: 'not in this package' });
  const onPath = pathCandidates(BINARY, input.env, input.platform).find(input.isFile);
  out.push({ source: 'path', label: `${binaryName(input.platform)} on PATH`, file: onPath, missing: 'not found' });
  return out;
}

/**
 * The server to start: `convox.server.path` if set, else the binary bundled in the extension, else
 * `convox-lsp` on PATH; a candidate that is missing or does not run is skipped (and said why).
 */
export function findServer(input: LookupInput): ServerLookup {
  const bundled = bundledPath(input.extensionPath, input.platform);
  const check = input.check ?? (() => undefined);
  const skipped: string[] = [];
  for (const c of candidates(input, bundled)) {
    if (c.file === undefined) {
      if (c.source === 'setting') skipped.push(`${c.label}: ${c.missing}`);
      continue;
    }
    const why = check(c.file);
    if (why === undefined) {
      return { found: true, command: c.file, source: c.source, skipped };
    }
    skipped.push(`${c.label} ${c.file}: ${why}`);
  }
  return { found: false, message: notFoundMessage(bundled, input, skipped) };
}

/** What was tried, in order, with why each failed, and the ways to get a server. */
function notFoundMessage(bundled: string, input: LookupInput, skipped: string[]): string {
  const dirs = pathCandidates(BINARY, input.env, input.platform).map((c) => pathFor(input.platform).dirname(c));
  const onPath = dirs.length === 0 ? 'PATH is empty' : [...new Set(dirs)].join(input.platform === 'win32' ? ';' : ':');
  const failed = (label: string): string | undefined => skipped.find((s) => s.startsWith(label));
  const tried = [
    input.setting?.trim() ? failed('convox.server.path') : 'convox.server.path (not set)',
    failed('the bundled server') ?? `the bundled server ${bundled} (not in this package: the platform packages of a release carry it)`,
    failed(`${binaryName(input.platform)} on PATH`) ?? `${binaryName(input.platform)} on PATH (${onPath})`,
  ];
  return (
    `No working ${BINARY} was found. Tried: ${tried.join('; ')}. ` +
    `Install it from a release archive or with cargo binstall convox-lsp (or cargo install convox-lsp), ` +
    `or set convox.server.path to the binary.`
  );
}
