/*
 * Line-level reports: every figure can be traced to its batch, file and line.
 * Text is an aligned table; CSV is what French Excel opens (BOM, ;, decimal comma).
 */
#include <stdlib.h>
#include <string.h>

#include "reports/format_csv.h"
#include "reports/lines.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

typedef struct TableWriter
{
	FILE *out;
	LinesFormat format;
	int ncolumns;
	const int *widths;			/* text format */
	const bool *numeric;		/* CSV: decimal comma for these */
	long long rows;
} TableWriter;

/* Pads by characters, not bytes, so accented values align. */
static void
write_padded(FILE *out, const char *value, int width, bool right)
{
	int chars = 0;

	for (const unsigned char *p = (const unsigned char *) value; *p; p++)
		if ((*p & 0xC0) != 0x80)
			chars++;
	if (right)
		for (int i = chars; i < width; i++)
			fputc(' ', out);
	fputs(value, out);
	if (!right)
		for (int i = chars; i < width; i++)
			fputc(' ', out);
}

static void
table_write_row(TableWriter *table, const char *const *values)
{
	for (int i = 0; i < table->ncolumns; i++)
	{
		if (table->format == LINES_CSV)
		{
			if (i > 0)
				fputc(';', table->out);
			if (table->numeric && table->numeric[i])
				csv_write_numeric_text(table->out, values[i], true);
			else
				csv_write_field(table->out, values[i], true);
		}
		else if (table->numeric && table->numeric[i] && strchr(values[i], '.'))
		{
			char number[64];	/* hours the French way: "98,5", never "98.50" */

			if (i > 0)
				fputs("  ", table->out);
			format_fr_number_max(strtod(values[i], NULL), 2, number, sizeof(number));
			write_padded(table->out, number, table->widths[i], true);
		}
		else
		{
			if (i > 0)
				fputs("  ", table->out);
			write_padded(table->out, values[i], table->widths[i],
						 table->numeric && table->numeric[i]);
		}
	}
	fputc(table->format == LINES_CSV ? '\r' : '\n', table->out);
	if (table->format == LINES_CSV)
		fputc('\n', table->out);
}

static void
table_begin(TableWriter *table, const char *const *headers)
{
	if (table->format == LINES_CSV)
		fputs("\xEF\xBB\xBF", table->out);	/* BOM: French Excel then reads UTF-8 */
	table_write_row(table, headers);
}

static bool
table_row_callback(void *context, const DbRow *row)
{
	TableWriter *table = context;
	const char *values[32];

	for (int i = 0; i < table->ncolumns && i < 32; i++)
		values[i] = db_row_isnull(row, i) ? "" : db_row_value(row, i);
	table_write_row(table, values);
	table->rows++;
	return true;
}

bool
lines_write(Db *db, const LinesFilter *filter, LinesFormat format, FILE *out,
			long long *count)
{
	static const char *const headers[] = {
		"fichier", "ligne", "lot", "participant", "marché", "employeur", "mois",
		"heures", "formation", "motif", "fiche"
	};
	static const int widths[] = {26, 6, 4, 10, 14, 14, 7, 8, 9, 20, 5};
	static const bool numeric[] = {false, true, true, false, false, false, false, true, true, false, false};
	TableWriter table = {.out = out, .format = format, .ncolumns = 11,
	.widths = widths, .numeric = numeric};
	const char *params[] = {filter->reason, filter->plie, filter->marche, filter->lot};

	table_begin(&table, headers);

	bool ok = db_query(db,
					   "SELECT fichier, ligne, lot_id, participant_id, marche_id, employeur_siret, "
					   "to_char(mois, 'YYYY-MM'), heures, heures_formation, "
					   "coalesce(motif, 'credite'), fiche "
					   "FROM v_ligne "
					   "WHERE CASE WHEN $1::text IS NULL THEN motif IS NOT NULL "
					   "           WHEN $1 = 'credite' THEN motif IS NULL ELSE motif = $1 END "
					   "  AND ($2::text IS NULL OR plie = $2) "
					   "  AND ($3::text IS NULL OR marche_id = $3) "
					   "  AND ($4::text IS NULL OR lot_id = $4::bigint) "
					   "ORDER BY lot_id, ligne",
					   4, params, table_row_callback, &table, NULL);

	*count = table.rows;
	return ok && !ferror(out);
}

