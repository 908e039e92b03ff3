/* x12kit claim model: health care claims as plain C structs, and the 837
 * writers and reader that turn them into 837P (005010X222A1), 837I
 * (005010X223A2) and 837D (005010X224A2) and back.
 *
 * Conventions of every struct below:
 * - Strings are NUL-terminated `const char *`; NULL (or "") means absent.
 *   Codes are the X12 code values ("11", "XX", "ABK").  Dates are strings as
 *   X12 writes them: CCYYMMDD for D8, "CCYYMMDD-CCYYMMDD" for RD8,
 *   CCYYMMDDHHMM for DT, HHMM for TM.
 * - Money is int64_t cents (amount.h).  An optional amount has a `has_`
 *   flag beside it; a zero-filled struct therefore means "absent".
 * - Quantities and units (SV104, SV205, CTP04...) are X12 decimal strings
 *   ("1", "2.5"): nothing here is floating point.
 * - Arrays are a pointer plus a count; count 0 and NULL mean none.
 * - Fixed arrays (modifiers[4], pointers[4]) are filled from index 0; unused
 *   entries are NULL / 0.
 *
 * Ownership.  The library never frees what a caller built: a billing system
 * may fill these structs from its own memory, from string literals, or from an
 * x12_arena (arena.h) it frees in one call after x12_claim_writer_add()
 * returns; the writer copies nothing it needs later except the billing
 * provider, subscriber and patient of the previous claim, which it compares
 * by value (it keeps its own copy).  Structs handed out by the reader live in
 * the reader's arenas and are valid only during the callback that received
 * them (see x12_claim_reader_callbacks). */
#ifndef X12_CLAIM_H
#define X12_CLAIM_H

#include <stddef.h>
#include <stdint.h>

#include "amount.h"
#include "arena.h"
#include "common.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "walk.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which 837 a claim belongs to. */
typedef enum x12_claim_type {
    X12_CLAIM_PROFESSIONAL = 0, /* 837P, 005010X222A1 */
    X12_CLAIM_INSTITUTIONAL = 1,/* 837I, 005010X223A2 */
    X12_CLAIM_DENTAL = 2        /* 837D, 005010X224A2 */
} x12_claim_type;

/* ---- Building blocks --------------------------------------------------- */

/* N3/N4.  `line1` NULL means the party has no address (no N3/N4 written). */
typedef struct x12_claim_address {
    const char *line1;       /* N301 */
    const char *line2;       /* N302 */
    const char *city;        /* N401 */
    const char *state;       /* N402 */
    const char *postal_code; /* N403 */
    const char *country;     /* N404 (only outside the US) */
    const char *subdivision; /* N407 country subdivision */
} x12_claim_address;

/* PER: a contact with up to three communication numbers.  PER01 is "IC"
 * (information contact) unless `function` says otherwise. */
typedef struct x12_claim_contact {
    const char *function;     /* PER01, NULL = "IC" */
    const char *name;         /* PER02 */
    const char *qualifier[3]; /* PER03/05/07: "TE" phone, "EM" e-mail, "FX" fax, "EX" extension */
    const char *number[3];    /* PER04/06/08 */
} x12_claim_contact;

/* REF: a reference identifier. */
typedef struct x12_claim_ref {
    const char *qualifier; /* REF01: "0B" state license, "G2" provider commercial number, ... */
    const char *value;     /* REF02 */
    const char *id2;       /* REF04-2 (REF04-1 "2U" payer id for 2330 secondary ids), rarely used */
} x12_claim_ref;

/* DTP: a date or period. */
typedef struct x12_claim_date {
    const char *qualifier; /* DTP01: "431" onset, "472" service, "573" adjudication, ... */
    const char *format;    /* DTP02: "D8", "RD8", "DT", "TM"; NULL = D8, or RD8 when value has '-' */
    const char *value;     /* DTP03 */
} x12_claim_date;

/* AMT: a qualified amount. */
typedef struct x12_claim_amount {
    const char *qualifier; /* AMT01: "F5" patient paid, "D" payer paid, "EAF", "A8", "T" tax ... */
    int64_t cents;         /* AMT02 */
} x12_claim_amount;

/* NTE: a note. */
typedef struct x12_claim_note {
    const char *code; /* NTE01: "ADD", "CER", "DCP", "TPO", "ALG", ... */
    const char *text; /* NTE02 */
} x12_claim_note;

/* PWK: paperwork (an attachment sent separately). */
typedef struct x12_claim_attachment {
    const char *report_type;  /* PWK01: "OZ", "77", "B2" ... */
    const char *transmission; /* PWK02: "AA", "BM", "EL", "EM", "FX", "FT" */
    const char *control;      /* PWK06, with PWK05 "AC" */
} x12_claim_attachment;

/* An NM1-based party: every name in an 837 (submitter, receiver, providers,
 * subscriber, payer, patient, other payers).  The loop it is written in
 * decides which of the optional parts go out: PRV for providers, DMG for
 * subscribers and patients, PER where the guide has it.
 *
 * NPI: id_qualifier "XX" with the 10-digit NPI in `id` (checked: Luhn over
 * "80840" + the first nine digits).  Member id: "MI".  Payer id: "PI" (or
 * "XV" for a CMS plan id).  Submitter/receiver ETIN: "46". */
typedef struct x12_claim_party {
    const char *entity_code;   /* NM101; NULL = the loop's usual code (85, IL, PR, QC, 82...) */
    const char *entity_type;   /* NM102: "1" person, "2" organization; NULL = "1" when
                                  first_name is set, else "2" */
    const char *last_name;     /* NM103: last name, or the organization's name */
    const char *first_name;    /* NM104 */
    const char *middle_name;   /* NM105 */
    const char *suffix;        /* NM107 */
    const char *id_qualifier;  /* NM108: "XX", "MI", "PI", "46", "XV", "II", ... */
    const char *id;            /* NM109 */
    const char *provider_code; /* PRV01 ("BI", "PE", "AT", ...); NULL = the loop's usual code */
    const char *taxonomy;      /* PRV03 (PRV02 "PXC"); NULL = no PRV */
    x12_claim_address address; /* N3/N4 */
    const char *tax_id_qualifier; /* "EI" (EIN) or "SY" (SSN); NULL = "EI" */
    const char *tax_id;        /* REF*EI / REF*SY (billing provider, pay-to plan) */
    const char *birth_date;    /* DMG02 (D8), subscriber and patient */
    const char *gender;        /* DMG03: "F", "M", "U" */
    x12_claim_ref *refs;       /* other REF segments, in order */
    size_t ref_count;
    x12_claim_contact *contacts; /* PER segments */
    size_t contact_count;
} x12_claim_party;

