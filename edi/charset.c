/* Text to X12 characters: decodes any iconv encoding to code points in
 * bounded chunks, folds accented Latin letters to their base letters, and
 * checks each resulting byte against an X12 character set (and, for the
 * writer, its delimiters).  Nothing here touches the locale. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "charset_fold.h"
#include "x12/writer.h"

/* --- character classes --------------------------------------------------- */

/* X12.6 basic character set: upper-case letters, digits, space and this
 * punctuation (shared/reference/X12-FACTS.md §1.4). */
static const char BASIC_PUNCT[] = " !\"&'()*+,-./:;?=";

void x12__charset_classes(unsigned char cls[256], x12_charset charset)
{
    for (unsigned c = 0; c < 256; c++) {
        if (c < 0x20 || c == 0x7F)
            cls[c] = CC_CONTROL;
        else if (c >= 0x80)
            cls[c] = CC_NONASCII;
        else if (charset == X12_CHARSET_BASIC &&
                 !((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   strchr(BASIC_PUNCT, (int)c)))
            cls[c] = CC_OUTSIDE;
        else
            cls[c] = CC_OK;
    }
}

x12_status x12__class_status(unsigned char c)
{
    switch (c) {
    case CC_OK:
        return X12_OK;
    case CC_ELEMENT:
    case CC_REPETITION:
    case CC_COMPONENT:
    case CC_SEGMENT:
        return X12_ERR_DELIMITER_IN_DATA;
    default:
        return X12_ERR_INVALID_CHAR;
    }
}

static const char *phrase(unsigned char c)
{
    static const char *const what[] = {
        "is allowed",
        "is the element separator",
        "is the repetition separator",
        "is the component separator",
        "is the segment terminator",
        "is outside the basic character set",
        "is a control character",
        "is not ASCII (set input_encoding to convert text)",
    };
    return what[c <= CC_NONASCII ? c : CC_CONTROL];
}

void x12__class_detail(char *buf, size_t size, unsigned char c, unsigned byte)
{
    snprintf(buf, size, "byte 0x%02X %s", byte & 0xFFu, phrase(c));
}

/* --- folding ------------------------------------------------------------- */

/* U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A) to X12.
 * Written by hand from the Unicode character names and canonical
 * decompositions: a letter "WITH" a diacritic (grave, acute, circumflex,
 * tilde, diaeresis, ring, cedilla, ogonek, caron, breve, macron, dot,
 * double acute, stroke) becomes its base letter; the ligatures Æ Œ Ĳ and
 * the letters Þ ß ſ ŉ take their usual spelled-out forms; Ð (eth) becomes D
 * as in name transliteration.  Letters that are not a base letter plus a
 * mark (ĸ kra, Ŋ eng) and the signs × ÷ have no form: "". */
static const char FOLD[0x180 - 0xC0][3] = {
    /* C0 */ "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
    /* D0 */ "D", "N", "O", "O", "O", "O", "O", "", "O", "U", "U", "U", "U", "Y", "TH", "ss",
    /* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    /* F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    /* 100 Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď */
    "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",
    /* 110 Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ */
    "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",
    /* 120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į */
    "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",
    /* 130 İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ */
    "I", "i", "IJ", "ij", "J", "j", "K", "k", "", "L", "l", "L", "l", "L", "l", "L",
    /* 140 ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ */
    "l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "", "", "O", "o", "O", "o",
    /* 150 Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş */
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",
    /* 160 Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů */
    "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",
    /* 170 Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ */
    "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
};

size_t x12__fold(uint32_t cp, char out[2])
{
    const char *s = NULL;
    if (cp >= 0xC0 && cp < 0x180)
        s = FOLD[cp - 0xC0];
    else if (cp == 0x00A0) /* no-break space */
        s = " ";
    else if (cp == 0x2018 || cp == 0x2019) /* curly single quotes, the apostrophe of word processors */
        s = "'";
    else if (cp == 0x201C || cp == 0x201D)
        s = "\"";
    else if (cp == 0x2013 || cp == 0x2014) /* en and em dash */
        s = "-";
    if (!s || !s[0])
        return 0;
    out[0] = s[0];
    if (!s[1])
        return 1;
    out[1] = s[1];
    return 2;
}

/* --- conversion ---------------------------------------------------------- */

static void set_err(x12_error *err, x12_status code, uint64_t off, const char *detail)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->msg = x12_status_message(code);
    err->byte_offset = off;
    snprintf(err->detail, sizeof err->detail, "%s", detail);
}

