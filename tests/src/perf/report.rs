//! The figures of the performance benchmark: paired samples of witbind and
//! wit-bindgen, their medians and ratios, the printed table, the machine
//! the run happened on and `benches/RESULTS.md`.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Which way a figure is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Times and sizes.
    Lower,
    /// Throughput.
    Higher,
}

/// What a figure counts, and so how its values are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds.
    Ms,
    /// Seconds.
    Seconds,
    /// Bytes.
    Bytes,
    /// Lines of source.
    Lines,
    /// Calls per second.
    CallsPerSec,
    /// Resource cycles (create, call, drop) per second.
    CyclesPerSec,
    /// MiB of payload per second.
    MibPerSec,
    /// Wasm instructions (wasmtime fuel) per call.
    Instructions,
    /// Crates (in a dependency graph).
    Crates,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Ms => "ms",
            Unit::Seconds => "s",
            Unit::Bytes => "bytes",
            Unit::Lines => "lines",
            Unit::CallsPerSec => "calls/s",
            Unit::CyclesPerSec => "cycles/s",
            Unit::MibPerSec => "MiB/s",
            Unit::Instructions => "instructions",
            Unit::Crates => "crates",
        }
    }

    /// `value` in this unit, for the table.
    fn show(self, value: f64) -> String {
        match self {
            Unit::Ms if value < 10.0 => format!("{value:.2}"),
            Unit::Ms => format!("{value:.1}"),
            Unit::Seconds => format!("{value:.2}"),
            Unit::Bytes | Unit::Lines | Unit::Crates => thousands(value.round() as u64),
            Unit::CallsPerSec | Unit::CyclesPerSec => thousands(value.round() as u64),
            Unit::MibPerSec => format!("{value:.0}"),
            Unit::Instructions if value < 100.0 => format!("{value:.1}"),
            Unit::Instructions => thousands(value.round() as u64),
        }
    }
}

/// `1234567` as `1 234 567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// One figure: a value of witbind and one of wit-bindgen per run.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The section of the table: `generation`, `guest builds`, ...
    pub group: String,
    /// What is measured.
    pub name: String,
    /// Its unit.
    pub unit: Unit,
    /// Which way is better.
    pub better: Better,
    /// witbind's value in each run.
    pub witbind: Vec<f64>,
    /// wit-bindgen's value in each run (paired with [`Figure::witbind`]).
    pub reference: Vec<f64>,
}

impl Figure {
    /// witbind / wit-bindgen, run by run.
    pub fn ratios(&self) -> Vec<f64> {
        self.witbind
            .iter()
            .zip(&self.reference)
            .map(|(ours, theirs)| ours / theirs)
            .collect()
    }
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}

/// A figure of witbind alone, where wit-bindgen's is out of reach (its
/// output for the golem worlds is 11–650 MB).
#[derive(Debug, Clone)]
pub struct Solo {
    /// What was measured on (`golem:rust/golem-agentic`).
    pub group: String,
    /// What was measured (`output bytes`).
    pub name: String,
    /// Its unit.
    pub unit: Unit,
    /// The value.
    pub value: f64,
}

/// Every figure of a run, in the order they were first recorded, and notes.
#[derive(Debug, Default)]
pub struct Report {
    figures: Vec<Figure>,
    solos: Vec<Solo>,
    notes: Vec<String>,
}

impl Report {
    /// Records one run's pair of values of a figure.
    pub fn record(
        &mut self,
        group: &str,
        name: &str,
        unit: Unit,
        better: Better,
        witbind: f64,
        reference: f64,
    ) {
        let index = match self
            .figures
            .iter()
            .position(|f| f.group == group && f.name == name)
        {
            Some(index) => index,
            None => {
                self.figures.push(Figure {
                    group: group.to_string(),
                    name: name.to_string(),
                    unit,
                    better,
                    witbind: Vec::new(),
                    reference: Vec::new(),
                });
                self.figures.len() - 1
            }
        };
        let figure = &mut self.figures[index];
        figure.witbind.push(witbind);
        figure.reference.push(reference);
    }

    /// Records a pair of durations in `unit` ([`Unit::Ms`] or
    /// [`Unit::Seconds`]), lower is better.
    pub fn record_time(
        &mut self,
        group: &str,
        name: &str,
        unit: Unit,
        witbind: Duration,
        reference: Duration,
    ) {
        let scale = if unit == Unit::Ms { 1e3 } else { 1.0 };
        self.record(
            group,
            name,
            unit,
            Better::Lower,
            witbind.as_secs_f64() * scale,
            reference.as_secs_f64() * scale,
        );
    }

    /// Records a figure of witbind alone.
    pub fn record_solo(&mut self, group: &str, name: &str, unit: Unit, value: f64) {
        self.solos.push(Solo {
            group: group.to_string(),
            name: name.to_string(),
            unit,
            value,
        });
    }