bool
rejects_write(Db *db, const char *lot, LinesFormat format, FILE *out, long long *count)
{
	static const char *const headers[] = {"lot", "fichier", "ligne", "colonne", "motif", "contenu"};
	static const int widths[] = {4, 26, 6, 18, 50, 0};
	TableWriter table = {.out = out, .format = format, .ncolumns = 6, .widths = widths};
	const char *params[] = {lot};

	table_begin(&table, headers);

	bool ok = db_query(db,
					   "SELECT r.lot_id, b.fichier, r.ligne, coalesce(r.colonne, ''), r.motif, "
					   "coalesce(r.contenu, '') FROM rejet r JOIN lot_import b ON b.id = r.lot_id "
					   "WHERE $1::text IS NULL OR r.lot_id = $1::bigint ORDER BY r.lot_id, r.ligne",
					   1, params, table_row_callback, &table, NULL);

	*count = table.rows;
	return ok && !ferror(out);
}

bool
batches_write(Db *db, LinesFormat format, FILE *out)
{
	static const char *const headers[] = {
		"lot", "nature", "fichier", "importé le", "lues", "chargées", "inchangées",
		"rejetées", "sha256", "annulation"
	};
	static const int widths[] = {4, 12, 30, 16, 7, 8, 10, 8, 16, 0};
	static const bool numeric[] = {true, false, false, false, true, true, true, true, false, false};
	TableWriter table = {.out = out, .format = format, .ncolumns = 10,
	.widths = widths, .numeric = numeric};

	table_begin(&table, headers);

	bool ok = db_query(db,
					   "SELECT id, nature, fichier, to_char(importe_le, 'DD/MM/YYYY HH24:MI'), "
					   "lignes_lues, lignes_chargees, lignes_inchangees, lignes_rejetees, "
					   "CASE WHEN $1 THEN sha256 ELSE left(sha256, 16) END, "
					   "CASE WHEN annule_le IS NOT NULL THEN 'annulé le ' "
					   "     || to_char(annule_le, 'DD/MM/YYYY HH24:MI') || ' par ' || annule_par "
					   "     || ' : ' || annule_motif ELSE '' END "
					   "FROM lot_import ORDER BY id",
					   1, (const char *[]) {format == LINES_CSV ? "true" : "false"},
					   table_row_callback, &table, NULL);

	return ok && !ferror(out);
}

bool
history_write(Db *db, const char *participant, const char *marche, LinesFormat format,
			  FILE *out, long long *count)
{
	static const char *const headers[] = {
		"mois", "employeur", "lot", "fichier", "ligne", "importé le", "heures", "formation",
		"contrat", "modalité", "statut", "période", "lot annulé"
	};
	static const int widths[] = {7, 14, 4, 30, 6, 16, 8, 9, 14, 18, 20, 23, 0};
	static const bool numeric[] = {false, false, true, false, true, false, true, true, false, false,
		false, false, false};
	TableWriter table = {.out = out, .format = format, .ncolumns = 13,
	.widths = widths, .numeric = numeric};
	const char *params[] = {participant, marche};

	table_begin(&table, headers);

	bool ok = db_query(db,
					   "SELECT to_char(v.mois, 'YYYY-MM'), v.employeur_siret, v.lot_id, v.fichier, v.ligne, "
					   "to_char(b.importe_le, 'DD/MM/YYYY HH24:MI'), v.heures, v.heures_formation, "
					   "v.type_contrat, v.modalite, coalesce(v.motif, 'credite'), "
					   "coalesce(to_char(l.date_debut, 'DD/MM/YYYY') || ' au ' "
					   "         || to_char(l.date_fin, 'DD/MM/YYYY'), 'mois'), "
					   "CASE WHEN b.annule_le IS NOT NULL THEN 'annulé le ' "
					   "     || to_char(b.annule_le, 'DD/MM/YYYY HH24:MI') || ' par ' || b.annule_par "
					   "     || ' : ' || b.annule_motif ELSE '' END "
					   "FROM v_ligne v JOIN lot_import b ON b.id = v.lot_id "
					   "JOIN ligne_heures l ON l.id = v.ligne_id "
					   "WHERE v.participant_id = $1 AND v.marche_id = $2 "
					   "ORDER BY v.mois, v.employeur_siret, coalesce(l.date_debut, v.mois), v.lot_id",
					   2, params, table_row_callback, &table, NULL);

	*count = table.rows;
	return ok && !ferror(out);
}
