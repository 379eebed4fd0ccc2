/*
 * clause report impact|progress|observatoire|suivi|lines|rejets|batches|history: reports read
 * from the views of sql/.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "exitcodes.h"
#include "format_csv.h"
#include "format_html.h"
#include "format_xlsx.h"
#include "impact.h"
#include "lines.h"
#include "log.h"
#include "observatoire.h"
#include "progress.h"
#include "suivi.h"
#include "validate.h"

static const char *const REASONS[] = {
	"non_eligible", "hors_periode_marche", "depassement_plafond", "remplacee", "credite", NULL
};

static bool
parse_format(const char *value, const char *const *allowed)
{
	for (int i = 0; allowed[i]; i++)
		if (strcmp(value, allowed[i]) == 0)
			return true;
	return false;
}

/* The output formats of the audience reports. */
typedef enum
{
	REPORT_TEXT,
	REPORT_CSV,
	REPORT_XLSX,
	REPORT_JSON,
	REPORT_HTML
} ReportFormat;

static bool
parse_report_format(const char *value, ReportFormat *format)
{
	static const char *const names[] = {"text", "csv", "xlsx", "json", "html", NULL};

	for (int i = 0; names[i]; i++)
		if (strcmp(value, names[i]) == 0)
		{
			*format = (ReportFormat) i;
			return true;
		}
	return false;
}

/* AAAA-MM, month 01 to 12. */
static bool
parse_month(const char *value)
{
	if (strlen(value) != 7 || value[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (value[i] < '0' || value[i] > '9'))
			return false;

	int month = (value[5] - '0') * 10 + (value[6] - '0');

	return month >= 1 && month <= 12;
}

static int
impact_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"donneur", required_argument, NULL, 'd'},
		{"operation", required_argument, NULL, 'p'},
		{"from", required_argument, NULL, 'F'},
		{"to", required_argument, NULL, 'T'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause report impact";
	ImpactOptions impact = {0};
	ReportFormat format = REPORT_TEXT;
	const char *output = NULL;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'd':
				impact.donneur = optarg;
				break;
			case 'p':
				impact.operation = optarg;
				break;
			case 'F':
			case 'T':
				if (!parse_month(optarg))
					return cli_usage_error(command, "--%s attend un mois AAAA-MM (ex. 2021-01)",
										   opt == 'F' ? "from" : "to");
				if (opt == 'F')
					impact.from = optarg;
				else
					impact.to = optarg;
				break;
			case 'f':
				if (!parse_report_format(optarg, &format))
					return cli_usage_error(command, "format inconnu « %s » (text, csv, xlsx, json ou html)",
										   optarg);
				break;
			case 'o':
				output = optarg;
				break;
			default:
				return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);
	if (impact.donneur == NULL)
		return cli_usage_error(command, "précisez le donneur d'ordre (--donneur ID)");
	if (impact.from && impact.to && strcmp(impact.from, impact.to) > 0)
		return cli_usage_error(command, "--from %s est après --to %s", impact.from, impact.to);
	if (format == REPORT_XLSX && (output == NULL || strcmp(output, "-") == 0))
		return cli_usage_error(command, "le format xlsx demande un fichier (-o FICHIER.xlsx)");

	Session session = {0};
	ImpactReport report = {0};
	ReportSources sources = {0};
	bool unknown = false;

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	if (!impact_load(&session.db, &impact, &report, &unknown) ||
		!sources_load_impact(&session.db, impact.donneur, impact.operation, impact.from, impact.to,
							 &sources))
	{
		session_close(&session);
		impact_free(&report);
		sources_free(&sources);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}
	session_close(&session);

	bool ok = true;

	if (format == REPORT_XLSX)
		ok = impact_write_xlsx(&report, &sources, output);
	else
	{
		FILE *out = cli_open_output(output);

		ok = out != NULL;
		if (ok && format == REPORT_TEXT)
			ok = impact_write_text(&report, out);
		else if (ok && format == REPORT_CSV)
			ok = impact_write_csv(&report, out);
		else if (ok && format == REPORT_JSON)
			ok = impact_write_json(&report, &sources, out);
		else if (ok && format == REPORT_HTML)
			ok = impact_write_html(&report, &sources, out);
		if (out && !cli_close_output(out, output))
			ok = false;
	}
	impact_free(&report);
	sources_free(&sources);
	return ok ? EXIT_CODE_OK : EXIT_CODE_INTERNAL;
}

