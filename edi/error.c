/* Status names, messages and the one-line error format shared by every layer. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#include "x12/common.h"
#include "x12/error.h"

typedef struct {
    x12_status code;
    const char *name;
    const char *msg;
} status_info;

static const status_info STATUS[] = {
    {X12_OK, "X12_OK", "no error"},
    {X12_ERR_NOT_X12, "X12_ERR_NOT_X12", "input does not start with an ISA segment"},
    {X12_ERR_ISA_SHORT, "X12_ERR_ISA_SHORT", "input ends inside the 106-byte ISA segment"},
    {X12_ERR_ISA_SEPARATOR, "X12_ERR_ISA_SEPARATOR",
     "ISA is not fixed-width: an element separator position holds another byte"},
    {X12_ERR_ISA_DELIMITERS, "X12_ERR_ISA_DELIMITERS",
     "ISA delimiters collide or are letters, digits or space"},
    {X12_ERR_ISA_FIELD, "X12_ERR_ISA_FIELD", "ISA field is malformed"},
    {X12_ERR_SEGMENT_ID, "X12_ERR_SEGMENT_ID",
     "segment id is not 2 or 3 upper-case letters and digits"},
    {X12_ERR_SEGMENT_TOO_LONG, "X12_ERR_SEGMENT_TOO_LONG", "segment exceeds the length limit"},
    {X12_ERR_TOO_MANY_ELEMENTS, "X12_ERR_TOO_MANY_ELEMENTS", "segment exceeds the element limit"},
    {X12_ERR_UNTERMINATED, "X12_ERR_UNTERMINATED", "input ends inside a segment (no terminator)"},
    {X12_ERR_EMPTY_SEGMENT, "X12_ERR_EMPTY_SEGMENT", "empty segment (two terminators in a row)"},
    {X12_ERR_GARBAGE, "X12_ERR_GARBAGE", "bytes outside any interchange were skipped"},
    {X12_ERR_UNEXPECTED_SEGMENT, "X12_ERR_UNEXPECTED_SEGMENT",
     "segment is not allowed at this point of the envelope"},
    {X12_ERR_MISSING_IEA, "X12_ERR_MISSING_IEA", "interchange is not closed by IEA"},
    {X12_ERR_MISSING_GE, "X12_ERR_MISSING_GE", "functional group is not closed by GE"},
    {X12_ERR_MISSING_SE, "X12_ERR_MISSING_SE", "transaction set is not closed by SE"},
    {X12_ERR_IEA_CONTROL, "X12_ERR_IEA_CONTROL", "IEA02 does not match ISA13"},
    {X12_ERR_GE_CONTROL, "X12_ERR_GE_CONTROL", "GE02 does not match GS06"},
    {X12_ERR_SE_CONTROL, "X12_ERR_SE_CONTROL", "SE02 does not match ST02"},
    {X12_ERR_IEA_COUNT, "X12_ERR_IEA_COUNT", "IEA01 does not match the number of groups"},
    {X12_ERR_GE_COUNT, "X12_ERR_GE_COUNT", "GE01 does not match the number of transaction sets"},
    {X12_ERR_SE_COUNT, "X12_ERR_SE_COUNT", "SE01 does not match the number of segments"},
    {X12_ERR_DUP_ISA13, "X12_ERR_DUP_ISA13", "ISA13 control number repeats within the input"},
    {X12_ERR_DUP_GS06, "X12_ERR_DUP_GS06", "GS06 control number repeats within the interchange"},
    {X12_ERR_DUP_ST02, "X12_ERR_DUP_ST02", "ST02 control number repeats within the group"},
    {X12_ERR_BAD_COUNT, "X12_ERR_BAD_COUNT", "count or control number is missing or not numeric"},
    {X12_ERR_NO_INTERCHANGE, "X12_ERR_NO_INTERCHANGE", "input holds no interchange"},
    {X12_ERR_LIMIT, "X12_ERR_LIMIT", "a configured limit was reached"},
    {X12_ERR_NOMEM, "X12_ERR_NOMEM", "out of memory"},
    {X12_ERR_IO, "X12_ERR_IO", "input/output error"},
    {X12_ERR_GZIP, "X12_ERR_GZIP", "gzip data is corrupt or truncated"},
    {X12_ERR_USAGE, "X12_ERR_USAGE", "invalid argument or call order"},
    {X12_ERR_STOPPED, "X12_ERR_STOPPED", "stopped by a callback"},
    {X12_ERR_DELIMITER_IN_DATA, "X12_ERR_DELIMITER_IN_DATA", "element data contains a delimiter"},
    {X12_ERR_INVALID_CHAR, "X12_ERR_INVALID_CHAR",
     "element data has a character outside the X12 character set"},
    {X12_ERR_CHARSET, "X12_ERR_CHARSET", "text has a character that X12 cannot represent"},
    {X12_ERR_FIELD_WIDTH, "X12_ERR_FIELD_WIDTH", "value does not fit its fixed-width field"},
    {X12_ERR_ENCODING, "X12_ERR_ENCODING", "text is not valid in its declared encoding"},
    {X12_ERR_SPEC, "X12_ERR_SPEC", "implementation-guide spec is malformed"},
    {X12_ERR_UNKNOWN_GUIDE, "X12_ERR_UNKNOWN_GUIDE",
     "no implementation guide for this transaction set: envelope checks only"},
    {X12_ERR_SEGMENT_UNEXPECTED, "X12_ERR_SEGMENT_UNEXPECTED",
     "segment is not expected at this point of the guide"},
    {X12_ERR_SEGMENT_UNKNOWN, "X12_ERR_SEGMENT_UNKNOWN", "segment is not in this guide"},
    {X12_ERR_SEGMENT_REPEAT, "X12_ERR_SEGMENT_REPEAT", "segment exceeds its maximum use"},
    {X12_ERR_LOOP_REPEAT, "X12_ERR_LOOP_REPEAT", "loop exceeds its maximum repeat"},
    {X12_ERR_REQUIRED_SEGMENT, "X12_ERR_REQUIRED_SEGMENT", "required segment is missing"},
    {X12_ERR_REQUIRED_LOOP, "X12_ERR_REQUIRED_LOOP", "required loop is missing"},
    {X12_ERR_NOT_USED_SEGMENT, "X12_ERR_NOT_USED_SEGMENT",
     "segment marked Not Used in this guide is present"},
    {X12_ERR_HL_PARENT, "X12_ERR_HL_PARENT", "HL02 does not name the parent this level needs"},
    {X12_ERR_HL_CHILD_CODE, "X12_ERR_HL_CHILD_CODE", "HL04 does not agree with the child HLs that follow"},
    {X12_ERR_HL_ID_REPEAT, "X12_ERR_HL_ID_REPEAT", "HL01 is not unique in the transaction set"},
    {X12_ERR_HL_SEQUENCE, "X12_ERR_HL_SEQUENCE", "HL01 does not count up by one from 1"},
    {X12_ERR_LOOP_NUMBER, "X12_ERR_LOOP_NUMBER", "the number does not count the loop's instances from 1"},
    {X12_ERR_FUNCTIONAL_ID, "X12_ERR_FUNCTIONAL_ID",
     "the transaction set does not belong in a group of this functional id"},
    {X12_ERR_GUIDE_MISMATCH, "X12_ERR_GUIDE_MISMATCH", "ST03 and GS08 name different guides"},
    {X12_ERR_ELEMENT_PATTERN, "X12_ERR_ELEMENT_PATTERN", "element value does not have the form the guide requires"},
    {X12_ERR_NESTING, "X12_ERR_NESTING", "loops nest deeper than the walker's limit"},
    {X12_ERR_ELEMENT_REQUIRED, "X12_ERR_ELEMENT_REQUIRED", "required element is missing"},
    {X12_ERR_ELEMENT_NOT_USED, "X12_ERR_ELEMENT_NOT_USED",
     "element marked Not Used in this guide is present"},
    {X12_ERR_ELEMENT_TOO_SHORT, "X12_ERR_ELEMENT_TOO_SHORT", "element is too short"},
    {X12_ERR_ELEMENT_TOO_LONG, "X12_ERR_ELEMENT_TOO_LONG", "element is too long"},
    {X12_ERR_ELEMENT_CHAR, "X12_ERR_ELEMENT_CHAR", "element has a character its data type does not allow"},
    {X12_ERR_ELEMENT_CODE, "X12_ERR_ELEMENT_CODE", "element value is not a code this guide allows"},
    {X12_ERR_ELEMENT_DATE, "X12_ERR_ELEMENT_DATE", "element is not a valid date"},
    {X12_ERR_ELEMENT_TIME, "X12_ERR_ELEMENT_TIME", "element is not a valid time"},
    {X12_ERR_ELEMENT_EXTRA, "X12_ERR_ELEMENT_EXTRA", "segment has more elements than the guide defines"},
    {X12_ERR_ELEMENT_REPEAT, "X12_ERR_ELEMENT_REPEAT", "element repeats more often than allowed"},
    {X12_ERR_ELEMENT_COMPONENTS, "X12_ERR_ELEMENT_COMPONENTS", "element has more components than allowed"},
    {X12_ERR_SYNTAX_REQUIRED, "X12_ERR_SYNTAX_REQUIRED",
     "a syntax note requires an element that is missing"},
    {X12_ERR_SYNTAX_EXCLUSION, "X12_ERR_SYNTAX_EXCLUSION",
     "a syntax note allows only one of these elements"},
    {X12_ERR_TRAILING_SEPARATOR, "X12_ERR_TRAILING_SEPARATOR",
     "separators follow the last value"},
    {X12_ERR_TRAILING_SPACE, "X12_ERR_TRAILING_SPACE", "the value ends in spaces"},
    {X12_ERR_BALANCE, "X12_ERR_BALANCE", "amounts do not balance"},
    {X12_ERR_CAS_BOTH_LEVELS, "X12_ERR_CAS_BOTH_LEVELS",
     "the same adjustment is at the claim and the line level"},
    {X12_ERR_PATIENT_RESPONSIBILITY, "X12_ERR_PATIENT_RESPONSIBILITY",
     "patient responsibility is not the sum of the PR adjustments"},
    {X12_ERR_COB_REPORTING, "X12_ERR_COB_REPORTING",
     "a prior payer's adjudication is not reported as the guide says"},
    {X12_ERR_RULE, "X12_ERR_RULE", "a situational rule of the guide is not met"},
    {X12_ERR_NPI, "X12_ERR_NPI", "NPI check digit is wrong"},
    {X12_ERR_DIAGNOSIS_CODE, "X12_ERR_DIAGNOSIS_CODE", "diagnosis code is not shaped like ICD-10-CM"},
    {X12_ERR_EXTERNAL_CODE, "X12_ERR_EXTERNAL_CODE", "value is not in the external code list"},
    {X12_ERR_LEDGER, "X12_ERR_LEDGER", "the ledger database failed"},
    {X12_ERR_LEDGER_VERSION, "X12_ERR_LEDGER_VERSION",
     "the ledger was written by a newer x12kit (schema version too high)"},
    {X12_ERR_LEDGER_ROLLED_BACK, "X12_ERR_LEDGER_ROLLED_BACK",
     "the file could not be read to its end; nothing of it was kept in the ledger"},
    {X12_ERR_CONTROL_CORRUPT, "X12_ERR_CONTROL_CORRUPT",
     "control-number file is corrupt (it must hold one number 0-999999999)"},
    {X12_ERR_CONTROL_LOCK, "X12_ERR_CONTROL_LOCK", "control-number file cannot be locked"},
    {X12_ERR_ACK_NOT_ACK, "X12_ERR_ACK_NOT_ACK", "file holds no 999 or TA1 acknowledgement"},
    {X12_ERR_ACK_NO_ISA, "X12_ERR_ACK_NO_ISA",
     "interchange header could not be read: no TA1 can answer it"},
    {X12_ERR_SPLIT_OUTPUT, "X12_ERR_SPLIT_OUTPUT", "split output file cannot be written"},
    {X12_ERR_SPLIT_CUT, "X12_ERR_SPLIT_CUT",
     "transaction set cut short (no SE closes it): it is not written"},
    {X12_ERR_CLAIM_REQUIRED, "X12_ERR_CLAIM_REQUIRED", "claim: a required field is missing"},
    {X12_ERR_CLAIM_TOTAL, "X12_ERR_CLAIM_TOTAL",
     "claim: total charge differs from the sum of the line charges"},
    {X12_ERR_CLAIM_NPI, "X12_ERR_CLAIM_NPI", "claim: NPI is not ten digits with a valid check digit"},
    {X12_ERR_CLAIM_CODE, "X12_ERR_CLAIM_CODE", "claim: a code has the wrong shape"},
    {X12_ERR_CLAIM_DATE, "X12_ERR_CLAIM_DATE", "claim: a date has the wrong shape"},
    {X12_ERR_CLAIM_POINTER, "X12_ERR_CLAIM_POINTER",
     "claim: a diagnosis pointer is outside the claim's diagnoses"},
    {X12_ERR_CLAIM_COUNT, "X12_ERR_CLAIM_COUNT", "claim: more entries than the guide allows"},
    {X12_ERR_CLAIM_REJECTED, "X12_ERR_CLAIM_REJECTED", "claim failed its checks and was not written"},
    {X12_ERR_CLAIM_NOT_CARRIED, "X12_ERR_CLAIM_NOT_CARRIED",
     "not carried by the reader's model (the segment, or the element named)"},
    {X12_ERR_CLAIM_VALUE, "X12_ERR_CLAIM_VALUE", "value does not fit the reader's model"},
    {X12_ERR_CLAIM_TEXT, "X12_ERR_CLAIM_TEXT",
     "claim: a text field has a character the output cannot carry"},
    {X12_ERR_CLAIM_NOT_UTF8, "X12_ERR_CLAIM_NOT_UTF8", "text is not UTF-8"},
    {X12_ERR_OTHER_TRANSACTION, "X12_ERR_OTHER_TRANSACTION",
     "transaction set of another type: not read"},
    {X12_ERR_GUIDE_NOT_READ, "X12_ERR_GUIDE_NOT_READ",
     "no spec for the transaction set's guide: not read"},
    {X12_ERR_NEAREST_GUIDE, "X12_ERR_NEAREST_GUIDE",
     "checked against the nearest version of its guide x12kit has"},
    {X12_ERR_CLAIM_AMOUNT, "X12_ERR_CLAIM_AMOUNT", "claim: an amount the claim cannot have as sent"},
};

static const status_info *lookup(x12_status code)
{
    for (size_t i = 0; i < sizeof STATUS / sizeof STATUS[0]; i++)
        if (STATUS[i].code == code)
            return &STATUS[i];
    return NULL;
}

const char *x12_status_message(x12_status code)
{
    const status_info *s = lookup(code);
    return s ? s->msg : "unknown error";
}

const char *x12_status_name(x12_status code)
{
    const status_info *s = lookup(code);
    return s ? s->name : "X12_ERR_UNKNOWN";
}

int x12_status_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof STATUS / sizeof STATUS[0]; i++)
        if (strcmp(STATUS[i].name, name) == 0)
            return (int)STATUS[i].code;
    return -1;
}

int x12_error_format(const x12_error *e, char *buf, size_t size)
{
    char where[96];
    int n = 0;
    if (e->segment_index || e->segment_id[0]) {
        if (e->segment_id[0])
            n = snprintf(where, sizeof where, "segment %u (%s)", (unsigned)e->segment_index,
                         e->segment_id);
        else
            n = snprintf(where, sizeof where, "segment %u", (unsigned)e->segment_index);
        if (e->element_pos)
            n += snprintf(where + n, sizeof where - (size_t)n, " element %u.%u",
                          (unsigned)e->element_pos, (unsigned)e->component_pos);
        n += snprintf(where + n, sizeof where - (size_t)n, ", ");
    } else {
        where[0] = '\0';
    }
    /* the ledger's own failures, the control counter's and a split output's are about no place
     * in the input: no "byte 0" for them */
    int placeless = !where[0] && e->byte_offset == 0 &&
                    (e->code == X12_ERR_LEDGER || e->code == X12_ERR_LEDGER_VERSION ||
                     e->code == X12_ERR_CONTROL_CORRUPT || e->code == X12_ERR_CONTROL_LOCK ||
                     e->code == X12_ERR_SPLIT_OUTPUT);
    if (placeless)
        return snprintf(buf, size, "%s%s%s%s%s%s", e->msg ? e->msg : x12_status_message(e->code),
                        e->detail[0] ? " (" : "", e->detail, e->detail[0] ? ")" : "",
                        e->value[0] ? ": " : "", e->value);
    return snprintf(buf, size, "%sbyte %llu: %s%s%s%s%s%s", where,
                    (unsigned long long)e->byte_offset, e->msg ? e->msg : x12_status_message(e->code),
                    e->detail[0] ? " (" : "", e->detail, e->detail[0] ? ")" : "",
                    e->value[0] ? ": " : "", e->value);
}

