use std::io::{IsTerminal, Write};

use clap::{Parser, Subcommand};
use convox_lsp::{cli, lsp};

/// A language server and checker for Convox's convox.yml.
///
/// With no command (or `serve`) it speaks the Language Server Protocol on standard input and output.
#[derive(Parser)]
#[command(name = "convox-lsp", version, about, long_about = None)]
struct Args {
    /// Log level for standard error: error, warn, info, debug or trace (default warn; also
    /// settable with the CONVOX_LSP_LOG environment variable).
    #[arg(long, global = true, value_name = "LEVEL")]
    log_level: Option<String>,

    #[command(flatten)]
    launch: Launch,

    #[command(subcommand)]
    command: Option<Command>,
}

/// The arguments language clients add when they start a server, accepted before or after `serve`.
/// vscode-languageclient appends `--stdio` for `TransportKind.stdio` (and `--clientProcessId=N` for
/// a Node module); `--node-ipc`, `--pipe` and `--socket` ask for transports this server does not
/// have, and get a clear error instead of a crash loop.
#[derive(clap::Args, Default)]
struct Launch {
    /// Speak LSP on standard input and output (what the server always does; accepted for clients
    /// that pass it).
    #[arg(long, hide_short_help = true)]
    stdio: bool,
    /// The editor's process id. Accepted and ignored: the server exits when standard input closes.
    #[arg(long = "clientProcessId", value_name = "PID", hide_short_help = true)]
    client_process_id: Option<u32>,
    /// Not supported (stdio only).
    #[arg(long = "node-ipc", hide = true)]
    node_ipc: bool,
    /// Not supported (stdio only).
    #[arg(long, value_name = "NAME", hide = true)]
    pipe: Option<String>,
    /// Not supported (stdio only).
    #[arg(long, value_name = "PORT", hide = true)]
    socket: Option<String>,
}

impl Launch {
    fn given(&self) -> bool {
        self.stdio || self.client_process_id.is_some() || self.unsupported().is_some()
    }

    /// The transport asked for that this server does not speak, as the flag was written.
    fn unsupported(&self) -> Option<&'static str> {
        if self.node_ipc {
            Some("--node-ipc")
        } else if self.pipe.is_some() {
            Some("--pipe")
        } else if self.socket.is_some() {
            Some("--socket")
        } else {
            None
        }
    }

    fn merge(self, other: Launch) -> Launch {
        Launch {
            stdio: self.stdio || other.stdio,
            client_process_id: self.client_process_id.or(other.client_process_id),
            node_ipc: self.node_ipc || other.node_ipc,
            pipe: self.pipe.or(other.pipe),
            socket: self.socket.or(other.socket),
        }
    }
}

const CHECK_EXIT_CODES: &str = "\
Exit codes:
  0  no errors (and no warnings with --deny-warnings)
  1  errors were found (or warnings, with --deny-warnings)
  2  an input could not be read (missing, not UTF-8, a directory without a manifest) or bad usage";

const FMT_EXIT_CODES: &str = "\
Exit codes:
  0  formatted (with --check: nothing would change)
  1  with --check: a file would change (its name is printed)
  2  an input could not be read, does not parse, or could not be written";

const PLAN_EXIT_CODES: &str = "\
Exit codes:
  0  the plan was printed (with --deny-destructive: nothing that holds data or serves traffic is deleted or recreated)
  1  with --deny-destructive: something that holds data or serves traffic is deleted or recreated
  2  a manifest could not be read, the revision or repository was not found, or bad usage";

