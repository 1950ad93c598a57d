import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { commandLineFromArgs, copiedMessage, isRunnable, kubectlActions, kubectlPlaceholder } from '../kubectl';

const CMD = 'kubectl get deploy,svc,ing,hpa -n acme-shop -l service=web';

describe('convox.kubectl', () => {
  it('takes the command line from the one string argument', () => {
    assert.equal(commandLineFromArgs([` ${CMD} `]), CMD);
    assert.equal(commandLineFromArgs([]), undefined);
    assert.equal(commandLineFromArgs(undefined), undefined);
    assert.equal(commandLineFromArgs([42]), undefined);
    assert.equal(commandLineFromArgs(['  ']), undefined);
  });

  it('runs only single kubectl lines', () => {
    assert.equal(isRunnable(CMD), true);
    assert.equal(isRunnable("kubectl get cronjob timer-cleanup -n acme-shop -o jsonpath='{.spec.schedule}'"), true);
    assert.equal(isRunnable('kubectl get jobs -n acme-shop -o name | grep timer-cleanup-'), true);
    assert.equal(isRunnable('kubectl'), true);
    assert.equal(isRunnable('rm -rf /'), false);
    assert.equal(isRunnable('kubectlx get pods'), false);
    assert.equal(isRunnable(`${CMD}\nrm -rf /`), false);
    assert.equal(isRunnable(`${CMD}\rrm`), false);
  });

  it('offers copy and run in a trusted workspace', () => {
    assert.deepEqual(kubectlActions(CMD, { trusted: true }), [
      { label: '$(copy) Copy to clipboard', detail: CMD, action: 'copy' },
      { label: '$(terminal) Run in terminal', detail: CMD, action: 'run' },
    ]);
    assert.equal(kubectlPlaceholder(CMD, { trusted: true }), 'Copy the kubectl command or run it in a terminal');
  });

  it('offers only copy in an untrusted workspace or for a line that is not kubectl', () => {
    assert.deepEqual(
      kubectlActions(CMD, { trusted: false }).map((p) => p.action),
      ['copy'],
    );
    assert.match(kubectlPlaceholder(CMD, { trusted: false }), /not trusted/);
    assert.deepEqual(
      kubectlActions('echo hi', { trusted: true }).map((p) => p.action),
      ['copy'],
    );
    assert.match(kubectlPlaceholder('echo hi', { trusted: true }), /can only be copied/);
  });

  it('confirms a copy in the status bar', () => {
    assert.equal(copiedMessage(CMD), `Copied: ${CMD}`);
  });
});
