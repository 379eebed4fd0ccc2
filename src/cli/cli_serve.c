/*
 * clause serve: the pages of the facilitateurs, donneurs d'ordre and PLIE directors in a
 * browser (src/serve*.c); this file reads the options and runs the server.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cli.h"
#include "src/lib/exitcodes.h"
#include "src/serve/serve.h"

/* A whole number between min and max, or false. */
static bool
parse_number(const char *value, long min, long max, long *out)
{
	char *end = NULL;
	long number = strtol(value, &end, 10);

	if (*value == '\0' || *end != '\0' || number < min || number > max)
		return false;
	*out = number;
	return true;
}

static int
serve_main(int argc, char **argv)
{
	static const struct option options[] = {
		{"adresse", required_argument, NULL, 'a'},
		{"port", required_argument, NULL, 'p'},
		{"certificat", required_argument, NULL, 'c'},
		{"cle", required_argument, NULL, 'k'},
		{"boites", required_argument, NULL, 'b'},
		{"taille-max", required_argument, NULL, 't'},
		{"duree-session", required_argument, NULL, 'd'},
		{"proxy-de-confiance", required_argument, NULL, 'x'},
		{NULL, 0, NULL, 0}
	};
	const char *command = "clause serve";
	ServeConfig config;
	long number = 0;
	int opt;

	serve_config_defaults(&config);
	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1)
	{
		if (opt == 'a')
			config.address = optarg;
		else if (opt == 'p' && parse_number(optarg, 0, 65535, &number))
			config.port = (unsigned) number;
		else if (opt == 'c')
			config.cert_file = optarg;
		else if (opt == 'k')
			config.key_file = optarg;
		else if (opt == 'b')
			config.boxes_dir = optarg;
		else if (opt == 'x')
			config.trusted_proxy = optarg;
		else if (opt == 't' && parse_number(optarg, 1, 1024, &number))
			config.max_body = (size_t) number * 1024 * 1024;
		else if (opt == 'd' && parse_number(optarg, 1, 24 * 60, &number))
			config.session_idle = (int) number * 60;
		else if (opt == 'p' || opt == 't' || opt == 'd')
			return cli_usage_error(command, "valeur invalide « %s » pour %s", optarg, argv[optind - 1]);
		else
			return cli_usage_error(command, "option inconnue « %s »", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(command, "argument inattendu « %s »", argv[optind]);
	config.conninfo = cli_options.conninfo;
	config.owner_conninfo = cli_options.conninfo;
	return serve_run_until_signal(&config) ? EXIT_CODE_OK : EXIT_CODE_DATABASE;
}

const Command COMMAND_SERVE = {
	"serve", "les pages des facilitateurs, donneurs d'ordre et directeurs dans un navigateur",
	"clause serve [--adresse 127.0.0.1] [--port 8080] [--certificat FICHIER --cle FICHIER]\n"
	"             [--proxy-de-confiance ADRESSE]",
	"Chaque lecteur se connecte avec son rôle PostgreSQL et son mot de passe (clause role) ;\n"
	"chaque page est lue par une connexion en ce rôle : la sécurité au niveau des lignes\n"
	"décide de ce qu'il voit. Un facilitateur dépose les fichiers du mois dans la boîte de\n"
	"son PLIE, les traite (clause batch), lit le compte rendu, télécharge les rejets, voit\n"
	"les lignes non comptabilisées, le suivi et les lots ; un donneur d'ordre lit son tableau\n"
	"d'impact (HTML, CSV, XLSX) ; un directeur de PLIE le tableau de bord des fiches et\n"
	"l'observatoire. Chaque requête est journalisée sur la sortie d'erreur, sans secret ni\n"
	"nom de participant. Arrêt propre sur SIGTERM ou Ctrl-C.\n"
	"\nOptions :\n"
	"  --adresse IP          adresse d'écoute (127.0.0.1 par défaut)\n"
	"  --port N              port (8080 par défaut ; 0 : un port libre, affiché)\n"
	"  --certificat FICHIER  certificat TLS (PEM) : HTTPS, avec --cle\n"
	"  --cle FICHIER         clé privée TLS (PEM), lue dans le fichier, jamais en argument\n"
	"  --boites DOSSIER      boîtes des PLIE (par défaut VAR/boites/PLIE/AAAA-MM)\n"
	"  --taille-max N        taille maximale d'un envoi, en Mo (20 par défaut)\n"
	"  --duree-session N     minutes d'inactivité avant la fin d'une session (30 par défaut)\n"
	"  --proxy-de-confiance ADRESSE\n"
	"                        derrière un proxy inverse (nginx) à cette adresse : l'adresse du\n"
	"                        client est la dernière de son en-tête X-Forwarded-For (pour\n"
	"                        l'attente après des échecs de connexion et le journal), et\n"
	"                        X-Forwarded-Proto: https rend les cookies Secure ; l'en-tête\n"
	"                        venu de toute autre adresse est ignoré\n",
	serve_main, NULL
};
