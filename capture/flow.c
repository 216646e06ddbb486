/* flow.c - TCP flow table and per-direction stream reassembly (RFC 9293
 * sequence space, compared modulo 2^32).
 *
 * Flows live in a chained hash table keyed on both endpoints in canonical
 * order, and on a list ordered by last packet (oldest first), which makes
 * idle expiry and least-recently-used eviction O(1) per packet. In-order
 * payload goes straight from the frame to the consumer; only segments
 * that arrive ahead of a hole are copied and held, sorted by sequence
 * number and never overlapping.
 */
/* getentropy() for the hash seed is outside strict POSIX in glibc. */
#define _DEFAULT_SOURCE 1

#include "capture/flow.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/reader.h"
#include "common/timefmt.h"

/* Canonical key: lower address, higher address, their ports (big-endian),
 * family, zero padding. Compared and hashed as 40 bytes. */
#define KEY_LEN 40
#define MIN_BUCKETS 1024
/* A single segment never covers more sequence space than this. */
#define MAX_SEG_LEN 0x40000000u

struct seg {
    struct seg *next;
    uint32_t seq; /* first sequence number covered */
    uint32_t len; /* sequence space covered */
    uint32_t cap; /* bytes of data[] captured, from the start */
    uint8_t data[];
};

/* One direction's stream. */
struct half {
    struct seg *held;  /* out-of-order pieces, ascending, disjoint */
    size_t held_bytes; /* memory of held: seg_cost() summed */
    uint32_t next;     /* next sequence number owed to the consumer */
    uint32_t isn;
    uint32_t fin_seq; /* sequence number of the FIN */
    bool known;       /* next is meaningful */
    bool syn;         /* isn came from a SYN */
    bool fin;
};

struct sw_flow {
    struct sw_flow *hnext;         /* hash chain */
    struct sw_flow *older, *newer; /* by last packet time */
    struct sw_flow_table *t;
    uint64_t hash;
    uint8_t key[KEY_LEN];
    bool opener_is_lo; /* the opener is the key's first endpoint */
    bool finished;
    bool opened; /* the consumer's open ran: state is its */
    int64_t last_ts;
    void *state;
    struct sw_endpoint ep[2]; /* sender of each direction */
    struct half half[2];
};

struct sw_flow_table {
    struct sw_flow_config cfg;
    struct sw_flow_consumer cons;
    struct sw_cap_counters *c;
    struct sw_flow **buckets;
    size_t nbuckets; /* a power of two */
    struct sw_flow *oldest, *newest;
    struct sw_flow *spare; /* closed flows for reuse, linked by hnext */
    size_t live;
    uint64_t total;
    size_t buffered; /* held_bytes of all flows */
    int64_t now;     /* latest packet time seen */
    uint64_t seed;   /* of the hash */
    /* The flow of the previous packet: packets come in trains of one
     * flow, and matching the key here skips the hash and the chain. */
    struct sw_flow *last;
};

/* What a held piece costs against the caps: its bytes and its header, so
 * that a flood of tiny segments cannot hold far more memory than the cap
 * says. */
static size_t seg_cost(uint32_t cap)
{
    return sizeof(struct seg) + cap;
}

static bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

static bool seq_le(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}

void sw_flow_config_default(struct sw_flow_config *cfg)
{
    cfg->max_flows = 1000000;
    cfg->max_ooo_per_flow = 256 * 1024;
    cfg->max_buffered_total = 256 * 1024 * 1024;
    cfg->idle_timeout = 600 * SW_NS_PER_SEC;
}

/* Multiply-xor over the five 64-bit words of the key, then a final
 * avalanche so that the low bits used for the bucket depend on all. The
 * seed is random per table so that crafted traffic cannot aim at one
 * chain; nothing observable depends on bucket order. */
