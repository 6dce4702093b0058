//! Async semantics of `wit/fixtures/async-semantics.wit`, in wasmtime with
//! the component model's async ABI: import calls, future reads and writes
//! and stream writes and reads cancelled (or dropped) at every point of
//! their life, partial stream writes, wakeups from other tasks and nested
//! `block_on`. The guest (`tests/guests/semantics-common.rs`) is built with
//! witbind's bindings and with wit-bindgen 0.63's; every test runs against
//! both builds and expects the same. After each test the guest's heap and
//! handle table are as they were, and the host holds nothing.
//!
//! The host side is `witbind_tests::semantics_host`.

use wasmtime::component::{Accessor, FutureReader};
use witbind_tests::async_host::read_future;
use witbind_tests::build_guests;
use witbind_tests::semantics_host::{
    host_stream, read_stream, Data, Instance, Outcome, Report, GUESTS,
};

/// A fresh instance of the guest build `name`.
fn instance(name: &'static str) -> Instance {
    Instance::new(name, build_guests().wasm(name))
}

/// For each guest build: `check` three times; after the second and third
/// the guest's heap and the number of handles in its handle table are as
/// after the first (which may set up lazily made state), and the host
/// holds no resource.
fn for_each_guest(check: impl Fn(&mut Instance)) {
    for name in GUESTS {
        let mut instance = instance(name);
        check(&mut instance);
        let heap = instance.heap_balance();
        let handle = instance.handle_probe();
        for _ in 0..2 {
            check(&mut instance);
            assert_eq!(
                instance.heap_balance(),
                heap,
                "{name}: the guest's heap changed"
            );
            assert_eq!(
                instance.handle_probe(),
                handle,
                "{name}: the guest holds another number of handles (a handle leaked)"
            );
        }
        assert_eq!(instance.state().live_tokens, 0, "{name}: tokens leaked");
        assert!(
            instance.host_table_is_empty(),
            "{name}: the host's resource table is not empty"
        );
    }
}

/// Whether `first` was recorded before `second`.
fn before(steps: &[String], first: &str, second: &str) -> bool {
    let at = |step: &str| steps.iter().position(|s| s == step);
    matches!((at(first), at(second)), (Some(a), Some(b)) if a < b)
}

/// Waits until the guest recorded `step` (giving other work a turn).
async fn step_reached(accessor: &Accessor<Data>, step: &str) {
    while !accessor.with(|mut access| access.data_mut().data.steps.iter().any(|s| s == step)) {
        tokio::task::yield_now().await;
    }
}

#[test]
fn import_calls_dropped_at_every_point_of_their_life() {
    for_each_guest(|instance| {
        let name = instance.name;

        let got = instance.run(async |a, api| api.call_import_dropped_unpolled(a).await);
        assert_eq!(got, "after", "{name}");
        let steps = instance.take_steps();
        assert!(
            !steps.iter().any(|s| s == "delayed(never) returned"),
            "{name}: a call dropped before its first poll ran: {steps:?}"
        );

        let cancelled = instance
            .state()
            .gated_cancelled
            .load(std::sync::atomic::Ordering::SeqCst);
        let got = instance.run(async |a, api| api.call_import_dropped_pending(a).await);
        assert_eq!(got, "after", "{name}");
        assert_eq!(
            instance
                .state()
                .gated_cancelled
                .load(std::sync::atomic::Ordering::SeqCst),
            cancelled + 1,
            "{name}: the host's call was not cancelled"
        );
        instance.take_steps();

        let got = instance.run(async |a, api| api.call_import_dropped_returned(a).await);
        assert_eq!(got, "after", "{name}");
        let steps = instance.take_steps();
        assert!(
            before(&steps, "delayed(returned) returned", "dropping"),
            "{name}: the call had not returned when it was dropped: {steps:?}"
        );

        let got = instance.run(async |a, api| api.call_import_dropped_delivered(a).await);
        assert_eq!(got, "second", "{name}");
        let steps = instance.take_steps();
        assert!(
            before(
                &steps,
                "delayed(first) returned",
                "delayed(second) returned"
            ) && before(&steps, "delayed(second) returned", "dropping"),
            "{name}: the first call's event did not come first: {steps:?}"
        );
    });
}

