/* Before a claim is written, every text field is checked against the
 * output's delimiters and character set, so that a name with a '*' or a
 * control character rejects that claim (X12_ERR_CLAIM_TEXT, with the field's
 * path) instead of failing the segment writer half-way through the claim.
 * Bytes above 0x7E are accepted only when the writer converts text
 * (x12_writer_options.input_encoding) and the conversion succeeds. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/claim.h>

#include "claim_util.h"
#include "internal.h"

typedef struct scan {
    const x12_writer_options *o;
    char *path;
    size_t cap;
    int bad;
} scan;

/* X12 basic character set: upper-case letters, digits, space and
 * ! " & ' ( ) * + , - . / : ; ? = */
static int basic_char(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr(" !\"&'()*+,-./:;?=", ch);
}

int x12__text_ok(const x12_writer_options *o, const char *s)
{
    const x12_delimiters *d = &o->delims;
    int high = 0;
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, len++) {
        unsigned char ch = *p;
        if (ch == (unsigned char)d->element || ch == (unsigned char)d->component ||
            ch == (unsigned char)d->segment || (d->repetition && ch == (unsigned char)d->repetition))
            return 0;
        if (ch < 0x20 || ch == 0x7F)
            return 0;
        if (ch >= 0x80)
            high = 1;
        else if (o->charset == X12_CHARSET_BASIC && !basic_char(ch))
            return 0;
    }
    if (!high)
        return 1;
    if (!o->input_encoding || !*o->input_encoding)
        return 0;
    /* folding writes at most two bytes per input byte */
    char stackbuf[512];
    char *out = 2 * len + 1 <= sizeof stackbuf ? stackbuf : malloc(2 * len + 1);
    if (!out)
        return 1; /* cannot tell: the segment writer still checks */
    size_t n;
    x12_status st = x12_text_to_x12(o->input_encoding, s, len, out, 2 * len + 1, &n, o->charset, NULL);
    int ok = st == X12_OK;
    for (size_t i = 0; ok && i < n; i++) {
        char ch = out[i];
        if (ch == d->element || ch == d->component || ch == d->segment ||
            (d->repetition && ch == d->repetition))
            ok = 0;
    }
    if (out != stackbuf)
        free(out);
    return ok;
}

/* Checks `s`; on the first bad one, formats its path. */
static void str_at(scan *k, const char *s, const char *fmt, ...)
{
    if (k->bad || !s || x12__text_ok(k->o, s))
        return;
    k->bad = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->path, k->cap, fmt, ap);
    va_end(ap);
}

#define S(field) str_at(k, (base)->field, "%s" #field, pre)

static void party(scan *k, const x12_claim_party *base, const char *pre)
{
    S(entity_code);
    S(entity_type);
    S(last_name);
    S(first_name);
    S(middle_name);
    S(suffix);
    S(id_qualifier);
    S(id);
    S(provider_code);
    S(taxonomy);
    S(address.line1);
    S(address.line2);
    S(address.city);
    S(address.state);
    S(address.postal_code);
    S(address.country);
    S(address.subdivision);
    S(tax_id_qualifier);
    S(tax_id);
    S(birth_date);
    S(gender);
    for (size_t i = 0; i < base->ref_count; i++) {
        str_at(k, base->refs[i].qualifier, "%srefs[%zu].qualifier", pre, i);
        str_at(k, base->refs[i].value, "%srefs[%zu].value", pre, i);
        str_at(k, base->refs[i].id2, "%srefs[%zu].id2", pre, i);
    }
    for (size_t i = 0; i < base->contact_count; i++) {
        const x12_claim_contact *c = &base->contacts[i];
        str_at(k, c->function, "%scontacts[%zu].function", pre, i);
        str_at(k, c->name, "%scontacts[%zu].name", pre, i);
        for (int j = 0; j < 3; j++) {
            str_at(k, c->qualifier[j], "%scontacts[%zu].qualifier[%d]", pre, i, j);
            str_at(k, c->number[j], "%scontacts[%zu].number[%d]", pre, i, j);
        }
    }
}

static void providers(scan *k, const x12_claim_provider *p, size_t n, const char *pre)
{
    char buf[96];
    for (size_t i = 0; i < n && !k->bad; i++) {
        snprintf(buf, sizeof buf, "%sproviders[%zu].party.", pre, i);
        party(k, &p[i].party, buf);
    }
}

