// The async example of README.md, verbatim (tests/tests/options.rs checks
// that they are the same).
witbind::generate!({
    inline: r#"
        package my:bytes;
        interface api {
            count: async func(data: stream<u8>) -> u64;
            repeat: async func(byte: u8, n: u32) -> stream<u8>;
        }
        world bytes { export api; }
    "#,
});

use exports::my::bytes::api::Guest;
use witbind::{StreamReader, StreamResult};

struct Component;

impl Guest for Component {
    async fn count(mut data: StreamReader<u8>) -> u64 {
        let mut total = 0;
        loop {
            // Reads into the spare capacity: up to 64 KiB at a time.
            let (result, bytes) = data.read(Vec::with_capacity(64 * 1024)).await;
            total += bytes.len() as u64;
            if result == StreamResult::Dropped {
                return total; // the writer is done
            }
        }
    }

    async fn repeat(byte: u8, n: u32) -> StreamReader<u8> {
        let (mut writer, reader) = wit_stream::new::<u8>();
        // Runs after `repeat` has returned the reader; the call ends when
        // the task does. Dropping the writer ends the stream.
        witbind::spawn(async move {
            writer.write_all(vec![byte; n as usize]).await;
        });
        reader
    }
}

export!(Component);

fn main() {}
