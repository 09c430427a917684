/* libFuzzer harness for the GPT parser. First byte: bit 0 picks the
 * logical block size (512 or 4096); bit 1 "seals" the image first —
 * recomputes each header's entry-array CRC (when the array it names lies
 * inside the image) and header CRC — so mutations reach the checks behind
 * the CRCs instead of dying at them. The rest is the disk image. Checks:
 * no read outside the image, no output on failure, returned tables pass
 * the invariants of fuzz-ptable-common.h. */
#include "ptable-parse.h"
#include "../fixtures/ptable/fuzz-ptable-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void seal(uint8_t *img, uint32_t ssz, uint64_t sectors, uint64_t lba)
{
	uint8_t *h = img + lba * ssz;
	uint32_t hsz = le32(h + 12);
	uint64_t elba = le64(h + 72);
	uint64_t bytes = (uint64_t)le32(h + 80) * le32(h + 84);

	if (elba < sectors && bytes <= (sectors - elba) * ssz)
		put32(h + 88, mp_ptable_crc32(img + elba * ssz, (size_t)bytes));
	if (hsz > ssz)
		hsz = ssz;
	put32(h + 16, 0);
	put32(h + 16, mp_ptable_crc32(h, hsz));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_img im;
	struct mp_ptable_disk disk;
	struct mp_ptable_diag diag;
	struct mp_ptable *t = NULL;
	uint8_t *copy = NULL;
	int r;

	if (size < 1)
		return 0;
	im.ssz = data[0] & 1 ? 4096 : 512;
	im.sectors = (size - 1) / im.ssz;
	if (im.sectors == 0)
		return 0;
	im.data = data + 1;
	if (data[0] & 2 && im.sectors >= 3) {
		copy = malloc(im.sectors * im.ssz);
		if (!copy)
			return 0;
		memcpy(copy, data + 1, im.sectors * im.ssz);
		seal(copy, im.ssz, im.sectors, 1);
		seal(copy, im.ssz, im.sectors, im.sectors - 1);
		im.data = copy;
	}
	disk = (struct mp_ptable_disk){ .sector_size = im.ssz, .sectors = im.sectors,
		.read = fuzz_read, .userdata = &im };
	r = mp_ptable_parse_gpt(&disk, &t, &diag);
	if (r == 0) {
		fuzz_check_table(t, im.sectors);
		mp_ptable_free(t);
	} else if (t) {
		abort();
	}
	free(copy);
	return 0;
}
