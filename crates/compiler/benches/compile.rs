//! Analysis and compilation of generated flows of 100, 1,000 and 10,000 nodes (native).
//! Run with `cargo bench -p compiler`; results are recorded in docs/BENCHMARKS.md.

#[path = "../tests/it/flowgen.rs"]
mod flowgen;

use std::hint::black_box;

use compiler::{Format, analyze, compile_flow};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 3] = [100, 1_000, 10_000];

fn benches(c: &mut Criterion) {
    let flows: Vec<_> = SIZES.iter().map(|&n| (n, flowgen::sized(n, 42))).collect();
    let mut group = c.benchmark_group("analyze");
    for (n, flow) in &flows {
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), flow, |b, flow| {
            b.iter(|| analyze(black_box(flow)))
        });
    }
    group.finish();
    for format in Format::ALL {
        let mut group = c.benchmark_group(format!("compile_{format}"));
        for (n, flow) in &flows {
            group.throughput(Throughput::Elements(*n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), flow, |b, flow| {
                b.iter(|| compile_flow(black_box(flow), format).expect("generated flows compile"))
            });
        }
        group.finish();
    }
    let mut group = c.benchmark_group("parse_json");
    for (n, flow) in &flows {
        let text = flow.to_json_pretty();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| flow_model::FlowGraph::from_json(black_box(text)).expect("parses"))
        });
    }
    group.finish();
}

criterion_group! {
    name = compile;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(compile);
