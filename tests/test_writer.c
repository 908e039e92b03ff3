/* The writer and the text converter: exact bytes of whole interchanges,
 * computed envelopes, trimming, every error code the writer returns with its
 * positions, allocation and output failures, iconv conversions, and
 * re-writing read segments byte for byte or in other delimiters; gzip output. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include <x12/writer.h>

#include "support.h"

/* --- helpers ------------------------------------------------------------- */

typedef struct sink {
    strbuf b;
    int calls;
    int fail_on; /* output call that fails (1-based), 0 = none */
} sink;

static int sink_write(void *ctx, const void *buf, size_t len)
{
    sink *s = ctx;
    s->calls++;
    if (s->fail_on && s->calls == s->fail_on)
        return -1;
    sb_add(&s->b, buf, len);
    return 0;
}

static void sink_init(sink *s)
{
    memset(s, 0, sizeof *s);
    sb_add(&s->b, "", 0);
}

static x12_writer *open_writer(const x12_writer_options *o, sink *s)
{
    sink_init(s);
    x12_error err;
    x12_writer *w = x12_writer_new(o, sink_write, s, &err);
    if (!w)
        fail_msg("x12_writer_new: %s (%s)", err.msg, err.detail);
    return w;
}

static void close_writer(x12_writer *w, sink *s)
{
    x12_writer_free(w);
    sb_free(&s->b);
}

/* The last error must be `code` at segment `id`, element `el`, component `comp`. */
static void check_err(const x12_writer *w, x12_status code, const char *id, unsigned el,
                      unsigned comp)
{
    const x12_error *e = x12_writer_error(w);
    if (e->code != code || strcmp(e->segment_id, id) != 0 || e->element_pos != el ||
        e->component_pos != comp)
        fail_msg("want %s %s %u.%u, got %s %s %u.%u (%s)", x12_status_name(code), id, el, comp,
                 x12_status_name(e->code), e->segment_id, (unsigned)e->element_pos,
                 (unsigned)e->component_pos, e->detail);
    assert_string_equal(e->msg, x12_status_message(code));
}

static const x12_isa_header ISA_HDR = {
    .sender_id = "SENDER",
    .receiver_id = "RECEIVER",
    .date = "261126",
    .time = "1200",
    .control_number = 905,
    .usage = 'T',
};

static x12_gs_header gs_hdr(uint32_t ctl)
{
    x12_gs_header g = {"HC", "SENDER", "RECEIVER", "20261126", "1200", ctl, "005010X222A1"};
    return g;
}

#define ISA_OUT                                                                                    \
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261126*1200*^*00501*" \
    "000000905*0*T*:~"

/* No errors at all from a strict reader. */
static void assert_reads_clean(const char *data, size_t len)
{
    char *errs = reader_errors(data, len, NULL);
    if (errs[0])
        fail_msg("reader found:\n%s", errs);
    free(errs);
}

/* --- whole interchanges -------------------------------------------------- */

/* Writes one 837P set: a few simple segments, a composite, a repetition. */
static void write_claim_set(x12_writer *w, const char *st02)
{
    assert_int_equal(x12_writer_begin_set(w, "837", st02, "005010X222A1"), X12_OK);
    assert_int_equal(x12_writer_segmentv(w, "BHT", "0019", "00", "REF1", "20261126", "1200", "CH",
                                         NULL),
                     X12_OK);
    assert_int_equal(
        x12_writer_segmentv(w, "NM1", "85", "2", "CLINIC", "", "", "", "", "XX", "1234567893", NULL),
        X12_OK);
    /* SV1*HC:99213*125*UN*1***1 with HC:99213 as a composite */
    assert_int_equal(x12_writer_segment_begin(w, "SV1"), X12_OK);
    assert_int_equal(x12_writer_element(w, "HC", 2), X12_OK);
    assert_int_equal(x12_writer_component(w, "99213", 5), X12_OK);
    assert_int_equal(x12_writer_element(w, "125", 3), X12_OK);
    assert_int_equal(x12_writer_element(w, "UN", 2), X12_OK);
    assert_int_equal(x12_writer_element(w, "1", 1), X12_OK);
    assert_int_equal(x12_writer_element(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_element(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_element(w, "1", 1), X12_OK);
    assert_int_equal(x12_writer_segment_end(w), X12_OK);
    /* A repeating composite: CTX*A:1^B:2 */
    assert_int_equal(x12_writer_segment_begin(w, "CTX"), X12_OK);
    assert_int_equal(x12_writer_element(w, "A", 1), X12_OK);
    assert_int_equal(x12_writer_component(w, "1", 1), X12_OK);
    assert_int_equal(x12_writer_repetition(w, "B", 1), X12_OK);
    assert_int_equal(x12_writer_component(w, "2", 1), X12_OK);
    assert_int_equal(x12_writer_segment_end(w), X12_OK);
    assert_int_equal(x12_writer_end_set(w), X12_OK);
}

#define SET_OUT(st02)                                                                             \
    "ST*837*" st02 "*005010X222A1~BHT*0019*00*REF1*20261126*1200*CH~"                           \
    "NM1*85*2*CLINIC*****XX*1234567893~SV1*HC:99213*125*UN*1***1~CTX*A:1^B:2~SE*6*" st02 "~"

static void test_small_interchange(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    assert_int_equal(x12_writer_error(w)->code, X12_OK);
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_OK);
    assert_int_equal(s.b.len, 106);
    assert_string_equal(s.b.p, ISA_OUT);
    x12_gs_header g = gs_hdr(1);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_OK);
    write_claim_set(w, "0001");
    assert_int_equal(x12_writer_end_group(w), X12_OK);
    assert_int_equal(x12_writer_end_interchange(w), X12_OK);
    const char *want = ISA_OUT "GS*HC*SENDER*RECEIVER*20261126*1200*1*X*005010X222A1~" SET_OUT(
        "0001") "GE*1*1~IEA*1*000000905~";
    assert_string_equal(s.b.p, want);
    assert_int_equal(x12_writer_segment_count(w), 10);
    /* one output call per segment */
    assert_int_equal(s.calls, 10);
    assert_reads_clean(s.b.p, s.b.len);
    close_writer(w, &s);
}

static void test_two_groups_two_sets(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_OK);
    x12_gs_header g = gs_hdr(17);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_OK);
    write_claim_set(w, "0001");
    write_claim_set(w, "0002");
    assert_int_equal(x12_writer_end_group(w), X12_OK);
    g = gs_hdr(18);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_OK);
    write_claim_set(w, "000000003");
    assert_int_equal(x12_writer_end_group(w), X12_OK);
    assert_int_equal(x12_writer_end_interchange(w), X12_OK);
    const char *want = ISA_OUT "GS*HC*SENDER*RECEIVER*20261126*1200*17*X*005010X222A1~" SET_OUT(
        "0001") SET_OUT("0002") "GE*2*17~GS*HC*SENDER*RECEIVER*20261126*1200*18*X*005010X222A1~"
        SET_OUT("000000003") "GE*1*18~IEA*2*000000905~";
    assert_string_equal(s.b.p, want);
    assert_int_equal(x12_writer_segment_count(w), 24);
    assert_reads_clean(s.b.p, s.b.len);
    /* a second interchange on the same writer starts its counts afresh */
    x12_isa_header h = ISA_HDR;
    h.control_number = 906;
    size_t mark = s.b.len;
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_OK);
    assert_int_equal(x12_writer_end_interchange(w), X12_OK);
    assert_string_equal(s.b.p + mark + 106, "IEA*0*000000906~");
    close_writer(w, &s);
}

static void test_line_break(void **state)
{
    (void)state;
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.line_break = "\r\n";
    sink s;
    x12_writer *w = open_writer(&o, &s);
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_OK);
    assert_int_equal(s.b.len, 108);
    x12_gs_header g = gs_hdr(1);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_OK);
    assert_int_equal(x12_writer_begin_set(w, "835", "1234", NULL), X12_OK);
    assert_int_equal(x12_writer_segmentv(w, "BPR", "I", "100", "C", "CHK", NULL), X12_OK);
    assert_int_equal(x12_writer_end_set(w), X12_OK);
    assert_int_equal(x12_writer_end_group(w), X12_OK);
    assert_int_equal(x12_writer_end_interchange(w), X12_OK);
    assert_string_equal(s.b.p,
                        ISA_OUT "\r\nGS*HC*SENDER*RECEIVER*20261126*1200*1*X*005010X222A1~\r\n"
                                "ST*835*1234~\r\nBPR*I*100*C*CHK~\r\nSE*3*1234~\r\nGE*1*1~\r\n"
                                "IEA*1*000000905~\r\n");
    assert_int_equal(s.calls, 7); /* the line break goes out with its segment */
    x12_reader_options ro;
    x12_reader_options_init(&ro);
    ro.flags = X12_READ_ALLOW_LINE_BREAKS;
    char *errs = reader_errors(s.b.p, s.b.len, &ro);
    assert_string_equal(errs, "");
    free(errs);
    close_writer(w, &s);
}

