/* SNIP 3 balancing, exact in integer cents, fed by the walker as segments are
 * placed and loops are left.
 *  835 (005010X221A1; X12-FACTS 4.1):
 *    line  SVC02 - sum(2110 CAS amounts)                       = SVC03
 *    claim CLP03 - sum(2100 CAS) - sum(every 2110 CAS)         = CLP04
 *    set   sum(CLP04) - sum(PLB amounts)                       = BPR02
 *    and, outside the balancing, CLP05 = sum(2100 and 2110 CAS of group PR)
 *    except for reversals (CLP02 22; RFI 2548)
 *  837P/I/D (X12-FACTS 3.5, RFI 1294):
 *    claim CLM02 = sum of line charges (SV102, SV203, SV302)
 *    COB, per prior payer (2320 + its 2430s, matched by 2330B NM109 = SVD01):
 *      CLM02 = AMT*D + sum(2320 CAS) + sum(2430 CAS)
 *      AMT*D = sum(SVD02) - sum(2320 CAS)            when line payments exist
 *      line charge = sum(SVD02) + sum(2430 CAS)       for each line the payer adjudicated
 * An amount that does not parse is left to the element checks; its sum is
 * then not checked. */
#include <stdio.h>
#include <string.h>

#include "balance.h"
#include "spec_model.h"
#include "x12/amount.h"

#define K2(a, b) ((uint32_t)2 << 24 | (uint32_t)(a) << 16 | (uint32_t)(b) << 8)
#define K3(a, b, c) ((uint32_t)3 << 24 | (uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

/* A loop id ("2330B", at most 8 bytes used) packed into an integer, so that
 * the per-segment tests are integer compares. */
static inline uint64_t lkey(const char *id)
{
    uint64_t k = 0;
    for (int i = 0; i < 8 && id[i]; i++)
        k = k << 8 | (unsigned char)id[i];
    return k;
}

static void pos_of(bal_pos *p, const x12_segment *seg)
{
    p->off = seg->byte_offset;
    p->seg_index = seg->segment_index;
    p->set_pos = seg->set_position;
    size_t n = seg->id.len < 3 ? seg->id.len : 3;
    memcpy(p->id, seg->id.ptr, n);
    p->id[n] = '\0';
    p->valid = 1;
}

/* Element `pos` as cents; 0 (and *ok cleared) when it does not parse. */
static int64_t amt(const x12_segment *seg, unsigned pos, int *ok)
{
    int64_t c = 0;
    x12_slice v = pos <= seg->element_count ? seg->elements[pos] : (x12_slice){NULL, 0};
    if (x12_amount_parse(v, &c) != X12_OK) {
        *ok = 0;
        return 0;
    }
    return c;
}

/* Optional amount: an empty element is 0 and fine. */
static int64_t amt_opt(const x12_segment *seg, unsigned pos, int *ok)
{
    if (pos > seg->element_count || seg->elements[pos].len == 0)
        return 0;
    return amt(seg, pos, ok);
}

/* CAS03, 06, 09, 12, 15, 18. */
static int64_t cas_sum(const x12_segment *seg, int *ok)
{
    int64_t s = 0;
    for (unsigned p = 3; p <= 18; p += 3)
        s += amt_opt(seg, p, ok);
    return s;
}

/* CAS01 and the reason at `reason_pos` (CAS02, 05, ... 17) as one key; 0
 * when either is empty or too long to be one (the element checks say so). */
static uint64_t cas_key(const x12_segment *seg, unsigned reason_pos)
{
    x12_slice g = seg_el(seg, 1), r = seg_el(seg, reason_pos);
    if (!r.len || r.len > 6 || !g.len || g.len > 2)
        return 0;
    char k[8] = {0};
    memcpy(k, g.ptr, g.len);
    memcpy(k + 2, r.ptr, r.len);
    return spec_codekey(k, 8);
}

/* 005010X221A1 2100/2110 CAS: an adjustment goes at the claim or the line
 * level, never both (X12-FACTS trap 5, RFI 358): a line's CAS group and
 * reason that the claim level has too, said once per claim and pair. */
