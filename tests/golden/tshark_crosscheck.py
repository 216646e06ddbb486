#!/usr/bin/env python3
"""tshark_crosscheck.py - each key's figures in stekwatch's report equal
what tshark reads from the same capture.

For every capture in pcaps/, pcaps/gen/tshark-facts.sh reads the tickets
with tshark alone (NewSessionTicket, the ClientHello's session_ticket
extension and PSK identities, the ServerHello's decision; see the comment
at its top for how each fact is read) and prints per key name: tickets
issued, offered, accepted, rejected, the time in use and the oldest ticket
accepted. This test runs stekwatch --format json on the same capture and
compares every one of those figures, key by key; times to the microsecond.

This is how the golden reports in expected/ were checked once by hand; the
test keeps checking it. Skipped (77) when tshark is not installed.

usage: tshark_crosscheck.py STEKWATCH SRCDIR
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys


def tshark_keys(srcdir, capture):
    out = subprocess.run(
        ["bash", os.path.join(srcdir, "pcaps/gen/tshark-facts.sh"), capture],
        capture_output=True, text=True, check=True).stdout
    keys, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]{32})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", line)
        if m:
            keys[m.group(1)] = dict(zip(
                ("issued", "offered", "accepted", "rejected"),
                map(int, m.group(2, 3, 4, 5))))
            continue
        if re.match(r"^[0-9a-f]{32}$", line):
            cur = keys[line]
            continue
        m = re.match(r"^\s+in use ([0-9.]+)", line)
        if m and cur is not None:
            cur["in_use"] = float(m.group(1))
        m = re.match(r"^\s+max accepted ticket age .*\) (\S+)$", line)
        if m and cur is not None:
            cur["max_accepted_ticket_age"] = (
                None if m.group(1) == "-" else float(m.group(1)))
    return keys


def stekwatch_keys(stekwatch, capture):
    proc = subprocess.run([stekwatch, "--format", "json", "-r", capture],
                          capture_output=True, text=True)
    doc = json.loads(proc.stdout)
    return {k["key_name"]: k for k in doc["keys"]}


def main():
    stekwatch, srcdir = sys.argv[1], sys.argv[2]
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    passed = failed = 0
    for capture in sorted(glob.glob(os.path.join(srcdir, "pcaps/*.pcap"))):
        want = tshark_keys(srcdir, capture)
        got = stekwatch_keys(stekwatch, capture)
        name = os.path.basename(capture)
        if sorted(want) != sorted(got):
            print("FAIL %s: key names %s, tshark %s"
                  % (name, sorted(got), sorted(want)))
            failed += 1
            continue
        for key, facts in sorted(want.items()):
            for field, value in sorted(facts.items()):
                mine = got[key][field]
                if isinstance(value, float) and mine is not None:
                    ok = abs(mine - value) < 1e-6
                else:
                    ok = mine == value
                if ok:
                    passed += 1
                else:
                    print("FAIL %s %s %s: stekwatch %s, tshark %s"
                          % (name, key, field, mine, value))
                    failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
