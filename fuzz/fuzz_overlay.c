/* libFuzzer target for companion-guide overlays and guides: arbitrary bytes as
 * overlay XML, applied to the built-in guide they name (seeded with
 * fixtures/overlays/), else as a guide of its own (fixtures/specs/).  A spec
 * that loads is then used to walk a small 837P, so a guide that the loader
 * accepted cannot break the walker.  Nothing here checks results:
 * sanitizers do. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <x12/walk.h>

static const char SAMPLE[] =
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250101*1200*^*00501*000000001*0*T*:~"
    "GS*HC*SENDER*RECEIVER*20250101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~"
    "BHT*0019*00*1*20250101*1200*CH~NM1*41*2*SUBMITTER*****46*S1~PER*IC*EDI*TE*5555551234~"
    "NM1*40*2*RECEIVER*****46*R1~HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~"
    "N3*1 MAIN ST~N4*TOWN*MI*48000~REF*EI*123456789~HL*2*1*22*0~SBR*P*18*******CI~"
    "NM1*IL*1*DOE*JANE****MI*M1~NM1*PR*2*PAYER*****PI*P1~CLM*C1*100***11:B:1*Y*A*Y*Y~"
    "HI*ABK:E119~LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20241231~SE*19*0001~GE*1*1~IEA*1*000000001~";

/* For a guide of its own: a payment in the shape of fixtures/specs/mini-835.xml,
 * its ST03 the guide's id (so that the walker takes the guide), whatever the
 * guide's own segments are. */
#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-."
static const char MINI_HEAD[] =
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250101*1200*^*00501*000000001*0*T*:~"
    "GS*HP*SENDER*RECEIVER*20250101*1200*1*X*MINI~ST*%s*0001*%s~";
static const char MINI_BODY[] =
    "BPR*I*10*C*ACH~TRN*1*T1~CLP*C1*1*20*10~DTM*050*20260101~SVC*HC:99213*10*5~"
    "DTM*150*20260101~REF*6R*L1~SVC*AD:D0120*10*5~REF*6R*L1~SE*11*0001~GE*1*1~IEA*1*000000001~";

static int on_seg(void *ctx, const x12_segment *seg)
{
    return x12_walker_segment(ctx, seg) != X12_OK;
}

static void on_err(void *ctx, const x12_error *e)
{
    x12_walker_reader_error(ctx, e);
}

static void on_finding(void *ctx, const x12_finding *f)
{
    (void)ctx;
    (void)f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    x12_error err;
    x12_spec *s = x12_spec_load_overlaid_memory(data, size, "fuzz.xml", &err);
    char sample[1024];
    const char *input = SAMPLE;
    if (!s) {
        /* not an overlay: a guide of its own, walked with a payment naming it
         * (an id or set id holding a delimiter would break the sample: kept
         * to a plain alphabet) */
        s = x12_spec_load_memory(data, size, "fuzz.xml", &err);
        if (!s)
            return 0;
        const char *id = x12_spec_guide_id(s), *ts = x12_spec_transaction(s);
        if (!id || !ts || strlen(id) > 35 || strlen(ts) > 3 || strspn(id, ALNUM) != strlen(id) ||
            strspn(ts, ALNUM) != strlen(ts)) {
            x12_spec_free(s);
            return 0;
        }
        size_t n = (size_t)snprintf(sample, sizeof sample, MINI_HEAD, ts, id);
        snprintf(sample + n, sizeof sample - n, "%s", MINI_BODY);
        input = sample;
    }
    x12_walker_callbacks wc = {NULL, on_finding};
    x12_walker *w = x12_walker_new(&wc, NULL, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES);
    if (!w || x12_walker_use_spec(w, s) != X12_OK)
        abort();
    x12_reader_callbacks cb = {on_seg, on_err};
    x12_reader *r = x12_reader_new(NULL, &cb, w);
    if (!r)
        abort();
    x12_reader_feed(r, input, strlen(input));
    x12_reader_finish(r);
    x12_reader_free(r);
    x12_walker_finish(w);
    x12_walker_free(w);
    x12_spec_free(s);
    return 0;
}