static void cas_both_levels(balancer *b, const x12_segment *seg)
{
    if (!b->nclaim_cas)
        return;
    for (unsigned p = 2; p <= 17; p += 3) {
        uint64_t k = cas_key(seg, p);
        for (uint32_t i = 0; k && i < b->nclaim_cas; i++) {
            if (b->claim_cas[i] != k || (b->cas_said >> i & 1))
                continue;
            b->cas_said |= (uint32_t)1 << i;
            bal_pos at;
            pos_of(&at, seg);
            char detail[96];
            snprintf(detail, sizeof detail, "%.*s-%.*s also at the claim level; one level only, RFI 358",
                     (int)seg->elements[1].len, seg->elements[1].ptr, (int)seg->elements[p].len,
                     seg->elements[p].ptr);
            b->report(b->ctx, X12_ERR_CAS_BOTH_LEVELS, &at, "2110", (uint16_t)p, NULL, detail);
        }
    }
}

static void money(char *buf, size_t cap, int64_t c)
{
    x12_amount_format(c, X12_AMOUNT_DECIMAL2, buf, cap); /* "28.10", as every output of money */
}

static void unbalanced(balancer *b, const bal_pos *at, const char *loop, const char *what,
                       int64_t want, int64_t got)
{
    char w[32], g[32], detail[160];
    money(w, sizeof w, want);
    money(g, sizeof g, got);
    snprintf(detail, sizeof detail, "%s: expected %s, found %s", what, w, g);
    b->report(b->ctx, X12_ERR_BALANCE, at, loop, 0, NULL, detail);
}

void bal_begin_set(balancer *b, bal_kind kind, bal_report_fn report, void *ctx)
{
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->report = report;
    b->ctx = ctx;
    b->set_ok = 1;
}

static int payer_index(balancer *b, x12_slice id)
{
    for (int i = 0; i < b->npayers; i++)
        if (strlen(b->payers[i].id) == id.len && id.len && !memcmp(b->payers[i].id, id.ptr, id.len))
            return i;
    return -1;
}

static void seg_835(balancer *b, const char *loop, const x12_segment *seg)
{
    uint64_t lk = lkey(loop);
    uint32_t k = spec_idkey(seg->id.ptr, seg->id.len);
    if (k == K3('B', 'P', 'R')) {
        b->ok_hdr = 1;
        b->bpr02 = amt(seg, 2, &b->ok_hdr);
        b->have_hdr = 1;
        pos_of(&b->hdr_pos, seg);
    } else if (k == K3('P', 'L', 'B')) {
        for (unsigned p = 4; p <= 14; p += 2)
            b->plb += amt_opt(seg, p, &b->set_ok);
    } else if (k == K3('C', 'L', 'P')) {
        b->ok_claim = 1;
        b->claim_charge = amt(seg, 3, &b->ok_claim);
        b->claim_paid = amt(seg, 4, &b->ok_claim);
        b->claim_adj = b->lines_adj = 0;
        b->ok_pr = 1;
        b->claim_pr = amt_opt(seg, 5, &b->ok_pr);
        b->pr_sum = 0;
        b->claim_reversal = x12_slice_eq(seg_el(seg, 2), "22");
        b->in_claim = 1;
        b->nclaim_cas = b->cas_said = 0;
        pos_of(&b->claim_pos, seg);
    } else if (k == K3('S', 'V', 'C')) {
        b->ok_line = 1;
        b->line_charge = amt(seg, 2, &b->ok_line);
        b->line_paid = amt(seg, 3, &b->ok_line);
        b->line_adj = 0;
        b->in_line = 1;
        pos_of(&b->line_pos, seg);
    } else if (k == K3('C', 'A', 'S')) {
        int pr = x12_slice_eq(seg_el(seg, 1), "PR");
        if (lk == lkey("2110") && b->in_line) {
            int64_t s = cas_sum(seg, &b->ok_line);
            b->line_adj += s;
            b->lines_adj += s;
            if (pr)
                b->pr_sum += s;
            if (b->in_claim)
                cas_both_levels(b, seg);
        } else if (lk == lkey("2100") && b->in_claim) {
            int64_t s = cas_sum(seg, &b->ok_claim);
            b->claim_adj += s;
            if (pr)
                b->pr_sum += s;
            for (unsigned p = 2; p <= 17; p += 3) {
                uint64_t key = cas_key(seg, p);
                if (key && b->nclaim_cas < BAL_CLAIM_CAS)
                    b->claim_cas[b->nclaim_cas++] = key;
            }
        }
    }
}

