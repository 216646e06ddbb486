#!/usr/bin/env bash
# gen-captures.sh: make the benchmark captures from real TLS servers.
#
#     bash tests/bench/gen-captures.sh [OUTDIR]
#
# OUTDIR defaults to /tmp/stekwatch-bench and must lie outside the repo.
#
# Run as root on Debian 12 with nginx-light, openssl, curl, tcpdump,
# ethtool, iproute2 and python3 installed. Writes into OUTDIR:
#
#   bulk.pcap    bulk-heavy: BULK_COUNT downloads of a BULK_MB MB file over
#                TLS 1.2 and 1.3 (most of the bytes), while openssl s_time
#                clients run full and resumed TLS 1.2 and 1.3 handshakes
#                for the first BULK_HS_SECONDS seconds, each fetching a
#                3-byte page.
#   dense.pcap   handshake-dense: DENSE_SECONDS seconds of the same four
#                handshake loops, small responses only.
#   flows1m.pcap ONEM_FLOWS synthetic flows that never close (SYN, then a
#                first part of a ClientHello), made by gen-flows.py.
#
# Sizes come from the environment (defaults in brackets):
#   BULK_MB [50]  BULK_COUNT [6]  BULK_RATE [30M] (curl --limit-rate, so
#   tcpdump keeps up)  BULK_HS_SECONDS [10]  DENSE_SECONDS [20]
#   HS_LOOPS [1] (parallel s_time clients of each kind)  ONEM_FLOWS [1000000]
# A quick run: BULK_MB=5 BULK_COUNT=2 BULK_HS_SECONDS=5 DENSE_SECONDS=5
#   ONEM_FLOWS=10000 bash tests/bench/gen-captures.sh /tmp/swb-quick
#
# The servers live in a network namespace the script creates, the clients
# in another; a veth pair joins them (MTU 1500, segmentation and receive
# offloads off, so the capture holds wire-sized 1514-byte frames), and
# tcpdump on the server's end of the pair writes the captures. Nothing
# leaves the two namespaces. Namespaces, processes and the work folder are
# removed on exit. Background processes are started with a plain
# `ip netns exec` (which execs), never as a backgrounded shell function, so
# each PID is the program's own and the signals of cleanup reach it.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/stekwatch-bench}

BULK_MB=${BULK_MB:-50}
BULK_COUNT=${BULK_COUNT:-6}
BULK_RATE=${BULK_RATE:-30M}
BULK_HS_SECONDS=${BULK_HS_SECONDS:-10}
DENSE_SECONDS=${DENSE_SECONDS:-20}
HS_LOOPS=${HS_LOOPS:-1}
ONEM_FLOWS=${ONEM_FLOWS:-1000000}

NS_SRV=swb-srv-$$
NS_CLI=swb-cli-$$
VETH_SRV=swbs$$
VETH_CLI=swbc$$
ADDR_SRV=10.213.$(($$ % 250)).1
ADDR_CLI=10.213.$(($$ % 250)).2
PORT_A=443
PORT_B=8443
SNAPLEN=262144

WORK=
TCPDUMP_PID=
NGINX_PID=
LOOP_PIDS=()

