// The diagnostic codes of docs/diagnostics.md's first table (code | severity | meaning), which
// `convox.diagnostics` lists in package.json (scripts/sync-diagnostics.mjs writes them; a unit
// test checks they agree). No `vscode` import.

export interface DiagnosticCode {
  code: string;
  severity: string;
  meaning: string;
}

export function parseDiagnosticCodes(markdown: string): DiagnosticCode[] {
  const out: DiagnosticCode[] = [];
  let inTable = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\|\s*code\s*\|\s*severity\s*\|\s*what it means\s*\|/.test(line)) {
      inTable = true;
      continue;
    }
    if (!inTable) {
      continue;
    }
    if (!line.startsWith('|')) {
      break;
    }
    const m = /^\|\s*`([a-z0-9-]+)`\s*\|\s*(error|warning|info|hint)\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (m) {
      out.push({ code: m[1], severity: m[2], meaning: m[3] });
    }
  }
  return out;
}

/** The JSON Schema of one code's setting, as package.json carries it. */
export function settingSchema(d: DiagnosticCode): Record<string, unknown> {
  return {
    type: 'string',
    enum: ['error', 'warning', 'info', 'hint', 'off'],
    markdownDescription: `Default \`${d.severity}\`. ${d.meaning}`,
  };
}
