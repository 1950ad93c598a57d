#!/usr/bin/env python3
"""Side-by-side benchmark: convox-lsp and yaml-language-server (with convox-lsp's JSON Schema),
driven over stdio as an editor would, on generated manifests of about 50, 5,000 and 25,000 lines.

    python3 benches/lsp_bench.py [--sizes 50,5000,25000] [--runs 1] [--json target/bench.json]
                                 [--servers convox-lsp,yaml-language-server]

With --runs N every figure is the median of N runs (servers alternate within each run).

Per server and size: spawn -> `initialize` reply; `didOpen` -> first diagnostics; one character
typed in a value -> diagnostics; a burst of 50 one-character edits 10 ms apart -> diagnostics for
the final version (and none for an older version after it); an edit that breaks the YAML (a key
typed without its colon) and the one that mends it; 200 hovers and 200 completions (median, p95,
max); CPU time; peak RSS (VmHWM) before the broken edit and at the end; `shutdown` reply right after 50 edits sent back to back.

Installs yaml-language-server from npm into target/bench-node if it is not there; uses
target/release/convox-lsp (build it with `cargo build --release`). Prints a table of both servers
and the ratio per figure, and writes the results as JSON. No figure is asserted: this measures.
"""
import argparse, json, os, statistics, subprocess, sys, threading, time, queue

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_DIR = os.path.join(ROOT, "target", "bench-node")
SCHEMA = os.path.join(ROOT, "schemas", "convox.schema.json")


def manifest(lines):
    """Services with build, port, environment, health, scale and resources; every 10th service has
    an unknown key `resorces` (one known error each, for both servers)."""
    out = ["environment:", "  - GLOBAL=1", "resources:", "  database:", "    type: postgres", "services:"]
    i = 0
    errors = 0
    while len(out) < lines - 1:
        out += [f"  svc{i}:", "    build: .", f"    port: {3000 + i % 1000}", "    environment:",
                "      - FOO=bar", "    health:", "      path: /health", "      interval: 10", "    scale:",
                "      count: 1-3", "      memory: 512", "    resources:", "      - database"]
        if i % 10 == 0:
            out += ["    resorces: [database]"]
            errors += 1
        i += 1
    return "\n".join(out) + "\n", errors


class Server:
    def __init__(self, cmd, settings):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.settings = settings
        self.q = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        f = self.p.stdout
        while True:
            headers = {}
            while True:
                line = f.readline()
                if not line:
                    self.q.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, v = line.decode().split(":", 1)
                headers[k.lower()] = v.strip()
            body = f.read(int(headers["content-length"]))
            msg = json.loads(body)
            # Answer the server's own requests (configuration, registration, progress).
            if "method" in msg and "id" in msg:
                result = None
                if msg["method"] == "workspace/configuration":
                    result = [self.settings for _ in msg["params"]["items"]]
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
                continue
            self.q.put((time.perf_counter(), msg))

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def request(self, method, params):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        return i

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, pred, timeout=60):
        end = time.perf_counter() + timeout
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no answer")
            item = self.q.get(timeout=left)
            if item is None:
                raise EOFError("server exited")
            if pred(item[1]):
                return item

    def response(self, i):
        return self.wait(lambda m: m.get("id") == i)


def tree_pids(pid):
    """The process and its descendants, from /proc (no `ps`: forking every few milliseconds would
    load the machine being measured)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return pids


def peak_rss_kb(pids):
    """The sum of each process's peak resident memory (VmHWM, kept by the kernel: exact for one
    process, an upper bound for several)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_seconds(pids):
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return total


def diagnostics_for(srv, uri, version=None):
    def pred(m):
        return (m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
                and (version is None or m["params"].get("version") in (None, version)))
    return srv.wait(pred)


def change(srv, uri, version, line, col, text, end_col=None):
    srv.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
        {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col if end_col is None else end_col}},
         "text": text}]})


