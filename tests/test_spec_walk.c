/* Spec loading (every built-in guide, malformed specs) and the loop walker:
 * events for a known file, each structural finding with its position, clean
 * TR3 examples with no findings, and every shared-corpus file's walker
 * findings against tests/validate-expect.tsv (X12_REGEN_EXPECT=1 rewrites it). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include <cmocka.h>

#include <x12/spec.h>
#include <x12/walk.h>

#include "spec_model.h"
#include "support.h"

/* --- specs ------------------------------------------------------------------ */

static void test_builtin_specs(void **state)
{
    (void)state;
    static const struct {
        const char *id, *ts;
    } WANT[] = {{"005010X222A1", "837"}, {"005010X223A2", "837"}, {"005010X224A2", "837"},
                {"005010X221A1", "835"}, {"005010X231A1", "999"}, {"005010X214", "277"}};
    for (size_t i = 0; i < sizeof WANT / sizeof WANT[0]; i++) {
        x12_error err;
        x12_spec *s = x12_spec_load_builtin(WANT[i].id, &err);
        if (!s)
            fail_msg("%s: %s %s", WANT[i].id, err.msg, err.detail);
        assert_string_equal(x12_spec_guide_id(s), WANT[i].id);
        assert_string_equal(x12_spec_transaction(s), WANT[i].ts);
        x12_spec_stats st;
        x12_spec_get_stats(s, &st);
        assert_true(st.loops >= 3 && st.segments >= 10 && st.elements >= 60);
        x12_spec_free(s);
    }
    int n = 0;
    for (const char *const *id = x12_spec_builtin_ids(); *id; id++)
        n++;
    assert_int_equal(n, 6);
    x12_error err;
    assert_null(x12_spec_load_builtin("005010X999", &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    assert_null(x12_spec_load_file("/nonexistent/spec.xml", &err));
    assert_int_equal(err.code, X12_ERR_IO);
    x12_spec_free(NULL);
}

static void expect_bad_spec(const char *xml, const char *detail_part, unsigned line)
{
    x12_error err;
    x12_spec *s = x12_spec_load_memory(xml, strlen(xml), "t.xml", &err);
    if (s)
        fail_msg("accepted: %s", xml);
    assert_int_equal(err.code, X12_ERR_SPEC);
    if (!strstr(err.detail, detail_part))
        fail_msg("detail '%s' lacks '%s'", err.detail, detail_part);
    assert_int_equal(err.byte_offset, line);
}

static void test_malformed_specs(void **state)
{
    (void)state;
    expect_bad_spec("<guide id='X'><seg", "not well-formed", 1);
    expect_bad_spec("<codelist id='x'/>", "root element is not <guide>", 1);
    expect_bad_spec("<guide id='X' ts='835'>\n<seg id='ST' usage='Q' maxuse='1'/></guide>",
                    "usage must be R, S or N", 2);
    expect_bad_spec("<guide id='X' ts='835'>\n<seg id='ST' usage='R' maxuse='one'/></guide>",
                    "'maxuse' is not a number", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R' maxuse='1'>\n"
                    "<el ref='SE01' usage='R' type='AN' minlen='1' maxlen='2'/></seg></guide>",
                    "does not name this segment", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/>\n"
                    "<loop id='A' usage='R' repeat='1'><loopref ref='B' usage='R'/></loop></guide>",
                    "does not start with its trigger", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/>\n"
                    "<loop id='A' usage='R' repeat='1'><seg id='N1' usage='R'/>"
                    "<loopref ref='B' usage='R'/></loop></guide>",
                    "loopref to unknown loop 'B'", 0);
    expect_bad_spec("<guide id='X' ts='835'>\n<seg id='ST' usage='R' syntax='Q0102'/></guide>",
                    "bad syntax note", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'>\n"
                    "<el ref='ST01' usage='R' type='AN' minlen='1' maxlen='9' pattern='(A|B'/>"
                    "</seg></guide>",
                    "pattern '(A|B' at byte 4: '(' without ')'", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'>\n"
                    "<el ref='ST01' usage='R' type='N0' minlen='1' maxlen='9' numbers='set'/>"
                    "</seg></guide>",
                    "numbers='set': only 'loop' is known", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'>\n"
                    "<el ref='ST01' usage='R' type='AN' minlen='1' maxlen='9' numbers='loop'/>"
                    "</seg></guide>",
                    "numbers='loop' on 'ST01', not a simple N element", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='p1' scope='*' seg='SV1'><then el='SV107' op='pointers'/></rule>"
                    "</rules></guide>",
                    "rule 'p1': pointers need a <when> segment first", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='p2' scope='ST'><when loop='2000' op='present'/>"
                    "<then seg='SV1' el='SV107' op='pointers'/></rule></rules></guide>",
                    "rule 'p2': pointers need", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='p3' scope='ST'><when seg='HI' op='present'/>"
                    "<then seg='SV1' op='pointers'/></rule></rules></guide>",
                    "rule 'p3': pointers need", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='q1' scope='*' seg='HI'><then el='HI01-02' op='notpattern'/></rule>"
                    "</rules></guide>",
                    "rule operator 'notpattern' needs pattern=", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='q2' scope='2300'><then seg='HI' el='HI01-02' op='notpattern' "
                    "pattern='[VWXY].*'/></rule></rules></guide>",
                    "rule 'q2': pattern only in a rule with seg=", 2);
    /* differs compares with the first <when>'s element: one must be named */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='d1' scope='ST'><when seg='CLM' op='present'/>"
                    "<then seg='SV1' el='SV105' op='differs'/></rule></rules></guide>",
                    "rule 'd1': differs needs a <when> element first", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='d2' scope='ST'><when seg='CLM' el='CLM05-01' op='present'/>"
                    "<then seg='SV1' op='differs'/></rule></rules></guide>",
                    "rule 'd2': differs needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='d3' scope='*' seg='SV1'><then el='SV105' op='differs'/></rule>"
                    "</rules></guide>",
                    "rule 'd3': differs needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='d4' scope='ST'><when seg='CLM' el='CLM05-01' op='differs'/>"
                    "</rule></rules></guide>",
                    "rule 'd4': differs is a <then>", 2);
    /* a condition's segment (and keyval) must be one its loop holds */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/>"
                    "<loop id='L' usage='R'><seg id='AA' usage='R' key='AA01' keyvals='1 2'/></loop>"
                    "<rules><rule id='k1' scope='L'><then seg='AA' keyval='3' op='present'/></rule>"
                    "</rules></guide>",
                    "rule k1: AA*3 not in loop L", 0);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/>"
                    "<loop id='L' usage='R'><seg id='AA' usage='R'/></loop>"
                    "<rules><rule id='k2' scope='ST'><then loop='L' seg='BB' op='present'/></rule>"
                    "</rules></guide>",
                    "rule k2: BB not in loop L", 0);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/>"
                    "<loop id='L' usage='R'><seg id='AA' usage='R'/></loop>"
                    "<rules><rule id='k3' scope='ST'><then loop='M' op='present'/></rule>"
                    "</rules></guide>",
                    "rule names loop 'M', which is not in the guide", 0);
    /* notafter and notbefore compare dates as differs compares values */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='o1' scope='ST'><when seg='BHT' op='present'/>"
                    "<then seg='DMG' el='DMG02' op='notafter'/></rule></rules></guide>",
                    "rule 'o1': notafter needs a <when> element first", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='o2' scope='*' seg='DTP'><when el='DTP01' op='present'/>"
                    "<then el='DTP03' op='notbefore'/></rule></rules></guide>",
                    "rule 'o2': notbefore needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='o3' scope='ST'><when seg='BHT' el='BHT04' op='notbefore'/>"
                    "<then seg='DMG' el='DMG02' op='present'/></rule></rules></guide>",
                    "rule 'o3': notbefore is a <then>", 2);
    /* a date of the rule's own: one CCYYMMDD, and not for differs */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='o4' scope='ST'><when seg='BHT' el='BHT04' op='present'/>"
                    "<then seg='DMG' el='DMG02' op='notbefore' vals='2015'/></rule></rules></guide>",
                    "rule 'o4': notbefore needs vals= of one CCYYMMDD date", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='o5' scope='ST'><when seg='BHT' el='BHT04' op='present'/>"
                    "<then seg='DMG' el='DMG02' op='differs' vals='20150101'/></rule></rules></guide>",
                    "rule 'o5': differs takes no vals=", 2);
    /* same: as differs */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='s1' scope='ST'><when seg='BPR' el='BPR11' op='present'/>"
                    "<then seg='TRN' el='TRN04' op='same' vals='X'/></rule></rules></guide>",
                    "rule 's1': same takes no vals=", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='s2' scope='ST'><when seg='BPR' op='present'/>"
                    "<then seg='TRN' el='TRN04' op='same'/></rule></rules></guide>",
                    "rule 's2': same needs a <when> element first", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='s3' scope='ST'><when seg='BPR' el='BPR11' op='same'/>"
                    "<then seg='TRN' el='TRN04' op='present'/></rule></rules></guide>",
                    "rule 's3': same is a <then>", 2);
    /* in a <when> too, where only one with a date of its own may be */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='o7' scope='ST'><when seg='BHT' el='BHT04' op='notafter' "
                    "vals='2015-09-30'/><then seg='DMG' el='DMG02' op='present'/></rule></rules>"
                    "</guide>",
                    "rule 'o7': notafter needs vals= of one CCYYMMDD date", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='o6' scope='ST'><when seg='BHT' el='BHT04' op='present'/>"
                    "<then seg='DMG' el='DMG02' op='notafter' vals='20150101 20160101'/></rule>"
                    "</rules></guide>",
                    "rule 'o6': notafter needs vals=", 2);
    /* unique: a loop-scoped one has no <when> (known only when the instance
     * ends) and names a segment; a segment-scoped one compares the elements
     * of its segment (every) */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='u1' scope='ST'><when seg='CLM' op='present'/>"
                    "<then seg='REF' el='REF02' op='unique'/></rule></rules></guide>",
                    "rule 'u1': unique needs an element", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='u2' scope='ST'><then seg='REF' op='unique'/></rule></rules></guide>",
                    "rule 'u2': unique needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='u3' scope='*' seg='HI'><then el='HI01-02' op='unique'/></rule>"
                    "</rules></guide>",
                    "rule 'u3': unique needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='u4' scope='*' seg='HI'><then el='HI01-02' op='present' "
                    "every='true'/></rule></rules></guide>",
                    "every=\"true\" is an attribute of op=\"unique\"", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='u5' scope='*' seg='HI'><then el='HI01-02' op='unique' "
                    "every='yes'/></rule></rules></guide>",
                    "every=\"true\" is an attribute", 2);
    /* each=: a <then> of a loop-scoped rule, on an element, of an operator read once */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='e1' scope='ST'><when seg='BHT' el='BHT06' op='eq' vals='CH' "
                    "each='true'/><then seg='CLM' el='CLM02' op='positive'/></rule></rules></guide>",
                    "rule 'e1': each= needs an element or a loop's segment", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='e2' scope='*' seg='CLM'><then el='CLM02' op='positive' "
                    "each='true'/></rule></rules></guide>",
                    "rule 'e2': each= needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='e3' scope='ST'><then seg='CLM' op='present' each='true'/></rule>"
                    "</rules></guide>",
                    "rule 'e3': each= needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='e4' scope='ST'><when seg='BHT' el='BHT04' op='present'/>"
                    "<then seg='DMG' el='DMG02' op='notafter' each='true'/></rule></rules></guide>",
                    "rule 'e4': each= needs", 2);
    /* a key names an element the segment defines (a component only of a composite) */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R' key='ST05' keyvals='1'>\n"
                    "<el ref='ST01' usage='R' type='AN' minlen='1' maxlen='3'/></seg></guide>",
                    "key 'ST05' names no element the segment defines", 1);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R' key='ST01-02' keyvals='1'>\n"
                    "<el ref='ST01' usage='R' type='AN' minlen='1' maxlen='3'/></seg></guide>",
                    "key 'ST01-02' names no element the segment defines", 1);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R' key='ST01-03' keyvals='1'>\n"
                    "<comp ref='ST01' usage='R'><el ref='ST01-01' usage='R' type='AN' minlen='1' "
                    "maxlen='3'/><el ref='ST01-02' usage='R' type='AN' minlen='1' maxlen='3'/></comp>"
                    "</seg></guide>",
                    "key 'ST01-03' names no element the segment defines", 1);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'>\n"
                    "<el ref='ST01' usage='R' type='XX' minlen='1' maxlen='3'/></seg></guide>",
                    "unknown data type 'XX'", 2);
    /* structure: components inside an <el> were ignored (the element taken as
     * simple), anything but elements inside a <seg> too */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'><el ref='ST01' usage='R' "
                    "type='AN' minlen='1' maxlen='3'>\n<comp ref='ST01-01' usage='R'/></el></seg>"
                    "</guide>",
                    "<comp> inside <el>: a composite is <comp> with <el>s", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'>\n<note>x</note></seg></guide>",
                    "<note> inside <seg>: only <el> and <comp>", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'>\n"
                    "<el ref='ST01' usage='R' type='AN' minlen='1' maxlen='3'/>"
                    "<el ref='ST03' usage='R' type='AN' minlen='1' maxlen='3'/></seg></guide>",
                    "segment ST skips an element position", 1);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'>\n"
                    "<comp ref='ST01' usage='R'><el ref='ST01-02' usage='R' type='AN' minlen='1' "
                    "maxlen='3'/></comp></seg></guide>",
                    "component 'ST01-02' out of order", 2);
    /* present each= on a loop's segment: every instance of a loop inside the
     * scope, not the scope's own (its instance is one) or one beside it */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/>"
                    "<loop id='L' usage='R'><seg id='AA' usage='R'/><seg id='BB' usage='S'/></loop>"
                    "<rules><rule id='e6' scope='L'><then loop='L' seg='BB' op='present' "
                    "each='true'/></rule></rules></guide>",
                    "rule 'e6': present each= needs a loop inside the scope", 0);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/>"
                    "<loop id='L' usage='R'><seg id='AA' usage='R'/></loop>"
                    "<loop id='M' usage='S'><seg id='MM' usage='R'/><seg id='BB' usage='S'/></loop>"
                    "<rules><rule id='e7' scope='L'><then loop='M' seg='BB' op='present' "
                    "each='true'/></rule></rules></guide>",
                    "rule 'e7': present each= needs a loop inside the scope", 0);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='e8' scope='ST'><then loop='L' seg='CLM' op='absent' each='true'/>"
                    "</rule></rules></guide>",
                    "rule 'e8': each= needs", 2);
    /* any=: eq or in, on an element of a segment, in a loop-scoped rule, not with each= */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='a1' scope='ST'><then seg='DTM' el='DTM01' op='ne' vals='1' "
                    "any='true'/></rule></rules></guide>",
                    "rule 'a1': any= needs eq or in on an element, no seg=/each=", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='a2' scope='*' seg='DTM'><then el='DTM01' op='eq' vals='1' "
                    "any='true'/></rule></rules></guide>",
                    "rule 'a2': any= needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='a3' scope='ST'><then seg='DTM' op='present' any='true'/></rule>"
                    "</rules></guide>",
                    "rule 'a3': any= needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='a4' scope='ST'><then seg='DTM' el='DTM01' op='in' vals='1 2' "
                    "any='true' each='true'/></rule></rules></guide>",
                    "rule 'a4': any= needs", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='a5' scope='ST'><then seg='DTM' el='DTM01' op='eq' vals='1' "
                    "any='yes'/></rule></rules></guide>",
                    "any= is \"true\" or left out", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='e5' scope='ST'><then seg='CLM' el='CLM02' op='positive' "
                    "each='yes'/></rule></rules></guide>",
                    "each= is \"true\" or left out", 2);
    /* eight conditions in a loop-scoped rule (its facts), sixteen with seg= */
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><seg id='NM1' usage='S'/>"
                    "<rules>\n<rule id='n9' scope='ST'>"
                    "<when seg='NM1' el='NM101' op='present'/><when seg='NM1' el='NM102' op='present'/>"
                    "<when seg='NM1' el='NM103' op='present'/><when seg='NM1' el='NM104' op='present'/>"
                    "<when seg='NM1' el='NM105' op='present'/><then seg='NM1' el='NM106' op='absent'/>"
                    "<then seg='NM1' el='NM107' op='absent'/><then seg='NM1' el='NM108' op='absent'/>"
                    "<then seg='NM1' el='NM109' op='absent'/></rule></rules></guide>",
                    "rule 'n9' has more than 8 conditions", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='n17' scope='*' seg='HI'>"
                    "<when el='HI01-01' op='present'/><when el='HI02-01' op='present'/>"
                    "<when el='HI03-01' op='present'/><when el='HI04-01' op='present'/>"
                    "<when el='HI05-01' op='present'/><then el='HI06-01' op='absent'/>"
                    "<then el='HI07-01' op='absent'/><then el='HI08-01' op='absent'/>"
                    "<then el='HI09-01' op='absent'/><then el='HI10-01' op='absent'/>"
                    "<then el='HI11-01' op='absent'/><then el='HI12-01' op='absent'/>"
                    "<then el='HI01-02' op='absent'/><then el='HI02-02' op='absent'/>"
                    "<then el='HI03-02' op='absent'/><then el='HI04-02' op='absent'/>"
                    "<then el='HI05-02' op='absent'/></rule></rules></guide>",
                    "rule 'n17' has more than 16 conditions", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='q1' scope='ST'><when seg='LIN' el='LIN02' op='eq' vals='N4'/>"
                    "<then seg='LIN' el='LIN03' op='pattern' pattern='[0-9]{11}'/></rule>"
                    "</rules></guide>",
                    "rule 'q1': pattern only in a rule with seg=", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='q2' scope='*' seg='LIN'><then el='LIN03' op='pattern'/></rule>"
                    "</rules></guide>",
                    "rule operator 'pattern' needs pattern=", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='q3' scope='*' seg='LIN'><then el='LIN03' op='pattern' "
                    "pattern='[0-9'/></rule></rules></guide>",
                    "pattern '[0-9'", 2);
    expect_bad_spec("<guide id='X' ts='835'><seg id='ST' usage='R'/><rules>\n"
                    "<rule id='p4' scope='ST'><then seg='SV1' el='SV107' op='pointed'/></rule>"
                    "</rules></guide>",
                    "unknown rule operator 'pointed'", 2);
    /* a well-formed minimal guide loads */
    const char *ok = "<guide id='X' ts='835'><seg id='ST' usage='R'/><seg id='SE' usage='R'/></guide>";
    x12_error err;
    x12_spec *s = x12_spec_load_memory(ok, strlen(ok), NULL, &err);
    assert_non_null(s);
    x12_spec_free(s);
}

