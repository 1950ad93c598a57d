// Checks a packaged .vsix without VS Code: reads the zip, checks the manifest's files are in it,
// extracts it and loads out/extension.js under Node with a stand-in `vscode` module, so a file
// left out by .vscodeignore (a dependency, a module) fails here rather than at activation.
//
// With --server (a platform package), the bundled server must be there, executable, and answer
// --version when the package is for this machine's platform.
//
//   node scripts/check-vsix.mjs convox-lsp-0.1.0.vsix
//   node scripts/check-vsix.mjs --server convox-lsp-linux-x64-0.1.0.vsix
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const args = process.argv.slice(2);
const wantServer = args.includes('--server');
const file = args.find((a) => a !== '--server');
if (!file) {
  console.error('usage: node scripts/check-vsix.mjs [--server] FILE.vsix');
  process.exit(2);
}
const zip = readFileSync(file);

// The zip's central directory: the end record is in the last 64 KiB.
const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
if (eocd < 0) throw new Error(`${file}: not a zip file`);
const count = zip.readUInt16LE(eocd + 10);
let p = zip.readUInt32LE(eocd + 16);
const entries = new Map();
for (let i = 0; i < count; i++) {
  if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
  const method = zip.readUInt16LE(p + 10);
  const size = zip.readUInt32LE(p + 20);
  const nameLen = zip.readUInt16LE(p + 28);
  const extraLen = zip.readUInt16LE(p + 30);
  const commentLen = zip.readUInt16LE(p + 32);
  const mode = zip.readUInt32LE(p + 38) >>> 16;
  const local = zip.readUInt32LE(p + 42);
  const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
  const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const raw = zip.subarray(dataStart, dataStart + size);
  entries.set(name, { data: method === 8 ? inflateRawSync(raw) : raw, mode });
  p += 46 + nameLen + extraLen + commentLen;
}

const fail = (msg) => {
  console.error(`check-vsix: ${msg}`);
  process.exit(1);
};
const pkgEntry = entries.get('extension/package.json');
if (!pkgEntry) fail('no extension/package.json');
const pkg = JSON.parse(pkgEntry.data.toString('utf8'));
const need = [
  pkg.main.replace(/^\.\//, ''),
  ...pkg.contributes.grammars.map((g) => g.path.replace(/^\.\//, '')),
  ...pkg.contributes.languages.map((l) => l.configuration.replace(/^\.\//, '')),
  'readme.md',
  'LICENSE.txt',
];
for (const n of need) {
  if (!entries.has(`extension/${n}`)) fail(`missing extension/${n}`);
}
for (const n of entries.keys()) {
  if (/^extension\/(src|scripts|e2e|out\/test)\//.test(n) || n.endsWith('.ts')) fail(`should not ship ${n}`);
}
const server = [...entries.keys()].filter((n) => n.startsWith('extension/server/'));
for (const n of server) {
  if (!n.endsWith('.exe') && (entries.get(n).mode & 0o111) === 0) fail(`${n} is not executable`);
}
// vsce writes the target platform into the manifest (`TargetPlatform` in extension.vsixmanifest).
const target = /TargetPlatform="([^"]+)"/.exec(entries.get('extension.vsixmanifest')?.data.toString('utf8') ?? '')?.[1];
const exe = target?.startsWith('win32') ? 'extension/server/convox-lsp.exe' : 'extension/server/convox-lsp';
if (wantServer && (target === undefined || !entries.has(exe))) {
  fail(`--server: expected a platform package with ${exe} (target ${target ?? 'none'})`);
}

const dir = mkdtempSync(join(tmpdir(), 'convox-vsix-'));
try {
  for (const [name, { data }] of entries) {
    if (name.endsWith('/')) continue;
    const to = join(dir, name);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, data);
  }
  // A stand-in for the `vscode` module: every property is a callable, constructible stand-in.
  const stub = new Proxy(function () {}, {
    get: (_t, prop) => (prop === '__esModule' ? false : prop === Symbol.toPrimitive ? () => '' : stub),
    apply: () => stub,
    construct: () => stub,
  });
  const require = createRequire(join(dir, 'extension', 'package.json'));
  const Module = require('node:module');
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? stub : load.call(this, request, ...rest);
  };
  const ext = require(join(dir, 'extension', pkg.main));
  if (wantServer && target === `${process.platform}-${process.arch}`) {
    const bin = join(dir, exe);
    if (!exe.endsWith('.exe')) chmodSync(bin, entries.get(exe).mode & 0o777);
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (r.status !== 0 || !r.stdout.startsWith(`convox-lsp ${pkg.version}`)) {
      fail(`${exe} --version: exit ${r.status}, ${JSON.stringify(r.stdout + r.stderr)} (want convox-lsp ${pkg.version})`);
    }
    console.log(`check-vsix: ${exe} runs: ${r.stdout.trim()}`);
  }
  if (typeof ext.activate !== 'function' || typeof ext.deactivate !== 'function') {
    fail('out/extension.js does not export activate and deactivate');
  }
  Module._load = load;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `check-vsix: ${file}: ${entries.size} entries, ${(zip.length / 1024).toFixed(1)} KiB, ` +
    `${server.length ? `bundled ${server.join(', ')} for ${target}` : 'no bundled server'}; extension.js loads`,
);
