/*
 * clause role donneur|facilitateur|list: PostgreSQL roles for readers, filtered by
 * row-level security (sql/migrations/0005_acces.sql): a donneur d'ordre sees its own
 * marchés and aggregated impact, a facilitateur the data of its PLIE.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exitcodes.h"
#include "log.h"

static bool
value_exists(Db *db, const char *sql, const char *value, bool *exists)
{
	char found[8];
	bool isnull = true;
	const char *params[] = {value};

	if (!db_query_value(db, sql, 1, params, found, sizeof(found), &isnull))
		return false;
	*exists = !isnull;
	return true;
}

/* Creates the login role (or reuses it), puts it in its group, records what it may see. */
static int
role_grant(const char *command, const char *group, const char *donneur, const char *plie,
		   const char *role)
{
	Session session = {0};
	bool exists = false;

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	Db *db = &session.db;
	int code = EXIT_CODE_OK;

	if (!value_exists(db, "SELECT 1 FROM pg_roles WHERE rolname = $1", group, &exists))
		code = EXIT_CODE_DATABASE;
	else if (!exists)
	{
		log_error("accès par lecteur indisponible : le rôle %s n'existe pas (la migration 0005 "
				  "demande un utilisateur ayant le droit CREATEROLE)", group);
		code = EXIT_CODE_DATABASE;
	}
	else if (!value_exists(db, donneur ? "SELECT 1 FROM donneur WHERE id = $1"
						   : "SELECT 1 FROM plie WHERE code = $1", donneur ? donneur : plie, &exists))
		code = EXIT_CODE_DATABASE;
	else if (!exists)
		code = cli_usage_error(command, donneur ? "donneur d'ordre inconnu « %s »" : "PLIE inconnu « %s »",
							   donneur ? donneur : plie);
	if (code != EXIT_CODE_OK)
	{
		session_close(&session);
		return code;
	}

	char *quoted = db_quote_identifier(db, role);
	char *quoted_group = db_quote_identifier(db, group);
	char sql[1024];
	bool role_exists = false;
	const char *params[] = {role, donneur, plie};
	bool ok = quoted && quoted_group && db_begin(db) &&
		value_exists(db, "SELECT 1 FROM pg_roles WHERE rolname = $1", role, &role_exists);

	/* identifiers quoted by libpq: the only SQL built from input text, for CREATE ROLE */
	if (ok && !role_exists)
	{
		snprintf(sql, sizeof(sql), "CREATE ROLE %s LOGIN", quoted);
		ok = db_exec(db, sql);
	}
	if (ok)
	{
		snprintf(sql, sizeof(sql), "GRANT %s TO %s", quoted_group, quoted);
		ok = db_exec(db, sql);
	}
	ok = ok && db_query(db, "INSERT INTO acces_role (role, donneur_id, plie) VALUES ($1, $2, $3) "
						"ON CONFLICT (role) DO UPDATE SET donneur_id = EXCLUDED.donneur_id, "
						"plie = EXCLUDED.plie", 3, params, NULL, NULL, NULL) &&
		db_commit(db);
	if (!ok)
		db_rollback(db);
	else
		printf("rôle %s : %s %s%s\n", role, donneur ? "donneur d'ordre"
			   : strcmp(group, "clause_directeurs") == 0 ? "directeur du PLIE" : "facilitateur du PLIE",
			   donneur ? donneur : plie,
			   role_exists ? " (rôle existant)" : " (créé, sans mot de passe : ALTER ROLE … PASSWORD "
			   "pour une connexion hors socket locale)");
	if (quoted)
		db_free(quoted);
	if (quoted_group)
		db_free(quoted_group);
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static int
role_donneur_run(int argc, char **argv)
{
	if (argc != 3)
		return cli_usage_error("clause role donneur", "précisez le donneur d'ordre et le rôle");
	return role_grant("clause role donneur", "clause_donneurs", argv[1], NULL, argv[2]);
}

static int
role_facilitateur_run(int argc, char **argv)
{
	if (argc != 3)
		return cli_usage_error("clause role facilitateur", "précisez le PLIE et le rôle");
	return role_grant("clause role facilitateur", "clause_facilitateurs", NULL, argv[1], argv[2]);
}

static int
role_directeur_run(int argc, char **argv)
{
	if (argc != 3)
		return cli_usage_error("clause role directeur", "précisez le PLIE et le rôle");
	return role_grant("clause role directeur", "clause_directeurs", NULL, argv[1], argv[2]);
}

static bool
print_role(void *context, const DbRow *row)
{
	(void) context;
	printf("%-24s %-14s %s\n", db_row_value(row, 0), db_row_value(row, 1), db_row_value(row, 2));
	return true;
}

static int
role_list_run(int argc, char **argv)
{
	Session session = {0};

	if (argc > 1)
		return cli_usage_error("clause role list", "argument inattendu « %s »", argv[1]);
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	bool ok = db_query(&session.db,
					   "SELECT role, CASE WHEN donneur_id IS NOT NULL THEN 'donneur' "
					   "WHEN pg_has_role(role, 'clause_directeurs', 'MEMBER') THEN 'directeur' "
					   "ELSE 'facilitateur' END, "
					   "coalesce(donneur_id, plie) FROM acces_role ORDER BY role", 0, NULL,
					   print_role, NULL, NULL);

	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static const Command ROLE_DONNEUR = {
	"donneur", "crée ou autorise le rôle d'un donneur d'ordre (ses marchés, son impact agrégé)",
	"clause role donneur DONNEUR_ID ROLE",
	"Le rôle lit ses lignes de donneur, operation et marche, et son tableau d'impact agrégé\n"
	"et masqué : SELECT * FROM clause.mon_impact(); jamais un participant, ni les données\n"
	"d'un autre donneur d'ordre (sécurité au niveau des lignes de PostgreSQL).\n",
	role_donneur_run, NULL
};
static const Command ROLE_FACILITATEUR = {
	"facilitateur", "crée ou autorise le rôle d'un facilitateur (les données de son PLIE)",
	"clause role facilitateur PLIE ROLE",
	"Le rôle lit les opérations suivies par le PLIE (fiche nommée ou territoire), leurs\n"
	"marchés, lignes d'heures et participants, et les conventions du PLIE.\n",
	role_facilitateur_run, NULL
};
static const Command ROLE_DIRECTEUR = {
	"directeur", "crée ou autorise le rôle d'un directeur de PLIE (tableau de bord, observatoire)",
	"clause role directeur PLIE ROLE",
	"Le rôle lit ce que lisent les facilitateurs du PLIE ; dans clause serve, il ouvre le\n"
	"tableau de bord des fiches et l'observatoire du PLIE.\n",
	role_directeur_run, NULL
};
static const Command ROLE_LIST = {
	"list", "rôles de lecteurs et ce qu'ils voient", "clause role list", NULL, role_list_run, NULL
};
static const Command *const ROLE_SUBCOMMANDS[] = {&ROLE_DONNEUR, &ROLE_FACILITATEUR, &ROLE_DIRECTEUR, &ROLE_LIST,
	NULL};

const Command COMMAND_ROLE = {
	"role", "accès des donneurs d'ordre et des facilitateurs (rôles PostgreSQL)",
	"clause role COMMANDE", NULL, NULL, ROLE_SUBCOMMANDS
};
