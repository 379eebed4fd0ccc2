/*
 * clause report decp-a-suivre: the clausé marchés of the open data (DECP) on a PLIE's
 * territory that no opération follows yet, for the facilitateur to go and declare.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../reports/decp.h"
#include "cli.h"
#include "exitcodes.h"

static int
decp_a_suivre_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"plie", required_argument, NULL, 'p'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause report decp-a-suivre";
	const char *plie = NULL, *output = NULL;
	bool csv = false, exists = false;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 'p':
				plie = optarg;
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
	if (plie == NULL)
		return cli_usage_error(command, "précisez --plie CODE");

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	if (!decp_plie_exists(&session.db, plie, &exists) || !exists)
	{
		session_close(&session);
		return exists ? EXIT_CODE_DATABASE : cli_usage_error(command, "PLIE inconnu « %s » (agenais, "
															 "bordeaux, technowest, grand_perigueux, "
															 "haut_perigord, portes_du_sud, sources)", plie);
	}

	FILE *out = cli_open_output(output);
	long long count = 0;
	bool ok = out != NULL && decp_a_suivre_write(&session.db, plie, csv, out, &count);

	if (out && !cli_close_output(out, output))
		ok = false;
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

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
