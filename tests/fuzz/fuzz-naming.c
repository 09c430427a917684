/* libFuzzer harness for the bindings and wwids parsers. The first byte picks
 * the parser; the rest is the file. Beyond not crashing, it checks the
 * rewrite rule: formatting a parsed file and parsing that again keeps every
 * binding and every preserved line, and formatting is then a fixed point.
 * It also allocates a name and checks it was free before. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mp/naming.h"
#include "mp/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bindings(const char *buf, size_t len)
{
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_strbuf one = MP_STRBUF_INIT, two = MP_STRBUF_INIT;
	struct mp_bindings *b = NULL, *b2 = NULL;
	const char *alias;
	char *next = NULL;
	unsigned long idx;

	if (mp_bindings_parse(buf, len, &d, &b) < 0)
		goto out;
	if (mp_bindings_format(b, &one) < 0)
		goto out;
	if (mp_bindings_parse(one.buf, one.len, NULL, &b2) < 0)
		abort();	/* our own output must always be text */
	if (mp_bindings_count(b2) != mp_bindings_count(b) ||
	    mp_bindings_preserved_count(b2) != mp_bindings_preserved_count(b))
		abort();
	if (mp_bindings_format(b2, &two) < 0)
		goto out;
	if (one.len != two.len || memcmp(one.buf, two.buf, one.len))
		abort();
	for (size_t i = 0; i < mp_bindings_count(b); i++) {
		const char *w;

		if (mp_bindings_get(b, i, &alias, &w) < 0 ||
		    strcmp(mp_bindings_lookup_wwid(b2, w), alias))
			abort();
	}
	/* A new name must not have been in the file in any form. */
	if (!mp_bindings_lookup_wwid(b, "fuzz-new-wwid")) {
		if (mp_bindings_allocate(b2, "fuzz-new-wwid", NULL, NULL, 0, &alias) == 1) {
			if (mp_bindings_alias_taken(b, alias) ||
			    mp_naming_alias_index(NULL, alias, &idx) < 0 ||
			    mp_naming_alias_for_index(NULL, idx, &next) < 0 || strcmp(next, alias))
				abort();
		}
	}
out:
	free(next);
	mp_strbuf_release(&one);
	mp_strbuf_release(&two);
	mp_bindings_free(b);
	mp_bindings_free(b2);
	mp_naming_diags_release(&d);
}

static void check_wwids(const char *buf, size_t len)
{
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_strbuf one = MP_STRBUF_INIT, two = MP_STRBUF_INIT;
	struct mp_wwids *w = NULL, *w2 = NULL;

	if (mp_wwids_parse(buf, len, &d, &w) < 0)
		goto out;
	if (mp_wwids_format(w, &one) < 0)
		goto out;
	if (mp_wwids_parse(one.buf, one.len, NULL, &w2) < 0)
		abort();
	if (mp_wwids_count(w2) != mp_wwids_count(w) ||
	    mp_wwids_preserved_count(w2) != mp_wwids_preserved_count(w))
		abort();
	if (mp_wwids_format(w2, &two) < 0)
		goto out;
	if (one.len != two.len || memcmp(one.buf, two.buf, one.len))
		abort();
	for (size_t i = 0; i < mp_wwids_count(w); i++)
		if (!mp_wwids_contains(w2, mp_wwids_get(w, i)))
			abort();
	if (mp_wwids_add(w2, "fuzz-new-wwid") < 0 || !mp_wwids_contains(w2, "fuzz-new-wwid") ||
	    mp_wwids_remove(w2, "fuzz-new-wwid") != 1 || mp_wwids_contains(w2, "fuzz-new-wwid"))
		abort();
out:
	mp_strbuf_release(&one);
	mp_strbuf_release(&two);
	mp_wwids_free(w);
	mp_wwids_free(w2);
	mp_naming_diags_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		check_wwids((const char *)data + 1, size - 1);
	else
		check_bindings((const char *)data + 1, size - 1);
	return 0;
}
