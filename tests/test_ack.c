/* 999/TA1 acknowledgements: the fixtures of fixtures/ack byte for byte, every
 * 999 written for every fixture validating at zero errors, the policy
 * (A/E/P/R, TA105 codes), control numbers from the counter, reading 999/TA1
 * back with code texts, allocation failures of builder and reader, and the
 * status codes 150-154.  x12 split: standalone outputs, counts, sets equal
 * to the input's. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <x12/ack.h>
#include <x12/control.h>
#include <x12/split.h>

#include "support.h"

#define FIX X12KIT_SOURCE_DIR "/fixtures/"

/* The fixtures have a line break after each terminator. */
static const x12_reader_options LENIENT = {X12_READ_LENIENT, X12_DEFAULT_MAX_SEGMENT_LENGTH,
                                           X12_DEFAULT_MAX_ELEMENTS,
                                           X12_DEFAULT_MAX_CONTROL_NUMBERS, NULL, 0, 0};

static int sink(void *ctx, const void *buf, size_t len)
{
    sb_add(ctx, buf, len);
    return 0;
}

static int failing_sink(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return -1;
}

static void fixed_options(x12_ack_options *o, unsigned what, uint32_t ctl, const x12_writer_options *wo)
{
    x12_ack_options_init(o);
    o->what = what;
    o->date = "20260101";
    o->time = "1200";
    o->control_number = ctl;
    o->writer = wo;
}

/* Acknowledges `path`, writing in character set `cs`; returns the output
 * (free with sb_free). */
static strbuf ack_in(const char *path, unsigned what, uint32_t ctl, x12_ack_summary *sum,
                     x12_status *st_out, x12_charset cs)
{
    x12_writer_options wo;
    x12_writer_options_init(&wo);
    wo.line_break = "\n";
    wo.charset = cs;
    x12_ack_options o;
    fixed_options(&o, what, ctl, &wo);
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_LENIENT;
    strbuf b = {0};
    sb_add(&b, "", 0);
    x12_error err;
    x12_ack_summary s;
    x12_status st = x12_ack_file(path, &ro, NULL, 0, &o, sink, &b, sum ? sum : &s, &err);
    if (st_out)
        *st_out = st;
    else if (st != X12_OK)
        fail_msg("%s: %s (%s)", path, err.msg, err.detail);
    return b;
}

static strbuf ack_of(const char *path, unsigned what, uint32_t ctl, x12_ack_summary *sum,
                     x12_status *st_out)
{
    return ack_in(path, what, ctl, sum, st_out, X12_CHARSET_EXTENDED);
}

/* --- validating what was written -------------------------------------------- */

typedef struct vstate {
    x12_walker *w;
    int errors;
    int echoed; /* of them, on TA101-TA103: what the TA1 echoes of the ISA */
    char first[200];
} vstate;

static int v_segment(void *ctx, const x12_segment *seg)
{
    vstate *v = ctx;
    return x12_walker_segment(v->w, seg) != X12_OK;
}

static void v_error(void *ctx, const x12_error *e)
{
    vstate *v = ctx;
    x12_walker_reader_error(v->w, e);
}

static void v_finding(void *ctx, const x12_finding *f)
{
    vstate *v = ctx;
    if (f->severity != X12_SEV_ERROR)
        return;
    if (!strcmp(f->err.segment_id, "TA1") && f->err.element_pos >= 1 && f->err.element_pos <= 3) {
        v->echoed++;
        return;
    }
    if (!v->errors++)
        x12_error_format(&f->err, v->first, sizeof v->first);
}

