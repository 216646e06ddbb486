/* main.c - the stekwatch command: reads packets (capture/), parses TLS
 * handshakes (parse/), and reports session ticket key lifetimes (report/).
 */
/* initgroups() is a BSD interface that glibc declares only outside strict
 * POSIX mode. */
#define _DEFAULT_SOURCE 1

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "capture/packet.h"
#include "capture/source.h"
#include "cli/inputs.h"
#include "cli/outfile.h"
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
    OPT_REPORT_EVERY,
    OPT_STATE,
    OPT_MAX_TICKET_AGE,
};

/* Who a capture started as root runs as once the interface is open. */
#define DEFAULT_USER "nobody"

struct options {
    const char **files;
    size_t n_files;
    const char *iface;
    char *filter;
    long long count; /* -c: packets to read, 0 for all */
    int promisc;
    int snaplen;
    int bufsize_kib;
    const char *user; /* -Z */
    const char *events_path;
    bool raw_tickets;
    enum sw_report_format format;
    const char *out_path;
    int64_t report_every; /* ns of packet time, 0 for none */
    const char *state_path;
    int64_t max_ticket_age;
    struct sw_policy policy;
};

/* One run: the options, the pipeline, the open outputs, and whether an
 * error was reported (then the exit status is 1 even though a report is
 * written). */
struct run {
    const struct options *opt;
    struct sw_pipeline *pipe;
    struct sw_input *files; /* -r arguments expanded and ordered */
    size_t n_files;
    bool merge;         /* files may be read interleaved by packet time */
    const char **names; /* their paths, for the report */
    struct sw_source *live;
    FILE *events;
    struct sw_state *state;
    uint64_t packets;
    bool failed;
    int64_t next_report;   /* packet time of the next rewrite */
    int64_t next_check;    /* wall clock of the next drop check */
    uint64_t drops_seen;   /* kernel drops already warned about */
    bool progress;         /* a progress line on the terminal */
    long long bytes_total; /* of every input file */
    long long bytes_done;  /* of the files already read */
    int64_t next_progress; /* wall clock */
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t report_requested;
static volatile sig_atomic_t reopen_requested;
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
        "  -r FILE               read a pcap or pcapng file ('-' for stdin)\n"
        "                        or every file in a folder; repeatable: all\n"
        "                        read as one, ordered by first packet time\n"
        "  -i IFACE              capture live on IFACE (filter default: tcp)\n"
        "  -c N                  stop after N packets\n"
        "  -p                    do not put the interface in promiscuous mode\n"
        "  -s SNAPLEN            bytes to capture per packet (default 262144)\n"
        "  -B KIB                kernel capture buffer size in KiB\n"
        "  -Z USER               run as USER once the interface is open\n"
        "                        (default nobody when started as root)\n"
        "output:\n"
        "  --format FMT          report as text (default), json or csv\n"
        "  -o FILE               write the report to FILE (default stdout)\n"
        "  --events FILE         one JSON line per handshake ('-' stdout)\n"
        "  --raw-tickets         include raw ticket bytes in events\n"
        "  --report-every DUR    rewrite the report every DUR of packet time\n"
        "state:\n"
        "  --state FILE          keep keys and counters in FILE across runs\n"
        "  --max-ticket-age DUR  keep ticket digests this long (default 7d)\n"
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
        {"report-every", required_argument, NULL, OPT_REPORT_EVERY},
        {"state", required_argument, NULL, OPT_STATE},
        {"max-ticket-age", required_argument, NULL, OPT_MAX_TICKET_AGE},
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
    o->max_ticket_age = SW_KEYTABLE_DIGEST_MAX_AGE;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:r:i:c:ps:B:Z:o:vhV", longopts,
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
        case 'Z':
            o->user = optarg;
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
        case OPT_REPORT_EVERY:
            if (sw_duration_parse(optarg, &o->report_every))
                return bad_arg("--report-every needs a duration such as 1h",
                               optarg);
            break;
        case OPT_STATE:
            o->state_path = optarg;
            break;
        case OPT_MAX_TICKET_AGE:
            if (sw_duration_parse(optarg, &o->max_ticket_age))
                return bad_arg("--max-ticket-age needs a duration such as 7d",
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
    if (!o->iface && (!o->promisc || o->snaplen || o->bufsize_kib || o->user))
        SW_LOG(SW_LOG_WARN, "-p, -s, -B and -Z apply to live capture (-i) "
                            "only: ignored when reading files");
    o->filter = join_words(argv + optind, argc - optind);
    if (!o->filter)
        return bad_arg("out of memory", "filter");
    return 0;
}

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
    if (live_source)
        sw_source_break(live_source);
}

