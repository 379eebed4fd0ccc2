/*
 * clause fiche list|show|etp: the fiches opération of the PLIE, loaded as data
 * (clause import fiches), and the facilitator ETP a PLIE declares for per-ETP targets.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/validate.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

/* The command's arguments: --year and the positional ones. */
typedef struct FicheArgs
{
	char year[8];				/* "" when not given */
	const char *positional[3];
	int npositional;
} FicheArgs;

/* Reads --year AAAA and up to max positional arguments; EXIT_CODE_OK or the usage error. */
static int
fiche_parse_args(const char *command, int argc, char **argv, int max, FicheArgs *args)
{
	static const struct option options[] = {
		{"year", required_argument, NULL, 'y'},
		{"annee", required_argument, NULL, 'y'},
		{NULL, 0, NULL, 0}
	};
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
	{
		if (opt != 'y')
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);

		char *end = NULL;
		long year = strtol(optarg, &end, 10);

		if (*optarg == '\0' || *end != '\0' || year < 2000 || year > 2100)
			return cli_usage_error(command, "--year attend une année (ex. 2022)");
		snprintf(args->year, sizeof(args->year), "%ld", year);
	}
	while (optind < argc)
	{
		if (args->npositional == max)
			return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);
		args->positional[args->npositional++] = argv[optind++];
	}
	return EXIT_CODE_OK;
}

/* "01/01/2021 – 31/12/2021" from two ISO dates. */
static void
fiche_period(const char *start, const char *end, char *out, size_t size)
{
	char from[16], to[16];

	format_fr_date(start, from, sizeof(from));
	format_fr_date(end, to, sizeof(to));
	snprintf(out, size, "%s – %s", from, to);
}

/* Columns: code, plie, date_debut, date_fin, clause_insertion, titre, etp_declares. */
static bool
print_fiche(void *context, const DbRow *row)
{
	char period[48];

	(void) context;
	fiche_period(db_row_value(row, 2), db_row_value(row, 3), period, sizeof(period));
	printf("%-5s %-16s %s  %-6s %s%s%s\n", db_row_value(row, 0), db_row_value(row, 1), period,
		   db_row_value(row, 4)[0] == 't' ? "clause" : "—", db_row_value(row, 5),
		   db_row_isnull(row, 6) ? "" : "  — ETP déclarés : ",
		   db_row_isnull(row, 6) ? "" : db_row_value(row, 6));
	return true;
}

