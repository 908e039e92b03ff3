/* Claims JSON (formats/claims_json.c): JSON -> claim -> JSON identity for
 * every example, the JSON -> 837 -> claim -> JSON round trip, amounts read
 * from their text, every error path with its JSON path, the schema file
 * against the tables and the examples against the schema, and allocation
 * failures on the JSON input path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <x12/arena.h>
#include <x12/claim.h>
#include <x12/json.h>

#include "claims_json.h"
#include "support.h"

#define CLAIMS_DIR X12KIT_SOURCE_DIR "/fixtures/claims"

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static int is_good_fixture(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return base[0] == 'y' && base[1] == '_' && (ends_with(path, ".json") || ends_with(path, ".ndjson"));
}

/* The fixture's objects as plain jansson values (an array). */
static json_t *load_objects(const char *path)
{
    json_error_t je;
    if (ends_with(path, ".json")) {
        json_t *a = json_load_file(path, 0, &je);
        if (!a)
            fail_msg("%s: %s", path, je.text);
        return a;
    }
    json_t *a = json_array();
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    json_t *v;
    while ((v = json_loadf(f, JSON_DISABLE_EOF_CHECK, &je)) != NULL)
        json_array_append_new(a, v);
    fclose(f);
    return a;
}

/* The claim as x12_claim_json_write() writes it, parsed back by jansson. */
static int to_sb(void *ctx, const void *buf, size_t len)
{
    sb_add(ctx, buf, len);
    return 0;
}

static json_t *claims_json_to_value(const x12_claim *c, const x12_claim_party *sub,
                                    const x12_claim_party *rec)
{
    strbuf b = {0};
    assert_int_equal(x12_claim_json_write(c, sub, rec, to_sb, &b, NULL), X12_OK);
    assert_true(b.len > 2 && b.p[b.len - 1] == '\n' && !memchr(b.p, '\n', b.len - 1));
    json_error_t je;
    json_t *v = json_loads(b.p, 0, &je);
    if (!v)
        fail_msg("x12_claim_json_write wrote bad JSON: %s\n%s", je.text, b.p);
    sb_free(&b);
    return v;
}

static int fail_out(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return -1;
}

/* --- JSON -> claim -> JSON is the identity on every example -------------- */

static void test_examples_identity(void **state)
{
    (void)state;
    char **files = list_dir(CLAIMS_DIR);
    int checked = 0;
    for (char **p = files; *p; p++) {
        if (!is_good_fixture(*p))
            continue;
        json_t *want = load_objects(*p);
        x12_error e;
        x12_claims_json_reader *r = x12_claims_json_open(*p, NULL, &e);
        assert_non_null(r);
        x12_arena *arena = x12_arena_new(NULL);
        size_t i = 0;
        for (;; i++) {
            x12_claims_json_item it;
            x12_json_error je;
            x12_arena_reset(arena);
            x12_status st = x12_claims_json_next(r, arena, &it, &je);
            if (st != X12_OK)
                fail_msg("%s: %s: %s", *p, je.path, je.message);
            if (!it.claim)
                break;
            json_t *got = claims_json_to_value(it.claim, it.submitter, it.receiver);
            if (!json_equal(got, json_array_get(want, i))) {
                char *g = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER);
                fail_msg("%s [%zu] differs:\n%s", *p, i, g);
            }
            json_decref(got);
            checked++;
        }
        assert_int_equal(i, json_array_size(want));
        x12_arena_free(arena);
        x12_claims_json_free(r);
        json_decref(want);
    }
    free_list(files);
    assert_true(checked >= 7);
}

/* --- JSON -> 837 -> claim -> JSON ---------------------------------------- */
#ifdef X12KIT_HAVE_CLAIM_READER

typedef struct membuf {
    strbuf b;
} membuf;

static int mem_out(void *ctx, const void *buf, size_t len)
{
    sb_add(&((membuf *)ctx)->b, buf, len);
    return 0;
}

typedef struct collect {
    json_t *claims;
    int findings;
} collect;

static int on_claim(void *ctx, const x12_claim *claim, const x12_claim_context *cx)
{
    collect *c = ctx;
    json_array_append_new(c->claims,
                          claims_json_to_value(claim, &cx->header->submitter, &cx->header->receiver));
    return 0;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    collect *c = ctx;
    if (f->severity != X12_SEV_INFO) {
        char line[256];
        x12_error_format(&f->err, line, sizeof line);
        print_error("finding: %s\n", line);
        c->findings++;
    }
}

static int feed_seg(void *ctx, const x12_segment *seg)
{
    return x12_claim_reader_segment(ctx, seg) != X12_OK;
}

static void feed_err(void *ctx, const x12_error *e)
{
    x12_claim_reader_error(ctx, e);
}

