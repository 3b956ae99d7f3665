/*
 * report_series.c - a replay's figures in buckets of steps, and its
 * collections one by one (see report_series.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_series.h"

const char *const series_names[SERIES_N] = {
#define X(e, s) s,
	SERIES_FIGURES(X)
#undef X
};

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p) {
		fputs("gcsim: out of memory\n", stderr);
		abort();
	}
	return p;
}

void series_init(struct series *s, size_t maxmarks)
{
	memset(s, 0, sizeof(*s));
	s->width = 1;
	s->buckets = xcalloc(SERIES_BUCKETS, sizeof(*s->buckets));
	s->maxmarks = maxmarks;
}

void series_release(struct series *s)
{
	free(s->buckets);
	free(s->marks);
	memset(s, 0, sizeof(*s));
}

static void figures(int64_t v[SERIES_N], const sim *s, const struct sim_step *st)
{
	struct sim_garbage g;
	int64_t tuples = 0;

	for (int i = 0; i < 3; i++) {
		v[SER_COUNT0 + i] = st->count[i];
		v[SER_T0 + i] = st->threshold[i];
		v[SER_GEN0 + i] = (int64_t)st->gen_sizes[i];
	}
	v[SER_LIVE] = (int64_t)st->live;
	v[SER_TRACKED] = (int64_t)(st->gen_sizes[0] + st->gen_sizes[1] +
				   st->gen_sizes[2] + st->permanent);
	sim_get_garbage(s, &g);
	v[SER_GARBAGE] = (int64_t)g.waiting;
	v[SER_FL_LIST] = st->freelist.list;
	v[SER_FL_DICT] = st->freelist.dict;
	v[SER_FL_FLOAT] = st->freelist.flt;
	for (int i = 0; i < SIM_TUPLE_FREELISTS; i++)
		tuples += st->freelist.tuple[i];
	v[SER_FL_TUPLE] = tuples;
}

/* Two neighbours become one: twice the steps, the extremes of both. */
static void merge(struct series_bucket *into, const struct series_bucket *a,
		  const struct series_bucket *b)
{
	struct series_bucket m = *a;

	m.last_step = b->last_step;
	m.last_line = b->last_line;
	for (int i = 0; i < SERIES_N; i++) {
		if (b->min[i] < m.min[i])
			m.min[i] = b->min[i];
		if (b->max[i] > m.max[i])
			m.max[i] = b->max[i];
		m.last[i] = b->last[i];
	}
	*into = m;
}

void series_step(struct series *se, const sim *s, const struct sim_step *st)
{
	int64_t v[SERIES_N];
	uint64_t i = se->steps / se->width;

	figures(v, s, st);
	se->steps++;
	if (i >= SERIES_BUCKETS) {
		for (uint32_t k = 0; k < SERIES_BUCKETS / 2; k++)
			merge(&se->buckets[k], &se->buckets[2 * k], &se->buckets[2 * k + 1]);
		se->width *= 2;
		se->nbuckets = SERIES_BUCKETS / 2;
		i = (se->steps - 1) / se->width;
	}
	struct series_bucket *b = &se->buckets[i];
	if (i == se->nbuckets) {
		se->nbuckets++;
		b->first_step = st->step;
		b->first_line = st->line;
		memcpy(b->min, v, sizeof(v));
		memcpy(b->max, v, sizeof(v));
	} else {
		for (int k = 0; k < SERIES_N; k++) {
			if (v[k] < b->min[k])
				b->min[k] = v[k];
			if (v[k] > b->max[k])
				b->max[k] = v[k];
		}
	}
	b->last_step = st->step;
	b->last_line = st->line;
	memcpy(b->last, v, sizeof(v));

	for (uint32_t k = 0; k < st->ncollections; k++) {
		se->collections++;
		if (se->nmarks == se->maxmarks) {
			se->marks_dropped++;
			continue;
		}
		if (se->nmarks == se->capmarks) {
			se->capmarks = se->capmarks ? 2 * se->capmarks : 256;
			se->marks = realloc(se->marks, se->capmarks * sizeof(*se->marks));
			if (!se->marks) {
				fputs("gcsim: out of memory\n", stderr);
				abort();
			}
		}
		struct series_mark *m = &se->marks[se->nmarks++];
		m->step = st->step;
		m->line = st->line;
		m->k = k;
		m->n = st->ncollections;
		m->c = st->collections[k];
		memcpy(m->after, v, sizeof(v));
	}
}
