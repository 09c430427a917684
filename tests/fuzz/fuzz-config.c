/* libFuzzer harness for the multipath.conf parser: any bytes must parse to
 * a snapshot or to diagnostics, never crash, leak or read out of bounds.
 * A successful parse is also resolved and dumped, and the dump must parse
 * back without error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mp/config.h"
#include "mp/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mp_config_source src = { "fuzz.conf", (const char *)data, size };
	struct mp_diags diags = MP_DIAGS_INIT;
	struct mp_config *cfg = NULL;
	char *dir = NULL;

	if (mp_config_find_config_dir((const char *)data, size, &dir) == 0)
		free(dir);
	if (mp_config_parse(&src, 1, &diags, &cfg) == 0) {
		struct mp_device_ident id = { "NETAPP", "LUN", "9", "36001", "scsi:fcp" };
		struct mp_strbuf sb = MP_STRBUF_INIT;
		struct mp_settings s;

		mp_config_resolve(cfg, &id, &s);
		if (mp_settings_dump(&s, true, &sb) == 0 && mp_config_dump(cfg, false, &sb) == 0) {
			struct mp_config_source back = { "dump", sb.buf ? sb.buf : "", sb.len };
			struct mp_config *again = NULL;
			struct mp_strbuf only = MP_STRBUF_INIT;

			mp_strbuf_truncate(&sb, 0);
			if (mp_config_dump(cfg, false, &only) == 0) {
				back.text = only.buf;
				back.len = only.len;
				if (mp_config_parse(&back, 1, NULL, &again) != 0)
					abort();	/* a dump must parse back */
				mp_config_free(again);
			}
			mp_strbuf_release(&only);
		}
		mp_strbuf_release(&sb);
		mp_config_free(cfg);
	}
	for (size_t i = 0; i < diags.n; i++)
		if (!diags.items[i].message || !diags.items[i].file)
			abort();
	mp_diags_release(&diags);
	return 0;
}
