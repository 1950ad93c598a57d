//! `check`: read every input once, analyse it, collect a [`Report`], render it in one [`Format`].

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::Path;

use serde::Serialize;

use super::{
    find_manifests, read_named, render_github, render_human, render_json, render_sarif, shown_path, summary_line,
};
use crate::env::Environment;
use crate::ide::{Analysis, Diagnostic, Evaluated, Severity};

/// How `check` writes its report on standard output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: severity[code]: message`, the source line and a caret; a summary on stderr.
    #[default]
    Human,
    /// One JSON document (`version` 1) with every file, diagnostic and a summary.
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`), one line per diagnostic.
    Github,
    /// A SARIF 2.1.0 log, for code-scanning tools.
    Sarif,
}

/// When the human format uses colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal and `NO_COLOR` is not set (or empty).
    #[default]
    Auto,
    /// Always, even in a pipe or with `NO_COLOR`.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether stdout is a terminal and the value of `NO_COLOR`
    /// (<https://no-color.org>: set and not empty disables colours; `--color always` overrides it).
    pub fn enabled(self, stdout_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

/// What `check` was asked to do, beyond the paths.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub format: Format,
    /// Colours in the human format (already resolved from `--color`, the terminal and `NO_COLOR`).
    pub color: bool,
    /// Warnings fail the check (exit code 1) like errors.
    pub deny_warnings: bool,
    /// The name standard input (`-`) goes by in the output; `<stdin>` when not given.
    pub stdin_filename: Option<String>,
    /// The release environment to evaluate each manifest with (`--env-file`, `-e`).
    pub environment: Option<Environment>,
}

/// What `check` found in all its inputs.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    pub errors: usize,
    pub warnings: usize,
    /// Inputs that could not be read (each already reported on stderr), directories without a
    /// manifest included.
    pub unreadable: usize,
    /// Warnings count as failures (`--deny-warnings`).
    pub deny_warnings: bool,
}

impl CheckOutcome {
    /// 2 when an input could not be read; 1 when there are errors (or warnings with
    /// `--deny-warnings`); else 0.
    pub fn exit_code(&self) -> i32 {
        if self.unreadable > 0 {
            2
        } else if self.errors > 0 || (self.deny_warnings && self.warnings > 0) {
            1
        } else {
            0
        }
    }
}

/// One input that was read and analysed.
#[derive(Debug)]
pub struct CheckedFile {
    /// The path as given (or as found under a directory argument), or the name of standard input.
    pub path: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything `check` found, before rendering.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<CheckedFile>,
    /// One line per input that could not be read (without the `error: ` prefix).
    pub input_errors: Vec<String>,
}

/// Counts per severity, and how many files were checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    pub files: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut s = Summary { files: self.files.len(), ..Summary::default() };
        for d in self.files.iter().flat_map(|f| &f.diagnostics) {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Information => s.infos += 1,
                Severity::Hint => s.hints += 1,
            }
        }
        s
    }
}

/// found under directories. A path is checked once even when named twice.
/// Reads and checks every input; with an environment, each manifest is evaluated with it first
/// (its diagnostics stay at the written text's positions).
pub fn collect(paths: &[String], stdin_filename: Option<&str>, env: Option<&Environment>) -> Report {
    let mut report = Report::default();
    let mut seen: HashSet<String> = HashSet::new();
    let stdin_name = stdin_filename.unwrap_or("<stdin>");
    let mut repo = crate::repo::Repo::default();
    for arg in paths {
        let mut inputs: Vec<(String, String)> = Vec::new(); // (path to read, name to show)
        if arg == "-" {
            inputs.push((arg.clone(), stdin_name.to_string()));
        } else if Path::new(arg).is_dir() {
            let mut errors = Vec::new();
            let found = find_manifests(Path::new(arg), &mut errors);
            let none = found.is_empty() && errors.is_empty();
            report.input_errors.extend(errors);
            if none {
                report.input_errors.push(format!(
                    "{arg}: no manifest in this directory (looked for convox.yml, convox.*.yml, convox*.yaml)"
                ));
            }
            inputs.extend(found.iter().map(|p| (p.display().to_string(), shown_path(arg, p))));
        } else {
            inputs.push((arg.clone(), arg.clone()));
        }
        for (path, name) in inputs {
            if !seen.insert(path.clone()) {
                continue;
            }
            match read_named(&path, &name) {
                Ok(text) => {
                    let analysis = Analysis::from_text(&text);
                    // The build checks read the repository beside a file (not standard input's).
                    let diagnostics = match (path.as_str(), env) {
                        ("-", None) => analysis.diagnostics(),
                        (_, None) => analysis.diagnostics_with(&repo.facts(Path::new(&path), &analysis)),
                        (_, Some(env)) => {
                            let evaluated = Evaluated::new(&text, env);
                            let facts = (path != "-").then(|| repo.facts(Path::new(&path), &evaluated.analysis));
                            evaluated.diagnostics(&analysis, env, facts.as_deref())
                        }
                    };
                    report.files.push(CheckedFile { path: name, text, diagnostics });
                }
                Err(msg) => report.input_errors.push(msg),
            }
        }
    }
    report
}

/// Checks each input and writes the report to `out` in `options.format`; unreadable inputs (and,
/// in the human format, the summary) go to `err`.
pub fn check(
    paths: &[String],
    options: &CheckOptions,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> CheckOutcome {
    let report = collect(paths, options.stdin_filename.as_deref(), options.environment.as_ref());
    for msg in &report.input_errors {
        let _ = writeln!(err, "error: {msg}");
    }
    let rendered = match options.format {
        Format::Human => render_human(&report, options.color),
        Format::Json => render_json(&report),
        Format::Github => render_github(&report),
        Format::Sarif => render_sarif(&report, std::env::current_dir().ok().as_deref()),
    };
    let _ = out.write_all(rendered.as_bytes());
    let _ = out.flush();
    let summary = report.summary();
    if options.format == Format::Human {
        let _ = writeln!(err, "{}", summary_line(&summary, report.input_errors.len()));
    }
    CheckOutcome {
        errors: summary.errors,
        warnings: summary.warnings,
        unreadable: report.input_errors.len(),
        deny_warnings: options.deny_warnings,
    }
}
