/* x12 837: claims in JSON (an array or NDJSON, docs/claims-json.md) to an
 * 837P/837I/837D, streamed one claim at a time; and --to-json, the claims of
 * an 837 back in the same schema.  A bad claim is reported and skipped; the
 * others are written. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <x12/arena.h>
#include <x12/claim.h>
#include <x12/control.h>
#include <x12/json.h>
#include <x12/reader.h>
#include <x12/walk.h>

#include "cli.h"

static const char HELP[] =
    "usage: x12 837 --from FILE|- [options]\n"
    "       x12 837 --to-json FILE.837|- [FILE.837...] [-o OUT]\n"
    "Writes an 837 from claims in JSON: an array of claim objects or NDJSON (one claim\n"
    "a line), read as a stream (schema: docs/claims-json.md).  A claim with a problem is\n"
    "reported as FILE: line L, byte B: $[i].path: problem, and is not written; the other\n"
    "claims are.  --to-json writes the claims of an 837 as NDJSON in the same schema.\n\n"
    "Options:\n"
    "  --type T              professional, institutional or dental; claims of another type\n"
    "                        are refused (default: each claim's \"type\", the first one holding)\n"
    "  -o OUT                write to OUT instead of standard output (gzip-compressed when\n"
    "                        OUT ends in .gz)\n"
    "  --sender ID           ISA06 and GS02 (default: the first claim's submitter id)\n"
    "  --receiver ID         ISA08 and GS03 (default: the first claim's receiver id)\n"
    "  --submitter-contact NAME,QUALIFIER,NUMBER  the submitter's EDI contact (1000A PER,\n"
    "                        required by the guides; QUALIFIER TE, EM, FX or EX), in place\n"
    "                        of the claims' submitter contacts\n"
    "  --usage T|P           ISA15 test or production (default P)\n"
    "  --transaction-type CH|RP|31  BHT06: CH claims for payment (the default; a claim of\n"
    "                        0.00 is refused), RP reporting (encounters, not for payment),\n"
    "                        31 subrogation demand\n"
    "  --control-file F      ISA13, GS06 and ST02 from the locked counter in F (created\n"
    "                        when missing), so two runs never reuse a number\n"
    "  --control-number N    ISA13 and GS06 are N (ST02 counts from 0001); default 1\n"
    "  --max-claims-per-set N  a new ST/SE after N claims (default 5000)\n"
    "  --date CCYYMMDD --time HHMM  the envelope's date and time (default: now, UTC)\n"
    "The 837 written is validated as it is written (what x12 validate checks); an error\n"
    "in it is reported as 'the 837 written does not validate: ...' with exit status 1.\n"
    "Exit status: 0 every claim written and the 837 valid, 1 some claims were refused or\n"
    "the 837 written has errors, 2 usage or I/O error.\n";

typedef struct run {
    const char *in_name;
    FILE *out;
    const char *control_file;
    int control_failed;
    x12_error control_err;
    const x12_claims_json_item *item; /* the claim being added */
    int reported;                     /* its first problem was printed */
    int status;
    /* the 837 written is validated as it is written (the writer's
     * output_finding): what its own checks let through is still said */
    unsigned out_errors;
    /* for -o OUT: what was written, whether a write failed, whether some
     * input was read to its end (--to-json) */
    unsigned long long written;
    int write_failed, read_whole;
    unsigned long errors; /* error findings of the input (--to-json) */
} run;

static int out_write(void *ctx, const void *buf, size_t len)
{
    run *r = ctx;
    if (fwrite(buf, 1, len, r->out) != len) {
        r->write_failed = 1;
        return -1;
    }
    r->written += len;
    return 0;
}

static void out_check_finding(void *ctx, const x12_finding *f, const char *claim_id)
{
    run *r = ctx;
    if (f->severity != X12_SEV_ERROR)
        return;
    char at[256];
    x12_error_format(&f->err, at, sizeof at);
    const char *loop = f->loop_id ? f->loop_id : "";
    fprintf(stderr, "x12 837: the 837 written does not validate: %s [loop %s%s%s]\n", at,
            loop[0] ? loop : "-", claim_id[0] ? ", claim " : "", claim_id);
    r->out_errors++;
    r->status = cli_worst(r->status, EXIT_INPUT);
}

static uint32_t control_from_file(void *ctx, x12_control_kind kind)
{
    (void)kind;
    run *r = ctx;
    uint32_t n = 0;
    if (x12_control_reserve(r->control_file, 1, &n, &r->control_err) != X12_OK) {
        r->control_failed = 1;
        return 0;
    }
    return n;
}

