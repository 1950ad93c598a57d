//! Diagnostics: what would make `convox deploy` fail, and what Convox silently ignores.

use super::analysis::Analysis;
use super::codes::{Code, Severity};
use super::diagnostic::{Diagnostic, Fix};

/// How many fixes one request checks at most: each check analyses the fixed text again, so a
/// request over a whole file with thousands of fixes stays linear in the file.
pub const MAX_CHECKED_FIXES: usize = 64;

/// The fixes of `diags` (diagnostics of `text`) that leave the file better, at most
/// [`MAX_CHECKED_FIXES`]: applied, the text has no error and no duplicate key it did not have,
/// by code, and fewer of the diagnostic fixed (both counted on the text alone, without the
/// settings' severities). A fix that would make the file worse (a rename onto a key whose value
/// Convox then rejects ...) is not offered.
pub fn safe_fixes<'a>(text: &str, diags: &'a [Diagnostic]) -> Vec<(&'a Diagnostic, &'a Fix)> {
    let mut fixes = diags.iter().filter_map(|d| Some((d, d.fix.as_ref()?))).take(MAX_CHECKED_FIXES).peekable();
    if fixes.peek().is_none() {
        return Vec::new();
    }
    let before = counts(&Analysis::from_text(text).diagnostics());
    fixes
        .filter(|(d, fix)| {
            let after = counts(&Analysis::from_text(&fix.apply(text)).diagnostics());
            let of = |c: &std::collections::HashMap<Code, (usize, bool)>, code| c.get(&code).map_or(0, |x| x.0);
            let worse = after.iter().any(|(c, (n, bad))| *bad && *n > of(&before, *c));
            !worse && of(&after, d.code) < of(&before, d.code)
        })
        .collect()
}

/// Diagnostics by code, with whether the code makes a file worse (an error, a duplicate key).
fn counts(ds: &[Diagnostic]) -> std::collections::HashMap<Code, (usize, bool)> {
    let mut out = std::collections::HashMap::new();
    for d in ds {
        let bad = d.code.default_severity() == Severity::Error || d.code == Code::DuplicateKey;
        out.entry(d.code).or_insert((0, bad)).0 += 1;
    }
    out
}

pub(super) fn diagnostics(a: &Analysis) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = a
        .parse()
        .errors
        .iter()
        .map(|e| Diagnostic {
            range: e.range,
            severity: Severity::Error,
            code: Code::YamlSyntax,
            message: e.message.clone(),
            fix: None,
        })
        .collect();
    // Validation reads the parts the parser could read; a broken line is reported once.
    out.extend(super::validate::validate(a));
    out.extend(super::ignore::unknown_codes(a.text()));
    super::ignore::silence(a.text(), &mut out);
    out.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
    out
}

/// Adds diagnostics computed outside this module (the build checks), silenced and sorted alike.
pub(super) fn merge(a: &Analysis, out: &mut Vec<Diagnostic>, more: Vec<Diagnostic>) {
    if more.is_empty() {
        return;
    }
    let mut more = more;
    super::ignore::silence(a.text(), &mut more);
    out.extend(more);
    out.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
}

/// Applies per-code severities from the settings: a level, or `None` to switch the code off.
pub fn apply_severities(diags: &mut Vec<Diagnostic>, overrides: &[(Code, Option<Severity>)]) {
    if overrides.is_empty() {
        return;
    }
    diags.retain_mut(|d| match overrides.iter().find(|(c, _)| *c == d.code) {
        Some((_, Some(level))) => {
            d.severity = *level;
            true
        }
        Some((_, None)) => false,
        None => true,
    });
}
