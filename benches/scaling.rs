//! Does any input cost more than linear time? Each shape that tempts quadratic behaviour (deep
//! flow collections, closed and unclosed; deep block nesting; thousands of services, resources,
//! timers, environment entries, anchors, aliases, `${VAR}`s, errors, ignore comments; long lines;
//! huge block scalars ...) is generated at a size, then at twice it, and so on, and run through
//! each entry point (parse + diagnostics, hover, completion, symbols, hints and lenses, explain,
//! render, fmt, troubleshoot). It prints the time per size and the growth ratio per doubling of
//! the text's bytes: about 2 is linear, about 4 quadratic. `cargo bench --bench scaling` (add words to keep only the
//! shapes or entry points whose names contain them: `-- flow explain`). The table in
//! docs/benchmarks.md comes from a run of this.

use std::hint::black_box;
use std::time::{Duration, Instant};

use convox_lsp::context::Context;
use convox_lsp::ide::format::{FormatOptions, format};
use convox_lsp::ide::{Analysis, HintConfig, troubleshoot};
use convox_lsp::text::TextRange;

/// A shape: its name, the first size and how a text of size `n` is written.
struct Shape {
    name: &'static str,
    first: usize,
    text: fn(usize) -> String,
}

fn lines(n: usize, f: impl Fn(usize) -> String) -> String {
    (0..n).map(|i| f(i) + "\n").collect()
}

fn service(i: usize) -> String {
    format!("  s{i}:\n    build: .\n    port: {}\n    environment:\n      - A{i}=1\n", 3000 + i % 1000)
}

const SHAPES: &[Shape] = &[
    Shape { name: "unclosed flow `{a: [` x n", first: 1250, text: |n| format!("services: {}", "{a: [".repeat(n)) },
    Shape {
        name: "closed flow `{a: [` x n `]}` x n",
        first: 1250,
        text: |n| format!("services: {}{}\n", "{a: [".repeat(n), "]}".repeat(n)),
    },
    Shape { name: "unclosed flow list `[` x n", first: 2500, text: |n| format!("services:\n  web: {}", "[".repeat(n)) },
    Shape {
        name: "deep block maps (n levels)",
        first: 250,
        text: |n| "services:\n".to_string() + &lines(n, |i| format!("{}k{i}:", " ".repeat(2 * (i + 1)))),
    },
    Shape {
        name: "deep block lists `- ` x n",
        first: 250,
        text: |n| format!("services:\n  web:\n    command: {}x\n", "- ".repeat(n)),
    },
    Shape {
        name: "services",
        first: 500,
        text: |n| "services:\n".to_string() + &(0..n).map(service).collect::<String>(),
    },
    Shape {
        name: "services referencing resources",
        first: 250,
        text: |n| {
            let res = lines(n, |i| format!("  r{i}:\n    type: postgres"));
            let svc = lines(n, |i| format!("  s{i}:\n    resources:\n      - r{i}\n      - missing{i}"));
            format!("resources:\n{res}services:\n{svc}")
        },
    },
    Shape {
        name: "timers",
        first: 500,
        text: |n| {
            "services:\n  web:\n    build: .\ntimers:\n".to_string()
                + &lines(n, |i| {
                    format!("  t{i}:\n    schedule: \"*/5 * * * *\"\n    command: run {i}\n    service: web")
                })
        },
    },
    Shape {
        name: "environment entries in a service",
        first: 1000,
        text: |n| "services:\n  web:\n    environment:\n".to_string() + &lines(n, |i| format!("      - VAR{i}=v")),
    },
    Shape {
        name: "duplicate keys in a map",
        first: 1000,
        text: |n| "services:\n  web:\n".to_string() + &lines(n, |_| "    port: 3000".into()),
    },
    Shape {
        name: "unknown keys (errors)",
        first: 1000,
        text: |n| "services:\n  web:\n".to_string() + &lines(n, |i| format!("    bogus{i}: 1")),
    },
    Shape {
        name: "unknown keys on one line",
        first: 1000,
        text: |n| {
            format!("services: {{web: {{{}}}}}\n", (0..n).map(|i| format!("b{i}: 1")).collect::<Vec<_>>().join(", "))
        },
    },
    Shape {
        name: "syntax errors (lines without a colon)",
        first: 250,
        text: |n| "services:\n".to_string() + &lines(n, |i| format!("  s{i}:\n    image: x\n    port")),
    },
    Shape {
        name: "long line",
        first: 25_000,
        text: |n| format!("services:\n  web:\n    command: {}\n", "x ".repeat(n)),
    },
    Shape {
        name: "long flow list",
        first: 5_000,
        text: |n| format!("services:\n  web:\n    command: [{}]\n", vec!["x"; n].join(", ")),
    },
    Shape {
        name: "anchors and aliases",
        first: 500,
        text: |n| {
            "x-base: &base\n  build: .\nservices:\n".to_string()
                + &lines(n, |i| format!("  s{i}: &s{i}\n    <<: *base\n    port: {}", 3000 + i % 1000))
        },
    },
    Shape {
        name: "aliases of one anchor",
        first: 1000,
        text: |n| "x-env: &e [A=1]\nservices:\n".to_string() + &lines(n, |i| format!("  s{i}:\n    environment: *e")),
    },
    Shape {
        name: "${VAR} interpolations",
        first: 1000,
        text: |n| {
            "services:\n  web:\n    environment:\n".to_string()
                + &lines(n, |i| format!("      - V{i}=${{A{i}}}-${{B}}"))
        },
    },
    Shape {
        name: "huge block scalar",
        first: 2500,
        text: |n| {
            "services:\n  web:\n    command: |\n".to_string() + &lines(n, |i| format!("      line {i} of the script"))
        },
    },
    Shape {
        name: "ignore comments",
        first: 500,
        text: |n| {
            "services:\n".to_string()
                + &lines(n, |i| format!("  # convox-lsp: ignore unknown-key\n  s{i}:\n    bogus: 1\n    image: x"))
        },
    },
    Shape {
        name: "comments",
        first: 2500,
        text: |n| "services:\n  web:\n".to_string() + &lines(n, |i| format!("    # comment {i}")) + "    image: x\n",
    },
    Shape {
        name: "multi-line quoted scalar",
        first: 2500,
        text: |n| {
            "services:\n  web:\n    command: \"".to_string() + &lines(n, |i| format!("      word{i}")) + "      \"\n"
        },
    },
    Shape {
        name: "documents `---`",
        first: 500,
        text: |n| lines(n, |i| format!("---\nservices:\n  s{i}:\n    image: x")),
    },
];

