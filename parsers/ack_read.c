/* Reading 999 (005010X231A1) and TA1 acknowledgements back: each TA1, AK1,
 * AK2, IK3, CTX, IK4, IK5 and AK9 segment becomes one record with its codes,
 * and x12_ack_code_text() gives the codes' meanings.  Formatting the report is
 * the caller's (cli/cmd_ack_report.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x12/ack.h"
#include "spec_model.h"

typedef struct code_text {
    const char *code, *text;
} code_text;

/* TA104 / IK501 / AK901 (DE I17, 717, 715) */
static const code_text ACCEPT[] = {
    {"A", "accepted"},
    {"E", "accepted, but errors were noted"},
    {"M", "rejected, message authentication code failed"},
    {"P", "partially accepted: at least one transaction set was rejected"},
    {"R", "rejected"},
    {"W", "rejected, assurance failed validity tests"},
    {"X", "rejected, content after decryption could not be analyzed"},
    {NULL, NULL},
};

/* TA105 (I18) */
static const code_text TA105[] = {
    {"000", "no error"},
    {"001", "the interchange control number in the header and trailer do not match"},
    {"002", "this standard as noted in the control standards identifier is not supported"},
    {"003", "this version of the controls is not supported"},
    {"004", "the segment terminator is invalid"},
    {"005", "invalid interchange ID qualifier for sender"},
    {"006", "invalid interchange sender ID"},
    {"007", "invalid interchange ID qualifier for receiver"},
    {"008", "invalid interchange receiver ID"},
    {"009", "unknown interchange receiver ID"},
    {"010", "invalid authorization information qualifier value"},
    {"011", "invalid authorization information value"},
    {"012", "invalid security information qualifier value"},
    {"013", "invalid security information value"},
    {"014", "invalid interchange date value"},
    {"015", "invalid interchange time value"},
    {"016", "invalid interchange standards identifier value"},
    {"017", "invalid interchange version ID value"},
    {"018", "invalid interchange control number value"},
    {"019", "invalid acknowledgment requested value"},
    {"020", "invalid test indicator value"},
    {"021", "invalid number of included groups value"},
    {"022", "invalid control structure"},
    {"023", "improper (premature) end-of-file (transmission)"},
    {"024", "invalid interchange content (e.g. invalid GS segment)"},
    {"025", "duplicate interchange control number"},
    {"026", "invalid data element separator"},
    {"027", "invalid component element separator"},
    {"028", "invalid delivery date in deferred delivery request"},
    {"029", "invalid delivery time in deferred delivery request"},
    {"030", "invalid delivery time code in deferred delivery request"},
    {"031", "invalid grade of service code"},
    {NULL, NULL},
};

/* IK304 (620) */
static const code_text IK304[] = {
    {"1", "unrecognized segment ID"},
    {"2", "unexpected segment"},
    {"3", "required segment missing"},
    {"4", "loop occurs over maximum times"},
    {"5", "segment exceeds maximum use"},
    {"6", "segment not in defined transaction set"},
    {"7", "segment not in proper sequence"},
    {"8", "segment has data element errors"},
    {"I4", "implementation \"not used\" segment present"},
    {"I6", "implementation dependent segment missing"},
    {"I7", "implementation loop occurs under minimum times"},
    {"I8", "implementation segment below minimum use"},
    {"I9", "implementation dependent \"not used\" segment present"},
    {NULL, NULL},
};

/* IK403 (621) */
static const code_text IK403[] = {
    {"1", "required data element missing"},
    {"2", "conditional required data element missing"},
    {"3", "too many data elements"},
    {"4", "data element too short"},
    {"5", "data element too long"},
    {"6", "invalid character in data element"},
    {"7", "invalid code value"},
    {"8", "invalid date"},
    {"9", "invalid time"},
    {"10", "exclusion condition violated"},
    {"12", "too many repetitions"},
    {"13", "too many components"},
    {"I6", "code value not used in implementation"},
    {"I9", "implementation dependent data element missing"},
    {"I10", "implementation \"not used\" data element present"},
    {"I11", "implementation too few repetitions"},
    {"I12", "implementation pattern match failure"},
    {"I13", "implementation dependent \"not used\" data element present"},
    {NULL, NULL},
};

