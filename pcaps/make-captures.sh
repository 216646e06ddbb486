#!/usr/bin/env bash
# make-captures.sh: regenerate pcaps/*.pcap from real TLS servers on loopback.
#
# Run as root on Debian 12 with tcpdump, tshark (editcap, mergecap),
# nginx-light, gnutls-bin, libfaketime, openssl and nodejs installed:
#
#     bash pcaps/make-captures.sh
#
# Each capture is recorded in phases. A phase runs in real time and is
# captured by tcpdump on lo into its own file; the phase files are then
# shifted with editcap so that phase N starts exactly OFFSET_N seconds
# after the first packet of phase 0, and merged in time order with
# mergecap. Every client connection's outcome (full handshake or resumed)
# is checked as it happens, so a run that ends with status 0 has produced
# the captures described in pcaps/README.md. Only the timestamps, the
# random bytes of each handshake and the keys of the servers that choose
# their own (openssl s_server, gnutls-serv) differ from run to run.
#
# Only loopback is used. Servers, tcpdump and the temporary directory are
# cleaned up on exit.

set -euo pipefail

PCAPS=$(cd "$(dirname "$0")" && pwd)
GEN=$PCAPS/gen
SNAPLEN=262144

PORT_NGINX=8441
PORT_OPENSSL=8442
PORT_GNUTLS=8443
PORT_NODE=8444
PORT_SAMPLE=8445

WORK=
TCPDUMP_PID=
SERVER_PIDS=()

