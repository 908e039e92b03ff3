/* The 277CA reader (ack277.h) and its rows: every record of a hand-made
 * 277CA at each level, the corpus's rejected claim, the verdict's rules, bad
 * amounts, sets of another kind, a set cut short, stopping, allocation
 * failures, and the rows as CSV and NDJSON. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <x12/ack277.h>
#include <x12/amount.h>

#include "support.h"

#define ISA "ISA*00*          *00*          *ZZ*PAYER          *ZZ*SUBMITTER      *261120*1200*^*00501*000000001*0*P*:~"
#define GS "GS*HN*PAYER*SUBMITTER*20261120*1200*1*X*005010X214~"

/* One 277CA: the transmission (2200B), a billing provider (2200C), an
 * accepted claim, a rejected claim with two rejected lines, and a claim whose
 * STC04 is no amount. */
static const char *DOC =
    ISA GS "ST*277*0001*005010X214~"
    "BHT*0085*08*BATCH1*20261120*1200*TH~"
    "HL*1**20*1~NM1*PR*2*ACME HEALTH*****PI*12345~TRN*1*T100~DTP*050*D8*20261120~"
    "DTP*009*D8*20261120~"
    "HL*2*1*21*1~NM1*41*2*BILLING SERVICE*****46*SUB1~TRN*2*BATCH-7~"
    "STC*A1:19:PR*20261120*WQ*350~QTY*90*1~QTY*AA*2~AMT*YU*100~AMT*YY*250~"
    "HL*3*2*19*1~NM1*85*2*CLINIC ONE*****XX*1234567893~TRN*1*PROV-1~"
    "STC*A1:19:PR**WQ*350~QTY*QA*1~QTY*QC*2~AMT*YU*100~AMT*YY*250~"
    "HL*4*3*PT~NM1*QC*1*DOE*JANE****MI*M001~"
    "TRN*2*CLM-ACCEPTED~STC*A2:20:PR*20261120*WQ*100~REF*1K*ICN-1~DTP*472*RD8*20261101-20261103~"
    "TRN*2*CLM-REJECTED~STC*A7:562:85*20261120*U*150******A6:128*A7:21:QC*Invalid NPI~"
    "STC*A3:21*20261120*U*150~REF*1K*ICN-2~REF*D9*CH-9~REF*BLT*131~DTP*472*D8*20261105~"
    "SVC*HC:99213:25:59*100*****1~STC*A7:453*20261120*U~REF*FJ*LINE-1~DTP*472*D8*20261105~"
    "SVC*HC:99214*50~STC*A6:254*20261120*U~"
    "HL*5*3*PT~NM1*QC*1*ROE*RICK****MI*M002~"
    "TRN*2*CLM-BADAMT~STC*A2:20*20261120*WQ*1.2.3~DTP*472*D8*20261106~"
    "SE*48*0001~GE*1*1~IEA*1*000000001~";

typedef struct log277 {
    strbuf recs, findings;
    int stop_at; /* stop after this many records (0: never) */
    int n;
} log277;

static const char *money(char *b, int has, int64_t c)
{
    if (!has)
        return "-";
    x12_amount_format(c, X12_AMOUNT_DECIMAL2, b, 24);
    return b;
}

