/*
 * diag.c - diagnostics: where the input is wrong and why, in a struct the
 * caller owns, so that only cmd/ decides how to print it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

int sim_diag_set(struct sim_diag *d, int status, const char *file,
		 unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return status;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return status;
}
