/* libFuzzer target for the 277CA reader and its rows: arbitrary bytes through
 * the reader, the walker and the 277CA reader, every status record written
 * as rows (CSV or JSON as the first byte picks, at the levels it picks).
 * With bit 5 of the first byte the same bytes are also ingested into an
 * in-memory ledger (x12_ledger_ingest_acks() reads them through a memfd),
 * twice (the second must add nothing), and reported.  Seeded with fixtures/
 * (277CAs in corpus/).  Sanitizers check. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <x12/ack277.h>
#include <x12/ledger.h>

#include "fuzz_common.h"

static int sink(void *ctx, const void *b, size_t n)
{
    (void)ctx;
    (void)b;
    (void)n;
    return 0;
}

static int on_status(void *ctx, const x12_ack277_status *s)
{
    /* the verdict of what the record gathered, as a caller would ask it */
    (void)x12_ack277_verdict(s->codes, s->action);
    return x12_ack277_rows_add(ctx, s) == X12_ERR_NOMEM;
}

static int on_seg(void *ctx, const x12_segment *seg)
{
    return x12_ack277_reader_segment(ctx, seg) == X12_ERR_NOMEM;
}

static void on_err(void *ctx, const x12_error *e)
{
    x12_ack277_reader_error(ctx, e);
}

static int count_row(void *ctx, const x12_recon_row *row)
{
    (void)row;
    (*(unsigned long *)ctx)++;
    return 0;
}

static void ledger(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz277", 0);
    if (fd < 0)
        return;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    x12_ledger *l = NULL;
    x12_error err;
    if (x12_ledger_open(":memory:", &l, &err) != X12_OK)
        abort();
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_ledger_ingest_stats a, b;
    x12_status s1 = x12_ledger_ingest_acks(l, path, &o, NULL, NULL, &a, &err);
    x12_status s2 = x12_ledger_ingest_acks(l, path, &o, NULL, NULL, &b, &err);
    /* what the first kept, the second finds there: nothing added again */
    if (s1 == X12_OK && s2 == X12_OK && (b.sets || b.claims))
        abort();
    unsigned long rows = 0;
    x12_recon_totals t;
    x12_ledger_report(l, "2026-11-28", count_row, &rows, &t, &err);
    if (t.rejected_by_payer > t.acknowledged)
        abort();
    x12_ledger_close(l);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_load_specs();
    if (size < 1)
        return 0;
    x12_ack277_rows *rows = x12_ack277_rows_new(data[0] & 15u, (data[0] & 16) ? X12_ROWS_JSON : X12_ROWS_CSV,
                                                sink, NULL);
    x12_ack277_callbacks cb = {on_status, NULL};
    x12_ack277_reader *r = x12_ack277_reader_new(&cb, rows, NULL);
    if (!rows || !r)
        abort();
    fuzz_read_lenient(data + 1, size - 1, on_seg, on_err, r);
    x12_ack277_reader_finish(r);
    x12_ack277_reader_free(r);
    x12_ack277_rows_finish(rows);
    x12_ack277_rows_free(rows);
    if (data[0] & 32)
        ledger(data + 1, size - 1);
    return 0;
}
