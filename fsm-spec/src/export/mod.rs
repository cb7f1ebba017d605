//! A spec for other programs, every transition included: its normalised JSON form
//! ([`Spec::to_json`](crate::Spec::to_json)), SCXML for statechart engines and an XState
//! config. Unlike the diagrams of [`render`](crate::render), an export keeps every
//! transition and reads as a machine that another program can run.

mod check;
mod json;
mod scxml;
mod xstate;

pub use json::{
    NormalContradiction, NormalDeviation, NormalEvent, NormalMachine, NormalNoTransition,
    NormalSpec, NormalState, NormalTransition,
};
pub use scxml::scxml;
pub use xstate::xstate;