/* Errors `x12 validate` would report for the bytes (strict reading). */
static int validate_errors_echo(const char *data, size_t len, char *first, size_t cap, int *echoed)
{
    vstate v;
    memset(&v, 0, sizeof v);
    x12_walker_callbacks wc = {NULL, v_finding};
    v.w = x12_walker_new(&wc, &v, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    assert_non_null(v.w);
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_ALLOW_LINE_BREAKS;
    x12_reader_callbacks cb = {v_segment, v_error};
    x12_reader *r = x12_reader_new(&ro, &cb, &v);
    assert_non_null(r);
    x12_reader_feed(r, data, len);
    x12_reader_finish(r);
    x12_walker_finish(v.w);
    x12_reader_free(r);
    x12_walker_free(v.w);
    if (first)
        snprintf(first, cap, "%s", v.first);
    if (echoed)
        *echoed = v.echoed;
    return v.errors + (echoed ? 0 : v.echoed);
}

static int validate_errors(const char *data, size_t len, char *first, size_t cap)
{
    return validate_errors_echo(data, len, first, cap, NULL);
}

/* Does the file hold an ISA whose ISA09 (offset 70), ISA10 (77) or ISA13
 * (90) is not all digits, or whose ISA10 is not a time?  (ISA09's calendar is
 * left to the TA1's own check.) */
static int isa_echo_malformed(const char *path)
{
    size_t n;
    char *x = read_file(path, &n);
    int bad = 0;
    for (char *p = x; x && (p = strstr(p, "ISA")) && (size_t)(p - x) + 106 <= n; p += 3) {
        int hh = (p[77] - '0') * 10 + (p[78] - '0'), mm = (p[79] - '0') * 10 + (p[80] - '0');
        bad |= strspn(p + 90, "0123456789") < 9 || strspn(p + 70, "0123456789") < 6 ||
               strspn(p + 77, "0123456789") < 4 || hh > 23 || mm > 59;
    }
    free(x);
    return bad;
}

static void compare_with(const char *expect_path, const strbuf *got)
{
    size_t len;
    char *want = read_file(expect_path, &len);
    if (!want)
        fail_msg("cannot read %s", expect_path);
    if (len != got->len || memcmp(want, got->p, len) != 0)
        fail_msg("%s differs; got:\n%.*s", expect_path, (int)got->len, got->p);
    free(want);
}

/* --- fixtures ------------------------------------------------------------------- */

static void test_fixtures_exact(void **state)
{
    (void)state;
    char **files = list_dir(FIX "ack");
    assert_non_null(files);
    int n = 0;
    for (char **f = files; *f; f++) {
        size_t l = strlen(*f);
        if (l < 4 || strcmp(*f + l - 4, ".x12") != 0)
            continue;
        char expect[512];
        strbuf b = ack_of(*f, X12_ACK_999, 1001, NULL, NULL);
        snprintf(expect, sizeof expect, "%.*s.999", (int)(l - 4), *f);
        compare_with(expect, &b);
        char why[200];
        if (validate_errors(b.p, b.len, why, sizeof why) != 0)
            fail_msg("999 of %s does not validate: %s", *f, why);
        sb_free(&b);
        b = ack_of(*f, X12_ACK_TA1, 2001, NULL, NULL);
        snprintf(expect, sizeof expect, "%.*s.ta1", (int)(l - 4), *f);
        compare_with(expect, &b);
        sb_free(&b);
        n++;
    }
    free_list(files);
    assert_int_equal(n, 6);
}

/* Every 999 written for every fixture of the project validates. */
static void validate_folder(const char *dir, int *count)
{
    char **files = list_dir(dir);
    if (!files)
        return;
    for (char **f = files; *f; f++) {
        size_t l = strlen(*f);
        if ((l > 7 && !strcmp(*f + l - 7, ".expect")) || (l > 3 && !strcmp(*f + l - 3, ".md")) ||
            (l > 3 && !strcmp(*f + l - 3, ".py")) || (l > 4 && !strcmp(*f + l - 4, ".tsv")))
            continue;
        x12_status st;
        x12_ack_summary sum;
        strbuf b = ack_of(*f, X12_ACK_999 | X12_ACK_TA1, 1, &sum, &st);
        if (st != X12_OK && st != X12_ERR_ACK_NO_ISA && st != X12_ERR_GZIP) {
            fail_msg("%s: %s", *f, x12_status_name(st));
        }
        if (b.len) {
            char why[200];
            /* a TA1 echoes ISA13, ISA09 and ISA10 as received in TA101-TA103
             * (docs/ack.md): a malformed one makes the TA1 so, and nothing else */
            int echoed;
            int errors = validate_errors_echo(b.p, b.len, why, sizeof why, &echoed);
            if (errors != 0 || (echoed && !isa_echo_malformed(*f)))
                fail_msg("acknowledgement of %s does not validate: %s (%d in TA101-TA103)", *f,
                         why, echoed);
            (*count)++;
        }
        sb_free(&b);
    }
    free_list(files);
}

static void test_every_fixture_validates(void **state)
{
    (void)state;
    int count = 0;
    static const char *const DIRS[] = {FIX "ack", FIX "validate", FIX "x12", FIX "corpus"};
    for (size_t i = 0; i < sizeof DIRS / sizeof DIRS[0]; i++)
        validate_folder(DIRS[i], &count);
    static const char *const SHARED[] = {"277ca", "835", "837d", "837i", "837p", "999", "malformed"};
    for (size_t i = 0; i < sizeof SHARED / sizeof SHARED[0]; i++) {
        char d[512];
        snprintf(d, sizeof d, "%s/corpus/%s", X12KIT_SHARED_DIR, SHARED[i]);
        validate_folder(d, &count);
    }
    assert_true(count >= 60);
}

/* --- CTX situational trigger ----------------------------------------------------- */

/* Position from ST = 1 of the first segment of `path` that starts with
 * `prefix`, or with before > 0 the last one before that position (counted
 * here from the raw bytes, not by the code under test). */
static unsigned set_position_of(const char *path, const char *prefix, unsigned before)
{
    size_t n;
    char *text = read_file(path, &n);
    assert_non_null(text);
    unsigned pos = 0, found = 0;
    int in_set = 0;
    for (char *seg = strtok(text, "~"); seg; seg = strtok(NULL, "~")) {
        while (*seg == '\r' || *seg == '\n')
            seg++;
        if (!strncmp(seg, "ST*", 3))
            in_set = 1;
        if (in_set)
            pos++;
        if (before && pos >= before)
            break;
        if (in_set && !strncmp(seg, prefix, strlen(prefix))) {
            found = pos;
            if (!before)
                break;
        }
    }
    free(text);
    assert_true(found > 0);
    return found;
}

/* A situational rule (SNIP 4) that applies because of another segment names
 * that segment in a CTX after the IK3 (005010X231A1 2100 CTX, SITUATIONAL
 * TRIGGER): its id, position, loop and, when the rule looks at one, element. */
static void test_situational_trigger(void **state)
{
    (void)state;
    struct {
        const char *file;
        const char *trigger, *trigger_id; /* the trigger segment: how it starts, its id */
        const char *err, *err_id;         /* the segment in error */
        const char *ctx_tail;             /* CTX04 and CTX05 as written */
    } CASES[] = {
        /* 837p.ref-f8-only-replace-void: REF*F8 on an original claim; reported at CLM */
        {FIX "validate/n_837p_ref_f8_on_original.x12", "REF*F8*", "REF", "CLM*", "CLM", "2300"},
        /* 837p.hl-self-no-patient: SBR02 = 18 and a patient loop follows; reported at the HL */
        {FIX "validate/n_837p_self_with_patient.x12", "SBR*P*18*GRP783197", "SBR", "HL*6*", "HL",
         "2000*2"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        strbuf b = ack_of(CASES[i].file, X12_ACK_999, 1, NULL, NULL);
        char want[160], ik3[64];
        unsigned tpos = set_position_of(CASES[i].file, CASES[i].trigger, 0);
        /* the segment in error: the last one before the trigger (the claim's CLM, the HL) */
        unsigned epos = set_position_of(CASES[i].file, CASES[i].err, tpos);
        snprintf(want, sizeof want, "\nCTX*SITUATIONAL TRIGGER*%s*%u*%s~", CASES[i].trigger_id,
                 tpos, CASES[i].ctx_tail);
        snprintf(ik3, sizeof ik3, "\nIK3*%s*%u*", CASES[i].err_id, epos);
        /* the CTX comes right after the IK3 of the segment in error */
        const char *at = strstr(b.p, ik3);
        if (!at)
            fail_msg("%s: no %s in\n%s", CASES[i].file, ik3 + 1, b.p);
        const char *next = strchr(at + 1, '\n');
        if (!next || strncmp(next, want, strlen(want)) != 0)
            fail_msg("%s: wanted %s after %s in\n%s", CASES[i].file, want + 1, ik3 + 1, b.p);
        char why[200];
        if (validate_errors(b.p, b.len, why, sizeof why) != 0)
            fail_msg("999 of %s does not validate: %s", CASES[i].file, why);
        sb_free(&b);
    }
    /* 837p.diagnosis-pointers: the line's SV1 is in error, the claim's HI (which it
     * points into) is the trigger, with no element (the whole HI is read) */
    {
        const char *f = FIX "validate/n_837p_diagnosis_pointers.x12";
        strbuf p = ack_of(f, X12_ACK_999, 1, NULL, NULL);
        unsigned hi = set_position_of(f, "HI*ABK:H6690", 0);
        unsigned sv1 = set_position_of(f, "SV1*HC:99213*140*UN*1***1:2", 0);
        char want[160];
        snprintf(want, sizeof want,
                 "\nIK3*SV1*%u*2400*8~\nCTX*SITUATIONAL TRIGGER*HI*%u*2300~\nCTX*CLM01:LKKB0000001~"
                 "\nIK4*7:2*1328*I12~",
                 sv1, hi);
        if (!strstr(p.p, want))
            fail_msg("wanted %s in\n%s", want + 1, p.p);
        char why[200];
        if (validate_errors(p.p, p.len, why, sizeof why) != 0)
            fail_msg("999 of %s does not validate: %s", f, why);
        sb_free(&p);
    }
    /* 837d.icd9-before-2015-10-01: the claim's date of service, before the HI that
     * makes the rule apply (decided when the claim ends), and a line's (each=, as it
     * comes): both name that HI's code list qualifier as the trigger */
    {
        const char *f = FIX "validate/n_837d_icd_version.x12";
        strbuf p = ack_of(f, X12_ACK_999, 1, NULL, NULL);
        unsigned dtp1 = set_position_of(f, "DTP*472*D8*20160112", 0);
        unsigned hi1 = set_position_of(f, "HI*BK:5210", 0);
        unsigned dtp2 = set_position_of(f, "DTP*472*D8*20151002", 0);
        unsigned hi2 = set_position_of(f, "HI*BK:5210", dtp2);
        assert_true(dtp1 < hi1 && hi1 < hi2 && hi2 < dtp2);
        char want[2][200];
        snprintf(want[0], sizeof want[0],
                 "\nIK3*DTP*%u*2300*8~\nCTX*SITUATIONAL TRIGGER*HI*%u*2300*1:1~\nCTX*CLM01:DNT1~"
                 "\nIK4*3*1251*I12~",
                 dtp1, hi1);
        snprintf(want[1], sizeof want[1],
                 "\nIK3*DTP*%u*2400*8~\nCTX*SITUATIONAL TRIGGER*HI*%u*2300*1:1~\nCTX*CLM01:DNT2~"
                 "\nIK4*3*1251*I12~",
                 dtp2, hi2);
        for (int k = 0; k < 2; k++)
            if (!strstr(p.p, want[k]))
                fail_msg("wanted %s in\n%s", want[k] + 1, p.p);
        char why[200];
        if (validate_errors(p.p, p.len, why, sizeof why) != 0)
            fail_msg("999 of %s does not validate: %s", f, why);
        sb_free(&p);
    }
    /* a rule whose condition and error are the same segment has no trigger CTX */
    strbuf b = ack_of(FIX "validate/n_837p_rd8_backwards.x12", X12_ACK_999, 1, NULL, NULL);
    assert_null(strstr(b.p, "SITUATIONAL TRIGGER"));
    sb_free(&b);
}

/* Warnings are not errors: separators after the last value (a SNIP 1 warning
 * without 999 codes) leave the set accepted, with no IK3. */
static void test_warnings_accept(void **state)
{
    (void)state;
    strbuf b = ack_of(FIX "validate/n_837p_trailing_separators.x12", X12_ACK_999, 1, NULL, NULL);
    if (!strstr(b.p, "\nIK5*A~") || !strstr(b.p, "\nAK9*A*1*1*1~") || strstr(b.p, "IK3*"))
        fail_msg("999 of a file with warnings only:\n%s", b.p);
    sb_free(&b);
}

/* 005010X231A1 2110 IK401-3: an error in a repetition of a repeating element
 * names the repetition, and IK404 copies that repetition, not the first.  A
 * test guide: the repeating elements of the shipped guides are the 999's own
 * CTX01 (a 999 is not acknowledged) and DMG05 (not used). */
static void test_repetition_position(void **state)
{
    (void)state;
    static const char XML[] =
        "<guide id='TEST-REP' ts='837'><seg id='ST' usage='R'/>"
        "<seg id='ZZ' usage='R' maxuse='9'>"
        "<comp ref='ZZ01' de='C998' name='Pair' usage='R' rep='5'>"
        "<el ref='ZZ01-01' de='1270' name='Kind' usage='R' type='ID' minlen='2' maxlen='2' codes='AB CD'/>"
        "<el ref='ZZ01-02' de='1271' name='Value' usage='S' type='AN' minlen='1' maxlen='8'/></comp>"
        "<el ref='ZZ02' de='352' name='Note' usage='S' type='AN' minlen='1' maxlen='8' rep='3'/>"
        "<el ref='ZZ03' de='353' name='Plain' usage='S' type='ID' minlen='1' maxlen='1' codes='Y N'/>"
        "</seg><seg id='SE' usage='R'/></guide>";
    x12_error err;
    x12_spec *spec = x12_spec_load_memory(XML, strlen(XML), NULL, &err);
    if (!spec)
        fail_msg("spec: %s", err.detail);
    static const char IN[] =
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261128*1200*^*00501*"
        "000000001*0*P*:~GS*HC*SX*RX*20261128*1200*1*X*TEST-REP~ST*837*0001*TEST-REP~"
        "ZZ*AB:1^XY:2^CD:3*N1^N2^TOOLONGNOTE~" /* ZZ01 rep 2: a code; ZZ02 rep 3: too long */
        "ZZ*AB:1*N1*Q~"                        /* ZZ03, which does not repeat: a code */
        "SE*4*0001~GE*1*1~IEA*1*000000001~";
    char path[] = "/tmp/x12kit-ackrep-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(write_file(path, IN, sizeof IN - 1), 0);
    x12_writer_options wo;
    x12_writer_options_init(&wo);
    wo.line_break = "\n";
    x12_ack_options o;
    fixed_options(&o, X12_ACK_999, 1, &wo);
    o.copy_bad_data = 1;
    strbuf b = {0};
    sb_add(&b, "", 0);
    x12_ack_summary sum;
    x12_status st = x12_ack_file(path, NULL, &spec, 1, &o, sink, &b, &sum, &err);
    unlink(path);
    x12_spec_free(spec);
    if (st != X12_OK)
        fail_msg("ack: %s (%s)", err.msg, err.detail);
    const char *want = "\nIK3*ZZ*2**8~\nIK4*1:1:2*1270*7*XY~\nIK4*2::3*352*5*TOOLONGNOTE~"
                       "\nIK3*ZZ*3**8~\nIK4*3*353*7*Q~\n";
    if (!strstr(b.p, want))
        fail_msg("999:\n%s\nwanted\n%s", b.p, want);
    char first[200] = "";
    if (validate_errors(b.p, b.len, first, sizeof first) != 0)
        fail_msg("the 999 does not validate: %s\n%s", first, b.p);
    sb_free(&b);
}

/* The envelope's elements (walk.c check_envelope, specs/control.00501.xml):
 * an ISA element answered in the TA1 by its TA105 note, a GS element by
 * rejecting the group (AK9 R), and a group whose GS01 no 999 can echo (AK101)
 * left out of the 999 and counted. */
static strbuf ack_changed(const char *from, const char *to, unsigned what, x12_ack_summary *sum)
{
    size_t n;
    char *x = read_file(FIX "ack/y_accepted.x12", &n);
    assert_non_null(x);
    char *at = strstr(x, from);
    if (!at)
        fail_msg("no %s in the fixture", from);
    size_t fl = strlen(from), tl = strlen(to);
    char *y = malloc(n + tl + 1);
    assert_non_null(y);
    memcpy(y, x, (size_t)(at - x));
    memcpy(y + (at - x), to, tl);
    memcpy(y + (at - x) + tl, at + fl, n - (size_t)(at - x) - fl);
    size_t yl = n - fl + tl;
    char path[] = "/tmp/x12kit-ack-env-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(write_file(path, y, yl), 0);
    strbuf b = ack_of(path, what, 1, sum, NULL);
    unlink(path);
    free(x);
    free(y);
    return b;
}

static void test_envelope_elements(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *ta1;
    } ISA[] = {
        {"*250307*1419*", "*250230*1419*", "TA1*100055433*250230*1419*R*014~"}, /* ISA09 */
        {"*250307*1419*", "*250307*2519*", "TA1*100055433*250307*2519*R*015~"}, /* ISA10 */
        {"ISA*00*", "ISA*07*", "*R*010~"},                                      /* ISA01 */
        {"*ZZ*CLEARHOUSE01", "*QQ*CLEARHOUSE01", "*R*005~"},                    /* ISA05 */
        {"*0*P*:~", "*5*P*:~", "*R*019~"},                                      /* ISA14 */
        {"*0*P*:~", "*0*X*:~", "*R*020~"},                                      /* ISA15 */
        /* another version: the reader's checks alone, and they pass */
        {"*00501*", "*00401*", "TA1*100055433*250307*1419*A*000~"},
    };
    for (size_t i = 0; i < sizeof ISA / sizeof ISA[0]; i++) {
        x12_ack_summary sum;
        strbuf b = ack_changed(ISA[i].from, ISA[i].to, X12_ACK_TA1, &sum);
        if (!strstr(b.p, ISA[i].ta1))
            fail_msg("%s -> %s: wanted %s in\n%s", ISA[i].from, ISA[i].to, ISA[i].ta1, b.p);
        sb_free(&b);
    }
    /* GS04 not a real date, GS05 not a real time: the group is rejected */
    x12_ack_summary sum;
    strbuf b = ack_changed("*20250307*1419*1*X*", "*20250230*2599*1*X*", X12_ACK_999 | X12_ACK_TA1,
                           &sum);
    if (!strstr(b.p, "\nAK9*R*1*1*0~") || !strstr(b.p, "*A*000~"))
        fail_msg("GS04/GS05:\n%s", b.p);
    char why[200];
    assert_int_equal(validate_errors(b.p, b.len, why, sizeof why), 0);
    assert_int_equal(sum.worst, 'R');
    sb_free(&b);
    /* GS01 ZZ: no 999 can answer it */
    b = ack_changed("GS*HC*", "GS*ZZ*", X12_ACK_999, &sum);
    if (strstr(b.p, "AK1*"))
        fail_msg("GS01 ZZ answered:\n%s", b.p);
    assert_int_equal(sum.groups_unanswered, 1);
    assert_int_equal(sum.groups, 0);
    assert_int_equal(sum.worst, 'R');
    sb_free(&b);
    /* an 837 in a group of 835s (GS01 HP): the set is rejected, IK502 6 */
    b = ack_changed("GS*HC*", "GS*HP*", X12_ACK_999, &sum);
    if (!strstr(b.p, "\nIK5*R*6~"))
        fail_msg("837 in an HP group:\n%s", b.p);
    assert_int_equal(validate_errors(b.p, b.len, why, sizeof why), 0);
    sb_free(&b);
    /* FA groups are not acknowledged either, but are not counted so */
    b = ack_changed("GS*HC*", "GS*FA*", X12_ACK_999, &sum);
    assert_int_equal(sum.groups_unanswered, 0);
    sb_free(&b);
}

/* What the acknowledgement echoes of the file it answers (ISA06/08, GS02/03)
 * is made writable in its own character set: with the basic set (A-Z, 0-9,
 * space and ! " & ' ( ) * + , - . / : ; ? =) lower case is raised and any
 * other byte becomes '?'; with the extended set (the default) they go out
 * as they came. */
static strbuf ack_in_charset(const char *data, size_t n, x12_charset cs)
{
    char path[] = "/tmp/x12kit-ack-cs-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(write_file(path, data, n), 0);
    strbuf b = ack_in(path, X12_ACK_999, 1, NULL, NULL, cs);
    unlink(path);
    return b;
}

static void test_echo_charset(void **state)
{
    (void)state;
    size_t n;
    char *x = read_file(FIX "ack/y_accepted.x12", &n);
    assert_non_null(x);
    /* the same widths: ISA06 stays 15 bytes, GS02 10 */
    char *isa06 = strstr(x, "*ZZ*CLEARHOUSE01   *");
    char *gs02 = strstr(x, "GS*HC*ETIN715317*");
    assert_non_null(isa06);
    assert_non_null(gs02);
    memcpy(isa06 + 4, "clear{house}01 ", 15);
    memcpy(gs02 + 6, "etin%15317", 10);
    strbuf basic = ack_in_charset(x, n, X12_CHARSET_BASIC);
    if (!strstr(basic.p, "*ZZ*CLEAR?HOUSE?01 *") || !strstr(basic.p, "GS*FA*PGW00001*ETIN?15317*"))
        fail_msg("basic:\n%s", basic.p);
    char why[200];
    if (validate_errors(basic.p, basic.len, why, sizeof why) != 0)
        fail_msg("the 999 does not validate: %s\n%s", why, basic.p);
    strbuf ext = ack_in_charset(x, n, X12_CHARSET_EXTENDED);
    if (!strstr(ext.p, "*ZZ*clear{house}01 *") || !strstr(ext.p, "GS*FA*PGW00001*etin%15317*"))
        fail_msg("extended:\n%s", ext.p);
    sb_free(&basic);
    sb_free(&ext);
    free(x);
}

/* --- the policy, asserted from hand-written expectations ------------------------ */

static void test_policy(void **state)
{
    (void)state;
    x12_ack_summary s;
    strbuf b = ack_of(FIX "ack/p_partially_accepted.x12", X12_ACK_999, 5, &s, NULL);
    assert_non_null(strstr(b.p, "AK9*P*2*2*1~"));
    assert_non_null(strstr(b.p, "AK2*837*0002*005010X222A1~\nIK3*CLM*35*2300*8~\nCTX*CLM01:"));
    assert_non_null(strstr(b.p, "IK4*5:2*1332*7~\nIK5*R*I5~"));
    assert_int_equal(s.groups_partial, 1);
    assert_int_equal(s.sets_accepted, 1);
    assert_int_equal(s.sets_rejected, 1);
    assert_int_equal(s.worst, 'R');
    /* the envelope answers the sender: ids swapped, 999 guide, control 5 */
    assert_non_null(strstr(b.p, "*ZZ*PAYERGATEWAY   *ZZ*CLEARHOUSE01   *260101*1200*^*00501*000000005*"));
    assert_non_null(strstr(b.p, "GS*FA*PGW00001*ETIN715317*20260101*1200*5*X*005010X231A1~"));
    sb_free(&b);

    /* SNIP 3 only: accepted with errors; with --reject-snip 3 rejected */
    b = ack_of(FIX "ack/e_accepted_with_errors.x12", X12_ACK_999, 1, &s, NULL);
    assert_non_null(strstr(b.p, "IK5*E*I5~\nAK9*E*1*1*1~"));
    assert_int_equal(s.worst, 'E');
    sb_free(&b);
    x12_ack_options o;
    fixed_options(&o, X12_ACK_999, 1, NULL);
    o.reject_snip = 3;
    b = (strbuf){0};
    sb_add(&b, "", 0);
    assert_int_equal(x12_ack_file(FIX "ack/e_accepted_with_errors.x12", &LENIENT, NULL, 0, &o, sink,
                                  &b, &s, NULL),
                     X12_OK);
    assert_non_null(strstr(b.p, "IK5*R*I5~AK9*R*1*1*0~"));
    sb_free(&b);

    /* envelope problems of a set, a group, an interchange */
    b = ack_of(FIX "x12/n_se01_count.x12", X12_ACK_999, 1, &s, NULL);
    assert_non_null(strstr(b.p, "IK5*R*4*I5~"));
    sb_free(&b);
    b = ack_of(FIX "x12/n_dup_st02.x12", X12_ACK_999, 1, &s, NULL);
    assert_non_null(strstr(b.p, "IK5*R*23*I5~"));
    sb_free(&b);
    b = ack_of(FIX "x12/n_ge01_count.x12", X12_ACK_999, 1, &s, NULL);
    assert_non_null(strstr(b.p, "AK9*R*3*1*0*5~"));
    sb_free(&b);
    b = ack_of(FIX "x12/n_missing_ge.x12", X12_ACK_999, 1, &s, NULL);
    assert_non_null(strstr(b.p, "AK9*R*1*1*0*3~"));
    sb_free(&b);
    b = ack_of(FIX "x12/n_iea01_count.x12", X12_ACK_TA1, 1, &s, NULL);
    assert_non_null(strstr(b.p, "*E*021~"));
    assert_int_equal(s.ta1_with_errors, 1);
    sb_free(&b);
    b = ack_of(FIX "x12/n_dup_isa13.x12", X12_ACK_TA1, 1, &s, NULL);
    assert_non_null(strstr(b.p, "*A*000~"));
    assert_non_null(strstr(b.p, "*R*025~"));
    sb_free(&b);
    b = ack_of(FIX "x12/n_missing_iea.x12", X12_ACK_TA1, 1, &s, NULL);
    assert_non_null(strstr(b.p, "*R*023~"));
    sb_free(&b);
    /* control numbers and counts that are not numbers: ST02 missing (IK502 7),
     * GS06 not digits (AK905 6), GE01 not digits (AK905 5) */
    static const struct {
        const char *from, *to, *want;
    } bad[] = {
        {"ST*837*0001*", "ST*837**", "IK5*R*7*3*I5~"},
        {"*1419*1*X*005010X222A1~", "*1419*A1*X*005010X222A1~", "AK9*R*1*1*0*6*4~"},
        {"GE*1*1~", "GE*X*1~", "AK9*R*1*1*0*5~"},
    };
    size_t flen;
    char *orig = read_file(FIX "ack/y_accepted.x12", &flen);
    assert_non_null(orig);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *t = replace_text(orig, bad[i].from, bad[i].to, 1);
        assert_non_null(t);
        char path[64];
        snprintf(path, sizeof path, "/tmp/x12ack-bad-%d.x12", (int)getpid());
        assert_int_equal(write_file(path, t, strlen(t)), 0);
        b = ack_of(path, X12_ACK_999, 1, &s, NULL);
        if (!strstr(b.p, bad[i].want))
            fail_msg("case %zu: no %s in\n%s", i, bad[i].want, b.p);
        assert_int_equal(s.worst, 'R');
        unlink(path);
        sb_free(&b);
        free(t);
    }
    free(orig);
    /* both: the 999 interchange first, then the TA1 one, each its own number */
    b = ack_of(FIX "ack/y_accepted.x12", X12_ACK_999 | X12_ACK_TA1, 7, &s, NULL);
    char *ta1 = strstr(b.p, "TA1*");
    assert_non_null(ta1);
    assert_true(strstr(b.p, "AK9*A*1*1*1~") < ta1);
    assert_non_null(strstr(b.p, "IEA*1*000000007~"));
    assert_non_null(strstr(b.p, "IEA*0*000000008~"));
    assert_int_equal(s.interchanges_written, 2);
    assert_int_equal(s.worst, 'A');
    sb_free(&b);
}

