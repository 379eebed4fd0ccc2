/*
 * clause batch DIR: the monthly inbox. The command reads its options, scans the box and
 * opens the database; the run itself is src/workflow/inbox_run.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "importers/inbox.h"
#include "importers/recognise.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/log.h"
#include "src/workflow/compte_rendu.h"
#include "src/workflow/inbox_run.h"

static int
batch_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"strict", no_argument, NULL, 's'},
		{"max-fichiers", required_argument, NULL, 'm'},
		{"profils", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0}
	};
	const char *profiles_dir = NULL;
	const char *command = "clause batch";
	bool strict = false;
	int max_files = -1;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
	{
		if (opt == 's')
			strict = true;
		else if (opt == 'p')
			profiles_dir = optarg;
		else if (opt == 'm')
		{
			char *end = NULL;
			long value = strtol(optarg, &end, 10);

			if (*end != '\0' || value < 0 || value > 100000)
				return cli_usage_error(command, "--max-fichiers attend un nombre");
			max_files = (int) value;
		}
		else
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage_error(command, "précisez le dossier à traiter");

	const char *dir = argv[optind];
	char home[PATH_MAX];
	Inbox inbox = {0};
	SenderProfiles profiles = {0};

	if (!session_home_dir(home, sizeof(home)) ||
		!recognise_load_profiles(&profiles, home, profiles_dir) ||
		!inbox_scan(dir, &profiles, &inbox))
	{
		recognise_free_profiles(&profiles);
		inbox_free(&inbox);
		return EXIT_CODE_USAGE;
	}
	recognise_free_profiles(&profiles);

	if (inbox.count == 0 && inbox.nleft == 0)
	{
		/* keep the last compte-rendu: it describes the last files received */
		printf("%s : aucun fichier à traiter\n", dir);
		compte_rendu_write_refused(&inbox, stdout);

		int code = inbox.skipped > 0 || inbox.nrefused > 0 ? EXIT_CODE_REJECTED : EXIT_CODE_OK;

		inbox_free(&inbox);
		return code;
	}

	Session session = {0};

	if (!cli_open_session(&session))
	{
		inbox_free(&inbox);
		return EXIT_CODE_DATABASE;
	}

	int exit_code = inbox_run(&session.db, dir, home, &inbox, strict, max_files);

	inbox_free(&inbox);
	session_close(&session);
	return exit_code;
}

const Command COMMAND_BATCH = {
	"batch", "traite la boîte du mois : tous les fichiers d'un dossier, puis un compte rendu",
	"clause batch [--strict] [--max-fichiers N] [--profils DOSSIER_PROFILS] DOSSIER",
	"Les fichiers gardent le nom que l'expéditeur leur a donné : chacun est reconnu à son\n"
	"en-tête, par le profil (de profiles/ et de --profils) dont il contient toutes les\n"
	"colonnes, ou par les colonnes canoniques d'une nature. Un fichier reconnu par aucun\n"
	"profil ou par plusieurs reste dans la boîte, avec la raison dans le compte rendu\n"
	"(le motif « fichiers » d'un profil départage). Le nom NATURE[--PROFIL][_libre].csv\n"
	"(ou .xlsx, .json), par exemple heures--etti-idees-bordeaux_2022-01.csv, ou\n"
	"DOSSIER/manifest.json ([{\"fichier\": …, \"nature\": …, \"profil\": …}]) imposent la\n"
	"nature et le profil ; une entrée du manifeste déjà dans traites/ est dite déjà traitée.\n"
	"Ordre : donneurs, entreprises, operations, marches, participants, conventions, heures,\n"
	"puis par nom. Chaque fichier est chargé en une transaction, puis déplacé dans\n"
	"DOSSIER/traites/ ; ses lignes rejetées vont dans traites/NOM.rejets.csv (lignes telles\n"
	"qu'envoyées suivies de ligne;colonne;motif, dans le séparateur et l'encodage du fichier).\n"
	"Un fichier refusé en entier reste dans la boîte. Ensuite les heures sont attribuées une\n"
	"fois et le compte rendu de ce passage est écrit dans DOSSIER/compte-rendu-AAAA-MM-JJTHHMM.txt,\n"
	"copié dans DOSSIER/compte-rendu.txt (le dernier) ; il liste aussi les fichiers refusés et\n"
	"laissés dans la boîte, avec leur motif. Code de sortie 2 quand un fichier reste dans la\n"
	"boîte ou a des lignes rejetées. Relancer sur les mêmes fichiers ne change rien ;\n"
	"après une interruption, relancer termine le reste.\n"
	"\nOptions :\n"
	"  --profils DOSSIER  des profils à essayer en plus de ceux de profiles/\n"
	"  --strict           une ligne rejetée refuse tout son fichier\n"
	"  --max-fichiers N   traiter au plus N fichiers (les autres restent dans la boîte)\n",
	batch_run, NULL
};
