/* test_flow.c - flow table and reassembly: order, retransmission,
 * overlap, wrap, mid-flow start, gaps, FIN/RST, idle, caps, finish. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "capture/flow.h"
#include "common/timefmt.h"

#define S SW_TCP_SYN
#define SA (SW_TCP_SYN | SW_TCP_ACK)
#define A SW_TCP_ACK
#define PA (SW_TCP_PSH | SW_TCP_ACK)
#define FA (SW_TCP_FIN | SW_TCP_ACK)
#define R SW_TCP_RST

/* One segment: connection n runs between 10.0.0.1:(40000 + n) ("A") and
 * 10.0.0.2:443 ("B"). cut, when non-zero, is how many payload bytes the
 * capture kept. */
struct step {
    int conn;
    char from;
    uint8_t flags;
    uint32_t seq, ack;
    const char *data;
    uint32_t cut;
    int64_t ts_s;
};

/* The consumer writes every callback into a log line:
 * "PORT open;", "PORT dD bytes;", "PORT gD len;", "PORT close why@s;"
 * where PORT is the opener's port and D the direction. */
struct rec {
    char log[2048];
    size_t n;
    int finish_after; /* on this data call (0: never), drop the state and
                         call sw_flow_finish, as the pipeline does */
    int data_calls;
    const struct sw_flow *dropped; /* the flow whose state was dropped */
};

static const char *const end_names[] = {"fin", "rst", "idle", "evicted",
                                        "flush"};

