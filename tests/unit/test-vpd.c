/* Unit tests for SCSI identity decoding: INQUIRY, VPD 0x80 and 0x83 from
 * the layouts of scsi_debug, QEMU scsi-hd and an LIO-ORG iSCSI LUN (same
 * bytes as tests/fixtures/vpd/), truncated and lying pages, the sysfs wwid
 * attribute and filling a path's identity. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "mp/vpd.h"

const char unit_suite_name[] = "vpd";

static const uint8_t scsi_debug_83[] = {
	0x00, 0x83, 0x00, 0x70, 0x02, 0x01, 0x00, 0x1c, 0x4c, 0x69, 0x6e, 0x75,
	0x78, 0x20, 0x20, 0x20, 0x73, 0x63, 0x73, 0x69, 0x5f, 0x64, 0x65, 0x62,
	0x75, 0x67, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x32, 0x30, 0x30, 0x30,
	0x01, 0x03, 0x00, 0x08, 0x33, 0x33, 0x33, 0x30, 0x00, 0x00, 0x07, 0xd0,
	0x61, 0x93, 0x00, 0x08, 0x52, 0x22, 0x22, 0x20, 0x00, 0x00, 0x00, 0x01,
	0x61, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x61, 0x95, 0x00, 0x04,
	0x00, 0x00, 0x01, 0x00, 0x61, 0xa3, 0x00, 0x08, 0x32, 0x22, 0x22, 0x20,
	0x00, 0x00, 0x00, 0x00, 0x63, 0xa8, 0x00, 0x18, 0x6e, 0x61, 0x61, 0x2e,
	0x33, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x30, 0x30, 0x30, 0x30, 0x30,
	0x30, 0x30, 0x30, 0x30, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t qemu_hd_83[] = {
	0x00, 0x83, 0x00, 0x23, 0x02, 0x00, 0x00, 0x0b, 0x51, 0x4d, 0x2d, 0x53,
	0x45, 0x52, 0x2d, 0x30, 0x30, 0x30, 0x31, 0x01, 0x03, 0x00, 0x08, 0x50,
	0x00, 0xc5, 0x00, 0x15, 0xea, 0x71, 0xac, 0x61, 0x94, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x02,
};
static const uint8_t qemu_hd_80[] = {
	0x00, 0x80, 0x00, 0x0b, 0x51, 0x4d, 0x2d, 0x53, 0x45, 0x52, 0x2d, 0x30,
	0x30, 0x30, 0x31,
};
static const uint8_t lio_iscsi_83[] = {
	0x00, 0x83, 0x00, 0xdc, 0x01, 0x03, 0x00, 0x10, 0x60, 0x01, 0x40, 0x53,
	0x1e, 0x5d, 0x2c, 0x7a, 0x3b, 0x1f, 0x4f, 0x7e, 0x9c, 0x2d, 0x6a, 0x0b,
	0x02, 0x01, 0x00, 0x2c, 0x4c, 0x49, 0x4f, 0x2d, 0x4f, 0x52, 0x47, 0x20,
	0x31, 0x65, 0x35, 0x64, 0x32, 0x63, 0x37, 0x61, 0x2d, 0x33, 0x62, 0x31,
	0x66, 0x2d, 0x34, 0x66, 0x37, 0x65, 0x2d, 0x39, 0x63, 0x32, 0x64, 0x2d,
	0x36, 0x61, 0x30, 0x62, 0x38, 0x65, 0x34, 0x66, 0x31, 0x64, 0x32, 0x32,
	0x51, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x51, 0x95, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x53, 0x98, 0x00, 0x40, 0x69, 0x71, 0x6e, 0x2e, 0x32, 0x30, 0x30, 0x33,
	0x2d, 0x30, 0x31, 0x2e, 0x6f, 0x72, 0x67, 0x2e, 0x6c, 0x69, 0x6e, 0x75,
	0x78, 0x2d, 0x69, 0x73, 0x63, 0x73, 0x69, 0x2e, 0x73, 0x61, 0x6e, 0x31,
	0x2e, 0x78, 0x38, 0x36, 0x36, 0x34, 0x3a, 0x73, 0x6e, 0x2e, 0x34, 0x66,
	0x32, 0x61, 0x39, 0x63, 0x31, 0x62, 0x30, 0x65, 0x37, 0x37, 0x2c, 0x74,
	0x2c, 0x30, 0x78, 0x30, 0x30, 0x30, 0x31, 0x00, 0x53, 0xa8, 0x00, 0x38,
	0x69, 0x71, 0x6e, 0x2e, 0x32, 0x30, 0x30, 0x33, 0x2d, 0x30, 0x31, 0x2e,
	0x6f, 0x72, 0x67, 0x2e, 0x6c, 0x69, 0x6e, 0x75, 0x78, 0x2d, 0x69, 0x73,
	0x63, 0x73, 0x69, 0x2e, 0x73, 0x61, 0x6e, 0x31, 0x2e, 0x78, 0x38, 0x36,
	0x36, 0x34, 0x3a, 0x73, 0x6e, 0x2e, 0x34, 0x66, 0x32, 0x61, 0x39, 0x63,
	0x31, 0x62, 0x30, 0x65, 0x37, 0x37, 0x00, 0x00,
};
static const uint8_t lio_iscsi_80[] = {
	0x00, 0x80, 0x00, 0x24, 0x31, 0x65, 0x35, 0x64, 0x32, 0x63, 0x37, 0x61,
	0x2d, 0x33, 0x62, 0x31, 0x66, 0x2d, 0x34, 0x66, 0x37, 0x65, 0x2d, 0x39,
	0x63, 0x32, 0x64, 0x2d, 0x36, 0x61, 0x30, 0x62, 0x38, 0x65, 0x34, 0x66,
	0x31, 0x64, 0x32, 0x32,
};
static const uint8_t lio_inquiry[] = {
	0x00, 0x00, 0x06, 0x02, 0x5b, 0x30, 0x00, 0x02, 0x4c, 0x49, 0x4f, 0x2d,
	0x4f, 0x52, 0x47, 0x20, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x2d, 0x6c, 0x75,
	0x6e, 0x30, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x34, 0x2e, 0x30, 0x20,
};
static const uint8_t qemu_inquiry[] = {
	0x00, 0x00, 0x06, 0x02, 0x5b, 0x00, 0x00, 0x02, 0x51, 0x45, 0x4d, 0x55,
	0x20, 0x20, 0x20, 0x20, 0x51, 0x45, 0x4d, 0x55, 0x20, 0x48, 0x41, 0x52,
	0x44, 0x44, 0x49, 0x53, 0x4b, 0x20, 0x20, 0x20, 0x32, 0x2e, 0x35, 0x2b,
};

static void test_vpd83_real_devices(void)
{
	static const struct {
		const char *name;
		const uint8_t *buf;
		size_t len;
		const char *wwid;
		enum mp_wwid_source src;
		int tpg, relport, proto;
		const char *tgt;
		unsigned int n_desig;
	} cases[] = {
		{ "scsi_debug", scsi_debug_83, sizeof(scsi_debug_83), "333333330000007d0",
		  MP_WWID_SRC_NAA, 0x100, 1, MP_PROTO_SCSI_SAS, "naa.3222222000000000", 7 },
		{ "qemu", qemu_hd_83, sizeof(qemu_hd_83), "35000c50015ea71ac",
		  MP_WWID_SRC_NAA, -1, 2, MP_PROTO_SCSI_SAS, "", 3 },
		{ "lio", lio_iscsi_83, sizeof(lio_iscsi_83), "3600140531e5d2c7a3b1f4f7e9c2d6a0b",
		  MP_WWID_SRC_NAA, 0, 1, MP_PROTO_SCSI_ISCSI,
		  "iqn.2003-01.org.linux-iscsi.san1.x8664:sn.4f2a9c1b0e77", 7 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_vpd83 v;
		char err[128] = "";

		CU_ASSERT_EQUAL_FATAL(mp_vpd83_decode(cases[i].buf, cases[i].len, &v,
						      err, sizeof(err)), 0);
		CU_ASSERT_STRING_EQUAL(v.wwid, cases[i].wwid);
		CU_ASSERT_EQUAL(v.wwid_src, cases[i].src);
		CU_ASSERT_EQUAL(v.tpg_id, cases[i].tpg);
		CU_ASSERT_EQUAL(v.rel_port_id, cases[i].relport);
		CU_ASSERT_EQUAL(v.protocol, cases[i].proto);
		CU_ASSERT_STRING_EQUAL(v.tgt_node_name, cases[i].tgt);
		CU_ASSERT_EQUAL(v.n_designators, cases[i].n_desig);
		CU_ASSERT_EQUAL(v.n_ignored, 0);
	}
}

/* One logical-unit designator per page, to check the preference order and
 * each WWID format in isolation. */
