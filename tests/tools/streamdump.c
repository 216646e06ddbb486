/* streamdump.c - digest of every reassembled TCP stream in a capture.
 *
 * usage: streamdump FILE
 *
 * One line per flow and direction that delivered bytes or gaps: the two
 * endpoints in canonical order, the sending endpoint, the bytes delivered,
 * the gaps and their bytes, and the SHA-256 of the delivered bytes. Lines
 * are sorted on their content, so two captures of the same traffic give
 * the same output whatever the packet order or link type
 * (tests/transform/run.sh diffs them). Uses only the capture API.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "capture/flow.h"
#include "capture/packet.h"
#include "capture/source.h"
#include "common/endpoint.h"

struct dir_digest {
    uint64_t bytes, gaps, gap_bytes;
    EVP_MD_CTX *md;
};

struct flow_digest {
    struct sw_endpoint ep[2]; /* sender of each direction */
    struct dir_digest dir[2];
};

struct line {
    struct sw_endpoint lo, hi, from;
    uint64_t bytes, gaps, gap_bytes;
    unsigned char sha[32];
};

struct dump {
    struct line *lines;
    size_t n, cap;
    int failed; /* out of memory or a digest error: output incomplete */
};

static void *on_open(void *ctx, struct sw_flow *f, int64_t ts)
{
    struct dump *d = ctx;
    struct flow_digest *fd = calloc(1, sizeof(*fd));
    int i;

    (void)ts;
    if (fd == NULL) {
        d->failed = 1;
        return NULL;
    }
    for (i = 0; i < 2; i++) {
        fd->ep[i] = *sw_flow_endpoint(f, (enum sw_flow_dir)i);
        fd->dir[i].md = EVP_MD_CTX_new();
        if (fd->dir[i].md == NULL ||
            !EVP_DigestInit_ex(fd->dir[i].md, EVP_sha256(), NULL))
            d->failed = 1;
    }
    return fd;
}

static void on_data(void *ctx, struct sw_flow *f, void *state,
                    enum sw_flow_dir dir, const uint8_t *p, size_t n,
                    int64_t ts)
{
    struct dump *d = ctx;
    struct flow_digest *fd = state;

    (void)f;
    (void)ts;
    if (fd == NULL || fd->dir[dir].md == NULL) {
        d->failed = 1;
        return;
    }
    fd->dir[dir].bytes += n;
    if (!EVP_DigestUpdate(fd->dir[dir].md, p, n))
        d->failed = 1;
}

static void on_gap(void *ctx, struct sw_flow *f, void *state,
                   enum sw_flow_dir dir, uint64_t len, int64_t ts)
{
    struct flow_digest *fd = state;

    (void)ctx;
    (void)f;
    (void)ts;
    if (fd != NULL) {
        fd->dir[dir].gaps++;
        fd->dir[dir].gap_bytes += len;
    }
}

static void add_line(struct dump *d, const struct flow_digest *fd, int i)
{
    const struct dir_digest *dd = &fd->dir[i];
    struct line *l;
    int first = sw_endpoint_cmp(&fd->ep[i], &fd->ep[1 - i]) < 0;

    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        struct line *grown = realloc(d->lines, cap * sizeof(*grown));

        if (grown == NULL) {
            d->failed = 1;
            return;
        }
        d->lines = grown;
        d->cap = cap;
    }
    l = &d->lines[d->n++];
    l->lo = first ? fd->ep[i] : fd->ep[1 - i];
    l->hi = first ? fd->ep[1 - i] : fd->ep[i];
    l->from = fd->ep[i];
    l->bytes = dd->bytes;
    l->gaps = dd->gaps;
    l->gap_bytes = dd->gap_bytes;
    if (!EVP_DigestFinal_ex(dd->md, l->sha, NULL))
        d->failed = 1;
}

static void on_close(void *ctx, struct sw_flow *f, void *state,
                     enum sw_flow_end why, int64_t ts)
{
    struct dump *d = ctx;
    struct flow_digest *fd = state;
    int i;

