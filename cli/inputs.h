/* inputs.h - the -r arguments as one observation: folders expanded to the
 * capture files in them, and everything ordered by first packet time, as
 * tcpdump -G and -C rotations need. */
#ifndef SW_CLI_INPUTS_H
#define SW_CLI_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_input {
    char *path;
    int64_t first_ts; /* first packet; INT64_MAX when none or unknown */
};

/* Expand args (files, folders, or "-" for standard input) into *inputs
 * (*n of them). A folder gives its regular files whose names do not start
 * with '.', in name order; one that is not a capture libpcap can open is
 * skipped with a warning. Unless "-" is among the arguments, the list is
 * then ordered by the time of each file's first packet (ties keep their
 * order) and *merge is set: the files may be read interleaved by packet
 * time. 0, or -1 with one line naming the file or folder in err (nothing
 * allocated). */
int sw_inputs_expand(const char *const *args, size_t n_args,
                     struct sw_input **inputs, size_t *n, bool *merge,
                     char *err, size_t errlen);

/* Free what sw_inputs_expand returned. */
void sw_inputs_free(struct sw_input *inputs, size_t n);

#endif
