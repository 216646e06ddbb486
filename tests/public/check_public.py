#!/usr/bin/env python3
"""check_public.py - stekwatch against the public capture corpus.

Runs stekwatch --format json on every capture listed in the corpus's
ground_truth.json (what tshark 4.0 sees in each file) and compares the
figures a passive analyser must agree on:

  packets          capture.packets        == packets
  tickets issued   totals.tickets_issued  == nst_clear
  tickets offered  totals.tickets_offered == ch_ticket_nonempty
                                             + PSK identities
  resumptions      totals.resumed         == resumed_tls12_ticket
                                             + resumed_tls12_session_id
                                             + resumed_tls13_psk
  issued key names set of keys[].key_name with issued > 0
                                          == issued_keyname_prefixes

A difference that is understood is listed in known-differences.tsv beside
this script with the reason (the README's Limitations says the same); an
unlisted difference, or a listed one that no longer happens, fails.

usage: check_public.py STEKWATCH CORPUS_DIR
Exits 77 (skipped) when the corpus is not there.
"""
import json
import os
import subprocess
import sys


def load_known(path):
    known = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            known[(fields[0], fields[1])] = fields[2]
    return known


def expected(row):
    psk = sum(row["psk_identity_prefixes"].values())
    return {
        "packets": row["packets"],
        "tickets_issued": row["nst_clear"],
        "tickets_offered": row["ch_ticket_nonempty"] + psk,
        "resumed": row["resumed_tls12_ticket"]
        + row["resumed_tls12_session_id"]
        + row["resumed_tls13_psk"],
        "issued_key_names": " ".join(sorted(row["issued_keyname_prefixes"])),
    }


def observed(doc):
    keys = [k["key_name"] for k in doc["keys"] if k["issued"] > 0]
    return {
        "packets": doc["capture"]["packets"],
        "tickets_issued": doc["totals"]["tickets_issued"],
        "tickets_offered": doc["totals"]["tickets_offered"],
        "resumed": doc["totals"]["resumed"],
        "issued_key_names": " ".join(sorted(set(keys))),
    }


def run_one(stekwatch, path):
    proc = subprocess.run([stekwatch, "--format", "json", "-r", path],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode not in (0, 1, 3):
        return None, "exit status %d: %s" % (proc.returncode,
                                            proc.stderr.strip())
    if proc.returncode == 1 and not proc.stderr.strip():
        return None, "exit status 1 without an error line"
    try:
        return json.loads(proc.stdout), proc.stderr.strip()
    except json.JSONDecodeError as e:
        return None, "report is not JSON: %s" % e


def main():
    stekwatch, corpus = sys.argv[1], sys.argv[2]
    truth_path = os.path.join(corpus, "ground_truth.json")
    if not os.path.exists(truth_path):
        print("public corpus not found at %s: skipped" % corpus)
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    known = load_known(os.path.join(here, "known-differences.tsv"))
    with open(truth_path, encoding="utf-8") as f:
        rows = json.load(f)
    failures, seen_known, checked = 0, set(), 0
    for row in rows:
        path = row["path"]
        doc, err = run_one(stekwatch, os.path.join(corpus, path))
        if doc is None:
            print("FAIL %s: %s" % (path, err))
            failures += 1
            continue
        want, got = expected(row), observed(doc)
        for field, value in want.items():
            checked += 1
            if got[field] == value:
                continue
            if (path, field) in known:
                seen_known.add((path, field))
                print("known %s %s: %s, tshark %s (%s)" % (
                    path, field, got[field], value, known[(path, field)]))
                continue
            print("FAIL %s %s: stekwatch %s, tshark %s" % (
                path, field, got[field], value))
            failures += 1
    for key in sorted(set(known) - seen_known):
        print("FAIL %s %s: listed as a known difference but agrees now"
              % key)
        failures += 1
    print("%d passed, %d failed" % (checked - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
