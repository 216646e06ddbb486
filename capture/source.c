/* source.c - capture files and live interfaces through libpcap, with
 * nanosecond timestamps. */
/* pcap.h uses the BSD names u_int and u_char, which glibc declares only
 * outside strict POSIX mode. */
#define _DEFAULT_SOURCE 1

#include "capture/source.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

/* Live reads wake up this often (ms) so that the caller can check for a
 * stop request and flush idle flows. */
#define LIVE_TIMEOUT_MS 250
#define DEFAULT_SNAPLEN 262144
#define NAME_MAX_LEN 256

struct sw_source {
    pcap_t *pcap;
    int live;
    int64_t tick; /* nanoseconds per unit of the sub-second field */
    uint64_t packets;
    char name[NAME_MAX_LEN];
};

static struct sw_source *source_new(const char *name)
{
    struct sw_source *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    snprintf(s->name, sizeof(s->name), "%s", name);
    return s;
}

static void set_tick(struct sw_source *s)
{
    s->tick = pcap_get_tstamp_precision(s->pcap) == PCAP_TSTAMP_PRECISION_NANO
                  ? 1
                  : 1000;
}

struct sw_source *sw_source_open_file(const char *path, char *err,
                                      size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    struct sw_source *s = source_new(path);

    if (!s) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    /* libpcap reads "-" as standard input itself. */
    s->pcap = pcap_open_offline_with_tstamp_precision(
        path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
    if (!s->pcap) {
        size_t len = strlen(path);

        /* libpcap names the file itself in some of its messages. */
        if (!strncmp(ebuf, path, len) && ebuf[len] == ':')
            snprintf(err, errlen, "%s", ebuf);
        else
            snprintf(err, errlen, "%s: %s", path, ebuf);
        free(s);
        return NULL;
    }
    set_tick(s);
    return s;
}

static int live_fail(struct sw_source *s, const char *what, char *err,
                     size_t errlen)
{
    snprintf(err, errlen, "%s: %s: %s", s->name, what, pcap_geterr(s->pcap));
    return -1;
}

/* Configure and activate; -1 with err written on failure. */
static int live_setup(struct sw_source *s, const char *filter, int snaplen,
                      int promisc, int bufsize, char *err, size_t errlen)
{
    struct bpf_program prog;
    int rc;

    pcap_set_snaplen(s->pcap, snaplen > 0 ? snaplen : DEFAULT_SNAPLEN);
    pcap_set_promisc(s->pcap, promisc);
    pcap_set_timeout(s->pcap, LIVE_TIMEOUT_MS);
    if (bufsize > 0)
        pcap_set_buffer_size(s->pcap, bufsize);
    /* Not every platform has nanosecond stamps; set_tick() follows what
     * was granted. */
    pcap_set_tstamp_precision(s->pcap, PCAP_TSTAMP_PRECISION_NANO);
    rc = pcap_activate(s->pcap);
    if (rc < 0) {
        if (rc == PCAP_ERROR && *pcap_geterr(s->pcap))
            return live_fail(s, "cannot capture", err, errlen);
        snprintf(err, errlen, "%s: cannot capture: %s", s->name,
                 pcap_statustostr(rc));
        return -1;
    }
    if (rc > 0)
        SW_LOG(SW_LOG_WARN, "%s: %s", s->name, pcap_statustostr(rc));
    if (filter && *filter) {
        if (pcap_compile(s->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
            return live_fail(s, "bad filter", err, errlen);
        rc = pcap_setfilter(s->pcap, &prog);
        pcap_freecode(&prog);
        if (rc < 0)
            return live_fail(s, "cannot set filter", err, errlen);
    }
    set_tick(s);
    return 0;
}

struct sw_source *sw_source_open_live(const char *ifname, const char *filter,
                                      int snaplen, int promisc, int bufsize,
                                      char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    struct sw_source *s = source_new(ifname);

    if (!s) {
        snprintf(err, errlen, "%s: out of memory", ifname);
        return NULL;
    }
    s->live = 1;
    s->pcap = pcap_create(ifname, ebuf);
    if (!s->pcap) {
        snprintf(err, errlen, "%s: %s", ifname, ebuf);
        free(s);
        return NULL;
    }
    if (live_setup(s, filter, snaplen, promisc, bufsize, err, errlen) < 0) {
        sw_source_close(s);
        return NULL;
    }
    return s;
}

enum sw_status sw_source_next(struct sw_source *s, struct sw_frame *fr,
                              char *err, size_t errlen)
{
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc = pcap_next_ex(s->pcap, &hdr, &data);

    if (rc == 1) {
        s->packets++;
        fr->ts = (int64_t)hdr->ts.tv_sec * 1000000000LL +
                 (int64_t)hdr->ts.tv_usec * s->tick;
        fr->dlt = pcap_datalink(s->pcap);
        fr->data = data;
        fr->caplen = hdr->caplen;
        fr->wirelen = hdr->len;
        return SW_OK;
    }
    if (rc == 0)
        return SW_NEED_MORE;
    if (rc == PCAP_ERROR_BREAK)
        return SW_UNSUPPORTED;
    snprintf(err, errlen, "%s: %s (after %llu packets)", s->name,
             pcap_geterr(s->pcap), (unsigned long long)s->packets);
    return SW_IO;
}

void sw_source_break(struct sw_source *s)
{
    pcap_breakloop(s->pcap);
}

int sw_source_stats(struct sw_source *s, uint64_t *recv, uint64_t *drop,
                    uint64_t *ifdrop)
{
    struct pcap_stat st;

    if (!s->live || pcap_stats(s->pcap, &st) < 0)
        return -1;
    *recv = st.ps_recv;
    *drop = st.ps_drop;
    *ifdrop = st.ps_ifdrop;
    return 0;
}

long long sw_source_file_offset(const struct sw_source *s)
{
    FILE *f = s->live ? NULL : pcap_file(s->pcap);

    if (!f || f == stdin)
        return -1;
    return (long long)ftello(f);
}

const char *sw_source_name(const struct sw_source *s)
{
    return s->name;
}

void sw_source_close(struct sw_source *s)
{
    if (!s)
        return;
    if (s->pcap)
        pcap_close(s->pcap);
    free(s);
}
