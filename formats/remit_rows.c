/* 835 rows: claim payments, service lines, adjustments and PLB entries as
 * CSV (RFC 4180) or NDJSON.  Columns and their sources: docs/835-columns.md.
 * Amounts are two-decimal text from integer cents; JSON carries them as
 * strings so that no reader turns them into floating point. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/amount.h>
#include <x12/remit.h>
#include "internal.h"
#include "rows_internal.h"

static const column CLAIM_COLS[] = {
    {"file", K_TEXT},           {"payer_id", K_TEXT},          {"trace_number", K_TEXT},
    {"claim_id", K_TEXT},       {"status_code", K_TEXT},       {"billed", K_AMOUNT},
    {"paid", K_AMOUNT},         {"patient_responsibility", K_AMOUNT},
    {"payer_claim_number", K_TEXT},
    {"payer_name", K_TEXT},     {"payee_id", K_TEXT},          {"payment_date", K_TEXT},
    {"payment_method", K_TEXT}, {"payment_amount", K_AMOUNT},  {"filing_indicator", K_TEXT},
    {"facility_code", K_TEXT},  {"frequency_code", K_TEXT},    {"patient_last_name", K_TEXT},
    {"patient_first_name", K_TEXT}, {"patient_id", K_TEXT},    {"insured_id", K_TEXT},
    {"statement_from", K_TEXT}, {"statement_to", K_TEXT},      {"allowed", K_AMOUNT},
    {"adj_co", K_AMOUNT},       {"adj_pr", K_AMOUNT},          {"adj_oa", K_AMOUNT},
    {"adj_pi", K_AMOUNT},       {"adj_cr", K_AMOUNT},          {"remark_codes", K_TEXT},
    {"original_reference", K_TEXT}, {"crossover_carrier", K_TEXT}, {"lines", K_COUNT},
};

static const column LINE_COLS[] = {
    {"file", K_TEXT},          {"payer_id", K_TEXT},          {"trace_number", K_TEXT},
    {"claim_id", K_TEXT},      {"line_number", K_COUNT},      {"procedure_qualifier", K_TEXT},
    {"procedure", K_TEXT},     {"modifiers", K_TEXT},         {"revenue_code", K_TEXT},
    {"billed", K_AMOUNT},      {"paid", K_AMOUNT},            {"allowed", K_AMOUNT},
    {"units", K_TEXT},         {"original_procedure", K_TEXT},{"service_date", K_TEXT},
    {"service_end", K_TEXT},   {"line_control_number", K_TEXT},
    {"adj_co", K_AMOUNT},      {"adj_pr", K_AMOUNT},          {"adj_oa", K_AMOUNT},
    {"adj_pi", K_AMOUNT},      {"adj_cr", K_AMOUNT},          {"remark_codes", K_TEXT},
    {"status_code", K_TEXT},   {"payer_claim_number", K_TEXT},
};

static const column ADJ_COLS[] = {
    {"file", K_TEXT},        {"payer_id", K_TEXT},   {"trace_number", K_TEXT},
    {"claim_id", K_TEXT},    {"level", K_TEXT},      {"line_number", K_COUNT},
    {"procedure", K_TEXT},   {"group_code", K_TEXT}, {"reason_code", K_TEXT},
    {"amount", K_AMOUNT},    {"quantity", K_TEXT},   {"payer_claim_number", K_TEXT},
};

static const column PLB_COLS[] = {
    {"file", K_TEXT},        {"payer_id", K_TEXT},    {"trace_number", K_TEXT},
    {"claim_id", K_TEXT},    {"provider_id", K_TEXT}, {"fiscal_date", K_TEXT},
    {"reason_code", K_TEXT}, {"reference", K_TEXT},   {"amount", K_AMOUNT},
};

#define NCOL(a) (sizeof a / sizeof a[0])
#define MAXCOL ROWS_MAXCOL

static const column *cols_of(x12_remit_level level, size_t *n)
{
    switch (level) {
    case X12_REMIT_LEVEL_LINE:
        *n = NCOL(LINE_COLS);
        return LINE_COLS;
    case X12_REMIT_LEVEL_ADJUSTMENT:
        *n = NCOL(ADJ_COLS);
        return ADJ_COLS;
    case X12_REMIT_LEVEL_PLB:
        *n = NCOL(PLB_COLS);
        return PLB_COLS;
    default:
        *n = NCOL(CLAIM_COLS);
        return CLAIM_COLS;
    }
}

X12_API const char *x12_remit_rows_column(x12_remit_level level, size_t i)
{
    size_t n;
    const column *c = cols_of(level, &n);
    return i < n ? c[i].name : NULL;
}

struct x12_remit_rows {
    x12_remit_level level;
    const column *cols; /* the level's, or a caller's (x12__rows_new) */
    size_t ncols;
    x12_rows_format format;
    x12_rows_write_fn out;
    void *ctx;
    char file[512];
    uint64_t rows;
    int header_done, failed, nomem;
    int utf8; /* CSV text as UTF-8 (x12_remit_rows_set_utf8) */
    char *buf;
    size_t len, cap;
    /* a row: one value per column, amounts and counts formatted into num[] */
    const char *val[MAXCOL];
    int64_t amt[MAXCOL];
    char num[MAXCOL][24];
};