static void test_examples_roundtrip_837(void **state)
{
    (void)state;
    char **files = list_dir(CLAIMS_DIR);
    int checked = 0;
    for (char **p = files; *p; p++) {
        if (!is_good_fixture(*p))
            continue;
        json_t *want = load_objects(*p);
        x12_error e;
        x12_claims_json_reader *r = x12_claims_json_open(*p, NULL, &e);
        x12_arena *arena = x12_arena_new(NULL);
        membuf out = {{0}};
        x12_claim_writer *w = NULL;
        for (;;) {
            x12_claims_json_item it;
            x12_json_error je;
            x12_arena_reset(arena);
            assert_int_equal(x12_claims_json_next(r, arena, &it, &je), X12_OK);
            if (!it.claim)
                break;
            if (!w) {
                x12_claim_header h;
                memset(&h, 0, sizeof h);
                h.isa.sender_id = "RBS0001";
                h.isa.receiver_id = "CLH0002";
                h.isa.date = "260125";
                h.isa.time = "1200";
                h.isa.control_number = 7;
                h.gs.sender = "RBS0001";
                h.gs.receiver = "CLH0002";
                h.gs.date = "20260125";
                h.gs.time = "1200";
                h.gs.control_number = 7;
                h.submitter = *it.submitter;
                h.receiver = *it.receiver;
                x12_claim_writer_options wo;
                x12_claim_writer_options_init(&wo);
                wo.type = it.claim->type;
                w = x12_claim_writer_new(&wo, &h, mem_out, &out, &e);
                assert_non_null(w);
            }
            assert_int_equal(x12_claim_writer_add(w, it.claim), X12_OK);
        }
        assert_int_equal(x12_claim_writer_finish(w), X12_OK);
        x12_claim_writer_free(w);
        x12_arena_free(arena);
        x12_claims_json_free(r);

        collect c = {json_array(), 0};
        x12_claim_reader_callbacks cb = {on_claim, on_finding};
        x12_claim_reader *cr = x12_claim_reader_new(&cb, &c, 0, NULL);
        x12_reader_callbacks rcb = {feed_seg, feed_err};
        x12_reader *xr = x12_reader_new(NULL, &rcb, cr);
        assert_int_equal(x12_reader_feed(xr, out.b.p, out.b.len), X12_OK);
        assert_int_equal(x12_reader_finish(xr), X12_OK);
        assert_int_equal(x12_claim_reader_finish(cr), X12_OK);
        x12_reader_free(xr);
        x12_claim_reader_free(cr);
        assert_int_equal(c.findings, 0);
        assert_int_equal(json_array_size(c.claims), json_array_size(want));
        for (size_t i = 0; i < json_array_size(want); i++)
            if (!json_equal(json_array_get(c.claims, i), json_array_get(want, i))) {
                char *g = json_dumps(json_array_get(c.claims, i), JSON_COMPACT | JSON_PRESERVE_ORDER);
                fail_msg("%s [%zu] after the 837 differs:\n%s", *p, i, g);
            }
        checked += (int)json_array_size(want);
        json_decref(c.claims);
        json_decref(want);
        sb_free(&out.b);
    }
    free_list(files);
    assert_true(checked >= 7);
}


/* --- every claim of the 837 corpora: claim -> JSON -> claim is equal -------
 * Keeps the field tables complete as the model grows: a model field the
 * tables miss is lost on the way and x12_claim_equal() says so. */
typedef struct corpus_ctx {
    const char *file;
    x12_arena *arena;
    int claims, failures;
} corpus_ctx;

static int corpus_claim(void *ctx, const x12_claim *claim, const x12_claim_context *cx)
{
    corpus_ctx *c = ctx;
    strbuf b = {0};
    if (x12_claim_json_write(claim, &cx->header->submitter, &cx->header->receiver, to_sb, &b,
                             NULL) != X12_OK)
        fail_msg("%s: claim %s cannot be written as JSON", c->file, claim->claim_id);
    x12_claims_json_options o;
    x12_claims_json_options_init(&o);
    o.no_check = 1; /* corpus claims need not pass the writer's checks */
    x12_claims_json_item it;
    x12_json_error je;
    x12_arena_reset(c->arena);
    if (x12_claim_from_json(b.p, b.len, &o, c->arena, &it, &je) != X12_OK || !it.claim) {
        print_error("%s: claim %s: %s: %s\n", c->file, claim->claim_id, je.path, je.message);
        c->failures++;
    } else if (!x12_claim_equal(claim, it.claim)) {
        print_error("%s: claim %s differs after JSON:\n%s\n", c->file, claim->claim_id, b.p);
        c->failures++;
    }
    c->claims++;
    sb_free(&b);
    return 0;
}

static void corpus_dir(const char *dir, corpus_ctx *c)
{
    char **files = list_dir(dir);
    if (!files)
        return;
    for (char **p = files; *p; p++) {
        if (ends_with(*p, ".expect") || ends_with(*p, ".md") || ends_with(*p, ".tsv"))
            continue;
        c->file = *p;
        x12_claim_reader_callbacks cb = {corpus_claim, NULL};
        x12_claim_read_file(*p, NULL, &cb, c, 0);
    }
    free_list(files);
}

static void test_corpus_claims_survive_json(void **state)
{
    (void)state;
    corpus_ctx c = {NULL, x12_arena_new(NULL), 0, 0};
    corpus_dir(X12KIT_SOURCE_DIR "/fixtures/corpus", &c);
    corpus_dir(X12KIT_SOURCE_DIR "/fixtures/validate", &c);
    corpus_dir(X12KIT_SHARED_DIR "/corpus/837p", &c);
    corpus_dir(X12KIT_SHARED_DIR "/corpus/837i", &c);
    corpus_dir(X12KIT_SHARED_DIR "/corpus/837d", &c);
    x12_arena_free(c.arena);
    printf("corpus claims through JSON: %d, %d differ\n", c.claims, c.failures);
    assert_int_equal(c.failures, 0);
    assert_true(c.claims >= 10);
}
#endif

/* --- amounts and errors -------------------------------------------------- */

/* A small valid claim with `patch` spliced in before its lines (a JSON
 * fragment starting with ',' or ""), and `line` as its one line. */