static void test_ta105_table(void **state)
{
    (void)state;
    assert_string_equal(x12_ack_ta105_for(X12_ERR_IEA_CONTROL, 0), "001");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_IEA_COUNT, 1), "021");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_MISSING_IEA, 0), "023");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_UNTERMINATED, 0), "023");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ISA_SHORT, 0), "023");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_DUP_ISA13, 13), "025");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ISA_SEPARATOR, 3), "026");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ISA_DELIMITERS, 16), "027");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ISA_DELIMITERS, 11), "026");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ISA_FIELD, 13), "018");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ISA_FIELD, 9), "014");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ISA_FIELD, 10), "015");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ISA_FIELD, 15), "020");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_UNEXPECTED_SEGMENT, 0), "022");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_GARBAGE, 0), "024");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_BAD_COUNT, 1), "021");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_ELEMENT_CODE, 1), "");
    assert_string_equal(x12_ack_ta105_for(X12_ERR_SE_COUNT, 1), "");
}

/* --- control numbers from the counter ------------------------------------------- */

static void test_control_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/x12ack.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char ctl[300];
    snprintf(ctl, sizeof ctl, "%s/counter", dir);
    x12_ack_options o;
    fixed_options(&o, X12_ACK_999 | X12_ACK_TA1, 0, NULL);
    o.control_file = ctl;
    for (int run = 0; run < 2; run++) {
        strbuf b = {0};
        sb_add(&b, "", 0);
        assert_int_equal(x12_ack_file(FIX "ack/y_accepted.x12", &LENIENT, NULL, 0, &o, sink, &b, NULL,
                                      NULL),
                         X12_OK);
        /* run 1 takes 1 (999) and 2 (TA1); run 2 takes 3 and 4 */
        char want[40];
        snprintf(want, sizeof want, "IEA*1*%09d~", 1 + 2 * run);
        assert_non_null(strstr(b.p, want));
        snprintf(want, sizeof want, "IEA*0*%09d~", 2 + 2 * run);
        assert_non_null(strstr(b.p, want));
        sb_free(&b);
    }
    /* a corrupt counter stops the acknowledgement with its own code */
    assert_int_equal(write_file(ctl, "garbage\n", 8), 0);
    strbuf b = {0};
    sb_add(&b, "", 0);
    x12_error err;
    assert_int_equal(x12_ack_file(FIX "ack/y_accepted.x12", &LENIENT, NULL, 0, &o, sink, &b, NULL, &err),
                     X12_ERR_CONTROL_CORRUPT);
    assert_int_equal(err.code, X12_ERR_CONTROL_CORRUPT);
    sb_free(&b);
    assert_int_equal(remove_tree(dir), 0);
}

