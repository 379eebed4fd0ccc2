/*
 * libpq wrapper: connections, parameterised queries, COPY streaming.
 * Every PGresult is checked and cleared here; errors are logged once, here.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "src/lib/db.h"
#include "src/lib/log.h"
#include "src/lib/progress_line.h"

static void
db_notice_processor(void *arg, const char *message)
{
	(void) arg;
	size_t len = strlen(message);

	/* The server ends its notices with a newline; our logger adds one. */
	while (len > 0 && message[len - 1] == '\n')
		len--;
	log_info("serveur : %.*s", (int) len, message);
}

static void
db_describe(Db *db)
{
	PGconn *conn = db->conn;
	const char *host = PQhost(conn);
	const char *port = PQport(conn);

	snprintf(db->description, sizeof(db->description),
			 "base « %s » (utilisateur %s, hôte %s, port %s)",
			 PQdb(conn), PQuser(conn), host ? host : "?", port ? port : "?");
}

/* Records SQLSTATE and logs the server's message with its detail and hint. */
static void
db_report_result_error(Db *db, const PGresult *res, const char *what)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);

	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
	if (primary == NULL)
		primary = PQerrorMessage(db->conn);
	log_error("%s : %s%s%s%s%s [%s]", what, primary,
			  detail ? " — " : "", detail ? detail : "",
			  hint ? " — " : "", hint ? hint : "",
			  state ? state : "?");
}

bool
db_conninfo_valid(const char *conninfo)
{
	char *error = NULL;
	PQconninfoOption *options = PQconninfoParse(conninfo ? conninfo : "", &error);

	/* libpq's message quotes the faulty part, which may be the password: not shown */
	if (options == NULL)
		log_error("chaîne de connexion (--db) mal formée : vérifiez sa syntaxe "
				  "(clé=valeur ou postgresql://…) ; elle n'est pas recopiée ici car elle "
				  "peut contenir un mot de passe");
	if (error)
		PQfreemem(error);
	if (options)
		PQconninfoFree(options);
	return options != NULL;
}

/* Appends key='value' with ' and \ escaped, as libpq reads it. */
static bool
conninfo_append(char *out, size_t outsize, size_t *len, const char *key, const char *value)
{
	int n = snprintf(out + *len, outsize - *len, "%s%s='", *len ? " " : "", key);

	if (n < 0 || (size_t) n >= outsize - *len)
		return false;
	*len += (size_t) n;
	for (const char *p = value; *p; p++)
	{
		if (*len + 3 >= outsize)
			return false;
		if (*p == '\'' || *p == '\\')
			out[(*len)++] = '\\';
		out[(*len)++] = *p;
	}
	if (*len + 2 >= outsize)
		return false;
	out[(*len)++] = '\'';
	out[*len] = '\0';
	return true;
}

bool
db_conninfo_split(const char *conninfo, char *out, size_t outsize,
				  char *password, size_t password_size)
{
	char *error = NULL;
	PQconninfoOption *options = PQconninfoParse(conninfo ? conninfo : "", &error);
	size_t len = 0;
	bool ok = options != NULL && outsize > 0 && password_size > 0;

	if (error)
		PQfreemem(error);
	if (outsize > 0)
		out[0] = '\0';
	if (password_size > 0)
		password[0] = '\0';
	for (PQconninfoOption *option = options; ok && option->keyword; option++)
	{
		if (option->val == NULL)
			continue;
		if (strcmp(option->keyword, "password") == 0)
		{
			int n = snprintf(password, password_size, "%s", option->val);

			ok = n >= 0 && (size_t) n < password_size;
		}
		else
			ok = conninfo_append(out, outsize, &len, option->keyword, option->val);
	}
	if (options)
		PQconninfoFree(options);
	return ok;
}

