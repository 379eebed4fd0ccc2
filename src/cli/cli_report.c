/*
 * clause report impact|progress|observatoire|suivi|lines|rejets|batches|history|decp-a-suivre:
 * reports read from the views of sql/.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "importers/validate.h"
#include "reports/decp.h"
#include "reports/format_csv.h"
#include "reports/format_html.h"
#include "reports/format_xlsx.h"
#include "reports/impact.h"
#include "reports/lines.h"
#include "reports/observatoire.h"
#include "reports/progress.h"
#include "reports/suivi.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/known.h"
#include "src/lib/log.h"

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

/*
 * The report kinds. Each declares, in one row of AUDIENCE_REPORTS or TABLE_REPORTS, its
 * command, its options (what it requires is checked by its check function), its loader
 * and its writer for each format; the code below only walks the row. Writers live with
 * their report: text and json in reports/<report>.c, csv, xlsx and html in
 * reports/format_<format>.c.
 */

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

#define REPORT_FORMATS (REPORT_HTML + 1)

typedef struct AudienceSpec
{
	const char *command;		/* "clause report impact", for the messages */
	const struct option *options;	/* its own, then REPORT_OUTPUT_OPTIONS */
	int year;					/* --year when not given (0: none) */
	/* The options it requires and their defaults: EXIT_CODE_USAGE once reported. */
	int (*check) (const char *command, AudienceQuery *query);
	/* The ids asked about exist; false when one is unknown (*unknown) or unreadable. */
	bool (*check_ids) (Db *db, const AudienceQuery *query, bool *unknown);
	/* Loads the report and the sources the format cites. */
	bool (*load) (Db *db, const AudienceQuery *query, ReportFormat format, Audience *report,
				  bool *unknown);
	/* The stream writers by format (text, csv, json, html; NULL for xlsx), then xlsx. */
	bool (*write[REPORT_FORMATS]) (const Audience *report, FILE *out);
	bool (*write_xlsx) (const Audience *report, const char *path);
	void (*free) (Audience *report);
} AudienceSpec;

/*
 * The writers of the table, each calling the report's own writer on the union's member:
 * WRITER(name, fn, member) for fn(report, out), WRITER_SOURCES for fn(report, sources, out).
 */
#define WRITER(name, fn, member) \
	static bool name(const Audience *report, FILE *out) { return fn(&report->member, out); }
#define WRITER_SOURCES(name, fn, member) \
	static bool name(const Audience *report, FILE *out) \
	{ return fn(&report->member, &report->sources, out); }
#define WRITER_XLSX(name, fn, member) \
	static bool name(const Audience *report, const char *path) \
	{ return fn(&report->member, &report->sources, path); }

WRITER(impact_text, impact_write_text, impact)
WRITER(impact_csv, impact_write_csv, impact)
WRITER_SOURCES(impact_json, impact_write_json, impact)
WRITER_SOURCES(impact_html, impact_write_html, impact)
WRITER_XLSX(impact_xlsx, impact_write_xlsx, impact)
WRITER(suivi_text, suivi_write_text, suivi)
WRITER(suivi_csv, suivi_write_csv, suivi)
WRITER(suivi_json, suivi_write_json, suivi)
WRITER_SOURCES(suivi_html, suivi_write_html, suivi)
WRITER_XLSX(suivi_xlsx, suivi_write_xlsx, suivi)
WRITER(observatoire_text, observatoire_write_text, observatoire)
WRITER(observatoire_csv, observatoire_write_csv, observatoire)
WRITER_SOURCES(observatoire_json, observatoire_write_json, observatoire)
WRITER_SOURCES(observatoire_html, observatoire_write_html, observatoire)
WRITER_XLSX(observatoire_xlsx, observatoire_write_xlsx, observatoire)
WRITER(progress_text, progress_write_text, progress)
WRITER(progress_csv, progress_write_csv, progress)
WRITER(progress_json, progress_write_json, progress)
WRITER_SOURCES(progress_html, progress_write_html, progress)
WRITER_XLSX(progress_xlsx, progress_write_xlsx, progress)

static void
impact_release(Audience *report)
{
	impact_free(&report->impact);
}

static void
suivi_release(Audience *report)
{
	suivi_free(&report->suivi);
}

static void
observatoire_release(Audience *report)
{
	observatoire_free(&report->observatoire);
}