static void test_custom_delimiters(void **state)
{
    (void)state;
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.delims.element = '|';
    o.delims.repetition = '!';
    o.delims.component = '>';
    o.delims.segment = '\n';
    sink s;
    x12_writer *w = open_writer(&o, &s);
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_OK);
    x12_gs_header g = gs_hdr(1);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_OK);
    write_claim_set(w, "0001");
    assert_int_equal(x12_writer_end_group(w), X12_OK);
    assert_int_equal(x12_writer_end_interchange(w), X12_OK);
    const char *want =
        "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261126|1200|!|00501|"
        "000000905|0|T|>\n"
        "GS|HC|SENDER|RECEIVER|20261126|1200|1|X|005010X222A1\n"
        "ST|837|0001|005010X222A1\nBHT|0019|00|REF1|20261126|1200|CH\n"
        "NM1|85|2|CLINIC|||||XX|1234567893\nSV1|HC>99213|125|UN|1|||1\nCTX|A>1!B>2\nSE|6|0001\n"
        "GE|1|1\nIEA|1|000000905\n";
    assert_string_equal(s.b.p, want);
    assert_reads_clean(s.b.p, s.b.len);
    /* '*' ':' '~' '^' are plain data now */
    assert_int_equal(x12_writer_segmentv(w, "MSG", "A*B:C~D^E", NULL), X12_OK);
    assert_string_equal(s.b.p + strlen(want), "MSG|A*B:C~D^E\n");
    close_writer(w, &s);

    /* No repetition separator: ISA11 is the 4010 'U', and repetition() is misuse. */
    o.delims.repetition = '\0';
    o.delims.segment = '\r';
    w = open_writer(&o, &s);
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_OK);
    assert_int_equal(s.b.p[82], 'U');
    assert_int_equal(s.b.p[105], '\r');
    assert_int_equal(x12_writer_segment_begin(w, "CTX"), X12_OK);
    assert_int_equal(x12_writer_element(w, "A", 1), X12_OK);
    assert_int_equal(x12_writer_repetition(w, "B", 1), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "CTX", 1, 0);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_USAGE);
    assert_int_equal(x12_writer_segment_count(w), 1);
    close_writer(w, &s);
}

