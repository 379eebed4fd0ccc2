/*
 * clause report attendus: the rows of sql attendus() in two tables (employers late,
 * marchés without hours), in text, CSV, HTML and xlsx; and its compte-rendu section.
 */
#include <string.h>

#include "reports/attendus.h"
#include "reports/format_csv.h"
#include "reports/format_html.h"
#include "reports/format_xlsx.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

static const char *const LATE_HEADERS[] = {
	"Marché", "Intitulé", "Opération", "SIRET", "Entreprise", "Dernier mois reçu"
};
static const char *const SILENT_HEADERS[] = {
	"Marché", "Intitulé", "Opération", "SIRET", "Attributaire", "Dernier mois reçu"
};
static const bool TABLE_NUMERIC[] = {false, false, false, false, false, false};
static const char *const ALL_HEADERS[] = {
	"Situation", "Marché", "Intitulé", "Opération", "SIRET", "Entreprise", "Dernier mois reçu"
};
static const bool ALL_NUMERIC[] = {false, false, false, false, false, false, false};

#define SITUATION_SQL \
	"CASE cas WHEN 'en_retard' THEN 'rien reçu ce mois' ELSE 'aucune heure depuis le début' END"

bool
attendus_load(Db *db, const char *plie, const char *month, AttendusReport *report)
{
	char first_day[16], name[128] = "";
	const char *params[] = {plie, first_day};

	snprintf(report->plie, sizeof(report->plie), "%s", plie);
	snprintf(report->month, sizeof(report->month), "%s", month);
	snprintf(first_day, sizeof(first_day), "%s-01", month);
	report->late = (ReportTable) {
		.title = "Employeurs qui ont envoyé des heures les mois précédents, rien encore ce mois",
		.empty = "aucun", .ncolumns = 6, .headers = LATE_HEADERS, .numeric = TABLE_NUMERIC
	};
	report->silent = (ReportTable) {
		.title = "Marchés commencés sans aucune heure reçue",
		.empty = "aucun", .ncolumns = 6, .headers = SILENT_HEADERS, .numeric = TABLE_NUMERIC
	};
	report->all = (ReportTable) {
		.title = "Heures attendues", .empty = "aucune", .ncolumns = 7, .headers = ALL_HEADERS,
		.numeric = ALL_NUMERIC
	};
	if (!db_query_value(db, "SELECT nom FROM plie WHERE code = $1", 1, params, name, sizeof(name), NULL))
		return false;
	snprintf(report->plie_nom, sizeof(report->plie_nom), "%s", name);
	return db_query(db, "SELECT marche_id, intitule, operation, siret, entreprise, "
					"to_char(dernier_mois, 'YYYY-MM') FROM attendus($1, $2::date) WHERE cas = 'en_retard'",
					2, params, table_add_row, &report->late, NULL) &&
		db_query(db, "SELECT marche_id, intitule, operation, siret, entreprise, 'aucun' "
				 "FROM attendus($1, $2::date) WHERE cas = 'sans_heures'",
				 2, params, table_add_row, &report->silent, NULL) &&
		db_query(db, "SELECT " SITUATION_SQL ", marche_id, intitule, operation, siret, entreprise, "
				 "coalesce(to_char(dernier_mois, 'YYYY-MM'), '') FROM attendus($1, $2::date)",
				 2, params, table_add_row, &report->all, NULL);
}

void
attendus_free(AttendusReport *report)
{
	table_free(&report->late);
	table_free(&report->silent);
	table_free(&report->all);
}

static void
attendus_title(const AttendusReport *report, char *out, size_t outsize)
{
	char month[32];

	format_fr_month(report->month, month, sizeof(month));
	snprintf(out, outsize, "Heures attendues — %s — %s", report->plie_nom, month);
}

bool
attendus_write_text(const AttendusReport *report, FILE *out)
{
	char title[256];

	attendus_title(report, title, sizeof(title));
	fprintf(out, "%s\n", title);
	fprintf(out, "Marchés actifs ce mois : qui n'a pas encore envoyé ses heures.\n");
	return table_write_text(&report->late, out) && table_write_text(&report->silent, out);
}

bool
attendus_write_csv(const AttendusReport *report, FILE *out)
{
	csv_write_bom(out);
	table_write_csv_rows(&report->all, out, true);
	return !ferror(out);
}

bool
attendus_write_html(const AttendusReport *report, const ReportSources *sources, FILE *out)
{
	char title[256];

	attendus_title(report, title, sizeof(title));
	html_begin(out, title);
	fputs("<h1>", out);
	html_escape(out, title);
	fputs("</h1>\n<p class=\"meta\">Marchés actifs ce mois : qui n'a pas encore envoyé ses heures.</p>\n", out);
	table_write_html(&report->late, out);
	table_write_html(&report->silent, out);
	html_end(out, sources);
	return !ferror(out);
}

bool
attendus_write_xlsx(const AttendusReport *report, const ReportSources *sources, const char *path)
{
	static const char *const sheets[] = {"Employeurs attendus", "Marchés sans heures"};
	const ReportTable *tables[] = {&report->late, &report->silent};
	char title[256], subtitle[128], extracted[16];

	attendus_title(report, title, sizeof(title));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	snprintf(subtitle, sizeof(subtitle), "Extraction du %s", extracted);
	return tables_write_xlsx(tables, sheets, 2, title, subtitle, "Heures attendues d'un PLIE", sources, path);
}

typedef struct CompteRenduRows
{
	FILE *out;
	long long rows;
} CompteRenduRows;

static bool
compte_rendu_row(void *context, const DbRow *row)
{
	CompteRenduRows *rows = context;
	char last[64] = "aucune heure depuis le début";

	if (!db_row_isnull(row, 4))
	{
		char month[24];

		format_fr_month(db_row_value(row, 4), month, sizeof(month));
		snprintf(last, sizeof(last), "dernier mois %s", month);
	}
	fprintf(rows->out, "  %s  %s  %s %s : %s\n", db_row_value(row, 0), db_row_value(row, 1),
			db_row_value(row, 2), db_row_value(row, 3), last);
	rows->rows++;
	return true;
}

bool
attendus_write_compte_rendu(Db *db, const char *month, FILE *out)
{
	char first_day[16], title[32];
	const char *params[] = {first_day};
	CompteRenduRows rows = {out, 0};

	snprintf(first_day, sizeof(first_day), "%s-01", month);
	format_fr_month(month, title, sizeof(title));
	fprintf(out, "\nHeures attendues pour %s, rien reçu encore (clause report attendus)\n", title);
	if (!db_query(db, "SELECT plie, marche_id, siret, coalesce(entreprise, ''), "
				  "to_char(dernier_mois, 'YYYY-MM') FROM attendus(NULL, $1::date)",
				  1, params, compte_rendu_row, &rows, NULL))
		return false;
	if (rows.rows == 0)
		fprintf(out, "  aucune\n");
	return !ferror(out);
}
