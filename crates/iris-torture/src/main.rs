//! The torture suite's runner: `iris-torture [--long] CASE` throws one case of bad input at the
//! real engine (the demo model, a LanceDB catalog in a temporary folder) and checks the
//! promise afterwards (`promise`). Each case runs in its own process, started by
//! scripts/torture.sh, so that a crash, an abort or the peak memory of one case is that
//! case's alone. Prints what it tried and ends with "case NAME: passed", "... failed" or, for
//! a case this machine cannot run (mounting a file system needs root), "... not run here".

mod bombs;
mod cli;
mod disk_full;
mod formats;
mod fuzz;
mod kill;
mod library_state;
mod memory;
mod models;
mod mount;
mod moves;
mod mutate;
mod names;
mod promise;
mod switch_kill;
mod truncation;
mod two_processes;

use std::process::ExitCode;

/// How hard a case pushes: the short profile runs in CI, the long one on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Short,
    Long,
}

/// What a case found: every broken promise, in words.
pub type Problems = Vec<String>;

/// The cases, by the numbers of the issue that asked for them (crates/iris-torture/README.md).
const CASES: [&str; 13] = [
    "truncation",
    "bombs",
    "fuzz",
    "kill",
    "disk-full",
    "read-only",
    "library-deleted",
    "future-schema",
    "names",
    "two-processes",
    "models",
    "moves",
    "switch-kill",
];

/// The start of a case's setup error when this machine cannot run it (exit status 3).
pub const NOT_RUN: &str = "not run here: ";

fn run_case(name: &str, profile: Profile, work: &std::path::Path) -> Result<Problems, String> {
    match name {
        "truncation" => truncation::run(profile, work),
        "bombs" => bombs::run(work),
        "fuzz" => fuzz::run(profile, work),
        "kill" => kill::run(profile, work),
        "disk-full" => disk_full::run(work),
        "read-only" => library_state::read_only(work),
        "library-deleted" => library_state::deleted(work),
        "future-schema" => library_state::future_schema(work),
        "names" => names::run(work),
        "two-processes" => two_processes::run(work),
        "models" => models::run(work),
        "moves" => moves::run(work),
        "switch-kill" => switch_kill::run(profile, work),
        other => Err(format!(
            "no case named {other}; cases: {}",
            CASES.join(", ")
        )),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profile = if args.iter().any(|a| a == "--long") {
        Profile::Long
    } else {
        Profile::Short
    };
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if args.iter().any(|a| a == "--list") {
        println!("{}", CASES.join("\n"));
        return ExitCode::SUCCESS;
    }
    let [name] = names.as_slice() else {
        eprintln!(
            "usage: iris-torture [--long] CASE   (cases: {})",
            CASES.join(", ")
        );
        return ExitCode::from(2);
    };
    promise::count_panics();
    let work = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("case {name}: failed (no temporary folder: {e})");
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let outcome = run_case(name, profile, work.path());
    let seconds = started.elapsed().as_secs_f64();
    match outcome {
        Ok(problems) if problems.is_empty() => {
            println!("case {name}: passed in {seconds:.1} s");
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for p in &problems {
                println!("  PROBLEM: {p}");
            }
            println!(
                "case {name}: failed ({} problems) in {seconds:.1} s",
                problems.len()
            );
            ExitCode::FAILURE
        }
        Err(reason) if reason.starts_with(NOT_RUN) => {
            println!("case {name}: {reason}");
            ExitCode::from(3)
        }
        Err(setup) => {
            println!("case {name}: failed ({setup})");
            ExitCode::FAILURE
        }
    }
}
