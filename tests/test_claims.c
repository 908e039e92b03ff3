#define _POSIX_C_SOURCE 200809L
/* Claims (claim.h): 837P/837I/837D written from claims built here, each
 * output validated by the walker at zero errors and read back into equal
 * structs; the checks before writing (each one reported by claim id and
 * path, the other claims still written); grouping and splitting; the corpus
 * round trip 837 -> structs -> 837 (byte-identical, or different only by a
 * segment or element that docs/837-model-gaps.md lists); allocation
 * failures of the writer and the reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <x12/claim.h>
#include <x12/walk.h>

#include "support.h"

/* ---- output and validation --------------------------------------------- */

static int out_sb(void *ctx, const void *buf, size_t len)
{
    sb_add(ctx, buf, len);
    return 0;
}

typedef struct vctx {
    x12_walker *w;
    strbuf log;
    int errors;
} vctx;

static void v_finding(void *ctx, const x12_finding *f)
{
    vctx *v = ctx;
    if (f->severity != X12_SEV_ERROR)
        return;
    v->errors++;
    char buf[256];
    x12_error_format(&f->err, buf, sizeof buf);
    sb_printf(&v->log, "  %s [%s] %s\n", buf, f->loop_id, f->note ? f->note : "");
}

static int v_segment(void *ctx, const x12_segment *seg)
{
    vctx *v = ctx;
    return x12_walker_segment(v->w, seg) != X12_OK;
}

static void v_error(void *ctx, const x12_error *e)
{
    vctx *v = ctx;
    x12_walker_reader_error(v->w, e);
}

/* Validates like `x12 validate` (elements, balancing, rules); fails the test
 * with the findings when there is any error. */
