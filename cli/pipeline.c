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
    bool have_kernel;
    uint64_t kernel_recv, kernel_drop, kernel_ifdrop;
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

/* A parser with nothing more to learn has reported its handshake: free
 * it now rather than when the flow ends (a long download would keep it
 * for hours), and have the flow table skip the rest of the flow. */
static void settle(struct sw_flow *f, void *state, int64_t ts)
{
    if (state && !sw_tls_conn_done(state))
        return;
    if (state) {
        sw_tls_conn_end(state, ts);
        sw_flow_drop_state(f);
    }
    sw_flow_finish(f);
}

static void flow_data(void *ctx, struct sw_flow *f, void *state,
                      enum sw_flow_dir dir, const uint8_t *b, size_t n,
                      int64_t ts)
{
    (void)ctx;
    if (state)
        sw_tls_conn_data(state, (unsigned)dir, b, n, ts);
    settle(f, state, ts);
}

static void flow_gap(void *ctx, struct sw_flow *f, void *state,
                     enum sw_flow_dir dir, uint64_t len, int64_t ts)
{
    (void)ctx;
    (void)len;
    if (state)
        sw_tls_conn_gap(state, (unsigned)dir, ts);
    settle(f, state, ts);
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
        .have_kernel_stats = p->have_kernel,
        .kernel_recv = p->kernel_recv,
        .kernel_drop = p->kernel_drop,
        .kernel_ifdrop = p->kernel_ifdrop,
    };

    info.n_anomalies = collect_anomalies(p, anomalies);
    return sw_report_write(out, fmt, p->keys, &info, pol);
}

void sw_pipeline_set_digest_max_age(struct sw_pipeline *p, int64_t max_age)
{
    sw_keytable_set_digest_max_age(p->keys, max_age);
}

void sw_pipeline_kernel_stats(struct sw_pipeline *p, uint64_t recv,
                              uint64_t drop, uint64_t ifdrop)
{
    p->have_kernel = true;
    p->kernel_recv = recv;
    p->kernel_drop = drop;
    p->kernel_ifdrop = ifdrop;
}

uint64_t sw_pipeline_handshakes(const struct sw_pipeline *p)
{
    struct sw_keytable_totals t;

    sw_keytable_totals(p->keys, &t);
    return t.handshakes;
}

void sw_pipeline_set_events(struct sw_pipeline *p, FILE *events)
{
    p->events = events;
    p->events_failed = false;
}

/* The counters a state keeps, by stable name: anomalies by their report
 * names, so that a new anomaly or a reordered enum reads old states. */
#define N_FIXED_COUNTERS 12
#define N_STATE_COUNTERS (N_FIXED_COUNTERS + SW_CAP_AN_COUNT + SW_TLS_AN_COUNT)

struct counter_ref {
    const char *name;
    uint64_t *u; /* one of these two */
    int64_t *i;
};

static size_t counter_refs(struct sw_pipeline *p, struct counter_ref *r)
{
    size_t n = 0;

    r[n++] = (struct counter_ref){"packets", &p->cap.packets, NULL};
    r[n++] = (struct counter_ref){"bytes", &p->cap.bytes, NULL};
    r[n++] = (struct counter_ref){"tcp_packets", &p->cap.tcp_packets, NULL};
    r[n++] = (struct counter_ref){"not_tcp", &p->cap.not_tcp, NULL};
    r[n++] = (struct counter_ref){"ip_fragments_first",
                                  &p->cap.ip_fragments_first, NULL};
    r[n++] = (struct counter_ref){"ip_fragments_later",
                                  &p->cap.ip_fragments_later, NULL};
    r[n++] = (struct counter_ref){"dropped_nomem", &p->cap.dropped_nomem, NULL};
    r[n++] = (struct counter_ref){"tls_connections", &p->tls.connections, NULL};
    r[n++] = (struct counter_ref){"tls_handshakes", &p->tls.handshakes, NULL};
    r[n++] = (struct counter_ref){"flows", &p->flows_before, NULL};
    r[n++] = (struct counter_ref){"first_packet", NULL, &p->first_ts};
    r[n++] = (struct counter_ref){"last_packet", NULL, &p->last_ts};
    for (int a = 0; a < SW_CAP_AN_COUNT; a++)
        r[n++] =
            (struct counter_ref){sw_cap_anomaly_name((enum sw_cap_anomaly)a),
                                 &p->cap.anomalies[a], NULL};
    for (int a = 0; a < SW_TLS_AN_COUNT; a++)
        r[n++] =
            (struct counter_ref){sw_tls_anomaly_name((enum sw_tls_anomaly)a),
                                 &p->tls.anomalies[a], NULL};
    return n;
}

enum sw_status sw_pipeline_load(struct sw_pipeline *p, struct sw_state *st,
                                char *err, size_t errlen)
{
    struct counter_ref r[N_STATE_COUNTERS];
    size_t n = counter_refs(p, r);
    enum sw_status s;
    int64_t v;

    s = sw_state_load_keys(st, p->keys, err, errlen);
    if (s != SW_OK)
        return s;
    for (size_t i = 0; i < n; i++) {
        if (!sw_state_counter(st, r[i].name, &v))
            continue;
        if (r[i].u)
            *r[i].u = (uint64_t)v;
        else
            *r[i].i = v;
    }
    return SW_OK;
}

enum sw_status sw_pipeline_save(const struct sw_pipeline *p,
                                struct sw_state *st, char *err, size_t errlen)
{
    struct sw_pipeline snap = *p; /* counters are read through pointers */
    struct counter_ref r[N_STATE_COUNTERS];
    struct sw_state_counter c[N_STATE_COUNTERS];
    size_t n;

    /* The saved flow count includes the flows open now. */
    snap.flows_before += p->flows ? sw_flow_table_total(p->flows) : 0;
    n = counter_refs(&snap, r);
    for (size_t i = 0; i < n; i++)
        c[i] = (struct sw_state_counter){r[i].name,
                                         r[i].u ? (int64_t)*r[i].u : *r[i].i};
    return sw_state_save(st, p->keys, c, n, err, errlen);
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
