/*
 * Unit tests for importers/csv_reader.c: each case writes a temporary file,
 * reads it whole and compares every record (line, error, fields) with a table.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "importers/csv_reader.h"
#include "src/lib/strbuf.h"

#define NCASES(array) ((int) (sizeof(array) / sizeof((array)[0])))

/* A byte string literal and its length, NUL bytes included. */
#define BYTES(literal) literal, sizeof(literal) - 1

/* Records handed to the callback, copied since they live only during the call. */
typedef struct GotRecord
{
	int line;
	char *error;
	int nfields;
	char **fields;
	size_t *lengths;
} GotRecord;

typedef struct Collected
{
	GotRecord *records;
	int n;
	int cap;
	int stop_after;				/* > 0: the callback refuses the n-th record */
} Collected;

static char *
copy_bytes(const char *data, size_t len)
{
	char *copy = malloc(len + 1);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, data, len);
	copy[len] = '\0';
	return copy;
}

static bool
collect_record(void *context, const CsvRecord *record)
{
	Collected *collected = context;

	if (collected->n == collected->cap)
	{
		collected->cap = collected->cap ? collected->cap * 2 : 16;
		collected->records = realloc(collected->records,
									 sizeof(GotRecord) * (size_t) collected->cap);
		ck_assert_ptr_nonnull(collected->records);
	}

	GotRecord *got = &collected->records[collected->n++];

	got->line = record->line;
	got->error = record->error ? copy_bytes(record->error, strlen(record->error)) : NULL;
	got->nfields = record->nfields;
	got->fields = calloc((size_t) record->nfields + 1, sizeof(char *));
	got->lengths = calloc((size_t) record->nfields + 1, sizeof(size_t));
	ck_assert_ptr_nonnull(got->fields);
	ck_assert_ptr_nonnull(got->lengths);
	for (int i = 0; i < record->nfields; i++)
	{
		ck_assert_int_eq(record->fields[i][record->lengths[i]], '\0');
		got->fields[i] = copy_bytes(record->fields[i], record->lengths[i]);
		got->lengths[i] = record->lengths[i];
	}
	return collected->stop_after == 0 || collected->n < collected->stop_after;
}

static void
collected_free(Collected *collected)
{
	for (int r = 0; r < collected->n; r++)
	{
		GotRecord *got = &collected->records[r];

		for (int i = 0; i < got->nfields; i++)
			free(got->fields[i]);
		free(got->fields);
		free(got->lengths);
		free(got->error);
	}
	free(collected->records);
	memset(collected, 0, sizeof(*collected));
}

/* Writes bytes to a new file under /tmp; path receives its name. */
static void
write_temp_file(const char *bytes, size_t len, char *path, size_t pathsize)
{
	snprintf(path, pathsize, "/tmp/check_csv_reader_XXXXXX");

	int fd = mkstemp(path);

	ck_assert_msg(fd >= 0, "mkstemp failed");

	FILE *file = fdopen(fd, "wb");

	ck_assert_ptr_nonnull(file);
	ck_assert_int_eq(fwrite(bytes, 1, len, file), len);
	ck_assert_int_eq(fclose(file), 0);
}

/* Reads a whole file into collected; returns csv_reader_run's answer. */
static bool
read_bytes(const char *bytes, size_t len, char delimiter, const Encoding *encoding,
		   Collected *collected, char *detected_delimiter, Encoding *detected_encoding)
{
	char path[64];
	CsvReader reader = {0};

	write_temp_file(bytes, len, path, sizeof(path));
	ck_assert_msg(csv_reader_open(&reader, path, delimiter, encoding),
				  "csv_reader_open(%s) failed", path);

	bool ok = csv_reader_run(&reader, collect_record, collected);

	*detected_delimiter = reader.delimiter;
	*detected_encoding = reader.encoding;
	csv_reader_close(&reader);
	unlink(path);
	return ok;
}

