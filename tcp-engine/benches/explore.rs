//! Joint states explored per second, and how the number of joint states grows with the
//! bounds: `cargo bench -p tcp-fsm-tools --bench explore`. Each benchmark's throughput is
//! the number of joint states one exploration visits, so criterion reports states per second.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tcp_engine::explore::model::{Bounds, Model, Options};
use tcp_engine::explore::search::explore;
use tcp_engine::interpreter::Interpreter;

/// The bounds measured: the default, then one bound raised at a time.
fn cases() -> Vec<(&'static str, Bounds)> {
    let with = |change: fn(&mut Bounds)| {
        let mut bounds = Bounds::default();
        change(&mut bounds);
        bounds.retransmissions = bounds.needs_retransmissions();
        bounds
    };
    vec![
        ("default", with(|_| {})),
        ("sends=1", with(|b| b.sends = 1)),
        ("sends=2", with(|b| b.sends = 2)),
        ("losses=1", with(|b| b.losses = 1)),
        ("losses=2", with(|b| b.losses = 2)),
        ("duplicates=1", with(|b| b.duplicates = 1)),
        ("reorder", with(|b| b.reorder = true)),
        ("opens=2", with(|b| b.opens = 2)),
    ]
}

fn states_per_second(c: &mut Criterion) {
    let spec = tcp_engine::spec();
    let rules = Interpreter::new(&spec).expect("the bundled spec drives the simulator");
    let mut group = c.benchmark_group("explore");
    group.sample_size(10);
    for (name, bounds) in cases() {
        let model = Model::new(&rules, Options::for_spec(&spec, bounds));
        let states = explore(&model).states.len();
        eprintln!("explore/{name}: {states} joint states");
        group.throughput(Throughput::Elements(states as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &model, |b, model| {
            b.iter(|| black_box(explore(model).states.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, states_per_second);
criterion_main!(benches);