static uint64_t hash_key(uint64_t seed, const uint8_t *key)
{
    uint64_t h = seed, w;
    size_t i;

    for (i = 0; i < KEY_LEN; i += 8) {
        memcpy(&w, key + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
    }
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

/* Build the canonical key; *from_lo says whether pkt->src is the key's
 * first endpoint. */
static void make_key(const struct sw_packet *pkt, uint8_t *key, bool *from_lo)
{
    const struct sw_endpoint *lo = &pkt->src, *hi = &pkt->dst;
    int c = memcmp(pkt->src.addr, pkt->dst.addr, sizeof(pkt->src.addr));

    if (c > 0 || (c == 0 && pkt->src.port > pkt->dst.port)) {
        lo = &pkt->dst;
        hi = &pkt->src;
    }
    *from_lo = lo == &pkt->src;
    memcpy(key, lo->addr, 16);
    memcpy(key + 16, hi->addr, 16);
    key[32] = (uint8_t)(lo->port >> 8);
    key[33] = (uint8_t)lo->port;
    key[34] = (uint8_t)(hi->port >> 8);
    key[35] = (uint8_t)hi->port;
    key[36] = pkt->src.family;
    key[37] = key[38] = key[39] = 0;
}

static struct sw_flow *lookup(const struct sw_flow_table *t, const uint8_t *key,
                              uint64_t h)
{
    struct sw_flow *f = t->buckets[h & (t->nbuckets - 1)];

    while (f && (f->hash != h || memcmp(f->key, key, KEY_LEN) != 0))
        f = f->hnext;
    return f;
}

static void lru_unlink(struct sw_flow_table *t, struct sw_flow *f)
{
    if (f->older)
        f->older->newer = f->newer;
    else
        t->oldest = f->newer;
    if (f->newer)
        f->newer->older = f->older;
    else
        t->newest = f->older;
    f->older = f->newer = NULL;
}

static void lru_push(struct sw_flow_table *t, struct sw_flow *f)
{
    f->older = t->newest;
    f->newer = NULL;
    if (t->newest)
        t->newest->newer = f;
    else
        t->oldest = f;
    t->newest = f;
}

static void touch(struct sw_flow_table *t, struct sw_flow *f, int64_t ts)
{
    f->last_ts = ts;
    if (t->newest != f) {
        lru_unlink(t, f);
        lru_push(t, f);
    }
}

static void free_held(struct sw_flow_table *t, struct half *h)
{
    struct seg *s;

    while ((s = h->held) != NULL) {
        h->held = s->next;
        free(s);
    }
    t->buffered -= h->held_bytes;
    h->held_bytes = 0;
}

/* The consumer's state is made when a flow first has something to give,
 * so that a flood of flows that never carry payload (SYN scans) costs only
 * the flow table's own memory. */
static void open_once(struct sw_flow_table *t, struct sw_flow *f, int64_t ts)
{
    if (f->opened)
        return;
    f->opened = true;
    if (t->cons.open)
        f->state = t->cons.open(t->cons.ctx, f, ts);
}

static void emit_gap(struct sw_flow_table *t, struct sw_flow *f, int d,
                     uint64_t len, int64_t ts)
{
    if (len && !f->finished && t->cons.gap) {
        open_once(t, f, ts);
        t->cons.gap(t->cons.ctx, f, f->state, (enum sw_flow_dir)d, len, ts);
    }
}

/* Give the consumer a segment's bytes from sequence offset skip on: the
 * captured part, then a gap for any part the capture cut off. next is
 * moved first so that the consumer may call sw_flow_finish(). */
static void deliver(struct sw_flow_table *t, struct sw_flow *f, int d,
                    const uint8_t *p, uint32_t cap, uint32_t len, uint32_t skip,
                    int64_t ts)
{
    struct sw_reader r;

    f->half[d].next += len - skip;
    sw_rd_init(&r, p, cap);
    if (skip < cap && sw_rd_skip(&r, skip) && !f->finished) {
        open_once(t, f, ts);
        t->cons.data(t->cons.ctx, f, f->state, (enum sw_flow_dir)d,
                     sw_rd_ptr(&r), sw_rd_left(&r), ts);
    }
    if (cap < len)
        emit_gap(t, f, d, len - (skip > cap ? skip : cap), ts);
}

/* Hand on held pieces that the stream has now reached. */
static void release(struct sw_flow_table *t, struct sw_flow *f, int d,
                    int64_t ts)
{
    struct half *h = &f->half[d];
    struct seg *s;

    while (!f->finished && (s = h->held) != NULL && seq_le(s->seq, h->next)) {
        h->held = s->next;
        h->held_bytes -= seg_cost(s->cap);
        t->buffered -= seg_cost(s->cap);
        if (seq_lt(h->next, s->seq + s->len))
            deliver(t, f, d, s->data, s->cap, s->len, h->next - s->seq, ts);
        free(s);
    }
}

/* The hole before the first held piece will not fill: report it and go
 * on after it. */
static void skip_hole(struct sw_flow_table *t, struct sw_flow *f, int d,
                      int64_t ts)
{
    struct half *h = &f->half[d];
    uint32_t to = h->held->seq;

    emit_gap(t, f, d, to - h->next, ts);
    h->next = to;
    release(t, f, d, ts);
}

/* A new held piece: bytes [off, off + len) of the segment p/cap that
 * starts at seq. Returns false when out of memory. */
static bool new_piece(struct sw_flow_table *t, struct half *h,
                      struct seg **link, uint32_t seq, const uint8_t *p,
                      uint32_t cap, uint32_t off, uint32_t len)
{
    struct sw_reader r;
    uint32_t pcap = 0;
    struct seg *s;

    if (off < cap)
        pcap = cap - off < len ? cap - off : len;
    s = malloc(sizeof(*s) + pcap);
    if (!s)
        return false;
    sw_rd_init(&r, p, cap);
    if (pcap && (!sw_rd_skip(&r, off) || !sw_rd_copy(&r, s->data, pcap))) {
        free(s);
        return false;
    }
    s->seq = seq + off;
    s->len = len;
    s->cap = pcap;
    s->next = *link;
    *link = s;
    h->held_bytes += seg_cost(pcap);
    t->buffered += seg_cost(pcap);
    return true;
}

/* Do the captured bytes of the segment at [off, off + n) equal those of
 * held piece x from xoff on? Bytes one side did not capture agree. */
static bool same_bytes(const uint8_t *p, uint32_t cap, uint32_t off,
                       const struct seg *x, uint32_t xoff, uint32_t n)
{
    struct sw_reader a, b;
    const uint8_t *pa, *pb;

    if (off >= cap || xoff >= x->cap)
        return true;
    if (n > cap - off)
        n = cap - off;
    if (n > x->cap - xoff)
        n = x->cap - xoff;
    sw_rd_init(&a, p, cap);
    sw_rd_init(&b, x->data, x->cap);
    if (!sw_rd_skip(&a, off) || !sw_rd_bytes(&a, n, &pa) ||
        !sw_rd_skip(&b, xoff) || !sw_rd_bytes(&b, n, &pb))
        return true;
    return memcmp(pa, pb, n) == 0;
}

/* Hold a segment that starts beyond next: only the parts that no held
 * piece covers yet are kept (first copy wins); overlaps whose bytes differ
 * are counted once per segment. */
static bool hold(struct sw_flow_table *t, struct half *h, uint32_t seq,
                 const uint8_t *p, uint32_t cap, uint32_t len)
{
    struct seg **link = &h->held, *x;
    uint32_t at = 0, xs, xe, ov;
    bool differ = false;

    while ((x = *link) != NULL && at < len) {
        xs = x->seq - seq; /* offsets relative to seq, may wrap: */
        xe = xs + x->len;  /* compare as sequence numbers */
        if (seq_le(x->seq + x->len, seq + at)) {
            link = &x->next;
            continue;
        }
        if (!seq_lt(x->seq, seq + len))
            break;
        if (seq_lt(seq + at, x->seq)) {
            if (!new_piece(t, h, link, seq, p, cap, at, xs - at))
                return false;
            at = xs;
        }
        ov = (seq_lt(seq + len, x->seq + x->len) ? len : xe) - at;
        if (!same_bytes(p, cap, at, x, at - xs, ov))
            differ = true;
        at += ov;
        link = &x->next;
    }
    if (at < len && !new_piece(t, h, link, seq, p, cap, at, len - at))
        return false;
    if (differ)
        t->c->anomalies[SW_CAP_AN_TCP_OVERLAP_DIFF]++;
    return true;
}

/* Force holes open until the held bytes fit the caps. The global cap
 * first drains the flows idle longest. */
static void enforce_caps(struct sw_flow_table *t, struct sw_flow *f, int d,
                         int64_t ts)
{
    struct half *h = &f->half[d];
    struct sw_flow *g, *next;
    int i;

    while (h->held && h->held_bytes > t->cfg.max_ooo_per_flow) {
        t->c->anomalies[SW_CAP_AN_OOO_EVICTED]++;
        skip_hole(t, f, d, ts);
    }
    for (g = t->oldest; g && t->buffered > t->cfg.max_buffered_total;
         g = next) {
        next = g->newer;
        for (i = 0; i < 2; i++) {
            while (g->half[i].held) {
                t->c->anomalies[SW_CAP_AN_OOO_EVICTED]++;
                skip_hole(t, g, i, ts);
            }
        }
    }
}

/* Payload of direction d, covering [seq, seq + len) of which cap bytes
 * were captured. The common case, the next bytes with nothing held past
 * them, goes from the frame to the consumer without a copy. A segment
 * that overlaps held pieces goes through hold() so the first copy wins. */
static enum sw_status segment(struct sw_flow_table *t, struct sw_flow *f, int d,
                              uint32_t seq, const uint8_t *p, uint32_t cap,
                              uint32_t len, int64_t ts)
{
    struct half *h = &f->half[d];
    struct sw_reader r;
    uint32_t skip;

    if (seq_le(seq + len, h->next))
        return SW_OK; /* retransmission of bytes already handed on */
    if (seq_lt(seq, h->next)) {
        skip = h->next - seq;
        sw_rd_init(&r, p, cap);
        if (!sw_rd_skip(&r, skip))
            sw_rd_skip(&r, sw_rd_left(&r));
        p = sw_rd_ptr(&r);
        cap = (uint32_t)sw_rd_left(&r);
        seq = h->next;
        len -= skip;
    }
    if (seq == h->next && (!h->held || seq_le(seq + len, h->held->seq))) {
        deliver(t, f, d, p, cap, len, 0, ts);
        release(t, f, d, ts);
        return SW_OK;
    }
    if (!hold(t, h, seq, p, cap, len)) {
        t->c->dropped_nomem++;
        return SW_NOMEM;
    }
    release(t, f, d, ts);
    enforce_caps(t, f, d, ts);
    return SW_OK;
}

/* The peer acknowledged up to ack: bytes of direction d before ack that
 * were never seen are lost to the capture, so the hole is reported. Only
 * worth doing when something waits behind the hole: held data or a FIN. */
static void acked(struct sw_flow_table *t, struct sw_flow *f, int d,
                  uint32_t ack, int64_t ts)
{
    struct half *h = &f->half[d];
    uint32_t to;

    for (;;) {
        if (h->held)
            to = h->held->seq;
        else if (h->fin)
            to = h->fin_seq;
        else
            return;
        if (f->finished || !seq_lt(h->next, ack) || !seq_lt(h->next, to))
            return;
        if (seq_lt(ack, to))
            to = ack;
        emit_gap(t, f, d, to - h->next, ts);
        h->next = to;
        release(t, f, d, ts);
    }
}

/* A direction is done when its FIN came and every byte before it was
 * handed on (or the consumer no longer wants bytes). */
static bool half_done(const struct sw_flow *f, const struct half *h)
{
    return h->fin && (f->finished || !seq_lt(h->next, h->fin_seq));
}

/* End of a direction: report what is still missing, hand on what is
 * held. */
static void flush_half(struct sw_flow_table *t, struct sw_flow *f, int d,
                       int64_t ts)
{
    struct half *h = &f->half[d];

    while (!f->finished && h->held)
        skip_hole(t, f, d, ts);
    if (h->fin && h->known && seq_lt(h->next, h->fin_seq)) {
        emit_gap(t, f, d, h->fin_seq - h->next, ts);
        h->next = h->fin_seq;
    }
    free_held(t, h);
}

static void close_flow(struct sw_flow_table *t, struct sw_flow *f,
                       enum sw_flow_end why, int64_t ts)
{
    struct sw_flow **pp;

    flush_half(t, f, SW_DIR_OPENER, ts);
    flush_half(t, f, SW_DIR_ACCEPTER, ts);
    if (t->cons.close)
        t->cons.close(t->cons.ctx, f, f->state, why, ts);
    pp = &t->buckets[f->hash & (t->nbuckets - 1)];
    while (*pp != f)
        pp = &(*pp)->hnext;
    *pp = f->hnext;
    lru_unlink(t, f);
    if (t->last == f)
        t->last = NULL;
    t->live--;
    f->hnext = t->spare;
    t->spare = f;
}

static void expire_idle(struct sw_flow_table *t)
{
    struct sw_flow *f;
    enum sw_flow_end why;

    if (t->cfg.idle_timeout <= 0)
        return;
    while ((f = t->oldest) != NULL &&
           t->now - f->last_ts > t->cfg.idle_timeout) {
        why = half_done(f, &f->half[0]) || half_done(f, &f->half[1])
                  ? SW_END_FIN
                  : SW_END_IDLE;
        close_flow(t, f, why, t->now);
    }
}

/* Double the bucket array when the chains grow longer than one on
 * average; on failure the table keeps working with longer chains. */
static void maybe_grow(struct sw_flow_table *t)
{
    struct sw_flow **nb, *f, *next;
    size_t n = t->nbuckets * 2, i;

    if (t->live <= t->nbuckets)
        return;
    nb = calloc(n, sizeof(*nb));
    if (!nb)
        return;
    for (i = 0; i < t->nbuckets; i++) {
        for (f = t->buckets[i]; f; f = next) {
            next = f->hnext;
            f->hnext = nb[f->hash & (n - 1)];
            nb[f->hash & (n - 1)] = f;
        }
    }
    free(t->buckets);
    t->buckets = nb;
    t->nbuckets = n;
}

static struct sw_flow *flow_new(struct sw_flow_table *t,
                                const struct sw_packet *pkt, const uint8_t *key,
                                uint64_t h, bool from_lo)
{
    struct sw_flow *f;
    size_t b;
    /* A SYN-ACK seen first means its receiver opened the flow. */
    bool src_opens =
        (pkt->flags & (SW_TCP_SYN | SW_TCP_ACK)) != (SW_TCP_SYN | SW_TCP_ACK);

    if (t->live >= t->cfg.max_flows && t->oldest) {
        t->c->anomalies[SW_CAP_AN_FLOW_EVICTED]++;
        close_flow(t, t->oldest, SW_END_EVICTED, t->now);
    }
    f = t->spare;
    if (f)
        t->spare = f->hnext;
    else if (!(f = malloc(sizeof(*f))))
        return NULL;
    memset(f, 0, sizeof(*f));
    f->t = t;
    f->hash = h;
    memcpy(f->key, key, KEY_LEN);
    f->opener_is_lo = from_lo == src_opens;
    f->ep[SW_DIR_OPENER] = src_opens ? pkt->src : pkt->dst;
    f->ep[SW_DIR_ACCEPTER] = src_opens ? pkt->dst : pkt->src;
    f->last_ts = pkt->ts;
    b = h & (t->nbuckets - 1);
    f->hnext = t->buckets[b];
    t->buckets[b] = f;
    lru_push(t, f);
    t->live++;
    t->total++;
    maybe_grow(t);
    return f;
}

/* A SYN without ACK that is not a retransmission of the one seen starts a
 * new connection on the same addresses and ports. */
static bool is_reuse(const struct sw_flow *f, bool from_lo,
                     const struct sw_packet *pkt)
{
    int d = from_lo == f->opener_is_lo ? SW_DIR_OPENER : SW_DIR_ACCEPTER;
    const struct half *h = &f->half[d];

    if ((pkt->flags & (SW_TCP_SYN | SW_TCP_ACK | SW_TCP_RST)) != SW_TCP_SYN)
        return false;
    return h->known && !(h->syn && h->isn == pkt->seq);
}

static enum sw_status process(struct sw_flow_table *t, struct sw_flow *f, int d,
                              const struct sw_packet *pkt)
{
    struct half *h = &f->half[d], *o = &f->half[!d];
    uint8_t fl = pkt->flags;
    uint32_t seq = pkt->seq, len = (uint32_t)pkt->payload_wire_len;
    uint32_t cap = (uint32_t)pkt->payload_len;
    enum sw_status st = SW_OK;

    if (fl & SW_TCP_RST) {
        close_flow(t, f, SW_END_RST, pkt->ts);
        return SW_OK;
    }
    if (fl & SW_TCP_SYN) {
        if (!h->known) {
            h->known = h->syn = true;
            h->isn = seq;
            h->next = seq + 1;
        }
        seq++; /* the SYN takes one sequence number; data follows */
    }
    if (!h->known && (len || (fl & SW_TCP_FIN))) {
        h->known = true; /* mid-flow: start at the first byte seen */
        h->next = seq;
    }
    if (!f->finished) {
        if ((fl & SW_TCP_ACK) && (o->held || o->fin))
            acked(t, f, !d, pkt->ack, pkt->ts);
        if (len && h->known)
            st = segment(t, f, d, seq, pkt->payload, cap, len, pkt->ts);
    }
    if ((fl & SW_TCP_FIN) && h->known && !h->fin) {
        h->fin = true;
        h->fin_seq = seq + len;
    }
    if (half_done(f, &f->half[0]) && half_done(f, &f->half[1]))
        close_flow(t, f, SW_END_FIN, pkt->ts);
    return st;
}

struct sw_flow_table *sw_flow_table_new(const struct sw_flow_config *cfg,
                                        const struct sw_flow_consumer *cons,
                                        struct sw_cap_counters *counters)
{
    struct sw_flow_table *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->cfg = *cfg;
    if (t->cfg.max_flows == 0)
        t->cfg.max_flows = 1;
    t->cons = *cons;
    t->c = counters;
    t->nbuckets = MIN_BUCKETS;
    t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
    if (!t->buckets) {
        free(t);
        return NULL;
    }
    t->now = SW_TIME_NONE;
    if (getentropy(&t->seed, sizeof(t->seed)) != 0)
        t->seed = 0x243f6a8885a308d3ULL;
    return t;
}

enum sw_status sw_flow_table_input(struct sw_flow_table *t,
                                   const struct sw_packet *pkt)
{
    uint8_t key[KEY_LEN];
    struct sw_flow *f;
    bool from_lo;
    uint64_t h;
    int d;

    if (pkt->payload_wire_len > MAX_SEG_LEN ||
        pkt->payload_len > pkt->payload_wire_len)
        return SW_OK;
    if (pkt->ts > t->now)
        t->now = pkt->ts;
    expire_idle(t);
    make_key(pkt, key, &from_lo);
    if (t->last && memcmp(t->last->key, key, KEY_LEN) == 0) {
        f = t->last;
        h = f->hash;
    } else {
        h = hash_key(t->seed, key);
        f = lookup(t, key, h);
    }
    if (f && is_reuse(f, from_lo, pkt)) {
        close_flow(t, f, SW_END_IDLE, t->now);
        f = NULL;
    }
    if (!f) {
        /* Bare ACKs, FINs and RSTs do not open a flow: they trail the end
         * of connections already closed. */
        if (!(pkt->flags & SW_TCP_SYN) && pkt->payload_wire_len == 0)
            return SW_OK;
        if (pkt->flags & SW_TCP_RST)
            return SW_OK;
        f = flow_new(t, pkt, key, h, from_lo);
        if (!f) {
            t->c->dropped_nomem++;
            return SW_NOMEM;
        }
    } else {
        touch(t, f, t->now);
    }
    t->last = f;
    d = from_lo == f->opener_is_lo ? SW_DIR_OPENER : SW_DIR_ACCEPTER;
    return process(t, f, d, pkt);
}

void sw_flow_table_free(struct sw_flow_table *t, int64_t ts)
{
    struct sw_flow *f;

    if (!t)
        return;
    while (t->oldest)
        close_flow(t, t->oldest, SW_END_FLUSH, ts);
    while ((f = t->spare) != NULL) {
        t->spare = f->hnext;
        free(f);
    }
    free(t->buckets);
    free(t);
}

void sw_flow_finish(struct sw_flow *f)
{
    f->finished = true;
    free_held(f->t, &f->half[0]);
    free_held(f->t, &f->half[1]);
}

void sw_flow_drop_state(struct sw_flow *f)
{
    f->state = NULL;
}

const struct sw_endpoint *sw_flow_endpoint(const struct sw_flow *f,
                                           enum sw_flow_dir dir)
{
    return &f->ep[dir];
}

uint64_t sw_flow_table_total(const struct sw_flow_table *t)
{
    return t->total;
}

size_t sw_flow_table_live(const struct sw_flow_table *t)
{
    return t->live;
}

size_t sw_flow_table_buffered(const struct sw_flow_table *t)
{
    return t->buffered;
}