x12_status x12__conv_open(const char *encoding, iconv_t *cd, x12_error *err)
{
    if (!encoding || !encoding[0]) {
        set_err(err, X12_ERR_USAGE, 0, "no encoding named");
        return X12_ERR_USAGE;
    }
    /* UTF-32LE rather than the host's wchar_t: the byte order is then known
     * and no byte order mark is written. */
    *cd = iconv_open("UTF-32LE", encoding);
    if (*cd == (iconv_t)-1) {
        char d[96];
        if (errno == EINVAL) {
            snprintf(d, sizeof d, "iconv does not know the encoding \"%.48s\"", encoding);
            set_err(err, X12_ERR_USAGE, 0, d);
            return X12_ERR_USAGE;
        }
        set_err(err, X12_ERR_NOMEM, 0, "iconv_open failed");
        return X12_ERR_NOMEM;
    }
    return X12_OK;
}

/* Code points per iconv call in the fast pass.  The stack buffer holds
 * 4 * CHUNK bytes, so memory stays bounded whatever the text length. */
#define CHUNK 256
/* run() result: a character failed inside a chunk of several, whose own
 * offset iconv does not tell; x12__conv() reruns one character at a time. */
#define NEED_EXACT (-1)

/* Maps one code point at input offset `off` into out[*o..cap). */
static x12_status put_cp(uint32_t cp, uint64_t off, const unsigned char cls[256], char *out,
                         size_t cap, size_t *o, x12_error *err)
{
    char f[2];
    size_t n;
    char d[96];
    if (cp < 0x80) {
        f[0] = (char)cp;
        n = 1;
    } else if (cp < 0xA0) {
        snprintf(d, sizeof d, "U+%04X is a control character", (unsigned)cp);
        set_err(err, X12_ERR_INVALID_CHAR, off, d);
        return X12_ERR_INVALID_CHAR;
    } else if ((n = x12__fold(cp, f)) == 0) {
        snprintf(d, sizeof d, "U+%04X has no X12 form", (unsigned)cp);
        set_err(err, X12_ERR_CHARSET, off, d);
        return X12_ERR_CHARSET;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = cls[(unsigned char)f[i]];
        if (c == CC_OK)
            continue;
        x12_status st = x12__class_status(c);
        if (cp < 0x80)
            snprintf(d, sizeof d, "U+%04X %s", (unsigned)cp, phrase(c));
        else if (c == CC_OUTSIDE)
            /* BASIC has no lower case; folding does not change case on its own. */
            snprintf(d, sizeof d, "U+%04X folds to a letter outside the basic character set",
                     (unsigned)cp);
        else {
            snprintf(d, sizeof d, "U+%04X becomes 0x%02X, which %s", (unsigned)cp,
                     (unsigned)(unsigned char)f[i], phrase(c));
        }
        set_err(err, st, off, d);
        return st;
    }
    if (n > cap - *o) {
        snprintf(d, sizeof d, "output needs more than %zu bytes", cap);
        set_err(err, X12_ERR_LIMIT, off, d);
        return X12_ERR_LIMIT;
    }
    memcpy(out + *o, f, n);
    *o += n;
    return X12_OK;
}