/* SIGUSR1 and SIGHUP are served between packets, so the handler raises a
 * flag. A live read blocks while the interface is idle (libpcap's timeout
 * does not fire before a first packet), so it is woken up too, as it is
 * by the once-a-second SIGALRM that lets an idle monitor report on time. */
static void on_request(int sig)
{
    if (sig == SIGUSR1)
        report_requested = 1;
    else if (sig == SIGHUP)
        reopen_requested = 1;
    if (live_source)
        sw_source_break(live_source);
}

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_request;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
}

/* Wake a live read every second (see on_request). */
static void start_ticks(void)
{
    struct itimerval it;

    memset(&it, 0, sizeof(it));
    it.it_interval.tv_sec = 1;
    it.it_value.tv_sec = 1;
    setitimer(ITIMER_REAL, &it, NULL);
}

/* The machine's clock, for what is not analysis: when to check kernel
 * drops, refresh the progress line, or report on an idle interface. */
static int64_t wall_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * SW_NS_PER_SEC + ts.tv_nsec;
}

static bool to_stdout(const char *path)
{
    return !path || !strcmp(path, "-");
}

/* Write the report to -o (replaced atomically) or standard output.
 * Returns 0, 1 when a server is stale, -1 after one line on failure. */
static int write_report(struct run *r)
{
    const struct options *o = r->opt;
    const char *iface[1] = {o->iface};
    const char *const *src = o->iface ? iface : r->names;
    size_t n_src = o->iface ? 1 : r->n_files;
    uint64_t recv, drop, ifdrop;
    char err[512], *tmp = NULL;
    FILE *out = stdout;
    int rc;

    if (r->live && sw_source_stats(r->live, &recv, &drop, &ifdrop) == 0)
        sw_pipeline_kernel_stats(r->pipe, recv, drop, ifdrop);
    if (!to_stdout(o->out_path)) {
        out = sw_outfile_begin(o->out_path, &tmp, err, sizeof(err));
        if (!out) {
            fprintf(stderr, "stekwatch: %s\n", err);
            return -1;
        }
    }
    rc = sw_pipeline_report(r->pipe, out, o->format, src, n_src, &o->policy);
    if (out == stdout) {
        if (rc < 0 || fflush(stdout) != 0) {
            fprintf(stderr,
                    "stekwatch: cannot write the report to standard output: "
                    "%s\n",
                    strerror(errno));
            return -1;
        }
        return rc;
    }
    if (sw_outfile_commit(out, &tmp, o->out_path, rc >= 0, err, sizeof(err))) {
        fprintf(stderr, "stekwatch: %s\n", err);
        return -1;
    }
    return rc;
}

static void save_state(struct run *r)
{
    char err[512];

    if (r->state &&
        sw_pipeline_save(r->pipe, r->state, err, sizeof(err)) != SW_OK) {
        fprintf(stderr, "stekwatch: %s\n", err);
        r->failed = true;
    }
}

/* A report and a state save while running. */
static void checkpoint(struct run *r)
{
    if (write_report(r) < 0)
        r->failed = true;
    save_state(r);
}

/* SIGHUP: logrotate has moved the events file away; go on in a new one.
 * The report file is replaced whole at each write, so it needs nothing. */
static void reopen_events(struct run *r)
{
    const char *path = r->opt->events_path;
    FILE *f;

    if (!r->events || to_stdout(path))
        return;
    fclose(r->events);
    f = fopen(path, "a");
    if (f && r->live)
        setvbuf(f, NULL, _IOLBF, 0);
    if (!f) {
        fprintf(stderr, "stekwatch: cannot reopen events file %s: %s\n", path,
                strerror(errno));
        r->failed = true;
    }
    r->events = f;
    sw_pipeline_set_events(r->pipe, f);
}

/* Warn once for each new batch of packets the kernel dropped. */
static void check_drops(struct run *r)
{
    uint64_t recv, drop, ifdrop;

    if (!r->live || sw_source_stats(r->live, &recv, &drop, &ifdrop) != 0 ||
        drop + ifdrop <= r->drops_seen)
        return;
    SW_LOG(SW_LOG_WARN,
           "%s: %llu packets dropped (%llu by the kernel, %llu by the "
           "interface, of %llu received); handshakes may be missed",
           r->opt->iface, (unsigned long long)(drop + ifdrop - r->drops_seen),
           (unsigned long long)drop, (unsigned long long)ifdrop,
           (unsigned long long)recv);
    r->drops_seen = drop + ifdrop;
}