/* A provider at claim (2310x) or line (2420x) level. */
typedef enum x12_claim_provider_role {
    X12_PROVIDER_RENDERING = 0,       /* NM1*82: 837P/837D 2310B/2420A, 837I 2310D/2420C */
    X12_PROVIDER_REFERRING = 1,       /* NM1*DN (or P3 primary care): 837P 2310A/2420F, 837I 2310F/2420D */
    X12_PROVIDER_ATTENDING = 2,       /* NM1*71: 837I 2310A */
    X12_PROVIDER_OPERATING = 3,       /* NM1*72: 837I 2310B/2420A */
    X12_PROVIDER_OTHER_OPERATING = 4, /* NM1*ZZ: 837I 2310C/2420B */
    X12_PROVIDER_SUPERVISING = 5,     /* NM1*DQ: 837P 2310D/2420D */
    X12_PROVIDER_SERVICE_FACILITY = 6,/* NM1*77: 837P 2310C/2420C, 837I 2310E, 837D 2310C */
    X12_PROVIDER_ASSISTANT_SURGEON = 7,/* NM1*DD: 837D 2310D/2420B */
    X12_PROVIDER_ORDERING = 8,        /* NM1*DK: 837P 2420E */
    X12_PROVIDER_PURCHASED_SERVICE = 9,/* NM1*QB: 837P 2420B */
    X12_PROVIDER_AMBULANCE_PICKUP = 10, /* NM1*PW + N3/N4 (no name): 837P 2310E/2420G */
    X12_PROVIDER_AMBULANCE_DROPOFF = 11,/* NM1*45 + N3/N4 (name optional): 837P 2310F/2420H */
    X12_PROVIDER_BILLING = 12           /* NM1*85: only an other payer's billing provider
                                           (2330G 837P, 2330I 837I, 2330F 837D) */
} x12_claim_provider_role;

typedef struct x12_claim_provider {
    x12_claim_provider_role role;
    x12_claim_party party; /* entity_code NULL = the role's code; P3 for a primary care
                              referring provider must be given */
} x12_claim_provider;

/* A code of an HI composite (C022): a diagnosis, procedure, occurrence,
 * value, condition or DRG code. */
typedef struct x12_claim_code {
    const char *qualifier; /* C022-01; NULL = the field's ICD-10 default (ABK, ABF, ABJ, APR,
                              ABN, BBR, BBQ, BI, BH, BE, BG; 837P BP, BO) */
    const char *code;      /* C022-02, ICD-10-CM without the dot ("E119") */
    const char *date;      /* C022-04 (with C022-03 D8 or RD8 from its shape): occurrence
                              and occurrence-span dates, procedure dates */
    int has_amount;        /* C022-05 present: value codes */
    int64_t amount_cents;
    const char *quantity;  /* C022-06 */
    const char *poa;       /* C022-09 present on admission: "Y", "N", "U", "W", "1" (837I) */
} x12_claim_code;

/* CAS adjustment (2320 claim level, 2430 line level).  Consecutive entries of
 * one group are written into one CAS of up to six reason/amount/quantity
 * triples. */
typedef struct x12_claim_adjustment {
    const char *group;    /* CAS01: "CO", "CR", "OA", "PI", "PR" */
    const char *reason;   /* CAS02/05/...: claim adjustment reason code */
    int64_t cents;        /* CAS03/06/... */
    const char *quantity; /* CAS04/07/...; NULL = none */
} x12_claim_adjustment;

/* ---- Envelope and the 2000A/2000B/2000C levels ------------------------- */

/* Envelope, BHT, submitter (1000A) and receiver (1000B) of a transaction
 * set.  The writer takes ISA13, GS06 and ST02 from here (or from the
 * control callback, see x12_claim_writer_options). */
typedef struct x12_claim_header {
    x12_isa_header isa;             /* writer.h; control_number = the first ISA13 */
    x12_gs_header gs;               /* functional_id NULL = "HC"; version NULL = the type's guide;
                                       control_number = the first GS06 */
    uint32_t st_control_number;     /* the first ST02; 0 = 1 */
    unsigned st_control_width;      /* ST02 zero-padded to this many digits; 0 = 4 */
    const char *implementation_ref; /* ST03; NULL = GS08 */
    const char *bht_structure;      /* BHT01; NULL = "0019" */
    const char *bht_purpose;        /* BHT02: "00" original, "18" reissue; NULL = "00" */
    const char *bht_reference;      /* BHT03; NULL = ST02 */
    const char *bht_date;           /* BHT04 CCYYMMDD; NULL = GS04 */
    const char *bht_time;           /* BHT05; NULL = GS05 */
    const char *bht_type;           /* BHT06: "CH" chargeable, "RP" reporting (encounters),
                                       "31" subrogation demand; NULL = "CH".  Under CH a
                                       claim of 0.00 is refused (X12_ERR_CLAIM_AMOUNT) */
    x12_claim_party submitter;      /* 1000A NM1*41 (id_qualifier "46") + PER */
    x12_claim_party receiver;       /* 1000B NM1*40 */
} x12_claim_header;

/* 2000A: the billing provider and where payment goes. */
typedef struct x12_claim_billing {
    x12_claim_party provider;     /* 2010AA NM1*85: NPI in id (XX), tax id, taxonomy (PRV*BI at
                                     2000A), address (N3/N4, a street address), contacts (PER) */
    const char *currency;         /* 2000A CUR02 (CUR01 "85"); NULL = none */
    const x12_claim_party *pay_to_address; /* 2010AB NM1*87 + N3/N4; NULL = none */
    const x12_claim_party *pay_to_plan;    /* 2010AC NM1*PE + N3/N4 + REF (2U/FY/NF) + tax id;
                                              NULL = none */
} x12_claim_billing;

