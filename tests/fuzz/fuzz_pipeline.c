/* fuzz_pipeline.c - libFuzzer harness for the whole pipeline.
 *
 * Input: a capture file (pcap or pcapng), read by libpcap from memory at
 * nanosecond precision as capture/source.c reads files. Every frame goes
 * through sw_pipeline (decode, flows, reassembly, TLS, key table, events
 * with raw tickets to /dev/null), then the flows are flushed and the
 * report is written in JSON, and in text or CSV by the input's length, to
 * /dev/null. Frames are copied into exactly sized heap buffers, since
 * libpcap's own buffer is larger than any frame.
 */
/* pcap.h uses the BSD names u_int and u_char, which glibc declares only
 * outside strict POSIX mode; fmemopen needs POSIX 2008. */
#define _DEFAULT_SOURCE 1

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "cli/pipeline.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull(void)
{
    static FILE *f;

    if (!f) {
        f = fopen("/dev/null", "w");
        if (!f)
            abort();
        sw_log_threshold = SW_LOG_ERROR;
    }
    return f;
}

static void feed(struct sw_pipeline *p, pcap_t *pc)
{
    struct pcap_pkthdr *hdr;
    const uint8_t *bytes;
    int dlt = pcap_datalink(pc);

    while (pcap_next_ex(pc, &hdr, &bytes) == 1) {
        struct sw_frame fr;
        uint8_t *copy = malloc(hdr->caplen ? hdr->caplen : 1);

        if (!copy)
            break;
        memcpy(copy, bytes, hdr->caplen);
        fr.ts = (int64_t)hdr->ts.tv_sec * 1000000000 + hdr->ts.tv_usec;
        fr.dlt = dlt;
        fr.data = copy;
        fr.caplen = hdr->caplen;
        fr.wirelen = hdr->len;
        sw_pipeline_frame(p, &fr);
        free(copy);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const sources[] = {"fuzz"};
    const struct sw_policy pol = {24 * 3600 * 1000000000LL};
    char errbuf[PCAP_ERRBUF_SIZE];
    struct sw_pipeline *p;
    FILE *in, *out = devnull();
    pcap_t *pc;

    if (size == 0)
        return 0;
    in = fmemopen((void *)(uintptr_t)data, size, "rb");
    if (!in)
        return 0;
    pc = pcap_fopen_offline_with_tstamp_precision(
        in, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!pc) {
        fclose(in);
        return 0;
    }
    p = sw_pipeline_new(out, true);
    if (p) {
        feed(p, pc);
        sw_pipeline_flush(p);
        sw_pipeline_report(p, out, SW_FMT_JSON, sources, 1, &pol);
        sw_pipeline_report(p, out, size % 2 ? SW_FMT_TEXT : SW_FMT_CSV, sources,
                           1, &pol);
        sw_pipeline_free(p);
    }
    pcap_close(pc); /* closes in */
    return 0;
}
