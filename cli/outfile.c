/* outfile.c - write to a temporary file beside the target, fsync it,
 * rename it over the target, fsync the folder: readers see the old report
 * or the new one, never a mix, even across a crash. */
#include "cli/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmp_name(const char *path)
{
    static const char suffix[] = ".tmp.XXXXXX";
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

int sw_outfile_probe(const char *path, char *err, size_t errlen)
{
    char *tmp;
    int fd = create_tmp(path, &tmp, err, errlen);

    if (fd < 0)
        return -1;
    close(fd);
    unlink(tmp);
    free(tmp);
    return 0;
}

FILE *sw_outfile_begin(const char *path, char **tmp, char *err, size_t errlen)
{
    int fd = create_tmp(path, tmp, err, errlen);
    FILE *f;

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
    int rc = 0;

    if (ok && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0))
        rc = -1;
    if (fclose(f) != 0 && ok)
        rc = -1;
    if (ok && rc == 0 && rename(*tmp, path) != 0)
        rc = -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot write the report to %s: %s", path,
                 strerror(errno));
    if (!ok || rc < 0)
        unlink(*tmp);
    else
        sync_folder(path);
    free(*tmp);
    *tmp = NULL;
    return rc;
}
