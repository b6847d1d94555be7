/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 payload parser.  Every reader below receives a body whose length
 * its caller has already checked against the enclosing structure, and
 * checks each inner length against that body before it reads a field.
 */
#include "ike_pld.h"

#include <string.h>

static const char *const error_text[] = {
#define IKE_PLD_ERR_TEXT(name, text) [IKE_PLD_E_##name] = text,
	IKE_PLD_ERRORS(IKE_PLD_ERR_TEXT)
#undef IKE_PLD_ERR_TEXT
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static struct ike_slice slice(const uint8_t *p, size_t len)
{
	return (struct ike_slice){.ptr = len ? p : NULL, .len = len};
}

static int fail(struct ike_msg *m, enum ike_pld_error e, size_t off)
{
	m->error = e;
	m->error_offset = off;
	return -1;
}

/* Section 3.3.5: one transform attribute at p; returns its size or -1. */
static int attribute(struct ike_msg *m, struct ike_transform *xf,
		     const uint8_t *p, size_t len, size_t off)
{
	uint16_t type, val;

	if (len < 4)
		return fail(m, IKE_PLD_E_ATTRIBUTE, off);
	type = get16(p) & ~IKE_ATTR_TV;
	val = get16(p + 2);

	if (!(get16(p) & IKE_ATTR_TV)) {
		/* TLV: val is the length of the value that follows. */
		if (val > len - 4 || type == IKE_ATTR_KEY_LENGTH)
			return fail(m, IKE_PLD_E_ATTRIBUTE, off);
		xf->unknown_attr = true;
		return 4 + val;
	}
	if (type == IKE_ATTR_KEY_LENGTH)
		xf->key_bits = val;
	else
		xf->unknown_attr = true;
	return 4;
}

/* Section 3.3.2: one transform substructure, len already bounded. */
static int transform(struct ike_msg *m, struct ike_transform *xf,
		     const uint8_t *p, size_t len, size_t off)
{
	size_t pos = 8;

	memset(xf, 0, sizeof(*xf));
	xf->type = p[4];
	xf->id = get16(p + 6);
	while (pos < len) {
		int n = attribute(m, xf, p + pos, len - pos, off + pos);

		if (n < 0)
			return -1;
		pos += (size_t)n;
	}
	return 0;
}

/* The transforms of one proposal: p and len cover them exactly. */
static int transforms(struct ike_msg *m, struct ike_proposal *pr, uint8_t count,
		      const uint8_t *p, size_t len, size_t off)
{
	size_t pos = 0;
	uint8_t last = IKE_MORE_TRANSFORMS;

	while (pos < len) {
		uint16_t tlen;

		if (last != IKE_MORE_TRANSFORMS || pr->n_transforms == count)
			return fail(m, IKE_PLD_E_TRANSFORM, off + pos);
		if (len - pos < 8)
			return fail(m, IKE_PLD_E_TRANSFORM, off + pos);
		last = p[pos];
		tlen = get16(p + pos + 2);
		if ((last != IKE_LAST_TRANSFORM &&
		     last != IKE_MORE_TRANSFORMS) ||
		    tlen < 8 || tlen > len - pos)
			return fail(m, IKE_PLD_E_TRANSFORM, off + pos);
		if (transform(m, &pr->xf[pr->n_transforms], p + pos, tlen,
			      off + pos) < 0)
			return -1;
		pr->n_transforms++;
		pos += tlen;
	}
	if (pr->n_transforms != count || last != IKE_LAST_TRANSFORM)
		return fail(m, IKE_PLD_E_TRANSFORM, off + len);
	return 0;
}

/* Section 3.3.1: one proposal substructure, len already bounded. */
static int proposal(struct ike_msg *m, struct ike_proposal *pr,
		    const uint8_t *p, size_t len, size_t off)
{
	uint8_t spi_size = p[6];
	uint8_t count = p[7];

	pr->num = p[4];
	pr->protocol = p[5];
	pr->n_transforms = 0;
	if (spi_size > len - 8)
		return fail(m, IKE_PLD_E_PROPOSAL, off + 6);
	if (count > IKE_PLD_MAX_TRANSFORMS)
		return fail(m, IKE_PLD_E_TOO_MANY, off + 7);
	pr->spi = slice(p + 8, spi_size);
	return transforms(m, pr, count, p + 8 + spi_size, len - 8 - spi_size,
			  off + 8 + spi_size);
}

static int pld_sa(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	struct ike_sa_pld *sa = &m->sa;
	uint8_t last = IKE_MORE_PROPOSALS;
	size_t pos = 0;

	if (len == 0)
		return fail(m, IKE_PLD_E_PROPOSAL, off);
	while (pos < len) {
		uint16_t plen;

		if (last != IKE_MORE_PROPOSALS || len - pos < 8)
			return fail(m, IKE_PLD_E_PROPOSAL, off + pos);
		if (sa->n_proposals == IKE_PLD_MAX_PROPOSALS)
			return fail(m, IKE_PLD_E_TOO_MANY, off + pos);
		last = p[pos];
		plen = get16(p + pos + 2);
		if ((last != IKE_LAST_PROPOSAL && last != IKE_MORE_PROPOSALS) ||
		    plen < 8 || plen > len - pos)
			return fail(m, IKE_PLD_E_PROPOSAL, off + pos);
		if (proposal(m, &sa->prop[sa->n_proposals], p + pos, plen,
			     off + pos) < 0)
			return -1;
		sa->n_proposals++;
		pos += plen;
	}
	if (last != IKE_LAST_PROPOSAL)
		return fail(m, IKE_PLD_E_PROPOSAL, off + len);
	return 0;
}

static int pld_ke(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	if (len < 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	m->ke.group = get16(p);
	m->ke.data = slice(p + 4, len - 4);
	return 0;
}

static int id(struct ike_msg *m, struct ike_id_pld *id, const uint8_t *p,
	      size_t len, size_t off)
{
	if (len < 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	id->type = p[0];
	id->data = slice(p + 4, len - 4);
	id->body = slice(p, len);
	return 0;
}

static int pld_idi(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	return id(m, &m->idi, p, len, off);
}

static int pld_idr(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	return id(m, &m->idr, p, len, off);
}

static int cert(struct ike_msg *m, struct ike_cert_pld *c, const uint8_t *p,
		size_t len, size_t off)
{
	if (len < 1)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	c->encoding = p[0];
	c->data = slice(p + 1, len - 1);
	return 0;
}

static int pld_cert(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	if (m->n_certs == IKE_PLD_MAX_CERTS)
		return fail(m, IKE_PLD_E_TOO_MANY, off);
	return cert(m, &m->cert[m->n_certs++], p, len, off);
}

/*
 * A client may send a CERTREQ per CA it trusts (section 3.7) and as many
 * VENDOR_IDs as it likes (3.12); espgw acts on neither, so those past the
 * caps are checked and skipped, not refused.  IKE_PLD_MAX_PAYLOADS still
 * bounds the message.
 */
static int pld_certreq(struct ike_msg *m, const uint8_t *p, size_t len,
		       size_t off)
{
	struct ike_cert_pld scratch;

	if (m->n_certreqs < IKE_PLD_MAX_CERTREQS)
		return cert(m, &m->certreq[m->n_certreqs++], p, len, off);
	m->n_skipped++;
	return cert(m, &scratch, p, len, off);
}

static int pld_auth(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	if (len < 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	m->auth.method = p[0];
	m->auth.data = slice(p + 4, len - 4);
	return 0;
}

static int pld_nonce(struct ike_msg *m, const uint8_t *p, size_t len,
		     size_t off)
{
	if (len < IKE_NONCE_MIN || len > IKE_NONCE_MAX)
		return fail(m, IKE_PLD_E_NONCE, off);
	m->nonce = slice(p, len);
	return 0;
}

static int pld_notify(struct ike_msg *m, const uint8_t *p, size_t len,
		      size_t off)
{
	struct ike_notify_pld *n;
	uint8_t spi_size;

	if (len < 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	if (m->n_notifies == IKE_PLD_MAX_NOTIFIES)
		return fail(m, IKE_PLD_E_TOO_MANY, off);
	spi_size = p[1];
	if (spi_size > len - 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off + 1);

	n = &m->notify[m->n_notifies++];
	n->protocol = p[0];
	n->type = get16(p + 2);
	n->spi = slice(p + 4, spi_size);
	n->data = slice(p + 4 + spi_size, len - 4 - spi_size);
	return 0;
}

static int pld_delete(struct ike_msg *m, const uint8_t *p, size_t len,
		      size_t off)
{
	struct ike_delete_pld *d;

	if (len < 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	if (m->n_deletes == IKE_PLD_MAX_DELETES)
		return fail(m, IKE_PLD_E_TOO_MANY, off);
	/* Section 3.11: exactly Num of SPIs SPIs of SPI Size follow. */
	if ((size_t)get16(p + 2) * p[1] != len - 4)
		return fail(m, IKE_PLD_E_DELETE, off + 2);

	d = &m->del[m->n_deletes++];
	d->protocol = p[0];
	d->spi_size = p[1];
	d->n_spi = get16(p + 2);
	d->spis = slice(p + 4, len - 4);
	return 0;
}

static int pld_vendor(struct ike_msg *m, const uint8_t *p, size_t len,
		      size_t off)
{
	(void)off;
	if (m->n_vendors == IKE_PLD_MAX_VENDORS)
		m->n_skipped++; /* see pld_certreq */
	else
		m->vendor[m->n_vendors++] = slice(p, len);
	return 0;
}

/* Section 3.13.1: one selector of selector length len at p. */
static void ts_read(struct ike_ts *ts, const uint8_t *p, size_t len)
{
	size_t alen = (len - 8) / 2;

	memset(ts, 0, sizeof(*ts));
	ts->type = p[0];
	ts->ip_proto = p[1];
	ts->start_port = get16(p + 4);
	ts->end_port = get16(p + 6);
	if (ts->type == IKE_TS_IPV4_ADDR_RANGE ||
	    ts->type == IKE_TS_IPV6_ADDR_RANGE) {
		uint8_t family = alen == 4 ? ADDR_V4 : ADDR_V6;

		ts->start.family = ts->end.family = family;
		memcpy(ts->start.bytes, p + 8, alen);
		memcpy(ts->end.bytes, p + 8 + alen, alen);
	}
}

/* The selector length a type requires, or 0 for types we cannot read. */
static size_t ts_len(uint8_t type)
{
	if (type == IKE_TS_IPV4_ADDR_RANGE)
		return 8 + 2 * 4;
	if (type == IKE_TS_IPV6_ADDR_RANGE)
		return 8 + 2 * 16;
	return 0;
}

static int ts(struct ike_msg *m, struct ike_ts_pld *t, const uint8_t *p,
	      size_t len, size_t off)
{
	size_t pos = 4;

	if (len < 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	if (p[0] == 0)
		return fail(m, IKE_PLD_E_TS, off);
	if (p[0] > IKE_PLD_MAX_TS)
		return fail(m, IKE_PLD_E_TOO_MANY, off);
	for (t->n_ts = 0; t->n_ts < p[0]; t->n_ts++) {
		size_t slen;

		if (len - pos < 8)
			return fail(m, IKE_PLD_E_TS, off + pos);
		slen = get16(p + pos + 2);
		if (slen < 8 || slen > len - pos)
			return fail(m, IKE_PLD_E_TS, off + pos);
		/* Unknown types are kept by type only; known ones must
		 * have exactly the length of two addresses. */
		if (ts_len(p[pos]) && slen != ts_len(p[pos]))
			return fail(m, IKE_PLD_E_TS, off + pos);
		ts_read(&t->ts[t->n_ts], p + pos, slen);
		pos += slen;
	}
	if (pos != len)
		return fail(m, IKE_PLD_E_TS, off + pos);
	return 0;
}

static int pld_tsi(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	return ts(m, &m->tsi, p, len, off);
}

static int pld_tsr(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	return ts(m, &m->tsr, p, len, off);
}

static int pld_cp(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	size_t pos = 4;

	if (len < 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	m->cp.type = p[0];
	while (pos < len) {
		struct ike_cp_attr_pld *a;
		uint16_t alen;

		if (m->cp.n_attrs == IKE_PLD_MAX_CP_ATTRS)
			return fail(m, IKE_PLD_E_TOO_MANY, off + pos);
		if (len - pos < 4)
			return fail(m, IKE_PLD_E_CP, off + pos);
		alen = get16(p + pos + 2);
		if (alen > len - pos - 4)
			return fail(m, IKE_PLD_E_CP, off + pos);
		a = &m->cp.attr[m->cp.n_attrs++];
		a->type = get16(p + pos) & IKE_CP_ATTR_TYPE_MASK;
		a->value = slice(p + pos + 4, alen);
		pos += 4u + alen;
	}
	return 0;
}

/* RFC 3748 section 4: code, identifier, length (of it all), data. */
static int pld_eap(struct ike_msg *m, const uint8_t *p, size_t len, size_t off)
{
	if (len < 4)
		return fail(m, IKE_PLD_E_PLD_SHORT, off);
	if (get16(p + 2) != len)
		return fail(m, IKE_PLD_E_EAP, off + 2);
	m->eap.code = p[0];
	m->eap.msg = slice(p, len);
	return 0;
}

typedef int (*pld_fn)(struct ike_msg *m, const uint8_t *p, size_t len,
		      size_t off);

/* Readers by payload type; multi marks those that may repeat. */
static const struct {
	pld_fn fn;
	bool multi;
} readers[] = {
	[IKE_PLD_SA - IKE_PLD_SA] = {pld_sa, false},
	[IKE_PLD_KE - IKE_PLD_SA] = {pld_ke, false},
	[IKE_PLD_IDi - IKE_PLD_SA] = {pld_idi, false},
	[IKE_PLD_IDr - IKE_PLD_SA] = {pld_idr, false},
	[IKE_PLD_CERT - IKE_PLD_SA] = {pld_cert, true},
	[IKE_PLD_CERTREQ - IKE_PLD_SA] = {pld_certreq, true},
	[IKE_PLD_AUTH - IKE_PLD_SA] = {pld_auth, false},
	[IKE_PLD_NONCE - IKE_PLD_SA] = {pld_nonce, false},
	[IKE_PLD_N - IKE_PLD_SA] = {pld_notify, true},
	[IKE_PLD_D - IKE_PLD_SA] = {pld_delete, true},
	[IKE_PLD_V - IKE_PLD_SA] = {pld_vendor, true},
	[IKE_PLD_TSi - IKE_PLD_SA] = {pld_tsi, false},
	[IKE_PLD_TSr - IKE_PLD_SA] = {pld_tsr, false},
	[IKE_PLD_CP - IKE_PLD_SA] = {pld_cp, false},
	[IKE_PLD_EAP - IKE_PLD_SA] = {pld_eap, false},
};

#define N_READERS (sizeof(readers) / sizeof(readers[0]))

/* Section 3.14 and RFC 7383 section 2.5: the rest of the message. */
static int pld_sk(struct ike_msg *m, uint8_t type, uint8_t next,
		  const uint8_t *p, size_t len, size_t off)
{
	struct ike_sk_pld *sk = &m->sk;

	sk->type = type;
	sk->first_payload = next;
	sk->offset = off - IKE_PLD_HDR_LEN;
	if (type == IKE_PLD_SKF) {
		if (len < 4)
			return fail(m, IKE_PLD_E_PLD_SHORT, off);
		sk->frag_num = get16(p);
		sk->frag_total = get16(p + 2);
		if (sk->frag_num == 0 || sk->frag_num > sk->frag_total)
			return fail(m, IKE_PLD_E_FRAGMENT, off);
		p += 4;
		len -= 4;
	}
	sk->data = slice(p, len);
	return 0;
}

/* One payload whose body [p, p + len) lies inside the buffer. */
static int payload(struct ike_msg *m, uint8_t type, uint8_t flags,
		   const uint8_t *p, size_t len, size_t off)
{
	size_t i = (size_t)type - IKE_PLD_SA;

	if (type < IKE_PLD_SA || i >= N_READERS || !readers[i].fn) {
		if (flags & IKE_PLD_CRITICAL)
			return fail(m, IKE_PLD_E_CRITICAL,
				    off - IKE_PLD_HDR_LEN);
		m->n_unknown++;
		return 0;
	}
	if (!readers[i].multi && (m->has & IKE_HAS(type)))
		return fail(m, IKE_PLD_E_DUPLICATE, off - IKE_PLD_HDR_LEN);
	m->has |= IKE_HAS(type);
	return readers[i].fn(m, p, len, off);
}

/*
 * Walk a payload chain over buf[start, len).  In the clear part an SK or
 * SKF payload ends the walk and must reach the end of the buffer.
 */
static int chain(struct ike_msg *m, uint8_t type, const uint8_t *buf,
		 size_t len, size_t start)
{
	size_t off = start;

	while (type != IKE_PLD_NONE) {
		uint8_t next;
		uint16_t plen;

		m->error_payload = type;
		if (++m->n_payloads > IKE_PLD_MAX_PAYLOADS)
			return fail(m, IKE_PLD_E_TOO_MANY, off);
		if (len - off < IKE_PLD_HDR_LEN)
			return fail(m, IKE_PLD_E_PLD_LENGTH, off);
		next = buf[off];
		plen = get16(buf + off + 2);
		if (plen < IKE_PLD_HDR_LEN || plen > len - off)
			return fail(m, IKE_PLD_E_PLD_LENGTH, off + 2);

		if (type == IKE_PLD_SK || type == IKE_PLD_SKF) {
			if (m->has &
			    (IKE_HAS(IKE_PLD_SK) | IKE_HAS(IKE_PLD_SKF)))
				return fail(m, IKE_PLD_E_DUPLICATE, off);
			if (plen != len - off)
				return fail(m, IKE_PLD_E_SK_NOT_LAST, off);
			m->has |= IKE_HAS(type);
			return pld_sk(m, type, next, buf + off + 4, plen - 4u,
				      off + 4);
		}
		if (payload(m, type, buf[off + 1], buf + off + 4, plen - 4u,
			    off + 4) < 0)
			return -1;
		off += plen;
		type = next;
	}
	if (off != len)
		return fail(m, IKE_PLD_E_TRAILING, off);
	return 0;
}

static int header(struct ike_msg *m, const uint8_t *buf, size_t len)
{
	struct ike_hdr *h = &m->hdr;

	if (len < IKE_HDR_LEN)
		return fail(m, IKE_PLD_E_SHORT, 0);
	h->spi_i = get64(buf);
	h->spi_r = get64(buf + 8);
	h->next_payload = buf[16];
	h->version = buf[17];
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msg_id = get32(buf + 20);
	h->length = get32(buf + 24);
	if (IKE_MAJOR(h->version) != IKE_MAJOR(IKE_VERSION))
		return fail(m, IKE_PLD_E_VERSION, 17);
	if (h->length != len)
		return fail(m, IKE_PLD_E_MSG_LENGTH, 24);
	return 0;
}

int ike_pld_parse(const uint8_t *buf, size_t len, struct ike_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (header(m, buf, len) < 0)
		return -1;
	return chain(m, m->hdr.next_payload, buf, len, IKE_HDR_LEN);
}

int ike_pld_parse_inner(struct ike_msg *m, uint8_t first, const uint8_t *plain,
			size_t len)
{
	int rc;

	/* An SK payload inside the plaintext is refused as a duplicate:
	 * the outer one already set its presence bit. */
	rc = chain(m, first, plain, len, 0);
	if (rc < 0)
		m->error_inner = true;
	return rc;
}

const struct ike_notify_pld *ike_pld_notify(const struct ike_msg *m,
					    uint16_t type)
{
	for (unsigned int i = 0; i < m->n_notifies; i++)
		if (m->notify[i].type == type)
			return &m->notify[i];
	return NULL;
}

const char *ike_pld_strerror(enum ike_pld_error e)
{
	if ((size_t)e >= sizeof(error_text) / sizeof(error_text[0]))
		return "unknown error";
	return error_text[e];
}

uint16_t ike_pld_error_notify(enum ike_pld_error e)
{
	switch (e) {
	case IKE_PLD_E_OK:
	case IKE_PLD_E_SHORT:
	case IKE_PLD_E_MSG_LENGTH:
		return 0;
	case IKE_PLD_E_VERSION:
		return IKE_N_INVALID_MAJOR_VERSION;
	case IKE_PLD_E_CRITICAL:
		return IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
	default:
		return IKE_N_INVALID_SYNTAX;
	}
}
