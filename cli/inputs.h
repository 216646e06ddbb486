/* inputs.h - the -r arguments as one observation: folders expanded to the
 * capture files in them, and everything ordered by first packet time, as
 * tcpdump -G and -C rotations need. */
#ifndef SW_CLI_INPUTS_H
#define SW_CLI_INPUTS_H

#include <stddef.h>

/* Expand args (files, folders, or "-" for standard input) into *files
 * (malloc'd strings, *n of them). A folder gives its entries that are
 * regular files and whose names do not start with '.'. The list is then
 * ordered by the time of each file's first packet (files without a
 * packet last; ties keep their order), except when "-" is among them:
 * then the order given is kept. 0, or -1 with one line naming the file
 * or folder in err (nothing allocated). */
int sw_inputs_expand(const char *const *args, size_t n_args, char ***files,
                     size_t *n, char *err, size_t errlen);

/* Free what sw_inputs_expand returned. */
void sw_inputs_free(char **files, size_t n);

#endif
