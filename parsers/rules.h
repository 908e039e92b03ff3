/* Evaluation of spec rules (SNIP 4) inside the walker (parsers/rules.c). */
#ifndef X12_RULES_H
#define X12_RULES_H

#include "spec_model.h"

#define RULE_MAX_CONDS 8      /* conditions of a loop-scoped rule */
#define RULE_MAX_SEG_CONDS 16 /* of a segment-scoped one (seg=) */
#define RULE_VAL_MAX 40

typedef struct rule_pos {
    uint64_t off;
    uint32_t seg_index, set_pos;
    char id[4];
} rule_pos;

typedef struct rule_fact {
    uint8_t seen;  /* the loop or segment the condition names occurred */
    uint8_t len;   /* bytes of val (the element, first occurrence) */
    uint8_t cut;   /* the element was longer than val holds */
    char val[RULE_VAL_MAX];
    uint64_t filled; /* bit p: element p of that segment holds a value (p < 64) */
    uint16_t nels;   /* how many elements the guide gives that segment */
    rule_pos at;   /* where that segment was, for the finding */
} rule_fact;

/* The values a loop instance's unique conditions have seen, each hashed
 * with its rule's index (a 64-bit hash: two values taken for one would
 * need a collision).  Past RULE_UNIQ_MAX values an instance keeps, later
 * ones are not compared. */
#define RULE_UNIQ_MAX 2048
typedef struct rule_uniq {
    uint64_t *keys; /* NULL: the walker keeps none (no unique rule) */
    uint32_t n;
} rule_uniq;

/* The segment that made a rule apply (its first <when> naming a segment). */
typedef struct rule_trigger {
    rule_pos at;
    const char *loop_id; /* the loop it was in */
    uint16_t element, component;
} rule_trigger;

/* `trig` is NULL when the rule names no other segment that triggered it;
 * `missing` is the condition whose loop or segment never came (the finding
 * is then at the scope loop's start), else NULL. */
typedef void (*rule_report_fn)(void *ctx, const spec_rule *r, const rule_pos *at, uint16_t element,
                               uint16_t component, const char *loop_id, const rule_trigger *trig,
                               const rule_cond *missing);

/* A new instance of loop `lp` starts: its rules start with nothing seen. */
void rules_loop_start(const spec_loop *lp, rule_fact *facts);
/* Loop `entered` starts inside an open instance of `scope` (facts of scope). */
void rules_loop_seen(const spec_loop *scope, rule_fact *facts, const spec_loop *entered);
/* An instance of loop `left` inside an open instance of `scope` ends; it
 * started at `at`.  The <then>s each of its instances must satisfy
 * (rule_cond.instances) are checked. */
void rules_loop_left(const spec_loop *scope, const rule_fact *facts, const spec_loop *left,
                     const rule_pos *at, rule_report_fn report, void *ctx);
/* A segment placed as spec segment `def` inside an open instance of `scope`
 * (whose unique values are `uniq`): the watches of `scope` it answers, `dw`
 * (one of def->dw).  Conditions checked on every occurrence (pointers,
 * differs, same, unique, notafter and notbefore without a date of their own,
 * and <then>s with each=) are reported at once. */
void rules_segment(const spec_loop *scope, rule_fact *facts, rule_uniq *uniq,
                   const spec_defwatch *dw, const spec_seg *def, const x12_segment *seg,
                   rule_report_fn report, void *ctx);
/* The instance of `scope` ends: evaluate its rules. */
void rules_loop_end(const spec_loop *scope, const rule_fact *facts, const rule_pos *at,
                    rule_report_fn report, void *ctx);
/* Segment-scoped rules (seg=) on a segment placed as `def`; `open` tells whether a
 * loop is open around it.  With `known_clean` the rules of scope "*" are
 * skipped (the walker's memo saw these bytes pass them). */
void rules_on_segment(const x12_spec *spec, const spec_seg *def, const x12_segment *seg,
                      int (*open)(void *ctx, const spec_loop *lp), rule_report_fn report, void *ctx,
                      const char *loop_id, int known_clean);

#endif
