/* keytable.c - key timelines per key name and per server, the issue to
 * redemption link by ticket digest, and the verdicts (rules in
 * keytable.h). */
#include "report/keytable.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "common/timefmt.h"
#include "report/json.h"

#define NONE32 UINT32_MAX

/* Open-addressing index of entry numbers (stored +1, 0 = empty). */
struct idx {
    uint32_t *slot;
    size_t mask; /* size - 1; size a power of two, 0 before first use */
    size_t used;
};

/* A ticket seen at a server still undecided on its format. */
struct prefix {
    uint8_t b[16]; /* first bytes, zero-padded */
    uint8_t len;
    uint8_t sha[32]; /* tells a re-offered ticket from a new one */
};

struct key {
    struct sw_keyid id;
    uint64_t issued, offered, accepted, rejected;
    int64_t first_issued, last_issued, first_offered, last_offered;
    int64_t last_accepted, first_rejected, max_age;
    const char **names; /* SNI names, ascending; point at server names */
    size_t n_names;
    uint32_t *srv; /* servers it was seen with, ascending */
    size_t n_srv;
    struct sw_endpoint *eps; /* ascending */
    size_t n_eps;
    uint32_t *hints; /* ascending */
    size_t n_hints;
};

struct server {
    char *name;
    bool by_addr;
    struct sw_endpoint *eps;
    size_t n_eps;
    uint64_t handshakes, resumed;
    uint32_t *keys; /* in the order this server first saw them */
    size_t n_keys;
    enum sw_ticket_format format;
    bool format_known;
    struct prefix *prefixes; /* distinct tickets, while no prefix repeats */
    size_t n_prefixes;
    bool keyed;    /* a 16-byte prefix repeated: the tickets carry a key */
    bool no_keyid; /* decided for good: SW_KEYTABLE_NOKEYID_TRACK unique */
    uint64_t hint_exceeded;
    uint64_t no_key_name; /* its tickets shorter than their key id */
    int64_t worst_age;
    uint32_t worst_hint;
    int rot_kind; /* 0 none, 1 rejected after newer, 2 renewed to newer */
    uint32_t rot_old, rot_new;
};

struct drec {
    uint8_t sha[32];
    int64_t ts;
    uint32_t key;
    uint32_t hint;
};

/* Issued-ticket digests: a ring (oldest first, from head) plus an index.
 * Entries live at (head + i) % alloc for i < n. */
struct dstore {
    struct drec *ring;
    size_t n, alloc, max, head;
    uint32_t *slot; /* ring position + 1, linear probing */
    size_t mask;
    uint64_t evicted; /* to the cap */
    uint64_t expired; /* older than max_age */
    int64_t max_age;  /* ns; 0 keeps digests whatever their age */
    int64_t latest;   /* latest handshake time seen, for expiry */
};

struct sw_keytable {
    struct key *keys;
    size_t n_keys;
    struct server *srv;
    size_t n_srv;
    struct idx key_idx, srv_idx;
    struct dstore ds;
    struct sw_keytable_totals tot;
    /* The server last found by address (no SNI): formatting an address
     * for every such handshake would cost more than the rest. */
    struct sw_endpoint last_addr;
    uint32_t last_addr_srv; /* NONE32 when unset */
};

/* Grow *arr (n elements of size sz) so that one more fits: capacity is
 * implicit, 4 then doubling at each power of two. */
static bool push_room(void *arr, size_t n, size_t sz)
{
    void **p = arr;
    size_t cap;
    void *q;

    if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
        return true;
    cap = n == 0 ? 4 : n * 2;
    if (cap > SIZE_MAX / sz)
        return false;
    q = realloc(*p, cap * sz);
    if (!q)
        return false;
    *p = q;
    return true;
}

static uint64_t fnv1a(const void *p, size_t n, uint64_t h)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static int64_t tmin(int64_t a, int64_t b)
{
    if (a == SW_TIME_NONE)
        return b;
    if (b == SW_TIME_NONE)
        return a;
    return a < b ? a : b;
}

static int64_t tmax(int64_t a, int64_t b)
{
    if (a == SW_TIME_NONE)
        return b;
    if (b == SW_TIME_NONE)
        return a;
    return a > b ? a : b;
}

static uint64_t key_hash(const struct sw_keyid *id)
{
    uint64_t h = fnv1a(&id->len, 1, 0xcbf29ce484222325ULL);
    uint8_t f = (uint8_t)id->format;

    h = fnv1a(&f, 1, h);
    return fnv1a(id->bytes, id->len, h);
}

static bool key_eq(const struct sw_keyid *a, const struct sw_keyid *b)
{
    return a->format == b->format && a->len == b->len &&
           memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* Find entry in ix whose key matches; eq compares entry e with what. */
typedef bool (*idx_eq)(const struct sw_keytable *kt, uint32_t e,
                       const void *what);

static bool idx_key_eq(const struct sw_keytable *kt, uint32_t e,
                       const void *what)
{
    return key_eq(&kt->keys[e].id, what);
}

static bool idx_srv_eq(const struct sw_keytable *kt, uint32_t e,
                       const void *what)
{
    return strcmp(kt->srv[e].name, what) == 0;
}

static uint32_t idx_find(const struct sw_keytable *kt, const struct idx *ix,
                         uint64_t h, idx_eq eq, const void *what)
{
    size_t i;

    if (!ix->slot)
        return NONE32;
    for (i = (size_t)h & ix->mask; ix->slot[i]; i = (i + 1) & ix->mask)
        if (eq(kt, ix->slot[i] - 1, what))
            return ix->slot[i] - 1;
    return NONE32;
}

static void idx_place(struct idx *ix, uint64_t h, uint32_t e)
{
    size_t i = (size_t)h & ix->mask;

    while (ix->slot[i])
        i = (i + 1) & ix->mask;
    ix->slot[i] = e + 1;
    ix->used++;
}

/* Make room for one more entry, rehashing with hash_of(entry). */
static bool idx_room(const struct sw_keytable *kt, struct idx *ix,
                     uint64_t (*hash_of)(const struct sw_keytable *, uint32_t))
{
    size_t size = ix->slot ? ix->mask + 1 : 0, nsize, i;
    struct idx nix;

    if ((ix->used + 1) * 2 <= size)
        return true;
    nsize = size ? size * 2 : 64;
    nix.slot = calloc(nsize, sizeof(*nix.slot));
    if (!nix.slot)
        return false;
    nix.mask = nsize - 1;
    nix.used = 0;
    for (i = 0; i < size; i++)
        if (ix->slot[i])
            idx_place(&nix, hash_of(kt, ix->slot[i] - 1), ix->slot[i] - 1);
    free(ix->slot);
    *ix = nix;
    return true;
}

static uint64_t key_hash_of(const struct sw_keytable *kt, uint32_t e)
{
    return key_hash(&kt->keys[e].id);
}

static uint64_t str_hash(const char *s)
{
    return fnv1a(s, strlen(s), 0xcbf29ce484222325ULL);
}

static uint64_t srv_hash_of(const struct sw_keytable *kt, uint32_t e)
{
    return str_hash(kt->srv[e].name);
}

/* --- digest store ------------------------------------------------------ */

static uint64_t sha_hash(const uint8_t *sha)
{
    uint64_t h = 0;

    memcpy(&h, sha, sizeof(h));
    return h;
}

static const struct drec *ds_find(const struct dstore *ds, const uint8_t *sha)
{
    size_t i;

    if (!ds->slot)
        return NULL;
    for (i = (size_t)sha_hash(sha) & ds->mask; ds->slot[i];
         i = (i + 1) & ds->mask)
        if (memcmp(ds->ring[ds->slot[i] - 1].sha, sha, 32) == 0)
            return &ds->ring[ds->slot[i] - 1];
    return NULL;
}

static void ds_place(struct dstore *ds, size_t pos)
{
    size_t i = (size_t)sha_hash(ds->ring[pos].sha) & ds->mask;

    while (ds->slot[i])
        i = (i + 1) & ds->mask;
    ds->slot[i] = (uint32_t)pos + 1;
}

/* Drop ring position pos from the index, shifting back its followers so
 * that linear probing still finds them. */
static void ds_unplace(struct dstore *ds, size_t pos)
{
    size_t i = (size_t)sha_hash(ds->ring[pos].sha) & ds->mask, j, k;

    while (ds->slot[i] != pos + 1)
        i = (i + 1) & ds->mask;
    ds->slot[i] = 0;
    for (j = (i + 1) & ds->mask; ds->slot[j]; j = (j + 1) & ds->mask) {
        k = (size_t)sha_hash(ds->ring[ds->slot[j] - 1].sha) & ds->mask;
        if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
            ds->slot[i] = ds->slot[j];
            ds->slot[j] = 0;
            i = j;
        }
    }
}