static void leave_835(balancer *b, const char *loop)
{
    uint64_t lk = lkey(loop);
    if (lk == lkey("2110") && b->in_line) {
        b->in_line = 0;
        if (b->ok_line && b->line_charge - b->line_adj != b->line_paid)
            unbalanced(b, &b->line_pos, "2110", "SVC02 - line CAS = SVC03", b->line_paid,
                       b->line_charge - b->line_adj);
        if (!b->ok_line)
            b->ok_claim = 0;
    } else if (lk == lkey("2100") && b->in_claim) {
        b->in_claim = 0;
        if (b->ok_claim && b->claim_charge - b->claim_adj - b->lines_adj != b->claim_paid)
            unbalanced(b, &b->claim_pos, "2100", "CLP03 - claim and line CAS = CLP04",
                       b->claim_paid, b->claim_charge - b->claim_adj - b->lines_adj);
        /* 005010X221A1 2100 CLP05: "CLP05 must equal the sum of all claim
         * and service line adjustments with Claim Adjustment Group Code PR.
         * The exception is reversals" (RFI 2548; not part of balancing) */
        if (b->ok_claim && b->ok_pr && !b->claim_reversal && b->pr_sum != b->claim_pr) {
            char w[32], g[32], detail[128];
            money(w, sizeof w, b->claim_pr);
            money(g, sizeof g, b->pr_sum);
            snprintf(detail, sizeof detail, "CLP05 = claim and line CAS PR: expected %s, found %s",
                     w, g);
            b->report(b->ctx, X12_ERR_PATIENT_RESPONSIBILITY, &b->claim_pos, "2100", 5, NULL,
                      detail);
        }
        if (b->ok_claim)
            b->sum_paid += b->claim_paid;
        else
            b->set_ok = 0;
    } else if (lk == lkey("ST")) {
        if (b->have_hdr && b->ok_hdr && b->set_ok && b->sum_paid - b->plb != b->bpr02)
            unbalanced(b, &b->hdr_pos, "ST", "sum of CLP04 - PLB amounts = BPR02", b->bpr02,
                       b->sum_paid - b->plb);
    }
}