static void test_trailing_empties(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    size_t mark;
#define EXPECT_SEG(text)                                                                           \
    do {                                                                                           \
        assert_int_equal(x12_writer_segment_end(w), X12_OK);                                       \
        assert_string_equal(s.b.p + mark, text);                                                   \
    } while (0)

    mark = s.b.len;
    assert_int_equal(x12_writer_segmentv(w, "XX", "A", "", "", NULL), X12_OK);
    assert_string_equal(s.b.p + mark, "XX*A~");

    mark = s.b.len;
    assert_int_equal(x12_writer_segmentv(w, "XX", "", "", NULL), X12_OK);
    assert_string_equal(s.b.p + mark, "XX~");

    mark = s.b.len;
    assert_int_equal(x12_writer_segmentv(w, "XX", NULL), X12_OK);
    assert_string_equal(s.b.p + mark, "XX~");

    /* HC:99213:: -> HC:99213, and an element of empty components is empty */
    mark = s.b.len;
    assert_int_equal(x12_writer_segment_begin(w, "SV1"), X12_OK);
    assert_int_equal(x12_writer_element(w, "HC", 2), X12_OK);
    assert_int_equal(x12_writer_component(w, "99213", 5), X12_OK);
    assert_int_equal(x12_writer_component(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_component(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_element(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_component(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_element(w, "5", 1), X12_OK);
    assert_int_equal(x12_writer_element(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_component(w, "", 0), X12_OK);
    EXPECT_SEG("SV1*HC:99213**5~");

    /* an empty middle component stays: A::C */
    mark = s.b.len;
    assert_int_equal(x12_writer_segment_begin(w, "XX"), X12_OK);
    assert_int_equal(x12_writer_element(w, "A", 1), X12_OK);
    assert_int_equal(x12_writer_component(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_component(w, "C", 1), X12_OK);
    EXPECT_SEG("XX*A::C~");

    /* trailing empty repetitions and components inside repetitions go too */
    mark = s.b.len;
    assert_int_equal(x12_writer_segment_begin(w, "XX"), X12_OK);
    assert_int_equal(x12_writer_element(w, "A", 1), X12_OK);
    assert_int_equal(x12_writer_component(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_repetition(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_repetition(w, "B", 1), X12_OK);
    assert_int_equal(x12_writer_component(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_repetition(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_component(w, "", 0), X12_OK);
    assert_int_equal(x12_writer_element(w, "Z", 1), X12_OK);
    EXPECT_SEG("XX*A^^B*Z~");
#undef EXPECT_SEG
    close_writer(w, &s);
}

/* --- errors -------------------------------------------------------------- */

static void test_delimiter_in_data(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    assert_int_equal(x12_writer_segmentv(w, "NM1", "IL", "1", "DOE", "JO~HN", NULL),
                     X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "NM1", 4, 0);
    assert_int_equal(x12_writer_error(w)->byte_offset, 2);
    assert_int_equal(x12_writer_error(w)->segment_index, 1);
    assert_string_equal(x12_writer_error(w)->detail, "byte 0x7E is the segment terminator");
    assert_int_equal(s.b.len, 0);
    assert_int_equal(x12_writer_segment_count(w), 0);

    /* in a component; later calls for the failed segment return the same code */
    assert_int_equal(x12_writer_segmentv(w, "REF", "EA", "1", NULL), X12_OK);
    assert_int_equal(x12_writer_segment_begin(w, "SV1"), X12_OK);
    assert_int_equal(x12_writer_element(w, "HC", 2), X12_OK);
    assert_int_equal(x12_writer_component(w, "99213", 5), X12_OK);
    assert_int_equal(x12_writer_component(w, "2*5", 3), X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "SV1", 1, 3);
    assert_int_equal(x12_writer_error(w)->segment_index, 2);
    assert_int_equal(x12_writer_error(w)->byte_offset, 1);
    assert_string_equal(x12_writer_error(w)->detail, "byte 0x2A is the element separator");
    assert_int_equal(x12_writer_element(w, "ok", 2), X12_ERR_DELIMITER_IN_DATA);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "SV1", 1, 3);
    assert_string_equal(s.b.p, "REF*EA*1~");

    /* repetition and component separators, in a repetition and an element */
    assert_int_equal(x12_writer_segment_begin(w, "CTX"), X12_OK);
    assert_int_equal(x12_writer_element(w, "A", 1), X12_OK);
    assert_int_equal(x12_writer_repetition(w, "B^", 2), X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "CTX", 1, 0);
    assert_string_equal(x12_writer_error(w)->detail, "byte 0x5E is the repetition separator");
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_DELIMITER_IN_DATA);
    assert_int_equal(x12_writer_segmentv(w, "DTP", "472", "D8", "2026:11", NULL),
                     X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "DTP", 3, 0);
    assert_string_equal(x12_writer_error(w)->detail, "byte 0x3A is the component separator");
    /* a segment that failed without segment_end is dropped by the next begin */
    assert_int_equal(x12_writer_segment_begin(w, "XX"), X12_OK);
    assert_int_equal(x12_writer_element(w, "*", 1), X12_ERR_DELIMITER_IN_DATA);
    assert_int_equal(x12_writer_segmentv(w, "YY", "1", NULL), X12_OK);
    assert_string_equal(s.b.p, "REF*EA*1~YY*1~");
    close_writer(w, &s);
}

static void test_invalid_char(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    assert_int_equal(x12_writer_segmentv(w, "N3", "12 MAIN\tST", NULL), X12_ERR_INVALID_CHAR);
    check_err(w, X12_ERR_INVALID_CHAR, "N3", 1, 0);
    assert_int_equal(x12_writer_error(w)->byte_offset, 7);
    assert_string_equal(x12_writer_error(w)->detail, "byte 0x09 is a control character");
    assert_int_equal(x12_writer_segmentv(w, "N3", "x", "CAF\xC3\x89", NULL), X12_ERR_INVALID_CHAR);
    check_err(w, X12_ERR_INVALID_CHAR, "N3", 2, 0);
    assert_int_equal(x12_writer_error(w)->byte_offset, 3);
    assert_non_null(strstr(x12_writer_error(w)->detail, "0xC3 is not ASCII"));
    assert_int_equal(x12_writer_segment_begin(w, "N3"), X12_OK);
    assert_int_equal(x12_writer_element(w, "A", 1), X12_OK);
    assert_int_equal(x12_writer_component(w, "\x7F", 1), X12_ERR_INVALID_CHAR);
    check_err(w, X12_ERR_INVALID_CHAR, "N3", 1, 2);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_INVALID_CHAR);
    /* the extended set takes lower case and @ [ ] { } and friends */
    assert_int_equal(x12_writer_segmentv(w, "PER", "IC", "john@example.com", "[a]{b}_#$%|<>\\",
                                         NULL),
                     X12_OK);
    assert_string_equal(s.b.p, "PER*IC*john@example.com*[a]{b}_#$%|<>\\~");
    close_writer(w, &s);
}

static void test_basic_charset(void **state)
{
    (void)state;
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.charset = X12_CHARSET_BASIC;
    /* delimiters outside the basic set, so that every basic character is data */
    o.delims.element = '|';
    o.delims.component = '>';
    sink s;
    x12_writer *w = open_writer(&o, &s);
    const char *all = "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789!\"&'()*+,-./:;?=";
    assert_int_equal(x12_writer_segmentv(w, "MSG", all, NULL), X12_OK);
    assert_int_equal(x12_writer_segmentv(w, "NM1", "IL", "Doe", NULL), X12_ERR_INVALID_CHAR);
    check_err(w, X12_ERR_INVALID_CHAR, "NM1", 2, 0);
    assert_int_equal(x12_writer_error(w)->byte_offset, 1);
    assert_string_equal(x12_writer_error(w)->detail, "byte 0x6F is outside the basic character set");
    assert_int_equal(x12_writer_segmentv(w, "PER", "IC", "A@B", NULL), X12_ERR_INVALID_CHAR);
    check_err(w, X12_ERR_INVALID_CHAR, "PER", 2, 0);
    /* ISA fields are checked too */
    x12_isa_header h = ISA_HDR;
    h.sender_id = "Sender";
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_INVALID_CHAR);
    check_err(w, X12_ERR_INVALID_CHAR, "ISA", 6, 0);
    assert_int_equal(s.b.len, strlen(all) + 5);
    close_writer(w, &s);
}

static void test_field_width(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    x12_isa_header h = ISA_HDR;
    h.sender_id = "SIXTEEN-BYTES-ID";
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "ISA", 6, 0);
    h = ISA_HDR;
    h.auth_info = "ELEVEN BYTE";
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "ISA", 2, 0);
    h = ISA_HDR;
    h.date = "20261126";
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "ISA", 9, 0);
    h = ISA_HDR;
    h.time = "120";
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "ISA", 10, 0);
    h = ISA_HDR;
    h.version = "005010";
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "ISA", 12, 0);
    h = ISA_HDR;
    h.control_number = 1000000000u;
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "ISA", 13, 0);
    /* required fields and fixed values */
    h = ISA_HDR;
    h.receiver_id = NULL;
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "ISA", 8, 0);
    h = ISA_HDR;
    h.date = "26112A";
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "ISA", 9, 0);
    /* a date and a time that exist, not only their digits */
    static const char *const BAD_YYMMDD[] = {"261399", "260230", "250229", "261100"};
    for (size_t i = 0; i < sizeof BAD_YYMMDD / sizeof BAD_YYMMDD[0]; i++) {
        h = ISA_HDR;
        h.date = BAD_YYMMDD[i];
        assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_USAGE);
        check_err(w, X12_ERR_USAGE, "ISA", 9, 0);
    }
    static const char *const BAD_HHMM[] = {"2400", "1260", "9999"};
    for (size_t i = 0; i < sizeof BAD_HHMM / sizeof BAD_HHMM[0]; i++) {
        h = ISA_HDR;
        h.time = BAD_HHMM[i];
        assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_USAGE);
        check_err(w, X12_ERR_USAGE, "ISA", 10, 0);
    }
    h = ISA_HDR;
    h.control_number = 0;
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "ISA", 13, 0);
    h = ISA_HDR;
    h.usage = 'X';
    assert_int_equal(x12_writer_begin_interchange(w, &h), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "ISA", 15, 0);
    assert_int_equal(x12_writer_begin_interchange(w, NULL), X12_ERR_USAGE);
    assert_int_equal(s.b.len, 0);

    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_OK);
    x12_gs_header g = gs_hdr(1);
    g.sender = "SIXTEEN-BYTES-ID";
    assert_int_equal(x12_writer_begin_group(w, &g), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "GS", 2, 0);
    g = gs_hdr(1000000000u);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "GS", 6, 0);
    g = gs_hdr(1);
    g.version = NULL;
    assert_int_equal(x12_writer_begin_group(w, &g), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "GS", 8, 0);
    g = gs_hdr(1);
    g.date = "20260230";
    assert_int_equal(x12_writer_begin_group(w, &g), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "GS", 4, 0);
    g = gs_hdr(1);
    g.date = "2026113";
    assert_int_equal(x12_writer_begin_group(w, &g), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "GS", 4, 0);
    static const char *const BAD_GS05[] = {"2460", "1299", "123099", "12305"};
    for (size_t i = 0; i < sizeof BAD_GS05 / sizeof BAD_GS05[0]; i++) {
        g = gs_hdr(1);
        g.time = BAD_GS05[i];
        assert_int_equal(x12_writer_begin_group(w, &g), X12_ERR_USAGE);
        check_err(w, X12_ERR_USAGE, "GS", 5, 0);
    }
    /* the checks the writer makes, public */
    assert_true(x12_valid_date("20240229", 8));
    assert_true(x12_valid_date("240229", 6));
    assert_false(x12_valid_date("20230229", 8));
    assert_false(x12_valid_date("2024022", 7));
    assert_false(x12_valid_date(NULL, 8));
    assert_true(x12_valid_time("2359", 4));
    assert_true(x12_valid_time("235959", 6));
    assert_true(x12_valid_time("12305912", 8)); /* HHMMSSdd, as GS05 may be */
    assert_false(x12_valid_time("2360", 4));
    assert_false(x12_valid_time("12345", 5));
    assert_false(x12_valid_time(NULL, 4));
    g = gs_hdr(1);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_OK);
    assert_int_equal(x12_writer_begin_set(w, "837", "123", NULL), X12_ERR_FIELD_WIDTH);
    check_err(w, X12_ERR_FIELD_WIDTH, "ST", 2, 0);
    assert_int_equal(x12_writer_begin_set(w, "837", "1234567890", NULL), X12_ERR_FIELD_WIDTH);
    assert_int_equal(x12_writer_begin_set(w, "837", NULL, NULL), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "ST", 2, 0);
    assert_int_equal(x12_writer_begin_set(w, "837", "0001", "A*B"), X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "ST", 3, 0);
    /* nothing half-written, and the failed ST opened no set */
    assert_int_equal(x12_writer_segment_count(w), 2);
    assert_int_equal(x12_writer_end_group(w), X12_OK);
    assert_string_equal(s.b.p + s.b.len - 7, "GE*0*1~");
    close_writer(w, &s);
}