static void add(struct rec *r, struct sw_flow *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(struct rec *r, struct sw_flow *f, const char *fmt, ...)
{
    va_list ap;
    int k;

    k = snprintf(r->log + r->n, sizeof(r->log) - r->n, "%u ",
                 (unsigned)sw_flow_endpoint(f, SW_DIR_OPENER)->port);
    r->n += (size_t)k;
    va_start(ap, fmt);
    k = vsnprintf(r->log + r->n, sizeof(r->log) - r->n, fmt, ap);
    va_end(ap);
    r->n += (size_t)k;
    assert_true(r->n < sizeof(r->log));
}

static void *on_open(void *ctx, struct sw_flow *f, int64_t ts)
{
    (void)ts;
    add(ctx, f, "open;");
    return ctx;
}

static void on_data(void *ctx, struct sw_flow *f, void *state,
                    enum sw_flow_dir dir, const uint8_t *p, size_t n,
                    int64_t ts)
{
    struct rec *r = ctx;

    (void)ts;
    assert_ptr_equal(state, ctx);
    add(r, f, "d%d %.*s;", (int)dir, (int)n, (const char *)p);
    if (++r->data_calls == r->finish_after) {
        sw_flow_drop_state(f);
        sw_flow_finish(f);
        r->dropped = f;
    }
}

static void on_gap(void *ctx, struct sw_flow *f, void *state,
                   enum sw_flow_dir dir, uint64_t len, int64_t ts)
{
    (void)state;
    (void)ts;
    add(ctx, f, "g%d %llu;", (int)dir, (unsigned long long)len);
}

static void on_close(void *ctx, struct sw_flow *f, void *state,
                     enum sw_flow_end why, int64_t ts)
{
    struct rec *r = ctx;

    /* A dropped state is never handed back. */
    if (f == r->dropped)
        assert_null(state);
    add(ctx, f, "close %s@%lld%s;", end_names[why],
        (long long)(ts / SW_NS_PER_SEC), f == r->dropped ? " dropped" : "");
}

static void make_packet(const struct step *s, struct sw_packet *p)
{
    struct sw_endpoint a = {4, {10, 0, 0, 1}, 0};
    struct sw_endpoint b = {4, {10, 0, 0, 2}, 443};
    size_t len = strlen(s->data);

    a.port = (uint16_t)(40000 + s->conn);
    memset(p, 0, sizeof(*p));
    p->ts = s->ts_s * SW_NS_PER_SEC;
    p->src = s->from == 'A' ? a : b;
    p->dst = s->from == 'A' ? b : a;
    p->seq = s->seq;
    p->ack = s->ack;
    p->flags = s->flags;
    p->window = 1000;
    p->payload = len ? (const uint8_t *)s->data : NULL;
    p->payload_wire_len = len;
    p->payload_len = s->cut ? s->cut : len;
}

/* clang-format off */
static const struct step in_order[] = {
    {0, 'A', S,  100, 0,   "",      0, 1},
    {0, 'B', SA, 500, 101, "",      0, 1},
    {0, 'A', A,  101, 501, "",      0, 1},
    {0, 'A', PA, 101, 501, "hello", 0, 1},
    {0, 'B', PA, 501, 106, "world", 0, 2},
    {0, 'A', PA, 106, 506, "!",     0, 2},
    {0, 'A', FA, 107, 506, "",      0, 3},
    {0, 'B', FA, 506, 108, "",      0, 3},
    {0, 'A', A,  108, 507, "",      0, 3}, /* trailing ACK: no new flow */
};
static const struct step out_of_order[] = {
    {0, 'A', S,  100, 0, "",      0, 1},
    {0, 'A', PA, 111, 0, "!!",    0, 1}, /* held */
    {0, 'A', PA, 106, 0, "world", 0, 1}, /* held, before the first */
    {0, 'A', PA, 101, 0, "hello", 0, 1}, /* fills: all three go out */
};
static const struct step retransmit[] = {
    {0, 'A', S,  100, 0, "",      0, 1},
    {0, 'A', PA, 101, 0, "hello", 0, 1},
    {0, 'A', PA, 101, 0, "hello", 0, 1}, /* whole copy: dropped */
    {0, 'A', PA, 103, 0, "llo",   0, 1}, /* tail copy: dropped */
    {0, 'A', PA, 106, 0, "world", 0, 1},
    {0, 'A', PA, 104, 0, "loWO",  0, 1}, /* old bytes: not given again */
    {0, 'A', PA, 109, 0, "ld!!",  0, 1}, /* only "!!" is new */
};
static const struct step overlap_differs[] = {
    {0, 'A', S,  100, 0, "",           0, 1},
    {0, 'A', PA, 106, 0, "world",      0, 1}, /* held: the first copy */
    {0, 'A', PA, 101, 0, "helloWORLD", 0, 1}, /* "WORLD" loses, counted */
};
static const struct step overlap_same[] = {
    {0, 'A', S,  100, 0, "",         0, 1},
    {0, 'A', PA, 106, 0, "world",    0, 1},
    {0, 'A', PA, 101, 0, "hellowor", 0, 1}, /* same bytes: not counted */
};
static const struct step overlap_held[] = {
    {0, 'A', S,  100, 0, "",         0, 1},
    {0, 'A', PA, 111, 0, "abc",      0, 1}, /* held 111..113 */
    {0, 'A', PA, 109, 0, "xyabZ",    0, 1}, /* keeps "xy"; Z vs c differs */
    {0, 'A', PA, 101, 0, "hellowor", 0, 1},
};
static const struct step wrap[] = {
    {0, 'A', S,  0xfffffffc, 0, "",       0, 1},
    {0, 'A', PA, 0xfffffffd, 0, "abcdef", 0, 1}, /* crosses 2^32 */
    {0, 'A', PA, 0x00000006, 0, "jkl",    0, 1}, /* held past the wrap */
    {0, 'A', PA, 0x00000003, 0, "ghi",    0, 1},
};
static const struct step wrap_held[] = {
    {0, 'A', S,  0xfffffff0, 0, "",             0, 1},
    {0, 'A', PA, 0xfffffffc, 0, "MNOPQRS",      0, 1}, /* held, wraps */
    {0, 'A', PA, 0x00000003, 0, "tuv",          0, 1}, /* held after */
    {0, 'A', PA, 0xfffffff1, 0, "abcdefghijkl", 0, 1}, /* "l" vs "M" */
    {0, 'A', PA, 0xfffffffe, 0, "XY",           0, 1}, /* old: dropped */
    {0, 'A', PA, 0x00000005, 0, "vw",           0, 1}, /* "w" is new */
};
static const struct step midflow[] = {
    {0, 'A', PA, 1000, 5000, "mid",  0, 1}, /* no SYN: A opened */
    {0, 'B', PA, 5000, 1003, "resp", 0, 1},
    {0, 'A', PA, 1003, 5004, "dle",  0, 1},
    {0, 'A', PA, 990,  5004, "old",  0, 1}, /* before the start: dropped */
};
static const struct step midflow_server_first[] = {
    {0, 'B', PA, 5000, 1000, "resp", 0, 1}, /* first seen: B is opener */
    {0, 'A', PA, 1000, 5004, "req",  0, 1},
};
static const struct step synack_first[] = {
    {0, 'B', SA, 500, 101, "",   0, 1}, /* its receiver opened */
    {0, 'A', A,  101, 501, "",   0, 1},
    {0, 'A', PA, 101, 501, "hi", 0, 1},
};
static const struct step gap_by_ack[] = {
    {0, 'A', S,  100, 0,   "",      0, 1},
    {0, 'A', PA, 101, 0,   "hello", 0, 1},
    {0, 'A', PA, 111, 0,   "later", 0, 1}, /* 106..110 never seen */
    {0, 'B', A,  500, 116, "",      0, 2}, /* B has it all: hole lost */
};
static const struct step gap_by_ack_partial[] = {
    {0, 'A', S,  100, 0,   "",      0, 1},
    {0, 'A', PA, 101, 0,   "hello", 0, 1},
    {0, 'A', PA, 121, 0,   "z",     0, 1},
    {0, 'B', A,  500, 111, "",      0, 2}, /* 106..110 lost, 111.. open */
};
static const struct step gap_before_fin[] = {
    {0, 'A', S,  100, 0, "",      0, 1},
    {0, 'A', PA, 101, 0, "hello", 0, 1},
    {0, 'A', FA, 111, 0,   "",      0, 2}, /* FIN after 5 unseen bytes */
    {0, 'B', FA, 500, 112, "",      0, 2}, /* B acks them: lost */
};
static const struct step fin_before_data[] = {
    {0, 'A', S,  100, 0,   "",      0, 1},
    {0, 'A', PA, 101, 0,   "hello", 0, 1},
    {0, 'A', FA, 111, 0,   "",      0, 2}, /* FIN overtakes 106..110 */
    {0, 'B', FA, 500, 106, "",      0, 2}, /* B has not got them yet */
    {0, 'A', PA, 106, 501, "world", 0, 3}, /* they come: A is done */
};
static const struct step fin_hole_flushed[] = {
    {0, 'A', S,  100, 0,   "",      0, 1},
    {0, 'A', PA, 101, 0,   "hello", 0, 1},
    {0, 'A', FA, 111, 0,   "",      0, 2},
    {0, 'B', FA, 500, 106, "",      0, 2}, /* the hole never fills */
};
static const struct step cap_per_flow[] = {
    {0, 'A', S,  100, 0, "",      0, 1},
    {0, 'A', PA, 101, 0, "hello", 0, 1},
    {0, 'A', PA, 111, 0, "abcde", 0, 1}, /* 5 bytes + header held */
    {0, 'A', PA, 120, 0, "fghij", 0, 1}, /* twice that > 40: hole lost */
};
static const struct step cap_global[] = {
    {0, 'A', S,  100, 0, "",      0, 1},
    {0, 'A', PA, 111, 0, "abcde", 0, 1}, /* 5 + header held in flow 0 */
    {1, 'A', S,  200, 0, "",      0, 2},
    {1, 'A', PA, 211, 0, "vwxyz", 0, 2}, /* twice that > 40: oldest gives */
};
static const struct step rst[] = {
    {0, 'A', S,  100, 0, "",      0, 1},
    {0, 'A', PA, 101, 0, "hello", 0, 1},
    {0, 'B', R,  500, 0, "",      0, 2},
    {0, 'A', A,  106, 0, "",      0, 3}, /* after the end: no flow */
};
static const struct step idle[] = {
    {0, 'A', S,  100, 0, "",  0, 0},
    {0, 'A', PA, 101, 0, "hi", 0, 1},
    {1, 'A', S,  200, 0, "",  0, 5},
    {0, 'A', PA, 103, 0, "x", 0, 8},
    {2, 'A', S,  300, 0, "",  0, 16}, /* flow 1 idle 11 s > 10 */
    {2, 'A', PA, 301, 0, "z", 0, 19}, /* flow 0 idle 11 s */
};
static const struct step half_closed_idle[] = {
    {0, 'A', S,  100, 0, "",   0, 0},
    {0, 'A', PA, 101, 0, "hi", 0, 1},
    {0, 'A', FA, 103, 0, "",   0, 2}, /* A done, B never answers */
    {1, 'A', S,  200, 0, "",   0, 20},
};
static const struct step flow_cap[] = {
    {0, 'A', S, 100, 0, "", 0, 1},
    {1, 'A', S, 200, 0, "", 0, 2},
    {2, 'A', S, 300, 0, "", 0, 3}, /* third flow over a cap of 2 */
    {1, 'A', PA, 201, 0, "b", 0, 4},
};
static const struct step finish[] = {
    {0, 'A', S,  100, 0, "",      0, 1},
    {0, 'A', PA, 111, 0, "later", 0, 1}, /* held, freed by finish */
    {0, 'A', PA, 101, 0, "hello", 0, 1}, /* consumer finishes here */
    {0, 'A', PA, 106, 0, "world", 0, 1}, /* ignored */
    {0, 'B', PA, 500, 0, "resp",  0, 1}, /* ignored */
    {0, 'B', FA, 504, 0, "",      0, 2},
    {0, 'A', FA, 116, 0, "",      0, 2}, /* still ends on FIN */
};
static const struct step snaplen_cut[] = {
    {0, 'A', S,  100, 0, "",      0, 1},
    {0, 'A', PA, 101, 0, "hello", 3, 1}, /* 3 of 5 bytes captured */
    {0, 'A', PA, 111, 0, "abcde", 2, 1}, /* held, 2 of 5 */
    {0, 'A', PA, 106, 0, "world", 0, 1},
};
static const struct step port_reuse[] = {
    {0, 'A', S,  100,  0, "",      0, 1},
    {0, 'A', S,  100,  0, "",      0, 1}, /* SYN again: retransmission */
    {0, 'A', PA, 101,  0, "hello", 0, 1},
    {0, 'A', S,  9000, 0, "",      0, 5}, /* other ISN: new connection */
    {0, 'A', PA, 9001, 0, "new",   0, 5},
};
static const struct step bare_ack[] = {
    {0, 'A', A,  1000, 5000, "", 0, 1},
    {0, 'B', FA, 5000, 1000, "", 0, 1},
};
/* clang-format on */

struct fcase {
    const char *name;
    const struct step *steps;
    size_t nsteps;
    size_t max_flows, max_ooo, max_total; /* 0: default */
    int64_t idle_s;                       /* 0: default */
    int finish_after;
    size_t live; /* flows alive after the steps */
    uint64_t overlap_diff, ooo_evicted, flow_evicted;
    const char *log; /* after sw_flow_table_free(t, 100 s) */
};

#define STEPS(a) (a), sizeof(a) / sizeof((a)[0])

static const struct fcase cases[] = {
    {"in order", STEPS(in_order), 0, 0, 0, 0, 0, 0, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 d1 world;40000 d0 !;"
     "40000 close fin@3;"},
    {"out of order", STEPS(out_of_order), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 d0 world;40000 d0 !!;"
     "40000 close flush@100;"},
    {"retransmission", STEPS(retransmit), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 d0 world;40000 d0 !!;"
     "40000 close flush@100;"},
    {"overlap differs", STEPS(overlap_differs), 0, 0, 0, 0, 0, 1, 1, 0, 0,
     "40000 open;40000 d0 hello;40000 d0 world;40000 close flush@100;"},
    {"overlap same", STEPS(overlap_same), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 d0 world;40000 close flush@100;"},
    {"overlap held", STEPS(overlap_held), 0, 0, 0, 0, 0, 1, 1, 0, 0,
     "40000 open;40000 d0 hellowor;40000 d0 xy;40000 d0 abc;"
     "40000 close flush@100;"},
    {"wrap", STEPS(wrap), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 abcdef;40000 d0 ghi;40000 d0 jkl;"
     "40000 close flush@100;"},
    {"wrap with held pieces", STEPS(wrap_held), 0, 0, 0, 0, 0, 1, 1, 0, 0,
     "40000 open;40000 d0 abcdefghijk;40000 d0 MNOPQRS;40000 d0 tuv;"
     "40000 d0 w;40000 close flush@100;"},
    {"mid-flow", STEPS(midflow), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 mid;40000 d1 resp;40000 d0 dle;"
     "40000 close flush@100;"},
    {"mid-flow server first", STEPS(midflow_server_first), 0, 0, 0, 0, 0, 1, 0,
     0, 0, "443 open;443 d0 resp;443 d1 req;443 close flush@100;"},
    {"syn-ack first", STEPS(synack_first), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hi;40000 close flush@100;"},
    {"gap by ack", STEPS(gap_by_ack), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 g0 5;40000 d0 later;"
     "40000 close flush@100;"},
    {"gap by partial ack", STEPS(gap_by_ack_partial), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 g0 5;40000 g0 10;40000 d0 z;"
     "40000 close flush@100;"},
    {"gap before fin", STEPS(gap_before_fin), 0, 0, 0, 0, 0, 0, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 g0 5;40000 close fin@2;"},
    {"fin before data", STEPS(fin_before_data), 0, 0, 0, 0, 0, 0, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 d0 world;40000 close fin@3;"},
    {"fin hole flushed", STEPS(fin_hole_flushed), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 g0 5;40000 close flush@100;"},
    {"per-flow cap", STEPS(cap_per_flow), 0, 40, 0, 0, 0, 1, 0, 1, 0,
     "40000 open;40000 d0 hello;40000 g0 5;40000 d0 abcde;40000 g0 4;"
     "40000 d0 fghij;40000 close flush@100;"},
    {"global cap", STEPS(cap_global), 0, 0, 40, 0, 0, 2, 0, 1, 0,
     "40000 open;40000 g0 10;40000 d0 abcde;40000 close flush@100;"
     "40001 open;40001 g0 10;40001 d0 vwxyz;40001 close flush@100;"},
    {"rst", STEPS(rst), 0, 0, 0, 0, 0, 0, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 close rst@2;"},
    {"idle on packet time", STEPS(idle), 0, 0, 0, 10, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hi;40000 d0 x;40001 close idle@16;"
     "40000 close idle@19;40002 open;40002 d0 z;40002 close flush@100;"},
    {"half closed then idle", STEPS(half_closed_idle), 0, 0, 0, 10, 0, 1, 0, 0,
     0, "40000 open;40000 d0 hi;40000 close fin@20;40001 close flush@100;"},
    {"flow cap", STEPS(flow_cap), 2, 0, 0, 0, 0, 2, 0, 0, 1,
     "40000 close evicted@3;40001 open;40001 d0 b;40002 close flush@100;"
     "40001 close flush@100;"},
    {"finish", STEPS(finish), 0, 0, 0, 0, 1, 0, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 close fin@2 dropped;"},
    {"snaplen cut", STEPS(snaplen_cut), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hel;40000 g0 2;40000 d0 world;40000 d0 ab;"
     "40000 g0 3;40000 close flush@100;"},
    {"port reuse", STEPS(port_reuse), 0, 0, 0, 0, 0, 1, 0, 0, 0,
     "40000 open;40000 d0 hello;40000 close idle@5;40000 open;"
     "40000 d0 new;40000 close flush@100;"},
    {"bare ack opens nothing", STEPS(bare_ack), 0, 0, 0, 0, 0, 0, 0, 0, 0, ""},
};

static void run_case(const struct fcase *c)
{
    struct sw_flow_consumer cons = {0};
    struct sw_flow_config cfg;
    struct sw_cap_counters cnt;
    struct sw_flow_table *t;
    struct sw_packet p;
    struct rec r;
    size_t i;

    memset(&r, 0, sizeof(r));
    memset(&cnt, 0, sizeof(cnt));
    r.finish_after = c->finish_after;
    sw_flow_config_default(&cfg);
    if (c->max_flows)
        cfg.max_flows = c->max_flows;
    if (c->max_ooo)
        cfg.max_ooo_per_flow = c->max_ooo;
    if (c->max_total)
        cfg.max_buffered_total = c->max_total;
    if (c->idle_s)
        cfg.idle_timeout = c->idle_s * SW_NS_PER_SEC;
    cons.ctx = &r;
    cons.open = on_open;
    cons.data = on_data;
    cons.gap = on_gap;
    cons.close = on_close;
    t = sw_flow_table_new(&cfg, &cons, &cnt);
    assert_non_null(t);
    for (i = 0; i < c->nsteps; i++) {
        make_packet(&c->steps[i], &p);
        assert_int_equal(sw_flow_table_input(t, &p), SW_OK);
    }
    assert_int_equal(sw_flow_table_live(t), c->live);
    if (c->finish_after)
        assert_int_equal(sw_flow_table_buffered(t), 0);
    assert_int_equal(cnt.anomalies[SW_CAP_AN_TCP_OVERLAP_DIFF],
                     c->overlap_diff);
    assert_int_equal(cnt.anomalies[SW_CAP_AN_OOO_EVICTED], c->ooo_evicted);
    assert_int_equal(cnt.anomalies[SW_CAP_AN_FLOW_EVICTED], c->flow_evicted);
    sw_flow_table_free(t, 100 * SW_NS_PER_SEC);
    assert_string_equal(r.log, c->log);
}

static void test_flow_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case: %s\n", cases[i].name);
        run_case(&cases[i]);
    }
}

static void count_data(void *ctx, struct sw_flow *f, void *state,
                       enum sw_flow_dir dir, const uint8_t *p, size_t n,
                       int64_t ts)
{
    struct rec *r = ctx;

    (void)f;
    (void)state;
    (void)ts;
    assert_int_equal(n, 1);
    assert_int_equal(p[0], 'x');
    /* A opened every flow: its bytes are direction 0 */
    assert_int_equal(dir, r->data_calls < 5000 ? 0 : 1);
    r->data_calls++;
}

/* Many flows: the table grows its buckets and finds every flow again;
 * each connection's two segments meet in one flow. */
static void test_many_flows(void **state)
{
    struct sw_flow_consumer cons = {0};
    struct sw_flow_config cfg;
    struct sw_cap_counters cnt;
    struct sw_flow_table *t;
    struct sw_packet p;
    struct step s = {0, 'A', PA, 1, 0, "x", 0, 1};
    struct rec r;
    int i;

    (void)state;
    memset(&r, 0, sizeof(r));
    memset(&cnt, 0, sizeof(cnt));
    sw_flow_config_default(&cfg);
    cons.ctx = &r;
    cons.data = count_data;
    t = sw_flow_table_new(&cfg, &cons, &cnt);
    assert_non_null(t);
    for (i = 0; i < 5000; i++) {
        s.conn = i;
        s.from = 'A';
        make_packet(&s, &p);
        p.src.addr[2] = (uint8_t)(i >> 8);
        p.dst.addr[2] = (uint8_t)(i >> 8);
        assert_int_equal(sw_flow_table_input(t, &p), SW_OK);
    }
    assert_int_equal(sw_flow_table_live(t), 5000);
    for (i = 0; i < 5000; i++) {
        s.conn = i;
        s.from = 'B';
        make_packet(&s, &p);
        p.src.addr[2] = (uint8_t)(i >> 8);
        p.dst.addr[2] = (uint8_t)(i >> 8);
        assert_int_equal(sw_flow_table_input(t, &p), SW_OK);
    }
    assert_int_equal(sw_flow_table_live(t), 5000);
    assert_int_equal(sw_flow_table_total(t), 5000);
    assert_int_equal(r.data_calls, 10000);
    sw_flow_table_free(t, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_table),
        cmocka_unit_test(test_many_flows),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
