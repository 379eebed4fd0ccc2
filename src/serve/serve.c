/*
 * clause serve's daemon: libmicrohttpd with a thread per connection, request bodies counted
 * and streamed, one log line per request, TLS from PEM files, a clean stop on SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/format_html.h"
#include "src/lib/log.h"
#include "src/lib/session.h"
#include "src/lib/strbuf.h"
#include "src/serve/serve_internal.h"

void
serve_config_defaults(ServeConfig *config)
{
	memset(config, 0, sizeof(*config));
	config->address = "127.0.0.1";
	config->port = SERVE_DEFAULT_PORT;
	config->max_body = SERVE_DEFAULT_MAX_BODY;
	config->session_idle = SERVE_DEFAULT_SESSION_IDLE;
	config->session_max = SERVE_DEFAULT_SESSION_MAX;
	config->connection_timeout = SERVE_DEFAULT_TIMEOUT;
}

time_t
serve_now(const Serve *serve)
{
	return (serve->clock_frozen ? serve->clock_frozen : time(NULL)) + serve->clock_shift;
}

void
serve_clock_shift(Serve *serve, long seconds)
{
	serve->clock_shift += seconds;
}

void
serve_clock_freeze(Serve *serve)
{
	serve->clock_frozen = time(NULL);
}

bool
reply_open(Reply *reply, unsigned status, const char *content_type)
{
	memset(reply, 0, sizeof(*reply));
	reply->status = status;
	reply->content_type = content_type;
	reply->out = open_memstream(&reply->body, &reply->len);
	if (reply->out == NULL)
		log_error("mémoire insuffisante");
	return reply->out != NULL;
}

void
reply_header(Reply *reply, const char *name, const char *value)
{
	if (reply->nheaders < (int) (sizeof(reply->headers) / sizeof(reply->headers[0])))
		snprintf(reply->headers[reply->nheaders++], sizeof(reply->headers[0]), "%s: %s", name, value);
}

/* Headers every reply carries: nothing cached, nothing loaded from elsewhere. */
static void
reply_add_safety_headers(struct MHD_Response *response)
{
	MHD_add_response_header(response, "Cache-Control", "no-store");
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(response, "X-Frame-Options", "DENY");
	MHD_add_response_header(response, "Content-Security-Policy",
							"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
							"form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
}

/* Queues the reply and frees its buffers; the body is copied by libmicrohttpd. */
enum MHD_Result
reply_send(Request *request, Reply *reply)
{
	if (reply->out)
		fclose(reply->out);
	reply->out = NULL;

	struct MHD_Response *response =
		MHD_create_response_from_buffer(reply->body ? reply->len : 0, reply->body ? reply->body : "",
										MHD_RESPMEM_MUST_COPY);

	free(reply->body);
	reply->body = NULL;
	if (response == NULL)
		return MHD_NO;
	reply_add_safety_headers(response);
	if (reply->content_type)
		MHD_add_response_header(response, "Content-Type", reply->content_type);
	for (int i = 0; i < reply->nheaders; i++)
	{
		char *colon = strchr(reply->headers[i], ':');

		if (colon == NULL)
			continue;
		*colon = '\0';
		MHD_add_response_header(response, reply->headers[i], colon + 2);
	}
	request->status = reply->status;

	enum MHD_Result result = MHD_queue_response(request->connection, reply->status, response);

	MHD_destroy_response(response);
	return result;
}

enum MHD_Result
reply_redirect(Request *request, const char *location)
{
	Reply reply;

	if (!reply_open(&reply, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8"))
		return MHD_NO;
	reply_header(&reply, "Location", location);
	return reply_send(request, &reply);
}

enum MHD_Result
reply_error(Request *request, unsigned status, const char *message)
{
	Reply reply;
	const char *title = status == MHD_HTTP_NOT_FOUND ? "Page introuvable"
		: status == MHD_HTTP_FORBIDDEN ? "Requête refusée"
		: status == MHD_HTTP_CONTENT_TOO_LARGE ? "Envoi trop volumineux"
		: status == MHD_HTTP_TOO_MANY_REQUESTS ? "Trop de tentatives"
		: status >= 500 ? "Erreur du serveur" : "Requête invalide";

	if (!page_open(request, &reply, title))
		return MHD_NO;
	reply.status = status;
	fputs("<h1>", reply.out);
	html_escape(reply.out, title);
	fputs("</h1>\n<p>", reply.out);
	html_escape(reply.out, message);
	fputs("</p>\n<p><a href=\"/\">Retour à l'accueil</a></p>\n", reply.out);
	return page_send(request, &reply);
}

const char *
request_field(const Request *request, const char *name)
{
	for (int i = 0; i < request->nfields; i++)
		if (strcmp(request->fields[i].name, name) == 0)
			return request->fields[i].value;
	return NULL;
}

const char *
request_query(const Request *request, const char *name)
{
	return MHD_lookup_connection_value(request->connection, MHD_GET_ARGUMENT_KIND, name);
}

bool
serve_owner_connect(const Serve *serve, Db *db)
{
	return db_connect(db, serve->config.owner_conninfo ? serve->config.owner_conninfo : serve->conninfo);
}

void
serve_owner_lock(Serve *serve)
{
	pthread_mutex_lock(&serve->owner_lock);
}

void
serve_owner_unlock(Serve *serve)
{
	pthread_mutex_unlock(&serve->owner_lock);
}

/* Keeps a small form field (several calls for one value are appended). */
static bool
request_keep_field(Request *request, const char *key, const char *data, uint64_t off, size_t size)
{
	FormField *field = NULL;

	if (off > 0)
		for (int i = request->nfields - 1; i >= 0 && field == NULL; i--)
			if (strcmp(request->fields[i].name, key) == 0)
				field = &request->fields[i];
	if (field == NULL)
	{
		if (request->nfields >= SERVE_MAX_FIELDS || strlen(key) >= sizeof(field->name))
			return false;
		field = &request->fields[request->nfields++];
		snprintf(field->name, sizeof(field->name), "%s", key);
		field->len = 0;
	}
	if (field->len + size >= sizeof(field->value))
		return false;
	memcpy(field->value + field->len, data, size);
	field->len += size;
	field->value[field->len] = '\0';
	return true;
}

static enum MHD_Result
request_post_iterator(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
					  const char *content_type, const char *transfer_encoding,
					  const char *data, uint64_t off, size_t size)
{
	Request *request = cls;

	(void) kind;
	(void) content_type;
	(void) transfer_encoding;
	if (filename == NULL)
	{
		if (!request_keep_field(request, key, data, off, size))
			request->bad_body = true;
		return request->bad_body ? MHD_NO : MHD_YES;
	}
	if (off == 0 && !serve_upload_begin(request, filename))
	{
		request->bad_body = true;
		return MHD_NO;
	}
	if (size > 0 && !serve_upload_write(request, data, size))
	{
		request->bad_body = true;
		return MHD_NO;
	}
	return MHD_YES;
}

/* An address of the peer or of X-Forwarded-For as bytes (4 or 16); 0 when not one. */
static size_t
address_bytes(const char *text, unsigned char out[16])
{
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, out) == 1)
		return 16;
	return 0;
}

/*
 * The client's address: the peer's, unless the peer is the trusted reverse proxy; then the
 * last address of X-Forwarded-For (the one that proxy appended: the ones before it are
 * whatever the client sent), when it is an address. HTTPS at that proxy makes cookies Secure.
 */
static void
request_client_address(Request *request)
{
	const Serve *serve = request->serve;
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(request->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	unsigned char peer[16];
	size_t peer_len = 0;

	snprintf(request->address, sizeof(request->address), "?");
	request->secure = serve->tls;
	if (info && info->client_addr && info->client_addr->sa_family == AF_INET)
	{
		const struct in_addr *in = &((const struct sockaddr_in *) info->client_addr)->sin_addr;

		inet_ntop(AF_INET, in, request->address, sizeof(request->address));
		memcpy(peer, in, peer_len = 4);
	}
	else if (info && info->client_addr && info->client_addr->sa_family == AF_INET6)
	{
		const struct in6_addr *in6 = &((const struct sockaddr_in6 *) info->client_addr)->sin6_addr;

		inet_ntop(AF_INET6, in6, request->address, sizeof(request->address));
		memcpy(peer, in6, peer_len = 16);
	}
	if (serve->proxy_len == 0 || peer_len != serve->proxy_len || memcmp(peer, serve->proxy, peer_len) != 0)
		return;

	const char *forwarded = MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND,
														"X-Forwarded-For");
	const char *proto = MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND,
													"X-Forwarded-Proto");
	char last[64];
	unsigned char client[16];

	if (proto && strcasecmp(proto, "https") == 0)
		request->secure = true;
	if (forwarded == NULL)
		return;

	const char *comma = strrchr(forwarded, ',');
	const char *start = comma ? comma + 1 : forwarded;

	start += strspn(start, " \t");
	snprintf(last, sizeof(last), "%.*s", (int) strcspn(start, " \t"), start);
	if (address_bytes(last, client) > 0)
		snprintf(request->address, sizeof(request->address), "%s", last);
}

