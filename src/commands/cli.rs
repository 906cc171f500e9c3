//! Command-line interface. Connection flags follow psql (`-h -p -U -d -w -W`); like psql
//! there is deliberately no option that takes a password, because command lines are
//! visible to every user in `ps`: passwords belong in `~/.pgpass`.

mod values;

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::demo::DemoOptions;
use crate::pg::conninfo::Flags;
use crate::pg::open::{ConnectOptions, DEFAULT_STATEMENT_TIMEOUT_MS};
use crate::tui::terminal::LiveOptions;

#[derive(Debug, Parser)]
#[command(
    name = "pgpulse",
    version,
    about = "A live PostgreSQL dashboard for the terminal",
    // -h is the host, as in psql; help is --help only.
    disable_help_flag = true,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnArgs,

    /// Connection string or URI (`host=db1 dbname=app`, `postgres://u@db1/app`) or a
    /// database name.
    #[arg(value_name = "CONNINFO")]
    pub conninfo: Option<String>,

    /// Refresh interval of the live view, in seconds (0.5 to 60; default 1, or the config
    /// file's `[refresh] fast`).
    #[arg(long, global = true, value_name = "SECONDS", allow_negative_numbers = true,
          value_parser = values::fast_refresh)]
    pub refresh: Option<Duration>,

    /// Interval of the slow tier (table statistics, query_performance_log), in seconds
    /// (1 to 3600; default 15, or `[refresh] slow`; never shorter than the refresh).
    #[arg(long, global = true, value_name = "SECONDS", allow_negative_numbers = true,
          value_parser = values::slow_refresh)]
    pub slow_refresh: Option<Duration>,

    /// Connect to a target named in the config file (`[targets.NAME]`).
    #[arg(long, global = true, value_name = "NAME")]
    pub target: Option<String>,

    /// Also write every snapshot of the live view to a recording in DIR, as `pgpulse
    /// record` does (replay it with `pgpulse replay DIR`).
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,

    /// Print the default configuration file (commented) and exit.
    #[arg(long)]
    pub print_config: bool,

    /// Colour theme: default, light, high-contrast, mono, or a file name in the config
    /// dir's themes/ (NO_COLOR selects mono unless a theme is given).
    #[arg(long, global = true)]
    pub theme: Option<String>,

    /// Leave the mouse to the terminal (text selection) instead of clicking rows.
    #[arg(long, global = true)]
    pub no_mouse: bool,

    /// Disable every action (cancel, terminate, VACUUM, ANALYZE, REINDEX, snapshot,
    /// reset, EXPLAIN): the keys say "read-only mode" and nothing is sent.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Log file (default: pgpulse.log in the state directory; PGPULSE_LOG sets the level).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    /// Print help.
    #[arg(long, action = ArgAction::Help, global = true)]
    help: Option<bool>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check what this server and role let pgpulse see, with the fix for each gap.
    Doctor {
        /// Connection string, URI or database name.
        #[arg(value_name = "CONNINFO")]
        conninfo: Option<String>,
    },
    /// Record one database_statistics_snapshot row per user table (for cron); the
    /// Cache screen charts these rows.
    Snapshot {
        /// Connection string, URI or database name.
        #[arg(value_name = "CONNINFO")]
        conninfo: Option<String>,
    },
    /// Start a throwaway PostgreSQL with the seed's Personal Learning Assistant database
    /// and workload, and open the dashboard on it. Everything is removed on exit.
    Demo(DemoArgs),
    /// Print an incident summary for a ticket: alerts, wait load, top statements,
    /// blocking tree, long transactions, horizon holders, replication, maintenance due and
    /// index flags. Exit status 3 when a critical alert is active (for cron and CI).
    Report(ReportArgs),
    /// Manage the monitoring tables pgpulse reads.
    Schema {
        #[command(subcommand)]
        action: SchemaAction,
    },
    /// Record every snapshot to segment files in DIR, headless (for systemd or tmux),
    /// until SIGINT or SIGTERM. Connects like the live view.
    Record(RecordArgs),
    /// Replay a recording (DIR or FILE) in the live view's screens, no server needed:
    /// p play/pause, +/- speed, n next alert, ←/→ one poll, Shift-←/→ one minute.
    Replay {
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// Start at this time: HH:MM[:SS] (today, local time) or RFC 3339.
        #[arg(long, value_name = "TIME", value_parser = values::moment)]
        at: Option<std::time::SystemTime>,
    },
    /// Inspect a recording.
    Recording {
        #[command(subcommand)]
        action: RecordingAction,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff: `pgpulse man | man -l -`).
    Man,
}

