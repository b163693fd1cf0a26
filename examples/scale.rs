//! Writes the scale-N specs used to measure archdraw on big estates (docs/performance.md):
//! N VPCs in one region, each with 3 zones × 2 subnets (public, private) × 3 nodes, an
//! internet gateway linked to every public node, and every private node linked to one public
//! node.
//!
//! ```text
//! cargo run --release --example scale -- 100 > scale-100.toml   # one spec to stdout
//! cargo run --release --example scale -- --out-dir bench/       # scale-{1,5,…,1000}.toml
//! cargo run --release --example scale -- --out-dir bench/ 20 50 # chosen sizes
//! ```

#[path = "../benches/support/scale_gen.rs"]
mod scale_gen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut out_dir: Option<PathBuf> = None;
    let mut sizes: Vec<usize> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--out-dir" {
            let Some(d) = args.next() else {
                eprintln!("--out-dir needs a folder");
                return ExitCode::from(2);
            };
            out_dir = Some(d.into());
        } else if a == "-h" || a == "--help" {
            println!("usage: scale N            write scale-N to stdout\n       scale --out-dir DIR [N...]  write DIR/scale-N.toml (default: the series {:?})", scale_gen::SERIES);
            return ExitCode::SUCCESS;
        } else {
            match a.parse() {
                Ok(n) => sizes.push(n),
                Err(_) => {
                    eprintln!("not a size: {a} (try --help)");
                    return ExitCode::from(2);
                }
            }
        }
    }
    match out_dir {
        None => {
            let [n] = sizes[..] else {
                eprintln!("give one size N, or --out-dir DIR (try --help)");
                return ExitCode::from(2);
            };
            print!("{}", scale_gen::scale_spec(n));
        }
        Some(dir) => {
            if sizes.is_empty() {
                sizes = scale_gen::SERIES.to_vec();
            }
            if let Err(e) = std::fs::create_dir_all(&dir) {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::from(2);
            }
            for n in sizes {
                let p = dir.join(format!("scale-{n}.toml"));
                if let Err(e) = std::fs::write(&p, scale_gen::scale_spec(n)) {
                    eprintln!("{}: {e}", p.display());
                    return ExitCode::from(2);
                }
                eprintln!("wrote {}", p.display());
            }
        }
    }
    ExitCode::SUCCESS
}