static int on_status(void *ctx, const x12_ack277_status *s)
{
    log277 *l = ctx;
    char a[24], acc[24], rej[24];
    sb_printf(&l->recs, "%s %s trace=%s claim=%s stc=%s:%s:%s %s %s codes=[%s] msg=[%s] amt=%s",
              x12_ack277_level_name(s->level), s->status, s->trace, s->claim_id, s->category,
              s->status_code, s->entity, s->action, s->status_date, s->codes, s->message,
              money(a, s->has_amount, s->amount_cents));
    if (s->level <= X12_ACK277_PROVIDER)
        sb_printf(&l->recs, " n=%u/%u amt=%s/%s", s->accepted_count, s->rejected_count,
                  money(acc, s->has_accepted_amount, s->accepted_cents),
                  money(rej, s->has_rejected_amount, s->rejected_cents));
    if (s->level >= X12_ACK277_CLAIM)
        sb_printf(&l->recs, " icn=%s d9=%s blt=%s dates=%s-%s pat=%s,%s,%s", s->payer_claim_number,
                  s->clearinghouse_trace, s->bill_type, s->service_from, s->service_to,
                  s->patient_last_name, s->patient_first_name, s->member_id);
    if (s->level == X12_ACK277_LINE)
        sb_printf(&l->recs, " line=%u %s:%s mods=%s rev=%s units=%s fj=%s", s->line_number,
                  s->procedure_qualifier, s->procedure, s->modifiers, s->revenue_code, s->units,
                  s->line_control_number);
    sb_printf(&l->recs, " | %s %s | %s %s | %s %s\n", s->payer_name, s->payer_id, s->receiver_name,
              s->receiver_id, s->provider_name, s->provider_id);
    return l->stop_at && ++l->n >= l->stop_at;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    log277 *l = ctx;
    if (f->severity == X12_SEV_INFO)
        return;
    sb_printf(&l->findings, "%s %s seg=%u id=%s el=%u %s\n", x12_status_name(f->err.code),
              f->severity == X12_SEV_ERROR ? "error" : "warning", (unsigned)f->err.set_position,
              f->err.segment_id, (unsigned)f->err.element_pos, f->err.detail);
}

static int feed(void *ctx, const x12_segment *seg)
{
    return x12_ack277_reader_segment(ctx, seg) != X12_OK;
}

/* Reads `data`; returns what the reader's finish said. */
static x12_status read_doc(const char *data, size_t len, log277 *l, const x12_allocator *alloc)
{
    sb_add(&l->recs, "", 0);
    sb_add(&l->findings, "", 0);
    x12_ack277_callbacks cb = {on_status, on_finding};
    x12_ack277_reader *r = x12_ack277_reader_new(&cb, l, alloc);
    if (!r)
        return X12_ERR_NOMEM;
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    o.alloc = alloc;
    x12_reader_callbacks rc = {feed, NULL};
    x12_reader *rd = x12_reader_new(&o, &rc, r);
    x12_status s = rd ? X12_OK : X12_ERR_NOMEM;
    if (rd) {
        x12_status a = x12_reader_feed(rd, data, len), b = x12_reader_finish(rd);
        /* the reader's own memory running out */
        if (a == X12_ERR_NOMEM || b == X12_ERR_NOMEM)
            s = X12_ERR_NOMEM;
        x12_reader_free(rd);
    }
    x12_status f = x12_ack277_reader_finish(r);
    x12_ack277_reader_free(r);
    return s != X12_OK ? s : f;
}

