/*
 * Timesheet lines straight into ligne_heures (see heures_load.h). A stage table and an
 * INSERT ... SELECT cost five times the COPY itself on a million lines; resolving the
 * three references here, from maps of a few tens of thousands of ids, costs little.
 */
#include <stdlib.h>
#include <string.h>

#include "build/sql_files.h"
#include "importers/closest.h"
#include "importers/copy_format.h"
#include "importers/heures_load.h"
#include "importers/validate.h"
#include "src/lib/log.h"

/*
 * A blocked Bloom filter: 2^26 bits (8 MB) in 64-byte blocks, a key's three bits in one
 * block, so one cache miss a row instead of three. At a million distinct keys about one
 * in ten thousand is a false candidate, at four million one in two hundred; each costs
 * an index lookup in SQL, never a wrong result.
 */
#define BLOOM_BITS_LOG2 26
#define BLOOM_BLOCK_WORDS 8			/* 512 bits */
#define BLOOM_PROBES 3
#define SPILL_CHUNK (64 * 1024)

static bool
heures_load_put_one(void *context, const DbRow *row)
{
	return (row->row > 0 || strmap_reserve(context, (size_t) db_row_count(row))) &&
		strmap_put(context, db_row_value(row, 0), 1);
}

static bool
heures_load_put_marche(void *context, const DbRow *row)
{
	return (row->row > 0 || strmap_reserve(context, (size_t) db_row_count(row))) &&
		strmap_put(context, db_row_value(row, 0), db_row_value(row, 1)[0] == 't' ? 1 : 0);
}

/*
 * The statement-level reference check of ligne_heures (sql/migrations/0003) would check
 * again, at 0.6 s a million lines, what the maps check here against tables locked until
 * the commit: the owner disables it for this transaction only (ALTER TABLE is
 * transactional, and its lock keeps every other writer of ligne_heures, another timesheet
 * import included, waiting meanwhile), and heures_load_finish enables it again. SHARE on
 * the referential tables: their readers go on, their writers wait.
 */
static bool
heures_load_referential(Db *db, HeuresLoad *load)
{
	if (load->check_disabled &&
		!db_exec(db, "ALTER TABLE clause.ligne_heures DISABLE TRIGGER ligne_heures_references"))
		return false;
	return db_exec(db, "LOCK TABLE clause.participant, clause.entreprise, clause.marche "
				   "IN SHARE MODE") &&
		db_query(db, "SELECT id FROM clause.participant", 0, NULL,
				 heures_load_put_one, &load->participants, NULL) &&
		db_query(db, "SELECT siret FROM clause.entreprise", 0, NULL,
				 heures_load_put_one, &load->employers, NULL) &&
		db_query(db, "SELECT id, operation_id IS NOT NULL FROM clause.marche", 0, NULL,
				 heures_load_put_marche, &load->marches, NULL);
}

/* binary: the server reads the dates and numbers without parsing them (copy_format.h) */
#define COPY_LIGNE_HEURES_COLUMNS "(lot_id, ligne, participant_id, " \
	"employeur_siret, marche_id, mois, heures, heures_formation, type_contrat, modalite, " \
	"date_debut, date_fin) FROM STDIN (FORMAT binary)"
#define COPY_LIGNE_HEURES_FIELDS 12

/*
 * The COPY of the lines, its binary header sent first: into ligne_heures, or into the
 * table of the batch's own that ligne_heures_lot_creer() made (its name from the batch's
 * number, never from the file).
 */
static bool
heures_load_copy_begin(Db *db, const HeuresLoad *load)
{
	char sql[256];

	if (load->target == HEURES_OWN_TABLE)
		snprintf(sql, sizeof(sql), "COPY clause.ligne_heures_lot_%lld " COPY_LIGNE_HEURES_COLUMNS,
				 load->lot_id);
	else
		snprintf(sql, sizeof(sql), "COPY clause.ligne_heures " COPY_LIGNE_HEURES_COLUMNS);
	return db_copy_begin(db, sql) &&
		db_copy_put(db, COPY_BINARY_HEADER, COPY_BINARY_HEADER_SIZE);
}

