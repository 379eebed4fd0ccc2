/*
 * clause batch DIR: the monthly inbox. Every file is imported in a stable order
 * (referential kinds first, then hours), each in its own transaction; processed files
 * move to DIR/traites/ with their *.rejets.csv; then one attribution and a compte-rendu.
 * Interrupted, it leaves each file loaded or not; run again, it completes the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attribute.h"
#include "cli.h"
#include "compte_rendu.h"
#include "exitcodes.h"
#include "format.h"
#include "inbox.h"
#include "log.h"
#include "profile.h"
#include "rejects_file.h"
#include "safe_file.h"

/* Moves a processed file into DIR/traites/, never overwriting an earlier one. */
static bool
batch_move(const char *dir, const InboxFile *file, char *moved_path, size_t size)
{
	char done_dir[PATH_MAX];

	if (!str_format(done_dir, sizeof(done_dir), "%s/traites", dir))
		return false;
	/* a traites/ that is a link would move the file wherever it points */
	if (!safe_file_make_dir(done_dir))
		return false;
	if (!str_format(moved_path, size, "%s/%s", done_dir, file->name))
		return false;
	for (int n = 2; faccessat(AT_FDCWD, moved_path, F_OK, AT_SYMLINK_NOFOLLOW) == 0 && n < 1000; n++)
		if (!str_format(moved_path, size, "%s/%s.%d", done_dir, file->name, n))
			return false;
	if (rename(file->path, moved_path) != 0)
	{
		log_error("impossible de déplacer %s vers %s : %s", file->path, moved_path,
				  log_strerror(errno));
		return false;
	}
	return true;
}

/* Imports one file of the inbox with its profile; fills the outcome. */
static void
batch_import_one(Session *session, const char *home, const InboxFile *file, bool strict,
				 BatchOutcome *outcome)
{
	Profile profile = {0};
	ImportOptions options = {.kind = file->kind, .path = file->path, .strict = strict,
	.max_reported = 20, .defer_attribution = true};

	outcome->file = file;
	if (file->profile[0])
	{
		if (!profile_load(file->profile, home, &profile) || strcmp(profile.kind->name, file->kind) != 0)
		{
			if (profile.kind && strcmp(profile.kind->name, file->kind) != 0)
				log_error("%s : le profil %s décrit des fichiers %s", file->name, file->profile,
						  profile.kind->name);
			outcome->status = IMPORT_FILE_REJECTED;
			profile_free(&profile);
			return;
		}
		options.profile = &profile;
	}
	outcome->status = import_file(&session->db, &options, &outcome->result);
	profile_free(&profile);
}

/*
 * One attribution for the whole inbox: only the participant-months of the new hours when
 * nothing else was loaded, whole when a referential file changed something.
 */
static bool
batch_attribute(Db *db, const BatchOutcome *outcomes, int count)
{
	long long *lots = calloc((size_t) (count ? count : 1), sizeof(long long));
	int nlots = 0;
	bool whole = false;

	if (lots == NULL)
		return false;
	for (int i = 0; i < count; i++)
	{
		const BatchOutcome *o = &outcomes[i];

		if (o->status != IMPORT_LOADED && o->status != IMPORT_ROWS_REJECTED)
			continue;
		if (strcmp(o->file->kind, "heures") == 0)
			lots[nlots++] = o->result.lot_id;
		else if (o->result.rows_loaded > 0)
			whole = true;
	}

	bool ok = db_begin(db) &&
		(whole ? attribute_in_transaction(db) : attribute_lots_in_transaction(db, lots, nlots)) &&
		db_commit(db);

	if (!ok)
		db_rollback(db);
	free(lots);
	return ok;
}

