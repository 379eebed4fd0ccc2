/*
 * gen_data.c: deterministic data generator for clause: a realistic sample year 2021 of the
 * seven PLIE with its independently computed expected figures, or a large benchmark set.
 *
 * Self-contained C11, libc only, fixed-seed splitmix64 PRNG (no time(), no rand()).
 *   gen_data --sample DIR [--expected FILE]
 *   gen_data --bench ROWS DIR
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define EXIT_OK 0
#define EXIT_USAGE 1
#define EXIT_INTERNAL 4

#define CEILING_C 20800 /* monthly ceiling, centi-hours (208 h) */
#define FULL_TIME_C 15167 /* 151.67 h */

/* ------------------------------------------------------------------ PRNG */

typedef struct Rng {
	uint64_t state;
} Rng;

static uint64_t mix_final(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Stateless hash of a 64-bit value (splitmix64 step). */
static uint64_t mix64(uint64_t x)
{
	return mix_final(x + 0x9e3779b97f4a7c15ULL);
}

static uint64_t rng_next(Rng *rng)
{
	rng->state += 0x9e3779b97f4a7c15ULL;
	return mix_final(rng->state);
}

/* Uniform integer in [0, n), n > 0. */
static int rng_below(Rng *rng, int n)
{
	return (int) (((rng_next(rng) >> 32) * (uint64_t) n) >> 32);
}

/* Uniform integer in [lo, hi]. */
static int rng_range(Rng *rng, int lo, int hi)
{
	return lo + rng_below(rng, hi - lo + 1);
}

/* ------------------------------------------------------------------ dates */

static bool date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int date_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return (m == 2 && date_is_leap(y)) ? 29 : days[m - 1];
}

static int date_make(int y, int m, int d)
{
	return y * 10000 + m * 100 + d;
}

/* Parses a trusted "YYYY-MM-DD" literal of the tables into yyyymmdd. */
static int date_parse_iso(const char *s)
{
	long y = strtol(s, NULL, 10);
	long m = strtol(s + 5, NULL, 10);
	long d = strtol(s + 8, NULL, 10);
	return date_make((int) y, (int) m, (int) d);
}

/* Month index: y * 12 + (m - 1). */
static int month_of_date(int ymd)
{
	return (ymd / 10000) * 12 + (ymd / 100 % 100) - 1;
}

static int month_first_day(int mi)
{
	return date_make(mi / 12, mi % 12 + 1, 1);
}

static int month_last_day(int mi)
{
	return date_make(mi / 12, mi % 12 + 1, date_days_in_month(mi / 12, mi % 12 + 1));
}

static bool period_overlaps(int a0, int a1, int b0, int b1)
{
	return a0 <= b1 && b0 <= a1;
}

static void date_format_iso(char *buf, size_t size, int ymd)
{
	snprintf(buf, size, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static void date_format_fr(char *buf, size_t size, int ymd)
{
	snprintf(buf, size, "%02d/%02d/%04d", ymd % 100, ymd / 100 % 100, ymd / 10000);
}

/* ------------------------------------------------------------------ SIRET */

/* Luhn sum of n digits; the rightmost digit has weight 1. */
static int luhn_sum(const char *digits, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++) {
		int d = digits[n - 1 - i] - '0';
		if (i % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum;
}

/* Check digit to append to n digits so that the n + 1 digits pass Luhn. */
static char luhn_check_digit(const char *digits, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++) {
		int d = digits[n - 1 - i] - '0';
		if (i % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (char) ('0' + (10 - sum % 10) % 10);
}

static bool siret_is_valid(const char *s)
{
	if (strlen(s) != 14)
		return false;
	for (int i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return luhn_sum(s, 14) % 10 == 0;
}

/*
 * Builds a SIRET from a number < 10^8 (the SIREN body) and a NIC body < 10^4: SIREN =
 * 8 digits + Luhn key, SIRET = SIREN + 4 digits + Luhn key over the 14 digits.
 */
static void siret_build(char out[15], uint32_t siren_body, uint32_t nic_body)
{
	snprintf(out, 15, "%08u", (unsigned) (siren_body % 100000000u));
	out[8] = luhn_check_digit(out, 8);
	snprintf(out + 9, 6, "%04u", (unsigned) (nic_body % 10000u));
	out[13] = luhn_check_digit(out, 13);
	out[14] = '\0';
}

/* ------------------------------------------------------------------ output */

typedef struct Out {
	FILE *file;
	char path[1024];
	char delim;
	bool cp1252;
	bool crlf;
	int line;   /* lines written, header included */
	int fields; /* fields written in the current row */
	bool failed;
} Out;

/* Windows-1252 bytes 0x80..0x9F and their code points. */
static const uint16_t CP1252_HIGH[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static int cp1252_from_codepoint(uint32_t cp)
{
	if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
		return (int) cp;
	for (int i = 0; i < 32; i++)
		if (CP1252_HIGH[i] != 0 && CP1252_HIGH[i] == cp)
			return 0x80 + i;
	return -1;
}

static void out_bytes(Out *out, const char *s, size_t n)
{
	if (out->failed)
		return;
	if (!out->cp1252) {
		if (fwrite(s, 1, n, out->file) != n)
			out->failed = true;
		return;
	}
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char) s[i];
		uint32_t cp;
		size_t len;
		if (c < 0x80) {
			cp = c;
			len = 1;
		} else if ((c & 0xE0) == 0xC0 && i + 1 < n) {
			cp = ((uint32_t) (c & 0x1F) << 6) | (s[i + 1] & 0x3F);
			len = 2;
		} else if ((c & 0xF0) == 0xE0 && i + 2 < n) {
			cp = ((uint32_t) (c & 0x0F) << 12) | ((uint32_t) (s[i + 1] & 0x3F) << 6) |
				 (s[i + 2] & 0x3F);
			len = 3;
		} else {
			fprintf(stderr, "gen_data: %s: unexpected UTF-8 byte 0x%02x\n", out->path, c);
			out->failed = true;
			return;
		}
		int b = cp1252_from_codepoint(cp);
		if (b < 0) {
			fprintf(stderr, "gen_data: %s: U+%04X has no Windows-1252 byte\n", out->path,
					(unsigned) cp);
			out->failed = true;
			return;
		}
		if (fputc(b, out->file) == EOF)
			out->failed = true;
		i += len;
	}
}

static bool out_open(Out *out, const char *dir, const char *name, char delim, bool cp1252,
					 bool crlf, bool bom)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->path, sizeof(out->path), "%s/%s", dir, name);
	out->delim = delim;
	out->cp1252 = cp1252;
	out->crlf = crlf;
	out->file = fopen(out->path, "wb");
	if (out->file == NULL) {
		fprintf(stderr, "gen_data: cannot create %s: %s\n", out->path, strerror(errno));
		return false;
	}
	if (bom)
		out_bytes(out, "\xEF\xBB\xBF", 3);
	return true;
}

/* Writes one field, quoting it (RFC 4180) when it holds the delimiter, a quote or a newline. */
static void out_field(Out *out, const char *s)
{
	if (out->fields > 0)
		out_bytes(out, &out->delim, 1);
	out->fields++;
	bool quote = strchr(s, out->delim) != NULL || strpbrk(s, "\"\r\n") != NULL;
	if (!quote) {
		out_bytes(out, s, strlen(s));
		return;
	}
	out_bytes(out, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			out_bytes(out, "\"", 1);
		out_bytes(out, p, 1);
	}
	out_bytes(out, "\"", 1);
}

static void out_fieldf(Out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_fieldf(Out *out, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out_field(out, buf);
}

static void out_row_end(Out *out)
{
	out_bytes(out, out->crlf ? "\r\n" : "\n", out->crlf ? 2 : 1);
	out->fields = 0;
	out->line++;
}

/* Writes a header given as one string of ';'-separated names, with the file's delimiter. */
static void out_header(Out *out, const char *names)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", names);
	for (char *tok = strtok(buf, ";"); tok != NULL; tok = strtok(NULL, ";"))
		out_field(out, tok);
	out_row_end(out);
}

static bool out_close(Out *out)
{
	if (out->file == NULL)
		return false;
	if (fclose(out->file) != 0)
		out->failed = true;
	out->file = NULL;
	if (out->failed)
		fprintf(stderr, "gen_data: error writing %s\n", out->path);
	return !out->failed;
}

/* Creates a directory and its parents (mkdir -p). */
static bool dir_make_all(const char *path)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
				fprintf(stderr, "gen_data: cannot create %s: %s\n", buf, strerror(errno));
				return false;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	return true;
}

/* Formats centi-hours: "151,67" with dec ',', "151.67" with '.', bare drops zero decimals. */
static void hours_format(char *buf, size_t size, int centi, char dec, bool bare)
{
	const char *sign = centi < 0 ? "-" : "";
	int a = centi < 0 ? -centi : centi;
	if (bare && a % 100 == 0)
		snprintf(buf, size, "%s%d", sign, a / 100);
	else if (bare && a % 10 == 0)
		snprintf(buf, size, "%s%d%c%d", sign, a / 100, dec, a % 100 / 10);
	else
		snprintf(buf, size, "%s%d%c%02d", sign, a / 100, dec, a % 100);
}

/* ------------------------------------------------------------------ shared vocabulary */

static const char *const CRITERES[] = {"deld", "rsa", "ass", "aah", "rqth", "jeune",
									   "senior", "iae", "plie", "qpv", "autre"};
enum { CR_DELD, CR_RSA, CR_ASS, CR_AAH, CR_RQTH, CR_JEUNE, CR_SENIOR, CR_IAE, CR_PLIE,
	   CR_QPV, CR_AUTRE, CR_COUNT };

static const char *const CONTRATS[] = {"cdi", "cdd", "cddi", "ctt", "apprentissage",
									   "professionnalisation", "autre"};
enum { CT_CDI, CT_CDD, CT_CDDI, CT_CTT, CT_APP, CT_PRO, CT_AUTRE };

static const char *const MODALITES[] = {"embauche_directe", "mise_a_disposition",
										"sous_traitance", "co_traitance", "formation"};
enum { MO_DIRECT, MO_MAD, MO_SOUS, MO_CO, MO_FORM };

static const char *const HEURES_HEADER =
	"participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite";

static void criteres_format(char *buf, size_t size, unsigned mask)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < CR_COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s", used ? "|" : "", CRITERES[i]);
		if (n < 0 || (size_t) n >= size - used)
			break;
		used += (size_t) n;
	}
}

/* Draws criteria the way a facilitateur records them on entry. */
static unsigned criteres_draw(Rng *rng, int birth, bool qpv)
{
	unsigned c = 0;
	int age = 2021 - birth / 10000;
	if (age < 26 && rng_below(rng, 100) < 80)
		c |= 1u << CR_JEUNE;
	if (age >= 50 && rng_below(rng, 100) < 70)
		c |= 1u << CR_SENIOR;
	if (rng_below(rng, 100) < 40)
		c |= 1u << CR_DELD;
	if (rng_below(rng, 100) < 30)
		c |= 1u << CR_RSA;
	else if (rng_below(rng, 100) < 7)
		c |= 1u << CR_ASS;
	if (rng_below(rng, 100) < 4)
		c |= 1u << CR_AAH;
	if (rng_below(rng, 100) < 8)
		c |= 1u << CR_RQTH;
	if (rng_below(rng, 100) < 12)
		c |= 1u << CR_IAE;
	if (rng_below(rng, 100) < 45)
		c |= 1u << CR_PLIE;
	if (qpv && rng_below(rng, 100) < 80)
		c |= 1u << CR_QPV;
	if (rng_below(rng, 100) < 2)
		c |= 1u << CR_AUTRE;
	if (c == 0)
		c |= 1u << (rng_below(rng, 2) ? CR_DELD : CR_RSA);
	return c;
}

static const char *const NOMS[] = {
	"Lefèvre", "Mercier", "Dupouy", "Lafargue", "Castaing", "Labat", "Darriet", "Etcheverry",
	"Lacoste", "Benali", "Diallo", "Traoré", "Da Silva", "Ferreira", "Nguyen", "Haddad",
	"Koné", "Mendes", "Belkacem", "Lebœuf", "Bégué", "Pérès", "Garçon", "Laporte", "Brunet",
	"Ménard", "Carrère", "Lartigue", "Sénac", "Barrière", "Dufrêne", "Gonçalves", "Rousseau",
	"Faure", "Giraud", "Morel", "Fournier", "Lopez", "Martinez", "Garcia", "Rodrigues",
	"Pereira", "Ben Saïd", "El Amrani", "Camara", "Sylla", "Cissé", "Fofana", "Moreau",
	"Durand", "Lambert", "Bonnet", "Étienne", "Lhôte", "Duprat", "Cazenave", "Müller",
	"Œuvrard", "Touré", "Bouchaïb",
};
static const char *const PRENOMS_M[] = {
	"Mohamed", "Julien", "Kévin", "Jérôme", "Frédéric", "Benoît", "Loïc", "Mathéo", "Théo",
	"Karim", "Mamadou", "Sébastien", "Noël", "Rémi", "Stéphane", "José", "João", "Grégory",
	"Anthony", "Yanis", "Abdoulaye", "Hervé", "Cédric", "Aurélien", "Moussa", "Ibrahim",
	"François", "Joël", "Raphaël", "Timothée", "Ahmed", "Nicolas", "Dylan", "Éric",
};
static const char *const PRENOMS_F[] = {
	"Hélène", "Cécile", "Agnès", "Chloé", "Zoé", "Maëlle", "Gaëlle", "Léa", "Inès",
	"Fatoumata", "Aïcha", "Séverine", "Mélanie", "Françoise", "Nadège", "Sandrine", "Océane",
	"Anaïs", "Noémie", "Aurélie", "Laëtitia", "Émilie", "Bérénice", "Khadija", "Marie-Thérèse",
};

#define COUNT_OF(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------ sample tables */

typedef struct DonneurSpec {
	const char *id;
	const char *mcode; /* code used in the ids of its marchés */
	const char *nom;
	const char *type;
} DonneurSpec;

static const DonneurSpec DONNEURS[] = {
	{"BM", "BM", "Bordeaux Métropole", "epci"},
	{"VDB", "VDB", "Ville de Bordeaux", "commune"},
	{"AQUI", "AQUI", "Aquitanis – Office public de l'habitat de Bordeaux Métropole", "bailleur"},
	{"DOMO", "DOMO", "Domofrance", "bailleur"},
	{"RNA", "RNA", "Région Nouvelle-Aquitaine", "region"},
	{"DIRA", "ÉTAT", "État – DIR Atlantique", "etat"},
	{"AGEN", "AGEN", "Agglomération d'Agen", "epci"},
	{"VPES", "VPES", "Ville de Pessac", "commune"},
	{"GP", "GP", "Communauté d'agglomération Le Grand Périgueux", "epci"},
	{"VTAL", "VTAL", "Mairie de Talence", "commune"},
	{"CHUB", "CHUB", "CHU de Bordeaux", "etablissement_public"},
	{"GPI", "GPI", "Garonne Promotion Immobilière", "prive"},
	{"CD24", "CD24", "Département de la Dordogne", "departement"},
	{"VSMJ", "VSMJ", "Ville de Saint-Médard-en-Jalles", "commune"},
	{"PERH", "PERH", "Périgord Habitat", "bailleur"},
};

typedef struct EntrepriseSpec {
	const char *key;
	const char *nom;
	const char *type;
	const char *dept;
} EntrepriseSpec;