static int
fiche_list_run(int argc, char **argv)
{
	FicheArgs args = {0};
	int status = fiche_parse_args("clause fiche list", argc, argv, 0, &args);

	if (status != EXIT_CODE_OK)
		return status;

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	const char *params[] = {args.year[0] ? args.year : NULL};
	long rows = 0;
	bool ok = db_query(&session.db,
					   "SELECT code, plie, date_debut, date_fin, clause_insertion, titre, etp_declares "
					   "FROM fiche "
					   "WHERE $1::integer IS NULL OR (date_debut <= make_date($1::integer, 12, 31) "
					   "                              AND date_fin >= make_date($1::integer, 1, 1)) "
					   "ORDER BY plie, code, date_debut",
					   1, params, print_fiche, NULL, &rows);

	if (ok && rows == 0)
		printf("Aucune fiche%s%s (clause import fiches FICHIER).\n",
			   args.year[0] ? " pour " : "", args.year);
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

/* Columns: id, code, plie, titre, date_debut, date_fin, clause_insertion, etp, source. */
static bool
print_fiche_heading(void *context, const DbRow *row)
{
	char period[48];

	(void) context;
	fiche_period(db_row_value(row, 4), db_row_value(row, 5), period, sizeof(period));
	printf("\n%s — %s — %s\n", db_row_value(row, 1), db_row_value(row, 2), db_row_value(row, 3));
	printf("  période : %s ; %s ; ETP déclarés : %s\n", period,
		   db_row_value(row, 6)[0] == 't' ? "fiche clause d'insertion" : "pas une fiche clause",
		   db_row_isnull(row, 7) ? "non déclaré" : db_row_value(row, 7));
	printf("  source : %s\n", db_row_value(row, 8));
	return true;
}

/* Columns: rang, cle, libelle, cible, unite, par_etp, a_minima. */
static bool
print_indicator(void *context, const DbRow *row)
{
	char target[32];

	(void) context;
	format_fr_number_trim(strtod(db_row_value(row, 3), NULL), 2, target, sizeof(target));
	printf("  %2s. %-22s %12s %s%s%s — %s\n", db_row_value(row, 0),
		   db_row_isnull(row, 1) ? "non suivi par clause" : db_row_value(row, 1), target,
		   db_row_value(row, 4), db_row_value(row, 5)[0] == 't' ? " par ETP" : "",
		   db_row_value(row, 6)[0] == 't' ? " (a minima)" : "", db_row_value(row, 2));
	return true;
}

typedef struct FicheShow
{
	Db *db;
	bool ok;
} FicheShow;

static bool
print_fiche_detail(void *context, const DbRow *row)
{
	FicheShow *show = context;
	const char *params[] = {db_row_value(row, 0)};

	print_fiche_heading(NULL, row);
	show->ok = show->ok &&
		db_query(show->db, "SELECT rang, cle, libelle, cible, unite, par_etp, a_minima "
				 "FROM fiche_indicateur WHERE fiche_id = $1::integer ORDER BY rang",
				 1, params, print_indicator, NULL, NULL);
	return show->ok;
}

static int
fiche_show_run(int argc, char **argv)
{
	const char *command = "clause fiche show";
	FicheArgs args = {0};
	int status = fiche_parse_args(command, argc, argv, 1, &args);

	if (status != EXIT_CODE_OK)
		return status;
	if (args.npositional != 1)
		return cli_usage_error(command, "précisez le code de la fiche (ex. B1)");

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	/* rows are fetched whole before the callback runs: the indicators' query may follow */
	const char *params[] = {args.positional[0], args.year[0] ? args.year : NULL};
	FicheShow show = {.db = &session.db, .ok = true};
	long rows = 0;
	bool ok = db_query(&session.db,
					   "SELECT f.id, f.code, f.plie, f.titre, f.date_debut, f.date_fin, f.clause_insertion, "
					   "       f.etp_declares, "
					   "       coalesce(b.fichier || ' (lot ' || b.id || ', ligne ' || f.ligne || ')', "
					   "                r.fichier || ' (catalogue livré avec clause, ligne ' || f.ligne "
					   "                || ', SHA-256 ' || left(r.sha256, 12) || '…)', "
					   "                'catalogue 2021 de l''appel à projets (migration 0002)') "
					   "FROM fiche f LEFT JOIN lot_import b ON b.id = f.lot_id "
					   "LEFT JOIN source_reference r ON r.id = f.reference_id "
					   "WHERE f.code = $1 AND ($2::integer IS NULL "
					   "      OR (f.date_debut <= make_date($2::integer, 12, 31) "
					   "          AND f.date_fin >= make_date($2::integer, 1, 1))) "
					   "ORDER BY f.plie, f.date_debut",
					   2, params, print_fiche_detail, &show, &rows) && show.ok;

	session_close(&session);
	if (ok && rows == 0)
		return cli_usage_error(command, "fiche inconnue « %s »%s%s (voir clause fiche list)",
							   args.positional[0], args.year[0] ? " en " : "", args.year);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static bool
read_count(void *context, const DbRow *row)
{
	*(long long *) context = strtoll(db_row_value(row, 0), NULL, 10);
	return true;
}

static int
fiche_etp_run(int argc, char **argv)
{
	const char *command = "clause fiche etp";
	FicheArgs args = {0};
	char value[64];
	int status = fiche_parse_args(command, argc, argv, 2, &args);

	if (status != EXIT_CODE_OK)
		return status;
	if (args.npositional != 2)
		return cli_usage_error(command, "précisez le code de la fiche et l'ETP (ex. S3 1,5)");
	if (!cli_parse_positive(args.positional[1], value, sizeof(value)))
		return cli_usage_error(command, "l'ETP doit être un nombre positif, pas « %s »", args.positional[1]);

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	/* one code may name fiches of several periods: --year picks the one, never all */
	static const char *const scope =
		"FROM fiche WHERE code = $1 AND ($2::integer IS NULL "
		"      OR (date_debut <= make_date($2::integer, 12, 31) "
		"          AND date_fin >= make_date($2::integer, 1, 1)))";
	char count_sql[512], update_sql[640];
	const char *params[] = {args.positional[0], args.year[0] ? args.year : NULL, value};
	long long matching = 0;
	long affected = 0;

	snprintf(count_sql, sizeof(count_sql), "SELECT count(*) %s", scope);
	snprintf(update_sql, sizeof(update_sql),
			 "UPDATE fiche SET etp_declares = $3::numeric WHERE id = (SELECT id %s)", scope);

	bool ok = db_query(&session.db, count_sql, 2, params, read_count, &matching, NULL) &&
		(matching != 1 || db_query(&session.db, update_sql, 3, params, NULL, NULL, &affected));

	session_close(&session);
	if (ok && matching == 0)
		return cli_usage_error(command, "fiche inconnue « %s »%s%s (voir clause fiche list)",
							   args.positional[0], args.year[0] ? " en " : "", args.year);
	if (ok && matching > 1)
		return cli_usage_error(command, "%lld fiches %s : précisez l'année (--year AAAA)",
							   matching, args.positional[0]);
	if (ok)
	{
		char shown[48];

		format_fr_number_max(strtod(value, NULL), 6, shown, sizeof(shown));
		printf("fiche %s : %s ETP déclaré%s\n", args.positional[0], shown,
			   fr_s((long long) strtod(value, NULL)));
	}
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static const Command FICHE_LIST = {
	"list", "fiches opération chargées, avec leur période",
	"clause fiche list [--year AAAA]",
	"  --year AAAA   seulement les fiches dont la période touche cette année\n"
	"Les fiches se chargent comme des données : clause import fiches FICHIER.\n",
	fiche_list_run, NULL
};
static const Command FICHE_SHOW = {
	"show", "une fiche : période, source et indicateurs avec leurs cibles",
	"clause fiche show CODE [--year AAAA]",
	"  --year AAAA   seulement la fiche de ce code dont la période touche cette année\n"
	"Sans --year, toutes les fiches de ce code (B1 de 2021, B1 de 2022…).\n",
	fiche_show_run, NULL
};
static const Command FICHE_ETP = {
	"etp", "déclare l'ETP de facilitateur d'une fiche (cibles « par ETP »)",
	"clause fiche etp CODE ETP [--year AAAA]",
	"  --year AAAA   la fiche de ce code dont la période touche cette année\n"
	"                (obligatoire quand le code a plusieurs périodes)\n"
	"Exemple : clause fiche etp S3 1,5 --year 2021\n",
	fiche_etp_run, NULL
};
static const Command *const FICHE_SUBCOMMANDS[] = {&FICHE_LIST, &FICHE_SHOW, &FICHE_ETP, NULL};

const Command COMMAND_FICHE = {
	"fiche", "fiches opération des PLIE (chargées par clause import fiches)", "clause fiche COMMANDE",
	NULL, NULL, FICHE_SUBCOMMANDS
};