static void test_vpd83_designator_forms(void)
{
	static const struct {
		uint8_t page[48];
		size_t len;
		const char *wwid;
		enum mp_wwid_source src;
	} cases[] = {
		/* T10: whitespace runs squeezed to '_' as in by-id names */
		{ { 0, 0x83, 0, 20, 0x02, 0x01, 0, 16, 'A', 'C', 'M', 'E', ' ', ' ', ' ', ' ',
		    'd', 'i', 's', 'k', ' ', ' ', '4', '2' }, 24, "1ACME_disk_42", MP_WWID_SRC_T10 },
		/* EUI-64 beats T10 wherever it sits */
		{ { 0, 0x83, 0, 28, 0x02, 0x01, 0, 4, 'A', 'B', 'C', 'D',
		    0x01, 0x02, 0, 8, 0x00, 0x25, 0x38, 0xb1, 0x71, 0x00, 0x12, 0x34,
		    0x02, 0x01, 0, 4, 'W', 'X', 'Y', 'Z' }, 32, "2002538b171001234",
		  MP_WWID_SRC_EUI64 },
		/* SCSI name string: up to its NUL */
		{ { 0, 0x83, 0, 16, 0x03, 0x08, 0, 12, 'e', 'u', 'i', '.', '0', '0', '1', '1',
		    0, 0, 0, 0 }, 20, "8eui.0011", MP_WWID_SRC_NAME },
		/* NAA 6 beats NAA 3 even when listed second */
		{ { 0, 0x83, 0, 32, 0x01, 0x03, 0, 8, 0x31, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		    0x01, 0x03, 0, 16, 0x60, 0x0a, 0x09, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
		  36, "3600a0980000000000000000000000001", MP_WWID_SRC_NAA },
		/* vendor-specific only: no WWID, still a success */
		{ { 0, 0x83, 0, 8, 0x02, 0x00, 0, 4, 'A', 'B', 'C', 'D' }, 12, "", MP_WWID_SRC_NONE },
		/* empty page */
		{ { 0, 0x83, 0, 0 }, 4, "", MP_WWID_SRC_NONE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_vpd83 v;

		CU_ASSERT_EQUAL_FATAL(mp_vpd83_decode(cases[i].page, cases[i].len, &v, NULL, 0), 0);
		CU_ASSERT_STRING_EQUAL(v.wwid, cases[i].wwid);
		CU_ASSERT_EQUAL(v.wwid_src, cases[i].src);
	}
}

static void test_vpd83_lying_pages(void)
{
	static const struct {
		const char *what;
		uint8_t page[24];
		size_t len;
		int rc;
		const char *reason;	/* substring of err */
	} cases[] = {
		{ "page length beyond buffer", { 0, 0x83, 0, 40, 0x01, 0x03, 0, 8 }, 12,
		  -EBADMSG, "re-read with 44" },
		{ "designator beyond page", { 0, 0x83, 0, 8, 0x01, 0x03, 0, 16, 1, 2, 3, 4 }, 12,
		  -EBADMSG, "runs past page end" },
		{ "designator header cut", { 0, 0x83, 0, 6, 0x01, 0x03, 0, 0, 0x01, 0x03 }, 10,
		  -EBADMSG, "cut by page end" },
		{ "wrong page code", { 0, 0x80, 0, 4, 'A', 'B', 'C', 'D' }, 8, -EINVAL,
		  "expected 0x83" },
		{ "header truncated", { 0, 0x83 }, 2, -EBADMSG, "need 4" },
		{ "nothing", { 0 }, 0, -EBADMSG, "need 4" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_vpd83 v = { .tpg_id = 77 };
		char err[128] = "";

		CU_ASSERT_EQUAL(mp_vpd83_decode(cases[i].page, cases[i].len, &v, err, sizeof(err)),
				cases[i].rc);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].reason));
		CU_ASSERT_EQUAL(v.tpg_id, 77);	/* untouched on failure */
	}
	CU_ASSERT_EQUAL(mp_vpd83_decode(NULL, 4, NULL, NULL, 0), -EINVAL);
}

