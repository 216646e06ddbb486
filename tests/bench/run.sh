#!/usr/bin/env bash
# run.sh: time stekwatch against the libpcap floor, tshark and ssldump.
#
#     bash tests/bench/run.sh [DIR]
#
# DIR (default /tmp/stekwatch-bench) holds the captures gen-captures.sh
# makes: bulk.pcap, dense.pcap and flows1m.pcap. On each of bulk.pcap and
# dense.pcap, in one run, each tool is run RUNS times and the medians of
# its CPU time (user + system) and of its peak resident memory (maxrss),
# both from wait4(2) through rusage.c, are printed, then the ratios the
# project's targets are stated in. flows1m.pcap (flows that never close) gives
# stekwatch's memory for that many concurrent flows. A benchmark, not a
# test: it prints figures and asserts nothing about them; it exits
# non-zero only when a tool fails or is missing.
#
# The tools, each reading the whole file and writing to /dev/null:
#   stekwatch  $STEKWATCH --format json -o /dev/null -r FILE
#   floor      tests/bench/floor.c, compiled here with cc -O2: pcap_next_ex
#              over every packet, one byte touched
#   tshark     the handshake messages that carry tickets (ClientHello,
#              ServerHello, NewSessionTicket) with their ticket fields
#   ssldump    ssldump -n -r FILE (its default decode of every record)
#
# Environment: RUNS [5] runs per tool and file; PEER_RUNS [RUNS] for
# tshark and ssldump, which are slow; STEKWATCH [build-bench/cli/stekwatch,
# built with CMake in Release mode when missing]; SKIP_PEERS=1 times only
# stekwatch and the floor.
#
# Needs: cc, libpcap-dev, cmake, python3, tshark, ssldump. Every capture
# is read once before the timed runs, so all runs find it in the page
# cache.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
DIR=${1:-/tmp/stekwatch-bench}
RUNS=${RUNS:-5}
PEER_RUNS=${PEER_RUNS:-$RUNS}
SKIP_PEERS=${SKIP_PEERS:-0}
STEKWATCH=${STEKWATCH:-$TOP/build-bench/cli/stekwatch}

WORK=

