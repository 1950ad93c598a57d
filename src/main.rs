use std::io::Write;

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

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on standard input and output (the default).
    Serve,
    /// Check manifests and print each diagnostic with its source line. Exit code: 0 when there
    /// are no errors, 1 when there are, 2 when an input cannot be read.
    Check {
        /// Files to check; `-` reads standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
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
    let code = match args.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Check { paths } => {
            let stdout = std::io::stdout();
            let stderr = std::io::stderr();
            let outcome = cli::check(&paths, &mut stdout.lock(), &mut stderr.lock());
            outcome.exit_code()
        }
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

fn serve() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("convox-lsp: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let code = runtime.block_on(lsp::serve(tokio::io::stdin(), tokio::io::stdout()));
    // Do not wait for the runtime's blocking stdin reader: a client may keep the pipe open after
    // `exit`, and the process must end now.
    runtime.shutdown_background();
    code
}