static int run(iconv_t cd, const char *encoding, const unsigned char cls[256],
                      const char *in, size_t len, char *out, size_t cap, size_t *out_len,
                      x12_error *err, int exact)
{
    unsigned char buf[4 * CHUNK];
    char *ip = (char *)in; /* iconv's prototype is not const-correct */
    size_t ileft = len, o = 0;
    char d[96];
    x12_status st = X12_OK;

    iconv(cd, NULL, NULL, NULL, NULL); /* back to the initial shift state */
    int flushed = 0;
    while (!flushed) {
        char *op = (char *)buf;
        /* Exact mode converts one character per call, so the input pointer
         * before the call is that character's offset. */
        size_t oleft = exact ? 4 : sizeof buf;
        size_t before = (size_t)(ip - in);
        size_t r;
        int e = 0;
        if (ileft) {
            r = iconv(cd, &ip, &ileft, &op, &oleft);
        } else {
            /* End of text: a stateful encoding may still owe output. */
            r = iconv(cd, NULL, NULL, &op, &oleft);
            flushed = 1;
        }
        if (r == (size_t)-1)
            e = errno;
        size_t ncp = (size_t)(op - (char *)buf) / 4;
        for (size_t i = 0; i < ncp; i++) {
            const unsigned char *q = buf + 4 * i;
            uint32_t cp = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
                          (uint32_t)q[3] << 24;
            /* A byte order mark opening the text is a signature, not data. */
            if (cp == 0xFEFF && before == 0 && i == 0)
                continue;
            st = put_cp(cp, before, cls, out, cap, &o, err);
            if (st != X12_OK) {
                *out_len = o;
                return (!exact && ncp > 1) ? NEED_EXACT : (int)st;
            }
        }
        if (e == 0 || (e == E2BIG && (ncp > 0 || (size_t)(ip - in) > before)))
            continue;
        if (e == EINVAL)
            snprintf(d, sizeof d, "text ends inside a multibyte character of %.40s", encoding);
        else
            snprintf(d, sizeof d, "bytes are not valid %.40s", encoding);
        set_err(err, X12_ERR_ENCODING, (uint64_t)(ip - in), d);
        *out_len = o;
        return (int)X12_ERR_ENCODING;
    }
    *out_len = o;
    return (int)X12_OK;
}

x12_status x12__conv(iconv_t cd, const char *encoding, const unsigned char cls[256], const char *in,
                     size_t len, char *out, size_t cap, size_t *out_len, x12_error *err)
{
    /* Fast pass in chunks; iconv reports where an invalid sequence starts
     * but not where each converted character came from, so a character
     * rejected inside a chunk sends us round again one character at a time.
     * Only failing text pays for that. */
    int st = run(cd, encoding, cls, in, len, out, cap, out_len, err, 0);
    if (st == NEED_EXACT)
        st = run(cd, encoding, cls, in, len, out, cap, out_len, err, 1);
    return (x12_status)st;
}

x12_status x12_text_to_x12(const char *encoding, const char *in, size_t len, char *out,
                           size_t cap, size_t *out_len, x12_charset charset, x12_error *err)
{
    size_t dummy;
    if (!out_len)
        out_len = &dummy;
    *out_len = 0;
    if (err) {
        memset(err, 0, sizeof *err);
        err->msg = x12_status_message(X12_OK);
    }
    if ((!in && len) || (!out && cap) ||
        (charset != X12_CHARSET_EXTENDED && charset != X12_CHARSET_BASIC)) {
        set_err(err, X12_ERR_USAGE, 0,
                !in && len ? "text is NULL" : !out && cap ? "out is NULL" : "unknown charset");
        return X12_ERR_USAGE;
    }
    iconv_t cd;
    x12_status st = x12__conv_open(encoding, &cd, err);
    if (st != X12_OK)
        return st;
    unsigned char cls[256];
    x12__charset_classes(cls, charset);
    st = x12__conv(cd, encoding, cls, in ? in : "", len, out, cap, out_len, err);
    iconv_close(cd);
    return st;
}