/* The first call of a request: its context, its session, what its body may be. */
static Request *
request_new(Serve *serve, struct MHD_Connection *connection, const char *url, const char *method)
{
	Request *request = calloc(1, sizeof(*request));

	if (request == NULL)
		return NULL;
	request->serve = serve;
	request->connection = connection;
	request->url = url;
	request->method = method;
	request->upload_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &request->started);
	request_client_address(request);
	request->session = serve_session_find(serve, connection);

	const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
													 MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (length && strtoull(length, NULL, 10) > serve->config.max_body)
		request->too_large = true;
	else if (strcmp(method, "POST") == 0)
		request->post = MHD_create_post_processor(connection, 16 * 1024, request_post_iterator, request);
	return request;
}

static enum MHD_Result
serve_access(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
			 const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	Serve *serve = cls;
	Request *request = *con_cls;

	(void) version;
	if (request == NULL)
	{
		request = request_new(serve, connection, url, method);
		*con_cls = request;
		if (request == NULL)
			return MHD_NO;
		if (request->too_large)
			return reply_error(request, MHD_HTTP_CONTENT_TOO_LARGE,
							   "La requête dépasse la taille permise : déposez les fichiers un par un.");
		return MHD_YES;
	}
	if (*upload_data_size > 0)
	{
		request->body_bytes += *upload_data_size;
		if (request->body_bytes > serve->config.max_body)
		{
			serve_upload_abort(request);
			*upload_data_size = 0;
			if (!request->too_large)
			{
				request->too_large = true;
				return reply_error(request, MHD_HTTP_CONTENT_TOO_LARGE,
								   "La requête dépasse la taille permise : déposez les fichiers un par un.");
			}
			return MHD_YES;
		}
		if (request->post && !request->bad_body &&
			MHD_post_process(request->post, upload_data, *upload_data_size) != MHD_YES)
			request->bad_body = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (request->too_large)
		return MHD_YES;
	if (request->bad_body)
	{
		serve_upload_abort(request);
		return reply_error(request, MHD_HTTP_BAD_REQUEST,
						   request->upload_error[0] ? request->upload_error
						   : "Le formulaire envoyé est incomplet ou invalide.");
	}
	return serve_route(request);
}

/* One line per request: who, what, the answer, how long; never a body nor a query. */
static void
serve_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
				enum MHD_RequestTerminationCode code)
{
	Request *request = *con_cls;