/* off: bytes read so far of the files still open. */
static void show_progress(struct run *r, long long off, bool force)
{
    int64_t now;
    int pct = 0;

    if (!r->progress)
        return;
    now = wall_ns();
    if (!force && now < r->next_progress)
        return;
    r->next_progress = now + SW_NS_PER_SEC / 4;
    if (r->bytes_total > 0 && off >= 0)
        pct = (int)((r->bytes_done + off) * 100 / r->bytes_total);
    fprintf(stderr,
            "\rstekwatch: %llu packets, %llu handshakes, %d%% of the input",
            (unsigned long long)r->packets,
            (unsigned long long)sw_pipeline_handshakes(r->pipe),
            pct > 100 ? 100 : pct);
}

/* What runs between packets: signals, the report interval (packet time
 * ts; on an idle interface the clock stands in for it), drop checks. */
static void serve(struct run *r, int64_t ts)
{
    int64_t every = r->opt->report_every;

    if (reopen_requested) {
        reopen_requested = 0;
        reopen_events(r);
    }
    if (report_requested) {
        report_requested = 0;
        checkpoint(r);
    }
    if (every > 0 && ts != SW_TIME_NONE) {
        if (r->next_report == SW_TIME_NONE)
            r->next_report = ts + every;
        if (ts >= r->next_report) {
            checkpoint(r);
            while (r->next_report <= ts)
                r->next_report += every;
        }
    }
    if (r->live && wall_ns() >= r->next_check) {
        r->next_check = wall_ns() + SW_NS_PER_SEC;
        check_drops(r);
    }
}

/* Read the live source until the packet limit or a stop signal. */
static void read_live(struct run *r, struct sw_source *src, long long *left)
{
    struct sw_frame fr;
    char err[512];
    enum sw_status st;

    while (!stop_requested && (r->opt->count == 0 || *left > 0)) {
        st = sw_source_next(src, &fr, err, sizeof(err));
        /* A live read broken by a signal other than a stop comes back
         * as the end of input: serve the signal and go on reading. */
        if (st == SW_NEED_MORE ||
            (st == SW_UNSUPPORTED && r->live && !stop_requested)) {
            serve(r, r->live ? wall_ns() : SW_TIME_NONE);
            continue;
        }
        if (st == SW_UNSUPPORTED)
            break;
        if (st != SW_OK) {
            fprintf(stderr, "%sstekwatch: %s\n", r->progress ? "\n" : "", err);
            r->failed = true;
            break;
        }
        r->packets++;
        sw_pipeline_frame(r->pipe, &fr);
        if (r->opt->count)
            (*left)--;
        serve(r, fr.ts);
    }
}

/* Leave root once the interface is open, as tcpdump does: to -Z USER, or
 * DEFAULT_USER; "-Z root" keeps root. 0, or -1 after one line. */
static int drop_privileges(const char *user)
{
    const struct passwd *pw;

    if (geteuid() != 0) {
        if (user)
            SW_LOG(SW_LOG_INFO, "-Z %s ignored: not running as root", user);
        return 0;
    }
    if (!user)
        user = DEFAULT_USER;
    errno = 0;
    pw = getpwnam(user);
    if (!pw) {
        fprintf(stderr, "stekwatch: -Z: no such user '%s'\n", user);
        return -1;
    }
    if (pw->pw_uid == 0)
        return 0;
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0 || setuid(0) == 0) {
        fprintf(stderr, "stekwatch: cannot run as user '%s': %s\n", user,
                strerror(errno));
        return -1;
    }
    return 0;
}

static int open_live(struct run *r)
{
    const struct options *o = r->opt;
    char err[512];

    r->live = sw_source_open_live(o->iface, *o->filter ? o->filter : "tcp",
                                  o->snaplen, o->promisc, o->bufsize_kib * 1024,
                                  err, sizeof(err));
    if (!r->live) {
        fprintf(stderr, "stekwatch: %s\n", err);
        return -1;
    }
    return drop_privileges(o->user);
}

/* One capture file being read, with the next frame it holds. */
struct open_file {
    struct sw_source *src;
    size_t index; /* in run.files */
    struct sw_frame fr;
    uint64_t packets;
};

