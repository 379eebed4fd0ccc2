/*
 * A shared machine (issue #12): another OS user cannot connect to the embedded cluster
 * nor read var/ or reports; no password in argv or error messages; a symlink in the
 * box is refused; a cluster of the previous release is closed in place.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "testdb.h"

#define RULES "tests/data/rules"
#define TMP "tests/tmp/shared"
#define OTHER_USER "nobody"

/* Runs a shell command as OTHER_USER; returns its exit status, output in out. */
static int
as_other_user(const char *command, char *out, size_t outsize)
{
	char full[PATH_MAX + 512];

	snprintf(full, sizeof(full), "runuser -u " OTHER_USER " -- sh -c '%s' 2>&1 </dev/null", command);

	FILE *pipe = popen(full, "r");

	ck_assert_ptr_nonnull(pipe);

	size_t n = fread(out, 1, outsize - 1, pipe);

	out[n] = '\0';

	int status = pclose(pipe);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "%s : %s", path, strerror(errno));
	return st.st_mode & 07777;
}

static void
shared_setup(void)
{
	testdb_setup();
	mkdir("tests/tmp", 0755);
	ck_assert_int_eq(system("rm -rf " TMP " && mkdir -p " TMP), 0);
}

START_TEST(test_private_modes)
{
	const Cluster *cluster = testdb_cluster();
	char hba[PATH_MAX + 16];

	ck_assert_int_eq(mode_of(cluster->var_dir), 0700);
	ck_assert_int_eq(mode_of(cluster->socket_dir), 0700);
	ck_assert_int_eq(mode_of(cluster->lock_file), 0600);
	ck_assert_int_eq(mode_of(cluster->log_file), 0600);

	/* no trust line: the owner by peer authentication, readers by password */
	snprintf(hba, sizeof(hba), "%s/pg_hba.conf", cluster->pgdata);

	char *text = testdb_read_file(hba, NULL);

	ck_assert_ptr_null(strstr(text, "trust"));
	ck_assert_ptr_nonnull(strstr(text, "local all clause peer map=clause"));
	ck_assert_ptr_nonnull(strstr(text, "local all all scram-sha-256"));
	free(text);

	/* a report holding personal data is ours alone */
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("report rejets --format csv -o " TMP "/rejets.csv"), 0);
	ck_assert_int_eq(mode_of(TMP "/rejets.csv"), 0600);
}
END_TEST

START_TEST(test_other_user_reads_nothing)
{
	const Cluster *cluster = testdb_cluster();
	char command[PATH_MAX + 256], out[4096];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("export participants -o " TMP "/participants.csv"), 0);
	ck_assert_int_eq(system("chmod 755 " TMP), 0);	/* the folder open: the file stays closed */

	snprintf(command, sizeof(command), "cat " TMP "/participants.csv");
	ck_assert_int_ne(as_other_user(command, out, sizeof(out)), 0);
	ck_assert_ptr_null(strstr(out, "Dupont"));
	snprintf(command, sizeof(command), "ls %s", cluster->var_dir);
	ck_assert_int_ne(as_other_user(command, out, sizeof(out)), 0);
	snprintf(command, sizeof(command), "cat %s", cluster->log_file);
	ck_assert_int_ne(as_other_user(command, out, sizeof(out)), 0);

	/* through the socket, as the owner role, as themselves, or as the server user */
	snprintf(command, sizeof(command), "psql -X -h %s -U clause -d clause -c \"select 1\"",
			 cluster->socket_dir);
	ck_assert_int_ne(as_other_user(command, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "ermission denied"));
}
END_TEST

/*
 * With the folders opened on purpose, peer authentication still refuses another OS
 * user as the owner role, and a reader role without its password.
 */
START_TEST(test_peer_refuses_other_user)
{
	const Cluster *cluster = testdb_cluster();
	char socket[PATH_MAX + 32], command[PATH_MAX + 256], out[4096];
	int as_owner, as_reader, as_self;

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("role donneur BM test_role_peer"), 0);
	snprintf(socket, sizeof(socket), "%s/.s.PGSQL." CLUSTER_PORT, cluster->socket_dir);
	ck_assert_int_eq(chmod(cluster->var_dir, 0755), 0);
	ck_assert_int_eq(chmod(cluster->socket_dir, 0755), 0);
	ck_assert_int_eq(chmod(socket, 0777), 0);

	snprintf(command, sizeof(command), "psql -X -w -h %s -U clause -d clause -c \"select 1\"",
			 cluster->socket_dir);
	as_owner = as_other_user(command, out, sizeof(out));

	bool peer_refused = strstr(out, "Peer authentication failed") != NULL;

	snprintf(command, sizeof(command), "psql -X -w -h %s -U test_role_peer -d clause -c \"select 1\"",
			 cluster->socket_dir);
	as_reader = as_other_user(command, out, sizeof(out));
	snprintf(command, sizeof(command), "psql -X -w -h %s -d clause -c \"select 1\"", cluster->socket_dir);
	as_self = as_other_user(command, out, sizeof(out));

	/* closed again before any assertion may stop the test */
	chmod(socket, 0700);
	chmod(cluster->socket_dir, 0700);
	chmod(cluster->var_dir, 0700);
	ck_assert_int_ne(as_owner, 0);
	ck_assert(peer_refused);
	ck_assert_int_ne(as_reader, 0);
	ck_assert_int_ne(as_self, 0);
}
END_TEST

