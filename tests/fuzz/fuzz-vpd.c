/* libFuzzer harness for the SCSI identity decoders: the first byte picks
 * the decoder (INQUIRY, VPD 0x80, VPD 0x83, RTPG, sysfs wwid, weightedpath
 * args), the rest is the input. Successful decodes are exercised further
 * (identity applied to a path, RTPG groups looked up) so every pointer
 * they hand back is touched under ASan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mp/prio.h"
#include "mp/vpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128], serial[MP_SERIAL_SIZE], wwid[MP_WWID_SIZE];
	struct mp_inquiry inq;
	struct mp_vpd83 v;
	struct mp_rtpg *r = NULL;
	const struct mp_rtpg_group *g;
	struct mp_path p;
	const uint8_t *buf;
	size_t len;
	char *text;
	int prio;

	if (size < 1)
		return 0;
	buf = data + 1;
	len = size - 1;
	mp_path_init(&p);
	switch (data[0] % 6) {
	case 0:
		if (mp_inquiry_decode(buf, len, &inq, err, sizeof(err)) == 0)
			mp_path_apply_identity(&p, &inq, NULL, "S");
		break;
	case 1:
		if (mp_vpd80_decode(buf, len, serial, sizeof(serial), err, sizeof(err)) == 0)
			mp_path_apply_identity(&p, NULL, NULL, serial);
		break;
	case 2:
		if (mp_vpd83_decode(buf, len, &v, err, sizeof(err)) == 0)
			mp_path_apply_identity(&p, NULL, &v, NULL);
		break;
	case 3:
		if (mp_rtpg_decode(buf, len, &r, err, sizeof(err)) == 0) {
			for (size_t i = 0; i < r->n_groups; i++)
				for (size_t k = 0; k < r->groups[i].n_ports; k++)
					mp_rtpg_find(r, -1, r->groups[i].ports[k], &g);
			mp_rtpg_find(r, 1, -1, &g);
			mp_rtpg_free(r);
		}
		break;
	case 4:
	case 5:
		text = malloc(len + 1);
		if (!text)
			return 0;
		memcpy(text, buf, len);
		text[len] = '\0';
		if (data[0] % 6 == 4) {
			mp_wwid_from_sysfs(text, wwid, sizeof(wwid), NULL);
		} else {
			strcpy(p.kname, "sda");
			mp_prio_weightedpath(text, &p, "0x1:0x2", &prio, err, sizeof(err));
		}
		free(text);
		break;
	}
	return 0;
}
