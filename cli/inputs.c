/* inputs.c - expand folders, order capture files by first packet. */
#include "cli/inputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/source.h"

struct list {
    char **v;
    size_t n, cap;
};

static int list_add(struct list *l, const char *s)
{
    char *d;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof(*v));

        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    d = strdup(s);
    if (!d)
        return -1;
    l->v[l->n++] = d;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of folder dir, in name order. */
static int add_folder(struct list *l, const char *dir, char *err, size_t errlen)
{
    size_t first = l->n, dlen = strlen(dir);
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat sb;
    char *path;

    if (!d) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t plen = dlen + strlen(e->d_name) + 2;

        path = malloc(plen);
        if (!path)
            break;
        snprintf(path, plen, "%s/%s", dir, e->d_name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && list_add(l, path)) {
            free(path);
            break;
        }
        free(path);
    }
    closedir(d);
    if (e) {
        snprintf(err, errlen, "%s: out of memory", dir);
        return -1;
    }
    qsort(l->v + first, l->n - first, sizeof(*l->v), cmp_str);
    return 0;
}

struct stamped {
    int64_t ts; /* first packet; INT64_MAX when none */
    size_t order;
    char *path;
};

static int cmp_stamped(const void *a, const void *b)
{
    const struct stamped *x = a, *y = b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Time of the first packet of path; INT64_MAX when it has none or the
 * first read fails (reading it later reports that). */
static int first_packet(const char *path, int64_t *ts, char *err, size_t errlen)
{
    struct sw_source *s = sw_source_open_file(path, err, errlen);
    struct sw_frame fr;
    char ignored[256];

    if (!s)
        return -1;
    *ts = INT64_MAX;
    if (sw_source_next(s, &fr, ignored, sizeof(ignored)) == SW_OK)
        *ts = fr.ts;
    sw_source_close(s);
    return 0;
}

static int sort_by_first_packet(struct list *l, char *err, size_t errlen)
{
    struct stamped *st = calloc(l->n + 1, sizeof(*st));

    if (!st) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < l->n; i++) {
        st[i].order = i;
        st[i].path = l->v[i];
        if (first_packet(l->v[i], &st[i].ts, err, errlen)) {
            free(st);
            return -1;
        }
    }
    qsort(st, l->n, sizeof(*st), cmp_stamped);
    for (size_t i = 0; i < l->n; i++)
        l->v[i] = st[i].path;
    free(st);
    return 0;
}

int sw_inputs_expand(const char *const *args, size_t n_args, char ***files,
                     size_t *n, char *err, size_t errlen)
{
    struct list l = {NULL, 0, 0};
    bool has_stdin = false;
    struct stat sb;
    int rc = 0;

    for (size_t i = 0; i < n_args && rc == 0; i++) {
        if (!strcmp(args[i], "-"))
            has_stdin = true;
        if (strcmp(args[i], "-") && stat(args[i], &sb) == 0 &&
            S_ISDIR(sb.st_mode))
            rc = add_folder(&l, args[i], err, errlen);
        else if (list_add(&l, args[i])) {
            snprintf(err, errlen, "%s: out of memory", args[i]);
            rc = -1;
        }
    }
    if (rc == 0 && l.n == 0) {
        snprintf(err, errlen, "%s: no capture files in it", args[0]);
        rc = -1;
    }
    if (rc == 0 && !has_stdin && l.n > 1)
        rc = sort_by_first_packet(&l, err, errlen);
    if (rc) {
        sw_inputs_free(l.v, l.n);
        return -1;
    }
    *files = l.v;
    *n = l.n;
    return 0;
}

void sw_inputs_free(char **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}
