#!/usr/bin/env python3
"""state_test.py - --state across runs.

usage: state_test.py STEKWATCH SRCDIR

1. Every capture in pcaps/, split in two between TCP streams (editcap),
   processed one half after the other with --state, gives the same JSON
   report, minus "capture", and the same exit status as the whole file.
2. A state that is not one, of another schema version, or with a corrupt
   key table is refused with one line and left byte for byte unchanged.
3. Runs killed with SIGKILL while checkpointing every second of packet
   time leave a state that loads, holding at least the handshakes before
   the last checkpoint.
Exit 77 (skipped) without tshark or editcap.
"""
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

SW, SRC = sys.argv[1], sys.argv[2]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


def run(args, stdin=None):
    p = subprocess.run([SW] + args, capture_output=True, text=True,
                       stdin=stdin)
    return p.returncode, p.stdout, p.stderr


def split_point(pcap):
    """The frame number closest to the middle before which every TCP stream
    has ended (no stream straddles), or None."""
    out = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e",
                          "tcp.stream"], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    n = len(out)
    last = {}
    for i, s in enumerate(out):
        last[s] = i
    best, seen_max = None, -1
    for k in range(1, n):
        seen_max = max(seen_max, last[out[k - 1]])
        if seen_max < k and (best is None or abs(k - n / 2) < abs(best - n / 2)):
            best = k
    return best, n


def without_capture(text):
    doc = json.loads(text)
    doc.pop("capture", None)
    return doc


def check_splits(tmp):
    pcaps = sorted(f for f in os.listdir(os.path.join(SRC, "pcaps"))
                   if f.endswith(".pcap"))
    for name in pcaps:
        pcap = os.path.join(SRC, "pcaps", name)
        k, n = split_point(pcap)
        if k is None:
            fail(f"{name}: no split point between streams")
            continue
        a, b = os.path.join(tmp, "a.pcap"), os.path.join(tmp, "b.pcap")
        subprocess.run(["editcap", "-r", pcap, a, f"1-{k}"], check=True)
        subprocess.run(["editcap", "-r", pcap, b, f"{k + 1}-{n}"], check=True)
        state = os.path.join(tmp, name + ".db")
        whole = run(["--format", "json", "-r", pcap])
        first = run(["--format", "json", "--state", state, "-r", a])
        second = run(["--format", "json", "--state", state, "-r", b])
        if first[0] not in (0, 3) or second[0] != whole[0]:
            fail(f"{name}: exit {first[0]}, {second[0]}, whole {whole[0]}: "
                 f"{first[2]}{second[2]}")
            continue
        if without_capture(second[1]) != without_capture(whole[1]):
            fail(f"{name}: split at frame {k} of {n} differs from the whole")
            continue
        # A third run over nothing new keeps the figures.
        again = run(["--format", "json", "--state", state, "-r", b])
        if without_capture(again[1])["keys"] == []:
            fail(f"{name}: restarted run lost the keys")
        print(f"ok {name}: split at {k}/{n}")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def expect_refused(tmp, label, path, pattern):
    before = digest(path)
    rc, _, err = run(["--state", path, "-r",
                      os.path.join(SRC, "pcaps", "sample-basic.pcap")])
    lines = err.strip().splitlines()
    if rc != 1 or len(lines) != 1 or pattern not in lines[0]:
        fail(f"{label}: exit {rc}, stderr {err!r}")
    elif digest(path) != before:
        fail(f"{label}: the refused state was modified")
    else:
        print(f"ok refused {label}: {lines[0]}")


def check_refusals(tmp):
    text = os.path.join(tmp, "text.db")
    with open(text, "w") as f:
        f.write("this is not a database\n" * 100)
    expect_refused(tmp, "not a database", text, "left untouched")

    good = os.path.join(tmp, "good.db")
    rc, _, err = run(["--state", good, "-r",
                      os.path.join(SRC, "pcaps", "nginx-rotation.pcap")])
    if rc != 0:
        fail(f"good state: exit {rc} {err}")
        return
    v2 = os.path.join(tmp, "v2.db")
    shutil.copy(good, v2)
    con = sqlite3.connect(v2)
    con.execute("UPDATE schema_version SET version = 2")
    con.commit()
    con.close()
    expect_refused(tmp, "schema version 2", v2, "schema version 2")

    bad = os.path.join(tmp, "bad.db")
    shutil.copy(good, bad)
    con = sqlite3.connect(bad)
    blob = bytearray(con.execute("SELECT data FROM keytable").fetchone()[0])
    con.execute("UPDATE keytable SET data = ?", (bytes(blob[:len(blob) // 2]),))
    con.commit()
    con.close()
    expect_refused(tmp, "truncated key table", bad, "corrupt")

    other = os.path.join(tmp, "other.db")
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    expect_refused(tmp, "other database", other, "not a stekwatch state")


def check_sigkill(tmp):
    pcap = os.path.join(SRC, "pcaps", "nginx-rotation.pcap")
    with open(pcap, "rb") as f:
        data = f.read()
    whole = json.loads(run(["--format", "json", "-r", pcap])[1])
    total = whole["totals"]["tls_handshakes"]
    empty = os.path.join(tmp, "empty.pcap")
    subprocess.run(["editcap", "-F", "pcap", "-r", pcap, empty, "0"], check=True,
                   capture_output=True)
    rng = random.Random(5)
    for i in range(8):
        state = os.path.join(tmp, f"kill{i}.db")
        p = subprocess.Popen([SW, "--state", state, "--report-every", "1s",
                              "-o", os.path.join(tmp, "kill.txt"), "-r", "-"],
                             stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
        # Feed the capture slowly so the kill lands in the middle.
        cut = rng.randrange(24, len(data))
        for off in range(0, cut, 512):
            p.stdin.write(data[off:min(off + 512, cut)])
            p.stdin.flush()
            time.sleep(0.002)
        time.sleep(rng.random() * 0.05)
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stdin.close()
        if not os.path.exists(state):
            fail(f"kill {i}: no state left")
            continue
        rc, out, err = run(["--format", "json", "--state", state, "-r",
                            empty])
        if rc not in (0, 3):
            fail(f"kill {i}: the state does not load: {err.strip()}")
            continue
        got = json.loads(out)["totals"]["tls_handshakes"]
        if got > total:
            fail(f"kill {i}: {got} handshakes, more than {total}")
        else:
            print(f"ok kill {i}: state loads, {got} of {total} handshakes")


def main():
    for tool in ("tshark", "editcap"):
        if not shutil.which(tool):
            print(f"skipped: {tool} not found")
            return 77
    with tempfile.TemporaryDirectory() as tmp:
        check_splits(tmp)
        check_refusals(tmp)
        check_sigkill(tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