#[derive(Subcommand)]
enum Command {
    /// Run the language server on standard input and output (the default).
    Serve {
        #[command(flatten)]
        launch: Launch,
    },
    /// Check manifests (files, directories, or `-` for standard input) and report every diagnostic.
    ///
    /// A directory is searched recursively for convox.yml, convox.*.yml, convox.yaml and
    /// convox*.yaml (skipping hidden directories, node_modules, target and vendor); files named
    /// explicitly are checked whatever their names.
    #[command(after_help = CHECK_EXIT_CODES)]
    Check {
        /// Files or directories to check; `-` reads standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
        /// Output format: human (source line and caret, summary on stderr), json, github (GitHub
        /// Actions annotations) or sarif (SARIF 2.1.0).
        #[arg(long, value_enum, default_value_t = cli::Format::Human, value_name = "FORMAT")]
        format: cli::Format,
        /// Colours in the human format: auto (when stdout is a terminal and NO_COLOR is unset),
        /// always or never.
        #[arg(long, value_enum, default_value_t = cli::ColorChoice::Auto, value_name = "WHEN")]
        color: cli::ColorChoice,
        /// Exit with code 1 when there are warnings, even without errors.
        #[arg(long)]
        deny_warnings: bool,
        /// The file name to show for standard input (`-`); default `<stdin>`.
        #[arg(long, value_name = "NAME")]
        stdin_filename: Option<String>,
        #[command(flatten)]
        env: cli::EnvArgs,
    },
    /// Format manifests in place (`-`: standard input to standard output): two-space
    /// indentation, one space after `:` and `-`, no trailing spaces, one final line break;
    /// comments, key order, quoting and anchors kept. A document that does not parse is refused.
    #[command(after_help = FMT_EXIT_CODES)]
    Fmt {
        /// Files or directories to format; `-` reads standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
        /// Write nothing; list the files that would change and exit with 1 if any would.
        #[arg(long)]
        check: bool,
    },
    /// Print the Kubernetes objects Convox would render for a manifest, as YAML, with comments
    /// naming the convox.yml key each field comes from.
    Render {
        /// The manifest; `-` reads standard input.
        #[arg(value_name = "PATH")]
        path: String,
        /// Only this service (and the timers that run on it).
        #[arg(long, value_name = "NAME")]
        service: Option<String>,
        #[command(flatten)]
        target: cli::TargetArgs,
    },
    /// Print the deploy plan: what deploying NEW over OLD does to the cluster (objects created,
    /// changed, deleted or recreated, pods that roll, data lost), read the way Convox's promote
    /// applies it. With --base REF, OLD is the manifest at a git revision (read in-process).
    #[command(after_help = PLAN_EXIT_CODES)]
    Plan {
        /// OLD NEW, or with --base only the manifest; `-` reads standard input (one of them).
        #[arg(required = true, num_args = 1..=2, value_name = "PATH")]
        paths: Vec<String>,
        /// Compare with the manifest's own path at this git revision (`HEAD`, `main`,
        /// `origin/main`, a commit id).
        #[arg(long, value_name = "REF")]
        base: Option<String>,
        /// Output format: human, markdown (a pull request comment, $GITHUB_STEP_SUMMARY) or json.
        #[arg(long, value_enum, default_value_t = cli::PlanFormat::Human, value_name = "FORMAT")]
        format: cli::PlanFormat,
        /// Exit with code 1 when an object that holds data or serves traffic is deleted or recreated.
        #[arg(long)]
        deny_destructive: bool,
        #[command(flatten)]
        target: cli::TargetArgs,
    },
    /// Print a JSON Schema of convox.yml (for yaml-language-server, IntelliJ and other YAML tools).
    Schema {
        /// `2020-12` (default) or `07`.
        #[arg(long, default_value = "2020-12", value_parser = ["2020-12", "07"])]
        draft: String,
        /// The strict variant: also fails on keys Convox ignores and on values rejected after the build.
        #[arg(long)]
        strict: bool,
    },
    /// Show what each key becomes in Kubernetes and the kubectl commands to inspect it: the whole
    /// file, or one key (`services.web.scale.count`) in full.
    Explain {
        /// The manifest; `-` reads standard input.
        #[arg(value_name = "PATH")]
        path: String,
        /// A key path such as `services.web` or `timers.cleanup.schedule`.
        #[arg(value_name = "KEY.PATH")]
        key: Option<String>,
        #[command(flatten)]
        target: cli::TargetArgs,
    },
    /// Print the troubleshooting ladder of a service, timer or resource: the kubectl commands to
    /// run, layer by layer, with real names, what a bad answer means and which key to look at.
    #[command(
        after_help = "Exit codes:\n  0  the ladder was printed\n  2  the manifest could not be read, or it has no service, timer or resource of that name (the names there are are listed)"
    )]
    Troubleshoot {
        /// The manifest; `-` reads standard input.
        #[arg(value_name = "PATH")]
        path: String,
        /// A service, timer or resource (`web`, or `services.web` when a timer or resource has
        /// the same name).
        #[arg(value_name = "NAME")]
        name: String,
        #[command(flatten)]
        target: cli::TargetArgs,
    },
}