/* Grow a full ring, laying its entries out oldest first from position 0,
 * and rebuild the index to fit it. */
static bool ds_grow(struct dstore *ds)
{
    size_t alloc = ds->alloc ? ds->alloc * 2 : 256, size = 1;
    struct drec *ring;
    uint32_t *slot;

    if (alloc > ds->max)
        alloc = ds->max;
    while (size < alloc * 2)
        size *= 2;
    ring = malloc(alloc * sizeof(*ring));
    slot = calloc(size, sizeof(*slot));
    if (!ring || !slot) {
        free(ring);
        free(slot);
        return false;
    }
    for (size_t i = 0; i < ds->n; i++)
        ring[i] = ds->ring[(ds->head + i) % ds->alloc];
    free(ds->ring);
    free(ds->slot);
    ds->ring = ring;
    ds->slot = slot;
    ds->mask = size - 1;
    ds->alloc = alloc;
    ds->head = 0;
    for (size_t i = 0; i < ds->n; i++)
        ds_place(ds, i);
    return true;
}

/* Forget the oldest digest. */
static void ds_pop(struct dstore *ds)
{
    ds_unplace(ds, ds->head);
    ds->head = (ds->head + 1) % ds->alloc;
    ds->n--;
}

/* Forget digests issued more than max_age before the latest handshake.
 * Oldest first by issue order, which is packet order but for handshakes
 * reported late, so one out-of-order digest may outlive its age a little. */
static void ds_expire(struct dstore *ds)
{
    if (ds->max_age <= 0 || ds->latest == SW_TIME_NONE)
        return;
    while (ds->n > 0) {
        int64_t ts = ds->ring[ds->head].ts;

        if (ts == SW_TIME_NONE || ts >= ds->latest - ds->max_age)
            break;
        ds_pop(ds);
        ds->expired++;
    }
}

static bool ds_insert(struct dstore *ds, const struct drec *d)
{
    size_t pos;

    if (ds_find(ds, d->sha))
        return true;
    if (ds->n == ds->max) {
        ds_pop(ds);
        ds->evicted++;
    }
    if (ds->n == ds->alloc && !ds_grow(ds))
        return false;
    pos = (ds->head + ds->n) % ds->alloc;
    ds->n++;
    ds->ring[pos] = *d;
    ds_place(ds, pos);
    return true;
}

/* --- table ------------------------------------------------------------- */

struct sw_keytable *sw_keytable_new(void)
{
    struct sw_keytable *kt = calloc(1, sizeof(*kt));

    if (kt) {
        kt->ds.max = SW_KEYTABLE_DIGEST_CAP;
        kt->ds.max_age = SW_KEYTABLE_DIGEST_MAX_AGE;
        kt->ds.latest = SW_TIME_NONE;
        kt->last_addr_srv = NONE32;
    }
    return kt;
}

void sw_keytable_set_digest_cap(struct sw_keytable *kt, size_t cap)
{
    if (kt->ds.n == 0 && kt->ds.alloc == 0)
        kt->ds.max = cap ? cap : 1;
}

void sw_keytable_set_digest_max_age(struct sw_keytable *kt, int64_t max_age)
{
    kt->ds.max_age = max_age > 0 ? max_age : 0;
}

void sw_keytable_free(struct sw_keytable *kt)
{
    if (!kt)
        return;
    for (size_t i = 0; i < kt->n_keys; i++) {
        free(kt->keys[i].names);
        free(kt->keys[i].srv);
        free(kt->keys[i].eps);
        free(kt->keys[i].hints);
    }
    for (size_t i = 0; i < kt->n_srv; i++) {
        free(kt->srv[i].name);
        free(kt->srv[i].eps);
        free(kt->srv[i].keys);
        free(kt->srv[i].prefixes);
    }
    free(kt->keys);
    free(kt->srv);
    free(kt->key_idx.slot);
    free(kt->srv_idx.slot);
    free(kt->ds.ring);
    free(kt->ds.slot);
    free(kt);
}

void sw_keytable_totals(const struct sw_keytable *kt,
                        struct sw_keytable_totals *out)
{
    *out = kt->tot;
    out->digests_evicted = kt->ds.evicted;
    out->digests_expired = kt->ds.expired;
}

