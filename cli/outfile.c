/* outfile.c - write to a temporary file beside the target, fsync it,
 * rename it over the target, fsync the folder: readers see the old report
 * or the new one, never a mix, even across a crash. */
/* realpath() is X/Open. */
#define _XOPEN_SOURCE 700

#include "cli/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file's name: the target's and this (mkstemp's pattern). */
#define TMP_SUFFIX ".tmp.XXXXXX"

static char *tmp_name(const char *path)
{
    static const char suffix[] = TMP_SUFFIX;
    size_t len = strlen(path);
    char *t = malloc(len + sizeof(suffix));

    if (t) {
        memcpy(t, path, len);
        memcpy(t + len, suffix, sizeof(suffix));
    }
    return t;
}

/* mkstemp makes files 0600; a report gets what fopen would give. */
static void usual_mode(int fd)
{
    mode_t mask = umask(0);

    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
}

static int create_tmp(const char *path, char **tmp, char *err, size_t errlen)
{
    int fd;

    *tmp = tmp_name(path);
    if (!*tmp) {
        snprintf(err, errlen, "cannot open report file %s: out of memory",
                 path);
        return -1;
    }
    fd = mkstemp(*tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open report file %s: %s", path,
                 strerror(errno));
        free(*tmp);
        *tmp = NULL;
    }
    return fd;
}

/* A path that exists and is not a regular file (a device such as
 * /dev/null, a FIFO) is written in place: replacing it would destroy it.
 * A symbolic link is followed: its target is what gets replaced. */
static bool in_place(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && !S_ISREG(sb.st_mode);
}

/* The file to replace: path, or what the symbolic link path leads to.
 * NULL when out of memory. */
static char *target_of(const char *path)
{
    struct stat sb;
    char *real;

    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) &&
        (real = realpath(path, NULL)) != NULL)
        return real;
    return strdup(path);
}

static FILE *open_in_place(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");

    if (!f)
        snprintf(err, errlen, "cannot open report file %s: %s", path,
                 strerror(errno));
    return f;
}

int sw_outfile_probe(const char *path, char *err, size_t errlen)
{
    char *tmp, *target;
    int fd;

    if (in_place(path)) {
        /* Opening a FIFO would wait for a reader: ask instead. */
        if (access(path, W_OK) == 0)
            return 0;
        snprintf(err, errlen, "cannot open report file %s: %s", path,
                 strerror(errno));
        return -1;
    }
    target = target_of(path);
    if (!target) {
        snprintf(err, errlen, "cannot open report file %s: out of memory",
                 path);
        return -1;
    }
    fd = create_tmp(target, &tmp, err, errlen);
    free(target);

    if (fd < 0)
        return -1;
    close(fd);
    unlink(tmp);
    free(tmp);
    return 0;
}

FILE *sw_outfile_begin(const char *path, char **tmp, char *err, size_t errlen)
{
    char *target;
    int fd;
    FILE *f;

    *tmp = NULL;
    if (in_place(path))
        return open_in_place(path, err, errlen);
    target = target_of(path);
    if (!target) {
        snprintf(err, errlen, "cannot open report file %s: out of memory",
                 path);
        return NULL;
    }
    fd = create_tmp(target, tmp, err, errlen);
    free(target);
    if (fd < 0)
        return NULL;
    usual_mode(fd);
    f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "cannot open report file %s: %s", path,
                 strerror(errno));
        close(fd);
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
    }
    return f;
}

/* Make the rename itself durable. */
static void sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd;

    if (!slash) {
        dir = strdup(".");
    } else {
        dir = strdup(path);
        if (dir)
            dir[slash == path ? 1 : slash - path] = '\0';
    }
    if (!dir)
        return;
    fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int sw_outfile_commit(FILE *f, char **tmp, const char *path, int ok, char *err,
                      size_t errlen)
{
    static const size_t suffix_len = sizeof(TMP_SUFFIX) - 1;
    char *target;
    int rc = 0;

    if (!*tmp) {
        /* Written in place: a device or a FIFO. */
        if ((fflush(f) != 0 || ferror(f)) && ok)
            rc = -1;
        if (fclose(f) != 0 && ok)
            rc = -1;
        if (rc < 0)
            snprintf(err, errlen, "cannot write the report to %s: %s", path,
                     strerror(errno));
        return rc;
    }
    /* The temporary is the target's name plus a suffix. */
    target = strndup(*tmp, strlen(*tmp) - suffix_len);
    if (!target) {
        fclose(f);
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        snprintf(err, errlen, "cannot write the report to %s: out of memory",
                 path);
        return -1;
    }

    if (ok && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0))
        rc = -1;
    if (fclose(f) != 0 && ok)
        rc = -1;
    if (ok && rc == 0 && rename(*tmp, target) != 0)
        rc = -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot write the report to %s: %s", path,
                 strerror(errno));
    if (!ok || rc < 0)
        unlink(*tmp);
    else
        sync_folder(target);
    free(target);
    free(*tmp);
    *tmp = NULL;
    return rc;
}
