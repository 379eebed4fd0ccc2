/*
 * clause db start|stop|status|migrate|psql|sauvegarde|restaure: the embedded cluster,
 * the schema and its backups.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "src/cli/cli.h"
#include "src/lib/cluster.h"
#include "src/lib/exitcodes.h"
#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "src/lib/passfile.h"
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

/* The psql child, for the handler that passes it a SIGTERM or SIGHUP sent to us. */
static volatile sig_atomic_t psql_pid;

static void
psql_forward_signal(int signo)
{
	if (psql_pid > 0)
		kill((pid_t) psql_pid, signo);
}

/*
 * Runs psql as a child and waits for it: its exit status, 128 + the signal that ended
 * it, or -1. Ctrl-C and Ctrl-\ go to psql (it cancels a query), not to us; a SIGTERM
 * or SIGHUP sent to us is passed on, so that we live to remove the password file.
 */
static int
psql_run_child(char **args, const PassFile *passfile)
{
	struct sigaction ignore = {.sa_handler = SIG_IGN}, forward = {.sa_handler = psql_forward_signal};
	struct sigaction old_int, old_quit, old_term, old_hup;

	sigemptyset(&ignore.sa_mask);
	sigemptyset(&forward.sa_mask);
	sigaction(SIGINT, &ignore, &old_int);
	sigaction(SIGQUIT, &ignore, &old_quit);
	fflush(stdout);
	fflush(stderr);

	pid_t pid = fork();

	if (pid == 0)
	{
		/* an ignored signal stays ignored across exec: psql gets them back */
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execvpe("psql", args, passfile_envp(passfile));
		fprintf(stderr, "clause: impossible de lancer psql : %s (paquet postgresql-client)\n",
				log_strerror(errno));
		_exit(127);
	}

	int status = 0, code = -1;

	if (pid < 0)
		log_error("fork impossible : %s", log_strerror(errno));
	else
	{
		psql_pid = pid;
		sigaction(SIGTERM, &forward, &old_term);
		sigaction(SIGHUP, &forward, &old_hup);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		psql_pid = 0;
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		if (WIFEXITED(status))
			code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			code = 128 + WTERMSIG(status);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return code;
}

/*
 * Hands the session to psql. The password of --db never goes to psql's arguments nor
 * to its environment (every local user may read the first, every process of the same
 * user the second): psql reads it from a 0600 password file, removed once psql exits.
 * Arguments after « psql » go to psql; clause exits with psql's status.
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
	/* before the password file: its environment for psql is a copy of ours */
	setenv("PGOPTIONS", "-c search_path=clause,pg_temp", 0);

	PassFile passfile;
	bool made = passfile_create(&passfile, NULL, password);

	explicit_bzero(password, sizeof(password));
	if (!made)
		return EXIT_CODE_INTERNAL;

	char **args = calloc((size_t) argc + 3, sizeof(char *));
	int n = 0;

	if (args == NULL)
	{
		passfile_remove(&passfile);
		return EXIT_CODE_INTERNAL;
	}
	args[n++] = "psql";
	args[n++] = conninfo;
	for (int i = 1; i < argc; i++)
		if (i > 1 || strcmp(argv[i], "--") != 0)
			args[n++] = argv[i];
	args[n] = NULL;

	int code = psql_run_child(args, &passfile);

	passfile_remove(&passfile);
	free(args);
	return code < 0 ? EXIT_CODE_INTERNAL : code;
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
