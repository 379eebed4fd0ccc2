/*
 * SHA-256 of files and buffers (OpenSSL's libcrypto), as 64 lower-case hex digits.
 * A file's checksum identifies its batch: the same file imported twice is a no-op.
 */
#ifndef CLAUSE_CHECKSUM_H
#define CLAUSE_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>

#define CHECKSUM_HEX_SIZE 65

bool checksum_file_sha256(const char *path, char out[CHECKSUM_HEX_SIZE]);
bool checksum_sha256(const void *data, size_t len, char out[CHECKSUM_HEX_SIZE]);

#endif