typedef struct ExpectedRecord
{
	int line;
	const char *error;			/* NULL: a clean record; else a substring of its error */
	int nfields;
	const char *fields[4];		/* NULL: field not checked */
} ExpectedRecord;

typedef struct ReaderCase
{
	const char *name;
	const char *bytes;
	size_t len;
	char force_delimiter;		/* 0: detected */
	bool force_utf8;			/* else detected */
	char delimiter;
	Encoding encoding;
	int nrecords;
	ExpectedRecord records[5];
} ReaderCase;

static const ReaderCase reader_cases[] = {
	{"semicolon", BYTES("nom;heures;date\nDupont;12,5;01/02/2021\n"), 0, false,
		';', ENCODING_UTF8, 2, {
			{1, NULL, 3, {"nom", "heures", "date"}},
			{2, NULL, 3, {"Dupont", "12,5", "01/02/2021"}},
		}
	},
	{"comma", BYTES("nom,heures\nDupont,\"12,5\"\n"), 0, false,
		',', ENCODING_UTF8, 2, {
			{1, NULL, 2, {"nom", "heures"}},
			{2, NULL, 2, {"Dupont", "12,5"}},
		}
	},
	{"tab", BYTES("nom\theures\nDupont\t12,5\n"), 0, false,
		'\t', ENCODING_UTF8, 2, {
			{1, NULL, 2, {"nom", "heures"}},
			{2, NULL, 2, {"Dupont", "12,5"}},
		}
	},
	{"quoted delimiters ignored", BYTES("\"x;y;z\",\"u;v\",w\n1,2,3\n"), 0, false,
		',', ENCODING_UTF8, 2, {
			{1, NULL, 3, {"x;y;z", "u;v", "w"}},
			{2, NULL, 3, {"1", "2", "3"}},
		}
	},
	{"forced delimiter", BYTES("a,b;c\n1,2;3\n"), ';', false,
		';', ENCODING_UTF8, 2, {
			{1, NULL, 2, {"a,b", "c"}},
			{2, NULL, 2, {"1,2", "3"}},
		}
	},
	{"quoted newline in a later field", BYTES("id;commentaire\n1;\"deux\nlignes\"\n2;fin\n"),
		0, false, ';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"id", "commentaire"}},
			{2, NULL, 2, {"1", "deux\nlignes"}},
			{4, NULL, 2, {"2", "fin"}},
		}
	},
	{"quoted newline in the first field", BYTES("commentaire;id\n\"deux\nlignes\";1\nfin;2\n"),
		0, false, ';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"commentaire", "id"}},
			{2, NULL, 2, {"deux\nlignes", "1"}},
			{4, NULL, 2, {"fin", "2"}},
		}
	},
	{"doubled quotes", BYTES("a;b\n\"il a dit \"\"oui\"\"\";2\n"), 0, false,
		';', ENCODING_UTF8, 2, {
			{1, NULL, 2, {"a", "b"}},
			{2, NULL, 2, {"il a dit \"oui\"", "2"}},
		}
	},
	{"CRLF", BYTES("nom;heures\r\nDupont;12,5\r\n\r\nMartin;3\r\n"), 0, false,
		';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"nom", "heures"}},
			{2, NULL, 2, {"Dupont", "12,5"}},
			{4, NULL, 2, {"Martin", "3"}},
		}
	},
	{"CRLF and a quoted newline", BYTES("a;b\r\n1;\"x\r\ny\"\r\n2;z\r\n"), 0, false,
		';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"a", "b"}},
			{2, NULL, 2, {"1", "x\r\ny"}},
			{4, NULL, 2, {"2", "z"}},
		}
	},
	{"BOM stripped", BYTES("\xEF\xBB\xBFnom;heures\nDupont;1\n"), 0, false,
		';', ENCODING_UTF8, 2, {
			{1, NULL, 2, {"nom", "heures"}},
			{2, NULL, 2, {"Dupont", "1"}},
		}
	},
	{"BOM before a quoted field", BYTES("\xEF\xBB\xBF\"nom\",heures\nDupont,1\n"), 0, false,
		',', ENCODING_UTF8, 2, {
			{1, NULL, 2, {"nom", "heures"}},
			{2, NULL, 2, {"Dupont", "1"}},
		}
	},
	{"Windows-1252",
		BYTES("nom;ville;montant\nb\xE9" "b\xE9;Orl\xE9" "ans;12 \x80\nC\x9C" "ur;L\x92\xEE" "le;0\n"),
		0, false, ';', ENCODING_CP1252, 3, {
			{1, NULL, 3, {"nom", "ville", "montant"}},
			{2, NULL, 3, {"b\xC3\xA9" "b\xC3\xA9", "Orl\xC3\xA9" "ans", "12 \xE2\x82\xAC"}},
			{3, NULL, 3, {"C\xC5\x93" "ur", "L\xE2\x80\x99\xC3\xAE" "le", "0"}},
		}
	},
	{"Windows-1252 ending with é, no final newline", BYTES("nom\ncaf\xE9"), 0, false,
		';', ENCODING_CP1252, 2, {
			{1, NULL, 1, {"nom"}},
			{2, NULL, 1, {"caf\xC3\xA9"}},
		}
	},
	{"Windows-1252 undefined byte", BYTES("nom;ville\nb\xE9" "b\xE9;x\n\x81" "a;y\nok;z\n"),
		0, false, ';', ENCODING_CP1252, 4, {
			{1, NULL, 2, {"nom", "ville"}},
			{2, NULL, 2, {"b\xC3\xA9" "b\xC3\xA9", "x"}},
			{3, "0x81", 2, {"a", "y"}},
			{4, NULL, 2, {"ok", "z"}},
		}
	},
	{"invalid UTF-8 line", BYTES("nom;ville\nb\xC3\xA9" "b\xC3\xA9;x\nbad;\xE9t\xE9\nok;z\n"),
		0, true, ';', ENCODING_UTF8, 4, {
			{1, NULL, 2, {"nom", "ville"}},
			{2, NULL, 2, {"b\xC3\xA9" "b\xC3\xA9", "x"}},
			{3, "UTF-8", 2, {"bad", "?t?"}},
			{4, NULL, 2, {"ok", "z"}},
		}
	},
	{"NUL byte", BYTES("a;b\nx\0y;z\nc;d\n"), 0, false,
		';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"a", "b"}},
			{2, "NUL", 2, {NULL, "z"}},
			{3, NULL, 2, {"c", "d"}},
		}
	},
	{"unterminated quote in a later field", BYTES("a;b\n1;2\n3;\"ouvert\n4;5\n"), 0, false,
		';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"a", "b"}},
			{2, NULL, 2, {"1", "2"}},
			{3, "guillemet ouvert ligne 3 jamais fermé", -1, {NULL}},
		}
	},
	{"unterminated quote in the first field", BYTES("a;b\n1;2\n\"ouvert;3\n4;5\n"), 0, false,
		';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"a", "b"}},
			{2, NULL, 2, {"1", "2"}},
			{3, "guillemet ouvert ligne 3 jamais fermé", -1, {NULL}},
		}
	},
	{"stray quote in a field", BYTES("a;b\n1;x\"y\n2;3\n4;5\n"), 0, false,
		';', ENCODING_UTF8, 4, {
			{1, NULL, 2, {"a", "b"}},
			{2, "guillemet", -1, {NULL}},
			{3, NULL, 2, {"2", "3"}},
			{4, NULL, 2, {"4", "5"}},
		}
	},
	{"text after a closing quote", BYTES("a;b\n\"x\"y;1\n2;3\n"), 0, false,
		';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"a", "b"}},
			{2, "guillemet", -1, {NULL}},
			{3, NULL, 2, {"2", "3"}},
		}
	},
	{"empty lines skipped", BYTES("a;b\n\n\n1;2\n\r\n3;4\n\n"), 0, false,
		';', ENCODING_UTF8, 3, {
			{1, NULL, 2, {"a", "b"}},
			{4, NULL, 2, {"1", "2"}},
			{6, NULL, 2, {"3", "4"}},
		}
	},
	{"leading empty line", BYTES("\nnom,heures\nDupont,3\n"), 0, false,
		',', ENCODING_UTF8, 2, {
			{2, NULL, 2, {"nom", "heures"}},
			{3, NULL, 2, {"Dupont", "3"}},
		}
	},
	{"no final newline", BYTES("a;b\n1;2"), 0, false,
		';', ENCODING_UTF8, 2, {
			{1, NULL, 2, {"a", "b"}},
			{2, NULL, 2, {"1", "2"}},
		}
	},
	{"empty fields", BYTES("a;b;c\n;;\n"), 0, false,
		';', ENCODING_UTF8, 2, {
			{1, NULL, 3, {"a", "b", "c"}},
			{2, NULL, 3, {"", "", ""}},
		}
	},
	{"empty file", BYTES(""), 0, false, ';', ENCODING_UTF8, 0, {{0}}},
};

