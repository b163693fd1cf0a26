//! Helpers shared by the `watch`/`serve` tests: a running `archdraw` whose output lines arrive
//! on channels, a tiny HTTP client and a server-sent events reader. Every wait has a deadline.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long any single wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(30);

pub const NETWORK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/specs/ohio-network.toml"
));
pub const NETWORK_TITLE: &str = "title = \"Ohio network architecture\"";

/// The network spec with another diagram title.
pub fn titled(title: &str) -> String {
    assert_eq!(NETWORK.matches(NETWORK_TITLE).count(), 1);
    NETWORK.replacen(NETWORK_TITLE, &format!("title = \"{title}\""), 1)
}

/// The network spec with a misspelt VPC reference on its own line (an error at a known place).
pub fn broken() -> String {
    format!("{NETWORK}\n[subnets.extra]\nvpc = \"mian\"\nzone = \"us-east-2a\"\ncidr = \"10.0.9.0/24\"\ntier = \"private\"\n")
}

/// A running `archdraw` with its stdout and stderr lines on channels.
pub struct Proc {
    pub child: Child,
    out: mpsc::Receiver<String>,
    err: mpsc::Receiver<String>,
    /// Every line seen so far, for failure messages.
    pub seen_out: Vec<String>,
    pub seen_err: Vec<String>,
}

