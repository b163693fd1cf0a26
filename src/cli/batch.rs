//! Running one job per spec on a pool of threads, printing each spec's messages together and
//! in the order of the specs (so a batch prints the same thing whatever `--jobs` is), with a
//! progress bar on a terminal when the batch takes a while.

use crate::inputs::Input;
use crate::{Outcome, Printer, Stream};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a batch runs before its progress bar appears (`ARCHDRAW_PROGRESS_DELAY_MS`
/// changes it, for tests).
const PROGRESS_DELAY: Duration = Duration::from_millis(500);

/// The number of threads for `--jobs`: the number given, else one per CPU.
pub(crate) fn jobs(given: Option<u16>) -> usize {
    match given {
        Some(n) => usize::from(n).max(1),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

fn progress_delay() -> Duration {
    std::env::var("ARCHDRAW_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(PROGRESS_DELAY, Duration::from_millis)
}

/// Runs `f` on every input with `jobs` threads (see [`jobs`]) and returns the outcomes in input order.
/// Each call prints through a buffered printer; its messages are printed once every earlier
/// input's have been. With `progress` (the verb it shows, e.g. "rendering"), a bar on stderr
/// counts finished specs once the batch has run for half a second (never for a single spec).
pub(crate) fn run<F>(
    inputs: &[Input],
    jobs: Option<u16>,
    p: &Printer,
    progress: Option<&str>,
    f: F,
) -> Vec<Outcome>
where
    F: Fn(&Input, &Printer) -> Outcome + Sync,
{
    let n = inputs.len();
    if n == 1 {
        // One spec: on this thread (no thread to start, no second allocator arena to fault in).
        let bp = p.buffered();
        let out = f(&inputs[0], &bp);
        p.emit(bp.take());
        return vec![out];
    }
    let threads = self::jobs(jobs).clamp(1, n.max(1));
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Outcome, Vec<(Stream, String)>)>();
    let bar = progress.filter(|_| n > 1).map(|verb| {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(n as u64),
            indicatif::ProgressDrawTarget::hidden(),
        );
        let template =
            format!("{{spinner}} {verb} [{{bar:30}}] {{pos}}/{{len}} specs, {{elapsed}}");
        if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    });
    let mut results: Vec<Option<Outcome>> = (0..n).map(|_| None).collect();
    let start = Instant::now();
    let delay = progress_delay();
    std::thread::scope(|s| {
        let (next, f) = (&next, &f);
        for _ in 0..threads {
            let tx = tx.clone();
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let bp = p.buffered();
                let out = f(&inputs[i], &bp);
                if tx.send((i, out, bp.take())).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Messages of finished specs wait here until every earlier spec's are printed.
        let mut waiting: BTreeMap<usize, Vec<(Stream, String)>> = BTreeMap::new();
        let mut printed = 0;
        let mut shown = false;
        loop {
            let msg = rx.recv_timeout(Duration::from_millis(50));
            if let Some(bar) = &bar {
                if !shown && start.elapsed() >= delay && printed < n {
                    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(100));
                    shown = true;
                }
            }
            match msg {
                Ok((i, out, msgs)) => {
                    results[i] = Some(out);
                    waiting.insert(i, msgs);
                    if let Some(bar) = &bar {
                        bar.inc(1);
                    }
                    while let Some(msgs) = waiting.remove(&printed) {
                        match &bar {
                            Some(bar) if shown => bar.suspend(|| p.emit(msgs)),
                            _ => p.emit(msgs),
                        }
                        printed += 1;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    results
        .into_iter()
        .map(|o| o.unwrap_or(Outcome::Failed))
        .collect()
}