/*
 * The month of "AAAA-MM-01" as a number, AAAA * 12 + MM - 1; 0 for what is no month.
 * Read digit by digit: it runs twice for every line of a file.
 */
static int
heures_load_month_of(const char *mois)
{
	int digits[6];

	for (int i = 0, k = 0; i < 7; i++)
	{
		if (i == 4 && mois[i] == '-')
			continue;
		if (i == 4 || mois[i] < '0' || mois[i] > '9')
			return 0;			/* a NUL stops here too: nothing read past it */
		digits[k++] = mois[i] - '0';
	}

	int year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
	int month = digits[4] * 10 + digits[5];

	return month >= 1 && month <= 12 ? year * 12 + month - 1 : 0;
}

static void
heures_load_mark_month(HeuresLoad *load, int month)
{
	load->months_ready[month / 8] |= (uint8_t) (1u << (month % 8));
}

/* A table's months [debut, fin), both "AAAA-MM" */
static bool
heures_load_put_months(void *context, const DbRow *row)
{
	int first = heures_load_month_of(db_row_value(row, 0));
	int end = heures_load_month_of(db_row_value(row, 1));

	for (int month = first; month < end; month++)
		heures_load_mark_month(context, month);
	return true;
}

/* The months that have their table already: a batch of those needs no COPY restarted. */
static bool
heures_load_known_months(Db *db, HeuresLoad *load)
{
	return db_query(db, "SELECT to_char(debut, 'YYYY-MM'), to_char(fin, 'YYYY-MM') "
					"FROM clause.ligne_heures_tables()", 0, NULL,
					heures_load_put_months, load, NULL);
}

bool
heures_load_month_ready(const HeuresLoad *load, const char *mois)
{
	int month = heures_load_month_of(mois);

	return load->target == HEURES_OWN_TABLE || ((load->months_ready[month / 8] >> (month % 8)) & 1u);
}

/*
 * The first line of the owner's batch opens a month: the batch goes into a table of its
 * own, which becomes that month's (heures_load_place). A batch whose first line finds its
 * month's table, another employer's file of a month already received, goes through
 * ligne_heures: through a table of its own it would be written twice.
 */
/* One of the functions of the batch's own table (sql/migrations/0220), given its number. */
static bool
heures_load_lot_call(Db *db, const HeuresLoad *load, const char *sql)
{
	char lot[32];
	const char *params[] = {lot};

	snprintf(lot, sizeof(lot), "%lld", load->lot_id);
	return db_query(db, sql, 1, params, NULL, NULL, NULL);
}

static bool
heures_load_own_table(Db *db, HeuresLoad *load)
{
	load->target = HEURES_OWN_TABLE;
	log_debug("première ligne d'un mois sans table : le lot dans une table à lui, rangée à la fin");
	return heures_load_lot_call(db, load, "SELECT clause.ligne_heures_lot_creer($1::bigint)") &&
		heures_load_copy_begin(db, load);
}

bool
heures_load_open_month(Db *db, HeuresLoad *load, const char *mois)
{
	const char *params[] = {mois, load->target == HEURES_YEAR_TABLES ? "true" : "false"};
	char made[8] = "";

	if (load->target == HEURES_OWN_TABLE_IF_NEW && load->copied == 0)
		return heures_load_own_table(db, load);

	/* ligne_heures_mois_table() decides which months get a table (not a month typed
	 * 1921): the debug line says what it did */
	if (!db_query_value(db, "SELECT clause.ligne_heures_mois_table($1::date, $2::boolean)",
						2, params, made, sizeof(made), NULL))
		return false;
	if (made[0] == 't')
		log_debug("première ligne de %.7s : table du mois prête", mois);
	else
		log_debug("première ligne de %.7s : pas de table pour ce mois, gardée dans ligne_heures_autres", mois);
	heures_load_mark_month(load, heures_load_month_of(mois));
	/* a year's table holds the other months of its year too */
	return (load->target != HEURES_YEAR_TABLES || made[0] != 't' ||
			heures_load_known_months(db, load)) &&
		heures_load_copy_begin(db, load);
}

