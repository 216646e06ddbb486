/* state.h - the key table and the run's counters kept between runs in an
 * SQLite database, so that a monitor restarted, or run over yesterday's
 * capture then today's, goes on with the same timelines.
 *
 * Schema (version SW_STATE_SCHEMA): schema_version(version), one row;
 * counters(name PRIMARY KEY, value INTEGER); keytable(id = 1, data BLOB),
 * the table as sw_keytable_export writes it. Each save replaces both in
 * one transaction, so a run killed at any point leaves either the previous
 * save or the new one. A file of another schema version, one that is not
 * a stekwatch state, or one that fails SQLite's integrity check is
 * refused and never written to.
 */
#ifndef SW_REPORT_STATE_H
#define SW_REPORT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "report/keytable.h"

#define SW_STATE_SCHEMA 1

struct sw_state;

/* A named signed count (times in ns may be SW_TIME_NONE). */
struct sw_state_counter {
    const char *name;
    int64_t value;
};

/* Open the state at path, creating it when it does not exist (or is an
 * empty file). On failure returns NULL and writes one line naming the
 * file and the reason into err; the file is left as it was. */
struct sw_state *sw_state_open(const char *path, char *err, size_t errlen);

/* True when the state held a saved run when opened. */
bool sw_state_found(const struct sw_state *s);

/* Load the saved key table into kt (new and empty). SW_OK (also when
 * nothing was saved), or another status with one line in err: the caller
 * must then not save over the file. */
enum sw_status sw_state_load_keys(struct sw_state *s, struct sw_keytable *kt,
                                  char *err, size_t errlen);

/* The saved counter called name; false when there is none. */
bool sw_state_counter(const struct sw_state *s, const char *name,
                      int64_t *value);

/* Replace the saved table and counters in one transaction. SW_OK, or
 * SW_IO / SW_NOMEM with one line in err (the previous save then stays). */
enum sw_status sw_state_save(struct sw_state *s, const struct sw_keytable *kt,
                             const struct sw_state_counter *c, size_t n,
                             char *err, size_t errlen);

/* Close the database; NULL is ignored. */
void sw_state_close(struct sw_state *s);

#endif