START_TEST(test_reader)
{
	const ReaderCase *c = &reader_cases[_i];
	Collected collected = {0};
	char delimiter = 0;
	Encoding encoding = ENCODING_CP1252;
	Encoding utf8 = ENCODING_UTF8;
	bool ok = read_bytes(c->bytes, c->len, c->force_delimiter, c->force_utf8 ? &utf8 : NULL,
						 &collected, &delimiter, &encoding);

	ck_assert_msg(ok, "[%s] csv_reader_run failed", c->name);
	ck_assert_msg(delimiter == c->delimiter, "[%s] delimiter '%c', expected '%c'",
				  c->name, delimiter, c->delimiter);
	ck_assert_msg(encoding == c->encoding, "[%s] encoding %s, expected %s", c->name,
				  decode_encoding_name(encoding), decode_encoding_name(c->encoding));
	ck_assert_msg(collected.n == c->nrecords, "[%s] %d records, expected %d",
				  c->name, collected.n, c->nrecords);

	for (int r = 0; r < c->nrecords; r++)
	{
		const ExpectedRecord *want = &c->records[r];
		const GotRecord *got = &collected.records[r];

		ck_assert_msg(got->line == want->line, "[%s] record %d on line %d, expected %d",
					  c->name, r + 1, got->line, want->line);
		if (want->error == NULL)
			ck_assert_msg(got->error == NULL, "[%s] record %d: unexpected error \"%s\"",
						  c->name, r + 1, got->error);
		else
		{
			ck_assert_msg(got->error != NULL, "[%s] record %d: no error, expected \"%s\"",
						  c->name, r + 1, want->error);
			ck_assert_msg(strstr(got->error, want->error) != NULL,
						  "[%s] record %d: error \"%s\" does not mention \"%s\"",
						  c->name, r + 1, got->error, want->error);
		}
		if (want->nfields < 0)
			continue;
		ck_assert_msg(got->nfields == want->nfields, "[%s] record %d: %d fields, expected %d",
					  c->name, r + 1, got->nfields, want->nfields);
		for (int f = 0; f < want->nfields && f < 4; f++)
		{
			if (want->fields[f] == NULL)
				continue;
			ck_assert_msg(got->lengths[f] == strlen(want->fields[f]) &&
						  strcmp(got->fields[f], want->fields[f]) == 0,
						  "[%s] record %d field %d: \"%s\", expected \"%s\"",
						  c->name, r + 1, f + 1, got->fields[f], want->fields[f]);
		}
	}
	collected_free(&collected);
}
END_TEST

