/* main.c - the stekwatch command: reads packets (capture/), parses TLS
 * handshakes (parse/), and reports session ticket key lifetimes (report/).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/source.h"
#include "cli/pipeline.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "report/report.h"

enum { EXIT_DONE = 0, EXIT_ERROR = 1, EXIT_USAGE = 1, EXIT_STALE = 3 };

/* Long options without a short letter. */
enum {
    OPT_EVENTS = 256,
    OPT_RAW_TICKETS,
    OPT_FORMAT,
    OPT_MAX_KEY_AGE,
};

struct options {
    const char **files;
    size_t n_files;
    const char *iface;
    char *filter;
    long long count; /* -c: packets to read, 0 for all */
    int promisc;
    int snaplen;
    int bufsize_kib;
    const char *events_path;
    bool raw_tickets;
    enum sw_report_format format;
    const char *out_path;
    struct sw_policy policy;
};

/* One run: the options, the pipeline, and whether an error was reported
 * (then the exit status is 1 even though a report is written). */
struct run {
    const struct options *opt;
    struct sw_pipeline *pipe;
    uint64_t packets;
    bool failed;
};

static volatile sig_atomic_t stop_requested;
static struct sw_source *live_source;

static void usage(FILE *f)
{
    fputs(
        "usage: stekwatch [options] -r FILE [-r FILE ...]\n"
        "       stekwatch [options] -i IFACE [BPF filter words]\n"
        "\n"
        "Passively watch TLS session ticket key (STEK) rotation.\n"
        "\n"
        "input:\n"
        "  -r FILE               read a pcap or pcapng file ('-' for stdin);\n"
        "                        repeatable, read in the order given\n"
        "  -i IFACE              capture live on IFACE (filter default: tcp)\n"
        "  -c N                  stop after N packets\n"
        "  -p                    do not put the interface in promiscuous mode\n"
        "  -s SNAPLEN            bytes to capture per packet (default 262144)\n"
        "  -B KIB                kernel capture buffer size in KiB\n"
        "output:\n"
        "  --format FMT          report as text (default), json or csv\n"
        "  -o FILE               write the report to FILE (default stdout)\n"
        "  --events FILE         one JSON line per handshake ('-' stdout)\n"
        "  --raw-tickets         include raw ticket bytes in events\n"
        "policy:\n"
        "  --max-key-age DUR     longest a key may stay in use (default "
        "24h);\n"
        "                        DUR is a number with s, m, h or d\n"
        "other:\n"
        "  -v                    more diagnostics on stderr (repeatable)\n"
        "  -h, --help            this help\n"
        "  -V, --version         print the version\n"
        "\n"
        "exit status: 0 done, 1 error, 3 a server kept a key too long\n",
        f);
}

static int parse_long(const char *text, long long lo, long long hi,
                      long long *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int set_format(struct options *o, const char *s)
{
    if (!strcmp(s, "text"))
        o->format = SW_FMT_TEXT;
    else if (!strcmp(s, "json"))
        o->format = SW_FMT_JSON;
    else if (!strcmp(s, "csv"))
        o->format = SW_FMT_CSV;
    else
        return -1;
    return 0;
}

/* Join the words after the options into one BPF expression. */
static char *join_words(char **w, int n)
{
    size_t len = 1;
    char *s;

    for (int i = 0; i < n; i++)
        len += strlen(w[i]) + 1;
    s = calloc(1, len);
    if (!s)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, w[i]);
    }
    return s;
}

static int bad_arg(const char *what, const char *arg)
{
    fprintf(stderr, "stekwatch: %s: '%s'\n", what, arg);
    return -1;
}

/* Fill *o from argv. Returns 0, 1 for --help/--version (already printed),
 * -1 after printing one line about what is wrong. */
