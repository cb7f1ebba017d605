//! Times parse + validate + analyse for synthetic specs of growing size and prints one line
//! per size. Benchmarks proper live in `benches/`; this is the quick look.
//!
//! Run: `cargo run --release -p fsm-spec --example scaling`

use fsm_spec::{SourceFile, check, synthetic};
use std::time::Instant;

fn main() {
    println!(
        "{:>12} {:>10} {:>12} {:>14}",
        "transitions", "states", "time (ms)", "ns/transition"
    );
    for transitions in [100, 1_000, 10_000, 100_000] {
        let states = transitions / 10;
        let source = SourceFile::new("synthetic.toml", synthetic::spec_text(states, 10));
        let start = Instant::now();
        let report = check(&source);
        let elapsed = start.elapsed();
        assert!(report.diagnostics.is_empty(), "{}", report.diagnostics);
        println!(
            "{transitions:>12} {states:>10} {:>12.2} {:>14.0}",
            elapsed.as_secs_f64() * 1e3,
            elapsed.as_nanos() as f64 / transitions as f64
        );
    }
}
