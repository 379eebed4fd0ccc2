/*
 * Unit tests for importers/strmap.c: keys copied, values replaced, growth past any size,
 * and strmap_reserve, which sizes the table once and keeps what it held.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/strmap.h"

static void
put_numbered(StrMap *map, const char *prefix, int from, int to)
{
	char key[32];

	for (int i = from; i < to; i++)
	{
		snprintf(key, sizeof(key), "%s%d", prefix, i);
		ck_assert(strmap_put(map, key, i));
	}
}

static void
assert_numbered(const StrMap *map, const char *prefix, int from, int to)
{
	char key[32];
	long value = -1;

	for (int i = from; i < to; i++)
	{
		snprintf(key, sizeof(key), "%s%d", prefix, i);
		ck_assert_msg(strmap_get(map, key, &value), "%s missing", key);
		ck_assert_int_eq(value, i);
	}
}

START_TEST(test_keys_copied_values_replaced)
{
	StrMap map = {0};
	char key[8] = "P1";
	long value = 0;

	ck_assert(!strmap_get(&map, "P1", &value));
	ck_assert(strmap_put(&map, key, 1));
	strcpy(key, "XX");			/* the map holds its own copy */
	ck_assert(strmap_get(&map, "P1", &value));
	ck_assert_int_eq(value, 1);
	ck_assert(strmap_put(&map, "P1", 7));
	ck_assert(strmap_get(&map, "P1", &value));
	ck_assert_int_eq(value, 7);
	ck_assert_uint_eq(map.count, 1);
	ck_assert(!strmap_get(&map, "XX", &value));
	strmap_free(&map);
}
END_TEST

START_TEST(test_grows_past_any_size)
{
	StrMap map = {0};

	put_numbered(&map, "P", 0, 100000);
	ck_assert_uint_eq(map.count, 100000);
	assert_numbered(&map, "P", 0, 100000);
	strmap_free(&map);
}
END_TEST

START_TEST(test_reserve_sizes_once_and_keeps_keys)
{
	StrMap map = {0};

	ck_assert(strmap_reserve(&map, 0));
	put_numbered(&map, "A", 0, 50);

	/* room for 60,000 more: no rehash while they come, and the 50 stay */
	ck_assert(strmap_reserve(&map, 60000));

	size_t capacity = map.capacity;

	ck_assert_uint_ge(capacity * 7, (50 + 60000) * 10);
	ck_assert_int_eq(capacity & (capacity - 1), 0);	/* a power of two */
	put_numbered(&map, "B", 0, 60000);
	ck_assert_uint_eq(map.capacity, capacity);
	assert_numbered(&map, "A", 0, 50);
	assert_numbered(&map, "B", 0, 60000);

	/* a reserve already met changes nothing; past it the map still grows */
	ck_assert(strmap_reserve(&map, 1));
	ck_assert_uint_eq(map.capacity, capacity);
	put_numbered(&map, "C", 0, 40000);
	ck_assert_uint_gt(map.capacity, capacity);
	assert_numbered(&map, "A", 0, 50);
	assert_numbered(&map, "C", 0, 40000);
	strmap_free(&map);
}
END_TEST

static Suite *
strmap_suite(void)
{
	Suite *s = suite_create("strmap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_keys_copied_values_replaced);
	tcase_add_test(tc, test_grows_past_any_size);
	tcase_add_test(tc, test_reserve_sizes_once_and_keeps_keys);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(strmap_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
