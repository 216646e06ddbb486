/* report.c - the run's report as one JSON document (schema 1, issue 4) or
 * CSV (RFC 4180 quoting, LF line ends); the text tables are in text.c. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "report/json.h"
#include "report/report_priv.h"

#ifndef SW_VERSION
#define SW_VERSION "0"
#endif

static int cmp_counter(const void *a, const void *b)
{
    const struct sw_counter *x = a, *y = b;

    return strcmp(x->name, y->name);
}

size_t sw_report_anomalies(const struct sw_run_info *run,
                           const struct sw_keytable_totals *tot,
                           struct sw_counter **out)
{
    size_t n = run ? run->n_anomalies : 0, k = 0;
    struct sw_counter *c = malloc((n + 2) * sizeof(*c));

    *out = c;
    if (!c)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (run->anomalies[i].value)
            c[k++] = run->anomalies[i];
    if (tot->digests_evicted)
        c[k++] =
            (struct sw_counter){"report_digests_evicted", tot->digests_evicted};
    if (tot->no_key_name)
        c[k++] = (struct sw_counter){"report_ticket_without_key_name",
                                     tot->no_key_name};
    qsort(c, k, sizeof(*c), cmp_counter);
    return k;
}

char *sw_report_join_endpoints(const struct sw_endpoint *ep, size_t n,
                               const char *sep)
{
    char(*txt)[SW_ENDPOINT_STRLEN] = calloc(n + 1, sizeof(*txt));
    const char **ptr = calloc(n + 1, sizeof(*ptr));
    char *joined = NULL;

    if (txt && ptr) {
        for (size_t i = 0; i < n; i++)
            ptr[i] = sw_endpoint_format(&ep[i], txt[i], sizeof(txt[i]));
        joined = sw_text_join(ptr, n, sep);
    }
    free(txt);
    free(ptr);
    return joined;
}

static void json_str_list(FILE *out, const char *const *s, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        sw_json_str(out, s[i]);
    }
    fputc(']', out);
}

static void json_ep_list(FILE *out, const struct sw_endpoint *ep, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        sw_json_endpoint(out, &ep[i]);
    }
    fputc(']', out);
}

static void json_head(FILE *out, const struct sw_run_info *run,
                      const struct sw_keytable_totals *tot)
{
    struct sw_counter *an;
    size_t n_an = sw_report_anomalies(run, tot, &an);

    fprintf(out, "{\n  \"schema\": 1,\n  \"generator\": \"stekwatch %s\",\n",
            SW_VERSION);
    fputs("  \"capture\": {\"sources\": ", out);
    json_str_list(out, run ? run->sources : NULL, run ? run->n_sources : 0);
    fprintf(out, ", \"packets\": %llu, \"bytes\": %llu, \"first_packet\": ",
            (unsigned long long)(run ? run->packets : 0),
            (unsigned long long)(run ? run->bytes : 0));
    sw_json_time(out, run ? run->first_packet : SW_TIME_NONE);
    fputs(", \"last_packet\": ", out);
    sw_json_time(out, run ? run->last_packet : SW_TIME_NONE);
    if (run && run->have_kernel_stats)
        fprintf(out,
                ", \"kernel\": {\"received\": %llu, \"dropped\": %llu, "
                "\"if_dropped\": %llu}",
                (unsigned long long)run->kernel_recv,
                (unsigned long long)run->kernel_drop,
                (unsigned long long)run->kernel_ifdrop);
    fprintf(out,
            "},\n  \"totals\": {\"flows\": %llu, \"tls_handshakes\": %llu, "
            "\"tickets_issued\": %llu, \"tickets_offered\": %llu, "
            "\"resumed\": %llu, \"rejected\": %llu, \"unknown\": %llu, "
            "\"anomalies\": {",
            (unsigned long long)(run ? run->flows : 0),
            (unsigned long long)tot->handshakes,
            (unsigned long long)tot->tickets_issued,
            (unsigned long long)tot->tickets_offered,
            (unsigned long long)tot->resumed, (unsigned long long)tot->rejected,
            (unsigned long long)tot->unknown);
    for (size_t i = 0; i < n_an; i++) {
        if (i)
            fputs(", ", out);
        sw_json_str(out, an[i].name);
        fprintf(out, ": %llu", (unsigned long long)an[i].value);
    }
    fputs("}},\n", out);
    free(an);
}

static void json_key(FILE *out, const struct sw_key_view *k)
{
    fprintf(out, "    {\"key_name\": \"%s\", \"format\": \"%s\", \"names\": ",
            k->name, sw_ticket_format_name(k->id.format));
    json_str_list(out, k->names, k->n_names);
    fputs(", \"servers\": ", out);
    json_ep_list(out, k->servers, k->n_servers);
    fprintf(out, ", \"issued\": %llu, \"first_issued\": ",
            (unsigned long long)k->issued);
    sw_json_time(out, k->first_issued);
    fputs(", \"last_issued\": ", out);
    sw_json_time(out, k->last_issued);
    fprintf(out, ", \"offered\": %llu, \"first_offered\": ",
            (unsigned long long)k->offered);
    sw_json_time(out, k->first_offered);
    fputs(", \"last_offered\": ", out);
    sw_json_time(out, k->last_offered);
    fprintf(out, ", \"accepted\": %llu, \"last_accepted\": ",
            (unsigned long long)k->accepted);
    sw_json_time(out, k->last_accepted);
    fprintf(out, ", \"rejected\": %llu, \"first_rejected\": ",
            (unsigned long long)k->rejected);
    sw_json_time(out, k->first_rejected);
    fputs(", \"max_accepted_ticket_age\": ", out);
    sw_json_duration(out, k->max_accepted_ticket_age);
    fputs(", \"lifetime_hints\": [", out);
    for (size_t i = 0; i < k->n_hints; i++)
        fprintf(out, "%s%lu", i ? ", " : "",
                (unsigned long)k->lifetime_hints[i]);
    fputs("], \"in_use\": ", out);
    sw_json_duration(out, k->in_use);
    fputc('}', out);
}

static void json_server(FILE *out, const struct sw_analysis *a,
                        const struct sw_server_view *s)
{
    fputs("    {\"name\": ", out);
    sw_json_str(out, s->name);
    fputs(", \"addresses\": ", out);
    json_ep_list(out, s->addresses, s->n_addresses);
    fprintf(out, ", \"handshakes\": %llu, \"resumed\": %llu, \"key_names\": [",
            (unsigned long long)s->handshakes, (unsigned long long)s->resumed);
    for (size_t i = 0; i < s->n_keys; i++)
        fprintf(out, "%s\"%s\"", i ? ", " : "", a->keys[s->keys[i]].name);
    fputs("], \"longest_key_in_use\": ", out);
    sw_json_duration(out, s->longest_key_in_use);
    fprintf(out,
            ", \"verdict\": \"%s\", \"notes\": ", sw_verdict_name(s->verdict));
    json_str_list(out, (const char *const *)s->notes, s->n_notes);
    fputc('}', out);
}

static void write_json(FILE *out, const struct sw_analysis *a,
                       const struct sw_run_info *run,
                       const struct sw_keytable_totals *tot)
{
    json_head(out, run, tot);
    fputs("  \"keys\": [", out);
    for (size_t i = 0; i < a->n_keys; i++) {
        fputs(i ? ",\n" : "\n", out);
        json_key(out, &a->keys[i]);
    }
    fputs(a->n_keys ? "\n  ],\n" : "],\n", out);
    fputs("  \"servers\": [", out);
    for (size_t i = 0; i < a->n_servers; i++) {
        fputs(i ? ",\n" : "\n", out);
        json_server(out, a, &a->servers[i]);
    }
    fputs(a->n_servers ? "\n  ]\n}\n" : "]\n}\n", out);
}

/* One CSV cell: untrusted text escaped, then quoted when RFC 4180 asks. */
static void csv_cell(FILE *out, const char *s, bool last)
{
    char *safe = sw_text_safe(s);
    const char *p = safe ? safe : "";

    if (strpbrk(p, ",\"\r\n")) {
        fputc('"', out);
        for (; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(p, out);
    }
    fputc(last ? '\n' : ',', out);
    free(safe);
}

static void csv_time(FILE *out, int64_t ns)
{
    char buf[SW_TIME_STRLEN];

    csv_cell(out,
             ns == SW_TIME_NONE ? "" : sw_time_rfc3339(ns, buf, sizeof(buf)),
             false);
}

static void csv_u64(FILE *out, uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    csv_cell(out, buf, false);
}

static void csv_secs(FILE *out, int64_t ns, bool last)
{
    char buf[48];

    csv_cell(out,
             ns == SW_TIME_NONE ? "" : sw_json_seconds(ns, buf, sizeof(buf)),
             last);
}

/* A list joined with ";" (and "; " for notes) into one cell. */
static void csv_join(FILE *out, const char *const *s, size_t n, const char *sep,
                     bool last)
{
    char *buf = sw_text_join(s, n, sep);

    csv_cell(out, buf ? buf : "", last);
    free(buf);
}

static void csv_key(FILE *out, const struct sw_key_view *k)
{
    char *hints = malloc(k->n_hints * 12 + 1);
    size_t o = 0;

    csv_cell(out, k->name, false);
    csv_cell(out, sw_ticket_format_name(k->id.format), false);
    csv_u64(out, k->issued);
    csv_time(out, k->first_issued);
    csv_time(out, k->last_issued);
    csv_u64(out, k->offered);
    csv_time(out, k->first_offered);
    csv_time(out, k->last_offered);
    csv_u64(out, k->accepted);
    csv_time(out, k->last_accepted);
    csv_u64(out, k->rejected);
    csv_time(out, k->first_rejected);
    csv_secs(out, k->max_accepted_ticket_age, false);
    for (size_t i = 0; hints && i < k->n_hints; i++)
        o += (size_t)snprintf(hints + o, 13, "%s%lu", i ? ";" : "",
                              (unsigned long)k->lifetime_hints[i]);
    if (hints)
        hints[o] = '\0';
    csv_cell(out, hints ? hints : "", false);
    free(hints);
    csv_secs(out, k->in_use, false);
    csv_join(out, k->names, k->n_names, ";", false);
}

/* Live captures add the kernel's counts as three last columns, the same
 * on every row; files keep the columns they always had. */
static void csv_kernel(FILE *out, const struct sw_run_info *run)
{
    csv_u64(out, run->kernel_recv);
    csv_u64(out, run->kernel_drop);
    fprintf(out, "%llu\n", (unsigned long long)run->kernel_ifdrop);
}

static void write_csv(FILE *out, const struct sw_analysis *a,
                      const struct sw_run_info *run)
{
    bool kernel = run && run->have_kernel_stats;
    char *addrs;

    fputs("server,server_addresses,verdict,handshakes,resumed,longest_key_in_"
          "use,key_name,"
          "format,issued,first_issued,last_issued,offered,first_offered,"
          "last_offered,accepted,last_accepted,rejected,first_rejected,"
          "max_accepted_ticket_age,lifetime_hints,in_use,key_server_names,"
          "notes",
          out);
    fputs(kernel ? ",kernel_received,kernel_dropped,kernel_if_dropped\n" : "\n",
          out);
    for (size_t i = 0; i < a->n_servers; i++) {
        const struct sw_server_view *s = &a->servers[i];
        size_t rows = s->n_keys ? s->n_keys : 1;

        for (size_t r = 0; r < rows; r++) {
            csv_cell(out, s->name, false);
            addrs = sw_report_join_endpoints(s->addresses, s->n_addresses, ";");
            csv_cell(out, addrs ? addrs : "", false);
            free(addrs);
            csv_cell(out, sw_verdict_name(s->verdict), false);
            csv_u64(out, s->handshakes);
            csv_u64(out, s->resumed);
            csv_secs(out, s->longest_key_in_use, false);
            if (s->n_keys)
                csv_key(out, &a->keys[s->keys[r]]);
            else
                for (size_t c = 0; c < 16; c++)
                    csv_cell(out, "", false);
            csv_join(out, (const char *const *)s->notes, s->n_notes, "; ",
                     !kernel);
            if (kernel)
                csv_kernel(out, run);
        }
    }
}

int sw_report_write(FILE *out, enum sw_report_format fmt,
                    const struct sw_keytable *kt, const struct sw_run_info *run,
                    const struct sw_policy *pol)
{
    struct sw_keytable_totals tot;
    struct sw_analysis a;
    int rc;

    sw_keytable_totals(kt, &tot);
    if (sw_keytable_analyse(kt, pol, &a) != SW_OK)
        return -1;
    switch (fmt) {
    case SW_FMT_JSON:
        write_json(out, &a, run, &tot);
        break;
    case SW_FMT_CSV:
        write_csv(out, &a, run);
        break;
    case SW_FMT_TEXT:
    default:
        sw_report_text(out, &a, run, &tot, pol);
        break;
    }
    rc = a.n_stale ? 1 : 0;
    sw_analysis_free(&a);
    if (fflush(out) != 0 || ferror(out))
        return -1;
    return rc;
}
