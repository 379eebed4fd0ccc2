/*
 * A stand-in for src/lib/db.c in the fuzz harnesses: no server, but every COPY row is
 * checked the way PostgreSQL would take it (escapes, UTF-8, column count and types).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/decode.h"
#include "common.h"
#include "src/lib/strbuf.h"

#define FAKE_MAX_COLUMNS 64

typedef struct FakeColumn
{
	char name[64];
	char type[64];				/* "integer", "numeric(14, 2)", "char(14)[]"… */
	bool not_null;
	bool primary_key;
} FakeColumn;

typedef struct FakeTable
{
	char name[64];
	int ncolumns;
	FakeColumn columns[FAKE_MAX_COLUMNS];
} FakeTable;

static Db fake;
static FakeTable tables[4];
static int ntables;

static struct
{
	bool active;
	bool kind_rows;				/* rows of the file's kind, for the row hook */
	const FakeTable *table;
	int ncolumns;
	char names[FAKE_MAX_COLUMNS][64];
	const char *name_ptrs[FAKE_MAX_COLUMNS];
	const FakeColumn *columns[FAKE_MAX_COLUMNS];	/* NULL when the table is unknown */
	bool binary;				/* COPY … (FORMAT binary) */
	bool header_seen;			/* of a binary COPY */
	StrBuf pending;				/* bytes of an unfinished row */
	long long *keys;			/* primary key values seen */
	size_t nkeys, capkeys;
	long long rows;
} copy;

static FakeDbRowHook row_hook;

static const char UTF8_INVALID[] = "UTF-8 invalide";

/*
 * Known bugs the run may step over while they are being fixed, so that it goes deeper:
 * CLAUSE_FUZZ_TOLERATE=utf8 accepts invalid UTF-8 in COPYed values.
 */
static bool
fake_tolerates(const char *what)
{
	const char *list = getenv("CLAUSE_FUZZ_TOLERATE");

	return list && strstr(list, what);
}

void
fake_db_set_row_hook(FakeDbRowHook hook)
{
	row_hook = hook;
}

Db *
fake_db(void)
{
	return &fake;
}

static void fake_parse_create(const char *sql);

/*
 * The one table of the schema the importers COPY into (the others are their temporary
 * stages, learnt from their CREATE TEMP TABLE): its columns as sql/schema.sql has them,
 * so that the binary COPY of the lines is read by type.
 */
static const char FAKE_LIGNE_HEURES[] =
	"CREATE TEMP TABLE clause.ligne_heures (lot_id bigint NOT NULL, ligne integer NOT NULL, "
	"participant_id text NOT NULL, employeur_siret char(14) NOT NULL, marche_id text NOT NULL, "
	"mois date NOT NULL, heures numeric(7, 2) NOT NULL, heures_formation numeric(7, 2) NOT NULL, "
	"type_contrat text NOT NULL, modalite text NOT NULL, date_debut date, date_fin date)";

void
fake_db_reset(void)
{
	ntables = 0;
	fake_parse_create(FAKE_LIGNE_HEURES);
	copy.active = false;
	copy.nkeys = 0;
	strbuf_reset(&copy.pending);
}

/* ---- schema of the temporary tables ------------------------------------------ */

static void
copy_word(char *out, size_t size, const char **p)
{
	size_t n = 0;

	while (**p == ' ' || **p == '\n' || **p == '\t')
		(*p)++;
	while (**p && (isalnum((unsigned char) **p) || **p == '_'))
	{
		if (n + 1 < size)
			out[n++] = **p;
		(*p)++;
	}
	out[n] = '\0';
}

/* A table's name, with its schema when given ("clause.ligne_heures"). */
static void
copy_table_name(char *out, size_t size, const char **p)
{
	copy_word(out, size, p);
	while (**p == '.')
	{
		size_t n = strlen(out);

		(*p)++;
		if (n + 1 < size)
			out[n++] = '.';
		copy_word(out + n, size - n, p);
	}
}

