/*
 * clause report attendus|attestation: the facilitateur's end of month (who has not sent
 * yet) and end of marché (the attestation given to a company).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "reports/attendus.h"
#include "reports/attestation.h"
#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/lib/format.h"
#include "src/lib/known.h"
#include "src/lib/log.h"

/* The command line of both reports. */
typedef struct FacilitateurArgs
{
	const char *plie;
	char month[8];
	const char *marche;
	const char *siret;
	const char *format;
	const char *output;
} FacilitateurArgs;

static const struct option FACILITATEUR_OPTIONS[] = {
	{"plie", required_argument, NULL, 'p'},
	{"mois", required_argument, NULL, 'm'},
	{"marche", required_argument, NULL, 'M'},
	{"entreprise", required_argument, NULL, 'e'},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, 'o'},
	{NULL, 0, NULL, 0}
};

/* Reads the options a command takes (letters in allowed); returns the exit code. */
static int
facilitateur_parse(const char *command, const char *allowed, const char *const *formats, int argc,
				   char **argv, FacilitateurArgs *args)
{
	int opt;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "o:", FACILITATEUR_OPTIONS, NULL)) != -1)
	{
		if (opt == '?' || (opt != 'f' && opt != 'o' && strchr(allowed, opt) == NULL))
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
		switch (opt)
		{
			case 'p':
				args->plie = optarg;
				break;
			case 'm':
				if (!cli_parse_month(optarg, args->month))
					return cli_usage_error(command, "--mois attend un mois AAAA-MM ou MM/AAAA (ex. 2022-01)");
				break;
			case 'M':
				args->marche = optarg;
				break;
			case 'e':
				args->siret = optarg;
				break;
			case 'o':
				args->output = optarg;
				break;
			case 'f':
				{
					bool known = false;

					for (int i = 0; formats[i]; i++)
						known = known || strcmp(formats[i], optarg) == 0;
					if (!known)
						return cli_usage_error(command, "format inconnu « %s »", optarg);
					args->format = optarg;
					break;
				}
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);
	if (strcmp(args->format, "xlsx") == 0 && (args->output == NULL || strcmp(args->output, "-") == 0))
		return cli_usage_error(command, "le format xlsx demande un fichier (-o FICHIER.xlsx)");
	return EXIT_CODE_OK;
}

static int
attendus_run(int argc, char **argv)
{
	static const char *const formats[] = {"text", "csv", "xlsx", "html", NULL};
	const char *command = "clause report attendus";
	FacilitateurArgs args = {.format = "text"};
	int code = facilitateur_parse(command, "pm", formats, argc, argv, &args);

	if (code != EXIT_CODE_OK)
		return code;
	if (args.plie == NULL || args.month[0] == '\0')
		return cli_usage_error(command, "précisez --plie CODE et --mois AAAA-MM");

	Session session = {0};
	AttendusReport report;
	ReportSources sources = {0};
	bool unknown = false, ok;

	memset(&report, 0, sizeof(report));
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	ok = known_check(&session.db, KNOWN_PLIE, args.plie, &unknown) &&
		attendus_load(&session.db, args.plie, args.month, &report) &&
		(strcmp(args.format, "xlsx") != 0 && strcmp(args.format, "html") != 0
		 ? true : sources_load_all(&session.db, &sources));
	session_close(&session);
	if (!ok)
	{
		attendus_free(&report);
		sources_free(&sources);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}
	if (strcmp(args.format, "xlsx") == 0)
		ok = attendus_write_xlsx(&report, &sources, args.output);
	else
	{
		FILE *out = cli_open_output(args.output);

		ok = out != NULL &&
			(strcmp(args.format, "csv") == 0 ? attendus_write_csv(&report, out)
			 : strcmp(args.format, "html") == 0 ? attendus_write_html(&report, &sources, out)
			 : attendus_write_text(&report, out));
		if (out && !cli_close_output(out, args.output))
			ok = false;
	}
	log_notice("%d employeur%s attendu%s, %d marché%s sans heures", report.late.rows, fr_s(report.late.rows),
			   fr_s(report.late.rows), report.silent.rows, fr_s(report.silent.rows));
	attendus_free(&report);
	sources_free(&sources);
	return ok ? EXIT_CODE_OK : EXIT_CODE_INTERNAL;
}

