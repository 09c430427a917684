/* A growable, always NUL-terminated string used to build text output
 * (dm tables, config dumps, reports) without fixed-size buffers. */
#ifndef MP_STRBUF_H
#define MP_STRBUF_H

#include <stddef.h>

struct mp_strbuf {
	char *buf;	/* owned; NULL until the first append */
	size_t len;	/* bytes used, excluding the NUL */
	size_t cap;	/* bytes allocated */
};

#define MP_STRBUF_INIT { NULL, 0, 0 }

/* All return 0 or -ENOMEM; on failure the buffer keeps its old contents. */
int mp_strbuf_append(struct mp_strbuf *sb, const char *s, size_t n);
int mp_strbuf_puts(struct mp_strbuf *sb, const char *s);
int mp_strbuf_printf(struct mp_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The text so far; "" for an empty buffer. Valid until the next append. */
const char *mp_strbuf_str(const struct mp_strbuf *sb);
/* Hands the allocation to the caller (who frees it) and empties sb. Never NULL
 * unless allocation fails. */
char *mp_strbuf_steal(struct mp_strbuf *sb);
void mp_strbuf_truncate(struct mp_strbuf *sb, size_t len);
void mp_strbuf_release(struct mp_strbuf *sb);

#endif
