#!/usr/bin/env bash
# tshark-facts.sh: the ticket facts of a capture, read with tshark alone.
#
# Usage: bash pcaps/gen/tshark-facts.sh FILE.pcap
#
# An independent check of what stekwatch should report: one line per TLS
# handshake (TCP stream), then per key name the tickets issued, offered,
# accepted and rejected. How each fact is read:
#   - key name: the first 16 bytes of a ticket, as lowercase hex.
#   - issued: a NewSessionTicket in the clear (TLS 1.2). TLS 1.3 sends its
#     tickets encrypted, so they are not visible to a passive observer.
#   - offered: TLS 1.2, the data of the ClientHello's session_ticket
#     extension (tls.handshake.extension.data: with openssl s_client it is
#     the only extension tshark leaves undissected); TLS 1.3, each
#     pre_shared_key identity (tls.handshake.extensions.psk.identity.identity).
#   - accepted: TLS 1.3, the ServerHello selects a PSK identity
#     (tls.handshake.extensions.psk.identity.selected); TLS 1.2, the
#     ServerHello echoes the ClientHello's non-empty session id and no
#     Certificate (handshake type 11) follows.
#   - rejected: offered, and the ServerHello does not accept it.
# Times are seconds since the first packet of the capture
# (frame.time_relative) of the frame that completes the message.

set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 FILE.pcap" >&2; exit 2; }

tshark -r "$1" -Y tls.handshake -T fields -E separator='|' \
    -e frame.time_relative -e tcp.stream -e tls.handshake.type \
    -e tls.handshake.extensions_server_name -e tls.handshake.session_id \
    -e tls.handshake.extension.data \
    -e tls.handshake.extensions.psk.identity.identity \
    -e tls.handshake.extensions.psk.identity.selected \
    -e tls.handshake.extensions.supported_version \
    -e tls.handshake.session_ticket_lifetime_hint \
    -e tls.handshake.session_ticket 2>/dev/null |
awk -F'|' '
function name(t) { return substr(t, 1, 32) }
function t6(a, k) { return (k in a) ? sprintf("%.6f", a[k]) : "-" }
function has(list, v,    n, a, i) {
    n = split(list, a, ",")
    for (i = 1; i <= n; i++) if (a[i] == v) return 1
    return 0
}
function note_key(k) {
    if (!(k in seen)) { seen[k] = 1; order[++nkeys] = k }
}
function use(k, t) {
    if (!(k in used_first) || t < used_first[k]) used_first[k] = t
    if (!(k in used_last) || t > used_last[k]) used_last[k] = t
}
function seen_at(k, t) {
    if (!(k in used_first) || t < used_first[k]) used_first[k] = t
}
function keep_hint(k, h) {
    if (!index("," hints[k] ",", "," h ","))
        hints[k] = hints[k] (hints[k] == "" ? "" : ",") h
}
{
    t = $1; s = $2; types = $3
    if (!(s in first)) { first[s] = t; streams[++nstreams] = s }
    if (has(types, 1)) {
        sni[s] = $4; chsid[s] = $5; off12[s] = ""; off13[s] = ""
        if ($6 != "" && $6 != "<MISSING>") {
            off12[s] = name($6); note_key(off12[s])
            offered[off12[s]]++; tick12[s] = $6
            k = off12[s]; seen_at(k, t)
            if (!(k in off_first)) off_first[k] = t
            off_last[k] = t
        }
        if ($7 != "") {
            n = split($7, ids, ",")
            for (i = 1; i <= n; i++) {
                k = name(ids[i]); note_key(k); offered[k]++; seen_at(k, t)
                if (!(k in off_first)) off_first[k] = t
                off_last[k] = t
                off13[s] = off13[s] (i > 1 ? "," : "") name(ids[i])
            }
        }
    }
    if (has(types, 2)) {
        ver[s] = has($9, "0x0304") ? "1.3" : "1.2"
        res[s] = "full"
        if (ver[s] == "1.3" && off13[s] != "") {
            split(off13[s], ids, ",")
            if ($8 != "") {
                k = ids[$8 + 1]
                res[s] = "accepted " k; accepted[k]++
                acc_last[k] = t; use(k, t)
                for (i in ids) if (i != $8 + 1) other[s] = 1
            } else {
                res[s] = "rejected"
                for (i in ids) {
                    rejected[ids[i]]++
                    if (!(ids[i] in rej_first)) rej_first[ids[i]] = t
                }
            }
        } else if (ver[s] == "1.2" && off12[s] != "") {
            if ($5 != "" && $5 == chsid[s] && !has(types, 11)) {
                k = off12[s]
                res[s] = "accepted " k; accepted[k]++
                acc_last[k] = t; use(k, t)
                if (tick12[s] in issued_at) {
                    age = t - issued_at[tick12[s]]
                    if (!(k in max_age) || age > max_age[k]) max_age[k] = age
                }
            } else {
                k = off12[s]
                res[s] = "rejected " k; rejected[k]++
                if (!(k in rej_first)) rej_first[k] = t
            }
        }
    }
    if (has(types, 4) && $11 != "") {
        n = split($11, tk, ",")
        for (i = 1; i <= n; i++) {
            k = name(tk[i]); note_key(k); issued[k]++
            if (!(k in iss_first)) iss_first[k] = t
            iss_last[k] = t; use(k, t); keep_hint(k, $10)
            if (!(tk[i] in issued_at)) issued_at[tk[i]] = t
            iss[s] = iss[s] (iss[s] == "" ? "" : ",") k
        }
        hint[s] = $10
    }
}
END {
    printf "%-6s %-18s %-12s %-4s %-32s %-41s %s\n", "stream", "time",
        "sni", "ver", "offered", "outcome", "issued (hint s)"
    for (j = 1; j <= nstreams; j++) {
        s = streams[j]
        off = off12[s] != "" ? off12[s] : (off13[s] != "" ? off13[s] : "-")
        printf "%-6s %-18s %-12s %-4s %-32s %-41s %s\n", s, first[s],
            sni[s], ver[s], off, res[s],
            iss[s] == "" ? "-" : iss[s] " (" hint[s] ")"
    }
    printf "\n%-32s %6s %7s %8s %8s\n", "key name", "issued", "offered",
        "accepted", "rejected"
    for (j = 1; j <= nkeys; j++) {
        k = order[j]
        printf "%-32s %6d %7d %8d %8d\n", k, issued[k], offered[k],
            accepted[k], rejected[k]
    }
    print "\nper key, seconds since the first packet (- never):"
    for (j = 1; j <= nkeys; j++) {
        k = order[j]
        printf "%s\n  issued first %s last %s  hints %s\n", k,
            t6(iss_first, k), t6(iss_last, k), hints[k] == "" ? "-" : hints[k]
        printf "  offered first %s last %s\n", t6(off_first, k),
            t6(off_last, k)
        printf "  accepted last %s  rejected first %s\n", t6(acc_last, k),
            t6(rej_first, k)
        span = "-"
        if (k in used_last)
            span = sprintf("%.6f", used_last[k] - used_first[k])
        printf "  in use %s (first sighting %s, last issue or accept %s)\n",
            span, t6(used_first, k), t6(used_last, k)
        printf "  max accepted ticket age (TLS 1.2 issue to acceptance) %s\n",
            t6(max_age, k)
    }
}'
