#!/usr/bin/env bash
# cli_test.sh - bad command lines and unreadable inputs: each gives exactly
# one clear line on stderr naming what is wrong, and exit status 1.
# usage: cli_test.sh STEKWATCH SRCDIR
set -u
sw=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# expect NAME STATUS REGEX -- ARGS...: the run exits STATUS and its stderr
# is one line matching REGEX (plus the "Try --help" hint for usage errors).
expect() {
    local name=$1 want=$2 re=$3
    shift 4
    "$sw" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local got=$? first
    first=$(grep -v "^Try 'stekwatch --help'" "$tmp/err")
    if [ "$got" = "$want" ] && [ "$(printf '%s' "$first" | wc -l)" -le 0 ] &&
        printf '%s' "$first" | grep -qE "$re"; then
        pass=$((pass + 1))
    else
        echo "FAIL $name: exit $got (want $want), stderr:"
        cat "$tmp/err"
        fail=$((fail + 1))
    fi
}

printf 'this is not a capture file\n' >"$tmp/text.pcap"
: >"$tmp/empty.pcap"

expect unknown-short 1 'unknown option -x' -- -x
expect unknown-long 1 'unknown option --frobnicate' -- --frobnicate
expect missing-arg 1 'option -r needs an argument' -- -r
expect missing-long-arg 1 'option --format needs an argument' -- --format
expect no-input 1 'nothing to read' --
expect missing-file 1 'no-such-file.pcap' -- -r "$tmp/no-such-file.pcap"
expect not-a-capture 1 'text.pcap' -- -r "$tmp/text.pcap"
expect empty-file 1 'empty.pcap' -- -r "$tmp/empty.pcap"
expect bad-duration 1 'max-key-age.*12x' -- --max-key-age 12x -r x
expect zero-duration 1 'max-key-age.*0' -- --max-key-age 0 -r x
expect bad-format 1 'format.*xml' -- --format xml -r x
expect bad-count 1 '\-c.*-3' -- -c -3 -r x
expect both-inputs 1 'either -r or -i' -- -r x -i lo
expect filter-without-i 1 'filter needs -i' -- -r x tcp port 443
expect report-missing-dir 1 "$tmp/nodir/report.txt" \
    -- -o "$tmp/nodir/report.txt" -r "$src/pcaps/sample-basic.pcap"
expect events-missing-dir 1 "$tmp/nodir/ev.json" \
    -- --events "$tmp/nodir/ev.json" -r "$src/pcaps/sample-basic.pcap"
expect no-such-iface 1 'no-such-if0' -- -i no-such-if0
# Live-only options with files: a warning, and the report all the same.
expect live-option-with-file 0 'apply to live capture' \
    -- -s 64 -r "$src/pcaps/sample-basic.pcap"

# --help lists every option the program takes, and exits 0.
if "$sw" --help >"$tmp/help" 2>&1; then
    missing=""
    for o in -r -i -c -p -s -B --format -o --events --raw-tickets \
        --max-key-age -v --help --version; do
        grep -qe "$o" "$tmp/help" || missing="$missing $o"
    done
    if [ -z "$missing" ]; then pass=$((pass + 1)); else
        echo "FAIL help: does not list$missing"; fail=$((fail + 1)); fi
else
    echo "FAIL help: exit status non-zero"; fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
