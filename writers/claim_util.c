/* Claim model helpers: value equality of claims and of the levels the 837
 * writer groups on, deep copies of those levels into an arena, and NPI check
 * digits.  The checks a claim passes before it is written are in
 * claim_check.c; the writer itself is claim837.c. */
#include <string.h>

#include <x12/claim.h>

#include "claim_util.h"
#include "../parsers/validate.h"

/* ---- equality ------------------------------------------------------------ */

/* NULL and "" are both "absent". */
static int str_eq(const char *a, const char *b)
{
    if (!a)
        a = "";
    if (!b)
        b = "";
    return strcmp(a, b) == 0;
}

#define STR_EQ(f) str_eq(a->f, b->f)
#define ARR_EQ(arr, n, fn)                                                       \
    do {                                                                         \
        if (a->n != b->n)                                                        \
            return 0;                                                            \
        for (size_t i_ = 0; i_ < a->n; i_++)                                     \
            if (!fn(&a->arr[i_], &b->arr[i_]))                                   \
                return 0;                                                        \
    } while (0)

static int strs_eq(const char *const *a, const char *const *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!str_eq(a[i], b[i]))
            return 0;
    return 1;
}

static int address_eq(const x12_claim_address *a, const x12_claim_address *b)
{
    return STR_EQ(line1) && STR_EQ(line2) && STR_EQ(city) && STR_EQ(state) &&
           STR_EQ(postal_code) && STR_EQ(country) && STR_EQ(subdivision);
}

static int contact_eq(const x12_claim_contact *a, const x12_claim_contact *b)
{
    return STR_EQ(function) && STR_EQ(name) && strs_eq(a->qualifier, b->qualifier, 3) &&
           strs_eq(a->number, b->number, 3);
}

static int ref_eq(const x12_claim_ref *a, const x12_claim_ref *b)
{
    return STR_EQ(qualifier) && STR_EQ(value) && STR_EQ(id2);
}

static int date_eq(const x12_claim_date *a, const x12_claim_date *b)
{
    return STR_EQ(qualifier) && STR_EQ(format) && STR_EQ(value);
}

static int amount_eq(const x12_claim_amount *a, const x12_claim_amount *b)
{
    return STR_EQ(qualifier) && a->cents == b->cents;
}

static int note_eq(const x12_claim_note *a, const x12_claim_note *b)
{
    return STR_EQ(code) && STR_EQ(text);
}

static int attachment_eq(const x12_claim_attachment *a, const x12_claim_attachment *b)
{
    return STR_EQ(report_type) && STR_EQ(transmission) && STR_EQ(control);
}

static int party_eq(const x12_claim_party *a, const x12_claim_party *b)
{
    if (!(STR_EQ(entity_code) && STR_EQ(entity_type) && STR_EQ(last_name) && STR_EQ(first_name) &&
          STR_EQ(middle_name) && STR_EQ(suffix) && STR_EQ(id_qualifier) && STR_EQ(id) &&
          STR_EQ(provider_code) && STR_EQ(taxonomy) && address_eq(&a->address, &b->address) &&
          STR_EQ(tax_id_qualifier) && STR_EQ(tax_id) && STR_EQ(birth_date) && STR_EQ(gender)))
        return 0;
    ARR_EQ(refs, ref_count, ref_eq);
    ARR_EQ(contacts, contact_count, contact_eq);
    return 1;
}

static int party_ptr_eq(const x12_claim_party *a, const x12_claim_party *b)
{
    if (!a || !b)
        return a == b;
    return party_eq(a, b);
}

static int provider_eq(const x12_claim_provider *a, const x12_claim_provider *b)
{
    return a->role == b->role && party_eq(&a->party, &b->party);
}

static int code_eq(const x12_claim_code *a, const x12_claim_code *b)
{
    return STR_EQ(qualifier) && STR_EQ(code) && STR_EQ(date) && a->has_amount == b->has_amount &&
           (!a->has_amount || a->amount_cents == b->amount_cents) && STR_EQ(quantity) &&
           STR_EQ(poa);
}