/* A reader role gets a password from a file or stdin, never argv, and logs in with it only. */
START_TEST(test_reader_password)
{
	Db db = {0};
	char conninfo[PATH_MAX * 2];
	char wrong[PATH_MAX * 3], right[PATH_MAX * 3], typed[PATH_MAX * 3], command[1024];
	FILE *file;

	testdb_import_referential(RULES);
	file = fopen(TMP "/mdp", "w");
	ck_assert_ptr_nonnull(file);
	fputs("Lecteur-BM-2026\n", file);
	fclose(file);
	ck_assert_int_eq(testdb_run("role donneur --mot-de-passe-fichier " TMP "/mdp BM test_role_mdp"), 0);
	ck_assert_int_eq(testdb_run("role donneur --mot-de-passe-fichier - BM test_role_mdp2 < " TMP "/mdp"), 0);
	/* typed at a terminal (script gives it one), twice */
	snprintf(command, sizeof(command),
			 "printf 'Tty-Pass-2026\\nTty-Pass-2026\\n' | script -qec '%s -q role donneur --mot-de-passe BM "
			 "test_role_tty' /dev/null >/dev/null 2>&1", testdb_clause_bin());
	ck_assert_int_eq(system(command), 0);
	snprintf(command, sizeof(command),
			 "printf 'Tty-Pass-2026\\nAutre-2026\\n' | script -qec '%s -q role donneur --mot-de-passe BM "
			 "test_role_tty2' /dev/null >/dev/null 2>&1", testdb_clause_bin());
	ck_assert_int_ne(system(command), 0);	/* the two typings differ */
	/* no terminal and no file: refused, nothing asked on argv */
	ck_assert_int_eq(testdb_run("role donneur --mot-de-passe BM test_role_mdp3 < /dev/null"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_authid WHERE rolname = 'test_role_mdp' "
								  "AND rolpassword LIKE 'SCRAM-SHA-256$%'"), 1);

	cluster_conninfo(testdb_cluster(), CLUSTER_DATABASE, conninfo, sizeof(conninfo));
	snprintf(wrong, sizeof(wrong), "%s user=test_role_mdp password=autre", conninfo);
	snprintf(right, sizeof(right), "%s user=test_role_mdp2 password=Lecteur-BM-2026", conninfo);
	log_set_level(LOG_LEVEL_ERROR + 1);
	ck_assert(!db_connect(&db, wrong));
	log_set_level(LOG_LEVEL_ERROR);
	ck_assert(db_connect(&db, right));
	db_close(&db);
	snprintf(typed, sizeof(typed), "%s user=test_role_tty password=Tty-Pass-2026", conninfo);
	ck_assert(db_connect(&db, typed));
	db_close(&db);
}
END_TEST

/* The cmdline of a running process, NULs turned to spaces. */
static void
read_cmdline(pid_t pid, char *out, size_t outsize)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int) pid);

	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);

	ssize_t n = read(fd, out, outsize - 1);

	close(fd);
	ck_assert_int_gt(n, 0);
	for (ssize_t i = 0; i < n; i++)
		if (out[i] == '\0')
			out[i] = ' ';
	out[n] = '\0';
}

/*
 * clause runs with --db holding a password and blocks reading a FIFO: by the time the
 * FIFO opens for writing, clause has parsed its arguments and connected; its cmdline
 * must hold no password then. No timing: open() returns only once clause opened it.
 */
