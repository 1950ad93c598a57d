#!/usr/bin/env python3
"""The keystroke figures of issue 23, for convox-lsp and yaml-language-server side by side.

Drives each server over stdio as an editor does, on the keystroke benchmark's manifest (services
with build, port, command, environment, health, resources and scale; every build context has its
Dockerfile, in a generated repository) and prints, per server (median of --runs):

  initialize      spawn -> `initialize` reply
  open            `didOpen` -> the first diagnostics
  null p95        200 requests of a method the server does not know: the round trip itself
  hover p95       200 hovers at varied keys (and the ratio to null)
  completion p95  200 completions on blank lines in services (and the ratio to null)
  keystroke       one character typed in a value -> diagnostics for that version (median of 30)
  broken          a line typed without its colon -> diagnostics for that version (median of 30)
  peak RSS        VmHWM of the server's process tree at the end

Usage:
  keystroke.py [--lines 5000] [--runs 3] [--servers convox-lsp,yaml-language-server]
               [--binary target/release/convox-lsp] [--json FILE]

yaml-language-server (the version pinned in YLS_VERSION) is installed from npm into
target/bench-node on first use and given convox-lsp's JSON Schema (`schemas/convox.schema.json`)
for convox.yml. A server that publishes diagnostics without a version (yaml-language-server) is
timed to its first diagnostics after the change. No figure is asserted: this measures.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, threading, time, queue

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_DIR = os.path.join(ROOT, "target", "bench-node")
SCHEMA = os.path.join(ROOT, "schemas", "convox.schema.json")
YLS_VERSION = "1.25.0"


def manifest(services):
    """The manifest of the keystroke benchmark (24 lines per service), with the hover positions,
    the blank lines completion is asked on and the lines of a value typing goes to."""
    lines = ["environment:", "  - GLOBAL_A=1", "  - GLOBAL_B", "resources:",
             "  database:", "    type: postgres", "  cache:", "    type: redis", "services:"]
    hovers, blanks, values = [], [], []
    for i in range(services):
        lines.append(f"  svc{i:04d}:")
        hovers.append((len(lines) - 1, 3))
        lines.append(f"    build: ./svc/svc{i:04d}")
        lines.append(f"    port: {3000 + i}")
        hovers.append((len(lines) - 1, 5))
        lines.append(f"    command: bin/start --worker {i}")
        lines.append("    environment:")
        for k in range(4):
            lines.append(f"      - SVC{i}_VAR{k}=value{k}")
        lines += ["    health:", "      path: /health"]
        values.append(len(lines) - 1)
        lines += ["      interval: 5", "      timeout: 3", "    resources:", "      - database", "      - cache",
                  "    scale:", "      count: 2-4", "      cpu: 256", "      memory: 512", "      targets:",
                  "        cpu: 70"]
        hovers.append((len(lines) - 2, 9))
        lines.append("    ")
        blanks.append((len(lines) - 1, 4))
    return "\n".join(lines) + "\n", hovers, blanks, values


def repository(services, text):
    """A repository holding the manifest and every build context's Dockerfile."""
    repo = tempfile.mkdtemp(prefix="keystroke-")
    for i in range(services):
        os.makedirs(os.path.join(repo, "svc", f"svc{i:04d}"))
        with open(os.path.join(repo, "svc", f"svc{i:04d}", "Dockerfile"), "w") as f:
            f.write("FROM scratch\n")
    with open(os.path.join(repo, "convox.yml"), "w") as f:
        f.write(text)
    return repo


def read_frame(out):
    """The next message of an LSP stream (`Content-Length` framing), `None` at its end."""
    length = None
    while True:
        line = out.readline()
        if not line:
            return None
        if not line.strip():
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(out.read(length))


class Server:
    def __init__(self, cmd, cwd, settings=None):
        self.p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.settings = settings or {}
        self.next_id = 0
        self.responses = {}
        self.diags = queue.Queue()
        self.cond = threading.Condition()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            msg = read_frame(self.p.stdout)
            if msg is None:
                return
            if "id" in msg and "method" in msg:  # a request from the server: answer it
                result = None
                if msg["method"] == "workspace/configuration":
                    result = [self.settings.get((i.get("section") or "").split(".")[0])
                              for i in msg["params"]["items"]]
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            elif "id" in msg:
                with self.cond:
                    self.responses[msg["id"]] = (time.perf_counter(), msg)
                    self.cond.notify_all()
            elif msg.get("method") == "textDocument/publishDiagnostics":
                self.diags.put((time.perf_counter(), msg["params"]))

    def _send(self, msg):
        body = json.dumps(msg).encode()
        with self.lock:
            self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.p.stdin.flush()

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=120):
        self.next_id += 1
        rid = self.next_id
        t0 = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self.cond:
            while rid not in self.responses:
                if not self.cond.wait(timeout):
                    raise TimeoutError(method)
            t1, msg = self.responses.pop(rid)
        return (t1 - t0) * 1000, msg

    def wait_diags(self, uri, version, t0, timeout=120):
        end = time.perf_counter() + timeout
        while True:
            t, params = self.diags.get(timeout=max(0.01, end - time.perf_counter()))
            if params["uri"] == uri and params.get("version", version) == version:
                return (t - t0) * 1000

    def drain(self):
        while not self.diags.empty():
            self.diags.get_nowait()

    def peak_rss_mb(self):
        """VmHWM of the process and its children (yaml-language-server runs under node)."""
        total = 0
        for pid in [self.p.pid] + children(self.p.pid):
            try:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def close(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()


def children(pid):
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    except OSError:
        return []
    kids = [int(x) for x in out.split()]
    return kids + [g for k in kids for g in children(k)]


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def change(s, uri, version, line, start, end, text):
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
        {"range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}},
         "text": text}]})