/* How many times `needle` is in `hay`. */
static int count_text(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void log_free(log277 *l)
{
    sb_free(&l->recs);
    sb_free(&l->findings);
}

static const char *WANT =
    "receiver accepted trace=BATCH-7 claim= stc=A1:19:PR WQ 20261120 codes=[A1:19:PR] msg=[] "
    "amt=350.00 n=1/2 amt=100.00/250.00 | ACME HEALTH 12345 | BILLING SERVICE SUB1 |  \n"
    "provider accepted trace=PROV-1 claim= stc=A1:19:PR WQ  codes=[A1:19:PR] msg=[] amt=350.00 "
    "n=1/2 amt=100.00/250.00 | ACME HEALTH 12345 | BILLING SERVICE SUB1 | CLINIC ONE 1234567893\n"
    "claim accepted trace=CLM-ACCEPTED claim=CLM-ACCEPTED stc=A2:20:PR WQ 20261120 "
    "codes=[A2:20:PR] msg=[] amt=100.00 icn=ICN-1 d9= blt= dates=20261101-20261103 "
    "pat=DOE,JANE,M001 | ACME HEALTH 12345 | BILLING SERVICE SUB1 | CLINIC ONE 1234567893\n"
    "claim rejected trace=CLM-REJECTED claim=CLM-REJECTED stc=A7:562:85 U 20261120 "
    "codes=[A7:562:85 A6:128 A7:21:QC A3:21] msg=[Invalid NPI] amt=150.00 icn=ICN-2 d9=CH-9 "
    "blt=131 dates=20261105-20261105 pat=DOE,JANE,M001 | ACME HEALTH 12345 | BILLING SERVICE "
    "SUB1 | CLINIC ONE 1234567893\n"
    "line rejected trace=CLM-REJECTED claim=CLM-REJECTED stc=A7:453: U 20261120 codes=[A7:453] "
    "msg=[] amt=100.00 icn=ICN-2 d9=CH-9 blt=131 dates=20261105-20261105 pat=DOE,JANE,M001 "
    "line=1 HC:99213 mods=25:59 rev= units=1 fj=LINE-1 | ACME HEALTH 12345 | BILLING SERVICE "
    "SUB1 | CLINIC ONE 1234567893\n"
    "line rejected trace=CLM-REJECTED claim=CLM-REJECTED stc=A6:254: U 20261120 codes=[A6:254] "
    "msg=[] amt=50.00 icn=ICN-2 d9=CH-9 blt=131 dates=- pat=DOE,JANE,M001 line=2 HC:99214 mods= "
    "rev= units= fj= | ACME HEALTH 12345 | BILLING SERVICE SUB1 | CLINIC ONE 1234567893\n"
    "claim accepted trace=CLM-BADAMT claim=CLM-BADAMT stc=A2:20: WQ 20261120 codes=[A2:20] msg=[] "
    "amt=- icn= d9= blt= dates=20261106-20261106 pat=ROE,RICK,M002 | ACME HEALTH 12345 | "
    "BILLING SERVICE SUB1 | CLINIC ONE 1234567893\n";

static void test_records(void **state)
{
    (void)state;
    log277 l = {{0}, {0}, 0, 0};
    assert_int_equal(read_doc(DOC, strlen(DOC), &l, NULL), X12_OK);
    if (strcmp(l.recs.p, WANT) != 0)
        fail_msg("records:\n%s\nwanted:\n%s", l.recs.p, WANT);
    assert_string_equal(l.findings.p, "X12_ERR_CLAIM_VALUE error seg=46 id=STC el=4 an amount that "
                                      "is no number (digits, one point, a leading minus)\n");
    log_free(&l);
}

/* What no record carries is said (X12_ERR_CLAIM_NOT_CARRIED, info): whole
 * segments (the 2200A receipt), and the elements of a segment read that no
 * column has: BHT03-05, NM102, and a second STC's date, action and
 * amount (the record has the first's).  Segment positions from the ISA. */
static void nc_finding(void *ctx, const x12_finding *f)
{
    if (f->err.code == X12_ERR_CLAIM_NOT_CARRIED)
        sb_printf(ctx, "%u %s %u.%u\n", (unsigned)f->err.segment_index, f->err.segment_id,
                  (unsigned)f->err.element_pos, (unsigned)f->err.component_pos);
}

static int nc_feed(void *ctx, const x12_segment *seg)
{
    return x12_ack277_reader_segment(ctx, seg) != X12_OK;
}

static void test_not_carried(void **state)
{
    (void)state;
    strbuf said = {0};
    sb_add(&said, "", 0);
    x12_ack277_callbacks cb = {NULL, nc_finding};
    x12_ack277_reader *r = x12_ack277_reader_new(&cb, &said, NULL);
    assert_non_null(r);
    x12_reader_callbacks rc = {nc_feed, NULL};
    x12_reader *rd = x12_reader_new(NULL, &rc, r);
    /* DOC, with a DTP*472 of another format and an STC01-4 */
    const char *a = strstr(DOC, "DTP*472*D8*20261106~");
    const char *b = strstr(DOC, "STC*A7:453*");
    assert_non_null(a);
    assert_non_null(b);
    strbuf doc = {0};
    sb_add(&doc, DOC, (size_t)(b - DOC));
    sb_printf(&doc, "STC*A7:453::ZZ*");
    sb_add(&doc, b + strlen("STC*A7:453*"), (size_t)(a - b) - strlen("STC*A7:453*"));
    sb_printf(&doc, "DTP*472*DT*20261106~");
    sb_printf(&doc, "%s", a + strlen("DTP*472*D8*20261106~"));
    assert_int_equal(x12_reader_feed(rd, doc.p, doc.len), X12_OK);
    assert_int_equal(x12_reader_finish(rd), X12_OK);
    assert_int_equal(x12_ack277_reader_finish(r), X12_OK);
    x12_reader_free(rd);
    x12_ack277_reader_free(r);
    assert_string_equal(said.p, "4 BHT 3.0\n4 BHT 4.0\n4 BHT 5.0\n"
                                "6 NM1 2.0\n"
                                "7 TRN 0.0\n8 DTP 0.0\n9 DTP 0.0\n" /* 2200A */
                                "11 NM1 2.0\n19 NM1 2.0\n"
                                "27 NM1 2.0\n"
                                "34 STC 2.0\n34 STC 3.0\n34 STC 4.0\n" /* a second STC */
                                "40 STC 1.4\n"                        /* STC01-4 */
                                "46 NM1 2.0\n"
                                "49 DTP 2.0\n");                      /* DTP02 DT */
    sb_free(&doc);
    sb_free(&said);
}

/* The corpus's rejected claim: category A7 with the action WQ is still a
 * rejection. */
static void test_corpus_rejected(void **state)
{
    (void)state;
    log277 l = {{0}, {0}, 0, 0};
    sb_add(&l.recs, "", 0);
    sb_add(&l.findings, "", 0);
    x12_ack277_callbacks cb = {on_status, on_finding};
    x12_error err;
    assert_int_equal(x12_ack277_read_file(X12KIT_SOURCE_DIR
                                          "/fixtures/corpus/imsweb-x12-parser__x12_277CA_rejected.txt",
                                          NULL, &cb, &l, &err),
                     X12_OK);
    const char *want =
        "receiver accepted trace=11200001 claim= stc=A1:20: WQ 20110311 codes=[A1:20] msg=[] "
        "amt=199.14 n=1/0 amt=199.14/- | NYSDOH 141797357 | TEST ETIN |  \n"
        "provider other trace=1107000000000001FF claim= stc=::   codes=[] msg=[] amt=- n=0/0 amt=-/- "
        "| NYSDOH 141797357 | TEST ETIN | PROVLNAME 123456789\n"
        "claim rejected trace=3920394930203 claim=3920394930203 stc=A7:562:85 WQ 20110311 "
        "codes=[A7:562:85] msg=[] amt=199.14 icn=1107000000001120 d9= blt=731 "
        "dates=20090311-20090311 pat=CLILNAME,CLIFNAME,XX99999X | NYSDOH 141797357 | TEST ETIN | "
        "PROVLNAME 123456789\n";
    if (strcmp(l.recs.p, want) != 0)
        fail_msg("records:\n%s\nwanted:\n%s", l.recs.p, want);
    /* its 2200C has no STC, which the guide requires */
    assert_non_null(strstr(l.findings.p, "X12_ERR_REQUIRED_SEGMENT"));
    log_free(&l);
}

static void test_verdict(void **state)
{
    (void)state;
    static const struct {
        const char *cats, *action, *want;
    } V[] = {
        {"A1", "WQ", "accepted"}, {"A2", "", "accepted"},      {"A0 A5", NULL, "accepted"},
        {"A1", "U", "rejected"},  {"A1 A7", "WQ", "rejected"}, {"A3", "", "rejected"},
        {"A4", "", "rejected"},   {"A6", "", "rejected"},      {"A8", "", "rejected"},
        {"", "", "other"},        {"E1", "WQ", "other"},       {"A", "", "other"},
        {"A22", "", "other"},     {NULL, NULL, "other"},       {"X9 A7", "", "rejected"},
    };
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++)
        if (strcmp(x12_ack277_verdict(V[i].cats, V[i].action), V[i].want) != 0)
            fail_msg("%s / %s: %s, wanted %s", V[i].cats ? V[i].cats : "(null)",
                     V[i].action ? V[i].action : "(null)",
                     x12_ack277_verdict(V[i].cats, V[i].action), V[i].want);
    assert_string_equal(x12_ack277_level_name(X12_ACK277_LINE), "line");
    assert_string_equal(x12_ack277_level_name((x12_ack277_level)9), "");
}

