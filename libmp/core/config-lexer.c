/* multipath.conf text -> AST. Owns tokenizing (comments, quotes, braces,
 * CRLF, a UTF-8 BOM, NUL bytes) and the statement/section structure; it
 * knows nothing about keywords. Every node and string it builds is owned by
 * the parent node and freed by mp_cfg_node_release().
 *
 * Grammar, line oriented as administrators write it:
 *   statement := word value* NEWLINE | word value* '{' statement* '}'
 *   value     := word | "quoted" ("" inside quotes is one ")
 * '#' and '!' outside quotes start a comment up to the end of the line.
 * Several values are joined with single spaces, so an unquoted
 * `path_selector round-robin 0` means the same as the quoted form.
 *
 * Robustness: the input is a byte buffer of any length and content. Nesting
 * is limited to CFG_MAX_DEPTH; deeper blocks are skipped with an iterative
 * brace counter, so 10,000 nested braces cost no stack. A NUL byte or an
 * unterminated quote discards that line's statement with an error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mp/strbuf.h"
#include "core/config-internal.h"
#include "util/cleanup.h"

enum tok {
	TOK_EOF,
	TOK_NEWLINE,
	TOK_WORD,
	TOK_LBRACE,
	TOK_RBRACE,
};

struct lexer {
	const char *file;
	const char *p, *end;
	unsigned int line;		/* line of the current position */
	unsigned int tok_line;		/* line the last token started on */
	bool line_bad;			/* the current line had a lexical error */
	struct mp_strbuf text;		/* text of the last TOK_WORD */
	struct mp_diags *diags;
	int oom;			/* -ENOMEM once allocation failed */
	bool peeked;
	enum tok peek;
};

static void lex_error(struct lexer *lx, unsigned int line, const char *msg)
{
	if (mp_cfg_diag(lx->diags, MP_DIAG_ERROR, lx->file, line, "%s", msg) < 0)
		lx->oom = -ENOMEM;
}

static void skip_to_eol(struct lexer *lx)
{
	const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));

	lx->p = nl ? nl : lx->end;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_word_end(char c)
{
	return is_space(c) || c == '\n' || c == '{' || c == '}' || c == '"' ||
		c == '#' || c == '!' || c == '\0';
}

static void append(struct lexer *lx, const char *s, size_t n)
{
	if (mp_strbuf_append(&lx->text, s, n) < 0)
		lx->oom = -ENOMEM;
}

/* A NUL byte inside the text: the line cannot be trusted. */
static void nul_byte(struct lexer *lx)
{
	if (!lx->line_bad)
		lex_error(lx, lx->line, "NUL byte in line; line ignored");
	lx->line_bad = true;
	skip_to_eol(lx);
}

static void lex_quoted(struct lexer *lx)
{
	lx->p++;	/* opening quote */
	for (;;) {
		const char *start = lx->p;

		while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n' && *lx->p != '\0')
			lx->p++;
		append(lx, start, (size_t)(lx->p - start));
		if (lx->p < lx->end && *lx->p == '"') {
			if (lx->p + 1 < lx->end && lx->p[1] == '"') {
				append(lx, "\"", 1);	/* "" is a literal quote */
				lx->p += 2;
				continue;
			}
			lx->p++;
			return;
		}
		if (lx->p < lx->end && *lx->p == '\0') {
			nul_byte(lx);
			return;
		}
		if (!lx->line_bad)
			lex_error(lx, lx->tok_line, "unterminated quote; line ignored");
		lx->line_bad = true;
		return;
	}
}

static enum tok lex_next(struct lexer *lx)
{
	if (lx->peeked) {
		lx->peeked = false;
		return lx->peek;
	}
	mp_strbuf_truncate(&lx->text, 0);
	for (;;) {
		char c;

		if (lx->p >= lx->end)
			return TOK_EOF;
		c = *lx->p;
		lx->tok_line = lx->line;
		if (is_space(c)) {
			lx->p++;
		} else if (c == '\n') {
			lx->p++;
			lx->line++;
			return TOK_NEWLINE;
		} else if (c == '#' || c == '!') {
			skip_to_eol(lx);
		} else if (c == '\0') {
			nul_byte(lx);
		} else if (c == '{') {
			lx->p++;
			return TOK_LBRACE;
		} else if (c == '}') {
			lx->p++;
			return TOK_RBRACE;
		} else if (c == '"') {
			lex_quoted(lx);
			return TOK_WORD;
		} else {
			const char *start = lx->p;

			while (lx->p < lx->end && !is_word_end(*lx->p))
				lx->p++;
			append(lx, start, (size_t)(lx->p - start));
			return TOK_WORD;
		}
	}
}

static void lex_unget(struct lexer *lx, enum tok t)
{
	lx->peeked = true;
	lx->peek = t;
}

static struct cfg_node *node_add(struct lexer *lx, struct cfg_node *parent)
{
	struct cfg_node *n;

	if (mp_cfg_grow((void **)&parent->children, &parent->cap, parent->n,
			sizeof(*parent->children)) < 0) {
		lx->oom = -ENOMEM;
		return NULL;
	}
	n = &parent->children[parent->n++];
	memset(n, 0, sizeof(*n));
	return n;
}

