/* The in-memory form of a loaded spec, shared by the files of parsers/.
 * Everything lives in one arena owned by the x12_spec and freed with it. */
#ifndef X12_SPEC_MODEL_H
#define X12_SPEC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "x12/reader.h"
#include "x12/spec.h"
#include "x12/walk.h"

#define SPEC_UNBOUNDED UINT32_MAX

typedef enum el_type { T_AN, T_ID, T_DT, T_TM, T_R, T_N } el_type;

/* An external code list (specs/codes/<id>.xml). */
typedef struct spec_codelist {
    const char *id;
    int complete;             /* 0: a snapshot, a missing value is only a warning */
    const char *const *codes; /* sorted */
    uint32_t ncodes;
    const uint64_t *keys;     /* packed, or NULL */
} spec_codelist;

typedef struct spec_el {
    /* what every check reads first, together at the front (one cache line) */
    char usage;        /* 'R', 'S', 'N' */
    uint8_t type;      /* el_type */
    uint8_t verified;
    uint8_t overlay;   /* narrowed by a companion-guide overlay: its findings are SNIP 7 */
    uint8_t ndec;      /* Nn: the n */
    uint8_t frac;      /* R: most fraction digits; 255 = not limited */
    uint16_t ncomps;
    uint16_t minlen, maxlen;
    uint16_t rep;      /* most repetitions (1 = not repeating) */
    uint16_t pos;      /* element position in the segment, 1-based */
    uint32_t ncodes;
    uint16_t comp;     /* component position, 0 for a simple element or a composite */
    const uint64_t *ckeys;    /* the codes packed (spec_codekey), sorted; NULL when a
                                 code is longer than 8 bytes */
    const char *const *codes; /* sorted, inline allowed values; NULL = none listed */
    const spec_codelist *extlist; /* the external list, when the library has it */
    const struct pattern *re;     /* the compiled pattern (parsers/pattern.h), in the arena */
    struct spec_el *comps; /* composite: its components */
    const char *ref;   /* "CLM05-03" */
    const char *name;
    const char *de;    /* "1325" */
    const char *ext;   /* external code list name or NULL */
    const char *pattern;          /* extended regular expression the whole value must match */
} spec_el;

typedef struct spec_syntax {
    char kind;         /* P R E C L */
    uint8_t n;
    uint8_t pos[12];
    uint64_t mask;     /* bit p for each position p; 0 when one is past 63 */
} spec_syntax;

struct spec_loop;

/* The watches (rule_watch) of one scope loop that a segment definition
 * answers: its segment id, placed in the watch's loop, the watch's keyval
 * among its own (spec.c def_watches).  Found once at load, so that the
 * walker reads no watch that is not for the placed definition. */
typedef struct spec_defwatch {
    const struct spec_loop *scope;
    const struct rule_watch *w; /* copies of those of scope->watch, in its order */
    uint16_t n;
} spec_defwatch;

typedef struct spec_seg {
    char id[4];
    uint32_t idkey;    /* the id's bytes packed, for one-compare matching (spec_idkey) */
    const char *name;
    char usage;
    uint32_t maxuse;
    uint16_t pos;      /* TR3 position number: siblings with the same one may come in any order */
    uint16_t key_pos, key_comp;     /* qualifier element telling same-tag siblings apart;
                                       key_comp 0 = a simple element, else the component,
                                       with SPEC_KEY_REP set when the element repeats */
    const char *const *keyvals;     /* sorted; NULL = matches any value */
    uint32_t nkeyvals;
    const uint64_t *kkeys;          /* keyvals packed (spec_codekey), NULL if one is long */
    spec_el *els;      /* by position: els[i].pos == i + 1 */
    uint16_t nels;
    uint16_t last_required; /* highest position whose usage is R (0: none) */
    uint16_t numbers_el;    /* numbers="loop": the element numbering the instances of the
                               loop this segment starts (1, 2, ... in its parent); 0 none */
    spec_syntax *syntax;
    uint16_t nsyntax;
    /* Set when rules are attached (spec.c mark_rule_defs, def_watches): the
     * index in x12_spec.seg_rules of the first segment-scoped rule of its id,
     * -1 none; and the loop-scoped rules' conditions that look for it. */
    int32_t seg_rule_at;
    const spec_defwatch *dw; /* one for each scope loop with a watch it answers */
    uint16_t ndw;
} spec_seg;

