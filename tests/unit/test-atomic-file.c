/* Unit tests for the file edge: capped reads, atomic replacement, failures
 * that must leave the old file intact (a real write fault injected with
 * RLIMIT_FSIZE, which works even as root), locked read-modify-write, and two
 * processes adding bindings and wwids concurrently without losing any.
 * Everything happens in a fresh mkdtemp directory under /tmp. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "mp/atomic-file.h"
#include "mp/naming.h"
#include "mp/strbuf.h"

const char unit_suite_name[] = "atomic-file";

static char tmpdir[64];
static char path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mp-atomic-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/bindings", tmpdir);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void teardown(void)
{
	nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* Entries in tmpdir other than "." and ".."; temp files would show up here. */
static int count_entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void put(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_write_then_read(void)
{
	static const char text[] = "mpatha 36001\nmpathb 36002\n";
	char *buf = NULL;
	size_t len = 0;
	struct stat st;

	setup();
	CU_ASSERT_EQUAL(mp_atomic_file_write(path, text, strlen(text), 0600), 0);
	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, 4096, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, strlen(text));
	CU_ASSERT_STRING_EQUAL(buf, text);
	free(buf);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(count_entries(), 1);
	/* Replacing keeps one file, with the new contents only. */
	CU_ASSERT_EQUAL(mp_atomic_file_write(path, "x\n", 2, 0600), 0);
	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, 4096, &buf, &len), 0);
	CU_ASSERT_STRING_EQUAL(buf, "x\n");
	free(buf);
	CU_ASSERT_EQUAL(count_entries(), 1);
	/* Empty file. */
	CU_ASSERT_EQUAL(mp_atomic_file_write(path, "", 0, 0600), 0);
	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, 4096, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	free(buf);
	teardown();
}

static void test_read_errors(void)
{
	char big[5000];
	char *buf = (char *)"untouched";
	size_t len = 7;

	setup();
	CU_ASSERT_EQUAL(mp_atomic_file_read(path, 4096, &buf, &len), -ENOENT);
	CU_ASSERT_EQUAL(mp_atomic_file_read(tmpdir, 4096, &buf, &len), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(path, big);
	CU_ASSERT_EQUAL(mp_atomic_file_read(path, sizeof(big) - 2, &buf, &len), -EFBIG);
	CU_ASSERT_EQUAL(mp_atomic_file_read("/dev/null", 4096, &buf, &len), -EINVAL);
	CU_ASSERT_STRING_EQUAL(buf, "untouched");
	CU_ASSERT_EQUAL(len, 7);
	/* Exactly at the cap is fine. */
	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, sizeof(big) - 1, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(big) - 1);
	free(buf);
	teardown();
}

static void test_write_errors(void)
{
	char missing[192];

	setup();
	snprintf(missing, sizeof(missing), "%s/nodir/bindings", tmpdir);
	CU_ASSERT_EQUAL(mp_atomic_file_write(missing, "a", 1, 0600), -ENOENT);
	CU_ASSERT_EQUAL(mp_atomic_file_write("", "a", 1, 0600), -EINVAL);
	CU_ASSERT_EQUAL(mp_atomic_file_write("/tmp/", "a", 1, 0600), -EINVAL);
	CU_ASSERT_EQUAL(mp_atomic_file_write(NULL, "a", 1, 0600), -EINVAL);
	CU_ASSERT_EQUAL(count_entries(), 0);
	teardown();
}

/* A write that fails half way (file size limit hit after the temp file is
 * partly written, before the rename) must leave the old file as it was and
 * no temp file behind. Runs in a child because rlimits are per process. */
static void test_fault_between_write_and_rename(void)
{
	static const char old[] = "mpatha 36001\n";
	char new_text[8192], *buf = NULL;
	size_t len = 0;
	pid_t pid;
	int status;

	setup();
	put(path, old);
	memset(new_text, 'b', sizeof(new_text));
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 1024, 1024 };
		int r;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(100);
		r = mp_atomic_file_write(path, new_text, sizeof(new_text), 0600);
		_exit(r == -EFBIG ? 0 : 101);
	}
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, 65536, &buf, &len), 0);
	CU_ASSERT_STRING_EQUAL(buf, old);
	free(buf);
	CU_ASSERT_EQUAL(count_entries(), 1);
	teardown();
}

static int edit_append(const char *old, size_t len, struct mp_strbuf *out, void *userdata)
{
	const char *add = userdata;
	int r = mp_strbuf_append(out, old, len);

	if (r < 0)
		return r;
	if (!add)
		return 0;
	if (!strcmp(add, "fail"))
		return -EIO;
	r = mp_strbuf_puts(out, add);
	return r < 0 ? r : 1;
}