/* 2000B: the subscriber (SBR + 2010BA) and the payer (2010BB). */
typedef struct x12_claim_subscriber {
    const char *payer_responsibility;   /* SBR01: "P", "S", "T", "A".."H", "U" */
    const char *relationship;           /* SBR02: "18" when the subscriber is the patient,
                                           else NULL (the patient is in 2000C) */
    const char *group_number;           /* SBR03 */
    const char *group_name;             /* SBR04 */
    const char *insurance_type;         /* SBR05 (837P/837D when not primary Medicare: "12".."47") */
    const char *claim_filing_indicator; /* SBR09: "CI", "MB", "MC", "BL", "HM", "ZZ", ... */
    x12_claim_party subscriber;         /* 2010BA NM1*IL: name, member id ("MI"), address,
                                           birth date and gender (DMG), REF*SY / REF*Y4 in refs */
    x12_claim_party payer;              /* 2010BB NM1*PR: name, payer id ("PI"), address,
                                           REF (2U, EI, FY, NF, G2, LU) in refs */
    /* 837P 2000B PAT, only when the subscriber is the patient (a claim with a
       patient and these is refused: they go in x12_claim_patient): */
    const char *death_date;             /* PAT06 (PAT05 "D8") */
    const char *weight;                 /* PAT08 in pounds (PAT07 "01") */
    const char *pregnant;               /* PAT09 "Y" */
} x12_claim_subscriber;

/* 2000C: the patient, when not the subscriber. */
typedef struct x12_claim_patient {
    const char *relationship; /* PAT01: "01" spouse, "19" child, "20" employee, "21" unknown,
                                 "39" organ donor, "40" cadaver donor, "53" life partner, "G8" other */
    x12_claim_party patient;  /* 2010CA NM1*QC: name, address, DMG; REF*Y4/1W/SY in refs */
    const char *death_date;   /* 837P PAT06 (PAT05 "D8") */
    const char *weight;       /* 837P PAT08 in pounds (PAT07 "01") */
    const char *pregnant;     /* 837P PAT09 "Y" */
} x12_claim_patient;

/* CR1: ambulance transport (837P 2300 and 2400). */
typedef struct x12_claim_ambulance {
    const char *weight;             /* CR102 patient weight (CR101 "LB") */
    const char *reason;             /* CR104 transport reason: "A".."E" */
    const char *miles;              /* CR106 transport distance (CR105 "DH") */
    const char *round_trip_purpose; /* CR109 */
    const char *stretcher_purpose;  /* CR110 */
} x12_claim_ambulance;

/* CR2: spinal manipulation (837P 2300). */
typedef struct x12_claim_spinal {
    const char *condition;    /* CR208 patient condition code: "A", "C", "D", "E", "F", "G", "M" */
    const char *description1; /* CR210 */
    const char *description2; /* CR211 */
} x12_claim_spinal;

/* CRC: a condition indicator (837P 2300: ambulance "07", vision "E1".."E3",
 * homebound "75", EPSDT "ZZ"; 2400: ambulance "07", hospice "70", DME "09"). */
typedef struct x12_claim_crc {
    const char *category;  /* CRC01 */
    const char *response;  /* CRC02 "Y" / "N" */
    const char *codes[5];  /* CRC03-07 */
} x12_claim_crc;

/* SV5: durable medical equipment (837P 2400). */
typedef struct x12_claim_dme {
    const char *procedure_qualifier; /* SV501-1; NULL = "HC" */
    const char *procedure;           /* SV501-2 */
    const char *days;                /* SV503 length of medical necessity (SV502 "DA") */
    int has_rental;                  /* SV504 rental price */
    int64_t rental_cents;
    int has_purchase;                /* SV505 purchase price */
    int64_t purchase_cents;
    const char *frequency;           /* SV506 rental unit price indicator: "1", "4", "6" */
} x12_claim_dme;

/* CR3: durable medical equipment certification (837P 2400). */
typedef struct x12_claim_dme_certification {
    const char *type;   /* CR301: "I" initial, "R" renewal, "S" revised */
    const char *months; /* CR303 duration (CR302 "MO") */
} x12_claim_dme_certification;

/* 2440 LQ/FRM: a form (certificate of medical necessity) and its answers. */
typedef struct x12_claim_form_answer {
    const char *question; /* FRM01 */
    const char *yes_no;   /* FRM02: "Y", "N", "W" */
    const char *text;     /* FRM03 */
    const char *date;     /* FRM04 */
    const char *percent;  /* FRM05 */
} x12_claim_form_answer;

typedef struct x12_claim_form {
    const char *type;               /* LQ01: "AS" form type, "UT" CMS DMERC CMN */
    const char *form;               /* LQ02 */
    x12_claim_form_answer *answers; /* FRM */
    size_t answer_count;
} x12_claim_form;

/* CN1: contract information (2300; 837P 2400). */
typedef struct x12_claim_contract {
    const char *type;       /* CN101: "01".."06", "09" */
    int has_amount;         /* CN102 */
    int64_t amount_cents;
    const char *percent;    /* CN103 allowance or charge percent */
    const char *code;       /* CN104 contract code */
    const char *discount;   /* CN105 terms discount percent */
    const char *version;    /* CN106 contract version */
} x12_claim_contract;

/* A qualified quantity (837P 2400 QTY: "PT" ambulance patient count, "FL"
 * obstetric additional units) or measurement (MEA: category "TR"/"OG",
 * qualifier "HT", "R1".."R4", value). */
typedef struct x12_claim_measure {
    const char *category;  /* MEA01; NULL for QTY */
    const char *qualifier; /* QTY01 / MEA02 */
    const char *value;     /* QTY02 / MEA03 (a decimal string) */
} x12_claim_measure;

/* HCP: repricing by a repricer or a PPO network, at claim (2300) or line
 * (2400) level. */
