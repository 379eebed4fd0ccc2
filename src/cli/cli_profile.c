/*
 * clause profile check NAME FILE: shows how a sender's file maps onto the canonical
 * fields through its profile, row by row, without writing anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/json_reader.h"
#include "importers/participant_index.h"
#include "importers/profile.h"
#include "importers/profile_draft.h"
#include "importers/xlsx_reader.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

typedef struct CheckState
{
	const KindSpec *kind;
	int limit;
	int shown;
	long long rows;
	long long valid;
	long long rejected;
	bool header_seen;
} CheckState;

static bool
check_on_record(void *context, const CsvRecord *record)
{
	CheckState *state = context;
	char value[KIND_VALUE_SIZE], err[VALIDATE_ERR_SIZE];
	const char *bad_column = record->error_column;
	const char *reason = record->error;

	if (!state->header_seen)
	{
		state->header_seen = true;
		return true;
	}
	state->rows++;

	StrBuf line = {0};

	for (int i = 0; reason == NULL && i < state->kind->ncolumns && i < record->nfields; i++)
	{
		bool is_null = false;
		char raw[KIND_VALUE_SIZE];

		snprintf(raw, sizeof(raw), "%s", record->fields[i]);
		if (!kind_validate_field(&state->kind->columns[i], raw, value, &is_null, err))
		{
			bad_column = state->kind->columns[i].name;
			reason = err;
			break;
		}
		strbuf_printf(&line, "%s%s=%s", i ? " " : "", state->kind->columns[i].name,
					  is_null ? "∅" : value);
	}
	if (reason)
		state->rejected++;
	else
		state->valid++;
	if (state->shown < state->limit)
	{
		state->shown++;
		if (reason)
			printf("ligne %d : rejetée%s%s%s : %s\n", record->line, bad_column ? ", colonne « " : "",
				   bad_column ? bad_column : "", bad_column ? " »" : "", reason);
		else
			printf("ligne %d : %s\n", record->line, line.data ? line.data : "");
	}
	strbuf_free(&line);
	return true;
}

static int
profile_check_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"lignes", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause profile check";
	CheckState state = {.limit = 10};
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "n:", options, NULL)) != -1)
	{
		if (opt != 'n')
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);

		char *end = NULL;
		long value = strtol(optarg, &end, 10);

		if (*end != '\0' || value < 1 || value > 100000)
			return cli_usage_error(command, "--lignes attend un nombre");
		state.limit = (int) value;
	}
	if (argc - optind != 2)
		return cli_usage_error(command, "précisez le profil et le fichier");

	char home[PATH_MAX];
	Profile profile = {0};

	if (!session_home_dir(home, sizeof(home)) || !profile_load(argv[optind], home, &profile))
	{
		profile_free(&profile);
		return EXIT_CODE_USAGE;
	}
	state.kind = profile.kind;
	printf("profil %s (%s)%s%s\n", profile.name, profile.kind->name,
		   profile.description ? " : " : "", profile.description ? profile.description : "");

	/* participants found by name need the database, read only */
	Session session = {0};
	ParticipantIndex index = {0};

	if (profile.find_participant &&
		(!cli_open_session(&session) || !participant_index_load(&session.db, &index)))
	{
		profile_free(&profile);
		return EXIT_CODE_DATABASE;
	}

	ProfileMapper mapper = {.profile = &profile, .next = check_on_record, .next_context = &state,
	.lookup = participant_index_lookup, .lookup_context = &index};
	const char *path = argv[optind + 1];
	bool xlsx = false;
	bool ok = profile.json || source_pick(path, path, profile.xlsx, &xlsx);

	if (!ok)
		;
	else if (xlsx)
	{
		printf("fichier %s : classeur Excel, feuille %s%s%s\n", path,
			   profile.sheet ? "« " : "", profile.sheet ? profile.sheet : "la première",
			   profile.sheet ? " »" : "");
		mapper.delimiter = ';';
		ok = xlsx_reader_run(path, path, profile.sheet, profile_mapper_on_record, &mapper);
	}
	else if (profile.json)
	{
		JsonLayout layout;

		profile_json_layout(&profile, &layout);
		ok = json_reader_run(path, &layout, profile_mapper_on_record, &mapper);
	}
	else
	{
		CsvReader reader = {0};

		ok = csv_reader_open(&reader, path, profile.delimiter,
							 profile.encoding_forced ? &profile.encoding : NULL);
		if (ok)
		{
			printf("fichier %s : encodage %s, séparateur « %c »\n", path,
				   decode_encoding_name(reader.encoding), reader.delimiter);
			mapper.delimiter = reader.delimiter;
			ok = csv_reader_run(&reader, profile_mapper_on_record, &mapper);
		}
		csv_reader_close(&reader);
	}
	ok = ok && profile_mapper_finish(&mapper);
	if (ok && !mapper.header_done)
	{
		log_error("%s : aucun en-tête trouvé après %d ligne%s de titre : fichier vide, ou "
				  "« lignes_titre » trop grand", path, profile.title_lines, fr_s(profile.title_lines));
		ok = false;
	}
	else if (ok && state.rows == 0)
	{
		log_error("%s : aucune ligne de données après l'en-tête", path);
		ok = false;
	}
	printf("%lld ligne%s de données : %lld valide%s, %lld rejetée%s ; %lld ligne%s de titre et "
		   "%lld de total ignorée%s (rien n'a été écrit)\n", state.rows, fr_s(state.rows),
		   state.valid, fr_s(state.valid), state.rejected, fr_s(state.rejected),
		   mapper.title_rows, fr_s(mapper.title_rows), mapper.total_rows,
		   fr_s(mapper.title_rows + mapper.total_rows));

	profile_mapper_free(&mapper);
	participant_index_free(&index);
	if (profile.find_participant)
		session_close(&session);
	profile_free(&profile);
	if (!ok)
		return EXIT_CODE_REJECTED;
	return state.rejected > 0 ? EXIT_CODE_REJECTED : EXIT_CODE_OK;
}

