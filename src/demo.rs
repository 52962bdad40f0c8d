//! `gradtrace demo`, a new user's first minutes: creates or refreshes a demo database with a
//! realistic school (four graduate cohorts, employers, staff, one open wave per stage and answers
//! given through the real engine), starts the server, and prints — in English and Chinese — the
//! links to try as a graduate, as an employer and as a liaison.
pub mod answers;
pub mod people;
pub mod seed;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::app;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::entities::{invitation, wave};
use crate::store::responses::{self, Status};
use crate::wave::token::{self, MIN_SECRET_LEN};
use crate::web::{AppState, Services};

pub use seed::{PASSWORD, Seeded, Showcase, Timeline, seed};

/// The demo's database unless `--database-url`/`DATABASE_URL` names another.
pub const DATABASE_URL: &str = "sqlite://gradtrace-demo.db";
/// The generated signing secret, kept beside the demo database so links survive restarts.
pub const SECRET_FILE: &str = "gradtrace-demo.secret";
/// Where liaisons sign in (the dashboard serves it).
pub const STAFF_LOGIN_PATH: &str = "/staff/login";

/// What `gradtrace demo` was asked to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Delete the demo database (SQLite only) and build it again.
    pub fresh: bool,
    /// Start the server after seeding (`--no-serve` turns it off).
    pub serve: bool,
}

/// Seeds the demo database and, unless told not to, serves it until Ctrl-C. The guide is
/// written to `out` before serving starts.
pub async fn run(mut config: Config, options: Options, out: &mut (dyn Write + Send)) -> Result<()> {
    if options.fresh {
        remove_database(&config.database_url)?;
    }
    let secret = match &config.secret {
        Some(_) => SecretSource::Environment,
        None => {
            let (secret, source) = demo_secret(&config.database_url)?;
            config.secret = Some(secret);
            source
        }
    };
    // Listen before seeding: a busy port is found out at once, and port 0 gets its real port
    // into the printed links.
    let listener = match options.serve {
        true => {
            let listener = tokio::net::TcpListener::bind(&config.bind)
                .await
                .map_err(|e| {
                    Error::Config(format!(
                        "cannot listen on {}: {e} (is gradtrace already running there? choose \
                         another address with --bind 127.0.0.1:8081)",
                        config.bind
                    ))
                })?;
            if config.base_url.is_none() {
                config.base_url = Some(format!("http://{}", listener.local_addr()?));
            }
            Some(listener)
        }
        false => None,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let services = app::services(config, clock.clone()).await?;
    let started = Instant::now();
    let seeded = seed(&services.db, &services.catalog, clock.as_ref()).await?;
    let seconds = started.elapsed().as_secs_f64();
    let guide = Guide::new(&services, &seeded, secret, options.serve, seconds).await?;
    write!(out, "{guide}")?;
    out.flush()?;
    if let Some(listener) = listener {
        app::serve_on(listener, AppState::new(services)).await?;
    }
    Ok(())
}

/// The file of a `sqlite:` URL (`None` for other databases and in-memory SQLite).
pub fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

/// `--fresh`: deletes the SQLite file and its journal files. A server database is never dropped.
pub fn remove_database(database_url: &str) -> Result<()> {
    let Some(path) = sqlite_file(database_url) else {
        return Err(Error::Config(
            "--fresh only deletes a SQLite demo database file; it never drops a server database. \
             Leave out --fresh to refresh this one in place."
                .into(),
        ));
    };
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.clone().into_os_string();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::Config(format!(
                    "cannot delete {}: {e}",
                    Path::new(&name).display()
                )));
            }
        }
    }
    Ok(())
}

/// Where the signing secret came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `GRADTRACE_SECRET` / `--secret`.
    Environment,
    /// The demo's secret file; `created` when this run made it.
    File { path: PathBuf, created: bool },
}

/// The secret file's place: beside the SQLite file, else in the current folder.
pub fn secret_path(database_url: &str) -> PathBuf {
    match sqlite_file(database_url).as_deref().and_then(Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(SECRET_FILE),
        _ => PathBuf::from(SECRET_FILE),
    }
}

