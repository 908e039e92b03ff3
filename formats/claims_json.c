/* Claims as JSON (docs/claims-json.md): one table per claim-model struct
 * names each JSON field and where it lives, and drives both directions (JSON
 * object -> x12_claim in an arena, x12_claim -> JSON object) and the JSON
 * Schema.  Reading the bytes is json_stream.c's job; checking a claim against
 * the guides is x12_claim_check()'s. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims_json.h"
#include "json_stream.h"
#include "x12/amount.h"
#include "x12/arena.h"
#include "x12/writer.h"

/* --- the field tables ---------------------------------------------------- */

typedef enum fkind {
    F_STR,        /* const char *: a JSON string */
    F_STRNUM,     /* const char *: a string, or a number kept as its text (units, quantities) */
    F_AMOUNT,     /* int64_t cents, required when its object is given */
    F_OPT_AMOUNT, /* int64_t cents at off, int has_ flag at aux */
    F_STRS,       /* const char *[n]: an array of up to n strings */
    F_POINTERS,   /* uint8_t[4]: diagnosis pointers 1..12 */
    F_FLAG,       /* int: a boolean */
    F_STRUCT,     /* an embedded struct of `sub` */
    F_PTR,        /* a pointer to one struct of `sub`, allocated in the arena */
    F_ARRAY,      /* a pointer to `count` structs of `sub` (count: size_t at aux) */
    F_STRLIST,    /* const char ** with a size_t count at aux: an array of strings */
    F_ROLE,       /* x12_claim_provider_role */
    F_TYPE        /* x12_claim_type */
} fkind;

typedef struct desc desc;

typedef struct field {
    const char *name;
    fkind kind;
    size_t off;
    size_t aux;
    size_t n;
    const desc *sub;
    const char *doc; /* the schema's description: the X12 element it becomes */
} field;

struct desc {
    const char *name; /* the schema's $defs name */
    size_t size;
    const field *fields;
    size_t nfields;
    unsigned required; /* F_AMOUNT fields (checked by claims_json_schema()) */
};

/* A claim object of the JSON: the claim plus the 1000A/1000B parties. */
typedef struct claim_doc {
    x12_claim claim;
    const x12_claim_party *submitter;
    const x12_claim_party *receiver;
} claim_doc;

#define STR(T, f, d) {#f, F_STR, offsetof(T, f), 0, 0, NULL, d}
#define NUMSTR(T, f, d) {#f, F_STRNUM, offsetof(T, f), 0, 0, NULL, d}
#define AMT(T, f, name, d) {name, F_AMOUNT, offsetof(T, f), 0, 0, NULL, d}
#define OAMT(T, f, has, name, d) {name, F_OPT_AMOUNT, offsetof(T, f), offsetof(T, has), 0, NULL, d}
#define STRS(T, f, k, d) {#f, F_STRS, offsetof(T, f), 0, k, NULL, d}
#define SUB(T, f, D, d) {#f, F_STRUCT, offsetof(T, f), 0, 0, &D, d}
#define PTR(T, f, D, d) {#f, F_PTR, offsetof(T, f), 0, 0, &D, d}
#define ARR(T, f, cnt, D, d) {#f, F_ARRAY, offsetof(T, f), offsetof(T, cnt), 0, &D, d}
#define STRLIST(T, f, cnt, d) {#f, F_STRLIST, offsetof(T, f), offsetof(T, cnt), 0, NULL, d}
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
    {"role", F_ROLE, offsetof(x12_claim_provider, role), 0, 0, NULL, "the 2310x/2420x loop"},
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
     "SV107 / SV311"},
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
#define CSTR(f, d) {#f, F_STR, C(f), 0, 0, NULL, d}
#define CNUMSTR(f, d) {#f, F_STRNUM, C(f), 0, 0, NULL, d}
#define CSUB(f, D, d) {#f, F_STRUCT, C(f), 0, 0, &D, d}
#define CPTR(f, D, d) {#f, F_PTR, C(f), 0, 0, &D, d}
#define CARR(f, cnt, D, d) {#f, F_ARRAY, C(f), C(cnt), 0, &D, d}

static const field CLAIM_F[] = {
    {"type", F_TYPE, C(type), 0, 0, NULL, "837P, 837I or 837D"},
    {"submitter", F_PTR, offsetof(claim_doc, submitter), 0, 0, &PARTY, "1000A NM1*41"},
    {"receiver", F_PTR, offsetof(claim_doc, receiver), 0, 0, &PARTY, "1000B NM1*40"},
    CPTR(billing, BILLING, "2000A"),
    CPTR(subscriber, SUBSCRIBER, "2000B"),
    CPTR(patient, PATIENT, "2000C (absent when the subscriber is the patient)"),
    CSTR(claim_id, "CLM01 patient control number"),
    {"total_charge", F_AMOUNT, C(total_charge_cents), 0, 0, NULL, "CLM02"},
    CSTR(facility_code, "CLM05-1: place of service, or type of bill digits 1-2"),
    CSTR(facility_qualifier, "CLM05-2"),
    CSTR(frequency_code, "CLM05-3: 1 original, 7 replacement, 8 void"),
    CSTR(provider_signature, "CLM06"),
    CSTR(assignment, "CLM07"),
    CSTR(benefits_assignment, "CLM08"),
    CSTR(release_of_info, "CLM09"),
    CSTR(patient_signature_source, "CLM10"),
    {"related_causes", F_STRS, C(related_causes), 0, 3, NULL, "CLM11-1..3"},
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
    {"has_orthodontic", F_FLAG, C(has_orthodontic), 0, 0, NULL, "DN1 present"},
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
    {"file_info", F_STRLIST, C(file_info), C(file_info_count), 0, NULL, "2300 K301"},
};
static const desc CLAIM = DESC_REQ("claim", claim_doc, CLAIM_F, 1);

