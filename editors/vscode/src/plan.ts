// `convox.showDeployPlan` ("Convox: Show Deploy Plan"): the custom request `convox/plan`
// ({ uri, base? }) answers with { markdown, plan, base }: what deploying the buffer does to the
// cluster compared with the committed manifest (docs/plan.md). No `vscode` import: unit-tested
// under plain Node.

export const PLAN_METHOD = 'convox/plan';

/** The scheme of the read-only Markdown documents the plans are shown from. */
export const PLAN_SCHEME = 'convox-plan';

export const PLAN_NOT_SUPPORTED = 'This server version cannot plan deploys yet';

export interface PlanParams {
  uri: string;
  /** A git revision (default `HEAD`) or `saved` (the file on disk). */
  base?: string;
}

/** The Markdown of a `convox/plan` answer, undefined for anything else. */
export function planMarkdown(result: unknown): string | undefined {
  if (result !== null && typeof result === 'object') {
    const markdown = (result as Record<string, unknown>).markdown;
    if (typeof markdown === 'string') {
      return markdown;
    }
  }
  return undefined;
}

/**
 * The path of the read-only document for a manifest: `deploy plan (convox.yml).md`, one per file
 * name (asking again replaces its content).
 */
export function planPath(manifestUri: string): string {
  const last = manifestUri.split(/[\\/]/).pop() ?? '';
  const name = decodeURIComponent(last).replace(/[^A-Za-z0-9._-]/g, '');
  return `deploy plan (${name.length > 0 ? name : 'manifest'}).md`;
}
