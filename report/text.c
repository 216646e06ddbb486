/* text.c - the report as aligned tables for a terminal: times in UTC,
 * durations as "1d 6h 5m", the max key age as typed ("24h"), untrusted
 * names escaped. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "report/json.h"
#include "report/report_priv.h"

/* Cells in row order, ncol a row; row 0 is the header. */
struct table {
    size_t ncol, n;
    char **cell;
    const bool *right; /* right-align this column (numbers) */
    bool nomem;
};

static void tbl_cell(struct table *t, const char *s)
{
    char **c;
    char *d;

    if (t->nomem)
        return;
    c = realloc(t->cell, (t->n + 1) * sizeof(*c));
    d = c ? sw_text_safe(s) : NULL;
    if (c)
        t->cell = c;
    if (!d) {
        t->nomem = true;
        return;
    }
    t->cell[t->n++] = d;
}

static void tbl_fmt(struct table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void tbl_fmt(struct table *t, const char *fmt, ...)
{
    char buf[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    tbl_cell(t, buf);
}

static void tbl_print(FILE *out, struct table *t)
{
    size_t *w = calloc(t->ncol, sizeof(*w)), len, c;

    for (size_t i = 0; w && i < t->n; i++) {
        len = strlen(t->cell[i]);
        if (len > w[i % t->ncol])
            w[i % t->ncol] = len;
    }
    for (size_t i = 0; w && i < t->n; i++) {
        c = i % t->ncol;
        len = strlen(t->cell[i]);
        if (c == t->ncol - 1 && !t->right[c]) {
            fprintf(out, "%s\n", t->cell[i]);
            continue;
        }
        if (t->right[c])
            fprintf(out, "%*s%s", (int)(w[c] - len), "", t->cell[i]);
        else
            fprintf(out, "%s%*s", t->cell[i], (int)(w[c] - len), "");
        fputs(c == t->ncol - 1 ? "\n" : "  ", out);
    }
    if (t->nomem)
        fputs("(out of memory: table cut short)\n", out);
    for (size_t i = 0; i < t->n; i++)
        free(t->cell[i]);
    free(t->cell);
    free(w);
}

/* "2026-12-03 16:28:47" (UTC), or "-". */
static char *text_time(int64_t ns, char *buf, size_t n)
{
    sw_time_rfc3339(ns, buf, n);
    if (strlen(buf) >= 19) {
        buf[10] = ' ';
        buf[19] = '\0';
    }
    return buf;
}

static char *text_dur(int64_t ns, char *buf, size_t n)
{
    if (ns == SW_TIME_NONE)
        snprintf(buf, n, "-");
    else
        sw_duration_human(ns, buf, n);
    return buf;
}

static void text_head(FILE *out, const struct sw_analysis *a,
                      const struct sw_run_info *run,
                      const struct sw_keytable_totals *tot,
                      const struct sw_policy *pol)
{
    char t1[SW_TIME_STRLEN], t2[SW_TIME_STRLEN], *safe;
    int64_t limit = pol && pol->max_key_age > 0 ? pol->max_key_age
                                                : 24 * 3600 * SW_NS_PER_SEC;
    size_t n_ok = 0, n_unknown = 0, n_an;
    struct sw_counter *an;

    fprintf(out,
            "stekwatch %s: session ticket keys\n\nsources:      ", SW_VERSION);
    for (size_t i = 0; run && i < run->n_sources; i++) {
        safe = sw_text_safe(run->sources[i]);
        fprintf(out, "%s%s", i ? ", " : "", safe ? safe : "?");
        free(safe);
    }
    fprintf(out, "%s\npackets:      %llu (%llu byte%s)\n",
            run && run->n_sources ? "" : "-",
            (unsigned long long)(run ? run->packets : 0),
            (unsigned long long)(run ? run->bytes : 0),
            run && run->bytes == 1 ? "" : "s");
    if (run && run->first_packet != SW_TIME_NONE)
        fprintf(out, "time range:   %s to %s UTC\n",
                text_time(run->first_packet, t1, sizeof(t1)),
                text_time(run->last_packet, t2, sizeof(t2)));
    else
        fputs("time range:   -\n", out);
    if (run && run->have_kernel_stats)
        fprintf(out,
                "kernel:       %llu received, %llu dropped, %llu dropped "
                "by the interface\n",
                (unsigned long long)run->kernel_recv,
                (unsigned long long)run->kernel_drop,
                (unsigned long long)run->kernel_ifdrop);
    fprintf(out,
            "flows:        %llu\nhandshakes:   %llu (full %llu, resumed %llu, "
            "rejected %llu, unknown %llu)\ntickets:      %llu issued, %llu "
            "offered\nanomalies:    ",
            (unsigned long long)(run ? run->flows : 0),
            (unsigned long long)tot->handshakes, (unsigned long long)tot->full,
            (unsigned long long)tot->resumed, (unsigned long long)tot->rejected,
            (unsigned long long)tot->unknown,
            (unsigned long long)tot->tickets_issued,
            (unsigned long long)tot->tickets_offered);
    n_an = sw_report_anomalies(run, tot, &an);
    for (size_t i = 0; i < n_an; i++)
        fprintf(out, "%s%s %llu", i ? ", " : "", an[i].name,
                (unsigned long long)an[i].value);
    fputs(n_an ? "\n" : "none\n", out);
    free(an);
    for (size_t i = 0; i < a->n_servers; i++) {
        n_ok += a->servers[i].verdict == SW_VERDICT_OK;
        n_unknown += a->servers[i].verdict == SW_VERDICT_UNKNOWN;
    }
    fprintf(out,
            "max key age:  %s\nverdicts:     %zu ok, %zu stale, %zu "
            "unknown\n",
            sw_text_limit(limit, t1, sizeof(t1)), n_ok, a->n_stale, n_unknown);
}

static void text_servers(FILE *out, const struct sw_analysis *a)
{
    static const bool right[] = {false, false, true, true, true, false, false};
    static const char *const head[] = {"SERVER",   "VERDICT",
                                       "KEYS",     "HANDSHAKES",
                                       "RESUMED",  "LONGEST KEY IN USE",
                                       "ADDRESSES"};
    struct table t = {7, 0, NULL, right, false};
    char buf[SW_TIME_STRLEN], *addrs;
    bool any_note = false;

    fputs("\nServers\n", out);
    for (size_t i = 0; i < 7; i++)
        tbl_cell(&t, head[i]);
    for (size_t i = 0; i < a->n_servers; i++) {
        const struct sw_server_view *s = &a->servers[i];

        tbl_cell(&t, s->name);
        tbl_cell(&t, sw_verdict_name(s->verdict));
        tbl_fmt(&t, "%zu", s->n_keys);
        tbl_fmt(&t, "%llu", (unsigned long long)s->handshakes);
        tbl_fmt(&t, "%llu", (unsigned long long)s->resumed);
        tbl_cell(&t, text_dur(s->longest_key_in_use, buf, sizeof(buf)));
        addrs = sw_report_join_endpoints(s->addresses, s->n_addresses, ", ");
        tbl_cell(&t, addrs && s->n_addresses ? addrs : "-");
        free(addrs);
        any_note |= s->n_notes > 0;
    }
    tbl_print(out, &t);
    if (!any_note)
        return;
    fputs("\nNotes\n", out);
    for (size_t i = 0; i < a->n_servers; i++) {
        char *name = sw_text_safe(a->servers[i].name);

        for (size_t j = 0; j < a->servers[i].n_notes; j++) {
            char *note = sw_text_safe(a->servers[i].notes[j]);

            fprintf(out, "%s: %s\n", name ? name : "?", note ? note : "?");
            free(note);
        }
        free(name);
    }
}

static void text_keys(FILE *out, const struct sw_analysis *a)
{
    static const bool right[] = {false, false, true,  true,  true, true,
                                 false, false, false, false, false};
    static const char *const head[] = {
        "KEY NAME", "FORMAT",         "ISSUED",           "OFFERED",
        "ACCEPTED", "REJECTED",       "FIRST SEEN (UTC)", "LAST USED (UTC)",
        "IN USE",   "MAX TICKET AGE", "SERVER NAMES"};
    struct table t = {11, 0, NULL, right, false};
    char buf[SW_TIME_STRLEN], *names;

    fputs("\nKeys\n", out);
    for (size_t i = 0; i < 11; i++)
        tbl_cell(&t, head[i]);
    for (size_t i = 0; i < a->n_keys; i++) {
        const struct sw_key_view *k = &a->keys[i];

        tbl_cell(&t, k->name);
        tbl_cell(&t, sw_ticket_format_name(k->id.format));
        tbl_fmt(&t, "%llu", (unsigned long long)k->issued);
        tbl_fmt(&t, "%llu", (unsigned long long)k->offered);
        tbl_fmt(&t, "%llu", (unsigned long long)k->accepted);
        tbl_fmt(&t, "%llu", (unsigned long long)k->rejected);
        tbl_cell(&t, text_time(k->first_seen, buf, sizeof(buf)));
        tbl_cell(&t, text_time(k->last_used, buf, sizeof(buf)));
        tbl_cell(&t, text_dur(k->in_use, buf, sizeof(buf)));
        tbl_cell(&t, text_dur(k->max_accepted_ticket_age, buf, sizeof(buf)));
        names = sw_text_join(k->names, k->n_names, ", ");
        tbl_cell(&t, names && k->n_names ? names : "-");
        free(names);
    }
    tbl_print(out, &t);
}

void sw_report_text(FILE *out, const struct sw_analysis *a,
                    const struct sw_run_info *run,
                    const struct sw_keytable_totals *tot,
                    const struct sw_policy *pol)
{
    text_head(out, a, run, tot, pol);
    text_servers(out, a);
    text_keys(out, a);
}
