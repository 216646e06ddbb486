#!/bin/sh
# run.sh - every transformed copy of a capture must reassemble to the same
# streams as the capture itself (issue #2, "Transformed copies").
#
# usage: run.sh STREAMDUMP [CAPTURE...]    (default: every pcaps/*.pcap)
#
# For each capture and each mode of transform.py, makes the copy in a
# temporary folder, digests both with streamdump and compares. Prints one
# line per (capture, mode): PASS, FAIL or SKIP (mode does not apply).
# Exits 1 on any failure, 77 (skipped) when there is no capture or no
# python3 with scapy (set PYTHON to choose the interpreter).
set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
    echo "usage: run.sh STREAMDUMP [CAPTURE...]" >&2
    exit 2
fi
dump=$1
shift
if [ $# -eq 0 ]; then
    set -- "$here"/../../pcaps/*.pcap
    if [ ! -e "$1" ]; then
        echo "SKIP: no captures in pcaps/"
        exit 77
    fi
fi

python=
for p in "${PYTHON:-}" python3 /usr/bin/python3; do
    if [ -n "$p" ] && "$p" -c 'import scapy.layers.inet6' 2>/dev/null; then
        python=$p
        break
    fi
done
if [ -z "$python" ]; then
    echo "SKIP: no python3 with scapy"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
modes=$("$python" "$here/transform.py" --mode list) || exit 1

# IPv4 made IPv6 carries the mapped address ::ffff:a.b.c.d; map it back so
# the flows compare with the original's.
normalise() {
    sed -E 's/\[::ffff:([0-9.]+)\]/\1/g' "$1" | LC_ALL=C sort
}

# Show why a step failed, indented under its FAIL line.
explain() {
    sed 's/^/    /' "$@" | head -n 20
}

failed=0
for cap in "$@"; do
    name=$(basename "$cap")
    if ! "$dump" "$cap" >"$tmp/orig.out" 2>"$tmp/err"; then
        echo "FAIL $name: streamdump on the original"
        explain "$tmp/err"
        failed=1
        continue
    fi
    normalise "$tmp/orig.out" >"$tmp/orig"
    for mode in $modes; do
        copy="$tmp/copy.pcap"
        rm -f "$copy"
        "$python" "$here/transform.py" --mode "$mode" "$cap" "$copy" \
            2>"$tmp/err"
        rc=$?
        if [ $rc -eq 77 ]; then
            echo "SKIP $name $mode: $(tail -n 1 "$tmp/err")"
            continue
        elif [ $rc -ne 0 ]; then
            echo "FAIL $name $mode: transform.py exited $rc"
            explain "$tmp/err"
            failed=1
            continue
        fi
        if ! "$dump" "$copy" >"$tmp/copy.out" 2>"$tmp/err"; then
            echo "FAIL $name $mode: streamdump on the copy"
            explain "$tmp/err"
            failed=1
            continue
        fi
        normalise "$tmp/copy.out" >"$tmp/copy"
        if cmp -s "$tmp/orig" "$tmp/copy"; then
            echo "PASS $name $mode"
        else
            echo "FAIL $name $mode: streams differ (- original, + copy)"
            diff "$tmp/orig" "$tmp/copy" |
                sed -n 's/^< /- /p; s/^> /+ /p' | explain
            echo "    again: $here/transform.py --mode $mode $cap copy.pcap"
            failed=1
        fi
    done
done
exit $failed