int x12_slice_eq(x12_slice a, const char *s)
{
    return x12__slice_is(a, s);
}

/* Bytes a JSON string holds as they are: 0x20-0x7F but " and \ (one
 * lookup a byte, not four compares). */
const unsigned char x12__json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

size_t x12__utf8_seq(const unsigned char *p, size_t avail)
{
    unsigned c = p[0], min;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000;
    else
        return 0;
    if (avail < n)
        return 0;
    unsigned v = c & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return n;
}

size_t x12__utf8_char(const unsigned char *p, size_t avail, char buf[2], const char **out,
                      size_t *outlen)
{
    size_t n = p[0] < 0x80 ? 1 : x12__utf8_seq(p, avail);
    if (n) {
        *out = (const char *)p;
        *outlen = n;
        return n;
    }
    buf[0] = (char)(0xC0 | (p[0] >> 6));
    buf[1] = (char)(0x80 | (p[0] & 0x3F));
    *out = buf;
    *outlen = 2;
    return 1;
}

size_t x12_utf8_prefix(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        /* ASCII eight bytes at a time (every value of a valid file) */
        while (n - i >= 8) {
            uint64_t x;
            memcpy(&x, u + i, 8);
            if (x & 0x8080808080808080u)
                break;
            i += 8;
        }
        if (i == n)
            break;
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = x12__utf8_seq(u + i, n - i);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

int x12__segment_utf8(const x12_segment *seg)
{
    const x12_delimiters *d = &seg->delims;
    if ((unsigned char)d->element >= 0x80 || (unsigned char)d->component >= 0x80 ||
        (unsigned char)d->repetition >= 0x80)
        return 0;
    const char *p = seg->raw.ptr;
    size_t n = seg->raw.len;
    if (n >= 8) {
        /* the common case first: ASCII, in words (the last one overlapping) */
        uint64_t high = 0, x;
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, p + i, 8);
            high |= x;
        }
        memcpy(&x, p + n - 8, 8);
        high |= x;
        if (!(high & 0x8080808080808080u))
            return 1;
    }
    return x12_utf8_prefix(p, n) == n;
}

const char *x12_version(void)
{
#ifdef X12KIT_VERSION
    return X12KIT_VERSION;
#else
    return "0.0.0";
#endif
}
