/*
 * clause serve: the reports and the monthly inbox in a browser (libmicrohttpd). Every
 * page is read on a connection as the reader's own PostgreSQL role.
 */
#ifndef CLAUSE_SERVE_H
#define CLAUSE_SERVE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ServeConfig
{
	const char *address;		/* IPv4 address to listen on, "127.0.0.1" by default */
	unsigned port;				/* 0: any free port (serve_port() tells which) */
	const char *cert_file;		/* TLS when both are given (PEM files) */
	const char *key_file;
	const char *conninfo;		/* the server readers log in to; NULL: the embedded cluster */
	const char *owner_conninfo; /* --db as given, passed to `clause batch`; NULL when none */
	const char *boxes_dir;		/* the PLIE's boxes; NULL: VAR/boites */
	const char *clause_bin;		/* the program that runs `batch`; NULL: this program */
	size_t max_body;			/* bytes of a request body (an upload) */
	int session_idle;			/* seconds without a request before a session ends */
	int session_max;			/* seconds after login before a session ends */
	int connection_timeout;		/* seconds a silent client keeps its connection */
	const char *trusted_proxy;	/* the reverse proxy's address: its X-Forwarded-For is believed */
	int max_sessions;			/* 0: as many as PostgreSQL's max_connections leaves (below) */
} ServeConfig;

#define SERVE_DEFAULT_PORT 8080
#define SERVE_DEFAULT_MAX_BODY (20u * 1024u * 1024u)
#define SERVE_DEFAULT_SESSION_IDLE (30 * 60)
#define SERVE_DEFAULT_SESSION_MAX (10 * 60 * 60)
#define SERVE_DEFAULT_TIMEOUT 30
/* Connections of the cluster left to clause commands, box runs and cancellations. */
#define SERVE_CONNECTIONS_LEFT 8

typedef struct Serve Serve;

/* Fills the defaults above. */
void serve_config_defaults(ServeConfig *config);

/* Starts the daemon (its own thread); NULL when it could not (reported). */
Serve *serve_start(const ServeConfig *config);

/* The port listened on (the one chosen when config->port was 0). */
unsigned serve_port(const Serve *serve);

/* Finishes the requests under way, ends every session and frees. */
void serve_stop(Serve *serve);

/* Runs until SIGTERM or SIGINT, then stops cleanly; false when it could not start. */
bool serve_run_until_signal(const ServeConfig *config);

/* Tests: moves the server's clock forward (session expiry, login backoff). */
void serve_clock_shift(Serve *serve, long seconds);

/*
 * Tests: stops the server's clock where it stands, so that a 1 s login wait is
 * still there on a slow machine; serve_clock_shift() still moves it.
 */
void serve_clock_freeze(Serve *serve);

#endif