fn pump(r: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines() {
            match line {
                Ok(l) => {
                    if tx.send(l).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    rx
}

impl Proc {
    /// Starts `archdraw ARGS` in `dir`.
    pub fn start(dir: &Path, args: &[&str]) -> Proc {
        Proc::start_with(dir, args, &[])
    }

    pub fn start_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Proc {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_archdraw"));
        cmd.args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("BROWSER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start archdraw");
        let out = pump(child.stdout.take().expect("stdout"));
        let err = pump(child.stderr.take().expect("stderr"));
        Proc {
            child,
            out,
            err,
            seen_out: Vec::new(),
            seen_err: Vec::new(),
        }
    }

    fn context(&self) -> String {
        format!(
            "--- stdout:\n{}\n--- stderr:\n{}",
            self.seen_out.join("\n"),
            self.seen_err.join("\n")
        )
    }

    /// Drains stderr lines that arrived so far.
    pub fn drain_err(&mut self) -> Vec<String> {
        let mut v = Vec::new();
        while let Ok(l) = self.err.try_recv() {
            self.seen_err.push(l.clone());
            v.push(l);
        }
        v
    }

    /// The next stdout line; fails the test after [`WAIT`].
    #[track_caller]
    pub fn next_line(&mut self, what: &str) -> String {
        match self.out.recv_timeout(WAIT) {
            Ok(l) => {
                self.seen_out.push(l.clone());
                l
            }
            Err(_) => {
                self.drain_err();
                panic!(
                    "no stdout line ({what}) within {WAIT:?}\n{}",
                    self.context()
                )
            }
        }
    }

    /// Stdout lines until one satisfies `pred`; returns it.
    #[track_caller]
    pub fn line_until(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + WAIT;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.out.recv_timeout(left) {
                Ok(l) => {
                    self.seen_out.push(l.clone());
                    if pred(&l) {
                        return l;
                    }
                }
                Err(_) => {
                    self.drain_err();
                    panic!(
                        "no stdout line: {what} (within {WAIT:?})\n{}",
                        self.context()
                    )
                }
            }
        }
    }

    /// Stderr lines until one satisfies `pred`; returns every line read, that one last.
    #[track_caller]
    pub fn err_until(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> Vec<String> {
        let end = Instant::now() + WAIT;
        let mut got = Vec::new();
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.err.recv_timeout(left) {
                Ok(l) => {
                    self.seen_err.push(l.clone());
                    got.push(l.clone());
                    if pred(&l) {
                        return got;
                    }
                }
                Err(_) => panic!(
                    "no stderr line: {what} (within {WAIT:?})\n{}",
                    self.context()
                ),
            }
        }
    }

    /// Waits for the next render attempt: a stdout line with ` → ` (rendered), or a stderr
    /// line starting `file:` with `error:` (diagnosed). Returns (rendered, the line).
    #[track_caller]
    pub fn next_attempt(&mut self, file: &str) -> (bool, String) {
        let end = Instant::now() + WAIT;
        loop {
            while let Ok(l) = self.out.try_recv() {
                self.seen_out.push(l.clone());
                if l.contains(" → ") {
                    return (true, l);
                }
            }
            while let Ok(l) = self.err.try_recv() {
                self.seen_err.push(l.clone());
                if l.starts_with(&format!("{file}:")) && l.contains("error:") {
                    return (false, l);
                }
            }
            if Instant::now() > end {
                panic!("no render attempt within {WAIT:?}\n{}", self.context());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stdout lines that arrive within `d` (used only to check that nothing more comes).
    pub fn lines_within(&mut self, d: Duration) -> Vec<String> {
        let end = Instant::now() + d;
        let mut v = Vec::new();
        while let Ok(l) = self
            .out
            .recv_timeout(end.saturating_duration_since(Instant::now()))
        {
            self.seen_out.push(l.clone());
            v.push(l);
        }
        v
    }

    /// The preview address printed at start (`preview at http://…/`), without the last slash.
    #[track_caller]
    pub fn preview_url(&mut self) -> String {
        let l = self.line_until("preview address", |l| l.contains("http://"));
        let at = l.find("http://").expect("URL in line");
        l[at..].trim().trim_end_matches('/').to_string()
    }

    /// Sends a signal (e.g. "INT", "TERM") with the `kill` command.
    pub fn signal(&self, sig: &str) {
        let st = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(st.success(), "kill -{sig} failed");
    }

    /// Waits for the process to exit; fails the test after [`WAIT`].
    #[track_caller]
    pub fn wait_exit(&mut self) -> ExitStatus {
        let end = Instant::now() + WAIT;
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                return st;
            }
            if Instant::now() > end {
                let _ = self.child.kill();
                panic!("archdraw did not exit within {WAIT:?}\n{}", self.context());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`.
pub fn replace_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("toml.swp-new");
    std::fs::write(&tmp, text).expect("write temp");
    std::fs::rename(&tmp, path).expect("rename over");
}

/// `http://host:port` → `host:port`.
pub fn authority(base: &str) -> &str {
    base.trim_start_matches("http://")
}

/// A plain HTTP/1.1 request; returns (status, headers lowercased, body).
pub fn http(base: &str, method: &str, path: &str, host: Option<&str>) -> (u16, String, Vec<u8>) {
    let auth = authority(base);
    let mut s = TcpStream::connect(auth).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    let host = host.unwrap_or(auth);
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status code");
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, head, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&b[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

/// A server-sent events stream.
pub struct Sse {
    reader: BufReader<TcpStream>,
}

/// One event: its name and parsed data.
pub struct Event {
    pub name: String,
    pub data: serde_json::Value,
    pub at: Instant,
}

impl Sse {
    pub fn open(base: &str) -> Sse {
        let auth = authority(base);
        let mut s = TcpStream::connect(auth).expect("connect");
        s.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            s,
            "GET /events HTTP/1.1\r\nHost: {auth}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut status = String::new();
        reader.read_line(&mut status).expect("status line");
        assert!(status.contains(" 200 "), "event stream status: {status}");
        loop {
            let mut l = String::new();
            reader.read_line(&mut l).expect("header line");
            if l == "\r\n" || l.is_empty() {
                break;
            }
        }
        Sse { reader }
    }

    /// The next event (comments and `retry:` skipped). Reads time out after [`WAIT`].
    #[track_caller]
    pub fn next(&mut self) -> Event {
        let mut name = String::from("message");
        let mut data = String::new();
        loop {
            let mut l = String::new();
            let n = self
                .reader
                .read_line(&mut l)
                .unwrap_or_else(|e| panic!("no event within {WAIT:?}: {e}"));
            assert!(n > 0, "event stream closed");
            let l = l.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                if data.is_empty() {
                    continue;
                }
                return Event {
                    name,
                    data: serde_json::from_str(&data).expect("event data is JSON"),
                    at: Instant::now(),
                };
            }
            if let Some(v) = l.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = l.strip_prefix("data: ") {
                data.push_str(v);
            }
        }
    }

    /// Events until one named `name` satisfies `pred`.
    #[track_caller]
    pub fn until(&mut self, name: &str, pred: impl Fn(&serde_json::Value) -> bool) -> Event {
        loop {
            let e = self.next();
            if e.name == name && pred(&e.data) {
                return e;
            }
        }
    }
}

/// A fresh temporary folder holding the network spec as `x.toml`.
pub fn network_dir() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().expect("temp dir");
    let spec = d.path().join("x.toml");
    std::fs::write(&spec, NETWORK).expect("write spec");
    (d, spec)
}
