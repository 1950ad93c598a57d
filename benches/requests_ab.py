#!/usr/bin/env python3
"""Hover, completion and a null request, side by side for two or more builds of convox-lsp.

bench.py's p95s come from one set of 200 requests per server start and vary by up to 2x from run
to run on a shared machine. This driver starts each binary --starts times, alternating, and in each
start measures --rounds rounds of 200 requests of each kind (after one hover, which builds the
objects of the version), on the keystroke benchmark's manifest (4,793 lines). It prints the median
over all rounds of each round's p50 and p95, and the p95 ratios to the null round trip.

Usage: requests_ab.py [--starts 3] [--rounds 5] BINARY [BINARY...]
"""
import argparse, os, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keystroke import Server, manifest, p95, repository  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--starts", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    services = 199
    text, hovers, blanks, _ = manifest(services)
    repo = repository(services, text)
    uri = "file://" + os.path.join(repo, "convox.yml")
    doc = {"textDocument": {"uri": uri}}
    hs = (hovers * 2)[:: max(1, len(hovers) // 200)][:200]
    cs = (blanks * 200)[:: max(1, len(blanks) // 200)][:200]
    kinds = {
        "null": lambda: [("convox/noSuchMethod", {})] * 200,
        "hover": lambda: [("textDocument/hover", dict(doc, position={"line": l, "character": c})) for l, c in hs],
        "completion": lambda: [("textDocument/completion", dict(doc, position={"line": l, "character": c})) for l, c in cs],
    }
    results = {b: {k: ([], []) for k in kinds} for b in a.binaries}
    for _ in range(a.starts):
        for binary in a.binaries:
            s = Server([os.path.abspath(binary)], repo)
            try:
                s.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + repo,
                                         "workspaceFolders": [{"uri": "file://" + repo, "name": "repo"}],
                                         "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": True},
                                                                           "hover": {"contentFormat": ["markdown", "plaintext"]}}}})
                s.notify("initialized", {})
                s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
                s.wait_diags(uri, 1, time.perf_counter())
                s.request(*kinds["hover"]()[0])
                for _ in range(a.rounds):
                    for kind, requests in kinds.items():
                        times = [s.request(m, p)[0] for m, p in requests()]
                        results[binary][kind][0].append(statistics.median(times))
                        results[binary][kind][1].append(p95(times))
            finally:
                s.close()
    for binary, r in results.items():
        med = {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in r.items()}
        print(binary)
        for k, (p50, p) in med.items():
            ratio = "" if k == "null" else f"   p95 {p / med['null'][1]:.2f}x null"
            print(f"  {k:<10} p50 {p50:6.3f} ms   p95 {p:6.3f} ms{ratio}")


if __name__ == "__main__":
    main()