    /// The figures of witbind alone.
    pub fn solos(&self) -> &[Solo] {
        &self.solos
    }

    fn solo_rows(&self) -> Vec<[String; 3]> {
        self.solos
            .iter()
            .map(|solo| {
                [
                    format!("{}: {}", solo.group, solo.name),
                    solo.unit.name().to_string(),
                    solo.unit.show(solo.value),
                ]
            })
            .collect()
    }

    /// Adds a line printed under the table.
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The figures.
    pub fn figures(&self) -> &[Figure] {
        &self.figures
    }

    /// The notes.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The figure `(group, name)`, if recorded.
    pub fn figure(&self, group: &str, name: &str) -> Option<&Figure> {
        self.figures
            .iter()
            .find(|f| f.group == group && f.name == name)
    }

    fn rows(&self) -> Vec<[String; 5]> {
        self.figures
            .iter()
            .map(|figure| {
                let ratios = figure.ratios();
                let (lo, hi) = min_max(&ratios);
                let arrow = match figure.better {
                    Better::Lower => "↓",
                    Better::Higher => "↑",
                };
                let name = if figure.group.is_empty() {
                    figure.name.clone()
                } else {
                    format!("{}: {}", figure.group, figure.name)
                };
                let ratio = if ratios.len() > 1 && (hi - lo).abs() > 0.0005 {
                    format!("{:.3} [{lo:.3}–{hi:.3}]", median(&ratios))
                } else {
                    format!("{:.3}", median(&ratios))
                };
                [
                    name,
                    format!("{} {arrow}", figure.unit.name()),
                    figure.unit.show(median(&figure.witbind)),
                    figure.unit.show(median(&figure.reference)),
                    ratio,
                ]
            })
            .collect()
    }

    const HEADER: [&'static str; 5] = [
        "figure",
        "unit",
        "witbind",
        "wit-bindgen",
        "ratio median [min–max]",
    ];

    /// The table as aligned plain text.
    pub fn text_table(&self) -> String {
        let rows = self.rows();
        let mut widths = Self::HEADER.map(|h| h.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: [&str; 5]| {
            let mut out = String::new();
            for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
                let pad = width - cell.chars().count();
                if i == 0 {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str("  ");
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
            out.trim_end().to_string()
        };
        let mut out = String::new();
        writeln!(out, "{}", line(Self::HEADER)).unwrap();
        for row in &rows {
            writeln!(out, "{}", line(row.each_ref().map(String::as_str))).unwrap();
        }
        let solos = self.solo_rows();
        if !solos.is_empty() {
            let width = solos.iter().map(|row| row[0].chars().count()).max();
            let width = width.unwrap_or(0);
            writeln!(out, "\n{}", Self::SOLO_HEADER).unwrap();
            for [name, unit, value] in &solos {
                writeln!(out, "{name:width$}  {value:>12} {unit}").unwrap();
            }
        }
        out
    }

    const SOLO_HEADER: &'static str = "witbind alone (no wit-bindgen figure to compare with):";

    /// The table in Markdown.
    pub fn markdown_table(&self) -> String {
        let mut out = String::new();
        writeln!(out, "| {} |", Self::HEADER.join(" | ")).unwrap();
        writeln!(out, "| --- | --- | ---: | ---: | ---: |").unwrap();
        for row in self.rows() {
            writeln!(out, "| {} |", row.join(" | ")).unwrap();
        }
        let solos = self.solo_rows();
        if !solos.is_empty() {
            writeln!(out, "\n{}\n", Self::SOLO_HEADER).unwrap();
            writeln!(out, "| figure | unit | witbind |\n| --- | --- | ---: |").unwrap();
            for row in solos {
                writeln!(out, "| {} |", row.join(" | ")).unwrap();
            }
        }
        out
    }
}

/// The legend under every table.
pub const LEGEND: &str = "ratio = witbind / wit-bindgen, computed run by run (the runs \
interleave the two); median of the runs, [min–max] when they differ. ↓: lower is better \
(a ratio below 1 favours witbind); ↑: higher is better (a ratio above 1 favours witbind).";

/// Where and when the benchmark ran.
#[derive(Debug, Clone)]
pub struct Machine {
    /// `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    /// `nproc`.
    pub cpus: usize,
    /// The CPU's `model name` in /proc/cpuinfo.
    pub cpu_model: String,
    /// `rustc -V`.
    pub rustc: String,
    /// The wasmtime crate's version (from Cargo.lock).
    pub wasmtime: String,
    /// /proc/loadavg when the run started.
    pub load_at_start: String,
}

impl Machine {
    /// The machine this process runs on, now.
    pub fn current() -> Machine {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|line| line.starts_with("model name"))
                    .and_then(|line| line.split_once(':'))
                    .map(|(_, model)| model.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".to_string());
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let rustc = std::process::Command::new(rustc)
            .arg("-V")
            .output()
            .ok()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
            .unwrap_or_else(|| "unknown".to_string());
        Machine {
            date: utc_now(),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            rustc,
            wasmtime: locked_version("wasmtime").unwrap_or_else(|| "unknown".to_string()),
            load_at_start: load_average(),
        }
    }
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// The version of `package` in the main workspace's Cargo.lock (the
/// first one listed).
pub fn locked_version(package: &str) -> Option<String> {
    let lock = std::fs::read_to_string(crate::repo_root().join("Cargo.lock")).ok()?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            let version = lines.next()?;
            return Some(
                version
                    .strip_prefix("version = \"")?
                    .trim_end_matches('"')
                    .to_string(),
            );
        }
    }
    None
}

/// The current time as `YYYY-MM-DD HH:MM UTC`.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

/// How much of the machine's CPU time went to other processes while the
/// benchmark ran: compares the busy time of every CPU (/proc/stat) with the
/// time this process and the commands it waited for used (/proc/self/stat).
#[derive(Debug, Clone, Copy)]
pub struct CpuMeter {
    busy: u64,
    own: u64,
    at: std::time::Instant,
}

impl CpuMeter {
    /// Starts measuring; `None` where /proc is not there.
    pub fn start() -> Option<CpuMeter> {
        Some(CpuMeter {
            busy: busy_ticks()?,
            own: own_ticks()?,
            at: std::time::Instant::now(),
        })
    }

