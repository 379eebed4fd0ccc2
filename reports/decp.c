/*
 * clause report decp-a-suivre: the DECP marchés of a PLIE's territory that no opération
 * follows, read from v_decp_a_suivre (sql/views/40_decp.sql); text table or CSV.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/decp.h"
#include "reports/format_csv.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

#define DECP_COLUMNS 15
#define DECP_TEXT_COLUMNS 10

typedef struct DecpWriter
{
	FILE *out;
	bool csv;
	long long rows;
} DecpWriter;

static const char *const HEADERS[DECP_COLUMNS] = {
	"marché", "notifié le", "fin", "durée (mois)", "montant HT", "forme", "considérations sociales",
	"commune", "localisé par", "acheteur", "acheteur SIRET", "attributaire", "attributaire SIRET",
	"objet", "provenance"
};

/* The columns of the text table: which of HEADERS, width in characters, right-aligned,
 * cut with "…" when longer (never the marché's id: it is what the user copies). */
static const struct
{
	int column;
	int width;
	bool right;
	bool cut;
} TEXT_COLUMNS[DECP_TEXT_COLUMNS] = {
	{0, 24, false, false}, {1, 10, false, true}, {2, 10, false, true}, {4, 14, true, true},
	{5, 12, false, true}, {7, 22, false, true}, {8, 14, false, true}, {9, 30, false, true},
	{11, 30, false, true}, {13, 0, false, true}
};

/* Writes value in width characters (0: as is), cut with "…" when longer and cut. */
static void
decp_text_field(FILE *out, const char *value, int width, bool right, bool cut)
{
	int chars = 0;
	const char *p;

	for (p = value; *p; p++)
	{
		if (((unsigned char) *p & 0xC0) == 0x80)
			continue;
		if (cut && width > 0 && chars == width - 1)
		{
			/* more than one character left: cut here */
			const char *q = p + 1;

			while (((unsigned char) *q & 0xC0) == 0x80)
				q++;
			if (*q)
				break;
		}
		chars++;
	}
	if (right)
		for (int i = chars + (*p ? 1 : 0); i < width; i++)
			fputc(' ', out);
	fwrite(value, 1, (size_t) (p - value), out);
	if (*p)
		fputs("…", out);
	if (!right)
		for (int i = chars + (*p ? 1 : 0); i < width; i++)
			fputc(' ', out);
}

static void
decp_write_row(DecpWriter *writer, const char *const *values)
{
	if (writer->csv)
	{
		for (int i = 0; i < DECP_COLUMNS; i++)
		{
			if (i > 0)
				fputc(';', writer->out);
			csv_write_field(writer->out, values[i], true);
		}
		fputs("\r\n", writer->out);
		return;
	}
	for (int i = 0; i < DECP_TEXT_COLUMNS; i++)
	{
		if (i > 0)
			fputs("  ", writer->out);
		decp_text_field(writer->out, values[TEXT_COLUMNS[i].column], TEXT_COLUMNS[i].width,
						TEXT_COLUMNS[i].right, TEXT_COLUMNS[i].cut);
	}
	fputc('\n', writer->out);
}

static const char *
decp_located_by(const char *how)
{
	if (strcmp(how, "lieu_commune") == 0)
		return "lieu (commune)";
	if (strcmp(how, "code_postal") == 0)
		return "code postal";
	if (strcmp(how, "acheteur") == 0)
		return "acheteur";
	return how;
}