/* An invalid line past the detection sample: the file stays UTF-8, one record is flagged. */
START_TEST(test_invalid_utf8_after_sample)
{
	StrBuf content = {0};
	int lines = 0;

	while (content.len < 100 * 1024)
	{
		ck_assert(strbuf_printf(&content, "ligne %d;caf\xC3\xA9\n", ++lines));
	}
	ck_assert(strbuf_puts(&content, "mauvaise;\xE9t\xE9\n"));
	ck_assert(strbuf_puts(&content, "bonne;\xC3\xA9t\xC3\xA9\n"));

	Collected collected = {0};
	char delimiter;
	Encoding encoding;

	ck_assert(read_bytes(content.data, content.len, 0, NULL, &collected, &delimiter, &encoding));
	ck_assert_int_eq(delimiter, ';');
	ck_assert_int_eq(encoding, ENCODING_UTF8);
	ck_assert_int_eq(collected.n, lines + 2);
	for (int r = 0; r < lines; r++)
	{
		ck_assert_msg(collected.records[r].error == NULL, "line %d: %s", r + 1,
					  collected.records[r].error);
		ck_assert_int_eq(collected.records[r].line, r + 1);
		ck_assert_str_eq(collected.records[r].fields[1], "caf\xC3\xA9");
	}

	GotRecord *bad = &collected.records[lines];
	GotRecord *good = &collected.records[lines + 1];

	ck_assert_int_eq(bad->line, lines + 1);
	ck_assert_ptr_nonnull(bad->error);
	ck_assert_ptr_nonnull(strstr(bad->error, "UTF-8"));
	ck_assert_str_eq(bad->fields[0], "mauvaise");
	ck_assert_int_eq(good->line, lines + 2);
	ck_assert_ptr_null(good->error);
	ck_assert_str_eq(good->fields[1], "\xC3\xA9t\xC3\xA9");
	collected_free(&collected);
	strbuf_free(&content);
}
END_TEST