static char *claim_text(const char *patch, const char *line)
{
    strbuf b = {0};
    sb_printf(&b, "%s",
              "{\"type\":\"professional\",\"billing\":{\"provider\":{\"entity_type\":\"2\","
              "\"last_name\":\"CLINIC\",\"id_qualifier\":\"XX\",\"id\":\"1234567893\","
              "\"address\":{\"line1\":\"1 MAIN ST\",\"city\":\"SPRINGFIELD\",\"state\":\"IL\","
              "\"postal_code\":\"627011234\"},\"tax_id\":\"371234567\"}},"
              "\"subscriber\":{\"payer_responsibility\":\"P\",\"relationship\":\"18\","
              "\"claim_filing_indicator\":\"CI\",\"subscriber\":{\"last_name\":\"DOE\","
              "\"first_name\":\"JOHN\",\"id_qualifier\":\"MI\",\"id\":\"M1\","
              "\"address\":{\"line1\":\"9 OAK ST\",\"city\":\"SPRINGFIELD\",\"state\":\"IL\","
              "\"postal_code\":\"62704\"},\"birth_date\":\"19800101\",\"gender\":\"M\"},"
              "\"payer\":{\"last_name\":\"PAYER\",\"id_qualifier\":\"PI\",\"id\":\"P1\"}},"
              "\"claim_id\":\"C1\",\"total_charge\":\"100.00\",\"facility_code\":\"11\","
              "\"frequency_code\":\"1\",\"provider_signature\":\"Y\",\"assignment\":\"A\","
              "\"benefits_assignment\":\"Y\",\"release_of_info\":\"Y\","
              "\"principal_diagnosis\":{\"code\":\"J069\"}");
    sb_printf(&b, ",\"lines\":[%s]}",
              line ? line
                   : "{\"procedure\":\"99213\",\"charge\":\"100.00\",\"units\":\"1\","
                     "\"diagnosis_pointers\":[1],\"service_date\":\"20260105\"}");
    if (!*patch)
        return b.p;
    /* the patch's fields replace the base claim's */
    json_error_t je;
    json_t *base = json_loads(b.p, 0, &je);
    strbuf pb = {0};
    sb_printf(&pb, "{%s}", patch + 1);
    json_t *p = json_loads(pb.p, 0, &je);
    if (!base || !p)
        fail_msg("test claim: %s", je.text);
    json_object_update(base, p);
    char *out = json_dumps(base, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(base);
    json_decref(p);
    sb_free(&pb);
    sb_free(&b);
    return out;
}

static x12_status parse(const char *text, x12_arena *a, x12_claims_json_item *it,
                        x12_json_error *je)
{
    x12_claims_json_options o;
    x12_claims_json_options_init(&o);
    o.refuse_chars = "*:^~";
    return x12_claim_from_json(text, strlen(text), &o, a, it, je);
}

static void test_amounts_from_text(void **state)
{
    (void)state;
    x12_arena *a = x12_arena_new(NULL);
    x12_claims_json_item it;
    x12_json_error je;
    static const struct {
        const char *total, *line;
        int64_t cents;
    } ok[] = {
        {"\"100.00\"", "\"100.00\"", 10000},
        {"100", "100.00", 10000},
        {"100.0", "\"100\"", 10000},
        {"0.1", "0.10", 10},
        {"\"99999999.99\"", "99999999.99", 9999999999},
        {"-0", "0", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char patch[64], line[160];
        snprintf(patch, sizeof patch, ",\"claim_id\":\"X\"");
        (void)patch;
        snprintf(line, sizeof line,
                 "{\"procedure\":\"99213\",\"charge\":%s,\"units\":\"1\","
                 "\"diagnosis_pointers\":[1],\"service_date\":\"20260105\"}",
                 ok[i].line);
        char *t = claim_text("", line);
        char *p = strstr(t, "\"total_charge\":\"100.00\"");
        assert_non_null(p);
        strbuf b = {0};
        sb_add(&b, t, (size_t)(p - t));
        sb_printf(&b, "\"total_charge\":%s", ok[i].total);
        sb_printf(&b, "%s", p + strlen("\"total_charge\":\"100.00\""));
        x12_arena_reset(a);
        if (parse(b.p, a, &it, &je) != X12_OK)
            fail_msg("case %zu: %s: %s", i, je.path, je.message);
        assert_int_equal(it.claim->total_charge_cents, ok[i].cents);
        assert_int_equal(it.claim->lines[0].charge_cents, ok[i].cents);
        free(t);
        sb_free(&b);
    }
    /* refused: three decimals (string or number), exponents, signs, words,
     * more digits than X12 carries */
    static const char *const bad[] = {"100.001", "\"100.001\"", "1e2", "\"+100\"", "\"abc\"",
                                      "true", "[1]", "12345678901234567", "\"\"", "\"1,000.00\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[200];
        snprintf(line, sizeof line,
                 "{\"procedure\":\"99213\",\"charge\":%s,\"units\":\"1\","
                 "\"diagnosis_pointers\":[1],\"service_date\":\"20260105\"}",
                 bad[i]);
        char *t = claim_text("", line);
        x12_arena_reset(a);
        assert_int_equal(parse(t, a, &it, &je), X12_ERR_CLAIM_VALUE);
        assert_string_equal(je.path, "$[0].lines[0].charge");
        assert_true(strncmp(je.message,
                            "expected a decimal amount string or number with at most 2 decimals",
                            66) == 0);
        assert_null(it.claim);
        free(t);
    }
    x12_arena_free(a);
}

static void test_error_paths(void **state)
{
    (void)state;
    static const struct {
        const char *patch, *line;
        x12_status code;
        const char *path, *msg;
    } cases[] = {
        {",\"facility_code\":11", NULL, X12_ERR_CLAIM_VALUE, "$[0].facility_code",
         "expected a string, found a number"},
        {",\"onset_date\":[\"x\"]", NULL, X12_ERR_CLAIM_VALUE, "$[0].onset_date",
         "expected a string, found an array"},
        {",\"bogus\":1", NULL, X12_ERR_CLAIM_VALUE, "$[0].bogus", "unknown field"},
        {",\"type\":\"vision\"", NULL, X12_ERR_CLAIM_VALUE, "$[0].type",
         "expected one of professional, institutional, dental"},
        {",\"providers\":[{\"role\":\"chef\"}]", NULL, X12_ERR_CLAIM_VALUE,
         "$[0].providers[0].role",
         "expected one of rendering, referring, attending, operating, other_operating, "
         "supervising, service_facility, assistant_surgeon, ordering, purchased_service, "
         "ambulance_pickup, ambulance_dropoff, billing"},
        {",\"providers\":{}", NULL, X12_ERR_CLAIM_VALUE, "$[0].providers",
         "expected an array of objects, found an object"},
        {",\"notes\":[1]", NULL, X12_ERR_CLAIM_VALUE, "$[0].notes[0]",
         "expected an object, found a number"},
        {",\"related_causes\":[\"AA\",\"EM\",\"OA\",\"AA\"]", NULL, X12_ERR_CLAIM_COUNT,
         "$[0].related_causes", "at most 3 entries"},
        {",\"related_causes\":\"AA\"", NULL, X12_ERR_CLAIM_VALUE, "$[0].related_causes",
         "expected an array of strings, found a string"},
        {",\"related_causes\":[\"AA\",7]", NULL, X12_ERR_CLAIM_VALUE, "$[0].related_causes[1]",
         "expected a string, found a number"},
        {",\"has_orthodontic\":\"Y\"", NULL, X12_ERR_CLAIM_VALUE, "$[0].has_orthodontic",
         "expected true or false, found a string"},
        {",\"amounts\":[{\"qualifier\":\"F5\"}]", NULL, X12_ERR_CLAIM_REQUIRED,
         "$[0].amounts[0].amount", "required field is missing"},
        {",\"claim_id\":\"C*1\"", NULL, X12_ERR_CLAIM_VALUE, "$[0].claim_id",
         "'*' is a delimiter of the 837 output"},
        {",\"claim_id\":\"C\\t1\"", NULL, X12_ERR_CLAIM_VALUE, "$[0].claim_id",
         "control characters are not allowed"},
        {",\"principal_diagnosis\":{\"code\":\"J06.9\"}", NULL, X12_ERR_CLAIM_CODE,
         "$[0].principal_diagnosis.code",
         "claim: a code has the wrong shape: ICD-10-CM without the dot (E119)"},
        {"",
         "{\"procedure\":\"99213\",\"charge\":\"100.00\",\"units\":\"1\","
         "\"diagnosis_pointers\":[1,13],\"service_date\":\"20260105\"}",
         X12_ERR_CLAIM_VALUE, "$[0].lines[0].diagnosis_pointers[1]",
         "expected a diagnosis pointer (a number 1-12)"},
        {"",
         "{\"procedure\":\"99213\",\"charge\":\"100.00\",\"units\":\"1\","
         "\"diagnosis_pointers\":[\"1\"],\"service_date\":\"20260105\"}",
         X12_ERR_CLAIM_VALUE, "$[0].lines[0].diagnosis_pointers[0]",
         "expected a diagnosis pointer (a number 1-12)"},
        {"",
         "{\"procedure\":\"99213\",\"charge\":\"100.00\",\"units\":\"1\","
         "\"diagnosis_pointers\":[1,2,3,4,5],\"service_date\":\"20260105\"}",
         X12_ERR_CLAIM_VALUE, "$[0].lines[0].diagnosis_pointers",
         "expected an array of up to 4 diagnosis pointers (numbers 1-12)"},
        {"", "{\"procedure\":\"99213\",\"units\":\"1\",\"service_date\":\"20260105\"}",
         X12_ERR_CLAIM_REQUIRED, "$[0].lines[0].charge", "required field is missing"},
        {"",
         "{\"procedure\":\"99213\",\"charge\":\"100.00\",\"units\":\"1\","
         "\"diagnosis_pointers\":[2],\"service_date\":\"20260105\"}",
         X12_ERR_CLAIM_POINTER, "$[0].lines[0].diagnosis_pointers[0]", NULL},
        {"",
         "{\"procedure\":\"99213\",\"charge\":\"90.00\",\"units\":\"1\","
         "\"diagnosis_pointers\":[1],\"service_date\":\"20260105\"}",
         X12_ERR_CLAIM_TOTAL, "$[0].total_charge",
         "claim: total charge differs from the sum of the line charges: lines sum to 9000 cents"},
        {",\"frequency_code\":\"7\"", NULL, X12_ERR_CLAIM_REQUIRED, "$[0].payer_claim_number",
         NULL},
    };
    x12_arena *a = x12_arena_new(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = claim_text(cases[i].patch, cases[i].line);
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(a);
        x12_status st = parse(t, a, &it, &je);
        if (st != cases[i].code || strcmp(je.path, cases[i].path) != 0 ||
            (cases[i].msg && strcmp(je.message, cases[i].msg) != 0))
            fail_msg("case %zu: got %s %s: %s", i, x12_status_name(st), je.path, je.message);
        assert_int_equal(je.line, 1);
        assert_int_equal(je.byte_offset, 0);
        free(t);
    }
    /* a key written with an escape is the same key; an unknown escaped key
     * is named decoded */
    {
        char *base = claim_text("", NULL);
        char *k = strstr(base, "\"claim_id\"");
        assert_non_null(k);
        strbuf b = {0};
        sb_add(&b, base, (size_t)(k - base));
        sb_printf(&b, "\"claim\\u005fid\"");
        sb_printf(&b, "%s", k + strlen("\"claim_id\""));
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(a);
        assert_int_equal(parse(b.p, a, &it, &je), X12_OK);
        assert_string_equal(it.claim->claim_id, "C1");
        sb_free(&b);
        sb_add(&b, base, (size_t)(k - base));
        sb_printf(&b, "\"claim\\u005fno\"");
        sb_printf(&b, "%s", k + strlen("\"claim_id\""));
        assert_int_equal(parse(b.p, a, &it, &je), X12_ERR_CLAIM_VALUE);
        assert_string_equal(je.path, "$[0].claim_no");
        assert_string_equal(je.message, "unknown field");
        sb_free(&b);
        free(base);
    }
    /* the base claim itself is good, and null is the same as absent */
    char *t = claim_text(",\"onset_date\":null,\"notes\":null", NULL);
    x12_claims_json_item it;
    x12_json_error je;
    x12_arena_reset(a);
    assert_int_equal(parse(t, a, &it, &je), X12_OK);
    assert_null(it.claim->onset_date);
    free(t);
    x12_arena_free(a);
}

/* The base claim with `fragment` spliced in before its closing brace (raw
 * text: what jansson would refuse to build). */
static char *raw_claim(const char *fragment, const char *after)
{
    char *base = claim_text("", NULL);
    size_t n = strlen(base);
    strbuf b = {0};
    sb_add(&b, base, n - 1);
    sb_printf(&b, "%s%s", fragment, after);
    free(base);
    return b.p;
}

/* Broken JSON: each case is refused with the reason, at the claim. */
static void test_syntax_errors(void **state)
{
    (void)state;
    static const struct {
        const char *fragment, *after;
        x12_status code;
        const char *path, *msg;
    } cases[] = {
        {",\"onset_date\":\"2026\x01\"", "}", X12_ERR_ENCODING, "$[0]",
         "control character in a string (a missing '\"'?)"},
        {",\"onset_date\":\"2026\xff\"", "}", X12_ERR_ENCODING, "$[0]",
         "invalid JSON: a string is not valid UTF-8"},
        {",\"onset_date\":\"20\\q26\"", "}", X12_ERR_ENCODING, "$[0]",
         "invalid JSON: invalid escape in a string"},
        {",\"onset_date\":\"\\ud800x\"", "}", X12_ERR_ENCODING, "$[0]",
         "invalid JSON: invalid \\u surrogate pair"},
        {",\"onset_date\":\"\\ud800\\u0041\"", "}", X12_ERR_ENCODING, "$[0]",
         "invalid JSON: invalid \\u surrogate pair"},
        {",\"onset_date\":\"\\udc00\"", "}", X12_ERR_ENCODING, "$[0]",
         "invalid JSON: invalid \\u surrogate pair"},
        {",\"onset_date\":\"\\u00G0\"", "}", X12_ERR_ENCODING, "$[0]",
         "invalid JSON: invalid escape in a string"},
        {",\"onset_date\":\"2026", "", X12_ERR_ENCODING, "$[0]",
         "truncated JSON: the input ends inside the object"},
        {",\"onset_date\":\"2026\\", "", X12_ERR_ENCODING, "$[0]",
         "truncated JSON: the input ends inside the object"},
        {",\"onset_date\" \"2026\"", "}", X12_ERR_ENCODING, "$[0]", "invalid JSON: ':' expected"},
        {",\"claim_id\":\"C2\"", "}", X12_ERR_CLAIM_VALUE, "$[0].claim_id",
         "the field is given twice"},
        /* x12_claim_from_json() takes one claim: what follows is refused */
        {"", "} x", X12_ERR_ENCODING, "$[1]",
         "expected a JSON object, found a literal (true, false or null)"},
        {"", "}\n \n", X12_OK, "", ""},
        /* a surrogate pair decodes to its four UTF-8 bytes (U+1F600) */
        {",\"\\ud83d\\ude00\":1", "}", X12_ERR_CLAIM_VALUE, "$[0].\xf0\x9f\x98\x80",
         "unknown field"},
        /* field names go through the full string reader: its checks too */
        {",\"on\x01set\":1", "}", X12_ERR_ENCODING, "$[0]",
         "control character in a string (a missing '\"'?)"},
        {",\"caf\xc3\xa9\":1", "}", X12_ERR_CLAIM_VALUE, "$[0].caf\xc3\xa9", "unknown field"},
        {",\"\\u004F\\u004b\":1", "}", X12_ERR_CLAIM_VALUE, "$[0].OK", "unknown field"},
        /* a key cut inside a UTF-8 sequence was taken as it was, and its
         * bytes echoed in the path */
        {",\"caf\xc3\":1", "}", X12_ERR_ENCODING, "$[0]",
         "invalid JSON: a string is not valid UTF-8"},
        /* an escaped delimiter is still a delimiter */
        {",\"onset_date\":\"2026\\u002a\"", "}", X12_ERR_CLAIM_VALUE, "$[0].onset_date",
         "'*' is a delimiter of the 837 output"},
    };
    x12_arena *a = x12_arena_new(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = raw_claim(cases[i].fragment, cases[i].after);
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(a);
        x12_status st = parse(t, a, &it, &je);
        if (st != cases[i].code || strcmp(je.path, cases[i].path) != 0 ||
            strcmp(je.message, cases[i].msg) != 0)
            fail_msg("case %zu: got %s %s: %s", i, x12_status_name(st), je.path, je.message);
        if (st == X12_OK)
            assert_string_equal(it.claim->claim_id, "C1");
        else
            assert_null(it.claim);
        free(t);
    }
    /* two good claims in one text: the second is not dropped unseen */
    {
        char *one = claim_text("", NULL);
        strbuf two = {0};
        sb_printf(&two, "%s\n%s\n", one, one);
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(a);
        assert_int_equal(parse(two.p, a, &it, &je), X12_ERR_ENCODING);
        assert_null(it.claim);
        assert_string_equal(je.path, "$[1]");
        assert_string_equal(je.message, "invalid JSON: data after the object (a second claim: "
                                        "use the NDJSON reader)");
        assert_int_equal(je.line, 2);
        sb_free(&two);
        free(one);
    }
    /* nesting deeper than the parser follows, in a field it would skip */
    strbuf deep = {0};
    sb_printf(&deep, ",\"notes\":[{\"code\":\"ADD\",\"text\":\"X\"}],\"onset_date\":");
    for (int i = 0; i < 100; i++)
        sb_add(&deep, "[", 1);
    char *t = raw_claim(deep.p, "}");
    x12_claims_json_item it;
    x12_json_error je;
    x12_arena_reset(a);
    assert_int_equal(parse(t, a, &it, &je), X12_ERR_LIMIT);
    assert_string_equal(je.path, "$[0]");
    assert_string_equal(je.message, "nesting deeper than 32 levels");
    free(t);
    sb_free(&deep);
    x12_arena_free(a);
}

/* Arrays longer than the parser's first guess (4) grow and keep every item. */
static void test_long_arrays(void **state)
{
    (void)state;
    strbuf lines = {0};
    for (int i = 0; i < 9; i++)
        sb_printf(&lines, "%s{\"procedure\":\"9921%d\",\"charge\":\"%d.00\",\"units\":\"1\","
                          "\"diagnosis_pointers\":[1],\"service_date\":\"20260105\"}",
                  i ? "," : "", i, 10 + i);
    /* five REF of five qualifiers (each REF of 2300 is once; its NTE too) */
    char *t = claim_text(",\"total_charge\":\"126.00\",\"refs\":[{\"qualifier\":\"G1\",\"value\":\"A\"},"
                         "{\"qualifier\":\"9F\",\"value\":\"B\"},{\"qualifier\":\"EA\",\"value\":\"C\"},"
                         "{\"qualifier\":\"X4\",\"value\":\"D\"},{\"qualifier\":\"9A\",\"value\":\"E\"}]",
                         lines.p);
    x12_arena *a = x12_arena_new(NULL);
    x12_claims_json_item it;
    x12_json_error je;
    if (parse(t, a, &it, &je) != X12_OK)
        fail_msg("%s: %s", je.path, je.message);
    assert_int_equal(it.claim->line_count, 9);
    for (int i = 0; i < 9; i++) {
        char proc[8];
        snprintf(proc, sizeof proc, "9921%d", i);
        assert_string_equal(it.claim->lines[i].procedure, proc);
        assert_int_equal(it.claim->lines[i].charge_cents, (10 + i) * 100);
        assert_int_equal(it.claim->lines[i].diagnosis_pointers[0], 1);
    }
    assert_int_equal(it.claim->ref_count, 5);
    assert_string_equal(it.claim->refs[4].value, "E");
    assert_string_equal(it.claim->refs[0].value, "A");
    x12_arena_free(a);
    free(t);
    sb_free(&lines);
}

/* Amounts by position (MIA), lists of strings (K3), and their way back out. */
static void test_positional_amounts_and_lists(void **state)
{
    (void)state;
    const char *patch =
        ",\"type\":\"institutional\",\"file_info\":[\"K3 ONE\",\"K3 TWO\"],"
        "\"other_payers\":[{\"payer_responsibility\":\"P\",\"inpatient\":{\"covered_days\":\"3\","
        "\"remarks\":[\"MA01\"],\"amounts\":[null,null,null,\"100.00\",null,\"5.50\"]}}],"
        "\"treatment_codes\":[{\"qualifier\":\"TC\",\"code\":\"A1\"}]";
    char *t = claim_text(patch, NULL);
    x12_claims_json_options o;
    x12_claims_json_options_init(&o);
    o.no_check = 1;
    x12_arena *a = x12_arena_new(NULL);
    x12_claims_json_item it;
    x12_json_error je;
    if (x12_claim_from_json(t, strlen(t), &o, a, &it, &je) != X12_OK)
        fail_msg("%s: %s", je.path, je.message);
    const x12_claim_inpatient_adjudication *mia = it.claim->other_payers[0].inpatient;
    assert_non_null(mia);
    assert_string_equal(mia->covered_days, "3");
    assert_false(mia->has_amount[0]);
    assert_true(mia->has_amount[3]);
    assert_int_equal(mia->amount_cents[3], 10000);
    assert_false(mia->has_amount[4]);
    assert_true(mia->has_amount[5]);
    assert_int_equal(mia->amount_cents[5], 550);
    assert_int_equal(it.claim->file_info_count, 2);
    assert_string_equal(it.claim->file_info[1], "K3 TWO");
    assert_int_equal(it.claim->treatment_code_count, 1);
    /* back out: the same JSON values */
    json_t *back = claims_json_to_value(it.claim, it.submitter, it.receiver);
    json_error_t jerr;
    json_t *want = json_loads(t, 0, &jerr);
    if (!json_equal(back, want)) {
        char *g = json_dumps(back, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fail_msg("differs:\n%s", g);
    }
    json_decref(back);
    json_decref(want);
    free(t);
    /* too many positions */
    strbuf b = {0};
    sb_printf(&b, ",\"other_payers\":[{\"inpatient\":{\"amounts\":[");
    for (int i = 0; i < 25; i++)
        sb_printf(&b, "%snull", i ? "," : "");
    sb_printf(&b, "]}}]");
    t = claim_text(b.p, NULL);
    x12_arena_reset(a);
    assert_int_equal(x12_claim_from_json(t, strlen(t), &o, a, &it, &je), X12_ERR_CLAIM_COUNT);
    assert_string_equal(je.path, "$[0].other_payers[0].inpatient.amounts");
    free(t);
    sb_free(&b);
    x12_arena_free(a);
}

/* Diagnosis pointers of one, two and three digits are written as numbers
 * (the writer formats them by hand). */
static void test_pointer_digits(void **state)
{
    (void)state;
    x12_claim_line line;
    memset(&line, 0, sizeof line);
    line.procedure = "99213";
    line.charge_cents = 10000;
    line.diagnosis_pointers[0] = 1;
    line.diagnosis_pointers[1] = 12;
    line.diagnosis_pointers[2] = 255;
    line.diagnosis_pointers[3] = 100;
    x12_claim c;
    memset(&c, 0, sizeof c);
    c.claim_id = "P1";
    c.lines = &line;
    c.line_count = 1;
    json_t *v = claims_json_to_value(&c, NULL, NULL);
    json_t *p = json_object_get(json_array_get(json_object_get(v, "lines"), 0), "diagnosis_pointers");
    char *got = json_dumps(p, JSON_COMPACT);
    assert_string_equal(got, "[1,12,255,100]");
    free(got);
    line.diagnosis_pointers[2] = line.diagnosis_pointers[3] = 0;
    line.diagnosis_pointers[1] = 9;
    json_decref(v);
    v = claims_json_to_value(&c, NULL, NULL);
    p = json_object_get(json_array_get(json_object_get(v, "lines"), 0), "diagnosis_pointers");
    got = json_dumps(p, JSON_COMPACT);
    assert_string_equal(got, "[1,9]");
    free(got);
    json_decref(v);
}

static void test_type_holds(void **state)
{
    (void)state;
    char *prof = claim_text("", NULL);
    /* a claim without "type" is professional; --type dental refuses it */
    FILE *f = tmpfile();
    fprintf(f, "%s\n%s\n", prof, prof);
    rewind(f);
    x12_claims_json_options o;
    x12_claims_json_options_init(&o);
    o.type = X12_CLAIM_DENTAL;
    x12_claims_json_reader *r = x12_claims_json_open_stream(f, &o);
    x12_arena *a = x12_arena_new(NULL);
    x12_claims_json_item it;
    x12_json_error je;
    assert_int_equal(x12_claims_json_next(r, a, &it, &je), X12_ERR_CLAIM_VALUE);
    assert_string_equal(je.path, "$[0].type");
    assert_string_equal(je.message, "the claim is professional but the output is dental (one type per 837)");
    assert_int_equal(x12_claims_json_next(r, a, &it, &je), X12_ERR_CLAIM_VALUE);
    assert_int_equal(je.line, 2);
    assert_int_equal(je.byte_offset, strlen(prof) + 1);
    assert_int_equal(x12_claims_json_next(r, a, &it, &je), X12_OK);
    assert_null(it.claim);
    x12_claims_json_free(r);
    fclose(f);
    x12_arena_free(a);
    free(prof);
}

/* transaction_type (BHT06) is read, written back, and checked as a code;
 * a claim without it writes none (the writer's header decides). */
static void test_transaction_type(void **state)
{
    (void)state;
    char *enc = claim_text(",\"transaction_type\":\"RP\"", NULL);
    x12_arena *a = x12_arena_new(NULL);
    x12_claims_json_item it;
    x12_json_error je;
    assert_int_equal(x12_claim_from_json(enc, strlen(enc), NULL, a, &it, &je), X12_OK);
    assert_non_null(it.claim);
    assert_string_equal(it.claim->transaction_type, "RP");
    json_t *v = claims_json_to_value(it.claim, NULL, NULL);
    assert_string_equal(json_string_value(json_object_get(v, "transaction_type")), "RP");
    json_decref(v);
    free(enc);

    char *plain = claim_text("", NULL);
    x12_arena_reset(a);
    assert_int_equal(x12_claim_from_json(plain, strlen(plain), NULL, a, &it, &je), X12_OK);
    assert_null(it.claim->transaction_type);
    v = claims_json_to_value(it.claim, NULL, NULL);
    assert_null(json_object_get(v, "transaction_type"));
    json_decref(v);
    free(plain);

    char *bad = claim_text(",\"transaction_type\":\"XX\"", NULL);
    x12_arena_reset(a);
    assert_int_equal(x12_claim_from_json(bad, strlen(bad), NULL, a, &it, &je),
                     X12_ERR_CLAIM_CODE);
    assert_string_equal(je.path, "$[0].transaction_type");
    assert_non_null(strstr(je.message, "BHT06"));
    free(bad);
    x12_arena_free(a);
}

/* JSON escapes; UTF-8 kept, a byte that is not UTF-8 (0xFF) read as ISO-8859-1 (U+00FF) */
static void test_json_write_escapes(void **state)
{
    (void)state;
    x12_claim c;
    memset(&c, 0, sizeof c);
    c.claim_id = "A\"B\\C\001D\xc3\xa9" "E\xff" "/F";
    c.total_charge_cents = -5;
    x12_claim_line line;
    memset(&line, 0, sizeof line);
    line.modifiers[1] = "25";
    line.diagnosis_pointers[0] = 1;
    line.diagnosis_pointers[1] = 12;
    c.lines = &line;
    c.line_count = 1;
    strbuf b = {0};
    assert_int_equal(x12_claim_json_write(&c, NULL, NULL, to_sb, &b, NULL), X12_OK);
    assert_string_equal(b.p, "{\"type\":\"professional\",\"claim_id\":\"A\\\"B\\\\C\\u0001D"
                             "\xc3\xa9" "E\xc3\xbf/F\",\"total_charge\":\"-0.05\",\"lines\":[{\"modifiers\":"
                             "[null,\"25\"],\"charge\":\"0.00\",\"diagnosis_pointers\":[1,12]}]}\n");
    sb_free(&b);
    /* an output failure is X12_ERR_IO */
    x12_error e;
    assert_int_equal(x12_claim_json_write(&c, NULL, NULL, fail_out, NULL, &e), X12_ERR_IO);
    assert_int_equal(e.code, X12_ERR_IO);
}

static void test_error_format(void **state)
{
    (void)state;
    x12_json_error e;
    memset(&e, 0, sizeof e);
    e.line = 4;
    e.byte_offset = 812;
    strcpy(e.path, "$[3].lines[1].charge");
    strcpy(e.message, "expected a decimal amount");
    char buf[128];
    int n = x12_json_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "line 4, byte 812: $[3].lines[1].charge: expected a decimal amount");
    assert_int_equal(n, (int)strlen(buf));

    /* model paths to JSON paths */
    char jp[64];
    x12_claim_json_path("lines[1].charge_cents", jp, sizeof jp);
    assert_string_equal(jp, "lines[1].charge");
    x12_claim_json_path("total_charge_cents", jp, sizeof jp);
    assert_string_equal(jp, "total_charge");
    x12_claim_json_path("other_payers[0].adjustments[2].cents", jp, sizeof jp);
    assert_string_equal(jp, "other_payers[0].adjustments[2].amount");
    x12_claim_json_path("values[3].amount_cents", jp, sizeof jp);
    assert_string_equal(jp, "values[3].amount");
    x12_claim_json_path("subscriber.subscriber.id", jp, sizeof jp);
    assert_string_equal(jp, "subscriber.subscriber.id");
    assert_int_equal(x12_claim_json_path("billing.provider.address.line1", jp, 8), 7);
    assert_string_equal(jp, "billing");
}

/* --- the schema ---------------------------------------------------------- */

static void test_schema_file_matches_tables(void **state)
{
    (void)state;
    json_error_t je;
    json_t *file = json_load_file(X12KIT_SOURCE_DIR "/docs/claims.schema.json", 0, &je);
    if (!file)
        fail_msg("docs/claims.schema.json: %s", je.text);
    json_t *gen = claims_json_schema();
    if (!json_equal(file, gen)) {
        /* regenerate with: build/tests/test_claims_json --write-schema */
        fail_msg("docs/claims.schema.json differs from the field tables");
    }
    assert_string_equal(json_string_value(json_object_get(file, "$schema")),
                        "https://json-schema.org/draft/2020-12/schema");
    json_decref(file);
    json_decref(gen);
}

/* Every property of `v` (and of the objects inside it) is one the schema
 * node `s` knows; reports the first unknown one's path into `bad`. */
static json_t *resolve(json_t *root, json_t *s)
{
    const char *ref = json_string_value(json_object_get(s, "$ref"));
    if (ref && strncmp(ref, "#/$defs/", 8) == 0)
        return json_object_get(json_object_get(root, "$defs"), ref + 8);
    return s;
}

static int known_properties(json_t *root, json_t *s, json_t *v, char *path, size_t plen,
                            char *bad)
{
    s = resolve(root, s);
    if (json_is_object(v)) {
        json_t *props = json_object_get(s, "properties");
        if (!props)
            return 1;
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            json_t *ps = json_object_get(props, k);
            int n = snprintf(path + plen, 256 - plen, ".%s", k);
            if (!ps) {
                strcpy(bad, path);
                return 0;
            }
            if (!known_properties(root, ps, x, path, plen + (size_t)n, bad))
                return 0;
        }
        path[plen] = '\0';
    } else if (json_is_array(v)) {
        json_t *items = json_object_get(s, "items");
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            int n = snprintf(path + plen, 256 - plen, "[%zu]", i);
            if (items && !known_properties(root, items, x, path, plen + (size_t)n, bad))
                return 0;
        }
        path[plen] = '\0';
    }
    return 1;
}

