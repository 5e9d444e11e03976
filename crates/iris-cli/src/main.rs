//! The `iris` binary: the command line of [`iris_cli`].

fn main() -> std::process::ExitCode {
    iris_cli::run(std::env::args_os())
}