def run(name, cmd, settings, text, errors):
    uri = "file:///tmp/convox-bench/convox.yml"
    t0 = time.perf_counter()
    srv = Server(cmd, settings)
    r = {}
    i = srv.request("initialize", {"processId": os.getpid(), "rootUri": "file:///tmp/convox-bench", "capabilities": {
        "workspace": {"configuration": True},
        "textDocument": {"publishDiagnostics": {"versionSupport": True}, "hover": {"contentFormat": ["markdown"]},
                         "completion": {"completionItem": {"snippetSupport": True}}}},
        "initializationOptions": settings})
    t_init, _ = srv.response(i)
    r["initialize_ms"] = (t_init - t0) * 1000
    srv.notify("initialized", {})
    srv.notify("workspace/didChangeConfiguration", {"settings": {"yaml": settings}})
    t = time.perf_counter()
    srv.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
    t_d, msg = diagnostics_for(srv, uri, 1)
    r["open_to_diagnostics_ms"] = (t_d - t) * 1000
    r["diagnostics"] = len(msg["params"]["diagnostics"])
    lines = text.split("\n")
    # Typing in a value: the end of the `path: /health` line nearest the middle of the file.
    mid = min((n for n, l in enumerate(lines) if l.strip() == "path: /health"), key=lambda n: abs(n - len(lines) // 2))
    col = len(lines[mid])
    t = time.perf_counter()
    change(srv, uri, 2, mid, col, "x")
    t_d, _ = diagnostics_for(srv, uri, 2)
    r["change_to_diagnostics_ms"] = (t_d - t) * 1000
    # A burst of 50 one-character edits, 10 ms apart.
    version = 2
    for k in range(50):
        version += 1
        change(srv, uri, version, mid, col + 1 + k, "x")
        t = time.perf_counter()  # the last edit's send time
        if k < 49:
            time.sleep(0.01)
    t_d, _ = diagnostics_for(srv, uri, version)
    r["burst_final_diagnostics_ms"] = max(t_d - t, 0) * 1000
    # Peak memory so far: a valid file, opened and edited.
    r["peak_rss_valid_mb"] = peak_rss_kb(tree_pids(srv.p.pid)) / 1024
    # An edit that breaks the YAML (a key typed without its colon yet), then the one that mends it.
    version += 1
    t = time.perf_counter()
    change(srv, uri, version, mid + 1, 0, "      comm\n")
    t_d, msg = diagnostics_for(srv, uri, version)
    r["broken_change_to_diagnostics_ms"] = (t_d - t) * 1000
    r["broken_diagnostics"] = len(msg["params"]["diagnostics"])
    version += 1
    t = time.perf_counter()
    change(srv, uri, version, mid + 1, 10, ": x")
    t_d, _ = diagnostics_for(srv, uri, version)
    r["mended_change_to_diagnostics_ms"] = (t_d - t) * 1000
    # Nothing for an older version may follow the final one.
    time.sleep(0.2)
    stale = 0
    while True:
        try:
            item = srv.q.get_nowait()
        except queue.Empty:
            break
        if item and item[1].get("method") == "textDocument/publishDiagnostics" and item[1]["params"].get("version", version) < version:
            stale += 1
    r["stale_after_final"] = stale
    # Hovers and completions at varied positions.
    positions = [(ln, max(len(lines[ln]) - len(lines[ln].lstrip()), 0) + 1) for ln in range(6, len(lines) - 1, max(1, len(lines) // 200))][:200]
    for method, key in [("textDocument/hover", "hover"), ("textDocument/completion", "completion")]:
        times = []
        for ln, c in positions:
            t = time.perf_counter()
            i = srv.request(method, {"textDocument": {"uri": uri}, "position": {"line": ln, "character": c}})
            t_r, _ = srv.response(i)
            times.append((t_r - t) * 1000)
        times.sort()
        r[f"{key}_median_ms"] = statistics.median(times)
        r[f"{key}_p95_ms"] = times[int(len(times) * 0.95) - 1]
        r[f"{key}_max_ms"] = times[-1]
    pids = tree_pids(srv.p.pid)
    r["cpu_s"] = cpu_seconds(pids)
    r["peak_rss_mb"] = peak_rss_kb(pids) / 1024
    # `shutdown` right after a burst of 50 edits sent back to back.
    for k in range(50):
        version += 1
        change(srv, uri, version, mid, col, "y")
    t = time.perf_counter()
    i = srv.request("shutdown", None)
    t_s, _ = srv.response(i)
    r["shutdown_ms"] = (t_s - t) * 1000
    srv.notify("exit", None)
    try:
        srv.p.wait(5)
    except subprocess.TimeoutExpired:
        srv.p.kill()
    r["expected_errors"] = errors
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="50,5000,25000")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--json", default=os.path.join(ROOT, "target", "bench.json"))
    ap.add_argument("--servers", default="convox-lsp,yaml-language-server", help="which servers to run")
    args = ap.parse_args()
    wanted = args.servers.split(",")
    yls = os.path.join(NODE_DIR, "node_modules", ".bin", "yaml-language-server")
    if "yaml-language-server" in wanted and not os.path.exists(yls):
        subprocess.run(["npm", "install", "--silent", "--prefix", NODE_DIR, "yaml-language-server"], check=True)
    convox = os.path.join(ROOT, "target", "release", "convox-lsp")
    if not os.path.exists(convox):
        sys.exit("build first: cargo build --release")
    yaml_settings = {"schemas": {SCHEMA: ["convox.yml"]}, "validate": True, "hover": True, "completion": True}
    servers = [("convox-lsp", [convox], {}), ("yaml-language-server", [yls, "--stdio"], yaml_settings)]
    servers = [s for s in servers if s[0] in wanted]
    # One unmeasured start of each server first: the first start of a binary reads it from disk.
    for name, cmd, settings in servers:
        run(name, cmd, settings, *manifest(50))
    runs = []
    for size in [int(s) for s in args.sizes.split(",")]:
        text, errors = manifest(size)
        for _ in range(args.runs):
            for name, cmd, settings in servers:  # alternating
                r = run(name, cmd, settings, text, errors)
                r.update({"server": name, "lines": text.count("\n")})
                runs.append(r)
                print(f"{name} {r['lines']} lines: done", file=sys.stderr)
    # With several runs, each figure is the median of its runs.
    results = []
    for key in sorted({(r["server"], r["lines"]) for r in runs}):
        same = [r for r in runs if (r["server"], r["lines"]) == key]
        merged = {k: statistics.median([r[k] for r in same]) if isinstance(same[0][k], (int, float)) and k != "lines" else same[0][k]
                  for k in same[0]}
        merged["runs"] = len(same)
        results.append(merged)
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d"), "runs": runs, "medians": results}, f, indent=2)
    figures = ["initialize_ms", "open_to_diagnostics_ms", "change_to_diagnostics_ms", "burst_final_diagnostics_ms",
               "broken_change_to_diagnostics_ms", "mended_change_to_diagnostics_ms",
               "hover_median_ms", "hover_p95_ms", "hover_max_ms", "completion_median_ms", "completion_p95_ms",
               "completion_max_ms", "shutdown_ms", "peak_rss_valid_mb", "peak_rss_mb", "cpu_s", "diagnostics", "broken_diagnostics", "stale_after_final"]
    for size in sorted({r["lines"] for r in results}):
        rows = {r["server"]: r for r in results if r["lines"] == size}
        names = [n for n, _, _ in servers]
        head = " | ".join(names) + (" | ratio" if len(names) == 2 else "")
        print(f"\n{size} lines ({rows[names[0]]['runs']} run(s), medians)\n| figure | {head} |\n|" + " --- |" * (len(names) + 1 + (len(names) == 2)))
        for fig in figures:
            vals = [rows[n][fig] for n in names]
            cells = " | ".join(f"{v:.2f}" for v in vals)
            if len(vals) == 2:
                a, b = vals
                ratio = f"{b / a:.1f}x" if a and fig not in ("diagnostics", "broken_diagnostics", "stale_after_final") else "-"
                cells += f" | {ratio}"
            print(f"| {fig} | {cells} |")

if __name__ == "__main__":
    main()