fn init_logging(level: Option<&str>) {
    let filter = level
        .map(str::to_string)
        .or_else(|| std::env::var("CONVOX_LSP_LOG").ok())
        .unwrap_or_else(|| "warn".to_string());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|_| {
        eprintln!("convox-lsp: unknown log level {filter:?}; using warn");
        tracing_subscriber::EnvFilter::new("warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .init();
}

fn main() {
    let args = Args::parse();
    init_logging(args.log_level.as_deref());
    let command = args.command.unwrap_or(Command::Serve { launch: Launch::default() });
    let code = match command {
        Command::Serve { launch } => serve(args.launch.merge(launch)),
        _ if args.launch.given() => {
            eprintln!("error: --stdio, --clientProcessId and other launcher arguments go with `serve` only");
            2
        }
        Command::Check { paths, format, color, deny_warnings, stdin_filename, env } => {
            let environment = env.environment().unwrap_or_else(|msg| exit_with(&msg));
            let stdout = std::io::stdout();
            let stderr = std::io::stderr();
            let color = color.enabled(stdout.is_terminal(), std::env::var_os("NO_COLOR").as_deref());
            let options = cli::CheckOptions { format, color, deny_warnings, stdin_filename, environment };
            let outcome = cli::check(&paths, &options, &mut stdout.lock(), &mut stderr.lock());
            outcome.exit_code()
        }
        Command::Fmt { paths, check } => {
            cli::fmt(&paths, check, &mut std::io::stdout().lock(), &mut std::io::stderr().lock()).exit_code()
        }
        Command::Render { path, service, target } => {
            let ctx = target.context(&path).unwrap_or_else(|msg| exit_with(&msg));
            printed(cli::read_input(&path).and_then(|text| {
                convox_lsp::ide::Analysis::from_text(&text)
                    .render(&ctx, service.as_deref())
                    .map_err(|e| format!("{path}: {e}"))
            }))
        }
        Command::Plan { paths, base, format, deny_destructive, target } => {
            run_plan(&paths, base.as_deref(), format, deny_destructive, &target)
        }
        Command::Schema { draft, strict } => {
            use convox_lsp::schema::json_schema::{self, Draft, Variant};
            let d = if draft == "07" { Draft::Draft07 } else { Draft::Draft202012 };
            let v = if strict { Variant::Strict } else { Variant::Lenient };
            print!("{}", json_schema::to_string(&json_schema::generate(convox_lsp::schema::schema(), d, v)));
            0
        }
        Command::Explain { path, key, target } => {
            let ctx = target.context(&path).unwrap_or_else(|msg| exit_with(&msg));
            printed(cli::explain(&path, key.as_deref(), &ctx))
        }
        Command::Troubleshoot { path, name, target } => {
            let ctx = target.context(&path).unwrap_or_else(|msg| exit_with(&msg));
            printed(cli::troubleshoot(&path, &name, &ctx).map_err(|failure| failure.message().to_string()))
        }
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

/// `convox-lsp plan`: prints the plan, returns the exit code.
fn run_plan(
    paths: &[String],
    base: Option<&str>,
    format: cli::PlanFormat,
    deny_destructive: bool,
    target: &cli::TargetArgs,
) -> i32 {
    let (old, new) = match (base, paths) {
        (Some(rev), [new]) => (cli::PlanBase::Revision(rev), new),
        (None, [old, new]) if !(old == "-" && new == "-") => (cli::PlanBase::File(old), new),
        (Some(_), _) => {
            eprintln!("error: with --base, give only the manifest (plan --base REF convox.yml)");
            return 2;
        }
        (None, _) => {
            eprintln!("error: give OLD and NEW (at most one of them `-`), or --base REF and the manifest");
            return 2;
        }
    };
    // Rack, app and the release environment as for `render`, from the new manifest.
    let ctx = target.context(new).unwrap_or_else(|msg| exit_with(&msg));
    match cli::plan(old, new, &ctx, format) {
        Ok(outcome) => {
            if let Some(n) = &outcome.notice {
                eprintln!("note: {n}");
            }
            print!("{}", outcome.text);
            i32::from(deny_destructive && outcome.destructive)
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            2
        }
    }
}

/// A command's text on stdout (exit code 0), or its error on stderr (exit code 2).
fn printed(result: Result<String, String>) -> i32 {
    match result {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            2
        }
    }
}

/// Prints a usage error and ends with code 2.
fn exit_with(msg: &str) -> ! {
    eprintln!("error: {msg}");
    let _ = std::io::stdout().flush();
    std::process::exit(2)
}

/// glibc gives each thread that allocates an arena of its own and keeps what an arena has freed
/// for that thread: the server analyses versions on whichever blocking-pool thread is free, so
/// each thread's arena grew to a version's peak (about a third of the server's memory at 5,000
/// lines). One arena serves them all; the threads rarely allocate at the same moment.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn one_malloc_arena() {
    // SAFETY: `mallopt` sets a tuning parameter of glibc's allocator; it is called before the
    // runtime starts any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn one_malloc_arena() {}

fn serve(launch: Launch) -> i32 {
    if let Some(flag) = launch.unsupported() {
        eprintln!(
            "error: {flag}: convox-lsp speaks the Language Server Protocol over standard input and output only; \
             start it with --stdio (TransportKind.stdio in vscode-languageclient)"
        );
        return 2;
    }
    if let Some(pid) = launch.client_process_id {
        tracing::debug!("client process id {pid} (the server exits when standard input closes)");
    }
    one_malloc_arena();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convox-lsp: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let code = match lsp::Stdout::new() {
        Ok(stdout) => runtime.block_on(lsp::serve(tokio::io::stdin(), stdout)),
        Err(e) => {
            eprintln!("convox-lsp: cannot write to standard output: {e}");
            return 2;
        }
    };
    // Do not wait for the runtime's blocking stdin reader: a client may keep the pipe open after
    // `exit`, and the process must end now.
    runtime.shutdown_background();
    code
}