static int
suivi_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"plie", required_argument, NULL, 'p'},
		{"mois", required_argument, NULL, 'm'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause report suivi";
	const char *plie = NULL, *month = NULL, *output = NULL;
	ReportFormat format = REPORT_TEXT;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'p':
				plie = optarg;
				break;
			case 'm':
				if (!parse_month(optarg))
					return cli_usage_error(command, "--mois attend un mois AAAA-MM (ex. 2021-10)");
				month = optarg;
				break;
			case 'f':
				if (!parse_report_format(optarg, &format))
					return cli_usage_error(command, "format inconnu « %s » (text, csv, xlsx, json ou html)",
										   optarg);
				break;
			case 'o':
				output = optarg;
				break;
			default:
				return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);
	if (plie == NULL || month == NULL)
		return cli_usage_error(command, "précisez --plie CODE et --mois AAAA-MM");
	if (format == REPORT_XLSX && (output == NULL || strcmp(output, "-") == 0))
		return cli_usage_error(command, "le format xlsx demande un fichier (-o FICHIER.xlsx)");

	Session session = {0};
	SuiviReport report = {0};
	ReportSources sources = {0};
	bool unknown = false;

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	if (!suivi_load(&session.db, plie, month, &report, &unknown) ||
		((format == REPORT_XLSX || format == REPORT_HTML) && !sources_load_all(&session.db, &sources)))
	{
		session_close(&session);
		suivi_free(&report);
		sources_free(&sources);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}
	session_close(&session);

	bool ok = true;

	if (format == REPORT_XLSX)
		ok = suivi_write_xlsx(&report, &sources, output);
	else
	{
		FILE *out = cli_open_output(output);

		ok = out != NULL;
		if (ok && format == REPORT_TEXT)
			ok = suivi_write_text(&report, out);
		else if (ok && format == REPORT_CSV)
			ok = suivi_write_csv(&report, out);
		else if (ok && format == REPORT_JSON)
			ok = suivi_write_json(&report, out);
		else if (ok && format == REPORT_HTML)
			ok = suivi_write_html(&report, &sources, out);
		if (out && !cli_close_output(out, output))
			ok = false;
	}
	suivi_free(&report);
	sources_free(&sources);
	return ok ? EXIT_CODE_OK : EXIT_CODE_INTERNAL;
}

/* --year: a year from 2000 to 2100. */
static bool
parse_year(const char *value, int *year)
{
	char *end = NULL;
	long number = strtol(value, &end, 10);

	if (*value == '\0' || *end != '\0' || number < 2000 || number > 2100)
		return false;
	*year = (int) number;
	return true;
}

