/* events.c - one JSON line per handshake (members listed in events.h). */
#include "report/events.h"

#include <string.h>

#include "report/json.h"

const char *sw_events_version_name(uint16_t v, char *buf, size_t n)
{
    switch (v) {
    case 0:
        return NULL;
    case 0x0300:
        return "SSLv3";
    case 0x0301:
        return "TLSv1.0";
    case 0x0302:
        return "TLSv1.1";
    case 0x0303:
        return "TLSv1.2";
    case 0x0304:
        return "TLSv1.3";
    default:
        snprintf(buf, n, "0x%04x", (unsigned)v);
        return buf;
    }
}

static const char *outcome_name(enum sw_tls_outcome o)
{
    switch (o) {
    case SW_OUTCOME_FULL:
        return "full";
    case SW_OUTCOME_RESUMED:
        return "resumed";
    case SW_OUTCOME_REJECTED:
        return "rejected";
    case SW_OUTCOME_UNKNOWN:
    default:
        return "unknown";
    }
}

static const char *resumed_by_name(enum sw_tls_resumed_by r)
{
    switch (r) {
    case SW_RESUMED_TICKET:
        return "ticket";
    case SW_RESUMED_PSK:
        return "psk";
    case SW_RESUMED_SESSION_ID:
        return "session-id";
    case SW_RESUMED_NONE:
    default:
        return NULL;
    }
}

/* One ticket object; issued ones carry their lifetime hint. */
static void write_ticket(FILE *out, const struct sw_tls_ticket *t, bool issued,
                         bool raw)
{
    enum sw_ticket_format f = SW_TKT_KEYNAME16;
    struct sw_keyid id;

    memset(&id, 0, sizeof(id));
    if (t->data && t->len) {
        f = sw_ticket_guess_format(t->data, t->len);
        sw_ticket_keyid(t->data, t->len, f, &id);
    }
    fputs("{\"key_name\":", out);
    if (id.len > 0 && id.len <= SW_KEYID_MAX) {
        sw_json_hex(out, id.bytes, id.len);
        fputs(",\"format\":", out);
        sw_json_str(out, sw_ticket_format_name(f));
    } else {
        fputs("null,\"format\":null", out);
    }
    if (issued)
        fprintf(out, ",\"lifetime_hint\":%lu", (unsigned long)t->lifetime);
    fputs(",\"sha256\":", out);
    sw_json_hex(out, t->sha256, sizeof(t->sha256));
    if (raw) {
        fputs(",\"raw\":", out);
        if (t->data)
            sw_json_hex(out, t->data, t->len);
        else
            fputs("null", out);
    }
    fputc('}', out);
}

static void write_offered(FILE *out, const struct sw_tls_handshake *hs,
                          bool raw)
{
    static const struct {
        unsigned bit;
        const char *name;
    } kinds[] = {{SW_OFFER_PSK, "psk"},
                 {SW_OFFER_TICKET, "ticket"},
                 {SW_OFFER_SESSION_ID, "session-id"}};
    const char *primary = "none";
    size_t n =
        hs->n_offered < SW_TLS_MAX_OFFERED ? hs->n_offered : SW_TLS_MAX_OFFERED;
    bool first = true;

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (hs->offered & kinds[i].bit) {
            primary = kinds[i].name;
            break;
        }
    }
    fprintf(out, ",\"offered\":\"%s\",\"offered_all\":[", primary);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (hs->offered & kinds[i].bit) {
            fprintf(out, "%s\"%s\"", first ? "" : ",", kinds[i].name);
            first = false;
        }
    }
    fputs("],\"offered_tickets\":[", out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        write_ticket(out, &hs->offered_tickets[i], false, raw);
    }
    fputc(']', out);
}

int sw_events_write(FILE *out, const struct sw_tls_handshake *hs, bool raw)
{
    size_t n =
        hs->n_issued < SW_TLS_MAX_ISSUED ? hs->n_issued : SW_TLS_MAX_ISSUED;
    char vbuf[16];
    const char *sni = hs->sni;

    if (memchr(hs->sni, '\0', sizeof(hs->sni)) == NULL || sni[0] == '\0')
        sni = NULL;
    fputs("{\"time\":", out);
    sw_json_time(out, hs->ts_client_hello);
    fputs(",\"client\":", out);
    sw_json_endpoint(out, &hs->client);
    fputs(",\"server\":", out);
    sw_json_endpoint(out, &hs->server);
    fputs(",\"sni\":", out);
    sw_json_str(out, sni);
    fputs(",\"version\":", out);
    sw_json_str(out, sw_events_version_name(hs->version, vbuf, sizeof(vbuf)));
    write_offered(out, hs, raw);
    fprintf(out,
            ",\"outcome\":\"%s\",\"resumed_by\":", outcome_name(hs->outcome));
    sw_json_str(out, resumed_by_name(hs->resumed_by));
    fputs(",\"selected_identity\":", out);
    if (hs->selected_identity >= 0)
        fprintf(out, "%d", hs->selected_identity);
    else
        fputs("null", out);
    fprintf(out, ",\"hello_retry\":%s,\"renewal\":%s,\"issued\":[",
            hs->hello_retry ? "true" : "false", hs->renewal ? "true" : "false");
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        write_ticket(out, &hs->issued[i], true, raw);
    }
    fputs("]}\n", out);
    return ferror(out) ? -1 : 0;
}