static const char *const ROLE_NAMES[] = {
    "rendering",   "referring",        "attending",         "operating",
    "other_operating", "supervising", "service_facility", "assistant_surgeon",
    "ordering",    "purchased_service", "ambulance_pickup", "ambulance_dropoff", "billing",
};
#define NROLES (sizeof ROLE_NAMES / sizeof ROLE_NAMES[0])
/* a role added to claim.h needs its JSON name here */
_Static_assert(NROLES == X12_PROVIDER_BILLING + 1, "ROLE_NAMES misses a provider role");

static const char *const TYPE_NAMES[] = {"professional", "institutional", "dental"};
#define NTYPES 3

/* --- JSON -> claim ------------------------------------------------------- */

/* Byte classes of string contents (one table per reader, one look-up per byte). */
enum { BC_OK = 0, BC_CONTROL = 1, BC_REFUSED = 2, BC_HIGH = 3, BC_QUOTE = 4, BC_BACKSLASH = 5 };

static void byte_classes(unsigned char cls[256], const char *refuse)
{
    for (int b = 0; b < 256; b++)
        cls[b] = b < 0x20 ? BC_CONTROL : b >= 0x80 ? BC_HIGH : BC_OK;
    for (const char *p = refuse; p && *p; p++)
        cls[(unsigned char)*p] = BC_REFUSED;
    /* in the JSON text, not in decoded contents (a refused '"' stays refused
     * there through the slow path) */
    if (cls['"'] == BC_OK)
        cls['"'] = BC_QUOTE;
    if (cls['\\'] == BC_OK)
        cls['\\'] = BC_BACKSLASH;
}

/* Where the mapping is: a stack of keys and indexes, turned into a path
 * ("$[3].lines[1].charge") only when something fails. */
#define MAX_FRAMES 48

typedef struct reader_ctx {
    x12_arena *arena;
    const unsigned char *cls; /* byte classes of strings (BC_*), 256 entries */
    int to_x12;         /* fold non-ASCII text to X12 characters */
    x12_json_error *err;
    uint64_t root;
    struct frame {
        const char *key; /* NULL: an array index */
        size_t index;    /* the index, or the key's length */
    } fr[MAX_FRAMES];
    size_t nfr;
    const char *start, *p, *end; /* the element's bytes; p: where the parser is */
    uint64_t line0, off0;        /* line and offset of start */
    unsigned depth;
    int positioned;              /* a syntax error set at_line/at_off */
    uint64_t at_line, at_off;
    int type_given;              /* the claim has a "type" */
} reader_ctx;

static size_t push_keyn(reader_ctx *r, const char *key, size_t n)
{
    size_t old = r->nfr;
    if (r->nfr < MAX_FRAMES) {
        r->fr[r->nfr].key = key;
        r->fr[r->nfr].index = n;
        r->nfr++;
    }
    return old;
}

static size_t push_key(reader_ctx *r, const char *key)
{
    return push_keyn(r, key, strlen(key));
}

static size_t push_index(reader_ctx *r, size_t i)
{
    size_t old = r->nfr;
    if (r->nfr < MAX_FRAMES) {
        r->fr[r->nfr].key = NULL;
        r->fr[r->nfr].index = i;
        r->nfr++;
    }
    return old;
}

static void path_pop(reader_ctx *r, size_t old)
{
    r->nfr = old;
}

static x12_status fail(reader_ctx *r, x12_status code, const char *fmt, ...)
{
    x12_json_error *e = r->err;
    e->code = code;
    size_t n = (size_t)snprintf(e->path, sizeof e->path, "$[%llu]", (unsigned long long)r->root);
    for (size_t i = 0; i < r->nfr && n < sizeof e->path; i++) {
        int k = r->fr[i].key ? snprintf(e->path + n, sizeof e->path - n, ".%.*s",
                                        (int)r->fr[i].index, r->fr[i].key)
                             : snprintf(e->path + n, sizeof e->path - n, "[%zu]", r->fr[i].index);
        if (k < 0)
            break;
        n += (size_t)k;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

static x12_status nomem(reader_ctx *r)
{
    return fail(r, X12_ERR_NOMEM, "out of memory");
}

/* The element's bytes are parsed straight into the claim: one pass, no
 * intermediate tree, strings decoded into the arena, numbers parsed from
 * their text.  (The first version parsed each element with jansson's
 * json_loadb() and mapped the tree: 38% of NDJSON -> 837P went to building
 * and freeing that tree; bench/README.md.) */

static uint64_t pos_line(const reader_ctx *r, const char *at)
{
    uint64_t line = r->line0;
    for (const char *q = r->start; q < at && q < r->end; q++)
        if (*q == '\n')
            line++;
    return line;
}

/* A JSON syntax error at r->p: its own line and byte. */
static x12_status syntax(reader_ctx *r, const char *fmt, ...)
{
    x12_json_error *e = r->err;
    e->code = X12_ERR_ENCODING;
    snprintf(e->path, sizeof e->path, "$[%llu]", (unsigned long long)r->root);
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(e->message, sizeof e->message, "invalid JSON: %s", msg);
    r->at_line = pos_line(r, r->p);
    r->at_off = r->off0 + (uint64_t)(r->p - r->start);
    r->positioned = 1;
    return X12_ERR_ENCODING;
}

static void skip_ws(reader_ctx *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

static int is_number_start(const reader_ctx *r)
{
    return r->p < r->end && (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'));
}

static const char *kind_at(const reader_ctx *r)
{
    if (r->p >= r->end)
        return "the end of the object";
    switch (*r->p) {
    case '"': return "a string";
    case '{': return "an object";
    case '[': return "an array";
    case 't':
    case 'f': return "a boolean";
    case 'n': return "null";
    default: return is_number_start(r) ? "a number" : "something else";
    }
}


static int literal(reader_ctx *r, const char *word)
{
    if (r->p >= r->end || *r->p != word[0])
        return 0;
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) >= n && memcmp(r->p, word, n) == 0) {
        r->p += n;
        return 1;
    }
    return 0;
}

/* A number token (the scanner checked its grammar): sets *t and *n. */
static void number_text(reader_ctx *r, const char **t, size_t *n)
{
    const char *q = r->p;
    while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '-' || *r->p == '+' ||
                             *r->p == '.' || *r->p == 'e' || *r->p == 'E'))
        r->p++;
    *t = q;
    *n = (size_t)(r->p - q);
}