static void test_vpd83_bad_designators_are_skipped(void)
{
	static const struct {
		uint8_t page[40];
		size_t len;
		const char *wwid;
		const char *reason;
	} cases[] = {
		/* zero-length NAA, then a good NAA 5 */
		{ { 0, 0x83, 0, 16, 0x01, 0x03, 0, 0, 0x01, 0x03, 0, 8,
		    0x50, 1, 2, 3, 4, 5, 6, 7 }, 20, "35001020304050607", "zero length" },
		/* NAA 6 claiming 8 bytes, T10 fallback */
		{ { 0, 0x83, 0, 20, 0x01, 0x03, 0, 8, 0x60, 1, 2, 3, 4, 5, 6, 7,
		    0x02, 0x01, 0, 4, 'A', 'B', 'C', 'D' }, 24, "1ABCD", "NAA type" },
		/* non-ASCII in a T10 designator */
		{ { 0, 0x83, 0, 8, 0x02, 0x01, 0, 4, 'A', 0x07, 0xff, 'D' }, 12, "",
		  "not printable" },
		/* non-ASCII SCSI name, bad EUI length */
		{ { 0, 0x83, 0, 16, 0x03, 0x08, 0, 4, 'i', 'q', 0x80, 0,
		    0x01, 0x02, 0, 4, 1, 2, 3, 4 }, 20, "", "not printable" },
		/* relative port designator of the wrong size */
		{ { 0, 0x83, 0, 6, 0x61, 0x94, 0, 2, 0, 1 }, 10, "", "length not 4" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_vpd83 v;

		CU_ASSERT_EQUAL_FATAL(mp_vpd83_decode(cases[i].page, cases[i].len, &v, NULL, 0), 0);
		CU_ASSERT_STRING_EQUAL(v.wwid, cases[i].wwid);
		CU_ASSERT(v.n_ignored >= 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(v.ignored_reason, cases[i].reason));
		CU_ASSERT_EQUAL(v.rel_port_id, -1);
	}
}

static void test_inquiry(void)
{
	struct mp_inquiry inq;
	uint8_t odd[36];
	char err[128];

	CU_ASSERT_EQUAL_FATAL(mp_inquiry_decode(lio_inquiry, sizeof(lio_inquiry), &inq,
						err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(inq.vendor, "LIO-ORG");
	CU_ASSERT_STRING_EQUAL(inq.product, "block-lun0");
	CU_ASSERT_STRING_EQUAL(inq.revision, "4.0");
	CU_ASSERT_EQUAL(inq.tpgs, 3);
	CU_ASSERT_EQUAL(inq.device_type, 0);
	CU_ASSERT_EQUAL_FATAL(mp_inquiry_decode(qemu_inquiry, sizeof(qemu_inquiry), &inq,
						NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(inq.product, "QEMU HARDDISK");
	CU_ASSERT_EQUAL(inq.tpgs, 0);

	/* control bytes become '_', a NUL ends the field */
	memcpy(odd, qemu_inquiry, sizeof(odd));
	odd[9] = 0x01;
	odd[20] = 0;
	CU_ASSERT_EQUAL_FATAL(mp_inquiry_decode(odd, sizeof(odd), &inq, NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(inq.vendor, "Q_MU");
	CU_ASSERT_STRING_EQUAL(inq.product, "QEMU");

	CU_ASSERT_EQUAL(mp_inquiry_decode(lio_inquiry, 35, &inq, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	odd[4] = 20;	/* claims 25 bytes */
	CU_ASSERT_EQUAL(mp_inquiry_decode(odd, sizeof(odd), &inq, err, sizeof(err)), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "claims only 25"));
	CU_ASSERT_EQUAL(mp_inquiry_decode(NULL, 36, &inq, NULL, 0), -EINVAL);
}

static void test_vpd80(void)
{
	static const struct {
		uint8_t page[24];
		size_t len;
		int rc;
		const char *serial;
	} cases[] = {
		{ { 0, 0x80, 0, 8, ' ', ' ', 'S', 'N', '4', '2', 0, 0 }, 12, 0, "SN42" },
		{ { 0, 0x80, 0, 4, ' ', ' ', ' ', ' ' }, 8, -ENODATA, NULL },
		{ { 0, 0x80, 0, 4, 'A', 0x1b, 'B', 'C' }, 8, -EBADMSG, NULL },
		{ { 0, 0x80, 0, 20, 'A', 'B' }, 6, -EBADMSG, NULL },
		{ { 0, 0x83, 0, 2, 'A', 'B' }, 6, -EINVAL, NULL },
		{ { 0, 0x80, 0, 0 }, 4, -ENODATA, NULL },
	};
	char serial[MP_SERIAL_SIZE], tiny[4];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(serial, "old");
		CU_ASSERT_EQUAL(mp_vpd80_decode(cases[i].page, cases[i].len, serial,
						sizeof(serial), NULL, 0), cases[i].rc);
		CU_ASSERT_STRING_EQUAL(serial, cases[i].serial ? cases[i].serial : "old");
	}
	CU_ASSERT_EQUAL(mp_vpd80_decode(qemu_hd_80, sizeof(qemu_hd_80), serial, sizeof(serial),
					NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(serial, "QM-SER-0001");
	/* oversized for the caller's buffer */
	CU_ASSERT_EQUAL(mp_vpd80_decode(qemu_hd_80, sizeof(qemu_hd_80), tiny, sizeof(tiny),
					NULL, 0), -EBADMSG);
}

static void test_page_size(void)
{
	size_t size = 0;

	CU_ASSERT_EQUAL(mp_vpd_page_size(lio_iscsi_83, 4, 0x83, &size), 0);
	CU_ASSERT_EQUAL(size, sizeof(lio_iscsi_83));
	CU_ASSERT_EQUAL(mp_vpd_page_size(lio_iscsi_83, 3, 0x83, &size), -EBADMSG);
	CU_ASSERT_EQUAL(mp_vpd_page_size(lio_iscsi_83, 4, 0x80, &size), -EINVAL);
}

static void test_wwid_from_sysfs(void)
{
	static const struct {
		const char *attr;
		int rc;
		const char *wwid;
		enum mp_wwid_source src;
	} cases[] = {
		{ "naa.33333330000007d0\n", 0, "333333330000007d0", MP_WWID_SRC_NAA },
		{ "naa.600140531E5D2C7A3B1F4F7E9C2D6A0B", 0, "3600140531e5d2c7a3b1f4f7e9c2d6a0b",
		  MP_WWID_SRC_NAA },
		{ "eui.002538b171001234", 0, "2002538b171001234", MP_WWID_SRC_EUI64 },
		{ "t10.ATA     QEMU HARDDISK                           QM00001\n", 0,
		  "1ATA_QEMU_HARDDISK_QM00001", MP_WWID_SRC_T10 },
		{ "iqn.2003-01.org.linux-iscsi.x:sn.1", 0, "8iqn.2003-01.org.linux-iscsi.x:sn.1",
		  MP_WWID_SRC_NAME },
		{ "naa.12zz", -EBADMSG, NULL, 0 },
		{ "naa.", -EBADMSG, NULL, 0 },
		{ "t10.    ", -EBADMSG, NULL, 0 },
		{ "\n", -ENODATA, NULL, 0 },
		{ "bad\x01name", -EBADMSG, NULL, 0 },
	};
	char wwid[MP_WWID_SIZE], small[8];
	enum mp_wwid_source src;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(wwid, "old");
		CU_ASSERT_EQUAL(mp_wwid_from_sysfs(cases[i].attr, wwid, sizeof(wwid), &src),
				cases[i].rc);
		if (cases[i].rc == 0) {
			CU_ASSERT_STRING_EQUAL(wwid, cases[i].wwid);
			CU_ASSERT_EQUAL(src, cases[i].src);
		} else {
			CU_ASSERT_STRING_EQUAL(wwid, "old");
		}
	}
	CU_ASSERT_EQUAL(mp_wwid_from_sysfs("naa.33333330000007d0", small, sizeof(small), NULL),
			-ENAMETOOLONG);
	CU_ASSERT_EQUAL(mp_wwid_from_sysfs(NULL, wwid, sizeof(wwid), NULL), -EINVAL);
}

/* What `mpctl add map` and `multipath -a` accept: each spelling of one
 * LUN's WWID gives the daemon's form. */
static void test_wwid_from_user(void)
{
	static const struct {
		const char *arg;
		int rc;
		const char *wwid;
	} cases[] = {
		{ "36001405abcdef0123456789abcdef01", 0, "36001405abcdef0123456789abcdef01" },
		{ "naa.6001405abcdef0123456789abcdef01", 0, "36001405abcdef0123456789abcdef01" },
		{ "naa.6001405ABCDEF0123456789ABCDEF01\n", 0, "36001405abcdef0123456789abcdef01" },
		{ "NAA.6001405abcdef0123456789abcdef01", 0, "36001405abcdef0123456789abcdef01" },
		{ "36001405ABCDEF0123456789ABCDEF01", 0, "36001405abcdef0123456789abcdef01" },
		{ "mpath-36001405abcdef0123456789abcdef01", 0, "36001405abcdef0123456789abcdef01" },
		{ "  333333330000007d0 ", 0, "333333330000007d0" },
		{ "eui.002538B171001234", 0, "2002538b171001234" },
		{ "t10.ATA     QEMU HARDDISK   QM00001", 0, "1ATA_QEMU_HARDDISK_QM00001" },
		/* text WWIDs keep their case */
		{ "SATA_QEMU_HARDDISK_QM00001", 0, "SATA_QEMU_HARDDISK_QM00001" },
		{ "1ATA_QEMU_HARDDISK_QM00001", 0, "1ATA_QEMU_HARDDISK_QM00001" },
		{ "3600nosuchwwid", 0, "3600nosuchwwid" },
		{ "naa.12zz", -EINVAL, NULL },
		{ "naa.", -EINVAL, NULL },
		{ "", -EINVAL, NULL },
		{ "   ", -EINVAL, NULL },
		{ "mpath-", -EINVAL, NULL },
		{ "bad wwid", -EINVAL, NULL },
		{ "../../etc", -EINVAL, NULL },
		{ "a#b", -EINVAL, NULL },
	};
	char wwid[MP_WWID_SIZE], small[8], big[MP_WWID_SIZE + 8];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(wwid, "old");
		CU_ASSERT_EQUAL(mp_wwid_from_user(cases[i].arg, wwid, sizeof(wwid)), cases[i].rc);
		if (cases[i].rc == 0) {
			CU_ASSERT_STRING_EQUAL(wwid, cases[i].wwid);
		} else {
			CU_ASSERT_STRING_EQUAL(wwid, "old");
		}
	}
	CU_ASSERT_EQUAL(mp_wwid_from_user("naa.33333330000007d0", small, sizeof(small)), -ENAMETOOLONG);
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '3';
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(mp_wwid_from_user(big, wwid, sizeof(wwid)), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(mp_wwid_from_user(NULL, wwid, sizeof(wwid)), -EINVAL);
}

static void test_wwid_from_serial(void)
{
	char wwid[MP_WWID_SIZE];

	CU_ASSERT_EQUAL(mp_wwid_from_serial("QEMU", "QEMU HARDDISK", "QM00001", wwid,
					    sizeof(wwid)), 0);
	CU_ASSERT_STRING_EQUAL(wwid, "SQEMU_QEMU_HARDDISK_QM00001");
	CU_ASSERT_EQUAL(mp_wwid_from_serial("QEMU", "X", "", wwid, sizeof(wwid)), -EINVAL);
	CU_ASSERT_EQUAL(mp_wwid_from_serial("QEMU", "X", "1", wwid, 4), -ENAMETOOLONG);
}

static void test_apply_identity(void)
{
	struct mp_path p;
	struct mp_inquiry inq;
	struct mp_vpd83 v;
	char serial[MP_SERIAL_SIZE];

	mp_path_init(&p);
	CU_ASSERT_EQUAL_FATAL(mp_inquiry_decode(lio_inquiry, sizeof(lio_inquiry), &inq,
						NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(mp_vpd83_decode(lio_iscsi_83, sizeof(lio_iscsi_83), &v,
					      NULL, 0), 0);
	CU_ASSERT_EQUAL_FATAL(mp_vpd80_decode(lio_iscsi_80, sizeof(lio_iscsi_80), serial,
					      sizeof(serial), NULL, 0), 0);
	CU_ASSERT_EQUAL(mp_path_apply_identity(&p, &inq, &v, serial), 0);
	CU_ASSERT_STRING_EQUAL(p.wwid, "3600140531e5d2c7a3b1f4f7e9c2d6a0b");
	CU_ASSERT_EQUAL(p.wwid_src, MP_WWID_SRC_NAA);
	CU_ASSERT_STRING_EQUAL(p.vendor, "LIO-ORG");
	CU_ASSERT_STRING_EQUAL(p.serial, "1e5d2c7a-3b1f-4f7e-9c2d-6a0b8e4f1d22");
	CU_ASSERT_EQUAL(p.protocol, MP_PROTO_SCSI_ISCSI);
	CU_ASSERT_EQUAL(p.tpg_id, 0);
	CU_ASSERT_EQUAL(p.rel_port_id, 1);
	CU_ASSERT_EQUAL(p.tpgs, 3);
	CU_ASSERT_STRING_EQUAL(p.tgt_node_name,
			       "iqn.2003-01.org.linux-iscsi.san1.x8664:sn.4f2a9c1b0e77");

	/* no usable 0x83: falls back to the serial */
	mp_path_init(&p);
	CU_ASSERT_EQUAL_FATAL(mp_inquiry_decode(qemu_inquiry, sizeof(qemu_inquiry), &inq,
						NULL, 0), 0);
	CU_ASSERT_EQUAL(mp_path_apply_identity(&p, &inq, NULL, "QM00001"), 0);
	CU_ASSERT_STRING_EQUAL(p.wwid, "SQEMU_QEMU_HARDDISK_QM00001");
	CU_ASSERT_EQUAL(p.wwid_src, MP_WWID_SRC_SERIAL);

	/* nothing at all: WWID left alone */
	mp_path_init(&p);
	strcpy(p.wwid, "3fromsysfs");
	CU_ASSERT_EQUAL(mp_path_apply_identity(&p, &inq, NULL, NULL), -ENODATA);
	CU_ASSERT_STRING_EQUAL(p.wwid, "3fromsysfs");
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_vpd83_real_devices),
	UNIT_TEST(test_vpd83_designator_forms),
	UNIT_TEST(test_vpd83_lying_pages),
	UNIT_TEST(test_vpd83_bad_designators_are_skipped),
	UNIT_TEST(test_inquiry),
	UNIT_TEST(test_vpd80),
	UNIT_TEST(test_page_size),
	UNIT_TEST(test_wwid_from_sysfs),
	UNIT_TEST(test_wwid_from_user),
	UNIT_TEST(test_wwid_from_serial),
	UNIT_TEST(test_apply_identity),
	UNIT_END,
};
