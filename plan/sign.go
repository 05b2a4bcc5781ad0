package plan

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
)

// Signature is an ed25519 signature embedded in the plan it signs, so a
// deployed plan is one file that cannot lose or mismatch its signature.
// It signs signedPrefix followed by the plan's bytes without the
// signature member: exactly what compile writes without --sign-key.
type Signature struct {
	// KeyID names the signing key: "ed25519:" and the first 16 hex digits
	// of the sha256 of the raw public key. Only for messages; the
	// signature itself is what is verified.
	KeyID   string `json:"keyId"`
	Ed25519 string `json:"ed25519"` // the 64-byte signature, standard base64
}

// signedPrefix separates plan signatures from anything else the key signs.
const signedPrefix = "openclawcfg plan signature v1\n"

var (
	// ErrUnsigned means a verify key was given and the plan has no signature.
	ErrUnsigned = errors.New("the plan is not signed, and a verify key was given: only signed plans are accepted; compile it with --sign-key")
	// ErrBadSignature means the signature is not the verify key's over
	// these bytes.
	ErrBadSignature = errors.New("the plan's signature does not verify")
)

// Sign returns sealed (a plan as Seal wrote it, signed or not) signed with
// key, after checking it as Load does.
func Sign(sealed []byte, key ed25519.PrivateKey) ([]byte, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("plan: not an ed25519 private key")
	}
	p, unsigned, err := load(sealed)
	if err != nil {
		return nil, err
	}
	sig := ed25519.Sign(key, signedMessage(unsigned))
	p.Signature = &Signature{KeyID: KeyID(key.Public().(ed25519.PublicKey)), Ed25519: base64.StdEncoding.EncodeToString(sig)}
	return encode(p)
}

// LoadSigned is Load for a machine that trusts only plans signed with
// key: it refuses an unsigned plan (ErrUnsigned) and one whose signature
// is not key's over its bytes (ErrBadSignature).
func LoadSigned(b []byte, key ed25519.PublicKey) (*Plan, error) {
	if len(key) != ed25519.PublicKeySize {
		return nil, errors.New("plan: not an ed25519 public key")
	}
	p, unsigned, err := load(b)
	if err != nil {
		return nil, err
	}
	if p.Signature == nil {
		return nil, ErrUnsigned
	}
	sig, _ := base64.StdEncoding.DecodeString(p.Signature.Ed25519) // load checked it
	if ed25519.Verify(key, signedMessage(unsigned), sig) {
		return p, nil
	}
	if want := KeyID(key); p.Signature.KeyID != want {
		return nil, fmt.Errorf("%w: it is signed with key %s, not with the verify key %s", ErrBadSignature, p.Signature.KeyID, want)
	}
	return nil, fmt.Errorf("%w: the plan was changed after it was signed (or the signature was), by someone without the signing key; recompile and sign it", ErrBadSignature)
}

func signedMessage(unsigned []byte) []byte {
	return append([]byte(signedPrefix), unsigned...)
}

// KeyID is the short name of a public key that signatures and errors show.
func KeyID(key ed25519.PublicKey) string {
	sum := sha256.Sum256(key)
	return "ed25519:" + hex.EncodeToString(sum[:8])
}

// Key files are PEM: the private key PKCS#8 ("PRIVATE KEY"), the public key
// PKIX ("PUBLIC KEY"), as `openssl genpkey -algorithm ed25519` and `openssl
// pkey -pubout` write them, and as NewKeyPair does.

// NewKeyPair generates an ed25519 key pair as PEM files' contents.
func NewKeyPair(random io.Reader) (private, public []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(random)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), nil
}

// ParsePrivateKey reads a PEM PKCS#8 ed25519 private key.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	block, err := onePEM(data)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "PRIVATE KEY":
	case "PUBLIC KEY":
		return nil, errors.New("this is a public key; signing needs the private key")
	default:
		return nil, fmt.Errorf("a PEM %q block, not an ed25519 \"PRIVATE KEY\" (PKCS#8, as openclawcfg keygen writes it)", block.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a PKCS#8 private key: %v", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("an %s private key, not ed25519", keyKind(k))
	}
	return priv, nil
}

// ParsePublicKey reads a PEM PKIX ed25519 public key. A private key is
// refused rather than used: it does not belong on the machine that only
// verifies.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	block, err := onePEM(data)
	if err != nil {
		return nil, err
	}
	switch block.Type {
	case "PUBLIC KEY":
	case "PRIVATE KEY":
		return nil, errors.New("this is a private key; verifying needs only the public key (keygen writes it beside the private key, as FILE.pub), and the private key should stay where plans are signed")
	default:
		return nil, fmt.Errorf("a PEM %q block, not an ed25519 \"PUBLIC KEY\" (as openclawcfg keygen writes it)", block.Type)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a PKIX public key: %v", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("an %s public key, not ed25519", keyKind(k))
	}
	return pub, nil
}

func onePEM(data []byte) (*pem.Block, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block (-----BEGIN ...-----) in it")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("more than one PEM block in it")
	}
	return block, nil
}

func keyKind(k any) string {
	switch fmt.Sprintf("%T", k) {
	case "*rsa.PrivateKey", "*rsa.PublicKey":
		return "RSA"
	case "*ecdsa.PrivateKey", "*ecdsa.PublicKey":
		return "ECDSA"
	case "*ecdh.PrivateKey", "*ecdh.PublicKey":
		return "X25519 (ECDH)"
	}
	return fmt.Sprintf("%T", k)
}
