/* X12 -> XML -> X12 gives the input back: every fixture and corpus file (fed in
 * chunks too; the XML must not change), checked well-formed and against the
 * XSD; bytes XML cannot hold, own delimiters per interchange, malformed XML
 * with its line, failing output, and libxml2 memory that does not grow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <x12/xml.h>

#include "support.h"

/* --- libxml2 memory, counted (installed first thing in main) -------------- */

static size_t xml_live, xml_peak;

static void *cnt_malloc(size_t n)
{
    size_t *p = malloc(n + sizeof(max_align_t));
    if (!p)
        return NULL;
    *p = n;
    xml_live += n;
    if (xml_live > xml_peak)
        xml_peak = xml_live;
    return (char *)p + sizeof(max_align_t);
}

static void cnt_free(void *q)
{
    if (!q)
        return;
    size_t *p = (size_t *)(void *)((char *)q - sizeof(max_align_t));
    xml_live -= *p;
    free(p);
}

static void *cnt_realloc(void *q, size_t n)
{
    if (!q)
        return cnt_malloc(n);
    size_t *p = (size_t *)(void *)((char *)q - sizeof(max_align_t));
    size_t old = *p;
    size_t *r = realloc(p, n + sizeof(max_align_t));
    if (!r)
        return NULL;
    *r = n;
    xml_live = xml_live - old + n;
    if (xml_live > xml_peak)
        xml_peak = xml_live;
    return (char *)r + sizeof(max_align_t);
}

static char *cnt_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = cnt_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* --- helpers --------------------------------------------------------------- */

static int sink(void *ctx, const void *buf, size_t len)
{
    sb_add(ctx, buf, len);
    return 0;
}

static void on_error(void *ctx, const x12_error *e)
{
    (void)e;
    ++*(int *)ctx;
}

/* Encodes `data` fed in `chunk`-byte pieces (0 = whole). */
static strbuf encode(const char *data, size_t len, size_t chunk, unsigned flags, int *errors)
{
    strbuf out = {0};
    sb_add(&out, "", 0);
    x12_xml_options o;
    x12_xml_options_init(&o);
    o.reader.flags = X12_READ_LENIENT;
    o.flags = flags;
    o.error = on_error;
    o.error_ctx = errors;
    x12_xml_encoder *x = x12_xml_encoder_new(&o, sink, &out, NULL);
    assert_non_null(x);
    assert_int_equal(x12_xml_encoder_begin_file(x, "t.x12"), X12_OK);
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t off = 0; off < len; off += chunk)
        assert_int_equal(x12_xml_encoder_feed(x, data + off, len - off < chunk ? len - off : chunk),
                         X12_OK);
    assert_int_equal(x12_xml_encoder_end_file(x), X12_OK);
    assert_int_equal(x12_xml_encoder_finish(x), X12_OK);
    x12_xml_encoder_free(x);
    return out;
}

static x12_status decode(const strbuf *xml, strbuf *out, x12_error *err)
{
    memset(out, 0, sizeof *out);
    sb_add(out, "", 0);
    return x12_xml_decode_memory(xml->p, xml->len, NULL, sink, out, err);
}

static xmlSchemaPtr schema;

static void load_schema(void)
{
    xmlSchemaParserCtxtPtr pc =
        xmlSchemaNewParserCtxt(X12KIT_SOURCE_DIR "/fixtures/xml/x12kit-xml.xsd");
    assert_non_null(pc);
    schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    assert_non_null(schema);
}

/* Well-formed, the right root, valid against the XSD. */
static void check_xml(const char *what, const strbuf *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml->p, (int)xml->len, "out.xml", NULL, XML_PARSE_NONET);
    if (!doc)
        fail_msg("%s: the XML is not well-formed", what);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "x12");
    assert_string_equal((const char *)root->ns->href, X12_XML_NAMESPACE);
    if (!schema)
        load_schema();
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    if (rc != 0)
        fail_msg("%s: the XML does not follow x12kit-xml.xsd (%d)", what, rc);
}

/* The input without what the lenient reader skips (a BOM, whitespace before
 * an ISA, line breaks and indentation between segments, padding after IEA,
 * a CR before an LF terminator), from the raw bytes alone.  Only used for
 * files that read without errors. */