static const EntrepriseSpec ENTREPRISES[] = {
	{"GARBAT", "Garonne Bâtiment", "entreprise", "33"},
	{"SAGO", "Société Aquitaine de Gros Œuvre", "entreprise", "33"},
	{"LAFIT", "Menuiseries Lafitte & Frères", "entreprise", "33"},
	{"ELMED", "Électricité Médocaine", "entreprise", "33"},
	{"DUBERN", "Peintures Dubernet", "entreprise", "33"},
	{"TPAG", "Travaux Publics de l'Agenais", "entreprise", "47"},
	{"BATAG", "Bâti-Agenais Rénovation", "entreprise", "47"},
	{"PERFAC", "Périgord Façades", "entreprise", "24"},
	{"DTP", "Dordogne Terrassement et Voirie", "entreprise", "24"},
	{"COUVSM", "Couverture Saint-Médard", "entreprise", "33"},
	{"PLATBX", "Plâtrerie Bordelaise", "entreprise", "33"},
	{"RRSO", "Routes et Réseaux du Sud-Ouest", "entreprise", "33"},
	{"CHBOIS", "Charpentes Bois & Métal d'Aquitaine", "entreprise", "33"},
	{"ETANCH", "Étanchéité Girondine", "entreprise", "33"},
	{"PLOMB", "Plomberie Chauffage des Graves", "entreprise", "33"},
	{"DEMOL", "Démolition Désamiantage Atlantique", "entreprise", "33"},
	{"SOLS", "Sols & Décors du Périgord", "entreprise", "24"},
	{"PROPO", "Propreté Océane", "entreprise", "33"},
	{"NETAQ", "Net'Aquitaine Services", "entreprise", "33"},
	{"JARDG", "Jardins de Garonne Paysage", "entreprise", "33"},
	{"AGPAY", "Agen Paysages – Jardins à la Française", "entreprise", "47"},
	{"RESTGI", "Restauration Girondine", "entreprise", "33"},
	{"RESTP", "Restauration Collective du Périgord", "entreprise", "24"},
	{"SECBX", "Sécurité Gardiennage Bordeaux Lac", "entreprise", "33"},
	{"BLANC", "Blanchisserie Industrielle d'Aquitaine", "entreprise", "33"},
	{"DECHT", "Valorisation Déchets Cœur de Garonne", "entreprise", "47"},
	{"IDBX", "Id'ees Intérim Bordeaux", "etti", "33"},
	{"IDAG", "Id'ees Intérim Agen", "etti", "47"},
	{"TREMP", "Tremplin Intérim Insertion Périgord", "etti", "24"},
	{"AISOL", "Solidarité Emploi des Graves", "ai", "33"},
	{"AIPER", "AI Périgord Services", "ai", "24"},
	{"AIAG", "Association Intermédiaire Agen Services", "ai", "47"},
	{"ELANB", "Élan Bâtiment Insertion", "ei", "33"},
	{"RECUP", "Récup'Ère Insertion", "ei", "47"},
	{"CUISOL", "Cuisines Solidaires du Périgord", "ei", "24"},
	{"ACINAT", "ACI Chantier Nature et Patrimoine", "aci", "33"},
	{"ACIREN", "ACI Rénov'Périgord", "aci", "24"},
	{"ACIAG", "ACI Espaces Verts de l'Agenais", "aci", "47"},
	{"GEIQBTP", "GEIQ BTP Gironde", "geiq", "33"},
	{"GEIQPRO", "GEIQ Propreté Aquitaine", "geiq", "33"},
	{"ETTMER", "Intérim Plus Mérignac", "ett", "33"},
	{"EAGAR", "Atelier Adapté Garonne", "ea", "33"},
	{"ESATF", "ESAT La Fontaine", "esat", "33"},
	{"REGBN", "Régie de Quartier Bordeaux Nord", "regie", "33"},
	{"REGAG", "Régie de Quartier d'Agen Montanou", "regie", "47"},
};

typedef struct OpSpec {
	const char *id;
	const char *donneur;
	const char *nom;
	const char *commune;
	const char *secteur;
	const char *fiche;
} OpSpec;

static const OpSpec OPS[] = {
	{"OP-BX-01", "BM", "ZAC Bastide Niel – îlot B4 (groupe scolaire et logements)", "33063", "btp", ""},
	{"OP-BX-02", "VDB", "Groupe scolaire Brazza", "33063", "btp", ""},
	{"OP-BX-03", "AQUI", "Réhabilitation de la résidence du Grand Parc – bâtiments G, H, I", "33063", "btp", ""},
	{"OP-BX-04", "DOMO", "Résidentialisation des Aubiers", "33063", "btp", ""},
	{"OP-BX-05", "CHUB", "Nettoyage des locaux – hôpital Pellegrin", "33063", "proprete", ""},
	{"OP-BX-06", "VDB", "Entretien des parcs de la rive droite", "33063", "espaces_verts", ""},
	{"OP-BX-07", "VDB", "Restauration scolaire – cuisine centrale", "33063", "restauration", ""},
	{"OP-BX-08", "RNA", "Lycée Gustave Eiffel – restructuration", "33063", "btp", "B1"},
	{"OP-BX-09", "GPI", "Les Quais de Brazza – 120 logements (promotion privée)", "33063", "btp", ""},
	{"OP-BX-10", "BM", "Collecte des encombrants – quartiers nord", "33063", "services", ""},
	{"OP-BX-11", "VDB", "Salle polyvalente du Grand Parc", "33063", "btp", ""},
	{"OP-PS-01", "VTAL", "Groupe scolaire Jules Ferry", "33522", "btp", ""},
	{"OP-PS-02", "DOMO", "Renouvellement urbain de Thouars – réhabilitation de 200 logements", "33522", "btp", "PS2"},
	{"OP-PS-03", "BM", "Entretien des espaces verts de Villenave-d'Ornon", "33550", "espaces_verts", ""},
	{"OP-PS-04", "AQUI", "Résidence Beausoleil – réhabilitation thermique", "33192", "btp", ""},
	{"OP-PS-05", "VTAL", "Nettoyage des bâtiments communaux", "33522", "proprete", ""},
	{"OP-SO-01", "VPES", "Renouvellement urbain de Saige", "33318", "btp", ""},
	{"OP-SO-02", "VPES", "Restauration scolaire de Pessac", "33318", "restauration", ""},
	{"OP-SO-03", "BM", "Extension de la ligne B du tramway – Pessac Alouette", "33318", "btp", "B1"},
	{"OP-SO-04", "RNA", "Lycée des métiers de Cestas – gymnase", "33122", "btp", "S3"},
	{"OP-SO-05", "BM", "Entretien des fossés et accotements – Canéjan", "33090", "espaces_verts", ""},
	{"OP-TW-01", "VSMJ", "Pôle culturel et sportif de Saint-Médard-en-Jalles", "33449", "btp", ""},
	{"OP-TW-02", "BM", "Réhabilitation de la piscine du Bouscat", "33069", "btp", ""},
	{"OP-TW-03", "DIRA", "Entretien des dépendances vertes – secteur Macau", "33262", "espaces_verts", ""},
	{"OP-TW-04", "DOMO", "Construction de 40 logements sociaux – Le Pian-Médoc", "33322", "btp", ""},
	{"OP-TW-05", "BM", "Nettoyage des équipements sportifs – Saint-Aubin-de-Médoc", "33376", "proprete", ""},
	{"OP-TW-06", "BM", "Aménagement des berges – Parempuyre, Labarde", "33312", "espaces_verts", "ET2"},
	{"OP-AG-01", "AGEN", "Technopole Agen-Garonne – voirie et réseaux", "47001", "btp", ""},
	{"OP-AG-02", "AGEN", "Renouvellement urbain de Montanou", "47001", "btp", ""},
	{"OP-AG-03", "AGEN", "Collecte et tri des déchets ménagers – Boé", "47031", "services", ""},
	{"OP-AG-04", "AGEN", "Entretien des espaces verts – Bon-Encontre, Brax", "47032", "espaces_verts", ""},
	{"OP-AG-05", "RNA", "Lycée Jean-Baptiste de Baudre – rénovation énergétique", "47001", "btp", "A3"},
	{"OP-AG-06", "AGEN", "Accueil de loisirs d'Aubiac – extension", "47016", "btp", ""},
	{"OP-GP-01", "GP", "Pôle d'échanges multimodal de Périgueux", "24322", "btp", "GP2"},
	{"OP-GP-02", "PERH", "Renouvellement urbain de Chamiers – réhabilitation", "24138", "btp", "GP4"},
	{"OP-GP-03", "GP", "Entretien des espaces naturels – Trélissac", "24557", "espaces_verts", "GP2"},
	{"OP-GP-04", "CD24", "Restauration du collège de Boulazac", "24053", "restauration", "GP4"},
	{"OP-GP-05", "GP", "Voirie de la zone d'activités de Boulazac", "24053", "btp", ""},
	{"OP-HP-01", "CD24", "Collège Alcide Dusolier de Nontron – restructuration", "24311", "btp", ""},
};

typedef struct MarcheSpec {
	const char *op;
	const char *lot;
	const char *intitule;
	const char *attributaire;
	const char *forme;
	const char *debut;
	const char *fin;
	long euros;
	int part; /* labour share, % */
	int taux; /* insertion rate, % */
} MarcheSpec;

static const MarcheSpec MARCHES[] = {
	{"OP-BX-01", "2", "Gros œuvre", "SAGO", "execution", "2020-09-01", "2022-06-30", 3800000, 50, 7},
	{"OP-BX-01", "6", "Menuiseries extérieures", "LAFIT", "execution", "2021-02-01", "2022-03-31", 850000, 40, 7},
	{"OP-BX-01", "8", "Plâtrerie – cloisons – faux plafonds", "PLATBX", "execution", "2021-03-15", "2022-05-31", 620000, 65, 7},
	{"OP-BX-01", "11", "Électricité courants forts et faibles", "ELMED", "critere", "2021-01-15", "2022-04-30", 540000, 55, 5},
	{"OP-BX-02", "1", "Gros œuvre", "GARBAT", "execution", "2020-03-02", "2021-06-15", 2100000, 50, 6},
	{"OP-BX-02", "4", "Charpente bois – couverture", "CHBOIS", "execution", "2020-06-01", "2021-03-31", 480000, 45, 6},
	{"OP-BX-02", "9", "Peinture – revêtements muraux", "DUBERN", "execution", "2020-11-02", "2021-07-30", 310000, 70, 7},
	{"OP-BX-03", "1", "Démolition – désamiantage", "DEMOL", "execution", "2020-01-06", "2020-11-30", 260000, 55, 7},
	{"OP-BX-03", "3", "Plâtrerie – cloisons – faux plafonds", "PLATBX", "execution", "2020-10-01", "2022-02-28", 1150000, 65, 5},
	{"OP-BX-03", "4", "Menuiseries extérieures", "LAFIT", "execution", "2020-10-01", "2021-12-17", 980000, 40, 5},
	{"OP-BX-03", "5", "Plomberie – chauffage – ventilation", "PLOMB", "execution", "2021-01-11", "2022-01-31", 720000, 50, 5},
	{"OP-BX-03", "7", "Peinture des parties communes (lot réservé SIAE)", "ELANB", "reserve_siae", "2021-04-01", "2021-12-31", 180000, 70, 50},
	{"OP-BX-04", "1", "Terrassement – VRD", "RRSO", "execution", "2021-01-04", "2021-10-29", 640000, 35, 7},
	{"OP-BX-04", "2", "Espaces verts – aménagements paysagers", "JARDG", "execution", "2021-05-03", "2021-12-17", 210000, 60, 7},
	{"OP-BX-05", "1", "Nettoyage des locaux", "PROPO", "execution", "2019-07-01", "2023-06-30", 4200000, 85, 5},
	{"OP-BX-05", "2", "Blanchisserie des tenues professionnelles", "EAGAR", "reserve_ea_esat", "2020-01-01", "2022-12-31", 600000, 50, 20},
	{"OP-BX-06", "1", "Entretien des parcs (marché d'insertion)", "ACINAT", "insertion", "2021-01-01", "2023-12-31", 240000, 75, 60},
	{"OP-BX-06", "2", "Entretien des espaces verts", "JARDG", "execution", "2021-01-01", "2023-12-31", 900000, 75, 7},
	{"OP-BX-07", "1", "Fourniture et livraison de repas", "RESTGI", "execution", "2020-09-01", "2024-08-31", 6000000, 40, 5},
	{"OP-BX-08", "2", "Gros œuvre", "GARBAT", "execution", "2021-09-01", "2023-06-30", 2900000, 50, 7},
	{"OP-BX-08", "1", "Démolition – désamiantage", "DEMOL", "execution", "2021-03-01", "2021-08-31", 390000, 55, 5},
	{"OP-BX-09", "2", "Gros œuvre", "SAGO", "execution", "2021-02-01", "2022-09-30", 3100000, 50, 5},
	{"OP-BX-09", "5", "Étanchéité", "ETANCH", "execution", "2021-06-01", "2022-03-31", 290000, 45, 5},
	{"OP-BX-10", "1", "Collecte des encombrants (marché réservé SIAE)", "REGBN", "reserve_siae", "2020-07-01", "2023-06-30", 520000, 60, 40},
	{"OP-BX-11", "2", "Gros œuvre", "GARBAT", "execution", "2019-04-01", "2020-10-30", 1200000, 50, 5},
	{"OP-BX-11", "7", "Peinture – revêtements muraux", "DUBERN", "execution", "2020-03-02", "2020-12-18", 150000, 70, 5},
	{"OP-PS-01", "2", "Gros œuvre", "SAGO", "execution", "2020-11-02", "2022-01-28", 1600000, 50, 5},
	{"OP-PS-01", "5", "Menuiseries extérieures", "LAFIT", "execution", "2021-03-01", "2021-12-17", 320000, 40, 5},
	{"OP-PS-02", "3", "Plâtrerie – cloisons – faux plafonds", "PLATBX", "execution", "2021-01-04", "2022-06-30", 1400000, 65, 5},
	{"OP-PS-02", "4", "Électricité courants forts et faibles", "ELMED", "execution", "2021-01-04", "2022-06-30", 880000, 55, 5},
	{"OP-PS-03", "1", "Entretien des espaces verts (marché réservé SIAE)", "ACINAT", "reserve_siae", "2021-03-01", "2024-02-29", 360000, 75, 40},
	{"OP-PS-04", "3", "Menuiseries extérieures", "LAFIT", "execution", "2020-09-14", "2021-09-30", 540000, 40, 5},
	{"OP-PS-04", "5", "Étanchéité", "ETANCH", "execution", "2020-09-14", "2021-05-28", 260000, 45, 5},
	{"OP-PS-05", "1", "Nettoyage des locaux", "NETAQ", "execution", "2020-01-01", "2023-12-31", 1800000, 85, 5},
	{"OP-PS-05", "2", "Nettoyage de la vitrerie (marché réservé EA/ESAT)", "ESATF", "reserve_ea_esat", "2021-01-01", "2022-12-31", 120000, 85, 30},
	{"OP-SO-01", "1", "Démolition – désamiantage", "DEMOL", "execution", "2020-10-01", "2021-07-30", 720000, 55, 7},
	{"OP-SO-01", "2", "Gros œuvre", "SAGO", "execution", "2021-06-01", "2023-03-31", 2600000, 50, 7},
	{"OP-SO-01", "3", "Terrassement – VRD", "RRSO", "execution", "2021-04-01", "2022-06-30", 950000, 35, 7},
	{"OP-SO-01", "9", "Peinture – revêtements muraux", "DUBERN", "execution", "2022-01-10", "2022-12-16", 410000, 70, 7},
	{"OP-SO-02", "1", "Fourniture et livraison de repas", "RESTGI", "critere", "2021-01-01", "2024-12-31", 3200000, 40, 5},
	{"OP-SO-03", "1", "Terrassement – VRD", "RRSO", "execution", "2020-05-04", "2022-04-29", 5400000, 35, 5},
	{"OP-SO-03", "4", "Charpente métallique – abris de stations", "CHBOIS", "execution", "2021-02-01", "2021-11-30", 680000, 20, 5},
	{"OP-SO-04", "2", "Gros œuvre", "GARBAT", "execution", "2021-01-18", "2022-03-31", 1350000, 50, 5},
	{"OP-SO-04", "8", "Revêtements de sols", "SOLS", "execution", "2021-09-01", "2022-03-31", 180000, 60, 5},
	{"OP-SO-05", "1", "Entretien des espaces verts", "JARDG", "execution", "2021-01-01", "2022-12-31", 400000, 75, 7},
	{"OP-TW-01", "2", "Gros œuvre", "GARBAT", "execution", "2020-06-01", "2021-12-17", 2200000, 50, 6},
	{"OP-TW-01", "4", "Charpente bois – couverture", "COUVSM", "execution", "2021-01-04", "2021-10-29", 520000, 45, 6},
	{"OP-TW-01", "10", "Électricité courants forts et faibles", "ELMED", "critere", "2021-03-01", "2022-02-28", 480000, 55, 6},
	{"OP-TW-02", "6", "Plomberie – chauffage – ventilation", "PLOMB", "execution", "2021-02-01", "2022-01-31", 830000, 50, 5},
	{"OP-TW-02", "8", "Revêtements de sols", "SOLS", "execution", "2021-05-03", "2021-12-17", 240000, 60, 5},
	{"OP-TW-03", "1", "Entretien des dépendances vertes", "JARDG", "execution", "2020-04-01", "2023-03-31", 950000, 75, 7},
	{"OP-TW-03", "2", "Fauchage et débroussaillage (marché d'insertion)", "ACINAT", "insertion", "2021-03-01", "2022-02-28", 150000, 75, 60},
	{"OP-TW-04", "2", "Gros œuvre", "SAGO", "execution", "2021-04-01", "2022-07-29", 1900000, 50, 5},
	{"OP-TW-04", "6", "Menuiseries extérieures", "LAFIT", "execution", "2021-10-01", "2022-06-30", 360000, 40, 5},
	{"OP-TW-05", "1", "Nettoyage des locaux", "PROPO", "execution", "2021-01-01", "2023-12-31", 540000, 85, 5},
	{"OP-TW-06", "1", "Aménagements paysagers des berges (marché d'insertion)", "ACINAT", "insertion", "2021-04-01", "2022-03-31", 120000, 75, 60},
	{"OP-AG-01", "1", "Terrassement – VRD", "TPAG", "execution", "2020-09-01", "2022-06-30", 2800000, 35, 6},
	{"OP-AG-01", "3", "Espaces verts – aménagements paysagers", "AGPAY", "execution", "2021-09-01", "2022-06-30", 260000, 60, 6},
	{"OP-AG-02", "1", "Démolition – désamiantage", "DEMOL", "execution", "2021-01-11", "2021-06-30", 420000, 55, 7},
	{"OP-AG-02", "2", "Gros œuvre", "BATAG", "execution", "2021-05-03", "2023-02-28", 2400000, 50, 7},
	{"OP-AG-02", "9", "Peinture des halls (lot réservé SIAE)", "REGAG", "reserve_siae", "2021-06-01", "2021-12-17", 90000, 70, 50},
	{"OP-AG-03", "1", "Collecte et tri des déchets ménagers", "DECHT", "execution", "2019-01-01", "2022-12-31", 5200000, 60, 4},
	{"OP-AG-04", "1", "Entretien des espaces verts (marché d'insertion)", "ACIAG", "insertion", "2021-01-01", "2023-12-31", 210000, 75, 60},
	{"OP-AG-05", "3", "Menuiseries extérieures", "BATAG", "execution", "2021-02-01", "2022-01-31", 760000, 40, 5},
	{"OP-AG-05", "5", "Plâtrerie – cloisons – faux plafonds", "PLATBX", "execution", "2021-04-01", "2022-01-31", 330000, 65, 5},
	{"OP-AG-06", "2", "Gros œuvre", "BATAG", "execution", "2020-10-01", "2021-09-30", 480000, 50, 5},
	{"OP-GP-01", "1", "Terrassement – VRD", "DTP", "execution", "2020-09-01", "2022-03-31", 3300000, 35, 6},
	{"OP-GP-01", "4", "Charpente métallique – halle voyageurs", "CHBOIS", "execution", "2021-04-01", "2021-12-17", 900000, 20, 6},
	{"OP-GP-02", "2", "Ravalement de façades", "PERFAC", "execution", "2021-01-18", "2022-04-29", 1250000, 55, 7},
	{"OP-GP-02", "6", "Peinture des cages d'escalier (lot réservé SIAE)", "ACIREN", "reserve_siae", "2021-05-03", "2022-04-29", 160000, 70, 50},
	{"OP-GP-03", "1", "Entretien des espaces naturels (marché d'insertion)", "ACIREN", "insertion", "2021-01-01", "2022-12-31", 180000, 75, 60},
	{"OP-GP-04", "1", "Fourniture et livraison de repas", "RESTP", "execution", "2020-09-01", "2023-08-31", 1500000, 40, 5},
	{"OP-GP-04", "2", "Préparation des repas (marché réservé SIAE)", "CUISOL", "reserve_siae", "2021-09-01", "2023-08-31", 300000, 40, 40},
	{"OP-GP-05", "1", "Terrassement – VRD", "DTP", "execution", "2021-02-01", "2021-12-17", 1100000, 35, 5},
	{"OP-HP-01", "2", "Gros œuvre", "DTP", "execution", "2020-11-02", "2022-06-30", 1700000, 50, 5},
	{"OP-HP-01", "5", "Menuiseries extérieures", "LAFIT", "execution", "2021-06-01", "2022-03-31", 290000, 40, 5},
};

