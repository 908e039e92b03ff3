/* remit_dump FILE: every value the 835 reader hands out (x12_remit_payment,
 * x12_remit_claim with its lines, x12_remit_plb), one "name=value" a line on
 * standard output, and its findings on standard error as the CLI writes
 * them ("FILE: segment N (ID) element E.C, byte B: message").
 * remit_dump --277 FILE: the same for the 277CA reader (every record as the
 * JSON rows write it: all its columns).  Used by remit_drop_test.py: a value
 * must come out here or be said.  Exit status: 0 read, 1 read with errors,
 * 2 not read. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <x12/ack277.h>
#include <x12/remit.h>

typedef struct dump {
    const char *file;
    int errors;
    x12_ack277_rows *rows; /* --277 */
} dump;

static void s(const char *name, const char *v)
{
    if (v && *v)
        printf("%s=%s\n", name, v);
}

static void cents(const char *name, int64_t v)
{
    printf("%s=%s%" PRId64 ".%02" PRId64 "\n", name, v < 0 ? "-" : "", (v < 0 ? -v : v) / 100,
           (v < 0 ? -v : v) % 100);
}

static void refs(const char *name, const x12_remit_ref *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%s[%zu]=%s %s\n", name, i, r[i].qualifier ? r[i].qualifier : "",
               r[i].value ? r[i].value : "");
    }
}

static void contacts(const char *name, const x12_remit_contact *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%s[%zu]=%s %s", name, i, c[i].qualifier, c[i].name);
        for (int k = 0; k < 3; k++)
            printf(" %s %s", c[i].number_qualifiers[k], c[i].numbers[k]);
        printf(" (%s)\n", c[i].value);
    }
}

static void amounts(const char *name, const x12_remit_amount *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%s[%zu]=%s ", name, i, a[i].qualifier ? a[i].qualifier : "");
        cents("", a[i].cents);
    }
}

static void adjustments(const char *name, const x12_remit_adjustment *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%s[%zu]=%s %s %s ", name, i, a[i].group, a[i].reason ? a[i].reason : "",
               a[i].quantity ? a[i].quantity : "");
        cents("", a[i].cents);
    }
}