static void
progress_release(Audience *report)
{
	progress_free(&report->progress);
}

static bool
impact_load_all(Db *db, const AudienceQuery *query, ReportFormat format, Audience *report, bool *unknown)
{
	const ImpactOptions *impact = &query->impact;

	(void) format;
	return impact_load(db, impact, &report->impact, unknown) &&
		sources_load_impact(db, impact->donneur, impact->operation, impact->from, impact->to,
							&report->sources);
}

static bool
suivi_load_all(Db *db, const AudienceQuery *query, ReportFormat format, Audience *report, bool *unknown)
{
	/* only the workbook and the page cite their sources */
	return suivi_load(db, query->plie, query->month, &report->suivi, unknown) &&
		((format != REPORT_XLSX && format != REPORT_HTML) || sources_load_all(db, &report->sources));
}

static bool
observatoire_load_all(Db *db, const AudienceQuery *query, ReportFormat format, Audience *report,
					  bool *unknown)
{
	(void) format;
	return observatoire_load(db, query->year, query->plie, &report->observatoire, unknown) &&
		sources_load_all(db, &report->sources);
}

static bool
progress_load_all(Db *db, const AudienceQuery *query, ReportFormat format, Audience *report,
				  bool *unknown)
{
	(void) format;
	(void) unknown;
	return progress_load(db, query->year, query->plie, query->as_of, &report->progress) &&
		sources_load_all(db, &report->sources);
}

static int
impact_check(const char *command, AudienceQuery *query)
{
	const ImpactOptions *impact = &query->impact;

	if (impact->donneur == NULL)
		return cli_usage_error(command, "précisez le donneur d'ordre (--donneur ID)");
	if (impact->from && impact->to && strcmp(impact->from, impact->to) > 0)
		return cli_usage_error(command, "--from %s est après --to %s", impact->from, impact->to);
	return EXIT_CODE_OK;
}

static int
suivi_check(const char *command, AudienceQuery *query)
{
	if (query->plie == NULL || query->month == NULL)
		return cli_usage_error(command, "précisez --plie CODE et --mois AAAA-MM");
	return EXIT_CODE_OK;
}

static int
observatoire_check(const char *command, AudienceQuery *query)
{
	if (query->year == 0)
		return cli_usage_error(command, "précisez l'année (--year AAAA)");
	return EXIT_CODE_OK;
}

/* --as-of defaults to today. */
static int
progress_check(const char *command, AudienceQuery *query)
{
	(void) command;
	if (query->as_of[0] == '\0')
	{
		time_t now = time(NULL);
		struct tm today;

		localtime_r(&now, &today);
		strftime(query->as_of, sizeof(query->as_of), "%Y-%m-%d", &today);
	}
	return EXIT_CODE_OK;
}

static bool
impact_check_ids(Db *db, const AudienceQuery *query, bool *unknown)
{
	const ImpactOptions *impact = &query->impact;

	return known_check(db, KNOWN_DONNEUR, impact->donneur, unknown) &&
		(impact->operation == NULL || known_check(db, KNOWN_OPERATION, impact->operation, unknown));
}

