/* Unit tests for mp/aio.h against regular files in a temporary folder
 * (O_DIRECT reads of a file go through the same io_submit/eventfd path as
 * a block device's): tags come back, results are bytes or -errno, the
 * slot set grows past one context, bad lengths and unknown tags are
 * refused. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "mp/aio.h"

const char unit_suite_name[] = "aio";

/* A file of size bytes opened O_DIRECT, or -1 when the filesystem refuses
 * O_DIRECT (tmpfs on old kernels): then the test has nothing to say. */
static int direct_file(size_t size)
{
	char path[] = "/tmp/mp-aio-XXXXXX";
	char *buf = calloc(1, size ? size : 1);
	int fd, dfd = -1;

	fd = mkstemp(path);
	if (fd < 0 || !buf)
		goto out;
	memset(buf, 0x5a, size);
	if (write(fd, buf, size) != (ssize_t)size)
		goto out;
	dfd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
out:
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	free(buf);
	return dfd;
}

/* Reaps until want results arrived (or 5 s passed); returns how many. */
static unsigned int reap_all(struct mp_aio *a, struct mp_aio_result *res, unsigned int want)
{
	unsigned int got = 0;

	for (int rounds = 0; got < want && rounds < 50; rounds++) {
		struct pollfd pfd = { .fd = mp_aio_fd(a), .events = POLLIN };
		int n;

		if (poll(&pfd, 1, 100) < 0)
			break;
		n = mp_aio_reap(a, res + got, want - got);
		if (n < 0)
			break;
		got += (unsigned int)n;
	}
	return got;
}

static void test_read_one(void)
{
	struct mp_aio *a = NULL;
	struct mp_aio_result res[2];
	int fd = direct_file(8192);

	if (fd < 0)
		return;
	CU_ASSERT_EQUAL_FATAL(mp_aio_new(&a), 0);
	CU_ASSERT_EQUAL(mp_aio_inflight(a), 0);
	CU_ASSERT_EQUAL(mp_aio_read(a, fd, 4096, 0x1234567800000042ull), 0);
	CU_ASSERT_EQUAL(mp_aio_inflight(a), 1);
	CU_ASSERT_EQUAL_FATAL(reap_all(a, res, 1), 1);
	CU_ASSERT_EQUAL(res[0].tag, 0x1234567800000042ull);
	CU_ASSERT_EQUAL(res[0].res, 4096);
	CU_ASSERT_EQUAL(res[0].len, 4096);
	CU_ASSERT_EQUAL(mp_aio_inflight(a), 0);
	/* nothing more waiting */
	CU_ASSERT_EQUAL(mp_aio_reap(a, res, 2), 0);
	close(fd);
	mp_aio_free(a);
}

static void test_short_and_errors(void)
{
	struct mp_aio *a = NULL;
	struct mp_aio_result res[1];
	int fd = direct_file(0);

	if (fd < 0)
		return;
	CU_ASSERT_EQUAL_FATAL(mp_aio_new(&a), 0);
	/* an empty file: the read ends at once with 0 bytes */
	CU_ASSERT_EQUAL(mp_aio_read(a, fd, 512, 7), 0);
	CU_ASSERT_EQUAL_FATAL(reap_all(a, res, 1), 1);
	CU_ASSERT_EQUAL(res[0].tag, 7);
	CU_ASSERT_EQUAL(res[0].res, 0);
	/* lengths the adapter refuses before the kernel sees them */
	CU_ASSERT_EQUAL(mp_aio_read(a, fd, 0, 1), -EINVAL);
	CU_ASSERT_EQUAL(mp_aio_read(a, fd, 100, 1), -EINVAL);
	CU_ASSERT_EQUAL(mp_aio_read(a, fd, MP_AIO_MAX_LEN + 512, 1), -EINVAL);
	CU_ASSERT_EQUAL(mp_aio_inflight(a), 0);
	/* a closed fd: io_submit says EBADF and the slot stays free */
	close(fd);
	CU_ASSERT_EQUAL(mp_aio_read(a, fd, 512, 1), -EBADF);
	CU_ASSERT_EQUAL(mp_aio_inflight(a), 0);
	CU_ASSERT_EQUAL(mp_aio_cancel(a, 99), -ENOENT);
	mp_aio_free(a);
}

/* More reads than one context holds: a second context is added and every
 * completion still comes back once, through the one eventfd. */
static void test_many(void)
{
	enum { N = 300 };
	struct mp_aio *a = NULL;
	struct mp_aio_result *res = calloc(N, sizeof(*res));
	bool seen[N] = { false };
	int fd = direct_file(4096);
	unsigned int got;

	if (fd < 0 || !res) {
		free(res);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(mp_aio_new(&a), 0);
	for (unsigned int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(mp_aio_read(a, fd, 512, 1000 + i), 0);
	got = reap_all(a, res, N);
	CU_ASSERT_EQUAL(got, N);
	for (unsigned int i = 0; i < got; i++) {
		CU_ASSERT_EQUAL(res[i].res, 512);
		if (res[i].tag >= 1000 && res[i].tag < 1000 + N) {
			CU_ASSERT_FALSE(seen[res[i].tag - 1000]);
			seen[res[i].tag - 1000] = true;
		}
	}
	CU_ASSERT_EQUAL(mp_aio_inflight(a), 0);
	close(fd);
	mp_aio_free(a);
	free(res);
}

static void test_open(void)
{
	int fd = -1;
	uint32_t bs = 0;

	CU_ASSERT_EQUAL(mp_aio_open("/nonexistent/sdx", &fd, &bs), -ENOENT);
	/* not a block device: no logical block size to ask for */
	CU_ASSERT_EQUAL(mp_aio_open("/tmp", &fd, &bs) < 0, true);
	mp_aio_free(NULL);
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_read_one),
	UNIT_TEST(test_short_and_errors),
	UNIT_TEST(test_many),
	UNIT_TEST(test_open),
	UNIT_END,
};
