//! Writes a synthetic captioned dataset: `make_dataset DIR COUNT SEED [SIDE]`.
//!
//! Used by `scripts/train_demo_model.py` to make the training and evaluation sets, so that
//! the demo model is trained on the very images this crate renders.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: make_dataset DIR COUNT SEED [SIDE]";
    let (Some(dir), Some(count), Some(seed)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let side = args.get(3).map_or(Ok(iris_demo::IMAGE_SIDE), |s| s.parse());
    let (Ok(count), Ok(seed), Ok(side)) = (count.parse::<usize>(), seed.parse::<u64>(), side)
    else {
        eprintln!("{usage} (COUNT, SEED and SIDE are integers)");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    match iris_demo::generate_sized(&PathBuf::from(dir), count, seed, side) {
        Ok(samples) => {
            let two = samples.iter().filter(|s| s.objects.len() == 2).count();
            let captions: usize = samples.iter().map(|s| s.captions.len()).sum();
            println!(
                "{} images ({two} with two objects), {captions} captions in {dir} ({:.1} s)",
                samples.len(),
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write the dataset to {dir}: {e}");
            ExitCode::FAILURE
        }
    }
}
