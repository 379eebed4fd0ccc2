/*
 * clause config list|set: the settings stored in the database; changing one attributes
 * every line again (src/workflow/attribute.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/sql_files.h"
#include "importers/validate.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/workflow/attribute.h"

/* A setting's canonical value ("0.5") as the user writes it ("0,5"). */
static void
french_value(const char *canonical, char *out, size_t size)
{
	format_fr_number_max(strtod(canonical, NULL), 6, out, size);
}

static bool
print_setting(void *context, const DbRow *row)
{
	char value[48];

	(void) context;
	french_value(db_row_value(row, 1), value, sizeof(value));
	printf("%-24s ", db_row_value(row, 0));
	format_write_padded(stdout, value, 10, true);
	printf("   %s\n", db_row_value(row, 2));
	return true;
}

static int
config_list_run(int argc, char **argv)
{
	Session session = {0};

	if (argc > 1)
		return cli_usage_error("clause config list", "argument inattendu « %s »", argv[1]);
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	bool ok = db_query(&session.db, "SELECT cle, valeur, description FROM parametre ORDER BY cle",
					   0, NULL, print_setting, NULL, NULL);

	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

/* Validates a positive decimal given on the command line into canonical form. */
bool
cli_parse_positive(const char *text, char *out, size_t outsize)
{
	char err[VALIDATE_ERR_SIZE];
	double value = 0;
	char copy[64];

	snprintf(copy, sizeof(copy), "%s", text);
	return validate_decimal(validate_trim(copy), 4, 1e9, false, out, outsize, &value, err) &&
		value > 0;
}

static int
config_set_run(int argc, char **argv)
{
	const char *command = "clause config set";
	char value[64];

	if (argc != 3)
		return cli_usage_error(command, "précisez CLÉ et VALEUR");
	if (!cli_parse_positive(argv[2], value, sizeof(value)))
		return cli_usage_error(command, "la valeur doit être un nombre positif, pas « %s »", argv[2]);

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	const char *params[] = {argv[1], value};
	long affected = 0;
	bool ok = db_begin(&session.db) &&
		db_query(&session.db, "UPDATE parametre SET valeur = $2::numeric WHERE cle = $1",
				 2, params, NULL, NULL, &affected);

	if (ok && affected == 0)
	{
		db_rollback(&session.db);
		session_close(&session);
		return cli_usage_error(command, "clé inconnue « %s » (voir clause config list)", argv[1]);
	}
	/* The estimates of heures prévues follow their settings; the ceiling changes which
	 * lines are credited: re-estimate and attribute again, atomically. */
	char changed[32] = "0";

	ok = ok && db_exec_value(&session.db, SQL_MERGE_HEURES_PREVUES_ESTIMEES, changed, sizeof(changed)) &&
		attribute_after(&session.db, ATTRIBUTE_EVERYTHING, NULL, 0) && db_commit(&session.db);
	long long reestimated = strtoll(changed, NULL, 10);
	char shown[48];

	if (ok && reestimated > 0)
		log_notice("%lld marché%s aux heures prévues estimées ré-estimé%s", reestimated,
				   fr_s(reestimated), fr_s(reestimated));
	if (!ok)
		db_rollback(&session.db);
	else
	{
		french_value(value, shown, sizeof(shown));
		printf("%s = %s\n", argv[1], shown);
	}
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static const Command CONFIG_LIST = {
	"list", "paramètres et leurs valeurs", "clause config list", NULL, config_list_run, NULL
};
static const Command CONFIG_SET = {
	"set", "change un paramètre (et ré-attribue les heures)", "clause config set CLÉ VALEUR",
	"Clés : plafond_mensuel_heures (208), heures_par_etp (1607), seuil_masquage (3) ;\n"
	"pour estimer les heures prévues d'un marché dont seul le montant est connu\n"
	"(montant HT × part_main_oeuvre × taux_insertion ÷ cout_horaire_charge) :\n"
	"cout_horaire_charge (30), part_main_oeuvre (0,5), taux_insertion (0,05).\n",
	config_set_run, NULL
};
static const Command *const CONFIG_SUBCOMMANDS[] = {&CONFIG_LIST, &CONFIG_SET, NULL};

const Command COMMAND_CONFIG = {
	"config", "paramètres de calcul (plafond mensuel, heures par ETP…)", "clause config COMMANDE",
	NULL, NULL, CONFIG_SUBCOMMANDS
};