static const Command PROFILE_CHECK = {
	"check", "montre comment les premières lignes d'un fichier sont lues par un profil",
	"clause profile check [--lignes N] PROFIL FICHIER",
	"PROFIL est un nom (profiles/PROFIL.json) ou un chemin vers un fichier .json.\n"
	"Rien n'est écrit en base ; la base n'est lue que si le profil retrouve les\n"
	"participants par leur nom.\n"
	"\nOptions :\n"
	"  --lignes N   nombre de lignes montrées (10 par défaut)\n",
	profile_check_run, NULL
};

/* Writes text to path, never over an existing file (O_EXCL), readable by its owner and group. */
static bool
write_new_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0640);

	if (fd < 0)
	{
		log_error("%s : écriture impossible : %s", path,
				  errno == EEXIST ? "le fichier existe déjà (choisissez un autre nom)" : log_strerror(errno));
		return false;
	}

	FILE *out = fdopen(fd, "w");
	bool ok = out != NULL && fputs(text, out) >= 0;

	if (out == NULL)
		close(fd);
	else if (fclose(out) != 0)
		ok = false;
	if (!ok)
		log_error("%s : écriture impossible", path);
	return ok;
}

static int
profile_draft_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"nom", required_argument, NULL, 'n'},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause profile draft";
	const char *name = "nouvel-expediteur";
	const char *output = NULL;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1)
	{
		if (opt == 'n')
			name = optarg;
		else if (opt == 'o')
			output = optarg;
		else
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cli_usage_error(command, "précisez le fichier de l'expéditeur");

	StrBuf json = {0};
	StrBuf notes = {0};
	bool ok = profile_draft(argv[optind], name, &json, &notes);

	if (ok)
	{
		if (output)
			ok = write_new_file(output, json.data);
		else
			fputs(json.data, stdout);
	}
	if (ok)
	{
		fprintf(stderr, "À relire avant usage :\n%s", notes.data ? notes.data : "");
		fprintf(stderr, "Puis vérifiez : clause profile check %s %s\n", output ? output : "PROFIL.json",
				argv[optind]);
	}
	strbuf_free(&json);
	strbuf_free(&notes);
	return ok ? EXIT_CODE_OK : EXIT_CODE_REJECTED;
}

static const Command PROFILE_DRAFT = {
	"draft", "propose un profil d'après l'en-tête du fichier d'un expéditeur",
	"clause profile draft [--nom NOM] [-o PROFIL.json] FICHIER",
	"Lit les premières lignes de FICHIER (CSV ou .xlsx) : encodage, séparateur, lignes de\n"
	"titre, lignes de total, et reconnaît ses colonnes aux noms que les expéditeurs leur\n"
	"donnent (« Heures payées », « Nb d'heures », « Réf. marché », « N° SIRET »,\n"
	"« Semaine du »…). Écrit le profil proposé (JSON) sur la sortie, ou dans PROFIL.json\n"
	"(jamais par-dessus un fichier existant), et dit ce qu'il faut relire ou compléter.\n"
	"Ensuite : clause profile check PROFIL.json FICHIER, puis déposez le fichier dans la boîte.\n"
	"\nOptions :\n"
	"  --nom NOM          le nom du profil (nouvel-expediteur par défaut)\n"
	"  -o, --output F     écrire le profil dans F\n",
	profile_draft_run, NULL
};

static const Command *const PROFILE_SUBCOMMANDS[] = {&PROFILE_CHECK, &PROFILE_DRAFT, NULL};

const Command COMMAND_PROFILE = {
	"profile", "profils des fichiers des expéditeurs (ETTI, entreprises, SIAE)",
	"clause profile COMMANDE", NULL, NULL, PROFILE_SUBCOMMANDS
};