static void assert_valid(const char *data, size_t len)
{
    vctx v = {0};
    x12_walker_callbacks wcb = {NULL, v_finding};
    v.w = x12_walker_new(&wcb, &v, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    assert_non_null(v.w);
    x12_reader_options o;
    x12_reader_options_init(&o);
    x12_reader_callbacks cb = {v_segment, v_error};
    x12_reader *r = x12_reader_new(&o, &cb, &v);
    x12_reader_feed(r, data, len);
    x12_reader_finish(r);
    x12_walker_finish(v.w);
    x12_reader_free(r);
    x12_walker_free(v.w);
    if (v.errors)
        fail_msg("%d validation errors:\n%s\n%.*s", v.errors, v.log.p, (int)len, data);
    sb_free(&v.log);
}

/* ---- reading back ------------------------------------------------------- */

typedef struct rctx {
    const x12_claim *const *want; /* expected claims in order */
    size_t nwant, got;
    int mismatch;
    strbuf findings;
    int not_carried;
} rctx;

static int r_claim(void *ctx, const x12_claim *c, const x12_claim_context *cx)
{
    rctx *r = ctx;
    (void)cx;
    if (r->got < r->nwant && !x12_claim_equal(c, r->want[r->got])) {
        r->mismatch++;
        print_message("claim %zu (%s) differs after the round trip\n", r->got,
                      c->claim_id ? c->claim_id : "");
    }
    r->got++;
    return 0;
}

static void r_finding(void *ctx, const x12_finding *f)
{
    rctx *r = ctx;
    char buf[256];
    x12_error_format(&f->err, buf, sizeof buf);
    sb_printf(&r->findings, "%s [%s]\n", buf, f->loop_id);
    if (f->err.code == X12_ERR_CLAIM_NOT_CARRIED)
        r->not_carried++;
}

static int feed_claims(void *ctx, const x12_segment *seg)
{
    return x12_claim_reader_segment(ctx, seg) != X12_OK;
}

static void feed_error(void *ctx, const x12_error *e)
{
    x12_claim_reader_error(ctx, e);
}

/* Reads `data` and asserts the claims equal `want`, nothing left out. */
static void assert_reads_back(const char *data, size_t len, const x12_claim *const *want,
                              size_t n)
{
    rctx r = {want, n, 0, 0, {0}, 0};
    x12_claim_reader_callbacks cb = {r_claim, r_finding};
    x12_claim_reader *cr = x12_claim_reader_new(&cb, &r, 0, NULL);
    assert_non_null(cr);
    x12_reader_callbacks rcb = {feed_claims, feed_error};
    x12_reader *rd = x12_reader_new(NULL, &rcb, cr);
    assert_int_equal(x12_reader_feed(rd, data, len), X12_OK);
    assert_int_equal(x12_reader_finish(rd), X12_OK);
    assert_int_equal(x12_claim_reader_finish(cr), X12_OK);
    x12_reader_free(rd);
    x12_claim_reader_free(cr);
    if (r.findings.len)
        fail_msg("reader findings:\n%s", r.findings.p);
    assert_int_equal(r.got, n);
    assert_int_equal(r.mismatch, 0);
    sb_free(&r.findings);
}

/* ---- claims built in C -------------------------------------------------- */

static x12_claim_header header(void)
{
    x12_claim_header h;
    memset(&h, 0, sizeof h);
    h.isa.sender_id = "SUBMITTER01";
    h.isa.receiver_id = "RECEIVER01";
    h.isa.date = "261126";
    h.isa.time = "1200";
    h.isa.control_number = 101;
    h.isa.usage = 'T';
    h.gs.sender = "SUBMITTER01";
    h.gs.receiver = "RECEIVER01";
    h.gs.date = "20261126";
    h.gs.time = "1200";
    h.gs.control_number = 201;
    h.st_control_number = 1;
    h.submitter.last_name = "CLEARBILL";
    h.submitter.id_qualifier = "46";
    h.submitter.id = "TGJ23";
    static x12_claim_contact per = {NULL, "JANE DOE", {"TE", "EM"}, {"5555551234", "JD@EXAMPLE.COM"}};
    h.submitter.contacts = &per;
    h.submitter.contact_count = 1;
    h.receiver.last_name = "ACME HEALTH PLAN";
    h.receiver.id_qualifier = "46";
    h.receiver.id = "66783JJT";
    return h;
}

static x12_claim_billing billing_a = {
    .provider = {.last_name = "BEN KILDARE SERVICE",
                 .id_qualifier = "XX",
                 .id = "1234567893",
                 .taxonomy = "207Q00000X",
                 .address = {"234 SEAWAY ST", NULL, "MIAMI", "FL", "331114000"},
                 .tax_id = "587654321"},
};

static x12_claim_party pay_to = {.address = {"PO BOX 1000", NULL, "MIAMI", "FL", "33111"}};

static x12_claim_billing billing_b = {
    .provider = {.last_name = "SUNSHINE CLINIC",
                 .id_qualifier = "XX",
                 .id = "1497758544",
                 .address = {"1 SUN WAY", "SUITE 2", "ORLANDO", "FL", "328011234"},
                 .tax_id = "591234567"},
    .pay_to_address = &pay_to,
};

static x12_claim_subscriber sub_self = {
    .payer_responsibility = "P",
    .group_number = "GRP123",
    .claim_filing_indicator = "CI",
    .subscriber = {.last_name = "SMITH",
                   .first_name = "JANE",
                   .id_qualifier = "MI",
                   .id = "JS00111223333",
                   .address = {"236 N MAIN ST", NULL, "MIAMI", "FL", "33413"},
                   .birth_date = "19430501",
                   .gender = "F"},
    .payer = {.last_name = "KEY INSURANCE COMPANY", .id_qualifier = "PI", .id = "999996666"},
};

static x12_claim_subscriber sub_parent = {
    .payer_responsibility = "P",
    .group_number = "GRP9",
    .claim_filing_indicator = "CI",
    .subscriber = {.last_name = "DOE",
                   .first_name = "JOHN",
                   .id_qualifier = "MI",
                   .id = "JD9988",
                   .address = {"12 ELM ST", NULL, "TAMPA", "FL", "33601"},
                   .birth_date = "19700202",
                   .gender = "M"},
    .payer = {.last_name = "KEY INSURANCE COMPANY", .id_qualifier = "PI", .id = "999996666"},
};

static x12_claim_patient child = {
    .relationship = "19",
    .patient = {.last_name = "DOE",
                .first_name = "TED",
                .address = {"12 ELM ST", NULL, "TAMPA", "FL", "33601"},
                .birth_date = "20100303",
                .gender = "M"},
};

static x12_claim_code dx_other[] = {{.code = "R0602"}, {.code = "J449"}};

static x12_claim_line prof_lines[] = {
    {.procedure = "99213",
     .charge_cents = 8000,
     .units = "1",
     .diagnosis_pointers = {1, 2},
     .service_date = "20261101",
     .line_control_number = "L1"},
    {.procedure = "87070",
     .modifiers = {"QW"},
     .charge_cents = 4050,
     .units = "1",
     .diagnosis_pointers = {3},
     .service_date = "20261101"},
};

static x12_claim_provider prof_providers[] = {
    {X12_PROVIDER_REFERRING, {.last_name = "KILDARE", .first_name = "BEN", .id_qualifier = "XX",
                              .id = "1245319599"}},
    {X12_PROVIDER_RENDERING, {.last_name = "WELBY", .first_name = "MARCUS", .id_qualifier = "XX",
                              .id = "1679576722", .taxonomy = "207Q00000X"}},
};

static x12_claim_note prof_note = {"ADD", "PATIENT SEEN FOR COUGH"};

static x12_claim prof_claim(void)
{
    x12_claim c;
    memset(&c, 0, sizeof c);
    c.type = X12_CLAIM_PROFESSIONAL;
    c.billing = &billing_a;
    c.subscriber = &sub_self;
    c.claim_id = "PCN-0001";
    c.total_charge_cents = 12050;
    c.facility_code = "11";
    c.frequency_code = "1";
    c.provider_signature = "Y";
    c.assignment = "A";
    c.benefits_assignment = "Y";
    c.release_of_info = "Y";
    c.patient_signature_source = "P";
    c.onset_date = "20261020";
    c.prior_authorization = "AUTH55";
    c.referral_number = "REF77";
    c.notes = &prof_note;
    c.note_count = 1;
    c.principal_diagnosis.code = "J209";
    c.other_diagnoses = dx_other;
    c.other_diagnosis_count = 2;
    c.providers = prof_providers;
    c.provider_count = 2;
    c.lines = prof_lines;
    c.line_count = 2;
    return c;
}

/* An inpatient stay: admission, discharge, statement period, CL1, admitting
 * diagnosis, DRG, procedures, occurrence, value and condition codes. */
static x12_claim_code inst_other_dx[] = {{.code = "I10", .poa = "Y"}, {.code = "E119", .poa = "N"}};
static x12_claim_code inst_rfv[] = {{.code = "R079"}};
static x12_claim_code inst_procs[] = {{.code = "02703ZZ", .date = "20261102"}};
static x12_claim_code inst_occ[] = {{.code = "11", .date = "20261030"}};
static x12_claim_code inst_span[] = {{.code = "74", .date = "20261031-20261101"}};
static x12_claim_code inst_values[] = {{.code = "80", .has_amount = 1, .amount_cents = 300}};
static x12_claim_code inst_cond[] = {{.code = "39"}};
static x12_claim_line inst_lines[] = {
    {.revenue_code = "0120", .charge_cents = 450000, .units = "3", .unit_basis = "DA"},
    {.revenue_code = "0250", .charge_cents = 12525, .units = "10"},
    {.revenue_code = "0300", .procedure = "80053", .charge_cents = 20000, .units = "1",
     .service_date = "20261101"},
};
static x12_claim_provider inst_providers[] = {
    {X12_PROVIDER_ATTENDING, {.last_name = "HOUSE", .first_name = "GREGORY", .id_qualifier = "XX",
                              .id = "1245319599", .taxonomy = "207RC0000X"}},
    {X12_PROVIDER_OPERATING, {.last_name = "YANG", .first_name = "CRISTINA", .id_qualifier = "XX",
                              .id = "1679576722"}},
};

static x12_claim inst_claim(void)
{
    x12_claim c;
    memset(&c, 0, sizeof c);
    c.type = X12_CLAIM_INSTITUTIONAL;
    c.billing = &billing_b;
    c.subscriber = &sub_self;
    c.claim_id = "INPT-7781";
    c.total_charge_cents = 482525;
    c.facility_code = "11";
    c.frequency_code = "1";
    c.assignment = "A";
    c.benefits_assignment = "Y";
    c.release_of_info = "Y";
    c.admission_date = "202610311130";
    c.discharge_date = "1015";
    c.statement_from = "20261031";
    c.statement_to = "20261102";
    c.admission_type = "1";
    c.admission_source = "7";
    c.patient_status = "01";
    c.medical_record_number = "MRN5544";
    c.principal_diagnosis.code = "I214";
    c.principal_diagnosis.poa = "Y";
    c.admitting_diagnosis.code = "R079";
    c.reason_for_visit = inst_rfv;
    c.reason_for_visit_count = 1;
    c.drg = "281";
    c.other_diagnoses = inst_other_dx;
    c.other_diagnosis_count = 2;
    c.principal_procedure.code = "4A023N7";
    c.principal_procedure.date = "20261101";
    c.other_procedures = inst_procs;
    c.other_procedure_count = 1;
    c.occurrence_spans = inst_span;
    c.occurrence_span_count = 1;
    c.occurrences = inst_occ;
    c.occurrence_count = 1;
    c.values = inst_values;
    c.value_count = 1;
    c.conditions = inst_cond;
    c.condition_count = 1;
    c.providers = inst_providers;
    c.provider_count = 2;
    c.lines = inst_lines;
    c.line_count = 3;
    return c;
}

static x12_claim_tooth dental_teeth[] = {{"3", {"M", "O", "D"}}};
static x12_claim_tooth dental_missing[] = {{"1", {"M"}}, {"16", {"M"}}};
static x12_claim_line dental_lines[] = {
    {.procedure = "D2392", .charge_cents = 18000, .teeth = dental_teeth, .tooth_count = 1,
     .service_date = "20261105", .diagnosis_pointers = {1}},
    {.procedure = "D8080", .charge_cents = 400000, .oral_cavity = {"L", "U"}, .units = "1",
     .service_date = "20261105"},
};

static x12_claim dental_claim(void)
{
    x12_claim c;
    memset(&c, 0, sizeof c);
    c.type = X12_CLAIM_DENTAL;
    c.billing = &billing_a;
    c.subscriber = &sub_parent;
    c.patient = &child;
    c.claim_id = "DENT-42";
    c.total_charge_cents = 418000;
    c.facility_code = "11";
    c.frequency_code = "1";
    c.provider_signature = "Y";
    c.assignment = "A";
    c.benefits_assignment = "Y";
    c.release_of_info = "Y";
    c.has_orthodontic = 1;
    c.ortho_months_total = "24";
    c.ortho_months_remaining = "20";
    c.tooth_status = dental_missing;
    c.tooth_status_count = 2;
    c.principal_diagnosis.code = "K0252";
    c.lines = dental_lines;
    c.line_count = 2;
    return c;
}

/* A secondary claim: the primary payer paid, with claim and line adjustments. */
/* 005010X222A1 COB balancing: CLM02 120.50 = AMT*D 90.00 + claim CAS 5.50 + line CAS 25.00;
 * AMT*D = SVD02 60.00 + 35.50 - claim CAS; each line = its SVD02 + its CAS */
static x12_claim_adjustment cob_claim_adj[] = {{"PR", "2", 550, NULL}};
static x12_claim_adjustment cob_line_adj1[] = {{"CO", "45", 1000, NULL}, {"PR", "1", 1000, NULL}};
static x12_claim_adjustment cob_line_adj2[] = {{"CO", "45", 500, "1"}};
static x12_claim_line_adjudication cob_adj1[] = {
    {.payer_id = "999996666", .paid_cents = 6000, .procedure = "99213", .units = "1",
     .adjustments = cob_line_adj1, .adjustment_count = 2, .adjudication_date = "20261115"}};
static x12_claim_line_adjudication cob_adj2[] = {
    {.payer_id = "999996666", .paid_cents = 3550, .procedure = "87070", .modifiers = {"QW"},
     .units = "1", .adjustments = cob_line_adj2, .adjustment_count = 1,
     .adjudication_date = "20261115", .has_remaining = 1, .remaining_cents = 550}};
static x12_claim_line cob_lines[2];
static x12_claim_other_payer cob_payers[] = {{
    .payer_responsibility = "P",
    .relationship = "18",
    .group_number = "GRP123",
    .claim_filing_indicator = "CI",
    .adjustments = cob_claim_adj,
    .adjustment_count = 1,
    .has_paid = 1,
    .paid_cents = 9000,
    .benefits_assignment = "Y",
    .release_of_info = "Y",
    .subscriber = {.last_name = "SMITH", .first_name = "JANE", .id_qualifier = "MI",
                   .id = "JS00111223333"},
    .payer = {.last_name = "KEY INSURANCE COMPANY", .id_qualifier = "PI", .id = "999996666"},
    .adjudication_date = "20261115",
}};
static x12_claim_subscriber sub_secondary = {
    .payer_responsibility = "S",
    .claim_filing_indicator = "MB",
    .subscriber = {.last_name = "SMITH",
                   .first_name = "JANE",
                   .id_qualifier = "MI",
                   .id = "1EG4TE5MK73",
                   .address = {"236 N MAIN ST", NULL, "MIAMI", "FL", "33413"},
                   .birth_date = "19430501",
                   .gender = "F"},
    .payer = {.last_name = "MEDICARE B", .id_qualifier = "PI", .id = "00435"},
};

static x12_claim cob_claim(void)
{
    x12_claim c = prof_claim();
    c.claim_id = "PCN-0001-S";
    c.subscriber = &sub_secondary;
    memcpy(cob_lines, prof_lines, sizeof cob_lines);
    cob_lines[0].adjudications = cob_adj1;
    cob_lines[0].adjudication_count = 1;
    cob_lines[1].adjudications = cob_adj2;
    cob_lines[1].adjudication_count = 1;
    c.lines = cob_lines;
    c.other_payers = cob_payers;
    c.other_payer_count = 1;
    c.prior_authorization = NULL;
    c.referral_number = NULL;
    return c;
}

static x12_claim replacement_claim(void)
{
    x12_claim c = prof_claim();
    c.claim_id = "PCN-0001";
    c.frequency_code = "7";
    c.payer_claim_number = "PAYER-ICN-88812";
    return c;
}

/* ---- write helpers ------------------------------------------------------ */

typedef struct problems {
    strbuf log;
    int n;
} problems;

static void on_problem(void *ctx, const x12_claim_problem *p)
{
    problems *pr = ctx;
    pr->n++;
    sb_printf(&pr->log, "%s %s[%zu] %s\n", x12_status_name(p->code), p->claim_id, p->claim_index,
              p->path);
}

/* Writes claims with one writer; returns the output (free with free()). */
static char *write_claims(x12_claim_type t, const x12_claim *const *c, size_t n, size_t per_set,
                          problems *pr, size_t *len)
{
    strbuf out = {0};
    x12_claim_writer_options o;
    x12_claim_writer_options_init(&o);
    o.type = t;
    o.max_claims_per_set = per_set;
    o.problem = on_problem;
    o.problem_ctx = pr;
    x12_claim_header h = header();
    x12_error err;
    x12_claim_writer *w = x12_claim_writer_new(&o, &h, out_sb, &out, &err);
    assert_non_null(w);
    for (size_t i = 0; i < n; i++) {
        x12_status st = x12_claim_writer_add(w, c[i]);
        if (st != X12_OK && st != X12_ERR_CLAIM_REJECTED)
            fail_msg("add: %s %s", x12_status_name(st), x12_claim_writer_error(w)->detail);
    }
    assert_int_equal(x12_claim_writer_finish(w), X12_OK);
    x12_claim_writer_free(w);
    sb_add(&out, "", 0);
    *len = out.len;
    return out.p;
}

static void roundtrip(x12_claim_type t, const x12_claim *const *c, size_t n)
{
    problems pr = {{0}, 0};
    size_t len;
    char *out = write_claims(t, c, n, 0, &pr, &len);
    if (pr.n)
        fail_msg("claims rejected:\n%s", pr.log.p);
    assert_valid(out, len);
    assert_reads_back(out, len, c, n);
    free(out);
}

static void test_professional(void **state)
{
    (void)state;
    x12_claim c = prof_claim();
    const x12_claim *cs[] = {&c};
    roundtrip(X12_CLAIM_PROFESSIONAL, cs, 1);
}

static void test_institutional_inpatient(void **state)
{
    (void)state;
    x12_claim c = inst_claim();
    const x12_claim *cs[] = {&c};
    roundtrip(X12_CLAIM_INSTITUTIONAL, cs, 1);
}

static void test_dental(void **state)
{
    (void)state;
    x12_claim c = dental_claim();
    const x12_claim *cs[] = {&c};
    roundtrip(X12_CLAIM_DENTAL, cs, 1);
}

static void test_secondary_cob(void **state)
{
    (void)state;
    x12_claim c = cob_claim();
    const x12_claim *cs[] = {&c};
    roundtrip(X12_CLAIM_PROFESSIONAL, cs, 1);
}

static void test_replacement(void **state)
{
    (void)state;
    x12_claim c = replacement_claim();
    const x12_claim *cs[] = {&c};
    roundtrip(X12_CLAIM_PROFESSIONAL, cs, 1);
    size_t len;
    problems pr = {{0}, 0};
    char *out = write_claims(X12_CLAIM_PROFESSIONAL, cs, 1, 0, &pr, &len);
    assert_non_null(strstr(out, "CLM*PCN-0001*120.5***11:B:7*"));
    assert_non_null(strstr(out, "~REF*F8*PAYER-ICN-88812~"));
    free(out);
}


/* ---- corpus round trip -------------------------------------------------- */

/* One segment of a file: its interchange, index from the ISA and bytes. */
typedef struct rawseg {
    uint32_t inter, index;
    char *raw;
    int gap; /* -1 not carried as a whole, >0 an element not carried, 0 carried */
} rawseg;

typedef struct seglist {
    rawseg *v;
    size_t n, cap;
    uint32_t inter;
} seglist;

static int collect_seg(void *ctx, const x12_segment *seg)
{
    seglist *l = ctx;
    if (x12_slice_eq(seg->id, "ISA"))
        l->inter++;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    rawseg *r = &l->v[l->n++];
    r->inter = l->inter;
    r->index = seg->segment_index;
    r->raw = strndup(seg->raw.ptr, seg->raw.len);
    r->gap = 0;
    return 0;
}

static void free_segs(seglist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].raw);
    free(l->v);
}

