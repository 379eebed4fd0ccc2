/*
 * clause lot annuler N --motif TEXTE: cancels a timesheet batch (DOMAIN.md rule 9). Its
 * lines stop standing, the lines it replaced stand again; nothing is deleted.
 */
#include <stdio.h>
#include <string.h>

#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/log.h"
#include "src/workflow/lot_cancel.h"

#define LOT_ANNULER "clause lot annuler"

/* Marks the batch cancelled and recomputes what it touched (src/workflow/lot_cancel.c). */
static int
lot_cancel(Db *db, const char *lot, const char *motif)
{
	LotCancel cancel = {.lot = lot, .motif = motif};
	LotCancelStatus status = lot_cancel_run(db, &cancel);

	switch (status)
	{
		case LOT_CANCEL_FAILED:
			return EXIT_CODE_DATABASE;
		case LOT_CANCEL_UNKNOWN:
			return cli_usage_error(LOT_ANNULER, "lot inconnu « %s » (voir clause report batches)", lot);
		case LOT_CANCEL_NOT_HOURS:
			return cli_usage_error(LOT_ANNULER, "le lot %s est un fichier %s : seuls les lots d'heures "
								   "s'annulent (un fichier de référentiel se corrige en renvoyant les "
								   "bonnes valeurs)", lot, cancel.nature);
		case LOT_CANCEL_DONE:
		case LOT_CANCEL_ALREADY:
			break;
	}
	return lot_cancel_write(db, &cancel, status, stdout) ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static int
lot_annuler_run(int argc, char **argv)
{
	const char *lot = NULL;
	const char *motif = NULL;

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--motif") == 0 && i + 1 < argc)
			motif = argv[++i];
		else if (strncmp(argv[i], "--motif=", 8) == 0)
			motif = argv[i] + 8;
		else if (argv[i][0] == '-')
			return cli_usage_error(LOT_ANNULER, "option inconnue « %s »", argv[i]);
		else if (lot == NULL)
			lot = argv[i];
		else
			return cli_usage_error(LOT_ANNULER, "argument inattendu « %s »", argv[i]);
	}
	if (lot == NULL || strspn(lot, "0123456789") != strlen(lot) || strlen(lot) > 18)
		return cli_usage_error(LOT_ANNULER, "précisez le numéro du lot (voir clause report batches)");
	if (motif == NULL || motif[strspn(motif, " \t")] == '\0')
		return cli_usage_error(LOT_ANNULER, "précisez pourquoi avec --motif TEXTE");

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	int status = lot_cancel(&session.db, lot, motif);

	session_close(&session);
	return status;
}

static const Command LOT_ANNULER_COMMAND = {
	"annuler", "annule un lot d'heures (un mauvais fichier, un mois chargé pour un autre)",
	LOT_ANNULER " N --motif TEXTE",
	"Les lignes du lot N cessent de compter et celles qu'il avait remplacées comptent de\n"
	"nouveau ; les mois des participants touchés sont ré-attribués. Rien n'est effacé :\n"
	"le lot, la date, le motif et le rôle qui l'a annulé restent dans clause report\n"
	"batches, clause report history et les sources des rapports. Annuler deux fois ne\n"
	"change rien.\n"
	"Exemple : clause lot annuler 12 --motif \"mois de février chargé pour mars\"\n",
	lot_annuler_run, NULL
};
static const Command *const LOT_SUBCOMMANDS[] = {&LOT_ANNULER_COMMAND, NULL};

const Command COMMAND_LOT = {
	"lot", "lots importés : annuler un lot d'heures", "clause lot COMMANDE", NULL, NULL,
	LOT_SUBCOMMANDS
};
