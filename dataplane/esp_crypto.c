/* SPDX-License-Identifier: BSD-3-Clause */
#include "esp_crypto.h"

#include <pthread.h>
#include <sys/random.h>

#include <rte_malloc.h>

#include "esp_sa.h"

/* Zero plaintext for the IV generator's CTR job. */
static const uint8_t zeros[ESP_BURST_MAX * ESP_IV_MAX];

static int random_bytes(void *buf, size_t len)
{
	return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

/* Counter slots held by live contexts; bit 0 (the shared set) always. */
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t slots_held = 1;
static uint16_t slots_seen = 1;

_Static_assert(ESP_CTR_SLOTS <= 64, "esp_crypto: slots_held is 64 bits");

/* The lowest free slot, or 0 (the shared set) when all are held. */
static uint16_t slot_take(void)
{
	uint16_t slot = 0;

	pthread_mutex_lock(&slot_lock);
	if (~slots_held != 0) {
		slot = (uint16_t)__builtin_ctzll(~slots_held);
		slots_held |= 1ull << slot;
		slots_seen = RTE_MAX(slots_seen, (uint16_t)(slot + 1));
	}
	pthread_mutex_unlock(&slot_lock);
	return slot;
}

static void slot_give(uint16_t slot)
{
	if (slot == 0)
		return;
	pthread_mutex_lock(&slot_lock);
	slots_held &= ~(1ull << slot);
	pthread_mutex_unlock(&slot_lock);
}

void esp_crypto_sole_sender(struct esp_crypto *cx, bool sole)
{
	cx->sole_sender = sole;
}

uint16_t esp_crypto_slots(void)
{
	uint16_t n;

	pthread_mutex_lock(&slot_lock);
	n = slots_seen;
	pthread_mutex_unlock(&slot_lock);
	return n;
}

struct esp_crypto *esp_crypto_create(int socket)
{
	struct esp_crypto *cx;
	uint8_t key[16];
	IMB_ARCH arch;

	cx = rte_zmalloc_socket("esp_crypto", sizeof(*cx), 64, socket);
	if (cx == NULL)
		return NULL;
	cx->mgr = alloc_mb_mgr(0);
	if (cx->mgr == NULL)
		goto fail;
	init_mb_mgr_auto(cx->mgr, &arch);
	if (imb_get_errno(cx->mgr) != 0)
		goto fail;

	if (random_bytes(key, sizeof(key)) < 0 ||
	    random_bytes(cx->iv_nonce, 4) < 0)
		goto fail;
	IMB_AES_KEYEXP_128(cx->mgr, key, cx->iv_enc, cx->iv_dec);
	explicit_bzero(key, sizeof(key));
	cx->ctr_slot = slot_take();
	return cx;

fail:
	esp_crypto_free(cx);
	return NULL;
}

void esp_crypto_free(struct esp_crypto *cx)
{
	if (cx == NULL)
		return;
	if (cx->mgr != NULL)
		free_mb_mgr(cx->mgr);
	slot_give(cx->ctr_slot);
	memset(cx, 0, sizeof(*cx));
	rte_free(cx);
}

int esp_crypto_gen_ivs(struct esp_crypto *cx, uint16_t n)
{
	IMB_MGR *mgr = cx->mgr;
	IMB_JOB *job;
	int rc = -1;

	if (n == 0)
		return 0;
	/* Counter block: random 4 bytes | burst number | 32-bit block
	 * counter that IPsec-MB appends, starting at 1. */
	esp_st64(cx->iv_nonce + 4, ++cx->iv_burst);

	job = IMB_GET_NEXT_JOB(mgr);
	job->cipher_mode = IMB_CIPHER_CNTR;
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->hash_alg = IMB_AUTH_NULL;
	job->enc_keys = cx->iv_enc;
	job->dec_keys = cx->iv_enc;
	job->key_len_in_bytes = IMB_KEY_128_BYTES;
	job->src = zeros;
	job->dst = cx->ivs;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = (uint64_t)n * ESP_IV_MAX;
	job->iv = cx->iv_nonce;
	job->iv_len_in_bytes = 12;
	job->auth_tag_output = NULL;
	job->auth_tag_output_len_in_bytes = 0;
	job->user_data = NULL;

	job = IMB_SUBMIT_JOB(mgr);
	if (job == NULL)
		job = IMB_FLUSH_JOB(mgr);
	if (job != NULL && job->status == IMB_STATUS_COMPLETED)
		rc = 0;
	while (IMB_FLUSH_JOB(mgr) != NULL) /* nothing else is queued */
		;
	return rc;
}

static void complete(const IMB_JOB *job, uint8_t why[])
{
	uint16_t i = (uint16_t)(uintptr_t)job->user_data;

	if (job->status != IMB_STATUS_COMPLETED)
		why[i] = ESP_DROP_CRYPTO;
}

/* Finish every job waiting in a lane. */
static void flush(IMB_MGR *mgr, uint8_t why[])
{
	IMB_JOB *jobs[ESP_KEYS_AHEAD];
	uint32_t done;

	while ((done = IMB_FLUSH_BURST(mgr, ESP_KEYS_AHEAD, jobs)) != 0)
		for (uint32_t j = 0; j < done; j++)
			complete(jobs[j], why);
}

/* esp_sa.job: the routine that fills an SA's jobs, by cipher mode and
 * direction (defined below, with the routines). */
enum { JOB_CBC_IN, JOB_CBC_OUT, JOB_GCM_IN, JOB_GCM_OUT, JOB_COUNT };
static const esp_job_fn job_by_kind[JOB_COUNT];

/* Jobs for the packets [i, end) not dropped yet, on the burst jobs[].
 * Returns how many; *next: the first packet not taken. */
static uint32_t make_jobs(struct esp_crypto *cx, struct esp_sa *const sa[],
			  const uint8_t why[], uint16_t i, uint16_t end,
			  IMB_JOB *jobs[], uint32_t got, uint16_t *next)
{
	uint32_t k = 0;

	for (; i < end && k < got; i++) {
		if (why[i] != ESP_DROP_NONE)
			continue;
		job_by_kind[sa[i]->job](sa[i], jobs[k], &cx->pkt[i],
					cx->ivs + i * ESP_IV_MAX);
		jobs[k++]->user_data = (void *)(uintptr_t)i;
	}
	*next = i;
	return k;
}

void esp_crypto_run(struct esp_crypto *cx, struct esp_sa *const sa[],
		    uint8_t why[], uint16_t n)
{
	IMB_MGR *mgr = cx->mgr;
	IMB_JOB *jobs[ESP_BURST_MAX];
	uint16_t i = 0, f = ESP_KEYS_AHEAD, end;
	uint16_t step = n > 0 && sa[0] == sa[n - 1] ? n : ESP_KEYS_AHEAD;
	uint32_t k, done, got;

	/* IPsec-MB's burst calls, ESP_KEYS_AHEAD jobs at a time so that the
	 * keys of the next jobs load while these run (esp_sa.h; the caller
	 * fetched the first ones), or all at once for a pass on one SA (as
	 * its first and last packets tell: its keys are loaded, and smaller
	 * calls cost a one-SA GCM pass 3-5%).  Jobs left in multi-buffer
	 * lanes stay there across calls until the flush.  Without IPsec-MB's
	 * own checks of each job (a fifth of a 64-byte packet's time): what
	 * they check holds by construction here, keys and IVs set at install
	 * and the ciphertext at least one block and a whole number of them
	 * (esp_inb.c drops anything else as bad-length before it gets here;
	 * esp_outb.c pads to the block). */
	while (i < n) {
		end = RTE_MIN(n, i + step);
		for (; f < n && f < end + ESP_KEYS_AHEAD; f++)
			if (why[f] == ESP_DROP_NONE)
				esp_sa_prefetch_keys(sa, f, cx->pkt[f].ct_len);
		got = IMB_GET_NEXT_BURST(mgr, end - i, jobs);
		if (got == 0) { /* every job slot waits in a lane */
			flush(mgr, why);
			continue;
		}
		k = make_jobs(cx, sa, why, i, end, jobs, got, &i);
		done = k ? IMB_SUBMIT_BURST_NOCHECK(mgr, k, jobs) : 0;
		for (uint32_t j = 0; j < done; j++)
			complete(jobs[j], why);
	}
	flush(mgr, why);
}

/*
 * Where H(K ^ opad) starts in esp_keys.cbc.hmac: right behind the inner state,
 * 32 bytes for SHA-1 and SHA-256 (one cache line for both), 64 for SHA-384
 * and SHA-512.  Their ICVs are 12, 16, 24 and 32 bytes.
 */
static inline uint32_t opad_off(uint8_t icv_len)
{
	return icv_len > 16 ? 64 : 32;
}

/* The fields every ESP job sets; the cipher routines set the rest. */
static void job_common(const struct esp_sa *sa, IMB_JOB *job,
		       struct esp_pkt *p, uint32_t hdr)
{
	job->cipher_mode = sa->cipher_mode;
	job->hash_alg = sa->hash_alg;
	job->key_len_in_bytes = sa->key_len;
	job->src = p->esp;
	job->dst = p->esp + hdr;
	job->cipher_start_src_offset_in_bytes = hdr;
	job->msg_len_to_cipher_in_bytes = p->ct_len;
	job->auth_tag_output_len_in_bytes = sa->icv_len;
}

/*
 * CBC + HMAC, RFC 4303 section 3.3.2 and 3.4.4: the ICV covers the ESP
 * header, IV and ciphertext, and with ESN the high 32 bits of the sequence
 * number appended (section 2.2.1), which are not sent: they are written
 * where the ICV goes and the ICV overwrites them.
 */
static void cbc_job(const struct esp_sa *sa, IMB_JOB *job, struct esp_pkt *p,
		    uint32_t hdr)
{
	job_common(sa, job, p, hdr);
	job->enc_keys = sa->keys.cbc.aes; /* the one this SA's direction uses */
	job->dec_keys = sa->keys.cbc.aes;
	job->iv = p->esp + ESP_HDR_LEN;
	job->iv_len_in_bytes = 16;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = hdr + p->ct_len + sa->sqh_len;
	job->u.HMAC._hashed_auth_key_xor_ipad = sa->keys.cbc.hmac;
	job->u.HMAC._hashed_auth_key_xor_opad = sa->keys.cbc.hmac +
						opad_off(sa->icv_len);
}

static void cbc_outb_job(const struct esp_sa *sa, IMB_JOB *job,
			 struct esp_pkt *p, const uint8_t *iv)
{
	uint32_t hdr = ESP_HDR_LEN + 16;
	uint8_t *icv = p->esp + hdr + p->ct_len;

	memcpy(p->esp + ESP_HDR_LEN, iv, 16);
	esp_st32(icv, (uint32_t)(p->seq >> 32));
	cbc_job(sa, job, p, hdr);
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->auth_tag_output = icv;
}

static void cbc_inb_job(const struct esp_sa *sa, IMB_JOB *job,
			struct esp_pkt *p, const uint8_t *iv)
{
	uint32_t hdr = ESP_HDR_LEN + 16;
	uint8_t *icv = p->esp + hdr + p->ct_len;

	RTE_SET_USED(iv);
	memcpy(p->icv, icv, sa->icv_len);
	esp_st32(icv, (uint32_t)(p->seq >> 32));
	cbc_job(sa, job, p, hdr);
	job->cipher_direction = IMB_DIR_DECRYPT;
	job->chain_order = IMB_ORDER_HASH_CIPHER;
	job->auth_tag_output = p->calc;
}

/*
 * AES-GCM, RFC 4106: nonce = salt | explicit IV (section 4), AAD = SPI |
 * sequence number, 32 or 64 bits (section 5).  Without ESN, aad_off is 4
 * and the SPI overwrites the high bits written first.
 */
static void gcm_job(const struct esp_sa *sa, IMB_JOB *job, struct esp_pkt *p)
{
	uint32_t hdr = ESP_HDR_LEN + 8;

	memcpy(p->nonce, sa->salt, ESP_SALT_LEN);
	memcpy(p->nonce + ESP_SALT_LEN, p->esp + ESP_HDR_LEN, 8);
	esp_st32(p->aad + 4, (uint32_t)(p->seq >> 32));
	memcpy(p->aad + sa->aad_off, &sa->spi, 4);
	esp_st32(p->aad + 8, (uint32_t)p->seq);

	job_common(sa, job, p, hdr);
	job->enc_keys = &sa->keys.gcm;
	job->dec_keys = &sa->keys.gcm;
	job->iv = p->nonce;
	job->iv_len_in_bytes = IMB_GCM_IV_DATA_LEN;
	job->hash_start_src_offset_in_bytes = hdr;
	job->msg_len_to_hash_in_bytes = p->ct_len;
	job->u.GCM.aad = p->aad + sa->aad_off;
	job->u.GCM.aad_len_in_bytes = 12u - sa->aad_off;
	job->u.GCM.ctx = NULL;
}

static void gcm_outb_job(const struct esp_sa *sa, IMB_JOB *job,
			 struct esp_pkt *p, const uint8_t *iv)
{
	RTE_SET_USED(iv);
	esp_st64(p->esp + ESP_HDR_LEN, p->seq); /* RFC 4106 section 3.1 */
	gcm_job(sa, job, p);
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->auth_tag_output = p->esp + ESP_HDR_LEN + 8 + p->ct_len;
}

static void gcm_inb_job(const struct esp_sa *sa, IMB_JOB *job,
			struct esp_pkt *p, const uint8_t *iv)
{
	RTE_SET_USED(iv);
	memcpy(p->icv, p->esp + ESP_HDR_LEN + 8 + p->ct_len, sa->icv_len);
	gcm_job(sa, job, p);
	job->cipher_direction = IMB_DIR_DECRYPT;
	job->chain_order = IMB_ORDER_HASH_CIPHER;
	job->auth_tag_output = p->calc;
}

static const esp_job_fn job_by_kind[JOB_COUNT] = {
	[JOB_CBC_IN] = cbc_inb_job, [JOB_CBC_OUT] = cbc_outb_job,
	[JOB_GCM_IN] = gcm_inb_job, [JOB_GCM_OUT] = gcm_outb_job,
};

/* The lines of esp_keys that bytes [off, off + len) lie on. */
static uint32_t lines_of(size_t off, size_t len)
{
	uint32_t first = off / RTE_CACHE_LINE_SIZE;
	uint32_t last = (off + len - 1) / RTE_CACHE_LINE_SIZE;

	return (uint32_t)((2ull << last) - (1ull << first));
}

/* AES rounds + 1 round keys of 16 bytes. */
static size_t aes_schedule_len(uint8_t key_len)
{
	return key_len == 16 ? 11 * 16 : 15 * 16;
}

/*
 * Where IPsec-MB's GCM code reads the hash key powers in struct
 * gcm_key_data.  Its VAES code (AVX-512 with VAES and VPCLMULQDQ) keeps
 * H^48..H^1 ending at byte 16 * 63 and reads as many as the packet has
 * blocks (esp_sa.hkey_end); a 1400-byte packet reads all twelve lines of
 * them, a 64-byte one the last.  The other code keeps H^1..H^8 from byte
 * 16 * 15, and SSE and AVX their Karatsuba halves behind them: four
 * lines, whatever the length.
 */
static bool gcm_vaes(const IMB_MGR *mgr)
{
	const uint64_t vaes = IMB_FEATURE_VAES | IMB_FEATURE_VPCLMULQDQ;

	return mgr->used_arch == IMB_ARCH_AVX512 &&
	       (mgr->features & vaes) == vaes;
}

#define GCM_VAES_HKEY_END 63

/* H(K ^ pad) for HMAC, RFC 2104: the state after one block, state_len
 * bytes of it. */
static void hmac_pad(IMB_MGR *mgr, IMB_HASH_ALG alg, const uint8_t *key,
		     size_t key_len, uint8_t x, uint8_t *dst)
{
	uint8_t block[128]; /* SHA-384/512 blocks; SHA-1/256 use 64 */
	uint8_t out[64] __rte_aligned(16);

	memset(block, x, sizeof(block));
	for (size_t i = 0; i < key_len; i++)
		block[i] ^= key[i];
	switch (alg) {
	case IMB_AUTH_HMAC_SHA_1:
		IMB_SHA1_ONE_BLOCK(mgr, block, out);
		break;
	case IMB_AUTH_HMAC_SHA_256:
		IMB_SHA256_ONE_BLOCK(mgr, block, out);
		break;
	case IMB_AUTH_HMAC_SHA_384:
		IMB_SHA384_ONE_BLOCK(mgr, block, out);
		break;
	default:
		IMB_SHA512_ONE_BLOCK(mgr, block, out);
		break;
	}
	memcpy(dst, out, alg == IMB_AUTH_HMAC_SHA_384 ||
			 alg == IMB_AUTH_HMAC_SHA_512 ? 64 : 32);
	explicit_bzero(block, sizeof(block));
	explicit_bzero(out, sizeof(out));
}

static IMB_HASH_ALG hmac_alg(enum algo_id id)
{
	switch (id) {
	case ALGO_HMAC_SHA1_96:
		return IMB_AUTH_HMAC_SHA_1;
	case ALGO_HMAC_SHA256_128:
		return IMB_AUTH_HMAC_SHA_256;
	case ALGO_HMAC_SHA384_192:
		return IMB_AUTH_HMAC_SHA_384;
	case ALGO_HMAC_SHA512_256:
		return IMB_AUTH_HMAC_SHA_512;
	default:
		return IMB_AUTH_NULL;
	}
}

/* The AES schedule p's direction uses; the other one is wiped. */
static void aes_schedule(IMB_MGR *mgr, const struct esp_params *p,
			 uint8_t key_len, uint8_t *out)
{
	uint8_t enc[16 * 15] __rte_aligned(16), dec[16 * 15] __rte_aligned(16);

	if (key_len == 16)
		IMB_AES_KEYEXP_128(mgr, p->cipher_key, enc, dec);
	else
		IMB_AES_KEYEXP_256(mgr, p->cipher_key, enc, dec);
	memcpy(out, p->dir == ESP_DIR_OUT ? enc : dec, sizeof(enc));
	explicit_bzero(enc, sizeof(enc));
	explicit_bzero(dec, sizeof(dec));
}

static int cbc_init(struct esp_sa *sa, const struct esp_params *p,
		    IMB_MGR *mgr, const char **err)
{
	const struct algo *integ = algo_by_id(p->integ);
	struct esp_keys *k = &sa->keys;

	sa->hash_alg = hmac_alg(p->integ);
	if (integ == NULL || sa->hash_alg == IMB_AUTH_NULL) {
		*err = "CBC needs an HMAC integrity algorithm";
		return -1;
	}
	sa->cipher_mode = IMB_CIPHER_CBC;
	sa->icv_len = (uint8_t)integ->out_len;
	aes_schedule(mgr, p, sa->key_len, k->cbc.aes);
	hmac_pad(mgr, sa->hash_alg, p->auth_key, integ->key_len, 0x36,
		 k->cbc.hmac);
	hmac_pad(mgr, sa->hash_alg, p->auth_key, integ->key_len, 0x5c,
		 k->cbc.hmac + opad_off(sa->icv_len));
	sa->key_lines = lines_of(0, aes_schedule_len(sa->key_len)) |
			lines_of(offsetof(struct esp_keys, cbc.hmac),
				 2 * opad_off(sa->icv_len));

	sa->iv_len = 16;
	sa->blk_mask = 15;
	sa->sqh_len = p->esn ? 4 : 0;
	sa->job = p->dir == ESP_DIR_OUT ? JOB_CBC_OUT : JOB_CBC_IN;
	return 0;
}

static int gcm_init(struct esp_sa *sa, const struct esp_params *p,
		    IMB_MGR *mgr, const char **err)
{
	struct esp_keys *k = &sa->keys;

	if (p->integ != ALGO_INVALID) {
		*err = "AES-GCM takes no separate integrity algorithm";
		return -1;
	}
	sa->cipher_mode = IMB_CIPHER_GCM;
	sa->hash_alg = IMB_AUTH_AES_GMAC;
	if (sa->key_len == 16)
		IMB_AES128_GCM_PRE(mgr, p->cipher_key, &k->gcm);
	else
		IMB_AES256_GCM_PRE(mgr, p->cipher_key, &k->gcm);
	sa->key_lines = lines_of(0, aes_schedule_len(sa->key_len));
	if (gcm_vaes(mgr))
		sa->hkey_end = GCM_VAES_HKEY_END;
	else
		sa->key_lines |= lines_of(16 * 15, 16 * 16);
	memcpy(sa->salt, p->salt, ESP_SALT_LEN);

	sa->iv_len = 8;
	sa->blk_mask = 3; /* RFC 4106 section 3: 4-byte alignment */
	sa->icv_len = 16;
	sa->aad_off = p->esn ? 0 : 4;
	sa->job = p->dir == ESP_DIR_OUT ? JOB_GCM_OUT : JOB_GCM_IN;
	return 0;
}

int esp_crypto_sa_init(struct esp_sa *sa, const struct esp_params *p,
		       struct esp_crypto *cx, const char **err)
{
	const struct algo *cipher = algo_by_id(p->cipher);

	if (cipher == NULL || cipher->type != ALGO_ENCR ||
	    !(cipher->flags & ALGO_ESP)) {
		*err = "unsupported ESP encryption algorithm";
		return -1;
	}
	sa->key_len = (uint8_t)cipher->key_len;
	switch (cipher->id) {
	case ALGO_AES_128_CBC:
	case ALGO_AES_256_CBC:
		return cbc_init(sa, p, cx->mgr, err);
	case ALGO_AES_128_GCM:
	case ALGO_AES_256_GCM:
		return gcm_init(sa, p, cx->mgr, err);
	default:
		*err = "unsupported ESP encryption algorithm";
		return -1;
	}
}
