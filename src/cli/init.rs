//! `kickoff init [DIR]`: sets a repository up for a team, then says what to do next.

use std::path::Path;
use std::process::ExitCode;

use crate::workspace::Error;

pub(super) fn run(dir: &Path) -> Result<ExitCode, Error> {
    let written = crate::init::init(dir).map_err(|e| Error::Other {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    for path in &written {
        crate::outln!("wrote {}", crate::text::path(path));
    }
    crate::outln!(
        "\nNext:\n  \
         git config merge.kickoff.driver \"kickoff merge %O %A %B %P\"   # once per clone (see .gitattributes)\n  \
         git config diff.kickoff.textconv \"kickoff diff --textconv\"     # git diff by question\n  \
         export KICKOFF_CONFIG=kickoff/config.toml                    # the team's rule pack joins every check\n  \
         kickoff resume kickoff.toml                                  # answer the questions\n  \
         kickoff render kickoff.toml --template kickoff/design-doc.md.j2 -o design.md\n  \
         kickoff check .                                              # what CI runs (.github/workflows/kickoff.yml)"
    );
    Ok(ExitCode::SUCCESS)
}
