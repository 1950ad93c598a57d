//! What the benchmarks share: the generated manifests, the same as `benches/lsp_bench.py` writes
//! (services with build, port, environment, health, scale and resources; every 10th service has an
//! unknown key `resorces`, one known warning each).

/// A manifest of about `lines` lines.
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