typedef struct x12_claim_repricing {
    const char *pricing_methodology;   /* HCP01: "00" zero pricing, "03" flat rate ... "14" */
    int has_allowed;                   /* HCP02 repriced allowed amount */
    int64_t allowed_cents;
    int has_savings;                   /* HCP03 repriced saving amount */
    int64_t savings_cents;
    const char *organization_id;       /* HCP04 repricing organization */
    const char *rate;                  /* HCP05 per diem or flat rate (a decimal string) */
    const char *approved_drg;          /* HCP06 */
    int has_drg_amount;                /* HCP07 */
    int64_t drg_amount_cents;
    const char *approved_revenue_code; /* HCP08 (837I lines) */
    const char *procedure_qualifier;   /* HCP09 */
    const char *procedure;             /* HCP10 */
    const char *unit_basis;            /* HCP11 */
    const char *units;                 /* HCP12 */
    const char *reject_reason;         /* HCP13: "T1".."T6" */
    const char *compliance;            /* HCP14 policy compliance: "1".."5" */
    const char *exception;             /* HCP15: "1".."6" */
} x12_claim_repricing;

/* ---- Other payers (COB) ------------------------------------------------ */

/* 2320 MOA: the other payer's outpatient adjudication (Medicare remarks). */
typedef struct x12_claim_outpatient_adjudication {
    const char *reimbursement_rate; /* MOA01 (a decimal string) */
    int has_payable;                /* MOA02 HCPCS payable amount */
    int64_t payable_cents;
    const char *remarks[5];         /* MOA03-07 claim payment remark codes */
    int has_esrd;                   /* MOA08 end stage renal disease payment */
    int64_t esrd_cents;
    int has_nonpayable;             /* MOA09 non-payable professional component */
    int64_t nonpayable_cents;
} x12_claim_outpatient_adjudication;

/* 2320 MIA: the other payer's inpatient adjudication (837I).  MIA has
 * fifteen amounts; they are kept by position: has_amount[i] and
 * amount_cents[i] are MIA(i+1), used for i+1 = 4, 6-14, 16-19 and 24. */
typedef struct x12_claim_inpatient_adjudication {
    const char *covered_days;              /* MIA01 */
    const char *lifetime_psychiatric_days; /* MIA03 */
    const char *cost_report_days;          /* MIA15 */
    const char *remarks[5];                /* MIA05, MIA20-23 claim payment remark codes */
    int has_amount[24];
    int64_t amount_cents[24];
} x12_claim_inpatient_adjudication;

/* 2320/2330A/2330B: an other payer of a secondary or tertiary claim. */
typedef struct x12_claim_other_payer {
    const char *payer_responsibility;   /* SBR01 of 2320 */
    const char *relationship;           /* SBR02: the patient's relationship to the other
                                           subscriber ("18" self, "01", "19", ...) */
    const char *group_number;           /* SBR03 */
    const char *group_name;             /* SBR04 */
    const char *insurance_type;         /* SBR05 */
    const char *claim_filing_indicator; /* SBR09 */
    x12_claim_adjustment *adjustments;  /* CAS (claim level) */
    size_t adjustment_count;
    int has_paid;                       /* AMT*D: what this payer paid */
    int64_t paid_cents;
    x12_claim_amount *amounts;          /* other AMT: "A8" non-covered, "EAF" remaining
                                           patient liability */
    size_t amount_count;
    const char *benefits_assignment;    /* OI03 "Y"/"N"/"W" */
    const char *patient_signature_source;/* OI04 "P" (837P) */
    const char *release_of_info;        /* OI06 "I"/"Y" */
    x12_claim_party subscriber;         /* 2330A NM1*IL (other insured) */
    x12_claim_party payer;              /* 2330B NM1*PR: payer id in id ("PI"/"XV"),
                                           address, REF (F8 payer claim number, G1, 9F, T4, 2U, ...) */
    const char *adjudication_date;      /* 2330B DTP*573 (claim check or remittance date) */
    x12_claim_provider *providers;      /* 2330C-2330I: the other payer's ids of the claim's
                                           providers (party: entity type and refs only) */
    size_t provider_count;
    const x12_claim_outpatient_adjudication *outpatient; /* 2320 MOA; NULL = none */
    const x12_claim_inpatient_adjudication *inpatient;   /* 837I 2320 MIA; NULL = none */
} x12_claim_other_payer;

/* 2430: how an other payer adjudicated one service line. */
typedef struct x12_claim_line_adjudication {
    const char *payer_id;          /* SVD01: the 2330B NM109 of that payer */
    int64_t paid_cents;            /* SVD02 */
    const char *procedure_qualifier;/* SVD03-1: "HC", "AD", "ER", "HP", "IV", "WK" */
    const char *procedure;         /* SVD03-2 */
    const char *modifiers[4];      /* SVD03-3..6 */
    const char *description;       /* SVD03-7 */
    const char *revenue_code;      /* SVD04 (837I) */
    const char *units;             /* SVD05 paid units */
    const char *bundled_line;      /* SVD06 */
    x12_claim_adjustment *adjustments; /* CAS */
    size_t adjustment_count;
    const char *adjudication_date; /* DTP*573 (required) */
    int has_remaining;             /* AMT*EAF remaining patient liability */
    int64_t remaining_cents;
} x12_claim_line_adjudication;

/* ---- Service lines ----------------------------------------------------- */

/* A tooth (837D 2400 TOO): TOO01 "JP", TOO02 the tooth, TOO03 up to five surfaces. */
typedef struct x12_claim_tooth {
    const char *number;      /* TOO02: "1".."32", "A".."T", supernumerary "51".."84" */
    const char *surfaces[5]; /* TOO03-1..5: "B", "D", "F", "I", "L", "M", "O" */
} x12_claim_tooth;

/* 2410: drug identification for a line. */
typedef struct x12_claim_drug {
    const char *qualifier;   /* LIN02: "N4" (NDC 5-4-2), "EN", "EO", "HI", ... */
    const char *code;        /* LIN03 */
    const char *quantity;    /* CTP04 */
    const char *unit;        /* CTP05-1: "F2", "GR", "ME", "ML", "UN" */
    const char *ref_qualifier;/* REF01: "XZ" prescription number, "VY" link sequence */
    const char *ref_value;   /* REF02 */
} x12_claim_drug;