/* IK502-IK506 (618) */
static const code_text IK502[] = {
    {"1", "transaction set not supported"},
    {"2", "transaction set trailer missing"},
    {"3", "transaction set control number in header and trailer do not match"},
    {"4", "number of included segments does not match actual count"},
    {"5", "one or more segments in error"},
    {"6", "missing or invalid transaction set identifier"},
    {"7", "missing or invalid transaction set control number"},
    {"8", "authentication key name unknown"},
    {"9", "encryption key name unknown"},
    {"10", "requested service (authentication or encryption) not available"},
    {"11", "unknown security recipient"},
    {"12", "incorrect message length (encryption only)"},
    {"13", "message authentication code failed"},
    {"15", "unknown security originator"},
    {"16", "syntax error in decrypted text"},
    {"17", "security not supported"},
    {"18", "transaction set not in functional group"},
    {"19", "invalid transaction set implementation convention reference"},
    {"23", "transaction set control number not unique within the functional group"},
    {"24", "S3E security end segment missing for S3S security start segment"},
    {"25", "S3S security start segment missing for S3E security end segment"},
    {"26", "S4E security end segment missing for S4S security start segment"},
    {"27", "S4S security start segment missing for S4E security end segment"},
    {"I5", "implementation one or more segments in error"},
    {"I6", "implementation convention not supported"},
    {NULL, NULL},
};

/* AK905-AK909 (716) */
static const code_text AK905[] = {
    {"1", "functional group not supported"},
    {"2", "functional group version not supported"},
    {"3", "functional group trailer missing"},
    {"4", "group control number in the functional group header and trailer do not agree"},
    {"5", "number of included transaction sets does not match actual count"},
    {"6", "group control number violates syntax"},
    {"10", "authentication key name unknown"},
    {"11", "encryption key name unknown"},
    {"12", "requested service (authentication or encryption) not available"},
    {"13", "unknown security recipient"},
    {"14", "unknown security originator"},
    {"15", "syntax error in decrypted text"},
    {"16", "security not supported"},
    {"17", "incorrect message length (encryption only)"},
    {"18", "message authentication code failed"},
    {"19", "functional group control number not unique within interchange"},
    {"23", "S3E security end segment missing for S3S security start segment"},
    {"24", "S3S security start segment missing for S3E security end segment"},
    {"25", "S4E security end segment missing for S4S security start segment"},
    {"26", "S4S security start segment missing for S4E security end segment"},
    {NULL, NULL},
};

static const char *lookup(const code_text *t, const char *code)
{
    for (; t->code; t++)
        if (!strcmp(t->code, code))
            return t->text;
    return NULL;
}

const char *x12_ack_code_text(const char *element, const char *code)
{
    const code_text *t = NULL;
    if (!element || !code)
        return "unknown code";
    /* a 997's AK304, AK403, AK501, AK502-AK506: the 999's lists (DE 720, 723,
     * 717, 718 are 620, 621, 717, 618 without the implementation codes) */
    char as999[6];
    if (!strncmp(element, "AK", 2) && (element[2] == '3' || element[2] == '4' ||
                                       element[2] == '5') && strlen(element) == 5) {
        if (code[0] == 'I')
            return "unknown code";
        snprintf(as999, sizeof as999, "IK%s", element + 2);
        element = as999;
    }
    if (!strcmp(element, "TA104") || !strcmp(element, "IK501") || !strcmp(element, "AK901"))
        t = ACCEPT;
    else if (!strcmp(element, "TA105"))
        t = TA105;
    else if (!strcmp(element, "IK304"))
        t = IK304;
    else if (!strcmp(element, "IK403"))
        t = IK403;
    else if (!strncmp(element, "IK50", 4) && element[4] >= '2' && element[4] <= '6' && !element[5])
        t = IK502;
    else if ((!strncmp(element, "AK90", 4) && element[4] >= '5' && element[4] <= '9' && !element[5]))
        t = AK905;
    const char *s = t ? lookup(t, code) : NULL;
    /* only P is a group code; IK501 and TA104 have no P */
    if (s && !strcmp(code, "P") && strcmp(element, "AK901") != 0)
        s = NULL;
    return s ? s : "unknown code";
}

/* --- the reader ----------------------------------------------------------------- */

#define NSTR 16
#define STRCAP 128

struct x12_ack_reader {
    const x12_allocator *al;
    x12_ack_record_fn fn;
    void *ctx;
    void (*on_finding)(void *ctx, const x12_finding *f);
    void *fctx;
    uint64_t count;
    char *buf; /* NSTR strings of STRCAP bytes for the record being built */
    int nstr;
    const x12_segment *seg; /* being read */
    uint64_t used;          /* its elements read (x12__read_bits) */
    int set;                /* between ST and SE: 1 a 999 or 997, 2 another set */
};

/* A value of `seg` the records cannot hold as sent, or have no field for:
 * said, never dropped unsaid.  At the segment's byte offset, as the 835, 837
 * and 277CA readers' findings are. */
