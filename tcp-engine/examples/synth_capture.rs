//! Writes a synthetic capture of well-behaved interleaved connections, for measuring `track`
//! on captures of any size: `cargo run --release -p tcp-engine --example
//! synth_capture -- OUT.pcap PACKETS`.

use tcp_engine::track::synth::{Shape, write_capture};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(packets)) = (args.next(), args.next()) else {
        return Err("usage: synth_capture OUT.pcap PACKETS".into());
    };
    let shape = Shape::with_packets(packets.parse()?);
    let out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let written = write_capture(out, shape)?;
    println!("{path}: {written} packets, {shape:?}");
    Ok(())
}