/* CREATE TEMP TABLE name (col type ..., ...) */
static void
fake_parse_create(const char *sql)
{
	const char *p = strstr(sql, "CREATE TEMP TABLE ");

	if (p == NULL || ntables == (int) (sizeof(tables) / sizeof(tables[0])))
		return;
	p += strlen("CREATE TEMP TABLE ");

	/* CREATE TEMP TABLE … AS SELECT: filled by the server, never by COPY; nothing to check */
	const char *as = strstr(p, " AS ");
	const char *paren = strchr(p, '(');

	if (as != NULL && (paren == NULL || as < paren))
		return;

	FakeTable *table = &tables[ntables++];

	memset(table, 0, sizeof(*table));
	copy_table_name(table->name, sizeof(table->name), &p);
	p = strchr(p, '(');
	if (p == NULL)
		fuzz_fail("fake_db: CREATE TEMP TABLE sans colonnes : %s", sql);
	p++;
	while (*p && *p != ')' && table->ncolumns < FAKE_MAX_COLUMNS)
	{
		FakeColumn *column = &table->columns[table->ncolumns++];
		const char *start;
		int depth = 0;
		size_t n = 0;

		copy_word(column->name, sizeof(column->name), &p);
		while (*p == ' ')
			p++;
		start = p;
		for (; *p && !(depth == 0 && (*p == ',' || *p == ')')); p++)
			depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;

		/* the type is the text up to the first constraint keyword */
		for (const char *q = start; q < p && n + 1 < sizeof(column->type); q++)
		{
			if (strncmp(q, " NOT NULL", 9) == 0 || strncmp(q, " PRIMARY KEY", 12) == 0 ||
				strncmp(q, " DEFAULT", 8) == 0)
				break;
			column->type[n++] = *q;
		}
		column->type[n] = '\0';
		column->not_null = memmem(start, (size_t) (p - start), "NOT NULL", 8) != NULL;
		column->primary_key = memmem(start, (size_t) (p - start), "PRIMARY KEY", 11) != NULL;
		column->not_null = column->not_null || column->primary_key;
		if (*p == ',')
			p++;
	}
}

/* COPY name (a, b, c) FROM STDIN */
static void
fake_parse_copy(const char *sql)
{
	const char *p = strstr(sql, "COPY ");
	char table_name[64];

	if (p == NULL)
		fuzz_fail("fake_db: COPY attendu : %s", sql);
	p += 5;
	copy_table_name(table_name, sizeof(table_name), &p);
	/* the keys the timesheet loader looks up again are not rows of the kind */
	copy.kind_rows = strcmp(table_name, "heures_candidat") != 0 &&
		strcmp(table_name, "heures_cle_rejetee") != 0;
	copy.table = NULL;
	for (int i = 0; i < ntables; i++)
		if (strcmp(tables[i].name, table_name) == 0)
			copy.table = &tables[i];
	p = strchr(p, '(');
	if (p == NULL)
		fuzz_fail("fake_db: COPY sans liste de colonnes : %s", sql);
	p++;
	copy.ncolumns = 0;
	while (*p && *p != ')' && copy.ncolumns < FAKE_MAX_COLUMNS)
	{
		char *name = copy.names[copy.ncolumns];

		copy_word(name, sizeof(copy.names[0]), &p);
		copy.name_ptrs[copy.ncolumns] = name;
		copy.columns[copy.ncolumns] = NULL;
		for (int i = 0; copy.table && i < copy.table->ncolumns; i++)
			if (strcmp(copy.table->columns[i].name, name) == 0)
				copy.columns[copy.ncolumns] = &copy.table->columns[i];
		if (copy.table && copy.columns[copy.ncolumns] == NULL)
			fuzz_fail("fake_db: colonne « %s » absente de la table %s", name, copy.table->name);
		copy.ncolumns++;
		while (*p == ' ' || *p == ',')
			p++;
	}
}

