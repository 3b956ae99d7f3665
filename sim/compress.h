/*
 * compress.h - traces kept compressed: a source that the reader pulls
 * bytes from (a plain file, a gzip stream or a zstd stream) and a sink
 * that a writer pushes bytes into, both streaming in bounded memory.
 *
 * The codecs (trace_text.c, trace_json.c) never see compressed bytes: the
 * reader's buffer is filled from a source, and a file gcsim writes goes
 * through a sink.  gzip needs zlib and zstd needs libzstd at build time;
 * without one, opening such a stream fails with a message that says so.
 *
 * Ownership: sim_source_new() and sim_sink_new() return objects the caller
 * releases with sim_source_free() and sim_sink_free(); neither closes the
 * file descriptor it was given.
 */
#ifndef GCSIM_COMPRESS_H
#define GCSIM_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum sim_compress {
	SIM_COMPRESS_NONE,
	SIM_COMPRESS_GZIP,  /* .gz: RFC 1952, members one after another */
	SIM_COMPRESS_ZSTD,  /* .zst: zstd frames one after another */
};

/* The compression a path's last extension names (.gz, .zst, in any case). */
enum sim_compress sim_compress_of_path(const char *path);

/* The length of path without that extension (strlen(path) if none). */
size_t sim_compress_stem(const char *path);

/* "gzip", "zstd" (NULL for SIM_COMPRESS_NONE). */
const char *sim_compress_name(enum sim_compress c);

/* 1 when gcsim was built with the library c needs. */
int sim_compress_available(enum sim_compress c);

typedef struct sim_source sim_source;

/*
 * Read from fd.  c is the compression the name promises; with
 * SIM_COMPRESS_NONE the first bytes decide (gzip's and zstd's magic
 * numbers), so standard input and a compressed file with any name are read
 * too.  name is for diagnostics and is borrowed for the source's life.
 */
sim_source *sim_source_new(int fd, enum sim_compress c, const char *name);

/*
 * Up to cap bytes of the (decompressed) input into buf: *got is 0 at the
 * end only.  SIM_OK, or SIM_EIO with d filled (a read error, corrupt or
 * truncated data, a compression gcsim was built without).
 */
int sim_source_read(sim_source *s, void *buf, size_t cap, size_t *got,
		    struct sim_diag *d);

/* Bytes taken from fd so far: compressed bytes, for a compressed input. */
uint64_t sim_source_consumed(const sim_source *s);

/* The compression found: SIM_COMPRESS_NONE too before the first read. */
enum sim_compress sim_source_compression(const sim_source *s);

void sim_source_free(sim_source *s);

typedef struct sim_sink sim_sink;

/*
 * Write to fd in compression c (SIM_COMPRESS_NONE: as given).  SIM_OK, or
 * SIM_EIO with d filled when gcsim was built without c's library.
 */
int sim_sink_new(sim_sink **out, int fd, enum sim_compress c, const char *name,
		 struct sim_diag *d);

/* SIM_OK, or SIM_EIO with d filled (a write error). */
int sim_sink_write(sim_sink *s, const void *buf, size_t n, struct sim_diag *d);

/* End the stream and write what is pending: SIM_OK or SIM_EIO. */
int sim_sink_finish(sim_sink *s, struct sim_diag *d);

void sim_sink_free(sim_sink *s);

#endif
