/* ticket.h - which bytes of a session ticket name the key that sealed it.
 *
 * Servers choose their own ticket layout (RFC 5077 section 4 only
 * recommends one). Most put a 16-byte key_name first; some use another
 * layout or carry no key id at all. stekwatch learns the layout per server
 * from the tickets it issues.
 */
#ifndef SW_PARSE_TICKET_H
#define SW_PARSE_TICKET_H

#include <stddef.h>
#include <stdint.h>

enum sw_ticket_format {
    SW_TKT_KEYNAME16 = 0, /* 16-byte key_name first: OpenSSL, BoringSSL,
                             LibreSSL, GnuTLS, wolfSSL, rustls, nginx,
                             HAProxy, Apache, Node, Go <= 1.20 */
    SW_TKT_NSS,           /* 16-byte key name: "NSS!" and 12 bytes */
    SW_TKT_KEYID4,        /* 4-byte key id: mbed TLS, Java TLS 1.3 */
    SW_TKT_S2N,           /* version byte then a 16-byte key name */
    SW_TKT_NO_KEY_ID,     /* no key id: Go >= 1.21, OpenSSL stateful 1.3 */
    SW_TKT_FORMAT_COUNT
};

/* Stable lowercase name of a format, for reports. */
const char *sw_ticket_format_name(enum sw_ticket_format f);

/* Longest key id of any format. */
#define SW_KEYID_MAX 16

struct sw_keyid {
    enum sw_ticket_format format;
    uint8_t len; /* 0: the ticket carries no key id (format or too short) */
    uint8_t bytes[SW_KEYID_MAX];
};

/* Guess a ticket's format from its bytes alone: "NSS!" gives SW_TKT_NSS,
 * anything else SW_TKT_KEYNAME16. Layouts that need more than one ticket
 * to recognise are learnt by the report layer. */
enum sw_ticket_format sw_ticket_guess_format(const uint8_t *t, size_t n);

/* Extract the key id of ticket t under format f into *out. A ticket
 * shorter than its format's key id gives out->len 0. */
void sw_ticket_keyid(const uint8_t *t, size_t n, enum sw_ticket_format f,
                     struct sw_keyid *out);

#endif