static int
batch_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"strict", no_argument, NULL, 's'},
		{"max-fichiers", required_argument, NULL, 'm'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause batch";
	bool strict = false;
	int max_files = -1;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
	{
		if (opt == 's')
			strict = true;
		else if (opt == 'm')
		{
			char *end = NULL;
			long value = strtol(optarg, &end, 10);

			if (*end != '\0' || value < 0 || value > 100000)
				return cli_usage_error(command, "--max-fichiers attend un nombre");
			max_files = (int) value;
		}
		else
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage_error(command, "précisez le dossier à traiter");

	const char *dir = argv[optind];
	char home[PATH_MAX];
	Inbox inbox = {0};

	if (!session_home_dir(home, sizeof(home)) || !inbox_scan(dir, &inbox))
		return EXIT_CODE_USAGE;

	if (inbox.count == 0)
	{
		/* keep the last compte-rendu: it describes the last files received */
		printf("%s : aucun fichier à traiter\n", dir);
		compte_rendu_write_refused(&inbox, stdout);

		int code = inbox.skipped > 0 || inbox.nrefused > 0 ? EXIT_CODE_REJECTED : EXIT_CODE_OK;

		inbox_free(&inbox);
		return code;
	}

	Session session = {0};

	if (!cli_open_session(&session))
	{
		inbox_free(&inbox);
		return EXIT_CODE_DATABASE;
	}

	int count = max_files >= 0 && max_files < inbox.count ? max_files : inbox.count;
	BatchOutcome *outcomes = calloc((size_t) (count ? count : 1), sizeof(BatchOutcome));
	int exit_code = inbox.skipped > 0 || inbox.nrefused > 0 ? EXIT_CODE_REJECTED : EXIT_CODE_OK;
	int done = 0;

	for (int i = 0; outcomes && i < count; i++)
	{
		const InboxFile *file = &inbox.files[i];
		BatchOutcome *outcome = &outcomes[done++];

		log_notice("[%d/%d] %s", i + 1, count, file->name);
		batch_import_one(&session, home, file, strict, outcome);
		if (outcome->status == IMPORT_DATABASE_ERROR || outcome->status == IMPORT_INTERNAL_ERROR)
		{
			exit_code = outcome->status == IMPORT_DATABASE_ERROR ? EXIT_CODE_DATABASE : EXIT_CODE_INTERNAL;
			break;
		}
		if (outcome->status == IMPORT_FILE_REJECTED)
		{
			exit_code = EXIT_CODE_REJECTED;
			continue;			/* stays in the inbox, to be fixed */
		}
		if (outcome->status == IMPORT_ROWS_REJECTED)
			exit_code = exit_code == EXIT_CODE_OK ? EXIT_CODE_REJECTED : exit_code;

		char moved[PATH_MAX];

		if (outcome->result.rows_rejected > 0 && outcome->status != IMPORT_ALREADY_DONE)
		{
			snprintf(outcome->rejects_path, sizeof(outcome->rejects_path), "%s/traites/%.*s.rejets.csv",
					 dir, (int) (strrchr(file->name, '.') - file->name), file->name);
			char done_dir[PATH_MAX];

			snprintf(done_dir, sizeof(done_dir), "%s/traites", dir);
			if (!safe_file_make_dir(done_dir) ||
				!rejects_file_write(&session.db, file->path, &outcome->result, outcome->rejects_path))
				outcome->rejects_path[0] = '\0';
		}
		outcome->moved = batch_move(dir, file, moved, sizeof(moved));
	}

	bool ok = outcomes != NULL && batch_attribute(&session.db, outcomes, done);

	if (ok)
	{
		char report_path[PATH_MAX];

		SafeFile report = {0};

		ok = str_format(report_path, sizeof(report_path), "%s/compte-rendu.txt", dir) &&
			safe_file_begin(&report, report_path) &&
			compte_rendu_write(&session.db, dir, outcomes, done, inbox.skipped, report.out);
		if (ok)
			compte_rendu_write_refused(&inbox, report.out);
		ok = ok ? safe_file_commit(&report) : (safe_file_abort(&report), false);
		if (ok)
			printf("compte rendu : %s\n", report_path);
		else
			log_error("impossible d'écrire %s", report_path);
	}
	if (!ok && exit_code == EXIT_CODE_OK)
		exit_code = EXIT_CODE_DATABASE;
	if (count < inbox.count)
		log_notice("%d fichier%s reste%s dans la boîte (--max-fichiers %d)", inbox.count - count,
				   fr_s(inbox.count - count), inbox.count - count > 1 ? "nt" : "", max_files);

	free(outcomes);
	inbox_free(&inbox);
	session_close(&session);
	return exit_code;
}

const Command COMMAND_BATCH = {
	"batch", "traite la boîte du mois : tous les fichiers d'un dossier, puis un compte rendu",
	"clause batch [--strict] [--max-fichiers N] DOSSIER",
	"Chaque fichier est nommé NATURE[--PROFIL][_libre].csv ou .json, par exemple\n"
	"heures--etti-idees-bordeaux_2022-01.csv (nature heures, profil etti-idees-bordeaux) ;\n"
	"ou bien DOSSIER/manifest.json les liste : [{\"fichier\": …, \"nature\": …, \"profil\": …}].\n"
	"Ordre : donneurs, entreprises, operations, marches, participants, conventions, heures,\n"
	"puis par nom. Chaque fichier est chargé en une transaction, puis déplacé dans\n"
	"DOSSIER/traites/ ; ses lignes rejetées vont dans traites/NOM.rejets.csv (lignes telles\n"
	"qu'envoyées suivies de ligne;colonne;motif, dans le séparateur et l'encodage du fichier).\n"
	"Un fichier refusé en entier reste dans la boîte. Ensuite les heures sont attribuées une\n"
	"fois et DOSSIER/compte-rendu.txt est écrit. Relancer sur les mêmes fichiers ne change rien ;\n"
	"après une interruption, relancer termine le reste.\n"
	"\nOptions :\n"
	"  --strict           une ligne rejetée refuse tout son fichier\n"
	"  --max-fichiers N   traiter au plus N fichiers (les autres restent dans la boîte)\n",
	batch_run, NULL
};