/* A set of another kind is said and skipped; a 277 of another guide is said
 * and not read; a set cut short hands on what it read whole, not the record
 * it ends inside. */
static void test_bad_input(void **state)
{
    (void)state;
    const char *other = ISA "GS*HP*PAYER*SUBMITTER*20261120*1200*1*X*005010X221A1~"
                            "ST*835*0001~BPR*H*0*C*NON************20261120~SE*3*0001~GE*1*1~"
                            "IEA*1*000000001~";
    log277 l = {{0}, {0}, 0, 0};
    assert_int_equal(read_doc(other, strlen(other), &l, NULL), X12_OK);
    assert_string_equal(l.recs.p, "");
    assert_non_null(strstr(l.findings.p, "X12_ERR_OTHER_TRANSACTION error seg=1 id=ST el=1 ST01 is "
                                         "'835', not 277: the set is skipped\n"));
    /* the 835's own structure (TRN, loops 1000A and 1000B missing) is not the
     * 277 reader's to report */
    if (strstr(l.findings.p, "X12_ERR_REQUIRED"))
        fail_msg("findings of the skipped set:\n%s", l.findings.p);
    log_free(&l);

    char *v4010 = replace_text(DOC, "005010X214", "004010X093", 0);
    log277 m = {{0}, {0}, 0, 0};
    assert_int_equal(read_doc(v4010, strlen(v4010), &m, NULL), X12_OK);
    assert_string_equal(m.recs.p, "");
    assert_non_null(strstr(m.findings.p, "X12_ERR_GUIDE_NOT_READ error seg=1 id=ST"));
    log_free(&m);
    free(v4010);

    /* a count that is none is said, not dropped quietly; a modifier of the
     * wrong length is carried whole (the validator says what is wrong) */
    char *odd = replace_text(DOC, "QTY*AA*2~", "QTY*AA*2.5~", 1);
    char *odd2 = replace_text(odd, "SVC*HC:99213:25:59*", "SVC*HC:99213:25:599*", 1);
    log277 q = {{0}, {0}, 0, 0};
    assert_int_equal(read_doc(odd2, strlen(odd2), &q, NULL), X12_OK);
    assert_non_null(strstr(q.findings.p, "X12_ERR_CLAIM_VALUE error seg=13 id=QTY el=2 a count that "
                                         "is not a whole number\n"));
    assert_non_null(strstr(q.recs.p, "receiver accepted trace=BATCH-7 claim= stc=A1:19:PR WQ 20261120 "
                                     "codes=[A1:19:PR] msg=[] amt=350.00 n=1/0 "));
    assert_non_null(strstr(q.recs.p, "line=1 HC:99213 mods=25:599 "));
    log_free(&q);
    free(odd);
    free(odd2);

    /* cut inside the rejected claim's first line: the claim (handed on
     * before its lines) and everything before it go out; the line, whose end
     * never came, does not (it went out as read, without its REF*FJ), and an
     * error at its SVC says so */
    const char *cut = strstr(DOC, "REF*FJ*");
    log277 c = {{0}, {0}, 0, 0};
    assert_int_equal(read_doc(DOC, (size_t)(cut - DOC), &c, NULL), X12_OK);
    assert_non_null(strstr(c.recs.p, "claim rejected trace=CLM-REJECTED"));
    assert_null(strstr(c.recs.p, "line rejected"));
    assert_non_null(strstr(c.findings.p, "X12_ERR_CLAIM_REJECTED error seg=37 id=SVC el=0 the line "
                                         "status of CLM-REJECTED not read: the input ends inside it\n"));
    log_free(&c);
    /* cut inside an STC of the rejected claim (after it, a rejection): the
     * claim is not handed on as accepted or with half its codes */
    cut = strstr(DOC, "STC*A3:21*");
    log277 d = {{0}, {0}, 0, 0};
    assert_int_equal(read_doc(DOC, (size_t)(cut - DOC) + 6, &d, NULL), X12_OK);
    assert_non_null(strstr(d.recs.p, "claim accepted trace=CLM-ACCEPTED"));
    assert_null(strstr(d.recs.p, "CLM-REJECTED"));
    assert_non_null(strstr(d.findings.p, "X12_ERR_CLAIM_REJECTED error seg=30 id=TRN el=0 the claim "
                                         "status of CLM-REJECTED not read: the input ends inside it\n"));
    log_free(&d);
    /* the same claim cut at a segment's end, and another ST after it (a
     * cut file with another after it): not handed on either; the next set
     * is read whole (before, the claim went out as accepted) */
    const char *st = strstr(DOC, "ST*277*");
    assert_non_null(st);
    size_t head = (size_t)(cut - DOC), rest = strlen(st);
    char *two = malloc(head + rest + 1);
    assert_non_null(two);
    memcpy(two, DOC, head);
    memcpy(two + head, st, rest + 1);
    log277 e = {{0}, {0}, 0, 0};
    assert_int_equal(read_doc(two, strlen(two), &e, NULL), X12_OK);
    assert_int_equal(count_text(e.recs.p, "claim accepted trace=CLM-ACCEPTED"), 2);
    assert_int_equal(count_text(e.recs.p, "claim rejected trace=CLM-REJECTED"), 1);
    assert_non_null(strstr(e.findings.p, "X12_ERR_CLAIM_REJECTED error seg=30 id=TRN el=0 the claim "
                                         "status of CLM-REJECTED not read: its set ends without SE\n"));
    log_free(&e);
    free(two);
}

