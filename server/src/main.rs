use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use specls::cli::check::{self, Format};

/// A language server and checker for spec Markdown: OpenSpec, GitHub Spec
/// Kit and Kiro.
#[derive(Parser)]
#[command(name = "specls", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every file of the spec workspace(s) at or around PATH.
    ///
    /// A workspace is the nearest folder at or above PATH holding
    /// `openspec/`, `.specify/` or `.kiro/` (else every such folder below
    /// it). Output is coloured on a terminal, unless NO_COLOR is set.
    ///
    /// Exit status: 0 no error (with --strict: no warning either); 1 errors,
    /// or a file could not be read; 2 could not run (bad arguments, no
    /// workspace, an invalid specls.toml).
    Check {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// How to write the report.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Show a change's or a feature's task graph: waves, critical path,
    /// cycles.
    ///
    /// Exit status: 0 the graph (or the list) is shown; 1 the graph has a
    /// dependency cycle or an unknown dependency; 2 could not run (no
    /// workspace, no such change, no tasks.md, the list asked for as
    /// Mermaid).
    Tasks {
        /// A change name, or a path in a change, a Spec Kit feature or a
        /// Kiro spec (default: the change the current folder is in, else the
        /// list of active changes).
        change: Option<String>,
        /// How to write the graph.
        #[arg(long, value_enum, default_value_t = TasksFormat::Text)]
        format: TasksFormat,
    },
    /// Serve the Language Server Protocol on stdin/stdout.
    Lsp {
        /// Accepted for clients that always pass it; stdio is the only
        /// transport.
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    /// Compiler-style, with the source line and the range marked.
    Human,
    /// Stable JSON, version 1 (docs/check.md).
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands: one annotation per diagnostic.
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum TasksFormat {
    /// Waves of tasks, the critical path marked.
    Text,
    /// A Mermaid flowchart.
    Mermaid,
    /// Stable JSON, version 1 (docs/tasks.md).
    Json,
}

/// Most of a check's time goes to system calls and allocation. glibc grows a
/// heap per worker thread one page at a time (thousands of mprotect calls),
/// and one shared heap makes the threads queue on its lock; mimalloc has
/// neither problem. Without transparent huge pages (`no_thp`) its memory
/// use stays at what is touched: 19 MB for a 900-file workspace, not 50.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Ends a check without freeing its reports or tidying the allocator's
/// arenas (a few percent of a check's time): the memory goes with the
/// process.
fn exit_now(code: i32) -> ! {
    use std::io::Write;
    // Buffered output is written first; a failure to write it was already
    // reported by the `print!` that filled it.
    let _ = std::io::stdout().flush();
    #[cfg(unix)]
    // SAFETY: `_exit` ends the process at once and touches no memory of it;
    // nothing is left to write.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check {
            paths,
            strict,
            format,
        } => {
            let format = match format {
                OutputFormat::Human => Format::Human,
                OutputFormat::Json => Format::Json,
                OutputFormat::Sarif => Format::Sarif,
                OutputFormat::Github => Format::Github,
            };
            exit_now(check::run(&paths, strict, format))
        }
        Command::Tasks { change, format } => {
            use specls::cli::tasks::{self, Format as TasksOut};
            let format = match format {
                TasksFormat::Text => TasksOut::Text,
                TasksFormat::Mermaid => TasksOut::Mermaid,
                TasksFormat::Json => TasksOut::Json,
            };
            ExitCode::from(tasks::run(change.as_deref(), format) as u8)
        }
        Command::Lsp { stdio: _ } => ExitCode::from(specls::lsp::run() as u8),
    }
}
