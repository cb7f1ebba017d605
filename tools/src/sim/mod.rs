//! Two endpoints built from a spec, a network between them, and scenarios that drive them:
//! the engine behind `tcp-fsm simulate` and `tcp-fsm explore`.
//!
//! - [`segment`]: segments in RFC 793's notation, `<SEQ=100><ACK=301><CTL=SYN,ACK>`;
//! - [`tcb`]: an endpoint's sequence numbers and the checks of RFC 793 3.9 that name an
//!   arriving segment's event (the only TCP knowledge outside the spec);
//! - [`endpoint`]: a generic interpreter of the spec, one per side;
//! - [`scenario`]: scenario files; [`run`]: running one;
//! - [`transcript`]: the result, printed like the RFC's figures; [`figure`]: reading such
//!   figures back to compare them; [`sequence`]: Mermaid and SVG sequence diagrams.

pub mod endpoint;
pub mod figure;
pub mod run;
pub mod scenario;
pub mod segment;
pub mod sequence;
pub mod tcb;
pub mod transcript;

pub use endpoint::{Endpoint, Rules, Side};
pub use run::simulate;
pub use scenario::Scenario;
pub use transcript::Transcript;
