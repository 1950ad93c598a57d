//! A manifest evaluated with a release environment: what Convox parses after substituting its
//! `${VAR}`s (`pkg/manifest/manifest.go:49-60`), analysed, with every position taken back to the
//! text the user wrote.

use super::analysis::Analysis;
use super::codes::{Code, Severity};
use super::diagnostic::{Diagnostic, Fix};
use super::objects::RenderContext;
use super::{build, diagnostics, render};
use crate::env::{Environment, Expansion, expand};

/// The analysis of the text Convox reads, and the way back to the written one.
#[derive(Debug)]
pub struct Evaluated {
    pub analysis: Analysis,
    pub expansion: Expansion,
}

impl Evaluated {
    /// Substitutes the environment's values into `text`, the empty string for a name it lacks.
    pub fn new(text: &str, env: &Environment) -> Self {
        let expansion = expand(text, |n| env.get(n).map(|v| v.value.as_str()));
        Self { analysis: Analysis::evaluated(&expansion.text), expansion }
    }

    /// The names used in `${...}` that the environment does not set, once each, in order.
    pub fn unset(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in self.expansion.substitutions.iter().filter(|s| !s.set) {
            if !out.contains(&s.name.as_str()) {
                out.push(&s.name);
            }
        }
        out
    }

    /// What Convox's Load and Validate say with this environment, at the written text's
    /// positions: the evaluated text's diagnostics (with the build checks, when given), `required
    /// env` for each `- NAME` it does not set, each `${VAR}` it does not set. `original` is the
    /// analysis of the written text.
    pub fn diagnostics(
        &self,
        original: &Analysis,
        env: &Environment,
        facts: Option<&build::BuildFacts>,
    ) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> =
            self.analysis.diagnostics_in(facts, None).into_iter().map(|d| self.to_original(d)).collect();
        // What only the written text shows: `${VAR:-default}`.
        for s in self.expansion.substitutions.iter().filter(|s| s.name.contains(":-") || s.name.contains(":=")) {
            let message = super::validate::interpolation::unsupported(&s.name);
            out.push(Diagnostic {
                range: s.original,
                severity: Severity::Warning,
                code: Code::UnsupportedInterpolation,
                message,
                fix: None,
            });
        }
        let m = original.model();
        for e in m.environment.iter().chain(m.services.iter().flat_map(|s| s.environment.iter())) {
            let name = &e.name.value;
            if e.default.is_none() && name != "*" && env.get(name).is_none() {
                // pkg/manifest/manifest.go:522-543
                let message = format!(
                    "required env: {name} (the environment given does not set it; the release refuses to run without it)"
                );
                out.push(Diagnostic {
                    range: e.name.range,
                    severity: Severity::Error,
                    code: Code::RequiredEnv,
                    message,
                    fix: None,
                });
            }
        }
        let text = original.text();
        for s in self.expansion.substitutions.iter().filter(|s| !s.set && !s.name.contains('\n')) {
            let line_start = text[..s.original.start].rfind('\n').map_or(0, |i| i + 1);
            if text[line_start..s.original.start].trim_start().starts_with('#') {
                continue;
            }
            let message = format!(
                "{} is not set in the environment given: Convox substitutes an empty string",
                super::markdown::code(&text[s.original.start..s.original.end])
            );
            out.push(Diagnostic {
                range: s.original,
                severity: Severity::Warning,
                code: Code::UnsetVariable,
                message,
                fix: None,
            });
        }
        let mut sorted = Vec::new();
        diagnostics::merge(original, &mut sorted, out);
        sorted.dedup();
        sorted
    }

    /// A diagnostic of the evaluated text where the user wrote it; a fix that would edit a
    /// substituted value is dropped (the text there is `${VAR}`, not the value).
    fn to_original(&self, d: Diagnostic) -> Diagnostic {
        let e = &self.expansion;
        let fix = d
            .fix
            .filter(|f| !f.edits.iter().any(|(r, _)| e.touches(*r)))
            .map(|f| Fix { title: f.title, edits: f.edits.into_iter().map(|(r, t)| (e.to_original(r), t)).collect() });
        Diagnostic { range: e.to_original(d.range), fix, ..d }
    }

    /// `render` of the evaluated manifest, with a note naming the variables it did not have.
    pub fn render(&self, ctx: &RenderContext, only_service: Option<&str>) -> Result<String, String> {
        let yaml = render::render(&self.analysis, ctx, only_service)?;
        let unset = self.unset();
        let note = if unset.is_empty() {
            "# `${VAR}`s substituted from the environment given.\n".to_string()
        } else {
            let names: Vec<String> = unset.iter().map(|n| format!("${{{n}}}")).collect();
            format!(
                "# `${{VAR}}`s substituted from the environment given; not set there, so empty as in Convox: {}.\n",
                names.join(", ")
            )
        };
        Ok(insert_after_header(&yaml, &note))
    }
}

/// `note` after the leading comment lines of a render.
pub(super) fn insert_after_header(yaml: &str, note: &str) -> String {
    let header = yaml.split_inclusive('\n').take_while(|l| l.starts_with('#')).map(str::len).sum::<usize>();
    format!("{}{note}{}", &yaml[..header], &yaml[header..])
}
