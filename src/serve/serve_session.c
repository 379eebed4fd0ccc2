/*
 * clause serve's sessions: random cookies (OpenSSL RAND_bytes) with idle and absolute
 * expiry, CSRF tokens, and the growing wait after failed logins, per role and per address.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "src/lib/log.h"
#include "src/serve/serve_internal.h"

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
serve_sessions_init(Serve *serve)
{
	pthread_mutex_init(&serve->lock, NULL);
	for (int i = 0; i < SERVE_MAX_SESSIONS; i++)
		pthread_mutex_init(&serve->session_use[i], NULL);
}

void
serve_sessions_destroy(Serve *serve)
{
	pthread_mutex_destroy(&serve->lock);
	for (int i = 0; i < SERVE_MAX_SESSIONS; i++)
		pthread_mutex_destroy(&serve->session_use[i]);
}

/* Closes the connection and forgets everything; only when no request holds it (lock held). */
static void
session_free(WebSession *session)
{
	db_close(&session->db);
	OPENSSL_cleanse(session, sizeof(*session));
}

/* Ends it now when no request holds it, else when the last one lets go (lock held). */
static void
session_end_locked(WebSession *session)
{
	session->used = false;
	session->ending = true;
	if (session->refs == 0)
		session_free(session);
}

void
serve_session_end(Serve *serve, WebSession *session)
{
	pthread_mutex_lock(&serve->lock);
	session_end_locked(session);
	pthread_mutex_unlock(&serve->lock);
}

/* At stop, once the daemon has finished every request. */
void
serve_sessions_end_all(Serve *serve)
{
	for (int i = 0; i < SERVE_MAX_SESSIONS; i++)
		if (serve->sessions[i].used || serve->sessions[i].ending)
			session_free(&serve->sessions[i]);
}

/* The session of the request's cookie, when it is known and not expired (then ended). */
WebSession *
serve_session_find(Serve *serve, struct MHD_Connection *connection)
{
	const char *id = MHD_lookup_connection_value(connection, MHD_COOKIE_KIND, SESSION_COOKIE);
	time_t now = serve_now(serve);
	WebSession *found = NULL;

	if (id == NULL || strlen(id) != SERVE_TOKEN_HEX)
		return NULL;
	pthread_mutex_lock(&serve->lock);
	for (int i = 0; i < SERVE_MAX_SESSIONS && found == NULL; i++)
	{
		WebSession *session = &serve->sessions[i];

		if (!session->used || !serve_token_equal(session->id, id))
			continue;
		if (session_expired(serve, session, now))
		{
			log_notice("session de %s expirée", session->role);
			session_end_locked(session);
			break;
		}
		session->last_seen = now;
		session->refs++;
		found = session;
	}
	pthread_mutex_unlock(&serve->lock);
	return found;
}

void
serve_session_release(Serve *serve, WebSession *session)
{
	pthread_mutex_lock(&serve->lock);
	if (--session->refs == 0 && session->ending)
		session_free(session);
	pthread_mutex_unlock(&serve->lock);
}

void
serve_session_use(Serve *serve, const WebSession *session)
{
	pthread_mutex_lock(&serve->session_use[session - serve->sessions]);
}

void
serve_session_unuse(Serve *serve, const WebSession *session)
{
	pthread_mutex_unlock(&serve->session_use[session - serve->sessions]);
}

/*
 * Each session keeps a connection to PostgreSQL open: never more of them than the server
 * allows readers (max_connections less the places reserved for superusers), less the
 * connections left to clause commands, box runs and cancellations.
 */
bool
serve_sessions_limit(Serve *serve)
{
	Db db = {0};
	char value[32] = "";
	bool isnull = true;

	if (!serve_owner_connect(serve, &db))
		return false;

	bool ok = db_query_value(&db, "SELECT current_setting('max_connections')::int "
							 "- current_setting('superuser_reserved_connections')::int "
							 "- coalesce(current_setting('reserved_connections', true)::int, 0)",
							 0, NULL, value, sizeof(value), &isnull);

	db_close(&db);
	if (!ok || isnull)
		return false;

	long readers = strtol(value, NULL, 10);
	long limit = readers - SERVE_CONNECTIONS_LEFT;

	if (limit > SERVE_MAX_SESSIONS)
		limit = SERVE_MAX_SESSIONS;
	if (serve->config.max_sessions > 0 && serve->config.max_sessions < limit)
		limit = serve->config.max_sessions;
	if (limit < 1)
	{
		log_error("PostgreSQL n'accepte que %ld connexions de lecteurs (max_connections) : trop peu "
				  "pour clause serve, qui en laisse %d aux commandes clause ; augmentez max_connections",
				  readers, SERVE_CONNECTIONS_LEFT);
		return false;
	}
	serve->max_sessions = (int) limit;
	log_notice("au plus %d sessions ouvertes à la fois (une connexion chacune ; PostgreSQL en "
			   "accepte %ld, %d laissées aux commandes clause)", serve->max_sessions, readers,
			   SERVE_CONNECTIONS_LEFT);
	return true;
}