bool
heures_load_place(Db *db, const HeuresLoad *load)
{
	return load->target != HEURES_OWN_TABLE ||
		heures_load_lot_call(db, load, "SELECT clause.ligne_heures_lot_ranger($1::bigint)");
}

bool
heures_load_narrow_years(Db *db, const HeuresLoad *load)
{
	StrBuf years = {0};
	bool ok = strbuf_putc(&years, '{');

	for (int year = 0; ok && year < 10000; year++)
		if (load->last_month[year] > 0 && load->last_month[year] < 12)
			ok = strbuf_printf(&years, "%s%d", years.len > 1 ? "," : "", year);
	ok = ok && strbuf_putc(&years, '}');
	if (ok && years.len > 2)
	{
		const char *params[] = {years.data};

		ok = db_query(db, "SELECT clause.ligne_heures_annees_resserrer($1::integer[])", 1, params,
					  NULL, NULL, NULL);
	}
	strbuf_free(&years);
	return ok;
}

bool
heures_load_begin(Db *db, HeuresLoad *load, long long lot_id, bool check_off, HeuresTarget target)
{
	load->lot_id = lot_id;
	load->target = target;
	load->check_disabled = check_off;
	load->bloom = calloc((size_t) 1 << (BLOOM_BITS_LOG2 - 6), sizeof(uint64_t));
	load->rejects = tmpfile();
	load->candidates = tmpfile();
	load->rejected_keys = tmpfile();
	if (load->bloom == NULL || load->rejects == NULL || load->candidates == NULL ||
		load->rejected_keys == NULL)
	{
		log_error("mémoire ou fichier temporaire indisponible pour l'import des heures");
		return false;
	}
	if (!heures_load_referential(db, load) || !heures_load_known_months(db, load))
		return false;
	log_debug("référentiel chargé : %zu participants, %zu entreprises, %zu marchés",
			  load->participants.count, load->employers.count, load->marches.count);
	return heures_load_copy_begin(db, load);
}

#define MAX_SUGGESTIONS 500		/* a file of unknown ids costs no more than this */

/* "participant inconnu « P999 »" then the nearest known ids, or what to check. */
static void
heures_load_unknown(HeuresLoad *load, const StrMap *known, const char *what, const char *value,
					const char *check, char *err)
{
	char nearest[256] = "";

	if (load->suggestions < MAX_SUGGESTIONS)
	{
		load->suggestions++;
		closest_keys(known, value, nearest, sizeof(nearest));
	}
	if (nearest[0])
		snprintf(err, VALIDATE_ERR_SIZE, "%s inconnu « %.100s » : vouliez-vous dire %s ?", what,
				 value, nearest);
	else
		snprintf(err, VALIDATE_ERR_SIZE, "%s inconnu « %.100s » : %s", what, value, check);
}

bool
heures_load_check_references(HeuresLoad *load, char *const *values, int *column, char *err)
{
	long followed = 0;

	/* the order of the checks the merge SQL made before (and the tests read) */
	if (!strmap_get(&load->participants, values[0], &followed))
	{
		*column = 0;
		heures_load_unknown(load, &load->participants, "participant", values[0],
							"vérifiez son identifiant", err);
		return false;
	}
	if (!strmap_get(&load->employers, values[1], &followed))
	{
		*column = 1;
		heures_load_unknown(load, &load->employers, "employeur (SIRET)", values[1],
							"vérifiez le SIRET", err);
		return false;
	}
	if (!strmap_get(&load->marches, values[2], &followed))
	{
		*column = 2;
		heures_load_unknown(load, &load->marches, "marché", values[2],
							"vérifiez la référence du marché", err);
		return false;
	}
	if (!followed)
	{
		*column = 2;
		snprintf(err, VALIDATE_ERR_SIZE, "marché « %.100s » dont les heures d'insertion ne sont pas "
				 "encore suivies : signalez-le au facilitateur", values[2]);
		return false;
	}
	return true;
}