/* The writer checks each claim (x12_claim_check()) before writing it; the
 * first problem of a refused claim is reported like the reader's errors. */
static void on_problem(void *ctx, const x12_claim_problem *p)
{
    run *r = ctx;
    const x12_claims_json_item *it = r->item;
    if (r->reported)
        return;
    r->reported = 1;
    char jp[128];
    x12_claim_json_path(p->path, jp, sizeof jp);
    unsigned long long line = it ? it->line : 0, off = it ? it->byte_offset : 0;
    unsigned long long idx = it ? it->index : 0;
    fprintf(stderr, "%s: line %llu, byte %llu: $[%llu]%s%s: %s%s%s\n", r->in_name, line, off, idx,
            jp[0] && jp[0] != '[' ? "." : "", jp,
            x12_status_message(p->code), p->detail[0] ? ": " : "", p->detail);
    r->status = cli_worst(r->status, EXIT_INPUT);
}

static int parse_type(const char *s, x12_claim_type *t)
{
    static const char *const names[] = {"professional", "institutional", "dental"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *t = (x12_claim_type)i;
            return 1;
        }
    return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
    char *end;
    if (!*s || *s == '-')
        return 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end || x == 0 || x > max)
        return 0;
    *v = (unsigned long)x;
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* --- --to-json --------------------------------------------------------- */

#ifdef X12KIT_HAVE_CLAIM_READER
typedef struct tj {
    run *r;
    const char *file;
} tj;

static int tj_claim(void *ctx, const x12_claim *claim, const x12_claim_context *cx)
{
    tj *t = ctx;
    x12_error e;
    if (x12_claim_json_write(claim, &cx->header->submitter, &cx->header->receiver, out_write, t->r,
                             &e) != X12_OK) {
        fprintf(stderr, "x12 837: writing JSON: %s\n", x12_status_message(e.code));
        t->r->status = EXIT_USAGE;
        return 1;
    }
    return 0;
}

static void tj_finding(void *ctx, const x12_finding *f)
{
    tj *t = ctx;
    /* what makes the claims incomplete: syntax and envelope errors, segments
     * the model does not carry, the reader's own errors (a value the model
     * cannot hold, a claim not read); and two warnings */
    int own_error = f->severity == X12_SEV_ERROR && f->err.code >= X12_ERR_CLAIM_REQUIRED &&
                    f->err.code <= X12_ERR_GUIDE_NOT_READ;
    if (cli_reader_warning(f->err.code)) { /* the claims are whole */
        cli_print_error(t->file, &f->err);
    } else if (f->err.code == X12_ERR_UNKNOWN_GUIDE) {
        /* the walker's note; the reader's X12_ERR_GUIDE_NOT_READ says it for an 837 */
    } else if (f->err.code == X12_ERR_CLAIM_NOT_CARRIED || f->snip == 1 || own_error) {
        cli_print_error(t->file, &f->err);
        t->r->status = cli_worst(t->r->status, EXIT_INPUT);
        t->r->errors++;
    }
}

typedef struct feed {
    tj *t;
    x12_claim_reader *cr;
    int in_other; /* inside a transaction set that is not an 837: skipped */
} feed;

/* Segments go to the claim reader, except the sets that are not 837s: those
 * are reported once each and skipped. */
static int feed_segment(void *ctx, const x12_segment *seg)
{
    feed *fd = ctx;
    if (x12_slice_eq(seg->id, "ST")) {
        fd->in_other = !x12_slice_eq(x12_segment_element(seg, 1), "837");
        if (fd->in_other) {
            cli_print_at(fd->t->file, seg, X12_ERR_UNKNOWN_GUIDE,
                         "transaction set is not an 837: skipped", 1, 0, NULL);
            fd->t->r->status = cli_worst(fd->t->r->status, EXIT_INPUT);
        }
    }
    if (fd->in_other) {
        if (x12_slice_eq(seg->id, "SE"))
            fd->in_other = 0;
        return 0;
    }
    return x12_claim_reader_segment(fd->cr, seg) != X12_OK;
}

static void feed_error(void *ctx, const x12_error *e)
{
    feed *fd = ctx;
    if (e->code == X12_ERR_IO || e->code == X12_ERR_GZIP || e->code == X12_ERR_NOMEM) {
        cli_print_error(fd->t->file, e);
        fd->t->r->status = EXIT_USAGE;
        return;
    }
    x12_claim_reader_error(fd->cr, e);
}

