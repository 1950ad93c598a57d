//! `${VAR}`: Convox replaces it in the raw text before reading the YAML.

use super::{Sink, code};
use crate::ide::Analysis;
use crate::ide::codes::Code;

/// `${VAR}` that no `environment` declares, and `${VAR:-default}` (unsupported).
pub(super) fn interpolation(a: &Analysis, sink: &mut Sink) {
    let text = a.text();
    let m = a.model();
    // Every declared name once (not a scan of them per `${...}`).
    let names: std::collections::HashSet<&str> = m
        .environment
        .iter()
        .chain(m.services.iter().flat_map(|s| s.environment.iter()))
        .map(|e| e.name.value.as_str())
        .collect();
    let declared = |v: &str| names.contains(v) || names.contains("*");
    for i in a.interpolations() {
        let (start, range) = (i.range.start, i.range);
        let var = &text[i.name.start..i.name.end];
        // Comments are interpolated too, but nobody reads them.
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let in_comment =
            text[line_start..start].contains(" #") || text[line_start..start].trim_start().starts_with('#');
        if !in_comment && !var.contains('\n') {
            if var.contains(":-") || var.contains(":=") {
                sink.add(range, Code::UnsupportedInterpolation, format!("Convox has no `${{VAR:-default}}`: it looks up a variable named {} and substitutes an empty string", code(var)));
            } else if !declared(var) {
                sink.add(range, Code::UndeclaredVariable, format!("{} is not declared in any `environment`: unless the app sets {var}, Convox substitutes an empty string", code(&format!("${{{var}}}"))));
            }
        }
    }
}
