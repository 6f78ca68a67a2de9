//! Builds a kustomization directory and prints the YAML, like `kubectl kustomize DIR`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use shgw_kustomize::{BuildOptions, build};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: kbuild DIR");
        return ExitCode::from(2);
    };
    match build(std::path::Path::new(&dir), &BuildOptions::default()) {
        Ok(yaml) => {
            print!("{yaml}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
