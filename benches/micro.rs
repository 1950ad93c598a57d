//! Criterion micro-benchmarks of each stage on the generated manifests (about 50, 5,000 and 25,000
//! lines): where the time of a request goes. `cargo bench --bench micro` (add a group's name to
//! pick it: `-- model`). The figures in docs/benchmarks.md come from a quiet run of this and
//! `lsp_bench.py`.

use std::hint::black_box;
use std::sync::Arc;

use convox_lsp::context::Context;
use convox_lsp::ide::Analysis;
use convox_lsp::syntax::{Parser, parse_fast};
use convox_lsp::text::Text;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

/// A manifest of about `lines` lines, the same as `benches/lsp_bench.py` writes (services with
/// build, port, environment, health, scale and resources; every 10th service has an unknown key
/// `resorces`, one known warning each).
pub fn manifest(lines: usize) -> String {
    let mut out: Vec<String> =
        ["environment:", "  - GLOBAL=1", "resources:", "  database:", "    type: postgres", "services:"]
            .map(String::from)
            .to_vec();
    let mut i = 0;
    while out.len() < lines.saturating_sub(1) {
        out.push(format!("  svc{i}:"));
        out.push("    build: .".into());
        out.push(format!("    port: {}", 3000 + i % 1000));
        for l in [
            "    environment:",
            "      - FOO=bar",
            "    health:",
            "      path: /health",
            "      interval: 10",
            "    scale:",
            "      count: 1-3",
            "      memory: 512",
            "    resources:",
            "      - database",
        ] {
            out.push(l.into());
        }
        if i % 10 == 0 {
            out.push("    resorces: [database]".into());
        }
        i += 1;
    }
    out.join("\n") + "\n"
}

/// The end of the `path: /health` line nearest the middle of the text: where the edits go.
pub fn middle(text: &str) -> usize {
    let half = text.len() / 2;
    let before = text[..half].rfind("path: /health").map(|i| i + "path: /health".len());
    let after = text[half..].find("path: /health").map(|i| half + i + "path: /health".len());
    match (before, after) {
        (Some(b), Some(a)) => {
            if half - b <= a - half {
                b
            } else {
                a
            }
        }
        (b, a) => b.or(a).expect("the manifest has a health path"),
    }
}

const SIZES: [usize; 3] = [50, 5_000, 25_000];

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.sample_size(20);
    for n in SIZES {
        let text = manifest(n);
        g.bench_with_input(BenchmarkId::new("fast path", n), &text, |b, t| b.iter(|| parse_fast(black_box(t))));
        g.bench_with_input(BenchmarkId::new("tree-sitter (tolerant path)", n), &text, |b, t| {
            b.iter(|| Parser::new().parse_tolerant(black_box(t)))
        });
        // One character typed, then the tolerant path reparses with the edited old tree.
        g.bench_with_input(BenchmarkId::new("tree-sitter incremental", n), &text, |b, t| {
            let mut doc = Text::new(t);
            let mut parser = Parser::new();
            parser.parse_tolerant(t);
            let at = middle(t);
            let mut k = 0usize;
            b.iter(|| {
                let e = doc.replace(at, at + usize::from(k % 2 == 1), if k.is_multiple_of(2) { "x" } else { "" });
                k += 1;
                parser.edit(&e);
                parser.parse_tolerant(&doc.to_string())
            })
        });
    }
}

fn model(c: &mut Criterion) {
    let mut g = c.benchmark_group("model");
    g.sample_size(20);
    for n in SIZES {
        let text = manifest(n);
        let arc: Arc<str> = Arc::from(text.as_str());
        g.bench_with_input(BenchmarkId::new("model build", n), &arc, |b, t| {
            b.iter_batched(|| parse_fast(t).unwrap(), |p| Analysis::new(t.clone(), p), BatchSize::LargeInput)
        });
        g.bench_with_input(BenchmarkId::new("diagnostics", n), &text, |b, t| {
            b.iter_batched(|| Analysis::from_text(t), |a| a.diagnostics(), BatchSize::LargeInput)
        });
        // What a keystroke in a value costs: the edit, the parse, the model and the diagnostics.
        g.bench_with_input(BenchmarkId::new("edit -> diagnostics", n), &text, |b, t| {
            let mut doc = Text::new(t);
            let mut parser = Parser::new();
            parser.parse(t);
            let at = middle(t);
            let mut k = 0usize;
            b.iter(|| {
                let e = doc.replace(at, at + usize::from(k % 2 == 1), if k.is_multiple_of(2) { "x" } else { "" });
                k += 1;
                parser.edit(&e);
                let s = doc.to_string();
                let p = parser.parse(&s);
                Analysis::new(s.into(), p).diagnostics()
            })
        });
    }
}

