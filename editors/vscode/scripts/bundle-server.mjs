// Packages the extension with a release build of convox-lsp inside it, for this machine's
// platform: copies ../../target/release/convox-lsp[.exe] to server/, runs
// `vsce package --target <platform>` (a platform-specific .vsix, which the Marketplace serves only
// to that platform), then removes server/ again so a plain `npm run package` never ships a binary
// for the wrong platform. Without a release build it stops with a message and exit code 1.
//
//   cargo build --release && npm run package:bundled
//   node scripts/bundle-server.mjs --target linux-arm64 path/to/convox-lsp   # a cross-built binary
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const t = argv.indexOf('--target');
const given = t >= 0 ? argv.splice(t, 2)[1] : undefined;

// vsce's target names (`vsce package --help`); Alpine (musl) builds need `alpine-*` by hand.
const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
const platform = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
if (!given && (!arch || !platform)) {
  console.error(`no vsce target for ${process.platform}-${process.arch}`);
  process.exit(1);
}
const target = given ?? `${platform}-${arch}`;
const win = target.startsWith('win32');
const name = win ? 'convox-lsp.exe' : 'convox-lsp';
const from = argv[0] || process.env.CONVOX_LSP_BIN || join(root, '..', '..', 'target', 'release', name);

if (!existsSync(from)) {
  console.error(`no ${from}: run cargo build --release first (or npm run package for a .vsix without a binary)`);
  process.exit(1);
}
const serverDir = join(root, 'server');
mkdirSync(serverDir, { recursive: true });
const to = join(serverDir, name);
copyFileSync(from, to);
chmodSync(to, 0o755);
console.log(`bundled ${from} -> ${to}`);
try {
  const host = process.platform === 'win32';
  const vsce = join(root, 'node_modules', '.bin', host ? 'vsce.cmd' : 'vsce');
  const r = spawnSync(vsce, ['package', '--target', target], { cwd: root, stdio: 'inherit', shell: host });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(serverDir, { recursive: true, force: true });
}