static void test_examples_only_use_schema_properties(void **state)
{
    (void)state;
    json_error_t je;
    json_t *schema = json_load_file(X12KIT_SOURCE_DIR "/docs/claims.schema.json", 0, &je);
    assert_non_null(schema);
    char **files = list_dir(CLAIMS_DIR);
    int checked = 0;
    for (char **p = files; *p; p++) {
        if (!is_good_fixture(*p))
            continue;
        json_t *objs = load_objects(*p);
        size_t i;
        json_t *o;
        json_array_foreach(objs, i, o) {
            char path[256] = "$", bad[256] = "";
            if (!known_properties(schema, schema, o, path, 1, bad))
                fail_msg("%s [%zu]: %s is not in the schema", *p, i, bad);
            checked++;
        }
        json_decref(objs);
    }
    /* the check can fail: the unknown-field example has one */
    json_t *objs = load_objects(CLAIMS_DIR "/n_unknown_field.ndjson");
    char path[256] = "$", bad[256] = "";
    assert_false(known_properties(schema, schema, json_array_get(objs, 0), path, 1, bad));
    assert_string_equal(bad, "$.billing.provider.npi");
    json_decref(objs);
    free_list(files);
    json_decref(schema);
    assert_true(checked >= 7);
}

/* --- allocation failures on the JSON input path -------------------------- */

