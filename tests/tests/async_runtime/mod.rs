//! The async round trip of `wit/fixtures/async-runtime.wit`, in wasmtime
//! with the component model's async ABI: the `async-*` guests (one source,
//! `tests/guests/async-common.rs`, built with witbind's bindings and with
//! wit-bindgen 0.63's) call async host imports from async exports, move
//! streams and futures both ways, run concurrent calls and cancel calls.
//! Every test runs against both builds, so witbind is held to what the
//! reference does, and checks the guest's heap is back where it was. The
//! host side is `witbind_tests::async_host`.

use std::collections::HashMap;

use tokio::sync::oneshot;
use wasmtime::component::{FutureReader, StreamReader};
use witbind_tests::async_host::{
    collect, item, pattern, pattern_summary, read_future, read_stream, runtime, Instance, GUESTS,
};
use witbind_tests::build_guests;

/// A fresh instance of the guest build `name`.
fn instance(name: &'static str) -> Instance {
    Instance::new(name, build_guests().wasm(name))
}

/// For each guest build: `check`, then the guest's heap is where it was
/// before (after a warm-up call of `check`, which may allocate lazily
/// created state).
fn for_each_guest(check: impl Fn(&mut Instance)) {
    for name in GUESTS {
        let mut instance = instance(name);
        check(&mut instance);
        let before = instance.heap_balance();
        check(&mut instance);
        let after = instance.heap_balance();
        assert_eq!(
            before,
            after,
            "{name}: the guest's heap grew by {} bytes",
            after - before
        );
    }
}

#[test]
fn async_exports_await_async_imports() {
    for_each_guest(|instance| {
        let got = instance
            .run(async |accessor, api| api.call_compute(accessor, 40, 2, "sum".into()).await);
        assert_eq!(got, "sum=42", "{}", instance.name);
        let got = instance.run(async |accessor, api| {
            Ok((
                api.call_noop(accessor, 1).await?,
                api.call_bounce(accessor, 2).await?,
            ))
        });
        assert_eq!(got, (2, 3), "{}", instance.name);
    });
}

#[test]
fn concurrent_calls_finish_in_any_order() {
    for_each_guest(|instance| {
        let got = instance.run(async |accessor, api| {
            // Eight calls waiting on futures only the host can write.
            let mut senders = Vec::new();
            let mut calls = Vec::new();
            for i in 0..8 {
                let (sender, receiver) = oneshot::channel::<String>();
                let future = accessor.with(|mut access| {
                    FutureReader::new(&mut access, async move {
                        receiver.await.map_err(wasmtime::Error::from)
                    })
                })?;
                senders.push((i, sender));
                calls.push(api.call_wait(accessor, future));
            }
            // Meanwhile, another call runs to its end.
            let computed = api.call_compute(accessor, 1, 2, "meanwhile".into()).await?;
            // Released in reverse order.
            for (i, sender) in senders.into_iter().rev() {
                let _ = sender.send(format!("value {i}"));
            }
            let mut waited = Vec::new();
            for call in calls {
                waited.push(call.await?);
            }
            Ok((computed, waited))
        });
        let expected: Vec<String> = (0..8).map(|i| format!("value {i}")).collect();
        assert_eq!(
            got,
            ("meanwhile=3".to_string(), expected),
            "{}",
            instance.name
        );
    });
}

#[test]
fn a_mebibyte_streams_both_ways_under_backpressure() {
    const LEN: u64 = (1 << 20) + 12_345;
    for_each_guest(|instance| {
        let name = instance.name;
        // Guest to host: the host takes at most 4 KiB per write.
        let produced = instance.run(async |accessor, api| {
            let stream = api.call_produce(accessor, LEN).await?;
            let mut batches = collect(accessor, stream, 4096);
            let mut bytes = Vec::new();
            let mut writes = 0;
            while let Some(batch) = batches.recv().await {
                assert!(batch.len() <= 4096);
                bytes.extend(batch);
                writes += 1;
            }
            Ok((bytes, writes))
        });
        assert!(
            produced.0 == pattern(LEN),
            "{name}: the produced bytes differ"
        );
        assert!(produced.1 >= LEN / 4096, "{name}: {} writes", produced.1);
        // Host to guest.
        let consumed = instance.run(async |accessor, api| {
            let stream =
                accessor.with(|mut access| StreamReader::new(&mut access, pattern(LEN)))?;
            api.call_consume(accessor, stream).await
        });
        assert_eq!(consumed, pattern_summary(LEN), "{name}");
        // Host stream through the guest into a host import.
        let relayed = instance.run(async |accessor, api| api.call_relay(accessor, LEN).await);
        assert_eq!(relayed, pattern_summary(LEN), "{name}");
    });
}

#[test]
fn streams_of_records_and_strings() {
    for_each_guest(|instance| {
        let name = instance.name;
        let items = instance.run(async |accessor, api| {
            let stream = api.call_items(accessor, 300).await?;
            Ok(read_stream(accessor, stream).await)
        });
        assert!(
            items == (0..300).map(item).collect::<Vec<_>>(),
            "{name}: items differ"
        );
        let collected =
            instance.run(async |accessor, api| api.call_collect_items(accessor, 250).await);
        assert!(
            collected == (0..250).map(item).collect::<Vec<_>>(),
            "{name}: collected items differ"
        );
        let words: Vec<String> = (0..500).map(|i| format!("word {i} ünïcödé")).collect();
        let upper = instance.run(async |accessor, api| {
            let input =
                accessor.with(|mut access| StreamReader::new(&mut access, words.clone()))?;
            let output = api.call_upper(accessor, input).await?;
            Ok(read_stream(accessor, output).await)
        });
        let expected: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
        assert_eq!(upper, expected, "{name}");
    });
}

