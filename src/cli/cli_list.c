/*
 * clause list donneurs|operations|marches|entreprises|participants|lots: what clause
 * knows, filtered by PLIE and searched text, to find the ids the other commands take.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "reports/lists.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/known.h"
#include "src/lib/log.h"

static const struct option LIST_OPTIONS[] = {
	{"plie", required_argument, NULL, 'p'},
	{"recherche", required_argument, NULL, 'r'},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, 'o'},
	{NULL, 0, NULL, 0}
};

static int
list_run(const char *command, ListKind kind, int argc, char **argv)
{
	const char *plie = NULL, *search = NULL, *output = NULL;
	bool csv = false;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", LIST_OPTIONS, NULL)) != -1)
	{
		switch (opt)
		{
			case 'p':
				plie = optarg;
				break;
			case 'r':
				search = optarg;
				break;
			case 'f':
				if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "text") != 0)
					return cli_usage_error(command, "format inconnu « %s » (text ou csv)", optarg);
				csv = strcmp(optarg, "csv") == 0;
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

	Session session = {0};
	bool unknown = false;

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	if (plie && !known_check(&session.db, KNOWN_PLIE, plie, &unknown))
	{
		session_close(&session);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}

	FILE *out = cli_open_output(output);
	ListStatus status = LIST_FAILED;
	long long count = 0;

	if (out)
		status = list_write(&session.db, kind, plie, search, csv, out, &count);
	if (out && !cli_close_output(out, output) && status == LIST_OK)
		status = LIST_FAILED;
	session_close(&session);
	if (status == LIST_OK)
		log_notice("%lld ligne%s", count, fr_s(count));
	return status == LIST_OK ? EXIT_CODE_OK : status == LIST_REFUSED ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
}

#define LIST_USAGE(what) "clause list " what " [--plie CODE] [--recherche TEXTE] [--format text|csv] [-o FICHIER]"
#define LIST_OPTIONS_HELP \
	"\nOptions :\n" \
	"  --plie CODE         seulement ce qui relève de ce PLIE (fiche ou territoire)\n" \
	"  --recherche TEXTE   seulement les lignes qui contiennent TEXTE (sans tenir\n" \
	"                      compte des majuscules)\n" \
	"  --format F          text (défaut) ou csv (Excel)\n" \
	"  -o, --output F      écrire dans F\n"

static int
donneurs_run(int argc, char **argv)
{
	return list_run("clause list donneurs", LIST_DONNEURS, argc, argv);
}

static int
operations_run(int argc, char **argv)
{
	return list_run("clause list operations", LIST_OPERATIONS, argc, argv);
}

static int
marches_run(int argc, char **argv)
{
	return list_run("clause list marches", LIST_MARCHES, argc, argv);
}

static int
entreprises_run(int argc, char **argv)
{
	return list_run("clause list entreprises", LIST_ENTREPRISES, argc, argv);
}

static int
participants_run(int argc, char **argv)
{
	return list_run("clause list participants", LIST_PARTICIPANTS, argc, argv);
}

static int
lots_run(int argc, char **argv)
{
	return list_run("clause list lots", LIST_LOTS, argc, argv);
}

static const Command LIST_DONNEURS_COMMAND = {
	"donneurs", "donneurs d'ordre : id, nom, type, opérations et marchés",
	LIST_USAGE("donneurs"),
	"Avec --plie : les donneurs d'ordre qui ont une opération suivie par ce PLIE, et le\n"
	"nombre de ces opérations.\n" LIST_OPTIONS_HELP,
	donneurs_run, NULL
};
static const Command LIST_OPERATIONS_COMMAND = {
	"operations", "opérations : id, nom, donneur, commune, secteur, fiche, PLIE, marchés",
	LIST_USAGE("operations"),
	"Le PLIE d'une opération est celui de la fiche qu'elle nomme, sinon celui dont le\n"
	"territoire contient sa commune.\n" LIST_OPTIONS_HELP,
	operations_run, NULL
};
static const Command LIST_MARCHES_COMMAND = {
	"marches", "marchés : id, lot, intitulé, opération, attributaire, forme, période, heures",
	LIST_USAGE("marches"),
	"La recherche porte aussi sur le nom de l'opération et le SIRET de l'attributaire.\n"
	LIST_OPTIONS_HELP,
	marches_run, NULL
};
static const Command LIST_ENTREPRISES_COMMAND = {
	"entreprises", "entreprises : SIRET, raison sociale, type, marchés attribués",
	LIST_USAGE("entreprises"),
	"Avec --plie : les entreprises attributaires d'un marché du PLIE.\n" LIST_OPTIONS_HELP,
	entreprises_run, NULL
};
static const Command LIST_PARTICIPANTS_COMMAND = {
	"participants", "participants : id, nom, prénom, éligibilité, critères (facilitateurs)",
	LIST_USAGE("participants"),
	"Données personnelles : listées pour le propriétaire de la base et les rôles de\n"
	"facilitateur (clause role facilitateur) ; le rôle d'un donneur d'ordre est refusé.\n"
	"Avec --plie : les participants qui ont des heures sur un marché du PLIE.\n"
	LIST_OPTIONS_HELP,
	participants_run, NULL
};
static const Command LIST_LOTS_COMMAND = {
	"lots", "lots importés : numéro (celui de --lot), nature, fichier, date, SHA-256",
	LIST_USAGE("lots"),
	"Avec --plie : les lots qui ont des heures sur un marché du PLIE.\n" LIST_OPTIONS_HELP,
	lots_run, NULL
};

static const Command *const LIST_SUBCOMMANDS[] = {
	&LIST_DONNEURS_COMMAND, &LIST_OPERATIONS_COMMAND, &LIST_MARCHES_COMMAND,
	&LIST_ENTREPRISES_COMMAND, &LIST_PARTICIPANTS_COMMAND, &LIST_LOTS_COMMAND, NULL
};

const Command COMMAND_LIST = {
	"list", "ce que clause connaît : donneurs, opérations, marchés, entreprises, participants, lots",
	"clause list QUOI [--plie CODE] [--recherche TEXTE]", NULL, NULL, LIST_SUBCOMMANDS
};
