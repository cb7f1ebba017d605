//! The `fsm!` proc macro (filled in by the typestate issue).
