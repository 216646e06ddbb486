/* flow.h - bidirectional TCP flow table and in-order stream reassembly.
 *
 * Each flow is keyed on both endpoints. Each direction's payload is handed
 * to the consumer in sequence order, once: out-of-order segments are held
 * (up to a cap) and released when the hole fills, retransmissions are
 * dropped, overlaps keep the first copy (counting copies that differ),
 * sequence numbers compare modulo 2^32. A hole that will not fill is
 * reported as a gap, never glued over. Times are packet times.
 */
#ifndef SW_CAPTURE_FLOW_H
#define SW_CAPTURE_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/packet.h"
#include "common/endpoint.h"

struct sw_flow;
struct sw_flow_table;

/* Direction 0 is the side that opened the flow (sent the SYN, received
 * the first SYN-ACK seen, or, when the capture starts mid-flow, sent the
 * first segment with payload seen). Bare ACK, FIN or RST segments never
 * open a flow: they trail connections already closed. */
enum sw_flow_dir { SW_DIR_OPENER = 0, SW_DIR_ACCEPTER = 1 };

enum sw_flow_end {
    SW_END_FIN, /* both sides finished (FIN, every byte before it given
                   or reported as a gap), or one did and the flow then
                   went idle */
    SW_END_RST,
    SW_END_IDLE,    /* no packet for the idle timeout, in packet time;
                       also a connection given up because a new SYN
                       reused its addresses and ports */
    SW_END_EVICTED, /* dropped to honour the flow or memory cap */
    SW_END_FLUSH    /* end of input */
};

/* What the flow table calls. All callbacks are optional except data. The
 * flow pointer is valid until close returns. open runs just before a
 * flow's first data or gap, not when the flow is created, so flows that
 * never carry payload (a SYN flood) cost no consumer state; close runs for
 * every flow, with state NULL when open never ran. */
struct sw_flow_consumer {
    void *ctx;
    /* A flow has its first bytes or gap: return the consumer's state for
     * it (may be NULL). */
    void *(*open)(void *ctx, struct sw_flow *f, int64_t ts);
    /* In-order payload of one direction. */
    void (*data)(void *ctx, struct sw_flow *f, void *state,
                 enum sw_flow_dir dir, const uint8_t *p, size_t n, int64_t ts);
    /* len bytes of one direction are missing and will never be given. */
    void (*gap)(void *ctx, struct sw_flow *f, void *state, enum sw_flow_dir dir,
                uint64_t len, int64_t ts);
    /* The flow ends; the consumer frees its state here. */
    void (*close)(void *ctx, struct sw_flow *f, void *state,
                  enum sw_flow_end why, int64_t ts);
};

struct sw_flow_config {
    size_t max_flows;          /* flows tracked at once */
    size_t max_ooo_per_flow;   /* out-of-order bytes held per direction
                                  (each held piece also counts its
                                  header, a few tens of bytes) */
    size_t max_buffered_total; /* out-of-order bytes held in all flows */
    int64_t idle_timeout;      /* ns without a packet before a flow ends */
};

/* Sensible defaults: 1,000,000 flows, 256 KiB per direction, 256 MiB in
 * all, 10 minutes idle. */
void sw_flow_config_default(struct sw_flow_config *cfg);

/* A new empty table; NULL when out of memory. The consumer is copied. */
struct sw_flow_table *sw_flow_table_new(const struct sw_flow_config *cfg,
                                        const struct sw_flow_consumer *cons,
                                        struct sw_cap_counters *counters);

/* Feed one decoded TCP segment. Expires idle flows as packet time passes.
 * Returns SW_OK, or SW_NOMEM when even eviction could not make room (the
 * packet is then dropped and counted). */
enum sw_status sw_flow_table_input(struct sw_flow_table *t,
                                   const struct sw_packet *pkt);

/* End every flow (reason SW_END_FLUSH), then free the table. Holes still
 * open are reported as gaps first. NULL is ignored. */
void sw_flow_table_free(struct sw_flow_table *t, int64_t ts);

/* The consumer wants no more bytes of this flow: from now on its packets
 * cost one lookup and are otherwise ignored; held data is released. The
 * flow still ends (and close is called) on FIN, RST, idle or flush. */
void sw_flow_finish(struct sw_flow *f);

/* The consumer has freed its state for f: close will be given NULL. With
 * sw_flow_finish, a flow whose parser has learnt all it can keeps only
 * the flow table's own few hundred bytes until it ends. */
void sw_flow_drop_state(struct sw_flow *f);

/* The endpoint that sends in direction dir. */
const struct sw_endpoint *sw_flow_endpoint(const struct sw_flow *f,
                                           enum sw_flow_dir dir);

/* Flows created so far, and flows alive now. */
uint64_t sw_flow_table_total(const struct sw_flow_table *t);
size_t sw_flow_table_live(const struct sw_flow_table *t);

/* Memory held for out-of-order payload in all flows now: the bytes plus
 * a small header per held piece, the measure the caps apply to. */
size_t sw_flow_table_buffered(const struct sw_flow_table *t);

#endif