static int adjustment_eq(const x12_claim_adjustment *a, const x12_claim_adjustment *b)
{
    return STR_EQ(group) && STR_EQ(reason) && a->cents == b->cents && STR_EQ(quantity);
}

static int tooth_eq(const x12_claim_tooth *a, const x12_claim_tooth *b)
{
    return STR_EQ(number) && strs_eq(a->surfaces, b->surfaces, 5);
}

static int moa_eq(const x12_claim_outpatient_adjudication *a,
                  const x12_claim_outpatient_adjudication *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(reimbursement_rate) && a->has_payable == b->has_payable &&
           (!a->has_payable || a->payable_cents == b->payable_cents) &&
           strs_eq(a->remarks, b->remarks, 5) && a->has_esrd == b->has_esrd &&
           (!a->has_esrd || a->esrd_cents == b->esrd_cents) &&
           a->has_nonpayable == b->has_nonpayable &&
           (!a->has_nonpayable || a->nonpayable_cents == b->nonpayable_cents);
}

static int mia_eq(const x12_claim_inpatient_adjudication *a,
                  const x12_claim_inpatient_adjudication *b)
{
    if (!a || !b)
        return a == b;
    if (!(STR_EQ(covered_days) && STR_EQ(lifetime_psychiatric_days) && STR_EQ(cost_report_days) &&
          strs_eq(a->remarks, b->remarks, 5)))
        return 0;
    for (int i = 0; i < 24; i++)
        if (a->has_amount[i] != b->has_amount[i] ||
            (a->has_amount[i] && a->amount_cents[i] != b->amount_cents[i]))
            return 0;
    return 1;
}

static int other_payer_eq(const x12_claim_other_payer *a, const x12_claim_other_payer *b)
{
    if (!moa_eq(a->outpatient, b->outpatient) || !mia_eq(a->inpatient, b->inpatient))
        return 0;
    if (!(STR_EQ(payer_responsibility) && STR_EQ(relationship) && STR_EQ(group_number) &&
          STR_EQ(group_name) && STR_EQ(insurance_type) && STR_EQ(claim_filing_indicator) &&
          a->has_paid == b->has_paid && (!a->has_paid || a->paid_cents == b->paid_cents) &&
          STR_EQ(benefits_assignment) && STR_EQ(patient_signature_source) &&
          STR_EQ(release_of_info) && party_eq(&a->subscriber, &b->subscriber) &&
          party_eq(&a->payer, &b->payer) && STR_EQ(adjudication_date)))
        return 0;
    ARR_EQ(adjustments, adjustment_count, adjustment_eq);
    ARR_EQ(amounts, amount_count, amount_eq);
    ARR_EQ(providers, provider_count, provider_eq);
    return 1;
}

static int adjudication_eq(const x12_claim_line_adjudication *a,
                           const x12_claim_line_adjudication *b)
{
    if (!(STR_EQ(payer_id) && a->paid_cents == b->paid_cents && STR_EQ(procedure_qualifier) &&
          STR_EQ(procedure) && strs_eq(a->modifiers, b->modifiers, 4) && STR_EQ(description) &&
          STR_EQ(revenue_code) && STR_EQ(units) && STR_EQ(bundled_line) &&
          STR_EQ(adjudication_date) && a->has_remaining == b->has_remaining &&
          (!a->has_remaining || a->remaining_cents == b->remaining_cents)))
        return 0;
    ARR_EQ(adjustments, adjustment_count, adjustment_eq);
    return 1;
}

static int drug_eq(const x12_claim_drug *a, const x12_claim_drug *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(qualifier) && STR_EQ(code) && STR_EQ(quantity) && STR_EQ(unit) &&
           STR_EQ(ref_qualifier) && STR_EQ(ref_value);
}

static int repricing_eq(const x12_claim_repricing *a, const x12_claim_repricing *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(pricing_methodology) && a->has_allowed == b->has_allowed &&
           (!a->has_allowed || a->allowed_cents == b->allowed_cents) &&
           a->has_savings == b->has_savings &&
           (!a->has_savings || a->savings_cents == b->savings_cents) &&
           STR_EQ(organization_id) && STR_EQ(rate) && STR_EQ(approved_drg) &&
           a->has_drg_amount == b->has_drg_amount &&
           (!a->has_drg_amount || a->drg_amount_cents == b->drg_amount_cents) &&
           STR_EQ(approved_revenue_code) && STR_EQ(procedure_qualifier) && STR_EQ(procedure) &&
           STR_EQ(unit_basis) && STR_EQ(units) && STR_EQ(reject_reason) && STR_EQ(compliance) &&
           STR_EQ(exception);
}

