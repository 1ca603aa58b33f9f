/*
 * signals.h - fatal signals and the work in flight (signals.c).
 *
 * A one-shot tool or replay killed by SIGINT, SIGTERM or SIGHUP removes
 * its temporary outputs (registered in flowmodels/inflight.h) before it
 * dies of the signal, so a target is never left half-written and no
 * partial temporary stays behind.  A SIGBUS raised by a memory-mapped
 * input that shrank or was rewritten while being read becomes one line
 * "flowmodels: FILE: the input changed while being read ..." and exit
 * status 1, the temporaries removed.
 */
#ifndef FLOWMODELS_CMD_SIGNALS_H
#define FLOWMODELS_CMD_SIGNALS_H

/* Install the SIGBUS handler, and with stop_signals those of SIGINT,
 * SIGTERM and SIGHUP (the workbench handles these itself). */
void cmd_signals_install(int stop_signals);

#endif