START_TEST(test_no_password_in_cmdline)
{
	char conninfo[PATH_MAX * 2], db_arg[PATH_MAX * 3], cmdline[8192];
	const char *fifo = TMP "/donneurs.csv";

	cluster_conninfo(testdb_cluster(), CLUSTER_DATABASE, conninfo, sizeof(conninfo));
	snprintf(db_arg, sizeof(db_arg), "%s password=Secr3t-Argv-42", conninfo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);

	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
	{
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execl(testdb_clause_bin(), "clause", "--db", db_arg, "import", "donneurs", fifo, (char *) NULL);
		_exit(127);
	}

	int writer = open(fifo, O_WRONLY);	/* returns once clause opened it */

	ck_assert_int_ge(writer, 0);
	read_cmdline(pid, cmdline, sizeof(cmdline));

	/* the import itself is not the point: the process we started is ended */
	kill(pid, SIGTERM);
	close(writer);

	int status = 0;

	waitpid(pid, &status, 0);
	ck_assert_ptr_nonnull(strstr(cmdline, "import donneurs"));
	ck_assert_msg(strstr(cmdline, "Secr3t-Argv-42") == NULL, "mot de passe visible : %s", cmdline);
	ck_assert_ptr_nonnull(strstr(cmdline, "host="));	/* the rest stays, for ps */
}
END_TEST

/* psql, started by clause db psql, prints its own cmdline: no password there either. */
START_TEST(test_no_password_in_psql_argv)
{
	char conninfo[PATH_MAX * 2], command[PATH_MAX * 4];

	cluster_conninfo(testdb_cluster(), CLUSTER_DATABASE, conninfo, sizeof(conninfo));
	snprintf(command, sizeof(command),
			 "printf '%%s\\n' 'select 40 + 2;' '\\! tr \"\\\\0\" \" \" < /proc/$PPID/cmdline' | "
			 "%s --db \"%s password=Secr3t-Psql-43\" db psql -- -X -A -t 2>&1",
			 testdb_clause_bin(), conninfo);

	char *out = testdb_command_output(command);

	ck_assert_msg(strstr(out, "42") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "psql") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Secr3t-Psql-43") == NULL, "%s", out);
	free(out);
}
END_TEST

/* The value of NAME=… among lines "NAME=value" of text, or "" (static buffer). */
static const char *
env_line(const char *text, const char *name)
{
	static char value[PATH_MAX];
	size_t len = strlen(name);

	value[0] = '\0';
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, name, len) == 0 && line[len] == '=')
		{
			snprintf(value, sizeof(value), "%.*s", (int) strcspn(line + len + 1, "\n"), line + len + 1);
			break;
		}
	return value;
}

/*
 * A reader role with a password only (scram), a password with the characters a libpq
 * password file escapes: psql logs in with it through its password file, which is
 * 0600 while psql runs and gone once clause returns; psql's environment holds neither
 * that password nor the operator's own PGPASSWORD (the --db password wins, as for
 * clause's own connection).
 */
START_TEST(test_psql_password_file)
{
	char conninfo[PATH_MAX * 2], db_arg[PATH_MAX * 3], command[PATH_MAX * 4];

	ck_assert(db_exec(testdb(), "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
					  "'test_role_psql') THEN CREATE ROLE test_role_psql LOGIN; END IF; END $$"));
	ck_assert(db_set_role_password(testdb(), "test_role_psql", "Psql:Pass\\43-Secr3t"));
	cluster_conninfo(testdb_cluster(), CLUSTER_DATABASE, conninfo, sizeof(conninfo));
	/* in the conninfo, a quoted value escapes its backslash */
	snprintf(db_arg, sizeof(db_arg), "%s user=test_role_psql password='Psql:Pass\\\\43-Secr3t'", conninfo);
	/* the --db value reaches clause through its argv only (env -u drops the variable) */
	ck_assert_int_eq(setenv("CLAUSE_TEST_DB", db_arg, 1), 0);
	snprintf(command, sizeof(command),
			 "printf '%%s\\n' 'select current_user;' '\\! tr \"\\\\0\" \"\\\\n\" < /proc/$PPID/environ' "
			 "'\\! echo mode=$(stat -c %%a \"$PGPASSFILE\")' | "
			 "env -u CLAUSE_TEST_DB PGPASSWORD=Autre-Env-44 %s --db \"$CLAUSE_TEST_DB\" db psql -- -X -A -t 2>&1; "
			 "echo code=$?", testdb_clause_bin());

	char *out = testdb_command_output(command);

	unsetenv("CLAUSE_TEST_DB");
	ck_assert_msg(strstr(out, "test_role_psql\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "code=0\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "mode=600\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Secr3t") == NULL, "mot de passe visible : %s", out);
	ck_assert_msg(strstr(out, "PGPASSWORD") == NULL, "%s", out);
	ck_assert_msg(strstr(out, "Autre-Env-44") == NULL, "%s", out);

	const char *passfile = env_line(out, "PGPASSFILE");

	ck_assert_msg(passfile[0] == '/', "%s", out);
	ck_assert_msg(access(passfile, F_OK) != 0 && errno == ENOENT, "%s reste après psql", passfile);
	free(out);

	/* psql's exit status is clause's */
	snprintf(command, sizeof(command), "%s --db \"%s\" db psql -- -X -c 'select 1/0' >/dev/null 2>&1",
			 testdb_clause_bin(), conninfo);
	ck_assert_int_eq(WEXITSTATUS(system(command)), 1);
}
END_TEST