static void split_segments(const char *data, size_t len, seglist *l)
{
    memset(l, 0, sizeof *l);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {collect_seg, NULL};
    x12_reader *r = x12_reader_new(&o, &cb, l);
    x12_reader_feed(r, data, len);
    x12_reader_finish(r);
    x12_reader_free(r);
}

typedef struct corpus_rt {
    x12_claim_reader *cr;
    x12_claim_writer *w;
    strbuf out;
    const char *line_break;
    uint32_t inter, set, group;
    uint32_t isa_seen;
    seglist gaps; /* not-carried findings: inter, index, gap */
    strbuf gap_ids; /* " ID " tokens reported */
    int fatal;
    size_t claims;
} corpus_rt;

static void rt_finding(void *ctx, const x12_finding *f)
{
    corpus_rt *c = ctx;
    if (f->err.code != X12_ERR_CLAIM_NOT_CARRIED)
        return;
    seglist *l = &c->gaps;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    rawseg *r = &l->v[l->n++];
    r->inter = c->isa_seen;
    r->index = f->err.segment_index;
    r->gap = f->err.element_pos ? f->err.element_pos : -1;
    char id[16];
    if (f->err.element_pos)
        snprintf(id, sizeof id, "%s%02u", f->err.segment_id, (unsigned)f->err.element_pos);
    else
        snprintf(id, sizeof id, "%s", f->err.segment_id);
    r->raw = strdup(id);
}