/* In spec_seg.key_comp: the key element repeats, and its first repetition
 * is the key (005010X231A1 2100 CTX01).  Kept in key_comp so that the common
 * key, a simple element, costs no test more. */
#define SPEC_KEY_REP 0x8000u

/* A situational rule (SNIP 4, or 7 from an overlay): when every <when> holds,
 * every <then> must (docs/specs.md "Rules"). */
typedef enum rule_op {
    OP_PRESENT, OP_ABSENT, OP_EQ, OP_NE, OP_IN, OP_NOTIN, OP_DATE, OP_DATERANGE, OP_DATETIME,
    OP_STREET, OP_POINTERS, OP_PATTERN, OP_DIFFERS, OP_NOTPATTERN, OP_NOTAFTER, OP_NOTBEFORE,
    OP_UNIQUE, OP_POSITIVE, OP_NOTNEGATIVE, OP_SAME
} rule_op;

typedef struct rule_cond {
    uint8_t filled;     /* rules.c records which elements its segment holds (the
                         * first <when> of a rule with pointers) */
    const char *loop;   /* loop id inside the scope; NULL = the scope itself */
    const struct spec_loop *lp; /* that loop, resolved when the rule is attached */
    char seg[4];        /* segment id; "" = the loop itself (or the rule's segment) */
    uint32_t segkey;    /* spec_idkey of seg, 0 when none */
    const char *keyval; /* which same-tag variant: its qualifier value */
    uint16_t el_pos, el_comp; /* 0 = the segment or loop as a whole */
    uint8_t op;
    uint8_t every;      /* op unique: the element and each later one of its segment
                         * (the same component of each) */
    uint8_t each;       /* a <then> of a loop-scoped rule checked on each occurrence of
                         * its segment, with the <when>s as they stand then */
    uint8_t any;        /* eq or in on an element: the first occurrence of its segment
                         * in the instance that holds one of the values is kept (not
                         * the first occurrence), so it holds when any occurrence does */
    uint8_t instances;  /* a <then> present with each= that names a segment of a loop
                         * inside the scope: every instance of that loop holds it,
                         * checked as each instance ends (with the <when>s as they
                         * stand then); each is then 0 */
    uint8_t onelen;     /* eq/ne/in/notin with one value of 1-8 bytes: its length (and */
    uint64_t onekey;    /* its spec_codekey), compared without a search; else 0 */
    const char *const *vals;
    uint32_t nvals;
    const struct pattern *re; /* op pattern: the compiled pattern= */
} rule_cond;

typedef struct spec_rule {
    const char *id, *msg, *scope, *src;
    const struct spec_loop *scope_lp; /* a segment-scoped rule's scope loop, resolved
                                       * when attached; NULL for "*" or none */
    char seg[4];        /* segment-scoped rule: evaluated on each such segment */
    uint32_t segkey;    /* spec_idkey of seg */
    uint8_t snip;
    uint8_t severity;   /* x12_severity */
    char ik3[4], ik4[4];
    rule_cond *conds;   /* the <when>s, then the <then>s */
    uint16_t nwhen, nthen;
    uint32_t fact0;     /* a loop-scoped rule: where its conditions' facts start among
                         * its scope's (spec_loop.nfacts), one per condition */
} spec_rule;

typedef struct spec_child {
    int is_loop;
    int has_rival;     /* a same-position, same-id sibling may take the same qualifier */
    spec_seg *seg;
    struct spec_loop *loop;
    const spec_seg *first; /* seg, or the loop's first segment (set by index_loops) */
    uint16_t pos;          /* its TR3 position number (set by index_loops) */
    char usage;        /* a loopref may change usage and repeat */
    uint8_t overlay;   /* SPEC_OV_*: what a companion-guide overlay narrowed (SNIP 7) */
    uint32_t repeat;
} spec_child;

enum { SPEC_OV_USAGE = 1, SPEC_OV_REPEAT = 2 };

/* A condition of a loop-scoped rule that names a segment: what the walker
 * looks for in each segment placed inside the rule's scope (rules.c). */