/* Takes a connection attempt: checks it, then sets the fixed session settings. */
static bool
db_adopt(Db *db, PGconn *conn, bool quiet)
{
	db->sqlstate[0] = '\0';
	if (PQstatus(conn) != CONNECTION_OK)
	{
		/* libpq's message never contains the password */
		if (quiet)
			log_debug("connexion à PostgreSQL impossible : %s", PQerrorMessage(conn));
		else
			log_error("connexion à PostgreSQL impossible : %s", PQerrorMessage(conn));
		snprintf(db->sqlstate, sizeof(db->sqlstate), "08001");
		PQfinish(conn);
		db->conn = NULL;
		return false;
	}
	db->conn = conn;
	PQsetNoticeProcessor(conn, db_notice_processor, NULL);
	db_describe(db);
	log_debug("connecté à %s", db->description);

	/* Fixed session settings: our own schema first, ISO dates, UTF-8. */
	return db_exec(db, "SET search_path = clause, pg_temp; "
				   "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; "
				   "SET client_min_messages = warning; "
				   /* JIT compiling costs more than our queries gain from it */
				   "SET jit = off");
}

static bool
db_connect_with(Db *db, const char *conninfo, bool quiet)
{
	if (!db_conninfo_valid(conninfo))
	{
		snprintf(db->sqlstate, sizeof(db->sqlstate), "08001");
		db->conn = NULL;
		return false;
	}
	return db_adopt(db, PQconnectdb(conninfo ? conninfo : ""), quiet);
}

bool
db_connect(Db *db, const char *conninfo)
{
	return db_connect_with(db, conninfo, false);
}

bool
db_connect_quiet(Db *db, const char *conninfo)
{
	return db_connect_with(db, conninfo, true);
}

bool
db_server_answers(const char *conninfo)
{
	return PQping(conninfo) == PQPING_OK;
}

bool
db_connect_as(Db *db, const char *conninfo, const char *user, const char *password)
{
	/* dbname is expanded as a connection string; the keywords after it override it */
	const char *const keywords[] = {"dbname", "user", "password", "connect_timeout", NULL};
	const char *const values[] = {conninfo ? conninfo : "", user, password, "10", NULL};

	return db_adopt(db, PQconnectdbParams(keywords, values, 1), true);
}

bool
db_connect_sibling(Db *db, const Db *from)
{
	PQconninfoOption *options = PQconninfo(from->conn);
	int count = 0;

	if (options == NULL)
	{
		log_error("paramètres de connexion illisibles (mémoire épuisée)");
		return false;
	}
	for (PQconninfoOption *option = options; option->keyword; option++)
		count += option->val != NULL;

	const char **keywords = calloc((size_t) count + 1, sizeof(*keywords));
	const char **values = calloc((size_t) count + 1, sizeof(*values));
	bool ok = keywords != NULL && values != NULL;

	if (ok)
	{
		int n = 0;

		for (PQconninfoOption *option = options; option->keyword; option++)
			if (option->val != NULL)
			{
				keywords[n] = option->keyword;
				values[n++] = option->val;
			}
		ok = db_adopt(db, PQconnectdbParams(keywords, values, 0), true);
	}
	else
		log_error("mémoire épuisée");
	free(keywords);
	free(values);
	/* the values hold the password: wiped before they are freed */
	for (PQconninfoOption *option = options; option->keyword; option++)
		if (option->val != NULL)
			explicit_bzero(option->val, strlen(option->val));
	PQconninfoFree(options);
	return ok;
}

bool
db_begin_with_snapshot(Db *db, const char *snapshot)
{
	char *literal = PQescapeLiteral(db->conn, snapshot, strlen(snapshot));
	char sql[160];
	int n;
	bool ok;

	if (literal == NULL)
	{
		log_error("instantané invalide : %s", PQerrorMessage(db->conn));
		return false;
	}
	n = snprintf(sql, sizeof(sql), "BEGIN ISOLATION LEVEL REPEATABLE READ; "
				 "SET TRANSACTION SNAPSHOT %s", literal);
	PQfreemem(literal);
	ok = n > 0 && (size_t) n < sizeof(sql) && db_exec(db, sql);
	return ok;
}

