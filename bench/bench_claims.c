/* bench_claims: claims JSON throughput.
 *
 *   1. NDJSON -> 837P: x12_claims_json reader + x12_claim_writer, written to a file;
 *   2. 837P -> JSON: x12_claim_read_file + x12_claim_json_write (x12 837 --to-json);
 *   3. baseline: the segment reader alone over the same 837P (x12_read_file).
 *
 * The NDJSON input is generated here, deterministically (a fixed LCG seed), once
 * into bench/data/.  Each step runs in a forked child, best of 3, so that its
 * peak RSS (wait4) is its own.  Usage: bench_claims DATA_DIR [CLAIMS] */
#define _DEFAULT_SOURCE /* wait4 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <x12/arena.h>
#include <x12/claim.h>
#include <x12/json.h>
#include <x12/reader.h>

static uint64_t rng = 88172645463325252ull;
static uint32_t next(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 33);
}
static const char *pick(const char *const *a, size_t n)
{
    return a[next() % n];
}
#define PICK(a) pick(a, sizeof a / sizeof a[0])

static const char *const NPIS[] = {"1234567893", "1987654328", "1456789019", "1678901236"};
static const char *const RENDER[] = {"1122334455", "1765432103", "1543210987", "1321098760"};
static const char *const LAST[] = {"SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA",
                                   "MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ", "NGUYEN", "PATEL"};
static const char *const FIRST[] = {"JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER",
                                    "MICHAEL", "LINDA", "DAVID", "ELIZABETH", "AHMED", "MEI"};
static const char *const CPT[] = {"99213", "99214", "99203", "36415", "93000", "81002",
                                  "87880", "90471", "99396", "71046"};
static const char *const ICD[] = {"J069", "I10", "E119", "Z0000", "M545", "R05", "K219",
                                  "E785", "F419", "N390"};

static void gen_claim(FILE *f, unsigned long i)
{
    unsigned nlines = 1 + next() % 4;
    long charges[4], total = 0;
    for (unsigned l = 0; l < nlines; l++) {
        charges[l] = 2000 + (long)(next() % 30000);
        total += charges[l];
    }
    unsigned b = next() % 4;
    /* two different codes: the writer refuses a diagnosis sent twice in a claim */
    unsigned dx = (unsigned)(next() % (sizeof ICD / sizeof *ICD));
    unsigned dx2 = (dx + 1 + (unsigned)(next() % (sizeof ICD / sizeof *ICD - 1))) %
                   (sizeof ICD / sizeof *ICD);
    fprintf(f,
            "{\"type\":\"professional\",\"submitter\":{\"last_name\":\"RIVERSIDE BILLING\","
            "\"id_qualifier\":\"46\",\"id\":\"RBS0001\",\"contacts\":[{\"name\":\"ANA LOPEZ\","
            "\"qualifier\":[\"TE\"],\"number\":[\"5555550100\"]}]},\"receiver\":{\"last_name\":"
            "\"CLEARHOUSE INC\",\"id_qualifier\":\"46\",\"id\":\"CLH0002\"},"
            "\"billing\":{\"provider\":{\"last_name\":\"CLINIC %u\",\"id_qualifier\":\"XX\","
            "\"id\":\"%s\",\"taxonomy\":\"207Q00000X\",\"address\":{\"line1\":\"%u MAIN ST\","
            "\"city\":\"SPRINGFIELD\",\"state\":\"IL\",\"postal_code\":\"627011234\"},"
            "\"tax_id\":\"37123456%u\"}},",
            b, NPIS[b], 100 + b, b);
    fprintf(f,
            "\"subscriber\":{\"payer_responsibility\":\"P\",\"group_number\":\"GRP%u\","
            "\"claim_filing_indicator\":\"CI\",\"subscriber\":{\"last_name\":\"%s\","
            "\"first_name\":\"%s\",\"id_qualifier\":\"MI\",\"id\":\"MEM%08lu\",\"address\":"
            "{\"line1\":\"%u ELM ST\",\"city\":\"SPRINGFIELD\",\"state\":\"IL\",\"postal_code\":"
            "\"62704\"},\"birth_date\":\"19%02u%02u%02u\",\"gender\":\"%s\"},\"payer\":{\"last_name\":"
            "\"BLUE PRAIRIE HEALTH\",\"id_qualifier\":\"PI\",\"id\":\"BPH01\"}},",
            next() % 900, PICK(LAST), PICK(FIRST), i, 1 + next() % 999, 30 + next() % 70,
            1 + next() % 12, 1 + next() % 28, next() % 2 ? "F" : "M");
    fprintf(f,
            "\"claim_id\":\"PCN%08lu\",\"total_charge\":\"%ld.%02ld\",\"facility_code\":\"11\","
            "\"frequency_code\":\"1\",\"provider_signature\":\"Y\",\"assignment\":\"A\","
            "\"benefits_assignment\":\"Y\",\"release_of_info\":\"Y\","
            "\"principal_diagnosis\":{\"code\":\"%s\"},\"other_diagnoses\":[{\"code\":\"%s\"}],"
            "\"providers\":[{\"role\":\"rendering\",\"party\":{\"last_name\":\"%s\","
            "\"first_name\":\"%s\",\"id_qualifier\":\"XX\",\"id\":\"%s\"}}],\"lines\":[",
            i, total / 100, total % 100, ICD[dx], ICD[dx2], PICK(LAST), PICK(FIRST),
            PICK(RENDER));
    for (unsigned l = 0; l < nlines; l++)
        fprintf(f,
                "%s{\"procedure\":\"%s\",\"charge\":\"%ld.%02ld\",\"units\":\"1\","
                "\"diagnosis_pointers\":[1,2],\"service_date\":\"202601%02u\","
                "\"line_control_number\":\"L%08lu%u\"}",
                l ? "," : "", PICK(CPT), charges[l] / 100, charges[l] % 100, 1 + next() % 28, i, l);
    fputs("]}\n", f);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* --- the three steps (each returns claims or segments handled) ----------- */

static int out_file(void *ctx, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, ctx) == len ? 0 : -1;
}

