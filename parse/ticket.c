/* ticket.c - which bytes of a session ticket name the key that sealed it.
 *
 * Layouts: RFC 5077 section 4 (key_name[16] first); NSS names its keys
 * with 16 bytes that begin with "NSS!" (SESS_TICKET_KEY_NAME_PREFIX plus a
 * 12-byte variable part), so its key name is the ticket's first 16 bytes;
 * s2n-tls puts one version byte before its 16-byte key name.
 */
#include "parse/ticket.h"

#include <string.h>

#include "common/reader.h"

static const char *const format_names[SW_TKT_FORMAT_COUNT] = {
    [SW_TKT_KEYNAME16] = "keyname16", [SW_TKT_NSS] = "nss",
    [SW_TKT_KEYID4] = "keyid4",       [SW_TKT_S2N] = "s2n",
    [SW_TKT_NO_KEY_ID] = "no-key-id",
};

const char *sw_ticket_format_name(enum sw_ticket_format f)
{
    if ((unsigned)f >= SW_TKT_FORMAT_COUNT)
        return "unknown-format";
    return format_names[f];
}

enum sw_ticket_format sw_ticket_guess_format(const uint8_t *t, size_t n)
{
    static const uint8_t nss[4] = {'N', 'S', 'S', '!'};
    struct sw_reader r;
    const uint8_t *head;

    sw_rd_init(&r, t, n);
    if (sw_rd_bytes(&r, sizeof(nss), &head) &&
        memcmp(head, nss, sizeof(nss)) == 0)
        return SW_TKT_NSS;
    return SW_TKT_KEYNAME16;
}

void sw_ticket_keyid(const uint8_t *t, size_t n, enum sw_ticket_format f,
                     struct sw_keyid *out)
{
    struct sw_reader r;
    size_t skip = 0, len = 0;

    switch (f) {
    case SW_TKT_KEYNAME16:
    case SW_TKT_NSS:
        len = 16;
        break;
    case SW_TKT_KEYID4:
        len = 4;
        break;
    case SW_TKT_S2N:
        skip = 1;
        len = 16;
        break;
    case SW_TKT_NO_KEY_ID:
    case SW_TKT_FORMAT_COUNT:
        break;
    }
    memset(out, 0, sizeof(*out));
    out->format = f;
    sw_rd_init(&r, t, n);
    if (len == 0 || !sw_rd_skip(&r, skip) || !sw_rd_copy(&r, out->bytes, len))
        return;
    out->len = (uint8_t)len;
}
