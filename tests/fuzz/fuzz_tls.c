/* fuzz_tls.c - libFuzzer harness for the TLS connection parser.
 *
 * Input: one mode byte, then chunks. Mode 0xff parses the rest as a
 * NewSessionTicket body (TLS 1.2 and 1.3). Otherwise each chunk is a
 * 2-byte header and its bytes:
 *   byte 0: bit 0 direction; bits 1-2 op (3 = gap, else data); bit 3
 *           long chunk; bits 4-7 time step
 *   byte 1: length - 1, times 64 for a long chunk
 * A gap has no bytes. Each chunk is copied into its own exactly sized
 * heap buffer, so AddressSanitizer sees any read past its end, and the
 * parser must keep what it needs across calls. The sink reads every field
 * of every handshake and checks the invariants tls.h promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/endpoint.h"
#include "parse/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink_byte;

static void touch_bytes(const uint8_t *p, size_t n)
{
    uint8_t x = 0;

    for (size_t i = 0; i < n; i++)
        x ^= p[i];
    sink_byte ^= x;
}

static void touch_ticket(const struct sw_tls_ticket *t)
{
    if (t->len && !t->data)
        abort();
    if (t->data)
        touch_bytes(t->data, t->len);
    touch_bytes(t->sha256, sizeof(t->sha256));
    sink_byte ^= (uint8_t)(t->ts ^ t->lifetime ^ t->age ^ t->kind);
}

static void on_handshake(void *ctx, const struct sw_tls_handshake *hs)
{
    (void)ctx;
    if (!memchr(hs->sni, 0, sizeof(hs->sni)))
        abort();
    touch_bytes((const uint8_t *)hs->sni, strlen(hs->sni));
    touch_bytes(hs->client.addr, sizeof(hs->client.addr));
    touch_bytes(hs->server.addr, sizeof(hs->server.addr));
    if (hs->n_offered > SW_TLS_MAX_OFFERED || hs->n_issued > SW_TLS_MAX_ISSUED)
        abort();
    if (hs->accepted < -1 || hs->accepted >= (int)hs->n_offered)
        abort();
    for (size_t i = 0; i < hs->n_offered; i++)
        touch_ticket(&hs->offered_tickets[i]);
    for (size_t i = 0; i < hs->n_issued; i++)
        touch_ticket(&hs->issued[i]);
    sink_byte ^=
        (uint8_t)(hs->client.port ^ hs->server.port ^ hs->client.family ^
                  hs->server.family ^ hs->ts_client_hello ^ hs->ts_decision ^
                  hs->client_version ^ hs->version ^ hs->hello_retry ^
                  hs->asked_ticket ^ hs->offered ^ hs->outcome ^
                  hs->resumed_by ^ hs->selected_identity ^ hs->renewal ^
                  hs->alert ^ hs->ticket_ack ^ hs->early_data ^ hs->psk_modes);
}

static void fuzz_nst(const uint8_t *data, size_t size)
{
    struct sw_tls_nst nst;
    uint8_t *body = malloc(size ? size : 1);

    if (!body)
        return;
    memcpy(body, data, size);
    if (sw_tls_parse_nst12(body, size, &nst) == SW_OK && nst.ticket)
        touch_bytes(nst.ticket, nst.ticket_len);
    if (sw_tls_parse_nst13(body, size, &nst) == SW_OK) {
        touch_bytes(nst.ticket, nst.ticket_len);
        if (nst.nonce)
            touch_bytes(nst.nonce, nst.nonce_len);
    }
    free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct sw_endpoint a = {4, {10, 0, 0, 1}, 40000};
    static const struct sw_endpoint b = {4, {10, 0, 0, 2}, 443};
    const struct sw_tls_sink sink = {NULL, on_handshake};
    struct sw_tls_counters counters;
    struct sw_tls_conn *c;
    int64_t ts = 1000000000;
    size_t i = 1;

    if (size < 1)
        return 0;
    if (data[0] == 0xff) {
        fuzz_nst(data + 1, size - 1);
        return 0;
    }
    memset(&counters, 0, sizeof(counters));
    c = sw_tls_conn_new(&a, &b, &sink, &counters);
    if (!c)
        return 0;
    while (i + 2 <= size) {
        uint8_t h = data[i];
        unsigned dir = h & 1;
        size_t len = (size_t)data[i + 1] + 1;
        uint8_t *chunk;

        i += 2;
        ts += (int64_t)(h >> 4) * 1000;
        if (((h >> 1) & 3) == 3) {
            sw_tls_conn_gap(c, dir, ts);
            continue;
        }
        if (h & 8)
            len *= 64;
        if (len > size - i)
            len = size - i;
        chunk = malloc(len ? len : 1);
        if (!chunk)
            break;
        memcpy(chunk, data + i, len);
        i += len;
        sw_tls_conn_data(c, dir, chunk, len, ts);
        free(chunk);
        (void)sw_tls_conn_done(c);
    }
    sw_tls_conn_end(c, ts);
    return 0;
}