typedef struct TerritoireSpec {
	const char *insee;
	const char *plie;
} TerritoireSpec;

static const TerritoireSpec TERRITOIRES[] = {
	{"33063", "bordeaux"},
	{"33192", "portes_du_sud"}, {"33522", "portes_du_sud"}, {"33550", "portes_du_sud"},
	{"33318", "sources"}, {"33122", "sources"}, {"33090", "sources"},
	{"33312", "technowest"}, {"33211", "technowest"}, {"33262", "technowest"},
	{"33322", "technowest"}, {"33376", "technowest"}, {"33449", "technowest"},
	{"33069", "technowest"}, {"33281", "technowest"},
	{"47001", "agenais"}, {"47015", "agenais"}, {"47016", "agenais"}, {"47031", "agenais"},
	{"47032", "agenais"}, {"47040", "agenais"}, {"47091", "agenais"},
	{"24322", "grand_perigueux"}, {"24053", "grand_perigueux"}, {"24557", "grand_perigueux"},
	{"24138", "grand_perigueux"},
	{"24311", "haut_perigord"},
};

typedef struct FicheSpec {
	const char *code;
	const char *plie;
} FicheSpec;

static const FicheSpec FICHES[] = {
	{"A3", "agenais"}, {"B1", "bordeaux"}, {"ET2", "technowest"}, {"GP2", "grand_perigueux"},
	{"GP4", "grand_perigueux"}, {"PS2", "portes_du_sud"}, {"S3", "sources"},
};

typedef struct ConventionSpec {
	const char *id;
	const char *plie;
	const char *type; /* donneur, siae, autre */
	const char *ref;  /* donneur id, entreprise key (siae) or free text */
	const char *debut;
	const char *fin;
} ConventionSpec;

static const ConventionSpec CONVENTIONS[] = {
	{"CV-BDX-2019-01", "bordeaux", "donneur", "BM", "2019-01-01", "2021-12-31"},
	{"CV-BDX-2020-02", "bordeaux", "donneur", "VDB", "2020-01-01", "2022-12-31"},
	{"CV-BDX-2021-03", "bordeaux", "donneur", "AQUI", "2021-03-01", "2023-02-28"},
	{"CV-BDX-2018-04", "bordeaux", "donneur", "DOMO", "2018-01-01", "2020-12-31"},
	{"CV-BDX-2021-05", "bordeaux", "donneur", "CHUB", "2021-06-01", "2024-05-31"},
	{"CV-BDX-2021-06", "bordeaux", "donneur", "GPI", "2021-09-15", "2022-09-14"},
	{"CV-BDX-2020-07", "bordeaux", "donneur", "RNA", "2020-09-01", "2023-08-31"},
	{"CV-BDX-2019-08", "bordeaux", "siae", "IDBX", "2019-01-01", "2021-12-31"},
	{"CV-BDX-2021-09", "bordeaux", "siae", "ELANB", "2021-01-01", "2021-12-31"},
	{"CV-BDX-2020-10", "bordeaux", "siae", "ACINAT", "2020-01-01", "2022-12-31"},
	{"CV-BDX-2021-11", "bordeaux", "autre", "Maison de l'emploi de Bordeaux", "2021-01-01", "2021-12-31"},
	{"CV-BDX-2022-12", "bordeaux", "donneur", "DOMO", "2022-01-01", "2024-12-31"},
	{"CV-PDS-2020-01", "portes_du_sud", "donneur", "VTAL", "2020-01-01", "2022-12-31"},
	{"CV-PDS-2021-02", "portes_du_sud", "donneur", "DOMO", "2021-01-01", "2023-12-31"},
	{"CV-PDS-2021-03", "portes_du_sud", "siae", "AISOL", "2021-04-01", "2022-03-31"},
	{"CV-PDS-2019-04", "portes_du_sud", "autre", "Mission locale des Graves", "2019-01-01", "2020-12-31"},
	{"CV-PDS-2022-05", "portes_du_sud", "donneur", "BM", "2022-03-01", "2024-02-29"},
	{"CV-SRC-2019-01", "sources", "donneur", "VPES", "2019-07-01", "2022-06-30"},
	{"CV-SRC-2021-02", "sources", "donneur", "BM", "2021-01-01", "2023-12-31"},
	{"CV-SRC-2021-03", "sources", "donneur", "RNA", "2021-02-01", "2022-01-31"},
	{"CV-SRC-2021-04", "sources", "siae", "ACINAT", "2021-01-01", "2021-12-31"},
	{"CV-SRC-2020-05", "sources", "siae", "IDBX", "2020-01-01", "2020-12-31"},
	{"CV-SRC-2021-06", "sources", "autre", "Cap emploi Gironde", "2021-05-01", "2022-04-30"},
	{"CV-TCW-2020-01", "technowest", "donneur", "VSMJ", "2020-01-01", "2022-12-31"},
	{"CV-TCW-2021-02", "technowest", "donneur", "BM", "2021-01-01", "2021-12-31"},
	{"CV-TCW-2021-03", "technowest", "donneur", "DIRA", "2021-03-01", "2024-02-28"},
	{"CV-TCW-2021-04", "technowest", "siae", "IDBX", "2021-01-01", "2022-12-31"},
	{"CV-TCW-2021-05", "technowest", "autre", "GEIQ BTP Gironde – convention de coopération", "2021-12-31", "2022-12-30"},
	{"CV-TCW-2017-06", "technowest", "donneur", "DOMO", "2017-01-01", "2019-12-31"},
	{"CV-AGN-2019-01", "agenais", "donneur", "AGEN", "2019-01-01", "2021-12-31"},
	{"CV-AGN-2021-02", "agenais", "donneur", "RNA", "2021-01-01", "2023-12-31"},
	{"CV-AGN-2020-03", "agenais", "siae", "IDAG", "2020-06-01", "2022-05-31"},
	{"CV-AGN-2021-04", "agenais", "siae", "ACIAG", "2021-01-01", "2021-12-31"},
	{"CV-AGN-2021-05", "agenais", "autre", "Pôle emploi Agen Gravier", "2021-01-01", "2021-12-31"},
	{"CV-AGN-2021-06", "agenais", "siae", "AIAG", "2021-02-01", "2022-01-31"},
	{"CV-AGN-2022-07", "agenais", "donneur", "AGEN", "2022-01-01", "2024-12-31"},
	{"CV-GPX-2020-01", "grand_perigueux", "donneur", "GP", "2020-01-01", "2022-12-31"},
	{"CV-GPX-2021-02", "grand_perigueux", "donneur", "PERH", "2021-04-01", "2024-03-31"},
	{"CV-GPX-2021-03", "grand_perigueux", "donneur", "CD24", "2021-01-01", "2021-12-31"},
	{"CV-GPX-2019-04", "grand_perigueux", "siae", "TREMP", "2019-01-01", "2021-06-30"},
	{"CV-GPX-2021-05", "grand_perigueux", "siae", "ACIREN", "2021-01-01", "2023-12-31"},
	{"CV-GPX-2022-06", "grand_perigueux", "siae", "CUISOL", "2022-01-03", "2022-12-31"},
	{"CV-HPG-2021-01", "haut_perigord", "donneur", "CD24", "2021-01-01", "2021-12-31"},
	{"CV-HPG-2020-02", "haut_perigord", "siae", "AIPER", "2020-01-01", "2022-12-31"},
	{"CV-HPG-2021-03", "haut_perigord", "autre", "Mission locale du Haut Périgord", "2021-01-01", "2021-12-31"},
};

/* Residence communes of participants, by weight. */
typedef struct CommuneWeight {
	const char *insee;
	int weight;
} CommuneWeight;

static const CommuneWeight RESIDENCES[] = {
	{"33063", 70}, {"33119", 12}, {"33249", 12}, {"33167", 8}, {"33039", 8}, {"33281", 14},
	{"33522", 10}, {"33550", 8}, {"33192", 5}, {"33318", 14}, {"33122", 3}, {"33090", 2},
	{"33449", 6}, {"33069", 5}, {"33312", 3}, {"33322", 2}, {"33376", 2},
	{"47001", 22}, {"47031", 5}, {"47032", 4}, {"47040", 2}, {"47015", 2}, {"47091", 2},
	{"47157", 3},
	{"24322", 14}, {"24053", 5}, {"24557", 4}, {"24138", 6}, {"24311", 4}, {"24037", 3},
};

/* ------------------------------------------------------------------ sample model */

#define S_NP 300         /* participants */
#define S_NT 13          /* model months: 0 = 2020-12, 1..12 = 2021-01..2021-12 */
#define S_MI0 (2020 * 12 + 11)
#define S_NBATCH 14      /* 0 = 2020-12, 1..12 = 2021 months, 13 = June correction */
#define S_BATCH_CORR 13
#define S_MAX_LINES 6000
#define S_MAX_ASSIGN 3000
#define S_NCORR 10
#define S_BAD_BIRTH 156  /* P00157: date_naissance 31/02/1990, row rejected */

enum { ST_CREDITED, ST_REMPLACEE, ST_NON_ELIGIBLE, ST_HORS_PERIODE, ST_DEPASSEMENT, ST_COUNT };
static const char *const STATUS_NAMES[] = {"credited", "remplacee", "non_eligible",
										   "hors_periode_marche", "depassement_plafond"};

typedef struct Participant {
	char id[8];
	const char *nom;
	const char *prenom;
	char sexe;
	int naissance;
	const char *commune;
	bool qpv;
	unsigned criteres;
	int eligibilite; /* yyyymmdd, 0 = not validated */
	bool special;    /* used by a scripted case, left out of the random fill */
} Participant;

typedef struct Marche {
	const MarcheSpec *spec;
	int op;
	int attributaire;
	char id[32];
	int debut, fin;
	long long cents;
	int heures_prevues;
	const char *fiche; /* followed by this clause fiche, NULL for none */
} Marche;

typedef struct Line {
	int batch;
	int p, m, e, t;
	int h, hf; /* centi-hours */
	int contrat, modal;
	int status;
	bool dup;     /* same key twice in its file: both rows rejected, nothing stored */
	bool special; /* part of a scripted case */
	int dup_h;    /* worked hours of the second occurrence */
} Line;

typedef struct Assign {
	int p, m, e, t0, t1;
} Assign;

typedef struct BadRow {
	int batch;
	int pos;       /* written before the pos-th valid row of the batch */
	int kind;
	char fields[8][40];
	const char *what;
	int line;      /* physical line number, filled on writing */
} BadRow;

enum { BAD_LUHN, BAD_MARCHE, BAD_NEGATIVE, BAD_MONTH, BAD_HOURS };

typedef struct Model {
	Rng rng;
	char sirets[COUNT_OF(ENTREPRISES)][15];
	Marche marches[COUNT_OF(MARCHES)];
	Participant parts[S_NP];
	int ptot[S_NP][S_NT];  /* hours per participant and month over all lines, centi */
	int count[S_NT];       /* lines per month */
	Line lines[S_MAX_LINES];
	int nlines;
	Assign assigns[S_MAX_ASSIGN];
	int nassigns;
	BadRow bad[8];
	int nbad;
	int rejects_batch[S_NBATCH];
	int status_count[ST_COUNT];
	long long fiche_hours[COUNT_OF(FICHES)];
	long long total_credited;
} Model;

static int ent_find(const char *key)
{
	for (int i = 0; i < COUNT_OF(ENTREPRISES); i++)
		if (strcmp(ENTREPRISES[i].key, key) == 0)
			return i;
	fprintf(stderr, "gen_data: internal: unknown entreprise %s\n", key);
	exit(EXIT_INTERNAL);
}

static int donneur_find(const char *id)
{
	for (int i = 0; i < COUNT_OF(DONNEURS); i++)
		if (strcmp(DONNEURS[i].id, id) == 0)
			return i;
	fprintf(stderr, "gen_data: internal: unknown donneur %s\n", id);
	exit(EXIT_INTERNAL);
}

static int op_find(const char *id)
{
	for (int i = 0; i < COUNT_OF(OPS); i++)
		if (strcmp(OPS[i].id, id) == 0)
			return i;
	fprintf(stderr, "gen_data: internal: unknown operation %s\n", id);
	exit(EXIT_INTERNAL);
}

static int marche_find(const Model *md, const char *op, const char *lot)
{
	for (int i = 0; i < COUNT_OF(MARCHES); i++)
		if (strcmp(md->marches[i].spec->op, op) == 0 && strcmp(md->marches[i].spec->lot, lot) == 0)
			return i;
	fprintf(stderr, "gen_data: internal: unknown marche %s lot %s\n", op, lot);
	exit(EXIT_INTERNAL);
}

