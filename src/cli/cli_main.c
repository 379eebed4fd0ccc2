/*
 * Entry point of clause: parses the common flags once, walks the command table,
 * prints help, and runs the command. Only this layer chooses the exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "src/lib/safe_file.h"
#include "src/workflow/catalogue.h"

CliOptions cli_options = {0};

static const Command *const ROOT_SUBCOMMANDS[] = {
	&COMMAND_DB, &COMMAND_IMPORT, &COMMAND_BATCH, &COMMAND_ATTRIBUTE, &COMMAND_REPORT,
	&COMMAND_LOT, &COMMAND_CONFIG, &COMMAND_FICHE, &COMMAND_PROFILE, &COMMAND_ROLE, &COMMAND_EXPORT,
	&COMMAND_SERVE, &COMMAND_LIST, NULL
};

static const Command COMMAND_ROOT = {
	"clause",
	"suivi des heures d'insertion des clauses sociales des marchés publics",
	"clause [OPTIONS] COMMANDE ...",
	NULL, NULL, ROOT_SUBCOMMANDS
};

static const char COMMON_OPTIONS_HELP[] =
	"Options communes :\n"
	"  --db CONNINFO   base PostgreSQL à utiliser (sinon PGHOST, PGDATABASE…,\n"
	"                  sinon la base embarquée sous var/)\n"
	"  -v, -vv         plus de détails sur stderr\n"
	"  -q              n'afficher que les erreurs\n"
	"  -h, --help      cette aide\n";

static void
print_help(const Command *command, const char *path)
{
	printf("%s — %s\n\nUsage : %s\n", path, command->summary, command->usage);
	if (command->subcommands)
	{
		int width = 12;			/* the names' column, as wide as the longest */

		for (const Command *const *sub = command->subcommands; *sub; sub++)
			if ((int) strlen((*sub)->name) > width)
				width = (int) strlen((*sub)->name);
		printf("\nCommandes :\n");
		for (const Command *const *sub = command->subcommands; *sub; sub++)
			printf("  %-*s %s\n", width, (*sub)->name, (*sub)->summary);
		printf("\n« %s COMMANDE --help » décrit chaque commande.\n", path);
	}
	if (command->help)
		printf("\n%s", command->help);
	printf("\n%s", COMMON_OPTIONS_HELP);
	printf("\nCodes de sortie : 0 succès, 1 usage, 2 lignes ou fichier rejetés,\n"
		   "3 erreur de base de données, 4 erreur interne.\n");
}

int
cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list args;

	fputs("clause: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\nEssayez « %s --help ».\n", command);
	return EXIT_CODE_USAGE;
}

bool
cli_open_session(Session *session)
{
	return session_open(session, cli_options.conninfo);
}

FILE *
cli_open_output(const char *path)
{
	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;

	return safe_file_open_write(path);
}

bool
cli_close_output(FILE *out, const char *path)
{
	if (out == stdout)
		return fflush(stdout) == 0;
	if (fclose(out) != 0)
	{
		log_error("impossible d'écrire %s : %s", path, log_strerror(errno));
		return false;
	}
	log_info("écrit : %s", path);
	return true;
}

void
cli_getopt_reset(void)
{
	optind = 0;					/* glibc: 0 re-initialises getopt completely */
	opterr = 0;
}

/*
 * Keeps a copy of --db's value and, when it holds a password (or does not parse),
 * overwrites it in argv: the kernel shows that memory as /proc/PID/cmdline, which
 * `ps` lets every local user read for the whole run.
 */
static const char *
cli_take_conninfo(char *value)
{
	char *copy = strdup(value);	/* lives as long as the process */
	char shown[4096], password[1024];
	size_t len = strlen(value);

	if (copy == NULL)
		return value;
	if (db_conninfo_split(value, shown, sizeof(shown), password, sizeof(password)) &&
		password[0] == '\0')
		return copy;
	if (strlen(shown) <= len && password[0])
	{
		memset(value, ' ', len);
		memcpy(value, shown, strlen(shown));
	}
	else
		memset(value, '*', len);
	explicit_bzero(password, sizeof(password));
	return copy;
}

/*
 * Removes the common flags from argv wherever they stand, so that every command
 * sees only its own options. Returns false on a malformed common flag.
 */
static bool
parse_common_flags(int *argc, char **argv, bool *help)
{
	int out = 1;

	for (int i = 1; i < *argc; i++)
	{
		const char *arg = argv[i];

		if (strcmp(arg, "--") == 0)
		{
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0)
			cli_options.verbosity++;
		else if (strcmp(arg, "-vv") == 0)
			cli_options.verbosity += 2;
		else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0)
			cli_options.verbosity = -1;
		else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
			*help = true;
		else if (strcmp(arg, "--db") == 0)
		{
			if (i + 1 >= *argc)
				return false;
			cli_options.conninfo = cli_take_conninfo(argv[++i]);
		}
		else if (strncmp(arg, "--db=", 5) == 0)
			cli_options.conninfo = cli_take_conninfo(argv[i] + 5);
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return true;
}

static void
apply_verbosity(void)
{
	if (cli_options.verbosity < 0)
		log_set_level(LOG_LEVEL_ERROR);
	else if (cli_options.verbosity == 1)
		log_set_level(LOG_LEVEL_INFO);
	else if (cli_options.verbosity >= 2)
		log_set_level(LOG_LEVEL_DEBUG);
}

int
main(int argc, char **argv)
{
	bool help = false;

	/* reports, exports, rejected rows and var/ hold personal data: readable by us only */
	umask(077);
	migrate_set_seed(catalogue_ensure);
	if (!parse_common_flags(&argc, argv, &help))
		return cli_usage_error("clause", "--db attend une chaîne de connexion");
	apply_verbosity();

	const Command *command = &COMMAND_ROOT;
	char path[256] = "clause";
	int depth = 1;

	while (command->subcommands && depth < argc)
	{
		const Command *found = NULL;

		for (const Command *const *sub = command->subcommands; *sub; sub++)
			if (strcmp((*sub)->name, argv[depth]) == 0)
				found = *sub;
		if (found == NULL)
			return cli_usage_error(path, "commande inconnue « %s »", argv[depth]);
		command = found;
		snprintf(path + strlen(path), sizeof(path) - strlen(path), " %s", command->name);
		depth++;
	}

	if (help)
	{
		print_help(command, path);
		return EXIT_CODE_OK;
	}
	if (command->run == NULL)
	{
		if (command == &COMMAND_ROOT)
		{
			print_help(command, path);
			return EXIT_CODE_USAGE;
		}
		return cli_usage_error(path, "précisez une sous-commande");
	}
	return command->run(argc - depth + 1, argv + depth - 1);
}
