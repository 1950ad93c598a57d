//! The release environment on the command line, one clap argument group every command that
//! evaluates a manifest flattens in (`#[command(flatten)] env: EnvArgs`), then
//! `env.environment()?` for the [`Environment`] (`None` when no flag was given); with the rack
//! and app, [`TargetArgs`], for the commands that show a namespace (`render`, `plan`, `explain`,
//! `troubleshoot`): `target.context(path)?`.

use std::io::Read;
use std::path::Path;

use crate::context::{self, Context};
use crate::env::{Environment, Source, read_env_file};

#[derive(clap::Args, Clone, Debug, Default)]
pub struct EnvArgs {
    /// The release environment to evaluate `${VAR}` with: a file of NAME=VALUE lines, as `convox
    /// env -a APP` prints them (.env syntax: comments, quotes, `export`); `-` reads standard input.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Option<String>,
    /// A NAME=VALUE of the release environment (repeatable; wins over --env-file).
    #[arg(short = 'e', long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,
}

impl EnvArgs {
    /// Whether any environment was given.
    pub fn given(&self) -> bool {
        self.env_file.is_some() || !self.env.is_empty()
    }

    /// The environment the flags give, `None` without flags; errors are one line each.
    pub fn environment(&self) -> Result<Option<Environment>, String> {
        if !self.given() {
            return Ok(None);
        }
        let mut env = Environment::new();
        if let Some(file) = &self.env_file {
            let text = if file == "-" {
                let mut buf = String::new();
                std::io::stdin()
                    .take(crate::env::MAX_ENV_FILE)
                    .read_to_string(&mut buf)
                    .map_err(|e| format!("--env-file -: cannot read standard input: {e}"))?;
                buf
            } else {
                read_env_file(Path::new(file), None)?
            };
            let shown = if file == "-" { "<stdin>" } else { file.as_str() };
            env.read_file(&text, shown)?;
        }
        for a in &self.env {
            env.set_assignment(a, Source::Flag).map_err(|e| format!("-e {e}"))?;
        }
        Ok(Some(env))
    }
}

/// Where a manifest is deployed: rack, app and the release environment.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct TargetArgs {
    /// The rack (else CONVOX_RACK, .convox/rack, the CLI's current rack).
    #[arg(long)]
    pub rack: Option<String>,
    /// The app (else .convox/app, else the manifest's directory name).
    #[arg(long)]
    pub app: Option<String>,
    #[command(flatten)]
    pub env: EnvArgs,
}

impl TargetArgs {
    /// The rack and app of the manifest at `path` (the flags first, then as the Convox CLI finds
    /// them), with the release environment the flags give; an error when that cannot be read, or
    /// when the manifest and the env file both want standard input.
    pub fn context(&self, path: &str) -> Result<Context, String> {
        if path == "-" && self.env.env_file.as_deref() == Some("-") {
            return Err("the manifest and --env-file cannot both be standard input (`-`)".to_string());
        }
        let mut sources = context::Sources::from_environment();
        sources.rack_setting = self.rack.clone();
        sources.app_setting = self.app.clone();
        let manifest = (path != "-").then(|| std::path::PathBuf::from(path));
        let mut ctx = context::discover(manifest.as_deref(), &sources);
        ctx.environment = self.env.environment()?.map(std::sync::Arc::new);
        Ok(ctx)
    }
}

/// The analysis a command reads: the manifest evaluated with the context's environment when it
/// has one, else as written.
pub(super) fn analysis(text: &str, ctx: &Context) -> crate::ide::Analysis {
    let written = crate::ide::Analysis::from_text(text);
    written.with_environment(ctx).map_or(written, |e| e.analysis)
}