#define BIG_FIELD (1024 * 1024)

START_TEST(test_big_field)
{
	StrBuf content = {0};

	ck_assert(strbuf_puts(&content, "id;texte\n1;"));
	ck_assert(strbuf_reserve(&content, BIG_FIELD));
	memset(content.data + content.len, 'x', BIG_FIELD);
	content.len += BIG_FIELD;
	content.data[content.len] = '\0';
	ck_assert(strbuf_puts(&content, "\n2;\""));
	for (int i = 0; i < BIG_FIELD / 4; i++)
		ck_assert(strbuf_append(&content, "a;b,", 4));
	ck_assert(strbuf_puts(&content, "\"\n3;fin\n"));

	Collected collected = {0};
	char delimiter;
	Encoding encoding;

	ck_assert(read_bytes(content.data, content.len, 0, NULL, &collected, &delimiter, &encoding));
	ck_assert_int_eq(delimiter, ';');
	ck_assert_int_eq(collected.n, 4);

	GotRecord *plain = &collected.records[1];
	GotRecord *quoted = &collected.records[2];

	ck_assert_ptr_null(plain->error);
	ck_assert_int_eq(plain->nfields, 2);
	ck_assert_int_eq(plain->lengths[1], BIG_FIELD);
	ck_assert_int_eq(strspn(plain->fields[1], "x"), BIG_FIELD);
	ck_assert_ptr_null(quoted->error);
	ck_assert_int_eq(quoted->line, 3);
	ck_assert_int_eq(quoted->nfields, 2);
	ck_assert_int_eq(quoted->lengths[1], BIG_FIELD);
	ck_assert_mem_eq(quoted->fields[1] + BIG_FIELD - 8, "a;b,a;b,", 8);
	ck_assert_int_eq(collected.records[3].line, 4);
	ck_assert_str_eq(collected.records[3].fields[1], "fin");
	collected_free(&collected);
	strbuf_free(&content);
}
END_TEST

#define MANY_COLUMNS 100000

