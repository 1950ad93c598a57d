//! What the benchmarks share: the generated manifests.

/// A manifest of about `lines` lines: services with build, port, environment, health, scale and
/// resources, a few resources and timers.
pub fn manifest(lines: usize) -> String {
    let mut s = String::from(
        "environment:\n  - GLOBAL=1\n  - SECRET_KEY\nresources:\n  database:\n    type: postgres\n    options:\n      storage: 20\n  cache:\n    type: redis\nservices:\n",
    );
    let mut i = 0;
    let mut count = s.lines().count();
    while count < lines.saturating_sub(8) {
        s.push_str(&format!(
            "  svc{i}:\n    build: .\n    port: {}\n    environment:\n      - FOO=bar\n      - BAZ\n    health:\n      path: /health\n      interval: 10\n    scale:\n      count: 1-3\n      memory: 512\n    resources:\n      - database\n      - cache\n    command: bin/web --port $PORT\n",
            3000 + i
        ));
        count += 16;
        i += 1;
    }
    s.push_str("timers:\n  cleanup:\n    schedule: \"0 3 * * *\"\n    command: bin/cleanup\n    service: svc0\n");
    s
}