static void test_wrong_nesting(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    x12_gs_header g = gs_hdr(1);
    assert_int_equal(x12_writer_end_interchange(w), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "IEA", 0, 0);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "GS", 0, 0);
    assert_int_equal(x12_writer_begin_set(w, "837", "0001", NULL), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "ST", 0, 0);
    assert_int_equal(x12_writer_end_set(w), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "SE", 0, 0);
    assert_int_equal(x12_writer_end_group(w), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "GE", 0, 0);
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_OK);
    size_t n = s.b.len;
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_ERR_USAGE);
    assert_int_equal(x12_writer_begin_set(w, "837", "0001", NULL), X12_ERR_USAGE);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_OK);
    n = s.b.len;
    assert_int_equal(x12_writer_begin_group(w, &g), X12_ERR_USAGE);
    assert_int_equal(x12_writer_end_interchange(w), X12_ERR_USAGE);
    assert_int_equal(x12_writer_begin_set(w, "837", "0001", NULL), X12_OK);
    n = s.b.len;
    assert_int_equal(x12_writer_end_group(w), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "GE", 0, 0);
    assert_int_equal(x12_writer_begin_set(w, "837", "0002", NULL), X12_ERR_USAGE);
    assert_int_equal(s.b.len, n);
    /* envelope segments are not hand-written */
    assert_int_equal(x12_writer_segmentv(w, "SE", "9", "0001", NULL), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "SE", 0, 0);
    assert_int_equal(x12_writer_segment_begin(w, "ISA"), X12_ERR_USAGE);
    /* an envelope call inside a segment fails and discards the segment */
    assert_int_equal(x12_writer_segment_begin(w, "REF"), X12_OK);
    assert_int_equal(x12_writer_end_set(w), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "SE", 0, 0);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_USAGE);
    /* segment calls out of order */
    assert_int_equal(x12_writer_element(w, "A", 1), X12_ERR_USAGE);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_USAGE);
    assert_int_equal(x12_writer_segment_begin(w, "REF"), X12_OK);
    assert_int_equal(x12_writer_segment_begin(w, "REF"), X12_ERR_USAGE);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_USAGE);
    assert_int_equal(x12_writer_segment_begin(w, "REF"), X12_OK);
    assert_int_equal(x12_writer_component(w, "A", 1), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "REF", 1, 2);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_USAGE);
    assert_int_equal(s.b.len, n);
    assert_int_equal(x12_writer_end_set(w), X12_OK);
    assert_string_equal(s.b.p + n, "SE*2*0001~");
    /* free with envelopes open writes no trailers */
    x12_writer_free(w);
    assert_string_equal(s.b.p + n, "SE*2*0001~");
    sb_free(&s.b);
}