static strbuf normalised(const char *p, size_t n)
{
    strbuf out = {0};
    sb_add(&out, "", 0);
    char term = 0, elem = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        int skippable = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 || c == 0x1a ||
                        c == 0xef || c == 0xbb || c == 0xbf;
        if (skippable && (char)c != term && (char)c != elem) {
            i++;
            continue;
        }
        if (n - i >= 106 && memcmp(p + i, "ISA", 3) == 0) {
            elem = p[i + 3];
            term = p[i + 105];
            sb_add(&out, p + i, 106);
            i += 106;
            continue;
        }
        const char *t = memchr(p + i, term, n - i);
        size_t e = t ? (size_t)(t - p) : n, k = e;
        if (term == '\n' && k > i && p[k - 1] == '\r')
            k--;
        sb_add(&out, p + i, k - i);
        if (t)
            sb_add(&out, &term, 1);
        i = e + 1;
    }
    return out;
}

static void same_bytes(const char *what, const char *want, size_t wn, const strbuf *got)
{
    if (wn == got->len && memcmp(want, got->p, wn) == 0)
        return;
    size_t i = 0;
    while (i < wn && i < got->len && want[i] == got->p[i])
        i++;
    fail_msg("%s: differs at byte %zu of %zu (got %zu bytes)", what, i, wn, got->len);
}

/* Reads a file the way x12 does (gzip inflated). */
static char *slurp(const char *path, size_t *len)
{
    x12_error err;
    x12_input *in = x12_input_open(path, NULL, &err);
    if (!in)
        return NULL;
    strbuf b = {0};
    sb_add(&b, "", 0);
    char tmp[65536];
    size_t got;
    while (x12_input_read(in, tmp, sizeof tmp, &got, &err) == X12_OK && got)
        sb_add(&b, tmp, got);
    x12_input_close(in);
    *len = b.len;
    return b.p;
}

typedef struct tally {
    int files, clean, identical, normalised_ok, with_errors;
    int chunked;
} tally;

static void check_file(const char *path, tally *t, const size_t *chunks)
{
    size_t n = strlen(path);
    static const char *const SKIP[] = {".expect", ".md", ".py", ".tsv", ".xsd"};
    for (size_t i = 0; i < sizeof SKIP / sizeof SKIP[0]; i++) {
        size_t k = strlen(SKIP[i]);
        if (n > k && strcmp(path + n - k, SKIP[i]) == 0)
            return;
    }
    size_t len;
    char *data = slurp(path, &len);
    if (!data)
        return;
    t->files++;
    int errors = 0;
    strbuf xml = encode(data, len, 0, 0, &errors);
    check_xml(path, &xml);
    for (size_t i = 0; chunks[i]; i++) {
        int e2 = 0;
        strbuf again = encode(data, len, chunks[i], 0, &e2);
        if (again.len != xml.len || memcmp(again.p, xml.p, xml.len) != 0)
            fail_msg("%s: fed in %zu-byte chunks, the XML differs", path, chunks[i]);
        assert_int_equal(e2, errors);
        sb_free(&again);
        t->chunked++;
    }
    /* byte for byte, whatever the reader thought of the file */
    strbuf back;
    x12_error err;
    if (decode(&xml, &back, &err) != X12_OK)
        fail_msg("%s: decoding failed: line %llu: %s (%s)", path,
                 (unsigned long long)err.byte_offset, err.msg, err.detail);
    same_bytes(path, data, len, &back);
    t->identical++;
    sb_free(&back);
    if (errors) {
        t->with_errors++;
    } else {
        /* without gaps: the normalised input */
        t->clean++;
        int e3 = 0;
        strbuf plain = encode(data, len, 0, X12_XML_NO_GAPS | X12_XML_COMPACT, &e3);
        check_xml(path, &plain);
        assert_int_equal(decode(&plain, &back, &err), X12_OK);
        strbuf want = normalised(data, len);
        same_bytes(path, want.p, want.len, &back);
        t->normalised_ok++;
        sb_free(&want);
        sb_free(&back);
        sb_free(&plain);
    }
    sb_free(&xml);
    free(data);
}

