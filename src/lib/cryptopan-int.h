/*
 * cryptopan-int.h - what the IPv4 (cryptopan.c) and IPv6 (cryptopan6.c)
 * Crypto-PAn objects share: the AES-128-ECB context with its pad, and
 * memory kept out of core files for key-derived state.
 */
#ifndef FLOWMODELS_CRYPTOPAN_INT_H
#define FLOWMODELS_CRYPTOPAN_INT_H

#include <stddef.h>

#include <openssl/evp.h>

#include "flowmodels/anonymize.h"

/*
 * An AES-128-ECB context keyed with key[0..16) (no padding) into *ctx,
 * and pad = AES(key[16..32)).  On error *ctx is freed and NULL.
 */
int fm_cp_cipher_open(EVP_CIPHER_CTX **ctx,
		      const unsigned char key[FM_ANON_KEY_LEN],
		      unsigned char pad[16], struct fm_error *err);
/* Encrypt len bytes (a multiple of 16) from in to out. */
int fm_cp_aes(EVP_CIPHER_CTX *ctx, const unsigned char *in, unsigned char *out,
	      size_t len, struct fm_error *err);
/*
 * Zeroed memory in its own mapping marked MADV_DONTDUMP (key-derived
 * state stays out of core files even where non-dumpable processes are
 * dumped), or NULL; fm_cp_free_nodump wipes and unmaps it.
 */
void *fm_cp_alloc_nodump(size_t size);
void fm_cp_free_nodump(void *p, size_t size);

#endif
