/* log.c - diagnostics to standard error. */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

enum sw_log_level sw_log_threshold = SW_LOG_WARN;

void sw_log_emit(enum sw_log_level level, const char *fmt, ...)
{
    static const char *const tag[] = {"", "warning: ", "", "debug: "};
    va_list ap;

    fprintf(stderr, "stekwatch: %s", tag[level]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