static void codes(scan *k, const x12_claim_code *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        str_at(k, c[i].qualifier, "%s[%zu].qualifier", name, i);
        str_at(k, c[i].code, "%s[%zu].code", name, i);
        str_at(k, c[i].date, "%s[%zu].date", name, i);
        str_at(k, c[i].quantity, "%s[%zu].quantity", name, i);
        str_at(k, c[i].poa, "%s[%zu].poa", name, i);
    }
}

static void strs(scan *k, const char *const *v, size_t n, const char *fmt_prefix, const char *name)
{
    for (size_t i = 0; i < n; i++)
        str_at(k, v[i], "%s%s[%zu]", fmt_prefix, name, i);
}

static void dates(scan *k, const x12_claim_date *d, size_t n, const char *pre)
{
    for (size_t i = 0; i < n; i++) {
        str_at(k, d[i].qualifier, "%sdates[%zu].qualifier", pre, i);
        str_at(k, d[i].format, "%sdates[%zu].format", pre, i);
        str_at(k, d[i].value, "%sdates[%zu].value", pre, i);
    }
}

static void refs(scan *k, const x12_claim_ref *r, size_t n, const char *pre)
{
    for (size_t i = 0; i < n; i++) {
        str_at(k, r[i].qualifier, "%srefs[%zu].qualifier", pre, i);
        str_at(k, r[i].value, "%srefs[%zu].value", pre, i);
        str_at(k, r[i].id2, "%srefs[%zu].id2", pre, i);
    }
}

static void misc(scan *k, const x12_claim_amount *a, size_t na, const x12_claim_note *t, size_t nt,
                 const x12_claim_attachment *p, size_t np, const char *pre)
{
    for (size_t i = 0; i < na; i++)
        str_at(k, a[i].qualifier, "%samounts[%zu].qualifier", pre, i);
    for (size_t i = 0; i < nt; i++) {
        str_at(k, t[i].code, "%snotes[%zu].code", pre, i);
        str_at(k, t[i].text, "%snotes[%zu].text", pre, i);
    }
    for (size_t i = 0; i < np; i++) {
        str_at(k, p[i].report_type, "%sattachments[%zu].report_type", pre, i);
        str_at(k, p[i].transmission, "%sattachments[%zu].transmission", pre, i);
        str_at(k, p[i].control, "%sattachments[%zu].control", pre, i);
    }
}

static void adjustments(scan *k, const x12_claim_adjustment *a, size_t n, const char *pre)
{
    for (size_t i = 0; i < n; i++) {
        str_at(k, a[i].group, "%sadjustments[%zu].group", pre, i);
        str_at(k, a[i].reason, "%sadjustments[%zu].reason", pre, i);
        str_at(k, a[i].quantity, "%sadjustments[%zu].quantity", pre, i);
    }
}

static void repricing(scan *k, const x12_claim_repricing *base, const char *pre)
{
    if (!base)
        return;
    S(pricing_methodology);
    S(organization_id);
    S(rate);
    S(approved_drg);
    S(approved_revenue_code);
    S(procedure_qualifier);
    S(procedure);
    S(unit_basis);
    S(units);
    S(reject_reason);
    S(compliance);
    S(exception);
}

