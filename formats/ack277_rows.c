/* 277CA status records as rows: CSV (RFC 4180) or NDJSON, one row per
 * record, through the row writer of the 835 rows.  Columns and their sources:
 * docs/277-columns.md.  Amounts are two-decimal text from integer cents
 * (JSON strings), "" when absent; counts are JSON numbers, null when absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/ack277.h>
#include <x12/amount.h>

#include "rows_internal.h"

static const column COLS[] = {
    {"file", K_TEXT},               {"level", K_TEXT},
    {"status", K_TEXT},             {"claim_id", K_TEXT},
    {"payer_claim_number", K_TEXT}, {"category", K_TEXT},
    {"status_code", K_TEXT},        {"entity", K_TEXT},
    {"action", K_TEXT},             {"status_date", K_TEXT},
    {"codes", K_TEXT},              {"message", K_TEXT},
    {"amount", K_TEXT},             {"trace", K_TEXT},
    {"payer_name", K_TEXT},         {"payer_id", K_TEXT},
    {"receiver_name", K_TEXT},      {"receiver_id", K_TEXT},
    {"provider_name", K_TEXT},      {"provider_id", K_TEXT},
    {"patient_last_name", K_TEXT},  {"patient_first_name", K_TEXT},
    {"member_id", K_TEXT},          {"clearinghouse_trace", K_TEXT},
    {"bill_type", K_TEXT},          {"service_from", K_TEXT},
    {"service_to", K_TEXT},         {"line_number", K_COUNT},
    {"procedure_qualifier", K_TEXT},{"procedure", K_TEXT},
    {"modifiers", K_TEXT},          {"revenue_code", K_TEXT},
    {"units", K_TEXT},              {"line_control_number", K_TEXT},
    {"accepted_count", K_COUNT},    {"rejected_count", K_COUNT},
    {"accepted_amount", K_TEXT},    {"rejected_amount", K_TEXT},
    {"payer_id_qualifier", K_TEXT}, {"receiver_id_qualifier", K_TEXT},
    {"provider_id_qualifier", K_TEXT}, {"member_id_qualifier", K_TEXT},
};

#define NCOLS (sizeof COLS / sizeof COLS[0])

struct x12_ack277_rows {
    x12_remit_rows *w;
    unsigned levels;
    char num[6][24]; /* the formatted amounts and counts of the row */
};

X12_API const char *x12_ack277_rows_column(size_t i)
{
    return i < NCOLS ? COLS[i].name : NULL;
}

X12_API x12_ack277_rows *x12_ack277_rows_new(unsigned levels, x12_rows_format format,
                                             x12_rows_write_fn out, void *ctx)
{
    if (!out)
        return NULL;
    x12_ack277_rows *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->levels = levels ? levels : 0xFu;
    r->w = x12__rows_new(COLS, NCOLS, format, out, ctx);
    if (!r->w) {
        free(r);
        return NULL;
    }
    return r;
}

X12_API void x12_ack277_rows_set_file(x12_ack277_rows *r, const char *label)
{
    x12_remit_rows_set_file(r->w, label);
}

X12_API void x12_ack277_rows_set_utf8(x12_ack277_rows *r, int on)
{
    x12_remit_rows_set_utf8(r->w, on);
}

static const char *money(char *buf, int has, int64_t cents)
{
    buf[0] = '\0';
    if (has)
        x12_amount_format(cents, X12_AMOUNT_DECIMAL2, buf, 24);
    return buf;
}

static const char *number(char *buf, int has, uint32_t v)
{
    buf[0] = '\0';
    if (has)
        snprintf(buf, 24, "%u", (unsigned)v);
    return buf;
}

X12_API x12_status x12_ack277_rows_add(x12_ack277_rows *r, const x12_ack277_status *s)
{
    if (!(r->levels >> s->level & 1u))
        return x12__rows_status(r->w);
    const char *v[NCOLS] = {
        x12__rows_file(r->w),
        x12_ack277_level_name(s->level),
        s->status,
        s->claim_id,
        s->payer_claim_number,
        s->category,
        s->status_code,
        s->entity,
        s->action,
        s->status_date,
        s->codes,
        s->message,
        money(r->num[0], s->has_amount, s->amount_cents),
        s->trace,
        s->payer_name,
        s->payer_id,
        s->receiver_name,
        s->receiver_id,
        s->provider_name,
        s->provider_id,
        s->patient_last_name,
        s->patient_first_name,
        s->member_id,
        s->clearinghouse_trace,
        s->bill_type,
        s->service_from,
        s->service_to,
        number(r->num[1], s->level == X12_ACK277_LINE, s->line_number),
        s->procedure_qualifier,
        s->procedure,
        s->modifiers,
        s->revenue_code,
        s->units,
        s->line_control_number,
        number(r->num[2], s->has_accepted_count, s->accepted_count),
        number(r->num[3], s->has_rejected_count, s->rejected_count),
        money(r->num[4], s->has_accepted_amount, s->accepted_cents),
        money(r->num[5], s->has_rejected_amount, s->rejected_cents),
        s->payer_id_qualifier,
        s->receiver_id_qualifier,
        s->provider_id_qualifier,
        s->member_id_qualifier,
    };
    for (size_t i = 0; i < NCOLS; i++)
        x12__rows_text(r->w, i, v[i]);
    x12__rows_emit(r->w);
    return x12__rows_status(r->w);
}

X12_API uint64_t x12_ack277_rows_count(const x12_ack277_rows *r)
{
    return x12_remit_rows_count(r->w);
}

X12_API x12_status x12_ack277_rows_finish(x12_ack277_rows *r)
{
    return x12_remit_rows_finish(r->w);
}

X12_API void x12_ack277_rows_free(x12_ack277_rows *r)
{
    if (!r)
        return;
    x12_remit_rows_free(r->w);
    free(r);
}