static __attribute__((noinline, cold)) void say(x12_ack_reader *r, x12_status code,
                                                x12_severity sev, unsigned el, unsigned comp,
                                                unsigned rep, const char *detail)
{
    if (!r->on_finding)
        return;
    const x12_segment *s = r->seg;
    x12_finding f;
    x12__reader_finding(&f, NULL, s->byte_offset, s->segment_index, s->set_position, s->id.ptr,
                        s->id.len, NULL, code, sev, el, comp, detail);
    f.repetition_pos = (uint16_t)rep;
    r->on_finding(r->fctx, &f);
}

/* A copy of `s` (trailing spaces dropped), cut to STRCAP - 1 bytes: a cut
 * is said at element `el` (component `comp`). */
static const char *str_at(x12_ack_reader *r, x12_slice s, unsigned el, unsigned comp)
{
    if (r->nstr == NSTR)
        return "";
    char *p = r->buf + (size_t)r->nstr++ * STRCAP;
    size_t n = s.len;
    while (n && s.ptr[n - 1] == ' ')
        n--;
    if (n > STRCAP - 1) {
        char why[64];
        snprintf(why, sizeof why, "%zu bytes, the record holds %d of them", n, STRCAP - 1);
        say(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, el, comp, 0, why);
        n = STRCAP - 1;
    }
    if (n)
        memcpy(p, s.ptr, n);
    p[n] = '\0';
    return p;
}

static x12_slice elem(const x12_segment *s, unsigned pos)
{
    return pos >= 1 && pos <= s->element_count ? s->elements[pos] : (x12_slice){NULL, 0};
}

/* Element `pos`, read. */
static const char *el(x12_ack_reader *r, unsigned pos)
{
    r->used |= x12__read_bits(pos, pos);
    return str_at(r, elem(r->seg, pos), pos, 0);
}

/* A number (an N0 position or count) in `v`, element `pos` (component
 * `comp`): one that is not all digits, or is larger than `max`, is said and
 * read as 0. */
static uint32_t num_at(x12_ack_reader *r, x12_slice v, unsigned pos, unsigned comp, uint32_t max)
{
    uint64_t n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.ptr[i] < '0' || v.ptr[i] > '9') {
            say(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, pos, comp, 0, "not a number");
            return 0;
        }
        n = n * 10 + (uint64_t)(v.ptr[i] - '0');
        if (n > max) {
            char why[40];
            snprintf(why, sizeof why, "larger than %lu", (unsigned long)max);
            say(r, X12_ERR_CLAIM_VALUE, X12_SEV_ERROR, pos, comp, 0, why);
            return 0;
        }
    }
    return (uint32_t)n;
}

static uint32_t num(x12_ack_reader *r, unsigned pos)
{
    r->used |= x12__read_bits(pos, pos);
    return num_at(r, elem(r->seg, pos), pos, 0, UINT32_MAX);
}

/* Composite `pos` (C030: element, component, repetition), read into the
 * record's three positions. */
static void position_in_segment(x12_ack_reader *r, unsigned pos, x12_ack_record *rec)
{
    const x12_segment *s = r->seg;
    x12_slice c = elem(s, pos);
    r->used |= x12__read_bits(pos, pos);
    rec->element = (uint16_t)num_at(r, x12_element_component(s, c, 1), pos, 1, UINT16_MAX);
    rec->component = (uint16_t)num_at(r, x12_element_component(s, c, 2), pos, 2, UINT16_MAX);
    rec->repetition = (uint16_t)num_at(r, x12_element_component(s, c, 3), pos, 3, UINT16_MAX);
}

/* Each element of the segment that holds a value and was not read. */
static void unread(x12_ack_reader *r)
{
    for (unsigned i = 0; (i = x12__unread_after(r->seg, r->used, i));)
        say(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, i, 0, 0, NULL);
}

/* Each component of `v` (element `pos`, its repetition `rep`, 0 when it
 * does not repeat) past its first `ncomp`, the ones read, that holds a value. */
static void comps_past(x12_ack_reader *r, x12_slice v, unsigned pos, unsigned rep, unsigned ncomp)
{
    for (unsigned c = ncomp; (c = x12__component_after(r->seg, v, c));)
        say(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, pos, c, rep, NULL);
}