static int ambulance_eq(const x12_claim_ambulance *a, const x12_claim_ambulance *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(weight) && STR_EQ(reason) && STR_EQ(miles) && STR_EQ(round_trip_purpose) &&
           STR_EQ(stretcher_purpose);
}

static int spinal_eq(const x12_claim_spinal *a, const x12_claim_spinal *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(condition) && STR_EQ(description1) && STR_EQ(description2);
}

static int crc_eq(const x12_claim_crc *a, const x12_claim_crc *b)
{
    return STR_EQ(category) && STR_EQ(response) && strs_eq(a->codes, b->codes, 5);
}

static int dme_eq(const x12_claim_dme *a, const x12_claim_dme *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(procedure_qualifier) && STR_EQ(procedure) && STR_EQ(days) &&
           a->has_rental == b->has_rental && (!a->has_rental || a->rental_cents == b->rental_cents) &&
           a->has_purchase == b->has_purchase &&
           (!a->has_purchase || a->purchase_cents == b->purchase_cents) && STR_EQ(frequency);
}

static int cr3_eq(const x12_claim_dme_certification *a, const x12_claim_dme_certification *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(type) && STR_EQ(months);
}

static int answer_eq(const x12_claim_form_answer *a, const x12_claim_form_answer *b)
{
    return STR_EQ(question) && STR_EQ(yes_no) && STR_EQ(text) && STR_EQ(date) && STR_EQ(percent);
}

static int form_eq(const x12_claim_form *a, const x12_claim_form *b)
{
    if (!(STR_EQ(type) && STR_EQ(form)))
        return 0;
    ARR_EQ(answers, answer_count, answer_eq);
    return 1;
}

static int contract_eq(const x12_claim_contract *a, const x12_claim_contract *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(type) && a->has_amount == b->has_amount &&
           (!a->has_amount || a->amount_cents == b->amount_cents) && STR_EQ(percent) &&
           STR_EQ(code) && STR_EQ(discount) && STR_EQ(version);
}

static int measure_eq(const x12_claim_measure *a, const x12_claim_measure *b)
{
    return STR_EQ(category) && STR_EQ(qualifier) && STR_EQ(value);
}

static int strlist_eq(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    return na == nb && strs_eq(a, b, na);
}

static int line_eq(const x12_claim_line *a, const x12_claim_line *b)
{
    if (!(STR_EQ(procedure_qualifier) && STR_EQ(procedure) &&
          strs_eq(a->modifiers, b->modifiers, 4) && STR_EQ(description) && STR_EQ(revenue_code) &&
          a->charge_cents == b->charge_cents && STR_EQ(unit_basis) && STR_EQ(units) &&
          STR_EQ(place_of_service) &&
          memcmp(a->diagnosis_pointers, b->diagnosis_pointers, sizeof a->diagnosis_pointers) == 0 &&
          STR_EQ(emergency) && STR_EQ(epsdt) && STR_EQ(family_planning) && STR_EQ(copay_exempt) &&
          a->has_unit_rate == b->has_unit_rate &&
          (!a->has_unit_rate || a->unit_rate_cents == b->unit_rate_cents) &&
          a->has_non_covered == b->has_non_covered &&
          (!a->has_non_covered || a->non_covered_cents == b->non_covered_cents) &&
          strs_eq(a->oral_cavity, b->oral_cavity, 5) && STR_EQ(prosthesis) &&
          STR_EQ(service_date) && STR_EQ(line_control_number) && drug_eq(a->drug, b->drug) &&
          repricing_eq(a->repricing, b->repricing) && ambulance_eq(a->ambulance, b->ambulance) &&
          dme_eq(a->dme, b->dme) && cr3_eq(a->dme_certification, b->dme_certification) &&
          contract_eq(a->contract, b->contract) &&
          strlist_eq(a->file_info, a->file_info_count, b->file_info, b->file_info_count) &&
          STR_EQ(purchased_provider_id) && a->has_purchased == b->has_purchased &&
          (!a->has_purchased || a->purchased_cents == b->purchased_cents)))
        return 0;
    ARR_EQ(quantities, quantity_count, measure_eq);
    ARR_EQ(measurements, measurement_count, measure_eq);
    ARR_EQ(forms, form_count, form_eq);
    ARR_EQ(condition_indicators, condition_indicator_count, crc_eq);
    ARR_EQ(teeth, tooth_count, tooth_eq);
    ARR_EQ(dates, date_count, date_eq);
    ARR_EQ(refs, ref_count, ref_eq);
    ARR_EQ(amounts, amount_count, amount_eq);
    ARR_EQ(notes, note_count, note_eq);
    ARR_EQ(attachments, attachment_count, attachment_eq);
    ARR_EQ(providers, provider_count, provider_eq);
    ARR_EQ(adjudications, adjudication_count, adjudication_eq);
    return 1;
}