/* Room for n more bytes and a NUL; 0 when there is none (nomem set). */
static int reserve(x12_remit_rows *w, size_t n)
{
    if (w->nomem)
        return 0;
    if (w->len + n + 1 <= w->cap)
        return 1;
    size_t nc = w->cap ? w->cap : 1024;
    while (nc < w->len + n + 1)
        nc *= 2;
    char *p = realloc(w->buf, nc);
    if (!p) {
        w->nomem = 1;
        return 0;
    }
    w->buf = p;
    w->cap = nc;
    return 1;
}

static void grow_and_put(x12_remit_rows *w, const char *s, size_t n)
{
    if (!reserve(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static inline void put(x12_remit_rows *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap || w->nomem) {
        grow_and_put(w, s, n);
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void puts_(x12_remit_rows *w, const char *s) { put(w, s, strlen(s)); }

static void flush(x12_remit_rows *w)
{
    if (w->len && !w->failed && !w->nomem && w->out(w->ctx, w->buf, w->len) != 0)
        w->failed = 1;
    w->len = 0;
}

/* RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
static const unsigned char CSV_SPECIAL[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

static void csv_field(x12_remit_rows *w, const char *s)
{
    size_t n = 0;
    unsigned quote = 0, high = 0;
    /* (the byte scan of every field is the hot loop of 835 -> CSV: the
     * UTF-8 check is made only when asked for) */
    if (w->utf8) {
        for (; s[n]; n++) {
            quote |= CSV_SPECIAL[(unsigned char)s[n]];
            high |= (unsigned char)s[n] >> 7;
        }
    } else {
        for (; s[n]; n++)
            quote |= CSV_SPECIAL[(unsigned char)s[n]];
    }
    if (!quote && !high) {
        put(w, s, n);
        return;
    }
    if (quote)
        put(w, "\"", 1);
    for (size_t i = 0; i < n;) {
        if (s[i] == '"')
            put(w, "\"", 1);
        if (w->utf8 && ((unsigned char)s[i] >> 7)) {
            /* as the JSON rows read it: UTF-8 as it is, another byte as ISO-8859-1 */
            char buf[2];
            const char *o;
            size_t on;
            i += x12__utf8_char((const unsigned char *)s + i, n - i, buf, &o, &on);
            put(w, o, on);
        } else {
            put(w, s + i, 1);
            i++;
        }
    }
    if (quote)
        put(w, "\"", 1);
}

/* \uXXXX */
static void put_u(x12_remit_rows *w, unsigned v)
{
    static const char HEX[] = "0123456789abcdef";
    char esc[6] = {'\\', 'u', HEX[(v >> 12) & 15], HEX[(v >> 8) & 15], HEX[(v >> 4) & 15], HEX[v & 15]};
    put(w, esc, 6);
}

static void json_string(x12_remit_rows *w, const char *s)
{
    put(w, "\"", 1);
    /* runs of plain characters go out in one put */
    const unsigned char *p = (const unsigned char *)s, *run = p;
    for (;; p++) {
        unsigned char ch = *p;
        if (x12__json_plain[ch])
            continue;
        if (p > run)
            put(w, (const char *)run, (size_t)(p - run));
        if (!ch)
            break;
        char esc[8];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\';
            esc[1] = (char)ch;
            put(w, esc, 2);
        } else if (ch < 0x80) {
            put_u(w, ch);
        } else {
            /* X12 text is ASCII; anything else is escaped, never passed raw:
             * UTF-8 as its characters, any other byte read as ISO-8859-1 */
            size_t avail = 1;
            while (avail < 4 && p[avail])
                avail++;
            size_t n = x12__utf8_seq(p, avail);
            if (!n) {
                put_u(w, ch);
            } else {
                unsigned v = ch & (0x7Fu >> n);
                for (size_t i = 1; i < n; i++)
                    v = (v << 6) | (p[i] & 0x3Fu);
                if (v >= 0x10000) { /* a surrogate pair */
                    v -= 0x10000;
                    put_u(w, 0xD800 + (v >> 10));
                    put_u(w, 0xDC00 + (v & 0x3FF));
                } else {
                    put_u(w, v);
                }
                p += n - 1;
            }
        }
        run = p + 1;
    }
    put(w, "\"", 1);
}

static void header(x12_remit_rows *w)
{
    if (w->header_done)
        return;
    w->header_done = 1;
    if (w->format != X12_ROWS_CSV)
        return;
    size_t n = w->ncols;
    const column *c = w->cols;
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(w, ",", 1);
        puts_(w, c[i].name);
    }
    put(w, "\r\n", 2);
    flush(w);
}

/* Writes the row held in w->val / w->amt. */
static void emit(x12_remit_rows *w)
{
    header(w);
    size_t n = w->ncols;
    const column *c = w->cols;
    if (w->format == X12_ROWS_JSON)
        put(w, "{", 1);
    for (size_t i = 0; i < n; i++) {
        const char *v = w->val[i] ? w->val[i] : "";
        if (c[i].k == K_AMOUNT && w->format == X12_ROWS_CSV) {
            /* an amount never needs quoting: format it straight into the row */
            int64_t cents = w->amt[i];
            w->val[i] = NULL;
            w->amt[i] = 0;
            if (!reserve(w, 25)) /* a comma and at most 24 bytes */
                continue;
            if (i)
                w->buf[w->len++] = ',';
            w->len += x12__amount_text(cents, 2, w->buf + w->len);
            continue;
        }
        if (c[i].k == K_AMOUNT) {
            x12_amount_format(w->amt[i], X12_AMOUNT_DECIMAL2, w->num[i], sizeof w->num[i]);
            v = w->num[i];
        }
        w->val[i] = NULL;
        w->amt[i] = 0;
        if (w->format == X12_ROWS_JSON) {
            if (i)
                put(w, ",", 1);
            /* column names are plain identifiers: nothing to escape */
            put(w, "\"", 1);
            puts_(w, c[i].name);
            put(w, "\":", 2);
            if (c[i].k == K_COUNT && v[0])
                puts_(w, v);
            else if (c[i].k == K_COUNT)
                puts_(w, "null");
            else
                json_string(w, v);
        } else {
            if (i)
                put(w, ",", 1);
            csv_field(w, v);
        }
    }
    put(w, w->format == X12_ROWS_JSON ? "}\n" : "\r\n", 2);
    /* rows go out in blocks of about 64 KiB (and at finish) */
    if (w->len >= 65536)
        flush(w);
    w->rows++;
    /* (each column's val and amt were cleared as it was written) */
}

X12_API x12_remit_rows *x12_remit_rows_new(x12_remit_level level, x12_rows_format format,
                                           x12_rows_write_fn out, void *ctx)
{
    if (!out)
        return NULL;
    x12_remit_rows *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->level = level;
    w->cols = cols_of(level, &w->ncols);
    w->format = format;
    w->out = out;
    w->ctx = ctx;
    return w;
}

x12_remit_rows *x12__rows_new(const column *cols, size_t n, x12_rows_format format,
                              x12_rows_write_fn out, void *ctx)
{
    if (n > MAXCOL)
        return NULL;
    x12_remit_rows *w = x12_remit_rows_new(X12_REMIT_LEVEL_CLAIM, format, out, ctx);
    if (w) {
        w->cols = cols;
        w->ncols = n;
    }
    return w;
}

void x12__rows_text(x12_remit_rows *w, size_t i, const char *v)
{
    if (i < w->ncols)
        w->val[i] = v;
}

void x12__rows_amount(x12_remit_rows *w, size_t i, int64_t cents)
{
    if (i < w->ncols)
        w->amt[i] = cents;
}

const char *x12__rows_file(const x12_remit_rows *w)
{
    return w->file;
}

void x12__rows_emit(x12_remit_rows *w)
{
    emit(w);
}

X12_API void x12_remit_rows_set_utf8(x12_remit_rows *w, int on)
{
    w->utf8 = on != 0;
}

X12_API void x12_remit_rows_set_file(x12_remit_rows *w, const char *label)
{
    snprintf(w->file, sizeof w->file, "%s", label ? label : "");
}

static void common(x12_remit_rows *w, const x12_remit_payment *p, const char *claim_id)
{
    w->val[0] = w->file;
    w->val[1] = p->payer_id;
    w->val[2] = p->trace_number;
    w->val[3] = claim_id;
}

/* Decimal text of a count, without snprintf. */
static void utoa_(size_t v, char *buf)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

/* CAS01's column among CO PR OA PI CR, -1 for any other (two bytes and
 * the NUL compared at once) */
static int group_column(const char g[3])
{
    if (!g[0] || !g[1] || g[2])
        return -1;
    switch ((unsigned char)g[0] << 8 | (unsigned char)g[1]) {
    case 'C' << 8 | 'O':
        return 0;
    case 'P' << 8 | 'R':
        return 1;
    case 'O' << 8 | 'A':
        return 2;
    case 'P' << 8 | 'I':
        return 3;
    case 'C' << 8 | 'R':
        return 4;
    default:
        return -1;
    }
}

/* Sums CAS amounts by group into amt[first..first+4] (CO PR OA PI CR). */
static void by_group(x12_remit_rows *w, size_t first, const x12_remit_adjustment *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int g = group_column(a[i].group);
        if (g >= 0)
            w->amt[first + (size_t)g] += a[i].cents;
    }
}