static uint64_t step_json_to_837(const char *in, const char *out)
{
    x12_error e;
    x12_claims_json_options o;
    x12_claims_json_options_init(&o);
    o.refuse_chars = "*:^~"; /* as x12 837 does */
    o.to_x12 = 1;
    o.no_check = 1; /* the writer checks each claim */
    x12_claims_json_reader *r = x12_claims_json_open(in, &o, &e);
    FILE *f = fopen(out, "wb");
    x12_arena *a = x12_arena_new(NULL);
    if (!r || !f || !a)
        exit(2);
    x12_claim_writer *w = NULL;
    uint64_t n = 0, bad = 0;
    for (;;) {
        x12_claims_json_item it;
        x12_json_error je;
        x12_arena_reset(a);
        x12_status st = x12_claims_json_next(r, a, &it, &je);
        if (st != X12_OK) {
            if (bad++ < 3)
                fprintf(stderr, "line %llu: %s: %s\n", (unsigned long long)je.line, je.path,
                        je.message);
            continue;
        }
        if (!it.claim)
            break;
        if (!w) {
            x12_claim_header h;
            memset(&h, 0, sizeof h);
            h.isa.sender_id = h.gs.sender = "RBS0001";
            h.isa.receiver_id = h.gs.receiver = "CLH0002";
            h.isa.date = "260125";
            h.gs.date = "20260125";
            h.isa.time = h.gs.time = "1200";
            h.isa.control_number = h.gs.control_number = 1;
            h.submitter = *it.submitter;
            h.receiver = *it.receiver;
            x12_claim_writer_options wo;
            x12_claim_writer_options_init(&wo);
            w = x12_claim_writer_new(&wo, &h, out_file, f, &e);
            if (!w)
                exit(2);
        }
        if (x12_claim_writer_add(w, it.claim) != X12_OK)
            exit(3);
        n++;
    }
    if (bad)
        fprintf(stderr, "%llu bad claims\n", (unsigned long long)bad);
    if (x12_claim_writer_finish(w) != X12_OK)
        exit(3);
    x12_claim_writer_free(w);
    x12_arena_free(a);
    x12_claims_json_free(r);
    fclose(f);
    return n;
}