static bool
plie_check_ids(Db *db, const AudienceQuery *query, bool *unknown)
{
	return query->plie == NULL || known_check(db, KNOWN_PLIE, query->plie, unknown);
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

static const AudienceSpec AUDIENCE_REPORTS[] = {
	[AUDIENCE_IMPACT] = {
		"clause report impact", IMPACT_OPTIONS, 0, impact_check, impact_check_ids, impact_load_all,
		{[REPORT_TEXT] = impact_text, [REPORT_CSV] = impact_csv, [REPORT_JSON] = impact_json,
		[REPORT_HTML] = impact_html}, impact_xlsx, impact_release
	},
	[AUDIENCE_SUIVI] = {
		"clause report suivi", SUIVI_OPTIONS, 0, suivi_check, plie_check_ids, suivi_load_all,
		{[REPORT_TEXT] = suivi_text, [REPORT_CSV] = suivi_csv, [REPORT_JSON] = suivi_json,
		[REPORT_HTML] = suivi_html}, suivi_xlsx, suivi_release
	},
	[AUDIENCE_OBSERVATOIRE] = {
		"clause report observatoire", OBSERVATOIRE_OPTIONS, 0, observatoire_check, plie_check_ids,
		observatoire_load_all,
		{[REPORT_TEXT] = observatoire_text, [REPORT_CSV] = observatoire_csv,
		[REPORT_JSON] = observatoire_json, [REPORT_HTML] = observatoire_html},
		observatoire_xlsx, observatoire_release
	},
	[AUDIENCE_PROGRESS] = {
		"clause report progress", PROGRESS_OPTIONS, 2021, progress_check, plie_check_ids,
		progress_load_all,
		{[REPORT_TEXT] = progress_text, [REPORT_CSV] = progress_csv, [REPORT_JSON] = progress_json,
		[REPORT_HTML] = progress_html}, progress_xlsx, progress_release
	},
};

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

static void
audience_free(const AudienceSpec *spec, Audience *report)
{
	spec->free(report);
	sources_free(&report->sources);
}

/*
 * Loads the report asked, writes it in the format and to the output of args, and
 * returns the exit code: usage when its subject is unknown, database when it could not
 * be read, internal when it could not be written.
 */
static int
audience_run(const AudienceSpec *spec, const AudienceQuery *query, const ReportArgs *args)
{
	Session session = {0};
	Audience report;
	bool unknown = false;

	memset(&report, 0, sizeof(report));	/* every member of the union */
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	report_warn_pending(&session.db);

	bool ok = spec->check_ids(&session.db, query, &unknown) &&
		spec->load(&session.db, query, args->format, &report, &unknown);

	session_close(&session);
	if (!ok)
	{
		audience_free(spec, &report);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}
	if (args->format == REPORT_XLSX)
		ok = spec->write_xlsx(&report, args->output);
	else
	{
		FILE *out = cli_open_output(args->output);

		ok = out != NULL && spec->write[args->format](&report, out);
		if (out && !cli_close_output(out, args->output))
			ok = false;
	}
	audience_free(spec, &report);
	return ok ? EXIT_CODE_OK : EXIT_CODE_INTERNAL;
}

/* Reads the command line of an audience report, then runs it. */
static int
audience_command(AudienceKind kind, int argc, char **argv)
{
	const AudienceSpec *spec = &AUDIENCE_REPORTS[kind];
	const char *command = spec->command;
	ReportArgs args = {.command = command, .last_format = REPORT_HTML};
	AudienceQuery query = {.kind = kind, .year = spec->year};
	ImpactOptions *impact = &query.impact;
	char err[VALIDATE_ERR_SIZE];
	int opt;

	cli_getopt_reset();
	while ((opt = report_args_next(&args, argc, argv, spec->options)) != 0)
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

	int code = spec->check(command, &query);

	if (code != EXIT_CODE_OK)
		return code;
	if (!report_args_xlsx_file(&args))
		return EXIT_CODE_USAGE;
	return audience_run(spec, &query, &args);
}

static int
impact_run(int argc, char **argv)
{
	return audience_command(AUDIENCE_IMPACT, argc, argv);
}

static int
suivi_run(int argc, char **argv)
{
	return audience_command(AUDIENCE_SUIVI, argc, argv);
}

static int
observatoire_run(int argc, char **argv)
{
	return audience_command(AUDIENCE_OBSERVATOIRE, argc, argv);
}

static int
progress_run(int argc, char **argv)
{
	return audience_command(AUDIENCE_PROGRESS, argc, argv);
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

typedef struct TableSpec
{
	const char *command;		/* "clause report lines", for the messages */
	const struct option *options;	/* its own, then REPORT_OUTPUT_OPTIONS */
	/* The options it requires: EXIT_CODE_USAGE once reported; NULL when none. */
	int (*check) (const char *command, const TableCommandOptions *opts);
	/* Writes the report in opts->format (text or csv) and says how many lines. */
	bool (*write) (Db *db, const TableCommandOptions *opts, FILE *out);
} TableSpec;

static bool
lines_table(Db *db, const TableCommandOptions *opts, FILE *out)
{
	LinesFilter filter = {opts->reason, opts->plie, opts->marche, opts->lot};
	long long count = 0;

	if (!lines_write(db, &filter, opts->format, out, &count))
		return false;
	log_notice("%lld ligne%s", count, fr_s(count));
	return true;
}

static bool
rejects_table(Db *db, const TableCommandOptions *opts, FILE *out)
{
	long long count = 0;

	if (!rejects_write(db, opts->lot, opts->format, out, &count))
		return false;
	log_notice("%lld ligne%s rejetée%s", count, fr_s(count), fr_s(count));
	return true;
}

static bool
batches_table(Db *db, const TableCommandOptions *opts, FILE *out)
{
	return batches_write(db, opts->format, out);
}

static bool
history_table(Db *db, const TableCommandOptions *opts, FILE *out)
{
	long long count = 0;

	if (!history_write(db, opts->participant, opts->marche, opts->format, out, &count))
		return false;
	log_notice("%lld valeur%s", count, fr_s(count));
	return true;
}

static bool
decp_table(Db *db, const TableCommandOptions *opts, FILE *out)
{
	long long count = 0;

	return decp_a_suivre_write(db, opts->plie, opts->format == LINES_CSV, out, &count);
}

static int
history_check(const char *command, const TableCommandOptions *opts)
{
	if (opts->participant == NULL || opts->marche == NULL)
		return cli_usage_error(command, "précisez --participant ID et --marche ID");
	return EXIT_CODE_OK;
}

static int
decp_check(const char *command, const TableCommandOptions *opts)
{
	if (opts->plie == NULL)
		return cli_usage_error(command, "précisez --plie CODE");
	return EXIT_CODE_OK;
}

static const struct option LINES_OPTIONS[] = {
	{"reason", required_argument, NULL, 'r'},
	{"motif", required_argument, NULL, 'r'},
	{"plie", required_argument, NULL, 'p'},
	{"marche", required_argument, NULL, 'm'},
	{"participant", required_argument, NULL, 'P'},
	{"lot", required_argument, NULL, 'l'},
	REPORT_OUTPUT_OPTIONS
};
static const struct option DECP_OPTIONS[] = {
	{"plie", required_argument, NULL, 'p'},
	REPORT_OUTPUT_OPTIONS
};

/* The line-level reports but decp-a-suivre share one set of options (each reads its own). */
static const TableSpec TABLE_REPORTS[] = {
	[TABLE_LINES] = {"clause report lines", LINES_OPTIONS, NULL, lines_table},
	[TABLE_REJECTS] = {"clause report rejets", LINES_OPTIONS, NULL, rejects_table},
	[TABLE_BATCHES] = {"clause report batches", LINES_OPTIONS, NULL, batches_table},
	[TABLE_HISTORY] = {"clause report history", LINES_OPTIONS, history_check, history_table},
	[TABLE_DECP] = {"clause report decp-a-suivre", DECP_OPTIONS, decp_check, decp_table},
};

/* Options of a line-level report. */
static int
parse_table_options(const TableSpec *spec, int argc, char **argv, TableCommandOptions *opts)
{
	const char *command = spec->command;
	ReportArgs args = {.command = command, .last_format = REPORT_CSV};
	int opt;

	cli_getopt_reset();
	while ((opt = report_args_next(&args, argc, argv, spec->options)) != 0)
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
table_report_run(TableKind kind, int argc, char **argv)
{
	const TableSpec *spec = &TABLE_REPORTS[kind];
	TableCommandOptions opts = {0};
	int code = parse_table_options(spec, argc, argv, &opts);

	if (code != EXIT_CODE_OK)
		return code;
	if (spec->check && (code = spec->check(spec->command, &opts)) != EXIT_CODE_OK)
		return code;

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
	bool ok = out != NULL && spec->write(&session.db, &opts, out);

	if (out && !cli_close_output(out, opts.output))
		ok = false;
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static int
lines_run(int argc, char **argv)
{
	return table_report_run(TABLE_LINES, argc, argv);
}

static int
rejects_run(int argc, char **argv)
{
	return table_report_run(TABLE_REJECTS, argc, argv);
}

static int
batches_run(int argc, char **argv)
{
	return table_report_run(TABLE_BATCHES, argc, argv);
}

static int
decp_a_suivre_run(int argc, char **argv)
{
	return table_report_run(TABLE_DECP, argc, argv);
}

static int
history_run(int argc, char **argv)
{
	return table_report_run(TABLE_HISTORY, argc, argv);
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
	"  --plie CODE       le PLIE (" CLI_PLIE_CODES ")\n"
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
	"  --plie CODE       un seul PLIE (" CLI_PLIE_CODES ")\n"
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
	"  --plie CODE       le PLIE (" CLI_PLIE_CODES ")\n"
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
