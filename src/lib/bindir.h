/*
 * bindir.h - the one scanner of binary directories (SPEC 2) and the one
 * list of type codes, for every tool that reads one: the reader
 * (io-binary.c), sort and cut (private to libflowmodels).
 *
 * A binary directory holds one file FIELD.CODE per field.  The scanner
 * reads the directory once and applies the same rules for all of them:
 * regular files (or links to them) named FIELD.CODE count; a FIELD.X whose
 * X is not a type code is refused (a misnamed column must not silently
 * read as zeros, nor be copied into a directory no reader accepts); two
 * files for one field (packets.Q and packets.q) are refused; other names
 * are ignored.
 */
#ifndef FLOWMODELS_BINDIR_H
#define FLOWMODELS_BINDIR_H

#include "flowmodels/error.h"
#include "flowmodels/flow.h"

/* The type codes, in the order of the scanner's bits. */
extern const char fm_bin_codes[];

/* The field of a directory entry named FIELD.X (*x = X), or -1. */
int fm_bindir_entry_field(const char *name, char *x);

/*
 * Scan dir: code[f] = the type code of field f's file, 0 for none.
 * Errors name the directory (and the file): FM_ENOTFOUND or FM_EIO when
 * it cannot be read, FM_EFORMAT for an unknown type code or two files
 * for one field.
 */
int fm_bindir_scan(const char *dir, char code[FM_NFIELDS],
		   struct fm_error *err);

#endif