/// `pgpulse record` options.
#[derive(Debug, Args, Clone)]
pub struct RecordArgs {
    /// Connection string, URI or database name.
    #[arg(value_name = "CONNINFO")]
    pub conninfo: Option<String>,
    /// Directory of the recording (created 0700 when missing).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Oldest segments are deleted while the recording is larger (e.g. 500MiB, 2GiB).
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = values::byte_size)]
    pub max_size: u64,
    /// Segments older than this are deleted (e.g. 7d, 12h, 90m).
    #[arg(long, value_name = "AGE", default_value = "7d", value_parser = values::age)]
    pub keep: Duration,
}

#[derive(Debug, Subcommand)]
pub enum RecordingAction {
    /// Segments, time range, records, bytes and damage of a recording (DIR or FILE).
    Info {
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
}

/// `pgpulse report` options.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Connection string, URI or database name.
    #[arg(value_name = "CONNINFO")]
    pub conninfo: Option<String>,
    /// How long to watch the server before reporting, polling at the refresh interval:
    /// the wait load and the statements' figures are measured over it (`10s`, `1m`).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = values::report_sample)]
    pub sample: Duration,
    /// Live: the query_performance_log window of the latency percentiles. With --from:
    /// the window of the recording the report covers, ending at --at (`15m`, `1h`).
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = values::report_window)]
    pub window: Duration,
    /// Report from a recording (DIR or FILE) instead of a live server.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["conninfo", "sample"])]
    pub from: Option<PathBuf>,
    /// With --from: the end of the window, HH:MM[:SS] (today, local time) or RFC 3339
    /// (default: the end of the recording).
    #[arg(long, value_name = "TIME", requires = "from", value_parser = values::moment)]
    pub at: Option<std::time::SystemTime>,
    /// text (a terminal, an email), markdown (an issue tracker) or json (a program; the
    /// schema is schemas/report.schema.json).
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

/// `pgpulse report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Markdown,
    Json,
}

/// `pgpulse demo` options.
#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Directory with the PostgreSQL server binaries (initdb, postgres). Default:
    /// $PGPULSE_PGBIN, `pg_config --bindir`, the newest /usr/lib/postgresql/*/bin, $PATH,
    /// else a pinned PostgreSQL build downloaded once into the user cache directory.
    #[arg(long, value_name = "DIR")]
    pub pgbin: Option<PathBuf>,
    /// Never download a server: when none is installed, print the command that installs one.
    #[arg(long)]
    pub offline: bool,
    /// Keep the cluster in DIR (created on first use, reused after) instead of a temp dir.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Run the server and the workload only, print the connection string, wait for Ctrl-C.
    #[arg(long)]
    pub no_tui: bool,
    /// Do not start the streaming standby (by default the demo runs one, attached through
    /// a physical slot, so the Replication & WAL screen has a standby to show).
    #[arg(long)]
    pub no_replica: bool,
    /// Workload connections, 1 to 50 (default: the seed's development pool size).
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=50))]
    pub clients: Option<usize>,
    /// Workload operations per second, all connections together (above 0, up to 10000).
    #[arg(long, value_name = "OPS", allow_negative_numbers = true,
          value_parser = values::workload_rate)]
    pub rate: Option<f64>,
    /// Users to generate, 100 to 10000000 (sessions scale with them: ten per user).
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(i64).range(100..=10_000_000))]
    pub users: Option<i64>,
}