static int rt_claim(void *ctx, const x12_claim *cl, const x12_claim_context *cx)
{
    corpus_rt *c = ctx;
    if (!c->w) {
        x12_claim_writer_options o;
        x12_claim_writer_options_init(&o);
        o.type = cl->type;
        o.no_checks = 1; /* example files carry test NPIs and the like */
        o.writer.delims = cx->delims;
        o.writer.line_break = c->line_break;
        x12_error err;
        c->w = x12_claim_writer_new(&o, cx->header, out_sb, &c->out, &err);
        assert_non_null(c->w);
    } else if (cx->interchange != c->inter || cx->set != c->set) {
        x12_claim_end level = cx->interchange != c->inter ? X12_END_INTERCHANGE
                              : cx->header->gs.control_number != c->group ? X12_END_GROUP
                                                                          : X12_END_SET;
        assert_int_equal(x12_claim_writer_end(c->w, level), X12_OK);
        assert_int_equal(x12_claim_writer_set_header(c->w, cx->header), X12_OK);
    }
    /* reproduce the file's HL levels and amount shapes */
    if (cx->opens_billing)
        x12_claim_writer_break(c->w, X12_LEVEL_BILLING);
    else if (cx->opens_subscriber)
        x12_claim_writer_break(c->w, X12_LEVEL_SUBSCRIBER);
    else if (cx->opens_patient)
        x12_claim_writer_break(c->w, X12_LEVEL_PATIENT);
    x12_claim_writer_set_amount_style(c->w, cx->amount_style);
    c->claims++;
    c->inter = cx->interchange;
    c->set = cx->set;
    c->group = cx->header->gs.control_number;
    x12_status st = x12_claim_writer_add(c->w, cl);
    if (st != X12_OK) {
        c->fatal = 1;
        print_message("add %s: %s\n", cl->claim_id, x12_status_name(st));
    }
    return 0;
}

