/*
 * clause report impact|progress|observatoire|suivi|lines|rejets|batches|history|decp-a-suivre:
 * reports read from the views of sql/.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../reports/decp.h"
#include "cli.h"
#include "exitcodes.h"
#include "format.h"
#include "format_csv.h"
#include "format_html.h"
#include "format_xlsx.h"
#include "impact.h"
#include "known.h"
#include "lines.h"
#include "log.h"
#include "observatoire.h"
#include "progress.h"
#include "suivi.h"
#include "validate.h"

static const char *const REASONS[] = {
	"non_eligible", "hors_periode_marche", "depassement_plafond", "remplacee", "lot_annule", "credite",
	NULL
};

static bool
parse_format(const char *value, const char *const *allowed)
{
	for (int i = 0; allowed[i]; i++)
		if (strcmp(value, allowed[i]) == 0)
			return true;
	return false;
}

/* The output formats of the reports; the line-level ones write text and csv only. */
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

/* --format and -o, which every report takes, closing its table of options. */
#define REPORT_OUTPUT_OPTIONS \
	{"format", required_argument, NULL, 'f'}, \
	{"output", required_argument, NULL, 'o'}, \
	{NULL, 0, NULL, 0}

/* What every report's command line holds besides the command's own options. */
typedef struct ReportArgs
{
	const char *command;		/* "clause report impact", for the messages */
	ReportFormat last_format;	/* REPORT_CSV: text or csv only; REPORT_HTML: every format */
	ReportFormat format;
	const char *output;			/* -o, or NULL for stdout */
	int status;					/* EXIT_CODE_OK, or EXIT_CODE_USAGE once reported */
} ReportArgs;

/*
 * Reads the command line (after cli_getopt_reset()) up to the next of the command's own
 * options and returns it, optarg holding its value; --format, -o, unknown options and
 * stray arguments are handled here. Returns 0 at the end, args->status then telling
 * whether the line was right (a usage error is reported once, here).
 */
static int
report_args_next(ReportArgs *args, int argc, char **argv, const struct option *options)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		if (opt == 'f')
		{
			if (parse_report_format(optarg, &args->format) && args->format <= args->last_format)
				continue;
			args->status = cli_usage_error(args->command, "format inconnu « %s » (%s)", optarg,
										   args->last_format == REPORT_CSV ? "text ou csv"
										   : "text, csv, xlsx, json ou html");
			return 0;
		}
		if (opt == 'o')
		{
			args->output = optarg;
			continue;
		}
		if (opt != '?')
			return opt;
		args->status = cli_usage_error(args->command, "option inconnue « %s »", argv[optind - 1]);
		return 0;
	}
	if (optind < argc)
		args->status = cli_usage_error(args->command, "argument inattendu « %s »", argv[optind]);
	return 0;
}

/* xlsx is written to a file only; false when the usage error is reported. */
static bool
report_args_xlsx_file(const ReportArgs *args)
{
	if (args->format == REPORT_XLSX && (args->output == NULL || strcmp(args->output, "-") == 0))
	{
		cli_usage_error(args->command, "le format xlsx demande un fichier (-o FICHIER.xlsx)");
		return false;
	}
	return true;
}

/*
 * A month option: AAAA-MM or MM/AAAA, as the imports read them; out (8 bytes) receives
 * AAAA-MM. A full date is refused: the option names a month.
 */
