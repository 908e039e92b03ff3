/*
 * test_spec_schema: every spec, code list and overlay validates against specs/x12spec.xsd,
 * cross-references inside the specs resolve, and invalid specs are rejected.
 *
 *   test_spec_schema SPEC_DIR OVERLAY_DIR [EXAMPLE_GUIDE_DIR]
 *
 * SPEC_DIR holds x12spec.xsd, the guides (*.xml) and the codes directory; OVERLAY_DIR holds the
 * example overlays (fixtures/overlays).  Depends on cmocka and libxml2 only, not on x12kit.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, access, opendir */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

static const char *g_spec_dir;
static const char *g_overlay_dir;
static const char *g_example_dir; /* guides outside specs/ (fixtures/specs), or NULL */
static xmlSchemaPtr g_schema;

/* ------------------------------------------------------------------ error capture */

static char g_errbuf[8192];
static size_t g_errlen;

static void collect_error(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    if (err == NULL || err->message == NULL)
        return;
    int n = snprintf(g_errbuf + g_errlen, sizeof g_errbuf - g_errlen, "    %s:%d: %s",
                     err->file ? err->file : "(memory)", err->line, err->message);
    if (n > 0 && (size_t)n < sizeof g_errbuf - g_errlen)
        g_errlen += (size_t)n;
}

static void reset_errors(void)
{
    g_errlen = 0;
    g_errbuf[0] = '\0';
}

/* ------------------------------------------------------------------ helpers */