/* Distinct remark codes, space-separated, into buf. */
static void add_code(char *buf, size_t cap, const char *code)
{
    size_t cl = strlen(code), bl = strlen(buf);
    if (!cl)
        return;
    for (const char *q = buf; *q;) {
        const char *e = strchr(q, ' ');
        size_t ql = e ? (size_t)(e - q) : strlen(q);
        if (ql == cl && !memcmp(q, code, cl))
            return;
        q += ql + (e ? 1 : 0);
    }
    if (bl + cl + 2 > cap)
        return; /* the column is a summary; every code is in the line rows */
    if (bl)
        buf[bl++] = ' ';
    memcpy(buf + bl, code, cl + 1);
}

static void join_mods(char *buf, size_t cap, const char *const m[4])
{
    buf[0] = '\0';
    for (int i = 0; i < 4; i++) {
        if (!m[i][0])
            continue;
        size_t bl = strlen(buf);
        snprintf(buf + bl, cap - bl, "%s%s", bl ? ":" : "", m[i]);
    }
}

static void claim_row(x12_remit_rows *w, const x12_remit_payment *p, const x12_remit_claim *c)
{
    char remarks[256] = "", lines[24];
    int64_t b6 = 0;
    int all_b6 = c->line_count > 0;
    common(w, p, c->claim_id);
    w->val[4] = c->status_code;
    w->amt[5] = c->charge_cents;
    w->amt[6] = c->paid_cents;
    w->amt[7] = c->patient_responsibility_cents;
    w->val[8] = c->payer_claim_number;
    w->val[9] = p->payer.name;
    w->val[10] = p->payee.id;
    w->val[11] = p->payment_date;
    w->val[12] = p->method;
    /* 005010X221A1 BPR03 D: a debit, shown negative */
    w->amt[13] = !strcmp(p->credit_debit, "D") ? -p->amount_cents : p->amount_cents;
    w->val[14] = c->filing_indicator;
    w->val[15] = c->facility_code;
    w->val[16] = c->frequency_code;
    w->val[17] = c->patient.name;
    w->val[18] = c->patient.first_name;
    w->val[19] = c->patient.id;
    w->val[20] = c->insured.id[0] ? c->insured.id : c->patient.id;
    w->val[21] = c->statement_from;
    w->val[22] = c->statement_to;
    by_group(w, 24, c->adjustments, c->adjustment_count);
    for (size_t i = 0; i < c->remark_code_count; i++)
        add_code(remarks, sizeof remarks, c->remark_codes[i]);
    for (size_t i = 0; i < c->line_count; i++) {
        const x12_remit_line *l = &c->lines[i];
        by_group(w, 24, l->adjustments, l->adjustment_count);
        if (l->has_allowed)
            b6 += l->allowed_cents;
        else
            all_b6 = 0;
        for (size_t k = 0; k < l->remark_count; k++)
            add_code(remarks, sizeof remarks, l->remarks[k].value);
    }
    /* allowed: the lines' AMT*B6 when every line has one, else paid plus
     * patient responsibility */
    w->amt[23] = all_b6 ? b6 : c->paid_cents + c->patient_responsibility_cents;
    w->val[29] = remarks;
    w->val[30] = c->original_reference;
    w->val[31] = c->crossover_carrier.name;
    utoa_(c->line_count, lines);
    w->val[32] = lines;
    emit(w);
}

