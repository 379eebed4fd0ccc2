/*
 * clause db sauvegarde / restaure: pg_dump and pg_restore of the clause schema, with
 * control figures taken in the dump's own snapshot and checked again after restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/lib/checksum.h"
#include "src/lib/db.h"
#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "src/lib/passfile.h"
#include "src/lib/safe_file.h"
#include "src/lib/strbuf.h"
#include "src/workflow/backup.h"

/*
 * The control figures: the rows of every table of the schema (but the migration
 * ledger, which a later release extends) and the credited hours of every fiche.
 * Lines "table<TAB>name<TAB>count" and "fiche<TAB>code<TAB>hours", sorted.
 */
static const char CONTROL_SQL[] =
	"SELECT 'table', c.relname, "
	"       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM clause.%I', c.relname), "
	"                                             false, true, '')))[1]::text "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE n.nspname = 'clause' AND c.relkind = 'r' AND c.relname <> 'schema_migration' "
	"UNION ALL "
	"SELECT 'fiche', fiche, sum(heures_total)::numeric(14, 2)::text FROM clause.v_ligne "
	"WHERE credite GROUP BY fiche "
	"ORDER BY 1, 2";

static bool
control_line(void *context, const DbRow *row)
{
	return strbuf_printf(context, "%s\t%s\t%s\n", db_row_value(row, 0), db_row_value(row, 1),
						 db_row_value(row, 2));
}

static bool
backup_control(Db *db, StrBuf *out)
{
	return db_query(db, CONTROL_SQL, 0, NULL, control_line, out, NULL);
}

/* The server program from the cluster's bindir when known (same major), else PATH. */
static void
backup_tool_path(const Session *session, const char *tool, char *out, size_t size)
{
	if (!session->cluster.bindir[0] ||
		!str_format(out, size, "%s/%s", session->cluster.bindir, tool) || access(out, X_OK) != 0)
		snprintf(out, size, "%s", tool);
}

/* The password-free conninfo for the tools, and the password for their password file. */
static bool
backup_tool_conninfo(const Session *session, const char *conninfo, char *out, size_t size,
					 char *password, size_t password_size)
{
	password[0] = '\0';
	if (session->embedded)
	{
		cluster_conninfo(&session->cluster, CLUSTER_DATABASE, out, size);
		return true;
	}
	if (!db_conninfo_split(conninfo ? conninfo : "", out, size, password, password_size))
	{
		db_conninfo_valid(conninfo);
		return false;
	}
	return true;
}

/*
 * Runs pg_dump or pg_restore: stdout to out_fd when >= 0, the password (if any) in a
 * private password file removed once it has exited, never in its arguments nor its
 * environment. Returns its exit status, -1 if none.
 */