/* Reads every claim of the file with allocators failing their Nth call;
 * returns 1 when it ran to the end, 0 when it stopped on X12_ERR_NOMEM. */
static int read_all_failing(const char *path, failing_alloc *fa)
{
    x12_claims_json_options o;
    x12_claims_json_options_init(&o);
    o.alloc = &fa->a;
    x12_error e;
    x12_claims_json_reader *r = x12_claims_json_open(path, &o, &e);
    if (!r) {
        assert_int_equal(e.code, X12_ERR_NOMEM);
        return 0;
    }
    x12_arena *a = x12_arena_new(&fa->a);
    int done = 0;
    if (a) {
        for (;;) {
            x12_claims_json_item it;
            x12_json_error je;
            x12_arena_reset(a);
            x12_status st = x12_claims_json_next(r, a, &it, &je);
            if (st == X12_ERR_NOMEM)
                break;
            if (st != X12_OK)
                fail_msg("%s %s: %s", x12_status_name(st), je.path, je.message);
            if (!it.claim) {
                done = 1;
                break;
            }
        }
    }
    x12_arena_free(a);
    x12_claims_json_free(r);
    return done;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *path = CLAIMS_DIR "/y_837p.ndjson";
    /* every allocation of the input path (the scanner, the reader, the
     * arena; jansson is not used there) fails in turn */
    failing_alloc count;
    failing_alloc_init(&count, 0);
    assert_true(read_all_failing(path, &count));
    assert_true(count.calls > 5);
    for (long n = 1; n <= count.calls; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        assert_false(read_all_failing(path, &fa)); /* stopped on X12_ERR_NOMEM */
        assert_int_equal(fa.live, 0);
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--write-schema") == 0) {
        /* docs/claims.schema.json is generated from the field tables */
        json_t *s = claims_json_schema();
        int rc = json_dump_file(s, X12KIT_SOURCE_DIR "/docs/claims.schema.json",
                                JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(s);
        return rc != 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples_identity),
#ifdef X12KIT_HAVE_CLAIM_READER
        cmocka_unit_test(test_examples_roundtrip_837),
        cmocka_unit_test(test_corpus_claims_survive_json),
#endif
        cmocka_unit_test(test_amounts_from_text),
        cmocka_unit_test(test_error_paths),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_long_arrays),
        cmocka_unit_test(test_positional_amounts_and_lists),
        cmocka_unit_test(test_pointer_digits),
        cmocka_unit_test(test_type_holds),
        cmocka_unit_test(test_transaction_type),
        cmocka_unit_test(test_json_write_escapes),
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_schema_file_matches_tables),
        cmocka_unit_test(test_examples_only_use_schema_properties),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