static void line_rows(x12_remit_rows *w, const x12_remit_payment *p, const x12_remit_claim *c)
{
    for (size_t i = 0; i < c->line_count; i++) {
        const x12_remit_line *l = &c->lines[i];
        char num[24], mods[64], remarks[256] = "";
        common(w, p, c->claim_id);
        utoa_(i + 1, num);
        w->val[4] = num;
        w->val[5] = l->procedure_qualifier;
        w->val[6] = l->procedure;
        join_mods(mods, sizeof mods, l->modifiers);
        w->val[7] = mods;
        w->val[8] = l->revenue_code;
        w->amt[9] = l->charge_cents;
        w->amt[10] = l->paid_cents;
        int64_t pr = 0;
        for (size_t k = 0; k < l->adjustment_count; k++)
            if (group_column(l->adjustments[k].group) == 1) /* PR */
                pr += l->adjustments[k].cents;
        w->amt[11] = l->has_allowed ? l->allowed_cents : l->paid_cents + pr;
        w->val[12] = l->units;
        w->val[13] = l->original_procedure;
        w->val[14] = l->service_date[0] ? l->service_date : l->service_start;
        w->val[15] = l->service_end;
        w->val[16] = l->line_control_number;
        by_group(w, 17, l->adjustments, l->adjustment_count);
        for (size_t k = 0; k < l->remark_count; k++)
            add_code(remarks, sizeof remarks, l->remarks[k].value);
        w->val[22] = remarks;
        w->val[23] = c->status_code;
        w->val[24] = c->payer_claim_number;
        emit(w);
    }
}

