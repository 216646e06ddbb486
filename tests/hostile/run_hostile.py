#!/usr/bin/env python3
"""Run stekwatch on every hostile case and check it against expected.tsv.

usage: run_hostile.py STEKWATCH WORK_DIR [--sanitized] [CASE...]

Each case is generated into WORK_DIR by gen_hostile.py (nothing binary is
committed), then run as `stekwatch --format json -r FILE` with a time limit
proportional to the file's size. Checks: the exit status; the anomaly
counts in the JSON report; the one line on stderr, if any; chosen totals;
the child's peak resident memory (getrusage) under the case's cap. Prints
one line per case with its time and peak memory; exits 1 when any failed.
"""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_hostile  # noqa: E402


def load_expected():
    rows = []
    with open(os.path.join(HERE, "expected.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, code, anomalies, totals, mem, err = \
                line.rstrip("\n").split("\t")
            rows.append((name, int(code), anomalies, totals, int(mem), err))
    return rows


def parse_pairs(text):
    if text == "-":
        return {}
    return {k: int(v) for k, v in (p.split("=") for p in text.split(","))}


def run_case(sw, path, limit):
    """(exit status, stdout, stderr, seconds, peak KiB) of one run; a run
    past limit seconds is killed."""
    t0 = time.monotonic()
    with open(path + ".out", "wb") as out, open(path + ".err", "wb") as err:
        p = subprocess.Popen([sw, "--format", "json", "-r", path],
                             stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - t0 > limit:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.005)
    secs = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code  # reaped here, not by Popen
    with open(path + ".out") as f:
        out = f.read()
    with open(path + ".err") as f:
        errtext = f.read()
    return code, out, errtext, secs, ru.ru_maxrss


def check(sw, work, row, sanitized):
    name, want_code, want_an, want_tot, mem, want_err = row
    path = gen_hostile.make(work, name)
    mb = os.path.getsize(path) / 1e6
    limit = 10 + mb * (5 if sanitized else 2)
    cap_kib = mem * 1024 * (4 if sanitized else 1)
    code, out, err, secs, peak = run_case(sw, path, limit)
    problems = []
    if secs >= limit:
        problems.append("took over %.0f s" % limit)
    if code != want_code:
        problems.append("exit %d, want %d" % (code, want_code))
    if peak > cap_kib:
        problems.append("peak %d KiB over the cap %d KiB" % (peak, cap_kib))
    lines = [ln for ln in err.splitlines() if ln]
    report = None
    if out.strip():
        try:
            report = json.loads(out)
        except ValueError:
            problems.append("stdout is not JSON")
    if want_err == "-":
        if lines:
            problems.append("unexpected stderr %r" % lines)
    elif len(lines) != 1 or not re.search(want_err, lines[0]):
        problems.append("stderr %r, want one line matching %r" %
                        (lines, want_err))
    if report is None:
        if want_code == 0 or want_an != "-":
            problems.append("no report")
    elif report["totals"]["anomalies"] != parse_pairs(want_an):
        problems.append("anomalies %s, want %s" %
                        (report["totals"]["anomalies"], parse_pairs(want_an)))
    for key, value in parse_pairs(want_tot).items():
        got = None
        if report:
            got = report["totals"].get(key, report["capture"].get(key))
        if got != value:
            problems.append("%s %s, want %s" % (key, got, value))
    print("%-22s %s %7.2f s %8d KiB %s" % (
        name, "FAIL" if problems else "ok  ", secs, peak,
        "; ".join(problems)))
    for suffix in (".out", ".err"):
        os.remove(path + suffix)
    if mb > 10:
        os.remove(path)  # the floods: tens of MB each
    return not problems


def main():
    args = sys.argv[1:]
    sanitized = "--sanitized" in args
    args = [a for a in args if a != "--sanitized"]
    sw, work = args[0], args[1]
    only = set(args[2:])
    os.makedirs(work, exist_ok=True)
    rows = [r for r in load_expected() if not only or r[0] in only]
    known = {r[0] for r in load_expected()}
    missing = set(gen_hostile.CASES) - known
    ok = all([check(sw, work, r, sanitized) for r in rows])
    if missing:
        print("cases without an expected row: %s" % ", ".join(sorted(missing)))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
