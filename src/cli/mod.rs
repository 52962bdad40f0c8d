//! The command implementations behind `src/main.rs` (part of the binary, not the library):
//! each module parses nothing itself, it runs one group of subcommands and prints for people.
pub mod indicators;
pub mod remind;
pub mod responses;
pub mod roster;
pub mod surveys;
pub mod wave;

use gradtrace::config::Config;

/// Opens the database and applies pending migrations (a no-op when up to date).
pub async fn open_db(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = gradtrace::store::connect(&config.database_url).await?;
    gradtrace::store::migrate(&db).await?;
    Ok(db)
}

pub fn load_catalog(config: &Config) -> anyhow::Result<gradtrace::survey::Catalog> {
    gradtrace::survey::Catalog::load(&config.surveys_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot load the surveys in {}:\n{e}",
            config.surveys_dir.display()
        )
    })
}

/// Writes `bytes` to `path` through a temporary file, so a failed run leaves no half file.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// The password piped to standard input, without its final line break.
pub fn read_password_from_stdin() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut password)?;
    let trimmed = password
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&password);
    Ok(trimmed.to_string())
}
