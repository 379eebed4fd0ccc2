/*
 * clause import KIND FILE...: each file is one batch, loaded wholly or not at all.
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/decp.h"
#include "importers/import.h"
#include "importers/kinds.h"
#include "importers/profile.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/workflow/attribute.h"

static int
import_status_exit_code(ImportStatus status)
{
	switch (status)
	{
		case IMPORT_LOADED:
		case IMPORT_ALREADY_DONE:
			return EXIT_CODE_OK;
		case IMPORT_ROWS_REJECTED:
		case IMPORT_FILE_REJECTED:
			return EXIT_CODE_REJECTED;
		case IMPORT_DATABASE_ERROR:
			return EXIT_CODE_DATABASE;
		case IMPORT_INTERNAL_ERROR:
			return EXIT_CODE_INTERNAL;
	}
	return EXIT_CODE_INTERNAL;
}

static void
print_import_summary(const char *path, ImportStatus status, const ImportResult *result)
{
	char *copy = strdup(path);
	char printable[PATH_MAX];
	const char *name = log_printable(copy ? basename(copy) : path, printable, sizeof(printable));

	if (status == IMPORT_ALREADY_DONE)
	{
		printf("%s : déjà importé (lot n° %lld du %s%s), rien à faire\n", name,
			   result->lot_id, result->previous_date,
			   result->previous_cancelled ? ", annulé depuis" : "");
		if (result->later_lots[0])
			printf("%s : des lots chargés depuis sur les mêmes mois (%s) priment sur lui ; pour "
				   "revenir à ce fichier, annulez-les : clause lot annuler N --motif TEXTE\n",
				   name, result->later_lots);
	}
	else if (status == IMPORT_LOADED || status == IMPORT_ROWS_REJECTED)
		printf("%s : lot n° %lld : %lld ligne%s lue%s, %lld chargée%s, %lld inchangée%s, "
			   "%lld rejetée%s\n", name, result->lot_id,
			   result->rows_read, fr_s(result->rows_read), fr_s(result->rows_read),
			   result->rows_loaded, fr_s(result->rows_loaded),
			   result->rows_unchanged, fr_s(result->rows_unchanged),
			   result->rows_rejected, fr_s(result->rows_rejected));
	else if (status == IMPORT_FILE_REJECTED)
		printf("%s : fichier refusé, rien n'a été chargé\n", name);
	free(copy);
}

/* clause import decp FICHIER.json...: DECP files, one batch each (importers/README-decp.md). */
static int
import_decp_run(const ImportOptions *import, int first, int argc, char **argv)
{
	Session session = {0};
	int exit_code = EXIT_CODE_OK;

	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	for (int i = first; i < argc; i++)
	{
		ImportResult result = {0};
		DecpCounts counts = {0};
		ImportStatus status = import_decp_file(&session.db, argv[i], import->strict,
											   import->max_reported, &result, &counts);
		int code = import_status_exit_code(status);
		char *copy = strdup(argv[i]);
		char printable[PATH_MAX];
		const char *name = log_printable(copy ? basename(copy) : argv[i], printable, sizeof(printable));

		if (status == IMPORT_LOADED || status == IMPORT_ROWS_REJECTED)
			printf("%s : lot n° %lld : %lld marché%s lu%s, %lld chargé%s, %lld inchangé%s, "
				   "%lld rejeté%s ; ignorés : %lld sans considération sociale, "
				   "%lld contrat%s de concession, %lld doublon%s\n", name, result.lot_id,
				   result.rows_read, fr_s(result.rows_read), fr_s(result.rows_read),
				   result.rows_loaded, fr_s(result.rows_loaded),
				   result.rows_unchanged, fr_s(result.rows_unchanged),
				   result.rows_rejected, fr_s(result.rows_rejected),
				   counts.ignored_no_social,
				   counts.ignored_concessions, fr_s(counts.ignored_concessions),
				   counts.duplicates, fr_s(counts.duplicates));
		else
			print_import_summary(argv[i], status, &result);
		free(copy);
		if (code > exit_code)
			exit_code = code;
		if (status == IMPORT_DATABASE_ERROR && db_connection_lost(&session.db))
			break;
	}
	session_close(&session);
	return exit_code;
}

