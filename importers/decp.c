/*
 * DECP import: the scanner of json_scan.c walks the outer levels of the file and cuts
 * each marché out of the stream by brace depth; cJSON parses that marché alone; the marchés
 * with a social consideration are COPYed into a stage and merged by sql/merge/decp.sql.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "build/sql_files.h"
#include "importers/copy_format.h"
#include "importers/decode.h"
#include "importers/decp.h"
#include "importers/decp_record.h"
#include "importers/import_batch.h"
#include "importers/json_scan.h"
#include "importers/validate.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"

#define DECP_MAX_RECORD (8 * 1024 * 1024)	/* bytes of one marché: the memory bound */
#define DECP_CONTENT_MAX 2000	/* bytes of a rejected marché kept in rejet.contenu */

typedef enum
{
	ROLE_ROOT,
	ROLE_MARCHES,				/* value of "marches" */
	ROLE_MARCHE,				/* value of "marche": marchés, as an array or one object */
	ROLE_CONCESSIONS			/* value of "contrat-concession" */
} DecpRole;

typedef struct DecpImport
{
	Db *db;
	JsonScan scan;				/* its file is opened and closed here */
	const char *name;			/* file name for messages */
	int max_reported;
	char error[256];			/* structural error: the file is refused */
	bool found;					/* a "marches" container was seen */
	StrBuf record;				/* the marché being cut out */
	StrBuf copy;				/* stage rows not yet sent */
	DecpRecord rec;
	long long read;				/* marchés (and concessions) seen: the current one's ordinal */
	long long rejected;
	long long reported;			/* messages printed */
	DecpCounts counts;
} DecpImport;

/* ---- walking the outer levels --------------------------------------------- */

static bool
scan_fail(DecpImport *imp, const char *what)
{
	if (imp->error[0] == '\0')
		snprintf(imp->error, sizeof(imp->error), "JSON mal formé ligne %ld : %s", imp->scan.line,
				 what);
	return false;
}

/*
 * Reads the value whose first byte is next, into out when not NULL (its first
 * DECP_MAX_RECORD bytes): a string, a container, or a bare word (number, true, false,
 * null).
 */
static bool
scan_value(DecpImport *imp, StrBuf *out, bool *too_big)
{
	JsonValueInfo info;
	int c = json_scan_peek(&imp->scan);

	if (c != '{' && c != '[' && c != '"')
	{
		bool any = json_scan_word(&imp->scan, out, DECP_MAX_RECORD, &info);

		*too_big = info.too_big;
		if (info.no_memory)
			return false;
		return any || out == NULL ? true : scan_fail(imp, "valeur attendue");
	}

	bool whole = json_scan_value(&imp->scan, out, DECP_MAX_RECORD, JSON_SCAN_ANY_DEPTH, &info);

	*too_big = info.too_big;
	if (info.no_memory)
		return false;
	return whole ? true : scan_fail(imp, "fin de fichier au milieu d'une valeur (fichier tronqué ?)");
}

/* Reads an object key, its ':' and the spaces after; keys with escapes match nothing. */
static bool
scan_key(DecpImport *imp, char *key, size_t size)
{
	switch (json_scan_key(&imp->scan, key, size, NULL))
	{
		case JSON_KEY_OK:
			return true;
		case JSON_KEY_MISSING:
			return scan_fail(imp, "nom de champ attendu");
		case JSON_KEY_TRUNCATED:
			return scan_fail(imp, "fin de fichier dans un nom de champ");
		case JSON_KEY_NO_COLON:
			return scan_fail(imp, "« : » attendu après un nom de champ");
	}
	return false;
}

static bool decp_process_record(DecpImport *imp, long line, bool too_big);
static bool decp_reject(DecpImport *imp, long long ordinal, long line, const char *column,
						const char *reason, const char *content);