static void adj_row(x12_remit_rows *w, const x12_remit_payment *p, const x12_remit_claim *c,
                    const x12_remit_adjustment *a, size_t line_no, const char *proc)
{
    char num[24] = "";
    common(w, p, c->claim_id);
    w->val[4] = line_no ? "line" : "claim";
    if (line_no)
        utoa_(line_no, num);
    w->val[5] = num;
    w->val[6] = proc;
    w->val[7] = a->group;
    w->val[8] = a->reason;
    w->amt[9] = a->cents;
    w->val[10] = a->quantity;
    w->val[11] = c->payer_claim_number;
    emit(w);
}

x12_status x12__rows_status(const x12_remit_rows *w)
{
    return w->nomem ? X12_ERR_NOMEM : w->failed ? X12_ERR_IO : X12_OK;
}

static x12_status result(x12_remit_rows *w)
{
    return w->nomem ? X12_ERR_NOMEM : w->failed ? X12_ERR_IO : X12_OK;
}

X12_API x12_status x12_remit_rows_claim(x12_remit_rows *w, const x12_remit_payment *p,
                                        const x12_remit_claim *c)
{
    switch (w->level) {
    case X12_REMIT_LEVEL_CLAIM:
        claim_row(w, p, c);
        break;
    case X12_REMIT_LEVEL_LINE:
        line_rows(w, p, c);
        break;
    case X12_REMIT_LEVEL_ADJUSTMENT:
        for (size_t i = 0; i < c->adjustment_count; i++)
            adj_row(w, p, c, &c->adjustments[i], 0, "");
        for (size_t l = 0; l < c->line_count; l++)
            for (size_t i = 0; i < c->lines[l].adjustment_count; i++)
                adj_row(w, p, c, &c->lines[l].adjustments[i], l + 1, c->lines[l].procedure);
        break;
    default:
        break;
    }
    return result(w);
}

X12_API x12_status x12_remit_rows_plb(x12_remit_rows *w, const x12_remit_payment *p,
                                      const x12_remit_plb *e)
{
    if (w->level != X12_REMIT_LEVEL_PLB)
        return result(w);
    common(w, p, "");
    w->val[4] = e->provider_id;
    w->val[5] = e->fiscal_date;
    w->val[6] = e->reason;
    w->val[7] = e->reference;
    w->amt[8] = e->cents;
    emit(w);
    return result(w);
}

X12_API uint64_t x12_remit_rows_count(const x12_remit_rows *w)
{
    return w->rows;
}

X12_API x12_status x12_remit_rows_finish(x12_remit_rows *w)
{
    header(w);
    flush(w);
    return result(w);
}

X12_API void x12_remit_rows_free(x12_remit_rows *w)
{
    if (!w)
        return;
    free(w->buf);
    free(w);
}
