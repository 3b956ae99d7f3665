/*
 * diag.h - statuses and diagnostics shared by every part of the library.
 *
 * The library never prints: a function that meets bad input returns a
 * status and fills a struct sim_diag that the caller owns.
 */
#ifndef GCSIM_DIAG_H
#define GCSIM_DIAG_H

enum sim_status {
	SIM_OK = 0,
	SIM_EOF,    /* end of input (reader only) */
	SIM_ETRACE, /* the trace is invalid: diag says where and why */
	SIM_EIO,    /* the input could not be read */
	SIM_EUSAGE, /* the caller's options are invalid (an unknown profile) */
	SIM_EINTERNAL, /* a heap invariant broke: a gcsim bug (--check) */
};

/*
 * A path as long as the system lets one open fits whole; a longer one (only
 * ever in a "cannot open: file name too long") keeps its two ends.
 */
#define SIM_DIAG_FILE_MAX 4096

struct sim_diag {
	char file[SIM_DIAG_FILE_MAX]; /* path as given, or "<stdin>" */
	unsigned long line;  /* 1-based; 0 when there is no position */
	unsigned long col;   /* 1-based; 0 when unknown */
	char msg[512];       /* lowercase, the problem first, no full stop */
};

/* Fill diag with a formatted message; returns status, for tail calls. */
int sim_diag_set(struct sim_diag *d, int status, const char *file,
		 unsigned long line, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