/* One element of a container of marchés (or of concessions). */
static bool
walk_element(DecpImport *imp, DecpRole role)
{
	bool too_big = false;
	long line = imp->scan.line;

	if (role == ROLE_CONCESSIONS)
	{
		imp->read++;
		imp->counts.ignored_concessions++;
		return scan_value(imp, NULL, &too_big);
	}
	if (json_scan_peek(&imp->scan) != '{')
	{
		if (!scan_value(imp, &imp->record, &too_big))
			return false;
		imp->read++;
		return decp_reject(imp, imp->read, line, NULL, "cet élément n'est pas un objet JSON (un marché attendu)",
						   imp->record.data);
	}
	return scan_value(imp, &imp->record, &too_big) && decp_process_record(imp, line, too_big);
}

/* Walks the value whose first byte is next, in the role its key gives it. */
static bool
walk_value(DecpImport *imp, DecpRole role)
{
	JsonScan *scan = &imp->scan;
	int c = json_scan_space(scan);
	bool too_big;

	if (role != ROLE_ROOT && role != ROLE_CONCESSIONS)
		imp->found = true;
	if (c == '[')
	{
		json_scan_get(scan);
		if (json_scan_space(scan) == ']')
			return json_scan_get(scan), true;
		for (;;)
		{
			if (!walk_element(imp, role == ROLE_CONCESSIONS ? role : ROLE_MARCHE))
				return false;
			c = json_scan_space(scan);
			json_scan_get(scan);
			if (c == ']')
				return true;
			if (c != ',')
				return scan_fail(imp, "« , » ou « ] » attendu entre deux marchés");
			json_scan_space(scan);
		}
	}
	if (c == '{' && (role == ROLE_MARCHE || role == ROLE_CONCESSIONS))
		return walk_element(imp, role);	/* a single marché, not in an array */
	if (c == '{')
	{
		char key[64];

		json_scan_get(scan);
		if (json_scan_space(scan) == '}')
			return json_scan_get(scan), true;
		for (;;)
		{
			if (!scan_key(imp, key, sizeof(key)))
				return false;
			if (role == ROLE_ROOT && strcmp(key, "marches") == 0)
			{
				if (!walk_value(imp, ROLE_MARCHES))
					return false;
			}
			else if (role == ROLE_MARCHES && strcmp(key, "marche") == 0)
			{
				if (!walk_value(imp, ROLE_MARCHE))
					return false;
			}
			else if (role == ROLE_MARCHES && strcmp(key, "contrat-concession") == 0)
			{
				if (!walk_value(imp, ROLE_CONCESSIONS))
					return false;
			}
			else if (!scan_value(imp, NULL, &too_big))
				return false;
			c = json_scan_space(scan);
			json_scan_get(scan);
			if (c == '}')
				return true;
			if (c != ',')
				return scan_fail(imp, "« , » ou « } » attendu entre deux champs");
			json_scan_space(scan);
		}
	}
	if (role == ROLE_ROOT)
		return scan_fail(imp, c == EOF ? "fichier vide" : "le fichier doit commencer par { ou [");
	if (c == 'n')				/* "marches": null */
		return scan_value(imp, NULL, &too_big);
	return scan_fail(imp, "tableau ou objet de marchés attendu");
}

/* ---- stage rows ---------------------------------------------------------- */

static bool
decp_put(StrBuf *row, const char *value)
{
	return copy_next_field(row) && (value && *value ? copy_append_text(row, value) : copy_append_null(row));
}

/* A PostgreSQL array literal element, quoted, or NULL for an empty text. */
static bool
decp_put_array_item(StrBuf *buf, const char *value, bool first)
{
	if (!first && !strbuf_putc(buf, ','))
		return false;
	if (*value == '\0')
		return strbuf_puts(buf, "NULL");
	if (!strbuf_putc(buf, '"'))
		return false;
	for (const char *p = value; *p; p++)
		if (((*p == '"' || *p == '\\') && !strbuf_putc(buf, '\\')) || !strbuf_putc(buf, *p))
			return false;
	return strbuf_putc(buf, '"');
}

