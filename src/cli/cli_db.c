/*
 * clause db start|stop|status|migrate|psql|sauvegarde|restaure: the embedded cluster,
 * the schema and its backups.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/lib/cluster.h"
#include "src/lib/exitcodes.h"
#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "src/workflow/backup.h"

static bool
embedded_or_explain(const char *what)
{
	if (session_uses_embedded(cli_options.conninfo))
		return true;
	log_notice("clause utilise un serveur PostgreSQL externe (--db ou PGHOST/PGDATABASE) : "
			   "« %s » ne concerne que la base embarquée", what);
	return false;
}

static int
db_start_run(int argc, char **argv)
{
	Session session = {0};

	(void) argv;
	if (argc > 1)
		return cli_usage_error("clause db start", "argument inattendu « %s »", argv[1]);
	if (!embedded_or_explain("db start"))
		return EXIT_CODE_OK;
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	printf("base embarquée prête : %s\n", session.db.description);
	session_close(&session);
	return EXIT_CODE_OK;
}

static int
db_stop_run(int argc, char **argv)
{
	Cluster cluster = {0};

	if (argc > 1)
		return cli_usage_error("clause db stop", "argument inattendu « %s »", argv[1]);
	if (!embedded_or_explain("db stop"))
		return EXIT_CODE_OK;
	if (!session_cluster(&cluster))
		return EXIT_CODE_INTERNAL;
	return cluster_stop(&cluster) ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static int
db_status_run(int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("clause db status", "argument inattendu « %s »", argv[1]);
	if (!session_uses_embedded(cli_options.conninfo))
	{
		Db db = {0};

		if (!db_connect(&db, cli_options.conninfo))
			return EXIT_CODE_DATABASE;
		printf("serveur externe : %s\n", db.description);
		db_close(&db);
		return EXIT_CODE_OK;
	}

	Cluster cluster = {0};

	if (!session_cluster(&cluster))
		return EXIT_CODE_INTERNAL;

	bool running = cluster_is_running(&cluster);

	printf("base embarquée : %s\n", cluster.pgdata);
	if (cluster.relocated)
		printf("(le dossier du projet est fermé à l'utilisateur du serveur : la base vit hors du projet)\n");
	printf("état : %s\n", !cluster_is_initialized(&cluster) ? "non créée (créée au premier usage)"
		   : running ? "démarrée" : "arrêtée");
	printf("socket : %s\nprogrammes du serveur : %s\n", cluster.socket_dir, cluster.bindir);
	if (cluster.switch_user)
		printf("utilisateur du serveur : %s\n", CLUSTER_SYSTEM_USER);
	/* 0 when running, 3 when stopped, as pg_ctl status does */
	return running ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static int
