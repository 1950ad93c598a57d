// `convox.troubleshoot` (the "troubleshoot" code lens): the server returns the troubleshooting
// ladder of a service, timer or resource as Markdown; the extension shows it in a read-only
// document. No `vscode` here, so the decisions are unit-tested under plain Node.

export const TROUBLESHOOT_COMMAND = 'convox.troubleshoot';

/** The URI scheme of the read-only ladder documents (a TextDocumentContentProvider serves them). */
export const TROUBLESHOOT_SCHEME = 'convox-troubleshoot';

/** The arguments of `convox.troubleshoot`: the manifest's URI and a name. */
export function troubleshootArgs(args: readonly unknown[] | undefined): { uri: string; name: string } | undefined {
  const [uri, name] = args ?? [];
  if (typeof uri !== 'string' || uri.length === 0 || typeof name !== 'string' || name.trim().length === 0) {
    return undefined;
  }
  return { uri, name: name.trim() };
}

/** The Markdown of the command's answer (a string), or undefined. */
export function ladderText(result: unknown): string | undefined {
  return typeof result === 'string' ? result : undefined;
}

/**
 * The path of the read-only document for a name: `troubleshoot web.md` (one per name; asking
 * again replaces its content). Characters outside names are dropped.
 */
export function ladderPath(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '');
  return `troubleshoot ${safe.length > 0 ? safe : 'manifest'}.md`;
}
