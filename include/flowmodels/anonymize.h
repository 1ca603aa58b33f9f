/*
 * anonymize.h - prefix-preserving IPv4 and IPv6 address anonymisation
 * (Crypto-PAn, Xu et al. 2002) with AES-128 from OpenSSL, nfdump nfanon's
 * IPv6 variant, and the `anonymize` tool (SPEC 5).
 *
 * A struct fm_cryptopan holds the cipher context, the pad and a cache of
 * addresses already anonymised; it has no global state, so several may be
 * used at once (one per thread).  Keys are 32 bytes: the first 16 are the
 * AES key, the last 16 are encrypted to give the pad.  Key material is
 * wiped from memory when the object is freed, and never appears in error
 * messages.
 */
#ifndef FLOWMODELS_ANONYMIZE_H
#define FLOWMODELS_ANONYMIZE_H

#include <stddef.h>
#include <stdint.h>

#include "flowmodels/error.h"
#include "flowmodels/io.h"

#define FM_ANON_KEY_LEN 32

struct fm_cryptopan;

int fm_cryptopan_new(struct fm_cryptopan **out,
		     const unsigned char key[FM_ANON_KEY_LEN],
		     struct fm_error *err);
/*
 * Anonymise n IPv4 addresses (host byte order numbers) from in to out
 * (in == out allowed).  Returns 0, or FM_EEXTERNAL when OpenSSL fails.
 */
int fm_cryptopan_map(struct fm_cryptopan *cp, const uint32_t *in, uint32_t *out,
		     size_t n, struct fm_error *err);
/* Distinct addresses computed so far (cache misses). */
uint64_t fm_cryptopan_computed(const struct fm_cryptopan *cp);
void fm_cryptopan_free(struct fm_cryptopan *cp);

/*
 * IPv6: how `anonymize` treats af 10 records.  CRYPTOPAN is Crypto-PAn
 * over the 128 bits (prefix-preserving; its first 32 bits are those of
 * the IPv4 mapping of the address's first 32 bits); NFANON is exactly what
 * nfdump's nfanon computes for one address (not prefix-preserving, not
 * one-to-one: see cryptopan6.c); DROP drops the records.
 */
enum fm_anon_v6 { FM_ANON_V6_CRYPTOPAN, FM_ANON_V6_NFANON, FM_ANON_V6_DROP };

/* "cryptopan", "nfanon" or "drop"; 0 or FM_EINVAL. */
int fm_anon_v6_parse(const char *name, enum fm_anon_v6 *out);

struct fm_cryptopan6;

int fm_cryptopan6_new(struct fm_cryptopan6 **out,
		      const unsigned char key[FM_ANON_KEY_LEN],
		      enum fm_anon_v6 mode, struct fm_error *err);
/*
 * Anonymise n IPv6 addresses of 4 32-bit words each (word 0 the most
 * significant, as in sa0..sa3) from in to out (in == out allowed).
 */
int fm_cryptopan6_map(struct fm_cryptopan6 *cp, const uint32_t *in,
		      uint32_t *out, size_t n, struct fm_error *err);
/* Addresses computed so far (cache misses). */
uint64_t fm_cryptopan6_computed(const struct fm_cryptopan6 *cp);
void fm_cryptopan6_free(struct fm_cryptopan6 *cp);

/*
 * Key forms (SPEC 5).  Text: "hex:" + 64 hex digits, or else the UTF-8
 * bytes of the text, which must be exactly 32.  File: exactly 32 raw
 * bytes, or 33 of which the last is a newline.  Errors name the length
 * found, never the key.
 */
int fm_anon_key_from_text(const char *text, unsigned char key[FM_ANON_KEY_LEN],
			  struct fm_error *err);
int fm_anon_key_from_file(const char *path, unsigned char key[FM_ANON_KEY_LEN],
			  struct fm_error *err);
/* Overwrite key material in a way the compiler does not remove. */
void fm_anon_key_wipe(void *p, size_t n);
/*
 * Make the process non-dumpable for the rest of its life (prctl
 * PR_SET_DUMPABLE 0): a crash writes no core file that could hold a key
 * (the key text may sit in argv, the environment or freed memory), and
 * other processes of the user cannot ptrace it.  Call before a key is
 * read.  The fm_cryptopan object itself is also kept out of core files
 * (MADV_DONTDUMP).
 */
void fm_anon_no_dump(void);

struct fm_anon_stats {
	uint64_t read;	   /* records read */
	uint64_t written;  /* records written */
	uint64_t written6; /* of which IPv6 (af 10) */
	uint64_t dropped;  /* records of other address families */
	uint64_t computed; /* addresses anonymised (cache misses) */
};

/*
 * The whole tool: anonymise sa3 and da3 of every IPv4 record (af 2 or 0)
 * and sa0..sa3, da0..da3 of every IPv6 record (af 10, as v6 says) of scan
 * s into writer w (not committed), in record order, dropping records of
 * other families.  An address word outside 0 .. 2^32-1 is an error naming
 * the record and field.
 */
int fm_anonymize_run(struct fm_scan *s, struct fm_writer *w,
		     const unsigned char key[FM_ANON_KEY_LEN],
		     enum fm_anon_v6 v6, struct fm_anon_stats *stats,
		     struct fm_error *err);

#endif