static void walk(const char *dir, tally *t, const size_t *chunks)
{
    char **files = list_dir(dir);
    for (size_t i = 0; files && files[i]; i++) {
        char **sub = list_dir(files[i]);
        if (sub) {
            free_list(sub);
            walk(files[i], t, chunks);
        } else {
            check_file(files[i], t, chunks);
        }
    }
    free_list(files);
}

static void test_fixtures(void **state)
{
    (void)state;
    static const size_t chunks[] = {1, 3, 7, 4096, 0};
    static const char *const dirs[] = {"x12", "corpus", "validate", "xml"};
    tally t = {0};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/fixtures/%s", X12KIT_SOURCE_DIR, dirs[i]);
        walk(path, &t, chunks);
    }
    printf("fixtures: %d files byte-identical (%d with reader errors), %d clean also "
           "identical to their normalised form; %d chunked runs\n",
           t.identical, t.with_errors, t.normalised_ok, t.chunked);
    assert_true(t.files >= 60);
    assert_int_equal(t.identical, t.files);
    assert_int_equal(t.normalised_ok, t.clean);
}

static void test_shared_corpus(void **state)
{
    (void)state;
    char **probe = list_dir(X12KIT_SHARED_DIR "/corpus");
    if (!probe) {
        printf("shared corpus not found: skipped\n");
        skip();
    }
    free_list(probe);
    static const size_t chunks[] = {7, 0};
    tally t = {0};
    walk(X12KIT_SHARED_DIR "/corpus", &t, chunks);
    printf("shared corpus: %d files byte-identical (%d with reader errors), %d clean also "
           "identical to their normalised form\n",
           t.identical, t.with_errors, t.normalised_ok);
    assert_true(t.files >= 100);
    assert_int_equal(t.identical, t.files);
    assert_int_equal(t.normalised_ok, t.clean);
}

/* --- built inputs ------------------------------------------------------------ */

static const char ISA_STAR[] = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER     "
                               "  *261126*1200*^*00501*000000001*0*T*:~";

static void roundtrip_exact(const char *what, const char *data, size_t len, strbuf *xml_out)
{
    int errors = 0;
    strbuf xml = encode(data, len, 0, 0, &errors);
    check_xml(what, &xml);
    strbuf back;
    x12_error err;
    if (decode(&xml, &back, &err) != X12_OK)
        fail_msg("%s: line %llu: %s (%s)", what, (unsigned long long)err.byte_offset, err.msg,
                 err.detail);
    same_bytes(what, data, len, &back);
    sb_free(&back);
    if (xml_out)
        *xml_out = xml;
    else
        sb_free(&xml);
}

static void test_bytes_xml_cannot_hold(void **state)
{
    (void)state;
    strbuf in = {0};
    sb_add(&in, ISA_STAR, strlen(ISA_STAR));
    const char body[] = "GS*HP*SENDER*RECEIVER*20261126*1200*1*X*005010X221A1~"
                        "ST*835*0001~"
                        "NM1*QC*1*M\xc3\x9a\xc3\x91OZ*A&B<C>\"D\"~" /* UTF-8 and markup */
                        "REF*EA*\x01\x02\x7f~"                       /* control bytes */
                        "REF*EA*caf\xe9*\xff\xfe~"                    /* not UTF-8 */
                        "REF*EA*A\rB*\xed\xa0\x80*\xef\xbf\xbf~"      /* CR, surrogate, U+FFFF */
                        "NTE*ADD*x\0y~"                               /* NUL */
                        /* four-byte UTF-8: U+1F600 and U+10FFFD are text; past U+10FFFF,
                         * overlong (three and four bytes) and cut sequences are not */
                        "REF*EA*\xf0\x9f\x98\x80*\xf4\x8f\xbf\xbd*\xf4\x90\x80\x80*\xe0\x80\xaf*"
                        "\xf0\x8f\xbf\xbf*\xf0\x9f\x98~"
                        "SE*8*0001~GE*1*1~IEA*1*000000001~";
    sb_add(&in, body, sizeof body - 1);
    strbuf xml;
    roundtrip_exact("control bytes", in.p, in.len, &xml);
    assert_non_null(strstr(xml.p, "<el>M\xc3\x9a\xc3\x91OZ</el>"));
    assert_non_null(strstr(xml.p, "<el>A&amp;B&lt;C&gt;&quot;D&quot;</el>"));
    assert_non_null(strstr(xml.p, "<el hex=\"01027f\"/>"));
    assert_non_null(strstr(xml.p, "<el hex=\"636166e9\"/>"));
    assert_non_null(strstr(xml.p, "<el hex=\"780079\"/>"));
    assert_non_null(strstr(xml.p, "<el>\xf0\x9f\x98\x80</el>"));
    assert_non_null(strstr(xml.p, "<el>\xf4\x8f\xbf\xbd</el>"));
    assert_non_null(strstr(xml.p, "<el hex=\"f4908080\"/>"));
    assert_non_null(strstr(xml.p, "<el hex=\"e080af\"/>"));
    assert_non_null(strstr(xml.p, "<el hex=\"f08fbfbf\"/>"));
    assert_non_null(strstr(xml.p, "<el hex=\"f09f98\"/>"));
    sb_free(&xml);
    sb_free(&in);
}