static const char *plie_of_commune(const char *insee)
{
	for (int i = 0; i < COUNT_OF(TERRITOIRES); i++)
		if (strcmp(TERRITOIRES[i].insee, insee) == 0)
			return TERRITOIRES[i].plie;
	return NULL;
}

/* The single clause fiche of a PLIE, NULL when it has none or several. */
static const char *plie_single_fiche(const char *plie)
{
	const char *found = NULL;
	int n = 0;
	for (int i = 0; i < COUNT_OF(FICHES); i++)
		if (plie != NULL && strcmp(FICHES[i].plie, plie) == 0) {
			found = FICHES[i].code;
			n++;
		}
	return n == 1 ? found : NULL;
}

static const char *op_fiche(int op)
{
	if (OPS[op].fiche[0] != '\0')
		return OPS[op].fiche;
	return plie_single_fiche(plie_of_commune(OPS[op].commune));
}

static bool type_is(int e, const char *type)
{
	return strcmp(ENTREPRISES[e].type, type) == 0;
}

static bool marche_active_month(const Marche *mk, int t)
{
	int mi = S_MI0 + t;
	return period_overlaps(month_first_day(mi), month_last_day(mi), mk->debut, mk->fin);
}

static bool participant_eligible(const Participant *p, int t)
{
	return p->criteres != 0 && p->eligibilite != 0 &&
		   p->eligibilite <= month_last_day(S_MI0 + t);
}

/* Builds entreprises' SIRETs and the marchés (ids, amounts, planned hours). */
static void sample_build_referential(Model *md)
{
	for (int i = 0; i < COUNT_OF(ENTREPRISES); i++) {
		bool unique;
		do {
			uint32_t siren = (uint32_t) rng_range(&md->rng, 30000000, 89999999);
			uint32_t nic = (uint32_t) rng_range(&md->rng, 1, 120);
			siret_build(md->sirets[i], siren, nic);
			unique = true;
			for (int j = 0; j < i; j++)
				if (strncmp(md->sirets[j], md->sirets[i], 9) == 0)
					unique = false;
		} while (!unique);
	}
	int seq[COUNT_OF(DONNEURS)];
	for (int i = 0; i < COUNT_OF(DONNEURS); i++)
		seq[i] = rng_range(&md->rng, 1, 9);
	for (int i = 0; i < COUNT_OF(MARCHES); i++) {
		Marche *mk = &md->marches[i];
		mk->spec = &MARCHES[i];
		mk->op = op_find(MARCHES[i].op);
		mk->attributaire = ent_find(MARCHES[i].attributaire);
		mk->debut = date_parse_iso(MARCHES[i].debut);
		mk->fin = date_parse_iso(MARCHES[i].fin);
		int d = donneur_find(OPS[mk->op].donneur);
		seq[d] += rng_range(&md->rng, 1, 6);
		snprintf(mk->id, sizeof(mk->id), "%04d-%s-%03d", mk->debut / 10000,
				 DONNEURS[d].mcode, seq[d]);
		long euros = MARCHES[i].euros + (MARCHES[i].euros / 10000) * rng_range(&md->rng, -200, 200);
		mk->cents = (long long) euros * 100 + rng_below(&md->rng, 100);
		mk->heures_prevues = (int) ((mk->cents * MARCHES[i].part * MARCHES[i].taux + 15000000LL) /
									30000000LL);
		mk->fiche = op_fiche(mk->op);
	}
}

static const char *residence_draw(Rng *rng)
{
	int total = 0;
	for (int i = 0; i < COUNT_OF(RESIDENCES); i++)
		total += RESIDENCES[i].weight;
	int r = rng_below(rng, total);
	for (int i = 0; i < COUNT_OF(RESIDENCES); i++) {
		if (r < RESIDENCES[i].weight)
			return RESIDENCES[i].insee;
		r -= RESIDENCES[i].weight;
	}
	return RESIDENCES[0].insee;
}

static int date_draw(Rng *rng, int y0, int y1)
{
	int y = rng_range(rng, y0, y1);
	int m = rng_range(rng, 1, 12);
	return date_make(y, m, rng_range(rng, 1, date_days_in_month(y, m)));
}

/* Scripted participants (eligible since before 2021). */
enum { P_TEMP_HIRE_A = 10, P_TEMP_HIRE_B = 41, P_CEILING = 76, P_HORS_END = 107,
	   P_HORS_START = 132, P_HORS_ST = 200, P_ETAT_A = 243, P_ETAT_B = 269, P_DEC2020 = 289,
	   P_GP_NOFICHE = 33, P_NONTRON = 55 };
static const int SCRIPTED[] = {P_TEMP_HIRE_A, P_TEMP_HIRE_B, P_CEILING, P_HORS_END,
							   P_HORS_START, P_HORS_ST, P_ETAT_A, P_ETAT_B, P_DEC2020,
							   P_GP_NOFICHE, P_NONTRON, S_BAD_BIRTH};

static void sample_build_participants(Model *md, int *late, int nlate, int *crit_empty)
{
	Rng *rng = &md->rng;
	for (int i = 0; i < S_NP; i++) {
		Participant *p = &md->parts[i];
		snprintf(p->id, sizeof(p->id), "P%05d", i + 1);
		p->sexe = rng_below(rng, 100) < 24 ? 'F' : 'M';
		p->prenom = p->sexe == 'F' ? PRENOMS_F[rng_below(rng, COUNT_OF(PRENOMS_F))]
								   : PRENOMS_M[rng_below(rng, COUNT_OF(PRENOMS_M))];
		p->nom = NOMS[rng_below(rng, COUNT_OF(NOMS))];
		int r = rng_below(rng, 100);
		p->naissance = r < 30 ? date_draw(rng, 1996, 2003)
					   : r < 78 ? date_draw(rng, 1972, 1995) : date_draw(rng, 1960, 1971);
		p->commune = residence_draw(rng);
		p->qpv = rng_below(rng, 100) < 35;
		p->criteres = criteres_draw(rng, p->naissance, p->qpv);
		p->eligibilite = date_draw(rng, 2018, 2020);
	}
	for (int i = 0; i < COUNT_OF(SCRIPTED); i++)
		md->parts[SCRIPTED[i]].special = true;
	{
		/* the row whose date_naissance (31/02/1990) is rejected: criteria fit 1990 */
		Participant *p = &md->parts[S_BAD_BIRTH];
		p->naissance = date_make(1990, 2, 28);
		p->criteres = criteres_draw(rng, p->naissance, p->qpv);
	}
	/* about 5 %: eligibility not validated (half with criteria noted, half with none) */
	for (int n = 0; n < 15;) {
		int i = rng_below(rng, S_NP);
		Participant *p = &md->parts[i];
		if (p->special || p->eligibilite == 0)
			continue;
		p->eligibilite = 0;
		if (n % 2 == 1)
			p->criteres = 0;
		n++;
	}
	for (int n = 0; n < nlate;) {
		int i = rng_below(rng, S_NP);
		Participant *p = &md->parts[i];
		if (p->special || p->eligibilite == 0)
			continue;
		static const int months[] = {2, 3, 4, 5, 6, 7, 9, 10};
		int m = months[n % COUNT_OF(months)];
		p->eligibilite = date_make(2021, m, rng_range(rng, 1, date_days_in_month(2021, m)));
		p->special = true;
		late[n++] = i;
	}
	for (;;) {
		int i = rng_below(rng, S_NP);
		Participant *p = &md->parts[i];
		if (p->special || p->eligibilite == 0)
			continue;
		p->criteres = 0; /* validated date but no criterion recorded: not eligible */
		p->special = true;
		*crit_empty = i;
		break;
	}
}

static bool assign_key_free(const Model *md, int p, int m, int e, int t0, int t1)
{
	for (int i = 0; i < md->nassigns; i++) {
		const Assign *a = &md->assigns[i];
		if (a->p == p && a->m == m && a->e == e && a->t0 <= t1 && t0 <= a->t1)
			return false;
	}
	return true;
}

/* Bounded string copy (always terminated). */
static void str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int round_half_hour(int centi)
{
	return ((centi + 25) / 50) * 50;
}

/* Adds one line per month t0..t1; worked hours h and training hf are per month. */
static void sample_add_lines(Model *md, int p, int m, int e, int modal, int contrat, int t0,
							 int t1, int h, int hf, bool jitter, bool special)
{
	if (!assign_key_free(md, p, m, e, t0, t1) || md->nassigns >= S_MAX_ASSIGN) {
		fprintf(stderr, "gen_data: internal: key clash for %s\n", md->parts[p].id);
		exit(EXIT_INTERNAL);
	}
	md->assigns[md->nassigns++] = (Assign){p, m, e, t0, t1};
	bool btp = strcmp(OPS[md->marches[m].op].secteur, "btp") == 0;
	for (int t = t0; t <= t1; t++) {
		int lh = h, lhf = hf;
		if (jitter) {
			if (lh != FULL_TIME_C && lh > 0)
				lh = round_half_hour(lh * rng_range(&md->rng, 85, 105) / 100);
			if (btp && t == 8 && lh > 0) /* August: builders take their leave */
				lh = round_half_hour(lh * 55 / 100);
			if (lh < 0)
				lh = 0;
			if (h > 0 && lh < 100)
				lh = 100;
		}
		if (md->nlines >= S_MAX_LINES) {
			fprintf(stderr, "gen_data: internal: too many lines\n");
			exit(EXIT_INTERNAL);
		}
		md->lines[md->nlines++] = (Line){.batch = t, .p = p, .m = m, .e = e, .t = t, .h = lh,
										 .hf = lhf, .contrat = contrat, .modal = modal,
										 .special = special};
		md->ptot[p][t] += lh + lhf;
		md->count[t]++;
	}
}

/* Employer of a new assignment for a modalité on a marché; -1 when none fits. */
static int employer_pick(Rng *rng, const Marche *mk, int modal)
{
	const char *dept = OPS[mk->op].commune;
	const char *secteur = OPS[mk->op].secteur;
	bool g33 = strncmp(dept, "33", 2) == 0, g47 = strncmp(dept, "47", 2) == 0;
	int r = rng_below(rng, 100);
	switch (modal) {
	case MO_DIRECT:
		return mk->attributaire;
	case MO_MAD:
		if (g33) {
			if (r < 50)
				return ent_find("IDBX");
			if (r < 65)
				return ent_find("AISOL");
			if (r < 80 && strcmp(secteur, "btp") == 0)
				return ent_find("GEIQBTP");
			if (r < 80 && strcmp(secteur, "proprete") == 0)
				return ent_find("GEIQPRO");
			return r < 80 ? ent_find("IDBX") : ent_find("ETTMER");
		}
		if (g47)
			return r < 70 ? ent_find("IDAG") : ent_find("AIAG");
		return r < 65 ? ent_find("TREMP") : ent_find("AIPER");
	case MO_SOUS:
	case MO_CO: {
		int e;
		if (strcmp(secteur, "btp") == 0)
			e = g33 ? ent_find("ELANB") : g47 ? ent_find("RECUP") : ent_find("ACIREN");
		else if (strcmp(secteur, "espaces_verts") == 0)
			e = g33 ? ent_find("ACINAT") : g47 ? ent_find("ACIAG") : ent_find("ACIREN");
		else if (strcmp(secteur, "restauration") == 0)
			e = g33 ? ent_find("REGBN") : ent_find("CUISOL");
		else
			e = g33 ? ent_find("REGBN") : g47 ? ent_find("REGAG") : ent_find("ACIREN");
		return e == mk->attributaire ? -1 : e;
	}
	case MO_FORM:
		if (g33 && strcmp(secteur, "btp") == 0)
			return ent_find("GEIQBTP");
		if (g33 && strcmp(secteur, "proprete") == 0)
			return ent_find("GEIQPRO");
		return type_is(mk->attributaire, "entreprise") ? mk->attributaire : -1;
	}
	return -1;
}

static int contract_pick(Rng *rng, int e, int modal)
{
	const char *t = ENTREPRISES[e].type;
	if (strcmp(t, "etti") == 0 || strcmp(t, "ett") == 0)
		return CT_CTT;
	if (strcmp(t, "ai") == 0 || strcmp(t, "ea") == 0)
		return CT_CDD;
	if (strcmp(t, "ei") == 0 || strcmp(t, "aci") == 0 || strcmp(t, "regie") == 0)
		return CT_CDDI;
	if (strcmp(t, "geiq") == 0)
		return rng_below(rng, 100) < 80 ? CT_PRO : CT_APP;
	if (strcmp(t, "esat") == 0)
		return CT_AUTRE;
	int r = rng_below(rng, 100);
	if (modal == MO_FORM)
		return r < 60 ? CT_PRO : CT_APP;
	return r < 22 ? CT_CDI : r < 64 ? CT_CDD : r < 80 ? CT_APP : CT_PRO;
}

/* Monthly hours level (worked + training, centi) of an assignment. */
static int level_pick(Rng *rng, int contrat, int modal)
{
	int r = rng_below(rng, 100);
	if (modal == MO_FORM)
		return 700 * rng_range(rng, 1, 10);
	switch (contrat) {
	case CT_CTT:
	case CT_CDDI:
		if (contrat == CT_CDDI && r < 40)
			return rng_range(rng, 700, 2100);
		if (r < 76)
			return rng_range(rng, 350, 1750);
		if (r < 96)
			return rng_range(rng, 1750, 4200);
		return rng_range(rng, 5600, 9100);
	case CT_CDD:
	case CT_CDI:
		if (r < 50)
			return rng_range(rng, 700, 2100);
		if (r < 83)
			return rng_range(rng, 2100, 4900);
		if (r < 96)
			return rng_range(rng, 5600, 10500);
		return FULL_TIME_C;
	case CT_APP:
	case CT_PRO:
		if (r < 60)
			return rng_range(rng, 2100, 4900);
		if (r < 92)
			return rng_range(rng, 4900, 9100);
		return FULL_TIME_C;
	default:
		return rng_range(rng, 2000, 8000);
	}
}

