// Which files are Convox manifests. No `vscode` import.

/** The language id this extension gives Convox manifests. */
export const LANGUAGE_ID = 'convox';

/** Globs of Convox manifests (package.json's filenamePatterns carry the same list). */
export const MANIFEST_GLOBS = ['**/convox.yml', '**/convox.*.yml', '**/convox*.yaml'] as const;

/**
 * The documents the server takes: the `convox` language, and the same files when a user has
 * associated them with `yaml` again (files.associations) to get the YAML extension as well.
 */
export function documentSelector(): { language: string; pattern?: string }[] {
  return [{ language: LANGUAGE_ID }, ...MANIFEST_GLOBS.map((pattern) => ({ language: 'yaml', pattern }))];
}
