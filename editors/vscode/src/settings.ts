// The `convox` settings section as the server reads it (src/lsp/settings.rs): rack, app, router,
// provider, rackVersion, envFile, environment (name -> value), diagnostics (code -> level), inlayHints.objects,
// inlayHints.defaults. Editor-only settings
// (server.path, trace.server) are left out. No `vscode` import: unit-tested under plain Node.

export const LEVELS = ['error', 'warning', 'info', 'hint', 'off'] as const;
export type Level = (typeof LEVELS)[number];

export interface ServerSettings {
  rack?: string;
  app?: string;
  router?: string;
  provider?: string;
  rackVersion?: string;
  envFile?: string;
  environment?: Record<string, string>;
  diagnostics: Record<string, Level>;
  inlayHints: { objects: boolean; defaults: boolean };
}

export interface BuiltSettings {
  settings: ServerSettings;
  /** What was dropped and why, for the log. */
  problems: string[];
}

/** The server's defaults for the inlay hints (src/lsp/settings.rs). */
export const DEFAULTS = { objects: true, defaults: false } as const;

function text(v: unknown): string | undefined {
  if (typeof v !== 'string') {
    return undefined;
  }
  const t = v.trim();
  return t.length > 0 ? t : undefined;
}

/**
 * Builds the settings object from a reader of the `convox` section (`get('rack')`,
 * `get('inlayHints.objects')` ...), as VS Code's `WorkspaceConfiguration.get` reads it.
 */
export function buildSettings(get: (key: string) => unknown): BuiltSettings {
  const problems: string[] = [];
  const settings: ServerSettings = {
    diagnostics: {},
    inlayHints: { ...DEFAULTS },
  };
  for (const key of ['rack', 'app', 'router', 'provider', 'rackVersion', 'envFile'] as const) {
    const value = text(get(key));
    if (value !== undefined) {
      settings[key] = value;
    }
  }
  const environment = get('environment');
  if (environment !== undefined && environment !== null) {
    if (typeof environment !== 'object' || Array.isArray(environment)) {
      problems.push('convox.environment must be an object mapping a name to a value; ignored');
    } else {
      const values: Record<string, string> = {};
      for (const [name, value] of Object.entries(environment as Record<string, unknown>)) {
        if (typeof value === 'string') {
          values[name] = value;
        } else {
          problems.push(`convox.environment.${name}: ${JSON.stringify(value)} is not a string; ignored`);
        }
      }
      if (Object.keys(values).length > 0) {
        settings.environment = values;
      }
    }
  }
  const diagnostics = get('diagnostics');
  if (diagnostics !== undefined && diagnostics !== null) {
    if (typeof diagnostics !== 'object' || Array.isArray(diagnostics)) {
      problems.push('convox.diagnostics must be an object mapping a code to a level; ignored');
    } else {
      for (const [code, value] of Object.entries(diagnostics as Record<string, unknown>)) {
        const level = typeof value === 'string' ? value.trim().toLowerCase() : value;
        if (typeof level === 'string' && (LEVELS as readonly string[]).includes(level)) {
          settings.diagnostics[code] = level as Level;
        } else {
          problems.push(
            `convox.diagnostics.${code}: ${JSON.stringify(value)} is not one of ${LEVELS.join(', ')}; ignored`,
          );
        }
      }
    }
  }
  for (const key of ['objects', 'defaults'] as const) {
    const v = get(`inlayHints.${key}`);
    if (typeof v === 'boolean') {
      settings.inlayHints[key] = v;
    } else if (v !== undefined && v !== null) {
      problems.push(`convox.inlayHints.${key} must be true or false; using ${DEFAULTS[key]}`);
    }
  }
  return { settings, problems };
}