/* Weighted draw of a marché active in month t (weight: planned hours per month). */
static int marche_pick(Model *md, int t)
{
	long long total = 0, w[COUNT_OF(MARCHES)];
	for (int i = 0; i < COUNT_OF(MARCHES); i++) {
		const Marche *mk = &md->marches[i];
		int months = month_of_date(mk->fin) - month_of_date(mk->debut) + 1;
		w[i] = marche_active_month(mk, t) ? (long long) mk->heures_prevues * 100 / months + 1 : 0;
		total += w[i];
	}
	long long r = (long long) (rng_next(&md->rng) % (uint64_t) total);
	for (int i = 0; i < COUNT_OF(MARCHES); i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return 0;
}

static int modal_pick(Rng *rng, const char *forme)
{
	int r = rng_below(rng, 100);
	if (strcmp(forme, "reserve_ea_esat") == 0)
		return MO_DIRECT;
	if (strcmp(forme, "reserve_siae") == 0 || strcmp(forme, "insertion") == 0)
		return r < 85 ? MO_DIRECT : r < 95 ? MO_MAD : MO_FORM;
	return r < 52 ? MO_MAD : r < 74 ? MO_DIRECT : r < 89 ? MO_SOUS : r < 92 ? MO_CO : MO_FORM;
}

/* Creates one random assignment starting in month t; false when nothing fitted. */
static bool sample_add_random(Model *md, int t)
{
	Rng *rng = &md->rng;
	int m = marche_pick(md, t);
	const Marche *mk = &md->marches[m];
	int modal = modal_pick(rng, mk->spec->forme);
	int e = employer_pick(rng, mk, modal);
	if (e < 0)
		return false;
	int contrat = contract_pick(rng, e, modal);
	int level = level_pick(rng, contrat, modal);
	int d = 1 + rng_below(rng, 2) + rng_below(rng, 3) + rng_below(rng, 3);
	int t1 = t + d - 1;
	int last = month_of_date(mk->fin) - S_MI0;
	if (t1 > last)
		t1 = last;
	if (t1 > 12)
		t1 = 12;
	int need = level * 105 / 100 + 50;
	for (int tries = 0; tries < 80; tries++) {
		int pi = rng_below(rng, S_NP);
		Participant *p = &md->parts[pi];
		if (p->special)
			continue;
		if (p->eligibilite == 0 && rng_below(rng, 100) >= 25)
			continue;
		if (strncmp(p->commune, OPS[mk->op].commune, 2) != 0 && rng_below(rng, 100) >= 8)
			continue;
		bool room = true;
		for (int tt = t; tt <= t1; tt++)
			if (md->ptot[pi][tt] + need > 18000)
				room = false;
		if (!room || !assign_key_free(md, pi, m, e, t, t1))
			continue;
		int h = level, hf = 0;
		if (modal == MO_FORM) {
			h = 0;
			hf = level;
		} else if (contrat == CT_PRO || contrat == CT_APP) {
			hf = round_half_hour(level / 4);
			h = level - hf;
		}
		sample_add_lines(md, pi, m, e, modal, contrat, t, t1, h, hf, true, false);
		return true;
	}
	return false;
}

/* The scripted cases: temp then hire, ceiling, out of period, ÉTAT ids, no fiche... */
static void sample_add_scripted(Model *md, const int *late, int nlate, int crit_empty)
{
	int go_bx = marche_find(md, "OP-BX-01", "2");
	int sago = ent_find("SAGO"), idbx = ent_find("IDBX"), garbat = ent_find("GARBAT");
	/* a temp mission then a hire, same person, marché and month (April) */
	sample_add_lines(md, P_TEMP_HIRE_A, go_bx, idbx, MO_MAD, CT_CTT, 2, 2, 7000, 0, false, true);
	sample_add_lines(md, P_TEMP_HIRE_A, go_bx, idbx, MO_MAD, CT_CTT, 3, 3, 7700, 0, false, true);
	sample_add_lines(md, P_TEMP_HIRE_A, go_bx, idbx, MO_MAD, CT_CTT, 4, 4, 5600, 0, false, true);
	sample_add_lines(md, P_TEMP_HIRE_A, go_bx, sago, MO_DIRECT, CT_CDD, 4, 4, 9567, 0, false, true);
	sample_add_lines(md, P_TEMP_HIRE_A, go_bx, sago, MO_DIRECT, CT_CDD, 5, 9, FULL_TIME_C, 0,
					 false, true);
	int go_ag = marche_find(md, "OP-AG-02", "2");
	sample_add_lines(md, P_TEMP_HIRE_B, go_ag, ent_find("IDAG"), MO_MAD, CT_CTT, 5, 6, 6300, 0,
					 false, true);
	sample_add_lines(md, P_TEMP_HIRE_B, go_ag, ent_find("BATAG"), MO_DIRECT, CT_PRO, 6, 12, 9100,
					 2100, false, true);
	/* ceiling: 151.67 h CDI + 63 h of temp work in October 2021 = 214.67 h > 208 h */
	sample_add_lines(md, P_CEILING, marche_find(md, "OP-BX-05", "1"), ent_find("PROPO"),
					 MO_DIRECT, CT_CDI, 1, 12, FULL_TIME_C, 0, false, true);
	sample_add_lines(md, P_CEILING, marche_find(md, "OP-PS-02", "3"), idbx, MO_MAD, CT_CTT, 10,
					 10, 6300, 0, false, true);
	/* marché ended 2021-06-15: July and August out of period; in July 120 + 100 h over all
	 * lines, but only 100 h still standing after the period check: no ceiling */
	sample_add_lines(md, P_HORS_END, marche_find(md, "OP-BX-02", "1"), garbat, MO_DIRECT, CT_CDD,
					 3, 8, 12000, 0, false, true);
	sample_add_lines(md, P_HORS_END, marche_find(md, "OP-TW-01", "2"), garbat, MO_DIRECT, CT_CDD,
					 7, 7, 10000, 0, false, true);
	/* marché starting 2021-09-01: July and August out of period */
	sample_add_lines(md, P_HORS_START, marche_find(md, "OP-BX-08", "2"), idbx, MO_MAD, CT_CTT, 7,
					 10, 3500, 0, false, true);
	/* marché ended 2021-05-28: June and July out of period */
	sample_add_lines(md, P_HORS_ST, marche_find(md, "OP-PS-04", "5"), ent_find("ELANB"), MO_SOUS,
					 CT_CDDI, 4, 7, 6000, 0, false, true);
	/* the DIR Atlantique marchés (ids with "ÉTAT"), present in the Windows-1252 March file */
	sample_add_lines(md, P_ETAT_A, marche_find(md, "OP-TW-03", "1"), ent_find("ACINAT"), MO_SOUS,
					 CT_CDDI, 1, 6, 8000, 0, false, true);
	sample_add_lines(md, P_ETAT_B, marche_find(md, "OP-TW-03", "2"), ent_find("ACINAT"),
					 MO_DIRECT, CT_CDDI, 3, 9, 9100, 0, false, true);
	/* December 2020 on a marché ended 2020-12-18: credited, for no 2021 fiche */
	sample_add_lines(md, P_DEC2020, marche_find(md, "OP-BX-11", "7"), ent_find("DUBERN"),
					 MO_DIRECT, CT_CDD, 0, 0, 9800, 0, false, true);
	/* Grand Périgueux opération without a fiche, Haut Périgord (no clause fiche) */
	sample_add_lines(md, P_GP_NOFICHE, marche_find(md, "OP-GP-05", "1"), ent_find("DTP"),
					 MO_DIRECT, CT_CDD, 3, 10, 12000, 0, true, true);
	sample_add_lines(md, P_NONTRON, marche_find(md, "OP-HP-01", "2"), ent_find("TREMP"), MO_MAD,
					 CT_CTT, 2, 7, 4200, 0, true, true);
	/* eligibility validated during 2021: earlier months are not eligible */
	for (int i = 0; i < nlate; i++) {
		int em = md->parts[late[i]].eligibilite / 100 % 100;
		int t0 = em - 3 < 1 ? 1 : em - 3, t1 = em + 2 > 12 ? 12 : em + 2;
		for (;;) {
			int m = marche_pick(md, t0);
			const Marche *mk = &md->marches[m];
			if (!marche_active_month(mk, t1))
				continue;
			int e = employer_pick(&md->rng, mk, MO_MAD);
			int level = rng_range(&md->rng, 1400, 7000);
			sample_add_lines(md, late[i], m, e, MO_MAD, contract_pick(&md->rng, e, MO_MAD), t0,
							 t1, level, 0, true, true);
			break;
		}
	}
	{
		int m = marche_find(md, "OP-BX-06", "2");
		sample_add_lines(md, crit_empty, m, ent_find("AISOL"), MO_MAD, CT_CDD, 2, 5, 2800, 0,
						 true, true);
	}
}

static const int MONTH_TARGET[S_NT] = {34, 168, 176, 188, 196, 202, 210, 208, 158, 214, 224,
									   230, 200};

static void sample_fill_random(Model *md)
{
	for (int t = 0; t < S_NT; t++) {
		int guard = 0;
		while (md->count[t] < MONTH_TARGET[t] && guard++ < 20000)
			sample_add_random(md, t);
	}
}

static bool line_is_plain(const Model *md, const Line *l)
{
	return !l->special && !l->dup && !md->parts[l->p].special;
}

/* The same key twice in July: both rows are rejected. */
static void sample_make_duplicate(Model *md)
{
	for (;;) {
		Line *l = &md->lines[rng_below(&md->rng, md->nlines)];
		if (l->t != 7 || l->batch != 7 || !line_is_plain(md, l) || l->modal == MO_FORM)
			continue;
		l->dup = true;
		l->dup_h = l->h + 1400;
		md->ptot[l->p][l->t] -= l->h + l->hf;
		return;
	}
}

/* The June correction file: ~10 June keys sent again with new values. */
static void sample_make_corrections(Model *md)
{
	int picked[S_NCORR], n = 0, base = md->nlines;
	while (n < S_NCORR) {
		int li = rng_below(&md->rng, base);
		const Line *l = &md->lines[li];
		bool seen = false;
		for (int k = 0; k < n; k++)
			if (picked[k] == li || md->lines[picked[k]].p == l->p)
				seen = true;
		if (seen || l->batch != 6 || !line_is_plain(md, l))
			continue;
		int h = l->h, hf = l->hf;
		if (l->modal == MO_FORM)
			hf += 700; /* one more training day */
		else switch (n % 4) {
		case 0:
			h += 700; /* a forgotten day */
			break;
		case 1:
			h = h > 1500 ? h - 700 : h / 2; /* hours declared twice */
			break;
		case 2:
			hf += 1400; /* training hours left out */
			break;
		default:
			h = round_half_hour(h * 3 / 2);
			break;
		}
		if (h + hf <= 0 || md->ptot[l->p][6] - l->h - l->hf + h + hf > 20000)
			continue;
		if (md->nlines >= S_MAX_LINES)
			exit(EXIT_INTERNAL);
		Line c = *l;
		c.batch = S_BATCH_CORR;
		c.h = h;
		c.hf = hf;
		md->ptot[l->p][6] += h + hf - l->h - l->hf;
		md->lines[md->nlines++] = c;
		picked[n++] = li;
	}
}

static int line_key_cmp(const Line *a, const Line *b)
{
	if (a->p != b->p)
		return a->p - b->p;
	if (a->m != b->m)
		return a->m - b->m;
	if (a->e != b->e)
		return a->e - b->e;
	return a->t - b->t;
}

/* Applies the counting rules to the in-memory lines (not to the written files). */
static void sample_compute_status(Model *md)
{
	for (int i = 0; i < md->nlines; i++) {
		Line *l = &md->lines[i];
		if (l->dup)
			continue;
		l->status = ST_CREDITED;
		for (int j = 0; j < md->nlines; j++) {
			const Line *o = &md->lines[j];
			if (!o->dup && o->batch > l->batch && line_key_cmp(l, o) == 0)
				l->status = ST_REMPLACEE;
		}
		if (l->status != ST_CREDITED)
			continue;
		if (!participant_eligible(&md->parts[l->p], l->t))
			l->status = ST_NON_ELIGIBLE;
		else if (!marche_active_month(&md->marches[l->m], l->t))
			l->status = ST_HORS_PERIODE;
	}
	static int standing[S_NP][S_NT];
	memset(standing, 0, sizeof(standing));
	for (int i = 0; i < md->nlines; i++) {
		const Line *l = &md->lines[i];
		if (!l->dup && l->status == ST_CREDITED)
			standing[l->p][l->t] += l->h + l->hf;
	}
	for (int i = 0; i < md->nlines; i++) {
		Line *l = &md->lines[i];
		if (!l->dup && l->status == ST_CREDITED && standing[l->p][l->t] > CEILING_C)
			l->status = ST_DEPASSEMENT;
	}
	for (int i = 0; i < md->nlines; i++) {
		const Line *l = &md->lines[i];
		if (l->dup) {
			md->rejects_batch[l->batch] += 2;
			continue;
		}
		md->status_count[l->status]++;
		if (l->status != ST_CREDITED)
			continue;
		md->total_credited += l->h + l->hf;
		const char *fiche = md->marches[l->m].fiche;
		if (fiche == NULL || l->t < 1)
			continue;
		for (int f = 0; f < COUNT_OF(FICHES); f++)
			if (strcmp(FICHES[f].code, fiche) == 0)
				md->fiche_hours[f] += l->h + l->hf;
	}
}

/* Bad rows: fresh keys, so that no valid row shares their key. */
static void sample_make_bad_rows(Model *md)
{
	static const struct {
		int batch, pos, kind;
		const char *what;
	} plan[] = {
		{2, 38, BAD_LUHN, "employeur_siret with a wrong Luhn key"},
		{2, 91, BAD_MARCHE, "unknown marche_id 2021-BM-999"},
		{2, 147, BAD_NEGATIVE, "negative heures -7,00"},
		{7, 57, BAD_MONTH, "mois 2021-13"},
		{7, 128, BAD_HOURS, "heures abc"},
	};
	for (int k = 0; k < COUNT_OF(plan); k++) {
		BadRow *b = &md->bad[md->nbad++];
		b->batch = plan[k].batch;
		b->pos = plan[k].pos;
		b->kind = plan[k].kind;
		b->what = plan[k].what;
		md->rejects_batch[b->batch]++;
		int t = b->batch, p, m, e;
		for (;;) {
			p = rng_below(&md->rng, S_NP);
			m = marche_pick(md, t);
			e = md->marches[m].attributaire;
			if (md->parts[p].special || md->parts[p].eligibilite == 0)
				continue;
			bool clash = false;
			for (int i = 0; i < md->nlines; i++) {
				const Line *l = &md->lines[i];
				if (l->batch == t && l->p == p && l->m == m && l->e == e)
					clash = true;
			}
			if (!clash)
				break;
		}
		char month[8];
		snprintf(month, sizeof(month), "2021-%02d", t);
		str_copy(b->fields[0], 40, md->parts[p].id);
		str_copy(b->fields[1], 40, md->sirets[e]);
		str_copy(b->fields[2], 40, md->marches[m].id);
		str_copy(b->fields[3], 40, month);
		str_copy(b->fields[4], 40, "35,00");
		str_copy(b->fields[5], 40, "0,00");
		str_copy(b->fields[6], 40, "cdd");
		str_copy(b->fields[7], 40, "embauche_directe");
		switch (b->kind) {
		case BAD_LUHN:
			b->fields[1][13] = (char) ('0' + (b->fields[1][13] - '0' + 1) % 10);
			break;
		case BAD_MARCHE:
			str_copy(b->fields[2], 40, "2021-BM-999");
			break;
		case BAD_NEGATIVE:
			str_copy(b->fields[4], 40, "-7,00");
			break;
		case BAD_MONTH:
			str_copy(b->fields[3], 40, "2021-13");
			break;
		default:
			str_copy(b->fields[4], 40, "abc");
			break;
		}
	}
}

/* ------------------------------------------------------------------ sample writing */

static bool sample_write_donneurs(const char *dir)
{
	Out out;
	if (!out_open(&out, dir, "donneurs.csv", ';', false, false, true))
		return false;
	out_header(&out, "id;nom;type");
	for (int i = 0; i < COUNT_OF(DONNEURS); i++) {
		out_field(&out, DONNEURS[i].id);
		out_field(&out, DONNEURS[i].nom);
		out_field(&out, DONNEURS[i].type);
		out_row_end(&out);
	}
	return out_close(&out);
}

static bool sample_write_entreprises(const Model *md, const char *dir)
{
	Out out;
	if (!out_open(&out, dir, "entreprises.csv", ';', false, false, false))
		return false;
	out_header(&out, "siret;raison_sociale;type");
	for (int i = 0; i < COUNT_OF(ENTREPRISES); i++) {
		out_field(&out, md->sirets[i]);
		out_field(&out, ENTREPRISES[i].nom);
		out_field(&out, ENTREPRISES[i].type);
		out_row_end(&out);
	}
	return out_close(&out);
}

static bool sample_write_operations(const char *dir)
{
	Out out;
	if (!out_open(&out, dir, "operations.csv", ';', false, false, false))
		return false;
	out_header(&out, "id;donneur_id;nom;commune_insee;secteur;fiche");
	for (int i = 0; i < COUNT_OF(OPS); i++) {
		out_field(&out, OPS[i].id);
		out_field(&out, OPS[i].donneur);
		out_field(&out, OPS[i].nom);
		out_field(&out, OPS[i].commune);
		out_field(&out, OPS[i].secteur);
		out_field(&out, OPS[i].fiche);
		out_row_end(&out);
	}
	return out_close(&out);
}

/* marches.csv: dates as JJ/MM/AAAA and amounts with a decimal comma. */
static bool sample_write_marches(const Model *md, const char *dir)
{
	Out out;
	if (!out_open(&out, dir, "marches.csv", ';', false, false, false))
		return false;
	out_header(&out, "id;operation_id;lot;intitule;attributaire_siret;forme;date_debut;date_fin;"
					 "montant_ht;heures_prevues");
	for (int i = 0; i < COUNT_OF(MARCHES); i++) {
		const Marche *mk = &md->marches[i];
		char d0[16], d1[16];
		date_format_fr(d0, sizeof(d0), mk->debut);
		date_format_fr(d1, sizeof(d1), mk->fin);
		out_field(&out, mk->id);
		out_field(&out, OPS[mk->op].id);
		out_field(&out, mk->spec->lot);
		out_field(&out, mk->spec->intitule);
		out_field(&out, md->sirets[mk->attributaire]);
		out_field(&out, mk->spec->forme);
		out_field(&out, d0);
		out_field(&out, d1);
		out_fieldf(&out, "%lld,%02lld", mk->cents / 100, mk->cents % 100);
		out_fieldf(&out, "%d", mk->heures_prevues);
		out_row_end(&out);
	}
	return out_close(&out);
}

/* participants.csv: Windows-1252 with CRLF, as exported by a Windows spreadsheet. */
static bool sample_write_participants(const Model *md, const char *dir, int *bad_line)
{
	Out out;
	if (!out_open(&out, dir, "participants.csv", ';', true, true, false))
		return false;
	out_header(&out, "id;nom;prenom;date_naissance;sexe;commune_insee;qpv;criteres;"
					 "date_eligibilite");
	for (int i = 0; i < S_NP; i++) {
		const Participant *p = &md->parts[i];
		char birth[16], elig[16] = "", crit[128];
		date_format_iso(birth, sizeof(birth), p->naissance);
		if (i == S_BAD_BIRTH) {
			snprintf(birth, sizeof(birth), "%s", "31/02/1990");
			*bad_line = out.line + 1;
		}
		if (p->eligibilite != 0)
			date_format_iso(elig, sizeof(elig), p->eligibilite);
		criteres_format(crit, sizeof(crit), p->criteres);
		out_field(&out, p->id);
		out_field(&out, p->nom);
		out_field(&out, p->prenom);
		out_field(&out, birth);
		out_fieldf(&out, "%c", p->sexe);
		out_field(&out, p->commune);
		out_field(&out, p->qpv ? "oui" : "non");
		out_field(&out, crit);
		out_field(&out, elig);
		out_row_end(&out);
	}
	return out_close(&out);
}

static bool sample_write_conventions(const Model *md, const char *dir)
{
	Out out;
	if (!out_open(&out, dir, "conventions.csv", ';', false, false, false))
		return false;
	out_header(&out, "id;plie;partenaire_type;partenaire_id;date_debut;date_fin");
	for (int i = 0; i < COUNT_OF(CONVENTIONS); i++) {
		const ConventionSpec *c = &CONVENTIONS[i];
		out_field(&out, c->id);
		out_field(&out, c->plie);
		out_field(&out, c->type);
		if (strcmp(c->type, "siae") == 0)
			out_field(&out, md->sirets[ent_find(c->ref)]);
		else if (strcmp(c->type, "donneur") == 0)
			out_field(&out, DONNEURS[donneur_find(c->ref)].id);
		else
			out_field(&out, c->ref);
		out_field(&out, c->debut);
		out_field(&out, c->fin);
		out_row_end(&out);
	}
	return out_close(&out);
}

/* ------------------------------------------------------------------ contracts */

/*
 * The contracts two employers send (DOMAIN.md "Contracts"): the ETTI Id'ees Intérim
 * Bordeaux (its mission export, through a profile) and the EI Élan Bâtiment Insertion
 * (canonical CSV). One contract per assignment of theirs; two assignments of a
 * participant starting the same month make one contract. Dates, ends and reasons are
 * drawn from their own generator, so that the timesheets stay as they were.
 */
enum { MF_TERME, MF_CDI, MF_CDD, MF_FORMATION, MF_DEMISSION, MF_LICENCIEMENT, MF_RUPTURE,
	   MF_AUTRE, MF_COUNT };
static const char *const MOTIFS_FIN[] = {"terme", "embauche_cdi", "embauche_cdd", "formation",
										 "demission", "licenciement", "rupture_periode_essai",
										 "autre"};
/* the ETTI's words for them, mapped back by its profile */
static const char *const MOTIFS_ETTI[] = {"Fin de mission", "Embauche CDI", "Embauche CDD",
										  "Entrée en formation", "Démission", "Licenciement",
										  "Rupture période d'essai", "Autre"};

typedef struct Contrat {
	int p, e, m, contrat;
	int t0, t1;      /* model months covered */
	int debut, fin_prevue, fin; /* yyyymmdd; fin 0 = still running */
	int motif;       /* MF_*, when fin */
	int hebdo;       /* weekly hours */
} Contrat;

#define S_MAX_CONTRATS 600

typedef struct Contrats {
	Contrat c[S_MAX_CONTRATS];
	int n;
} Contrats;

/* Days since 0000-03-01 (for lengths in days). */
static long date_days(int ymd)
{
	long y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	if (m <= 2) {
		y--;
		m += 12;
	}
	return 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d;
}

/* The same day k months later, clamped to the month's end (as PostgreSQL adds an interval). */
static int date_add_months(int ymd, int k)
{
	int mi = month_of_date(ymd) + k;
	int d = ymd % 100, last = date_days_in_month(mi / 12, mi % 12 + 1);
	return date_make(mi / 12, mi % 12 + 1, d < last ? d : last);
}

static int motif_draw(Rng *rng, bool etti)
{
	static const int etti_weights[MF_COUNT] = {60, 10, 8, 7, 5, 0, 0, 10};
	static const int ei_weights[MF_COUNT] = {45, 12, 10, 13, 8, 2, 5, 5};
	const int *w = etti ? etti_weights : ei_weights;
	int r = rng_below(rng, 100);
	for (int k = 0; k < MF_COUNT; k++) {
		if (r < w[k])
			return k;
		r -= w[k];
	}
	return MF_AUTRE;
}

static void contrats_build(const Model *md, Contrats *cs)
{
	Rng rng = {.state = 0x2021C0A7ULL};
	int etti = ent_find("IDBX"), ei = ent_find("ELANB");
	cs->n = 0;
	for (int i = 0; i < md->nassigns; i++) {
		const Assign *a = &md->assigns[i];
		if (a->e != etti && a->e != ei)
			continue;
		Contrat *same = NULL;
		for (int k = 0; k < cs->n && same == NULL; k++)
			if (cs->c[k].p == a->p && cs->c[k].e == a->e && cs->c[k].t0 == a->t0)
				same = &cs->c[k];
		if (same != NULL) {
			if (a->t1 > same->t1)
				same->t1 = a->t1;
			continue;
		}
		if (cs->n >= S_MAX_CONTRATS) {
			fprintf(stderr, "gen_data: internal: too many contracts\n");
			exit(EXIT_INTERNAL);
		}
		cs->c[cs->n++] = (Contrat){.p = a->p, .e = a->e, .m = a->m, .t0 = a->t0, .t1 = a->t1,
								   .contrat = a->e == etti ? CT_CTT : CT_CDDI};
	}
	for (int k = 0; k < cs->n; k++) {
		Contrat *c = &cs->c[k];
		bool is_etti = c->e == etti;
		c->debut = month_first_day(S_MI0 + c->t0) + rng_below(&rng, 5);
		c->hebdo = is_etti ? 35 : (rng_below(&rng, 2) ? 26 : 24);
		if (c->t1 < S_NT - 1) {
			/* ended within the year, a few days before the month's end at most */
			c->fin = month_last_day(S_MI0 + c->t1) - rng_below(&rng, 4);
			c->fin_prevue = month_last_day(S_MI0 + c->t1 + rng_below(&rng, 3));
			c->motif = motif_draw(&rng, is_etti);
		} else
			c->fin_prevue = month_last_day(S_MI0 + c->t1 + 1 + rng_below(&rng, 4));
	}
}

/* Every participant of the ETTI's export is found by name: no two share name and birth. */
static bool contrats_names_unique(const Model *md, const Contrats *cs)
{
	for (int k = 0; k < cs->n; k++)
		for (int q = 0; q < S_NP; q++) {
			const Participant *a = &md->parts[cs->c[k].p], *b = &md->parts[q];
			if (q != cs->c[k].p && a->naissance == b->naissance && strcmp(a->nom, b->nom) == 0 &&
				strcmp(a->prenom, b->prenom) == 0) {
				fprintf(stderr, "gen_data: check: homonyms %s and %s\n", a->id, b->id);
				return false;
			}
		}
	return true;
}

static const char *metier_of(const Contrat *c, bool etti)
{
	static const char *const ETTI_JOBS[] = {"Manœuvre gros œuvre", "Aide-maçon", "Ouvrier VRD",
											"Agent d'entretien", "Peintre en bâtiment"};
	static const char *const ROME[] = {"F1703", "F1704", "F1606", "F1702", "K2204"};
	return etti ? ETTI_JOBS[c->p % COUNT_OF(ETTI_JOBS)] : ROME[c->p % COUNT_OF(ROME)];
}

/* The ETTI's mission export: Windows-1252, CRLF, its own column names, no SIRET, no id. */
static bool contrats_write_etti(const Model *md, const Contrats *cs, const char *dir, int *rows)
{
	int etti = ent_find("IDBX");
	Out out;
	if (!out_open(&out, dir, "contrats_2021_etti-idees-bordeaux.csv", ';', true, true, false))
		return false;
	out_header(&out, "Nom;Prénom;Né(e) le;N° mission;Réf. marché;Type de contrat;Début mission;"
					 "Fin prévue;Fin réelle;Durée hebdo;Qualification;Motif de fin");
	*rows = 0;
	for (int k = 0; k < cs->n; k++) {
		const Contrat *c = &cs->c[k];
		const Participant *p = &md->parts[c->p];
		char date[16];
		if (c->e != etti)
			continue;
		out_field(&out, p->nom);
		out_field(&out, p->prenom);
		date_format_fr(date, sizeof(date), p->naissance);
		out_field(&out, date);
		out_fieldf(&out, "M-21%04d", k + 1);
		out_field(&out, md->marches[c->m].id);
		out_field(&out, "Mission");
		date_format_fr(date, sizeof(date), c->debut);
		out_field(&out, date);
		date_format_fr(date, sizeof(date), c->fin_prevue);
		out_field(&out, date);
		if (c->fin)
			date_format_fr(date, sizeof(date), c->fin);
		out_field(&out, c->fin ? date : "");
		out_fieldf(&out, "%d,00", c->hebdo);
		out_field(&out, metier_of(c, true));
		out_field(&out, c->fin ? MOTIFS_ETTI[c->motif] : "");
		out_row_end(&out);
		(*rows)++;
	}
	return out_close(&out);
}

/* The EI's export: the canonical columns, UTF-8, jobs as ROME codes. */
static bool contrats_write_ei(const Model *md, const Contrats *cs, const char *dir, int *rows)
{
	int ei = ent_find("ELANB");
	Out out;
	if (!out_open(&out, dir, "contrats_2021_elan-batiment.csv", ';', false, false, false))
		return false;
	out_header(&out, "participant_id;employeur_siret;marche_id;type_contrat;date_debut;"
					 "date_fin_prevue;date_fin;heures_hebdo;metier;motif_fin");
	*rows = 0;
	for (int k = 0; k < cs->n; k++) {
		const Contrat *c = &cs->c[k];
		char date[16];
		if (c->e != ei)
			continue;
		out_field(&out, md->parts[c->p].id);
		out_field(&out, md->sirets[c->e]);
		out_field(&out, md->marches[c->m].id);
		out_field(&out, CONTRATS[c->contrat]);
		date_format_iso(date, sizeof(date), c->debut);
		out_field(&out, date);
		date_format_iso(date, sizeof(date), c->fin_prevue);
		out_field(&out, date);
		if (c->fin)
			date_format_iso(date, sizeof(date), c->fin);
		out_field(&out, c->fin ? date : "");
		out_fieldf(&out, "%d", c->hebdo);
		out_field(&out, metier_of(c, false));
		out_field(&out, c->fin ? MOTIFS_FIN[c->motif] : "");
		out_row_end(&out);
		(*rows)++;
	}
	return out_close(&out);
}

typedef struct ContratFigures {
	int known, inferred, inferred_with_zero, durable;
	int duree[4];        /* moins_1_mois, de_1_a_6_mois, 6_mois_plus, inconnue */
	int fin[MF_COUNT + 1]; /* by motif, then en_cours */
} ContratFigures;

/*
 * The contract figures of the observatoire of 2021 (every PLIE), from the model: the
 * contracts overlapping 2021, and for participant × employer pairs with no contract the
 * distinct participant × employer × type of the credited lines of 2021 with hours.
 */
static void contrats_figures(const Model *md, const Contrats *cs, ContratFigures *f)
{
	memset(f, 0, sizeof(*f));
	for (int k = 0; k < cs->n; k++) {
		const Contrat *c = &cs->c[k];
		int end = c->fin ? c->fin : c->fin_prevue;
		if (end < 20210101)
			continue;
		f->known++;
		long stop = date_days(end) + 1;
		f->duree[stop < date_days(date_add_months(c->debut, 1)) ? 0
				 : stop < date_days(date_add_months(c->debut, 6)) ? 1 : 2]++;
		f->fin[c->fin ? c->motif : MF_COUNT]++;
		if (c->fin && c->motif == MF_CDI)
			f->durable++;
	}
	static bool seen[S_NP][COUNT_OF(ENTREPRISES)][CT_AUTRE + 1];
	static bool seen_zero[S_NP][COUNT_OF(ENTREPRISES)][CT_AUTRE + 1];
	memset(seen, 0, sizeof(seen));
	memset(seen_zero, 0, sizeof(seen_zero));
	for (int i = 0; i < md->nlines; i++) {
		const Line *l = &md->lines[i];
		bool known = false;
		if (l->dup || l->status != ST_CREDITED || l->t < 1)
			continue;
		for (int k = 0; k < cs->n && !known; k++)
			known = cs->c[k].p == l->p && cs->c[k].e == l->e;
		if (known)
			continue;
		if (!seen_zero[l->p][l->e][l->contrat]) {
			seen_zero[l->p][l->e][l->contrat] = true;
			f->inferred_with_zero++;
		}
		if (l->h + l->hf > 0 && !seen[l->p][l->e][l->contrat]) {
			seen[l->p][l->e][l->contrat] = true;
			f->inferred++;
		}
	}
}

typedef struct Shape {
	char name[48];
	char delim;
	char dec;
	bool slash_month; /* MM/AAAA */
	bool reorder;
	bool cp1252;
	bool bare;        /* 35 rather than 35,00 */
} Shape;

static void shape_of_batch(int b, Shape *s)
{
	memset(s, 0, sizeof(*s));
	if (b == 0)
		snprintf(s->name, sizeof(s->name), "%s", "heures_2020-12.csv");
	else if (b == S_BATCH_CORR)
		snprintf(s->name, sizeof(s->name), "%s", "heures_2021-06_correctif.csv");
	else
		snprintf(s->name, sizeof(s->name), "heures_2021-%02d.csv", b);
	s->delim = b == 4 ? ',' : ';';
	s->dec = (b == 4 || b == 9) ? '.' : ',';
	s->slash_month = s->reorder = b == 5;
	s->cp1252 = b == 3;
	s->bare = b == 11;
}

/* Column order of heures_2021-05.csv, as indexes into the canonical order. */
static const int REORDER[8] = {3, 2, 1, 0, 7, 6, 5, 4};

static void heures_write_row(Out *out, const Shape *s, char fields[8][40])
{
	for (int c = 0; c < 8; c++)
		out_field(out, fields[s->reorder ? REORDER[c] : c]);
	out_row_end(out);
}

static void heures_fields_of_line(const Model *md, const Line *l, const Shape *s, int h,
								  char fields[8][40])
{
	int mi = S_MI0 + l->t;
	str_copy(fields[0], 40, md->parts[l->p].id);
	str_copy(fields[1], 40, md->sirets[l->e]);
	str_copy(fields[2], 40, md->marches[l->m].id);
	if (s->slash_month)
		snprintf(fields[3], 40, "%02d/%04d", mi % 12 + 1, mi / 12);
	else
		snprintf(fields[3], 40, "%04d-%02d", mi / 12, mi % 12 + 1);
	hours_format(fields[4], 40, h, s->dec, s->bare);
	hours_format(fields[5], 40, l->hf, s->dec, s->bare);
	str_copy(fields[6], 40, CONTRATS[l->contrat]);
	str_copy(fields[7], 40, MODALITES[l->modal]);
}

static const Model *g_sort_model; /* qsort has no context argument in C11 */

static int line_order_cmp(const void *a, const void *b)
{
	const Line *x = &g_sort_model->lines[*(const int *) a];
	const Line *y = &g_sort_model->lines[*(const int *) b];
	int c = strcmp(g_sort_model->sirets[x->e], g_sort_model->sirets[y->e]);
	if (c == 0)
		c = x->p - y->p;
	if (c == 0)
		c = strcmp(g_sort_model->marches[x->m].id, g_sort_model->marches[y->m].id);
	return c;
}

static bool sample_write_heures(Model *md, const char *dir, int b, int *rows)
{
	Shape s;
	shape_of_batch(b, &s);
	Out out;
	if (!out_open(&out, dir, s.name, s.delim, s.cp1252, s.cp1252, false))
		return false;
	char header[8][40];
	{
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", HEURES_HEADER);
		int c = 0;
		for (char *tok = strtok(buf, ";"); tok != NULL && c < 8; tok = strtok(NULL, ";"))
			snprintf(header[c++], 40, "%s", tok);
	}
	heures_write_row(&out, &s, header);
	static int idx[S_MAX_LINES];
	int n = 0;
	for (int i = 0; i < md->nlines; i++)
		if (md->lines[i].batch == b)
			idx[n++] = i;
	g_sort_model = md;
	qsort(idx, (size_t) n, sizeof(int), line_order_cmp);
	char fields[8][40];
	static int line_no[S_MAX_LINES];
	*rows = 0;
	for (int k = 0; k <= n; k++) {
		for (int j = 0; j < md->nbad; j++) {
			BadRow *bad = &md->bad[j];
			if (bad->batch == b && (bad->pos == k || (k == n && bad->pos > n))) {
				bad->line = out.line + 1;
				heures_write_row(&out, &s, bad->fields);
				(*rows)++;
			}
		}
		if (k == n)
			break;
		const Line *l = &md->lines[idx[k]];
		heures_fields_of_line(md, l, &s, l->h, fields);
		line_no[k] = out.line + 1;
		heures_write_row(&out, &s, fields);
		(*rows)++;
	}
	for (int k = 0; k < n; k++) {
		const Line *l = &md->lines[idx[k]];
		if (!l->dup)
			continue;
		heures_fields_of_line(md, l, &s, l->dup_h, fields);
		printf("  bad row  %s line %d: same key as line %d (%s %s %s %s), both rejected\n",
			   s.name, out.line + 1, line_no[k], fields[0], fields[2], fields[1], fields[3]);
		heures_write_row(&out, &s, fields);
		(*rows)++;
	}
	return out_close(&out);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int conventions_in_force_2021(const char *plie)
{
	int n = 0;
	for (int i = 0; i < COUNT_OF(CONVENTIONS); i++)
		if (strcmp(CONVENTIONS[i].plie, plie) == 0 &&
			period_overlaps(date_parse_iso(CONVENTIONS[i].debut),
							date_parse_iso(CONVENTIONS[i].fin), 20210101, 20211231))
			n++;
	return n;
}

/* Writes the expected figures, sorted, from the model. */
static bool sample_write_expected(const Model *md, const Contrats *cs, const char *path)
{
	enum { MAXL = 160 };
	static char store[MAXL][96];
	char *lines[MAXL];
	int n = 0;
#define EXP(...) snprintf(store[n], sizeof(store[n]), __VA_ARGS__), lines[n] = store[n], n++
	for (int f = 0; f < COUNT_OF(FICHES); f++) {
		const char *code = FICHES[f].code;
		int marches = 0, reserves = 0, ops = 0, ops_hors_btp = 0;
		bool op_counted[COUNT_OF(OPS)] = {false};
		for (int i = 0; i < COUNT_OF(MARCHES); i++) {
			const Marche *mk = &md->marches[i];
			if (mk->fiche == NULL || strcmp(mk->fiche, code) != 0 ||
				!period_overlaps(mk->debut, mk->fin, 20210101, 20211231))
				continue;
			marches++;
			const char *fo = mk->spec->forme;
			if (strcmp(fo, "reserve_siae") == 0 || strcmp(fo, "reserve_ea_esat") == 0 ||
				strcmp(fo, "insertion") == 0)
				reserves++;
			op_counted[mk->op] = true;
		}
		for (int o = 0; o < COUNT_OF(OPS); o++)
			if (op_counted[o]) {
				ops++;
				if (strcmp(OPS[o].secteur, "btp") != 0)
					ops_hors_btp++;
			}
		long long h = md->fiche_hours[f];
		EXP("fiche\t%s.heures\t%lld.%02lld", code, h / 100, h % 100);
		EXP("fiche\t%s.marches\t%d", code, marches);
		EXP("fiche\t%s.operations\t%d", code, ops);
		EXP("fiche\t%s.chantiers\t%d", code, ops);
		EXP("fiche\t%s.conventions\t%d", code, conventions_in_force_2021(FICHES[f].plie));
		EXP("fiche\t%s.marches_reserves\t%d", code, reserves);
		EXP("fiche\t%s.operations_hors_btp\t%d", code, ops_hors_btp);
	}
	for (int s = 0; s < ST_COUNT; s++)
		EXP("lines\t%s\t%d", STATUS_NAMES[s], md->status_count[s]);
	static const char *const ref_files[] = {"donneurs.csv", "entreprises.csv", "operations.csv",
											"marches.csv", "participants.csv", "conventions.csv"};
	for (int i = 0; i < COUNT_OF(ref_files); i++)
		EXP("rejects\t%s\t%d", ref_files[i], strcmp(ref_files[i], "participants.csv") == 0);
	for (int b = 0; b < S_NBATCH; b++) {
		Shape s;
		shape_of_batch(b, &s);
		EXP("rejects\t%s\t%d", s.name, md->rejects_batch[b]);
	}
	EXP("hours\ttotal_credited\t%lld.%02lld", md->total_credited / 100, md->total_credited % 100);
	ContratFigures cf;
	contrats_figures(md, cs, &cf);
	static const char *const DUREES[] = {"moins_1_mois", "de_1_a_6_mois", "6_mois_plus", "inconnue"};
	EXP("contracts\tcontrats\t%d", cf.known + cf.inferred);
	EXP("contracts\tcontrats_deduits\t%d", cf.inferred);
	EXP("contracts\tsorties_emploi_durable\t%d", cf.durable);
	for (int k = 0; k < COUNT_OF(DUREES); k++)
		EXP("contracts\tduree_%s\t%d", DUREES[k], cf.duree[k]);
	for (int k = 0; k < MF_COUNT; k++)
		EXP("contracts\tfin_%s\t%d", MOTIFS_FIN[k], cf.fin[k]);
	EXP("contracts\tfin_en_cours\t%d", cf.fin[MF_COUNT]);
	EXP("contracts\tfin_non_renseigne\t%d", 0);
	EXP("rejects\tcontrats_2021_etti-idees-bordeaux.csv\t%d", 0);
	EXP("rejects\tcontrats_2021_elan-batiment.csv\t%d", 0);
#undef EXP
	qsort(lines, (size_t) n, sizeof(char *), str_cmp);
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "gen_data: cannot create %s: %s\n", path, strerror(errno));
		return false;
	}
	for (int i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	if (fclose(f) != 0) {
		fprintf(stderr, "gen_data: error writing %s\n", path);
		return false;
	}
	return true;
}

/* Self-checks of the model: SIRETs, unique keys per file, one ceiling case. */
static bool sample_check(const Model *md)
{
	bool ok = true;
	for (int i = 0; i < COUNT_OF(ENTREPRISES); i++) {
		if (!siret_is_valid(md->sirets[i])) {
			fprintf(stderr, "gen_data: check: bad SIRET %s\n", md->sirets[i]);
			ok = false;
		}
		for (int j = 0; j < i; j++)
			if (strcmp(md->sirets[i], md->sirets[j]) == 0)
				ok = false;
	}
	for (int i = 0; i < md->nlines; i++)
		for (int j = i + 1; j < md->nlines; j++)
			if (md->lines[i].batch == md->lines[j].batch &&
				line_key_cmp(&md->lines[i], &md->lines[j]) == 0) {
				fprintf(stderr, "gen_data: check: duplicate key in batch %d\n",
						md->lines[i].batch);
				ok = false;
			}
	for (int i = 0; i < md->nlines; i++) {
		const Line *l = &md->lines[i];
		if (l->batch != l->t && l->batch != S_BATCH_CORR)
			ok = false;
		if (l->p == S_BAD_BIRTH)
			ok = false;
	}
	if (md->status_count[ST_DEPASSEMENT] != 2) {
		fprintf(stderr, "gen_data: check: %d lines over the ceiling, 2 expected\n",
				md->status_count[ST_DEPASSEMENT]);
		ok = false;
	}
	return ok;
}

static int sample_run(const char *dir, const char *expected)
{
	static Model model;
	Model *md = &model;
	memset(md, 0, sizeof(*md));
	md->rng.state = 0x2021C1A05EULL;
	int late[8], crit_empty = -1;
	sample_build_referential(md);
	sample_build_participants(md, late, COUNT_OF(late), &crit_empty);
	sample_add_scripted(md, late, COUNT_OF(late), crit_empty);
	sample_fill_random(md);
	sample_make_duplicate(md);
	sample_make_corrections(md);
	sample_make_bad_rows(md);
	sample_compute_status(md);
	if (!sample_check(md))
		return EXIT_INTERNAL;
	if (!dir_make_all(dir))
		return EXIT_INTERNAL;
	int bad_birth_line = 0;
	printf("sample data in %s\n", dir);
	bool ok = sample_write_donneurs(dir) && sample_write_entreprises(md, dir) &&
			  sample_write_operations(dir) && sample_write_marches(md, dir) &&
			  sample_write_participants(md, dir, &bad_birth_line) &&
			  sample_write_conventions(md, dir);
	if (!ok)
		return EXIT_INTERNAL;
	printf("  %-30s %5d rows\n", "donneurs.csv", COUNT_OF(DONNEURS));
	printf("  %-30s %5d rows\n", "entreprises.csv", COUNT_OF(ENTREPRISES));
	printf("  %-30s %5d rows\n", "operations.csv", COUNT_OF(OPS));
	printf("  %-30s %5d rows\n", "marches.csv", COUNT_OF(MARCHES));
	printf("  %-30s %5d rows\n", "participants.csv", S_NP);
	printf("  %-30s %5d rows\n", "conventions.csv", COUNT_OF(CONVENTIONS));
	printf("  bad row  participants.csv line %d: date_naissance 31/02/1990\n", bad_birth_line);
	for (int b = 0; b < S_NBATCH; b++) {
		int rows = 0;
		Shape s;
		shape_of_batch(b, &s);
		if (!sample_write_heures(md, dir, b, &rows))
			return EXIT_INTERNAL;
		printf("  %-30s %5d rows\n", s.name, rows);
	}
	for (int j = 0; j < md->nbad; j++) {
		Shape s;
		shape_of_batch(md->bad[j].batch, &s);
		printf("  bad row  %s line %d: %s\n", s.name, md->bad[j].line, md->bad[j].what);
	}
	static Contrats contrats;
	int etti_rows = 0, ei_rows = 0;
	contrats_build(md, &contrats);
	if (!contrats_names_unique(md, &contrats) ||
		!contrats_write_etti(md, &contrats, dir, &etti_rows) ||
		!contrats_write_ei(md, &contrats, dir, &ei_rows))
		return EXIT_INTERNAL;
	printf("  %-30s %5d rows\n", "contrats_2021_etti-idees-bordeaux.csv", etti_rows);
	printf("  %-30s %5d rows\n", "contrats_2021_elan-batiment.csv", ei_rows);
	{
		ContratFigures cf;
		contrats_figures(md, &contrats, &cf);
		printf("  contracts 2021: %d sent, %d inferred (%d counting zero-hour lines)\n", cf.known,
			   cf.inferred, cf.inferred_with_zero);
	}
	for (int s = 0; s < ST_COUNT; s++)
		printf("  lines %-20s %5d\n", STATUS_NAMES[s], md->status_count[s]);
	printf("  credited hours %lld.%02lld\n", md->total_credited / 100, md->total_credited % 100);
	if (expected != NULL) {
		char parent[1024];
		snprintf(parent, sizeof(parent), "%s", expected);
		char *slash = strrchr(parent, '/');
		if (slash != NULL && slash != parent) {
			*slash = '\0';
			if (!dir_make_all(parent))
				return EXIT_INTERNAL;
		}
		if (!sample_write_expected(md, &contrats, expected))
			return EXIT_INTERNAL;
		printf("expected figures in %s\n", expected);
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------------ bench */

#define B_NDON 300
#define B_NENT 3000
#define B_NOPS 2000
#define B_NMAR 5000
#define B_NPAR 60000
#define B_NCONV 350
#define B_MI0 (2021 * 12)
#define B_NMONTHS 24

static const char *const PLACES[] = {
	"Bordeaux", "Pessac", "Mérignac", "Bègles", "Agen", "Périgueux", "Saint-Étienne", "Lyon",
	"Marseille", "Lille", "Nantes", "Rennes", "Besançon", "Nîmes", "Orléans", "Angoulême",
	"Évry-Courcouronnes", "Clermont-Ferrand", "Le Mans", "Châlons-en-Champagne", "Montréal-la-Cluse",
	"Saint-Denis", "Créteil", "Béziers", "Valence", "Gap", "Chambéry", "Sète", "Lorient",
	"Épinal", "Troyes", "Mâcon", "Aubervilliers", "Villeurbanne", "Cergy", "Nancy", "Metz",
	"Strasbourg", "Mulhouse", "Pau", "Bayonne", "Tarbes", "Perpignan", "Toulouse", "Montpellier",
};

static const char *const TRADES[] = {
	"Gros œuvre", "Démolition – désamiantage", "Terrassement – VRD", "Charpente – couverture",
	"Menuiseries extérieures", "Plâtrerie – cloisons", "Peinture – revêtements",
	"Électricité", "Plomberie – CVC", "Étanchéité", "Nettoyage des locaux",
	"Entretien des espaces verts", "Fourniture de repas", "Collecte des déchets",
};

typedef struct Bench {
	Rng rng;
	char sirets[B_NENT][15];
	int ent_type[B_NENT];
	int mar_attr[B_NMAR];
	int mar_d0[B_NMAR], mar_d1[B_NMAR];
	int ops_of_type[10][B_NENT]; /* employers by type */
	int nof_type[10];
} Bench;

static const char *const ENT_TYPES[] = {"entreprise", "etti", "ai", "ei", "aci", "geiq", "ett",
										"ea", "esat", "regie"};
enum { ET_ENT, ET_ETTI, ET_AI, ET_EI, ET_ACI, ET_GEIQ, ET_ETT, ET_EA, ET_ESAT, ET_REGIE };
static const int ENT_TYPE_PERMIL[10] = {620, 100, 60, 60, 70, 30, 40, 10, 5, 5};

static int bench_pick_type(Bench *bx, int type)
{
	if (bx->nof_type[type] == 0)
		type = ET_ENT;
	return bx->ops_of_type[type][rng_below(&bx->rng, bx->nof_type[type])];
}

static void bench_commune(Rng *rng, char out[6])
{
	if (rng_below(rng, 100) < 10) {
		snprintf(out, 6, "%s", TERRITOIRES[rng_below(rng, COUNT_OF(TERRITOIRES))].insee);
		return;
	}
	int dept;
	do
		dept = rng_range(rng, 1, 95);
	while (dept == 20);
	snprintf(out, 6, "%02d%03d", dept, rng_range(rng, 1, 400));
}

static bool bench_write_referential(Bench *bx, const char *dir)
{
	Rng *rng = &bx->rng;
	Out out;
	static const char *const DTYPES[] = {"commune", "epci", "bailleur", "departement", "region",
										 "etat", "etablissement_public", "prive"};
	static const char *const DPREFIX[] = {"Ville de", "Communauté d'agglomération de",
										  "Office public de l'habitat de", "Département de",
										  "Région de", "Préfecture de", "Centre hospitalier de",
										  "Promotion immobilière"};
	static const int DPERMIL[] = {450, 150, 150, 50, 20, 50, 100, 30};
	if (!out_open(&out, dir, "donneurs.csv", ';', false, false, false))
		return false;
	out_header(&out, "id;nom;type");
	for (int i = 0; i < B_NDON; i++) {
		int r = rng_below(rng, 1000), t = 0;
		while (t < 7 && r >= DPERMIL[t])
			r -= DPERMIL[t++];
		out_fieldf(&out, "D%04d", i + 1);
		out_fieldf(&out, "%s %s n°%d", DPREFIX[t], PLACES[rng_below(rng, COUNT_OF(PLACES))], i + 1);
		out_field(&out, DTYPES[t]);
		out_row_end(&out);
	}
	if (!out_close(&out))
		return false;

	if (!out_open(&out, dir, "entreprises.csv", ';', false, false, false))
		return false;
	out_header(&out, "siret;raison_sociale;type");
	static const char *const EPREFIX[] = {"Bâtiment", "Intérim Insertion", "Association Intermédiaire",
										  "Entreprise d'insertion", "Chantier d'insertion", "GEIQ",
										  "Travail Temporaire", "Entreprise adaptée", "ESAT",
										  "Régie de quartier"};
	for (int i = 0; i < B_NENT; i++) {
		int r = rng_below(rng, 1000), t = 0;
		while (t < 9 && r >= ENT_TYPE_PERMIL[t])
			r -= ENT_TYPE_PERMIL[t++];
		bx->ent_type[i] = t;
		bx->ops_of_type[t][bx->nof_type[t]++] = i;
		uint32_t body = (uint32_t) ((uint64_t) (i + 1) * 48271u % 100000000u);
		siret_build(bx->sirets[i], body, (uint32_t) rng_range(rng, 1, 300));
		out_field(&out, bx->sirets[i]);
		out_fieldf(&out, "%s %s %04d", EPREFIX[t], PLACES[rng_below(rng, COUNT_OF(PLACES))], i + 1);
		out_field(&out, ENT_TYPES[t]);
		out_row_end(&out);
	}
	if (!out_close(&out))
		return false;

	static const char *const SECTEURS[] = {"btp", "proprete", "espaces_verts", "restauration",
										   "services", "industrie", "autre"};
	static const int SPERMIL[] = {700, 100, 80, 40, 60, 10, 10};
	if (!out_open(&out, dir, "operations.csv", ';', false, false, false))
		return false;
	out_header(&out, "id;donneur_id;nom;commune_insee;secteur;fiche");
	for (int i = 0; i < B_NOPS; i++) {
		int r = rng_below(rng, 1000), s = 0;
		while (s < 6 && r >= SPERMIL[s])
			r -= SPERMIL[s++];
		char commune[6];
		bench_commune(rng, commune);
		const char *plie = plie_of_commune(commune);
		const char *fiche = "";
		if (plie != NULL && strcmp(plie, "grand_perigueux") == 0)
			fiche = rng_below(rng, 2) ? "GP2" : "GP4";
		out_fieldf(&out, "OP%05d", i + 1);
		out_fieldf(&out, "D%04d", rng_range(rng, 1, B_NDON));
		out_fieldf(&out, "Opération n°%d – %s", i + 1, PLACES[rng_below(rng, COUNT_OF(PLACES))]);
		out_field(&out, commune);
		out_field(&out, SECTEURS[s]);
		out_field(&out, fiche);
		out_row_end(&out);
	}
	if (!out_close(&out))
		return false;

	if (!out_open(&out, dir, "marches.csv", ';', false, false, false))
		return false;
	out_header(&out, "id;operation_id;lot;intitule;attributaire_siret;forme;date_debut;date_fin;"
					 "montant_ht;heures_prevues");
	for (int i = 0; i < B_NMAR; i++) {
		int r = rng_below(rng, 1000);
		const char *forme;
		int attr;
		if (r < 820) {
			forme = "execution";
			attr = bench_pick_type(bx, ET_ENT);
		} else if (r < 870) {
			forme = "critere";
			attr = bench_pick_type(bx, ET_ENT);
		} else if (r < 930) {
			forme = "reserve_siae";
			attr = bench_pick_type(bx, rng_below(rng, 2) ? ET_EI : ET_ACI);
		} else if (r < 950) {
			forme = "reserve_ea_esat";
			attr = bench_pick_type(bx, rng_below(rng, 3) ? ET_EA : ET_ESAT);
		} else {
			forme = "insertion";
			attr = bench_pick_type(bx, rng_below(rng, 3) ? ET_ACI : ET_REGIE);
		}
		bx->mar_attr[i] = attr;
		int m0 = 2019 * 12 + 5 + rng_below(rng, 25); /* 2019-06 .. 2021-06 */
		int m1 = m0 + rng_range(rng, 30, 54);
		bx->mar_d0[i] = date_make(m0 / 12, m0 % 12 + 1, rng_range(rng, 1, 20));
		bx->mar_d1[i] = month_last_day(m1);
		long long cents = (long long) rng_range(rng, 80000, 6000000) * 100 + rng_below(rng, 100);
		int hours = (int) (cents * 50 * 6 / 30000000LL);
		char d0[16], d1[16];
		date_format_iso(d0, sizeof(d0), bx->mar_d0[i]);
		date_format_iso(d1, sizeof(d1), bx->mar_d1[i]);
		out_fieldf(&out, "M%06d", i + 1);
		out_fieldf(&out, "OP%05d", rng_range(rng, 1, B_NOPS));
		out_fieldf(&out, "%d", rng_range(rng, 1, 12));
		out_field(&out, TRADES[rng_below(rng, COUNT_OF(TRADES))]);
		out_field(&out, bx->sirets[attr]);
		out_field(&out, forme);
		out_field(&out, d0);
		out_field(&out, d1);
		out_fieldf(&out, "%lld.%02lld", cents / 100, cents % 100);
		out_fieldf(&out, "%d", hours);
		out_row_end(&out);
	}
	if (!out_close(&out))
		return false;

	if (!out_open(&out, dir, "participants.csv", ';', false, false, false))
		return false;
	out_header(&out, "id;nom;prenom;date_naissance;sexe;commune_insee;qpv;criteres;"
					 "date_eligibilite");
	for (int i = 0; i < B_NPAR; i++) {
		char sexe = rng_below(rng, 100) < 24 ? 'F' : 'M';
		int r = rng_below(rng, 100);
		int birth = r < 30 ? date_draw(rng, 1997, 2004)
					: r < 78 ? date_draw(rng, 1973, 1996) : date_draw(rng, 1958, 1972);
		bool qpv = rng_below(rng, 100) < 35;
		unsigned crit = criteres_draw(rng, birth, qpv);
		int e = rng_below(rng, 100);
		int elig = e < 93 ? date_draw(rng, 2016, 2020) : e < 97 ? date_draw(rng, 2021, 2022) : 0;
		if (elig == 0 && rng_below(rng, 2))
			crit = 0;
		char commune[6], birth_s[16], elig_s[16] = "", crit_s[128];
		bench_commune(rng, commune);
		date_format_iso(birth_s, sizeof(birth_s), birth);
		if (elig)
			date_format_iso(elig_s, sizeof(elig_s), elig);
		criteres_format(crit_s, sizeof(crit_s), crit);
		out_fieldf(&out, "P%06d", i + 1);
		out_field(&out, NOMS[rng_below(rng, COUNT_OF(NOMS))]);
		out_field(&out, sexe == 'F' ? PRENOMS_F[rng_below(rng, COUNT_OF(PRENOMS_F))]
									: PRENOMS_M[rng_below(rng, COUNT_OF(PRENOMS_M))]);
		out_field(&out, birth_s);
		out_fieldf(&out, "%c", sexe);
		out_field(&out, commune);
		out_field(&out, qpv ? "oui" : "non");
		out_field(&out, crit_s);
		out_field(&out, elig_s);
		out_row_end(&out);
	}
	if (!out_close(&out))
		return false;

	static const char *const PLIES[] = {"agenais", "bordeaux", "technowest", "grand_perigueux",
										"haut_perigord", "portes_du_sud", "sources"};
	if (!out_open(&out, dir, "conventions.csv", ';', false, false, false))
		return false;
	out_header(&out, "id;plie;partenaire_type;partenaire_id;date_debut;date_fin");
	for (int i = 0; i < B_NCONV; i++) {
		int r = rng_below(rng, 100);
		int m0 = 2018 * 12 + rng_below(rng, 60);
		char d0[16], d1[16];
		date_format_iso(d0, sizeof(d0), month_first_day(m0));
		date_format_iso(d1, sizeof(d1), month_last_day(m0 + rng_range(rng, 11, 35)));
		out_fieldf(&out, "CV%05d", i + 1);
		out_field(&out, PLIES[rng_below(rng, COUNT_OF(PLIES))]);
		if (r < 60) {
			out_field(&out, "donneur");
			out_fieldf(&out, "D%04d", rng_range(rng, 1, B_NDON));
		} else if (r < 90) {
			static const int siae[] = {ET_ETTI, ET_AI, ET_EI, ET_ACI};
			out_field(&out, "siae");
			out_field(&out, bx->sirets[bench_pick_type(bx, siae[rng_below(rng, 4)])]);
		} else {
			out_field(&out, "autre");
			out_fieldf(&out, "Pôle emploi – agence de %s", PLACES[rng_below(rng, COUNT_OF(PLACES))]);
		}
		out_field(&out, d0);
		out_field(&out, d1);
		out_row_end(&out);
	}
	return out_close(&out);
}

/* Fixed-width decimal digits. */
static char *put_digits(char *d, uint32_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		d[i] = (char) ('0' + v % 10);
		v /= 10;
	}
	return d + width;
}

/* Centi-hours as "12,50" (no sign: values are never negative here). */
static char *put_centi(char *d, int c)
{
	char tmp[12];
	int n = 0, whole = c / 100;
	do {
		tmp[n++] = (char) ('0' + whole % 10);
		whole /= 10;
	} while (whole > 0);
	while (n > 0)
		*d++ = tmp[--n];
	*d++ = ',';
	*d++ = (char) ('0' + c % 100 / 10);
	*d++ = (char) ('0' + c % 10);
	return d;
}

static char *put_str(char *d, const char *s)
{
	size_t n = strlen(s);
	memcpy(d, s, n);
	return d + n;
}

/*
 * heures.csv: month by month, the rows of a month walk a sliding window of participants
 * through a bijection, so a participant appears at most once per month while the month holds
 * no more rows than participants; beyond that, the k-th row of a participant goes to marché
 * base + k * 7919 (mod 5000), distinct for each k: no key is ever repeated.
 */
static bool bench_write_heures(Bench *bx, const char *dir, unsigned long long rows)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/heures.csv", dir);
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "gen_data: cannot create %s: %s\n", path, strerror(errno));
		return false;
	}
	enum { BUFSZ = 1 << 20 };
	static char buf[BUFSZ];
	char *d = buf;
	d = put_str(d, HEURES_HEADER);
	*d++ = '\n';
	bool ok = true;
	unsigned long long per = rows / B_NMONTHS, extra = rows % B_NMONTHS;
	for (int t = 0; t < B_NMONTHS && ok; t++) {
		unsigned long long n = per + ((unsigned long long) t < extra);
		uint32_t kmax = (uint32_t) ((n + B_NPAR - 1) / B_NPAR);
		int mi = B_MI0 + t;
		char month[8];
		snprintf(month, sizeof(month), "%04d-%02d", mi / 12, mi % 12 + 1);
		for (unsigned long long i = 0; i < n; i++) {
			uint32_t j = (uint32_t) (i % B_NPAR), k = (uint32_t) (i / B_NPAR);
			uint32_t p = (uint32_t) (((uint64_t) ((j + (uint32_t) t * 5000u) % B_NPAR) * 7919u) %
									 B_NPAR);
			uint64_t hp = mix64(((uint64_t) p << 8) ^ (uint64_t) (t / 6) ^ 0x5eedULL);
			uint32_t m = (uint32_t) ((hp % B_NMAR + (uint64_t) k * 7919u) % B_NMAR);
			uint64_t hr = mix64(hp ^ ((uint64_t) t << 40) ^ ((uint64_t) k << 48));
			int mode = (int) (hp >> 40) % 100;
			int modal, contrat, e;
			if (mode < 45) {
				modal = MO_DIRECT;
				e = bx->mar_attr[m];
				int et = bx->ent_type[e];
				contrat = et == ET_ENT ? (int) ((hp >> 20) % 4 == 0 ? CT_CDI : CT_CDD)
						  : (et == ET_EA || et == ET_ESAT) ? CT_CDD : CT_CDDI;
			} else if (mode < 78) {
				static const int mad[] = {ET_ETTI, ET_ETTI, ET_AI, ET_GEIQ, ET_ETT};
				int et = mad[(hp >> 24) % 5];
				modal = MO_MAD;
				e = bx->nof_type[et] ? bx->ops_of_type[et][(hp >> 28) % (uint64_t) bx->nof_type[et]]
									 : bx->mar_attr[m];
				contrat = et == ET_AI ? CT_CDD : et == ET_GEIQ ? CT_PRO : CT_CTT;
			} else if (mode < 95) {
				int et = (hp >> 24) % 2 ? ET_EI : ET_ACI;
				modal = (hp >> 26) % 10 ? MO_SOUS : MO_CO;
				e = bx->nof_type[et] ? bx->ops_of_type[et][(hp >> 28) % (uint64_t) bx->nof_type[et]]
									 : bx->mar_attr[m];
				contrat = CT_CDDI;
			} else {
				modal = MO_FORM;
				e = bx->mar_attr[m];
				contrat = CT_PRO;
			}
			int r = (int) (hr % 1000);
			int c = r < 700 ? 350 + (int) ((hr >> 10) % 1401)
					: r < 920 ? 1750 + (int) ((hr >> 10) % 3151)
					: r < 980 ? 5000 + (int) ((hr >> 10) % 7001)
					: r < 997 ? FULL_TIME_C : 20900 + (int) ((hr >> 10) % 3101);
			c /= (int) kmax;
			if (c != FULL_TIME_C)
				c = c / 25 * 25 + 25; /* quarter hours */
			int h = c, hf = 0;
			if (modal == MO_FORM) {
				h = 0;
				hf = c;
			} else if (contrat == CT_PRO) {
				hf = c / 5 / 25 * 25;
				h = c - hf;
			}
			d = put_str(d, "P");
			d = put_digits(d, p + 1, 6);
			*d++ = ';';
			memcpy(d, bx->sirets[e], 14);
			d += 14;
			*d++ = ';';
			d = put_str(d, "M");
			d = put_digits(d, m + 1, 6);
			*d++ = ';';
			memcpy(d, month, 7);
			d += 7;
			*d++ = ';';
			d = put_centi(d, h);
			*d++ = ';';
			d = put_centi(d, hf);
			*d++ = ';';
			d = put_str(d, CONTRATS[contrat]);
			*d++ = ';';
			d = put_str(d, MODALITES[modal]);
			*d++ = '\n';
			if (d - buf > BUFSZ - 256) {
				if (fwrite(buf, 1, (size_t) (d - buf), f) != (size_t) (d - buf)) {
					ok = false;
					break;
				}
				d = buf;
			}
		}
	}
	if (ok && d > buf && fwrite(buf, 1, (size_t) (d - buf), f) != (size_t) (d - buf))
		ok = false;
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "gen_data: error writing %s\n", path);
	return ok;
}