static int hex4(const char *p, unsigned *v)
{
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        x <<= 4;
        if (c >= '0' && c <= '9')
            x |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            x |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            x |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *v = x;
    return 1;
}

/* Length of a well-formed UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    unsigned v = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return n;
}

static char *put_utf8(char *o, unsigned v)
{
    if (v < 0x80) {
        *o++ = (char)v;
    } else if (v < 0x800) {
        *o++ = (char)(0xC0 | (v >> 6));
        *o++ = (char)(0x80 | (v & 0x3F));
    } else if (v < 0x10000) {
        *o++ = (char)(0xE0 | (v >> 12));
        *o++ = (char)(0x80 | ((v >> 6) & 0x3F));
        *o++ = (char)(0x80 | (v & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (v >> 18));
        *o++ = (char)(0x80 | ((v >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((v >> 6) & 0x3F));
        *o++ = (char)(0x80 | (v & 0x3F));
    }
    return o;
}

/* Decodes the string at r->p (at its '"') into `out` (room for the raw
 * length), sets *len.  `out` NULL: checks and skips only. */
static x12_status string_body(reader_ctx *r, char *out, size_t *len)
{
    r->p++; /* the opening quote */
    char *o = out;
    for (;;) {
        const char *q = r->p;
        while (q < r->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 &&
               (unsigned char)*q < 0x80)
            q++;
        if (out && q > r->p) {
            memcpy(o, r->p, (size_t)(q - r->p));
            o += q - r->p;
        }
        r->p = q;
        if (r->p >= r->end)
            return syntax(r, "unterminated string");
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            break;
        }
        if (c < 0x20)
            return syntax(r, "control character in a string");
        if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)r->p, (const unsigned char *)r->end);
            if (!n)
                return syntax(r, "a string is not valid UTF-8");
            if (out) {
                memcpy(o, r->p, n);
                o += n;
            }
            r->p += n;
            continue;
        }
        /* an escape */
        if (r->end - r->p < 2)
            return syntax(r, "unterminated string");
        char e = r->p[1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char to[] = "\"\\/\b\f\n\r\t";
            if (out)
                *o++ = to[simple - "\"\\/bfnrt"];
            r->p += 2;
            continue;
        }
        unsigned v;
        if (e != 'u' || r->end - r->p < 6 || !hex4(r->p + 2, &v))
            return syntax(r, "invalid escape in a string");
        r->p += 6;
        if (v >= 0xD800 && v <= 0xDBFF) {
            unsigned lo;
            if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || !hex4(r->p + 2, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF)
                return syntax(r, "invalid \\u surrogate pair");
            r->p += 6;
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        } else if (v >= 0xDC00 && v <= 0xDFFF) {
            return syntax(r, "invalid \\u surrogate pair");
        }
        if (out)
            o = put_utf8(o, v);
    }
    if (out)
        *len = (size_t)(o - out);
    return X12_OK;
}

#define AMOUNT_MSG "expected a decimal amount string or number with at most 2 decimals"

/* A string (or, with numbers_too, a number's text) into the arena. */
static x12_status read_string(reader_ctx *r, int numbers_too, const char **out, size_t *outlen)
{
    if (is_number_start(r)) {
        const char *t;
        size_t n;
        number_text(r, &t, &n);
        if (!numbers_too)
            return fail(r, X12_ERR_CLAIM_VALUE, "expected a string, found a number");
        char *c = x12_arena_strndup(r->arena, t, n);
        if (!c)
            return nomem(r);
        *out = c;
        if (outlen)
            *outlen = n;
        return X12_OK;
    }
    if (r->p >= r->end || *r->p != '"')
        return fail(r, X12_ERR_CLAIM_VALUE, "expected a string%s, found %s",
                    numbers_too ? " or a number" : "", kind_at(r));
    /* most strings are plain: nothing to decode, nothing to refuse */
    const char *q = r->p + 1;
    while (q < r->end && r->cls[(unsigned char)*q] == BC_OK)
        q++;
    if (q < r->end && *q == '"' && r->cls['"'] == BC_QUOTE) {
        size_t n = (size_t)(q - r->p - 1);
        char *c = x12_arena_strndup(r->arena, r->p + 1, n);
        if (!c)
            return nomem(r);
        r->p = q + 1;
        *out = c;
        if (outlen)
            *outlen = n;
        return X12_OK;
    }
    /* the raw length bounds the decoded one */
    q = r->p + 1;
    while (q < r->end && *q != '"') {
        if (*q == '\\' && q + 1 < r->end)
            q++;
        q++;
    }
    size_t raw = (size_t)(q - r->p);
    char *buf = x12_arena_alloc(r->arena, raw + 1);
    if (!buf)
        return nomem(r);
    size_t n = 0;
    x12_status st = string_body(r, buf, &n);
    if (st != X12_OK)
        return st;
    buf[n] = '\0';
    int high = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)buf[i];
        switch (r->cls[b]) {
        case BC_QUOTE:
        case BC_BACKSLASH:
            break;
        case BC_CONTROL:
            return fail(r, b ? X12_ERR_CLAIM_VALUE : X12_ERR_ENCODING,
                        b ? "control characters are not allowed"
                          : "\\u0000 is not allowed in strings");
        case BC_REFUSED:
            return fail(r, X12_ERR_CLAIM_VALUE, "'%c' is a delimiter of the 837 output", b);
        case BC_HIGH:
            high = 1;
            break;
        }
    }
    if (r->to_x12) {
        if (high) {
            /* only strings with non-ASCII characters pay for iconv */
            size_t cap = 2 * n + 8, got = 0;
            char *x = x12_arena_alloc(r->arena, cap);
            if (!x)
                return nomem(r);
            x12_status cst = x12_text_to_x12("UTF-8", buf, n, x, cap - 1, &got,
                                             X12_CHARSET_EXTENDED, NULL);
            if (cst == X12_ERR_NOMEM)
                return nomem(r);
            if (cst != X12_OK)
                return fail(r, X12_ERR_CLAIM_VALUE, "a character that X12 cannot carry");
            x[got] = '\0';
            for (size_t i = 0; i < got; i++)
                if (r->cls[(unsigned char)x[i]] == BC_REFUSED)
                    return fail(r, X12_ERR_CLAIM_VALUE, "'%c' is a delimiter of the 837 output",
                                x[i]);
            buf = x;
            n = got;
        }
    }
    *out = buf;
    if (outlen)
        *outlen = n;
    return X12_OK;
}