static void test_interchanges_with_own_delimiters(void **state)
{
    (void)state;
    strbuf in = {0};
    /* 1: * ^ : ~ with repetitions and components */
    sb_add(&in, ISA_STAR, strlen(ISA_STAR));
    const char a[] = "GS*HC*S*R*20261126*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~"
                     "HI*ABK:J449^ABF:E119:::x^*~SE*3*0001~GE*1*1~IEA*1*000000001~";
    sb_add(&in, a, sizeof a - 1);
    /* 2: | no-repetition (U) > and LF, after CRLF and NUL padding */
    sb_add(&in, "\r\n\0\0", 4);
    const char b[] = "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261126|"
                     "1200|U|00401|000000002|0|T|>\nGS|HP|S|R|20261126|1200|2|X|004010X091A1\n"
                     "ST|835|0002\nCLP|A>B>>|1^2|3\nSE|3|0002\nGE|1|2\nIEA|1|000000002\n";
    sb_add(&in, b, sizeof b - 1);
    /* 3: control-byte delimiters: 1D element, 1F repetition, 1E component, 1C terminator */
    char c[] = "ISA\x1d" "00\x1d          \x1d" "00\x1d          \x1dZZ\x1dSENDER         \x1dZZ\x1d"
               "RECEIVER       \x1d" "261126\x1d" "1200\x1d\x1f\x1d" "00501\x1d" "000000003\x1d"
               "0\x1dT\x1d\x1e\x1c" "GS\x1dHP\x1dS\x1dR\x1d" "20261126\x1d" "1200\x1d" "3\x1dX\x1d"
               "005010X221A1\x1c" "ST\x1d" "835\x1d" "0003\x1c" "SVC\x1d" "HC\x1e" "99213\x1f"
               "HC\x1e" "1\x1d" "10\x1c" "SE\x1d" "3\x1d" "0003\x1c" "GE\x1d" "1\x1d" "3\x1c"
               "IEA\x1d" "1\x1d" "000000003\x1c";
    sb_add(&in, c, sizeof c - 1);
    strbuf xml;
    roundtrip_exact("three interchanges", in.p, in.len, &xml);
    assert_non_null(strstr(xml.p, "element=\"*\" repetition=\"^\" component=\":\" segment=\"~\""));
    assert_non_null(strstr(xml.p, "element=\"|\" repetition=\"\" component=\"&gt;\" segment=\"0a\""));
    assert_non_null(strstr(xml.p, "element=\"1d\" repetition=\"1f\" component=\"1e\" segment=\"1c\""));
    assert_non_null(strstr(xml.p, "<el><rep><comp>ABK</comp><comp>J449</comp></rep><rep><comp>ABF"
                                  "</comp><comp>E119</comp><comp/><comp/><comp>x</comp></rep>"
                                  "<rep/></el>"));
    assert_non_null(strstr(xml.p, "<el><comp>A</comp><comp>B</comp><comp/><comp/></el><el>1^2</el>"));
    assert_non_null(strstr(xml.p, "gap=\"7e0d0a0000\""));
    sb_free(&xml);

    /* the fixture, and with NO_GAPS the plain form */
    size_t len;
    char *f = read_file(X12KIT_SOURCE_DIR "/fixtures/x12/y_two_interchanges_own_delimiters.x12", &len);
    assert_non_null(f);
    roundtrip_exact("fixture", f, len, NULL);
    free(f);
    sb_free(&in);
}

