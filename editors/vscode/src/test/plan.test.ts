import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PLAN_METHOD, PLAN_NOT_SUPPORTED, PLAN_SCHEME, planMarkdown, planPath } from '../plan';

describe('convox/plan', () => {
  it('names the request, the scheme and the message for older servers', () => {
    assert.equal(PLAN_METHOD, 'convox/plan');
    assert.equal(PLAN_SCHEME, 'convox-plan');
    assert.equal(PLAN_NOT_SUPPORTED, 'This server version cannot plan deploys yet');
  });

  it('reads the Markdown of { markdown, plan, base }', () => {
    assert.equal(planMarkdown({ markdown: '## Deploy plan\n', plan: {}, base: 'HEAD (committed)' }), '## Deploy plan\n');
    assert.equal(planMarkdown({ yaml: 'a' }), undefined);
    assert.equal(planMarkdown('## Deploy plan'), undefined);
    assert.equal(planMarkdown(null), undefined);
    assert.equal(planMarkdown({ markdown: 3 }), undefined);
  });

  it('names one document per manifest file name', () => {
    assert.equal(planPath('file:///home/me/shop/convox.yml'), 'deploy plan (convox.yml).md');
    assert.equal(planPath('file:///home/me/shop/convox.staging.yml'), 'deploy plan (convox.staging.yml).md');
    assert.equal(planPath('file:///home/me/shop/my%20app%2F.yml'), 'deploy plan (myapp.yml).md');
    assert.equal(planPath(''), 'deploy plan (manifest).md');
  });
});