/* 2400: a service line.  837P writes SV1, 837I SV2, 837D SV3. */
typedef struct x12_claim_line {
    const char *procedure_qualifier; /* SV101-1/SV202-1/SV301-1: NULL = "HC" (837P/837I), "AD"
                                        (837D); "ER", "IV", "WK", "HP" for 837P/837I */
    const char *procedure;           /* the code (CPT/HCPCS, CDT "D0120"); 837I may omit it */
    const char *modifiers[4];        /* up to four */
    const char *description;         /* SV101-7 / SV202-7 / SV301-7 */
    const char *revenue_code;        /* SV201 (837I, required there) */
    int64_t charge_cents;            /* SV102 / SV203 / SV302 */
    const char *unit_basis;          /* SV103 "UN"/"MJ" (837P), SV204 "UN"/"DA" (837I); NULL = "UN" */
    const char *units;               /* SV104 / SV205; SV306 quantity (837D) */
    const char *place_of_service;    /* SV105 (837P) / SV303 (837D) when it differs from the
                                        claim's facility_code; the writer leaves out one equal
                                        to it (the TR3: "if not required, do not send") */
    uint8_t diagnosis_pointers[4];   /* SV107-1..4 (837P) / SV311 (837D): 1-based positions in
                                        [principal diagnosis, other diagnoses...]; 0 = unused */
    const char *emergency;           /* SV109 "Y" (837P) */
    const char *epsdt;               /* SV111 "Y" (837P) */
    const char *family_planning;     /* SV112 "Y" (837P) */
    const char *copay_exempt;        /* SV115 "0" (837P) */
    int has_unit_rate;               /* SV206 (837I) */
    int64_t unit_rate_cents;
    int has_non_covered;             /* SV207 (837I) */
    int64_t non_covered_cents;
    const char *oral_cavity[5];      /* SV304-1..5 (837D): quadrant or arch, "00".."40", "L", "U" */
    const char *prosthesis;          /* SV305 (837D): "I" initial, "R" replacement */
    x12_claim_tooth *teeth;          /* TOO (837D) */
    size_t tooth_count;
    const char *service_date;        /* DTP*472: D8 or "from-to" (RD8) */
    x12_claim_date *dates;           /* other DTP of the line ("471" prescription, "607" ...) */
    size_t date_count;
    const char *line_control_number; /* REF*6R line item control number */
    x12_claim_ref *refs;             /* other REF ("G1" prior authorization, "9F", "X4" CLIA) */
    size_t ref_count;
    x12_claim_amount *amounts;       /* AMT ("T" sales tax, "F4" postage claimed, "GT") */
    size_t amount_count;
    x12_claim_note *notes;           /* NTE ("ADD", "DCP", "TPO") */
    size_t note_count;
    x12_claim_attachment *attachments; /* PWK */
    size_t attachment_count;
    const x12_claim_drug *drug;      /* 2410 LIN/CTP/REF; NULL = none */
    x12_claim_provider *providers;   /* 2420x line-level providers */
    size_t provider_count;
    x12_claim_line_adjudication *adjudications; /* 2430 */
    size_t adjudication_count;
    const x12_claim_repricing *repricing; /* 2400 HCP; NULL = none */
    const x12_claim_ambulance *ambulance; /* 837P 2400 CR1; NULL = none */
    x12_claim_crc *condition_indicators;  /* 837P 2400 CRC */
    size_t condition_indicator_count;
    const x12_claim_dme *dme;             /* 837P 2400 SV5; NULL = none */
    const x12_claim_dme_certification *dme_certification; /* 837P 2400 CR3; NULL = none */
    x12_claim_form *forms;                /* 837P 2440 LQ/FRM */
    size_t form_count;
    x12_claim_measure *quantities;        /* 837P 2400 QTY */
    size_t quantity_count;
    x12_claim_measure *measurements;      /* 837P 2400 MEA */
    size_t measurement_count;
    const x12_claim_contract *contract;   /* 837P 2400 CN1; NULL = none */
    const char **file_info;               /* 837P 2400 K301 */
    size_t file_info_count;
    const char *purchased_provider_id;    /* 837P 2400 PS101 */
    int has_purchased;                    /* PS102 purchased service charge */
    int64_t purchased_cents;
} x12_claim_line;

/* ---- The claim (2300) -------------------------------------------------- */

