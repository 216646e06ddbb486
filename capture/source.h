/* source.h - packets in: capture files (pcap, pcapng, standard input) and
 * live interfaces, through libpcap, at nanosecond precision. */
#ifndef SW_CAPTURE_SOURCE_H
#define SW_CAPTURE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

struct sw_source;

/* One frame as read. data is valid until the next sw_source_next call. */
struct sw_frame {
    int64_t ts; /* ns since the epoch */
    int dlt;    /* link type of this frame's interface */
    const uint8_t *data;
    size_t caplen;
    size_t wirelen;
};

/* Open a capture file ("-" for standard input). On failure returns NULL
 * and writes one line naming the file and the reason into err. */
struct sw_source *sw_source_open_file(const char *path, char *err,
                                      size_t errlen);

/* Open a live interface with a BPF filter (NULL for none). snaplen 0 takes
 * the default; bufsize 0 keeps the system's. On failure returns NULL and
 * writes one line naming the interface into err. */
struct sw_source *sw_source_open_live(const char *ifname, const char *filter,
                                      int snaplen, int promisc, int bufsize,
                                      char *err, size_t errlen);

/* Next frame: SW_OK with *fr filled, SW_NEED_MORE on a live timeout (call
 * again), SW_UNSUPPORTED at the clean end of input, SW_IO on a read error
 * (the message, naming the file and the packets read so far, is in err). */
enum sw_status sw_source_next(struct sw_source *s, struct sw_frame *fr,
                              char *err, size_t errlen);

/* Stop a blocking live read from a signal handler. */
void sw_source_break(struct sw_source *s);

/* Kernel statistics for live captures: received and dropped packets.
 * Returns -1 when the source has none (files). */
int sw_source_stats(struct sw_source *s, uint64_t *recv, uint64_t *drop,
                    uint64_t *ifdrop);

/* How far reading a capture file has got, in bytes from its start, for
 * progress lines. -1 for live captures and standard input. */
long long sw_source_file_offset(const struct sw_source *s);

/* The name given at open. */
const char *sw_source_name(const struct sw_source *s);

/* Close the capture and free the source. NULL is ignored. */
void sw_source_close(struct sw_source *s);

#endif
