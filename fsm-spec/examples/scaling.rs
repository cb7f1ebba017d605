//! How the spec pipeline scales: times parse + validate + analyse (`fsm_spec::check`), then
//! DOT rendering, for synthetic specs of 100 to 100,000 transitions (10 events per state),
//! prints a table and draws `docs/scaling.svg`. The SVG renderer (with its own layout) is
//! timed too, on smaller specs.
//!
//! Run: `cargo run --release -p fsm-spec --example scaling` (add `-- --no-plot` to skip the
//! SVG file). The criterion benchmark with the same pipeline is `benches/scaling.rs`.

use fsm_spec::render::{self, Options};
use fsm_spec::{SourceFile, Spec, check, synthetic};
use std::time::{Duration, Instant};

const EVENTS: usize = 10;
const SIZES: [usize; 4] = [100, 1_000, 10_000, 100_000];

/// The median of `runs` timings of `f`.
fn median_time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Sizes at which the SVG renderer is timed: its layered layout is meant for diagrams people
/// read, and its cost grows much faster than linearly.
const SVG_SIZES: [usize; 4] = [100, 200, 500, 1_000];

fn main() {
    println!(
        "{:>12} {:>8} {:>12} {:>12} {:>14} {:>7}",
        "transitions", "states", "check (ms)", "+ DOT (ms)", "ns/transition", "slope"
    );
    let mut rows: Vec<(usize, Duration, Duration)> = Vec::new();
    for transitions in SIZES {
        let states = transitions / EVENTS;
        let source = SourceFile::new("synthetic.toml", synthetic::spec_text(states, EVENTS));
        let report = check(&source);
        assert!(report.diagnostics.is_empty(), "{}", report.diagnostics);
        let runs = if transitions >= 100_000 { 5 } else { 11 };
        let check_time = median_time(runs, || check(&source));
        let pipeline = median_time(runs, || {
            let spec = Spec::from_source(&source).expect("clean");
            render::dot(&spec, &Options::all())
        });
        // The exponent of the growth since the previous size: 1 is linear.
        let slope = rows.last().map_or("-".to_string(), |&(n, _, t)| {
            let growth = pipeline.as_secs_f64() / t.as_secs_f64();
            format!("{:.2}", growth.ln() / (transitions as f64 / n as f64).ln())
        });
        println!(
            "{transitions:>12} {states:>8} {:>12.2} {:>12.2} {:>14.0} {slope:>7}",
            ms(check_time),
            ms(pipeline),
            pipeline.as_nanos() as f64 / transitions as f64,
        );
        rows.push((transitions, check_time, pipeline));
    }
    println!("\n{:>12} {:>8} {:>12}", "transitions", "states", "SVG (ms)");
    let mut svg_rows = Vec::new();
    for transitions in SVG_SIZES {
        let states = transitions / EVENTS;
        let source = SourceFile::new("synthetic.toml", synthetic::spec_text(states, EVENTS));
        let spec = Spec::from_source(&source).expect("clean");
        let time = median_time(3, || render::svg::svg(&spec, &Options::all()));
        println!("{transitions:>12} {states:>8} {:>12.2}", ms(time));
        svg_rows.push((transitions, time));
    }
    if !std::env::args().any(|a| a == "--no-plot") {
        plot::draw(&rows, &svg_rows, "docs/scaling.svg").expect("docs/scaling.svg is writable");
        println!("wrote docs/scaling.svg");
    }
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

mod plot {
    //! The log-log chart of the timings, with a line of slope 1 (linear growth) for reference.

    use super::{Duration, ms};
    use plotters::prelude::*;

    /// A curve's name, colour and points.
    type Series = (&'static str, RGBColor, Vec<(f64, f64)>);

    pub fn draw(
        rows: &[(usize, Duration, Duration)],
        svg_rows: &[(usize, Duration)],
        path: &str,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::new(path, (720, 480)).into_drawing_area();
        root.fill(&WHITE)?;
        let x_range = (50f64..200_000f64).log_scale();
        let y_range = (0.01f64..5_000f64).log_scale();
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "fsm-spec: time against spec size (log-log)",
                ("sans-serif", 20),
            )
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x_range, y_range)?;
        chart
            .configure_mesh()
            .x_desc("transitions (10 events per state)")
            .y_desc("milliseconds")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y}"))
            .draw()?;
        let point = |t: usize, d: Duration| (t as f64, ms(d));
        let series: [Series; 3] = [
            (
                "check: parse + validate + analyse",
                RGBColor(31, 119, 180),
                rows.iter().map(|r| point(r.0, r.1)).collect(),
            ),
            (
                "check + render DOT",
                RGBColor(214, 39, 40),
                rows.iter().map(|r| point(r.0, r.2)).collect(),
            ),
            (
                "render SVG (own layout)",
                RGBColor(44, 160, 44),
                svg_rows.iter().map(|r| point(r.0, r.1)).collect(),
            ),
        ];
        for (name, colour, points) in series {
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                });
            chart.draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )?;
        }
        // Slope 1 through the pipeline's 1,000-transition point: where linear growth would be.
        if let Some(&(t, _, d)) = rows.iter().find(|r| r.0 == 1_000) {
            let per = ms(d) / t as f64;
            let grey = RGBColor(150, 150, 150);
            chart
                .draw_series(DashedLineSeries::new(
                    [100f64, 100_000f64].map(|x| (x, x * per)),
                    6,
                    4,
                    grey.stroke_width(1),
                ))?
                .label("linear growth (slope 1)")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], grey));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
        Ok(())
    }
}