typedef struct rule_watch {
    const spec_rule *r;         /* the rule (scope->rules[rule]) */
    const rule_cond *c;         /* and its condition (r->conds + cond) */
    const struct spec_loop *lp; /* the loop the segment must be placed in */
    const spec_seg *def;        /* the one definition in lp the condition's keyval
                                 * names, compared with the placed one; NULL when
                                 * it names none (any_def) or several (rules.c
                                 * then searches the placed one's keyvals) */
    uint32_t segkey;            /* the segment's spec_idkey */
    uint16_t rule, cond;        /* index into the scope's rules, and its condition */
    uint32_t fact0;             /* that rule's fact0: its condition's fact is fact0 + cond */
    uint8_t any_def;            /* no keyval: any definition of lp with the id */
    uint8_t kind;               /* WATCH_* */
} rule_watch;

/* A condition of a loop-scoped rule that names a loop and no segment: the
 * fact (an index among its scope's) it sets when that loop starts. */
typedef struct rule_loopfact {
    const struct spec_loop *lp;
    uint32_t fact;
} rule_loopfact;

/* A <then> present each= of a loop-scoped rule on a segment of a loop `lp`
 * inside the scope (rule_cond.instances): its fact is cleared when an
 * instance of lp starts, set when the segment comes, and read when it ends. */
typedef struct rule_instfact {
    const struct spec_loop *lp;
    const spec_rule *r;
    uint16_t cond;
} rule_instfact;

/* How a watched condition reads its segment: once (its first occurrence),
 * on each occurrence against the rule's first <when> (pointers, differs,
 * same, notafter and notbefore without vals=), each value against the
 * earlier ones (unique), or on
 * each occurrence against all the <when>s so far (a <then> with each=). */
enum { WATCH_FIRST, WATCH_EACH, WATCH_UNIQUE, WATCH_EACH_THEN };

/* What tells a kid of a loop from its same-id siblings, kept beside the
 * kids (spec_loop.kkey) so that placement compares a segment's qualifier
 * without reaching for each candidate's definition. */
typedef struct spec_kidkey {
    uint64_t one;      /* mode 1: the one key value, packed (spec_codekey) */
    uint16_t pos, comp; /* the definition's key_pos and key_comp */
    uint8_t mode;      /* 0: any value; 1: the value `one` only; 2: the
                        * definition's lists (key_matches) */
} spec_kidkey;

typedef struct spec_loop {
    const char *id;    /* "2300"; the transaction itself is "ST" (the root) */
    const spec_rule *const *rules; /* loop-scoped rules evaluated per instance */
    uint16_t nrules;
    uint16_t nwatch;
    const rule_watch *watch; /* the segment conditions of those rules, in their
                              * order (each definition lists its own: spec_seg.dw) */
    uint64_t rule_loops; /* spec_loopbit of every loop its rules' conditions name */
    uint32_t nfacts;     /* its rules' conditions, the facts an instance keeps */
    /* the conditions that name a loop alone: the fact set when it starts */
    const struct rule_loopfact *loopfacts;
    uint32_t nloopfacts;
    /* the <then>s every instance of a loop inside it must satisfy */
    const struct rule_instfact *instfacts;
    uint32_t ninstfacts;
    uint64_t inst_loops; /* spec_loopbit of each of their loops */
    uint8_t has_unique; /* one of its rules has a unique <then> */
    /* The rules with a <then> decided when the instance ends (indexes into
     * rules): the others' are all checked as their segments come. */
    uint16_t *end_rules;
    uint16_t nend_rules;
    const char *name;
    char usage;
    uint32_t repeat;
    uint16_t pos;
    const char *hlparent; /* HL level code of the parent HL, or NULL */
    spec_child *kids;
    uint32_t nkids;
    /* The trigger is kids[0].seg; its qualifier is the seg's key. */
    /* Search index: for each kid, the next kid starting with the same segment
     * id (UINT32_MAX: none); and the first kid for each id, as (idkey << 32 |
     * index) in an open-addressing table (0 = empty; an idkey is never 0) of
     * 2^(32 - first_shift) slots: one multiplication and usually one probe. */
    uint32_t *next_same;
    uint64_t *first_hash;
    uint32_t first_mask;
    uint8_t first_shift;
    /* The kids after the trigger whose usage is R (indexes), for the check
     * when an instance ends; refreshed after an overlay changes usage. */
    uint32_t *required;
    uint32_t nrequired;
    /* For each kid, the first of the run of kids before it that share its TR3
     * position (siblings that may come in any order), itself when none. */
    uint32_t *gstart;
    /* For each kid, its key (set by index_loops). */
    spec_kidkey *kkey;
} spec_loop;

