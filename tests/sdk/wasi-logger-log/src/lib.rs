//! wasi-logger 0.1.2 as the `log` backend of a component's export, on
//! witbind (wasi-logger's `generate!` is witbind's here).

witbind::generate!({
    inline: "
        package witbind-tests:logged;
        world logged {
            export greet: func(name: string);
        }
    ",
});

struct Component;

impl Guest for Component {
    fn greet(name: String) {
        let _ = wasi_logger::Logger::install();
        log::set_max_level(log::LevelFilter::Info);
        log::info!("hello {name}");
    }
}

export!(Component);