	(void) cls;
	(void) connection;
	if (request == NULL)
		return;

	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);

	double ms = (double) (now.tv_sec - request->started.tv_sec) * 1000.0 +
		(double) (now.tv_nsec - request->started.tv_nsec) / 1e6;

	log_notice("%s %s %s %u %s %.0f ms%s", request->address, request->method, request->url,
			   request->status, request->session ? request->session->role : "-", ms,
			   code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (interrompue)");
	serve_upload_abort(request);
	if (request->session)
		serve_session_release(request->serve, request->session);
	if (request->post)
		MHD_destroy_post_processor(request->post);
	free(request->nav);
	free(request);
	*con_cls = NULL;
}

/* A whole PEM file into memory, for libmicrohttpd's TLS options; NULL when reported. */
static char *
serve_read_pem(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char *text = NULL;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 1024 * 1024)
	{
		log_error("%s : fichier de certificat ou de clé illisible%s%s", path, fd < 0 ? " : " : "",
				  fd < 0 ? log_strerror(errno) : "");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	text = calloc(1, (size_t) st.st_size + 1);
	if (text && read(fd, text, (size_t) st.st_size) != st.st_size)
	{
		log_error("%s : lecture incomplète", path);
		free(text);
		text = NULL;
	}
	close(fd);
	return text;
}

/* Where readers log in, where the boxes are, which program runs `batch`. */
static bool
serve_resolve_paths(Serve *serve)
{
	char var_dir[PATH_MAX];
	Cluster cluster = {0};

	if (serve->config.conninfo)
		snprintf(serve->conninfo, sizeof(serve->conninfo), "%s", serve->config.conninfo);
	else
	{
		if (!session_cluster(&cluster) || !cluster_ensure_running(&cluster))
			return false;
		cluster_conninfo(&cluster, CLUSTER_DATABASE, serve->conninfo, sizeof(serve->conninfo));
	}
	if (!session_var_dir(var_dir, sizeof(var_dir)))
		return false;
	if (!str_format(serve->boxes_dir, sizeof(serve->boxes_dir), "%s",
					serve->config.boxes_dir ? serve->config.boxes_dir : "") ||
		(!serve->config.boxes_dir &&
		 !str_format(serve->boxes_dir, sizeof(serve->boxes_dir), "%s/boites", var_dir)) ||
		!str_format(serve->tmp_dir, sizeof(serve->tmp_dir), "%s/serve-tmp", var_dir))
		return false;
	(void) mkdir(var_dir, 0700);
	if ((mkdir(serve->boxes_dir, 0700) != 0 && errno != EEXIST) ||
		(mkdir(serve->tmp_dir, 0700) != 0 && errno != EEXIST))
	{
		log_error("impossible de créer %s ou %s : %s", serve->boxes_dir, serve->tmp_dir,
				  log_strerror(errno));
		return false;
	}
	if (serve->config.clause_bin)
		return str_format(serve->clause_bin, sizeof(serve->clause_bin), "%s", serve->config.clause_bin);

	ssize_t n = readlink("/proc/self/exe", serve->clause_bin, sizeof(serve->clause_bin) - 1);

	if (n <= 0)
		return false;
	serve->clause_bin[n] = '\0';
	return true;
}