static void test_bad_options(void **state)
{
    (void)state;
    static const struct {
        char e, r, c, s;
        const char *lb;
    } bad[] = {
        {'*', '^', '*', '~', NULL},  {'*', '*', ':', '~', NULL},  {'*', '^', ':', '^', NULL},
        {'A', '^', ':', '~', NULL},  {'*', '^', '5', '~', NULL},  {'*', 'u', ':', '~', NULL},
        {' ', '^', ':', '~', NULL},  {'*', '^', ':', '\t', NULL}, {'\n', '^', ':', '~', NULL},
        {'*', '^', ':', '\x7F', NULL}, {'*', '^', (char)0xE9, '~', NULL}, {0, '^', ':', '~', NULL},
        {'*', '^', ':', 0, NULL},    {'*', '^', ':', '\n', "\n"}, {'*', '^', ':', '~', "x"},
        {'*', '^', ':', '~', "\r\n\r\n\r"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        x12_writer_options o;
        x12_writer_options_init(&o);
        o.delims.element = bad[i].e;
        o.delims.repetition = bad[i].r;
        o.delims.component = bad[i].c;
        o.delims.segment = bad[i].s;
        o.line_break = bad[i].lb;
        x12_error err;
        sink s;
        sink_init(&s);
        x12_writer *w = x12_writer_new(&o, sink_write, &s, &err);
        if (w)
            fail_msg("case %zu accepted", i);
        assert_int_equal(err.code, X12_ERR_USAGE);
        assert_string_equal(err.msg, x12_status_message(X12_ERR_USAGE));
        assert_true(err.detail[0] != '\0');
        sb_free(&s.b);
    }
    x12_error err;
    assert_null(x12_writer_new(NULL, NULL, NULL, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.charset = (x12_charset)7;
    assert_null(x12_writer_new(&o, sink_write, NULL, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    x12_writer_options_init(&o);
    o.input_encoding = "NO-SUCH-ENCODING-X12";
    assert_null(x12_writer_new(&o, sink_write, NULL, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    assert_non_null(strstr(err.detail, "NO-SUCH-ENCODING-X12"));
    /* CR and LF terminators, no repetition separator: fine */
    x12_writer_options_init(&o);
    o.delims.segment = '\r';
    o.delims.repetition = '\0';
    o.line_break = "\n";
    x12_writer *w = x12_writer_new(&o, sink_write, NULL, &err);
    assert_non_null(w);
    assert_int_equal(err.code, X12_OK);
    x12_writer_free(w);
    x12_writer_free(NULL);
}

static void test_bad_segment_id(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    static const char *const bad[] = {"", "A", "ABCD", "1AB", "ab", "A-", "A B"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(x12_writer_segmentv(w, bad[i], "1", NULL), X12_ERR_USAGE);
        check_err(w, X12_ERR_USAGE, "", 0, 0);
    }
    assert_int_equal(x12_writer_segment_begin(w, NULL), X12_ERR_USAGE);
    assert_int_equal(x12_writer_segmentv(w, "N4", "X", NULL), X12_OK);
    assert_int_equal(x12_writer_segmentv(w, "SV1", "X", NULL), X12_OK);
    assert_int_equal(x12_writer_segmentv(w, "K3", "X", NULL), X12_OK);
    assert_string_equal(s.b.p, "N4*X~SV1*X~K3*X~");
    close_writer(w, &s);
}

static void test_output_failure(void **state)
{
    (void)state;
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    s.fail_on = 2;
    assert_int_equal(x12_writer_segmentv(w, "AA", "1", NULL), X12_OK);
    assert_int_equal(x12_writer_segmentv(w, "BB", "2", NULL), X12_ERR_IO);
    check_err(w, X12_ERR_IO, "BB", 0, 0);
    assert_int_equal(x12_writer_error(w)->segment_index, 2);
    assert_int_equal(x12_writer_segment_count(w), 1);
    assert_int_equal(x12_writer_segmentv(w, "CC", "3", NULL), X12_OK);
    assert_string_equal(s.b.p, "AA*1~CC*3~");
    /* an envelope whose header fails to go out is not open */
    s.fail_on = 4;
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_ERR_IO);
    check_err(w, X12_ERR_IO, "ISA", 0, 0);
    assert_int_equal(x12_writer_end_interchange(w), X12_ERR_USAGE);
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_OK);
    x12_gs_header g = gs_hdr(1);
    assert_int_equal(x12_writer_begin_group(w, &g), X12_OK);
    s.fail_on = 7;
    assert_int_equal(x12_writer_begin_set(w, "835", "0001", NULL), X12_ERR_IO);
    assert_int_equal(x12_writer_end_set(w), X12_ERR_USAGE);
    assert_int_equal(x12_writer_begin_set(w, "835", "0001", NULL), X12_OK);
    assert_int_equal(x12_writer_end_set(w), X12_OK);
    assert_string_equal(s.b.p + s.b.len - 22, "ST*835*0001~SE*2*0001~");
    close_writer(w, &s);
}

static void test_segment_limit(void **state)
{
    (void)state;
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.max_segment_length = 20;
    sink s;
    x12_writer *w = open_writer(&o, &s);
    /* 20 bytes without the terminator: fits exactly */
    assert_int_equal(x12_writer_segmentv(w, "MSG", "0123456789ABCDEF", NULL), X12_OK);
    assert_string_equal(s.b.p, "MSG*0123456789ABCDEF~");
    assert_int_equal(x12_writer_segmentv(w, "MSG", "0123456789ABCDEFG", NULL), X12_ERR_LIMIT);
    check_err(w, X12_ERR_LIMIT, "MSG", 1, 0);
    assert_int_equal(x12_writer_segmentv(w, "MSG", "0123456789", "ABCDEF", NULL), X12_ERR_LIMIT);
    check_err(w, X12_ERR_LIMIT, "MSG", 2, 0);
    assert_int_equal(x12_writer_segment_begin(w, "MSG"), X12_OK);
    assert_int_equal(x12_writer_element(w, "0123456789", 10), X12_OK);
    assert_int_equal(x12_writer_component(w, "ABCDEF", 6), X12_ERR_LIMIT);
    check_err(w, X12_ERR_LIMIT, "MSG", 1, 2);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_LIMIT);
    /* trimmed bytes still count while the segment is built: limits are
     * checked as data arrives, not after trimming */
    assert_int_equal(x12_writer_segmentv(w, "MSG", "0123456789ABCDEF", "", NULL), X12_ERR_LIMIT);
    /* the ISA is 105 bytes: too long for this writer */
    assert_int_equal(x12_writer_begin_interchange(w, &ISA_HDR), X12_ERR_LIMIT);
    assert_string_equal(x12_writer_error(w)->segment_id, "ISA");
    assert_int_equal(s.b.len, 21);
    close_writer(w, &s);

    /* the default limit: 1 MiB */
    w = open_writer(NULL, &s);
    size_t big = X12_DEFAULT_MAX_SEGMENT_LENGTH;
    char *data = malloc(big + 1);
    memset(data, 'A', big);
    assert_int_equal(x12_writer_segment_begin(w, "MSG"), X12_OK);
    assert_int_equal(x12_writer_element(w, data, big - 4), X12_OK);
    assert_int_equal(x12_writer_segment_end(w), X12_OK);
    assert_int_equal(s.b.len, big + 1);
    assert_int_equal(x12_writer_segment_begin(w, "MSG"), X12_OK);
    assert_int_equal(x12_writer_element(w, data, big - 3), X12_ERR_LIMIT);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_LIMIT);
    free(data);
    close_writer(w, &s);
}

/* Writes a whole interchange; returns the first failure. */
static x12_status write_all(x12_writer *w, const char *big, size_t big_len)
{
    x12_status st = x12_writer_begin_interchange(w, &ISA_HDR);
    x12_gs_header g = gs_hdr(1);
    if (st == X12_OK)
        st = x12_writer_begin_group(w, &g);
    if (st == X12_OK)
        st = x12_writer_begin_set(w, "837", "0001", NULL);
    if (st == X12_OK)
        st = x12_writer_segmentv(w, "NM1", "85", "2", "Mu\xC3\xB1oz", NULL);
    if (st == X12_OK && (st = x12_writer_segment_begin(w, "MSG")) == X12_OK) {
        x12_writer_element(w, big, big_len);
        x12_writer_component(w, big, big_len);
        st = x12_writer_segment_end(w);
    }
    if (st == X12_OK)
        st = x12_writer_end_set(w);
    if (st == X12_OK)
        st = x12_writer_end_group(w);
    if (st == X12_OK)
        st = x12_writer_end_interchange(w);
    return st;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    /* a long segment makes the buffer grow several times */
    size_t big_len = 5000;
    char *big = malloc(big_len);
    memset(big, 'Z', big_len);
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.input_encoding = "UTF-8";
    char *want = NULL;
    {
        sink s;
        x12_writer *w = open_writer(&o, &s);
        assert_int_equal(write_all(w, big, big_len), X12_OK);
        want = strdup(s.b.p);
        close_writer(w, &s);
    }
    assert_non_null(strstr(want, "NM1*85*2*Munoz~"));
    long n;
    for (n = 1;; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        o.alloc = &fa.a;
        sink s;
        sink_init(&s);
        x12_error err;
        x12_writer *w = x12_writer_new(&o, sink_write, &s, &err);
        x12_status st;
        if (!w) {
            st = err.code;
        } else {
            st = write_all(w, big, big_len);
            if (st != X12_OK)
                assert_int_equal(x12_writer_error(w)->code, X12_ERR_NOMEM);
            x12_writer_free(w);
        }
        assert_int_equal(fa.live, 0);
        if (st == X12_OK) {
            assert_string_equal(s.b.p, want);
            sb_free(&s.b);
            break;
        }
        assert_int_equal(st, X12_ERR_NOMEM);
        sb_free(&s.b);
    }
    assert_true(n > 4); /* writer, buffer, encoding name, growth */
    free(want);
    free(big);
}

/* --- character conversion ------------------------------------------------ */

static x12_status conv(const char *enc, const char *in, size_t len, x12_charset cs, char *out,
                       size_t cap, x12_error *err)
{
    size_t n = 0;
    x12_status st = x12_text_to_x12(enc, in, len, out, cap - 1, &n, cs, err);
    out[n] = '\0';
    return st;
}

static void test_text_to_x12(void **state)
{
    (void)state;
    char out[256];
    x12_error err;
    const char *name = "Jos\xC3\xA9 Mu\xC3\xB1oz \xC3\x86r\xC3\xB8";
    assert_int_equal(conv("UTF-8", name, strlen(name), X12_CHARSET_EXTENDED, out, sizeof out, &err),
                     X12_OK);
    assert_string_equal(out, "Jose Munoz AEro");
    assert_int_equal(err.code, X12_OK);
    /* ISO-8859-1: E-acute e-acute sharp-s thorn */
    assert_int_equal(conv("ISO-8859-1", "\xC9\xE9\xDF\xDE", 4, X12_CHARSET_EXTENDED, out,
                          sizeof out, &err),
                     X12_OK);
    assert_string_equal(out, "EessTH");
    /* Latin Extended-A and the punctuation of word processors */
    const char *ext = "\xC5\x81\xC3\xB3" "d\xC5\xBA \xC4\x8C\xC5\xA1 \xC5\x92 "        /* Łódź Čš Œ */
                      "\xE2\x80\x98q\xE2\x80\x99 \xE2\x80\x9Cq\xE2\x80\x9D"           /* ‘q’ “q” */
                      "\xC2\xA0" "a\xE2\x80\x93" "b\xE2\x80\x94" "c";                 /* NBSP – — */
    assert_int_equal(conv("UTF-8", ext, strlen(ext), X12_CHARSET_EXTENDED, out, sizeof out, &err),
                     X12_OK);
    assert_string_equal(out, "Lodz Cs OE 'q' \"q\" a-b-c");
    /* UTF-16 with its byte order mark */
    assert_int_equal(conv("UTF-16", "\xFF\xFE" "A\0\xE9\0", 6, X12_CHARSET_EXTENDED, out,
                          sizeof out, &err),
                     X12_OK);
    assert_string_equal(out, "Ae");
    /* a UTF-8 byte order mark is dropped */
    assert_int_equal(conv("UTF-8", "\xEF\xBB\xBFOK", 5, X12_CHARSET_EXTENDED, out, sizeof out,
                          &err),
                     X12_OK);
    assert_string_equal(out, "OK");

    /* no X12 form: an emoji, CJK, a multiplication sign */
    assert_int_equal(conv("UTF-8", "AB\xF0\x9F\x98\x80" "C", 7, X12_CHARSET_EXTENDED, out,
                          sizeof out, &err),
                     X12_ERR_CHARSET);
    assert_int_equal(err.byte_offset, 2);
    assert_string_equal(err.detail, "U+1F600 has no X12 form");
    assert_string_equal(err.msg, x12_status_message(X12_ERR_CHARSET));
    assert_string_equal(out, "AB"); /* what was converted before the failure */
    assert_int_equal(conv("UTF-8", "\xC3\xA9t\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC", 12,
                          X12_CHARSET_EXTENDED, out, sizeof out, &err),
                     X12_ERR_CHARSET);
    assert_int_equal(err.byte_offset, 6);
    assert_string_equal(err.detail, "U+65E5 has no X12 form");
    assert_int_equal(conv("ISO-8859-1", "2\xD7" "3", 3, X12_CHARSET_EXTENDED, out, sizeof out,
                          &err),
                     X12_ERR_CHARSET);
    assert_int_equal(err.byte_offset, 1);
    assert_string_equal(err.detail, "U+00D7 has no X12 form");

    /* invalid bytes */
    assert_int_equal(conv("UTF-8", "AB\xC3(", 4, X12_CHARSET_EXTENDED, out, sizeof out, &err),
                     X12_ERR_ENCODING);
    assert_int_equal(err.byte_offset, 2);
    assert_int_equal(conv("UTF-8", "\xC3\xA9\xFF", 3, X12_CHARSET_EXTENDED, out, sizeof out,
                          &err),
                     X12_ERR_ENCODING);
    assert_int_equal(err.byte_offset, 2);
    assert_string_equal(out, "e");
    assert_int_equal(conv("UTF-8", "ABC\xE2\x80", 5, X12_CHARSET_EXTENDED, out, sizeof out, &err),
                     X12_ERR_ENCODING);
    assert_int_equal(err.byte_offset, 3);
    assert_non_null(strstr(err.detail, "ends inside"));

    /* control characters */
    assert_int_equal(conv("UTF-8", "A\tB", 3, X12_CHARSET_EXTENDED, out, sizeof out, &err),
                     X12_ERR_INVALID_CHAR);
    assert_int_equal(err.byte_offset, 1);
    assert_int_equal(conv("UTF-8", "A\xC2\x85", 3, X12_CHARSET_EXTENDED, out, sizeof out, &err),
                     X12_ERR_INVALID_CHAR);
    assert_int_equal(err.byte_offset, 1);

    /* basic: upper case folds fine, lower case is refused, never upper-cased */
    assert_int_equal(conv("UTF-8", "JOS\xC3\x89", 5, X12_CHARSET_BASIC, out, sizeof out, &err),
                     X12_OK);
    assert_string_equal(out, "JOSE");
    assert_int_equal(conv("UTF-8", "JOS\xC3\xA9", 5, X12_CHARSET_BASIC, out, sizeof out, &err),
                     X12_ERR_INVALID_CHAR);
    assert_int_equal(err.byte_offset, 3);
    assert_string_equal(err.detail, "U+00E9 folds to a letter outside the basic character set");
    assert_int_equal(conv("UTF-8", "AB@", 3, X12_CHARSET_BASIC, out, sizeof out, &err),
                     X12_ERR_INVALID_CHAR);
    assert_int_equal(err.byte_offset, 2);

    /* misuse and short output */
    assert_int_equal(conv("NO-SUCH-ENCODING-X12", "A", 1, X12_CHARSET_EXTENDED, out, sizeof out,
                          &err),
                     X12_ERR_USAGE);
    assert_int_equal(conv(NULL, "A", 1, X12_CHARSET_EXTENDED, out, sizeof out, &err),
                     X12_ERR_USAGE);
    assert_int_equal(conv("UTF-8", "A", 1, (x12_charset)9, out, sizeof out, &err), X12_ERR_USAGE);
    assert_int_equal(conv("UTF-8", "\xC3\x86\xC3\x86", 4, X12_CHARSET_EXTENDED, out, 4, &err),
                     X12_ERR_LIMIT);
    assert_string_equal(out, "AE");
    assert_int_equal(x12_text_to_x12("UTF-8", "", 0, NULL, 0, NULL, X12_CHARSET_BASIC, NULL),
                     X12_OK);
}

/* Long text goes through in bounded chunks; a failure far in still names
 * its own byte. */
static void test_text_to_x12_long(void **state)
{
    (void)state;
    size_t reps = 40000; /* "é-" is 3 bytes in UTF-8: 120 000 bytes */
    size_t len = 3 * reps;
    char *in = malloc(len + 4);
    for (size_t i = 0; i < reps; i++)
        memcpy(in + 3 * i, "\xC3\xA9-", 3);
    char *out = malloc(2 * reps + 1);
    size_t n = 0;
    x12_error err;
    assert_int_equal(x12_text_to_x12("UTF-8", in, len, out, 2 * reps, &n, X12_CHARSET_EXTENDED,
                                     &err),
                     X12_OK);
    assert_int_equal(n, 2 * reps);
    assert_memory_equal(out, "e-e-e-", 6);
    assert_memory_equal(out + n - 4, "e-e-", 4);
    /* an emoji at 70 002, inside a chunk of many characters */
    size_t at = 3 * 23334;
    memcpy(in + at, "\xF0\x9F\x98\x80", 4);
    memcpy(in + at + 4, "--", 2);
    assert_int_equal(x12_text_to_x12("UTF-8", in, len, out, 2 * reps, &n, X12_CHARSET_EXTENDED,
                                     &err),
                     X12_ERR_CHARSET);
    assert_int_equal(err.byte_offset, at);
    assert_int_equal(n, 2 * 23334);
    /* and an invalid byte after that */
    in[len - 1] = (char)0xFF;
    memcpy(in + at, "\xC3\xA9-\xC3\xA9-", 6);
    assert_int_equal(x12_text_to_x12("UTF-8", in, len, out, 2 * reps, &n, X12_CHARSET_EXTENDED,
                                     &err),
                     X12_ERR_ENCODING);
    assert_int_equal(err.byte_offset, len - 1);
    free(in);
    free(out);
}

static void test_writer_input_encoding(void **state)
{
    (void)state;
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.input_encoding = "UTF-8";
    sink s;
    x12_writer *w = open_writer(&o, &s);
    assert_int_equal(x12_writer_segmentv(w, "NM1", "IL", "1", "MU\xC3\x91OZ", "Jos\xC3\xA9", NULL),
                     X12_OK);
    assert_string_equal(s.b.p, "NM1*IL*1*MUNOZ*Jose~");
    assert_int_equal(x12_writer_segment_begin(w, "SV1"), X12_OK);
    assert_int_equal(x12_writer_element(w, "HC", 2), X12_OK);
    assert_int_equal(x12_writer_component(w, "\xC3\xA9t\xC3\xA9\xF0\x9F\x98\x80", 9),
                     X12_ERR_CHARSET);
    check_err(w, X12_ERR_CHARSET, "SV1", 1, 2);
    assert_int_equal(x12_writer_error(w)->byte_offset, 5);
    assert_string_equal(x12_writer_error(w)->detail, "U+1F600 has no X12 form");
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_CHARSET);
    /* delimiters are found in the converted text */
    assert_int_equal(x12_writer_segmentv(w, "NM1", "\xC3\xA9*", NULL), X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "NM1", 1, 0);
    assert_int_equal(x12_writer_error(w)->byte_offset, 2);
    assert_int_equal(x12_writer_segmentv(w, "NM1", "A\xFF", NULL), X12_ERR_ENCODING);
    check_err(w, X12_ERR_ENCODING, "NM1", 1, 0);
    assert_int_equal(x12_writer_error(w)->byte_offset, 1);
    /* the converted text counts against the limit */
    close_writer(w, &s);
    o.max_segment_length = 8;
    o.delims.component = '\'';
    w = open_writer(&o, &s);
    assert_int_equal(x12_writer_segmentv(w, "XX", "\xC3\x86\xC3\x86\xC3\x86", NULL), X12_ERR_LIMIT);
    check_err(w, X12_ERR_LIMIT, "XX", 1, 0);
    assert_int_equal(x12_writer_segmentv(w, "XX", "\xC3\x86\xC3\x86", NULL), X12_OK);
    assert_string_equal(s.b.p, "XX*AEAE~");
    /* a folded mark that is a delimiter here: U+2019 becomes ' */
    assert_int_equal(x12_writer_segmentv(w, "XX", "O\xE2\x80\x99" "B", NULL),
                     X12_ERR_DELIMITER_IN_DATA);
    assert_int_equal(x12_writer_error(w)->byte_offset, 1);
    assert_non_null(strstr(x12_writer_error(w)->detail, "component separator"));
    close_writer(w, &s);
}

/* --- re-writing read segments -------------------------------------------- */

typedef struct built {
    x12_segment seg;
    x12_slice els[64];
} built;

/* Splits `raw` (no terminator) on d.element into a segment as the reader
 * would hand it out. */
static void build_seg(built *b, const char *raw, x12_delimiters d)
{
    memset(b, 0, sizeof *b);
    size_t n = 0;
    const char *p = raw;
    for (;;) {
        const char *e = strchr(p, d.element);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        b->els[n].ptr = p;
        b->els[n].len = len;
        n++;
        if (!e)
            break;
        p = e + 1;
    }
    b->seg.id = b->els[0];
    b->seg.raw.ptr = raw;
    b->seg.raw.len = strlen(raw);
    b->seg.elements = b->els;
    b->seg.element_count = (uint32_t)(n - 1);
    b->seg.delims = d;
}

/* Writes each `~`-terminated segment of `text` (built with `src`
 * delimiters) through write_segment. */
static x12_status rewrite(x12_writer *w, const char *text, x12_delimiters src)
{
    char *copy = strdup(text);
    x12_status st = X12_OK;
    char *save = copy;
    for (char *p = copy; *p && st == X12_OK;) {
        char *t = strchr(p, src.segment);
        *t = '\0';
        built b;
        build_seg(&b, p, src);
        st = x12_writer_write_segment(w, &b.seg);
        p = t + 1;
    }
    free(save);
    return st;
}

#define RT_TEXT                                                                                    \
    "ISA*00*          *01*SECRET    *ZZ*SUBMITTERS.ID  *ZZ*RECEIVERS.ID   *030101*1253*^*00501*"   \
    "000000905*1*T*:~"                                                                             \
    "GS*HC*SENDER*RECEIVER*20261126*1200*7*X*005010X222A1~ST*837*0001*005010X222A1~"               \
    "NM1*85*2*NAME*****XX*123~SV1*HC:99213:::*125***~DMG*D8*19800101*F**A:B^C::D^^:~REF*EA*~"      \
    "HI*ABK:J20.9^ABF:R05*~SE*7*0001~GE*1*7~IEA*1*000000905~"

static void test_write_segment_same_delimiters(void **state)
{
    (void)state;
    x12_delimiters d = {'*', '^', ':', '~'};
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    assert_int_equal(rewrite(w, RT_TEXT, d), X12_OK);
    assert_string_equal(s.b.p, RT_TEXT);
    assert_int_equal(x12_writer_segment_count(w), 11);
    assert_reads_clean(s.b.p, s.b.len);
    close_writer(w, &s);
}

static void test_write_segment_translated(void **state)
{
    (void)state;
    x12_delimiters d = {'*', '^', ':', '~'};
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.delims.element = '|';
    o.delims.repetition = '!';
    o.delims.component = '>';
    o.delims.segment = '\n';
    sink s;
    x12_writer *w = open_writer(&o, &s);
    assert_int_equal(rewrite(w, RT_TEXT, d), X12_OK);
    /* no data byte of RT_TEXT is a delimiter, so translating every delimiter
     * byte gives the expected text (ISA11 and ISA16 included) */
    char *want = strdup(RT_TEXT);
    for (char *p = want; *p; p++)
        *p = *p == '*' ? '|' : *p == '^' ? '!' : *p == ':' ? '>' : *p == '~' ? '\n' : *p;
    assert_string_equal(s.b.p, want);
    assert_int_equal(s.b.p[82], '!');
    assert_int_equal(s.b.p[104], '>');
    assert_reads_clean(s.b.p, s.b.len);
    free(want);
    close_writer(w, &s);

    /* back again from the translated text gives the original */
    x12_writer_options_init(&o);
    w = open_writer(&o, &s);
    x12_delimiters d2 = {'|', '!', '>', '\n'};
    char *tr = strdup(RT_TEXT);
    for (char *p = tr; *p; p++)
        *p = *p == '*' ? '|' : *p == '^' ? '!' : *p == ':' ? '>' : *p == '~' ? '\n' : *p;
    assert_int_equal(rewrite(w, tr, d2), X12_OK);
    assert_string_equal(s.b.p, RT_TEXT);
    free(tr);
    close_writer(w, &s);
}

static void test_write_segment_no_repetition(void **state)
{
    (void)state;
    /* a 4010-style source: ISA11 'U', no repetition separator, so '^' is data */
    x12_delimiters src = {'*', '\0', ':', '~'};
    const char *isa_u = "ISA*00*          *00*          *ZZ*A              *ZZ*B              "
                        "*030101*1253*U*00401*000000001*0*P*:";
    built b;
    build_seg(&b, isa_u, src);
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_OK);
    assert_int_equal(s.b.len, 106);
    assert_int_equal(s.b.p[82], '^'); /* the writer's repetition separator */
    build_seg(&b, "MSG*A^B", src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "MSG", 1, 0);
    assert_int_equal(x12_writer_error(w)->byte_offset, 1);
    close_writer(w, &s);

    /* a writer without one keeps 'U', and writes 'U' for a '^' source */
    x12_writer_options o;
    x12_writer_options_init(&o);
    o.delims.repetition = '\0';
    w = open_writer(&o, &s);
    build_seg(&b, isa_u, src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_OK);
    assert_memory_equal(s.b.p, isa_u, 105);
    build_seg(&b, "MSG*A^B", src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_OK);
    assert_string_equal(s.b.p + 106, "MSG*A^B~");
    x12_delimiters caret = {'*', '^', ':', '~'};
    build_seg(&b, "ISA*00*          *00*          *ZZ*A              *ZZ*B              "
                  "*030101*1253*^*00501*000000002*0*P*:", caret);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_OK);
    assert_int_equal(s.b.p[s.b.len - 106 + 82], 'U');
    /* a repeating element cannot be written without a repetition separator */
    build_seg(&b, "CTX*A^B", caret);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "CTX", 1, 0);
    close_writer(w, &s);
}