static x12_status read_amount(reader_ctx *r, int64_t *cents)
{
    const char *t;
    size_t n;
    if (is_number_start(r)) {
        number_text(r, &t, &n);
    } else if (r->p < r->end && *r->p == '"') {
        x12_status st = read_string(r, 0, &t, &n);
        if (st != X12_OK)
            return st;
    } else {
        return fail(r, X12_ERR_CLAIM_VALUE, AMOUNT_MSG ", found %s", kind_at(r));
    }
    x12_slice s = {t, n};
    if (x12_amount_parse(s, cents) != X12_OK)
        return fail(r, X12_ERR_CLAIM_VALUE, AMOUNT_MSG);
    return X12_OK;
}

static x12_status read_object(reader_ctx *r, const desc *d, void *base);

/* Moves past ',' (returns 1) or the closing bracket (returns 0); -1 on a
 * syntax error (already reported). */
static int next_item(reader_ctx *r, char close)
{
    skip_ws(r);
    if (r->p < r->end && *r->p == ',') {
        r->p++;
        skip_ws(r);
        return 1;
    }
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    syntax(r, "',' or '%c' expected", close);
    return -1;
}

static x12_status read_field(reader_ctx *r, const field *f, void *base)
{
    char *p = (char *)base + f->off;
    if (literal(r, "null"))
        return X12_OK; /* null is the same as leaving the field out */
    switch (f->kind) {
    case F_STR:
    case F_STRNUM:
        return read_string(r, f->kind == F_STRNUM, (const char **)(void *)p, NULL);
    case F_AMOUNT:
        return read_amount(r, (int64_t *)(void *)p);
    case F_OPT_AMOUNT: {
        x12_status st = read_amount(r, (int64_t *)(void *)p);
        if (st == X12_OK)
            *(int *)(void *)((char *)base + f->aux) = 1;
        return st;
    }
    case F_STRS:
    case F_POINTERS: {
        if (r->p >= r->end || *r->p != '[') {
            if (f->kind == F_POINTERS)
                return fail(r, X12_ERR_CLAIM_VALUE,
                            "expected an array of up to 4 diagnosis pointers (numbers 1-12)");
            return fail(r, X12_ERR_CLAIM_VALUE, "expected an array of strings, found %s",
                        kind_at(r));
        }
        x12_status st;
        r->p++;
        skip_ws(r);
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return X12_OK;
        }
        for (size_t i = 0;; i++) {
            if (i == f->n) {
                if (f->kind == F_POINTERS)
                    return fail(r, X12_ERR_CLAIM_VALUE,
                                "expected an array of up to 4 diagnosis pointers (numbers 1-12)");
                return fail(r, X12_ERR_CLAIM_COUNT, "at most %zu entries", f->n);
            }
            size_t old = push_index(r, i);
            if (f->kind == F_STRS) {
                if (!literal(r, "null")) {
                    st = read_string(r, 0, &((const char **)(void *)p)[i], NULL);
                    if (st != X12_OK)
                        return st;
                }
            } else {
                const char *t;
                size_t tn;
                unsigned val = 0;
                if (!is_number_start(r))
                    return fail(r, X12_ERR_CLAIM_VALUE,
                                "expected a diagnosis pointer (a number 1-12)");
                number_text(r, &t, &tn);
                for (size_t k = 0; k < tn; k++) {
                    if (t[k] < '0' || t[k] > '9' || tn > 2)
                        return fail(r, X12_ERR_CLAIM_VALUE,
                                    "expected a diagnosis pointer (a number 1-12)");
                    val = val * 10 + (unsigned)(t[k] - '0');
                }
                if (val < 1 || val > 12)
                    return fail(r, X12_ERR_CLAIM_VALUE,
                                "expected a diagnosis pointer (a number 1-12)");
                ((uint8_t *)p)[i] = (uint8_t)val;
            }
            path_pop(r, old);
            int more = next_item(r, ']');
            if (more < 0)
                return X12_ERR_ENCODING;
            if (!more)
                return X12_OK;
        }
    }
    case F_FLAG:
        if (literal(r, "true"))
            *(int *)(void *)p = 1;
        else if (literal(r, "false"))
            *(int *)(void *)p = 0;
        else
            return fail(r, X12_ERR_CLAIM_VALUE, "expected true or false, found %s", kind_at(r));
        return X12_OK;
    case F_STRUCT:
        return read_object(r, f->sub, p);
    case F_PTR: {
        void *s = x12_arena_alloc(r->arena, f->sub->size);
        if (!s)
            return nomem(r);
        x12_status st = read_object(r, f->sub, s);
        if (st == X12_OK)
            *(void **)(void *)p = s;
        return st;
    }
    case F_STRLIST:
    case F_ARRAY: {
        if (r->p >= r->end || *r->p != '[')
            return fail(r, X12_ERR_CLAIM_VALUE, "expected an array of %s, found %s",
                        f->kind == F_ARRAY ? "objects" : "strings", kind_at(r));
        r->p++;
        skip_ws(r);
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return X12_OK;
        }
        /* grown by doubling inside the arena (the old copy stays there
         * until the claim's arena is reset: at most as much again) */
        size_t n = 0, cap = 4, sz = f->kind == F_ARRAY ? f->sub->size : sizeof(const char *);
        char *arr = x12_arena_alloc(r->arena, cap * sz);
        if (!arr)
            return nomem(r);
        for (;;) {
            if (n == cap) {
                char *bigger = x12_arena_alloc(r->arena, 2 * cap * sz);
                if (!bigger)
                    return nomem(r);
                memcpy(bigger, arr, n * sz);
                arr = bigger;
                cap *= 2;
            }
            size_t old = push_index(r, n);
            x12_status st =
                f->kind == F_ARRAY
                    ? read_object(r, f->sub, arr + n * sz)
                    : read_string(r, 0, (const char **)(void *)(arr + n * sz), NULL);
            if (st != X12_OK)
                return st;
            path_pop(r, old);
            n++;
            int more = next_item(r, ']');
            if (more < 0)
                return X12_ERR_ENCODING;
            if (!more)
                break;
        }
        *(void **)(void *)p = arr;
        *(size_t *)(void *)((char *)base + f->aux) = n;
        return X12_OK;
    }
    case F_ROLE:
    case F_TYPE: {
        const char *const *names = f->kind == F_ROLE ? ROLE_NAMES : TYPE_NAMES;
        size_t count = f->kind == F_ROLE ? NROLES : NTYPES;
        if (r->p < r->end && *r->p == '"') {
            const char *q = r->p + 1;
            for (size_t i = 0; i < count; i++) {
                size_t n = strlen(names[i]);
                if ((size_t)(r->end - q) > n && memcmp(q, names[i], n) == 0 && q[n] == '"') {
                    if (f->kind == F_ROLE)
                        *(x12_claim_provider_role *)(void *)p = (x12_claim_provider_role)i;
                    else
                        *(x12_claim_type *)(void *)p = (x12_claim_type)i;
                    r->p = q + n + 1;
                    return X12_OK;
                }
            }
        }
        return fail(r, X12_ERR_CLAIM_VALUE, "expected one of %s",
                    f->kind == F_ROLE
                        ? "rendering, referring, attending, operating, other_operating, "
                          "supervising, service_facility, assistant_surgeon, ordering, "
                          "purchased_service, ambulance_pickup, ambulance_dropoff, billing"
                        : "professional, institutional, dental");
    }
    }
    return X12_OK;
}