static void seg_837(balancer *b, const char *loop, const x12_segment *seg)
{
    x12_slice id = seg->id;
    uint32_t k = spec_idkey(id.ptr, id.len);
    /* most segments of a claim play no part in balancing */
    if (k != K3('C', 'L', 'M') && k != K3('S', 'V', '1') && k != K3('S', 'V', '2') &&
        k != K3('S', 'V', '3') && k != K3('S', 'B', 'R') && k != K3('A', 'M', 'T') &&
        k != K3('C', 'A', 'S') && k != K3('N', 'M', '1') && k != K3('S', 'V', 'D') &&
        k != K3('D', 'T', 'P'))
        return;
    /* a line's DTP (every line has its service date) is no COB's */
    if (k == K3('D', 'T', 'P') && loop[0] == '2' && loop[1] == '4' && loop[2] == '0')
        return;
    uint64_t lk = lkey(loop);
    if (k == K3('C', 'L', 'M')) {
        b->ok_claim = 1;
        b->claim_charge = amt(seg, 2, &b->ok_claim);
        b->lines_charge = 0;
        b->npayers = 0;
        b->cur_payer = b->line_payer = -1;
        b->in_claim = 1;
        pos_of(&b->claim_pos, seg);
    } else if ((b->kind == BAL_837P && k == K3('S', 'V', '1')) ||
               (b->kind == BAL_837I && k == K3('S', 'V', '2')) ||
               (b->kind == BAL_837D && k == K3('S', 'V', '3'))) {
        /* 837P SV102, 837I SV203 (SV202 is the procedure), 837D SV302 */
        unsigned p = b->kind == BAL_837I ? 3 : 2;
        b->ok_line = 1;
        b->line_charge = amt(seg, p, &b->ok_line);
        if (b->ok_line)
            b->lines_charge += b->line_charge;
        else
            b->ok_claim = 0;
        b->in_line = 1;
        memset(b->line_by_payer, 0, sizeof b->line_by_payer);
        pos_of(&b->line_pos, seg);
    } else if (lk == lkey("2320")) {
        if (k == K3('S', 'B', 'R') && b->npayers == BAL_MAX_PAYERS) {
            b->cur_payer = -1; /* past the guide's 10 (a repeat error): not followed */
        } else if (k == K3('S', 'B', 'R')) {
            memset(&b->payers[b->npayers], 0, sizeof b->payers[0]);
            b->payers[b->npayers].ok = 1;
            pos_of(&b->payers[b->npayers].pos, seg);
            b->cur_payer = b->npayers++;
        } else if (b->cur_payer >= 0 && k == K3('A', 'M', 'T') &&
                   x12_slice_eq(x12_segment_element(seg, 1), "D")) {
            b->payers[b->cur_payer].paid = amt(seg, 2, &b->payers[b->cur_payer].ok);
            b->payers[b->cur_payer].has_paid = 1;
        } else if (b->cur_payer >= 0 && k == K3('A', 'M', 'T') &&
                   x12_slice_eq(x12_segment_element(seg, 1), "EAF")) {
            b->payers[b->cur_payer].has_eaf = 1;
            pos_of(&b->payers[b->cur_payer].eaf_pos, seg);
        } else if (b->cur_payer >= 0 && k == K3('C', 'A', 'S')) {
            b->payers[b->cur_payer].cas_claim += cas_sum(seg, &b->payers[b->cur_payer].ok);
        }
    } else if (lk == lkey("2330B") && k == K3('N', 'M', '1') && b->cur_payer >= 0) {
        x12_slice v = x12_segment_element(seg, 9);
        size_t n = v.len < sizeof b->payers[0].id - 1 ? v.len : sizeof b->payers[0].id - 1;
        memcpy(b->payers[b->cur_payer].id, v.ptr ? v.ptr : "", n);
        b->payers[b->cur_payer].id[n] = '\0';
        pos_of(&b->payers[b->cur_payer].nm1_pos, seg);
    } else if (lk == lkey("2330B") && k == K3('D', 'T', 'P') && b->cur_payer >= 0 &&
               x12_slice_eq(x12_segment_element(seg, 1), "573")) {
        b->payers[b->cur_payer].has_date = 1;
        pos_of(&b->payers[b->cur_payer].date_pos, seg);
    } else if (lk == lkey("2430")) {
        if (k == K3('S', 'V', 'D')) {
            x12_slice svd01 = x12_segment_element(seg, 1);
            b->line_payer = payer_index(b, svd01);
            /* 2430 SVD01: the 2330B NM109 of the payer that adjudicated the
             * line; a line no payer of the claim matches is neither balanced
             * nor counted for one, so it is said (an empty SVD01 is the
             * element check's) */
            if (b->line_payer < 0 && svd01.len) {
                bal_pos at;
                pos_of(&at, seg);
                b->report(b->ctx, X12_ERR_COB_REPORTING, &at, "2430", 1, "8",
                          "SVD01 names no other payer of the claim (2330B NM109)");
            }
            if (b->line_payer >= 0) {
                bal_payer *p = &b->payers[b->line_payer];
                int64_t paid = amt(seg, 2, &p->ok);
                p->svd += paid;
                p->has_svd = 1;
                b->line_by_payer[b->line_payer].svd += paid;
                b->line_by_payer[b->line_payer].seen = 1;
            }
        } else if (k == K3('C', 'A', 'S') && b->line_payer >= 0) {
            bal_payer *p = &b->payers[b->line_payer];
            int64_t s = cas_sum(seg, &p->ok);
            p->cas_lines += s;
            b->line_by_payer[b->line_payer].cas += s;
        } else if (k == K3('A', 'M', 'T') && b->line_payer >= 0 &&
                   x12_slice_eq(x12_segment_element(seg, 1), "EAF")) {
            bal_payer *p = &b->payers[b->line_payer];
            if (p->has_eaf && !p->line_eaf) {
                /* said once a payer, at the claim level's, which is the one to drop */
                b->report(b->ctx, X12_ERR_COB_REPORTING, &p->eaf_pos, "2320", 0, "I9",
                          "AMT*EAF here and on a line (2430) of this payer: one level only");
            }
            p->line_eaf = 1;
        }
    }
}