/* Reads what arrived for one connection of db_exec_all; true once its last result is in. */
static bool
db_exec_all_drain(Db *db, ProgressLine *line, bool *ok, bool *lost)
{
	if (!PQconsumeInput(db->conn))
	{
		progress_line_finish(line);
		log_error("requête interrompue : %s", PQerrorMessage(db->conn));
		snprintf(db->sqlstate, sizeof(db->sqlstate), "08006");
		*ok = false;
		*lost = true;
		return true;
	}
	while (!PQisBusy(db->conn))
	{
		PGresult *res = PQgetResult(db->conn);

		if (res == NULL)
			return true;

		ExecStatusType status = PQresultStatus(res);

		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		{
			progress_line_finish(line);
			if (*ok)			/* the first error of this connection; the rest follow from it */
				db_report_result_error(db, res, "requête refusée");
			*ok = false;
		}
		PQclear(res);
	}
	return false;
}

bool
db_exec_all(Db *const *dbs, int count, const DbStatement *statements, const char *label)
{
	bool done[DB_EXEC_ALL_MAX] = {false};
	bool each_ok[DB_EXEC_ALL_MAX];
	bool lost = false;
	int left = 0;
	ProgressLine line;

	if (count <= 0 || count > DB_EXEC_ALL_MAX)
		return false;
	for (int i = 0; i < count; i++)
	{
		dbs[i]->sqlstate[0] = '\0';
		const DbStatement *statement = &statements[i];

		each_ok[i] = (statement->nparams == 0
					  ? PQsendQuery(dbs[i]->conn, statement->sql)
					  : PQsendQueryParams(dbs[i]->conn, statement->sql, statement->nparams,
										  NULL, statement->params, NULL, NULL, 0)) == 1;
		if (!each_ok[i])
		{
			log_error("requête refusée : %s", PQerrorMessage(dbs[i]->conn));
			done[i] = true;
		}
		else
			left++;
	}
	progress_line_start(&line, label);
	while (left > 0)
	{
		struct pollfd sockets[DB_EXEC_ALL_MAX];
		int n = 0;

		for (int i = 0; i < count; i++)
		{
			if (done[i])
				continue;
			if (db_exec_all_drain(dbs[i], &line, &each_ok[i], &lost))
			{
				done[i] = true;
				left--;
			}
			else
				sockets[n++] = (struct pollfd) {.fd = PQsocket(dbs[i]->conn), .events = POLLIN};
		}
		if (n > 0 && poll(sockets, (nfds_t) n, 500) < 0 && errno != EINTR)
		{
			log_error("attente du serveur impossible : %s", log_strerror(errno));
			break;
		}
		progress_line_elapsed(&line);
	}
	progress_line_finish(&line);

	bool ok = left == 0 && !lost;

	for (int i = 0; i < count; i++)
		ok = ok && each_ok[i];
	return ok;
}

void
db_close(Db *db)
{
	if (db->conn)
		PQfinish(db->conn);
	db->conn = NULL;
}

bool
db_exec(Db *db, const char *sql)
{
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType status = PQresultStatus(res);
	bool ok = (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);

	if (!ok)
		db_report_result_error(db, res, "requête refusée");
	else
		db->sqlstate[0] = '\0';
	PQclear(res);
	return ok;
}

/* Waits for the server's next result, redrawing the elapsed time twice a second. */
static bool
db_wait_result(Db *db, ProgressLine *line)
{
	struct pollfd socket = {.fd = PQsocket(db->conn), .events = POLLIN};

	while (PQisBusy(db->conn))
	{
		if ((poll(&socket, 1, 500) < 0 && errno != EINTR) || !PQconsumeInput(db->conn))
			return false;
		progress_line_elapsed(line);
	}
	return true;
}

