/*
 * What the files of clause serve share: the server, its sessions, one request and its
 * reply. Only serve*.c include it.
 */
#ifndef CLAUSE_SERVE_INTERNAL_H
#define CLAUSE_SERVE_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <microhttpd.h>

#include "src/lib/db.h"
#include "src/serve/serve.h"

#define SERVE_MAX_SESSIONS 128
#define SERVE_MAX_BACKOFF 512
#define SERVE_TOKEN_HEX 64		/* 32 random bytes */
#define SERVE_MAX_FIELDS 8
#define SERVE_FIELD_VALUE 1024

typedef enum
{
	GROUP_NONE = 0,
	GROUP_FACILITATEUR = 1,
	GROUP_DONNEUR = 2,
	GROUP_DIRECTEUR = 4
} WebGroup;

/* A logged-in reader: its cookie, CSRF token and connection as its role. */
typedef struct WebSession
{
	bool used;
	char id[SERVE_TOKEN_HEX + 1];
	char csrf[SERVE_TOKEN_HEX + 1];
	char role[64];
	WebGroup group;
	char scope[64];				/* the PLIE or the donneur d'ordre the role reads */
	Db db;
	time_t created;
	time_t last_seen;
	int refs;					/* requests holding it (serve->lock) */
	bool ending;				/* logged out or expired: ended when the last request lets go */
} WebSession;

/* Failed logins of a role name or of an address: the next try waits until `until`. */
typedef struct Backoff
{
	char key[80];				/* "u:ROLE" or "a:ADDRESS" */
	int failures;
	time_t until;
	time_t last;
} Backoff;

struct Serve
{
	ServeConfig config;
	char conninfo[PATH_MAX * 2];
	char boxes_dir[PATH_MAX];
	char tmp_dir[PATH_MAX];
	char clause_bin[PATH_MAX];
	struct MHD_Daemon *daemon;
	bool tls;
	unsigned char proxy[16];	/* --proxy-de-confiance, as bytes (4 or 16) */
	size_t proxy_len;
	long clock_shift;
	time_t clock_frozen;		/* tests: 0, or the time the clock stands at */
	char *tls_cert;
	char *tls_key;
	pthread_mutex_t owner_lock;	/* one box run or cancellation at a time */
	pthread_mutex_t lock;		/* the sessions, their counts and the backoff table */
	pthread_mutex_t session_use[SERVE_MAX_SESSIONS];	/* one request at a time on a session's db */
	int max_sessions;			/* sessions open at once, each holding one connection */
	int logins_pending;			/* logins between their connection and their session */
	WebSession sessions[SERVE_MAX_SESSIONS];
	Backoff backoff[SERVE_MAX_BACKOFF];
};

typedef struct FormField
{
	char name[32];
	char value[SERVE_FIELD_VALUE];
	size_t len;
} FormField;

/* One request, from its first byte to its log line. */
typedef struct Request
{
	Serve *serve;
	struct MHD_Connection *connection;
	const char *method;
	const char *url;
	char address[64];			/* the client's, or the one a trusted proxy forwards */
	bool secure;				/* HTTPS here, or at a trusted proxy: cookies are Secure */
	WebSession *session;
	struct timespec started;
	unsigned status;			/* of the reply queued, for the log */
	char *nav;					/* the navigation of the session's pages, owned */
	/* the body */
	struct MHD_PostProcessor *post;
	size_t body_bytes;
	bool too_large;
	bool bad_body;
	FormField fields[SERVE_MAX_FIELDS];
	int nfields;
	/* a file being uploaded into the box */
	int upload_fd;
	char upload_path[PATH_MAX];
	char upload_name[256];
	bool upload_done;
	char upload_error[256];
} Request;

/* A reply under construction: a body written through out, headers added. */
typedef struct Reply
{
	unsigned status;
	FILE *out;
	char *body;
	size_t len;
	const char *content_type;
	char headers[4][512];		/* "Name: value" */
	int nheaders;
} Reply;