static void test_gaps_and_tail(void **state)
{
    (void)state;
    strbuf in = {0};
    sb_add(&in, "\xef\xbb\xbf\r\n", 5);
    sb_add(&in, ISA_STAR, strlen(ISA_STAR));
    const char body[] = "\r\n  GS*HP*S*R*20261126*1200*1*X*005010X221A1~\n"
                        "ST*835*0001~\tSE*2*0001~GE*1*1~IEA*1*000000001~\r\n\0\0\x1a";
    sb_add(&in, body, sizeof body - 1);
    strbuf xml;
    roundtrip_exact("gaps", in.p, in.len, &xml);
    assert_non_null(strstr(xml.p, "<seg id=\"ISA\" gap=\"efbbbf0d0a\">"));
    assert_non_null(strstr(xml.p, "<tail hex=\"7e0d0a00001a\"/>"));
    sb_free(&xml);
    /* an unterminated last segment: the tail is empty */
    in.len = 0;
    sb_add(&in, ISA_STAR, strlen(ISA_STAR));
    sb_add(&in, "IEA*1*000000001", 15);
    roundtrip_exact("unterminated", in.p, in.len, &xml);
    assert_non_null(strstr(xml.p, "<tail hex=\"\"/>"));
    sb_free(&xml);
    /* no X12 at all: everything is the tail */
    roundtrip_exact("not x12", "hello\n", 6, &xml);
    assert_non_null(strstr(xml.p, "<tail hex=\"68656c6c6f0a\"/>"));
    sb_free(&xml);
    sb_free(&in);
}

/* --- malformed XML ------------------------------------------------------------ */

typedef struct bad {
    const char *xml;
    const char *msg;
    unsigned line;
    const char *detail;
} bad;

#define HEAD "<x12 xmlns=\"urn:x12kit:xml:1\">\n"
#define IC "<interchange element=\"*\" repetition=\"^\" component=\":\" segment=\"~\">\n"