static bool
decp_emit(DecpImport *imp, long long ordinal)
{
	const DecpRecord *rec = &imp->rec;
	StrBuf array = {0};
	StrBuf *row = &imp->copy;
	char duree[16] = "";
	bool ok;

	if (rec->duree_mois > 0)
		snprintf(duree, sizeof(duree), "%d", rec->duree_mois);
	ok = copy_append_int(row, ordinal) && decp_put(row, NULL) && decp_put(row, NULL) &&
		decp_put(row, NULL) && decp_put(row, rec->uid) && decp_put(row, rec->acheteur_id) &&
		decp_put(row, rec->acheteur_nom) && decp_put(row, rec->acheteur_type) &&
		decp_put(row, rec->objet) &&
		decp_put(row, rec->reserve ? "reserve_siae" : rec->clause ? "execution" : "critere");

	ok = ok && strbuf_puts(&array, "{");
	if (rec->clause)
		ok = ok && decp_put_array_item(&array, "Clause sociale", array.len == 1);
	if (rec->critere)
		ok = ok && decp_put_array_item(&array, "Critère social", array.len == 1);
	if (rec->reserve)
		ok = ok && decp_put_array_item(&array, "Marché réservé", array.len == 1);
	ok = ok && strbuf_puts(&array, "}") && decp_put(row, array.data) &&
		decp_put(row, rec->date_debut) && decp_put(row, duree) && decp_put(row, rec->montant) &&
		decp_put(row, rec->lieu_code) && decp_put(row, rec->lieu_code[0] ? rec->lieu_type : NULL);

	for (int pass = 0; ok && pass < 2; pass++)
	{
		strbuf_reset(&array);
		ok = strbuf_puts(&array, "{");
		for (int i = 0; ok && i < rec->ntitulaires; i++)
			ok = decp_put_array_item(&array, pass == 0 ? rec->titulaires[i].siret : rec->titulaires[i].nom,
									 i == 0);
		ok = ok && strbuf_puts(&array, "}") && decp_put(row, array.data);
	}
	strbuf_free(&array);
	return ok && copy_end_row(row) && import_copy_flush(imp->db, &imp->copy, false);
}

/* A stage row for a rejected marché, and its message (the first max_reported). */
static bool
decp_reject(DecpImport *imp, long long ordinal, long line, const char *column, const char *reason,
			const char *content)
{
	StrBuf *row = &imp->copy;
	StrBuf text = {0};
	size_t len = content ? strlen(content) : 0;
	size_t keep = len < DECP_CONTENT_MAX ? len : DECP_CONTENT_MAX;
	char why[VALIDATE_ERR_SIZE];
	bool ok;

	imp->rejected++;
	if (imp->reported < imp->max_reported)
	{
		imp->reported++;
		log_warn("%s : marché n° %lld (ligne %ld) rejeté%s%s : %s", imp->name, ordinal, line,
				 column ? ", champ " : "", column ? column : "", reason);
	}
	while (keep < len && keep > 0 && ((unsigned char) content[keep] & 0xC0) == 0x80)
		keep--;
	ok = strbuf_printf(&text, "[ligne %ld] ", line) && (keep == 0 || strbuf_append(&text, content, keep)) &&
		(keep == len || strbuf_puts(&text, "…"));
	/* invalid UTF-8 would make the server refuse the whole COPY */
	snprintf(why, sizeof(why), "%s", reason);
	decode_utf8_sanitize(why);
	if (ok)
		decode_utf8_sanitize(text.data);
	ok = ok && copy_append_int(row, ordinal) && decp_put(row, why) && decp_put(row, column) &&
		decp_put(row, text.data);
	for (int i = 0; ok && i < 14; i++)
		ok = copy_next_field(row) && copy_append_null(row);
	strbuf_free(&text);
	return ok && copy_end_row(row) && import_copy_flush(imp->db, &imp->copy, false);
}