/* serve.c */
time_t serve_now(const Serve *serve);
bool reply_open(Reply *reply, unsigned status, const char *content_type);
void reply_header(Reply *reply, const char *name, const char *value);
enum MHD_Result reply_send(Request *request, Reply *reply);
enum MHD_Result reply_redirect(Request *request, const char *location);
enum MHD_Result reply_error(Request *request, unsigned status, const char *message);
const char *request_field(const Request *request, const char *name);
const char *request_query(const Request *request, const char *name);
/* A connection as the owner of the database (--db, else the embedded cluster's), for the
 * cancellation of a batch; taken and closed under serve_owner_lock(). */
bool serve_owner_connect(const Serve *serve, Db *db);
void serve_owner_lock(Serve *serve);
void serve_owner_unlock(Serve *serve);

/* serve_session.c */
bool serve_random_hex(char *out, size_t hex_chars);
bool serve_token_equal(const char *a, const char *b);
/* The session of the request's cookie, held by the request until serve_session_release(). */
WebSession *serve_session_find(Serve *serve, struct MHD_Connection *connection);
void serve_session_release(Serve *serve, WebSession *session);
/* Runs one request alone on the session's connection (libpq: one thread at a time). */
void serve_session_use(Serve *serve, const WebSession *session);
void serve_session_unuse(Serve *serve, const WebSession *session);
/* Locks and unlocks the sessions table, their mutexes (start and stop). */
void serve_sessions_init(Serve *serve);
void serve_sessions_destroy(Serve *serve);
/* Sets max_sessions from the server's max_connections; false when too few (reported). */
bool serve_sessions_limit(Serve *serve);
/* Keeps a session's place for a login about to connect; false when every place is taken. */
bool serve_session_reserve(Serve *serve);
void serve_session_unreserve(Serve *serve);
/* Takes the connection db (the session owns it from now on) and the place reserved; the
 * session is held by the caller's request as if found. */
WebSession *serve_session_create(Serve *serve, const char *role, Db *db, WebGroup group,
								 const char *scope);
/* Logout: no request finds it any more; it ends when the last one holding it lets go. */
void serve_session_end(Serve *serve, WebSession *session);
void serve_sessions_end_all(Serve *serve);
void serve_session_cookie(const Request *request, const WebSession *session, Reply *reply);
void serve_session_cookie_clear(const Request *request, Reply *reply);
bool serve_csrf_ok(const Request *request);
/* Seconds before the next login attempt of role or address may be tried, 0 when now. */
long serve_backoff_wait(Serve *serve, const char *role, const char *address);
void serve_backoff_failed(Serve *serve, const char *role, const char *address);
void serve_backoff_clear(Serve *serve, const char *role, const char *address);

/* serve_pages.c */
enum MHD_Result serve_route(Request *request);
/* The page skeleton of the reports with the navigation of the session. */
bool page_open(Request *request, Reply *reply, const char *title);
/* The same navigation around a report's own HTML writer (reply opened as HTML). */
bool page_report_open(Request *request, Reply *reply);
void page_report_close(void);
/* Text (a report's text format) escaped into <pre>. */
void page_pre(FILE *out, const char *text, size_t len);
enum MHD_Result page_send(Request *request, Reply *reply);
void page_csrf_field(FILE *out, const WebSession *session);
/* A report the reader could not read: a database error, told without its details. */
enum MHD_Result page_database_error(Request *request);

/* serve_lots.c */
enum MHD_Result serve_lots_page(Request *request);
enum MHD_Result serve_lots_cancel(Request *request);

/* serve_login.c */
enum MHD_Result serve_login_form(Request *request, const char *message, unsigned status);
enum MHD_Result serve_login(Request *request);
enum MHD_Result serve_logout(Request *request);

/* serve_box.c */
bool serve_box_month_valid(const char *month);
bool serve_upload_begin(Request *request, const char *filename);
bool serve_upload_write(Request *request, const char *data, size_t size);
void serve_upload_abort(Request *request);
enum MHD_Result serve_box_page(Request *request);
enum MHD_Result serve_box_upload_done(Request *request);
enum MHD_Result serve_box_run(Request *request);
enum MHD_Result serve_box_file(Request *request, const char *rest);

#endif