#[test]
fn futures_both_ways() {
    for_each_guest(|instance| {
        let name = instance.name;
        let got = instance.run(async |accessor, api| {
            let future = api.call_later(accessor, "from the guest".into()).await?;
            let later = read_future(accessor, future).await;
            let host_later = api
                .call_await_host_later(accessor, "from the host".into())
                .await?;
            let passed = api.call_pass_future(accessor, 41).await?;
            Ok((later, host_later, passed))
        });
        assert_eq!(
            got,
            (
                Some("from the guest".to_string()),
                "from the host".to_string(),
                42
            ),
            "{name}"
        );
    });
}

#[test]
fn early_drops_and_cancelled_calls() {
    for_each_guest(|instance| {
        let name = instance.name;
        let got = instance.run(async |accessor, api| {
            // The guest reads 10 000 of 100 000 bytes and drops the stream.
            let stream =
                accessor.with(|mut access| StreamReader::new(&mut access, pattern(100_000)))?;
            let read = api.call_read_some(accessor, stream, 10_000).await?;
            // Both ends dropped unread.
            let stream =
                accessor.with(|mut access| StreamReader::new(&mut access, pattern(1000)))?;
            let future = accessor.with(|mut access| {
                FutureReader::new(&mut access, async { Ok::<_, wasmtime::Error>(7u32) })
            })?;
            api.call_drop_early(accessor, stream, future).await?;
            // The host stops reading the guest's stream after one write.
            let stream = api.call_produce(accessor, 1 << 20).await?;
            let mut batches = collect(accessor, stream, 4096);
            let first = batches.recv().await.map(|batch| batch.len());
            drop(batches);
            let still_working = api.call_compute(accessor, 1, 1, "after".into()).await?;
            assert_eq!(still_working, "after=2");
            assert_eq!(first, Some(4096));
            // An import call dropped while in flight.
            let after_cancel = api.call_cancel_import(accessor).await?;
            Ok((read, after_cancel))
        });
        assert_eq!(got, (10_000, 42), "{name}");
    });
}

#[test]
fn error_contexts_cross_the_boundary() {
    for_each_guest(|instance| {
        let name = instance.name;
        let (ok, err) = instance.run(async |accessor, api| {
            let ok = api.call_fail(accessor, "ok:a message".into()).await?;
            let err = api.call_fail(accessor, "failed".into()).await?;
            Ok((ok, err.is_err()))
        });
        assert_eq!(ok.ok(), Some("a message".to_string()), "{name}");
        assert!(err, "{name}: no error context");
    });
}

/// A sync export returning an error context: witbind keeps the error
/// context alive until the host has taken it (wit-bindgen 0.63 drops it
/// first, and the call traps with "unknown handle index", so only the
/// witbind build is checked).
#[test]
fn sync_exports_return_error_contexts() {
    let mut instance = instance("async_witbind");
    let api = instance.bindings.witbind_fixtures_async_runtime_api();
    let store = &mut instance.guest.store;
    for _ in 0..100 {
        let ok = runtime()
            .block_on(api.call_sync_fail(&mut *store, "ok then"))
            .unwrap_or_else(|e| panic!("sync-fail: {e:?}"));
        assert!(matches!(ok, Ok(7)));
        let err = runtime()
            .block_on(api.call_sync_fail(&mut *store, "failed"))
            .unwrap_or_else(|e| panic!("sync-fail: {e:?}"));
        assert!(err.is_err());
    }
}

#[test]
fn maps_and_fixed_length_lists_round_trip() {
    for_each_guest(|instance| {
        let name = instance.name;
        let api = instance.bindings.witbind_fixtures_async_runtime_api();
        let store = &mut instance.guest.store;
        let map = runtime()
            .block_on(api.call_maps(&mut *store, HashMap::from([("a", 1), ("ünï", 2)])))
            .unwrap_or_else(|e| panic!("{name}: maps: {e:?}"));
        let expected = HashMap::from([
            ("a".to_string(), 1),
            ("ünï".to_string(), 2),
            ("guest".to_string(), 1),
        ]);
        assert_eq!(map, expected, "{name}");
        let array = runtime()
            .block_on(api.call_arrays(&mut *store, [1, 2, 3, 4]))
            .unwrap_or_else(|e| panic!("{name}: arrays: {e:?}"));
        assert_eq!(array, [4, 3, 2, 1], "{name}");
    });
}

/// Ten thousand async calls and ten thousand stream transfers leave the
/// guest's heap as it was.
#[test]
fn ten_thousand_calls_and_transfers_keep_memory_stable() {
    for name in GUESTS {
        let mut instance = instance(name);
        let round = |instance: &mut Instance, calls: u32| {
            instance.run(async |accessor, api| {
                for i in 0..calls {
                    let got = api.call_compute(accessor, i, 1, "n".into()).await?;
                    assert_eq!(got, format!("n={}", i + 1));
                    let stream =
                        accessor.with(|mut access| StreamReader::new(&mut access, pattern(64)))?;
                    assert_eq!(
                        api.call_consume(accessor, stream).await?,
                        pattern_summary(64)
                    );
                }
                Ok(())
            })
        };
        round(&mut instance, 100);
        let before = instance.heap_balance();
        round(&mut instance, 10_000);
        let after = instance.heap_balance();
        assert_eq!(
            before,
            after,
            "{name}: the guest's heap grew by {} bytes",
            after - before
        );
    }
}