/* --- walking ----------------------------------------------------------------- */

typedef struct walk_log walk_log;
struct walk_log {
    strbuf events, findings;
    x12_walker *w;
    unsigned flags;
    const x12_spec *spec; /* the guide of the first set walked */
    /* walk_hooked(): hands each segment to the walker in its stead */
    int (*hook)(walk_log *l, const x12_segment *seg);
    int count; /* the hook's own */
};

static int on_event(void *ctx, const x12_walk_event *e)
{
    walk_log *l = ctx;
    if (e->spec && !l->spec)
        l->spec = e->spec;
    if (e->kind == X12_WALK_SEGMENT)
        sb_printf(&l->events, "%*s%.*s@%s%s%s\n", (int)e->depth * 2, "", (int)e->seg->id.len,
                  e->seg->id.ptr, e->loop_id ? e->loop_id : "-", e->placed ? "" : " UNPLACED",
                  e->over ? " OVER" : "");
    else
        sb_printf(&l->events, "%*s%s %s%s\n", (int)e->depth * 2, "",
                  e->kind == X12_WALK_ENTER ? "ENTER" : "LEAVE", e->loop_id,
                  e->cut == X12_WALK_CUT_INPUT      ? " (input ends)"
                  : e->cut == X12_WALK_CUT_ENVELOPE ? " (no SE)"
                                                    : "");
    return 0;
}

static int log_triggers; /* on_finding() adds the situational trigger (999 CTX) */

static void on_finding(void *ctx, const x12_finding *f)
{
    walk_log *l = ctx;
    static const char *SEV[] = {"error", "warning", "info"};
    sb_printf(&l->findings, "%s %s snip=%u loop=%s segment=%u set=%u id=%s el=%u.%u ik3=%s ik4=%s %s",
              x12_status_name(f->err.code), SEV[f->severity], (unsigned)f->snip, f->loop_id,
              (unsigned)f->err.segment_index, (unsigned)f->err.set_position, f->err.segment_id,
              (unsigned)f->err.element_pos, (unsigned)f->err.component_pos, f->ik3, f->ik4,
              f->err.detail);
    if (log_triggers && f->trigger_set_position)
        sb_printf(&l->findings, " trigger=%s@%u el=%u", f->trigger_id,
                  (unsigned)f->trigger_set_position, (unsigned)f->trigger_element);
    sb_printf(&l->findings, "\n");
}

static int seg_cb(void *ctx, const x12_segment *seg)
{
    walk_log *l = ctx;
    return l->hook ? l->hook(l, seg) : x12_walker_segment(l->w, seg) != X12_OK;
}

static void err_cb(void *ctx, const x12_error *e)
{
    x12_walker_reader_error(((walk_log *)ctx)->w, e);
}

static int memo_off; /* walk_data() with the walker's memo of clean segments off */
static x12_spec *walk_spec; /* walk_data() with this spec (an overlaid one), not the built-in */

static void walk_hooked(const char *data, size_t len, walk_log *l, unsigned flags,
                        int (*hook)(walk_log *, const x12_segment *))
{
    memset(l, 0, sizeof *l);
    l->flags = flags;
    l->hook = hook;
    sb_add(&l->events, "", 0);
    sb_add(&l->findings, "", 0);
    x12_walker_callbacks wc = {on_event, on_finding};
    l->w = x12_walker_new(&wc, l, l->flags);
    if (memo_off)
        x12__walker_memo(l->w, 0);
    if (walk_spec)
        assert_int_equal(x12_walker_use_spec(l->w, walk_spec), X12_OK);
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {seg_cb, err_cb};
    x12_reader *r = x12_reader_new(&o, &cb, l);
    x12_reader_feed(r, data, len);
    x12_reader_finish(r);
    x12_reader_free(r);
    x12_walker_finish(l->w);
    x12_walker_free(l->w);
}

static void walk_data(const char *data, size_t len, walk_log *l, unsigned flags)
{
    walk_hooked(data, len, l, flags, NULL);
}

static void walk_path_flags(const char *path, walk_log *l, unsigned flags)
{
    size_t len;
    char *data = read_file(path, &len);
    if (!data)
        fail_msg("cannot read %s", path);
    walk_data(data, len, l, flags);
    free(data);
}

static void walk_path(const char *path, walk_log *l)
{
    walk_path_flags(path, l, 0);
}

#define C X12KIT_SOURCE_DIR "/fixtures/corpus/"

static void test_events_835(void **state)
{
    (void)state;
    walk_log l;
    walk_path(C "stupidedi__multiple-claims-single-check.edi", &l);
    assert_string_equal(l.findings.p, "");
    /* the start of the loop tree, as the 835 guide has it */
    const char *want = "ISA@-\nGS@-\nENTER ST\nST@ST\nBPR@ST\nTRN@ST\nREF@ST\n  ENTER 1000A\n"
                       "  N1@1000A\n  N3@1000A\n  N4@1000A\n  PER@1000A\n  LEAVE 1000A\n"
                       "  ENTER 1000B\n  N1@1000B\n  LEAVE 1000B\n  ENTER 2000\n  LX@2000\n"
                       "    ENTER 2100\n    CLP@2100\n    NM1@2100\n    NM1@2100\n    AMT@2100\n"
                       "      ENTER 2110\n      SVC@2110\n";
    if (strncmp(l.events.p, want, strlen(want)) != 0)
        fail_msg("events:\n%.800s", l.events.p);
    /* and its end */
    const char *end = strstr(l.events.p, "      LEAVE 2110\n    LEAVE 2100\n  LEAVE 2000\nSE@ST\nLEAVE ST\nGE@-\nIEA@-\n");
    assert_non_null(end);
    sb_free(&l.events);
    sb_free(&l.findings);
}

/* x12_walk_event.over marks a second of what the guide allows one of: a
 * second N3 of the payer (max use 1), and a second 1000A (repeat 1) with all
 * it holds; a second PER*BL (max use unbounded) and a second claim are not
 * marked.  The repeats are reported as before. */
static void test_events_over(void **state)
{
    (void)state;
    size_t n;
    char *d = read_file(C "stupidedi__multiple-claims-single-check.edi", &n);
    assert_non_null(d);
    const char *n3 = strstr(d, "N3*");
    const char *n1pe = strstr(d, "N1*PE*");
    assert_non_null(n3);
    assert_non_null(n1pe);
    size_t n3_end = (size_t)(strchr(n3, '~') + 1 - d);
    /* the later place first, so that the earlier offset still holds */
    char *t = insert_text(d, (size_t)(n1pe - d),
                          "PER*BL*SECOND DESK*TE*8005550199~N1*PR*SECOND PAYER~N3*THIRD STREET~");
    char *text = insert_text(t, n3_end, "N3*SECOND STREET~");
    free(t);
    walk_log l;
    walk_data(text, strlen(text), &l, 0);
    const char *want = "  ENTER 1000A\n  N1@1000A\n  N3@1000A\n  N3@1000A OVER\n  N4@1000A\n"
                       "  PER@1000A\n  PER@1000A\n  LEAVE 1000A\n  ENTER 1000A\n"
                       "  N1@1000A OVER\n  N3@1000A OVER\n  LEAVE 1000A\n  ENTER 1000B\n"
                       "  N1@1000B\n  LEAVE 1000B\n";
    if (!strstr(l.events.p, want))
        fail_msg("events:\n%.900s", l.events.p);
    unsigned overs = 0;
    for (const char *p = l.events.p; (p = strstr(p, " OVER\n")); p++)
        overs++;
    assert_int_equal(overs, 3);
    assert_non_null(strstr(l.findings.p, "X12_ERR_SEGMENT_REPEAT"));
    assert_non_null(strstr(l.findings.p, "X12_ERR_LOOP_REPEAT"));
    sb_free(&l.events);
    sb_free(&l.findings);
    free(text);
    free(d);
}

/* A set left before its SE: its loops' LEAVE events say why, the input's
 * end or an envelope segment that came first; a set its SE closes says
 * nothing. */
static void test_events_cut(void **state)
{
    (void)state;
    size_t n;
    char *data = read_file(C "stupidedi__multiple-claims-single-check.edi", &n);
    assert_non_null(data);
    char *plb = strstr(data, "SVC*");
    assert_non_null(plb);
    size_t head = (size_t)(strchr(plb, '~') + 1 - data);
    /* ends there */
    walk_log l;
    walk_data(data, head, &l, 0);
    if (!strstr(l.events.p, "      SVC@2110\n      LEAVE 2110 (input ends)\n    LEAVE 2100 (input ends)\n"
                            "  LEAVE 2000 (input ends)\nLEAVE ST (input ends)\n"))
        fail_msg("events:\n%s", l.events.p);
    sb_free(&l.events);
    sb_free(&l.findings);
    /* another ST comes, then the whole file again */
    char *st = strstr(data, "ST*");
    assert_non_null(st);
    char *two = malloc(head + n);
    assert_non_null(two);
    memcpy(two, data, head);
    memcpy(two + head, st, (size_t)(data + n - st));
    walk_data(two, head + (size_t)(data + n - st), &l, 0);
    if (!strstr(l.events.p, "      SVC@2110\n      LEAVE 2110 (no SE)\n    LEAVE 2100 (no SE)\n"
                            "  LEAVE 2000 (no SE)\nLEAVE ST (no SE)\nENTER ST\nST@ST\n"))
        fail_msg("events:\n%s", l.events.p);
    /* the second set, closed by its SE, says nothing */
    assert_non_null(strstr(l.events.p, "SE@ST\nLEAVE ST\nGE@-\n"));
    const char *second = strstr(l.events.p, "LEAVE ST (no SE)\n");
    assert_non_null(second);
    assert_null(strstr(second + strlen("LEAVE ST (no SE)\n"), "(no SE)"));
    assert_null(strstr(l.events.p, "(input ends)"));
    sb_free(&l.events);
    sb_free(&l.findings);
    free(two);
    free(data);
}

/* Clean TR3 examples of every guide walk without a finding. */
static void test_clean_examples(void **state)
{
    (void)state;
    static const char *FILES[] = {
        C "stupidedi__multiple-claims-single-check.edi",
        C "stupidedi__837-institutional-claim.edi",
        C "stupidedi__orthodontic-treatment-plan.edi",
        C "stupidedi__anesthesia.edi",
        C "imsweb-x12-parser__x12_999_rejected.txt",
    };
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        walk_log l;
        walk_path(FILES[i], &l);
        if (l.findings.len)
            fail_msg("%s:\n%s", FILES[i], l.findings.p);
        assert_non_null(strstr(l.events.p, "ENTER ST\n"));
        assert_null(strstr(l.events.p, "UNPLACED"));
        sb_free(&l.events);
        sb_free(&l.findings);
    }
}

#define ISA "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261126*1200*^*00501*000000001*0*T*:~"
#define GS837 "GS*HC*SX*RX*20261126*1200*1*X*005010X222A1~"

/* Each structural finding, with its segment position. */
/* The positions of the required-segment and required-loop findings. */
typedef struct at_log {
    int n;
    x12_status code[8];
    uint64_t off[8];
    uint32_t index[8];
} at_log;

static void at_finding(void *ctx, const x12_finding *f)
{
    at_log *a = ctx;
    if ((f->err.code == X12_ERR_REQUIRED_LOOP || f->err.code == X12_ERR_REQUIRED_SEGMENT) &&
        a->n < 8) {
        a->code[a->n] = f->err.code;
        a->off[a->n] = f->err.byte_offset;
        a->index[a->n] = f->err.segment_index;
        a->n++;
    }
}

static int at_segment(void *ctx, const x12_segment *seg)
{
    return x12_walker_segment(ctx, seg) != X12_OK;
}

static void walk_positions(const char *data, size_t len, const x12_walker_callbacks *wc, at_log *a)
{
    memset(a, 0, sizeof *a);
    x12_walker *w = x12_walker_new(wc, a, 0);
    x12_reader_options o;
    x12_reader_options_init(&o);
    x12_reader_callbacks cb = {at_segment, NULL};
    x12_reader *r = x12_reader_new(&o, &cb, w);
    x12_reader_feed(r, data, len);
    x12_reader_finish(r);
    x12_reader_free(r);
    assert_int_equal(x12_walker_finish(w), X12_OK);
    x12_walker_free(w);
}

static void test_findings(void **state)
{
    (void)state;
    walk_log l;
    /* an 835 with only BPR and TRN: the required loops are missing at SE */
    size_t n;
    char *y = read_file(X12KIT_SOURCE_DIR "/fixtures/x12/y_minimal.x12", &n);
    walk_data(y, n, &l, 0);
    free(y);
    assert_string_equal(l.findings.p,
                        "X12_ERR_REQUIRED_LOOP error snip=2 loop=ST segment=6 set=4 id=SE el=0.0 ik3=3 ik4= loop 1000A missing in loop ST\n"
                        "X12_ERR_REQUIRED_LOOP error snip=2 loop=ST segment=6 set=4 id=SE el=0.0 ik3=3 ik4= loop 1000B missing in loop ST\n");
    sb_free(&l.events);
    sb_free(&l.findings);

    /* the input ends inside the set: what it lacks is reported where the
     * last segment ends (its terminator), not at byte 0 */
    char *cut = read_file(X12KIT_SOURCE_DIR "/fixtures/x12/y_minimal.x12", &n);
    const char *trn = strstr(cut, "TRN*");
    size_t cut_len = (size_t)(strstr(trn, "~") - cut); /* up to TRN, its terminator cut off */
    x12_walker_callbacks pc = {NULL, at_finding};
    at_log al = {0};
    walk_positions(cut, cut_len, &pc, &al);
    assert_int_equal(al.n, 3); /* 1000A, 1000B, SE */
    for (int i = 0; i < al.n; i++) {
        assert_int_equal(al.code[i] == X12_ERR_REQUIRED_LOOP || al.code[i] == X12_ERR_REQUIRED_SEGMENT, 1);
        assert_int_equal(al.off[i], cut_len);
        assert_int_equal(al.index[i], 0);
    }
    /* the same file whole: at its SE, as before */
    walk_positions(cut, n, &pc, &al);
    assert_int_equal(al.n, 2);
    assert_int_equal(al.off[0], (uint64_t)(strstr(cut, "SE*") - cut));
    free(cut);

    /* unknown guide: one informational finding, segments still handed on */
    const char *unknown = ISA "GS*HC*SX*RX*20261126*1200*1*X*004010X098A1~ST*837*0001~BHT*0019~SE*3*0001~GE*1*1~IEA*1*000000001~";
    walk_data(unknown, strlen(unknown), &l, 0);
    assert_string_equal(l.findings.p,
                        "X12_ERR_UNKNOWN_GUIDE info snip=1 loop=ST segment=3 set=1 id=ST el=0.0 ik3= ik4= ST01 837 with guide '004010X098A1' (from GS08)\n");
    assert_non_null(strstr(l.events.p, "BHT@ST\n"));
    sb_free(&l.events);
    sb_free(&l.findings);

    /* 837P: a segment the guide lacks, one out of place, a repeated loop, a
     * wrong HL02 */
    const char *bad =
        ISA GS837 "ST*837*0001*005010X222A1~BHT*0019*00*1*20261126*1200*CH~"
        "NM1*41*2*SUBMITTER*****46*1~PER*IC*ME*TE*5555555555~NM1*40*2*RECEIVER*****46*2~"
        "HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN~N4*TOWN*NY*123456789~REF*EI*123456789~"
        "NM1*85*2*CLINIC*****XX*1234567893~"
        "ZZZ*1~"
        "HL*2*9*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JOHN****MI*1~NM1*PR*2*PAYER*****PI*1~"
        "BHT*0019~"
        "SE*20*0001~GE*1*1~IEA*1*000000001~";
    walk_data(bad, strlen(bad), &l, 0);
    /* the second NM1*85 opens a second 2010AA, which then lacks its N3, N4, REF */
    const char *want =
        "X12_ERR_LOOP_REPEAT error snip=2 loop=2010AA segment=13 set=11 id=NM1 el=0.0 ik3=4 ik4= loop 2010AA occurs more than 1 times in loop 2000A\n"
        "X12_ERR_SEGMENT_UNKNOWN error snip=2 loop=2010AA segment=14 set=12 id=ZZZ el=0.0 ik3=1 ik4= \n"
        "X12_ERR_REQUIRED_SEGMENT error snip=2 loop=2010AA segment=15 set=13 id=HL el=0.0 ik3=3 ik4= segment N3 missing in loop 2010AA\n"
        "X12_ERR_REQUIRED_SEGMENT error snip=2 loop=2010AA segment=15 set=13 id=HL el=0.0 ik3=3 ik4= segment N4 missing in loop 2010AA\n"
        "X12_ERR_REQUIRED_SEGMENT error snip=2 loop=2010AA segment=15 set=13 id=HL el=0.0 ik3=3 ik4= segment REF missing in loop 2010AA\n"
        "X12_ERR_HL_PARENT error snip=2 loop=2000B segment=15 set=13 id=HL el=2.0 ik3=8 ik4=I12 HL02 '9' should be '1' for loop 2000B\n"
        "X12_ERR_SEGMENT_UNEXPECTED error snip=2 loop=2010BB segment=19 set=17 id=BHT el=0.0 ik3=2 ik4= \n";
    if (strncmp(l.findings.p, want, strlen(want)) != 0)
        fail_msg("findings:\n%s", l.findings.p);
    assert_non_null(strstr(l.events.p, "ZZZ@2010AA UNPLACED\n"));
    sb_free(&l.events);
    sb_free(&l.findings);
}

/* The HL hierarchy beside HL02: HL04 against the child HLs that follow, and
 * HL01 unique in the set.  Each case is checked for its HL findings only
 * (the bare claims lack segments the guide requires). */