static uint64_t
heures_load_key_hash(char *const *values)
{
	uint64_t hash = STRMAP_HASH_START;

	/* a separator after each part: ("ab", "c") and ("a", "bc") differ */
	for (int i = 0; i < 4; i++)
		hash = strmap_hash_continue(strmap_hash_continue(hash, values[i]), "\x1f");
	return hash;
}

/* Mixes the bits (splitmix64's finaliser), for the second hash of double hashing. */
static uint64_t
heures_load_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Sets the key's bits; true when they were all set already (the key may be a repeat). */
static bool
heures_load_bloom_add(uint64_t *bloom, char *const *values)
{
	uint64_t h1 = heures_load_key_hash(values);
	uint64_t h2 = heures_load_mix(h1);
	uint64_t blocks = ((uint64_t) 1 << BLOOM_BITS_LOG2) / (64 * BLOOM_BLOCK_WORDS);
	uint64_t *block = bloom + (h1 % blocks) * BLOOM_BLOCK_WORDS;
	bool all_set = true;

	for (int i = 0; i < BLOOM_PROBES; i++)
	{
		unsigned bit = (unsigned) (h2 >> (i * 9)) & 511;	/* 9 bits: 0..511 */
		uint64_t *word = &block[bit >> 6];
		uint64_t flag = (uint64_t) 1 << (bit & 63);

		all_set = all_set && (*word & flag);
		*word |= flag;
	}
	return all_set;
}

static bool
heures_load_write(FILE *file, const StrBuf *row)
{
	if (fwrite(row->data, 1, row->len, file) != row->len)
	{
		log_error("écriture impossible dans un fichier temporaire de l'import");
		return false;
	}
	return true;
}

static bool
heures_load_note_candidate(HeuresLoad *load, char *const *values)
{
	StrBuf *row = &load->scratch;

	strbuf_reset(row);
	for (int i = 0; i < 4; i++)
		if ((i > 0 && !copy_next_field(row)) || !copy_append_text(row, values[i]))
			return false;
	load->candidates_count++;
	return copy_end_row(row) && heures_load_write(load->candidates, row);
}

static void
heures_load_note_month(HeuresLoad *load, const char *mois)
{
	int month = heures_load_month_of(mois);

	if (month % 12 + 1 > load->last_month[month / 12])
		load->last_month[month / 12] = (uint8_t) (month % 12 + 1);
	if (load->mois_min[0] == '\0' || strcmp(mois, load->mois_min) < 0)
		snprintf(load->mois_min, sizeof(load->mois_min), "%s", mois);
	if (load->mois_max[0] == '\0' || strcmp(mois, load->mois_max) > 0)
		snprintf(load->mois_max, sizeof(load->mois_max), "%s", mois);
}

/* The first day of the month after "AAAA-MM-01", same form. */
static void
heures_load_next_month(const char *mois, char out[16])
{
	int year = (int) strtol(mois, NULL, 10);
	int month = (int) strtol(mois + 5, NULL, 10) + 1;

	if (month > 12)
	{
		month = 1;
		year++;
	}
	snprintf(out, 16, "%04d-%02d-01", (year % 10000 + 10000) % 10000, (month % 100 + 100) % 100);
}

/*
 * Notes a key (participant, employer, marché, month) in the Bloom filter, and a period
 * running into the next month under that month too (rule 2 compares periods across the
 * month's end): a key maybe seen before becomes a candidate repeat.
 */
static bool
heures_load_note_key(HeuresLoad *load, char *const *values, bool always_candidate)
{
	char next[16];
	char *shifted[4] = {values[0], values[1], values[2], next};

	if ((heures_load_bloom_add(load->bloom, values) || always_candidate) &&
		!heures_load_note_candidate(load, values))
		return false;
	if (values[9] == NULL)
		return true;
	heures_load_next_month(values[3], next);
	if (strcmp(values[9], next) < 0)
		return true;
	return !((heures_load_bloom_add(load->bloom, shifted) || always_candidate) &&
			 !heures_load_note_candidate(load, shifted));
}

