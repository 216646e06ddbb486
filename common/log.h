/* log.h - diagnostics to standard error, filtered by level.
 *
 * Results never go through here: they go to standard output or the named
 * file, so golden diffs stay clean. Malformed traffic is logged at INFO at
 * most; it is counted, not treated as an error of the program.
 */
#ifndef SW_COMMON_LOG_H
#define SW_COMMON_LOG_H

enum sw_log_level { SW_LOG_ERROR = 0, SW_LOG_WARN, SW_LOG_INFO, SW_LOG_DEBUG };

/* Messages above this level are not formatted at all. Default WARN. */
extern enum sw_log_level sw_log_threshold;

/* Write "stekwatch: " and the formatted message with a newline to stderr.
 * Call through SW_LOG so that the level is checked first. */
void sw_log_emit(enum sw_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define SW_LOG(level, ...)                                                     \
    do {                                                                       \
        if ((level) <= sw_log_threshold)                                       \
            sw_log_emit((level), __VA_ARGS__);                                 \
    } while (0)

#endif