/* X12_ERR_CONTROL_LOCK: a wait that would never end.  The child holds the
 * counter's lock and waits for one the parent holds; the parent's reservation
 * would close the cycle (a deadlock), and gives up after its wait (the lock is
 * taken by polling, so the kernel's deadlock check no longer comes into it). */
static void test_control_lock(void **state)
{
    (void)state;
    char dir[] = "/tmp/x12lock.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char ctl[300], lk[310], other[300];
    snprintf(ctl, sizeof ctl, "%s/counter", dir);
    snprintf(lk, sizeof lk, "%s.lock", ctl);
    snprintf(other, sizeof other, "%s/other", dir);
    int ofd = open(other, O_RDWR | O_CREAT, 0644);
    assert_true(ofd >= 0);
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    assert_int_equal(fcntl(ofd, F_SETLKW, &fl), 0);
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(lk, O_RDWR | O_CREAT, 0644);
        struct flock c;
        memset(&c, 0, sizeof c);
        c.l_type = F_WRLCK;
        c.l_whence = SEEK_SET;
        if (fd < 0 || fcntl(fd, F_SETLKW, &c) != 0)
            _exit(3);
        if (write(pipefd[1], "x", 1) != 1)
            _exit(4);
        int ofd2 = open(other, O_RDWR);
        /* blocks until the parent lets go of `other` */
        if (ofd2 < 0 || fcntl(ofd2, F_SETLKW, &c) != 0)
            _exit(5);
        _exit(0);
    }
    char ch;
    assert_int_equal(read(pipefd[0], &ch, 1), 1);
    struct timespec ts = {0, 200000000};
    nanosleep(&ts, NULL); /* let the child block on `other` */
    uint32_t first;
    x12_error err;
    x12_status st = x12_control_reserve_wait(ctl, 1, &first, 300, &err);
    close(ofd); /* releases `other`: the child finishes */
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(st, X12_ERR_CONTROL_LOCK);
    assert_non_null(strstr(err.detail, "held too long by another process"));
    assert_non_null(strstr(err.detail, "counter.lock"));
    close(pipefd[0]);
    close(pipefd[1]);
    assert_int_equal(remove_tree(dir), 0);
}

