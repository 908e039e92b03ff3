/* Arena: a chain of blocks, bump allocation, freed all at once. */
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include <x12/arena.h>

#include "internal.h"

#define ARENA_FIRST_BLOCK 4096u
#define ARENA_ALIGN alignof(max_align_t)

typedef struct block {
    struct block *next;
    size_t cap;  /* usable bytes after the header */
    size_t used;
    alignas(max_align_t) unsigned char data[];
} block;

struct x12_arena {
    const x12_allocator *alloc;
    x12_allocator alloc_copy;
    block *head; /* the block being filled; older ones follow */
    size_t total;
};

X12_API x12_arena *x12_arena_new(const x12_allocator *alloc)
{
    x12_arena *a = x12__alloc(alloc, sizeof *a);
    if (!a)
        return NULL;
    memset(a, 0, sizeof *a);
    if (alloc) {
        a->alloc_copy = *alloc;
        a->alloc = &a->alloc_copy;
    }
    return a;
}

static block *block_new(x12_arena *a, size_t need)
{
    size_t cap = a->head ? a->head->cap * 2 : ARENA_FIRST_BLOCK;
    if (cap > (1u << 20))
        cap = 1u << 20;
    if (cap < need)
        cap = need;
    if (cap > SIZE_MAX - sizeof(block))
        return NULL;
    block *b = x12__alloc(a->alloc, sizeof(block) + cap);
    if (!b)
        return NULL;
    b->cap = cap;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    return b;
}

/* `size` bytes aligned to `align` (a power of two), not cleared. */
static void *arena_take(x12_arena *a, size_t size, size_t align)
{
    if (size > SIZE_MAX - ARENA_ALIGN * 2)
        return NULL;
    block *b = a->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at > b->cap || b->cap - at < size) {
        b = block_new(a, size + align);
        if (!b)
            return NULL;
        at = 0; /* data[] is aligned for any type */
    }
    void *p = b->data + at;
    a->total += at + size - b->used;
    b->used = at + size;
    return p;
}

X12_API void *x12_arena_alloc(x12_arena *a, size_t size)
{
    if (size == 0)
        size = 1;
    void *p = arena_take(a, size, ARENA_ALIGN);
    if (p)
        memset(p, 0, size);
    return p;
}

X12_API char *x12_arena_strndup(x12_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    /* text needs no alignment and no clearing: it is all copied */
    char *p = arena_take(a, len + 1, 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

X12_API char *x12_arena_strdup(x12_arena *a, const char *s)
{
    return s ? x12_arena_strndup(a, s, strlen(s)) : NULL;
}

X12_API char *x12_arena_slice(x12_arena *a, x12_slice s)
{
    return x12_arena_strndup(a, s.ptr, s.len);
}

X12_API void x12_arena_reset(x12_arena *a)
{
    if (!a || !a->head)
        return;
    /* keep the oldest block (the smallest), free the rest */
    block *b = a->head, *keep = NULL;
    while (b) {
        block *next = b->next;
        if (!next)
            keep = b;
        else
            x12__free(a->alloc, b);
        b = next;
    }
    keep->used = 0;
    keep->next = NULL;
    a->head = keep;
    a->total = 0;
}

X12_API size_t x12_arena_used(const x12_arena *a)
{
    return a ? a->total : 0;
}

X12_API void x12_arena_free(x12_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *next = b->next;
        x12__free(a->alloc, b);
        b = next;
    }
    x12__free(a->alloc, a);
}