/* The employer asked is the attributaire or has lines on the marché; false when reported. */
static bool
attestation_check_employer(Db *db, const char *marche, const char *siret, bool *unknown)
{
	const char *params[] = {marche, siret};
	char found[8] = "f";

	if (!known_check(db, KNOWN_ENTREPRISE, siret, unknown))
		return false;
	if (!db_query_value(db, "SELECT EXISTS (SELECT 1 FROM marche WHERE id = $1 AND attributaire_siret = $2) "
						"OR EXISTS (SELECT 1 FROM ligne_heures WHERE marche_id = $1 AND employeur_siret = $2)",
						2, params, found, sizeof(found), NULL))
		return false;
	if (found[0] == 't')
		return true;
	log_error("l'entreprise %s n'est ni l'attributaire du marché « %s » ni l'employeur d'une de ses heures",
			  siret, marche);
	*unknown = true;
	return false;
}

static int
attestation_run(int argc, char **argv)
{
	static const char *const formats[] = {"html", "xlsx", NULL};
	const char *command = "clause report attestation";
	FacilitateurArgs args = {.format = "html"};
	int code = facilitateur_parse(command, "Me", formats, argc, argv, &args);

	if (code != EXIT_CODE_OK)
		return code;
	if (args.marche == NULL)
		return cli_usage_error(command, "précisez le marché (--marche ID)");

	Session session = {0};
	AttestationReport report;
	bool unknown = false, ok;

	memset(&report, 0, sizeof(report));
	if (!cli_open_session(&session))
		return EXIT_CODE_DATABASE;
	ok = known_check(&session.db, KNOWN_MARCHE, args.marche, &unknown) &&
		(args.siret == NULL || attestation_check_employer(&session.db, args.marche, args.siret, &unknown)) &&
		attestation_load(&session.db, args.marche, args.siret, &report);
	session_close(&session);
	if (!ok)
	{
		attestation_free(&report);
		return unknown ? EXIT_CODE_USAGE : EXIT_CODE_DATABASE;
	}
	if (strcmp(args.format, "xlsx") == 0)
		ok = attestation_write_xlsx(&report, args.output);
	else
	{
		FILE *out = cli_open_output(args.output);

		ok = out != NULL && attestation_write_html(&report, out);
		if (out && !cli_close_output(out, args.output))
			ok = false;
	}
	attestation_free(&report);
	return ok ? EXIT_CODE_OK : EXIT_CODE_INTERNAL;
}

const Command REPORT_ATTENDUS = {
	"attendus", "qui n'a pas encore envoyé ses heures du mois (employeurs, marchés sans heures)",
	"clause report attendus --plie CODE --mois AAAA-MM [--format text|csv|xlsx|html] [-o FICHIER]",
	"Pour chaque marché du PLIE actif pendant le mois : les employeurs qui ont envoyé des\n"
	"heures sur ce marché les mois précédents mais rien encore pour ce mois (avec le dernier\n"
	"mois reçu), et les marchés commencés sans aucune heure reçue (avec leur attributaire).\n"
	"Toute ligne reçue compte, créditée ou non. Le compte-rendu de clause batch en donne la\n"
	"liste pour le dernier mois reçu.\n"
	"\nOptions :\n"
	"  --plie CODE       le PLIE (clause list operations montre le PLIE de chaque opération)\n"
	"  --mois MOIS       le mois attendu, AAAA-MM ou MM/AAAA\n"
	"  --format F        text (défaut), csv (Excel), xlsx ou html\n"
	"  -o, --output F    écrire dans F (obligatoire pour xlsx)\n",
	attendus_run, NULL
};

const Command REPORT_ATTESTATION = {
	"attestation", "attestation d'heures d'insertion d'un marché, pour l'attributaire ou un employeur",
	"clause report attestation --marche ID [--entreprise SIRET] [--format html|xlsx] [-o FICHIER]",
	"Sur la période du marché : heures prévues (dues) et réalisées (créditées, travaillées +\n"
	"formation), par employeur et par modalité ; participants et contrats, masqués de 1 à\n"
	"seuil_masquage − 1 (clause config set seuil_masquage N), aucun nom ; période, PLIE du\n"
	"facilitateur, lots sources avec leur SHA-256 et date d'extraction (SOURCE_DATE_EPOCH\n"
	"la fixe). Sans --entreprise : tout le marché, pour son attributaire ; avec : les\n"
	"heures de cet employeur seulement.\n"
	"\nOptions :\n"
	"  --marche ID       le marché (clause list marches)\n"
	"  --entreprise SIRET  un seul employeur (l'attributaire ou un employeur de ses heures)\n"
	"  --format F        html (défaut : une page A4 à imprimer) ou xlsx\n"
	"  -o, --output F    écrire dans F (obligatoire pour xlsx)\n",
	attestation_run, NULL
};
