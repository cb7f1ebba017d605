//! A capture file's bytes through `track`, as `tcp-fsm track` reads them: the pcap and pcapng
//! readers, the decoder, the inference rules and the trackers must never panic, a header that
//! cannot be read is the only refusal, and every frame read is counted as a segment or a skip.

#![no_main]

use engine::interpreter::Interpreter;
use engine::track::capture::CaptureError;
use engine::track::tracker::Detail;
use engine::track::{TrackError, track};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn spec() -> &'static fsm_spec::Spec {
    static SPEC: OnceLock<fsm_spec::Spec> = OnceLock::new();
    SPEC.get_or_init(engine::spec)
}

fuzz_target!(|bytes: &[u8]| {
    let machine = Interpreter::new(spec()).expect("the bundled spec binds");
    let outcome = match track(bytes, machine, Detail::Timeline) {
        Ok(outcome) => outcome,
        Err(TrackError::Capture(error)) => {
            let _ = error.to_string();
            return;
        }
        Err(TrackError::Binding(error)) => panic!("the bundled spec binds: {error}"),
    };
    let totals = &outcome.tracking.totals;
    let skipped: u64 = totals.skipped.values().sum();
    assert_eq!(totals.frames, totals.segments + skipped);
    if let Some(CaptureError::Record { number, offset, .. }) = &outcome.damage {
        assert_eq!(
            *number,
            totals.frames + 1,
            "the damaged record is the next frame"
        );
        assert!(*offset <= bytes.len() as u64);
    }
    let _ = outcome.damage.as_ref().map(ToString::to_string);
});