static int
observatoire_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"year", required_argument, NULL, 'y'},
		{"annee", required_argument, NULL, 'y'},
		{"plie", required_argument, NULL, 'p'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause report observatoire";
	const char *plie = NULL, *output = NULL;
	ReportFormat format = REPORT_TEXT;
	int year = 0;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'y':
				if (!parse_year(optarg, &year))
					return cli_usage_error(command, "--year attend une année (ex. 2021)");
				break;
			case 'p':
				plie = optarg;
				break;
			case 'f':
				if (!parse_report_format(optarg, &format))
					return cli_usage_error(command, "format inconnu « %s » (text, csv, xlsx, json ou html)",
										   optarg);
				break;
			case 'o':
				output = optarg;
				break;
			default:
				return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);
	if (year == 0)
		return cli_usage_error(command, "précisez l'année (--year AAAA)");
	if (format == REPORT_XLSX && (output == NULL || strcmp(output, "-") == 0))
		return cli_usage_error(command, "le format xlsx demande un fichier (-o FICHIER.xlsx)");

	Session session = {0};
	ObservatoireReport report = {0};
	ReportSources sources = {0};
	bool unknown = false;

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	if (!observatoire_load(&session.db, year, plie, &report, &unknown) ||
		!sources_load_all(&session.db, &sources))
	{
		session_close(&session);
		observatoire_free(&report);
		sources_free(&sources);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}
	session_close(&session);

	bool ok = true;

	if (format == REPORT_XLSX)
		ok = observatoire_write_xlsx(&report, &sources, output);
	else
	{
		FILE *out = cli_open_output(output);

		ok = out != NULL;
		if (ok && format == REPORT_TEXT)
			ok = observatoire_write_text(&report, out);
		else if (ok && format == REPORT_CSV)
			ok = observatoire_write_csv(&report, out);
		else if (ok && format == REPORT_JSON)
			ok = observatoire_write_json(&report, &sources, out);
		else if (ok && format == REPORT_HTML)
			ok = observatoire_write_html(&report, &sources, out);
		if (out && !cli_close_output(out, output))
			ok = false;
	}
	observatoire_free(&report);
	sources_free(&sources);
	return ok ? EXIT_CODE_OK : EXIT_CODE_INTERNAL;
}

static int
progress_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"year", required_argument, NULL, 'y'},
		{"plie", required_argument, NULL, 'p'},
		{"as-of", required_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause report progress";
	int year = 2021;
	const char *plie = NULL, *output = NULL;
	ReportFormat format = REPORT_TEXT;
	char as_of[11] = "";
	char err[VALIDATE_ERR_SIZE];
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'y':
				if (!parse_year(optarg, &year))
					return cli_usage_error(command, "--year attend une année (ex. 2021)");
				break;
			case 'p':
				plie = optarg;
				break;
			case 'a':
				if (!validate_date(optarg, as_of, err))
					return cli_usage_error(command, "--as-of : %s", err);
				break;
			case 'f':
				if (!parse_report_format(optarg, &format))
					return cli_usage_error(command, "format inconnu « %s » (text, csv, xlsx, json ou html)",
										   optarg);
				break;
			case 'o':
				output = optarg;
				break;
			default:
				return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);
	if (format == REPORT_XLSX && (output == NULL || strcmp(output, "-") == 0))
		return cli_usage_error(command, "le format xlsx demande un fichier (-o FICHIER.xlsx)");
	if (as_of[0] == '\0')
	{
		time_t now = time(NULL);
		struct tm today;

		localtime_r(&now, &today);
		strftime(as_of, sizeof(as_of), "%Y-%m-%d", &today);
	}

	Session session = {0};
	ProgressReport report = {0};
	ReportSources sources = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	if (!progress_load(&session.db, year, plie, as_of, &report) ||
		!sources_load_all(&session.db, &sources))
	{
		session_close(&session);
		progress_free(&report);
		sources_free(&sources);
		return EXIT_CODE_DATABASE;
	}
	session_close(&session);

	bool ok = true;

	if (format == REPORT_XLSX)
		ok = progress_write_xlsx(&report, &sources, output);
	else
	{
		FILE *out = cli_open_output(output);

		ok = out != NULL;
		if (ok && format == REPORT_TEXT)
			ok = progress_write_text(&report, out);
		else if (ok && format == REPORT_CSV)
			ok = progress_write_csv(&report, out);
		else if (ok && format == REPORT_JSON)
			ok = progress_write_json(&report, out);
		else if (ok && format == REPORT_HTML)
			ok = progress_write_html(&report, &sources, out);
		if (out && !cli_close_output(out, output))
			ok = false;
	}
	progress_free(&report);
	sources_free(&sources);
	return ok ? EXIT_CODE_OK : EXIT_CODE_INTERNAL;
}

