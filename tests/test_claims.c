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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_professional),
        cmocka_unit_test(test_institutional_inpatient),
        cmocka_unit_test(test_dental),
        cmocka_unit_test(test_secondary_cob),
        cmocka_unit_test(test_replacement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