/// A keystroke at `at` (a character typed or deleted there) and back, each version parsed as the
/// server parses it (the text, the incremental parser, the analysis, the diagnostics); only the
/// first of the two versions is timed.
fn keystroke(t: &str, at: usize, typed: &str, deleted: usize, mut parser: Parser, iters: u64) -> std::time::Duration {
    let mut doc = Text::new(t);
    parser.parse(t);
    let old = t[at..at + deleted].to_string();
    let version = |doc: &Text, parser: &mut Parser| {
        let s = doc.to_string();
        let p = parser.parse(&s);
        Analysis::new(s.into(), p).diagnostics()
    };
    let mut total = std::time::Duration::ZERO;
    for _ in 0..iters {
        let e = doc.replace(at, at + deleted, typed);
        parser.edit(&e);
        let start = std::time::Instant::now();
        black_box(version(&doc, &mut parser));
        total += start.elapsed();
        let e = doc.replace(at, at + typed.len(), &old);
        parser.edit(&e);
        black_box(version(&doc, &mut parser));
    }
    total
}

/// What a keystroke costs when it leaves the line valid (a character typed in a value) and when it
/// leaves it in each broken state typing passes through, at 300, 5,000 and 25,000 lines, in the
/// same run. All edits are on the `path: /health` line nearest the middle.
fn typing(c: &mut Criterion) {
    let mut g = c.benchmark_group("keystroke -> diagnostics");
    g.sample_size(20);
    for n in [300, 5_000, 25_000] {
        let text = manifest(n);
        let end = middle(&text);
        let colon = text[..end].rfind(':').unwrap();
        let value = colon + 2;
        g.bench_with_input(BenchmarkId::new("valid", n), &text, |b, t| {
            b.iter_custom(|k| keystroke(t, end, "x", 0, Parser::new(), k))
        });
        // The same without the yaml.v2 verdict (`syntax/convox.rs`): what it costs a valid keystroke.
        g.bench_with_input(BenchmarkId::new("valid without the yaml.v2 verdict", n), &text, |b, t| {
            b.iter_custom(|k| keystroke(t, end, "x", 0, Parser::without_verdict(), k))
        });
        // (state, where, typed, deleted): `path /health`, `path: "/health`, `path: [/health`, a new
        // line at a column between the service's keys and health's, a lone `-` in a map.
        for (state, at, typed, deleted) in [
            ("broken: a key without its colon", colon, "", 1),
            ("broken: an unclosed quote", value, "\"", 0),
            ("broken: an unclosed flow list", value, "[", 0),
            ("broken: a half-indented line", end, "\n     x", 0),
            ("broken: a lone dash", end, "\n      -", 0),
        ] {
            g.bench_with_input(BenchmarkId::new(state, n), &text, |b, t| {
                b.iter_custom(|k| keystroke(t, at, typed, deleted, Parser::new(), k))
            });
        }
        // The first broken edit given to tree-sitter, as before `syntax/mend.rs`.
        g.bench_with_input(
            BenchmarkId::new("broken through tree-sitter: a key without its colon", n),
            &text,
            |b, t| b.iter_custom(|k| keystroke(t, colon, "", 1, Parser::without_mend(), k)),
        );
    }
}

fn requests(c: &mut Criterion) {
    let ctx = Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() };
    let mut g = c.benchmark_group("requests");
    for n in SIZES {
        let text = manifest(n);
        let a = Analysis::from_text(&text);
        let at = middle(&text);
        let key = text[..at].rfind("    port: ").unwrap() + 5;
        g.bench_with_input(BenchmarkId::new("hover on a key", n), &key, |b, &o| b.iter(|| a.hover(o, &ctx)));
        let name = text[..key].rfind("  svc").unwrap() + 3;
        g.bench_with_input(BenchmarkId::new("hover on a service name", n), &name, |b, &o| b.iter(|| a.hover(o, &ctx)));
        let line_start = text[..key].rfind('\n').unwrap() + 1;
        g.bench_with_input(BenchmarkId::new("completion of a key", n), &(line_start + 4), |b, &o| {
            b.iter(|| a.completions(o))
        });
        g.bench_with_input(BenchmarkId::new("completion of a value", n), &at, |b, &o| b.iter(|| a.completions(o)));
    }
}

/// 200 services whose build folders do not exist, in a real folder: the build checks' cost per
/// keystroke (`Repo` answers from its cache) next to the same manifest's diagnostics without them.
fn build(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("convox-lsp-bench-build-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("convox.yml");
    let text: String = std::iter::once("services:\n".to_string())
        .chain((0..200).map(|i| format!("  svc{i}:\n    build: ./svc{i}\n    port: 3000\n")))
        .collect();
    let mut repo = convox_lsp::repo::Repo::default();
    let mut g = c.benchmark_group("build");
    g.bench_function("diagnostics without build checks, 200 services", |b| {
        b.iter(|| Analysis::from_text(black_box(&text)).diagnostics())
    });
    g.bench_function("diagnostics with build checks (cache warm), 200 missing folders", |b| {
        b.iter(|| {
            let a = Analysis::from_text(black_box(&text));
            let facts = repo.facts(&path, &a);
            a.diagnostics_with(&facts)
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_millis(500)).measurement_time(std::time::Duration::from_secs(2));
    targets = parse, model, requests, typing, build
}
criterion_main!(benches);