def one_run(cmd, settings, services):
    text, hovers, blanks, values = manifest(services)
    repo = repository(services, text)
    uri = "file://" + os.path.join(repo, "convox.yml")
    t0 = time.perf_counter()
    s = Server(cmd, repo, settings)
    try:
        s.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + repo,
                                 "workspaceFolders": [{"uri": "file://" + repo, "name": "repo"}],
                                 "capabilities": {"workspace": {"configuration": True},
                                                  "textDocument": {"publishDiagnostics": {"versionSupport": True},
                                                                   "hover": {"contentFormat": ["markdown", "plaintext"]}}}})
        initialize_ms = (time.perf_counter() - t0) * 1000
        s.notify("initialized", {})
        if settings:
            s.notify("workspace/didChangeConfiguration", {"settings": settings})
        t0 = time.perf_counter()
        s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        open_ms = s.wait_diags(uri, 1, t0)
        time.sleep(0.5)
        s.drain()
        doc = {"textDocument": {"uri": uri}}
        null = [s.request("convox/noSuchMethod", {})[0] for _ in range(200)]
        step = max(1, len(hovers) // 200)
        hover = [s.request("textDocument/hover", dict(doc, position={"line": l, "character": c}))[0]
                 for l, c in (hovers * 2)[::step][:200]]
        step = max(1, len(blanks) // 200)
        completion = [s.request("textDocument/completion", dict(doc, position={"line": l, "character": c}))[0]
                      for l, c in (blanks * 200)[::step][:200]]
        version, valid, broken = 1, [], []
        mid = values[len(values) // 2]
        col = len(text.split("\n")[mid])
        for _ in range(30):
            version += 1
            t0 = time.perf_counter()
            change(s, uri, version, mid, col, col, "x")
            valid.append(s.wait_diags(uri, version, t0))
            col += 1
        blank = blanks[len(blanks) // 2][0]
        for _ in range(30):
            version += 1
            t0 = time.perf_counter()
            change(s, uri, version, blank, 4, 4, "comm")
            broken.append(s.wait_diags(uri, version, t0))
            version += 1
            change(s, uri, version, blank, 4, 8, "")
            s.wait_diags(uri, version, time.perf_counter())
        return {"lines": text.count("\n"), "initialize_ms": initialize_ms, "open_ms": open_ms,
                "null_p95": p95(null), "hover_p95": p95(hover), "completion_p95": p95(completion),
                "keystroke_ms": statistics.median(valid), "broken_ms": statistics.median(broken),
                "rss_mb": s.peak_rss_mb()}
    finally:
        s.close()


def servers(binary, wanted):
    out = []
    if "convox-lsp" in wanted:
        out.append(("convox-lsp", [binary], {}))
    if "yaml-language-server" in wanted:
        yls = os.path.join(NODE_DIR, "node_modules", ".bin", "yaml-language-server")
        if not os.path.exists(yls):
            subprocess.run(["npm", "install", "--silent", "--prefix", NODE_DIR,
                            f"yaml-language-server@{YLS_VERSION}"], check=True)
        settings = {"yaml": {"schemas": {SCHEMA: ["convox.yml"]}, "validate": True, "hover": True,
                             "completion": True}}
        out.append(("yaml-language-server", [yls, "--stdio"], settings))
    return out


FIGURES = [("initialize_ms", "initialize", "ms"), ("open_ms", "open -> diagnostics", "ms"),
           ("null_p95", "null round trip p95", "ms"), ("hover_p95", "hover p95", "ms"),
           ("completion_p95", "completion p95", "ms"), ("keystroke_ms", "keystroke -> diagnostics", "ms"),
           ("broken_ms", "broken line -> diagnostics", "ms"), ("rss_mb", "peak RSS", "MB")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--servers", default="convox-lsp,yaml-language-server")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "convox-lsp"))
    ap.add_argument("--json", help="write the medians of each server as JSON to this file")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    if "convox-lsp" in a.servers and not os.path.exists(binary):
        sys.exit(f"no server at {binary}: build it first (cargo build --release)")
    services = max(1, a.lines // 24)
    chosen = servers(binary, a.servers.split(","))
    runs = {name: [] for name, _, _ in chosen}
    for _ in range(a.runs):
        for name, cmd, settings in chosen:  # alternating
            runs[name].append(one_run(cmd, settings, services))
    med = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in runs.items()}
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"runs": runs, "medians": med}, f, indent=1)
    names = list(med)
    lines = int(med[names[0]]["lines"])
    print(f"{lines} lines, median of {a.runs} runs")
    print(f"| figure | {' | '.join(names)} |" + (" ratio |" if len(names) == 2 else ""))
    print("| --- |" + " ---: |" * (len(names) + (len(names) == 2)))
    for key, label, unit in FIGURES:
        row = [f"{med[n][key]:.2f} {unit}" for n in names]
        extra = ""
        if len(names) == 2 and med[names[0]][key]:
            extra = f" {med[names[1]][key] / med[names[0]][key]:.1f}x |"
        print(f"| {label} | {' | '.join(row)} |{extra}")
    for n in names:
        null = med[n]["null_p95"]
        print(f"{n}: hover {med[n]['hover_p95'] / null:.1f}x null, completion {med[n]['completion_p95'] / null:.1f}x null, "
              f"broken {med[n]['broken_ms'] / med[n]['keystroke_ms']:.1f}x a keystroke")


if __name__ == "__main__":
    main()