bool
db_exec_watched(Db *db, const char *sql, const char *label)
{
	ProgressLine line;
	bool ok = true;
	PGresult *res;

	if (!PQsendQuery(db->conn, sql))
	{
		log_error("requête refusée : %s", PQerrorMessage(db->conn));
		return false;
	}
	progress_line_start(&line, label);
	/* one result per statement; all are read, so that the connection is free after */
	while (db_wait_result(db, &line) && (res = PQgetResult(db->conn)) != NULL)
	{
		ExecStatusType status = PQresultStatus(res);

		if (ok && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		{
			progress_line_finish(&line);
			db_report_result_error(db, res, "requête refusée");
			ok = false;
		}
		PQclear(res);
	}
	progress_line_finish(&line);
	if (PQisBusy(db->conn))
	{
		/* the wait itself failed: the connection is lost */
		log_error("requête interrompue : %s", PQerrorMessage(db->conn));
		return false;
	}
	if (ok)
		db->sqlstate[0] = '\0';
	return ok;
}

bool
db_exec_value(Db *db, const char *sql, char *out, size_t outsize)
{
	PGresult *res = PQexec(db->conn, sql);
	bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;

	out[0] = '\0';
	if (!ok)
		db_report_result_error(db, res, "requête refusée");
	else
	{
		db->sqlstate[0] = '\0';
		if (PQntuples(res) > 0 && PQnfields(res) > 0)
			snprintf(out, outsize, "%s", PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return ok;
}

bool
db_query(Db *db, const char *sql, int nparams, const char *const *params,
		 DbRowCallback on_row, void *context, long *affected)
{
	PGresult *res = PQexecParams(db->conn, sql, nparams, NULL, params,
								 NULL, NULL, 0);
	ExecStatusType status = PQresultStatus(res);

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
	{
		db_report_result_error(db, res, "requête refusée");
		PQclear(res);
		return false;
	}
	db->sqlstate[0] = '\0';

	if (affected)
	{
		const char *tuples = PQcmdTuples(res);

		*affected = (tuples && *tuples) ? strtol(tuples, NULL, 10) : 0;
	}

	bool ok = true;

	if (on_row && status == PGRES_TUPLES_OK)
	{
		int ntuples = PQntuples(res);
		DbRow row = {.result = res, .nfields = PQnfields(res), .nrows = PQntuples(res)};

		for (int i = 0; i < ntuples && ok; i++)
		{
			row.row = i;
			ok = on_row(context, &row);
		}
	}
	PQclear(res);
	return ok;
}

typedef struct ValueContext
{
	char *out;
	size_t outsize;
	bool *isnull;
	bool found;
} ValueContext;

static bool
db_value_callback(void *context, const DbRow *row)
{
	ValueContext *ctx = context;

	if (ctx->found)
		return true;
	ctx->found = true;
	if (ctx->isnull)
		*ctx->isnull = db_row_isnull(row, 0);
	snprintf(ctx->out, ctx->outsize, "%s", db_row_value(row, 0));
	return true;
}

bool
db_query_value(Db *db, const char *sql, int nparams,
			   const char *const *params, char *out, size_t outsize,
			   bool *isnull)
{
	ValueContext ctx = {.out = out, .outsize = outsize, .isnull = isnull};

	out[0] = '\0';
	if (isnull)
		*isnull = true;
	return db_query(db, sql, nparams, params, db_value_callback, &ctx, NULL);
}

bool
db_table_owned(Db *db, const char *regclass, bool *owned)
{
	const char *params[] = {regclass};
	char value[8] = "f";

	if (!db_query_value(db, "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class "
						"WHERE oid = $1::regclass", 1, params, value, sizeof(value), NULL))
		return false;
	*owned = value[0] == 't';
	return true;
}

const char *
db_row_value(const DbRow *row, int column)
{
	return PQgetvalue(row->result, row->row, column);
}

int
db_row_count(const DbRow *row)
{
	return row->nrows;
}

bool
db_row_isnull(const DbRow *row, int column)
{
	return PQgetisnull(row->result, row->row, column) == 1;
}

const char *
db_row_name(const DbRow *row, int column)
{
	return PQfname(row->result, column);
}

bool
db_begin(Db *db)
{
	return db_exec(db, "BEGIN");
}

bool
db_commit(Db *db)
{
	return db_exec(db, "COMMIT");
}

void
db_rollback(Db *db)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return;
	if (PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;

	PGresult *res = PQexec(db->conn, "ROLLBACK");

	PQclear(res);
}

bool
db_copy_begin(Db *db, const char *copy_sql)
{
	PGresult *res = PQexec(db->conn, copy_sql);

	if (PQresultStatus(res) != PGRES_COPY_IN)
	{
		db_report_result_error(db, res, "COPY refusé");
		PQclear(res);
		return false;
	}
	PQclear(res);
	db->copy_rows = 0;
	return true;
}

bool
db_copy_put(Db *db, const char *data, size_t len)
{
	if (PQputCopyData(db->conn, data, (int) len) != 1)
	{
		log_error("envoi COPY interrompu : %s", PQerrorMessage(db->conn));
		snprintf(db->sqlstate, sizeof(db->sqlstate), "08006");
		return false;
	}
	return true;
}

/* Drains results until the connection is idle again; true when all were OK. */
static bool
db_finish_results(Db *db, const char *what)
{
	bool ok = true;
	PGresult *res;

	while ((res = PQgetResult(db->conn)) != NULL)
	{
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			if (ok)
				db_report_result_error(db, res, what);
			ok = false;
		}
		PQclear(res);
	}
	return ok;
}

bool
db_copy_end(Db *db)
{
	if (PQputCopyEnd(db->conn, NULL) != 1)
	{
		log_error("fin de COPY impossible : %s", PQerrorMessage(db->conn));
		return false;
	}
	return db_finish_results(db, "COPY refusé");
}

void
db_copy_abort(Db *db, const char *why)
{
	PQputCopyEnd(db->conn, why);
	PGresult *res;

	while ((res = PQgetResult(db->conn)) != NULL)
		PQclear(res);
}

char *
db_quote_identifier(Db *db, const char *identifier)
{
	char *quoted = PQescapeIdentifier(db->conn, identifier, strlen(identifier));

	if (quoted == NULL)
		log_error("identifiant invalide « %s » : %s", identifier,
				  PQerrorMessage(db->conn));
	return quoted;
}

bool
db_set_role_password(Db *db, const char *role, const char *password)
{
	char *verifier = PQencryptPasswordConn(db->conn, password, role, "scram-sha-256");

	if (verifier == NULL)
	{
		log_error("chiffrement du mot de passe impossible : %s", PQerrorMessage(db->conn));
		return false;
	}

	char *quoted_role = PQescapeIdentifier(db->conn, role, strlen(role));
	char *quoted_verifier = PQescapeLiteral(db->conn, verifier, strlen(verifier));
	bool ok = false;

	/*
	 * ALTER ROLE takes no parameter. The statement holds only the role name quoted by
	 * libpq and the SCRAM verifier computed here: the password itself never reaches the
	 * server, nor its log.
	 */
	if (quoted_role && quoted_verifier)
	{
		size_t size = strlen(quoted_role) + strlen(quoted_verifier) + 32;
		char *sql = malloc(size);

		if (sql)
		{
			snprintf(sql, size, "ALTER ROLE %s PASSWORD %s", quoted_role, quoted_verifier);
			ok = db_exec(db, sql);
			explicit_bzero(sql, size);
			free(sql);
		}
	}
	else
		log_error("rôle ou mot de passe invalide : %s", PQerrorMessage(db->conn));
	if (quoted_role)
		PQfreemem(quoted_role);
	if (quoted_verifier)
		PQfreemem(quoted_verifier);
	explicit_bzero(verifier, strlen(verifier));
	PQfreemem(verifier);
	return ok;
}

void
db_free(void *ptr)
{
	PQfreemem(ptr);
}

bool
db_connection_lost(const Db *db)
{
	return strncmp(db->sqlstate, "08", 2) == 0;
}
