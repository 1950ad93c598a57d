// `convox.showRenderedManifests`: the custom request `convox/render` ({ uri, service? }) answers
// with { yaml }, the Kubernetes objects the manifest renders to (docs/render.md). The server also
// offers the command `convox.render` (arguments [uri, service?]). No `vscode` import:
// unit-tested under plain Node.

export const RENDER_METHOD = 'convox/render';

/** The server's command form of the same request. */
export const RENDER_COMMAND = 'convox.render';

export interface RenderParams {
  uri: string;
  service?: string;
}

/** The request's params from `convox.render`'s arguments `[uri, service?]`. */
export function renderParamsFromArgs(args: readonly unknown[] | undefined): RenderParams | undefined {
  const [uri, service] = args ?? [];
  if (typeof uri !== 'string' || uri.length === 0) {
    return undefined;
  }
  return typeof service === 'string' && service.length > 0 ? { uri, service } : { uri };
}

export const RENDER_NOT_SUPPORTED = 'This server version cannot render manifests yet';

/** JSON-RPC's MethodNotFound. */
export const METHOD_NOT_FOUND = -32601;

/**
 * The YAML text of a `convox/render` answer: `{ yaml }` (what the server sends), or a plain
 * string (what the `convox.render` command returns). Undefined for anything else.
 */
export function renderedText(result: unknown): string | undefined {
  if (typeof result === 'string') {
    return result;
  }
  if (result !== null && typeof result === 'object') {
    const yaml = (result as Record<string, unknown>).yaml;
    if (typeof yaml === 'string') {
      return yaml;
    }
  }
  return undefined;
}

/** True for a JSON-RPC error that says the server does not know the method. */
export function isMethodNotFound(error: unknown): boolean {
  return (
    error !== null &&
    typeof error === 'object' &&
    (error as { code?: unknown }).code === METHOD_NOT_FOUND
  );
}