/// Reads the demo's secret file, or makes a new random secret and keeps it there (mode 0600:
/// whoever reads it can forge links).
pub fn demo_secret(database_url: &str) -> Result<(String, SecretSource)> {
    let path = secret_path(database_url);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let secret = text.trim().to_string();
            if secret.chars().count() < MIN_SECRET_LEN {
                return Err(Error::Config(format!(
                    "{} holds a secret shorter than {MIN_SECRET_LEN} characters; delete the file \
                     and run `gradtrace demo` again to make a new one",
                    path.display()
                )));
            }
            Ok((
                secret,
                SecretSource::File {
                    path,
                    created: false,
                },
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret = new_secret();
            write_private(&path, &format!("{secret}\n"))
                .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))?;
            Ok((
                secret,
                SecretSource::File {
                    path,
                    created: true,
                },
            ))
        }
        Err(e) => Err(Error::Config(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// 48 random letters and digits from the operating system's generator (≈ 285 bits).
fn new_secret() -> String {
    use rand::Rng;
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(48)
        .map(char::from)
        .collect()
}

/// Creates `path` readable and writable by its owner only.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// A personal link to try, and how far its response has got.
#[derive(Debug, Clone)]
pub struct TryLink {
    pub url: String,
    pub stage: String,
    pub cohort: i32,
    /// `None`: never opened.
    pub status: Option<Status>,
}

/// A staff account to sign in with.
#[derive(Debug, Clone)]
pub struct Account {
    pub username: String,
    pub role: &'static str,
    pub scope: String,
}

/// One open wave's progress.
#[derive(Debug, Clone)]
pub struct WaveLine {
    pub stage: String,
    pub cohort: i32,
    pub invited: u64,
    pub complete: u64,
    pub partial: u64,
}

/// What the demo prints: where to go, what to try, how to stop.
#[derive(Debug, Clone)]
pub struct Guide {
    pub base_url: String,
    pub database_url: String,
    pub secret: SecretSource,
    pub graduates: usize,
    pub cohorts: Vec<i32>,
    pub employers: usize,
    pub staff: usize,
    pub waves: Vec<WaveLine>,
    pub graduate_links: Vec<TryLink>,
    pub employer_link: Option<TryLink>,
    pub accounts: Vec<Account>,
    pub serving: bool,
    pub seconds: f64,
    /// Questions no answer could be made up for (a changed definition), with their counts.
    pub unanswerable: Vec<String>,
}

impl Guide {
    pub async fn new(
        services: &Services,
        seeded: &Seeded,
        secret: SecretSource,
        serving: bool,
        seconds: f64,
    ) -> Result<Guide> {
        let base_url = services.config.base_url();
        let link = |pair: &Option<(wave::Model, invitation::Model)>| {
            let base_url = base_url.clone();
            let pair = pair.clone();
            async move {
                let Some((w, inv)) = pair else {
                    return Ok::<_, Error>(None);
                };
                let token = token::issue(&services.keys, &w, &inv)?;
                let status = match responses::find(&services.db, inv.id).await? {
                    Some(r) => Some(responses::status_of(&r)?),
                    None => None,
                };
                Ok(Some(TryLink {
                    url: crate::wave::links::survey_link(&base_url, &token),
                    stage: w.stage.clone(),
                    cohort: w.cohort_year,
                    status,
                }))
            }
        };
        let mut graduate_links = Vec::new();
        for pair in [
            &seeded.showcase.untouched,
            &seeded.showcase.partial,
            &seeded.showcase.complete,
        ] {
            graduate_links.extend(link(pair).await?);
        }
        let employer_link = link(&seeded.showcase.employer).await?;

        let summaries = crate::wave::list(&services.db).await?;
        let waves = seeded
            .open_waves
            .iter()
            .filter_map(|w| summaries.iter().find(|s| s.wave.id == w.id))
            .map(|s| WaveLine {
                stage: s.wave.stage.clone(),
                cohort: s.wave.cohort_year,
                invited: s.invited,
                complete: s.count("complete"),
                partial: s.count("partial"),
            })
            .collect();

        // The admin, the department and class of the first link, and an alumni liaison.
        let class = people::classes(seeded.timeline.newest_cohort)
            .into_iter()
            .find(|c| c.major == "计算机科学与技术" && c.degree == people::Degree::Bachelor);
        let shown = |s: &&people::StaffRow| {
            s.role == "admin"
                || s.username == "dept-cs"
                || class.as_ref().is_some_and(|c| c.liaison == s.username)
                || s.role == "alumni"
        };
        let accounts = seeded
            .staff
            .iter()
            .filter(shown)
            .map(|s| Account {
                username: s.username.clone(),
                role: s.role,
                scope: s.scope.clone(),
            })
            .collect();
        Ok(Guide {
            base_url,
            database_url: services.config.database_url.clone(),
            secret,
            graduates: seeded.graduates.values().sum(),
            cohorts: seeded.graduates.keys().rev().copied().collect(),
            employers: seeded.employers,
            staff: seeded.staff.len(),
            waves,
            graduate_links,
            employer_link,
            accounts,
            serving,
            seconds,
            unanswerable: seeded
                .unanswerable
                .iter()
                .map(|((survey, question), n)| format!("{survey}.{question} ({n})"))
                .collect(),
        })
    }
}

/// A stage's survey, in both languages.
fn stage_name(stage: &str) -> (&'static str, &'static str) {
    match stage {
        "graduation" => ("graduation-year survey", "毕业去向调查"),
        "year1" => ("one year after graduation", "毕业一年跟踪调查"),
        "year3" => ("three years after graduation", "毕业三年跟踪调查"),
        "year5" => ("five years after graduation", "毕业五年跟踪调查"),
        "employer" => ("employer satisfaction survey", "用人单位满意度调查"),
        _ => ("survey", "调查"),
    }
}

/// Where a response stands, in both languages.
fn status_name(status: Option<Status>) -> (&'static str, &'static str) {
    match status {
        None => ("not started", "尚未开始"),
        Some(Status::Opened) => (
            "opened, privacy notice not yet accepted",
            "已打开，尚未同意隐私声明",
        ),
        Some(Status::Declined) => ("privacy notice declined", "已拒绝隐私声明"),
        Some(Status::Consented) => (
            "notice accepted, nothing answered yet",
            "已同意声明，尚未作答",
        ),
        Some(Status::Partial) => (
            "half done: resumes where it stopped",
            "答了一半：从中断处继续",
        ),
        Some(Status::Complete) => ("complete: shows the thank-you page", "已完成：显示致谢页"),
        Some(Status::OptedOut) => ("opted out", "已拒绝参与"),
    }
}

fn role_name(role: &str) -> (&'static str, &'static str) {
    match role {
        "admin" => (
            "employment office, sees everything",
            "学校就业指导中心，全校",
        ),
        "department" => ("department officer", "院系就业质量专员"),
        "class" => ("class liaison", "班级联络员"),
        "alumni" => ("alumni liaison", "校友联络员"),
        _ => ("staff", "工作人员"),
    }
}

impl fmt::Display for Guide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cohorts: Vec<String> = self.cohorts.iter().map(i32::to_string).collect();
        writeln!(f, "gradtrace demo is ready / 演示环境已就绪")?;
        writeln!(f)?;
        writeln!(f, "  Open / 打开:          {}", self.base_url)?;
        writeln!(f, "  Database / 数据库:    {}", self.database_url)?;
        match &self.secret {
            SecretSource::Environment => writeln!(f, "  Secret / 密钥:        GRADTRACE_SECRET")?,
            SecretSource::File { path, created } => writeln!(
                f,
                "  Secret / 密钥:        {}{}",
                path.display(),
                if *created {
                    " (new / 新生成; links stay valid across restarts / 重启后链接仍有效)"
                } else {
                    ""
                }
            )?,
        }
        writeln!(
            f,
            "  People / 人员:        {} graduates of {} / {} 名毕业生（{} 届）, {} employers / {} \
             家用人单位, {} staff / {} 名工作人员",
            self.graduates,
            cohorts.join(", "),
            self.graduates,
            cohorts.join("、"),
            self.employers,
            self.employers,
            self.staff,
            self.staff
        )?;
        writeln!(f)?;
        writeln!(f, "Open waves / 进行中的调查:")?;
        for w in &self.waves {
            let (en, zh) = stage_name(&w.stage);
            let whom = if w.stage == "employer" {
                format!("{} round / {} 年度", w.cohort, w.cohort)
            } else {
                format!("class of {} / {} 届", w.cohort, w.cohort)
            };
            writeln!(
                f,
                "  {en} / {zh}, {whom}: {} invited / 邀请, {} complete / 完成, {} partial / 部分",
                w.invited, w.complete, w.partial
            )?;
        }
        writeln!(f)?;
        writeln!(f, "Try it as a graduate / 以毕业生身份试用:")?;
        for (i, l) in self.graduate_links.iter().enumerate() {
            let (stage_en, stage_zh) = stage_name(&l.stage);
            let (status_en, status_zh) = status_name(l.status);
            writeln!(
                f,
                "  {}. {status_en} — {stage_en}, class of {} / {status_zh} — {stage_zh}（{} 届）",
                i + 1,
                l.cohort,
                l.cohort
            )?;
            writeln!(f, "     {}", l.url)?;
        }
        if let Some(l) = &self.employer_link {
            writeln!(f)?;
            let (status_en, status_zh) = status_name(l.status);
            writeln!(f, "Try it as an employer / 以用人单位身份试用:")?;
            writeln!(
                f,
                "  {status_en} — employer satisfaction survey {} / {status_zh} — {} 年用人单位满意度调查",
                l.cohort, l.cohort
            )?;
            writeln!(f, "     {}", l.url)?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "Sign in as a liaison / 以联络员身份登录:  {}{STAFF_LOGIN_PATH}",
            self.base_url
        )?;
        let width = self
            .accounts
            .iter()
            .map(|a| a.username.len())
            .max()
            .unwrap_or(0);
        for a in &self.accounts {
            let (en, zh) = role_name(a.role);
            let scope = if a.scope.is_empty() {
                String::new()
            } else {
                format!(" — {}", a.scope)
            };
            writeln!(f, "  {:width$}  {en} / {zh}{scope}", a.username)?;
        }
        writeln!(
            f,
            "  password for every account / 所有账号的密码: {PASSWORD}"
        )?;
        writeln!(f)?;
        if !self.unanswerable.is_empty() {
            writeln!(
                f,
                "Note / 注意: no valid answer could be made up for {} — those responses stop there \
                 / 以上问题无法生成有效答案，相应答卷停在该处",
                self.unanswerable.join(", ")
            )?;
        }
        writeln!(
            f,
            "Seeded in {:.1} s / 数据准备用时 {:.1} 秒. Run it again to restart: nothing is \
             duplicated; --fresh starts over / 再次运行不会重复数据；--fresh 从头重建。",
            self.seconds, self.seconds
        )?;
        if self.serving {
            writeln!(f, "Stop the server with Ctrl-C / 按 Ctrl-C 停止服务器。")?;
        } else {
            writeln!(
                f,
                "Not serving (--no-serve) / 未启动服务器（--no-serve）: run `gradtrace demo` to \
                 serve / 运行 gradtrace demo 启动。"
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://gradtrace-demo.db"),
            Some(PathBuf::from("gradtrace-demo.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///tmp/x/demo.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x/demo.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://postgres@127.0.0.1/test"), None);
    }

    #[test]
    fn the_secret_sits_beside_the_database() {
        assert_eq!(
            secret_path("sqlite:///tmp/x/demo.db"),
            PathBuf::from("/tmp/x").join(SECRET_FILE)
        );
        assert_eq!(secret_path(DATABASE_URL), PathBuf::from(SECRET_FILE));
        assert_eq!(
            secret_path("postgres://postgres@127.0.0.1/test"),
            PathBuf::from(SECRET_FILE)
        );
    }

    #[test]
    fn fresh_refuses_to_touch_a_server_database() {
        let err = remove_database("postgres://postgres@127.0.0.1/test").unwrap_err();
        assert!(err.to_string().contains("never drops"), "{err}");
    }

    #[test]
    fn a_new_secret_is_kept_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let (first, source) = demo_secret(&url).unwrap();
        assert!(first.len() >= MIN_SECRET_LEN);
        let path = dir.path().join(SECRET_FILE);
        assert_eq!(
            source,
            SecretSource::File {
                path: path.clone(),
                created: true
            }
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, source) = demo_secret(&url).unwrap();
        assert_eq!(again, first);
        assert_eq!(
            source,
            SecretSource::File {
                path: path.clone(),
                created: false
            }
        );

        std::fs::write(&path, "short\n").unwrap();
        let err = demo_secret(&url).unwrap_err();
        assert!(err.to_string().contains("shorter than 32"), "{err}");
    }
}