/* The first kid of `lp` that starts with segment id `key`, or UINT32_MAX. */
static inline uint32_t spec_loop_first(const spec_loop *lp, uint32_t key)
{
    if (!lp->first_hash) /* a loop the index never reached (no kids to find) */
        return UINT32_MAX;
    uint32_t h = (key * 0x9E3779B1u) >> lp->first_shift;
    for (;;) {
        uint64_t e = lp->first_hash[h];
        if (!e)
            return UINT32_MAX;
        if ((uint32_t)(e >> 32) == key)
            return (uint32_t)e;
        h = (h + 1) & lp->first_mask;
    }
}

struct x12_spec {
    const char *guide_id, *ts, *fid, *name;
    /* the guide whose rules the spec holds, from its XML: guide_id differs
     * when a set of another version is read with it (X12_WALK_NEAREST_GUIDE), and
     * what depends on the guide's own rules (balancing) goes by this one */
    const char *own_id;
    spec_loop *root;   /* ST ... SE as a loop with id "ST" */
    spec_rule *rules;  /* all of them */
    uint32_t nrules;
    const spec_rule **seg_rules; /* the segment-scoped ones, by segment id (segkey) */
    uint32_t *seg_rule_keys;     /* their segkeys, side by side (searched, not chased) */
    uint32_t nseg_rules;
    uint64_t rule_segs_scoped; /* spec_keybit of every segment whose segment-scoped rules
                                * include one scoped to a loop, not "*" */
    uint32_t max_loop_facts; /* most facts (rules' conditions) of one loop */
    uint8_t has_unique;      /* a loop-scoped rule has a unique <then> */
    char overlays[160]; /* ids of the overlays applied, for messages */
    x12_spec_stats stats;
    void *arena;       /* opaque: arena blocks */
};

/* A segment id (2-3 bytes) packed into an integer; 0 for anything longer. */
static inline uint32_t spec_idkey(const char *p, size_t n)
{
    if (n < 2 || n > 3)
        return 0;
    return (uint32_t)(unsigned char)p[0] << 16 | (uint32_t)(unsigned char)p[1] << 8 |
           (n == 3 ? (uint32_t)(unsigned char)p[2] : 0) | (uint32_t)n << 24;
}

/* Up to 8 bytes packed big-endian into an integer (order follows strcmp). */
static inline uint64_t spec_codekey(const char *p, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++)
        k = k << 8 | (i < n ? (unsigned char)p[i] : 0);
    return k;
}

/* One bit of 64 for a segment id key: sets of these say quickly that no rule
 * names a segment (a bit set may still be another id's). */
static inline unsigned spec_keyslot(uint32_t key)
{
    return (key * 0x9E3779B1u) >> 26;
}

static inline uint64_t spec_keybit(uint32_t key)
{
    return (uint64_t)1 << spec_keyslot(key);
}

/* The same for a loop of a loaded spec, by its address. */
static inline uint64_t spec_loopbit(const void *lp)
{
    return (uint64_t)1 << ((((uint64_t)(uintptr_t)lp >> 4) * 0x9E3779B97F4A7C15u) >> 58);
}

/* Data element `pos` of a segment (empty past the end), without a call. */
static inline x12_slice seg_el(const x12_segment *seg, unsigned pos)
{
    x12_slice none = {NULL, 0};
    return pos && pos <= seg->element_count ? seg->elements[pos] : none;
}

/* Is the value in the sorted strings? */
int spec_codes_has(const char *const *codes, uint32_t n, const char *v, size_t vlen);

