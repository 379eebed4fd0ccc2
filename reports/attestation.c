/*
 * clause report attestation: one marché's hours due and done, by employer and modalité,
 * as a self-contained A4 page to print or save as PDF, or a workbook.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/attestation.h"
#include "reports/format_html.h"
#include "reports/format_xlsx.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

static const char *const TOTAL_HEADERS[ATT_COLUMNS] = {
	"marche", "lot", "intitule", "operation", "donneur", "attributaire_siret", "attributaire", "forme",
	"date_debut", "date_fin", "plie", "plie_nom", "heures_prevues", "heures_realisees",
	"heures_travaillees", "heures_formation", "participants", "contrats", "seuil"
};
static const bool TOTAL_NUMERIC[ATT_COLUMNS] = {
	false, false, false, false, false, false, false, false, false, false, false, false,
	true, true, true, true, true, true, true
};
static const char *const EMPLOYERS_HEADERS[] = {
	"SIRET", "Employeur", "Heures travaillées", "Heures de formation", "Heures réalisées",
	"Participants", "Contrats"
};
static const bool EMPLOYERS_NUMERIC[] = {false, false, true, true, true, true, true};
static const char *const MODALITES_HEADERS[] = {"Modalité", "Heures réalisées"};
static const bool MODALITES_NUMERIC[] = {false, true};

bool
attestation_load(Db *db, const char *marche, const char *siret, AttestationReport *report)
{
	const char *params[] = {marche, siret};

	snprintf(report->siret, sizeof(report->siret), "%s", siret ? siret : "");
	report->total = (ReportTable) {
		.title = "Marché", .empty = "aucun", .ncolumns = ATT_COLUMNS, .headers = TOTAL_HEADERS,
		.numeric = TOTAL_NUMERIC
	};
	report->employers = (ReportTable) {
		.title = "Heures réalisées par employeur", .empty = "aucune heure créditée", .ncolumns = 7,
		.headers = EMPLOYERS_HEADERS, .numeric = EMPLOYERS_NUMERIC
	};
	report->modalites = (ReportTable) {
		.title = "Heures réalisées par modalité", .empty = "aucune", .ncolumns = 2,
		.headers = MODALITES_HEADERS, .numeric = MODALITES_NUMERIC
	};
	if (siret && !db_query_value(db, "SELECT raison_sociale FROM entreprise WHERE siret = $1", 1,
								 &params[1], report->employer, sizeof(report->employer), NULL))
		return false;
	return db_query(db, "SELECT marche_id, lot, intitule, operation, donneur, attributaire_siret, attributaire, "
					"forme, to_char(date_debut, 'YYYY-MM-DD'), to_char(date_fin, 'YYYY-MM-DD'), plie, plie_nom, "
					"heures_prevues, heures_realisees, heures_travaillees, heures_formation, participants, "
					"contrats, seuil FROM attestation_total($1, $2)",
					2, params, table_add_row, &report->total, NULL) &&
		report->total.rows == 1 &&
		db_query(db, "SELECT * FROM attestation_employeurs($1, $2)", 2, params, table_add_row,
				 &report->employers, NULL) &&
		db_query(db, "SELECT libelle, heures FROM attestation_modalites($1, $2)", 2, params, table_add_row,
				 &report->modalites, NULL) &&
		sources_load_query(db, "SELECT * FROM attestation_sources($1, $2)", 2, params, &report->sources);
}

void
attestation_free(AttestationReport *report)
{
	table_free(&report->total);
	table_free(&report->employers);
	table_free(&report->modalites);
	sources_free(&report->sources);
}

const char *
attestation_field(const AttestationReport *report, AttestationField field)
{
	return report->total.rows == 1 ? report->total.cells[field] : "";
}

/* A count of people or contracts: "< 3" when masked (NULL), else the number. */
static void
masked_count(const AttestationReport *report, AttestationField field, char *out, size_t outsize)
{
	const char *value = attestation_field(report, field);

	if (value[0] == '\0')
		snprintf(out, outsize, "< %s", attestation_field(report, ATT_SEUIL));
	else
		snprintf(out, outsize, "%s", value);
}

static void
hours_text(const AttestationReport *report, AttestationField field, char *out, size_t outsize)
{
	const char *value = attestation_field(report, field);

	if (value[0] == '\0')
		snprintf(out, outsize, "non renseignées");
	else
	{
		char number[64];

		format_fr_number_max(strtod(value, NULL), 2, number, sizeof(number));
		snprintf(out, outsize, "%s h", number);
	}
}

static void
rate_text(const AttestationReport *report, char *out, size_t outsize)
{
	double due = strtod(attestation_field(report, ATT_PREVUES), NULL);

	if (due > 0)
		format_fr_percent(strtod(attestation_field(report, ATT_REALISEES), NULL) / due, out, outsize);
	else
		snprintf(out, outsize, "—");
}