static int
import_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"strict", no_argument, NULL, 's'},
		{"max-rejets", required_argument, NULL, 'm'},
		{"profile", required_argument, NULL, 'p'},
		{"profil", required_argument, NULL, 'p'},
		{"format", required_argument, NULL, 'f'},
		{"sans-attribution", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0}
	};
	ImportOptions import = {.max_reported = 100, .after_merge = attribute_after_import};
	const char *profile_name = NULL;
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
	{
		switch (opt)
		{
			case 's':
				import.strict = true;
				break;
			case 'a':
				import.after_merge = NULL;
				break;
			case 'm':
				{
					char *end = NULL;
					long value = strtol(optarg, &end, 10);

					if (*optarg == '\0' || *end != '\0' || value < 0 || value > 1000000)
						return cli_usage_error("clause import", "--max-rejets attend un nombre");
					import.max_reported = (int) value;
					break;
				}
			case 'p':
				profile_name = optarg;
				break;
			case 'f':
				if (strcmp(optarg, "csv") == 0)
					import.format = IMPORT_FORMAT_CSV;
				else if (strcmp(optarg, "json") == 0)
					import.format = IMPORT_FORMAT_JSON;
				else if (strcmp(optarg, "xlsx") == 0)
					import.format = IMPORT_FORMAT_XLSX;
				else
					return cli_usage_error("clause import", "format inconnu « %s » (csv, xlsx ou json)", optarg);
				break;
			default:
				return cli_usage_error("clause import", "option inconnue « %s »", argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("clause import", "précisez la nature et au moins un fichier");

	import.kind = argv[optind++];
	if (strcmp(import.kind, "decp") == 0)
	{
		if (profile_name || import.format != IMPORT_FORMAT_AUTO)
			return cli_usage_error("clause import", "--profile et --format ne s'appliquent pas à decp");
		return import_decp_run(&import, optind, argc, argv);
	}
	if (kind_find(import.kind) == NULL)
		return cli_usage_error("clause import", "nature inconnue « %s » (attendu : %s, decp)",
							   import.kind, kind_names());

	Profile profile = {0};

	if (profile_name)
	{
		char home[PATH_MAX];

		if (!session_home_dir(home, sizeof(home)) || !profile_load(profile_name, home, &profile))
		{
			profile_free(&profile);
			return EXIT_CODE_USAGE;
		}
		if (strcmp(profile.kind->name, import.kind) != 0)
		{
			int code = cli_usage_error("clause import", "le profil %s décrit des fichiers %s, pas %s",
									   profile.name, profile.kind->name, import.kind);

			profile_free(&profile);
			return code;
		}
		import.profile = &profile;
	}

	Session session = {0};

	if (!cli_open_session(&session))
	{
		profile_free(&profile);
		return EXIT_CODE_DATABASE;
	}

	int exit_code = EXIT_CODE_OK;

	for (int i = optind; i < argc; i++)
	{
		ImportResult result = {0};

		import.path = argv[i];

		ImportStatus status = import_file(&session.db, &import, &result);
		int code = import_status_exit_code(status);

		print_import_summary(argv[i], status, &result);
		if (code > exit_code)
			exit_code = code;
		if (status == IMPORT_DATABASE_ERROR && db_connection_lost(&session.db))
			break;
	}
	session_close(&session);
	profile_free(&profile);
	return exit_code;
}

const Command COMMAND_IMPORT = {
	"import", "importe des fichiers (un lot par fichier)",
	"clause import [--strict] [--sans-attribution] [--profile NOM] [--format csv|xlsx|json] NATURE FICHIER...",
	"Natures : donneurs, entreprises, operations, marches, participants, conventions, heures,\n"
	"contrats (contrats de travail : participant, employeur, marché, type, début, fin prévue,\n"
	"fin réelle, heures hebdomadaires, métier, motif de fin ; mis à jour par clé participant,\n"
	"employeur, type et date de début),\n"
	"fiches (une ligne par indicateur : plie;code;titre;date_debut;date_fin;clause_insertion;\n"
	"indicateur;libelle;cible;par_etp), territoires (plie;annee;code_insee;commune[;plie_nom] :\n"
	"les lignes d'une année remplacent le territoire du PLIE à partir de cette année),\n"
	"decp (données essentielles de la commande publique, JSON 2019 ou 2022 : les marchés\n"
	"avec clause sociale, critère social ou marché réservé ; voir importers/README-decp.md).\n"
	"Fichiers CSV, séparateur ; ou , (détecté), UTF-8 avec ou sans BOM ou Windows-1252\n"
	"(détecté), en-tête aux noms exacts dans n'importe quel ordre ; dates JJ/MM/AAAA ou\n"
	"AAAA-MM-JJ, mois AAAA-MM ou MM/AAAA, décimales avec virgule ou point.\n"
	"Chaque fichier est chargé en une transaction ; les lignes invalides sont rejetées\n"
	"avec leur ligne, leur colonne et le motif, les autres sont chargées. Un fichier déjà\n"
	"importé (même SHA-256) ne change rien. Les heures sont ré-attribuées à chaque import.\n"
	"Fichiers JSON (extension .json ou --format json) : un tableau d'objets aux noms de\n"
	"champs canoniques, ou {\"NATURE\": [...]}, lus en flux.\n"
	"Classeurs Excel (.xlsx, ou --format xlsx) : la première feuille, en-tête en première\n"
	"ligne, lue en flux ; les cellules de date donnent des dates. Un ancien .xls est refusé\n"
	"avec la marche à suivre (l'enregistrer en .xlsx).\n"
	"Un profil (profiles/NOM.json) décrit le fichier d'un expéditeur : colonnes, constantes,\n"
	"valeurs, encodage, lignes de titre et de total, participants retrouvés par nom,\n"
	"semaines cumulées en mois. Voir clause profile check.\n"
	"\nOptions :\n"
	"  --strict          une seule ligne rejetée refuse tout le fichier\n"
	"  --max-rejets N    nombre de lignes rejetées affichées (100 par défaut)\n"
	"  --profile NOM     lire le fichier avec le profil NOM (ou un chemin vers un .json)\n"
	"  --format F        csv, xlsx ou json (sinon d'après le contenu et l'extension)\n"
	"  --sans-attribution  charger sans attribuer : les lots restent « à attribuer » et\n"
	"                    la prochaine attribution (clause attribute ou l'import suivant)\n"
	"                    les reprend ; pour enchaîner de gros fichiers\n",
	import_run, NULL
};