/* Insert v into the ascending array arr of n elements unless present. */
static bool set_add(void *arr, size_t *n, size_t sz, const void *v,
                    int (*cmp)(const void *, const void *))
{
    uint8_t *a;
    size_t i;

    for (i = 0; i < *n; i++) {
        int c = cmp((uint8_t *)*(void **)arr + i * sz, v);

        if (c == 0)
            return true;
        if (c > 0)
            break;
    }
    if (!push_room(arr, *n, sz))
        return false;
    a = *(void **)arr;
    memmove(a + (i + 1) * sz, a + i * sz, (*n - i) * sz);
    memcpy(a + i * sz, v, sz);
    (*n)++;
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static int cmp_ep(const void *a, const void *b)
{
    return sw_endpoint_cmp(a, b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct server *server_get(struct sw_keytable *kt,
                                 const struct sw_tls_handshake *hs,
                                 uint32_t *out)
{
    char buf[SW_ENDPOINT_STRLEN];
    const char *name = hs->sni;
    struct server *s;
    uint32_t e;
    size_t len;

    if (name[0] == '\0' || memchr(hs->sni, '\0', sizeof(hs->sni)) == NULL) {
        if (kt->last_addr_srv < kt->n_srv &&
            sw_endpoint_cmp(&hs->server, &kt->last_addr) == 0) {
            *out = kt->last_addr_srv;
            return &kt->srv[*out];
        }
        name = sw_endpoint_format(&hs->server, buf, sizeof(buf));
    }
    e = idx_find(kt, &kt->srv_idx, str_hash(name), idx_srv_eq, name);
    if (e != NONE32) {
        if (name == buf) {
            kt->last_addr = hs->server;
            kt->last_addr_srv = e;
        }
        *out = e;
        return &kt->srv[e];
    }
    if (kt->n_srv >= NONE32 - 1 || !push_room(&kt->srv, kt->n_srv, sizeof(*s)))
        return NULL;
    if (!idx_room(kt, &kt->srv_idx, srv_hash_of))
        return NULL;
    s = &kt->srv[kt->n_srv];
    memset(s, 0, sizeof(*s));
    len = strlen(name);
    s->name = malloc(len + 1);
    if (!s->name)
        return NULL;
    memcpy(s->name, name, len + 1);
    s->by_addr = name == buf;
    e = (uint32_t)kt->n_srv++;
    if (s->by_addr) {
        kt->last_addr = hs->server;
        kt->last_addr_srv = e;
    }
    idx_place(&kt->srv_idx, str_hash(name), e);
    *out = e;
    return s;
}

static uint32_t key_get(struct sw_keytable *kt, const struct sw_keyid *id)
{
    struct key *k;
    uint32_t e;

    e = idx_find(kt, &kt->key_idx, key_hash(id), idx_key_eq, id);
    if (e != NONE32)
        return e;
    if (kt->n_keys >= NONE32 - 1 ||
        !push_room(&kt->keys, kt->n_keys, sizeof(*k)) ||
        !idx_room(kt, &kt->key_idx, key_hash_of))
        return NONE32;
    k = &kt->keys[kt->n_keys];
    memset(k, 0, sizeof(*k));
    k->id = *id;
    k->first_issued = k->last_issued = SW_TIME_NONE;
    k->first_offered = k->last_offered = SW_TIME_NONE;
    k->last_accepted = k->first_rejected = k->max_age = SW_TIME_NONE;
    e = (uint32_t)kt->n_keys++;
    idx_place(&kt->key_idx, key_hash(id), e);
    return e;
}

/* Record that key ki was seen with server si over this handshake. */
static bool key_seen(struct sw_keytable *kt, uint32_t ki, uint32_t si,
                     const struct sw_tls_handshake *hs)
{
    struct key *k = &kt->keys[ki];
    struct server *s = &kt->srv[si];
    size_t i;

    for (i = 0; i < s->n_keys && s->keys[i] != ki; i++)
        ;
    if (i == s->n_keys) {
        if (!push_room(&s->keys, s->n_keys, sizeof(*s->keys)))
            return false;
        s->keys[s->n_keys++] = ki;
    }
    if (!set_add(&k->srv, &k->n_srv, sizeof(*k->srv), &si, cmp_u32))
        return false;
    if (!s->by_addr) {
        const char *name = s->name;

        if (!set_add(&k->names, &k->n_names, sizeof(*k->names), &name, cmp_str))
            return false;
    }
    if (hs->server.family != 0 &&
        !set_add(&k->eps, &k->n_eps, sizeof(*k->eps), &hs->server, cmp_ep))
        return false;
    return true;
}

static int64_t key_first_seen(const struct key *k)
{
    return tmin(k->first_issued, k->first_offered);
}

static int64_t key_last_used(const struct key *k)
{
    return tmax(k->last_issued, k->last_accepted);
}

static bool server_no_keyid(const struct server *s)
{
    return s->no_keyid || (!s->keyed && s->n_prefixes >= 3);
}

/* Track the 16-byte prefixes of the distinct tickets a server issues or
 * is offered until one repeats (the tickets carry a key id) or enough are
 * unique. */
static bool server_track(struct server *s, const struct sw_tls_ticket *t)
{
    struct prefix p;

    if (s->keyed || s->no_keyid || !t->data || t->len == 0)
        return true;
    memset(&p, 0, sizeof(p));
    p.len = (uint8_t)(t->len < 16 ? t->len : 16);
    memcpy(p.b, t->data, p.len);
    memcpy(p.sha, t->sha256, sizeof(p.sha));
    for (size_t i = 0; i < s->n_prefixes; i++) {
        if (memcmp(s->prefixes[i].sha, p.sha, sizeof(p.sha)) == 0)
            return true;
        if (s->prefixes[i].len == p.len &&
            memcmp(s->prefixes[i].b, p.b, p.len) == 0) {
            s->keyed = true;
            free(s->prefixes);
            s->prefixes = NULL;
            s->n_prefixes = 0;
            return true;
        }
    }
    if (!push_room(&s->prefixes, s->n_prefixes, sizeof(p)))
        return false;
    s->prefixes[s->n_prefixes++] = p;
    if (s->n_prefixes >= SW_KEYTABLE_NOKEYID_TRACK) {
        s->no_keyid = true;
        free(s->prefixes);
        s->prefixes = NULL;
        s->n_prefixes = 0;
    }
    return true;
}

/* The key of ticket t at server s, or NONE32 (no key id, or no memory:
 * *st says which). */
static uint32_t ticket_key(struct sw_keytable *kt, uint32_t si,
                           const struct sw_tls_handshake *hs,
                           const struct sw_tls_ticket *t, enum sw_status *st)
{
    struct server *s = &kt->srv[si];
    enum sw_ticket_format f;
    struct sw_keyid id;
    uint32_t ki;

    if (server_no_keyid(s) || !t->data)
        return NONE32;
    f = s->format_known ? s->format : sw_ticket_guess_format(t->data, t->len);
    memset(&id, 0, sizeof(id));
    sw_ticket_keyid(t->data, t->len, f, &id);
    if (id.len == 0 || id.len > SW_KEYID_MAX) {
        kt->tot.no_key_name++;
        s->no_key_name++;
        return NONE32;
    }
    ki = key_get(kt, &id);
    if (ki == NONE32 || !key_seen(kt, ki, si, hs)) {
        *st = SW_NOMEM;
        return NONE32;
    }
    return ki;
}

/* The parser names the offered ticket the server took (hs->accepted): the
 * selected PSK identity, or the session_ticket extension's ticket. */
static bool offer_accepted(const struct sw_tls_handshake *hs, size_t i)
{
    if (hs->outcome != SW_OUTCOME_RESUMED)
        return false;
    if (hs->resumed_by != SW_RESUMED_PSK && hs->resumed_by != SW_RESUMED_TICKET)
        return false;
    return hs->accepted >= 0 && (size_t)hs->accepted == i;
}

static void note_rotation(struct server *s, int kind, uint32_t old,
                          uint32_t newer)
{
    if (s->rot_kind)
        return;
    s->rot_kind = kind;
    s->rot_old = old;
    s->rot_new = newer;
}

static void on_accept(struct sw_keytable *kt, struct server *s, uint32_t ki,
                      const struct sw_tls_ticket *t, int64_t when)
{
    struct key *k = &kt->keys[ki];
    const struct drec *d;
    int64_t age;

    k->accepted++;
    k->last_accepted = tmax(k->last_accepted, when);
    d = ds_find(&kt->ds, t->sha256);
    if (!d || when == SW_TIME_NONE || d->ts == SW_TIME_NONE || when < d->ts)
        return;
    age = when - d->ts;
    k->max_age = tmax(k->max_age, age);
    if (d->hint != 0 && age > (int64_t)d->hint * SW_NS_PER_SEC) {
        s->hint_exceeded++;
        if (age > s->worst_age) {
            s->worst_age = age;
            s->worst_hint = d->hint;
        }
    }
}

static void on_reject(struct sw_keytable *kt, struct server *s, uint32_t ki,
                      int64_t when)
{
    struct key *k = &kt->keys[ki];
    int64_t fs = key_first_seen(k), other;

    k->rejected++;
    k->first_rejected = tmin(k->first_rejected, when);
    for (size_t i = 0; i < s->n_keys && !s->rot_kind; i++) {
        other = key_first_seen(&kt->keys[s->keys[i]]);
        if (s->keys[i] != ki && other > fs && other <= when)
            note_rotation(s, 1, ki, s->keys[i]);
    }
}

static void add_offers(struct sw_keytable *kt, uint32_t si,
                       const struct sw_tls_handshake *hs, uint32_t *acc,
                       enum sw_status *st)
{
    int64_t decided =
        hs->ts_decision != SW_TIME_NONE ? hs->ts_decision : hs->ts_client_hello;
    size_t n =
        hs->n_offered < SW_TLS_MAX_OFFERED ? hs->n_offered : SW_TLS_MAX_OFFERED;
    const struct sw_tls_ticket *t;
    struct key *k;
    uint32_t ki;

    for (size_t i = 0; i < n; i++) {
        t = &hs->offered_tickets[i];
        if (!server_track(&kt->srv[si], t))
            *st = SW_NOMEM;
        ki = ticket_key(kt, si, hs, t, st);
        if (ki == NONE32)
            continue;
        k = &kt->keys[ki];
        k->offered++;
        k->first_offered = tmin(k->first_offered, hs->ts_client_hello);
        k->last_offered = tmax(k->last_offered, hs->ts_client_hello);
        if (offer_accepted(hs, i)) {
            on_accept(kt, &kt->srv[si], ki, t, decided);
            *acc = ki;
        } else if (hs->outcome == SW_OUTCOME_REJECTED) {
            on_reject(kt, &kt->srv[si], ki, decided);
        }
    }
}

static void add_issued(struct sw_keytable *kt, uint32_t si,
                       const struct sw_tls_handshake *hs, uint32_t acc,
                       enum sw_status *st)
{
    size_t n =
        hs->n_issued < SW_TLS_MAX_ISSUED ? hs->n_issued : SW_TLS_MAX_ISSUED;
    const struct sw_tls_ticket *t;
    struct server *s;
    struct drec d;
    struct key *k;
    uint32_t ki;

    for (size_t i = 0; i < n; i++) {
        t = &hs->issued[i];
        if (t->len == 0 || !t->data)
            continue;
        s = &kt->srv[si];
        if (!server_track(s, t))
            *st = SW_NOMEM;
        if (!s->format_known) {
            s->format = sw_ticket_guess_format(t->data, t->len);
            s->format_known = true;
        }
        ki = ticket_key(kt, si, hs, t, st);
        if (ki == NONE32)
            continue;
        k = &kt->keys[ki];
        k->issued++;
        k->first_issued = tmin(k->first_issued, t->ts);
        k->last_issued = tmax(k->last_issued, t->ts);
        if (!set_add(&k->hints, &k->n_hints, sizeof(*k->hints), &t->lifetime,
                     cmp_u32))
            *st = SW_NOMEM;
        memcpy(d.sha, t->sha256, sizeof(d.sha));
        d.ts = t->ts;
        d.key = ki;
        d.hint = t->lifetime;
        if (!ds_insert(&kt->ds, &d))
            *st = SW_NOMEM;
        if (hs->renewal && acc != NONE32 && acc != ki &&
            key_first_seen(k) > key_first_seen(&kt->keys[acc]))
            note_rotation(&kt->srv[si], 2, acc, ki);
    }
}

enum sw_status sw_keytable_add(struct sw_keytable *kt,
                               const struct sw_tls_handshake *hs)
{
    enum sw_status st = SW_OK;
    uint32_t si, acc = NONE32;
    struct server *s;
    size_t n;

    kt->tot.handshakes++;
    switch (hs->outcome) {
    case SW_OUTCOME_FULL:
        kt->tot.full++;
        break;
    case SW_OUTCOME_RESUMED:
        kt->tot.resumed++;
        break;
    case SW_OUTCOME_REJECTED:
        kt->tot.rejected++;
        break;
    case SW_OUTCOME_UNKNOWN:
    default:
        kt->tot.unknown++;
        break;
    }
    kt->tot.tickets_offered +=
        hs->n_offered < SW_TLS_MAX_OFFERED ? hs->n_offered : SW_TLS_MAX_OFFERED;
    n = hs->n_issued < SW_TLS_MAX_ISSUED ? hs->n_issued : SW_TLS_MAX_ISSUED;
    for (size_t i = 0; i < n; i++)
        kt->tot.tickets_issued += hs->issued[i].len > 0;
    kt->ds.latest = tmax(kt->ds.latest, hs->ts_client_hello);
    for (size_t i = 0; i < n; i++)
        kt->ds.latest = tmax(kt->ds.latest, hs->issued[i].ts);
    ds_expire(&kt->ds);
    s = server_get(kt, hs, &si);
    if (!s)
        return SW_NOMEM;
    s->handshakes++;
    s->resumed += hs->outcome == SW_OUTCOME_RESUMED;
    if (hs->server.family != 0 &&
        !set_add(&s->eps, &s->n_eps, sizeof(*s->eps), &hs->server, cmp_ep))
        st = SW_NOMEM;
    add_offers(kt, si, hs, &acc, &st);
    add_issued(kt, si, hs, acc, &st);
    return st;
}

/* --- analysis ---------------------------------------------------------- */

const char *sw_verdict_name(enum sw_verdict v)
{
    switch (v) {
    case SW_VERDICT_OK:
        return "ok";
    case SW_VERDICT_STALE:
        return "stale";
    case SW_VERDICT_UNKNOWN:
    default:
        return "unknown";
    }
}

static bool add_note(struct sw_server_view *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool add_note(struct sw_server_view *v, const char *fmt, ...)
{
    va_list ap;
    char *note;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0 || !push_room(&v->notes, v->n_notes, sizeof(*v->notes)))
        return false;
    note = malloc((size_t)len + 1);
    if (!note)
        return false;
    va_start(ap, fmt);
    vsnprintf(note, (size_t)len + 1, fmt, ap);
    va_end(ap);
    v->notes[v->n_notes++] = note;
    return true;
}

struct kord {
    int64_t fs;
    const struct key *k;
    uint32_t ki;
};

static int cmp_kord(const void *a, const void *b)
{
    const struct kord *x = a, *y = b;
    int c;

    if (x->fs != y->fs)
        return x->fs < y->fs ? -1 : 1;
    if (x->k->id.len != y->k->id.len)
        return x->k->id.len < y->k->id.len ? -1 : 1;
    c = memcmp(x->k->id.bytes, y->k->id.bytes, x->k->id.len);
    if (c)
        return c;
    return (int)x->k->id.format - (int)y->k->id.format;
}

static int cmp_srvp(const void *a, const void *b)
{
    const struct server *x = *(const struct server *const *)a;
    const struct server *y = *(const struct server *const *)b;

    return strcmp(x->name, y->name);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

static bool key_listed(const struct sw_keytable *kt, const struct key *k)
{
    for (size_t i = 0; i < k->n_srv; i++)
        if (!server_no_keyid(&kt->srv[k->srv[i]]))
            return true;
    return false;
}

static void fill_key(struct sw_key_view *v, const struct key *k)
{
    static const char hex[] = "0123456789abcdef";

    v->id = k->id;
    for (size_t i = 0; i < k->id.len; i++) {
        v->name[2 * i] = hex[k->id.bytes[i] >> 4];
        v->name[2 * i + 1] = hex[k->id.bytes[i] & 15];
    }
    v->name[2 * k->id.len] = '\0';
    v->issued = k->issued;
    v->offered = k->offered;
    v->accepted = k->accepted;
    v->rejected = k->rejected;
    v->first_issued = k->first_issued;
    v->last_issued = k->last_issued;
    v->first_offered = k->first_offered;
    v->last_offered = k->last_offered;
    v->last_accepted = k->last_accepted;
    v->first_rejected = k->first_rejected;
    v->first_seen = key_first_seen(k);
    v->last_used = key_last_used(k);
    v->in_use = 0;
    if (v->first_seen != SW_TIME_NONE && v->last_used != SW_TIME_NONE &&
        v->last_used > v->first_seen)
        v->in_use = v->last_used - v->first_seen;
    v->max_accepted_ticket_age = k->max_age;
    v->names = k->names;
    v->n_names = k->n_names;
    v->servers = k->eps;
    v->n_servers = k->n_eps;
    v->lifetime_hints = k->hints;
    v->n_hints = k->n_hints;
}

/* Rule (a) of keytable.h: a key whose use ended by the time a later key
 * first appeared. keys are in first sighting order. Sets *old, *newer. */
static bool succession(const struct sw_analysis *a,
                       const struct sw_server_view *v, size_t *old,
                       size_t *newer)
{
    const struct sw_key_view *kp, *kq;
    size_t p = 0, best = SIZE_MAX;

    for (size_t q = 0; q < v->n_keys; q++) {
        kq = &a->keys[v->keys[q]];
        for (; p < q; p++) {
            kp = &a->keys[v->keys[p]];
            if (kp->first_seen >= kq->first_seen)
                break;
            if (kp->last_used != SW_TIME_NONE &&
                (best == SIZE_MAX ||
                 kp->last_used < a->keys[v->keys[best]].last_used))
                best = p;
        }
        if (best != SIZE_MAX &&
            a->keys[v->keys[best]].last_used <= kq->first_seen) {
            *old = v->keys[best];
            *newer = v->keys[q];
            return true;
        }
    }
    return false;
}

static bool server_notes(const uint32_t *view_of, const struct server *s,
                         const struct sw_analysis *a, struct sw_server_view *v,
                         int64_t limit)
{
    char d1[SW_TIME_STRLEN + 32], d2[SW_TIME_STRLEN];
    size_t old = 0, newer = 0;
    const struct sw_key_view *k;
    bool ok = true, succ;
    int rot_kind = s->rot_kind;

    if (v->no_key_id)
        ok &= add_note(v, "no key id in this server's tickets");
    for (size_t i = 0; i < v->n_keys && v->verdict == SW_VERDICT_STALE; i++) {
        k = &a->keys[v->keys[i]];
        if (k->in_use > limit)
            ok &= add_note(v, "key %s in use for %s, longer than the %s limit",
                           k->name,
                           sw_text_duration_exact(k->in_use, d1, sizeof(d1)),
                           sw_text_limit(limit, d2, sizeof(d2)));
    }
    if (v->verdict == SW_VERDICT_UNKNOWN && !v->no_key_id) {
        if (v->n_keys == 0 && s->no_key_name)
            ok &= add_note(v,
                           "no key name in the %llu ticket%s seen (shorter "
                           "than the key id)",
                           (unsigned long long)s->no_key_name,
                           s->no_key_name == 1 ? "" : "s");
        else if (v->n_keys == 0)
            ok &= add_note(v, "no session tickets seen");
        else
            ok &= add_note(v,
                           "observed for only %s, less than the %s limit; no "
                           "rotation seen",
                           sw_text_duration_exact(v->observed, d1, sizeof(d1)),
                           sw_text_limit(limit, d2, sizeof(d2)));
    }
    succ = succession(a, v, &old, &newer);
    /* The keys of a rotation are named only when both are listed: a key
     * seen only at servers without key ids has no view (NONE32). */
    if (s->rot_kind &&
        (view_of[s->rot_old] == NONE32 || view_of[s->rot_new] == NONE32))
        rot_kind = 0;
    if (rot_kind == 1)
        ok &=
            add_note(v, "rotation seen: key %s rejected after key %s appeared",
                     a->keys[view_of[s->rot_old]].name,
                     a->keys[view_of[s->rot_new]].name);
    else if (rot_kind == 2)
        ok &= add_note(v, "rotation seen: key %s renewed with newer key %s",
                       a->keys[view_of[s->rot_old]].name,
                       a->keys[view_of[s->rot_new]].name);
    else if (succ)
        ok &= add_note(v, "rotation seen: key %s followed by key %s",
                       a->keys[old].name, a->keys[newer].name);
    if (s->hint_exceeded)
        ok &= add_note(v,
                       "ticket accepted after its lifetime hint ran out: %llu "
                       "time%s, the oldest %s old against a hint of %s",
                       (unsigned long long)s->hint_exceeded,
                       s->hint_exceeded == 1 ? "" : "s",
                       sw_text_duration_exact(s->worst_age, d1, sizeof(d1)),
                       sw_text_limit((int64_t)s->worst_hint * SW_NS_PER_SEC, d2,
                                     sizeof(d2)));
    for (size_t i = 0; i < v->n_keys; i++) {
        k = &a->keys[v->keys[i]];
        if (k->n_names < 2)
            continue;
        ok &= add_note(v,
                       "same key name %s under several server names:", k->name);
        for (size_t j = 0; ok && j < k->n_names; j++) {
            char *n = v->notes[v->n_notes - 1];
            size_t len = strlen(n), add = strlen(k->names[j]) + 3;
            char *m = realloc(n, len + add);

            if (!m) {
                ok = false;
                break;
            }
            snprintf(m + len, add, "%s %s", j ? "," : "", k->names[j]);
            v->notes[v->n_notes - 1] = m;
        }
    }
    return ok;
}

static bool fill_server(const struct server *s, const uint32_t *view_of,
                        const struct sw_analysis *a, struct sw_server_view *v,
                        int64_t limit)
{
    int64_t first = SW_TIME_NONE, last = SW_TIME_NONE;
    const struct sw_key_view *k;
    size_t old, newer;

    v->name = s->name;
    v->by_address = s->by_addr;
    v->addresses = s->eps;
    v->n_addresses = s->n_eps;
    v->handshakes = s->handshakes;
    v->resumed = s->resumed;
    v->no_key_id = server_no_keyid(s);
    v->longest_key_in_use = SW_TIME_NONE;
    if (s->n_keys && !v->no_key_id) {
        v->keys = malloc(s->n_keys * sizeof(*v->keys));
        if (!v->keys)
            return false;
        for (size_t i = 0; i < s->n_keys; i++)
            if (view_of[s->keys[i]] != NONE32)
                v->keys[v->n_keys++] = view_of[s->keys[i]];
        qsort(v->keys, v->n_keys, sizeof(*v->keys), cmp_size);
    }
    for (size_t i = 0; i < v->n_keys; i++) {
        k = &a->keys[v->keys[i]];
        v->longest_key_in_use = tmax(v->longest_key_in_use, k->in_use);
        first = tmin(first, k->first_seen);
        last = tmax(last, k->last_used);
    }
    v->observed = 0;
    if (first != SW_TIME_NONE && last != SW_TIME_NONE && last > first)
        v->observed = last - first;
    v->rotation_seen =
        (s->rot_kind != 0 && !v->no_key_id) || succession(a, v, &old, &newer);
    if (v->no_key_id)
        v->verdict = SW_VERDICT_UNKNOWN;
    else if (v->longest_key_in_use != SW_TIME_NONE &&
             v->longest_key_in_use > limit)
        v->verdict = SW_VERDICT_STALE;
    else if (v->n_keys && (v->rotation_seen || v->observed >= limit))
        v->verdict = SW_VERDICT_OK;
    else
        v->verdict = SW_VERDICT_UNKNOWN;
    return server_notes(view_of, s, a, v, limit);
}

void sw_analysis_free(struct sw_analysis *a)
{
    if (!a)
        return;
    for (size_t i = 0; a->servers && i < a->n_servers; i++) {
        for (size_t j = 0; j < a->servers[i].n_notes; j++)
            free(a->servers[i].notes[j]);
        free(a->servers[i].notes);
        free(a->servers[i].keys);
    }
    free(a->servers);
    free(a->keys);
    memset(a, 0, sizeof(*a));
}

enum sw_status sw_keytable_analyse(const struct sw_keytable *kt,
                                   const struct sw_policy *pol,
                                   struct sw_analysis *out)
{
    int64_t limit = 24 * 3600 * SW_NS_PER_SEC;
    const struct server **srv = NULL;
    uint32_t *view_of = NULL;
    struct kord *ord = NULL;
    size_t n = 0;
    bool ok = true;

    memset(out, 0, sizeof(*out));
    if (pol && pol->max_key_age > 0)
        limit = pol->max_key_age;
    view_of = malloc((kt->n_keys + 1) * sizeof(*view_of));
    ord = malloc((kt->n_keys + 1) * sizeof(*ord));
    srv = malloc((kt->n_srv + 1) * sizeof(*srv));
    out->keys = calloc(kt->n_keys + 1, sizeof(*out->keys));
    out->servers = calloc(kt->n_srv + 1, sizeof(*out->servers));
    if (!view_of || !ord || !srv || !out->keys || !out->servers) {
        ok = false;
        goto done;
    }
    for (uint32_t i = 0; i < kt->n_keys; i++) {
        view_of[i] = NONE32;
        if (!key_listed(kt, &kt->keys[i]))
            continue;
        ord[n].k = &kt->keys[i];
        ord[n].ki = i;
        ord[n++].fs = key_first_seen(&kt->keys[i]);
    }
    qsort(ord, n, sizeof(*ord), cmp_kord);
    for (size_t i = 0; i < n; i++) {
        fill_key(&out->keys[i], ord[i].k);
        view_of[ord[i].ki] = (uint32_t)i;
    }
    out->n_keys = n;
    for (size_t i = 0; i < kt->n_srv; i++)
        srv[i] = &kt->srv[i];
    qsort(srv, kt->n_srv, sizeof(*srv), cmp_srvp);
    for (size_t i = 0; ok && i < kt->n_srv; i++) {
        out->n_servers++;
        ok = fill_server(srv[i], view_of, out, &out->servers[i], limit);
        out->n_stale += out->servers[i].verdict == SW_VERDICT_STALE;
    }
done:
    free(view_of);
    free(ord);
    free(srv);
    if (!ok) {
        sw_analysis_free(out);
        return SW_NOMEM;
    }
    return SW_OK;
}

/* --- export and import ------------------------------------------------- */

/* A growing byte buffer; ok turns false at the first failed allocation. */
struct wbuf {
    uint8_t *b;
    size_t n, cap;
    bool ok;
};

static void w_bytes(struct wbuf *w, const void *p, size_t n)
{
    if (!w->ok)
        return;
    if (n > w->cap - w->n) {
        size_t cap = w->cap ? w->cap : 4096;
        uint8_t *q;

        while (cap - w->n < n) {
            if (cap > SIZE_MAX / 2) {
                w->ok = false;
                return;
            }
            cap *= 2;
        }
        q = realloc(w->b, cap);
        if (!q) {
            w->ok = false;
            return;
        }
        w->b = q;
        w->cap = cap;
    }
    if (n)
        memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void w_u8(struct wbuf *w, unsigned v)
{
    uint8_t b = (uint8_t)v;

    w_bytes(w, &b, 1);
}

static void w_u32(struct wbuf *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};

    w_bytes(w, b, sizeof(b));
}

static void w_u64(struct wbuf *w, uint64_t v)
{
    w_u32(w, (uint32_t)(v >> 32));
    w_u32(w, (uint32_t)v);
}

static void w_i64(struct wbuf *w, int64_t v)
{
    w_u64(w, (uint64_t)v);
}

static void w_count(struct wbuf *w, size_t n)
{
    if (n > UINT32_MAX)
        w->ok = false;
    w_u32(w, (uint32_t)n);
}

static void w_eps(struct wbuf *w, const struct sw_endpoint *ep, size_t n)
{
    w_count(w, n);
    for (size_t i = 0; i < n; i++) {
        w_u8(w, ep[i].family);
        w_bytes(w, ep[i].addr, sizeof(ep[i].addr));
        w_u32(w, ep[i].port);
    }
}

static void w_u32s(struct wbuf *w, const uint32_t *v, size_t n)
{
    w_count(w, n);
    for (size_t i = 0; i < n; i++)
        w_u32(w, v[i]);
}

#define EXPORT_MAGIC 0x53574b54u /* "SWKT" */
/* Version 2 added each server's count of tickets without a key name. */
#define EXPORT_VERSION 2u

static void export_server(struct wbuf *w, const struct server *s)
{
    size_t len = strlen(s->name);

    w_count(w, len);
    w_bytes(w, s->name, len);
    w_u8(w, s->by_addr);
    w_eps(w, s->eps, s->n_eps);
    w_u64(w, s->handshakes);
    w_u64(w, s->resumed);
    w_u32s(w, s->keys, s->n_keys);
    w_u8(w, (unsigned)s->format);
    w_u8(w, s->format_known);
    w_count(w, s->n_prefixes);
    for (size_t i = 0; i < s->n_prefixes; i++) {
        w_bytes(w, s->prefixes[i].b, sizeof(s->prefixes[i].b));
        w_u8(w, s->prefixes[i].len);
        w_bytes(w, s->prefixes[i].sha, sizeof(s->prefixes[i].sha));
    }
    w_u8(w, s->keyed);
    w_u8(w, s->no_keyid);
    w_u64(w, s->hint_exceeded);
    w_u64(w, s->no_key_name);
    w_i64(w, s->worst_age);
    w_u32(w, s->worst_hint);
    w_u8(w, (unsigned)s->rot_kind);
    w_u32(w, s->rot_old);
    w_u32(w, s->rot_new);
}

static void export_key(struct wbuf *w, const struct key *k)
{
    w_u8(w, (unsigned)k->id.format);
    w_u8(w, k->id.len);
    w_bytes(w, k->id.bytes, k->id.len);
    w_u64(w, k->issued);
    w_u64(w, k->offered);
    w_u64(w, k->accepted);
    w_u64(w, k->rejected);
    w_i64(w, k->first_issued);
    w_i64(w, k->last_issued);
    w_i64(w, k->first_offered);
    w_i64(w, k->last_offered);
    w_i64(w, k->last_accepted);
    w_i64(w, k->first_rejected);
    w_i64(w, k->max_age);
    w_u32s(w, k->srv, k->n_srv);
    w_eps(w, k->eps, k->n_eps);
    w_u32s(w, k->hints, k->n_hints);
}

enum sw_status sw_keytable_export(const struct sw_keytable *kt, uint8_t **out,
                                  size_t *len)
{
    const struct sw_keytable_totals *t = &kt->tot;
    const struct dstore *ds = &kt->ds;
    struct wbuf w = {NULL, 0, 0, true};

    w_u32(&w, EXPORT_MAGIC);
    w_u32(&w, EXPORT_VERSION);
    w_u64(&w, t->handshakes);
    w_u64(&w, t->full);
    w_u64(&w, t->resumed);
    w_u64(&w, t->rejected);
    w_u64(&w, t->unknown);
    w_u64(&w, t->tickets_issued);
    w_u64(&w, t->tickets_offered);
    w_u64(&w, t->no_key_name);
    w_u64(&w, ds->evicted);
    w_u64(&w, ds->expired);
    w_i64(&w, ds->latest);
    w_count(&w, kt->n_srv);
    for (size_t i = 0; i < kt->n_srv; i++)
        export_server(&w, &kt->srv[i]);
    w_count(&w, kt->n_keys);
    for (size_t i = 0; i < kt->n_keys; i++)
        export_key(&w, &kt->keys[i]);
    w_count(&w, ds->n);
    for (size_t i = 0; i < ds->n; i++) {
        const struct drec *d = &ds->ring[(ds->head + i) % ds->alloc];

        w_bytes(&w, d->sha, sizeof(d->sha));
        w_i64(&w, d->ts);
        w_u32(&w, d->key);
        w_u32(&w, d->hint);
    }
    if (!w.ok) {
        free(w.b);
        return SW_NOMEM;
    }
    *out = w.b;
    *len = w.n;
    return SW_OK;
}

/* Readers of the export format; each fails without side effects. */
static bool r_u64(struct sw_reader *r, uint64_t *v)
{
    struct sw_reader save = *r;
    uint32_t hi, lo;

    if (!sw_rd_u32(r, &hi) || !sw_rd_u32(r, &lo)) {
        *r = save;
        return false;
    }
    *v = (uint64_t)hi << 32 | lo;
    return true;
}

static bool r_i64(struct sw_reader *r, int64_t *v)
{
    uint64_t u;

    if (!r_u64(r, &u))
        return false;
    memcpy(v, &u, sizeof(*v));
    return true;
}

static bool r_bool(struct sw_reader *r, bool *v)
{
    uint8_t b;

    if (!sw_rd_u8(r, &b) || b > 1)
        return false;
    *v = b;
    return true;
}

/* A count of items of at least min_size bytes each that the rest of the
 * input can hold, so that a corrupt count cannot ask for a huge array. */
static bool r_count(struct sw_reader *r, size_t min_size, size_t *n)
{
    uint32_t v;

    if (!sw_rd_u32(r, &v) || (size_t)v > sw_rd_left(r) / min_size)
        return false;
    *n = v;
    return true;
}

static enum sw_status r_ep(struct sw_reader *r, struct sw_endpoint *ep)
{
    uint32_t port;

    memset(ep, 0, sizeof(*ep));
    if (!sw_rd_u8(r, &ep->family) || !sw_rd_copy(r, ep->addr, 16) ||
        !sw_rd_u32(r, &port) || port > UINT16_MAX ||
        (ep->family != 0 && ep->family != 4 && ep->family != 6))
        return SW_MALFORMED;
    ep->port = (uint16_t)port;
    return SW_OK;
}

/* Endpoints into the ascending set *arr. */
static enum sw_status r_eps(struct sw_reader *r, struct sw_endpoint **arr,
                            size_t *n)
{
    struct sw_endpoint ep;
    size_t count;

    if (!r_count(r, 21, &count))
        return SW_MALFORMED;
    for (size_t i = 0; i < count; i++) {
        if (r_ep(r, &ep) != SW_OK)
            return SW_MALFORMED;
        if (!set_add(arr, n, sizeof(ep), &ep, cmp_ep))
            return SW_NOMEM;
    }
    return SW_OK;
}

/* Indices below limit into *arr: as a list, or as an ascending set. */
static enum sw_status r_u32s(struct sw_reader *r, uint32_t limit, bool as_set,
                             uint32_t **arr, size_t *n)
{
    size_t count;
    uint32_t v;

    if (!r_count(r, 4, &count))
        return SW_MALFORMED;
    for (size_t i = 0; i < count; i++) {
        if (!sw_rd_u32(r, &v) || v >= limit)
            return SW_MALFORMED;
        if (as_set ? !set_add(arr, n, sizeof(v), &v, cmp_u32)
                   : !push_room(arr, *n, sizeof(v)))
            return SW_NOMEM;
        if (!as_set)
            (*arr)[(*n)++] = v;
    }
    return SW_OK;
}

static enum sw_status import_prefixes(struct sw_reader *r, struct server *s)
{
    struct prefix p;
    size_t count;

    if (!r_count(r, sizeof(p.b) + 1 + sizeof(p.sha), &count) ||
        count >= SW_KEYTABLE_NOKEYID_TRACK)
        return SW_MALFORMED;
    for (size_t i = 0; i < count; i++) {
        memset(&p, 0, sizeof(p));
        if (!sw_rd_copy(r, p.b, sizeof(p.b)) || !sw_rd_u8(r, &p.len) ||
            p.len > sizeof(p.b) || !sw_rd_copy(r, p.sha, sizeof(p.sha)))
            return SW_MALFORMED;
        if (!push_room(&s->prefixes, s->n_prefixes, sizeof(p)))
            return SW_NOMEM;
        s->prefixes[s->n_prefixes++] = p;
    }
    return SW_OK;
}

/* One server; its key indices are checked once the keys are read. */
static enum sw_status import_server(struct sw_keytable *kt, struct sw_reader *r)
{
    const uint8_t *name;
    enum sw_status st;
    struct server *s;
    uint8_t fmt, rot;
    size_t len;

    if (!r_count(r, 1, &len) || len == 0 || len > 4096 ||
        !sw_rd_bytes(r, len, &name) || memchr(name, '\0', len))
        return SW_MALFORMED;
    if (kt->n_srv >= NONE32 - 1 ||
        !push_room(&kt->srv, kt->n_srv, sizeof(*s)) ||
        !idx_room(kt, &kt->srv_idx, srv_hash_of))
        return SW_NOMEM;
    s = &kt->srv[kt->n_srv];
    memset(s, 0, sizeof(*s));
    s->name = malloc(len + 1);
    if (!s->name)
        return SW_NOMEM;
    memcpy(s->name, name, len);
    s->name[len] = '\0';
    if (idx_find(kt, &kt->srv_idx, str_hash(s->name), idx_srv_eq, s->name) !=
        NONE32) {
        free(s->name);
        return SW_MALFORMED;
    }
    idx_place(&kt->srv_idx, str_hash(s->name), (uint32_t)kt->n_srv++);
    if (!r_bool(r, &s->by_addr))
        return SW_MALFORMED;
    if ((st = r_eps(r, &s->eps, &s->n_eps)) != SW_OK)
        return st;
    if (!r_u64(r, &s->handshakes) || !r_u64(r, &s->resumed))
        return SW_MALFORMED;
    if ((st = r_u32s(r, NONE32, false, &s->keys, &s->n_keys)) != SW_OK)
        return st;
    if (!sw_rd_u8(r, &fmt) || fmt >= SW_TKT_FORMAT_COUNT ||
        !r_bool(r, &s->format_known))
        return SW_MALFORMED;
    s->format = (enum sw_ticket_format)fmt;
    if ((st = import_prefixes(r, s)) != SW_OK)
        return st;
    if (!r_bool(r, &s->keyed) || !r_bool(r, &s->no_keyid) ||
        !r_u64(r, &s->hint_exceeded) || !r_u64(r, &s->no_key_name) ||
        !r_i64(r, &s->worst_age) || !sw_rd_u32(r, &s->worst_hint) ||
        !sw_rd_u8(r, &rot) || rot > 2 || !sw_rd_u32(r, &s->rot_old) ||
        !sw_rd_u32(r, &s->rot_new))
        return SW_MALFORMED;
    s->rot_kind = rot;
    return SW_OK;
}

static enum sw_status import_key(struct sw_keytable *kt, struct sw_reader *r)
{
    struct sw_keyid id;
    enum sw_status st;
    struct key *k;
    uint8_t fmt;
    uint32_t ki;

    memset(&id, 0, sizeof(id));
    if (!sw_rd_u8(r, &fmt) || fmt >= SW_TKT_FORMAT_COUNT ||
        !sw_rd_u8(r, &id.len) || id.len == 0 || id.len > SW_KEYID_MAX ||
        !sw_rd_copy(r, id.bytes, id.len))
        return SW_MALFORMED;
    id.format = (enum sw_ticket_format)fmt;
    if (idx_find(kt, &kt->key_idx, key_hash(&id), idx_key_eq, &id) != NONE32)
        return SW_MALFORMED;
    ki = key_get(kt, &id);
    if (ki == NONE32)
        return SW_NOMEM;
    k = &kt->keys[ki];
    if (!r_u64(r, &k->issued) || !r_u64(r, &k->offered) ||
        !r_u64(r, &k->accepted) || !r_u64(r, &k->rejected) ||
        !r_i64(r, &k->first_issued) || !r_i64(r, &k->last_issued) ||
        !r_i64(r, &k->first_offered) || !r_i64(r, &k->last_offered) ||
        !r_i64(r, &k->last_accepted) || !r_i64(r, &k->first_rejected) ||
        !r_i64(r, &k->max_age))
        return SW_MALFORMED;
    if ((st = r_u32s(r, (uint32_t)kt->n_srv, true, &k->srv, &k->n_srv)) !=
        SW_OK)
        return st;
    for (size_t i = 0; i < k->n_srv; i++) {
        const char *name = kt->srv[k->srv[i]].name;

        if (!kt->srv[k->srv[i]].by_addr &&
            !set_add(&k->names, &k->n_names, sizeof(name), &name, cmp_str))
            return SW_NOMEM;
    }
    if ((st = r_eps(r, &k->eps, &k->n_eps)) != SW_OK)
        return st;
    return r_u32s(r, UINT32_MAX, true, &k->hints, &k->n_hints);
}

static enum sw_status import_digests(struct sw_keytable *kt,
                                     struct sw_reader *r)
{
    uint64_t evicted = kt->ds.evicted;
    size_t count;
    struct drec d;

    kt->ds.evicted = 0;
    if (!r_count(r, sizeof(d.sha) + 16, &count))
        return SW_MALFORMED;
    for (size_t i = 0; i < count; i++) {
        if (!sw_rd_copy(r, d.sha, sizeof(d.sha)) || !r_i64(r, &d.ts) ||
            !sw_rd_u32(r, &d.key) || !sw_rd_u32(r, &d.hint) ||
            d.key >= kt->n_keys)
            return SW_MALFORMED;
        if (!ds_insert(&kt->ds, &d))
            return SW_NOMEM;
    }
    kt->ds.evicted += evicted;
    return SW_OK;
}

/* Cross references that could only be checked once everything was read. */
static bool import_consistent(const struct sw_keytable *kt)
{
    for (size_t i = 0; i < kt->n_srv; i++) {
        const struct server *s = &kt->srv[i];

        for (size_t j = 0; j < s->n_keys; j++)
            if (s->keys[j] >= kt->n_keys)
                return false;
        if (s->rot_kind &&
            (s->rot_old >= kt->n_keys || s->rot_new >= kt->n_keys))
            return false;
    }
    return true;
}

enum sw_status sw_keytable_import(struct sw_keytable *kt, const uint8_t *data,
                                  size_t len)
{
    struct sw_keytable_totals *t = &kt->tot;
    enum sw_status st = SW_OK;
    uint32_t magic, version;
    struct sw_reader r;
    size_t n;

    assert(kt->n_keys == 0 && kt->n_srv == 0 && kt->ds.n == 0);
    sw_rd_init(&r, data, len);
    if (!sw_rd_u32(&r, &magic) || magic != EXPORT_MAGIC ||
        !sw_rd_u32(&r, &version))
        return SW_MALFORMED;
    if (version != EXPORT_VERSION)
        return SW_UNSUPPORTED;
    if (!r_u64(&r, &t->handshakes) || !r_u64(&r, &t->full) ||
        !r_u64(&r, &t->resumed) || !r_u64(&r, &t->rejected) ||
        !r_u64(&r, &t->unknown) || !r_u64(&r, &t->tickets_issued) ||
        !r_u64(&r, &t->tickets_offered) || !r_u64(&r, &t->no_key_name) ||
        !r_u64(&r, &kt->ds.evicted) || !r_u64(&r, &kt->ds.expired) ||
        !r_i64(&r, &kt->ds.latest))
        return SW_MALFORMED;
    if (!r_count(&r, 1, &n))
        return SW_MALFORMED;
    for (size_t i = 0; i < n && st == SW_OK; i++)
        st = import_server(kt, &r);
    if (st == SW_OK && !r_count(&r, 1, &n))
        st = SW_MALFORMED;
    for (size_t i = 0; i < n && st == SW_OK; i++)
        st = import_key(kt, &r);
    if (st == SW_OK)
        st = import_digests(kt, &r);
    if (st == SW_OK && (!sw_rd_empty(&r) || !import_consistent(kt)))
        st = SW_MALFORMED;
    return st;
}
