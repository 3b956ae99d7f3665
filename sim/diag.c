/*
 * diag.c - diagnostics: where the input is wrong and why, in a struct the
 * caller owns, so that only cmd/ decides how to print it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

int sim_diag_set(struct sim_diag *d, int status, const char *file,
		 unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!d)
		return status;
	if (!file)
		file = "";
	len = strlen(file);
	if (len < sizeof(d->file)) {
		memmove(d->file, file, len + 1);
	} else {
		/* both ends: the directory a user knows, the name they typed */
		size_t half = (sizeof(d->file) - 4) / 2;

		memcpy(d->file, file, half);
		memcpy(d->file + half, "...", 3);
		memcpy(d->file + half + 3, file + len - half, half);
		d->file[2 * half + 3] = '\0';
	}
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return status;
}
