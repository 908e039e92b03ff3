/* SNIP 3 balancing state, embedded in the walker (parsers/balance.c). */
#ifndef X12_BALANCE_H
#define X12_BALANCE_H

#include <stdint.h>

#include "x12/reader.h"

#define BAL_MAX_PAYERS 10 /* 2320 repeats at most 10 times */

typedef enum bal_kind { BAL_NONE, BAL_835, BAL_837P, BAL_837I, BAL_837D } bal_kind;

typedef struct bal_pos {
    uint64_t off;
    uint32_t seg_index, set_pos;
    char id[4];
    int valid;
} bal_pos;

/* A finding: X12_ERR_BALANCE (an error, at the segment whose amounts do not
 * agree, el 0), X12_ERR_CAS_BOTH_LEVELS (a warning, at the line's CAS, el its
 * reason), X12_ERR_PATIENT_RESPONSIBILITY (at the CLP, el 5) or
 * X12_ERR_COB_REPORTING (SNIP 4; `ik3` its 999 IK304: "I6" something the
 * guide requires is missing, "I9" something it says not to send is there,
 * "8" with el set a bad element).  `ik3` is NULL for the others. */
typedef void (*bal_report_fn)(void *ctx, x12_status code, const bal_pos *at, const char *loop_id,
                              uint16_t el, const char *ik3, const char *detail);

#define BAL_CLAIM_CAS 32 /* claim-level group+reason pairs kept per claim */

typedef struct bal_payer {
    char id[81]; /* 2330B NM109 (80 at most) */
    int64_t paid, cas_claim, cas_lines, svd;
    int has_paid, has_svd, ok;
    bal_pos pos;
    /* how its adjudication is reported (005010X222A1, X223A2, X224A2 2320,
     * 2330B, 2430): the claim level's date and remaining liability, and
     * whether a line gave a remaining liability for this payer */
    int has_date, has_eaf, line_eaf;
    bal_pos nm1_pos, date_pos, eaf_pos;
} bal_payer;

typedef struct bal_line {
    int64_t svd, cas;
    int seen;
} bal_line;

typedef struct balancer {
    bal_kind kind;
    bal_report_fn report;
    void *ctx;
    /* 835: the claim's 2100 CAS group+reason pairs, and which were said */
    uint64_t claim_cas[BAL_CLAIM_CAS];
    uint32_t nclaim_cas, cas_said;
    /* 835 */
    int64_t bpr02, plb, sum_paid;
    int64_t claim_pr, pr_sum; /* CLP05, and the claim's PR adjustments (claim and lines) */
    int ok_pr, claim_reversal;
    int have_hdr, ok_hdr, set_ok;
    bal_pos hdr_pos;
    /* claims and lines, both guides */
    int in_claim, ok_claim, in_line, ok_line;
    int64_t claim_charge, claim_paid, claim_adj, lines_adj, lines_charge;
    int64_t line_charge, line_paid, line_adj;
    bal_pos claim_pos, line_pos;
    /* 837 COB */
    bal_payer payers[BAL_MAX_PAYERS];
    int npayers, cur_payer, line_payer;
    bal_line line_by_payer[BAL_MAX_PAYERS];
} balancer;

void bal_begin_set(balancer *b, bal_kind kind, bal_report_fn report, void *ctx);
void bal_segment(balancer *b, const char *loop_id, const x12_segment *seg);
void bal_leave(balancer *b, const char *loop_id);

#endif
