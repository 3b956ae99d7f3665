/*
 * compress.c - the trace reader's input and gcsim's output, plain or
 * compressed: zlib's inflate/deflate for gzip (with the gzip wrapper, and
 * members read one after another as gzip -d does) and libzstd's streaming
 * API for zstd.  Memory is a fixed buffer plus the codec's own state,
 * whatever the length of the stream.
 *
 * GCSIM_HAVE_ZLIB and GCSIM_HAVE_ZSTD say which libraries the build found;
 * without one, its streams are still recognised (by name and by their
 * magic number) and refused with a message that names the missing support.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef GCSIM_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef GCSIM_HAVE_ZSTD
#include <zstd.h>
#endif

#include "compress.h"
#include "trace_impl.h"

#define IN_CAP (128UL << 10)    /* compressed bytes read at a time */
#define OUT_CAP (128UL << 10)   /* compressed bytes written at a time */

static const struct {
	const char *ext, *name;
	unsigned char magic[4];
	size_t nmagic;
	int available;
} kinds[] = {
	[SIM_COMPRESS_NONE] = { NULL, NULL, { 0 }, 0, 1 },
	[SIM_COMPRESS_GZIP] = { ".gz", "gzip", { 0x1F, 0x8B }, 2,
#ifdef GCSIM_HAVE_ZLIB
				1
#else
				0
#endif
	},
	[SIM_COMPRESS_ZSTD] = { ".zst", "zstd", { 0x28, 0xB5, 0x2F, 0xFD }, 4,
#ifdef GCSIM_HAVE_ZSTD
				1
#else
				0
#endif
	},
};
#define NKINDS ((int)(sizeof(kinds) / sizeof(kinds[0])))

enum sim_compress sim_compress_of_path(const char *path)
{
	for (int k = 1; k < NKINDS; k++)
		if (tr_has_ext(path, strlen(path), kinds[k].ext))
			return (enum sim_compress)k;
	return SIM_COMPRESS_NONE;
}

size_t sim_compress_stem(const char *path)
{
	enum sim_compress c = sim_compress_of_path(path);

	return strlen(path) - (c ? strlen(kinds[c].ext) : 0);
}

const char *sim_compress_name(enum sim_compress c)
{
	return kinds[c].name;
}

int sim_compress_available(enum sim_compress c)
{
	return kinds[c].available;
}

static int sys_error(struct sim_diag *d, const char *name, const char *what, int err)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return sim_diag_set(d, SIM_EIO, name, 0, 0, "%s: %s", what, buf);
}

static int unsupported(struct sim_diag *d, const char *name, enum sim_compress c)
{
	return sim_diag_set(d, SIM_EIO, name, 0, 0,
			    "gcsim was built without %s support", kinds[c].name);
}

/* The input */

/*
 * Compressed input waits in in[at..len).  Before the first read the
 * compression may be unknown (decided == 0): the first bytes are read into
 * in and looked at, and a plain input then gets them back first.
 */
struct sim_source {
	int fd;
	const char *name;
	enum sim_compress c;
	int decided;
	int started;            /* a codec's stream was begun */
	uint64_t consumed;      /* bytes read from fd */
	unsigned char *in;
	size_t at, len;
	int in_eof;             /* read() has returned 0 */
	int open;               /* inside a gzip member or zstd frame */
#ifdef GCSIM_HAVE_ZLIB
	z_stream z;
#endif
#ifdef GCSIM_HAVE_ZSTD
	ZSTD_DStream *zs;
#endif
};

sim_source *sim_source_new(int fd, enum sim_compress c, const char *name)
{
	sim_source *s = tr_xrealloc(NULL, sizeof(*s));

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->name = name;
	s->c = c;
	s->in = tr_xrealloc(NULL, IN_CAP);
	return s;
}

#if defined(GCSIM_HAVE_ZLIB) || defined(GCSIM_HAVE_ZSTD)
static int refill(sim_source *s, struct sim_diag *d)
{
	ssize_t n;

	do
		n = read(s->fd, s->in, IN_CAP);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sys_error(d, s->name, "read error", errno);
	s->at = 0;
	s->len = (size_t)n;
	s->consumed += (uint64_t)n;
	s->in_eof = n == 0;
	return SIM_OK;
}

