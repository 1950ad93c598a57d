// package.json, the grammar and the language configuration against what the extension code and
// the server expect.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parseDiagnosticCodes, settingSchema } from '../diagnosticCodes';
import { documentSelector, LANGUAGE_ID, MANIFEST_GLOBS } from '../files';
import { KUBECTL_COMMAND } from '../kubectl';
import { TROUBLESHOOT_COMMAND } from '../troubleshoot';
import { DEFAULTS, LEVELS } from '../settings';
import { matchesAny } from '../testing/glob';

const root = join(__dirname, '..', '..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');

interface Pkg {
  name: string;
  publisher: string;
  icon: string;
  repository: { type: string; url: string };
  categories: string[];
  keywords: string[];
  version: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
  contributes: {
    languages: { id: string; aliases: string[]; filenamePatterns: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    configuration: { properties: Record<string, Record<string, unknown>> };
    commands: { command: string; title: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
}

const pkg = JSON.parse(read('package.json')) as Pkg;
const props = pkg.contributes.configuration.properties;

describe('package.json', () => {
  it('has what the Marketplace and Open VSX show: an icon of 128x128 pixels, a repository, a changelog', () => {
    // PNG: the 8-byte signature, then the IHDR chunk with width and height (big-endian) at 16 and 20.
    const png = readFileSync(join(root, pkg.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    assert.match(pkg.repository.url, /^https:\/\/github\.com\/[^/]+\/convox-lsp\.git$/);
    assert.ok(pkg.categories.includes('Programming Languages') && pkg.keywords.includes('convox'));
    assert.match(read('CHANGELOG.md'), new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('is the convox-lsp extension for VS Code 1.85+', () => {
    assert.equal(pkg.name, 'convox-lsp');
    assert.equal(pkg.publisher, 'convox-lsp');
    assert.equal(pkg.engines.vscode, '^1.85.0');
    assert.equal(pkg.main, './out/extension.js');
    assert.match(pkg.dependencies['vscode-languageclient'], /^\^9\./);
    assert.match(pkg.devDependencies['@types/vscode'], /1\.85/);
    assert.ok(pkg.activationEvents.includes(`onLanguage:${LANGUAGE_ID}`));
  });

  it('contributes the convox language for the three manifest names, and only those', () => {
    const [lang] = pkg.contributes.languages;
    assert.equal(lang.id, LANGUAGE_ID);
    assert.ok(lang.aliases.includes('Convox'));
    assert.deepEqual(lang.filenamePatterns, [...MANIFEST_GLOBS]);
    for (const yes of ['/src/app/convox.yml', '/src/app/convox.staging.yml', '/src/app/convox.yaml', '/a/convox-prod.yaml', 'convox.yml']) {
      assert.ok(matchesAny(lang.filenamePatterns, yes), yes);
    }
    for (const no of ['/src/app/other.yml', '/src/app/convox.yml.bak', '/src/app/myconvox.yml', '/src/convox.yml/x.yml', '/src/app/convox.json']) {
      assert.ok(!matchesAny(lang.filenamePatterns, no), no);
    }
  });

  it('gives the server convox documents and manifests associated with yaml again', () => {
    assert.deepEqual(documentSelector(), [
      { language: 'convox' },
      ...MANIFEST_GLOBS.map((pattern) => ({ language: 'yaml', pattern })),
    ]);
  });

  it('highlights through the YAML grammar', () => {
    const [g] = pkg.contributes.grammars;
    assert.equal(g.language, LANGUAGE_ID);
    assert.equal(g.scopeName, 'source.convox');
    const grammar = JSON.parse(read(g.path)) as { scopeName: string; patterns: unknown[] };
    assert.equal(grammar.scopeName, 'source.convox');
    assert.deepEqual(grammar.patterns, [{ include: 'source.yaml' }]);
  });

  it('has a language configuration with YAML comments, brackets and indentation', () => {
    const conf = JSON.parse(read(pkg.contributes.languages[0].configuration)) as {
      comments: { lineComment: string };
      brackets: string[][];
      folding: { offSide: boolean };
      indentationRules: { increaseIndentPattern: string };
    };
    assert.equal(conf.comments.lineComment, '#');
    assert.ok(conf.brackets.length >= 2);
    assert.equal(conf.folding.offSide, true);
    const increase = new RegExp(conf.indentationRules.increaseIndentPattern);
    assert.ok(increase.test('services:'));
    assert.ok(increase.test('  web:'));
    assert.ok(!increase.test('    port: 3000'));
  });

  it('declares every setting the extension reads, with a description', () => {
    for (const key of ['server.path', 'rack', 'app', 'diagnostics', 'inlayHints.objects', 'inlayHints.defaults', 'trace.server']) {
      const p = props[`convox.${key}`];
      assert.ok(p, `convox.${key}`);
      assert.ok(typeof (p.markdownDescription ?? p.description) === 'string', `convox.${key} has a description`);
    }
    assert.equal(props['convox.inlayHints.objects'].default, DEFAULTS.objects);
    assert.equal(props['convox.inlayHints.defaults'].default, DEFAULTS.defaults);
    assert.deepEqual(props['convox.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.deepEqual((props['convox.diagnostics'].additionalProperties as { enum: string[] }).enum, [...LEVELS]);
  });

  it('lists the diagnostic codes of docs/diagnostics.md (npm run sync-diagnostics)', () => {
    const codes = parseDiagnosticCodes(readFileSync(join(root, '..', '..', 'docs', 'diagnostics.md'), 'utf8'));
    assert.ok(codes.length >= 20, `${codes.length} codes`);
    assert.ok(codes.some((c) => c.code === 'yaml-syntax' && c.severity === 'error'));
    assert.ok(codes.some((c) => c.code === 'unused-resource' && c.severity === 'hint'));
    const expected = Object.fromEntries(codes.map((c) => [c.code, settingSchema(c)]));
    assert.deepEqual(props['convox.diagnostics'].properties, expected);
  });

  it('contributes the commands, with the code lens commands hidden from the palette', () => {
    const ids = pkg.contributes.commands.map((c) => c.command);
    assert.deepEqual(ids.sort(), ['convox.kubectl', 'convox.restartServer', 'convox.showDeployPlan', 'convox.showRenderedManifests', 'convox.troubleshoot']);
    for (const lens of [KUBECTL_COMMAND, TROUBLESHOOT_COMMAND]) {
      assert.ok(pkg.contributes.menus.commandPalette.some((m) => m.command === lens && m.when === 'false'), lens);
    }
  });

  it('has the scripts CI runs', () => {
    for (const s of ['build', 'lint', 'test', 'package']) {
      assert.ok(pkg.scripts[s], s);
    }
    assert.match(pkg.scripts.package, /^vsce package/);
  });
});
