/* state.c - the key table and counters between runs, in SQLite (schema in
 * state.h). SQLite's journal makes each save atomic; this file only
 * checks what it opens and refuses anything it does not recognise. */
#include "report/state.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Wait this long (ms) for a lock held by another process on the file. */
#define BUSY_TIMEOUT_MS 5000

struct saved_counter {
    char *name;
    int64_t value;
};

struct sw_state {
    sqlite3 *db;
    char *path;
    bool found; /* a run was saved before */
    struct saved_counter *counters;
    size_t n_counters;
};

static const char schema_sql[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE keytable (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " data BLOB NOT NULL);";

static void db_err(const struct sw_state *s, const char *what, char *err,
                   size_t errlen)
{
    snprintf(err, errlen, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static bool exec_ok(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* Run a one-value query; the text of its first row in buf ("" for none).
 * false when the query fails (a file that is no database, or corrupt). */
static bool query_text(sqlite3 *db, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *q;
    int rc;

    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return false;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static int create_schema(struct sw_state *s, char *err, size_t errlen)
{
    char sql[64];

    snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d);",
             SW_STATE_SCHEMA);
    if (!exec_ok(s->db, "BEGIN IMMEDIATE;") || !exec_ok(s->db, schema_sql) ||
        !exec_ok(s->db, sql) || !exec_ok(s->db, "COMMIT;")) {
        db_err(s, "cannot create the state", err, errlen);
        exec_ok(s->db, "ROLLBACK;");
        return -1;
    }
    return 0;
}

static int load_counters(struct sw_state *s, char *err, size_t errlen)
{
    sqlite3_stmt *q;
    int rc;

    if (sqlite3_prepare_v2(s->db, "SELECT name, value FROM counters;", -1, &q,
                           NULL) != SQLITE_OK) {
        db_err(s, "not a valid stekwatch state, left untouched", err, errlen);
        return -1;
    }
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(q, 0);
        struct saved_counter *c;

        c = realloc(s->counters, (s->n_counters + 1) * sizeof(*c));
        if (!c || !name)
            break;
        s->counters = c;
        c[s->n_counters].name = strdup((const char *)name);
        if (!c[s->n_counters].name)
            break;
        c[s->n_counters++].value = sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        db_err(s, "cannot read the saved counters, left untouched", err,
               errlen);
        return -1;
    }
    s->found = s->n_counters > 0;
    return 0;
}

/* Check an existing file is a state this version reads. */
static int check_existing(struct sw_state *s, char *err, size_t errlen)
{
    char buf[256];
    long version;

    if (!query_text(s->db, "PRAGMA quick_check;", buf, sizeof(buf)) ||
        strcmp(buf, "ok") != 0) {
        snprintf(err, errlen,
                 "%s: not a stekwatch state or corrupt (%s), left untouched",
                 s->path, *buf ? buf : sqlite3_errmsg(s->db));
        return -1;
    }
    if (!query_text(s->db, "SELECT version FROM schema_version;", buf,
                    sizeof(buf)) ||
        !*buf) {
        snprintf(err, errlen,
                 "%s: not a stekwatch state (no schema version), left "
                 "untouched",
                 s->path);
        return -1;
    }
    version = strtol(buf, NULL, 10);
    if (version != SW_STATE_SCHEMA) {
        snprintf(err, errlen,
                 "%s: state schema version %s, this stekwatch reads version "
                 "%d; left untouched",
                 s->path, buf, SW_STATE_SCHEMA);
        return -1;
    }
    return load_counters(s, err, errlen);
}

struct sw_state *sw_state_open(const char *path, char *err, size_t errlen)
{
    struct sw_state *s = calloc(1, sizeof(*s));
    struct stat sb;
    bool existing = stat(path, &sb) == 0 && sb.st_size > 0;
    int rc;

    if (!s || !(s->path = strdup(path))) {
        free(s);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    rc = sqlite3_open_v2(path, &s->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        if (s->db)
            db_err(s, "cannot open the state", err, errlen);
        else
            snprintf(err, errlen, "%s: cannot open the state", path);
        sw_state_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    if (existing ? check_existing(s, err, errlen)
                 : create_schema(s, err, errlen)) {
        sw_state_close(s);
        return NULL;
    }
    return s;
}

bool sw_state_found(const struct sw_state *s)
{
    return s->found;
}

bool sw_state_counter(const struct sw_state *s, const char *name,
                      int64_t *value)
{
    for (size_t i = 0; i < s->n_counters; i++)
        if (!strcmp(s->counters[i].name, name)) {
            *value = s->counters[i].value;
            return true;
        }
    return false;
}

enum sw_status sw_state_load_keys(struct sw_state *s, struct sw_keytable *kt,
                                  char *err, size_t errlen)
{
    enum sw_status st = SW_OK;
    sqlite3_stmt *q;
    int rc;

    if (sqlite3_prepare_v2(s->db, "SELECT data FROM keytable WHERE id = 1;", -1,
                           &q, NULL) != SQLITE_OK) {
        db_err(s, "not a valid stekwatch state, left untouched", err, errlen);
        return SW_MALFORMED;
    }
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const void *data = sqlite3_column_blob(q, 0);
        int len = sqlite3_column_bytes(q, 0);

        st = sw_keytable_import(kt, data, len > 0 ? (size_t)len : 0);
        if (st != SW_OK)
            snprintf(err, errlen, "%s: saved key table %s, left untouched",
                     s->path,
                     st == SW_NOMEM         ? "too large for memory"
                     : st == SW_UNSUPPORTED ? "of an unknown format version"
                                            : "is corrupt");
    } else if (rc != SQLITE_DONE) {
        db_err(s, "cannot read the saved key table, left untouched", err,
               errlen);
        st = SW_IO;
    }
    sqlite3_finalize(q);
    return st;
}

static bool save_counters(sqlite3 *db, const struct sw_state_counter *c,
                          size_t n)
{
    sqlite3_stmt *q;
    bool ok = true;

    if (!exec_ok(db, "DELETE FROM counters;") ||
        sqlite3_prepare_v2(db, "INSERT INTO counters VALUES (?, ?);", -1, &q,
                           NULL) != SQLITE_OK)
        return false;
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_bind_text(q, 1, c[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, c[i].value);
        ok = sqlite3_step(q) == SQLITE_DONE;
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return ok;
}

static bool save_keys(sqlite3 *db, const uint8_t *blob, size_t len)
{
    sqlite3_stmt *q;
    bool ok;

    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO keytable VALUES (1, ?);",
                           -1, &q, NULL) != SQLITE_OK)
        return false;
    ok = sqlite3_bind_blob64(q, 1, blob, len, SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_step(q) == SQLITE_DONE;
    sqlite3_finalize(q);
    return ok;
}

enum sw_status sw_state_save(struct sw_state *s, const struct sw_keytable *kt,
                             const struct sw_state_counter *c, size_t n,
                             char *err, size_t errlen)
{
    uint8_t *blob;
    size_t len;
    bool ok;

    if (sw_keytable_export(kt, &blob, &len) != SW_OK) {
        snprintf(err, errlen, "%s: out of memory saving the state", s->path);
        return SW_NOMEM;
    }
    ok = exec_ok(s->db, "BEGIN IMMEDIATE;");
    ok = ok && save_counters(s->db, c, n) && save_keys(s->db, blob, len);
    if (ok && exec_ok(s->db, "COMMIT;")) {
        free(blob);
        s->found = true;
        return SW_OK;
    }
    db_err(s, "cannot save the state", err, errlen);
    exec_ok(s->db, "ROLLBACK;");
    free(blob);
    return SW_IO;
}

void sw_state_close(struct sw_state *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    for (size_t i = 0; i < s->n_counters; i++)
        free(s->counters[i].name);
    free(s->counters);
    free(s->path);
    free(s);
}