static void line(scan *k, const x12_claim_line *base, size_t li)
{
    char pre[48];
    snprintf(pre, sizeof pre, "lines[%zu].", li);
    S(procedure_qualifier);
    S(procedure);
    strs(k, base->modifiers, 4, pre, "modifiers");
    S(description);
    S(revenue_code);
    S(unit_basis);
    S(units);
    S(place_of_service);
    S(emergency);
    S(epsdt);
    S(family_planning);
    S(copay_exempt);
    strs(k, base->oral_cavity, 5, pre, "oral_cavity");
    S(prosthesis);
    for (size_t i = 0; i < base->tooth_count; i++) {
        str_at(k, base->teeth[i].number, "%steeth[%zu].number", pre, i);
        for (int j = 0; j < 5; j++)
            str_at(k, base->teeth[i].surfaces[j], "%steeth[%zu].surfaces[%d]", pre, i, j);
    }
    S(service_date);
    dates(k, base->dates, base->date_count, pre);
    S(line_control_number);
    refs(k, base->refs, base->ref_count, pre);
    misc(k, base->amounts, base->amount_count, base->notes, base->note_count, base->attachments,
         base->attachment_count, pre);
    if (base->drug) {
        const x12_claim_drug *d = base->drug;
        str_at(k, d->qualifier, "%sdrug.qualifier", pre);
        str_at(k, d->code, "%sdrug.code", pre);
        str_at(k, d->quantity, "%sdrug.quantity", pre);
        str_at(k, d->unit, "%sdrug.unit", pre);
        str_at(k, d->ref_qualifier, "%sdrug.ref_qualifier", pre);
        str_at(k, d->ref_value, "%sdrug.ref_value", pre);
    }
    providers(k, base->providers, base->provider_count, pre);
    for (size_t i = 0; i < base->adjudication_count; i++) {
        const x12_claim_line_adjudication *a = &base->adjudications[i];
        char apre[112];
        snprintf(apre, sizeof apre, "%sadjudications[%zu].", pre, i);
        str_at(k, a->payer_id, "%spayer_id", apre);
        str_at(k, a->procedure_qualifier, "%sprocedure_qualifier", apre);
        str_at(k, a->procedure, "%sprocedure", apre);
        strs(k, a->modifiers, 4, apre, "modifiers");
        str_at(k, a->description, "%sdescription", apre);
        str_at(k, a->revenue_code, "%srevenue_code", apre);
        str_at(k, a->units, "%sunits", apre);
        str_at(k, a->bundled_line, "%sbundled_line", apre);
        str_at(k, a->adjudication_date, "%sadjudication_date", apre);
        adjustments(k, a->adjustments, a->adjustment_count, apre);
    }
    char rpre[96];
    snprintf(rpre, sizeof rpre, "%srepricing.", pre);
    repricing(k, base->repricing, rpre);
    if (base->ambulance) {
        str_at(k, base->ambulance->weight, "%sambulance.weight", pre);
        str_at(k, base->ambulance->reason, "%sambulance.reason", pre);
        str_at(k, base->ambulance->miles, "%sambulance.miles", pre);
        str_at(k, base->ambulance->round_trip_purpose, "%sambulance.round_trip_purpose", pre);
        str_at(k, base->ambulance->stretcher_purpose, "%sambulance.stretcher_purpose", pre);
    }
    for (size_t i = 0; i < base->condition_indicator_count; i++) {
        const x12_claim_crc *c = &base->condition_indicators[i];
        str_at(k, c->category, "%scondition_indicators[%zu].category", pre, i);
        str_at(k, c->response, "%scondition_indicators[%zu].response", pre, i);
        for (int j = 0; j < 5; j++)
            str_at(k, c->codes[j], "%scondition_indicators[%zu].codes[%d]", pre, i, j);
    }
    if (base->dme) {
        str_at(k, base->dme->procedure_qualifier, "%sdme.procedure_qualifier", pre);
        str_at(k, base->dme->procedure, "%sdme.procedure", pre);
        str_at(k, base->dme->days, "%sdme.days", pre);
        str_at(k, base->dme->frequency, "%sdme.frequency", pre);
    }
    if (base->dme_certification) {
        str_at(k, base->dme_certification->type, "%sdme_certification.type", pre);
        str_at(k, base->dme_certification->months, "%sdme_certification.months", pre);
    }
    for (size_t i = 0; i < base->form_count; i++) {
        const x12_claim_form *f = &base->forms[i];
        str_at(k, f->type, "%sforms[%zu].type", pre, i);
        str_at(k, f->form, "%sforms[%zu].form", pre, i);
        for (size_t j = 0; j < f->answer_count; j++) {
            const x12_claim_form_answer *q = &f->answers[j];
            str_at(k, q->question, "%sforms[%zu].answers[%zu].question", pre, i, j);
            str_at(k, q->yes_no, "%sforms[%zu].answers[%zu].yes_no", pre, i, j);
            str_at(k, q->text, "%sforms[%zu].answers[%zu].text", pre, i, j);
            str_at(k, q->date, "%sforms[%zu].answers[%zu].date", pre, i, j);
            str_at(k, q->percent, "%sforms[%zu].answers[%zu].percent", pre, i, j);
        }
    }
    for (size_t i = 0; i < base->quantity_count; i++) {
        str_at(k, base->quantities[i].qualifier, "%squantities[%zu].qualifier", pre, i);
        str_at(k, base->quantities[i].value, "%squantities[%zu].value", pre, i);
    }
    for (size_t i = 0; i < base->measurement_count; i++) {
        str_at(k, base->measurements[i].category, "%smeasurements[%zu].category", pre, i);
        str_at(k, base->measurements[i].qualifier, "%smeasurements[%zu].qualifier", pre, i);
        str_at(k, base->measurements[i].value, "%smeasurements[%zu].value", pre, i);
    }
    if (base->contract) {
        str_at(k, base->contract->type, "%scontract.type", pre);
        str_at(k, base->contract->percent, "%scontract.percent", pre);
        str_at(k, base->contract->code, "%scontract.code", pre);
        str_at(k, base->contract->discount, "%scontract.discount", pre);
        str_at(k, base->contract->version, "%scontract.version", pre);
    }
    strs(k, base->file_info, base->file_info_count, pre, "file_info");
    S(purchased_provider_id);
}

