/* floor.c: the least work any libpcap reader does, the benchmark's floor.
 *
 *     floor FILE...
 *
 * Opens each file at nanosecond precision, as stekwatch does, reads every
 * packet with pcap_next_ex and touches one byte of it, so no reader built
 * on libpcap can take less CPU time on the same files. Prints the packet
 * count and the sum of the touched bytes (so the reads are not optimised
 * away). Exits 1 when a file cannot be read. Not part of the build: run.sh
 * compiles it with cc. */

#define _DEFAULT_SOURCE 1 /* libpcap's headers use u_int and u_char */

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    struct pcap_pkthdr *h;
    const unsigned char *p;
    uint64_t packets = 0;
    uint64_t sum = 0;
    int i;
    int rc;

    for (i = 1; i < argc; i++) {
        pcap_t *pc = pcap_open_offline_with_tstamp_precision(
            argv[i], PCAP_TSTAMP_PRECISION_NANO, err);

        if (!pc) {
            fprintf(stderr, "floor: %s: %s\n", argv[i], err);
            return 1;
        }
        while ((rc = pcap_next_ex(pc, &h, &p)) == 1) {
            packets++;
            if (h->caplen > 0)
                sum += p[h->caplen / 2];
        }
        if (rc == PCAP_ERROR) {
            fprintf(stderr, "floor: %s: %s\n", argv[i], pcap_geterr(pc));
            pcap_close(pc);
            return 1;
        }
        pcap_close(pc);
    }
    printf("%llu packets, byte sum %llu\n", (unsigned long long)packets,
           (unsigned long long)sum);
    return 0;
}