/* "Attestation … — Gros œuvre (MA1)" and who it is for. */
static void
attestation_titles(const AttestationReport *report, char *title, size_t titlesize, char *subject,
				   size_t subjectsize)
{
	snprintf(title, titlesize, "Attestation de réalisation des heures d'insertion — %s (%s)",
			 attestation_field(report, ATT_INTITULE), attestation_field(report, ATT_MARCHE));
	if (report->siret[0])
		snprintf(subject, subjectsize, "Employeur : %s (SIRET %s), sur le marché attribué à %s",
				 report->employer, report->siret, attestation_field(report, ATT_ATTRIBUTAIRE));
	else
		snprintf(subject, subjectsize, "Attributaire : %s (SIRET %s)", attestation_field(report, ATT_ATTRIBUTAIRE),
				 attestation_field(report, ATT_ATTRIBUTAIRE_SIRET));
}

static void
attestation_period(const AttestationReport *report, char *out, size_t outsize)
{
	char from[16], to[16];

	format_fr_date(attestation_field(report, ATT_DEBUT), from, sizeof(from));
	format_fr_date(attestation_field(report, ATT_FIN), to, sizeof(to));
	snprintf(out, outsize, "du %s au %s", from, to);
}

/* A4 portrait, printable as is; the shared style of the other pages is not needed here. */
static const char ATTESTATION_STYLE[] =
	"@page { size: A4; margin: 18mm 16mm; }\n"
	"body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 11pt; color: #111; margin: 0 auto;"
	" max-width: 178mm; }\n"
	"h1 { font-size: 15pt; margin: 0 0 4mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; }\n"
	"table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #999; padding: 1.5mm 2mm;"
	" text-align: left; vertical-align: top; } td.n { text-align: right; white-space: nowrap; }\n"
	"th { background: #eee; } dl { display: grid; grid-template-columns: 45mm 1fr; gap: 1mm 4mm; margin: 0; }\n"
	"dt { font-weight: bold; } dd { margin: 0; } .sig { margin-top: 12mm; display: flex;"
	" justify-content: space-between; } .sig div { width: 45%; border-top: 1px solid #999; padding-top: 2mm; }\n"
	"footer { margin-top: 8mm; font-size: 8pt; color: #444; } footer td { font-family: 'DejaVu Sans Mono',"
	" monospace; word-break: break-all; }\n"
	"@media print { h2, table, dl { break-inside: avoid; } }\n";

static void
html_field(FILE *out, const char *term, const char *value)
{
	fputs("<dt>", out);
	html_escape(out, term);
	fputs("</dt><dd>", out);
	html_escape(out, value);
	fputs("</dd>\n", out);
}