/* How each prior payer's adjudication is reported, when the claim ends
 * (005010X222A1, X223A2, X224A2; the same notes in the three):
 *  2320 AMT*D: required when the payer in 2330B adjudicated the claim; lines
 *    it adjudicated (2430) mean it did;
 *  2330B DTP*573: required when that payer adjudicated the claim and its line
 *    adjudications are not reported in 2430; else not sent (2430 DTP*573, a
 *    required segment of 2430, carries the date then);
 *  2320 AMT*EAF and 2430 AMT*EAF: the remaining liability at one level (X12
 *    RFI 1391: "not sent in both the line and claim segments"; the line's
 *    by default, the claim's when the other payer gave claim-level
 *    information only or the provider cannot send lines). */
static void cob_reporting(balancer *b)
{
    for (int i = 0; i < b->npayers; i++) {
        bal_payer *p = &b->payers[i];
        if (!p->id[0])
            continue; /* no 2330B NM109 (the element check's): no lines can be its */
        if (p->has_svd && !p->has_paid)
            b->report(b->ctx, X12_ERR_COB_REPORTING, &p->pos, "2320", 0, "I6",
                      "no AMT*D, though this payer adjudicated lines (2430)");
        if (p->has_paid && !p->has_svd && !p->has_date)
            b->report(b->ctx, X12_ERR_COB_REPORTING, &p->nm1_pos, "2330B", 0, "I6",
                      "no DTP*573 for a claim this payer adjudicated (AMT*D) without lines (2430)");
        if (p->has_date && p->has_svd)
            b->report(b->ctx, X12_ERR_COB_REPORTING, &p->date_pos, "2330B", 0, "I9",
                      "DTP*573 here and on this payer's lines (2430): send the lines' only");
    }
}

static void leave_837(balancer *b, const char *loop)
{
    uint64_t lk = lkey(loop);
    if (lk == lkey("2400") && b->in_line) {
        b->in_line = 0;
        for (int i = 0; i < b->npayers && b->ok_line; i++) {
            bal_line *l = &b->line_by_payer[i];
            if (l->seen && b->payers[i].ok && l->svd + l->cas != b->line_charge)
                unbalanced(b, &b->line_pos, "2430", "line charge = SVD02 + 2430 CAS",
                           b->line_charge, l->svd + l->cas);
        }
        b->line_payer = -1;
    } else if (lk == lkey("2320")) {
        /* the payer stays current for its 2330 loops; lines come after all 2320s */
    } else if (lk == lkey("2300") && b->in_claim) {
        b->in_claim = 0;
        cob_reporting(b);
        if (!b->ok_claim)
            return;
        if (b->lines_charge != b->claim_charge)
            unbalanced(b, &b->claim_pos, "2300", "CLM02 = sum of line charges", b->claim_charge,
                       b->lines_charge);
        for (int i = 0; i < b->npayers; i++) {
            bal_payer *p = &b->payers[i];
            if (!p->ok || !p->has_paid)
                continue;
            if (p->paid + p->cas_claim + p->cas_lines != b->claim_charge)
                unbalanced(b, &p->pos, "2320", "CLM02 = AMT*D + 2320 CAS + 2430 CAS",
                           b->claim_charge, p->paid + p->cas_claim + p->cas_lines);
            else if (p->has_svd && p->paid != p->svd - p->cas_claim)
                unbalanced(b, &p->pos, "2320", "AMT*D = SVD02 - 2320 CAS", p->paid,
                           p->svd - p->cas_claim);
        }
    }
}

void bal_segment(balancer *b, const char *loop, const x12_segment *seg)
{
    if (b->kind == BAL_835)
        seg_835(b, loop, seg);
    else if (b->kind != BAL_NONE)
        seg_837(b, loop, seg);
}

void bal_leave(balancer *b, const char *loop)
{
    if (b->kind == BAL_835)
        leave_835(b, loop);
    else if (b->kind != BAL_NONE)
        leave_837(b, loop);
}