/* Finds the field named key[0..n), starting after the last one found: keys
 * in the order the tables list them (the order x12_claim_json_write() uses)
 * cost one comparison each. */
static const field *find_field(const desc *d, const char *key, size_t n, size_t *cursor)
{
    size_t i = *cursor < d->nfields ? *cursor : 0;
    for (size_t k = 0; k < d->nfields; k++, i = i + 1 < d->nfields ? i + 1 : 0) {
        const char *name = d->fields[i].name;
        size_t m = 0;
        while (m < n && name[m] == key[m])
            m++;
        if (m == n && name[n] == '\0') {
            *cursor = i + 1;
            return &d->fields[i];
        }
    }
    return NULL;
}

static x12_status read_object(reader_ctx *r, const desc *d, void *base)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != '{')
        return fail(r, X12_ERR_CLAIM_VALUE, "expected an object, found %s", kind_at(r));
    if (++r->depth > MAX_FRAMES / 2)
        return syntax(r, "nesting too deep");
    r->p++;
    size_t cursor = 0;
    unsigned char seen[96] = {0};
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
    } else {
        for (;;) {
            if (r->p >= r->end || *r->p != '"')
                return syntax(r, "a string (a key) expected");
            const char *key;
            size_t klen = 0;
            const char *q = r->p + 1;
            while (q < r->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
                q++;
            if (q < r->end && *q == '"') {
                /* a plain key: compared where it is */
                key = r->p + 1;
                klen = (size_t)(q - key);
                r->p = q + 1;
            } else {
                /* escapes (or bad bytes, reported by string_body): decode it */
                char *tmp = x12_arena_alloc(r->arena, (size_t)(r->end - r->p) + 1);
                if (!tmp)
                    return nomem(r);
                x12_status st = string_body(r, tmp, &klen);
                if (st != X12_OK)
                    return st;
                key = tmp;
            }
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':')
                return syntax(r, "':' expected");
            r->p++;
            skip_ws(r);
            const field *f = find_field(d, key, klen, &cursor);
            size_t old = push_keyn(r, key, klen);
            if (!f || memchr(key, '\0', klen))
                return fail(r, X12_ERR_CLAIM_VALUE, "unknown field");
            size_t fi = (size_t)(f - d->fields);
            if (fi < sizeof seen) {
                if (seen[fi])
                    return fail(r, X12_ERR_CLAIM_VALUE, "the field is given twice");
                seen[fi] = 1;
            }
            if (literal(r, "null")) {
                seen[fi] = 2; /* given as null: absent */
            } else {
                x12_status st = read_field(r, f, base);
                if (st != X12_OK)
                    return st;
            }
            path_pop(r, old);
            int more = next_item(r, '}');
            if (more < 0)
                return X12_ERR_ENCODING;
            if (!more)
                break;
        }
    }
    r->depth--;
    for (size_t i = 0; d->required && i < d->nfields && i < sizeof seen; i++)
        if (d->fields[i].kind == F_AMOUNT && seen[i] != 1) {
            push_key(r, d->fields[i].name);
            return fail(r, X12_ERR_CLAIM_REQUIRED, "required field is missing");
        }
    if (d == &CLAIM)
        r->type_given = seen[0] == 1; /* "type" is the claim's first field */
    return X12_OK;
}