static int bench_run(unsigned long long rows, const char *dir)
{
	static Bench bench;
	memset(&bench, 0, sizeof(bench));
	bench.rng.state = 0xBE7C4C1A05EULL;
	unsigned long long cap = (unsigned long long) B_NMONTHS * B_NPAR * B_NMAR;
	if (rows > cap) {
		fprintf(stderr, "gen_data: ROWS must be at most %llu\n", cap);
		return EXIT_USAGE;
	}
	if (!dir_make_all(dir) || !bench_write_referential(&bench, dir) ||
		!bench_write_heures(&bench, dir, rows))
		return EXIT_INTERNAL;
	printf("bench data in %s: %d donneurs, %d entreprises, %d operations, %d marches, "
		   "%d participants, %d conventions, %llu heures rows\n", dir, B_NDON, B_NENT, B_NOPS,
		   B_NMAR, B_NPAR, B_NCONV, rows);
	return EXIT_OK;
}

/* ------------------------------------------------------------------ main */

static void usage_print(FILE *f)
{
	fprintf(f,
			"gen_data: writes clause's test data (deterministic, fixed seed)\n"
			"\n"
			"Usage:\n"
			"  gen_data --sample DIR [--expected FILE]\n"
			"      a realistic year 2021 of the seven PLIE (referential files, monthly\n"
			"      timesheets in several encodings and shapes, a correction file, a few\n"
			"      deliberate bad rows); with --expected, the figures the engine must find\n"
			"  gen_data --bench ROWS DIR\n"
			"      national-proportion referential files and exactly ROWS lines in\n"
			"      DIR/heures.csv (24 months, 2021-01..2022-12), streamed\n"
			"  gen_data --help\n");
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "gen_data: %s\nEssayez --help\n", msg);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		usage_print(stdout);
		return EXIT_OK;
	}
	if (argc >= 3 && strcmp(argv[1], "--sample") == 0) {
		const char *expected = NULL;
		for (int i = 3; i < argc; i++) {
			if (strcmp(argv[i], "--expected") == 0 && i + 1 < argc)
				expected = argv[++i];
			else
				return usage_error("unexpected argument after --sample DIR");
		}
		return sample_run(argv[2], expected);
	}
	if (argc == 4 && strcmp(argv[1], "--bench") == 0) {
		char *end = NULL;
		errno = 0;
		if (argv[2][0] == '-')
			return usage_error("ROWS must be a non-negative integer");
		unsigned long long rows = strtoull(argv[2], &end, 10);
		if (errno != 0 || end == argv[2] || *end != '\0')
			return usage_error("ROWS must be a non-negative integer");
		return bench_run(rows, argv[3]);
	}
	return usage_error("expected --sample DIR or --bench ROWS DIR");
}