static void test_write_segment_errors(void **state)
{
    (void)state;
    x12_delimiters src = {'|', '!', '>', '\n'};
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    built b;
    /* '*' is data in the source and a delimiter here */
    build_seg(&b, "SV1|HC>99213>A*B|1", src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "SV1", 1, 3);
    assert_int_equal(x12_writer_error(w)->byte_offset, 10);
    build_seg(&b, "CTX|A>1!B>2!C~D", src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_ERR_DELIMITER_IN_DATA);
    check_err(w, X12_ERR_DELIMITER_IN_DATA, "CTX", 1, 0);
    build_seg(&b, "N3|A\tB", src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_ERR_INVALID_CHAR);
    check_err(w, X12_ERR_INVALID_CHAR, "N3", 1, 0);
    build_seg(&b, "n3|A", src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_ERR_USAGE);
    build_seg(&b, "ISA|00|X", src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_ERR_USAGE);
    check_err(w, X12_ERR_USAGE, "ISA", 0, 0);
    assert_int_equal(x12_writer_write_segment(w, NULL), X12_ERR_USAGE);
    assert_int_equal(s.b.len, 0);
    /* inside an open segment */
    assert_int_equal(x12_writer_segment_begin(w, "REF"), X12_OK);
    build_seg(&b, "N3|A", src);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_ERR_USAGE);
    assert_int_equal(x12_writer_segment_end(w), X12_ERR_USAGE);
    assert_int_equal(x12_writer_write_segment(w, &b.seg), X12_OK);
    assert_string_equal(s.b.p, "N3*A~");
    close_writer(w, &s);
}