impl DemoArgs {
    /// The flags as the demo takes them.
    pub fn options(&self) -> DemoOptions {
        DemoOptions {
            pgbin: self.pgbin.clone(),
            offline: self.offline,
            keep: self.keep.clone(),
            no_tui: self.no_tui,
            no_replica: self.no_replica,
            clients: self.clients,
            rate: self.rate,
            users: self.users,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SchemaAction {
    /// Create query_performance_log, database_statistics_snapshot and
    /// maintenance_task_log (idempotent).
    Install {
        /// Print the DDL instead of running it.
        #[arg(long)]
        dry_run: bool,
        /// Connection string, URI or database name.
        #[arg(value_name = "CONNINFO")]
        conninfo: Option<String>,
    },
}

/// Where to connect and how to authenticate (flags mirror psql).
#[derive(Debug, Args, Clone)]
pub struct ConnArgs {
    /// Server host name, IP address or Unix socket directory.
    #[arg(short = 'h', long = "host", global = true)]
    pub host: Option<String>,
    /// Server port.
    #[arg(short = 'p', long = "port", global = true)]
    pub port: Option<String>,
    /// Database user name.
    #[arg(short = 'U', long = "username", global = true)]
    pub user: Option<String>,
    /// Database name (or a connection string / URI, as in psql).
    #[arg(short = 'd', long = "dbname", global = true)]
    pub dbname: Option<String>,
    /// Never prompt for a password.
    #[arg(short = 'w', long = "no-password", global = true)]
    pub no_password: bool,
    /// Prompt for a password before connecting.
    #[arg(short = 'W', long = "password", global = true)]
    pub force_password_prompt: bool,
    /// application_name of pgpulse's sessions (default "pgpulse").
    #[arg(long, global = true)]
    pub application_name: Option<String>,
    /// statement_timeout of the monitoring session, in milliseconds (100 to 60000).
    #[arg(long, default_value_t = DEFAULT_STATEMENT_TIMEOUT_MS, global = true, value_name = "MS",
          allow_negative_numbers = true, value_parser = values::statement_timeout_ms)]
    pub statement_timeout_ms: u64,
}

impl Cli {
    /// What the live view (and the demo's) takes from the command line.
    pub fn live_options(&self) -> LiveOptions {
        LiveOptions {
            conn: self.conn.options(),
            conninfo: self.conninfo.clone(),
            target: self.target.clone(),
            refresh: self.refresh,
            slow_refresh: self.slow_refresh,
            theme: self.theme.clone(),
            no_mouse: self.no_mouse,
            read_only: self.read_only,
            record: self.record.clone(),
        }
    }

    /// Parses the command line; a bad value is one line on stderr naming the flag, the
    /// value and the allowed range, and exit code 2 (clap's own layout for the rest).
    pub fn parse_or_exit() -> Cli {
        let parsed = Cli::try_parse().and_then(|cli| cli.check_refresh_order().map(|()| cli));
        match parsed {
            Ok(cli) => cli,
            Err(error)
                if matches!(
                    error.kind(),
                    clap::error::ErrorKind::ValueValidation | clap::error::ErrorKind::InvalidValue
                ) =>
            {
                let text = error.render().to_string();
                eprintln!(
                    "{}",
                    text.lines().next().unwrap_or("error: bad command line")
                );
                std::process::exit(2);
            }
            Err(error) => error.exit(),
        }
    }

    /// The slow tier may not poll more often than the fast one (as in the config file).
    fn check_refresh_order(&self) -> Result<(), clap::Error> {
        match (self.refresh, self.slow_refresh) {
            (Some(fast), Some(slow)) if slow < fast => {
                let message = format!(
                    "invalid value '{}' for '--slow-refresh <SECONDS>': shorter than --refresh {}; \
                     give at least {}",
                    slow.as_secs_f64(),
                    fast.as_secs_f64(),
                    fast.as_secs_f64()
                );
                Err(<Cli as clap::CommandFactory>::command()
                    .error(clap::error::ErrorKind::ValueValidation, message))
            }
            _ => Ok(()),
        }
    }
}

/// No flags given: what the command line means without any.
impl Default for ConnArgs {
    fn default() -> Self {
        Self {
            host: None,
            port: None,
            user: None,
            dbname: None,
            no_password: false,
            force_password_prompt: false,
            application_name: None,
            statement_timeout_ms: DEFAULT_STATEMENT_TIMEOUT_MS,
        }
    }
}

impl ConnArgs {
    pub fn flags(&self) -> Flags {
        Flags {
            host: self.host.clone(),
            port: self.port.clone(),
            user: self.user.clone(),
            dbname: self.dbname.clone(),
        }
    }