/* Skips a block whose '{' was just read, counting braces without recursion. */
static void skip_block(struct lexer *lx, unsigned int open_line)
{
	size_t depth = 1;

	while (depth > 0) {
		enum tok t = lex_next(lx);

		if (t == TOK_EOF) {
			lex_error(lx, open_line, "unbalanced brace: '{' is never closed");
			return;
		}
		if (t == TOK_LBRACE)
			depth++;
		else if (t == TOK_RBRACE)
			depth--;
		else if (t == TOK_NEWLINE)
			lx->line_bad = false;
	}
}

static void parse_block(struct lexer *lx, struct cfg_node *parent, unsigned int depth,
			unsigned int open_line);

/* Reads one statement whose first word is in lx->text. */
static void parse_statement(struct lexer *lx, struct cfg_node *parent, unsigned int depth)
{
	struct mp_strbuf val = MP_STRBUF_INIT;
	unsigned int line = lx->tok_line;
	bool has_value = false, too_long = false;
	char *key;
	enum tok t;

	key = mp_strbuf_steal(&lx->text);
	if (!key) {
		lx->oom = -ENOMEM;
		return;
	}
	for (;;) {
		t = lex_next(lx);
		if (t != TOK_WORD)
			break;
		if (val.len + 1 + lx->text.len > CFG_MAX_VALUE) {
			too_long = true;
			continue;
		}
		if ((has_value && mp_strbuf_append(&val, " ", 1) < 0) ||
		    mp_strbuf_append(&val, mp_strbuf_str(&lx->text), lx->text.len) < 0)
			lx->oom = -ENOMEM;
		has_value = true;
	}

	if (too_long) {
		char kb[80];

		if (mp_cfg_diag(lx->diags, MP_DIAG_ERROR, lx->file, line,
				"%s: value longer than %d bytes",
				mp_cfg_printable(key, kb, sizeof(kb)), CFG_MAX_VALUE) < 0)
			lx->oom = -ENOMEM;
		lx->line_bad = true;
	}

	if (t == TOK_LBRACE) {
		struct cfg_node *n;

		if (depth + 1 > CFG_MAX_DEPTH) {
			lex_error(lx, line, "sections nested too deeply; block ignored");
			skip_block(lx, line);
			goto out;
		}
		n = node_add(lx, parent);
		if (!n)
			goto out;
		n->key = TAKE_PTR(key);
		n->value = has_value ? mp_strbuf_steal(&val) : NULL;
		n->line = line;
		n->section = true;
		parse_block(lx, n, depth + 1, line);
		goto out;
	}

	/* A statement on a line with a lexical error is dropped: its value
	 * cannot be trusted and the error already names the line. */
	if (!lx->line_bad) {
		struct cfg_node *n = node_add(lx, parent);

		if (n) {
			n->key = TAKE_PTR(key);
			n->value = has_value ? mp_strbuf_steal(&val) : NULL;
			n->line = line;
			if (has_value && !n->value)
				lx->oom = -ENOMEM;
		}
	}
	if (t == TOK_RBRACE || t == TOK_EOF)
		lex_unget(lx, t);
	else if (t == TOK_NEWLINE)
		lx->line_bad = false;
out:
	free(key);
	mp_strbuf_release(&val);
}

static void parse_block(struct lexer *lx, struct cfg_node *parent, unsigned int depth,
			unsigned int open_line)
{
	while (!lx->oom) {
		enum tok t = lex_next(lx);

		switch (t) {
		case TOK_EOF:
			if (depth > 0) {
				char kb[80];

				if (mp_cfg_diag(lx->diags, MP_DIAG_ERROR, lx->file, open_line,
						"unbalanced brace: section '%s' is never closed",
						mp_cfg_printable(parent->key, kb, sizeof(kb))) < 0)
					lx->oom = -ENOMEM;
			}
			return;
		case TOK_NEWLINE:
			lx->line_bad = false;
			break;
		case TOK_RBRACE:
			if (depth > 0)
				return;
			lex_error(lx, lx->tok_line, "unbalanced brace: '}' without an open section");
			break;
		case TOK_LBRACE:
			lex_error(lx, lx->tok_line, "'{' without a section name; block ignored");
			skip_block(lx, lx->tok_line);
			break;
		case TOK_WORD:
			parse_statement(lx, parent, depth);
			break;
		}
	}
}

int mp_cfg_build_ast(const char *file, const char *text, size_t len,
		     struct cfg_node *root, struct mp_diags *diags)
{
	struct lexer lx = {
		.file = file,
		.p = text,
		.end = text + len,
		.line = 1,
		.diags = diags,
	};

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		lx.p += 3;	/* UTF-8 byte order mark, as some editors write */
	root->section = true;
	parse_block(&lx, root, 0, 0);
	mp_strbuf_release(&lx.text);
	return lx.oom;
}

void mp_cfg_node_release(struct cfg_node *n)
{
	if (!n)
		return;
	/* depth is bounded by CFG_MAX_DEPTH, so recursion is shallow */
	for (size_t i = 0; i < n->n; i++)
		mp_cfg_node_release(&n->children[i]);
	free(n->children);
	free(n->key);
	free(n->value);
	memset(n, 0, sizeof(*n));
}
