/* fuzz_packet.c - libFuzzer harness for the link/IP/TCP decoder.
 *
 * Input: one byte choosing the link type among those the decoder knows
 * (plus one it does not), two bytes of the wire length beyond the captured
 * length, then the frame. The frame is copied into its own exactly sized
 * heap buffer, so any read past caplen is an AddressSanitizer report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* DLT values sw_packet_decode handles (capture/packet.c), and 147
 * (DLT_USER0), which it must count as unknown. */
static const int dlts[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147};

/* Touch every field of a decoded packet so a wild pointer or an
 * uninitialised value shows up under the sanitizers. */
static void touch(const struct sw_packet *pkt)
{
    volatile uint8_t sink = 0;

    sink ^= (uint8_t)(pkt->ts ^ pkt->seq ^ pkt->ack ^ pkt->window ^ pkt->flags ^
                      pkt->src.port ^ pkt->dst.port ^ pkt->src.family ^
                      pkt->dst.family);
    for (size_t i = 0; i < sizeof(pkt->src.addr); i++)
        sink ^= (uint8_t)(pkt->src.addr[i] ^ pkt->dst.addr[i]);
    if (pkt->payload_len > pkt->payload_wire_len)
        abort();
    for (size_t i = 0; i < pkt->payload_len; i++)
        sink ^= pkt->payload[i];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_cap_counters c;
    struct sw_packet pkt;
    uint8_t *frame;
    size_t caplen, extra;
    int dlt;

    if (size < 3)
        return 0;
    dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
    extra = (size_t)data[1] << 8 | data[2];
    caplen = size - 3;
    frame = malloc(caplen ? caplen : 1);
    if (!frame)
        return 0;
    memcpy(frame, data + 3, caplen);
    memset(&c, 0, sizeof(c));
    memset(&pkt, 0, sizeof(pkt));
    if (sw_packet_decode_wire(dlt, frame, caplen, caplen + extra, 0, &pkt,
                              &c) == SW_OK)
        touch(&pkt);
    /* The older entry point, which knows no wire length. */
    memset(&pkt, 0, sizeof(pkt));
    if (sw_packet_decode(dlt, frame, caplen, 0, &pkt, &c) == SW_OK)
        touch(&pkt);
    free(frame);
    return 0;
}
