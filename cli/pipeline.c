/* pipeline.c - frames through flows and TLS into the key table. */
#include "cli/pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture/flow.h"
#include "capture/packet.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "parse/tls.h"
#include "report/events.h"
#include "report/keytable.h"

struct sw_pipeline {
    struct sw_cap_counters cap;
    struct sw_tls_counters tls;
    struct sw_flow_config flow_cfg;
    struct sw_flow_consumer consumer;
    struct sw_flow_table *flows;
    uint64_t flows_before; /* flows of tables already flushed */
    struct sw_keytable *keys;
    struct sw_tls_sink sink;
    FILE *events;
    bool raw_tickets;
    bool events_failed;
    bool nomem_logged;
    int64_t first_ts, last_ts;
};

/* TLS sink: every handshake goes to the key table and the event stream. */
static void on_handshake(void *ctx, const struct sw_tls_handshake *hs)
{
    struct sw_pipeline *p = ctx;

    if (sw_keytable_add(p->keys, hs) != SW_OK && !p->nomem_logged) {
        SW_LOG(SW_LOG_WARN, "key table: out of memory, handshakes lost");
        p->nomem_logged = true;
    }
    if (p->events && sw_events_write(p->events, hs, p->raw_tickets)) {
        p->events_failed = true;
        p->events = NULL;
    }
}

/* Flow callbacks: each TCP flow gets a TLS connection parser, and a flow
 * whose parser has nothing more to learn stops costing anything. */

static void *flow_open(void *ctx, struct sw_flow *f, int64_t ts)
{
    struct sw_pipeline *p = ctx;

    (void)ts;
    return sw_tls_conn_new(sw_flow_endpoint(f, SW_DIR_OPENER),
                           sw_flow_endpoint(f, SW_DIR_ACCEPTER), &p->sink,
                           &p->tls);
}

static void flow_data(void *ctx, struct sw_flow *f, void *state,
                      enum sw_flow_dir dir, const uint8_t *b, size_t n,
                      int64_t ts)
{
    (void)ctx;
    if (state)
        sw_tls_conn_data(state, (unsigned)dir, b, n, ts);
    if (!state || sw_tls_conn_done(state))
        sw_flow_finish(f);
}

static void flow_gap(void *ctx, struct sw_flow *f, void *state,
                     enum sw_flow_dir dir, uint64_t len, int64_t ts)
{
    (void)ctx;
    (void)len;
    if (state)
        sw_tls_conn_gap(state, (unsigned)dir, ts);
    if (!state || sw_tls_conn_done(state))
        sw_flow_finish(f);
}

static void flow_close(void *ctx, struct sw_flow *f, void *state,
                       enum sw_flow_end why, int64_t ts)
{
    (void)ctx;
    (void)f;
    (void)why;
    sw_tls_conn_end(state, ts);
}

struct sw_pipeline *sw_pipeline_new(FILE *events, bool raw_tickets)
{
    struct sw_pipeline *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->events = events;
    p->raw_tickets = raw_tickets;
    p->first_ts = p->last_ts = SW_TIME_NONE;
    p->sink = (struct sw_tls_sink){p, on_handshake};
    p->consumer = (struct sw_flow_consumer){p, flow_open, flow_data, flow_gap,
                                            flow_close};
    sw_flow_config_default(&p->flow_cfg);
    p->keys = sw_keytable_new();
    p->flows = sw_flow_table_new(&p->flow_cfg, &p->consumer, &p->cap);
    if (!p->keys || !p->flows) {
        sw_pipeline_free(p);
        return NULL;
    }
    return p;
}

void sw_pipeline_frame(struct sw_pipeline *p, const struct sw_frame *fr)
{
    struct sw_packet pkt;

    if (p->first_ts == SW_TIME_NONE || fr->ts < p->first_ts)
        p->first_ts = fr->ts;
    if (p->last_ts == SW_TIME_NONE || fr->ts > p->last_ts)
        p->last_ts = fr->ts;
    if (!p->flows)
        return;
    if (sw_packet_decode_wire(fr->dlt, fr->data, fr->caplen, fr->wirelen,
                              fr->ts, &pkt, &p->cap) != SW_OK)
        return;
    sw_flow_table_input(p->flows, &pkt);
}

void sw_pipeline_flush(struct sw_pipeline *p)
{
    if (!p->flows)
        return;
    p->flows_before += sw_flow_table_total(p->flows);
    sw_flow_table_free(p->flows, p->last_ts);
    p->flows = sw_flow_table_new(&p->flow_cfg, &p->consumer, &p->cap);
    if (!p->flows)
        SW_LOG(SW_LOG_WARN, "flow table: out of memory, packets ignored");
}

/* Collect the non-zero anomaly counts of both layers, by name. */
static size_t collect_anomalies(const struct sw_pipeline *p,
                                struct sw_counter *out)
{
    size_t n = 0;

    for (int a = 0; a < SW_CAP_AN_COUNT; a++)
        if (p->cap.anomalies[a])
            out[n++] =
                (struct sw_counter){sw_cap_anomaly_name((enum sw_cap_anomaly)a),
                                    p->cap.anomalies[a]};
    for (int a = 0; a < SW_TLS_AN_COUNT; a++)
        if (p->tls.anomalies[a])
            out[n++] =
                (struct sw_counter){sw_tls_anomaly_name((enum sw_tls_anomaly)a),
                                    p->tls.anomalies[a]};
    if (p->cap.ip_fragments_first)
        out[n++] =
            (struct sw_counter){"ip_fragment_first", p->cap.ip_fragments_first};
    if (p->cap.ip_fragments_later)
        out[n++] = (struct sw_counter){"ip_fragment_later_ignored",
                                       p->cap.ip_fragments_later};
    return n;
}

int sw_pipeline_report(const struct sw_pipeline *p, FILE *out,
                       enum sw_report_format fmt, const char *const *sources,
                       size_t n_sources, const struct sw_policy *pol)
{
    struct sw_counter anomalies[SW_CAP_AN_COUNT + SW_TLS_AN_COUNT + 2];
    struct sw_run_info info = {
        .sources = sources,
        .n_sources = n_sources,
        .packets = p->cap.packets,
        .bytes = p->cap.bytes,
        .first_packet = p->first_ts,
        .last_packet = p->last_ts,
        .flows =
            p->flows_before + (p->flows ? sw_flow_table_total(p->flows) : 0),
        .anomalies = anomalies,
    };

    info.n_anomalies = collect_anomalies(p, anomalies);
    return sw_report_write(out, fmt, p->keys, &info, pol);
}

bool sw_pipeline_events_failed(const struct sw_pipeline *p)
{
    return p->events_failed;
}

void sw_pipeline_free(struct sw_pipeline *p)
{
    if (!p)
        return;
    sw_flow_table_free(p->flows, p->last_ts);
    sw_keytable_free(p->keys);
    free(p);
}
