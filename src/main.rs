//! The `sigil` binary: parse the command line, run it, map errors to exit code 2.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sigil::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(sigil::cli::EXIT_ERROR);
        }
    };
    match runtime.block_on(sigil::cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            let mut err = anstream::stderr();
            let _ = std::io::Write::write_fmt(
                &mut err,
                format_args!(
                    "{}: {e:#}\n",
                    sigil::cli::output::paint(sigil::cli::output::RED, "error")
                ),
            );
            ExitCode::from(sigil::cli::EXIT_ERROR)
        }
    }
}