int x12_claim_billing_equal(const x12_claim_billing *a, const x12_claim_billing *b)
{
    if (!a || !b)
        return a == b;
    return party_eq(&a->provider, &b->provider) && STR_EQ(currency) &&
           party_ptr_eq(a->pay_to_address, b->pay_to_address) &&
           party_ptr_eq(a->pay_to_plan, b->pay_to_plan);
}

int x12_claim_subscriber_equal(const x12_claim_subscriber *a, const x12_claim_subscriber *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(payer_responsibility) && STR_EQ(relationship) && STR_EQ(group_number) &&
           STR_EQ(group_name) && STR_EQ(insurance_type) && STR_EQ(claim_filing_indicator) &&
           party_eq(&a->subscriber, &b->subscriber) && party_eq(&a->payer, &b->payer) &&
           STR_EQ(death_date) && STR_EQ(weight) && STR_EQ(pregnant);
}

int x12_claim_patient_equal(const x12_claim_patient *a, const x12_claim_patient *b)
{
    if (!a || !b)
        return a == b;
    return STR_EQ(relationship) && party_eq(&a->patient, &b->patient) && STR_EQ(death_date) &&
           STR_EQ(weight) && STR_EQ(pregnant);
}

int x12_claim_equal(const x12_claim *a, const x12_claim *b)
{
    if (!a || !b)
        return a == b;
    /* (no transaction type, or an empty one, is the writer's default, CH) */
    const char *ta = a->transaction_type && *a->transaction_type ? a->transaction_type : "CH";
    const char *tb = b->transaction_type && *b->transaction_type ? b->transaction_type : "CH";
    if (strcmp(ta, tb) != 0)
        return 0;
    if (!(a->type == b->type && x12_claim_billing_equal(a->billing, b->billing) &&
          x12_claim_subscriber_equal(a->subscriber, b->subscriber) &&
          x12_claim_patient_equal(a->patient, b->patient) && STR_EQ(claim_id) &&
          a->total_charge_cents == b->total_charge_cents && STR_EQ(facility_code) &&
          STR_EQ(facility_qualifier) && STR_EQ(frequency_code) && STR_EQ(provider_signature) &&
          STR_EQ(assignment) && STR_EQ(benefits_assignment) && STR_EQ(release_of_info) &&
          STR_EQ(patient_signature_source) && strs_eq(a->related_causes, b->related_causes, 3) &&
          STR_EQ(accident_state) && STR_EQ(accident_country) && STR_EQ(special_program) &&
          STR_EQ(predetermination) && STR_EQ(delay_reason) && STR_EQ(onset_date) &&
          STR_EQ(admission_date) && STR_EQ(discharge_date) && STR_EQ(statement_from) &&
          STR_EQ(statement_to) && STR_EQ(payer_claim_number) && STR_EQ(prior_authorization) &&
          STR_EQ(referral_number) && STR_EQ(medical_record_number) &&
          code_eq(&a->principal_diagnosis, &b->principal_diagnosis) &&
          code_eq(&a->admitting_diagnosis, &b->admitting_diagnosis) &&
          STR_EQ(admission_type) && STR_EQ(admission_source) && STR_EQ(patient_status) &&
          STR_EQ(drg) && code_eq(&a->principal_procedure, &b->principal_procedure) &&
          a->has_orthodontic == b->has_orthodontic && STR_EQ(ortho_months_total) &&
          STR_EQ(ortho_months_remaining) && STR_EQ(ortho_questionnaire) &&
          repricing_eq(a->repricing, b->repricing) && ambulance_eq(a->ambulance, b->ambulance) &&
          spinal_eq(a->spinal, b->spinal) && contract_eq(a->contract, b->contract) &&
          strlist_eq(a->file_info, a->file_info_count, b->file_info, b->file_info_count)))
        return 0;
    ARR_EQ(condition_indicators, condition_indicator_count, crc_eq);
    ARR_EQ(dates, date_count, date_eq);
    ARR_EQ(refs, ref_count, ref_eq);
    ARR_EQ(amounts, amount_count, amount_eq);
    ARR_EQ(notes, note_count, note_eq);
    ARR_EQ(attachments, attachment_count, attachment_eq);
    ARR_EQ(reason_for_visit, reason_for_visit_count, code_eq);
    ARR_EQ(external_causes, external_cause_count, code_eq);
    ARR_EQ(other_diagnoses, other_diagnosis_count, code_eq);
    ARR_EQ(other_procedures, other_procedure_count, code_eq);
    ARR_EQ(occurrence_spans, occurrence_span_count, code_eq);
    ARR_EQ(occurrences, occurrence_count, code_eq);
    ARR_EQ(values, value_count, code_eq);
    ARR_EQ(conditions, condition_count, code_eq);
    ARR_EQ(treatment_codes, treatment_code_count, code_eq);
    ARR_EQ(tooth_status, tooth_status_count, tooth_eq);
    ARR_EQ(providers, provider_count, provider_eq);
    ARR_EQ(other_payers, other_payer_count, other_payer_eq);
    ARR_EQ(lines, line_count, line_eq);
    return 1;
}