static int rt_segment(void *ctx, const x12_segment *seg)
{
    corpus_rt *c = ctx;
    if (x12_slice_eq(seg->id, "ISA"))
        c->isa_seen++;
    return x12_claim_reader_segment(c->cr, seg) != X12_OK;
}

/* The identifiers docs/837-model-gaps.md lists: `ID` in a table's first column. */
static char *gap_list(void)
{
    size_t len;
    char *doc = read_file(X12KIT_SOURCE_DIR "/docs/837-model-gaps.md", &len);
    assert_non_null(doc);
    strbuf ids = {0};
    sb_add(&ids, " ", 1);
    for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "| `", 3))
            continue;
        char *cell_end = strchr(line + 1, '|');
        for (char *p = line + 1; p && p < cell_end && (p = strchr(p, '`')) && p < cell_end;) {
            char *q = strchr(p + 1, '`');
            if (!q)
                break;
            sb_add(&ids, p + 1, (size_t)(q - p - 1));
            sb_add(&ids, " ", 1);
            p = q + 1;
        }
    }
    free(doc);
    return ids.p;
}

static int listed(const char *ids, const char *id)
{
    char key[24];
    snprintf(key, sizeof key, " %s ", id);
    return strstr(ids, key) != NULL;
}

/* Verdict for one file: 0 byte-identical, 1 the same segments (line breaks
 * or indentation differ), 2 different only where a listed gap is, 3 no claim
 * in it (sets without a 2300), -1 an unexplained difference (in *why). */
