import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildSettings } from '../settings';

function reader(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

describe('buildSettings', () => {
  it('gives the server defaults for an empty configuration', () => {
    assert.deepEqual(buildSettings(reader({})), {
      settings: { diagnostics: {}, inlayHints: { objects: true, defaults: false } },
      problems: [],
    });
  });

  it('passes rack, app, diagnostics and inlay hints in the shape src/lsp/settings.rs reads', () => {
    const { settings, problems } = buildSettings(
      reader({
        rack: 'acme/production',
        app: 'shop',
        router: 'contour',
        provider: 'metal',
        rackVersion: '3.24.1',
        diagnostics: { 'undeclared-variable': 'off', 'unknown-key': 'ERROR ' },
        'inlayHints.objects': false,
        'inlayHints.defaults': true,
        // Editor-only settings the reader might also see: not sent.
        'server.path': '/x',
      }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(JSON.parse(JSON.stringify(settings)), {
      rack: 'acme/production',
      app: 'shop',
      router: 'contour',
      provider: 'metal',
      rackVersion: '3.24.1',
      diagnostics: { 'undeclared-variable': 'off', 'unknown-key': 'error' },
      inlayHints: { objects: false, defaults: true },
    });
  });

  it('leaves blank and null rack and app out, so the server discovers them', () => {
    const { settings } = buildSettings(reader({ rack: '  ', app: null, rackVersion: '' }));
    assert.equal('rack' in settings, false);
    assert.equal('app' in settings, false);
    assert.equal('rackVersion' in settings, false);
  });

  it('passes the release environment (envFile, environment) as src/lsp/settings.rs reads it', () => {
    const { settings, problems } = buildSettings(
      reader({ envFile: ' .env.production ', environment: { HOST: 'shop.example.com', N: 3 } }),
    );
    assert.equal(settings.envFile, '.env.production');
    assert.deepEqual(settings.environment, { HOST: 'shop.example.com' });
    assert.deepEqual(problems, ['convox.environment.N: 3 is not a string; ignored']);
    assert.equal('environment' in buildSettings(reader({ environment: {} })).settings, false);
  });

  it('drops levels the server does not know, and says so', () => {
    const { settings, problems } = buildSettings(
      reader({ diagnostics: { 'unknown-key': 'fatal', budget: 3, 'no-effect': 'hint' }, 'inlayHints.objects': 'yes' }),
    );
    assert.deepEqual(settings.diagnostics, { 'no-effect': 'hint' });
    assert.equal(settings.inlayHints.objects, true);
    assert.equal(problems.length, 3);
    assert.match(problems[0], /convox\.diagnostics\.unknown-key: "fatal" is not one of error, warning, info, hint, off/);
  });

  it('ignores a diagnostics value that is not a map', () => {
    const { settings, problems } = buildSettings(reader({ diagnostics: ['unknown-key'] }));
    assert.deepEqual(settings.diagnostics, {});
    assert.equal(problems.length, 1);
  });
});