static void test_stop_and_nomem(void **state)
{
    (void)state;
    log277 l = {{0}, {0}, 3, 0};
    assert_int_equal(read_doc(DOC, strlen(DOC), &l, NULL), X12_ERR_STOPPED);
    size_t lines = 0;
    for (const char *p = l.recs.p; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 3);
    log_free(&l);
    /* every allocation failing in turn: NOMEM or a clean run, never a leak */
    int clean = 0;
    for (long at = 1; at < 400 && !clean; at++) {
        failing_alloc fa;
        failing_alloc_init(&fa, at);
        log277 m = {{0}, {0}, 0, 0};
        x12_status s = read_doc(DOC, strlen(DOC), &m, &fa.a);
        if (s == X12_OK) {
            clean = 1;
            assert_string_equal(m.recs.p, WANT);
        } else {
            assert_int_equal(s, X12_ERR_NOMEM);
        }
        assert_int_equal(fa.live, 0);
        log_free(&m);
    }
    assert_true(clean);
}

static int to_buf(void *ctx, const void *b, size_t n)
{
    sb_add(ctx, b, n);
    return 0;
}

typedef struct rowsctx {
    x12_ack277_rows *rows;
} rowsctx;

static int add_row(void *ctx, const x12_ack277_status *s)
{
    return x12_ack277_rows_add(((rowsctx *)ctx)->rows, s) != X12_OK;
}