static int
backup_run_tool(const char *program, char *const argv[], int out_fd, const char *password)
{
	PassFile passfile;

	if (!passfile_create(&passfile, NULL, password))
		return -1;
	fflush(stdout);
	fflush(stderr);

	pid_t pid = fork();

	if (pid < 0)
	{
		log_error("fork impossible : %s", log_strerror(errno));
		passfile_remove(&passfile);
		return -1;
	}
	if (pid == 0)
	{
		if (out_fd >= 0)
			dup2(out_fd, STDOUT_FILENO);
		execvpe(program, argv, passfile_envp(&passfile));
		fprintf(stderr, "clause: impossible de lancer %s : %s (paquet postgresql-client)\n",
				program, log_strerror(errno));
		_exit(127);
	}

	int status = 0;
	bool waited = true;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
		{
			waited = false;
			break;
		}
	passfile_remove(&passfile);
	return waited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool
backup_path(char *out, size_t size, const char *path, const char *suffix)
{
	return str_format(out, size, "%s%s", path, suffix);
}

/* The name of a file without its folder, as sha256sum lists it. */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool
backup_write_text(const char *path, const char *text, size_t len)
{
	SafeFile file = {0};

	if (!safe_file_begin(&file, path))
		return false;
	if (fwrite(text, 1, len, file.out) != len)
	{
		log_error("impossible d'écrire %s : %s", path, log_strerror(errno));
		safe_file_abort(&file);
		return false;
	}
	return safe_file_commit(&file);
}

/* path.sha256 in sha256sum's format: `sha256sum -c` checks it from the same folder. */
static bool
backup_write_sums(const char *path, const char *control_path)
{
	char dump_sum[CHECKSUM_HEX_SIZE], control_sum[CHECKSUM_HEX_SIZE], sums_path[PATH_MAX];
	StrBuf sums = {0};

	if (!checksum_file_sha256(path, dump_sum) || !checksum_file_sha256(control_path, control_sum) ||
		!backup_path(sums_path, sizeof(sums_path), path, ".sha256"))
		return false;
	strbuf_printf(&sums, "%s  %s\n%s  %s\n", dump_sum, base_name(path), control_sum,
				  base_name(control_path));

	bool ok = backup_write_text(sums_path, sums.data, sums.len);

	strbuf_free(&sums);
	return ok;
}

static bool
backup_dump(Session *session, const char *conninfo, const char *path, const char *snapshot)
{
	char tool[PATH_MAX], connection[8192], password[1024];
	int status;

	/* never over an earlier backup, never through a link; 0600 */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
	{
		log_error("%s : %s", path, errno == EEXIST ? "existe déjà : une sauvegarde n'en écrase "
				  "jamais une autre, choisissez un autre nom" : log_strerror(errno));
		return false;
	}
	backup_tool_path(session, "pg_dump", tool, sizeof(tool));
	if (!backup_tool_conninfo(session, conninfo, connection, sizeof(connection), password, sizeof(password)))
	{
		close(fd);
		unlink(path);
		return false;
	}

	char *argv[] = {"pg_dump", "--format=custom", "--schema=clause", "--no-owner",
		"--snapshot", (char *) snapshot, "--dbname", connection, NULL};

	status = backup_run_tool(tool, argv, fd, password);
	explicit_bzero(password, sizeof(password));
	if (close(fd) != 0 || status != 0)
	{
		log_error("pg_dump a échoué (code %d) : %s retiré", status, path);
		unlink(path);
		return false;
	}
	return true;
}

bool
backup_write(Session *session, const char *conninfo, const char *path)
{
	Db *db = &session->db;
	StrBuf control = {0};
	char snapshot[64], control_path[PATH_MAX];
	bool isnull = false;

	if (!backup_path(control_path, sizeof(control_path), path, ".controle"))
		return false;

	/* one snapshot for the figures and for pg_dump: they describe the same data */
	bool ok = db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") &&
		db_query_value(db, "SELECT pg_export_snapshot()", 0, NULL, snapshot, sizeof(snapshot), &isnull) &&
		backup_control(db, &control) &&
		backup_dump(session, conninfo, path, snapshot);

	db_rollback(db);
	ok = ok && backup_write_text(control_path, control.data ? control.data : "", control.len) &&
		backup_write_sums(path, control_path);
	if (ok)
		printf("sauvegarde : %s (avec %s.controle et %s.sha256)\n", path, base_name(path), base_name(path));
	strbuf_free(&control);
	return ok;
}

/* Checks the dump and its control file against path.sha256; loads the control text. */
static bool
backup_verify_sums(const char *path, char **control_text)
{
	char sums_path[PATH_MAX], control_path[PATH_MAX];
	char dump_sum[CHECKSUM_HEX_SIZE], control_sum[CHECKSUM_HEX_SIZE];
	char expected[2][CHECKSUM_HEX_SIZE] = {"", ""};
	char line[PATH_MAX + 80];

	if (!backup_path(sums_path, sizeof(sums_path), path, ".sha256") ||
		!backup_path(control_path, sizeof(control_path), path, ".controle"))
		return false;

	FILE *sums = fopen(sums_path, "r");

	if (sums == NULL)
	{
		log_error("%s : %s (la sauvegarde ne peut être vérifiée)", sums_path, log_strerror(errno));
		return false;
	}
	for (int i = 0; i < 2 && fgets(line, sizeof(line), sums); i++)
		snprintf(expected[i], sizeof(expected[i]), "%.64s", line);
	fclose(sums);
	if (!checksum_file_sha256(path, dump_sum) || !checksum_file_sha256(control_path, control_sum))
		return false;
	if (strcmp(dump_sum, expected[0]) != 0 || strcmp(control_sum, expected[1]) != 0)
	{
		log_error("%s : l'empreinte SHA-256 ne correspond pas à %s : sauvegarde altérée, "
				  "rien n'est restauré", strcmp(dump_sum, expected[0]) != 0 ? path : control_path,
				  sums_path);
		return false;
	}

	FILE *control = fopen(control_path, "r");
	StrBuf text = {0};
	char chunk[4096];
	size_t n;

	if (control == NULL)
	{
		log_error("%s : %s", control_path, log_strerror(errno));
		return false;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), control)) > 0)
		strbuf_append(&text, chunk, n);
	fclose(control);
	*control_text = text.data ? text.data : strdup("");
	return *control_text != NULL;
}

