//! A `wasi:cli/command@0.3.2` of the `wasip3` crate's own bindings (its
//! `export!`), with wit-bindgen swapped for witbind: the crate's generated
//! code, exports included, on witbind's runtime and macro. Built only
//! (wasmtime 48 serves WASI 0.3.0).

struct Command;

wasip3::cli::command::export!(Command);

impl wasip3::exports::cli::run::Guest for Command {
    async fn run() -> Result<(), ()> {
        let (mut writer, reader) = wasip3::wit_stream::new::<u8>();
        let written = wasip3::cli::stdout::write_via_stream(reader);
        wasip3::wit_bindgen::spawn(async move {
            writer.write_all(b"hello from wasip3\n".to_vec()).await;
        });
        wasip3::clocks::monotonic_clock::wait_for(1_000).await;
        written.await.map_err(|_| ())
    }
}