bool
attestation_write_html(const AttestationReport *report, FILE *out)
{
	char title[512], subject[512], period[64], text[128], extracted[16];

	attestation_titles(report, title, sizeof(title), subject, sizeof(subject));
	attestation_period(report, period, sizeof(period));
	format_fr_date(report->sources.extracted, extracted, sizeof(extracted));
	fputs("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>", out);
	html_escape(out, title);
	fputs("</title>\n<style>\n", out);
	fputs(ATTESTATION_STYLE, out);
	fputs("</style>\n</head>\n<body>\n<h1>", out);
	html_escape(out, title);
	fputs("</h1>\n<p>", out);
	html_escape(out, subject);
	fputs("</p>\n<dl>\n", out);
	snprintf(text, sizeof(text), "%s%s%s", attestation_field(report, ATT_MARCHE),
			 attestation_field(report, ATT_LOT)[0] ? ", lot " : "", attestation_field(report, ATT_LOT));
	html_field(out, "Marché", text);
	html_field(out, "Opération", attestation_field(report, ATT_OPERATION));
	html_field(out, "Donneur d'ordre", attestation_field(report, ATT_DONNEUR));
	html_field(out, "Période du marché", period);
	html_field(out, "Suivi par", attestation_field(report, ATT_PLIE_NOM)[0]
			   ? attestation_field(report, ATT_PLIE_NOM) : "aucun PLIE");
	hours_text(report, ATT_PREVUES, text, sizeof(text));
	html_field(out, "Heures prévues (dues)", text);
	hours_text(report, ATT_REALISEES, text, sizeof(text));
	html_field(out, report->siret[0] ? "Heures réalisées par l'employeur" : "Heures réalisées", text);
	hours_text(report, ATT_TRAVAILLEES, text, sizeof(text));
	html_field(out, "dont heures travaillées", text);
	hours_text(report, ATT_FORMATION, text, sizeof(text));
	html_field(out, "dont heures de formation", text);
	rate_text(report, text, sizeof(text));
	html_field(out, "Taux de réalisation", text);
	masked_count(report, ATT_PARTICIPANTS, text, sizeof(text));
	html_field(out, "Participants", text);
	masked_count(report, ATT_CONTRATS, text, sizeof(text));
	html_field(out, "Contrats", text);
	fputs("</dl>\n", out);
	table_write_html(&report->employers, out);
	table_write_html(&report->modalites, out);
	fprintf(out, "<p>Heures réalisées : heures créditées (travaillées + formation) selon les règles de "
			"clause, sur la période du marché. Effectifs de 1 à %d masqués (« &lt; %s ») ; aucun "
			"participant n'est nommé.</p>\n",
			atoi(attestation_field(report, ATT_SEUIL)) - 1, attestation_field(report, ATT_SEUIL));
	fputs("<div class=\"sig\"><div>Le facilitateur clauses sociales<br/>", out);
	html_escape(out, attestation_field(report, ATT_PLIE_NOM));
	fputs("</div><div>Date et signature</div></div>\n", out);
	fprintf(out, "<footer>\n<p>Extraction du %s par clause. Chiffres issus des lots importés suivants :</p>\n",
			extracted);
	fputs("<table>\n<tr><th>Lot</th><th>Nature</th><th>Fichier</th><th>Importé le</th><th>SHA-256</th></tr>\n",
		  out);
	for (int i = 0; i < report->sources.count; i++)
	{
		const ReportSource *source = &report->sources.items[i];

		fprintf(out, "<tr><td>%lld</td><td>", source->lot);
		html_escape(out, source->nature);
		fputs("</td><td>", out);
		html_escape(out, source->file);
		fputs("</td><td>", out);
		html_escape(out, source->imported);
		fputs("</td><td>", out);
		html_escape(out, source->sha256);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n</footer>\n</body>\n</html>\n", out);
	return !ferror(out);
}

bool
attestation_write_xlsx(const AttestationReport *report, const char *path)
{
	static const char *const HEADERS[] = {"Rubrique", "Valeur"};
	static const bool NUMERIC[] = {false, false};
	static const char *const sheets[] = {"Attestation", "Par employeur", "Par modalité"};
	ReportTable summary = {
		.title = "Synthèse", .empty = "aucune", .ncolumns = 2, .headers = HEADERS, .numeric = NUMERIC,
		.mixed = true
	};
	char title[512], subject[512], subtitle[640], period[64], extracted[16];
	bool ok;

	attestation_titles(report, title, sizeof(title), subject, sizeof(subject));
	attestation_period(report, period, sizeof(period));
	format_fr_date(report->sources.extracted, extracted, sizeof(extracted));
	snprintf(subtitle, sizeof(subtitle), "%s — extraction du %s", subject, extracted);

	/* the summary as label/value rows: figures stay numbers, masked counts stay text */
	const struct
	{
		const char *label;
		int field;
	} rows[] = {
		{"Marché", ATT_MARCHE}, {"Lot", ATT_LOT}, {"Opération", ATT_OPERATION},
		{"Donneur d'ordre", ATT_DONNEUR}, {"Attributaire", ATT_ATTRIBUTAIRE},
		{"Début du marché", ATT_DEBUT}, {"Fin du marché", ATT_FIN},
		{"Suivi par", ATT_PLIE_NOM}, {"Heures prévues (dues)", ATT_PREVUES},
		{"Heures réalisées", ATT_REALISEES}, {"dont heures travaillées", ATT_TRAVAILLEES},
		{"dont heures de formation", ATT_FORMATION}, {"Participants", ATT_PARTICIPANTS},
		{"Contrats", ATT_CONTRATS},
	};
	int count = (int) (sizeof(rows) / sizeof(rows[0]));

	summary.cells = calloc((size_t) count * 2, sizeof(char *));
	if (summary.cells == NULL)
	{
		log_error("mémoire insuffisante");
		return false;
	}
	summary.rows = count;
	for (int r = 0; r < count; r++)
	{
		char value[256];

		if (rows[r].field == ATT_PARTICIPANTS || rows[r].field == ATT_CONTRATS)
			masked_count(report, (AttestationField) rows[r].field, value, sizeof(value));
		else
			snprintf(value, sizeof(value), "%s", attestation_field(report, (AttestationField) rows[r].field));
		summary.cells[r * 2] = strdup(rows[r].label);
		summary.cells[r * 2 + 1] = strdup(value);
		if (summary.cells[r * 2] == NULL || summary.cells[r * 2 + 1] == NULL)
		{
			log_error("mémoire insuffisante");
			table_free(&summary);
			return false;
		}
	}

	const ReportTable *tables[] = {&summary, &report->employers, &report->modalites};

	ok = tables_write_xlsx(tables, sheets, 3, title, subtitle, "Attestation d'heures d'insertion",
								 &report->sources, path);
	summary.capacity = count;
	table_free(&summary);
	return ok;
}