static long long file_size(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* Read the next frame of f. false at its end or on a read error, which is
 * reported as one line and ends this file only: what was read before it
 * stays in the report. */
static bool advance(struct run *r, struct open_file *f)
{
    char err[512];
    enum sw_status st = sw_source_next(f->src, &f->fr, err, sizeof(err));

    if (st == SW_OK)
        return true;
    if (st != SW_UNSUPPORTED) {
        fprintf(stderr, "%sstekwatch: %s\n", r->progress ? "\n" : "", err);
        r->failed = true;
    }
    return false;
}

static void close_file(struct run *r, struct open_file *f)
{
    SW_LOG(SW_LOG_INFO, "%s: %llu packets read", r->files[f->index].path,
           (unsigned long long)f->packets);
    r->bytes_done += file_size(r->files[f->index].path);
    sw_source_close(f->src);
}

/* The open file whose next frame comes first (the earlier file on a
 * tie), or -1 when none is open. */
static int earliest(const struct open_file *open, size_t n)
{
    int best = -1;

    for (size_t i = 0; i < n; i++)
        if (best < 0 || open[i].fr.ts < open[best].fr.ts ||
            (open[i].fr.ts == open[best].fr.ts &&
             open[i].index < open[best].index))
            best = (int)i;
    return best;
}

/* Open files while the next one's first packet is due: always when none
 * is open; when merging, also when it starts no later than the earliest
 * frame held. 0, or -1 when a file could not be opened (reported). */
static int open_due(struct run *r, struct open_file *open, size_t *n_open,
                    size_t *next)
{
    char err[512];
    int k;

    while (*next < r->n_files) {
        k = earliest(open, *n_open);
        if (k >= 0 && !(r->merge && r->files[*next].first_ts <= open[k].fr.ts))
            break;
        struct open_file *f = &open[*n_open];

        f->index = (*next)++;
        f->src = sw_source_open_file(r->files[f->index].path, err, sizeof(err));
        if (!f->src) {
            fprintf(stderr, "%sstekwatch: %s\n", r->progress ? "\n" : "", err);
            r->failed = true;
            return -1;
        }
        f->packets = 0;
        SW_LOG(SW_LOG_INFO, "reading %s", r->files[f->index].path);
        if (!advance(r, f)) {
            close_file(r, f);
            continue;
        }
        if (!sw_packet_dlt_known(f->fr.dlt))
            SW_LOG(SW_LOG_WARN,
                   "%s: link type %d is not one stekwatch decodes; its "
                   "packets are counted as link_unknown",
                   r->files[f->index].path, f->fr.dlt);
        (*n_open)++;
    }
    return 0;
}

static long long open_offsets(const struct open_file *open, size_t n)
{
    long long off = 0, o;

    for (size_t i = 0; i < n; i++)
        if ((o = sw_source_file_offset(open[i].src)) > 0)
            off += o;
    return off;
}

/* Read the files as one observation: each packet in time order across
 * files that overlap (as mergecap would), one after the other when they
 * do not, in the order given when standard input is among them. Returns
 * 0, or -1 when a file could not be opened (reported; later files are
 * not read). */
static int read_files(struct run *r, long long left)
{
    struct open_file *open = calloc(r->n_files, sizeof(*open));
    size_t n_open = 0, next = 0;
    int rc = 0, k;

    if (!open) {
        fputs("stekwatch: out of memory\n", stderr);
        r->failed = true;
        return -1;
    }
    for (size_t i = 0; i < r->n_files; i++)
        r->bytes_total += file_size(r->files[i].path);
    while (!stop_requested && (r->opt->count == 0 || left > 0)) {
        if (open_due(r, open, &n_open, &next)) {
            rc = -1;
            break;
        }
        if ((k = earliest(open, n_open)) < 0)
            break;
        r->packets++;
        open[k].packets++;
        sw_pipeline_frame(r->pipe, &open[k].fr);
        if (r->opt->count)
            left--;
        serve(r, open[k].fr.ts);
        if (!advance(r, &open[k])) {
            close_file(r, &open[k]);
            open[k] = open[--n_open];
        }
        /* Looking at the clock and the file offsets costs system calls:
         * not for every packet. */
        if (r->progress && (r->packets & 1023) == 0)
            show_progress(r, open_offsets(open, n_open), false);
    }
    while (n_open > 0)
        close_file(r, &open[--n_open]);
    free(open);
    show_progress(r, 0, true);
    if (r->progress)
        fputs("\r\033[K", stderr);
    return rc;
}

/* Read the live interface, or every input file. */
static int read_inputs(struct run *r)
{
    long long left = r->opt->count;

    if (!r->live)
        return read_files(r, left);
    live_source = r->live;
    start_ticks();
    read_live(r, r->live, &left);
    live_source = NULL;
    return 0;
}

/* The state: opened once privileges are dropped, so that it is written
 * as the user that will keep writing it; then loaded. */
static int open_state(struct run *r)
{
    char err[512];

    if (!r->opt->state_path)
        return 0;
    r->state = sw_state_open(r->opt->state_path, err, sizeof(err));
    if (!r->state || sw_pipeline_load(r->pipe, r->state, err, sizeof(err))) {
        fprintf(stderr, "stekwatch: %s\n", err);
        sw_state_close(r->state);
        r->state = NULL;
        return -1;
    }
    return 0;
}

/* Everything a run needs before reading: inputs, privileges, pipeline,
 * state, outputs. Each failure prints one line. */
static int setup(struct run *r)
{
    const struct options *o = r->opt;
    char err[512];

    if (!o->iface &&
        sw_inputs_expand(o->files, o->n_files, &r->files, &r->n_files,
                         &r->merge, err, sizeof(err))) {
        fprintf(stderr, "stekwatch: %s\n", err);
        return -1;
    }
    if (!o->iface) {
        r->names = calloc(r->n_files, sizeof(*r->names));
        if (!r->names) {
            fputs("stekwatch: out of memory\n", stderr);
            return -1;
        }
        for (size_t i = 0; i < r->n_files; i++)
            r->names[i] = r->files[i].path;
    }
    if (o->iface && open_live(r))
        return -1;
    r->pipe = sw_pipeline_new(NULL, o->raw_tickets);
    if (!r->pipe) {
        fputs("stekwatch: out of memory\n", stderr);
        return -1;
    }
    sw_pipeline_set_digest_max_age(r->pipe, o->max_ticket_age);
    if (open_state(r))
        return -1;
    /* Open every output before reading, so a bad path fails at once. */
    if (!to_stdout(o->out_path) &&
        sw_outfile_probe(o->out_path, err, sizeof(err))) {
        fprintf(stderr, "stekwatch: %s\n", err);
        return -1;
    }
    if (o->events_path) {
        /* The event stream is a log: a restarted monitor goes on at its
         * end, and a live one writes each event as it happens. */
        r->events =
            to_stdout(o->events_path) ? stdout : fopen(o->events_path, "a");
        if (!r->events) {
            fprintf(stderr, "stekwatch: cannot open events file %s: %s\n",
                    o->events_path, strerror(errno));
            return -1;
        }
        if (r->live)
            setvbuf(r->events, NULL, _IOLBF, 0);
        sw_pipeline_set_events(r->pipe, r->events);
    }
    return 0;
}

static void teardown(struct run *r)
{
    if (r->events && r->events != stdout)
        fclose(r->events);
    sw_pipeline_free(r->pipe);
    sw_state_close(r->state);
    sw_source_close(r->live);
    if (r->files)
        sw_inputs_free(r->files, r->n_files);
    free(r->names);
}

static int run(const struct options *o)
{
    struct run r = {.opt = o};
    int stale;

    r.next_report = SW_TIME_NONE;
    r.progress = !o->iface && isatty(STDERR_FILENO);
    if (setup(&r) || (read_inputs(&r) < 0 && r.packets == 0)) {
        teardown(&r);
        return EXIT_ERROR;
    }
    sw_pipeline_flush(r.pipe);
    if ((r.events && fflush(r.events) != 0) ||
        sw_pipeline_events_failed(r.pipe)) {
        fprintf(stderr, "stekwatch: cannot write events to %s: %s\n",
                o->events_path, strerror(errno));
        r.failed = true;
    }
    check_drops(&r);
    stale = write_report(&r);
    save_state(&r);
    teardown(&r);
    if (stale < 0 || r.failed)
        return EXIT_ERROR;
    return stale ? EXIT_STALE : EXIT_DONE;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    int rc = parse_args(argc, argv, &o);
    int status;

    if (rc) {
        free(o.filter);
        free(o.files);
        return rc > 0 ? EXIT_DONE : EXIT_USAGE;
    }
    install_signals();
    status = run(&o);
    free(o.filter);
    free(o.files);
    return status;
}
