/* The field tables of the claims JSON (docs/claims-json.md): one table per
 * claim-model struct names each JSON field, where it lives in the struct and
 * which X12 element it becomes.  claims_json.c maps with them both ways; the
 * JSON Schema (docs/claims.schema.json) is generated from them here. */
#include <stdio.h>
#include <string.h>

#include "claims_fields.h"

#define STR(T, f, d) {#f, F_STR, offsetof(T, f), 0, 0, NULL, d, sizeof #f - 1}
#define NUMSTR(T, f, d) {#f, F_STRNUM, offsetof(T, f), 0, 0, NULL, d, sizeof #f - 1}
#define AMT(T, f, name, d) {name, F_AMOUNT, offsetof(T, f), 0, 0, NULL, d, sizeof name - 1}
#define OAMT(T, f, has, name, d)                                                                   \
    {name, F_OPT_AMOUNT, offsetof(T, f), offsetof(T, has), 0, NULL, d, sizeof name - 1}
#define STRS(T, f, k, d) {#f, F_STRS, offsetof(T, f), 0, k, NULL, d, sizeof #f - 1}
#define SUB(T, f, D, d) {#f, F_STRUCT, offsetof(T, f), 0, 0, &D, d, sizeof #f - 1}
#define PTR(T, f, D, d) {#f, F_PTR, offsetof(T, f), 0, 0, &D, d, sizeof #f - 1}
#define ARR(T, f, cnt, D, d) {#f, F_ARRAY, offsetof(T, f), offsetof(T, cnt), 0, &D, d, sizeof #f - 1}
#define STRLIST(T, f, cnt, d)                                                                      \
    {#f, F_STRLIST, offsetof(T, f), offsetof(T, cnt), 0, NULL, d, sizeof #f - 1}
#define DESC(name, T, tab) {name, sizeof(T), tab, sizeof tab / sizeof tab[0], 0}
#define DESC_REQ(name, T, tab, req) {name, sizeof(T), tab, sizeof tab / sizeof tab[0], req}

static const field ADDRESS_F[] = {
    STR(x12_claim_address, line1, "N301"),
    STR(x12_claim_address, line2, "N302"),
    STR(x12_claim_address, city, "N401"),
    STR(x12_claim_address, state, "N402"),
    STR(x12_claim_address, postal_code, "N403"),
    STR(x12_claim_address, country, "N404"),
    STR(x12_claim_address, subdivision, "N407"),
};
static const desc ADDRESS = DESC("address", x12_claim_address, ADDRESS_F);

static const field CONTACT_F[] = {
    STR(x12_claim_contact, function, "PER01 (IC when absent)"),
    STR(x12_claim_contact, name, "PER02"),
    STRS(x12_claim_contact, qualifier, 3, "PER03/05/07: TE, EM, FX, EX"),
    STRS(x12_claim_contact, number, 3, "PER04/06/08"),
};
static const desc CONTACT = DESC("contact", x12_claim_contact, CONTACT_F);

static const field REF_F[] = {
    STR(x12_claim_ref, qualifier, "REF01"),
    STR(x12_claim_ref, value, "REF02"),
    STR(x12_claim_ref, id2, "REF04-2"),
};
static const desc REF = DESC("ref", x12_claim_ref, REF_F);

static const field DATE_F[] = {
    STR(x12_claim_date, qualifier, "DTP01"),
    STR(x12_claim_date, format, "DTP02: D8, RD8, DT, TM"),
    STR(x12_claim_date, value, "DTP03"),
};
static const desc DATE = DESC("date", x12_claim_date, DATE_F);

static const field AMOUNT_F[] = {
    STR(x12_claim_amount, qualifier, "AMT01"),
    AMT(x12_claim_amount, cents, "amount", "AMT02"),
};
static const desc AMOUNT = DESC_REQ("amount", x12_claim_amount, AMOUNT_F, 1);

static const field NOTE_F[] = {
    STR(x12_claim_note, code, "NTE01"),
    STR(x12_claim_note, text, "NTE02"),
};
static const desc NOTE = DESC("note", x12_claim_note, NOTE_F);

static const field ATTACHMENT_F[] = {
    STR(x12_claim_attachment, report_type, "PWK01"),
    STR(x12_claim_attachment, transmission, "PWK02"),
    STR(x12_claim_attachment, control, "PWK06"),
};
static const desc ATTACHMENT = DESC("attachment", x12_claim_attachment, ATTACHMENT_F);

static const field PARTY_F[] = {
    STR(x12_claim_party, entity_code, "NM101"),
    STR(x12_claim_party, entity_type, "NM102: 1 person, 2 organization"),
    STR(x12_claim_party, last_name, "NM103: last name or organization name"),
    STR(x12_claim_party, first_name, "NM104"),
    STR(x12_claim_party, middle_name, "NM105"),
    STR(x12_claim_party, suffix, "NM107"),
    STR(x12_claim_party, id_qualifier, "NM108: XX (NPI), MI, PI, 46, XV, II"),
    STR(x12_claim_party, id, "NM109"),
    STR(x12_claim_party, provider_code, "PRV01"),
    STR(x12_claim_party, taxonomy, "PRV03"),
    SUB(x12_claim_party, address, ADDRESS, "N3/N4"),
    STR(x12_claim_party, tax_id_qualifier, "REF01: EI or SY"),
    STR(x12_claim_party, tax_id, "REF02 of REF*EI / REF*SY"),
    STR(x12_claim_party, birth_date, "DMG02 (CCYYMMDD)"),
    STR(x12_claim_party, gender, "DMG03: F, M, U"),
    ARR(x12_claim_party, refs, ref_count, REF, "other REF segments"),
    ARR(x12_claim_party, contacts, contact_count, CONTACT, "PER segments"),
};
static const desc PARTY = DESC("party", x12_claim_party, PARTY_F);

static const field PROVIDER_F[] = {
    {"role", F_ROLE, offsetof(x12_claim_provider, role), 0, 0, NULL, "the 2310x/2420x loop", 4},
    SUB(x12_claim_provider, party, PARTY, "NM1, PRV, REF"),
};
static const desc PROVIDER = DESC("provider", x12_claim_provider, PROVIDER_F);

static const field CODE_F[] = {
    STR(x12_claim_code, qualifier, "C022-01 (the field's ICD-10 default when absent)"),
    STR(x12_claim_code, code, "C022-02"),
    STR(x12_claim_code, date, "C022-04 (CCYYMMDD or CCYYMMDD-CCYYMMDD)"),
    OAMT(x12_claim_code, amount_cents, has_amount, "amount", "C022-05"),
    NUMSTR(x12_claim_code, quantity, "C022-06"),
    STR(x12_claim_code, poa, "C022-09 present on admission"),
};
static const desc CODE = DESC("code", x12_claim_code, CODE_F);

static const field AMBULANCE_F[] = {
    NUMSTR(x12_claim_ambulance, weight, "CR102 (CR101 LB)"),
    STR(x12_claim_ambulance, reason, "CR104"),
    NUMSTR(x12_claim_ambulance, miles, "CR106 (CR105 DH)"),
    STR(x12_claim_ambulance, round_trip_purpose, "CR109"),
    STR(x12_claim_ambulance, stretcher_purpose, "CR110"),
};
static const desc AMBULANCE = DESC("ambulance", x12_claim_ambulance, AMBULANCE_F);

static const field SPINAL_F[] = {
    STR(x12_claim_spinal, condition, "CR208"),
    STR(x12_claim_spinal, description1, "CR210"),
    STR(x12_claim_spinal, description2, "CR211"),
};
static const desc SPINAL = DESC("spinal", x12_claim_spinal, SPINAL_F);

static const field CRC_F[] = {
    STR(x12_claim_crc, category, "CRC01"),
    STR(x12_claim_crc, response, "CRC02"),
    STRS(x12_claim_crc, codes, 5, "CRC03-07"),
};
static const desc CRC = DESC("condition_indicator", x12_claim_crc, CRC_F);

static const field DME_F[] = {
    STR(x12_claim_dme, procedure_qualifier, "SV501-1"),
    STR(x12_claim_dme, procedure, "SV501-2"),
    NUMSTR(x12_claim_dme, days, "SV503 (SV502 DA)"),
    OAMT(x12_claim_dme, rental_cents, has_rental, "rental", "SV504"),
    OAMT(x12_claim_dme, purchase_cents, has_purchase, "purchase", "SV505"),
    STR(x12_claim_dme, frequency, "SV506"),
};
static const desc DME = DESC("dme", x12_claim_dme, DME_F);

static const field DME_CERT_F[] = {
    STR(x12_claim_dme_certification, type, "CR301"),
    NUMSTR(x12_claim_dme_certification, months, "CR303 (CR302 MO)"),
};
static const desc DME_CERT = DESC("dme_certification", x12_claim_dme_certification, DME_CERT_F);

static const field FORM_ANSWER_F[] = {
    STR(x12_claim_form_answer, question, "FRM01"),
    STR(x12_claim_form_answer, yes_no, "FRM02"),
    STR(x12_claim_form_answer, text, "FRM03"),
    STR(x12_claim_form_answer, date, "FRM04"),
    NUMSTR(x12_claim_form_answer, percent, "FRM05"),
};
static const desc FORM_ANSWER = DESC("form_answer", x12_claim_form_answer, FORM_ANSWER_F);

static const field FORM_F[] = {
    STR(x12_claim_form, type, "LQ01"),
    STR(x12_claim_form, form, "LQ02"),
    ARR(x12_claim_form, answers, answer_count, FORM_ANSWER, "FRM"),
};
static const desc FORM = DESC("form", x12_claim_form, FORM_F);

static const field REPRICING_F[] = {
    STR(x12_claim_repricing, pricing_methodology, "HCP01"),
    OAMT(x12_claim_repricing, allowed_cents, has_allowed, "allowed", "HCP02"),
    OAMT(x12_claim_repricing, savings_cents, has_savings, "savings", "HCP03"),
    STR(x12_claim_repricing, organization_id, "HCP04"),
    NUMSTR(x12_claim_repricing, rate, "HCP05"),
    STR(x12_claim_repricing, approved_drg, "HCP06"),
    OAMT(x12_claim_repricing, drg_amount_cents, has_drg_amount, "drg_amount", "HCP07"),
    STR(x12_claim_repricing, approved_revenue_code, "HCP08"),
    STR(x12_claim_repricing, procedure_qualifier, "HCP09"),
    STR(x12_claim_repricing, procedure, "HCP10"),
    STR(x12_claim_repricing, unit_basis, "HCP11"),
    NUMSTR(x12_claim_repricing, units, "HCP12"),
    STR(x12_claim_repricing, reject_reason, "HCP13"),
    STR(x12_claim_repricing, compliance, "HCP14"),
    STR(x12_claim_repricing, exception, "HCP15"),
};
static const desc REPRICING = DESC("repricing", x12_claim_repricing, REPRICING_F);

static const field CONTRACT_F[] = {
    STR(x12_claim_contract, type, "CN101"),
    OAMT(x12_claim_contract, amount_cents, has_amount, "amount", "CN102"),
    NUMSTR(x12_claim_contract, percent, "CN103"),
    STR(x12_claim_contract, code, "CN104"),
    NUMSTR(x12_claim_contract, discount, "CN105"),
    STR(x12_claim_contract, version, "CN106"),
};
static const desc CONTRACT = DESC("contract", x12_claim_contract, CONTRACT_F);

static const field MEASURE_F[] = {
    STR(x12_claim_measure, category, "MEA01 (absent for QTY)"),
    STR(x12_claim_measure, qualifier, "QTY01 / MEA02"),
    NUMSTR(x12_claim_measure, value, "QTY02 / MEA03"),
};
static const desc MEASURE = DESC("measure", x12_claim_measure, MEASURE_F);

static const field OUTPATIENT_F[] = {
    NUMSTR(x12_claim_outpatient_adjudication, reimbursement_rate, "MOA01"),
    OAMT(x12_claim_outpatient_adjudication, payable_cents, has_payable, "payable", "MOA02"),
    STRS(x12_claim_outpatient_adjudication, remarks, 5, "MOA03-07"),
    OAMT(x12_claim_outpatient_adjudication, esrd_cents, has_esrd, "esrd", "MOA08"),
    OAMT(x12_claim_outpatient_adjudication, nonpayable_cents, has_nonpayable, "nonpayable",
         "MOA09"),
};
static const desc OUTPATIENT =
    DESC("outpatient_adjudication", x12_claim_outpatient_adjudication, OUTPATIENT_F);

static const field INPATIENT_F[] = {
    NUMSTR(x12_claim_inpatient_adjudication, covered_days, "MIA01"),
    NUMSTR(x12_claim_inpatient_adjudication, lifetime_psychiatric_days, "MIA03"),
    NUMSTR(x12_claim_inpatient_adjudication, cost_report_days, "MIA15"),
    STRS(x12_claim_inpatient_adjudication, remarks, 5, "MIA05, MIA20-23"),
    {"amounts", F_AMOUNTS, offsetof(x12_claim_inpatient_adjudication, amount_cents),
     offsetof(x12_claim_inpatient_adjudication, has_amount), 24, NULL,
     "MIA amounts by position: item i is MIA(i+1) (4, 6-14, 16-19, 24 are amounts)", 7},
};
static const desc INPATIENT =
    DESC("inpatient_adjudication", x12_claim_inpatient_adjudication, INPATIENT_F);

static const field ADJUSTMENT_F[] = {
    STR(x12_claim_adjustment, group, "CAS01: CO, CR, OA, PI, PR"),
    STR(x12_claim_adjustment, reason, "CAS02: claim adjustment reason code"),
    AMT(x12_claim_adjustment, cents, "amount", "CAS03"),
    NUMSTR(x12_claim_adjustment, quantity, "CAS04"),
};
static const desc ADJUSTMENT = DESC_REQ("adjustment", x12_claim_adjustment, ADJUSTMENT_F, 1);

static const field OTHER_PAYER_F[] = {
    STR(x12_claim_other_payer, payer_responsibility, "2320 SBR01"),
    STR(x12_claim_other_payer, relationship, "2320 SBR02"),
    STR(x12_claim_other_payer, group_number, "2320 SBR03"),
    STR(x12_claim_other_payer, group_name, "2320 SBR04"),
    STR(x12_claim_other_payer, insurance_type, "2320 SBR05"),
    STR(x12_claim_other_payer, claim_filing_indicator, "2320 SBR09"),
    ARR(x12_claim_other_payer, adjustments, adjustment_count, ADJUSTMENT, "2320 CAS"),
    OAMT(x12_claim_other_payer, paid_cents, has_paid, "paid", "2320 AMT*D"),
    ARR(x12_claim_other_payer, amounts, amount_count, AMOUNT, "2320 AMT (A8, EAF)"),
    STR(x12_claim_other_payer, benefits_assignment, "OI03"),
    STR(x12_claim_other_payer, patient_signature_source, "OI04"),
    STR(x12_claim_other_payer, release_of_info, "OI06"),
    SUB(x12_claim_other_payer, subscriber, PARTY, "2330A NM1*IL"),
    SUB(x12_claim_other_payer, payer, PARTY, "2330B NM1*PR"),
    STR(x12_claim_other_payer, adjudication_date, "2330B DTP*573"),
    ARR(x12_claim_other_payer, providers, provider_count, PROVIDER, "2330C-2330I"),
    PTR(x12_claim_other_payer, outpatient, OUTPATIENT, "2320 MOA"),
    PTR(x12_claim_other_payer, inpatient, INPATIENT, "837I 2320 MIA"),
};
static const desc OTHER_PAYER = DESC("other_payer", x12_claim_other_payer, OTHER_PAYER_F);

static const field LINE_ADJ_F[] = {
    STR(x12_claim_line_adjudication, payer_id, "SVD01"),
    AMT(x12_claim_line_adjudication, paid_cents, "paid", "SVD02"),
    STR(x12_claim_line_adjudication, procedure_qualifier, "SVD03-1"),
    STR(x12_claim_line_adjudication, procedure, "SVD03-2"),
    STRS(x12_claim_line_adjudication, modifiers, 4, "SVD03-3..6"),
    STR(x12_claim_line_adjudication, description, "SVD03-7"),
    STR(x12_claim_line_adjudication, revenue_code, "SVD04"),
    NUMSTR(x12_claim_line_adjudication, units, "SVD05"),
    STR(x12_claim_line_adjudication, bundled_line, "SVD06"),
    ARR(x12_claim_line_adjudication, adjustments, adjustment_count, ADJUSTMENT, "2430 CAS"),
    STR(x12_claim_line_adjudication, adjudication_date, "2430 DTP*573"),
    OAMT(x12_claim_line_adjudication, remaining_cents, has_remaining, "remaining", "2430 AMT*EAF"),
};
static const desc LINE_ADJ =
    DESC_REQ("line_adjudication", x12_claim_line_adjudication, LINE_ADJ_F, 1);

static const field TOOTH_F[] = {
    NUMSTR(x12_claim_tooth, number, "TOO02"),
    STRS(x12_claim_tooth, surfaces, 5, "TOO03-1..5"),
};
static const desc TOOTH = DESC("tooth", x12_claim_tooth, TOOTH_F);

static const field DRUG_F[] = {
    STR(x12_claim_drug, qualifier, "LIN02"),
    STR(x12_claim_drug, code, "LIN03"),
    NUMSTR(x12_claim_drug, quantity, "CTP04"),
    STR(x12_claim_drug, unit, "CTP05-1"),
    STR(x12_claim_drug, ref_qualifier, "REF01"),
    STR(x12_claim_drug, ref_value, "REF02"),
};
static const desc DRUG = DESC("drug", x12_claim_drug, DRUG_F);

static const field LINE_F[] = {
    STR(x12_claim_line, procedure_qualifier, "SV101-1 / SV202-1 / SV301-1"),
    STR(x12_claim_line, procedure, "SV101-2 / SV202-2 / SV301-2"),
    STRS(x12_claim_line, modifiers, 4, "procedure modifiers"),
    STR(x12_claim_line, description, "SV101-7 / SV202-7 / SV301-7"),
    STR(x12_claim_line, revenue_code, "SV201"),
    AMT(x12_claim_line, charge_cents, "charge", "SV102 / SV203 / SV302"),
    STR(x12_claim_line, unit_basis, "SV103 / SV204"),
    NUMSTR(x12_claim_line, units, "SV104 / SV205 / SV306"),
    STR(x12_claim_line, place_of_service, "SV105 / SV303"),
    {"diagnosis_pointers", F_POINTERS, offsetof(x12_claim_line, diagnosis_pointers), 0, 4, NULL,
     "SV107 / SV311", 18},
    STR(x12_claim_line, emergency, "SV109"),
    STR(x12_claim_line, epsdt, "SV111"),
    STR(x12_claim_line, family_planning, "SV112"),
    STR(x12_claim_line, copay_exempt, "SV115"),
    OAMT(x12_claim_line, unit_rate_cents, has_unit_rate, "unit_rate", "SV206"),
    OAMT(x12_claim_line, non_covered_cents, has_non_covered, "non_covered", "SV207"),
    STRS(x12_claim_line, oral_cavity, 5, "SV304"),
    STR(x12_claim_line, prosthesis, "SV305"),
    ARR(x12_claim_line, teeth, tooth_count, TOOTH, "TOO"),
    STR(x12_claim_line, service_date, "DTP*472"),
    ARR(x12_claim_line, dates, date_count, DATE, "other DTP"),
    STR(x12_claim_line, line_control_number, "REF*6R"),
    ARR(x12_claim_line, refs, ref_count, REF, "other REF"),
    ARR(x12_claim_line, amounts, amount_count, AMOUNT, "AMT"),
    ARR(x12_claim_line, notes, note_count, NOTE, "NTE"),
    ARR(x12_claim_line, attachments, attachment_count, ATTACHMENT, "PWK"),
    PTR(x12_claim_line, drug, DRUG, "2410 LIN/CTP/REF"),
    ARR(x12_claim_line, providers, provider_count, PROVIDER, "2420x"),
    ARR(x12_claim_line, adjudications, adjudication_count, LINE_ADJ, "2430"),
    PTR(x12_claim_line, repricing, REPRICING, "2400 HCP"),
    PTR(x12_claim_line, ambulance, AMBULANCE, "2400 CR1"),
    ARR(x12_claim_line, condition_indicators, condition_indicator_count, CRC, "2400 CRC"),
    PTR(x12_claim_line, dme, DME, "SV5"),
    PTR(x12_claim_line, dme_certification, DME_CERT, "CR3"),
    ARR(x12_claim_line, forms, form_count, FORM, "2440 LQ/FRM"),
    ARR(x12_claim_line, quantities, quantity_count, MEASURE, "837P 2400 QTY"),
    ARR(x12_claim_line, measurements, measurement_count, MEASURE, "837P 2400 MEA"),
    PTR(x12_claim_line, contract, CONTRACT, "837P 2400 CN1"),
    STRLIST(x12_claim_line, file_info, file_info_count, "837P 2400 K301"),
    STR(x12_claim_line, purchased_provider_id, "837P 2400 PS101"),
    OAMT(x12_claim_line, purchased_cents, has_purchased, "purchased", "837P 2400 PS102"),
};
static const desc LINE = DESC_REQ("line", x12_claim_line, LINE_F, 1);

static const field BILLING_F[] = {
    SUB(x12_claim_billing, provider, PARTY, "2010AA NM1*85"),
    STR(x12_claim_billing, currency, "2000A CUR02"),
    PTR(x12_claim_billing, pay_to_address, PARTY, "2010AB NM1*87"),
    PTR(x12_claim_billing, pay_to_plan, PARTY, "2010AC NM1*PE"),
};
static const desc BILLING = DESC("billing", x12_claim_billing, BILLING_F);

static const field SUBSCRIBER_F[] = {
    STR(x12_claim_subscriber, payer_responsibility, "SBR01"),
    STR(x12_claim_subscriber, relationship, "SBR02: 18 when the subscriber is the patient"),
    STR(x12_claim_subscriber, group_number, "SBR03"),
    STR(x12_claim_subscriber, group_name, "SBR04"),
    STR(x12_claim_subscriber, insurance_type, "SBR05"),
    STR(x12_claim_subscriber, claim_filing_indicator, "SBR09"),
    SUB(x12_claim_subscriber, subscriber, PARTY, "2010BA NM1*IL"),
    SUB(x12_claim_subscriber, payer, PARTY, "2010BB NM1*PR"),
    STR(x12_claim_subscriber, death_date, "837P 2000B PAT06"),
    NUMSTR(x12_claim_subscriber, weight, "837P 2000B PAT08 (pounds)"),
    STR(x12_claim_subscriber, pregnant, "837P 2000B PAT09"),
};
static const desc SUBSCRIBER = DESC("subscriber", x12_claim_subscriber, SUBSCRIBER_F);

static const field PATIENT_F[] = {
    STR(x12_claim_patient, relationship, "PAT01"),
    SUB(x12_claim_patient, patient, PARTY, "2010CA NM1*QC"),
    STR(x12_claim_patient, death_date, "837P PAT06"),
    NUMSTR(x12_claim_patient, weight, "837P PAT08 (pounds)"),
    STR(x12_claim_patient, pregnant, "837P PAT09"),
};
static const desc PATIENT = DESC("patient", x12_claim_patient, PATIENT_F);

#define C(f) offsetof(claim_doc, claim) + offsetof(x12_claim, f)
#define CSTR(f, d) {#f, F_STR, C(f), 0, 0, NULL, d, sizeof #f - 1}
#define CNUMSTR(f, d) {#f, F_STRNUM, C(f), 0, 0, NULL, d, sizeof #f - 1}
#define CSUB(f, D, d) {#f, F_STRUCT, C(f), 0, 0, &D, d, sizeof #f - 1}
#define CPTR(f, D, d) {#f, F_PTR, C(f), 0, 0, &D, d, sizeof #f - 1}
#define CARR(f, cnt, D, d) {#f, F_ARRAY, C(f), C(cnt), 0, &D, d, sizeof #f - 1}

static const field CLAIM_F[] = {
    {"type", F_TYPE, C(type), 0, 0, NULL, "837P, 837I or 837D", 4},
    CSTR(transaction_type, "BHT06: CH for payment, RP reporting (encounter), 31 subrogation"),
    {"submitter", F_PTR, offsetof(claim_doc, submitter), 0, 0, &PARTY, "1000A NM1*41", 9},
    {"receiver", F_PTR, offsetof(claim_doc, receiver), 0, 0, &PARTY, "1000B NM1*40", 8},
    CPTR(billing, BILLING, "2000A"),
    CPTR(subscriber, SUBSCRIBER, "2000B"),
    CPTR(patient, PATIENT, "2000C (absent when the subscriber is the patient)"),
    CSTR(claim_id, "CLM01 patient control number"),
    {"total_charge", F_AMOUNT, C(total_charge_cents), 0, 0, NULL, "CLM02", 12},
    CSTR(facility_code, "CLM05-1: place of service, or type of bill digits 1-2"),
    CSTR(facility_qualifier, "CLM05-2"),
    CSTR(frequency_code, "CLM05-3: 1 original, 7 replacement, 8 void"),
    CSTR(provider_signature, "CLM06"),
    CSTR(assignment, "CLM07"),
    CSTR(benefits_assignment, "CLM08"),
    CSTR(release_of_info, "CLM09"),
    CSTR(patient_signature_source, "CLM10"),
    {"related_causes", F_STRS, C(related_causes), 0, 3, NULL, "CLM11-1..3", 14},
    CSTR(accident_state, "CLM11-4"),
    CSTR(accident_country, "CLM11-5"),
    CSTR(special_program, "CLM12"),
    CSTR(predetermination, "CLM19"),
    CSTR(delay_reason, "CLM20"),
    CSTR(onset_date, "DTP*431"),
    CSTR(admission_date, "DTP*435"),
    CSTR(discharge_date, "DTP*096"),
    CSTR(statement_from, "DTP*434 from"),
    CSTR(statement_to, "DTP*434 to"),
    CARR(dates, date_count, DATE, "other DTP"),
    CSTR(payer_claim_number, "REF*F8 (frequency 7 and 8)"),
    CSTR(prior_authorization, "REF*G1"),
    CSTR(referral_number, "REF*9F"),
    CSTR(medical_record_number, "REF*EA"),
    CARR(refs, ref_count, REF, "other REF"),
    CARR(amounts, amount_count, AMOUNT, "AMT"),
    CARR(notes, note_count, NOTE, "NTE"),
    CARR(attachments, attachment_count, ATTACHMENT, "PWK"),
    CSUB(principal_diagnosis, CODE, "HI ABK"),
    CSUB(admitting_diagnosis, CODE, "HI ABJ"),
    CARR(reason_for_visit, reason_for_visit_count, CODE, "HI APR"),
    CARR(external_causes, external_cause_count, CODE, "HI ABN"),
    CARR(other_diagnoses, other_diagnosis_count, CODE, "HI ABF"),
    CSTR(admission_type, "CL101"),
    CSTR(admission_source, "CL102"),
    CSTR(patient_status, "CL103"),
    CSTR(drg, "HI DR"),
    CSUB(principal_procedure, CODE, "HI BBR"),
    CARR(other_procedures, other_procedure_count, CODE, "HI BBQ"),
    CARR(occurrence_spans, occurrence_span_count, CODE, "HI BI"),
    CARR(occurrences, occurrence_count, CODE, "HI BH"),
    CARR(values, value_count, CODE, "HI BE"),
    CARR(conditions, condition_count, CODE, "HI BG"),
    CARR(treatment_codes, treatment_code_count, CODE, "837I HI TC"),
    {"has_orthodontic", F_FLAG, C(has_orthodontic), 0, 0, NULL, "DN1 present", 15},
    CNUMSTR(ortho_months_total, "DN101"),
    CNUMSTR(ortho_months_remaining, "DN102"),
    CSTR(ortho_questionnaire, "DN104"),
    CARR(tooth_status, tooth_status_count, TOOTH, "DN2"),
    CARR(providers, provider_count, PROVIDER, "2310x"),
    CARR(other_payers, other_payer_count, OTHER_PAYER, "2320/2330"),
    CARR(lines, line_count, LINE, "2400"),
    CPTR(repricing, REPRICING, "2300 HCP"),
    CPTR(ambulance, AMBULANCE, "837P 2300 CR1"),
    CPTR(spinal, SPINAL, "837P 2300 CR2"),
    CARR(condition_indicators, condition_indicator_count, CRC, "837P 2300 CRC"),
    CPTR(contract, CONTRACT, "2300 CN1"),
    {"file_info", F_STRLIST, C(file_info), C(file_info_count), 0, NULL, "2300 K301", 9},
};
const desc claims_claim_desc = DESC_REQ("claim", claim_doc, CLAIM_F, 1);

const char *const claims_role_names[] = {
    "rendering",   "referring",        "attending",         "operating",
    "other_operating", "supervising", "service_facility", "assistant_surgeon",
    "ordering",    "purchased_service", "ambulance_pickup", "ambulance_dropoff", "billing",
};
/* a role added to claim.h needs its JSON name here */
_Static_assert(sizeof claims_role_names / sizeof claims_role_names[0] == CLAIMS_NROLES,
               "claims_role_names misses a provider role");

const char *const claims_type_names[CLAIMS_NTYPES] = {"professional", "institutional",
                                                      "dental"};

/* --- the JSON Schema ----------------------------------------------------- */

static json_t *schema_of_field(const field *f)
{
    json_t *s = NULL;
    switch (f->kind) {
    case F_STR:
        s = json_pack("{s:s}", "type", "string");
        break;
    case F_STRNUM:
        s = json_pack("{s:[s,s]}", "type", "string", "number");
        break;
    case F_AMOUNT:
    case F_OPT_AMOUNT:
        s = json_pack("{s:s}", "$ref", "#/$defs/money");
        break;
    case F_STRS:
        s = json_pack("{s:s,s:{s:[s,s]},s:I}", "type", "array", "items", "type", "string", "null",
                      "maxItems", (json_int_t)f->n);
        break;
    case F_POINTERS:
        s = json_pack("{s:s,s:{s:s,s:i,s:i},s:I}", "type", "array", "items", "type", "integer",
                      "minimum", 1, "maximum", 12, "maxItems", (json_int_t)f->n);
        break;
    case F_FLAG:
        s = json_pack("{s:s}", "type", "boolean");
        break;
    case F_STRUCT:
    case F_PTR: {
        char ref[64];
        snprintf(ref, sizeof ref, "#/$defs/%s", f->sub->name);
        s = json_pack("{s:s}", "$ref", ref);
        break;
    }
    case F_ARRAY: {
        char ref[64];
        snprintf(ref, sizeof ref, "#/$defs/%s", f->sub->name);
        s = json_pack("{s:s,s:{s:s}}", "type", "array", "items", "$ref", ref);
        break;
    }
    case F_STRLIST:
        s = json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "string");
        break;
    case F_AMOUNTS:
        s = json_pack("{s:s,s:{s:[{s:s},{s:s}]},s:I}", "type", "array", "items", "anyOf", "$ref",
                      "#/$defs/money", "type", "null", "maxItems", (json_int_t)f->n);
        break;
    case F_ROLE:
    case F_TYPE: {
        const char *const *names = f->kind == F_ROLE ? claims_role_names : claims_type_names;
        size_t count = f->kind == F_ROLE ? CLAIMS_NROLES : CLAIMS_NTYPES;
        json_t *e = json_array();
        for (size_t i = 0; i < count; i++)
            json_array_append_new(e, json_string(names[i]));
        s = json_pack("{s:s,s:o}", "type", "string", "enum", e);
        break;
    }
    }
    if (s && f->doc)
        json_object_set_new(s, "description", json_string(f->doc));
    return s;
}

