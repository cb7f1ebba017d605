//! Builds lwIP for the `lwip` conformance target (feature `lwip`).
//!
//! lwIP's C sources are not in this repository: they come from the registry at build time,
//! in the `lwip` crate 0.4.0, which carries lwIP's git tree of late 2023 (2.2.1 in
//! development) unchanged under `src/`. That crate is not a dependency: its own build
//! script needs libclang (bindgen) and it brings an async runtime, while only its C files
//! are wanted here. So its `.crate` archive is taken from cargo's download cache, asking
//! cargo to download it first (`cargo info`, which fetches a crate's archive without
//! building it) when it is not there, or from the file `TCP_FSM_LWIP_CRATE` names (for a
//! machine without the registry). The archive's SHA-256 is checked against the registry's,
//! and lwIP's core is compiled by `cc` with our `lwip-port/lwipopts.h` and `lwip-port/glue.c`.
//!
//! When lwIP cannot be had (no network, no C compiler), the crate still builds: the target
//! then reports why it cannot run (`TCP_FSM_LWIP_UNAVAILABLE`), and its tests skip.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(lwip_built)");
    #[cfg(feature = "lwip")]
    lwip::build();
}

#[cfg(feature = "lwip")]
mod lwip {
    use sha2::{Digest, Sha256};
    use std::path::{Path, PathBuf};
    use std::process::Command;

    const NAME: &str = "lwip";
    const VERSION: &str = "0.4.0";
    /// The archive's checksum as the crates.io index records it.
    const SHA256: &str = "91a6b1dcb50bc8c8c032b7fefb5176aad2ce3eaed5b8307aace0b8d1e348184e";
    /// Overrides where the archive is read from.
    const ARCHIVE_VAR: &str = "TCP_FSM_LWIP_CRATE";

    /// lwIP's core for IPv4 and TCP, under the archive's `src/`.
    const SOURCES: [&str; 14] = [
        "core/init.c",
        "core/def.c",
        "core/inet_chksum.c",
        "core/ip.c",
        "core/mem.c",
        "core/memp.c",
        "core/netif.c",
        "core/pbuf.c",
        "core/tcp.c",
        "core/tcp_in.c",
        "core/tcp_out.c",
        "core/timeouts.c",
        "core/ipv4/ip4.c",
        "core/ipv4/ip4_addr.c",
    ];

    pub fn build() {
        println!("cargo::rerun-if-changed=lwip-port");
        println!("cargo::rerun-if-env-changed={ARCHIVE_VAR}");
        match compile() {
            Ok(()) => println!("cargo::rustc-cfg=lwip_built"),
            Err(why) => {
                println!("cargo::warning=the lwip conformance target is left out: {why}");
                println!("cargo::rustc-env=TCP_FSM_LWIP_UNAVAILABLE={why}");
            }
        }
    }

    fn compile() -> Result<(), String> {
        let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?);
        let root = unpack(&archive()?, &out)?;
        let src = root.join("src");
        let ours = Path::new("lwip-port");
        let mut build = cc::Build::new();
        let compiler = build
            .try_get_compiler()
            .map_err(|e| format!("no C compiler: {e}"))?;
        // A missing compiler would otherwise be reported as the failure of the first file.
        let works = Command::new(compiler.path())
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !works {
            return Err(format!(
                "no working C compiler (`{} --version` failed; CC names another)",
                compiler.path().display()
            ));
        }
        build
            .include(ours)
            .include(src.join("include"))
            .files(SOURCES.iter().map(|f| src.join(f)))
            .file(ours.join("glue.c"))
            // lwIP's own code is not ours to fix; our glue is held to the same flags.
            .warnings(false)
            .try_compile("tcpfsm_lwip")
            .map_err(|e| format!("compiling lwIP: {e}"))
    }

    /// The `.crate` archive: `TCP_FSM_LWIP_CRATE`, or cargo's cache, downloaded if need be.
    fn archive() -> Result<PathBuf, String> {
        if let Some(path) = std::env::var_os(ARCHIVE_VAR) {
            return Ok(PathBuf::from(path));
        }
        if let Some(path) = cached() {
            return Ok(path);
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(&cargo)
            .args(["info", &format!("{NAME}@{VERSION}")])
            .output()
            .map_err(|e| format!("running `{cargo} info`: {e}"))?;
        cached().ok_or_else(|| {
            format!(
                "the {NAME} {VERSION} crate (lwIP's sources) could not be downloaded: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )
        })
    }

    /// The archive in cargo's download cache (`$CARGO_HOME/registry/cache/<index>/`).
    fn cached() -> Option<PathBuf> {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
        let file = format!("{NAME}-{VERSION}.crate");
        std::fs::read_dir(home.join("registry/cache"))
            .ok()?
            .filter_map(Result::ok)
            .map(|index| index.path().join(&file))
            .find(|path| path.is_file())
    }

    /// Checks the archive and unpacks lwIP's `src/` into `out`; the unpacked root.
    fn unpack(archive: &Path, out: &Path) -> Result<PathBuf, String> {
        let bytes = std::fs::read(archive).map_err(|e| format!("{}: {e}", archive.display()))?;
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        if hex != SHA256 {
            return Err(format!(
                "{} has SHA-256 {hex}, not the registry's {SHA256}",
                archive.display()
            ));
        }
        let root = out.join(format!("{NAME}-{VERSION}"));
        let prefix = format!("{NAME}-{VERSION}/src/");
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let entries = tar
            .entries()
            .map_err(|e| format!("{}: {e}", archive.display()))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| format!("{}: {e}", archive.display()))?;
            let path = entry
                .path()
                .map_err(|e| format!("{}: {e}", archive.display()))?
                .into_owned();
            if path.to_string_lossy().starts_with(&prefix) {
                // `unpack_in` refuses paths that would leave `out`.
                entry
                    .unpack_in(out)
                    .map_err(|e| format!("unpacking {}: {e}", path.display()))?;
            }
        }
        Ok(root)
    }
}