/// An entry point: its name and what it runs on a text.
type Entry = (&'static str, fn(&str));

fn ctx() -> Context {
    Context { rack: Some("acme".into()), app: Some("shop".into()), ..Context::default() }
}

/// Offsets a request is sent at: 16 spread over the text.
fn offsets(t: &str) -> impl Iterator<Item = usize> + '_ {
    (0..16).map(move |k| {
        let mut o = (t.len() * k / 16 + 1).min(t.len());
        while !t.is_char_boundary(o) {
            o -= 1;
        }
        o
    })
}

const ENTRIES: &[Entry] = &[
    ("parse+diagnostics", |t| {
        black_box(Analysis::from_text(t).diagnostics());
    }),
    ("hover x16", |t| {
        let a = Analysis::from_text(t);
        offsets(t).for_each(|o| drop(black_box(a.hover(o, &ctx()))));
    }),
    ("completion x16", |t| {
        let a = Analysis::from_text(t);
        offsets(t).for_each(|o| drop(black_box(a.completions(o))));
    }),
    ("symbols", |t| {
        black_box(Analysis::from_text(t).document_symbols());
    }),
    ("hints+lenses", |t| {
        let a = Analysis::from_text(t);
        let all = TextRange { start: 0, end: t.len() };
        black_box(a.inlay_hints(&ctx(), all, HintConfig { objects: true, defaults: true }));
        black_box(a.code_lenses(&ctx()));
    }),
    ("explain", |t| {
        black_box(Analysis::from_text(t).explain(&ctx()));
    }),
    ("render", |t| drop(black_box(Analysis::from_text(t).render(&ctx(), None)))),
    ("fmt", |t| drop(black_box(format(t, &FormatOptions::default())))),
    ("troubleshoot", |t| {
        let a = Analysis::from_text(t);
        for target in troubleshoot::targets(&a).iter().take(4) {
            drop(black_box(troubleshoot::ladder(&a, &ctx(), &target.name)));
        }
        drop(black_box(troubleshoot::ladder(&a, &ctx(), "none")));
    }),
];

/// The median time of `f` on `t`: repeated until 100 ms have passed (at least 3 times).
fn time(f: fn(&str), t: &str) -> Duration {
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 3 || (start.elapsed() < Duration::from_millis(100) && times.len() < 50) {
        let s = Instant::now();
        f(t);
        times.push(s.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

/// Sizes per shape and entry point: four doublings, fewer when a size takes more than a second.
const DOUBLINGS: u32 = 4;

fn main() {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let keep = |s: &str, e: &str| {
        filters.is_empty() || filters.iter().any(|f| s.contains(f.as_str()) || e.contains(f.as_str()))
    };
    println!("| shape | entry point | sizes | times (ms) | growth per doubling | last |");
    println!("| --- | --- | --- | --- | --- | ---: |");
    let mut worst_all: f64 = 0.0;
    for shape in SHAPES {
        for (entry, f) in ENTRIES {
            if !keep(shape.name, entry) {
                continue;
            }
            let (mut sizes, mut times) = (Vec::new(), Vec::new());
            for k in 0..DOUBLINGS {
                let n = shape.first << k;
                let t = (shape.text)(n);
                let d = time(*f, &t);
                sizes.push(t.len());
                times.push(d.as_secs_f64() * 1e3);
                if d > Duration::from_secs(1) {
                    break;
                }
            }
            // Time's growth against the text's (some shapes grow faster than their count: deep
            // block nesting indents each line further): 2 is linear, 4 quadratic.
            let ratios: Vec<f64> = (1..times.len())
                .map(|i| {
                    let bytes = sizes[i] as f64 / sizes[i - 1] as f64;
                    2f64.powf((times[i] / times[i - 1].max(1e-6)).ln() / bytes.ln())
                })
                .collect();
            // The last ratio is the one that counts (the first sizes are the noisiest).
            let worst = ratios.last().copied().unwrap_or(0.0);
            worst_all = worst_all.max(worst);
            let kb = |b: &usize| format!("{:.0}", *b as f64 / 1024.0);
            println!(
                "| {} | {entry} | {} KB | {} | {} | {worst:.1}{} |",
                shape.name,
                sizes.iter().map(kb).collect::<Vec<_>>().join(", "),
                times.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>().join(", "),
                ratios.iter().map(|r| format!("{r:.1}")).collect::<Vec<_>>().join(", "),
                if worst > 3.0 { " **superlinear**" } else { "" },
            );
        }
    }
    eprintln!("largest last growth ratio per doubling: {worst_all:.1}");
}
