/*
 * clause lot annuler N --motif TEXTE: cancels a timesheet batch (DOMAIN.md rule 9). Its
 * lines stop standing, the lines it replaced stand again; nothing is deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "baisses.h"
#include "cli.h"
#include "exitcodes.h"
#include "format.h"
#include "log.h"

#define LOT_ANNULER "clause lot annuler"

typedef struct LotState
{
	bool found;
	char nature[32];
	char fichier[512];
	char annule_le[32];			/* "" when not cancelled */
	char annule_par[128];
	char annule_motif[512];
} LotState;

static bool
lot_state_row(void *context, const DbRow *row)
{
	LotState *state = context;

	state->found = true;
	snprintf(state->nature, sizeof(state->nature), "%s", db_row_value(row, 0));
	snprintf(state->fichier, sizeof(state->fichier), "%s", db_row_value(row, 1));
	snprintf(state->annule_le, sizeof(state->annule_le), "%s",
			 db_row_isnull(row, 2) ? "" : db_row_value(row, 2));
	snprintf(state->annule_par, sizeof(state->annule_par), "%s",
			 db_row_isnull(row, 3) ? "" : db_row_value(row, 3));
	snprintf(state->annule_motif, sizeof(state->annule_motif), "%s",
			 db_row_isnull(row, 4) ? "" : db_row_value(row, 4));
	return true;
}

/* Reads the batch, locked against a second cancellation running at once. */
static bool
lot_read(Db *db, const char *lot, LotState *state)
{
	const char *params[] = {lot};

	return db_query(db, "SELECT nature, fichier, to_char(annule_le, 'DD/MM/YYYY HH24:MI'), "
					"annule_par, annule_motif FROM clause.lot_import WHERE id = $1::bigint "
					"FOR UPDATE", 1, params, lot_state_row, state, NULL);
}

static bool
print_reason_total(void *context, const DbRow *row)
{
	long long lines = strtoll(db_row_value(row, 1), NULL, 10);
	char hours[40];

	(void) context;
	format_fr_number(strtod(db_row_value(row, 2), NULL), 2, hours, sizeof(hours));
	printf("  %-22s %lld ligne%s, %s h\n", db_row_value(row, 0), lines, fr_s(lines), hours);
	return true;
}

/* Marks the batch cancelled and recomputes what it touched, in one transaction. */
static int
lot_cancel(Db *db, const char *lot, const char *motif)
{
	LotState state = {0};

	if (!db_begin(db))
		return EXIT_CODE_DATABASE;
	if (!lot_read(db, lot, &state))
	{
		db_rollback(db);
		return EXIT_CODE_DATABASE;
	}
	if (!state.found || strcmp(state.nature, "heures") != 0)
	{
		db_rollback(db);
		return cli_usage_error(LOT_ANNULER, state.found ?
							   "le lot %s est un fichier %s : seuls les lots d'heures s'annulent "
							   "(un fichier de référentiel se corrige en renvoyant les bonnes valeurs)" :
							   "lot inconnu « %s »%s (voir clause report batches)", lot,
							   state.found ? state.nature : "");
	}
	if (state.annule_le[0])
	{
		db_rollback(db);
		printf("lot %s (%s) déjà annulé le %s par %s : « %s ». Rien ne change.\n", lot,
			   state.fichier, state.annule_le, state.annule_par, state.annule_motif);
		return EXIT_CODE_OK;
	}

	const char *params[] = {lot, motif};
	long long id = strtoll(lot, NULL, 10);
	bool ok = db_query(db, "UPDATE clause.lot_import SET annule_le = now(), annule_par = current_user, "
					   "annule_motif = $2 WHERE id = $1::bigint", 2, params, NULL, NULL, NULL) &&
		attribute_after(db, ATTRIBUTE_CANCELLED, &id, 1);

	if (ok)
		printf("lot %s (%s) annulé : ses lignes ne comptent plus, celles qu'il remplaçait comptent "
			   "de nouveau.\n", lot, state.fichier);
	ok = ok && baisses_write(db, lot, true, stdout, "  ", NULL);
	ok = ok && db_query(db, "SELECT coalesce(a.motif, 'credite'), count(*), "
						"sum(l.heures + l.heures_formation) FROM clause.ligne_heures l "
						"JOIN clause.attribution a ON a.ligne_id = l.id "
						"WHERE (l.participant_id, l.mois) IN (SELECT participant_id, mois "
						"       FROM clause.ligne_heures WHERE lot_id = $1::bigint) "
						"GROUP BY 1 ORDER BY 1", 1, params, print_reason_total, NULL, NULL);
	if (!ok || !db_commit(db))
	{
		db_rollback(db);
		return EXIT_CODE_DATABASE;
	}
	return EXIT_CODE_OK;
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