/* Parses one element's bytes (line0/off0: where they start) into `item`. */
static x12_status parse_claim(const char *buf, size_t len, uint64_t index, uint64_t line0,
                              uint64_t off0, x12_arena *arena, const x12_claims_json_options *o,
                              const unsigned char *cls,
                              x12_claims_json_item *item, x12_json_error *err, int *type_given)
{
    reader_ctx r;
    memset(&r, 0, sizeof r);
    r.arena = arena;
    r.cls = cls;
    r.to_x12 = o->to_x12;
    r.err = err;
    r.root = index;
    r.start = r.p = buf;
    r.end = buf + len;
    r.line0 = line0;
    r.off0 = off0;
    memset(item, 0, sizeof *item);
    err->line = line0;
    err->byte_offset = off0;
    claim_doc *doc = x12_arena_alloc(arena, sizeof *doc);
    if (!doc)
        return nomem(&r);
    x12_status st = read_object(&r, &CLAIM, doc);
    if (st == X12_OK) {
        skip_ws(&r);
        if (r.p != r.end)
            st = syntax(&r, "data after the object");
    }
    if (r.positioned) {
        err->line = r.at_line;
        err->byte_offset = r.at_off;
    }
    if (st != X12_OK)
        return st;
    item->claim = &doc->claim;
    item->submitter = doc->submitter;
    item->receiver = doc->receiver;
    item->index = index;
    *type_given = r.type_given;
    return X12_OK;
}

/* --- claim -> JSON ------------------------------------------------------- */

/* Written straight from the tables into a buffer: compact, fields in table
 * order, absent fields left out.  (The first version built a jansson tree and
 * dumped it: twice the time of this for 837P -> JSON; bench/README.md.) */

typedef struct emit {
    char *p;
    size_t len, cap;
    int nomem;
} emit;

static void put(emit *e, const char *s, size_t n)
{
    if (e->nomem)
        return;
    if (e->len + n > e->cap) {
        size_t cap = e->cap ? e->cap : 4096;
        while (cap < e->len + n)
            cap *= 2;
        char *q = realloc(e->p, cap);
        if (!q) {
            e->nomem = 1;
            return;
        }
        e->p = q;
        e->cap = cap;
    }
    memcpy(e->p + e->len, s, n);
    e->len += n;
}

static void put_c(emit *e, char c)
{
    if (e->len < e->cap)
        e->p[e->len++] = c;
    else
        put(e, &c, 1);
}

/* A JSON string.  Bytes that are not UTF-8 (an 837 in ISO-8859-1) become
 * '?' rather than losing the field. */
static void put_string(emit *e, const char *s)
{
    put_c(e, '"');
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char *q = p;
        while (*q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
            q++;
        put(e, (const char *)p, (size_t)(q - p));
        p = q;
        if (!*p)
            break;
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            put(e, esc, 2);
            p++;
        } else if (*p < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            put(e, esc, 6);
            p++;
        } else {
            const unsigned char *end = p + strlen((const char *)p);
            size_t n = utf8_len(p, end);
            if (n) {
                put(e, (const char *)p, n);
                p += n;
            } else {
                put_c(e, '?');
                p++;
            }
        }
    }
    put_c(e, '"');
}

static void put_amount(emit *e, int64_t cents)
{
    char buf[32];
    int n = x12_amount_format(cents, X12_AMOUNT_DECIMAL2, buf, sizeof buf);
    put_c(e, '"');
    put(e, buf, (size_t)n);
    put_c(e, '"');
}

static void write_object(emit *e, const desc *d, const void *base);

/* Whether the field has something to write (absent fields are left out). */
static int field_present(const field *f, const void *base)
{
    const char *p = (const char *)base + f->off;
    switch (f->kind) {
    case F_STR:
    case F_STRNUM: {
        const char *s = *(const char *const *)(const void *)p;
        return s && *s;
    }
    case F_OPT_AMOUNT:
        return *(const int *)(const void *)((const char *)base + f->aux);
    case F_STRS:
        for (size_t i = 0; i < f->n; i++) {
            const char *s = ((const char *const *)(const void *)p)[i];
            if (s && *s)
                return 1;
        }
        return 0;
    case F_POINTERS:
        for (size_t i = 0; i < f->n; i++)
            if (((const uint8_t *)p)[i])
                return 1;
        return 0;
    case F_FLAG:
        return *(const int *)(const void *)p != 0;
    case F_STRUCT:
        for (size_t i = 0; i < f->sub->nfields; i++)
            if (field_present(&f->sub->fields[i], p))
                return 1;
        return 0;
    case F_PTR:
        return *(const void *const *)(const void *)p != NULL;
    case F_ARRAY:
    case F_STRLIST:
        return *(const void *const *)(const void *)p &&
               *(const size_t *)(const void *)((const char *)base + f->aux);
    case F_AMOUNT:
    case F_ROLE:
    case F_TYPE:
        return 1;
    }
    return 0;
}

