/*
 * Unit tests for importers/row_digest.c: what changes a row's digest (every value, NULL
 * against empty, where one value ends, the columns the file has, the merge script), its
 * bytes against a SHA-256 computed here over the documented layout, and the stored
 * digests read back from hex.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "importers/kinds.h"
#include "importers/row_digest.h"

#define MERGE "-- the merge script"

static const KindSpec *
participants(void)
{
	const KindSpec *kind = kind_find("participants");

	ck_assert_ptr_nonnull(kind);
	return kind;
}

/* The digest of values (the kind's 9 columns) under present and merge_text. */
static void
digest_of(const char *merge_text, const bool *present, char *const *values,
		  unsigned char out[ROW_DIGEST_SIZE])
{
	RowDigester digester;

	ck_assert(row_digester_init(&digester, participants(), merge_text, present));
	ck_assert(row_digest(&digester, values, out));
	row_digester_free(&digester);
}

static const bool ALL[9] = {true, true, true, true, true, true, true, true, true};

#define ROW(...) ((char *const[9]) {__VA_ARGS__})
#define P1 "P1", "Martin", "Léa", "1990-05-01", "F", "33063", "true", "{rsa,qpv}", "2021-01-10"

START_TEST(test_same_row_same_digest)
{
	unsigned char a[ROW_DIGEST_SIZE], b[ROW_DIGEST_SIZE];

	digest_of(MERGE, ALL, ROW(P1), a);
	digest_of(MERGE, ALL, ROW(P1), b);
	ck_assert_mem_eq(a, b, ROW_DIGEST_SIZE);
}
END_TEST

typedef struct ChangeCase
{
	const char *what;
	const char *merge_text;
	bool present[9];
	char *values[9];
} ChangeCase;

/* Each differs from P1 under every column and MERGE by one thing. */
static const ChangeCase change_cases[] = {
	{"a value", MERGE, {true, true, true, true, true, true, true, true, true},
	 {"P1", "Martin", "Léa", "1990-05-01", "F", "33063", "false", "{rsa,qpv}", "2021-01-10"}},
	{"NULL for a value", MERGE, {true, true, true, true, true, true, true, true, true},
	 {"P1", "Martin", "Léa", "1990-05-01", "F", NULL, "true", "{rsa,qpv}", "2021-01-10"}},
	{"where a value ends", MERGE, {true, true, true, true, true, true, true, true, true},
	 {"P1", "MartinL", "éa", "1990-05-01", "F", "33063", "true", "{rsa,qpv}", "2021-01-10"}},
	{"a column the file lacks (rule 10)", MERGE, {true, true, true, true, true, true, true, false, true},
	 {P1}},
	{"another merge script", MERGE " v2", {true, true, true, true, true, true, true, true, true},
	 {P1}},
};

START_TEST(test_each_change_changes_the_digest)
{
	const ChangeCase *c = &change_cases[_i];
	unsigned char base[ROW_DIGEST_SIZE], changed[ROW_DIGEST_SIZE];

	digest_of(MERGE, ALL, ROW(P1), base);
	digest_of(c->merge_text, c->present, c->values, changed);
	ck_assert_msg(memcmp(base, changed, ROW_DIGEST_SIZE) != 0, "%s: same digest", c->what);
}
END_TEST

START_TEST(test_null_is_not_empty)
{
	unsigned char with_null[ROW_DIGEST_SIZE], with_empty[ROW_DIGEST_SIZE];

	digest_of(MERGE, ALL, ROW("P1", "Martin", "Léa", "1990-05-01", "F", NULL, "true", "{}", NULL), with_null);
	digest_of(MERGE, ALL, ROW("P1", "Martin", "Léa", "1990-05-01", "F", "", "true", "{}", NULL), with_empty);
	ck_assert(memcmp(with_null, with_empty, ROW_DIGEST_SIZE) != 0);
}
END_TEST

/* The layout of row_digest.c, spelt out: a tag byte, a 4-byte big-endian length, the bytes. */
static void
feed_text(EVP_MD_CTX *ctx, const char *text)
{
	size_t len = strlen(text);
	unsigned char head[5] = {1, 0, 0, (unsigned char) (len >> 8), (unsigned char) len};

	ck_assert(EVP_DigestUpdate(ctx, head, 5) == 1 && EVP_DigestUpdate(ctx, text, len) == 1);
}

