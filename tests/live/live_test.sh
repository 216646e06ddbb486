#!/usr/bin/env bash
# live_test.sh - live capture on loopback with a real TLS server
# (openssl s_server), a client resuming its session, and the server
# restarted with new ticket keys while stekwatch runs: the SIGUSR1 report
# and the SIGTERM final report are checked, and stekwatch must have left
# root for nobody once the interface was open. Then a second monitor is
# started on the same --state, as the service unit restarts it: the keys
# and their timelines must go on where the first one stopped.
# usage: live_test.sh STEKWATCH
# Exit 77 (skipped) when not root or without openssl or python3.
set -u
sw=$1
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
for t in openssl python3; do
    command -v $t >/dev/null || { echo "skipped: $t not found"; exit 77; }
done
id nobody >/dev/null 2>&1 || { echo "skipped: no user nobody"; exit 77; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
mkdir -m 777 "$tmp/out"
srv_pid= sw_pid=
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
    [ -n "$sw_pid" ] && kill "$sw_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=live.test -days 1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null ||
    fail "cannot make a certificate"
port=$((20000 + RANDOM % 20000))

start_server() {
    openssl s_server -quiet -www -accept "127.0.0.1:$port" \
        -cert "$tmp/cert.pem" -key "$tmp/key.pem" </dev/null \
        >/dev/null 2>&1 &
    srv_pid=$!
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    fail "openssl s_server did not start"
}

# client ARGS: one TLS 1.2 handshake (its tickets are in clear).
client() {
    openssl s_client -connect "127.0.0.1:$port" -servername live.test \
        -tls1_2 "$@" </dev/null >/dev/null 2>&1
}

# json_get FILE EXPR: a Python expression over the report as `r`.
json_get() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

start_server
# start_monitor: stekwatch as the service runs it; waits until it has
# left root, which it does once the interface is open.
start_monitor() {
    "$sw" -i lo --format json -o "$tmp/out/report.json" \
        --state "$tmp/out/state.db" --events "$tmp/out/events.json" \
        tcp port "$port" 2>"$tmp/err" &
    sw_pid=$!
    for _ in $(seq 50); do
        uid=$(awk '/^Uid:/ {print $2}' "/proc/$sw_pid/status" 2>/dev/null)
        [ "$uid" = "$nobody" ] && break
        sleep 0.1
    done
    [ "$uid" = "$nobody" ] ||
        fail "stekwatch did not drop to nobody: $(cat "$tmp/err")"
}

# stop_monitor: SIGTERM, which must end it with status 0.
stop_monitor() {
    kill -TERM "$sw_pid"
    wait "$sw_pid"
    status=$?
    sw_pid=
    [ "$status" = 0 ] || fail "exit status $status: $(cat "$tmp/err")"
}

nobody=$(id -u nobody)
start_monitor

client -sess_out "$tmp/s1" || fail "first client"
client -sess_in "$tmp/s1" || fail "resuming client"
sleep 0.5
kill -USR1 "$sw_pid"
for _ in $(seq 50); do
    [ -s "$tmp/out/report.json" ] && break
    sleep 0.1
done
[ -s "$tmp/out/report.json" ] || fail "no report after SIGUSR1"
got=$(json_get "$tmp/out/report.json" \
    '(r["totals"]["tls_handshakes"], r["totals"]["resumed"], len(r["keys"]), "kernel" in r["capture"])')
[ "$got" = "(2, 1, 1, True)" ] || fail "SIGUSR1 report: $got"
key1=$(json_get "$tmp/out/report.json" 'r["keys"][0]["key_name"]')

# New server process, new ticket keys: the old ticket is refused and a
# ticket under a new key is issued.
kill "$srv_pid"
wait "$srv_pid" 2>/dev/null
start_server
client -sess_in "$tmp/s1" -sess_out "$tmp/s2" ||
    fail "client after the key change"
sleep 0.5
stop_monitor
got=$(json_get "$tmp/out/report.json" \
    '(r["totals"]["tls_handshakes"], r["totals"]["resumed"], r["totals"]["rejected"], len(r["keys"]), r["keys"][0]["key_name"], r["capture"]["sources"])')
[ "$got" = "(3, 1, 1, 2, '$key1', ['lo'])" ] || fail "final report: $got"
json_get "$tmp/out/report.json" 'r["servers"][0]["notes"]' |
    grep -q "rotation seen" || fail "no rotation seen in the final report"
[ "$(wc -l <"$tmp/out/events.json")" = 3 ] || fail "events: $(cat "$tmp/out/events.json")"
first1=$(json_get "$tmp/out/report.json" 'r["keys"][0]["first_issued"]')
key2=$(json_get "$tmp/out/report.json" 'r["keys"][1]["key_name"]')

# A restart on the same state: the second key's ticket is accepted, and
# the report goes on with both keys and their first sightings.
start_monitor
client -sess_in "$tmp/s2" || fail "client after the restart"
sleep 0.5
stop_monitor
got=$(json_get "$tmp/out/report.json" \
    '(r["totals"]["tls_handshakes"], r["totals"]["resumed"], [k["key_name"] for k in r["keys"]], r["keys"][0]["first_issued"], r["keys"][1]["accepted"])')
[ "$got" = "(4, 2, ['$key1', '$key2'], '$first1', 1)" ] ||
    fail "report after the restart: $got"
[ "$(wc -l <"$tmp/out/events.json")" = 4 ] ||
    fail "events after the restart: $(cat "$tmp/out/events.json")"
echo "ok: live capture, SIGUSR1 and SIGTERM reports, privileges dropped," \
    "restart on the same state"
