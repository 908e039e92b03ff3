/* Reading 999 (005010X231A1) and TA1 acknowledgements back: each TA1, AK1,
 * AK2, IK3, CTX, IK4, IK5 and AK9 segment becomes one record with its codes,
 * and x12_ack_code_text() gives the codes' meanings.  Formatting the report is
 * the caller's (cli/cmd_ack_report.c). */
#include <stdlib.h>
#include <string.h>

#include "x12/ack.h"

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
    uint64_t count;
    char *buf; /* NSTR strings of STRCAP bytes for the record being built */
    int nstr;
};

static const char *str(x12_ack_reader *r, x12_slice s)
{
    if (r->nstr == NSTR)
        return "";
    char *p = r->buf + (size_t)r->nstr++ * STRCAP;
    size_t n = s.len < STRCAP - 1 ? s.len : STRCAP - 1;
    while (n && s.ptr[n - 1] == ' ')
        n--;
    if (n)
        memcpy(p, s.ptr, n);
    p[n] = '\0';
    return p;
}

static const char *el(x12_ack_reader *r, const x12_segment *seg, unsigned pos)
{
    return str(r, x12_segment_element(seg, pos));
}

static uint32_t num(x12_slice s)
{
    uint32_t v = 0;
    for (size_t i = 0; i < s.len && i < 9; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return 0;
        v = v * 10 + (uint32_t)(s.ptr[i] - '0');
    }
    return v;
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

x12_status x12_ack_reader_segment(x12_ack_reader *r, const x12_segment *seg)
{
    x12_ack_record rec;
    memset(&rec, 0, sizeof rec);
    r->nstr = 0;
    static const char *const EMPTY = "";
    rec.code = rec.functional_id = rec.set_id = rec.control = rec.version = EMPTY;
    rec.date = rec.time = rec.segment_id = rec.loop_id = rec.de = rec.bad_data = EMPTY;
    rec.context_name = rec.context_value = EMPTY;
    for (int i = 0; i < 5; i++)
        rec.codes[i] = EMPTY;
    rec.byte_offset = seg->byte_offset;
    rec.segment_index = seg->segment_index;
    x12_slice id = seg->id;
    int first_code = 0; /* element position of codes[0] */
    if (x12_slice_eq(id, "TA1")) {
        rec.kind = X12_ACK_REC_TA1;
        rec.control = el(r, seg, 1);
        rec.date = el(r, seg, 2);
        rec.time = el(r, seg, 3);
        rec.code = el(r, seg, 4);
        rec.codes[0] = el(r, seg, 5);
        rec.ncodes = rec.codes[0][0] ? 1 : 0;
    } else if (x12_slice_eq(id, "AK1")) {
        rec.kind = X12_ACK_REC_GROUP;
        rec.functional_id = el(r, seg, 1);
        rec.control = el(r, seg, 2);
        rec.version = el(r, seg, 3);
    } else if (x12_slice_eq(id, "AK2")) {
        rec.kind = X12_ACK_REC_SET;
        rec.set_id = el(r, seg, 1);
        rec.control = el(r, seg, 2);
        rec.version = el(r, seg, 3);
    } else if (x12_slice_eq(id, "IK3")) {
        rec.kind = X12_ACK_REC_SEGMENT;
        rec.segment_id = el(r, seg, 1);
        rec.position = num(x12_segment_element(seg, 2));
        rec.loop_id = el(r, seg, 3);
        rec.code = el(r, seg, 4);
    } else if (x12_slice_eq(id, "CTX")) {
        rec.kind = X12_ACK_REC_CONTEXT;
        x12_slice c1 = x12_element_repetition(seg, x12_segment_element(seg, 1), 1);
        rec.context_name = str(r, x12_element_component(seg, c1, 1));
        rec.context_value = str(r, x12_element_component(seg, c1, 2));
        rec.segment_id = el(r, seg, 2);
        rec.position = num(x12_segment_element(seg, 3));
        rec.loop_id = el(r, seg, 4);
        x12_slice c5 = x12_segment_element(seg, 5); /* CTX05: position in the segment */
        rec.element = (uint16_t)num(x12_element_component(seg, c5, 1));
        rec.component = (uint16_t)num(x12_element_component(seg, c5, 2));
        rec.repetition = (uint16_t)num(x12_element_component(seg, c5, 3));
        /* CTX06: the reference number of the element in error (C999-1) */
        rec.de = str(r, x12_element_component(seg, x12_segment_element(seg, 6), 1));
    } else if (x12_slice_eq(id, "IK4")) {
        rec.kind = X12_ACK_REC_ELEMENT;
        x12_slice c = x12_segment_element(seg, 1);
        rec.element = (uint16_t)num(x12_element_component(seg, c, 1));
        rec.component = (uint16_t)num(x12_element_component(seg, c, 2));
        rec.repetition = (uint16_t)num(x12_element_component(seg, c, 3));
        rec.de = el(r, seg, 2);
        rec.code = el(r, seg, 3);
        rec.bad_data = el(r, seg, 4);
    } else if (x12_slice_eq(id, "IK5")) {
        rec.kind = X12_ACK_REC_SET_END;
        rec.code = el(r, seg, 1);
        first_code = 2;
    } else if (x12_slice_eq(id, "AK9")) {
        rec.kind = X12_ACK_REC_GROUP_END;
        rec.code = el(r, seg, 1);
        rec.included = num(x12_segment_element(seg, 2));
        rec.received = num(x12_segment_element(seg, 3));
        rec.accepted = num(x12_segment_element(seg, 4));
        first_code = 5;
    } else {
        return X12_OK;
    }
    for (int i = 0; first_code && i < 5; i++) {
        const char *c = el(r, seg, (unsigned)(first_code + i));
        if (c[0])
            rec.codes[rec.ncodes++] = c;
    }
    r->count++;
    if (r->fn && r->fn(r->ctx, &rec))
        return X12_ERR_STOPPED;
    return X12_OK;
}

typedef struct file_ctx {
    x12_ack_reader *r;
    void (*on_error)(void *ctx, const x12_error *e);
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
    if (f->on_error)
        f->on_error(f->ctx, e);
}

x12_status x12_ack_read_file(const char *path, const x12_reader_options *ropts,
                             x12_ack_record_fn fn, void (*on_error)(void *ctx, const x12_error *e),
                             void *ctx)
{
    file_ctx f;
    memset(&f, 0, sizeof f);
    f.r = x12_ack_reader_new(ropts ? ropts->alloc : NULL, fn, ctx);
    if (!f.r)
        return X12_ERR_NOMEM;
    f.on_error = on_error;
    f.ctx = ctx;
    x12_reader_callbacks cb = {file_segment, file_error};
    x12_status st = x12_read_file(path, ropts, &cb, &f);
    if (st == X12_OK && x12_ack_reader_count(f.r) == 0)
        st = X12_ERR_ACK_NOT_ACK;
    x12_ack_reader_free(f.r);
    return st;
}