x12_ack_reader *x12_ack_reader_new(const x12_allocator *alloc, x12_ack_record_fn fn, void *ctx)
{
    x12_ack_reader *r = alloc ? alloc->malloc(alloc->ctx, sizeof *r) : malloc(sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->al = alloc;
    r->fn = fn;
    r->ctx = ctx;
    size_t n = (size_t)NSTR * STRCAP;
    r->buf = alloc ? alloc->malloc(alloc->ctx, n) : malloc(n);
    if (!r->buf) {
        if (alloc)
            alloc->free(alloc->ctx, r);
        else
            free(r);
        return NULL;
    }
    return r;
}

void x12_ack_reader_on_finding(x12_ack_reader *r, void (*fn)(void *ctx, const x12_finding *f),
                               void *ctx)
{
    r->on_finding = fn;
    r->fctx = ctx;
}

void x12_ack_reader_free(x12_ack_reader *r)
{
    if (!r)
        return;
    if (r->al) {
        r->al->free(r->al->ctx, r->buf);
        r->al->free(r->al->ctx, r);
    } else {
        free(r->buf);
        free(r);
    }
}

uint64_t x12_ack_reader_count(const x12_ack_reader *r)
{
    return r->count;
}

/* The envelope, and what to make of the set it opens: a 999 or a 997 is
 * read; of any other set only its ST is said (once), not each segment. */
static int envelope(x12_ack_reader *r, const x12_segment *seg)
{
    x12_slice id = seg->id;
    if (x12_slice_eq(id, "ST")) {
        x12_slice st01 = elem(seg, 1);
        r->set = x12_slice_eq(st01, "999") || x12_slice_eq(st01, "997") ? 1 : 2;
        if (r->set == 2)
            say(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, 0, 0, 0,
                "a transaction set that is no acknowledgement: not read");
        return 1;
    }
    if (x12_slice_eq(id, "SE")) {
        r->set = 0;
        return 1;
    }
    if (x12_slice_eq(id, "ISA") || x12_slice_eq(id, "IEA") || x12_slice_eq(id, "GS") ||
        x12_slice_eq(id, "GE")) {
        r->set = 0;
        return 1;
    }
    return 0;
}

x12_status x12_ack_reader_segment(x12_ack_reader *r, const x12_segment *seg)
{
    x12_ack_record rec;
    memset(&rec, 0, sizeof rec);
    r->nstr = 0;
    r->seg = seg;
    r->used = 0;
    if (envelope(r, seg) || r->set == 2)
        return X12_OK;
    static const char *const EMPTY = "";
    rec.code = rec.functional_id = rec.set_id = rec.control = rec.version = EMPTY;
    rec.date = rec.time = rec.segment_id = rec.loop_id = rec.de = rec.bad_data = EMPTY;
    rec.context_name = rec.context_value = EMPTY;
    for (int i = 0; i < 5; i++)
        rec.codes[i] = EMPTY;
    rec.byte_offset = seg->byte_offset;
    rec.segment_index = seg->segment_index;
    x12_slice id = seg->id;
    /* the 997 (005010X230) answers as the 999 does, with AK3, AK4 and AK5
     * for IK3, IK4 and IK5 and the same elements */
    int ak = id.len == 3 && id.ptr[0] == 'A' && id.ptr[1] == 'K';
    int ik = id.len == 3 && id.ptr[0] == 'I' && id.ptr[1] == 'K';
    char n3 = id.len == 3 ? id.ptr[2] : 0;
    int first_code = 0; /* element position of codes[0] */
    if (x12_slice_eq(id, "TA1")) {
        rec.kind = X12_ACK_REC_TA1;
        rec.control = el(r, 1);
        rec.date = el(r, 2);
        rec.time = el(r, 3);
        rec.code = el(r, 4);
        rec.codes[0] = el(r, 5);
        rec.ncodes = rec.codes[0][0] ? 1 : 0;
    } else if (ak && (n3 == '1' || n3 == '2')) {
        rec.kind = n3 == '1' ? X12_ACK_REC_GROUP : X12_ACK_REC_SET;
        if (n3 == '1')
            rec.functional_id = el(r, 1);
        else
            rec.set_id = el(r, 1);
        rec.control = el(r, 2);
        rec.version = el(r, 3);
    } else if ((ik || ak) && n3 == '3') {
        rec.kind = X12_ACK_REC_SEGMENT;
        rec.segment_id = el(r, 1);
        rec.position = num(r, 2);
        rec.loop_id = el(r, 3);
        rec.code = el(r, 4);
    } else if (x12_slice_eq(id, "CTX")) {
        rec.kind = X12_ACK_REC_CONTEXT;
        /* CTX01 (C998) may repeat; the record has the first */
        x12_slice c1all = elem(seg, 1);
        x12_slice c1 = x12_element_repetition(seg, c1all, 1);
        r->used |= x12__read_bits(1, 1);
        rec.context_name = str_at(r, x12_element_component(seg, c1, 1), 1, 1);
        rec.context_value = str_at(r, x12_element_component(seg, c1, 2), 1, 2);
        comps_past(r, c1, 1, 0, 2);
        for (unsigned k = 2;; k++) {
            x12_slice ck = x12_element_repetition(seg, c1all, k);
            if (!ck.ptr)
                break;
            if (ck.len)
                say(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, 1, 0, k,
                    "the record has the first repetition");
        }
        rec.segment_id = el(r, 2);
        rec.position = num(r, 3);
        rec.loop_id = el(r, 4);
        position_in_segment(r, 5, &rec); /* CTX05: position in the segment */
        comps_past(r, elem(seg, 5), 5, 0, 3);
        /* CTX06: the reference number of the element in error (C999-1) */
        r->used |= x12__read_bits(6, 6);
        rec.de = str_at(r, x12_element_component(seg, elem(seg, 6), 1), 6, 1);
        comps_past(r, elem(seg, 6), 6, 0, 1);
    } else if ((ik || ak) && n3 == '4') {
        rec.kind = X12_ACK_REC_ELEMENT;
        position_in_segment(r, 1, &rec);
        comps_past(r, elem(seg, 1), 1, 0, 3);
        rec.de = el(r, 2);
        rec.code = el(r, 3);
        rec.bad_data = el(r, 4);
    } else if ((ik || ak) && n3 == '5') {
        rec.kind = X12_ACK_REC_SET_END;
        rec.code = el(r, 1);
        first_code = 2;
    } else if (ak && n3 == '9') {
        rec.kind = X12_ACK_REC_GROUP_END;
        rec.code = el(r, 1);
        rec.included = num(r, 2);
        rec.received = num(r, 3);
        rec.accepted = num(r, 4);
        first_code = 5;
    } else {
        /* in a 999 or 997 set, or outside any set: no record has it */
        say(r, X12_ERR_CLAIM_NOT_CARRIED, X12_SEV_INFO, 0, 0, 0,
            "not a segment of a 999, 997 or TA1");
        return X12_OK;
    }
    for (int i = 0; first_code && i < 5; i++) {
        const char *c = el(r, (unsigned)(first_code + i));
        if (c[0])
            rec.codes[rec.ncodes++] = c;
    }
    unread(r);
    snprintf(rec.ack_segment, sizeof rec.ack_segment, "%.*s", (int)id.len, id.ptr);
    r->count++;
    if (r->fn && r->fn(r->ctx, &rec))
        return X12_ERR_STOPPED;
    return X12_OK;
}

typedef struct file_ctx {
    x12_ack_reader *r;
    x12_ack_read_callbacks cb;
    void *ctx;
    x12_status st;
    int cut; /* the input ends inside the segment that comes next */
} file_ctx;

static int file_segment(void *ctx, const x12_segment *seg)
{
    file_ctx *f = ctx;
    /* A segment the input ends inside (its X12_ERR_UNTERMINATED just said
     * so) is not made a record: "IK3*CL" cut from "IK3*CLM*35" would report
     * an error in a segment CL (it did). */
    if (f->cut)
        return 0;
    f->st = x12_ack_reader_segment(f->r, seg);
    return f->st != X12_OK;
}

static void file_error(void *ctx, const x12_error *e)
{
    file_ctx *f = ctx;
    if (e->code == X12_ERR_UNTERMINATED)
        f->cut = 1;
    if (f->cb.error)
        f->cb.error(f->ctx, e);
}

x12_status x12_ack_read(const char *path, const x12_reader_options *ropts,
                        const x12_ack_read_callbacks *cb, void *ctx)
{
    file_ctx f;
    memset(&f, 0, sizeof f);
    if (cb)
        f.cb = *cb;
    f.r = x12_ack_reader_new(ropts ? ropts->alloc : NULL, f.cb.record, ctx);
    if (!f.r)
        return X12_ERR_NOMEM;
    if (f.cb.finding)
        x12_ack_reader_on_finding(f.r, f.cb.finding, ctx);
    f.ctx = ctx;
    x12_reader_callbacks rcb = {file_segment, file_error};
    x12_status st = x12_read_file(path, ropts, &rcb, &f);
    if (st == X12_OK && x12_ack_reader_count(f.r) == 0)
        st = X12_ERR_ACK_NOT_ACK;
    x12_ack_reader_free(f.r);
    return st;
}

x12_status x12_ack_read_file(const char *path, const x12_reader_options *ropts,
                             x12_ack_record_fn fn, void (*on_error)(void *ctx, const x12_error *e),
                             void *ctx)
{
    x12_ack_read_callbacks cb = {fn, on_error, NULL};
    return x12_ack_read(path, ropts, &cb, ctx);
}
