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
#include <time.h>
#include <unistd.h>

#include "importers/inbox.h"
#include "importers/profile.h"
#include "importers/recognise.h"
#include "importers/rejects_file.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/lib/safe_file.h"
#include "src/lib/strbuf.h"
#include "src/workflow/attribute.h"
#include "src/workflow/compte_rendu.h"

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
	.max_reported = 20};		/* no after_merge: attributed once after every file */

	StrBuf errors = {0};

	outcome->file = file;
	/* why a file is refused goes to the compte-rendu too, not only to the terminal */
	log_capture(&errors, false);
	if (file->profile[0] &&
		(!profile_load(file->profile, home, &profile) || strcmp(profile.kind->name, file->kind) != 0))
	{
		if (profile.kind && strcmp(profile.kind->name, file->kind) != 0)
			log_error("%s : le profil %s décrit des fichiers %s", file->name, file->profile,
					  profile.kind->name);
		outcome->status = IMPORT_FILE_REJECTED;
	}
	else
	{
		options.profile = file->profile[0] ? &profile : NULL;
		outcome->status = import_file(&session->db, &options, &outcome->result);
	}
	log_capture(NULL, false);
	snprintf(outcome->reason, sizeof(outcome->reason), "%s", errors.data ? errors.data : "");
	strbuf_free(&errors);
	profile_free(&profile);
}

/*
 * Writes the compte-rendu of this run under its own dated name, then the same text as
 * compte-rendu.txt, the latest one; prints the dated path.
 */
static bool
batch_write_report(Db *db, const char *dir, const BatchOutcome *outcomes, int done,
				   const Inbox *inbox)
{
	char *text = NULL;
	size_t length = 0;
	FILE *memory = open_memstream(&text, &length);
	bool ok = memory != NULL && compte_rendu_write(db, dir, outcomes, done, inbox->skipped, memory);

	if (memory)
	{
		compte_rendu_write_left(inbox, memory);
		compte_rendu_write_refused(inbox, memory);
		ok = fclose(memory) == 0 && ok;
	}

	char dated[PATH_MAX], latest[PATH_MAX], stamp[32];
	time_t now = time(NULL);
	struct tm local;

	localtime_r(&now, &local);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H%M", &local);
	ok = ok && str_format(dated, sizeof(dated), "%s/compte-rendu-%s.txt", dir, stamp) &&
		str_format(latest, sizeof(latest), "%s/compte-rendu.txt", dir);
	/* two runs within a minute: the second gets -2, -3… */
	for (int n = 2; ok && access(dated, F_OK) == 0 && n < 100; n++)
		ok = str_format(dated, sizeof(dated), "%s/compte-rendu-%s-%d.txt", dir, stamp, n);
	/* written beside, then renamed: never through a link left in the box */
	for (int i = 0; ok && i < 2; i++)
	{
		const char *path = i == 0 ? dated : latest;
		SafeFile report = {0};

		ok = safe_file_begin(&report, path) && fwrite(text, 1, length, report.out) == length;
		ok = ok ? safe_file_commit(&report) : (safe_file_abort(&report), false);
		if (!ok)
			log_error("impossible d'écrire %s", path);
	}
	if (ok)
		printf("compte rendu : %s\n", dated);
	free(text);
	return ok;
}

/*
 * One attribution for the whole inbox, of what the files loaded changed (attribute_after
 * decides: the participant-months touched, or everything).
 */
static bool
batch_attribute(Db *db, const BatchOutcome *outcomes, int count)
{
	long long *loaded = calloc((size_t) (count ? count : 1), sizeof(long long));
	int nloaded = 0;

	if (loaded == NULL)
		return false;
	for (int i = 0; i < count; i++)
		if (outcomes[i].status == IMPORT_LOADED || outcomes[i].status == IMPORT_ROWS_REJECTED)
			loaded[nloaded++] = outcomes[i].result.lot_id;

	bool ok = db_begin(db) && attribute_after(db, ATTRIBUTE_LOADED, loaded, nloaded) && db_commit(db);

	if (!ok)
		db_rollback(db);
	free(loaded);
	return ok;
}

