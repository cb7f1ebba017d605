//! Writes the TCP machine and the 1,000-transition machine of the benchmarks as users of
//! rust-fsm, smlang and statig write them (`tcp-fsm/benches/peers/*.rs`), from the transition
//! tables of the generated runtime API. The `peers` benchmark checks that the files are
//! current. Run: `cargo run -p tcp-fsm --example peer_machines`.

#[path = "../benches/peers/source.rs"]
mod source;

/// The 1,000-transition spec of the `step` and `peers` benchmarks.
mod large {
    tcp_fsm_macros::fsm!("benches/large/spec.toml");
}

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers");
    for table in [source::tcp(), source::large()] {
        for (name, text) in table.files() {
            std::fs::write(dir.join(&name), text)?;
            println!("wrote {}", dir.join(&name).display());
        }
    }
    Ok(())
}