#[test]
fn results_of_dropped_calls_are_freed_resources_included() {
    for_each_guest(|instance| {
        let name = instance.name;
        let got = instance.run(async |a, api| api.call_token_dropped_returned(a).await);
        assert_eq!(got, 2, "{name}");
        let steps = instance.take_steps();
        assert!(
            before(&steps, "delayed-token(1) returned", "dropping"),
            "{name}: {steps:?}"
        );
        assert_eq!(instance.state().live_tokens, 0, "{name}: the token leaked");

        let got = instance.run(async |a, api| api.call_token_dropped_delivered(a).await);
        assert_eq!(got, 2, "{name}");
        let steps = instance.take_steps();
        assert!(
            before(&steps, "delayed-token(1) returned", "dropping"),
            "{name}: {steps:?}"
        );
        assert_eq!(instance.state().live_tokens, 0, "{name}: the token leaked");
    });
}

#[test]
fn future_reads_cancelled_at_every_point_keep_the_value() {
    for_each_guest(|instance| {
        let name = instance.name;
        let got = instance.run(async |a, api| {
            let future = a.with(|mut access| {
                FutureReader::new(&mut access, async {
                    Ok::<_, wasmtime::Error>("hosted".to_string())
                })
            })?;
            api.call_read_cancelled_unpolled(a, future).await
        });
        assert_eq!(got, "hosted", "{name}");

        let got =
            instance.run(async |a, api| api.call_read_cancelled_pending(a, "pending".into()).await);
        assert_eq!(got, "pending", "{name}");

        let got =
            instance.run(async |a, api| api.call_read_cancelled_written(a, "written".into()).await);
        assert_eq!(got, "written", "{name}");

        let got = instance.run(async |a, api| {
            api.call_read_cancelled_delivered(a, "delivered".into())
                .await
        });
        assert_eq!(got, "delivered", "{name}");

        let got =
            instance.run(async |a, api| api.call_read_dropped_written(a, "freed".into()).await);
        assert_eq!(got, "dropped", "{name}");
        instance.take_steps();
    });
}

#[test]
fn future_writers_dropped_or_cancelled_send_the_default() {
    for_each_guest(|instance| {
        let name = instance.name;
        let read = |instance: &mut Instance, which: &str| -> Option<String> {
            let which = which.to_string();
            instance.run(async move |a, api| {
                let future = match which.as_str() {
                    "writer-dropped" => api.call_writer_dropped(a).await?,
                    "write-dropped-unpolled" => api.call_write_dropped_unpolled(a).await?,
                    "write-dropped" => api.call_write_dropped(a).await?,
                    "write-cancelled-rewritten" => api.call_write_cancelled_rewritten(a).await?,
                    _ => api.call_write_spawned(a, "spawned".into()).await?,
                };
                Ok(read_future(a, future).await)
            })
        };
        assert_eq!(
            read(instance, "writer-dropped").as_deref(),
            Some("default"),
            "{name}"
        );
        assert_eq!(
            read(instance, "write-dropped-unpolled").as_deref(),
            Some("default"),
            "{name}"
        );
        assert_eq!(
            read(instance, "write-dropped").as_deref(),
            Some("default"),
            "{name}"
        );
        assert_eq!(
            read(instance, "write-cancelled-rewritten").as_deref(),
            Some("value again"),
            "{name}"
        );
        assert_eq!(
            read(instance, "write-spawned").as_deref(),
            Some("spawned"),
            "{name}"
        );
    });
}

/// witbind only: a writer dropped outside of any task (a synchronous
/// export) writes its default value at once; the write's end is taken care
/// of by the next task. (wit-bindgen 0.63 traps.)
#[test]
fn a_future_writer_dropped_outside_of_any_task_sends_the_default() {
    let mut instance = instance("semantics_witbind");
    let check = |instance: &mut Instance| {
        let got = instance.run(async |a, api| {
            let future = api.call_writer_dropped_sync(a).await?;
            let value = read_future(a, future).await;
            api.call_noop(a).await?;
            Ok(value)
        });
        assert_eq!(got.as_deref(), Some("default"));
    };
    check(&mut instance);
    let (heap, handles) = (instance.heap_balance(), instance.handle_probe());
    check(&mut instance);
    assert_eq!(instance.heap_balance(), heap, "the guest's heap changed");
    assert_eq!(instance.handle_probe(), handles, "a handle leaked");
}