static int has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of the .xml paths in dir (skipping the schema itself).  Returns the count. */
static size_t list_xml(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    char **v = NULL;
    size_t n = 0, cap = 0;
    if (d == NULL) {
        *out = NULL;
        return 0;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!has_suffix(e->d_name, ".xml"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        v[n] = malloc(len);
        assert_non_null(v[n]);
        snprintf(v[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    return n;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Validate one file; 0 when valid.  On failure the libxml2 messages are in g_errbuf. */
static int validate_file(const char *path)
{
    reset_errors();
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    if (doc == NULL)
        return -1;
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(g_schema);
    assert_non_null(v);
    xmlSchemaSetValidStructuredErrors(v, collect_error, NULL);
    int rc = xmlSchemaValidateDoc(v, doc);
    xmlSchemaFreeValidCtxt(v);
    xmlFreeDoc(doc);
    return rc;
}

static int validate_memory(const char *text)
{
    reset_errors();
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "negative.xml", NULL, XML_PARSE_NONET);
    if (doc == NULL)
        return -1;
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(g_schema);
    assert_non_null(v);
    xmlSchemaSetValidStructuredErrors(v, collect_error, NULL);
    int rc = xmlSchemaValidateDoc(v, doc);
    xmlSchemaFreeValidCtxt(v);
    xmlFreeDoc(doc);
    return rc;
}

/* Validates every file of dir; fails listing each invalid one with its messages. */
static void validate_dir(const char *dir, const char *root_name, size_t min_files)
{
    char **files;
    size_t n = list_xml(dir, &files);
    size_t bad = 0;
    if (n < min_files)
        fail_msg("%s: expected at least %zu XML files, found %zu", dir, min_files, n);
    for (size_t i = 0; i < n; i++) {
        int rc = validate_file(files[i]);
        if (rc != 0) {
            bad++;
            printf("INVALID %s\n%s", files[i], g_errbuf);
            continue;
        }
        /* the root element says what the file is: a guide in specs/ is not an overlay */
        xmlDocPtr doc = xmlReadFile(files[i], NULL, XML_PARSE_NONET);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (strcmp((const char *)root->name, root_name) != 0) {
            bad++;
            printf("INVALID %s: root <%s>, expected <%s>\n", files[i], root->name, root_name);
        } else {
            printf("ok      %s\n", files[i]);
        }
        xmlFreeDoc(doc);
    }
    free_list(files, n);
    if (bad)
        fail_msg("%zu of %zu files in %s do not validate against x12spec.xsd", bad, n, dir);
}

/* ------------------------------------------------------------------ setup */

static int group_setup(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/x12spec.xsd", g_spec_dir);
    reset_errors();
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    if (pc == NULL)
        return -1;
    xmlSchemaSetParserStructuredErrors(pc, collect_error, NULL);
    g_schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (g_schema == NULL) {
        fprintf(stderr, "cannot parse %s:\n%s", path, g_errbuf);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    xmlSchemaFree(g_schema);
    xmlCleanupParser();
    return 0;
}

/* ------------------------------------------------------------------ positive tests */

static void test_guides_validate(void **state)
{
    (void)state;
    validate_dir(g_spec_dir, "guide", 7);
}

static void test_codelists_validate(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/codes", g_spec_dir);
    validate_dir(dir, "codelist", 1);
}

static void test_overlays_validate(void **state)
{
    (void)state;
    validate_dir(g_overlay_dir, "overlay", 1);
}

static void test_example_guides_validate(void **state)
{
    (void)state;
    if (!g_example_dir)
        skip();
    validate_dir(g_example_dir, "guide", 1);
}

/* ------------------------------------------------------------------ cross references */

static int file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

static char *prop(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static int is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr find_loop(xmlNodePtr n, const char *id)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!is_el(c, "loop"))
            continue;
        char *v = prop(c, "id");
        int hit = v && strcmp(v, id) == 0;
        xmlFree(v);
        if (hit)
            return c;
        xmlNodePtr r = find_loop(c, id);
        if (r)
            return r;
    }
    return NULL;
}

/* Checks: ext names an existing code list; loopref points to a loop; a loop's trigger is its
 * first segment.  Problems are counted and printed. */
static size_t check_refs(xmlDocPtr doc, xmlNodePtr n, const char *file)
{
    size_t bad = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(c, "el")) {
            char *ext = prop(c, "ext");
            if (ext) {
                char path[4096];
                snprintf(path, sizeof path, "%s/codes/%s.xml", g_spec_dir, ext);
                if (!file_exists(path)) {
                    char *ref = prop(c, "ref");
                    printf("%s: %s ext=\"%s\" has no %s\n", file, ref, ext, path);
                    xmlFree(ref);
                    bad++;
                }
                xmlFree(ext);
            }
        } else if (is_el(c, "loopref")) {
            char *ref = prop(c, "ref");
            if (find_loop(xmlDocGetRootElement(doc), ref) == NULL) {
                printf("%s: loopref to unknown loop %s\n", file, ref);
                bad++;
            }
            xmlFree(ref);
        } else if (is_el(c, "loop")) {
            xmlNodePtr first = c->children;
            while (first && !is_el(first, "seg"))
                first = first->next;
            char *trig = prop(c, "trigger");
            char *sid = first ? prop(first, "id") : NULL;
            if (sid == NULL || strcmp(trig, sid) != 0) {
                char *id = prop(c, "id");
                printf("%s: loop %s trigger %s is not its first segment (%s)\n", file, id, trig,
                       sid ? sid : "none");
                xmlFree(id);
                bad++;
            }
            xmlFree(trig);
            xmlFree(sid);
        }
        bad += check_refs(doc, c, file);
    }
    return bad;
}

static void test_references_resolve(void **state)
{
    (void)state;
    char **files;
    size_t n = list_xml(g_spec_dir, &files), bad = 0;
    for (size_t i = 0; i < n; i++) {
        xmlDocPtr doc = xmlReadFile(files[i], NULL, XML_PARSE_NONET);
        assert_non_null(doc);
        bad += check_refs(doc, xmlDocGetRootElement(doc), files[i]);
        xmlFreeDoc(doc);
    }
    free_list(files, n);
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------ negative tests */

#define GUIDE_OPEN "<guide id=\"005010X999\" std=\"00501\" name=\"t\">"
#define ST_SEG                                                                              \
    "<seg id=\"ST\" name=\"Transaction Set Header\" usage=\"R\" maxuse=\"1\">"              \
    "<el ref=\"ST01\" de=\"143\" name=\"id\" usage=\"R\" type=\"ID\" minlen=\"3\" "         \
    "maxlen=\"3\" codes=\"837\"/></seg>"

static const struct {
    const char *what;
    const char *xml;
} k_invalid[] = {
    {"usage X", GUIDE_OPEN "<seg id=\"ST\" name=\"h\" usage=\"X\" maxuse=\"1\"/></guide>"},
    {"loop without trigger",
     GUIDE_OPEN ST_SEG "<loop id=\"1000A\" name=\"n\" usage=\"R\" repeat=\"1\">" ST_SEG
                       "</loop></guide>"},
    {"element without maxlen",
     GUIDE_OPEN "<seg id=\"ST\" name=\"h\" usage=\"R\" maxuse=\"1\"><el ref=\"ST01\" de=\"143\" "
                "name=\"i\" usage=\"R\" type=\"ID\" minlen=\"3\"/></seg></guide>"},
    {"bad syntax note",
     GUIDE_OPEN "<seg id=\"ST\" name=\"h\" usage=\"R\" maxuse=\"1\" syntax=\"Q0102\"/></guide>"},
    {"bad data type",
     GUIDE_OPEN "<seg id=\"ST\" name=\"h\" usage=\"R\" maxuse=\"1\"><el ref=\"ST01\" de=\"143\" "
                "name=\"i\" usage=\"R\" type=\"XX\" minlen=\"3\" maxlen=\"3\"/></seg></guide>"},
    {"repeat >1 (pyx12 spelling)",
     GUIDE_OPEN ST_SEG "<loop id=\"1000A\" name=\"n\" usage=\"R\" repeat=\"&gt;1\" "
                       "trigger=\"ST\">" ST_SEG "</loop></guide>"},
    {"deviation without reason",
     GUIDE_OPEN "<seg id=\"ST\" name=\"h\" usage=\"R\" maxuse=\"1\"><el ref=\"ST01\" de=\"143\" "
                "name=\"i\" usage=\"R\" type=\"ID\" minlen=\"3\" maxlen=\"3\"><deviation "
                "ref=\"pyx12\" what=\"usage\" was=\"S\"/></el></seg></guide>"},
    {"element ref not SEGnn",
     GUIDE_OPEN "<seg id=\"ST\" name=\"h\" usage=\"R\" maxuse=\"1\"><el ref=\"ST1\" de=\"143\" "
                "name=\"i\" usage=\"R\" type=\"ID\" minlen=\"3\" maxlen=\"3\"/></seg></guide>"},
    {"rule without then",
     GUIDE_OPEN ST_SEG "<rules><rule id=\"r\" snip=\"4\" severity=\"error\" scope=\"2300\" "
                       "msg=\"m\"><when seg=\"CLM\" op=\"present\"/></rule></rules></guide>"},
    {"duplicate rule id",
     GUIDE_OPEN ST_SEG "<rules><rule id=\"r\" snip=\"4\" severity=\"error\" scope=\"*\" msg=\"m\">"
                       "<then seg=\"ST\" op=\"present\"/></rule><rule id=\"r\" snip=\"4\" "
                       "severity=\"error\" scope=\"*\" msg=\"m\"><then seg=\"ST\" "
                       "op=\"present\"/></rule></rules></guide>"},
    {"unknown rule operator",
     GUIDE_OPEN ST_SEG "<rules><rule id=\"r\" snip=\"4\" severity=\"error\" scope=\"*\" msg=\"m\">"
                       "<then seg=\"ST\" op=\"like\"/></rule></rules></guide>"},
    {"snip 8", GUIDE_OPEN ST_SEG "<rules><rule id=\"r\" snip=\"8\" severity=\"error\" scope=\"*\" "
                                 "msg=\"m\"><then seg=\"ST\" op=\"present\"/></rule></rules></guide>"},
    {"overlay without guide",
     "<overlay id=\"o\" name=\"n\"><elmod loop=\"2300\" seg=\"CLM\" el=\"CLM01\" "
     "maxlen=\"20\"/></overlay>"},
    {"codelist without date",
     "<codelist id=\"carc\" name=\"n\" source=\"s\" complete=\"true\"><c v=\"1\"/></codelist>"},
    {"codelist duplicate code",
     "<codelist id=\"carc\" name=\"n\" source=\"s\" date=\"2024-01-01\" complete=\"true\">"
     "<c v=\"1\"/><c v=\"1\"/></codelist>"},
    {"unknown root", "<spec id=\"x\"/>"},
};

static void test_invalid_rejected(void **state)
{
    (void)state;
    size_t accepted = 0;
    for (size_t i = 0; i < sizeof k_invalid / sizeof k_invalid[0]; i++) {
        int rc = validate_memory(k_invalid[i].xml);
        if (rc == 0) {
            printf("NOT REJECTED: %s\n", k_invalid[i].what);
            accepted++;
        } else {
            printf("rejected as expected: %s\n%s", k_invalid[i].what, g_errbuf);
        }
    }
    assert_int_equal(accepted, 0);
}

/* The same check through a file the test writes, as the library would read an overlay given
 * with --spec FILE. */
static void test_invalid_file_rejected(void **state)
{
    (void)state;
    char path[] = "/tmp/x12kit-spec-negXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\"?>\n"
          "<overlay id=\"bad\" guide=\"005010X222A1\" name=\"widening overlay\">\n"
          "  <elmod loop=\"2300\" seg=\"CLM\" el=\"CLM01\" maxlen=\"-5\"/>\n"
          "</overlay>\n",
          f);
    fclose(f);
    int rc = validate_file(path);
    unlink(path);
    printf("%s", g_errbuf);
    assert_int_not_equal(rc, 0);
    assert_true(g_errlen > 0); /* rejected with a libxml2 message, not silently */
}

/* A minimal valid guide must pass, so that the negative cases fail for their own reason. */
static void test_minimal_valid(void **state)
{
    (void)state;
    int rc = validate_memory(GUIDE_OPEN ST_SEG "<loop id=\"1000A\" name=\"n\" usage=\"R\" "
                                               "repeat=\"unbounded\" trigger=\"ST\">" ST_SEG
                                               "</loop></guide>");
    if (rc != 0)
        printf("%s", g_errbuf);
    assert_int_equal(rc, 0);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s SPEC_DIR OVERLAY_DIR [EXAMPLE_GUIDE_DIR]\n", argv[0]);
        return 2;
    }
    g_spec_dir = argv[1];
    g_overlay_dir = argv[2];
    g_example_dir = argc == 4 ? argv[3] : NULL;
    LIBXML_TEST_VERSION
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guides_validate),
        cmocka_unit_test(test_codelists_validate),
        cmocka_unit_test(test_overlays_validate),
        cmocka_unit_test(test_example_guides_validate),
        cmocka_unit_test(test_references_resolve),
        cmocka_unit_test(test_minimal_valid),
        cmocka_unit_test(test_invalid_rejected),
        cmocka_unit_test(test_invalid_file_rejected),
    };
    return cmocka_run_group_tests_name("spec_schema", tests, group_setup, group_teardown);
}
