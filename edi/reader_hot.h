/* The reader's hot loop, included by reader.c once per instruction set.
 * Before each inclusion reader.c defines:
 *   HOT_NAME              the function's name
 *   HOT_ATTR              its attributes (the target instruction set)
 *   HOT_SETUP(es, ts)     declarations the masks need (delimiters broadcast)
 *   HOT_MASKS(p, tm, em)  sets tm and em: bit i where p[i] is the segment
 *                         terminator, the element separator (64 bytes at p)
 * and this file undefines them.  No include guard: that is the point. */

/* The hot loop, for segments that lie whole in `buf`.  One pass over 64-byte
 * blocks finds element separators and terminators together; element slices
 * are written as separators are found, and the walk goes from segment to
 * segment without rescanning.  Called at a segment boundary (before any
 * skippable line break).  Returns the position where the general loop takes
 * over: the end of the interchange, a segment start that may be an ISA, or the
 * start of a segment too close to the end of `buf` to scan in whole blocks
 * (nothing of it scanned; the caller starts it). */
static HOT_ATTR size_t HOT_NAME(x12_reader *r, const char *buf, size_t len, size_t pos,
                                uint64_t base, int *closed)
{
    HOT_SETUP(r->d.element, r->d.segment);
    const uint32_t max = r->o.max_elements;
    const size_t maxlen = r->o.max_segment_length;
    const int strip_cr = (r->o.flags & X12_READ_ALLOW_LINE_BREAKS) && r->d.segment == '\n';
    x12_slice *el = r->elems;
    x12_segment seg;
    seg_init(r, &seg);

    size_t s = pos; /* start of the current segment */
    for (;;) {
        while (s < len && r->skip_seg[(unsigned char)buf[s]])
            s++;
        if (s == len)
            return s;
        if (buf[s] == 'I')
            return s; /* the general loop decides whether an ISA starts here */
        /* split the segment at s, 64 bytes at a time (segments average
         * 20-30 bytes, so one block is the common case) */
        /* the element in progress starts at `from` (kept in a register, not
         * read back from el[]) */
        const char *from = buf + s;
        uint32_t k = 0, nsep = 0;
        size_t t, blk = s;
        for (;;) {
            if (len - blk < 64)
                return s; /* runs into the last bytes: the general loop goes on */
            uint64_t tm, em;
            HOT_MASKS(buf + blk, tm, em);
            if (tm)
                em &= (tm & (0 - tm)) - 1; /* separators before the terminator */
            while (em) {
                if (k < max) {
                    const char *p = buf + blk + (unsigned)__builtin_ctzll(em);
                    el[k].ptr = from;
                    el[k].len = (size_t)(p - from);
                    k++;
                    from = p + 1;
                }
                nsep++;
                em &= em - 1;
            }
            if (tm) {
                t = blk + (unsigned)__builtin_ctzll(tm);
                break;
            }
            blk += 64;
        }
        size_t end = t;
        if (strip_cr && end > s && buf[end - 1] == '\r')
            end--;
        r->seg_off = base + s;
        if (t - s > maxlen) {
            too_long(r);
        } else if (end == s) {
            report(r, X12_ERR_EMPTY_SEGMENT, r->seg_off, r->seg_index, 0, NOSLICE, 0, "", NOSLICE);
        } else {
            el[k].ptr = from;
            el[k].len = (size_t)(buf + end - from);
            /* not seg.id = el[0]: a 16-byte load of what was just stored as
             * two 8-byte halves stalls store forwarding (measured: ~15%) */
            seg.id.ptr = buf + s;
            seg.id.len = k ? el[0].len : end - s;
            seg.raw.ptr = buf + s;
            seg.raw.len = end - s;
            seg.element_count = k;
            seg.byte_offset = base + s;
            seg.segment_index = ++r->seg_index;
            seg.set_position = 0;
            r->stats.segments++;
            if (deliver(r, &seg, nsep)) {
                *closed = 1;
                return t + 1;
            }
            if (r->fatal)
                return t + 1;
        }
        s = t + 1;
    }
    return s;
}

#undef HOT_NAME
#undef HOT_ATTR
#undef HOT_SETUP
#undef HOT_MASKS
