/*
 * clause export participants [--pseudonymise]: the participants as CSV for French Excel.
 * Pseudonymised, for exports that leave the PLIE: no name, a keyed pseudonym, the birth
 * year only, the commune only.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "reports/format_csv.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"
#include "src/workflow/pseudonym.h"

typedef struct ExportState
{
	FILE *out;
	const PseudonymKey *key;	/* NULL: identified export */
	long long rows;
	bool failed;
} ExportState;

static bool
export_row(void *context, const DbRow *row)
{
	ExportState *state = context;
	char pseudonym[PSEUDONYM_SIZE];
	char year[8];

	/* columns: id nom prenom date_naissance sexe commune qpv criteres date_eligibilite */
	if (state->key)
	{
		if (!pseudonym_make(state->key, db_row_value(row, 1), db_row_value(row, 2),
							db_row_value(row, 3), pseudonym))
		{
			state->failed = true;
			return false;
		}
		snprintf(year, sizeof(year), "%.4s", db_row_value(row, 3));
		csv_write_field(state->out, pseudonym, true);
		csv_write_field(state->out, year, false);
	}
	else
		for (int i = 0; i < 4; i++)
			csv_write_field(state->out, db_row_value(row, i), i == 0);
	for (int i = 4; i < 9; i++)
		csv_write_field(state->out, db_row_value(row, i), false);
	csv_end_row(state->out);
	state->rows++;
	return true;
}

static int
export_participants_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"pseudonymise", no_argument, NULL, 'p'},
		{"pseudonymiser", no_argument, NULL, 'p'},
		{"cle", required_argument, NULL, 'k'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause export participants";
	const char *output = NULL, *key_path = NULL;
	bool pseudonymise = false;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		if (opt == 'p')
			pseudonymise = true;
		else if (opt == 'k')
			key_path = optarg;
		else if (opt == 'o')
			output = optarg;
		else
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);

	PseudonymKey key = {0};
	char path[4096];

	if (pseudonymise && !((key_path ? str_format(path, sizeof(path), "%s", key_path)
						   : pseudonym_key_path(path, sizeof(path))) &&
						  pseudonym_key_load(path, true, &key)))
		return EXIT_CODE_USAGE;

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	FILE *out = cli_open_output(output);
	ExportState state = {.out = out, .key = pseudonymise ? &key : NULL};
	bool ok = out != NULL;

	if (ok)
	{
		csv_write_bom(out);
		fputs(pseudonymise ? "pseudonyme;annee_naissance;" : "id;nom;prenom;date_naissance;", out);
		fputs("sexe;commune_insee;qpv;criteres;date_eligibilite\r\n", out);
		ok = db_query(&session.db,
					  "SELECT id, nom, prenom, date_naissance::text, sexe, coalesce(commune_insee, ''), "
					  "CASE WHEN qpv THEN 'oui' ELSE 'non' END, array_to_string(criteres, '|'), "
					  "coalesce(to_char(date_eligibilite, 'YYYY-MM-DD'), '') "
					  "FROM participant ORDER BY id", 0, NULL, export_row, &state, NULL) && !state.failed;
	}
	if (out && !cli_close_output(out, output))
		ok = false;
	if (ok)
		log_notice("%lld participant%s exporté%s%s", state.rows, fr_s(state.rows), fr_s(state.rows),
				   pseudonymise ? (state.rows > 1 ? " (pseudonymisés)" : " (pseudonymisé)") : "");
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static const Command EXPORT_PARTICIPANTS = {
	"participants", "les participants en CSV, pseudonymisés pour un envoi hors du PLIE",
	"clause export participants [--pseudonymise] [--cle FICHIER] [-o FICHIER]",
	"Avec --pseudonymise : ni nom ni prénom ni identifiant, mais un pseudonyme PS-… calculé\n"
	"par HMAC-SHA-256 de (nom, prénom, date de naissance) avec une clé secrète ; l'année de\n"
	"naissance seule ; la commune seule. La même personne garde le même pseudonyme d'un\n"
	"export à l'autre ; sans la clé, personne ne peut le recalculer ni le relier.\n"
	"La clé : --cle FICHIER, sinon $CLAUSE_PSEUDO_KEY, sinon ~/.config/clause/pseudonymisation.key,\n"
	"créée au premier usage (mode 0600), refusée si d'autres peuvent la lire.\n",
	export_participants_run, NULL
};
static const Command *const EXPORT_SUBCOMMANDS[] = {&EXPORT_PARTICIPANTS, NULL};

const Command COMMAND_EXPORT = {
	"export", "exports de données (participants pseudonymisés)", "clause export DONNÉES ...",
	NULL, NULL, EXPORT_SUBCOMMANDS
};