typedef struct x12_claim {
    x12_claim_type type;
    const char *transaction_type;           /* BHT06 of its set: "CH" a claim for payment,
                                               "RP" reporting (an encounter), "31" subrogation
                                               demand.  NULL = the writer's header's
                                               (x12_claim_header.bht_type); one that differs
                                               from it is refused.  The 837 reader sets it
                                               (NULL for CH, the default) */
    const x12_claim_billing *billing;       /* required */
    const x12_claim_subscriber *subscriber; /* required */
    const x12_claim_patient *patient;       /* NULL: the subscriber is the patient (SBR02 "18") */

    const char *claim_id;             /* CLM01 patient control number (<= 38) */
    int64_t total_charge_cents;       /* CLM02: must equal the sum of the lines' charges */
    const char *facility_code;        /* CLM05-1: place of service ("11") for 837P/837D; the
                                         first two digits of the type of bill ("11" of 111)
                                         for 837I */
    const char *facility_qualifier;   /* CLM05-2; NULL = "B" (837P/837D), "A" (837I) */
    const char *frequency_code;       /* CLM05-3: "1" original, "7" replacement, "8" void (the
                                         third digit of an 837I type of bill) */
    const char *provider_signature;   /* CLM06 "Y"/"N" (837P/837D) */
    const char *assignment;           /* CLM07 plan participation "A", "B", "C" */
    const char *benefits_assignment;  /* CLM08 "Y", "N", "W" */
    const char *release_of_info;      /* CLM09 "I", "Y" */
    const char *patient_signature_source; /* CLM10 "P" (837P) */
    const char *related_causes[3];    /* CLM11-1..3: "AA" auto accident, "EM", "OA" */
    const char *accident_state;       /* CLM11-4 */
    const char *accident_country;     /* CLM11-5 */
    const char *special_program;      /* CLM12 */
    const char *predetermination;     /* CLM19 "PB" predetermination of benefits (837D) */
    const char *delay_reason;         /* CLM20 */

    /* Dates (DTP).  The writer puts every DTP in the guide's order. */
    const char *onset_date;           /* DTP*431 (837P) */
    const char *admission_date;       /* DTP*435: D8, or CCYYMMDDHHMM (DT) for 837I */
    const char *discharge_date;       /* 837P DTP*096 (D8); 837I DTP*096 discharge hour (TM, HHMM) */
    const char *statement_from;       /* DTP*434 RD8 from (837I; required there) */
    const char *statement_to;         /* DTP*434 RD8 to */
    x12_claim_date *dates;            /* other DTP: "454", "304", "439" accident, "484", "472"
                                         (837D service date), "452" appliance placement, ... */
    size_t date_count;

    /* References (REF). */
    const char *payer_claim_number;   /* REF*F8: required for frequency 7 and 8 */
    const char *prior_authorization;  /* REF*G1 */
    const char *referral_number;      /* REF*9F */
    const char *medical_record_number;/* REF*EA */
    x12_claim_ref *refs;              /* other REF ("D9", "4N", "X4", "9A", "P4", ...) */
    size_t ref_count;

    x12_claim_amount *amounts;        /* AMT ("F5" patient paid (837P/837D), "F3" ...) */
    size_t amount_count;
    x12_claim_note *notes;            /* NTE (837P one; 837I up to ten) */
    size_t note_count;
    x12_claim_attachment *attachments;/* PWK */
    size_t attachment_count;

    /* Diagnoses (HI).  ICD-10-CM unless a qualifier says otherwise.  837P and
     * 837D: principal + up to 11 others (12 in all), addressed by the lines'
     * diagnosis pointers in this order. */
    x12_claim_code principal_diagnosis;  /* ABK; code NULL = none */
    x12_claim_code admitting_diagnosis;  /* ABJ (837I) */
    x12_claim_code *reason_for_visit;    /* APR (837I, up to 3) */
    size_t reason_for_visit_count;
    x12_claim_code *external_causes;     /* ABN (837I, up to 12) */
    size_t external_cause_count;
    x12_claim_code *other_diagnoses;     /* ABF */
    size_t other_diagnosis_count;

    /* Institutional (837I); procedures and conditions also 837P (anesthesia
     * related procedures HI*BP/BO, condition codes HI*BG). */
    const char *admission_type;       /* CL101 */
    const char *admission_source;     /* CL102 */
    const char *patient_status;       /* CL103 */
    const char *drg;                  /* HI*DR */
    x12_claim_code principal_procedure;  /* 837I BBR (ICD-10-PCS) with its date; 837P BP */
    x12_claim_code *other_procedures;    /* 837I BBQ; 837P BO */
    size_t other_procedure_count;
    x12_claim_code *occurrence_spans; /* BI: code + date "from-to" */
    size_t occurrence_span_count;
    x12_claim_code *occurrences;      /* BH: code + date */
    size_t occurrence_count;
    x12_claim_code *values;           /* BE: code + amount */
    size_t value_count;
    x12_claim_code *conditions;       /* BG: code */
    size_t condition_count;

    /* Dental (837D). */
    int has_orthodontic;              /* DN1 present */
    const char *ortho_months_total;   /* DN101 */
    const char *ortho_months_remaining; /* DN102 */
    const char *ortho_questionnaire;  /* DN104 "Y" */
    x12_claim_tooth *tooth_status;    /* DN2: number = tooth, surfaces[0] = DN202 status
                                         ("E" to be extracted, "M" missing) */
    size_t tooth_status_count;

    x12_claim_provider *providers;    /* 2310x claim-level providers, in the guide's order */
    size_t provider_count;
    x12_claim_other_payer *other_payers; /* 2320 (up to 10) */
    size_t other_payer_count;
    x12_claim_line *lines;            /* 2400: at least one (837P/837D up to 50, 837I 999) */
    size_t line_count;
    const x12_claim_repricing *repricing; /* 2300 HCP; NULL = none */
    const x12_claim_ambulance *ambulance; /* 837P 2300 CR1; NULL = none */
    const x12_claim_spinal *spinal;       /* 837P 2300 CR2; NULL = none */
    x12_claim_crc *condition_indicators;  /* 837P 2300 CRC */
    size_t condition_indicator_count;
    const x12_claim_contract *contract;   /* 2300 CN1; NULL = none */
    const char **file_info;               /* 2300 K301 (up to 10) */
    size_t file_info_count;
    x12_claim_code *treatment_codes;      /* 837I HI*TC (home health treatment codes) */
    size_t treatment_code_count;
} x12_claim;

/* Value equality of two claims (and of everything they point to).  NULL and
 * "" compare equal; the billing provider, subscriber and patient are compared
 * by value, not by address.  Returns 1 when equal. */
X12_API int x12_claim_equal(const x12_claim *a, const x12_claim *b);

/* Value equality of the levels the writer groups on. */
X12_API int x12_claim_billing_equal(const x12_claim_billing *a, const x12_claim_billing *b);
X12_API int x12_claim_subscriber_equal(const x12_claim_subscriber *a, const x12_claim_subscriber *b);
X12_API int x12_claim_patient_equal(const x12_claim_patient *a, const x12_claim_patient *b);

/* ---- Checks ------------------------------------------------------------ */

/* One problem found in a claim before it is written.  Codes are the
 * X12_ERR_CLAIM_* values (110-129) of error.h. */
typedef struct x12_claim_problem {
    x12_status code;
    const char *claim_id; /* CLM01 of the claim ("" when missing); valid during the call */
    size_t claim_index;   /* 0-based: the order in which claims were given */
    char path[128];       /* the field: "lines[1].diagnosis_pointers[0]",
                             "subscriber.subscriber.id", "total_charge_cents" */
    char detail[96];      /* what was expected (never patient data) */
} x12_claim_problem;

typedef void (*x12_claim_problem_fn)(void *ctx, const x12_claim_problem *p);

