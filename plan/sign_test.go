package plan_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/plan"
)

// A throwaway key pair written by `openssl genpkey -algorithm ed25519` and
// `openssl pkey -pubout` (OpenSSL 3.0): the documented file format.
const (
	opensslPrivate = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIHwVEEsHxuqlQjsmJZGUzD+dl58jcBQK8Ud4CDNe+3+g
-----END PRIVATE KEY-----
`
	opensslPublic = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAXn/N6+z4Z2QxlXFHyO+KvqHZ3bXAA3WpDcAp00xK+pI=
-----END PUBLIC KEY-----
`
)

func TestSignRoundTrip(t *testing.T) {
	priv, err := plan.ParsePrivateKey([]byte(opensslPrivate))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := plan.ParsePublicKey([]byte(opensslPublic))
	if err != nil {
		t.Fatal(err)
	}
	unsigned := examplePlan(t)
	signed, err := plan.Sign(unsigned, priv)
	if err != nil {
		t.Fatal(err)
	}
	// The signature is one member after the digest; everything else is
	// the unsigned plan, byte for byte.
	if !bytes.Contains(signed, []byte(",\n  \"signature\": {\n    \"keyId\": \""+plan.KeyID(pub)+"\",\n    \"ed25519\": \"")) {
		t.Fatalf("no signature member after the digest:\n%.600s", signed)
	}
	i := bytes.Index(signed, []byte(",\n  \"signature\""))
	j := i + bytes.Index(signed[i:], []byte("\n  }")) + 4
	if !bytes.Equal(append(bytes.Clone(signed[:i]), signed[j:]...), unsigned) {
		t.Fatal("signing changed more than the signature member")
	}
	p, err := plan.LoadSigned(signed, pub)
	if err != nil {
		t.Fatalf("LoadSigned: %v", err)
	}
	if p.Signature == nil || p.Signature.KeyID != plan.KeyID(pub) {
		t.Fatalf("signature = %+v", p.Signature)
	}
	// Without a key a signed plan loads like any other.
	if _, err := plan.Load(signed); err != nil {
		t.Fatalf("Load of a signed plan: %v", err)
	}
	// Signing is deterministic (ed25519) and signing again replaces the
	// signature.
	again, err := plan.Sign(signed, priv)
	if err != nil || !bytes.Equal(again, signed) {
		t.Fatalf("re-signing with the same key gave other bytes (%v)", err)
	}
	if plan.KeyID(pub) != "ed25519:ab493b5465d683a8" {
		t.Fatalf("KeyID = %s; the key id of a fixed key must not change", plan.KeyID(pub))
	}
}

func TestLoadSignedRefuses(t *testing.T) {
	priv, _ := plan.ParsePrivateKey([]byte(opensslPrivate))
	pub, _ := plan.ParsePublicKey([]byte(opensslPublic))
	otherPub, otherPriv := testKey(t)
	unsigned := examplePlan(t)
	signed, _ := plan.Sign(unsigned, priv)
	byOther, _ := plan.Sign(unsigned, otherPriv)
	// Stripping the signature leaves a valid unsigned plan.
	i := bytes.Index(signed, []byte(",\n  \"signature\""))
	j := i + bytes.Index(signed[i:], []byte("\n  }")) + 4
	stripped := append(bytes.Clone(signed[:i]), signed[j:]...)
	// A signature moved to another plan signed by the same key.
	other := forge(bytes.Replace(signed, []byte(`"value": 3000`), []byte(`"value": 2999`), 1))

	for _, tc := range []struct {
		name string
		b    []byte
		key  []byte
		is   error
		want string
	}{
		{"unsigned", unsigned, pub, plan.ErrUnsigned, "the plan is not signed, and a verify key was given: only signed plans are accepted; compile it with --sign-key"},
		{"signature stripped", stripped, pub, plan.ErrUnsigned, "not signed"},
		{"another key", byOther, pub, plan.ErrBadSignature, "the plan's signature does not verify: it is signed with key " + plan.KeyID(otherPub) + ", not with the verify key ed25519:ab493b5465d683a8"},
		{"edited after signing", other, pub, plan.ErrBadSignature, "the plan's signature does not verify: the plan was changed after it was signed"},
		{"tampered without a new digest", bytes.Replace(signed, []byte(`"value": 3000`), []byte(`"value": 2999`), 1), pub, plan.ErrTampered, "digest does not match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.LoadSigned(tc.b, tc.key)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadSigned = %v\nwant %v containing %q", err, tc.is, tc.want)
			}
		})
	}
}

func TestKeyFiles(t *testing.T) {
	privPEM, pubPEM, err := plan.NewKeyPair(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := plan.ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := plan.ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := plan.Sign(examplePlan(t), priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.LoadSigned(signed, pub); err != nil {
		t.Fatalf("a generated key pair does not round-trip: %v", err)
	}

	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPubDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})
	ecPubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecPubDER})
	for _, tc := range []struct {
		name   string
		data   string
		public bool
		want   string
	}{
		{"public as private", opensslPublic, false, "this is a public key; signing needs the private key"},
		{"private as public", opensslPrivate, true, "this is a private key; verifying needs only the public key"},
		{"not PEM", "ed25519 AAAA", false, "no PEM block (-----BEGIN ...-----) in it"},
		{"two blocks", opensslPrivate + opensslPrivate, false, "more than one PEM block in it"},
		{"OpenSSH key", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", false, `a PEM "OPENSSH PRIVATE KEY" block, not an ed25519 "PRIVATE KEY"`},
		{"ECDSA private", string(ecPEM), false, "an ECDSA private key, not ed25519"},
		{"ECDSA public", string(ecPubPEM), true, "an ECDSA public key, not ed25519"},
		{"garbage DER", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", false, "not a PKCS#8 private key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.public {
				_, err = plan.ParsePublicKey([]byte(tc.data))
			} else {
				_, err = plan.ParsePrivateKey([]byte(tc.data))
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// BenchmarkLoadSigned is BenchmarkLoad with the signature checked: what
// run --verify-key adds to start-up.
func BenchmarkLoadSigned(b *testing.B) {
	pub, priv := testKey(b)
	signed, err := plan.Sign(examplePlan(b), priv)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(signed)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.LoadSigned(signed, pub); err != nil {
			b.Fatal(err)
		}
	}
}