/* --- errors ------------------------------------------------------------------------ */

static void test_errors(void **state)
{
    (void)state;
    /* no ISA to answer */
    x12_ack_options o;
    fixed_options(&o, X12_ACK_TA1, 1, NULL);
    strbuf b = {0};
    sb_add(&b, "", 0);
    x12_error err;
    assert_int_equal(x12_ack_file(FIX "x12/n_isa_separator.x12", NULL, NULL, 0, &o, sink, &b, NULL,
                                  &err),
                     X12_ERR_ACK_NO_ISA);
    assert_int_equal(err.code, X12_ERR_ACK_NO_ISA);
    assert_int_equal(b.len, 0);
    /* nor can a 999: said as well, where the reader found it and what it
     * found (before, a 999 alone ended X12_OK without a word) */
    fixed_options(&o, X12_ACK_999, 1, NULL);
    x12_ack_summary sum;
    assert_int_equal(x12_ack_file(FIX "x12/n_isa_separator.x12", NULL, NULL, 0, &o, sink, &b, &sum,
                                  &err),
                     X12_ERR_ACK_NO_ISA);
    assert_int_equal(err.code, X12_ERR_ACK_NO_ISA);
    assert_int_equal(err.element_pos, 6);
    assert_int_equal(err.byte_offset, 0);
    assert_non_null(strstr(err.detail, "byte 50 of the ISA should be the element separator"));
    assert_int_equal(b.len, 0);
    assert_int_equal(sum.interchanges_written, 0);
    /* a good interchange, then one whose header is broken: the first is
     * answered, the second named at its byte */
    size_t n1, n2;
    char *good = read_file(FIX "ack/y_accepted.x12", &n1);
    char *broken = read_file(FIX "x12/n_isa_separator.x12", &n2);
    assert_non_null(good);
    assert_non_null(broken);
    strbuf both = {0};
    sb_add(&both, good, n1);
    sb_add(&both, broken, n2);
    char path[] = "/tmp/x12kit-ack-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(write_file(path, both.p, both.len), 0);
    assert_int_equal(x12_ack_file(path, &LENIENT, NULL, 0, &o, sink, &b, &sum, &err),
                     X12_ERR_ACK_NO_ISA);
    unlink(path);
    assert_int_equal(err.byte_offset, n1);
    assert_int_equal(sum.interchanges_written, 1);
    assert_non_null(strstr(b.p, "AK9*A*1*1*1~"));
    free(good);
    free(broken);
    sb_free(&both);
    sb_free(&b);
    sb_add(&b, "", 0);
    /* output failure */
    fixed_options(&o, X12_ACK_999, 1, NULL);
    assert_int_equal(x12_ack_file(FIX "ack/y_accepted.x12", &LENIENT, NULL, 0, &o, failing_sink, NULL,
                                  NULL, &err),
                     X12_ERR_IO);
    /* a missing input */
    assert_int_equal(x12_ack_file(FIX "ack/no-such-file.x12", &LENIENT, NULL, 0, &o, sink, &b, NULL,
                                  &err),
                     X12_ERR_IO);
    sb_free(&b);
    /* bad options */
    o.date = "2026";
    assert_null(x12_ack_new(&o, sink, &b, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    /* eight and four digits that are no day or time: refused as early */
    o.date = "20261399";
    assert_null(x12_ack_new(&o, sink, &b, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    o.date = "20261128";
    o.time = "2561";
    assert_null(x12_ack_new(&o, sink, &b, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    assert_string_equal(x12_status_name(X12_ERR_ACK_NO_ISA), "X12_ERR_ACK_NO_ISA");
    assert_string_equal(x12_status_name(X12_ERR_ACK_NOT_ACK), "X12_ERR_ACK_NOT_ACK");
    assert_string_equal(x12_status_name(X12_ERR_SPLIT_OUTPUT), "X12_ERR_SPLIT_OUTPUT");
    x12_ack_free(NULL);
}

static void test_alloc_failure_builder(void **state)
{
    (void)state;
    int succeeded = 0;
    for (long n = 1; n < 200 && !succeeded; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        x12_ack_options o;
        fixed_options(&o, X12_ACK_999 | X12_ACK_TA1, 1, NULL);
        o.alloc = &fa.a;
        strbuf b = {0};
        sb_add(&b, "", 0);
        x12_error err;
        x12_status st = x12_ack_file(FIX "ack/p_partially_accepted.x12", &LENIENT, NULL, 0, &o, sink,
                                     &b, NULL, &err);
        if (st == X12_OK)
            succeeded = 1;
        else
            assert_int_equal(st, X12_ERR_NOMEM);
        assert_int_equal(fa.live, 0);
        sb_free(&b);
    }
    assert_true(succeeded);
}

/* --- reading back ----------------------------------------------------------------- */

typedef struct rec_log {
    strbuf b;
    int stop_at;
    int n;
    char last_ack_segment[4]; /* x12_ack_record.ack_segment of the last record */
} rec_log;

static int log_record(void *ctx, const x12_ack_record *r)
{
    rec_log *l = ctx;
    l->n++;
    memcpy(l->last_ack_segment, r->ack_segment, sizeof l->last_ack_segment);
    switch (r->kind) {
    case X12_ACK_REC_TA1:
        sb_printf(&l->b, "TA1 %s %s %s %s %s\n", r->control, r->date, r->time, r->code, r->codes[0]);
        break;
    case X12_ACK_REC_GROUP:
        sb_printf(&l->b, "GROUP %s %s %s\n", r->functional_id, r->control, r->version);
        break;
    case X12_ACK_REC_SET:
        sb_printf(&l->b, "SET %s %s %s\n", r->set_id, r->control, r->version);
        break;
    case X12_ACK_REC_SEGMENT:
        sb_printf(&l->b, "SEG %s %u %s %s\n", r->segment_id, (unsigned)r->position, r->loop_id,
                  r->code);
        break;
    case X12_ACK_REC_CONTEXT:
        sb_printf(&l->b, "CTX %s %s", r->context_name, r->context_value);
        if (r->segment_id[0])
            sb_printf(&l->b, " %s %u %s %u.%u.%u %s", r->segment_id, (unsigned)r->position,
                      r->loop_id, (unsigned)r->element, (unsigned)r->component,
                      (unsigned)r->repetition, r->de);
        sb_printf(&l->b, "\n");
        break;
    case X12_ACK_REC_ELEMENT:
        sb_printf(&l->b, "EL %u.%u.%u %s %s [%s]\n", (unsigned)r->element, (unsigned)r->component,
                  (unsigned)r->repetition, r->de, r->code, r->bad_data);
        break;
    case X12_ACK_REC_SET_END:
        sb_printf(&l->b, "SETEND %s %d %s\n", r->code, r->ncodes, r->ncodes ? r->codes[0] : "");
        break;
    case X12_ACK_REC_GROUP_END:
        sb_printf(&l->b, "GROUPEND %s %u %u %u %d\n", r->code, (unsigned)r->included,
                  (unsigned)r->received, (unsigned)r->accepted, r->ncodes);
        break;
    }
    return l->stop_at && l->n == l->stop_at;
}

static int feed_ack(void *ctx, const x12_segment *seg)
{
    return x12_ack_reader_segment(ctx, seg) != X12_OK;
}

static void test_read_back(void **state)
{
    (void)state;
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_LENIENT;
    rec_log l;
    memset(&l, 0, sizeof l);
    sb_add(&l.b, "", 0);
    assert_int_equal(x12_ack_read_file(FIX "ack/p_partially_accepted.999", &ro, log_record, NULL, &l),
                     X12_OK);
    assert_string_equal(l.b.p, "GROUP HC 1 005010X222A1\n"
                               "SET 837 0001 005010X222A1\n"
                               "SETEND A 0 \n"
                               "SET 837 0002 005010X222A1\n"
                               "SEG CLM 35 2300 8\n"
                               "CTX CLM01 LKKB0000002\n"
                               "EL 5.2.0 1332 7 []\n"
                               "SETEND R 1 I5\n"
                               "GROUPEND P 2 2 1 0\n");
    sb_free(&l.b);
    memset(&l, 0, sizeof l);
    sb_add(&l.b, "", 0);
    assert_int_equal(x12_ack_read_file(FIX "ack/t_ta1_bad_isa.ta1", &ro, log_record, NULL, &l), X12_OK);
    assert_string_equal(l.b.p, "TA1 10005543A 250307 1419 R 018\n");
    sb_free(&l.b);
    /* cut inside an IK3 ("IK3*CL" of "IK3*CLM*35"): no record of a segment
     * CL (there was one), the records before it as read */
    {
        size_t n;
        char *d = read_file(FIX "ack/r_rejected.999", &n);
        assert_non_null(d);
        size_t at = (size_t)(strstr(d, "IK3*CLM*") - d) + 6;
        char path[] = "/tmp/x12kit-ik3-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(write_file(path, d, at), 0);
        free(d);
        memset(&l, 0, sizeof l);
        sb_add(&l.b, "", 0);
        assert_int_equal(x12_ack_read_file(path, &ro, log_record, NULL, &l), X12_OK);
        unlink(path);
        assert_string_equal(l.b.p, "GROUP HC 1 005010X222A1\n"
                                   "SET 837 0001 005010X222A1\n");
        sb_free(&l.b);
    }
    /* a file with no acknowledgement in it */
    memset(&l, 0, sizeof l);
    sb_add(&l.b, "", 0);
    assert_int_equal(x12_ack_read_file(FIX "ack/y_accepted.x12", &ro, log_record, NULL, &l),
                     X12_ERR_ACK_NOT_ACK);
    assert_int_equal(l.n, 0);
    /* a callback that stops */
    l.stop_at = 2;
    assert_int_equal(x12_ack_read_file(FIX "ack/p_partially_accepted.999", &ro, log_record, NULL, &l),
                     X12_ERR_STOPPED);
    assert_int_equal(l.n, 2);
    sb_free(&l.b);
    /* IK401-3, IK404 and CTX read back (CTX05-3 and CTX06 too: they were
     * dropped without a word before), fed segment by segment */
    static const char in[] = "ISA*00*          *00*          *ZZ*A              *ZZ*B              "
                             "*260101*1200*^*00501*000000001*0*P*:~GS*FA*B*A*20260101*1200*1*X*"
                             "005010X231A1~ST*999*0001*005010X231A1~AK1*HC*7*005010X222A1~"
                             "AK2*837*0003~IK3*NM1*9*2010*8~CTX*SITUATIONAL TRIGGER*CLM*5**5:3:2*1332~"
                             "IK4*2:1:3*1332*7*QQ~IK5*R*I5*5~AK9*R*1*1*0*5~SE*9*0001~GE*1*1~"
                             "IEA*1*000000001~";
    memset(&l, 0, sizeof l);
    sb_add(&l.b, "", 0);
    x12_ack_reader *r = x12_ack_reader_new(NULL, log_record, &l);
    assert_non_null(r);
    x12_reader_callbacks cb = {feed_ack, NULL};
    x12_reader *rd = x12_reader_new(NULL, &cb, r);
    assert_non_null(rd);
    assert_int_equal(x12_reader_feed(rd, in, sizeof in - 1), X12_OK);
    assert_int_equal(x12_reader_finish(rd), X12_OK);
    x12_reader_free(rd);
    assert_int_equal(x12_ack_reader_count(r), 7);
    x12_ack_reader_free(r);
    assert_string_equal(l.b.p, "GROUP HC 7 005010X222A1\n"
                               "SET 837 0003 \n"
                               "SEG NM1 9 2010 8\n"
                               "CTX SITUATIONAL TRIGGER  CLM 5  5.3.2 1332\n"
                               "EL 2.1.3 1332 7 [QQ]\n"
                               "SETEND R 2 I5\n"
                               "GROUPEND R 1 1 0 1\n");
    sb_free(&l.b);
}

/* Findings of the ack reader, one line each: "segment-index id el.comp.rep code". */
static void log_finding(void *ctx, const x12_finding *f)
{
    rec_log *l = ctx;
    sb_printf(&l->b, "! %u %s %u.%u.%u %s%s%s\n", (unsigned)f->err.segment_index, f->err.segment_id,
              (unsigned)f->err.element_pos, (unsigned)f->err.component_pos,
              (unsigned)f->repetition_pos, x12_status_name(f->err.code),
              f->err.detail[0] ? " " : "", f->err.detail);
}

/* Reads `in` through an ack reader whose records and findings go to one log. */
static char *ack_log(const char *in)
{
    rec_log l;
    memset(&l, 0, sizeof l);
    sb_add(&l.b, "", 0);
    x12_ack_reader *r = x12_ack_reader_new(NULL, log_record, &l);
    assert_non_null(r);
    x12_ack_reader_on_finding(r, log_finding, &l);
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {feed_ack, NULL};
    x12_reader *rd = x12_reader_new(&ro, &cb, r);
    assert_non_null(rd);
    assert_int_equal(x12_reader_feed(rd, in, strlen(in)), X12_OK);
    x12_reader_finish(rd);
    x12_reader_free(rd);
    x12_ack_reader_free(r);
    return l.b.p;
}

#define ISA_HEAD                                                                             \
    "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*00501*" \
    "000000001*0*P*:~"

/* What the records cannot hold is said, never dropped unsaid: elements and
 * components past those read, CTX01's second repetition, positions that are
 * no number or too large for their field, a value too long, a segment no
 * acknowledgement has, and a set that is no acknowledgement (its ST, once). */
static void test_reader_says_what_it_drops(void **state)
{
    (void)state;
    char *log = ack_log(ISA_HEAD "TA1*000000001*260101*1200*A*000*X~"
                        "GS*FA*B*A*20260101*1200*1*X*005010X231A1~ST*999*0001*005010X231A1~"
                        "AK1*HC*7*005010X222A1*Y~AK2*837*0003**Z~"
                        "IK3*NM1*9X*2010*8*W~"
                        "CTX*CLM01:A1:Q^CLM01:B2*CLM*70000*2010*5:3:2:9*1332:66~"
                        "IK4*99999:1*1332*7*QQ*V~IK4*A~NM1*XX~"
                        "IK5*R*I5*5****6~AK9*R*1*1*0*5*****U~SE*12*0001~"
                        "ST*837*0002~CLM*1*2~SE*3*0002~GE*2*1~IEA*1*000000001~");
    assert_string_equal(log,
                        "! 2 TA1 6.0.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "TA1 000000001 260101 1200 A 000\n"
                        "! 5 AK1 4.0.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "GROUP HC 7 005010X222A1\n"
                        "! 6 AK2 4.0.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "SET 837 0003 \n"
                        "! 7 IK3 2.0.0 X12_ERR_CLAIM_VALUE not a number\n"
                        "! 7 IK3 5.0.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "SEG NM1 0 2010 8\n"
                        "! 8 CTX 1.3.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "! 8 CTX 1.0.2 X12_ERR_CLAIM_NOT_CARRIED the record has the first repetition\n"
                        "! 8 CTX 5.4.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "! 8 CTX 6.2.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "CTX CLM01 A1 CLM 70000 2010 5.3.2 1332\n"
                        "! 9 IK4 1.1.0 X12_ERR_CLAIM_VALUE larger than 65535\n"
                        "! 9 IK4 5.0.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "EL 0.1.0 1332 7 [QQ]\n"
                        "! 10 IK4 1.1.0 X12_ERR_CLAIM_VALUE not a number\n"
                        "EL 0.0.0   []\n"
                        "! 11 NM1 0.0.0 X12_ERR_CLAIM_NOT_CARRIED not a segment of a 999, 997 or TA1\n"
                        "! 12 IK5 7.0.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "SETEND R 2 I5\n"
                        "! 13 AK9 10.0.0 X12_ERR_CLAIM_NOT_CARRIED\n"
                        "GROUPEND R 1 1 0 1\n"
                        "! 15 ST 0.0.0 X12_ERR_CLAIM_NOT_CARRIED a transaction set that is no "
                        "acknowledgement: not read\n");
    free(log);
    /* a value longer than a record's field: cut, and said */
    char in[1024];
    char big[301];
    memset(big, 'B', 300);
    big[300] = '\0';
    snprintf(in, sizeof in,
             ISA_HEAD "GS*FA*B*A*20260101*1200*1*X*005010X231A1~ST*999*0001*005010X231A1~"
                      "AK1*HC*7~AK2*837*0003~IK3*NM1*9*2010*8~IK4*3*66*6*%s~IK5*R*I5~AK9*R*1*1*0~"
                      "SE*8*0001~GE*1*1~IEA*1*000000001~",
             big);
    log = ack_log(in);
    assert_non_null(strstr(log, "! 7 IK4 4.0.0 X12_ERR_CLAIM_VALUE 300 bytes, the record holds 127 of "
                                "them\nEL 3.0.0 66 6 [BBBB"));
    free(log);
}

/* A 997 (005010X230) answers as a 999 does: AK3, AK4 and AK5 are read as IK3,
 * IK4 and IK5 (they were passed over without a word: a rejected set read as
 * nothing), with the 997's names and codes. */
static void test_read_997(void **state)
{
    (void)state;
    rec_log l;
    memset(&l, 0, sizeof l);
    sb_add(&l.b, "", 0);
    x12_ack_read_callbacks cb = {log_record, NULL, log_finding};
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_LENIENT;
    char path[] = "/tmp/x12kit-997-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static const char in[] = ISA_HEAD "GS*FA*B*A*20260101*1200*1*X*005010X230~ST*997*0001~"
                                      "AK1*HC*17456*005010~AK2*837*0002~AK3*CLM*22**8~AK4*1*1028*1~"
                                      "AK5*R*5~AK9*P*2*2*1~SE*8*0001~GE*1*1~IEA*1*000000001~";
    assert_int_equal(write_file(path, in, sizeof in - 1), 0);
    assert_int_equal(x12_ack_read(path, &ro, &cb, &l), X12_OK);
    unlink(path);
    assert_string_equal(l.b.p, "GROUP HC 17456 005010\n"
                               "SET 837 0002 \n"
                               "SEG CLM 22  8\n"
                               "EL 1.0.0 1028 1 []\n"
                               "SETEND R 1 5\n"
                               "GROUPEND P 2 2 1 0\n");
    assert_string_equal(l.last_ack_segment, "AK9");
    sb_free(&l.b);
    assert_string_equal(x12_ack_code_text("AK304", "8"), "segment has data element errors");
    assert_string_equal(x12_ack_code_text("AK403", "1"), "required data element missing");
    assert_string_equal(x12_ack_code_text("AK403", "I12"), "unknown code");
    assert_string_equal(x12_ack_code_text("AK501", "R"), "rejected");
    assert_string_equal(x12_ack_code_text("AK501", "P"), "unknown code");
    assert_string_equal(x12_ack_code_text("AK502", "5"), "one or more segments in error");
    assert_string_equal(x12_ack_code_text("AK502", "I5"), "unknown code");
}

static void test_code_texts(void **state)
{
    (void)state;
    assert_string_equal(x12_ack_code_text("IK403", "7"), "invalid code value");
    assert_string_equal(x12_ack_code_text("IK403", "I12"), "implementation pattern match failure");
    assert_string_equal(x12_ack_code_text("IK304", "3"), "required segment missing");
    assert_string_equal(x12_ack_code_text("IK501", "E"), "accepted, but errors were noted");
    assert_string_equal(x12_ack_code_text("AK901", "P"),
                        "partially accepted: at least one transaction set was rejected");
    assert_string_equal(x12_ack_code_text("IK501", "P"), "unknown code");
    assert_string_equal(x12_ack_code_text("IK502", "23"),
                        "transaction set control number not unique within the functional group");
    assert_string_equal(x12_ack_code_text("IK504", "4"),
                        "number of included segments does not match actual count");
    assert_string_equal(x12_ack_code_text("IK502", "14"), "unknown code");
    assert_string_equal(x12_ack_code_text("AK905", "5"),
                        "number of included transaction sets does not match actual count");
    assert_string_equal(x12_ack_code_text("AK909", "19"),
                        "functional group control number not unique within interchange");
    assert_string_equal(x12_ack_code_text("TA105", "018"), "invalid interchange control number value");
    assert_string_equal(x12_ack_code_text("TA104", "R"), "rejected");
    assert_string_equal(x12_ack_code_text("XX", "1"), "unknown code");
    assert_string_equal(x12_ack_code_text(NULL, "1"), "unknown code");
}

static void test_alloc_failure_reader(void **state)
{
    (void)state;
    int made = 0;
    for (long n = 1; n < 10 && !made; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        x12_ack_reader *r = x12_ack_reader_new(&fa.a, NULL, NULL);
        if (r) {
            made = 1;
            x12_ack_reader_free(r);
        }
        assert_int_equal(fa.live, 0);
    }
    assert_true(made);
    /* through x12_ack_read_file: the reader's allocator fails */
    int ok = 0;
    for (long n = 1; n < 50 && !ok; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        x12_reader_options ro;
        x12_reader_options_init(&ro);
        ro.flags = X12_READ_LENIENT;
        ro.alloc = &fa.a;
        x12_status st = x12_ack_read_file(FIX "ack/p_partially_accepted.999", &ro, NULL, NULL, NULL);
        if (st == X12_OK)
            ok = 1;
        else
            assert_int_equal(st, X12_ERR_NOMEM);
        assert_int_equal(fa.live, 0);
    }
    assert_true(ok);
}

/* --- split ---------------------------------------------------------------------------- */

typedef struct seglog {
    strbuf sets;   /* every segment inside a set but the SE, one per line */
    int errors;
    int isa, gs, st;
} seglog;

static int sl_segment(void *ctx, const x12_segment *seg)
{
    seglog *l = ctx;
    if (x12_slice_eq(seg->id, "ISA"))
        l->isa++;
    else if (x12_slice_eq(seg->id, "GS"))
        l->gs++;
    else if (x12_slice_eq(seg->id, "ST"))
        l->st++;
    if (seg->set_position && !x12_slice_eq(seg->id, "SE")) {
        sb_add(&l->sets, seg->raw.ptr, seg->raw.len);
        sb_add(&l->sets, "\n", 1);
    }
    return 0;
}

static void sl_error(void *ctx, const x12_error *e)
{
    seglog *l = ctx;
    (void)e;
    l->errors++;
}

static void log_file(const char *path, seglog *l, unsigned flags)
{
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = flags;
    x12_reader_callbacks cb = {sl_segment, sl_error};
    assert_int_equal(x12_read_file(path, &ro, &cb, l), X12_OK);
}

static void count_split_cut(void *ctx, const x12_error *e)
{
    if (e->code == X12_ERR_SPLIT_CUT) {
        assert_string_equal(e->segment_id, "ST");
        assert_non_null(strstr(e->detail, "ST02 "));
        ++*(int *)ctx;
    }
}

static void split_check(const char *input, x12_split_by by, int want_files)
{
    char dir[] = "/tmp/x12split.XXXXXX";
    assert_non_null(mkdtemp(dir));
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_LENIENT;
    x12_split_stats st;
    x12_error err;
    assert_int_equal(x12_split_file(input, &ro, by, dir, NULL, NULL, &st, &err), X12_OK);
    assert_int_equal(st.files, want_files);
    seglog orig, parts;
    memset(&orig, 0, sizeof orig);
    memset(&parts, 0, sizeof parts);
    sb_add(&orig.sets, "", 0);
    sb_add(&parts.sets, "", 0);
    log_file(input, &orig, X12_READ_LENIENT);
    char **files = list_dir(dir);
    assert_non_null(files);
    int n = 0;
    for (char **f = files; *f; f++, n++) {
        seglog one;
        memset(&one, 0, sizeof one);
        sb_add(&one.sets, "", 0);
        log_file(*f, &one, 0); /* strict: each output is clean X12 */
        if (one.errors)
            fail_msg("%s: %d reader errors", *f, one.errors);
        assert_int_equal(one.isa, 1);
        if (by != X12_SPLIT_INTERCHANGE)
            assert_int_equal(one.gs, 1);
        if (by == X12_SPLIT_TRANSACTION)
            assert_int_equal(one.st, 1);
        sb_add(&parts.sets, one.sets.p, one.sets.len);
        parts.st += one.st;
        /* and validates without envelope errors */
        size_t len;
        char *data = read_file(*f, &len);
        assert_non_null(data);
        sb_free(&one.sets);
        free(data);
    }
    assert_int_equal(n, want_files);
    assert_int_equal(parts.st, orig.st);
    assert_int_equal(parts.sets.len, orig.sets.len);
    assert_memory_equal(parts.sets.p, orig.sets.p, orig.sets.len);
    sb_free(&orig.sets);
    sb_free(&parts.sets);
    free_list(files);
    assert_int_equal(remove_tree(dir), 0);
}

static void test_split(void **state)
{
    (void)state;
    split_check(FIX "ack/p_partially_accepted.x12", X12_SPLIT_TRANSACTION, 2);
    split_check(FIX "ack/p_partially_accepted.x12", X12_SPLIT_GROUP, 1);
    split_check(FIX "ack/p_partially_accepted.x12", X12_SPLIT_INTERCHANGE, 1);
    split_check(FIX "x12/y_two_interchanges_own_delimiters.x12", X12_SPLIT_INTERCHANGE, 2);
    split_check(FIX "x12/y_two_interchanges_own_delimiters.x12", X12_SPLIT_GROUP, 2);
    split_check(FIX "corpus/vgi-x12__multi_group.edi", X12_SPLIT_GROUP, 2);
    split_check(FIX "corpus/vgi-x12__multi_group.edi", X12_SPLIT_TRANSACTION, 3);
}

/* Names, rebuilt trailers, bad input split all the same, output errors. */
static void test_split_details(void **state)
{
    (void)state;
    char dir[] = "/tmp/x12split.XXXXXX";
    assert_non_null(mkdtemp(dir));
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_LENIENT;
    x12_split_stats st;
    x12_error err;
    int nerr = 0;
    assert_int_equal(x12_split_file(FIX "x12/n_se01_count.x12", &ro, X12_SPLIT_TRANSACTION, dir,
                                    (void (*)(void *, const x12_error *))NULL, &nerr, &st, &err),
                     X12_OK);
    assert_int_equal(st.files, 1);
    assert_true(st.trailers_fixed >= 1);
    char path[400];
    snprintf(path, sizeof path, "%s/n_se01_count.i0001.g0001.t0001.x12", dir);
    size_t len;
    char *data = read_file(path, &len);
    assert_non_null(data);
    /* SE01 counted anew: the reader finds no error in the output */
    seglog l;
    memset(&l, 0, sizeof l);
    sb_add(&l.sets, "", 0);
    log_file(path, &l, 0);
    assert_int_equal(l.errors, 0);
    sb_free(&l.sets);
    free(data);
    /* a set without SE (its GE came first) is not written: it may lack
     * segments (X12_ERR_SPLIT_CUT) */
    nerr = 0;
    assert_int_equal(x12_split_file(FIX "x12/n_missing_se.x12", &ro, X12_SPLIT_TRANSACTION, dir,
                                    count_split_cut, &nerr, &st, &err),
                     X12_OK);
    assert_int_equal(nerr, 1);
    assert_int_equal(st.files, 0);
    /* a group without GE still gives a complete file */
    assert_int_equal(x12_split_file(FIX "x12/n_missing_ge.x12", &ro, X12_SPLIT_TRANSACTION, dir,
                                    NULL, NULL, &st, &err),
                     X12_OK);
    assert_true(st.files >= 1);
    assert_true(st.trailers_fixed >= 1);
    char **files = list_dir(dir);
    for (char **f = files; *f; f++) {
        memset(&l, 0, sizeof l);
        sb_add(&l.sets, "", 0);
        log_file(*f, &l, 0);
        if (l.errors)
            fail_msg("%s: %d reader errors", *f, l.errors);
        sb_free(&l.sets);
        assert_null(strstr(*f, ".part"));
    }
    free_list(files);
    /* an output folder that does not exist */
    assert_int_equal(x12_split_file(FIX "ack/y_accepted.x12", &ro, X12_SPLIT_GROUP,
                                    "/nonexistent/x12split", NULL, NULL, &st, &err),
                     X12_ERR_SPLIT_OUTPUT);
    assert_int_equal(err.code, X12_ERR_SPLIT_OUTPUT);
    assert_non_null(strstr(err.detail, "/nonexistent/x12split/y_accepted.i0001.g0001.x12"));
    assert_null(x12_split_new(X12_SPLIT_GROUP, NULL, "x", NULL, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    assert_int_equal(remove_tree(dir), 0);
    x12_split_free(NULL);
}

/* Splits the first `cut` bytes of `input`: `files` outputs holding `sets`
 * sets in all, each clean X12 (strict), and the cut set reported. */
static void split_cut(const char *input, size_t cut, x12_split_by by, int files, int sets)
{
    size_t n;
    char *data = read_file(input, &n);
    assert_non_null(data);
    assert_true(cut < n);
    char in[] = "/tmp/x12cut.XXXXXX";
    int fd = mkstemp(in);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(write_file(in, data, cut), 0);
    free(data);
    char dir[] = "/tmp/x12split.XXXXXX";
    assert_non_null(mkdtemp(dir));
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_LENIENT;
    x12_split_stats st;
    x12_error err;
    int nerr = 0;
    assert_int_equal(x12_split_file(in, &ro, by, dir, count_split_cut, &nerr, &st, &err), X12_OK);
    assert_int_equal(nerr, 1);
    assert_int_equal(st.files, files);
    char **list = list_dir(dir);
    int got_files = 0, got_sets = 0;
    for (char **f = list; *f; f++, got_files++) {
        assert_null(strstr(*f, ".part"));
        seglog one;
        memset(&one, 0, sizeof one);
        sb_add(&one.sets, "", 0);
        log_file(*f, &one, 0); /* strict: each output is whole X12 */
        if (one.errors)
            fail_msg("%s: %d reader errors", *f, one.errors);
        got_sets += one.st;
        sb_free(&one.sets);
    }
    free_list(list);
    assert_int_equal(got_files, files);
    assert_int_equal(got_sets, sets);
    assert_int_equal(remove_tree(dir), 0);
    unlink(in);
}

/* A set the input ends inside is left out: with its trailers rebuilt it
 * would pass for whole (before, it was written so).  Its own file is not
 * made; a group or interchange is written without it, or not at all when
 * nothing else is in it. */
static void test_split_cut(void **state)
{
    (void)state;
    const char *in = FIX "corpus/vgi-x12__multi_group.edi";
    size_t n;
    char *data = read_file(in, &n);
    assert_non_null(data);
    /* inside the 835, the only set of the second group */
    size_t in_835 = (size_t)(strstr(data, "ST*835*0001~") - data) + 20;
    /* inside the second set of the first group */
    size_t in_2nd = (size_t)(strstr(data, "ST*837*0002~") - data) + 16;
    size_t in_1st = (size_t)(strstr(data, "ST*837*0001~") - data) + 16;
    free(data);
    split_cut(in, in_835, X12_SPLIT_TRANSACTION, 2, 2);
    split_cut(in, in_835, X12_SPLIT_GROUP, 1, 2);
    split_cut(in, in_835, X12_SPLIT_INTERCHANGE, 1, 2);
    split_cut(in, in_2nd, X12_SPLIT_TRANSACTION, 1, 1);
    split_cut(in, in_2nd, X12_SPLIT_GROUP, 1, 1);
    split_cut(in, in_2nd, X12_SPLIT_INTERCHANGE, 1, 1);
    /* the first set cut: nothing is whole, nothing is written */
    split_cut(in, in_1st, X12_SPLIT_INTERCHANGE, 0, 0);
    split_cut(in, in_1st, X12_SPLIT_GROUP, 0, 0);
    /* the error: at the cut set's ST */
    x12_split *s = x12_split_new(X12_SPLIT_TRANSACTION, "/tmp", "never", NULL, NULL);
    assert_non_null(s);
    x12_error e;
    assert_int_equal(x12_split_left_out(s, &e), 0);
    x12_split_free(s);
    assert_string_equal(x12_status_name(X12_ERR_SPLIT_CUT), "X12_ERR_SPLIT_CUT");
}

static void test_alloc_failure_split(void **state)
{
    (void)state;
    char dir[] = "/tmp/x12split.XXXXXX";
    assert_non_null(mkdtemp(dir));
    int ok = 0;
    for (long n = 1; n < 100 && !ok; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        x12_reader_options ro;
        x12_reader_options_init(&ro);
        ro.flags = X12_READ_LENIENT;
        ro.alloc = &fa.a;
        x12_split_stats st;
        x12_error err;
        /* each try splits into the same folder again: what an earlier one
         * completed is replaced */
        x12_status s = x12_split_file_flags(FIX "ack/p_partially_accepted.x12", &ro,
                                            X12_SPLIT_TRANSACTION, dir, X12_SPLIT_REPLACE, NULL,
                                            NULL, &st, &err);
        if (s == X12_OK)
            ok = 1;
        else
            assert_int_equal(s, X12_ERR_NOMEM);
        assert_int_equal(fa.live, 0);
    }
    assert_true(ok);
    assert_int_equal(remove_tree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures_exact),
        cmocka_unit_test(test_situational_trigger),
        cmocka_unit_test(test_repetition_position),
        cmocka_unit_test(test_warnings_accept),
        cmocka_unit_test(test_envelope_elements),
        cmocka_unit_test(test_echo_charset),
        cmocka_unit_test(test_every_fixture_validates),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_ta105_table),
        cmocka_unit_test(test_control_file),
        cmocka_unit_test(test_control_lock),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_alloc_failure_builder),
        cmocka_unit_test(test_read_back),
        cmocka_unit_test(test_reader_says_what_it_drops),
        cmocka_unit_test(test_read_997),
        cmocka_unit_test(test_code_texts),
        cmocka_unit_test(test_alloc_failure_reader),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_split_cut),
        cmocka_unit_test(test_split_details),
        cmocka_unit_test(test_alloc_failure_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