static int to_json(run *r, const char *path)
{
    tj t = {r, strcmp(path, "-") == 0 ? "<stdin>" : path};
    x12_claim_reader_callbacks cb = {tj_claim, tj_finding};
    feed fd = {&t, x12_claim_reader_new(&cb, &t, 0, NULL), 0};
    if (!fd.cr)
        return EXIT_USAGE;
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks rcb = {feed_segment, feed_error};
    unsigned long before = r->errors;
    x12_status st = x12_read_file(path, &o, &rcb, &fd);
    /* (what is no X12 at all is read "whole", with an error) */
    r->read_whole |= st == X12_OK && r->errors == before;
    if (st == X12_OK || st == X12_ERR_LIMIT)
        st = x12_claim_reader_finish(fd.cr);
    x12_claim_reader_free(fd.cr);
    if (st == X12_ERR_NOMEM)
        r->status = EXIT_USAGE;
    return r->status;
}
#endif

/* --- --from ------------------------------------------------------------ */

typedef struct from_opts {
    int type_given;
    x12_claim_type type;
    const char *sender, *receiver;
    char usage;
    const char *transaction_type; /* BHT06; NULL = CH */
    unsigned long control_number;
    unsigned long max_per_set;
    const char *date, *time;
    x12_claim_contact contact; /* --submitter-contact NAME,QUALIFIER,NUMBER */
    int have_contact;
    char contact_text[256];
} from_opts;

/* "EDI DESK,TE,8005551234" -> PER02, PER03, PER04 (QUALIFIER TE, EM, FX or EX). */
static int parse_contact(const char *s, from_opts *fo)
{
    snprintf(fo->contact_text, sizeof fo->contact_text, "%s", s);
    char *name = fo->contact_text, *q = strchr(name, ',');
    if (!q)
        return 0;
    *q++ = '\0';
    char *num = strchr(q, ',');
    if (!num)
        return 0;
    *num++ = '\0';
    if ((strcmp(q, "TE") && strcmp(q, "EM") && strcmp(q, "FX") && strcmp(q, "EX")) || !*num)
        return 0;
    memset(&fo->contact, 0, sizeof fo->contact);
    fo->contact.name = *name ? name : NULL;
    fo->contact.qualifier[0] = q;
    fo->contact.number[0] = num;
    fo->have_contact = 1;
    return 1;
}

