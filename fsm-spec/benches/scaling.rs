//! How the spec pipeline scales, on synthetic specs of 100 to 100,000 transitions (10 events
//! per state): `check` (parse + validate + analyse), and `check` then rendering Graphviz DOT.
//! Time per transition should stay flat (criterion prints it as throughput).
//!
//! Run: `cargo bench -p fsm-spec --bench scaling`. `examples/scaling.rs` times the same
//! pipeline, prints the growth exponent and draws `docs/scaling.svg`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fsm_spec::render::{self, Options};
use fsm_spec::{SourceFile, Spec, check, synthetic};
use std::hint::black_box;

const EVENTS: usize = 10;
const SIZES: [usize; 4] = [100, 1_000, 10_000, 100_000];

fn sources() -> Vec<(usize, SourceFile)> {
    SIZES
        .iter()
        .map(|&transitions| {
            let text = synthetic::spec_text(transitions / EVENTS, EVENTS);
            let source = SourceFile::new("synthetic.toml", text);
            assert!(check(&source).diagnostics.is_empty());
            (transitions, source)
        })
        .collect()
}

fn scaling(c: &mut Criterion) {
    let sources = sources();
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    for (transitions, source) in &sources {
        group.throughput(Throughput::Elements(*transitions as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(transitions),
            source,
            |b, source| b.iter(|| check(black_box(source))),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("check + DOT");
    group.sample_size(10);
    for (transitions, source) in &sources {
        group.throughput(Throughput::Elements(*transitions as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(transitions),
            source,
            |b, source| {
                b.iter(|| {
                    let spec = Spec::from_source(black_box(source)).expect("clean");
                    render::dot(&spec, &Options::all())
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);