static struct MHD_Daemon *
serve_start_daemon(Serve *serve, const struct sockaddr_in *address)
{
	/* a thread per connection: a slow page or a box run holds only its own reader */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO;

	if (serve->tls)
		return MHD_start_daemon(flags | MHD_USE_TLS, serve->config.port, NULL, NULL,
								serve_access, serve,
								MHD_OPTION_SOCK_ADDR, address,
								MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) serve->config.connection_timeout,
								MHD_OPTION_NOTIFY_COMPLETED, serve_completed, serve,
								MHD_OPTION_CONNECTION_LIMIT, 64u,
								MHD_OPTION_HTTPS_MEM_CERT, serve->tls_cert,
								MHD_OPTION_HTTPS_MEM_KEY, serve->tls_key,
								MHD_OPTION_END);
	return MHD_start_daemon(flags, serve->config.port, NULL, NULL, serve_access, serve,
							MHD_OPTION_SOCK_ADDR, address,
							MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) serve->config.connection_timeout,
							MHD_OPTION_NOTIFY_COMPLETED, serve_completed, serve,
							MHD_OPTION_CONNECTION_LIMIT, 64u,
							MHD_OPTION_END);
}

Serve *
serve_start(const ServeConfig *config)
{
	Serve *serve = calloc(1, sizeof(*serve));
	struct sockaddr_in address = {0};

	if (serve == NULL)
		return NULL;
	serve->config = *config;
	address.sin_family = AF_INET;
	address.sin_port = htons((uint16_t) config->port);
	if (inet_pton(AF_INET, config->address, &address.sin_addr) != 1)
	{
		log_error("adresse d'écoute invalide « %s » (une adresse IPv4, par exemple 127.0.0.1)",
				  config->address);
		free(serve);
		return NULL;
	}
	if ((config->cert_file != NULL) != (config->key_file != NULL))
	{
		log_error("TLS demande à la fois --certificat et --cle");
		free(serve);
		return NULL;
	}
	if (config->trusted_proxy && (serve->proxy_len = address_bytes(config->trusted_proxy, serve->proxy)) == 0)
	{
		log_error("adresse de proxy invalide « %s » (une adresse IPv4 ou IPv6, par exemple 127.0.0.1)",
				  config->trusted_proxy);
		free(serve);
		return NULL;
	}
	pthread_mutex_init(&serve->owner_lock, NULL);
	serve_sessions_init(serve);
	serve->tls = config->cert_file != NULL;
	if ((serve->tls && ((serve->tls_cert = serve_read_pem(config->cert_file)) == NULL ||
						(serve->tls_key = serve_read_pem(config->key_file)) == NULL)) ||
		!serve_resolve_paths(serve) || !serve_sessions_limit(serve) ||
		(serve->daemon = serve_start_daemon(serve, &address)) == NULL)
	{
		if (serve->daemon == NULL && serve->max_sessions > 0)
			log_error("le serveur web n'a pas démarré sur %s:%u (port occupé ?)", config->address,
					  config->port);
		serve_stop(serve);
		return NULL;
	}
	return serve;
}

unsigned
serve_port(const Serve *serve)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(serve->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return info ? info->port : 0;
}

void
serve_stop(Serve *serve)
{
	if (serve == NULL)
		return;
	if (serve->daemon)
		MHD_stop_daemon(serve->daemon);
	serve_sessions_end_all(serve);
	serve_sessions_destroy(serve);
	pthread_mutex_destroy(&serve->owner_lock);
	if (serve->tls_key)
		memset(serve->tls_key, 0, strlen(serve->tls_key));
	free(serve->tls_cert);
	free(serve->tls_key);
	free(serve);
}

bool
serve_run_until_signal(const ServeConfig *config)
{
	sigset_t signals;
	int received = 0;

	/* blocked before the daemon's thread starts, so that only sigwait below sees them */
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	Serve *serve = serve_start(config);

	if (serve == NULL)
		return false;
	printf("clause serve : %s://%s:%u/ (arrêt : Ctrl-C ou SIGTERM)\n", serve->tls ? "https" : "http",
		   config->address, serve_port(serve));
	fflush(stdout);
	sigwait(&signals, &received);
	log_notice("arrêt demandé (%s) : fin des requêtes en cours", received == SIGTERM ? "SIGTERM" : "SIGINT");
	serve_stop(serve);
	return true;
}