int claim_text_check(const x12_claim *cl, const x12_writer_options *o, char *path, size_t cap)
{
    scan sc = {o, path, cap, 0};
    scan *k = &sc;
    const char *pre = "";
    if (cl->billing) {
        party(k, &cl->billing->provider, "billing.provider.");
        str_at(k, cl->billing->currency, "billing.currency");
        if (cl->billing->pay_to_address)
            party(k, cl->billing->pay_to_address, "billing.pay_to_address.");
        if (cl->billing->pay_to_plan)
            party(k, cl->billing->pay_to_plan, "billing.pay_to_plan.");
    }
    if (cl->subscriber) {
        const x12_claim_subscriber *base = cl->subscriber;
        pre = "subscriber.";
        S(payer_responsibility);
        S(relationship);
        S(group_number);
        S(group_name);
        S(insurance_type);
        S(claim_filing_indicator);
        S(death_date);
        S(weight);
        S(pregnant);
        party(k, &base->subscriber, "subscriber.subscriber.");
        party(k, &base->payer, "subscriber.payer.");
    }
    if (cl->patient) {
        const x12_claim_patient *base = cl->patient;
        pre = "patient.";
        S(relationship);
        S(death_date);
        S(weight);
        S(pregnant);
        party(k, &base->patient, "patient.patient.");
    }
    const x12_claim *base = cl;
    pre = "";
    S(claim_id);
    S(facility_code);
    S(facility_qualifier);
    S(frequency_code);
    S(provider_signature);
    S(assignment);
    S(benefits_assignment);
    S(release_of_info);
    S(patient_signature_source);
    strs(k, cl->related_causes, 3, "", "related_causes");
    S(accident_state);
    S(accident_country);
    S(special_program);
    S(predetermination);
    S(delay_reason);
    S(onset_date);
    S(admission_date);
    S(discharge_date);
    S(statement_from);
    S(statement_to);
    dates(k, cl->dates, cl->date_count, "");
    S(payer_claim_number);
    S(prior_authorization);
    S(referral_number);
    S(medical_record_number);
    refs(k, cl->refs, cl->ref_count, "");
    misc(k, cl->amounts, cl->amount_count, cl->notes, cl->note_count, cl->attachments,
         cl->attachment_count, "");
    codes(k, &cl->principal_diagnosis, 1, "principal_diagnosis");
    codes(k, &cl->admitting_diagnosis, 1, "admitting_diagnosis");
    codes(k, cl->reason_for_visit, cl->reason_for_visit_count, "reason_for_visit");
    codes(k, cl->external_causes, cl->external_cause_count, "external_causes");
    codes(k, cl->other_diagnoses, cl->other_diagnosis_count, "other_diagnoses");
    S(admission_type);
    S(admission_source);
    S(patient_status);
    S(drg);
    codes(k, &cl->principal_procedure, 1, "principal_procedure");
    codes(k, cl->other_procedures, cl->other_procedure_count, "other_procedures");
    codes(k, cl->occurrence_spans, cl->occurrence_span_count, "occurrence_spans");
    codes(k, cl->occurrences, cl->occurrence_count, "occurrences");
    codes(k, cl->values, cl->value_count, "values");
    codes(k, cl->conditions, cl->condition_count, "conditions");
    codes(k, cl->treatment_codes, cl->treatment_code_count, "treatment_codes");
    S(ortho_months_total);
    S(ortho_months_remaining);
    S(ortho_questionnaire);
    for (size_t i = 0; i < cl->tooth_status_count; i++) {
        str_at(k, cl->tooth_status[i].number, "tooth_status[%zu].number", i);
        str_at(k, cl->tooth_status[i].surfaces[0], "tooth_status[%zu].surfaces[0]", i);
    }
    providers(k, cl->providers, cl->provider_count, "");
    for (size_t i = 0; i < cl->other_payer_count && !k->bad; i++) {
        const x12_claim_other_payer *op = &cl->other_payers[i];
        char opre[48], ppre[96];
        snprintf(opre, sizeof opre, "other_payers[%zu].", i);
        str_at(k, op->payer_responsibility, "%spayer_responsibility", opre);
        str_at(k, op->relationship, "%srelationship", opre);
        str_at(k, op->group_number, "%sgroup_number", opre);
        str_at(k, op->group_name, "%sgroup_name", opre);
        str_at(k, op->insurance_type, "%sinsurance_type", opre);
        str_at(k, op->claim_filing_indicator, "%sclaim_filing_indicator", opre);
        str_at(k, op->benefits_assignment, "%sbenefits_assignment", opre);
        str_at(k, op->patient_signature_source, "%spatient_signature_source", opre);
        str_at(k, op->release_of_info, "%srelease_of_info", opre);
        str_at(k, op->adjudication_date, "%sadjudication_date", opre);
        adjustments(k, op->adjustments, op->adjustment_count, opre);
        for (size_t j = 0; j < op->amount_count; j++)
            str_at(k, op->amounts[j].qualifier, "%samounts[%zu].qualifier", opre, j);
        snprintf(ppre, sizeof ppre, "%ssubscriber.", opre);
        party(k, &op->subscriber, ppre);
        snprintf(ppre, sizeof ppre, "%spayer.", opre);
        party(k, &op->payer, ppre);
        providers(k, op->providers, op->provider_count, opre);
        if (op->inpatient) {
            str_at(k, op->inpatient->covered_days, "%sinpatient.covered_days", opre);
            str_at(k, op->inpatient->lifetime_psychiatric_days,
                   "%sinpatient.lifetime_psychiatric_days", opre);
            str_at(k, op->inpatient->cost_report_days, "%sinpatient.cost_report_days", opre);
            strs(k, op->inpatient->remarks, 5, opre, "inpatient.remarks");
        }
        if (op->outpatient) {
            str_at(k, op->outpatient->reimbursement_rate, "%soutpatient.reimbursement_rate", opre);
            strs(k, op->outpatient->remarks, 5, opre, "outpatient.remarks");
        }
    }
    for (size_t i = 0; i < cl->line_count && !k->bad; i++)
        line(k, &cl->lines[i], i);
    repricing(k, cl->repricing, "repricing.");
    if (cl->ambulance) {
        str_at(k, cl->ambulance->weight, "ambulance.weight");
        str_at(k, cl->ambulance->reason, "ambulance.reason");
        str_at(k, cl->ambulance->miles, "ambulance.miles");
        str_at(k, cl->ambulance->round_trip_purpose, "ambulance.round_trip_purpose");
        str_at(k, cl->ambulance->stretcher_purpose, "ambulance.stretcher_purpose");
    }
    if (cl->spinal) {
        str_at(k, cl->spinal->condition, "spinal.condition");
        str_at(k, cl->spinal->description1, "spinal.description1");
        str_at(k, cl->spinal->description2, "spinal.description2");
    }
    for (size_t i = 0; i < cl->condition_indicator_count; i++) {
        const x12_claim_crc *c = &cl->condition_indicators[i];
        str_at(k, c->category, "condition_indicators[%zu].category", i);
        str_at(k, c->response, "condition_indicators[%zu].response", i);
        for (int j = 0; j < 5; j++)
            str_at(k, c->codes[j], "condition_indicators[%zu].codes[%d]", i, j);
    }
    if (cl->contract) {
        str_at(k, cl->contract->type, "contract.type");
        str_at(k, cl->contract->percent, "contract.percent");
        str_at(k, cl->contract->code, "contract.code");
        str_at(k, cl->contract->discount, "contract.discount");
        str_at(k, cl->contract->version, "contract.version");
    }
    strs(k, cl->file_info, cl->file_info_count, "", "file_info");
    return k->bad;
}
