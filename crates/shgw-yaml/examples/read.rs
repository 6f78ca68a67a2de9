//! The reader alone: parses a file into placed nodes several times and prints the median
//! throughput.
//!
//! `cargo run --release -p shgw-yaml --example read -- FILE [RUNS]` prints one line:
//! `bytes=N documents=N runs=N median_s=S mb_per_s=R` (MB = 10^6 bytes). `bench/reader.py`
//! runs it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use shgw_yaml::parse::{ParseOptions, parse_placed};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: read FILE [RUNS]");
        return ExitCode::from(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(7).max(1);
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::from(1);
        }
    };
    let mut times = Vec::with_capacity(runs);
    let mut documents = 0;
    for _ in 0..runs {
        let start = Instant::now();
        match parse_placed(&text, &ParseOptions::default()) {
            Ok(docs) => documents = docs.len(),
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::from(1);
            }
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times.get(runs / 2).copied().unwrap_or_default();
    // Byte counts of real files fit an f64 exactly.
    #[allow(clippy::cast_precision_loss)]
    let mb = text.len() as f64 / 1e6;
    println!(
        "bytes={} documents={documents} runs={runs} median_s={median:.4} mb_per_s={:.1}",
        text.len(),
        mb / median
    );
    ExitCode::SUCCESS
}
