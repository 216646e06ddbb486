/* report_priv.h - shared between the report's output formats; not part of
 * the contract main calls. */
#ifndef SW_REPORT_REPORT_PRIV_H
#define SW_REPORT_REPORT_PRIV_H

#include <stdio.h>

#include "report/keytable.h"
#include "report/report.h"

/* The anomalies to report: the run's non-zero ones and the key table's
 * own, sorted by name, in a new array (*out, free it; NULL when out of
 * memory). Returns how many. */
size_t sw_report_anomalies(const struct sw_run_info *run,
                           const struct sw_keytable_totals *tot,
                           struct sw_counter **out);

/* Endpoints as "a:p" joined with sep, in a new string (free it); NULL
 * when out of memory. n 0 gives "". */
char *sw_report_join_endpoints(const struct sw_endpoint *ep, size_t n,
                               const char *sep);

/* The text format: header, servers table, notes, keys table. */
void sw_report_text(FILE *out, const struct sw_analysis *a,
                    const struct sw_run_info *run,
                    const struct sw_keytable_totals *tot,
                    const struct sw_policy *pol);

#endif
