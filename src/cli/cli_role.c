/*
 * clause role donneur|facilitateur|list: PostgreSQL roles for readers, filtered by
 * row-level security (sql/migrations/0005_acces.sql): a donneur d'ordre sees its own
 * marchés and aggregated impact, a facilitateur the data of its PLIE.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/log.h"
#include "src/lib/password_input.h"

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

/* The groups of readers; a role belongs directly to one of them only. */
static const char *const READER_GROUPS[] = {"clause_donneurs", "clause_facilitateurs", "clause_directeurs"};

/*
 * A role moved from one group to another (facilitateur to donneur d'ordre, director…)
 * leaves its former groups: otherwise it would keep reading what they may read.
 * left lists the groups it left ("" when none).
 */
static bool
role_leave_other_groups(Db *db, const char *group, const char *role, const char *quoted_role,
						char *left, size_t left_size)
{
	left[0] = '\0';
	for (size_t i = 0; i < sizeof(READER_GROUPS) / sizeof(READER_GROUPS[0]); i++)
	{
		const char *other = READER_GROUPS[i];
		const char *params[] = {other, role};
		char found[8];
		bool isnull = true;
		char sql[512];

		if (strcmp(other, group) == 0)
			continue;
		if (!db_query_value(db, "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
							"JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = $1 AND r.rolname = $2",
							2, params, found, sizeof(found), &isnull))
			return false;
		if (isnull)
			continue;
		/* the group is one of our fixed names; the role is quoted by libpq */
		snprintf(sql, sizeof(sql), "REVOKE %s FROM %s", other, quoted_role);
		if (!db_exec(db, sql))
			return false;
		snprintf(left + strlen(left), left_size - strlen(left), "%s%s", left[0] ? ", " : "", other);
	}
	return true;
}

static const char *
role_group_title(const char *group)
{
	return strcmp(group, "clause_donneurs") == 0 ? "donneur d'ordre"
		: strcmp(group, "clause_directeurs") == 0 ? "directeur du PLIE" : "facilitateur du PLIE";
}

