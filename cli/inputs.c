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
#include "common/log.h"

struct list {
    struct sw_input *v;
    bool *in_folder; /* came from a folder: skip it if not a capture */
    size_t n, cap;
};

static int list_add(struct list *l, const char *s, bool in_folder)
{
    char *d;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct sw_input *v = realloc(l->v, cap * sizeof(*v));
        bool *f;

        if (!v)
            return -1;
        l->v = v;
        f = realloc(l->in_folder, cap * sizeof(*f));
        if (!f)
            return -1;
        l->in_folder = f;
        l->cap = cap;
    }
    d = strdup(s);
    if (!d)
        return -1;
    l->v[l->n].path = d;
    l->v[l->n].first_ts = INT64_MAX;
    l->in_folder[l->n++] = in_folder;
    return 0;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(((const struct sw_input *)a)->path,
                  ((const struct sw_input *)b)->path);
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
    /* "dir/" and "dir" name the same files the same way. */
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t plen = dlen + strlen(e->d_name) + 2;

        path = malloc(plen);
        if (!path)
            break;
        snprintf(path, plen, "%.*s/%s", (int)dlen, dir, e->d_name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
            list_add(l, path, true)) {
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
    qsort(l->v + first, l->n - first, sizeof(*l->v), cmp_path);
    return 0;
}

/* Read the first packet time of every file. A file from a folder that
 * libpcap cannot open is dropped with a warning; a file named on the
 * command line that cannot be opened is an error. */
static int stamp_all(struct list *l, char *err, size_t errlen)
{
    struct sw_frame fr;
    struct sw_source *s;
    char ignored[256];
    size_t kept = 0;

    for (size_t i = 0; i < l->n; i++) {
        s = sw_source_open_file(l->v[i].path, err, errlen);
        if (!s && !l->in_folder[i]) {
            for (size_t j = i; j < l->n; j++)
                l->v[kept++] = l->v[j];
            l->n = kept;
            return -1;
        }
        if (!s) {
            SW_LOG(SW_LOG_WARN, "skipped %s", err);
            free(l->v[i].path);
            continue;
        }
        if (sw_source_next(s, &fr, ignored, sizeof(ignored)) == SW_OK)
            l->v[i].first_ts = fr.ts;
        sw_source_close(s);
        l->in_folder[kept] = l->in_folder[i];
        l->v[kept++] = l->v[i];
    }
    l->n = kept;
    return 0;
}

/* Stable: equal times keep the order given. */
static void sort_by_first_packet(struct list *l)
{
    for (size_t i = 1; i < l->n; i++) {
        struct sw_input x = l->v[i];
        size_t j = i;

        for (; j > 0 && l->v[j - 1].first_ts > x.first_ts; j--)
            l->v[j] = l->v[j - 1];
        l->v[j] = x;
    }
}

int sw_inputs_expand(const char *const *args, size_t n_args,
                     struct sw_input **inputs, size_t *n, bool *merge,
                     char *err, size_t errlen)
{
    struct list l = {NULL, NULL, 0, 0};
    bool has_stdin = false;
    struct stat sb;
    int rc = 0;

    for (size_t i = 0; i < n_args && rc == 0; i++) {
        if (!strcmp(args[i], "-"))
            has_stdin = true;
        if (strcmp(args[i], "-") && stat(args[i], &sb) == 0 &&
            S_ISDIR(sb.st_mode))
            rc = add_folder(&l, args[i], err, errlen);
        else if (list_add(&l, args[i], false)) {
            snprintf(err, errlen, "%s: out of memory", args[i]);
            rc = -1;
        }
    }
    if (rc == 0 && !has_stdin)
        rc = stamp_all(&l, err, errlen);
    if (rc == 0 && l.n == 0) {
        snprintf(err, errlen, "%s: no capture files in it", args[0]);
        rc = -1;
    }
    free(l.in_folder);
    if (rc) {
        sw_inputs_free(l.v, l.n);
        return -1;
    }
    if (!has_stdin)
        sort_by_first_packet(&l);
    *inputs = l.v;
    *n = l.n;
    *merge = !has_stdin;
    return 0;
}

void sw_inputs_free(struct sw_input *inputs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(inputs[i].path);
    free(inputs);
}