/* ---- deep copies --------------------------------------------------------- */

/* Each returns 0, or -1 when the arena runs out of memory. */
#define DUP(f)                                                                   \
    do {                                                                         \
        if (s->f && !(d->f = x12_arena_strdup(a, s->f)))                         \
            return -1;                                                           \
    } while (0)

static int copy_strs(x12_arena *a, const char **d, const char *const *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] && !(d[i] = x12_arena_strdup(a, s[i])))
            return -1;
    return 0;
}

static int copy_address(x12_arena *a, x12_claim_address *d, const x12_claim_address *s)
{
    DUP(line1);
    DUP(line2);
    DUP(city);
    DUP(state);
    DUP(postal_code);
    DUP(country);
    DUP(subdivision);
    return 0;
}

int claim_copy_party(x12_arena *a, x12_claim_party *d, const x12_claim_party *s)
{
    *d = *s;
    DUP(entity_code);
    DUP(entity_type);
    DUP(last_name);
    DUP(first_name);
    DUP(middle_name);
    DUP(suffix);
    DUP(id_qualifier);
    DUP(id);
    DUP(provider_code);
    DUP(taxonomy);
    DUP(tax_id_qualifier);
    DUP(tax_id);
    DUP(birth_date);
    DUP(gender);
    if (copy_address(a, &d->address, &s->address) < 0)
        return -1;
    d->refs = NULL;
    d->contacts = NULL;
    if (s->ref_count) {
        if (!(d->refs = x12_arena_alloc(a, s->ref_count * sizeof *d->refs)))
            return -1;
        for (size_t i = 0; i < s->ref_count; i++) {
            const x12_claim_ref *sr = &s->refs[i];
            x12_claim_ref *dr = &d->refs[i];
            if ((sr->qualifier && !(dr->qualifier = x12_arena_strdup(a, sr->qualifier))) ||
                (sr->value && !(dr->value = x12_arena_strdup(a, sr->value))) ||
                (sr->id2 && !(dr->id2 = x12_arena_strdup(a, sr->id2))))
                return -1;
        }
    }
    if (s->contact_count) {
        if (!(d->contacts = x12_arena_alloc(a, s->contact_count * sizeof *d->contacts)))
            return -1;
        for (size_t i = 0; i < s->contact_count; i++) {
            const x12_claim_contact *sc = &s->contacts[i];
            x12_claim_contact *dc = &d->contacts[i];
            if ((sc->function && !(dc->function = x12_arena_strdup(a, sc->function))) ||
                (sc->name && !(dc->name = x12_arena_strdup(a, sc->name))) ||
                copy_strs(a, dc->qualifier, sc->qualifier, 3) < 0 ||
                copy_strs(a, dc->number, sc->number, 3) < 0)
                return -1;
        }
    }
    return 0;
}

