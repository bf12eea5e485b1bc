//! Replays the saved cargo-fuzz findings (`regressions/<target>/*`: each
//! crash minimised with `cargo fuzz tmin`, kept with its fix) and runs every
//! check on generated inputs. Stable Rust: `cargo test --no-default-features`;
//! Miri: `cargo +nightly miri test --no-default-features` (fewer inputs).

use std::path::Path;

use oxpy_binascii_core_fuzz::TARGETS;

#[test]
fn regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut replayed = 0;
    for (name, check) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else { continue };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            eprintln!("replaying {}", file.display());
            check(&data);
            replayed += 1;
        }
    }
    eprintln!("{replayed} regression inputs replayed");
}

/// xorshift64*: deterministic inputs without dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ALPHABETS: [&[u8]; 4] = [
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n\r -_",
    b"0123456789abcdefABCDEFg \xff",
    b"abc =\t\n\r._=3D=20",
    b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`\n",
];

#[test]
fn generated_inputs() {
    let (cases, max_len) = if cfg!(miri) { (24, 80) } else { (4000, 700) };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..cases {
        let len = rng.below(max_len);
        let mut data: Vec<u8> = Vec::with_capacity(len + 1);
        data.push(rng.next() as u8);
        match i % 5 {
            4 => data.extend((0..len).map(|_| rng.next() as u8)),
            k => {
                let alphabet = ALPHABETS[k];
                data.extend((0..len).map(|_| alphabet[rng.below(alphabet.len())]));
            }
        }
        for (_, check) in TARGETS {
            check(&data);
        }
    }
}