    (void)f;
    (void)why;
    (void)ts;
    if (fd == NULL)
        return;
    for (i = 0; i < 2; i++) {
        /* A stray ACK after a close opens a flow with nothing in it; packet
         * order decides whether that happens, so empty directions are not
         * printed: the check is on the bytes. */
        if (fd->dir[i].md != NULL && (fd->dir[i].bytes || fd->dir[i].gaps))
            add_line(d, fd, i);
        EVP_MD_CTX_free(fd->dir[i].md);
    }
    free(fd);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_line(const void *pa, const void *pb)
{
    const struct line *a = pa, *b = pb;
    int c;

    if ((c = sw_endpoint_cmp(&a->lo, &b->lo)) != 0 ||
        (c = sw_endpoint_cmp(&a->hi, &b->hi)) != 0 ||
        (c = sw_endpoint_cmp(&a->from, &b->from)) != 0 ||
        (c = cmp_u64(a->bytes, b->bytes)) != 0 ||
        (c = cmp_u64(a->gaps, b->gaps)) != 0 ||
        (c = cmp_u64(a->gap_bytes, b->gap_bytes)) != 0)
        return c;
    return memcmp(a->sha, b->sha, sizeof(a->sha));
}

static void print_line(const struct line *l)
{
    char lo[SW_ENDPOINT_STRLEN], hi[SW_ENDPOINT_STRLEN];
    char from[SW_ENDPOINT_STRLEN];
    size_t i;

    printf("%s %s from %s", sw_endpoint_format(&l->lo, lo, sizeof(lo)),
           sw_endpoint_format(&l->hi, hi, sizeof(hi)),
           sw_endpoint_format(&l->from, from, sizeof(from)));
    printf(" bytes %" PRIu64 " gaps %" PRIu64 " gap_bytes %" PRIu64, l->bytes,
           l->gaps, l->gap_bytes);
    printf(" sha256 ");
    for (i = 0; i < sizeof(l->sha); i++)
        printf("%02x", l->sha[i]);
    putchar('\n');
}

/* Feed every frame of the source to the table. Returns 0 at the clean end
 * of input, -1 on a read error or when the table refused a packet. */
static int feed(struct sw_source *src, struct sw_flow_table *t,
                struct sw_cap_counters *c, int64_t *last_ts)
{
    char err[256];
    struct sw_frame fr;
    struct sw_packet pkt;
    enum sw_status st;

    while ((st = sw_source_next(src, &fr, err, sizeof(err))) == SW_OK ||
           st == SW_NEED_MORE) {
        if (st != SW_OK)
            continue;
        *last_ts = fr.ts;
        if (sw_packet_decode(fr.dlt, fr.data, fr.caplen, fr.ts, &pkt, c) !=
            SW_OK)
            continue;
        if (sw_flow_table_input(t, &pkt) != SW_OK) {
            fprintf(stderr, "streamdump: %s: flow table full\n",
                    sw_source_name(src));
            return -1;
        }
    }
    if (st != SW_UNSUPPORTED) {
        fprintf(stderr, "streamdump: %s\n", err);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct dump d = {0};
    struct sw_flow_consumer cons = {&d, on_open, on_data, on_gap, on_close};
    struct sw_flow_config cfg;
    struct sw_cap_counters counters = {0};
    struct sw_flow_table *t;
    struct sw_source *src;
    char err[256];
    int64_t last_ts = 0;
    int rc;
    size_t i;

    if (argc != 2) {
        fprintf(stderr, "usage: streamdump FILE\n");
        return 2;
    }
    src = sw_source_open_file(argv[1], err, sizeof(err));
    if (src == NULL) {
        fprintf(stderr, "streamdump: %s\n", err);
        return 1;
    }
    sw_flow_config_default(&cfg);
    t = sw_flow_table_new(&cfg, &cons, &counters);
    if (t == NULL) {
        fprintf(stderr, "streamdump: out of memory\n");
        sw_source_close(src);
        return 1;
    }
    rc = feed(src, t, &counters, &last_ts);
    sw_flow_table_free(t, last_ts);
    sw_source_close(src);
    if (d.failed) {
        fprintf(stderr, "streamdump: %s: digests incomplete\n", argv[1]);
        rc = -1;
    }
    qsort(d.lines, d.n, sizeof(*d.lines), cmp_line);
    for (i = 0; i < d.n; i++)
        print_line(&d.lines[i]);
    free(d.lines);
    return rc == 0 ? 0 : 1;
}