say() { printf 'make-captures: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

cleanup() {
    local pid
    if [ -n "$TCPDUMP_PID" ]; then
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    fi
    for pid in "${SERVER_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [ -n "$WORK" ]; then
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

check_tools() {
    local tool lib
    [ "$(id -u)" -eq 0 ] || die "run as root (tcpdump on lo)"
    for tool in tcpdump tshark editcap mergecap openssl nginx gnutls-serv \
        node python3 ss timeout; do
        command -v "$tool" >/dev/null || die "missing tool: $tool"
    done
    FAKETIME_LIB=
    for lib in /usr/lib/*/faketime/libfaketime.so.1; do
        if [ -e "$lib" ]; then
            FAKETIME_LIB=$lib
        fi
    done
    [ -n "$FAKETIME_LIB" ] || die "libfaketime not found (apt-get install libfaketime)"
}

# rep HEXBYTE COUNT: write one byte COUNT times to stdout.
rep() {
    local i
    for ((i = 0; i < $2; i++)); do
        printf '%b' "\\x$1"
    done
}

# make_cert NAME: self-signed P-256 certificate for NAME in $WORK/NAME.*
make_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$WORK/$1.key" -out "$WORK/$1.crt" -days 3650 \
        -subj "/CN=$1" -addext "subjectAltName=DNS:$1" 2>/dev/null ||
        die "openssl req failed for $1"
}

# wait_listen PORT: wait until something listens on 127.0.0.1:PORT.
# Checked with ss, so no probe connection is made.
wait_listen() {
    local i
    for ((i = 0; i < 100; i++)); do
        if [ -n "$(ss -Htln "sport = :$1")" ]; then
            return 0
        fi
        sleep 0.1
    done
    die "nothing listens on port $1"
}

# wait_gone PORT: wait until nothing listens on PORT any more.
wait_gone() {
    local i
    for ((i = 0; i < 100; i++)); do
        if [ -z "$(ss -Htln "sport = :$1")" ]; then
            return 0
        fi
        sleep 0.1
    done
    die "port $1 still in use"
}

# cap_start FILE PORT: start tcpdump on lo for PORT, return once it listens.
cap_start() {
    local i
    tcpdump -i lo -s "$SNAPLEN" -U -w "$1" "tcp port $2" 2>"$1.log" &
    TCPDUMP_PID=$!
    for ((i = 0; i < 100; i++)); do
        if grep -q 'listening on' "$1.log"; then
            break
        fi
        sleep 0.1
    done
    grep -q 'listening on' "$1.log" || die "tcpdump did not start: $1.log"
    sleep 1
}

# cap_stop: give the last segments time to be written, then stop tcpdump.
cap_stop() {
    sleep 1
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=
}

# client PORT SNI VERSION WANT [s_client options...]
# One TLS connection with openssl s_client sending a tiny HTTP/1.0 request.
# VERSION is tls1_2 or tls1_3; WANT is "new" (full handshake) or "reused".
# Dies if the outcome differs, so every run yields the same handshakes.
client() {
    local port=$1 sni=$2 ver=$3 want=$4 out got
    shift 4
    out=$(printf 'GET /ok.txt HTTP/1.0\r\n\r\n' |
        timeout 20 openssl s_client -connect "127.0.0.1:$port" \
            -servername "$sni" "-$ver" -ign_eof "$@" 2>&1) || true
    case $out in
    *"Reused, TLSv"*) got=reused ;;
    *"New, TLSv"*) got=new ;;
    *)
        say "$(printf '%s' "$out" | tail -n 5)"
        die "s_client to $sni ($ver $*) failed"
        ;;
    esac
    [ "$got" = "$want" ] ||
        die "$sni $ver $*: wanted $want handshake, got $got"
    say "  $sni $ver $want $*"
}

# shift_merge OUT FILE:OFFSET...: shift each phase file so that its first
# packet lies OFFSET seconds after the first packet of the first file, and
# merge them in time order into OUT (pcap, microseconds).
shift_merge() {
    local out=$1 base first shift_s spec file off i=0
    local shifted=()
    shift
    base=
    for spec in "$@"; do
        file=${spec%:*}
        off=${spec##*:}
        first=$(tshark -r "$file" -c 1 -T fields -e frame.time_epoch \
            2>/dev/null)
        [ -n "$first" ] || die "no packets in $file"
        if [ -z "$base" ]; then
            base=$first
        fi
        shift_s=$(python3 -c '
import sys
from decimal import Decimal
base, off, first = (Decimal(a) for a in sys.argv[1:])
print("%.6f" % (base + off - first))' "$base" "$off" "$first")
        editcap -F pcap -t "$shift_s" "$file" "$file.shifted.$i"
        shifted+=("$file.shifted.$i")
        i=$((i + 1))
    done
    mergecap -F pcap -w "$out" "${shifted[@]}"
    say "wrote $out ($(stat -c %s "$out") bytes)"
}

# ---------------------------------------------------------------- nginx

# nginx_start DIR PORT SNI KEYFILE...: run nginx in the foreground with the
# given ssl_session_ticket_key files (the first encrypts, all decrypt).
nginx_start() {
    local dir=$1 port=$2 sni=$3 k keys=""
    shift 3
    for k in "$@"; do
        keys="$keys        ssl_session_ticket_key $k;"$'\n'
    done
    mkdir -p "$dir/logs"
    cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log info;
events { worker_connections 64; }
http {
    access_log off;
    default_type text/plain;
    server {
        listen 127.0.0.1:$port ssl;
        server_name $sni;
        ssl_certificate $WORK/$sni.crt;
        ssl_certificate_key $WORK/$sni.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache off;
        ssl_session_tickets on;
        ssl_session_timeout 2d;
$keys        location / { return 200 "ok\n"; }
    }
}
EOF
    nginx -p "$dir/" -e "$dir/logs/error.log" -c "$dir/nginx.conf" &
    NGINX_PID=$!
    SERVER_PIDS+=("$NGINX_PID")
    wait_listen "$port"
}

nginx_stop() {
    kill -QUIT "$NGINX_PID"
    wait "$NGINX_PID" || true
    wait_gone "$1"
}

# nginx_key FILE NAMEBYTE: 80-byte key file, key name = NAMEBYTE x 16,
# then 32 bytes of HMAC secret and 32 bytes of AES-256 key.
nginx_key() {
    { rep "$2" 16; rep 5a 32; rep a5 32; } >"$1"
}

make_nginx_rotation() {
    local d=$WORK/nginx p=$PORT_NGINX s=nginx.test
    say "nginx-rotation: keys aa.., bb.., cc.."
    mkdir -p "$d"
    make_cert "$s"
    nginx_key "$d/A.key" aa
    nginx_key "$d/B.key" bb
    nginx_key "$d/C.key" cc

    say "phase 0 (t=0): keys [A]"
    nginx_start "$d/srv0" "$p" "$s" "$d/A.key"
    cap_start "$d/p0.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_out "$d/a12.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/a12.sess"
    client "$p" "$s" tls1_3 new -sess_out "$d/a13.sess"
    client "$p" "$s" tls1_3 reused -sess_in "$d/a13.sess"
    cap_stop
    nginx_stop "$p"

    say "phase 1 (t=+12h): keys [B, A]"
    nginx_start "$d/srv1" "$p" "$s" "$d/B.key" "$d/A.key"
    cap_start "$d/p1.pcap" "$p"
    client "$p" "$s" tls1_2 reused -sess_in "$d/a12.sess"
    client "$p" "$s" tls1_3 reused -sess_in "$d/a13.sess"
    client "$p" "$s" tls1_2 new -sess_out "$d/b12.sess"
    client "$p" "$s" tls1_3 new -sess_out "$d/b13.sess"
    cap_stop
    nginx_stop "$p"

    say "phase 2 (t=+34h): keys [C, B]"
    nginx_start "$d/srv2" "$p" "$s" "$d/C.key" "$d/B.key"
    cap_start "$d/p2.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_in "$d/a12.sess"
    client "$p" "$s" tls1_3 new -sess_in "$d/a13.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/b12.sess"
    client "$p" "$s" tls1_3 reused -sess_in "$d/b13.sess"
    cap_stop
    nginx_stop "$p"

    shift_merge "$PCAPS/nginx-rotation.pcap" "$d/p0.pcap:0" \
        "$d/p1.pcap:43200" "$d/p2.pcap:122400"
}

make_sample_basic() {
    local d=$WORK/sample p=$PORT_SAMPLE s=sample.test
    say "sample-basic: nginx, key 5e.."
    mkdir -p "$d"
    make_cert "$s"
    nginx_key "$d/S.key" 5e
    nginx_start "$d/srv" "$p" "$s" "$d/S.key"
    cap_start "$d/p0.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_out "$d/s12.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/s12.sess"
    client "$p" "$s" tls1_3 new -sess_out "$d/s13.sess"
    client "$p" "$s" tls1_3 reused -sess_in "$d/s13.sess"
    cap_stop
    nginx_stop "$p"
    shift_merge "$PCAPS/sample-basic.pcap" "$d/p0.pcap:0"
}

# ------------------------------------------------------- openssl s_server

make_openssl_stale() {
    local d=$WORK/openssl p=$PORT_OPENSSL s=openssl.test pid
    say "openssl-stale: one s_server process, its own random key"
    mkdir -p "$d/www"
    make_cert "$s"
    printf 'ok\n' >"$d/www/ok.txt"
    # -no_cache: resumption by ticket only. -WWW serves ok.txt from cwd.
    (cd "$d/www" && exec openssl s_server -accept "127.0.0.1:$p" \
        -cert "$WORK/$s.crt" -key "$WORK/$s.key" -WWW -no_cache \
        -quiet </dev/null >"$d/server.log" 2>&1) &
    pid=$!
    SERVER_PIDS+=("$pid")
    wait_listen "$p"

    say "phase 0 (t=0)"
    cap_start "$d/p0.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_out "$d/o0.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/o0.sess"
    cap_stop

    say "phase 1 (t=+20h)"
    cap_start "$d/p1.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_out "$d/o1.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/o1.sess"
    cap_stop

    say "phase 2 (t=+40h)"
    cap_start "$d/p2.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_out "$d/o2.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/o2.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/o0.sess"
    cap_stop

    kill -TERM "$pid"
    wait "$pid" || true
    wait_gone "$p"
    shift_merge "$PCAPS/openssl-stale.pcap" "$d/p0.pcap:0" \
        "$d/p1.pcap:72000" "$d/p2.pcap:144000"
}

# ------------------------------------------------------------ gnutls-serv

# gnutls-serv derives its ticket key from a random master key and
# T = floor(unix_time / (3 * expire_time)); expire_time defaults to 6h,
# so the key changes at every multiple of 64800 s (18h) of Unix time, and
# the key of the previous period still decrypts. TLS 1.2 tickets also
# expire 6h after issue. The server runs under libfaketime; its clock
# offset is read from a file that each phase rewrites.
GNUTLS_PERIOD=64800

make_gnutls_rotation() {
    local d=$WORK/gnutls p=$PORT_GNUTLS s=gnutls.test pid now e0
    local ph=(54000 72000 82800 133200)
    say "gnutls-rotation: gnutls-serv under libfaketime"
    mkdir -p "$d"
    make_cert "$s"
    printf 'ok\n' >"$d/body.txt"
    # Fake time of phase N = E0 + ph[N]: phase 0 is 15h into the period
    # that starts at E0, phase 1 is 2h into the next, phase 2 5h into it,
    # phase 3 1h into the one after.
    now=$(date +%s)
    e0=$(((now / GNUTLS_PERIOD + 1) * GNUTLS_PERIOD))
    echo "+$((e0 + ph[0] - now))" >"$d/faketime"
    LD_PRELOAD=$FAKETIME_LIB FAKETIME_TIMESTAMP_FILE=$d/faketime \
        FAKETIME_NO_CACHE=1 gnutls-serv --nodb --http \
        --httpdata="$d/body.txt" -p "$p" --x509certfile="$WORK/$s.crt" \
        --x509keyfile="$WORK/$s.key" </dev/null >"$d/server.log" 2>&1 &
    pid=$!
    SERVER_PIDS+=("$pid")
    wait_listen "$p"

    say "phase 0 (t=0, 15h into key period k)"
    cap_start "$d/p0.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_out "$d/g0.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/g0.sess"
    cap_stop

    say "phase 1 (t=+5h, period k+1)"
    echo "+$((e0 + ph[1] - $(date +%s)))" >"$d/faketime"
    cap_start "$d/p1.pcap" "$p"
    client "$p" "$s" tls1_2 reused -sess_in "$d/g0.sess"
    client "$p" "$s" tls1_2 new -sess_out "$d/g1.sess"
    cap_stop

    say "phase 2 (t=+8h, period k+1)"
    echo "+$((e0 + ph[2] - $(date +%s)))" >"$d/faketime"
    cap_start "$d/p2.pcap" "$p"
    client "$p" "$s" tls1_2 reused -sess_in "$d/g1.sess"
    client "$p" "$s" tls1_2 new -sess_in "$d/g0.sess"
    cap_stop

    say "phase 3 (t=+22h, period k+2)"
    echo "+$((e0 + ph[3] - $(date +%s)))" >"$d/faketime"
    cap_start "$d/p3.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_in "$d/g1.sess"
    client "$p" "$s" tls1_2 new -sess_out "$d/g3.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/g3.sess"
    cap_stop

    kill -TERM "$pid"
    wait "$pid" || true
    wait_gone "$p"
    shift_merge "$PCAPS/gnutls-rotation.pcap" "$d/p0.pcap:0" \
        "$d/p1.pcap:$((ph[1] - ph[0]))" "$d/p2.pcap:$((ph[2] - ph[0]))" \
        "$d/p3.pcap:$((ph[3] - ph[0]))"
}

# ------------------------------------------------------------------ node

# node_key FILE NAMEBYTE: 48-byte setTicketKeys() buffer, name = NAMEBYTE x 16.
node_key() {
    { rep "$2" 16; rep 5a 16; rep a5 16; } >"$1"
}

# node_wait_key DIR HEXNAME: wait until the server says HEXNAME is in force.
node_wait_key() {
    local i
    for ((i = 0; i < 100; i++)); do
        if [ "$(cat "$1/ready" 2>/dev/null)" = "$2" ]; then
            return 0
        fi
        sleep 0.1
    done
    die "node server did not install key $2"
}

# node_rotate DIR NAMEBYTE: install a new ticket key through SIGHUP.
node_rotate() {
    rm -f "$1/ready"
    node_key "$1/ticket.key" "$2"
    kill -HUP "$NODE_PID"
    node_wait_key "$1" "$(rep "$2" 16 | od -An -tx1 | tr -d ' \n')"
}

make_node_rotation() {
    local d=$WORK/node p=$PORT_NODE s=node.test
    say "node-rotation: setTicketKeys 11.., 22.., 33.."
    mkdir -p "$d"
    make_cert "$s"
    node_key "$d/ticket.key" 11
    node "$GEN/node-server.js" "$p" "$WORK/$s.crt" "$WORK/$s.key" \
        "$d/ticket.key" "$d/ready" >"$d/server.log" 2>&1 &
    NODE_PID=$!
    SERVER_PIDS+=("$NODE_PID")
    wait_listen "$p"
    node_wait_key "$d" 11111111111111111111111111111111

    say "phase 0 (t=0): key 11.."
    cap_start "$d/p0.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_out "$d/n1-12.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/n1-12.sess"
    client "$p" "$s" tls1_3 new -sess_out "$d/n1-13.sess"
    client "$p" "$s" tls1_3 reused -sess_in "$d/n1-13.sess"
    cap_stop

    say "phase 1 (t=+1d): key 22.."
    node_rotate "$d" 22
    cap_start "$d/p1.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_in "$d/n1-12.sess" \
        -sess_out "$d/n2-12.sess"
    client "$p" "$s" tls1_3 new -sess_in "$d/n1-13.sess" \
        -sess_out "$d/n2-13.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/n2-12.sess"
    client "$p" "$s" tls1_3 reused -sess_in "$d/n2-13.sess"
    cap_stop

    say "phase 2 (t=+2d): key 33.."
    node_rotate "$d" 33
    cap_start "$d/p2.pcap" "$p"
    client "$p" "$s" tls1_2 new -sess_in "$d/n2-12.sess" \
        -sess_out "$d/n3-12.sess"
    client "$p" "$s" tls1_3 new -sess_in "$d/n2-13.sess" \
        -sess_out "$d/n3-13.sess"
    client "$p" "$s" tls1_2 reused -sess_in "$d/n3-12.sess"
    client "$p" "$s" tls1_3 reused -sess_in "$d/n3-13.sess"
    cap_stop

    kill -TERM "$NODE_PID"
    wait "$NODE_PID" || true
    wait_gone "$p"
    shift_merge "$PCAPS/node-rotation.pcap" "$d/p0.pcap:0" \
        "$d/p1.pcap:86400" "$d/p2.pcap:172800"
}

# ------------------------------------------------------------------ main

# key_names FILE: each ticket key name issued in FILE with its count.
key_names() {
    tshark -r "$1" -Y tls.handshake.session_ticket -T fields \
        -e tls.handshake.session_ticket 2>/dev/null |
        tr ',' '\n' | cut -c1-32 | sort | uniq -c
}

main() {
    local only=${1:-all} f
    check_tools
    WORK=$(mktemp -d /tmp/stekwatch-pcaps.XXXXXX)
    case $only in
    all)
        make_sample_basic
        make_nginx_rotation
        make_openssl_stale
        make_gnutls_rotation
        make_node_rotation
        ;;
    sample) make_sample_basic ;;
    nginx) make_nginx_rotation ;;
    openssl) make_openssl_stale ;;
    gnutls) make_gnutls_rotation ;;
    node) make_node_rotation ;;
    *) die "usage: $0 [all|sample|nginx|openssl|gnutls|node]" ;;
    esac
    for f in "$PCAPS"/*.pcap; do
        say "$(basename "$f"): tickets issued per key name:"
        key_names "$f" >&2
    done
}

main "$@"
