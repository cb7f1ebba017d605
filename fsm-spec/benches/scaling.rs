//! How checking a spec scales: parse + validate + analyse synthetic specs of 100 to 100,000
//! transitions (10 events per state). Time per transition should stay flat.
//!
//! Run: `cargo bench -p fsm-spec --bench scaling`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fsm_spec::{SourceFile, check, synthetic};
use std::hint::black_box;

const EVENTS: usize = 10;

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    for transitions in [100, 1_000, 10_000, 100_000] {
        let source = SourceFile::new(
            "synthetic.toml",
            synthetic::spec_text(transitions / EVENTS, EVENTS),
        );
        assert!(check(&source).diagnostics.is_empty());
        group.throughput(Throughput::Elements(transitions as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(transitions),
            &source,
            |b, source| b.iter(|| check(black_box(source))),
        );
    }
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);
