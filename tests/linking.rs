//! How the `kickoff` binary is linked on Linux with glibc (build.rs): statically, when the C
//! library's static archive is there, so that a start maps no shared library.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use std::path::Path;

/// Whether the ELF file at `path` names a program interpreter (the dynamic loader).
fn has_interpreter(path: &str) -> bool {
    let elf = std::fs::read(path).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    assert_eq!(elf[4], 2, "64-bit");
    let word = |at: usize, n: usize| {
        let mut b = [0u8; 8];
        b[..n].copy_from_slice(&elf[at..at + n]);
        u64::from_le_bytes(b) as usize
    };
    let (phoff, phentsize, phnum) = (word(0x20, 8), word(0x36, 2), word(0x38, 2));
    const PT_INTERP: usize = 3;
    (0..phnum).any(|i| word(phoff + i * phentsize, 4) == PT_INTERP)
}

fn static_libc_installed() -> bool {
    let out = std::process::Command::new("cc")
        .arg("-print-file-name=libc.a")
        .output()
        .unwrap();
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Path::new(&path).is_absolute() && Path::new(&path).exists()
}

#[test]
fn the_binary_needs_no_shared_library_when_libc_a_is_installed() {
    let kickoff = env!("CARGO_BIN_EXE_kickoff");
    if std::env::var("KICKOFF_LINK").as_deref() == Ok("dynamic") || !static_libc_installed() {
        assert!(has_interpreter(kickoff), "linked as usual");
        return;
    }
    assert!(
        !has_interpreter(kickoff),
        "{kickoff} asks for the dynamic loader"
    );
    // And it runs: a check of an example, which parses, reviews and prints.
    let out = std::process::Command::new(kickoff)
        .args([
            "check",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/churn-done-well.toml"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Readiness"));
}

#[test]
fn a_test_binary_is_linked_as_usual() {
    // Only the `kickoff` binary is linked statically; this test is not.
    let me = std::env::current_exe().unwrap();
    assert!(has_interpreter(me.to_str().unwrap()));
}
