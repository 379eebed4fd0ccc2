/*
 * What every import sink shares: the choice of sink for a kind and the COPY buffer,
 * sent in chunks of COPY_FLUSH_SIZE (import_batch.c).
 */
#include <string.h>

#include "importers/import_batch.h"
#include "importers/import_sink.h"

void
import_sink_init(ImportSink *sink, Db *db, const KindSpec *kind, const char *display_name)
{
	*sink = (ImportSink) {.db = db, .kind = kind, .display_name = display_name};
	sink->ops = strcmp(kind->name, "heures") == 0 ? &sink_heures_ops : &sink_staged_ops;
}

bool
import_sink_flush(ImportSink *sink, bool force)
{
	return import_copy_flush(sink->db, &sink->copy, force);
}

bool
import_sink_end_copy(ImportSink *sink, bool ok)
{
	return import_copy_end(sink->db, &sink->copy, ok);
}

void
import_sink_free(ImportSink *sink)
{
	if (sink->ops)
		sink->ops->free(sink);
	strbuf_free(&sink->copy);
}