/* ---- values as PostgreSQL would read them -------------------------------------- */

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char) *s & 0xC0) != 0x80;
	return n;
}

static bool
is_integer(const char *s, long long min, long long max)
{
	char *end;
	long long v;

	if (*s == '\0' || isspace((unsigned char) *s))
		return false;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v >= min && v <= max;
}

static bool
is_iso_date(const char *s)
{
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char) s[i]))
			return false;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;

	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return d <= days[m - 1] + (m == 2 && leap);
}

/* numeric(p, s): at most p - s digits before the point (when p is given). */
static bool
is_numeric(const char *s, int precision, int scale)
{
	const char *p = s;
	int int_digits = 0, frac_digits = 0;
	bool leading = true;

	if (*p == '-')
		p++;
	if (!isdigit((unsigned char) *p))
		return false;
	for (; isdigit((unsigned char) *p); p++)
	{
		if (leading && *p == '0')
			continue;
		leading = false;
		int_digits++;
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char) *p); p++)
			frac_digits++;
	(void) frac_digits;
	return *p == '\0' && (precision == 0 || int_digits <= precision - scale);
}

static bool
is_boolean(const char *s)
{
	static const char *const words[] = {"true", "false", "t", "f", "yes", "no", "on", "off", "1", "0", NULL};

	for (int i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

/* An array literal {a,"b c",NULL}; elements at most max_chars characters (0: no limit). */
static const char *
array_problem(const char *s, size_t max_chars)
{
	static char element[8192];
	const char *p = s;

	if (*p++ != '{')
		return "un tableau commence par {";
	if (*p == '}')
		return p[1] == '\0' ? NULL : "texte après }";
	for (;;)
	{
		size_t n = 0;
		bool quoted = *p == '"';

		if (quoted)
		{
			for (p++; *p && *p != '"'; p++)
			{
				if (*p == '\\' && *++p == '\0')
					return "échappement coupé";
				if (n + 1 < sizeof(element))
					element[n++] = *p;
			}
			if (*p++ != '"')
				return "guillemet non fermé";
		}
		else
		{
			for (; *p && *p != ',' && *p != '}'; p++)
			{
				if (*p == '"' || *p == '{' || *p == '\\')
					return "caractère spécial hors guillemets";
				if (n + 1 < sizeof(element))
					element[n++] = *p;
			}
			if (n == 0)
				return "élément vide sans guillemets";
		}
		element[n] = '\0';
		if (max_chars && !(!quoted && strcasecmp(element, "NULL") == 0) && utf8_chars(element) > max_chars)
			return "élément trop long pour le type";
		if (*p == ',')
		{
			p++;
			continue;
		}
		if (*p == '}')
			return p[1] == '\0' ? NULL : "texte après }";
		return "« , » ou « } » attendu";
	}
}

/* Why PostgreSQL would refuse value in a column of this type; NULL when it would take it. */
static const char *
value_problem(const FakeColumn *column, const char *value)
{
	const char *type = column->type;
	int a = 0, b = 0;

	if (decode_utf8_invalid_offset(value, strlen(value)) != strlen(value))
		return UTF8_INVALID;
	if (strcmp(type, "integer") == 0)
		return is_integer(value, -2147483648LL, 2147483647LL) ? NULL : "entier (integer) invalide";
	if (strcmp(type, "bigint") == 0)
		return is_integer(value, -9223372036854775807LL, 9223372036854775807LL) ? NULL : "bigint invalide";
	if (strcmp(type, "date") == 0)
		return is_iso_date(value) ? NULL : "date invalide (AAAA-MM-JJ attendu)";
	if (strcmp(type, "boolean") == 0)
		return is_boolean(value) ? NULL : "booléen invalide";
	if (strcmp(type, "numeric") == 0)
		return is_numeric(value, 0, 0) ? NULL : "numeric invalide";
	if (sscanf(type, "numeric(%d, %d)", &a, &b) == 2 || sscanf(type, "numeric(%d,%d)", &a, &b) == 2)
		return is_numeric(value, a, b) ? NULL : "numeric invalide ou trop grand pour sa précision";
	if (sscanf(type, "char(%d)[]", &a) == 1 && strstr(type, "[]"))
		return array_problem(value, (size_t) a);
	if (strstr(type, "[]"))
		return array_problem(value, 0);
	if (sscanf(type, "char(%d)", &a) == 1 || sscanf(type, "varchar(%d)", &a) == 1)
		return utf8_chars(value) <= (size_t) a ? NULL : "texte trop long pour le type";
	return NULL;
}

/* ---- COPY rows ---------------------------------------------------------------- */

static void fake_check_values(char **values, int n);

static void
fake_check_row(const char *line, size_t len)
{
	static char *values[FAKE_MAX_COLUMNS];
	static StrBuf decoded[FAKE_MAX_COLUMNS];
	int n = 0;
	size_t start = 0;

	if (len == 2 && memcmp(line, "\\.", 2) == 0)
		fuzz_fail("fake_db: ligne COPY « \\. » : fin de données prématurée");
	if (memchr(line, '\0', len))
		fuzz_fail("fake_db: octet NUL dans une ligne COPY (ligne %lld)", copy.rows + 1);
	if (memchr(line, '\r', len))
		fuzz_fail("fake_db: retour chariot littéral dans une ligne COPY (ligne %lld)", copy.rows + 1);

	for (size_t i = 0; i <= len; i++)
	{
		if (i < len && line[i] != '\t')
			continue;
		if (n == FAKE_MAX_COLUMNS)
			fuzz_fail("fake_db: plus de %d champs dans une ligne COPY", FAKE_MAX_COLUMNS);

		const char *field = line + start;
		size_t flen = i - start;

		start = i + 1;
		if (flen == 2 && memcmp(field, "\\N", 2) == 0)
		{
			values[n++] = NULL;
			continue;
		}
		strbuf_reset(&decoded[n]);
		strbuf_puts(&decoded[n], "");
		for (size_t k = 0; k < flen; k++)
		{
			char c = field[k];

			if (c == '\\')
			{
				if (++k == flen)
					fuzz_fail("fake_db: barre oblique inverse en fin de champ %d", n + 1);
				switch (field[k])
				{
					case '\\':
						c = '\\';
						break;
					case 't':
						c = '\t';
						break;
					case 'n':
						c = '\n';
						break;
					case 'r':
						c = '\r';
						break;
					default:
						fuzz_fail("fake_db: échappement « \\%c » inattendu dans le champ %d",
								  field[k], n + 1);
				}
			}
			strbuf_putc(&decoded[n], c);
		}
		values[n] = decoded[n].data;
		n++;
	}
	if (n != copy.ncolumns)
		fuzz_fail("fake_db: ligne COPY de %d champs au lieu de %d : %.200s", n, copy.ncolumns, line);
	fake_check_values(values, n);
}

/* A row's values (NULL: SQL NULL) against the types and constraints of its columns. */
static void
fake_check_values(char **values, int n)
{
	for (int i = 0; i < n; i++)
	{
		const FakeColumn *column = copy.columns[i];
		const char *why;

		if (values[i] == NULL)
		{
			if (column && column->not_null)
				fuzz_fail("fake_db: NULL dans la colonne NOT NULL « %s »", copy.names[i]);
			continue;
		}
		if (column == NULL)
			why = decode_utf8_invalid_offset(values[i], strlen(values[i])) == strlen(values[i]) ? NULL
				: UTF8_INVALID;
		else
			why = value_problem(column, values[i]);
		if (why && strcmp(why, UTF8_INVALID) == 0 && fake_tolerates("utf8"))
			why = NULL;
		if (why)
			fuzz_fail("fake_db: colonne « %s » : %s : « %.200s »", copy.names[i], why, values[i]);
		if (column && column->primary_key)
		{
			if (copy.nkeys == copy.capkeys)
			{
				copy.capkeys = copy.capkeys ? copy.capkeys * 2 : 256;
				copy.keys = realloc(copy.keys, copy.capkeys * sizeof(long long));
				if (copy.keys == NULL)
					abort();
			}
			copy.keys[copy.nkeys++] = strtoll(values[i], NULL, 10);
		}
	}
	copy.rows++;
	if (row_hook && copy.kind_rows)
		row_hook((const char *const *) copy.name_ptrs, (const char *const *) values, n);
}

/* ---- binary COPY rows ----------------------------------------------------------- */

static uint32_t
fake_uint32(const unsigned char *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint16_t
fake_uint16(const unsigned char *p)
{
	return (uint16_t) (p[0] << 8 | p[1]);
}

/* A day counted from 2000-01-01 as AAAA-MM-JJ (H. Hinnant's civil_from_days). */
static void
fake_date_text(int32_t days, StrBuf *out)
{
	long z = (long) days + 10957 + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long day = doy - (153 * mp + 2) / 5 + 1;
	long month = mp < 10 ? mp + 3 : mp - 9;
	long year = yoe + era * 400 + (month <= 2);

	strbuf_printf(out, "%04ld-%02ld-%02ld", year, month, day);
}

/* A binary numeric as text, to its dscale decimals; NULL when the bytes are not one. */
static const char *
fake_numeric_text(const unsigned char *p, uint32_t len, StrBuf *out)
{
	if (len < 8)
		return "numeric binaire trop court";

	int ndigits = fake_uint16(p);
	int weight = (int16_t) fake_uint16(p + 2);
	int sign = fake_uint16(p + 4);
	int dscale = fake_uint16(p + 6);

	if (len != 8 + 2 * (uint32_t) ndigits || (sign != 0 && sign != 0x4000) || dscale > 1000)
		return "numeric binaire mal formé";
	for (int i = 0; i < ndigits; i++)
		if (fake_uint16(p + 8 + 2 * i) >= 10000)
			return "chiffre de numeric binaire hors de 0..9999";
	if (sign)
		strbuf_putc(out, '-');
	if (weight < 0)
		strbuf_putc(out, '0');
	for (int g = 0; g <= weight; g++)
	{
		int digit = g < ndigits ? fake_uint16(p + 8 + 2 * g) : 0;

		strbuf_printf(out, g == 0 ? "%d" : "%04d", digit);
	}

	StrBuf fraction = {0};

	for (int g = weight + 1; (int) fraction.len < dscale; g++)
	{
		int digit = g >= 0 && g < ndigits ? fake_uint16(p + 8 + 2 * g) : 0;

		strbuf_printf(&fraction, "%04d", digit);
	}
	if (dscale > 0)
	{
		strbuf_putc(out, '.');
		strbuf_append(out, fraction.data, (size_t) dscale);
	}
	strbuf_free(&fraction);
	return NULL;
}

/* One field of a binary row as text, by its column's type; fails on what the server refuses. */
static void
fake_binary_field(int i, const unsigned char *p, uint32_t len, StrBuf *out)
{
	const char *type = copy.columns[i] ? copy.columns[i]->type : "text";
	const char *why = NULL;

	strbuf_reset(out);
	strbuf_puts(out, "");
	if (strcmp(type, "bigint") == 0 && len != 8)
		why = "bigint binaire de taille autre que 8";
	else if (strcmp(type, "bigint") == 0)
		strbuf_printf(out, "%lld", (long long) ((uint64_t) fake_uint32(p) << 32 | fake_uint32(p + 4)));
	else if ((strcmp(type, "integer") == 0 || strcmp(type, "date") == 0) && len != 4)
		why = "entier ou date binaire de taille autre que 4";
	else if (strcmp(type, "integer") == 0)
		strbuf_printf(out, "%d", (int32_t) fake_uint32(p));
	else if (strcmp(type, "date") == 0)
		fake_date_text((int32_t) fake_uint32(p), out);
	else if (strncmp(type, "numeric", 7) == 0)
		why = fake_numeric_text(p, len, out);
	else if (memchr(p, '\0', len))
		why = "octet NUL dans un texte";
	else
		strbuf_append(out, (const char *) p, len);
	if (why)
		fuzz_fail("fake_db: colonne « %s » : %s (ligne %lld)", copy.names[i], why, copy.rows + 1);
}

/* The whole rows of pending (binary COPY), checked; what is left is an unfinished row. */
static void
fake_consume_binary(void)
{
	static const char header[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
	static char *values[FAKE_MAX_COLUMNS];
	static StrBuf decoded[FAKE_MAX_COLUMNS];
	const unsigned char *d = (const unsigned char *) copy.pending.data;
	size_t len = copy.pending.len;
	size_t pos = 0;

	if (!copy.header_seen)
	{
		if (len < sizeof(header) - 1)
			return;
		if (memcmp(d, header, sizeof(header) - 1) != 0)
			fuzz_fail("fake_db: COPY binaire sans son en-tête");
		copy.header_seen = true;
		pos = sizeof(header) - 1;
	}
	for (;;)
	{
		size_t row = pos;
		bool whole = true;

		if (len - pos < 2)
			break;

		int count = (int16_t) fake_uint16(d + pos);

		if (count != copy.ncolumns)
			fuzz_fail("fake_db: ligne COPY binaire de %d champs au lieu de %d", count, copy.ncolumns);
		pos += 2;
		for (int i = 0; whole && i < count; i++)
		{
			if (len - pos < 4)
			{
				whole = false;
				break;
			}

			uint32_t flen = fake_uint32(d + pos);

			pos += 4;
			if (flen == UINT32_MAX)
			{
				values[i] = NULL;
				continue;
			}
			if (flen > (1u << 30))
				fuzz_fail("fake_db: champ COPY binaire de %u octets", flen);
			if (len - pos < flen)
			{
				whole = false;
				break;
			}
			fake_binary_field(i, d + pos, flen, &decoded[i]);
			values[i] = decoded[i].data;
			pos += flen;
		}
		if (!whole)
		{
			pos = row;
			break;
		}
		fake_check_values(values, count);
	}
	memmove(copy.pending.data, copy.pending.data + pos, len - pos);
	copy.pending.len = len - pos;
	copy.pending.data[copy.pending.len] = '\0';
}

static int
compare_keys(const void *a, const void *b)
{
	long long x = *(const long long *) a, y = *(const long long *) b;

	return (x > y) - (x < y);
}

/* ---- db.h --------------------------------------------------------------------- */

bool
db_connect(Db *db, const char *conninfo)
{
	(void) conninfo;
	memset(db, 0, sizeof(*db));
	return true;
}

bool
db_connect_quiet(Db *db, const char *conninfo)
{
	return db_connect(db, conninfo);
}

/* the fuzzers never start a cluster: no server answers */
bool
db_server_answers(const char *conninfo)
{
	(void) conninfo;
	return false;
}

/* clause serve's logins are never fuzzed: nobody logs in to the fake database */
bool
db_connect_as(Db *db, const char *conninfo, const char *user, const char *password)
{
	(void) conninfo;
	(void) user;
	(void) password;
	memset(db, 0, sizeof(*db));
	return false;
}

/* the whole attribution on several connections is never fuzzed: no second connection */
bool
db_connect_sibling(Db *db, const Db *from)
{
	(void) from;
	memset(db, 0, sizeof(*db));
	return false;
}

bool
db_begin_with_snapshot(Db *db, const char *snapshot)
{
	(void) db;
	(void) snapshot;
	return false;
}

bool
db_exec_all(Db *const *dbs, int count, const DbStatement *statements, const char *label)
{
	(void) dbs;
	(void) count;
	(void) statements;
	(void) label;
	return false;
}

void
db_close(Db *db)
{
	(void) db;
}

bool
db_exec(Db *db, const char *sql)
{
	(void) db;
	if (copy.active)
		fuzz_fail("fake_db: requête pendant un COPY : %.100s", sql);
	fake_parse_create(sql);
	return true;
}

bool
db_exec_watched(Db *db, const char *sql, const char *label)
{
	(void) label;
	return db_exec(db, sql);
}

bool
db_exec_value(Db *db, const char *sql, char *out, size_t outsize)
{
	(void) db;
	if (copy.active)
		fuzz_fail("fake_db: requête pendant un COPY : %.100s", sql);
	snprintf(out, outsize, "0");
	return true;
}

/* Participants known to the fake database: one findable, two namesakes (ambiguous). */
static const char *const PARTICIPANTS[][4] = {
	{"P1", "DUPONT", "Jean", "1980-01-01"},
	{"P2", "Martin", "Léa", "1990-05-17"},
	{"P3", "MARTIN", "Lea", "1990-05-17"},
};

/*
 * The referential the timesheet loader reads first (importers/heures_load.c): the ids the
 * test files and the seeds use, so that a fuzzed line can pass its references and reach
 * the COPY of ligne_heures, checked by type (column 2 of a marché: an opération follows it).
 */
static const char *const REFERENTIAL_PARTICIPANTS[][4] = {
	{"P1"}, {"P2"}, {"P3"}, {"P4"}, {"Q1"}, {"Q2"}, {"Q3"}, {"Q4"}, {"Q5"}, {"Q6"},
};
static const char *const REFERENTIAL_EMPLOYERS[][4] = {
	{"33100001000016"}, {"33100002000015"}, {"33100003000014"}, {"33100004000013"},
};
static const char *const REFERENTIAL_MARCHES[][4] = {
	{"M1", "t"}, {"M2", "t"}, {"M3", "t"}, {"M4", "t"}, {"MA1", "t"}, {"MA2", "t"}, {"MB1", "t"},
};

/* Sends rows (count of them, nfields columns each) to on_row. */
static void
fake_send_rows(const char *const (*rows)[4], int count, int nfields, DbRowCallback on_row,
			   void *context)
{
	for (int r = 0; r < count; r++)
	{
		DbRow row = {.result = rows, .row = r, .nfields = nfields, .nrows = count};

		if (!on_row(context, &row))
			break;
	}
}

#define FAKE_SEND(rows, nfields, on_row, context) \
	fake_send_rows(rows, (int) (sizeof(rows) / sizeof((rows)[0])), nfields, on_row, context)

bool
db_query(Db *db, const char *sql, int nparams, const char *const *params,
		 DbRowCallback on_row, void *context, long *affected)
{
	(void) db;
	if (copy.active)
		fuzz_fail("fake_db: requête pendant un COPY : %.100s", sql);
	for (int i = 0; i < nparams; i++)
		if (params[i] && decode_utf8_invalid_offset(params[i], strlen(params[i])) != strlen(params[i]) &&
			!fake_tolerates("utf8"))
			fuzz_fail("fake_db: paramètre $%d en UTF-8 invalide", i + 1);
	if (affected)
		*affected = 0;
	if (on_row == NULL)
		return true;
	if (strstr(sql, "FROM participant") && strstr(sql, "nom"))
		FAKE_SEND(PARTICIPANTS, 4, on_row, context);
	else if (strcmp(sql, "SELECT id FROM clause.participant") == 0)
		FAKE_SEND(REFERENTIAL_PARTICIPANTS, 1, on_row, context);
	else if (strcmp(sql, "SELECT siret FROM clause.entreprise") == 0)
		FAKE_SEND(REFERENTIAL_EMPLOYERS, 1, on_row, context);
	else if (strcmp(sql, "SELECT id, operation_id IS NOT NULL FROM clause.marche") == 0)
		FAKE_SEND(REFERENTIAL_MARCHES, 2, on_row, context);
	return true;
}

bool
db_query_value(Db *db, const char *sql, int nparams, const char *const *params,
			   char *out, size_t outsize, bool *isnull)
{
	if (!db_query(db, sql, nparams, params, NULL, NULL, NULL))
		return false;
	snprintf(out, outsize, "1");
	if (isnull)
		*isnull = false;
	return true;
}

/* The fuzzed imports run as a user that owns no table: no bulk path, no trigger switched off. */
bool
db_table_owned(Db *db, const char *regclass, bool *owned)
{
	(void) db;
	(void) regclass;
	*owned = false;
	return true;
}

const char *
db_row_value(const DbRow *row, int column)
{
	const char *const (*rows)[4] = row->result;

	if (rows == NULL || column < 0 || column >= row->nfields)
		fuzz_fail("fake_db: colonne %d hors du résultat", column);
	return rows[row->row][column];
}

int
db_row_count(const DbRow *row)
{
	return row->nrows;
}

bool
db_row_isnull(const DbRow *row, int column)
{
	(void) row;
	(void) column;
	return false;
}

const char *
db_row_name(const DbRow *row, int column)
{
	(void) row;
	(void) column;
	return "?";
}

bool
db_begin(Db *db)
{
	(void) db;
	fake_db_reset();
	return true;
}

bool
db_commit(Db *db)
{
	(void) db;
	if (copy.active)
		fuzz_fail("fake_db: COMMIT pendant un COPY");
	return true;
}

void
db_rollback(Db *db)
{
	(void) db;
	copy.active = false;
}

bool
db_copy_begin(Db *db, const char *copy_sql)
{
	(void) db;
	if (copy.active)
		fuzz_fail("fake_db: COPY déjà en cours");
	fake_parse_copy(copy_sql);
	copy.binary = strstr(copy_sql, "(FORMAT binary)") != NULL;
	copy.header_seen = false;
	copy.active = true;
	copy.rows = 0;
	copy.nkeys = 0;
	strbuf_reset(&copy.pending);
	return true;
}

bool
db_copy_put(Db *db, const char *data, size_t len)
{
	(void) db;
	if (!copy.active)
		fuzz_fail("fake_db: données COPY hors d'un COPY");
	if (!strbuf_append(&copy.pending, data, len))
		abort();
	if (copy.binary)
	{
		fake_consume_binary();
		return true;
	}

	size_t start = 0;

	for (size_t i = 0; i < copy.pending.len; i++)
		if (copy.pending.data[i] == '\n')
		{
			fake_check_row(copy.pending.data + start, i - start);
			start = i + 1;
		}
	memmove(copy.pending.data, copy.pending.data + start, copy.pending.len - start);
	copy.pending.len -= start;
	copy.pending.data[copy.pending.len] = '\0';
	return true;
}

bool
db_copy_end(Db *db)
{
	(void) db;
	if (!copy.active)
		fuzz_fail("fake_db: fin de COPY sans COPY");
	if (copy.pending.len > 0)
		fuzz_fail(copy.binary ? "fake_db: dernière ligne COPY binaire incomplète"
				  : "fake_db: dernière ligne COPY sans fin de ligne");
	if (copy.binary && !copy.header_seen)
		fuzz_fail("fake_db: COPY binaire sans son en-tête");
	if (copy.nkeys > 1)
		qsort(copy.keys, copy.nkeys, sizeof(long long), compare_keys);
	for (size_t i = 1; i < copy.nkeys; i++)
		if (copy.keys[i] == copy.keys[i - 1])
			fuzz_fail("fake_db: clé primaire %lld en double dans le COPY", copy.keys[i]);
	copy.active = false;
	return true;
}

void
db_copy_abort(Db *db, const char *why)
{
	(void) db;
	(void) why;
	copy.active = false;
	strbuf_reset(&copy.pending);
}

char *
db_quote_identifier(Db *db, const char *identifier)
{
	(void) db;
	return strdup(identifier);
}

void
db_free(void *ptr)
{
	free(ptr);
}

bool
db_connection_lost(const Db *db)
{
	(void) db;
	return false;
}