/* Copied headers open envelopes whose trailers the writer then computes. */
static void test_write_segment_then_trailers(void **state)
{
    (void)state;
    x12_delimiters d = {'*', '^', ':', '~'};
    sink s;
    x12_writer *w = open_writer(NULL, &s);
    const char *head = ISA_OUT "GS*HP*A*B*20261126*1200*0042*X*005010X221A1~ST*835*ABCD~";
    assert_int_equal(rewrite(w, head, d), X12_OK);
    assert_int_equal(x12_writer_segmentv(w, "BPR", "I", "1", "C", "CHK", NULL), X12_OK);
    assert_int_equal(x12_writer_segmentv(w, "TRN", "1", "2", "3", NULL), X12_OK);
    assert_int_equal(x12_writer_end_set(w), X12_OK);
    assert_int_equal(x12_writer_end_group(w), X12_OK);
    assert_int_equal(x12_writer_end_interchange(w), X12_OK);
    assert_string_equal(s.b.p + strlen(head),
                        "BPR*I*1*C*CHK~TRN*1*2*3~SE*4*ABCD~GE*1*0042~IEA*1*000000905~");
    assert_reads_clean(s.b.p, s.b.len);
    close_writer(w, &s);
}

/* The reader's own segments, written back: byte for byte. */
typedef struct relay {
    x12_writer *w;
    x12_status st;
} relay;

static int relay_seg(void *ctx, const x12_segment *seg)
{
    relay *r = ctx;
    if (r->st == X12_OK)
        r->st = x12_writer_write_segment(r->w, seg);
    return 0;
}

static void test_reader_to_writer(void **state)
{
    (void)state;
    const char *text[] = {
        RT_TEXT,
        "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261126|1200|!|00501|"
        "000000001|0|T|>\nGS|HP|S|R|20261126|1200|1|X|005010X221A1\nST|835|0001\n"
        "CLP|A>B>>|1||\nCAS|CO|45|10!PR>1\nSE|4|0001\nGE|1|1\nIEA|1|000000001\n",
    };
    for (size_t i = 0; i < 2; i++) {
        x12_writer_options o;
        x12_writer_options_init(&o);
        if (i == 1) {
            o.delims.element = '|';
            o.delims.repetition = '!';
            o.delims.component = '>';
            o.delims.segment = '\n';
        }
        sink s;
        relay r = {open_writer(&o, &s), X12_OK};
        x12_reader_callbacks cb = {relay_seg, NULL};
        x12_reader *rd = x12_reader_new(NULL, &cb, &r);
        assert_non_null(rd);
        assert_int_equal(x12_reader_feed(rd, text[i], strlen(text[i])), X12_OK);
        assert_int_equal(x12_reader_finish(rd), X12_OK);
        x12_reader_free(rd);
        assert_int_equal(r.st, X12_OK);
        assert_string_equal(s.b.p, text[i]);
        close_writer(r.w, &s);
    }
}

/* --- gzip output ------------------------------------------------------------ */