db_migrate_run(int argc, char **argv)
{
	Session session = {0};

	if (argc > 1)
		return cli_usage_error("clause db migrate", "argument inattendu « %s »", argv[1]);
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	/* session_open migrated already; run again to report what stands */
	bool ok = migrate_apply(&session.db, true);

	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

/*
 * Hands the session to psql. The password of --db never goes to psql's arguments
 * (every local user may read them): psql finds it in its own environment, which only
 * the same OS user can read. Arguments after « psql » go to psql.
 */
static int
db_psql_run(int argc, char **argv)
{
	char conninfo[PATH_MAX * 2];
	char password[1024] = "";

	if (session_uses_embedded(cli_options.conninfo))
	{
		Session session = {0};

		if (!cli_open_session(&session))
			return EXIT_CODE_DATABASE;
		session_close(&session);
		cluster_conninfo(&session.cluster, CLUSTER_DATABASE, conninfo, sizeof(conninfo));
	}
	else if (cli_options.conninfo == NULL)
		conninfo[0] = '\0';
	else if (!db_conninfo_split(cli_options.conninfo, conninfo, sizeof(conninfo),
								password, sizeof(password)))
	{
		db_conninfo_valid(cli_options.conninfo);	/* says why, without the string */
		return EXIT_CODE_USAGE;
	}
	if (password[0])
		setenv("PGPASSWORD", password, 1);
	explicit_bzero(password, sizeof(password));
	setenv("PGOPTIONS", "-c search_path=clause,pg_temp", 0);

	char **args = calloc((size_t) argc + 3, sizeof(char *));
	int n = 0;

	if (args == NULL)
		return EXIT_CODE_INTERNAL;
	args[n++] = "psql";
	args[n++] = conninfo;
	for (int i = 1; i < argc; i++)
		if (i > 1 || strcmp(argv[i], "--") != 0)
			args[n++] = argv[i];
	args[n] = NULL;
	execvp("psql", args);
	log_error("impossible de lancer psql : %s (paquet postgresql-client)", log_strerror(errno));
	free(args);
	return EXIT_CODE_INTERNAL;
}

static int
db_sauvegarde_run(int argc, char **argv)
{
	char path[PATH_MAX];

	if (argc > 2)
		return cli_usage_error("clause db sauvegarde", "argument inattendu « %s »", argv[2]);
	if (argc == 2)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else
	{
		time_t now = time(NULL);
		struct tm local;

		localtime_r(&now, &local);
		strftime(path, sizeof(path), "clause-%Y%m%d-%H%M%S.dump", &local);
	}

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	bool ok = backup_write(&session, cli_options.conninfo, path);

	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static int
db_restaure_run(int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error("clause db restaure", "précisez le fichier de sauvegarde");

	Session session = {0};

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;

	bool ok = backup_restore(&session, cli_options.conninfo, argv[1]);

	session_close(&session);
	return ok ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

static const Command DB_START = {
	"start", "crée (au premier usage) et démarre la base embarquée", "clause db start",
	"La base embarquée vit sous var/pg (ou $CLAUSE_VAR/pg), sans port TCP : sa socket\n"
	"est dans var/run. En root, le serveur tourne sous l'utilisateur système « clause ».\n",
	db_start_run, NULL
};
static const Command DB_STOP = {
	"stop", "arrête la base embarquée", "clause db stop", NULL, db_stop_run, NULL
};
static const Command DB_STATUS = {
	"status", "état de la base (code 0 si démarrée, 3 sinon)", "clause db status", NULL,
	db_status_run, NULL
};
static const Command DB_MIGRATE = {
	"migrate", "applique les migrations de sql/ (fait aussi à chaque commande)",
	"clause db migrate",
	"Chaque fichier sql/migrations/NNNN_*.sql est appliqué une seule fois, dans l'ordre,\n"
	"et noté dans clause.schema_migration ; les vues (sql/views/) sont recréées\n"
	"si l'une d'elles a changé.\n"
	"Une base neuve reçoit ensuite le catalogue 2021 livré avec clause\n"
	"(data/reference/territoires-plie-2021.csv et fiches-2021.csv, sous CLAUSE_HOME),\n"
	"chargé comme clause import territoires|fiches et noté dans clause.source_reference\n"
	"(fichier, SHA-256, lignes) ; une base qui a déjà un catalogue le garde tel quel.\n",
	db_migrate_run, NULL
};
static const Command DB_PSQL = {
	"psql", "ouvre psql sur la base de clause", "clause db psql [-- ARGUMENTS DE PSQL]",
	"Le mot de passe de --db n'est jamais passé en argument à psql (que tout utilisateur\n"
	"local peut lire) : psql le reçoit par son environnement.\n", db_psql_run, NULL
};

static const Command DB_SAUVEGARDE = {
	"sauvegarde", "sauvegarde la base (pg_dump) avec ses chiffres de contrôle et son SHA-256",
	"clause db sauvegarde [FICHIER]",
	"Écrit FICHIER (par défaut clause-AAAAMMJJ-HHMMSS.dump dans le dossier courant) au\n"
	"format personnalisé de pg_dump, lisible par vous seul (0600), jamais par-dessus une\n"
	"sauvegarde existante ; puis FICHIER.controle, les chiffres comptés dans le même instantané\n"
	"(lignes de chaque table, heures créditées de chaque fiche), et FICHIER.sha256, leurs\n"
	"empreintes (vérifiables par « sha256sum -c FICHIER.sha256 »). Gardez les trois ensemble.\n",
	db_sauvegarde_run, NULL
};
static const Command DB_RESTAURE = {
	"restaure", "restaure une sauvegarde dans une base vide et vérifie ses chiffres",
	"clause db restaure FICHIER",
	"Vérifie FICHIER et FICHIER.controle contre FICHIER.sha256, restaure (pg_restore, en une\n"
	"transaction) dans une base sans aucun lot importé, par exemple une nouvelle base\n"
	"embarquée : CLAUSE_VAR=/nouveau/dossier clause db restaure FICHIER ; puis recompte\n"
	"lignes et heures par fiche et les compare à FICHIER.controle. Les rôles de lecteurs\n"
	"(clause role) sont à recréer : un rôle appartient au serveur, pas à la base.\n",
	db_restaure_run, NULL
};

static const Command *const DB_SUBCOMMANDS[] = {
	&DB_START, &DB_STOP, &DB_STATUS, &DB_MIGRATE, &DB_PSQL, &DB_SAUVEGARDE, &DB_RESTAURE, NULL
};

const Command COMMAND_DB = {
	"db", "gère la base PostgreSQL (embarquée ou non)", "clause db COMMANDE", NULL, NULL,
	DB_SUBCOMMANDS
};