say() { printf 'gen-captures: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

in_srv() { ip netns exec "$NS_SRV" "$@"; }
in_cli() { ip netns exec "$NS_CLI" "$@"; }

cleanup() {
    local pid
    for pid in "${LOOP_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    if [ -n "$TCPDUMP_PID" ]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    fi
    if [ -n "$NGINX_PID" ]; then
        kill -TERM "$NGINX_PID" 2>/dev/null || true
    fi
    wait 2>/dev/null || true
    ip netns del "$NS_CLI" 2>/dev/null || true
    ip netns del "$NS_SRV" 2>/dev/null || true
    if [ -n "$WORK" ]; then
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

check_tools() {
    local tool
    [ "$(id -u)" -eq 0 ] || die "run as root (network namespaces, tcpdump)"
    for tool in ip ethtool tcpdump nginx openssl curl python3 ss timeout; do
        command -v "$tool" >/dev/null ||
            die "missing tool: $tool (apt-get install ethtool nginx-light tcpdump curl iproute2)"
    done
    case $OUT in
    "$(cd "$HERE/../.." && pwd)"*) die "OUTDIR must lie outside the repo" ;;
    esac
}

# net_up: two namespaces joined by a veth pair, offloads off, MTU 1500.
net_up() {
    local ns dev
    ip netns add "$NS_SRV"
    ip netns add "$NS_CLI"
    ip link add "$VETH_SRV" type veth peer name "$VETH_CLI"
    ip link set "$VETH_SRV" netns "$NS_SRV"
    ip link set "$VETH_CLI" netns "$NS_CLI"
    for ns in "$NS_SRV:$VETH_SRV:$ADDR_SRV" "$NS_CLI:$VETH_CLI:$ADDR_CLI"; do
        dev=${ns#*:}
        dev=${dev%%:*}
        ip -n "${ns%%:*}" link set lo up
        ip -n "${ns%%:*}" link set "$dev" mtu 1500
        ip -n "${ns%%:*}" addr add "${ns##*:}/24" dev "$dev"
        ip -n "${ns%%:*}" link set "$dev" up
        ip netns exec "${ns%%:*}" ethtool -K "$dev" tso off gso off gro off \
            >/dev/null 2>&1 ||
            die "ethtool -K $dev failed"
    done
}

# make_cert NAME: self-signed P-256 certificate for NAME in $WORK/NAME.*
make_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$WORK/$1.key" -out "$WORK/$1.crt" -days 3650 \
        -subj "/CN=$1" -addext "subjectAltName=DNS:$1" 2>/dev/null ||
        die "openssl req failed for $1"
}

# ticket_key FILE NAMEBYTE: 80-byte nginx key file, name = NAMEBYTE x 16.
ticket_key() {
    python3 -c 'import sys; sys.stdout.buffer.write(
        bytes.fromhex(sys.argv[1]) * 16 + b"\x5a" * 32 + b"\xa5" * 32)' \
        "$2" >"$1"
}

# server_block PORT NAME KEY...: one nginx server with its ticket keys.
server_block() {
    local port=$1 name=$2 k
    shift 2
    printf '    server {\n'
    printf '        listen %s:%s ssl;\n' "$ADDR_SRV" "$port"
    printf '        server_name %s;\n' "$name"
    printf '        ssl_certificate %s/%s.crt;\n' "$WORK" "$name"
    printf '        ssl_certificate_key %s/%s.key;\n' "$WORK" "$name"
    printf '        ssl_protocols TLSv1.2 TLSv1.3;\n'
    printf '        ssl_session_cache off;\n'
    printf '        ssl_session_tickets on;\n'
    for k in "$@"; do
        printf '        ssl_session_ticket_key %s;\n' "$k"
    done
    printf '        root %s/www;\n' "$WORK"
    printf '    }\n'
}

# nginx_up: two servers (two names, two key sets) in the server namespace.
nginx_up() {
    local i
    make_cert bench-a.test
    make_cert bench-b.test
    ticket_key "$WORK/a.key" aa
    ticket_key "$WORK/b.key" bb
    ticket_key "$WORK/c.key" cc
    mkdir -p "$WORK/www" "$WORK/logs"
    printf 'ok\n' >"$WORK/www/ok.txt"
    head -c "$((BULK_MB * 1024 * 1024))" /dev/urandom >"$WORK/www/bulk.bin"
    {
        printf 'daemon off;\nmaster_process on;\nworker_processes 2;\n'
        printf 'pid %s/nginx.pid;\n' "$WORK"
        printf 'error_log %s/logs/error.log warn;\n' "$WORK"
        printf 'events { worker_connections 4096; }\n'
        printf 'http {\n    access_log off;\n    default_type text/plain;\n'
        printf '    keepalive_timeout 0;\n'
        server_block "$PORT_A" bench-a.test "$WORK/a.key"
        server_block "$PORT_B" bench-b.test "$WORK/b.key" "$WORK/c.key"
        printf '}\n'
    } >"$WORK/nginx.conf"
    ip netns exec "$NS_SRV" nginx -p "$WORK/" -e "$WORK/logs/error.log" \
        -c "$WORK/nginx.conf" &
    NGINX_PID=$!
    for ((i = 0; i < 100; i++)); do
        if [ -n "$(in_srv ss -Htln "sport = :$PORT_B")" ]; then
            # Both pages must be served, before any capture starts.
            in_cli curl -fsSk -o /dev/null \
                "https://$ADDR_SRV:$PORT_A/ok.txt" ||
                die "nginx does not serve ok.txt"
            in_cli curl -fsSk -o /dev/null -r 0-0 \
                "https://$ADDR_SRV:$PORT_B/bulk.bin" ||
                die "nginx does not serve bulk.bin"
            return 0
        fi
        sleep 0.1
    done
    die "nginx did not start: $(tail -n 3 "$WORK/logs/error.log")"
}

