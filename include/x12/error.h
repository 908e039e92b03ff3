/* x12kit error values.
 *
 * Every failing call and every problem found in the input is described by one
 * x12_error record.  It carries the positions a 999 acknowledgement needs
 * (segment position from ST for IK302, element and component for IK401), so a
 * finding travels from the reader to an acknowledgement without recomputation.
 * Element values, which may be patient data, are never put in `msg` or
 * `detail`; they appear in `value` only when the caller asked for them
 * (X12_READ_ERROR_VALUES). */
#ifndef X12_ERROR_H
#define X12_ERROR_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes.  The numeric values are part of the ABI: append only. */
typedef enum x12_status {
    X12_OK = 0,

    /* Interchange header (ISA) and delimiters. */
    X12_ERR_NOT_X12 = 1,          /* input does not start with ISA */
    X12_ERR_ISA_SHORT = 2,        /* input ends inside the 106-byte ISA */
    X12_ERR_ISA_SEPARATOR = 3,    /* a separator position of the ISA holds another byte */
    X12_ERR_ISA_DELIMITERS = 4,   /* delimiters collide or are letters, digits or space */
    X12_ERR_ISA_FIELD = 5,        /* an ISA field is malformed (ISA13 not 9 digits, ...) */

    /* Segment syntax. */
    X12_ERR_SEGMENT_ID = 10,      /* segment id is not 2-3 upper-case letters/digits */
    X12_ERR_SEGMENT_TOO_LONG = 11,/* a segment exceeds options.max_segment_length */
    X12_ERR_TOO_MANY_ELEMENTS = 12,/* a segment exceeds options.max_elements */
    X12_ERR_UNTERMINATED = 13,    /* the input ends inside a segment (no terminator) */
    X12_ERR_EMPTY_SEGMENT = 14,   /* two terminators in a row */
    X12_ERR_GARBAGE = 15,         /* bytes outside any interchange were skipped */

    /* Envelope structure. */
    X12_ERR_UNEXPECTED_SEGMENT = 20, /* a segment where the envelope does not allow it */
    X12_ERR_MISSING_IEA = 21,     /* interchange not closed by IEA */
    X12_ERR_MISSING_GE = 22,      /* functional group not closed by GE */
    X12_ERR_MISSING_SE = 23,      /* transaction set not closed by SE */
    X12_ERR_IEA_CONTROL = 24,     /* IEA02 differs from ISA13 */
    X12_ERR_GE_CONTROL = 25,      /* GE02 differs from GS06 */
    X12_ERR_SE_CONTROL = 26,      /* SE02 differs from ST02 */
    X12_ERR_IEA_COUNT = 27,       /* IEA01 differs from the number of groups */
    X12_ERR_GE_COUNT = 28,        /* GE01 differs from the number of sets */
    X12_ERR_SE_COUNT = 29,        /* SE01 differs from the number of segments */
    X12_ERR_DUP_ISA13 = 30,       /* ISA13 repeats within the input */
    X12_ERR_DUP_GS06 = 31,        /* GS06 repeats within the interchange */
    X12_ERR_DUP_ST02 = 32,        /* ST02 repeats within the group */
    X12_ERR_BAD_COUNT = 33,       /* a trailer count or control number is missing or not numeric */
    X12_ERR_NO_INTERCHANGE = 34,  /* the input holds no interchange at all */

    /* Limits and resources. */
    X12_ERR_LIMIT = 40,           /* a documented limit was reached */
    X12_ERR_NOMEM = 41,           /* allocation failed */
    X12_ERR_IO = 42,              /* read or write failed (errno kept in detail) */
    X12_ERR_GZIP = 43,            /* gzip stream is corrupt or truncated */
    X12_ERR_USAGE = 44,           /* API misuse: bad argument or call order */
    X12_ERR_STOPPED = 45,         /* a callback asked the reader to stop */

    /* Writer. */
    X12_ERR_DELIMITER_IN_DATA = 50, /* element data contains a delimiter */
    X12_ERR_INVALID_CHAR = 51,    /* a byte outside the chosen X12 character set */
    X12_ERR_CHARSET = 52,         /* text cannot be represented in X12 characters */
    X12_ERR_FIELD_WIDTH = 53,     /* a fixed-width field (ISA) does not fit */
    X12_ERR_ENCODING = 54,        /* input text is not valid in its declared encoding */

    /* Specs. */
    X12_ERR_SPEC = 60,            /* a spec or overlay is malformed (detail says where) */

    /* Findings of the loop walker (the guide's structure, SNIP 2). */
    X12_ERR_UNKNOWN_GUIDE = 70,   /* no spec for ST01 + ST03/GS08: envelope checks only */
    X12_ERR_SEGMENT_UNEXPECTED = 71, /* a segment that fits nowhere at this point */
    X12_ERR_SEGMENT_UNKNOWN = 72, /* a segment id the guide does not have at all */
    X12_ERR_SEGMENT_REPEAT = 73,  /* a segment more often than its max use */
    X12_ERR_LOOP_REPEAT = 74,     /* a loop more often than its repeat */
    X12_ERR_REQUIRED_SEGMENT = 75,/* a required segment is missing */
    X12_ERR_REQUIRED_LOOP = 76,   /* a required loop is missing */
    X12_ERR_NOT_USED_SEGMENT = 77,/* a segment the guide marks Not Used is present */
    X12_ERR_HL_PARENT = 78,       /* HL02 does not name the HL its level belongs under */
    X12_ERR_NESTING = 79,         /* the walker's nesting limit was reached */

    /* Element findings (SNIP 1-2, each with its 999 IK403 code). */
    X12_ERR_ELEMENT_REQUIRED = 80,   /* required element missing (IK403 1) */
    X12_ERR_ELEMENT_NOT_USED = 81,   /* Not Used element present (I10) */
    X12_ERR_ELEMENT_TOO_SHORT = 82,  /* (4) */
    X12_ERR_ELEMENT_TOO_LONG = 83,   /* (5) */
    X12_ERR_ELEMENT_CHAR = 84,       /* invalid character for the data type (6) */
    X12_ERR_ELEMENT_CODE = 85,       /* value not among the guide's codes (7) */
    X12_ERR_ELEMENT_DATE = 86,       /* not a real date (8) */
    X12_ERR_ELEMENT_TIME = 87,       /* not a real time (9) */
    X12_ERR_ELEMENT_EXTRA = 88,      /* more elements than the segment has (3) */
    X12_ERR_ELEMENT_REPEAT = 89,     /* too many repetitions (12) */
    X12_ERR_ELEMENT_COMPONENTS = 90, /* too many components (13) */
    X12_ERR_SYNTAX_REQUIRED = 91,    /* a P, R, C or L syntax note is violated (2) */
    X12_ERR_SYNTAX_EXCLUSION = 92,   /* an E syntax note is violated (10) */
    X12_ERR_TRAILING_SEPARATOR = 93, /* separators after the last value of a segment, a
                                        composite or a repeating element (a warning, no
                                        IK403: the TR3s' B.1.1.3.10 says they are omitted) */
    X12_ERR_TRAILING_SPACE = 94,     /* an AN (or code-less ID) value ending in spaces that
                                        its minimum length does not need (a warning) */
    /* The HL hierarchy beside HL_PARENT (SNIP 2, IK403 I12). */
    X12_ERR_HL_CHILD_CODE = 95,      /* HL04 disagrees with the HLs that follow: 1 and no
                                        child HL, or 0 and a child HL */
    X12_ERR_HL_ID_REPEAT = 96,       /* HL01 repeats an earlier HL's id in the set */
    X12_ERR_HL_SEQUENCE = 105,       /* HL01 is not 1 more than the HL before it (1 first),
                                        or not a number (the TR3s' HL01 note) */
    X12_ERR_LOOP_NUMBER = 106,       /* an element that numbers its loop's instances (837
                                        2400 LX01) does not hold this instance's number */
    /* A set against its group (SNIP 1), and the guide's patterns (SNIP 2). */
    X12_ERR_FUNCTIONAL_ID = 97,      /* ST01 does not belong in a group of this GS01 (an 837
                                        outside HC, an 835 outside HP; IK502 6) */
    X12_ERR_GUIDE_MISMATCH = 98,     /* ST03 and GS08 name different guides (a warning: ST03
                                        decides) */
    X12_ERR_ELEMENT_PATTERN = 99,    /* a value not of the form the guide's pattern gives
                                        (IK403 I12; the billing provider's nine-digit ZIP) */

    /* Balancing (SNIP 3). */
    X12_ERR_BALANCE = 100,           /* amounts that must agree do not (detail has them) */
    X12_ERR_CAS_BOTH_LEVELS = 107,   /* an 835 claim adjusts by the same group and reason at
                                        the claim (2100) and the line (2110) level: one level
                                        only (RFI 358; a warning, at the line's CAS) */
    X12_ERR_PATIENT_RESPONSIBILITY = 108, /* an 835 CLP05 differs from the sum of the claim's
                                        and its lines' PR adjustments (RFI 2548; reversals,
                                        CLP02 22, excepted) */
    X12_ERR_COB_REPORTING = 109,     /* an 837 prior payer (2320) whose adjudication is
                                        reported against the guide's notes: lines adjudicated
                                        (2430) without the claim's paid amount (AMT*D), no
                                        adjudication date at either level, the date or the
                                        remaining liability (AMT*EAF) at both, or a line's
                                        SVD01 that names no 2330B payer (SNIP 4) */

    /* Situational rules written in a spec or overlay (SNIP 4, SNIP 7). */
    X12_ERR_RULE = 101,              /* detail: the rule id; the finding's note: its text */

    /* External code sets (SNIP 5). */
    X12_ERR_NPI = 102,               /* an NPI whose check digit is wrong (Luhn, 80840 prefix) */
    X12_ERR_DIAGNOSIS_CODE = 103,    /* an ICD-10-CM code of the wrong shape */
    X12_ERR_EXTERNAL_CODE = 104,     /* a value missing from an external code list */

    /* The reconciliation ledger (170-189). */
    X12_ERR_LEDGER = 170,            /* SQLite failed (detail has its message) */
    X12_ERR_LEDGER_VERSION = 171,    /* the ledger's schema is newer than this library */
    X12_ERR_LEDGER_ROLLED_BACK = 172, /* the file could not be read to its end: nothing kept */
    /* Control numbers and acknowledgements (control.h, ack.h). */
    X12_ERR_CONTROL_CORRUPT = 150,   /* the control-number file does not hold a number */
    X12_ERR_CONTROL_LOCK = 151,      /* the control-number file cannot be locked */
    X12_ERR_ACK_NOT_ACK = 152,       /* a file read as 999/TA1 holds neither */
    X12_ERR_ACK_NO_ISA = 153,        /* an interchange header could not be read: no TA1 possible */
    X12_ERR_SPLIT_OUTPUT = 154,       /* a split output file cannot be created or written */
    X12_ERR_SPLIT_CUT = 155,         /* a transaction set no SE closes: not written */
    /* Claims (claim.h): checks before an 837 is written, and the 837 reader. */
    X12_ERR_CLAIM_REQUIRED = 110,    /* a field the guide requires is missing */
    X12_ERR_CLAIM_TOTAL = 111,       /* CLM02 differs from the sum of the line charges */
    X12_ERR_CLAIM_NPI = 112,         /* an NPI is not ten digits with a valid check digit */
    X12_ERR_CLAIM_CODE = 113,        /* a code of the wrong shape (ICD-10, place of service,
                                        type of bill, frequency, qualifier) */
    X12_ERR_CLAIM_DATE = 114,        /* a date or period of the wrong shape */
    X12_ERR_CLAIM_POINTER = 115,     /* a diagnosis pointer outside the claim's diagnoses */
    X12_ERR_CLAIM_COUNT = 116,       /* more entries than the guide allows (lines, codes) */
    X12_ERR_CLAIM_REJECTED = 117,    /* the claim failed its checks and was not written */
    X12_ERR_CLAIM_NOT_CARRIED = 118, /* reader (837, 835, 277CA, 999/TA1): a segment, element
                                        or component its model does not carry */
    X12_ERR_CLAIM_VALUE = 119,       /* reader: a value the model cannot hold (an amount
                                        with three decimals, a pointer that is not a number) */
    X12_ERR_CLAIM_TEXT = 120,        /* a text field holds a delimiter, a control character
                                        or a character outside the output's character set */
    X12_ERR_CLAIM_NOT_UTF8 = 121,    /* reader (a warning): a value with bytes that are not
                                        UTF-8; kept as they are, read as ISO-8859-1 in JSON */
    X12_ERR_OTHER_TRANSACTION = 122, /* reader (835 or 837): a transaction set of another
                                        type (an 837 given as a remit); skipped, at its ST */
    X12_ERR_GUIDE_NOT_READ = 123,    /* reader (835 or 837): a set of its type whose guide
                                        (ST03, else GS08) has no spec; skipped, at its ST */
    X12_ERR_NEAREST_GUIDE = 124,     /* walker (a warning, X12_WALK_NEAREST_GUIDE): a set of
                                        another version of a guide checked against the
                                        nearest one x12kit has, at its ST */
    X12_ERR_CLAIM_AMOUNT = 125       /* an amount the claim cannot have as sent: a claim
                                        for payment (BHT06 CH) of 0.00 */
} x12_status;

