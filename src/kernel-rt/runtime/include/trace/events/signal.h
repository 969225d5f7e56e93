/*
 * trace/events/signal.h - Linux's signal_deliver tracepoint, at Linux's
 * place: get_signal, once a signal is dequeued and its action read, before
 * the action (ignore, the default, or a handler) is taken. The record goes
 * to the trace device as the scheduler's do (<trace/events/sched.h>); its
 * fields are Linux's: sig, errno, code, sa_handler, sa_flags.
 */
#ifndef _TRACE_EVENTS_SIGNAL_H
#define _TRACE_EVENTS_SIGNAL_H

#include <trace/events/sched.h>
#include <linux/signal.h>

#define TRACE_SIGNAL_DELIVER	4

struct trace_signal_deliver {
	long sig;
	long errno;
	long code;
	unsigned long sa_handler;
	unsigned long sa_flags;
};

/* A macro, as the scheduler's: the event names the function it is in (get_signal). */
#define trace_signal_deliver(signr, info, ka)				\
	do {								\
		struct trace_signal_deliver __rec;			\
		__rec.sig = (signr);					\
		__rec.errno = (info)->si_errno;				\
		__rec.code = (info)->si_code;				\
		__rec.sa_handler = (ka)->sa_handler;			\
		__rec.sa_flags = (ka)->sa_flags;			\
		trace_device_write(TRACE_SIGNAL_DELIVER, &__rec);	\
	} while (0)

#endif /* _TRACE_EVENTS_SIGNAL_H */