static void
feed_null(EVP_MD_CTX *ctx)
{
	unsigned char tag = 0;

	ck_assert(EVP_DigestUpdate(ctx, &tag, 1) == 1);
}

START_TEST(test_bytes_follow_the_layout)
{
	const KindSpec *kind = participants();
	bool present[9] = {true, true, true, true, true, true, false, false, false};
	char *const *values = ROW("P1", "Martin", "Léa", "1990-05-01", "F", NULL, "false", "{}", NULL);
	unsigned char got[ROW_DIGEST_SIZE], expected[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	ck_assert(ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1);
	feed_text(ctx, "clause row digest 1");
	feed_text(ctx, MERGE);
	for (int i = 0; i < kind->ncolumns; i++)
	{
		feed_text(ctx, kind->columns[i].name);
		if (present[i])
			feed_text(ctx, "present");
		else
			feed_null(ctx);
	}
	for (int i = 0; i < kind->ncolumns; i++)
		if (values[i])
			feed_text(ctx, values[i]);
		else
			feed_null(ctx);
	ck_assert(EVP_DigestFinal_ex(ctx, expected, &len) == 1 && len == ROW_DIGEST_SIZE);
	EVP_MD_CTX_free(ctx);

	digest_of(MERGE, present, values, got);
	ck_assert_mem_eq(got, expected, ROW_DIGEST_SIZE);
}
END_TEST

START_TEST(test_stored_digests_from_hex)
{
	StoredDigests stored = {0};
	unsigned char digest[ROW_DIGEST_SIZE], other[ROW_DIGEST_SIZE];
	char hex[ROW_DIGEST_HEX_SIZE];

	digest_of(MERGE, ALL, ROW(P1), digest);
	digest_of(MERGE " v2", ALL, ROW(P1), other);
	row_digest_hex(digest, hex);
	ck_assert_int_eq((int) strlen(hex), 64);
	ck_assert(stored_digests_add_hex(&stored, "P1", hex));
	ck_assert(stored_digests_match(&stored, "P1", digest));
	ck_assert(!stored_digests_match(&stored, "P1", other));
	ck_assert(!stored_digests_match(&stored, "P2", digest));

	/* what encode(empreinte, 'hex') cannot give is refused, never half read */
	ck_assert(!stored_digests_add_hex(&stored, "P3", "00"));
	hex[10] = 'G';
	ck_assert(!stored_digests_add_hex(&stored, "P4", hex));
	ck_assert(!stored_digests_match(&stored, "P4", digest));
	ck_assert_uint_eq(stored.count, 1);

	/* more than the first allocation holds */
	for (int i = 0; i < 3000; i++)
	{
		char id[16];

		snprintf(id, sizeof(id), "X%d", i);
		row_digest_hex(i % 2 ? digest : other, hex);
		ck_assert(stored_digests_add_hex(&stored, id, hex));
	}
	ck_assert(stored_digests_match(&stored, "X2999", digest));
	ck_assert(stored_digests_match(&stored, "X0", other));
	ck_assert(stored_digests_match(&stored, "P1", digest));

	/* room made for a whole result at once: what was there stays, the rest fits */
	ck_assert(stored_digests_reserve(&stored, 5000));
	ck_assert_uint_ge(stored.capacity, stored.count + 5000);
	for (int i = 0; i < 5000; i++)
	{
		char id[16];

		snprintf(id, sizeof(id), "Y%d", i);
		row_digest_hex(digest, hex);
		ck_assert(stored_digests_add_hex(&stored, id, hex));
	}
	ck_assert_uint_eq(stored.count, 8001);
	ck_assert(stored_digests_match(&stored, "Y4999", digest));
	ck_assert(stored_digests_match(&stored, "X0", other));
	stored_digests_free(&stored);
}
END_TEST

static Suite *
row_digest_suite(void)
{
	Suite *s = suite_create("row_digest");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_same_row_same_digest);
	tcase_add_loop_test(tc, test_each_change_changes_the_digest, 0,
						(int) (sizeof(change_cases) / sizeof(change_cases[0])));
	tcase_add_test(tc, test_null_is_not_empty);
	tcase_add_test(tc, test_bytes_follow_the_layout);
	tcase_add_test(tc, test_stored_digests_from_hex);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(row_digest_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