say() { printf 'run: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

cleanup() {
    if [ -n "$WORK" ]; then
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

TSHARK_FIELDS=(-e frame.number -e ip.src -e tcp.srcport -e ip.dst
    -e tcp.dstport -e tls.handshake.type
    -e tls.handshake.extensions_server_name
    -e tls.handshake.session_id -e tls.handshake.session_ticket
    -e tls.handshake.session_ticket_lifetime_hint
    -e tls.handshake.extensions.psk.identity.identity
    -e tls.handshake.extensions.psk.identity.selected)
TSHARK_FILTER='tls.handshake.type==1 || tls.handshake.type==2 ||'
TSHARK_FILTER+=' tls.handshake.type==4'

check() {
    local tool f
    for tool in cc pkg-config python3 tshark ssldump; do
        if [ "$SKIP_PEERS" = 1 ] && { [ "$tool" = tshark ] ||
            [ "$tool" = ssldump ]; }; then
            continue
        fi
        command -v "$tool" >/dev/null ||
            die "missing tool: $tool (apt-get install $tool)"
    done
    for f in bulk dense flows1m; do
        [ -r "$DIR/$f.pcap" ] ||
            die "no $DIR/$f.pcap: run tests/bench/gen-captures.sh $DIR first"
    done
}

build() {
    if [ ! -x "$STEKWATCH" ]; then
        say "building stekwatch (Release) in $TOP/build-bench"
        cmake -S "$TOP" -B "$TOP/build-bench" -DCMAKE_BUILD_TYPE=Release \
            >/dev/null
        cmake --build "$TOP/build-bench" -j2 --target stekwatch >/dev/null
        STEKWATCH=$TOP/build-bench/cli/stekwatch
    fi
    # shellcheck disable=SC2046
    cc -O2 -o "$WORK/floor" "$HERE/floor.c" $(pkg-config --cflags --libs \
        libpcap) || die "cannot build floor.c"
    cc -O2 -o "$WORK/rusage" "$HERE/rusage.c" || die "cannot build rusage.c"
}

# one_run OUTFILE CMD...: run CMD once, append "cpu_seconds maxrss_kib" to
# OUTFILE. Exit status 0 passes, and 3 for stekwatch (a stale key).
one_run() {
    local out=$1 line rc
    shift
    line=$("$WORK/rusage" "$WORK/stderr" "$@") || die "rusage failed on $*"
    rc=${line##* }
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        say "$* exited $rc: $(tail -n 3 "$WORK/stderr")"
        die "a tool failed"
    fi
    printf '%s\n' "${line% *}" >>"$out"
}

# median FILE COLUMN: the median of one column (the lower middle when even).
median() {
    cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 }
        END { print v[int((NR + 1) / 2)] }'
}

# measure NAME FILE N CMD...: N runs; sets CPU[NAME.FILE], RSS[NAME.FILE]
# (MiB).
declare -A CPU RSS
measure() {
    local name=$1 file=$2 n=$3 key i kib
    shift 3
    key=$name.$file
    : >"$WORK/$key"
    for ((i = 0; i < n; i++)); do
        one_run "$WORK/$key" "$@"
    done
    CPU[$key]=$(median "$WORK/$key" 1 | awk '{ printf "%.3f", $1 }')
    kib=$(median "$WORK/$key" 2)
    RSS[$key]=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
    say "  $name on $file.pcap: $(tr '\n' ' ' <"$WORK/$key")"
}

# json_total FILE FIELD: one number from stekwatch's JSON report.
json_total() {
    "$STEKWATCH" --format json -r "$DIR/$1.pcap" -o "$WORK/$1.json" ||
        [ $? -eq 3 ] || die "stekwatch failed on $1.pcap"
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = d
for k in sys.argv[2].split("."):
    v = v[k]
print(v)' "$WORK/$1.json" "$2"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (b > 0) printf "%.2f", a / b; else printf "n/a" }'
}

bench_file() {
    local f=$1 path=$DIR/$1.pcap
    say "$f.pcap: $RUNS runs (peers $PEER_RUNS)"
    measure floor "$f" "$RUNS" "$WORK/floor" "$path"
    measure stekwatch "$f" "$RUNS" "$STEKWATCH" --format json \
        -o /dev/null -r "$path"
    if [ "$SKIP_PEERS" != 1 ]; then
        measure ssldump "$f" "$PEER_RUNS" ssldump -n -r "$path"
        measure tshark "$f" "$PEER_RUNS" tshark -n -r "$path" \
            -Y "$TSHARK_FILTER" -T fields "${TSHARK_FIELDS[@]}"
    fi
}

row() {
    local tool=$1 f
    printf '| %s |' "$tool"
    for f in bulk dense; do
        printf ' %s | %s |' "${CPU[$tool.$f]:--}" "${RSS[$tool.$f]:--}"
    done
    printf '\n'
}

report() {
    local f hs sw_dense sw_bulk
    printf '\n## machine\n\n'
    printf -- '- %s cores (nproc), %s\n' "$(nproc)" \
        "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    printf -- '- RAM %s GiB, %s\n' \
        "$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
        "$(uname -sr)"
    printf -- '- %s; %s; %s; %s\n' "$("$STEKWATCH" --version | head -n 1)" \
        "$(pcap_lib_version)" \
        "$(tshark --version 2>/dev/null | head -n 1 | sed 's/\.$//')" \
        "$(dpkg-query -W -f 'ssldump ${Version}' ssldump 2>/dev/null || true)"

    printf '\n## captures\n\n'
    printf '| capture | size (MB) | packets | TCP flows | TLS handshakes |\n'
    printf '| --- | ---: | ---: | ---: | ---: |\n'
    for f in bulk dense flows1m; do
        printf '| %s.pcap | %s | %s | %s | %s |\n' "$f" \
            "$(awk -v s="$(stat -c %s "$DIR/$f.pcap")" \
                'BEGIN { printf "%.0f", s / 1e6 }')" \
            "$(json_total "$f" capture.packets)" \
            "$(json_total "$f" totals.flows)" \
            "$(json_total "$f" totals.tls_handshakes)"
    done

    printf '\n## CPU seconds (user+sys) and peak RSS (MiB), median of %s' \
        "$RUNS"
    printf ' (peers: %s)\n\n' "$PEER_RUNS"
    printf '| tool | bulk CPU s | bulk RSS | dense CPU s | dense RSS |\n'
    printf '| --- | ---: | ---: | ---: | ---: |\n'
    row floor
    row stekwatch
    if [ "$SKIP_PEERS" != 1 ]; then
        row ssldump
        row tshark
    fi

    hs=$(json_total dense totals.tls_handshakes)
    sw_dense=${CPU[stekwatch.dense]}
    sw_bulk=${CPU[stekwatch.bulk]}
    printf '\n## ratios (target in brackets)\n\n'
    printf '| measure | bulk | dense |\n| --- | ---: | ---: |\n'
    printf '| stekwatch / floor, CPU (<= 1.5) | %s | %s |\n' \
        "$(ratio "$sw_bulk" "${CPU[floor.bulk]}")" \
        "$(ratio "$sw_dense" "${CPU[floor.dense]}")"
    if [ "$SKIP_PEERS" != 1 ]; then
        printf '| ssldump / stekwatch, CPU (>= 10) | %s | %s |\n' \
            "$(ratio "${CPU[ssldump.bulk]}" "$sw_bulk")" \
            "$(ratio "${CPU[ssldump.dense]}" "$sw_dense")"
        printf '| tshark / stekwatch, CPU (>= 100) | %s | %s |\n' \
            "$(ratio "${CPU[tshark.bulk]}" "$sw_bulk")" \
            "$(ratio "${CPU[tshark.dense]}" "$sw_dense")"
    fi
    printf '\n- handshakes per second per core on dense.pcap (>= 200000):'
    printf ' %s (%s handshakes in %s CPU s; stekwatch is one thread)\n' \
        "$(awk -v h="$hs" -v c="$sw_dense" \
            'BEGIN { if (c > 0) printf "%.0f", h / c; else print "n/a" }')" \
        "$hs" "$sw_dense"
    printf -- '- stekwatch peak RSS on bulk.pcap (<= 64 MiB): %s MiB\n' \
        "${RSS[stekwatch.bulk]}"
    printf -- '- stekwatch on flows1m.pcap (%s flows open at once, none' \
        "$(json_total flows1m totals.flows)"
    printf ' closed): peak RSS %s MiB, %s CPU s; anomalies: %s\n' \
        "${RSS[stekwatch.flows1m]}" "${CPU[stekwatch.flows1m]}" \
        "$(python3 -c 'import json, sys
a = json.load(open(sys.argv[1]))["totals"]["anomalies"]
print(", ".join("%s %s" % kv for kv in sorted(a.items())) or "none")' \
            "$WORK/flows1m.json")"
}

# pcap_lib_version: libpcap's own version string, via the floor's library.
pcap_lib_version() {
    printf '#include <pcap/pcap.h>\n#include <stdio.h>\n'"int main(void)"'
        { puts(pcap_lib_version()); return 0; }\n' >"$WORK/v.c"
    # shellcheck disable=SC2046
    cc -o "$WORK/v" "$WORK/v.c" $(pkg-config --cflags --libs libpcap) &&
        "$WORK/v"
}

main() {
    check
    WORK=$(mktemp -d /tmp/swb-run.XXXXXX)
    build
    say "stekwatch: $STEKWATCH"
    cat "$DIR/bulk.pcap" "$DIR/dense.pcap" "$DIR/flows1m.pcap" >/dev/null
    bench_file bulk
    bench_file dense
    say "flows1m.pcap: $RUNS runs"
    measure stekwatch flows1m "$RUNS" "$STEKWATCH" --format json \
        -o /dev/null -r "$DIR/flows1m.pcap"
    report
}

main