    /// The share (0 to 1) of all CPUs' time that other processes used
    /// since [`CpuMeter::start`].
    pub fn others_share(&self) -> Option<f64> {
        let busy = busy_ticks()?.saturating_sub(self.busy);
        let own = own_ticks()?.saturating_sub(self.own);
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        // /proc counts in USER_HZ ticks, 100 per second on Linux.
        let available = self.at.elapsed().as_secs_f64() * 100.0 * cpus;
        (available > 0.0).then(|| (busy.saturating_sub(own) as f64 / available).clamp(0.0, 1.0))
    }
}

/// The busy (not idle, not waiting for I/O) ticks of all CPUs.
fn busy_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu = stat.lines().next()?.strip_prefix("cpu ")?;
    let ticks: Vec<u64> = cpu
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is in user).
    let total: u64 = ticks.iter().take(8).sum();
    Some(total - ticks.get(3)? - ticks.get(4).copied().unwrap_or(0))
}

/// The user and system ticks of this process and its waited-for children.
fn own_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which is in parentheses).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime, stime, cutime, cstime are fields 14 to 17; `fields[0]` is 3.
    fields[11..15].iter().map(|f| f.parse::<u64>().ok()).sum()
}

/// `benches/RESULTS.md`: the machine, the settings and the table.
pub fn results_markdown(
    report: &Report,
    machine: &Machine,
    runs: usize,
    settings: &[String],
    others_share: Option<f64>,
) -> String {
    let mut out = String::new();
    writeln!(out, "# witbind vs wit-bindgen 0.63: benchmark results\n").unwrap();
    writeln!(
        out,
        "Written by `cargo bench -p witbind-tests --bench perf` (see the README's \
         \"Performance\" section); do not edit by hand.\n"
    )
    .unwrap();
    writeln!(out, "- date: {}", machine.date).unwrap();
    writeln!(
        out,
        "- machine: {} CPUs (`nproc`), {}",
        machine.cpus, machine.cpu_model
    )
    .unwrap();
    writeln!(out, "- rustc: {}", machine.rustc).unwrap();
    writeln!(out, "- wasmtime: {}", machine.wasmtime).unwrap();
    writeln!(out, "- runs (N): {runs}").unwrap();
    for setting in settings {
        writeln!(out, "- {setting}").unwrap();
    }
    writeln!(
        out,
        "- load average at start: {}; at end: {}",
        machine.load_at_start,
        load_average()
    )
    .unwrap();
    if let Some(share) = others_share {
        writeln!(
            out,
            "- other processes used {:.0}% of the machine's CPU time during the run{}",
            share * 100.0,
            if share > BUSY {
                " (**the machine was busy**: timings, build times above all, are noisy)"
            } else {
                ""
            }
        )
        .unwrap();
    }
    writeln!(out).unwrap();
    out.push_str(&report.markdown_table());
    writeln!(out, "\n{LEGEND}").unwrap();
    if !report.notes().is_empty() {
        writeln!(out).unwrap();
        for note in report.notes() {
            writeln!(out, "- {note}").unwrap();
        }
    }
    out
}

/// Above this share of CPU time used by other processes, the run is said
/// to have been on a busy machine.
pub const BUSY: f64 = 0.15;