START_TEST(test_conninfo_error_hides_it)
{
	char output[4096];

	ck_assert_int_ne(testdb_run_output("--db 'postgresql://x:S3cretPw%zz@/clause' db status",
									   output, sizeof(output)), 0);
	ck_assert_ptr_nonnull(strstr(output, "mal formée"));
	ck_assert_ptr_null(strstr(output, "S3cretPw"));
	ck_assert_int_ne(testdb_run_output("--db \"host=/x password='S3cretPw\" report progress",
									   output, sizeof(output)), 0);
	ck_assert_ptr_null(strstr(output, "S3cretPw"));
}
END_TEST

/*
 * A box shared with senders: a link posing as a data file, as the compte-rendu and as
 * a rejected-rows file must neither be read nor written through.
 */
START_TEST(test_box_refuses_links)
{
	char *text;
	struct stat st;

	ck_assert_int_eq(system("mkdir -p " TMP "/boite/traites && cp " RULES "/donneurs.csv " TMP "/boite/ && "
							"printf 'ne pas toucher\\n' > " TMP "/victime && "
							"ln -s ../victime " TMP "/boite/compte-rendu.txt && "
							"ln -s /etc/passwd " TMP "/boite/entreprises.csv && "
							"mkfifo " TMP "/boite/operations.csv"), 0);
	ck_assert_int_eq(testdb_run("batch " TMP "/boite"), 2);

	text = testdb_read_file(TMP "/victime", NULL);
	ck_assert_str_eq(text, "ne pas toucher\n");
	free(text);
	ck_assert_int_eq(lstat(TMP "/boite/compte-rendu.txt", &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	text = testdb_read_file(TMP "/boite/compte-rendu.txt", NULL);
	ck_assert_ptr_nonnull(strstr(text, "entreprises.csv : lien symbolique refusé"));
	ck_assert_ptr_nonnull(strstr(text, "operations.csv : pas un fichier ordinaire"));
	ck_assert_ptr_nonnull(strstr(text, "donneurs.csv (donneurs) : chargé"));
	free(text);
	/* the link stays in the box, nothing of /etc/passwd was read */
	ck_assert_int_eq(lstat(TMP "/boite/entreprises.csv", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import"), 1);
}
END_TEST

START_TEST(test_box_traites_link_refused)
{
	ck_assert_int_eq(system("mkdir -p " TMP "/boite2 " TMP "/ailleurs && cp " RULES "/donneurs.csv " TMP "/boite2/ && "
							"ln -s ../ailleurs " TMP "/boite2/traites"), 0);
	testdb_run("batch " TMP "/boite2");
	/* the file stays in the box rather than move where the link points */
	ck_assert_int_eq(access(TMP "/boite2/donneurs.csv", F_OK), 0);
	ck_assert_int_ne(access(TMP "/ailleurs/donneurs.csv", F_OK), 0);
}
END_TEST

START_TEST(test_manifest_profile_is_a_name)
{
	char output[8192];

	ck_assert_int_eq(system("mkdir -p " TMP "/boite3 && cp " RULES "/donneurs.csv " TMP "/boite3/d.csv && "
							"printf '[{\"fichier\": \"d.csv\", \"nature\": \"donneurs\", \"profil\": \"/etc/passwd\"}]' "
							"> " TMP "/boite3/manifest.json"), 0);
	ck_assert_int_eq(testdb_run_output("batch " TMP "/boite3", output, sizeof(output)), 2);
	ck_assert_ptr_nonnull(strstr(output, "pas un chemin"));
	ck_assert_ptr_null(strstr(output, "root:"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import"), 0);
}
END_TEST

static Suite *
shared_machine_suite(void)
{
	Suite *suite = suite_create("shared_machine");
	TCase *tc = tcase_create("shared");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, shared_setup, testdb_teardown);
	tcase_add_test(tc, test_private_modes);
	tcase_add_test(tc, test_other_user_reads_nothing);
	tcase_add_test(tc, test_peer_refuses_other_user);
	tcase_add_test(tc, test_reader_password);
	tcase_add_test(tc, test_no_password_in_cmdline);
	tcase_add_test(tc, test_no_password_in_psql_argv);
	tcase_add_test(tc, test_psql_password_file);
	tcase_add_test(tc, test_conninfo_error_hides_it);
	tcase_add_test(tc, test_box_refuses_links);
	tcase_add_test(tc, test_box_traites_link_refused);
	tcase_add_test(tc, test_manifest_profile_is_a_name);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(shared_machine_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
