/* reader.h - the bounded reader: the only code that walks untrusted bytes.
 *
 * A reader is a cursor and the number of bytes left after it. Every getter
 * returns true on success and advances the cursor; on failure it returns
 * false and leaves the reader exactly as it was. Length-prefixed vectors
 * come back as sub-readers over their contents, so nested structures are
 * checked at each level, and sw_rd_empty() closes a structure that must be
 * consumed exactly. All integers are big-endian (network order) unless the
 * name says _le.
 */
#ifndef SW_COMMON_READER_H
#define SW_COMMON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sw_reader {
    const uint8_t *cur;
    size_t left;
};

static inline void sw_rd_init(struct sw_reader *r, const uint8_t *p, size_t n)
{
    r->cur = n ? p : NULL;
    r->left = p ? n : 0;
}

/* Step over n bytes already checked to be there. An empty reader may hold
 * a NULL cursor, and NULL + 0 is undefined behaviour in C: skip the
 * addition when there is nothing to step over. */
static inline void sw_rd_step(struct sw_reader *r, size_t n)
{
    if (n) {
        r->cur += n;
        r->left -= n;
    }
}

static inline size_t sw_rd_left(const struct sw_reader *r)
{
    return r->left;
}

static inline bool sw_rd_empty(const struct sw_reader *r)
{
    return r->left == 0;
}

/* Pointer to the unread bytes; valid for sw_rd_left() bytes. */
static inline const uint8_t *sw_rd_ptr(const struct sw_reader *r)
{
    return r->cur;
}

static inline bool sw_rd_skip(struct sw_reader *r, size_t n)
{
    if (n > r->left)
        return false;
    sw_rd_step(r, n);
    return true;
}

/* Hand out a pointer to the next n bytes and step over them. */
static inline bool sw_rd_bytes(struct sw_reader *r, size_t n,
                               const uint8_t **out)
{
    if (n > r->left)
        return false;
    *out = r->cur;
    sw_rd_step(r, n);
    return true;
}

static inline bool sw_rd_copy(struct sw_reader *r, void *dst, size_t n)
{
    if (n > r->left)
        return false;
    if (n)
        memcpy(dst, r->cur, n);
    sw_rd_step(r, n);
    return true;
}

/* Read nothing: look at the byte at offset off from the cursor. */
static inline bool sw_rd_peek_u8(const struct sw_reader *r, size_t off,
                                 uint8_t *v)
{
    if (off >= r->left)
        return false;
    *v = r->cur[off];
    return true;
}

static inline bool sw_rd_peek_u16(const struct sw_reader *r, size_t off,
                                  uint16_t *v)
{
    if (r->left < 2 || off > r->left - 2)
        return false;
    *v = (uint16_t)((unsigned)r->cur[off] << 8 | r->cur[off + 1]);
    return true;
}

static inline bool sw_rd_u8(struct sw_reader *r, uint8_t *v)
{
    if (r->left < 1)
        return false;
    *v = r->cur[0];
    r->cur += 1;
    r->left -= 1;
    return true;
}

static inline bool sw_rd_u16(struct sw_reader *r, uint16_t *v)
{
    if (r->left < 2)
        return false;
    *v = (uint16_t)((unsigned)r->cur[0] << 8 | r->cur[1]);
    r->cur += 2;
    r->left -= 2;
    return true;
}

static inline bool sw_rd_u16_le(struct sw_reader *r, uint16_t *v)
{
    if (r->left < 2)
        return false;
    *v = (uint16_t)((unsigned)r->cur[1] << 8 | r->cur[0]);
    r->cur += 2;
    r->left -= 2;
    return true;
}

static inline bool sw_rd_u24(struct sw_reader *r, uint32_t *v)
{
    if (r->left < 3)
        return false;
    *v = (uint32_t)r->cur[0] << 16 | (uint32_t)r->cur[1] << 8 | r->cur[2];
    r->cur += 3;
    r->left -= 3;
    return true;
}

static inline bool sw_rd_u32(struct sw_reader *r, uint32_t *v)
{
    if (r->left < 4)
        return false;
    *v = (uint32_t)r->cur[0] << 24 | (uint32_t)r->cur[1] << 16 |
         (uint32_t)r->cur[2] << 8 | r->cur[3];
    r->cur += 4;
    r->left -= 4;
    return true;
}

static inline bool sw_rd_u32_le(struct sw_reader *r, uint32_t *v)
{
    if (r->left < 4)
        return false;
    *v = (uint32_t)r->cur[3] << 24 | (uint32_t)r->cur[2] << 16 |
         (uint32_t)r->cur[1] << 8 | r->cur[0];
    r->cur += 4;
    r->left -= 4;
    return true;
}

/* Split off the next n bytes as a sub-reader and step over them. */
static inline bool sw_rd_sub(struct sw_reader *r, size_t n,
                             struct sw_reader *sub)
{
    if (n > r->left)
        return false;
    sw_rd_init(sub, r->cur, n);
    sw_rd_step(r, n);
    return true;
}

/* Length-prefixed vectors: a 1-, 2- or 3-byte length, then that many bytes,
 * returned as a sub-reader. On failure nothing is consumed. */
static inline bool sw_rd_vec8(struct sw_reader *r, struct sw_reader *sub)
{
    struct sw_reader save = *r;
    uint8_t n;

    if (!sw_rd_u8(r, &n) || !sw_rd_sub(r, n, sub)) {
        *r = save;
        return false;
    }
    return true;
}

static inline bool sw_rd_vec16(struct sw_reader *r, struct sw_reader *sub)
{
    struct sw_reader save = *r;
    uint16_t n;

    if (!sw_rd_u16(r, &n) || !sw_rd_sub(r, n, sub)) {
        *r = save;
        return false;
    }
    return true;
}

static inline bool sw_rd_vec24(struct sw_reader *r, struct sw_reader *sub)
{
    struct sw_reader save = *r;
    uint32_t n;

    if (!sw_rd_u24(r, &n) || !sw_rd_sub(r, n, sub)) {
        *r = save;
        return false;
    }
    return true;
}

#endif
