//! The `futures-stream` feature: a stream's readable end as a
//! [`futures_core::Stream`] ([`RawStreamReader::into_stream`]) and its
//! writable end as a [`futures_sink::Sink`]
//! ([`RawStreamWriter::into_sink`]), for the combinators of the `futures`
//! crate.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::stream::{RawStreamReader, RawStreamWriter, StreamOps, StreamResult, StreamVtable};

type Pending<T> = Pin<Box<dyn Future<Output = T>>>;
/// A read in flight: it gives back the reader.
type Read<O> = Pending<(
    RawStreamReader<O>,
    StreamResult,
    Vec<<O as StreamOps>::Payload>,
)>;
/// A write in flight: it gives back the writer and the values not sent.
type Write<O> = Pending<(RawStreamWriter<O>, Vec<<O as StreamOps>::Payload>)>;

/// How many values one read of the adapter asks for.
const READ_BYTES: usize = 8192;

/// A readable end as a [`futures_core::Stream`] of its values.
pub struct RawStreamReaderStream<O: StreamOps + 'static> {
    reader: Option<RawStreamReader<O>>,
    read: Option<Read<O>>,
    buffered: VecDeque<O::Payload>,
    ended: bool,
}

/// A [`StreamReader`](super::StreamReader) as a [`futures_core::Stream`].
pub type StreamReaderStream<T> = RawStreamReaderStream<&'static StreamVtable<T>>;

impl<O: StreamOps + 'static> RawStreamReaderStream<O> {
    /// The adapter of `reader`.
    pub fn new(reader: RawStreamReader<O>) -> Self {
        RawStreamReaderStream {
            reader: Some(reader),
            read: None,
            buffered: VecDeque::new(),
            ended: false,
        }
    }

    /// The reader back, unless a read is in flight or the stream ended.
    /// Values already read and not yielded are dropped.
    pub fn into_inner(self) -> Option<RawStreamReader<O>> {
        self.reader
    }
}

impl<O: StreamOps + 'static> Unpin for RawStreamReaderStream<O> {}

impl<O: StreamOps + 'static> futures_core::Stream for RawStreamReaderStream<O> {
    type Item = O::Payload;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<O::Payload>> {
        loop {
            if let Some(value) = self.buffered.pop_front() {
                return Poll::Ready(Some(value));
            }
            if self.ended {
                return Poll::Ready(None);
            }
            if let Some(read) = &mut self.read {
                let (reader, result, values) = core::task::ready!(read.as_mut().poll(cx));
                self.read = None;
                self.buffered.extend(values);
                if result == StreamResult::Dropped {
                    self.ended = true;
                } else {
                    self.reader = Some(reader);
                }
                continue;
            }
            let Some(mut reader) = self.reader.take() else {
                return Poll::Ready(None);
            };
            let size = reader.ops().elem_layout().size().max(1);
            let chunk = (READ_BYTES / size).max(1);
            self.read = Some(Box::pin(async move {
                let (result, values) = reader.read(Vec::with_capacity(chunk)).await;
                (reader, result, values)
            }));
        }
    }
}

impl<O: StreamOps + 'static> RawStreamReader<O> {
    /// This readable end as a [`futures_core::Stream`] of its values.
    pub fn into_stream(self) -> RawStreamReaderStream<O> {
        RawStreamReaderStream::new(self)
    }
}

/// The error of a [`RawStreamWriterSink`] whose reader was dropped.
#[derive(Debug)]
pub struct ReaderDropped;

impl core::fmt::Display for ReaderDropped {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the stream's reader was dropped")
    }
}

impl core::error::Error for ReaderDropped {}

/// A writable end as a [`futures_sink::Sink`] of values. Values are
/// written when the sink is flushed (or closed); closing drops the writer.
pub struct RawStreamWriterSink<O: StreamOps + 'static> {
    writer: Option<RawStreamWriter<O>>,
    buffered: Vec<O::Payload>,
    write: Option<Write<O>>,
}

/// A [`StreamWriter`](super::StreamWriter) as a [`futures_sink::Sink`].
pub type StreamWriterSink<T> = RawStreamWriterSink<&'static StreamVtable<T>>;

impl<O: StreamOps + 'static> Unpin for RawStreamWriterSink<O> {}

impl<O: StreamOps + 'static> RawStreamWriterSink<O> {
    /// Drives the write in flight, if any.
    fn poll_write(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ReaderDropped>> {
        if let Some(write) = &mut self.write {
            let (writer, unsent) = core::task::ready!(write.as_mut().poll(cx));
            self.write = None;
            self.writer = Some(writer);
            if !unsent.is_empty() {
                return Poll::Ready(Err(ReaderDropped));
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<O: StreamOps + 'static> futures_sink::Sink<O::Payload> for RawStreamWriterSink<O> {
    type Error = ReaderDropped;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), ReaderDropped>> {
        self.get_mut().poll_write(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: O::Payload) -> Result<(), ReaderDropped> {
        self.get_mut().buffered.push(item);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), ReaderDropped>> {
        let this = self.get_mut();
        loop {
            core::task::ready!(this.poll_write(cx))?;
            if this.buffered.is_empty() {
                return Poll::Ready(Ok(()));
            }
            let Some(mut writer) = this.writer.take() else {
                return Poll::Ready(Err(ReaderDropped));
            };
            let values = core::mem::take(&mut this.buffered);
            this.write = Some(Box::pin(async move {
                let unsent = writer.write_all(values).await;
                (writer, unsent)
            }));
        }
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), ReaderDropped>> {
        let this = self.get_mut();
        let flushed = core::task::ready!(futures_sink::Sink::<O::Payload>::poll_flush(
            Pin::new(&mut *this),
            cx
        ));
        this.writer = None;
        Poll::Ready(flushed)
    }
}

impl<O: StreamOps + 'static> RawStreamWriter<O> {
    /// This writable end as a [`futures_sink::Sink`] of values.
    pub fn into_sink(self) -> RawStreamWriterSink<O> {
        RawStreamWriterSink {
            writer: Some(self),
            buffered: Vec::new(),
            write: None,
        }
    }
}