/* Is the value in the sorted packed keys (strings when keys is NULL)? */
static inline int spec_keys_has(const uint64_t *keys, const char *const *codes, uint32_t n,
                                const char *v, size_t len)
{
    if (!keys || len == 0 || len > 8)
        return spec_codes_has(codes, n, v ? v : "", len);
    uint64_t key = spec_codekey(v, len);
    /* branch-free: halve the range by the middle key until one is left (a
     * search that leaves early mispredicts its way down) */
    if (!n)
        return 0;
    const uint64_t *base = keys;
    while (n > 1) {
        uint32_t half = n / 2;
        base = base[half] <= key ? base + half : base;
        n -= half;
    }
    return *base == key;
}

/* 1 when the value matches the element's pattern (or it has none). */
int spec_el_pattern_ok(const struct spec_el *e, const char *v, size_t n);

/* Is the value among the element's codes? */
static inline int spec_el_has_code(const struct spec_el *e, const char *v, size_t n)
{
    return spec_keys_has(e->ckeys, e->codes, e->ncodes, v, n);
}

/* A walker consumer's own finding (the 835, 837 and 277CA readers) at a
 * position given field by field, its guide that of `ev` (which may be NULL).
 * (walk.c) */
void x12__reader_finding(x12_finding *f, const x12_walk_event *ev, uint64_t off, uint32_t index,
                         uint32_t set_pos, const char *id, size_t idlen, const char *loop,
                         x12_status code, x12_severity sev, unsigned el, unsigned comp,
                         const char *detail);

/* The detail of X12_ERR_CLAIM_NOT_CARRIED for a second of what the model
 * holds one of (x12_walk_event.over, and the 835's qualified fields): the
 * 835, 837 and 277CA readers keep the first.  A warning, not a note: the
 * input says two things where the model has room for one. */
#define X12__SECOND_OF_KIND "a second of its kind: the model holds the first"

/* What a walker consumer read of a segment, as bits (bit i: element i), so
 * that what it holds beyond is said to be not carried, never dropped
 * unsaid (the 835, 837 and 277CA readers). */

/* Elements from..to (1 <= from <= to <= 63). */
static inline uint64_t x12__read_bits(unsigned from, unsigned to)
{
    return ((~(uint64_t)0 >> (63 - to)) >> from) << from;
}

/* The first element of `s` after `after` that holds a value and is not in
 * `read` (an element past 63 never is); 0 when none. */
static inline unsigned x12__unread_after(const x12_segment *s, uint64_t read, unsigned after)
{
    for (unsigned i = after + 1; i <= s->element_count; i++)
        if (s->elements[i].len && (i >= 64 || !(read & ((uint64_t)1 << i))))
            return i;
    return 0;
}

/* The first component of `v` (an element of `s`) after `after` that holds a
 * value; 0 when none. */
static inline unsigned x12__component_after(const x12_segment *s, x12_slice v, unsigned after)
{
    for (unsigned c = after + 1;; c++) {
        x12_slice part = x12_element_component(s, v, c);
        if (!part.ptr)
            return 0;
        if (part.len)
            return c;
    }
}

struct x12_walker;
/* For a set whose guide has no spec, at its ST: "ST03 is 'X'; x12kit reads
 * READS" (or GS08 when ST03 is empty) into buf; returns the element to name
 * (3, or 0 for GS08).  (walk.c) */
unsigned spec_unread_detail(const struct x12_walker *w, const x12_segment *st, const char *reads,
                            char *buf, size_t cap);

/* The built-in spec of `guide_id`, loaded once per process and shared (never
 * freed, never to be changed); NULL with `err` set as x12_spec_load_builtin()
 * would.  (spec.c) */
const x12_spec *x12__spec_builtin_shared(const char *guide_id, x12_error *err);
/* The same, read under another id (a version read with the guide's spec:
 * X12_WALK_NEAREST_GUIDE); `as_id` must be static text. */
const x12_spec *x12__spec_builtin_shared_as(const char *guide_id, const char *as_id,
                                            x12_error *err);

/* The loop of id `id` under `root` (itself included), NULL when none.
 * (spec.c) */
const spec_loop *spec_find_loop(const spec_loop *root, const char *id);

/* Turns the walker's memo of clean segments (walk.c) off (0) or on (1, the
 * default): with it off every segment's elements are checked.  For the tests
 * and the fuzzer, which compare the findings both ways. */
void x12__walker_memo(struct x12_walker *w, int on);

#endif
