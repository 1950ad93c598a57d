// The code lens command `convox.kubectl`: its one argument is a kubectl command line, which the
// user copies or runs in a terminal. No `vscode` import: unit-tested under plain Node.

export const KUBECTL_COMMAND = 'convox.kubectl';

export type KubectlAction = 'copy' | 'run';

export interface KubectlPick {
  label: string;
  description?: string;
  detail?: string;
  action: KubectlAction;
}

/** The command line from the command's arguments, or undefined when they are not one string. */
export function commandLineFromArgs(args: readonly unknown[] | undefined): string | undefined {
  const first = args?.[0];
  if (typeof first !== 'string') {
    return undefined;
  }
  const cmd = first.trim();
  return cmd.length > 0 ? cmd : undefined;
}

/**
 * Whether the line may be sent to a terminal: one line, starting with `kubectl`. Pipes and
 * quotes are allowed (the knowledge base has `... -o name | grep timer-x-` and jsonpath in
 * quotes); the user sees the whole line before choosing to run it.
 */
export function isRunnable(cmd: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^kubectl(\s|$)/.test(cmd) && !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(cmd);
}

/** The quick pick's items. Running is offered only for a runnable line in a trusted workspace. */
export function kubectlActions(cmd: string, opts: { trusted: boolean }): KubectlPick[] {
  const picks: KubectlPick[] = [{ label: '$(copy) Copy to clipboard', detail: cmd, action: 'copy' }];
  if (opts.trusted && isRunnable(cmd)) {
    picks.push({ label: '$(terminal) Run in terminal', detail: cmd, action: 'run' });
  }
  return picks;
}

/** The quick pick's placeholder: why running is missing, when it is. */
export function kubectlPlaceholder(cmd: string, opts: { trusted: boolean }): string {
  if (!isRunnable(cmd)) {
    return 'Not a single kubectl command line: it can only be copied';
  }
  if (!opts.trusted) {
    return 'This workspace is not trusted: the command can only be copied';
  }
  return 'Copy the kubectl command or run it in a terminal';
}

/** The status bar text after copying. */
export function copiedMessage(cmd: string): string {
  return `Copied: ${cmd}`;
}

/** The name of the terminal the commands run in (reused while it is open). */
export const TERMINAL_NAME = 'Convox kubectl';
