import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isMethodNotFound, renderedText, renderParamsFromArgs, RENDER_COMMAND, RENDER_METHOD, RENDER_NOT_SUPPORTED } from '../render';

describe('convox/render', () => {
  it('names the request and the message for older servers', () => {
    assert.equal(RENDER_METHOD, 'convox/render');
    assert.equal(RENDER_NOT_SUPPORTED, 'This server version cannot render manifests yet');
  });

  it('reads the YAML text from { yaml } or a string', () => {
    assert.equal(renderedText({ yaml: 'a: 1\n' }), 'a: 1\n');
    assert.equal(renderedText('kind: Deployment\n'), 'kind: Deployment\n');
    assert.equal(renderedText({ text: 'b: 2\n' }), undefined);
    assert.equal(renderedText(''), '');
    assert.equal(renderedText(null), undefined);
    assert.equal(renderedText({ yaml: 3 }), undefined);
    assert.equal(renderedText(['a']), undefined);
  });

  it('reads convox.render arguments [uri, service?]', () => {
    assert.equal(RENDER_COMMAND, 'convox.render');
    assert.deepEqual(renderParamsFromArgs(['file:///a/convox.yml']), { uri: 'file:///a/convox.yml' });
    assert.deepEqual(renderParamsFromArgs(['file:///a/convox.yml', 'web']), { uri: 'file:///a/convox.yml', service: 'web' });
    assert.deepEqual(renderParamsFromArgs(['file:///a/convox.yml', '']), { uri: 'file:///a/convox.yml' });
    assert.equal(renderParamsFromArgs([]), undefined);
    assert.equal(renderParamsFromArgs(undefined), undefined);
    assert.equal(renderParamsFromArgs([{ uri: 'x' }]), undefined);
  });

  it('recognises MethodNotFound (-32601) only', () => {
    // vscode-languageclient rejects with a ResponseError carrying the JSON-RPC code.
    class ResponseError extends Error {
      constructor(readonly code: number, message: string) {
        super(message);
      }
    }
    assert.equal(isMethodNotFound(new ResponseError(-32601, 'Method not found')), true);
    assert.equal(isMethodNotFound({ code: -32601 }), true);
    assert.equal(isMethodNotFound(new ResponseError(-32603, 'Internal error')), false);
    assert.equal(isMethodNotFound(new Error('x')), false);
    assert.equal(isMethodNotFound(undefined), false);
  });
});