START_TEST(test_many_columns)
{
	StrBuf content = {0};

	for (int i = 0; i < MANY_COLUMNS; i++)
		ck_assert(strbuf_printf(&content, "%sc%d", i ? ";" : "", i));
	ck_assert(strbuf_puts(&content, "\nsuite;1\n"));

	Collected collected = {0};
	char delimiter;
	Encoding encoding;

	ck_assert(read_bytes(content.data, content.len, 0, NULL, &collected, &delimiter, &encoding));
	ck_assert_int_eq(delimiter, ';');
	ck_assert_int_eq(collected.n, 2);
	ck_assert_int_eq(collected.records[0].nfields, MANY_COLUMNS);
	ck_assert_str_eq(collected.records[0].fields[0], "c0");
	ck_assert_str_eq(collected.records[0].fields[54321], "c54321");
	ck_assert_str_eq(collected.records[0].fields[MANY_COLUMNS - 1], "c99999");
	ck_assert_int_eq(collected.records[1].line, 2);
	ck_assert_int_eq(collected.records[1].nfields, 2);
	ck_assert_str_eq(collected.records[1].fields[0], "suite");
	collected_free(&collected);
	strbuf_free(&content);
}
END_TEST

/* A callback that refuses a record stops the reading, and run reports it. */
START_TEST(test_callback_stops)
{
	static const char content[] = "a;b\n1;2\n3;4\n5;6\n";
	Collected collected = {.stop_after = 2};
	char delimiter;
	Encoding encoding;

	ck_assert(!read_bytes(content, sizeof(content) - 1, 0, NULL, &collected, &delimiter,
						  &encoding));
	ck_assert_int_eq(collected.n, 2);
	ck_assert_str_eq(collected.records[1].fields[0], "1");
	collected_free(&collected);
}
END_TEST

START_TEST(test_open_missing_file)
{
	CsvReader reader = {0};

	ck_assert(!csv_reader_open(&reader, "/tmp/check_csv_reader_missing/none.csv", 0, NULL));
	csv_reader_close(&reader);
}
END_TEST

/* csv_detect_delimiter */

static const struct
{
	const char *line;
	char expected;
}			delimiter_cases[] = {
	{"a;b;c", ';'},
	{"a,b,c", ','},
	{"a\tb\tc", '\t'},
	{"nom;heures\n1,5,6,7,8", ';'},
	{"\"x;y;z\",\"u;v\",w", ','},
	{"\"a,b,c\";d;e", ';'},
	{"\"a;b\"\t\"c;d\"", '\t'},
	{"a,b;c", ';'},
	{"a,b,c;d", ','},
	{"a", ';'},
	{"", ';'},
};

START_TEST(test_detect_delimiter)
{
	const char *line = delimiter_cases[_i].line;
	char got = csv_detect_delimiter(line, strlen(line));

	ck_assert_msg(got == delimiter_cases[_i].expected,
				  "csv_detect_delimiter(\"%s\") gave '%c', expected '%c'",
				  line, got, delimiter_cases[_i].expected);
}
END_TEST

/* Only len bytes are looked at. */
START_TEST(test_detect_delimiter_length)
{
	ck_assert_int_eq(csv_detect_delimiter("a;b,c,d", 3), ';');
	ck_assert_int_eq(csv_detect_delimiter("a,b;c;d", 3), ',');
}
END_TEST

static Suite *
csv_reader_suite(void)
{
	Suite *s = suite_create("csv_reader");
	TCase *tc = tcase_create("csv_reader");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_reader, 0, NCASES(reader_cases));
	tcase_add_test(tc, test_invalid_utf8_after_sample);
	tcase_add_test(tc, test_big_field);
	tcase_add_test(tc, test_many_columns);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_open_missing_file);
	tcase_add_loop_test(tc, test_detect_delimiter, 0, NCASES(delimiter_cases));
	tcase_add_test(tc, test_detect_delimiter_length);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(csv_reader_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