static int copy_party_ptr(x12_arena *a, const x12_claim_party **d, const x12_claim_party *s)
{
    *d = NULL;
    if (!s)
        return 0;
    x12_claim_party *p = x12_arena_alloc(a, sizeof *p);
    if (!p || claim_copy_party(a, p, s) < 0)
        return -1;
    *d = p;
    return 0;
}

int claim_copy_billing(x12_arena *a, x12_claim_billing *d, const x12_claim_billing *s)
{
    *d = *s;
    DUP(currency);
    if (claim_copy_party(a, &d->provider, &s->provider) < 0 ||
        copy_party_ptr(a, &d->pay_to_address, s->pay_to_address) < 0 ||
        copy_party_ptr(a, &d->pay_to_plan, s->pay_to_plan) < 0)
        return -1;
    return 0;
}

int claim_copy_subscriber(x12_arena *a, x12_claim_subscriber *d, const x12_claim_subscriber *s)
{
    *d = *s;
    DUP(payer_responsibility);
    DUP(relationship);
    DUP(group_number);
    DUP(group_name);
    DUP(insurance_type);
    DUP(claim_filing_indicator);
    DUP(death_date);
    DUP(weight);
    DUP(pregnant);
    if (claim_copy_party(a, &d->subscriber, &s->subscriber) < 0 ||
        claim_copy_party(a, &d->payer, &s->payer) < 0)
        return -1;
    return 0;
}

int claim_copy_patient(x12_arena *a, x12_claim_patient *d, const x12_claim_patient *s)
{
    *d = *s;
    DUP(relationship);
    DUP(death_date);
    DUP(weight);
    DUP(pregnant);
    return claim_copy_party(a, &d->patient, &s->patient);
}

int claim_copy_header(x12_arena *a, x12_claim_header *d, const x12_claim_header *s)
{
    *d = *s;
    DUP(isa.auth_qualifier);
    DUP(isa.auth_info);
    DUP(isa.security_qualifier);
    DUP(isa.security_info);
    DUP(isa.sender_qualifier);
    DUP(isa.sender_id);
    DUP(isa.receiver_qualifier);
    DUP(isa.receiver_id);
    DUP(isa.date);
    DUP(isa.time);
    DUP(isa.version);
    DUP(gs.functional_id);
    DUP(gs.sender);
    DUP(gs.receiver);
    DUP(gs.date);
    DUP(gs.time);
    DUP(gs.version);
    DUP(implementation_ref);
    DUP(bht_structure);
    DUP(bht_purpose);
    DUP(bht_reference);
    DUP(bht_date);
    DUP(bht_time);
    DUP(bht_type);
    if (claim_copy_party(a, &d->submitter, &s->submitter) < 0 ||
        claim_copy_party(a, &d->receiver, &s->receiver) < 0)
        return -1;
    return 0;
}

/* ---- NPI ----------------------------------------------------------------- */

/* One rule for the writer's checks and the validator (x12__npi_valid():
 * ten digits, the first 1 or 2, the last the Luhn digit of "80840" and the
 * first nine; X12-FACTS).  The writer's own copy lacked the first-digit rule,
 * so a claim it let through could fail x12 validate's NPI check. */
int x12_npi_valid(const char *npi)
{
    return npi && x12__npi_valid(npi, strlen(npi));
}