/* Handles the marché just cut out of the stream into imp->record. */
static bool
decp_process_record(DecpImport *imp, long line, bool too_big)
{
	const char *text = imp->record.data;
	size_t len = imp->record.len;
	long long ordinal = ++imp->read;
	char err[VALIDATE_ERR_SIZE], note[VALIDATE_ERR_SIZE];
	const char *column = NULL;
	bool skip = false;

	if (too_big)
		return decp_reject(imp, ordinal, line, NULL, "marché trop volumineux (plus de 8 Mio)", text);

	size_t bad = decode_utf8_invalid_offset(text, len);

	if (bad < len || memchr(text, '\0', len))
	{
		snprintf(err, sizeof(err), "octet 0x%02X invalide en UTF-8 (le fichier doit être en UTF-8)",
				 bad < len ? (unsigned char) text[bad] : 0);
		return decp_reject(imp, ordinal, line, NULL, err, text);
	}

	cJSON *root = cJSON_ParseWithLength(text, len);

	if (root == NULL)
	{
		const char *where = cJSON_GetErrorPtr();
		long at = line;

		for (const char *p = text; where && p < where && p < text + len; p++)
			at += *p == '\n';
		snprintf(err, sizeof(err), "JSON invalide ligne %ld près de « %.30s »", at,
				 where && where >= text && where < text + len ? where : "");
		decp_record_clean_text(err, err, sizeof(err));
		return decp_reject(imp, ordinal, line, NULL, err, text);
	}

	bool ok;

	if (!cJSON_IsObject(root))
		ok = decp_reject(imp, ordinal, line, NULL, "cet élément n'est pas un objet JSON (un marché attendu)", text);
	else if (!decp_record_read(root, &imp->rec, &imp->counts, &column, err, note, &skip))
		ok = decp_reject(imp, ordinal, line, column, err, text);
	else
	{
		if (note[0] && imp->reported < imp->max_reported)
		{
			imp->reported++;
			log_warn("%s : marché n° %lld (ligne %ld) « %s » : %s", imp->name, ordinal, line,
					 imp->rec.id, note);
		}
		ok = skip || decp_emit(imp, ordinal);
	}
	cJSON_Delete(root);
	return ok;
}

/* ---- the batch ----------------------------------------------------------- */

static const char DECP_STAGE_SQL[] =
	"CREATE TEMP TABLE decp_stage ("
	" ligne integer PRIMARY KEY, motif text, colonne text, contenu text,"
	" decp_uid text, acheteur_id text, acheteur_nom text, acheteur_type text, objet text,"
	" forme text, considerations text[], date_debut date, duree_mois integer,"
	" montant numeric(14, 2), lieu_code text, lieu_type text, titulaires_siret char(14)[],"
	" titulaires_nom text[], remplace boolean NOT NULL DEFAULT false) ON COMMIT DROP";

static const char DECP_COPY_SQL[] =
	"COPY decp_stage (ligne, motif, colonne, contenu, decp_uid, acheteur_id, acheteur_nom,"
	" acheteur_type, objet, forme, considerations, date_debut, duree_mois, montant, lieu_code,"
	" lieu_type, titulaires_siret, titulaires_nom) FROM STDIN";

/* Streams the file's marchés into the stage; false on a structural error or a failure. */
static ImportStatus
decp_stream(DecpImport *imp, const char *path)
{
	unsigned char bom[3];

	FILE *file = fopen(path, "rb");

	if (file == NULL)
	{
		log_error("%s : ouverture impossible", imp->name);
		return IMPORT_FILE_REJECTED;
	}
	if (fread(bom, 1, 3, file) != 3 || bom[0] != 0xEF || bom[1] != 0xBB || bom[2] != 0xBF)
		rewind(file);
	json_scan_init(&imp->scan, file);
	if (!db_exec(imp->db, DECP_STAGE_SQL) || !db_copy_begin(imp->db, DECP_COPY_SQL))
		return IMPORT_DATABASE_ERROR;

	bool ok = walk_value(imp, ROLE_ROOT);

	if (ok && json_scan_space(&imp->scan) != EOF)
		ok = scan_fail(imp, "contenu après la fin du JSON");
	if (ok && ferror(file))
		ok = scan_fail(imp, "erreur de lecture");
	if (ok && !imp->found)
		ok = scan_fail(imp, "aucun champ « marches » (attendu : {\"marches\": [...]} ou "
					   "{\"marches\": {\"marche\": [...]}})");
	if (!ok && imp->error[0] == '\0')
		snprintf(imp->error, sizeof(imp->error), "import interrompu");
	if (import_copy_end(imp->db, &imp->copy, ok))
		return IMPORT_LOADED;
	if (imp->error[0])
	{
		log_error("%s : %s ; fichier refusé", imp->name, imp->error);
		return IMPORT_FILE_REJECTED;
	}
	return IMPORT_DATABASE_ERROR;
}

