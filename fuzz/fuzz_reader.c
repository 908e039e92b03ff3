/* libFuzzer target for the reader: every leniency setting, and two differential
 * checks: feeding the input in chunks (sizes taken from the input) gives
 * exactly what feeding it whole gives, and so does the hot loop at each
 * instruction set this CPU has (none, SSE2, AVX2, AVX-512BW).  Any difference
 * aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/reader.h>

/* the library's internal switch of the hot loop's instruction set (edi/internal.h) */
int x12__reader_simd(x12_reader *r, int level);

typedef struct acc {
    uint64_t h;
    uint64_t n;
} acc;

static void mix(acc *a, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        a->h = (a->h ^ b[i]) * 0x100000001b3ull;
    a->n++;
}

static int on_seg(void *ctx, const x12_segment *seg)
{
    acc *a = ctx;
    for (uint32_t i = 0; i <= seg->element_count; i++) {
        mix(a, seg->elements[i].ptr, seg->elements[i].len);
        x12_slice e = seg->elements[i];
        /* exercise the accessors on every element */
        for (unsigned r = 1; r <= 3; r++) {
            x12_slice rep = x12_element_repetition(seg, e, r);
            x12_slice c = x12_element_component(seg, rep, 2);
            mix(a, c.ptr, c.len);
        }
    }
    mix(a, &seg->byte_offset, sizeof seg->byte_offset);
    mix(a, &seg->set_position, sizeof seg->set_position);
    return 0;
}

static void on_err(void *ctx, const x12_error *e)
{
    acc *a = ctx;
    mix(a, &e->code, sizeof e->code);
    mix(a, &e->byte_offset, sizeof e->byte_offset);
    mix(a, &e->segment_index, sizeof e->segment_index);
    mix(a, e->detail, strlen(e->detail));
}

static acc run(const uint8_t *data, size_t size, unsigned flags, size_t chunk, size_t maxseg,
               int level)
{
    acc a = {0xcbf29ce484222325ull, 0};
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = flags;
    o.max_segment_length = maxseg;
    o.max_elements = 8;
    x12_reader_callbacks cb = {on_seg, on_err};
    x12_reader *r = x12_reader_new(&o, &cb, &a);
    if (!r)
        abort();
    x12__reader_simd(r, level);
    for (size_t off = 0; off < size; off += chunk)
        x12_reader_feed(r, data + off, size - off < chunk ? size - off : chunk);
    x12_reader_finish(r);
    x12_reader_free(r);
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned flags = data[0] & 0x3f;
    size_t chunk = (size_t)(data[1] % 17) + 1;
    size_t maxseg = data[1] & 0x80 ? 40 : 4096;
    data += 2;
    size -= 2;
    acc whole = run(data, size, flags, size ? size : 1, maxseg, -1);
    acc parts = run(data, size, flags, chunk, maxseg, -1);
    if (whole.h != parts.h || whole.n != parts.n) {
        fprintf(stderr, "chunking changed the result (chunk %zu, flags %u)\n", chunk, flags);
        abort();
    }
    static int best = -2;
    if (best == -2) {
        x12_reader *r = x12_reader_new(NULL, NULL, NULL);
        best = r ? x12__reader_simd(r, -1) : 0;
        x12_reader_free(r);
    }
    for (int level = 0; level < best; level++) {
        acc at = run(data, size, flags, size ? size : 1, maxseg, level);
        if (at.h != whole.h || at.n != whole.n) {
            fprintf(stderr, "hot loop level %d differs from level %d (flags %u)\n", level, best,
                    flags);
            abort();
        }
    }
    return 0;
}
