//! `iris switch MODEL`: moves a library opened with `--model` (the model searches use now)
//! to another model, re-embedding into the new model's own column while the old one keeps
//! answering; an interrupted switch (Ctrl-C, kill -9) is resumed by running it again, or by
//! `iris switch` with no model. Progress goes to stderr as "switch: DONE/TOTAL photos".

use crate::embed::download_progress;
use crate::library_cmds::open;
use crate::{Cli, UsageError};
use anyhow::Result;
use clap::Args;
use iris_core::IndexControl;

#[derive(Args)]
pub struct SwitchArgs {
    /// The model to switch to ("demo", a Hugging Face repo id or a folder); omitted, the
    /// switch under way is resumed.
    to: Option<String>,
    /// Give up the switch under way (the new column keeps what it has until dropped).
    #[arg(long, conflicts_with = "to")]
    cancel: bool,
    /// Once switched, drop the old model's vectors.
    #[arg(long)]
    drop_old: bool,
    /// Decoding threads (default: all cores).
    #[arg(long)]
    workers: Option<usize>,
}

pub fn switch(cli: &Cli, args: &SwitchArgs) -> Result<()> {
    let library = open(cli)?;
    let pending = library.pending_switch()?;
    if args.cancel {
        library.cancel_switch()?;
        match pending {
            Some(p) => eprintln!("gave up the switch to {}", p.to_name),
            None => eprintln!("no switch was under way"),
        }
        return Ok(());
    }
    let to = match (&args.to, pending) {
        (Some(to), _) => to.clone(),
        (None, Some(pending)) => pending.to,
        (None, None) => {
            return Err(
                UsageError("no switch is under way: name the model to switch to".into()).into(),
            )
        }
    };
    let from_column = iris_core::vector_column_name(library.model_name(), library.clip().dim());
    let mut switch = library.begin_switch(&to, download_progress())?;
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let report = switch.run(workers, &IndexControl::new(), &mut |p| {
        eprintln!("switch: {}/{} photos", p.done, p.total);
    })?;
    let new = switch.finish()?;
    if args.drop_old {
        new.drop_model_column(&from_column)?;
    }
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "switched to {}: {} photos embedded ({} from thumbnails, {} from originals, {} from \
             small thumbnails), {} waiting for their files, {:.1} s; search with --model {to} \
             from now on",
            report.to,
            report.embedded,
            report.from_thumbnails,
            report.from_originals,
            report.from_small_thumbnails,
            report.waiting,
            report.seconds
        );
    }
    Ok(())
}