/* Counts sessions still holding a connection (ending ones too), ending expired ones. */
bool
serve_session_reserve(Serve *serve)
{
	time_t now = serve_now(serve);
	int open = 0;
	bool ok;

	pthread_mutex_lock(&serve->lock);
	for (int i = 0; i < SERVE_MAX_SESSIONS; i++)
	{
		WebSession *session = &serve->sessions[i];

		if (session->used && session_expired(serve, session, now))
			session_end_locked(session);
		open += session->used || session->ending;
	}
	ok = open + serve->logins_pending < serve->max_sessions;
	if (ok)
		serve->logins_pending++;
	pthread_mutex_unlock(&serve->lock);
	return ok;
}

static void
session_unreserve_locked(Serve *serve)
{
	if (serve->logins_pending > 0)
		serve->logins_pending--;
}

void
serve_session_unreserve(Serve *serve)
{
	pthread_mutex_lock(&serve->lock);
	session_unreserve_locked(serve);
	pthread_mutex_unlock(&serve->lock);
}

WebSession *
serve_session_create(Serve *serve, const char *role, Db *db, WebGroup group, const char *scope)
{
	WebSession *session = NULL;

	pthread_mutex_lock(&serve->lock);
	session_unreserve_locked(serve);
	for (int i = 0; i < SERVE_MAX_SESSIONS && session == NULL; i++)
		if (!serve->sessions[i].used && !serve->sessions[i].ending)
			session = &serve->sessions[i];
	if (session && (!serve_random_hex(session->id, SERVE_TOKEN_HEX) ||
					!serve_random_hex(session->csrf, SERVE_TOKEN_HEX)))
	{
		OPENSSL_cleanse(session, sizeof(*session));
		session = NULL;
	}
	if (session)
	{
		session->used = true;
		snprintf(session->role, sizeof(session->role), "%s", role);
		snprintf(session->scope, sizeof(session->scope), "%s", scope);
		session->group = group;
		session->db = *db;
		memset(db, 0, sizeof(*db));
		session->created = session->last_seen = serve_now(serve);
		session->refs = 1;
	}
	pthread_mutex_unlock(&serve->lock);
	return session;
}

void
serve_session_cookie(const Request *request, const WebSession *session, Reply *reply)
{
	char cookie[256];

	snprintf(cookie, sizeof(cookie), SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
			 session->id, request->secure ? "; Secure" : "");
	reply_header(reply, "Set-Cookie", cookie);
}

void
serve_session_cookie_clear(const Request *request, Reply *reply)
{
	char cookie[256];

	snprintf(cookie, sizeof(cookie), SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; "
			 "Max-Age=0%s", request->secure ? "; Secure" : "");
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

	pthread_mutex_lock(&serve->lock);

	const Backoff *entries[] = {backoff_entry(serve, "u:", role, false),
		backoff_entry(serve, "a:", address, false)};

	for (int i = 0; i < 2; i++)
		if (entries[i] && entries[i]->until > now && entries[i]->until - now > wait)
			wait = (long) (entries[i]->until - now);
	pthread_mutex_unlock(&serve->lock);
	return wait;
}

/* After a few free tries, each failure doubles the wait: 1 s, 2 s, 4 s … up to 15 min. */
void
serve_backoff_failed(Serve *serve, const char *role, const char *address)
{
	time_t now = serve_now(serve);

	pthread_mutex_lock(&serve->lock);

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
	pthread_mutex_unlock(&serve->lock);
}

void
serve_backoff_clear(Serve *serve, const char *role, const char *address)
{
	pthread_mutex_lock(&serve->lock);

	Backoff *entries[] = {backoff_entry(serve, "u:", role, false),
		backoff_entry(serve, "a:", address, false)};

	for (int i = 0; i < 2; i++)
		if (entries[i])
			memset(entries[i], 0, sizeof(*entries[i]));
	pthread_mutex_unlock(&serve->lock);
}
