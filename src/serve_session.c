/*
 * clause serve's sessions: random cookies (OpenSSL RAND_bytes) with idle and absolute
 * expiry, CSRF tokens, and the growing wait after failed logins, per role and per address.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "log.h"
#include "serve_internal.h"

#define SESSION_COOKIE "clause_session"
#define BACKOFF_FREE_FAILURES 3
#define BACKOFF_MAX_SECONDS (15 * 60)
#define BACKOFF_FORGET_SECONDS (24 * 60 * 60)

bool
serve_random_hex(char *out, size_t hex_chars)
{
	unsigned char bytes[64];
	size_t n = hex_chars / 2;

	if (n > sizeof(bytes) || RAND_bytes(bytes, (int) n) != 1)
	{
		log_error("aléa indisponible (RAND_bytes)");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
	OPENSSL_cleanse(bytes, sizeof(bytes));
	return true;
}

/* Constant-time comparison of two tokens of the same expected length. */
bool
serve_token_equal(const char *a, const char *b)
{
	size_t len = strlen(a);

	return a[0] != '\0' && len == strlen(b) && CRYPTO_memcmp(a, b, len) == 0;
}

static bool
session_expired(const Serve *serve, const WebSession *session, time_t now)
{
	return now - session->last_seen > serve->config.session_idle ||
		now - session->created > serve->config.session_max;
}

void
serve_session_end(Serve *serve, WebSession *session)
{
	(void) serve;
	db_close(&session->db);
	OPENSSL_cleanse(session, sizeof(*session));
}

void
serve_sessions_end_all(Serve *serve)
{
	for (int i = 0; i < SERVE_MAX_SESSIONS; i++)
		if (serve->sessions[i].used)
			serve_session_end(serve, &serve->sessions[i]);
}

/* The session of the request's cookie, when it is known and not expired (then ended). */
WebSession *
serve_session_find(Serve *serve, struct MHD_Connection *connection)
{
	const char *id = MHD_lookup_connection_value(connection, MHD_COOKIE_KIND, SESSION_COOKIE);
	time_t now = serve_now(serve);

	if (id == NULL || strlen(id) != SERVE_TOKEN_HEX)
		return NULL;
	for (int i = 0; i < SERVE_MAX_SESSIONS; i++)
	{
		WebSession *session = &serve->sessions[i];

		if (!session->used || !serve_token_equal(session->id, id))
			continue;
		if (session_expired(serve, session, now))
		{
			log_notice("session de %s expirée", session->role);
			serve_session_end(serve, session);
			return NULL;
		}
		session->last_seen = now;
		return session;
	}
	return NULL;
}

/* A free slot, else the one idle the longest (its reader logs in again). */
static WebSession *
session_slot(Serve *serve)
{
	WebSession *oldest = &serve->sessions[0];
	time_t now = serve_now(serve);

	for (int i = 0; i < SERVE_MAX_SESSIONS; i++)
	{
		WebSession *session = &serve->sessions[i];

		if (session->used && session_expired(serve, session, now))
			serve_session_end(serve, session);
		if (!session->used)
			return session;
		if (session->last_seen < oldest->last_seen)
			oldest = session;
	}
	serve_session_end(serve, oldest);
	return oldest;
}

/* Takes the connection db (the session owns it from now on). */
WebSession *
serve_session_create(Serve *serve, const char *role, Db *db, WebGroup group, const char *scope)
{
	WebSession *session = session_slot(serve);

	if (!serve_random_hex(session->id, SERVE_TOKEN_HEX) ||
		!serve_random_hex(session->csrf, SERVE_TOKEN_HEX))
	{
		OPENSSL_cleanse(session, sizeof(*session));
		return NULL;
	}
	session->used = true;
	snprintf(session->role, sizeof(session->role), "%s", role);
	snprintf(session->scope, sizeof(session->scope), "%s", scope);
	session->group = group;
	session->db = *db;
	memset(db, 0, sizeof(*db));
	session->created = session->last_seen = serve_now(serve);
	return session;
}

