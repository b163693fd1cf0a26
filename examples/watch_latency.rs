//! Latency of `archdraw serve`/`watch`: from a save to the new SVG on disk, and to the event
//! pushed to the preview page.
//!
//! ```sh
//! cargo run --release --example watch_latency                  # both Ohio specs, 30 saves each way
//! cargo run --release --example watch_latency -- --debounce 20 --rounds 50 --format svg,png
//! ```
//!
//! Builds the release binary, copies each spec to a temporary folder, starts
//! `archdraw serve SPEC --port 0`, listens to its event stream like the page does, and then
//! saves the spec again and again with a new title, in place and by renaming a temporary file
//! over it. For each save it takes the time from the end of the save (the write or the rename
//! returned) to the moment the SVG on disk has the new title (polled every 0.5 ms) and to the
//! moment the pushed event with the new title arrives. Prints min / median / p95 / max, and
//! the same minus the debounce (the part the debounce does not explain).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Opts {
    debounce: u64,
    rounds: usize,
    format: String,
    specs: Vec<PathBuf>,
}

fn opts() -> Opts {
    let mut o = Opts {
        debounce: 50,
        rounds: 30,
        format: "svg".into(),
        specs: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--debounce" => o.debounce = val().parse().expect("--debounce MS"),
            "--rounds" => o.rounds = val().parse().expect("--rounds N"),
            "--format" => o.format = val(),
            "-h" | "--help" => {
                println!("watch_latency [--debounce MS] [--rounds N] [--format F] [SPEC...]");
                std::process::exit(0);
            }
            _ => o.specs.push(PathBuf::from(a)),
        }
    }
    if o.specs.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        o.specs = vec![
            root.join("specs/ohio-network.toml"),
            root.join("specs/ohio-geo.toml"),
        ];
    }
    o
}

/// Builds the release binary and returns its path.
fn binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let st = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "archdraw"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run cargo build");
    assert!(st.success(), "cargo build --release failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("release").join("archdraw")
}

/// Reads the event stream on a thread; sends (arrival time, data line) per event.
fn events(base: &str) -> mpsc::Receiver<(Instant, String)> {
    let auth = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(auth).expect("connect to the preview server");
    write!(s, "GET /events HTTP/1.1\r\nHost: {auth}\r\n\r\n").unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = BufReader::new(s);
        for line in r.lines() {
            let Ok(line) = line else { break };
            if let Some(data) = line.strip_prefix("data: ") {
                if tx.send((Instant::now(), data.to_string())).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

fn stats(name: &str, mut v: Vec<f64>, debounce: f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    println!(
        "  {name:<22} min {:6.1}  median {:6.1}  p95 {:6.1}  max {:6.1} ms   beyond debounce: median {:5.1}  p95 {:5.1}  max {:5.1} ms",
        q(0.0),
        q(0.5),
        q(0.95),
        q(1.0),
        q(0.5) - debounce,
        q(0.95) - debounce,
        q(1.0) - debounce
    );
}

fn main() {
    let o = opts();
    let bin = binary();
    println!(
        "archdraw serve, debounce {} ms, --format {}, {} saves per way; times from the end of the save\n",
        o.debounce, o.format, o.rounds
    );
    for spec in &o.specs {
        let text = std::fs::read_to_string(spec).expect("read spec");
        let title_line = text
            .lines()
            .find(|l| l.trim_start().starts_with("title ="))
            .expect("the spec has a [diagram] title")
            .to_string();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("x.toml");
        std::fs::write(&path, &text).unwrap();
        let mut child = Command::new(&bin)
            .args(["serve", "x.toml", "--port", "0", "--quiet"])
            .args(["--debounce", &o.debounce.to_string(), "--format", &o.format])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start archdraw");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let url = first[first.find("http://").expect("preview address")..]
            .trim()
            .to_string();
        // Drain stdout so the child never blocks on it.
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = out.read_to_end(&mut sink);
        });
        let rx = events(&url);
        // Wait for the hello event, i.e. the first render is on the page.
        rx.recv_timeout(Duration::from_secs(30))
            .expect("hello event");
        let svg_path = dir.path().join("x.svg");
        println!("{}", spec.display());
        for way in ["in-place write", "rename over"] {
            let (mut disk, mut push) = (Vec::new(), Vec::new());
            for round in 0..o.rounds {
                let marker = format!("Latency {way} {round}");
                let new = text.replacen(&title_line, &format!("title = \"{marker}\""), 1);
                let needle = format!("<title>{marker}</title>");
                // Let the previous save settle, and drop its events.
                std::thread::sleep(Duration::from_millis(o.debounce * 2 + 30));
                while rx.try_recv().is_ok() {}
                let t0 = if way == "in-place write" {
                    std::fs::write(&path, &new).unwrap();
                    Instant::now()
                } else {
                    let tmp = dir.path().join(".x.toml.new");
                    std::fs::write(&tmp, &new).unwrap();
                    std::fs::rename(&tmp, &path).unwrap();
                    Instant::now()
                };
                let end = t0 + Duration::from_secs(10);
                let mut t_disk = None;
                while t_disk.is_none() {
                    if std::fs::read_to_string(&svg_path).is_ok_and(|s| s.contains(&needle)) {
                        t_disk = Some(Instant::now());
                    } else {
                        assert!(Instant::now() < end, "no new SVG on disk within 10 s");
                        std::thread::sleep(Duration::from_micros(500));
                    }
                }
                let t_push = loop {
                    let left = end.saturating_duration_since(Instant::now());
                    let (at, data) = rx.recv_timeout(left).expect("pushed event within 10 s");
                    if data.contains(&needle) {
                        break at;
                    }
                };
                disk.push(t_disk.unwrap().duration_since(t0).as_secs_f64() * 1000.0);
                push.push(t_push.duration_since(t0).as_secs_f64() * 1000.0);
            }
            println!(" {way}:");
            let d = o.debounce as f64;
            stats("save → SVG on disk", disk, d);
            stats("save → event pushed", push, d);
        }
        let _ = child.kill();
        let _ = child.wait();
        println!();
    }
}