/* Checks a claim the way the writer does before writing it: required
 * fields, CLM02 = sum of line charges, NPI check digits, code and date shapes
 * (ICD-10-CM, place of service, type of bill, frequency), diagnosis pointers
 * in range, repeat limits.  Calls `fn` (may be NULL) once per problem with
 * `claim_index` as given.  Returns the number of problems (0 = the claim can
 * be written). */
X12_API size_t x12_claim_check(const x12_claim *claim, size_t claim_index,
                               x12_claim_problem_fn fn, void *ctx);

/* 1 when `npi` is ten digits, the first 1 or 2, whose last is the Luhn check
 * digit computed over "80840" followed by the first nine (what x12 validate
 * checks in an NM109 of qualifier XX). */
X12_API int x12_npi_valid(const char *npi);

/* ---- Writer ------------------------------------------------------------ */

/* Which control number x12_claim_writer_options.control asks for. */
typedef enum x12_control_kind {
    X12_CONTROL_ISA13 = 0,
    X12_CONTROL_GS06 = 1,
    X12_CONTROL_ST02 = 2
} x12_control_kind;

typedef struct x12_claim_writer_options {
    x12_claim_type type;          /* every claim added must have this type */
    size_t max_claims_per_set;    /* a new ST/SE after this many claims; 0 = 5000 */
    x12_writer_options writer;    /* delimiters, line breaks, charset, allocator */
    /* Control numbers.  NULL: the header's numbers are used for the first
     * ISA, GS and ST, then each is one more than the last.  Otherwise called
     * each time an ISA, GS or ST is about to be written; returns the number
     * (1..999999999), or 0 to fail the write with X12_ERR_LIMIT.  This is the
     * hook for a persistent, locked counter (control.h). */
    uint32_t (*control)(void *ctx, x12_control_kind kind);
    void *control_ctx;
    /* Called once per problem of a claim that is not written; may be NULL. */
    x12_claim_problem_fn problem;
    void *problem_ctx;
    /* 1: write claims without x12_claim_check() (re-writing files read with
     * x12_claim_reader whose data fails the checks, e.g. test NPIs). */
    int no_checks;
    /* When not NULL, the 837 is validated as it is written: its bytes are
     * read back as they go out and walked with every check x12 validate
     * makes (SNIP 1-5: the guide's element lengths and codes, balancing, its
     * rules), which catches what x12_claim_check() does not look at (a name
     * longer than its element allows, say).  Each finding comes here with
     * the CLM01 of the claim it lies in ("" above the claims: an envelope,
     * 2000A or 2000B); all have come by the time x12_claim_writer_finish()
     * returns.  The bytes are written either way. */
    void (*output_finding)(void *ctx, const x12_finding *f, const char *claim_id);
    void *output_finding_ctx;
} x12_claim_writer_options;

/* Fills `opts` with the defaults: professional, 5000 claims per set,
 * x12_writer_options_init(), no callbacks. */
X12_API void x12_claim_writer_options_init(x12_claim_writer_options *opts);

typedef struct x12_claim_writer x12_claim_writer;

/* Creates a claim writer sending bytes to `out(ctx, ...)`.  The header is
 * copied (deeply) and used for every interchange, group and set opened.
 * Nothing is written until the first claim is added.  Returns NULL on bad
 * options or no memory; `err` (may be NULL) says which. */
X12_API x12_claim_writer *x12_claim_writer_new(const x12_claim_writer_options *opts,
                                               const x12_claim_header *header,
                                               x12_write_fn out, void *ctx, x12_error *err);

/* Checks one claim and, when it passes, writes it.  Streaming: a claim is
 * written as soon as it is added.  It joins the current 2000A when its
 * billing provider equals the previous claim's, and the current 2000B when
 * its subscriber (and patient) also equal the previous ones; callers that
 * want the fewest HL loops sort claims by billing provider, then subscriber,
 * then patient.  A new transaction set starts after max_claims_per_set
 * claims.  The caller keeps ownership of `claim`; it may be freed as soon as
 * this returns.
 * Text is checked against the output's delimiters and character set before
 * anything is written (X12_ERR_CLAIM_TEXT, even with no_checks).
 * Returns X12_OK (written), X12_ERR_CLAIM_REJECTED (it failed the checks: its
 * problems went to the problem callback, nothing was written, the writer
 * goes on), X12_ERR_USAGE (a claim of another type, after finish, or without
 * billing provider or subscriber: nothing written, the writer goes on), or a
 * fatal error (X12_ERR_NOMEM, X12_ERR_IO, X12_ERR_LIMIT, or a segment writer
 * error such as X12_ERR_CHARSET for text iconv cannot fold), after which the
 * writer refuses more. */
X12_API x12_status x12_claim_writer_add(x12_claim_writer *w, const x12_claim *claim);

/* How far x12_claim_writer_end() closes. */
typedef enum x12_claim_end {
    X12_END_SET = 0,        /* SE: the next claim opens a new ST */
    X12_END_GROUP = 1,      /* SE + GE */
    X12_END_INTERCHANGE = 2 /* SE + GE + IEA */
} x12_claim_end;

/* Closes the open envelopes up to `level` (a no-op for those not open). */
X12_API x12_status x12_claim_writer_end(x12_claim_writer *w, x12_claim_end level);

/* Replaces the header (copied deeply) used for envelopes opened from now on
 * (a round trip of a file with several sets calls it with each set's
 * header).  Without a control callback, each non-zero control number in it
 * restarts its counter; a zero keeps the running one.  Returns X12_OK,
 * X12_ERR_NOMEM or X12_ERR_USAGE (no header). */
X12_API x12_status x12_claim_writer_set_header(x12_claim_writer *w, const x12_claim_header *header);

/* Amounts as X12 writes them ("100", "12.5"; the default) or always with
 * two decimals ("100.00", "12.50"), as some senders do. */
X12_API void x12_claim_writer_set_amount_style(x12_claim_writer *w, x12_amount_style style);

/* HL levels, for x12_claim_writer_break(). */
typedef enum x12_claim_level {
    X12_LEVEL_BILLING = 0,    /* 2000A */
    X12_LEVEL_SUBSCRIBER = 1, /* 2000B */
    X12_LEVEL_PATIENT = 2     /* 2000C */
} x12_claim_level;

