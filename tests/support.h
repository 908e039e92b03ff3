/* Helpers shared by the cmocka tests: files, growable strings, and an event
 * log of everything a reader reports, so that runs can be compared. */
#ifndef X12_TEST_SUPPORT_H
#define X12_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include <x12/reader.h>

typedef struct strbuf {
    char *p;
    size_t len, cap;
} strbuf;

void sb_add(strbuf *b, const char *s, size_t n);
void sb_printf(strbuf *b, const char *fmt, ...);
void sb_free(strbuf *b);

/* Reads a whole file; returns NULL when it cannot.  Free with free(). */
char *read_file(const char *path, size_t *len);
/* Writes a file; returns 0 on success. */
int write_file(const char *path, const void *data, size_t len);

/* Runs a reader over data fed in `chunk`-byte pieces (0 = whole) and returns
 * the log: one line per segment ("S off idx pos id|el|el...") and per error
 * ("E NAME off idx pos id el.comp detail").  Free with free(). */
char *reader_log(const char *data, size_t len, size_t chunk, const x12_reader_options *opts);
/* The same with the reader's hot loop at one instruction set (x12__reader_simd
 * levels: 0 none, 1 SSE2, 2 AVX2, 3 AVX-512BW; -1 the reader's own choice). */
char *reader_log_at(const char *data, size_t len, size_t chunk, const x12_reader_options *opts,
                    int simd);
/* The widest hot-loop level this CPU runs. */
int reader_simd_best(void);

/* The errors alone, one per line in .expect form:
 * "NAME segment=N set=P id=ID element=E byte=B". */
char *reader_errors(const char *data, size_t len, const x12_reader_options *opts);

/* `text` with the first `max` occurrences of `from` (every one when max is
 * 0) replaced by `to`, as a new string (free with free()); NULL when `from`
 * does not occur. */
char *replace_text(const char *text, const char *from, const char *to, size_t max);
/* A copy of text with ins put in at byte `at` (free() it). */
char *insert_text(const char *text, size_t at, const char *ins);

/* Removes a folder and everything under it (rm -rf); returns 0 on success. */
int remove_tree(const char *dir);

/* Lists the regular files of a folder (sorted, full paths), NULL-terminated.
 * Free with free_list(). */
char **list_dir(const char *dir);
void free_list(char **list);

/* An allocator that fails its Nth call (counting from 1; 0 = never) and
 * counts live blocks so that leaks show. */
typedef struct failing_alloc {
    x12_allocator a;
    long fail_at;
    long calls;
    long live;
} failing_alloc;
void failing_alloc_init(failing_alloc *f, long fail_at);

#endif