/// Checks the reports of the writes of `total` values of which the host
/// took `taken`: the counts of `complete` add up to `taken`, `remaining`
/// goes down by them, and `dropped` comes only last, once the host
/// stopped reading.
fn check_writes(name: &str, reports: &[Report], total: u32, taken: u32) {
    let mut sent = 0;
    for (i, report) in reports.iter().enumerate() {
        match report.outcome {
            Outcome::Complete(n) => {
                assert!(n > 0, "{name}: an empty write completed: {reports:?}");
                sent += n;
            }
            Outcome::Dropped => assert!(
                i == reports.len() - 1 && taken < total,
                "{name}: `dropped` while the reader was there: {reports:?}"
            ),
            Outcome::Cancelled => panic!("{name}: nothing cancelled: {reports:?}"),
        }
    }
    assert_eq!(sent, taken, "{name}: the counts do not add up: {reports:?}");
}

#[test]
fn partial_stream_writes_report_what_was_taken() {
    // (the guest's writes, the host's reads: values per read, values
    // before it drops its end)
    let cases: &[(&[&[u8]], u32, u32)] = &[
        (&[&[3, 4]], 1, u32::MAX),
        (&[&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], 100, u32::MAX),
        (&[&[1, 2], &[3, 4], &[5]], 3, u32::MAX),
        (&[&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], 3, u32::MAX),
        (&[&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], 3, 4),
        (&[&[1, 2, 3], &[4, 5, 6]], 2, 3),
        (&[&[1, 2, 3], &[4, 5, 6]], 10, 3),
        (&[&[1, 2, 3], &[4, 5, 6]], 1, 0),
    ];
    // The reports of each build, which must agree.
    let builds = std::cell::RefCell::new(Vec::new());
    for_each_guest(|instance| {
        let name = instance.name;
        let mut reports_of_cases = Vec::new();
        for (writes, chunk, limit) in cases {
            let writes: Vec<Vec<u8>> = writes.iter().map(|w| w.to_vec()).collect();
            let all = writes.concat();
            let (read, reports) = instance.run(async |a, api| {
                let stream = api.call_stream_writes(a, writes.clone()).await?;
                let read = read_stream(a, stream, *chunk, *limit, 0).await?;
                let reports = api.call_write_reports(a).await?;
                Ok((read, reports))
            });
            let taken = (all.len() as u32).min(*limit);
            assert_eq!(
                read,
                all[..taken as usize],
                "{name}: {writes:?} read by {chunk}"
            );
            check_writes(name, &reports, all.len() as u32, taken);
            reports_of_cases.push(reports);
        }
        builds.borrow_mut().push((name, reports_of_cases));
    });
    let builds = builds.into_inner();
    let (first, rest) = builds.split_first().expect("two builds");
    for (name, reports) in rest {
        for (i, (ours, theirs)) in first.1.iter().zip(reports).enumerate() {
            assert_eq!(
                ours, theirs,
                "case {i}: {} and {name} report different writes",
                first.0
            );
        }
    }
    // One write of two values, taken one at a time, ends with both taken.
    assert_eq!(
        first.1[0].last().map(|report| report.remaining),
        Some(0),
        "{:?}",
        first.1[0]
    );
}

#[test]
fn stream_reads_take_what_was_written_and_cancels_keep_it() {
    let values: Vec<u8> = (0..40).collect();
    for_each_guest(|instance| {
        let name = instance.name;
        for (write_chunk, read_chunk) in [(3, 5), (5, 3), (40, 7), (1, 40)] {
            let reports = instance.run(async |a, api| {
                let stream = host_stream(a, &values, write_chunk);
                api.call_stream_reads(a, stream, read_chunk).await
            });
            let mut got = 0;
            for report in &reports[..reports.len() - 1] {
                let Outcome::Complete(n) = report.outcome else {
                    panic!("{name}: {reports:?}");
                };
                assert!(
                    n <= read_chunk && n == report.remaining,
                    "{name}: {reports:?}"
                );
                got += n;
            }
            assert_eq!(got, 40, "{name}: {write_chunk}/{read_chunk}: {reports:?}");
            assert_eq!(
                reports.last().map(|r| &r.outcome),
                Some(&Outcome::Dropped),
                "{name}"
            );

            let got = instance.run(async |a, api| {
                api.call_stream_read_cancelled(a, values.clone(), write_chunk, read_chunk)
                    .await
            });
            assert_eq!(
                got, values,
                "{name}: {write_chunk}/{read_chunk}: values lost"
            );
        }
    });
}