/* Says each figure that differs; true when all agree. */
static bool
backup_compare(const char *expected, const char *actual)
{
	if (strcmp(expected, actual) == 0)
		return true;
	log_error("les chiffres restaurés diffèrent de ceux de la sauvegarde :");

	const char *e = expected, *a = actual;

	while (*e || *a)
	{
		size_t el = strcspn(e, "\n"), al = strcspn(a, "\n");

		if (el != al || strncmp(e, a, el) != 0)
			log_error("  attendu « %.*s », restauré « %.*s »", (int) el, e, (int) al, a);
		e += el + (e[el] == '\n');
		a += al + (a[al] == '\n');
	}
	return false;
}

/* The target must hold no imported batch: a restore never mixes two histories. */
static bool
backup_target_empty(Db *db)
{
	char count[32];
	bool isnull = false;

	if (!db_query_value(db, "SELECT (SELECT count(*) FROM clause.lot_import) + "
						"(SELECT count(*) FROM clause.participant) + (SELECT count(*) FROM clause.ligne_heures)",
						0, NULL, count, sizeof(count), &isnull))
		return false;
	if (strcmp(count, "0") != 0)
	{
		log_error("la base cible contient déjà des données : une sauvegarde se restaure dans une "
				  "base vide (par exemple CLAUSE_VAR=/nouveau/dossier clause db restaure …)");
		return false;
	}
	return true;
}

bool
backup_restore(Session *session, const char *conninfo, const char *path)
{
	char *expected = NULL;
	char tool[PATH_MAX], connection[8192], password[1024];
	StrBuf actual = {0};
	Db *db = &session->db;

	if (!backup_verify_sums(path, &expected))
		return false;
	if (!backup_target_empty(db) ||
		!backup_tool_conninfo(session, conninfo, connection, sizeof(connection), password, sizeof(password)))
	{
		free(expected);
		return false;
	}
	backup_tool_path(session, "pg_restore", tool, sizeof(tool));

	char *argv[] = {"pg_restore", "--no-owner", "--single-transaction", "--exit-on-error",
		"--dbname", connection, (char *) path, NULL};

	/* the empty schema this release made goes; the dump brings its own */
	bool ok = db_exec(db, "DROP SCHEMA clause CASCADE");
	int status = ok ? backup_run_tool(tool, argv, -1, password) : -1;

	explicit_bzero(password, sizeof(password));
	if (ok && status != 0)
	{
		log_error("pg_restore a échoué (code %d) : rien n'est restauré", status);
		ok = false;
	}
	ok = ok && backup_control(db, &actual);
	if (ok && !backup_compare(expected, actual.data ? actual.data : ""))
	{
		/* figures that disagree prove nothing: back to the empty database it was */
		log_error("restauration annulée : la base est remise à vide");
		if (db_exec(db, "DROP SCHEMA clause CASCADE"))
			migrate_apply(db, false);
		ok = false;
	}
	else if (ok)
	{
		int tables = 0, fiches = 0;

		for (const char *line = expected; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != '\0'))
		{
			tables += strncmp(line, "table\t", 6) == 0;
			fiches += strncmp(line, "fiche\t", 6) == 0;
		}
		printf("sauvegarde restaurée : %s ; %d tables et %d fiches conformes aux chiffres enregistrés\n",
			   path, tables, fiches);
	}
	/* a dump of an earlier release is brought to this one, as any database is */
	ok = ok && migrate_apply(db, false);
	free(expected);
	strbuf_free(&actual);
	return ok;
}