    /// The flags as the connection layer takes them.
    pub fn options(&self) -> ConnectOptions {
        ConnectOptions {
            flags: self.flags(),
            no_password: self.no_password,
            force_password_prompt: self.force_password_prompt,
            application_name: self.application_name.clone(),
            statement_timeout_ms: self.statement_timeout_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psql_style_flags_parse() {
        let cli = Cli::try_parse_from([
            "pgpulse", "-h", "db1", "-p", "5433", "-U", "alice", "-d", "app",
        ])
        .map_err(|e| e.to_string());
        let cli = match cli {
            Ok(cli) => cli,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(cli.conn.host.as_deref(), Some("db1"));
        assert_eq!(cli.conn.port.as_deref(), Some("5433"));
        assert_eq!(cli.conn.user.as_deref(), Some("alice"));
        assert_eq!(cli.conn.dbname.as_deref(), Some("app"));
    }

    #[test]
    fn doctor_takes_flags_after_the_subcommand() {
        let Ok(cli) = Cli::try_parse_from(["pgpulse", "doctor", "-h", "/tmp", "host=x"]) else {
            panic!("doctor with flags must parse");
        };
        assert_eq!(cli.conn.host.as_deref(), Some("/tmp"));
        assert!(
            matches!(cli.command, Some(Command::Doctor { conninfo: Some(ref c) }) if c == "host=x")
        );
    }

    #[test]
    fn record_takes_the_live_flags_and_its_own_with_defaults() {
        let Ok(cli) = Cli::try_parse_from([
            "pgpulse",
            "record",
            "-h",
            "db1",
            "--refresh",
            "2",
            "--dir",
            "/tmp/rec",
            "app",
        ]) else {
            panic!("record with flags must parse");
        };
        assert_eq!(cli.conn.host.as_deref(), Some("db1"));
        assert_eq!(cli.refresh, Some(Duration::from_secs(2)));
        let Some(Command::Record(args)) = cli.command else {
            panic!("not record");
        };
        assert_eq!(args.conninfo.as_deref(), Some("app"));
        assert_eq!(args.max_size, 1 << 30);
        assert_eq!(args.keep, Duration::from_secs(7 * 86_400));
        assert!(
            Cli::try_parse_from(["pgpulse", "record", "app"]).is_err(),
            "--dir is required"
        );
        let bad = Cli::try_parse_from(["pgpulse", "record", "--dir", "d", "--keep", "1w"]);
        assert!(bad.unwrap_err().to_string().contains("90m, 12h or 7d"));
    }

    #[test]
    fn completions_and_the_man_page_cover_every_command() {
        let mut command = <Cli as clap::CommandFactory>::command();
        let mut bash = Vec::new();
        clap_complete::generate(
            clap_complete::Shell::Bash,
            &mut command,
            "pgpulse",
            &mut bash,
        );
        let bash = String::from_utf8(bash).unwrap();
        for word in ["record", "recording", "doctor", "--max-size", "completions"] {
            assert!(bash.contains(word), "bash completion lacks {word}");
        }
        let mut roff = Vec::new();
        clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
            .render(&mut roff)
            .unwrap();
        let roff = String::from_utf8(roff).unwrap();
        assert!(
            roff.starts_with(".ie") || roff.contains(".TH pgpulse"),
            "{}",
            &roff[..200]
        );
        assert!(roff.contains("record"));
    }

    #[test]
    fn snapshot_takes_a_conninfo_and_the_connection_flags() {
        let Ok(cli) =
            Cli::try_parse_from(["pgpulse", "snapshot", "-w", "-U", "cron", "dbname=app"])
        else {
            panic!("snapshot with flags must parse");
        };
        assert!(cli.conn.no_password);
        assert_eq!(cli.conn.user.as_deref(), Some("cron"));
        assert!(
            matches!(cli.command, Some(Command::Snapshot { conninfo: Some(ref c) }) if c == "dbname=app")
        );
    }

    #[test]
    fn no_option_accepts_a_password_value() {
        assert!(
            Cli::try_parse_from(["pgpulse", "--password", "secret"])
                .is_ok_and(
                    |c| c.conn.force_password_prompt && c.conninfo.as_deref() == Some("secret")
                )
        );
    }
}