static bool
decp_row_callback(void *context, const DbRow *row)
{
	DecpWriter *writer = context;
	const char *raw[DECP_COLUMNS];
	const char *values[DECP_COLUMNS];
	char debut[16], fin[16], montant[64];

	for (int i = 0; i < DECP_COLUMNS; i++)
		raw[i] = values[i] = db_row_isnull(row, i) ? "" : db_row_value(row, i);
	format_fr_date(raw[1], debut, sizeof(debut));
	format_fr_date(raw[2], fin, sizeof(fin));
	values[1] = debut;
	values[2] = fin;
	if (raw[4][0])
	{
		double value = strtod(raw[4], NULL);

		if (writer->csv)
			format_csv_number(value, 2, montant, sizeof(montant));
		else
			format_fr_number(value, 2, montant, sizeof(montant));
		values[4] = montant;
	}
	values[8] = decp_located_by(raw[8]);
	decp_write_row(writer, values);
	writer->rows++;
	return true;
}

static bool
decp_plie_callback(void *context, const DbRow *row)
{
	snprintf(context, 256, "%s", db_row_value(row, 0));
	return true;
}

/* The name of PLIE plie into name (256 bytes), "" when there is no such PLIE. */
static bool
decp_plie_name(Db *db, const char *plie, char *name)
{
	name[0] = '\0';
	return db_query(db, "SELECT nom FROM plie WHERE code = $1", 1, (const char *[]) {plie},
					decp_plie_callback, name, NULL);
}

bool
decp_plie_exists(Db *db, const char *plie, bool *exists)
{
	char name[256];
	bool ok = decp_plie_name(db, plie, name);

	*exists = ok && name[0] != '\0';
	return ok;
}

/* Why a DECP marché without opération belongs to no PLIE (v_decp_localisation). */
#define UNLOCATED_WHY "(lieu d'exécution qui n'est ni une commune ni un code postal d'une " \
	"seule commune ou d'un seul PLIE, commune de l'acheteur inconnue)"

bool
decp_a_suivre_write(Db *db, const char *plie, bool csv, FILE *out, long long *count)
{
	char name[256] = "";
	char unlocated[32] = "0";
	DecpWriter writer = {.out = out, .csv = csv};
	const char *params[] = {plie};

	*count = 0;
	if (!decp_plie_name(db, plie, name))
		return false;
	if (name[0] == '\0')
	{
		char known[512] = "";

		db_query_value(db, "SELECT string_agg(code, ', ' ORDER BY code) FROM plie", 0, NULL,
					   known, sizeof(known), NULL);
		log_error("PLIE inconnu « %s » (attendu : %s)", plie, known);
		return false;
	}
	if (csv)
		fputs("\xEF\xBB\xBF", out);	/* BOM: French Excel then reads UTF-8 */
	decp_write_row(&writer, HEADERS);

	bool ok = db_query(db,
					   "SELECT marche_id, date_notification, date_fin, duree_mois, montant_ht, forme, "
					   "considerations_sociales, coalesce(communes, code_insee), localisation, acheteur, "
					   "acheteur_id, attributaire, attributaire_siret, objet, "
					   "fichier || ' n° ' || ligne || ' (lot ' || lot_id || ')' "
					   "FROM v_decp_a_suivre WHERE plie = $1 "
					   "ORDER BY date_notification DESC, marche_id",
					   1, params, decp_row_callback, &writer, NULL) &&
		db_query_value(db, "SELECT count(*) FROM marche m JOIN v_decp_localisation l ON l.marche_id = m.id "
					   "WHERE m.operation_id IS NULL AND l.localisation IS NULL",
					   0, NULL, unlocated, sizeof(unlocated), NULL);

	*count = writer.rows;
	if (ok)
	{
		long long lost = strtoll(unlocated, NULL, 10);

		log_notice("%s : %lld marché%s DECP à suivre (sans opération)", name, writer.rows,
				   fr_s(writer.rows));
		if (lost == 1)
			log_notice("1 marché DECP sans opération n'est pas localisé " UNLOCATED_WHY
					   " : il ne figure dans le rapport d'aucun PLIE");
		else if (lost > 1)
			log_notice("%lld marchés DECP sans opération ne sont pas localisés " UNLOCATED_WHY
					   " : ils ne figurent dans le rapport d'aucun PLIE", lost);
	}
	return ok && !ferror(out);
}
