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
    assert.deepEqual(r, { found: true, command: '/opt/convox-lsp', source: 'setting', skipped: [] });
  });

  it('falls back from a setting that names no file, and says so', () => {
    const r = findServer(input(['/ext/server/convox-lsp'], { setting: '/nope/convox-lsp' }));
    assert.deepEqual(r, {
      found: true,
      command: '/ext/server/convox-lsp',
      source: 'bundled',
      skipped: ['convox.server.path "/nope/convox-lsp": /nope/convox-lsp is not a file'],
    });
  });

  it('skips a binary that does not run (--version fails) and takes the next', () => {
    const broken = new Map([['/ext/server/convox-lsp', 'spawn /ext/server/convox-lsp ENOEXEC']]);
    const r = findServer(input(['/ext/server/convox-lsp', '/usr/local/bin/convox-lsp'], { check: (p) => broken.get(p) }));
    assert.deepEqual(r, {
      found: true,
      command: '/usr/local/bin/convox-lsp',
      source: 'path',
      skipped: ['the bundled server /ext/server/convox-lsp: spawn /ext/server/convox-lsp ENOEXEC'],
    });
  });

  it('lists each candidate and why it failed when none works', () => {
    const files = ['/opt/old/convox-lsp', '/ext/server/convox-lsp', '/usr/local/bin/convox-lsp'];
    const why = new Map([
      ['/opt/old/convox-lsp', '--version exited with 2: error: unexpected argument'],
      ['/ext/server/convox-lsp', 'spawn /ext/server/convox-lsp EACCES'],
      ['/usr/local/bin/convox-lsp', '--version exited with 127: not found'],
    ]);
    const r = findServer(input(files, { setting: '/opt/old/convox-lsp', check: (p) => why.get(p) }));
    assert.deepEqual(r, {
      found: false,
      message:
        'No working convox-lsp was found. Tried: ' +
        'convox.server.path "/opt/old/convox-lsp" /opt/old/convox-lsp: --version exited with 2: error: unexpected argument; ' +
        'the bundled server /ext/server/convox-lsp: spawn /ext/server/convox-lsp EACCES; ' +
        'convox-lsp on PATH /usr/local/bin/convox-lsp: --version exited with 127: not found. ' +
        'Install it from a release archive or with cargo binstall convox-lsp (or cargo install convox-lsp), ' +
        'or set convox.server.path to the binary.',
    });
  });

  it('expands ~ and ${workspaceFolder}, and resolves a relative path from the workspace', () => {
    const files = ['/home/u/bin/convox-lsp', '/w/target/release/convox-lsp'];
    assert.equal(findServer(input(files, { setting: '~/bin/convox-lsp' })).found, true);
    const ws = { workspaceFolder: '/w' };
    assert.deepEqual(findServer(input(files, { ...ws, setting: '${workspaceFolder}/target/release/convox-lsp' })), {
      found: true,
      command: '/w/target/release/convox-lsp',
      source: 'setting',
      skipped: [],
    });
    assert.deepEqual(findServer(input(files, { ...ws, setting: 'target/release/convox-lsp' })), {
      found: true,
      command: '/w/target/release/convox-lsp',
      source: 'setting',
      skipped: [],
    });
  });

  it('looks a bare name in the setting up on PATH', () => {
    const r = findServer(input(['/home/u/.cargo/bin/convox-lsp-dev'], { setting: 'convox-lsp-dev' }));
    assert.deepEqual(r, { found: true, command: '/home/u/.cargo/bin/convox-lsp-dev', source: 'setting', skipped: [] });
  });

  it('treats a blank setting as unset', () => {
    const r = findServer(input(['/ext/server/convox-lsp'], { setting: '   ' }));
    assert.deepEqual(r, { found: true, command: '/ext/server/convox-lsp', source: 'bundled', skipped: [] });
  });

  it('prefers the bundled binary to PATH', () => {
    const r = findServer(input(['/ext/server/convox-lsp', '/usr/local/bin/convox-lsp']));
    assert.deepEqual(r, { found: true, command: '/ext/server/convox-lsp', source: 'bundled', skipped: [] });
  });

  it('falls back to the first convox-lsp on PATH', () => {
    const r = findServer(input(['/home/u/.cargo/bin/convox-lsp']));
    assert.deepEqual(r, { found: true, command: '/home/u/.cargo/bin/convox-lsp', source: 'path', skipped: [] });
  });

  it('says what it tried, in order, and how to install when there is none', () => {
    const r = findServer(input([]));
    assert.deepEqual(r, {
      found: false,
      message:
        'No working convox-lsp was found. Tried: convox.server.path (not set); the bundled server /ext/server/convox-lsp ' +
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
      skipped: [],
    });
    const env = { Path: 'C:\\tools;"C:\\Users\\u\\.cargo\\bin"', PATHEXT: '.COM;.EXE' };
    assert.deepEqual(findServer(input(['C:\\Users\\u\\.cargo\\bin\\convox-lsp.exe'], { ...win, env })), {
      found: true,
      command: 'C:\\Users\\u\\.cargo\\bin\\convox-lsp.exe',
      source: 'path',
      skipped: [],
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
