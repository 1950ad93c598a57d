import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { bundledPath, expandSetting, findServer, pathCandidates, type LookupInput } from '../serverPath';

function input(files: string[], over: Partial<LookupInput> = {}): LookupInput {
  const set = new Set(files);
  return {
    extensionPath: '/ext',
    platform: 'linux',
    env: { PATH: '/usr/local/bin:/home/u/.cargo/bin' },
    homedir: '/home/u',
    isFile: (p) => set.has(p),
    ...over,
  };
}

describe('findServer', () => {
  it('uses the setting first, even when a bundled binary and PATH have one', () => {
    const r = findServer(input(['/opt/convox-lsp', '/ext/server/convox-lsp', '/usr/local/bin/convox-lsp'], { setting: '/opt/convox-lsp' }));
    assert.deepEqual(r, { found: true, command: '/opt/convox-lsp', source: 'setting' });
  });

  it('reports a setting that names no file instead of falling back', () => {
    const r = findServer(input(['/ext/server/convox-lsp'], { setting: '/nope/convox-lsp' }));
    assert.equal(r.found, false);
    assert.match(!r.found ? r.message : '', /convox\.server\.path is set to "\/nope\/convox-lsp"/);
  });

  it('expands ~ and ${workspaceFolder}, and resolves a relative path from the workspace', () => {
    const files = ['/home/u/bin/convox-lsp', '/w/target/release/convox-lsp'];
    assert.equal(findServer(input(files, { setting: '~/bin/convox-lsp' })).found, true);
    const ws = { workspaceFolder: '/w' };
    assert.deepEqual(findServer(input(files, { ...ws, setting: '${workspaceFolder}/target/release/convox-lsp' })), {
      found: true,
      command: '/w/target/release/convox-lsp',
      source: 'setting',
    });
    assert.deepEqual(findServer(input(files, { ...ws, setting: 'target/release/convox-lsp' })), {
      found: true,
      command: '/w/target/release/convox-lsp',
      source: 'setting',
    });
  });

  it('looks a bare name in the setting up on PATH', () => {
    const r = findServer(input(['/home/u/.cargo/bin/convox-lsp-dev'], { setting: 'convox-lsp-dev' }));
    assert.deepEqual(r, { found: true, command: '/home/u/.cargo/bin/convox-lsp-dev', source: 'setting' });
  });

  it('treats a blank setting as unset', () => {
    const r = findServer(input(['/ext/server/convox-lsp'], { setting: '   ' }));
    assert.deepEqual(r, { found: true, command: '/ext/server/convox-lsp', source: 'bundled' });
  });

  it('prefers the bundled binary to PATH', () => {
    const r = findServer(input(['/ext/server/convox-lsp', '/usr/local/bin/convox-lsp']));
    assert.deepEqual(r, { found: true, command: '/ext/server/convox-lsp', source: 'bundled' });
  });

  it('falls back to the first convox-lsp on PATH', () => {
    const r = findServer(input(['/home/u/.cargo/bin/convox-lsp']));
    assert.deepEqual(r, { found: true, command: '/home/u/.cargo/bin/convox-lsp', source: 'path' });
  });

  it('says what it tried, in order, and how to install when there is none', () => {
    const r = findServer(input([]));
    assert.deepEqual(r, {
      found: false,
      message:
        'convox-lsp was not found. Tried: convox.server.path (not set); the bundled server /ext/server/convox-lsp ' +
        '(not in this package: the platform packages of a release carry it); convox-lsp on PATH (/usr/local/bin:/home/u/.cargo/bin). ' +
        'Install it from a release archive or with cargo binstall convox-lsp (or cargo install convox-lsp), ' +
        'or set convox.server.path to the binary.',
    });
    const empty = findServer(input([], { env: {} }));
    assert.match(!empty.found ? empty.message : '', /convox-lsp on PATH \(PATH is empty\)/);
  });

  it('finds convox-lsp.exe on Windows, bundled and on Path with PATHEXT', () => {
    const win = { platform: 'win32' as const, extensionPath: 'C:\\ext', homedir: 'C:\\Users\\u' };
    assert.equal(bundledPath('C:\\ext', 'win32'), 'C:\\ext\\server\\convox-lsp.exe');
    assert.deepEqual(findServer(input(['C:\\ext\\server\\convox-lsp.exe'], win)), {
      found: true,
      command: 'C:\\ext\\server\\convox-lsp.exe',
      source: 'bundled',
    });
    const env = { Path: 'C:\\tools;"C:\\Users\\u\\.cargo\\bin"', PATHEXT: '.COM;.EXE' };
    assert.deepEqual(findServer(input(['C:\\Users\\u\\.cargo\\bin\\convox-lsp.exe'], { ...win, env })), {
      found: true,
      command: 'C:\\Users\\u\\.cargo\\bin\\convox-lsp.exe',
      source: 'path',
    });
  });
});

describe('pathCandidates and expandSetting', () => {
  it('skips empty PATH entries', () => {
    assert.deepEqual(pathCandidates('convox-lsp', { PATH: ':/a::/b:' }, 'linux'), ['/a/convox-lsp', '/b/convox-lsp']);
    assert.deepEqual(pathCandidates('convox-lsp', {}, 'linux'), []);
  });

  it('leaves an absolute path alone', () => {
    assert.equal(expandSetting(' /x/convox-lsp ', { homedir: '/h', workspaceFolder: '/w', platform: 'linux' }), '/x/convox-lsp');
    assert.equal(expandSetting('${userHome}/convox-lsp', { homedir: '/h', platform: 'linux' }), '/h/convox-lsp');
  });
});