/* Merges the stage (sql/merge/decp.sql) and records the batch's counts. */
static bool
decp_merge(DecpImport *imp, ImportResult *result)
{
	ImportCounts merged = {0};	/* loaded, unchanged, rejected, duplicates */

	/* clause.lot_id, which the script reads, was set when the batch was opened */
	if (!db_exec(imp->db, SQL_MERGE_DECP) ||
		!db_query(imp->db, "SELECT charges, inchanges, rejetes, doublons FROM decp_compte", 0, NULL,
				  import_counts_read, &merged, NULL))
		return false;
	imp->counts.duplicates = merged.value[3];
	result->rows_read = imp->read;
	result->rows_loaded = merged.value[0];
	result->rows_unchanged = merged.value[1];
	result->rows_rejected = merged.value[2];
	return import_batch_record_counts(imp->db, result, imp->counts.ignored_no_social +
									  imp->counts.ignored_concessions + imp->counts.duplicates);
}

static void
decp_log_summary(const DecpImport *imp)
{
	const DecpCounts *c = &imp->counts;

	if (imp->rejected > imp->reported)
	{
		long long more = imp->rejected - imp->reported;

		log_warn("%s : … et %lld autre%s marché%s rejeté%s (clause report rejets)", imp->name,
				 more, fr_s(more), fr_s(more), fr_s(more));
	}
	log_info("%s : ignorés : %lld sans considération sociale, %lld contrat%s de concession, "
			 "%lld doublon%s (dernière occurrence retenue)", imp->name, c->ignored_no_social,
			 c->ignored_concessions, fr_s(c->ignored_concessions),
			 c->duplicates, fr_s(c->duplicates));
	if (c->titulaires_skipped > 0)
	{
		const char *s = fr_s(c->titulaires_skipped);

		log_notice("%s : %lld titulaire%s non identifié%s par un SIRET valide, non retenu%s",
				   imp->name, c->titulaires_skipped, s, s, s);
	}
	if (c->without_duration > 0)
		log_info("%s : %lld marché%s sans dureeMois valide (date de fin = date de notification)",
				 imp->name, c->without_duration, fr_s(c->without_duration));
}

/* The batch, in the transaction import_batch_start opened: streamed, merged, judged. */
static ImportStatus
decp_run(DecpImport *imp, const char *path, const char *sha, bool strict, ImportResult *result)
{
	ImportStatus status = import_batch_open(imp->db, "decp", imp->name, sha, result);

	if (status == IMPORT_LOADED)
		status = decp_stream(imp, path);
	if (status == IMPORT_LOADED && !decp_merge(imp, result))
		status = IMPORT_DATABASE_ERROR;
	if (status == IMPORT_LOADED)
		decp_log_summary(imp);
	if (status == IMPORT_LOADED && result->rows_rejected > 0)
		status = import_batch_judge_rejects(imp->name, result->rows_rejected, strict, "marché",
											"rejeté");
	return status;
}

ImportStatus
import_decp_file(Db *db, const char *path, bool strict, int max_reported, ImportResult *result,
				 DecpCounts *counts)
{
	char *path_copy = strdup(path);
	char sha[CHECKSUM_HEX_SIZE];
	DecpImport *imp = calloc(1, sizeof(DecpImport));
	ImportStatus status;

	memset(result, 0, sizeof(*result));
	if (counts)
		memset(counts, 0, sizeof(*counts));
	if (path_copy == NULL || imp == NULL)
	{
		free(path_copy);
		free(imp);
		return IMPORT_INTERNAL_ERROR;
	}
	imp->db = db;
	imp->name = basename(path_copy);
	imp->max_reported = max_reported;

	status = import_batch_start(db, path, sha);
	if (status == IMPORT_LOADED)
		status = import_batch_close(db, decp_run(imp, path, sha, strict, result), NULL, NULL);
	if (counts)
		*counts = imp->counts;
	if (imp->scan.file)
		fclose(imp->scan.file);
	strbuf_free(&imp->record);
	strbuf_free(&imp->copy);
	free(imp);
	free(path_copy);
	return status;
}