/* Creates the login role (or reuses it), puts it in its group, records what it may see. */
static int
role_grant(const char *command, const char *group, const char *donneur, const char *plie,
		   const char *role, const char *password)
{
	Session session = {0};
	bool exists = false;
	char left_other[128] = "";

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
	ok = ok && role_leave_other_groups(db, group, role, quoted, left_other, sizeof(left_other));
	ok = ok && db_query(db, "INSERT INTO acces_role (role, donneur_id, plie) VALUES ($1, $2, $3) "
						"ON CONFLICT (role) DO UPDATE SET donneur_id = EXCLUDED.donneur_id, "
						"plie = EXCLUDED.plie", 3, params, NULL, NULL, NULL) &&
		(password == NULL || db_set_role_password(db, role, password)) &&
		db_commit(db);
	if (!ok)
		db_rollback(db);
	else
	{
		printf("rôle %s : %s %s%s\n", role, role_group_title(group),
			   donneur ? donneur : plie,
			   role_exists ? " (rôle existant)" : " (créé, sans mot de passe : ALTER ROLE … PASSWORD "
			   "pour une connexion hors socket locale)");
		if (left_other[0])
			printf("rôle %s : retiré du groupe %s\n", role, left_other);
	}
	if (quoted)
		db_free(quoted);
	if (quoted_group)
		db_free(quoted_group);
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

/*
 * Parses « [--mot-de-passe | --mot-de-passe-fichier F] OWNER ROLE » and grants; the
 * password is read from the terminal or a file, never from the command line.
 */
static int
role_grant_run(int argc, char **argv, const char *command, const char *group, bool donneur)
{
	static const struct option options[] = {
		{"mot-de-passe", no_argument, NULL, 'p'},
		{"mot-de-passe-fichier", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0}
	};
	bool ask = false;
	const char *file = NULL;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
	{
		if (opt == 'p')
			ask = true;
		else if (opt == 'f')
			file = optarg;
		else
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
	}
	if (argc - optind != 2)
		return cli_usage_error(command, donneur ? "précisez le donneur d'ordre et le rôle"
							   : "précisez le PLIE et le rôle");

	const char *owner = argv[optind];
	const char *role = argv[optind + 1];
	char password[1024];

	if ((ask || file) && !(file ? password_read_file(file, password, sizeof(password))
						   : password_read_tty(role, password, sizeof(password))))
	{
		explicit_bzero(password, sizeof(password));
		return EXIT_CODE_USAGE;
	}

	int code = role_grant(command, group, donneur ? owner : NULL, donneur ? NULL : owner, role,
						  ask || file ? password : NULL);

	explicit_bzero(password, sizeof(password));
	return code;
}

static int
role_donneur_run(int argc, char **argv)
{
	return role_grant_run(argc, argv, "clause role donneur", "clause_donneurs", true);
}

static int
role_facilitateur_run(int argc, char **argv)
{
	return role_grant_run(argc, argv, "clause role facilitateur", "clause_facilitateurs", false);
}

static int
role_directeur_run(int argc, char **argv)
{
	return role_grant_run(argc, argv, "clause role directeur", "clause_directeurs", false);
}

static bool
print_role(void *context, const DbRow *row)
{
	int *count = context;

	if ((*count)++ == 0)
		printf("%-24s %-14s %-24s %s\n", "rôle", "groupe", "périmètre", "connexion");
	printf("%-24s %-14s %-24s %s\n", db_row_value(row, 0), db_row_value(row, 1), db_row_value(row, 2),
		   db_row_value(row, 3));
	return true;
}

/*
 * Every role that may read: the members of the two groups and the roles recorded in
 * acces_role, with their group (a role in both, or in none, is shown as such) and scope.
 */
static const char ROLE_LIST_SQL[] =
	"WITH membre AS ("
	" SELECT r.rolname::text AS role,"
	"  bool_or(g.rolname = 'clause_donneurs') AS donneur,"
	"  bool_or(g.rolname = 'clause_facilitateurs') AS facilitateur,"
	"  bool_or(g.rolname = 'clause_directeurs') AS directeur"
	" FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member"
	" WHERE g.rolname IN ('clause_donneurs', 'clause_facilitateurs', 'clause_directeurs')"
	" AND r.rolname <> 'clause_directeurs' GROUP BY r.rolname),"
	" tous AS ("
	" SELECT coalesce(a.role::text, m.role) AS role, a.donneur_id, a.plie,"
	"  coalesce(m.donneur, false) AS donneur, coalesce(m.facilitateur, false) AS facilitateur,"
	"  coalesce(m.directeur, false) AS directeur"
	" FROM acces_role a FULL JOIN membre m ON m.role = a.role::text)"
	" SELECT t.role,"
	"  CASE WHEN t.donneur AND (t.facilitateur OR t.directeur) THEN 'les deux !'"
	"   WHEN t.donneur THEN 'donneur' WHEN t.directeur THEN 'directeur'"
	"   WHEN t.facilitateur THEN 'facilitateur' ELSE 'aucun' END,"
	"  CASE WHEN t.donneur_id IS NOT NULL THEN 'donneur ' || t.donneur_id"
	"   WHEN t.plie IS NOT NULL THEN 'PLIE ' || t.plie ELSE 'aucun (ne voit rien)' END,"
	"  CASE WHEN r.oid IS NULL THEN 'rôle supprimé' WHEN r.rolcanlogin THEN 'oui' ELSE 'non' END"
	" FROM tous t LEFT JOIN pg_roles r ON r.rolname = t.role"
	" ORDER BY t.role";

static int
role_list_run(int argc, char **argv)
{
	Session session = {0};
	int count = 0;

	if (argc > 1)
		return cli_usage_error("clause role list", "argument inattendu « %s »", argv[1]);
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	bool ok = db_query(&session.db, ROLE_LIST_SQL, 0, NULL, print_role, &count, NULL);

	if (ok && count == 0)
		printf("aucun rôle de lecteur (voir clause role donneur|facilitateur)\n");
	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static const Command ROLE_DONNEUR = {
	"donneur", "crée ou autorise le rôle d'un donneur d'ordre (ses marchés, son impact agrégé)",
	"clause role donneur [--mot-de-passe | --mot-de-passe-fichier F] DONNEUR_ID ROLE",
	"Le rôle lit ses lignes de donneur, operation et marche, et son tableau d'impact agrégé\n"
	"et masqué : SELECT * FROM clause.mon_impact(); jamais un participant, ni les données\n"
	"d'un autre donneur d'ordre (sécurité au niveau des lignes de PostgreSQL). Ses périodes\n"
	"sont fixes : tout, une année civile ou un trimestre, par exemple\n"
	"clause.mon_impact(NULL, '2021-01-01', '2021-12-01') ou (NULL, '2021-04-01', '2021-06-01').\n"
	"\nOptions :\n"
	"  --mot-de-passe             demande le mot de passe du rôle au terminal (sans écho)\n"
	"  --mot-de-passe-fichier F   le lit sur la première ligne de F (- : l'entrée standard)\n"
	"Sans mot de passe, le rôle ne peut pas se connecter à la base embarquée : seul son\n"
	"propriétaire y entre sans mot de passe (authentification peer). Le mot de passe n'est\n"
	"jamais pris sur la ligne de commande, que tout utilisateur local peut lire.\n",
	role_donneur_run, NULL
};
static const Command ROLE_FACILITATEUR = {
	"facilitateur", "crée ou autorise le rôle d'un facilitateur (les données de son PLIE)",
	"clause role facilitateur [--mot-de-passe | --mot-de-passe-fichier F] PLIE ROLE",
	"Le rôle lit les opérations suivies par le PLIE (fiche nommée ou territoire), leurs\n"
	"marchés, lignes d'heures et participants, les conventions du PLIE, les lots\n"
	"d'import qui en ont apporté une ligne et les entreprises de ses marchés, de ses\n"
	"lignes et de ses conventions. Un rôle qui change de nature quitte l'autre groupe.\n"
	"\nOptions :\n"
	"  --mot-de-passe             demande le mot de passe du rôle au terminal (sans écho)\n"
	"  --mot-de-passe-fichier F   le lit sur la première ligne de F (- : l'entrée standard)\n"
	"Sans mot de passe, le rôle ne peut pas se connecter à la base embarquée : seul son\n"
	"propriétaire y entre sans mot de passe (authentification peer). Le mot de passe n'est\n"
	"jamais pris sur la ligne de commande, que tout utilisateur local peut lire.\n",
	role_facilitateur_run, NULL
};
static const Command ROLE_DIRECTEUR = {
	"directeur", "crée ou autorise le rôle d'un directeur de PLIE (tableau de bord, observatoire)",
	"clause role directeur [--mot-de-passe | --mot-de-passe-fichier F] PLIE ROLE",
	"Le rôle lit ce que lisent les facilitateurs du PLIE ; dans clause serve, il ouvre le\n"
	"tableau de bord des fiches et l'observatoire du PLIE.\n"
	"\nOptions :\n"
	"  --mot-de-passe             demande le mot de passe du rôle au terminal (sans écho)\n"
	"  --mot-de-passe-fichier F   le lit sur la première ligne de F (- : l'entrée standard)\n",
	role_directeur_run, NULL
};
static const Command ROLE_LIST = {
	"list", "rôles de lecteurs et ce qu'ils voient", "clause role list",
	"Chaque rôle membre de clause_donneurs ou de clause_facilitateurs, ou enregistré par\n"
	"clause role : son groupe, son périmètre (donneur d'ordre ou PLIE) et s'il peut se\n"
	"connecter. Un rôle dans les deux groupes, ou dans aucun, est signalé.\n",
	role_list_run, NULL
};
static const Command *const ROLE_SUBCOMMANDS[] = {&ROLE_DONNEUR, &ROLE_FACILITATEUR, &ROLE_DIRECTEUR, &ROLE_LIST,
	NULL};

const Command COMMAND_ROLE = {
	"role", "accès des donneurs d'ordre et des facilitateurs (rôles PostgreSQL)",
	"clause role COMMANDE", NULL, NULL, ROLE_SUBCOMMANDS
};
