/*
 * Unit tests for src/lib/passfile.c: the libpq password file a child gets instead of
 * PGPASSWORD: its line (\ and : escaped), its mode, the child's environment, its removal.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "src/lib/passfile.h"

#define DIR "tests/tmp/passfile"

static void
passfile_setup(void)
{
	mkdir("tests/tmp", 0755);
	ck_assert_int_eq(system("rm -rf " DIR " && mkdir -p " DIR), 0);
	ck_assert_int_eq(setenv("PGPASSWORD", "Operateur-Env", 1), 0);
	ck_assert_int_eq(setenv("PGPASSFILE", "/ailleurs/pgpass", 1), 0);
}

static char *
read_all(const char *path)
{
	static char text[256];
	FILE *in = fopen(path, "r");

	ck_assert_ptr_nonnull(in);

	size_t n = fread(text, 1, sizeof(text) - 1, in);

	text[n] = '\0';
	fclose(in);
	return text;
}

static int
count_entries(char *const *envp, const char *prefix)
{
	int n = 0;

	for (int i = 0; envp[i]; i++)
		n += strncmp(envp[i], prefix, strlen(prefix)) == 0;
	return n;
}

START_TEST(test_line_escaped_and_private)
{
	PassFile file;
	struct stat st;
	char cwd[PATH_MAX], prefix[PATH_MAX * 2], entry[PATH_MAX + 16];

	ck_assert(passfile_create(&file, DIR, "a:b\\c*d"));
	/* absolute, in the folder given: the child may change folder */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(prefix, sizeof(prefix), "%s/" DIR "/clause-pgpass-", cwd);
	ck_assert_msg(strncmp(file.path, prefix, strlen(prefix)) == 0, "%s", file.path);
	ck_assert_int_eq(lstat(file.path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_str_eq(read_all(file.path), "*:*:*:*:a\\:b\\\\c*d\n");

	/* the child's environment: ours but PGPASSWORD, and PGPASSFILE naming the file */
	char *const *envp = passfile_envp(&file);

	snprintf(entry, sizeof(entry), "PGPASSFILE=%s", file.path);
	ck_assert_int_eq(count_entries(envp, "PGPASSWORD="), 0);
	ck_assert_int_eq(count_entries(envp, "PGPASSFILE="), 1);
	ck_assert_int_eq(count_entries(envp, entry), 1);
	ck_assert_int_eq(count_entries(envp, "PATH="), getenv("PATH") ? 1 : 0);

	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", file.path);
	passfile_remove(&file);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(errno, ENOENT);
	passfile_remove(&file);	/* twice is harmless */
}
END_TEST

START_TEST(test_no_password_no_file)
{
	extern char **environ;
	PassFile file;

	ck_assert(passfile_create(&file, DIR, ""));
	ck_assert_str_eq(file.path, "");
	/* no password of ours: the environment as it is, the operator's PGPASSWORD included */
	ck_assert_ptr_eq(passfile_envp(&file), environ);
	passfile_remove(&file);
	ck_assert(passfile_create(&file, DIR, NULL));
	ck_assert_int_eq(system("test -z \"$(ls -A " DIR ")\""), 0);
}
END_TEST

START_TEST(test_missing_folder)
{
	PassFile file;

	log_set_level(LOG_LEVEL_ERROR + 1);
	ck_assert(!passfile_create(&file, DIR "/absent", "secret"));
	log_set_level(LOG_LEVEL_ERROR);
	ck_assert_str_eq(file.path, "");
	ck_assert_ptr_null(file.envp);
}
END_TEST

static Suite *
passfile_suite(void)
{
	Suite *suite = suite_create("passfile");
	TCase *tc = tcase_create("passfile");

	tcase_add_checked_fixture(tc, passfile_setup, NULL);
	tcase_add_test(tc, test_line_escaped_and_private);
	tcase_add_test(tc, test_no_password_no_file);
	tcase_add_test(tc, test_missing_folder);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(passfile_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
