//! Wall-clock timing of the features on generated manifests (no dependency: `cargo bench
//! --bench features`). Prints median, p95 and max per operation. The side-by-side benchmark
//! against yaml-language-server lives in `benches/` too (see docs/benchmarks.md).

use std::time::{Duration, Instant};

use convox_lsp::context::Context;
use convox_lsp::ide::Analysis;
use convox_lsp::syntax::Parser;
use convox_lsp::text::Text;

mod common;
use common::{manifest, middle};

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<34} n={:<4} median {:>9.3?}  p95 {:>9.3?}  max {:>9.3?}",
        samples.len(),
        pick(0.5),
        pick(0.95),
        samples[samples.len() - 1]
    );
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

fn main() {
    let ctx = Context { rack: Some("acme".into()), app: Some("shop".into()) };
    for lines in [50, 5_000, 25_000] {
        let text = manifest(lines);
        println!("--- {} lines, {} bytes", text.lines().count(), text.len());
        let runs = if lines > 10_000 { 5 } else { 20 };
        stats("full parse + model", (0..runs).map(|_| time(|| Analysis::from_text(&text)).1).collect());
        // Diagnostics are computed once per analysis: time them on fresh ones.
        stats(
            "diagnostics",
            (0..runs)
                .map(|_| {
                    let fresh = Analysis::from_text(&text);
                    time(|| fresh.diagnostics()).1
                })
                .collect(),
        );
        let a = Analysis::from_text(&text);

        // One-character edits in the middle (typing in a value), reparsed.
        let mut doc = Text::new(&text);
        let mut parser = Parser::new();
        parser.parse(&text);
        let at = middle(&text);
        let mut edits = Vec::new();
        for k in 0..runs {
            let (_, d) = time(|| {
                let e = doc.replace(at, at + usize::from(k % 2 == 1), if k % 2 == 0 { "x" } else { "" });
                parser.edit(&e);
                let s = doc.to_string();
                let p = parser.parse(&s);
                let a = Analysis::new(s.into(), p);
                a.diagnostics()
            });
            edits.push(d);
        }
        stats("edit -> reparse -> diagnostics", edits);

        // Hovers at 200 key and value positions spread over the file.
        let offsets: Vec<usize> = text
            .match_indices(": ")
            .map(|(i, _)| i - 1)
            .step_by((text.matches(": ").count() / 200).max(1))
            .take(200)
            .collect();
        let mut hovers = Vec::new();
        let mut answered = 0;
        for &o in &offsets {
            let (h, d) = time(|| a.hover(o, &ctx));
            answered += usize::from(h.is_some());
            hovers.push(d);
        }
        stats(&format!("hover ({answered} answered)"), hovers);
        // Completions at the start of each of those lines (keys) and after their colon (values).
        let mut comps = Vec::new();
        for &o in &offsets {
            let line_start = text[..o].rfind('\n').map_or(0, |i| i + 1);
            let indent = text[line_start..].len() - text[line_start..].trim_start().len();
            comps.push(time(|| a.completions(line_start + indent)).1);
            comps.push(time(|| a.completions(o + 3)).1);
        }
        stats("completion", comps);
        stats("key path at offset", offsets.iter().map(|&o| time(|| a.key_path_at(o)).1).collect());
    }
}
