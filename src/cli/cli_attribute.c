/*
 * clause attribute: the whole attribution again (src/workflow/attribute.c), then how many
 * lines and hours each status holds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/workflow/attribute.h"

/* One status of the attribution: "  credite   1 234 567 lignes   12 345 678,50 heures". */
static bool
print_reason_count(void *context, const DbRow *row)
{
	long long lines = strtoll(db_row_value(row, 1), NULL, 10);
	double total = strtod(db_row_value(row, 2), NULL);
	char count[32];
	char hours[40];

	(void) context;
	format_fr_number(lines, 0, count, sizeof(count));
	format_fr_number(total, 2, hours, sizeof(hours));
	printf("  %-22s ", db_row_value(row, 0));
	format_write_padded(stdout, count, 10, true);
	printf(" ligne%s ", fr_s(lines));
	format_write_padded(stdout, hours, 15, true);
	printf(" heure%s\n", fr_s((long long) total));	/* 1,5 heure, 2 heures */
	return true;
}

static int
attribute_run_command(int argc, char **argv)
{
	Session session = {0};

	if (argc > 1)
		return cli_usage_error("clause attribute", "argument inattendu « %s »", argv[1]);
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	bool parts_counted = false;
	bool ok = attribute_run_counted(&session.db, attribute_default_connections(&session.db),
									&parts_counted);

	if (ok)
	{
		printf("Attribution des heures :\n");
		ok = attribute_status_counts(&session.db, parts_counted, print_reason_count, NULL);
	}
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

const Command COMMAND_ATTRIBUTE = {
	"attribute", "recalcule l'attribution des heures (fait aussi après chaque import)",
	"clause attribute",
	"Applique les règles de DOMAIN.md : lot_annule, remplacee, non_eligible,\n"
	"hors_periode_marche, depassement_plafond ; rattache chaque heure créditée à son\n"
	"marché, son opération, son donneur d'ordre, son PLIE et sa fiche. Recalcule toutes les lignes, y compris\n"
	"celles des lots importés avec --sans-attribution, et les heures créditées par fiche\n"
	"et par mois que lit clause report progress.\n"
	"Le propriétaire des tables calcule sur une connexion par cœur (au plus 4 ;\n"
	"CLAUSE_ATTRIBUTION_CONNEXIONS=N pour en choisir le nombre), les participants\n"
	"répartis entre elles ; l'ancienne attribution reste lisible jusqu'à la bascule.\n"
	"Affiche ensuite, par statut, le nombre de lignes et d'heures ; sur un terminal,\n"
	"les secondes écoulées pendant le calcul.\n",
	attribute_run_command, NULL
};