#endif

/* The input offset of in[at]: what a message about bad data points at. */
static uint64_t position(const sim_source *s)
{
	return s->consumed - (s->len - s->at);
}

#if defined(GCSIM_HAVE_ZLIB) || defined(GCSIM_HAVE_ZSTD)
/*
 * The codecs find bad data some way after where it is: upto says how far
 * they had read, the most a message can say.
 */
static int bad_data(sim_source *s, struct sim_diag *d, uint64_t upto,
		    const char *why)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s", why);
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return sim_diag_set(d, SIM_EIO, s->name, 0, 0,
			    "corrupt %s data (found reading up to byte %llu): %s",
			    kinds[s->c].name, (unsigned long long)upto, buf);
}

static int truncated(sim_source *s, struct sim_diag *d)
{
	return sim_diag_set(d, SIM_EIO, s->name, 0, 0,
			    "truncated %s data (it ends at byte %llu inside a %s)",
			    kinds[s->c].name, (unsigned long long)s->consumed,
			    s->c == SIM_COMPRESS_GZIP ? "member" : "frame");
}


/*
 * After a codec's step that gave nothing: *more = 1 when there is input to
 * decode again, 0 at a clean end; the end inside a member or frame is an
 * error.
 */
static int more_input(sim_source *s, struct sim_diag *d, int *more)
{
	*more = 1;
	if (s->at < s->len)
		return SIM_OK;
	if (s->in_eof) {
		*more = 0;
		return s->open ? truncated(s, d) : SIM_OK;
	}
	return refill(s, d);
}
#endif

static int has_magic(const sim_source *s, enum sim_compress c)
{
	return s->len - s->at >= kinds[c].nmagic &&
		memcmp(s->in + s->at, kinds[c].magic, kinds[c].nmagic) == 0;
}

