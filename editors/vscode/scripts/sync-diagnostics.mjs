// Writes the codes of docs/diagnostics.md into package.json's `convox.diagnostics` properties
// (run `npm run sync-diagnostics` after adding a code; `npm test` fails while they differ).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const { parseDiagnosticCodes, settingSchema } = require(join(root, 'out', 'diagnosticCodes.js'));

const docs = readFileSync(join(root, '..', '..', 'docs', 'diagnostics.md'), 'utf8');
const codes = parseDiagnosticCodes(docs);
if (codes.length === 0) {
  throw new Error('no diagnostic codes found in docs/diagnostics.md');
}
const pkgPath = join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const properties = {};
for (const c of codes) {
  properties[c.code] = settingSchema(c);
}
pkg.contributes.configuration.properties['convox.diagnostics'].properties = properties;
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
console.log(`package.json: ${codes.length} diagnostic codes`);