static int corpus_roundtrip(const char *path, const char *gaps, strbuf *why)
{
    size_t len;
    char *data = read_file(path, &len);
    assert_non_null(data);
    corpus_rt c;
    memset(&c, 0, sizeof c);
    const char *nl = memchr(data, '\n', len);
    c.line_break = nl ? (nl > data && nl[-1] == '\r' ? "\r\n" : "\n") : NULL;
    x12_claim_reader_callbacks cb = {rt_claim, rt_finding};
    c.cr = x12_claim_reader_new(&cb, &c, 0, NULL);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks rcb = {rt_segment, NULL};
    x12_reader *r = x12_reader_new(&o, &rcb, &c);
    x12_reader_feed(r, data, len);
    x12_reader_finish(r);
    x12_claim_reader_finish(c.cr);
    x12_reader_free(r);
    x12_claim_reader_free(c.cr);
    if (c.w) {
        assert_int_equal(x12_claim_writer_finish(c.w), X12_OK);
        x12_claim_writer_free(c.w);
    }
    int verdict;
    if (c.fatal) {
        sb_printf(why, "the writer failed");
        verdict = -1;
    } else if (!c.claims) {
        verdict = 3; /* nothing to round-trip */
    } else if (c.out.len == len && !memcmp(c.out.p, data, len)) {
        verdict = 0;
    } else {
        seglist a, b;
        split_segments(data, len, &a);
        split_segments(c.out.p ? c.out.p : "", c.out.len, &b);
        /* mark the gaps on the original's segments */
        for (size_t g = 0; g < c.gaps.n; g++)
            for (size_t i = 0; i < a.n; i++)
                if (a.v[i].inter == c.gaps.v[g].inter && a.v[i].index == c.gaps.v[g].index) {
                    if (a.v[i].gap != -1)
                        a.v[i].gap = c.gaps.v[g].gap;
                    if (!listed(gaps, c.gaps.v[g].raw)) {
                        sb_printf(why, "%s not carried but not listed in docs/837-model-gaps.md; ",
                                  c.gaps.v[g].raw);
                    }
                }
        size_t i = 0, j = 0;
        int explained = 0;
        verdict = why->len ? -1 : 1;
        while (verdict >= 0 && (i < a.n || j < b.n)) {
            if (i < a.n && a.v[i].gap == -1) {
                i++, explained = 1;
            } else if (i < a.n && j < b.n && !strcmp(a.v[i].raw, b.v[j].raw)) {
                i++, j++;
            } else if (i < a.n && j < b.n && a.v[i].gap > 0 &&
                       !strncmp(a.v[i].raw, b.v[j].raw, 3)) {
                i++, j++, explained = 1; /* an element the model does not carry */
            } else if (i < a.n && j < b.n && explained &&
                       (!strncmp(a.v[i].raw, "SE", 2) || !strncmp(a.v[i].raw, "GE", 2) ||
                        !strncmp(a.v[i].raw, "IEA", 3)) &&
                       !strncmp(a.v[i].raw, b.v[j].raw, 2)) {
                i++, j++; /* a count changed by segments left out */
            } else {
                sb_printf(why, "segment %zu: '%.60s' written as '%.60s'", i + 1,
                          i < a.n ? a.v[i].raw : "(end)", j < b.n ? b.v[j].raw : "(end)");
                verdict = -1;
            }
        }
        if (verdict > 0 && explained)
            verdict = 2;
        free_segs(&a);
        free_segs(&b);
    }
    free_segs(&c.gaps);
    sb_free(&c.out);
    free(data);
    return verdict;
}

