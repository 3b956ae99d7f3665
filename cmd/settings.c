/*
 * settings.c - compare's and report's settings, and the pool of threads
 * that replays them.
 */
#include <pthread.h>
#include <string.h>

#include "settings.h"

int settings_option(struct settings *s, const char *cmd, int opt, const char *arg)
{
	struct common_opts one = { 0 };

	if (opt != OPT_PYTHON && opt != OPT_THRESHOLD)
		return 0;
	if (common_option(&one, opt, arg) < 0)
		return -1;
	int *n = opt == OPT_PYTHON ? &s->npy : &s->nth;
	if (*n == SETTINGS_MAX) {
		errorf("%s takes at most %d %s", cmd, SETTINGS_MAX,
		       opt == OPT_PYTHON ? "versions" : "thresholds");
		return -1;
	}
	if (opt == OPT_PYTHON)
		s->python[s->npy++] = arg;
	else
		s->threshold[s->nth++] = one;
	return 1;
}

int settings_count(const struct settings *s)
{
	return (s->npy ? s->npy : 1) * (s->nth ? s->nth : 1);
}

void settings_apply(const struct settings *s, int i, struct common_opts *o)
{
	int nth = s->nth ? s->nth : 1;

	o->python = s->npy ? s->python[i / nth] : NULL;
	if (s->nth) {
		memcpy(o->threshold, s->threshold[i % nth].threshold, sizeof(o->threshold));
		memcpy(o->has_threshold, s->threshold[i % nth].has_threshold,
		       sizeof(o->has_threshold));
	}
}

struct pool {
	void (*fn)(void *arg, int i);
	void *arg;
	int n, next;
	pthread_mutex_t lock;
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		int i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		p->fn(p->arg, i);
	}
}

void run_parallel(int n, long jobs, void (*fn)(void *arg, int i), void *arg)
{
	struct pool p = { fn, arg, n, 0, PTHREAD_MUTEX_INITIALIZER };
	pthread_t tids[SETTINGS_MAX];
	int started = 0;

	if (jobs > n)
		jobs = n;
	if (jobs > SETTINGS_MAX)
		jobs = SETTINGS_MAX;
	/* A thread that cannot start leaves its share to the others. */
	for (long i = 1; i < jobs; i++)
		if (pthread_create(&tids[started], NULL, worker, &p) == 0)
			started++;
	worker(&p);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&p.lock);
}