/* Makes the next claim open a new HL at `level` (and the levels below it)
 * even when its billing provider, subscriber or patient equal the previous
 * claim's (reproducing a file that repeats a level).  Returns X12_OK. */
X12_API x12_status x12_claim_writer_break(x12_claim_writer *w, x12_claim_level level);

/* Closes everything (SE, GE, IEA).  An output with no claim written has no
 * interchange at all.  Returns X12_OK or the first fatal error. */
X12_API x12_status x12_claim_writer_finish(x12_claim_writer *w);

typedef struct x12_claim_writer_stats {
    uint64_t claims_written;
    uint64_t claims_rejected;
    uint32_t sets;
    uint32_t interchanges;
} x12_claim_writer_stats;

X12_API void x12_claim_writer_get_stats(const x12_claim_writer *w, x12_claim_writer_stats *out);

/* The error of the last fatal failure (code X12_OK when none). */
X12_API const x12_error *x12_claim_writer_error(const x12_claim_writer *w);

/* Frees the writer without writing more; NULL is a no-op. */
X12_API void x12_claim_writer_free(x12_claim_writer *w);

/* ---- Reader ------------------------------------------------------------ */

/* Where a claim was read. */
typedef struct x12_claim_context {
    const x12_claim_header *header; /* the set's envelope, BHT, submitter, receiver */
    x12_delimiters delims;          /* of the interchange */
    uint32_t interchange;           /* 1-based within the input */
    uint32_t set;                   /* 1-based within the input */
    uint32_t claim_in_set;          /* 1-based */
    uint64_t byte_offset;           /* of the CLM segment */
    uint32_t segment_index;         /* of the CLM segment, from the ISA */
    int opens_billing;              /* 1: an HL 2000A began since the previous claim */
    int opens_subscriber;           /* 1: an HL 2000B began since the previous claim */
    int opens_patient;              /* 1: an HL 2000C began since the previous claim */
    x12_amount_style amount_style;  /* X12_AMOUNT_DECIMAL2 when every amount of the claim
                                       had exactly two decimals, else X12_AMOUNT_X12 */
} x12_claim_context;

typedef struct x12_claim_reader_callbacks {
    /* One call per claim (2300 with its lines), with claim->billing,
     * ->subscriber and ->patient filled from its HL levels (NULL when the
     * file lacks the level; patient NULL = the subscriber is the patient).  Everything
     * pointed to is valid only during the call (the claim's arena is reset
     * for the next claim).  Return non-zero to stop (X12_ERR_STOPPED). */
    int (*claim)(void *ctx, const x12_claim *claim, const x12_claim_context *cx);
    /* Findings of the reader and walker (with positions), and one
     * X12_ERR_CLAIM_NOT_CARRIED (severity INFO, loop id set) for each
     * segment the model does not carry.  May be NULL. */
    void (*finding)(void *ctx, const x12_finding *f);
} x12_claim_reader_callbacks;

typedef struct x12_claim_reader x12_claim_reader;

/* Creates an 837 reader (P, I and D: the type of each set comes from its
 * guide; 005010X222, X222A2, X223, X223A1, X223A3, X224, X224A1 and X224A3
 * are read with the spec of their kind: X12_WALK_NEAREST_GUIDE is always
 * added, and a warning X12_ERR_NEAREST_GUIDE at such a set's ST says which
 * guide it was read as).  `walk_flags` are X12_WALK_* bits
 * for the walker's own checks (0 = structure only).  `alloc` (NULL = libc)
 * serves the reader and its arenas; the walker and the specs it loads use
 * the C library.  Returns NULL when memory runs out.  Free with
 * x12_claim_reader_free(). */
X12_API x12_claim_reader *x12_claim_reader_new(const x12_claim_reader_callbacks *cb, void *ctx,
                                               unsigned walk_flags, const x12_allocator *alloc);

/* The most memory one claim (2300 with its lines, other payers, notes) may
 * take in the reader: a claim that grows past it (a broken file with
 * thousands of lines where the guides allow 50 or 999) is not read: one
 * X12_ERR_CLAIM_COUNT error at the segment where it grew too large, its
 * remaining segments skipped, and no claim callback for it; the next CLM
 * starts afresh.  So memory stays bounded whatever the input. */
#define X12_CLAIM_DEFAULT_MAX_BYTES ((size_t)32 << 20)
/* Sets that limit (0 = the default). */
X12_API void x12_claim_reader_set_max_claim_bytes(x12_claim_reader *r, size_t bytes);

/* Uses `spec` (a companion-guide overlay applied, or a spec loaded once and
 * shared by many readers) for the sets of its guide; the caller keeps it,
 * and it must outlive the reader.  Returns as x12_walker_use_spec(). */
X12_API x12_status x12_claim_reader_use_spec(x12_claim_reader *r, const x12_spec *spec);

/* Passes one segment (from an x12_reader's segment callback); errors of the
 * x12_reader go to x12_claim_reader_error().  Returns X12_OK, X12_ERR_STOPPED
 * or X12_ERR_NOMEM. */
X12_API x12_status x12_claim_reader_segment(x12_claim_reader *r, const x12_segment *seg);
X12_API void x12_claim_reader_error(x12_claim_reader *r, const x12_error *err);

/* Ends the input (a claim still open is delivered).  Returns as above. */
X12_API x12_status x12_claim_reader_finish(x12_claim_reader *r);

/* Frees the reader; NULL is a no-op. */
X12_API void x12_claim_reader_free(x12_claim_reader *r);

/* Reads a whole file ("-" = stdin, gzip recognised) through x12_input with
 * reader options `opts` (NULL = X12_READ_LENIENT defaults).  Returns X12_OK,
 * X12_ERR_IO, X12_ERR_GZIP, X12_ERR_LIMIT, X12_ERR_NOMEM or X12_ERR_STOPPED;
 * problems in the input go to the finding callback and do not fail the call. */
X12_API x12_status x12_claim_read_file(const char *path, const x12_reader_options *opts,
                                       const x12_claim_reader_callbacks *cb, void *ctx,
                                       unsigned walk_flags);

#ifdef __cplusplus
}
#endif
#endif
