import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ladderPath, ladderText, troubleshootArgs, TROUBLESHOOT_COMMAND, TROUBLESHOOT_SCHEME } from '../troubleshoot';

describe('convox.troubleshoot', () => {
  it('names the command and the scheme of its documents', () => {
    assert.equal(TROUBLESHOOT_COMMAND, 'convox.troubleshoot');
    assert.equal(TROUBLESHOOT_SCHEME, 'convox-troubleshoot');
  });

  it('reads the arguments [uri, name]', () => {
    assert.deepEqual(troubleshootArgs(['file:///a/convox.yml', 'web']), { uri: 'file:///a/convox.yml', name: 'web' });
    assert.deepEqual(troubleshootArgs(['file:///a/convox.yml', ' timers.web ']), {
      uri: 'file:///a/convox.yml',
      name: 'timers.web',
    });
    assert.equal(troubleshootArgs(['file:///a/convox.yml']), undefined);
    assert.equal(troubleshootArgs(['file:///a/convox.yml', '']), undefined);
    assert.equal(troubleshootArgs([]), undefined);
    assert.equal(troubleshootArgs(undefined), undefined);
  });

  it('takes the Markdown the server returns', () => {
    assert.equal(ladderText('# Troubleshooting service `web`\n'), '# Troubleshooting service `web`\n');
    assert.equal(ladderText({ markdown: 'x' }), undefined);
    assert.equal(ladderText(null), undefined);
  });

  it('names one document per name', () => {
    assert.equal(ladderPath('web'), 'troubleshoot web.md');
    assert.equal(ladderPath('timers.data-import'), 'troubleshoot timers.data-import.md');
    assert.equal(ladderPath('../x/'), 'troubleshoot ..x.md');
    assert.equal(ladderPath('/'), 'troubleshoot manifest.md');
  });
});