static json_t *schema_of_desc(const desc *d)
{
    unsigned amounts = 0;
    for (size_t i = 0; i < d->nfields; i++)
        amounts += d->fields[i].kind == F_AMOUNT;
    for (size_t i = 0; i < d->nfields; i++)
        if (d->fields[i].nlen != strlen(d->fields[i].name))
            return NULL; /* a hand-written entry with a wrong length */
    if (amounts != d->required || d->nfields > 96)
        return NULL; /* the tables are wrong: DESC_REQ, or seen[] in read_object() */
    json_t *props = json_object();
    json_t *req = json_array();
    for (size_t i = 0; i < d->nfields; i++) {
        json_object_set_new(props, d->fields[i].name, schema_of_field(&d->fields[i]));
        if (d->fields[i].kind == F_AMOUNT)
            json_array_append_new(req, json_string(d->fields[i].name));
    }
    json_t *o = json_pack("{s:s,s:o,s:b}", "type", "object", "properties", props,
                          "additionalProperties", 0);
    if (json_array_size(req))
        json_object_set_new(o, "required", req);
    else
        json_decref(req);
    return o;
}

json_t *claims_json_schema(void)
{
    static const desc *const all[] = {&ADDRESS, &CONTACT, &REF, &DATE, &AMOUNT, &NOTE,
                                      &ATTACHMENT, &PARTY, &PROVIDER, &CODE, &AMBULANCE,
                                      &SPINAL, &CRC, &DME, &DME_CERT, &FORM_ANSWER, &FORM,
                                      &REPRICING, &CONTRACT, &MEASURE, &OUTPATIENT, &INPATIENT,
                                      &ADJUSTMENT, &OTHER_PAYER, &LINE_ADJ,
                                      &TOOTH, &DRUG, &LINE, &BILLING, &SUBSCRIBER, &PATIENT};
    json_t *defs = json_object();
    json_object_set_new(defs, "money",
                        json_pack("{s:s,s:[{s:s,s:s},{s:s}]}", "description",
                                  "an amount: a string or a number with at most 2 decimals, read "
                                  "from its text (never as floating point)",
                                  "anyOf", "type", "string", "pattern",
                                  "^-?[0-9]{1,13}(\\.[0-9]{1,2})?$", "type", "number"));
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        json_object_set_new(defs, all[i]->name, schema_of_desc(all[i]));
    json_t *root = schema_of_desc(&claims_claim_desc);
    json_object_set_new(root, "$schema",
                        json_string("https://json-schema.org/draft/2020-12/schema"));
    json_object_set_new(root, "$id", json_string("https://x12kit.example/claims.schema.json"));
    json_object_set_new(root, "title", json_string("x12kit claim (one element of a JSON array or "
                                                    "one NDJSON line)"));
    json_object_set_new(root, "$defs", defs);
    return root;
}
