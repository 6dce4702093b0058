//! Exports that receive borrows of the host's `handle-source` resource,
//! alone and inside options, variants, records and lists, from an exported
//! interface and at world level. Each implementation reads the ids through
//! the borrowed handles (an import call on each), so the borrows must be
//! valid during the call; the host traps if any is still held when the
//! call returns.

witbind::generate!({ path: "../../../wit/fixtures/borrowed-imports.wit" });

use exports::witbind_fixtures::borrowed_imports::api::{self, Lent, Pick, Wrapper};

struct Component;

fn id(source: &HandleSource) -> u32 {
    source.id()
}

fn ids<'a>(sources: impl IntoIterator<Item = Option<&'a HandleSource>>) -> u32 {
    sources.into_iter().flatten().map(id).sum()
}

impl api::Guest for Component {
    fn single(x: &HandleSource) -> u32 {
        id(x)
    }

    fn maybe(x: Option<&HandleSource>) -> u32 {
        ids([x])
    }

    fn choose(x: Pick<'_>) -> u32 {
        match x {
            Pick::One(source) => id(source),
            Pick::None => 0,
        }
    }

    fn many(x: Vec<&HandleSource>) -> u32 {
        ids(x.into_iter().map(Some))
    }

    fn nested(x: Vec<Option<&HandleSource>>) -> u32 {
        ids(x)
    }

    fn wrapped(x: Wrapper<'_>, more: Vec<Lent<'_>>) -> u32 {
        let labels: usize = more.iter().map(|lent| lent.label.len()).sum();
        assert_eq!(
            labels,
            x.inner.label.len() * more.len(),
            "labels arrive intact"
        );
        id(x.inner.source) + ids([x.also]) + ids(more.iter().map(|lent| Some(lent.source)))
    }
}

impl Guest for Component {
    fn add(a: &HandleSource, b: &HandleSource) -> u32 {
        id(a) + id(b)
    }
}

export!(Component);