static char *hl_findings(const char *hls)
{
    char data[4096];
    snprintf(data, sizeof data,
             ISA GS837 "ST*837*0001*005010X222A1~BHT*0019*00*1*20261126*1200*CH~"
                       "NM1*41*2*SUBMITTER*****46*1~PER*IC*ME*TE*5555555555~NM1*40*2*RECEIVER*****46*2~"
                       "%sSE*9*0001~GE*1*1~IEA*1*000000001~",
             hls);
    walk_log l;
    walk_data(data, strlen(data), &l, 0);
    strbuf hl = {0};
    sb_add(&hl, "", 0);
    for (char *line = l.findings.p; line && *line;) {
        char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line + 1) : strlen(line);
        if (!strncmp(line, "X12_ERR_HL_", 11))
            sb_add(&hl, line, n);
        line += n;
    }
    sb_free(&l.events);
    sb_free(&l.findings);
    return hl.p;
}

static void expect_hl(const char *hls, const char *want)
{
    char *got = hl_findings(hls);
    if (strcmp(got, want) != 0)
        fail_msg("HLs %s\nwanted:\n%s\ngot:\n%s", hls, want, got);
    free(got);
}

static void test_hl_hierarchy(void **state)
{
    (void)state;
#define HL_A "HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~"
#define HL_B(id, kids) "HL*" id "*1*22*" kids "~SBR*P********CI~"
#define HL_C(id, parent) "HL*" id "*" parent "*23*0~PAT*19~"
    /* right: a subscriber with a patient, then one who is the patient */
    expect_hl(HL_A HL_B("2", "1") HL_C("3", "2") HL_B("4", "0"), "");
    /* HL04 1 and no child: reported at that HL, when its loop ends */
    expect_hl(HL_A HL_B("2", "1") HL_B("3", "0"),
              "X12_ERR_HL_CHILD_CODE error snip=2 loop=2000B segment=10 set=8 id=HL el=4.0 ik3=8 "
              "ik4=I12 HL04 is 1 but no child HL names HL '2' as its parent\n");
    /* the last HL of the set too */
    expect_hl(HL_A HL_B("2", "1"),
              "X12_ERR_HL_CHILD_CODE error snip=2 loop=2000B segment=10 set=8 id=HL el=4.0 ik3=8 "
              "ik4=I12 HL04 is 1 but no child HL names HL '2' as its parent\n");
    /* HL04 0 and a child: reported once, at the parent, however many children */
    expect_hl(HL_A HL_B("2", "0") HL_C("3", "2") HL_C("4", "2"),
              "X12_ERR_HL_CHILD_CODE error snip=2 loop=2000B segment=10 set=8 id=HL el=4.0 ik3=8 "
              "ik4=I12 HL04 is 0 but HL '3' is its child\n");
    /* HL01 again in the same set (the second 2000B's HL02 is right: its
     * parent is 1) */
    expect_hl(HL_A HL_B("2", "0") HL_B("2", "0"),
              "X12_ERR_HL_ID_REPEAT error snip=2 loop=2000B segment=12 set=10 id=HL el=1.0 ik3=8 "
              "ik4=I12 HL01 '2' is the id of an earlier HL of this set\n");
    /* but not across sets: each ST starts afresh */
    {
        const char *two =
            ISA GS837 "ST*837*0001*005010X222A1~BHT*0019*00*1*20261126*1200*CH~" HL_A HL_B("2", "0")
                      "SE*6*0001~ST*837*0002*005010X222A1~BHT*0019*00*1*20261126*1200*CH~" HL_A HL_B("2", "0")
                      "SE*6*0002~GE*2*1~IEA*1*000000001~";
        walk_log l;
        walk_data(two, strlen(two), &l, 0);
        if (strstr(l.findings.p, "X12_ERR_HL_"))
            fail_msg("HL findings across sets:\n%s", l.findings.p);
        sb_free(&l.events);
        sb_free(&l.findings);
    }
    /* more HLs in one set than the check keeps (100 000): one info finding
     * says where it stops; no error for the unique ids before or after */
    {
        strbuf big = {0};
        sb_add(&big, "", 0);
        sb_printf(&big, "%s", ISA GS837 "ST*837*0001*005010X222A1~BHT*0019*00*1*20261126*1200*CH~" HL_A);
        for (unsigned i = 2; i <= 100002; i++)
            sb_printf(&big, "HL*%u*1*22*0~SBR*P********CI~", i);
        sb_printf(&big, "%s", "SE*9*0001~GE*1*1~IEA*1*000000001~");
        walk_log l;
        walk_data(big.p, strlen(big.p), &l, 0);
        const char *info = strstr(l.findings.p, "X12_ERR_HL_ID_REPEAT info");
        assert_non_null(info);
        assert_null(strstr(info + 1, "X12_ERR_HL_ID_REPEAT"));
        assert_null(strstr(l.findings.p, "X12_ERR_HL_ID_REPEAT error"));
        /* ids 1-100000 are kept; HL 100001 (set position 2 * 100001 + 1) is the first not checked */
        assert_non_null(strstr(info, "segment=200005 set=200003 id=HL"));
        sb_free(&big);
        sb_free(&l.events);
        sb_free(&l.findings);
    }
#undef HL_A
#undef HL_B
#undef HL_C
}

/* Element checks: each kind of finding with its element, component and IK403. */
static void test_element_findings(void **state)
{
    (void)state;
    const char *x = ISA "GS*HP*SX*RX*20261126*1200*1*X*005010X221A1~ST*835*0001~"
                        "BPR*Z*1.234*C*CHK************20261131~"
                        "TRN*1**1512345678~"
                        "N1*PR*PAYER~N3*1 MAIN~N4*TOWN*NY*12345~PER*BL*EDI*TE*5555555555*EX~"
                        "N1*PE*CLINIC*XX*1234567893~"
                        "SE*9*0001~GE*1*1~IEA*1*000000001~";
    size_t n = strlen(x);
    char *copy = malloc(n);
    memcpy(copy, x, n);
    walk_log w2;
    memset(&w2, 0, sizeof w2);
    sb_add(&w2.events, "", 0);
    sb_add(&w2.findings, "", 0);
    x12_walker_callbacks wc = {on_event, on_finding};
    w2.w = x12_walker_new(&wc, &w2, X12_WALK_ELEMENTS);
    x12_reader_callbacks cb = {seg_cb, err_cb};
    x12_reader *r = x12_reader_new(NULL, &cb, &w2);
    x12_reader_feed(r, copy, n);
    x12_reader_finish(r);
    x12_reader_free(r);
    x12_walker_finish(w2.w);
    x12_walker_free(w2.w);
    free(copy);
    const char *want =
        "X12_ERR_ELEMENT_CODE error snip=2 loop=ST segment=4 set=2 id=BPR el=1.0 ik3=8 ik4=7 BPR01: not among the guide's codes\n"
        "X12_ERR_ELEMENT_CHAR error snip=1 loop=ST segment=4 set=2 id=BPR el=2.0 ik3=8 ik4=6 BPR02: more than 2 decimal places\n"
        "X12_ERR_ELEMENT_DATE error snip=1 loop=ST segment=4 set=2 id=BPR el=16.0 ik3=8 ik4=8 BPR16\n"
        "X12_ERR_ELEMENT_REQUIRED error snip=2 loop=ST segment=5 set=3 id=TRN el=2.0 ik3=8 ik4=1 TRN02\n"
        "X12_ERR_SYNTAX_REQUIRED error snip=1 loop=1000A segment=9 set=7 id=PER el=5.0 ik3=8 ik4=2 syntax note P0506\n";
    if (strcmp(w2.findings.p, want) != 0)
        fail_msg("findings:\n%s", w2.findings.p);
    sb_free(&w2.events);
    sb_free(&w2.findings);
}

/* A qualifier element that repeats (005010X231A1 2100 CTX01, up to 10
 * times) tells same-tag siblings apart by its first repetition: the CTX of a
 * situational trigger with several repetitions is placed as one (it was
 * "not expected"), and a finding inside a repetition past the first names it. */