typedef struct TableCommandOptions
{
	const char *reason;
	const char *plie;
	const char *marche;
	const char *participant;
	const char *lot;
	LinesFormat format;
	const char *output;
} TableCommandOptions;

/* Options shared by the line-level reports. */
static int
parse_table_options(const char *command, int argc, char **argv, TableCommandOptions *opts)
{
	static const struct option options[] = {
		{"reason", required_argument, NULL, 'r'},
		{"motif", required_argument, NULL, 'r'},
		{"plie", required_argument, NULL, 'p'},
		{"marche", required_argument, NULL, 'm'},
		{"participant", required_argument, NULL, 'P'},
		{"lot", required_argument, NULL, 'l'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}
	};
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'r':
				if (!parse_format(optarg, REASONS))
					return cli_usage_error(command, "motif inconnu « %s » (non_eligible, "
										   "hors_periode_marche, depassement_plafond, remplacee, credite)",
										   optarg);
				opts->reason = optarg;
				break;
			case 'p':
				opts->plie = optarg;
				break;
			case 'm':
				opts->marche = optarg;
				break;
			case 'P':
				opts->participant = optarg;
				break;
			case 'l':
				{
					char *end = NULL;

					strtoll(optarg, &end, 10);
					if (*optarg == '\0' || *end != '\0')
						return cli_usage_error(command, "--lot attend un numéro de lot");
					opts->lot = optarg;
					break;
				}
			case 'f':
				if (strcmp(optarg, "text") == 0)
					opts->format = LINES_TEXT;
				else if (strcmp(optarg, "csv") == 0)
					opts->format = LINES_CSV;
				else
					return cli_usage_error(command, "format inconnu « %s » (text ou csv)", optarg);
				break;
			case 'o':
				opts->output = optarg;
				break;
			default:
				return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);
	return EXIT_CODE_OK;
}

typedef enum
{
	TABLE_LINES,
	TABLE_REJECTS,
	TABLE_BATCHES,
	TABLE_HISTORY
} TableKind;