static void test_corpus_roundtrip(void **state)
{
    (void)state;
    size_t len;
    char *expect = read_file(X12KIT_SOURCE_DIR "/tests/corpus-expect.tsv", &len);
    assert_non_null(expect);
    char *gaps = gap_list();
    int counts[4] = {0, 0, 0, 0}, failures = 0, files = 0;
    for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "837", 3))
            continue;
        char *tab = strchr(line, '\t');
        if (!tab || strcmp(tab + 1, "clean"))
            continue;
        *tab = '\0';
        char path[1024];
        snprintf(path, sizeof path, "%s/corpus/%s", X12KIT_SHARED_DIR, line);
        FILE *f = fopen(path, "rb");
        if (!f) { /* without the shared corpus: the copies in fixtures/corpus */
            snprintf(path, sizeof path, "%s/fixtures/corpus/%s", X12KIT_SOURCE_DIR,
                     strchr(line, '/') + 1);
            if (!(f = fopen(path, "rb")))
                continue;
        }
        fclose(f);
        files++;
        strbuf why = {0};
        int v = corpus_roundtrip(path, gaps, &why);
        static const char *names[] = {"byte-identical", "same segments (line breaks/indentation)",
                                      "differs only by listed gaps", "holds no claim"};
        if (v < 0) {
            failures++;
            print_message("  UNEXPLAINED %s: %s\n", line, why.p ? why.p : "");
        } else {
            counts[v]++;
            print_message("  %-40s %s\n", names[v], line);
        }
        sb_free(&why);
    }
    print_message("837 corpus round trip, %d clean files: %d byte-identical, %d same segments, "
                  "%d differ only by listed gaps, %d hold no claim, %d unexplained\n",
                  files, counts[0], counts[1], counts[2], counts[3], failures);
    free(gaps);
    free(expect);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_professional),
        cmocka_unit_test(test_institutional_inpatient),
        cmocka_unit_test(test_dental),
        cmocka_unit_test(test_secondary_cob),
        cmocka_unit_test(test_replacement),
        cmocka_unit_test(test_corpus_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