static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"events", required_argument, NULL, OPT_EVENTS},
        {"raw-tickets", no_argument, NULL, OPT_RAW_TICKETS},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"max-key-age", required_argument, NULL, OPT_MAX_KEY_AGE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    long long v;
    int c;

    o->files = calloc((size_t)argc, sizeof(*o->files));
    if (!o->files)
        return bad_arg("out of memory", "argv");
    o->promisc = 1;
    o->policy.max_key_age = 24 * 3600 * SW_NS_PER_SEC;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:r:i:c:ps:B:o:vhV", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'r':
            o->files[o->n_files++] = optarg;
            break;
        case 'i':
            o->iface = optarg;
            break;
        case 'c':
            if (parse_long(optarg, 1, LLONG_MAX, &o->count))
                return bad_arg("-c needs a positive packet count", optarg);
            break;
        case 'p':
            o->promisc = 0;
            break;
        case 's':
            if (parse_long(optarg, 64, 262144, &v))
                return bad_arg("-s needs a snaplen from 64 to 262144", optarg);
            o->snaplen = (int)v;
            break;
        case 'B':
            if (parse_long(optarg, 1, 4194304, &v))
                return bad_arg("-B needs a buffer size in KiB", optarg);
            o->bufsize_kib = (int)v;
            break;
        case 'o':
            o->out_path = optarg;
            break;
        case 'v':
            if (sw_log_threshold < SW_LOG_DEBUG)
                sw_log_threshold++;
            break;
        case OPT_EVENTS:
            o->events_path = optarg;
            break;
        case OPT_RAW_TICKETS:
            o->raw_tickets = true;
            break;
        case OPT_FORMAT:
            if (set_format(o, optarg))
                return bad_arg("--format takes text, json or csv", optarg);
            break;
        case OPT_MAX_KEY_AGE:
            if (sw_duration_parse(optarg, &o->policy.max_key_age))
                return bad_arg("--max-key-age needs a duration such as 24h",
                               optarg);
            break;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf("stekwatch %s\n", SW_VERSION);
            return 1;
        case ':':
            if (optopt > 0 && optopt < 256)
                fprintf(stderr, "stekwatch: option -%c needs an argument\n",
                        optopt);
            else
                fprintf(stderr, "stekwatch: option %s needs an argument\n",
                        argv[optind - 1]);
            fputs("Try 'stekwatch --help'.\n", stderr);
            return -1;
        default:
            if (optopt > 0 && optopt < 256)
                fprintf(stderr, "stekwatch: unknown option -%c\n", optopt);
            else
                fprintf(stderr, "stekwatch: unknown option %s\n",
                        argv[optind - 1]);
            fputs("Try 'stekwatch --help'.\n", stderr);
            return -1;
        }
    }
    if (o->iface && o->n_files)
        return bad_arg("use either -r or -i, not both", o->iface);
    if (!o->iface && !o->n_files) {
        fputs("stekwatch: nothing to read: give -r FILE or -i IFACE\n"
              "Try 'stekwatch --help'.\n",
              stderr);
        return -1;
    }
    if (optind < argc && !o->iface)
        return bad_arg("a filter needs -i; unexpected argument", argv[optind]);
    o->filter = join_words(argv + optind, argc - optind);
    if (!o->filter)
        return bad_arg("out of memory", "filter");
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
    if (live_source)
        sw_source_break(live_source);
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Read one source to its end, the packet limit, or a stop signal. A read
 * error is reported as one line and ends this source only: what was read
 * before it stays in the report. */
static void read_source(struct run *r, struct sw_source *src, long long *left)
{
    struct sw_frame fr;
    char err[512];
    enum sw_status st;

    while (!stop_requested && (r->opt->count == 0 || *left > 0)) {
        st = sw_source_next(src, &fr, err, sizeof(err));
        if (st == SW_NEED_MORE)
            continue;
        if (st == SW_UNSUPPORTED)
            break;
        if (st != SW_OK) {
            fprintf(stderr, "stekwatch: %s\n", err);
            r->failed = true;
            break;
        }
        r->packets++;
        sw_pipeline_frame(r->pipe, &fr);
        if (r->opt->count)
            (*left)--;
    }
}