/* Look at the first bytes: the compression, and a codec to read it with. */
static int decide(sim_source *s, struct sim_diag *d)
{
	int rc;

	while (s->len < 4 && !s->in_eof) {
		ssize_t n;

		do
			n = read(s->fd, s->in + s->len, IN_CAP - s->len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return sys_error(d, s->name, "read error", errno);
		s->len += (size_t)n;
		s->consumed += (uint64_t)n;
		s->in_eof = n == 0;
	}
	if (!kinds[s->c].available) {
		return unsupported(d, s->name, s->c);
	} else if (s->c == SIM_COMPRESS_NONE) {
		for (int k = 1; k < NKINDS; k++)
			if (has_magic(s, (enum sim_compress)k))
				s->c = (enum sim_compress)k;
	} else if (!has_magic(s, s->c)) {
		return sim_diag_set(d, SIM_EIO, s->name, 0, 0,
				    "not %s data (the name ends in %s)",
				    kinds[s->c].name, kinds[s->c].ext);
	}
	/* undecided still when refused: a codec is never missing later */
	if (!kinds[s->c].available)
		return unsupported(d, s->name, s->c);
	s->decided = 1;
	rc = SIM_OK;
#ifdef GCSIM_HAVE_ZLIB
	if (s->c == SIM_COMPRESS_GZIP) {
		/* 16 + 15: the gzip wrapper, the largest window */
		if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
			abort();
		s->started = 1;
	}
#endif
#ifdef GCSIM_HAVE_ZSTD
	if (s->c == SIM_COMPRESS_ZSTD) {
		if (!(s->zs = ZSTD_createDStream()))
			abort();
		s->started = 1;
	}
#endif
	return rc;
}

static int plain_read(sim_source *s, void *buf, size_t cap, size_t *got,
		      struct sim_diag *d)
{
	ssize_t n;

	if (s->at < s->len) {
		size_t k = s->len - s->at < cap ? s->len - s->at : cap;

		memcpy(buf, s->in + s->at, k);
		s->at += k;
		*got = k;
		return SIM_OK;
	}
	if (s->in_eof) {
		*got = 0;
		return SIM_OK;
	}
	do
		n = read(s->fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sys_error(d, s->name, "read error", errno);
	s->consumed += (uint64_t)n;
	*got = (size_t)n;
	return SIM_OK;
}

#ifdef GCSIM_HAVE_ZLIB
static int gzip_read(sim_source *s, void *buf, size_t cap, size_t *got,
		     struct sim_diag *d)
{
	z_stream *z = &s->z;
	int rc, more;

	z->next_out = buf;
	z->avail_out = (uInt)cap;
	for (;;) {
		if (s->at < s->len)
			s->open = 1;
		z->next_in = s->in + s->at;
		z->avail_in = (uInt)(s->len - s->at);
		rc = inflate(z, Z_NO_FLUSH);
		s->at = s->len - z->avail_in;
		if (rc == Z_STREAM_END) {
			/* the member's end; another may follow */
			inflateReset(z);
			s->open = 0;
		} else if (rc == Z_DATA_ERROR) {
			return bad_data(s, d, position(s),
					z->msg ? z->msg : "inflate failed");
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return bad_data(s, d, position(s), "inflate failed");
		}
		if (z->avail_out < cap)
			break;
		if ((rc = more_input(s, d, &more)) != SIM_OK)
			return rc;
		if (!more)
			break;
	}
	*got = cap - z->avail_out;
	return SIM_OK;
}
#endif

#ifdef GCSIM_HAVE_ZSTD
static int zstd_read(sim_source *s, void *buf, size_t cap, size_t *got,
		     struct sim_diag *d)
{
	ZSTD_outBuffer ob = { buf, cap, 0 };
	int rc, more;

	for (;;) {
		ZSTD_inBuffer ib = { s->in + s->at, s->len - s->at, 0 };
		size_t r = ZSTD_decompressStream(s->zs, &ob, &ib);

		s->at += ib.pos;
		if (ZSTD_isError(r))
			return bad_data(s, d, s->consumed,
					ZSTD_getErrorName(r));
		/*
		 * 0: a frame ended and all of it was given out.  A call that
		 * took and gave nothing says nothing (between frames it asks
		 * for the next frame's header).
		 */
		if (ib.pos > 0 || ob.pos > 0)
			s->open = r != 0;
		if (ob.pos > 0)
			break;
		if ((rc = more_input(s, d, &more)) != SIM_OK)
			return rc;
		if (!more)
			break;
	}
	*got = ob.pos;
	return SIM_OK;
}
#endif

int sim_source_read(sim_source *s, void *buf, size_t cap, size_t *got,
		    struct sim_diag *d)
{
	int rc;

	*got = 0;
	if (!s->decided && (rc = decide(s, d)) != SIM_OK)
		return rc;
#ifdef GCSIM_HAVE_ZLIB
	if (s->c == SIM_COMPRESS_GZIP)
		return gzip_read(s, buf, cap, got, d);
#endif
#ifdef GCSIM_HAVE_ZSTD
	if (s->c == SIM_COMPRESS_ZSTD)
		return zstd_read(s, buf, cap, got, d);
#endif
	return plain_read(s, buf, cap, got, d);
}

uint64_t sim_source_consumed(const sim_source *s)
{
	return position(s);
}

enum sim_compress sim_source_compression(const sim_source *s)
{
	return s->decided ? s->c : SIM_COMPRESS_NONE;
}

void sim_source_free(sim_source *s)
{
	if (!s)
		return;
#ifdef GCSIM_HAVE_ZLIB
	if (s->started && s->c == SIM_COMPRESS_GZIP)
		inflateEnd(&s->z);
#endif
#ifdef GCSIM_HAVE_ZSTD
	ZSTD_freeDStream(s->zs);
#endif
	free(s->in);
	free(s);
}

/* The output */

struct sim_sink {
	int fd;
	const char *name;
	enum sim_compress c;
	unsigned char *out;     /* compressed bytes not written yet */
#ifdef GCSIM_HAVE_ZLIB
	z_stream z;
#endif
#ifdef GCSIM_HAVE_ZSTD
	ZSTD_CStream *zs;
#endif
};

int sim_sink_new(sim_sink **out, int fd, enum sim_compress c, const char *name,
		 struct sim_diag *d)
{
	sim_sink *s;

	*out = NULL;
	if (!kinds[c].available)
		return unsupported(d, name, c);
	s = tr_xrealloc(NULL, sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->name = name;
	s->c = c;
	if (c != SIM_COMPRESS_NONE)
		s->out = tr_xrealloc(NULL, OUT_CAP);
#ifdef GCSIM_HAVE_ZLIB
	if (c == SIM_COMPRESS_GZIP &&
	    deflateInit2(&s->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS,
			 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
#endif
#ifdef GCSIM_HAVE_ZSTD
	if (c == SIM_COMPRESS_ZSTD && !(s->zs = ZSTD_createCStream()))
		abort();
#endif
	*out = s;
	return SIM_OK;
}

static int write_all(sim_sink *s, const void *buf, size_t n, struct sim_diag *d)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t k = write(s->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return sys_error(d, s->name, "write error", errno);
		p += k;
		n -= (size_t)k;
	}
	return SIM_OK;
}

#ifdef GCSIM_HAVE_ZLIB
/* Deflate what z holds with flush, writing each full output buffer. */
static int gzip_push(sim_sink *s, int flush, struct sim_diag *d)
{
	z_stream *z = &s->z;
	int zr, rc;

	do {
		z->next_out = s->out;
		z->avail_out = (uInt)OUT_CAP;
		zr = deflate(z, flush);
		if (zr == Z_STREAM_ERROR)
			abort();
		rc = write_all(s, s->out, OUT_CAP - z->avail_out, d);
		if (rc)
			return rc;
	} while (z->avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return SIM_OK;
}
#endif

#ifdef GCSIM_HAVE_ZSTD
static int zstd_push(sim_sink *s, const void *buf, size_t n, ZSTD_EndDirective end,
		     struct sim_diag *d)
{
	ZSTD_inBuffer ib = { buf, n, 0 };
	size_t left;
	int rc;

	do {
		ZSTD_outBuffer ob = { s->out, OUT_CAP, 0 };

		left = ZSTD_compressStream2(s->zs, &ob, &ib, end);
		if (ZSTD_isError(left))
			return sim_diag_set(d, SIM_EIO, s->name, 0, 0,
					    "zstd compression failed: %s",
					    ZSTD_getErrorName(left));
		if ((rc = write_all(s, s->out, ob.pos, d)) != SIM_OK)
			return rc;
	} while (ib.pos < ib.size || (end == ZSTD_e_end && left != 0));
	return SIM_OK;
}
#endif

int sim_sink_write(sim_sink *s, const void *buf, size_t n, struct sim_diag *d)
{
	switch (s->c) {
#ifdef GCSIM_HAVE_ZLIB
	case SIM_COMPRESS_GZIP:
		s->z.next_in = (unsigned char *)(uintptr_t)buf;
		s->z.avail_in = (uInt)n;
		return gzip_push(s, Z_NO_FLUSH, d);
#endif
#ifdef GCSIM_HAVE_ZSTD
	case SIM_COMPRESS_ZSTD:
		return zstd_push(s, buf, n, ZSTD_e_continue, d);
#endif
	default:
		return write_all(s, buf, n, d);
	}
}

int sim_sink_finish(sim_sink *s, struct sim_diag *d)
{
	(void)d;        /* used only by the codecs */
	switch (s->c) {
#ifdef GCSIM_HAVE_ZLIB
	case SIM_COMPRESS_GZIP:
		s->z.next_in = NULL;
		s->z.avail_in = 0;
		return gzip_push(s, Z_FINISH, d);
#endif
#ifdef GCSIM_HAVE_ZSTD
	case SIM_COMPRESS_ZSTD:
		return zstd_push(s, NULL, 0, ZSTD_e_end, d);
#endif
	default:
		return SIM_OK;
	}
}

void sim_sink_free(sim_sink *s)
{
	if (!s)
		return;
#ifdef GCSIM_HAVE_ZLIB
	if (s->c == SIM_COMPRESS_GZIP)
		deflateEnd(&s->z);
#endif
#ifdef GCSIM_HAVE_ZSTD
	ZSTD_freeCStream(s->zs);
#endif
	free(s->out);
	free(s);
}