static int
batch_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"strict", no_argument, NULL, 's'},
		{"max-fichiers", required_argument, NULL, 'm'},
		{"profils", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0}
	};
	const char *profiles_dir = NULL;
	const char *command = "clause batch";
	bool strict = false;
	int max_files = -1;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
	{
		if (opt == 's')
			strict = true;
		else if (opt == 'p')
			profiles_dir = optarg;
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
	SenderProfiles profiles = {0};

	if (!session_home_dir(home, sizeof(home)) ||
		!recognise_load_profiles(&profiles, home, profiles_dir) ||
		!inbox_scan(dir, &profiles, &inbox))
	{
		recognise_free_profiles(&profiles);
		inbox_free(&inbox);
		return EXIT_CODE_USAGE;
	}
	recognise_free_profiles(&profiles);

	if (inbox.count == 0 && inbox.nleft == 0)
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
			/* a JSON sender gets JSON back; the others a CSV their spreadsheet opens */
			snprintf(outcome->rejects_path, sizeof(outcome->rejects_path), "%s/traites/%.*s.rejets.%s",
					 dir, (int) (strrchr(file->name, '.') - file->name), file->name,
					 outcome->result.json ? "json" : "csv");
			char done_dir[PATH_MAX];

			snprintf(done_dir, sizeof(done_dir), "%s/traites", dir);
			if (!safe_file_make_dir(done_dir) ||
				!rejects_file_write(&session.db, file->path, &outcome->result, outcome->rejects_path))
				outcome->rejects_path[0] = '\0';
		}
		outcome->moved = batch_move(dir, file, moved, sizeof(moved));
	}

	bool ok = outcomes != NULL && (done == 0 || batch_attribute(&session.db, outcomes, done));

	if (ok)
		ok = batch_write_report(&session.db, dir, outcomes, done, &inbox);
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
	"clause batch [--strict] [--max-fichiers N] [--profils DOSSIER_PROFILS] DOSSIER",
	"Les fichiers gardent le nom que l'expéditeur leur a donné : chacun est reconnu à son\n"
	"en-tête, par le profil (de profiles/ et de --profils) dont il contient toutes les\n"
	"colonnes, ou par les colonnes canoniques d'une nature. Un fichier reconnu par aucun\n"
	"profil ou par plusieurs reste dans la boîte, avec la raison dans le compte rendu\n"
	"(le motif « fichiers » d'un profil départage). Le nom NATURE[--PROFIL][_libre].csv\n"
	"(ou .xlsx, .json), par exemple heures--etti-idees-bordeaux_2022-01.csv, ou\n"
	"DOSSIER/manifest.json ([{\"fichier\": …, \"nature\": …, \"profil\": …}]) imposent la\n"
	"nature et le profil ; une entrée du manifeste déjà dans traites/ est dite déjà traitée.\n"
	"Ordre : donneurs, entreprises, operations, marches, participants, conventions, heures,\n"
	"puis par nom. Chaque fichier est chargé en une transaction, puis déplacé dans\n"
	"DOSSIER/traites/ ; ses lignes rejetées vont dans traites/NOM.rejets.csv (lignes telles\n"
	"qu'envoyées suivies de ligne;colonne;motif, dans le séparateur et l'encodage du fichier).\n"
	"Un fichier refusé en entier reste dans la boîte. Ensuite les heures sont attribuées une\n"
	"fois et le compte rendu de ce passage est écrit dans DOSSIER/compte-rendu-AAAA-MM-JJTHHMM.txt,\n"
	"copié dans DOSSIER/compte-rendu.txt (le dernier) ; il liste aussi les fichiers refusés et\n"
	"laissés dans la boîte, avec leur motif. Code de sortie 2 quand un fichier reste dans la\n"
	"boîte ou a des lignes rejetées. Relancer sur les mêmes fichiers ne change rien ;\n"
	"après une interruption, relancer termine le reste.\n"
	"\nOptions :\n"
	"  --profils DOSSIER  des profils à essayer en plus de ceux de profiles/\n"
	"  --strict           une ligne rejetée refuse tout son fichier\n"
	"  --max-fichiers N   traiter au plus N fichiers (les autres restent dans la boîte)\n",
	batch_run, NULL
};