typedef struct sink {
    uint64_t bytes, claims;
} sink;

static int out_count(void *ctx, const void *buf, size_t len)
{
    (void)buf;
    ((sink *)ctx)->bytes += len;
    return 0;
}

static int on_claim(void *ctx, const x12_claim *c, const x12_claim_context *cx)
{
    sink *s = ctx;
    s->claims++;
    return x12_claim_json_write(c, &cx->header->submitter, &cx->header->receiver, out_count, s,
                                NULL) != X12_OK;
}

static uint64_t step_837_to_json(const char *in)
{
    sink s = {0, 0};
    x12_claim_reader_callbacks cb = {on_claim, NULL};
    if (x12_claim_read_file(in, NULL, &cb, &s, 0) != X12_OK)
        exit(3);
    return s.claims;
}

static int on_seg(void *ctx, const x12_segment *seg)
{
    uint64_t *n = ctx;
    *n += seg->element_count;
    return 0;
}

static uint64_t step_reader(const char *in)
{
    uint64_t n = 0;
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {on_seg, NULL};
    if (x12_read_file(in, &o, &cb, &n) != X12_OK)
        exit(3);
    return n;
}

/* Runs one step in a child: best wall time of 3, peak RSS of the child. */
static void measure(const char *name, int which, const char *in, const char *out, long in_bytes,
                    double claims, const char *unit)
{
    double best = 1e30, best_cpu = 1e30;
    long rss = 0;
    uint64_t result = 0;
    for (int run = 0; run < 3; run++) {
        int fd[2];
        if (pipe(fd) != 0)
            exit(2);
        double t0 = now();
        pid_t pid = fork();
        if (pid == 0) {
            close(fd[0]);
            uint64_t r = which == 0 ? step_json_to_837(in, out)
                         : which == 1 ? step_837_to_json(in)
                                      : step_reader(in);
            if (write(fd[1], &r, sizeof r) != (ssize_t)sizeof r)
                _exit(2);
            _exit(0);
        }
        close(fd[1]);
        if (read(fd[0], &result, sizeof result) != (ssize_t)sizeof result)
            result = 0;
        close(fd[0]);
        int status;
        struct rusage ru;
        wait4(pid, &status, 0, &ru);
        double t = now() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "%s failed\n", name);
            exit(1);
        }
        if (t < best)
            best = t;
        double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
        if (cpu < best_cpu)
            best_cpu = cpu;
        if (ru.ru_maxrss > rss)
            rss = ru.ru_maxrss;
    }
    printf("%-22s %8.0f %s/s  %7.1f MB/s  %5.2f s wall (%8.0f %s/s by CPU time)  peak RSS %5.1f MB"
           "  (%llu %s)\n",
           name, claims / best, unit, (double)in_bytes / 1e6 / best, best, claims / best_cpu, unit,
           (double)rss / 1024.0, (unsigned long long)result, which == 2 ? "elements" : "claims");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_claims DATA_DIR [CLAIMS]\n");
        return 2;
    }
    unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    char json[512], x12[512];
    snprintf(json, sizeof json, "%s/claims_%lu.v2.ndjson", argv[1], n);
    snprintf(x12, sizeof x12, "%s/claims_%lu.v2.837", argv[1], n);
    if (file_size(json) <= 0) {
        FILE *f = fopen(json, "w");
        if (!f) {
            perror(json);
            return 2;
        }
        for (unsigned long i = 0; i < n; i++)
            gen_claim(f, i + 1);
        fclose(f);
    }
    printf("%lu claims; NDJSON %.1f MB\n", n, (double)file_size(json) / 1e6);
    measure("NDJSON -> 837P", 0, json, x12, file_size(json), (double)n, "claims");
    long x12_bytes = file_size(x12);
    printf("837P output %.1f MB\n", (double)x12_bytes / 1e6);
    measure("837P -> JSON", 1, x12, NULL, x12_bytes, (double)n, "claims");
    measure("baseline: reader 837P", 2, x12, NULL, x12_bytes, (double)n, "claims");
    return 0;
}
