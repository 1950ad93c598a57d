//! `convox-lsp plan OLD NEW` and `convox-lsp plan --base REF convox.yml`: what deploying the new
//! manifest over the old one does to the cluster (`ide::plan`, `docs/plan.md`).

use std::path::Path;

use crate::context::Context;
use crate::git::{self, GitError};
use crate::ide::Analysis;
use crate::ide::objects::RenderContext;
use crate::ide::plan::{self, Plan, show};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// For a terminal: one block per object, its changed fields and notes.
    #[default]
    Human,
    /// For a pull request comment or `$GITHUB_STEP_SUMMARY`: a table and the details.
    Markdown,
    /// One JSON document, one entry per object (kind, name, action, changes, podsRoll, dataLost ...).
    Json,
}

/// Where the old manifest comes from.
pub enum Base<'a> {
    /// A file (`-`: standard input).
    File(&'a str),
    /// The new manifest's own path at a git revision.
    Revision(&'a str),
}

/// What `plan` printed, for the exit code.
pub struct PlanOutcome {
    pub text: String,
    pub destructive: bool,
    /// Said on standard error (the manifest is new at the base revision ...).
    pub notice: Option<String>,
}

/// The plan of deploying the manifest at `new` over `base`, rendered in `format`. An `Err` is one
/// line (exit code 2).
pub fn plan(base: Base, new: &str, ctx: &Context, format: PlanFormat) -> Result<PlanOutcome, String> {
    let new_text = super::read_input(new)?;
    let (old_text, notice) = match base {
        Base::File(old) => (super::read_input(old)?, None),
        Base::Revision(rev) => {
            if new == "-" {
                return Err("--base needs the manifest's path, not standard input".into());
            }
            match git::file_at_revision(Path::new(new), rev) {
                Ok(text) => (text, None),
                Err(GitError::NotInRevision(m)) => {
                    (String::new(), Some(format!("{m}: planned as a first deploy (every object is created)")))
                }
                Err(e) => return Err(e.to_string()),
            }
        }
    };
    // With a release environment (`--env-file`, `-e`), both versions evaluated with it, as the
    // promote renders them.
    let (old_a, new_a) = (Analysis::from_text(&old_text), Analysis::from_text(&new_text));
    let (old_e, new_e) = (old_a.with_environment(ctx), new_a.with_environment(ctx));
    let old_r = old_e.as_ref().map_or(&old_a, |e| &e.analysis);
    let new_r = new_e.as_ref().map_or(&new_a, |e| &e.analysis);
    let p = plan::plan(old_r, new_r, &RenderContext::new(ctx));
    Ok(PlanOutcome { text: render(&p, format), destructive: p.destructive(), notice })
}

pub fn render(p: &Plan, format: PlanFormat) -> String {
    match format {
        PlanFormat::Human => show::human(p),
        PlanFormat::Markdown => show::markdown(p),
        PlanFormat::Json => {
            let mut s = serde_json::to_string_pretty(&show::json(p)).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}