static void test_update(void)
{
	char *buf = NULL;
	size_t len = 0;
	char lockpath[160];

	setup();
	/* Missing file reads as empty; "no change" writes nothing. */
	CU_ASSERT_EQUAL(mp_atomic_file_update(path, 4096, 0600, edit_append, NULL), 0);
	CU_ASSERT_EQUAL(mp_atomic_file_read(path, 4096, &buf, &len), -ENOENT);
	CU_ASSERT_EQUAL(mp_atomic_file_update(path, 4096, 0600, edit_append, (void *)"one\n"), 1);
	CU_ASSERT_EQUAL(mp_atomic_file_update(path, 4096, 0600, edit_append, (void *)"two\n"), 1);
	/* A failing edit leaves the file alone and reports its error. */
	CU_ASSERT_EQUAL(mp_atomic_file_update(path, 4096, 0600, edit_append, (void *)"fail"), -EIO);
	/* An oversized file is not edited. */
	CU_ASSERT_EQUAL(mp_atomic_file_update(path, 4, 0600, edit_append, (void *)"x\n"), -EFBIG);
	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, 4096, &buf, &len), 0);
	CU_ASSERT_STRING_EQUAL(buf, "one\ntwo\n");
	free(buf);
	snprintf(lockpath, sizeof(lockpath), "%s.lock", path);
	CU_ASSERT_EQUAL(access(lockpath, F_OK), 0);
	CU_ASSERT_EQUAL(count_entries(), 2);	/* file + lock file, no temp files */
	CU_ASSERT_EQUAL(mp_atomic_file_update(NULL, 4096, 0600, edit_append, NULL), -EINVAL);
	teardown();
}

/* A non-text bindings file is refused and left byte for byte alone. */
static void test_update_refuses_binary_bindings(void)
{
	static const char bin[] = "mpatha 36001\n\0\1\2garbage";
	struct mp_bindings_edit e = { .wwid = "36002" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	setup();
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(bin, 1, sizeof(bin) - 1, f);
	fclose(f);
	CU_ASSERT_EQUAL(mp_atomic_file_update(path, MP_NAMING_FILE_MAX, 0600,
					      mp_bindings_edit_allocate, &e), -EBADMSG);
	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, 4096, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, sizeof(bin) - 1);
	CU_ASSERT_EQUAL(memcmp(buf, bin, len), 0);
	free(buf);
	teardown();
}

#define PER_CHILD 50

static int child_adds(int id, const char *wwids_path)
{
	for (int i = 0; i < PER_CHILD; i++) {
		char wwid[32];
		struct mp_bindings_edit be = { .wwid = wwid };
		struct mp_wwids_edit we = { .wwid = wwid };

		snprintf(wwid, sizeof(wwid), "3600c%d%04d", id, i);
		if (mp_atomic_file_update(path, MP_NAMING_FILE_MAX, 0600,
					  mp_bindings_edit_allocate, &be) != 1)
			return 1;
		if (mp_atomic_file_update(wwids_path, MP_NAMING_FILE_MAX, 0600,
					  mp_wwids_edit_apply, &we) != 1)
			return 2;
	}
	return 0;
}

static void test_concurrent_writers(void)
{
	struct mp_naming_diags d = MP_NAMING_DIAGS_INIT;
	struct mp_bindings *b = NULL;
	struct mp_wwids *w = NULL;
	char wwids_path[160];
	char *buf = NULL;
	size_t len = 0;
	pid_t pids[2];

	setup();
	snprintf(wwids_path, sizeof(wwids_path), "%s/wwids", tmpdir);
	for (int c = 0; c < 2; c++) {
		pids[c] = fork();
		CU_ASSERT_FATAL(pids[c] >= 0);
		if (pids[c] == 0)
			_exit(child_adds(c, wwids_path));
	}
	for (int c = 0; c < 2; c++) {
		int status = -1;

		CU_ASSERT_EQUAL(waitpid(pids[c], &status, 0), pids[c]);
		CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(path, MP_NAMING_FILE_MAX, &buf, &len), 0);
	CU_ASSERT_EQUAL_FATAL(mp_bindings_parse(buf, len, &d, &b), 0);
	free(buf);
	CU_ASSERT_EQUAL(d.n, 0);		/* no conflicting aliases */
	CU_ASSERT_EQUAL(mp_bindings_count(b), 2 * PER_CHILD);
	CU_ASSERT_EQUAL(mp_bindings_preserved_count(b), 0);
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < PER_CHILD; i++) {
			char wwid[32];

			snprintf(wwid, sizeof(wwid), "3600c%d%04d", c, i);
			CU_ASSERT_PTR_NOT_NULL(mp_bindings_lookup_wwid(b, wwid));
		}
	/* Dense: the 100 aliases are exactly mpatha .. the 100th name. */
	CU_ASSERT_STRING_EQUAL(mp_bindings_lookup_alias(b, "mpathcv") ? "ok" : "missing", "ok");
	CU_ASSERT_PTR_NULL(mp_bindings_lookup_alias(b, "mpathcw"));
	mp_bindings_free(b);

	CU_ASSERT_EQUAL_FATAL(mp_atomic_file_read(wwids_path, MP_NAMING_FILE_MAX, &buf, &len), 0);
	CU_ASSERT_EQUAL_FATAL(mp_wwids_parse(buf, len, &d, &w), 0);
	free(buf);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_EQUAL(mp_wwids_count(w), 2 * PER_CHILD);
	mp_wwids_free(w);
	mp_naming_diags_release(&d);
	teardown();
}

const struct unit_test unit_tests[] = {
	UNIT_TEST(test_write_then_read),
	UNIT_TEST(test_read_errors),
	UNIT_TEST(test_write_errors),
	UNIT_TEST(test_fault_between_write_and_rename),
	UNIT_TEST(test_update),
	UNIT_TEST(test_update_refuses_binary_bindings),
	UNIT_TEST(test_concurrent_writers),
	UNIT_END
};
