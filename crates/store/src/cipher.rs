//! Encryption of stored secrets (application settings marked `is_encrypted`, router passwords).
//!
//! ChaCha20-Poly1305 with a random 96-bit nonce per value; the stored form is
//! `v1:` + base64(nonce ‖ ciphertext ‖ tag). The 256-bit key is SHA-256 of a fixed context
//! label followed by the configured secret (`ENCRYPTION_KEY`), so the same secret used elsewhere
//! never yields the same key. Decrypting anything tampered with, encrypted under another key, or
//! not produced here fails with a [`CryptoError`]; it never returns garbage.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore as _;
use sha2::{Digest, Sha256};

/// Prefix (and format version) of every encrypted value.
pub const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const KEY_CONTEXT: &[u8] = b"saring.secret-cipher.v1\0";

/// Why a secret could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The configured secret is empty.
    #[error("the encryption key is empty")]
    EmptyKey,
    /// The value is not `v1:` + base64 of a nonce and ciphertext.
    #[error("not an encrypted value (expected `v1:` followed by base64)")]
    Format,
    /// Authentication failed: the value was modified or encrypted with another key.
    #[error("cannot decrypt: the value was tampered with or encrypted with another key")]
    Decrypt,
    /// The decrypted bytes are not UTF-8 text.
    #[error("decrypted value is not UTF-8 text")]
    Utf8,
    /// The cipher refused to encrypt (only for absurdly large inputs).
    #[error("encryption failed")]
    Encrypt,
}

/// Encrypts and decrypts short secrets with a key derived from the configured secret string.
#[derive(Clone)]
pub struct SecretCipher {
    aead: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretCipher { .. }")
    }
}

impl SecretCipher {
    /// A cipher keyed by `secret` (e.g. the `ENCRYPTION_KEY` environment variable).
    pub fn new(secret: &str) -> Result<Self, CryptoError> {
        if secret.is_empty() {
            return Err(CryptoError::EmptyKey);
        }
        let mut hasher = Sha256::new();
        hasher.update(KEY_CONTEXT);
        hasher.update(secret.as_bytes());
        let key: [u8; 32] = hasher.finalize().into();
        Ok(Self {
            aead: ChaCha20Poly1305::new(&Key::from(key)),
        })
    }

    /// Encrypts `plaintext` into `v1:` + base64(nonce ‖ ciphertext). Two calls with the same
    /// input give different outputs.
    pub fn encrypt(&self, plaintext: &str) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .aead
            .encrypt(&Nonce::from(nonce), plaintext.as_bytes())
            .map_err(|_| CryptoError::Encrypt)?;
        let mut raw = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&ciphertext);
        Ok(format!("{PREFIX}{}", BASE64.encode(raw)))
    }

    /// Decrypts a value produced by [`SecretCipher::encrypt`] under the same key.
    pub fn decrypt(&self, value: &str) -> Result<String, CryptoError> {
        let encoded = value.strip_prefix(PREFIX).ok_or(CryptoError::Format)?;
        let raw = BASE64
            .decode(encoded.trim())
            .map_err(|_| CryptoError::Format)?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Format);
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Format)?;
        let plaintext = self
            .aead
            .decrypt(&Nonce::from(nonce), ciphertext)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plaintext).map_err(|_| CryptoError::Utf8)
    }

    /// True if `value` looks like this module's output (it may still fail to decrypt).
    pub fn looks_encrypted(value: &str) -> bool {
        value.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip() {
        let cipher = SecretCipher::new("correct horse battery staple").unwrap();
        for plain in ["", "s3cret", "kata sandi rahasia ✓", &"x".repeat(10_000)] {
            let sealed = cipher.encrypt(plain).unwrap();
            assert!(SecretCipher::looks_encrypted(&sealed));
            assert!(!sealed.contains(plain) || plain.is_empty());
            assert_eq!(cipher.decrypt(&sealed).unwrap(), plain);
        }
    }

    #[test]
    fn same_plaintext_gives_different_ciphertexts() {
        let cipher = SecretCipher::new("k").unwrap();
        assert_ne!(cipher.encrypt("a").unwrap(), cipher.encrypt("a").unwrap());
    }

    #[test]
    fn tampering_is_detected() {
        let cipher = SecretCipher::new("k").unwrap();
        let sealed = cipher.encrypt("router-password").unwrap();
        let mut raw = BASE64.decode(&sealed[PREFIX.len()..]).unwrap();
        for i in [0, NONCE_LEN, raw.len() - 1] {
            raw[i] ^= 0x01;
            let forged = format!("{PREFIX}{}", BASE64.encode(&raw));
            assert_eq!(cipher.decrypt(&forged), Err(CryptoError::Decrypt));
            raw[i] ^= 0x01;
        }
        // Truncated.
        let short = format!("{PREFIX}{}", BASE64.encode(&raw[..NONCE_LEN + TAG_LEN - 1]));
        assert_eq!(cipher.decrypt(&short), Err(CryptoError::Format));
    }

    #[test]
    fn wrong_key_is_rejected() {
        let sealed = SecretCipher::new("key-a").unwrap().encrypt("x").unwrap();
        let other = SecretCipher::new("key-b").unwrap();
        assert_eq!(other.decrypt(&sealed), Err(CryptoError::Decrypt));
    }

    #[test]
    fn foreign_data_is_rejected() {
        let cipher = SecretCipher::new("k").unwrap();
        for value in [
            "plain text",
            "v1:",
            "v1:not base64!!",
            "v2:AAAA",
            "gAAAAABfernet",
        ] {
            assert_eq!(cipher.decrypt(value), Err(CryptoError::Format), "{value}");
        }
    }

    #[test]
    fn empty_key_is_refused() {
        assert_eq!(SecretCipher::new("").unwrap_err(), CryptoError::EmptyKey);
    }

    #[test]
    fn debug_does_not_leak() {
        let cipher = SecretCipher::new("hunter2").unwrap();
        assert_eq!(format!("{cipher:?}"), "SecretCipher { .. }");
    }

    proptest! {
        #[test]
        fn round_trips_any_text(plain in ".*", key in ".+") {
            let cipher = SecretCipher::new(&key).unwrap();
            prop_assert_eq!(cipher.decrypt(&cipher.encrypt(&plain).unwrap()).unwrap(), plain);
        }
    }
}
