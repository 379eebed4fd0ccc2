/*
 * The command line: a table of commands drives dispatch and --help; common flags
 * (-v, -q, --db, --help) are parsed once, before dispatch.
 */
#ifndef CLAUSE_CLI_H
#define CLAUSE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/session.h"

typedef struct Command Command;

struct Command
{
	const char *name;
	const char *summary;		/* one line, French */
	const char *usage;			/* "clause import KIND FILE..." */
	const char *help;			/* options and details, or NULL */
	int (*run) (int argc, char **argv);	/* argv[0] is the command's name */
	const Command *const *subcommands;	/* NULL-terminated, or NULL for a leaf */
};

typedef struct CliOptions
{
	const char *conninfo;		/* --db, or NULL */
	int verbosity;				/* -1 quiet, 0 default, 1 -v, 2 -vv */
} CliOptions;

extern CliOptions cli_options;

extern const Command COMMAND_DB;
extern const Command COMMAND_IMPORT;
extern const Command COMMAND_ATTRIBUTE;
extern const Command COMMAND_CONFIG;
extern const Command COMMAND_FICHE;
extern const Command COMMAND_REPORT;
extern const Command COMMAND_PROFILE;
extern const Command COMMAND_BATCH;
extern const Command COMMAND_LOT;
extern const Command COMMAND_ROLE;
extern const Command COMMAND_EXPORT;
extern const Command COMMAND_SERVE;
extern const Command COMMAND_LIST;
extern const Command REPORT_DECP_A_SUIVRE;
extern const Command REPORT_ATTENDUS;
extern const Command REPORT_ATTESTATION;

/*
 * The PLIE codes of the catalogue (sql/migrations/0002_catalogue_2021.sql), the one copy
 * the help texts quote, wrapped to follow "  --plie CODE       le PLIE (" (check_cli
 * compares it with the plie table).
 */
#define CLI_PLIE_CODES "agenais, bordeaux, technowest, grand_perigueux,\n" \
	"                    haut_perigord, portes_du_sud, sources"

/* Prints one line and the hint to --help on stderr; returns EXIT_CODE_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A positive decimal typed by the user (« 1,5 », « 1607 ») in canonical form (config set,
 * fiche etp); false when it is not one. */
bool cli_parse_positive(const char *text, char *out, size_t outsize);

/* Opens a session on the configured database; false when reported. */
bool cli_open_session(Session *session);

/* Opens -o FILE for writing, or returns stdout when path is NULL or "-". */
FILE *cli_open_output(const char *path);
bool cli_close_output(FILE *out, const char *path);

/* A month option, AAAA-MM or MM/AAAA, into out (8 bytes) as AAAA-MM; false when not one. */
bool cli_parse_month(const char *value, char *out);

/* Resets getopt for a command's own options. */
void cli_getopt_reset(void);

#endif