/* Open and read every input in order. Returns 0, or -1 when an input could
 * not be opened (already reported; later inputs are not read). */
static int read_inputs(struct run *r)
{
    const struct options *o = r->opt;
    long long left = o->count;
    struct sw_source *src;
    char err[512];

    if (o->iface) {
        src = sw_source_open_live(o->iface, *o->filter ? o->filter : "tcp",
                                  o->snaplen, o->promisc, o->bufsize_kib * 1024,
                                  err, sizeof(err));
        if (!src)
            goto fail;
        live_source = src;
        read_source(r, src, &left);
        live_source = NULL;
        sw_source_close(src);
        return 0;
    }
    for (size_t i = 0; i < o->n_files && !stop_requested; i++) {
        src = sw_source_open_file(o->files[i], err, sizeof(err));
        if (!src)
            goto fail;
        read_source(r, src, &left);
        sw_source_close(src);
    }
    return 0;
fail:
    fprintf(stderr, "stekwatch: %s\n", err);
    r->failed = true;
    return -1;
}

/* Standard output for NULL or "-", else the named file. NULL after one
 * line naming the file when it cannot be opened. */
static FILE *open_output(const char *path, const char *what)
{
    FILE *f;

    if (!path || !strcmp(path, "-"))
        return stdout;
    f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "stekwatch: cannot open %s file %s: %s\n", what, path,
                strerror(errno));
    return f;
}

static int close_output(FILE *f)
{
    return f == stdout ? fflush(f) : fclose(f);
}

/* Write the report; returns the exit status it implies. */
static int write_report(struct run *r)
{
    const struct options *o = r->opt;
    const char *iface[1] = {o->iface};
    FILE *out = open_output(o->out_path, "report");
    int stale;

    if (!out)
        return EXIT_ERROR;
    stale =
        sw_pipeline_report(r->pipe, out, o->format, o->iface ? iface : o->files,
                           o->iface ? 1 : o->n_files, &o->policy);
    if (close_output(out) || stale < 0) {
        fprintf(stderr, "stekwatch: cannot write the report to %s: %s\n",
                o->out_path ? o->out_path : "standard output", strerror(errno));
        return EXIT_ERROR;
    }
    if (r->failed)
        return EXIT_ERROR;
    return stale ? EXIT_STALE : EXIT_DONE;
}

static int run(const struct options *o)
{
    struct run r = {.opt = o};
    FILE *events = NULL;
    int status;

    /* Open every output before reading, so a bad path fails at once. */
    if (o->out_path && strcmp(o->out_path, "-")) {
        FILE *probe = open_output(o->out_path, "report");
        if (!probe)
            return EXIT_ERROR;
        fclose(probe);
    }
    if (o->events_path) {
        events = open_output(o->events_path, "events");
        if (!events)
            return EXIT_ERROR;
    }
    r.pipe = sw_pipeline_new(events, o->raw_tickets);
    if (!r.pipe) {
        fputs("stekwatch: out of memory\n", stderr);
        return EXIT_ERROR;
    }
    if (read_inputs(&r) < 0 && r.packets == 0) {
        sw_pipeline_free(r.pipe);
        if (events)
            close_output(events);
        return EXIT_ERROR;
    }
    sw_pipeline_flush(r.pipe);
    if ((events && close_output(events)) || sw_pipeline_events_failed(r.pipe)) {
        fprintf(stderr, "stekwatch: cannot write events to %s: %s\n",
                o->events_path, strerror(errno));
        r.failed = true;
    }
    status = write_report(&r);
    sw_pipeline_free(r.pipe);
    return status;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    int rc = parse_args(argc, argv, &o);
    int status;

    if (rc)
        return rc > 0 ? EXIT_DONE : EXIT_USAGE;
    install_signals();
    status = run(&o);
    free(o.filter);
    free(o.files);
    return status;
}