static int from_json(run *r, const char *path, const from_opts *fo)
{
    x12_claims_json_options jo;
    x12_claims_json_options_init(&jo);
    if (fo->type_given)
        jo.type = (int)fo->type;
    jo.refuse_chars = "*:^~"; /* the delimiters written below */
    /* accents fold to X12 letters; a claim with a character X12 cannot
     * carry is refused, not the whole file */
    jo.to_x12 = 1;
    jo.no_check = 1; /* the writer checks each claim before writing it (on_problem) */
    x12_error e;
    x12_claims_json_reader *jr = x12_claims_json_open(path, &jo, &e);
    if (!jr) {
        fprintf(stderr, "x12 837: %s: %s%s%s\n", r->in_name, x12_status_message(e.code),
                e.detail[0] ? ": " : "", e.detail);
        return EXIT_USAGE;
    }
    x12_arena *arena = x12_arena_new(NULL);
    if (!arena) {
        x12_claims_json_free(jr);
        return EXIT_USAGE;
    }

    /* envelope date and time */
    char ccyymmdd[16], yymmdd[8], hhmm[8] = "0000";
    if (fo->date) {
        snprintf(ccyymmdd, sizeof ccyymmdd, "%s", fo->date);
    } else {
        time_t now = time(NULL);
        struct tm tmv;
        gmtime_r(&now, &tmv);
        strftime(ccyymmdd, sizeof ccyymmdd, "%Y%m%d", &tmv);
        strftime(hhmm, sizeof hhmm, "%H%M", &tmv);
    }
    if (fo->time)
        snprintf(hhmm, sizeof hhmm, "%s", fo->time);
    else if (fo->date)
        snprintf(hhmm, sizeof hhmm, "0000");
    memcpy(yymmdd, ccyymmdd + 2, 6);
    yymmdd[6] = '\0';

    x12_claim_writer *w = NULL;
    x12_claim_header hdr;
    x12_claim_party submitter, receiver;
    x12_claim_contact contact;
    char sender_id[64] = "", receiver_id[64] = "";
    for (;;) {
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(arena);
        x12_status st = x12_claims_json_next(jr, arena, &it, &je);
        if (st == X12_ERR_IO || st == X12_ERR_GZIP || st == X12_ERR_NOMEM) {
            fprintf(stderr, "%s: line %llu, byte %llu: %s\n", r->in_name,
                    (unsigned long long)je.line, (unsigned long long)je.byte_offset, je.message);
            r->status = EXIT_USAGE;
            break;
        }
        if (st != X12_OK) {
            char line[512];
            x12_json_error_format(&je, line, sizeof line);
            fprintf(stderr, "%s: %s\n", r->in_name, line);
            r->status = cli_worst(r->status, EXIT_INPUT);
            continue;
        }
        if (!it.claim)
            break;
        if (!w) {
            /* the first good claim opens the output: its submitter and
             * receiver (1000A/1000B), its type and its transaction type
             * (BHT06) hold for the whole file */
            memset(&submitter, 0, sizeof submitter);
            memset(&receiver, 0, sizeof receiver);
            const char *sid = fo->sender ? fo->sender : it.submitter ? it.submitter->id : NULL;
            const char *rid = fo->receiver ? fo->receiver : it.receiver ? it.receiver->id : NULL;
            if (!sid || !*sid || !rid || !*rid) {
                fprintf(stderr, "x12 837: --sender and --receiver are needed when the claims "
                                "carry no submitter and receiver id\n");
                r->status = EXIT_USAGE;
                break;
            }
            snprintf(sender_id, sizeof sender_id, "%s", sid);
            snprintf(receiver_id, sizeof receiver_id, "%s", rid);
            if (it.submitter) {
                submitter = *it.submitter;
            } else {
                submitter.entity_type = "2";
                submitter.last_name = sender_id;
                submitter.id_qualifier = "46";
                submitter.id = sender_id;
            }
            if (fo->have_contact) {
                /* the command line's contact stands for the claims' */
                contact = fo->contact;
                submitter.contacts = &contact;
                submitter.contact_count = 1;
            }
            if (!submitter.contact_count)
                fprintf(stderr, "%s: the claims carry no submitter contact: the 837 lacks the "
                                "1000A PER the guides require (give \"submitter\": {\"contacts\": "
                                "[...]} in the claims, or --submitter-contact)\n",
                        r->in_name);
            if (it.receiver) {
                receiver = *it.receiver;
            } else {
                receiver.entity_type = "2";
                receiver.last_name = receiver_id;
                receiver.id_qualifier = "46";
                receiver.id = receiver_id;
            }
            memset(&hdr, 0, sizeof hdr);
            hdr.isa.sender_id = sender_id;
            hdr.isa.receiver_id = receiver_id;
            hdr.isa.date = yymmdd;
            hdr.isa.time = hhmm;
            hdr.isa.usage = fo->usage ? fo->usage : 'P';
            /* BHT06: --transaction-type, else the first good claim's
             * (a claim of another is refused by the writer) */
            hdr.bht_type = fo->transaction_type ? fo->transaction_type : it.claim->transaction_type;
            hdr.isa.control_number = (uint32_t)fo->control_number;
            hdr.gs.sender = sender_id;
            hdr.gs.receiver = receiver_id;
            hdr.gs.date = ccyymmdd;
            hdr.gs.time = hhmm;
            hdr.gs.control_number = (uint32_t)fo->control_number;
            hdr.st_control_number = 1;
            hdr.submitter = submitter;
            hdr.receiver = receiver;
            x12_claim_writer_options wo;
            x12_claim_writer_options_init(&wo);
            wo.type = it.claim->type;
            wo.max_claims_per_set = fo->max_per_set;
            if (r->control_file) {
                wo.control = control_from_file;
                wo.control_ctx = r;
            }
            wo.problem = on_problem;
            wo.problem_ctx = r;
            wo.output_finding = out_check_finding;
            wo.output_finding_ctx = r;
            w = x12_claim_writer_new(&wo, &hdr, out_write, r, &e);
            if (!w) {
                fprintf(stderr, "x12 837: %s%s%s\n", x12_status_message(e.code),
                        e.detail[0] ? ": " : "", e.detail);
                r->status = EXIT_USAGE;
                break;
            }
        }
        r->item = &it;
        r->reported = 0;
        x12_status ws = x12_claim_writer_add(w, it.claim);
        r->item = NULL;
        if (ws == X12_ERR_CLAIM_REJECTED)
            continue; /* reported by on_problem */
        if (ws == X12_ERR_USAGE) {
            /* a claim the writer cannot take (no billing provider or
             * subscriber when not checked): refused, the others go on */
            const x12_error *we = x12_claim_writer_error(w);
            fprintf(stderr, "%s: line %llu, byte %llu: $[%llu]: %s%s%s\n", r->in_name,
                    (unsigned long long)it.line, (unsigned long long)it.byte_offset,
                    (unsigned long long)it.index, x12_status_message(we->code),
                    we->detail[0] ? ": " : "", we->detail);
            r->status = cli_worst(r->status, EXIT_INPUT);
            continue;
        }
        if (ws != X12_OK) {
            const x12_error *we = x12_claim_writer_error(w);
            if (r->control_failed)
                we = &r->control_err;
            fprintf(stderr,
                    "%s: line %llu, byte %llu: $[%llu]: the 837 cannot be written: %s%s%s\n",
                    r->in_name, (unsigned long long)it.line, (unsigned long long)it.byte_offset,
                    (unsigned long long)it.index, x12_status_message(we->code),
                    we->detail[0] ? ": " : "", we->detail);
            r->status = EXIT_USAGE;
            break;
        }
    }
    if (w) {
        if (r->status != EXIT_USAGE && x12_claim_writer_finish(w) != X12_OK) {
            const x12_error *we = r->control_failed ? &r->control_err : x12_claim_writer_error(w);
            fprintf(stderr, "x12 837: %s%s%s\n", x12_status_message(we->code),
                    we->detail[0] ? ": " : "", we->detail);
            r->status = EXIT_USAGE;
        }
        x12_claim_writer_free(w);
    } else if (r->status == EXIT_FINE) {
        /* an 837 needs a claim: say why the output is empty */
        fprintf(stderr, "%s: no claims in the input: no 837 written\n", r->in_name);
    }
    x12_arena_free(arena);
    x12_claims_json_free(jr);
    return r->status;
}