static void test_malformed(void **state)
{
    (void)state;
    static const bad cases[] = {
        {HEAD "<file>\n<interchange>\n</file>\n</x12>\n", "XML is not well-formed", 4, "mismatch"},
        {"<x12 xmlns=\"urn:x12kit:xml:1\"><seg id=\"A\"", "XML is not well-formed", 1, ""},
        {"", "XML is not well-formed", 1, ""},
        {HEAD "<seg id=\"ST\"/>\n</x12>\n", "not x12kit XML", 2, "outside an <interchange>"},
        {HEAD "<file>\n<group>\n<seg id=\"GS\"/>\n</group></file></x12>\n", "not x12kit XML", 4,
         "outside an <interchange>"},
        {HEAD "<interchange element=\"*\" component=\":\">\n</interchange></x12>", "not x12kit XML",
         2, "segment attribute"},
        {HEAD "<interchange element=\"**\" component=\":\" segment=\"~\"/></x12>", "not x12kit XML",
         2, "neither one character"},
        {HEAD "<interchange element=\"*\" component=\"*\" segment=\"~\"/></x12>", "not x12kit XML", 2,
         "same byte"},
        {HEAD "<interchange element=\"*\" component=\":\" segment=\"~\">\n<seg id=\"N1\">"
              "<el><rep>a</rep><rep>b</rep></el></seg>\n</interchange></x12>",
         "not x12kit XML", 3, "no repetition separator"},
        {HEAD IC "<seg id=\"N1\">\n<el hex=\"4g\"/></seg></interchange></x12>", "not x12kit XML", 4,
         "not a hex digit"},
        {HEAD IC "<seg id=\"N1\"><el>a:b</el></seg></interchange></x12>", "not x12kit XML", 3,
         "component separator"},
        {HEAD IC "<seg><el/></seg></interchange></x12>", "not x12kit XML", 3, "needs an id"},
        {HEAD IC "<seg id=\"N1\"><value/></seg></interchange></x12>", "not x12kit XML", 3,
         "unknown element <value>"},
        {"<x12>\n<file/></x12>", "not x12kit XML", 1, "not in the namespace"},
        {"<file xmlns=\"urn:x12kit:xml:1\"/>", "not x12kit XML", 1, "root element is <file>"},
        {HEAD IC "<seg id=\"N1\">text<el/></seg></interchange></x12>", "not x12kit XML", 3,
         "text directly inside <seg>"},
        {HEAD IC "<seg id=\"N1\"><el>a<comp>b</comp></el></seg></interchange></x12>",
         "not x12kit XML", 3, "text mixed with <comp>"},
        {"<!DOCTYPE x12 [<!ENTITY e \"x\">]><x12 xmlns=\"urn:x12kit:xml:1\">&e;</x12>",
         "not x12kit XML", 1, "DOCTYPE"},
        {HEAD IC "<seg id=\"N1\"><el hex=\"414\"/></seg></interchange></x12>", "not x12kit XML",
         3, "odd number of hex digits"},
        {HEAD IC "<seg id=\"N1\"><el hex=\"41\">x</el></seg></interchange></x12>",
         "not x12kit XML", 3, "text in an element that has a hex attribute"},
        {HEAD IC "<seg id=\"N1\"><el hex=\"41\"><comp>b</comp></el></seg></interchange></x12>",
         "not x12kit XML", 3, "<comp> inside an element that has a hex attribute"},
        {HEAD IC "<seg id=\"N1\"><el><rep>a</rep><comp>b</comp></el></seg></interchange></x12>",
         "not x12kit XML", 3, "<rep> and <comp> mixed in one element"},
        {HEAD IC "<seg id=\"N1\"><el><comp><rep>a</rep></comp></el></seg></interchange></x12>",
         "not x12kit XML", 3, "<rep> inside <comp>"},
        {HEAD IC "<seg id=\"N1\"><el><rep>a</rep>b</el></seg></interchange></x12>",
         "not x12kit XML", 3, "text mixed with <rep> or <comp>"},
        {HEAD IC "<seg id=\"N1\"><el>a*b</el></seg></interchange></x12>", "not x12kit XML", 3,
         "the text holds the element separator"},
        {HEAD IC "<seg id=\"N1\"><el>a^b</el></seg></interchange></x12>", "not x12kit XML", 3,
         "repetition separator (use <rep>)"},
        {HEAD "<file><tail/></file></x12>", "not x12kit XML", 2, "<tail> needs a hex attribute"},
        {HEAD "<file><tail hex=\"0\"/></file></x12>", "not x12kit XML", 2,
         "odd number of hex digits"},
        {HEAD IC "<seg id=\"N1\"><tail hex=\"00\"/></seg></interchange></x12>", "not x12kit XML",
         3, "<tail> inside <seg>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad *c = &cases[i];
        strbuf out = {0};
        sb_add(&out, "", 0);
        x12_error err;
        x12_status st = x12_xml_decode_memory(c->xml, strlen(c->xml), NULL, sink, &out, &err);
        if (st != X12_ERR_USAGE || strcmp(err.msg, c->msg) != 0 || err.byte_offset != c->line ||
            !strstr(err.detail, c->detail))
            fail_msg("case %zu: got %s, line %llu: %s (%s)", i, x12_status_name(st),
                     (unsigned long long)err.byte_offset, err.msg, err.detail);
        sb_free(&out);
    }
    /* nesting deeper than the decoder keeps: refused, not overflowed */
    strbuf deep = {0};
    sb_printf(&deep, "%s%s", HEAD, IC);
    for (int i = 0; i < 200; i++)
        sb_printf(&deep, "<loop id=\"L%d\">", i);
    for (int i = 0; i < 200; i++)
        sb_printf(&deep, "</loop>");
    sb_printf(&deep, "</interchange></x12>");
    {
        strbuf out = {0};
        sb_add(&out, "", 0);
        x12_error err;
        assert_int_equal(x12_xml_decode_memory(deep.p, deep.len, NULL, sink, &out, &err),
                         X12_ERR_USAGE);
        assert_non_null(strstr(err.detail, "nested more than 128 deep"));
        sb_free(&out);
    }
    sb_free(&deep);
    /* the segment being built is named */
    const char *x = HEAD IC "<seg id=\"ISA\"/>\n<seg id=\"NM1\"><el/><el/>\n<el>x~y</el></seg>"
                            "</interchange></x12>";
    strbuf out = {0};
    sb_add(&out, "", 0);
    x12_error err;
    assert_int_equal(x12_xml_decode_memory(x, strlen(x), NULL, sink, &out, &err), X12_ERR_USAGE);
    assert_int_equal(err.byte_offset, 5);
    assert_int_equal(err.segment_index, 2);
    assert_string_equal(err.segment_id, "NM1");
    assert_int_equal(err.element_pos, 3);
    assert_non_null(strstr(err.detail, "segment terminator"));
    assert_string_equal(out.p, "ISA"); /* the segments before the error were sent */
    sb_free(&out);
    /* a segment over the limit */
    x12_xml_options o;
    x12_xml_options_init(&o);
    o.max_segment_length = 8;
    x = HEAD IC "<seg id=\"NM1\"><el>12345</el></seg></interchange></x12>";
    out.len = 0;
    assert_int_equal(x12_xml_decode_memory(x, strlen(x), &o, sink, &out, &err), X12_ERR_LIMIT);
    sb_free(&out);
    /* a missing file */
    assert_int_equal(x12_xml_decode_file("/nonexistent/x.xml", NULL, sink, &out, &err), X12_ERR_IO);
}

/* Hand-written XML: indentation inside elements, comments, CDATA, no <file>. */
static void test_hand_written(void **state)
{
    (void)state;
    const char *x = "<?xml version=\"1.0\"?>\n<!-- made by hand -->\n" HEAD
                    "<interchange element=\"*\" repetition=\"\" component=\"3e\" segment=\"~\">\n"
                    "  <seg id=\"SV1\">\n    <el>\n      <comp>HC</comp>\n      <comp>99213</comp>\n"
                    "    </el>\n    <el><![CDATA[1&2]]></el>\n    <el>   </el>\n  </seg>\n"
                    "  <seg id=\"X\" gap=\"0d0a\"/>\n</interchange>\n</x12>\n";
    strbuf out = {0};
    sb_add(&out, "", 0);
    x12_error err;
    assert_int_equal(x12_xml_decode_memory(x, strlen(x), NULL, sink, &out, &err), X12_OK);
    assert_string_equal(out.p, "SV1*HC>99213*1&2*   \r\nX~");
    sb_free(&out);
}

/* --- output failures, API misuse ------------------------------------------------ */

static int fail_after(void *ctx, const void *buf, size_t len)
{
    (void)buf;
    size_t *left = ctx;
    if (len > *left)
        return -1;
    *left -= len;
    return 0;
}

static void test_output_fails(void **state)
{
    (void)state;
    size_t len;
    char *data = read_file(X12KIT_SOURCE_DIR "/fixtures/x12/y_repetitions.x12", &len);
    assert_non_null(data);
    size_t left = 0;
    x12_error err;
    assert_null(x12_xml_encoder_new(NULL, fail_after, &left, &err));
    assert_int_equal(err.code, X12_ERR_IO);
    left = 100;
    x12_xml_encoder *x = x12_xml_encoder_new(NULL, fail_after, &left, &err);
    assert_non_null(x);
    assert_int_equal(x12_xml_encoder_feed(x, data, len), X12_ERR_USAGE); /* no file open */
    assert_int_equal(x12_xml_encoder_begin_file(x, NULL), X12_OK);
    assert_int_equal(x12_xml_encoder_begin_file(x, NULL), X12_ERR_USAGE);
    x12_status st = x12_xml_encoder_feed(x, data, len);
    if (st == X12_OK)
        st = x12_xml_encoder_end_file(x);
    if (st == X12_OK)
        st = x12_xml_encoder_finish(x);
    assert_int_equal(st, X12_ERR_IO);
    assert_int_equal(x12_xml_encoder_finish(x), X12_ERR_IO);
    x12_xml_encoder_free(x);
    x12_xml_encoder_free(NULL);

    int errors = 0;
    strbuf xml = encode(data, len, 0, 0, &errors);
    left = 50;
    assert_int_equal(x12_xml_decode_memory(xml.p, xml.len, NULL, fail_after, &left, &err),
                     X12_ERR_IO);
    sb_free(&xml);
    free(data);
}

/* --- memory does not grow with the input ------------------------------------------ */

static int discard(void *ctx, const void *buf, size_t len)
{
    (void)buf;
    *(size_t *)ctx += len;
    return 0;
}

/* X12 of `n` NTE segments in one set, CRLF after each. */
static strbuf big_input(int n)
{
    strbuf in = {0};
    sb_add(&in, ISA_STAR, strlen(ISA_STAR));
    sb_add(&in, "GS*HC*S*R*20261126*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~", 66);
    for (int i = 0; i < n; i++)
        sb_printf(&in, "NTE*ADD*LINE %d WITH SOME TEXT:AND^A REPEAT~\r\n", i);
    sb_printf(&in, "SE*%d*0001~GE*1*1~IEA*1*000000001~", n + 2);
    return in;
}

/* libxml2's peak while encoding `in` (the walker's spec load included). */
static size_t encode_peak(const strbuf *in)
{
    size_t written = 0;
    x12_xml_options o;
    x12_xml_options_init(&o);
    o.reader.flags = X12_READ_LENIENT;
    size_t base = xml_live;
    xml_peak = xml_live;
    x12_xml_encoder *x = x12_xml_encoder_new(&o, discard, &written, NULL);
    assert_int_equal(x12_xml_encoder_begin_file(x, "big"), X12_OK);
    for (size_t off = 0; off < in->len; off += 65536)
        x12_xml_encoder_feed(x, in->p + off, in->len - off < 65536 ? in->len - off : 65536);
    assert_int_equal(x12_xml_encoder_finish(x), X12_OK);
    x12_xml_encoder_free(x);
    return xml_peak - base;
}

static size_t decode_peak(const strbuf *in, size_t *xml_len)
{
    int errors = 0;
    strbuf xml = encode(in->p, in->len, 0, 0, &errors);
    size_t written = 0;
    size_t base = xml_live;
    xml_peak = xml_live;
    x12_error err;
    assert_int_equal(x12_xml_decode_memory(xml.p, xml.len, NULL, discard, &written, &err), X12_OK);
    assert_int_equal(written, in->len);
    *xml_len = xml.len;
    sb_free(&xml);
    return xml_peak - base;
}

static void test_bounded_memory(void **state)
{
    (void)state;
    strbuf small = big_input(100), big = big_input(100000);
    size_t small_xml, big_xml;
    size_t enc_small = encode_peak(&small), enc_big = encode_peak(&big);
    size_t dec_small = decode_peak(&small, &small_xml), dec_big = decode_peak(&big, &big_xml);
    printf("libxml2 peak: encoding %zu bytes of X12 %zu, %zu bytes %zu; decoding %zu bytes of "
           "XML %zu, %zu bytes %zu\n",
           small.len, enc_small, big.len, enc_big, small_xml, dec_small, big_xml, dec_big);
    assert_true(big_xml > 8u << 20);
    assert_true(enc_big < enc_small + (64u << 10));
    assert_true(dec_big < dec_small + (64u << 10));
    assert_true(dec_big < 256u << 10);
    sb_free(&small);
    sb_free(&big);
}

int main(void)
{
    xmlMemSetup(cnt_free, cnt_malloc, cnt_realloc, cnt_strdup);
    xmlInitParser();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_shared_corpus),
        cmocka_unit_test(test_bytes_xml_cannot_hold),
        cmocka_unit_test(test_interchanges_with_own_delimiters),
        cmocka_unit_test(test_gaps_and_tail),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_hand_written),
        cmocka_unit_test(test_output_fails),
        cmocka_unit_test(test_bounded_memory),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (schema)
        xmlSchemaFree(schema);
    return rc;
}
