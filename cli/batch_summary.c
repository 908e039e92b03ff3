/* x12 batch: the progress bar (on a terminal only) and the run summary,
 * OUT/summary.json and OUT/summary.txt (docs/batch.md has the fields). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <x12/amount.h>

#include "batch.h"
#include "cli.h"

double batch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void batch_progress_tick(batch_run *r, const batch_file *f, void *ctx)
{
    batch_progress *p = ctx;
    p->done_files++;
    p->done_bytes += f->size;
    if (!r->progress)
        return;
    double el = batch_now() - p->start;
    double mbs = el > 0 ? (double)p->done_bytes / 1e6 / el : 0;
    double left = p->done_bytes && p->total_bytes > p->done_bytes
                      ? el * (double)(p->total_bytes - p->done_bytes) / (double)p->done_bytes
                      : 0;
    int width = 30;
    int fill = p->total_bytes ? (int)((double)width * (double)p->done_bytes / (double)p->total_bytes)
                              : width;
    if (fill > width)
        fill = width;
    char bar[64];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(width - fill));
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu files  %.1f MB/s  %ld:%02ld left ", bar, p->done_files,
            p->total_files, mbs, (long)left / 60, (long)left % 60);
    p->shown = 1;
}

void batch_progress_end(batch_run *r, batch_progress *p)
{
    if (r->progress && p->shown)
        fprintf(stderr, "\r%*s\r", 78, "");
    p->shown = 0;
}

static json_t *money(int64_t cents)
{
    char b[32];
    x12_amount_format(cents, X12_AMOUNT_DECIMAL2, b, sizeof b);
    return json_string(b);
}

static const char *SEV[] = {"errors", "warnings", "info"};

static json_t *summary_json(const batch_run *r, const batch_totals *t)
{
    const batch_counts *c = &t->counts;
    json_t *o = json_object();
    json_object_set_new(o, "in", cli_jstr(r->in));
    json_object_set_new(o, "out", cli_jstr(r->out));
    json_object_set_new(o, "ledger", cli_jstr(r->db));
    json_object_set_new(o, "jobs", json_integer(r->jobs));
    json_object_set_new(o, "elapsed_seconds", json_real((double)(long)(t->elapsed * 1000) / 1000));
    json_object_set_new(o, "bytes_read", json_integer((json_int_t)t->bytes_read));

    json_t *files = json_object();
    json_object_set_new(files, "found", json_integer((json_int_t)t->found));
    json_object_set_new(files, "done", json_integer((json_int_t)t->by_outcome[BO_DONE]));
    json_object_set_new(files, "skipped", json_integer((json_int_t)t->by_outcome[BO_SKIPPED]));
    json_object_set_new(files, "duplicates", json_integer((json_int_t)t->by_outcome[BO_DUPLICATE]));
    json_object_set_new(files, "quarantined",
                        json_integer((json_int_t)t->by_outcome[BO_QUARANTINED]));
    json_object_set_new(files, "failed", json_integer((json_int_t)t->by_outcome[BO_FAILED]));
    json_object_set_new(files, "with_errors", json_integer((json_int_t)t->with_errors));
    json_object_set_new(o, "files", files);

    json_t *sets = json_object();
    json_object_set_new(sets, "total", json_integer(c->sets));
    json_object_set_new(sets, "837", json_integer(c->sets_837));
    json_object_set_new(sets, "835", json_integer(c->sets_835));
    json_object_set_new(sets, "277", json_integer(c->sets_277));
    json_object_set_new(sets, "other", json_integer(c->sets_other));
    json_object_set_new(o, "interchanges", json_integer(c->interchanges));
    json_object_set_new(o, "transaction_sets", sets);

    json_t *claims = json_object();
    json_object_set_new(claims, "submitted", json_integer(c->claims));
    json_object_set_new(claims, "paid", json_integer(c->claim_payments));
    json_object_set_new(claims, "acknowledged", json_integer(c->claims_acknowledged));
    json_object_set_new(claims, "rejected", json_integer(c->claims_rejected));
    json_object_set_new(o, "claims", claims);
    json_t *amounts = json_object();
    json_object_set_new(amounts, "billed", money(c->billed));
    json_object_set_new(amounts, "paid", money(c->paid));
    json_object_set_new(o, "amounts", amounts);

    json_t *fd = json_object(), *by = json_object();
    uint64_t tot[3] = {0, 0, 0};
    for (int s = 0; s < 8; s++) {
        uint64_t any = 0;
        for (int v = 0; v < 3; v++) {
            tot[v] += c->findings[s][v];
            any += c->findings[s][v];
        }
        if (!any)
            continue;
        json_t *e = json_object();
        for (int v = 0; v < 3; v++)
            json_object_set_new(e, SEV[v], json_integer(c->findings[s][v]));
        char k[8];
        snprintf(k, sizeof k, "%d", s);
        json_object_set_new(by, k, e);
    }
    for (int v = 0; v < 3; v++)
        json_object_set_new(fd, SEV[v], json_integer((json_int_t)tot[v]));
    json_object_set_new(fd, "by_snip", by);
    json_object_set_new(o, "findings", fd);

    json_t *rows = json_object();
    static const char *LV[] = {"claim", "line", "adjustment", "plb"};
    for (int i = 0; i < 4; i++)
        json_object_set_new(rows, LV[i], json_integer(c->rows[i]));
    json_object_set_new(o, "remit_rows", rows);

    if (r->ack) {
        json_t *a = json_object();
        json_object_set_new(a, "interchanges", json_integer(c->acks));
        json_object_set_new(a, "sets_accepted", json_integer(c->ack_accepted));
        json_object_set_new(a, "sets_with_errors", json_integer(c->ack_with_errors));
        json_object_set_new(a, "sets_rejected", json_integer(c->ack_rejected));
        json_object_set_new(o, "acknowledgements", a);
    }

    json_t *ain = json_object();
    json_object_set_new(ain, "sets_accepted", json_integer(c->acks_in_accepted));
    json_object_set_new(ain, "sets_with_errors", json_integer(c->acks_in_with_errors));
    json_object_set_new(ain, "sets_rejected", json_integer(c->acks_in_rejected));
    json_object_set_new(ain, "interchanges_rejected", json_integer(c->ta1_in_rejected));
    json_object_set_new(o, "received_acknowledgements", ain);

    json_t *fails = json_array(), *dups = json_array();
    for (size_t i = 0; i < r->nfiles; i++) {
        const batch_file *f = &r->files[i];
        if (f->outcome == BO_DUPLICATE) {
            json_t *d = json_object();
            json_object_set_new(d, "file", cli_jstr(f->rel));
            json_object_set_new(d, "same_as", cli_jstr(f->dup_of >= 0
                                                              ? r->files[f->dup_of].rel
                                                              : f->earlier_name ? f->earlier_name
                                                                                : ""));
            json_array_append_new(dups, d);
        }
        if (f->outcome != BO_QUARANTINED && f->outcome != BO_FAILED)
            continue;
        json_t *e = json_object();
        json_object_set_new(e, "file", cli_jstr(f->rel));
        json_object_set_new(e, "outcome", json_string(batch_outcome_name(f->outcome)));
        json_object_set_new(e, "reason", cli_jstr(f->reason));
        if (f->where.code) {
            json_object_set_new(e, "code", json_string(x12_status_name(f->where.code)));
            json_object_set_new(e, "segment_index", json_integer(f->where.segment_index));
            json_object_set_new(e, "segment", json_string(f->where.segment_id));
            json_object_set_new(e, "element", json_integer(f->where.element_pos));
            json_object_set_new(e, "byte", json_integer((json_int_t)f->where.byte_offset));
        }
        json_array_append_new(fails, e);
    }
    json_object_set_new(o, "failures", fails);
    json_object_set_new(o, "duplicates", dups);
    json_t *unread = json_array();
    for (size_t i = 0; i < r->nunread; i++) {
        const batch_unread *u = &r->unread[i];
        json_t *x = json_object();
        json_object_set_new(x, "path", cli_jstr(u->path));
        json_object_set_new(x, "reason", cli_jstr(u->reason));
        if (u->detail[0])
            json_object_set_new(x, "detail", cli_jstr(u->detail));
        json_object_set_new(x, "failed", json_boolean(u->failed));
        json_array_append_new(unread, x);
    }
    json_object_set_new(o, "not_read", unread);

    json_t *rec = json_object();
    if (t->recon_ok) {
        json_object_set_new(rec, "claims", json_integer((json_int_t)t->recon.rows));
        json_t *bs = json_object();
        for (int s = 0; s < X12_RECON_STATUS_COUNT; s++)
            json_object_set_new(bs, x12_recon_status_name((x12_recon_status)s),
                                json_integer((json_int_t)t->recon.by_status[s]));
        json_object_set_new(rec, "by_status", bs);
        json_object_set_new(rec, "matched_now", json_integer((json_int_t)(t->match.matched + t->matched_at_ingest)));
        json_object_set_new(rec, "billed", money(t->recon.billed));
        json_object_set_new(rec, "paid", money(t->recon.paid));
        json_object_set_new(rec, "ties_out", json_boolean(t->recon.ties_out));
        json_object_set_new(rec, "acknowledged", json_integer((json_int_t)t->recon.acknowledged));
        json_object_set_new(rec, "rejected_by_payer",
                            json_integer((json_int_t)t->recon.rejected_by_payer));
        json_object_set_new(rec, "sent_again", json_integer((json_int_t)t->recon.sent_again));
    } else {
        json_object_set_new(rec, "error", cli_jstr(t->recon_error));
    }
    json_object_set_new(o, "reconciliation", rec);
    return o;
}

static char *summary_text(const batch_run *r, const batch_totals *t)
{
    const batch_counts *c = &t->counts;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    char b1[32], b2[32];
    fprintf(m, "x12 batch: %s -> %s (%d job%s, %.1f s)\n", r->in, r->out, r->jobs,
            r->jobs == 1 ? "" : "s", t->elapsed);
    fprintf(m,
            "files:            %zu found: %zu done, %zu skipped (already done), %zu duplicate%s, "
            "%zu quarantined, %zu failed; %zu with error findings\n",
            t->found, t->by_outcome[BO_DONE], t->by_outcome[BO_SKIPPED],
            t->by_outcome[BO_DUPLICATE], t->by_outcome[BO_DUPLICATE] == 1 ? "" : "s",
            t->by_outcome[BO_QUARANTINED], t->by_outcome[BO_FAILED], t->with_errors);
    fprintf(m, "transaction sets: %u (837: %u, 835: %u, 277: %u, other: %u) in %u interchange%s\n",
            c->sets, c->sets_837, c->sets_835, c->sets_277, c->sets_other, c->interchanges,
            c->interchanges == 1 ? "" : "s");
    x12_amount_format(c->billed, X12_AMOUNT_DECIMAL2, b1, sizeof b1);
    x12_amount_format(c->paid, X12_AMOUNT_DECIMAL2, b2, sizeof b2);
    fprintf(m, "claims:           %u submitted (837), %u claim payments (835)", c->claims,
            c->claim_payments);
    if (c->sets_277)
        fprintf(m, ", %u acknowledged by 277CA (%u rejected)", c->claims_acknowledged,
                c->claims_rejected);
    fprintf(m, "\n");
    fprintf(m, "amounts:          billed %s, paid %s\n", b1, b2);
    uint64_t tot[3] = {0, 0, 0};
    for (int s = 0; s < 8; s++)
        for (int v = 0; v < 3; v++)
            tot[v] += c->findings[s][v];
    fprintf(m, "findings:         %llu errors, %llu warnings, %llu info\n",
            (unsigned long long)tot[0], (unsigned long long)tot[1], (unsigned long long)tot[2]);
    for (int s = 0; s < 8; s++) {
        if (!c->findings[s][0] && !c->findings[s][1] && !c->findings[s][2])
            continue;
        fprintf(m, "  SNIP %d:         %u errors, %u warnings, %u info\n", s, c->findings[s][0],
                c->findings[s][1], c->findings[s][2]);
    }
    fprintf(m, "835 rows:         %u claim, %u line, %u adjustment, %u plb\n", c->rows[0],
            c->rows[1], c->rows[2], c->rows[3]);
    if (r->ack)
        fprintf(m,
                "acknowledgements: %u interchanges; sets accepted %u, with errors %u, rejected %u\n",
                c->acks, c->ack_accepted, c->ack_with_errors, c->ack_rejected);
    if (c->acks_in_accepted || c->acks_in_with_errors || c->acks_in_rejected || c->ta1_in_rejected)
        fprintf(m,
                "received 999/TA1: sets accepted %u, with errors %u, rejected %u; interchanges "
                "rejected %u\n",
                c->acks_in_accepted, c->acks_in_with_errors, c->acks_in_rejected, c->ta1_in_rejected);
    if (t->recon_ok) {
        fprintf(m, "reconciliation:   %llu claims:", (unsigned long long)t->recon.rows);
        for (int s = 0; s < X12_RECON_STATUS_COUNT; s++)
            fprintf(m, "%s %s %llu", s ? "," : "", x12_recon_status_name((x12_recon_status)s),
                    (unsigned long long)t->recon.by_status[s]);
        fprintf(m, "; totals %s", t->recon.ties_out ? "tie out" : "do NOT tie out");
        if (t->recon.acknowledged)
            fprintf(m, "; 277CA: %llu acknowledged, %llu rejected by the payer",
                    (unsigned long long)t->recon.acknowledged,
                    (unsigned long long)t->recon.rejected_by_payer);
        if (t->recon.sent_again)
            fprintf(m, "; %llu sent again (the later copy answered)",
                    (unsigned long long)t->recon.sent_again);
        fprintf(m, "\n");
    } else {
        fprintf(m, "reconciliation:   not run: %s\n", t->recon_error);
    }
    for (size_t i = 0; i < r->nfiles; i++) {
        const batch_file *f = &r->files[i];
        if (f->outcome == BO_QUARANTINED || f->outcome == BO_FAILED)
            fprintf(m, "%s: %s: %s\n", batch_outcome_name(f->outcome), f->rel, f->reason);
        else if (f->outcome == BO_DUPLICATE)
            fprintf(m, "duplicate: %s: same content as %s\n", f->rel,
                    f->dup_of >= 0 ? r->files[f->dup_of].rel
                                   : f->earlier_name ? f->earlier_name : "?");
    }
    for (size_t i = 0; i < r->nunread; i++) {
        const batch_unread *u = &r->unread[i];
        fprintf(m, "not read: %s: %s%s%s\n", u->path, u->reason, u->detail[0] ? ": " : "",
                u->detail);
    }
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int put(batch_run *r, const char *name, const char *text)
{
    bout o;
    if (bout_open(r, &o, ".", name, "", 0) != 0)
        return -1;
    bout_write(&o, text, strlen(text));
    return bout_commit(&o);
}

int batch_summary_write(batch_run *r, const batch_totals *t)
{
    json_t *j = summary_json(r, t);
    char *js = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(j);
    char *txt = summary_text(r, t);
    int rc = -1;
    if (js && txt) {
        size_t n = strlen(js);
        char *js2 = realloc(js, n + 2);
        if (js2) {
            js = js2;
            memcpy(js + n, "\n", 2);
            rc = put(r, "summary.json", js) == 0 && put(r, "summary.txt", txt) == 0 ? 0 : -1;
        }
    }
    if (rc != 0)
        fprintf(stderr, "x12 batch: cannot write the summary in %s\n", r->out);
    if (txt && !r->quiet)
        fputs(txt, stdout);
    free(js);
    free(txt);
    return rc;
}