static void test_repeating_key(void **state)
{
    (void)state;
    const char *x = ISA "GS*FA*SX*RX*20261126*1200*1*X*005010X231A1~ST*999*0001*005010X231A1~"
                        "AK1*HC*17*005010X222A1~AK2*837*0002~IK3*REF*57**3~"
                        "CTX*SITUATIONAL TRIGGER^SITUATIONAL TRIGGER:X^SITUATIONAL TRIGGER*CLM*43**5:3*1325~"
                        "CTX*CLM01:123456789~"
                        "IK5*R*5~AK9*R*1*1*0~SE*9*0001~GE*1*1~IEA*1*000000001~";
    walk_log l;
    walk_data(x, strlen(x), &l, X12_WALK_ELEMENTS);
    const char *events = "ISA@-\nGS@-\nENTER ST\nST@ST\nAK1@ST\n"
                         "  ENTER 2000\n"
                         "  AK2@2000\n"
                         "    ENTER 2100\n"
                         "    IK3@2100\n"
                         "    CTX@2100\n"
                         "    CTX@2100\n"
                         "    LEAVE 2100\n"
                         "  IK5@2000\n"
                         "  LEAVE 2000\n"
                         "AK9@ST\nSE@ST\nLEAVE ST\nGE@-\nIEA@-\n";
    if (strcmp(l.events.p, events) != 0)
        fail_msg("events:\n%s", l.events.p);
    const char *want = "X12_ERR_ELEMENT_NOT_USED error snip=2 loop=2100 segment=7 set=5 id=CTX el=1.2 "
                       "ik3=8 ik4=I10 CTX01-02, repetition 2\n";
    if (strcmp(l.findings.p, want) != 0)
        fail_msg("findings:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
}

/* The walk the readers make (no element checks) finds nothing with `code` in x. */
static void assert_none_without_elements(const char *x, const char *code)
{
    walk_log l;
    walk_data(x, strlen(x), &l, 0);
    if (strstr(l.findings.p, code))
        fail_msg("findings without element checks:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
}

/* Separators after the last value (005010 TR3s B.1.1.3.10 "Absence of Data":
 * left out): empty elements at the end of any segment, envelope and sets of an
 * unknown guide included; empty components at the end of a composite, and a
 * composite of separators alone; empty repetitions at the end.  Each is a
 * SNIP 1 warning without 999 codes, found only with element checks on. */
static void test_trailing_separators(void **state)
{
    (void)state;
    const char *x = ISA "GS*HP*SX*RX*20261126*1200*1*X*005010X221A1*~ST*835*0001~"
                        "BPR*I*80*C*CHK************20261126~TRN*1*T1*1512345678~"
                        "N1*PR*PAYER~N3*1 MAIN ST**~N4*TOWN*NY*12345~PER*BL*EDI*TE*5555555555~"
                        "N1*PE*CLINIC*XX*1234567893~LX*1~"
                        "CLP*C1*1*100*80**12*P1~NM1*QC*1*DOE*JANE****MI*M1~"
                        "SVC*HC:99213:*100*80~SVC*HC:99214*0*0***::~"
                        "SE*14*0001~GE*1*1~"
                        "GS*HC*SX*RX*20261126*1200*2*X*004010X098A1~ST*837*0001~CLM*1*0***~SE*3*0001~GE*1*2~"
                        "GS*FA*SX*RX*20261126*1200*3*X*005010X231A1~ST*999*0001*005010X231A1~"
                        "AK1*HC*17*005010X222A1~AK2*837*0002~IK3*REF*57**3~"
                        "CTX*SITUATIONAL TRIGGER^^*CLM*43**5:3*1325~"
                        "IK5*R*5~AK9*R*1*1*0~SE*8*0001~GE*1*3~IEA*3*000000001~";
    walk_log l;
    walk_data(x, strlen(x), &l, X12_WALK_ELEMENTS);
    const char *T = "X12_ERR_TRAILING_SEPARATOR warning snip=1 ";
    char want[2048];
    snprintf(want, sizeof want,
             "%sloop= segment=2 set=0 id=GS el=9.0 ik3= ik4= 1 empty element at the end\n"
             "%sloop=1000A segment=7 set=5 id=N3 el=2.0 ik3= ik4= 2 empty elements at the end\n"
             "%sloop=2110 segment=14 set=12 id=SVC el=1.3 ik3= ik4= SVC01: 1 empty component at the end\n"
             "%sloop=2110 segment=15 set=13 id=SVC el=6.2 ik3= ik4= SVC06: 2 empty components at the end\n"
             "X12_ERR_UNKNOWN_GUIDE info snip=1 loop=ST segment=19 set=1 id=ST el=0.0 ik3= ik4= "
             "ST01 837 with guide '004010X098A1' (from GS08)\n"
             "%sloop=ST segment=20 set=2 id=CLM el=3.0 ik3= ik4= 3 empty elements at the end\n"
             "%sloop=2100 segment=28 set=5 id=CTX el=1.0 ik3= ik4= CTX01: 2 empty repetitions at the end\n",
             T, T, T, T, T, T);
    if (strcmp(l.findings.p, want) != 0)
        fail_msg("findings:\n%s\nwanted:\n%s", l.findings.p, want);
    sb_free(&l.events);
    sb_free(&l.findings);
    assert_none_without_elements(x, "TRAILING"); /* the readers' walk does not look */
}

/* Walks x with `flags` and fails unless its findings are exactly `want`. */
static void expect_findings(const char *x, unsigned flags, const char *want)
{
    walk_log l;
    walk_data(x, strlen(x), &l, flags);
    if (strcmp(l.findings.p, want) != 0)
        fail_msg("findings:\n%s\nwanted:\n%s", l.findings.p, want);
    sb_free(&l.events);
    sb_free(&l.findings);
}

/* AN values ending in spaces (X12-FACTS 2): spaces past the minimum length are a
 * warning without 999 codes, spaces alone an error (IK403 6); spaces the minimum
 * length needs are fine, and an ID with codes reports a padded value as a bad
 * code, once. */
static void test_trailing_spaces(void **state)
{
    (void)state;
    const char *x = ISA "GS*HP*SX*RX*20261126*1200*1*X*005010X221A1~ST*835*0001~"
                        "BPR*I*80*C*CHK************20261126~TRN*1*T1*1512345678~"
                        "N1*PR*PAYER  ~N3*   ~N4*TOWN*NY*12 ~PER*BL*EDI*TE*5555555555~"
                        "N1*PE*CLINIC*XX*1234567893~LX*1~"
                        "CLP*C1*1*100*80**12*P1~NM1*QC*1 *DOE*JANE****MI*M1~"
                        "SVC*HC:99213 *100*80~"
                        "SE*13*0001~GE*1*1~IEA*1*000000001~";
    const char *want =
        "X12_ERR_TRAILING_SPACE warning snip=1 loop=1000A segment=6 set=4 id=N1 el=2.0 ik3= ik4= "
        "N102: 2 spaces at the end\n"
        "X12_ERR_ELEMENT_CHAR error snip=1 loop=1000A segment=7 set=5 id=N3 el=1.0 ik3=8 ik4=6 "
        "N301: spaces alone\n"
        "X12_ERR_ELEMENT_TOO_LONG error snip=1 loop=2100 segment=13 set=11 id=NM1 el=2.0 ik3=8 ik4=5 "
        "NM102: 2 characters, at most 1\n"
        "X12_ERR_ELEMENT_CODE error snip=2 loop=2100 segment=13 set=11 id=NM1 el=2.0 ik3=8 ik4=7 "
        "NM102: not among the guide's codes\n"
        "X12_ERR_TRAILING_SPACE warning snip=1 loop=2110 segment=14 set=12 id=SVC el=1.2 ik3= ik4= "
        "SVC01-02: 1 space at the end\n";
    expect_findings(x, X12_WALK_ELEMENTS, want);
}

/* Walks `y` (n bytes) as x12 validate does, with its first `from` replaced
 * by the segment `fmt` (printf) gives, into *l. */
static void walk_edited(const char *y, size_t n, const char *from, walk_log *l, const char *fmt,
                        ...)
{
    const char *at = strstr(y, from);
    assert_non_null(at);
    size_t head = (size_t)(at - y), tail = head + strlen(from);
    char seg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(seg, sizeof seg, fmt, ap);
    va_end(ap);
    strbuf x = {0};
    sb_add(&x, y, head);
    sb_add(&x, seg, strlen(seg));
    sb_add(&x, y + tail, n - tail);
    walk_data(x.p, x.len, l, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    sb_free(&x);
}

/* Rule op street (837 2010AA N3, rule <guide>.billing-street-address): a post
 * office box, lock box or private mailbox in either address line is one
 * finding at its element; streets that only look like one are not. */
static void test_street_address(void **state)
{
    (void)state;
    size_t n;
    char *y = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/y_837p_generated.x12", &n);
    assert_non_null(y);
    static const struct {
        const char *n3; /* the elements after N3* */
        unsigned el;    /* the element reported, 0: none */
    } CASES[] = {
        {"PO BOX 4417", 1},          {"P.O. Box 4417", 1},
        {"P. O. BOX 12", 1},         {"P0 BOX 12", 1},
        {"POBOX 12", 1},             {"Post Office Box 9", 1},
        {"LOCKBOX 7781", 1},         {"Lock Box 7781", 1},
        {"POB 12", 1},               {"BOX 12", 1},
        {"PMB 40", 1},               {"3934 CHESTNUT LN*PO BOX 5", 2},
        {"3934 CHESTNUT LN*STE 4#PMB 40", 2},
        {"3934 CHESTNUT LN", 0},     {"12 BOX ELDER RD", 0},
        {"RR 2 BOX 15", 0},          {"9 PO BOXWOOD CT", 0},
        {"1 POB ST", 0},             {"77 POPLAR BOX LN", 0},
        {"4 SHIPBOX 5 WAY", 0},      {"100 POST OFFICE RD", 0},
        {"3934 CHESTNUT LN*SUITE 200", 0},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        walk_log l; /* the billing provider's N3 */
        walk_edited(y, n, "N3*3934 CHESTNUT LN~", &l, "N3*%s~", CASES[i].n3);
        char want[512] = "";
        if (CASES[i].el)
            snprintf(want, sizeof want,
                     "X12_ERR_RULE error snip=4 loop=2010AA segment=11 set=9 id=N3 el=%u.0 ik3= "
                     "ik4=I12 837p.billing-street-address\n",
                     CASES[i].el);
        if (strcmp(l.findings.p, want) != 0)
            fail_msg("N3*%s: findings\n%s\nwanted\n%s", CASES[i].n3, l.findings.p, want);
        sb_free(&l.events);
        sb_free(&l.findings);
    }
    free(y);
}

/* Rule op pointers (837p.diagnosis-pointers): each SV107 component must be the
 * number of a diagnosis the claim's HI holds; the first bad one is reported
 * at its component, once per SV1; what is no number is the element checks'. */
static void test_diagnosis_pointers(void **state)
{
    (void)state;
    size_t n;
    char *y = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/y_837p_generated.x12", &n);
    assert_non_null(y);
    static const struct {
        const char *ptrs;
        unsigned comp; /* the component reported by the rule, 0: none */
        int element;   /* an element finding too (the codes 1-12, type N0) */
    } CASES[] = {
        {"1", 0, 0},     {"1:2:3", 0, 0}, {"3:1:2", 0, 0}, {"1:2:3:3", 0, 0},
        {"4", 1, 0},     {"1:4", 2, 0},   {"1:2:12", 3, 0}, {"3:2:1:11", 4, 0},
        /* not a position of the HI (0, 13 and up) or no number: the codes' */
        {"2:0", 0, 1},   {"1:100", 0, 1}, {"1:99999999999999999999", 0, 1},
        {"13:4", 2, 1},  {"1:X", 0, 1},   {"01:02", 0, 1},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        walk_log l; /* the second claim: HI*ABK:N390*ABF:S61411A*ABF:H6690, one line */
        walk_edited(y, n, "SV1*HC:99214*210*UN*1***1:3~", &l, "SV1*HC:99214*210*UN*1***%s~",
                    CASES[i].ptrs);
        char want[256] = "";
        if (CASES[i].comp)
            snprintf(want, sizeof want,
                     "X12_ERR_RULE error snip=4 loop=2400 segment=42 set=40 id=SV1 el=7.%u ik3= "
                     "ik4=I12 837p.diagnosis-pointers\n",
                     CASES[i].comp);
        const char *rule = strstr(l.findings.p, "X12_ERR_RULE");
        if (CASES[i].comp ? !rule || strncmp(rule, want, strlen(want)) != 0 ||
                                strstr(rule + 1, "X12_ERR_RULE")
                          : rule != NULL)
            fail_msg("SV107 %s: findings\n%s\nwanted\n%s", CASES[i].ptrs, l.findings.p, want);
        if ((strstr(l.findings.p, "X12_ERR_ELEMENT") != NULL) != CASES[i].element)
            fail_msg("SV107 %s: element findings\n%s", CASES[i].ptrs, l.findings.p);
        sb_free(&l.events);
        sb_free(&l.findings);
    }
    free(y);
}

/* Values of one element edited into a fixture (its first `from` replaced by
 * `fmt` with the value): each bad one gives exactly the finding `want` (a
 * whole line), a good one no finding of the rule (`rule`). */
typedef struct value_case {
    const char *value;
    int bad;
} value_case;

static void rule_values(const char *fixture, const char *from, const char *fmt, const char *rule,
                        const char *want, const value_case *cases, size_t ncases)
{
    size_t n;
    char *y = read_file(fixture, &n);
    assert_non_null(y);
    for (size_t i = 0; i < ncases; i++) {
        walk_log l;
        walk_edited(y, n, from, &l, fmt, cases[i].value);
        const char *at = strstr(l.findings.p, rule);
        if ((at != NULL) != cases[i].bad)
            fail_msg("%s %s: findings\n%s", rule, cases[i].value, l.findings.p);
        if (at && !strstr(l.findings.p, want))
            fail_msg("%s %s: findings\n%s\nwanted\n%s", rule, cases[i].value, l.findings.p, want);
        sb_free(&l.events);
        sb_free(&l.findings);
    }
    free(y);
}

/* Rule 837p.drug-unit-count (op positive): a drug's unit count (2410 CTP04) is
 * more than zero; the second claim's drug, a good NDC. */
static void test_drug_unit_count(void **state)
{
    (void)state;
    static const value_case CASES[] = {{"1", 0},   {"0.25", 0}, {".5", 0}, {"12.000", 0},
                                       {"100", 0}, {"0", 1},    {"0.0", 1}, {"-1", 1},
                                       {"-0.5", 1}, {"000", 1}, {"-0", 1},
                                       /* no number: the element check's, not the rule's */
                                       {"1X", 0},   {".", 0}};
    rule_values(X12KIT_SOURCE_DIR "/fixtures/validate/n_837p_ndc_hyphens.x12", "CTP****1*UN~",
                "CTP****%s*UN~", "837p.drug-unit-count",
                "X12_ERR_RULE error snip=4 loop=2410 segment=48 set=46 id=CTP el=4.0 ik3= ik4=I12 "
                "837p.drug-unit-count\n",
                CASES, sizeof CASES / sizeof CASES[0]);
}

/* Rule 837p.line-paid-not-negative (op notnegative): a prior payer's line paid
 * amount (2430 SVD02) is zero or more; a secondary claim's line (segment 279
 * of the file, the 277th of its set). */
static void test_line_paid_not_negative(void **state)
{
    (void)state;
    static const value_case CASES[] = {{"28.28", 0}, {"0", 0},      {"0.00", 0}, {".5", 0},
                                       {"100", 0},   {"-28.28", 1}, {"-0.01", 1}, {"-1", 1},
                                       {"-0.00", 0},
                                       /* no number: the element check's, not the rule's */
                                       {"2X.50", 0}, {"-", 0}};
    rule_values(X12KIT_SOURCE_DIR "/fixtures/demo-inbox/claims-2026-11-24.837", "SVD*MMI77*28.28*",
                "SVD*MMI77*%s*", "837p.line-paid-not-negative",
                "X12_ERR_RULE error snip=4 loop=2430 segment=279 set=277 id=SVD el=2.0 ik3= "
                "ik4=I12 837p.line-paid-not-negative\n",
                CASES, sizeof CASES / sizeof CASES[0]);
}

/* X12_ERR_CAS_BOTH_LEVELS (005010X221A1, X12-FACTS trap 5): a line's CAS group
 * and reason that its claim's 2100 CAS has too is a warning at the line's
 * reason element, once per claim and pair; another claim starts afresh, and
 * the same reason in another group is another adjustment. */
static void test_cas_both_levels(void **state)
{
    (void)state;
    const char *x =
        ISA "GS*HP*SX*RX*20261126*1200*1*X*005010X221A1~ST*835*0001~"
            "BPR*I*150*C*CHK************20261126~TRN*1*T1*1512345678~"
            "N1*PR*PAYER~N3*1 MAIN ST~N4*TOWN*NY*12345~PER*BL*EDI*TE*5555555555~"
            "N1*PE*CLINIC*XX*1234567893~LX*1~"
            "CLP*C1*1*200*50*50*12*P1~CAS*CO*45*10~CAS*PR*3*20~NM1*QC*1*DOE*JANE****MI*M1~"
            "SVC*HC:99213*100*40~CAS*PR*3*30~CAS*CO*45*30~"
            "SVC*HC:99214*100*10~CAS*CO*45*50~CAS*OA*3*40~"
            "CLP*C2*1*100*100**12*P2~NM1*QC*1*DOE*JOHN****MI*M2~"
            "SVC*HC:99213*100*100~CAS*CO*45*0~"
            "SE*24*0001~GE*1*1~IEA*1*000000001~";
    const char *want =
        "X12_ERR_CAS_BOTH_LEVELS warning snip=3 loop=2110 segment=17 set=15 id=CAS el=2.0 ik3= "
        "ik4= PR-3 also at the claim level; one level only, RFI 358\n"
        "X12_ERR_CAS_BOTH_LEVELS warning snip=3 loop=2110 segment=18 set=16 id=CAS el=2.0 ik3= "
        "ik4= CO-45 also at the claim level; one level only, RFI 358\n"
        "X12_ERR_BALANCE error snip=3 loop=2100 segment=12 set=10 id=CLP el=0.0 ik3= ik4= "
        "CLP03 - claim and line CAS = CLP04: expected 50.00, found 20.00\n";
    expect_findings(x, X12_WALK_ELEMENTS | X12_WALK_BALANCE, want);
}

/* The envelope's elements against specs/control.00501.xml (docs/validate.md
 * "The envelope's elements"): SNIP 1 errors without IK3/IK4 on ISA, TA1 and
 * GS; ISA13 and GS06 left to the reader (one finding each), ISA02's spaces,
 * ISA11 and ISA16 fine; an interchange of 00401 not checked so; nothing
 * without element checks. */
static void test_envelope_elements(void **state)
{
    (void)state;
    const char *x =
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260230*1200*^*00501*00000000A*5*T*:~"
        "TA1*000000009*260230*1200*X*000~"
        "GS*HC*S*RX*20260230*1200*A1*X*005010X222A1~GE*0*A1~IEA*1*00000000A~"
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260230*1200*^*00401*000000002*0*T*:~"
        "GS*HC*S*RX*20260230*1200*2*X*004010X098A1~GE*0*2~IEA*1*000000002~";
    walk_log l;
    walk_data(x, strlen(x), &l, X12_WALK_ELEMENTS);
    const char *want =
        "X12_ERR_ISA_FIELD error snip=1 loop= segment=1 set=0 id=ISA el=13.0 ik3= ik4= ISA13 must be 9 digits\n"
        "X12_ERR_ELEMENT_DATE error snip=1 loop= segment=1 set=0 id=ISA el=9.0 ik3= ik4= ISA09\n"
        "X12_ERR_ELEMENT_CODE error snip=1 loop= segment=1 set=0 id=ISA el=14.0 ik3= ik4= "
        "ISA14: not among the guide's codes\n"
        "X12_ERR_ELEMENT_DATE error snip=1 loop= segment=2 set=0 id=TA1 el=2.0 ik3= ik4= TA102\n"
        "X12_ERR_ELEMENT_CODE error snip=1 loop= segment=2 set=0 id=TA1 el=4.0 ik3= ik4= "
        "TA104: not among the guide's codes\n"
        "X12_ERR_BAD_COUNT error snip=1 loop= segment=3 set=0 id=GS el=6.0 ik3= ik4= GS06 must be 1-9 digits\n"
        "X12_ERR_ELEMENT_TOO_SHORT error snip=1 loop= segment=3 set=0 id=GS el=2.0 ik3= ik4= "
        "GS02: 1 characters, at least 2\n"
        "X12_ERR_ELEMENT_DATE error snip=1 loop= segment=3 set=0 id=GS el=4.0 ik3= ik4= GS04\n";
    if (strncmp(l.findings.p, want, strlen(want)) != 0)
        fail_msg("findings:\n%s\nwanted first:\n%s", l.findings.p, want);
    /* what follows is the reader's (GE02, IEA02 numbers): none of the 00401 interchange's
     * elements */
    if (strstr(l.findings.p + strlen(want), "ELEMENT_"))
        fail_msg("findings after the first interchange's:\n%s", l.findings.p + strlen(want));
    sb_free(&l.events);
    sb_free(&l.findings);
    assert_none_without_elements(x, "ELEMENT_");
}

/* A set whose guide's functional id (the spec's fid) is not its group's GS01:
 * an 837 among 835s.  A set of an unknown guide is not checked so. */
static void test_functional_id(void **state)
{
    (void)state;
    const char *x = ISA "GS*HP*SX*RX*20261126*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~"
                        "SE*2*0001~ST*810*0002~SE*2*0002~GE*2*1~IEA*1*000000001~";
    walk_log l;
    walk_data(x, strlen(x), &l, X12_WALK_ELEMENTS);
    const char *want = "X12_ERR_FUNCTIONAL_ID error snip=1 loop=ST segment=3 set=1 id=ST el=0.0 ik3= "
                       "ik4= ST01 837 in a group of GS01 'HP'; its guide's is HC\n";
    if (strncmp(l.findings.p, want, strlen(want)) != 0)
        fail_msg("findings:\n%s", l.findings.p);
    if (strstr(l.findings.p + strlen(want), "FUNCTIONAL_ID"))
        fail_msg("more findings:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
    /* ST03 is not GS08: a warning, and the set is checked as ST03 says */
    const char *y = ISA "GS*HC*SX*RX*20261126*1200*1*X*005010X223A2~ST*837*0001*005010X222A1~"
                        "SE*2*0001~ST*837*0002~SE*2*0002~GE*2*1~IEA*1*000000001~";
    walk_data(y, strlen(y), &l, X12_WALK_ELEMENTS);
    want = "X12_ERR_GUIDE_MISMATCH warning snip=1 loop=ST segment=3 set=1 id=ST el=0.0 ik3= ik4= "
           "ST03 '005010X222A1', GS08 '005010X223A2'; checked as ST03 says\n";
    if (strncmp(l.findings.p, want, strlen(want)) != 0 ||
        strstr(l.findings.p + strlen(want), "GUIDE_MISMATCH") ||
        !strstr(l.findings.p, "segment BHT missing in loop ST"))
        fail_msg("findings:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
}

/* The walker remembers segments whose element checks found nothing and does
 * not check their byte-for-byte twins again.  Findings must come out as if
 * every segment were checked: a bad segment repeated is reported each time,
 * the same bytes under other delimiters are checked afresh, and a segment
 * whose elements are not the reader's split of its raw bytes is never
 * answered from the memo. */
#define ISA_GT "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261126*1200*^*00501*000000002*0*T*>~"
#define H835(gs, n3) "GS*HP*SX*RX*20261126*1200*" gs "*X*005010X221A1~ST*835*0001~" \
    "BPR*H*0*C*NON************20261126~TRN*1*T1*1512345678~" \
    "N1*PR*PAYER~N3*" n3 "~N4*TOWN*NY*12345~PER*BL*EDI*TE*5555555555~" \
    "N1*PE*CLINIC*XX*1234567893~LX*1~"
#define CLAIM(svc) "CLP*C1*1*100*80**12*P1~NM1*QC*1*DOE*JANE****MI*M1~" svc
#define GOOD "SVC*HC:99213*100*80~"
#define BADAMT "SVC*HC:99213*1X0*80~"

/* Hands the walker the third SVC with its charge swapped for a bad one, its
 * raw bytes left as they were (a hand-built segment). */
static int swap_third_svc(walk_log *l, const x12_segment *seg)
{
    if (x12_slice_eq(seg->id, "SVC") && ++l->count == 3) {
        x12_slice el[8];
        memcpy(el, seg->elements, (seg->element_count + 1) * sizeof *el);
        el[2].ptr = "1X0";
        el[2].len = 3;
        x12_segment copy = *seg;
        copy.elements = el;
        return x12_walker_segment(l->w, &copy) != X12_OK;
    }
    return x12_walker_segment(l->w, seg) != X12_OK;
}

static void test_element_memo(void **state)
{
    (void)state;
    /* interchange 1 (component '>'): "1:MAIN" is plain text; interchange 2
     * (component ':'): the same N3 bytes are two components, and a good SVC
     * comes three times, a bad one three times */
    const char *x = ISA_GT H835("1", "1:MAIN") CLAIM("SVC*HC>99213*100*80~")
        "SE*13*0001~GE*1*1~IEA*1*000000002~"
        ISA H835("2", "1:MAIN") CLAIM(GOOD) CLAIM(GOOD) CLAIM(BADAMT) CLAIM(GOOD) CLAIM(BADAMT)
        CLAIM(BADAMT) "SE*28*0001~GE*1*2~IEA*1*000000001~";
    walk_log l;
    walk_data(x, strlen(x), &l, X12_WALK_ELEMENTS);
    const char *want =
        "X12_ERR_ELEMENT_COMPONENTS error snip=1 loop=1000A segment=7 set=5 id=N3 el=1.0 ik3=8 ik4=13 N301: a simple element with components\n"
        "X12_ERR_ELEMENT_CHAR error snip=1 loop=2110 segment=20 set=18 id=SVC el=2.0 ik3=8 ik4=6 SVC02: decimal (R) with a bad character\n"
        "X12_ERR_ELEMENT_CHAR error snip=1 loop=2110 segment=26 set=24 id=SVC el=2.0 ik3=8 ik4=6 SVC02: decimal (R) with a bad character\n"
        "X12_ERR_ELEMENT_CHAR error snip=1 loop=2110 segment=29 set=27 id=SVC el=2.0 ik3=8 ik4=6 SVC02: decimal (R) with a bad character\n";
    if (strcmp(l.findings.p, want) != 0)
        fail_msg("findings:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);

    /* the good SVC checked twice, then handed over with a bad charge but its
     * raw bytes unchanged: checked, not taken from the memo */
    const char *y = ISA H835("1", "1 MAIN") CLAIM(GOOD) CLAIM(GOOD) CLAIM(GOOD)
        "SE*19*0001~GE*1*1~IEA*1*000000001~";
    walk_hooked(y, strlen(y), &l, X12_WALK_ELEMENTS, swap_third_svc);
    assert_int_equal(l.count, 3);
    if (strcmp(l.findings.p, "X12_ERR_ELEMENT_CHAR error snip=1 loop=2110 segment=20 set=18 id=SVC "
                             "el=2.0 ik3=8 ik4=6 SVC02: decimal (R) with a bad character\n") != 0)
        fail_msg("findings:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
}

/* X12_WALK_NEAREST_GUIDE: an 837 of 005010X222A2 (the errata of X222A1) is
 * checked as 005010X222A1, balancing included, with one warning at its ST;
 * its findings are otherwise the A1 file's, finding for finding.  Without
 * the flag it gets envelope checks only, and the info names the nearest. */
/* A segment whose qualifier the guide does not list is placed where only it
 * could go, and its code reported (X12_ERR_ELEMENT_CODE, IK403 7), not left
 * "not expected" with the segments after it: an SVC*XX line is a 2110 with
 * a bad SVC01-01, its DTM and CAS inside it.  Where two kids could take it
 * (NM1 in 2100) or the qualifier is an HL level code, it stays unplaced.
 * Without element checks the code is still said. */
static void test_qualifier_fallback(void **state)
{
    (void)state;
    const char *x = ISA H835("1", "1 MAIN") CLAIM("SVC*XX:99213*100*80~DTM*472*20261120~CAS*CO*45*20~")
        "SE*15*0001~GE*1*1~IEA*1*000000001~";
    const char *events_tail = "    NM1@2100\n"
                              "      ENTER 2110\n"
                              "      SVC@2110\n"
                              "      DTM@2110\n"
                              "      CAS@2110\n"
                              "      LEAVE 2110\n";
    const char *want = "X12_ERR_ELEMENT_CODE error snip=2 loop=2110 segment=14 set=12 id=SVC el=1.1 "
                       "ik3=8 ik4=7 SVC01-01: not among the guide's codes\n";
    const unsigned flags[] = {X12_WALK_ELEMENTS | X12_WALK_RULES, 0};
    for (size_t k = 0; k < 2; k++) {
        walk_log l;
        walk_data(x, strlen(x), &l, flags[k]);
        if (!strstr(l.events.p, events_tail))
            fail_msg("flags %u: events:\n%s", flags[k], l.events.p);
        if (strcmp(l.findings.p, want) != 0)
            fail_msg("flags %u: findings:\n%s", flags[k], l.findings.p);
        sb_free(&l.events);
        sb_free(&l.findings);
    }
    /* the qualifier missing: a required element missing, placed the same */
    const char *m = ISA H835("1", "1 MAIN") CLAIM("SVC*:99213*100*80~")
        "SE*13*0001~GE*1*1~IEA*1*000000001~";
    walk_log l;
    walk_data(m, strlen(m), &l, 0);
    if (strcmp(l.findings.p, "X12_ERR_ELEMENT_REQUIRED error snip=2 loop=2110 segment=14 set=12 id=SVC "
                              "el=1.1 ik3=8 ik4=1 SVC01-01\n") != 0)
        fail_msg("missing qualifier: findings:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
    /* two places it could go (2100 NM1*QC, IL, 74, 82, TT, PR, GB): none */
    const char *n = ISA H835("1", "1 MAIN") CLAIM("NM1*ZZ*1*DOE*JOHN~SVC*HC:99213*100*80~")
        "SE*14*0001~GE*1*1~IEA*1*000000001~";
    walk_data(n, strlen(n), &l, X12_WALK_ELEMENTS);
    if (!strstr(l.findings.p, "X12_ERR_SEGMENT_UNEXPECTED error snip=2 loop=2100 segment=14 set=12 id=NM1"))
        fail_msg("ambiguous: findings:\n%s", l.findings.p);
    if (!strstr(l.events.p, "NM1@2100 UNPLACED"))
        fail_msg("ambiguous: events:\n%s", l.events.p);
    sb_free(&l.events);
    sb_free(&l.findings);
    /* an HL level code the guide does not list: never a guessed level */
    size_t hlen;
    char *h = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/y_837p_generated.x12", &hlen);
    assert_non_null(h);
    char *hp = strstr(h, "HL*2*1*22*0~");
    if (!hp)
        fail_msg("the fixture has no subscriber HL 2");
    memcpy(hp, "HL*2*1*99*0~", 12);
    walk_data(h, hlen, &l, X12_WALK_ELEMENTS);
    if (!strstr(l.events.p, "HL@2010AA UNPLACED") ||
        !strstr(l.findings.p, "X12_ERR_SEGMENT_UNEXPECTED error snip=2 loop=2010AA"))
        fail_msg("HL*99: events:\n%s\nfindings:\n%s", l.events.p, l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
    free(h);
}

static void test_nearest_guide(void **state)
{
    (void)state;
    const unsigned ALL = X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES;
    size_t len;
    char *a1 = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/n_837p_clm02_unbalanced.x12", &len);
    assert_non_null(a1);
    char *a2 = replace_text(a1, "005010X222A1", "005010X222A2", 0);
    assert_non_null(a2);
    walk_log want, got;
    walk_data(a1, strlen(a1), &want, ALL);
    assert_non_null(strstr(want.findings.p, "X12_ERR_BALANCE"));
    walk_data(a2, strlen(a2), &got, ALL | X12_WALK_NEAREST_GUIDE);
    strbuf expect = {0};
    sb_printf(&expect, "X12_ERR_NEAREST_GUIDE warning snip=1 loop=ST segment=3 set=1 id=ST el=0.0 ik3= "
                       "ik4= '005010X222A2' (from ST03) checked as 005010X222A1\n%s",
              want.findings.p);
    if (strcmp(got.findings.p, expect.p))
        fail_msg("with X12_WALK_NEAREST_GUIDE:\n%s\nwanted:\n%s", got.findings.p, expect.p);
    /* the same loops, too */
    assert_string_equal(got.events.p, want.events.p);
    sb_free(&expect);
    sb_free(&got.events);
    sb_free(&got.findings);
    walk_data(a2, strlen(a2), &got, ALL);
    assert_string_equal(got.findings.p,
                        "X12_ERR_UNKNOWN_GUIDE info snip=1 loop=ST segment=3 set=1 id=ST el=0.0 ik3= ik4= "
                        "ST01 837 with guide '005010X222A2' (from ST03); nearest guide: 005010X222A1\n");
    sb_free(&got.events);
    sb_free(&got.findings);
    sb_free(&want.events);
    sb_free(&want.findings);
    free(a2);
    free(a1);
}

/* Walkers share the process's copy of each built-in guide (parsing one took
 * some 6 ms a file): two walkers, in two threads at once, see the same spec
 * and give the same findings as one walker alone. */
typedef struct spec_seen {
    const char *data;
    size_t len;
    walk_log log;
} spec_seen;

static int seen_thread(void *arg)
{
    spec_seen *s = arg;
    walk_data(s->data, s->len, &s->log, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    return 0;
}

static void test_shared_specs(void **state)
{
    (void)state;
    size_t len;
    char *data = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/n_837p_clm02_unbalanced.x12", &len);
    assert_non_null(data);
    walk_log alone;
    walk_data(data, len, &alone, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    spec_seen a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.data = b.data = data;
    a.len = b.len = len;
    thrd_t ta, tb;
    assert_int_equal(thrd_create(&ta, seen_thread, &a), thrd_success);
    assert_int_equal(thrd_create(&tb, seen_thread, &b), thrd_success);
    thrd_join(ta, NULL);
    thrd_join(tb, NULL);
    assert_non_null(a.log.spec);
    assert_ptr_equal(a.log.spec, b.log.spec);
    assert_string_equal(x12_spec_guide_id(a.log.spec), "005010X222A1");
    assert_string_equal(a.log.findings.p, alone.findings.p);
    assert_string_equal(b.log.findings.p, alone.findings.p);
    sb_free(&a.log.events);
    sb_free(&a.log.findings);
    sb_free(&b.log.events);
    sb_free(&b.log.findings);
    sb_free(&alone.events);
    sb_free(&alone.findings);
    free(data);
}

/* A text value (N3-01, AN 1-55) of every length from 1 to 40, clean and then
 * with one bad byte at each position: a control byte, DEL, non-ASCII bytes,
 * the repetition and the component separator.  The clean ones give no
 * finding; every bad one gives one at N3-01, whatever its place (text is
 * checked eight bytes at a time from eight bytes up, the last word
 * overlapping the one before). */
/* spec_codekey() against the plain definition: the first eight bytes,
 * big-endian, zeros after the last; every length 0-12, bytes 0x00-0xFF. */
static void test_codekey(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        unsigned char buf[12];
        for (int i = 0; i < 12; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (unsigned char)(seed >> 16);
        }
        for (size_t n = 0; n <= 12; n++) {
            uint64_t want = 0;
            for (size_t i = 0; i < 8; i++)
                want = want << 8 | (i < n ? buf[i] : 0);
            assert_true(spec_codekey((const char *)buf, n) == want);
        }
    }
    /* order follows strcmp: a prefix sorts first */
    assert_true(spec_codekey("A", 1) < spec_codekey("AA", 2));
    assert_true(spec_codekey("AB", 2) < spec_codekey("B", 1));
}

static void test_text_bytes(void **state)
{
    (void)state;
    static const char BAD[] = {0x01, 0x1f, 0x7f, (char)0x80, (char)0xc3, (char)0xff, '^', ':'};
    char data[1024];
    char value[48];
    int checked = 0;
    for (size_t len = 1; len <= 40; len++) {
        for (int pos = -1; pos < (int)len; pos++) {
            for (size_t b = 0; b < (pos < 0 ? 1 : sizeof BAD); b++) {
                for (size_t i = 0; i < len; i++)
                    value[i] = (char)('A' + i % 26);
                if (pos >= 0)
                    value[pos] = BAD[b];
                value[len] = '\0';
                int n = snprintf(data, sizeof data,
                                 ISA "GS*HP*SX*RX*20261126*1200*1*X*005010X221A1~ST*835*0001~"
                                     "BPR*I*1*C*CHK************20261126~TRN*1*1*1512345678~"
                                     "N1*PR*PAYER~N3*%s~N4*TOWN*NY*12345~PER*BL*EDI*TE*5555555555~"
                                     "N1*PE*CLINIC*XX*1234567893~SE*9*0001~GE*1*1~IEA*1*000000001~",
                                 value);
                walk_log l;
                walk_data(data, (size_t)n, &l, X12_WALK_ELEMENTS);
                const char *at = strstr(l.findings.p, "id=N3 el=1.");
                if (pos < 0 && l.findings.p[0])
                    fail_msg("length %zu, clean: %s", len, l.findings.p);
                if (pos >= 0 && !at)
                    fail_msg("length %zu, byte 0x%02x at %d: no finding at N3-01 (%s)", len,
                             (unsigned char)BAD[b], pos, l.findings.p);
                sb_free(&l.events);
                sb_free(&l.findings);
                checked++;
            }
        }
    }
    assert_int_equal(checked, 40 + 8 * (40 * 41 / 2));
}

/* A test guide from `xml` (the test fails when it does not load). */
static x12_spec *rule_spec(const char *xml)
{
    x12_error err;
    x12_spec *s = x12_spec_load_memory(xml, strlen(xml), NULL, &err);
    if (!s)
        fail_msg("spec: %s", err.detail);
    return s;
}

/* rule_spec() of the guide TEST-R most rule tests use: ST, the segments
 * `head`, a loop L of AA and the segments `loop`, SE, and the rules `rules`. */
static x12_spec *rule_guide(const char *head, const char *loop, const char *rules)
{
    strbuf xml = {0};
    sb_printf(&xml,
              "<guide id='TEST-R' ts='835'><seg id='ST' usage='R'/>%s"
              "<loop id='L' usage='R' repeat='99'><seg id='AA' usage='R'/>%s</loop>"
              "<seg id='SE' usage='R'/><rules>%s</rules></guide>",
              head, loop, rules);
    x12_spec *s = rule_spec(xml.p);
    sb_free(&xml);
    return s;
}

/* Walks `body` (the segments between ST and SE) under guide `s` (id
 * TEST-R) with the rules only; returns the findings (the caller frees). */
static char *rule_findings(x12_spec *s, const char *body)
{
    size_t nseg = 2;
    for (const char *p = body; *p; p++)
        nseg += *p == '~';
    strbuf in = {0};
    sb_printf(&in, "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
                   "*261128*1200*^*00501*000000001*0*P*:~GS*HP*SX*RX*20261128*1200*1*X*TEST-R~"
                   "ST*835*0001*TEST-R~");
    sb_add(&in, body, strlen(body));
    sb_printf(&in, "SE*%zu*0001~GE*1*1~IEA*1*000000001~", nseg);
    walk_log l;
    walk_spec = s;
    walk_data(in.p, in.len, &l, X12_WALK_RULES);
    walk_spec = NULL;
    sb_free(&l.events);
    sb_free(&in);
    return l.findings.p;
}

/* The findings `got` (rule_findings) are `want`; frees `got`. */
static void check_findings(char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("findings:\n%s", got);
    free(got);
}

/* The differs operator on a guide of its own: each BB in a loop L must not
 * repeat the loop's AA01.  Reported at every BB that does, not at one that
 * differs or when AA01 is empty; an AA01 longer than the 40 bytes a rule
 * keeps is not compared (its first 40 bytes alone would look equal). */
static void test_rule_differs(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("", "<seg id='BB' usage='S' maxuse='9'/>",
                             "<rule id='d.t' snip='4' severity='warning' scope='L' msg='m'>"
                             "<when seg='AA' el='AA01' op='present'/>"
                             "<then seg='BB' el='BB01' op='differs'/></rule>");
    const char *forty = "0123456789012345678901234567890123456789";
    strbuf body = {0};
    sb_printf(&body, "AA*11~BB*11~BB*22~BB*11~" /* segments 4-7: BB at 5 and 7 repeat it */
                     "AA*~BB*~BB*33~"           /* 8-10: no AA01, nothing compared */
                     "AA*%sX~BB*%s~BB*%sX~",    /* 11-13: AA01 cut at 40: not compared */
              forty, forty, forty);
    check_findings(rule_findings(s, body.p),
                   "X12_ERR_RULE warning snip=4 loop=L segment=5 set=3 id=BB el=1.0 ik3= ik4= d.t\n"
                   "X12_ERR_RULE warning snip=4 loop=L segment=7 set=5 id=BB el=1.0 ik3= ik4= d.t\n");
    sb_free(&body);
    x12_spec_free(s);
}

/* The rules of a guide as x12_spec_rule_at() lists them: every one, with its
 * scope, segment, severity, SNIP type, 999 codes, message and source. */
static void test_spec_rule_list(void **state)
{
    (void)state;
    x12_error err;
    x12_spec *s = x12_spec_load_builtin("005010X223A2", &err);
    assert_non_null(s);
    x12_spec_stats st;
    x12_spec_get_stats(s, &st);
    assert_int_equal(x12_spec_rule_count(s), st.rules);
    int loop_rule = 0, seg_rule = 0;
    for (size_t i = 0; i < x12_spec_rule_count(s); i++) {
        x12_spec_rule_info r;
        assert_int_equal(x12_spec_rule_at(s, i, &r), X12_OK);
        assert_true(r.id[0] && r.message[0] && r.scope[0]);
        if (!strcmp(r.id, "837i.icd9-before-2015-10-01")) {
            loop_rule = 1;
            assert_string_equal(r.scope, "2300");
            assert_string_equal(r.segment, "");
            assert_int_equal(r.severity, X12_SEV_ERROR);
            assert_int_equal(r.snip, 5);
            assert_string_equal(r.ik3, "");
            assert_string_equal(r.ik4, "I12");
            assert_non_null(strstr(r.message, "ICD-9-CM"));
            assert_non_null(strstr(r.source, "45 CFR 162.1002"));
        }
        if (!strcmp(r.id, "837i.units-positive")) {
            seg_rule = 1;
            assert_string_equal(r.scope, "*");
            assert_string_equal(r.segment, "SV2");
        }
    }
    assert_true(loop_rule && seg_rule);
    x12_spec_rule_info r;
    assert_int_equal(x12_spec_rule_at(s, st.rules, &r), X12_ERR_USAGE);
    assert_int_equal(x12_spec_rule_at(NULL, 0, &r), X12_ERR_USAGE);
    assert_int_equal(x12_spec_rule_count(NULL), 0);
    x12_spec_free(s);
}

/* A rule without a condition (nothing to hold) is loaded and never reported;
 * its scope keeps no fact. */
static void test_rule_empty(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("", "",
                             "<rule id='z' snip='4' severity='error' scope='L' msg='m'/>");
    check_findings(rule_findings(s, "AA~AA*1~"), "");
    x12_spec_free(s);
}

/* same: each occurrence's value, where it holds one, is the first <when>'s,
 * trailing spaces aside (005010X221A1 TRN04 and BPR11). */
static void test_rule_same(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("", "<seg id='BB' usage='S' maxuse='9'/>",
                             "<rule id='s.t' snip='4' severity='error' scope='L' msg='m'>"
                             "<when seg='AA' el='AA01' op='present'/>"
                             "<then seg='BB' el='BB01' op='same'/></rule>");
    char *got = rule_findings(s, "AA*X1~BB*X1~BB*X1  ~BB*X2~BB*~BB*X~" /* 4-9: BB at 7 and 9 */
                                 "AA*Y1  ~BB*Y1~"                      /* 10-11: the when's spaces */
                                 "AA*~BB*Z~");                         /* 12-13: no AA01 */
    check_findings(got, "X12_ERR_RULE error snip=4 loop=L segment=7 set=5 id=BB el=1.0 ik3= ik4= s.t\n"
                        "X12_ERR_RULE error snip=4 loop=L segment=9 set=7 id=BB el=1.0 ik3= ik4= s.t\n");
    x12_spec_free(s);
}

/* notafter and notbefore: each occurrence's date (D8, RD8, or a DT date and
 * time) against the first <when>'s, at its last and first day; values that
 * are no date are not compared (the date rules report them). */
static void test_rule_dates(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("<seg id='HD' usage='S'/>",
                             "<seg id='BB' usage='S' maxuse='9'/>",
                             "<rule id='o.after' snip='4' severity='error' scope='L' msg='m'>"
                             "<when seg='AA' el='AA01' op='present'/>"
                             "<then seg='BB' el='BB01' op='notafter'/></rule>"
                             "<rule id='o.before' snip='4' severity='error' scope='L' msg='m'>"
                             "<when seg='AA' el='AA01' op='present'/>"
                             "<then seg='BB' el='BB02' op='notbefore'/></rule>"
                             "<rule id='o.header' snip='4' severity='error' scope='ST' msg='m'>"
                             "<when seg='HD' el='HD01' op='present'/>"
                             "<then loop='L' seg='BB' el='BB03' op='notafter'/></rule>"
                             /* a date of the rule's own, on each occurrence (each=) once the
                             * <when>s hold */
                             "<rule id='o.const' snip='4' severity='error' scope='L' msg='m'>"
                             "<when seg='AA' el='AA01' op='present'/>"
                             "<then seg='BB' el='BB04' op='notbefore' vals='20260101' each='true'/></rule>"
                             "<rule id='o.eq' snip='4' severity='error' scope='L' msg='m'>"
                             "<when seg='AA' el='AA01' op='eq' vals='20260115'/>"
                             "<then seg='BB' el='BB04' op='notafter' vals='20200101' each='true'/></rule>");
    char *got = rule_findings(s, "HD*20260201~"                          /* segment 4 */
                                 "AA*20260110-20260120~"                 /* 5 */
                                 "BB*20260120*20260110*20260201*20251231~" /* 6: o.const */
                                 "BB*20260121*20260109*20260202~"        /* 7: all three fail */
                                 "BB*20260115-20260121*20260101-20260115~" /* 8: ranges fail */
                                 "BB*202601200930*202601100000~"         /* 9: DT dates pass */
                                 "BB*2026013*2026-01-01*X~"              /* 10: no dates */
                                 "AA*2026-01-10~BB*20991231*19000101~"   /* 11-12: AA01 no date */
                                 "AA*20260115~BB*20260115*20260115~"     /* 13-14: D8 bounds */
                                 "BB*20260116*20260114**20250101~");     /* 15: all but o.header */
    const char *want =
        "X12_ERR_RULE error snip=4 loop=L segment=6 set=4 id=BB el=4.0 ik3= ik4= o.const\n"
        /* the outer scope's rule first */
        "X12_ERR_RULE error snip=4 loop=L segment=7 set=5 id=BB el=3.0 ik3= ik4= o.header\n"
        "X12_ERR_RULE error snip=4 loop=L segment=7 set=5 id=BB el=1.0 ik3= ik4= o.after\n"
        "X12_ERR_RULE error snip=4 loop=L segment=7 set=5 id=BB el=2.0 ik3= ik4= o.before\n"
        "X12_ERR_RULE error snip=4 loop=L segment=8 set=6 id=BB el=1.0 ik3= ik4= o.after\n"
        "X12_ERR_RULE error snip=4 loop=L segment=8 set=6 id=BB el=2.0 ik3= ik4= o.before\n"
        "X12_ERR_RULE error snip=4 loop=L segment=15 set=13 id=BB el=1.0 ik3= ik4= o.after\n"
        "X12_ERR_RULE error snip=4 loop=L segment=15 set=13 id=BB el=2.0 ik3= ik4= o.before\n"
        "X12_ERR_RULE error snip=4 loop=L segment=15 set=13 id=BB el=4.0 ik3= ik4= o.const\n"
        "X12_ERR_RULE error snip=4 loop=L segment=15 set=13 id=BB el=4.0 ik3= ik4= o.eq\n";
    check_findings(got, want);
    x12_spec_free(s);
}

/* notafter and notbefore with a date of their own (vals=) are read as the
 * other operators are: the first occurrence's value, decided when the
 * instance ends, so their segment may come before the <when>'s (005010X223A2
 * 2300: the statement period, DTP*434, before the HI); in a <when> too; with
 * each= on every occurrence; in a rule with seg= on the segment itself. */
static void test_rule_dates_own(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("",
                             "<seg id='BB' usage='S' maxuse='9'/><seg id='CC' usage='S' maxuse='9'/>",
                             /* CC comes after AA: read once, decided at the end */
                             "<rule id='c.once' snip='4' severity='error' scope='L' msg='m'>"
                             "<when seg='AA' el='AA01' op='present'/>"
                             "<then seg='CC' el='CC01' op='notafter' vals='20151231'/></rule>"
                             /* every BB, the <when>s as they stand then */
                             "<rule id='c.each' snip='4' severity='error' scope='L' msg='m'>"
                             "<when seg='AA' el='AA01' op='present'/>"
                             "<then seg='BB' el='BB01' op='notafter' vals='20151231' each='true'/></rule>"
                             /* a date in a <when>, of a segment after the <then>'s */
                             "<rule id='c.when' snip='4' severity='error' scope='L' msg='m'>"
                             "<when seg='CC' el='CC01' op='notbefore' vals='20160101'/>"
                             "<then seg='AA' el='AA02' op='eq' vals='X'/></rule>"
                             /* the segment's own date */
                             "<rule id='c.seg' snip='4' severity='error' scope='*' seg='BB' msg='m'>"
                             "<when el='BB02' op='present'/>"
                             "<then el='BB02' op='notbefore' vals='20151001'/></rule>");
    log_triggers = 1;
    char *got = rule_findings(s, "AA*20150101*X~"            /* segment 4 */
                                 "BB*20151231*20151001~"     /* 5: passes */
                                 "BB*20160101*20150930~"     /* 6: c.each, c.seg */
                                 "CC*20151201-20160105~"     /* 7: c.once (its last day) */
                                 "CC*20150101~"              /* 8: the second: not read */
                                 "AA*20160101*Y~"            /* 9: c.when (CC01 from 2016) */
                                 "CC*20160101~"              /* 10: c.once */
                                 "AA*20160101*X~"            /* 11 */
                                 "BB*2015~"                  /* 12: no date: not compared */
                                 "CC*20150101~");            /* 13: passes */
    log_triggers = 0;
    const char *want =
        "X12_ERR_RULE error snip=4 loop=L segment=6 set=4 id=BB el=1.0 ik3= ik4= c.each "
        "trigger=AA@2 el=1\n"
        "X12_ERR_RULE error snip=4 loop=L segment=6 set=4 id=BB el=2.0 ik3= ik4= c.seg\n"
        "X12_ERR_RULE error snip=4 loop=L segment=7 set=5 id=CC el=1.0 ik3= ik4= c.once "
        "trigger=AA@2 el=1\n"
        "X12_ERR_RULE error snip=4 loop=L segment=10 set=8 id=CC el=1.0 ik3= ik4= c.once "
        "trigger=AA@7 el=1\n"
        "X12_ERR_RULE error snip=4 loop=L segment=9 set=7 id=AA el=2.0 ik3= ik4= c.when "
        "trigger=CC@8 el=1\n";
    check_findings(got, want);
    x12_spec_free(s);
}

/* positive and notnegative: a decimal number's sign; a value that is no
 * number holds (the element checks report it). */
static void test_rule_signs(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("", "",
                             "<rule id='s.pos' snip='4' severity='error' scope='*' seg='AA' msg='m'>"
                             "<then el='AA01' op='positive'/></rule>"
                             "<rule id='s.nn' snip='4' severity='error' scope='*' seg='AA' msg='m'>"
                             "<then el='AA01' op='notnegative'/></rule>");
    char *got = rule_findings(s, "AA*1~AA*0.01~AA*.5~AA*12.~"   /* 4-7: above zero */
                                 "AA*0~AA*-0~AA*0.00~AA*.0~"    /* 8-11: zero */
                                 "AA*-.5~AA*-3~"                /* 12-13: below */
                                 "AA*-~AA*1.2.3~AA*A1~AA*.~AA~"); /* 14-18: no number, none */
    const char *want =
        "X12_ERR_RULE error snip=4 loop=L segment=8 set=6 id=AA el=1.0 ik3= ik4= s.pos\n"
        "X12_ERR_RULE error snip=4 loop=L segment=9 set=7 id=AA el=1.0 ik3= ik4= s.pos\n"
        "X12_ERR_RULE error snip=4 loop=L segment=10 set=8 id=AA el=1.0 ik3= ik4= s.pos\n"
        "X12_ERR_RULE error snip=4 loop=L segment=11 set=9 id=AA el=1.0 ik3= ik4= s.pos\n"
        "X12_ERR_RULE error snip=4 loop=L segment=12 set=10 id=AA el=1.0 ik3= ik4= s.pos\n"
        "X12_ERR_RULE error snip=4 loop=L segment=12 set=10 id=AA el=1.0 ik3= ik4= s.nn\n"
        "X12_ERR_RULE error snip=4 loop=L segment=13 set=11 id=AA el=1.0 ik3= ik4= s.pos\n"
        "X12_ERR_RULE error snip=4 loop=L segment=13 set=11 id=AA el=1.0 ik3= ik4= s.nn\n";
    check_findings(got, want);
    x12_spec_free(s);
}

/* each=: a loop-scoped rule's <then> checked on every occurrence of its
 * segment once the <when>s hold on what the instance has seen so far (not on
 * the first alone, and not again when the instance ends); a <when> that does
 * not hold, or has not come yet, checks nothing.  A pattern may be matched
 * (the segment itself is read, not a kept value). */
static void test_rule_each(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("<seg id='HH' usage='S'/>",
                             "<seg id='BB' usage='S' maxuse='9'/>",
                             "<rule id='e.pos' snip='4' severity='error' scope='ST' msg='m'>"
                             "<when seg='HH' el='HH01' op='eq' vals='CH'/>"
                             "<then loop='L' seg='AA' el='AA01' op='positive' each='true'/></rule>"
                             "<rule id='e.pat' snip='4' severity='warning' scope='L' msg='m'>"
                             "<when seg='AA' el='AA02' op='eq' vals='P'/>"
                             "<then seg='BB' el='BB01' op='pattern' pattern='[0-9]{45}' each='true'/>"
                             "</rule>");
    char *got = rule_findings(s, "HH*CH~"
                                 "AA*5~AA*0~AA*2~AA*-1.5~"  /* 5-8: 6 and 8 */
                                 "AA*1*P~BB*1~BB*123456789012345678901234567890123456789012345~"
                                 "BB*12~");                  /* 9-12: BB 10 and 12 */
    const char *want =
        "X12_ERR_RULE error snip=4 loop=L segment=6 set=4 id=AA el=1.0 ik3= ik4= e.pos\n"
        "X12_ERR_RULE error snip=4 loop=L segment=8 set=6 id=AA el=1.0 ik3= ik4= e.pos\n"
        "X12_ERR_RULE warning snip=4 loop=L segment=10 set=8 id=BB el=1.0 ik3= ik4= e.pat\n"
        "X12_ERR_RULE warning snip=4 loop=L segment=12 set=10 id=BB el=1.0 ik3= ik4= e.pat\n";
    check_findings(got, want);
    /* HH01 not CH, no HH at all, BB before the AA02 it needs: nothing */
    check_findings(rule_findings(s, "HH*RP~AA*0~AA*-1~"), "");
    check_findings(rule_findings(s, "AA*0*Q~BB*1~"), "");
    x12_spec_free(s);
}

/* present each= on a segment of a loop inside the scope: every instance of
 * that loop holds it, checked as the instance ends with the <when>s as they
 * stand then, and reported at the instance's first segment (005010X221A1:
 * each 2110 has its DTM when its 2100 has no statement dates).  A loop two
 * levels down, from the transaction's scope, too. */
static void test_rule_each_instance(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("",
                             "<seg id='BB' usage='S'/>"
                             "<loop id='M' usage='S' repeat='9'><seg id='MM' usage='R'/>"
                             "<seg id='DD' usage='S'/><seg id='EE' usage='S'/></loop>",
                             "<rule id='i.dd' snip='4' severity='error' scope='L' ik3='I6' msg='m'>"
                             "<when seg='BB' op='absent'/>"
                             "<then loop='M' seg='DD' op='present' each='true'/></rule>"
                             "<rule id='i.ee' snip='4' severity='warning' scope='ST' msg='m'>"
                             "<then loop='M' seg='EE' op='present' each='true'/></rule>");
    char *got = rule_findings(s, "AA~MM~DD~EE~"      /* 4-7: all there */
                                 "MM~EE~"            /* 8-9: no DD */
                                 "MM*2~DD~"          /* 10-11: no EE */
                                 "MM*3~"             /* 12: neither */
                                 "AA~BB~MM~EE~MM~"   /* 13-17: BB: DD not needed; 17 no EE */
                                 "AA~MM~DD~EE~");    /* 18-21: all there */
    const char *want =
        "X12_ERR_RULE error snip=4 loop=M segment=8 set=6 id=MM el=0.0 ik3=I6 ik4= i.dd: no M DD\n"
        "X12_ERR_RULE warning snip=4 loop=M segment=10 set=8 id=MM el=0.0 ik3= ik4= i.ee: no M EE\n"
        /* the outer scope's rules first */
        "X12_ERR_RULE warning snip=4 loop=M segment=12 set=10 id=MM el=0.0 ik3= ik4= i.ee: no M EE\n"
        "X12_ERR_RULE error snip=4 loop=M segment=12 set=10 id=MM el=0.0 ik3=I6 ik4= i.dd: no M DD\n"
        "X12_ERR_RULE warning snip=4 loop=M segment=17 set=15 id=MM el=0.0 ik3= ik4= i.ee: no M EE\n";
    check_findings(got, want);
    /* an instance of L with no M: nothing to check */
    check_findings(rule_findings(s, "AA~AA~BB~"), "");
    x12_spec_free(s);
}

/* any=: eq or in on an element holds when any occurrence of the segment in
 * the instance holds, in whatever order they come, not the first alone;
 * where none does the <then> is reported at the instance's start, naming
 * the value (005010X221A1 2110 DTM*150 with DTM*151). */
static void test_rule_any(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("", "<seg id='DD' usage='S' maxuse='9'/>",
                             "<rule id='a.end' snip='4' severity='error' scope='L' ik3='I6' msg='m'>"
                             "<when seg='DD' el='DD01' op='eq' vals='150' any='true'/>"
                             "<then seg='DD' el='DD01' op='in' vals='151 152' any='true'/></rule>");
    char *got = rule_findings(s, "AA~DD*472~DD*150~"       /* 4-6: the 150 second, no 151 */
                                 "AA~DD*151~DD*472~DD*150~" /* 7-10: the 151 first */
                                 "AA~DD*472~DD*151~"        /* 11-13: no 150 */
                                 "AA~DD*150~DD*152~"        /* 14-16: the list's second value */
                                 "AA*2~DD*150~DD*472~");    /* 17-19: no 151 */
    const char *want =
        "X12_ERR_RULE error snip=4 loop=L segment=4 set=2 id=AA el=0.0 ik3=I6 ik4= a.end: no L DD with DD01 151 ...\n"
        "X12_ERR_RULE error snip=4 loop=L segment=17 set=15 id=AA el=0.0 ik3=I6 ik4= a.end: no L DD with DD01 151 ...\n";
    check_findings(got, want);
    x12_spec_free(s);
    /* without any=, the first occurrence alone is read: the 150 second is not seen */
    s = rule_guide("", "<seg id='DD' usage='S' maxuse='9'/>",
                   "<rule id='a.first' snip='4' severity='error' scope='L' msg='m'>"
                   "<when seg='DD' el='DD01' op='eq' vals='150'/>"
                   "<then seg='DD' el='DD01' op='eq' vals='151' any='true'/></rule>");
    check_findings(rule_findings(s, "AA~DD*472~DD*150~AA~DD*150~"),
                   "X12_ERR_RULE error snip=4 loop=L segment=7 set=5 id=AA el=0.0 ik3= ik4= a.first: no L DD with DD01 151\n");
    x12_spec_free(s);
}

/* fixtures/specs/mini-835.xml, the example of a guide written in x12kit's
 * format (and a seed of fuzz_overlay, which tries its input as a guide too):
 * it loads, places a payment's claims and lines, and each of its rules and
 * checks fires where its data breaks it, and nowhere in a clean payment. */
static void test_mini_guide(void **state)
{
    (void)state;
    x12_error err;
    x12_spec *s = x12_spec_load_file(X12KIT_SOURCE_DIR "/fixtures/specs/mini-835.xml", &err);
    if (!s)
        fail_msg("%s: %s", err.msg, err.detail);
    assert_string_equal(x12_spec_guide_id(s), "X12KIT-MINI");
    static const struct {
        const char *body, *want;
    } CASES[] = {
        /* clean: claim dates, then lines with theirs, a period with both ends */
        {"BPR*I*10*C*ACH*CCP*01*123456789*DA*987~TRN*1*T1~CLP*C1*1*20*10~DTM*050*20260101~"
         "SVC*HC:99213*10*5~DTM*472*20260101~REF*6R*L1~SVC*HC:99214*10*5~DTM*150*20260101~"
         "DTM*151*20260102~REF*6R*L2~",
         ""},
        /* an ACH payment without its account; a line without a date; a period without its
         * end; a line item control number twice; a bad code in a composite */
        {"BPR*I*10*C*ACH~TRN*1*T1~CLP*C1*1*20*10~SVC*HC:99213*10*5~REF*6R*L1~"
         "SVC*XX:99214*10*5~DTM*150*20260101~REF*6R*L1~",
         "X12_ERR_RULE error snip=4 loop=ST segment=4 set=2 id=BPR el=9.0 ik3= ik4=I9 "
         "mini.account-with-ach\n"
         "X12_ERR_RULE error snip=4 loop=2110 segment=7 set=5 id=SVC el=0.0 ik3=I6 ik4= "
         "mini.line-date: no 2110 DTM\n"
         "X12_ERR_ELEMENT_CODE error snip=2 loop=2110 segment=9 set=7 id=SVC el=1.1 ik3=8 ik4=7 "
         "SVC01-01: not among the guide's codes\n"
         "X12_ERR_RULE error snip=4 loop=2110 segment=11 set=9 id=REF el=2.0 ik3= ik4=I12 "
         "mini.line-control-unique\n"
         "X12_ERR_RULE error snip=4 loop=2110 segment=9 set=7 id=SVC el=0.0 ik3=I6 ik4= "
         "mini.period-end: no 2110 DTM with DTM01 151\n"},
        /* claim statement dates: lines need none */
        {"BPR*I*10*C*CHK~TRN*1*T1~CLP*C1*1*20*10~DTM*232*20260101~SVC*HC:99213*10*5~", ""},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        size_t nseg = 2;
        for (const char *p = CASES[i].body; *p; p++)
            nseg += *p == '~';
        strbuf in = {0};
        sb_printf(&in, "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
                       "*261129*1200*^*00501*000000001*0*P*:~GS*HP*SX*RX*20261129*1200*1*X*"
                       "X12KIT-MINI~ST*835*0001*X12KIT-MINI~%sSE*%zu*0001~GE*1*1~"
                       "IEA*1*000000001~",
                  CASES[i].body, nseg);
        walk_log l;
        walk_spec = s;
        walk_data(in.p, in.len, &l, X12_WALK_ELEMENTS | X12_WALK_RULES);
        walk_spec = NULL;
        if (strcmp(l.findings.p, CASES[i].want) != 0)
            fail_msg("case %zu: findings\n%s", i, l.findings.p);
        sb_free(&l.events);
        sb_free(&l.findings);
        sb_free(&in);
    }
    x12_spec_free(s);
}

/* unique: in a loop-scoped rule, each value against the earlier ones of the
 * scope's instance (with every, each element of the segment from the named
 * one on); in a rule with seg=, the elements of the one segment.  Past
 * RULE_UNIQ_MAX values an instance keeps, later ones are not compared. */
static void test_rule_unique(void **state)
{
    (void)state;
    x12_spec *s = rule_guide("",
                             "<seg id='BB' usage='S' maxuse='unbounded'/>"
                             "<seg id='CC' usage='S' maxuse='9'/><seg id='DD' usage='S' maxuse='9'/>",
                             "<rule id='u.bb' snip='4' severity='error' scope='L' msg='m'>"
                             "<then seg='BB' el='BB01' op='unique'/></rule>"
                             "<rule id='u.cc' snip='4' severity='error' scope='L' msg='m'>"
                             "<then seg='CC' el='CC01-02' op='unique' every='true'/>"
                             "<then seg='DD' el='DD02-02' op='unique' every='true'/></rule>"
                             "<rule id='u.dd' snip='4' severity='error' scope='*' seg='DD' msg='m'>"
                             "<when el='DD01' op='eq' vals='X'/>"
                             "<then el='DD02-02' op='unique' every='true'/></rule>");
    char *got = rule_findings(s, "AA~BB*1~BB*2~BB*1~BB*~"   /* 4-8: the second 1 at 7 */
                                 "CC*Q:A*Q:B~CC*Q:B*Q:C*Q:A~" /* 9-10: B and A again */
                                 "DD*X*Q:D*Q:E*Q:D~"        /* 11: D twice; E, D against CC's */
                                 "DD*Y*Q:F*Q:F~"            /* 12: DD01 Y; the two F in u.cc */
                                 "DD*X*Q:G**Q:G~"           /* 13: an empty element between */
                                 "AA~BB*1~CC*Q:A~");        /* 14-16: a new instance: none */
    const char *want =
        "X12_ERR_RULE error snip=4 loop=L segment=7 set=5 id=BB el=1.0 ik3= ik4= u.bb\n"
        "X12_ERR_RULE error snip=4 loop=L segment=10 set=8 id=CC el=1.2 ik3= ik4= u.cc\n"
        "X12_ERR_RULE error snip=4 loop=L segment=10 set=8 id=CC el=3.2 ik3= ik4= u.cc\n"
        /* the loop's rules, then the segment's */
        "X12_ERR_RULE error snip=4 loop=L segment=11 set=9 id=DD el=4.2 ik3= ik4= u.cc\n"
        "X12_ERR_RULE error snip=4 loop=L segment=11 set=9 id=DD el=4.2 ik3= ik4= u.dd\n"
        "X12_ERR_RULE error snip=4 loop=L segment=12 set=10 id=DD el=3.2 ik3= ik4= u.cc\n"
        "X12_ERR_RULE error snip=4 loop=L segment=13 set=11 id=DD el=4.2 ik3= ik4= u.cc\n"
        "X12_ERR_RULE error snip=4 loop=L segment=13 set=11 id=DD el=4.2 ik3= ik4= u.dd\n";
    check_findings(got, want);
    /* the cap: values 1..RULE_UNIQ_MAX+1 (the last not kept), then the first
     * and the last again: only the first is found */
    strbuf body = {0};
    sb_printf(&body, "AA~");
    for (int i = 1; i <= 2049; i++)
        sb_printf(&body, "BB*%d~", i);
    sb_printf(&body, "BB*1~BB*2049~");
    got = rule_findings(s, body.p);
    want = "X12_ERR_RULE error snip=4 loop=L segment=2054 set=2052 id=BB el=1.0 ik3= ik4= u.bb\n";
    check_findings(got, want);
    sb_free(&body);
    x12_spec_free(s);
}

/* A guide whose loop holds itself (a loopref cycle) nests as deep as the input
 * says: past the walker's limit (24 open loops) each further segment is
 * reported, handed on unplaced, and nothing overflows. */
static void test_nesting_limit(void **state)
{
    (void)state;
    const char *xml = "<guide id='TEST-NEST' ts='835'><seg id='ST' usage='R'/>"
                      "<loop id='A' usage='R' repeat='1'><seg id='N1' usage='R'/>"
                      "<loopref ref='A' usage='S' repeat='1'/></loop>"
                      "<seg id='SE' usage='R'/></guide>";
    x12_error err;
    x12_spec *s = x12_spec_load_memory(xml, strlen(xml), NULL, &err);
    if (!s)
        fail_msg("spec: %s", err.detail);
    strbuf in = {0};
    sb_printf(&in, "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
                   "*261127*1200*^*00501*000000001*0*P*:~GS*HP*SX*RX*20261127*1200*1*X*TEST-NEST~"
                   "ST*835*0001*TEST-NEST~");
    for (int i = 0; i < 26; i++)
        sb_printf(&in, "N1*%d~", i);
    sb_printf(&in, "SE*28*0001~GE*1*1~IEA*1*000000001~");
    walk_log l;
    memset(&l, 0, sizeof l);
    sb_add(&l.events, "", 0);
    sb_add(&l.findings, "", 0);
    x12_walker_callbacks wc = {on_event, on_finding};
    l.w = x12_walker_new(&wc, &l, 0);
    assert_int_equal(x12_walker_use_spec(l.w, s), X12_OK);
    x12_reader_options o;
    x12_reader_options_init(&o);
    x12_reader_callbacks cb = {seg_cb, err_cb};
    x12_reader *r = x12_reader_new(&o, &cb, &l);
    x12_reader_feed(r, in.p, in.len);
    x12_reader_finish(r);
    x12_reader_free(r);
    assert_int_equal(x12_walker_finish(l.w), X12_OK);
    x12_walker_free(l.w);
    const char *want =
        "X12_ERR_NESTING error snip=2 loop=A segment=27 set=25 id=N1 el=0.0 ik3=2 ik4= "
        "more loops open than the walker keeps (24)\n"
        "X12_ERR_NESTING error snip=2 loop=A segment=28 set=26 id=N1 el=0.0 ik3=2 ik4= "
        "more loops open than the walker keeps (24)\n"
        "X12_ERR_NESTING error snip=2 loop=A segment=29 set=27 id=N1 el=0.0 ik3=2 ik4= "
        "more loops open than the walker keeps (24)\n";
    if (strcmp(l.findings.p, want) != 0)
        fail_msg("findings:\n%s", l.findings.p);
    /* 23 loops A entered (24 with the set's) and left, every segment handed on */
    size_t enters = 0, leaves = 0, n1 = 0;
    for (const char *p = l.events.p; (p = strstr(p, "ENTER A\n")) != NULL; p++)
        enters++;
    for (const char *p = l.events.p; (p = strstr(p, "LEAVE A\n")) != NULL; p++)
        leaves++;
    for (const char *p = l.events.p; (p = strstr(p, "N1@")) != NULL; p++)
        n1++;
    assert_int_equal(enters, 23);
    assert_int_equal(leaves, 23);
    assert_int_equal(n1, 26); /* every N1 handed on: three of them unplaced */
    assert_non_null(strstr(l.events.p, "N1@A UNPLACED\n"
                                       "                                              N1@A UNPLACED\n"));
    assert_non_null(strstr(l.events.p, "SE@ST\nLEAVE ST\n"));
    sb_free(&l.events);
    sb_free(&l.findings);
    sb_free(&in);
    x12_spec_free(s);
}

/* fixtures/validate: y_ files have no findings, n_ files exactly their .expect */
static void test_validate_fixtures(void **state)
{
    (void)state;
    const char *v = getenv("X12_REGEN_EXPECT");
    int regen = v && *v == '1';
    char **files = list_dir(X12KIT_SOURCE_DIR "/fixtures/validate");
    assert_non_null(files);
    int n = 0;
    for (size_t i = 0; files[i]; i++) {
        size_t len = strlen(files[i]);
        if (len < 4 || strcmp(files[i] + len - 4, ".x12") != 0)
            continue;
        walk_log l;
        walk_path_flags(files[i], &l, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
        char path[4200];
        snprintf(path, sizeof path, "%s.expect", files[i]);
        const char *base = strrchr(files[i], '/') + 1;
        if (regen) {
            if (l.findings.len)
                write_file(path, l.findings.p, l.findings.len);
        } else if (base[0] == 'y') {
            if (l.findings.len)
                fail_msg("%s must validate clean:\n%s", files[i], l.findings.p);
        } else {
            size_t el;
            char *want = read_file(path, &el);
            if (!want || !want[0])
                fail_msg("%s has no .expect", files[i]);
            if (strcmp(want, l.findings.p) != 0)
                fail_msg("%s\nexpected:\n%s\ngot:\n%s", files[i], want, l.findings.p);
            free(want);
        }
        sb_free(&l.events);
        sb_free(&l.findings);
        n++;
    }
    free_list(files);
    assert_true(n >= 15);
}

int x12__npi_valid(const char *p, size_t n);

static void test_npi(void **state)
{
    (void)state;
    /* CMS: 123456789 takes check digit 3 (X12-FACTS 2) */
    assert_true(x12__npi_valid("1234567893", 10));
    for (char d = '0'; d <= '9'; d++) {
        char npi[11] = "123456789";
        npi[9] = d;
        assert_int_equal(x12__npi_valid(npi, 10), d == '3');
    }
    assert_false(x12__npi_valid("3234567893", 10)); /* first digit 1 or 2 */
    assert_false(x12__npi_valid("123456789", 9));
    assert_false(x12__npi_valid("12345678A3", 10));
}

/* Overlays: the example companion guide narrows the 837P; what widens or
 * names what the guide lacks is refused with the XML line. */
static void expect_bad_overlay(const char *xml, const char *detail_part, unsigned line)
{
    char path[] = "/tmp/x12kit-overlay-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, xml, strlen(xml));
    x12_error err;
    x12_spec *s = x12_spec_load_overlaid(path, &err);
    remove(path);
    if (s)
        fail_msg("accepted: %s", xml);
    assert_int_equal(err.code, X12_ERR_SPEC);
    if (!strstr(err.detail, detail_part))
        fail_msg("detail '%s' lacks '%s'", err.detail, detail_part);
    assert_int_equal(err.byte_offset, line);
    /* the same overlay from memory gives the same error */
    x12_error merr;
    assert_null(x12_spec_load_overlaid_memory(xml, strlen(xml), "mem.xml", &merr));
    assert_int_equal(merr.code, X12_ERR_SPEC);
    if (!strstr(merr.detail, detail_part))
        fail_msg("memory: detail '%s' lacks '%s'", merr.detail, detail_part);
    assert_int_equal(merr.byte_offset, line);
    /* and applied from memory to the guide itself */
    x12_spec *g = x12_spec_load_builtin("005010X222A1", &merr);
    assert_non_null(g);
    assert_int_equal(x12_spec_apply_overlay_memory(g, xml, strlen(xml), "mem.xml", &merr), X12_ERR_SPEC);
    if (!strstr(merr.detail, detail_part))
        fail_msg("applied from memory: detail '%s' lacks '%s'", merr.detail, detail_part);
    assert_int_equal(merr.byte_offset, line);
    x12_spec_free(g);
}

static void test_overlays(void **state)
{
    (void)state;
    x12_error err;
    x12_spec *s = x12_spec_load_overlaid(X12KIT_SOURCE_DIR "/fixtures/overlays/example-companion.xml", &err);
    if (!s)
        fail_msg("%s %s", err.msg, err.detail);
    assert_string_equal(x12_spec_overlays(s), "example-companion");
    /* the overlay adds four rules to the guide's own */
    x12_spec_stats base;
    {
        x12_spec *g = x12_spec_load_builtin("005010X222A1", &err);
        assert_non_null(g);
        x12_spec_get_stats(g, &base);
        assert_true(base.rules > 20);
        x12_spec_free(g);
    }
    {
        size_t olen;
        char *oxml = read_file(X12KIT_SOURCE_DIR "/fixtures/overlays/example-companion.xml", &olen);
        x12_spec *m = x12_spec_load_overlaid_memory(oxml, olen, NULL, &err);
        assert_non_null(m);
        assert_string_equal(x12_spec_overlays(m), "example-companion");
        x12_spec_stats ms;
        x12_spec_get_stats(m, &ms);
        assert_int_equal(ms.rules, base.rules + 4);
        /* listed after the guide's own, in the overlay's order */
        assert_int_equal(x12_spec_rule_count(m), ms.rules);
        x12_spec_rule_info ri;
        assert_int_equal(x12_spec_rule_at(m, base.rules, &ri), X12_OK);
        assert_string_equal(ri.id, "example.subscriber-dob");
        assert_int_equal(x12_spec_rule_at(m, ms.rules - 1, &ri), X12_OK);
        assert_string_equal(ri.id, "example.line-item-control-number");
        assert_int_equal(ri.snip, 7);
        assert_int_equal(x12_spec_rule_at(m, ms.rules, &ri), X12_ERR_USAGE);
        x12_spec_free(m);
        /* applied from memory to a guide loaded apart: the same */
        m = x12_spec_load_builtin("005010X222A1", &err);
        assert_non_null(m);
        assert_int_equal(x12_spec_apply_overlay_memory(m, oxml, olen, "companion.xml", &err), X12_OK);
        assert_string_equal(x12_spec_overlays(m), "example-companion");
        x12_spec_get_stats(m, &ms);
        assert_int_equal(ms.rules, base.rules + 4);
        x12_spec_free(m);
        /* the wrong guide */
        m = x12_spec_load_builtin("005010X221A1", &err);
        assert_non_null(m);
        assert_int_equal(x12_spec_apply_overlay_memory(m, oxml, olen, NULL, &err), X12_ERR_SPEC);
        assert_non_null(strstr(err.detail, "the overlay is for guide '005010X222A1'"));
        x12_spec_free(m);
        free(oxml);
    }
    x12_spec_stats st;
    x12_spec_get_stats(s, &st);
    assert_int_equal(st.rules, base.rules + 4);

    /* the generated 837P uses SBR09 14 and 12, which the companion guide refuses */
    walk_log l;
    size_t n;
    char *data = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/y_837p_generated.x12", &n);
    walk_spec = s;
    walk_data(data, n, &l, X12_WALK_ELEMENTS | X12_WALK_RULES);
    walk_spec = NULL;
    free(data);
    const char *want =
        "X12_ERR_ELEMENT_CODE error snip=7 loop=2000B segment=15 set=13 id=SBR el=9.0 ik3=8 ik4=7 SBR09: not among the guide's codes\n"
        "X12_ERR_ELEMENT_CODE error snip=7 loop=2000B segment=31 set=29 id=SBR el=9.0 ik3=8 ik4=7 SBR09: not among the guide's codes\n";
    if (strcmp(l.findings.p, want) != 0)
        fail_msg("findings:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
    /* the third claim made inpatient (CLM05-1 21) with a place of service on both its lines:
     * the overlay's each= rule at each line, its prior authorization warning at the claim;
     * its second line's REF*6R made a REF*9B: the line item control number rule at that
     * line's LX */
    data = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/y_837p_generated.x12", &n);
    strbuf in = {0};
    sb_add(&in, data, n);
    sb_add(&in, "", 0);
    free(data);
    const char *edits[][2] = {{"CLM*LKKB0000003*140***20:", "CLM*LKKB0000003*140***21:"},
                              {"SV1*HC:99212*95*UN*1***3~", "SV1*HC:99212*95*UN*1*22**3~"},
                              {"SV1*HC:87804*45*UN*1***1:2~", "SV1*HC:87804*45*UN*1*22**1:2~"},
                              {"REF*6R*LKKB0000003-2~", "REF*9B*LKKB0000003-2~"}};
    for (size_t e = 0; e < 4; e++) {
        char *at = strstr(in.p, edits[e][0]);
        assert_non_null(at);
        strbuf t = {0};
        sb_add(&t, in.p, (size_t)(at - in.p));
        sb_printf(&t, "%s%s", edits[e][1], at + strlen(edits[e][0]));
        sb_free(&in);
        in = t;
    }
    walk_spec = s;
    walk_data(in.p, strlen(in.p), &l, X12_WALK_ELEMENTS | X12_WALK_RULES);
    walk_spec = NULL;
    sb_free(&in);
    const char *want21 =
        "X12_ERR_ELEMENT_CODE error snip=7 loop=2000B segment=15 set=13 id=SBR el=9.0 ik3=8 ik4=7 SBR09: not among the guide's codes\n"
        "X12_ERR_ELEMENT_CODE error snip=7 loop=2000B segment=31 set=29 id=SBR el=9.0 ik3=8 ik4=7 SBR09: not among the guide's codes\n"
        "X12_ERR_RULE error snip=7 loop=2400 segment=57 set=55 id=SV1 el=5.0 ik3= ik4=I10 example.inpatient-lines-no-place-of-service\n"
        "X12_ERR_RULE error snip=7 loop=2400 segment=61 set=59 id=SV1 el=5.0 ik3= ik4=I10 example.inpatient-lines-no-place-of-service\n"
        "X12_ERR_RULE error snip=7 loop=2400 segment=60 set=58 id=LX el=0.0 ik3=I6 ik4= example.line-item-control-number: no 2400 REF*6R\n"
        "X12_ERR_RULE warning snip=7 loop=2300 segment=52 set=50 id=CLM el=0.0 ik3=I6 ik4= example.prior-auth-surgery: no 2300 REF*G1\n";
    if (strcmp(l.findings.p, want21) != 0)
        fail_msg("findings:\n%s", l.findings.p);
    sb_free(&l.events);
    sb_free(&l.findings);
    x12_spec_free(s);

    expect_bad_overlay("<overlay guide='005010X222A1'>\n<loopmod loop='2400' repeat='60'/></overlay>",
                       "repeat is higher than the guide allows", 2);
    expect_bad_overlay("<overlay guide='005010X222A1'>\n<loopmod loop='2310E' usage='R'/>\n"
                       "<loopmod loop='2310E' usage='S'/></overlay>",
                       "usage R->S widens the guide", 3);
    expect_bad_overlay("<overlay guide='005010X222A1'>\n<loopmod loop='9999' usage='N'/></overlay>",
                       "loop '9999' is not in the guide", 2);
    expect_bad_overlay("<overlay guide='005010X222A1'>\n<elmod loop='2300' seg='CLM' el='CLM05-02' codes='B Z'/></overlay>",
                       "code 'Z' is not allowed by the guide", 2);
    expect_bad_overlay("<overlay guide='005010X222A1'>\n<elmod loop='2300' seg='CLM' el='CLM01' maxlen='40'/></overlay>",
                       "maxlen is higher", 2);
    expect_bad_overlay("<overlay guide='005010X222A1'>\n<elmod loop='2300' seg='XYZ' el='XYZ01' maxlen='4'/></overlay>",
                       "segment 'XYZ' is not in that loop", 2);
    expect_bad_overlay("<overlay guide='005010X222A1'><rules>\n<rule id='837p.subscriber-id' scope='2300'>"
                       "<then seg='CLM' op='present'/></rule></rules></overlay>",
                       "is the guide's already", 1); /* the line of <rules> */
    expect_bad_overlay("<overlay guide='005010X222A1'><loopmod", "not well-formed", 1);
    /* an overlay for a guide the library lacks */
    char path[] = "/tmp/x12kit-overlay-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    const char *other = "<overlay guide='005010X999'/>";
    write_file(path, other, strlen(other));
    assert_null(x12_spec_load_overlaid(path, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    /* and applying one to the wrong guide */
    x12_spec *g835 = x12_spec_load_builtin("005010X221A1", &err);
    const char *p837 = "<overlay guide='005010X222A1'/>";
    write_file(path, p837, strlen(p837));
    assert_int_equal(x12_spec_apply_overlay(g835, path, &err), X12_ERR_SPEC);
    assert_non_null(strstr(err.detail, "the overlay is for guide '005010X222A1'"));
    x12_spec_free(g835);
    remove(path);
}

/* --- the shared corpus ---------------------------------------------------------- */

static char *summary(const char *findings)
{
    char names[64][40];
    int counts[64], n = 0;
    for (const char *p = findings; *p;) {
        size_t len = strcspn(p, " ");
        int k;
        for (k = 0; k < n; k++)
            if (strlen(names[k]) == len && !strncmp(names[k], p, len))
                break;
        if (k == n && n < 64) {
            snprintf(names[n], sizeof names[n], "%.*s", (int)len, p);
            counts[n++] = 0;
        }
        if (k < 64)
            counts[k]++;
        p = strchr(p, '\n') + 1;
    }
    strbuf b = {0};
    sb_add(&b, "", 0);
    for (int k = 0; k < n; k++)
        sb_printf(&b, "%s%s*%d", k ? " " : "", names[k], counts[k]);
    if (!n)
        sb_add(&b, "clean", 5);
    return b.p;
}

/* A loop-scoped rule whose <then> names a loop that never came reports at the
 * scope's start and says which loop ("rule: no loop 2310B"); one that names
 * a segment says which segment. */
static void test_rule_missing_loop(void **state)
{
    (void)state;
    static const char overlay[] =
        "<overlay id='t' guide='005010X222A1'><rules>"
        "<rule id='t.facility' snip='7' severity='error' scope='2300' ik3='I6' msg='m'>"
        "<then loop='2310C' op='present'/></rule>"
        "<rule id='t.onset' snip='7' severity='error' scope='2300' ik3='I6' msg='m'>"
        "<then seg='DTP' keyval='431' op='present'/></rule>"
        "</rules></overlay>";
    x12_error err;
    x12_spec *s = x12_spec_load_builtin("005010X222A1", &err);
    assert_non_null(s);
    assert_int_equal(x12_spec_apply_overlay_memory(s, overlay, strlen(overlay), "t.xml", &err),
                     X12_OK);
    size_t n;
    char *data = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/y_837p_generated.x12", &n);
    walk_log l;
    walk_spec = s;
    walk_data(data, n, &l, X12_WALK_RULES);
    walk_spec = NULL;
    free(data);
    /* no claim has a service facility (2310C); the first has its onset date
     * (DTP*431), the second none (their CLMs are segments 21 and 37) */
    assert_non_null(strstr(l.findings.p, "X12_ERR_RULE error snip=7 loop=2300 segment=21 set=19 "
                                         "id=CLM el=0.0 ik3=I6 ik4= t.facility: no loop 2310C\n"));
    assert_non_null(strstr(l.findings.p, "X12_ERR_RULE error snip=7 loop=2300 segment=37 set=35 "
                                         "id=CLM el=0.0 ik3=I6 ik4= t.onset: no 2300 DTP*431\n"));
    assert_null(strstr(l.findings.p, "segment=21 set=19 id=CLM el=0.0 ik3=I6 ik4= t.onset"));
    sb_free(&l.events);
    sb_free(&l.findings);
    x12_spec_free(s);
}

static void test_shared_corpus(void **state)
{
    (void)state;
    static const char *DIRS[] = {"835", "837p", "837i", "837d", "999", "277ca", "ta1", NULL};
    char **probe = list_dir(X12KIT_SHARED_DIR "/corpus");
    if (!probe) {
        printf("shared corpus not found: skipped\n");
        skip();
    }
    free_list(probe);
    const char *expect_path = X12KIT_SOURCE_DIR "/tests/validate-expect.tsv";
    const char *v = getenv("X12_REGEN_EXPECT");
    int regen = v && *v == '1';
    size_t elen;
    char *expect = regen ? NULL : read_file(expect_path, &elen);
    if (!regen)
        assert_non_null(expect);
    strbuf out = {0};
    sb_add(&out, "", 0);
    sb_printf(&out, "%s", "# file\tfindings of x12 validate (SNIP 1-5) by code and count; tests/test_spec_walk.c\n");
    int files = 0, clean = 0;
    for (int d = 0; DIRS[d]; d++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/corpus/%s", X12KIT_SHARED_DIR, DIRS[d]);
        char **list = list_dir(dir);
        for (size_t i = 0; list && list[i]; i++) {
            walk_log l;
            walk_path_flags(list[i], &l, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
            char *sum = summary(l.findings.p);
            const char *name = list[i] + strlen(X12KIT_SHARED_DIR "/corpus/");
            /* the memo of clean segments changes no finding */
            walk_log raw;
            memo_off = 1;
            walk_path_flags(list[i], &raw, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
            memo_off = 0;
            if (strcmp(raw.findings.p, l.findings.p))
                fail_msg("%s: with the memo:\n%.2000s\nwithout:\n%.2000s", name, l.findings.p,
                         raw.findings.p);
            sb_free(&raw.events);
            sb_free(&raw.findings);
            files++;
            clean += !strcmp(sum, "clean");
            sb_printf(&out, "%s\t%s\n", name, sum);
            if (!regen) {
                char key[1100];
                snprintf(key, sizeof key, "\n%s\t", name);
                const char *row = strstr(expect, key);
                if (!row)
                    fail_msg("%s: no row in tests/validate-expect.tsv (got %s)", name, sum);
                row += strlen(key);
                size_t rl = strcspn(row, "\n");
                if (strlen(sum) != rl || strncmp(row, sum, rl))
                    fail_msg("%s:\nexpected %.*s\ngot      %s\n%.2000s", name, (int)rl, row, sum,
                             l.findings.p);
            }
            free(sum);
            sb_free(&l.events);
            sb_free(&l.findings);
        }
        free_list(list);
    }
    if (regen)
        write_file(expect_path, out.p, out.len);
    printf("walked %d corpus files of the 5010 guides: %d without findings\n", files, clean);
    assert_true(files >= 90);
    sb_free(&out);
    free(expect);
}

/* The walker's own memory on a failing allocator: every N gives a clean
 * X12_ERR_NOMEM (or success once N is past its allocations), never a leak. */
typedef struct nomem_ctx {
    x12_walker *w;
    x12_status st;
} nomem_ctx;

static int nomem_seg(void *ctx, const x12_segment *seg)
{
    nomem_ctx *c = ctx;
    x12_status s = x12_walker_segment(c->w, seg);
    if (s != X12_OK)
        c->st = s;
    return s != X12_OK;
}

static void test_walker_allocation_failures(void **state)
{
    (void)state;
    x12_error err;
    x12_spec *spec = x12_spec_load_builtin("005010X222A1", &err);
    assert_non_null(spec);
    size_t n;
    char *data = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/y_837p_generated.x12", &n);
    assert_non_null(data);
    int nomem = 0, ok = 0;
    for (long k = 1; k < 50; k++) {
        failing_alloc fa;
        failing_alloc_init(&fa, k);
        x12_walker_callbacks wc = {NULL, NULL};
        nomem_ctx c = {NULL, X12_OK};
        c.w = x12_walker_new_alloc(&wc, NULL, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES, &fa.a);
        if (!c.w) {
            assert_int_equal(fa.live, 0);
            nomem++;
            continue;
        }
        x12_status us = x12_walker_use_spec(c.w, spec);
        if (us == X12_OK) {
            x12_reader_options ro;
            x12_reader_options_init(&ro);
            ro.flags = X12_READ_LENIENT;
            x12_reader_callbacks cb = {nomem_seg, NULL};
            x12_reader *r = x12_reader_new(&ro, &cb, &c);
            assert_non_null(r);
            x12_reader_feed(r, data, n);
            x12_reader_finish(r);
            x12_reader_free(r);
            if (c.st == X12_OK)
                c.st = x12_walker_finish(c.w);
        } else {
            c.st = us;
        }
        assert_true(c.st == X12_OK || c.st == X12_ERR_NOMEM);
        if (c.st == X12_OK)
            ok++;
        else
            nomem++;
        x12_walker_free(c.w);
        assert_int_equal(fa.live, 0);
        if (c.st == X12_OK && fa.calls < k)
            break; /* past the last allocation: every later N succeeds too */
    }
    assert_true(nomem >= 2);
    assert_true(ok >= 1);
    free(data);
    x12_spec_free(spec);
}

/* The 835's BPR rules (005010X221A1 BPR01, BPR02, BPR04; X12 RFI 2228): a
 * payment of zero is a notification (H) or a prenotification (P); a
 * notification moves no money (BPR02 0, BPR04 NON); NON goes with H only; and
 * BPR02 is never negative.  BPR09 (X12 RFI 473): the sender's account number
 * with an electronic payment (ACH, BOP, FWT), not with a check or none.  The
 * first payment of the fixture edited; each case lists the rules that fire,
 * with the element each names. */
#define NO_ACCOUNT "************20250328"
#define ACCOUNTS "*CCP*01*366643761*DA*8431578213*1476419529**01*100015434*DA*000000212327*20250328"
#define ACCOUNT_ONLY "*****000000212327*******20250328"
static void test_bpr_handling(void **state)
{
    (void)state;
    static const struct {
        const char *bpr; /* BPR01-BPR16 */
        const char *want;
    } CASES[] = {
        {"H*0*C*NON" NO_ACCOUNT, ""},
        {"H*0.00*C*NON" NO_ACCOUNT, ""},
        {"P*0*C*ACH" ACCOUNTS, ""},
        {"I*0*C*ACH" ACCOUNTS, "el=1.0 835.zero-payment-handling;"},
        {"C*0*C*CHK" NO_ACCOUNT, "el=1.0 835.zero-payment-handling;"},
        {"I*0*C*NON" NO_ACCOUNT,
         "el=1.0 835.zero-payment-handling;el=1.0 835.non-payment-notification;"},
        {"H*0*C*CHK" NO_ACCOUNT, "el=4.0 835.notification-no-payment;"},
        {"H*5*C*NON" NO_ACCOUNT, "el=2.0 835.notification-no-payment;"},
        {"I*5*C*NON" NO_ACCOUNT, "el=1.0 835.non-payment-notification;"},
        {"H*-0.01*C*NON" NO_ACCOUNT,
         "el=2.0 835.notification-no-payment;el=2.0 835.payment-not-negative;"},
        /* no number: the element check reports it, not the sign rule */
        {"I*1X0*C*ACH" ACCOUNTS, ""},
        {"I*5*C*ACH" NO_ACCOUNT, "el=9.0 835.bpr09-electronic-payment;"},
        {"I*5*C*FWT" NO_ACCOUNT, "el=9.0 835.bpr09-electronic-payment;"},
        {"I*5*C*BOP" ACCOUNTS, ""},
        {"I*5*C*CHK" ACCOUNT_ONLY, "el=9.0 835.bpr09-not-with-check;"},
        {"H*0*C*NON" ACCOUNT_ONLY, "el=9.0 835.bpr09-not-with-check;"},
    };
    size_t n;
    char *y = read_file(X12KIT_SOURCE_DIR "/fixtures/validate/y_835_generated.x12", &n);
    assert_non_null(y);
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        walk_log l;
        walk_edited(y, n, "BPR*H*0*C*NON" NO_ACCOUNT "~", &l, "BPR*%s~", CASES[i].bpr);
        /* the rule findings as "el=E.C id;" (balancing may disagree too) */
        strbuf got = {0};
        sb_add(&got, "", 0);
        for (const char *p = l.findings.p; p && (p = strstr(p, "X12_ERR_RULE ")); p++) {
            const char *el = strstr(p, " el="), *id = strstr(p, " 835."), *eol = strchr(p, '\n');
            assert_true(el && id && eol && el < eol && id < eol);
            sb_add(&got, el + 1, strcspn(el + 1, " "));
            sb_add(&got, id, (size_t)(eol - id));
            sb_add(&got, ";", 1);
        }
        if (strcmp(got.p, CASES[i].want) != 0)
            fail_msg("BPR*%s: rules\n%s\nwanted\n%s\nfindings\n%s", CASES[i].bpr, got.p,
                     CASES[i].want, l.findings.p);
        sb_free(&got);
        sb_free(&l.events);
        sb_free(&l.findings);
    }
    free(y);
}

/* X12_ERR_PATIENT_RESPONSIBILITY (005010X221A1 2100 CLP05, RFI 2548): CLP05
 * is the sum of the claim's and its lines' PR adjustments, an empty CLP05
 * being 0; a reversal (CLP02 22) is excepted, and a CLP05 that is no amount is
 * the element checks' alone.  Every claim here balances otherwise. */
static void test_patient_responsibility(void **state)
{
    (void)state;
    const char *x =
        ISA "GS*HP*SX*RX*20261126*1200*1*X*005010X221A1~ST*835*0001~"
            "BPR*I*250*C*CHK************20261126~TRN*1*T1*1512345678~"
            "N1*PR*PAYER~N3*1 MAIN ST~N4*TOWN*NY*12345~PER*BL*EDI*TE*5555555555~"
            "N1*PE*CLINIC*XX*1234567893~LX*1~"
            /* PR 10 at the claim and 40 at the line: CLP05 50, fine */
            "CLP*C1*1*100*50*50*12*P1~CAS*PR*1*10~NM1*QC*1*DOE*JANE****MI*M1~"
            "SVC*HC:99213*100*60~CAS*PR*3*40~"
            /* PR 10 at the line, CLP05 empty */
            "CLP*C2*1*100*90**12*P2~NM1*QC*1*DOE*JOHN****MI*M2~SVC*HC:99213*100*90~CAS*PR*1*10~"
            /* a reversal: CLP05 -5 against PR -10, not checked */
            "CLP*C3*22*-100*-90*-5*12*P3~NM1*QC*1*DOE*JOHN****MI*M2~SVC*HC:99213*-100*-90~"
            "CAS*PR*1*-10~"
            /* CLP05 no amount: said by the element checks only */
            "CLP*C4*1*100*100*1.2.3*12*P4~NM1*QC*1*DOE*JOHN****MI*M2~SVC*HC:99213*100*100~"
            /* CLP05 10 with no PR adjustment */
            "CLP*C5*1*100*100*10*12*P5~NM1*QC*1*DOE*JOHN****MI*M2~SVC*HC:99213*100*100~"
            "SE*29*0001~GE*1*1~IEA*1*000000001~";
    const char *want =
        "X12_ERR_PATIENT_RESPONSIBILITY error snip=3 loop=2100 segment=17 set=15 id=CLP el=5.0 "
        "ik3= ik4= CLP05 = claim and line CAS PR: expected 0.00, found 10.00\n"
        "X12_ERR_ELEMENT_CHAR error snip=1 loop=2100 segment=25 set=23 id=CLP el=5.0 ik3=8 "
        "ik4=6 CLP05: decimal (R) with a bad character\n"
        "X12_ERR_PATIENT_RESPONSIBILITY error snip=3 loop=2100 segment=28 set=26 id=CLP el=5.0 "
        "ik3= ik4= CLP05 = claim and line CAS PR: expected 10.00, found 0.00\n";
    expect_findings(x, X12_WALK_ELEMENTS | X12_WALK_BALANCE, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walker_allocation_failures),
        cmocka_unit_test(test_builtin_specs),
        cmocka_unit_test(test_malformed_specs),
        cmocka_unit_test(test_events_835),
        cmocka_unit_test(test_events_over),
        cmocka_unit_test(test_events_cut),
        cmocka_unit_test(test_clean_examples),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_element_findings),
        cmocka_unit_test(test_repeating_key),
        cmocka_unit_test(test_trailing_separators),
        cmocka_unit_test(test_trailing_spaces),
        cmocka_unit_test(test_street_address),
        cmocka_unit_test(test_drug_unit_count),
        cmocka_unit_test(test_line_paid_not_negative),
        cmocka_unit_test(test_cas_both_levels),
        cmocka_unit_test(test_patient_responsibility),
        cmocka_unit_test(test_bpr_handling),
        cmocka_unit_test(test_diagnosis_pointers),
        cmocka_unit_test(test_envelope_elements),
        cmocka_unit_test(test_functional_id),
        cmocka_unit_test(test_qualifier_fallback),
        cmocka_unit_test(test_element_memo),
        cmocka_unit_test(test_nearest_guide),
        cmocka_unit_test(test_shared_specs),
        cmocka_unit_test(test_text_bytes),
        cmocka_unit_test(test_codekey),
        cmocka_unit_test(test_hl_hierarchy),
        cmocka_unit_test(test_validate_fixtures),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_rule_differs),
        cmocka_unit_test(test_spec_rule_list),
        cmocka_unit_test(test_rule_empty),
        cmocka_unit_test(test_rule_same),
        cmocka_unit_test(test_rule_dates),
        cmocka_unit_test(test_rule_dates_own),
        cmocka_unit_test(test_rule_unique),
        cmocka_unit_test(test_rule_signs),
        cmocka_unit_test(test_rule_each),
        cmocka_unit_test(test_rule_each_instance),
        cmocka_unit_test(test_rule_any),
        cmocka_unit_test(test_mini_guide),
        cmocka_unit_test(test_npi),
        cmocka_unit_test(test_overlays),
        cmocka_unit_test(test_rule_missing_loop),
        cmocka_unit_test(test_shared_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