static void party(const char *name, const x12_remit_party *p)
{
    char k[64];
#define P(f)                                                                     \
    do {                                                                         \
        snprintf(k, sizeof k, "%s.%s", name, #f);                                \
        s(k, p->f);                                                              \
    } while (0)
    P(entity);
    P(entity_type);
    P(name);
    P(first_name);
    P(middle_name);
    P(suffix);
    P(id_qualifier);
    P(id);
    P(address1);
    P(address2);
    P(city);
    P(state);
    P(postal_code);
    P(country);
#undef P
    snprintf(k, sizeof k, "%s.refs", name);
    refs(k, p->refs, p->ref_count);
    snprintf(k, sizeof k, "%s.contacts", name);
    contacts(k, p->contacts, p->contact_count);
}

static int on_payment(void *ctx, const x12_remit_payment *p)
{
    (void)ctx;
    puts("payment");
    s("handling_code", p->handling_code);
    cents("amount", p->amount_cents);
    s("credit_debit", p->credit_debit);
    s("method", p->method);
    s("format", p->format);
    s("sender_dfi_qualifier", p->sender_dfi_qualifier);
    s("sender_dfi_id", p->sender_dfi_id);
    s("sender_account_qualifier", p->sender_account_qualifier);
    s("sender_account", p->sender_account);
    s("originator_company_id", p->originator_company_id);
    s("originator_supplemental", p->originator_supplemental);
    s("receiver_dfi_qualifier", p->receiver_dfi_qualifier);
    s("receiver_dfi_id", p->receiver_dfi_id);
    s("receiver_account_qualifier", p->receiver_account_qualifier);
    s("receiver_account", p->receiver_account);
    s("payment_date", p->payment_date);
    s("trace_type", p->trace_type);
    s("trace_number", p->trace_number);
    s("payer_id", p->payer_id);
    s("trace_originator", p->trace_originator);
    s("trace_supplemental", p->trace_supplemental);
    s("currency", p->currency);
    refs("refs", p->refs, p->ref_count);
    refs("dates", p->dates, p->date_count);
    party("payer", &p->payer);
    party("payee", &p->payee);
    return 0;
}

static void line(size_t i, const x12_remit_line *l)
{
    char k[64];
    printf("line %zu\n", i);
    s("procedure_qualifier", l->procedure_qualifier);
    s("procedure", l->procedure);
    for (int m = 0; m < 4; m++) {
        snprintf(k, sizeof k, "modifiers[%d]", m);
        s(k, l->modifiers[m]);
        snprintf(k, sizeof k, "original_modifiers[%d]", m);
        s(k, l->original_modifiers[m]);
    }
    s("description", l->description);
    cents("charge", l->charge_cents);
    cents("paid", l->paid_cents);
    s("revenue_code", l->revenue_code);
    s("units", l->units);
    s("original_qualifier", l->original_qualifier);
    s("original_procedure", l->original_procedure);
    s("original_units", l->original_units);
    s("service_date", l->service_date);
    s("service_start", l->service_start);
    s("service_end", l->service_end);
    adjustments("adjustments", l->adjustments, l->adjustment_count);
    s("line_control_number", l->line_control_number);
    refs("refs", l->refs, l->ref_count);
    if (l->has_allowed)
        cents("allowed", l->allowed_cents);
    amounts("amounts", l->amounts, l->amount_count);
    refs("remarks", l->remarks, l->remark_count);
    refs("quantities", l->quantities, l->quantity_count);
}

static int on_claim(void *ctx, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_context *cx)
{
    (void)ctx;
    (void)p;
    (void)cx;
    char k[64];
    puts("claim");
    s("claim_id", c->claim_id);
    s("header_number", c->header_number);
    s("status_code", c->status_code);
    cents("charge", c->charge_cents);
    cents("paid", c->paid_cents);
    if (c->has_patient_responsibility)
        cents("patient_responsibility", c->patient_responsibility_cents);
    s("filing_indicator", c->filing_indicator);
    s("payer_claim_number", c->payer_claim_number);
    s("facility_code", c->facility_code);
    s("frequency_code", c->frequency_code);
    s("patient_status", c->patient_status);
    s("drg_code", c->drg_code);
    s("drg_weight", c->drg_weight);
    s("discharge_fraction", c->discharge_fraction);
    s("yes_no", c->yes_no);
    adjustments("adjustments", c->adjustments, c->adjustment_count);
    party("patient", &c->patient);
    party("insured", &c->insured);
    party("corrected_patient", &c->corrected_patient);
    party("service_provider", &c->service_provider);
    party("crossover_carrier", &c->crossover_carrier);
    party("priority_payer", &c->priority_payer);
    party("other_subscriber", &c->other_subscriber);
    for (int i = 1; i <= 24; i++) {
        snprintf(k, sizeof k, "MIA%02d", i);
        s(k, c->inpatient_elements[i]);
    }
    for (int i = 1; i <= 9; i++) {
        snprintf(k, sizeof k, "MOA%02d", i);
        s(k, c->outpatient_elements[i]);
    }
    for (size_t i = 0; i < c->remark_code_count; i++) {
        snprintf(k, sizeof k, "remark_codes[%zu]", i);
        s(k, c->remark_codes[i]);
    }
    s("original_reference", c->original_reference);
    refs("refs", c->refs, c->ref_count);
    s("statement_from", c->statement_from);
    s("statement_to", c->statement_to);
    s("received_date", c->received_date);
    refs("dates", c->dates, c->date_count);
    contacts("contacts", c->contacts, c->contact_count);
    amounts("amounts", c->amounts, c->amount_count);
    refs("quantities", c->quantities, c->quantity_count);
    for (size_t i = 0; i < c->line_count; i++)
        line(i, &c->lines[i]);
    return 0;
}

static int on_plb(void *ctx, const x12_remit_payment *p, const x12_remit_plb *e)
{
    (void)ctx;
    (void)p;
    puts("plb");
    s("provider_id", e->provider_id);
    s("fiscal_date", e->fiscal_date);
    s("reason", e->reason);
    s("reference", e->reference);
    cents("amount", e->cents);
    return 0;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    dump *d = ctx;
    char buf[512];
    x12_error_format(&f->err, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", d->file, buf);
    if (f->severity == X12_SEV_ERROR)
        d->errors++;
}

static int to_stdout(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

static int on_status(void *ctx, const x12_ack277_status *st)
{
    return x12_ack277_rows_add(((dump *)ctx)->rows, st) != X12_OK;
}

static int dump_277(const char *path)
{
    dump d = {path, 0, x12_ack277_rows_new(0, X12_ROWS_JSON, to_stdout, NULL)};
    if (!d.rows)
        return 2;
    x12_ack277_callbacks cb = {on_status, on_finding};
    x12_error err;
    x12_status st = x12_ack277_read_file(path, NULL, &cb, &d, &err);
    x12_ack277_rows_finish(d.rows);
    x12_ack277_rows_free(d.rows);
    if (st != X12_OK && st != X12_ERR_STOPPED) {
        char buf[512];
        x12_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s: %s\n", path, buf);
        return 2;
    }
    return d.errors ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--277"))
        return dump_277(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: remit_dump [--277] FILE\n");
        return 2;
    }
    dump d = {argv[1], 0, NULL};
    x12_remit_callbacks cb = {on_payment, on_claim, on_plb, NULL, on_finding};
    x12_error err;
    x12_status st = x12_remit_read_file(argv[1], NULL, &cb, &d, 0, &err);
    if (st != X12_OK) {
        char buf[512];
        x12_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "%s: %s\n", argv[1], buf);
        return 2;
    }
    return d.errors ? 1 : 0;
}