static void rows_of(unsigned levels, x12_rows_format f, strbuf *out)
{
    sb_add(out, "", 0);
    rowsctx rc = {x12_ack277_rows_new(levels, f, to_buf, out)};
    assert_non_null(rc.rows);
    x12_ack277_rows_set_file(rc.rows, "in,box/a.277");
    x12_ack277_callbacks cb = {add_row, NULL};
    x12_ack277_reader *r = x12_ack277_reader_new(&cb, &rc, NULL);
    x12_reader_options o;
    x12_reader_options_init(&o);
    x12_reader_callbacks rcb = {feed, NULL};
    x12_reader *rd = x12_reader_new(&o, &rcb, r);
    x12_reader_feed(rd, DOC, strlen(DOC));
    x12_reader_finish(rd);
    x12_reader_free(rd);
    assert_int_equal(x12_ack277_reader_finish(r), X12_OK);
    x12_ack277_reader_free(r);
    assert_int_equal(x12_ack277_rows_finish(rc.rows), X12_OK);
    x12_ack277_rows_free(rc.rows);
}

static void test_rows(void **state)
{
    (void)state;
    strbuf csv = {0};
    rows_of(1u << X12_ACK277_CLAIM, X12_ROWS_CSV, &csv);
    /* the header is the column list */
    strbuf hdr = {0};
    for (size_t i = 0; x12_ack277_rows_column(i); i++)
        sb_printf(&hdr, "%s%s", i ? "," : "", x12_ack277_rows_column(i));
    sb_add(&hdr, "\r\n", 2);
    assert_int_equal(strncmp(csv.p, hdr.p, hdr.len), 0);
    assert_null(x12_ack277_rows_column(42));
    assert_string_equal(x12_ack277_rows_column(41), "member_id_qualifier");
    const char *row = csv.p + hdr.len;
    assert_int_equal(strncmp(row, "\"in,box/a.277\",claim,accepted,CLM-ACCEPTED,ICN-1,A2,20,PR,WQ,"
                                  "20261120,A2:20:PR,,100.00,CLM-ACCEPTED,ACME HEALTH,12345,",
                             strlen("\"in,box/a.277\",claim,accepted,CLM-ACCEPTED,ICN-1,A2,20,PR,WQ,"
                                    "20261120,A2:20:PR,,100.00,CLM-ACCEPTED,ACME HEALTH,12345,")),
                     0);
    /* three claims, no other level */
    size_t n = 0;
    for (const char *p = row; (p = strstr(p, "\r\n")); p += 2)
        n++;
    assert_int_equal(n, 3);
    assert_null(strstr(row, ",line,"));
    assert_non_null(strstr(row, "Invalid NPI"));
    sb_free(&csv);
    sb_free(&hdr);

    strbuf js = {0};
    rows_of(1u << X12_ACK277_LINE | 1u << X12_ACK277_RECEIVER, X12_ROWS_JSON, &js);
    assert_int_equal(strncmp(js.p, "{\"file\":\"in,box/a.277\",\"level\":\"receiver\",\"status\":\"accepted\"", 60), 0);
    assert_non_null(strstr(js.p, "\"accepted_count\":1,\"rejected_count\":2,\"accepted_amount\":\"100.00\","
                                 "\"rejected_amount\":\"250.00\",\"payer_id_qualifier\":\"PI\","
                                 "\"receiver_id_qualifier\":\"46\",\"provider_id_qualifier\":\"\","
                                 "\"member_id_qualifier\":\"\"}\n"));
    /* a line row has its provider's and member's qualifiers */
    assert_non_null(strstr(js.p, "\"provider_id_qualifier\":\"XX\",\"member_id_qualifier\":\"MI\"}"));
    assert_non_null(strstr(js.p, "\"line_number\":2,"));
    assert_non_null(strstr(js.p, "\"line_number\":null,"));
    n = 0;
    for (const char *p = js.p; (p = strchr(p, '\n')); p++)
        n++;
    assert_int_equal(n, 3);
    sb_free(&js);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_not_carried),      cmocka_unit_test(test_corpus_rejected),
        cmocka_unit_test(test_verdict),      cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_stop_and_nomem), cmocka_unit_test(test_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
