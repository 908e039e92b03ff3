/* Test helpers: see support.h. */
#define _POSIX_C_SOURCE 200809L
#include "support.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* x12__reader_simd */

void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sb_printf(strbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    if ((size_t)n < sizeof tmp) {
        sb_add(b, tmp, (size_t)n);
    } else {
        /* longer than the stack buffer: format again into one that fits */
        char *big = malloc((size_t)n + 1);
        if (!big)
            abort();
        vsnprintf(big, (size_t)n + 1, fmt, again);
        sb_add(b, big, (size_t)n);
        free(big);
    }
    va_end(again);
}

void sb_free(strbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf b = {0};
    char tmp[65536];
    size_t n;
    sb_add(&b, "", 0);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        sb_add(&b, tmp, n);
    fclose(f);
    *len = b.len;
    return b.p;
}

int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && n == len) ? 0 : -1;
}

static void add_escaped(strbuf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '|' && c != '\\')
            sb_add(b, (const char *)&c, 1);
        else
            sb_printf(b, "\\x%02x", c);
    }
}

static int log_segment(void *ctx, const x12_segment *seg)
{
    strbuf *b = ctx;
    sb_printf(b, "S %llu %u %u %u ", (unsigned long long)seg->byte_offset,
              (unsigned)seg->segment_index, (unsigned)seg->set_position, (unsigned)seg->interchange);
    for (uint32_t i = 0; i <= seg->element_count; i++) {
        if (i)
            sb_add(b, "|", 1);
        add_escaped(b, seg->elements[i].ptr, seg->elements[i].len);
    }
    sb_add(b, " raw=", 5);
    add_escaped(b, seg->raw.ptr, seg->raw.len);
    sb_add(b, "\n", 1);
    return 0;
}

static void log_error(void *ctx, const x12_error *e)
{
    strbuf *b = ctx;
    sb_printf(b, "E %s %llu %u %u %s %u.%u %s\n", x12_status_name(e->code),
              (unsigned long long)e->byte_offset, (unsigned)e->segment_index,
              (unsigned)e->set_position, e->segment_id, (unsigned)e->element_pos,
              (unsigned)e->component_pos, e->detail);
}

char *reader_log(const char *data, size_t len, size_t chunk, const x12_reader_options *opts)
{
    return reader_log_at(data, len, chunk, opts, -1);
}

char *reader_log_at(const char *data, size_t len, size_t chunk, const x12_reader_options *opts,
                    int simd)
{
    strbuf b = {0};
    sb_add(&b, "", 0);
    x12_reader_callbacks cb = {log_segment, log_error};
    x12_reader *r = x12_reader_new(opts, &cb, &b);
    if (!r)
        abort();
    if (x12__reader_simd(r, simd) != simd && simd >= 0)
        abort(); /* callers ask only for levels the CPU has (x12__reader_simd(r, -1)) */
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        x12_reader_feed(r, data + off, n);
    }
    x12_reader_finish(r);
    x12_reader_free(r);
    return b.p;
}

int reader_simd_best(void)
{
    x12_reader *r = x12_reader_new(NULL, NULL, NULL);
    if (!r)
        abort();
    int best = x12__reader_simd(r, -1);
    x12_reader_free(r);
    return best;
}

static void expect_error(void *ctx, const x12_error *e)
{
    strbuf *b = ctx;
    sb_printf(b, "%s segment=%u set=%u id=%s element=%u.%u byte=%llu\n", x12_status_name(e->code),
              (unsigned)e->segment_index, (unsigned)e->set_position, e->segment_id,
              (unsigned)e->element_pos, (unsigned)e->component_pos,
              (unsigned long long)e->byte_offset);
}

char *reader_errors(const char *data, size_t len, const x12_reader_options *opts)
{
    strbuf b = {0};
    sb_add(&b, "", 0);
    x12_reader_callbacks cb = {NULL, expect_error};
    x12_reader *r = x12_reader_new(opts, &cb, &b);
    if (!r)
        abort();
    x12_reader_feed(r, data, len);
    x12_reader_finish(r);
    x12_reader_free(r);
    return b.p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t n = 0, cap = 16;
    char **out = malloc(cap * sizeof *out);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n + 2 > cap) {
            cap *= 2;
            out = realloc(out, cap * sizeof *out);
        }
        size_t need = strlen(dir) + strlen(de->d_name) + 2;
        out[n] = malloc(need);
        snprintf(out[n], need, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    qsort(out, n, sizeof *out, cmp_str);
    out[n] = NULL;
    return out;
}

void free_list(char **list)
{
    for (size_t i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

static int fa_should_fail(failing_alloc *f)
{
    f->calls++;
    return f->fail_at && f->calls == f->fail_at;
}

static void *fa_malloc(void *ctx, size_t n)
{
    failing_alloc *f = ctx;
    if (fa_should_fail(f))
        return NULL;
    void *p = malloc(n);
    if (p)
        f->live++;
    return p;
}

static void *fa_realloc(void *ctx, void *p, size_t n)
{
    failing_alloc *f = ctx;
    if (fa_should_fail(f))
        return NULL;
    void *q = realloc(p, n);
    if (q && !p)
        f->live++;
    return q;
}

static void fa_free(void *ctx, void *p)
{
    failing_alloc *f = ctx;
    if (p)
        f->live--;
    free(p);
}

void failing_alloc_init(failing_alloc *f, long fail_at)
{
    f->a.malloc = fa_malloc;
    f->a.realloc = fa_realloc;
    f->a.free = fa_free;
    f->a.ctx = f;
    f->fail_at = fail_at;
    f->calls = 0;
    f->live = 0;
}

char *replace_text(const char *text, const char *from, const char *to, size_t max)
{
    strbuf b = {0};
    size_t fl = strlen(from), done = 0;
    const char *p = text;
    for (const char *q; (max == 0 || done < max) && (q = strstr(p, from)); p = q + fl, done++) {
        sb_add(&b, p, (size_t)(q - p));
        sb_add(&b, to, strlen(to));
    }
    if (!done) {
        sb_free(&b);
        return NULL;
    }
    sb_add(&b, p, strlen(p) + 1); /* the rest and its NUL */
    return b.p;
}

char *insert_text(const char *text, size_t at, const char *ins)
{
    strbuf b = {0};
    sb_add(&b, text, at);
    sb_add(&b, ins, strlen(ins));
    sb_add(&b, text + at, strlen(text + at) + 1); /* the rest and its NUL */
    return b.p;
}

int remove_tree(const char *dir)
{
    size_t n = strlen(dir) + 16;
    char *cmd = malloc(n);
    if (!cmd || strchr(dir, '\'')) {
        free(cmd);
        return -1;
    }
    snprintf(cmd, n, "rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}