#[test]
fn stream_writes_cancelled_at_every_point_keep_what_was_not_sent() {
    let values: Vec<u8> = (1..=9).collect();
    for_each_guest(|instance| {
        let name = instance.name;
        let (reports, read) =
            instance.run(async |a, api| api.call_stream_write_cancelled(a, values.clone()).await);
        // Everything arrived once, in order; the unpolled write's values never.
        assert_eq!(read, values, "{name}: {reports:?}");
        let [waiting, taken] = &reports[..] else {
            panic!("{name}: {reports:?}");
        };
        // Cancelled while waiting: nothing went.
        assert_eq!(
            (&waiting.outcome, waiting.remaining),
            (&Outcome::Cancelled, 9),
            "{name}"
        );
        // Ended (or cancelled) after the host took some: they count as sent.
        let Outcome::Complete(n) = taken.outcome else {
            panic!("{name}: {reports:?}");
        };
        assert!(n >= 1 && taken.remaining == 9 - n, "{name}: {reports:?}");
    });
}

/// witbind only: a stream written through `futures::Sink`.
#[test]
fn streams_are_futures_sinks() {
    let values: Vec<u8> = (0..50).collect();
    let mut instance = instance("semantics_witbind");
    let got = instance.run(async |a, api| {
        let stream = api.call_sink_write(a, values.clone()).await?;
        read_stream(a, stream, 7, u32::MAX, 0).await
    });
    assert_eq!(got, values);
}

#[test]
fn a_write_completed_inside_block_on_leaves_nothing_behind() {
    for_each_guest(|instance| {
        let got = instance.run(async |a, api| api.call_write_across_block_on(a).await);
        assert_eq!(got, [1, 2, 3, 4, 5, 6], "{}", instance.name);
    });
}

#[test]
fn one_call_wakes_another() {
    for_each_guest(|instance| {
        let name = instance.name;
        let (got, sent) = instance.run(async |a, api| {
            let wait = api.call_wait_signal(a);
            let send = async {
                step_reached(a, "waiting").await;
                api.call_send_signal(a, 42).await
            };
            let (got, sent) = futures::future::join(wait, send).await;
            Ok((got?, sent?))
        });
        assert_eq!((got, sent), (42, true), "{name}");
        instance.take_steps();

        // A waker whose future was dropped (its call ended) is woken: nothing
        // happens, and the value waits for the next call.
        let got = instance.run(async |a, api| {
            let timed_out = api.call_wait_signal_or_timeout(a, 3).await?;
            let sent = api.call_send_signal(a, 7).await?;
            let got = api.call_wait_signal(a).await?;
            Ok((timed_out, sent, got))
        });
        assert_eq!(got, (None, true, 7), "{name}");
        instance.take_steps();
    });
}

#[test]
fn a_task_spawned_by_one_call_is_awaited_by_another() {
    for_each_guest(|instance| {
        let got = instance.run(async |a, api| {
            let first = api.call_spawn_job(a, "job".into()).await?;
            let joined = api.call_await_job(a).await?;
            Ok((first, joined))
        });
        assert_eq!(got, (true, Some("job".to_string())), "{}", instance.name);
        instance.take_steps();
    });
}

#[test]
fn block_on_nests_in_async_and_sync_exports() {
    for_each_guest(|instance| {
        let name = instance.name;
        let got = instance.run(async |a, api| api.call_nested_block_on(a, "label".into()).await);
        assert_eq!(got, "label:5", "{name}");
        let got = instance.run(async |a, api| api.call_sync_block_on(a, "sync".into()).await);
        assert_eq!(got, "sync:4", "{name}");
        instance.take_steps();
    });
}

#[test]
fn streams_are_futures_streams() {
    let values: Vec<u8> = (0..100).collect();
    for_each_guest(|instance| {
        let got = instance.run(async |a, api| api.call_futures_stream(a, values.clone(), 7).await);
        assert_eq!(got, values, "{}", instance.name);
    });
}