/*
 * One line in the binary COPY format: the batch, the line number, then the canonical
 * values (participant, siret, marché, month, hours, training hours, contract, modalité,
 * period start and end) each by its column's type.
 */
static bool
heures_load_binary_row(long long lot_id, long long line, char *const *values, StrBuf *copy)
{
	enum { TEXT, DATE, NUMERIC } const types[10] = {TEXT, TEXT, TEXT, DATE, NUMERIC, NUMERIC,
		TEXT, TEXT, DATE, DATE};

	if (line > INT32_MAX || !copy_binary_row(copy, COPY_LIGNE_HEURES_FIELDS) ||
		!copy_binary_int8(copy, lot_id) || !copy_binary_int4(copy, (int) line))
		return false;
	for (int i = 0; i < 10; i++)
	{
		bool ok = values[i] == NULL ? copy_binary_null(copy)
			: types[i] == DATE ? copy_binary_date(copy, values[i])
			: types[i] == NUMERIC ? copy_binary_numeric(copy, values[i])
			: copy_binary_text(copy, values[i]);

		if (!ok)
			return false;
	}
	return true;
}

bool
heures_load_add_row(HeuresLoad *load, long long line, char *const *values, StrBuf *copy)
{
	if (!heures_load_note_key(load, values, false))
		return false;
	heures_load_note_month(load, values[3]);
	if (values[9] != NULL)
	{
		char month_end[16];

		snprintf(month_end, sizeof(month_end), "%.7s-01", values[9]);
		heures_load_note_month(load, month_end);
	}
	if (!heures_load_binary_row(load->lot_id, line, values, copy))
	{
		log_error("ligne %lld : valeur impossible à écrire au format binaire de COPY (erreur interne)", line);
		return false;
	}
	load->copied++;
	return true;
}

bool
heures_load_add_rejected_key(HeuresLoad *load, long long line, char *const *values)
{
	StrBuf *row = &load->scratch;

	if (!heures_load_note_key(load, values, true))
		return false;
	strbuf_reset(row);
	if (!copy_append_int(row, line))
		return false;
	for (int i = 0; i < 4; i++)
		if (!copy_next_field(row) || !copy_append_text(row, values[i]))
			return false;
	for (int i = 8; i < 10; i++)
		if (!copy_next_field(row) ||
			!(values[i] ? copy_append_text(row, values[i]) : copy_append_null(row)))
			return false;
	load->rejected_keys_count++;
	return copy_end_row(row) && heures_load_write(load->rejected_keys, row);
}

bool
heures_load_add_reject(HeuresLoad *load, long long line, const char *column,
					   const char *reason, const char *content)
{
	StrBuf *row = &load->scratch;

	strbuf_reset(row);
	if (!copy_append_int(row, load->lot_id) || !copy_next_field(row) ||
		!copy_append_int(row, line) || !copy_next_field(row) ||
		!(column ? copy_append_text(row, column) : copy_append_null(row)) ||
		!copy_next_field(row) || !copy_append_text(row, reason) || !copy_next_field(row) ||
		!copy_append_text(row, content ? content : "") || !copy_end_row(row))
		return false;
	load->rejected++;
	return heures_load_write(load->rejects, row);
}

/* Sends a spill file through COPY copy_sql. */
static bool
heures_load_copy_file(Db *db, FILE *file, const char *copy_sql)
{
	char chunk[SPILL_CHUNK];
	size_t n;
	bool ok = fflush(file) == 0 && fseek(file, 0, SEEK_SET) == 0 && db_copy_begin(db, copy_sql);

	if (!ok)
		return false;
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0)
		if (!db_copy_put(db, chunk, n))
		{
			db_copy_abort(db, "import interrompu");
			return false;
		}
	if (ferror(file))
	{
		log_error("lecture impossible d'un fichier temporaire de l'import");
		db_copy_abort(db, "import interrompu");
		return false;
	}
	return db_copy_end(db);
}

