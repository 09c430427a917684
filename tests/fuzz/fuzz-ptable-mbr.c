/* libFuzzer harness for the MBR/EBR parser. The first byte picks the
 * logical block size (512 or 4096) and whether to go through the dispatch
 * (mp_ptable_parse) or straight to mp_ptable_parse_mbr; the rest is the
 * disk image. Beyond not crashing: no read outside the image, and any
 * table returned passes the invariants of fuzz-ptable-common.h. */
#include "ptable-parse.h"
#include "../fixtures/ptable/fuzz-ptable-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_img im;
	struct mp_ptable_disk disk;
	struct mp_ptable_diag diag;
	struct mp_ptable *t = NULL;
	int r;

	if (size < 1)
		return 0;
	im.ssz = data[0] & 1 ? 4096 : 512;
	im.data = data + 1;
	im.sectors = (size - 1) / im.ssz;
	if (im.sectors == 0)
		return 0;
	disk = (struct mp_ptable_disk){ .sector_size = im.ssz, .sectors = im.sectors,
		.read = fuzz_read, .userdata = &im };
	if (data[0] & 2)
		r = mp_ptable_parse(&disk, &t, &diag);
	else
		r = mp_ptable_parse_mbr(&disk, im.data, &t, &diag);
	if (r == 0) {
		fuzz_check_table(t, im.sectors);
		mp_ptable_free(t);
	} else if (t) {
		abort();	/* no output on failure */
	}
	return 0;
}