/* Writes a present field's value. */
static void write_value(emit *e, const field *f, const void *base)
{
    const char *p = (const char *)base + f->off;
    switch (f->kind) {
    case F_STR:
    case F_STRNUM:
        put_string(e, *(const char *const *)(const void *)p);
        break;
    case F_AMOUNT:
    case F_OPT_AMOUNT:
        put_amount(e, *(const int64_t *)(const void *)p);
        break;
    case F_STRS: {
        const char *const *arr = (const char *const *)(const void *)p;
        size_t last = 0;
        for (size_t i = 0; i < f->n; i++)
            if (arr[i] && *arr[i])
                last = i + 1;
        put_c(e, '[');
        for (size_t i = 0; i < last; i++) {
            if (i)
                put_c(e, ',');
            if (arr[i] && *arr[i])
                put_string(e, arr[i]);
            else
                put(e, "null", 4);
        }
        put_c(e, ']');
        break;
    }
    case F_POINTERS: {
        const uint8_t *ptrs = (const uint8_t *)p;
        size_t last = 0;
        for (size_t i = 0; i < f->n; i++)
            if (ptrs[i])
                last = i + 1;
        put_c(e, '[');
        for (size_t i = 0; i < last; i++) {
            char num[8];
            int n = snprintf(num, sizeof num, "%s%u", i ? "," : "", (unsigned)ptrs[i]);
            put(e, num, (size_t)n);
        }
        put_c(e, ']');
        break;
    }
    case F_FLAG:
        put(e, "true", 4);
        break;
    case F_STRUCT:
        write_object(e, f->sub, p);
        break;
    case F_PTR:
        write_object(e, f->sub, *(const void *const *)(const void *)p);
        break;
    case F_ARRAY: {
        const char *arr = *(const char *const *)(const void *)p;
        size_t n = *(const size_t *)(const void *)((const char *)base + f->aux);
        put_c(e, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                put_c(e, ',');
            write_object(e, f->sub, arr + i * f->sub->size);
        }
        put_c(e, ']');
        break;
    }
    case F_STRLIST: {
        const char *const *arr = *(const char *const *const *)(const void *)p;
        size_t n = *(const size_t *)(const void *)((const char *)base + f->aux);
        put_c(e, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                put_c(e, ',');
            put_string(e, arr[i] ? arr[i] : "");
        }
        put_c(e, ']');
        break;
    }
    case F_ROLE: {
        unsigned v = (unsigned)*(const x12_claim_provider_role *)(const void *)p;
        put_string(e, v < NROLES ? ROLE_NAMES[v] : "unknown");
        break;
    }
    case F_TYPE: {
        unsigned v = (unsigned)*(const x12_claim_type *)(const void *)p;
        put_string(e, v < NTYPES ? TYPE_NAMES[v] : "unknown");
        break;
    }
    }
}

/* {"name":value,...} with the present fields in table order ("{}" when none). */
static void write_object(emit *e, const desc *d, const void *base)
{
    put_c(e, '{');
    int first = 1;
    for (size_t i = 0; i < d->nfields; i++) {
        const field *f = &d->fields[i];
        if (!field_present(f, base))
            continue;
        if (!first)
            put_c(e, ',');
        first = 0;
        put_c(e, '"');
        put(e, f->name, strlen(f->name));
        put(e, "\":", 2);
        write_value(e, f, base);
    }
    put_c(e, '}');
}

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
    case F_ROLE:
    case F_TYPE: {
        const char *const *names = f->kind == F_ROLE ? ROLE_NAMES : TYPE_NAMES;
        size_t count = f->kind == F_ROLE ? NROLES : NTYPES;
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
                                      &REPRICING, &CONTRACT, &MEASURE, &OUTPATIENT,
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
    json_t *root = schema_of_desc(&CLAIM);
    json_object_set_new(root, "$schema",
                        json_string("https://json-schema.org/draft/2020-12/schema"));
    json_object_set_new(root, "$id", json_string("https://x12kit.example/claims.schema.json"));
    json_object_set_new(root, "title", json_string("x12kit claim (one element of a JSON array or "
                                                    "one NDJSON line)"));
    json_object_set_new(root, "$defs", defs);
    return root;
}

/* --- the reader ---------------------------------------------------------- */

struct x12_claims_json_reader {
    x12_claims_json_options o;
    x12_input *in;
    json_stream *s;
    int type_fixed;
    x12_claim_type type;
    unsigned char cls[256]; /* byte classes of strings */
};

void x12_claims_json_options_init(x12_claims_json_options *o)
{
    memset(o, 0, sizeof *o);
    o->type = X12_CLAIMS_JSON_ANY_TYPE;
}

static x12_claims_json_reader *reader_new(const x12_claims_json_options *opts,
                                          json_stream_read_fn fn, void *ctx)
{
    x12_claims_json_options o;
    if (opts)
        o = *opts;
    else
        x12_claims_json_options_init(&o);
    x12_claims_json_reader *r =
        o.alloc ? o.alloc->malloc(o.alloc->ctx, sizeof *r) : malloc(sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->o = o;
    if (o.type != X12_CLAIMS_JSON_ANY_TYPE) {
        r->type_fixed = 1;
        r->type = (x12_claim_type)o.type;
    }
    byte_classes(r->cls, o.refuse_chars);
    json_stream_options so = {o.max_object_bytes, o.max_depth, o.alloc, 1};
    r->s = json_stream_new(fn, ctx, &so);
    if (!r->s) {
        x12_claims_json_free(r);
        return NULL;
    }
    return r;
}

x12_claims_json_reader *x12_claims_json_open(const char *path, const x12_claims_json_options *opts,
                                             x12_error *err)
{
    const x12_allocator *a = opts ? opts->alloc : NULL;
    x12_input *in = x12_input_open(path, a, err);
    if (!in)
        return NULL;
    x12_claims_json_reader *r = reader_new(opts, json_stream_read_input, in);
    if (!r) {
        x12_input_close(in);
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = X12_ERR_NOMEM;
            err->msg = x12_status_message(X12_ERR_NOMEM);
        }
        return NULL;
    }
    r->in = in;
    return r;
}

x12_claims_json_reader *x12_claims_json_open_stream(FILE *f, const x12_claims_json_options *opts)
{
    return reader_new(opts, json_stream_read_file, f);
}

void x12_claims_json_free(x12_claims_json_reader *r)
{
    if (!r)
        return;
    json_stream_free(r->s);
    x12_input_close(r->in);
    if (r->o.alloc)
        r->o.alloc->free(r->o.alloc->ctx, r);
    else
        free(r);
}

/* A check problem's path uses the C names ("lines[1].charge_cents"); the
 * JSON names drop "_cents" ("cents" alone is "amount"). */
