/*
 * The monthly inbox run (clause batch DIR), below the command line: every file of the
 * scanned inbox imported in its stable order (referential kinds first, then hours), each in
 * its own transaction; processed files move to DIR/traites/ with their *.rejets.csv; then
 * one attribution of what they changed and the compte-rendu of the run.
 * Interrupted, it leaves each file loaded or not; run again, it completes the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "importers/profile.h"
#include "importers/rejects_file.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/lib/safe_file.h"
#include "src/lib/strbuf.h"
#include "src/workflow/attribute.h"
#include "src/workflow/compte_rendu.h"
#include "src/workflow/inbox_run.h"

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
batch_import_one(Db *db, const char *home, const InboxFile *file, bool strict,
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
		outcome->status = import_file(db, &options, &outcome->result);
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

int
inbox_run(Db *db, const char *dir, const char *home, const Inbox *inbox, bool strict, int max_files)
{
	int count = max_files >= 0 && max_files < inbox->count ? max_files : inbox->count;
	BatchOutcome *outcomes = calloc((size_t) (count ? count : 1), sizeof(BatchOutcome));
	int exit_code = inbox->skipped > 0 || inbox->nrefused > 0 ? EXIT_CODE_REJECTED : EXIT_CODE_OK;
	int done = 0;

	for (int i = 0; outcomes && i < count; i++)
	{
		const InboxFile *file = &inbox->files[i];
		BatchOutcome *outcome = &outcomes[done++];

		log_notice("[%d/%d] %s", i + 1, count, file->name);
		batch_import_one(db, home, file, strict, outcome);
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
				!rejects_file_write(db, file->path, &outcome->result, outcome->rejects_path))
				outcome->rejects_path[0] = '\0';
		}
		outcome->moved = batch_move(dir, file, moved, sizeof(moved));
	}

	bool ok = outcomes != NULL && (done == 0 || batch_attribute(db, outcomes, done));

	if (ok)
		ok = batch_write_report(db, dir, outcomes, done, inbox);
	if (!ok && exit_code == EXIT_CODE_OK)
		exit_code = EXIT_CODE_DATABASE;
	if (count < inbox->count)
		log_notice("%d fichier%s reste%s dans la boîte (--max-fichiers %d)", inbox->count - count,
				   fr_s(inbox->count - count), inbox->count - count > 1 ? "nt" : "", max_files);

	free(outcomes);
	return exit_code;
}
