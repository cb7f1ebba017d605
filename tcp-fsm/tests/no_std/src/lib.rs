//! A `#![no_std]` library without an allocator that uses `tcp_fsm` through both of its APIs,
//! and `fsm!` on a machine with state data. It is a workspace member, so `cargo build
//! --workspace` (and every `cargo test --workspace`) fails if `tcp-fsm` or the generated code
//! names `std` or needs an allocator: this crate links neither, and declares no `alloc`.
#![no_std]
#![deny(warnings)]

pub use tcp_fsm::{Opened, Tcp, runtime, state};

/// The typed client path of the three-way handshake: each call is checked at compile time.
pub fn handshake() -> Tcp<state::Established> {
    let (tcp, _syn) = Tcp::new().active_open();
    let (tcp, _ack) = tcp.rcv_syn_ack();
    tcp
}

/// The same path through the runtime API, with the data that decides guards.
pub fn handshake_at_run_time() -> Result<runtime::State, runtime::IllegalTransition> {
    let mut state = runtime::State::INITIAL;
    for event in [runtime::Event::ActiveOpen, runtime::Event::RcvSynAck] {
        state = runtime::step(state, event)?.decide(&Opened::Active).to;
    }
    Ok(state)
}

/// A runtime machine whose observer counts transitions: a closure, no allocation.
pub fn transitions_to_established(count: &mut usize) -> runtime::State {
    let mut tcp = runtime::Machine::new(Opened::Active).observed_by(|_| *count += 1);
    for event in [runtime::Event::ActiveOpen, runtime::Event::RcvSynAck] {
        let _ = tcp.handle(event);
    }
    tcp.state()
}

/// Parsing a state name without an allocator.
pub fn parse_state(name: &str) -> Result<runtime::State, runtime::ParseError> {
    name.parse()
}

/// The error's message, written into a fixed buffer by `core::fmt` alone.
pub fn illegal_message(buffer: &mut [u8]) -> usize {
    let mut out = Buffer {
        bytes: buffer,
        len: 0,
    };
    if let Err(error) = runtime::step(runtime::State::Listen, runtime::Event::Timeout2msl) {
        let error: &dyn core::error::Error = &error;
        let _ = core::fmt::write(&mut out, format_args!("{error}"));
    }
    out.len
}

/// State data and payloads without std: the credit exists only in PAYING, each coin adds to
/// it, and the guard reads it.
pub mod turnstile {
    tcp_fsm_macros::fsm!("turnstile.toml");

    /// What one pass costs, in cents.
    pub const FARE: u32 = 250;

    /// A coin, in cents: the payload of `coin`.
    #[derive(Debug, Clone, Copy)]
    pub struct Coin(pub u32);

    /// What has been paid so far, in cents: the data of PAYING.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Credit(pub u32);

    impl From<Coin> for Credit {
        fn from(Coin(cents): Coin) -> Credit {
            Credit(cents)
        }
    }

    impl From<(Credit, Coin)> for Credit {
        fn from((Credit(paid), Coin(cents)): (Credit, Coin)) -> Credit {
            Credit(paid.saturating_add(cents))
        }
    }

    /// The turnstile itself carries no data; the guard reads the credit.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Fare;

    impl guard::Guards for Fare {
        fn paying_push(&self, credit: &Credit) -> guard::PayingPush {
            if credit.0 >= FARE {
                guard::PayingPush::Paid
            } else {
                guard::PayingPush::Short
            }
        }
    }

    /// Pays `coins` and pushes: whether the arm let a person through, and the credit left
    /// in PAYING if it did not.
    pub fn pay_and_push(coins: &[u32]) -> Result<(), Credit> {
        let Some((first, rest)) = coins.split_first() else {
            return Err(Credit(0));
        };
        let mut paying = Turnstile::with_data(Fare).coin(Coin(*first));
        for &cents in rest {
            paying = paying.coin(Coin(cents));
        }
        match paying.push() {
            outcome::PayingPush::Paid(_locked, _pass) => Ok(()),
            outcome::PayingPush::Short(paying) => Err(*paying.state_data()),
        }
    }
}

struct Buffer<'a> {
    bytes: &'a mut [u8],
    len: usize,
}

impl core::fmt::Write for Buffer<'_> {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        let end = self.len + text.len();
        let target = self.bytes.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        target.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}
