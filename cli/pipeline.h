/* pipeline.h - capture -> parse -> report wired together: frames in, the
 * key table and the event stream out. The command and the whole-pipeline
 * fuzzer both drive it. */
#ifndef SW_CLI_PIPELINE_H
#define SW_CLI_PIPELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "capture/source.h"
#include "report/report.h"

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

/* True once writing an event failed (the stream is then closed off). */
bool sw_pipeline_events_failed(const struct sw_pipeline *p);

/* Free everything. Flush first to report pending handshakes. */
void sw_pipeline_free(struct sw_pipeline *p);

#endif
