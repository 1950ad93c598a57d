#!/usr/bin/env python3
"""Hover on a small document while a 25,000-line document receives a burst of edits.

Drives each server over stdio as an editor does: opens a small manifest and measures 200 hovers on
it (idle p95); opens a 25,000-line manifest and, while a second thread types into it (one character
every 5 ms, each edit a new version the server must analyse), measures 200 more hovers on the small
document (busy p95). A server whose requests wait behind one lock answers the busy hovers only
between two analyses of the big document; one whose requests take a snapshot and work outside the
lock answers them as if idle.

    python3 benches/concurrent_hover.py [--lines 25000] [--runs 3] BINARY [BINARY...]

Default binary: target/release/convox-lsp. Prints idle p95, busy p95 and their ratio per binary
(medians over the runs). No figure is asserted: this measures.
"""
import argparse, os, statistics, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keystroke  # noqa: E402  (the LSP client shared by the benches)
from keystroke import read_frame  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = "file:///tmp/convox-lsp-bench/small/convox.yml"
BIG = "file:///tmp/convox-lsp-bench/big/convox.yml"
SMALL_TEXT = "services:\n  web:\n    image: nginx\n    port: 3000\n    scale:\n      count: 2\n"


def big_manifest(lines):
    out = ["services:"]
    i = 0
    while len(out) < lines - 1:
        out += [f"  svc{i}:", "    image: nginx", f"    port: {3000 + i % 1000}", "    environment:",
                f"      - A{i}=1", "    scale:", "      count: 2", f"    command: run {i}"]
        i += 1
    return "\n".join(out) + "\n"


class Server(keystroke.Server):
    """The keystroke benchmark's client (its `_send` and `notify`), waiting on published versions."""

    def __init__(self, binary):  # noqa: the base's reader is not started: this one is
        self.p = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.lock = threading.Lock()
        self.cond = threading.Condition()
        self.responses, self.published, self.next_id = {}, {}, 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            msg = read_frame(self.p.stdout)
            if msg is None:
                return
            with self.cond:
                if "id" in msg and "method" in msg:
                    self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                elif "id" in msg:
                    self.responses[msg["id"]] = (time.perf_counter(), msg)
                elif msg.get("method") == "textDocument/publishDiagnostics":
                    self.published[msg["params"]["uri"]] = msg["params"].get("version")
                self.cond.notify_all()

    def request(self, method, params, timeout=60):
        with self.cond:
            self.next_id += 1
            rid = self.next_id
        t0 = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self.cond:
            if not self.cond.wait_for(lambda: rid in self.responses, timeout):
                raise TimeoutError(method)
            t1, _ = self.responses.pop(rid)
        return (t1 - t0) * 1000

    def open(self, uri, text):
        self.notify("textDocument/didOpen",
                    {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        with self.cond:
            self.cond.wait_for(lambda: self.published.get(uri) == 1, 120)

    def close(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()


def hovers(server, n=200):
    times = [server.request("textDocument/hover",
                            {"textDocument": {"uri": SMALL}, "position": {"line": 1 + i % 5, "character": 4}})
             for i in range(n)]
    return statistics.quantiles(times, n=20)[18]


def run(binary, lines):
    s = Server(binary)
    s.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    s.notify("initialized", {})
    s.open(SMALL, SMALL_TEXT)
    idle = hovers(s)
    s.open(BIG, big_manifest(lines))
    stop = threading.Event()

    def type_into_big():
        version = 1
        while not stop.is_set():
            version += 1
            change = {"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 4}},
                      "text": "x"}
            s.notify("textDocument/didChange",
                     {"textDocument": {"uri": BIG, "version": version}, "contentChanges": [change]})
            time.sleep(0.005)

    typist = threading.Thread(target=type_into_big)
    typist.start()
    time.sleep(0.2)
    busy = hovers(s)
    stop.set()
    typist.join()
    s.close()
    return idle, busy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=25000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("binaries", nargs="*", default=[os.path.join(ROOT, "target", "release", "convox-lsp")])
    args = ap.parse_args()
    print(f"hover p95 on a small document, idle and while a {args.lines:,}-line document is typed into "
          f"(median of {args.runs} runs)")
    print(f"{'binary':50} {'idle p95':>10} {'busy p95':>10} {'ratio':>7}")
    for binary in args.binaries:
        results = [run(binary, args.lines) for _ in range(args.runs)]
        idle = statistics.median(r[0] for r in results)
        busy = statistics.median(r[1] for r in results)
        print(f"{binary:50} {idle:9.2f}ms {busy:9.2f}ms {busy / idle:6.1f}x")


if __name__ == "__main__":
    main()
