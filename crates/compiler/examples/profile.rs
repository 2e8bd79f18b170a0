//! Times one operation on a generated flow, for profiling (`perf record`, `valgrind
//! --tool=callgrind`) outside criterion:
//!
//! `cargo run --release -p compiler --example profile -- 10000 yaml` (or `analyze`, `ir`,
//! `scai`); `REPS` sets the repetitions (default 15); the best time is printed.

#[path = "../tests/it/flowgen.rs"]
mod flowgen;

use std::time::{Duration, Instant};

use compiler::{Format, analyze, compile_flow};

fn main() {
    let mut args = std::env::args().skip(1);
    let size: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let what = args.next().unwrap_or_else(|| "yaml".into());
    let reps: usize = std::env::var("REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(15);
    let format = match what.as_str() {
        "analyze" => None,
        other => match other.parse::<Format>() {
            Ok(format) => Some(format),
            Err(e) => {
                eprintln!("error: {e} (or analyze)");
                std::process::exit(2);
            }
        },
    };
    let flow = flowgen::sized(size, 42);
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        let started = Instant::now();
        match format {
            None => drop(std::hint::black_box(analyze(&flow))),
            Some(format) => drop(std::hint::black_box(compile_flow(&flow, format))),
        }
        times.push(started.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    eprintln!(
        "{what} of {} nodes, {} runs: best {:?}, median {:?}, mean {mean:?}",
        flow.nodes.len(),
        times.len(),
        times[0],
        times[times.len() / 2]
    );
}