/* One error or finding.  Positions are 1-based; 0 means "not applicable". */
typedef struct x12_error {
    x12_status code;
    const char *msg;          /* static text, never freed, never holds input data */
    uint64_t byte_offset;     /* from the first byte of the (decompressed) input */
    uint32_t segment_index;   /* from the ISA of the current interchange (ISA = 1) */
    uint32_t set_position;    /* from ST (ST = 1), as 999 IK302 needs; 0 outside a set */
    char segment_id[4];       /* "CLM"; "" when unknown */
    uint16_t element_pos;     /* 0 = the segment as a whole */
    uint16_t component_pos;   /* 0 = not inside a composite */
    char detail[96];          /* counts and expected values (no element data); may be "" */
    char value[64];           /* offending element value, only with X12_READ_ERROR_VALUES */
} x12_error;

/* Returns the static description of a status code ("SE01 segment count is wrong"). */
X12_API const char *x12_status_message(x12_status code);

/* Returns the symbolic name of a status code ("X12_ERR_SE_COUNT"), or "X12_ERR_UNKNOWN". */
X12_API const char *x12_status_name(x12_status code);

/* Looks a symbolic name up; returns -1 when the name is unknown. */
X12_API int x12_status_from_name(const char *name);

/* Formats `e` as "segment N (ID) element E.C, byte B: message[: detail][ value]"
 * into buf (always NUL-terminated when size > 0).  Returns the length that the
 * full text needs, like snprintf.  File names are the caller's to prepend. */
X12_API int x12_error_format(const x12_error *e, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
