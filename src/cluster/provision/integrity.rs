//! The npm registry's `dist.integrity` (Subresource Integrity, `sha512-<base64>`) and a
//! writer that hashes what passes through it, so a download is checked as it is saved.

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha512};

/// An expected SHA-512 digest, as published by the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrity {
    digest: Vec<u8>,
}

impl Integrity {
    /// Parses `sha512-<base64>`. The registry may list several space-separated hashes (SRI
    /// allows it); the first sha512 one is used. Older packages only have a sha1 `shasum`,
    /// which is too weak to trust a server binary with, so they are refused.
    pub fn parse(text: &str) -> Option<Integrity> {
        text.split_whitespace().find_map(|item| {
            let encoded = item.strip_prefix("sha512-")?;
            let digest = STANDARD.decode(encoded).ok()?;
            (digest.len() == 64).then_some(Integrity { digest })
        })
    }

    /// The SRI form, for messages.
    pub fn to_sri(&self) -> String {
        format!("sha512-{}", STANDARD.encode(&self.digest))
    }

    /// The SRI form of `bytes`' digest (tests build tarballs and their integrity).
    pub fn of(bytes: &[u8]) -> Integrity {
        Integrity {
            digest: Sha512::digest(bytes).to_vec(),
        }
    }
}

/// Passes writes through to `inner` and hashes them.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha512,
    written: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha512::new(),
            written: 0,
        }
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The writer back, and the digest of everything written.
    pub fn finish(self) -> (W, Integrity) {
        let digest = self.hasher.finalize().to_vec();
        (self.inner, Integrity { digest })
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        // Only what the inner writer took, so the digest matches the file.
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_registry_form_and_refuses_others() {
        let published = "sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg==";
        let parsed = Integrity::parse(published).unwrap();
        assert_eq!(parsed.to_sri(), published);
        assert_eq!(
            Integrity::parse(&format!("sha1-abc= {published}")),
            Some(parsed)
        );
        assert_eq!(Integrity::parse("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="), None);
        assert_eq!(Integrity::parse("sha512-bm90IGEgZGlnZXN0"), None);
        assert_eq!(Integrity::parse(""), None);
    }

    #[test]
    fn the_writer_hashes_what_it_writes() {
        let mut writer = HashingWriter::new(Vec::new());
        writer.write_all(b"hello ").unwrap();
        writer.write_all(b"world").unwrap();
        assert_eq!(writer.written(), 11);
        let (bytes, digest) = writer.finish();
        assert_eq!(bytes, b"hello world");
        assert_eq!(digest, Integrity::of(b"hello world"));
    }
}
