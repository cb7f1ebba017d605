//! `tcp-fsm explore`: every interleaving of user calls, timeouts and segment deliveries
//! between two endpoints built from a spec, within bounds; checks that no joint state is a
//! deadlock and that both endpoints can always get back to CLOSED, and lists the spec's
//! transitions no run takes.
//! The engine is `tcp_engine::explore`; this module parses the bounds, runs it and prints.

use crate::error::Error;
use crate::input;
use crate::output::ReportFormat;
use fsm_spec::{EventId, EventKind, Spec};
use std::path::PathBuf;
use std::process::ExitCode;
use tcp_engine::explore::model::{Bounds, Model, Options};
use tcp_engine::explore::report::Report;
use tcp_engine::interpreter::Interpreter;
use tcp_engine::wire::SeqNum;

/// Explore every interleaving of two endpoints built from the spec, within bounds: user calls
/// on both sides (OPEN, CLOSE, ABORT, ...), timeouts, and deliveries of segments in flight.
///
/// Reports the number of reachable joint states; deadlocks (nothing in flight, not both
/// CLOSED, and no move but an escape: ABORT or USER TIMEOUT); states from which the two
/// endpoints can no longer both get back to CLOSED without an escape; the spec's transitions
/// no run takes. A failed property prints the shortest run that breaks it, as an RFC figure.
///
/// Exits 0 when the properties hold, 1 when one fails (or the search hit --max-states), 2 when
/// the spec cannot be read or used.
///
/// Example: `tcp-fsm explore --losses 1 --ignore-escaped`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file [default: the bundled TCP spec]
    spec: Option<PathBuf>,
    /// OPEN calls (calls legal in the initial state) per side.
    #[arg(long, default_value_t = Bounds::default().opens)]
    opens: u8,
    /// SEND calls per side (each sends 10 octets once the connection is synchronized).
    #[arg(long, default_value_t = 0)]
    sends: u8,
    /// Segments in flight per direction.
    #[arg(long, default_value_t = Bounds::default().in_flight)]
    in_flight: usize,
    /// Segments the network may lose in a run.
    #[arg(long, default_value_t = 0)]
    losses: u8,
    /// Segments the network may duplicate in a run.
    #[arg(long, default_value_t = 0)]
    duplicates: u8,
    /// Let any segment in flight arrive next, not only the oldest of its direction.
    #[arg(long)]
    reorder: bool,
    /// Whether retransmission timeouts fire (an endpoint sends its unacknowledged SYN or FIN
    /// again when nothing is in flight). `auto`: when something can go missing (--losses,
    /// --duplicates, --reorder, or --opens above 1, whose old segments meet the next
    /// connection); on a reliable network a run that needs one is stuck.
    #[arg(long, value_enum, default_value_t = Retransmissions::Auto)]
    retransmissions: Retransmissions,
    /// The timeouts that may fire [default: every timeout except escapes]
    #[arg(long, value_delimiter = ',', value_name = "EVENT,...")]
    timeouts: Option<Vec<String>>,
    /// The calls the explorer makes [default: every call]
    #[arg(long, value_delimiter = ',', value_name = "EVENT,...")]
    calls: Option<Vec<String>>,
    /// Report only failures reachable without an escape (ABORT, USER TIMEOUT): after one,
    /// the peer may be left half-open by design (RFC 793 3.4), for example when the RST of an
    /// ABORT is lost.
    #[arg(long)]
    ignore_escaped: bool,
    /// The first ISNs of A and B (later connections add 1000 each, modulo 2^32), for example
    /// `--isn 4294967000,4294967200` to explore connections across the wrap
    /// [default: 100,300]
    #[arg(long, value_name = "A,B", value_parser = isn_pair)]
    isn: Option<[SeqNum; 2]>,
    /// Stop after this many joint states.
    #[arg(long, default_value_t = Bounds::default().max_states)]
    max_states: usize,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Retransmissions {
    Auto,
    On,
    Off,
}

impl Args {
    fn bounds(&self) -> Bounds {
        let mut bounds = Bounds {
            opens: self.opens,
            sends: self.sends,
            in_flight: self.in_flight.max(1),
            losses: self.losses,
            duplicates: self.duplicates,
            reorder: self.reorder,
            retransmissions: false,
            max_states: self.max_states.max(1),
        };
        bounds.retransmissions = match self.retransmissions {
            Retransmissions::Auto => bounds.needs_retransmissions(),
            Retransmissions::On => true,
            Retransmissions::Off => false,
        };
        bounds
    }
}

/// Parses `--isn A,B`.
fn isn_pair(text: &str) -> Result<[SeqNum; 2], String> {
    let isns: Vec<u32> = text
        .split(',')
        .map(|n| n.trim().parse::<u32>().map_err(|e| format!("`{n}`: {e}")))
        .collect::<Result<_, _>>()?;
    match isns[..] {
        [a, b] => Ok([SeqNum(a), SeqNum(b)]),
        _ => Err(format!(
            "expected two ISNs, A's and B's, not {}",
            isns.len()
        )),
    }
}

/// Resolves event names of one kind.
fn events(spec: &Spec, names: &[String], kind: EventKind) -> Result<Vec<EventId>, String> {
    names
        .iter()
        .map(|name| {
            spec.event_named(name)
                .filter(|&e| spec.event(e).kind == kind)
                .ok_or_else(|| format!("`{name}` is not a {kind} event of the spec"))
        })
        .collect()
}

/// Runs `tcp-fsm explore`: prints the report and returns the exit code.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let (source, spec) = input::load(args.spec.as_deref())?;
    let rules = Interpreter::new(&spec).map_err(|e| Error::drive(source.name(), e))?;
    let mut options = Options::for_spec(&spec, args.bounds());
    if let Some(isns) = args.isn {
        options.first_isns = isns;
    }
    let chosen = [
        (&args.calls, EventKind::Call, &mut options.calls),
        (&args.timeouts, EventKind::Timeout, &mut options.timeouts),
    ];
    for (names, kind, list) in chosen {
        if let Some(names) = names {
            *list = events(&spec, names, kind).map_err(Error::Usage)?;
        }
    }
    let model = Model::new(&rules, options);
    let exploration = tcp_engine::explore::search::explore(&model);
    let mut verdict = exploration.verdict(&model);
    if args.ignore_escaped {
        verdict.ignore_escaped();
    }
    let report = Report::new(&model, &exploration, &verdict, source.name());
    match args.format {
        ReportFormat::Human => print!("{}", report.human()),
        ReportFormat::Json => println!("{}", report.json()),
    }
    let passed = verdict.holds() && exploration.complete && exploration.error.is_none();
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
