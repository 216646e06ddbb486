/* pipeline.h - capture -> parse -> report wired together: frames in, the
 * key table and the event stream out. The command and the whole-pipeline
 * fuzzer both drive it. */
#ifndef SW_CLI_PIPELINE_H
#define SW_CLI_PIPELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "capture/source.h"
#include "report/report.h"
#include "report/state.h"

struct sw_pipeline;

/* A new pipeline. Handshakes are written to events (may be NULL), with raw
 * ticket bytes when raw_tickets. NULL when out of memory. */
struct sw_pipeline *sw_pipeline_new(FILE *events, bool raw_tickets);

/* Decode one frame and pass it through flows, TLS and the key table. */
void sw_pipeline_frame(struct sw_pipeline *p, const struct sw_frame *fr);

/* End of input: every open flow ends and its pending handshake is
 * reported. Frames given afterwards start new flows. */
void sw_pipeline_flush(struct sw_pipeline *p);

/* Write the report of everything seen so far. sources name the inputs.
 * Returns what sw_report_write returns: 0, 1 when a server is stale, -1
 * when writing failed. */
int sw_pipeline_report(const struct sw_pipeline *p, FILE *out,
                       enum sw_report_format fmt, const char *const *sources,
                       size_t n_sources, const struct sw_policy *pol);

/* Forget issued-ticket digests max_age ns older than the latest handshake
 * (0: only the cap evicts them). */
void sw_pipeline_set_digest_max_age(struct sw_pipeline *p, int64_t max_age);

/* Kernel capture counts (pcap_stats) for the next reports. */
void sw_pipeline_kernel_stats(struct sw_pipeline *p, uint64_t recv,
                              uint64_t drop, uint64_t ifdrop);

/* Handshakes accounted so far (for progress lines). */
uint64_t sw_pipeline_handshakes(const struct sw_pipeline *p);

/* Replace the events stream (after reopening it); NULL for none. Clears
 * the failure flag. */
void sw_pipeline_set_events(struct sw_pipeline *p, FILE *events);

/* Go on from a saved run: its key table and its counters (packets,
 * bytes, first and last packet, flows, anomalies). Call on a new pipeline
 * before the first frame. SW_OK, or a failure with one line in err; the
 * state must then not be saved over. Flows open when the saved run ended
 * are not kept: their continuation starts new flows. */
enum sw_status sw_pipeline_load(struct sw_pipeline *p, struct sw_state *st,
                                char *err, size_t errlen);

/* Save the key table and counters to st in one transaction. SW_OK, or a
 * failure with one line in err (the previous save stays). */
enum sw_status sw_pipeline_save(const struct sw_pipeline *p,
                                struct sw_state *st, char *err, size_t errlen);

/* True once writing an event failed (the stream is then closed off). */
bool sw_pipeline_events_failed(const struct sw_pipeline *p);

/* Free everything. Flush first to report pending handshakes. */
void sw_pipeline_free(struct sw_pipeline *p);

#endif
