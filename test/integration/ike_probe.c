/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ike_probe: speak IKE_SA_INIT to a running espgw-control over a real UDP
 * socket and check its answer.
 *
 *   ike_probe ADDRESS PORT [natt]
 *
 * Sends SA (AES-CBC-256, SHA2-256, PRF-SHA2-256, MODP-2048), KE, Ni and
 * the NAT detection notifies, as iOS does; with "natt" it sends to the
 * NAT-T port with the non-ESP marker.  Exit 0 when the response carries
 * the chosen SA, a MODP-2048 KE, Nr, NAT_DETECTION_SOURCE_IP,
 * NAT_DETECTION_DESTINATION_IP and IKEV2_FRAGMENTATION_SUPPORTED for our
 * SPI; 1 with the reason otherwise.  Waits at most 5 s.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike_dh.h"
#include "ike_gen.h"
#include "ike_pld.h"

static int fail(const char *why)
{
	fprintf(stderr, "ike_probe: %s\n", why);
	return 1;
}

static size_t build(uint64_t spi, uint8_t *buf, size_t cap)
{
	const struct algo *grp = algo_by_id(ALGO_MODP2048);
	struct ike_dh *dh = ike_dh_new(grp);
	uint8_t pub[IKE_DH_MAX], nonce[32], natd[20];
	struct ike_gen g;
	size_t n;

	RAND_bytes(nonce, sizeof(nonce));
	memset(natd, 0x5a, sizeof(natd)); /* any hash: we look behind a NAT */
	n = ike_dh_public(dh, pub, sizeof(pub));
	ike_gen_init(&g, buf, cap);
	ike_gen_hdr(&g, spi, 0, IKE_EX_IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	ike_gen_sa_begin(&g);
	ike_gen_proposal(&g, 1, IKE_PROTO_IKE, NULL, 0);
	ike_gen_transform(&g, IKE_XF_ENCR, 12, 256);
	ike_gen_transform(&g, IKE_XF_INTEG, 12, 0);
	ike_gen_transform(&g, IKE_XF_PRF, 5, 0);
	ike_gen_transform(&g, IKE_XF_DH, 14, 0);
	ike_gen_sa_end(&g);
	ike_gen_ke(&g, 14, pub, n);
	ike_gen_nonce(&g, nonce, sizeof(nonce));
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, natd, 20);
	ike_gen_notify(&g, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP,
		       natd, 20);
	ike_dh_free(dh);
	return ike_gen_finish(&g);
}

static int check(const uint8_t *buf, size_t len, uint64_t spi)
{
	static struct ike_msg m;

	if (ike_pld_parse(buf, len, &m) != 0)
		return fail(ike_pld_strerror(m.error));
	if (m.hdr.spi_i != spi || m.hdr.spi_r == 0 ||
	    !(m.hdr.flags & IKE_FLAG_RESPONSE))
		return fail("header: SPIs or flags wrong");
	if (!(m.has & IKE_HAS(IKE_PLD_SA)) || m.sa.n_proposals != 1)
		return fail("no single chosen proposal");
	if (!(m.has & IKE_HAS(IKE_PLD_KE)) || m.ke.group != 14 ||
	    m.ke.data.len != 256)
		return fail("no MODP-2048 KE");
	if (!(m.has & IKE_HAS(IKE_PLD_NONCE)))
		return fail("no Nr");
	if (!ike_pld_notify(&m, IKE_N_NAT_DETECTION_SOURCE_IP) ||
	    !ike_pld_notify(&m, IKE_N_NAT_DETECTION_DESTINATION_IP))
		return fail("no NAT detection notifies");
	if (!ike_pld_notify(&m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED))
		return fail("no IKEV2_FRAGMENTATION_SUPPORTED");
	printf("ike_probe: IKE_SA_INIT answered: SPIr %016llx, %u notifies\n",
	       (unsigned long long)m.hdr.spi_r, m.n_notifies);
	return 0;
}

int main(int argc, char **argv)
{
	bool natt = argc > 3 && strcmp(argv[3], "natt") == 0;
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t out[2048], in[4096];
	size_t len, off = natt ? 4 : 0;
	uint64_t spi;
	struct pollfd p;
	ssize_t n;

	if (argc < 3 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
		return fail("usage: ike_probe ADDRESS PORT [natt]");
	to.sin_port = htons((uint16_t)atoi(argv[2]));
	RAND_bytes((uint8_t *)&spi, sizeof(spi));
	memset(out, 0, 4); /* the non-ESP marker, RFC 3948 */
	len = build(spi, out + off, sizeof(out) - off);
	if (len == 0)
		return fail("could not build the request");
	p.fd = socket(AF_INET, SOCK_DGRAM, 0);
	p.events = POLLIN;
	if (sendto(p.fd, out, len + off, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return fail("sendto failed");
	if (poll(&p, 1, 5000) != 1)
		return fail("no answer within 5 s");
	n = recv(p.fd, in, sizeof(in), 0);
	if (n < (ssize_t)off + 28 || (natt && memcmp(in, "\0\0\0\0", 4) != 0))
		return fail("answer too short or without the non-ESP marker");
	return check(in + off, (size_t)n - off, spi);
}