typedef struct gz_sink {
    strbuf b;
    size_t calls, biggest;
    size_t fail_at; /* the call that fails (1-based); 0 = none */
} gz_sink;

static int gz_sink_write(void *ctx, const void *buf, size_t len)
{
    gz_sink *s = ctx;
    s->calls++;
    if (s->fail_at && s->calls >= s->fail_at)
        return -1;
    if (len > s->biggest)
        s->biggest = len;
    sb_add(&s->b, buf, len);
    return 0;
}

/* gunzips `gz` (one gzip member, whole) into a new buffer; *n its length. */
static unsigned char *gunzip(const void *gz, size_t gzlen, size_t *n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    size_t cap = 1 << 16, len = 0;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)(uintptr_t)gz;
    z.avail_in = (unsigned)gzlen;
    int rc;
    do {
        if (len == cap)
            out = realloc(out, cap *= 2);
        z.next_out = out + len;
        z.avail_out = (unsigned)(cap - len);
        rc = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END)
            fail_msg("inflate: %d (%s)", rc, z.msg ? z.msg : "");
    } while (rc != Z_STREAM_END);
    assert_int_equal(z.avail_in, 0); /* nothing after the trailer */
    inflateEnd(&z);
    *n = len;
    return out;
}

/* Text fed in chunks of every size, at the fastest and the smallest level,
 * comes back byte for byte; the compressed bytes go on in blocks of at most
 * 64 KiB; the counts are right; an empty stream is a valid gzip. */
static void test_gzip_out(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    char *text = malloc(n);
    uint32_t x = 12345;
    for (size_t i = 0; i < n;) { /* X12-like: repeated segments, numbers that change */
        x = x * 1103515245u + 12345u;
        char seg[64];
        int k = snprintf(seg, sizeof seg, "SVC*HC:99213*%u.00*%u.00**1~DTM*472*2026%04u~",
                         x % 500, x % 300, x % 1231);
        for (int j = 0; j < k && i < n; j++)
            text[i++] = seg[j];
    }
    const int levels[] = {1, 9, -1};
    for (size_t li = 0; li < sizeof levels / sizeof levels[0]; li++) {
        gz_sink s = {{0}, 0, 0, 0};
        x12_gzip_out *g = x12_gzip_out_new(levels[li], gz_sink_write, &s, NULL);
        assert_non_null(g);
        size_t off = 0, step = 1;
        while (off < n) {
            size_t k = step < n - off ? step : n - off;
            assert_int_equal(x12_gzip_out_write(g, text + off, k), 0);
            off += k;
            step = step * 3 + 1; /* 1, 4, 13, ... then wraps to small again */
            if (step > 200000)
                step = 2;
        }
        assert_int_equal(x12_gzip_out_finish(g), X12_OK);
        assert_int_equal(x12_gzip_out_finish(g), X12_OK); /* a second time: nothing */
        assert_int_equal(x12_gzip_out_write(g, "x", 1), -1); /* after the end */
        uint64_t in, out;
        x12_gzip_out_get_stats(g, &in, &out);
        assert_int_equal(in, n);
        assert_int_equal(out, s.b.len);
        assert_true(s.biggest <= 64u * 1024u);
        assert_true(s.b.len < n / 2); /* it did compress */
        x12_gzip_out_free(g);
        size_t back_len;
        unsigned char *back = gunzip(s.b.p, s.b.len, &back_len);
        assert_int_equal(back_len, n);
        assert_memory_equal(back, text, n);
        free(back);
        sb_free(&s.b);
    }
    free(text);

    gz_sink e = {{0}, 0, 0, 0};
    x12_gzip_out *g = x12_gzip_out_new(1, gz_sink_write, &e, NULL);
    assert_int_equal(x12_gzip_out_finish(g), X12_OK);
    x12_gzip_out_free(g);
    size_t back_len;
    unsigned char *back = gunzip(e.b.p, e.b.len, &back_len);
    assert_int_equal(back_len, 0);
    free(back);
    sb_free(&e.b);

    /* not usable */
    assert_null(x12_gzip_out_new(10, gz_sink_write, &e, NULL));
    assert_null(x12_gzip_out_new(-2, gz_sink_write, &e, NULL));
    assert_null(x12_gzip_out_new(1, NULL, &e, NULL));
    x12_gzip_out_free(NULL);
}

/* A sink that fails: the write that meets it fails and every later one,
 * finish says X12_ERR_IO; freeing an unfinished stream leaks nothing. */
static void test_gzip_out_failures(void **state)
{
    (void)state;
    char block[4096];
    uint32_t x = 7;
    /* incompressible bytes, new for each write: blocks go out as they fill */
#define FILL_BLOCK()                                                                               \
    for (size_t bi = 0; bi < sizeof block; bi++) {                                                 \
        x = x * 1103515245u + 12345u;                                                              \
        block[bi] = (char)(x >> 24);                                                               \
    }
    const size_t fails[] = {1, 2, 5};
    for (size_t fi = 0; fi < sizeof fails / sizeof fails[0]; fi++) {
        gz_sink s = {{0}, 0, 0, fails[fi]};
        x12_gzip_out *g = x12_gzip_out_new(1, gz_sink_write, &s, NULL);
        int failed = 0;
        for (int i = 0; i < 200 && !failed; i++) {
            FILL_BLOCK();
            failed = x12_gzip_out_write(g, block, sizeof block) != 0;
        }
        assert_true(failed);
        assert_int_equal(s.calls, fails[fi]);
        assert_int_equal(x12_gzip_out_write(g, block, 1), -1);
        assert_int_equal(x12_gzip_out_finish(g), X12_ERR_IO);
        assert_int_equal(s.calls, fails[fi]); /* never called again */
        x12_gzip_out_free(g);
        sb_free(&s.b);
    }
    /* the failure at the end: the header went out, the rest fails at finish */
    gz_sink s = {{0}, 0, 0, 2};
    x12_gzip_out *g = x12_gzip_out_new(1, gz_sink_write, &s, NULL);
    FILL_BLOCK();
    assert_int_equal(x12_gzip_out_write(g, block, sizeof block), 0);
    assert_int_equal(s.calls, 1);
    assert_int_equal(x12_gzip_out_finish(g), X12_ERR_IO);
    assert_int_equal(x12_gzip_out_finish(g), X12_ERR_IO);
    x12_gzip_out_free(g);
    sb_free(&s.b);
#undef FILL_BLOCK
    /* allocation failures: NULL, nothing leaked; then it works */
    int made = 0;
    for (long k = 1; k < 100 && !made; k++) {
        failing_alloc fa;
        failing_alloc_init(&fa, k);
        gz_sink as = {{0}, 0, 0, 0};
        x12_gzip_out *ag = x12_gzip_out_new(6, gz_sink_write, &as, &fa.a);
        if (ag) {
            made = 1;
            assert_int_equal(x12_gzip_out_write(ag, block, sizeof block), 0);
            assert_int_equal(x12_gzip_out_finish(ag), X12_OK);
            x12_gzip_out_free(ag);
            size_t back_len;
            unsigned char *back = gunzip(as.b.p, as.b.len, &back_len);
            assert_int_equal(back_len, sizeof block);
            assert_memory_equal(back, block, sizeof block);
            free(back);
        }
        assert_int_equal(fa.live, 0);
        sb_free(&as.b);
    }
    assert_true(made);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_interchange),
        cmocka_unit_test(test_gzip_out),
        cmocka_unit_test(test_gzip_out_failures),
        cmocka_unit_test(test_two_groups_two_sets),
        cmocka_unit_test(test_line_break),
        cmocka_unit_test(test_custom_delimiters),
        cmocka_unit_test(test_trailing_empties),
        cmocka_unit_test(test_delimiter_in_data),
        cmocka_unit_test(test_invalid_char),
        cmocka_unit_test(test_basic_charset),
        cmocka_unit_test(test_field_width),
        cmocka_unit_test(test_wrong_nesting),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_bad_segment_id),
        cmocka_unit_test(test_output_failure),
        cmocka_unit_test(test_segment_limit),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_text_to_x12),
        cmocka_unit_test(test_text_to_x12_long),
        cmocka_unit_test(test_writer_input_encoding),
        cmocka_unit_test(test_write_segment_same_delimiters),
        cmocka_unit_test(test_write_segment_translated),
        cmocka_unit_test(test_write_segment_no_repetition),
        cmocka_unit_test(test_write_segment_errors),
        cmocka_unit_test(test_write_segment_then_trailers),
        cmocka_unit_test(test_reader_to_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