# cap_start FILE: tcpdump on the server end of the veth pair.
cap_start() {
    local i
    ip netns exec "$NS_SRV" tcpdump -i "$VETH_SRV" -s "$SNAPLEN" \
        -B 262144 -w "$1" tcp 2>"$WORK/tcpdump.log" &
    TCPDUMP_PID=$!
    for ((i = 0; i < 100; i++)); do
        if grep -q 'listening on' "$WORK/tcpdump.log"; then
            sleep 0.5
            return 0
        fi
        sleep 0.1
    done
    die "tcpdump did not start: $(cat "$WORK/tcpdump.log")"
}

# cap_stop: stop tcpdump and say what it dropped.
cap_stop() {
    sleep 1
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=
    say "  tcpdump: $(grep -E 'captured|dropped' "$WORK/tcpdump.log" |
        tr '\n' ' ')"
}

# st TAG PORT S_TIME-OPTIONS...: one s_time client in the background,
# fetching the 3-byte page. s_time sends no SNI.
st() {
    local tag=$1 port=$2
    shift 2
    ip netns exec "$NS_CLI" openssl s_time -connect "$ADDR_SRV:$port" \
        -www /ok.txt "$@" >"$WORK/st-$tag.log" 2>&1 &
    LOOP_PIDS+=($!)
}

# hs_loops SECONDS: start the four handshake loops (TLS 1.2 and 1.3, full
# and resumed; two of them to each server) HS_LOOPS times each.
hs_loops() {
    local t=$1 i
    for ((i = 0; i < HS_LOOPS; i++)); do
        st "12n-$i" "$PORT_A" -tls1_2 -new -time "$t"
        st "13r-$i" "$PORT_A" -tls1_3 -reuse -time "$t"
        st "13n-$i" "$PORT_B" -tls1_3 -new -time "$t"
        st "12r-$i" "$PORT_B" -tls1_2 -reuse -time "$t"
    done
}

# hs_wait: wait for the handshake loops and sum their connection counts.
hs_wait() {
    local pid n total=0 f
    for pid in "${LOOP_PIDS[@]}"; do
        wait "$pid" || die "an s_time client failed (see $WORK/st-*.log)"
    done
    LOOP_PIDS=()
    for f in "$WORK"/st-*.log; do
        n=$(grep -Eo '^[0-9]+ connections in [0-9.]+s' "$f" |
            awk '{ s += $1 } END { print s + 0 }')
        total=$((total + n))
        rm -f "$f"
    done
    say "  s_time clients made $total connections"
}

# bulk: BULK_COUNT downloads, alternating TLS 1.2 and 1.3 and the two
# servers, sent with SNI through curl.
bulk() {
    local i ver name port
    for ((i = 0; i < BULK_COUNT; i++)); do
        if ((i % 2)); then
            ver=--tlsv1.3 name=bench-b.test port=$PORT_B
        else
            ver="--tlsv1.2 --tls-max 1.2" name=bench-a.test port=$PORT_A
        fi
        # shellcheck disable=SC2086
        in_cli curl -fsSk $ver --limit-rate "$BULK_RATE" \
            --resolve "$name:$port:$ADDR_SRV" -o /dev/null \
            "https://$name:$port/bulk.bin" ||
            die "bulk download $i failed"
    done
}

make_bulk() {
    local start
    say "bulk.pcap: $BULK_COUNT x $BULK_MB MB at $BULK_RATE/s + handshakes"
    cap_start "$OUT/bulk.pcap"
    start=$SECONDS
    hs_loops "$BULK_HS_SECONDS"
    bulk
    say "  downloads took $((SECONDS - start)) s"
    hs_wait
    cap_stop
    say "  wrote $OUT/bulk.pcap ($(stat -c %s "$OUT/bulk.pcap") bytes)"
}

make_dense() {
    say "dense.pcap: $DENSE_SECONDS s of handshakes, small responses"
    cap_start "$OUT/dense.pcap"
    hs_loops "$DENSE_SECONDS"
    hs_wait
    cap_stop
    say "  wrote $OUT/dense.pcap ($(stat -c %s "$OUT/dense.pcap") bytes)"
}

main() {
    check_tools
    mkdir -p "$OUT"
    WORK=$(mktemp -d /tmp/swb-gen.XXXXXX)
    chmod 755 "$WORK" # nginx's workers run as nobody
    net_up
    nginx_up
    make_bulk
    make_dense
    say "flows1m.pcap: $ONEM_FLOWS flows that never close"
    python3 "$HERE/gen-flows.py" "$ONEM_FLOWS" "$OUT/flows1m.pcap"
    say "  wrote $OUT/flows1m.pcap ($(stat -c %s "$OUT/flows1m.pcap") bytes)"
}

main