#define NEED_ARG()                                                                                 \
    do {                                                                                           \
        if (i + 1 >= argc) {                                                                       \
            fprintf(stderr, "x12 837: %s needs a value\n", a);                                     \
            goto usage;                                                                            \
        }                                                                                          \
    } while (0)

int cmd_837(int argc, char **argv)
{
    const char *from = NULL, *to_json_path = NULL, *out_path = NULL, *control_file = NULL;
    int control_number_given = 0;
    /* --to-json FILE [FILE...]: more 837s after the first, like the other commands */
    const char **more = calloc((size_t)argc + 1, sizeof *more);
    int nmore = 0;
    if (!more)
        goto usage;
    from_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.control_number = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(HELP, stdout);
            free(more);
            return EXIT_FINE;
        } else if (strcmp(a, "--from") == 0) {
            NEED_ARG();
            from = argv[++i];
        } else if (strcmp(a, "--to-json") == 0) {
            NEED_ARG();
            to_json_path = argv[++i];
        } else if (strcmp(a, "-o") == 0) {
            NEED_ARG();
            out_path = argv[++i];
        } else if (strcmp(a, "--type") == 0) {
            NEED_ARG();
            if (!parse_type(argv[++i], &fo.type)) {
                fprintf(stderr, "x12 837: --type: '%s' is not professional, institutional or "
                                "dental\n", argv[i]);
                goto usage;
            }
            fo.type_given = 1;
        } else if (strcmp(a, "--sender") == 0) {
            NEED_ARG();
            fo.sender = argv[++i];
        } else if (strcmp(a, "--receiver") == 0) {
            NEED_ARG();
            fo.receiver = argv[++i];
        } else if (strcmp(a, "--submitter-contact") == 0) {
            NEED_ARG();
            if (!parse_contact(argv[++i], &fo)) {
                fprintf(stderr, "x12 837: --submitter-contact: '%s' is not NAME,QUALIFIER,NUMBER "
                                "(QUALIFIER TE, EM, FX or EX)\n", argv[i]);
                goto usage;
            }
        } else if (strcmp(a, "--usage") == 0) {
            NEED_ARG();
            const char *u = argv[++i];
            if (strcmp(u, "T") != 0 && strcmp(u, "P") != 0) {
                fprintf(stderr, "x12 837: --usage: '%s' is not T or P\n", u);
                goto usage;
            }
            fo.usage = u[0];
        } else if (strcmp(a, "--transaction-type") == 0) {
            NEED_ARG();
            const char *t = argv[++i];
            if (strcmp(t, "CH") != 0 && strcmp(t, "RP") != 0 && strcmp(t, "31") != 0) {
                fprintf(stderr, "x12 837: --transaction-type: '%s' is not CH, RP or 31\n", t);
                goto usage;
            }
            fo.transaction_type = t;
        } else if (strcmp(a, "--control-file") == 0) {
            NEED_ARG();
            control_file = argv[++i];
        } else if (strcmp(a, "--control-number") == 0) {
            NEED_ARG();
            if (!parse_uint(argv[++i], 999999999ul, &fo.control_number)) {
                fprintf(stderr, "x12 837: --control-number: '%s' is not 1-999999999\n", argv[i]);
                goto usage;
            }
            control_number_given = 1;
        } else if (strcmp(a, "--max-claims-per-set") == 0) {
            NEED_ARG();
            if (!parse_uint(argv[++i], 1000000ul, &fo.max_per_set)) {
                fprintf(stderr, "x12 837: --max-claims-per-set: '%s' is not 1-1000000\n", argv[i]);
                goto usage;
            }
        } else if (strcmp(a, "--date") == 0) {
            NEED_ARG();
            fo.date = argv[++i];
            if (!all_digits(fo.date, 8) || !x12_valid_date(fo.date, 8)) {
                fprintf(stderr, "x12 837: --date: '%s' is not a CCYYMMDD date\n", fo.date);
                goto usage;
            }
        } else if (strcmp(a, "--time") == 0) {
            NEED_ARG();
            fo.time = argv[++i];
            if (!all_digits(fo.time, 4) || !x12_valid_time(fo.time, 4)) {
                fprintf(stderr, "x12 837: --time: '%s' is not an HHMM time\n", fo.time);
                goto usage;
            }
        } else if (to_json_path && (a[0] != '-' || strcmp(a, "-") == 0)) {
            more[nmore++] = a;
        } else {
            fprintf(stderr, "x12 837: unknown option '%s' (see x12 837 --help)\n", a);
            goto usage;
        }
    }
    if (!from == !to_json_path) {
        fprintf(stderr,
                "x12 837: give either --from FILE or --to-json FILE (see x12 837 --help)\n");
        goto usage;
    }
    if (control_file && control_number_given) {
        fprintf(stderr, "x12 837: --control-file and --control-number exclude each other\n");
        goto usage;
    }
    if ((from && cli_output_is_input("837", out_path, &from, 1)) ||
        (to_json_path && cli_output_is_input("837", out_path, &to_json_path, 1)) ||
        cli_output_is_input("837", out_path, more, nmore) ||
        (control_file && cli_output_is_input("837", out_path, &control_file, 1)))
        goto usage;
    run r;
    memset(&r, 0, sizeof r);
    r.control_file = control_file;
    r.out = stdout;
    if (out_path && strcmp(out_path, "-") != 0) {
        r.out = cli_open_out(out_path);
        if (!r.out) {
            perror(out_path);
            free(more);
            return EXIT_USAGE;
        }
    }
    int status;
    if (from) {
        r.in_name = strcmp(from, "-") == 0 ? "<stdin>" : from;
        status = from_json(&r, from, &fo);
    } else {
#ifdef X12KIT_HAVE_CLAIM_READER
        status = to_json(&r, to_json_path);
        for (int k = 0; k < nmore; k++)
            status = cli_worst(status, to_json(&r, more[k]));
#else
        fprintf(stderr, "x12 837: --to-json needs the 837 reader, not in this build\n");
        status = EXIT_USAGE;
#endif
    }
    if (r.out != stdout) {
        /* OUT is replaced by a whole 837 (--from: one stopped by an error
         * lacks its trailers) or by the claims of what could be read */
        int keep = !r.write_failed && (from ? r.written && status != EXIT_USAGE
                                            : r.read_whole || r.written);
        if (cli_close_out(r.out, keep) != 0) {
            perror(out_path);
            fprintf(stderr, "x12 837: %s left as it was\n", out_path);
            status = EXIT_USAGE;
        } else if (!keep) {
            fprintf(stderr, "x12 837: %s not written: %s\n", out_path,
                    r.write_failed ? "the output could not be written"
                    : from && r.written ? "the 837 could not be completed"
                    : from ? "no claim to write"
                           : "no FILE could be read");
        }
    } else if (fflush(stdout) != 0) {
        perror("x12 837: write");
        status = EXIT_USAGE;
    }
    free(more);
    return status;
usage:
    free(more);
    return EXIT_USAGE;
}
