/*
 * clause list: one query per kind, written through the generic report table. The
 * participants' list checks first that the reader may read personal data.
 */
#include <string.h>

#include "reports/format_csv.h"
#include "reports/lists.h"
#include "reports/table.h"
#include "src/lib/log.h"

static const char *const DONNEURS_HEADERS[] = {"Id", "Nom", "Type", "Opérations", "Marchés"};
static const bool DONNEURS_NUMERIC[] = {false, false, false, true, true};
static const char *const OPERATIONS_HEADERS[] = {
	"Id", "Nom", "Donneur", "Commune", "Secteur", "Fiche", "PLIE", "Marchés"
};
static const bool OPERATIONS_NUMERIC[] = {false, false, false, false, false, false, false, true};
static const char *const MARCHES_HEADERS[] = {
	"Id", "Lot", "Intitulé", "Opération", "Attributaire", "Forme", "Début", "Fin", "Heures prévues"
};
static const bool MARCHES_NUMERIC[] = {false, false, false, false, false, false, false, false, true};
static const char *const ENTREPRISES_HEADERS[] = {"SIRET", "Raison sociale", "Type", "Marchés attribués"};
static const bool ENTREPRISES_NUMERIC[] = {false, false, false, true};
static const char *const PARTICIPANTS_HEADERS[] = {
	"Id", "Nom", "Prénom", "Éligible le", "Critères", "Lignes d'heures"
};
static const bool PARTICIPANTS_NUMERIC[] = {false, false, false, false, false, true};
static const char *const LOTS_HEADERS[] = {
	"Lot", "Nature", "Fichier", "Importé le", "Chargées", "Rejetées", "SHA-256"
};
static const bool LOTS_NUMERIC[] = {true, false, false, false, true, true, false};

static const struct
{
	const char *title;
	const char *empty;
	const char *sql;
	int ncolumns;
	const char *const *headers;
	const bool *numeric;
} LISTS[] = {
	[LIST_DONNEURS] = {"Donneurs d'ordre", "aucun",
		"SELECT * FROM liste_donneurs($1, $2)", 5, DONNEURS_HEADERS, DONNEURS_NUMERIC},
	[LIST_OPERATIONS] = {"Opérations", "aucune",
		"SELECT * FROM liste_operations($1, $2)", 8, OPERATIONS_HEADERS, OPERATIONS_NUMERIC},
	[LIST_MARCHES] = {"Marchés", "aucun",
		"SELECT id, lot, intitule, operation_id, attributaire, forme, to_char(date_debut, 'YYYY-MM-DD'), "
		"to_char(date_fin, 'YYYY-MM-DD'), heures_prevues FROM liste_marches($1, $2)",
	9, MARCHES_HEADERS, MARCHES_NUMERIC},
	[LIST_ENTREPRISES] = {"Entreprises", "aucune",
		"SELECT * FROM liste_entreprises($1, $2)", 4, ENTREPRISES_HEADERS, ENTREPRISES_NUMERIC},
	[LIST_PARTICIPANTS] = {"Participants", "aucun",
		"SELECT id, nom, prenom, to_char(date_eligibilite, 'YYYY-MM-DD'), criteres, lignes "
		"FROM liste_participants($1, $2)", 6, PARTICIPANTS_HEADERS, PARTICIPANTS_NUMERIC},
	[LIST_LOTS] = {"Lots importés", "aucun",
		"SELECT * FROM liste_lots($1, $2)", 7, LOTS_HEADERS, LOTS_NUMERIC},
};

/*
 * Personal data is for the owner of the tables and the facilitateurs' roles; a donneur
 * d'ordre's role (or any other reader) is told so in French rather than meeting a bare
 * "permission denied".
 */
static ListStatus
check_participants_reader(Db *db)
{
	char allowed[8] = "f";
	bool owned = false;

	if (!db_table_owned(db, "clause.participant", &owned))
		return LIST_FAILED;
	if (owned)
		return LIST_OK;
	if (!db_query_value(db, "SELECT acces_plie() IS NOT NULL AND acces_donneur() IS NULL", 0, NULL,
						allowed, sizeof(allowed), NULL))
		return LIST_FAILED;
	if (allowed[0] == 't')
		return LIST_OK;
	log_error("les participants ne sont listés que pour le facilitateur d'un PLIE ou le propriétaire "
			  "de la base : ce rôle n'a pas accès aux données personnelles");
	return LIST_REFUSED;
}

ListStatus
list_write(Db *db, ListKind kind, const char *plie, const char *search, bool csv, FILE *out,
		   long long *count)
{
	ReportTable table = {
		.title = LISTS[kind].title, .empty = LISTS[kind].empty, .ncolumns = LISTS[kind].ncolumns,
		.headers = LISTS[kind].headers, .numeric = LISTS[kind].numeric
	};
	const char *params[] = {plie, search};
	ListStatus status = LIST_OK;

	*count = 0;
	if (kind == LIST_PARTICIPANTS && (status = check_participants_reader(db)) != LIST_OK)
		return status;
	if (!db_query(db, LISTS[kind].sql, 2, params, table_add_row, &table, NULL))
	{
		table_free(&table);
		return LIST_FAILED;
	}
	/* the text list shows the start of the checksum, as report batches does */
	for (int r = 0; kind == LIST_LOTS && !csv && r < table.rows; r++)
	{
		char *sha = table.cells[r * table.ncolumns + 6];

		if (strlen(sha) > 16)
			sha[16] = '\0';
	}
	if (csv)
	{
		csv_write_bom(out);
		table_write_csv_rows(&table, out, true);
	}
	else
		table_write_text(&table, out);
	*count = table.rows;
	table_free(&table);
	return ferror(out) ? LIST_FAILED : LIST_OK;
}