static bool
heures_load_script(Db *db, const char *sql, long long *count)
{
	char value[32];

	if (!db_exec_value(db, sql, value, sizeof(value)))
		return false;
	*count = strtoll(value, NULL, 10);
	return true;
}

/* The keys maybe seen twice, looked up in the batch's lines; repeats are rejected. */
static bool
heures_load_remove_repeats(Db *db, HeuresLoad *load, long long *removed)
{
	*removed = 0;
	if (load->candidates_count == 0)
		return true;
	log_debug("%lld clés peut-être en double à vérifier", load->candidates_count);
	return db_exec(db, "CREATE TEMP TABLE heures_candidat (participant_id text, "
				   "employeur_siret char(14), marche_id text, mois date) ON COMMIT DROP") &&
		db_exec(db, "CREATE TEMP TABLE heures_cle_rejetee (ligne integer, participant_id text, "
				"employeur_siret text, marche_id text, mois date, date_debut date, date_fin date) "
				"ON COMMIT DROP") &&
		heures_load_copy_file(db, load->candidates,
							  "COPY heures_candidat (participant_id, employeur_siret, marche_id, "
							  "mois) FROM STDIN") &&
		(load->rejected_keys_count == 0 ||
		 heures_load_copy_file(db, load->rejected_keys,
							   "COPY heures_cle_rejetee (ligne, participant_id, employeur_siret, "
							   "marche_id, mois, date_debut, date_fin) FROM STDIN")) &&
		db_exec(db, "ANALYZE heures_candidat") &&
		heures_load_script(db, SQL_MERGE_HEURES_DOUBLES, removed);
}

/* Lines equal to the standing value of their key, when an earlier batch covers a month. */
static bool
heures_load_remove_unchanged(Db *db, HeuresLoad *load, long long *removed)
{
	char overlap[8] = "f";

	*removed = 0;
	if (load->mois_min[0] == '\0')
		return true;

	char lot[24];

	snprintf(lot, sizeof(lot), "%lld", load->lot_id);

	const char *params[] = {lot, load->mois_min, load->mois_max};

	if (!db_query(db, "UPDATE clause.lot_import SET mois_min = $2, mois_max = $3 WHERE id = $1",
				  3, params, NULL, NULL, NULL) ||
		!db_query_value(db, "SELECT clause.mois_deja_couverts(ARRAY[$1::bigint]) IS TRUE",
						1, params, overlap, sizeof(overlap), NULL))
		return false;
	if (overlap[0] != 't')
		return true;
	return heures_load_script(db, SQL_MERGE_HEURES_INCHANGEES, removed);
}

bool
heures_load_finish(Db *db, HeuresLoad *load, HeuresCounts *counts)
{
	long long repeats = 0;
	long long unchanged = 0;

	if (load->rejected > 0 &&
		!heures_load_copy_file(db, load->rejects, "COPY clause.rejet (lot_id, ligne, colonne, "
							   "motif, contenu) FROM STDIN"))
		return false;
	if (!heures_load_remove_repeats(db, load, &repeats) ||
		!heures_load_remove_unchanged(db, load, &unchanged) ||
		(load->check_disabled &&
		 !db_exec(db, "ALTER TABLE clause.ligne_heures ENABLE TRIGGER ligne_heures_references")))
		return false;
	counts->rejected = load->rejected + repeats;
	counts->unchanged = unchanged;
	counts->loaded = load->copied - repeats - unchanged;
	return true;
}

void
heures_load_free(HeuresLoad *load)
{
	strmap_free(&load->participants);
	strmap_free(&load->employers);
	strmap_free(&load->marches);
	free(load->bloom);
	if (load->rejects)
		fclose(load->rejects);
	if (load->candidates)
		fclose(load->candidates);
	if (load->rejected_keys)
		fclose(load->rejected_keys);
	strbuf_free(&load->scratch);
	memset(load, 0, sizeof(*load));
}