int x12_claim_json_path(const char *cpath, char *out, size_t cap)
{
    if (!cap)
        return 0;
    size_t o = 0;
    const char *p = cpath;
    while (*p && o + 1 < cap) {
        size_t n = strcspn(p, ".[");
        const char *name = p;
        size_t nlen = n;
        if (nlen == 5 && memcmp(name, "cents", 5) == 0) {
            name = "amount";
            nlen = 6;
        } else if (nlen > 6 && memcmp(name + nlen - 6, "_cents", 6) == 0) {
            nlen -= 6;
        }
        for (size_t i = 0; i < nlen && o + 1 < cap; i++)
            out[o++] = name[i];
        p += n;
        size_t m = strspn(p, ".[]0123456789");
        for (size_t i = 0; i < m && o + 1 < cap; i++)
            out[o++] = p[i];
        p += m;
    }
    out[o] = '\0';
    return (int)o;
}

typedef struct first_problem {
    int set;
    x12_claim_problem p;
} first_problem;

static void on_problem(void *ctx, const x12_claim_problem *p)
{
    first_problem *fp = ctx;
    if (!fp->set) {
        fp->p = *p;
        fp->set = 1;
    }
}

/* Checks one parsed item: type and x12_claim_check(). */
static x12_status check_item(x12_claims_json_reader *r, int has_type,
                             x12_claims_json_item *item, x12_json_error *err)
{
    x12_claim *c = (x12_claim *)item->claim;
    if (!has_type)
        c->type = r->type_fixed ? r->type : X12_CLAIM_PROFESSIONAL;
    if (r->type_fixed && c->type != r->type) {
        err->code = X12_ERR_CLAIM_VALUE;
        snprintf(err->path, sizeof err->path, "$[%llu].type", (unsigned long long)item->index);
        snprintf(err->message, sizeof err->message,
                 "the claim is %s but the output is %s (one type per 837)", TYPE_NAMES[c->type],
                 TYPE_NAMES[r->type]);
        return err->code;
    }
    if (!r->o.no_check) {
        first_problem fp;
        fp.set = 0;
        if (x12_claim_check(c, (size_t)item->index, on_problem, &fp) > 0 && fp.set) {
            char jp[96];
            x12_claim_json_path(fp.p.path, jp, sizeof jp);
            err->code = fp.p.code;
            snprintf(err->path, sizeof err->path, "$[%llu]%s%s", (unsigned long long)item->index,
                     jp[0] && jp[0] != '[' ? "." : "", jp);
            snprintf(err->message, sizeof err->message, "%s%s%s",
                     x12_status_message(fp.p.code), fp.p.detail[0] ? ": " : "", fp.p.detail);
            return err->code;
        }
    }
    if (!r->type_fixed) {
        r->type_fixed = 1;
        r->type = c->type;
    }
    return X12_OK;
}

x12_status x12_claims_json_next(x12_claims_json_reader *r, x12_arena *arena,
                                x12_claims_json_item *item, x12_json_error *err)
{
    memset(item, 0, sizeof *item);
    memset(err, 0, sizeof *err);
    const char *bytes;
    size_t len;
    json_stream_item it;
    switch (json_stream_next_raw(r->s, &bytes, &len, &it, err)) {
    case JSON_STREAM_END:
        return X12_OK;
    case JSON_STREAM_ERROR:
    case JSON_STREAM_FATAL:
        return err->code;
    case JSON_STREAM_OBJECT:
        break;
    }
    int has_type = 0;
    x12_status st = parse_claim(bytes, len, it.index, it.line, it.byte_offset, arena, &r->o,
                                r->cls, item, err, &has_type);
    err->index = it.index;
    if (st == X12_OK) {
        err->line = it.line;
        err->byte_offset = it.byte_offset;
        st = check_item(r, has_type, item, err);
    }
    if (st != X12_OK) {
        memset(item, 0, sizeof *item);
        return st;
    }
    item->index = it.index;
    item->line = it.line;
    item->byte_offset = it.byte_offset;
    return X12_OK;
}

typedef struct memsrc {
    const char *p;
    size_t len, pos;
} memsrc;

static x12_status mem_read(void *ctx, char *buf, size_t cap, size_t *got, x12_error *err)
{
    (void)err;
    memsrc *m = ctx;
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    *got = n;
    return X12_OK;
}

x12_status x12_claim_from_json(const char *text, size_t len, const x12_claims_json_options *opts,
                               x12_arena *arena, x12_claims_json_item *item, x12_json_error *err)
{
    memsrc m = {text, len, 0};
    x12_claims_json_reader *r = reader_new(opts, mem_read, &m);
    if (!r) {
        memset(item, 0, sizeof *item);
        memset(err, 0, sizeof *err);
        err->code = X12_ERR_NOMEM;
        snprintf(err->path, sizeof err->path, "$");
        snprintf(err->message, sizeof err->message, "out of memory");
        return X12_ERR_NOMEM;
    }
    x12_status st = x12_claims_json_next(r, arena, item, err);
    x12_claims_json_free(r);
    return st;
}

/* --- the writer ---------------------------------------------------------- */

x12_status x12_claim_json_write(const x12_claim *claim, const x12_claim_party *submitter,
                                const x12_claim_party *receiver, x12_write_fn out, void *ctx,
                                x12_error *err)
{
    claim_doc doc;
    doc.claim = *claim;
    doc.submitter = submitter;
    doc.receiver = receiver;
    emit e = {NULL, 0, 0, 0};
    write_object(&e, &CLAIM, &doc);
    put_c(&e, '\n');
    x12_status st = X12_OK;
    if (e.nomem)
        st = X12_ERR_NOMEM;
    else if (out(ctx, e.p, e.len) != 0)
        st = X12_ERR_IO;
    free(e.p);
    if (st != X12_OK && err) {
        memset(err, 0, sizeof *err);
        err->code = st;
        err->msg = x12_status_message(st);
    }
    return st;
}
