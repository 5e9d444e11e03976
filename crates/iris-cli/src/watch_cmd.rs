//! `iris watch`: indexes the roots, then watches them and reconciles each change as it
//! settles, printing one report line (or JSON object) per reconcile, until stopped.

use crate::library_cmds::{open, print_report, say_if_waiting, workers};
use crate::{Cli, UsageError};
use anyhow::Result;
use clap::Args;
use iris_core::IndexControl;
use std::time::Duration;

#[derive(Args)]
pub struct WatchArgs {
    /// Decoding threads (default: all cores).
    #[arg(long)]
    workers: Option<usize>,
    /// Stop after this many reconciles following the first index (for scripts and tests).
    #[arg(long, hide = true)]
    reconciles: Option<usize>,
}

pub fn watch(cli: &Cli, args: &WatchArgs) -> Result<()> {
    let library = open(cli)?;
    let roots = library.roots()?;
    if roots.is_empty() {
        return Err(UsageError(
            "no roots to watch: add one first, e.g. `iris index ~/Pictures`".into(),
        )
        .into());
    }
    let workers = workers(args.workers);
    let control = IndexControl::new();
    // Watch first, so that nothing written during the first index is missed.
    let mut watcher = library.watch()?;
    if !cli.json {
        eprintln!("watching {} root(s); Ctrl-C stops", roots.len());
        for root in watcher.polled() {
            eprintln!(
                "{}: no change events here, checked every minute",
                root.display()
            );
        }
    }
    say_if_waiting(&library);
    print_report(cli, &library.index(workers, &control, &mut |_| {})?)?;
    let mut done = 0;
    while args.reconciles.is_none_or(|n| done < n) {
        let Some(change) = watcher.next_change(Duration::from_secs(3600)) else {
            continue;
        };
        say_if_waiting(&library);
        let report = library.index_roots(&change.roots, workers, &control, &mut |_| {})?;
        print_report(cli, &report)?;
        done += 1;
    }
    Ok(())
}
