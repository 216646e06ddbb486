/* outfile.h - report files replaced atomically, so that a reader (or a
 * crash) never sees half a report. A symbolic link is followed and its
 * target replaced; a device or a FIFO (such as /dev/null) is written in
 * place, since replacing it would destroy it. */
#ifndef SW_CLI_OUTFILE_H
#define SW_CLI_OUTFILE_H

#include <stdio.h>

/* Check that a report can be written as path: a temporary file in the
 * same folder is created and removed; path itself is not touched.
 * 0, or -1 with one line naming path and the reason in err. */
int sw_outfile_probe(const char *path, char *err, size_t errlen);

/* Start replacing path: a new temporary file in the same folder. NULL
 * with one line in err on failure. */
FILE *sw_outfile_begin(const char *path, char **tmp, char *err, size_t errlen);

/* Finish: flush, fsync, close and rename the temporary over path (ok
 * true), or remove it (ok false). 0, or -1 with one line in err (path is
 * then unchanged). Frees *tmp. */
int sw_outfile_commit(FILE *f, char **tmp, const char *path, int ok, char *err,
                      size_t errlen);

#endif
