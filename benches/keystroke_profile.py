#!/usr/bin/env python3
"""Where a keystroke's time goes, counted in instructions (deterministic on a loaded machine).

Runs the server under valgrind's callgrind, drives it over stdio as an editor does (the
manifest and repository of the keystroke benchmark: services with build, port, environment,
health, resources and scale, every build context with its Dockerfile) and dumps the counters
after each phase:

  1  start, initialize and open -> first diagnostics
  2  K keystrokes, each one character typed in a value -> diagnostics for that version
  3  K broken lines (a key typed without its colon) -> diagnostics, each undone
  4  H hovers and H completions

Prints each phase's instruction count (per keystroke for 2 and 3) and, with --top N, the N
functions with the largest inclusive cost in each phase (callgrind_annotate).

Usage: keystroke_profile.py [--lines 5000] [--keys 5] [--top 25] [BINARY]
Needs valgrind (`apt-get install valgrind`); a release build with line tables gives readable
names: CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release.
"""
import argparse, os, subprocess, sys, time


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keystroke import Server, manifest, repository  # noqa: E402  (the same manifest, repository and client)


def dump(pid, out_dir, name):
    # Settle: callgrind answers between basic blocks; give the server's last message time to go out.
    time.sleep(0.5)
    subprocess.run(["callgrind_control", "--dump=" + name, str(pid)], check=True, stdout=subprocess.DEVNULL)


def change(s, uri, version, line, start, end, text):
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
        {"range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}},
         "text": text}]})


def drive(cmd, services, keys, requests, out_dir):
    text, hovers, blanks, values = manifest(services)
    repo = repository(services, text)
    path = os.path.join(repo, "convox.yml")
    uri = "file://" + path
    s = Server(cmd, repo)
    pid = s.p.pid
    s.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + repo,
                             "workspaceFolders": [{"uri": "file://" + repo, "name": "repo"}],
                             "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": True},
                                                               "hover": {"contentFormat": ["markdown"]}}}})
    s.notify("initialized", {})
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
    s.wait_diags(uri, 1, 0, timeout=600)
    dump(pid, out_dir, "open")
    version = 1
    mid = values[len(values) // 2]
    col = len(text.split("\n")[mid])
    for _ in range(keys):
        version += 1
        change(s, uri, version, mid, col, col, "x")
        s.wait_diags(uri, version, 0, timeout=600)
        col += 1
    dump(pid, out_dir, "keystroke")
    blank = blanks[len(blanks) // 2][0]
    for _ in range(keys):
        version += 1
        change(s, uri, version, blank, 4, 4, "comm")
        s.wait_diags(uri, version, 0, timeout=600)
        version += 1
        change(s, uri, version, blank, 4, 8, "")
        s.wait_diags(uri, version, 0, timeout=600)
    dump(pid, out_dir, "broken")
    doc = {"textDocument": {"uri": uri}}
    for l, c in hovers[::max(1, len(hovers) // requests)][:requests]:
        s.request("textDocument/hover", dict(doc, position={"line": l, "character": c}))
    for l, c in blanks[::max(1, len(blanks) // requests)][:requests]:
        s.request("textDocument/completion", dict(doc, position={"line": l, "character": c}))
    dump(pid, out_dir, "requests")
    s.request("shutdown", None, timeout=600)
    s.notify("exit", None)
    s.p.wait(timeout=600)
    return text.count("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--keys", type=int, default=5)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--out", default="target/callgrind")
    ap.add_argument("binary", nargs="?", default="target/release/convox-lsp")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    out_dir = os.path.abspath(a.out)
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        if f.startswith("callgrind.out"):
            os.remove(os.path.join(out_dir, f))
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + os.path.join(out_dir, "callgrind.out.%p"), binary]
    lines = drive(cmd, max(1, a.lines // 24), a.keys, a.requests, out_dir)
    dumps = sorted(f for f in os.listdir(out_dir) if f.startswith("callgrind.out"))
    print(f"{lines} lines, {a.keys} keystrokes, {a.keys} broken lines (each undone), {a.requests} hovers and completions")
    per = {"open": 1, "keystroke": a.keys, "broken": 2 * a.keys, "requests": 2 * a.requests}
    for f in dumps:
        full = os.path.join(out_dir, f)
        head = open(full, errors="replace").read(4096)
        name = next((l.split(":", 1)[1].strip().split()[-1] for l in head.splitlines() if l.startswith("cmd:") or l.startswith("desc: Trigger")), f)
        trigger = next((l for l in head.splitlines() if l.startswith("desc: Trigger")), "")
        phase = next((p for p in per if p in trigger), None)
        total = next((int(l.split()[-1]) for l in head.splitlines() if l.startswith("summary:")), None)
        if total is None:
            ann = subprocess.run(["callgrind_annotate", full], capture_output=True, text=True).stdout
            total = next((int(l.split()[0].replace(",", "")) for l in ann.splitlines() if "PROGRAM TOTALS" in l), 0)
        label = phase or "rest"
        n = per.get(phase, 1)
        print(f"  {label:10s} {total / 1e6:10.1f} M instructions ({total / n / 1e6:.2f} M per event)   {f}")
        if a.top and phase:
            ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", full],
                                 capture_output=True, text=True).stdout.splitlines()
            rows = [l for l in ann if l.strip() and l.strip()[0].isdigit() and "(" in l][:a.top]
            for r in rows:
                print("      " + r[:160])


if __name__ == "__main__":
    main()