static int
table_report_run(const char *command, TableKind kind, int argc, char **argv)
{
	TableCommandOptions opts = {0};
	int code = parse_table_options(command, argc, argv, &opts);

	if (code != EXIT_CODE_OK)
		return code;
	if (kind == TABLE_HISTORY && (opts.participant == NULL || opts.marche == NULL))
		return cli_usage_error(command, "précisez --participant ID et --marche ID");

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	FILE *out = cli_open_output(opts.output);
	bool ok = out != NULL;
	long long count = 0;

	if (ok && kind == TABLE_LINES)
	{
		LinesFilter filter = {opts.reason, opts.plie, opts.marche, opts.lot};

		ok = lines_write(&session.db, &filter, opts.format, out, &count);
		if (ok)
			log_notice("%lld lignes", count);
	}
	else if (ok && kind == TABLE_REJECTS)
	{
		ok = rejects_write(&session.db, opts.lot, opts.format, out, &count);
		if (ok)
			log_notice("%lld lignes rejetées", count);
	}
	else if (ok && kind == TABLE_HISTORY)
	{
		ok = history_write(&session.db, opts.participant, opts.marche, opts.format, out, &count);
		if (ok)
			log_notice("%lld valeurs", count);
	}
	else if (ok)
		ok = batches_write(&session.db, opts.format, out);

	if (out && !cli_close_output(out, opts.output))
		ok = false;
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static int
lines_run(int argc, char **argv)
{
	return table_report_run("clause report lines", TABLE_LINES, argc, argv);
}

static int
rejects_run(int argc, char **argv)
{
	return table_report_run("clause report rejets", TABLE_REJECTS, argc, argv);
}

static int
batches_run(int argc, char **argv)
{
	return table_report_run("clause report batches", TABLE_BATCHES, argc, argv);
}

static const Command REPORT_IMPACT = {
	"impact", "tableau d'impact d'un donneur d'ordre (heures, participants, profils)",
	"clause report impact --donneur ID [--operation ID] [--from AAAA-MM --to AAAA-MM]\n"
	"                            [--format text|csv|xlsx|json|html] [-o FICHIER]",
	"Le total, puis une section par opération, par marché (lot) et par entreprise\n"
	"attributaire : heures prévues et réalisées (travaillées + formation), taux de\n"
	"réalisation, ETP, participants, contrats, profil (femmes/hommes, âge à la première\n"
	"heure, QPV, critères), types de contrat, modalités et heures par mois. Agrégé : aucun\n"
	"nom ni identifiant de participant ; tout effectif de 1 à 2 personnes est affiché « < 3 »\n"
	"(seuil réglable : clause config set seuil_masquage N).\n"
	"\nOptions :\n"
	"  --donneur ID      le donneur d'ordre (identifiant de donneurs.csv)\n"
	"  --operation ID    une seule de ses opérations\n"
	"  --from AAAA-MM    premier mois des heures comptées\n"
	"  --to AAAA-MM      dernier mois des heures comptées\n"
	"  --format F        text (défaut), csv (Excel), xlsx, json ou html\n"
	"  -o, --output F    écrire dans F (obligatoire pour xlsx)\n",
	impact_run, NULL
};
static const Command REPORT_SUIVI = {
	"suivi", "fiche mensuelle du facilitateur : échéances, marchés muets, éligibilités, rejets",
	"clause report suivi --plie CODE --mois AAAA-MM [--format text|csv|xlsx|json|html] [-o FICHIER]",
	"Pour le PLIE et le mois : les marchés finissant d'ici 3 mois avec des heures dues\n"
	"(heures prévues − réalisées), les plus urgents d'abord ; les marchés actifs sans heures\n"
	"déclarées depuis 2 mois ; les participants qui ont des heures mais pas d'éligibilité\n"
	"validée ; les lignes non comptabilisées, par motif (du mois et depuis janvier).\n"
	"\nOptions :\n"
	"  --plie CODE       le PLIE (agenais, bordeaux, technowest, grand_perigueux,\n"
	"                    haut_perigord, portes_du_sud, sources)\n"
	"  --mois AAAA-MM    le mois suivi\n"
	"  --format F        text (défaut), csv (Excel : une colonne « Rubrique » et les colonnes\n"
	"                    des quatre tableaux), xlsx (une feuille par tableau), json ou html\n"
	"  -o, --output F    écrire dans F (obligatoire pour xlsx)\n",
	suivi_run, NULL
};
static const Command REPORT_OBSERVATOIRE = {
	"observatoire", "chiffres annuels de l'enquête de l'observatoire national des clauses",
	"clause report observatoire --year AAAA [--plie CODE] [--format text|csv|xlsx|json|html] [-o FICHIER]",
	"Les chiffres que l'observatoire de l'Alliance Villes Emploi collecte chaque année :\n"
	"heures d'insertion (créditées, travaillées + formation, des mois de l'année), ETP,\n"
	"participants, contrats, donneurs d'ordre avec des heures, marchés clausés actifs,\n"
	"facilitateurs (ETP déclarés sur les fiches : clause fiche etp CODE ETP) ; puis les\n"
	"répartitions par sexe, âge (à la première heure de l'année), critère d'éligibilité,\n"
	"type de contrat, modalité et secteur, en heures et en participants. Tout effectif de\n"
	"1 à 2 personnes est affiché « < 3 » (clause config set seuil_masquage N).\n"
	"\nOptions :\n"
	"  --year AAAA       l'année (obligatoire)\n"
	"  --plie CODE       un seul PLIE (par défaut : tous)\n"
	"  --format F        text (défaut), csv (Excel), xlsx, json ou html\n"
	"  -o, --output F    écrire dans F (obligatoire pour xlsx)\n",
	observatoire_run, NULL
};
static const Command REPORT_PROGRESS = {
	"progress", "avancement des fiches opération face à leurs cibles",
	"clause report progress [--year 2021] [--plie CODE] [--as-of DATE]\n"
	"                              [--format text|csv|xlsx|json|html] [-o FICHIER]",
	"Pour chaque fiche clause et chaque indicateur : cible, réalisé, pourcentage, valeur\n"
	"attendue à la date (--as-of, par défaut aujourd'hui ramené à la période) et projection\n"
	"de fin de période au rythme actuel. Les cibles « par ETP » sont multipliées par l'ETP\n"
	"déclaré (clause fiche etp CODE ETP).\n"
	"\nOptions :\n"
	"  --year AAAA       année des fiches (2021 par défaut)\n"
	"  --plie CODE       un seul PLIE (agenais, bordeaux, technowest, grand_perigueux,\n"
	"                    haut_perigord, portes_du_sud, sources)\n"
	"  --as-of DATE      date de calcul, JJ/MM/AAAA ou AAAA-MM-JJ\n"
	"  --format F        text (défaut), csv (Excel), xlsx, json ou html (tableau de bord :\n"
	"                    courbe cumulée, trajectoire vers la cible, projection, jauges)\n"
	"  -o, --output F    écrire dans F plutôt que sur la sortie standard (obligatoire pour xlsx)\n",
	progress_run, NULL
};
static const Command REPORT_LINES = {
	"lines", "lignes d'heures non comptabilisées (ou créditées), avec fichier et ligne",
	"clause report lines [--reason MOTIF] [--plie CODE] [--marche ID] [--lot N] [--format text|csv] [-o F]",
	"Motifs : non_eligible, hors_periode_marche, depassement_plafond, remplacee ; « credite »\n"
	"liste les lignes créditées. Sans --reason : toutes les lignes non comptabilisées.\n",
	lines_run, NULL
};
static const Command REPORT_REJECTS = {
	"rejets", "lignes rejetées à l'import, avec ligne, colonne et motif",
	"clause report rejets [--lot N] [--format text|csv] [-o F]", NULL, rejects_run, NULL
};
static const Command REPORT_BATCHES = {
	"batches", "lots importés : fichier, date, SHA-256 et ce que chacun a changé",
	"clause report batches [--format text|csv] [-o F]",
	"Pour chaque lot : nature, fichier, date d'import, SHA-256, lignes lues, chargées\n"
	"(nouvelles ou modifiées), inchangées et rejetées.\n", batches_run, NULL
};

static int
history_run(int argc, char **argv)
{
	return table_report_run("clause report history", TABLE_HISTORY, argc, argv);
}

static const Command REPORT_HISTORY = {
	"history", "toutes les valeurs qu'ont prises les lignes d'un participant sur un marché",
	"clause report history --participant ID --marche ID [--format text|csv] [-o F]",
	"Pour chaque mois et employeur : chaque lot qui a donné une valeur (fichier, ligne,\n"
	"date d'import), la valeur, et son statut (remplacee pour les valeurs corrigées ensuite).\n",
	history_run, NULL
};

static const Command *const REPORT_SUBCOMMANDS[] = {
	&REPORT_IMPACT, &REPORT_PROGRESS, &REPORT_OBSERVATOIRE, &REPORT_SUIVI, &REPORT_LINES, &REPORT_REJECTS, &REPORT_BATCHES,
	&REPORT_HISTORY, &REPORT_DECP_A_SUIVRE, NULL
};

const Command COMMAND_REPORT = {
	"report", "rapports (impact, avancement des fiches, observatoire, suivi, lignes, rejets, lots)", "clause report RAPPORT ...",
	NULL, NULL, REPORT_SUBCOMMANDS
};