void
serve_session_cookie(const Serve *serve, const WebSession *session, Reply *reply)
{
	char cookie[256];

	snprintf(cookie, sizeof(cookie), SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
			 session->id, serve->tls ? "; Secure" : "");
	reply_header(reply, "Set-Cookie", cookie);
}

void
serve_session_cookie_clear(const Serve *serve, Reply *reply)
{
	char cookie[256];

	snprintf(cookie, sizeof(cookie), SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; "
			 "Max-Age=0%s", serve->tls ? "; Secure" : "");
	reply_header(reply, "Set-Cookie", cookie);
}

/* The form's token is the session's. */
bool
serve_csrf_ok(const Request *request)
{
	const char *token = request_field(request, "csrf");

	return request->session && token && serve_token_equal(request->session->csrf, token);
}

static Backoff *
backoff_entry(Serve *serve, const char *prefix, const char *name, bool create)
{
	char key[sizeof(serve->backoff[0].key)];
	Backoff *free_slot = NULL;
	Backoff *oldest = &serve->backoff[0];
	time_t now = serve_now(serve);

	snprintf(key, sizeof(key), "%s%s", prefix, name);
	for (int i = 0; i < SERVE_MAX_BACKOFF; i++)
	{
		Backoff *entry = &serve->backoff[i];

		if (entry->key[0] && now - entry->last > BACKOFF_FORGET_SECONDS)
			memset(entry, 0, sizeof(*entry));
		if (entry->key[0] && strcmp(entry->key, key) == 0)
			return entry;
		if (!entry->key[0] && free_slot == NULL)
			free_slot = entry;
		if (entry->last < oldest->last)
			oldest = entry;
	}
	if (!create)
		return NULL;
	if (free_slot == NULL)
		free_slot = oldest;
	memset(free_slot, 0, sizeof(*free_slot));
	snprintf(free_slot->key, sizeof(free_slot->key), "%s", key);
	free_slot->last = now;		/* not forgotten by the next look-up */
	return free_slot;
}

long
serve_backoff_wait(Serve *serve, const char *role, const char *address)
{
	time_t now = serve_now(serve);
	long wait = 0;
	const Backoff *entries[] = {backoff_entry(serve, "u:", role, false),
		backoff_entry(serve, "a:", address, false)};

	for (int i = 0; i < 2; i++)
		if (entries[i] && entries[i]->until > now && entries[i]->until - now > wait)
			wait = (long) (entries[i]->until - now);
	return wait;
}

/* After a few free tries, each failure doubles the wait: 1 s, 2 s, 4 s … up to 15 min. */
void
serve_backoff_failed(Serve *serve, const char *role, const char *address)
{
	time_t now = serve_now(serve);
	Backoff *entries[] = {backoff_entry(serve, "u:", role, true),
		backoff_entry(serve, "a:", address, true)};

	for (int i = 0; i < 2; i++)
	{
		Backoff *entry = entries[i];
		long wait = 0;

		entry->failures++;
		entry->last = now;
		if (entry->failures > BACKOFF_FREE_FAILURES)
		{
			int doublings = entry->failures - BACKOFF_FREE_FAILURES - 1;

			wait = doublings >= 10 ? BACKOFF_MAX_SECONDS : 1L << doublings;
			if (wait > BACKOFF_MAX_SECONDS)
				wait = BACKOFF_MAX_SECONDS;
		}
		entry->until = now + wait;
	}
}

void
serve_backoff_clear(Serve *serve, const char *role, const char *address)
{
	Backoff *entries[] = {backoff_entry(serve, "u:", role, false),
		backoff_entry(serve, "a:", address, false)};

	for (int i = 0; i < 2; i++)
		if (entries[i])
			memset(entries[i], 0, sizeof(*entries[i]));
}