bool
cli_parse_month(const char *value, char *out)
{
	char first_day[11], err[VALIDATE_ERR_SIZE];

	if (strlen(value) != 7 || !validate_month(value, first_day, err))
		return false;
	snprintf(out, 8, "%.7s", first_day);
	return true;
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

/* The reports for an audience, in every format, with the sources they cite. */
typedef enum
{
	AUDIENCE_IMPACT,
	AUDIENCE_SUIVI,
	AUDIENCE_OBSERVATOIRE,
	AUDIENCE_PROGRESS
} AudienceKind;

/* What an audience report is asked for; each kind reads the fields it needs. */
typedef struct AudienceQuery
{
	AudienceKind kind;
	ImpactOptions impact;		/* impact */
	const char *plie;			/* suivi, observatoire, progress; NULL for all */
	const char *month;			/* suivi: AAAA-MM */
	char month_buf[8];			/* the months asked, as AAAA-MM */
	char from_buf[8];
	char to_buf[8];
	int year;					/* observatoire, progress */
	char as_of[11];				/* progress: AAAA-MM-JJ */
} AudienceQuery;

/* A loaded audience report (the member of the query's kind) and its sources. */
typedef struct Audience
{
	union
	{
		ImpactReport impact;
		SuiviReport suivi;
		ObservatoireReport observatoire;
		ProgressReport progress;
	};
	ReportSources sources;
} Audience;

/* Loads the report and its sources; *unknown is set when its subject does not exist. */
static bool
audience_load(Db *db, const AudienceQuery *query, ReportFormat format, Audience *report, bool *unknown)
{
	const ImpactOptions *impact = &query->impact;

	switch (query->kind)
	{
		case AUDIENCE_IMPACT:
			return impact_load(db, impact, &report->impact, unknown) &&
				sources_load_impact(db, impact->donneur, impact->operation, impact->from, impact->to,
									&report->sources);
		case AUDIENCE_SUIVI:
			/* only the workbook and the page cite their sources */
			return suivi_load(db, query->plie, query->month, &report->suivi, unknown) &&
				((format != REPORT_XLSX && format != REPORT_HTML) || sources_load_all(db, &report->sources));
		case AUDIENCE_OBSERVATOIRE:
			return observatoire_load(db, query->year, query->plie, &report->observatoire, unknown) &&
				sources_load_all(db, &report->sources);
		case AUDIENCE_PROGRESS:
			return progress_load(db, query->year, query->plie, query->as_of, &report->progress) &&
				sources_load_all(db, &report->sources);
	}
	return false;
}

static bool
audience_write_xlsx(AudienceKind kind, const Audience *report, const char *path)
{
	switch (kind)
	{
		case AUDIENCE_IMPACT:
			return impact_write_xlsx(&report->impact, &report->sources, path);
		case AUDIENCE_SUIVI:
			return suivi_write_xlsx(&report->suivi, &report->sources, path);
		case AUDIENCE_OBSERVATOIRE:
			return observatoire_write_xlsx(&report->observatoire, &report->sources, path);
		case AUDIENCE_PROGRESS:
			return progress_write_xlsx(&report->progress, &report->sources, path);
	}
	return false;
}

/* Writes the report in a stream format: text, csv, json or html. */
static bool
audience_write(AudienceKind kind, const Audience *report, ReportFormat format, FILE *out)
{
	const ReportSources *sources = &report->sources;

	switch (kind)
	{
		case AUDIENCE_IMPACT:
			return format == REPORT_TEXT ? impact_write_text(&report->impact, out)
				: format == REPORT_CSV ? impact_write_csv(&report->impact, out)
				: format == REPORT_JSON ? impact_write_json(&report->impact, sources, out)
				: impact_write_html(&report->impact, sources, out);
		case AUDIENCE_SUIVI:
			return format == REPORT_TEXT ? suivi_write_text(&report->suivi, out)
				: format == REPORT_CSV ? suivi_write_csv(&report->suivi, out)
				: format == REPORT_JSON ? suivi_write_json(&report->suivi, out)
				: suivi_write_html(&report->suivi, sources, out);
		case AUDIENCE_OBSERVATOIRE:
			return format == REPORT_TEXT ? observatoire_write_text(&report->observatoire, out)
				: format == REPORT_CSV ? observatoire_write_csv(&report->observatoire, out)
				: format == REPORT_JSON ? observatoire_write_json(&report->observatoire, sources, out)
				: observatoire_write_html(&report->observatoire, sources, out);
		case AUDIENCE_PROGRESS:
			return format == REPORT_TEXT ? progress_write_text(&report->progress, out)
				: format == REPORT_CSV ? progress_write_csv(&report->progress, out)
				: format == REPORT_JSON ? progress_write_json(&report->progress, out)
				: progress_write_html(&report->progress, sources, out);
	}
	return false;
}

static void
audience_free(AudienceKind kind, Audience *report)
{
	switch (kind)
	{
		case AUDIENCE_IMPACT:
			impact_free(&report->impact);
			break;
		case AUDIENCE_SUIVI:
			suivi_free(&report->suivi);
			break;
		case AUDIENCE_OBSERVATOIRE:
			observatoire_free(&report->observatoire);
			break;
		case AUDIENCE_PROGRESS:
			progress_free(&report->progress);
			break;
	}
	sources_free(&report->sources);
}

/* Batches loaded with --sans-attribution are not in the figures yet: say so. */
static void
report_warn_pending(Db *db)
{
	char count[32] = "0";

	if (!db_query_value(db, "SELECT count(*) FROM lot_import WHERE a_attribuer", 0, NULL,
						count, sizeof(count), NULL))
		return;

	long long pending = strtoll(count, NULL, 10);

	if (pending == 1)
		log_warn("1 lot importé sans attribution n'est pas encore dans ces chiffres "
				 "(clause attribute l'attribue)");
	else if (pending > 1)
		log_warn("%lld lots importés sans attribution ne sont pas encore dans ces chiffres "
				 "(clause attribute les attribue)", pending);
}

/* The ids the report is asked about exist; false when one is unknown or unreadable. */
static bool
audience_check_ids(Db *db, const AudienceQuery *query, bool *unknown)
{
	const ImpactOptions *impact = &query->impact;

	*unknown = false;
	if (query->kind == AUDIENCE_IMPACT)
		return known_check(db, KNOWN_DONNEUR, impact->donneur, unknown) &&
			(impact->operation == NULL || known_check(db, KNOWN_OPERATION, impact->operation, unknown));
	return query->plie == NULL || known_check(db, KNOWN_PLIE, query->plie, unknown);
}

/*
 * Loads the report asked, writes it in the format and to the output of args, and
 * returns the exit code: usage when its subject is unknown, database when it could not
 * be read, internal when it could not be written.
 */
static int
audience_run(const AudienceQuery *query, const ReportArgs *args)
{
	Session session = {0};
	Audience report;
	bool unknown = false;

	memset(&report, 0, sizeof(report));	/* every member of the union */
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	report_warn_pending(&session.db);

	bool ok = audience_check_ids(&session.db, query, &unknown) &&
		audience_load(&session.db, query, args->format, &report, &unknown);

	session_close(&session);
	if (!ok)
	{
		audience_free(query->kind, &report);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}
	if (args->format == REPORT_XLSX)
		ok = audience_write_xlsx(query->kind, &report, args->output);
	else
	{
		FILE *out = cli_open_output(args->output);

		ok = out != NULL && audience_write(query->kind, &report, args->format, out);
		if (out && !cli_close_output(out, args->output))
			ok = false;
	}
	audience_free(query->kind, &report);
	return ok ? EXIT_CODE_OK : EXIT_CODE_INTERNAL;
}

static const struct option IMPACT_OPTIONS[] = {
	{"donneur", required_argument, NULL, 'd'},
	{"operation", required_argument, NULL, 'O'},
	{"from", required_argument, NULL, 'F'},
	{"to", required_argument, NULL, 'T'},
	REPORT_OUTPUT_OPTIONS
};
static const struct option SUIVI_OPTIONS[] = {
	{"plie", required_argument, NULL, 'p'},
	{"mois", required_argument, NULL, 'm'},
	REPORT_OUTPUT_OPTIONS
};
static const struct option OBSERVATOIRE_OPTIONS[] = {
	{"year", required_argument, NULL, 'y'},
	{"annee", required_argument, NULL, 'y'},
	{"plie", required_argument, NULL, 'p'},
	REPORT_OUTPUT_OPTIONS
};
static const struct option PROGRESS_OPTIONS[] = {
	{"year", required_argument, NULL, 'y'},
	{"plie", required_argument, NULL, 'p'},
	{"as-of", required_argument, NULL, 'a'},
	REPORT_OUTPUT_OPTIONS
};

/* Reads the command line of an audience report (options holds its own), then runs it. */
static int
audience_command(const char *command, AudienceKind kind, const struct option *options,
				 int argc, char **argv)
{
	ReportArgs args = {.command = command, .last_format = REPORT_HTML};
	AudienceQuery query = {.kind = kind, .year = kind == AUDIENCE_PROGRESS ? 2021 : 0};
	ImpactOptions *impact = &query.impact;
	char err[VALIDATE_ERR_SIZE];
	int opt;

	cli_getopt_reset();
	while ((opt = report_args_next(&args, argc, argv, options)) != 0)
	{
		switch (opt)
		{
			case 'd':
				impact->donneur = optarg;
				break;
			case 'O':
				impact->operation = optarg;
				break;
			case 'F':
			case 'T':
				if (!cli_parse_month(optarg, opt == 'F' ? query.from_buf : query.to_buf))
					return cli_usage_error(command, "--%s attend un mois AAAA-MM ou MM/AAAA (ex. 2021-01)",
										   opt == 'F' ? "from" : "to");
				if (opt == 'F')
					impact->from = query.from_buf;
				else
					impact->to = query.to_buf;
				break;
			case 'm':
				if (!cli_parse_month(optarg, query.month_buf))
					return cli_usage_error(command, "--mois attend un mois AAAA-MM ou MM/AAAA (ex. 2021-10)");
				query.month = query.month_buf;
				break;
			case 'y':
				if (!parse_year(optarg, &query.year))
					return cli_usage_error(command, "--year attend une année (ex. 2021)");
				break;
			case 'p':
				query.plie = optarg;
				break;
			case 'a':
				if (!validate_date(optarg, query.as_of, err))
					return cli_usage_error(command, "--as-of : %s", err);
				break;
		}
	}
	if (args.status != EXIT_CODE_OK)
		return args.status;
	if (kind == AUDIENCE_IMPACT && impact->donneur == NULL)
		return cli_usage_error(command, "précisez le donneur d'ordre (--donneur ID)");
	if (kind == AUDIENCE_IMPACT && impact->from && impact->to && strcmp(impact->from, impact->to) > 0)
		return cli_usage_error(command, "--from %s est après --to %s", impact->from, impact->to);
	if (kind == AUDIENCE_SUIVI && (query.plie == NULL || query.month == NULL))
		return cli_usage_error(command, "précisez --plie CODE et --mois AAAA-MM");
	if (kind == AUDIENCE_OBSERVATOIRE && query.year == 0)
		return cli_usage_error(command, "précisez l'année (--year AAAA)");
	if (!report_args_xlsx_file(&args))
		return EXIT_CODE_USAGE;
	if (kind == AUDIENCE_PROGRESS && query.as_of[0] == '\0')
	{
		time_t now = time(NULL);
		struct tm today;

		localtime_r(&now, &today);
		strftime(query.as_of, sizeof(query.as_of), "%Y-%m-%d", &today);
	}
	return audience_run(&query, &args);
}

static int
impact_run(int argc, char **argv)
{
	return audience_command("clause report impact", AUDIENCE_IMPACT, IMPACT_OPTIONS, argc, argv);
}

static int
suivi_run(int argc, char **argv)
{
	return audience_command("clause report suivi", AUDIENCE_SUIVI, SUIVI_OPTIONS, argc, argv);
}

static int
observatoire_run(int argc, char **argv)
{
	return audience_command("clause report observatoire", AUDIENCE_OBSERVATOIRE, OBSERVATOIRE_OPTIONS,
							argc, argv);
}

static int
progress_run(int argc, char **argv)
{
	return audience_command("clause report progress", AUDIENCE_PROGRESS, PROGRESS_OPTIONS, argc, argv);
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

/* The line-level reports, written straight from the database in text or csv. */
typedef enum
{
	TABLE_LINES,
	TABLE_REJECTS,
	TABLE_BATCHES,
	TABLE_HISTORY,
	TABLE_DECP
} TableKind;

/* Options of the line-level reports (decp-a-suivre takes --plie only). */
static int
parse_table_options(const char *command, TableKind kind, int argc, char **argv, TableCommandOptions *opts)
{
	static const struct option options[] = {
		{"reason", required_argument, NULL, 'r'},
		{"motif", required_argument, NULL, 'r'},
		{"plie", required_argument, NULL, 'p'},
		{"marche", required_argument, NULL, 'm'},
		{"participant", required_argument, NULL, 'P'},
		{"lot", required_argument, NULL, 'l'},
		REPORT_OUTPUT_OPTIONS
	};
	static const struct option decp_options[] = {
		{"plie", required_argument, NULL, 'p'},
		REPORT_OUTPUT_OPTIONS
	};
	ReportArgs args = {.command = command, .last_format = REPORT_CSV};
	int opt;

	cli_getopt_reset();
	while ((opt = report_args_next(&args, argc, argv, kind == TABLE_DECP ? decp_options : options)) != 0)
	{
		switch (opt)
		{
			case 'r':
				if (!parse_format(optarg, REASONS))
					return cli_usage_error(command, "motif inconnu « %s » (non_eligible, "
										   "hors_periode_marche, depassement_plafond, remplacee, lot_annule, "
										   "credite)",
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
		}
	}
	opts->format = args.format == REPORT_CSV ? LINES_CSV : LINES_TEXT;
	opts->output = args.output;
	return args.status;
}

static int
table_report_run(const char *command, TableKind kind, int argc, char **argv)
{
	TableCommandOptions opts = {0};
	int code = parse_table_options(command, kind, argc, argv, &opts);

	if (code != EXIT_CODE_OK)
		return code;
	if (kind == TABLE_HISTORY && (opts.participant == NULL || opts.marche == NULL))
		return cli_usage_error(command, "précisez --participant ID et --marche ID");
	if (kind == TABLE_DECP && opts.plie == NULL)
		return cli_usage_error(command, "précisez --plie CODE");

	Session session = {0};
	bool unknown = false;

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	bool known = (opts.plie == NULL || known_check(&session.db, KNOWN_PLIE, opts.plie, &unknown)) &&
		(opts.marche == NULL || known_check(&session.db, KNOWN_MARCHE, opts.marche, &unknown)) &&
		(opts.participant == NULL || known_check(&session.db, KNOWN_PARTICIPANT, opts.participant, &unknown));

	if (!known)
	{
		session_close(&session);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}

	FILE *out = cli_open_output(opts.output);
	bool ok = out != NULL;
	long long count = 0;

	if (ok && kind == TABLE_LINES)
	{
		LinesFilter filter = {opts.reason, opts.plie, opts.marche, opts.lot};

		ok = lines_write(&session.db, &filter, opts.format, out, &count);
		if (ok)
			log_notice("%lld ligne%s", count, fr_s(count));
	}
	else if (ok && kind == TABLE_REJECTS)
	{
		ok = rejects_write(&session.db, opts.lot, opts.format, out, &count);
		if (ok)
			log_notice("%lld ligne%s rejetée%s", count, fr_s(count), fr_s(count));
	}
	else if (ok && kind == TABLE_HISTORY)
	{
		ok = history_write(&session.db, opts.participant, opts.marche, opts.format, out, &count);
		if (ok)
			log_notice("%lld valeur%s", count, fr_s(count));
	}
	else if (ok && kind == TABLE_DECP)
		ok = decp_a_suivre_write(&session.db, opts.plie, opts.format == LINES_CSV, out, &count);
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

static int
decp_a_suivre_run(int argc, char **argv)
{
	return table_report_run("clause report decp-a-suivre", TABLE_DECP, argc, argv);
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
	"  --from AAAA-MM    premier mois des heures comptées (ou MM/AAAA)\n"
	"  --to AAAA-MM      dernier mois des heures comptées (ou MM/AAAA) ; avec --from ou\n"
	"                    --to, les heures prévues sont au prorata des jours de chaque\n"
	"                    marché compris dans la période\n"
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
	"  --mois AAAA-MM    le mois suivi (ou MM/AAAA)\n"
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
	"déclaré (clause fiche etp CODE ETP). Une fiche sur plusieurs années a ses cibles pour\n"
	"toute sa période : l'attendu est au prorata de toute la période. Puis, par PLIE, les\n"
	"heures créditées qu'aucune fiche ne prend, avec la raison, et les territoires de\n"
	"l'année non chargés (celui d'une année antérieure s'applique).\n"
	"\nOptions :\n"
	"  --year AAAA       les fiches dont la période touche cette année (2021 par défaut)\n"
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
	"Motifs : non_eligible, hors_periode_marche, depassement_plafond, remplacee, lot_annule\n"
	"(lot annulé par clause lot annuler) ; « credite »\n"
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
	"(nouvelles ou modifiées), inchangées et rejetées ; pour un lot annulé (clause lot\n"
	"annuler), quand, par qui (le rôle de la base) et pourquoi.\n", batches_run, NULL
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
	"date d'import), la valeur, sa période (le mois, ou les dates envoyées), son statut\n"
	"(remplacee pour les valeurs corrigées ensuite, lot_annule) et l'annulation de son lot.\n",
	history_run, NULL
};

const Command REPORT_DECP_A_SUIVRE = {
	"decp-a-suivre", "marchés DECP à clause sociale du territoire d'un PLIE, suivis par aucune opération",
	"clause report decp-a-suivre --plie CODE [--format text|csv] [-o FICHIER]",
	"Les marchés importés des DECP (clause import decp) avec clause sociale, critère social\n"
	"ou marché réservé, qu'aucune opération ne suit encore, dont le lieu d'exécution est une\n"
	"commune du PLIE : code commune, code postal d'une seule commune (ou de communes du seul\n"
	"PLIE), sinon commune de l'acheteur (donneur.commune_insee) quand elle est connue.\n"
	"Pour suivre un marché : importez-le dans un fichier marches avec son opération (même id).\n"
	"\nOptions :\n"
	"  --plie CODE       le PLIE (agenais, bordeaux, technowest, grand_perigueux, portes_du_sud, sources)\n"
	"  --format F        text (défaut) ou csv (Excel)\n"
	"  -o, --output F    écrire dans F\n",
	decp_a_suivre_run, NULL
};

static const Command *const REPORT_SUBCOMMANDS[] = {
	&REPORT_IMPACT, &REPORT_PROGRESS, &REPORT_OBSERVATOIRE, &REPORT_SUIVI, &REPORT_LINES, &REPORT_REJECTS, &REPORT_BATCHES,
	&REPORT_HISTORY, &REPORT_DECP_A_SUIVRE, &REPORT_ATTENDUS, &REPORT_ATTESTATION, NULL
};

const Command COMMAND_REPORT = {
	"report", "rapports (impact, avancement, observatoire, suivi, attendus, attestation, lignes, rejets, lots)", "clause report RAPPORT ...",
	NULL, NULL, REPORT_SUBCOMMANDS
};
